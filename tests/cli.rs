//! End-to-end tests of the `prodc` binary: exit codes, output formats,
//! determinism and safe output writing.

// Tests and benchmarks set up files, run programs and print; the core may not (clippy.toml).
#![allow(clippy::disallowed_methods, clippy::disallowed_macros)]

mod common;
use common::prodc;
use common::tree;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// A fresh scratch directory under the target directory.
fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

/// Writes `files` (path, text) into `dir`, in the given order.
fn write_files(dir: &Path, files: &[(&str, &str)]) {
    for (path, text) in files {
        let path = dir.join(path);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, text).expect("write");
    }
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

const CONFIG: &str = "[project]\nname = \"t\"\nsource = \"src\"\n";

#[test]
fn the_shipped_project_checks_clean() {
    let out = prodc(&["check", "manifests"], &repo());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stderr(&out).contains("no errors"), "{}", stderr(&out));
}

#[test]
fn syntax_errors_exit_1_with_every_error_located() {
    let dir = scratch("errors");
    write_files(
        &dir,
        &[
            ("Prod.toml", CONFIG),
            ("src/a.prod", "skim a { kind hlt }\n"),
            ("src/sub/b.prod", "skim b { kind = hlt wg = \"x }\n"),
        ],
    );
    let out = prodc(&["check", "--message-format", "json"], &dir);
    assert_eq!(out.status.code(), Some(1));
    let lines: Vec<serde_json::Value> = stdout(&out)
        .lines()
        .map(|l| serde_json::from_str(l).expect("json line"))
        .collect();
    let found: Vec<(String, String, u64, u64)> = lines
        .iter()
        .map(|d| {
            let s = |k: &str| d[k].as_str().expect("string").to_string();
            let n = |k: &str| d[k].as_u64().expect("number");
            (s("code"), s("file"), n("line"), n("column"))
        })
        .collect();
    assert_eq!(
        found,
        vec![
            ("E0101".into(), "src/a.prod".into(), 1, 15),
            ("E0102".into(), "src/sub/b.prod".into(), 1, 26),
        ]
    );
    let out = prodc(&["check", "--message-format", "github"], &dir);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stdout(&out).starts_with("::error file=src/a.prod,line=1,col=15,"),
        "{}",
        stdout(&out)
    );
    let out = prodc(&["check"], &dir);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("src/sub/b.prod:1:26"),
        "{}",
        stderr(&out)
    );
    assert!(
        stderr(&out).contains("could not check `t`: 2 errors"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn usage_and_unreadable_projects_exit_2() {
    let dir = scratch("usage");
    assert_eq!(prodc(&["check", "--bogus"], &dir).status.code(), Some(2));
    assert_eq!(prodc(&["frobnicate"], &dir).status.code(), Some(2));
    assert_eq!(
        prodc(&["check", "--message-format", "xml"], &dir)
            .status
            .code(),
        Some(2)
    );
    let out = prodc(&["check", "does-not-exist"], &dir);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("cannot open project"),
        "{}",
        stderr(&out)
    );
    let out = prodc(&["check"], &dir);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("no `Prod.toml`"), "{}", stderr(&out));
}

#[test]
fn prod_toml_problems_are_e0107_and_exit_1() {
    let dir = scratch("config");
    write_files(
        &dir,
        &[(
            "Prod.toml",
            "[project]\nname = \"t\"\n[build]\nouts = \"x\"\n",
        )],
    );
    let out = prodc(&["check", "--message-format", "json"], &dir);
    assert_eq!(out.status.code(), Some(1));
    let d: serde_json::Value =
        serde_json::from_str(stdout(&out).lines().next().expect("a line")).expect("json");
    assert_eq!(d["code"], "E0107");
    assert_eq!(d["file"], "Prod.toml");
    assert_eq!(d["line"], 4);
}

