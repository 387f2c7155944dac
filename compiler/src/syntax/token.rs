//! Tokens produced by the lexer.

use crate::source::Span;

/// The kind of a token, borrowing its text from the source.
///
/// Tokens own nothing: a large conditions tag has millions of them, and an
/// allocation per token used to dominate parsing. The parser copies out what
/// the tree keeps.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum TokenKind<'a> {
    /// `[A-Za-z_][A-Za-z0-9_]*`; keywords are contextual, so they are idents.
    Ident(&'a str),
    /// An unsigned integer without unit, e.g. `529` or `50_000_000`.
    Int(u64),
    /// A number with a fractional part and no unit, e.g. `0.2`, as written
    /// (underscores included).
    Float(&'a str),
    /// A number with a unit attached, e.g. `50M`, `11kB`, `509.9/pb`, as
    /// written; [`split_quantity`] separates number and unit.
    Quantity(&'a str),
    /// A string literal: the text between the quotes, escapes not yet
    /// decoded ([`super::lexer::unescape`] decodes them).
    Str(&'a str),
    /// `## text`, with the `##` and one following space removed.
    DocComment(&'a str),
    Colon,
    Star,
    Comma,
    Dot,
    Eq,
    /// `..`
    DotDot,
    /// `..=`
    DotDotEq,
    LBrace,
    RBrace,
    LBracket,
    RBracket,
    /// A character that starts no token, already reported by the lexer;
    /// the parser accepts it silently so that one typo gives one error.
    Error,
    /// End of input; always the last token.
    Eof,
}

/// Splits a quantity literal such as `1_500kB` into its number without
/// underscores (`1500`) and its unit (`kB`).
pub fn split_quantity(literal: &str) -> (String, &str) {
    let at = literal
        .find(|c: char| c.is_ascii_alphabetic() || c == '/')
        .unwrap_or(literal.len());
    (literal[..at].replace('_', ""), &literal[at..])
}

impl TokenKind<'_> {
    /// How the token is named in "expected …, found …" messages.
    pub fn describe(&self) -> String {
        match self {
            TokenKind::Ident(name) => format!("`{name}`"),
            TokenKind::Int(n) => format!("integer `{n}`"),
            TokenKind::Float(text) => format!("number `{}`", text.replace('_', "")),
            TokenKind::Quantity(text) => {
                let (number, unit) = split_quantity(text);
                format!("quantity `{number}{unit}`")
            }
            TokenKind::Str(_) => "a string".to_string(),
            TokenKind::DocComment(_) => "a doc comment".to_string(),
            TokenKind::Eof => "end of file".to_string(),
            TokenKind::Error => "an invalid character".to_string(),
            other => format!("`{}`", other.punct()),
        }
    }

    fn punct(&self) -> &'static str {
        match self {
            TokenKind::Colon => ":",
            TokenKind::Star => "*",
            TokenKind::Comma => ",",
            TokenKind::Dot => ".",
            TokenKind::Eq => "=",
            TokenKind::DotDot => "..",
            TokenKind::DotDotEq => "..=",
            TokenKind::LBrace => "{",
            TokenKind::RBrace => "}",
            TokenKind::LBracket => "[",
            TokenKind::RBracket => "]",
            _ => "?",
        }
    }
}

/// A token with its span and whether a line break precedes it (used by the
/// parser to find a safe place to resume after an error).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Token<'a> {
    pub kind: TokenKind<'a>,
    pub span: Span,
    pub line_start: bool,
}

/// A `#` comment, kept aside for the formatter.
#[derive(Debug, Clone, PartialEq)]
pub struct Comment {
    pub text: String,
    pub span: Span,
}
