//! Writing build outputs: atomically, and only inside the output directory.
//!
//! Everything is written into a fresh staging directory beside the output
//! directory ([`Staging`]), file by file as the emitters render them
//! ([`DiskSink`]); it replaces the previous output only once every file is
//! written. A directory that prodc did not create is never replaced.
//!
//! Builds of one output take turns ([`OutputLock`]): a build holds the lock
//! from before it looks at the staging directories beside the output until
//! its own is in place or removed. An output directory that is a symlink
//! stays one: the build replaces the directory it points to.

use super::lock::{LockError, OutputLock, Wait};
use crate::emit::Sink;
use std::collections::HashMap;
use std::fs::File;
use std::io::{self, Write};
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Mutex, OnceLock, RwLock};

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

/// How many symlinks [`resolve_output`] follows before it gives up (the
/// kernel's own limit).
const MAX_LINKS: usize = 40;

/// The directory a build replaces for the output directory `out`: `out`
/// with its parent's symlinks resolved, and, if `out` itself is a symlink,
/// the directory it points to (followed even when that is missing, as it is
/// when a build was killed while its output was moved aside). The link
/// itself is kept: replacing it would leave its old target stale.
pub fn resolve_output(out: &Path) -> io::Result<PathBuf> {
    let mut path = clean(out);
    for _ in 0..MAX_LINKS {
        let (Some(parent), Some(name)) = (path.parent(), path.file_name()) else {
            return Ok(path);
        };
        let here = resolve(parent).join(name);
        match std::fs::symlink_metadata(&here) {
            Ok(meta) if meta.file_type().is_symlink() => {
                let target = std::fs::read_link(&here)?;
                let base = here.parent().unwrap_or(Path::new(""));
                path = clean(&base.join(target));
            }
            _ => return Ok(here),
        }
    }
    Err(io::Error::other(format!(
        "`{}` leads through more than {MAX_LINKS} symlinks",
        out.display()
    )))
}

/// Whether `out` is `source` or contains it (E0106).
pub fn overlaps_source(out: &Path, source: &Path) -> bool {
    let (out, source) = (resolve(out), resolve(source));
    source.starts_with(&out)
}

/// A build being written: a fresh staging directory beside the output
/// directory, and the lock on it. Dropped without [`Staging::commit`], the
/// staging directory is removed, then the lock released, and the previous
/// output stays as it was.
#[derive(Debug)]
pub struct Staging {
    /// The directory replaced: the output directory, or the target of the
    /// symlink that it is.
    out: PathBuf,
    tmp: PathBuf,
    old: PathBuf,
    /// The staging directory as created, to make sure that it is this one
    /// that is put in place.
    identity: Identity,
    committed: bool,
    /// Held until the staging directory is in place or removed; the field
    /// is released only after [`Drop::drop`] has removed it.
    _lock: OutputLock,
}

impl Staging {
    /// Prepares to replace `out`: takes its lock (waiting for another build
    /// of it, or not, as `wait` says), repairs what an interrupted build
    /// left behind, refuses a directory that prodc did not write, and
    /// creates the staging directory with its marker.
    pub fn begin(out: &Path, wait: Wait) -> Result<Staging, LockError> {
        let out = resolve_output(out)?;
        let parent = out
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_else(|| PathBuf::from("."));
        let name = out
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "out".into());
        std::fs::create_dir_all(&parent)?;
        // Before anything beside the output is looked at: under the lock,
        // every staging directory of this output belongs to a build that is
        // gone.
        let lock = OutputLock::take(&parent, &name, &out, wait)?;
        recover_interrupted(&parent, &name, &out)?;
        if out.exists() && !out.join(MARKER).exists() && !is_empty_dir(&out)? {
            return Err(LockError::Io(io::Error::other(format!(
                "`{}` exists and was not written by prodc; refusing to replace it (remove it or choose another --out)",
                out.display()
            ))));
        }
        let tmp = parent.join(format!(".{name}.prodc-tmp-{}", std::process::id()));
        if tmp.exists() {
            std::fs::remove_dir_all(&tmp)?;
        }
        std::fs::create_dir_all(&tmp)?;
        let staging = Staging {
            identity: Identity::of(&tmp)?,
            old: parent.join(format!(".{name}.prodc-old-{}", std::process::id())),
            tmp,
            out,
            committed: false,
            _lock: lock,
        };
        std::fs::write(
            staging.tmp.join(MARKER),
            "This directory is written by prodc and replaced by every build.\n",
        )?;
        Ok(staging)
    }

    /// A sink that writes files into the staging directory.
    pub fn sink(&self) -> DiskSink<'_> {
        DiskSink {
            dir: &self.tmp,
            dirs: RwLock::new(HashMap::new()),
            error: Mutex::new(None),
            failed: AtomicBool::new(false),
            offered: AtomicUsize::new(0),
            files: AtomicUsize::new(0),
        }
    }

    /// Puts the staging directory in place of the previous output, and
    /// makes sure that it is there: a build reports success only for an
    /// output that it wrote whole.
    pub fn commit(mut self) -> io::Result<()> {
        if Identity::of(&self.tmp)? != self.identity || !self.tmp.join(MARKER).is_file() {
            return Err(io::Error::other(format!(
                "the staging directory `{}` was replaced while the build wrote it",
                self.tmp.display()
            )));
        }
        swap_into_place(&self.tmp, &self.old, &self.out)?;
        self.committed = true;
        if Identity::of(&self.out)? != self.identity {
            return Err(io::Error::other(format!(
                "`{}` is not the directory this build wrote",
                self.out.display()
            )));
        }
        Ok(())
    }
}

