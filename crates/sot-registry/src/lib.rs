//! The ID registry of a workspace: which prefixes are known, where every entry is
//! defined, every reference to an ID, and how links resolve to files and anchors.
//!
//! It is built from parsed documents only; it reads no files.

pub mod allocate;
pub mod export;
pub mod graph;
pub mod index;
mod links;
pub mod moves;
mod page_anchors;
mod site;

use std::collections::{BTreeSet, HashMap, HashSet};
use std::ops::Range;
use std::sync::LazyLock;

use rayon::prelude::*;
use regex::Regex;
use serde::{Deserialize, Serialize};
use sot_syntax::{id_tokens, split_id, Document, FieldValue, Heading, IdToken, Position};

pub use links::{relative_path, FileTree, PathKind, Resolved, Target};
pub use page_anchors::{python_markdown_slug, AnchorPattern, HeadingIds};
pub use site::{Generator, PageFacts, PageLookup, Rewrite, Site};

/// Every parsed document of a workspace, sorted by path, and the files beside them.
#[derive(Debug, Default)]
pub struct Workspace {
    pub docs: Vec<Document>,
    pub tree: FileTree,
    /// Per document: what the registry reads of its text.
    facts: Vec<DocFacts>,
    /// Per document: what a site reads of its text, when already known (a cached
    /// document's); the site derives the rest.
    pages: Vec<Option<PageFacts>>,
}

impl Workspace {
    /// A workspace of documents parsed from their text.
    pub fn new(docs: Vec<Document>, tree: FileTree) -> Self {
        let facts: Vec<DocFacts> = docs.par_iter().map(DocFacts::of).collect();
        let parts = docs
            .into_iter()
            .zip(facts)
            .map(|(doc, f)| (doc, f, None))
            .collect();
        Workspace::with_facts(parts, tree)
    }

    /// A workspace whose documents come with their facts: lean documents (a cache's)
    /// carry what was derived from their text before it was dropped.
    pub fn with_facts(
        mut parts: Vec<(Document, DocFacts, Option<PageFacts>)>,
        tree: FileTree,
    ) -> Self {
        parts.sort_by(|(a, _, _), (b, _, _)| a.path.cmp(&b.path));
        // Sized up front: growing by doubling would briefly hold every document twice.
        let mut ws = Workspace {
            docs: Vec::with_capacity(parts.len()),
            facts: Vec::with_capacity(parts.len()),
            pages: Vec::with_capacity(parts.len()),
            tree,
        };
        for (doc, f, page) in parts {
            ws.docs.push(doc);
            ws.facts.push(f);
            ws.pages.push(page);
        }
        ws
    }

    /// A workspace of documents already in path order, with their facts.
    pub fn from_sorted(
        docs: Vec<Document>,
        facts: Vec<DocFacts>,
        pages: Vec<Option<PageFacts>>,
        tree: FileTree,
    ) -> Self {
        debug_assert!(docs.windows(2).all(|w| w[0].path < w[1].path));
        debug_assert!(docs.len() == facts.len() && docs.len() == pages.len());
        Workspace {
            docs,
            facts,
            pages,
            tree,
        }
    }

    /// Adds a document with its facts in its place by path, returning its index.
    pub fn add(&mut self, doc: Document, facts: DocFacts, page: Option<PageFacts>) -> usize {
        let at = self.docs.partition_point(|d| d.path < doc.path);
        self.docs.insert(at, doc);
        self.facts.insert(at, facts);
        self.pages.insert(at, page);
        at
    }

    /// Document `d`'s facts.
    pub fn facts(&self, d: usize) -> &DocFacts {
        &self.facts[d]
    }

    /// Per document: what is known of it as a page of a site, when it was cached.
    pub fn page_facts(&self) -> &[Option<PageFacts>] {
        &self.pages
    }

    /// Puts `doc` in the place of the document at its path, or adds it.
    pub fn insert(&mut self, doc: Document) {
        let facts = DocFacts::of(&doc);
        self.insert_with(doc, facts, None);
    }

