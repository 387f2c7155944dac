//! `prodc lsp` driven over stdio like an editor would: framed JSON-RPC
//! messages to the real binary, working on a copy of the shipped project.
//! Also the editor files: the TextMate grammar and the VS Code extension.

// Tests and benchmarks set up files, run programs and print; the core may not (clippy.toml).
#![allow(clippy::disallowed_methods, clippy::disallowed_macros)]

#[path = "lsp/client.rs"]
mod client;
mod common;
#[path = "lsp/replay.rs"]
mod replay;

use client::Client;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};

/// A fresh copy of the shipped project in `DIR/project`, with `DIR/cache`
/// for the server's cache (the standard library's files).
fn project(name: &str) -> (PathBuf, PathBuf) {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("lsp-{name}"));
    let _ = std::fs::remove_dir_all(&dir);
    let root = dir.join("project");
    for (path, bytes) in &common::shipped().files {
        let path = root.join(path);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, bytes).expect("write");
    }
    (root, dir.join("cache"))
}

fn uri(path: &Path) -> String {
    let mut out = String::from("file://");
    for byte in path.to_str().expect("utf-8 path").bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~/".contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// The position (line, UTF-16 column) of the `nth` occurrence of `needle`,
/// plus `shift` characters.
fn position(text: &str, needle: &str, nth: usize, shift: usize) -> Value {
    let offset = text
        .match_indices(needle)
        .nth(nth)
        .unwrap_or_else(|| panic!("`{needle}` #{nth} not found"))
        .0;
    let before = &text[..offset];
    let line = before.matches('\n').count();
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column: usize = text[line_start..offset].encode_utf16().count() + shift;
    json!({"line": line, "character": column})
}

fn start(name: &str) -> (Client, PathBuf, PathBuf) {
    let (root, cache) = project(name);
    let mut client = Client::start(&cache);
    let result = client.request(
        "initialize",
        json!({
            "processId": null,
            "rootUri": uri(&root),
            "capabilities": {},
            "initializationOptions": {"bookUrl": "https://book.test/prodc"}
        }),
    );
    let caps = &result["capabilities"];
    assert_eq!(caps["positionEncoding"], "utf-16", "{result}");
    assert_eq!(caps["hoverProvider"], true);
    assert_eq!(caps["definitionProvider"], true);
    assert_eq!(caps["referencesProvider"], true);
    assert_eq!(caps["documentFormattingProvider"], true);
    assert!(caps["completionProvider"].is_object());
    assert_eq!(result["serverInfo"]["name"], "prodc");
    client.notify("initialized", json!({}));
    (client, root, cache)
}

fn open(client: &mut Client, path: &Path, text: &str) -> String {
    let uri = uri(path);
    client.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "prod", "version": 1, "text": text}}),
    );
    uri
}

fn change(client: &mut Client, uri: &str, version: i32, changes: Value) {
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": changes}),
    );
}

fn at(uri: &str, position: Value) -> Value {
    json!({"textDocument": {"uri": uri}, "position": position})
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).expect("read")
}

fn codes(diagnostics: &[Value]) -> Vec<String> {
    diagnostics
        .iter()
        .map(|d| d["code"].as_str().unwrap_or("").to_string())
        .collect()
}

