//! Benchmark: the language server's latency for an edit in a
//! production-scale project, measured on its state API (no stdio).
//!
//! Writes the project of `xtask gen-big` at scale 1 (10 tags × 1,000
//! payloads × 100 IoVs = 1M IoV lines, 20 campaigns × 500 samples × 2
//! productions) plus one small file into a temporary directory, opens the
//! small file, and then times, per edit, applying the change and
//! `State::refresh` until the diagnostics to publish are computed: the
//! edited file is parsed again, every other tree comes from the cache,
//! and resolve and all checks run on the whole project. Also times an edit
//! of one large tag file. Run with `cargo bench --bench lsp_edit`.

// Tests and benchmarks set up files, run programs and print; the core may not (clippy.toml).
#![allow(clippy::disallowed_methods, clippy::disallowed_macros)]

use lsp_types::{
    HoverContents, HoverParams, Position, TextDocumentContentChangeEvent, TextDocumentIdentifier,
    TextDocumentPositionParams, Uri, WorkDoneProgressParams,
};
use prodc::lsp::{handlers, Encoding, State};

mod generate;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::{Duration, Instant};

const TAGS: usize = 10;
const PAYLOADS: usize = 1_000;
const IOVS: usize = 100;
const CAMPAIGNS: usize = 20;
const SAMPLES: usize = 500;
const EDITS: usize = 7;

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    std::fs::write(path, text).expect("write");
}

fn campaign(c: usize) -> String {
    let mut text = String::new();
    let _ = writeln!(
        text,
        "campaign camp{c:02} {{\n  release    = \"release-06-00-08\"\n  globaltags = [tag00]\n  experiment = 1004\n  beam       = Y4S\n  layout     = std.mc_lpn\n  tier       = mdst\n  event_size = 10kB"
    );
    for s in 0..SAMPLES {
        let id = 1 + (c * SAMPLES + s) * 2;
        let _ = writeln!(
            text,
            "\n  sample S{s:04} {{\n    event_type = {}\n    events     = 1M\n    production {id} {{ background = BGx0  fraction = 0.2 }}\n    production {} {{ background = BGx1  fraction = 0.8 }}\n  }}",
            1_100_000_000 + s,
            id + 1
        );
    }
    text.push_str("}\n");
    text
}

const SMALL: &str = "skim bench_skim { kind = physics  code = 19990001  tiers = [udst] }\n";
const SMALL_BROKEN: &str = "skim bench_skim { kind = physics  code = 1999000  tiers = [udst] }\n";

fn project(dir: &Path) -> usize {
    let _ = std::fs::remove_dir_all(dir);
    write(
        &dir.join("Prod.toml"),
        "[project]\nname   = \"big\"\nsource = \"manifests\"\n",
    );
    let mut bytes = 0;
    for t in 0..TAGS {
        let text = generate::tag_file(t, PAYLOADS, IOVS);
        bytes += text.len();
        write(&dir.join(format!("manifests/tags/tag{t:02}.prod")), &text);
    }
    for c in 0..CAMPAIGNS {
        let text = campaign(c);
        bytes += text.len();
        write(
            &dir.join(format!("manifests/campaigns/camp{c:02}.prod")),
            &text,
        );
    }
    write(&dir.join("manifests/small.prod"), SMALL);
    bytes
}

fn uri(path: &Path) -> Uri {
    Uri::from_str(&format!("file://{}", path.display())).expect("uri")
}

fn full(text: &str) -> Vec<TextDocumentContentChangeEvent> {
    vec![TextDocumentContentChangeEvent {
        range: None,
        range_length: None,
        text: text.to_string(),
    }]
}

/// Times `EDITS` edits of one document, alternating two texts; returns
/// the sorted times and the number of files parsed by the last one.
fn edits(state: &mut State, uri: &Uri, texts: [&str; 2], root: &Path) -> (Vec<Duration>, usize) {
    let mut times = Vec::new();
    for i in 0..EDITS {
        let text = texts[(i + 1) % 2];
        let started = Instant::now();
        state.change(uri, i as i32 + 2, full(text));
        let published = state.refresh();
        times.push(started.elapsed());
        let errors: usize = published
            .iter()
            .filter(|p| &p.uri == uri)
            .map(|p| p.diagnostics.len())
            .sum();
        let expected = usize::from(text == SMALL_BROKEN);
        assert_eq!(
            errors,
            expected,
            "edit {i}: diagnostics of {}",
            uri.as_str()
        );
    }
    times.sort();
    let parsed = state.workspaces[root].parsed_last();
    (times, parsed)
}

