//! The ID registry of a workspace: which prefixes are known, where every entry is
//! defined, every reference to an ID, and how links resolve to files and anchors.
//!
//! It is built from parsed documents only; it reads no files.

pub mod allocate;
pub mod export;
pub mod graph;
pub mod index;
mod links;

use std::collections::{BTreeSet, HashMap, HashSet};
use std::ops::Range;
use std::sync::LazyLock;

use rayon::prelude::*;
use regex::Regex;
use sot_syntax::{id_tokens, split_id, Document, Heading, IdToken};

pub use links::{relative_path, FileTree, Resolved, Target};

/// Every parsed document of a workspace, sorted by path, and the files beside them.
#[derive(Debug, Default)]
pub struct Workspace {
    pub docs: Vec<Document>,
    pub tree: FileTree,
}

impl Workspace {
    pub fn new(mut docs: Vec<Document>, tree: FileTree) -> Self {
        docs.sort_by(|a, b| a.path.cmp(&b.path));
        Workspace { docs, tree }
    }
}

/// An entry: a heading that starts with an ID (`## DEP-014: Blue/green rollout`), or
/// a whole document that carries one (`eip-20.md` with `eip: 20` in its frontmatter).
#[derive(Debug, Clone)]
pub struct Entry {
    pub id: String,
    pub prefix: String,
    pub doc: usize,
    /// The entry's heading; `None` when the whole document is the entry.
    pub heading: Option<usize>,
    /// Where the ID is written (in the heading, the frontmatter, or `0..0`).
    pub id_span: Range<usize>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefKind {
    /// A link whose text is the ID; the index is into the document's links.
    Link(usize),
    /// The ID in prose.
    Mention,
}

#[derive(Debug, Clone)]
pub struct Reference {
    pub id: String,
    pub doc: usize,
    pub span: Range<usize>,
    pub kind: RefKind,
}

/// An ID-shaped token whose prefix is known, found in a document.
#[derive(Debug, Clone)]
pub struct KnownToken {
    pub doc: usize,
    pub span: Range<usize>,
    pub token: IdToken,
}

/// Where a document-level ID comes from.
#[derive(Debug, Clone)]
pub enum IdSource {
    /// A frontmatter key holding the number (`eip: 20`).
    Frontmatter(String),
    /// The first capture group of a pattern applied to the file name (`eip-(\d+)`).
    Filename(Regex),
}

/// Makes every document a matcher accepts an entry of `prefix` (EIPs, KEPs, ADRs).
pub struct DocumentIds {
    pub prefix: String,
    pub matches: Box<dyn Fn(&str) -> bool + Send + Sync>,
    pub source: IdSource,
}

impl DocumentIds {
    /// The prefix, number and where it is written, when `doc` is one of these.
    fn id_of<'a>(&'a self, doc: &Document) -> Option<(&'a str, String, Range<usize>)> {
        if !(self.matches)(&doc.path) {
            return None;
        }
        let (number, span) = match &self.source {
            IdSource::Frontmatter(key) => {
                let fm = doc.frontmatter.as_ref()?;
                let value = fm.scalar(key)?;
                let span = fm
                    .key(key)
                    .and_then(|k| k.value.as_ref())
                    .map_or(0..0, |v| v.span.clone());
                (value.trim().to_string(), span)
            }
            IdSource::Filename(re) => {
                let name = doc.path.rsplit('/').next().unwrap_or(&doc.path);
                (re.captures(name)?.get(1)?.as_str().to_string(), 0..0)
            }
        };
        let number = number.trim_start_matches('0');
        let number = if number.is_empty() { "0" } else { number };
        number
            .bytes()
            .all(|b| b.is_ascii_digit())
            .then(|| (self.prefix.as_str(), number.to_string(), span))
    }
}

/// The heading of an entry, unless the whole document is the entry.
pub fn entry_heading<'a>(ws: &'a Workspace, e: &Entry) -> Option<&'a Heading> {
    e.heading.map(|h| &ws.docs[e.doc].headings[h])
}

