//! The `model` target and `prodc export`: the resolved model as JSON, for
//! tools; its JSON Schema (`prodc schema model`) is derived from the model's
//! types, so the two cannot drift apart.
//!
//! References are indices into the item lists (`"globaltags": [{"value": 0}]`
//! is the first entry of `"tags"`); quantities are in base units (events,
//! bytes, inverse picobarns, hours). Items of the standard library are
//! included and marked `"is_std": true`.

use super::Outputs;
use crate::model::Model;
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
    let project = checked
        .project
        .config
        .as_ref()
        .map(|c| c.project.name.get_ref().clone())
        .unwrap_or_default();
    Export {
        schema: "prodc.model/v1",
        project,
        model: &checked.model,
    }
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
pub(super) fn emit(checked: &Checked, outputs: &mut Outputs) {
    let mut bytes = serde_json::to_vec(&export(checked)).expect("the model serialises to JSON");
    bytes.push(b'\n');
    outputs.insert("model.json".to_string(), bytes);
}
