//! Hover texts (Markdown) from the resolved model and the expanded
//! datasets: a sample's productions with their events per background
//! level and its output paths, a payload's intervals of validity as a
//! table, a tag's id, state and payloads, the meaning of a layout
//! placeholder, and a short summary of every other name.

use super::index::{Occurrence, Target};
use super::schema::{enum_of, need_text, reference_kinds, Owner};
use super::state::Analysis;
use crate::emit::docs::thousands;
use crate::layout::expand::{production_events, OwnerKind};
use crate::layout::template::{Placeholder, Use};
use crate::model::{EventType, GlobalTag, Model, Payload, Revision, Sample};
use crate::syntax::ast::ItemKind;
use std::fmt::Write;

/// At most this many intervals of a payload are shown.
const MAX_IOVS: usize = 200;
/// At most this many output paths are shown.
const MAX_PATHS: usize = 50;

/// The hover text of the occurrence at `offset`, if there is one.
pub fn hover(analysis: &Analysis, occurrence: &Occurrence, offset: usize) -> Option<String> {
    let model = &analysis.checked.model;
    match &occurrence.target {
        Target::Item(name) => item(analysis, name),
        Target::Payload { tag, payload } => {
            let tag = model.tags.iter().find(|t| &t.name.text == tag)?;
            let payload = tag.payloads.iter().find(|p| &p.name.text == payload)?;
            Some(payload_text(analysis, tag, payload))
        }
        Target::Sample { campaign, sample } => {
            let c = model.campaigns.iter().find(|c| &c.name.text == campaign)?;
            let s = c.samples.iter().find(|s| &s.name.text == sample)?;
            Some(sample_text(analysis, &c.name.text, s, None))
        }
        Target::Production {
            campaign,
            sample,
            id,
        } => {
            let c = model.campaigns.iter().find(|c| &c.name.text == campaign)?;
            let s = c.samples.iter().find(|s| &s.name.text == sample)?;
            Some(sample_text(analysis, &c.name.text, s, Some(*id)))
        }
        Target::EnumValue { enum_name, entry } => {
            let def = model.enums.iter().find(|e| &e.name.text == enum_name)?;
            let e = def.entries.iter().find(|e| &e.name == entry)?;
            let mut out = format!(
                "**{}** of enum `{enum_name}`, written `{}` in paths\n",
                e.name, e.text
            );
            docs(&mut out, &def.docs);
            Some(out)
        }
        Target::Field { owner, field } => field_text(model, *owner, field),
        Target::Template { .. } => placeholder(analysis, occurrence, offset),
        Target::Import { path } => {
            let count = analysis
                .checked
                .project
                .imports
                .iter()
                .filter(|(span, _)| span.file == occurrence.span.file && **span == occurrence.span)
                .map(|(_, import)| import.entries.len())
                .sum::<usize>();
            Some(format!(
                "payload file `{path}`: {} entries imported",
                thousands(count as u64)
            ))
        }
    }
}

fn docs(out: &mut String, docs: &[String]) {
    if !docs.is_empty() {
        let _ = write!(out, "\n{}\n", docs.join("\n"));
    }
}

fn table(out: &mut String, rows: &[(&str, String)]) {
    out.push_str("\n| | |\n|---|---|\n");
    for (key, value) in rows {
        let _ = writeln!(out, "| {key} | {value} |");
    }
}

