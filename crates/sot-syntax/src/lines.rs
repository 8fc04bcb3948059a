//! Byte offsets to 1-based line and character columns.

/// Line starts of one text and where it holds multi-byte characters, for turning byte
/// offsets into positions without the text: a document that no longer holds its text
/// still places its findings. Offsets are kept in 32 bits, half the room: a document
/// is at most [`crate::MAX_LEN`] bytes.
#[derive(Debug, Clone, Default)]
pub struct LineIndex {
    starts: Vec<u32>,
    /// Runs of adjacent multi-byte characters of one width, in order: a column counts
    /// characters, so an offset becomes a character count by subtracting the bytes
    /// beyond the first of every character before it. Empty for ASCII text.
    wide: Vec<WideRun>,
    len: usize,
}

#[derive(Debug, Clone)]
struct WideRun {
    start: u32,
    end: u32,
    width: u32,
    /// Bytes beyond the first of the multi-byte characters before `start`.
    extra_before: u32,
}

/// A 1-based line and column; the column counts Unicode scalar values.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

impl LineIndex {
    /// The index of `text`, at most [`crate::MAX_LEN`] bytes.
    pub fn new(text: &str) -> Self {
        debug_assert!(text.len() <= crate::MAX_LEN);
        // Within MAX_LEN every offset fits.
        let offset = |i: usize| i as u32;
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| offset(i + 1)));
        let mut wide: Vec<WideRun> = Vec::new();
        if !text.is_ascii() {
            let mut extra = 0;
            for (at, ch) in text.char_indices() {
                let (at, width) = (offset(at), ch.len_utf8() as u32);
                if width == 1 {
                    continue;
                }
                match wide.last_mut() {
                    Some(run) if run.end == at && run.width == width => run.end += width,
                    _ => wide.push(WideRun {
                        start: at,
                        end: at + width,
                        width,
                        extra_before: extra,
                    }),
                }
                extra += width - 1;
            }
        }
        LineIndex {
            starts,
            wide,
            len: text.len(),
        }
    }

    /// The run of multi-byte characters that starts last at or before `offset`.
    fn run_before(&self, offset: u32) -> Option<&WideRun> {
        let i = self.wide.partition_point(|r| r.start <= offset);
        i.checked_sub(1).map(|i| &self.wide[i])
    }

    /// Characters before `offset`, a character boundary.
    fn chars_before(&self, offset: u32) -> u32 {
        let extra = self.run_before(offset).map_or(0, |r| {
            r.extra_before + (offset.min(r.end) - r.start) / r.width * (r.width - 1)
        });
        offset - extra
    }

    /// `offset` moved back to the start of the character it falls in.
    fn floor_char_boundary(&self, offset: u32) -> u32 {
        match self.run_before(offset) {
            Some(r) if offset < r.end => r.start + (offset - r.start) / r.width * r.width,
            _ => offset,
        }
    }

    /// 0-based line number holding `offset`.
    pub fn line_of(&self, offset: usize) -> usize {
        let offset = u32::try_from(offset).unwrap_or(u32::MAX);
        self.starts.partition_point(|&s| s <= offset) - 1
    }

    /// Drops the room left for growth.
    pub fn shrink_to_fit(&mut self) {
        self.starts.shrink_to_fit();
        self.wide.shrink_to_fit();
    }

    /// The length in bytes of the text indexed.
    pub fn text_len(&self) -> usize {
        self.len
    }

    pub fn line_count(&self) -> usize {
        self.starts.len()
    }

    pub fn position(&self, offset: usize) -> Position {
        // Past the end is at the end, which fits in 32 bits.
        let offset = self.floor_char_boundary(offset.min(self.len) as u32);
        let line = self.line_of(offset as usize);
        let column = self.chars_before(offset) - self.chars_before(self.starts[line]) + 1;
        Position {
            line: line + 1,
            column: column as usize,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_characters_and_ignore_crlf() {
        let text = "ab\r\nÜber x\n";
        let idx = LineIndex::new(text);
        assert_eq!(idx.position(0), Position { line: 1, column: 1 });
        let x = text.find('x').unwrap();
        assert_eq!(idx.position(x), Position { line: 2, column: 6 });
    }

    #[test]
    fn columns_on_long_lines_count_the_same_characters() {
        let text = format!("# T\n{}x\n", "aé€😀".repeat(3000));
        let idx = LineIndex::new(&text);
        for (offset, _) in text.char_indices().step_by(997) {
            let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
            let column = text[line_start..offset].chars().count() + 1;
            assert_eq!(idx.position(offset).column, column, "{offset}");
        }
        let x = text.find('x').unwrap();
        assert_eq!(
            idx.position(x),
            Position {
                line: 2,
                column: 12001
            }
        );
    }

    #[test]
    fn an_offset_inside_a_character_is_placed_at_the_character() {
        let text = "x 日本語 y\n€€ z";
        let idx = LineIndex::new(text);
        for offset in 0..=text.len() + 3 {
            let mut floor = offset.min(text.len());
            while !text.is_char_boundary(floor) {
                floor -= 1;
            }
            let line_start = text[..floor].rfind('\n').map_or(0, |i| i + 1);
            let expected = Position {
                line: text[..floor].matches('\n').count() + 1,
                column: text[line_start..floor].chars().count() + 1,
            };
            assert_eq!(idx.position(offset), expected, "{offset}");
        }
    }
}