/// Which directory a path names: its device and inode where there are
/// such, so that a directory removed and made again under the same name is
/// told from the one created.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Identity(u64, u64);

impl Identity {
    #[cfg(unix)]
    fn of(path: &Path) -> io::Result<Identity> {
        use std::os::unix::fs::MetadataExt;
        let meta = std::fs::symlink_metadata(path)?;
        Ok(Identity(meta.dev(), meta.ino()))
    }

    #[cfg(not(unix))]
    fn of(path: &Path) -> io::Result<Identity> {
        std::fs::symlink_metadata(path).map(|_| Identity(0, 0))
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = std::fs::remove_dir_all(&self.tmp);
        }
    }
}

/// Writes each file into a staging directory as soon as it is emitted,
/// from any thread. Files are created new; scripts (`.sh`) executable.
#[derive(Debug)]
pub struct DiskSink<'a> {
    dir: &'a Path,
    /// Directories already created, so that each is created once, with a
    /// handle that their files are created relative to: the kernel then
    /// looks up one name per file rather than the whole path.
    dirs: RwLock<HashMap<PathBuf, DirHandle>>,
    /// The first error; files after it are not written.
    error: Mutex<Option<io::Error>>,
    /// Whether `error` holds one: read for every file without the lock.
    failed: AtomicBool,
    /// The files handed to the sink, and those of them written.
    offered: AtomicUsize,
    files: AtomicUsize,
}

impl DiskSink<'_> {
    /// The number of files written, or the first error: a count short of
    /// the files handed over is an error too.
    pub fn finish(self) -> io::Result<usize> {
        match self.error.into_inner().unwrap_or_else(|p| p.into_inner()) {
            Some(err) => Err(err),
            None => {
                let (offered, files) = (self.offered.into_inner(), self.files.into_inner());
                if files == offered {
                    Ok(files)
                } else {
                    Err(io::Error::other(format!(
                        "{files} of {offered} files written"
                    )))
                }
            }
        }
    }

    fn store(&self, rel: &str, write: impl FnOnce(&mut File) -> io::Result<()>) {
        self.offered.fetch_add(1, Ordering::Relaxed);
        if self.failed.load(Ordering::Relaxed) {
            return;
        }
        let written = contained(self.dir, rel).and_then(|path| {
            let mut file = self.create(&path, rel.ends_with(".sh"))?;
            write(&mut file)
        });
        match written {
            Ok(()) => {
                self.files.fetch_add(1, Ordering::Relaxed);
            }
            Err(err) => {
                let mut error = self.error.lock().unwrap_or_else(|p| p.into_inner());
                error.get_or_insert(err);
                self.failed.store(true, Ordering::Relaxed);
            }
        }
    }

    /// Creates the file at `path` (inside the staging directory) and the
    /// directories above it.
    fn create(&self, path: &Path, executable: bool) -> io::Result<File> {
        let (Some(parent), Some(name)) = (path.parent(), path.file_name()) else {
            return Err(io::Error::other(format!(
                "`{}` is not a file path",
                path.display()
            )));
        };
        // Every file asks, from every thread; a directory is created once.
        if let Some(dir) = self
            .dirs
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .get(parent)
        {
            return create_in(dir, parent, name, executable);
        }
        let mut dirs = self.dirs.write().unwrap_or_else(|p| p.into_inner());
        if !dirs.contains_key(parent) {
            std::fs::create_dir_all(parent)?;
            dirs.insert(parent.to_path_buf(), open_dir(parent)?);
        }
        create_in(&dirs[parent], parent, name, executable)
    }
}

