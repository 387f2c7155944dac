//! The untyped syntax tree of one `.prod` file.
//!
//! The tree mirrors the text: items with bodies of entries (fields, nested
//! blocks, IoV lines, imports). Which fields an item may have, and what they
//! mean, is decided later by name resolution; the parser only knows which
//! nested blocks may appear where. Every node keeps its [`Span`], except the
//! parts of an IoV line (see [`IovLine`]).

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

/// An entry of a block. The rare large variants are boxed so that an entry
/// costs little more than an IoV line, of which a tag has a million.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Entry {
    /// `name = value`
    Field(Box<Field>),
    /// `name { key = value … }`, e.g. `runs { Y4S = [...] }`.
    Map(Box<MapBlock>),
    /// `sample NAME { … }`, `production ID { … }`, `payload NAME { … }`.
    Nested(Box<Nested>),
    /// `payloads from "file"`
    Import(Box<Import>),
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

/// `IOV rev REVISION`, a line of a payload.
///
/// A full conditions tag has a million of these, so a line is stored in 64
/// bytes (an [`Entry`] holding one is no larger): the values as written and
/// the span of the whole line, which is all that checks report on. Build
/// one with [`IovLine::new`]; [`IovLine::iov`] gives the interval back.
#[derive(Debug, Clone, PartialEq)]
pub struct IovLine {
    start: [u64; 2],
    end: [u64; 2],
    shape: Shape,
    pub rev: Revision,
    pub span: Span,
}

/// The form of an IoV line's interval, with whether each bound's run is `*`
/// (the run fields then hold 0). An enum rather than bit flags so that the
/// invalid values are a niche that [`Entry`] uses for its variant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    Closed,
    ClosedToLast,
    ClosedFromLast,
    ClosedLastToLast,
    Open,
    OpenFromLast,
    Always,
}

impl IovLine {
    pub fn new(iov: LineIov, rev: Revision, span: Span) -> IovLine {
        let parts = |p: Point| match p.run {
            Run::Number(n) => ([p.exp, n], false),
            Run::Last => ([p.exp, 0], true),
        };
        let (start, end, shape) = match iov {
            LineIov::Closed { start, end } => {
                let ((start, a), (end, b)) = (parts(start), parts(end));
                let shape = match (a, b) {
                    (false, false) => Shape::Closed,
                    (false, true) => Shape::ClosedToLast,
                    (true, false) => Shape::ClosedFromLast,
                    (true, true) => Shape::ClosedLastToLast,
                };
                (start, end, shape)
            }
            LineIov::Open { start } => {
                let (start, last) = parts(start);
                let shape = if last {
                    Shape::OpenFromLast
                } else {
                    Shape::Open
                };
                (start, [0, 0], shape)
            }
            LineIov::Always => ([0, 0], [0, 0], Shape::Always),
        };
        IovLine {
            start,
            end,
            shape,
            rev,
            span,
        }
    }

    /// The interval as written.
    pub fn iov(&self) -> LineIov {
        let point = |[exp, run]: [u64; 2], last: bool| Point {
            exp,
            run: if last { Run::Last } else { Run::Number(run) },
        };
        let (start_last, end_last) = match self.shape {
            Shape::Closed | Shape::Open | Shape::Always => (false, false),
            Shape::ClosedToLast => (false, true),
            Shape::ClosedFromLast | Shape::OpenFromLast => (true, false),
            Shape::ClosedLastToLast => (true, true),
        };
        let start = point(self.start, start_last);
        match self.shape {
            Shape::Open | Shape::OpenFromLast => LineIov::Open { start },
            Shape::Always => LineIov::Always,
            _ => LineIov::Closed {
                start,
                end: point(self.end, end_last),
            },
        }
    }
}

impl Serialize for IovLine {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut out = serializer.serialize_struct("IovLine", 3)?;
        out.serialize_field("iov", &self.iov())?;
        out.serialize_field("rev", &self.rev)?;
        out.serialize_field("span", &self.span)?;
        out.end()
    }
}

/// `EXP:RUN` of an IoV line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Point {
    pub exp: u64,
    pub run: Run,
}

impl From<RunPoint> for Point {
    fn from(point: RunPoint) -> Point {
        Point {
            exp: point.exp,
            run: point.run,
        }
    }
}

/// The interval of an IoV line, as written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LineIov {
    /// `a ..= b`
    Closed { start: Point, end: Point },
    /// `a ..`
    Open { start: Point },
    /// `always`
    Always,
}

impl From<IovKind> for LineIov {
    fn from(kind: IovKind) -> LineIov {
        match kind {
            IovKind::Closed { start, end } => LineIov::Closed {
                start: start.into(),
                end: end.into(),
            },
            IovKind::Open { start } => LineIov::Open {
                start: start.into(),
            },
            IovKind::Always => LineIov::Always,
        }
    }
}

/// The revision of an IoV line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Revision {
    /// A server revision.
    Number(u64),
    /// A local checksum revision.
    Text(Box<str>),
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
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
