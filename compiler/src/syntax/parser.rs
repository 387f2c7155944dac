//! The parser: tokens to a [`SourceUnit`], recovering after every error.
//!
//! A hand-written recursive descent over the lexer's tokens. It never gives
//! up: an error inside an entry skips to the next line that can start an
//! entry, an error in an item header skips to the next item, and an item
//! left open at the start of the next one is closed there (`E0113`). So one
//! run reports every syntax error of a file. Nesting is limited (`E0110`)
//! so that hostile input cannot exhaust the stack.

use super::ast::*;
use super::lexer::{unescape, Lexer};
use super::token::{split_quantity, Comment, Token, TokenKind};
use crate::diagnostics::{did_you_mean, Code, Diagnostic};
use crate::source::{FileId, Span};

/// Lists and blocks may nest this deep; more is `E0110`.
pub const MAX_DEPTH: usize = 64;

/// The result of parsing one file: the tree (as much as could be read), the
/// plain comments (for the formatter) and every syntax error.
#[derive(Debug)]
pub struct Parsed {
    pub unit: SourceUnit,
    pub comments: Vec<Comment>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Parses one `.prod` file.
pub fn parse(file: FileId, src: &str) -> Parsed {
    let mut parser = Parser {
        lexer: Lexer::new(file, src),
        window: Vec::with_capacity(64),
        head: 0,
        eof: false,
        prev: None,
        pos: 0,
        since_doc: LOOKAHEAD,
        depth: 0,
        diags: Vec::new(),
    };
    parser.fill();
    let items = parser.items();
    let mut diagnostics = std::mem::take(&mut parser.lexer.diagnostics);
    diagnostics.append(&mut parser.diags);
    Parsed {
        unit: SourceUnit { items },
        comments: parser.lexer.comments,
        diagnostics,
    }
}

/// The parser looks this many tokens ahead (and further through a run of
/// doc comments, see [`Parser::fill`]).
const LOOKAHEAD: usize = 3;

/// What an entry starts like, decided from two tokens of lookahead.
enum Shape {
    Field,
    Iov,
    Map,
    Other,
}

/// An error that has been reported; the caller recovers.
struct Reported;

type PResult<T> = Result<T, Reported>;

/// Where a block is, which decides the nested blocks it may hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Context {
    Item(ItemKind),
    Nested(NestedKind),
}

impl Context {
    fn describe(self) -> String {
        match self {
            Context::Item(kind) => format!("a {}", kind.keyword()),
            Context::Nested(kind) => format!("a {}", kind.keyword()),
        }
    }

    fn allows(self, nested: NestedKind) -> bool {
        matches!(
            (self, nested),
            (Context::Item(ItemKind::Campaign), NestedKind::Sample)
                | (Context::Nested(NestedKind::Sample), NestedKind::Production)
                | (Context::Item(ItemKind::GlobalTag), NestedKind::Payload)
        )
    }
}

/// The parser pulls tokens from the lexer as it goes and keeps only a small
/// window of them: a tag file of a hundred thousand IoV lines would
/// otherwise hold a million tokens at once.
struct Parser<'a> {
    lexer: Lexer<'a>,
    /// Tokens lexed and not yet dropped: `window[head]` is the current
    /// one, then the lookahead; consumed tokens are dropped in batches.
    window: Vec<Token<'a>>,
    head: usize,
    /// Whether the lexer has handed out the end of the file.
    eof: bool,
    /// The token before the current one.
    prev: Option<Token<'a>>,
    /// How many tokens have been consumed: a position that only grows.
    pos: usize,
    /// Tokens lexed since the last doc comment (see [`Parser::fill`]).
    since_doc: usize,
    depth: usize,
    diags: Vec<Diagnostic>,
}

const ITEM_LIST: &str =
    "release, globaltag, calibration, processing, campaign, skim, layout or enum";

impl<'a> Parser<'a> {
    // ------------------------------------------------------------ cursor

