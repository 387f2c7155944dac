//! The semantic diff of two versions of a project (`prodc diff`).
//!
//! Two checked projects are compared on what they mean, not on their text:
//! a comment, a reformatted line or an item moved to another file is no
//! change. Three things are compared:
//!
//! - the items of the resolved model, keyed by kind and full name (the
//!   standard library is skipped). Each item is turned into a *view*, its
//!   serde_json serialisation made readable: names and spanned values are
//!   unwrapped, enum values become their names, index references (tags,
//!   layouts, skims, steps) become the names they point at, IoVs and run
//!   ranges are written as in the manifests. Views are compared
//!   recursively; arrays of named things (samples, payloads, productions)
//!   are matched by name or id, other arrays element by element, so that a
//!   change reads `campaign MC12b › sample Bp_DstTauNu › events: 50000000 →
//!   60000000`. Order is compared only where it means something: tag
//!   stacks and doc comments;
//! - the jobs ([`crate::jobs::jobs`]), by name, field by field (the source
//!   line of a job is not compared: it moves when a comment is added);
//! - the output paths of the datasets, as two sets: the paths that appear
//!   and vanish, counted, with a few examples.
//!
//! [`Report`] is the result; it prints as plain text, as markdown for a pull
//! request comment, and serialises as JSON (`prodc.diff/v1`). The command
//! line's `GitVfs` (`crate::cli::git`) reads a project at a git revision
//! for `prodc diff --git REV`.

mod render;

use crate::jobs::jobs;
use crate::model::*;
use crate::syntax::ast::ItemKind;
use crate::Checked;
use serde::Serialize;
use serde_json::{json, Map, Value};
use std::collections::{BTreeMap, BTreeSet};

/// How many changes of one item, and how many jobs, the markdown report
/// lists: a pull request comment is limited in size, and the text and JSON
/// reports list everything.
pub const MARKDOWN_LIMIT: usize = 50;

/// The version of the JSON format of a [`Report`].
pub const SCHEMA: &str = "prodc.diff/v1";

/// How many example paths the report lists for the paths that appear and
/// for those that vanish.
pub const PATH_EXAMPLES: usize = 5;

/// Whether a thing was added, removed or changed between the versions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Added,
    Removed,
    Changed,
}

/// What a [`Change`] does at its path.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Op {
    /// A value replaced by another (`old` and `new`).
    Changed,
    /// A field, a named element or a list element that is new (`new`).
    Added,
    /// A field, a named element or a list element that is gone (`old`).
    Removed,
    /// The same elements in another order (`old` and `new` list them).
    Reordered,
}

/// One difference inside an item.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Change {
    /// The way from the item to the value: `["sample Bp_DstTauNu", "events"]`.
    pub path: Vec<String>,
    pub op: Op,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub old: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new: Option<Value>,
}

/// An item that was added, removed or changed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ItemDiff {
    /// The item's keyword: `campaign`, `globaltag`, …
    pub kind: &'static str,
    /// The item's full name.
    pub name: String,
    pub status: Status,
    /// For a changed item, its changes in a fixed order.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub changes: Vec<Change>,
}

/// One field of a job with different values.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FieldChange {
    pub field: String,
    pub old: Value,
    pub new: Value,
}

/// A job that was added, removed or changed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct JobDiff {
    /// `<owner>-<id>`, e.g. `MC12b-7088`.
    pub name: String,
    pub status: Status,
    /// For a changed job, the fields that differ, sorted by name.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<FieldChange>,
}

/// The output paths that appear and vanish.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct PathDiff {
    /// How many paths only the new version has.
    pub appear: usize,
    /// How many paths only the old version has.
    pub vanish: usize,
    /// The first paths that appear, in byte order (at most [`PATH_EXAMPLES`]).
    pub appear_examples: Vec<String>,
    /// The first paths that vanish, in byte order (at most [`PATH_EXAMPLES`]).
    pub vanish_examples: Vec<String>,
}

