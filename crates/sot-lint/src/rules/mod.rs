//! One file per rule. Each file's `//!` comment is the rule's documentation: its first
//! line is the summary `sot rules` shows, the whole is what `sot explain` prints.

use std::ops::Range;

use crate::{Context, Severity};

mod broken_anchor;
mod broken_link;
mod deprecated_ref;
mod duplicate_id;
mod id_field_mismatch;
mod id_link_mismatch;
mod invalid_field;
mod invalid_frontmatter;
mod missing_field;
mod missing_section;
mod placeholder;
mod stale_index;
mod undefined_id;
mod unreadable_file;
pub(crate) mod unused_suppression;

/// What a rule reports: a span in one document, and how to fix it.
#[derive(Debug, Clone)]
pub struct Finding {
    pub doc: usize,
    pub span: Range<usize>,
    pub message: String,
    pub help: Option<String>,
    /// Other places that explain the finding: document, span, note.
    pub related: Vec<(usize, Range<usize>, String)>,
}

impl Finding {
    pub fn new(doc: usize, span: Range<usize>, message: impl Into<String>) -> Self {
        Finding {
            doc,
            span,
            message: message.into(),
            help: None,
            related: Vec::new(),
        }
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }
}

/// How a rule finds its problems.
pub enum Check {
    /// A pure function of the workspace.
    Pass(fn(&Context, &mut Vec<Finding>)),
    /// Judged after every other rule ran: suppressions that silenced nothing.
    Suppressions,
}

pub struct Rule {
    pub name: &'static str,
    pub severity: Severity,
    /// The few words shown under the offending span in human output.
    pub label: &'static str,
    pub check: Check,
    source: &'static str,
}

impl Rule {
    /// The rule's documentation, from its file's `//!` comment.
    pub fn doc(&self) -> String {
        self.source
            .lines()
            .take_while(|l| l.starts_with("//!"))
            .map(|l| {
                l.strip_prefix("//! ")
                    .unwrap_or(l.trim_start_matches("//!"))
            })
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// The first sentence of the documentation.
    pub fn summary(&self) -> String {
        self.doc().lines().next().unwrap_or_default().to_string()
    }
}

macro_rules! rule {
    ($name:literal, $severity:ident, $module:ident, $label:literal) => {
        Rule {
            name: $name,
            severity: Severity::$severity,
            label: $label,
            check: Check::Pass($module::check),
            source: include_str!(concat!(stringify!($module), ".rs")),
        }
    };
}

/// Every rule, in the order of SPEC section 4.
pub static RULES: &[Rule] = &[
    rule!("broken-link", Error, broken_link, "no such file"),
    rule!("broken-anchor", Error, broken_anchor, "no such anchor"),
    rule!("undefined-id", Error, undefined_id, "undefined ID"),
    rule!(
        "id-link-mismatch",
        Error,
        id_link_mismatch,
        "points at another entry"
    ),
    rule!("duplicate-id", Error, duplicate_id, "defined again here"),
    rule!(
        "id-field-mismatch",
        Error,
        id_field_mismatch,
        "differs from the heading"
    ),
    rule!("missing-field", Error, missing_field, "required here"),
    rule!("missing-section", Error, missing_section, "section missing"),
    rule!("invalid-field", Error, invalid_field, "not allowed"),
    rule!(
        "invalid-frontmatter",
        Error,
        invalid_frontmatter,
        "invalid frontmatter"
    ),
    rule!("placeholder", Error, placeholder, "placeholder"),
    rule!("stale-index", Error, stale_index, "stale block"),
    rule!(
        "deprecated-ref",
        Warning,
        deprecated_ref,
        "deprecated entry"
    ),
    rule!("unreadable-file", Error, unreadable_file, "unreadable"),
    Rule {
        name: "unused-suppression",
        severity: Severity::Warning,
        label: "silences nothing",
        check: Check::Suppressions,
        source: include_str!("unused_suppression.rs"),
    },
];

/// Links and definitions whose targets a document writes, each once: inline links and
/// images, HTML `href`/`src` attributes, and reference definitions (their uses share
/// the definition's target).
pub(crate) fn written_targets(
    doc: &sot_syntax::Document,
) -> impl Iterator<Item = (&str, Range<usize>, Option<&sot_syntax::Link>)> {
    let inline = doc
        .links
        .iter()
        .filter(|l| {
            matches!(
                l.kind,
                sot_syntax::LinkKind::Inline | sot_syntax::LinkKind::Html
            )
        })
        .map(|l| (l.dest.as_str(), l.dest_span.clone(), Some(l)));
    let defs = doc
        .definitions
        .iter()
        .map(|d| (d.dest.as_str(), d.dest_span.clone(), None));
    inline
        .chain(defs)
        .filter(|(_, _, l)| !l.is_some_and(is_template_link))
}

/// `[DEP-XXX](#dep-xxx-name)`: a template's example link, reported as a placeholder
/// rather than as a broken link.
pub(crate) fn is_template_link(link: &sot_syntax::Link) -> bool {
    sot_syntax::parse_id(link.text.trim()).is_some_and(|t| t.is_placeholder())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_documented() {
        let mut names: Vec<_> = RULES.iter().map(|r| r.name).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), RULES.len());
        for r in RULES {
            assert!(
                r.doc().lines().count() > 3,
                "{} lacks documentation",
                r.name
            );
        }
    }
}
