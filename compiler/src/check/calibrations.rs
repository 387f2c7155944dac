//! The calibration hierarchy: cycles in `after` (`E0601`), steps that use a
//! payload before the calibration producing it has run (`E0603`), produced
//! payloads missing from the receiving tag (`E0604`) and payloads produced
//! twice into one tag (`E0605`).

use super::base_forest::{BaseForest, Layered, Step};
use super::tags::effective_payloads;
use crate::diagnostics::{did_you_mean, Code, Diagnostic};
use crate::graph::{DependencyGraph, Node};
use crate::model::{CalibrationId, Model, Name, Spanned, TagId};
use std::collections::{BTreeMap, BTreeSet};

pub(super) fn check(model: &Model, diags: &mut Vec<Diagnostic>) {
    let graph = DependencyGraph::build(model);
    let receivers = receivers(model);
    cycles(model, &graph, diags);
    produced_payloads(model, &receivers, diags);
    hierarchy(model, &graph, &receivers, diags);
}

/// The name of a node for messages: "calibration `x`".
pub fn node_name(model: &Model, node: Node) -> String {
    match node {
        Node::Calibration(c) => format!("calibration `{}`", model.calibration(c).name.text),
        Node::Processing(p) => format!("processing `{}`", model.processing(p).name.text),
        Node::Tag(t) => format!("globaltag `{}`", model.tag(t).name.text),
    }
}

fn bare_name(model: &Model, node: Node) -> &str {
    match node {
        Node::Calibration(c) => &model.calibration(c).name.text,
        Node::Processing(p) => &model.processing(p).name.text,
        Node::Tag(t) => &model.tag(t).name.text,
    }
}

fn cycles(model: &Model, graph: &DependencyGraph, diags: &mut Vec<Diagnostic>) {
    for cycle in graph.order_cycles() {
        let Some(&(first_from, _, first_edge)) = cycle.first() else {
            continue;
        };
        let names: Vec<&str> = cycle
            .iter()
            .map(|(from, _, _)| bare_name(model, *from))
            .collect();
        let chain = names
            .iter()
            .chain(std::iter::once(&bare_name(model, first_from)))
            .map(|n| format!("`{n}`"))
            .collect::<Vec<_>>()
            .join(" → ");
        let label = |from: Node, to: Node, kind: &str| {
            format!(
                "`{}` is {kind} `{}`",
                bare_name(model, to),
                bare_name(model, from)
            )
        };
        let kind_text = |k: crate::graph::EdgeKind| {
            if k == crate::graph::EdgeKind::Input {
                "reading the output of"
            } else {
                "after"
            }
        };
        let (from, to, edge) = cycle[0];
        let mut diag = Diagnostic::new(
            Code::E0601,
            format!("the steps {chain} wait for each other"),
            first_edge.span,
            label(from, to, kind_text(edge.kind)),
        );
        for &(from, to, edge) in &cycle[1..] {
            diag = diag.with_label(edge.span, label(from, to, kind_text(edge.kind)));
        }
        diags.push(
            diag.with_help(
                "no step of a cycle can ever start: remove one of these `after` entries",
            ),
        );
    }
}

/// The calibrations receiving into each tag, in model order.
fn receivers(model: &Model) -> Vec<Vec<CalibrationId>> {
    let mut receivers = vec![Vec::new(); model.tags.len()];
    for (i, c) in model.calibrations.iter().enumerate() {
        if let Some(into) = &c.into {
            receivers[into.value.index()].push(CalibrationId(i as u32));
        }
    }
    receivers
}

/// The produced payloads that the receiving tag's effective content lacks,
/// as (calibration, index in its `produces`), for every calibration in one
/// walk of the `base` forest: computing the content of each receiving tag
/// on its own is quadratic over a chain of tags.
fn missing_products<'m>(
    model: &'m Model,
    receivers: &[Vec<CalibrationId>],
) -> BTreeSet<(usize, usize)> {
    let mut missing = BTreeSet::new();
    // The payload names of the tags entered: on entering a tag, those of
    // its whole chain.
    let mut names: Layered<&'m str, ()> = Layered::default();
    let add = |names: &mut Layered<&'m str, ()>, tag: TagId| {
        for p in &model.tag(tag).payloads {
            names.insert(p.name.text.as_str(), ());
        }
    };
    let mut answer = |names: &Layered<&'m str, ()>, tag: TagId| {
        for &c in &receivers[tag.index()] {
            for (j, p) in model.calibration(c).produces.iter().enumerate() {
                if names.get(&p.text.as_str()).is_none() {
                    missing.insert((c.index(), j));
                }
            }
        }
    };
    BaseForest::new(model).walk(|step| match step {
        Step::Enter(tag) => {
            names.push();
            add(&mut names, tag);
            answer(&names, tag);
        }
        Step::EnterCycle(tags) => {
            names.push();
            for &tag in tags {
                add(&mut names, tag);
            }
            for &tag in tags {
                answer(&names, tag);
            }
        }
        Step::Leave(_) | Step::LeaveCycle(_) => names.pop(),
    });
    missing
}