#[test]
fn diagnostics_follow_edits_with_codes_links_and_utf16_ranges() {
    let (mut client, root, _) = start("diagnostics");
    let campaign = root.join("mc12/campaign.prod");
    let text = read(&campaign);
    let uri = open(&mut client, &campaign, &text);
    let first = client.diagnostics(&uri, |_| true);
    assert!(
        first.is_empty(),
        "the shipped project checks clean: {first:?}"
    );

    // An unknown field after a string with a surrogate pair: its column
    // counts UTF-16 units (2 for `𝄞`, 1 for `µ`), not bytes or characters.
    let quote = position(&text, "\"SL+ME\"", 0, 0);
    let end = position(&text, "\"SL+ME\"", 0, 7);
    change(
        &mut client,
        &uri,
        2,
        json!([{"range": {"start": quote, "end": end}, "text": "\"𝄞µ\" evnts = 1"}]),
    );
    let diags = client.diagnostics(&uri, |d| !d.is_empty());
    assert_eq!(codes(&diags), ["E0301"], "{diags:?}");
    let d = &diags[0];
    let column = quote["character"].as_u64().expect("column");
    assert_eq!(d["range"]["start"]["line"], quote["line"]);
    assert_eq!(d["range"]["start"]["character"], column + 6, "{d}");
    assert_eq!(d["range"]["end"]["character"], column + 11, "{d}");
    assert_eq!(d["severity"], 1);
    assert_eq!(d["source"], "prodc");
    assert_eq!(
        d["codeDescription"]["href"],
        "https://book.test/prodc/errors/E0301.html"
    );
    let message = d["message"].as_str().expect("message");
    assert!(message.contains("has no field `evnts`"), "{message}");
    assert!(
        message.contains("help: did you mean `events`?"),
        "{message}"
    );

    // The whole text back: the error is gone.
    change(&mut client, &uri, 3, json!([{"text": text}]));
    let diags = client.diagnostics(&uri, |_| true);
    assert!(diags.is_empty(), "{diags:?}");

    // A change in another file breaks this one: the whole project is
    // checked again after each edit.
    let tags = root.join("mc12/tags.prod");
    let tags_text = read(&tags);
    let tags_uri = open(&mut client, &tags, &tags_text);
    let name = position(&tags_text, "globaltag mc_production_mc12", 0, 10);
    let name_end = position(&tags_text, "globaltag mc_production_mc12", 0, 28);
    change(
        &mut client,
        &tags_uri,
        2,
        json!([{"range": {"start": name, "end": name_end}, "text": "mc_production_mc99"}]),
    );
    let diags = client.diagnostics(&uri, |d| !d.is_empty());
    assert!(codes(&diags).contains(&"E0202".to_string()), "{diags:?}");
    let reference = position(&text, "mc_production_mc12", 0, 0);
    assert!(
        diags
            .iter()
            .any(|d| d["code"] == "E0202" && d["range"]["start"] == reference),
        "{diags:?}"
    );
    change(&mut client, &tags_uri, 3, json!([{"text": tags_text}]));
    let diags = client.diagnostics(&uri, |d| d.is_empty());
    assert!(diags.is_empty());

    // A syntax error: the parser's code, and the file is still analysed.
    change(
        &mut client,
        &uri,
        4,
        json!([{"text": text.replace("tier           = mdst", "tier mdst")}]),
    );
    let diags = client.diagnostics(&uri, |d| !d.is_empty());
    assert_eq!(codes(&diags)[0], "E0101", "{diags:?}");
    assert_eq!(
        diags[0]["range"]["start"],
        position(&text, "tier           = mdst", 0, 5)
    );
    assert!(client.shutdown().success());
}

