//! The base protocol's framing of the client's messages: header lines, a
//! `Content-Length`, then that many bytes of JSON.
//!
//! Every size is checked before anything is read into memory: a header
//! line is held in a fixed buffer of [`MAX_HEADER_LINE_BYTES`], a message
//! has at most [`MAX_HEADER_LINES`] of them, and a body longer than the
//! limit ([`MAX_MESSAGE_BYTES`]) is never allocated: it is read and thrown
//! away as it arrives, and reported with `E0118`. A body under the limit
//! grows with the bytes that really arrive, never with the length the
//! header claims. A message whose framing is still known (a bad header
//! line, a body that is not JSON-RPC) is skipped and the next one read;
//! only a header without a usable `Content-Length` loses the framing and
//! ends the input.
//!
//! A plain reader over `impl BufRead`, without threads or IO of its own:
//! [`super::transport`] runs it on stdin, the tests and the `lsp_messages`
//! fuzz target on bytes.

use crate::diagnostics::Code;
use lsp_server::Message;
use std::fmt;
use std::io::{self, BufRead};

/// The largest message read: 512 MiB, twice the compiler's default file
/// limit (`[limits] max_file_size_mb`, 256 MiB), so that any document the
/// compiler accepts still fits in a `didOpen` after JSON escaping (which
/// at most doubles text of printable characters, tabs and line ends).
pub const MAX_MESSAGE_BYTES: u64 = 512 * 1024 * 1024;

/// The longest header line, line end included. The protocol's headers
/// (`Content-Length`, `Content-Type`) take a few dozen bytes.
pub const MAX_HEADER_LINE_BYTES: usize = 1024;

/// The most header lines of one message.
pub const MAX_HEADER_LINES: usize = 32;

/// The first allocation for a body; it then doubles, up to its length.
const FIRST_BODY_BYTES: usize = 8 * 1024;

/// What went wrong with the input.
#[derive(Debug)]
pub enum Problem {
    /// A body longer than the limit (`E0118`): skipped unread.
    TooLarge { length: u64, limit: u64 },
    /// A header line too long or without `:`: the message is skipped.
    BadHeader(&'static str),
    /// A body that is not a JSON-RPC message: skipped.
    BadBody(String),
    /// No usable `Content-Length`, or too many header lines: where the
    /// next message starts is unknown.
    FramingLost(String),
    /// The input ended inside a message's header.
    HeaderCut,
    /// The input ended inside a message's body.
    Truncated { expected: u64, got: u64 },
    /// Reading failed.
    Io(io::Error),
}

impl Problem {
    /// The diagnostic code of a problem the user can act on.
    pub fn code(&self) -> Option<Code> {
        match self {
            Problem::TooLarge { .. } => Some(Code::E0118),
            _ => None,
        }
    }

    /// What to do about it, when something can be done.
    pub fn help(&self) -> Option<&'static str> {
        match self {
            Problem::TooLarge { .. } => Some(
                "split the document, or move long lists of IoV lines into a `payloads from` file, which the server reads from disk",
            ),
            _ => None,
        }
    }
}

/// Sizes in bytes, with MiB when large.
struct Bytes(u64);

impl fmt::Display for Bytes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const MIB: u64 = 1024 * 1024;
        write!(f, "{} bytes", self.0)?;
        if self.0 >= MIB {
            write!(f, " ({} MiB)", self.0 / MIB)?;
        }
        Ok(())
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Problem::TooLarge { length, limit } => write!(
                f,
                "message of {} is larger than the limit of {}; it was skipped",
                Bytes(*length),
                Bytes(*limit)
            ),
            Problem::BadHeader(why) => {
                write!(f, "malformed header ({why}); the message was skipped")
            }
            Problem::BadBody(why) => {
                write!(f, "message is not JSON-RPC ({why}); it was skipped")
            }
            Problem::FramingLost(why) => write!(f, "lost the framing of the messages: {why}"),
            Problem::HeaderCut => write!(f, "the input ended inside a message's header"),
            Problem::Truncated { expected, got } => write!(
                f,
                "the input ended {got} bytes into a message of {expected} bytes"
            ),
            Problem::Io(err) => write!(f, "cannot read the input: {err}"),
        }
    }
}