/// The differences between two versions of a project.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    pub schema: &'static str,
    /// Items in model order (releases, tags, calibrations, processings,
    /// campaigns, skims, layouts, enums), then by name.
    pub items: Vec<ItemDiff>,
    /// Jobs by name.
    pub jobs: Vec<JobDiff>,
    pub paths: PathDiff,
}

/// Compares two checked versions of a project.
pub fn diff(old: &Checked, new: &Checked) -> Report {
    Report {
        schema: SCHEMA,
        items: diff_items(&old.model, &new.model),
        jobs: diff_jobs(old, new),
        paths: diff_paths(old, new),
    }
}

// ---------------------------------------------------------------------------
// Items.

/// The views of the items of a model outside the standard library, keyed by
/// kind and full name.
fn item_views(model: &Model) -> BTreeMap<(ItemKind, String), Value> {
    let mut views = BTreeMap::new();
    let mut add = |kind: ItemKind, name: &Name, view: Value| {
        views.insert((kind, name.text.clone()), view);
    };
    for item in model.releases.iter().filter(|i| !i.is_std) {
        add(ItemKind::Release, &item.name, plain_view(item));
    }
    for item in model.tags.iter().filter(|i| !i.is_std) {
        add(ItemKind::GlobalTag, &item.name, tag_view(model, item));
    }
    for item in &model.calibrations {
        add(
            ItemKind::Calibration,
            &item.name,
            calibration_view(model, item),
        );
    }
    for item in &model.processings {
        add(
            ItemKind::Processing,
            &item.name,
            processing_view(model, item),
        );
    }
    for item in &model.campaigns {
        add(ItemKind::Campaign, &item.name, campaign_view(model, item));
    }
    for item in model.skims.iter().filter(|i| !i.is_std) {
        add(ItemKind::Skim, &item.name, plain_view(item));
    }
    for item in model.layouts.iter().filter(|i| !i.is_std) {
        add(ItemKind::Layout, &item.name, plain_view(item));
    }
    for item in model.enums.iter().filter(|i| !i.is_std) {
        add(ItemKind::Enum, &item.name, plain_view(item));
    }
    views
}

fn diff_items(old: &Model, new: &Model) -> Vec<ItemDiff> {
    let old = item_views(old);
    let new = item_views(new);
    // Kinds sort in model order (`ItemKind` is declared in it), then names.
    let keys: BTreeSet<&(ItemKind, String)> = old.keys().chain(new.keys()).collect();
    let mut items = Vec::new();
    for key in keys {
        let (kind, name) = key;
        let entry = |status, changes| ItemDiff {
            kind: kind.keyword(),
            name: name.clone(),
            status,
            changes,
        };
        match (old.get(key), new.get(key)) {
            (Some(_), None) => items.push(entry(Status::Removed, Vec::new())),
            (None, Some(_)) => items.push(entry(Status::Added, Vec::new())),
            (Some(a), Some(b)) => {
                let mut changes = Vec::new();
                compare(&mut Vec::new(), a, b, &mut changes);
                if !changes.is_empty() {
                    items.push(entry(Status::Changed, changes));
                }
            }
            (None, None) => {}
        }
    }
    items
}

/// The serialisation of an item, made readable (see [`plain`]), without the
/// name (the key) and the standard-library flag.
fn plain_view(item: &impl Serialize) -> Value {
    let mut value = serde_json::to_value(item).expect("model types serialise to JSON");
    plain(&mut value);
    if let Value::Object(map) = &mut value {
        map.remove("name");
        map.remove("is_std");
    }
    value
}

