//! Field schemas per item kind (LANGUAGE.md §2 and §3a): which fields an
//! item may have and which it must have.

use crate::syntax::ast::{ItemKind, NestedKind};

/// Whether a field must be given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Need {
    Required,
    Optional,
    /// One of a pair of alternative fields (`E0305`): the other field's name.
    Either(&'static str),
}

/// Whether a field is written `name = value` or as `name { KEY = value … }`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Form {
    Value,
    Map,
}

#[derive(Debug, Clone, Copy)]
pub struct FieldSpec {
    pub name: &'static str,
    pub need: Need,
    pub form: Form,
}

const fn req(name: &'static str) -> FieldSpec {
    FieldSpec {
        name,
        need: Need::Required,
        form: Form::Value,
    }
}

const fn opt(name: &'static str) -> FieldSpec {
    FieldSpec {
        name,
        need: Need::Optional,
        form: Form::Value,
    }
}

const fn either(name: &'static str, other: &'static str) -> FieldSpec {
    FieldSpec {
        name,
        need: Need::Either(other),
        form: Form::Value,
    }
}

const fn map(name: &'static str, need: Need) -> FieldSpec {
    FieldSpec {
        name,
        need,
        form: Form::Map,
    }
}

const RELEASE: &[FieldSpec] = &[opt("status")];

const GLOBALTAG: &[FieldSpec] = &[
    opt("id"),
    opt("type"),
    opt("state"),
    opt("release"),
    opt("iov_policy"),
    opt("base"),
    opt("description"),
];

const PAYLOAD: &[FieldSpec] = &[opt("release"), opt("optional")];

const CALIBRATION: &[FieldSpec] = &[
    opt("after"),
    opt("produces"),
    opt("into"),
    opt("input"),
    opt("duration"),
    opt("owner"),
    opt("description"),
];

const PROCESSING: &[FieldSpec] = &[
    req("release"),
    either("globaltags", "globaltag"),
    either("globaltag", "globaltags"),
    opt("after"),
    req("layout"),
    map("runs", Need::Required),
    req("tiers"),
    opt("skims"),
    map("luminosity", Need::Optional),
    opt("production"),
    opt("status"),
    opt("ticket"),
    opt("description"),
];

const CAMPAIGN: &[FieldSpec] = &[
    req("release"),
    either("globaltags", "globaltag"),
    either("globaltag", "globaltags"),
    either("experiment", "runs"),
    either("runs", "experiment"),
    req("beam"),
    req("layout"),
    req("tier"),
    req("event_size"),
    opt("events_per_job"),
    opt("description"),
];

const SAMPLE: &[FieldSpec] = &[
    req("event_type"),
    req("events"),
    opt("priority"),
    opt("status"),
    opt("ticket"),
    opt("wg"),
    opt("size"),
    opt("description"),
];

const PRODUCTION: &[FieldSpec] = &[req("background"), opt("fraction")];

const SKIM: &[FieldSpec] = &[
    req("kind"),
    opt("code"),
    opt("wg"),
    opt("tiers"),
    opt("description"),
];

const LAYOUT: &[FieldSpec] = &[
    req("path"),
    opt("skim_path"),
    opt("files_per_block"),
    opt("description"),
];

/// The fields of an item kind.
pub fn item_fields(kind: ItemKind) -> &'static [FieldSpec] {
    match kind {
        ItemKind::Release => RELEASE,
        ItemKind::GlobalTag => GLOBALTAG,
        ItemKind::Calibration => CALIBRATION,
        ItemKind::Processing => PROCESSING,
        ItemKind::Campaign => CAMPAIGN,
        ItemKind::Skim => SKIM,
        ItemKind::Layout => LAYOUT,
        ItemKind::Enum => &[],
    }
}

/// The fields of a nested block.
pub fn nested_fields(kind: NestedKind) -> &'static [FieldSpec] {
    match kind {
        NestedKind::Sample => SAMPLE,
        NestedKind::Production => PRODUCTION,
        NestedKind::Payload => PAYLOAD,
    }
}