/// What the reader found next.
#[derive(Debug)]
pub enum Next {
    Message(Message),
    /// A message that was dropped; the next one can be read.
    Skipped(Problem),
    /// The end of the input: a clean end, or a problem after which
    /// nothing more can be read. Every later call returns `End(None)`.
    End(Option<Problem>),
}

/// One header line, in the reader's buffer.
enum Line {
    /// This many bytes of the buffer, line end included.
    Text(usize),
    /// Longer than the buffer; read to its end and thrown away.
    TooLong,
    /// The end of the input; `partial` if a line had begun.
    Eof { partial: bool },
}

/// Reads framed messages from `input` (see the module documentation).
pub struct FrameReader<R> {
    input: R,
    limit: u64,
    /// Bytes of a skipped body still to be thrown away.
    skip: u64,
    line: [u8; MAX_HEADER_LINE_BYTES],
    ended: bool,
}

impl<R: BufRead> FrameReader<R> {
    pub fn new(input: R) -> FrameReader<R> {
        FrameReader::with_limit(input, MAX_MESSAGE_BYTES)
    }

    /// A reader with another limit on the size of a body (for tests).
    pub fn with_limit(input: R, limit: u64) -> FrameReader<R> {
        FrameReader {
            input,
            limit,
            skip: 0,
            line: [0; MAX_HEADER_LINE_BYTES],
            ended: false,
        }
    }

    /// The next message, skipped message or end.
    pub fn next_frame(&mut self) -> Next {
        if self.ended {
            return Next::End(None);
        }
        let next = self.read_frame();
        if matches!(next, Next::End(_)) {
            self.ended = true;
        }
        next
    }

    fn read_frame(&mut self) -> Next {
        if self.skip > 0 {
            match discard(&mut self.input, self.skip) {
                Ok(0) => self.skip = 0,
                // The rest of a skipped body never came: nothing to add
                // to the problem already reported.
                Ok(_) => return Next::End(None),
                Err(err) => return Next::End(Some(Problem::Io(err))),
            }
        }
        let mut length: Option<u64> = None;
        let mut bad: Option<&'static str> = None;
        let mut lines = 0;
        loop {
            let line = match self.read_line() {
                Ok(Line::Text(n)) => Some(strip_line_end(&self.line[..n])),
                Ok(Line::TooLong) => None,
                Ok(Line::Eof { partial }) => {
                    let cut = partial || lines > 0;
                    return Next::End(cut.then_some(Problem::HeaderCut));
                }
                Err(err) => return Next::End(Some(Problem::Io(err))),
            };
            if line.is_some_and(<[u8]>::is_empty) {
                if lines == 0 {
                    // A stray line end between two messages.
                    continue;
                }
                break;
            }
            lines += 1;
            if lines > MAX_HEADER_LINES {
                return Next::End(Some(Problem::FramingLost(format!(
                    "more than {MAX_HEADER_LINES} header lines"
                ))));
            }
            let Some(line) = line else {
                bad.get_or_insert("a header line longer than 1024 bytes");
                continue;
            };
            let Some(colon) = line.iter().position(|&b| b == b':') else {
                bad.get_or_insert("a header line without `:`");
                continue;
            };
            let name = trim(&line[..colon]);
            if !name.eq_ignore_ascii_case(b"content-length") {
                // `Content-Type`, or a header the protocol does not define.
                continue;
            }
            let value = match parse_length(trim(&line[colon + 1..])) {
                Ok(value) => value,
                Err(why) => return Next::End(Some(Problem::FramingLost(why))),
            };
            if length.is_some_and(|old| old != value) {
                return Next::End(Some(Problem::FramingLost(
                    "two different `Content-Length` headers".to_string(),
                )));
            }
            length = Some(value);
        }
        self.body(length, bad)
    }

