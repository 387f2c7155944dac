//! The lexer: source text to [`Token`]s, built from nom recognisers.
//!
//! The lexer never stops at a bad character: it reports it (`E0109`), skips
//! it and goes on, so that the parser sees the whole file. Strings end at the
//! end of their line, which keeps an unterminated string (`E0102`) from
//! swallowing the rest of the file.

use super::token::{Comment, Token, TokenKind};
use crate::diagnostics::{did_you_mean, Code, Diagnostic};
use crate::source::{FileId, Span};
use nom::branch::alt;
use nom::bytes::complete::{take_while, take_while1};
use nom::character::complete::{char, satisfy};
use nom::combinator::{opt, recognize};
use nom::sequence::pair;
use nom::{IResult, Parser};

/// Units that may follow a number, and the factor to the base unit of their
/// dimension where that base is an integer (counts, bytes, hours).
pub const UNITS: &[(&str, u64)] = &[
    ("k", 1_000),
    ("M", 1_000_000),
    ("G", 1_000_000_000),
    ("B", 1),
    ("kB", 1_000),
    ("MB", 1_000_000),
    ("GB", 1_000_000_000),
    ("TB", 1_000_000_000_000),
    ("PB", 1_000_000_000_000_000),
    ("/pb", 1),
    ("/fb", 1_000),
    ("/ab", 1_000_000),
    ("h", 1),
    ("d", 24),
    ("w", 168),
];

/// Whether `c` may not stand raw in a manifest, not even in a string or a
/// comment: control characters (but tab and line feed) change what a
/// terminal shows or does when the text is printed or reaches a script, and
/// bidirectional overrides and marks make text read differently from what
/// it is (rustc refuses the same in its literals and comments).
pub fn is_forbidden(c: char) -> bool {
    (c.is_control() && c != '\t' && c != '\n')
        || matches!(c, '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// The first forbidden character of `text` and its offset; a carriage
/// return before a line feed (a CRLF line end) is allowed.
fn find_forbidden(text: &str) -> Option<(usize, char)> {
    let bytes = text.as_bytes();
    // Every forbidden character starts with a control byte, DEL, or the
    // lead bytes of U+0080–U+00BF (C1), U+0600–U+063F and U+2000–U+203F.
    let mut from = 0;
    while let Some(at) = bytes[from..]
        .iter()
        .position(|&b| (b < 0x20 && b != b'\t') || matches!(b, 0x7f | 0xc2 | 0xd8 | 0xe2))
    {
        let at = from + at;
        let c = text[at..].chars().next()?;
        let crlf = c == '\r' && bytes.get(at + 1) == Some(&b'\n');
        if is_forbidden(c) && !crlf {
            return Some((at, c));
        }
        from = at + c.len_utf8();
    }
    None
}

/// E0109 for a forbidden character inside a string or comment.
fn forbidden_error(span: Span, c: char, inside: &str) -> Diagnostic {
    let (what, help) = if c.is_control() {
        (
            "control character",
            "remove it; write a line break as `\\n` and a tab as `\\t`",
        )
    } else {
        (
            "bidirectional text control",
            "remove it: it makes the text read differently in editors and terminals from what it is",
        )
    };
    Diagnostic::new(
        Code::E0109,
        format!("{what} {} in {inside}", c.escape_unicode()),
        span,
        format!("{what} not allowed here"),
    )
    .with_help(help)
}

/// Decodes the escapes of a string token's raw text (`\"`, `\\`, `\n`,
/// `\t`). An unknown escape keeps its character (the lexer has reported
/// it); a trailing lone backslash is dropped.
pub fn unescape(raw: &str) -> String {
    if !raw.contains('\\') {
        return raw.to_string();
    }
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some(other) => out.push(other),
            None => {}
        }
    }
    out
}

/// Result of lexing one file.
#[derive(Debug, Default)]
pub struct Lexed<'a> {
    pub tokens: Vec<Token<'a>>,
    pub comments: Vec<Comment>,
    pub diagnostics: Vec<Diagnostic>,
}

/// `[0-9][0-9_]*`
fn digits(input: &str) -> IResult<&str, &str> {
    recognize(pair(
        satisfy(|c| c.is_ascii_digit()),
        take_while(|c: char| c.is_ascii_digit() || c == '_'),
    ))
    .parse(input)
}

