//! Lowering the IoV lines of a syntax tree to the model's form as soon as
//! the file is parsed, for a compilation that needs the tree no longer.
//!
//! A tag of a million IoV lines would otherwise be held twice at the end of
//! resolution: once in the syntax trees and once in the model. Taken out of
//! the tree on the thread that parsed it, each payload's lines are freed
//! right after they are converted, and their memory is reused for the next
//! payload's converted lines. Resolution then moves the lowered lines into
//! the model ([`super::resolve_lowered`]); the language server, which keeps
//! its trees between edits, does not lower early and resolves from the tree.

use super::items::iov_entry;
use crate::model::IovEntry;
use crate::source::Span;
use crate::syntax::ast::{Entry, ItemBody, ItemKind, Label, SourceUnit};
use std::collections::HashMap;

/// The lowered lines of each payload block, keyed by the block's span.
pub type LoweredIovs = HashMap<Span, Vec<IovEntry>>;

/// Takes the IoV lines of every payload block of the file's global tags
/// out of the tree and returns them lowered, keyed by the span of their
/// block, in file order.
pub fn take_iov_lines(unit: &mut SourceUnit) -> Vec<(Span, Vec<IovEntry>)> {
    let mut lowered = Vec::new();
    for item in &mut unit.items {
        let (ItemKind::GlobalTag, ItemBody::Block(block)) = (item.kind, &mut item.body) else {
            continue;
        };
        for entry in &mut block.entries {
            let Entry::Nested(nested) = entry else {
                continue;
            };
            // Exactly the blocks that resolution reads lines from.
            if !matches!(nested.label, Label::Name(_)) {
                continue;
            }
            let entries = &mut nested.body.entries;
            let count = entries
                .iter()
                .filter(|e| matches!(e, Entry::Iov(_)))
                .count();
            if count == 0 {
                continue;
            }
            let mut lines = Vec::with_capacity(count);
            lines.extend(entries.iter().filter_map(|e| match e {
                Entry::Iov(line) => Some(iov_entry(line, false)),
                _ => None,
            }));
            if count == entries.len() {
                // Free the whole vector, so that the next block's lines can
                // take its place.
                *entries = Vec::new();
            } else {
                entries.retain(|e| !matches!(e, Entry::Iov(_)));
                entries.shrink_to_fit();
            }
            lowered.push((nested.span, lines));
        }
    }
    lowered
}
