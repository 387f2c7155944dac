//! The typed, resolved model of a project: what every phase after name
//! resolution consumes.
//!
//! It is built once by [`crate::resolve`] from the syntax tree and is a
//! different type from it: references are indices, quantities are numbers
//! in base units, enum values are resolved against the standard library and
//! defaults are filled in. A required reference that could not be resolved
//! is `None` (its error has been reported); later checks skip it, so that an
//! item with errors still takes part in every check it can.

mod values;

pub use values::*;

use crate::source::Span;
use schemars::JsonSchema;
use serde::Serialize;

/// A name with the span where it is written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct Name {
    /// The full name: `proc9`, or `std.kekcc_data` for the standard library.
    pub text: String,
    #[serde(skip)]
    pub span: Span,
}

impl Name {
    /// The name without the standard library's `std.` prefix: `kekcc_data`
    /// for `std.kekcc_data`, a project item's name as it is.
    pub fn bare(&self) -> &str {
        bare_name(&self.text)
    }
}

/// `name` without the standard library's prefix (`std.`), the one place
/// that knows how an item of the standard library is named.
pub fn bare_name(name: &str) -> &str {
    name.strip_prefix(crate::project::STD_PREFIX)
        .and_then(|rest| rest.strip_prefix('.'))
        .unwrap_or(name)
}

/// A value with the span of the text it came from.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct Spanned<T> {
    pub value: T,
    #[serde(skip)]
    pub span: Span,
}

impl<T> Spanned<T> {
    pub fn new(value: T, span: Span) -> Spanned<T> {
        Spanned { value, span }
    }
}

impl Spanned<String> {
    /// The span of bytes `at..at + len` of a string literal's value, so that
    /// a diagnostic can point inside the string; the whole literal when its
    /// text has escapes (then offsets in the value do not match the source).
    pub fn inside(&self, at: usize, len: usize) -> Span {
        let span = self.span;
        if span.len() != self.value.len() + 2 {
            return span;
        }
        let start = span.start as usize + 1 + at;
        Span::new(span.file, start, start + len)
    }
}

/// Indices into the item lists of [`Model`].
macro_rules! ids {
    ($($id:ident),*) => {$(
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, JsonSchema)]
        #[serde(transparent)]
        pub struct $id(pub u32);
        impl $id {
            pub fn index(self) -> usize {
                self.0 as usize
            }
        }
    )*};
}
ids!(
    ReleaseId,
    TagId,
    CalibrationId,
    ProcessingId,
    CampaignId,
    SkimId,
    LayoutId,
    EnumId
);

/// What an `after` entry names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Step {
    Calibration(CalibrationId),
    Processing(ProcessingId),
}