#[test]
fn definitions_references_and_hovers() {
    let (mut client, root, cache) = start("navigation");
    let campaign = root.join("mc12/campaign.prod");
    let text = read(&campaign);
    let uri = open(&mut client, &campaign, &text);
    client.diagnostics(&uri, |_| true);
    let tags = root.join("mc12/tags.prod");
    let tags_text = read(&tags);
    let tags_uri = uri_of(&tags);

    // A tag: its definition and every reference.
    let reference = position(&text, "mc_production_mc12", 0, 3);
    let found = client.request("textDocument/definition", at(&uri, reference.clone()));
    let name_at = position(&tags_text, "globaltag mc_production_mc12", 0, 10);
    assert_eq!(found[0]["uri"], tags_uri.as_str(), "{found}");
    assert_eq!(found[0]["range"]["start"], name_at);
    let mut params = at(&uri, reference.clone());
    params["context"] = json!({"includeDeclaration": true});
    let refs = client.request("textDocument/references", params);
    let refs = refs.as_array().expect("locations");
    assert!(refs
        .iter()
        .any(|l| l["uri"] == tags_uri.as_str() && l["range"]["start"] == name_at));
    assert!(refs.iter().any(|l| l["uri"] == uri.as_str()
        && l["range"]["start"] == position(&text, "mc_production_mc12", 0, 0)));

    // A `std.` layout and an enum value lead into the standard library's
    // files, written read-only into the cache directory.
    let layout = client.request(
        "textDocument/definition",
        at(&uri, position(&text, "std.mc_lpn_mc12", 0, 6)),
    );
    let std_layouts = cache.join(format!(
        "prodc/std-{}/layouts.prod",
        env!("CARGO_PKG_VERSION")
    ));
    assert_eq!(layout[0]["uri"], uri_of(&std_layouts).as_str(), "{layout}");
    let written = read(&std_layouts);
    let line = layout[0]["range"]["start"]["line"].as_u64().expect("line") as usize;
    assert!(written
        .lines()
        .nth(line)
        .expect("line")
        .contains("mc_lpn_mc12"));
    let beam = client.request(
        "textDocument/definition",
        at(&uri, position(&text, "Y4S", 0, 1)),
    );
    assert!(
        beam[0]["uri"]
            .as_str()
            .expect("uri")
            .ends_with("/enums.prod"),
        "{beam}"
    );

    // A sample: productions, events per background level, output paths.
    let hover = client.request(
        "textDocument/hover",
        at(&uri, position(&text, "Bp_DstTauNu", 0, 2)),
    );
    let value = hover["contents"]["value"].as_str().expect("markdown");
    assert_eq!(hover["contents"]["kind"], "markdown");
    for expected in [
        "**sample** `Bp_DstTauNu` of campaign `MC12b`",
        "| 7088 | BGx0 | 0.2 | 10,000,000 |",
        "| 7207 | BGx1 | 0.8 | 40,000,000 |",
        "BGx0: 10,000,000 · BGx1: 40,000,000",
        "/belle/MC/release-03-01-00/DB00000547/MC12b/prod00007088/s00/e1003/4S/r000000/1264340000/mdst/sub00",
    ] {
        assert!(value.contains(expected), "`{expected}` not in:\n{value}");
    }
    assert_eq!(
        hover["range"]["start"],
        position(&text, "Bp_DstTauNu", 0, 0)
    );

    // A tag: id, state and payload count.
    let hover = client.request("textDocument/hover", at(&uri, reference));
    let value = hover["contents"]["value"].as_str().expect("markdown");
    for expected in ["| id | 547 |", "| state | PUBLISHED |", "| payloads |"] {
        assert!(value.contains(expected), "`{expected}` not in:\n{value}");
    }

    // A payload: its intervals as a table.
    open(&mut client, &tags, &tags_text);
    let hover = client.request(
        "textDocument/hover",
        at(&tags_uri, position(&tags_text, "BeamParameters", 0, 3)),
    );
    let value = hover["contents"]["value"].as_str().expect("markdown");
    for expected in [
        "**payload** `BeamParameters` of globaltag `mc_production_mc12`",
        "| IoV | revision | from |",
        "| `0:0 ..= 1002:*` | 1 |",
        "| `1003:0 ..` | 2 |",
    ] {
        assert!(value.contains(expected), "`{expected}` not in:\n{value}");
    }

    // A field name: its schema.
    let hover = client.request(
        "textDocument/hover",
        at(&uri, position(&text, "events_per_job", 0, 2)),
    );
    let value = hover["contents"]["value"].as_str().expect("markdown");
    assert!(
        value.contains("field `events_per_job` of campaign (optional)"),
        "{value}"
    );

    // A placeholder of a layout in a new, unsaved file of the project.
    let layouts = root.join("layouts.prod");
    let layout_text = "layout mine {\n  path = \"/data/{campaign}/{sample}/r{run:05}/{tier}\"\n}\n";
    let layouts_uri = open(&mut client, &layouts, layout_text);
    let hover = client.request(
        "textDocument/hover",
        at(&layouts_uri, position(layout_text, "campaign}", 0, 3)),
    );
    let value = hover["contents"]["value"].as_str().expect("markdown");
    assert!(
        value.contains("`{campaign}`: the campaign's name"),
        "{value}"
    );
    assert!(
        value.contains("not in the `path` of a processing"),
        "{value}"
    );
    let hover = client.request(
        "textDocument/hover",
        at(&layouts_uri, position(layout_text, "run:05", 0, 1)),
    );
    let value = hover["contents"]["value"].as_str().expect("markdown");
    assert!(value.contains("zero-padded to 5 digits"), "{value}");
    // Nothing under the cursor: no hover, no definition.
    let none = client.request(
        "textDocument/hover",
        at(&uri, json!({"line": 0, "character": 3})),
    );
    assert_eq!(none, Value::Null);
    assert!(client.shutdown().success());
}

