//! What the editor needs to know about each block: its fields (the
//! resolver's schema), which fields take enum values and which take
//! references, and which nested blocks it may hold.
//!
//! The field lists come from [`crate::resolve::schema`]; the enum and
//! reference tables follow the conversions of `resolve/items.rs` and
//! LANGUAGE.md §2 and §3a (a test checks them against the schema).

use crate::resolve::schema::{item_fields, nested_fields, FieldSpec, Need};
use crate::syntax::ast::{ItemKind, NestedKind};

/// The kind of block a field is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Owner {
    Item(ItemKind),
    Nested(NestedKind),
    /// `runs { … }` or `luminosity { … }` of a processing: keys are beams.
    BeamMap,
}

impl std::hash::Hash for Owner {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        match self {
            Owner::Item(kind) => (0u8, kind.keyword()).hash(state),
            Owner::Nested(kind) => (1u8, kind.keyword()).hash(state),
            Owner::BeamMap => 2u8.hash(state),
        }
    }
}

impl Owner {
    /// How the block is named in hover texts.
    pub fn describe(self) -> &'static str {
        match self {
            Owner::Item(kind) => kind.keyword(),
            Owner::Nested(kind) => kind.keyword(),
            Owner::BeamMap => "beam map",
        }
    }

    /// The fields of the block.
    pub fn fields(self) -> &'static [FieldSpec] {
        match self {
            Owner::Item(kind) => item_fields(kind),
            Owner::Nested(kind) => nested_fields(kind),
            Owner::BeamMap => &[],
        }
    }

    /// The keywords of the nested blocks and imports it may hold.
    pub fn nested_keywords(self) -> &'static [&'static str] {
        match self {
            Owner::Item(ItemKind::Campaign) => &["sample"],
            Owner::Item(ItemKind::GlobalTag) => &["payload", "payloads from"],
            Owner::Nested(NestedKind::Sample) => &["production"],
            _ => &[],
        }
    }
}

/// The standard enum (without `std.`) a field takes, if any.
pub fn enum_of(owner: Owner, field: &str) -> Option<&'static str> {
    use ItemKind as I;
    use NestedKind as N;
    Some(match (owner, field) {
        (Owner::Item(I::Release), "status") => "release_status",
        (Owner::Item(I::GlobalTag), "type") => "gt_type",
        (Owner::Item(I::GlobalTag), "state") => "gt_state",
        (Owner::Item(I::GlobalTag), "iov_policy") => "iov_policy",
        (Owner::Item(I::Processing), "tiers") => "tier",
        (Owner::Item(I::Processing), "status") => "processing_status",
        (Owner::Item(I::Campaign), "beam") => "beam",
        (Owner::Item(I::Campaign), "tier") => "tier",
        (Owner::Item(I::Skim), "kind") => "skim_kind",
        (Owner::Item(I::Skim), "tiers") => "tier",
        (Owner::Nested(N::Sample), "priority") => "priority",
        (Owner::Nested(N::Sample), "status") => "sample_status",
        (Owner::Nested(N::Sample), "event_type") => "generic",
        (Owner::Nested(N::Production), "background") => "background",
        (Owner::BeamMap, _) => "beam",
        _ => return None,
    })
}

/// The item kinds a reference field may name, if it is one.
pub fn reference_kinds(owner: Owner, field: &str) -> Option<&'static [ItemKind]> {
    use ItemKind as I;
    const TAG: &[ItemKind] = &[I::GlobalTag];
    const STEP: &[ItemKind] = &[I::Calibration, I::Processing];
    Some(match (owner, field) {
        (Owner::Item(I::GlobalTag), "base") => TAG,
        (Owner::Item(I::Calibration), "after") => STEP,
        (Owner::Item(I::Calibration), "into") => TAG,
        (Owner::Item(I::Calibration), "input") => &[I::Processing],
        (Owner::Item(I::Processing | I::Campaign), "globaltags" | "globaltag") => TAG,
        (Owner::Item(I::Processing), "after") => STEP,
        (Owner::Item(I::Processing | I::Campaign), "layout") => &[I::Layout],
        (Owner::Item(I::Processing), "skims") => &[I::Skim],
        _ => return None,
    })
}

/// Whether a field takes `true` or `false`.
pub fn is_bool(owner: Owner, field: &str) -> bool {
    owner == Owner::Nested(NestedKind::Payload) && field == "optional"
}

/// The owner of the map block `name { … }` inside `owner`, if it is one.
pub fn map_owner(owner: Owner, name: &str) -> Option<Owner> {
    match (owner, name) {
        (Owner::Item(ItemKind::Processing), "runs" | "luminosity") => Some(Owner::BeamMap),
        _ => None,
    }
}

/// "required", "optional" or "required: this or `other`", for hover and
/// completion details.
pub fn need_text(spec: &FieldSpec) -> String {
    match spec.need {
        Need::Required => "required".to_string(),
        Need::Optional => "optional".to_string(),
        Need::Either(other) => format!("required: this or `{other}`"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every field named in the tables exists in the resolver's schema.
    #[test]
    fn tables_name_fields_of_the_schema() {
        let owners = ItemKind::ALL.map(Owner::Item).into_iter().chain(
            [
                NestedKind::Sample,
                NestedKind::Production,
                NestedKind::Payload,
            ]
            .map(Owner::Nested),
        );
        let mut found = 0;
        for owner in owners {
            let names: Vec<&str> = owner.fields().iter().map(|f| f.name).collect();
            for candidate in [
                "status",
                "type",
                "state",
                "iov_policy",
                "tiers",
                "beam",
                "tier",
                "kind",
                "priority",
                "event_type",
                "background",
                "base",
                "after",
                "into",
                "input",
                "globaltags",
                "globaltag",
                "layout",
                "skims",
                "optional",
            ] {
                let used = enum_of(owner, candidate).is_some()
                    || reference_kinds(owner, candidate).is_some()
                    || is_bool(owner, candidate);
                if used {
                    assert!(names.contains(&candidate), "{owner:?} has no `{candidate}`");
                    found += 1;
                }
            }
        }
        assert_eq!(found, 27);
    }
}
