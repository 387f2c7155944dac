//! Fuzz target: the language server's message handling. The bytes are
//! what a client writes to `prodc lsp`'s stdin: the server's own framing
//! reader decodes them (with a small body limit, so that skipping an
//! oversized body and going on is reached within `-max_len`), and every
//! message is handed to the server loop, `serve`, over an in-memory
//! connection, after an `initialize` handshake when the input has none.
//! Nothing may panic (libFuzzer's panic hook aborts even inside the
//! server's `catch_unwind`), nothing is allocated for a length a header
//! only claims (libFuzzer's `-malloc_limit_mb`), and every message the
//! server sends frames and decodes again.
//!
//! URIs starting with `file:///project/` are moved into a copy of the
//! shipped project (`manifests/`, with the processing of `lsp_project/`),
//! written once per process to a temporary directory (the server reads
//! projects from disk), so that hover, definitions, references and
//! completion run on a checked model; other URIs are documents of no
//! project.
#![no_main]

use libfuzzer_sys::fuzz_target;
use lsp_server::{Connection, Message, Notification, Request, RequestId};
use prodc::lsp::framing::{FrameReader, Next};
use std::path::PathBuf;
use std::sync::OnceLock;

/// Bodies over this many bytes are skipped.
const BODY_LIMIT: u64 = 2048;
/// The URI prefix of the project in the inputs.
const PLACEHOLDER: &str = "file:///project/";

/// The shipped project: path and contents.
const PROJECT: &[(&str, &[u8])] = &[
    ("Prod.toml", include_bytes!("../../manifests/Prod.toml")),
    ("releases.prod", include_bytes!("../../manifests/releases.prod")),
    ("dumps/bucket6.txt", include_bytes!("../../manifests/dumps/bucket6.txt")),
    ("mc12/campaign.prod", include_bytes!("../../manifests/mc12/campaign.prod")),
    ("mc12/tags.prod", include_bytes!("../../manifests/mc12/tags.prod")),
    ("proc9/calibrations.prod", include_bytes!("../../manifests/proc9/calibrations.prod")),
    // With a few runs per range: a check in milliseconds.
    ("proc9/processing.prod", include_bytes!("../lsp_project/processing.prod")),
    ("proc9/tags.prod", include_bytes!("../../manifests/proc9/tags.prod")),
    ("steering/MC12b.py", include_bytes!("../../manifests/steering/MC12b.py")),
    ("steering/proc9.py", include_bytes!("../../manifests/steering/proc9.py")),
];

/// The URI of the project's directory, with a trailing `/`.
fn project_uri() -> &'static str {
    static URI: OnceLock<String> = OnceLock::new();
    URI.get_or_init(|| {
        // One directory per process: CI runs several workers at once.
        let base: PathBuf =
            std::env::temp_dir().join(format!("prodc-fuzz-lsp-{}", std::process::id()));
        let root = base.join("project");
        for (path, bytes) in PROJECT {
            let path = root.join(path);
            std::fs::create_dir_all(path.parent().expect("inside the project"))
                .expect("create the project's directories");
            std::fs::write(&path, bytes).expect("write the project");
        }
        // The server writes the standard library below the cache
        // directory: a scratch one beside the project, not the user's.
        std::env::set_var("XDG_CACHE_HOME", base.join("cache"));
        let uri = prodc::lsp::uri::from_path(&root).expect("a plain temporary path");
        format!("{}/", uri.as_str())
    })
}

/// The message with its placeholder URIs moved into the project.
fn into_project(message: Message) -> Message {
    let text = serde_json::to_string(&message).expect("a message serialises");
    if !text.contains(PLACEHOLDER) {
        return message;
    }
    let text = text.replace(PLACEHOLDER, project_uri());
    serde_json::from_str(&text).expect("the URI of a plain path keeps the JSON valid")
}

fn initialize() -> Message {
    let params = serde_json::json!({
        "processId": null,
        "rootUri": project_uri(),
        "capabilities": {},
    });
    Request::new(RequestId::from(0), "initialize".to_string(), params).into()
}

fn initialized() -> Message {
    Notification::new("initialized".to_string(), serde_json::json!({})).into()
}

fn is(message: &Message, method: &str) -> bool {
    match message {
        Message::Request(r) => r.method == method,
        Message::Notification(n) => n.method == method,
        Message::Response(_) => false,
    }
}

fuzz_target!(|data: &[u8]| {
    // Written before the server first runs (and reads the environment).
    project_uri();
    let mut reader = FrameReader::with_limit(data, BODY_LIMIT);
    let mut messages = Vec::new();
    loop {
        match reader.next_frame() {
            Next::Message(message) => messages.push(into_project(message)),
            // The text the server logs and shows for it.
            Next::Skipped(problem) => {
                let _ = prodc::lsp::transport::describe(&problem);
            }
            Next::End(problem) => {
                if let Some(problem) = problem {
                    let _ = prodc::lsp::transport::describe(&problem);
                }
                break;
            }
        }
    }
    // The handshake first, the input's own if it has one.
    let mut rest = messages.into_iter().peekable();
    let mut queue = Vec::new();
    queue.push(match rest.next_if(|m| is(m, "initialize")) {
        Some(own) => own,
        None => initialize(),
    });
    queue.push(match rest.next_if(|m| is(m, "initialized")) {
        Some(own) => own,
        None => initialized(),
    });
    queue.extend(rest);

    // Every message is queued before the loop starts, and the client's
    // side hung up: the loop runs to the end of the queue on this thread
    // and never waits (a closed channel ends each wait at once).
    let (server, client) = Connection::memory();
    let Connection { sender, receiver } = client;
    for message in queue {
        sender.send(message).expect("the server's side is open");
    }
    drop(sender);
    let _ = prodc::lsp::server::serve(&server);
    drop(server);

    for message in receiver.try_iter() {
        let mut bytes = Vec::new();
        message.write(&mut bytes).expect("writes to memory");
        let mut again = FrameReader::new(&bytes[..]);
        assert!(
            matches!(again.next_frame(), Next::Message(_)),
            "the server sent a message that does not decode: {message:?}"
        );
        assert!(matches!(again.next_frame(), Next::End(None)));
    }
});