/// Every item of a project and of the standard library, resolved.
#[derive(Debug, Clone, Default, Serialize, JsonSchema)]
pub struct Model {
    pub releases: Vec<Release>,
    pub tags: Vec<GlobalTag>,
    pub calibrations: Vec<Calibration>,
    pub processings: Vec<Processing>,
    pub campaigns: Vec<Campaign>,
    pub skims: Vec<Skim>,
    pub layouts: Vec<Layout>,
    pub enums: Vec<EnumDef>,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Release {
    pub name: Name,
    pub status: EnumValue,
    pub is_std: bool,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct GlobalTag {
    pub name: Name,
    pub docs: Vec<String>,
    pub id: Option<Spanned<u64>>,
    /// Fields written with an invalid value (already reported): later
    /// checks must not treat them as missing or defaulted.
    #[serde(skip)]
    pub invalid: Vec<&'static str>,
    #[serde(rename = "type")]
    pub ty: EnumValue,
    pub state: EnumValue,
    pub release: Option<Spanned<String>>,
    pub iov_policy: EnumValue,
    pub base: Option<Spanned<TagId>>,
    pub description: Option<String>,
    /// Payloads by name, written and imported lines merged, in name order.
    pub payloads: Vec<Payload>,
    pub is_std: bool,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Payload {
    pub name: Name,
    pub docs: Vec<String>,
    pub release: Option<Spanned<String>>,
    pub optional: bool,
    /// Written lines first in file order, then imported ones in file order.
    pub iovs: Vec<IovEntry>,
    /// Lines of an import file were malformed and left out (reported):
    /// the intervals may have holes that are not real gaps.
    #[serde(skip)]
    pub incomplete: bool,
}

/// One IoV line of a payload, written or imported; JSON
/// `{"iov": …, "revision": …, "imported": …}`. A tag has up to a million:
/// the interval is kept as two runs and a flag rather than as an [`Iov`],
/// whose optional end takes 8 bytes more, so that an entry takes 64 bytes
/// instead of 72.
#[derive(Debug, Clone)]
pub struct IovEntry {
    start: RunId,
    /// The last run, unless the interval is open ([`IovEntry::OPEN`]).
    end: RunId,
    pub revision: Revision,
    pub span: Span,
    flags: u8,
}

impl IovEntry {
    /// The interval never ends.
    const OPEN: u8 = 1;
    /// The line comes from a payload dump (`payloads from`).
    const IMPORTED: u8 = 2;

    pub fn new(iov: Iov, revision: Revision, imported: bool, span: Span) -> IovEntry {
        let open = if iov.end.is_none() { Self::OPEN } else { 0 };
        let imported = if imported { Self::IMPORTED } else { 0 };
        IovEntry {
            start: iov.start,
            end: iov.end.unwrap_or(iov.start),
            revision,
            span,
            flags: open | imported,
        }
    }

    pub fn iov(&self) -> Iov {
        Iov {
            start: self.start,
            end: (self.flags & Self::OPEN == 0).then_some(self.end),
        }
    }

    /// Whether the line comes from a payload dump (`payloads from`).
    pub fn imported(&self) -> bool {
        self.flags & Self::IMPORTED != 0
    }
}

// The JSON form of an `IovEntry`, and its schema; the doc comment below is
// the schema's description.
/// One IoV line of a payload, written or imported.
#[derive(Serialize, JsonSchema)]
#[schemars(rename = "IovEntry")]
struct IovEntryJson<'a> {
    iov: Iov,
    revision: &'a Revision,
    imported: bool,
}

impl Serialize for IovEntry {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        IovEntryJson {
            iov: self.iov(),
            revision: &self.revision,
            imported: self.imported(),
        }
        .serialize(serializer)
    }
}

impl JsonSchema for IovEntry {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        IovEntryJson::schema_name()
    }