/// An entry's fields: its `**Name**: value` lines, or for a document-level entry the
/// scalar keys of the document's frontmatter.
pub fn entry_fields(ws: &Workspace, e: &Entry) -> Vec<(String, String)> {
    match entry_heading(ws, e) {
        Some(h) => h
            .fields
            .iter()
            .map(|f| (f.name.clone(), f.value.trim().to_string()))
            .collect(),
        None => ws.docs[e.doc]
            .frontmatter
            .iter()
            .flat_map(|fm| {
                fm.keys
                    .iter()
                    .filter_map(|k| Some((k.name.clone(), fm.scalar(&k.name)?)))
            })
            .collect(),
    }
}

/// One field of an entry (`Status`; `status` in a document-level entry's frontmatter),
/// emphasis and code markup stripped.
pub fn entry_field(ws: &Workspace, e: &Entry, name: &str) -> Option<String> {
    entry_fields(ws, e)
        .into_iter()
        .find(|(n, _)| n == name || (e.heading.is_none() && n.eq_ignore_ascii_case(name)))
        .map(|(_, v)| v.trim_matches(|c| c == '*' || c == '`').trim().to_string())
}

/// What one document contributes to the registry's reference lists.
#[derive(Default)]
struct DocReferences {
    references: Vec<Reference>,
    reserved: Vec<KnownToken>,
    placeholders: Vec<KnownToken>,
}

#[derive(Debug, Default)]
pub struct Registry {
    prefixes: BTreeSet<String>,
    pub entries: Vec<Entry>,
    /// Entry indices per ID, the canonical (first in path, then line, order) first.
    by_id: HashMap<String, Vec<usize>>,
    pub references: Vec<Reference>,
    /// Range ends (`DEP-001 to DEP-099`): reserved numbers, not references.
    pub reserved: Vec<KnownToken>,
    /// `DEP-XXX` style stand-ins with a known prefix, in prose.
    pub placeholders: Vec<KnownToken>,
    doc_index: HashMap<String, usize>,
    entry_at: HashMap<(usize, usize), usize>,
    /// Indices into `references` per ID, in workspace order.
    refs_by_id: HashMap<String, Vec<usize>>,
    /// Each document's entries, which are contiguous in `entries`.
    entries_by_doc: Vec<Range<usize>>,
    anchors: Vec<HashSet<String>>,
}

static HEADING_ID: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(?:[A-Z][A-Z0-9]{1,9}-){1,2}[0-9]+").unwrap());
static PREFIX: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[A-Z][A-Z0-9]{1,9}(?:-[A-Z][A-Z0-9]{1,9})?$").unwrap());
static NUMBER_PART: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"-(?:X+|N+|[0-9]+)$").unwrap());

const SEPARATORS: [&str; 5] = [":", " | ", " - ", " — ", " – "];

