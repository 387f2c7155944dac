//! Rendering stays bounded and safe whatever the input: the snippet of a
//! line of megabytes is a window of the terminal's width, diagnostics on one
//! long line each cost output that depends neither on the line's length nor
//! on how many share it, JSON columns on such a line stay exact, and no
//! control character of a file, a file name or a message reaches a terminal
//! raw in any format.

// Tests and benchmarks set up files, run programs and print; the core may not (clippy.toml).
#![allow(clippy::disallowed_methods, clippy::disallowed_macros)]

use prodc::diagnostics::escape::is_escaped;
use prodc::diagnostics::render::{render_all, HumanStyle, MessageFormat};
use prodc::diagnostics::{Code, Diagnostic, Label};
use prodc::project::MemoryVfs;
use prodc::source::{FileId, Origin, SourceFile, SourceMap, Span};
use std::path::Path;
use std::process::Command;

const CONFIG: &str = "[project]\nname = \"render\"\nsource = \"src\"\n";
const WIDTH: usize = 100;

/// Output of one diagnostic may take this many bytes at most: a dozen lines
/// of at most twice the width, in three-byte box-drawing characters.
const PER_DIAGNOSTIC: usize = 40 * WIDTH;

fn style() -> HumanStyle {
    HumanStyle {
        color: false,
        width: WIDTH,
    }
}

/// The widest line of `text`, in characters.
fn widest(text: &str) -> usize {
    text.lines().map(|l| l.chars().count()).max().unwrap_or(0)
}

/// SplitMix64: deterministic, so that a failure names its case.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

#[test]
fn a_ten_megabyte_line_shows_a_window_around_its_error() {
    let line = format!(
        "skim s {{ wg = \"{}\" kind = @ }}",
        "x".repeat(10 * 1024 * 1024)
    );
    let at = line.find('@').expect("has @");
    let vfs = MemoryVfs::new()
        .with("Prod.toml", CONFIG)
        .with("src/long.prod", format!("# first\n{line}\n# last\n"));
    let checked = prodc::check(&vfs).expect("loads");
    let sources = &checked.project.sources;
    let diags = &checked.diagnostics;
    assert!(
        diags.iter().any(|d| d.code == Code::E0109),
        "the `@` is reported: {diags:?}"
    );
    let human = render_all(diags, sources, MessageFormat::Human, style());
    assert!(
        human.len() <= diags.len() * PER_DIAGNOSTIC,
        "{} bytes for {} diagnostics",
        human.len(),
        diags.len()
    );
    assert!(widest(&human) <= 2 * WIDTH, "{human}");
    // The header names the real position; the window shows the `@`.
    assert!(
        human.contains(&format!("[src/long.prod:2:{}]", at + 1)),
        "{human}"
    );
    let shown = human
        .lines()
        .find(|l| l.starts_with(" 2 │ "))
        .expect("line 2 is shown");
    assert!(shown.starts_with(" 2 │ …xxxx"), "{shown}");
    assert!(shown.ends_with("xxxx\" kind = @ }"), "{shown}");
    let json = render_all(diags, sources, MessageFormat::Json, style());
    assert!(
        json.contains(&format!("\"line\":2,\"column\":{}", at + 1)),
        "{json}"
    );
}

/// One line of `len` bytes of mixed one- and two-byte characters, with `n`
/// diagnostics evenly spread over it, each with a second label half a line
/// away.
fn crowded_line(len: usize, n: usize) -> (SourceMap, Vec<Diagnostic>) {
    let mut text = "skim a { kind = µ } ".repeat(len / 21);
    text.push('\n');
    let mut sources = SourceMap::new();
    let file = sources.add(SourceFile::new("src/crowded.prod", text, Origin::Manifest));
    let text = &sources.get(file).text;
    let step = text.len() / (n + 1);
    let diags = (1..=n)
        .map(|i| {
            let at = floor_boundary(text, i * step);
            let far = floor_boundary(text, (at + text.len() / 2) % (text.len() - 1));
            Diagnostic::new(
                Code::E0109,
                "unexpected character",
                Span::new(file, at, at + 1),
                "here",
            )
            .with_label(Span::new(file, far, far + 2), "and there")
        })
        .collect();
    (sources, diags)
}