fn uri_of(path: &Path) -> String {
    uri(path)
}

fn labels(result: &Value) -> Vec<String> {
    result
        .as_array()
        .expect("completion items")
        .iter()
        .map(|i| i["label"].as_str().expect("label").to_string())
        .collect()
}

#[test]
fn completion_offers_fields_enum_values_and_names() {
    let (mut client, root, _) = start("completion");
    let path = root.join("mc12/demo.prod");
    let text = "campaign Demo {\n  release = \"release-03-01-00\"\n  \n}\n";
    let uri = open(&mut client, &path, text);
    let fields = labels(&client.request(
        "textDocument/completion",
        at(&uri, json!({"line": 2, "character": 2})),
    ));
    for field in ["globaltags", "beam", "layout", "event_size", "sample"] {
        assert!(
            fields.contains(&field.to_string()),
            "{field} not in {fields:?}"
        );
    }
    assert!(
        !fields.contains(&"release".to_string()),
        "already written: {fields:?}"
    );

    let with = |value: &str| text.replace("  \n}", &format!("  {value}\n}}"));
    let cases = [
        ("beam = ", vec!["Y4S", "continuum"], "BGx0"),
        ("globaltags = [", vec!["mc_production_mc12"], "std.mc_lpn"),
        (
            "layout = std.",
            vec!["std.mc_lpn_mc12", "std.kekcc_data"],
            "mc_production_mc12",
        ),
        ("tier = m", vec!["mdst", "cdst"], "Y4S"),
    ];
    for (version, (typed, present, absent)) in cases.into_iter().enumerate() {
        let edited = with(typed);
        change(
            &mut client,
            &uri,
            version as i32 + 2,
            json!([{"text": edited}]),
        );
        let cursor = json!({"line": 2, "character": 2 + typed.len()});
        let result = client.request("textDocument/completion", at(&uri, cursor));
        let found = labels(&result);
        for label in present {
            assert!(
                found.contains(&label.to_string()),
                "{typed}: {label} not in {found:?}"
            );
        }
        assert!(
            !found.contains(&absent.to_string()),
            "{typed}: {absent} in {found:?}"
        );
        if typed.ends_with("std.") {
            // The edit replaces the whole typed path.
            let item = result
                .as_array()
                .expect("items")
                .iter()
                .find(|i| i["label"] == "std.mc_lpn_mc12")
                .expect("item");
            assert_eq!(
                item["textEdit"]["range"]["start"]["character"],
                2 + "layout = ".len()
            );
            assert_eq!(item["textEdit"]["newText"], "std.mc_lpn_mc12");
        }
    }
    assert!(client.shutdown().success());
}

