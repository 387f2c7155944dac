//! Build outputs: the checked project rendered to files, in memory.
//!
//! Emitters return a sorted map from output-relative path to bytes; the
//! command line writes it atomically. No emitter reads the clock or the
//! machine, so the same manifests always give the same bytes.

mod batch;
pub(crate) mod docs;
mod graph;
mod gtplan;
mod jobs;
mod lpn;
pub mod model;
pub mod templates;

pub use jobs::JOB_SCHEMA;

use crate::diagnostics::Diagnostic;
use crate::Checked;
use std::collections::BTreeMap;

/// Output-relative path (with `/`) to file content.
pub type Outputs = BTreeMap<String, Vec<u8>>;

/// How a target writes its files: infallibly, or reporting diagnostics
/// (a template that fails to render, `E0115`).
#[derive(Debug, Clone, Copy)]
pub enum Emit {
    Plain(fn(&Checked, &mut Outputs)),
    Fallible(fn(&Checked, &mut Outputs) -> Result<(), Vec<Diagnostic>>),
}

/// A build target that the compiler can emit.
#[derive(Debug, Clone, Copy)]
pub struct Target {
    pub name: &'static str,
    pub about: &'static str,
    pub emit: Emit,
}

/// The targets this version emits, in build order.
pub const TARGETS: &[Target] = &[
    Target {
        name: "model",
        about: "model.json: the resolved model, for tools",
        emit: Emit::Plain(model::emit),
    },
    Target {
        name: "jobs",
        about: "jobs/<owner>/<id>.json: one production request per production or run range",
        emit: Emit::Plain(jobs::emit),
    },
    Target {
        name: "batch",
        about: "batch/<scheduler>/: scripts for the schedulers of `[batch] schedulers`",
        emit: Emit::Fallible(batch::emit),
    },
    Target {
        name: "gtplan",
        about: "gtplan/<tag>/: payload lists by calibration stage, the plan and upload.sh",
        emit: Emit::Fallible(gtplan::emit),
    },
    Target {
        name: "lpn",
        about: "lpn/paths.txt and lpn/paths.json: every output path and its owner",
        emit: Emit::Plain(lpn::emit),
    },
    Target {
        name: "docs",
        about: "docs/: Markdown pages of paths and samples for analysts (mdBook)",
        emit: Emit::Fallible(docs::emit),
    },
    Target {
        name: "graph",
        about: "graph/dependencies.{dot,mmd}: calibrations, processings and tags",
        emit: Emit::Plain(graph::emit),
    },
];

pub fn find_target(name: &str) -> Option<&'static Target> {
    TARGETS.iter().find(|t| t.name == name)
}

/// Emits the given targets (all when `names` is empty). Call only on a
/// project without errors; a template that fails gives diagnostics instead
/// of outputs.
pub fn build(checked: &Checked, names: &[&str]) -> Result<Outputs, Vec<Diagnostic>> {
    use rayon::prelude::*;
    let selected: Vec<&Target> = TARGETS
        .iter()
        .filter(|t| names.is_empty() || names.contains(&t.name))
        .collect();
    // Targets are independent renderings of the same checked project: emit
    // them on all cores, each into its own map, then merge in target order
    // (paths of different targets never coincide).
    let emitted: Vec<(Outputs, Vec<Diagnostic>)> = selected
        .par_iter()
        .with_max_len(1)
        .map(|target| {
            let mut outputs = Outputs::new();
            let diags = match target.emit {
                Emit::Plain(emit) => {
                    emit(checked, &mut outputs);
                    Vec::new()
                }
                Emit::Fallible(emit) => emit(checked, &mut outputs).err().unwrap_or_default(),
            };
            (outputs, diags)
        })
        .collect();
    let mut outputs = Outputs::new();
    let mut diags = Vec::new();
    for (mut part, mut errors) in emitted {
        outputs.append(&mut part);
        diags.append(&mut errors);
    }
    if diags.is_empty() {
        Ok(outputs)
    } else {
        crate::sort_diagnostics(&mut diags, &checked.project.sources);
        Err(diags)
    }
}
