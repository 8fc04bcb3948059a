//! What the rules read of a document's text, prose runs, comments, code blocks and
//! reference definitions, found once while the document is whole. A whole-workspace
//! run keeps these instead of the text, so a document can drop it after parsing.

use std::ops::Range;

use sot_syntax::{id_tokens, parse_id, Document, IdToken};

use crate::placeholders::Found;
use crate::references::{self, ReferenceCandidate};
use crate::rules::{hardcoded_secret, placeholder};
use crate::stand_ins::names_family;
use crate::suppression::{self, Parsed};
use crate::Settings;

/// The facts of one document. Findings among them point at document 0; the rules
/// give them their document's index.
#[derive(Debug, Default, Clone)]
pub struct TextFacts {
    /// Credentials `hardcoded-secret` reports: where, and its message.
    pub(crate) secrets: Vec<(Range<usize>, String)>,
    /// Every credential's hidden bytes, masked wherever another rule's message quotes
    /// them.
    pub(crate) secret_values: Vec<String>,
    pub(crate) suppression: Parsed,
    /// Placeholders in prose, visible HTML text and frontmatter values.
    pub(crate) placeholders: Vec<Found>,
    /// Template instruction comments.
    pub(crate) instruction_comments: Vec<Found>,
    /// References with no definition that are meant as links, before the labels other
    /// files define are known.
    pub(crate) references: Vec<ReferenceCandidate>,
    /// Spans of `XXX` stand-ins (tokens, and links whose text is one) that name their
    /// ID family, sorted.
    family_spans: Vec<Range<usize>>,
    /// Links whose text is an `XXX` stand-in (`[DEP-XXX](#dep-xxx-name)`), by index,
    /// with the stand-in's prefix.
    stand_in_links: Vec<(usize, String)>,
}

impl TextFacts {
    /// The facts of `doc`, a document the rules report on.
    pub fn of(doc: &Document, settings: &Settings) -> TextFacts {
        let (secrets, secret_values) = hardcoded_secret::found(doc);
        let (placeholders, instruction_comments) = placeholder::scan_text(settings, doc);
        let mut family_spans: Vec<Range<usize>> = stand_in_spans(doc)
            .filter(|span| names_family(doc, span.clone()))
            .collect();
        family_spans.sort_by_key(|r| (r.start, r.end));
        family_spans.dedup();
        TextFacts {
            secrets,
            secret_values,
            suppression: suppression::parse(0, doc),
            placeholders,
            instruction_comments,
            references: references::candidates(doc),
            family_spans,
            stand_in_links: doc
                .links
                .iter()
                .enumerate()
                .filter_map(|(i, l)| Some((i, stand_in(&l.text)?.prefix)))
                .collect(),
        }
    }

    /// Whether the document's text holds nothing the rules read (most documents'): the
    /// facts need not be kept.
    pub fn is_empty(&self) -> bool {
        self.secrets.is_empty()
            && self.secret_values.is_empty()
            && self.suppression.suppressions.is_empty()
            && self.suppression.mistakes.is_empty()
            && self.placeholders.is_empty()
            && self.instruction_comments.is_empty()
            && self.references.is_empty()
            && self.family_spans.is_empty()
            && self.stand_in_links.is_empty()
    }

    /// The prefix of the stand-in that is link `link`'s whole text, if it is one.
    pub(crate) fn stand_in_link(&self, link: usize) -> Option<&str> {
        self.stand_in_links
            .binary_search_by_key(&link, |(i, _)| *i)
            .ok()
            .map(|i| self.stand_in_links[i].1.as_str())
    }

    /// Whether the `XXX` stand-in at `span` names its ID family (see
    /// [`names_family`]).
    pub(crate) fn names_family(&self, span: &Range<usize>) -> bool {
        self.family_spans
            .binary_search_by_key(&(span.start, span.end), |r| (r.start, r.end))
            .is_ok()
    }
}

/// Every place an `XXX` stand-in may be judged: ID-shaped stand-ins in prose, also
/// without the head of a compound prefix (the registry reads `XY-DEP-XXX` as
/// `DEP-XXX` when only `DEP` is known), and links whose text is one.
fn stand_in_spans(doc: &Document) -> impl Iterator<Item = Range<usize>> + '_ {
    let tokens = doc.prose.iter().flat_map(move |run| {
        id_tokens(&doc.text[run.span.clone()])
            .into_iter()
            .filter(|t| t.is_placeholder())
            .flat_map(move |t| {
                let span = run.span.start + t.span.start..run.span.start + t.span.end;
                let tail = t
                    .prefix
                    .split_once('-')
                    .map(|(head, _)| span.start + head.len() + 1..span.end);
                std::iter::once(span).chain(tail)
            })
    });
    let links = doc
        .links
        .iter()
        .filter(|l| stand_in(&l.text).is_some())
        .map(|l| l.span.range());
    tokens.chain(links)
}

/// The `XXX` stand-in that `text` is, trimmed.
fn stand_in(text: &str) -> Option<IdToken> {
    parse_id(text.trim()).filter(IdToken::is_placeholder)
}
