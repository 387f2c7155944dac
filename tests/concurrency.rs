//! Builds of one output directory at the same time, and outputs that are
//! symlinks. Two builds started at once take turns on the output's lock:
//! each that reports success has put a whole output in place, the output
//! stays usable, and `--no-wait` gives up with `E0117` instead of waiting.
//! Staging directories of builds that are gone are cleaned up, those of a
//! build holding the lock are left alone, and a symlinked output keeps its
//! link while the directory it points to is replaced.

// Tests and benchmarks set up files, run programs and print; the core may not (clippy.toml).
#![allow(clippy::disallowed_methods, clippy::disallowed_macros)]

mod common;
use common::prodc;
use common::tree;

use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};

/// Starts `prodc` without waiting for it, its output captured.
fn spawn(args: &[&str], cwd: &Path) -> Child {
    Command::new(env!("CARGO_BIN_EXE_prodc"))
        .args(args)
        .current_dir(cwd)
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("prodc starts")
}

/// A fresh scratch directory under the target directory.
fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    std::fs::write(path, text).expect("write");
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// The entries of `dir` whose names contain `part`.
fn entries_with(dir: &Path, part: &str) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("dir")
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(part))
        .collect();
    names.sort();
    names
}

/// Holds the lock of the output directory `name` in `parent` as a build
/// would, until dropped.
fn hold_lock(parent: &Path, name: &str) -> File {
    let file = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(parent.join(format!(".{name}.prodc.lock")))
        .expect("lock file");
    file.lock().expect("locked");
    file
}

/// A project of `samples` samples of one production each, built for three
/// schedulers: about five files per production.
fn project(dir: &Path, samples: usize) {
    write(
        &dir.join("Prod.toml"),
        "[project]\nname = \"t\"\nsource = \"src\"\n[batch]\nschedulers = [\"slurm\", \"lsf\", \"htcondor\"]\n",
    );
    let mut src = String::from(
        "globaltag g { id = 1 state = TESTING payload A { always rev 1 } }\n\
         campaign C { release = \"release-03-01-00\" globaltags = [g] experiment = 1003 beam = Y4S layout = std.mc_lpn tier = mdst event_size = 10kB\n",
    );
    for i in 0..samples {
        src.push_str(&format!(
            "sample s{i} {{ event_type = 1264340000 events = 1k production {} {{ background = BGx0 }} }}\n",
            i + 1
        ));
    }
    src.push_str("}\n");
    write(&dir.join("src/a.prod"), &src);
}

/// The line a successful build ends with, e.g. "wrote 5015 files to `x`",
/// without the directory.
fn wrote(err: &str) -> Option<&str> {
    err.lines()
        .find(|l| l.starts_with("wrote "))
        .and_then(|l| l.split(" to ").next())
}

