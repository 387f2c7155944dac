//! Hostile values in every place the language takes free text: quotes,
//! command substitutions, backticks, `;`, line breaks, `../`, `<script>` and
//! a 100 kB string, in descriptions, tickets, working groups, owners, doc
//! comments, enum string forms, the project name, the steering pattern and a
//! manifest's file name. A build must carry each value exactly into the JSON
//! outputs, escape it in the docs pages, keep it out of file and output
//! paths, and keep the generated scripts valid and inert when they run (with
//! stubs for `basf2`, `gbasf2` and `b2conditionsdb`). Where the language
//! restricts a string (releases, layout paths, imports, revisions, names,
//! enum values, paths of `Prod.toml`), the value is refused with its code.

// Tests and benchmarks set up files, run programs and print; the core may not (clippy.toml).
#![allow(clippy::disallowed_methods, clippy::disallowed_macros)]

use prodc::project::MemoryVfs;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The hostile values, by name. Only `\n`, `\t`, `\"` and `\\` need escapes
/// in a manifest string, so every value can be written.
fn values() -> Vec<(&'static str, String)> {
    let mut long = String::from("<script>alert('long')</script>");
    while long.len() < 100_000 {
        long.push_str("x'\"; $(touch PWNED_long) `touch PWNED_long2` ../ \\ ");
    }
    long.truncate(100_000);
    vec![
        ("quotes", "it's a \"quoted\" 'value'".to_string()),
        (
            "shell",
            "$(touch PWNED_1); `touch PWNED_2`; touch PWNED_3 | touch PWNED_4 && echo \\$HOME"
                .to_string(),
        ),
        (
            "newlines",
            "first line\nsecond line\n# injected heading\n```\n\ttabbed\n- item".to_string(),
        ),
        ("paths", "../../../../etc/passwd/../..".to_string()),
        (
            "html",
            "<script>alert(1)</script><img src=x onerror=alert(2)> [link](javascript:alert(3))"
                .to_string(),
        ),
        (
            "everything",
            "x'\"; $(touch PWNED_5) `touch PWNED_6`\n../<script>alert(4)</script>]]}}{{#each}}"
                .to_string(),
        ),
        ("long", long),
    ]
}

