//! Helpers shared by the integration tests.
#![allow(dead_code)] // Each test binary uses a different subset.

use prodc::diagnostics::render::{render_all, HumanStyle, MessageFormat};
use prodc::diagnostics::Diagnostic;
use prodc::project::MemoryVfs;
use prodc::source::Span;
use prodc::source::{Origin, SourceFile, SourceMap};
use prodc::syntax::ast::*;
use prodc::syntax::{parse, Parsed};

/// Parses one file as `name`, returning the source map for rendering.
pub fn parse_named(name: &str, text: &str) -> (SourceMap, Parsed) {
    let mut sources = SourceMap::new();
    let file = sources.add(SourceFile::new(name, text, Origin::Manifest));
    let parsed = parse(file, &sources.get(file).text);
    (sources, parsed)
}

/// Renders diagnostics without colour at a fixed width.
pub fn render(diags: &[Diagnostic], sources: &SourceMap, format: MessageFormat) -> String {
    render_all(diags, sources, format, HumanStyle::default())
}

/// The syntax tree in a compact, reviewable outline: one line per item,
/// entry and nested block, each with its span as `line:col-line:col`.
pub fn tree_outline(sources: &SourceMap, parsed: &Parsed) -> String {
    let mut out = String::new();
    for item in &parsed.unit.items {
        let pos = at(sources, item.span);
        for doc in &item.docs {
            out.push_str(&format!("## {doc}\n"));
        }
        out.push_str(&format!(
            "{} {:?} {pos}\n",
            item.kind.keyword(),
            item.name.name
        ));
        match &item.body {
            ItemBody::Block(block) => outline_block(&mut out, sources, block, 1),
            ItemBody::Enum(entries) => {
                for e in entries {
                    let text = e
                        .text
                        .as_ref()
                        .map(|t| format!(" = {:?}", t.value))
                        .unwrap_or_default();
                    out.push_str(&format!(
                        "  entry {}{text} {}\n",
                        e.name.name,
                        at(sources, e.span)
                    ));
                }
            }
        }
    }
    out
}

fn at(sources: &SourceMap, span: Span) -> String {
    let file = sources.get(span.file);
    let (l1, c1) = file.line_col(span.start);
    let (l2, c2) = file.line_col(span.end);
    format!("@{l1}:{c1}-{l2}:{c2}")
}

fn outline_block(out: &mut String, sources: &SourceMap, block: &Block, depth: usize) {
    let pad = "  ".repeat(depth);
    for entry in &block.entries {
        match entry {
            Entry::Field(f) => out.push_str(&format!(
                "{pad}{} = {} {}\n",
                f.name.name,
                value(&f.value),
                at(sources, f.span)
            )),
            Entry::Map(m) => {
                out.push_str(&format!(
                    "{pad}{} {{}} {}\n",
                    m.name.name,
                    at(sources, m.span)
                ));
                for f in &m.fields {
                    out.push_str(&format!(
                        "{pad}  {} = {} {}\n",
                        f.name.name,
                        value(&f.value),
                        at(sources, f.span)
                    ));
                }
            }
            Entry::Nested(n) => {
                for doc in &n.docs {
                    out.push_str(&format!("{pad}## {doc}\n"));
                }
                let label = match &n.label {
                    Label::Name(i) => i.name.clone(),
                    Label::Id { value, .. } => value.to_string(),
                };
                out.push_str(&format!(
                    "{pad}{} {label} {}\n",
                    n.kind.keyword(),
                    at(sources, n.span)
                ));
                outline_block(out, sources, &n.body, depth + 1);
            }
            Entry::Import(i) => out.push_str(&format!(
                "{pad}payloads from {:?} {}\n",
                i.path.value,
                at(sources, i.span)
            )),
            Entry::Iov(line) => {
                let rev = match &line.rev {
                    Revision::Number(value) => value.to_string(),
                    Revision::Text(s) => format!("{s:?}"),
                };
                out.push_str(&format!(
                    "{pad}iov {} rev {rev} {}\n",
                    iov(&line.iov()),
                    at(sources, line.span)
                ));
            }
        }
    }
}

fn point(p: Point) -> String {
    match p.run {
        Run::Number(r) => format!("{}:{r}", p.exp),
        Run::Last => format!("{}:*", p.exp),
    }
}

fn iov(iov: &LineIov) -> String {
    match *iov {
        LineIov::Closed { start, end } => format!("{} ..= {}", point(start), point(end)),
        LineIov::Open { start } => format!("{} ..", point(start)),
        LineIov::Always => "always".to_string(),
    }
}

fn value(v: &Value) -> String {
    match &v.kind {
        ValueKind::Str(s) => format!("str({s:?})"),
        ValueKind::Int(n) => format!("int({n})"),
        ValueKind::Float(t) => format!("float({t})"),
        ValueKind::Quantity { number, unit } => format!("quantity({number} {unit})"),
        ValueKind::Bool(b) => format!("bool({b})"),
        ValueKind::Path(parts) => {
            format!(
                "path({})",
                parts
                    .iter()
                    .map(|p| p.name.as_str())
                    .collect::<Vec<_>>()
                    .join(".")
            )
        }
        ValueKind::RunPoint(p) => format!("run({})", point((*p).into())),
        ValueKind::Iov(i) => format!("iov({})", iov(&i.kind.into())),
        ValueKind::List(items) => format!(
            "[{}]",
            items.iter().map(value).collect::<Vec<_>>().join(", ")
        ),
        ValueKind::Error => "error".to_string(),
    }
}

/// The shipped project, read into memory so that a test can edit it.
pub fn shipped() -> MemoryVfs {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../manifests");
    let mut vfs = MemoryVfs::new();
    for entry in walkdir::WalkDir::new(&root)
        .into_iter()
        .filter_map(Result::ok)
    {
        if entry.file_type().is_file() {
            let rel = entry
                .path()
                .strip_prefix(&root)
                .expect("inside")
                .to_string_lossy()
                .replace('\\', "/");
            vfs = vfs.with(&rel, std::fs::read(entry.path()).expect("readable"));
        }
    }
    vfs
}

/// Replaces the first `old` after `anchor` in one file.
pub fn edit(vfs: &MemoryVfs, path: &str, anchor: &str, old: &str, new: &str) -> MemoryVfs {
    let text = String::from_utf8(vfs.files[path].clone()).expect("utf-8");
    let (head, tail) = text.split_at(text.find(anchor).expect("anchor present"));
    assert!(
        tail.contains(old),
        "`{old}` not found after `{anchor}` in {path}"
    );
    vfs.clone()
        .with(path, format!("{head}{}", tail.replacen(old, new, 1)))
}

/// Runs the `prodc` binary in `cwd`, without colours, and waits for it.
pub fn prodc(args: &[&str], cwd: &std::path::Path) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_prodc"))
        .args(args)
        .current_dir(cwd)
        .env("NO_COLOR", "1")
        .output()
        .expect("prodc runs")
}

/// Every file below `dir` with its bytes, sorted by path (empty if `dir`
/// does not exist); symlinks are followed from `dir` itself only.
pub fn tree(dir: &std::path::Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e
                .path()
                .strip_prefix(dir)
                .expect("inside")
                .to_string_lossy()
                .into_owned();
            (rel, std::fs::read(e.path()).expect("read"))
        })
        .collect();
    files.sort();
    files
}
