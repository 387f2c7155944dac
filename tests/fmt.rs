//! `prodc fmt`: snapshots of every fixture formatted, idempotence, the same
//! output for a messy and a tidy shipped project, and an unchanged model.

// Tests and benchmarks set up files, run programs and print; the core may not (clippy.toml).
#![allow(clippy::disallowed_methods, clippy::disallowed_macros)]

use prodc::fmt::format;
use prodc::project::MemoryVfs;
use prodc::source::FileId;
use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Every `.prod` file without syntax errors among the fixtures and the
/// shipped project.
fn formattable() -> Vec<(String, String)> {
    let mut files = Vec::new();
    for dir in ["tests/fixtures", "manifests", "stdlib"] {
        for entry in walkdir::WalkDir::new(root().join(dir))
            .sort_by_file_name()
            .into_iter()
            .filter_map(Result::ok)
        {
            if entry.path().extension().is_some_and(|x| x == "prod") {
                let text = std::fs::read_to_string(entry.path()).expect("utf-8");
                if format(FileId(0), &text).is_ok() {
                    let name = entry
                        .path()
                        .strip_prefix(root())
                        .expect("inside")
                        .to_string_lossy()
                        .replace('\\', "/");
                    files.push((name, text));
                }
            }
        }
    }
    files
}

#[test]
fn every_fixture_formats_and_formatting_is_idempotent() {
    let files = formattable();
    assert!(files.len() > 60, "only {} files", files.len());
    for (name, text) in files {
        let once = format(FileId(0), &text).expect("formats");
        let twice = format(FileId(0), &once).expect("formats its own output");
        assert_eq!(once, twice, "{name} is not stable");
        insta::assert_snapshot!(format!("fmt@{}", name.replace('/', "__")), once);
    }
}

/// Changes the whitespace of a file without touching its tokens or
/// comments: extra spaces and tabs where there is space, extra blank lines,
/// and line breaks between tokens where no comment follows on the line.
fn mess(text: &str) -> String {
    let mut out = String::new();
    for (i, line) in text.lines().enumerate() {
        let code_end = line.find('#').unwrap_or(line.len());
        let (code, comment) = line.split_at(code_end);
        let mut messed = String::new();
        let mut in_string = false;
        for c in code.chars() {
            if c == '"' {
                in_string = !in_string;
            }
            if c == ' ' && !in_string {
                messed.push_str(if i % 3 == 0 { " \t " } else { "   " });
            } else {
                messed.push(c);
            }
        }
        // Break the line around a field's `=` (not `..=`) on every other line.
        if comment.is_empty() && !code.contains('"') && i % 2 == 0 {
            messed = messed.replacen("   =   ", "\n  =\n    ", 1);
        }
        out.push_str(&format!("{}{messed}{comment}\n", "\t".repeat(i % 4)));
        if i % 5 == 0 {
            out.push('\n');
        }
    }
    out
}

#[test]
fn a_messy_project_formats_like_the_tidy_one() {
    for entry in walkdir::WalkDir::new(root().join("manifests"))
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
    {
        if entry.path().extension().is_none_or(|x| x != "prod") {
            continue;
        }
        let tidy = std::fs::read_to_string(entry.path()).expect("utf-8");
        let messy = mess(&tidy);
        assert_ne!(messy, tidy);
        let (a, b) = (
            format(FileId(0), &tidy).expect("tidy"),
            format(FileId(0), &messy).expect("messy"),
        );
        assert_eq!(a, b, "{}", entry.path().display());
        assert_eq!(
            a,
            tidy,
            "the shipped manifests are formatted: {}",
            entry.path().display()
        );
    }
}

#[test]
fn formatting_never_changes_the_compiled_model() {
    let mut before = MemoryVfs::new();
    let mut after = MemoryVfs::new();
    let manifests = root().join("manifests");
    for entry in walkdir::WalkDir::new(&manifests)
        .into_iter()
        .filter_map(Result::ok)
    {
        if !entry.file_type().is_file() {
            continue;
        }
        let rel = entry
            .path()
            .strip_prefix(&manifests)
            .expect("inside")
            .to_string_lossy()
            .replace('\\', "/");
        let bytes = std::fs::read(entry.path()).expect("read");
        let formatted = if rel.ends_with(".prod") {
            let messy = mess(&String::from_utf8(bytes.clone()).expect("utf-8"));
            before = before.with(&rel, messy.clone());
            format(FileId(0), &messy).expect("formats").into_bytes()
        } else {
            before = before.with(&rel, bytes.clone());
            bytes
        };
        after = after.with(&rel, formatted);
    }
    let model = |vfs: &MemoryVfs| {
        let checked = prodc::check(vfs).expect("loads");
        assert!(checked.diagnostics.is_empty(), "{:?}", checked.diagnostics);
        prodc::emit::build(&checked, &["model", "lpn", "jobs"]).expect("builds")
    };
    let (a, b) = (model(&before), model(&after));
    assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>());
    for (path, bytes) in &a {
        // Job files name their source line, which formatting may move.
        if !path.starts_with("jobs/") && !path.ends_with("paths.json") {
            assert!(bytes == &b[path], "{path} differs after formatting");
        }
    }
}

#[test]
fn fmt_check_lists_files_that_would_change_and_exits_1() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("fmt-check");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("src")).expect("mkdir");
    std::fs::write(
        dir.join("Prod.toml"),
        "[project]\nname = \"t\"\nsource = \"src\"\n",
    )
    .expect("write");
    std::fs::write(dir.join("src/a.prod"), "skim a { kind = hlt }\n").expect("write");
    std::fs::write(dir.join("src/b.prod"), "skim   b{kind=hlt}").expect("write");
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_prodc"))
            .args(args)
            .current_dir(&dir)
            .output()
            .expect("runs")
    };
    let out = run(&["fmt", "--check"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "would reformat ./src/b.prod\n"
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("src/b.prod")).expect("read"),
        "skim   b{kind=hlt}",
        "--check writes nothing"
    );
    assert_eq!(run(&["fmt"]).status.code(), Some(0));
    assert_eq!(
        std::fs::read_to_string(dir.join("src/b.prod")).expect("read"),
        "skim b { kind = hlt }\n"
    );
    assert_eq!(run(&["fmt", "--check"]).status.code(), Some(0));
    std::fs::write(dir.join("src/c.prod"), "skim c { kind hlt }").expect("write");
    let out = run(&["fmt", "--check"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("E0101"));
}
