//! The `jobs` and `batch` targets: job files valid against the shipped JSON
//! Schema, the MC12b facts, gbasf2 project names, template overrides, and
//! hostile text that must never run in a generated script.

// Tests and benchmarks set up files, run programs and print; the core may not (clippy.toml).
#![allow(clippy::disallowed_methods, clippy::disallowed_macros)]

use prodc::diagnostics::render::{render_all, HumanStyle, MessageFormat};
use prodc::project::MemoryVfs;
use std::path::{Path, PathBuf};
use std::process::Command;

fn shipped() -> prodc::Checked {
    let vfs =
        prodc::cli::DiskVfs::open(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../manifests"))
            .expect("project");
    let checked = prodc::check(&vfs).expect("loads");
    assert!(checked.diagnostics.is_empty(), "{:?}", checked.diagnostics);
    checked
}

fn json(outputs: &prodc::emit::Outputs, path: &str) -> serde_json::Value {
    serde_json::from_slice(&outputs[path]).unwrap_or_else(|e| panic!("{path}: {e}"))
}

#[test]
fn every_job_file_validates_against_the_schema() {
    let checked = shipped();
    let outputs = prodc::emit::build(&checked, &["jobs"]).expect("builds");
    let schema: serde_json::Value =
        serde_json::from_str(prodc::emit::JOB_SCHEMA).expect("schema is JSON");
    let validator = jsonschema::validator_for(&schema).expect("a valid JSON Schema");
    let mut count = 0;
    for (path, bytes) in &outputs {
        let job: serde_json::Value = serde_json::from_slice(bytes).expect("JSON");
        let errors: Vec<String> = validator.iter_errors(&job).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "{path}: {errors:?}");
        count += 1;
    }
    // Six MC12b productions and six proc9 run ranges.
    assert_eq!(count, 12);
}

#[test]
fn the_mc12b_job_of_production_7207_carries_the_production_request() {
    let outputs = prodc::emit::build(&shipped(), &["jobs"]).expect("builds");
    let mc: Vec<&String> = outputs
        .keys()
        .filter(|k| k.starts_with("jobs/MC12b/"))
        .collect();
    assert_eq!(mc.len(), 6, "{mc:?}");
    let job = json(&outputs, "jobs/MC12b/7207.json");
    assert_eq!(job["schema"], "prodc.job/v1");
    assert_eq!(job["release"], "release-03-01-00");
    assert_eq!(job["event_type"], "1264340000");
    assert_eq!(job["background"], "BGx1");
    assert_eq!(job["events"], 40_000_000);
    assert_eq!(job["tasks"], 400);
    assert_eq!(job["events_per_job"], 100_000);
    assert_eq!(job["globaltags"][0]["id"], 547);
    assert_eq!(job["priority"]["name"], "major");
    assert_eq!(job["priority"]["value"], 2);
    assert_eq!(job["steering"], "steering/MC12b.py");
    assert_eq!(job["source"]["file"], "mc12/campaign.prod");
    assert_eq!(
        job["outputs"][0]["lpns"][0],
        "/belle/MC/release-03-01-00/DB00000547/MC12b/prod00007207/s00/e1003/4S/r000000/1264340000/mdst/sub00"
    );
    let range = json(&outputs, "jobs/proc9/8-4S-43.json");
    assert_eq!(range["tasks"], 1022 - 43 + 1);
    assert_eq!(range["runs"][0]["first"], 43);
}

#[test]
fn schema_command_prints_the_shipped_schema() {
    let out = Command::new(env!("CARGO_BIN_EXE_prodc"))
        .args(["schema", "job"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0));
    let shipped = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../targets/job.schema.json"),
    )
    .expect("file");
    assert_eq!(String::from_utf8_lossy(&out.stdout), shipped);
}

const TAG: &str = "globaltag g { id = 1 state = TESTING payload A { always rev 1 } }\n";

fn campaign(name: &str, extra: &str) -> String {
    format!(
        "{TAG}campaign {name} {{ release = \"release-03-01-00\" globaltags = [g] experiment = 1003 beam = Y4S layout = std.mc_lpn tier = mdst event_size = 10kB events_per_job = 10\n\
         {extra}\n sample s {{ event_type = 1264340000 events = 25 production 7 {{ background = BGx1 }} }} }}\n"
    )
}

fn project(config_extra: &str, manifest: &str) -> MemoryVfs {
    MemoryVfs::new()
        .with(
            "Prod.toml",
            format!("[project]\nname = \"t\"\nsource = \"src\"\n{config_extra}"),
        )
        .with("src/a.prod", manifest)
}

fn human(checked: &prodc::Checked, diags: &[prodc::diagnostics::Diagnostic]) -> String {
    render_all(
        diags,
        &checked.project.sources,
        MessageFormat::Human,
        HumanStyle::default(),
    )
}

