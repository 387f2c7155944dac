//! Benchmark: `prodc check` of 10 tags × 1,000 payloads × 100 IoVs (1M IoV
//! lines, strict-valid), in memory. Run with `cargo bench --bench iov_check`;
//! it prints the best and median of five runs.

// Tests and benchmarks set up files, run programs and print; the core may not (clippy.toml).
#![allow(clippy::disallowed_methods, clippy::disallowed_macros)]

use prodc::project::MemoryVfs;
use std::time::{Duration, Instant};

mod generate;

const TAGS: usize = 10;
const PAYLOADS: usize = 1_000;
const IOVS: usize = 100;

fn project() -> MemoryVfs {
    let mut vfs = MemoryVfs::new().with(
        "Prod.toml",
        "[project]\nname = \"bench\"\nsource = \"src\"\n",
    );
    for t in 0..TAGS {
        let text = generate::tag_file(t, PAYLOADS, IOVS);
        vfs = vfs.with(&format!("src/tag{t}.prod"), text);
    }
    vfs
}

fn main() {
    let vfs = project();
    let bytes: usize = vfs.files.values().map(Vec::len).sum();
    let mut times: Vec<Duration> = Vec::new();
    for _ in 0..5 {
        let start = Instant::now();
        let checked = prodc::check(&vfs).expect("loads");
        times.push(start.elapsed());
        assert!(
            checked.diagnostics.is_empty(),
            "the generated project must check clean"
        );
        assert_eq!(
            checked
                .model
                .tags
                .iter()
                .map(|t| t.payloads.iter().map(|p| p.iovs.len()).sum::<usize>())
                .sum::<usize>(),
            TAGS * PAYLOADS * IOVS
        );
    }
    times.sort();
    println!(
        "check of {TAGS} tags x {PAYLOADS} payloads x {IOVS} IoVs ({} IoV lines, {:.1} MB): best {:.2} s, median {:.2} s",
        TAGS * PAYLOADS * IOVS,
        bytes as f64 / 1e6,
        times[0].as_secs_f64(),
        times[times.len() / 2].as_secs_f64()
    );
}