#[test]
fn payload_imports_are_read_relative_to_the_file_and_checked() {
    let dir = scratch("imports");
    write_files(
        &dir,
        &[
            ("Prod.toml", CONFIG),
            ("src/tags/t.prod", "globaltag a { payloads from \"../dumps/a.txt\" }\nglobaltag b { payloads from \"missing.txt\" }\nglobaltag c { payloads from \"../../../etc/passwd\" }\n"),
            ("src/dumps/a.txt", "dbstore/A 1 0,0,-1,-1\ndbstore/B 1 -1,0,5,5\n"),
        ],
    );
    let out = prodc(&["check", "--message-format", "json"], &dir);
    assert_eq!(out.status.code(), Some(1));
    let codes: Vec<(String, String)> = stdout(&out)
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).expect("json"))
        .map(|d| {
            (
                d["code"].as_str().unwrap_or("").into(),
                d["file"].as_str().unwrap_or("").into(),
            )
        })
        .collect();
    assert_eq!(
        codes,
        vec![
            ("E0104".into(), "src/dumps/a.txt".into()),
            ("E0105".into(), "src/tags/t.prod".into()),
            ("E0105".into(), "src/tags/t.prod".into()),
        ]
    );
}

#[cfg(unix)]
#[test]
fn a_symlink_out_of_the_project_is_e0105() {
    let dir = scratch("symlink");
    let outside = scratch("symlink-outside");
    write_files(&outside, &[("secret.txt", "dbstore/A 1 0,0,-1,-1\n")]);
    write_files(
        &dir,
        &[
            ("Prod.toml", CONFIG),
            ("src/t.prod", "globaltag a { payloads from \"link.txt\" }\n"),
        ],
    );
    std::os::unix::fs::symlink(outside.join("secret.txt"), dir.join("src/link.txt"))
        .expect("symlink");
    let out = prodc(&["check", "--message-format", "json"], &dir);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stdout(&out).contains("\"code\":\"E0105\""),
        "{}",
        stdout(&out)
    );
    assert!(
        stdout(&out).contains("outside the project"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn explain_prints_the_book_page() {
    let out = prodc(&["explain", "e0402"], &repo());
    assert_eq!(out.status.code(), Some(0));
    let page = std::fs::read_to_string(repo().join("book/src/errors/E0402.md")).expect("page");
    assert_eq!(stdout(&out), page);
    assert_eq!(prodc(&["explain", "E9999"], &repo()).status.code(), Some(1));
    assert_eq!(prodc(&["explain"], &repo()).status.code(), Some(2));
}

#[test]
fn output_does_not_depend_on_file_creation_order() {
    let files = [
        ("Prod.toml", CONFIG),
        (
            "src/z.prod",
            "skim z { kind = hlt }\nskim broken { kind hlt }\n",
        ),
        (
            "src/a/m.prod",
            "## doc\nskim m { kind = physics code = 11139900 }\n",
        ),
        (
            "src/b.prod",
            "layout l { path = \"/a/{run}\" }\nlayout bad { path = [ }\n",
        ),
    ];
    let mut reversed = files;
    reversed.reverse();
    let (one, two) = (scratch("order-1"), scratch("order-2"));
    write_files(&one, &files);
    write_files(&two, &reversed);
    for format in ["human", "json", "github"] {
        let a = prodc(&["check", "--message-format", format], &one);
        let b = prodc(&["check", "--message-format", format], &two);
        assert_eq!(a.status.code(), Some(1));
        assert_eq!(
            (a.stdout, a.stderr),
            (b.stdout, b.stderr),
            "format {format}"
        );
    }
    // Fix the errors and compare the built outputs byte for byte.
    for dir in [&one, &two] {
        write_files(
            dir,
            &[
                ("src/z.prod", "skim z { kind = hlt }\n"),
                ("src/b.prod", "layout l { path = \"/a/{run}\" }\n"),
            ],
        );
        let out = prodc(&["build", "--out", "out"], dir);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    }
    assert_eq!(tree(&one.join("out")), tree(&two.join("out")));
}

#[test]
fn build_writes_model_json_and_a_failed_build_keeps_the_previous_output() {
    let dir = scratch("build");
    write_files(
        &dir,
        &[
            ("Prod.toml", CONFIG),
            ("src/a.prod", "skim a { kind = hlt }\n"),
        ],
    );
    let out = prodc(&["build"], &dir);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let model = std::fs::read_to_string(dir.join("out/model.json")).expect("model.json written");
    let json: serde_json::Value = serde_json::from_str(&model).expect("valid json");
    assert_eq!(json["schema"], "prodc.model/v1");
    let skims = json["model"]["skims"].as_array().expect("skims");
    assert!(
        skims
            .iter()
            .any(|s| s["name"]["text"] == "a" && s["is_std"] == false),
        "{model}"
    );
    let before = tree(&dir.join("out"));

    write_files(&dir, &[("src/a.prod", "skim a { kind hlt }\n")]);
    let out = prodc(&["build"], &dir);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        tree(&dir.join("out")),
        before,
        "a failed build must not touch the output"
    );
    let leftovers: Vec<_> = std::fs::read_dir(&dir)
        .expect("dir")
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().contains("prodc-"))
        .collect();
    assert!(
        leftovers.is_empty(),
        "temporary directories left behind: {leftovers:?}"
    );
    assert_eq!(
        prodc(&["build", "--target", "nope"], &dir).status.code(),
        Some(2)
    );
}

