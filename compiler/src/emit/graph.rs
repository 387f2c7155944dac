//! The `graph` target: `graph/dependencies.dot` and `graph/dependencies.mmd`.

use super::Outputs;
use crate::graph::{render, DependencyGraph};
use crate::Checked;

pub(super) fn emit(checked: &Checked, outputs: &mut Outputs) {
    let graph = DependencyGraph::build(&checked.model);
    outputs.insert(
        "graph/dependencies.dot".to_string(),
        render::dot(&checked.model, &graph).into_bytes(),
    );
    outputs.insert(
        "graph/dependencies.mmd".to_string(),
        render::mermaid(&checked.model, &graph).into_bytes(),
    );
}
