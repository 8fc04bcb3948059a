//! Reference links whose label nothing defines. CommonMark renders them as the bracketed
//! text they are written as, so the reader sees `[the runbook][run-book]` instead of a
//! link. `[text][label]` and `[label][]` are links by their syntax; a lone `[label]` is
//! also how prose brackets words, and counts only when it was plainly meant as a link: a
//! definition with a nearly equal label exists, or its definition line was swallowed by
//! the paragraph above it. Python-Markdown (MkDocs) also reads `[text]` and `[label]`
//! with one space or line break between them as one reference, so on a MkDocs page
//! that `[text]` is no reference of its own.

use std::collections::HashSet;
use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;
use sot_registry::Generator;
use sot_syntax::{label_key, Document, ReferenceForm, UnresolvedReference};

use crate::{Context, TextFacts};

#[derive(Debug, Clone)]
pub(crate) struct BrokenReference {
    pub span: Range<usize>,
    pub message: String,
    pub help: String,
}

/// A tag such as `[Feature:SCTPConnectivity]` or `[NodeFeature:Eviction]`.
static TAG: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^[A-Za-z][\w-]*:[\w.-]+$").unwrap());
/// Emphasis markers and inline HTML tags at the end of a text.
static TRAILING_MARKUP: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?:</?[A-Za-z][^<>\n]*>|[*_~`])+$").unwrap());
/// A task list item's box, right before a reference: `- [ ] [the runbook][runbook]`.
static TASK_BOX: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[ \t>]*(?:[-*+]|\d+[.)])[ \t]+\[[ xX]\]$").unwrap());
/// A dotted identifier (`config.blog_dir`, `package.module.Class`): the cross-reference
/// syntax of site plugins (mkdocs-autorefs, mkdocstrings), resolved when the site is built.
static DOTTED: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[A-Za-z_][\w-]*(?:\.[\w-]+)+$").unwrap());
/// A line shaped like a reference definition: `[label]: target`.
static DEFINITION_LINE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?m)^ {0,3}\[([^\[\]\n]+)\]:[ \t]*\S").unwrap());

/// What may stand between `[text]` and `[label]` in Python-Markdown: one space or tab, or
/// one line break (the next line's quote markers and indentation are its container's).
static PYTHON_MARKDOWN_GAP: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(?:[ \t]|\r?\n[ \t>]*)\[([^\[\]]+)\]").unwrap());

/// The labels every document may use without defining them.
pub(crate) struct References {
    /// Labels defined in files that hold nothing but definitions: such a file exists to be
    /// included in every page (MkDocs snippets' `auto_append`, mdBook `{{#include}}`).
    included: HashSet<String>,
}

/// A reference with no definition that is meant as a link, as one document alone tells:
/// broken unless another file defines its label.
#[derive(Debug, Clone)]
pub(crate) struct ReferenceCandidate {
    label: String,
    /// For a shortcut followed by a `[label]` (a Python-Markdown full reference): that
    /// label's key, and whether this document defines it.
    split: Option<(String, bool)>,
    broken: BrokenReference,
}

impl References {
    pub fn new(ctx: &Context) -> References {
        let included = (0..ctx.ws.docs.len())
            .flat_map(|d| ctx.ws.facts(d).included_labels())
            .map(|label| label_key(label))
            .collect();
        References { included }
    }

    /// The references of the document with `facts`, rendered by `renderer`, that are
    /// broken, in document order.
    pub fn broken<'f>(
        &self,
        facts: &'f TextFacts,
        renderer: Generator,
    ) -> Vec<&'f BrokenReference> {
        facts
            .references
            .iter()
            .filter(|r| !self.included.contains(&r.label))
            .filter(|r| renderer != Generator::MkDocs || !self.split_reference(r))
            .map(|r| &r.broken)
            .collect()
    }

    /// Whether the shortcut `r` is the text of a Python-Markdown full reference whose
    /// `[label]` follows after a space or a line break and is defined.
    fn split_reference(&self, r: &ReferenceCandidate) -> bool {
        r.split
            .as_ref()
            .is_some_and(|(label, here)| *here || self.included.contains(label))
    }
}

/// The references of `doc` with no definition that are meant as links, in document
/// order.
pub(crate) fn candidates(doc: &Document) -> Vec<ReferenceCandidate> {
    if doc.unresolved_references.is_empty() {
        return Vec::new();
    }
    let swallowed = swallowed_definitions(doc);
    let defined: HashSet<String> = doc
        .definitions
        .iter()
        .map(|d| label_key(&d.label))
        .collect();
    doc.unresolved_references
        .iter()
        .filter(|r| !swallowed.iter().any(|(at, _)| *at == r.span.start))
        .filter_map(|r| {
            let swallowed_line = swallowed
                .iter()
                .find(|(_, label)| label_key(label) == label_key(&r.label))
                .map(|(at, _)| doc.position(*at).line);
            let meant_as_link = match r.form {
                ReferenceForm::Full | ReferenceForm::Collapsed => !notation(doc, r),
                // A `[section]` alone on its line is a config snippet's header.
                ReferenceForm::Shortcut => {
                    swallowed_line.is_some()
                        || (!alone_on_line(doc, r) && nearest_label(doc, &r.label).is_some())
                }
            };
            meant_as_link.then(|| {
                let near = nearest_label(doc, &r.label);
                let help = match (swallowed_line, near) {
                    (Some(line), _) => format!(
                        "line {line} is meant as its definition but is read as paragraph text: put a blank line before it and check its target"
                    ),
                    (None, Some(label)) => format!("did you mean `[{label}]`?"),
                    (None, None) if r.label.contains("://") => {
                        "the label is an address: write the link inline, `[text](address)`"
                            .to_string()
                    }
                    (None, None) => format!(
                        "add a definition `[{}]: target`, or write the link inline",
                        r.label
                    ),
                };
                ReferenceCandidate {
                    label: label_key(&r.label),
                    split: split_label(doc, r, &defined),
                    broken: BrokenReference {
                        span: label_span(doc, r),
                        message: format!("reference `[{}]` has no definition", r.label),
                        help,
                    },
                }
            })
        })
        .collect()
}

