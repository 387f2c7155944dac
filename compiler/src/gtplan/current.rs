//! A tag's current state, as `prodc plan --current FILE` reads it (the
//! database.txt format of `b2conditionsdb legacydownload`), and the plan
//! that brings it to the manifests' content. Pure: the command line reads
//! the file (size-checked, regular files only) and prints the plan.

use super::diff::{diff, Plan};
use super::{stages, Entry, IovKey, Rev};
use crate::diagnostics::Diagnostic;
use crate::model::{Model, TagId};
use crate::source::FileId;
use crate::syntax::import::{parse_import, ImportedIov};

/// The lines of a current state; malformed ones are left out and reported
/// (`E0104`).
pub fn read_current(file: FileId, text: &str) -> (Vec<ImportedIov>, Vec<Diagnostic>) {
    parse_import(file, text)
}

/// The current state's lines as plan entries (borrowing their names).
pub fn current_entries(lines: &[ImportedIov]) -> Vec<Entry<'_>> {
    lines
        .iter()
        .map(|e| Entry {
            payload: &e.payload.name,
            revision: Rev::of_ast(&e.line.rev),
            iov: IovKey::of(&crate::resolve::values::line_iov(&e.line.iov())),
        })
        .collect()
}

/// The changes that bring tag `tag` (named `name`) from `current`, read
/// from `text`, to its content in the manifests.
pub fn plan_tag<'a>(
    model: &'a Model,
    tag: TagId,
    name: &'a str,
    current: &[Entry<'a>],
    text: &str,
) -> Plan<'a> {
    let desired: Vec<Entry> = stages(model, tag)
        .into_iter()
        .flat_map(|s| s.entries)
        .collect();
    diff(name, &desired, current, text)
}