fn floor_boundary(text: &str, mut at: usize) -> usize {
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

#[test]
fn human_output_of_many_diagnostics_on_one_line_grows_with_their_number_only() {
    let size = |len: usize, n: usize| {
        let (sources, diags) = crowded_line(len, n);
        let out = render_all(&diags, &sources, MessageFormat::Human, style());
        assert!(widest(&out) <= 2 * WIDTH, "{}", widest(&out));
        out.len()
    };
    let base = size(2_000_000, 1000);
    assert!(base <= 1000 * PER_DIAGNOSTIC, "{base} bytes");
    // Twice the diagnostics, twice the output; a line ten times longer,
    // the same output (only the line numbers' digits may differ).
    let double = size(2_000_000, 2000);
    assert!(
        double <= 2 * base + PER_DIAGNOSTIC,
        "{double} against {base}"
    );
    let longer = size(20_000_000, 1000);
    assert!(longer <= base + base / 20, "{longer} against {base}");
}

#[test]
fn json_of_many_diagnostics_on_one_line_is_exact_and_linear() {
    let n = 50_000;
    let (sources, diags) = crowded_line(2_000_000, n);
    let text = &sources.get(FileId(0)).text;
    let out = render_all(&diags, &sources, MessageFormat::Json, style());
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), n);
    let longest = lines.iter().map(|l| l.len()).max().unwrap_or(0);
    assert!(longest < 1000, "{longest}");
    // Columns count characters from the line's start, as before.
    for i in (0..n).step_by(997) {
        let v: serde_json::Value = serde_json::from_str(lines[i]).expect("valid json");
        for (label, key) in [(&diags[i].primary, ""), (&diags[i].secondary[0], "labels")] {
            let start = label.span.start as usize;
            let end = floor_boundary(text, label.span.end as usize);
            let column = text[..start].chars().count() + 1;
            let end_column = text[..end].chars().count() + 1;
            let at = if key.is_empty() { &v } else { &v["labels"][1] };
            assert_eq!(at["column"].as_u64(), Some(column as u64), "{}", lines[i]);
            assert_eq!(at["end_column"].as_u64(), Some(end_column as u64));
        }
    }
}

#[test]
fn the_binary_prints_a_bounded_report_for_a_line_of_a_million_errors() {
    let project = Path::new(env!("CARGO_TARGET_TMPDIR")).join("million-errors");
    let _ = std::fs::remove_dir_all(&project);
    std::fs::create_dir_all(project.join("src")).expect("mkdir");
    std::fs::write(project.join("Prod.toml"), CONFIG).expect("write");
    let line = format!("skim s {{ kind = hlt {}}}\n", "@ ".repeat(1_000_000));
    std::fs::write(project.join("src/a.prod"), line).expect("write");
    let out = Command::new(env!("CARGO_BIN_EXE_prodc"))
        .arg("check")
        .current_dir(&project)
        .output()
        .expect("prodc runs");
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("999800 more diagnostics not shown"),
        "{}",
        &stderr[stderr.len().saturating_sub(500)..]
    );
    // 200 shown, each a window of the line: before, each printed the
    // line whole, 400 MB in all.
    assert!(
        stderr.len() <= 200 * PER_DIAGNOSTIC,
        "{} bytes",
        stderr.len()
    );
}

/// Pieces of hostile text: terminal escapes, CR, NUL, DEL, C1 (CSI),
/// bidi overrides and isolates, marks, separators, the characters GitHub
/// commands use, and ordinary text.
const PIECES: &[&str] = &[
    "\u{1b}[31m",
    "\u{1b}]8;;http://x\u{7}",
    "\u{1b}[2J",
    "\r",
    "\n",
    "\r\n",
    "\t",
    "\0",
    "\u{7f}",
    "\u{85}",
    "\u{9b}2J",
    "\u{202e}",
    "\u{202a}",
    "\u{2066}",
    "\u{2069}",
    "\u{200e}",
    "\u{200f}",
    "\u{61c}",
    "\u{2028}",
    "\u{2029}",
    "%",
    "%0A",
    ":",
    ",",
    "::error::",
    "µ",
    "日本",
    "skim a { kind = hlt }",
    " ",
    "x",
];

