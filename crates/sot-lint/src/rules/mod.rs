//! One file per rule. Each file's `//!` comment is the rule's documentation: its first
//! line is the summary `sot rules` shows, the whole is what `sot explain` prints.

use std::ops::Range;

use crate::stand_ins::is_entry_stand_in_link;
use crate::{Context, Severity};

mod broken_anchor;
mod broken_link;
mod deprecated_ref;
mod duplicate_id;
pub(crate) mod hardcoded_secret;
mod id_field_mismatch;
mod id_link_mismatch;
mod invalid_field;
mod invalid_frontmatter;
mod invalid_suppression;
mod missing_field;
mod missing_section;
pub(crate) mod placeholder;
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
    /// Other places that explain the finding: document, position, note.
    pub related: Vec<(usize, sot_syntax::Position, String)>,
    pub fix: Option<crate::Fix>,
}

impl Finding {
    pub fn new(doc: usize, span: Range<usize>, message: impl Into<String>) -> Self {
        Finding {
            doc,
            span,
            message: message.into(),
            help: None,
            related: Vec::new(),
            fix: None,
        }
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn help_opt(mut self, help: Option<String>) -> Self {
        self.help = help;
        self
    }

    pub fn fix(mut self, fix: Option<crate::Fix>) -> Self {
        self.fix = fix;
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
    rule!("hardcoded-secret", Error, hardcoded_secret, "credential"),
    rule!(
        "deprecated-ref",
        Warning,
        deprecated_ref,
        "deprecated entry"
    ),
    rule!("unreadable-file", Error, unreadable_file, "unreadable"),
    rule!(
        "invalid-suppression",
        Warning,
        invalid_suppression,
        "unknown name"
    ),
    Rule {
        name: "unused-suppression",
        severity: Severity::Warning,
        label: "silences nothing",
        check: Check::Suppressions,
        source: include_str!("unused_suppression.rs"),
    },
];

/// The rule a mistyped name most likely meant (`broken-links`, `Broken_Link`), when one
/// is near enough: within a third of the name's length in edits, at least two.
pub fn closest_rule(name: &str) -> Option<&'static str> {
    let limit = (name.chars().count() / 3).max(2);
    closest(name, RULES.iter().map(|r| r.name), limit)
}

/// The known name nearest to `name` (compared in lower case, `_` read as `-`), when at
/// most `limit` edits away.
pub(crate) fn closest<'a>(
    name: &str,
    known: impl Iterator<Item = &'a str>,
    limit: usize,
) -> Option<&'a str> {
    let name = name.to_lowercase().replace('_', "-");
    let (distance, best) = known.map(|k| (strsim::levenshtein(k, &name), k)).min()?;
    (distance <= limit).then_some(best)
}

/// What to say after "no rule named `NAME`".
pub fn unknown_rule_help(name: &str) -> String {
    match closest_rule(name) {
        Some(rule) => format!("did you mean `{rule}`?"),
        None => "`sot rules` lists the rule names".to_string(),
    }
}

/// The kind of a written target: its link's, or a reference definition's.
pub(crate) fn link_kind(link: Option<&sot_syntax::Link>) -> sot_syntax::LinkKind {
    link.map_or(sot_syntax::LinkKind::Reference, |l| l.kind)
}

/// Links and definitions whose targets a document writes, each once: inline links and
/// images, HTML `href`/`src` attributes, and the reference definitions some link uses
/// (their uses share the definition's target; an unused definition renders nothing, so
/// nobody can follow it). A link whose text stands in for one entry of a known prefix
/// (`[DEP-XXX](#dep-xxx-name)`) is left out: it is a template's example, reported as a
/// `placeholder`. A stand-in of an unknown prefix (`[BR-XXX](SoT.BUSINESS_RULES.md#br-xxx)`)
/// is an ordinary link.
pub(crate) fn written_targets<'d>(
    ctx: &'d Context,
    d: usize,
) -> impl Iterator<Item = (&'d str, Range<usize>, Option<&'d sot_syntax::Link>)> + 'd {
    let doc = ctx.doc(d);
    let facts = ctx.text_facts(d);
    let inline = doc
        .links
        .iter()
        .enumerate()
        .filter(|(_, l)| {
            matches!(
                l.kind,
                sot_syntax::LinkKind::Inline | sot_syntax::LinkKind::Html
            )
        })
        .filter(move |(i, l)| !is_entry_stand_in_link(facts, *i, l, ctx.reg))
        .map(|(_, l)| (&*l.dest, l.dest_span.range(), Some(l)));
    let mut used = vec![false; doc.definitions.len()];
    for d in doc.links.iter().filter_map(|l| l.definition) {
        used[d as usize] = true;
    }
    let defs = doc
        .definitions
        .iter()
        .zip(used)
        .filter(|(_, used)| *used)
        .map(|(d, _)| (d.dest.as_str(), d.dest_span.clone(), None));
    inline.chain(defs)
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
