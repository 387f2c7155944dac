//! Parser snapshot tests: one fixture per construct and per syntax error.
//!
//! Valid fixtures must parse without a diagnostic; their syntax tree is
//! snapshotted. Invalid fixtures are named after the code they must raise;
//! their rendered diagnostics are snapshotted.

// Tests and benchmarks set up files, run programs and print; the core may not (clippy.toml).
#![allow(clippy::disallowed_methods, clippy::disallowed_macros)]

mod common;

use common::{parse_named, render, tree_outline};
use prodc::diagnostics::render::MessageFormat;
use std::path::Path;

fn fixture_name(path: &Path) -> String {
    path.file_name()
        .expect("a file")
        .to_string_lossy()
        .into_owned()
}

#[test]
fn valid_fixtures_parse_cleanly() {
    insta::glob!("fixtures/syntax/valid/*.prod", |path| {
        let text = std::fs::read_to_string(path).expect("fixture readable");
        let (sources, parsed) = parse_named(&fixture_name(path), &text);
        assert!(
            parsed.diagnostics.is_empty(),
            "{}",
            render(&parsed.diagnostics, &sources, MessageFormat::Human)
        );
        insta::assert_snapshot!(tree_outline(&sources, &parsed));
    });
}

#[test]
fn invalid_fixtures_report_their_code() {
    insta::glob!("fixtures/syntax/invalid/*.prod", |path| {
        let text = std::fs::read_to_string(path).expect("fixture readable");
        let name = fixture_name(path);
        let (sources, parsed) = parse_named(&name, &text);
        let expected = &name[..5];
        assert!(
            parsed
                .diagnostics
                .iter()
                .any(|d| d.code.as_str() == expected),
            "{name} should raise {expected}: {:?}",
            parsed.diagnostics
        );
        assert!(parsed
            .diagnostics
            .iter()
            .all(|d| d.code.as_str().starts_with("E01")));
        insta::assert_snapshot!(render(&parsed.diagnostics, &sources, MessageFormat::Human));
    });
}

#[test]
fn errors_in_two_items_are_both_reported_in_every_format() {
    let text = "skim a { kind = hlt wg = \"SL\\q\" }\nskim ok { kind = hlt }\nlayout b { path = \"/x\" files_per_block 10 }\n";
    let (sources, parsed) = parse_named("manifests/two_errors.prod", text);
    let codes: Vec<_> = parsed.diagnostics.iter().map(|d| d.code.as_str()).collect();
    assert_eq!(codes, ["E0108", "E0101"]);
    // Both items are still in the tree, and the clean one in between too.
    assert_eq!(parsed.unit.items.len(), 3);
    insta::assert_snapshot!(
        "two_errors_human",
        render(&parsed.diagnostics, &sources, MessageFormat::Human)
    );
    insta::assert_snapshot!(
        "two_errors_json",
        render(&parsed.diagnostics, &sources, MessageFormat::Json)
    );
    insta::assert_snapshot!(
        "two_errors_github",
        render(&parsed.diagnostics, &sources, MessageFormat::Github)
    );
}

#[test]
fn doc_comments_attach_to_items_samples_payloads_and_productions() {
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/syntax/valid/campaign.prod"),
    )
    .expect("fixture");
    let (_, parsed) = parse_named("campaign.prod", &text);
    let json = serde_json::to_value(&parsed.unit).expect("json");
    let sample = &json["items"][0]["body"]["block"]["entries"][8]["nested"];
    assert_eq!(
        sample["docs"][0],
        "B+ -> D* tau nu signal for the semileptonic group."
    );
    let production = &sample["body"]["entries"][7]["nested"];
    assert_eq!(production["docs"][0], "No beam background.");
}