fn hostile(rng: &mut Rng, pieces: usize) -> String {
    let mut s = String::new();
    for _ in 0..1 + rng.below(pieces) {
        if rng.below(40) == 0 {
            // Now and then a long run, so that windows are cut too.
            s.push_str(&"y".repeat(300 + rng.below(3000)));
        }
        s.push_str(PIECES[rng.below(PIECES.len())]);
    }
    s
}

/// A random byte offset of `text` on a character boundary.
fn offset(rng: &mut Rng, text: &str) -> usize {
    floor_boundary(text, rng.below(text.len() + 1))
}

#[test]
fn no_control_character_reaches_the_terminal_raw() {
    let mut rng = Rng(0xC0DE);
    for case in 0..400 {
        let mut sources = SourceMap::new();
        let files: Vec<FileId> = (0..2)
            .map(|_| {
                sources.add(SourceFile::new(
                    hostile(&mut rng, 4),
                    hostile(&mut rng, 60),
                    Origin::Manifest,
                ))
            })
            .collect();
        let span = |rng: &mut Rng| {
            let file = files[rng.below(files.len())];
            let text = &sources.get(file).text;
            let a = offset(rng, text);
            let b = offset(rng, text);
            Span::new(file, a.min(b), a.max(b).min(a.min(b) + rng.below(50)))
        };
        let diags: Vec<Diagnostic> = (0..1 + rng.below(4))
            .map(|_| {
                let mut d = Diagnostic::new(
                    Code::E0109,
                    hostile(&mut rng, 6),
                    span(&mut rng),
                    hostile(&mut rng, 3),
                );
                for _ in 0..rng.below(4) {
                    d.secondary.push(Label {
                        span: span(&mut rng),
                        message: (rng.below(3) > 0).then(|| hostile(&mut rng, 3)),
                    });
                }
                if rng.below(2) == 0 {
                    d = d.with_help(hostile(&mut rng, 6));
                }
                d
            })
            .collect();
        let human = render_all(&diags, &sources, MessageFormat::Human, style());
        let raw: Vec<char> = human.chars().filter(|&c| is_escaped(c)).collect();
        assert!(raw.is_empty(), "case {case}: {raw:?} in\n{human}");
        // A file name with a line break stays on its snippet's header line.
        for header in human.lines().filter(|l| l.contains("╭─[")) {
            assert!(header.ends_with(']'), "case {case}: {header:?}");
        }

        let github = render_all(&diags, &sources, MessageFormat::Github, style());
        assert_eq!(github.matches('\n').count(), diags.len(), "case {case}");
        for line in github.lines() {
            assert!(line.starts_with("::error file="), "case {case}: {line}");
            assert!(!line.chars().any(is_escaped), "case {case}: {line:?}");
        }

        let json = render_all(&diags, &sources, MessageFormat::Json, style());
        assert!(!json.chars().any(is_escaped), "case {case}: {json:?}");
        for (line, diag) in json.lines().zip(&diags) {
            let v: serde_json::Value = serde_json::from_str(line).expect("valid json");
            // Escaped in the output, the text is still the same text.
            assert_eq!(v["message"].as_str(), Some(diag.message.as_str()));
            assert_eq!(
                v["file"].as_str(),
                Some(sources.get(diag.primary.span.file).name.as_str())
            );
        }
    }
}

#[test]
fn a_long_line_renders_as_reviewed() {
    let long = format!(
        "  description = \"{}\u{1b}[2J \u{202e}txet\" id = @",
        "long text ".repeat(100)
    );
    let text = format!("globaltag g {{\n{long}\n}}\n");
    let mut sources = SourceMap::new();
    let file = sources.add(SourceFile::new(
        "src/g.prod",
        text.as_str(),
        Origin::Manifest,
    ));
    let at = text.find('@').expect("has @");
    let description = text.find("description").expect("has description");
    let diags = [Diagnostic::new(
        Code::E0109,
        "unexpected character `@`",
        Span::new(file, at, at + 1),
        "this character starts no token",
    )
    .with_label(
        Span::new(file, description, description + "description".len()),
        "in this field",
    )
    .with_help("remove it\u{1b}[31m")];
    insta::assert_snapshot!(render_all(
        &diags,
        &sources,
        MessageFormat::Human,
        HumanStyle {
            color: false,
            width: 80
        }
    ));
}
