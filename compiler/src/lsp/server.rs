//! The stdio loop: the initialisation handshake, then notifications
//! (document changes) and requests in order, with diagnostics published
//! once the changes stop coming for a moment.
//!
//! Synchronous, one thread besides the reader and writer of
//! [`super::transport`] (or none, over `Connection::memory()` with the
//! messages queued, as the `lsp_messages` fuzz target runs it): a request
//! is answered after every change received before it has been analysed. A handler that panics is a bug; it is caught, logged to stderr
//! and answered with an internal error, and the server goes on.

use super::handlers;
use super::position::Encoding;
use super::state::State;
use lsp_server::{Connection, ErrorCode, Message, Notification, ProtocolError, Request, Response};
use lsp_types::notification::{
    DidChangeTextDocument, DidChangeWatchedFiles, DidCloseTextDocument, DidOpenTextDocument,
    DidSaveTextDocument, Notification as _, PublishDiagnostics,
};
use lsp_types::request::{
    Completion, Formatting, GotoDefinition, HoverRequest, References, Request as _,
};
use lsp_types::{
    CompletionOptions, HoverProviderCapability, InitializeParams, OneOf, SaveOptions,
    ServerCapabilities, TextDocumentSyncCapability, TextDocumentSyncKind, TextDocumentSyncOptions,
    TextDocumentSyncSaveOptions,
};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::time::Duration;

/// How long the server waits for more changes before analysing.
const DEBOUNCE: Duration = Duration::from_millis(25);

fn capabilities(encoding: Encoding) -> ServerCapabilities {
    ServerCapabilities {
        position_encoding: Some(encoding.kind()),
        text_document_sync: Some(TextDocumentSyncCapability::Options(
            TextDocumentSyncOptions {
                open_close: Some(true),
                change: Some(TextDocumentSyncKind::INCREMENTAL),
                save: Some(TextDocumentSyncSaveOptions::SaveOptions(SaveOptions {
                    include_text: Some(false),
                })),
                ..TextDocumentSyncOptions::default()
            },
        )),
        definition_provider: Some(OneOf::Left(true)),
        references_provider: Some(OneOf::Left(true)),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        completion_provider: Some(CompletionOptions {
            trigger_characters: Some(vec![".".to_string(), "{".to_string()]),
            ..CompletionOptions::default()
        }),
        document_formatting_provider: Some(OneOf::Left(true)),
        ..ServerCapabilities::default()
    }
}

/// Serves one client over `connection`; returns the exit code (0 after
/// `shutdown` and `exit`, 1 when the client went away without them).
pub fn serve(connection: &Connection) -> Result<u8, ProtocolError> {
    let (id, params) = connection.initialize_start()?;
    let params: InitializeParams = serde_json::from_value(params).unwrap_or_else(|err| {
        log!("prodc lsp: unreadable initialize parameters ({err}); using defaults");
        InitializeParams::default()
    });
    let offered = params
        .capabilities
        .general
        .as_ref()
        .and_then(|g| g.position_encodings.as_deref());
    let encoding = Encoding::negotiate(offered);
    let book_url = params
        .initialization_options
        .as_ref()
        .and_then(|o| o.get("bookUrl"))
        .and_then(|v| v.as_str())
        .unwrap_or(super::diagnostics::BOOK_URL);
    let result = serde_json::json!({
        "capabilities": capabilities(encoding),
        "serverInfo": { "name": "prodc", "version": env!("CARGO_PKG_VERSION") },
    });
    connection.initialize_finish(id, result)?;
    let mut state = State::new(encoding, book_url);
    let mut pending: Option<Message> = None;
    loop {
        let message = match pending.take() {
            Some(message) => message,
            None => match connection.receiver.recv() {
                Ok(message) => message,
                Err(_) => return Ok(1),
            },
        };
        match message {
            Message::Request(request) => {
                if connection.handle_shutdown(&request)? {
                    return Ok(0);
                }
                publish(connection, &mut state);
                let response = answer(&mut state, request);
                send(connection, response.into());
            }
            Message::Notification(notification) => {
                if notification.method == lsp_types::notification::Exit::METHOD {
                    // `exit` without `shutdown` first.
                    return Ok(1);
                }
                let method = notification.method.clone();
                let outcome = catch_unwind(AssertUnwindSafe(|| notify(&mut state, notification)));
                match outcome {
                    Ok(Some(params)) => send(
                        connection,
                        Notification::new(PublishDiagnostics::METHOD.to_string(), params).into(),
                    ),
                    Ok(None) => {}
                    Err(_) => log!("prodc lsp: internal error handling `{method}`"),
                }
            }
            Message::Response(_) => {}
        }
        if state.is_dirty() {
            match connection.receiver.recv_timeout(DEBOUNCE) {
                Ok(message) => pending = Some(message),
                Err(err) if err.is_timeout() => publish(connection, &mut state),
                Err(_) => return Ok(1),
            }
        }
    }
}

