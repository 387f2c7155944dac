//! The `lpn` target on the shipped project: the exact MC12b paths, the
//! proc9 paths per run, tier and skim, and no run outside the declared
//! ranges.

// Tests and benchmarks set up files, run programs and print; the core may not (clippy.toml).
#![allow(clippy::disallowed_methods, clippy::disallowed_macros)]

use std::path::Path;

fn built_paths() -> Vec<String> {
    let vfs =
        prodc::cli::DiskVfs::open(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../manifests"))
            .expect("project");
    let checked = prodc::check(&vfs).expect("loads");
    assert!(checked.diagnostics.is_empty(), "{:?}", checked.diagnostics);
    let outputs = prodc::emit::build(&checked, &["lpn"]).expect("builds");
    let text = String::from_utf8(outputs["lpn/paths.txt"].clone()).expect("utf-8");
    assert!(text.ends_with('\n'));
    text.lines().map(str::to_string).collect()
}

#[test]
fn mc12b_has_exactly_one_path_per_production() {
    let paths = built_paths();
    let mc: Vec<&String> = paths
        .iter()
        .filter(|p| p.starts_with("/belle/MC/"))
        .collect();
    let expected: Vec<String> = [
        (7088, 1264340000u64),
        (7089, 1193300007),
        (7094, 1293710005),
        (7207, 1264340000),
        (7208, 1193300007),
        (7213, 1293710005),
    ]
    .iter()
    .map(|(prod, event_type)| {
        format!("/belle/MC/release-03-01-00/DB00000547/MC12b/prod{prod:08}/s00/e1003/4S/r000000/{event_type}/mdst/sub00")
    })
    .collect();
    assert_eq!(mc, expected.iter().collect::<Vec<_>>());
}

#[test]
fn proc9_paths_cover_exactly_the_declared_runs() {
    let paths = built_paths();
    let base = "/group/belle2/dataproduct/Data/release-03-02-02/DB00000654/proc9/";
    for expected in [
        "e0003/4S/r00529/all/mdst/sub00",
        "e0008/Continuum/r01703/all/mdst/sub00",
        "e0007/4S/r00909/skim/hlt_hadron/cdst/sub00",
        "e0008/Scan/r01031/skim/hlt_gamma_gamma/mdst/sub00",
    ] {
        let full = format!("{base}{expected}");
        assert!(paths.binary_search(&full).is_ok(), "missing {full}");
    }
    let ranges: [(&str, u64, u64, u64); 6] = [
        ("4S", 3, 529, 5613),
        ("4S", 7, 909, 4120),
        ("4S", 8, 43, 1022),
        ("4S", 8, 1036, 1554),
        ("Continuum", 8, 1703, 1835),
        ("Scan", 8, 1025, 1031),
    ];
    let mut count = 0;
    for path in paths.iter().filter(|p| p.starts_with(base)) {
        let parts: Vec<&str> = path[base.len()..].split('/').collect();
        let exp: u64 = parts[0][1..].parse().expect("exp");
        let run: u64 = parts[2][1..].parse().expect("run");
        let inside = ranges.iter().any(|&(beam, e, first, last)| {
            beam == parts[1] && e == exp && (first..=last).contains(&run)
        });
        assert!(inside, "{path} is outside the declared runs");
        count += 1;
    }
    let runs: u64 = ranges
        .iter()
        .map(|(_, _, first, last)| last - first + 1)
        .sum();
    // One mdst path per run, and four HLT skims with cdst and mdst each.
    assert_eq!(count as u64, runs * 9);
}

#[test]
fn paths_are_sorted_by_bytes_and_unique() {
    let paths = built_paths();
    let mut sorted = paths.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(paths, sorted);
}