impl Registry {
    /// Indexes `ws`. `extra_prefixes` are prefixes declared outside the documents;
    /// `document_ids` make whole documents entries.
    pub fn build(
        ws: &Workspace,
        extra_prefixes: &[String],
        document_ids: &[DocumentIds],
    ) -> Registry {
        let mut reg = Registry::default();
        reg.prefixes.extend(extra_prefixes.iter().cloned());
        reg.prefixes
            .extend(document_ids.iter().map(|r| r.prefix.clone()));
        for doc in &ws.docs {
            reg.prefixes.extend(declared_prefixes(doc));
        }
        for (d, doc) in ws.docs.iter().enumerate() {
            reg.doc_index.insert(doc.path.clone(), d);
            reg.anchors.push(anchors_of(doc));
            let first_entry = reg.entries.len();
            for (h, heading) in doc.headings.iter().enumerate() {
                let Some(m) = HEADING_ID.find(&heading.text) else {
                    continue;
                };
                let rest = &heading.text[m.end()..];
                let (prefix, _) = split_id(m.as_str()).expect("the pattern holds a hyphen");
                let separated = SEPARATORS.iter().any(|s| rest.starts_with(s));
                let known = reg.prefixes.contains(prefix);
                // An unknown prefix makes an entry only with a title after it, so a
                // heading that is just `SHA-256` stays a heading.
                let titled = separated && rest.len() > 2;
                if !(rest.is_empty() && known) && !(separated && (known || titled)) {
                    continue;
                }
                let id = m.as_str().to_string();
                let source = &doc.text[heading.span.clone()];
                let at = heading.span.start + source.find(&id).unwrap_or(0);
                reg.add_entry(Entry {
                    prefix: prefix.to_string(),
                    id_span: at..at + id.len(),
                    id,
                    doc: d,
                    heading: Some(h),
                });
            }
            if let Some((prefix, number, span)) = document_ids.iter().find_map(|r| r.id_of(doc)) {
                reg.add_entry(Entry {
                    prefix: prefix.to_string(),
                    id_span: span,
                    id: format!("{prefix}-{number}"),
                    doc: d,
                    heading: None,
                });
            }
            reg.entries_by_doc.push(first_entry..reg.entries.len());
        }
        let found: Vec<DocReferences> = ws
            .docs
            .par_iter()
            .enumerate()
            .map(|(d, doc)| reg.references_in(d, doc))
            .collect();
        for f in found {
            reg.references.extend(f.references);
            reg.reserved.extend(f.reserved);
            reg.placeholders.extend(f.placeholders);
        }
        for (i, r) in reg.references.iter().enumerate() {
            reg.refs_by_id.entry(r.id.clone()).or_default().push(i);
        }
        reg
    }

    fn add_entry(&mut self, entry: Entry) {
        let index = self.entries.len();
        self.prefixes.insert(entry.prefix.clone());
        if let Some(h) = entry.heading {
            self.entry_at.insert((entry.doc, h), index);
        }
        self.by_id.entry(entry.id.clone()).or_default().push(index);
        self.entries.push(entry);
    }

    pub fn prefixes(&self) -> impl Iterator<Item = &str> {
        self.prefixes.iter().map(String::as_str)
    }

    pub fn is_known(&self, prefix: &str) -> bool {
        self.prefixes.contains(prefix)
    }

    /// The definitions of `id`, canonical first.
    pub fn definitions(&self, id: &str) -> impl Iterator<Item = &Entry> {
        self.by_id
            .get(id)
            .into_iter()
            .flatten()
            .map(|&i| &self.entries[i])
    }

    pub fn canonical(&self, id: &str) -> Option<&Entry> {
        self.definitions(id).next()
    }

    pub fn doc_index(&self, path: &str) -> Option<usize> {
        self.doc_index.get(path).copied()
    }

    /// Every reference to `id` (its backlinks), in workspace order.
    pub fn references_to(&self, id: &str) -> impl Iterator<Item = &Reference> {
        self.refs_by_id
            .get(id)
            .into_iter()
            .flatten()
            .map(|&i| &self.references[i])
    }

    /// The entries document `doc` defines, in heading order.
    pub fn entries_in(&self, doc: usize) -> &[Entry] {
        &self.entries[self.entries_by_doc[doc].clone()]
    }

    /// The entry defined at heading `heading` of document `doc`, if that heading is one.
    pub fn entry_at(&self, doc: usize, heading: usize) -> Option<&Entry> {
        self.entry_at
            .get(&(doc, heading))
            .map(|&i| &self.entries[i])
    }

    /// Whether `fragment` (already percent-decoded) names an anchor in document `doc`.
    pub fn has_anchor(&self, doc: usize, fragment: &str) -> bool {
        let f = fragment.to_lowercase();
        let f = f.strip_prefix("user-content-").unwrap_or(&f);
        // `#tab/name` selects a tab in docfx-built sites; it is no heading anchor.
        f.is_empty()
            || f == "top"
            || f.starts_with("tab/")
            || is_line_fragment(f)
            || self.anchors[doc].contains(f)
    }

    /// The anchors document `doc` offers, for suggestions.
    pub fn anchors(&self, doc: usize) -> impl Iterator<Item = &str> {
        self.anchors[doc].iter().map(String::as_str)
    }

