//! `prodc lsp`: a language server for `.prod` manifests over stdio.
//!
//! It reuses the compiler's phases on in-memory documents: the open
//! documents overlay the project on disk ([`vfs`]), a project is found by
//! walking up to its `Prod.toml`, and each analysis loads it through a
//! parse cache, so that an edit parses only the edited file before resolve
//! and the checks run on the whole project again ([`state`]). On top of
//! the last analysis: diagnostics with links to the book ([`diagnostics`]),
//! definitions and references ([`index`], [`navigate`]), hover texts
//! ([`hover`]), completion ([`complete`]) and formatting through
//! [`crate::fmt`] ([`handlers`]). Positions are converted between the
//! protocol's UTF-16 columns and byte offsets in [`position`].
//!
//! The server logs to stderr only; stdout carries the protocol. Its IO
//! ([`transport`]) frames the messages itself ([`framing`]), checking
//! every size before reading, so that an oversized or malformed message
//! is dropped and the server goes on.

/// Writes a line to the server's log, standard error (editors show it as
/// the server's output), escaped like everything the command line prints.
macro_rules! log {
    ($($arg:tt)*) => {
        $crate::lsp::log_line(&format!($($arg)*))
    };
}

pub mod complete;
pub mod diagnostics;
pub mod framing;
pub mod handlers;
pub mod hover;
pub mod index;
pub mod navigate;
pub mod position;
pub mod schema;
pub mod server;
pub mod state;
// The IO layer: the standard library's files written for go-to-definition,
// and stdin and stdout (`clippy.toml` forbids their calls elsewhere).
#[allow(clippy::disallowed_methods, clippy::disallowed_macros)]
pub mod stdlib;
#[allow(clippy::disallowed_methods, clippy::disallowed_macros)]
pub mod transport;
pub mod uri;
pub mod vfs;

pub use position::Encoding;
pub use state::State;

/// Runs the server on stdin and stdout until the client says `exit`;
/// returns the process exit code.
#[allow(clippy::disallowed_macros)]
pub fn run_stdio() -> u8 {
    let (connection, writer) = match transport::stdio() {
        Ok(started) => started,
        Err(err) => {
            say!("prodc lsp: cannot start: {err}");
            return 1;
        }
    };
    let code = match server::serve(&connection) {
        Ok(code) => code,
        Err(err) => {
            say!("prodc lsp: {err}");
            1
        }
    };
    // The writer thread ends when the server's sender is dropped.
    drop(connection);
    if let Err(err) = writer.join() {
        say!("prodc lsp: {err}");
    }
    code
}

/// The one way the server logs: [`log!`].
#[allow(clippy::disallowed_macros)]
pub(crate) fn log_line(text: &str) {
    say!("{text}");
}