#[test]
fn two_builds_at_once_into_one_output_each_leave_it_whole() {
    let dir = scratch("concurrent");
    // Two projects that differ in every target, so that an output mixed
    // from both builds is told from either one whole.
    let projects = ["p1", "p2"];
    let mut references = Vec::new();
    for (i, name) in projects.iter().enumerate() {
        project(&dir.join(name), 400 + i);
        let reference = format!("reference-{name}");
        let out = prodc(&["build", name, "--out", &reference], &dir);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        let count = wrote(&stderr(&out))
            .expect("a build says what it wrote")
            .to_string();
        let files = tree(&dir.join(&reference));
        assert!(files.len() > 1500, "{} files", files.len());
        references.push((count, files));
    }
    assert!(references[0] != references[1]);

    // How many rounds a build waited for the other or gave up: shown, not
    // asserted, since the overlap of two processes is up to the scheduler.
    let mut overlapped = 0;
    for round in 0..20 {
        // In every other round the second build does not wait: it either
        // builds (the first had not taken the lock yet) or gives up.
        let no_wait = round % 2 == 1;
        let first = spawn(&["build", projects[0], "--out", "shared"], &dir);
        let mut args = vec!["build", projects[1], "--out", "shared"];
        if no_wait {
            args.push("--no-wait");
        }
        let second = spawn(&args, &dir);
        let outputs = [
            first.wait_with_output().expect("first ends"),
            second.wait_with_output().expect("second ends"),
        ];
        let mut built = Vec::new();
        let mut waited = Vec::new();
        for (which, out) in outputs.iter().enumerate() {
            let err = stderr(out);
            if err.contains("waiting for another build") {
                waited.push(which);
            }
            match out.status.code() {
                Some(0) => {
                    let count = references[which].0.as_str();
                    assert_eq!(wrote(&err), Some(count), "round {round}: {err}");
                    built.push(which);
                }
                Some(2) if no_wait && which == 1 => {
                    assert!(err.contains("E0117"), "round {round}: {err}");
                    assert!(wrote(&err).is_none(), "round {round}: {err}");
                }
                code => panic!("round {round}, build {which}: exit {code:?}\n{err}"),
            }
        }
        if !waited.is_empty() || built.len() < 2 {
            overlapped += 1;
        }
        // The output is one build's, whole: the one that waited for the
        // other if one did, else either that succeeded.
        let now = tree(&dir.join("shared"));
        let whose: Vec<usize> = built
            .iter()
            .copied()
            .filter(|&b| references[b].1 == now)
            .collect();
        assert!(
            !whose.is_empty(),
            "round {round}: the output is no build's whole output (built: {built:?})"
        );
        if let ([waiter], [_, _]) = (waited.as_slice(), built.as_slice()) {
            assert_eq!(
                whose,
                [*waiter],
                "round {round}: the waiting build's output was lost"
            );
        }
        // Nothing of either build remains beside it.
        let leftovers = entries_with(&dir, "prodc-");
        assert!(leftovers.is_empty(), "round {round}: {leftovers:?}");
    }
    eprintln!("the two builds overlapped in {overlapped} of 20 rounds");
}

#[test]
fn no_wait_fails_with_e0117_while_another_build_holds_the_lock() {
    let dir = scratch("no-wait");
    project(&dir, 3);
    assert_eq!(prodc(&["build"], &dir).status.code(), Some(0));
    let before = tree(&dir.join("out"));
    // A build now would change the output.
    project(&dir, 4);

    let lock = hold_lock(&dir, "out");
    let out = prodc(&["build", "--no-wait"], &dir);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("E0117"), "{err}");
    assert!(err.contains("locked by another build"), "{err}");
    assert!(wrote(&err).is_none(), "{err}");
    // Given with `--out`, the error points at it, in any message format.
    let out = prodc(
        &[
            "build",
            "--out",
            "out",
            "--no-wait",
            "--message-format",
            "json",
        ],
        &dir,
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let json = String::from_utf8_lossy(&out.stdout).into_owned();
    let diag: serde_json::Value =
        serde_json::from_str(json.lines().next().expect("a diagnostic")).expect("json");
    assert_eq!(
        (diag["code"].as_str(), diag["file"].as_str()),
        (Some("E0117"), Some("<command line>")),
        "{json}"
    );
    assert!(tree(&dir.join("out")) == before, "a locked-out build wrote");
    assert!(entries_with(&dir, "prodc-").is_empty());

    drop(lock);
    let out = prodc(&["build", "--no-wait"], &dir);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        tree(&dir.join("out")) != before,
        "the build did not replace the output"
    );
}

#[test]
fn a_lock_that_cannot_be_taken_is_an_io_error() {
    let dir = scratch("unlockable");
    project(&dir, 1);
    // Not a file: it can be neither opened for writing nor locked.
    std::fs::create_dir_all(dir.join(".out.prodc.lock")).expect("mkdir");
    let out = prodc(&["build"], &dir);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("error: cannot write the output"), "{err}");
    assert!(err.contains(".out.prodc.lock"), "{err}");
    assert!(!dir.join("out").exists());
    assert!(entries_with(&dir, "prodc-").is_empty());
}

