//! Build outputs: the checked project rendered to files.
//!
//! Emitters hand each file, by output-relative path, to a [`Sink`]: in
//! memory for tests and tools ([`build`]), straight into the staging
//! directory for the command line ([`build_into`]), which then replaces the
//! output directory atomically. No emitter reads the clock or the machine,
//! so the same manifests always give the same bytes.

mod batch;
pub(crate) mod docs;
mod graph;
mod gtplan;
mod jobs;
mod lpn;
pub mod model;
mod model_json;
mod reuse;
pub mod sink;
pub mod templates;

pub use jobs::JOB_SCHEMA;
pub use sink::{Memory, Sink};

use crate::diagnostics::Diagnostic;
use crate::Checked;
use std::collections::BTreeMap;
use std::sync::OnceLock;
use templates::{Renderer, Templates};

/// Output-relative path (with `/`) to file content.
pub type Outputs = BTreeMap<String, Vec<u8>>;

/// How a target writes its files: infallibly, or from the templates of
/// `targets/`, reporting those that fail to render (`E0115`).
#[derive(Debug, Clone, Copy)]
pub enum Emit {
    Plain(fn(&Checked, &dyn Sink)),
    Templated(TemplatedEmit),
}

/// An emitter that renders templates.
pub type TemplatedEmit = fn(&Checked, &Renderer, &dyn Sink) -> Result<(), Vec<Diagnostic>>;

/// A build target that the compiler can emit.
#[derive(Debug, Clone, Copy)]
pub struct Target {
    pub name: &'static str,
    pub about: &'static str,
    pub emit: Emit,
    /// Whether the target spreads its own files over all cores; the others
    /// write theirs one after the other.
    pub parallel: bool,
}

/// The targets this version emits, in build order.
pub const TARGETS: &[Target] = &[
    Target {
        name: "model",
        about: "model.json: the resolved model, for tools",
        emit: Emit::Plain(model::emit),
        parallel: false,
    },
    Target {
        name: "jobs",
        about: "jobs/<owner>/<id>.json: one production request per production or run range",
        emit: Emit::Plain(jobs::emit),
        parallel: true,
    },
    Target {
        name: "batch",
        about: "batch/<scheduler>/: scripts for the schedulers of `[batch] schedulers`",
        emit: Emit::Templated(batch::emit),
        parallel: true,
    },
    Target {
        name: "gtplan",
        about: "gtplan/<tag>/: payload lists by calibration stage, the plan and upload.sh",
        emit: Emit::Templated(gtplan::emit),
        parallel: true,
    },
    Target {
        name: "lpn",
        about: "lpn/paths.txt and lpn/paths.json: every output path and its owner",
        emit: Emit::Plain(lpn::emit),
        parallel: false,
    },
    Target {
        name: "docs",
        about: "docs/: Markdown pages of paths and samples for analysts (mdBook)",
        emit: Emit::Templated(docs::emit),
        parallel: false,
    },
    Target {
        name: "graph",
        about: "graph/dependencies.{dot,mmd}: calibrations, processings and tags",
        emit: Emit::Plain(graph::emit),
        parallel: false,
    },
];

pub fn find_target(name: &str) -> Option<&'static Target> {
    TARGETS.iter().find(|t| t.name == name)
}

/// Emits the given targets (all when `names` is empty) into memory. Call
/// only on a project without errors; a template that fails gives
/// diagnostics instead of outputs.
pub fn build(checked: &Checked, names: &[&str]) -> Result<Outputs, Vec<Diagnostic>> {
    let memory = Memory::default();
    build_into(checked, names, &memory, None)?;
    Ok(memory.into_outputs())
}

/// Emits the given targets (all when `names` is empty) into `sink`, with
/// the project's `templates` when they are registered already. On
/// diagnostics the sink may hold some of the files: discard them.
pub fn build_into(
    checked: &Checked,
    names: &[&str],
    sink: &dyn Sink,
    templates: Option<Templates>,
) -> Result<(), Vec<Diagnostic>> {
    use rayon::prelude::*;
    let selected: Vec<&Target> = TARGETS
        .iter()
        .filter(|t| names.is_empty() || names.contains(&t.name))
        .collect();
    // Targets are independent renderings of the same checked project. The
    // serial ones run one after the other on one core while the parallel
    // ones start on the others; when the serial ones are done, their core
    // joins in the parallel ones' per-file work.
    let (parallel, serial): (Vec<&Target>, Vec<&Target>) =
        selected.into_iter().partition(|t| t.parallel);
    // The templates are registered once, by the first target that needs
    // them unless the caller has; a template that does not parse fails
    // every such target alike (the repeats are dropped with the other
    // duplicates below).
    let registered = std::sync::Mutex::new(templates);
    let templates: OnceLock<Result<Renderer, Vec<Diagnostic>>> = OnceLock::new();
    let run = |target: &&Target| match target.emit {
        Emit::Plain(emit) => {
            emit(checked, sink);
            Vec::new()
        }
        Emit::Templated(emit) => match templates.get_or_init(|| {
            let registered = registered.lock().map(|mut r| r.take()).unwrap_or_default();
            match registered {
                Some(registered) => Renderer::with(registered, checked),
                None => Renderer::new(checked),
            }
        }) {
            Ok(renderer) => emit(checked, renderer, sink).err().unwrap_or_default(),
            Err(diags) => diags.clone(),
        },
    };
    let (mut diags, more): (Vec<Diagnostic>, Vec<Diagnostic>) = rayon::join(
        || serial.iter().flat_map(run).collect(),
        || {
            parallel
                .par_iter()
                .with_max_len(1)
                .flat_map_iter(run)
                .collect()
        },
    );
    diags.extend(more);
    if diags.is_empty() {
        Ok(())
    } else {
        crate::sort_diagnostics(&mut diags, &checked.project.sources);
        Err(diags)
    }
}
