//! Whether an `XXX` stand-in (`DEP-XXX`, `RUN-NNN`) fills the place of one entry,
//! and is then an unfilled placeholder, or names its ID family (`the LL-XXX prefix`,
//! `BR-XXX, UJ-XXX, etc.`), and is then ordinary text (SPEC section 2).
//!
//! The criterion is part of the `placeholder` rule's documentation
//! (`sot explain placeholder`): a declaring field, heading or table column; words right
//! before or after the stand-in; or a list of stand-ins of several prefixes. A link
//! whose text is the stand-in is judged by the words around the whole link.

use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;
use sot_registry::Registry;
use sot_syntax::{id_tokens, Document, Link};

use crate::TextFacts;

/// Words after a stand-in that make it speak of the family (`the LL-XXX prefix`).
static WORD_AFTER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)^[\s*_`'\x22)\]]*(?:,\s*)?(?:prefix|prefixes|formats?|patterns?|style|series|family|families|ids|identifiers|numbering|numbers|schemes?|conventions?|entries|etc)\b",
    )
    .unwrap()
});
/// Words before a stand-in that make it an example of the family (`IDs look like DEP-XXX`).
static WORDS_BEFORE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)\b(?:prefix|prefixes|formats?|patterns?|style|form|schemes?|conventions?|numbering|named|like|such as|e\.g|eg|for example|for instance)\.?[\s*_`'\x22(:,]*$",
    )
    .unwrap()
});
/// What may stand between two items of a list, after an optional parenthesised note
/// (`DEP-XXX (Deployment), RUN-XXX`).
static LIST_GAP: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)^[\s*_`'\x22]*(?:\([^()]*\))?\s*(?:,|;|/|&|,?\s*\band\b|,?\s*\bor\b)[\s*_`'\x22]*$",
    )
    .unwrap()
});
/// A heading about the ID family: prefixes, numbering, or the ID format.
static FAMILY_HEADING: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(?:prefix|prefixes|numbering)\b|\b(?:ids?|identifiers?)\b.*\b(?:formats?|conventions?|schemes?|patterns?|naming)\b|\b(?:formats?|conventions?|schemes?|patterns?|naming)\b.*\b(?:ids?|identifiers?)\b")
        .unwrap()
});
/// A table header or row label that describes IDs rather than naming entries.
static FAMILY_CELL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(?:prefix|prefixes|formats?|patterns?|schemes?|conventions?|numbering)\b")
        .unwrap()
});
static TABLE_DELIMITER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\s*\|?\s*:?-+:?\s*(?:\|\s*:?-+:?\s*)*\|?\s*$").unwrap());

/// The end of a paragraph, CRLF line endings included.
static BLANK_LINE: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\n[ \t\r]*\n").unwrap());

/// How far around a stand-in the words that describe it are looked for, in bytes.
const WINDOW: usize = 200;

/// Whether the stand-in written at `span` of `doc` names its ID family rather than
/// standing for one entry.
pub fn names_family(doc: &Document, span: Range<usize>) -> bool {
    let span = link_around(doc, &span).map_or(span, |l| l.span.range());
    in_prefix_field(doc, span.start)
        || under_family_heading(doc, span.start)
        || in_family_table_cell(&doc.text, span.clone())
        || has_family_words(&doc.text, span.clone())
        || in_list_of_families(&doc.text, span)
}

/// Whether the text of `link` (link `i` of its document) is a stand-in for one entry of a known prefix: such a link is
/// reported as a `placeholder`, not also as a broken link or anchor.
pub fn is_entry_stand_in_link(facts: &TextFacts, i: usize, link: &Link, reg: &Registry) -> bool {
    facts
        .stand_in_link(i)
        .is_some_and(|prefix| reg.is_known(prefix) && !facts.names_family(&link.span.range()))
}

/// The link whose whole text is the token at `span`.
fn link_around<'d>(doc: &'d Document, span: &Range<usize>) -> Option<&'d Link> {
    doc.links.iter().find(|l| {
        l.text_span.range().start <= span.start
            && span.end <= l.text_span.range().end
            && l.text.trim() == &doc.text[span.clone()]
    })
}

/// `**ID Prefixes**: DEP-XXX (Deployment), RUN-XXX (Runbooks)`.
fn in_prefix_field(doc: &Document, offset: usize) -> bool {
    let Some(h) = doc.section_of(offset) else {
        return false;
    };
    doc.headings[h].fields.iter().any(|f| {
        f.name.to_lowercase().contains("prefix")
            && f.value_span.start <= offset
            && offset < f.value_span.end
    })
}

/// Under `## ID Prefixes` or `## ID format`, or a sub-heading of one. An entry's
/// heading (`## DEP-007: ID format migration`) is about that one entry.
fn under_family_heading(doc: &Document, offset: usize) -> bool {
    let Some(mut h) = doc.section_of(offset) else {
        return false;
    };
    loop {
        let heading = &doc.headings[h];
        let names_entry = id_tokens(&heading.text)
            .first()
            .is_some_and(|t| t.span.start == 0);
        if !names_entry && FAMILY_HEADING.is_match(&heading.text) {
            return true;
        }
        match doc.headings[..h]
            .iter()
            .rposition(|p| p.level < heading.level)
        {
            Some(parent) => h = parent,
            None => return false,
        }
    }
}

