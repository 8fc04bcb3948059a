//! Changes to documents, made in memory and written together: the one engine under
//! `sot lint --fix`, `sot index`, `sot rename` and `sot mv`. Edits go into the loaded
//! workspace (each edited document is parsed again, so later checks see it), the
//! documents as read are kept for the writer's checks and for diffs, and nothing
//! reaches the disk until [`Changes::write`] has checked that every file can be
//! replaced.

use std::collections::BTreeMap;
use std::path::Path;

use sot_lint::secrets;
use sot_registry::moves::Move;
use sot_registry::Workspace;
use sot_syntax::{edit, Document, Edit, EditError};

use crate::write;

/// The documents of a workspace changed so far, as they were read, and the file or
/// folder to move once they are written.
#[derive(Default)]
pub struct Changes {
    originals: BTreeMap<usize, Document>,
    /// At most one move: what `sot mv` makes.
    moved: Option<Move>,
}

impl Changes {
    /// Moves a file or folder when the changes are written, after the documents (each
    /// edited where it was read). Edits to documents inside it are made as usual.
    pub fn move_path(&mut self, mv: Move) {
        self.moved = Some(mv);
    }

    /// Where the file at `path` is once the changes are written.
    pub fn destination(&self, path: &str) -> String {
        self.moved
            .as_ref()
            .and_then(|mv| mv.destination(path))
            .unwrap_or_else(|| path.to_string())
    }

    /// Document `d` as read, when it was changed.
    pub fn original(&self, d: usize) -> Option<&Document> {
        self.originals.get(&d)
    }

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

    /// A unified diff of every change, paths as `a/PATH` and `b/PATH` (`b/` where a
    /// moved document ends up), secrets masked as findings mask them.
    pub fn diff(&self, ws: &Workspace) -> String {
        self.changed(ws)
            .map(|(original, now)| {
                let after = self.destination(&original.path);
                unified_diff(&original.path, &after, &original.text, now)
            })
            .collect()
    }

    /// Checks that every change can be made: each changed document can be written
    /// (still as read, a regular file the user may write) and the move can be made.
    pub fn check(&self, root: &Path, ws: &Workspace) -> Result<(), String> {
        for (original, _) in self.changed(ws) {
            let cannot = |reason: &str| format!("cannot write {}: {reason}", original.path);
            if let Some(reason) = &original.unreadable {
                return Err(cannot(reason));
            }
            let expected = file_bytes(original, &original.text);
            write::check_replaceable(&root.join(&original.path), expected.as_bytes())
                .map_err(|e| cannot(&e))?;
        }
        if let Some(mv) = &self.moved {
            write::check_movable(root, &root.join(&mv.from), &root.join(&mv.to))
                .map_err(|e| format!("cannot move {} to {}: {e}", mv.from, mv.to))?;
        }
        Ok(())
    }

    /// Writes every changed document, then makes the move, once [`Changes::check`]
    /// passed: a change that cannot be made stops it before any file is touched. A
    /// step that fails all the same (a full disk) undoes the steps made before it.
    /// Returns the paths written, where they are after the move.
    pub fn write(&self, root: &Path, ws: &Workspace) -> Result<Vec<String>, String> {
        self.check(root, ws)?;
        let mut written: Vec<(&Document, &str)> = Vec::new();
        for (original, now) in self.changed(ws) {
            if let Err(e) = write_document(root, original, now) {
                return Err(undo_writes(root, &written, e));
            }
            written.push((original, now));
        }
        if let Some(mv) = &self.moved {
            if let Err(e) = write::move_new(&root.join(&mv.from), &root.join(&mv.to)) {
                let e = format!("cannot move {} to {}: {e}", mv.from, mv.to);
                return Err(undo_writes(root, &written, e));
            }
        }
        Ok(written
            .into_iter()
            .map(|(original, _)| self.destination(&original.path))
            .collect())
    }
}

/// Puts back the documents `written` (as read, with their text now) after `error`
/// stopped a change, and says what stopped it and what could not be put back.
fn undo_writes(root: &Path, written: &[(&Document, &str)], error: String) -> String {
    let stuck: Vec<String> = written
        .iter()
        .filter_map(|(original, now)| {
            let (now, before) = (
                file_bytes(original, now),
                file_bytes(original, &original.text),
            );
            write::replace_file(
                &root.join(&original.path),
                now.as_bytes(),
                before.as_bytes(),
            )
            .err()
            .map(|e| format!("{} ({e})", original.path))
        })
        .collect();
    match stuck.as_slice() {
        [] if written.is_empty() => error,
        [] => format!("{error}; the files written before it were put back"),
        _ => format!(
            "{error}; these files keep their new text and could not be put back: {}",
            stuck.join(", ")
        ),
    }
}

/// The unified diff between two versions of a document, at `before_path` and (moved
/// or not) `after_path`, secrets masked, lines shown with `\n` endings whatever the
/// file's (a CRLF file's carriage returns would read as lines of their own).
pub fn unified_diff(before_path: &str, after_path: &str, before: &str, after: &str) -> String {
    let lines = |text: &str| secrets::mask(text).replace("\r\n", "\n");
    let (before, after) = (lines(before), lines(after));
    let diff = similar::TextDiff::from_lines(before.as_str(), after.as_str());
    diff.unified_diff()
        .context_radius(3)
        .header(&format!("a/{before_path}"), &format!("b/{after_path}"))
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
