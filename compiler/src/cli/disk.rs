//! The project on disk: a [`Vfs`] that never reads outside the project root.

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

fn io_error(err: std::io::Error) -> ReadError {
    match err.kind() {
        std::io::ErrorKind::NotFound => ReadError::NotFound,
        _ => ReadError::Io(err.to_string().to_lowercase()),
    }
}

impl Vfs for DiskVfs {
    fn read(&self, rel: &str) -> Result<Vec<u8>, ReadError> {
        let path = self.inside(&self.root.join(rel))?;
        if path.is_dir() {
            return Err(ReadError::Io("is a directory".into()));
        }
        std::fs::read(path).map_err(io_error)
    }

    fn list_prod_files(&self, dir: &str, skip: &[String]) -> Result<Vec<String>, ReadError> {
        let base = self.inside(&self.root.join(dir))?;
        if !base.is_dir() {
            return Err(ReadError::Io("not a directory".into()));
        }
        let skip: Vec<PathBuf> = skip.iter().map(|s| self.canonical_root.join(s)).collect();
        let mut files = Vec::new();
        let walker = WalkDir::new(&base)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|entry| {
                let hidden =
                    entry.depth() > 0 && entry.file_name().to_string_lossy().starts_with('.');
                !hidden && !skip.iter().any(|s| entry.path() == s)
            });
        for entry in walker {
            let entry = entry.map_err(|e| ReadError::Io(e.to_string().to_lowercase()))?;
            if !entry.file_type().is_file() || entry.path().extension().is_none_or(|e| e != "prod")
            {
                continue;
            }
            let rel = entry
                .path()
                .strip_prefix(&self.canonical_root)
                .map_err(|_| ReadError::OutsideProject)?;
            let parts: Vec<String> = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            files.push(parts.join("/"));
        }
        files.sort();
        Ok(files)
    }
}
