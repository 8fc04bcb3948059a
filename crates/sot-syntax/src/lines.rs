//! Byte offsets to 1-based line and character columns.

/// Line starts of one text, for turning byte offsets into positions.
#[derive(Debug, Clone, Default)]
pub struct LineIndex {
    starts: Vec<usize>,
    /// Characters before every [`CHECKPOINT`]-th byte (rounded down to a character
    /// boundary), so a column on a line of megabytes costs one checkpoint's count, not
    /// the line's.
    checkpoints: Vec<(usize, usize)>,
}

/// Bytes between checkpoints: columns on shorter lines are counted directly.
const CHECKPOINT: usize = 4096;

/// A 1-based line and column; the column counts Unicode scalar values.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        let mut checkpoints = Vec::with_capacity(text.len() / CHECKPOINT + 1);
        let (mut at, mut chars) = (0, 0);
        while at < text.len() {
            checkpoints.push((at, chars));
            // A character is at most 4 bytes, so this is always past `at`.
            let next = floor_char_boundary(text, (at + CHECKPOINT).min(text.len()));
            chars += text[at..next].chars().count();
            at = next;
        }
        LineIndex {
            starts,
            checkpoints,
        }
    }

    /// Characters in `text[..offset]`, `offset` on a character boundary.
    fn chars_before(&self, text: &str, offset: usize) -> usize {
        let i = self.checkpoints.partition_point(|&(at, _)| at <= offset);
        let (at, chars) = i.checked_sub(1).map_or((0, 0), |i| self.checkpoints[i]);
        chars + text[at..offset].chars().count()
    }

    /// 0-based line number holding `offset`.
    pub fn line_of(&self, offset: usize) -> usize {
        self.starts.partition_point(|&s| s <= offset) - 1
    }

    pub fn line_count(&self) -> usize {
        self.starts.len()
    }

    pub fn position(&self, text: &str, offset: usize) -> Position {
        let offset = floor_char_boundary(text, offset.min(text.len()));
        let line = self.line_of(offset);
        let start = self.starts[line];
        let column = if offset - start <= CHECKPOINT {
            text[start..offset].chars().count()
        } else {
            self.chars_before(text, offset) - self.chars_before(text, start)
        } + 1;
        Position {
            line: line + 1,
            column,
        }
    }
}

fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_characters_and_ignore_crlf() {
        let text = "ab\r\nÜber x\n";
        let idx = LineIndex::new(text);
        assert_eq!(idx.position(text, 0), Position { line: 1, column: 1 });
        let x = text.find('x').unwrap();
        assert_eq!(idx.position(text, x), Position { line: 2, column: 6 });
    }

    #[test]
    fn columns_on_long_lines_count_the_same_characters() {
        let text = format!("# T\n{}x\n", "aé€😀".repeat(3000));
        let idx = LineIndex::new(&text);
        for (offset, _) in text.char_indices().step_by(997) {
            let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
            let column = text[line_start..offset].chars().count() + 1;
            assert_eq!(idx.position(&text, offset).column, column, "{offset}");
        }
        let x = text.find('x').unwrap();
        assert_eq!(
            idx.position(&text, x),
            Position {
                line: 2,
                column: 12001
            }
        );
    }
}
