//! `textDocument/completion` in an open document: an entry's ID after a known
//! prefix, an anchor after `#` in a link destination, a file or folder in one. All of
//! it comes from the workspace in memory; nothing is read from disk.

use std::collections::HashSet;
use std::fmt::Write as _;
use std::ops::Range;
use std::sync::LazyLock;

use lsp_types::{
    CompletionItem, CompletionItemKind, CompletionItemTag, CompletionList, CompletionOptions,
    CompletionParams, CompletionResponse, CompletionTextEdit, Documentation, TextEdit,
};
use regex::Regex;
use sot_registry::{
    entry_field, entry_heading, relative_path, Entry, PathKind, Site, Target, Workspace,
};
use sot_syntax::{split_id, Document, LinkKind};

use super::convert::Lines;
use super::Server;
use crate::workspace::is_markdown;

/// The most items one answer holds. A longer list keeps what starts with the text
/// typed, up to this many, and says it is incomplete so the client asks again as
/// typing narrows it.
const MAX_ITEMS: usize = 500;

/// A file name no file has, to find the folder a link's folder part names as a link
/// to a file in it resolves: from the document's folder, from a site's root for `/`,
/// through symlinks.
const NO_FILE: &str = "\u{0}.md";

/// An ID being typed: one or two prefix parts, each with its dash, and any digits.
static TYPED_ID: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?:[A-Z][A-Z0-9]{1,9}-){1,2}[0-9]*$").unwrap());
/// What precedes the ID of an entry's heading.
static ENTRY_HEADING: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^ {0,3}#{1,6}[ \t]+$").unwrap());
/// The start of a reference definition, up to its destination (`[label]: `).
static DEFINITION: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^ {0,3}\[[^\]]+\]:[ \t]*").unwrap());

/// What the server offers to complete, and the characters that ask for it as typed.
pub(super) fn options() -> CompletionOptions {
    CompletionOptions {
        trigger_characters: Some(["-", "#", "(", "/", "["].map(String::from).to_vec()),
        ..Default::default()
    }
}

/// What is being typed at the cursor; spans are byte offsets in the document.
enum Typed<'t> {
    /// An entry's ID (`RUN-0`) whose prefix is known: `span` is the ID written around
    /// the cursor. After `[`, `link_end` is where the text a whole link replaces ends
    /// (past an editor's closing `]`); `None` when only the ID is written.
    Id {
        prefix: &'t str,
        span: Range<usize>,
        link_end: Option<usize>,
    },
    /// A path in a link destination: `dir` is the folder part as written (`../`), and
    /// `name` the name being typed after it.
    Path {
        dir: &'t str,
        name: Range<usize>,
        angle: bool,
    },
    /// The fragment of a link destination after `#`; `path` is what precedes it.
    Anchor {
        path: &'t str,
        fragment: Range<usize>,
    },
}

