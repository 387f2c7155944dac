//! `prodc diff`: the semantic diff of two versions of the shipped project
//! (sample events, payload IoVs, items and samples added and removed, a
//! reformatted file that changes nothing), and `GitVfs`, which reads a
//! project at a git revision of a temporary repository.

// Tests and benchmarks set up files, run programs and print; the core may not (clippy.toml).
#![allow(clippy::disallowed_methods, clippy::disallowed_macros)]

mod common;

use common::{edit, shipped};
use prodc::cli::git::GitVfs;
use prodc::diff::{diff, Op, Report, Status};
use prodc::project::{MemoryVfs, Vfs};
use std::path::{Path, PathBuf};
use std::process::Command;

/// Checks a project that must have no errors.
fn checked(vfs: &dyn Vfs) -> prodc::Checked {
    let checked = prodc::check(vfs).expect("loads");
    assert!(!checked.has_errors(), "{:#?}", checked.diagnostics);
    checked
}

fn report(old: &MemoryVfs, new: &MemoryVfs) -> Report {
    diff(&checked(old), &checked(new))
}

/// The shipped project with 60M events in sample `Bp_DstTauNu`.
fn more_events(vfs: &MemoryVfs) -> MemoryVfs {
    edit(
        vfs,
        "mc12/campaign.prod",
        "sample Bp_DstTauNu",
        "events     = 50M",
        "events     = 60M",
    )
}

#[test]
fn equal_trees_have_no_differences() {
    let vfs = shipped();
    let report = report(&vfs, &vfs);
    assert!(report.is_empty(), "{report:#?}");
    assert_eq!(report.text(), "no differences\n");
    assert_eq!(report.markdown(), "### prodc diff\n\nNo differences.\n");
}

#[test]
fn comments_layout_and_file_order_are_no_change() {
    let old = shipped();
    // A comment, another alignment and an item moved to a new file.
    let releases = String::from_utf8(old.files["releases.prod"].clone()).expect("utf-8");
    let (kept, moved) = releases
        .split_once("## Phase-2 era release")
        .expect("the deprecated release is last");
    let new = edit(
        &old,
        "mc12/campaign.prod",
        "sample Bp_DstTauNu",
        "events     = 50M",
        "# a comment\n    events = 50M",
    )
    .with("releases.prod", kept)
    .with("zz/moved.prod", format!("## Phase-2 era release{moved}"));
    // IoV lines in another order: a payload's intervals are a set.
    let new = edit(
        &new,
        "mc12/tags.prod",
        "payload BeamParameters",
        "0:0 ..= 1002:*  rev 1\n    1003:0 ..       rev 2",
        "1003:0 ..       rev 2\n    0:0 ..= 1002:*  rev 1",
    );
    let report = report(&old, &new);
    assert!(report.is_empty(), "{}", report.text());
}

#[test]
fn more_events_change_the_sample_and_its_jobs() {
    let old = shipped();
    let new = more_events(&old);
    let report = report(&old, &new);
    let text = report.text();
    assert!(!report.is_empty());
    assert!(
        text.contains("campaign MC12b › sample Bp_DstTauNu › events: 50000000 → 60000000"),
        "{text}"
    );
    for job in ["MC12b-7088", "MC12b-7207"] {
        assert!(text.contains(&format!("~ {job}: events ")), "{text}");
    }
    // The 7088 production gets 20 % of the events: 12M in 120 tasks.
    let job = report
        .jobs
        .iter()
        .find(|j| j.name == "MC12b-7088")
        .expect("job 7088 changed");
    assert_eq!(job.status, Status::Changed);
    let fields: Vec<&str> = job.fields.iter().map(|f| f.field.as_str()).collect();
    assert_eq!(fields, ["events", "tasks"]);
    assert_eq!(job.fields[0].old, 10_000_000);
    assert_eq!(job.fields[0].new, 12_000_000);
    assert_eq!(job.fields[1].new, 120);
    assert_eq!(report.jobs.len(), 2, "{text}");
    // Run-independent MC writes the same directories, whatever the events.
    assert_eq!((report.paths.appear, report.paths.vanish), (0, 0));
    insta::assert_snapshot!("events_text", text);
    insta::assert_snapshot!("events_markdown", report.markdown());
}

