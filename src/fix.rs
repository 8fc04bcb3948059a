//! `sot lint --fix`: applies the fixes rules offer, in rounds, on the loaded workspace.
//!
//! A round takes every finding's fix that is allowed (safe, or unsafe too with
//! `--unsafe-fixes`), skips one whose edits overlap a fix taken before it in the same
//! document (it is tried again next round, on the text as it then stands), applies
//! the rest and lints again. A round that brings a finding the workspace did not have
//! is undone and its fixes tried one at a time, each kept only when it brings none (a
//! fix in a document another one just changed waits for the next round: its spans
//! are the old text's). A fix once refused is not tried again. Rounds repeat until
//! nothing is left to fix, so a second `--fix` changes nothing.

use std::collections::{BTreeMap, HashMap};

use sot_lint::{Applicability, Context, Diagnostic, Settings};
use sot_registry::{Registry, Workspace};
use sot_syntax::{Document, Edit};

use crate::changes::Changes;

/// Rounds before giving up on settling: each round fixes at least one finding, and
/// only fixes that overlapped wait for a later one.
const MAX_ROUNDS: usize = 16;

/// What fixing did.
pub struct Fixed {
    pub changes: Changes,
    /// Findings before any fix.
    pub before: usize,
    /// Findings left, as the workspace now stands.
    pub remaining: Vec<Diagnostic>,
}

/// The workspace, its registry and how to lint it, as a fix run changes them.
pub struct Fixer<'a> {
    pub ws: &'a mut Workspace,
    pub reg: &'a mut Registry,
    pub settings: &'a Settings,
    pub targets: Option<&'a [usize]>,
    pub selection: &'a sot_lint::Selection,
    /// The least sure fix applied.
    pub allowed: Applicability,
}

impl Fixer<'_> {
    pub fn run(mut self) -> Fixed {
        let mut changes = Changes::default();
        let mut diags = self.lint();
        let before = diags.len();
        let mut refused: Vec<(usize, Vec<Edit>)> = Vec::new();
        for _ in 0..MAX_ROUNDS {
            let mut round = self.candidates(&diags);
            round.retain(|fix| !refused.contains(fix));
            if round.is_empty() {
                break;
            }
            let known = signatures(&diags);
            let undo = self.apply(&mut changes, &round);
            let after = self.lint();
            if !brings_new(&known, &after) {
                diags = after;
                continue;
            }
            self.undo(undo);
            // One at a time: the fixes that bring nothing new are kept.
            let mut changed = Vec::new();
            for fix in round {
                if changed.contains(&fix.0) {
                    continue;
                }
                let undo = self.apply(&mut changes, std::slice::from_ref(&fix));
                if brings_new(&known, &self.lint()) {
                    self.undo(undo);
                    refused.push(fix);
                } else {
                    changed.push(fix.0);
                }
            }
            diags = self.lint();
        }
        Fixed {
            changes,
            before,
            remaining: diags,
        }
    }

    fn lint(&self) -> Vec<Diagnostic> {
        let ctx = Context::new(self.ws, self.reg, self.settings, self.targets);
        sot_lint::lint(&ctx, self.selection)
    }

    /// The fixes to apply this round, by document: each allowed fix whose edits
    /// overlap no fix taken before it (findings come sorted by place).
    fn candidates(&self, diags: &[Diagnostic]) -> Vec<(usize, Vec<Edit>)> {
        let mut taken: BTreeMap<usize, Vec<Edit>> = BTreeMap::new();
        let mut round = Vec::new();
        for d in diags {
            let Some(fix) = d.fix.as_ref().filter(|f| f.applicability <= self.allowed) else {
                continue;
            };
            let Some(doc) = self.reg.doc_index(&d.file) else {
                continue;
            };
            // A fix that would write what is there already changes nothing.
            let text = &self.ws.docs[doc].text;
            if fix
                .edits
                .iter()
                .all(|e| text.get(e.span.clone()) == Some(e.text.as_str()))
            {
                continue;
            }
            let edits = taken.entry(doc).or_default();
            // The same fix offered twice (two findings on one link) overlaps itself:
            // it is applied once.
            if fix
                .edits
                .iter()
                .any(|e| edits.iter().any(|t| t.overlaps(e)))
            {
                continue;
            }
            edits.extend(fix.edits.iter().cloned());
            round.push((doc, fix.edits.clone()));
        }
        round
    }

    /// Applies `fixes` (merged per document) and rebuilds the registry; returns the
    /// documents as they were, to undo it.
    fn apply(
        &mut self,
        changes: &mut Changes,
        fixes: &[(usize, Vec<Edit>)],
    ) -> Vec<(usize, Document)> {
        let mut by_doc: BTreeMap<usize, Vec<Edit>> = BTreeMap::new();
        for (d, edits) in fixes {
            by_doc.entry(*d).or_default().extend(edits.iter().cloned());
        }
        let mut undo = Vec::new();
        for (d, edits) in by_doc {
            let before = self.ws.docs[d].text.clone();
            let path = self.ws.docs[d].path.clone();
            let bom = self.ws.docs[d].bom;
            // Overlaps were left out above, so the edits apply.
            if changes.edit(self.ws, d, &edits).is_ok() {
                let bom = if bom { "\u{feff}" } else { "" };
                undo.push((d, Document::parse(path, format!("{bom}{before}"))));
            }
        }
        self.rebuild();
        undo
    }

    fn undo(&mut self, undo: Vec<(usize, Document)>) {
        for (d, doc) in undo {
            self.ws.replace(d, doc);
        }
        self.rebuild();
    }

    fn rebuild(&mut self) {
        *self.reg = Registry::build(self.ws, &self.settings.id_config());
    }
}

/// How many findings there are of each kind: file, rule and message (not place: a fix
/// earlier in a file moves the rest).
fn signatures(diags: &[Diagnostic]) -> HashMap<(&str, &str, &str), usize> {
    let mut counts = HashMap::new();
    for d in diags {
        *counts
            .entry((d.file.as_str(), d.rule, d.message.as_str()))
            .or_default() += 1;
    }
    counts
}

/// Whether `after` holds a finding `known` did not: a kind more often than before.
fn brings_new(known: &HashMap<(&str, &str, &str), usize>, after: &[Diagnostic]) -> bool {
    signatures(after)
        .iter()
        .any(|(kind, n)| known.get(kind).copied().unwrap_or(0) < *n)
}