#[test]
fn gbasf2_project_names_are_checked_when_gbasf2_is_used() {
    let long = "MC15ri_b_generic_run_dependent_v2";
    let vfs = project("[batch]\nschedulers = [\"gbasf2\"]\n", &campaign(long, ""));
    let checked = prodc::check(&vfs).expect("loads");
    let codes: Vec<&str> = checked
        .diagnostics
        .iter()
        .map(|d| d.code.as_str())
        .collect();
    assert_eq!(
        codes,
        ["E0807"],
        "{}",
        human(&checked, &checked.diagnostics)
    );
    insta::assert_snapshot!("e0807", human(&checked, &checked.diagnostics));
    // Without gbasf2 among the schedulers the name does not matter.
    let checked = prodc::check(&project("", &campaign(long, ""))).expect("loads");
    assert!(checked.diagnostics.is_empty());
}

#[test]
fn a_template_override_is_used_and_its_errors_point_into_it() {
    let vfs = project("", &campaign("C", "")).with(
        "templates/batch/slurm.sh.hbs",
        "#!/usr/bin/env bash\n# site {{job.name}}\n",
    );
    let checked = prodc::check(&vfs).expect("loads");
    let outputs = prodc::emit::build(&checked, &["batch"]).expect("builds");
    assert_eq!(
        String::from_utf8_lossy(&outputs["batch/slurm/C-7.sh"]),
        "#!/usr/bin/env bash\n# site C-7\n"
    );

    let broken = project("", &campaign("C", "")).with(
        "templates/batch/slurm.sh.hbs",
        "#!/usr/bin/env bash\n# {{job.nmae}}\n",
    );
    let checked = prodc::check(&broken).expect("loads");
    let diags = prodc::emit::build(&checked, &["batch"]).expect_err("strict mode");
    assert_eq!(diags[0].code.as_str(), "E0115");
    let file = checked.project.sources.get(diags[0].primary.span.file);
    assert_eq!(file.name, "templates/batch/slurm.sh.hbs");
    assert_eq!(file.line_col(diags[0].primary.span.start).0, 2);
    insta::assert_snapshot!("e0115", human(&checked, &diags));

    let unparsable = project("", &campaign("C", "")).with(
        "templates/batch/lsf.sh.hbs",
        "ok\n{{#if x}}\nnever closed\n",
    );
    let checked = prodc::check(&unparsable).expect("loads");
    let diags = prodc::emit::build(&checked, &["batch"]).expect_err("syntax");
    assert_eq!(diags[0].code.as_str(), "E0115");
}

#[test]
fn include_renders_a_template_in_place_and_its_errors_point_into_it() {
    // The shared task body is included by every scheduler's script: an
    // override of it changes them all.
    let vfs = project("", &campaign("C", "")).with(
        "templates/batch/task.sh.hbs",
        "echo {{sh job.name}} {{#each lpns}}{{@index}}{{/each}}\n",
    );
    let checked = prodc::check(&vfs).expect("loads");
    let outputs = prodc::emit::build(&checked, &["batch"]).expect("builds");
    let script = String::from_utf8_lossy(&outputs["batch/slurm/C-7.sh"]).into_owned();
    assert!(
        script.ends_with("submit_dir=\"${SLURM_SUBMIT_DIR:-.}\"\necho 'C-7' 0\n"),
        "{script}"
    );

    let broken =
        project("", &campaign("C", "")).with("templates/batch/task.sh.hbs", "ok\n{{job.nmae}}\n");
    let checked = prodc::check(&broken).expect("loads");
    let diags = prodc::emit::build(&checked, &["batch"]).expect_err("strict mode");
    assert_eq!(diags.len(), 1, "one error, not one per job: {diags:?}");
    assert_eq!(diags[0].code.as_str(), "E0115");
    let file = checked.project.sources.get(diags[0].primary.span.file);
    assert_eq!(file.name, "templates/batch/task.sh.hbs");
    assert_eq!(file.line_col(diags[0].primary.span.start).0, 2);

    // A template that includes itself is an error, not a crash.
    let cycle = project("", &campaign("C", "")).with(
        "templates/batch/task.sh.hbs",
        "{{include \"batch/task.sh.hbs\"}}",
    );
    let checked = prodc::check(&cycle).expect("loads");
    let diags = prodc::emit::build(&checked, &["batch"]).expect_err("cycle");
    assert!(
        diags[0].message.contains("in a cycle"),
        "{}",
        diags[0].message
    );

    let missing = project("", &campaign("C", "")).with(
        "templates/batch/slurm.sh.hbs",
        "{{include \"batch/nothing.hbs\"}}",
    );
    let checked = prodc::check(&missing).expect("loads");
    let diags = prodc::emit::build(&checked, &["batch"]).expect_err("missing");
    assert_eq!(diags[0].code.as_str(), "E0115");
}

fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch");
    dir
}

