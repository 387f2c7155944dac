//! Writing build outputs: atomically, and only inside the output directory.
//!
//! Everything is written into a fresh temporary directory beside the output
//! directory, which replaces the previous output only once every file is
//! written. A directory that prodc did not create is never replaced.

use crate::emit::Outputs;
use std::io;
use std::path::{Component, Path, PathBuf};

/// Marks a directory as prodc's output, safe to replace.
pub const MARKER: &str = ".prodc-output";

/// Lexically normalises an absolute path (`.` and `..` resolved).
pub fn clean(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// Resolves symlinks of the longest existing prefix of `path`, so that
/// comparisons see through a symlinked output directory.
pub fn resolve(path: &Path) -> PathBuf {
    let path = clean(path);
    let mut existing = path.as_path();
    let mut rest = Vec::new();
    while !existing.exists() {
        match (existing.parent(), existing.file_name()) {
            (Some(parent), Some(name)) => {
                rest.push(name.to_os_string());
                existing = parent;
            }
            _ => return path,
        }
    }
    let mut resolved = existing
        .canonicalize()
        .unwrap_or_else(|_| existing.to_path_buf());
    resolved.extend(rest.iter().rev());
    resolved
}

/// Whether `out` is `source` or contains it (E0106).
pub fn overlaps_source(out: &Path, source: &Path) -> bool {
    let (out, source) = (resolve(out), resolve(source));
    source.starts_with(&out)
}

/// Writes `outputs` into `out`, replacing its previous content atomically.
pub fn write_outputs(out: &Path, outputs: &Outputs) -> io::Result<()> {
    let out = clean(out);
    let parent = out
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."));
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "out".into());
    std::fs::create_dir_all(&parent)?;
    recover_interrupted(&parent, &name, &out)?;
    if out.exists() && !out.join(MARKER).exists() && !is_empty_dir(&out)? {
        return Err(io::Error::other(format!(
            "`{}` exists and was not written by prodc; refusing to replace it (remove it or choose another --out)",
            out.display()
        )));
    }
    let tmp = parent.join(format!(".{name}.prodc-tmp-{}", std::process::id()));
    let old = parent.join(format!(".{name}.prodc-old-{}", std::process::id()));
    let result = write_tree(&tmp, outputs).and_then(|()| swap_into_place(&tmp, &old, &out));
    if result.is_err() {
        let _ = std::fs::remove_dir_all(&tmp);
    }
    result
}

/// Repairs what a build killed mid-way can leave behind: a temporary tree
/// (removed) and, if it died between its two renames, the previous output
/// moved aside (put back, so that nothing the user had is lost).
fn recover_interrupted(parent: &Path, name: &str, out: &Path) -> io::Result<()> {
    let tmp_prefix = format!(".{name}.prodc-tmp-");
    let old_prefix = format!(".{name}.prodc-old-");
    for entry in std::fs::read_dir(parent)?.filter_map(Result::ok) {
        let file = entry.file_name().to_string_lossy().into_owned();
        if file.starts_with(&tmp_prefix) {
            std::fs::remove_dir_all(entry.path())?;
        } else if file.starts_with(&old_prefix) {
            if out.exists() {
                std::fs::remove_dir_all(entry.path())?;
            } else {
                std::fs::rename(entry.path(), out)?;
            }
        }
    }
    Ok(())
}

fn is_empty_dir(path: &Path) -> io::Result<bool> {
    Ok(path.is_dir() && std::fs::read_dir(path)?.next().is_none())
}

fn write_tree(dir: &Path, outputs: &Outputs) -> io::Result<()> {
    if dir.exists() {
        std::fs::remove_dir_all(dir)?;
    }
    std::fs::create_dir_all(dir)?;
    std::fs::write(
        dir.join(MARKER),
        "This directory is written by prodc and replaced by every build.\n",
    )?;
    // Every directory once, then the files on all cores: a large build
    // writes tens of thousands of files, and creating a file costs the
    // kernel more than writing its bytes.
    let mut dirs = std::collections::BTreeSet::new();
    for rel in outputs.keys() {
        if let Some(parent) = contained(dir, rel)?.parent() {
            dirs.insert(parent.to_path_buf());
        }
    }
    for parent in &dirs {
        std::fs::create_dir_all(parent)?;
    }
    use rayon::prelude::*;
    outputs
        .par_iter()
        .try_for_each(|(rel, bytes)| write_file(&contained(dir, rel)?, bytes, rel.ends_with(".sh")))
}

/// Writes one new file; scripts are created executable.
fn write_file(path: &Path, bytes: &[u8], executable: bool) -> io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(if executable { 0o755 } else { 0o644 });
    }
    let mut file = options.open(path)?;
    file.write_all(bytes)?;
    if executable {
        // The mode given at creation is reduced by the umask; scripts must
        // be executable whatever it is.
        make_executable(path)?;
    }
    Ok(())
}

/// Joins an output-relative path, refusing any that would leave `dir`.
fn contained(dir: &Path, rel: &str) -> io::Result<PathBuf> {
    let ok = !rel.is_empty()
        && Path::new(rel)
            .components()
            .all(|c| matches!(c, Component::Normal(_)));
    if ok {
        Ok(dir.join(rel))
    } else {
        Err(io::Error::other(format!(
            "refusing to write `{rel}` outside the output directory"
        )))
    }
}

#[cfg(unix)]
fn make_executable(path: &Path) -> io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755))
}

#[cfg(not(unix))]
fn make_executable(_: &Path) -> io::Result<()> {
    Ok(())
}

fn swap_into_place(tmp: &Path, old: &Path, out: &Path) -> io::Result<()> {
    if out.exists() {
        if old.exists() {
            std::fs::remove_dir_all(old)?;
        }
        std::fs::rename(out, old)?;
        if let Err(err) = std::fs::rename(tmp, out) {
            // Put the previous output back so that nothing is lost.
            std::fs::rename(old, out)?;
            return Err(err);
        }
        std::fs::remove_dir_all(old)
    } else {
        std::fs::rename(tmp, out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_that_leave_the_directory_are_refused() {
        let dir = Path::new("/tmp/x");
        assert!(contained(dir, "a/b.json").is_ok());
        assert!(contained(dir, "../b").is_err());
        assert!(contained(dir, "/etc/passwd").is_err());
        assert!(contained(dir, "").is_err());
    }

    #[test]
    fn overlap_means_out_is_or_contains_source() {
        assert!(overlaps_source(Path::new("/p"), Path::new("/p")));
        assert!(overlaps_source(Path::new("/p"), Path::new("/p/src")));
        assert!(!overlaps_source(Path::new("/p/out"), Path::new("/p")));
    }
}