/// The value as a manifest string literal.
fn lit(value: &str) -> String {
    let mut out = String::from("\"");
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The value as a TOML basic string.
fn toml_str(value: &str) -> String {
    let mut out = String::from("\"");
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A doc comment holds one line: the value with its line breaks as spaces.
fn doc(value: &str) -> String {
    value.replace(['\n', '\t'], " ").trim().to_string()
}

const TAG: &str = "globaltag gt { id = 7 state = TESTING payload A { always rev \"a1b2c3\" } payload B { always rev 3 } }\n";

/// A project with `h` in every free-text field and `d` in every doc comment.
fn manifest(h: &str, d: &str) -> String {
    let h = lit(h);
    format!(
        "## {d}
globaltag gt {{
  id = 7
  state = TESTING
  description = {h}
  ## {d}
  payload A {{ always rev \"a1b2c3\" }}
  payload B {{ always rev 3 }}
}}
## {d}
calibration cal {{ produces = [B] into = gt duration = 1d owner = {h} description = {h} }}
## {d}
layout unused_layout {{ path = \"/belle/x/{{campaign}}\" description = {h} }}
## {d}
enum hostile_enum {{ a = {h}, b }}
## {d}
skim sk {{ kind = physics code = 12345678 wg = {h} description = {h} }}
## {d}
campaign C {{
  release = \"release-03-01-00\"
  globaltags = [gt]
  experiment = 1003
  beam = Y4S
  layout = std.mc_lpn
  tier = mdst
  event_size = 10kB
  events_per_job = 10
  description = {h}
  ## {d}
  sample s {{
    event_type = 1264340000
    events = 25
    ticket = {h}
    wg = {h}
    description = {h}
    ## {d}
    production 7 {{ background = BGx1 }}
  }}
}}
processing P {{
  release = \"release-03-02-02\"
  globaltags = [gt]
  layout = std.kekcc_data
  after = [cal]
  runs {{ Y4S = [3:1 ..= 3:2] }}
  tiers = [mdst]
  skims = [sk]
  ticket = {h}
  description = {h}
}}
"
    )
}

fn config(h: &str) -> String {
    format!(
        "[project]\nname = {}\nsource = \"src\"\n[batch]\nschedulers = [\"slurm\", \"lsf\", \"htcondor\", \"gbasf2\"]\nsteering = {}\n",
        toml_str(h),
        toml_str(&format!("steering/{h}/{{name}}.py"))
    )
}

/// A file name made from the value: no `/`, no control characters, short,
/// and not hidden (a leading `.` would leave the manifest out).
fn file_name(h: &str) -> String {
    let name: String = h
        .chars()
        .map(|c| if c == '/' || c.is_control() { '_' } else { c })
        .take(60)
        .collect();
    format!("src/m{name}.prod")
}

fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("hostile")
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch");
    dir
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
    {
        assert!(
            !entry.path_is_symlink(),
            "symlink {}",
            entry.path().display()
        );
        if entry.file_type().is_file() {
            files.push(entry.path().to_path_buf());
        }
    }
    files
}

fn read(path: &Path) -> String {
    String::from_utf8(std::fs::read(path).expect("readable"))
        .unwrap_or_else(|e| panic!("{}: not UTF-8: {e}", path.display()))
}

/// Every string inside a JSON value.
fn strings(value: &serde_json::Value, out: &mut BTreeSet<String>) {
    match value {
        serde_json::Value::String(s) => {
            out.insert(s.clone());
        }
        serde_json::Value::Array(items) => items.iter().for_each(|v| strings(v, out)),
        serde_json::Value::Object(map) => map.values().for_each(|v| strings(v, out)),
        _ => {}
    }
}

/// Whether Markdown `text` has a link `[…](target…)` whose brackets are not
/// escaped with a `\`.
fn has_live_link(text: &str, target: &str) -> bool {
    text.match_indices(target).any(|(at, _)| {
        let before = &text[..at];
        !before.ends_with('\\')
            && before
                .rfind('[')
                .is_some_and(|open| !before[..open].ends_with('\\'))
    })
}

/// A component of an output file path or of a logical path name.
fn safe_component(c: &str) -> bool {
    !c.is_empty()
        && c != "."
        && c != ".."
        && c.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"_.+-".contains(&b))
}

const STUBS: &[(&str, &str)] = &[
    (
        "basf2",
        "printf '%s\\0' \"$PRODC_STEERING\" \"$PRODC_OUTPUT\" \"$@\" > \"$MARKER_DIR/basf2-$PRODC_JOB-$PRODC_TASK_INDEX\"",
    ),
    (
        "gbasf2",
        "printf '%s\\0' \"$@\" > \"$(mktemp \"$MARKER_DIR/gbasf2.XXXXXX\")\"",
    ),
    (
        "b2conditionsdb",
        "printf '%s\\0' \"$@\" > \"$(mktemp \"$MARKER_DIR/b2conditionsdb.XXXXXX\")\"",
    ),
];

/// The recorded arguments of every call of one stub.
fn calls(markers: &Path, stub: &str) -> Vec<Vec<String>> {
    let mut calls: Vec<Vec<String>> = walk(markers)
        .iter()
        .filter(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with(stub))
        })
        .map(|p| {
            let text = read(p);
            let mut args: Vec<String> = text.split('\0').map(str::to_string).collect();
            args.pop();
            args
        })
        .collect();
    calls.sort();
    calls
}

fn run_script(dir: &Path, script: &str, args: &[&str], env: &[(&str, &Path)]) {
    let bin = dir.join("bin");
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut command = Command::new("bash");
    command
        .arg(dir.join(script))
        .args(args)
        .current_dir(dir.join("project"))
        .env("PATH", path)
        .env("MARKER_DIR", dir.join("markers"));
    for (key, value) in env {
        command.env(key, value);
    }
    let out = command.output().expect("bash runs");
    assert!(
        out.status.success(),
        "{script}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Builds the project with `h` everywhere and checks every artifact.
fn build_and_check(name: &str, h: &str) {
    let d = doc(h);
    let dir = scratch(name);
    let project = dir.join("project");
    let manifest_file = file_name(h);
    std::fs::create_dir_all(project.join("src")).expect("mkdir");
    std::fs::write(project.join("Prod.toml"), config(h)).expect("write");
    std::fs::write(project.join(&manifest_file), manifest(h, &d)).expect("write");
    let out = Command::new(env!("CARGO_BIN_EXE_prodc"))
        .args(["build", "--out", "out"])
        .current_dir(&project)
        .output()
        .expect("prodc runs");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{name}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out_dir = project.join("out");
    let files = walk(&out_dir);
    assert!(files.len() >= 25, "{name}: {files:?}");

    // Output paths: relative, inside `out`, made of safe components.
    for file in &files {
        let rel = file.strip_prefix(&out_dir).expect("inside out");
        for part in rel.components() {
            let part = part.as_os_str().to_string_lossy();
            assert!(
                safe_component(&part),
                "{name}: unsafe output path {}",
                rel.display()
            );
        }
    }
    let text = |rel: &str| read(&out_dir.join(rel));

    // JSON: every file parses; the jobs and the model carry the exact value.
    let mut all_strings = BTreeSet::new();
    for file in files
        .iter()
        .filter(|f| f.extension().is_some_and(|e| e == "json"))
    {
        let value: serde_json::Value = serde_json::from_str(&read(file))
            .unwrap_or_else(|e| panic!("{name}: {} is not JSON: {e}", file.display()));
        strings(&value, &mut all_strings);
    }
    let job = |rel: &str| -> serde_json::Value { serde_json::from_str(&text(rel)).expect("JSON") };
    let campaign_job = job("jobs/C/7.json");
    assert_eq!(campaign_job["ticket"], h, "{name}");
    assert_eq!(campaign_job["description"], d.as_str(), "{name}");
    let steering = format!("steering/{h}/C.py");
    assert_eq!(campaign_job["steering"], steering.as_str(), "{name}");
    assert_eq!(
        campaign_job["source"]["file"],
        manifest_file.as_str(),
        "{name}"
    );
    let processing_job = job("jobs/P/3-4S-1.json");
    assert_eq!(processing_job["ticket"], h, "{name}");
    assert_eq!(processing_job["description"], h, "{name}");
    let model: serde_json::Value = serde_json::from_str(&text("model.json")).expect("JSON");
    let mut model_strings = BTreeSet::new();
    strings(&model, &mut model_strings);
    assert!(
        model_strings.contains(h),
        "{name}: model.json lacks the value"
    );
    assert!(
        model_strings.contains(&d),
        "{name}: model.json lacks the doc"
    );

    // Logical path names: absolute, safe components, no `.` or `..`.
    let lpns = text("lpn/paths.txt");
    assert!(!lpns.is_empty(), "{name}");
    for line in lpns.lines() {
        let path = line.split_whitespace().next().unwrap_or_default();
        let rest = path
            .strip_prefix('/')
            .unwrap_or_else(|| panic!("{name}: {line}"));
        assert!(rest.split('/').all(safe_component), "{name}: {line}");
    }

    // Docs: no raw HTML from the manifests, no Markdown structure either.
    // (Parts without a letter or digit, such as a fence, are the
    // generator's own line starts too.)
    let after_breaks: Vec<&str> = h
        .split('\n')
        .skip(1)
        .map(str::trim)
        .filter(|s| s.bytes().any(|b| b.is_ascii_alphanumeric()))
        .collect();
    for file in files
        .iter()
        .filter(|f| f.extension().is_some_and(|e| e == "md"))
    {
        let page = read(file);
        let lower = page.to_lowercase();
        for raw in ["<script", "<img"] {
            assert!(
                !lower.contains(raw),
                "{name}: {} contains {raw}",
                file.display()
            );
        }
        assert!(
            !has_live_link(&page, "](javascript:"),
            "{name}: {} links to javascript:",
            file.display()
        );
        for line in page.lines() {
            for part in &after_breaks {
                assert!(
                    !line.trim_start().starts_with(part),
                    "{name}: {} starts a line with `{part}`",
                    file.display()
                );
            }
        }
    }
    mdbook(name, &out_dir.join("docs"), &dir.join("html"));

    // gtplan: payload lists read back as the import format, plan.json parses.
    for file in files.iter().filter(|f| {
        f.extension().is_some_and(|e| e == "txt")
            && f.to_string_lossy().contains("/gtplan/")
            && !f.ends_with("plan.txt")
    }) {
        let list = read(file);
        let (entries, diags) = prodc::syntax::import::parse_import(prodc::source::FileId(0), &list);
        assert!(diags.is_empty(), "{name}: {}: {diags:?}", file.display());
        let lines = list
            .lines()
            .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
            .count();
        assert_eq!(entries.len(), lines, "{name}: {}", file.display());
    }

    // HTCondor submit descriptions: one `key = value` per line.
    for file in files
        .iter()
        .filter(|f| f.extension().is_some_and(|e| e == "sub"))
    {
        for line in read(file).lines() {
            let ok = line.is_empty()
                || line.starts_with('#')
                || line.starts_with("queue ")
                || line.split_once(" = ").is_some_and(|(k, _)| {
                    k.trim()
                        .bytes()
                        .all(|b| b.is_ascii_lowercase() || b == b'_')
                });
            assert!(ok, "{name}: {}: {line}", file.display());
        }
    }

    // Scripts: valid bash, and inert when run.
    let scripts: Vec<&PathBuf> = files
        .iter()
        .filter(|f| f.extension().is_some_and(|e| e == "sh"))
        .collect();
    assert_eq!(scripts.len(), 8, "{name}: {scripts:?}");
    for script in &scripts {
        let out = Command::new("bash")
            .arg("-n")
            .arg(script)
            .output()
            .expect("bash");
        assert!(
            out.status.success(),
            "{name}: {}: {}",
            script.display(),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    // shellcheck takes minutes on a line of 100 kB; bash -n suffices there.
    if h.len() < 10_000 {
        shellcheck(name, &scripts);
    }
    let bin = dir.join("bin");
    std::fs::create_dir_all(&bin).expect("mkdir");
    std::fs::create_dir_all(dir.join("markers")).expect("mkdir");
    for (stub, body) in STUBS {
        std::fs::write(bin.join(stub), format!("#!/usr/bin/env bash\n{body}\n")).expect("write");
        let chmod = Command::new("chmod")
            .arg("+x")
            .arg(bin.join(stub))
            .status()
            .expect("chmod");
        assert!(chmod.success());
    }
    for job in ["C-7", "P-3-4S-1"] {
        run_script(
            &dir,
            &format!("project/out/batch/slurm/{job}.sh"),
            &[],
            &[
                ("SLURM_ARRAY_TASK_ID", Path::new("0")),
                ("SLURM_SUBMIT_DIR", &project),
            ],
        );
        run_script(
            &dir,
            &format!("project/out/batch/lsf/{job}.sh"),
            &[],
            &[("LSB_JOBINDEX", Path::new("2")), ("LS_SUBCWD", &project)],
        );
        run_script(
            &dir,
            &format!("project/out/batch/htcondor/{job}.sh"),
            &["1"],
            &[("PRODC_PROJECT_DIR", &project)],
        );
    }
    run_script(&dir, "project/out/batch/gbasf2/submit.sh", &[], &[]);
    run_script(&dir, "project/out/gtplan/gt/upload.sh", &[], &[]);

    let markers = dir.join("markers");
    let basf2 = calls(&markers, "basf2-C-7-0");
    assert_eq!(basf2.len(), 1, "{name}: basf2 ran once for task 0 of C-7");
    assert_eq!(basf2[0][0], steering, "{name}");
    assert_eq!(basf2[0][2], steering, "{name}: basf2's argument");
    assert_eq!(calls(&markers, "basf2-").len(), 4, "{name}");
    let gbasf2 = calls(&markers, "gbasf2.");
    assert_eq!(gbasf2.len(), 1, "{name}");
    assert_eq!(gbasf2[0][0], steering, "{name}");
    let b2 = calls(&markers, "b2conditionsdb.");
    let create = b2
        .iter()
        .find(|c| c[..2] == ["tag", "create"])
        .unwrap_or_else(|| panic!("{name}: no `tag create` in {b2:?}"));
    assert_eq!(create[2..], ["DEV", "gt", h], "{name}");

    let pwned: Vec<PathBuf> = walk(&dir)
        .into_iter()
        .chain(
            walk(&std::env::current_dir().expect("cwd"))
                .into_iter()
                .take(10_000),
        )
        .filter(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with("PWNED"))
        })
        .collect();
    assert!(pwned.is_empty(), "{name}: a hostile value ran: {pwned:?}");
}

/// Builds the docs with mdBook when it is installed (CI installs it): the
/// HTML must not run anything from the manifests either.
fn mdbook(name: &str, docs: &Path, html: &Path) {
    let Ok(out) = Command::new("mdbook")
        .arg("build")
        .arg(docs)
        .arg("--dest-dir")
        .arg(html)
        .output()
    else {
        eprintln!("mdbook not installed: the HTML of the docs is not checked");
        return;
    };
    assert!(
        out.status.success(),
        "{name}: mdbook: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    for page in walk(html)
        .iter()
        .filter(|f| f.extension().is_some_and(|e| e == "html"))
    {
        let text = read(page);
        for raw in ["<script>alert", "<img src=x", "href=\"javascript:"] {
            assert!(
                !text.contains(raw),
                "{name}: {} contains {raw}",
                page.display()
            );
        }
    }
}

/// Runs shellcheck on the scripts when it is installed (CI installs it).
fn shellcheck(name: &str, scripts: &[&PathBuf]) {
    let Ok(out) = Command::new("shellcheck")
        .args(["-S", "warning"])
        .args(scripts)
        .output()
    else {
        eprintln!("shellcheck not installed: the scripts are only checked with `bash -n`");
        return;
    };
    assert!(
        out.status.success(),
        "{name}: {}",
        String::from_utf8_lossy(&out.stdout)
    );
}

#[test]
fn hostile_text_is_carried_exactly_escaped_in_docs_and_inert_in_scripts() {
    for (name, value) in values() {
        build_and_check(name, &value);
    }
}

// ------------------------------------------------------------- refused

fn codes(config: &str, files: &[(&str, &str)]) -> Vec<String> {
    let mut vfs = MemoryVfs::new().with("Prod.toml", config);
    for (path, text) in files {
        vfs = vfs.with(path, *text);
    }
    let checked = prodc::check(&vfs).expect("loads");
    checked
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(|d| d.code.as_str().to_string())
        .collect()
}

const CONFIG: &str = "[project]\nname = \"t\"\nsource = \"src\"\n";

/// A campaign with its release and layout given.
fn campaign(release: &str, layout: &str) -> String {
    format!(
        "{TAG}{layout}\ncampaign C {{ release = {release} globaltags = [gt] experiment = 1003 beam = Y4S layout = l tier = mdst event_size = 10kB\n sample s {{ event_type = 1264340000 events = 10 production 7 {{ background = BGx1 }} }} }}\n"
    )
}

fn assert_refused(what: &str, name: &str, got: &[String], expected: &[&str]) {
    assert!(!got.is_empty(), "{name}: {what} was accepted");
    assert!(
        got.iter().all(|c| expected.contains(&c.as_str())),
        "{name}: {what} gave {got:?}, expected only {expected:?}"
    );
}

#[test]
fn hostile_text_where_the_language_restricts_strings_is_refused_with_its_code() {
    let plain_layout = "layout l { path = \"/belle/{campaign}/{tier}/sub{block:02}\" }";
    for (name, h) in values() {
        let h_lit = lit(&h);
        let src = |text: String| vec![("src/a.prod", text)];
        let run = |files: Vec<(&str, String)>| {
            let files: Vec<(&str, &str)> = files.iter().map(|(p, t)| (*p, t.as_str())).collect();
            codes(CONFIG, &files)
        };

        // Release strings, constraints and release items: E0501.
        let got = run(src(campaign(&h_lit, plain_layout)));
        assert_refused("a release", name, &got, &["E0501"]);
        let got = run(src(format!("release {h_lit} {{ }}\n")));
        assert_refused("a release item", name, &got, &["E0501"]);
        let got = run(src(format!(
            "globaltag g {{ release = {} }}\n",
            lit(&format!(">= {h}"))
        )));
        assert_refused("a release constraint", name, &got, &["E0501"]);

        // Layout paths: placeholders (E0701) and path components (E0704).
        let layout = format!(
            "layout l {{ path = {} }}",
            lit(&format!("/belle/{h}/{{campaign}}/{{tier}}/sub{{block:02}}"))
        );
        let got = run(src(campaign("\"release-03-01-00\"", &layout)));
        assert_refused("a layout path", name, &got, &["E0701", "E0704"]);
        let skim_layout = format!(
            "layout l {{ path = \"/d/{{processing}}/e{{exp:04}}/{{beam}}/r{{run:05}}/{{tier}}\" skim_path = {} }}",
            lit(&format!("/d/{{processing}}/e{{exp:04}}/{{beam}}/r{{run:05}}/{{skim}}/{h}/{{tier}}"))
        );
        let got = run(src(format!(
            "{TAG}{skim_layout}\nprocessing P {{ release = \"release-03-02-02\" globaltags = [gt] layout = l runs {{ Y4S = [3:1 ..= 3:2] }} tiers = [mdst] skims = [std.hlt_hadron] }}\n"
        )));
        assert_refused("a skim path", name, &got, &["E0701", "E0704"]);

        // Imports: only files inside the project (E0105).
        let got = run(src(format!("globaltag g {{ payloads from {h_lit} }}\n")));
        assert_refused("an import path", name, &got, &["E0105"]);

        // Text revisions are one word: written (E0303) or imported (E0104).
        let got = run(src(format!(
            "globaltag g {{ payload A {{ always rev {h_lit} }} }}\n"
        )));
        assert_refused("a written revision", name, &got, &["E0303"]);
        let word: String = h.split_whitespace().next().unwrap_or("x").to_string();
        if !word.bytes().all(|b| b.is_ascii_alphanumeric()) {
            let got = run(vec![
                (
                    "src/a.prod",
                    "globaltag g { payloads from \"d.txt\" }\n".to_string(),
                ),
                ("src/d.txt", format!("dbstore/A {word} 0,0,-1,-1\n")),
            ]);
            assert_refused("an imported revision", name, &got, &["E0104"]);
        }

        // Enum-typed fields take an entry or its string form only (E0303).
        let got = run(src(format!("skim s {{ kind = {h_lit} }}\n")));
        assert_refused("an enum value", name, &got, &["E0303"]);

        // Names are identifiers: a string or anything else is a syntax error.
        for (what, text) in [
            ("an item name", format!("skim {h_lit} {{ kind = hlt }}\n")),
            ("an item name", format!("skim {h} {{ kind = hlt }}\n")),
            (
                "a reference",
                format!("skim s {{ kind = hlt tiers = [{h}] }}\n"),
            ),
        ] {
            let got = run(src(text));
            assert!(
                got.iter().any(|c| c.starts_with("E01")) || got.iter().any(|c| c == "E0303"),
                "{name}: {what} gave {got:?}"
            );
        }

        // Paths of Prod.toml stay inside the project; names are known (E0107).
        for key in [
            ("project", "source"),
            ("build", "out"),
            ("templates", "dir"),
        ] {
            if !h.starts_with('/') && !h.split('/').any(|c| c == "..") {
                continue;
            }
            let config = format!(
                "[project]\nname = \"t\"\n{}",
                if key.0 == "project" {
                    format!("{} = {}\n", key.1, toml_str(&h))
                } else {
                    format!("[{}]\n{} = {}\n", key.0, key.1, toml_str(&h))
                }
            );
            let got = codes(&config, &[("manifests/a.prod", "skim s { kind = hlt }\n")]);
            assert_refused(&format!("`{}.{}`", key.0, key.1), name, &got, &["E0107"]);
        }
        let config = format!("{CONFIG}[batch]\nschedulers = [{}]\n", toml_str(&h));
        let got = codes(&config, &[]);
        assert_refused("a scheduler", name, &got, &["E0107"]);
        let config = format!("{CONFIG}[build]\ntargets = [{}]\n", toml_str(&h));
        let got = codes(&config, &[]);
        assert_refused("a build target", name, &got, &["E0107"]);
    }
}