#[test]
fn the_json_report_has_a_schema_and_structured_changes() {
    let old = shipped();
    let report = report(&old, &more_events(&old));
    let json: serde_json::Value =
        serde_json::from_str(&serde_json::to_string(&report).expect("serialises")).expect("JSON");
    assert_eq!(json["schema"], "prodc.diff/v1");
    let item = &json["items"][0];
    assert_eq!(item["kind"], "campaign");
    assert_eq!(item["name"], "MC12b");
    assert_eq!(item["status"], "changed");
    let change = &item["changes"][0];
    assert_eq!(
        change["path"],
        serde_json::json!(["sample Bp_DstTauNu", "events"])
    );
    assert_eq!(change["op"], "changed");
    assert_eq!(change["old"], 50_000_000);
    assert_eq!(change["new"], 60_000_000);
    assert_eq!(json["jobs"][0]["name"], "MC12b-7088");
    assert_eq!(json["paths"]["appear"], 0);
}

#[test]
fn a_payload_iov_change_is_listed_under_its_tag_and_payload() {
    let old = shipped();
    // The last CDCXT interval of the staging tag gets a new revision, and a
    // new interval splits it.
    let new = edit(
        &old,
        "proc9/tags.prod",
        "globaltag staging_data_reprocessing",
        "8:0 ..       rev 12",
        "8:0 ..= 8:*  rev 12\n    9:0 ..  rev 13",
    );
    let report = report(&old, &new);
    let text = report.text();
    let prefix = "~ globaltag staging_data_reprocessing › payload CDCXT › iovs:";
    assert!(
        text.contains(&format!("{prefix} - 8:0 .. rev 12\n")),
        "{text}"
    );
    assert!(
        text.contains(&format!("{prefix} + 8:0 ..= 8:* rev 12\n")),
        "{text}"
    );
    assert!(
        text.contains(&format!("{prefix} + 9:0 .. rev 13\n")),
        "{text}"
    );
    // No other item and no job uses the staging tag's content.
    assert_eq!(report.items.len(), 1, "{text}");
    assert!(report.jobs.is_empty(), "{text}");
    let ops: Vec<Op> = report.items[0].changes.iter().map(|c| c.op).collect();
    assert_eq!(ops, [Op::Removed, Op::Added, Op::Added]);
    insta::assert_snapshot!("iov_text", text);
}

#[test]
fn added_and_removed_items_and_samples() {
    let old = shipped();
    let releases = String::from_utf8(old.files["releases.prod"].clone()).expect("utf-8");
    let (kept, _) = releases
        .split_once("## Phase-2 era release")
        .expect("the deprecated release is last");
    let new = old
        .clone()
        .with("releases.prod", kept)
        .with(
            "mc12/extra.prod",
            "## A tag for tests.\nglobaltag mc_extra {\n  type = DEV\n  state = TESTING\n  iov_policy = relaxed\n  payload BeamParameters { always rev 9 }\n}\n",
        );
    // A new sample with one production, before the last one.
    let new = edit(
        &new,
        "mc12/campaign.prod",
        "sample B0_XcTauNu",
        "  ## B+ -> X_c e nu",
        "  sample Bp_Extra {\n    event_type = 1264340000\n    events = 1M\n    production 7300 { background = BGx0 }\n  }\n\n  ## B+ -> X_c e nu",
    );
    let report = report(&old, &new);
    let text = report.text();
    assert!(text.contains("  + globaltag mc_extra\n"), "{text}");
    assert!(text.contains("  - release release-02-01-00\n"), "{text}");
    assert!(
        text.contains("  ~ campaign MC12b › sample Bp_Extra: added\n"),
        "{text}"
    );
    assert!(text.contains("  + MC12b-7300\n"), "{text}");
    assert_eq!(report.paths.appear, 1, "{text}");
    assert_eq!(report.paths.vanish, 0, "{text}");
    let statuses: Vec<(&str, Status)> = report.items.iter().map(|i| (i.kind, i.status)).collect();
    // Model order: releases, then tags, then campaigns.
    assert_eq!(
        statuses,
        [
            ("release", Status::Removed),
            ("globaltag", Status::Added),
            ("campaign", Status::Changed),
        ]
    );
    insta::assert_snapshot!("added_removed_text", text);
    insta::assert_snapshot!("added_removed_markdown", report.markdown());
}

