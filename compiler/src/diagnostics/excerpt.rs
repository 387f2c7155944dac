//! The part of a file a snippet shows, cut to a size that does not depend on
//! the file.
//!
//! The human renderer never hands a whole file to miette: it builds an
//! [`Excerpt`], a small text made of the lines around the labels, and tells
//! miette the real line number of each piece. Most lines are copied as they
//! are, so an ordinary snippet renders exactly as the file would. Three
//! kinds of line are changed on the way:
//!
//! - a line longer than twice the terminal width is cut to a window of
//!   about the width around its labels, with `…` where it was cut (a line
//!   of 10 MB would otherwise be printed whole, once per diagnostic);
//! - control and bidi characters are shown as their escapes ([`escape`]);
//! - a label over more than [`MAX_SPAN_LINES`] lines, or over a long line,
//!   is cut to its first line, and labels more than [`MAX_GAP`] lines apart
//!   get snippets of their own rather than one showing every line between.
//!
//! Labels far apart on one long line each get a window of their own: the
//! line is shown once for each, the primary label's window first. Label
//! offsets are moved into the excerpt, while line numbers and the column in
//! a snippet's header stay those of the real file. The work is a binary
//! search for each label's line plus a walk over at most a few windows'
//! worth of bytes per label: the cost of a snippet is bounded whatever the
//! length of its lines.
//!
//! [`escape`]: super::escape

use super::escape::{is_escaped, push_escape, shown_len};
use crate::source::SourceFile;

/// A label over more lines than this is shown on its first line only.
pub const MAX_SPAN_LINES: usize = 16;

/// Labels whose lines are at most this many lines apart share a snippet,
/// which shows the lines between; labels further apart get one each.
pub const MAX_GAP: usize = 16;

/// A line is cut when it is longer than this many times the width.
const LONG_FACTOR: usize = 2;

/// Columns a snippet's gutter takes (` 12345 │ ` and label bars).
const GUTTER: usize = 12;

/// The narrowest window, for terminals too narrow to have a useful one.
const MIN_WINDOW: usize = 24;

/// The text handed to miette and where the labels and lines are in it.
#[derive(Debug)]
pub struct Excerpt {
    pub text: String,
    /// Runs of consecutive lines, in order; miette reads each on its own.
    pub blocks: Vec<Block>,
    /// One for each label given, in the same order.
    pub labels: Vec<Placed>,
}

/// Consecutive lines of the file, copied into the excerpt.
#[derive(Debug, Clone, Copy)]
pub struct Block {
    /// Byte range in [`Excerpt::text`], the last line's line feed included.
    pub start: usize,
    pub end: usize,
    /// The 0-based line of the file the block starts with.
    pub first_line: usize,
}

/// A label moved into the excerpt.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Placed {
    /// Byte offset and length in [`Excerpt::text`].
    pub start: usize,
    pub len: usize,
    /// The label's column in the file, counted in bytes from the start of
    /// its line as miette counts it, for the snippet's header.
    pub column: usize,
}

impl Excerpt {
    /// The real column of the label that starts at `offset` of the excerpt.
    pub fn column_at(&self, offset: usize) -> Option<usize> {
        self.labels
            .iter()
            .find(|l| l.start == offset)
            .map(|l| l.column)
    }

    /// The block holding the excerpt bytes `start..end`, if one does.
    pub fn block_of(&self, start: usize, end: usize) -> Option<&Block> {
        let after = self.blocks.partition_point(|b| b.start <= start);
        // A block may end where the next starts; an empty span there
        // belongs to the earlier one, which holds its line.
        self.blocks[..after]
            .iter()
            .rev()
            .take(2)
            .find(|b| end <= b.end)
    }
}

/// Builds the excerpt of `file` for labels given as byte ranges (clamped to
/// the text here), `primary` being the index of the primary label if it is in
/// this file, for a terminal `width` columns wide.
pub fn excerpt(
    file: &SourceFile,
    labels: &[(usize, usize)],
    primary: Option<usize>,
    width: usize,
) -> Excerpt {
    let lines = Lines::new(file, width);
    let len = file.text.len();
    let labels: Vec<Label> = labels
        .iter()
        .map(|&(start, end)| {
            let start = start.min(len);
            lines.label(start, end.clamp(start, len))
        })
        .collect();
    let units = units(&lines, &labels, primary);
    let mut out = Excerpt {
        text: String::new(),
        blocks: Vec::new(),
        labels: vec![Placed::default(); labels.len()],
    };
    for unit in merged(units) {
        let block = BlockBuilder::write(&lines, &unit, &mut out.text);
        for &i in &unit.labels {
            out.labels[i] = block.place(&lines, &labels[i]);
        }
        out.blocks.push(Block {
            start: block.start,
            end: out.text.len(),
            first_line: unit.first,
        });
    }
    out
}

