//! The `batch` target: scripts for the schedulers of `[batch] schedulers`,
//! rendered from the templates in `targets/batch/` (or the project's
//! overrides): Slurm and LSF array scripts `batch/<scheduler>/<job>.sh`,
//! HTCondor submit descriptions `batch/htcondor/<job>.sub` with their `.sh`
//! wrapper, and one gbasf2 `batch/gbasf2/submit.sh` for all productions.

use super::templates::Renderer;
use super::Sink;
use crate::diagnostics::Diagnostic;
use crate::jobs::{gbasf2_project, Job};
use crate::layout::OwnerKind;
use crate::Checked;
use rayon::prelude::*;
use serde::Serialize;
use serde_json::{json, Value};

/// The template data of one job's scripts: the job as in its JSON file,
/// and what the scripts need of it in handier form.
#[derive(Serialize)]
struct JobData<'a> {
    job: &'a Job,
    campaign: bool,
    /// Empty for a processing without one.
    production_id: String,
    /// The global tags, comma-separated.
    globaltags: String,
    lpns: Vec<&'a str>,
    /// The first of `lpn_patterns`, or empty.
    lpn_pattern: &'a str,
    lpn_patterns: Vec<&'a str>,
    files_per_block: u64,
    first_run: u64,
    run_pad: usize,
    last_task: u64,
    /// Where the script is written, `<out>/batch/...`.
    script: &'a str,
    /// The HTCondor wrapper script's name, else empty.
    wrapper: &'a str,
}

fn job_data<'a>(job: &'a Job, script: &'a str, wrapper: &'a str) -> JobData<'a> {
    let patterns: Vec<&str> = job
        .outputs
        .iter()
        .filter_map(|o| o.lpn_pattern.as_deref())
        .collect();
    JobData {
        job,
        campaign: job.kind == OwnerKind::Campaign,
        production_id: job.production_id.map_or(String::new(), |p| p.to_string()),
        globaltags: job
            .globaltags
            .iter()
            .map(|t| t.name.as_str())
            .collect::<Vec<_>>()
            .join(","),
        lpns: job
            .outputs
            .iter()
            .flat_map(|o| o.lpns.iter().map(String::as_str))
            .collect(),
        lpn_pattern: patterns.first().copied().unwrap_or(""),
        lpn_patterns: patterns,
        files_per_block: job.files_per_block,
        first_run: job.runs.first().map_or(0, |r| r.first),
        run_pad: job.run_pad,
        last_task: job.tasks.saturating_sub(1),
        script,
        wrapper,
    }
}

pub(super) fn emit(
    checked: &Checked,
    renderer: &Renderer,
    sink: &dyn Sink,
) -> Result<(), Vec<Diagnostic>> {
    let schedulers: Vec<String> = checked
        .project
        .config
        .as_ref()
        .map(|c| {
            c.batch
                .schedulers
                .iter()
                .map(|s| s.get_ref().clone())
                .collect()
        })
        .unwrap_or_else(|| vec!["slurm".to_string()]);
    let jobs = checked.jobs();
    let jobs: Vec<&Job> = jobs.iter().filter(|j| j.tasks > 0).collect();
    let put = |path: String, rendered: Result<String, Diagnostic>| match rendered {
        Ok(mut text) => {
            if !text.ends_with('\n') {
                text.push('\n');
            }
            sink.put(path, text.into_bytes());
            None
        }
        Err(diag) => Some(diag),
    };
    // Every script is rendered on its own: on all cores, since a campaign
    // of tens of thousands of productions has as many scripts.
    let mut diags: Vec<Diagnostic> = Vec::new();
    for scheduler in &schedulers {
        match scheduler.as_str() {
            "slurm" | "lsf" => {
                let template = format!("batch/{scheduler}.sh.hbs");
                diags.par_extend(jobs.par_iter().filter_map(|job| {
                    let path = format!("batch/{scheduler}/{}.sh", job.name);
                    let script = format!("<out>/{path}");
                    let rendered = renderer.render(&template, &job_data(job, &script, ""));
                    put(path, rendered)
                }));
            }
            "htcondor" => {
                diags.par_extend(jobs.par_iter().flat_map_iter(|job| {
                    let sub = format!("batch/htcondor/{}.sub", job.name);
                    let wrapper = format!("{}.sh", job.name);
                    let script = format!("<out>/{sub}");
                    let data = job_data(job, &script, &wrapper);
                    let script = renderer.render("batch/htcondor.sh.hbs", &data);
                    let submit = renderer.render("batch/htcondor.sub.hbs", &data);
                    [
                        put(sub, submit),
                        put(format!("batch/htcondor/{wrapper}"), script),
                    ]
                    .into_iter()
                    .flatten()
                }));
            }
            "gbasf2" => {
                let submissions: Vec<Value> = jobs
                    .iter()
                    .filter(|j| j.kind == OwnerKind::Campaign)
                    .map(|j| {
                        json!({
                            "comment": format!("{} production {} ({}, {} events)", j.sample.as_deref().unwrap_or(""), j.id, j.background.as_deref().unwrap_or(""), j.events.unwrap_or(0)),
                            "steering": j.steering,
                            "project": gbasf2_project(j),
                            "release": j.release,
                            "priority": j.priority.as_ref().map_or(0, |p| p.value * 2),
                        })
                    })
                    .collect();
                diags.extend(put(
                    "batch/gbasf2/submit.sh".to_string(),
                    renderer.render(
                        "batch/gbasf2.sh.hbs",
                        &json!({ "submissions": submissions }),
                    ),
                ));
            }
            _ => {}
        }
    }
    // A broken template fails the same way for every job: report it once.
    let mut unique: Vec<Diagnostic> = Vec::new();
    for diag in diags {
        if !unique.contains(&diag) {
            unique.push(diag);
        }
    }
    let diags = unique;
    if diags.is_empty() {
        Ok(())
    } else {
        Err(diags)
    }
}
