//! The language server's IO: a reader thread that frames the client's
//! messages from stdin with [`FrameReader`] and a writer thread that frames
//! the server's to stdout, joined by channels into the
//! [`lsp_server::Connection`] that [`super::server::serve`] drives.
//!
//! In place of `Connection::stdio()`, whose reader allocates whatever
//! length a header claims and ends the connection at the first message it
//! cannot parse: here a message the reader skips is logged to stderr, one
//! that is too large (`E0118`) is also shown to the user as a
//! `window/showMessage`, and the server goes on with the next one.

use super::framing::{FrameReader, Next, Problem};
use crossbeam_channel::{bounded, Receiver, Sender};
use lsp_server::{Connection, Message, Notification};
use lsp_types::notification::{Notification as _, ShowMessage};
use lsp_types::{MessageType, ShowMessageParams};
use std::io::{self, BufRead, BufReader};
use std::thread::{self, JoinHandle};

/// The stdin buffer: skipping a large body takes fewer reads.
const STDIN_BUFFER_BYTES: usize = 64 * 1024;

/// The writer thread, to be joined after the server has finished, so that
/// its last messages are written out. The reader thread is not joined: it
/// may be blocked on stdin (a client that neither writes nor hangs up),
/// and ends with the process.
pub struct Writer(JoinHandle<io::Result<()>>);

impl Writer {
    /// Waits until everything the server sent is written.
    pub fn join(self) -> io::Result<()> {
        self.0
            .join()
            .unwrap_or_else(|_| Err(io::Error::other("the writer thread panicked")))
    }
}

/// A connection over stdin and stdout.
pub fn stdio() -> io::Result<(Connection, Writer)> {
    // Unbuffered hand-over: the reader reads the next message only once the
    // server has taken the last one, so at most one waits in memory.
    let (to_server, from_client) = bounded::<Message>(0);
    let (to_client, from_server) = bounded::<Message>(0);
    thread::Builder::new()
        .name("lsp-reader".to_string())
        .spawn(move || {
            let input = BufReader::with_capacity(STDIN_BUFFER_BYTES, io::stdin());
            // The writer thread and this one each write whole messages
            // under stdout's lock, so their bytes never interleave.
            let notify = |message: Message| {
                if let Err(err) = message.write(&mut io::stdout().lock()) {
                    say!("prodc lsp: cannot write to the client: {err}");
                }
            };
            if let Some(problem) = pump(input, &to_server, notify) {
                say!("prodc lsp: {problem}; no more messages are read");
            }
        })?;
    let writer = thread::Builder::new()
        .name("lsp-writer".to_string())
        .spawn(move || write_all(&from_server, |m| m.write(&mut io::stdout().lock())))?;
    let connection = Connection {
        sender: to_client,
        receiver: from_client,
    };
    Ok((connection, Writer(writer)))
}

/// Hands the messages read from `input` to the server until the input
/// ends, the server is gone or the client sent `exit`. A skipped message is
/// logged; one the user can act on (`E0118`) is also passed to `notify` as
/// a `window/showMessage` for the client. Returns the problem that ended
/// the input, if one did.
pub fn pump(
    input: impl BufRead,
    to_server: &Sender<Message>,
    mut notify: impl FnMut(Message),
) -> Option<Problem> {
    let mut reader = FrameReader::new(input);
    loop {
        match reader.next_frame() {
            Next::Message(message) => {
                let exit = matches!(&message, Message::Notification(n)
                    if n.method == lsp_types::notification::Exit::METHOD);
                if to_server.send(message).is_err() || exit {
                    return None;
                }
            }
            Next::Skipped(problem) => {
                let text = describe(&problem);
                say!("prodc lsp: {text}");
                if problem.code().is_some() {
                    notify(show_message(text));
                }
            }
            Next::End(problem) => return problem,
        }
    }
}

/// The problem as one line: code, message and help.
pub fn describe(problem: &Problem) -> String {
    let mut text = match problem.code() {
        Some(code) => format!("{code}: {problem}"),
        None => problem.to_string(),
    };
    if let Some(help) = problem.help() {
        text.push_str("; help: ");
        text.push_str(help);
    }
    text
}