/// A number: digits with an optional fraction (a `.` followed by a digit, so
/// that `0..` stays a number and a range operator).
fn number(input: &str) -> IResult<&str, &str> {
    recognize(pair(digits, opt(pair(char('.'), digits)))).parse(input)
}

/// A unit glued to a number: letters, or `/` and letters.
fn unit(input: &str) -> IResult<&str, &str> {
    alt((
        recognize(pair(
            char('/'),
            take_while1(|c: char| c.is_ascii_alphabetic()),
        )),
        take_while1(|c: char| c.is_ascii_alphabetic()),
    ))
    .parse(input)
}

/// Punctuation decided on the first byte (and the next two for `..=`):
/// this is the lexer's hottest path, so it avoids trying alternatives.
fn punctuation_at(input: &str) -> Option<(TokenKind<'static>, usize)> {
    let bytes = input.as_bytes();
    let kind = match bytes.first()? {
        b'.' if bytes.get(1) == Some(&b'.') => {
            return Some(if bytes.get(2) == Some(&b'=') {
                (TokenKind::DotDotEq, 3)
            } else {
                (TokenKind::DotDot, 2)
            });
        }
        b'.' => TokenKind::Dot,
        b':' => TokenKind::Colon,
        b'*' => TokenKind::Star,
        b',' => TokenKind::Comma,
        b'=' => TokenKind::Eq,
        b'{' => TokenKind::LBrace,
        b'}' => TokenKind::RBrace,
        b'[' => TokenKind::LBracket,
        b']' => TokenKind::RBracket,
        _ => return None,
    };
    Some((kind, 1))
}

/// A streaming lexer: [`Lexer::next_token`] hands out one token at a time,
/// so the parser holds a small window of tokens rather than a whole large
/// file's worth. Plain comments and diagnostics are collected on the way.
pub struct Lexer<'a> {
    file: FileId,
    src: &'a str,
    pos: usize,
    line_start: bool,
    /// The token just scanned, handed out by `next_token`.
    pending: Option<Token<'a>>,
    /// `#` comments, for the formatter.
    pub comments: Vec<Comment>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Splits `src` into tokens; the last token is always [`TokenKind::Eof`].
pub fn lex(file: FileId, src: &str) -> Lexed<'_> {
    let mut lexer = Lexer::new(file, src);
    let mut tokens = Vec::new();
    loop {
        let token = lexer.next_token();
        tokens.push(token);
        if token.kind == TokenKind::Eof {
            break;
        }
    }
    Lexed {
        tokens,
        comments: lexer.comments,
        diagnostics: lexer.diagnostics,
    }
}

impl<'a> Lexer<'a> {
    pub fn new(file: FileId, src: &'a str) -> Lexer<'a> {
        Lexer {
            file,
            src,
            pos: 0,
            line_start: true,
            pending: None,
            comments: Vec::new(),
            diagnostics: Vec::new(),
        }
    }

    /// The next token; at the end of the input, [`TokenKind::Eof`] (again
    /// on every further call).
    pub fn next_token(&mut self) -> Token<'a> {
        loop {
            if let Some(token) = self.pending.take() {
                return token;
            }
            if !self.step() {
                let end = self.src.len();
                return Token {
                    kind: TokenKind::Eof,
                    span: self.span(end, end),
                    line_start: true,
                };
            }
        }
    }

    fn span(&self, start: usize, end: usize) -> Span {
        Span::new(self.file, start, end)
    }

