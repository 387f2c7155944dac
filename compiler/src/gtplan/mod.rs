//! Global tag upload plans: a tag's desired content (its effective payload
//! IoVs, base included) ordered by calibration stage, the difference to a
//! current state (`prodc plan`), and the `b2conditionsdb` upload steps.

pub mod current;
pub mod diff;
mod plan_json;
pub mod rules;
pub mod states;

use crate::check::base_forest::{BaseForest, Layered, Step};
use crate::graph::{schedule, DependencyGraph, Node};
use crate::model::{Iov, Model, Payload, Revision, RunId, TagId};
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

/// The calibrations as the plans order them: in schedule order (stage,
/// then model order), or in model order when `after` has a cycle.
#[derive(Debug)]
struct Producers {
    order: Vec<usize>,
    /// Each calibration's place in `order`.
    rank: Vec<usize>,
    /// By tag, the calibrations receiving into it.
    receivers: Vec<Vec<usize>>,
}

impl Producers {
    fn new(model: &Model) -> Producers {
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
        let mut rank = vec![usize::MAX; model.calibrations.len()];
        for (r, &c) in order.iter().enumerate() {
            rank[c] = r;
        }
        let mut receivers = vec![Vec::new(); model.tags.len()];
        for (c, cal) in model.calibrations.iter().enumerate() {
            if let Some(into) = &cal.into {
                receivers[into.value.index()].push(c);
            }
        }
        Producers {
            order,
            rank,
            receivers,
        }
    }
}

/// One payload of a tag's effective content, with the schedule rank of the
/// first calibration producing it into the tag or its base chain.
#[derive(Debug, Clone, Copy)]
struct Planned<'a> {
    name: &'a str,
    payload: &'a Payload,
    producer: Option<usize>,
}

/// What the plans of all tags share: the calibration order, computed once,
/// and what each tag's content is made of.
#[derive(Debug)]
pub struct Plans<'m> {
    model: &'m Model,
    producers: Producers,
    /// By tag: its effective payloads in name order (`None` for the tags
    /// of the standard library, which are not planned).
    planned: Vec<Option<Vec<Planned<'m>>>>,
}

impl<'m> Plans<'m> {
    /// The plans of every tag of the project. Without `base` cycles, one
    /// walk of the base forest gives every tag's content and producers
    /// (asking each tag on its own walks each chain again: quadratic over a
    /// long chain); with one (an error) each tag is computed on its own.
    pub fn new(model: &'m Model) -> Plans<'m> {
        let producers = Producers::new(model);
        let (rank, receivers) = (&producers.rank, &producers.receivers);
        let forest = BaseForest::new(model);
        let mut planned: Vec<Option<Vec<Planned<'m>>>> = vec![None; model.tags.len()];
        if forest.cycles().is_empty() {
            let mut content: Layered<&'m str, &'m Payload> = Layered::default();
            let mut producer: Layered<&'m str, usize> = Layered::default();
            forest.walk(|step| match step {
                Step::Enter(tag) => {
                    content.push();
                    producer.push();
                    for p in &model.tag(tag).payloads {
                        content.insert(p.name.text.as_str(), p);
                    }
                    for &c in &receivers[tag.index()] {
                        for p in &model.calibrations[c].produces {
                            let name = p.text.as_str();
                            if producer.get(&name).is_none_or(|&r| rank[c] < r) {
                                producer.insert(name, rank[c]);
                            }
                        }
                    }
                    if !model.tag(tag).is_std {
                        let entries = content.map().iter().map(|(&name, &payload)| Planned {
                            name,
                            payload,
                            producer: producer.get(&name).copied(),
                        });
                        planned[tag.index()] = Some(entries.collect());
                    }
                }
                Step::Leave(_) | Step::LeaveCycle(_) => {
                    content.pop();
                    producer.pop();
                }
                Step::EnterCycle(_) => {
                    content.push();
                    producer.push();
                }
            });
        } else {
            for (t, slot) in planned.iter_mut().enumerate() {
                if !model.tags[t].is_std {
                    *slot = Some(planned_alone(model, &producers, TagId(t as u32)));
                }
            }
        }
        Plans {
            model,
            producers,
            planned,
        }
    }

    /// The desired content of a tag, in stages (empty for a tag of the
    /// standard library).
    pub fn stages(&self, tag: TagId) -> Vec<Stage<'m>> {
        let planned = self.planned.get(tag.index()).and_then(Option::as_ref);
        let planned = planned.map_or(&[][..], Vec::as_slice);
        stages_of(self.model, &self.producers.order, planned)
    }
}

