//! `prodc schedule` and `prodc graph`: the calibration hierarchy as a
//! schedule table or as a DOT or Mermaid graph on standard output.

use super::{load, report};
use crate::diagnostics::render::MessageFormat;
use crate::graph::{render, schedule, DependencyGraph};
use std::path::Path;

/// Output formats of `prodc graph`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum GraphFormat {
    Dot,
    Mermaid,
}

/// Checks the project; on errors prints them and returns the exit code.
fn checked_model(
    project: &Path,
    format: MessageFormat,
    verb: super::Verb,
) -> Result<crate::Checked, u8> {
    let (_, checked) = load(project)?;
    // Warnings are shown but do not stop the command; errors do.
    if !checked.diagnostics.is_empty() && report(&checked, format, false, verb) {
        return Err(1);
    }
    Ok(checked)
}

pub fn run_schedule(project: &Path, format: MessageFormat) -> u8 {
    let checked = match checked_model(project, format, ("schedule", "scheduled")) {
        Ok(checked) => checked,
        Err(code) => return code,
    };
    let graph = DependencyGraph::build(&checked.model);
    match schedule::schedule(&checked.model, &graph) {
        Some(plan) => {
            super::stdout(&schedule::render_table(&plan));
            0
        }
        // A cycle is an error (E0601) and has been reported above.
        None => 1,
    }
}

pub fn run_graph(project: &Path, graph_format: GraphFormat, format: MessageFormat) -> u8 {
    let checked = match checked_model(project, format, ("graph", "graphed")) {
        Ok(checked) => checked,
        Err(code) => return code,
    };
    let graph = DependencyGraph::build(&checked.model);
    let text = match graph_format {
        GraphFormat::Dot => render::dot(&checked.model, &graph),
        GraphFormat::Mermaid => render::mermaid(&checked.model, &graph),
    };
    super::stdout(&text);
    0
}
