//! `sot new`: the next free number of a prefix, and the text of a new entry built
//! from the fields the prefix's existing entries carry.

use std::collections::BTreeSet;
use std::ops::RangeInclusive;

use crate::index::line_ending;
use crate::{declared_prefixes, entry_heading, Entry, KnownToken, Reference, Registry, Workspace};

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
    /// The highest ID in use (given) has no successor a number can hold.
    Exhausted(String),
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
            NewError::Exhausted(id) => {
                write!(f, "no number follows {id}, the highest in use")
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

/// A number as written, or `Err` with the ID when it is too large to count on from.
fn number(prefix: &str, digits: &str) -> Result<u64, NewError> {
    digits
        .parse()
        .map_err(|_| NewError::Exhausted(format!("{prefix}-{digits}")))
}

/// Every number of `prefix` in use in the workspace: defined, referenced, or reserved
/// as a range end.
pub fn used_numbers(reg: &Registry, prefix: &str) -> Result<BTreeSet<u64>, NewError> {
    let defined = reg
        .entries
        .iter()
        .filter(|e| e.prefix == prefix)
        .map(|e| e.id.as_str());
    let referenced = reg.references.iter().map(|r| r.id.as_str());
    defined
        .chain(referenced)
        .filter_map(|id| sot_syntax::split_id(id).filter(|(p, _)| *p == prefix))
        .map(|(_, n)| number(prefix, n))
        .collect()
}

/// The ends of the ranges of `prefix` reserved in documents other than `owner` (`DEP-100
/// to DEP-199`), as written, each with the document that reserves it.
fn foreign_range_ends<'a>(
    reg: &'a Registry,
    prefix: &str,
    owner: usize,
) -> Vec<(&'a KnownToken, &'a KnownToken)> {
    let ends: Vec<&KnownToken> = reg
        .reserved
        .iter()
        .filter(|t| t.token.prefix == prefix && t.doc != owner)
        .collect();
    ends.chunks(2)
        .filter_map(|pair| match pair {
            [a, b] => Some((*a, *b)),
            _ => None,
        })
        .collect()
}

/// Ranges of `prefix` reserved in documents other than `owner`.
fn foreign_ranges(
    reg: &Registry,
    prefix: &str,
    owner: usize,
) -> Result<Vec<RangeInclusive<u64>>, NewError> {
    foreign_range_ends(reg, prefix, owner)
        .into_iter()
        .map(|(a, b)| {
            let (from, to) = (
                number(prefix, &a.token.number)?,
                number(prefix, &b.token.number)?,
            );
            Ok(from.min(to)..=from.max(to))
        })
        .collect()
}

/// Why an ID is not free to give an entry.
#[derive(Debug)]
pub enum Taken<'a> {
    /// An entry defines it.
    Defined(&'a Entry),
    /// Nothing defines it, but this place refers to it (a dangling reference, or one
    /// meant for an entry still to be written).
    Referenced(&'a Reference),
    /// It falls in a range another document reserves: its two ends.
    Reserved(&'a KnownToken, &'a KnownToken),
    /// A branch uses it in a file it changed since it forked.
    OnAnotherBranch,
}

/// Whether `id` is taken for an entry of document `owner`, by the rules `sot new`
/// allocates by: defined or referenced anywhere, inside a range another document
/// reserves, or in `elsewhere` (numbers other branches use). Numbers compare as
/// numbers, of any length.
pub fn taken<'a>(
    reg: &'a Registry,
    id: &str,
    owner: usize,
    elsewhere: &BTreeSet<u64>,
) -> Option<Taken<'a>> {
    if let Some(e) = reg.canonical(id) {
        return Some(Taken::Defined(e));
    }
    if let Some(r) = reg.references_to(id).next() {
        return Some(Taken::Referenced(r));
    }
    let (prefix, digits) = sot_syntax::split_id(id)?;
    // Digits without leading zeros compare as numbers by length, then by text.
    fn magnitude(n: &str) -> (usize, &str) {
        let n = n.trim_start_matches('0');
        (n.len(), n)
    }
    let n = magnitude(digits);
    for (a, b) in foreign_range_ends(reg, prefix, owner) {
        let (from, to) = (magnitude(&a.token.number), magnitude(&b.token.number));
        if from.min(to) <= n && n <= from.max(to) {
            return Some(Taken::Reserved(a, b));
        }
    }
    digits
        .parse()
        .is_ok_and(|n: u64| elsewhere.contains(&n))
        .then_some(Taken::OnAnotherBranch)
}