    /// Lexes until the window holds [`LOOKAHEAD`] tokens, and two tokens
    /// past its last doc comment (recovery looks through a run of doc
    /// comments to the item keyword and name after it), or the end.
    fn fill(&mut self) {
        while !self.eof && (self.window.len() - self.head < LOOKAHEAD || self.since_doc < 2) {
            let token = self.lexer.next_token();
            self.since_doc = match token.kind {
                TokenKind::DocComment(_) => 0,
                _ => self.since_doc + 1,
            };
            self.eof = matches!(token.kind, TokenKind::Eof);
            self.window.push(token);
        }
    }

    fn peek(&self) -> &Token<'a> {
        &self.window[self.head]
    }

    /// The token `ahead` places after the current one (the end of the file
    /// past it).
    fn peek_token(&self, ahead: usize) -> &Token<'a> {
        self.window
            .get(self.head + ahead)
            .unwrap_or_else(|| &self.window[self.window.len() - 1])
    }

    fn peek_at(&self, ahead: usize) -> &TokenKind<'a> {
        &self.peek_token(ahead).kind
    }

    fn bump(&mut self) -> Token<'a> {
        let tok = *self.peek();
        if !matches!(tok.kind, TokenKind::Eof) {
            self.head += 1;
            // Drop consumed tokens now and then, not one by one.
            if self.head >= 64 {
                self.window.drain(..self.head);
                self.head = 0;
            }
            self.prev = Some(tok);
            self.pos += 1;
            self.fill();
        }
        tok
    }

    /// Whether the current token is of this payload-free kind (`}`, `=`,
    /// the end…); only the variant is compared, which is all that matters
    /// for punctuation and cheaper than comparing payloads.
    fn at(&self, kind: &TokenKind<'_>) -> bool {
        std::mem::discriminant(&self.peek().kind) == std::mem::discriminant(kind)
    }

    fn at_ident(&self, word: &str) -> bool {
        matches!(self.peek().kind, TokenKind::Ident(w) if w == word)
    }

    fn eat(&mut self, kind: &TokenKind<'_>) -> Option<Token<'a>> {
        if self.at(kind) {
            Some(self.bump())
        } else {
            None
        }
    }

    fn prev_span(&self) -> Span {
        self.prev.unwrap_or(self.window[self.head]).span
    }

    // ------------------------------------------------------------ errors

    fn report(&mut self, diag: Diagnostic) -> Reported {
        self.diags.push(diag);
        Reported
    }

    /// `E0101` at the current token: "expected X, found Y".
    fn expected(&mut self, what: &str, help: Option<String>) -> Reported {
        let tok = *self.peek();
        if matches!(tok.kind, TokenKind::Error) {
            // The lexer has reported this character already.
            return Reported;
        }
        let mut diag = Diagnostic::new(
            Code::E0101,
            format!("expected {what}, found {}", tok.kind.describe()),
            tok.span,
            format!("expected {what}"),
        );
        if let Some(help) = help {
            diag = diag.with_help(help);
        } else if tok.kind == TokenKind::Comma {
            diag = diag.with_help("fields need no separators; remove the `,`");
        }
        self.report(diag)
    }

    fn expect(&mut self, kind: TokenKind<'_>, what: &str) -> PResult<Token<'a>> {
        match self.eat(&kind) {
            Some(tok) => Ok(tok),
            None => Err(self.expected(what, None)),
        }
    }

    fn expect_ident(&mut self, what: &str) -> PResult<Ident> {
        match self.peek().kind {
            TokenKind::Ident(name) => {
                let span = self.bump().span;
                Ok(Ident {
                    name: name.to_string(),
                    span,
                })
            }
            _ => Err(self.expected(what, None)),
        }
    }

    // ------------------------------------------------------------ recovery

    /// Whether the current token starts an item: doc comments, then
    /// `KEYWORD NAME {` (a field such as `release = …` does not).
    fn at_item_start(&self) -> bool {
        let is_doc = |t: &Token<'_>| matches!(t.kind, TokenKind::DocComment(_));
        // Only the first doc comment of a run looks ahead through the run,
        // which keeps recovery linear in a file of many doc comments.
        if is_doc(self.peek()) && self.prev.as_ref().is_some_and(is_doc) {
            return false;
        }
        let mut i = 0;
        while self.head + i < self.window.len() && is_doc(&self.window[self.head + i]) {
            i += 1;
        }
        match (self.peek_token(i), self.peek_at(i + 1)) {
            (
                Token {
                    kind: TokenKind::Ident(kw),
                    line_start,
                    ..
                },
                TokenKind::Ident(_) | TokenKind::Str(_),
            ) => ItemKind::from_keyword(kw).is_some() && *line_start,
            _ => false,
        }
    }

    /// Skips to the next item (used after an error outside any block).
    fn recover_to_item(&mut self) {
        self.bump();
        while !self.at(&TokenKind::Eof) && !self.at_item_start() {
            self.bump();
        }
    }

    /// Skips the rest of a broken entry: to the `}` closing the block, to the
    /// next line at the same depth, or to the next item.
    fn recover_in_block(&mut self, entry_start: usize) {
        if self.pos == entry_start {
            self.bump();
        }
        let mut depth = 0usize;
        loop {
            let tok = self.peek();
            match tok.kind {
                TokenKind::Eof => return,
                TokenKind::RBrace if depth == 0 => return,
                // A stray `]` at this depth closes nothing: skip it.
                TokenKind::RBracket if depth == 0 => {}
                TokenKind::RBrace | TokenKind::RBracket => depth -= 1,
                TokenKind::LBrace | TokenKind::LBracket => depth += 1,
                _ if depth == 0 && tok.line_start => return,
                _ => {}
            }
            if self.at_item_start() {
                return;
            }
            self.bump();
        }
    }

    /// Skips a balanced `{…}` or `[…]` region without recursing.
    fn skip_balanced(&mut self) {
        let mut depth = 0usize;
        loop {
            match self.bump().kind {
                TokenKind::LBrace | TokenKind::LBracket => depth += 1,
                TokenKind::RBrace | TokenKind::RBracket => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        return;
                    }
                }
                TokenKind::Eof => return,
                _ => {}
            }
        }
    }

    /// Enters one level of nesting, or reports `E0110` and skips the region.
    fn enter(&mut self) -> PResult<()> {
        if self.depth >= MAX_DEPTH {
            let span = self.peek().span;
            self.skip_balanced();
            return Err(self.report(
                Diagnostic::new(
                    Code::E0110,
                    format!("nesting deeper than {MAX_DEPTH} levels"),
                    span,
                    "too deeply nested",
                )
                .with_help("flatten the value; manifests never need this much nesting"),
            ));
        }
        self.depth += 1;
        Ok(())
    }

    fn leave(&mut self) {
        self.depth -= 1;
    }

    // ------------------------------------------------------------ items

    fn docs(&mut self) -> Vec<String> {
        let mut docs = Vec::new();
        while let TokenKind::DocComment(text) = self.peek().kind {
            docs.push(text.to_string());
            self.bump();
        }
        docs
    }

    fn items(&mut self) -> Vec<Item> {
        let mut items = Vec::new();
        loop {
            let docs = self.docs();
            let tok = *self.peek();
            match tok.kind {
                TokenKind::Eof => break,
                TokenKind::Ident(word) => match ItemKind::from_keyword(word) {
                    Some(kind) => match self.item(kind, docs) {
                        Ok(item) => items.push(item),
                        Err(Reported) => self.recover_to_item(),
                    },
                    None => {
                        let help = match did_you_mean(word, ItemKind::ALL.map(|k| k.keyword())) {
                            Some(kw) => format!("did you mean `{kw}`?"),
                            None => format!("a file holds items: {ITEM_LIST}"),
                        };
                        self.expected("an item", Some(help));
                        self.recover_to_item();
                    }
                },
                _ => {
                    let help = format!("a file holds items: {ITEM_LIST}");
                    self.expected("an item", Some(help));
                    self.recover_to_item();
                }
            }
        }
        items
    }

    fn item(&mut self, kind: ItemKind, docs: Vec<String>) -> PResult<Item> {
        let start = self.bump().span;
        let name = if kind == ItemKind::Release {
            match self.peek().kind {
                TokenKind::Str(raw) => Ident {
                    name: unescape(raw),
                    span: self.bump().span,
                },
                _ => return Err(self.expected(
                    "a release string",
                    Some(
                        "releases are named by their string: release \"release-03-02-02\" { … }"
                            .into(),
                    ),
                )),
            }
        } else {
            self.expect_ident(&format!("the name of the {}", kind.keyword()))?
        };
        let body = if kind == ItemKind::Enum {
            ItemBody::Enum(self.enum_body()?)
        } else {
            ItemBody::Block(self.block(Context::Item(kind))?)
        };
        Ok(Item {
            kind,
            name,
            docs,
            body,
            span: start.to(self.prev_span()),
        })
    }

    fn open_brace(&mut self) -> PResult<Token<'a>> {
        if self.at(&TokenKind::Eq) {
            return Err(self.expected(
                "`{`",
                Some("an item's fields go between braces: NAME { field = value }".into()),
            ));
        }
        self.expect(TokenKind::LBrace, "`{`")
    }

    /// Closes a block opened at `open`, or reports it unclosed (`E0113`).
    fn close_brace(&mut self, open: Span) -> PResult<Span> {
        if let Some(tok) = self.eat(&TokenKind::RBrace) {
            return Ok(tok.span);
        }
        let at = self.peek().span;
        let what = if self.at(&TokenKind::Eof) {
            "the end of the file"
        } else {
            "the next item"
        };
        self.report(
            Diagnostic::new(
                Code::E0113,
                "unclosed `{`",
                open,
                "this `{` is never closed",
            )
            .with_label(at, format!("{what} starts here"))
            .with_help("add the missing `}`"),
        );
        Ok(self.prev_span())
    }

    fn enum_body(&mut self) -> PResult<Vec<EnumEntry>> {
        let open = self.open_brace()?.span;
        let mut entries = Vec::new();
        while !self.at(&TokenKind::RBrace) && !self.at(&TokenKind::Eof) && !self.at_item_start() {
            self.docs();
            let start = self.pos;
            match self.enum_entry() {
                Ok(entry) => entries.push(entry),
                Err(Reported) => {
                    self.recover_in_block(start);
                    continue;
                }
            }
            if self.eat(&TokenKind::Comma).is_none() && !self.at(&TokenKind::RBrace) {
                let start = self.pos;
                self.expected(
                    "`,` or `}`",
                    Some("enum entries are separated by commas".into()),
                );
                self.recover_in_block(start);
            }
        }
        self.close_brace(open)?;
        Ok(entries)
    }

    fn enum_entry(&mut self) -> PResult<EnumEntry> {
        let name = self.expect_ident("an enum entry name")?;
        let text = if self.eat(&TokenKind::Eq).is_some() {
            match self.peek().kind {
                TokenKind::Str(raw) => Some(StringLit {
                    value: unescape(raw),
                    span: self.bump().span,
                }),
                _ => return Err(self.expected("the entry's string form", None)),
            }
        } else {
            None
        };
        Ok(EnumEntry {
            span: name.span.to(self.prev_span()),
            name,
            text,
        })
    }

    // ------------------------------------------------------------ blocks

    fn block(&mut self, ctx: Context) -> PResult<Block> {
        let open = self.open_brace()?.span;
        self.enter()?;
        let mut entries = Vec::new();
        let mut recovered = false;
        loop {
            let docs = self.docs();
            if self.at(&TokenKind::RBrace) || self.at(&TokenKind::Eof) || self.at_item_start() {
                break;
            }
            let start = self.pos;
            let errors_before = self.diags.len();
            match self.entry(ctx, docs) {
                Ok(Some(entry)) => entries.push(entry),
                Ok(None) => {}
                Err(Reported) => self.recover_in_block(start),
            }
            recovered |= self.diags.len() > errors_before;
        }
        self.leave();
        let close = self.close_brace(open)?;
        // A payload block of a large tag holds many lines: give back what
        // doubling growth reserved beyond them.
        entries.shrink_to_fit();
        Ok(Block {
            entries,
            span: open.to(close),
            recovered,
        })
    }

    /// One entry; `Ok(None)` for an entry that was parsed but is not allowed
    /// here (already reported as `E0114`).
    fn entry(&mut self, ctx: Context, docs: Vec<String>) -> PResult<Option<Entry>> {
        // Look at the two next tokens without cloning them: this runs for
        // every line of a manifest.
        let (first, second) = (&self.peek().kind, self.peek_at(1));
        let shape = match (first, second) {
            (TokenKind::Ident(_), TokenKind::Eq) => Shape::Field,
            (TokenKind::Ident("always"), TokenKind::Ident(_)) => Shape::Iov,
            (TokenKind::Ident(_), TokenKind::LBrace) => Shape::Map,
            (TokenKind::Int(_), _) => Shape::Iov,
            _ => Shape::Other,
        };
        match shape {
            Shape::Field => return Ok(Some(Entry::Field(Box::new(self.field()?)))),
            Shape::Iov => return self.iov_entry(ctx),
            Shape::Map => return Ok(Some(Entry::Map(Box::new(self.map_block()?)))),
            Shape::Other => {}
        }
        match (self.peek().kind, *self.peek_at(1)) {
            (TokenKind::Ident(w @ ("sample" | "payload")), TokenKind::Ident(_)) => {
                let kind = if w == "sample" {
                    NestedKind::Sample
                } else {
                    NestedKind::Payload
                };
                self.nested(ctx, kind, docs)
            }
            (TokenKind::Ident("production"), TokenKind::Int(_)) => {
                self.nested(ctx, NestedKind::Production, docs)
            }
            (TokenKind::Ident("payloads"), TokenKind::Ident("from")) => self.import(ctx),
            (TokenKind::Ident(name), _) => {
                self.bump();
                Err(self.expected(
                    &format!("`=` after `{name}`"),
                    Some(format!("write a field as `{name} = value`")),
                ))
            }
            _ => Err(self.expected("a field name or `}`", None)),
        }
    }

    fn not_allowed(&mut self, span: Span, what: &str, ctx: Context, help: &str) {
        self.report(
            Diagnostic::new(
                Code::E0114,
                format!("{what} is not allowed in {}", ctx.describe()),
                span,
                "not allowed here",
            )
            .with_help(help.to_string()),
        );
    }

    fn nested(
        &mut self,
        ctx: Context,
        kind: NestedKind,
        docs: Vec<String>,
    ) -> PResult<Option<Entry>> {
        let start = self.bump().span;
        let label = match self.bump() {
            Token {
                kind: TokenKind::Ident(name),
                span,
                ..
            } => Label::Name(Ident {
                name: name.to_string(),
                span,
            }),
            Token {
                kind: TokenKind::Int(value),
                span,
                ..
            } => Label::Id { value, span },
            _ => unreachable!("entry() checked the token after the keyword"),
        };
        let body = self.block(Context::Nested(kind))?;
        let span = start.to(body.span);
        if !ctx.allows(kind) {
            let help = match kind {
                NestedKind::Sample => "samples belong in a campaign",
                NestedKind::Production => {
                    "productions belong in a sample; a processing's id is `production = N`"
                }
                NestedKind::Payload => "payloads belong in a globaltag",
            };
            self.not_allowed(
                start.to(label.span()),
                &format!("a `{}` block", kind.keyword()),
                ctx,
                help,
            );
            return Ok(None);
        }
        Ok(Some(Entry::Nested(Box::new(Nested {
            kind,
            label,
            docs,
            body,
            span,
        }))))
    }

    fn import(&mut self, ctx: Context) -> PResult<Option<Entry>> {
        let start = self.bump().span;
        self.bump();
        let path = match self.peek().kind {
            TokenKind::Str(raw) => StringLit {
                value: unescape(raw),
                span: self.bump().span,
            },
            _ => {
                return Err(self.expected(
                    "the file name as a string",
                    Some("write `payloads from \"dumps/file.txt\"`".into()),
                ))
            }
        };
        let span = start.to(path.span);
        if ctx != Context::Item(ItemKind::GlobalTag) {
            self.not_allowed(
                span,
                "`payloads from`",
                ctx,
                "payload imports belong in a globaltag",
            );
            return Ok(None);
        }
        Ok(Some(Entry::Import(Box::new(Import { path, span }))))
    }

    fn iov_entry(&mut self, ctx: Context) -> PResult<Option<Entry>> {
        let iov = self.iov()?;
        if !self.at_ident("rev") {
            return Err(self.expected(
                "`rev` and a revision",
                Some("an IoV line reads `3:529 ..= 7:* rev 3`".into()),
            ));
        }
        self.bump();
        let rev = match self.peek().kind {
            TokenKind::Int(value) => Revision::Number(value),
            TokenKind::Str(raw) => Revision::Text(unescape(raw).into_boxed_str()),
            _ => return Err(self.expected("a revision (a number or a string)", None)),
        };
        self.bump();
        let span = iov.span.to(self.prev_span());
        if ctx != Context::Nested(NestedKind::Payload) {
            self.not_allowed(
                span,
                "an IoV line",
                ctx,
                "IoV lines belong in a `payload NAME { … }` block",
            );
            return Ok(None);
        }
        Ok(Some(Entry::Iov(IovLine::new(iov.kind.into(), rev, span))))
    }

    fn field(&mut self) -> PResult<Field> {
        let name = self.expect_ident("a field name")?;
        self.expect(TokenKind::Eq, "`=`")?;
        let value = self.value()?;
        Ok(Field {
            span: name.span.to(value.span),
            name,
            value,
        })
    }

    fn map_block(&mut self) -> PResult<MapBlock> {
        let name = self.expect_ident("a name")?;
        let open = self.expect(TokenKind::LBrace, "`{`")?.span;
        self.enter()?;
        let mut fields = Vec::new();
        while !self.at(&TokenKind::RBrace) && !self.at(&TokenKind::Eof) && !self.at_item_start() {
            let start = self.pos;
            if matches!(self.peek_at(1), TokenKind::Eq) {
                match self.field() {
                    Ok(field) => fields.push(field),
                    Err(Reported) => self.recover_in_block(start),
                }
            } else {
                self.expected(
                    "`KEY = value`",
                    Some(format!(
                        "`{} {{ … }}` holds entries such as `Y4S = …`",
                        name.name
                    )),
                );
                self.recover_in_block(start);
            }
        }
        self.leave();
        let close = self.close_brace(open)?;
        Ok(MapBlock {
            span: name.span.to(close),
            name,
            fields,
        })
    }

    // ------------------------------------------------------------ values

    fn value(&mut self) -> PResult<Value> {
        let tok = *self.peek();
        let kind = match tok.kind {
            TokenKind::Str(raw) => {
                self.bump();
                ValueKind::Str(unescape(raw))
            }
            TokenKind::Int(_) if matches!(self.peek_at(1), TokenKind::Colon) => {
                let point = self.run_point()?;
                return self.range_after(point);
            }
            TokenKind::Int(n) => {
                self.bump();
                ValueKind::Int(n)
            }
            TokenKind::Float(text) => {
                self.bump();
                ValueKind::Float(text.replace('_', ""))
            }
            TokenKind::Quantity(text) => {
                self.bump();
                let (number, unit) = split_quantity(text);
                ValueKind::Quantity {
                    number,
                    unit: unit.to_string(),
                }
            }
            TokenKind::Ident(word @ ("true" | "false")) => {
                self.bump();
                ValueKind::Bool(word == "true")
            }
            TokenKind::Ident("always") => {
                self.bump();
                ValueKind::Iov(Iov {
                    kind: IovKind::Always,
                    span: tok.span,
                })
            }
            TokenKind::Ident(_) => ValueKind::Path(self.path()?),
            TokenKind::LBracket => return self.list(),
            TokenKind::Error => {
                self.bump();
                ValueKind::Error
            }
            _ => return Err(self.expected("a value", None)),
        };
        Ok(Value {
            kind,
            span: tok.span.to(self.prev_span()),
        })
    }

    fn path(&mut self) -> PResult<Vec<Ident>> {
        let mut parts = vec![self.expect_ident("a name")?];
        while self.eat(&TokenKind::Dot).is_some() {
            parts.push(self.expect_ident("a name after `.`")?);
        }
        Ok(parts)
    }

    fn list(&mut self) -> PResult<Value> {
        let open = self.peek().span;
        self.enter()?;
        self.bump();
        let mut items = Vec::new();
        let result = loop {
            if self.at(&TokenKind::RBracket) {
                break Ok(());
            }
            match self.value() {
                Ok(v) => items.push(v),
                Err(r) => break Err(r),
            }
            if self.eat(&TokenKind::Comma).is_none() && !self.at(&TokenKind::RBracket) {
                break Err(if self.at(&TokenKind::Eof) || self.at_item_start() {
                    self.report(
                        Diagnostic::new(
                            Code::E0113,
                            "unclosed `[`",
                            open,
                            "this `[` is never closed",
                        )
                        .with_help("add the missing `]`"),
                    )
                } else {
                    self.expected(
                        "`,` or `]`",
                        Some("list elements are separated by commas".into()),
                    )
                });
            }
        };
        self.leave();
        result?;
        let close = self.bump().span;
        Ok(Value {
            kind: ValueKind::List(items),
            span: open.to(close),
        })
    }

    fn run_point(&mut self) -> PResult<RunPoint> {
        let exp_tok = self.bump();
        let TokenKind::Int(exp) = exp_tok.kind else {
            unreachable!("called on an integer")
        };
        self.expect(TokenKind::Colon, "`:`")?;
        let run = match self.peek().kind {
            TokenKind::Int(n) => Run::Number(n),
            TokenKind::Star => Run::Last,
            _ => {
                return Err(self.expected(
                    "a run number or `*`",
                    Some("a run point reads `EXP:RUN`, e.g. `3:529` or `7:*`".into()),
                ))
            }
        };
        let end = self.bump().span;
        Ok(RunPoint {
            exp,
            run,
            span: exp_tok.span.to(end),
        })
    }

    fn run_point_value(&mut self) -> PResult<RunPoint> {
        match self.peek().kind {
            TokenKind::Int(_) => self.run_point(),
            _ => Err(self.expected(
                "a run point",
                Some("a range reads `3:529 ..= 3:5613`, or `8:0 ..` for an open end".into()),
            )),
        }
    }

    /// After a run point: `..= P`, `..`, or nothing (a bare run point).
    fn range_after(&mut self, start: RunPoint) -> PResult<Value> {
        let kind = if self.eat(&TokenKind::DotDotEq).is_some() {
            let end = self.run_point_value()?;
            ValueKind::Iov(Iov {
                kind: IovKind::Closed { start, end },
                span: start.span.to(end.span),
            })
        } else if let Some(dots) = self.eat(&TokenKind::DotDot) {
            ValueKind::Iov(Iov {
                kind: IovKind::Open { start },
                span: start.span.to(dots.span),
            })
        } else {
            ValueKind::RunPoint(start)
        };
        Ok(Value {
            kind,
            span: start.span.to(self.prev_span()),
        })
    }

    /// An IoV at the start of an IoV line.
    fn iov(&mut self) -> PResult<Iov> {
        if self.at_ident("always") {
            let span = self.bump().span;
            return Ok(Iov {
                kind: IovKind::Always,
                span,
            });
        }
        let start = self.run_point()?;
        match self.range_after(start)?.kind {
            ValueKind::Iov(iov) => Ok(iov),
            _ => Err(self.expected(
                "`..=` or `..`",
                Some("an interval reads `3:529 ..= 7:*`, `8:0 ..` or `always`".into()),
            )),
        }
    }
}