    /// [`Workspace::insert`], with the document's facts (and what a site reads of it)
    /// found before it dropped its text.
    pub fn insert_with(&mut self, doc: Document, facts: DocFacts, page: Option<PageFacts>) {
        match self.docs.binary_search_by(|d| d.path.cmp(&doc.path)) {
            Ok(d) => {
                self.docs[d] = doc;
                self.facts[d] = facts;
                self.pages[d] = page;
            }
            Err(at) => {
                self.facts.insert(at, facts);
                self.pages.insert(at, page);
                self.docs.insert(at, doc);
            }
        }
    }

    /// Takes document `d` out of the workspace.
    pub fn remove(&mut self, d: usize) -> Document {
        self.facts.remove(d);
        self.pages.remove(d);
        self.docs.remove(d)
    }

    /// Puts `doc` in the place of document `d` (same path), returning the one it
    /// replaces.
    pub fn replace(&mut self, d: usize, doc: Document) -> Document {
        self.facts[d] = DocFacts::of(&doc);
        self.pages[d] = None;
        std::mem::replace(&mut self.docs[d], doc)
    }
}

/// What the registry reads of one document's text, derived once when it is parsed. A
/// cached document keeps these instead of its text.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct DocFacts {
    /// Headings shaped like entries, outside generated index blocks (a heading there
    /// is gone after the next `sot index`, so it is no entry).
    entry_headings: Vec<EntryHeading>,
    /// ID-shaped tokens in prose outside generated index blocks (a catalog, not
    /// references), with absolute spans.
    tokens: Vec<ProseToken>,
    /// Positions of the places an entry's ID may be written (entry-shaped headings'
    /// IDs, frontmatter values), by offset.
    positions: Vec<(usize, Position)>,
    /// The labels of a document that holds nothing but reference definitions: a file
    /// a site generator includes in every page, so every page may use them.
    included_labels: Vec<String>,
}

/// An ID-shaped token in prose.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct ProseToken {
    token: IdToken,
    /// The link whose text holds the token.
    link: Option<usize>,
    /// That link's text, when it is exactly the token's ID (or the ID it holds after an
    /// unknown compound prefix): then the link is a reference by ID.
    link_id: Option<String>,
}

impl DocFacts {
    pub fn of(doc: &Document) -> DocFacts {
        let generated: Vec<Range<usize>> = index::blocks(doc)
            .0
            .into_iter()
            .map(|b| b.start.end..b.end.start)
            .collect();
        let mut entry_headings = entry_headings(doc);
        // By where it starts: the end marker may share the heading's line.
        entry_headings.retain(|c| {
            let start = doc.headings[c.heading].span.start;
            !within(&generated, &(start..start))
        });
        let mut tokens = Vec::new();
        for run in doc.prose.iter().filter(|r| !within(&generated, &r.span)) {
            for mut token in id_tokens(&doc.text[run.span.clone()]) {
                token.span = run.span.start + token.span.start..run.span.start + token.span.end;
                let link_id = run.link.and_then(|l| {
                    let text = doc.links[l].text.trim();
                    let tail = token.prefix.split_once('-').map(|(_, last)| last);
                    let tail_id = tail.map(|t| format!("{t}-{}", token.number));
                    (text == token.id() || tail_id.as_deref() == Some(text))
                        .then(|| text.to_string())
                });
                tokens.push(ProseToken {
                    token,
                    link: run.link,
                    link_id,
                });
            }
        }
        let values = doc
            .frontmatter
            .iter()
            .flat_map(|f| f.keys.iter().filter_map(|k| k.value.as_ref()))
            .map(|v| v.span.start);
        let mut positions: Vec<(usize, Position)> = entry_headings
            .iter()
            .map(|c| c.id_span.start)
            .chain(values)
            .map(|o| (o, doc.position(o)))
            .collect();
        positions.sort_by_key(|&(o, _)| o);
        positions.dedup_by_key(|&mut (o, _)| o);
        let definitions_only = !doc.definitions.is_empty()
            && doc.prose.is_empty()
            && doc.headings.is_empty()
            && doc.code_blocks.is_empty();
        let included_labels = match definitions_only {
            true => doc.definitions.iter().map(|d| d.label.clone()).collect(),
            false => Vec::new(),
        };
        DocFacts {
            entry_headings,
            tokens,
            positions,
            included_labels,
        }
    }

