//! Projects: `Prod.toml`, file discovery and loading.
//!
//! The compiler core never touches the file system itself: it asks a
//! [`Vfs`], which the command line implements on disk ([`crate::cli`]) and
//! tests implement in memory ([`MemoryVfs`]).

pub mod config;
mod load;

pub use config::{parse_config, Config};
pub use load::{
    load_project, load_project_cached, Import, LoadedFile, ParseCache, Project, ProjectError,
    MAX_FILE_BYTES, STD_PREFIX,
};

use std::collections::BTreeMap;

/// Why a file could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReadError {
    NotFound,
    /// The path (or a symlink on it) leads outside the project.
    OutsideProject,
    /// Not a regular file (a directory, a named pipe, a device, a socket):
    /// reading a pipe or a device could block forever or never end.
    NotRegular(&'static str),
    /// Larger than the limit the caller gave, found before reading it.
    TooLarge {
        size: u64,
        limit: usize,
    },
    Io(String),
}

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ReadError::NotFound => f.write_str("no such file"),
            ReadError::OutsideProject => f.write_str("the path leads outside the project"),
            ReadError::NotRegular(kind) => write!(f, "it is {kind}, not a regular file"),
            ReadError::TooLarge { size, limit } => write!(
                f,
                "it has {} and the limit is {}",
                byte_size(*size),
                byte_size(*limit as u64)
            ),
            ReadError::Io(msg) => f.write_str(msg),
        }
    }
}

/// A size in bytes as people read it: `256 MiB`, `1.5 KiB`, `12 bytes`.
pub fn byte_size(bytes: u64) -> String {
    const UNITS: [(&str, u64); 3] = [("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)];
    for (unit, size) in UNITS {
        if bytes >= size {
            return if bytes.is_multiple_of(size) {
                format!("{} {unit}", bytes / size)
            } else {
                format!("{:.1} {unit}", bytes as f64 / size as f64)
            };
        }
    }
    format!("{bytes} bytes")
}

/// Read access to one project, by project-relative paths with `/`.
pub trait Vfs {
    /// Reads a regular file of at most `limit` bytes. A larger file is
    /// [`ReadError::TooLarge`] and anything but a regular file
    /// [`ReadError::NotRegular`], both found before the contents are read.
    fn read(&self, path: &str, limit: usize) -> Result<Vec<u8>, ReadError>;

    /// Lists the `*.prod` files below `dir` (recursively, `""` is the root),
    /// skipping hidden directories and the directories in `skip`. Paths are
    /// project-relative and sorted by byte order.
    fn list_prod_files(&self, dir: &str, skip: &[String]) -> Result<Vec<String>, ReadError>;
}

/// Joins `rel` onto the project-relative directory `base` and resolves `.`
/// and `..` lexically. `None` when `rel` is absolute or climbs above the
/// project root. The result uses `/` and has no leading `./`.
pub fn normalize(base: &str, rel: &str) -> Option<String> {
    if rel.starts_with('/') || rel.starts_with('\\') || rel.contains(':') && cfg!(windows) {
        return None;
    }
    let mut parts: Vec<&str> = Vec::new();
    for part in base.split('/').chain(rel.split(['/', '\\'])) {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            other => parts.push(other),
        }
    }
    Some(parts.join("/"))
}

/// The directory part of a project-relative path (`""` for the root).
pub fn parent_dir(path: &str) -> &str {
    path.rfind('/').map_or("", |i| &path[..i])
}

/// An in-memory project, for tests and for the language server.
#[derive(Debug, Clone, Default)]
pub struct MemoryVfs {
    pub files: BTreeMap<String, Vec<u8>>,
}

impl MemoryVfs {
    pub fn new() -> MemoryVfs {
        MemoryVfs::default()
    }

    pub fn with(mut self, path: &str, text: impl Into<Vec<u8>>) -> MemoryVfs {
        self.files.insert(path.to_string(), text.into());
        self
    }
}

impl Vfs for MemoryVfs {
    fn read(&self, path: &str, limit: usize) -> Result<Vec<u8>, ReadError> {
        let bytes = self.files.get(path).ok_or(ReadError::NotFound)?;
        if bytes.len() > limit {
            return Err(ReadError::TooLarge {
                size: bytes.len() as u64,
                limit,
            });
        }
        Ok(bytes.clone())
    }

    fn list_prod_files(&self, dir: &str, skip: &[String]) -> Result<Vec<String>, ReadError> {
        let under = |path: &str, d: &str| d.is_empty() || path.starts_with(&format!("{d}/"));
        Ok(self
            .files
            .keys()
            .filter(|p| p.ends_with(".prod") && under(p, dir))
            .filter(|p| !skip.iter().any(|s| under(p, s) && !s.is_empty()))
            .filter(|p| !p.split('/').any(|c| c.starts_with('.')))
            .cloned()
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalize_stays_inside_the_project() {
        assert_eq!(
            normalize("proc9", "../dumps/a.txt").as_deref(),
            Some("dumps/a.txt")
        );
        assert_eq!(normalize("", "./a/./b").as_deref(), Some("a/b"));
        assert_eq!(normalize("a", "../../x"), None);
        assert_eq!(normalize("", "/etc/passwd"), None);
        assert_eq!(normalize("", ".").as_deref(), Some(""));
    }
}