fn item(analysis: &Analysis, name: &str) -> Option<String> {
    let model = &analysis.checked.model;
    let (kind, _) = analysis.index.items.get(name)?;
    let mut out = format!("**{}** `{name}`\n", kind.keyword());
    match kind {
        ItemKind::GlobalTag => {
            let tag = model.tags.iter().find(|t| t.name.text == name)?;
            docs(&mut out, &tag.docs);
            let iovs: usize = tag.payloads.iter().map(|p| p.iovs.len()).sum();
            let mut rows = vec![
                (
                    "id",
                    tag.id
                        .as_ref()
                        .map_or("—".to_string(), |i| i.value.to_string()),
                ),
                ("state", tag.state.name.clone()),
                ("type", tag.ty.name.clone()),
                ("iov policy", tag.iov_policy.name.clone()),
                (
                    "payloads",
                    format!(
                        "{} ({} IoVs)",
                        thousands(tag.payloads.len() as u64),
                        thousands(iovs as u64)
                    ),
                ),
            ];
            if let Some(release) = &tag.release {
                rows.push(("release", format!("`{}`", release.value)));
            }
            if let Some(base) = &tag.base {
                rows.push(("base", format!("`{}`", model.tag(base.value).name.text)));
            }
            table(&mut out, &rows);
        }
        ItemKind::Layout => {
            let layout = model.layouts.iter().find(|l| l.name.text == name)?;
            docs(&mut out, &layout.docs);
            let mut rows = Vec::new();
            if let Some(path) = &layout.path {
                rows.push(("path", format!("`{}`", path.value)));
            }
            if let Some(path) = &layout.skim_path {
                rows.push(("skim path", format!("`{}`", path.value)));
            }
            rows.push(("files per block", thousands(layout.files_per_block)));
            table(&mut out, &rows);
        }
        ItemKind::Skim => {
            let skim = model.skims.iter().find(|s| s.name.text == name)?;
            docs(&mut out, &skim.docs);
            let tiers: Vec<&str> = skim.tiers.iter().map(|t| t.name.as_str()).collect();
            let mut rows = vec![
                ("kind", skim.kind.name.clone()),
                ("tiers", tiers.join(", ")),
            ];
            if let Some(code) = &skim.code {
                rows.push(("code", code.value.to_string()));
            }
            if let Some(wg) = &skim.wg {
                rows.push(("working group", wg.clone()));
            }
            table(&mut out, &rows);
        }
        ItemKind::Calibration => {
            let cal = model.calibrations.iter().find(|c| c.name.text == name)?;
            docs(&mut out, &cal.docs);
            let produces: Vec<&str> = cal.produces.iter().map(|p| p.text.as_str()).collect();
            let mut rows = vec![("produces", produces.join(", "))];
            if let Some(into) = &cal.into {
                rows.push(("into", format!("`{}`", model.tag(into.value).name.text)));
            }
            if let Some(hours) = cal.duration_hours {
                rows.push(("duration", format!("{hours} h")));
            }
            if let Some(owner) = &cal.owner {
                rows.push(("owner", owner.clone()));
            }
            table(&mut out, &rows);
        }
        ItemKind::Processing => {
            let p = model.processings.iter().find(|p| p.name.text == name)?;
            docs(&mut out, &p.docs);
            let tags: Vec<String> = p
                .globaltags
                .iter()
                .map(|t| format!("`{}`", model.tag(t.value).name.text))
                .collect();
            let ranges: usize = p.runs.iter().map(|b| b.ranges.len()).sum();
            let paths = dataset_count(analysis, OwnerKind::Processing, name, None);
            let mut rows = vec![
                ("status", p.status.name.clone()),
                ("globaltags", tags.join(", ")),
                ("run ranges", ranges.to_string()),
                ("output paths", thousands(paths as u64)),
            ];
            if let Some(release) = &p.release {
                rows.insert(0, ("release", format!("`{}`", release.value)));
            }
            table(&mut out, &rows);
        }
        ItemKind::Campaign => {
            let c = model.campaigns.iter().find(|c| c.name.text == name)?;
            docs(&mut out, &c.docs);
            let productions: usize = c.samples.iter().map(|s| s.productions.len()).sum();
            let events: u64 = c
                .samples
                .iter()
                .filter_map(|s| s.events.as_ref())
                .map(|e| e.value)
                .fold(0, u64::saturating_add);
            let paths = dataset_count(analysis, OwnerKind::Campaign, name, None);
            let mut rows = vec![
                ("samples", thousands(c.samples.len() as u64)),
                ("productions", thousands(productions as u64)),
                ("events", thousands(events)),
                ("output paths", thousands(paths as u64)),
            ];
            if let Some(release) = &c.release {
                rows.insert(0, ("release", format!("`{}`", release.value)));
            }
            table(&mut out, &rows);
        }
        ItemKind::Release => {
            let r = model.releases.iter().find(|r| r.name.text == name)?;
            let _ = writeln!(out, "\nstatus: {}", r.status.name);
        }
        ItemKind::Enum => {
            let e = model.enums.iter().find(|e| e.name.text == name)?;
            docs(&mut out, &e.docs);
            out.push_str("\n| entry | in paths |\n|---|---|\n");
            for entry in &e.entries {
                let _ = writeln!(out, "| `{}` | `{}` |", entry.name, entry.text);
            }
        }
    }
    Some(out)
}