/// A `basf2` that records the task's environment instead of running.
const FAKE_BASF2: &str = "#!/usr/bin/env bash\nprintf '%s\\n' \"$PRODC_STEERING\" \"$PRODC_EVENTS\" \"$PRODC_OUTPUT\" > \"$MARKER_DIR/task-$PRODC_TASK_INDEX\"\n";

#[test]
fn hostile_text_reaches_a_script_only_quoted() {
    let hostile = "x'; touch PWNED; echo '$(touch PWNED2)`touch PWNED3`\n";
    let dir = scratch("hostile-batch");
    let manifest = campaign("C", "").replace(
        "sample s {",
        "## Doc with ' \" $(touch PWNED4) `touch PWNED5`\n sample s { ticket = \"a'b\\\"c$(touch PWNED6)`touch PWNED7`\\nd\" ",
    );
    // The steering pattern is free text that does reach the scripts.
    let steering = "steering/it's $(touch PWNED8) `x` {name}.py";
    std::fs::create_dir_all(dir.join("src")).expect("mkdir");
    std::fs::write(dir.join("Prod.toml"), format!("[project]\nname = \"t\"\nsource = \"src\"\n[batch]\nschedulers = [\"slurm\", \"lsf\", \"htcondor\"]\nsteering = {steering:?}\n")).expect("write");
    std::fs::write(dir.join("src/a.prod"), &manifest).expect("write");
    let _ = hostile;
    let out = Command::new(env!("CARGO_BIN_EXE_prodc"))
        .args(["build", "--out", "out"])
        .current_dir(&dir)
        .output()
        .expect("runs");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let bin = dir.join("bin");
    std::fs::create_dir_all(&bin).expect("mkdir");
    std::fs::write(bin.join("basf2"), FAKE_BASF2).expect("write");
    let chmod = Command::new("chmod")
        .args(["+x", bin.join("basf2").to_str().expect("utf-8")])
        .status()
        .expect("chmod");
    assert!(chmod.success());
    let markers = dir.join("markers");
    std::fs::create_dir_all(&markers).expect("mkdir");
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    for (script, index_var, index) in [
        ("out/batch/slurm/C-7.sh", "SLURM_ARRAY_TASK_ID", "2"),
        ("out/batch/lsf/C-7.sh", "LSB_JOBINDEX", "3"),
    ] {
        let status = Command::new("bash")
            .arg(script)
            .current_dir(&dir)
            .env("PATH", &path)
            .env("MARKER_DIR", &markers)
            .env(index_var, index)
            .env("SLURM_SUBMIT_DIR", &dir)
            .env("LS_SUBCWD", &dir)
            .status()
            .expect("bash runs");
        assert!(status.success(), "{script}");
    }
    let status = Command::new("bash")
        .args(["out/batch/htcondor/C-7.sh", "1"])
        .current_dir(&dir)
        .env("PATH", &path)
        .env("MARKER_DIR", &markers)
        .env("PRODC_PROJECT_DIR", &dir)
        .status()
        .expect("bash runs");
    assert!(status.success());
    // 25 events in tasks of 10: task 2 generates the last 5 events.
    let task2 = std::fs::read_to_string(markers.join("task-2")).expect("task 2 ran");
    let lines: Vec<&str> = task2.lines().collect();
    assert_eq!(lines[0], "steering/it's $(touch PWNED8) `x` C.py");
    assert_eq!(lines[1], "5");
    assert_eq!(lines[2], "/belle/MC/release-03-01-00/DB00000001/C/prod00000007/s00/e1003/4S/r00000/1264340000/mdst/sub00");
    assert!(markers.join("task-1").exists() && markers.join("task-2").exists());
    let created: Vec<String> = std::fs::read_dir(&dir)
        .expect("dir")
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("PWNED"))
        .collect();
    assert!(created.is_empty(), "a hostile value ran: {created:?}");
    // Tickets and doc comments never reach the scripts at all.
    for entry in walk(&dir.join("out/batch")) {
        let text = std::fs::read_to_string(&entry).expect("text");
        assert!(
            !text.contains("PWNED4") && !text.contains("PWNED6"),
            "{}",
            entry.display()
        );
    }
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).expect("dir").filter_map(Result::ok) {
        let path = entry.path();
        if path.is_dir() {
            files.extend(walk(&path));
        } else {
            files.push(path);
        }
    }
    files
}

#[test]
fn the_exported_model_validates_against_its_schema() {
    let run = |args: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_prodc"))
            .args(args)
            .current_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join(".."))
            .output()
            .expect("runs");
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice::<serde_json::Value>(&out.stdout).expect("JSON")
    };
    let schema = run(&["schema", "model"]);
    let export = run(&["export", "manifests"]);
    let validator = jsonschema::validator_for(&schema).expect("a valid JSON Schema");
    let errors: Vec<String> = validator
        .iter_errors(&export)
        .take(5)
        .map(|e| e.to_string())
        .collect();
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(export["schema"], "prodc.model/v1");
    assert_eq!(export["model"]["campaigns"][0]["name"]["text"], "MC12b");
}