#[test]
fn formatting_returns_one_edit_none_or_nothing() {
    let (mut client, root, _) = start("formatting");
    let path = root.join("skims.prod");
    let messy = "skim   a{kind=hlt    tiers=[cdst,mdst]}";
    let uri = open(&mut client, &path, messy);
    let params =
        json!({"textDocument": {"uri": uri}, "options": {"tabSize": 2, "insertSpaces": true}});
    let edits = client.request("textDocument/formatting", params.clone());
    assert_eq!(
        edits,
        json!([{
            "range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": messy.len()}},
            "newText": "skim a { kind = hlt  tiers = [cdst, mdst] }\n"
        }])
    );
    change(
        &mut client,
        &uri,
        2,
        json!([{"text": "skim a { kind = hlt  tiers = [cdst, mdst] }\n"}]),
    );
    assert_eq!(
        client.request("textDocument/formatting", params.clone()),
        json!([])
    );
    change(
        &mut client,
        &uri,
        3,
        json!([{"text": "skim a { kind hlt }\n"}]),
    );
    assert_eq!(
        client.request("textDocument/formatting", params),
        Value::Null
    );
    let diags = client.diagnostics(&uri, |d| !d.is_empty());
    assert_eq!(codes(&diags)[0], "E0101");
    assert!(client.shutdown().success());
}

#[test]
fn bad_input_gets_errors_not_crashes() {
    let (mut client, root, _) = start("bad-input");
    let path = root.join("mc12/campaign.prod");
    let text = read(&path);
    let uri = open(&mut client, &path, &text);
    // Parameters of the wrong shape, an unknown method.
    let response = client.request_raw("textDocument/hover", json!({"textDocument": 5}));
    assert_eq!(response["error"]["code"], -32602, "{response}");
    let response = client.request_raw("prodc/unknown", json!({}));
    assert_eq!(response["error"]["code"], -32601, "{response}");
    // Positions far outside the text, documents never opened, changes to
    // them, ranges past the end and a document that is not UTF-8 on disk.
    let far = at(&uri, json!({"line": 1_000_000, "character": 1_000_000}));
    assert_eq!(
        client.request("textDocument/hover", far.clone()),
        Value::Null
    );
    assert_eq!(client.request("textDocument/definition", far), Value::Null);
    let stranger = "file:///nowhere/x.prod";
    change(&mut client, stranger, 2, json!([{"text": "x"}]));
    let hover = client.request(
        "textDocument/hover",
        at(stranger, json!({"line": 0, "character": 0})),
    );
    assert_eq!(hover, Value::Null);
    change(
        &mut client,
        &uri,
        2,
        json!([{"range": {"start": {"line": 9999, "character": 0}, "end": {"line": 0, "character": 0}}, "text": "\u{0}¤"}]),
    );
    let diags = client.diagnostics(&uri, |d| !d.is_empty());
    assert!(codes(&diags).contains(&"E0111".to_string()), "{diags:?}");
    std::fs::write(root.join("mc12/binary.prod"), b"\xff\xfe skim").expect("write");
    client.notify("workspace/didChangeWatchedFiles", json!({"changes": []}));
    let binary = uri_of(&root.join("mc12/binary.prod"));
    let diags = client.diagnostics(&binary, |d| !d.is_empty());
    assert_eq!(codes(&diags), ["E0111"]);
    // A document of no project: syntax errors only.
    let loose = root.parent().expect("dir").join("loose.prod");
    let loose_uri = open(
        &mut client,
        &loose,
        "skim a { kind = hlt  tiers = [nope] }\nskim b {",
    );
    let diags = client.diagnostics(&loose_uri, |d| !d.is_empty());
    assert_eq!(codes(&diags), ["E0113"], "{diags:?}");
    // A message that is not JSON is skipped, and so is one with a header
    // line that is not a header; the next request is answered.
    client.write_raw(b"Content-Length: 5\r\n\r\n{oops");
    client.write_raw(b"Content-Length: 2\r\nnot a header\r\n\r\n{}");
    let hover = client.request(
        "textDocument/hover",
        at(&uri, json!({"line": 0, "character": 0})),
    );
    assert!(hover.is_null() || hover["contents"].is_object(), "{hover}");
    // A header without a usable length loses the framing: the server
    // says so and ends with status 1, neither panicking nor waiting.
    client.write_raw(b"Content-Length: lots\r\n\r\n{}");
    let status = client.wait();
    assert_eq!(status.code(), Some(1));
}

