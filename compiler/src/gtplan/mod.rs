//! Global tag upload plans: a tag's desired content (its effective payload
//! IoVs, base included) ordered by calibration stage, the difference to a
//! current state (`prodc plan`), and the `b2conditionsdb` upload steps.

pub mod diff;
pub mod states;

use crate::check::iov::write_database_form;
use crate::graph::{schedule, DependencyGraph, Node};
use crate::model::{Iov, Model, Revision, TagId};
use std::collections::BTreeMap;

/// One line of a payload list: `dbstore/NAME REV E1,R1,E2,R2`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Entry {
    pub payload: String,
    pub revision: String,
    pub iov: IovKey,
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
        let run = |(exp, run): (u64, u64)| crate::model::RunId { exp, run };
        Iov {
            start: run(self.start),
            end: (self.end != (u64::MAX, u64::MAX)).then(|| run(self.end)),
        }
    }

    pub fn is_open(self) -> bool {
        self.end == (u64::MAX, u64::MAX)
    }
}

impl Entry {
    /// The line in basf2's testing-payload format.
    pub fn line(&self) -> String {
        let mut out = String::new();
        self.write_line(&mut out);
        out
    }

    /// Appends [`Entry::line`] and a newline to `out`.
    pub fn write_line(&self, out: &mut String) {
        out.push_str("dbstore/");
        out.push_str(&self.payload);
        out.push(' ');
        out.push_str(&self.revision);
        out.push(' ');
        write_database_form(out, &self.iov.iov());
        out.push('\n');
    }
}

pub fn revision_text(rev: &Revision) -> String {
    match rev {
        Revision::Number(n) => n.to_string(),
        Revision::Text(t) => t.to_string(),
    }
}

/// A group of payloads uploaded together: the payloads no calibration
/// produces (stage 0), then those of each producing calibration.
#[derive(Debug, Clone)]
pub struct Stage {
    /// `None` for the payloads no calibration produces.
    pub calibration: Option<String>,
    pub entries: Vec<Entry>,
}

impl Stage {
    pub fn label(&self) -> &str {
        self.calibration.as_deref().unwrap_or("unproduced")
    }
}

/// The desired content of a tag, in stages.
pub fn stages(model: &Model, tag: TagId) -> Vec<Stage> {
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
    for (name, (_, payload)) in payloads {
        let stage = producer.get(name).copied();
        for entry in &payload.iovs {
            grouped.entry(stage).or_default().push(Entry {
                payload: name.to_string(),
                revision: revision_text(&entry.revision),
                iov: IovKey::of(&entry.iov),
            });
        }
    }
    grouped
        .into_iter()
        .map(|(stage, mut entries)| {
            entries.sort_by(|a, b| (&a.payload, a.iov).cmp(&(&b.payload, b.iov)));
            Stage {
                calibration: stage.map(|rank| model.calibrations[order[rank]].name.text.clone()),
                entries,
            }
        })
        .collect()
}

/// `database.txt`: every stage's lines, in stage order.
pub fn database_txt(stages: &[Stage]) -> String {
    let mut text = String::new();
    for stage in stages {
        text.push_str(&format!("# stage: {}\n", stage.label()));
        for e in &stage.entries {
            e.write_line(&mut text);
        }
    }
    text
}