fn dataset_count(analysis: &Analysis, kind: OwnerKind, item: &str, sample: Option<&str>) -> usize {
    analysis
        .checked
        .datasets
        .iter()
        .filter(|d| d.kind == kind && d.item == item)
        .filter(|d| sample.is_none() || d.sample.as_deref() == sample)
        .count()
}

fn payload_text(analysis: &Analysis, tag: &GlobalTag, payload: &Payload) -> String {
    let sources = &analysis.checked.project.sources;
    let mut out = format!(
        "**payload** `{}` of globaltag `{}`\n",
        payload.name.text, tag.name.text
    );
    docs(&mut out, &payload.docs);
    let mut facts = vec![format!("{} IoVs", thousands(payload.iovs.len() as u64))];
    if payload.optional {
        facts.push("optional".to_string());
    }
    if let Some(release) = &payload.release {
        facts.push(format!("release `{}`", release.value));
    }
    let _ = writeln!(out, "\n{}", facts.join(" · "));
    let mut iovs: Vec<_> = payload.iovs.iter().collect();
    iovs.sort_by_key(|e| e.iov().start);
    out.push_str("\n| IoV | revision | from |\n|---|---|---|\n");
    for entry in iovs.iter().take(MAX_IOVS) {
        let iov = match entry.iov().end {
            Some(end) => format!("{} ..= {end}", entry.iov().start),
            None => format!("{} ..", entry.iov().start),
        };
        let revision = match &entry.revision {
            Revision::Number(n) => n.to_string(),
            Revision::Text(t) => format!("\"{t}\""),
        };
        let file = sources.get(entry.span.file);
        let (line, _) = file.line_col(entry.span.start);
        let from = if entry.imported() {
            format!("{}:{line}", file.name)
        } else {
            format!("line {line}")
        };
        let _ = writeln!(out, "| `{iov}` | {revision} | {from} |");
    }
    if iovs.len() > MAX_IOVS {
        let _ = writeln!(
            out,
            "\n… and {} more",
            thousands((iovs.len() - MAX_IOVS) as u64)
        );
    }
    out
}

/// A sample's productions (or one of them), events per background level
/// and the output paths they expand to.
fn sample_text(analysis: &Analysis, campaign: &str, sample: &Sample, only: Option<u64>) -> String {
    let mut out = match only {
        Some(id) => format!(
            "**production** {id} of sample `{}` of campaign `{campaign}`\n",
            sample.name.text
        ),
        None => format!(
            "**sample** `{}` of campaign `{campaign}`\n",
            sample.name.text
        ),
    };
    docs(&mut out, &sample.docs);
    let mut facts = Vec::new();
    if let Some(event_type) = &sample.event_type {
        facts.push(match &event_type.value {
            EventType::Number(n) => format!("event type {n}"),
            EventType::Generic(g) => format!("generic `{g}`"),
        });
    }
    if let Some(events) = &sample.events {
        facts.push(format!("{} events", thousands(events.value)));
    }
    facts.push(format!("priority {}", sample.priority.name));
    facts.push(format!("status {}", sample.status.name));
    let _ = writeln!(out, "\n{}", facts.join(" · "));
    let events = sample.events.as_ref().map_or(0, |e| e.value);
    let productions: Vec<_> = sample
        .productions
        .iter()
        .filter(|p| only.is_none_or(|id| p.id.value == id))
        .collect();
    out.push_str("\n| production | background | fraction | events |\n|---|---|---|---|\n");
    let mut per_background: Vec<(String, u64)> = Vec::new();
    for p in &productions {
        let background = p.background.as_ref().map_or("—", |b| b.name.as_str());
        let n = production_events(events, p);
        let fraction = p
            .fraction_text
            .clone()
            .unwrap_or_else(|| format!("{}", p.fraction.value));
        let _ = writeln!(
            out,
            "| {} | {background} | {fraction} | {} |",
            p.id.value,
            thousands(n)
        );
        match per_background.iter_mut().find(|(b, _)| b == background) {
            Some((_, total)) => *total = total.saturating_add(n),
            None => per_background.push((background.to_string(), n)),
        }
    }
    per_background.sort();
    let levels: Vec<String> = per_background
        .iter()
        .map(|(b, n)| format!("{b}: {}", thousands(*n)))
        .collect();
    let _ = writeln!(out, "\nevents per background level: {}", levels.join(" · "));
    let paths: Vec<&str> = analysis
        .checked
        .datasets
        .iter()
        .filter(|d| d.kind == OwnerKind::Campaign && d.item == campaign)
        .filter(|d| d.sample.as_deref() == Some(sample.name.text.as_str()))
        .filter(|d| only.is_none() || d.production == only)
        .map(|d| d.path.as_str())
        .collect();
    let _ = writeln!(
        out,
        "\n**output paths** ({}):\n\n```text",
        thousands(paths.len() as u64)
    );
    for path in paths.iter().take(MAX_PATHS) {
        let _ = writeln!(out, "{path}");
    }
    if paths.len() > MAX_PATHS {
        let _ = writeln!(
            out,
            "… and {} more",
            thousands((paths.len() - MAX_PATHS) as u64)
        );
    }
    out.push_str("```\n");
    out
}

