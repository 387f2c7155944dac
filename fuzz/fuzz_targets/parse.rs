//! Fuzz target: the lexer, the parser and the formatter never panic, on any
//! bytes; the payload import parser neither.
#![no_main]

use libfuzzer_sys::fuzz_target;
use prodc::source::FileId;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let parsed = prodc::syntax::parse(FileId(0), &text);
    // The formatter parses again and gives up on any syntax error, so only
    // a clean parse reaches its printer: don't parse erroneous input twice.
    if parsed.diagnostics.is_empty() {
        let _ = prodc::fmt::format(FileId(0), &text);
    }
    let _ = prodc::syntax::import::parse_import(FileId(0), &text);
});