/// Unwraps the serialisation's wrappers, innermost first: a [`Name`]
/// (`{"text"}`) becomes its text, a [`Spanned`] (`{"value"}`) its value and
/// an [`EnumValue`] (`{"name", "text", "index"}`) its name.
fn plain(value: &mut Value) {
    match value {
        Value::Array(items) => items.iter_mut().for_each(plain),
        Value::Object(map) => {
            map.values_mut().for_each(plain);
            let keys: Vec<&str> = map.keys().map(String::as_str).collect();
            let inner = match keys.as_slice() {
                ["text"] => Some("text"),
                ["value"] => Some("value"),
                _ if keys.len() == 3
                    && ["name", "text", "index"].iter().all(|k| keys.contains(k)) =>
                {
                    Some("name")
                }
                _ => None,
            };
            let unwrapped = inner.and_then(|key| map.remove(key));
            if let Some(inner) = unwrapped {
                *value = inner;
            }
        }
        _ => {}
    }
}

/// Replaces a field of an object view.
fn set(view: &mut Value, field: &str, value: Value) {
    if let Value::Object(map) = view {
        map.insert(field.to_string(), value);
    }
}

fn tag_name(model: &Model, id: TagId) -> String {
    model
        .tags
        .get(id.index())
        .map_or_else(|| format!("#{}", id.0), |t| t.name.text.clone())
}

fn tag_names(model: &Model, stack: &[Spanned<TagId>]) -> Value {
    json!(stack
        .iter()
        .map(|t| tag_name(model, t.value))
        .collect::<Vec<_>>())
}

fn processing_name(model: &Model, id: ProcessingId) -> String {
    model
        .processings
        .get(id.index())
        .map_or_else(|| format!("#{}", id.0), |p| p.name.text.clone())
}

fn layout_name(model: &Model, layout: &Option<Spanned<LayoutId>>) -> Value {
    layout.as_ref().map_or(Value::Null, |l| {
        json!(model
            .layouts
            .get(l.value.index())
            .map_or_else(|| format!("#{}", l.value.0), |l| l.name.text.clone()))
    })
}

fn step_names(model: &Model, after: &[Spanned<Step>]) -> Value {
    json!(after
        .iter()
        .map(|s| match s.value {
            Step::Calibration(id) => model
                .calibrations
                .get(id.index())
                .map_or_else(|| format!("#{}", id.0), |c| c.name.text.clone()),
            Step::Processing(id) => processing_name(model, id),
        })
        .collect::<Vec<_>>())
}

/// An IoV as written in the manifests: `3:0 ..= 6:*` or `8:0 ..`.
fn iov_text(iov: &Iov) -> String {
    match iov.end {
        Some(end) => format!("{} ..= {end}", iov.start),
        None => format!("{} ..", iov.start),
    }
}

fn range_text(range: &RunRange) -> String {
    format!("{} ..= {}", range.first, range.last)
}

fn ranges(list: &[Spanned<RunRange>]) -> Value {
    json!(list
        .iter()
        .map(|r| range_text(&r.value))
        .collect::<Vec<_>>())
}

fn tag_view(model: &Model, tag: &GlobalTag) -> Value {
    let mut view = plain_view(tag);
    set(
        &mut view,
        "base",
        tag.base
            .as_ref()
            .map_or(Value::Null, |b| json!(tag_name(model, b.value))),
    );
    let payloads: Vec<Value> = tag
        .payloads
        .iter()
        .map(|p| {
            let mut payload = serde_json::to_value(p).expect("model types serialise to JSON");
            plain(&mut payload);
            let iovs: Vec<String> = p
                .iovs
                .iter()
                .map(|e| {
                    let rev = crate::gtplan::revision_text(&e.revision);
                    let imported = if e.imported() { " (imported)" } else { "" };
                    format!("{} rev {rev}{imported}", iov_text(&e.iov()))
                })
                .collect();
            set(&mut payload, "iovs", json!(iovs));
            payload
        })
        .collect();
    set(&mut view, "payloads", Value::Array(payloads));
    view
}

fn calibration_view(model: &Model, calibration: &Calibration) -> Value {
    let mut view = plain_view(calibration);
    set(&mut view, "after", step_names(model, &calibration.after));
    set(
        &mut view,
        "into",
        calibration
            .into
            .as_ref()
            .map_or(Value::Null, |t| json!(tag_name(model, t.value))),
    );
    set(
        &mut view,
        "input",
        calibration
            .input
            .as_ref()
            .map_or(Value::Null, |p| json!(processing_name(model, p.value))),
    );
    view
}