fn report(what: &str, times: &[Duration], parsed: usize) {
    println!(
        "{what}: best {:.0} ms, median {:.0} ms, worst {:.0} ms over {} edits ({parsed} file parsed per edit)",
        times[0].as_secs_f64() * 1e3,
        times[times.len() / 2].as_secs_f64() * 1e3,
        times[times.len() - 1].as_secs_f64() * 1e3,
        times.len()
    );
}

fn main() {
    let dir: PathBuf = Path::new(env!("CARGO_TARGET_TMPDIR")).join("lsp-edit-bench");
    let root = dir.join("project");
    let bytes = project(&root);
    let root = root.canonicalize().expect("root");
    println!(
        "project: {TAGS} tags x {PAYLOADS} payloads x {IOVS} IoVs ({} IoV lines), {CAMPAIGNS} campaigns x {SAMPLES} samples x 2 productions, {:.1} MB",
        TAGS * PAYLOADS * IOVS,
        bytes as f64 / 1e6
    );

    let mut state = State::new(Encoding::Utf16, prodc::lsp::diagnostics::BOOK_URL);
    // The standard library's files go to a scratch cache, not the user's.
    state.cache_dir = Some(dir.join("cache"));
    let small = uri(&root.join("manifests/small.prod"));
    let started = Instant::now();
    state.open(small.clone(), SMALL.to_string(), 1);
    let published = state.refresh();
    println!(
        "first analysis (every file parsed): {:.0} ms, {} files published",
        started.elapsed().as_secs_f64() * 1e3,
        published.len()
    );
    let checked = state.workspaces[&root].checked.as_ref().expect("checked");
    let iovs: usize = checked
        .model
        .tags
        .iter()
        .flat_map(|t| &t.payloads)
        .map(|p| p.iovs.len())
        .sum();
    assert_eq!(iovs, TAGS * PAYLOADS * IOVS);
    assert!(!checked.has_errors(), "{:?}", checked.diagnostics.first());

    let (times, parsed) = edits(&mut state, &small, [SMALL, SMALL_BROKEN], &root);
    report("edit of a small file, until diagnostics", &times, parsed);

    let tag_path = root.join("manifests/tags/tag09.prod");
    let tag_text = std::fs::read_to_string(&tag_path).expect("tag");
    let tag_uri = uri(&tag_path);
    state.open(tag_uri.clone(), tag_text.clone(), 1);
    state.refresh();
    let edited = tag_text.replacen("state = TESTING", "state = VALIDATED", 1);
    let (times, parsed) = edits(&mut state, &tag_uri, [&tag_text, &edited], &root);
    report(
        "edit of a 2.6 MB tag file, until diagnostics",
        &times,
        parsed,
    );

    // The first request after an analysis builds the index of names.
    let line = tag_text
        .lines()
        .position(|l| l.contains("payload P0500"))
        .expect("payload line");
    let params = HoverParams {
        text_document_position_params: TextDocumentPositionParams::new(
            TextDocumentIdentifier::new(tag_uri.clone()),
            Position::new(line as u32, 12),
        ),
        work_done_progress_params: WorkDoneProgressParams::default(),
    };
    let started = Instant::now();
    let hover = handlers::hover(&mut state, params.clone()).expect("hover");
    let first = started.elapsed();
    let started = Instant::now();
    handlers::hover(&mut state, params).expect("hover");
    let again = started.elapsed();
    let HoverContents::Markup(text) = hover.contents else {
        panic!("markdown hover expected");
    };
    assert!(
        text.value.contains("| `98:0 ..= 98:*` | 99 |"),
        "{}",
        text.value
    );
    println!(
        "hover of a payload after an analysis: {:.0} ms (building the index of names), then {:.1} ms",
        first.as_secs_f64() * 1e3,
        again.as_secs_f64() * 1e3
    );
}