fn show_message(message: String) -> Message {
    let params = ShowMessageParams {
        typ: MessageType::ERROR,
        message,
    };
    Notification::new(ShowMessage::METHOD.to_string(), params).into()
}

/// Writes the server's messages until it drops its sender. After a write
/// fails (the client closed its input) the rest are taken and dropped, so
/// that the server's sends never fail.
fn write_all(
    from_server: &Receiver<Message>,
    mut write: impl FnMut(&Message) -> io::Result<()>,
) -> io::Result<()> {
    let mut result = Ok(());
    for message in from_server {
        if result.is_ok() {
            result = write(&message);
        }
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn framed(body: &str) -> String {
        format!("Content-Length: {}\r\n\r\n{body}", body.len())
    }

    #[test]
    fn pump_hands_over_messages_reports_oversized_ones_and_stops_at_exit() {
        let input = format!("Content-Length: 1000000000000\r\n\r\n{}", "x".repeat(100));
        let (to_server, from_client) = crossbeam_channel::unbounded();
        let mut notices = Vec::new();
        let end = pump(input.as_bytes(), &to_server, |m| notices.push(m));
        assert!(end.is_none());
        assert!(from_client.try_recv().is_err());
        let [Message::Notification(notice)] = &notices[..] else {
            panic!("{notices:?}");
        };
        assert_eq!(notice.method, "window/showMessage");
        let text = notice.params["message"].as_str().unwrap_or("");
        assert!(
            text.starts_with("E0118: message of 1000000000000 bytes"),
            "{text}"
        );
        assert!(text.contains("help: "), "{text}");

        let hover = r#"{"jsonrpc":"2.0","id":1,"method":"textDocument/hover"}"#;
        let exit = r#"{"jsonrpc":"2.0","method":"exit"}"#;
        let input = format!(
            "{}{}{}{}",
            framed("{oops"),
            framed(hover),
            framed(exit),
            framed(hover)
        );
        let mut notices = Vec::new();
        let end = pump(input.as_bytes(), &to_server, |m| notices.push(m));
        assert!(end.is_none());
        assert!(notices.is_empty(), "a bad body is only logged");
        let methods: Vec<String> = from_client
            .try_iter()
            .map(|m| match m {
                Message::Request(r) => r.method,
                Message::Notification(n) => n.method,
                Message::Response(r) => r.id.to_string(),
            })
            .collect();
        assert_eq!(methods, ["textDocument/hover", "exit"]);

        let end = pump(&b"Content-Length: x\r\n\r\n"[..], &to_server, |_| {});
        assert!(matches!(end, Some(Problem::FramingLost(_))));
    }

    #[test]
    fn the_writer_frames_each_message_and_drains_after_a_failed_write() {
        let (to_client, from_server) = crossbeam_channel::unbounded();
        for id in 0..3 {
            let response = lsp_server::Response::new_ok(id.into(), serde_json::Value::Null);
            to_client.send(Message::Response(response)).expect("send");
        }
        drop(to_client);
        let mut out = Vec::new();
        write_all(&from_server, |m| m.write(&mut out)).expect("write");
        let mut reader = FrameReader::new(&out[..]);
        for _ in 0..3 {
            assert!(matches!(
                reader.next_frame(),
                Next::Message(Message::Response(_))
            ));
        }
        assert!(matches!(reader.next_frame(), Next::End(None)));

        struct Closed;
        impl Write for Closed {
            fn write(&mut self, _: &[u8]) -> io::Result<usize> {
                Err(io::ErrorKind::BrokenPipe.into())
            }
            fn flush(&mut self) -> io::Result<()> {
                Ok(())
            }
        }
        let (to_client, from_server) = crossbeam_channel::unbounded();
        for id in 0..3 {
            let response = lsp_server::Response::new_ok(id.into(), serde_json::Value::Null);
            to_client.send(Message::Response(response)).expect("send");
        }
        drop(to_client);
        assert!(write_all(&from_server, |m| m.write(&mut Closed)).is_err());
        assert!(from_server.is_empty());
    }
}
