//! The `model` target: `model.json`, the parsed project as JSON.
//!
//! Until the typed model exists this is the syntax tree of every project
//! file (the standard library is left out), with spans as file, line and
//! column so that the output does not depend on file ids.

use super::Outputs;
use crate::Checked;
use serde_json::{json, Map, Value};

pub(super) fn emit(checked: &Checked, outputs: &mut Outputs) {
    let project = &checked.project;
    let files: Vec<Value> = project
        .files
        .iter()
        .filter(|f| !f.is_std)
        .map(|f| {
            let source = project.sources.get(f.file);
            let mut items =
                serde_json::to_value(&f.unit.items).expect("the syntax tree serialises");
            replace_spans(&mut items, &|file, start| {
                let src = project.sources.get(source::FileId(file));
                let (line, column) = src.line_col(start);
                json!({ "line": line, "column": column })
            });
            json!({ "path": source.name, "items": items })
        })
        .collect();
    let name = project
        .config
        .as_ref()
        .map(|c| c.project.name.get_ref().clone())
        .unwrap_or_default();
    let model = json!({ "schema": "prodc.ast/v1", "project": name, "files": files });
    let mut text = serde_json::to_string_pretty(&model).expect("json values serialise");
    text.push('\n');
    outputs.insert("model.json".to_string(), text.into_bytes());
}

use crate::source;

/// Replaces every `{"file", "start", "end"}` span object by its position.
fn replace_spans(value: &mut Value, at: &dyn Fn(u32, u32) -> Value) {
    match value {
        Value::Object(map) => {
            if let Some(pos) = span_position(map, at) {
                *value = pos;
                return;
            }
            for v in map.values_mut() {
                replace_spans(v, at);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| replace_spans(v, at)),
        _ => {}
    }
}

fn span_position(map: &Map<String, Value>, at: &dyn Fn(u32, u32) -> Value) -> Option<Value> {
    if map.len() != 3 {
        return None;
    }
    let num = |k: &str| map.get(k)?.as_u64().and_then(|n| u32::try_from(n).ok());
    Some(at(num("file")?, num("start")?))
}
