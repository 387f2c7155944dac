//! The standard library as files an editor can open.
//!
//! `std.` items live in the binary, not in the project. So that "go to
//! definition" of `std.kekcc_data` (or of an enum value such as `Y4S`)
//! leads somewhere in every editor, without a custom URI scheme that each
//! client would have to learn, the embedded files are written once, read
//! only, to `$XDG_CACHE_HOME/prodc/std-VERSION/` (or `~/.cache/…`), and
//! definitions point there. Without a cache directory there is no
//! definition for `std.` items; hover still shows them.

use crate::project::Project;
use crate::source::Origin;
use std::path::{Path, PathBuf};

/// The user's cache directory (`$XDG_CACHE_HOME`, else `~/.cache`).
pub fn cache_dir() -> Option<PathBuf> {
    let absolute = |v: std::ffi::OsString| {
        let p = PathBuf::from(v);
        p.is_absolute().then_some(p)
    };
    std::env::var_os("XDG_CACHE_HOME")
        .and_then(absolute)
        .or_else(|| {
            std::env::var_os("HOME")
                .and_then(absolute)
                .map(|h| h.join(".cache"))
        })
}

/// The file name of a standard library file (`<std>/enums.prod` → `enums.prod`).
pub fn file_name(name: &str) -> &str {
    name.strip_prefix("<std>/").unwrap_or(name)
}

/// Writes the standard library's files of `project` below the cache
/// directory `cache`, where definitions can point; returns their
/// directory, or `None` (logged) when that fails.
pub fn materialize(project: &Project, cache: &Path) -> Option<PathBuf> {
    let dir = cache
        .join("prodc")
        .join(format!("std-{}", env!("CARGO_PKG_VERSION")));
    for (_, file) in project.sources.files() {
        if file.origin != Origin::Std {
            continue;
        }
        let path = dir.join(file_name(&file.name));
        if let Err(err) = write_read_only(&path, &file.text) {
            say!(
                "prodc lsp: cannot write the standard library to `{}`: {err}",
                path.display()
            );
            return None;
        }
    }
    Some(dir)
}

fn write_read_only(path: &Path, text: &str) -> std::io::Result<()> {
    if std::fs::read(path).is_ok_and(|old| old == text.as_bytes()) {
        return Ok(());
    }
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    // A read-only file of an older run cannot be overwritten in place.
    let _ = std::fs::remove_file(path);
    std::fs::write(path, text)?;
    let mut permissions = std::fs::metadata(path)?.permissions();
    permissions.set_readonly(true);
    std::fs::set_permissions(path, permissions)
}
