//! A project directory at a git revision, read without checking anything
//! out (`prodc diff --git REV`).
//!
//! [`GitVfs`] runs `git` (`rev-parse`, `ls-tree`, `show`) through
//! [`std::process::Command`]: I/O, so it lives in the command line, and the
//! compiler core (the diff among it) only ever sees it as a [`Vfs`].
//!
//! Its semantics are those of the disk ([`crate::disk::DiskVfs`]): `.prod`
//! files listed in byte order below the source directory, hidden
//! directories and the skipped directories left out, paths relative to the
//! project with `/`, and symbolic links followed only inside the project.

use crate::project::{normalize, parent_dir, ReadError, Vfs};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The git file mode of a symbolic link.
const SYMLINK_MODE: &str = "120000";

/// The longest link target read (Linux's `PATH_MAX`).
const MAX_LINK_BYTES: u64 = 4096;

/// How many symbolic links a read follows before it gives up.
const MAX_LINKS: usize = 32;

/// One file of the tree: its git mode (`100644`, `120000` for a link) and
/// size, so that a file over the limit is refused before it is read.
#[derive(Debug, Clone)]
struct Blob {
    mode: String,
    size: u64,
}

/// A project directory as it was at one commit.
#[derive(Debug, Clone)]
pub struct GitVfs {
    /// The top of the working tree, where `git` runs.
    top: PathBuf,
    /// The project's directory inside the repository: `""` or `manifests/`.
    prefix: String,
    /// The commit the revision named, as a full object name, so that every
    /// read sees the same tree.
    commit: String,
    /// The project's files at the commit, by project-relative path.
    files: BTreeMap<String, Blob>,
}

/// Runs `git -C dir ARGS…` and returns its standard output, or a message
/// with its standard error.
fn git(dir: &Path, args: &[&str]) -> Result<Vec<u8>, String> {
    let output = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .output()
        .map_err(|e| format!("cannot run git: {}", e.to_string().to_lowercase()))?;
    if output.status.success() {
        Ok(output.stdout)
    } else {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let message = stderr
            .lines()
            .map(|l| l.trim().trim_start_matches("fatal: "))
            .find(|l| !l.is_empty())
            .unwrap_or("git failed")
            .to_string();
        Err(message)
    }
}

/// The first line of a command's output.
fn line(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes)
        .lines()
        .next()
        .unwrap_or_default()
        .to_string()
}

impl GitVfs {
    /// Opens the project directory `dir` (in a git working tree) as it was
    /// at `rev`. Fails with a message when `dir` is not in a repository or
    /// `rev` names no commit.
    pub fn open(dir: &Path, rev: &str) -> Result<GitVfs, String> {
        if rev.starts_with('-') || rev.is_empty() {
            return Err(format!("`{rev}` is not a git revision"));
        }
        let top = PathBuf::from(line(&git(dir, &["rev-parse", "--show-toplevel"])?));
        let prefix = line(&git(dir, &["rev-parse", "--show-prefix"])?);
        let commit = line(
            &git(
                &top,
                &[
                    "rev-parse",
                    "--verify",
                    "--quiet",
                    &format!("{rev}^{{commit}}"),
                ],
            )
            .map_err(|_| format!("`{rev}` names no commit"))?,
        );
        if commit.is_empty() {
            return Err(format!("`{rev}` names no commit"));
        }
        let mut args = vec!["ls-tree", "-r", "-z", "-l", "--full-tree", commit.as_str()];
        if !prefix.is_empty() {
            args.extend(["--", prefix.as_str()]);
        }
        let listing = git(&top, &args)?;
        let mut files = BTreeMap::new();
        // Each entry is `<mode> SP <type> SP <object> SP+ <size> TAB <path>`,
        // ended by NUL (`-l` adds the size, padded with spaces).
        for entry in listing.split(|&b| b == 0).filter(|e| !e.is_empty()) {
            let entry = String::from_utf8_lossy(entry);
            let Some((meta, path)) = entry.split_once('\t') else {
                continue;
            };
            let mut meta = meta.split(' ').filter(|m| !m.is_empty());
            let (Some(mode), Some("blob")) = (meta.next(), meta.next()) else {
                continue;
            };
            let size = meta.nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
            let Some(rel) = path.strip_prefix(prefix.as_str()) else {
                continue;
            };
            files.insert(
                rel.to_string(),
                Blob {
                    mode: mode.to_string(),
                    size,
                },
            );
        }
        Ok(GitVfs {
            top,
            prefix,
            commit,
            files,
        })
    }

    /// The full name of the commit that is read.
    pub fn commit(&self) -> &str {
        &self.commit
    }

    /// Whether `dir` (project-relative, `""` the root) holds any file.
    fn is_dir(&self, dir: &str) -> bool {
        dir.is_empty() || self.files.keys().any(|p| under(p, dir))
    }

