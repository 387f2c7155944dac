//! Replays the inputs of the `lsp_messages` fuzz target (its seed corpus
//! and the crashes it found, `tests/fixtures/fuzz/lsp_messages/`) the way
//! the target runs them, but through the real binary: the bytes framed
//! with the target's body limit, an `initialize` handshake put first when
//! the input has none, `file:///project/` URIs moved into a project, and
//! every message written to `prodc lsp`. See fuzz/README.md.

use lsp_server::Message;
use prodc::lsp::framing::{FrameReader, Next};
use serde_json::{json, Value};
use std::io::{Read, Write};
use std::path::Path;
use std::process::{Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

/// The target's body limit (`BODY_LIMIT` in fuzz_targets/lsp_messages.rs).
const BODY_LIMIT: u64 = 2048;
/// The target's placeholder of the project's URI.
const PLACEHOLDER: &str = "file:///project/";
/// A safety net for a server that hangs, not a timing.
const TIMEOUT: Duration = Duration::from_secs(120);

/// What became of one replayed input.
pub struct Replayed {
    pub status: ExitStatus,
    /// Everything the server wrote, decoded.
    pub messages: Vec<Value>,
    pub stderr: String,
}

/// The message framed, with the placeholder moved into the project.
fn frame(message: &Value, project_uri: &str) -> Vec<u8> {
    let body = message.to_string().replace(PLACEHOLDER, project_uri);
    let mut out = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
    out.extend_from_slice(body.as_bytes());
    out
}

/// The input as the target hands it to the server, framed again.
pub fn session(data: &[u8], project_uri: &str) -> Vec<u8> {
    let mut reader = FrameReader::with_limit(data, BODY_LIMIT);
    let mut messages: Vec<Value> = Vec::new();
    loop {
        match reader.next_frame() {
            Next::Message(message) => {
                messages.push(serde_json::to_value(&message).expect("a message serialises"))
            }
            Next::Skipped(_) => {}
            Next::End(_) => break,
        }
    }
    let mut rest = messages.into_iter().peekable();
    let mut out = Vec::new();
    let initialize = rest.next_if(|m| m["method"] == "initialize" && m.get("id").is_some());
    let initialize = initialize.unwrap_or_else(|| {
        json!({"jsonrpc": "2.0", "id": 0, "method": "initialize",
               "params": {"processId": null, "rootUri": PLACEHOLDER, "capabilities": {}}})
    });
    out.extend(frame(&initialize, project_uri));
    let initialized = rest.next_if(|m| m["method"] == "initialized" && m.get("id").is_none());
    let initialized = initialized
        .unwrap_or_else(|| json!({"jsonrpc": "2.0", "method": "initialized", "params": {}}));
    out.extend(frame(&initialized, project_uri));
    for message in rest {
        out.extend(frame(&message, project_uri));
    }
    out
}

/// The ids of the requests of a session the server must answer: all of
/// them up to the first `shutdown` (included) or `exit` notification.
pub fn requests_to_answer(session: &[u8]) -> Vec<Value> {
    let mut reader = FrameReader::new(session);
    let mut ids = Vec::new();
    while let Next::Message(message) = reader.next_frame() {
        match message {
            Message::Request(request) => {
                ids.push(serde_json::to_value(&request.id).expect("an id serialises"));
                if request.method == "shutdown" {
                    break;
                }
            }
            Message::Notification(n) if n.method == "exit" => break,
            _ => {}
        }
    }
    ids
}

/// Writes `input` to a fresh `prodc lsp`, closes its stdin and collects
/// what it wrote until it exits.
pub fn run(input: Vec<u8>, cache: &Path) -> Replayed {
    let mut child = Command::new(env!("CARGO_BIN_EXE_prodc"))
        .arg("lsp")
        .env("XDG_CACHE_HOME", cache)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start prodc lsp");
    let mut stdin = child.stdin.take().expect("stdin");
    // The server may stop reading (after `exit`): a failed write is fine.
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(&input);
    });
    let drain = |mut pipe: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            let _ = pipe.read_to_end(&mut bytes);
            bytes
        })
    };
    let stdout = drain(Box::new(child.stdout.take().expect("stdout")));
    let stderr = drain(Box::new(child.stderr.take().expect("stderr")));
    let deadline = Instant::now() + TIMEOUT;
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("the server did not exit");
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    writer.join().expect("writer");
    let stdout = stdout.join().expect("stdout");
    let stderr = String::from_utf8_lossy(&stderr.join().expect("stderr")).into_owned();
    let mut reader = FrameReader::new(&stdout[..]);
    let mut messages = Vec::new();
    loop {
        match reader.next_frame() {
            Next::Message(message) => {
                messages.push(serde_json::to_value(&message).expect("serialises"))
            }
            Next::End(None) => break,
            other => panic!("the server wrote a bad frame: {other:?}\n{stderr}"),
        }
    }
    Replayed {
        status,
        messages,
        stderr,
    }
}