#[test]
fn build_refuses_to_replace_a_directory_it_did_not_write() {
    let dir = scratch("foreign-out");
    write_files(
        &dir,
        &[
            ("Prod.toml", CONFIG),
            ("src/a.prod", "skim a { kind = hlt }\n"),
            ("mine/notes.txt", "keep me"),
        ],
    );
    let out = prodc(&["build", "--out", "mine"], &dir);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert_eq!(
        std::fs::read_to_string(dir.join("mine/notes.txt")).expect("kept"),
        "keep me"
    );
}

#[test]
fn an_output_directory_containing_the_sources_is_e0106() {
    let dir = scratch("e0106");
    write_files(
        &dir,
        &[
            ("Prod.toml", CONFIG),
            ("src/a.prod", "skim a { kind = hlt }\n"),
        ],
    );
    for out_dir in [".", "src"] {
        let out = prodc(
            &["build", "--out", out_dir, "--message-format", "json"],
            &dir,
        );
        assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
        assert!(
            stdout(&out).contains("\"code\":\"E0106\""),
            "{}",
            stdout(&out)
        );
    }
    write_files(
        &dir,
        &[(
            "Prod.toml",
            "[project]\nname = \"t\"\nsource = \"src\"\n[build]\nout = \"src\"\n",
        )],
    );
    let out = prodc(&["build", "--message-format", "json"], &dir);
    assert_eq!(out.status.code(), Some(1));
    let d: serde_json::Value =
        serde_json::from_str(stdout(&out).lines().next().expect("line")).expect("json");
    assert_eq!(
        (d["code"].as_str(), d["file"].as_str(), d["line"].as_u64()),
        (Some("E0106"), Some("Prod.toml"), Some(5))
    );
    assert!(
        std::fs::read_dir(dir.join("src")).expect("src").count() == 1,
        "nothing written into the sources"
    );
}

#[test]
fn invalid_utf8_nul_bytes_bom_and_crlf_are_handled() {
    let dir = scratch("encoding");
    write_files(&dir, &[("Prod.toml", CONFIG)]);
    std::fs::create_dir_all(dir.join("src")).expect("mkdir");
    std::fs::write(
        dir.join("src/bom.prod"),
        b"\xEF\xBB\xBFskim a {\r\n  kind = hlt\r\n}\r\n",
    )
    .expect("write");
    assert_eq!(
        prodc(&["check"], &dir).status.code(),
        Some(0),
        "a BOM and CRLF are accepted"
    );
    std::fs::write(dir.join("src/bad.prod"), b"skim b { kind = \xFF }\n").expect("write");
    std::fs::write(dir.join("src/nul.prod"), b"skim c { kind = hlt }\0\n").expect("write");
    let out = prodc(&["check", "--message-format", "json"], &dir);
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    assert_eq!(text.matches("\"code\":\"E0111\"").count(), 2, "{text}");
}

