//! Go to definition and find references.
//!
//! Items are found through the index's namespace, so a reference leads to
//! the definition the resolver chose (the first, for a duplicate name).
//! `std.` items and enum values lead into the standard library's files
//! written by [`super::stdlib`]; a payload imported with `payloads from`
//! leads to its line in the import file; `payloads from "…"` leads to the
//! file. Samples and productions are referenced nowhere in the language,
//! so their references are their definitions.

use super::index::{Occurrence, Role, Target};
use super::position::LineIndex;
use super::state::Analysis;
use crate::source::{FileId, Span};
use lsp_types::{Location, Position, Range};
use std::collections::HashMap;

/// Converts spans of one analysis to locations, keeping line indexes.
struct Locator<'a, 'b> {
    analysis: &'b Analysis<'a>,
    lines: HashMap<FileId, LineIndex<'b>>,
}

impl<'a, 'b> Locator<'a, 'b> {
    fn new(analysis: &'b Analysis<'a>) -> Self {
        Locator {
            analysis,
            lines: HashMap::new(),
        }
    }

    fn location(&mut self, span: Span) -> Option<Location> {
        let uri = self.analysis.uri_of(span.file)?;
        let sources = &self.analysis.checked.project.sources;
        let index = self
            .lines
            .entry(span.file)
            .or_insert_with(|| LineIndex::new(&sources.get(span.file).text));
        let range = index.range(
            span.start as usize,
            span.end as usize,
            self.analysis.encoding,
        );
        Some(Location::new(uri, range))
    }
}

/// The spans defining a target.
fn definition_spans(analysis: &Analysis, target: &Target) -> Vec<Span> {
    match target {
        Target::Item(name) => analysis
            .index
            .items
            .get(name)
            .map(|(_, span)| vec![*span])
            .unwrap_or_default(),
        Target::Payload { tag, payload } => {
            let written = analysis.index.definitions.get(target);
            match written {
                Some(spans) => spans.clone(),
                // Imported only: the line of the import file.
                None => analysis
                    .checked
                    .model
                    .tags
                    .iter()
                    .find(|t| &t.name.text == tag)
                    .and_then(|t| t.payloads.iter().find(|p| &p.name.text == payload))
                    .map(|p| vec![p.name.span])
                    .unwrap_or_default(),
            }
        }
        Target::Field { .. } | Target::Template { .. } | Target::Import { .. } => Vec::new(),
        _ => analysis
            .index
            .definitions
            .get(target)
            .cloned()
            .unwrap_or_default(),
    }
}

/// Where the name at `occurrence` is defined.
pub fn definition(analysis: &Analysis, occurrence: &Occurrence) -> Vec<Location> {
    if let Target::Import { path } = &occurrence.target {
        let Some(file) = analysis
            .checked
            .project
            .sources
            .files()
            .find(|(_, f)| &f.name == path)
            .map(|(id, _)| id)
        else {
            return Vec::new();
        };
        let start = Position::new(0, 0);
        return analysis
            .uri_of(file)
            .map(|uri| vec![Location::new(uri, Range::new(start, start))])
            .unwrap_or_default();
    }
    let mut locator = Locator::new(analysis);
    definition_spans(analysis, &occurrence.target)
        .into_iter()
        .filter_map(|span| locator.location(span))
        .collect()
}

/// Every use of the name at `occurrence`, with its definitions when asked.
pub fn references(
    analysis: &Analysis,
    occurrence: &Occurrence,
    include_declaration: bool,
) -> Vec<Location> {
    let target = &occurrence.target;
    if matches!(
        target,
        Target::Field { .. } | Target::Template { .. } | Target::Import { .. }
    ) {
        return Vec::new();
    }
    let mut spans: Vec<Span> = Vec::new();
    if include_declaration {
        spans.extend(definition_spans(analysis, target));
    }
    spans.extend(
        analysis
            .index
            .occurrences(target)
            .filter(|o| o.role == Role::Reference)
            .map(|o| o.span),
    );
    spans.sort();
    spans.dedup();
    let mut locator = Locator::new(analysis);
    spans
        .into_iter()
        .filter_map(|span| locator.location(span))
        .collect()
}
