//! The project on disk: a [`Vfs`] that never reads outside the project root,
//! shared by the command line and the language server, the two IO layers.

// The disk is what this module is for (`clippy.toml` forbids it elsewhere).
#![allow(clippy::disallowed_methods)]

use crate::project::{ReadError, Vfs};
use std::path::{Path, PathBuf};
use walkdir::WalkDir;

/// A project directory on disk.
#[derive(Debug, Clone)]
pub struct DiskVfs {
    root: PathBuf,
    /// The canonical root, to catch symlinks that lead out of the project.
    canonical_root: PathBuf,
}

impl DiskVfs {
    /// Opens a project directory; fails when it is not a readable directory.
    pub fn open(root: &Path) -> std::io::Result<DiskVfs> {
        let canonical_root = root.canonicalize()?;
        if !canonical_root.is_dir() {
            return Err(std::io::Error::new(
                std::io::ErrorKind::NotADirectory,
                "not a directory",
            ));
        }
        Ok(DiskVfs {
            root: root.to_path_buf(),
            canonical_root,
        })
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    pub fn canonical_root(&self) -> &Path {
        &self.canonical_root
    }

    fn inside(&self, path: &Path) -> Result<PathBuf, ReadError> {
        let canonical = path.canonicalize().map_err(io_error)?;
        if canonical.starts_with(&self.canonical_root) {
            Ok(canonical)
        } else {
            Err(ReadError::OutsideProject)
        }
    }
}

/// Reads the regular file at `path`, of at most `limit` bytes: the type and
/// size are checked on the open file before its contents are read. The file
/// is opened without blocking, so that a named pipe in place of a manifest
/// is refused instead of waiting forever for a writer.
pub(crate) fn read_regular(path: &Path, limit: usize) -> Result<Vec<u8>, ReadError> {
    use std::io::Read;
    // Looked at before it is opened too: opening a socket fails (ENXIO)
    // before its type could be read from the open file.
    let kind = std::fs::metadata(path).map_err(io_error)?.file_type();
    if let Some(kind) = not_regular(&kind) {
        return Err(ReadError::NotRegular(kind));
    }
    let file = open_nonblocking(path).map_err(io_error)?;
    let meta = file.metadata().map_err(io_error)?;
    if let Some(kind) = not_regular(&meta.file_type()) {
        return Err(ReadError::NotRegular(kind));
    }
    let too_large = |size| ReadError::TooLarge { size, limit };
    if meta.len() > limit as u64 {
        return Err(too_large(meta.len()));
    }
    // The size is read again as the bytes come: the file may grow meanwhile.
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.take((limit as u64).saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(io_error)?;
    if bytes.len() > limit {
        return Err(too_large(bytes.len() as u64));
    }
    Ok(bytes)
}

#[cfg(unix)]
fn open_nonblocking(path: &Path) -> std::io::Result<std::fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(rustix::fs::OFlags::NONBLOCK.bits() as i32)
        .open(path)
}

#[cfg(not(unix))]
fn open_nonblocking(path: &Path) -> std::io::Result<std::fs::File> {
    std::fs::File::open(path)
}

/// What a file that is not a regular file is, for the message.
pub(crate) fn not_regular(kind: &std::fs::FileType) -> Option<&'static str> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if kind.is_fifo() {
            return Some("a named pipe");
        }
        if kind.is_char_device() || kind.is_block_device() {
            return Some("a device");
        }
        if kind.is_socket() {
            return Some("a socket");
        }
    }
    if kind.is_dir() {
        Some("a directory")
    } else if kind.is_file() {
        None
    } else {
        Some("a special file")
    }
}

fn io_error(err: std::io::Error) -> ReadError {
    match err.kind() {
        std::io::ErrorKind::NotFound => ReadError::NotFound,
        _ => ReadError::Io(err.to_string().to_lowercase()),
    }
}

impl Vfs for DiskVfs {
    fn read(&self, rel: &str, limit: usize) -> Result<Vec<u8>, ReadError> {
        read_regular(&self.inside(&self.root.join(rel))?, limit)
    }

    /// Symbolic links are followed inside the project: a linked `.prod`
    /// file or directory belongs to the project like any other. A link
    /// that leads outside is listed nonetheless (and not followed), so
    /// that reading it reports it; a file reached twice, through a link
    /// and directly, is listed once, under its first path in byte order;
    /// a link back to a directory above it is not followed again.
    fn list_prod_files(&self, dir: &str, skip: &[String]) -> Result<Vec<String>, ReadError> {
        let base = self.inside(&self.root.join(dir))?;
        if !base.is_dir() {
            return Err(ReadError::Io("not a directory".into()));
        }
        let skip: Vec<PathBuf> = skip.iter().map(|s| self.canonical_root.join(s)).collect();
        // Links leading outside (or nowhere), listed for reading to report them.
        let outside = std::cell::RefCell::new(Vec::new());
        let walker = WalkDir::new(&base)
            .follow_links(true)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|entry| {
                let hidden =
                    entry.depth() > 0 && entry.file_name().to_string_lossy().starts_with('.');
                if hidden || skip.iter().any(|s| entry.path() == s) {
                    return false;
                }
                if entry.path_is_symlink() && self.inside(entry.path()).is_err() {
                    if entry.file_type().is_dir() || is_prod(entry.path()) {
                        outside.borrow_mut().push(entry.path().to_path_buf());
                    }
                    return false;
                }
                true
            });
        let mut found: Vec<(String, PathBuf)> = Vec::new();
        for entry in walker {
            let entry = match entry {
                Ok(entry) => entry,
                // The loop's files are listed through its ancestor.
                Err(err) if err.loop_ancestor().is_some() => continue,
                // A dangling link: a manifest's is listed, for reading it to
                // report it; any other is none of the project's business.
                Err(err) if err.path().is_some_and(|p| p.is_symlink() && !p.exists()) => {
                    if let Some(path) = err.path().filter(|p| is_prod(p)) {
                        outside.borrow_mut().push(path.to_path_buf());
                    }
                    continue;
                }
                Err(err) => return Err(ReadError::Io(err.to_string().to_lowercase())),
            };
            // Not only regular files: a named pipe called `x.prod` is
            // listed, for reading it to report it rather than skip it.
            if entry.file_type().is_dir() || !is_prod(entry.path()) {
                continue;
            }
            let target = entry.path().canonicalize().map_err(io_error)?;
            found.push((self.relative(entry.path())?, target));
        }
        for path in outside.into_inner() {
            found.push((self.relative(&path)?, path));
        }
        found.sort();
        let mut seen = std::collections::HashSet::new();
        Ok(found
            .into_iter()
            .filter(|(_, target)| seen.insert(target.clone()))
            .map(|(rel, _)| rel)
            .collect())
    }
}

fn is_prod(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "prod")
}

impl DiskVfs {
    /// The project-relative path, with `/`, of a path below the root.
    fn relative(&self, path: &Path) -> Result<String, ReadError> {
        let rel = path
            .strip_prefix(&self.canonical_root)
            .map_err(|_| ReadError::OutsideProject)?;
        let parts: Vec<String> = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        Ok(parts.join("/"))
    }
}