#[test]
fn warnings_fail_only_with_deny_warnings() {
    let dir = scratch("warnings");
    write_files(
        &dir,
        &[
            ("Prod.toml", CONFIG),
            (
                "src/a.prod",
                "globaltag g { id = 1 state = TESTING payload A { always rev 1 } }\n\
                 campaign C { release = \"release-03-01-00\" globaltags = [g] experiment = 1003 beam = Y4S layout = std.mc_lpn tier = mdst event_size = 10kB\n\
                 sample s { event_type = 1264340000 events = 1M size = 1TB production 1 { background = BGx0 } } }\n",
            ),
        ],
    );
    let out = prodc(&["check"], &dir);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stderr(&out).contains("W0804"), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("checked `t`: 1 file, no errors, 1 warning"),
        "{}",
        stderr(&out)
    );
    let out = prodc(&["check", "--deny-warnings"], &dir);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("(warnings are denied)"),
        "{}",
        stderr(&out)
    );
    let out = prodc(&["build", "--deny-warnings"], &dir);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        !dir.join("out").exists(),
        "nothing is written when warnings are denied"
    );
}

#[test]
fn schedule_shows_the_2019_calibration_chain_in_order() {
    let out = prodc(&["schedule", "manifests"], &repo());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    let steps: Vec<(String, String)> = text
        .lines()
        .skip(1)
        .take_while(|l| !l.trim().is_empty())
        .map(|l| {
            let cols: Vec<&str> = l.split_whitespace().collect();
            (cols[0].to_string(), cols[1].to_string())
        })
        .collect();
    let expected = [
        "local_calibrations",
        "cdc_tracking",
        "alignment",
        "cdst_production",
        "other_calibrations",
        "proc9",
        "validation",
    ];
    let expected: Vec<(String, String)> = expected
        .iter()
        .enumerate()
        .map(|(i, s)| ((i + 1).to_string(), s.to_string()))
        .collect();
    assert_eq!(steps, expected, "{text}");
    assert!(text.contains("critical path: local_calibrations → cdc_tracking → alignment → cdst_production → other_calibrations → proc9 → validation"), "{text}");
    insta::assert_snapshot!("schedule_manifests", text);
}

#[test]
fn graph_prints_dot_and_mermaid_deterministically() {
    let dot = prodc(&["graph", "manifests"], &repo());
    assert_eq!(dot.status.code(), Some(0), "{}", stderr(&dot));
    assert!(stdout(&dot).starts_with("digraph dependencies {"));
    assert_eq!(
        dot.stdout,
        prodc(&["graph", "manifests", "--format", "dot"], &repo()).stdout
    );
    insta::assert_snapshot!("graph_manifests_dot", stdout(&dot));
    let mermaid = prodc(&["graph", "manifests", "--format", "mermaid"], &repo());
    assert_eq!(mermaid.status.code(), Some(0));
    insta::assert_snapshot!("graph_manifests_mermaid", stdout(&mermaid));
}

#[test]
fn schedule_and_graph_refuse_a_project_with_errors() {
    let dir = scratch("graph-errors");
    write_files(
        &dir,
        &[
            ("Prod.toml", CONFIG),
            (
                "src/a.prod",
                "calibration a { after = [b] }\ncalibration b { after = [a] }\n",
            ),
        ],
    );
    for command in ["schedule", "graph"] {
        let out = prodc(&[command], &dir);
        assert_eq!(out.status.code(), Some(1), "{command}");
        assert!(stderr(&out).contains("E0601"), "{}", stderr(&out));
        assert!(stdout(&out).is_empty());
    }
}

