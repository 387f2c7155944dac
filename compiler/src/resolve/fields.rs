//! The fields of one block, checked against its schema: unknown fields
//! (`E0301`), fields given twice (`E0308`), missing ones (`E0302`) and
//! alternative pairs (`E0305`).

use super::schema::{FieldSpec, Form, Need};
use crate::diagnostics::{did_you_mean, Code, Diagnostic};
use crate::source::Span;
use crate::syntax::ast::{Block, Entry, Field, MapBlock, Value};
use std::collections::BTreeMap;

/// A field as written: `name = value` or `name { KEY = value … }`.
#[derive(Debug, Clone, Copy)]
pub enum Written<'a> {
    Value(&'a Field),
    Map(&'a MapBlock),
}

impl Written<'_> {
    fn name_span(&self) -> Span {
        match self {
            Written::Value(f) => f.name.span,
            Written::Map(m) => m.name.span,
        }
    }
}

/// The checked fields of a block.
pub struct Fields<'a> {
    /// What the block is, for messages: "processing `proc9`".
    pub owner: String,
    /// Where missing-field errors point: the block's name.
    pub owner_span: Span,
    fields: BTreeMap<&'a str, Written<'a>>,
}

impl<'a> Fields<'a> {
    /// Collects the fields of `entries` (other entries are ignored).
    pub fn collect(
        owner: String,
        owner_span: Span,
        block: &'a Block,
        specs: &'static [FieldSpec],
        diags: &mut Vec<Diagnostic>,
    ) -> Fields<'a> {
        let mut fields: BTreeMap<&'a str, Written<'a>> = BTreeMap::new();
        for entry in &block.entries {
            let written = match entry {
                Entry::Field(f) => Written::Value(f),
                Entry::Map(m) => Written::Map(m),
                _ => continue,
            };
            let (name, span) = match written {
                Written::Value(f) => (f.name.name.as_str(), f.name.span),
                Written::Map(m) => (m.name.name.as_str(), m.name.span),
            };
            let Some(spec) = specs.iter().find(|s| s.name == name) else {
                diags.push(unknown_field(&owner, name, span, specs));
                continue;
            };
            match (spec.form, written) {
                (Form::Map, Written::Value(f)) => {
                    diags.push(
                        Diagnostic::new(
                            Code::E0303,
                            format!("`{name}` of {owner} is a block of entries, not a value"),
                            f.span,
                            "expected `{ … }`",
                        )
                        .with_help(format!("write `{name} {{ Y4S = … }}`, one entry per beam")),
                    );
                    continue;
                }
                (Form::Value, Written::Map(m)) => {
                    diags.push(
                        Diagnostic::new(
                            Code::E0303,
                            format!("`{name}` of {owner} is a value, not a block of entries"),
                            m.span,
                            "expected `= value`",
                        )
                        .with_help(format!("write `{name} = …`")),
                    );
                    continue;
                }
                _ => {}
            }
            if let Some(first) = fields.get(name) {
                diags.push(
                    Diagnostic::new(
                        Code::E0308,
                        format!("field `{name}` is given twice"),
                        span,
                        "given again here",
                    )
                    .with_label(first.name_span(), "first given here")
                    .with_help("remove one of them"),
                );
                continue;
            }
            fields.insert(name, written);
        }
        let this = Fields {
            owner,
            owner_span,
            fields,
        };
        // After a syntax error in the block a field may be missing only
        // because it could not be read; that error has been reported.
        if !block.recovered {
            this.check_needs(specs, diags);
        }
        this
    }

    fn check_needs(&self, specs: &'static [FieldSpec], diags: &mut Vec<Diagnostic>) {
        for spec in specs {
            match spec.need {
                Need::Required if !self.fields.contains_key(spec.name) => diags.push(
                    Diagnostic::new(
                        Code::E0302,
                        format!("{} is missing the field `{}`", self.owner, spec.name),
                        self.owner_span,
                        format!("needs `{}`", spec.name),
                    )
                    .with_help(format!("add `{}`", example(spec))),
                ),
                // Each pair is reported once, from the field sorting first.
                Need::Either(other) if spec.name < other => {
                    match (self.fields.get(spec.name), self.fields.get(other)) {
                        (Some(a), Some(b)) => diags.push(
                            Diagnostic::new(
                                Code::E0305,
                                format!("{} gives both `{}` and `{other}`", self.owner, spec.name),
                                b.name_span(),
                                "remove one of the two",
                            )
                            .with_label(a.name_span(), "also given here")
                            .with_help(format!(
                                "`{}` and `{other}` are alternatives; keep one",
                                spec.name
                            )),
                        ),
                        (None, None) => diags.push(
                            Diagnostic::new(
                                Code::E0305,
                                format!("{} needs `{}` or `{other}`", self.owner, spec.name),
                                self.owner_span,
                                format!("needs `{}` or `{other}`", spec.name),
                            )
                            .with_help(alternative_help(spec.name, other)),
                        ),
                        _ => {}
                    }
                }
                _ => {}
            }
        }
    }

    /// The value of `name = value`, if given.
    pub fn value(&self, name: &str) -> Option<&'a Value> {
        match self.fields.get(name)? {
            Written::Value(f) => Some(&f.value),
            Written::Map(_) => None,
        }
    }

    /// The entries of `name { … }`, if given.
    pub fn map(&self, name: &str) -> Option<&'a MapBlock> {
        match self.fields.get(name)? {
            Written::Map(m) => Some(m),
            Written::Value(_) => None,
        }
    }

    /// The span of a field's name, if given.
    pub fn span_of(&self, name: &str) -> Option<Span> {
        self.fields.get(name).map(|w| w.name_span())
    }
}

fn example(spec: &FieldSpec) -> String {
    let value = match spec.name {
        "release" => "\"release-03-02-02\"",
        "layout" => "std.kekcc_data",
        "tiers" => "[mdst]",
        "tier" => "mdst",
        "beam" => "Y4S",
        "event_size" => "11kB",
        "event_type" => "1264340000",
        "events" => "50M",
        "background" => "BGx1",
        "kind" => "hlt",
        "path" => "\"/belle/…\"",
        "runs" => "{ Y4S = [3:529 ..= 3:5613] }",
        _ => "…",
    };
    if spec.form == Form::Map {
        format!("{} {value}", spec.name)
    } else {
        format!("{} = {value}", spec.name)
    }
}

fn alternative_help(a: &str, b: &str) -> String {
    match (a, b) {
        ("experiment", "runs") => {
            "give `experiment = N` for run-independent MC (run 0 of experiment N), or `runs = [a ..= b, …]` for run-dependent MC".to_string()
        }
        _ => format!("give `{a}` or `{b}`: `globaltags = [tag, …]` or `globaltag = tag`"),
    }
}

fn unknown_field(owner: &str, name: &str, span: Span, specs: &[FieldSpec]) -> Diagnostic {
    let names: Vec<&str> = specs.iter().map(|s| s.name).collect();
    let diag = Diagnostic::new(
        Code::E0301,
        format!("{owner} has no field `{name}`"),
        span,
        "unknown field",
    );
    match did_you_mean(name, names.iter().copied()) {
        Some(s) => diag.with_help(format!("did you mean `{s}`?")),
        None if names.is_empty() => diag.with_help("this item has no fields"),
        None => diag.with_help(format!("the fields are {}", names.join(", "))),
    }
}