/// A cell under a `Prefix` or `Format` column, or in a row labelled so.
fn in_family_table_cell(text: &str, span: Range<usize>) -> bool {
    let line_start = text[..span.start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[span.end..]
        .find('\n')
        .map_or(text.len(), |i| span.end + i);
    let row = &text[line_start..line_end];
    if !row.contains('|') || TABLE_DELIMITER.is_match(row) {
        return false;
    }
    // The header is the row above the delimiter row that opens the table.
    let mut above = text[..line_start].lines().rev();
    let header = loop {
        match above.next() {
            Some(line) if TABLE_DELIMITER.is_match(line) => break above.next(),
            Some(line) if line.contains('|') => continue,
            _ => break None,
        }
    };
    let Some(header) = header else {
        return false;
    };
    let column = cells(&text[line_start..span.start]).len() - 1;
    let label = (column > 0).then(|| cells(row)[0]);
    let title = cells(header).get(column).copied();
    label
        .into_iter()
        .chain(title)
        .any(|c| FAMILY_CELL.is_match(c))
}

/// The cells of a table row, without the optional outer pipes.
fn cells(row: &str) -> Vec<&str> {
    let row = row.trim_start();
    let row = row.strip_prefix('|').unwrap_or(row);
    row.split('|').collect()
}

fn has_family_words(text: &str, span: Range<usize>) -> bool {
    let (before, after) = paragraph_around(text, span);
    WORD_AFTER.is_match(after) || WORDS_BEFORE.is_match(before)
}

/// `BR-XXX, UJ-XXX, etc.`: stand-ins of several prefixes listed together name families.
fn in_list_of_families(text: &str, span: Range<usize>) -> bool {
    let (before, after) = paragraph_around(text, span.clone());
    let from = span.start - before.len();
    let window = &text[from..span.end + after.len()];
    let tokens = id_tokens(window);
    let Some(me) = tokens
        .iter()
        .position(|t| from + t.span.start >= span.start)
    else {
        return false;
    };
    let listed = |a: usize, b: usize| {
        tokens[a].is_placeholder()
            && tokens[b].is_placeholder()
            && LIST_GAP.is_match(&window[tokens[a].span.end..tokens[b].span.start])
    };
    let mut first = me;
    while first > 0 && listed(first - 1, first) {
        first -= 1;
    }
    let mut last = me;
    while last + 1 < tokens.len() && listed(last, last + 1) {
        last += 1;
    }
    let mut prefixes: Vec<&str> = tokens[first..=last]
        .iter()
        .map(|t| t.prefix.as_str())
        .collect();
    prefixes.sort_unstable();
    prefixes.dedup();
    prefixes.len() >= 2
}

/// The text of the same paragraph before and after `span`, at most [`WINDOW`] bytes each.
fn paragraph_around(text: &str, span: Range<usize>) -> (&str, &str) {
    let mut start = span.start.saturating_sub(WINDOW);
    while !text.is_char_boundary(start) {
        start += 1;
    }
    let mut end = (span.end + WINDOW).min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let before = &text[start..span.start];
    let before = BLANK_LINE
        .find_iter(before)
        .last()
        .map_or(before, |m| &before[m.end()..]);
    let after = &text[span.end..end];
    let after = BLANK_LINE
        .find(after)
        .map_or(after, |m| &after[..m.start()]);
    (before, after)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Whether the first `XXX`/`NNN` stand-in of `markdown` names its family.
    fn family(markdown: &str) -> bool {
        let doc = Document::parse("t.md", markdown.to_string());
        let tok = id_tokens(markdown)
            .into_iter()
            .find(|t| t.is_placeholder())
            .expect("a stand-in");
        names_family(&doc, tok.span)
    }

    #[test]
    fn family_mentions() {
        for text in [
            "Lessons use the LL-XXX prefix.",
            "Cross-references: BR-XXX, UJ-XXX, etc.",
            "IDs look like DEP-XXX.",
            "Add DEP-XXX entries below the index.",
            "Use DEP-XXX format for new procedures.",
            "Number them in the RUN-NNN pattern.",
            "Runbooks (e.g. RUN-XXX) live in one file.",
            "Link runbooks, such as **RUN-XXX**, from the procedure.",
            "IDs take the form DEP-NNN.",
            "Prefixes: DEP-XXX (Deployment), RUN-XXX (Runbooks).",
            "**ID Prefixes**: DEP-XXX (Deployment)\n",
            "## ID prefixes\n\nDeployments take DEP-XXX.\n",
            "## ID format\n\n### Deployments\n\nWrite DEP-XXX.\n",
            "| Prefix | Document |\n|---|---|\n| DEP-XXX | SoT.DEPLOYMENT.md |\n",
            "| Key | Value |\n|---|---|\n| ID format | DEP-XXX |\n",
            "Runbooks take the\nRUN-XXX prefix.",
        ] {
            assert!(family(text), "{text}");
        }
    }

    #[test]
    fn entry_stand_ins() {
        for text in [
            "- [DEP-XXX](#dep-xxx) - {Procedure}",
            "**Related**: RUN-XXX\n",
            "| Date | ID | Change |\n|---|---|---|\n| 2024-01-01 | DEP-XXX | Created |\n",
            "Smoke tests follow TEST-XXX until the suite exists.",
            "See the DEP-XXX entry.",
            "Related: DEP-XXX and DEP-XXX.",
            "## DEP-XXX: {Procedure name}",
            "## ID prefixes\n\nText.\n\n## Rollout\n\nFollow RUN-XXX.\n",
            "## DEP-007: ID format migration\n\n**Related**: RUN-XXX\n",
            "The prefix list is long.\n\nFollow RUN-XXX.",
            "Follow RUN-XXX\r\n\r\nPrefixes are listed below.",
        ] {
            assert!(!family(text), "{text}");
        }
    }
}