    /// The reference labels every page may use because this document defines them
    /// and nothing else, as written.
    pub fn included_labels(&self) -> &[String] {
        &self.included_labels
    }

    /// The position of `offset`, one of the places an ID may be written; a document-
    /// level ID written nowhere (a file name's) is at the document's start.
    fn position(&self, offset: usize) -> Position {
        match self.positions.binary_search_by_key(&offset, |&(o, _)| o) {
            Ok(i) => self.positions[i].1,
            Err(_) => Position { line: 1, column: 1 },
        }
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
    /// Where `id_span` starts.
    pub position: Position,
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
    /// The first capture group of a pattern applied to the root-relative path
    /// (`keps/[^/]+/(\d+)-[^/]+/README\.md`).
    Path(Regex),
}

/// Makes every document a matcher accepts an entry of `prefix` (EIPs, KEPs, ADRs).
pub struct DocumentIds {
    pub prefix: String,
    pub matches: Box<dyn Fn(&str) -> bool + Send + Sync>,
    pub source: IdSource,
}

impl DocumentIds {
    /// The number and where it is written, when `doc` is one of these.
    fn number_of(&self, doc: &Document) -> Option<(String, Range<usize>)> {
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
            IdSource::Path(re) => (re.captures(&doc.path)?.get(1)?.as_str().to_string(), 0..0),
        };
        // An all-zero number (`0000-kep-template/`) means "not numbered yet".
        let numbered =
            number.bytes().all(|b| b.is_ascii_digit()) && number.bytes().any(|b| b != b'0');
        numbered.then_some((number, span))
    }
}

/// What the configuration says about IDs, beside what the documents declare.
pub struct IdConfig<'a> {
    /// Prefixes declared in `sot.toml`.
    pub prefixes: Vec<String>,
    /// `[[documents]]`: whole files that are entries.
    pub documents: Vec<DocumentIds>,
    /// Whether a configured template applies to a document (which makes it a SoT
    /// document whatever its frontmatter).
    pub templated: Box<dyn Fn(&Document) -> bool + Send + Sync + 'a>,
    /// Fields that mark a heading as an entry (`ID`, `Status`, `Owner`): a bold label
    /// such as `**Note**:` under a proposal's section heading does not.
    pub entry_fields: Vec<String>,
}

impl Default for IdConfig<'_> {
    fn default() -> Self {
        IdConfig {
            prefixes: Vec::new(),
            documents: Vec::new(),
            templated: Box::new(|_| false),
            entry_fields: vec!["ID".to_string()],
        }
    }
}

impl IdConfig<'_> {
    /// Only the prefixes, as when indexing another revision's files.
    pub fn with_prefixes(prefixes: &[String]) -> Self {
        IdConfig {
            prefixes: prefixes.to_vec(),
            ..IdConfig::default()
        }
    }
}

/// The key IDs are compared by: numbers compare as numbers (`RFC-0736` is `RFC-736`).
pub fn id_key(id: &str) -> String {
    match split_id(id) {
        Some((prefix, number)) if number.bytes().all(|b| b.is_ascii_digit()) => {
            let number = number.trim_start_matches('0');
            format!("{prefix}-{}", if number.is_empty() { "0" } else { number })
        }
        _ => id.to_string(),
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
    sot_documents: Vec<bool>,
    /// Each document's anchors as sorted 64-bit hashes: no copy of the slugs the
    /// documents hold, and no table to grow.
    anchors: Vec<Box<[u64]>>,
    /// Prefixes the configuration and the documents declare (entries' own prefixes
    /// aside).
    declared: BTreeSet<String>,
    /// Per document: the prefixes it declares.
    declares: Vec<Vec<String>>,
}

/// The prefixes of `[[documents]]` blocks.
fn file_prefixes<'c>(config: &'c IdConfig) -> HashSet<&'c str> {
    config.documents.iter().map(|d| d.prefix.as_str()).collect()
}

