//! Diagnostics: what every phase reports, independent of how it is shown.
//!
//! A [`Diagnostic`] has a [`Code`], a message (lower case, no trailing
//! period), a primary label, secondary labels and an optional help text.
//! Phases build them with the small constructors of their own
//! `diagnostics.rs`; the [`render`] module turns them into human, JSON or
//! GitHub output at the edge of the program.

mod codes;
pub mod escape;
mod excerpt;
pub mod render;

pub use codes::Code;

use crate::source::Span;
use serde::Serialize;

/// Error or warning; derived from the code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// A span with an optional message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Label {
    pub span: Span,
    pub message: Option<String>,
}

impl Label {
    pub fn new(span: Span, message: impl Into<String>) -> Label {
        Label {
            span,
            message: Some(message.into()),
        }
    }

    pub fn bare(span: Span) -> Label {
        Label {
            span,
            message: None,
        }
    }
}

/// One problem found in the input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub code: Code,
    pub message: String,
    pub primary: Label,
    pub secondary: Vec<Label>,
    pub help: Option<String>,
}

impl Diagnostic {
    /// A diagnostic whose primary label carries `label`.
    pub fn new(
        code: Code,
        message: impl Into<String>,
        span: Span,
        label: impl Into<String>,
    ) -> Self {
        let label: String = label.into();
        let primary = if label.is_empty() {
            Label::bare(span)
        } else {
            Label::new(span, label)
        };
        Diagnostic {
            code,
            message: message.into(),
            primary,
            secondary: Vec::new(),
            help: None,
        }
    }

    pub fn with_label(mut self, span: Span, message: impl Into<String>) -> Self {
        self.secondary.push(Label::new(span, message));
        self
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn severity(&self) -> Severity {
        if self.code.is_warning() {
            Severity::Warning
        } else {
            Severity::Error
        }
    }

    pub fn is_error(&self) -> bool {
        self.severity() == Severity::Error
    }

    /// Sort key: file, position, then code, so that output is the same
    /// whatever order the phases found the problems in.
    fn sort_key(&self) -> (Span, Code, &str) {
        (self.primary.span, self.code, &self.message)
    }
}

/// Sorts diagnostics by file and position and drops exact duplicates.
pub fn sort_and_dedup(diags: &mut Vec<Diagnostic>) {
    diags.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    diags.dedup();
}

/// A "did you mean" suggestion: the candidate closest to `name` by edit
/// distance, if it is close enough to be a plausible typo.
pub fn did_you_mean<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    // Names this long are no typos; skipping them also bounds the work.
    if name.len() > 64 {
        return None;
    }
    // Very short names only match when they differ in letter case: any
    // one-letter edit of a two-letter word is too likely to be a stranger.
    let len = name.chars().count();
    let limit = if len < 3 { 0 } else { (len / 3).max(1) };
    candidates
        .into_iter()
        .map(|c| {
            let d = if c.eq_ignore_ascii_case(name) {
                0
            } else {
                edit_distance(name, c)
            };
            (d, c)
        })
        .filter(|&(d, _)| d <= limit)
        .min()
        .map(|(_, c)| c)
}

/// Edit distance over characters: insertions, deletions, substitutions and
/// transpositions of neighbours (`slrum` is one edit from `slurm`).
pub fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let width = b.len() + 1;
    let mut d = vec![0usize; (a.len() + 1) * width];
    for i in 0..=a.len() {
        for j in 0..=b.len() {
            d[i * width + j] = if i == 0 || j == 0 {
                i + j
            } else {
                let cost = usize::from(a[i - 1] != b[j - 1]);
                let mut best = (d[(i - 1) * width + j] + 1)
                    .min(d[i * width + j - 1] + 1)
                    .min(d[(i - 1) * width + j - 1] + cost);
                if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                    best = best.min(d[(i - 2) * width + j - 2] + 1);
                }
                best
            };
        }
    }
    d[a.len() * width + b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edit_distance_counts_single_edits() {
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("payload", "payload"), 0);
        assert_eq!(edit_distance("slrum", "slurm"), 1);
    }

    #[test]
    fn did_you_mean_picks_the_closest_plausible_name() {
        let names = ["globaltag", "calibration", "processing"];
        assert_eq!(did_you_mean("globaltg", names), Some("globaltag"));
        assert_eq!(did_you_mean("procesing", names), Some("processing"));
        assert_eq!(did_you_mean("zzz", names), None);
    }

    #[test]
    fn codes_parse_case_insensitively_and_know_their_severity() {
        assert_eq!(Code::parse("e0401"), Some(Code::E0401));
        assert!(Code::W0410.is_warning());
        assert!(!Code::E0101.is_warning());
        assert_eq!(Code::parse("E9999"), None);
    }
}
