//! The untyped syntax tree of one `.prod` file.
//!
//! The tree mirrors the text: items with bodies of entries (fields, nested
//! blocks, IoV lines, imports). Which fields an item may have, and what they
//! mean, is decided later by name resolution; the parser only knows which
//! nested blocks may appear where. Every node keeps its [`Span`].

use crate::source::Span;
use serde::Serialize;

/// An identifier with its span.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Ident {
    pub name: String,
    pub span: Span,
}

/// The kinds of top-level items (LANGUAGE.md §2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemKind {
    Release,
    GlobalTag,
    Calibration,
    Processing,
    Campaign,
    Skim,
    Layout,
    Enum,
}

impl ItemKind {
    pub const ALL: [ItemKind; 8] = [
        ItemKind::Release,
        ItemKind::GlobalTag,
        ItemKind::Calibration,
        ItemKind::Processing,
        ItemKind::Campaign,
        ItemKind::Skim,
        ItemKind::Layout,
        ItemKind::Enum,
    ];

    /// The keyword that introduces the item.
    pub fn keyword(self) -> &'static str {
        match self {
            ItemKind::Release => "release",
            ItemKind::GlobalTag => "globaltag",
            ItemKind::Calibration => "calibration",
            ItemKind::Processing => "processing",
            ItemKind::Campaign => "campaign",
            ItemKind::Skim => "skim",
            ItemKind::Layout => "layout",
            ItemKind::Enum => "enum",
        }
    }

    pub fn from_keyword(word: &str) -> Option<ItemKind> {
        ItemKind::ALL.into_iter().find(|k| k.keyword() == word)
    }
}

/// One parsed file.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SourceUnit {
    pub items: Vec<Item>,
}

/// A top-level item: `KIND NAME { … }` (a release is named by a string).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Item {
    pub kind: ItemKind,
    pub name: Ident,
    pub docs: Vec<String>,
    pub body: ItemBody,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemBody {
    /// The body of every item but `enum`.
    Block(Block),
    /// `enum NAME { A = "a", B, … }`
    Enum(Vec<EnumEntry>),
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EnumEntry {
    pub name: Ident,
    pub text: Option<StringLit>,
    pub span: Span,
}

/// The entries between `{` and `}`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Block {
    pub entries: Vec<Entry>,
    pub span: Span,
    /// Whether an entry failed to parse: the block may lack fields that
    /// were written, so "missing field" errors would only repeat the cause.
    pub recovered: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Entry {
    /// `name = value`
    Field(Field),
    /// `name { key = value … }`, e.g. `runs { Y4S = [...] }`.
    Map(MapBlock),
    /// `sample NAME { … }`, `production ID { … }`, `payload NAME { … }`.
    Nested(Nested),
    /// `payloads from "file"`
    Import(Import),
    /// `IOV rev REVISION`, inside a payload.
    Iov(IovLine),
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Field {
    pub name: Ident,
    pub value: Value,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MapBlock {
    pub name: Ident,
    pub fields: Vec<Field>,
    pub span: Span,
}

/// The kinds of nested blocks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NestedKind {
    Sample,
    Production,
    Payload,
}

impl NestedKind {
    pub fn keyword(self) -> &'static str {
        match self {
            NestedKind::Sample => "sample",
            NestedKind::Production => "production",
            NestedKind::Payload => "payload",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Nested {
    pub kind: NestedKind,
    /// The sample or payload name, or the production id as written.
    pub label: Label,
    pub docs: Vec<String>,
    pub body: Block,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Label {
    Name(Ident),
    Id { value: u64, span: Span },
}

impl Label {
    pub fn span(&self) -> Span {
        match self {
            Label::Name(ident) => ident.span,
            Label::Id { span, .. } => *span,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Import {
    pub path: StringLit,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IovLine {
    pub iov: Iov,
    pub rev: Revision,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Revision {
    /// A server revision.
    Number { value: u64, span: Span },
    /// A local checksum revision.
    Text(StringLit),
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StringLit {
    pub value: String,
    pub span: Span,
}

/// A run number, or `*` (the last run of the experiment).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Run {
    Number(u64),
    Last,
}

/// `EXP:RUN`
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct RunPoint {
    pub exp: u64,
    pub run: Run,
    pub span: Span,
}

/// An interval of validity as written.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum IovKind {
    /// `a ..= b`
    Closed { start: RunPoint, end: RunPoint },
    /// `a ..`
    Open { start: RunPoint },
    /// `always`
    Always,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Iov {
    pub kind: IovKind,
    pub span: Span,
}

/// A value on the right of `=`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Value {
    pub kind: ValueKind,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ValueKind {
    Str(String),
    Int(u64),
    /// A number with a fractional part, kept as written (without `_`).
    Float(String),
    /// A number with a unit, e.g. `50M` (number `50`, unit `M`).
    Quantity {
        number: String,
        unit: String,
    },
    Bool(bool),
    /// An identifier or a qualified path such as `std.hlt_hadron`.
    Path(Vec<Ident>),
    RunPoint(RunPoint),
    Iov(Iov),
    List(Vec<Value>),
    /// Stands in for a value that failed to parse; never reported twice.
    Error,
}
