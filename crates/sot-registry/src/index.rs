//! Generated index blocks: the text between `<!-- sot:index start ... -->` and
//! `<!-- sot:index end -->` that `sot index` writes from the registry.
//!
//! The default block is the seed playbook's "Navigation by Category": per prefix a
//! line with its label and reserved range, then one bullet per entry in ID order.
//! Labels and ranges already written in the block are kept, so wrapping an existing
//! navigation section in markers and running `sot index` gives it back, corrected.

use std::collections::BTreeMap;
use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;
use sot_syntax::{Document, Edit};

use crate::{entry_field, entry_heading, relative_path, Entry, Registry, Workspace};

static START: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^<!--\s*sot:index\s+start\b(.*?)-->$").unwrap());
static END: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^<!--\s*sot:index\s+end\b(?:\s+checksum=([0-9a-f]+))?\s*-->$").unwrap()
});
static LABEL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\*\*(.+?)\*\*\s*(?:\(((?:[A-Z][A-Z0-9]{1,9}-){1,2})([0-9]+)\s*(?:to|–|—|-|\.\.)\s*(?:[A-Z][A-Z0-9]{1,9}-){1,2}([0-9]+)\))?\s*:?\s*$").unwrap()
});

/// One generated block in a document.
#[derive(Debug, Clone)]
pub struct IndexBlock {
    /// The start marker comment.
    pub start: Range<usize>,
    /// The generated lines: from the end of the start marker's line to the start of
    /// the end marker's line (between the markers when they share a line).
    pub content: Range<usize>,
    /// What each generated line starts with to stay in the start marker's container:
    /// `> ` in a block quote, spaces in a list item.
    pub indent: String,
    /// The end marker comment (rewritten with the new checksum).
    pub end: Range<usize>,
    pub options: IndexOptions,
    /// The checksum `sot index` wrote into the end marker, if any.
    pub checksum: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IndexOptions {
    /// Prefixes to list, in order; empty: the file's own.
    pub prefixes: Vec<String>,
    /// Statuses to keep; empty: all.
    pub statuses: Vec<String>,
    pub table: bool,
}

/// Whether a block matches what `sot index` would write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Freshness {
    Fresh,
    /// Written by `sot index`, but the registry changed since.
    OutOfDate,
    /// Changed by hand since `sot index` wrote it (its checksum no longer matches).
    EditedByHand,
}

/// A problem with a block's markers or options.
#[derive(Debug, Clone)]
pub struct MarkerError {
    pub span: Range<usize>,
    pub message: String,
}

/// A start marker's options and the indent of its container, or why it is broken.
type StartMarker = Result<(IndexOptions, String), String>;

/// The index blocks of a document, and what is wrong with their markers.
pub fn blocks(doc: &Document) -> (Vec<IndexBlock>, Vec<MarkerError>) {
    let mut out = Vec::new();
    let mut errors = Vec::new();
    let mut open: Option<(Range<usize>, StartMarker)> = None;
    for comment in &doc.html_comments {
        let text = doc.text[comment.clone()].trim();
        if let Some(c) = START.captures(text) {
            if let Some((prev, _)) = open.take() {
                errors.push(MarkerError {
                    span: prev,
                    message: "index block has no `<!-- sot:index end -->` before the next start"
                        .into(),
                });
            }
            let options = match container_indent(line_lead(&doc.text, comment.start)) {
                Some(indent) => parse_options(&c[1]).map(|o| (o, indent)),
                None => Err(
                    "`<!-- sot:index start -->` must begin its line (after list or \
                             quote markers only)"
                        .into(),
                ),
            };
            open = Some((comment.clone(), options));
        } else if let Some(c) = END.captures(text) {
            let Some((start, options)) = open.take() else {
                errors.push(MarkerError {
                    span: comment.clone(),
                    message: "`<!-- sot:index end -->` without a start marker".into(),
                });
                continue;
            };
            let options = match options {
                Ok(o) => o,
                Err(message) => {
                    errors.push(MarkerError {
                        span: start,
                        message,
                    });
                    continue;
                }
            };
            let (options, indent) = options;
            let end_line = line_start(&doc.text, comment.start);
            let content = if end_line > start.end {
                line_end(&doc.text, start.end)..end_line
            } else {
                start.end..comment.start
            };
            out.push(IndexBlock {
                start,
                content,
                indent,
                end: comment.clone(),
                options,
                checksum: c.get(1).map(|m| m.as_str().to_string()),
            });
        }
    }
    if let Some((start, _)) = open {
        errors.push(MarkerError {
            span: start,
            message: "index block is not closed with `<!-- sot:index end -->`".into(),
        });
    }
    (out, errors)
}

