//! The calibration hierarchy: cycles in `after` (`E0601`), steps that use a
//! payload before the calibration producing it has run (`E0603`), produced
//! payloads missing from the receiving tag (`E0604`) and payloads produced
//! twice into one tag (`E0605`).

use super::tags::effective_payloads;
use crate::diagnostics::{did_you_mean, Code, Diagnostic};
use crate::graph::{DependencyGraph, Node};
use crate::model::{CalibrationId, Model, Name, Spanned, TagId};
use std::collections::{BTreeMap, BTreeSet};

pub(super) fn check(model: &Model, diags: &mut Vec<Diagnostic>) {
    let graph = DependencyGraph::build(model);
    cycles(model, &graph, diags);
    produced_payloads(model, diags);
    hierarchy(model, &graph, diags);
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

fn produced_payloads(model: &Model, diags: &mut Vec<Diagnostic>) {
    let mut producers: BTreeMap<(TagId, &str), (CalibrationId, &Name)> = BTreeMap::new();
    for (i, c) in model.calibrations.iter().enumerate() {
        let Some(into) = &c.into else { continue };
        let tag = model.tag(into.value);
        let content = effective_payloads(model, into.value);
        for payload in &c.produces {
            if !content.contains_key(payload.text.as_str()) {
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

/// The tags of a stack and of their base chains.
fn stack_tags(model: &Model, stack: &[Spanned<TagId>]) -> BTreeMap<TagId, Spanned<TagId>> {
    let mut tags = BTreeMap::new();
    for entry in stack {
        for id in super::tags::base_chain(model, entry.value) {
            tags.entry(id).or_insert_with(|| entry.clone());
        }
    }
    tags
}

fn hierarchy(model: &Model, graph: &DependencyGraph, diags: &mut Vec<Diagnostic>) {
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
    for (user, stack) in users {
        let tags = stack_tags(model, stack);
        let present: BTreeSet<&str> = stack
            .iter()
            .flat_map(|t| effective_payloads(model, t.value).into_keys())
            .collect();
        let before = graph.prerequisites(user);
        for (i, c) in model.calibrations.iter().enumerate() {
            let producer = Node::Calibration(CalibrationId(i as u32));
            let Some(into) = &c.into else { continue };
            let Some(entry) = tags.get(&into.value) else {
                continue;
            };
            if producer == user || before.contains(&producer) {
                continue;
            }
            let used: Vec<&Name> = c
                .produces
                .iter()
                .filter(|p| present.contains(p.text.as_str()))
                .collect();
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