/// A tag's effective payloads with their producers, walking its own chain.
fn planned_alone<'m>(model: &'m Model, producers: &Producers, tag: TagId) -> Vec<Planned<'m>> {
    let rank = &producers.rank;
    let payloads = crate::check::tags::effective_payloads(model, tag);
    // The first producer of each payload into the tag or its base chain.
    let mut producer: BTreeMap<&str, usize> = BTreeMap::new();
    for id in crate::check::tags::base_chain(model, tag) {
        for &c in &producers.receivers[id.index()] {
            for p in &model.calibrations[c].produces {
                let first = producer.entry(p.text.as_str()).or_insert(rank[c]);
                *first = (*first).min(rank[c]);
            }
        }
    }
    payloads
        .into_iter()
        .map(|(name, (_, payload))| Planned {
            name,
            payload,
            producer: producer.get(name).copied(),
        })
        .collect()
}

/// The stages of a tag's planned payloads (in name order), in the order
/// of their producers in `order`.
fn stages_of<'m>(model: &'m Model, order: &[usize], planned: &[Planned<'m>]) -> Vec<Stage<'m>> {
    let mut grouped: BTreeMap<Option<usize>, Vec<Entry>> = BTreeMap::new();
    // Payloads come in name order, so sorting each payload's own lines by
    // interval sorts a stage by (payload, interval).
    for planned in planned {
        let stage = grouped.entry(planned.producer).or_default();
        let first = stage.len();
        stage.extend(planned.payload.iovs.iter().map(|entry| Entry {
            payload: planned.name,
            revision: Rev::of(&entry.revision),
            iov: IovKey::of(&entry.iov()),
        }));
        stage[first..].sort_by_key(|e| e.iov);
    }
    grouped
        .into_iter()
        .map(|(stage, entries)| Stage {
            calibration: stage
                .and_then(|rank| order.get(rank))
                .map(|&c| model.calibrations[c].name.text.as_str()),
            entries,
        })
        .collect()
}

/// The desired content of one tag, in stages.
pub fn stages(model: &Model, tag: TagId) -> Vec<Stage<'_>> {
    let producers = Producers::new(model);
    let planned = planned_alone(model, &producers, tag);
    stages_of(model, &producers.order, &planned)
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

#[cfg(test)]
mod tests {
    use super::{stages, Plans, Stage};
    use crate::model::TagId;

    fn shown<'a>(stages: &[Stage<'a>]) -> Vec<(String, Vec<super::Entry<'a>>)> {
        stages
            .iter()
            .map(|s| (s.label().to_string(), s.entries.clone()))
            .collect()
    }

    #[test]
    fn the_plans_of_all_tags_are_those_of_each_tag_alone() {
        for (seed, acyclic) in (0..30).map(|s| (s, s % 3 != 0)) {
            let vfs = crate::check::base_forest::tests::random_tags(seed, 12, acyclic);
            let checked = crate::check(&vfs).expect("loads");
            let model = &checked.model;
            let plans = Plans::new(model);
            for (t, tag) in model.tags.iter().enumerate() {
                let id = TagId(t as u32);
                let alone = if tag.is_std {
                    Vec::new()
                } else {
                    stages(model, id)
                };
                assert_eq!(
                    shown(&plans.stages(id)),
                    shown(&alone),
                    "seed {seed}, tag {}",
                    tag.name.text
                );
            }
        }
    }
}
