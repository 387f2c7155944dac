//! Build outputs: the checked project rendered to files, in memory.
//!
//! Emitters return a sorted map from output-relative path to bytes; the
//! command line writes it atomically. No emitter reads the clock or the
//! machine, so the same manifests always give the same bytes.

mod graph;
mod lpn;
mod model;

use crate::Checked;
use std::collections::BTreeMap;

/// Output-relative path (with `/`) to file content.
pub type Outputs = BTreeMap<String, Vec<u8>>;

/// A build target that the compiler can emit.
#[derive(Debug, Clone, Copy)]
pub struct Target {
    pub name: &'static str,
    pub about: &'static str,
    emit: fn(&Checked, &mut Outputs),
}

/// The targets this version emits, in build order.
pub const TARGETS: &[Target] = &[
    Target {
        name: "model",
        about: "model.json: the resolved model, for tools",
        emit: model::emit,
    },
    Target {
        name: "lpn",
        about: "lpn/paths.txt and lpn/paths.json: every output path and its owner",
        emit: lpn::emit,
    },
    Target {
        name: "graph",
        about: "graph/dependencies.{dot,mmd}: calibrations, processings and tags",
        emit: graph::emit,
    },
];

pub fn find_target(name: &str) -> Option<&'static Target> {
    TARGETS.iter().find(|t| t.name == name)
}

/// Emits the given targets (all when `names` is empty). Call only on a
/// project without errors.
pub fn build(checked: &Checked, names: &[&str]) -> Outputs {
    let mut outputs = Outputs::new();
    for target in TARGETS
        .iter()
        .filter(|t| names.is_empty() || names.contains(&t.name))
    {
        (target.emit)(checked, &mut outputs);
    }
    outputs
}