#[cfg(test)]
thread_local! {
    /// Bytes of the file read while building excerpts on this thread.
    static VISITED: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// Counts `n` bytes of the file read; the tests bound the total.
#[inline]
fn visit(n: usize) {
    #[cfg(test)]
    VISITED.with(|v| v.set(v.get() + n));
    let _ = n;
}

/// The lines of one file and the window width.
struct Lines<'a> {
    file: &'a SourceFile,
    text: &'a str,
    /// Columns of a window, the `…` marks included.
    window: usize,
    /// Lines with more columns than this are cut.
    long: usize,
}

/// One line: `start..end` is its text, `end..next` its line break.
#[derive(Debug, Clone, Copy)]
struct Line {
    index: usize,
    start: usize,
    end: usize,
    next: usize,
}

/// A label's byte range and lines, after cutting.
#[derive(Debug, Clone, Copy)]
struct Label {
    start: usize,
    end: usize,
    first: usize,
    last: usize,
}

impl<'a> Lines<'a> {
    fn new(file: &'a SourceFile, width: usize) -> Self {
        Lines {
            file,
            text: &file.text,
            window: width.saturating_sub(GUTTER).max(MIN_WINDOW),
            long: width.saturating_mul(LONG_FACTOR).max(MIN_WINDOW),
        }
    }

    fn line(&self, index: usize) -> Line {
        let range = self.file.line_range(index);
        let bytes = self.text.as_bytes();
        let mut end = range.end;
        if end > range.start && bytes[end - 1] == b'\n' {
            end -= 1;
            if end > range.start && bytes[end - 1] == b'\r' {
                end -= 1;
            }
        }
        Line {
            index,
            start: range.start,
            end,
            next: range.end,
        }
    }

    fn last_line(&self) -> usize {
        self.file.line_count() - 1
    }

    /// Whether a line is cut to a window: it has more columns than
    /// `self.long`. A line of more than four times as many bytes is long
    /// whatever they are (a character is at most four bytes) and is not
    /// read at all.
    fn is_long(&self, line: &Line) -> bool {
        let len = line.end - line.start;
        if len > self.long.saturating_mul(4) {
            return true;
        }
        visit(len);
        self.text[line.start..line.end]
            .chars()
            .map(columns)
            .sum::<usize>()
            > self.long
    }

    /// The label `start..end`, cut to its first line when it covers too
    /// many lines or a long one.
    fn label(&self, start: usize, end: usize) -> Label {
        let first = self.file.line_index(start);
        // A span ending just after a line feed ends on the line before,
        // as miette draws it.
        let last = if end > start {
            self.file.line_index(end - 1)
        } else {
            first
        };
        let cut = last > first
            && (last - first >= MAX_SPAN_LINES
                || (first..=last).any(|l| self.is_long(&self.line(l))));
        if cut {
            let line = self.line(first);
            Label {
                start,
                end: line.end.clamp(start, end),
                first,
                last: first,
            }
        } else {
            Label {
                start,
                end,
                first,
                last,
            }
        }
    }

    /// A window of the line's text around `anchor`, as byte offsets on
    /// character boundaries. With `back` set, the window starts at the
    /// line's start if the anchor is within half a window of it, else
    /// `back` columns before the anchor; without, at the anchor. It takes
    /// what is left of the width after the anchor, and more before it if
    /// the line ends first.
    fn window(&self, line: &Line, anchor: usize, back: usize) -> (usize, usize) {
        // Both `…` marks take a column.
        let budget = self.window.saturating_sub(2);
        let anchor = floor_boundary(self.text, anchor.clamp(line.start, line.end));
        let reach = if back > 0 { (budget / 2).max(back) } else { 0 };
        let (mut start, mut used) = self.back(line.start, anchor, reach);
        if start > line.start {
            (start, used) = self.back(line.start, anchor, back);
        }
        let mut end = anchor;
        for c in self.text[anchor..line.end].chars() {
            if used + columns(c) > budget {
                break;
            }
            used += columns(c);
            end += c.len_utf8();
        }
        if end == line.end {
            let (further, _) = self.back(line.start, start, budget - used);
            start = further;
        }
        visit(end - start);
        (start, end)
    }