#[test]
fn build_writes_the_graph_target() {
    let dir = scratch("graph-build");
    let out_dir = dir.join("out");
    let out = prodc(
        &[
            "build",
            "manifests",
            "--out",
            out_dir.to_str().expect("utf-8 path"),
        ],
        &repo(),
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let dot = std::fs::read_to_string(out_dir.join("graph/dependencies.dot")).expect("dot written");
    assert_eq!(dot, stdout(&prodc(&["graph", "manifests"], &repo())));
    assert!(out_dir.join("graph/dependencies.mmd").exists());
}

#[test]
fn every_subcommand_help_has_an_example() {
    let dir = repo();
    let help = stdout(&prodc(&["--help"], &dir));
    let commands: Vec<&str> = help
        .lines()
        .skip_while(|l| !l.starts_with("Commands:"))
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        .filter_map(|l| l.split_whitespace().next())
        .filter(|c| *c != "help")
        .collect();
    assert!(commands.len() >= 11, "{commands:?}");
    for command in commands {
        let out = prodc(&[command, "--help"], &dir);
        assert_eq!(out.status.code(), Some(0), "{command}");
        assert!(
            stdout(&out).contains("Example"),
            "`prodc {command} --help` has no example"
        );
    }
}

#[test]
fn init_creates_a_project_that_builds_and_refuses_a_non_empty_directory() {
    let dir = scratch("init");
    let demo = dir.join("demo");
    let out = prodc(&["init", "demo"], &dir);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let out = prodc(&["build", "demo"], &dir);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("no errors, no warnings"),
        "{}",
        stderr(&out)
    );
    assert!(demo.join("out/lpn/paths.txt").exists());
    assert_eq!(
        std::fs::read_to_string(demo.join(".gitignore")).expect("gitignore"),
        "/out/\n/.out.prodc.lock\n"
    );
    // A non-empty directory is refused, and --force keeps what is there.
    std::fs::write(demo.join("Prod.toml"), "[project]\nname = \"mine\"\n").expect("write");
    assert_eq!(prodc(&["init", "demo"], &dir).status.code(), Some(2));
    std::fs::remove_file(demo.join("manifests/project.prod")).expect("remove");
    assert_eq!(
        prodc(&["init", "demo", "--force"], &dir).status.code(),
        Some(0)
    );
    assert_eq!(
        std::fs::read_to_string(demo.join("Prod.toml")).expect("kept"),
        "[project]\nname = \"mine\"\n"
    );
    assert!(demo.join("manifests/project.prod").exists());
}

#[test]
fn completions_are_printed_for_three_shells() {
    for shell in ["bash", "zsh", "fish"] {
        let out = prodc(&["completions", shell], &repo());
        assert_eq!(out.status.code(), Some(0));
        assert!(stdout(&out).contains("prodc"), "{shell}");
    }
    assert_eq!(
        prodc(&["completions", "tcsh"], &repo()).status.code(),
        Some(2)
    );
}

#[test]
fn two_builds_are_identical_and_carry_nothing_of_the_machine() {
    let (one, two) = (scratch("determinism-1"), scratch("determinism-2"));
    for dir in [&one, &two] {
        let out = prodc(
            &[
                "build",
                "manifests",
                "--out",
                dir.join("out").to_str().expect("utf-8"),
            ],
            &repo(),
        );
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    }
    let (a, b) = (tree(&one.join("out")), tree(&two.join("out")));
    assert_eq!(a.len(), b.len());
    assert!(a == b, "two builds differ");
    let absolute = repo().canonicalize().expect("repo").display().to_string();
    let home = std::env::var("HOME").unwrap_or_else(|_| "/root".into());
    for (path, bytes) in &a {
        let text = String::from_utf8_lossy(bytes);
        assert!(
            !text.contains(&absolute),
            "{path} names the machine's path {absolute}"
        );
        assert!(
            !text.contains(&home) || home == "/",
            "{path} names the home directory"
        );
        assert!(
            !text.contains(env!("CARGO_TARGET_TMPDIR")),
            "{path} names the output directory"
        );
    }
}

#[test]
fn a_template_that_does_not_parse_fails_the_build_at_its_line() {
    // The templates are registered on a thread of their own while the names
    // are resolved: its errors still reach the report, located in the file.
    let dir = scratch("unparsable-template");
    let src = "globaltag g { id = 1 state = TESTING payload A { always rev 1 } }\n\
        campaign C { release = \"release-03-01-00\" globaltags = [g] experiment = 1003 beam = Y4S layout = std.mc_lpn tier = mdst event_size = 10kB\n\
        sample s { event_type = 1264340000 events = 1k production 1 { background = BGx0 } } }\n";
    write_files(
        &dir,
        &[
            ("Prod.toml", CONFIG),
            ("src/a.prod", src),
            (
                "templates/docs/README.md.hbs",
                "ok\n{{#if x}}\nnever closed\n",
            ),
        ],
    );
    let out = prodc(&["build"], &dir);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("E0115"), "{err}");
    assert!(err.contains("templates/docs/README.md.hbs:"), "{err}");
    assert!(!dir.join("out").exists(), "a failed build wrote output");

    // A target that renders no template builds without them.
    let out = prodc(&["build", "--target", "jobs"], &dir);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(dir.join("out/jobs").is_dir());
}

