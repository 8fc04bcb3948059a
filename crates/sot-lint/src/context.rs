//! What every rule reads: the workspace, its registry, the schema, and which
//! documents to report on.

use std::borrow::Cow;
use std::ops::Range;

use sot_registry::{Entry, Generator, Registry, Resolved, Site, Workspace};
use sot_syntax::{Document, Field, LinkKind};

use crate::rules::{Finding, Rule};
use std::collections::{BTreeMap, HashSet};

use crate::templates::{self, Template};
use crate::{Diagnostic, Related, Schema, Settings, TextFacts, ValueRule};
use rayon::prelude::*;

pub struct Context<'a> {
    pub ws: &'a Workspace,
    pub reg: &'a Registry,
    pub schema: &'a Schema,
    pub settings: &'a Settings,
    /// Entries another branch added since it forked (`sot lint --against REV`).
    pub other_branch: Option<&'a OtherBranch>,
    /// The configured templates, derived from their documents.
    pub templates: Vec<Template>,
    /// Per document: the index into `templates` of the one that applies.
    template_of: Vec<Option<usize>>,
    /// How link targets resolve, with the URLs pages claim in their frontmatter.
    site: Cow<'a, Site>,
    targets: Vec<bool>,
    /// Per document: what the rules read of its text.
    text_facts: Vec<TextFacts>,
}

