//! The names of a checked project and where they occur.
//!
//! Built from the syntax trees once per analysis, on the first request that
//! needs it: every definition (items, enum entries, payloads, samples,
//! productions) and every use (references, enum values, produced payloads,
//! field names, layout templates, imported files), each with its span. A
//! position is looked up by binary search in its file's sorted list.

use super::schema::{enum_of, map_owner, reference_kinds, Owner};
use crate::project::{normalize, parent_dir, Project, STD_PREFIX};
use crate::resolve::values::path_text;
use crate::source::{FileId, Span};
use crate::syntax::ast::{Block, Entry, ItemBody, ItemKind, Label, NestedKind, Value, ValueKind};
use std::collections::{BTreeMap, HashMap};

/// What a name denotes.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Target {
    /// An item, by its full name (`std.kekcc_data` for the standard library).
    Item(String),
    Payload {
        tag: String,
        payload: String,
    },
    Sample {
        campaign: String,
        sample: String,
    },
    Production {
        campaign: String,
        sample: String,
        id: u64,
    },
    /// An entry of an enum; `enum_name` is the enum's full name.
    EnumValue {
        enum_name: String,
        entry: String,
    },
    /// The name of a field.
    Field {
        owner: Owner,
        field: String,
    },
    /// The `path` or `skim_path` string of a layout (its placeholders).
    Template {
        layout: String,
    },
    /// The file of `payloads from "…"`, project-relative.
    Import {
        path: String,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Definition,
    Reference,
}

#[derive(Debug, Clone)]
pub struct Occurrence {
    pub span: Span,
    pub target: Target,
    pub role: Role,
}

/// Every name of a project.
#[derive(Debug, Default)]
pub struct Index {
    /// Items by full name: kind and the span of the name (the first
    /// definition, as for the resolver).
    pub items: BTreeMap<String, (ItemKind, Span)>,
    /// Occurrences per file, sorted by start.
    pub files: HashMap<FileId, Vec<Occurrence>>,
    /// Where each target other than an item is defined.
    pub definitions: HashMap<Target, Vec<Span>>,
}

impl Index {
    pub fn build(project: &Project) -> Index {
        let mut index = Index::default();
        for loaded in &project.files {
            let mut walker = Walker {
                out: Vec::new(),
                dir: parent_dir(project.file_name(loaded.file)).to_string(),
            };
            for item in &loaded.unit.items {
                let name = if loaded.is_std {
                    format!("{STD_PREFIX}.{}", item.name.name)
                } else {
                    item.name.name.clone()
                };
                index
                    .items
                    .entry(name.clone())
                    .or_insert((item.kind, item.name.span));
                walker.push(item.name.span, Target::Item(name.clone()), Role::Definition);
                match &item.body {
                    ItemBody::Enum(entries) => {
                        for entry in entries {
                            let target = Target::EnumValue {
                                enum_name: name.clone(),
                                entry: entry.name.name.clone(),
                            };
                            walker.push(entry.name.span, target, Role::Definition);
                        }
                    }
                    ItemBody::Block(block) => {
                        let cx = Context {
                            item: &name,
                            sample: None,
                        };
                        walker.block(Owner::Item(item.kind), &cx, block);
                    }
                }
            }
            let mut occurrences = walker.out;
            occurrences.sort_by_key(|o| (o.span.start, o.span.end));
            for o in occurrences.iter().filter(|o| o.role == Role::Definition) {
                if !matches!(o.target, Target::Item(_)) {
                    index
                        .definitions
                        .entry(o.target.clone())
                        .or_default()
                        .push(o.span);
                }
            }
            index.files.insert(loaded.file, occurrences);
        }
        index
    }

    /// The occurrence at a byte offset (touching its start or its end).
    pub fn at(&self, file: FileId, offset: usize) -> Option<&Occurrence> {
        let list = self.files.get(&file)?;
        let offset = u32::try_from(offset).unwrap_or(u32::MAX);
        let after = list.partition_point(|o| o.span.start <= offset);
        // The innermost candidate starts last; a name ending at the offset
        // loses to one starting there.
        list[..after]
            .iter()
            .rev()
            .take(4)
            .find(|o| o.span.start <= offset && offset <= o.span.end)
    }

    /// Every occurrence of a target, in file order.
    pub fn occurrences<'a>(&'a self, target: &'a Target) -> impl Iterator<Item = &'a Occurrence> {
        let mut files: Vec<&FileId> = self.files.keys().collect();
        files.sort();
        files
            .into_iter()
            .flat_map(move |f| self.files[f].iter().filter(move |o| &o.target == target))
    }
}

/// Where a block is.
struct Context<'a> {
    item: &'a str,
    sample: Option<&'a str>,
}

struct Walker {
    out: Vec<Occurrence>,
    /// The directory of the file, for imports.
    dir: String,
}