fn line_end(text: &str, from: usize) -> usize {
    text[from..].find('\n').map_or(text.len(), |i| from + i + 1)
}

fn line_start(text: &str, at: usize) -> usize {
    text[..at].rfind('\n').map_or(0, |i| i + 1)
}

/// What stands before `at` on its line.
fn line_lead(text: &str, at: usize) -> &str {
    &text[line_start(text, at)..at]
}

static CONTAINER_MARKERS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:[ \t]*(?:>|[-*+][ \t]|[0-9]{1,9}[.)][ \t]))*[ \t]*$").unwrap()
});

/// The indent that keeps a line in the containers `lead` opens (`> ` stays, a list
/// marker becomes spaces of its width), or `None` when `lead` holds anything else.
fn container_indent(lead: &str) -> Option<String> {
    CONTAINER_MARKERS.is_match(lead).then(|| {
        lead.chars()
            .map(|c| if c == '>' || c == '\t' { c } else { ' ' })
            .collect()
    })
}

fn parse_options(raw: &str) -> Result<IndexOptions, String> {
    let mut options = IndexOptions::default();
    for item in raw.split_whitespace() {
        let Some((key, value)) = item.split_once('=') else {
            return Err(format!("index option `{item}` is not `key=value`"));
        };
        let list = || {
            value
                .split(',')
                .filter(|v| !v.is_empty())
                .map(str::to_string)
                .collect()
        };
        match key {
            "prefix" => options.prefixes = list(),
            "status" => options.statuses = list(),
            "style" => match value {
                "list" => options.table = false,
                "table" => options.table = true,
                other => {
                    return Err(format!(
                        "index style `{other}` is neither `list` nor `table`"
                    ))
                }
            },
            other => {
                return Err(format!(
                    "unknown index option `{other}` (known: prefix, status, style)"
                ))
            }
        }
    }
    Ok(options)
}

/// The line ending a document uses: CRLF when most of its lines end so.
pub fn line_ending(doc: &Document) -> &'static str {
    let crlf = doc.text.matches("\r\n").count();
    if crlf * 2 > doc.text.matches('\n').count() {
        "\r\n"
    } else {
        "\n"
    }
}

/// The content `sot index` writes into `block` of document `d` (with `\n` endings).
pub fn render(ws: &Workspace, reg: &Registry, d: usize, block: &IndexBlock) -> String {
    let doc = &ws.docs[d];
    let labels = existing_labels(&current_content(doc, block));
    let prefixes = if block.options.prefixes.is_empty() {
        own_prefixes(reg, doc, d)
    } else {
        block.options.prefixes.clone()
    };
    let mut out = String::from("\n");
    for prefix in &prefixes {
        let mut entries: Vec<&Entry> = reg
            .entries
            .iter()
            .filter(|e| {
                &e.prefix == prefix && reg.canonical(&e.id).is_some_and(|c| std::ptr::eq(c, *e))
            })
            .filter(|e| {
                block.options.statuses.is_empty()
                    || field(ws, e, "Status")
                        .is_some_and(|s| block.options.statuses.iter().any(|w| w == &s))
            })
            .collect();
        entries.sort_by_key(|e| number(&e.id));
        let (label, range) = labels
            .get(prefix)
            .cloned()
            .unwrap_or_else(|| (prefix.clone(), reserved_range(reg, prefix)));
        match range {
            Some((from, to)) => out.push_str(&format!(
                "**{label}** ({prefix}-{from} to {prefix}-{to}):\n\n"
            )),
            None => out.push_str(&format!("**{label}**:\n\n")),
        }
        if block.options.table {
            out.push_str("| ID | Title | Status | Owner |\n| --- | --- | --- | --- |\n");
            for e in &entries {
                out.push_str(&format!(
                    "| [{}]({}) | {} | {} | {} |\n",
                    e.id,
                    target(ws, doc, e),
                    cell(&entry_title(ws, e)),
                    cell(&field(ws, e, "Status").unwrap_or_default()),
                    cell(&field(ws, e, "Owner").unwrap_or_default()),
                ));
            }
        } else {
            for e in &entries {
                out.push_str(&format!(
                    "- [{}]({}) - {}\n",
                    e.id,
                    target(ws, doc, e),
                    entry_title(ws, e)
                ));
            }
        }
        out.push('\n');
    }
    out
}