fn processing_view(model: &Model, processing: &Processing) -> Value {
    let mut view = plain_view(processing);
    set(
        &mut view,
        "globaltags",
        tag_names(model, &processing.globaltags),
    );
    set(&mut view, "after", step_names(model, &processing.after));
    set(&mut view, "layout", layout_name(model, &processing.layout));
    let skims: Vec<String> = processing
        .skims
        .iter()
        .map(|s| {
            model
                .skims
                .get(s.value.index())
                .map_or_else(|| format!("#{}", s.value.0), |s| s.name.text.clone())
        })
        .collect();
    set(&mut view, "skims", json!(skims));
    // Run ranges and luminosities become maps by beam, so that a change
    // reads `runs › Y4S: + 8:2000 ..= 8:2100`. A beam written twice keeps
    // its ranges together.
    let mut runs = Map::new();
    for beam in &processing.runs {
        let entry = runs
            .entry(beam.beam.name.clone())
            .or_insert_with(|| json!([]));
        if let (Value::Array(list), Value::Array(more)) = (entry, ranges(&beam.ranges)) {
            list.extend(more);
        }
    }
    set(&mut view, "runs", Value::Object(runs));
    let luminosity: Map<String, Value> = processing
        .luminosity
        .iter()
        .map(|l| (l.beam.name.clone(), json!(l.per_pb)))
        .collect();
    set(&mut view, "luminosity", Value::Object(luminosity));
    view
}

fn campaign_view(model: &Model, campaign: &Campaign) -> Value {
    let mut view = plain_view(campaign);
    set(
        &mut view,
        "globaltags",
        tag_names(model, &campaign.globaltags),
    );
    set(&mut view, "layout", layout_name(model, &campaign.layout));
    let runs = match &campaign.runs {
        Some(CampaignRuns::Experiment(e)) => json!({ "experiment": e.value }),
        Some(CampaignRuns::Runs(list)) => json!({ "runs": ranges(list) }),
        None => Value::Null,
    };
    set(&mut view, "runs", runs);
    let samples: Vec<Value> = campaign
        .samples
        .iter()
        .map(|s| {
            let mut sample = serde_json::to_value(s).expect("model types serialise to JSON");
            plain(&mut sample);
            let event_type = match s.event_type.as_ref().map(|e| &e.value) {
                Some(EventType::Number(n)) => json!(n),
                Some(EventType::Generic(g)) => json!(g),
                None => Value::Null,
            };
            set(&mut sample, "event_type", event_type);
            // The fraction as written duplicates `fraction`; only the
            // value is compared.
            if let Value::Object(map) = &mut sample {
                if let Some(Value::Array(productions)) = map.get_mut("productions") {
                    for p in productions.iter_mut().filter_map(Value::as_object_mut) {
                        p.remove("fraction_text");
                    }
                }
            }
            sample
        })
        .collect();
    set(&mut view, "samples", Value::Array(samples));
    view
}

/// The lists whose order means something: a tag stack (the first tag
/// with a payload wins) and doc comments (text). The order of the others
/// (IoVs, run ranges, tiers, samples, …) is not compared.
const ORDERED: &[&str] = &["globaltags", "docs"];

fn is_ordered(field: Option<&String>) -> bool {
    field.is_some_and(|f| ORDERED.contains(&f.as_str()))
}

