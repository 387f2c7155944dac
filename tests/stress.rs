//! Long chains through every phase: 30,000 calibrations, each `after` the
//! one before, through `check`, `build`, `schedule`, `graph` and the
//! language server without overflowing a stack, a cycle closing such a
//! chain reported as one `E0601`, and 10,000 global tags, each based on the
//! one before, checked in linear time (the timeouts here are generous
//! safety nets, not measurements; the figures are in the README).
//!
//! The projects come from the generator of `xtask gen-chains`, compiled in
//! here from its own file.

// Tests and benchmarks set up files, run programs and print; the core may not (clippy.toml).
#![allow(clippy::disallowed_methods, clippy::disallowed_macros)]

mod common;
use common::prodc;

#[path = "../xtask/src/chains.rs"]
#[allow(dead_code)] // The generator's command line uses the rest.
mod chains;
#[path = "lsp/client.rs"]
#[allow(dead_code)] // The language server's own tests use the rest.
mod client;

use chains::Chains;
use prodc::diagnostics::Code;
use prodc::project::MemoryVfs;
use serde_json::json;
use std::path::{Path, PathBuf};
use std::process::Output;
use std::sync::mpsc;
use std::time::Duration;

/// The stack of a thread that Rust starts unless told otherwise, and of
/// rayon's workers, on which the checks run.
const DEFAULT_STACK: usize = 2 << 20;

/// Far longer than any of these runs takes on a loaded machine, far shorter
/// than the quadratic and cubic walks they replace took.
const SAFETY_NET: Duration = Duration::from_secs(300);

/// Runs `work` on a thread with the default stack and waits for it at
/// most [`SAFETY_NET`]; a stack overflow aborts the whole test binary.
fn on_default_stack<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = mpsc::channel();
    std::thread::Builder::new()
        .stack_size(DEFAULT_STACK)
        .spawn(move || {
            let _ = tx.send(work());
        })
        .expect("spawn a thread");
    rx.recv_timeout(SAFETY_NET)
        .expect("the work finishes in time, without panicking")
}

fn memory(chains: Chains) -> MemoryVfs {
    chains
        .files()
        .into_iter()
        .fold(MemoryVfs::new(), |vfs, (path, text)| vfs.with(&path, text))
}

/// The project on disk in a fresh directory under the target directory.
fn on_disk(name: &str, chains: Chains) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("stress-{name}"));
    let _ = std::fs::remove_dir_all(&dir);
    for (path, text) in chains.files() {
        let path = dir.join(path);
        std::fs::create_dir_all(path.parent().expect("a parent")).expect("mkdir");
        std::fs::write(path, text).expect("write");
    }
    dir
}