/// The `window/showMessage` of `E0118`, once it comes.
fn e0118_notice(client: &mut Client) -> String {
    let params = client.wait_for("window/showMessage", |p| {
        p["message"]
            .as_str()
            .is_some_and(|m| m.starts_with("E0118: "))
    });
    assert_eq!(params["type"], 1, "an error: {params}");
    params["message"].as_str().unwrap_or("").to_string()
}

#[test]
fn an_oversized_message_is_dropped_with_e0118_and_the_next_one_answered() {
    let (mut client, root, _) = start("oversized");
    let path = root.join("mc12/campaign.prod");
    let text = read(&path);
    let uri = open(&mut client, &path, &text);
    let limit = prodc::lsp::framing::MAX_MESSAGE_BYTES;
    // A body one byte over the limit, really sent (in 1 MiB pieces, which
    // the server throws away as they come).
    let length = limit + 1;
    client.write_raw(format!("Content-Length: {length}\r\n\r\n").as_bytes());
    let piece = vec![b' '; 1 << 20];
    let mut left = length;
    while left > 0 {
        let n = left.min(piece.len() as u64) as usize;
        client.write_raw(&piece[..n]);
        left -= n as u64;
    }
    let message = e0118_notice(&mut client);
    assert!(
        message.contains(&format!("message of {length} bytes (512 MiB)")),
        "{message}"
    );
    assert!(
        message.contains(&format!("the limit of {limit} bytes (512 MiB)")),
        "{message}"
    );
    let position = position(&text, "Y4S", 0, 1);
    let hover = client.request("textDocument/hover", at(&uri, position));
    assert!(hover["contents"]["value"].is_string(), "{hover}");
    assert!(client.shutdown().success());
}

#[test]
fn a_claimed_terabyte_is_reported_at_once_without_aborting() {
    let (mut client, _, _) = start("terabyte");
    // The claim alone: the server reports it before any of the body comes,
    // allocates none of it, and reads what follows as that body.
    client.write_raw(b"Content-Length: 1000000000000\r\n\r\n");
    let message = e0118_notice(&mut client);
    assert!(
        message.contains("message of 1000000000000 bytes (953674 MiB)"),
        "{message}"
    );
    assert!(message.contains("help: "), "{message}");
    client.write_raw(&vec![b'x'; 1 << 20]);
    let request = json!({"jsonrpc": "2.0", "id": 99, "method": "shutdown"});
    client.send(&request);
    // Still running, neither aborted nor answering from inside the body:
    // hanging up ends it the ordinary way, with status 1.
    let status = client.hang_up();
    assert_eq!(status.code(), Some(1));
}

#[test]
fn a_header_line_of_a_megabyte_is_thrown_away_as_it_comes() {
    let (mut client, root, _) = start("long-header");
    let path = root.join("mc12/campaign.prod");
    let text = read(&path);
    let uri = open(&mut client, &path, &text);
    // A megabyte without a line end, in pieces; then the rest of that
    // message's header and its body, which is skipped with it.
    for _ in 0..16 {
        client.write_raw(&vec![b'X'; 1 << 16]);
    }
    client.write_raw(b"\r\nContent-Length: 2\r\n\r\n{}");
    let position = position(&text, "Y4S", 0, 1);
    let hover = client.request("textDocument/hover", at(&uri, position));
    assert!(hover["contents"]["value"].is_string(), "{hover}");
    assert!(client.shutdown().success());
}

#[test]
fn a_client_that_hangs_up_ends_the_server_with_status_1() {
    let (client, _, _) = start("hang-up");
    let status = client.hang_up();
    assert_eq!(status.code(), Some(1));
}