    /// Reads (or skips) the body of a message whose header has ended.
    fn body(&mut self, length: Option<u64>, bad: Option<&'static str>) -> Next {
        let Some(length) = length else {
            return Next::End(Some(Problem::FramingLost(
                "a header without `Content-Length`".to_string(),
            )));
        };
        let size = usize::try_from(length)
            .ok()
            .filter(|_| length <= self.limit);
        let Some(size) = size else {
            self.skip = length;
            return Next::Skipped(Problem::TooLarge {
                length,
                limit: self.limit,
            });
        };
        if let Some(why) = bad {
            self.skip = length;
            return Next::Skipped(Problem::BadHeader(why));
        }
        let body = match read_body(&mut self.input, size) {
            Ok(body) if body.len() < size => {
                return Next::End(Some(Problem::Truncated {
                    expected: length,
                    got: body.len() as u64,
                }))
            }
            Ok(body) => body,
            Err(err) => return Next::End(Some(Problem::Io(err))),
        };
        match serde_json::from_slice::<Message>(&body) {
            Ok(message) => Next::Message(message),
            Err(err) => Next::Skipped(Problem::BadBody(err.to_string())),
        }
    }

    /// Reads one line into the fixed buffer; a longer one is read to its
    /// end and thrown away.
    fn read_line(&mut self) -> io::Result<Line> {
        let mut len = 0;
        let mut too_long = false;
        loop {
            let available = match self.input.fill_buf() {
                Ok(available) => available,
                Err(err) if err.kind() == io::ErrorKind::Interrupted => continue,
                Err(err) => return Err(err),
            };
            if available.is_empty() {
                return Ok(Line::Eof {
                    partial: len > 0 || too_long,
                });
            }
            let newline = available.iter().position(|&b| b == b'\n');
            let n = newline.map_or(available.len(), |i| i + 1);
            if !too_long && len + n <= MAX_HEADER_LINE_BYTES {
                self.line[len..len + n].copy_from_slice(&available[..n]);
                len += n;
            } else {
                too_long = true;
            }
            self.input.consume(n);
            if newline.is_some() {
                return Ok(if too_long {
                    Line::TooLong
                } else {
                    Line::Text(len)
                });
            }
        }
    }
}

/// The line without its `\n` or `\r\n`.
fn strip_line_end(line: &[u8]) -> &[u8] {
    let line = line.strip_suffix(b"\n").unwrap_or(line);
    line.strip_suffix(b"\r").unwrap_or(line)
}

fn trim(bytes: &[u8]) -> &[u8] {
    let blank = |b: &u8| *b == b' ' || *b == b'\t';
    let start = bytes.iter().position(|b| !blank(b)).unwrap_or(bytes.len());
    let end = bytes
        .iter()
        .rposition(|b| !blank(b))
        .map_or(start, |i| i + 1);
    &bytes[start..end]
}

/// A `Content-Length`: decimal digits only (no sign, no blank inside).
fn parse_length(value: &[u8]) -> Result<u64, String> {
    let shown = || String::from_utf8_lossy(&value[..value.len().min(40)]).into_owned();
    if value.is_empty() || !value.iter().all(u8::is_ascii_digit) {
        return Err(format!("`Content-Length` is not a number: `{}`", shown()));
    }
    std::str::from_utf8(value)
        .ok()
        .and_then(|digits| digits.parse::<u64>().ok())
        .ok_or_else(|| format!("`Content-Length` beyond 64 bits: `{}`", shown()))
}

/// Throws away up to `count` bytes as they arrive, without a buffer of its
/// own; returns how many were missing at the end of the input.
fn discard(input: &mut impl BufRead, mut count: u64) -> io::Result<u64> {
    while count > 0 {
        let available = match input.fill_buf() {
            Ok(available) => available.len(),
            Err(err) if err.kind() == io::ErrorKind::Interrupted => continue,
            Err(err) => return Err(err),
        };
        if available == 0 {
            break;
        }
        let n = usize::try_from(count).map_or(available, |c| c.min(available));
        input.consume(n);
        count -= n as u64;
    }
    Ok(count)
}

