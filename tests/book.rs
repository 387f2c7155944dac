//! The book and the compiler agree: every code has a page headed with its
//! title, the summary and the index link every page, and every `prod`
//! example in the book behaves as it claims.

// Tests and benchmarks set up files, run programs and print; the core may not (clippy.toml).
#![allow(clippy::disallowed_methods, clippy::disallowed_macros)]

use prodc::diagnostics::Code;
use prodc::project::MemoryVfs;
use std::path::{Path, PathBuf};

fn book() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../book/src")
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn every_code_has_a_page_headed_with_its_title() {
    for &code in Code::ALL {
        let page = read(&book().join(format!("errors/{code}.md")));
        assert_eq!(page, code.page(), "{code}: the embedded page is stale");
        let heading = page.lines().next().unwrap_or("");
        assert_eq!(heading, format!("# {code}: {}", code.title()), "{code}");
        for section in ["## Example", "## How to fix"] {
            assert!(page.contains(section), "{code}: the page lacks `{section}`");
        }
    }
}

#[test]
fn every_page_belongs_to_a_code_and_is_linked() {
    let summary = read(&book().join("SUMMARY.md"));
    let index = read(&book().join("errors/index.md"));
    for entry in std::fs::read_dir(book().join("errors")).expect("errors dir") {
        let name = entry
            .expect("entry")
            .file_name()
            .to_string_lossy()
            .into_owned();
        if name == "index.md" {
            continue;
        }
        let code = name.trim_end_matches(".md");
        assert!(
            Code::parse(code).is_some(),
            "{name} documents no code of the compiler"
        );
        assert!(
            summary.contains(&format!("(errors/{name})")),
            "SUMMARY.md does not link {name}"
        );
        assert!(
            index.contains(&format!("({name})")),
            "errors/index.md does not link {name}"
        );
    }
}

/// Codes whose checks exist; a book example claiming one of them must
/// raise it. Later phases add their codes here as they land.
const CHECKED: &[&str] = &[
    "E0101", "E0102", "E0103", "E0104", "E0105", "E0107", "E0108", "E0109", "E0110", "E0111",
    "E0112", "E0113", "E0114", "E0201", "E0202", "E0203", "E0301", "E0302", "E0303", "E0304",
    "E0305", "E0306", "E0307", "E0308", "E0401", "E0402", "E0403", "E0404", "E0405", "E0406",
    "E0407", "E0408", "W0410", "E0411", "E0115", "E0414", "E0501", "E0502", "E0504", "W0505",
    "E0506", "E0507", "E0601", "E0602", "E0603", "E0604", "E0605", "E0701", "E0702", "E0703",
    "E0704", "E0705", "E0801", "E0802", "E0803", "W0804", "E0805", "E0806", "E0309",
];

/// The ```prod blocks of a Markdown text: (info string, code).
fn prod_blocks(text: &str) -> Vec<(String, String)> {
    let mut blocks = Vec::new();
    let mut current: Option<(String, String)> = None;
    for line in text.lines() {
        match &mut current {
            None => {
                if let Some(info) = line.trim_start().strip_prefix("```prod") {
                    current = Some((info.trim().to_string(), String::new()));
                }
            }
            Some((_, code)) if line.trim_start().starts_with("```") => {
                let _ = code;
                blocks.push(current.take().expect("inside a block"));
            }
            Some((_, code)) => {
                code.push_str(line);
                code.push('\n');
            }
        }
    }
    blocks
}

fn check_snippet(code: &str) -> Vec<Code> {
    let vfs = MemoryVfs::new()
        .with(
            "Prod.toml",
            "[project]\nname = \"book\"\nsource = \"src\"\n",
        )
        .with("src/example.prod", code);
    let checked = prodc::check(&vfs).expect("loads");
    checked.diagnostics.iter().map(|d| d.code).collect()
}

#[test]
fn prod_examples_in_the_book_behave_as_marked() {
    let mut pages: Vec<PathBuf> = walkdir::WalkDir::new(book())
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "md"))
        .map(|e| e.into_path())
        .collect();
    pages.sort();
    let mut checked_blocks = 0;
    for page in pages {
        for (info, code) in prod_blocks(&read(&page)) {
            let errors = check_snippet(&code);
            let name = page
                .strip_prefix(book())
                .expect("inside")
                .display()
                .to_string();
            match info.strip_prefix(",fails=") {
                Some(expected) if CHECKED.contains(&expected) => {
                    assert!(
                        errors.iter().any(|c| c.as_str() == expected),
                        "{name}: the example should raise {expected}, got {errors:?}\n{code}"
                    );
                }
                Some(expected) => {
                    // Not checked yet: the example must at least parse.
                    assert!(
                        Code::parse(expected).is_some(),
                        "{name}: unknown code {expected}"
                    );
                    assert!(
                        errors.is_empty(),
                        "{name}: example for {expected} has errors {errors:?}\n{code}"
                    );
                }
                None => assert!(
                    errors.is_empty(),
                    "{name}: example should be clean, got {errors:?}\n{code}"
                ),
            }
            checked_blocks += 1;
        }
    }
    assert!(
        checked_blocks > 50,
        "only {checked_blocks} prod blocks found"
    );
}

