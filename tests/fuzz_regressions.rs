//! Every input in `tests/fixtures/fuzz/` — crashes the fuzzers found, each
//! named after its bug, and a few nasty seeds — goes through what the two
//! fuzz targets run (`fuzz/fuzz_targets/`): the lexer, the parser, the
//! formatter and the import parser on the bytes, then the whole pipeline on
//! an in-memory project with the bytes as its one manifest, every renderer
//! on every diagnostic, and every build target when there are no errors.
//! Nothing may panic, and every diagnostic carries a registered code with a
//! book page. See fuzz/README.md for how a crash becomes a fixture here.

// Tests and benchmarks set up files, run programs and print; the core may not (clippy.toml).
#![allow(clippy::disallowed_methods, clippy::disallowed_macros)]

use prodc::diagnostics::render::{render_all, HumanStyle, MessageFormat};
use prodc::diagnostics::Code;
use prodc::project::MemoryVfs;
use prodc::source::FileId;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;

/// The configuration of the `check` fuzz target: every scheduler, so that
/// every batch template is rendered.
const CONFIG: &str = "[project]\nname = \"fuzz\"\nsource = \"src\"\n[batch]\nschedulers = [\"slurm\", \"lsf\", \"htcondor\", \"gbasf2\"]\n";

fn fixtures() -> Vec<(String, Vec<u8>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/fuzz");
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(&dir)
        .expect("tests/fixtures/fuzz")
        .filter_map(Result::ok)
        .filter(|e| e.path().is_file())
        .map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            (name, std::fs::read(e.path()).expect("readable"))
        })
        .collect();
    files.sort();
    files
}

/// The `parse` fuzz target, except that the formatter also runs on text
/// that does not parse (it must refuse it, not panic).
fn parse_target(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let _ = prodc::syntax::parse(FileId(0), &text);
    let _ = prodc::fmt::format(FileId(0), &text);
    let _ = prodc::syntax::import::parse_import(FileId(0), &text);
}

/// The `check` fuzz target, rendering every diagnostic and building every
/// target; returns the JSON lines of the diagnostics.
fn check_target(name: &str, data: &[u8]) -> String {
    let vfs = MemoryVfs::new()
        .with("Prod.toml", CONFIG)
        .with("src/case.prod", data.to_vec())
        .with("src/dumps/a.txt", "dbstore/A 1 0,0,-1,-1\n");
    let checked = prodc::check(&vfs).unwrap_or_else(|e| panic!("{name}: does not load: {e}"));
    let sources = &checked.project.sources;
    for diag in &checked.diagnostics {
        for label in std::iter::once(&diag.primary).chain(&diag.secondary) {
            let text = &sources.get(label.span.file).text;
            let (start, end) = (label.span.start as usize, label.span.end as usize);
            assert!(
                start <= end && end <= text.len(),
                "{name}: span outside its file: {diag:?}"
            );
        }
    }
    for format in [MessageFormat::Human, MessageFormat::Github] {
        render_all(&checked.diagnostics, sources, format, HumanStyle::default());
    }
    let json = render_all(
        &checked.diagnostics,
        sources,
        MessageFormat::Json,
        HumanStyle::default(),
    );
    if !checked.has_errors() {
        let _ = prodc::emit::build(&checked, &[]);
    }
    assert_eq!(
        json.lines().count(),
        checked.diagnostics.len(),
        "{name}: one JSON line per diagnostic"
    );
    json
}

#[test]
fn the_fixtures_are_not_vacuous() {
    let files = fixtures();
    assert!(files.len() >= 8, "only {} fuzz fixtures", files.len());
    let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
    // `tests/fmt.rs` formats every `.prod` fixture; fuzz inputs need not be text.
    assert!(
        names.iter().all(|n| !n.ends_with(".prod")),
        "name fuzz fixtures `<bug>.input`: {names:?}"
    );
}

#[test]
fn every_fixture_goes_through_the_parser_without_a_panic() {
    for (name, data) in fixtures() {
        catch_unwind(|| parse_target(&data))
            .unwrap_or_else(|_| panic!("{name}: the parser or the formatter panicked"));
    }
}

#[test]
fn every_fixture_goes_through_the_pipeline_with_coded_diagnostics() {
    let mut diagnosed = 0;
    for (name, data) in fixtures() {
        let json = catch_unwind(AssertUnwindSafe(|| check_target(&name, &data)))
            .unwrap_or_else(|_| panic!("{name}: the pipeline panicked"));
        for line in json.lines() {
            let diag: serde_json::Value = serde_json::from_str(line)
                .unwrap_or_else(|e| panic!("{name}: diagnostic is not JSON ({e}): {line}"));
            let code = diag["code"].as_str().unwrap_or_default();
            let known = Code::parse(code).unwrap_or_else(|| panic!("{name}: no code: {line}"));
            assert_eq!(known.as_str(), code, "{name}");
            assert!(!known.page().is_empty(), "{name}: {code} has no page");
        }
        if !json.is_empty() {
            diagnosed += 1;
        }
    }
    // The nasty inputs are diagnosed, not silently accepted.
    assert!(diagnosed >= 8, "only {diagnosed} fixtures gave diagnostics");
}
