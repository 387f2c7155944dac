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

/// One IoV line of a payload, written or imported.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct IovEntry {
    pub iov: Iov,
    pub revision: Revision,
    pub imported: bool,
    #[serde(skip)]
    pub span: Span,
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
