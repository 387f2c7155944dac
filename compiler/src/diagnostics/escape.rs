//! Characters that must not reach a terminal raw, and their visible form.
//!
//! Source lines, file names, messages, labels and help texts all come from
//! the user's files. A control character among them would act on the
//! terminal instead of being shown: ESC starts colour and cursor sequences,
//! CR moves back over what was printed, a bidi override reorders the rest of
//! the line (the "Trojan Source" trick). Every such character is therefore
//! printed as its Rust escape, `\u{1b}`, `\u{d}`, `\u{202e}`: plain ASCII,
//! visible, and naming the code point.
//!
//! Escaped are C0 controls except line feed and tab, DEL, C1 controls, the
//! bidi controls (U+061C, U+200E, U+200F, U+202A–U+202E, U+2066–U+2069) and
//! the line and paragraph separators U+2028 and U+2029, which some viewers
//! break lines at. A backslash is left as it is, so a source text that
//! spells `\u{1b}` looks the same as an escaped ESC; the escape is meant to
//! be read, not parsed back.

use std::borrow::Cow;
use std::fmt::Write;

/// Whether `c` is printed as its escape rather than raw.
pub fn is_escaped(c: char) -> bool {
    matches!(c,
        '\0'..='\u{8}' | '\u{b}'..='\u{1f}' | '\u{7f}'..='\u{9f}'
        | '\u{61c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}'
        | '\u{2066}'..='\u{2069}' | '\u{2028}' | '\u{2029}')
}

/// Appends the visible form of `c` (`\u{1b}`) to `out`.
pub fn push_escape(out: &mut String, c: char) {
    // Writing to a String cannot fail.
    let _ = write!(out, "{}", c.escape_unicode());
}

/// The length in bytes (and columns, being ASCII) of the visible form of
/// `c`, or of `c` itself when it is not escaped.
pub fn shown_len(c: char) -> usize {
    if is_escaped(c) {
        // `\u{` + hex digits + `}`
        let digits = (32 - (c as u32 | 1).leading_zeros()).div_ceil(4) as usize;
        digits + 4
    } else {
        c.len_utf8()
    }
}

/// `text` with every escaped character in its visible form; borrowed when
/// there is none, which is nearly always.
pub fn escaped(text: &str) -> Cow<'_, str> {
    escaped_where(text, is_escaped)
}

/// `text` on one line: escaped as by [`escaped`], and line feeds and tabs
/// too. For file names, which are printed where a line break would break
/// the layout around them.
pub fn escaped_line(text: &str) -> Cow<'_, str> {
    escaped_where(text, |c| is_escaped(c) || c == '\n' || c == '\t')
}

/// `text` with the characters that `escape` picks in their visible form.
fn escaped_where(text: &str, escape: impl Fn(char) -> bool) -> Cow<'_, str> {
    if !text.chars().any(&escape) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if escape(c) {
            push_escape(&mut out, c);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// `text` cut to at most about `max` characters: the middle is replaced by
/// ` … `, so that both ends of a message quoting a huge name stay readable
/// and the closing quote is kept.
pub fn shortened(text: &str, max: usize) -> Cow<'_, str> {
    // A text of at most `max` bytes has at most `max` characters.
    if text.len() <= max || text.chars().nth(max).is_none() {
        return Cow::Borrowed(text);
    }
    let head = max * 2 / 3;
    let tail = max.saturating_sub(head);
    let head_end = text.char_indices().nth(head).map_or(text.len(), |(i, _)| i);
    let tail_start = text
        .char_indices()
        .rev()
        .nth(tail.saturating_sub(1))
        .map_or(head_end, |(i, _)| i.max(head_end));
    Cow::Owned(format!("{} … {}", &text[..head_end], &text[tail_start..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_and_bidi_are_escaped_visibly() {
        assert_eq!(escaped("a\u{1b}[31mb"), "a\\u{1b}[31mb");
        assert_eq!(escaped("x\ry"), "x\\u{d}y");
        assert_eq!(escaped("\u{202e}abc\u{2066}"), "\\u{202e}abc\\u{2066}");
        assert_eq!(escaped("\u{7f}\u{85}\u{9f}"), "\\u{7f}\\u{85}\\u{9f}");
        // Line feed, tab and ordinary non-ASCII text stay as they are.
        assert!(matches!(escaped("a\tb\nµ§ ü"), Cow::Borrowed(_)));
        assert_eq!(escaped_line("a\tb\nc\u{1b}"), "a\\u{9}b\\u{a}c\\u{1b}");
    }

    #[test]
    fn shown_len_is_the_length_of_the_escape() {
        for c in [
            '\0', '\u{1b}', '\u{7f}', '\u{85}', '\u{61c}', '\u{202e}', 'a', 'µ', '\t',
        ] {
            let mut s = String::new();
            if is_escaped(c) {
                push_escape(&mut s, c);
            } else {
                s.push(c);
            }
            assert_eq!(shown_len(c), s.len(), "{c:?}");
        }
    }

    #[test]
    fn shortened_keeps_both_ends() {
        let long = format!("unknown name `{}`", "a".repeat(10_000));
        let short = shortened(&long, 90);
        assert!(short.starts_with("unknown name `aaa"), "{short}");
        assert!(short.ends_with("aaa`"), "{short}");
        assert!(short.contains(" … "));
        assert!(short.chars().count() <= 93, "{}", short.chars().count());
        assert_eq!(shortened("short", 90), "short");
        let multibyte = "µ".repeat(100);
        assert_eq!(shortened(&multibyte, 100), multibyte);
        assert!(shortened(&multibyte, 99).chars().count() <= 102);
    }
}
