//! `sot new`: the next free number of a prefix, and the text of a new entry built
//! from the fields the prefix's existing entries carry.

use std::collections::BTreeSet;
use std::ops::Range;

use crate::index::line_ending;
use crate::{declared_prefixes, entry_heading, Entry, Registry, Workspace};

/// Where and what `sot new` inserts.
#[derive(Debug)]
pub struct NewEntry {
    pub id: String,
    /// The document that receives the entry.
    pub doc: usize,
    /// The document's text with the entry inserted (BOM not included).
    pub text: String,
}

#[derive(Debug, PartialEq, Eq)]
pub enum NewError {
    /// No file declares the prefix or holds entries of it, and none was named.
    NoOwner(String),
    /// The named file is not a document of the workspace.
    NotADocument(String),
}

impl std::fmt::Display for NewError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            NewError::NoOwner(p) => write!(
                f,
                "no file declares prefix {p} (id_prefix) or holds {p} entries; name one with --file"
            ),
            NewError::NotADocument(p) => {
                write!(f, "{p} is not a Markdown document of the workspace")
            }
        }
    }
}

/// The file that owns `prefix`: the one declaring it, else the one with most entries.
pub fn owner(ws: &Workspace, reg: &Registry, prefix: &str) -> Option<usize> {
    if let Some(d) = ws
        .docs
        .iter()
        .position(|d| declared_prefixes(d).iter().any(|p| p == prefix))
    {
        return Some(d);
    }
    (0..ws.docs.len())
        .map(|d| {
            (
                reg.entries_in(d)
                    .iter()
                    .filter(|e| e.prefix == prefix)
                    .count(),
                d,
            )
        })
        .filter(|(n, _)| *n > 0)
        .max_by_key(|(n, d)| (*n, std::cmp::Reverse(*d)))
        .map(|(_, d)| d)
}

/// Every number of `prefix` in use in the workspace: defined, referenced, or reserved
/// as a range end.
pub fn used_numbers(reg: &Registry, prefix: &str) -> BTreeSet<u64> {
    let defined = reg
        .entries
        .iter()
        .filter(|e| e.prefix == prefix)
        .map(|e| e.id.as_str());
    let referenced = reg.references.iter().map(|r| r.id.as_str());
    defined
        .chain(referenced)
        .filter_map(|id| {
            let (p, n) = sot_syntax::split_id(id)?;
            (p == prefix).then(|| n.parse().ok()).flatten()
        })
        .collect()
}

/// Ranges of `prefix` reserved in documents other than `owner`.
fn foreign_ranges(reg: &Registry, prefix: &str, owner: usize) -> Vec<Range<u64>> {
    let ends: Vec<_> = reg
        .reserved
        .iter()
        .filter(|t| t.token.prefix == prefix && t.doc != owner)
        .collect();
    ends.chunks(2)
        .filter_map(|pair| match pair {
            [a, b] => {
                let from: u64 = a.token.number.parse().ok()?;
                let to: u64 = b.token.number.parse().ok()?;
                Some(from.min(to)..from.max(to) + 1)
            }
            _ => None,
        })
        .collect()
}

/// The next free number: after the highest one in use outside other files' reserved
/// ranges, skipping every number in use (here or in `elsewhere`, e.g. other branches)
/// and every foreign range.
pub fn next_number(reg: &Registry, prefix: &str, owner: usize, elsewhere: &BTreeSet<u64>) -> u64 {
    let foreign = foreign_ranges(reg, prefix, owner);
    let in_foreign = |n: u64| foreign.iter().any(|r| r.contains(&n));
    let used: BTreeSet<u64> = used_numbers(reg, prefix)
        .union(elsewhere)
        .copied()
        .collect();
    let mut n = used
        .iter()
        .copied()
        .filter(|n| !in_foreign(*n))
        .max()
        .unwrap_or(0)
        + 1;
    while used.contains(&n) || in_foreign(n) {
        n += 1;
    }
    n
}

