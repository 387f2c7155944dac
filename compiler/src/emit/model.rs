//! The `model` target and `prodc export`: the resolved model as JSON, for
//! tools; its JSON Schema (`prodc schema model`) is derived from the model's
//! types, so the two cannot drift apart.
//!
//! References are indices into the item lists (`"globaltags": [{"value": 0}]`
//! is the first entry of `"tags"`); quantities are in base units (events,
//! bytes, inverse picobarns, hours). Items of the standard library are
//! included and marked `"is_std": true`.

use super::Sink;
use crate::model::Model;
use crate::project::Project;
use crate::Checked;
use schemars::JsonSchema;
use serde::Serialize;

/// The document `prodc export` prints.
#[derive(Serialize, JsonSchema)]
pub struct Export<'a> {
    /// Always `prodc.model/v1`.
    pub schema: &'static str,
    /// `[project] name` of `Prod.toml`.
    pub project: String,
    pub model: &'a Model,
}

fn export(checked: &Checked) -> Export<'_> {
    export_of(project_name(&checked.project), &checked.model)
}

fn export_of(project: String, model: &Model) -> Export<'_> {
    Export {
        schema: "prodc.model/v1",
        project,
        model,
    }
}

/// `[project] name`, as the export names the project.
pub fn project_name(project: &Project) -> String {
    project
        .config
        .as_ref()
        .map(|c| c.project.name.get_ref().clone())
        .unwrap_or_default()
}

/// The exported model as pretty JSON with a final newline (`prodc export`).
pub fn export_json(checked: &Checked) -> String {
    let mut text =
        serde_json::to_string_pretty(&export(checked)).expect("the model serialises to JSON");
    text.push('\n');
    text
}

/// The JSON Schema of [`export_json`]'s output.
pub fn model_schema() -> String {
    let schema = schemars::schema_for!(Export<'static>);
    let mut text = serde_json::to_string_pretty(&schema).expect("schemas serialise to JSON");
    text.push('\n');
    text
}

/// `model.json` is compact JSON (one line and a newline): it is read by
/// tools, and a model of a million IoV lines would be 2.5 times larger, and
/// slower to write and to read, indented. `prodc export` prints it indented.
pub(super) fn emit(checked: &Checked, sink: &dyn Sink) {
    emit_model(&project_name(&checked.project), &checked.model, sink);
}

/// The `model` target from the resolved model alone, before the rest of
/// the checks are done: a build writes it while they run.
/// Writes `model.json` of the project named `project` (see
/// [`project_name`]).
pub fn emit_model(project: &str, model: &Model, sink: &dyn Sink) {
    let export = export_of(project.to_string(), model);
    // Streamed: the model of a million IoV lines is over 100 MB of JSON.
    sink.put_with("model.json".to_string(), &|out| {
        super::model_json::write(&export, out)
    });
}
