//! Name resolution: the syntax trees of all files become one typed
//! [`Model`].
//!
//! First every item is entered in one namespace (`E0201` for a name used
//! twice; the standard library's items are named `std.NAME`), then each item
//! is converted field by field against its schema, resolving references
//! (`E0202` unknown, `E0203` wrong kind) and values (`E03xx`).

mod fields;
mod items;
pub mod lower;
pub mod schema;
pub mod values;

use crate::diagnostics::{did_you_mean, Code, Diagnostic};
use crate::model::{EnumDef, EnumEntry, Model, Name};
use crate::project::{Project, STD_PREFIX};
use crate::source::Span;
use crate::syntax::ast::{Item, ItemBody, ItemKind, Value, ValueKind};
use std::collections::BTreeMap;

/// Where a name is defined.
#[derive(Debug, Clone, Copy)]
struct Symbol {
    kind: ItemKind,
    /// Index among the items of its kind.
    index: u32,
    span: Span,
}

/// The project's one namespace.
#[derive(Debug, Default)]
pub(crate) struct Symbols {
    names: BTreeMap<String, Symbol>,
}

/// An article and the kind's name, for "`x` is a layout".
fn kind_noun(kind: ItemKind) -> &'static str {
    match kind {
        ItemKind::Release => "a release",
        ItemKind::GlobalTag => "a globaltag",
        ItemKind::Calibration => "a calibration",
        ItemKind::Processing => "a processing",
        ItemKind::Campaign => "a campaign",
        ItemKind::Skim => "a skim",
        ItemKind::Layout => "a layout",
        ItemKind::Enum => "an enum",
    }
}

fn kinds_text(kinds: &[ItemKind]) -> String {
    let nouns: Vec<&str> = kinds.iter().map(|k| kind_noun(*k)).collect();
    nouns.join(" or ")
}

impl Symbols {
    /// Resolves the value of a reference field to an item of one of `kinds`.
    pub(crate) fn reference(
        &self,
        field: &str,
        value: &Value,
        kinds: &[ItemKind],
        diags: &mut Vec<Diagnostic>,
    ) -> Option<(ItemKind, u32)> {
        let ValueKind::Path(parts) = &value.kind else {
            if value.kind != ValueKind::Error {
                diags.push(values::wrong_type(
                    field,
                    &format!("the name of {}", kinds_text(kinds)),
                    value,
                ));
            }
            return None;
        };
        let name = values::path_text(parts);
        match self.names.get(&name) {
            Some(symbol) if kinds.contains(&symbol.kind) => Some((symbol.kind, symbol.index)),
            Some(symbol) => {
                let wanted: Vec<&str> = self
                    .names
                    .iter()
                    .filter(|(_, s)| kinds.contains(&s.kind))
                    .map(|(n, _)| n.as_str())
                    .collect();
                let mut diag = Diagnostic::new(
                    Code::E0203,
                    format!(
                        "`{name}` is {}, expected {}",
                        kind_noun(symbol.kind),
                        kinds_text(kinds)
                    ),
                    value.span,
                    format!("expected {}", kinds_text(kinds)),
                )
                .with_label(
                    symbol.span,
                    format!("`{name}` is defined here as {}", kind_noun(symbol.kind)),
                );
                if let Some(s) = did_you_mean(&name, wanted.iter().copied()) {
                    diag = diag.with_help(format!("did you mean `{s}`?"));
                } else {
                    diag = diag.with_help(format!("`{field}` takes {}", kinds_text(kinds)));
                }
                diags.push(diag);
                None
            }
            None => {
                diags.push(self.unknown(&name, value.span, kinds));
                None
            }
        }
    }