/// Builds the new entry `PREFIX-N: title` and inserts it after the last entry of the
/// prefix in its owning document (or at the end). Field values are the prefix's
/// placeholders, so `sot lint` shows what the author must still fill in.
pub fn new_entry(
    ws: &Workspace,
    reg: &Registry,
    prefix: &str,
    title: &str,
    file: Option<&str>,
    elsewhere: &BTreeSet<u64>,
    schema_options: impl Fn(&str) -> Option<Vec<String>>,
) -> Result<NewEntry, NewError> {
    let d = match file {
        Some(path) => reg
            .doc_index(path)
            .ok_or_else(|| NewError::NotADocument(path.to_string()))?,
        None => owner(ws, reg, prefix).ok_or_else(|| NewError::NoOwner(prefix.to_string()))?,
    };
    let doc = &ws.docs[d];
    let siblings: Vec<&Entry> = reg.entries.iter().filter(|e| e.prefix == prefix).collect();
    let local: Vec<&&Entry> = siblings.iter().filter(|e| e.doc == d).collect();
    let width = siblings
        .iter()
        .filter_map(|e| sot_syntax::split_id(&e.id).map(|(_, n)| n.len()))
        .max()
        .unwrap_or(3);
    let number = next_number(reg, prefix, d, elsewhere);
    let id = format!("{prefix}-{number:0width$}");
    // The model for the new entry's fields: the last entry of the prefix, here or elsewhere.
    let model: Option<&Entry> = local.last().map(|e| **e).or(siblings.last().copied());
    let level = model.map_or(2, |e| doc_heading_level(ws, e));
    let eol = line_ending(doc);

    let mut lines = vec![
        format!("{} {id}: {title}", "#".repeat(level)),
        String::new(),
    ];
    let fields: Vec<String> = match model.and_then(|e| entry_heading(ws, e)) {
        Some(h) => h.fields.iter().map(|f| f.name.clone()).collect(),
        None => vec!["ID".into(), "Status".into(), "Owner".into()],
    };
    for name in &fields {
        let value = if name == "ID" {
            id.clone()
        } else if let Some(options) = schema_options(name) {
            options.join(" | ")
        } else if is_date_field(name) {
            "YYYY-MM-DD".to_string()
        } else {
            format!("{{{name}}}")
        };
        lines.push(format!("**{name}**: {value}"));
    }
    lines.push(String::new());

    // After the last entry of the prefix in this file (its body runs to the next
    // heading of the same or a higher level), else at the end.
    let at = local.last().map_or(doc.text.len(), |e| section_end(ws, e));
    let before = &doc.text[..at];
    let separated = before.trim_end().ends_with("---");
    let mut block = String::new();
    if !before.is_empty() && !before.ends_with("\n\n") && !before.ends_with("\r\n\r\n") {
        block.push_str(if before.ends_with('\n') { "" } else { "\n" });
        block.push('\n');
    }
    block.push_str(&lines.join("\n"));
    block.push('\n');
    if separated && at < doc.text.len() {
        block.push_str("---\n\n");
    }
    let block = block.replace('\n', eol);
    let mut text = String::with_capacity(doc.text.len() + block.len());
    text.push_str(before);
    text.push_str(&block);
    text.push_str(&doc.text[at..]);
    Ok(NewEntry { id, doc: d, text })
}

fn is_date_field(name: &str) -> bool {
    matches!(name, "Created" | "Last Updated" | "Last Tested") || name.ends_with("Date")
}

fn doc_heading_level(ws: &Workspace, e: &Entry) -> usize {
    entry_heading(ws, e).map_or(2, |h| h.level as usize)
}

/// Where an entry's body ends: the next heading of the same or a higher level.
fn section_end(ws: &Workspace, e: &Entry) -> usize {
    let doc = &ws.docs[e.doc];
    let Some(at) = e.heading else {
        return doc.text.len();
    };
    let level = doc.headings[at].level;
    doc.headings[at + 1..]
        .iter()
        .find(|h| h.level <= level)
        .map_or(doc.text.len(), |h| h.span.start)
}
