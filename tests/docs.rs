//! The `docs` target on the shipped project: the book's table of contents,
//! the MC12b and proc9 pages with their paths, and the global tag index,
//! with snapshots of every page reviewed for readability.

// Tests and benchmarks set up files, run programs and print; the core may not (clippy.toml).
#![allow(clippy::disallowed_methods, clippy::disallowed_macros)]

use prodc::emit::Outputs;
use std::path::Path;

fn built() -> Outputs {
    let vfs =
        prodc::cli::DiskVfs::open(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../manifests"))
            .expect("project");
    let checked = prodc::check(&vfs).expect("loads");
    assert!(checked.diagnostics.is_empty(), "{:?}", checked.diagnostics);
    prodc::emit::build(&checked, &["docs"]).expect("builds")
}

fn page(outputs: &Outputs, path: &str) -> String {
    let bytes = outputs
        .get(path)
        .unwrap_or_else(|| panic!("no {path} in {:?}", outputs.keys().collect::<Vec<_>>()));
    String::from_utf8(bytes.clone()).expect("utf-8")
}

#[test]
fn the_book_has_every_page_and_nothing_else() {
    let outputs = built();
    let files: Vec<&str> = outputs.keys().map(String::as_str).collect();
    assert_eq!(
        files,
        [
            "docs/README.md",
            "docs/SUMMARY.md",
            "docs/book.toml",
            "docs/campaigns/MC12b.md",
            "docs/globaltags.md",
            "docs/processings/proc9.md",
        ]
    );
    for (path, bytes) in &outputs {
        let text = std::str::from_utf8(bytes).expect("utf-8");
        assert!(text.ends_with('\n') && !text.ends_with("\n\n"), "{path}");
    }
    let summary = page(&outputs, "docs/SUMMARY.md");
    for link in [
        "(README.md)",
        "(campaigns/MC12b.md)",
        "(processings/proc9.md)",
        "(globaltags.md)",
    ] {
        assert!(summary.contains(link), "SUMMARY.md lacks {link}");
    }
    let book = page(&outputs, "docs/book.toml");
    assert!(book.contains("title = \"belle2-dataprod-2019: data and MC paths\""));
    assert!(book.contains("src = \".\""));
}

#[test]
fn the_campaign_page_lists_samples_with_their_paths() {
    let outputs = built();
    let mc12b = page(&outputs, "docs/campaigns/MC12b.md");
    for expected in [
        "/belle/MC/release-03-01-00/DB00000547/MC12b/prod00007207/s00/e1003/4S/r000000/1264340000/mdst/sub00",
        "B+ -> D*0 tau+ nu signal (R(D*) studies).",
        "1264340000",
        "7088 (BGx0, 10,000,000)",
        "50,000,000",
        "prod<PRODUCTION>",
    ] {
        assert!(mc12b.contains(expected), "MC12b page lacks {expected}");
    }
}

#[test]
fn the_processing_page_has_runs_luminosity_and_skims() {
    let outputs = built();
    let proc9 = page(&outputs, "docs/processings/proc9.md");
    for expected in [
        "r<RUN>",
        "e<EXP>",
        "509.9",
        "hlt_hadron",
        "`3:529 ..= 3:5613`",
        "/skim/hlt_hadron/<TIER>/sub00",
    ] {
        assert!(proc9.contains(expected), "proc9 page lacks {expected}");
    }
}

#[test]
fn the_pages_match_their_reviewed_snapshots() {
    let outputs = built();
    insta::assert_snapshot!("summary", page(&outputs, "docs/SUMMARY.md"));
    insta::assert_snapshot!("readme", page(&outputs, "docs/README.md"));
    insta::assert_snapshot!("campaign", page(&outputs, "docs/campaigns/MC12b.md"));
    insta::assert_snapshot!("processing", page(&outputs, "docs/processings/proc9.md"));
    insta::assert_snapshot!("globaltags", page(&outputs, "docs/globaltags.md"));
}

/// A small project with what the shipped one lacks: run-dependent MC, a
/// generic sample without a declared size, a ticket with a `|`, a tag with a
/// base, and a grid processing with a production id and a physics skim.
const EDGE: &str = r#"
## Base conditions.
globaltag base_tag { id = 1  state = TESTING }
globaltag mc_tag { id = 2  state = TESTING  base = base_tag }

campaign MC99 {
  release    = "release-08-00-00"
  globaltag  = mc_tag
  runs       = [10:1 ..= 10:5]
  beam       = Y4S
  layout     = std.mc_lpn
  tier       = mdst
  event_size = 10kB
  sample mixed_bg {
    event_type = mixed
    events     = 2M
    ticket     = "A|B"
    production 90001 { background = BGx1 }
  }
}

processing grid9 {
  release    = "release-08-00-00"
  globaltag  = base_tag
  layout     = std.grid_data
  production = 42
  runs { Y4S = [12:1 ..= 12:3] }
  tiers      = [mdst, cdst]
  skims      = [std.SLUntagged]
}
"#;

#[test]
fn pages_of_other_shapes_read_well() {
    let vfs = prodc::project::MemoryVfs::new()
        .with(
            "Prod.toml",
            "[project]\nname = \"edge\"\nsource = \"src\"\n",
        )
        .with("src/edge.prod", EDGE);
    let checked = prodc::check(&vfs).expect("loads");
    assert!(!checked.has_errors(), "{:?}", checked.diagnostics);
    let outputs = prodc::emit::build(&checked, &["docs"]).expect("builds");
    let mc = page(&outputs, "docs/campaigns/MC99.md");
    for expected in [
        "5 runs in",
        "`10:1 ..= 10:5`",
        "e<EXP>/4S/r<RUN>/<EVENT_TYPE>/mdst/sub<BLOCK>",
        "| mixed |",
        "A\\|B",
        "20 GB (est.)",
        "… and 2 more",
    ] {
        assert!(mc.contains(expected), "MC99 page lacks {expected}:\n{mc}");
    }
    let grid = page(&outputs, "docs/processings/grid9.md");
    for expected in [
        "- **Production:** 42",
        "/prod00000042/e<EXP>/4S/r<RUN>/<TIER>/sub00",
        "/prod00000042/e<EXP>/4S/r<RUN>/11160200/udst/sub00",
        "| SLUntagged | physics | 11160200 | SL+ME | udst | 3 |",
        "here one of mdst, cdst",
    ] {
        assert!(
            grid.contains(expected),
            "grid9 page lacks {expected}:\n{grid}"
        );
    }
    let tags = page(&outputs, "docs/globaltags.md");
    assert!(tags.contains("[base_tag](#base_tag)"), "{tags}");
    assert!(
        tags.contains("[processing grid9](processings/grid9.md)"),
        "{tags}"
    );
}
