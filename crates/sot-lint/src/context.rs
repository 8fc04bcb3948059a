//! What every rule reads: the workspace, its registry, the schema, and which
//! documents to report on.

use std::ops::Range;

use sot_registry::{Entry, Registry, Workspace};
use sot_syntax::{Document, Field};

use crate::rules::{Finding, Rule};
use crate::{Diagnostic, Related, Schema, Settings};

pub struct Context<'a> {
    pub ws: &'a Workspace,
    pub reg: &'a Registry,
    pub schema: &'a Schema,
    pub settings: &'a Settings,
    /// Entries another branch added since it forked (`sot lint --against REV`).
    pub other_branch: Option<&'a OtherBranch>,
    targets: Vec<bool>,
}

/// What another revision defines in the files it changed since the merge base.
#[derive(Debug, Default)]
pub struct OtherBranch {
    /// The revision as the user named it (`origin/main`).
    pub rev: String,
    pub entries: Vec<ForeignEntry>,
}

#[derive(Debug)]
pub struct ForeignEntry {
    pub id: String,
    /// The heading text, to tell a different entry from the same one.
    pub heading: String,
    pub file: String,
    pub line: usize,
}

impl<'a> Context<'a> {
    /// `targets`: indices of the documents to report on (`None`: all of them).
    pub fn new(
        ws: &'a Workspace,
        reg: &'a Registry,
        settings: &'a Settings,
        targets: Option<&[usize]>,
    ) -> Self {
        let mut mask = vec![targets.is_none(); ws.docs.len()];
        for &t in targets.unwrap_or_default() {
            mask[t] = true;
        }
        Context {
            ws,
            reg,
            schema: &settings.config.schema,
            settings,
            other_branch: None,
            targets: mask,
        }
    }

    /// Also checks IDs against those another branch added (branch collisions).
    pub fn with_other_branch(mut self, other: &'a OtherBranch) -> Self {
        self.other_branch = Some(other);
        self
    }

    pub fn is_target(&self, doc: usize) -> bool {
        self.targets[doc]
    }

    /// The documents to report on, with their indices.
    pub fn targets(&self) -> impl Iterator<Item = (usize, &'a Document)> + '_ {
        self.ws
            .docs
            .iter()
            .enumerate()
            .filter(|(i, _)| self.targets[*i])
    }

    pub fn doc(&self, i: usize) -> &'a Document {
        &self.ws.docs[i]
    }

    /// A field of an entry, from the lines under its heading.
    pub fn field(&self, entry: &Entry, name: &str) -> Option<&'a Field> {
        self.ws.docs[entry.doc].headings[entry.heading].field(name)
    }

    /// The status an entry declares, markup stripped.
    pub fn status(&self, entry: &Entry) -> Option<String> {
        self.field(entry, "Status").map(|f| plain(&f.value))
    }

    /// `path:line` of a span, for messages.
    pub fn location(&self, doc: usize, offset: usize) -> String {
        let d = self.doc(doc);
        format!("{}:{}", d.path, d.position(offset).line)
    }

    pub(crate) fn diagnostic(&self, rule: &Rule, f: Finding) -> Diagnostic {
        let doc = self.doc(f.doc);
        let start = doc.position(f.span.start);
        let end = doc.position(f.span.end.max(f.span.start));
        Diagnostic {
            file: doc.path.clone(),
            line: start.line,
            column: start.column,
            end_line: end.line,
            end_column: end.column,
            severity: rule.severity,
            rule: rule.name,
            message: f.message,
            help: f.help,
            related: f
                .related
                .into_iter()
                .map(|(d, span, message)| {
                    let p = self.doc(d).position(span.start);
                    Related {
                        file: self.doc(d).path.clone(),
                        line: p.line,
                        column: p.column,
                        message,
                    }
                })
                .collect(),
            span: f.span,
            label: rule.label,
        }
    }
}

/// A field value without surrounding emphasis or code markup.
pub fn plain(value: &str) -> String {
    value
        .trim()
        .trim_matches(|c| c == '*' || c == '_' || c == '`')
        .trim()
        .to_string()
}

pub(crate) fn shift(base: usize, r: Range<usize>) -> Range<usize> {
    base + r.start..base + r.end
}