impl Server<'_> {
    pub(super) fn complete(&mut self, params: &CompletionParams) -> CompletionResponse {
        let list = self.completions(params).unwrap_or(CompletionList {
            is_incomplete: false,
            items: Vec::new(),
        });
        CompletionResponse::List(list)
    }

    /// `None` when nothing applies: an unknown or unread document, a position past
    /// the end of its line, code, or nothing being typed that is completed.
    fn completions(&mut self, params: &CompletionParams) -> Option<CompletionList> {
        let at = &params.text_document_position;
        let rel = self.path_of(&at.text_document.uri)?;
        let d = self.state.doc(&rel)?;
        self.state.index();
        let doc = &self.state.ws.docs[d];
        // Open documents are whole; another one would have to be read.
        if doc.text_dropped {
            return None;
        }
        let encoding = self.client.encoding;
        let lines = Lines::new(doc.text.as_str());
        let cursor = lines.offset(at.position, encoding);
        if lines.position(cursor, encoding) != at.position {
            return None;
        }
        let range = |span: &Range<usize>| lines.range(span, encoding);
        let (items, incomplete) = match typed_at(doc, cursor)? {
            Typed::Id {
                prefix,
                span,
                link_end,
            } => {
                let typed = &doc.text[span.start..cursor];
                let site = link_end.map(|_| self.state.site());
                let linked = site.as_ref().zip(link_end);
                self.id_items(d, prefix, typed, |e| match linked {
                    Some((site, end)) => TextEdit::new(
                        range(&(span.start..end)),
                        format!("{}]({})", e.id, self.link_to(site, d, e)),
                    ),
                    None => TextEdit::new(range(&span), e.id.clone()),
                })
            }
            Typed::Anchor { path, fragment } => {
                let typed = &doc.text[fragment.start..cursor];
                self.anchor_items(self.state.site(), d, path, typed, range(&fragment))?
            }
            Typed::Path { dir, name, angle } => {
                let typed = &doc.text[name.start..cursor];
                self.path_items(self.state.site(), d, dir, angle, typed, range(&name))?
            }
        };
        Some(CompletionList {
            is_incomplete: incomplete,
            items,
        })
    }

    /// The entries of `prefix`, each ID once (its canonical definition), in number
    /// order, written by `edit`.
    fn id_items(
        &self,
        from: usize,
        prefix: &str,
        typed: &str,
        edit: impl Fn(&Entry) -> TextEdit,
    ) -> (Vec<CompletionItem>, bool) {
        let (ws, reg) = (&self.state.ws, &self.state.reg);
        // Each ID once, where its canonical definition is listed; by number.
        let entries: Vec<((usize, &str), &str, usize)> = reg
            .entries
            .iter()
            .enumerate()
            .filter(|(_, e)| {
                e.prefix == prefix && reg.canonical(&e.id).is_some_and(|c| std::ptr::eq(c, *e))
            })
            .map(|(i, e)| (number_key(&e.id), e.id.as_str(), i))
            .collect();
        let (entries, incomplete) = narrow(entries, typed, |(_, id, _)| id);
        let items = entries
            .into_iter()
            .enumerate()
            .map(|(i, (_, _, e))| {
                let e = &reg.entries[e];
                let deprecated = entry_field(ws, e, "Status")
                    .is_some_and(|s| s.eq_ignore_ascii_case("deprecated"));
                CompletionItem {
                    label: e.id.clone(),
                    kind: Some(CompletionItemKind::VALUE),
                    detail: entry_title(ws, e),
                    documentation: Some(Documentation::String(self.about(from, e))),
                    tags: deprecated.then(|| vec![CompletionItemTag::DEPRECATED]),
                    sort_text: Some(format!("{i:06}")),
                    text_edit: Some(CompletionTextEdit::Edit(edit(e))),
                    ..Default::default()
                }
            })
            .collect();
        (items, incomplete)
    }

    /// An entry's status, owner and place, for a completion's documentation.
    fn about(&self, from: usize, e: &Entry) -> String {
        let ws = &self.state.ws;
        let mut about = String::new();
        for field in ["Status", "Owner"] {
            if let Some(value) = entry_field(ws, e, field) {
                let _ = writeln!(about, "{field}: {value}");
            }
        }
        let place = match e.doc == from {
            true => "this document".to_string(),
            false => ws.docs[e.doc].path.clone(),
        };
        let _ = write!(about, "Defined in {place}, line {}", e.position.line);
        about
    }

    /// The destination of a link from document `from` to entry `e`: its file, relative
    /// to `from`, and its heading's anchor as the link would reach it.
    fn link_to(&self, site: &Site, from: usize, e: &Entry) -> String {
        let docs = &self.state.ws.docs;
        let (from, to) = (&docs[from].path, &docs[e.doc].path);
        let anchor = e.heading.map(|h| {
            site.heading_id(to, h)
                .filter(|_| site.publishes(from))
                .unwrap_or(&docs[e.doc].headings[h].slug)
        });
        match anchor {
            Some(anchor) if from == to => format!("#{anchor}"),
            Some(anchor) => format!("{}#{anchor}", encode(&relative_path(from, to), false)),
            None => encode(&relative_path(from, to), false),
        }
    }

    /// The anchors of the file `path` names in a link in document `from` (`""`: that
    /// document), in the order the document has them.
    fn anchor_items(
        &self,
        site: &Site,
        from: usize,
        path: &str,
        typed: &str,
        range: lsp_types::Range,
    ) -> Option<(Vec<CompletionItem>, bool)> {
        let ws = &self.state.ws;
        let from_path = &ws.docs[from].path;
        let resolved = self
            .state
            .reg
            .resolve(&ws.tree, site, from_path, path, LinkKind::Inline);
        let Target::File { doc: Some(t), .. } = resolved.target else {
            return None;
        };
        let anchors = anchors_of(site, from_path, &ws.docs[t]);
        let in_order = anchors.into_iter().enumerate().collect();
        let (anchors, incomplete) = narrow(in_order, typed, |(_, (a, _))| a);
        let items = anchors
            .into_iter()
            .map(|(i, (anchor, heading))| CompletionItem {
                kind: Some(CompletionItemKind::REFERENCE),
                detail: heading.map(str::to_string),
                sort_text: Some(format!("{i:06}")),
                text_edit: Some(CompletionTextEdit::Edit(TextEdit::new(
                    range,
                    anchor.clone(),
                ))),
                label: anchor,
                ..Default::default()
            })
            .collect();
        Some((items, incomplete))
    }

    /// The files and folders in the folder `dir` names from document `from`:
    /// Markdown files first, then folders (with a trailing `/`), then other files.
    fn path_items(
        &self,
        site: &Site,
        from: usize,
        dir: &str,
        angle: bool,
        typed: &str,
        range: lsp_types::Range,
    ) -> Option<(Vec<CompletionItem>, bool)> {
        let ws = &self.state.ws;
        let from_path = &ws.docs[from].path;
        // The folder is where a file named in it would be: a folder-shaped target in a
        // site's page is a page URL, not the folder its files are linked in.
        let probe = format!("{dir}{NO_FILE}");
        let folder = match self
            .state
            .reg
            .resolve(&ws.tree, site, from_path, &probe, LinkKind::Inline)
            .target
        {
            Target::Missing(path) | Target::File { path, .. } => parent(&path).to_string(),
            _ => return None,
        };
        if !ws.tree.is_dir(&folder) {
            return None;
        }
        let found: Vec<(u8, &str, String)> = ws
            .tree
            .entries_in(&folder)
            .map(|(name, kind)| match kind {
                PathKind::File if is_markdown(name) => (0, name, encode(name, angle)),
                PathKind::Dir => (1, name, encode(name, angle) + "/"),
                PathKind::File => (2, name, encode(name, angle)),
            })
            .collect();
        let (found, incomplete) = narrow(found, typed, |(_, _, written)| written);
        let items = found
            .into_iter()
            .enumerate()
            .map(|(i, (group, name, written))| {
                let path = match folder.as_str() {
                    "" => name.to_string(),
                    _ => format!("{folder}/{name}"),
                };
                let title = self.state.doc(&path).and_then(|t| doc_title(&ws.docs[t]));
                let label = match group {
                    1 => format!("{name}/"),
                    _ => name.to_string(),
                };
                CompletionItem {
                    kind: Some(match group {
                        1 => CompletionItemKind::FOLDER,
                        _ => CompletionItemKind::FILE,
                    }),
                    detail: title,
                    sort_text: Some(format!("{i:06}")),
                    filter_text: (written != label).then(|| written.clone()),
                    text_edit: Some(CompletionTextEdit::Edit(TextEdit::new(range, written))),
                    label,
                    ..Default::default()
                }
            })
            .collect();
        Some((items, incomplete))
    }
}

