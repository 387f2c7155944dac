//! `prodc lsp`: the language server, for editors (see `book/src/editors.md`).

/// Serves the language server protocol on stdin and stdout.
pub fn run_lsp() -> u8 {
    crate::lsp::run_stdio()
}