    fn show(&self, rel: &str) -> Result<Vec<u8>, ReadError> {
        let spec = format!("{}:{}{rel}", self.commit, self.prefix);
        git(&self.top, &["show", &spec]).map_err(ReadError::Io)
    }
}

/// Whether `path` lies below the directory `dir` (both project-relative).
fn under(path: &str, dir: &str) -> bool {
    dir.is_empty()
        || path
            .strip_prefix(dir)
            .is_some_and(|rest| rest.starts_with('/'))
}

impl GitVfs {
    /// The path that `rel` names once every link on it is followed. A
    /// link's blob is its target, followed as the disk would (also a link
    /// to a directory, in the middle of a path), and refused when it leads
    /// out of the project.
    fn resolve(&self, rel: &str) -> Result<String, ReadError> {
        let mut rel = normalize("", rel).ok_or(ReadError::OutsideProject)?;
        for _ in 0..MAX_LINKS {
            let link = rel
                .match_indices('/')
                .map(|(at, _)| at)
                .chain([rel.len()])
                .map(|end| &rel[..end])
                .find(|prefix| {
                    self.files
                        .get(*prefix)
                        .is_some_and(|b| b.mode == SYMLINK_MODE)
                });
            let Some(link) = link else {
                return Ok(rel);
            };
            // A link's blob is a path: one longer than any path is no link
            // to follow, and is not read.
            if self
                .files
                .get(link)
                .is_some_and(|b| b.size > MAX_LINK_BYTES)
            {
                return Err(ReadError::Io(format!(
                    "`{link}` is a link longer than any path"
                )));
            }
            let target = String::from_utf8_lossy(&self.show(link)?).into_owned();
            let target = normalize(parent_dir(link), target.trim_end_matches('\n'))
                .ok_or(ReadError::OutsideProject)?;
            rel = format!("{target}{}", &rel[link.len()..]);
        }
        Err(ReadError::Io("too many levels of symbolic links".into()))
    }
}

impl Vfs for GitVfs {
    fn read(&self, path: &str, limit: usize) -> Result<Vec<u8>, ReadError> {
        let rel = self.resolve(path)?;
        match self.files.get(&rel) {
            Some(blob) if blob.size > limit as u64 => Err(ReadError::TooLarge {
                size: blob.size,
                limit,
            }),
            Some(_) => self.show(&rel),
            None if self.is_dir(&rel) => Err(ReadError::NotRegular("a directory")),
            None => Err(ReadError::NotFound),
        }
    }

    /// As on disk: links are followed inside the project, a file reached
    /// twice is listed once (under its first path), and a linked manifest
    /// that leads out of the project or nowhere is listed, so that reading
    /// it reports it.
    fn list_prod_files(&self, dir: &str, skip: &[String]) -> Result<Vec<String>, ReadError> {
        let dir = normalize("", dir).ok_or(ReadError::OutsideProject)?;
        if self.files.contains_key(&dir) {
            return Err(ReadError::Io("not a directory".into()));
        }
        if !self.is_dir(&dir) {
            return Err(ReadError::NotFound);
        }
        let prefix_len = if dir.is_empty() { 0 } else { dir.len() + 1 };
        let listed = |path: &str| {
            under(path, &dir)
                && !skip.iter().any(|s| !s.is_empty() && under(path, s))
                && !path[prefix_len..].split('/').any(|c| c.starts_with('.'))
        };
        // (path as listed, the file it reads)
        let mut found: Vec<(String, String)> = Vec::new();
        for (path, blob) in self.files.iter().filter(|(p, _)| listed(p)) {
            if blob.mode != SYMLINK_MODE {
                if path.ends_with(".prod") {
                    found.push((path.clone(), path.clone()));
                }
                continue;
            }
            match self.resolve(path) {
                Ok(target) if self.files.contains_key(&target) && path.ends_with(".prod") => {
                    found.push((path.clone(), target));
                }
                Ok(target) if self.files.contains_key(&target) => {}
                // A linked directory: its manifests, under the link's path.
                Ok(target) if self.is_dir(&target) => {
                    // Below the target, hidden directories are left out
                    // as they are below the source directory; links inside
                    // a linked directory are not followed again.
                    let inside = self.files.iter().filter(|(p, b)| {
                        b.mode != SYMLINK_MODE
                            && p.ends_with(".prod")
                            && under(p, &target)
                            && !p[target.len()..].split('/').any(|c| c.starts_with('.'))
                    });
                    for (file, _) in inside {
                        let linked = format!("{path}{}", &file[target.len()..]);
                        found.push((linked, file.clone()));
                    }
                }
                _ if path.ends_with(".prod") => found.push((path.clone(), path.clone())),
                _ => {}
            }
        }
        found.sort();
        let mut seen = std::collections::HashSet::new();
        Ok(found
            .into_iter()
            .filter(|(_, target)| seen.insert(target.clone()))
            .map(|(path, _)| path)
            .collect())
    }
}
