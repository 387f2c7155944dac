//! `prodc plan PROJECT TAG --current FILE`: the difference between a tag's
//! content in the manifests and its current state in the conditions
//! database, like `terraform plan`. Exit 0 without changes, 2 with changes,
//! 1 on any error.

use super::{load, report};
use crate::diagnostics::render::MessageFormat;
use crate::diagnostics::{did_you_mean, Code, Diagnostic};
use crate::gtplan::current;
use crate::gtplan::diff::{fingerprint, Plan};
use crate::gtplan::rules::{plan_rules, Known};

use crate::model::TagId;
use crate::project::ReadError;
use crate::source::{Origin, SourceFile, SourceMap, Span};
use std::path::Path;

/// The options of `prodc plan`.
pub struct PlanArgs<'a> {
    pub project: &'a Path,
    pub tag: &'a str,
    pub current: &'a Path,
    pub current_state: Option<&'a str>,
    pub running_from: Option<&'a str>,
    pub out: Option<&'a Path>,
    pub apply_check: Option<&'a Path>,
}

/// Adds the command line as a source, so that errors about its arguments
/// point at them; returns the span of `arg` in it.
fn argument(sources: &mut SourceMap, line: &str, arg: &str) -> Span {
    let file = sources.add(SourceFile::new(
        "<command line>",
        line.to_string(),
        Origin::Config,
    ));
    let at = line.find(arg).unwrap_or(0);
    Span::new(file, at, at + arg.len())
}

/// The current state cannot be used: too large or not a regular file
/// (`E0118`: both are found before anything is read), or unreadable.
fn current_state_error(name: &str, err: &ReadError, span: Span) -> Diagnostic {
    let (code, help) = match err {
        ReadError::TooLarge { .. } => (
            Code::E0118,
            "a tag's dump is far smaller; check the file, or raise `[limits] max_file_size_mb` in Prod.toml",
        ),
        ReadError::NotRegular(_) => (
            Code::E0118,
            "save the dump to a file first (`b2conditionsdb legacydownload TAG DIR`) and give its path",
        ),
        _ => (
            Code::E0105,
            "give the tag's content as written by `b2conditionsdb legacydownload` (the database.txt format)",
        ),
    };
    Diagnostic::new(
        code,
        format!("cannot read the current state `{name}`: {err}"),
        span,
        "current state",
    )
    .with_help(help)
}

pub fn run_plan(args: &PlanArgs, format: MessageFormat) -> u8 {
    let (_, mut checked) = match load(args.project) {
        Ok(loaded) => loaded,
        Err(code) => return code,
    };
    if checked.has_errors() {
        report(&checked, format, false, ("plan", "planned"));
        return 1;
    }
    let current_name = args.current.display().to_string();
    let line = format!("prodc plan {} --current {current_name}", args.tag);
    let tag_index = checked
        .model
        .tags
        .iter()
        .position(|t| !t.is_std && t.name.text == args.tag);
    let Some(tag_index) = tag_index else {
        let span = argument(&mut checked.project.sources, &line, args.tag);
        let names = checked
            .model
            .tags
            .iter()
            .filter(|t| !t.is_std)
            .map(|t| t.name.text.as_str());
        let mut diag = Diagnostic::new(
            Code::E0202,
            format!("unknown globaltag `{}`", args.tag),
            span,
            "no globaltag of the project has this name",
        );
        if let Some(s) = did_you_mean(args.tag, names) {
            diag = diag.with_help(format!("did you mean `{s}`?"));
        }
        checked.diagnostics = vec![diag];
        report(&checked, format, false, ("plan", "planned"));
        return 1;
    };
    let limit = checked.project.max_file_bytes;
    let text = match crate::disk::read_regular(args.current, limit) {
        Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
        Err(err) => {
            let span = argument(&mut checked.project.sources, &line, &current_name);
            checked.diagnostics = vec![current_state_error(&current_name, &err, span)];
            report(&checked, format, false, ("plan", "planned"));
            return 1;
        }
    };
    let file = checked.project.sources.add(SourceFile::new(
        current_name.clone(),
        text.clone(),
        Origin::Import,
    ));
    let (imported, mut diags) = current::read_current(file, &text);
    let current = current::current_entries(&imported);
    let tag_id = TagId(tag_index as u32);
    let plan = current::plan_tag(&checked.model, tag_id, args.tag, &current, &text);
    let sources = &mut checked.project.sources;
    let known = Known {
        state: args.current_state.map(|state| {
            let span = argument(sources, &format!("{line} --current-state {state}"), state);
            (state, span)
        }),
        running_from: args.running_from.map(|from| {
            let span = argument(sources, &format!("{line} --running-from {from}"), from);
            (from, span)
        }),
    };
    diags.extend(plan_rules(&checked.model, tag_id, &plan, &known));
    if let Some(saved) = args.apply_check {
        stale(sources, &plan, saved, &line, &mut diags);
    }
    if !diags.is_empty() {
        checked.diagnostics = diags;
        crate::sort_diagnostics(&mut checked.diagnostics, &checked.project.sources);
        report(&checked, format, false, ("plan", "planned"));
        return 1;
    }
    super::stdout(&plan.text(&format!("`{current_name}`")));
    if let Some(out) = args.out {
        if let Err(err) = std::fs::write(out, plan.json()) {
            say!(
                "error: cannot write `{}`: {}",
                out.display(),
                err.to_string().to_lowercase()
            );
            return 1;
        }
    }
    if plan.has_changes() {
        2
    } else {
        0
    }
}

/// E0414: a saved plan made against another current state.
fn stale(
    sources: &mut SourceMap,
    plan: &Plan,
    saved: &Path,
    line: &str,
    diags: &mut Vec<Diagnostic>,
) {
    let name = saved.display().to_string();
    // A saved plan lists the changes of one tag: the dump's limit is ample.
    let span = argument(sources, &format!("{line} --apply-check {name}"), &name);
    let saved_print = match crate::disk::read_regular(saved, crate::project::MAX_FILE_BYTES) {
        Ok(bytes) => serde_json::from_slice::<serde_json::Value>(&bytes)
            .ok()
            .and_then(|v| v["fingerprint"].as_str().map(str::to_string)),
        Err(err @ (ReadError::TooLarge { .. } | ReadError::NotRegular(_))) => {
            diags.push(
                Diagnostic::new(
                    Code::E0118,
                    format!("cannot read the saved plan `{name}`: {err}"),
                    span,
                    "saved plan",
                )
                .with_help("give the plan.json that `prodc plan … --out plan.json` wrote"),
            );
            return;
        }
        Err(_) => None,
    };
    match saved_print {
        Some(print) if print == plan.fingerprint => {}
        Some(print) => diags.push(
            Diagnostic::new(Code::E0414, format!("the saved plan `{name}` is stale: the current state has changed since it was made"), span, format!("made against state {print}"))
                .with_help(format!("the current state is now {}; run `prodc plan` again and review the new plan", plan.fingerprint)),
        ),
        None => diags.push(
            Diagnostic::new(Code::E0414, format!("`{name}` is not a saved plan"), span, "unreadable plan")
                .with_help("save a plan with `prodc plan … --out plan.json`"),
        ),
    }
    let _ = fingerprint;
}
