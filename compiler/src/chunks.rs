//! Text written in chunks: a writer of a large file (a tag's payload list
//! or plan, a million lines) fills a string of a fixed size and hands it on
//! whenever it is full, rather than holding the whole file in one string
//! that grows by copies into fresh memory.

use std::io::{self, Write};

/// How much text is collected before it is written.
const CHUNK: usize = 64 * 1024;

/// Collects text in [`Chunks::text`]; [`Chunks::flush_if_full`] between
/// pieces writes it out once it holds a chunk, [`Chunks::finish`] writes the
/// rest.
pub struct Chunks<'w> {
    pub text: String,
    out: &'w mut dyn Write,
}

impl<'w> Chunks<'w> {
    pub fn new(out: &'w mut dyn Write) -> Chunks<'w> {
        Chunks {
            text: String::with_capacity(CHUNK + CHUNK / 4),
            out,
        }
    }

    /// Writes the text collected so far if it fills a chunk.
    pub fn flush_if_full(&mut self) -> io::Result<()> {
        if self.text.len() >= CHUNK {
            self.out.write_all(self.text.as_bytes())?;
            self.text.clear();
        }
        Ok(())
    }

    /// Writes the rest.
    pub fn finish(self) -> io::Result<()> {
        self.out.write_all(self.text.as_bytes())
    }
}

/// The text that `write` writes, as a string (for tests and the command
/// line, which print a plan).
pub fn to_string(write: impl FnOnce(&mut dyn Write) -> io::Result<()>) -> String {
    let mut bytes = Vec::new();
    write(&mut bytes).expect("writing into memory cannot fail");
    String::from_utf8(bytes).expect("the writers write UTF-8")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunks_are_written_in_order_and_whole() {
        let mut out = Vec::new();
        let mut chunks = Chunks::new(&mut out);
        let line = "0123456789abcdef\n";
        let lines = 3 * CHUNK / line.len() + 7;
        for _ in 0..lines {
            chunks.text.push_str(line);
            chunks.flush_if_full().expect("into memory");
        }
        assert!(chunks.text.len() < CHUNK, "full chunks are written out");
        chunks.finish().expect("into memory");
        assert_eq!(out, line.repeat(lines).into_bytes());
    }
}
