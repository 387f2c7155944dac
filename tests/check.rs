//! Name, type and production checks: one fixture per code under
//! `fixtures/check/invalid`, named after the code it must raise, with the
//! rendered diagnostics snapshotted.

// Tests and benchmarks set up files, run programs and print; the core may not (clippy.toml).
#![allow(clippy::disallowed_methods, clippy::disallowed_macros)]

mod common;

use common::{edit, shipped};
use prodc::diagnostics::render::{render_all, HumanStyle, MessageFormat};
use prodc::diagnostics::Code;
use prodc::project::MemoryVfs;
use std::path::Path;

const CONFIG: &str = "[project]\nname = \"t\"\nsource = \"src\"\n";

fn check(files: &[(&str, &str)]) -> prodc::Checked {
    let mut vfs = MemoryVfs::new().with("Prod.toml", CONFIG);
    for (path, text) in files {
        vfs = vfs.with(path, *text);
    }
    prodc::check(&vfs).expect("loads")
}

fn human(checked: &prodc::Checked) -> String {
    render_all(
        &checked.diagnostics,
        &checked.project.sources,
        MessageFormat::Human,
        HumanStyle::default(),
    )
}

#[test]
fn each_fixture_raises_its_code() {
    insta::glob!("fixtures/check/invalid/*.prod", |path| {
        let text = std::fs::read_to_string(path).expect("fixture");
        let name = path
            .file_name()
            .expect("name")
            .to_string_lossy()
            .into_owned();
        let checked = check(&[(&format!("src/{name}"), &text)]);
        let expected = Code::parse(&name[..5]).expect("fixture named after a code");
        assert!(
            checked.diagnostics.iter().any(|d| d.code == expected),
            "{name} should raise {expected}:\n{}",
            human(&checked)
        );
        insta::assert_snapshot!(human(&checked));
    });
}

#[test]
fn every_code_of_this_phase_has_a_fixture() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/check/invalid");
    let names: Vec<String> = std::fs::read_dir(dir)
        .expect("dir")
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    for code in [
        "E0201", "E0202", "E0203", "E0301", "E0302", "E0303", "E0304", "E0305", "E0306", "E0307",
        "E0308", "E0401", "E0402", "E0403", "E0404", "E0405", "E0406", "E0407", "E0408", "W0410",
        "E0411", "E0501", "E0502", "E0504", "W0505", "E0506", "E0507", "E0601", "E0602", "E0603",
        "E0604", "E0605", "E0701", "E0702", "E0703", "E0704", "E0801", "E0802", "E0803", "W0804",
        "E0805", "E0806",
    ] {
        assert!(
            names.iter().any(|n| n.starts_with(code)),
            "no fixture for {code}"
        );
    }
}

#[test]
fn errors_in_several_files_are_all_reported_in_order() {
    let checked = check(&[
        ("src/z.prod", "skim z { kind = hlt tier = [mdst] }\n"),
        ("src/a.prod", "layout a { files_per_block = 0 }\n"),
        ("src/m/m.prod", "processing p { release = \"release-03-02-02\" globaltags = [nope] layout = std.kekcc_data runs { Y4S = [3:1 ..= 3:2] } tiers = [mdst] }\n"),
    ]);
    let got: Vec<(String, &str)> = checked
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
                d.code.as_str(),
            )
        })
        .collect();
    let expected = [
        ("src/a.prod", "E0302"),
        ("src/a.prod", "E0303"),
        ("src/m/m.prod", "E0202"),
        ("src/z.prod", "E0301"),
    ];
    let expected: Vec<(String, &str)> = expected.iter().map(|(f, c)| (f.to_string(), *c)).collect();
    assert_eq!(got, expected, "{}", human(&checked));
}

#[test]
fn did_you_mean_for_references_fields_and_enum_values() {
    let checked = check(&[(
        "src/a.prod",
        "globaltag staging { id = 1 state = TESTNG }\nskim s { knd = hlt }\ncalibration c { into = stagin }\n",
    )]);
    let helps: Vec<(&str, &str)> = checked
        .diagnostics
        .iter()
        .map(|d| (d.code.as_str(), d.help.as_deref().unwrap_or("")))
        .collect();
    assert!(helps.contains(&("E0303", "did you mean `TESTING`? the values are OPEN, TESTING, VALIDATED, PUBLISHED, RUNNING, INVALID")), "{helps:?}");
    assert!(
        helps.contains(&("E0301", "did you mean `kind`?")),
        "{helps:?}"
    );
    assert!(
        helps.contains(&("E0202", "did you mean `staging`?")),
        "{helps:?}"
    );
}