static HEADING_ID: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(?:[A-Z][A-Z0-9]{1,9}-){1,2}[0-9]+").unwrap());
static PREFIX: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[A-Z][A-Z0-9]{1,9}(?:-[A-Z][A-Z0-9]{1,9})?$").unwrap());
static NUMBER_PART: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"-(?:X+|N+|[0-9]+)$").unwrap());

const SEPARATORS: [&str; 5] = [":", " | ", " - ", " — ", " – "];

impl Registry {
    /// Indexes `ws` with what `config` declares beside the documents.
    pub fn build(ws: &Workspace, config: &IdConfig) -> Registry {
        let mut reg = Registry::default();
        let file_prefixes = file_prefixes(config);
        reg.declares = ws.docs.iter().map(declared_prefixes).collect();
        reg.declared = config.prefixes.iter().cloned().collect();
        reg.declared
            .extend(file_prefixes.iter().map(|p| p.to_string()));
        reg.declared.extend(reg.declares.iter().flatten().cloned());
        reg.prefixes = reg.declared.clone();
        reg.anchors = ws.docs.par_iter().map(anchor_hashes).collect();
        for (d, doc) in ws.docs.iter().enumerate() {
            reg.doc_index.insert(doc.path.clone(), d);
            let (sot, entries) = reg.entries_of(d, doc, &ws.facts[d], config, &file_prefixes);
            reg.sot_documents.push(sot);
            let first_entry = reg.entries.len();
            for entry in entries {
                reg.add_entry(entry);
            }
            reg.entries_by_doc.push(first_entry..reg.entries.len());
        }
        let found: Vec<DocReferences> = ws
            .docs
            .par_iter()
            .enumerate()
            .map(|(d, doc)| reg.references_in(d, doc, &ws.facts[d]))
            .collect();
        for f in found {
            reg.references.extend(f.references);
            reg.reserved.extend(f.reserved);
            reg.placeholders.extend(f.placeholders);
        }
        for (i, r) in reg.references.iter().enumerate() {
            reg.refs_by_id.entry(id_key(&r.id)).or_default().push(i);
        }
        reg
    }

    /// Brings the registry up to date after document `d` of `ws` changed (its text, not
    /// its path), touching only what that document contributes: what an editor needs
    /// after a keystroke. Returns `false`, changing nothing, when the change reaches
    /// further (the workspace gained or lost a document, or the known prefixes
    /// changed); then only [`Registry::build`] will do.
    pub fn update(&mut self, ws: &Workspace, config: &IdConfig, d: usize) -> bool {
        let doc = &ws.docs[d];
        if self.sot_documents.len() != ws.docs.len() || self.doc_index(&doc.path) != Some(d) {
            return false;
        }
        if declared_prefixes(doc) != self.declares[d] {
            return false;
        }
        let (sot, entries) = self.entries_of(d, doc, &ws.facts[d], config, &file_prefixes(config));
        let old = self.entries_by_doc[d].clone();
        // A prefix known only from this document's entries comes or goes: every other
        // document's tokens would read differently.
        if entries.iter().any(|e| !self.prefixes.contains(&e.prefix)) {
            return false;
        }
        let vanishing = self.entries[old.clone()].iter().any(|gone| {
            !self.declared.contains(&gone.prefix)
                && !entries.iter().any(|e| e.prefix == gone.prefix)
                && !self
                    .entries
                    .iter()
                    .enumerate()
                    .any(|(i, e)| !old.contains(&i) && e.prefix == gone.prefix)
        });
        if vanishing {
            return false;
        }
        self.sot_documents[d] = sot;
        self.anchors[d] = anchor_hashes(doc);
        self.replace_entries(d, entries);
        let found = self.references_in(d, doc, &ws.facts[d]);
        let of_doc = |list: &[KnownToken]| {
            list.partition_point(|t| t.doc < d)..list.partition_point(|t| t.doc <= d)
        };
        let range = of_doc(&self.reserved);
        self.reserved.splice(range, found.reserved);
        let range = of_doc(&self.placeholders);
        self.placeholders.splice(range, found.placeholders);
        self.replace_references(d, found.references);
        true
    }