/// What is being typed at byte `cursor` of `doc`, if it is something completed.
fn typed_at(doc: &Document, cursor: usize) -> Option<Typed<'_>> {
    let text = doc.text.as_str();
    let line_start = text[..cursor].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[cursor..].find('\n').map_or(text.len(), |i| cursor + i);
    let line = &text[line_start..line_end];
    let at = cursor - line_start;
    if doc.in_code_block(cursor) || in_code_span(line, at) {
        return None;
    }
    let span = |r: Range<usize>| line_start + r.start..line_start + r.end;
    if let Some((dest, angle)) = destination_start(&line[..at]) {
        let written = &line[dest..at];
        // What continues the part typed after the cursor is replaced with it.
        let continues = |stops: &[char]| {
            let rest = &line[at..];
            let end = rest
                .find(|c: char| stops.contains(&c) || (!angle && c.is_whitespace()))
                .unwrap_or(rest.len());
            at + end
        };
        let closing = if angle { '>' } else { ')' };
        if let Some(hash) = written.find('#') {
            return Some(Typed::Anchor {
                path: &written[..hash],
                fragment: span(dest + hash + 1..continues(&[closing, '\r'])),
            });
        }
        if written.contains('?') {
            return None;
        }
        let name = dest + written.rfind('/').map_or(0, |i| i + 1);
        return Some(Typed::Path {
            dir: &line[dest..name],
            name: span(name..continues(&[closing, '/', '#', '?', '\r'])),
            angle,
        });
    }
    let before = &line[..at];
    let id = TYPED_ID.find(before)?;
    let (prefix, _) = split_id(id.as_str())?;
    // An ID that starts a heading is an entry being defined: an existing one would be
    // a duplicate.
    if ENTRY_HEADING.is_match(&before[..id.start()]) {
        return None;
    }
    let end = at + line[at..].bytes().take_while(u8::is_ascii_digit).count();
    let after = &line[end..];
    let link_end = match before[..id.start()].chars().next_back() {
        // The text of a link that has its target: the ID alone.
        Some('[') if after.starts_with("](") || after.starts_with("][") => None,
        Some('[') if after.starts_with(']') => Some(line_start + end + 1),
        Some('[') => Some(line_start + end),
        // Not a standalone ID: part of a word, a path or an anchor.
        Some(c) if c.is_alphanumeric() || matches!(c, '_' | '-' | '/' | '#' | '@') => return None,
        _ => None,
    };
    Some(Typed::Id {
        prefix,
        span: span(id.start()..end),
        link_end,
    })
}

