//! The `gtplan` target, per global tag of the project under `gtplan/<tag>/`:
//! `database.txt` (the desired content, by calibration stage), one payload
//! file per stage, `plan.txt` and `plan.json` (the plan for a new tag) and
//! `upload.sh` (the `b2conditionsdb` commands).

use super::templates::Renderer;
use super::Sink;
use crate::diagnostics::Diagnostic;
use crate::gtplan::{diff::diff, states, write_database_txt, Plans, Stage};
use crate::model::TagId;
use crate::Checked;
use serde_json::json;

pub(super) fn emit(
    checked: &Checked,
    renderer: &Renderer,
    sink: &dyn Sink,
) -> Result<(), Vec<Diagnostic>> {
    use rayon::prelude::*;
    let tags: Vec<(usize, &crate::model::GlobalTag)> = checked
        .model
        .tags
        .iter()
        .enumerate()
        .filter(|(_, t)| !t.is_std)
        .collect();
    // What every tag's plan needs of the others (the calibration order, the
    // base chains), once; then the tags are planned independently, on all
    // cores (a tag of a million IoV lines takes a while).
    let plans = Plans::new(&checked.model);
    let diags: Vec<Diagnostic> = tags
        .par_iter()
        .with_max_len(1)
        .filter_map(|&(i, tag)| emit_tag(&plans, renderer, TagId(i as u32), tag, sink))
        .collect();
    if diags.is_empty() {
        Ok(())
    } else {
        Err(diags)
    }
}

/// The files of one tag; the template error of its `upload.sh`, if any.
fn emit_tag(
    plans: &Plans,
    renderer: &Renderer,
    id: TagId,
    tag: &crate::model::GlobalTag,
    sink: &dyn Sink,
) -> Option<Diagnostic> {
    let dir = format!("gtplan/{}", tag.name.text);
    let stages = plans.stages(id);
    // Each stage's lines are formatted once, for its own file and for
    // `database.txt`; the plans, larger, are written a chunk at a time.
    let texts: Vec<String> = stages.iter().map(Stage::text).collect();
    sink.put_with(format!("{dir}/database.txt"), &|out| {
        write_database_txt(out, &stages, &texts)
    });
    let mut files = Vec::new();
    for (n, (stage, text)) in stages.iter().zip(texts).enumerate() {
        let file = format!("stage-{n}-{}.txt", stage.label());
        sink.put(format!("{dir}/{file}"), text.into_bytes());
        files.push(json!({ "file": file, "label": stage.label() }));
    }
    let desired = stages.iter().flat_map(|s| &s.entries);
    let plan = diff(&tag.name.text, desired, &[], "");
    sink.put_with(format!("{dir}/plan.txt"), &|out| {
        plan.write_text(out, "an empty conditions database (a new tag)")
    });
    sink.put_with(format!("{dir}/plan.json"), &|out| plan.write_json(out));
    let transitions = states::path("OPEN", &tag.state.name).unwrap_or_default();
    let data = json!({
        "tag": tag.name.text,
        "type": tag.ty.name,
        "state": tag.state.name,
        "description": tag.description.clone().unwrap_or_else(|| tag.docs.join(" ")),
        "stages": files,
        "transitions": transitions,
    });
    match renderer.render("gtplan/upload.sh.hbs", &data) {
        Ok(text) => {
            sink.put(format!("{dir}/upload.sh"), text.into_bytes());
            None
        }
        Err(diag) => Some(diag),
    }
}