    /// Whether document `d` is a SoT document, and its entries.
    fn entries_of(
        &self,
        d: usize,
        doc: &Document,
        facts: &DocFacts,
        config: &IdConfig,
        file_prefixes: &HashSet<&str>,
    ) -> (bool, Vec<Entry>) {
        // For a `[[documents]]` prefix only files define IDs: headings are mentions.
        let headings: Vec<&EntryHeading> = facts
            .entry_headings
            .iter()
            .filter(|c| !file_prefixes.contains(c.prefix()))
            .collect();
        let has_entry_fields = |c: &EntryHeading| {
            doc.headings[c.heading]
                .fields
                .iter()
                .any(|f| config.entry_fields.contains(&f.name))
        };
        let sot = is_sot_frontmatter(doc)
            || (config.templated)(doc)
            || headings.iter().any(|c| has_entry_fields(c));
        let mut entries = Vec::new();
        for c in headings {
            let prefix = c.prefix();
            // A title heading of an ordinary document is no entry (`# KEP-1234: x`).
            if !(sot || self.declared.contains(prefix) || has_entry_fields(c)) {
                continue;
            }
            entries.push(Entry {
                prefix: prefix.to_string(),
                id: c.id.clone(),
                id_span: c.id_span.clone(),
                position: facts.position(c.id_span.start),
                doc: d,
                heading: Some(c.heading),
            });
        }
        // Several blocks may name one file under other prefixes (ERC-20 is EIP-20).
        for ids in &config.documents {
            if let Some((number, span)) = ids.number_of(doc) {
                entries.push(Entry {
                    prefix: ids.prefix.clone(),
                    id: format!("{}-{number}", ids.prefix),
                    position: facts.position(span.start),
                    id_span: span,
                    doc: d,
                    heading: None,
                });
            }
        }
        (sot, entries)
    }

    /// Puts `entries` in place of document `d`'s, keeping the indices by ID and by
    /// heading in step.
    fn replace_entries(&mut self, d: usize, entries: Vec<Entry>) {
        let old = self.entries_by_doc[d].clone();
        for i in old.clone() {
            let e = &self.entries[i];
            if let Some(h) = e.heading {
                self.entry_at.remove(&(d, h));
            }
            if let Some(list) = self.by_id.get_mut(&id_key(&e.id)) {
                list.retain(|&j| j != i);
            }
        }
        let new = old.start..old.start + entries.len();
        let shift = |i: &mut usize| {
            if *i >= old.end {
                *i = *i + new.end - old.end;
            }
        };
        if new.end != old.end {
            self.by_id.values_mut().flatten().for_each(shift);
            self.entry_at.values_mut().for_each(shift);
            for range in &mut self.entries_by_doc[d + 1..] {
                range.start = range.start + new.end - old.end;
                range.end = range.end + new.end - old.end;
            }
        }
        self.entries_by_doc[d] = new.clone();
        for (i, e) in new.clone().zip(&entries) {
            if let Some(h) = e.heading {
                self.entry_at.insert((d, h), i);
            }
            let list = self.by_id.entry(id_key(&e.id)).or_default();
            let at = list.partition_point(|&j| j < i);
            list.insert(at, i);
        }
        self.by_id.retain(|_, list| !list.is_empty());
        self.entries.splice(old, entries);
    }

    /// Puts `references` in place of document `d`'s, keeping the index by ID in step.
    fn replace_references(&mut self, d: usize, references: Vec<Reference>) {
        let old = self.references.partition_point(|r| r.doc < d)
            ..self.references.partition_point(|r| r.doc <= d);
        for i in old.clone() {
            if let Some(list) = self.refs_by_id.get_mut(&id_key(&self.references[i].id)) {
                list.retain(|&j| j != i);
            }
        }
        let new = old.start..old.start + references.len();
        if new.end != old.end {
            for i in self.refs_by_id.values_mut().flatten() {
                if *i >= old.end {
                    *i = *i + new.end - old.end;
                }
            }
        }
        for (i, r) in new.zip(&references) {
            let list = self.refs_by_id.entry(id_key(&r.id)).or_default();
            let at = list.partition_point(|&j| j < i);
            list.insert(at, i);
        }
        self.refs_by_id.retain(|_, list| !list.is_empty());
        self.references.splice(old, references);
    }

