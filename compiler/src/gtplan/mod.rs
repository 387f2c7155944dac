//! Global tag upload plans: a tag's desired content (its effective payload
//! IoVs, base included) ordered by calibration stage, the difference to a
//! current state (`prodc plan`), and the `b2conditionsdb` upload steps.

pub mod current;
pub mod diff;
mod plan_json;
pub mod states;

use crate::graph::{schedule, DependencyGraph, Node};
use crate::model::{Iov, Model, Revision, RunId, TagId};
use std::collections::BTreeMap;
use std::fmt;

/// One line of a payload list: `dbstore/NAME REV E1,R1,E2,R2`. It borrows
/// the payload name: a full tag has a million lines and a hundred of them
/// share each name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Entry<'a> {
    pub payload: &'a str,
    pub revision: Rev<'a>,
    pub iov: IovKey,
}

/// A revision as plans compare and print it. Text that is a plain decimal
/// number is that number, so `12` written as text and `12` read from the
/// database are the same revision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Rev<'a> {
    Number(u64),
    Text(&'a str),
}

impl<'a> Rev<'a> {
    pub fn of(revision: &'a Revision) -> Rev<'a> {
        match revision {
            Revision::Number(n) => Rev::Number(*n),
            Revision::Text(text) => Rev::text(text),
        }
    }

    /// A revision read from `ast` (a current state's `database.txt`).
    pub fn of_ast(revision: &'a crate::syntax::ast::Revision) -> Rev<'a> {
        match revision {
            crate::syntax::ast::Revision::Number(n) => Rev::Number(*n),
            crate::syntax::ast::Revision::Text(text) => Rev::text(text),
        }
    }

    fn text(text: &'a str) -> Rev<'a> {
        let canonical = !text.is_empty()
            && text.bytes().all(|b| b.is_ascii_digit())
            && (text == "0" || !text.starts_with('0'));
        match text.parse() {
            Ok(n) if canonical => Rev::Number(n),
            _ => Rev::Text(text),
        }
    }

    /// Appends the revision to `out`.
    pub fn write(self, out: &mut String) {
        match self {
            Rev::Number(n) => out.push_str(itoa::Buffer::new().format(n)),
            Rev::Text(text) => out.push_str(text),
        }
    }
}

impl fmt::Display for Rev<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Rev::Number(n) => f.write_str(itoa::Buffer::new().format(*n)),
            Rev::Text(text) => f.write_str(text),
        }
    }
}

impl serde::Serialize for Rev<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// An IoV as a sortable key: start, then end (open last).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct IovKey {
    pub start: (u64, u64),
    /// `None` sorts before `Some`, so open ends are mapped to `(MAX, MAX)`.
    pub end: (u64, u64),
}

impl IovKey {
    pub fn of(iov: &Iov) -> IovKey {
        IovKey {
            start: (iov.start.exp, iov.start.run),
            end: iov.end.map_or((u64::MAX, u64::MAX), |e| (e.exp, e.run)),
        }
    }

    pub fn iov(self) -> Iov {
        let run = |(exp, run): (u64, u64)| RunId { exp, run };
        Iov {
            start: run(self.start),
            end: (!self.is_open()).then(|| run(self.end)),
        }
    }

    pub fn is_open(self) -> bool {
        self.end == (u64::MAX, u64::MAX)
    }

    /// Appends the database form `e1,r1,e2,r2` to `out`.
    pub fn write_database_form(self, out: &mut String) {
        crate::check::iov::write_database_form(out, &self.iov());
    }
}

/// The database form, e.g. in `plan.json`.
impl fmt::Display for IovKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        crate::check::iov::write_database_form_to(f, &self.iov())
    }
}

impl serde::Serialize for IovKey {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl Entry<'_> {
    /// Appends the line in basf2's testing-payload format and a newline to
    /// `out`.
    pub fn write_line(&self, out: &mut String) {
        out.push_str("dbstore/");
        out.push_str(self.payload);
        out.push(' ');
        self.revision.write(out);
        out.push(' ');
        self.iov.write_database_form(out);
        out.push('\n');
    }
}

pub fn revision_text(rev: &Revision) -> String {
    Rev::of(rev).to_string()
}

/// A group of payloads uploaded together: the payloads no calibration
/// produces (stage 0), then those of each producing calibration.
#[derive(Debug, Clone)]
pub struct Stage<'a> {
    /// `None` for the payloads no calibration produces.
    pub calibration: Option<&'a str>,
    pub entries: Vec<Entry<'a>>,
}

impl Stage<'_> {
    pub fn label(&self) -> &str {
        self.calibration.unwrap_or("unproduced")
    }

    /// The stage's payload list: one line per entry.
    pub fn text(&self) -> String {
        // About 40 bytes a line: reserving them spares the copies of a
        // growing string of megabytes.
        let mut text = String::with_capacity(self.entries.len() * 40);
        for e in &self.entries {
            e.write_line(&mut text);
        }
        text
    }
}

/// The desired content of a tag, in stages.
pub fn stages(model: &Model, tag: TagId) -> Vec<Stage<'_>> {
    let payloads = crate::check::tags::effective_payloads(model, tag);
    // The tags whose payloads end up in this one: itself and its base chain.
    let chain = crate::check::tags::base_chain(model, tag);
    // Calibrations in schedule order (stage, then model order).
    let graph = DependencyGraph::build(model);
    let order: Vec<usize> = match schedule::schedule(model, &graph) {
        Some(plan) => plan
            .slots
            .iter()
            .filter_map(|s| match s.node {
                Node::Calibration(c) => Some(c.index()),
                _ => None,
            })
            .collect(),
        None => (0..model.calibrations.len()).collect(),
    };
    let mut producer: BTreeMap<&str, usize> = BTreeMap::new();
    for (rank, &c) in order.iter().enumerate() {
        let cal = &model.calibrations[c];
        if cal.into.as_ref().is_some_and(|t| chain.contains(&t.value)) {
            for p in &cal.produces {
                producer.entry(p.text.as_str()).or_insert(rank);
            }
        }
    }
    let mut grouped: BTreeMap<Option<usize>, Vec<Entry>> = BTreeMap::new();
    // Payloads come in name order, so sorting each payload's own lines by
    // interval sorts a stage by (payload, interval).
    for (name, (_, payload)) in payloads {
        let stage = grouped.entry(producer.get(name).copied()).or_default();
        let first = stage.len();
        stage.extend(payload.iovs.iter().map(|entry| Entry {
            payload: name,
            revision: Rev::of(&entry.revision),
            iov: IovKey::of(&entry.iov()),
        }));
        stage[first..].sort_by_key(|e| e.iov);
    }
    grouped
        .into_iter()
        .map(|(stage, entries)| Stage {
            calibration: stage.map(|rank| model.calibrations[order[rank]].name.text.as_str()),
            entries,
        })
        .collect()
}

/// Writes `database.txt`: every stage's lines under a `# stage:` header, in
/// stage order, given the stages and their [`Stage::text`]s.
pub fn write_database_txt(
    out: &mut dyn std::io::Write,
    stages: &[Stage],
    texts: &[String],
) -> std::io::Result<()> {
    for (stage, lines) in stages.iter().zip(texts) {
        out.write_all(format!("# stage: {}\n", stage.label()).as_bytes())?;
        out.write_all(lines.as_bytes())?;
    }
    Ok(())
}