fn assert_success(what: &str, out: &Output) {
    assert_eq!(
        out.status.code(),
        Some(0),
        "`prodc {what}` failed (a signal means a crash): {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

const AFTER_CHAIN: Chains = Chains {
    calibrations: 30_000,
    tags: 10,
    cycle: false,
};

#[test]
fn a_chain_of_30000_after_steps_checks_on_a_default_stack() {
    let checked = on_default_stack(|| {
        let checked = prodc::check(&memory(AFTER_CHAIN)).expect("the project loads");
        let graph = prodc::graph::DependencyGraph::build(&checked.model);
        let schedule = prodc::graph::schedule::schedule(&checked.model, &graph)
            .map(|s| (s.slots.len(), s.critical_path.len(), s.total_hours));
        let dot = prodc::graph::render::dot(&checked.model, &graph).len();
        (checked.diagnostics.len(), schedule, dot > 0)
    });
    // Every step is one stage after the one before, each calibration an
    // hour long: the critical path is the calibrations (the processing at
    // the end has no estimate and ties with the last of them).
    let n = AFTER_CHAIN.calibrations;
    assert_eq!(checked, (0, Some((n + 1, n, n as f64)), true));
}

#[test]
fn a_chain_of_30000_after_steps_checks_builds_schedules_and_graphs() {
    let dir = on_disk("after-chain", AFTER_CHAIN);
    let out = dir.join("out");
    let out = out.to_str().expect("a UTF-8 path");
    for args in [
        &["check", "."][..],
        &["build", ".", "--out", out],
        &["schedule", "."],
        &["graph", "."],
        &["graph", ".", "--format", "mermaid"],
    ] {
        let run = prodc(args, &dir);
        assert_success(&args.join(" "), &run);
    }
    let model = std::fs::read_to_string(dir.join("out/model.json")).expect("model.json");
    let last = chains::calibration_name(AFTER_CHAIN.calibrations - 1);
    assert!(model.contains(&format!("\"{last}\"")), "{}", &model[..200]);
    let schedule = prodc(&["schedule", "."], &dir);
    let table = String::from_utf8_lossy(&schedule.stdout);
    assert!(
        table.contains(&format!("{:>5}  {last}", AFTER_CHAIN.calibrations)),
        "the last calibration is in the last stage"
    );
}

#[test]
fn the_language_server_analyses_a_chain_of_30000_after_steps() {
    let dir = on_disk("lsp-after-chain", AFTER_CHAIN);
    let root = std::fs::canonicalize(&dir).expect("canonical path");
    let uri = |path: &Path| format!("file://{}", path.display());
    let mut client = client::Client::start(&root.join("cache"));
    client.request(
        "initialize",
        json!({"processId": null, "rootUri": uri(&root), "capabilities": {}}),
    );
    client.notify("initialized", json!({}));
    let end = root.join("manifests/end.prod");
    let text = std::fs::read_to_string(&end).expect("end.prod");
    let end_uri = uri(&end);
    client.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": end_uri, "languageId": "prod", "version": 1, "text": text}}),
    );
    let diagnostics = client.diagnostics(&end_uri, |_| true);
    assert!(diagnostics.is_empty(), "{diagnostics:?}");
    // The server is still there and answers from the analysis.
    let line = text
        .lines()
        .position(|l| l.contains("after"))
        .expect("after");
    let column = text.lines().nth(line).and_then(|l| l.find('c')).expect("c");
    let hover = client.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": end_uri}, "position": {"line": line, "character": column + 1}}),
    );
    let last = chains::calibration_name(AFTER_CHAIN.calibrations - 1);
    assert!(hover.to_string().contains(&last), "{hover}");
    assert!(client.shutdown().success());
}

#[test]
fn a_cycle_closing_a_chain_of_30000_is_one_e0601_listing_every_step() {
    let chains = Chains {
        cycle: true,
        ..AFTER_CHAIN
    };
    let diagnostics = on_default_stack(move || {
        let checked = prodc::check(&memory(chains)).expect("the project loads");
        checked
            .diagnostics
            .iter()
            .map(|d| (d.code, d.message.clone(), 1 + d.secondary.len()))
            .collect::<Vec<_>>()
    });
    let [(code, message, labels)] = &diagnostics[..] else {
        panic!("one diagnostic, not {diagnostics:?}");
    };
    assert_eq!(*code, Code::E0601);
    // Like any cycle: from its first step around to it again, one label
    // per `after` entry.
    let n = chains.calibrations;
    let steps: Vec<String> = (0..n)
        .chain([0])
        .map(|c| format!("`{}`", chains::calibration_name(c)))
        .collect();
    assert_eq!(
        message,
        &format!("the steps {} wait for each other", steps.join(" → "))
    );
    assert_eq!(*labels, n);
}

/// 10,000 chained tags, the first 1,000 of them receiving from a chain of
/// as many calibrations (kept short here: long `after` chains are the
/// tests above).
const TAG_CHAIN: Chains = Chains {
    calibrations: 1_000,
    tags: 10_000,
    cycle: false,
};

#[test]
fn ten_thousand_chained_tags_check_clean_in_linear_time() {
    let diagnostics = on_default_stack(|| {
        let checked = prodc::check(&memory(TAG_CHAIN)).expect("the project loads");
        checked.diagnostics.len()
    });
    assert_eq!(diagnostics, 0);
}

#[test]
fn a_base_cycle_through_ten_thousand_tags_is_one_e0602() {
    let mut vfs = MemoryVfs::new();
    let last = chains::tag_name(TAG_CHAIN.tags - 1);
    for (path, mut text) in TAG_CHAIN.files() {
        // The first tag is based on the last one.
        let first = format!("globaltag {} {{\n", chains::tag_name(0));
        text = text.replace(&first, &format!("{first}  base  = {last}\n"));
        vfs = vfs.with(&path, text);
    }
    let diagnostics = on_default_stack(move || {
        let checked = prodc::check(&vfs).expect("the project loads");
        checked
            .diagnostics
            .iter()
            .map(|d| (d.code, 1 + d.secondary.len()))
            .collect::<Vec<_>>()
    });
    assert_eq!(diagnostics, vec![(Code::E0602, TAG_CHAIN.tags)]);
}
