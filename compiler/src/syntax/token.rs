//! Tokens produced by the lexer.

use crate::source::Span;

/// The kind of a token, with its decoded value where it has one.
#[derive(Debug, Clone, PartialEq)]
pub enum TokenKind {
    /// `[A-Za-z_][A-Za-z0-9_]*`; keywords are contextual, so they are idents.
    Ident(String),
    /// An unsigned integer without unit, e.g. `529` or `50_000_000`.
    Int(u64),
    /// A number with a fractional part and no unit, e.g. `0.2`.
    Float(String),
    /// A number with a unit attached, e.g. `50M`, `11kB`, `509.9/pb`.
    /// `number` is the literal without underscores.
    Quantity {
        number: String,
        unit: String,
    },
    /// A string literal with escapes decoded.
    Str(String),
    /// `## text`, with the `##` and one following space removed.
    DocComment(String),
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

impl TokenKind {
    /// How the token is named in "expected …, found …" messages.
    pub fn describe(&self) -> String {
        match self {
            TokenKind::Ident(name) => format!("`{name}`"),
            TokenKind::Int(n) => format!("integer `{n}`"),
            TokenKind::Float(text) => format!("number `{text}`"),
            TokenKind::Quantity { number, unit } => format!("quantity `{number}{unit}`"),
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
#[derive(Debug, Clone, PartialEq)]
pub struct Token {
    pub kind: TokenKind,
    pub span: Span,
    pub line_start: bool,
}

/// A `#` comment, kept aside for the formatter.
#[derive(Debug, Clone, PartialEq)]
pub struct Comment {
    pub text: String,
    pub span: Span,
}