#[test]
fn a_build_failing_late_or_killed_mid_way_keeps_the_previous_output() {
    let dir = scratch("interrupted");
    let big = "globaltag g { id = 1 state = TESTING payload A { always rev 1 } }\n\
        campaign C { release = \"release-03-01-00\" globaltags = [g] runs = [1003:0 ..= 1003:60000] beam = Y4S layout = std.mc_lpn tier = mdst event_size = 10kB\n\
        sample s { event_type = 1264340000 events = 1M production 1 { background = BGx0 } } }\n";
    write_files(&dir, &[("Prod.toml", CONFIG), ("src/a.prod", big)]);
    assert_eq!(prodc(&["build"], &dir).status.code(), Some(0));
    let before = tree(&dir.join("out"));

    // A late error: the templates fail only when the scripts are rendered.
    write_files(
        &dir,
        &[
            ("templates/batch/slurm.sh.hbs", "{{job.missing}}\n"),
            ("src/a.prod", &big.replace("1M", "2M")),
        ],
    );
    let out = prodc(&["build"], &dir);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("E0115"), "{}", stderr(&out));
    assert!(
        tree(&dir.join("out")) == before,
        "a failed build changed the output"
    );
    std::fs::remove_dir_all(dir.join("templates")).expect("remove");

    // Killed while writing: the output is the old one or the new one, whole.
    assert_eq!(
        prodc(&["build", "--out", "new"], &dir).status.code(),
        Some(0)
    );
    let new = tree(&dir.join("new"));
    std::fs::remove_dir_all(dir.join("new")).expect("remove");
    for delay in [50, 150, 400] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_prodc"))
            .arg("build")
            .current_dir(&dir)
            .spawn()
            .expect("spawns");
        std::thread::sleep(std::time::Duration::from_millis(delay));
        let _ = child.kill();
        let _ = child.wait();
        let now = if dir.join("out").exists() {
            tree(&dir.join("out"))
        } else {
            Vec::new()
        };
        let moved_aside = std::fs::read_dir(&dir)
            .expect("dir")
            .filter_map(Result::ok)
            .any(|e| {
                e.file_name()
                    .to_string_lossy()
                    .starts_with(".out.prodc-old-")
            });
        assert!(
            now == before || now == new || (now.is_empty() && moved_aside),
            "a kill at {delay} ms left a partial output"
        );
        // The next build repairs whatever the killed one left behind.
        let out = prodc(&["build"], &dir);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        let after = tree(&dir.join("out"));
        assert!(
            after.iter().any(|(p, _)| p == "lpn/paths.txt"),
            "the output is whole after a kill at {delay} ms"
        );
        let leftovers: Vec<_> = std::fs::read_dir(&dir)
            .expect("dir")
            .filter_map(Result::ok)
            .filter(|e| e.file_name().to_string_lossy().contains("prodc-"))
            .collect();
        assert!(leftovers.is_empty(), "{leftovers:?}");
    }
}

#[test]
fn diff_exits_0_for_equal_trees_and_1_for_different_ones() {
    let dir = scratch("diff-cli");
    let copy = dir.join("new");
    for entry in walkdir::WalkDir::new(repo().join("manifests"))
        .into_iter()
        .filter_map(Result::ok)
    {
        let rel = entry
            .path()
            .strip_prefix(repo().join("manifests"))
            .expect("inside")
            .to_path_buf();
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(copy.join(&rel)).expect("mkdir");
        } else if !rel.starts_with("out") {
            std::fs::copy(entry.path(), copy.join(&rel)).expect("copy");
        }
    }
    let new = copy.to_str().expect("utf-8");
    let out = prodc(&["diff", "manifests", new], &repo());
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        stdout(&out),
        stderr(&out)
    );
    let campaign = copy.join("mc12/campaign.prod");
    let text = std::fs::read_to_string(&campaign).expect("read");
    std::fs::write(
        &campaign,
        text.replacen("events     = 50M", "events     = 60M", 1),
    )
    .expect("write");
    let out = prodc(&["diff", "manifests", new, "--format", "markdown"], &repo());
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stdout(&out).contains("`50000000` → `60000000`"),
        "{}",
        stdout(&out)
    );
    assert_eq!(
        prodc(&["diff", "manifests", "does-not-exist"], &repo())
            .status
            .code(),
        Some(2)
    );
}