fn produced_payloads(model: &Model, receivers: &[Vec<CalibrationId>], diags: &mut Vec<Diagnostic>) {
    let missing = missing_products(model, receivers);
    let mut producers: BTreeMap<(TagId, &str), (CalibrationId, &Name)> = BTreeMap::new();
    for (i, c) in model.calibrations.iter().enumerate() {
        let Some(into) = &c.into else { continue };
        let tag = model.tag(into.value);
        // The tag's content, for suggestions only.
        let mut content = None;
        for (j, payload) in c.produces.iter().enumerate() {
            if missing.contains(&(i, j)) {
                let content = content.get_or_insert_with(|| effective_payloads(model, into.value));
                let mut diag = Diagnostic::new(
                    Code::E0604,
                    format!(
                        "calibration `{}` produces `{}`, which globaltag `{}` does not have",
                        c.name.text, payload.text, tag.name.text
                    ),
                    payload.span,
                    "not in the receiving tag",
                )
                .with_label(into.span, "the receiving tag");
                diag = match did_you_mean(&payload.text, content.keys().copied()) {
                    Some(s) => diag.with_help(format!("did you mean `{s}`?")),
                    None => diag.with_help(format!(
                        "add `payload {} {{ … }}` to globaltag `{}` so that the tag plans the payload's intervals",
                        payload.text, tag.name.text
                    )),
                };
                diags.push(diag);
            }
            let key = (into.value, payload.text.as_str());
            match producers.get(&key) {
                Some((first, first_name)) => diags.push(
                    Diagnostic::new(
                        Code::E0605,
                        format!(
                            "payload `{}` of globaltag `{}` is produced by `{}` and `{}`",
                            payload.text,
                            tag.name.text,
                            model.calibration(*first).name.text,
                            c.name.text
                        ),
                        payload.span,
                        "produced again here",
                    )
                    .with_label(first_name.span, "first produced here")
                    .with_help(
                        "one calibration owns each payload of a tag; remove it from one `produces`",
                    ),
                ),
                None => {
                    producers.insert(key, (CalibrationId(i as u32), payload));
                }
            }
        }
    }
}

/// What the hierarchy rule needs of a tag stack, the same for every user
/// of the stack (the calibrations reading the output of one processing
/// share its stack): computed once per stack.
struct StackFacts {
    /// The calibrations receiving into a tag of the stack or of a base
    /// chain of one, in model order, that produce payloads the stack
    /// holds: each with the index of the stack entry that brings the tag
    /// and the indices in its `produces` of the payloads used.
    producers: Vec<(CalibrationId, usize, Vec<usize>)>,
}

fn stack_facts(model: &Model, stack: &[TagId], receivers: &[Vec<CalibrationId>]) -> StackFacts {
    // The tags of the stack and of their base chains, each with the first
    // entry bringing it.
    let mut tags: BTreeMap<TagId, usize> = BTreeMap::new();
    for (n, &entry) in stack.iter().enumerate() {
        for id in super::tags::base_chain(model, entry) {
            tags.entry(id).or_insert(n);
        }
    }
    let present: BTreeSet<&str> = stack
        .iter()
        .flat_map(|&t| effective_payloads(model, t).into_keys())
        .collect();
    let mut producers: Vec<(CalibrationId, usize, Vec<usize>)> = Vec::new();
    for (&tag, &entry) in &tags {
        for &c in &receivers[tag.index()] {
            let used: Vec<usize> = (model.calibration(c).produces.iter().enumerate())
                .filter(|(_, p)| present.contains(p.text.as_str()))
                .map(|(j, _)| j)
                .collect();
            if !used.is_empty() {
                producers.push((c, entry, used));
            }
        }
    }
    producers.sort_by_key(|p| p.0);
    StackFacts { producers }
}

fn hierarchy(
    model: &Model,
    graph: &DependencyGraph,
    receivers: &[Vec<CalibrationId>],
    diags: &mut Vec<Diagnostic>,
) {
    // (user, its stack) for processings and for calibrations with `input`.
    let mut users: Vec<(Node, &[Spanned<TagId>])> = Vec::new();
    for (i, p) in model.processings.iter().enumerate() {
        users.push((
            Node::Processing(crate::model::ProcessingId(i as u32)),
            &p.globaltags,
        ));
    }
    for (i, c) in model.calibrations.iter().enumerate() {
        if let Some(input) = &c.input {
            users.push((
                Node::Calibration(CalibrationId(i as u32)),
                &model.processing(input.value).globaltags,
            ));
        }
    }
    let mut facts: BTreeMap<Vec<TagId>, StackFacts> = BTreeMap::new();
    for (user, stack) in users {
        let key: Vec<TagId> = stack.iter().map(|t| t.value).collect();
        let facts = facts
            .entry(key)
            .or_insert_with_key(|key| stack_facts(model, key, receivers));
        if facts.producers.is_empty() {
            continue;
        }
        let before = graph.prerequisites(user);
        for (producer_id, entry, used) in &facts.producers {
            let producer = Node::Calibration(*producer_id);
            if producer == user || before.contains(&producer) {
                continue;
            }
            let c = model.calibration(*producer_id);
            let entry = &stack[*entry];
            let Some(into) = &c.into else { continue };
            let used: Vec<&Name> = used.iter().map(|&j| &c.produces[j]).collect();
            let Some(first) = used.first() else { continue };
            let names = used
                .iter()
                .map(|p| format!("`{}`", p.text))
                .collect::<Vec<_>>()
                .join(", ");
            let tag = &model.tag(into.value).name.text;
            let mut diag = Diagnostic::new(
                Code::E0603,
                format!(
                    "{} uses {names} of globaltag `{tag}` before calibration `{}` has produced {}",
                    node_name(model, user),
                    c.name.text,
                    if used.len() == 1 { "it" } else { "them" }
                ),
                entry.span,
                format!("the stack holds `{tag}`"),
            )
            .with_label(
                first.span,
                format!("produced by calibration `{}`", c.name.text),
            );
            diag = diag.with_help(format!(
                "add `{}` to the `after` of {} (directly or through a step after it): each step needs the previous one's results",
                c.name.text,
                node_name(model, user)
            ));
            diags.push(diag);
        }
    }
}
