//! The `gtplan` target, per global tag of the project under `gtplan/<tag>/`:
//! `database.txt` (the desired content, by calibration stage), one payload
//! file per stage, `plan.txt` and `plan.json` (the plan for a new tag) and
//! `upload.sh` (the `b2conditionsdb` commands).

use super::templates::Renderer;
use super::Outputs;
use crate::diagnostics::Diagnostic;
use crate::gtplan::{database_txt, diff::diff, stages, states};
use crate::model::TagId;
use crate::Checked;
use serde_json::json;

pub(super) fn emit(checked: &Checked, outputs: &mut Outputs) -> Result<(), Vec<Diagnostic>> {
    use rayon::prelude::*;
    let renderer = Renderer::new(checked)?;
    let model = &checked.model;
    // Tags are planned independently: on all cores, each into its own map,
    // merged afterwards (a tag of a million IoV lines takes a while).
    let tags: Vec<(usize, &crate::model::GlobalTag)> = model
        .tags
        .iter()
        .enumerate()
        .filter(|(_, t)| !t.is_std)
        .collect();
    let planned: Vec<(Outputs, Option<Diagnostic>)> = tags
        .par_iter()
        .with_max_len(1)
        .map(|&(i, tag)| {
            let mut outputs = Outputs::new();
            let diag = emit_tag(checked, &renderer, TagId(i as u32), tag, &mut outputs);
            (outputs, diag)
        })
        .collect();
    let mut diags = Vec::new();
    for (mut part, diag) in planned {
        outputs.append(&mut part);
        diags.extend(diag);
    }
    if diags.is_empty() {
        Ok(())
    } else {
        Err(diags)
    }
}

/// The files of one tag; the template error of its `upload.sh`, if any.
fn emit_tag(
    checked: &Checked,
    renderer: &Renderer,
    id: TagId,
    tag: &crate::model::GlobalTag,
    outputs: &mut Outputs,
) -> Option<Diagnostic> {
    let model = &checked.model;
    let dir = format!("gtplan/{}", tag.name.text);
    let stages = stages(model, id);
    outputs.insert(
        format!("{dir}/database.txt"),
        database_txt(&stages).into_bytes(),
    );
    let mut files = Vec::new();
    for (n, stage) in stages.iter().enumerate() {
        let file = format!("stage-{n}-{}.txt", stage.label());
        let mut text = String::new();
        for e in &stage.entries {
            e.write_line(&mut text);
        }
        outputs.insert(format!("{dir}/{file}"), text.into_bytes());
        files.push(json!({ "file": file, "label": stage.label() }));
    }
    let desired = stages.iter().flat_map(|s| &s.entries);
    let plan = diff(&tag.name.text, desired, &[], "");
    outputs.insert(
        format!("{dir}/plan.txt"),
        plan.text("an empty conditions database (a new tag)")
            .into_bytes(),
    );
    let mut plan_json = serde_json::to_string_pretty(&plan).expect("plans serialise");
    plan_json.push('\n');
    outputs.insert(format!("{dir}/plan.json"), plan_json.into_bytes());
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
            outputs.insert(format!("{dir}/upload.sh"), text.into_bytes());
            None
        }
        Err(diag) => Some(diag),
    }
}
