//! Benchmark: expanding the layouts of the shipped project (proc9 gives
//! about 90,000 datasets) and checking them for collisions. Run with
//! `cargo bench --bench expand`; it prints the best and median of ten runs.

// Tests and benchmarks set up files, run programs and print; the core may not (clippy.toml).
#![allow(clippy::disallowed_methods, clippy::disallowed_macros)]

use std::path::Path;
use std::time::{Duration, Instant};

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../manifests");
    let vfs = prodc::cli::DiskVfs::open(&root).expect("the shipped project");
    let checked = prodc::check(&vfs).expect("loads");
    assert!(
        checked.diagnostics.is_empty(),
        "the shipped project checks clean"
    );
    let mut times: Vec<Duration> = Vec::new();
    let mut count = 0;
    for _ in 0..10 {
        let start = Instant::now();
        let (datasets, diags) = prodc::layout::datasets(&checked.model);
        times.push(start.elapsed());
        assert!(diags.is_empty());
        count = datasets.len();
    }
    times.sort();
    println!(
        "expand and check {count} datasets of the shipped project: best {:.1} ms, median {:.1} ms",
        times[0].as_secs_f64() * 1e3,
        times[times.len() / 2].as_secs_f64() * 1e3
    );
}