/// Compares two views at `path`, appending the differences to `out`.
fn compare(path: &mut Vec<String>, old: &Value, new: &Value, out: &mut Vec<Change>) {
    if old == new {
        return;
    }
    match (old, new) {
        (Value::Object(a), Value::Object(b)) => {
            let keys: BTreeSet<&String> = a.keys().chain(b.keys()).collect();
            for key in keys {
                path.push(key.clone());
                match (a.get(key), b.get(key)) {
                    (Some(x), Some(y)) => compare(path, x, y, out),
                    (Some(x), None) => out.push(change(path, Op::Removed, Some(x), None)),
                    (None, Some(y)) => out.push(change(path, Op::Added, None, Some(y))),
                    (None, None) => {}
                }
                path.pop();
            }
        }
        (Value::Array(a), Value::Array(b)) => match (keyed(a), keyed(b)) {
            (Some(ka), Some(kb)) => compare_keyed(path, a, &ka, b, &kb, out),
            _ => compare_elements(path, a, b, out),
        },
        _ => out.push(change(path, Op::Changed, Some(old), Some(new))),
    }
}

fn change(path: &[String], op: Op, old: Option<&Value>, new: Option<&Value>) -> Change {
    Change {
        path: path.to_vec(),
        op,
        old: old.cloned(),
        new: new.cloned(),
    }
}

/// The key of a named element: its `name`, or the `id` of a production.
fn element_key(value: &Value) -> Option<String> {
    let map = value.as_object()?;
    match (map.get("name"), map.get("id")) {
        (Some(Value::String(name)), _) => Some(name.clone()),
        (None, Some(Value::Number(id))) => Some(id.to_string()),
        _ => None,
    }
}

/// The keys of an array of named elements; `None` when an element has no
/// key or two share one (the array is then compared element by element).
fn keyed(items: &[Value]) -> Option<Vec<String>> {
    let keys: Vec<String> = items.iter().map(element_key).collect::<Option<_>>()?;
    let unique: BTreeSet<&String> = keys.iter().collect();
    (unique.len() == keys.len()).then_some(keys)
}

/// `samples` → `sample`, `entries` → `entry`: the label of one element.
fn singular(field: &str) -> String {
    if let Some(stem) = field.strip_suffix("ies") {
        format!("{stem}y")
    } else if let Some(stem) = field.strip_suffix('s').filter(|s| !s.is_empty()) {
        stem.to_string()
    } else {
        field.to_string()
    }
}

/// Named elements: matched by key, each labelled `sample NAME` in place of
/// the array's field name. Removed ones come first (old order), then the
/// changed and the added ones (new order), then a change of order where
/// order matters ([`ORDERED`]).
fn compare_keyed(
    path: &mut Vec<String>,
    a: &[Value],
    ka: &[String],
    b: &[Value],
    kb: &[String],
    out: &mut Vec<Change>,
) {
    let field = path.pop().unwrap_or_default();
    let label = singular(&field);
    let old: BTreeMap<&String, &Value> = ka.iter().zip(a).collect();
    let new: BTreeMap<&String, &Value> = kb.iter().zip(b).collect();
    for (key, value) in ka.iter().zip(a) {
        if !new.contains_key(key) {
            path.push(format!("{label} {key}"));
            out.push(change(path, Op::Removed, Some(value), None));
            path.pop();
        }
    }
    for (key, value) in kb.iter().zip(b) {
        path.push(format!("{label} {key}"));
        match old.get(key) {
            Some(before) => compare(path, before, value, out),
            None => out.push(change(path, Op::Added, None, Some(value))),
        }
        path.pop();
    }
    let common_old: Vec<&String> = ka.iter().filter(|k| new.contains_key(k)).collect();
    let common_new: Vec<&String> = kb.iter().filter(|k| old.contains_key(k)).collect();
    path.push(field);
    if common_old != common_new && is_ordered(path.last()) {
        out.push(change(
            path,
            Op::Reordered,
            Some(&json!(common_old)),
            Some(&json!(common_new)),
        ));
    }
}

