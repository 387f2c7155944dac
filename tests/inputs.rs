//! Inputs a hostile or unlucky user gives: named pipes and devices where
//! files belong, files far larger than any manifest, symbolic links into and
//! out of the project, numbers beyond what scripts compute and text beyond
//! what a command line carries. Each is refused with its code, at once,
//! without reading what it should not; nothing is written where it should
//! not be.

// Tests and benchmarks set up files, run programs and print; the core may not (clippy.toml).
#![allow(clippy::disallowed_methods, clippy::disallowed_macros)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// A fresh scratch directory under the target directory.
fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("inputs-{name}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

fn write(dir: &Path, rel: &str, text: &str) {
    let path = dir.join(rel);
    std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    std::fs::write(path, text).expect("write");
}

/// A copy of the shipped project.
fn shipped_copy(name: &str) -> PathBuf {
    let dir = scratch(name);
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../manifests");
    for entry in walkdir::WalkDir::new(&root)
        .into_iter()
        .filter_map(Result::ok)
    {
        let rel = entry.path().strip_prefix(&root).expect("inside");
        if rel.starts_with("out") || !entry.file_type().is_file() {
            continue;
        }
        let to = dir.join(rel);
        std::fs::create_dir_all(to.parent().expect("parent")).expect("mkdir");
        std::fs::copy(entry.path(), to).expect("copy");
    }
    dir
}

/// Runs prodc, failing the test (instead of hanging it) if it has not
/// finished after a minute: a read that blocks is exactly the bug.
fn prodc(args: &[&str], cwd: &Path) -> Output {
    prodc_in_shell(None, args, cwd)
}

/// [`prodc`], run by bash after `setup` (e.g. `ulimit -v …`).
fn prodc_in_shell(setup: Option<&str>, args: &[&str], cwd: &Path) -> Output {
    let exe = env!("CARGO_BIN_EXE_prodc");
    let mut command = match setup {
        Some(setup) => {
            let mut c = Command::new("bash");
            c.arg("-c")
                .arg(format!("{setup} && exec \"$0\" \"$@\""))
                .arg(exe);
            c
        }
        None => Command::new(exe),
    };
    let mut child = command
        .args(args)
        .current_dir(cwd)
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("prodc runs");
    let deadline = Instant::now() + Duration::from_secs(60);
    while child.try_wait().expect("wait").is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("prodc {args:?} hangs");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().expect("output")
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

#[cfg(unix)]
fn mkfifo(path: &Path) {
    let status = Command::new("mkfifo").arg(path).status().expect("mkfifo");
    assert!(status.success());
}

#[cfg(unix)]
fn link(target: impl AsRef<Path>, at: &Path) {
    std::fs::create_dir_all(at.parent().expect("parent")).expect("mkdir");
    std::os::unix::fs::symlink(target, at).expect("symlink");
}

#[cfg(unix)]
#[test]
fn named_pipes_in_place_of_files_are_refused_at_once() {
    let dir = shipped_copy("fifo");
    mkfifo(&dir.join("extra.prod"));
    std::fs::create_dir_all(dir.join("templates/batch")).expect("mkdir");
    mkfifo(&dir.join("templates/batch/slurm.sh.hbs"));
    std::fs::remove_file(dir.join("dumps/bucket6.txt")).expect("rm");
    mkfifo(&dir.join("dumps/bucket6.txt"));
    let out = prodc(&["check", "."], &dir);
    let all = text(&out);
    assert_eq!(out.status.code(), Some(1), "{all}");
    for (code, what) in [
        ("E0111", "extra.prod"),
        ("E0105", "templates/batch/slurm.sh.hbs"),
        ("E0105", "bucket6.txt"),
    ] {
        let at = all
            .find(what)
            .unwrap_or_else(|| panic!("{what} not named: {all}"));
        assert!(all[..at].contains(code), "{code} for {what}: {all}");
    }
    assert_eq!(all.matches("it is a named pipe").count(), 3, "{all}");

    std::fs::remove_file(dir.join("Prod.toml")).expect("rm");
    mkfifo(&dir.join("Prod.toml"));
    let out = prodc(&["check", "."], &dir);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(text(&out).contains("named pipe"), "{}", text(&out));
}

#[cfg(target_os = "linux")]
#[test]
fn plan_refuses_a_device_and_an_oversized_dump_with_e0118() {
    let dir = shipped_copy("plan-current");
    let tag = "staging_data_reprocessing";
    let out = prodc(&["plan", ".", tag, "--current", "/dev/zero"], &dir);
    let all = text(&out);
    assert_eq!(out.status.code(), Some(1), "{all}");
    assert!(all.contains("E0118"), "{all}");
    assert!(all.contains("it is a device, not a regular file"), "{all}");

    let config = std::fs::read_to_string(dir.join("Prod.toml")).expect("read");
    std::fs::write(
        dir.join("Prod.toml"),
        format!("{config}\n[limits]\nmax_file_size_mb = 1\n"),
    )
    .expect("write");
    let big = std::fs::File::create(dir.join("big.txt")).expect("create");
    big.set_len(2 << 20).expect("sparse file");
    let out = prodc(&["plan", ".", tag, "--current", "big.txt"], &dir);
    let all = text(&out);
    assert_eq!(out.status.code(), Some(1), "{all}");
    assert!(all.contains("E0118"), "{all}");
    assert!(all.contains("it has 2 MiB and the limit is 1 MiB"), "{all}");
}

/// A 1 GiB manifest (sparse: it takes no disk) is refused before it is
/// read: under a 512 MiB address-space limit, reading it would fail.
#[cfg(target_os = "linux")]
#[test]
fn an_oversized_manifest_is_refused_before_it_is_read() {
    let dir = scratch("huge");
    write(
        &dir,
        "Prod.toml",
        "[project]\nname = \"huge\"\nsource = \".\"\n",
    );
    let file = std::fs::File::create(dir.join("huge.prod")).expect("create");
    file.set_len((1 << 30) + 1).expect("sparse file");
    let out = prodc_in_shell(Some("ulimit -v 524288"), &["check", "."], &dir);
    let all = text(&out);
    assert_eq!(out.status.code(), Some(1), "{all}");
    assert!(all.contains("E0111"), "{all}");
    assert!(all.contains("file is larger than 256 MiB"), "{all}");
    assert!(all.contains("it has 1.0 GiB"), "{all}");
}

const RELEASE: &str = "release \"release-03-01-00\" { status = supported }\n";

#[cfg(unix)]
#[test]
fn symlinked_sources_are_followed_inside_the_project_and_reported_outside() {
    let dir = scratch("links");
    let outside = scratch("links-outside");
    write(
        &dir,
        "Prod.toml",
        "[project]\nname = \"links\"\nsource = \"src\"\n",
    );
    write(&dir, "src/a.prod", RELEASE);
    write(
        &dir,
        "shared/b.prod",
        "release \"release-03-02-00\" { status = supported }\n",
    );
    write(
        &dir,
        "more/c.prod",
        "release \"release-03-03-00\" { status = supported }\n",
    );
    write(
        &outside,
        "d.prod",
        "release \"release-04-00-00\" { status = supported }\n",
    );
    // Inside the project: a file, a directory, and a second name for a.prod.
    link("../shared/b.prod", &dir.join("src/b.prod"));
    link("../more", &dir.join("src/more"));
    link("a.prod", &dir.join("src/z-alias.prod"));
    let out = prodc(&["check", "."], &dir);
    let all = text(&out);
    assert_eq!(out.status.code(), Some(0), "{all}");
    // a.prod once (not twice, which would be E0201), b.prod, more/c.prod.
    assert!(all.contains("checked `links`: 3 files"), "{all}");

    // Out of the project: a file, a directory, and a link to nothing.
    link(outside.join("d.prod"), &dir.join("src/d.prod"));
    link(&outside, &dir.join("src/elsewhere"));
    link("nowhere.prod", &dir.join("src/dangling.prod"));
    let out = prodc(&["check", "."], &dir);
    let all = text(&out);
    assert_eq!(out.status.code(), Some(1), "{all}");
    assert_eq!(all.matches("E0111").count(), 3, "{all}");
    assert!(all.contains("src/d.prod"), "{all}");
    assert!(all.contains("src/elsewhere"), "{all}");
    assert!(all.contains("src/dangling.prod"), "{all}");
    assert_eq!(
        all.matches("the path leads outside the project").count(),
        2,
        "{all}"
    );
    assert!(all.contains("no such file"), "{all}");
}

#[cfg(unix)]
#[test]
fn fmt_writes_through_a_link_and_keeps_the_file_mode() {
    use std::os::unix::fs::PermissionsExt;
    let dir = scratch("fmt-link");
    write(
        &dir,
        "real.prod",
        "release   \"release-03-01-00\"   {status=supported}\n",
    );
    std::fs::set_permissions(
        dir.join("real.prod"),
        std::fs::Permissions::from_mode(0o600),
    )
    .expect("chmod");
    link("real.prod", &dir.join("link.prod"));
    let out = prodc(&["fmt", "link.prod"], &dir);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let meta = std::fs::symlink_metadata(dir.join("link.prod")).expect("stat");
    assert!(meta.file_type().is_symlink(), "the link was replaced");
    let real = std::fs::metadata(dir.join("real.prod")).expect("stat");
    assert_eq!(real.permissions().mode() & 0o777, 0o600);
    assert_eq!(
        std::fs::read_to_string(dir.join("real.prod")).expect("read"),
        RELEASE
    );
}

#[cfg(unix)]
#[test]
fn init_force_never_writes_through_links() {
    let outside = scratch("init-outside");
    // A directory of the new project that is a link leading out.
    let dir = scratch("init-linked-dir");
    link(&outside, &dir.join("steering"));
    let out = prodc(&["init", "--force", "."], &dir);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(text(&out).contains("leads outside"), "{}", text(&out));
    assert_eq!(std::fs::read_dir(&outside).expect("ls").count(), 0);

    // A file of the new project that is a link to nothing outside: kept,
    // and its target not created.
    let dir = scratch("init-dangling");
    link(outside.join("Prod.toml"), &dir.join("Prod.toml"));
    let out = prodc(&["init", "--force", "."], &dir);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(text(&out).contains("kept the existing"), "{}", text(&out));
    assert!(!outside.join("Prod.toml").exists());
    assert!(dir.join("manifests/project.prod").is_file());
}

/// The codes of checking one manifest beside the shipped tags.
fn codes_of(manifest: &str) -> Vec<String> {
    let vfs = prodc::project::MemoryVfs::new()
        .with("Prod.toml", "[project]\nname = \"t\"\nsource = \".\"\n")
        .with("m.prod", manifest);
    let checked = prodc::check(&vfs).expect("loads");
    checked
        .diagnostics
        .iter()
        .map(|d| d.code.to_string())
        .collect()
}

const CAMPAIGN: &str = r#"
globaltag g { id = 1  state = VALIDATED  payload A { always rev 1 } }
campaign c {
  release = "release-03-01-00"  globaltags = [g]  experiment = EXP  beam = Y4S
  layout = std.mc_lpn_mc12  tier = mdst  event_size = 11kB  events_per_job = EPJ
  sample s { event_type = 1264340000  events = EVENTS  production 1 { background = BGx0 } }
}
processing p {
  release = "release-03-01-00"  globaltags = [g]  layout = std.kekcc_data  tiers = [mdst]
  runs { Y4S = [3:529 ..= 3:LAST] }
}
"#;

fn campaign(exp: &str, epj: &str, events: &str, last: &str) -> String {
    CAMPAIGN
        .replace("EXP", exp)
        .replace("EPJ", epj)
        .replace("EVENTS", events)
        .replace("LAST", last)
}

#[test]
fn whole_numbers_beyond_2_to_the_53_are_e0309() {
    let limit = (1u64 << 53).to_string();
    let beyond = ((1u64 << 53) + 1).to_string();
    let clean = codes_of(&campaign("1003", &limit, &limit, &limit));
    assert!(!clean.contains(&"E0309".to_string()), "{clean:?}");
    for (what, manifest) in [
        ("experiment", campaign(&beyond, "100k", "1M", "600")),
        (
            "events_per_job",
            campaign("1003", "18446744073709551615", "1M", "600"),
        ),
        ("events", campaign("1003", "100k", "9007200G", "600")),
        ("run range", campaign("1003", "100k", "1M", &beyond)),
    ] {
        let codes = codes_of(&manifest);
        assert_eq!(
            codes.iter().filter(|c| *c == "E0309").count(),
            1,
            "{what}: {codes:?}"
        );
    }
}

#[test]
fn a_tag_description_longer_than_a_command_line_argument_is_e0310() {
    let tag = |description: &str| {
        format!("globaltag g {{ id = 1  state = OPEN  description = \"{description}\"  payload A {{ always rev 1 }} }}\n")
    };
    let docs = |line: &str, lines: usize| {
        format!(
            "{}globaltag g {{ id = 1  state = OPEN  payload A {{ always rev 1 }} }}\n",
            format!("## {line}\n").repeat(lines)
        )
    };
    let limit = 100 * 1024;
    assert_eq!(codes_of(&tag(&"x".repeat(limit))), Vec::<String>::new());
    assert_eq!(codes_of(&tag(&"x".repeat(limit + 1))), vec!["E0310"]);
    // Without a description, the doc comments are passed instead.
    assert_eq!(codes_of(&docs(&"y".repeat(999), 102)), Vec::<String>::new());
    assert_eq!(codes_of(&docs(&"y".repeat(999), 103)), vec!["E0310"]);
}

#[test]
fn a_manifest_whose_name_holds_a_control_character_is_e0111() {
    let vfs = prodc::project::MemoryVfs::new()
        .with("Prod.toml", "[project]\nname = \"t\"\nsource = \".\"\n")
        .with("a\u{1b}[2J.prod", RELEASE)
        .with("b\u{202e}.prod", RELEASE);
    let checked = prodc::check(&vfs).expect("loads");
    let messages: Vec<String> = checked
        .diagnostics
        .iter()
        .map(|d| format!("{} {}", d.code, d.message))
        .collect();
    assert_eq!(messages.len(), 2, "{messages:?}");
    assert!(
        messages[0].starts_with("E0111 the file's name holds the control character \\u{1b}"),
        "{messages:?}"
    );
    assert!(messages[1].contains("\\u{202e}"), "{messages:?}");
}

/// What the command line prints itself (not only its diagnostics) shows a
/// control character of an argument or a file name escaped.
#[test]
fn messages_of_the_command_line_escape_control_characters() {
    let dir = scratch("escape");
    for args in [
        vec!["check", "no\u{1b}[2Jsuch"],
        vec!["fmt", "x\u{1b}]0;title\u{7}.prod"],
    ] {
        let out = prodc(&args, &dir);
        let all = text(&out);
        assert_eq!(out.status.code(), Some(2), "{all}");
        assert!(!all.contains('\u{1b}') && !all.contains('\u{7}'), "{all:?}");
        assert!(all.contains("\\u{1b}"), "{all:?}");
    }
}

/// `fmt` shows at most `--max-diagnostics` of a file's syntax errors, as
/// `check` does: a file of 10,000 errors does not flood the terminal.
#[test]
fn fmt_shows_at_most_max_diagnostics() {
    let dir = scratch("fmt-cap");
    write(&dir, "bad.prod", &"skim a { kind hlt }\n".repeat(10_000));
    let out = prodc(&["fmt", "--check", "bad.prod"], &dir);
    let all = text(&out);
    assert_eq!(out.status.code(), Some(1), "{all}");
    assert_eq!(
        all.matches("E0101").count(),
        200,
        "{}",
        &all[..all.len().min(2000)]
    );
    assert!(
        all.contains("note: 9800 more diagnostics not shown"),
        "{}",
        &all[all.len().saturating_sub(500)..]
    );
    let out = prodc(
        &["fmt", "--check", "--max-diagnostics", "5", "bad.prod"],
        &dir,
    );
    assert_eq!(text(&out).matches("E0101").count(), 5);
}

/// `fmt` of a project refuses, before writing anything, a listed link that
/// leads out of the project: it never rewrites a file outside.
#[cfg(unix)]
#[test]
fn fmt_never_writes_outside_the_project_through_a_link() {
    let dir = scratch("fmt-outside");
    let outside = scratch("fmt-outside-target");
    let ugly = "release   \"release-03-01-00\"   {status=supported}\n";
    write(
        &dir,
        "Prod.toml",
        "[project]\nname = \"f\"\nsource = \"src\"\n",
    );
    write(&dir, "src/a.prod", ugly);
    write(&outside, "d.prod", ugly);
    link(outside.join("d.prod"), &dir.join("src/d.prod"));
    let out = prodc(&["fmt", "."], &dir);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(
        text(&out).contains("leads outside the project"),
        "{}",
        text(&out)
    );
    assert_eq!(
        std::fs::read_to_string(outside.join("d.prod")).expect("read"),
        ugly
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("src/a.prod")).expect("read"),
        ugly
    );
}

/// A socket as the current state is refused as not a regular file (E0118),
/// although opening one fails before its type can be read from it.
#[cfg(unix)]
#[test]
fn a_socket_as_the_current_state_is_e0118() {
    let dir = shipped_copy("plan-socket");
    let socket = dir.join("state.sock");
    let _listener = std::os::unix::net::UnixListener::bind(&socket).expect("bind");
    let out = prodc(
        &[
            "plan",
            ".",
            "staging_data_reprocessing",
            "--current",
            "state.sock",
        ],
        &dir,
    );
    let all = text(&out);
    assert_eq!(out.status.code(), Some(1), "{all}");
    assert!(
        all.contains("E0118") && all.contains("it is a socket"),
        "{all}"
    );
}