/// One set of frontmatter requirements that applies to a document.
pub struct FrontmatterCheck<'s> {
    /// Why it applies, for messages: "`document_type: x`" or "template `t.md`".
    pub source: String,
    pub required: &'s [String],
    pub fields: &'s BTreeMap<String, ValueRule>,
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
        Self::with_text_facts(ws, reg, settings, targets, Vec::new())
    }

    /// [`Context::new`], with the text facts of the documents that were found while
    /// they were whole (per document, `None` where they are to be found now).
    pub fn with_text_facts(
        ws: &'a Workspace,
        reg: &'a Registry,
        settings: &'a Settings,
        targets: Option<&[usize]>,
        known: Vec<Option<TextFacts>>,
    ) -> Self {
        let site = settings
            .site()
            .clone()
            .with_pages(&ws.docs, ws.page_facts());
        Self::with_site(ws, reg, settings, targets, known, Cow::Owned(site))
    }

    /// [`Context::with_text_facts`], with the site already built from the workspace's
    /// pages (a language server keeps it from one edit to the next).
    pub fn with_site(
        ws: &'a Workspace,
        reg: &'a Registry,
        settings: &'a Settings,
        targets: Option<&[usize]>,
        mut known: Vec<Option<TextFacts>>,
        site: Cow<'a, Site>,
    ) -> Self {
        known.resize_with(ws.docs.len(), || None);
        let mut mask = vec![targets.is_none(); ws.docs.len()];
        for &t in targets.unwrap_or_default() {
            mask[t] = true;
        }
        let templates: Vec<Template> = settings
            .config
            .templates
            .iter()
            .filter_map(|t| reg.doc_index(&t.path))
            .map(|d| templates::derive(ws, reg, d))
            .collect();
        let template_of = ws
            .docs
            .iter()
            .map(|doc| {
                let document_type = doc
                    .frontmatter
                    .as_ref()
                    .and_then(|f| f.scalar("document_type"));
                let i = settings.template_for(&doc.path, document_type.as_deref())?;
                let path = &settings.config.templates[i].path;
                templates.iter().position(|t| &t.path == path)
            })
            .collect();
        Context {
            ws,
            reg,
            schema: &settings.config.schema,
            settings,
            other_branch: None,
            templates,
            template_of,
            site,
            text_facts: known
                .into_par_iter()
                .zip(&ws.docs)
                .zip(&mask)
                .map(|((facts, doc), &target)| {
                    facts.unwrap_or_else(|| match target {
                        true => TextFacts::of(doc, settings),
                        false => TextFacts::default(),
                    })
                })
                .collect(),
            targets: mask,
        }
    }

    /// What the rules read of document `doc`'s text.
    pub fn text_facts(&self, doc: usize) -> &TextFacts {
        &self.text_facts[doc]
    }

    /// Also checks IDs against those another branch added (branch collisions).
    pub fn with_other_branch(mut self, other: &'a OtherBranch) -> Self {
        self.other_branch = Some(other);
        self
    }

    /// The template that applies to document `doc`.
    pub fn template(&self, doc: usize) -> Option<&Template> {
        self.template_of[doc].map(|i| &self.templates[i])
    }

    /// Whether document `doc` is a SoT document (SPEC section 2): its frontmatter has
    /// `id_prefix` or `document_type`, a configured template applies to it, or it holds
    /// a registry entry with fields. A file registered only as a document-level ID
    /// (`[[documents]]`) is not one: its entry has no heading.
    pub fn is_sot_document(&self, doc: usize) -> bool {
        self.reg.is_sot_document(doc)
    }

    /// Whether document `doc` is a template: a configured one, or a file that names
    /// itself one (`adr-template.md`), whose stand-ins are its point.
    pub fn is_template(&self, doc: usize) -> bool {
        self.templates.iter().any(|t| t.doc == doc)
            || crate::templates::named_as_template(&self.ws.docs[doc].path)
    }

    /// The frontmatter requirements of document `doc`: its template's when one
    /// applies, else the schema's whose condition its frontmatter meets.
    pub fn frontmatter_checks(&self, doc: usize) -> Vec<FrontmatterCheck<'_>> {
        if let Some(t) = self.template(doc) {
            return vec![FrontmatterCheck {
                source: format!("template `{}`", t.path),
                required: &t.required_keys,
                fields: &t.keys,
            }];
        }
        let path = &self.ws.docs[doc].path;
        let document = self.settings.document_rule(path).map(|d| FrontmatterCheck {
            source: format!("the {} documents", d.prefix),
            required: &d.required,
            fields: &d.fields,
        });
        let Some(fm) = &self.ws.docs[doc].frontmatter else {
            return document.into_iter().collect();
        };
        self.schema
            .frontmatter
            .iter()
            .filter(|s| s.applies(fm))
            .map(|s| FrontmatterCheck {
                source: s.describe(),
                required: &s.required,
                fields: &s.fields,
            })
            .chain(document)
            .collect()
    }

    /// The fields an entry of `prefix` in document `doc` must carry.
    pub fn entry_required(&self, doc: usize, prefix: &str) -> Vec<&str> {
        match self.template(doc).and_then(|t| t.entries.get(prefix)) {
            Some(p) => p.required.iter().map(String::as_str).collect(),
            None => self.schema.entries.required(prefix).collect(),
        }
    }

    /// The rule for field `name` of an entry of `prefix` in document `doc`.
    pub fn entry_rule(&self, doc: usize, prefix: &str, name: &str) -> Option<ValueRule> {
        match self.template(doc).and_then(|t| t.entries.get(prefix)) {
            Some(p) => p.fields.get(name).cloned(),
            None => self.schema.entries.rule(prefix, name),
        }
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

    /// Where the link target `dest` of a link of `kind`, written in the document at
    /// `from`, leads.
    pub fn resolve(&self, from: &str, dest: &str, kind: LinkKind) -> Resolved {
        self.reg
            .resolve(&self.ws.tree, &self.site, from, dest, kind)
    }

    /// What renders the document at `path`: the site's generator for one of its pages,
    /// else GitHub.
    pub fn renderer(&self, path: &str) -> Generator {
        if self.site.publishes(path) {
            self.settings.config.links.site
        } else {
            Generator::GitHub
        }
    }

    /// The anchors of document `target` as a link in the document at `from` reaches
    /// it: the generator's when both are pages of a site, else GitHub's.
    fn site_anchors(&self, from: &str, target: usize) -> Option<&HashSet<String>> {
        self.site
            .anchors(&self.ws.docs[target].path)
            .filter(|_| self.site.publishes(from))
    }

    /// Whether `fragment` (percent-decoded) names an anchor of document `target`, for
    /// a link written in the document at `from`.
    pub fn has_anchor(&self, from: &str, target: usize, fragment: &str) -> bool {
        match self.site_anchors(from, target) {
            Some(anchors) => sot_registry::anchor_in(anchors, fragment),
            None => self.reg.has_anchor(target, fragment),
        }
    }

    /// Every anchor of document `target` as a link in the document at `from` sees
    /// them, for suggestions.
    pub fn anchors(&self, from: &str, target: usize) -> Vec<String> {
        match self.site_anchors(from, target) {
            Some(anchors) => anchors.iter().cloned().collect(),
            None => sot_registry::anchors_of(self.doc(target))
                .into_iter()
                .collect(),
        }
    }

    /// The anchor of heading `heading` of document `target`, for a link in the
    /// document at `from`.
    pub fn heading_anchor(&self, from: &str, target: usize, heading: usize) -> &str {
        let path = &self.ws.docs[target].path;
        self.site
            .heading_id(path, heading)
            .filter(|_| self.site.publishes(from))
            .unwrap_or(&self.ws.docs[target].headings[heading].slug)
    }

    pub fn doc(&self, i: usize) -> &'a Document {
        &self.ws.docs[i]
    }

    /// A field of an entry, from the lines under its heading.
    pub fn field(&self, entry: &Entry, name: &str) -> Option<&'a Field> {
        let h = entry.heading?;
        self.ws.docs[entry.doc].headings[h].field(name)
    }

    /// The status an entry declares, markup stripped.
    pub fn status(&self, entry: &Entry) -> Option<String> {
        sot_registry::entry_field(self.ws, entry, "Status")
    }

    /// `path:line` of where an entry's ID is written, for messages.
    pub fn location(&self, entry: &Entry) -> String {
        format!("{}:{}", self.doc(entry.doc).path, entry.position.line)
    }

    /// An edit of document `d` replacing `span` with `text`, offered only while the
    /// document's text is at hand and reads `expected` there: a target written with
    /// escapes or character references is not what its parsed form says, and a fix
    /// that cannot be written exactly is no fix.
    pub(crate) fn exact_edit(
        &self,
        d: usize,
        span: Range<usize>,
        expected: &str,
        text: impl Into<String>,
    ) -> Option<sot_syntax::Edit> {
        (self.doc(d).text.get(span.clone()) == Some(expected))
            .then(|| sot_syntax::Edit::new(span, text))
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
                .map(|(d, p, message)| Related {
                    file: self.doc(d).path.clone(),
                    line: p.line,
                    column: p.column,
                    message,
                })
                .collect(),
            span: f.span,
            label: rule.label,
            fix: f.fix,
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