#[test]
fn only_staging_directories_of_builds_that_are_gone_are_removed() {
    let dir = scratch("stale");
    project(&dir, 2);
    // Left by a build that is gone: no process holds the lock.
    let stale = dir.join(".out.prodc-tmp-999999999");
    write(&stale.join("jobs/half.json"), "{");
    let out = prodc(&["build"], &dir);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(!stale.exists(), "a dead build's staging directory was kept");
    let before = tree(&dir.join("out"));

    // A build in progress: it holds the lock while it writes its staging
    // directory. Another build waits for it and touches nothing meanwhile.
    project(&dir, 3);
    let lock = hold_lock(&dir, "out");
    let writing = dir.join(format!(".out.prodc-tmp-{}", std::process::id()));
    write(&writing.join("jobs/being-written.json"), "{}");
    let mut child = spawn(&["build"], &dir);
    let mut lines = BufReader::new(child.stderr.take().expect("stderr")).lines();
    let mut seen = Vec::new();
    loop {
        let line = lines
            .next()
            .unwrap_or_else(|| panic!("the build ended without waiting: {seen:?}"))
            .expect("stderr");
        if line.contains("waiting for another build") {
            break;
        }
        seen.push(line);
    }
    // It is waiting for the lock, which this test holds: nothing can have
    // changed.
    assert!(writing.join("jobs/being-written.json").exists());
    assert!(tree(&dir.join("out")) == before);
    assert!(child.try_wait().expect("status").is_none());

    // The holder ends without cleaning up: its directory is an orphan now.
    drop(lock);
    let rest: Vec<String> = lines.map_while(Result::ok).collect();
    let status = child.wait().expect("ends");
    assert!(status.success(), "{rest:?}");
    assert!(rest.iter().any(|l| l.starts_with("wrote ")), "{rest:?}");
    assert!(!writing.exists(), "the orphan was kept");
    assert!(tree(&dir.join("out")) != before);
    assert!(entries_with(&dir, "prodc-").is_empty());
}

#[cfg(unix)]
#[test]
fn a_symlinked_output_keeps_its_link_and_replaces_its_target() {
    use std::os::unix::fs::symlink;
    let dir = scratch("symlinked");
    project(&dir.join("p"), 3);
    let p = dir.join("p");
    assert_eq!(
        prodc(&["build", "--out", "../reference"], &p).status.code(),
        Some(0)
    );
    // A link, relative to its directory, to a directory not yet built.
    std::fs::create_dir_all(dir.join("store/real")).expect("mkdir");
    symlink("../store/real", p.join("out")).expect("symlink");
    let is_link = |path: &Path| {
        std::fs::symlink_metadata(path)
            .expect("exists")
            .file_type()
            .is_symlink()
    };

    for (round, samples) in [3, 4].into_iter().enumerate() {
        project(&p, samples);
        assert_eq!(
            prodc(&["build", "--out", "../reference"], &p).status.code(),
            Some(0)
        );
        // Once with `[build] out` (default `out`), once with `--out`.
        let args: &[&str] = if round == 0 {
            &["build"]
        } else {
            &["build", "--out", "out"]
        };
        let out = prodc(args, &p);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        assert!(is_link(&p.join("out")), "the link was replaced");
        assert_eq!(
            std::fs::read_link(p.join("out")).expect("link"),
            Path::new("../store/real")
        );
        assert!(
            tree(&dir.join("store/real")) == tree(&dir.join("reference")),
            "round {round}: the link's target is not the new build"
        );
        assert!(entries_with(&p, "prodc").is_empty());
        assert_eq!(
            entries_with(&dir.join("store"), "prodc-"),
            Vec::<String>::new()
        );
    }

    // Killed between its two renames, a build leaves the link dangling and
    // the previous output moved aside beside the target: the next build
    // puts it back and replaces it.
    std::fs::rename(
        dir.join("store/real"),
        dir.join("store/.real.prodc-old-999999999"),
    )
    .expect("move aside");
    let out = prodc(&["build"], &p);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(is_link(&p.join("out")));
    assert!(tree(&dir.join("store/real")) == tree(&dir.join("reference")));
    assert!(entries_with(&dir.join("store"), "prodc-").is_empty());

    // Seen through the link, an output that is the sources is still E0106.
    symlink("p/src", dir.join("src-link")).expect("symlink");
    let out = prodc(&["build", "--out", "../src-link"], &p);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("E0106"), "{}", stderr(&out));

    // Links that lead to each other lead nowhere: an I/O error.
    symlink("loop-b", dir.join("loop-a")).expect("symlink");
    symlink("loop-a", dir.join("loop-b")).expect("symlink");
    let out = prodc(&["build", "--out", "../loop-a"], &p);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("symlinks"), "{}", stderr(&out));
    assert!(entries_with(&dir, "prodc-").is_empty());
}
