//! `prodc plan`: the difference between a tag in the manifests and a dump
//! of its current state, with Terraform's exit codes (0 no changes, 2
//! changes, 1 errors), and the `gtplan` target of the shipped project.

// Tests and benchmarks set up files, run programs and print; the core may not (clippy.toml).
#![allow(clippy::disallowed_methods, clippy::disallowed_macros)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("src")).expect("scratch");
    dir
}

const MANIFEST: &str = "globaltag staging { id = 660 state = TESTING\n\
  payload BeamParameters { 0:0 ..= 7:* rev 3  8:0 .. rev 4 }\n\
  payload CDCXT { always rev 11 }\n\
  payload ECLCrystalEnergy { always rev 7 }\n}\n\
globaltag published { id = 654 state = PUBLISHED payload A { always rev 1 } }\n\
globaltag running { id = 700 state = RUNNING iov_policy = relaxed payload A { 0:0 ..= 11:* rev 1  12:0 ..= 12:99 rev 2 } }\n";

fn project(name: &str) -> PathBuf {
    let dir = scratch(name);
    std::fs::write(
        dir.join("Prod.toml"),
        "[project]\nname = \"t\"\nsource = \"src\"\n",
    )
    .expect("write");
    std::fs::write(dir.join("src/tags.prod"), MANIFEST).expect("write");
    dir
}

fn plan(dir: &Path, args: &[&str], current: &str) -> (Option<i32>, String, String) {
    std::fs::write(dir.join("current.txt"), current).expect("write");
    let out: Output = Command::new(env!("CARGO_BIN_EXE_prodc"))
        .args(["plan", "."])
        .args(args)
        .args(["--current", "current.txt"])
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("runs");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

const CURRENT: &str = "dbstore/BeamParameters 3 0,0,7,-1\ndbstore/BeamParameters 4 8,0,-1,-1\ndbstore/CDCXT 11 0,0,-1,-1\ndbstore/ECLCrystalEnergy 7 0,0,-1,-1\n";

#[test]
fn an_identical_state_has_no_changes() {
    let dir = project("plan-same");
    let (code, stdout, _) = plan(&dir, &["staging"], CURRENT);
    assert_eq!(code, Some(0), "{stdout}");
    assert!(stdout.contains("0 to add, 0 to change, 0 to remove; 3 payloads unchanged"));
}

#[test]
fn a_missing_iov_is_the_only_payload_listed() {
    let dir = project("plan-add");
    let current = CURRENT.replace("dbstore/BeamParameters 4 8,0,-1,-1\n", "");
    let (code, stdout, _) = plan(&dir, &["staging"], &current);
    assert_eq!(code, Some(2));
    assert!(
        stdout.contains("payload BeamParameters") && !stdout.contains("CDCXT"),
        "{stdout}"
    );
    insta::assert_snapshot!("plan_add", stdout);
}

#[test]
fn closing_an_open_iov_is_a_change_and_extra_iovs_are_removed() {
    let dir = project("plan-change");
    let current = "dbstore/BeamParameters 3 0,0,-1,-1\ndbstore/CDCXT 11 0,0,-1,-1\ndbstore/ECLCrystalEnergy 7 0,0,-1,-1\ndbstore/Retired 2 0,0,-1,-1\n";
    let (code, stdout, _) = plan(&dir, &["staging"], current);
    assert_eq!(code, Some(2));
    insta::assert_snapshot!("plan_change_remove", stdout);
}

#[test]
fn a_saved_plan_is_refused_once_the_state_moves_on() {
    let dir = project("plan-stale");
    let current = CURRENT.replace("dbstore/CDCXT 11 0,0,-1,-1\n", "");
    let (code, _, _) = plan(&dir, &["staging", "--out", "saved.json"], &current);
    assert_eq!(code, Some(2));
    let (code, _, _) = plan(&dir, &["staging", "--apply-check", "saved.json"], &current);
    assert_eq!(
        code,
        Some(2),
        "the same state: the saved plan still applies"
    );
    let (code, stdout, stderr) = plan(&dir, &["staging", "--apply-check", "saved.json"], CURRENT);
    assert_eq!(code, Some(1));
    assert!(stdout.is_empty());
    insta::assert_snapshot!("plan_stale", stderr);
}

#[test]
fn a_published_tag_may_not_change() {
    let dir = project("plan-published");
    let (code, _, stderr) = plan(&dir, &["published"], "dbstore/A 0 0,0,-1,-1\n");
    assert_eq!(code, Some(1));
    insta::assert_snapshot!("plan_published", stderr);
    let (code, _, _) = plan(&dir, &["published"], "dbstore/A 1 0,0,-1,-1\n");
    assert_eq!(
        code,
        Some(0),
        "unchanged content of a published tag is fine"
    );
}

#[test]
fn states_and_running_updates_are_checked() {
    let dir = project("plan-states");
    let (code, _, stderr) = plan(&dir, &["staging", "--current-state", "PUBLISHED"], CURRENT);
    assert_eq!(code, Some(1));
    assert!(stderr.contains("E0412"), "{stderr}");
    let (code, _, _) = plan(&dir, &["staging", "--current-state", "OPEN"], CURRENT);
    assert_eq!(code, Some(0));
    let (code, _, stderr) = plan(
        &dir,
        &["running", "--running-from", "12:50"],
        "dbstore/A 1 0,0,-1,-1\n",
    );
    assert_eq!(code, Some(1));
    assert!(stderr.contains("E0413"), "{stderr}");
    let (code, _, stderr) = plan(&dir, &["nope"], CURRENT);
    assert_eq!(code, Some(1));
    assert!(stderr.contains("E0202"), "{stderr}");
    let (code, _, stderr) = plan(&dir, &["staging"], "dbstore/A x\n");
    assert_eq!(code, Some(1));
    assert!(stderr.contains("E0104"), "{stderr}");
}

#[test]
fn the_gtplan_target_orders_payloads_by_calibration_stage() {
    let vfs =
        prodc::cli::DiskVfs::open(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../manifests"))
            .expect("project");
    let checked = prodc::check(&vfs).expect("loads");
    let outputs = prodc::emit::build(&checked, &["gtplan"]).expect("builds");
    let text = |p: &str| String::from_utf8(outputs[p].clone()).expect("utf-8");
    let database = text("gtplan/data_reprocessing_proc9/database.txt");
    assert!(
        database.contains("dbstore/BeamParameters 3 3,0,6,-1\n"),
        "{database}"
    );
    let upload = text("gtplan/staging_data_reprocessing/upload.sh");
    let at = |needle: &str| {
        upload
            .find(needle)
            .unwrap_or_else(|| panic!("{needle} missing:\n{upload}"))
    };
    assert!(at("stage-0-local_calibrations.txt") < at("stage-1-cdc_tracking.txt"));
    assert!(at("stage-1-cdc_tracking.txt") < at("stage-2-alignment.txt"));
    assert!(upload.starts_with("#!/usr/bin/env bash") && upload.contains("set -euo pipefail"));
    assert!(upload.contains("b2conditionsdb tag state 'staging_data_reprocessing' 'TESTING'"));
    let mc = text("gtplan/mc_production_mc12/upload.sh");
    let states: Vec<&str> = mc.lines().filter(|l| l.contains("tag state")).collect();
    assert_eq!(
        states.len(),
        3,
        "OPEN → TESTING → VALIDATED → PUBLISHED: {states:?}"
    );
}
