//! Global tags: the strict and relaxed IoV rules per payload (`E0401`,
//! `E0402`, `E0403`), `base` chains (`E0602`), the states of tags in use
//! (`W0410`, `E0411`) and run coverage of tag stacks (`E0404`).

use super::base_forest::{for_each_content, BaseForest, Content};
use super::iov::{format_range, next, prev, sweep, uncovered, Finding};
use super::runs::is_well_formed;
use crate::diagnostics::{Code, Diagnostic};
use crate::model::{
    CampaignRuns, GlobalTag, Iov, Model, Name, Payload, RunId, RunRange, Spanned, TagId,
};
use crate::source::Span;
use std::collections::{BTreeMap, BTreeSet};

pub(super) fn check(model: &Model, diags: &mut Vec<Diagnostic>) {
    for tag in &model.tags {
        let strict = tag.iov_policy.is("strict");
        for payload in &tag.payloads {
            payload_rules(tag, payload, strict, diags);
        }
    }
    base_cycles(model, diags);
    let users = users(model);
    let contents = stack_contents(model, &users);
    for user in users {
        for entry in user.stack {
            let tag = model.tag(entry.value);
            if tag.invalid.contains(&"state") {
                continue;
            }
            if tag.state.is("OPEN") {
                diags.push(
                    Diagnostic::new(
                        Code::W0410,
                        format!("{} uses globaltag `{}`, which is OPEN", user.owner, tag.name.text),
                        entry.span,
                        "not usable for processing yet",
                    )
                    .with_label(tag.name.span, "state OPEN (the default)")
                    .with_help("set `state = TESTING` (or later) once the tag's content is final; OPEN tags may still change"),
                );
            } else if tag.state.is("INVALID") {
                diags.push(
                    Diagnostic::new(
                        Code::E0411,
                        format!(
                            "{} uses globaltag `{}`, which is INVALID",
                            user.owner, tag.name.text
                        ),
                        entry.span,
                        "invalid tag",
                    )
                    .with_label(tag.name.span, "state INVALID")
                    .with_help(
                        "an INVALID tag must not be used again; use the tag that replaced it",
                    ),
                );
            }
        }
        coverage(model, &user, &contents, diags);
    }
}

/// A processing or campaign: what uses a tag stack for some runs.
pub(super) struct User<'a> {
    pub owner: String,
    pub stack: &'a [Spanned<TagId>],
    /// The runs, each with the span to label.
    pub runs: Vec<(Iov, Span)>,
}

/// Well-formed run ranges as intervals, each with the span to label.
fn range_iovs<'a>(ranges: impl Iterator<Item = &'a Spanned<RunRange>>) -> Vec<(Iov, Span)> {
    ranges
        .map(|r| {
            (
                Iov {
                    start: r.value.first,
                    end: Some(r.value.last),
                },
                r.span,
            )
        })
        .filter(|(iov, _)| is_well_formed(iov))
        .collect()
}

pub(super) fn users(model: &Model) -> Vec<User<'_>> {
    let mut users = Vec::new();
    for p in &model.processings {
        let runs = range_iovs(p.runs.iter().flat_map(|b| b.ranges.iter()));
        users.push(User {
            owner: format!("processing `{}`", p.name.text),
            stack: &p.globaltags,
            runs,
        });
    }
    for c in &model.campaigns {
        let runs = match &c.runs {
            Some(CampaignRuns::Experiment(exp)) => {
                let run = RunId {
                    exp: exp.value,
                    run: 0,
                };
                vec![(
                    Iov {
                        start: run,
                        end: Some(run),
                    },
                    exp.span,
                )]
            }
            Some(CampaignRuns::Runs(list)) => range_iovs(list.iter()),
            None => Vec::new(),
        };
        users.push(User {
            owner: format!("campaign `{}`", c.name.text),
            stack: &c.globaltags,
            runs,
        });
    }
    users
}

fn describe_end(iov: &Iov) -> String {
    match iov.end {
        None => "never ends".to_string(),
        Some(end) if end.run == RunId::LAST => {
            format!("ends with the last run of experiment {}", end.exp)
        }
        Some(end) => format!("ends at {end}"),
    }
}