/// CRC-32 of a block's content with `\n` endings, as written in the end marker.
pub fn checksum(content: &str) -> String {
    format!("{:08x}", crc32fast::hash(normalize(content).as_bytes()))
}

pub fn freshness(ws: &Workspace, reg: &Registry, d: usize, block: &IndexBlock) -> Freshness {
    let doc = &ws.docs[d];
    let expected = render(ws, reg, d, block);
    if doc.text[block.start.end..block.end.end] == written(block, &expected, line_ending(doc)) {
        return Freshness::Fresh;
    }
    let hand_edited = block
        .checksum
        .as_ref()
        .is_some_and(|c| *c != checksum(&current_content(doc, block)));
    if hand_edited {
        Freshness::EditedByHand
    } else {
        Freshness::OutOfDate
    }
}

/// The block's generated lines as `sot index` rendered them: without the container
/// indent, with `\n` endings.
fn current_content(doc: &Document, block: &IndexBlock) -> String {
    let indent = block.indent.as_str();
    normalize(&doc.text[block.content.clone()])
        .split_inclusive('\n')
        .map(|line| {
            line.strip_prefix(indent)
                .or_else(|| line.strip_prefix(indent.trim_end()))
                .unwrap_or(line)
        })
        .collect()
}

/// What `sot index` writes from the end of the start marker to the end of the end
/// marker: the start marker's line ends, each line of `content` follows in the block's
/// container, then the end marker with the content's checksum on a line of its own.
/// The same layout whatever the markers' was, so a second run finds nothing to change.
fn written(block: &IndexBlock, content: &str, eol: &str) -> String {
    let mut out = String::from(eol);
    for line in content.lines() {
        if line.is_empty() {
            out.push_str(block.indent.trim_end());
        } else {
            out.push_str(&block.indent);
            out.push_str(line);
        }
        out.push_str(eol);
    }
    out.push_str(&block.indent);
    out.push_str(&format!(
        "<!-- sot:index end checksum={} -->",
        checksum(content)
    ));
    out
}

/// What `sot index` writes over `block` of document `d`: the bytes from the end of
/// its start marker to the end of its end marker, and their new text.
pub fn regenerated(
    ws: &Workspace,
    reg: &Registry,
    d: usize,
    block: &IndexBlock,
) -> (Range<usize>, String) {
    let content = render(ws, reg, d, block);
    let eol = line_ending(&ws.docs[d]);
    (
        block.start.end..block.end.end,
        written(block, &content, eol),
    )
}

/// The document's text with every index block regenerated (BOM not included), or
/// `None` when nothing changes.
pub fn rewrite(ws: &Workspace, reg: &Registry, d: usize) -> Option<String> {
    let doc = &ws.docs[d];
    let (blocks, _) = blocks(doc);
    let mut text = String::with_capacity(doc.text.len());
    let mut last = 0;
    for block in &blocks {
        let (span, new) = regenerated(ws, reg, d, block);
        text.push_str(&doc.text[last..span.start]);
        text.push_str(&new);
        last = span.end;
    }
    text.push_str(&doc.text[last..]);
    (text != doc.text).then_some(text)
}

/// Edits to `after` (the document `before` with links rewritten, `sot mv`) that give
/// each block `sot index` wrote in `before` (its checksum matched its content) the
/// checksum of its new content, so the rewrite is not taken for an edit by hand.
pub fn reseal(before: &Document, after: &Document) -> Vec<Edit> {
    let (old, _) = blocks(before);
    let (new, _) = blocks(after);
    if old.len() != new.len() {
        return Vec::new();
    }
    old.iter()
        .zip(&new)
        .filter(|(o, _)| o.checksum.as_deref() == Some(&checksum(&current_content(before, o))))
        .filter_map(|(_, n)| {
            let sum = checksum(&current_content(after, n));
            let marker = &after.text[n.end.clone()];
            let at = n.end.start + marker.find("checksum=")? + "checksum=".len();
            let old_sum = n.checksum.as_deref()?;
            (old_sum != sum).then(|| Edit::new(at..at + old_sum.len(), sum))
        })
        .collect()
}

/// How many times [`rewrite_settled`] regenerates before it gives up on settling.
const MAX_PASSES: usize = 8;