#[test]
fn an_unknown_std_name_suggests_the_std_prefix() {
    let checked = check(&[(
        "src/a.prod",
        "globaltag g { id = 1 state = TESTING payload A { always rev 1 } }\nprocessing p { release = \"release-03-02-02\" globaltags = [g] layout = kekcc_data runs { Y4S = [3:1 ..= 3:2] } tiers = [mdst] skims = [hlt_hadron] }\n",
    )]);
    let helps: Vec<&str> = checked
        .diagnostics
        .iter()
        .filter_map(|d| d.help.as_deref())
        .collect();
    assert!(
        helps
            .iter()
            .any(|h| h.starts_with("did you mean `std.kekcc_data`?")),
        "{helps:?}"
    );
    assert!(
        helps
            .iter()
            .any(|h| h.starts_with("did you mean `std.hlt_hadron`?")),
        "{helps:?}"
    );
}

#[test]
fn the_model_has_defaults_and_base_units() {
    let checked = check(&[(
        "src/a.prod",
        "globaltag g { id = 1 state = TESTING payload A { always rev 1 } }\n\
         campaign C { release = \"release-03-01-00\" globaltags = [g] experiment = 1003 beam = \"4S\" layout = std.mc_lpn tier = mdst event_size = 11kB\n\
           sample s { event_type = std.generic.mixed events = 1.5M size = 16.5GB production 1 { background = BGx1 } } }\n\
         skim p { kind = physics code = 11990000 }\n\
         calibration c { duration = 2w }\n",
    )]);
    assert!(checked.diagnostics.is_empty(), "{}", human(&checked));
    let model = &checked.model;
    let c = &model.campaigns[0];
    assert_eq!(c.events_per_job, 100_000);
    assert_eq!(c.event_size_bytes.as_ref().map(|s| s.value), Some(11_000));
    assert_eq!(c.beam.as_ref().map(|b| b.name.as_str()), Some("Y4S"));
    let s = &c.samples[0];
    assert_eq!(s.events.as_ref().map(|e| e.value), Some(1_500_000));
    assert_eq!(s.size_bytes.as_ref().map(|e| e.value), Some(16_500_000_000));
    assert_eq!((s.priority.name.as_str(), s.priority.index), ("minor", 1));
    assert_eq!(s.status.name, "planned");
    assert_eq!(s.productions[0].fraction.value, 1.0);
    assert_eq!(
        s.event_type.as_ref().map(|e| e.value.clone()),
        Some(prodc::model::EventType::Generic("mixed".into()))
    );
    let tiers: Vec<&str> = model
        .skims
        .iter()
        .find(|k| k.name.text == "p")
        .expect("skim")
        .tiers
        .iter()
        .map(|t| t.name.as_str())
        .collect();
    assert_eq!(tiers, ["udst"]);
    assert_eq!(model.calibrations[0].duration_hours, Some(336.0));
    let tag = &model.tags[0];
    assert_eq!(
        (tag.ty.name.as_str(), tag.iov_policy.name.as_str()),
        ("DEV", "strict")
    );
}

fn codes(vfs: &MemoryVfs) -> Vec<(String, &'static str)> {
    let checked = prodc::check(vfs).expect("loads");
    checked
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
                d.code.as_str(),
            )
        })
        .collect()
}

