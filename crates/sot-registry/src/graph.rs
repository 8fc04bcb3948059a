//! The reference graph: which files (or entries) refer to which, as Mermaid or DOT.

use std::collections::BTreeMap;

use crate::{Registry, Workspace};

/// Nodes are files, or IDs (with a file standing in for references outside any entry).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum By {
    File,
    Id,
}

/// Edges with the number of references behind each, sorted.
#[derive(Debug, Default)]
pub struct Graph {
    pub nodes: Vec<String>,
    pub edges: BTreeMap<(usize, usize), usize>,
}

pub fn build(ws: &Workspace, reg: &Registry, by: By) -> Graph {
    let mut names: BTreeMap<String, usize> = BTreeMap::new();
    let mut edges: BTreeMap<(String, String), usize> = BTreeMap::new();
    for r in &reg.references {
        let Some(target) = reg.canonical(&r.id) else {
            continue;
        };
        let (from, to) = match by {
            By::File => (
                ws.docs[r.doc].path.clone(),
                ws.docs[target.doc].path.clone(),
            ),
            By::Id => (
                enclosing_entry(ws, reg, r.doc, r.span.start)
                    .unwrap_or_else(|| ws.docs[r.doc].path.clone()),
                r.id.clone(),
            ),
        };
        if from == to {
            continue;
        }
        names.entry(from.clone()).or_default();
        names.entry(to.clone()).or_default();
        *edges.entry((from, to)).or_default() += 1;
    }
    for (i, (_, index)) in names.iter_mut().enumerate() {
        *index = i;
    }
    Graph {
        edges: edges
            .into_iter()
            .map(|((a, b), n)| ((names[&a], names[&b]), n))
            .collect(),
        nodes: names.into_keys().collect(),
    }
}

/// The ID of the entry whose body holds `offset` in document `d`.
fn enclosing_entry(ws: &Workspace, reg: &Registry, d: usize, offset: usize) -> Option<String> {
    let doc = &ws.docs[d];
    let section = doc.section_of(offset)?;
    let mut ceiling = u8::MAX;
    for h in (0..=section).rev() {
        let level = doc.headings[h].level;
        if level < ceiling {
            if let Some(e) = reg.entry_at(d, h) {
                return Some(e.id.clone());
            }
            ceiling = level;
        }
    }
    None
}

impl Graph {
    pub fn mermaid(&self) -> String {
        let mut out = String::from("graph LR\n");
        for (i, name) in self.nodes.iter().enumerate() {
            out.push_str(&format!("  n{i}[\"{}\"]\n", name.replace('"', "#quot;")));
        }
        for ((a, b), n) in &self.edges {
            out.push_str(&format!("  n{a} -->|{n}| n{b}\n"));
        }
        out
    }

    pub fn dot(&self) -> String {
        let quote = |s: &str| format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""));
        let mut out = String::from("digraph sot {\n  rankdir=LR;\n  node [shape=box];\n");
        for name in &self.nodes {
            out.push_str(&format!("  {};\n", quote(name)));
        }
        for ((a, b), n) in &self.edges {
            out.push_str(&format!(
                "  {} -> {} [label=\"{n}\"];\n",
                quote(&self.nodes[*a]),
                quote(&self.nodes[*b])
            ));
        }
        out.push_str("}\n");
        out
    }
}