fn field_text(model: &Model, owner: Owner, field: &str) -> Option<String> {
    let spec = owner.fields().iter().find(|f| f.name == field)?;
    let mut out = format!(
        "field `{field}` of {} ({})\n",
        owner.describe(),
        need_text(spec)
    );
    if let Some(enum_name) = enum_of(owner, field) {
        let full = format!("{}.{enum_name}", crate::project::STD_PREFIX);
        if let Some(def) = model.enums.iter().find(|e| e.name.text == full) {
            let names: Vec<String> = def
                .entries
                .iter()
                .map(|e| format!("`{}`", e.name))
                .collect();
            let _ = writeln!(out, "\none of `{full}`: {}", names.join(", "));
        }
    }
    if let Some(kinds) = reference_kinds(owner, field) {
        let kinds: Vec<&str> = kinds.iter().map(|k| k.keyword()).collect();
        let _ = writeln!(out, "\nnames {}", kinds.join(" or "));
    }
    Some(out)
}

/// The placeholder of a layout template at `offset`: its meaning, padding
/// and where it is available (LANGUAGE.md §2.7).
fn placeholder(analysis: &Analysis, occurrence: &Occurrence, offset: usize) -> Option<String> {
    let raw = analysis
        .checked
        .project
        .sources
        .get(occurrence.span.file)
        .slice(occurrence.span);
    let at = offset.checked_sub(occurrence.span.start as usize)?;
    let open = raw.get(..at.min(raw.len()))?.rfind('{')?;
    let close = open + raw.get(open..)?.find('}')?;
    if at > close + 1 || raw.get(open..at)?.contains('}') {
        return None;
    }
    let inner = &raw[open + 1..close];
    let (name, pad) = match inner.split_once(':') {
        Some((name, pad)) => (name, Some(pad)),
        None => (inner, None),
    };
    let Some(p) = Placeholder::from_name(name) else {
        return Some(format!("`{{{inner}}}`: unknown placeholder"));
    };
    let mut out = format!("`{{{inner}}}`: {}\n", p.meaning());
    if let Some(width) = pad.and_then(|p| p.strip_prefix('0')) {
        let _ = writeln!(
            out,
            "\nzero-padded to {width} digits; a value with more digits is an error (`E0702`)"
        );
    }
    let uses = [Use::Campaign, Use::ProcessingPath, Use::ProcessingSkimPath];
    let yes: Vec<&str> = uses
        .iter()
        .filter(|u| u.offers(p))
        .map(|u| u.describe())
        .collect();
    let no: Vec<&str> = uses
        .iter()
        .filter(|u| !u.offers(p))
        .map(|u| u.describe())
        .collect();
    let mut availability = format!("available in {}", yes.join(", "));
    if !no.is_empty() {
        availability.push_str(&format!("; not in {}", no.join(", ")));
    }
    let _ = writeln!(out, "\n{availability}");
    Some(out)
}