    fn unknown(&self, name: &str, span: Span, kinds: &[ItemKind]) -> Diagnostic {
        let diag = Diagnostic::new(
            Code::E0202,
            format!("unknown name `{name}`"),
            span,
            format!(
                "no {} has this name",
                kinds_text(kinds).replace("a ", "").replace("an ", "")
            ),
        );
        let std_name = format!("{STD_PREFIX}.{name}");
        if self
            .names
            .get(&std_name)
            .is_some_and(|s| kinds.contains(&s.kind))
        {
            return diag.with_help(format!(
                "did you mean `{std_name}`? items of the standard library are named with `std.`"
            ));
        }
        // Prefer a suggestion of the expected kind, then any name at all.
        let of_kind = self
            .names
            .iter()
            .filter(|(_, s)| kinds.contains(&s.kind))
            .map(|(n, _)| n.as_str());
        let suggestion = did_you_mean(name, of_kind)
            .or_else(|| did_you_mean(name, self.names.keys().map(String::as_str)));
        match suggestion {
            Some(s) => {
                let symbol = self.names[s];
                let note = if kinds.contains(&symbol.kind) {
                    String::new()
                } else {
                    format!(" ({})", kind_noun(symbol.kind))
                };
                diag.with_help(format!("did you mean `{s}`?{note}"))
            }
            None => diag.with_help(format!(
                "declare {} with this name, or fix the spelling",
                kinds_text(kinds)
            )),
        }
    }
}

/// One item with its full name, in the order it is converted.
pub(crate) struct Entry<'a> {
    pub item: &'a Item,
    pub name: Name,
    pub is_std: bool,
}

/// Builds the model of a loaded project.
pub fn resolve(project: &Project) -> (Model, Vec<Diagnostic>) {
    resolve_lowered(project, lower::LoweredIovs::new())
}

/// [`resolve`] of a project whose files had their IoV lines taken out and
/// lowered early ([`lower::take_iov_lines`]): the payloads take their lines
/// from `lowered`, without copying them.
pub fn resolve_lowered(project: &Project, lowered: lower::LoweredIovs) -> (Model, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let mut symbols = Symbols::default();
    let mut entries: Vec<Entry> = Vec::new();
    let mut counts: BTreeMap<ItemKind, u32> = BTreeMap::new();
    for file in &project.files {
        for item in &file.unit.items {
            let text = if file.is_std {
                format!("{STD_PREFIX}.{}", item.name.name)
            } else {
                item.name.name.clone()
            };
            let name = Name {
                text: text.clone(),
                span: item.name.span,
            };
            let count = counts.entry(item.kind).or_insert(0);
            match symbols.names.get(&text) {
                Some(first) => diags.push(
                    Diagnostic::new(
                        Code::E0201,
                        format!("the name `{text}` is defined twice"),
                        item.name.span,
                        format!("`{text}` defined again here"),
                    )
                    .with_label(first.span, "first defined here")
                    .with_help("names are unique across the whole project; rename one of them"),
                ),
                None => {
                    symbols.names.insert(
                        text,
                        Symbol {
                            kind: item.kind,
                            index: *count,
                            span: item.name.span,
                        },
                    );
                }
            }
            *count += 1;
            entries.push(Entry {
                item,
                name,
                is_std: file.is_std,
            });
        }
    }
    let mut model = Model {
        enums: enum_defs(&entries, &mut diags),
        ..Model::default()
    };
    items::convert_all(&entries, &symbols, project, lowered, &mut model, &mut diags);
    (model, diags)
}

/// The enums, needed before any other item can be converted.
fn enum_defs(entries: &[Entry], diags: &mut Vec<Diagnostic>) -> Vec<EnumDef> {
    entries
        .iter()
        .filter_map(|e| match &e.item.body {
            ItemBody::Enum(list) => Some((e, list)),
            ItemBody::Block(_) => None,
        })
        .map(|(e, list)| {
            let mut seen: BTreeMap<&str, Span> = BTreeMap::new();
            let mut out = Vec::new();
            for entry in list {
                if let Some(first) = seen.insert(&entry.name.name, entry.name.span) {
                    diags.push(
                        Diagnostic::new(
                            Code::E0201,
                            format!("enum entry `{}` is defined twice", entry.name.name),
                            entry.name.span,
                            "defined again here",
                        )
                        .with_label(first, "first defined here"),
                    );
                    continue;
                }
                let text = entry
                    .text
                    .as_ref()
                    .map_or_else(|| entry.name.name.clone(), |t| t.value.clone());
                out.push(EnumEntry {
                    name: entry.name.name.clone(),
                    text,
                });
            }
            EnumDef {
                name: e.name.clone(),
                docs: e.item.docs.clone(),
                entries: out,
                is_std: e.is_std,
            }
        })
        .collect()
}
