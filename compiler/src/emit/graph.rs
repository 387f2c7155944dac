//! The `graph` target: `graph/dependencies.dot` and `graph/dependencies.mmd`.

use super::Sink;
use crate::graph::{render, DependencyGraph};
use crate::Checked;

pub(super) fn emit(checked: &Checked, sink: &dyn Sink) {
    let graph = DependencyGraph::build(&checked.model);
    sink.put(
        "graph/dependencies.dot".to_string(),
        render::dot(&checked.model, &graph).into_bytes(),
    );
    sink.put(
        "graph/dependencies.mmd".to_string(),
        render::mermaid(&checked.model, &graph).into_bytes(),
    );
}