    /// Resolves a known-prefix token, trying the last segment of an unknown compound
    /// prefix (`XY-DEP-001` holds `DEP-001`).
    fn known_token(&self, mut tok: IdToken) -> Option<IdToken> {
        if self.prefixes.contains(&tok.prefix) {
            return Some(tok);
        }
        let (head, last) = tok.prefix.split_once('-')?;
        if !self.prefixes.contains(last) {
            return None;
        }
        tok.span.start += head.len() + 1;
        tok.prefix = last.to_string();
        Some(tok)
    }

    fn references_in(&self, d: usize, doc: &Document) -> DocReferences {
        let mut found = DocReferences::default();
        let definitions: Vec<Range<usize>> = self
            .entries_in(d)
            .iter()
            .flat_map(|e| {
                let id_field = e
                    .heading
                    .and_then(|h| doc.headings[h].field("ID"))
                    .map(|f| f.value_span.clone());
                std::iter::once(e.id_span.clone()).chain(id_field)
            })
            .collect();
        // Generated index blocks list entries; they are a catalog, not references.
        let generated: Vec<Range<usize>> = index::blocks(doc)
            .0
            .into_iter()
            .map(|b| b.content)
            .collect();
        let mut linked = HashSet::new();
        for run in &doc.prose {
            if generated
                .iter()
                .any(|g| g.start <= run.span.start && run.span.end <= g.end)
            {
                continue;
            }
            for tok in id_tokens(&doc.text[run.span.clone()]) {
                let Some(tok) = self.known_token(tok) else {
                    continue;
                };
                let span = run.span.start + tok.span.start..run.span.start + tok.span.end;
                let known = KnownToken {
                    doc: d,
                    span: span.clone(),
                    token: tok.clone(),
                };
                if tok.is_placeholder() {
                    found.placeholders.push(known);
                    continue;
                }
                if tok.in_range {
                    found.reserved.push(known);
                    continue;
                }
                if definitions
                    .iter()
                    .any(|r| r.start <= span.start && span.end <= r.end)
                {
                    continue;
                }
                let id = tok.id();
                let kind = match run.link {
                    Some(l) if doc.links[l].text.trim() == id && linked.insert(l) => {
                        RefKind::Link(l)
                    }
                    _ => RefKind::Mention,
                };
                found.references.push(Reference {
                    id,
                    doc: d,
                    span,
                    kind,
                });
            }
        }
        found
    }
}

fn is_line_fragment(f: &str) -> bool {
    let line = |s: &str| {
        s.strip_prefix('l')
            .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
    };
    match f.split_once('-') {
        Some((a, b)) => line(a) && line(b),
        None => line(f),
    }
}

fn anchors_of(doc: &Document) -> HashSet<String> {
    let mut set = HashSet::new();
    for h in &doc.headings {
        set.insert(h.slug.clone());
        if let Some(id) = &h.custom_id {
            set.insert(id.to_lowercase());
        }
    }
    for h in &doc.html_headings {
        set.insert(h.slug.clone());
    }
    for (a, _) in &doc.html_anchors {
        set.insert(a.to_lowercase());
    }
    set
}

/// Prefixes a document declares in its frontmatter `id_prefix` (a string of
/// comma-separated `DEP-XXX` items, or a list).
pub fn declared_prefixes(doc: &Document) -> Vec<String> {
    let Some(value) = doc.frontmatter.as_ref().and_then(|f| f.get("id_prefix")) else {
        return Vec::new();
    };
    let items: Vec<String> = match value {
        serde_yaml::Value::String(s) => s.split([',', ' ']).map(str::to_string).collect(),
        serde_yaml::Value::Sequence(seq) => seq
            .iter()
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect(),
        _ => Vec::new(),
    };
    items
        .iter()
        .map(|i| NUMBER_PART.replace(i.trim(), ""))
        .filter(|p| PREFIX.is_match(p))
        .map(|p| p.into_owned())
        .collect()
}