    /// Whether document `doc` is a SoT document: frontmatter with `id_prefix` or
    /// `document_type`, a configured template applies to it, or it holds an entry
    /// with entry fields (`ID` or a required entry field). Files registered by `[[documents]]` are not SoT documents for that.
    pub fn is_sot_document(&self, doc: usize) -> bool {
        self.sot_documents[doc]
    }

    fn add_entry(&mut self, entry: Entry) {
        let index = self.entries.len();
        self.prefixes.insert(entry.prefix.clone());
        if let Some(h) = entry.heading {
            self.entry_at.insert((entry.doc, h), index);
        }
        self.by_id.entry(id_key(&entry.id)).or_default().push(index);
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
            .get(&id_key(id))
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
            .get(&id_key(id))
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
        anchor_key(fragment).is_none_or(|f| {
            self.anchors
                .get(doc)
                .is_some_and(|hashes| hashes.binary_search(&anchor_hash(&f)).is_ok())
        })
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

    fn references_in(&self, d: usize, doc: &Document, facts: &DocFacts) -> DocReferences {
        let mut found = DocReferences::default();
        let mut definitions: Vec<Range<usize>> = self
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
        // Sorted, so a token is looked up in them by binary search: a file of 100k
        // entries holds 100k definitions.
        definitions.sort_by_key(|r| r.start);
        let mut linked = HashSet::new();
        for found_token in &facts.tokens {
            let Some(tok) = self.known_token(found_token.token.clone()) else {
                continue;
            };
            let span = tok.span.clone();
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
            // An all-zero number names nothing yet (`KEP-0000`, a proposal's
            // number before it is assigned).
            if tok.number.bytes().all(|b| b == b'0') {
                continue;
            }
            let before = definitions.partition_point(|r| r.start <= span.start);
            if before > 0 && span.end <= definitions[before - 1].end {
                continue;
            }
            let id = tok.id();
            let kind = match found_token.link {
                Some(l)
                    if found_token.link_id.as_deref() == Some(id.as_str()) && linked.insert(l) =>
                {
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
        found
    }
}

/// Whether `span` lies inside one of `ranges`.
fn within(ranges: &[Range<usize>], span: &Range<usize>) -> bool {
    ranges
        .iter()
        .any(|r| r.start <= span.start && span.end <= r.end)
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

/// Whether `fragment` (percent-decoded) names one of `anchors` (lowercased), or a
/// place every page has (`#top`, GitHub's line fragments, docfx tabs).
pub fn anchor_in(anchors: &HashSet<String>, fragment: &str) -> bool {
    anchor_key(fragment).is_none_or(|f| anchors.contains(&f))
}

/// `fragment` as anchors are compared (lowercased, without GitHub's `user-content-`),
/// or `None` for a place every page has (`#top`, GitHub's line fragments, and
/// `#tab/name`, which selects a tab in docfx-built sites).
fn anchor_key(fragment: &str) -> Option<String> {
    let mut f = fragment.to_lowercase();
    if let Some(rest) = f.strip_prefix("user-content-") {
        f = rest.to_string();
    }
    let anywhere = f.is_empty() || f == "top" || f.starts_with("tab/") || is_line_fragment(&f);
    (!anywhere).then_some(f)
}

/// A collision of 64-bit hashes among one document's anchors is not to be expected.
fn anchor_hash(anchor: &str) -> u64 {
    xxhash_rust::xxh3::xxh3_64(anchor.as_bytes())
}

/// The anchors GitHub gives document `doc`, lowercased.
pub fn anchors_of(doc: &Document) -> HashSet<String> {
    let mut set = HashSet::new();
    for_each_anchor(doc, |a| {
        set.insert(a.into_owned());
    });
    set
}

/// The hashes of [`anchors_of`], sorted, without a copy of any anchor.
fn anchor_hashes(doc: &Document) -> Box<[u64]> {
    let mut hashes = Vec::new();
    for_each_anchor(doc, |a| hashes.push(anchor_hash(&a)));
    hashes.sort_unstable();
    hashes.dedup();
    hashes.into()
}

/// Calls `f` with each anchor of `doc`, lowercased (slugs already are).
fn for_each_anchor(doc: &Document, mut f: impl FnMut(std::borrow::Cow<str>)) {
    let lower = |s: &str| s.to_lowercase().into();
    for h in &doc.headings {
        f(h.slug.as_str().into());
        if let Some(id) = &h.custom_id {
            f(lower(id));
        }
    }
    for h in &doc.html_headings {
        f(h.slug.as_str().into());
    }
    for (a, _) in &doc.html_anchors {
        f(lower(a));
    }
}

/// A heading shaped like an entry: its text starts with an ID followed by a separator
/// or the end of the heading. Whether it is a registry entry depends on the workspace.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct EntryHeading {
    heading: usize,
    id: String,
    id_span: Range<usize>,
}

impl EntryHeading {
    fn prefix(&self) -> &str {
        split_id(&self.id).map_or("", |(prefix, _)| prefix)
    }
}

fn entry_headings(doc: &Document) -> Vec<EntryHeading> {
    doc.headings
        .iter()
        .enumerate()
        .filter_map(|(h, heading)| {
            let m = HEADING_ID.find(&heading.text)?;
            let rest = &heading.text[m.end()..];
            if !(rest.is_empty() || SEPARATORS.iter().any(|s| rest.starts_with(s))) {
                return None;
            }
            let source = &doc.text[heading.span.clone()];
            let at = heading.span.start + source.find(m.as_str())?;
            Some(EntryHeading {
                heading: h,
                id: m.as_str().to_string(),
                id_span: at..at + m.len(),
            })
        })
        .collect()
}

/// Frontmatter that makes a SoT document: `id_prefix` or `document_type`.
fn is_sot_frontmatter(doc: &Document) -> bool {
    doc.frontmatter
        .as_ref()
        .is_some_and(|f| f.get("id_prefix").is_some() || f.get("document_type").is_some())
}

/// Prefixes a document declares, each once in the order written: its frontmatter `id_prefix` (a string of
/// comma-separated `DEP-XXX` items, or a list) and fields naming prefixes
/// (`**ID Prefixes**: DEP-XXX (Deployment), RUN-XXX (Runbooks)`).
pub fn declared_prefixes(doc: &Document) -> Vec<String> {
    let mut items: Vec<String> = match doc.frontmatter.as_ref().and_then(|f| f.get("id_prefix")) {
        Some(FieldValue::String(s)) => s.split([',', ' ']).map(str::to_string).collect(),
        Some(list) => list.strings().into_iter().map(str::to_string).collect(),
        None => Vec::new(),
    };
    for field in doc.headings.iter().flat_map(|h| &h.fields) {
        if is_prefix_field(&field.name) {
            // Each item's first word is the prefix: `DEP-XXX (Deployment)`.
            items.extend(
                field
                    .value
                    .split(',')
                    .filter_map(|i| i.split_whitespace().next())
                    .map(|w| w.trim_matches(|c| c == '`' || c == '*').to_string()),
            );
        }
    }
    let mut prefixes: Vec<String> = Vec::new();
    for item in &items {
        let prefix = NUMBER_PART.replace(item.trim(), "");
        if PREFIX.is_match(&prefix) && !prefixes.iter().any(|p| *p == prefix) {
            prefixes.push(prefix.into_owned());
        }
    }
    prefixes
}

/// A field that names prefixes rather than holding a value (`**ID Prefixes**`).
pub fn is_prefix_field(name: &str) -> bool {
    name.to_lowercase().contains("prefix")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Everything a registry knows, in one text that does not depend on hash order.
    fn fingerprint(reg: &Registry) -> String {
        let sorted = |map: &HashMap<String, Vec<usize>>| {
            let mut pairs: Vec<_> = map.iter().collect();
            pairs.sort();
            format!("{pairs:?}")
        };
        let mut at: Vec<_> = reg.entry_at.iter().collect();
        at.sort();
        format!(
            "{:?}\n{:?}\n{:?}\n{:?}\n{:?}\n{}\n{}\n{at:?}\n{:?}\n{:?}\n{:?}\n{:?}",
            reg.prefixes,
            reg.entries,
            reg.references,
            reg.reserved,
            reg.placeholders,
            sorted(&reg.by_id),
            sorted(&reg.refs_by_id),
            reg.entries_by_doc,
            reg.sot_documents,
            reg.anchors,
            reg.declared,
        )
    }

    const PLAYBOOK: &str = "---\nid_prefix: DEP-XXX, RUN-XXX\n---\n# Playbook\n\n\
        ## DEP-001: Blue-green rollout\n\n**Status**: Active\n\nSee RUN-002 and DEP-002.\n\n\
        ## DEP-002: Canary\n\n**Status**: Draft\n\nReserved: DEP-001 to DEP-099. DEP-XXX is next.\n";
    const RUNBOOKS: &str = "---\nid_prefix: RUN-XXX\n---\n# Runbooks\n\n\
        ## RUN-001: Failover\n\n**Status**: Active\n\nAfter [DEP-001](playbook.md#dep-001-blue-green-rollout).\n\n\
        ## RUN-002: Restore\n\n**Status**: Active\n";
    const NOTES: &str = "# Notes\n\nDEP-001, DEP-002 and RUN-001 are mentioned here.\n";

    #[test]
    fn updating_one_document_gives_the_registry_a_fresh_build_would() {
        let texts = [
            ("notes.md", NOTES),
            ("playbook.md", PLAYBOOK),
            ("runbooks.md", RUNBOOKS),
        ];
        let docs = texts
            .iter()
            .map(|(p, t)| Document::parse(*p, t.to_string()))
            .collect();
        let mut ws = Workspace::new(docs, FileTree::default());
        let config = IdConfig::default();
        let mut reg = Registry::build(&ws, &config);
        // Each edit keeps the set of prefixes, so `update` must handle it by itself.
        let edits: [(usize, &str, &str); 7] = [
            // More mentions and fewer, moving every later span.
            (1, "See RUN-002", "See RUN-001, RUN-002"),
            (0, "DEP-001, DEP-002 and ", ""),
            // An entry more: later entries' indices shift.
            (
                1,
                "## DEP-002: Canary",
                "## DEP-003: Hotfix\n\n**Status**: Active\n\n## DEP-002: Canary",
            ),
            // An entry less, and a heading retitled (its anchor changes).
            (2, "## RUN-002: Restore\n\n**Status**: Active\n", ""),
            (2, "## RUN-001: Failover", "## RUN-001: Regional failover"),
            // A duplicate ID in another document.
            (
                0,
                "# Notes",
                "# Notes\n\n## DEP-001: Copy\n\n**Status**: Active",
            ),
            (1, "DEP-XXX is next", "DEP-004 is next"),
        ];
        for (d, from, to) in edits {
            let text = ws.docs[d].text.replace(from, to);
            assert_ne!(text, ws.docs[d].text, "{from}");
            let path = ws.docs[d].path.clone();
            ws.replace(d, Document::parse(path, text));
            assert!(reg.update(&ws, &config, d), "{from} -> {to}");
            assert_eq!(
                fingerprint(&reg),
                fingerprint(&Registry::build(&ws, &config))
            );
        }
    }

    #[test]
    fn a_change_to_the_known_prefixes_needs_a_full_build() {
        let docs = vec![
            Document::parse("playbook.md", PLAYBOOK.to_string()),
            Document::parse("runbooks.md", RUNBOOKS.to_string()),
        ];
        let mut ws = Workspace::new(docs, FileTree::default());
        let config = IdConfig::default();
        let mut reg = Registry::build(&ws, &config);
        let before = fingerprint(&reg);
        let text = ws.docs[1]
            .text
            .replace("id_prefix: RUN-XXX", "id_prefix: RUN-XXX, OPS-XXX");
        ws.replace(1, Document::parse("runbooks.md", text));
        assert!(!reg.update(&ws, &config, 1));
        assert_eq!(
            fingerprint(&reg),
            before,
            "a refused update changes nothing"
        );
    }
}