    fn rest(&self) -> &'a str {
        &self.src[self.pos..]
    }

    fn push(&mut self, kind: TokenKind<'a>, start: usize) {
        let span = self.span(start, self.pos);
        self.pending = Some(Token {
            kind,
            span,
            line_start: self.line_start,
        });
        self.line_start = false;
    }

    fn error(&mut self, diag: Diagnostic) {
        self.diagnostics.push(diag);
    }

    /// Scans one lexeme (a token, a comment, a line break or a bad
    /// character); false at the end of the input.
    fn step(&mut self) -> bool {
        let bytes = self.src.as_bytes();
        // Spaces and tabs are most of a manifest: skip them bytewise.
        while matches!(bytes.get(self.pos), Some(b' ' | b'\t' | b'\r')) {
            self.pos += 1;
        }
        let Some(&byte) = bytes.get(self.pos) else {
            return false;
        };
        let start = self.pos;
        // Dispatch on the first byte: every token starts with an ASCII
        // character, so only whitespace and errors need a decoded `char`.
        match byte {
            b'\n' => {
                self.pos += 1;
                self.line_start = true;
                return true;
            }
            b'#' => {
                self.comment(start);
                return true;
            }
            b'"' => {
                self.string(start);
                return true;
            }
            b'0'..=b'9' => {
                self.number(start);
                return true;
            }
            b'a'..=b'z' | b'A'..=b'Z' | b'_' => {
                let len = bytes[start..]
                    .iter()
                    .position(|b| !(b.is_ascii_alphanumeric() || *b == b'_'))
                    .unwrap_or(bytes.len() - start);
                self.pos += len;
                self.push(TokenKind::Ident(&self.src[start..self.pos]), start);
                return true;
            }
            _ => {}
        }
        if let Some((kind, len)) = punctuation_at(self.rest()) {
            self.pos += len;
            self.push(kind, start);
            return true;
        }
        let Some(c) = self.rest().chars().next() else {
            return false;
        };
        if c.is_whitespace() {
            self.pos += c.len_utf8();
        } else {
            self.pos += c.len_utf8();
            let shown = if c.is_control() {
                format!("{:?}", c)
            } else {
                format!("`{c}`")
            };
            self.error(
                Diagnostic::new(
                    Code::E0109,
                    format!("unexpected character {shown}"),
                    self.span(start, self.pos),
                    "this character starts no token",
                )
                .with_help("remove it, or put the text in a string: \"…\""),
            );
            // Everything glued to the bad character goes with it, so that
            // `$hlt` or `@@@` is one bad token and one error.
            let glued = self
                .rest()
                .find(|c: char| c.is_whitespace() || "{}[],=\"#".contains(c));
            self.pos += glued.unwrap_or(self.rest().len());
            self.push(TokenKind::Error, start);
        }
        true
    }

    fn comment(&mut self, start: usize) {
        let line_len = self.rest().find('\n').unwrap_or(self.rest().len());
        let text = &self.rest()[..line_len];
        // The line's end is not part of it: a CRLF's CR is allowed.
        if let Some((at, c)) = find_forbidden(text.strip_suffix('\r').unwrap_or(text)) {
            let at = start + at;
            self.error(forbidden_error(
                self.span(at, at + c.len_utf8()),
                c,
                "a comment",
            ));
        }
        self.pos += line_len;
        if let Some(doc) = text.strip_prefix("##") {
            let doc = doc.strip_prefix(' ').unwrap_or(doc).trim_end();
            self.push(TokenKind::DocComment(doc), start);
        } else {
            let span = self.span(start, self.pos);
            self.comments.push(Comment {
                text: text.trim_end().to_string(),
                span,
            });
        }
    }

    /// Scans a string literal, reporting bad escapes (`E0108`); the token
    /// holds the raw text between the quotes, decoded by [`unescape`] when
    /// the parser keeps it.
    fn string(&mut self, start: usize) {
        self.pos += 1;
        let bytes = self.src.as_bytes();
        loop {
            // Plain characters are most of a string: skip them bytewise
            // (the three stops are ASCII, so a UTF-8 sequence never stops it).
            while bytes
                .get(self.pos)
                .is_some_and(|b| !matches!(b, b'"' | b'\\' | b'\n'))
            {
                self.pos += 1;
            }
            match bytes.get(self.pos) {
                None | Some(b'\n') => return self.unterminated(start),
                Some(b'"') => {
                    let raw = &self.src[start + 1..self.pos];
                    if let Some((at, c)) = find_forbidden(raw) {
                        let at = start + 1 + at;
                        self.error(forbidden_error(
                            self.span(at, at + c.len_utf8()),
                            c,
                            "a string",
                        ));
                    }
                    self.pos += 1;
                    return self.push(TokenKind::Str(raw), start);
                }
                _ => {
                    let esc_start = self.pos;
                    self.pos += 1;
                    match self.rest().chars().next() {
                        Some('"' | '\\' | 'n' | 't') => {}
                        Some('\n') | None => return self.unterminated(start),
                        Some(other) => {
                            let end = self.pos + other.len_utf8();
                            self.error(
                                Diagnostic::new(
                                    Code::E0108,
                                    format!("invalid escape sequence `\\{other}`"),
                                    self.span(esc_start, end),
                                    "unknown escape",
                                )
                                .with_help(
                                    r#"the escapes are \" \\ \n \t; write `\\` for a backslash"#,
                                ),
                            );
                        }
                    }
                    if let Some(c) = self.rest().chars().next() {
                        self.pos += c.len_utf8();
                    }
                }
            }
        }
    }

    fn unterminated(&mut self, start: usize) {
        self.error(
            Diagnostic::new(
                Code::E0102,
                "unterminated string",
                self.span(start, start + 1),
                "this string is not closed on its line",
            )
            .with_help("add the closing `\"`; strings end on the line they start (use `\\n` for a line break)"),
        );
        // A closing `}` or `]` at the end of the line most likely closes the
        // block or list, not the string: hand it back to the token stream so
        // that one missing quote does not also leave the block unclosed.
        let content = &self.src[start + 1..self.pos];
        let trimmed = content.trim_end();
        if trimmed.ends_with('}') || trimmed.ends_with(']') {
            self.pos = start + trimmed.len();
        }
        let raw = &self.src[start + 1..self.pos];
        self.push(TokenKind::Str(raw), start);
    }

    fn number(&mut self, start: usize) {
        // Fast path for the most common literal, a plain integer such as the
        // run numbers and revisions of IoV lines: digits, then a character
        // that cannot continue a number (not `_`, `.`, a letter or `/`).
        let bytes = self.src.as_bytes();
        let digits_end = bytes[start..]
            .iter()
            .position(|b| !b.is_ascii_digit())
            .map_or(bytes.len(), |n| start + n);
        let continues = bytes
            .get(digits_end)
            .is_some_and(|&b| b == b'_' || b == b'.' || b == b'/' || b.is_ascii_alphabetic());
        if !continues {
            if let Ok(value) = self.src[start..digits_end].parse::<u64>() {
                self.pos = digits_end;
                return self.push(TokenKind::Int(value), start);
            }
        }
        let (rest, literal) = number(self.rest()).expect("called on a digit");
        self.pos = self.src.len() - rest.len();
        // Underscores only separate digits; most literals have none.
        let clean: std::borrow::Cow<str> = if literal.contains('_') {
            literal.replace('_', "").into()
        } else {
            literal.into()
        };
        let int_part = clean.split('.').next().unwrap_or("");
        let int_value = int_part.parse::<u64>().ok();
        let mut overflow = int_value.is_none();
        let unit_start = self.pos;
        let kind = match unit(self.rest()) {
            Ok((rest, unit_text)) => {
                self.pos = self.src.len() - rest.len();
                match UNITS.iter().find(|(u, _)| *u == unit_text) {
                    Some((_, factor)) if !unit_text.starts_with('/') => {
                        overflow |= int_value.is_some_and(|v| v.checked_mul(*factor).is_none());
                    }
                    Some(_) => {}
                    None => {
                        let names = UNITS.iter().map(|(u, _)| *u);
                        let mut diag = Diagnostic::new(
                            Code::E0112,
                            format!("unknown unit `{unit_text}`"),
                            self.span(unit_start, self.pos),
                            "not a unit",
                        );
                        diag = match did_you_mean(unit_text, names) {
                            Some(s) => diag.with_help(format!("did you mean `{s}`?")),
                            None => diag.with_help(
                                "units are k M G (counts), B kB MB GB TB PB (sizes), /pb /fb /ab (luminosity), h d w (durations)",
                            ),
                        };
                        self.error(diag);
                    }
                }
                TokenKind::Quantity(&self.src[start..self.pos])
            }
            Err(_) if clean.contains('.') => TokenKind::Float(literal),
            Err(_) => TokenKind::Int(int_value.unwrap_or(0)),
        };
        if overflow {
            self.error(
                Diagnostic::new(
                    Code::E0103,
                    format!(
                        "number `{}` does not fit in 64 bits",
                        &self.src[start..self.pos]
                    ),
                    self.span(start, self.pos),
                    "too large",
                )
                .with_help(format!("the largest value is {}", u64::MAX)),
            );
        }
        self.push(kind, start);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(src: &str) -> Vec<TokenKind<'_>> {
        let lexed = lex(FileId(0), src);
        assert!(lexed.diagnostics.is_empty(), "{:?}", lexed.diagnostics);
        lexed.tokens.into_iter().map(|t| t.kind).collect()
    }

    #[test]
    fn run_points_and_ranges() {
        use TokenKind::*;
        assert_eq!(
            kinds("3:529 ..= 7:* 8:0.."),
            vec![
                Int(3),
                Colon,
                Int(529),
                DotDotEq,
                Int(7),
                Colon,
                Star,
                Int(8),
                Colon,
                Int(0),
                DotDot,
                Eof
            ]
        );
    }

    #[test]
    fn quantities_keep_their_units() {
        let q = TokenKind::Quantity;
        assert_eq!(
            kinds("50M 11kB 509.9/pb 1.5k 5d 50_000_000"),
            vec![
                q("50M"),
                q("11kB"),
                q("509.9/pb"),
                q("1.5k"),
                q("5d"),
                TokenKind::Int(50_000_000),
                TokenKind::Eof
            ]
        );
        assert_eq!(
            crate::syntax::token::split_quantity("1_500kB"),
            ("1500".to_string(), "kB")
        );
    }

    #[test]
    fn strings_decode_escapes() {
        let raw = r#"a\"b\\c\nd\te"#;
        assert_eq!(kinds(&format!("\"{raw}\""))[0], TokenKind::Str(raw));
        assert_eq!(unescape(raw), "a\"b\\c\nd\te");
        assert_eq!(unescape("plain"), "plain");
        assert_eq!(unescape("trailing\\"), "trailing");
    }

    #[test]
    fn doc_comments_are_tokens_and_comments_are_trivia() {
        let lexed = lex(FileId(0), "# plain\n## doc text\nx");
        assert_eq!(lexed.tokens[0].kind, TokenKind::DocComment("doc text"));
        assert_eq!(lexed.comments.len(), 1);
    }

    #[test]
    fn errors_are_coded_and_lexing_goes_on() {
        let codes = |src: &str| {
            lex(FileId(0), src)
                .diagnostics
                .iter()
                .map(|d| d.code)
                .collect::<Vec<_>>()
        };
        assert_eq!(codes("a @ b"), vec![Code::E0109]);
        assert_eq!(codes("\"open\nx = 1"), vec![Code::E0102]);
        assert_eq!(codes(r#""\q""#), vec![Code::E0108]);
        assert_eq!(codes("5x"), vec![Code::E0112]);
        assert_eq!(codes("18446744073709551616"), vec![Code::E0103]);
        assert_eq!(codes("20000000000G"), vec![Code::E0103]);
        assert_eq!(codes("18446744073709551615"), vec![]);
    }

    #[test]
    fn control_and_bidi_characters_are_refused_in_strings_and_comments() {
        let errors = |src: &str| {
            lex(FileId(0), src)
                .diagnostics
                .iter()
                .map(|d| (d.code, d.primary.span.start as usize))
                .collect::<Vec<_>>()
        };
        for c in [
            '\u{1b}', '\r', '\u{7f}', '\u{85}', '\u{202e}', '\u{2066}', '\u{200f}', '\u{61c}',
        ] {
            let string = format!("x = \"a{c}b\"");
            assert_eq!(errors(&string), vec![(Code::E0109, 6)], "{c:?} in a string");
            let comment = format!("# note {c} here\nx = 1");
            assert_eq!(
                errors(&comment),
                vec![(Code::E0109, 7)],
                "{c:?} in a comment"
            );
            let doc = format!("## doc {c} x\nx = 1");
            assert_eq!(
                errors(&doc),
                vec![(Code::E0109, 7)],
                "{c:?} in a doc comment"
            );
        }
        // What stays allowed: tabs, CRLF line ends, and other non-ASCII text.
        for ok in [
            "x = \"a\tb\"\r\n",
            "# µs … € — \u{2028}?\r\ny = \"Müller → ü\"",
            "# a\r\n",
        ] {
            let allowed: Vec<_> = errors(ok)
                .into_iter()
                .filter(|(c, _)| *c == Code::E0109)
                .collect();
            assert_eq!(allowed, vec![], "{ok:?}");
        }
        let lexed = lex(FileId(0), "x = \"\u{1b}[31m\"");
        assert!(
            lexed.diagnostics[0].message.contains("\\u{1b}"),
            "{}",
            lexed.diagnostics[0].message
        );
    }
}
