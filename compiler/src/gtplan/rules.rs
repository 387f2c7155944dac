//! The rules of a plan against a tag's current state: `E0409` (a PUBLISHED
//! or INVALID tag would change), `E0412` (the declared state cannot be
//! reached from the current one) and `E0413` (a running update breaks the
//! running-update rules). Pure: they need the model, the plan and what is
//! known of the current state, wherever that is known (`prodc plan` today).

use super::diff::Plan;
use super::{states, IovKey};
use crate::diagnostics::{Code, Diagnostic};
use crate::model::{Model, RunId, TagId};
use crate::source::Span;

/// What is known of a tag's current state beside its content, each with
/// the place it was given (an argument of the command line).
#[derive(Debug, Clone, Copy, Default)]
pub struct Known<'a> {
    /// The tag's current state (`OPEN`, …, `RUNNING`).
    pub state: Option<(&'a str, Span)>,
    /// For a RUNNING tag, the first run of the update (`EXP:RUN`).
    pub running_from: Option<(&'a str, Span)>,
}

/// The diagnostics of `plan` for tag `tag_id` against what is `known`.
pub fn plan_rules(model: &Model, tag_id: TagId, plan: &Plan, known: &Known) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    let tag = model.tag(tag_id);
    let declared = tag.state.name.as_str();
    if plan.has_changes() && (declared == "PUBLISHED" || declared == "INVALID") {
        diags.push(
            Diagnostic::new(
                Code::E0409,
                format!("globaltag `{}` is {declared} but its content would change: {}", tag.name.text, plan.summary()),
                tag.name.span,
                format!("declared {declared}"),
            )
            .with_help("a published tag is immutable: put the new payloads into a new tag (`base` = this tag) instead"),
        );
    }
    if let Some((current, span)) = known.state {
        if states::path(current, declared).is_none() {
            diags.push(
                Diagnostic::new(
                    Code::E0412,
                    format!("globaltag `{}` cannot move from {current} to the declared state {declared}", tag.name.text),
                    tag.name.span,
                    format!("declared {declared}"),
                )
                .with_label(span, format!("currently {current}"))
                .with_help("allowed: OPEN → TESTING | RUNNING, TESTING → VALIDATED | OPEN, VALIDATED → PUBLISHED | OPEN, PUBLISHED → INVALID"),
            );
        }
    }
    if let (Some((from, span)), "RUNNING") = (known.running_from, declared) {
        let Some(point) = parse_run(from) else {
            diags.push(
                Diagnostic::new(
                    Code::E0413,
                    format!("`{from}` is not a run `EXP:RUN`"),
                    span,
                    "expected EXP:RUN",
                )
                .with_help("write the first run of the update, e.g. `--running-from 12:1500`"),
            );
            return diags;
        };
        for payload in &tag.payloads {
            let Some(last) = payload.iovs.iter().max_by_key(|e| IovKey::of(&e.iov())) else {
                continue;
            };
            if last.iov().end.is_some() {
                diags.push(
                    Diagnostic::new(
                        Code::E0413,
                        format!(
                            "payload `{}` of running tag `{}` does not end open",
                            payload.name.text, tag.name.text
                        ),
                        last.span,
                        "closed",
                    )
                    .with_help("a running update leaves every staged payload open (`EXP:RUN ..`)"),
                );
            }
            let changed = plan
                .changes
                .get(payload.name.text.as_str())
                .is_some_and(|c| !c.is_empty());
            for entry in payload.iovs.iter().filter(|_| changed) {
                if entry.iov().start < point {
                    diags.push(
                        Diagnostic::new(
                            Code::E0413,
                            format!("payload `{}` of running tag `{}` starts at {}, before the update at {point}", payload.name.text, tag.name.text, entry.iov().start),
                            entry.span,
                            format!("starts before {point}"),
                        )
                        .with_help("a running tag accepts only new runs: start the new intervals at or after the update run"),
                    );
                }
            }
        }
    }
    diags
}

/// `EXP:RUN`, as `--running-from` takes it.
fn parse_run(text: &str) -> Option<RunId> {
    let (exp, run) = text.split_once(':')?;
    Some(RunId {
        exp: exp.trim().parse().ok()?,
        run: run.trim().parse().ok()?,
    })
}
