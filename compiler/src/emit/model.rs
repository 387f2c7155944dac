//! The `model` target: `model.json`, the resolved model as JSON, for tools.
//!
//! References are indices into the item lists (`"globaltags": [0]` is the
//! first entry of `"tags"`); quantities are in base units (events, bytes,
//! inverse picobarns, hours). Items of the standard library are included
//! and marked `"is_std": true`.

use super::Outputs;
use crate::Checked;
use serde_json::json;

pub(super) fn emit(checked: &Checked, outputs: &mut Outputs) {
    let name = checked
        .project
        .config
        .as_ref()
        .map(|c| c.project.name.get_ref().clone())
        .unwrap_or_default();
    let model = json!({ "schema": "prodc.model/v1", "project": name, "model": checked.model });
    let mut text = serde_json::to_string_pretty(&model).expect("the model serialises to JSON");
    text.push('\n');
    outputs.insert("model.json".to_string(), text.into_bytes());
}