    fn schema_id() -> std::borrow::Cow<'static, str> {
        IovEntryJson::schema_id()
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        IovEntryJson::json_schema(generator)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Revision {
    Number(u64),
    /// Boxed rather than a `String`: an IoV entry is one of a million.
    Text(Box<str>),
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Calibration {
    pub name: Name,
    pub docs: Vec<String>,
    pub after: Vec<Spanned<Step>>,
    pub produces: Vec<Name>,
    pub into: Option<Spanned<TagId>>,
    pub input: Option<Spanned<ProcessingId>>,
    pub duration_hours: Option<f64>,
    pub owner: Option<String>,
    pub description: Option<String>,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Processing {
    pub name: Name,
    pub docs: Vec<String>,
    pub release: Option<Spanned<String>>,
    pub globaltags: Vec<Spanned<TagId>>,
    pub after: Vec<Spanned<Step>>,
    pub layout: Option<Spanned<LayoutId>>,
    /// Run ranges per beam, in the order written.
    pub runs: Vec<BeamRuns>,
    pub tiers: Vec<EnumValue>,
    pub skims: Vec<Spanned<SkimId>>,
    pub luminosity: Vec<BeamLuminosity>,
    pub production: Option<Spanned<u64>>,
    pub status: EnumValue,
    pub ticket: Option<String>,
    pub description: Option<String>,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct BeamRuns {
    pub beam: EnumValue,
    pub ranges: Vec<Spanned<RunRange>>,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct BeamLuminosity {
    pub beam: EnumValue,
    pub per_pb: f64,
}

/// Run-independent MC (run 0 of one experiment) or listed runs.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum CampaignRuns {
    Experiment(Spanned<u64>),
    Runs(Vec<Spanned<RunRange>>),
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Campaign {
    pub name: Name,
    pub docs: Vec<String>,
    pub release: Option<Spanned<String>>,
    pub globaltags: Vec<Spanned<TagId>>,
    pub runs: Option<CampaignRuns>,
    pub beam: Option<EnumValue>,
    pub layout: Option<Spanned<LayoutId>>,
    pub tier: Option<EnumValue>,
    pub event_size_bytes: Option<Spanned<u64>>,
    pub events_per_job: u64,
    pub description: Option<String>,
    pub samples: Vec<Sample>,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Sample {
    pub name: Name,
    pub docs: Vec<String>,
    pub event_type: Option<Spanned<EventType>>,
    pub events: Option<Spanned<u64>>,
    pub priority: EnumValue,
    pub status: EnumValue,
    pub ticket: Option<String>,
    pub wg: Option<String>,
    pub size_bytes: Option<Spanned<u64>>,
    pub description: Option<String>,
    pub productions: Vec<Production>,
    #[serde(skip)]
    pub span: Span,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Production {
    pub id: Spanned<u64>,
    pub docs: Vec<String>,
    pub background: Option<EnumValue>,
    /// The share of the sample's events; NaN when it is missing or invalid.
    pub fraction: Spanned<f64>,
    /// The fraction as written, for exact arithmetic (`None` when implied).
    pub fraction_text: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum EventType {
    /// A 10-digit event type number.
    Number(u64),
    /// A generic sample name (`mixed`, `charged`, …).
    Generic(String),
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Skim {
    pub name: Name,
    pub docs: Vec<String>,
    pub kind: EnumValue,
    pub code: Option<Spanned<u64>>,
    pub wg: Option<String>,
    pub tiers: Vec<EnumValue>,
    pub is_std: bool,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Layout {
    pub name: Name,
    pub docs: Vec<String>,
    pub path: Option<Spanned<String>>,
    pub skim_path: Option<Spanned<String>>,
    pub files_per_block: u64,
    pub is_std: bool,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct EnumDef {
    pub name: Name,
    pub docs: Vec<String>,
    pub entries: Vec<EnumEntry>,
    pub is_std: bool,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct EnumEntry {
    pub name: String,
    pub text: String,
}

impl Model {
    pub fn tag(&self, id: TagId) -> &GlobalTag {
        &self.tags[id.index()]
    }

    pub fn layout(&self, id: LayoutId) -> &Layout {
        &self.layouts[id.index()]
    }

    pub fn skim(&self, id: SkimId) -> &Skim {
        &self.skims[id.index()]
    }

    pub fn processing(&self, id: ProcessingId) -> &Processing {
        &self.processings[id.index()]
    }

    pub fn calibration(&self, id: CalibrationId) -> &Calibration {
        &self.calibrations[id.index()]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_iov_entry_keeps_its_interval_and_flag_in_64_bytes() {
        assert_eq!(std::mem::size_of::<IovEntry>(), 64);
        let run = |exp, run| RunId { exp, run };
        let span = Span::new(crate::source::FileId(0), 3, 9);
        let closed = Iov {
            start: run(1, 0),
            end: Some(run(1, RunId::LAST)),
        };
        let open = Iov {
            start: run(2, 5),
            end: None,
        };
        for (iov, imported) in [(closed, false), (closed, true), (open, false), (open, true)] {
            let entry = IovEntry::new(iov, Revision::Number(4), imported, span);
            assert_eq!(entry.iov(), iov);
            assert_eq!(entry.imported(), imported);
            assert_eq!(entry.span, span);
        }
    }
}

#[cfg(test)]
mod bare_name_tests {
    use super::bare_name;

    #[test]
    fn only_the_standard_library_prefix_goes() {
        assert_eq!(bare_name("std.kekcc_data"), "kekcc_data");
        assert_eq!(bare_name("proc9"), "proc9");
        assert_eq!(bare_name("stdx.a"), "stdx.a");
        assert_eq!(bare_name("std.std.a"), "std.a");
    }
}