#[test]
fn the_standard_library_chapter_documents_every_std_item() {
    let page = read(&book().join("stdlib.md"));
    let vfs = MemoryVfs::new().with(
        "Prod.toml",
        "[project]\nname = \"book\"\nsource = \"src\"\n",
    );
    let checked = prodc::check(&vfs).expect("loads");
    let mut count = 0;
    for file in checked.project.files.iter().filter(|f| f.is_std) {
        for item in &file.unit.items {
            let name = format!("`std.{}`", item.name.name);
            assert!(
                page.contains(&name),
                "book/src/stdlib.md does not document {name}"
            );
            count += 1;
        }
    }
    assert!(count >= 28, "only {count} std items found");
}

/// The human rendering of a snippet's diagnostics, as `prodc check` shows it.
fn rendered(code: &str) -> String {
    let vfs = MemoryVfs::new()
        .with("Prod.toml", "[project]\nname = \"book\"\nsource = \".\"\n")
        .with("example.prod", code);
    let checked = prodc::check(&vfs).expect("loads");
    prodc::diagnostics::render::render_all(
        &checked.diagnostics,
        &checked.project.sources,
        prodc::diagnostics::render::MessageFormat::Human,
        prodc::diagnostics::render::HumanStyle {
            color: false,
            width: 80,
        },
    )
    .trim_end()
    .to_string()
}

/// Every error page with a failing `prod` example shows the error that the
/// example really gives, under `## The error`. Run with `UPDATE_BOOK=1` to
/// rewrite the sections after a change of the compiler's messages.
#[test]
fn error_pages_show_the_rendered_error_of_their_example() {
    let update = std::env::var_os("UPDATE_BOOK").is_some();
    let mut stale = Vec::new();
    for &code in Code::ALL {
        let path = book().join(format!("errors/{code}.md"));
        let page = read(&path);
        let Some((_, example)) = prod_blocks(&page)
            .into_iter()
            .find(|(info, _)| info.starts_with(",fails="))
        else {
            continue;
        };
        if !CHECKED.contains(&code.as_str()) {
            continue;
        }
        let section = format!("## The error\n\n```text\n{}\n```\n\n", rendered(&example));
        let expected = match (page.find("## The error\n"), page.find("## How to fix")) {
            (Some(start), Some(end)) if start < end => {
                format!("{}{section}{}", &page[..start], &page[end..])
            }
            (None, Some(end)) => format!("{}{section}{}", &page[..end], &page[end..]),
            _ => panic!("{code}: the page lacks `## How to fix`"),
        };
        if expected != page {
            if update {
                std::fs::write(&path, &expected).expect("write page");
            } else {
                stale.push(code.as_str());
            }
        }
    }
    assert!(
        stale.is_empty(),
        "pages whose `## The error` is missing or stale (run with UPDATE_BOOK=1): {stale:?}"
    );
}

/// Relative links between the book's pages lead to pages that exist (and
/// to headings that exist, for `page.md#anchor`).
#[test]
fn internal_links_resolve() {
    let pages: Vec<PathBuf> = walkdir::WalkDir::new(book())
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "md"))
        .map(|e| e.into_path())
        .collect();
    let anchor_of = |heading: &str| -> String {
        heading
            .trim_start_matches('#')
            .trim()
            .to_lowercase()
            .chars()
            .filter(|c| c.is_alphanumeric() || *c == ' ' || *c == '-' || *c == '_')
            .map(|c| if c == ' ' { '-' } else { c })
            .collect()
    };
    let mut checked = 0;
    for page in &pages {
        let text = read(page);
        let mut rest = text.as_str();
        while let Some(at) = rest.find("](") {
            rest = &rest[at + 2..];
            let Some(end) = rest.find(')') else { break };
            let target = &rest[..end];
            if target.contains("://") || target.starts_with('#') || target.starts_with("mailto:") {
                continue;
            }
            let (file, anchor) = target.split_once('#').unwrap_or((target, ""));
            let linked = page.parent().expect("a directory").join(file);
            assert!(
                linked.exists(),
                "{}: link to missing `{target}`",
                page.display()
            );
            if !anchor.is_empty() {
                let headings: Vec<String> = read(&linked)
                    .lines()
                    .filter(|l| l.starts_with('#'))
                    .map(anchor_of)
                    .collect();
                assert!(
                    headings.iter().any(|h| h == anchor),
                    "{}: no heading `#{anchor}` in {file}",
                    page.display()
                );
            }
            checked += 1;
        }
    }
    assert!(checked > 100, "only {checked} links checked");
}
