//! Values of the typed model: enum values, run points, intervals.

use schemars::JsonSchema;
use serde::Serialize;

/// A value of a standard-library enum, e.g. `beam` `Y4S` with text `4S`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct EnumValue {
    /// The entry's identifier, e.g. `Y4S`.
    pub name: String,
    /// The entry's string form, e.g. `4S`.
    pub text: String,
    /// The entry's position in its enum (the rank of a priority).
    pub index: usize,
}

impl EnumValue {
    pub fn is(&self, name: &str) -> bool {
        self.name == name
    }
}

/// A run: experiment and run number. `u64::MAX` as a run is "the last run of
/// the experiment" (`EXP:*`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, JsonSchema)]
pub struct RunId {
    pub exp: u64,
    pub run: u64,
}

impl RunId {
    pub const LAST: u64 = u64::MAX;
}

impl std::fmt::Display for RunId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.run == RunId::LAST {
            write!(f, "{}:*", self.exp)
        } else {
            write!(f, "{}:{}", self.exp, self.run)
        }
    }
}

/// An interval of validity: inclusive start, inclusive end or open.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
pub struct Iov {
    pub start: RunId,
    /// `None` is open: the interval never ends.
    pub end: Option<RunId>,
}

/// A closed run range of a processing or campaign: `a ..= b`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
pub struct RunRange {
    pub first: RunId,
    pub last: RunId,
}
