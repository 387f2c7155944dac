//! Micro-benchmarks (divan) of the two hot paths at production scale: the
//! parser on a tag file of 1,000 payloads x 100 IoV lines, and the IoV
//! sweep that checks one payload's intervals (gaps, overlaps, last IoV
//! open). Run with `cargo bench --bench micro`.

// Tests and benchmarks set up files, run programs and print; the core may not (clippy.toml).
#![allow(clippy::disallowed_methods, clippy::disallowed_macros)]

use prodc::check::iov::sweep;
use prodc::model::{Iov, RunId};
use prodc::source::FileId;

mod generate;

fn main() {
    divan::main();
}

/// Parsing 100,000 IoV lines (2.6 MB), reported per byte.
#[divan::bench]
fn parse_tag_100k_lines(bencher: divan::Bencher) {
    let text = generate::tag_file(0, 1_000, 100);
    bencher
        .counter(divan::counter::BytesCount::of_str(&text))
        .bench(|| prodc::syntax::parse(FileId(0), divan::black_box(&text)));
}

/// Sweeping one payload's intervals, strict rules, for 100 to 100,000 IoVs.
#[divan::bench(args = [100, 10_000, 100_000])]
fn sweep_payload(bencher: divan::Bencher, n: u64) {
    let iovs: Vec<Iov> = (0..n)
        .map(|i| Iov {
            start: RunId { exp: i, run: 0 },
            end: (i + 1 < n).then_some(RunId {
                exp: i,
                run: RunId::LAST,
            }),
        })
        .collect();
    bencher
        .counter(divan::counter::ItemsCount::new(n as usize))
        .bench(|| {
            let findings = sweep(divan::black_box(&iovs), true);
            assert!(findings.is_empty());
            findings
        });
}