/// Regenerates the index blocks of documents `docs` (those whose markers are well
/// formed) until a further pass would change nothing, rebuilding the registry with
/// `build` between passes. One pass is not always enough: a block that held headings
/// or fields (pasted in, or left by a hand edit) changes, once rewritten, the slugs
/// and entries other blocks link to. Each changed document is replaced in `ws` by its
/// regenerated text; the documents as read are returned for the writer's checks.
pub fn rewrite_settled(
    ws: &mut Workspace,
    build: impl Fn(&Workspace) -> Registry,
    docs: &[usize],
) -> BTreeMap<usize, Document> {
    let docs: Vec<usize> = docs
        .iter()
        .copied()
        .filter(|&d| blocks(&ws.docs[d]).1.is_empty())
        .collect();
    let mut originals = BTreeMap::new();
    for _ in 0..MAX_PASSES {
        let reg = build(ws);
        let changed: Vec<(usize, String)> = docs
            .iter()
            .filter_map(|&d| rewrite(ws, &reg, d).map(|text| (d, text)))
            .collect();
        if changed.is_empty() {
            break;
        }
        for (d, text) in changed {
            let bom = if ws.docs[d].bom { "\u{feff}" } else { "" };
            let path = ws.docs[d].path.clone();
            let read = ws.replace(d, Document::parse(path, format!("{bom}{text}")));
            originals.entry(d).or_insert(read);
        }
    }
    originals
}

fn normalize(s: &str) -> String {
    s.replace("\r\n", "\n")
}

fn number(id: &str) -> (u64, String) {
    let n = id.rsplit('-').next().unwrap_or_default();
    (n.parse().unwrap_or(u64::MAX), id.to_string())
}

fn field(ws: &Workspace, e: &Entry, name: &str) -> Option<String> {
    entry_field(ws, e, name)
}

/// The entry's title: its heading after the ID and separator; for a document-level
/// entry its frontmatter `title`, else its first heading, else its path.
pub fn entry_title(ws: &Workspace, e: &Entry) -> String {
    let doc = &ws.docs[e.doc];
    let Some(heading) = entry_heading(ws, e) else {
        return doc
            .frontmatter
            .as_ref()
            .and_then(|f| f.scalar("title"))
            .or_else(|| doc.headings.first().map(|h| h.text.clone()))
            .unwrap_or_else(|| doc.path.clone());
    };
    let text = &heading.text;
    let rest = text.strip_prefix(e.id.as_str()).unwrap_or(text);
    rest.trim_start_matches([':', '|', '-', '—', '–', ' '])
        .trim()
        .to_string()
}

fn cell(s: &str) -> String {
    s.replace('|', "\\|")
}

/// The link target from `doc` to the entry's heading.
fn target(ws: &Workspace, doc: &Document, e: &Entry) -> String {
    let entry_doc = &ws.docs[e.doc];
    let Some(heading) = entry_heading(ws, e) else {
        return relative_path(&doc.path, &entry_doc.path);
    };
    let slug = &heading.slug;
    if entry_doc.path == doc.path {
        format!("#{slug}")
    } else {
        format!("{}#{slug}", relative_path(&doc.path, &entry_doc.path))
    }
}

/// Prefixes the file declares (`id_prefix`, in order), else those of its entries.
fn own_prefixes(reg: &Registry, doc: &Document, d: usize) -> Vec<String> {
    let declared = crate::declared_prefixes(doc);
    if !declared.is_empty() {
        return declared;
    }
    let mut seen = Vec::new();
    for e in reg.entries_in(d) {
        if !seen.contains(&e.prefix) {
            seen.push(e.prefix.clone());
        }
    }
    seen
}

/// Labels and ranges written in the block: `**Deployment Procedures** (DEP-001 to DEP-099):`.
fn existing_labels(content: &str) -> BTreeMap<String, (String, Option<(String, String)>)> {
    let mut out = BTreeMap::new();
    for line in content.lines() {
        if let Some(c) = LABEL.captures(line.trim()) {
            if let (Some(prefix), Some(from), Some(to)) = (c.get(2), c.get(3), c.get(4)) {
                let prefix = prefix.as_str().trim_end_matches('-').to_string();
                out.insert(
                    prefix,
                    (
                        c[1].to_string(),
                        Some((from.as_str().to_string(), to.as_str().to_string())),
                    ),
                );
            }
        }
    }
    out
}

/// A range reserved for `prefix` anywhere in the workspace (`DEP-001 to DEP-099`).
fn reserved_range(reg: &Registry, prefix: &str) -> Option<(String, String)> {
    let ends: Vec<&str> = reg
        .reserved
        .iter()
        .filter(|t| t.token.prefix == prefix)
        .map(|t| t.token.number.as_str())
        .take(2)
        .collect();
    match ends.as_slice() {
        [from, to] => Some((from.to_string(), to.to_string())),
        _ => None,
    }
}