/// The next free number: after the highest one in use outside other files' reserved
/// ranges, skipping every number in use (here or in `elsewhere`, e.g. other branches)
/// and every foreign range, each range in one step. Past the largest number a `u64`
/// holds there is none: an error, never a wrap to 0.
pub fn next_number(
    reg: &Registry,
    prefix: &str,
    owner: usize,
    elsewhere: &BTreeSet<u64>,
) -> Result<u64, NewError> {
    let mut foreign = foreign_ranges(reg, prefix, owner)?;
    foreign.sort_by_key(|r| *r.start());
    let in_foreign = |n: u64| foreign.iter().find(|r| r.contains(&n));
    let used: BTreeSet<u64> = used_numbers(reg, prefix)?
        .union(elsewhere)
        .copied()
        .collect();
    let highest = used
        .iter()
        .copied()
        .filter(|n| in_foreign(*n).is_none())
        .max()
        .unwrap_or(0);
    let exhausted = |n: u64| NewError::Exhausted(format!("{prefix}-{n}"));
    let mut n = highest.checked_add(1).ok_or_else(|| exhausted(highest))?;
    // Each step passes a used number or a whole range, never returning to either.
    loop {
        if let Some(range) = in_foreign(n) {
            let end = *range.end();
            n = end.checked_add(1).ok_or_else(|| exhausted(end))?;
        } else if used.contains(&n) {
            n = n.checked_add(1).ok_or_else(|| exhausted(n))?;
        } else {
            return Ok(n);
        }
    }
}

/// The next free ID of `prefix` for an entry of document `owner` ([`next_number`]),
/// its number as wide as the widest the prefix's entries write (3 digits when none).
pub fn next_id(
    reg: &Registry,
    prefix: &str,
    owner: usize,
    elsewhere: &BTreeSet<u64>,
) -> Result<String, NewError> {
    let width = reg
        .entries
        .iter()
        .filter(|e| e.prefix == prefix)
        .filter_map(|e| sot_syntax::split_id(&e.id).map(|(_, n)| n.len()))
        .max()
        .unwrap_or(3);
    let number = next_number(reg, prefix, owner, elsewhere)?;
    Ok(format!("{prefix}-{number:0width$}"))
}

/// Why `prefix` cannot name a new entry, if it cannot: it must be an ID prefix
/// (`DEP`, `BR-FEA`: a capital letter and 1 to 9 capitals or digits, once or twice).
pub fn check_prefix(prefix: &str) -> Result<(), String> {
    let valid = sot_syntax::parse_id(&format!("{prefix}-1")).is_some_and(|t| t.prefix == prefix);
    if valid {
        Ok(())
    } else {
        Err(format!(
            "`{prefix}` is not an ID prefix: a capital letter and 1 to 9 capitals or digits, \
             optionally twice joined by `-` (DEP, BR-FEA)"
        ))
    }
}

/// Why `title` cannot be a heading's text, if it cannot: it must be one line of
/// printable text.
pub fn check_title(title: &str) -> Result<(), String> {
    if title.trim().is_empty() {
        return Err("the title is empty".into());
    }
    match title.chars().find(|c| c.is_control()) {
        Some(c) => Err(format!(
            "the title must be one line without control characters (it holds {c:?})"
        )),
        None => Ok(()),
    }
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
    let id = next_id(reg, prefix, d, elsewhere)?;
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