fn send(connection: &Connection, message: Message) {
    if connection.sender.send(message).is_err() {
        log!("prodc lsp: the client is gone; a message was not sent");
    }
}

/// Analyses what changed and publishes its diagnostics.
fn publish(connection: &Connection, state: &mut State) {
    if !state.is_dirty() {
        return;
    }
    match catch_unwind(AssertUnwindSafe(|| state.refresh())) {
        Ok(all) => {
            for params in all {
                let method = PublishDiagnostics::METHOD.to_string();
                send(connection, Notification::new(method, params).into());
            }
        }
        Err(_) => log!("prodc lsp: internal error while checking"),
    }
}

/// Applies a notification; a closed document of no project returns the
/// empty diagnostics that clear it.
fn notify(
    state: &mut State,
    notification: Notification,
) -> Option<lsp_types::PublishDiagnosticsParams> {
    fn params<P: serde::de::DeserializeOwned>(n: Notification) -> Option<P> {
        let method = n.method.clone();
        serde_json::from_value(n.params)
            .map_err(|err| log!("prodc lsp: bad parameters of `{method}`: {err}"))
            .ok()
    }
    match notification.method.as_str() {
        DidOpenTextDocument::METHOD => {
            let p: lsp_types::DidOpenTextDocumentParams = params(notification)?;
            let doc = p.text_document;
            state.open(doc.uri, doc.text, doc.version);
        }
        DidChangeTextDocument::METHOD => {
            let p: lsp_types::DidChangeTextDocumentParams = params(notification)?;
            state.change(
                &p.text_document.uri,
                p.text_document.version,
                p.content_changes,
            );
        }
        DidSaveTextDocument::METHOD => {
            let p: lsp_types::DidSaveTextDocumentParams = params(notification)?;
            match p.text {
                Some(text) => state.replace(&p.text_document.uri, text),
                None => state.touch(&p.text_document.uri),
            }
        }
        DidCloseTextDocument::METHOD => {
            let p: lsp_types::DidCloseTextDocumentParams = params(notification)?;
            return state.close(&p.text_document.uri);
        }
        DidChangeWatchedFiles::METHOD => state.files_changed(),
        _ => {}
    }
    None
}

/// Answers a request; a handler that panics is answered with an error.
fn answer(state: &mut State, request: Request) -> Response {
    let id = request.id.clone();
    let method = request.method.clone();
    match catch_unwind(AssertUnwindSafe(|| dispatch(state, request))) {
        Ok(response) => response,
        Err(_) => Response::new_err(
            id,
            ErrorCode::InternalError as i32,
            format!("internal error in `{method}`; see the server's log"),
        ),
    }
}

fn dispatch(state: &mut State, request: Request) -> Response {
    match request.method.as_str() {
        GotoDefinition::METHOD => run::<GotoDefinition>(state, request, handlers::definition),
        References::METHOD => run::<References>(state, request, handlers::references),
        HoverRequest::METHOD => run::<HoverRequest>(state, request, handlers::hover),
        Completion::METHOD => run::<Completion>(state, request, handlers::completion),
        Formatting::METHOD => run::<Formatting>(state, request, handlers::formatting),
        _ => Response::new_err(
            request.id,
            ErrorCode::MethodNotFound as i32,
            format!("`{}` is not supported", request.method),
        ),
    }
}

fn run<R: lsp_types::request::Request>(
    state: &mut State,
    request: Request,
    handler: fn(&mut State, R::Params) -> R::Result,
) -> Response {
    match serde_json::from_value::<R::Params>(request.params) {
        Ok(params) => Response::new_ok(request.id, handler(state, params)),
        Err(err) => Response::new_err(
            request.id,
            ErrorCode::InvalidParams as i32,
            format!("invalid parameters of `{}`: {err}", R::METHOD),
        ),
    }
}