/// For a shortcut `r` followed, after a space or a line break, by a `[label]`: that
/// label's key, and whether it is among the labels `doc` defines (`defined`).
fn split_label(
    doc: &Document,
    r: &UnresolvedReference,
    defined: &HashSet<String>,
) -> Option<(String, bool)> {
    if r.form != ReferenceForm::Shortcut {
        return None;
    }
    let c = PYTHON_MARKDOWN_GAP.captures(&doc.text[r.span.end..])?;
    let label = label_key(&c[1]);
    let here = defined.contains(&label);
    Some((label, here))
}

/// `a[i][j]`, `=[cpu=100m][,][memory=100Mi]`, `[Slow] [Disruptive][Feature:X]`: brackets
/// used as notation (indexing, option syntax, test tags), which read as references only
/// by accident.
fn notation(doc: &Document, r: &UnresolvedReference) -> bool {
    // Emphasis and inline tags do not separate: `*identifier*[*i*][*j*]`, `<em>x</em>[a][b]`.
    let line_start = doc.text[..r.span.start].rfind('\n').map_or(0, |i| i + 1);
    let line_before = &doc.text[line_start..r.span.start];
    let before = TRAILING_MARKUP.replace(line_before, "").chars().next_back();
    let after = doc.text[r.span.end..].trim_start_matches([' ', '\t']);
    let text = doc.text[r.span.clone()]
        .trim_start_matches('[')
        .split("][")
        .next()
        .unwrap_or_default();
    let spaced = line_before.trim_end_matches([' ', '\t']);
    let after_brackets = spaced.ends_with(']') && !TASK_BOX.is_match(spaced);
    before.is_some_and(|c| c.is_alphanumeric() || matches!(c, '_' | ']' | '=' | ')'))
        || after.starts_with('[')
        || after_brackets
        || TAG.is_match(text)
        || TAG.is_match(&r.label)
        || DOTTED.is_match(&r.label)
}

/// Where the label is written: `[label]` in `[text][label]`, `[label]` in `[label][]`.
fn label_span(doc: &Document, r: &UnresolvedReference) -> Range<usize> {
    let written = &doc.text[r.span.clone()];
    match r.form {
        ReferenceForm::Full => r.span.start + written.rfind('[').unwrap_or(0)..r.span.end,
        ReferenceForm::Collapsed => r.span.start..r.span.end - written.ends_with("[]") as usize * 2,
        ReferenceForm::Shortcut => r.span.clone(),
    }
}

fn alone_on_line(doc: &Document, r: &UnresolvedReference) -> bool {
    let line_start = doc.text[..r.span.start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = doc.text[r.span.end..]
        .find('\n')
        .map_or(doc.text.len(), |i| r.span.end + i);
    doc.text[line_start..r.span.start].trim().is_empty()
        && doc.text[r.span.end..line_end].trim().is_empty()
}

/// Lines shaped like a definition that CommonMark reads as paragraph text: where they
/// start, and their label.
fn swallowed_definitions(doc: &Document) -> Vec<(usize, String)> {
    DEFINITION_LINE
        .captures_iter(&doc.text)
        .map(|c| (c.get(0).unwrap().start(), c[1].to_string()))
        .map(|(at, label)| (at + doc.text[at..].find('[').unwrap_or(0), label))
        .filter(|(at, _)| {
            doc.unresolved_references
                .iter()
                .any(|r| r.span.start == *at && r.form == ReferenceForm::Shortcut)
        })
        .collect()
}

/// The label of a definition in `doc` that `label` nearly matches: the same letters and
/// digits (`reference-level explanation`, `reference-level-explanation`), or a long label
/// one or two letters away (`KRM Function Specification`, `KRM Functions Specification`;
/// not `issue 20671` and `Issue 20021`, two different numbers).
fn nearest_label<'d>(doc: &'d Document, label: &str) -> Option<&'d str> {
    let key = letters_and_digits(label);
    let digits = |s: &str| s.chars().filter(char::is_ascii_digit).collect::<String>();
    doc.definitions
        .iter()
        .map(|d| {
            let other = letters_and_digits(&d.label);
            (strsim::levenshtein(&key, &other), d.label.as_str(), other)
        })
        .filter(|(distance, _, other)| {
            *distance == 0
                || (key.chars().count().min(other.chars().count()) >= 10
                    && *distance <= 2
                    && digits(&key) == digits(other))
        })
        .min_by_key(|(distance, _, _)| *distance)
        .map(|(_, label, _)| label)
}

fn letters_and_digits(label: &str) -> String {
    label
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}