fn payload_rules(tag: &GlobalTag, payload: &Payload, strict: bool, diags: &mut Vec<Diagnostic>) {
    let iovs: Vec<Iov> = payload.iovs.iter().map(|e| e.iov()).collect();
    let usable: Vec<usize> = (0..iovs.len())
        .filter(|&i| is_well_formed(&iovs[i]))
        .collect();
    let checked: Vec<Iov> = usable.iter().map(|&i| iovs[i]).collect();
    let name = &payload.name.text;
    // With a malformed line (reported on its own) the sequence has a hole
    // that is not a real gap: check only for overlaps then.
    let strict = strict && usable.len() == iovs.len() && !payload.incomplete;
    for finding in sweep(&checked, strict) {
        let diag = match finding {
            Finding::Overlap {
                first,
                second,
                runs,
            } => {
                let (a, b) = (&payload.iovs[usable[first]], &payload.iovs[usable[second]]);
                let shared = format_range(&runs);
                let end_first = prev(b.iov().start).map_or(String::new(), |e| format!("`..= {e}`"));
                let help = match a.iov().end {
                    None => format!("`{} ..` never ends: end it at {end_first} so that the second interval takes over", a.iov().start),
                    Some(end) => {
                        let start_second = next(end).map_or(String::new(), |n| format!(", or start the second at `{n}`"));
                        format!("a run has one revision of a payload: end the first at {end_first}{start_second}")
                    }
                };
                Diagnostic::new(
                    Code::E0401,
                    format!("payload `{name}` has overlapping intervals of validity"),
                    b.span,
                    format!("overlaps on runs {shared}"),
                )
                .with_label(a.span, format!("runs {shared} are also here"))
                .with_help(help)
            }
            Finding::Gap {
                before,
                after,
                runs,
            } => {
                let (a, b) = (&payload.iovs[usable[before]], &payload.iovs[usable[after]]);
                let gap = format_range(&runs);
                let extend = runs.end.map_or(String::new(), |e| {
                    format!("extend the first interval to `..= {e}` or ")
                });
                Diagnostic::new(
                    Code::E0402,
                    format!("payload `{name}` has a gap between two intervals of validity"),
                    b.span,
                    format!("next interval starts at {}", b.iov().start),
                )
                .with_label(a.span, describe_end(&a.iov()))
                .with_help(format!("runs {gap} are not covered; {extend}add an interval for them (strict tags may not have gaps)"))
            }
            Finding::LastNotOpen { last } => {
                let entry = &payload.iovs[usable[last]];
                let after = entry
                    .iov()
                    .end
                    .and_then(next)
                    .map_or(String::new(), |n| format!(" from {n} on"));
                Diagnostic::new(
                    Code::E0403,
                    format!("the last interval of validity of payload `{name}` is not open"),
                    entry.span,
                    describe_end(&entry.iov()),
                )
                .with_help(format!(
                    "write `{} ..` so that the payload stays valid for new runs; a strict tag leaves its last interval open (the runs{after} would have no revision)",
                    entry.iov().start
                ))
            }
        };
        let policy = if strict { "strict" } else { "relaxed" };
        diags.push(diag.with_label(
            tag.name.span,
            format!("globaltag `{}` ({policy})", tag.name.text),
        ));
    }
}

/// The tags of each `base` cycle, reported once per cycle (found in one
/// walk over all tags: walking each tag's chain to its end would be cubic
/// over a long chain).
fn base_cycles(model: &Model, diags: &mut Vec<Diagnostic>) {
    for cycle in super::base_forest::base_cycles(model) {
        diags.push(cycle_diagnostic(model, &cycle));
    }
}

fn cycle_diagnostic(model: &Model, cycle: &[TagId]) -> Diagnostic {
    let names: Vec<&str> = cycle
        .iter()
        .map(|&t| model.tag(t).name.text.as_str())
        .collect();
    let chain = names
        .iter()
        .chain(names.first())
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(" → ");
    let first = model.tag(cycle[0]);
    let base = first.base.as_ref().expect("a tag in a cycle has a base");
    let mut diag = Diagnostic::new(
        Code::E0602,
        format!("globaltag base chain is a cycle: {chain}"),
        base.span,
        format!(
            "`{}` is based on `{}`",
            names[0],
            model.tag(base.value).name.text
        ),
    );
    for &t in &cycle[1..] {
        let tag = model.tag(t);
        if let Some(b) = &tag.base {
            diag = diag.with_label(
                b.span,
                format!(
                    "`{}` is based on `{}`",
                    tag.name.text,
                    model.tag(b.value).name.text
                ),
            );
        }
    }
    diag.with_help("a tag's content starts from its base; break the cycle by removing one `base`")
}