#[test]
fn a_reordered_tag_stack_is_a_change_of_order() {
    let old = shipped();
    let new = edit(
        &old,
        "proc9/processing.prod",
        "processing proc9",
        "globaltags = [data_reprocessing_proc9]",
        "globaltags = [staging_data_reprocessing, data_reprocessing_proc9]",
    );
    let newer = edit(
        &new,
        "proc9/processing.prod",
        "processing proc9",
        "globaltags = [staging_data_reprocessing, data_reprocessing_proc9]",
        "globaltags = [data_reprocessing_proc9, staging_data_reprocessing]",
    );
    let added = report(&old, &new).text();
    assert!(
        added.contains("~ processing proc9 › globaltags: + staging_data_reprocessing\n"),
        "{added}"
    );
    let reordered = report(&new, &newer).text();
    assert!(
        reordered.contains("~ processing proc9 › globaltags: order [staging_data_reprocessing, data_reprocessing_proc9] → [data_reprocessing_proc9, staging_data_reprocessing]\n"),
        "{reordered}"
    );
    // The jobs carry the tag stack, and the first tag's id is in the paths.
    assert!(
        reordered.contains("  ~ proc9-3-4S-529: globaltags, outputs\n"),
        "{reordered}"
    );
}

/// Runs git in `dir`; panics with its output on failure.
fn git(dir: &Path, args: &[&str]) {
    let output = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(["-c", "user.email=t@t", "-c", "user.name=t"])
        .args(args)
        .output()
        .expect("git runs");
    assert!(
        output.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// Writes the files of `vfs` below `dir`.
fn write_tree(vfs: &MemoryVfs, dir: &Path) {
    for (path, bytes) in &vfs.files {
        let file = dir.join(path);
        std::fs::create_dir_all(file.parent().expect("has a parent")).expect("mkdir");
        std::fs::write(file, bytes).expect("write");
    }
}

fn fresh_dir(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("mkdir");
    dir
}

#[test]
fn git_vfs_reads_the_committed_version() {
    if Command::new("git").arg("--version").output().is_err() {
        eprintln!("git is not installed; skipped");
        return;
    }
    let repo = fresh_dir("diff-git");
    let project = repo.join("manifests");
    git(&repo, &["init", "--quiet"]);
    // Files that a build or a hidden directory holds are not sources: if
    // GitVfs listed them, the project would not check.
    let vfs = shipped()
        .with("out/broken.prod", "this is { not a manifest")
        .with(".hidden/broken.prod", "this is { not a manifest");
    write_tree(&vfs, &project);
    std::fs::write(repo.join("README"), "not part of the project\n").expect("write");
    git(&repo, &["add", "--all"]);
    git(&repo, &["commit", "--quiet", "-m", "the shipped project"]);

    // The working tree moves on: more events, and a file not committed.
    write_tree(&more_events(&vfs), &project);
    std::fs::write(project.join("mc12/notes.prod"), "# only a comment\n").expect("write");

    let at_head = GitVfs::open(&project, "HEAD").expect("opens");
    assert_eq!(at_head.commit().len(), 40);
    let listed = at_head.list_prod_files("", &["out".to_string()]);
    let disk = prodc::cli::DiskVfs::open(&project).expect("opens");
    let mut on_disk = disk
        .list_prod_files("", &["out".to_string()])
        .expect("lists");
    on_disk.retain(|p| p != "mc12/notes.prod");
    assert_eq!(listed.as_ref(), Ok(&on_disk));
    assert_eq!(
        at_head.read("mc12/campaign.prod", 1 << 20).expect("reads"),
        shipped().files["mc12/campaign.prod"]
    );
    assert_eq!(
        at_head.read("mc12/notes.prod", 1 << 20),
        Err(prodc::project::ReadError::NotFound)
    );
    assert_eq!(
        at_head.read("../README", 1 << 20),
        Err(prodc::project::ReadError::OutsideProject)
    );

    let report = diff(&checked(&at_head), &checked(&disk));
    let text = report.text();
    assert!(
        text.contains("campaign MC12b › sample Bp_DstTauNu › events: 50000000 → 60000000"),
        "{text}"
    );
    assert_eq!(report.jobs.len(), 2, "{text}");

    // The same project from a subdirectory's point of view, and errors.
    assert!(GitVfs::open(&project.join("mc12"), "HEAD").is_ok());
    let unknown = GitVfs::open(&project, "no-such-branch").expect_err("no commit");
    assert!(unknown.contains("no-such-branch"), "{unknown}");
    assert!(GitVfs::open(&project, "--all").is_err());
}

#[test]
fn git_vfs_follows_links_only_inside_the_project() {
    if Command::new("git").arg("--version").output().is_err() {
        eprintln!("git is not installed; skipped");
        return;
    }
    if cfg!(windows) {
        return;
    }
    let repo = fresh_dir("diff-git-links");
    let project = repo.join("p");
    std::fs::create_dir_all(project.join("dumps")).expect("mkdir");
    std::fs::write(repo.join("secret.txt"), "secret\n").expect("write");
    std::fs::write(project.join("dumps/real.txt"), "payload data\n").expect("write");
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink("real.txt", project.join("dumps/link.txt")).expect("link");
        std::os::unix::fs::symlink("../../secret.txt", project.join("dumps/out.txt"))
            .expect("link");
    }
    git(&repo, &["init", "--quiet"]);
    git(&repo, &["add", "--all"]);
    git(&repo, &["commit", "--quiet", "-m", "links"]);
    let vfs = GitVfs::open(&project, "HEAD").expect("opens");
    assert_eq!(
        vfs.read("dumps/link.txt", 1 << 20).expect("reads"),
        b"payload data\n"
    );
    assert_eq!(
        vfs.read("dumps/out.txt", 1 << 20),
        Err(prodc::project::ReadError::OutsideProject)
    );
    assert!(matches!(
        vfs.read("dumps", 1 << 20),
        Err(prodc::project::ReadError::NotRegular(_))
    ));
}

/// At a revision as on disk: linked manifests and directories inside the
/// project are listed (a file reached twice once), and a linked manifest
/// that leads out is listed so that reading it reports it; none is
/// skipped silently.
#[cfg(unix)]
#[test]
fn git_vfs_lists_linked_manifests_like_the_disk() {
    if Command::new("git").arg("--version").output().is_err() {
        eprintln!("git is not installed; skipped");
        return;
    }
    let repo = fresh_dir("diff-git-linked-sources");
    let project = repo.join("p");
    for (path, text) in [
        ("src/a.prod", "# a\n"),
        ("shared/b.prod", "# b\n"),
        ("more/c.prod", "# c\n"),
    ] {
        let path = project.join(path);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, text).expect("write");
    }
    std::fs::write(repo.join("secret.prod"), "# secret\n").expect("write");
    let link = |target: &str, at: &str| {
        std::os::unix::fs::symlink(target, project.join(at)).expect("link");
    };
    link("../shared/b.prod", "src/b.prod");
    link("../more", "src/more");
    link("a.prod", "src/z-alias.prod");
    link("../../secret.prod", "src/out.prod");
    git(&repo, &["init", "--quiet"]);
    git(&repo, &["add", "--all"]);
    git(&repo, &["commit", "--quiet", "-m", "links"]);
    let vfs = GitVfs::open(&project, "HEAD").expect("opens");
    let listed = vfs.list_prod_files("src", &[]).expect("lists");
    assert_eq!(
        listed,
        [
            "src/a.prod",
            "src/b.prod",
            "src/more/c.prod",
            "src/out.prod"
        ]
    );
    assert_eq!(
        vfs.read("src/more/c.prod", 1 << 20).expect("reads"),
        b"# c\n"
    );
    assert_eq!(vfs.read("src/b.prod", 1 << 20).expect("reads"), b"# b\n");
    assert_eq!(
        vfs.read("src/out.prod", 1 << 20),
        Err(prodc::project::ReadError::OutsideProject)
    );
    let disk = prodc::cli::DiskVfs::open(&project).expect("opens");
    assert_eq!(disk.list_prod_files("src", &[]).expect("lists"), listed);
}
