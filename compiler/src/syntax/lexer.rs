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

/// Result of lexing one file.
#[derive(Debug, Default)]
pub struct Lexed {
    pub tokens: Vec<Token>,
    pub comments: Vec<Comment>,
    pub diagnostics: Vec<Diagnostic>,
}

fn is_ident_start(c: char) -> bool {
    c.is_ascii_alphabetic() || c == '_'
}

fn is_ident_continue(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

fn identifier(input: &str) -> IResult<&str, &str> {
    recognize(pair(satisfy(is_ident_start), take_while(is_ident_continue))).parse(input)
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
fn punctuation_at(input: &str) -> Option<(TokenKind, usize)> {
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

struct Lexer<'a> {
    file: FileId,
    src: &'a str,
    pos: usize,
    line_start: bool,
    out: Lexed,
}

/// Splits `src` into tokens; the last token is always [`TokenKind::Eof`].
pub fn lex(file: FileId, src: &str) -> Lexed {
    let mut lexer = Lexer {
        file,
        src,
        pos: 0,
        line_start: true,
        // Manifests average about one token per five bytes; reserving that
        // avoids regrowing the vector of a large file many times.
        out: Lexed {
            tokens: Vec::with_capacity(src.len() / 5 + 1),
            ..Lexed::default()
        },
    };
    lexer.run();
    lexer.out
}

impl<'a> Lexer<'a> {
    fn span(&self, start: usize, end: usize) -> Span {
        Span::new(self.file, start, end)
    }

    fn rest(&self) -> &'a str {
        &self.src[self.pos..]
    }

    fn push(&mut self, kind: TokenKind, start: usize) {
        let span = self.span(start, self.pos);
        self.out.tokens.push(Token {
            kind,
            span,
            line_start: self.line_start,
        });
        self.line_start = false;
    }

    fn error(&mut self, diag: Diagnostic) {
        self.out.diagnostics.push(diag);
    }

    fn run(&mut self) {
        let bytes = self.src.as_bytes();
        loop {
            // Spaces and tabs are most of a manifest: skip them bytewise.
            while matches!(bytes.get(self.pos), Some(b' ' | b'\t' | b'\r')) {
                self.pos += 1;
            }
            let Some(c) = self.rest().chars().next() else {
                break;
            };
            let start = self.pos;
            if c == '\n' {
                self.pos += 1;
                self.line_start = true;
            } else if c.is_whitespace() {
                self.pos += c.len_utf8();
            } else if c == '#' {
                self.comment(start);
            } else if c == '"' {
                self.string(start);
            } else if c.is_ascii_digit() {
                self.number(start);
            } else if let Ok((rest, name)) = identifier(self.rest()) {
                self.pos = self.src.len() - rest.len();
                self.push(TokenKind::Ident(name.to_string()), start);
            } else if let Some((kind, len)) = punctuation_at(self.rest()) {
                self.pos += len;
                self.push(kind, start);
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
        }
        let end = self.src.len();
        self.out.tokens.push(Token {
            kind: TokenKind::Eof,
            span: self.span(end, end),
            line_start: true,
        });
    }

    fn comment(&mut self, start: usize) {
        let line_len = self.rest().find('\n').unwrap_or(self.rest().len());
        let text = &self.rest()[..line_len];
        self.pos += line_len;
        if let Some(doc) = text.strip_prefix("##") {
            let doc = doc.strip_prefix(' ').unwrap_or(doc).trim_end();
            self.push(TokenKind::DocComment(doc.to_string()), start);
        } else {
            let span = self.span(start, self.pos);
            self.out.comments.push(Comment {
                text: text.trim_end().to_string(),
                span,
            });
        }
    }

    fn string(&mut self, start: usize) {
        self.pos += 1;
        let mut value = String::new();
        loop {
            let Some(c) = self.rest().chars().next() else {
                return self.unterminated(start);
            };
            match c {
                '"' => {
                    self.pos += 1;
                    return self.push(TokenKind::Str(value), start);
                }
                '\n' => return self.unterminated(start),
                '\\' => {
                    let esc_start = self.pos;
                    self.pos += 1;
                    match self.rest().chars().next() {
                        Some('"') => value.push('"'),
                        Some('\\') => value.push('\\'),
                        Some('n') => value.push('\n'),
                        Some('t') => value.push('\t'),
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
                            value.push(other);
                        }
                    }
                    if let Some(c) = self.rest().chars().next() {
                        self.pos += c.len_utf8();
                    }
                }
                other => {
                    value.push(other);
                    self.pos += other.len_utf8();
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
        let value = self.src[start + 1..self.pos].to_string();
        self.push(TokenKind::Str(value), start);
    }

    fn number(&mut self, start: usize) {
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
                TokenKind::Quantity {
                    number: clean.to_string(),
                    unit: unit_text.to_string(),
                }
            }
            Err(_) if clean.contains('.') => TokenKind::Float(clean.to_string()),
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

    fn kinds(src: &str) -> Vec<TokenKind> {
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
        let q = |n: &str, u: &str| TokenKind::Quantity {
            number: n.into(),
            unit: u.into(),
        };
        assert_eq!(
            kinds("50M 11kB 509.9/pb 1.5k 5d 50_000_000"),
            vec![
                q("50", "M"),
                q("11", "kB"),
                q("509.9", "/pb"),
                q("1.5", "k"),
                q("5", "d"),
                TokenKind::Int(50_000_000),
                TokenKind::Eof
            ]
        );
    }

    #[test]
    fn strings_decode_escapes() {
        assert_eq!(
            kinds(r#""a\"b\\c\nd\te""#)[0],
            TokenKind::Str("a\"b\\c\nd\te".into())
        );
    }

    #[test]
    fn doc_comments_are_tokens_and_comments_are_trivia() {
        let lexed = lex(FileId(0), "# plain\n## doc text\nx");
        assert_eq!(
            lexed.tokens[0].kind,
            TokenKind::DocComment("doc text".into())
        );
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
}