/// A tag and the tags of its `base` chain, nearest first; a `base` cycle
/// (reported as `E0602`) stops the walk.
pub fn base_chain(model: &Model, tag: TagId) -> Vec<TagId> {
    let mut chain = Vec::new();
    // A set beside the chain: looking for a repeat in the chain itself
    // makes a walk of `n` tags take `n²/2` steps.
    let mut seen = BTreeSet::new();
    let mut at = Some(tag);
    while let Some(id) = at {
        if !seen.insert(id) {
            break;
        }
        chain.push(id);
        at = model.tag(id).base.as_ref().map(|b| b.value);
    }
    chain
}

/// A tag's effective payloads: its base's (recursively), replaced by its
/// own of the same name. A `base` cycle stops the walk.
pub fn effective_payloads(model: &Model, tag: TagId) -> BTreeMap<&str, (TagId, &Payload)> {
    let chain = base_chain(model, tag);
    let mut payloads = BTreeMap::new();
    for &id in chain.iter().rev() {
        for p in &model.tag(id).payloads {
            payloads.insert(p.name.text.as_str(), (id, p));
        }
    }
    payloads
}

/// How many uncovered ranges one diagnostic lists before "and N more".
const SHOWN: usize = 5;

/// The effective payloads of the tags in the stacks of users with runs, in
/// one walk of the `base` forest (for each user on its own, every chain is
/// walked once per user).
fn stack_contents<'m>(model: &'m Model, users: &[User]) -> BTreeMap<TagId, Content<'m>> {
    let wanted: BTreeSet<TagId> = users
        .iter()
        .filter(|u| !u.runs.is_empty())
        .flat_map(|u| u.stack.iter().map(|t| t.value))
        .collect();
    let mut contents = BTreeMap::new();
    if !wanted.is_empty() {
        let forest = BaseForest::new(model);
        for_each_content(
            model,
            &forest,
            |tag| wanted.contains(&tag),
            |tag, content| {
                contents.insert(tag, content.clone());
            },
        );
    }
    contents
}

fn coverage(
    model: &Model,
    user: &User,
    contents: &BTreeMap<TagId, Content>,
    diags: &mut Vec<Diagnostic>,
) {
    if user.stack.is_empty() || user.runs.is_empty() {
        return;
    }
    // Per payload name: where it is first defined, whether it is required
    // (non-optional anywhere), and the union of its intervals in the stack.
    let mut payloads: BTreeMap<&str, (&Name, TagId, bool, Vec<Iov>)> = BTreeMap::new();
    for entry in user.stack {
        let content = contents.get(&entry.value).into_iter().flatten();
        for (&name, &(tag, payload)) in content {
            let slot = payloads
                .entry(name)
                .or_insert((&payload.name, tag, false, Vec::new()));
            slot.2 |= !payload.optional;
            slot.3
                .extend(payload.iovs.iter().map(|e| e.iov()).filter(is_well_formed));
        }
    }
    let tags: Vec<String> = user
        .stack
        .iter()
        .map(|t| format!("`{}`", model.tag(t.value).name.text))
        .collect();
    for (name, (defined, tag, required, cover)) in payloads {
        if !required {
            continue;
        }
        let mut missing: Vec<(Iov, Span)> = Vec::new();
        for (range, span) in &user.runs {
            missing.extend(uncovered(range, &cover).into_iter().map(|m| (m, *span)));
        }
        let Some(&(_, first_span)) = missing.first() else {
            continue;
        };
        let mut listed: Vec<String> = missing
            .iter()
            .take(SHOWN)
            .map(|(m, _)| format_range(m))
            .collect();
        if missing.len() > SHOWN {
            listed.push(format!("and {} more ranges", missing.len() - SHOWN));
        }
        let mut diag = Diagnostic::new(
            Code::E0404,
            format!(
                "payload `{name}` does not cover runs {} of {}",
                listed.join(", "),
                user.owner
            ),
            first_span,
            "runs not covered here",
        );
        let mut labelled = vec![first_span];
        for (_, span) in &missing {
            if !labelled.contains(span) && labelled.len() < SHOWN {
                labelled.push(*span);
                diag = diag.with_label(*span, "also not covered");
            }
        }
        diags.push(
            diag.with_label(defined.span, format!("`{name}` in globaltag `{}`", model.tag(tag).name.text))
                .with_help(format!(
                    "add an interval covering these runs to a tag of the stack ({}), or mark the payload `optional = true` if the runs do not need it",
                    tags.join(", ")
                )),
        );
    }
}
