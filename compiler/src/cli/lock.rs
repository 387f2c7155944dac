//! The lock that makes builds of one output directory take turns.
//!
//! A build replaces its output directory by renaming, so the directory
//! cannot hold the lock itself: an advisory lock is taken on a file beside
//! it, `.<name>.prodc.lock` in the same parent. The file is never deleted,
//! since a lock file removed while another build opens it would let two
//! builds each hold a lock of their own. The lock is taken before any
//! staging directory is made or any recovery runs, and held until the new
//! output is in place or the staging directory is gone, so that whoever
//! holds it knows every staging directory of this output to be an orphan.

use std::fs::{File, OpenOptions, TryLockError};
use std::io;
use std::path::{Path, PathBuf};

/// What a build does when another build holds the lock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wait {
    /// Say so on stderr and wait for it (the default).
    Block,
    /// Give up at once (`--no-wait`).
    Fail,
}

/// Why the lock was not taken.
#[derive(Debug)]
pub enum LockError {
    /// Another build holds it, and the build was told not to wait.
    Busy(PathBuf),
    /// The lock file could not be opened or locked.
    Io(io::Error),
}

impl From<io::Error> for LockError {
    fn from(err: io::Error) -> Self {
        LockError::Io(err)
    }
}

/// The lock on one output directory; released when dropped.
#[derive(Debug)]
pub struct OutputLock {
    /// The open lock file: closing it releases the lock.
    _file: File,
}

/// The lock file of the output directory `name` in `parent`.
pub fn lock_path(parent: &Path, name: &str) -> PathBuf {
    parent.join(format!(".{name}.prodc.lock"))
}

impl OutputLock {
    /// Takes the lock of the output directory `out` (named `name`, in
    /// `parent`), waiting for another build if `wait` says so.
    pub fn take(parent: &Path, name: &str, out: &Path, wait: Wait) -> Result<Self, LockError> {
        let path = lock_path(parent, name);
        let file = open(&path).map_err(|e| {
            io::Error::new(
                e.kind(),
                format!("cannot open the lock file `{}`: {e}", path.display()),
            )
        })?;
        let cannot_lock = |e: io::Error| {
            io::Error::new(e.kind(), format!("cannot lock `{}`: {e}", path.display()))
        };
        match file.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) if wait == Wait::Fail => {
                return Err(LockError::Busy(path));
            }
            Err(TryLockError::WouldBlock) => {
                // Like cargo: one line, so that a build that seems to hang
                // says what it waits for.
                say!(
                    "note: waiting for another build of `{}` to finish (lock file `{}`)",
                    out.display(),
                    path.display()
                );
                file.lock().map_err(cannot_lock)?;
            }
            Err(TryLockError::Error(err)) => return Err(cannot_lock(err).into()),
        }
        Ok(OutputLock { _file: file })
    }
}

/// Opens the lock file, creating it if need be. A lock file made by another
/// user may not be writable: a lock needs only a read handle.
fn open(path: &Path) -> io::Result<File> {
    let created = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(path);
    match created {
        Err(err) if err.kind() == io::ErrorKind::PermissionDenied && path.is_file() => {
            File::open(path)
        }
        other => other,
    }
}