#[test]
fn the_shipped_tags_check_clean_and_one_broken_iov_gives_exactly_its_error() {
    let vfs = shipped();
    assert_eq!(codes(&vfs), vec![]);
    let tags = "proc9/tags.prod";
    let (proc9, staging) = (
        "globaltag data_reprocessing_proc9 {",
        "globaltag staging_data_reprocessing {",
    );
    // A gap in the proc9 tag: experiment 6 left uncovered.
    let gap = edit(
        &vfs,
        tags,
        proc9,
        "3:0 ..= 6:*  rev 3\n",
        "3:0 ..= 5:*  rev 3\n",
    );
    assert_eq!(codes(&gap), vec![(tags.to_string(), "E0402")]);
    // An overlap in the staging tag's written payloads.
    let overlap = edit(
        &vfs,
        tags,
        staging,
        "7:2500 ..= 7:*  rev 23",
        "7:2400 ..= 7:*  rev 23",
    );
    assert_eq!(codes(&overlap), vec![(tags.to_string(), "E0401")]);
    // An overlap in the staging tag's imported dump, reported in the dump.
    let dump = "dumps/bucket6.txt";
    let imported = edit(
        &vfs,
        dump,
        "",
        "ECLCrystalEnergy 13 7,0,-1,-1",
        "ECLCrystalEnergy 13 6,0,-1,-1",
    );
    assert_eq!(codes(&imported), vec![(dump.to_string(), "E0401")]);
    // The proc9 tag closing VXDAlignment before the last runs of experiment 8.
    let closed = edit(
        &vfs,
        tags,
        proc9,
        "8:1100 ..       rev 10",
        "8:1100 ..= 8:1500 rev 10",
    );
    let expected = vec![
        ("proc9/processing.prod".to_string(), "E0404"),
        (tags.to_string(), "E0403"),
    ];
    assert_eq!(codes(&closed), expected);
}

/// `prodc::check` lowers IoV lines while parsing (and drops them from the
/// trees); the language server keeps its trees whole and resolves from
/// them. Both must give the same model and the same diagnostics.
#[test]
fn early_lowering_gives_the_model_of_the_whole_trees() {
    let split = check_both(&[(
        "src/t.prod",
        "globaltag t {\n  id = 1\n  state = OPEN\n  type = DEV\n  payload A {\n    0:0 .. 3:* rev 1\n    release = \">= release-06-00-00\"\n    4:0 .. rev 2\n  }\n  payload B { 0:0 .. rev 7 }\n  payload A { optional = true }\n  payload C {\n    0:0 .. 5:* rev 1\n    0:0 .. 6:* rev 2\n  }\n}\n",
    )]);
    assert!(split.contains("\"A\""), "{split}");
    check_both_vfs(&common::shipped());
}

fn check_both(files: &[(&str, &str)]) -> String {
    let mut vfs = MemoryVfs::new().with("Prod.toml", CONFIG);
    for (path, text) in files {
        vfs = vfs.with(path, *text);
    }
    check_both_vfs(&vfs)
}

/// The model JSON of `vfs` checked both ways, after asserting they agree.
fn check_both_vfs(vfs: &MemoryVfs) -> String {
    let lowered = prodc::check(vfs).expect("loads");
    assert!(lowered.project.files.iter().all(|f| f.iovs.is_empty()));
    let mut cache = prodc::project::ParseCache::new();
    let whole =
        prodc::check_project(prodc::project::load_project_cached(vfs, &mut cache).expect("loads"));
    let json = |c: &prodc::Checked| serde_json::to_string_pretty(&*c.model).expect("json");
    assert_eq!(json(&lowered), json(&whole));
    assert_eq!(human(&lowered), human(&whole));
    let lines = |c: &prodc::Checked| {
        c.model
            .tags
            .iter()
            .flat_map(|t| &t.payloads)
            .map(|p| p.iovs.len())
            .sum::<usize>()
    };
    assert_eq!(lines(&lowered), lines(&whole));
    assert!(lines(&whole) > 0);
    // The lines left the trees of the lowered project only.
    assert_eq!(tree_lines(&lowered), 0);
    let written = whole
        .model
        .tags
        .iter()
        .flat_map(|t| &t.payloads)
        .flat_map(|p| &p.iovs)
        .filter(|e| !e.imported())
        .count();
    assert_eq!(tree_lines(&whole), written);
    json(&lowered)
}

/// The IoV lines still in the syntax trees of payload blocks.
fn tree_lines(checked: &prodc::Checked) -> usize {
    use prodc::syntax::ast::{Entry, ItemBody};
    let mut count = 0;
    for file in &checked.project.files {
        for item in &file.unit.items {
            let ItemBody::Block(block) = &item.body else {
                continue;
            };
            for entry in &block.entries {
                if let Entry::Nested(nested) = entry {
                    count += nested
                        .body
                        .entries
                        .iter()
                        .filter(|e| matches!(e, Entry::Iov(_)))
                        .count();
                }
            }
        }
    }
    count
}