/// Where the destination being typed at the end of `before` (one line, up to the
/// cursor) starts, and whether it is written in `<>`: after `](` of an inline link or
/// image, or after the label of a reference definition.
fn destination_start(before: &str) -> Option<(usize, bool)> {
    let start = match before.rfind("](") {
        Some(i) => i + 2,
        None => DEFINITION.find(before)?.end(),
    };
    let written = &before[start..];
    match written.strip_prefix('<') {
        Some(inside) => (!inside.contains('>')).then_some((start + 1, true)),
        None => (!written.contains(|c: char| c.is_whitespace() || c == ')' || c == '<'))
            .then_some((start, false)),
    }
}

/// Whether byte `at` of `line` is inside a code span: between a run of backticks and
/// the next run of the same length on the line.
fn in_code_span(line: &str, at: usize) -> bool {
    let bytes = line.as_bytes();
    let mut runs = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'`' {
            let start = i;
            while i < bytes.len() && bytes[i] == b'`' {
                i += 1;
            }
            runs.push((start, i));
        } else {
            i += 1;
        }
    }
    let mut r = 0;
    while r < runs.len() {
        let (open_start, open_end) = runs[r];
        let len = open_end - open_start;
        match runs[r + 1..].iter().position(|(s, e)| e - s == len) {
            Some(j) => {
                let close_start = runs[r + 1 + j].0;
                if open_end <= at && at <= close_start {
                    return true;
                }
                r += j + 2;
            }
            // An opening run without a match is literal backticks.
            None => r += 1,
        }
    }
    false
}

