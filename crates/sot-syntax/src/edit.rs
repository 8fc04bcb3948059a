//! Text edits by byte span: what `--fix`, `sot rename` and `sot mv` change in a
//! document, merged per file before anything is written.

use std::fmt;
use std::ops::Range;

/// The bytes at `span` of a document's text (its BOM removed, as every span in a
/// [`crate::Document`]) replaced by `text`. An empty span inserts; an empty `text`
/// deletes.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Edit {
    pub span: Range<usize>,
    pub text: String,
}

impl Edit {
    pub fn new(span: Range<usize>, text: impl Into<String>) -> Edit {
        Edit {
            span,
            text: text.into(),
        }
    }

    /// Whether applying both would be ambiguous: they share a byte, or both insert at
    /// one point, or one inserts inside the other's span. Edits that only touch
    /// (`0..3` and `3..5`) do not overlap.
    pub fn overlaps(&self, other: &Edit) -> bool {
        let (a, b) = (&self.span, &other.span);
        if a.is_empty() && b.is_empty() {
            return a.start == b.start;
        }
        if a.is_empty() {
            return b.start < a.start && a.start < b.end;
        }
        if b.is_empty() {
            return a.start < b.start && b.start < a.end;
        }
        a.start < b.end && b.start < a.end
    }
}

/// Why edits could not be applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EditError {
    /// Two edits overlap: which one of them wins is not for the engine to guess.
    Overlap(Range<usize>, Range<usize>),
    /// A span that ends past the text or does not fall on character boundaries.
    OutOfBounds(Range<usize>),
}

impl fmt::Display for EditError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EditError::Overlap(a, b) => write!(f, "edits at bytes {a:?} and {b:?} overlap"),
            EditError::OutOfBounds(s) => {
                write!(f, "an edit at bytes {s:?} does not fit the text")
            }
        }
    }
}

impl std::error::Error for EditError {}

/// `text` with every edit applied, in any order given; nothing is applied when two
/// overlap or one does not fit.
pub fn apply(text: &str, edits: &[Edit]) -> Result<String, EditError> {
    let mut sorted: Vec<&Edit> = edits.iter().collect();
    sorted.sort_by_key(|e| (e.span.start, e.span.end));
    for e in &sorted {
        let fits = e.span.start <= e.span.end
            && text.is_char_boundary(e.span.start)
            && text.is_char_boundary(e.span.end)
            && e.span.end <= text.len();
        if !fits {
            return Err(EditError::OutOfBounds(e.span.clone()));
        }
    }
    for pair in sorted.windows(2) {
        if pair[0].overlaps(pair[1]) {
            return Err(EditError::Overlap(
                pair[0].span.clone(),
                pair[1].span.clone(),
            ));
        }
    }
    let grown: usize = sorted.iter().map(|e| e.text.len()).sum();
    let mut out = String::with_capacity(text.len() + grown);
    let mut at = 0;
    for e in sorted {
        out.push_str(&text[at..e.span.start]);
        out.push_str(&e.text);
        at = e.span.end;
    }
    out.push_str(&text[at..]);
    Ok(out)
}

/// `replacement` with its line breaks written as `text` writes most of its own
/// (`\r\n` in a CRLF file), so an edit never mixes line endings into a file.
pub fn with_line_endings_of(text: &str, replacement: &str) -> String {
    let crlf = text.matches("\r\n").count();
    let normalized = replacement.replace("\r\n", "\n");
    if crlf * 2 > text.matches('\n').count() {
        normalized.replace('\n', "\r\n")
    } else {
        normalized
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edits_apply_in_any_order_and_keep_the_rest() {
        let text = "see [DEP-1](a.md#dep-1-x) and [b](B.md)";
        let edits = [
            Edit::new(34..38, "b.md"),
            Edit::new(17..24, "dep-1-y"),
            Edit::new(0..0, "> "),
        ];
        assert_eq!(
            apply(text, &edits).unwrap(),
            "> see [DEP-1](a.md#dep-1-y) and [b](b.md)"
        );
        assert_eq!(apply(text, &[]).unwrap(), text);
    }

    #[test]
    fn overlapping_edits_are_refused_touching_ones_are_not() {
        let text = "abcdef";
        let touching = [Edit::new(0..3, "X"), Edit::new(3..6, "Y")];
        assert_eq!(apply(text, &touching).unwrap(), "XY");
        for (a, b) in [(1..4, 3..5), (2..2, 2..2), (1..5, 3..3), (0..6, 2..3)] {
            let edits = [Edit::new(a.clone(), "1"), Edit::new(b.clone(), "2")];
            assert!(
                matches!(apply(text, &edits), Err(EditError::Overlap(..))),
                "{a:?} {b:?}"
            );
        }
        // An insertion at either end of a replaced span only touches it.
        let edits = [
            Edit::new(1..3, "X"),
            Edit::new(3..3, "+"),
            Edit::new(1..1, "-"),
        ];
        assert_eq!(apply(text, &edits).unwrap(), "a-X+def");
    }

    #[test]
    fn spans_off_the_text_or_inside_a_character_are_refused() {
        assert!(matches!(
            apply("abc", &[Edit::new(2..9, "")]),
            Err(EditError::OutOfBounds(_))
        ));
        assert!(matches!(
            apply("é", &[Edit::new(1..2, "")]),
            Err(EditError::OutOfBounds(_))
        ));
    }

    #[test]
    fn replacements_follow_the_files_line_endings() {
        assert_eq!(with_line_endings_of("a\r\nb\r\n", "x\ny\r\n"), "x\r\ny\r\n");
        assert_eq!(with_line_endings_of("a\nb\n", "x\r\ny\n"), "x\ny\n");
    }
}