/// The inputs of the `lsp_messages` fuzz target, its seeds and the crashes
/// it found, replayed through the binary (see `lsp/replay.rs`): the server
/// ends with 0 or 1 (no abort, no signal), catches no panic of a handler
/// and writes only well-framed messages, among them an answer to every
/// request up to `shutdown` or `exit`.
#[test]
fn fuzz_inputs_of_the_language_server_replay_cleanly() {
    let (root, cache) = project("replay");
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    // The target's project: a few runs per range.
    std::fs::copy(
        repo.join("fuzz/lsp_project/processing.prod"),
        root.join("proc9/processing.prod"),
    )
    .expect("copy the processing");
    let project_uri = format!("{}/", uri(&root));
    let mut inputs = Vec::new();
    for dir in [
        "fuzz/corpus/lsp_messages",
        "tests/fixtures/fuzz/lsp_messages",
    ] {
        for entry in std::fs::read_dir(repo.join(dir)).expect(dir) {
            inputs.push(entry.expect("entry").path());
        }
    }
    inputs.sort();
    assert!(inputs.len() >= 5, "{inputs:?}");
    for path in inputs {
        let name = path
            .strip_prefix(&repo)
            .unwrap_or(&path)
            .display()
            .to_string();
        let session = replay::session(&std::fs::read(&path).expect("read"), &project_uri);
        let requests = replay::requests_to_answer(&session);
        let replayed = replay::run(session, &cache);
        let code = replayed.status.code();
        assert!(matches!(code, Some(0 | 1)), "{name}: {:?}", replayed.status);
        for bad in ["internal error", "panicked"] {
            assert!(
                !replayed.stderr.contains(bad),
                "{name}:\n{}",
                replayed.stderr
            );
        }
        let answered: Vec<&Value> = replayed
            .messages
            .iter()
            .filter(|m| m.get("method").is_none())
            .map(|m| &m["id"])
            .collect();
        for id in &requests {
            assert!(answered.contains(&id), "{name}: request {id} unanswered");
        }
    }
}

// ------------------------------------------------------------ editor files

fn editors() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../editors")
}