#[test]
fn max_diagnostics_caps_what_is_shown_but_not_what_is_counted() {
    let dir = scratch("max-diagnostics");
    let many: String = (0..30)
        .map(|i| format!("skim s{i} {{ kind hlt }}\n"))
        .collect();
    write_files(&dir, &[("Prod.toml", CONFIG), ("src/a.prod", &many)]);
    let out = prodc(&["check", "--max-diagnostics", "5"], &dir);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert_eq!(err.matches("× expected").count(), 5, "{err}");
    assert!(err.contains("note: 25 more diagnostics not shown"), "{err}");
    assert!(err.contains("could not check `t`: 30 errors"), "{err}");
    let out = prodc(
        &[
            "check",
            "--max-diagnostics",
            "0",
            "--message-format",
            "json",
        ],
        &dir,
    );
    assert_eq!(stdout(&out).lines().count(), 30);
}

/// Scripts are created executable for everyone (0o755) and the other files
/// 0o644 whatever the umask: under 022 the mode given at creation already
/// holds; under 077 prodc sets it explicitly.
#[cfg(unix)]
#[test]
fn scripts_are_executable_under_any_umask() {
    use std::os::unix::fs::PermissionsExt;
    for (umask, data_mode) in [("022", 0o644), ("077", 0o600)] {
        let dir = scratch(&format!("umask-{umask}"));
        let out_dir = dir.join("out");
        let script = format!("umask {umask} && exec \"$0\" build manifests --out \"$1\"",);
        let out = Command::new("sh")
            .args(["-c", &script, env!("CARGO_BIN_EXE_prodc")])
            .arg(&out_dir)
            .current_dir(repo())
            .env("NO_COLOR", "1")
            .output()
            .expect("sh runs");
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        let mode = |rel: &str| {
            let meta = std::fs::metadata(out_dir.join(rel)).expect("written");
            meta.permissions().mode() & 0o777
        };
        let upload = std::fs::read_dir(out_dir.join("gtplan"))
            .expect("gtplan written")
            .filter_map(Result::ok)
            .map(|tag| tag.path().join("upload.sh"))
            .find(|path| path.exists())
            .expect("an upload script");
        let upload = upload
            .strip_prefix(&out_dir)
            .expect("inside")
            .to_str()
            .expect("utf-8");
        assert_eq!(mode(upload), 0o755, "umask {umask}");
        assert_eq!(mode("model.json"), data_mode, "umask {umask}");
    }
}

/// `--target` builds just the targets named: `model` alone (written while
/// the rules are checked) leaves out every other target.
#[test]
fn target_model_alone_writes_only_model_json() {
    let dir = scratch("target-model");
    let out_dir = dir.join("out");
    let out_arg = out_dir.to_str().expect("utf-8 path");
    let out = prodc(
        &["build", "manifests", "--out", out_arg, "--target", "model"],
        &repo(),
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let files: Vec<String> = tree(&out_dir).into_iter().map(|(path, _)| path).collect();
    assert_eq!(files, [".prodc-output", "model.json"]);
    let out = prodc(
        &[
            "build",
            "manifests",
            "--out",
            out_arg,
            "--target",
            "model",
            "--target",
            "graph",
        ],
        &repo(),
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let files: Vec<String> = tree(&out_dir).into_iter().map(|(path, _)| path).collect();
    assert_eq!(
        files,
        [
            ".prodc-output",
            "graph/dependencies.dot",
            "graph/dependencies.mmd",
            "model.json"
        ]
    );
}
