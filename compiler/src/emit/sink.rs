//! Where emitters put the files of a build. [`Memory`] keeps them in a
//! sorted map (what [`super::build`] returns, for tests and tools); the
//! command line passes a sink that writes each file into the staging
//! directory as soon as it is rendered, so that a build of tens of
//! thousands of files neither holds them all in memory nor waits for the
//! last one to write the first.

use super::Outputs;
use std::io::{self, Write};
use std::sync::Mutex;

/// Takes the files of a build, from all emitting threads at once.
///
/// A sink that cannot store a file (a full disk) keeps the error to itself
/// and ignores the files after it; its owner reports the error once the
/// emitters are done.
pub trait Sink: Sync {
    /// Stores one file at `path`, relative to the output directory with `/`.
    fn put(&self, path: String, bytes: Vec<u8>);

    /// Stores one file written through `write`: for files too large to hold
    /// at once, such as the model of a million IoV lines. The writer is not
    /// buffered: `write` buffers as it sees fit.
    fn put_with(&self, path: String, write: &dyn Fn(&mut dyn Write) -> io::Result<()>) {
        let mut bytes = Vec::new();
        write(&mut bytes).expect("writing into memory cannot fail");
        self.put(path, bytes);
    }
}

/// A sink that collects the files in memory.
#[derive(Debug, Default)]
pub struct Memory(Mutex<Outputs>);

impl Memory {
    pub fn into_outputs(self) -> Outputs {
        self.0
            .into_inner()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl Sink for Memory {
    fn put(&self, path: String, bytes: Vec<u8>) {
        self.0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .insert(path, bytes);
    }
}