fn json_file(path: &Path) -> Value {
    serde_json::from_str(&read(path)).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn the_textmate_grammar_is_valid_and_the_extension_uses_it() {
    let grammar_path = editors().join("prod.tmLanguage.json");
    let grammar = json_file(&grammar_path);
    assert_eq!(grammar["scopeName"], "source.prod");
    assert_eq!(grammar["fileTypes"], json!(["prod"]));
    let repository = grammar["repository"].as_object().expect("repository");
    for rule in [
        "comments",
        "items",
        "keywords",
        "strings",
        "iovs",
        "quantities",
        "numbers",
        "std-names",
    ] {
        assert!(repository.contains_key(rule), "no `{rule}` rule");
    }
    // Every `include` names a rule of the repository.
    let text = read(&grammar_path);
    for part in text.split("\"include\": \"#").skip(1) {
        let name = part.split('"').next().expect("name");
        assert!(
            repository.contains_key(name),
            "include of unknown rule `{name}`"
        );
    }

    let vscode = editors().join("vscode");
    let package = json_file(&vscode.join("package.json"));
    assert_eq!(package["main"], "./extension.js");
    let language = &package["contributes"]["languages"][0];
    assert_eq!(language["id"], "prod");
    assert_eq!(language["extensions"], json!([".prod"]));
    let config = vscode.join(language["configuration"].as_str().expect("configuration"));
    let config = json_file(&config);
    assert_eq!(config["comments"]["lineComment"], "#");
    let contributed = &package["contributes"]["grammars"][0];
    assert_eq!(contributed["language"], "prod");
    assert_eq!(contributed["scopeName"], "source.prod");
    // The extension ships its own copy of the grammar (a packaged extension
    // holds only its own directory); it must be the same file.
    let copy = vscode.join(contributed["path"].as_str().expect("path"));
    assert_eq!(
        read(&copy),
        text,
        "{} differs from the grammar",
        copy.display()
    );
    let dependency = &package["dependencies"]["vscode-languageclient"];
    assert!(dependency.is_string(), "{package}");
    let extension = read(&vscode.join("extension.js"));
    assert!(
        extension.contains("\"lsp\""),
        "the extension starts `prodc lsp`"
    );
    assert!(!vscode.join("node_modules").exists());
}

// ------------------------------------------------------------ incremental

/// Loading through the parse cache after edits gives the same diagnostics
/// as a fresh `prodc check`, and parses only what changed.
#[test]
fn cached_loads_match_fresh_checks() {
    use prodc::project::{load_project_cached, ParseCache};
    let mut vfs = common::shipped();
    let mut cache = ParseCache::new();
    let files = vfs.files.keys().filter(|p| p.ends_with(".prod")).count();
    let edits: [(&str, &str, &str); 4] = [
        (
            "mc12/campaign.prod",
            "events     = 50M",
            "events     = 50GB",
        ),
        ("proc9/tags.prod", "rev 3", "rev 3\n    2:0 ..= 2:5  rev 9"),
        (
            "mc12/campaign.prod",
            "events     = 50GB",
            "events     = 50M",
        ),
        ("mc12/new.prod", "", "skim extra { kind = hlt }\n"),
    ];
    let mut old = None;
    for (round, (path, from, to)) in [("", "", "")].iter().chain(&edits).enumerate() {
        if !path.is_empty() {
            let text = vfs
                .files
                .get(*path)
                .map(|b| String::from_utf8(b.clone()).expect("utf-8"))
                .unwrap_or_default();
            let edited = if from.is_empty() {
                to.to_string()
            } else {
                text.replacen(from, to, 1)
            };
            assert_ne!(edited, text, "round {round}: the edit changes nothing");
            vfs = vfs.with(path, edited);
        }
        if let Some(old) = old.take() {
            cache.recycle(old);
        }
        let project = load_project_cached(&vfs, &mut cache).expect("loads");
        let checked = prodc::check_project(project);
        let fresh = prodc::check(&vfs).expect("loads");
        let render = |c: &prodc::Checked| {
            common::render(
                &c.diagnostics,
                &c.project.sources,
                prodc::diagnostics::render::MessageFormat::Json,
            )
        };
        assert_eq!(render(&checked), render(&fresh), "round {round}");
        let expected = match round {
            0 => files,
            // A new file renumbers the files after it (their spans carry
            // the file id): they are parsed again.
            4 => 6,
            _ => 1,
        };
        assert_eq!(cache.parsed_last(), expected, "round {round}");
        old = Some(checked.project);
    }
}

/// The state API the stdio loop drives: an edit re-parses one file.
#[test]
fn an_edit_reparses_only_its_file() {
    use lsp_types::{TextDocumentContentChangeEvent, Uri};
    use std::str::FromStr;
    let (root, cache) = project("state");
    let mut state = prodc::lsp::State::new(prodc::lsp::Encoding::Utf16, "https://book.test/");
    state.cache_dir = Some(cache);
    let path = root.join("mc12/campaign.prod");
    let text = read(&path);
    let doc = Uri::from_str(&uri(&path)).expect("uri");
    state.open(doc.clone(), text.clone(), 1);
    let published = state.refresh();
    assert!(
        published.iter().all(|p| p.diagnostics.is_empty()),
        "{published:?}"
    );
    let ws = state.workspaces.values().next().expect("workspace");
    assert_eq!(ws.parsed_last(), 6);
    state.change(
        &doc,
        2,
        vec![TextDocumentContentChangeEvent {
            range: None,
            range_length: None,
            text: text.replace("beam           = Y4S", "beam           = Y4"),
        }],
    );
    assert!(state.is_dirty());
    let published = state.refresh();
    let ws = state.workspaces.values().next().expect("workspace");
    assert_eq!(ws.parsed_last(), 1);
    let mine: Vec<_> = published.iter().filter(|p| p.uri == doc).collect();
    assert_eq!(mine.len(), 1);
    assert_eq!(mine[0].version, Some(2));
    let codes: Vec<_> = mine[0].diagnostics.iter().map(|d| d.code.clone()).collect();
    assert_eq!(
        codes,
        [Some(lsp_types::NumberOrString::String("E0303".to_string()))]
    );
    assert!(!state.is_dirty());
    assert!(state.refresh().is_empty(), "nothing to do without a change");
}
