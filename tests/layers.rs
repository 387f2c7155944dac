//! The core is pure: `compiler/clippy.toml` forbids file system, process,
//! environment, clock and printing calls, and only the IO layers (the
//! command line, the project on disk that it shares with the language
//! server, and the language server's transport, standard-library cache, log
//! and project lookup) may allow them. This test keeps the
//! allowances where they belong, so that clippy's check means what it says.

// Tests set up files and print; the core may not (clippy.toml).
#![allow(clippy::disallowed_methods, clippy::disallowed_macros)]

use std::path::Path;

/// The files that may allow the lints, relative to `compiler/src`.
const IO_LAYERS: &[&str] = &["cli/mod.rs", "disk.rs", "lsp/mod.rs", "lsp/state.rs"];

#[test]
fn only_the_io_layers_allow_io() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut found = Vec::new();
    for entry in walkdir::WalkDir::new(&src)
        .into_iter()
        .filter_map(Result::ok)
    {
        if entry.path().extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let text = std::fs::read_to_string(entry.path()).expect("read");
        if text.contains("allow(clippy::disallowed_") {
            let rel = entry.path().strip_prefix(&src).expect("inside");
            found.push(rel.to_string_lossy().replace('\\', "/"));
        }
    }
    found.sort();
    let strays: Vec<&String> = found
        .iter()
        .filter(|f| !IO_LAYERS.contains(&f.as_str()))
        .collect();
    assert!(
        strays.is_empty(),
        "IO allowed outside the IO layers: {strays:?}"
    );
    let config = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("clippy.toml"))
        .expect("compiler/clippy.toml");
    for path in [
        "std::fs::read",
        "std::fs::write",
        "std::process::Command::new",
        "std::io::stdout",
        "std::println",
        "std::eprintln",
        "std::time::SystemTime::now",
    ] {
        assert!(
            config.contains(&format!("\"{path}\"")),
            "clippy.toml does not forbid {path}"
        );
    }
}
