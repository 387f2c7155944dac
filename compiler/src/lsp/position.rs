//! Positions: LSP `(line, character)` pairs and byte offsets.
//!
//! The compiler counts in bytes; LSP counts characters in UTF-16 code units
//! unless client and server agree on another encoding at initialisation
//! (`general.positionEncodings`). Every conversion clamps: a position past
//! the end of a line means its end, a line past the end of the text means
//! the end of the text, and an offset inside a character is moved back to
//! its start, so that no client input can make a conversion fail.

use lsp_types::{Position, PositionEncodingKind, Range};

/// How the `character` of a position counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Encoding {
    Utf8,
    /// The protocol's default.
    #[default]
    Utf16,
    Utf32,
}

impl Encoding {
    /// The encoding to use given what the client offers: UTF-8 when
    /// offered (offsets then need no counting), else UTF-16, which every
    /// client supports.
    pub fn negotiate(offered: Option<&[PositionEncodingKind]>) -> Encoding {
        let offered = offered.unwrap_or_default();
        if offered.contains(&PositionEncodingKind::UTF8) {
            Encoding::Utf8
        } else {
            Encoding::Utf16
        }
    }

    pub fn kind(self) -> PositionEncodingKind {
        match self {
            Encoding::Utf8 => PositionEncodingKind::UTF8,
            Encoding::Utf16 => PositionEncodingKind::UTF16,
            Encoding::Utf32 => PositionEncodingKind::UTF32,
        }
    }

    /// The width of one character in this encoding's units.
    fn width(self, c: char) -> u32 {
        match self {
            Encoding::Utf8 => c.len_utf8() as u32,
            Encoding::Utf16 => c.len_utf16() as u32,
            Encoding::Utf32 => 1,
        }
    }
}

/// The starts of the lines of a text, for converting positions.
#[derive(Debug, Clone)]
pub struct LineIndex<'a> {
    text: &'a str,
    starts: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    pub fn new(text: &'a str) -> LineIndex<'a> {
        let mut starts = vec![0];
        starts.extend(
            text.bytes()
                .enumerate()
                .filter(|&(_, b)| b == b'\n')
                .map(|(i, _)| i + 1),
        );
        LineIndex { text, starts }
    }

    /// The line holding a byte offset (0-based).
    fn line_of(&self, offset: usize) -> usize {
        match self.starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        }
    }

    /// The byte range of a line without its line break (`\n` or `\r\n`).
    fn line_range(&self, line: usize) -> (usize, usize) {
        let start = self.starts[line];
        let mut end = self
            .starts
            .get(line + 1)
            .map_or(self.text.len(), |&next| next - 1);
        if end > start && self.text.as_bytes().get(end - 1) == Some(&b'\r') {
            end -= 1;
        }
        (start, end)
    }

    /// The position of a byte offset.
    pub fn position(&self, offset: usize, encoding: Encoding) -> Position {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.line_of(offset);
        let start = self.starts[line];
        let character = match encoding {
            Encoding::Utf8 => (offset - start) as u32,
            _ => self.text[start..offset]
                .chars()
                .map(|c| encoding.width(c))
                .sum(),
        };
        Position::new(line as u32, character)
    }

    /// The byte offset of a position (clamped to its line and the text).
    pub fn offset(&self, position: Position, encoding: Encoding) -> usize {
        let line = position.line as usize;
        if line >= self.starts.len() {
            return self.text.len();
        }
        let (start, end) = self.line_range(line);
        let mut units = 0u32;
        for (i, c) in self.text[start..end].char_indices() {
            let width = encoding.width(c);
            // At the position, or inside this character: its start.
            if units + width > position.character {
                return start + i;
            }
            units += width;
        }
        end
    }

    pub fn range(&self, start: usize, end: usize, encoding: Encoding) -> Range {
        Range::new(self.position(start, encoding), self.position(end, encoding))
    }

    /// The byte range of an LSP range, in order.
    pub fn byte_range(&self, range: Range, encoding: Encoding) -> (usize, usize) {
        let a = self.offset(range.start, encoding);
        let b = self.offset(range.end, encoding);
        (a.min(b), a.max(b))
    }

    /// The position just past the end of the text.
    pub fn end(&self, encoding: Encoding) -> Position {
        self.position(self.text.len(), encoding)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf16_columns_count_surrogate_pairs_twice() {
        // `µ` is 2 bytes and 1 UTF-16 unit; `𝄞` is 4 bytes and 2 units.
        let text = "ab\nµ𝄞x\r\nlast";
        let index = LineIndex::new(text);
        let x = text.find('x').expect("x");
        assert_eq!(index.position(x, Encoding::Utf16), Position::new(1, 3));
        assert_eq!(index.position(x, Encoding::Utf8), Position::new(1, 6));
        assert_eq!(index.position(x, Encoding::Utf32), Position::new(1, 2));
        assert_eq!(index.offset(Position::new(1, 3), Encoding::Utf16), x);
        assert_eq!(index.offset(Position::new(1, 6), Encoding::Utf8), x);
        // Past the end of a line: its end, before `\r\n`.
        assert_eq!(index.offset(Position::new(1, 99), Encoding::Utf16), x + 1);
        // Past the last line: the end of the text.
        assert_eq!(
            index.offset(Position::new(9, 0), Encoding::Utf16),
            text.len()
        );
        // Inside a surrogate pair or a multi-byte character: its start.
        assert_eq!(index.offset(Position::new(1, 2), Encoding::Utf16), 5);
        assert_eq!(index.position(4, Encoding::Utf16), Position::new(1, 0));
        assert_eq!(index.end(Encoding::Utf16), Position::new(2, 4));
    }
}
