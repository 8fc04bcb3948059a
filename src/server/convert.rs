//! Between the protocol's positions (line and character, in UTF-16 code units unless
//! the client takes UTF-8) and the byte offsets every span of `sot` is made of.

use std::borrow::Cow;
use std::ops::Range;

use lsp_types::{Position, Range as LspRange};

/// How the client counts characters in a line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Utf16,
}

/// Where each line of a text starts, to turn offsets into positions and back.
pub struct Lines<'t> {
    text: Cow<'t, str>,
    starts: Vec<usize>,
}

impl<'t> Lines<'t> {
    pub fn new(text: impl Into<Cow<'t, str>>) -> Self {
        let text = text.into();
        let starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        Lines { text, starts }
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    /// The position of byte `offset` (clamped to the text, and to a character's start).
    pub fn position(&self, offset: usize, encoding: Encoding) -> Position {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.starts.partition_point(|&s| s <= offset) - 1;
        let before = &self.text[self.starts[line]..offset];
        Position::new(to_u32(line), to_u32(width(before, encoding)))
    }

    pub fn range(&self, span: &Range<usize>, encoding: Encoding) -> LspRange {
        LspRange::new(
            self.position(span.start, encoding),
            self.position(span.end.max(span.start), encoding),
        )
    }

    /// The byte offset of `position`; past a line's end is its end, past the last
    /// line is the end of the text.
    pub fn offset(&self, position: Position, encoding: Encoding) -> usize {
        let Some(&start) = self.starts.get(position.line as usize) else {
            return self.text.len();
        };
        let end = self
            .starts
            .get(position.line as usize + 1)
            .map_or(self.text.len(), |&next| next - 1);
        let line = &self.text[start..end];
        let line = line.strip_suffix('\r').unwrap_or(line);
        let mut units = 0;
        for (i, c) in line.char_indices() {
            if units >= position.character as usize {
                return start + i;
            }
            units += match encoding {
                Encoding::Utf8 => c.len_utf8(),
                Encoding::Utf16 => c.len_utf16(),
            };
        }
        start + line.len()
    }

    /// The position of a 1-based line and character column (as `sot` reports them).
    pub fn at_line_column(&self, line: usize, column: usize, encoding: Encoding) -> Position {
        let Some(&start) = self.starts.get(line.saturating_sub(1)) else {
            return self.position(self.text.len(), encoding);
        };
        let rest = &self.text[start..];
        let offset = rest
            .char_indices()
            .take_while(|&(_, c)| c != '\n')
            .nth(column.saturating_sub(1))
            .map_or_else(|| rest.find('\n').unwrap_or(rest.len()), |(i, _)| i);
        self.position(start + offset, encoding)
    }
}

fn width(s: &str, encoding: Encoding) -> usize {
    match encoding {
        Encoding::Utf8 => s.len(),
        Encoding::Utf16 => s.chars().map(char::len_utf16).sum(),
    }
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// Applies one change the client sent (`range`: `None` for the whole text).
pub fn apply_change(text: &mut String, range: Option<LspRange>, new: &str, encoding: Encoding) {
    match range {
        None => *text = new.to_string(),
        Some(range) => {
            let lines = Lines::new(text.as_str());
            let start = lines.offset(range.start, encoding);
            let end = lines.offset(range.end, encoding).max(start);
            drop(lines);
            text.replace_range(start..end, new);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf16_counts_astral_characters_twice() {
        let text = "a😀b\nčd\r\nend";
        let lines = Lines::new(text);
        let b = text.find('b').unwrap();
        assert_eq!(lines.position(b, Encoding::Utf16), Position::new(0, 3));
        assert_eq!(lines.position(b, Encoding::Utf8), Position::new(0, 5));
        assert_eq!(lines.offset(Position::new(0, 3), Encoding::Utf16), b);
        let d = text.find('d').unwrap();
        assert_eq!(lines.position(d, Encoding::Utf16), Position::new(1, 1));
        // Past the end of a CRLF line: before its `\r`.
        assert_eq!(
            lines.offset(Position::new(1, 9), Encoding::Utf16),
            text.find('\r').unwrap()
        );
        assert_eq!(
            lines.offset(Position::new(7, 0), Encoding::Utf16),
            text.len()
        );
        assert_eq!(
            lines.at_line_column(1, 3, Encoding::Utf16),
            Position::new(0, 3)
        );
    }

    #[test]
    fn changes_apply_in_order() {
        let mut text = "# Title\n\nbody\n".to_string();
        let at = |l, c| Position::new(l, c);
        apply_change(
            &mut text,
            Some(LspRange::new(at(2, 0), at(2, 4))),
            "text",
            Encoding::Utf16,
        );
        apply_change(
            &mut text,
            Some(LspRange::new(at(0, 2), at(0, 2))),
            "A ",
            Encoding::Utf16,
        );
        assert_eq!(text, "# A Title\n\ntext\n");
        apply_change(&mut text, None, "new", Encoding::Utf16);
        assert_eq!(text, "new");
    }
}
