//! Changes to documents, made in memory and written together: the one engine under
//! `sot lint --fix`, `sot index`, `sot rename` and `sot mv`. Edits go into the loaded
//! workspace (each edited document is parsed again, so later checks see it), the
//! documents as read are kept for the writer's checks and for diffs, and nothing
//! reaches the disk until [`Changes::write`] has checked that every file can be
//! replaced.

use std::collections::BTreeMap;
use std::path::Path;

use sot_lint::secrets;
use sot_registry::Workspace;
use sot_syntax::{edit, Document, Edit, EditError};

use crate::write;

/// The documents of a workspace changed so far, as they were read.
#[derive(Default)]
pub struct Changes {
    originals: BTreeMap<usize, Document>,
}

impl Changes {
    /// Applies `edits` (spans in the document's current text) to document `d` of `ws`.
    pub fn edit(&mut self, ws: &mut Workspace, d: usize, edits: &[Edit]) -> Result<(), EditError> {
        let text = edit::apply(&ws.docs[d].text, edits)?;
        self.replace_text(ws, d, text);
        Ok(())
    }

    /// Gives document `d` of `ws` the text `text` (BOM kept as the file has it).
    pub fn replace_text(&mut self, ws: &mut Workspace, d: usize, text: String) {
        let bom = if ws.docs[d].bom { "\u{feff}" } else { "" };
        let path = ws.docs[d].path.clone();
        let read = ws.replace(d, Document::parse(path, format!("{bom}{text}")));
        self.originals.entry(d).or_insert(read);
    }

    /// Takes in documents changed elsewhere (`index::rewrite_settled`), as read.
    pub fn absorb(&mut self, originals: BTreeMap<usize, Document>) {
        for (d, doc) in originals {
            self.originals.entry(d).or_insert(doc);
        }
    }

    /// Each changed document as read, with its text now; documents changed back to
    /// what they were are left out.
    pub fn changed<'a>(
        &'a self,
        ws: &'a Workspace,
    ) -> impl Iterator<Item = (&'a Document, &'a str)> + 'a {
        self.originals
            .iter()
            .map(|(&d, original)| (original, ws.docs[d].text.as_str()))
            .filter(|(original, now)| original.text != *now)
    }

    /// A unified diff of every change, paths as `a/PATH` and `b/PATH`, secrets masked
    /// as findings mask them.
    pub fn diff(&self, ws: &Workspace) -> String {
        self.changed(ws)
            .map(|(original, now)| unified_diff(&original.path, &original.text, now))
            .collect()
    }

    /// Writes every changed document, after checking that each one can be written
    /// (still as read, a regular file the user may write): one that cannot stops the
    /// change before any file is touched. Returns the paths written.
    pub fn write(&self, root: &Path, ws: &Workspace) -> Result<Vec<String>, String> {
        let changed: Vec<(&Document, &str)> = self.changed(ws).collect();
        for (original, _) in &changed {
            let cannot = |reason: &str| format!("cannot write {}: {reason}", original.path);
            if let Some(reason) = &original.unreadable {
                return Err(cannot(reason));
            }
            let expected = file_bytes(original, &original.text);
            write::check_replaceable(&root.join(&original.path), expected.as_bytes())
                .map_err(|e| cannot(&e))?;
        }
        let mut written = Vec::new();
        for (original, now) in changed {
            write_document(root, original, now)?;
            written.push(original.path.clone());
        }
        Ok(written)
    }
}

/// The unified diff between two versions of the document at `path`, secrets masked,
/// lines shown with `\n` endings whatever the file's (a CRLF file's carriage returns
/// would read as lines of their own).
pub fn unified_diff(path: &str, before: &str, after: &str) -> String {
    let lines = |text: &str| secrets::mask(text).replace("\r\n", "\n");
    let (before, after) = (lines(before), lines(after));
    let diff = similar::TextDiff::from_lines(before.as_str(), after.as_str());
    diff.unified_diff()
        .context_radius(3)
        .header(&format!("a/{path}"), &format!("b/{path}"))
        .to_string()
}

/// The bytes of a document's file: its text with its BOM.
fn file_bytes(doc: &Document, text: &str) -> String {
    let bom = if doc.bom { "\u{feff}" } else { "" };
    format!("{bom}{text}")
}

/// Replaces document `doc` (as it was read) with `text`, its BOM kept. A document
/// that could not be read is never written; neither is one changed since.
pub fn write_document(root: &Path, doc: &Document, text: &str) -> Result<(), String> {
    let cannot = |reason: &str| format!("cannot write {}: {reason}", doc.path);
    if let Some(reason) = &doc.unreadable {
        return Err(cannot(reason));
    }
    let expected = file_bytes(doc, &doc.text);
    write::replace_file(
        &root.join(&doc.path),
        expected.as_bytes(),
        file_bytes(doc, text).as_bytes(),
    )
    .map_err(|e| cannot(&e))
}