    /// Walks back from `from` towards `limit` over at most `most` columns;
    /// returns where it stopped and the columns walked.
    fn back(&self, limit: usize, from: usize, most: usize) -> (usize, usize) {
        let mut at = from;
        let mut used = 0;
        for c in self.text[limit..from].chars().rev() {
            if used + columns(c) > most {
                break;
            }
            used += columns(c);
            at -= c.len_utf8();
        }
        visit(from - at);
        (at, used)
    }
}

/// The columns a character takes in a snippet. Tabs take up to four in
/// miette; wide characters are counted as one, which only narrows a window.
fn columns(c: char) -> usize {
    if c == '\t' {
        4
    } else if is_escaped(c) {
        shown_len(c)
    } else {
        1
    }
}

fn floor_boundary(text: &str, mut offset: usize) -> usize {
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

fn ceil_boundary(text: &str, mut offset: usize) -> usize {
    while !text.is_char_boundary(offset) {
        offset += 1;
    }
    offset
}

/// Lines shown together, and the labels on them.
#[derive(Debug)]
struct Unit {
    first: usize,
    last: usize,
    /// For each long line with labels, the line and the window shown of
    /// it, by line; other long lines are shown at the offsets of the
    /// nearest of these, or from their start.
    rows: Vec<(usize, usize, usize)>,
    labels: Vec<usize>,
}

/// One unit for each label on ordinary lines, and for each window of a
/// long line with labels.
fn units(lines: &Lines, labels: &[Label], primary: Option<usize>) -> Vec<Unit> {
    let context =
        |first: usize, last: usize| (first.saturating_sub(1), (last + 1).min(lines.last_line()));
    let mut units = Vec::new();
    // Labels on long lines, by line, the primary one first.
    let mut on_long: Vec<(usize, bool, usize, usize)> = Vec::new();
    for (i, label) in labels.iter().enumerate() {
        if label.first == label.last && lines.is_long(&lines.line(label.first)) {
            on_long.push((label.first, primary != Some(i), label.start, i));
        } else {
            let (first, last) = context(label.first, label.last);
            units.push(Unit {
                first,
                last,
                rows: Vec::new(),
                labels: vec![i],
            });
        }
    }
    on_long.sort_unstable();
    for group in on_long.chunk_by(|a, b| a.0 == b.0) {
        let line = lines.line(group[0].0);
        let mut left: Vec<usize> = group.iter().map(|g| g.3).collect();
        // The first window is around the primary label if it is on this
        // line (it sorts first), then around the leftmost label left.
        let mut anchor = left[0];
        while !left.is_empty() {
            let (start, end) = lines.window(&line, labels[anchor].start, lines.window / 4);
            let fits = |i: &usize| {
                let s = labels[*i].start;
                *i == anchor || (start <= s && (s < end || end == line.end))
            };
            let taken: Vec<usize> = left.iter().copied().filter(fits).collect();
            left.retain(|i| !fits(i));
            let (first, last) = context(line.index, line.index);
            units.push(Unit {
                first,
                last,
                rows: vec![(line.index, start, end)],
                labels: taken,
            });
            if let Some(&next) = left.iter().min_by_key(|&&i| labels[i].start) {
                anchor = next;
            }
        }
    }
    // By first line, then by the line and offset of the window.
    units.sort_by_key(|u| (u.first, u.rows.first().map_or((0, 0), |r| (r.0, r.1))));
    units
}

/// Joins units that overlap or are at most [`MAX_GAP`] lines apart, unless
/// both show a window of the same long line: that line is shown once for
/// each window.
fn merged(units: Vec<Unit>) -> Vec<Unit> {
    let mut out: Vec<Unit> = Vec::with_capacity(units.len());
    for unit in units {
        if let Some(prev) = out.last_mut() {
            let near = unit.first <= prev.last + 1 + MAX_GAP;
            // Units come sorted by first line and then row line, so the
            // rows of `prev` are in line order and one of the same line as
            // `unit`'s can only be its last.
            let same_row = match (prev.rows.last(), unit.rows.first()) {
                (Some(a), Some(b)) => a.0 == b.0,
                _ => false,
            };
            if near && !same_row {
                prev.last = prev.last.max(unit.last);
                prev.labels.extend(unit.labels);
                prev.rows.extend(unit.rows);
                continue;
            }
        }
        out.push(unit);
    }
    out
}

/// Where one line of a block went in the excerpt.
#[derive(Debug, Clone, Copy)]
struct Shown {
    line: Line,
    /// The part of the line's text shown.
    from: usize,
    to: usize,
    /// Whether that part is copied byte for byte.
    plain: bool,
    /// Excerpt offsets: the line's start (a `…` mark if it is cut at the
    /// left), where `from` went, and the end of the shown part with its `…`
    /// mark, where the line break follows.
    at: usize,
    from_at: usize,
    end_at: usize,
}

/// A block being written into the excerpt.
struct BlockBuilder {
    start: usize,
    shown: Vec<Shown>,
}

impl BlockBuilder {
    fn write(lines: &Lines, unit: &Unit, text: &mut String) -> BlockBuilder {
        let start = text.len();
        let mut shown = Vec::with_capacity(unit.last + 1 - unit.first);
        for index in unit.first..=unit.last {
            let line = lines.line(index);
            let nearest = unit.rows.iter().min_by_key(|r| r.0.abs_diff(index));
            let (from, to) = match nearest {
                Some(&(row, from, to)) if row == index => (from, to),
                _ if !lines.is_long(&line) => (line.start, line.end),
                Some(&(row, from, _)) => {
                    // A line beside a cut one is shown from the same offset.
                    let offset = from - lines.line(row).start;
                    lines.window(&line, line.start.saturating_add(offset), 0)
                }
                None => lines.window(&line, line.start, 0),
            };
            let source = &lines.text[from..to];
            visit(to - from + line.next - line.end);
            let plain = !source.chars().any(is_escaped);
            let at = text.len();
            if from > line.start {
                text.push('…');
            }
            let from_at = text.len();
            if plain {
                text.push_str(source);
            } else {
                for c in source.chars() {
                    if is_escaped(c) {
                        push_escape(text, c);
                    } else {
                        text.push(c);
                    }
                }
            }
            if to < line.end {
                text.push('…');
            }
            let end_at = text.len();
            text.push_str(&lines.text[line.end..line.next]);
            shown.push(Shown {
                line,
                from,
                to,
                plain,
                at,
                from_at,
                end_at,
            });
        }
        BlockBuilder { start, shown }
    }

    /// The excerpt offset of the file offset `offset`; `end` tells whether
    /// it ends a label (and so rounds up inside a character).
    fn offset(&self, lines: &Lines, offset: usize, end: bool) -> usize {
        // The block's lines are consecutive; a label's lines are among them.
        let index = lines.file.line_index(offset);
        let first = self.shown.first().map_or(index, |s| s.line.index);
        let at = index
            .saturating_sub(first)
            .min(self.shown.len().saturating_sub(1));
        let Some(shown) = self.shown.get(at) else {
            return self.start;
        };
        let line = &shown.line;
        if offset < shown.from {
            shown.at
        } else if offset <= shown.to {
            if shown.plain {
                shown.from_at + (offset - shown.from)
            } else {
                let offset = if end {
                    ceil_boundary(lines.text, offset)
                } else {
                    floor_boundary(lines.text, offset)
                };
                visit(offset - shown.from);
                shown.from_at
                    + lines.text[shown.from..offset]
                        .chars()
                        .map(shown_len)
                        .sum::<usize>()
            }
        } else if offset <= line.end {
            shown.end_at
        } else {
            shown.end_at + (offset.min(line.next) - line.end)
        }
    }

    fn place(&self, lines: &Lines, label: &Label) -> Placed {
        let start = self.offset(lines, label.start, false);
        let end = if label.end == label.start {
            start
        } else {
            self.offset(lines, label.end, true).max(start)
        };
        Placed {
            start,
            len: end - start,
            column: label.start - lines.line(label.first).start,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::Origin;

    fn file(text: &str) -> SourceFile {
        SourceFile::new("a.prod", text, Origin::Manifest)
    }

    fn visited(f: impl FnOnce()) -> usize {
        VISITED.with(|v| v.set(0));
        f();
        VISITED.with(|v| v.get())
    }

    #[test]
    fn ordinary_lines_are_copied_whole() {
        let f = file("skim a { kind = hlt }\nskim b { kind = hlt }\nskim c {}\n");
        let e = excerpt(&f, &[(27, 28), (5, 6)], Some(0), 100);
        assert_eq!(e.text, f.text);
        assert_eq!(e.blocks.len(), 1);
        assert_eq!(
            e.labels[0],
            Placed {
                start: 27,
                len: 1,
                column: 5
            }
        );
        assert_eq!(
            e.labels[1],
            Placed {
                start: 5,
                len: 1,
                column: 5
            }
        );
    }

    #[test]
    fn a_long_line_is_cut_around_its_label() {
        let long = format!("skim s {{ wg = \"{}\" kind = @ }}\n", "x".repeat(100_000));
        let at = long.find('@').expect("has @");
        let f = file(&format!("# before\n{long}# after\n"));
        let at = at + "# before\n".len();
        let e = excerpt(&f, &[(at, at + 1)], Some(0), 80);
        let placed = e.labels[0];
        assert_eq!(&e.text[placed.start..placed.start + placed.len], "@");
        assert_eq!(placed.column, at - "# before\n".len());
        let lines: Vec<&str> = e.text.lines().collect();
        assert_eq!(lines.len(), 3, "{}", e.text);
        assert_eq!(lines[0], "# before");
        assert!(
            lines[1].starts_with('…') && lines[1].ends_with("kind = @ }"),
            "{}",
            lines[1]
        );
        assert!(lines[1].chars().count() <= 80, "{}", lines[1]);
        assert_eq!(e.blocks[0].first_line, 0);
    }

    #[test]
    fn labels_far_apart_on_a_long_line_get_a_window_each() {
        let text = format!("a{}b{}c\n", " ".repeat(5000), " ".repeat(5000));
        let f = file(&text);
        let b = text.find('b').expect("b");
        let e = excerpt(
            &f,
            &[(b, b + 1), (0, 1), (text.len() - 2, text.len() - 1)],
            Some(0),
            80,
        );
        assert_eq!(e.blocks.len(), 3, "{}", e.text);
        for (label, want) in e.labels.iter().zip(["b", "a", "c"]) {
            assert_eq!(&e.text[label.start..label.start + label.len], want);
        }
        // The windows come in the order of the line, each a copy of line 1.
        assert!(e.labels[1].start < e.labels[0].start && e.labels[0].start < e.labels[2].start);
        assert!(e.blocks.iter().all(|b| b.first_line == 0));
    }

    #[test]
    fn controls_are_escaped_and_labels_follow() {
        let f = file("a\u{1b}[2Jb = \u{202e}x\n");
        let x = f.text.find('x').expect("x");
        let e = excerpt(&f, &[(x, x + 1), (1, 2)], Some(0), 80);
        assert_eq!(e.text, "a\\u{1b}[2Jb = \\u{202e}x\n");
        let shown = |p: Placed| &e.text[p.start..p.start + p.len];
        assert_eq!(shown(e.labels[0]), "x");
        assert_eq!(shown(e.labels[1]), "\\u{1b}");
        assert_eq!(e.labels[0].column, x);
    }

    #[test]
    fn a_label_over_many_lines_is_cut_to_its_first() {
        let text: String = (0..100).map(|i| format!("line {i}\n")).collect();
        let f = file(&text);
        let e = excerpt(&f, &[(2, text.len() - 3)], Some(0), 80);
        assert_eq!(e.text.lines().count(), 2, "{}", e.text);
        assert_eq!(e.labels[0].len, "line 0".len() - 2);
    }

    #[test]
    fn labels_far_apart_get_separate_blocks() {
        let text: String = (0..100).map(|i| format!("line {i}\n")).collect();
        let f = file(&text);
        let near = f.line_range(5).start;
        let far = f.line_range(90).start;
        let e = excerpt(&f, &[(0, 1), (near, near + 1), (far, far + 1)], Some(0), 80);
        assert_eq!(e.blocks.len(), 2);
        assert_eq!(e.blocks[1].first_line, 89);
        assert_eq!(e.text.lines().count(), 7 + 3);
    }

    #[test]
    fn the_work_does_not_grow_with_the_line() {
        let width = 80;
        for len in [10_000, 1_000_000] {
            let text = format!("{}@\n", "x".repeat(len));
            let f = file(&text);
            let labels: Vec<(usize, usize)> =
                (0..100).map(|i| (len - i * 7, len - i * 7 + 1)).collect();
            let n = visited(|| {
                let e = excerpt(&f, &labels, Some(0), width);
                assert!(
                    e.text.len() <= labels.len() * 3 * width * 4,
                    "{}",
                    e.text.len()
                );
            });
            assert!(n <= labels.len() * 16 * width, "{len}: {n} bytes read");
        }
    }
}
