//! Project loading: `Prod.toml`, discovery, imports and file encodings,
//! on an in-memory project, with the rendered diagnostics snapshotted.

// Tests and benchmarks set up files, run programs and print; the core may not (clippy.toml).
#![allow(clippy::disallowed_methods, clippy::disallowed_macros)]

use prodc::diagnostics::render::{render_all, HumanStyle, MessageFormat};
use prodc::project::MemoryVfs;

const CONFIG: &str = "[project]\nname = \"t\"\nsource = \"src\"\n";

fn rendered(vfs: &MemoryVfs) -> String {
    let checked = prodc::check(vfs).expect("loads");
    render_all(
        &checked.diagnostics,
        &checked.project.sources,
        MessageFormat::Human,
        HumanStyle::default(),
    )
}

#[test]
fn e0107_names_the_key_file_and_line() {
    let vfs = MemoryVfs::new().with(
        "Prod.toml",
        "[project]\nname = \"t\"\n\n[batch]\nschedulers = [\"slurm\", \"pbs\"]\nsteerin = \"x\"\n",
    );
    insta::assert_snapshot!(rendered(&vfs));
}

#[test]
fn e0107_for_a_missing_name_and_for_invalid_toml() {
    let vfs = MemoryVfs::new().with("Prod.toml", "[project]\nsource = \"src\"\n");
    insta::assert_snapshot!("missing_name", rendered(&vfs));
    let vfs = MemoryVfs::new().with("Prod.toml", "[project]\nname = \"t\nsource = \"src\"\n");
    insta::assert_snapshot!("invalid_toml", rendered(&vfs));
}

#[test]
fn e0104_and_e0105_point_into_the_right_files() {
    let vfs = MemoryVfs::new()
        .with("Prod.toml", CONFIG)
        .with(
            "src/tags.prod",
            "globaltag g {\n  payloads from \"dumps/a.txt\"\n  payloads from \"dumps/missing.txt\"\n  payloads from \"../../outside.txt\"\n}\n",
        )
        .with("src/dumps/a.txt", "# a dump\ndbstore/BeamParameters 3 3,0,7,-1\ndbstore/BeamParameters 4 -1,0,-1,-1\ndbstore/CDCXT 1 0,0,-1,7\n");
    insta::assert_snapshot!(rendered(&vfs));
}

#[test]
fn e0111_for_bytes_that_are_not_text() {
    let vfs = MemoryVfs::new()
        .with("Prod.toml", CONFIG)
        .with(
            "src/latin1.prod",
            b"skim s { wg = \"M\xFCller\" }\n".to_vec(),
        )
        .with("src/binary.prod", b"skim\0".to_vec());
    insta::assert_snapshot!(rendered(&vfs));
}

#[test]
fn files_are_found_recursively_in_sorted_order_and_hidden_ones_skipped() {
    let vfs = MemoryVfs::new()
        .with("Prod.toml", CONFIG)
        .with("src/z.prod", "skim z { kind = hlt }")
        .with("src/a/b.prod", "skim b { kind = hlt }")
        .with("src/.git/x.prod", "broken")
        .with("src/notes.txt", "broken")
        .with("other/y.prod", "broken");
    let checked = prodc::check(&vfs).expect("loads");
    assert!(checked.diagnostics.is_empty(), "{:?}", checked.diagnostics);
    let names: Vec<&str> = checked
        .project
        .files
        .iter()
        .map(|f| checked.project.sources.get(f.file).name.as_str())
        .collect();
    assert_eq!(
        names,
        [
            "<std>/enums.prod",
            "<std>/layouts.prod",
            "<std>/skims.prod",
            "src/a/b.prod",
            "src/z.prod"
        ]
    );
}

#[test]
fn the_standard_library_parses_cleanly_and_has_what_the_spec_lists() {
    let vfs = MemoryVfs::new().with("Prod.toml", CONFIG);
    let checked = prodc::check(&vfs).expect("loads");
    assert!(checked.diagnostics.is_empty(), "{:?}", checked.diagnostics);
    let names: Vec<String> = checked
        .project
        .files
        .iter()
        .filter(|f| f.is_std)
        .flat_map(|f| {
            f.unit
                .items
                .iter()
                .map(|i| format!("{} {}", i.kind.keyword(), i.name.name))
        })
        .collect();
    for expected in [
        "enum beam",
        "enum tier",
        "enum background",
        "enum priority",
        "enum sample_status",
        "enum processing_status",
        "enum gt_type",
        "enum gt_state",
        "enum skim_kind",
        "enum iov_policy",
        "enum generic",
        "enum release_status",
        "layout mc_lpn_mc12",
        "layout kekcc_data",
        "layout mc_lpn",
        "layout grid_data",
        "skim hlt_hadron",
        "skim hlt_bhabha",
        "skim hlt_mumu_2trk",
        "skim hlt_gamma_gamma",
    ] {
        assert!(
            names.contains(&expected.to_string()),
            "std lacks {expected}: {names:?}"
        );
    }
}

#[test]
fn diagnostics_of_several_files_are_sorted_by_file_and_position() {
    let vfs = MemoryVfs::new()
        .with("Prod.toml", CONFIG)
        .with("src/b.prod", "skim b { kind hlt }\nskim c { kind = @ }\n")
        .with("src/a.prod", "layout a { path = [ }\n");
    let checked = prodc::check(&vfs).expect("loads");
    let got: Vec<(String, u32)> = checked
        .diagnostics
        .iter()
        .map(|d| {
            (
                checked
                    .project
                    .sources
                    .get(d.primary.span.file)
                    .name
                    .clone(),
                d.primary.span.start,
            )
        })
        .collect();
    let mut sorted = got.clone();
    sorted.sort();
    assert_eq!(got, sorted);
    assert_eq!(got.len(), 3, "{:?}", checked.diagnostics);
}

#[test]
fn files_over_the_configured_size_are_refused_with_e0111() {
    let vfs = MemoryVfs::new()
        .with(
            "Prod.toml",
            "[project]\nname = \"t\"\nsource = \"src\"\n[limits]\nmax_file_size_mb = 1\n",
        )
        .with("src/small.prod", "skim s { kind = hlt }\n")
        .with(
            "src/big.prod",
            format!("# {}\nskim b {{ kind = hlt }}\n", "x".repeat(2 << 20)),
        );
    let checked = prodc::check(&vfs).expect("loads");
    let codes: Vec<(&str, &str)> = checked
        .diagnostics
        .iter()
        .map(|d| {
            (
                d.code.as_str(),
                checked
                    .project
                    .sources
                    .get(d.primary.span.file)
                    .name
                    .as_str(),
            )
        })
        .collect();
    assert_eq!(codes, [("E0111", "src/big.prod")]);
    assert!(checked.diagnostics[0].message.contains("larger than 1 MiB"));
}