impl Sink for DiskSink<'_> {
    fn put(&self, path: String, bytes: Vec<u8>) {
        self.store(&path, |file| file.write_all(&bytes));
    }

    fn put_with(&self, path: String, write: &dyn Fn(&mut dyn Write) -> io::Result<()>) {
        self.store(&path, |file| write(file));
    }
}

/// Repairs what a build killed mid-way can leave behind: a temporary tree
/// (removed) and, if it died between its two renames, the previous output
/// moved aside (put back, so that nothing the user had is lost). Called
/// under the output's lock: every build of this output holds it while it
/// has such directories, so the ones found belong to builds that are gone
/// (their names keep the process id, to tell whose they were).
fn recover_interrupted(parent: &Path, name: &str, out: &Path) -> io::Result<()> {
    let tmp_prefix = format!(".{name}.prodc-tmp-");
    let old_prefix = format!(".{name}.prodc-old-");
    // Only `<prefix><pid>` directories are ours: `.out.prodc-tmp-x` could be
    // the staging directory of an output named `out.prodc-tmp-x`, under
    // another lock, and a file of that name is nobody's staging directory.
    let ours = |file: &str, prefix: &str, entry: &std::fs::DirEntry| {
        file.strip_prefix(prefix)
            .is_some_and(|pid| !pid.is_empty() && pid.bytes().all(|b| b.is_ascii_digit()))
            && entry.file_type().is_ok_and(|t| t.is_dir())
    };
    for entry in std::fs::read_dir(parent)?.filter_map(Result::ok) {
        let file = entry.file_name().to_string_lossy().into_owned();
        if ours(&file, &tmp_prefix, &entry) {
            std::fs::remove_dir_all(entry.path())?;
        } else if ours(&file, &old_prefix, &entry) {
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

/// A directory that files are created in: on Unix an open descriptor of it.
#[cfg(unix)]
type DirHandle = std::os::fd::OwnedFd;
#[cfg(not(unix))]
type DirHandle = ();

#[cfg(unix)]
fn open_dir(dir: &Path) -> io::Result<DirHandle> {
    use rustix::fs::{open, Mode, OFlags};
    Ok(open(
        dir,
        OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC,
        Mode::empty(),
    )?)
}

#[cfg(not(unix))]
fn open_dir(_: &Path) -> io::Result<DirHandle> {
    Ok(())
}

/// Creates a new file `name` in `dir` (at `parent`); scripts executable
/// whatever the umask.
#[cfg(unix)]
fn create_in(
    dir: &DirHandle,
    _parent: &Path,
    name: &std::ffi::OsStr,
    executable: bool,
) -> io::Result<File> {
    use rustix::fs::{openat, Mode, OFlags};
    let mode = Mode::from_raw_mode(if executable { 0o755 } else { 0o644 });
    let flags = OFlags::WRONLY | OFlags::CREATE | OFlags::TRUNC | OFlags::CLOEXEC;
    let file = File::from(openat(dir, name, flags, mode)?);
    if executable && !umask_keeps_executable() {
        // The mode given at creation is reduced by the umask.
        make_executable(&file)?;
    }
    Ok(file)
}

#[cfg(not(unix))]
fn create_in(
    _: &DirHandle,
    parent: &Path,
    name: &std::ffi::OsStr,
    _executable: bool,
) -> io::Result<File> {
    std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .open(parent.join(name))
}

/// Whether the umask leaves mode 0o755 as it is (the usual 022 does), so
/// that scripts need no `chmod` after their creation: a build writes tens
/// of thousands of them. The umask is read once, from `/proc` where there
/// is one; elsewhere every script is made executable explicitly.
#[cfg(unix)]
fn umask_keeps_executable() -> bool {
    static KEEPS: OnceLock<bool> = OnceLock::new();
    *KEEPS.get_or_init(|| {
        std::fs::read_to_string("/proc/self/status")
            .ok()
            .and_then(|status| {
                let mask = status.lines().find_map(|l| l.strip_prefix("Umask:"))?;
                u32::from_str_radix(mask.trim(), 8).ok()
            })
            .is_some_and(|mask| mask & 0o755 == 0)
    })
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
fn make_executable(file: &File) -> io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    file.set_permissions(std::fs::Permissions::from_mode(0o755))
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