/// Reads a body of `size` bytes, growing its buffer with the bytes that
/// arrive; shorter when the input ends first.
fn read_body(input: &mut impl BufRead, size: usize) -> io::Result<Vec<u8>> {
    let mut body = Vec::new();
    while body.len() < size {
        let available = match input.fill_buf() {
            Ok(available) => available,
            Err(err) if err.kind() == io::ErrorKind::Interrupted => continue,
            Err(err) => return Err(err),
        };
        if available.is_empty() {
            break;
        }
        let n = available.len().min(size - body.len());
        if body.capacity() - body.len() < n {
            let wanted = (body.capacity() * 2)
                .max(body.len() + n)
                .max(FIRST_BODY_BYTES)
                .min(size);
            body.reserve_exact(wanted - body.len());
        }
        body.extend_from_slice(&available[..n]);
        input.consume(n);
    }
    Ok(body)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{BufReader, Read};

    fn framed(body: &str) -> String {
        format!("Content-Length: {}\r\n\r\n{body}", body.len())
    }

    const HOVER: &str = r#"{"jsonrpc":"2.0","id":7,"method":"textDocument/hover","params":{}}"#;
    const OPENED: &str = r#"{"jsonrpc":"2.0","method":"initialized","params":{}}"#;

    /// Everything the reader finds in `input`, as short strings.
    fn frames(input: &[u8], limit: u64) -> Vec<String> {
        let mut reader = FrameReader::with_limit(input, limit);
        let mut out = Vec::new();
        loop {
            match reader.next_frame() {
                Next::Message(Message::Request(r)) => out.push(format!("request {}", r.method)),
                Next::Message(Message::Notification(n)) => {
                    out.push(format!("notification {}", n.method))
                }
                Next::Message(Message::Response(r)) => out.push(format!("response {}", r.id)),
                Next::Skipped(problem) => out.push(format!("skipped: {problem}")),
                Next::End(None) => return out,
                Next::End(Some(problem)) => {
                    out.push(format!("end: {problem}"));
                    return out;
                }
            }
        }
    }

    #[test]
    fn messages_in_a_row_with_either_line_end_and_any_header_case() {
        let input = format!(
            "{}content-length:{}\nContent-Type: application/vscode-jsonrpc; charset=utf-8\n\n{OPENED}\r\n{}",
            framed(HOVER),
            OPENED.len(),
            framed(HOVER),
        );
        assert_eq!(
            frames(input.as_bytes(), MAX_MESSAGE_BYTES),
            [
                "request textDocument/hover",
                "notification initialized",
                "request textDocument/hover"
            ]
        );
    }

    #[test]
    fn an_oversized_body_is_skipped_unread_and_the_next_message_read() {
        let big = "x".repeat(100);
        let input = format!("{}{}", framed(&big), framed(HOVER));
        let found = frames(input.as_bytes(), 99);
        assert_eq!(found.len(), 2, "{found:?}");
        assert_eq!(
            found[0],
            "skipped: message of 100 bytes is larger than the limit of 99 bytes; it was skipped"
        );
        assert_eq!(found[1], "request textDocument/hover");
        // At the limit, the body is read.
        let exact = framed(HOVER);
        assert_eq!(
            frames(exact.as_bytes(), HOVER.len() as u64),
            ["request textDocument/hover"]
        );
    }

    #[test]
    fn a_huge_claimed_length_reports_e0118_at_once_and_allocates_nothing() {
        let input = b"Content-Length: 1000000000000\r\n\r\n{\"id\":1";
        let mut reader = FrameReader::new(&input[..]);
        let Next::Skipped(problem) = reader.next_frame() else {
            panic!("not skipped");
        };
        assert_eq!(problem.code(), Some(Code::E0118));
        assert!(problem.help().is_some());
        let text = problem.to_string();
        assert!(text.contains("1000000000000 bytes (953674 MiB)"), "{text}");
        assert!(text.contains("536870912 bytes (512 MiB)"), "{text}");
        // The rest of the input is thrown away as part of that body.
        assert!(matches!(reader.next_frame(), Next::End(None)));
        assert!(matches!(reader.next_frame(), Next::End(None)));
    }

    /// A reader that hands out its bytes a few at a time, like a pipe.
    struct Trickle<'a>(&'a [u8], usize);

    impl Read for Trickle<'_> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            let n = self.0.len().min(buf.len()).min(self.1);
            buf[..n].copy_from_slice(&self.0[..n]);
            self.0 = &self.0[n..];
            Ok(n)
        }
    }

    #[test]
    fn a_body_under_the_limit_grows_with_what_arrives_not_with_the_claim() {
        // 400 MB claimed, 10 bytes sent.
        let input = b"Content-Length: 400000000\r\n\r\n0123456789";
        let mut reader = FrameReader::new(BufReader::with_capacity(4, Trickle(input, 3)));
        match reader.next_frame() {
            Next::End(Some(Problem::Truncated { expected, got })) => {
                assert_eq!((expected, got), (400_000_000, 10));
            }
            other => panic!("{other:?}"),
        }
        // The buffer holds at most twice what arrived (or the first 8 KiB),
        // and never more than the length claimed.
        let text = vec![b'a'; 100_000];
        let body = read_body(&mut &text[..], 100_000).expect("read");
        assert_eq!(body.len(), 100_000);
        assert!(body.capacity() <= 100_000, "{}", body.capacity());
        let body = read_body(&mut &text[..5000], 1_000_000_000).expect("read");
        assert_eq!(body.len(), 5000);
        assert!(body.capacity() <= 10_000, "{}", body.capacity());
        let reader = BufReader::with_capacity(7, Trickle(&text, 5));
        let body = read_body(&mut { reader }, 1_000_000_000).expect("read");
        assert_eq!(body.len(), 100_000);
        assert!(body.capacity() <= 200_000, "{}", body.capacity());
    }

    #[test]
    fn a_body_read_in_small_pieces_is_whole() {
        let input = format!("{}{}", framed(HOVER), framed(OPENED));
        let reader = BufReader::with_capacity(4, Trickle(input.as_bytes(), 3));
        let mut reader = FrameReader::new(reader);
        assert!(matches!(
            reader.next_frame(),
            Next::Message(Message::Request(_))
        ));
        assert!(matches!(
            reader.next_frame(),
            Next::Message(Message::Notification(_))
        ));
        assert!(matches!(reader.next_frame(), Next::End(None)));
    }

    #[test]
    fn a_long_header_line_is_thrown_away_as_it_arrives() {
        // A megabyte without a line end, then the end of that header.
        let mut input = vec![b'X'; 1 << 20];
        input.extend_from_slice(b"\r\nContent-Length: 2\r\n\r\n{}");
        input.extend_from_slice(framed(HOVER).as_bytes());
        let reader = BufReader::with_capacity(1000, Trickle(&input, 700));
        let mut reader = FrameReader::new(reader);
        match reader.next_frame() {
            Next::Skipped(Problem::BadHeader(why)) => assert!(why.contains("1024"), "{why}"),
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            reader.next_frame(),
            Next::Message(Message::Request(_))
        ));
        // Without a line end at all, up to the end of the input.
        let input = vec![b'X'; 1 << 20];
        assert_eq!(
            frames(&input, MAX_MESSAGE_BYTES),
            ["end: the input ended inside a message's header"]
        );
    }

    #[test]
    fn a_line_of_exactly_the_limit_is_a_header() {
        let pad = MAX_HEADER_LINE_BYTES - "X-Pad: \r\n".len();
        let input = format!(
            "X-Pad: {}\r\nContent-Length: {}\r\n\r\n{HOVER}",
            "p".repeat(pad),
            HOVER.len()
        );
        assert_eq!(
            frames(input.as_bytes(), MAX_MESSAGE_BYTES),
            ["request textDocument/hover"]
        );
        let input = format!(
            "X-Pad: {}\r\nContent-Length: {}\r\n\r\n{HOVER}",
            "p".repeat(pad + 1),
            HOVER.len()
        );
        assert_eq!(
            frames(input.as_bytes(), MAX_MESSAGE_BYTES),
            ["skipped: malformed header (a header line longer than 1024 bytes); the message was skipped"]
        );
    }

    #[test]
    fn bad_bodies_and_header_lines_are_skipped() {
        let input = format!(
            "{}{}{}Content-Length: 3\r\nnonsense\r\n\r\n{{}}\n{}",
            framed("{oops"),
            framed("[1, 2]"),
            framed("{\"id\": 1}"),
            framed(HOVER)
        );
        let found = frames(input.as_bytes(), MAX_MESSAGE_BYTES);
        assert_eq!(found.len(), 5, "{found:?}");
        for skipped in &found[..3] {
            assert!(
                skipped.starts_with("skipped: message is not JSON-RPC ("),
                "{skipped}"
            );
        }
        assert_eq!(
            found[3],
            "skipped: malformed header (a header line without `:`); the message was skipped"
        );
        assert_eq!(found[4], "request textDocument/hover");
    }

    #[test]
    fn without_a_usable_length_the_framing_is_lost() {
        let cases: [(&str, &str); 6] = [
            (
                "Content-Type: x\r\n\r\n{}",
                "a header without `Content-Length`",
            ),
            (
                "Content-Length: -5\r\n\r\n",
                "`Content-Length` is not a number: `-5`",
            ),
            (
                "Content-Length: +5\r\n\r\n",
                "`Content-Length` is not a number: `+5`",
            ),
            (
                "Content-Length: 1 2\r\n\r\n",
                "`Content-Length` is not a number: `1 2`",
            ),
            (
                "Content-Length: 99999999999999999999\r\n\r\n",
                "`Content-Length` beyond 64 bits: `99999999999999999999`",
            ),
            (
                "Content-Length: 2\r\nContent-Length: 3\r\n\r\n{}",
                "two different `Content-Length` headers",
            ),
        ];
        for (input, why) in cases {
            let found = frames(input.as_bytes(), MAX_MESSAGE_BYTES);
            assert_eq!(
                found,
                [format!("end: lost the framing of the messages: {why}")],
                "{input:?}"
            );
        }
        let many = "X-A: b\r\n".repeat(MAX_HEADER_LINES + 1);
        assert_eq!(
            frames(many.as_bytes(), MAX_MESSAGE_BYTES),
            ["end: lost the framing of the messages: more than 32 header lines"]
        );
        // Leading zeros and blanks around the value are fine, and so is
        // the same length twice.
        let input = format!(
            "Content-Length:  000{} \r\ncontent-length: {}\r\n\r\n{HOVER}",
            HOVER.len(),
            HOVER.len()
        );
        assert_eq!(
            frames(input.as_bytes(), MAX_MESSAGE_BYTES),
            ["request textDocument/hover"]
        );
    }

    #[test]
    fn the_end_of_the_input_ends_cleanly_between_messages_only() {
        assert!(frames(b"", MAX_MESSAGE_BYTES).is_empty());
        assert!(frames(b"\r\n\r\n", MAX_MESSAGE_BYTES).is_empty());
        assert_eq!(
            frames(b"Content-Length: 10\r\n", MAX_MESSAGE_BYTES),
            ["end: the input ended inside a message's header"]
        );
        assert_eq!(
            frames(b"Content-Length: 10\r\n\r\n{\"a\"", MAX_MESSAGE_BYTES),
            ["end: the input ended 4 bytes into a message of 10 bytes"]
        );
    }
}
