//! The registry as data: every ID with its definition, fields and references, plus
//! dangling references and duplicates. `sot registry --format json` prints it; its
//! schema is `docs/registry.schema.json` (bump `VERSION` on any incompatible change).

use std::collections::BTreeMap;

use serde::Serialize;

use crate::index::entry_title;
use crate::{
    entry_field, entry_fields, entry_heading, Entry, RefKind, Reference, Registry, Workspace,
};

/// The export format's version.
pub const VERSION: u32 = 1;

#[derive(Debug, Serialize)]
pub struct Export {
    pub version: u32,
    pub prefixes: Vec<String>,
    pub ids: Vec<IdRecord>,
    /// References to IDs that no entry defines.
    pub dangling: Vec<RefRecord>,
    /// IDs defined more than once, with every definition (canonical first).
    pub duplicates: Vec<Duplicate>,
}

#[derive(Debug, Serialize)]
pub struct IdRecord {
    pub id: String,
    pub prefix: String,
    pub number: u64,
    pub title: String,
    pub file: String,
    pub line: usize,
    /// The fragment that links to the entry, without `#`.
    pub anchor: String,
    pub status: Option<String>,
    pub fields: BTreeMap<String, String>,
    pub references: Vec<RefRecord>,
}

#[derive(Debug, Clone, Serialize)]
pub struct RefRecord {
    pub id: String,
    pub file: String,
    pub line: usize,
    pub column: usize,
    /// `link` (a link whose text is the ID) or `mention` (the ID in prose).
    pub kind: &'static str,
}

#[derive(Debug, Serialize)]
pub struct Location {
    pub file: String,
    pub line: usize,
}

#[derive(Debug, Serialize)]
pub struct Duplicate {
    pub id: String,
    pub definitions: Vec<Location>,
}

/// Sort key of an ID: prefix, then number, then the text.
pub fn id_order(id: &str) -> (String, u64, String) {
    let (prefix, number) = sot_syntax::split_id(id).unwrap_or((id, ""));
    (
        prefix.to_string(),
        number.parse().unwrap_or(u64::MAX),
        id.to_string(),
    )
}

pub fn reference_record(ws: &Workspace, r: &Reference) -> RefRecord {
    let doc = &ws.docs[r.doc];
    let p = doc.position(r.span.start);
    RefRecord {
        id: r.id.clone(),
        file: doc.path.clone(),
        line: p.line,
        column: p.column,
        kind: match r.kind {
            RefKind::Link(_) => "link",
            RefKind::Mention => "mention",
        },
    }
}

pub fn id_record(ws: &Workspace, reg: &Registry, e: &Entry) -> IdRecord {
    let doc = &ws.docs[e.doc];
    let heading = entry_heading(ws, e);
    let fields: BTreeMap<String, String> = entry_fields(ws, e).into_iter().collect();
    let mut references: Vec<RefRecord> = reg
        .references_to(&e.id)
        .map(|r| reference_record(ws, r))
        .collect();
    references.sort_by(|a, b| (&a.file, a.line, a.column).cmp(&(&b.file, b.line, b.column)));
    IdRecord {
        id: e.id.clone(),
        prefix: e.prefix.clone(),
        number: id_order(&e.id).1,
        title: entry_title(ws, e),
        file: doc.path.clone(),
        line: heading.map_or(1, |h| doc.position(h.span.start).line),
        anchor: heading.map_or(String::new(), |h| h.slug.clone()),
        status: entry_field(ws, e, "Status"),
        fields,
        references,
    }
}

pub fn export(ws: &Workspace, reg: &Registry) -> Export {
    let mut ids: Vec<IdRecord> = Vec::new();
    let mut duplicates = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for e in &reg.entries {
        if !seen.insert(e.id.as_str()) {
            continue;
        }
        let canonical = reg.canonical(&e.id).expect("a defined ID");
        ids.push(id_record(ws, reg, canonical));
        let defs: Vec<Location> = reg
            .definitions(&e.id)
            .map(|d| Location {
                file: ws.docs[d.doc].path.clone(),
                line: ws.docs[d.doc].position(d.id_span.start).line,
            })
            .collect();
        if defs.len() > 1 {
            duplicates.push(Duplicate {
                id: e.id.clone(),
                definitions: defs,
            });
        }
    }
    ids.sort_by_key(|r| id_order(&r.id));
    duplicates.sort_by_key(|d| id_order(&d.id));
    let mut dangling: Vec<RefRecord> = reg
        .references
        .iter()
        .filter(|r| reg.canonical(&r.id).is_none())
        .map(|r| reference_record(ws, r))
        .collect();
    dangling.sort_by(|a, b| (&a.file, a.line, a.column).cmp(&(&b.file, b.line, b.column)));
    Export {
        version: VERSION,
        prefixes: reg.prefixes().map(str::to_string).collect(),
        ids,
        dangling,
        duplicates,
    }
}
