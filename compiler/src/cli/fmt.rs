//! `prodc fmt [--check] [PROJECT|FILE…]`: rewrites `.prod` files in the
//! canonical layout, or with `--check` lists those that would change.
//! Exit 0 formatted (or nothing to change), 1 files would change or have
//! syntax errors, 2 usage or I/O failure.

use super::DiskVfs;
use crate::diagnostics::render::MessageFormat;
use crate::fmt::format;
use crate::project::{parse_config, Vfs};
use crate::source::{Origin, SourceFile, SourceMap};
use std::io::Write;
use std::path::{Path, PathBuf};

/// The `.prod` files named: a project directory stands for its sources.
fn files(targets: &[PathBuf]) -> Result<Vec<PathBuf>, String> {
    let mut files = Vec::new();
    for target in targets {
        if target.is_dir() {
            let vfs = DiskVfs::open(target)
                .map_err(|e| format!("cannot open `{}`: {e}", target.display()))?;
            let config = vfs.read("Prod.toml", 1 << 20).ok().and_then(|bytes| {
                let text = String::from_utf8(bytes).ok()?;
                parse_config(crate::source::FileId(0), &text).ok()
            });
            let source = config
                .as_ref()
                .map_or(".".to_string(), |c| c.project.source.get_ref().clone());
            let skip: Vec<String> = config
                .iter()
                .map(|c| c.build.out.get_ref().clone())
                .collect();
            let dir = crate::project::normalize("", &source).unwrap_or_default();
            let listed = vfs
                .list_prod_files(&dir, &skip)
                .map_err(|e| format!("cannot list `{}`: {e}", target.display()))?;
            for rel in listed {
                // The listing names links that lead out of the project (or
                // nowhere) for `check` to report; `fmt` writes none of them.
                let path = target.join(&rel);
                let inside = path
                    .canonicalize()
                    .is_ok_and(|p| p.starts_with(vfs.canonical_root()));
                if !inside {
                    return Err(format!(
                        "`{}` is a link that leads outside the project or nowhere; `prodc fmt` writes only inside the project (format the file itself, or remove the link)",
                        path.display()
                    ));
                }
                files.push(path);
            }
        } else {
            files.push(target.clone());
        }
    }
    Ok(files)
}

/// Writes `text` to `path` through a temporary file and a rename, so that a
/// failure never leaves a half-written manifest. A symlinked manifest is
/// written where the link points (the link stays a link), and the file
/// keeps its permissions.
fn write_atomically(path: &Path, text: &str) -> std::io::Result<()> {
    let path = path.canonicalize()?;
    let permissions = std::fs::metadata(&path)?.permissions();
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = path.with_file_name(format!(".{name}.prodc-fmt-{}", std::process::id()));
    let written = create_new_with(&tmp, &permissions)
        .and_then(|mut file| file.write_all(text.as_bytes()))
        .and_then(|()| std::fs::set_permissions(&tmp, permissions))
        .and_then(|()| std::fs::rename(&tmp, &path));
    written.inspect_err(|_| {
        let _ = std::fs::remove_file(&tmp);
    })
}

/// Creates the temporary file new (never through a link planted at its
/// name) and, on Unix, with the manifest's mode from the start, so that the
/// new text of a private manifest is never readable by others.
fn create_new_with(
    path: &Path,
    permissions: &std::fs::Permissions,
) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
        options.mode(permissions.mode() & 0o7777);
    }
    #[cfg(not(unix))]
    let _ = permissions;
    options.open(path)
}

pub fn run_fmt(targets: &[PathBuf], check: bool, format_kind: MessageFormat) -> u8 {
    let targets = if targets.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        targets.to_vec()
    };
    let files = match files(&targets) {
        Ok(files) => files,
        Err(msg) => {
            say!("error: {msg}");
            return 2;
        }
    };
    let mut sources = SourceMap::new();
    let mut diagnostics = Vec::new();
    let mut changed = Vec::new();
    for path in &files {
        let read =
            crate::disk::read_regular(path, crate::project::MAX_FILE_BYTES).and_then(|bytes| {
                String::from_utf8(bytes).map_err(|_| {
                    crate::project::ReadError::Io("the file is not valid UTF-8".into())
                })
            });
        let text = match read {
            Ok(text) => text,
            Err(err) => {
                say!("error: cannot read `{}`: {err}", path.display());
                return 2;
            }
        };
        let file = sources.add(SourceFile::new(
            path.display().to_string(),
            text.clone(),
            Origin::Manifest,
        ));
        match format(file, &text) {
            Ok(formatted) if formatted != text => {
                if !check {
                    if let Err(err) = write_atomically(path, &formatted) {
                        say!(
                            "error: cannot write `{}`: {}",
                            path.display(),
                            err.to_string().to_lowercase()
                        );
                        return 2;
                    }
                }
                changed.push(path.display().to_string());
            }
            Ok(_) => {}
            Err(diags) => diagnostics.extend(diags),
        }
    }
    let (text, note) = super::render_shown(&diagnostics, &sources, format_kind);
    let _ = std::io::stderr().write_all(text.as_bytes());
    if let Some(note) = note {
        let _ = std::io::stderr().write_all(note.as_bytes());
    }
    let mut out = std::io::stdout().lock();
    for path in &changed {
        let verb = if check {
            "would reformat"
        } else {
            "reformatted"
        };
        let _ = writeln!(out, "{verb} {path}");
    }
    if !diagnostics.is_empty() || (check && !changed.is_empty()) {
        1
    } else {
        0
    }
}