/// The anchors of `doc` as a link in the document at `from` reaches them (the site's
/// when both are its pages, else GitHub's), each with its heading's text: headings
/// first, in order, then anchors of other kinds.
fn anchors_of<'d>(site: &Site, from: &str, doc: &'d Document) -> Vec<(String, Option<&'d str>)> {
    let mut anchors: Vec<(String, Option<&str>)> = Vec::new();
    match site.anchors(&doc.path).filter(|_| site.publishes(from)) {
        Some(all) => {
            for (h, heading) in doc.headings.iter().enumerate() {
                if let Some(id) = site.heading_id(&doc.path, h) {
                    anchors.push((id.to_string(), Some(heading.text.as_str())));
                }
            }
            let mut rest: Vec<&String> = all.iter().collect();
            rest.sort();
            anchors.extend(rest.into_iter().map(|a| (a.clone(), None)));
        }
        None => {
            for heading in &doc.headings {
                anchors.push((heading.slug.clone(), Some(heading.text.as_str())));
                if let Some(id) = &heading.custom_id {
                    anchors.push((id.clone(), Some(heading.text.as_str())));
                }
            }
            for heading in &doc.html_headings {
                anchors.push((heading.slug.clone(), Some(heading.text.as_str())));
            }
            anchors.extend(doc.html_anchors.iter().map(|(a, _)| (a.clone(), None)));
        }
    }
    let mut seen = HashSet::new();
    anchors.retain(|(a, _)| seen.insert(a.to_lowercase()));
    anchors
}

/// The first [`MAX_ITEMS`] of `candidates` in order: all of them when they fit, else
/// those whose `key` starts with `typed` (in any letter case); and whether any were
/// left out.
fn narrow<T: Ord>(mut candidates: Vec<T>, typed: &str, key: impl Fn(&T) -> &str) -> (Vec<T>, bool) {
    let incomplete = candidates.len() > MAX_ITEMS;
    if incomplete {
        candidates.retain(|c| {
            key(c)
                .get(..typed.len())
                .is_some_and(|k| k.eq_ignore_ascii_case(typed))
        });
    }
    if candidates.len() > MAX_ITEMS {
        // Only what is kept is sorted: a prefix may have many thousands of entries.
        candidates.select_nth_unstable(MAX_ITEMS);
        candidates.truncate(MAX_ITEMS);
    }
    candidates.sort_unstable();
    (candidates, incomplete)
}

/// IDs in number order (`DEP-9` before `DEP-10`), however many digits they have.
fn number_key(id: &str) -> (usize, &str) {
    let number = split_id(id).map_or(id, |(_, n)| n);
    let significant = number.trim_start_matches('0');
    (significant.len(), significant)
}

/// An entry's title: its heading's text after the ID, or the title of a document
/// that is one entry.
fn entry_title(ws: &Workspace, e: &Entry) -> Option<String> {
    let Some(heading) = entry_heading(ws, e) else {
        return doc_title(&ws.docs[e.doc]);
    };
    let rest = heading.text.strip_prefix(&e.id).unwrap_or(&heading.text);
    let rest = rest.trim_start();
    let title = rest
        .strip_prefix([':', '|', '-', '—', '–'])
        .unwrap_or(rest)
        .trim();
    (!title.is_empty()).then(|| title.to_string())
}

/// A document's first top-level heading.
fn doc_title(doc: &Document) -> Option<String> {
    doc.headings
        .iter()
        .find(|h| h.level == 1)
        .map(|h| h.text.clone())
}

fn parent(path: &str) -> &str {
    path.rsplit_once('/').map_or("", |(dir, _)| dir)
}

/// A path as a link destination writes it: what would end or split the destination
/// percent-encoded (spaces and parentheses too outside `<>`), other characters as
/// they are.
fn encode(path: &str, angle: bool) -> String {
    let mut out = String::with_capacity(path.len());
    for c in path.chars() {
        let escaped = match c {
            '%' | '#' | '?' | '<' | '>' => true,
            ' ' | '(' | ')' => !angle,
            c => c.is_control(),
        };
        if escaped {
            for b in c.to_string().bytes() {
                let _ = write!(out, "%{b:02X}");
            }
        } else {
            out.push(c);
        }
    }
    out
}