impl Walker {
    fn push(&mut self, span: Span, target: Target, role: Role) {
        self.out.push(Occurrence { span, target, role });
    }

    fn block(&mut self, owner: Owner, cx: &Context, block: &Block) {
        // The tag receiving a calibration's `produces`.
        let into = block.entries.iter().find_map(|e| match e {
            Entry::Field(f) if f.name.name == "into" => match &f.value.kind {
                ValueKind::Path(parts) => Some(path_text(parts)),
                _ => None,
            },
            _ => None,
        });
        for entry in &block.entries {
            match entry {
                Entry::Field(f) => {
                    self.field_name(owner, &f.name.name, f.name.span);
                    if owner == Owner::Item(ItemKind::Calibration) && f.name.name == "produces" {
                        if let Some(tag) = &into {
                            self.produces(tag, &f.value);
                        }
                    }
                    self.value(owner, cx, &f.name.name, &f.value);
                }
                Entry::Map(m) => {
                    self.field_name(owner, &m.name.name, m.name.span);
                    if let Some(keys) = map_owner(owner, &m.name.name) {
                        for f in &m.fields {
                            if let Some(enum_name) = enum_of(keys, &f.name.name) {
                                let target = Target::EnumValue {
                                    enum_name: format!("{STD_PREFIX}.{enum_name}"),
                                    entry: f.name.name.clone(),
                                };
                                self.push(f.name.span, target, Role::Reference);
                            }
                        }
                    }
                }
                Entry::Nested(n) => {
                    let name = match &n.label {
                        Label::Name(ident) => ident.name.clone(),
                        Label::Id { value, .. } => value.to_string(),
                    };
                    let span = n.label.span();
                    match n.kind {
                        NestedKind::Sample => {
                            let target = Target::Sample {
                                campaign: cx.item.to_string(),
                                sample: name.clone(),
                            };
                            self.push(span, target, Role::Definition);
                            let inner = Context {
                                item: cx.item,
                                sample: Some(&name),
                            };
                            self.block(Owner::Nested(n.kind), &inner, &n.body);
                        }
                        NestedKind::Production => {
                            if let (Label::Id { value, .. }, Some(sample)) = (&n.label, cx.sample) {
                                let target = Target::Production {
                                    campaign: cx.item.to_string(),
                                    sample: sample.to_string(),
                                    id: *value,
                                };
                                self.push(span, target, Role::Definition);
                            }
                            self.block(Owner::Nested(n.kind), cx, &n.body);
                        }
                        NestedKind::Payload => {
                            let target = Target::Payload {
                                tag: cx.item.to_string(),
                                payload: name,
                            };
                            self.push(span, target, Role::Definition);
                            self.block(Owner::Nested(n.kind), cx, &n.body);
                        }
                    }
                }
                Entry::Import(import) => {
                    if let Some(path) = normalize(&self.dir, &import.path.value) {
                        self.push(import.path.span, Target::Import { path }, Role::Reference);
                    }
                }
                Entry::Iov(_) => {}
            }
        }
    }

    fn field_name(&mut self, owner: Owner, name: &str, span: Span) {
        let target = Target::Field {
            owner,
            field: name.to_string(),
        };
        self.push(span, target, Role::Reference);
    }

    fn produces(&mut self, tag: &str, value: &Value) {
        for v in elements(value) {
            if let ValueKind::Path(parts) = &v.kind {
                let target = Target::Payload {
                    tag: tag.to_string(),
                    payload: path_text(parts),
                };
                self.push(v.span, target, Role::Reference);
            }
        }
    }

    fn value(&mut self, owner: Owner, cx: &Context, field: &str, value: &Value) {
        if owner == Owner::Item(ItemKind::Layout) && matches!(field, "path" | "skim_path") {
            if let ValueKind::Str(_) = value.kind {
                let target = Target::Template {
                    layout: cx.item.to_string(),
                };
                self.push(value.span, target, Role::Reference);
            }
            return;
        }
        let refers = reference_kinds(owner, field).is_some();
        let enum_name = enum_of(owner, field);
        for v in elements(value) {
            let ValueKind::Path(parts) = &v.kind else {
                continue;
            };
            let text = path_text(parts);
            if refers {
                self.push(v.span, Target::Item(text), Role::Reference);
            } else if let Some(enum_name) = enum_name {
                let target = Target::EnumValue {
                    enum_name: format!("{STD_PREFIX}.{enum_name}"),
                    entry: text,
                };
                self.push(v.span, target, Role::Reference);
            }
        }
    }
}

/// A value, or the elements of a list.
fn elements(value: &Value) -> &[Value] {
    match &value.kind {
        ValueKind::List(items) => items,
        _ => std::slice::from_ref(value),
    }
}
