//! The requests: definition, references, hover, completion, formatting.
//! Each answers from the last analysis of the document's project (the
//! server refreshes dirty projects before it answers a request), and
//! answers "nothing" rather than failing when the position names nothing.

use super::complete::{candidates, context, typed_word};
use super::position::LineIndex;
use super::state::State;
use super::{hover, navigate};
use crate::source::FileId;
use lsp_types::{
    CompletionItem, CompletionParams, CompletionResponse, CompletionTextEdit,
    DocumentFormattingParams, GotoDefinitionParams, GotoDefinitionResponse, Hover, HoverContents,
    HoverParams, Location, MarkupContent, MarkupKind, Range, ReferenceParams, TextEdit,
};

pub fn definition(
    state: &mut State,
    params: GotoDefinitionParams,
) -> Option<GotoDefinitionResponse> {
    let at = params.text_document_position_params;
    let analysis = state.analysis(&at.text_document.uri)?;
    let offset = LineIndex::new(analysis.text()).offset(at.position, analysis.encoding);
    let occurrence = analysis.index.at(analysis.file, offset)?;
    let locations = navigate::definition(&analysis, occurrence);
    (!locations.is_empty()).then_some(GotoDefinitionResponse::Array(locations))
}

pub fn references(state: &mut State, params: ReferenceParams) -> Option<Vec<Location>> {
    let at = params.text_document_position;
    let analysis = state.analysis(&at.text_document.uri)?;
    let offset = LineIndex::new(analysis.text()).offset(at.position, analysis.encoding);
    let occurrence = analysis.index.at(analysis.file, offset)?;
    Some(navigate::references(
        &analysis,
        occurrence,
        params.context.include_declaration,
    ))
}

pub fn hover(state: &mut State, params: HoverParams) -> Option<Hover> {
    let at = params.text_document_position_params;
    let analysis = state.analysis(&at.text_document.uri)?;
    let lines = LineIndex::new(analysis.text());
    let offset = lines.offset(at.position, analysis.encoding);
    let occurrence = analysis.index.at(analysis.file, offset)?;
    let value = hover::hover(&analysis, occurrence, offset)?;
    let span = occurrence.span;
    Some(Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: MarkupKind::Markdown,
            value,
        }),
        range: Some(lines.range(span.start as usize, span.end as usize, analysis.encoding)),
    })
}

pub fn completion(state: &mut State, params: CompletionParams) -> Option<CompletionResponse> {
    let at = params.text_document_position;
    let encoding = state.encoding;
    let text = state.text(&at.text_document.uri)?.to_string();
    let lines = LineIndex::new(&text);
    let offset = lines.offset(at.position, encoding);
    let start = typed_word(&text, offset);
    let cx = context(&text[..start]);
    let analysis = state.analysis(&at.text_document.uri);
    let model = analysis.as_ref().map(|a| &*a.checked.model);
    let index = analysis.as_ref().map(|a| a.index);
    let range = lines.range(start, offset, encoding);
    let items: Vec<CompletionItem> = candidates(&cx, model, index)
        .into_iter()
        .map(|c| CompletionItem {
            filter_text: Some(c.label.clone()),
            label: c.label,
            kind: Some(c.kind),
            detail: Some(c.detail),
            text_edit: Some(CompletionTextEdit::Edit(TextEdit::new(range, c.insert))),
            ..CompletionItem::default()
        })
        .collect();
    Some(CompletionResponse::Array(items))
}

/// One edit replacing the whole document with its canonical layout; no
/// edit when it is already formatted, `None` when it has syntax errors.
pub fn formatting(state: &mut State, params: DocumentFormattingParams) -> Option<Vec<TextEdit>> {
    let text = state.text(&params.text_document.uri)?;
    match crate::fmt::format(FileId(0), text) {
        Ok(formatted) if formatted == text => Some(Vec::new()),
        Ok(formatted) => {
            let end = LineIndex::new(text).end(state.encoding);
            let whole = Range::new(lsp_types::Position::new(0, 0), end);
            Some(vec![TextEdit::new(whole, formatted)])
        }
        Err(diags) => {
            log!(
                "prodc lsp: not formatting {}: {} syntax errors",
                params.text_document.uri.as_str(),
                diags.len()
            );
            None
        }
    }
}
