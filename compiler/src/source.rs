//! Source files, file ids and byte spans.
//!
//! Every node of the syntax tree and every diagnostic carries a [`Span`]: two
//! `u32` byte offsets plus the [`FileId`] of the file they point into. Lines
//! and columns are computed only when a diagnostic is rendered.

use serde::Serialize;

/// Index of a file in a [`SourceMap`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct FileId(pub u32);

/// A byte range `start..end` in one file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Span {
    pub file: FileId,
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub fn new(file: FileId, start: usize, end: usize) -> Span {
        // Files are limited to well below 4 GiB when they are loaded, so the
        // offsets always fit; saturate rather than wrap if that ever changes.
        let clamp = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        Span {
            file,
            start: clamp(start),
            end: clamp(end.max(start)),
        }
    }

    /// The smallest span covering both `self` and `other` (same file).
    pub fn to(self, other: Span) -> Span {
        Span {
            file: self.file,
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }

    pub fn len(self) -> usize {
        (self.end - self.start) as usize
    }

    pub fn is_empty(self) -> bool {
        self.end == self.start
    }

    pub fn range(self) -> std::ops::Range<usize> {
        self.start as usize..self.end as usize
    }
}

/// Where a file comes from; decides how its name is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Origin {
    /// A `.prod` file of the project.
    Manifest,
    /// A file imported with `payloads from`.
    Import,
    /// The project's `Prod.toml`.
    Config,
    /// A file of the embedded standard library.
    Std,
    /// A template of an emitted artifact, built in or overridden.
    Template,
}

/// One loaded file: its project-relative name (with `/` separators) and text.
#[derive(Debug, Clone)]
pub struct SourceFile {
    pub name: String,
    pub text: String,
    pub origin: Origin,
    /// Where each line starts, computed on first use: only files with a
    /// diagnostic (or an editor asking for positions) need it, and the
    /// index of a large tag file costs memory and time.
    line_starts: std::sync::OnceLock<Vec<u32>>,
    /// How many characters precede every [`CHECKPOINT`]-th byte, computed
    /// on first use: a column on a long line is then counted from the
    /// checkpoint before it, not from the line's start, so that the
    /// columns of many diagnostics on one line of megabytes cost each the
    /// same small amount.
    char_checkpoints: std::sync::OnceLock<Vec<u32>>,
}

/// Distance in bytes between two checkpoints of [`SourceFile::line_col`].
const CHECKPOINT: usize = 1024;

#[cfg(test)]
thread_local! {
    /// Bytes of text counted through by `line_col` on this thread.
    static SCANNED: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// The characters in `text`, counted as the bytes that start one; the
/// tests bound the total scanned.
fn count_chars(text: &[u8]) -> usize {
    #[cfg(test)]
    SCANNED.with(|s| s.set(s.get() + text.len()));
    text.iter().filter(|&&b| (b as i8) >= -0x40).count()
}

impl SourceFile {
    pub fn new(name: impl Into<String>, text: impl Into<String>, origin: Origin) -> SourceFile {
        SourceFile {
            name: name.into(),
            text: text.into(),
            origin,
            line_starts: std::sync::OnceLock::new(),
            char_checkpoints: std::sync::OnceLock::new(),
        }
    }

    fn line_starts(&self) -> &[u32] {
        self.line_starts.get_or_init(|| {
            let mut starts = vec![0u32];
            starts.extend(
                self.text
                    .bytes()
                    .enumerate()
                    .filter(|&(_, b)| b == b'\n')
                    .map(|(i, _)| u32::try_from(i + 1).unwrap_or(u32::MAX)),
            );
            starts
        })
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, offset: u32) -> (usize, usize) {
        let offset = offset.min(u32::try_from(self.text.len()).unwrap_or(u32::MAX));
        let line = self.line_index(offset as usize);
        let start = self.line_starts()[line] as usize;
        let end = floor_char_boundary(&self.text, offset as usize).max(start);
        let column = if end - start <= CHECKPOINT {
            count_chars(&self.text.as_bytes()[start..end])
        } else {
            self.chars_before(end) - self.chars_before(start)
        };
        (line + 1, column + 1)
    }

    /// The number of characters before the byte `offset`, from the
    /// checkpoint before it: at most [`CHECKPOINT`] bytes are counted.
    fn chars_before(&self, offset: usize) -> usize {
        let bytes = self.text.as_bytes();
        let checkpoints = self.char_checkpoints.get_or_init(|| {
            bytes
                .chunks(CHECKPOINT)
                .scan(0u32, |before, chunk| {
                    let at = *before;
                    let n = u32::try_from(count_chars(chunk)).unwrap_or(u32::MAX);
                    *before = before.saturating_add(n);
                    Some(at)
                })
                .collect()
        });
        let k = offset / CHECKPOINT;
        match checkpoints.get(k) {
            Some(&before) => before as usize + count_chars(&bytes[k * CHECKPOINT..offset]),
            // `offset` is the end of a text whose length is a multiple of
            // the checkpoint distance.
            None => count_chars(bytes),
        }
    }

    /// The byte offset of a 1-based line and column (clamped to the text).
    pub fn offset(&self, line: usize, column: usize) -> usize {
        let start = self.line_start(line.saturating_sub(1));
        let rest = &self.text[start..];
        let line_text = rest.split('\n').next().unwrap_or("");
        start
            + line_text
                .char_indices()
                .nth(column.saturating_sub(1))
                .map_or(line_text.len(), |(i, _)| i)
    }

    /// The byte offset where the 0-based `line` starts (clamped).
    pub fn line_start(&self, line: usize) -> usize {
        let starts = self.line_starts();
        starts[line.min(starts.len() - 1)] as usize
    }

    /// The number of lines: one more than the number of line feeds.
    pub fn line_count(&self) -> usize {
        self.line_starts().len()
    }

    /// The bytes of the 0-based `line` (clamped), its line feed included.
    pub fn line_range(&self, line: usize) -> std::ops::Range<usize> {
        let starts = self.line_starts();
        let line = line.min(starts.len() - 1);
        let end = starts
            .get(line + 1)
            .map_or(self.text.len(), |&next| next as usize);
        starts[line] as usize..end
    }

    /// The 0-based line holding a byte offset.
    pub fn line_index(&self, offset: usize) -> usize {
        let offset = u32::try_from(offset).unwrap_or(u32::MAX);
        match self.line_starts().binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        }
    }

    /// The text of a span, or "" when it does not lie on char boundaries.
    pub fn slice(&self, span: Span) -> &str {
        self.text.get(span.range()).unwrap_or("")
    }
}

fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// All files of one compilation, addressed by [`FileId`].
#[derive(Debug, Clone, Default)]
pub struct SourceMap {
    files: Vec<SourceFile>,
}

impl SourceMap {
    pub fn new() -> SourceMap {
        SourceMap::default()
    }

    pub fn add(&mut self, file: SourceFile) -> FileId {
        let id = FileId(u32::try_from(self.files.len()).expect("fewer than 4 billion files"));
        self.files.push(file);
        id
    }

    pub fn get(&self, id: FileId) -> &SourceFile {
        &self.files[id.0 as usize]
    }

    pub fn files(&self) -> impl Iterator<Item = (FileId, &SourceFile)> {
        self.files
            .iter()
            .enumerate()
            .map(|(i, f)| (FileId(i as u32), f))
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_from_one_and_in_characters() {
        let f = SourceFile::new("a.prod", "ab\nµc\n", Origin::Manifest);
        assert_eq!(f.line_col(0), (1, 1));
        assert_eq!(f.line_col(3), (2, 1));
        // `c` follows the two-byte `µ`: byte 5, character column 2.
        assert_eq!(f.line_col(5), (2, 2));
        assert_eq!(f.line_col(100), (3, 1));
    }

    /// The column as the characters between the line's start and the
    /// offset, counted from the start of the line every time.
    fn naive_line_col(text: &str, offset: usize) -> (usize, usize) {
        let offset = floor_char_boundary(text, offset);
        let start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
        let line = text[..offset].matches('\n').count();
        (line + 1, text[start..offset].chars().count() + 1)
    }

    #[test]
    fn line_col_equals_the_naive_count_on_long_mixed_lines() {
        // SplitMix64, so that a failure names its case.
        let mut state = 0x1234_5678_u64;
        let mut next = move || {
            state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = state;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            (z ^ (z >> 31)) as usize
        };
        let pieces = ["a", "µ", "§", "日本", "😀", "\n", "xyz", "\r\n"];
        for case in 0..40 {
            let len = [10, 5000, 20_000, 3 * CHECKPOINT][case % 4];
            let newline_odds = [3, 50, 100_000][case % 3];
            let mut text = String::new();
            while text.len() < len {
                let piece = pieces[next() % pieces.len()];
                if piece.contains('\n') && next() % newline_odds != 0 {
                    continue;
                }
                text.push_str(piece);
            }
            let f = SourceFile::new("a.prod", text.as_str(), Origin::Manifest);
            let mut offsets: Vec<usize> = (0..200).map(|_| next() % (text.len() + 2)).collect();
            offsets.extend([
                0,
                text.len(),
                CHECKPOINT,
                CHECKPOINT - 1,
                2 * CHECKPOINT + 1,
            ]);
            for offset in offsets {
                let offset32 = u32::try_from(offset).expect("small");
                assert_eq!(
                    f.line_col(offset32),
                    naive_line_col(&text, offset.min(text.len())),
                    "case {case}, offset {offset}"
                );
            }
        }
    }

    #[test]
    fn columns_on_one_long_line_cost_a_bounded_amount_each() {
        let n = 100_000;
        let text = "aµ".repeat(1_000_000 / 3 * 2);
        let f = SourceFile::new("a.prod", text.as_str(), Origin::Manifest);
        SCANNED.with(|s| s.set(0));
        let step = text.len() / n;
        for i in 0..n {
            let (line, column) = f.line_col(u32::try_from(i * step).expect("small"));
            assert_eq!(line, 1);
            assert!(column >= 1);
        }
        let scanned = SCANNED.with(|s| s.get());
        // Once through the text for the checkpoints, then at most two
        // checkpoint distances a column; counting from the line's start
        // would scan n * len / 2 bytes, 50,000 times more.
        assert!(
            scanned <= text.len() + n * 2 * CHECKPOINT,
            "{scanned} bytes scanned for {n} columns"
        );
    }
}