/// Other arrays: compared as lists of values, matched one for one (a value
/// written twice counts twice). Removed values come first (old order), then
/// the added ones (new order); where order matters ([`ORDERED`]), the same
/// values in another order are reported as a change of order.
fn compare_elements(path: &mut [String], a: &[Value], b: &[Value], out: &mut Vec<Change>) {
    let canonical = |v: &Value| v.to_string();
    let mut unmatched_new: BTreeMap<String, usize> = BTreeMap::new();
    for value in b {
        *unmatched_new.entry(canonical(value)).or_default() += 1;
    }
    let mut removed = Vec::new();
    let mut kept_old = Vec::new();
    for value in a {
        match unmatched_new.get_mut(&canonical(value)) {
            Some(n) if *n > 0 => {
                *n -= 1;
                kept_old.push(value);
            }
            _ => removed.push(value),
        }
    }
    let mut unmatched_old: BTreeMap<String, usize> = BTreeMap::new();
    for value in a {
        *unmatched_old.entry(canonical(value)).or_default() += 1;
    }
    let mut added = Vec::new();
    let mut kept_new = Vec::new();
    for value in b {
        match unmatched_old.get_mut(&canonical(value)) {
            Some(n) if *n > 0 => {
                *n -= 1;
                kept_new.push(value);
            }
            _ => added.push(value),
        }
    }
    for value in removed {
        out.push(change(path, Op::Removed, Some(value), None));
    }
    for value in added {
        out.push(change(path, Op::Added, None, Some(value)));
    }
    if kept_old != kept_new && is_ordered(path.last()) {
        out.push(change(
            path,
            Op::Reordered,
            Some(&json!(kept_old)),
            Some(&json!(kept_new)),
        ));
    }
}

// ---------------------------------------------------------------------------
// Jobs and paths.

/// The jobs of a version by name, each as a map of its compared fields.
fn job_views(checked: &Checked) -> BTreeMap<String, Map<String, Value>> {
    jobs(checked)
        .into_iter()
        .map(|job| {
            let mut map = match serde_json::to_value(&job).expect("jobs serialise to JSON") {
                Value::Object(map) => map,
                _ => Map::new(),
            };
            // The schema is the same on both sides, and the source line
            // moves whenever a line is added above the production.
            map.remove("schema");
            map.remove("source");
            (job.name, map)
        })
        .collect()
}

fn diff_jobs(old: &Checked, new: &Checked) -> Vec<JobDiff> {
    let old = job_views(old);
    let new = job_views(new);
    let names: BTreeSet<&String> = old.keys().chain(new.keys()).collect();
    let mut diffs = Vec::new();
    for name in names {
        let entry = |status, fields| JobDiff {
            name: name.clone(),
            status,
            fields,
        };
        match (old.get(name), new.get(name)) {
            (Some(_), None) => diffs.push(entry(Status::Removed, Vec::new())),
            (None, Some(_)) => diffs.push(entry(Status::Added, Vec::new())),
            (Some(a), Some(b)) => {
                let fields: BTreeSet<&String> = a.keys().chain(b.keys()).collect();
                let changed: Vec<FieldChange> = fields
                    .into_iter()
                    .filter_map(|field| {
                        let before = a.get(field).cloned().unwrap_or(Value::Null);
                        let after = b.get(field).cloned().unwrap_or(Value::Null);
                        (before != after).then(|| FieldChange {
                            field: field.clone(),
                            old: before,
                            new: after,
                        })
                    })
                    .collect();
                if !changed.is_empty() {
                    diffs.push(entry(Status::Changed, changed));
                }
            }
            (None, None) => {}
        }
    }
    diffs
}

fn diff_paths(old: &Checked, new: &Checked) -> PathDiff {
    let old: BTreeSet<&str> = old.datasets.iter().map(|d| d.path.as_str()).collect();
    let new: BTreeSet<&str> = new.datasets.iter().map(|d| d.path.as_str()).collect();
    let appear: Vec<&str> = new.difference(&old).copied().collect();
    let vanish: Vec<&str> = old.difference(&new).copied().collect();
    let examples = |paths: &[&str]| {
        paths
            .iter()
            .take(PATH_EXAMPLES)
            .map(|p| p.to_string())
            .collect()
    };
    PathDiff {
        appear: appear.len(),
        vanish: vanish.len(),
        appear_examples: examples(&appear),
        vanish_examples: examples(&vanish),
    }
}

// ---------------------------------------------------------------------------
// Rendering.
