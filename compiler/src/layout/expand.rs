//! Expansion of layouts into datasets (LANGUAGE.md §2.7): a campaign per
//! production × run × tier × block, a processing per run × tier with `path`
//! and per run × skim × that skim's tiers with `skim_path`. A project
//! expands to at most `MAX_DATASETS` paths (`E0705` beyond).

use super::template::{check_expanded, Part, Placeholder, Template, Use};
use super::Layouts;
use crate::diagnostics::{Code, Diagnostic};
use crate::model::*;
use crate::resolve::values::Decimal;
use crate::source::Span;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// The most output directories a project may expand to. More is a mistake
/// in a run range or an event count (`E0705`), and would exhaust memory.
pub const MAX_DATASETS: u64 = 1_000_000;

/// What produces a dataset.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum OwnerKind {
    Campaign,
    Processing,
}

/// One output directory and what writes it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Dataset {
    pub path: String,
    pub kind: OwnerKind,
    /// The campaign or processing.
    pub item: String,
    pub sample: Option<String>,
    pub production: Option<u64>,
    pub background: Option<String>,
    pub skim: Option<String>,
    pub tier: String,
    pub exp: u64,
    pub run: u64,
    pub block: u64,
    /// Where the dataset is declared: the production id or the run range.
    #[serde(skip)]
    pub span: Span,
}

impl Dataset {
    /// "sample `s` (production 7088) of campaign `C`" or "processing `p`".
    pub fn owner(&self) -> String {
        match (self.kind, &self.sample) {
            (OwnerKind::Campaign, Some(sample)) => format!(
                "production {} of sample `{sample}` of campaign `{}`",
                self.production.unwrap_or(0),
                self.item
            ),
            (OwnerKind::Campaign, None) => format!("campaign `{}`", self.item),
            (OwnerKind::Processing, _) => format!("processing `{}`", self.item),
        }
    }
}

/// The values one dataset gives the placeholders.
#[derive(Debug, Clone, Default)]
struct Values<'a> {
    release: &'a str,
    tag_id: Option<u64>,
    tag_name: &'a str,
    campaign: &'a str,
    sample: &'a str,
    production: Option<u64>,
    background: &'a str,
    exp: u64,
    beam: &'a str,
    run: u64,
    event_type: Option<&'a EventType>,
    tier: &'a str,
    block: u64,
    processing: &'a str,
    skim: &'a str,
    skim_code: Option<u64>,
}

/// A placeholder's value: a number (which may be padded) or text.
enum Value<'a> {
    Number(u64),
    Text(&'a str),
    Missing,
}

impl<'a> Values<'a> {
    fn get(&self, p: Placeholder) -> Value<'a> {
        let num = |n: Option<u64>| n.map_or(Value::Missing, Value::Number);
        match p {
            Placeholder::Release => Value::Text(self.release),
            Placeholder::GlobaltagId => num(self.tag_id),
            Placeholder::GlobaltagName => Value::Text(self.tag_name),
            Placeholder::Campaign => Value::Text(self.campaign),
            Placeholder::Sample => Value::Text(self.sample),
            Placeholder::Production => num(self.production),
            Placeholder::Background => Value::Text(self.background),
            Placeholder::Exp => Value::Number(self.exp),
            Placeholder::Beam => Value::Text(self.beam),
            Placeholder::Run => Value::Number(self.run),
            Placeholder::EventType => match self.event_type {
                Some(EventType::Number(n)) => Value::Number(*n),
                Some(EventType::Generic(name)) => Value::Text(name),
                None => Value::Missing,
            },
            Placeholder::Tier => Value::Text(self.tier),
            Placeholder::Block => Value::Number(self.block),
            Placeholder::Processing => Value::Text(self.processing),
            Placeholder::Skim => Value::Text(self.skim),
            Placeholder::SkimCode => num(self.skim_code),
        }
    }
}

/// Problems found while expanding one use, each reported once.
#[derive(Default)]
struct Trouble {
    reported: BTreeSet<String>,
}

struct Expander<'a, 'd> {
    model: &'a Model,
    diags: &'d mut Vec<Diagnostic>,
    datasets: Vec<Dataset>,
    trouble: Trouble,
    /// How many more datasets the project may expand to.
    left: u64,
}

/// The runs of the well-formed ranges (the others are reported elsewhere).
fn run_count<'r>(ranges: impl Iterator<Item = &'r Spanned<RunRange>>) -> u128 {
    ranges
        .filter(|r| r.value.first.exp == r.value.last.exp && r.value.first <= r.value.last)
        .map(|r| u128::from(r.value.last.run - r.value.first.run) + 1)
        .fold(0, u128::saturating_add)
}

pub(super) fn expand_all(
    model: &Model,
    layouts: &Layouts,
    diags: &mut Vec<Diagnostic>,
) -> Vec<Dataset> {
    let mut ex = Expander {
        model,
        diags,
        datasets: Vec::new(),
        trouble: Trouble::default(),
        left: MAX_DATASETS,
    };
    for campaign in &model.campaigns {
        ex.campaign(campaign, layouts);
    }
    for processing in &model.processings {
        ex.processing(processing, layouts);
    }
    let mut datasets = ex.datasets;
    datasets.sort_by(|a, b| a.path.cmp(&b.path));
    collisions(&datasets, diags);
    datasets
}

impl<'a> Expander<'a, '_> {
    /// Takes `count` datasets from what the project has left; reports
    /// `E0705` at `at` (once per owner) when they do not fit.
    fn fits(&mut self, count: u128, owner: &str, at: Span) -> bool {
        if count <= u128::from(self.left) {
            self.left -= count as u64;
            return true;
        }
        if self.trouble.reported.insert(format!("E0705 {owner}")) {
            self.diags.push(
                Diagnostic::new(
                    Code::E0705,
                    format!("{owner} expands to {count} output paths, more than the project's limit of {MAX_DATASETS}"),
                    at,
                    "expands to too many output paths",
                )
                .with_help("check the run ranges, and for a campaign `events`, `events_per_job` and the layout's `files_per_block`"),
            );
        }
        false
    }

    /// Checks that a template offers every placeholder to its use; reports
    /// `E0701` at the use site otherwise.
    fn usable(
        &mut self,
        template: &Template,
        use_: Use,
        layout: &Layout,
        at: Span,
        owner: &str,
    ) -> bool {
        let mut ok = true;
        for (p, span) in template.placeholders() {
            if !use_.offers(p) {
                ok = false;
                self.diags.push(
                    Diagnostic::new(
                        Code::E0701,
                        format!("layout `{}` prints `{{{}}}`, which {owner} has no value for", layout.name.text, p.name()),
                        at,
                        "the layout is used here",
                    )
                    .with_label(span, format!("not available in {}", use_.describe()))
                    .with_help("use a layout written for this kind of item (campaigns: std.mc_lpn; processings: std.kekcc_data, std.grid_data)"),
                );
            }
        }
        ok
    }

    /// `E0306` for a placeholder whose value the item does not define,
    /// reported once per owner and placeholder.
    fn missing(&mut self, key: String, diag: Diagnostic) {
        if self.trouble.reported.insert(format!("E0306 {key}")) {
            self.diags.push(diag);
        }
    }

    /// Renders one path; reports `E0702` and `E0704` once per owner.
    fn render(
        &mut self,
        template: &Template,
        values: &Values,
        owner: &str,
        at: Span,
    ) -> Option<String> {
        let mut path = String::with_capacity(128);
        for part in &template.parts {
            match part {
                Part::Text(t) => path.push_str(t),
                Part::Value {
                    placeholder,
                    pad,
                    span,
                } => match values.get(*placeholder) {
                    Value::Number(n) => {
                        let digits = n.to_string();
                        match pad {
                            Some(width) if digits.len() > *width => {
                                if self
                                    .trouble
                                    .reported
                                    .insert(format!("E0702 {owner} {}", placeholder.name()))
                                {
                                    self.diags.push(
                                        Diagnostic::new(
                                            Code::E0702,
                                            format!(
                                                "{} {n} of {owner} needs {} digits, but the layout pads it to {width}",
                                                placeholder.name(),
                                                digits.len()
                                            ),
                                            at,
                                            format!("{} {n}", placeholder.name()),
                                        )
                                        .with_label(*span, format!("padded to {width} digits"))
                                        .with_help("a wider value would break the sort order of the paths: widen the padding in the layout, or use a layout with more digits"),
                                    );
                                }
                                return None;
                            }
                            Some(width) => path.push_str(&format!("{n:0width$}")),
                            None => path.push_str(&digits),
                        }
                    }
                    Value::Text(t) => path.push_str(t),
                    Value::Missing => return None,
                },
            }
        }
        if let Err(why) = check_expanded(&path) {
            if self.trouble.reported.insert(format!("E0704 {owner}")) {
                self.diags.push(
                    Diagnostic::new(Code::E0704, format!("the path `{path}` of {owner} {why}"), at, "expands to an invalid path")
                        .with_label(template.span, "from this template")
                        .with_help("path components use only letters, digits and `_ . + -`; check the values printed into the path"),
                );
            }
            return None;
        }
        Some(path)
    }

    /// The id and name of the first tag of a stack, for `{globaltag.*}`;
    /// `None` after reporting an id the layout needs but the tag lacks.
    fn stack_head(
        &mut self,
        stack: &[Spanned<TagId>],
        template: &Template,
        layout: &Layout,
        owner: &str,
    ) -> Option<(Option<u64>, &'a str)> {
        let model = self.model;
        let first = stack.first()?;
        let tag = model.tag(first.value);
        let needs_id = template
            .placeholders()
            .find(|(p, _)| *p == Placeholder::GlobaltagId);
        if let (Some((_, at)), None) = (needs_id, &tag.id) {
            if !tag.invalid.contains(&"id") {
                let diag = Diagnostic::new(
                    Code::E0306,
                    format!(
                        "layout `{}` prints `{{globaltag.id}}`, but globaltag `{}` has no `id`",
                        layout.name.text, tag.name.text
                    ),
                    first.span,
                    format!("first tag of the stack of {owner}"),
                )
                .with_label(tag.name.span, "no `id = N` in this tag")
                .with_label(at, "printed here")
                .with_help(format!(
                    "add `id = N` (the conditions database id) to globaltag `{}`",
                    tag.name.text
                ));
                self.missing(format!("{owner} globaltag.id"), diag);
            }
            return None;
        }
        Some((tag.id.as_ref().map(|i| i.value), tag.name.text.as_str()))
    }

    fn campaign(&mut self, c: &'a Campaign, layouts: &Layouts) {
        let owner = format!("campaign `{}`", c.name.text);
        let (Some(layout_ref), Some(release), Some(runs), Some(beam), Some(tier)) =
            (&c.layout, &c.release, &c.runs, &c.beam, &c.tier)
        else {
            return;
        };
        let layout = self.model.layout(layout_ref.value);
        let Some(template) = layouts.path[layout_ref.value.index()].clone() else {
            return;
        };
        if !self.usable(&template, Use::Campaign, layout, layout_ref.span, &owner) {
            return;
        }
        let Some((tag_id, tag_name)) = self.stack_head(&c.globaltags, &template, layout, &owner)
        else {
            return;
        };
        let runs_per_production = match runs {
            CampaignRuns::Experiment(_) => 1,
            CampaignRuns::Runs(ranges) => run_count(ranges.iter()),
        };
        let files_per_block = layout.files_per_block.max(1);
        let count = c
            .samples
            .iter()
            .filter_map(|s| s.events.as_ref().map(|e| (s, e.value)))
            .flat_map(|(s, events)| s.productions.iter().map(move |p| (p, events)))
            .map(|(production, events)| {
                let files = production_events(events, production).div_ceil(c.events_per_job.max(1));
                runs_per_production
                    .saturating_mul(u128::from(files.div_ceil(files_per_block).max(1)))
            })
            .fold(0, u128::saturating_add);
        if !self.fits(count, &owner, c.name.span) {
            return;
        }
        let run_list: Vec<(u64, u64)> = match runs {
            CampaignRuns::Experiment(exp) => vec![(exp.value, 0)],
            CampaignRuns::Runs(ranges) => ranges
                .iter()
                .filter(|r| r.value.first.exp == r.value.last.exp && r.value.first <= r.value.last)
                .flat_map(|r| {
                    (r.value.first.run..=r.value.last.run).map(move |run| (r.value.first.exp, run))
                })
                .collect(),
        };
        for sample in &c.samples {
            let Some(events) = &sample.events else {
                continue;
            };
            for production in &sample.productions {
                let events = production_events(events.value, production);
                let files = events.div_ceil(c.events_per_job.max(1));
                let blocks = files.div_ceil(files_per_block);
                let values = Values {
                    release: &release.value,
                    tag_id,
                    tag_name,
                    campaign: &c.name.text,
                    sample: &sample.name.text,
                    production: Some(production.id.value),
                    background: production
                        .background
                        .as_ref()
                        .map_or("", |b| b.name.as_str()),
                    beam: &beam.text,
                    event_type: sample.event_type.as_ref().map(|e| &e.value),
                    tier: &tier.name,
                    ..Values::default()
                };
                let owner = format!(
                    "production {} of sample `{}`",
                    production.id.value, sample.name.text
                );
                for &(exp, run) in &run_list {
                    for block in 0..blocks {
                        let v = Values {
                            exp,
                            run,
                            block,
                            ..values.clone()
                        };
                        let Some(path) = self.render(&template, &v, &owner, production.id.span)
                        else {
                            continue;
                        };
                        self.datasets.push(Dataset {
                            path,
                            kind: OwnerKind::Campaign,
                            item: c.name.text.clone(),
                            sample: Some(sample.name.text.clone()),
                            production: Some(production.id.value),
                            background: production.background.as_ref().map(|b| b.name.clone()),
                            skim: None,
                            tier: tier.name.clone(),
                            exp,
                            run,
                            block,
                            span: production.id.span,
                        });
                    }
                }
            }
        }
    }

    fn processing(&mut self, p: &'a Processing, layouts: &Layouts) {
        let model = self.model;
        let owner = format!("processing `{}`", p.name.text);
        let (Some(layout_ref), Some(release)) = (&p.layout, &p.release) else {
            return;
        };
        let layout = self.model.layout(layout_ref.value);
        let path = layouts.path[layout_ref.value.index()].clone();
        let skim_path = layouts.skim_path[layout_ref.value.index()].clone();
        if !p.skims.is_empty() && layout.skim_path.is_none() {
            self.diags.push(
                Diagnostic::new(
                    Code::E0701,
                    format!("{owner} has skims, but layout `{}` has no `skim_path`", layout.name.text),
                    layout_ref.span,
                    "no `skim_path` in this layout",
                )
                .with_label(p.skims[0].span, "skims listed here")
                .with_help("use a layout with a `skim_path` (std.kekcc_data, std.grid_data) or add one to the layout"),
            );
        }
        let mut jobs: Vec<(Template, Use)> = Vec::new();
        if let Some(t) = path {
            jobs.push((t, Use::ProcessingPath));
        }
        if let (Some(t), false) = (skim_path, p.skims.is_empty()) {
            jobs.push((t, Use::ProcessingSkimPath));
        }
        for (template, use_) in jobs {
            if !self.usable(&template, use_, layout, layout_ref.span, &owner) {
                continue;
            }
            // Report every value the item lacks before giving up on this path.
            let head = self.stack_head(&p.globaltags, &template, layout, &owner);
            let production_at = template
                .placeholders()
                .find(|(ph, _)| *ph == Placeholder::Production);
            if let (Some((_, at)), None) = (production_at, &p.production) {
                let diag = Diagnostic::new(
                    Code::E0306,
                    format!(
                        "layout `{}` prints `{{production}}`, but {owner} has no `production`",
                        layout.name.text
                    ),
                    layout_ref.span,
                    "this layout needs a production id",
                )
                .with_label(p.name.span, "no `production = N` here")
                .with_label(at, "printed here")
                .with_help("add `production = N` with the processing's production id");
                self.missing(format!("{owner} production"), diag);
            }
            // (skim name, code, tiers) per output kind: the processing's
            // tiers with `path`, each skim's own tiers with `skim_path`.
            let mut outputs: Vec<(Option<&Skim>, Vec<&str>, Span)> = Vec::new();
            if use_ == Use::ProcessingPath {
                outputs.push((
                    None,
                    p.tiers.iter().map(|t| t.name.as_str()).collect(),
                    layout_ref.span,
                ));
            } else {
                for skim_ref in &p.skims {
                    let skim = model.skim(skim_ref.value);
                    let code_at = template
                        .placeholders()
                        .find(|(ph, _)| *ph == Placeholder::SkimCode);
                    if let (Some((_, at)), None) = (code_at, &skim.code) {
                        let diag = Diagnostic::new(
                            Code::E0306,
                            format!("layout `{}` prints `{{skim.code}}`, but skim `{}` has no code", layout.name.text, skim.name.text),
                            skim_ref.span,
                            "this skim has no `code`",
                        )
                        .with_label(at, "printed here")
                        .with_help("use a skim with an 8-digit code, or a layout whose skim path prints `{skim}`");
                        self.missing(format!("{owner} skim.code {}", skim.name.text), diag);
                        continue;
                    }
                    outputs.push((
                        Some(skim),
                        skim.tiers.iter().map(|t| t.name.as_str()).collect(),
                        skim_ref.span,
                    ));
                }
            }
            let Some((tag_id, tag_name)) = head else {
                continue;
            };
            if production_at.is_some() && p.production.is_none() {
                continue;
            }
            // Every run is visited even when it has no output.
            let per_run = outputs
                .iter()
                .map(|(_, tiers, _)| tiers.len() as u128)
                .sum::<u128>()
                .max(1);
            let runs = run_count(p.runs.iter().flat_map(|b| b.ranges.iter()));
            if !self.fits(runs.saturating_mul(per_run), &owner, p.name.span) {
                continue;
            }
            let base = Values {
                release: &release.value,
                tag_id,
                tag_name,
                production: p.production.as_ref().map(|v| v.value),
                processing: &p.name.text,
                ..Values::default()
            };
            for beam_runs in &p.runs {
                for range in &beam_runs.ranges {
                    let RunRange { first, last } = range.value;
                    if first.exp != last.exp || first > last {
                        continue;
                    }
                    for run in first.run..=last.run {
                        for (skim, tiers, _) in &outputs {
                            let bare = skim.map(|s| s.name.bare());
                            for tier in tiers {
                                let v = Values {
                                    exp: first.exp,
                                    run,
                                    beam: &beam_runs.beam.text,
                                    tier,
                                    skim: bare.unwrap_or(""),
                                    skim_code: skim.and_then(|s| s.code.as_ref().map(|c| c.value)),
                                    ..base.clone()
                                };
                                let Some(path) = self.render(&template, &v, &owner, range.span)
                                else {
                                    continue;
                                };
                                self.datasets.push(Dataset {
                                    path,
                                    kind: OwnerKind::Processing,
                                    item: p.name.text.clone(),
                                    sample: None,
                                    production: p.production.as_ref().map(|v| v.value),
                                    background: None,
                                    skim: bare.map(str::to_string),
                                    tier: tier.to_string(),
                                    exp: first.exp,
                                    run,
                                    block: 0,
                                    span: range.span,
                                });
                            }
                        }
                    }
                }
            }
        }
    }
}

/// The events of one production: the sample's events times its fraction,
/// exactly (rounded down when not whole, which is reported as E0803).
pub fn production_events(events: u64, production: &Production) -> u64 {
    match production.fraction_text.as_deref().and_then(Decimal::parse) {
        Some(d) => {
            let product = u128::from(events) * d.mantissa / 10u128.pow(d.scale);
            u64::try_from(product).unwrap_or(u64::MAX)
        }
        None if production.fraction.value.is_finite() => {
            (events as f64 * production.fraction.value) as u64
        }
        None => 0,
    }
}

/// Whether two datasets are the same output of the same owner.
fn same_dataset(a: &Dataset, b: &Dataset) -> bool {
    (
        a.kind,
        &a.item,
        &a.sample,
        a.production,
        &a.skim,
        &a.tier,
        a.exp,
        a.run,
        a.block,
    ) == (
        b.kind,
        &b.item,
        &b.sample,
        b.production,
        &b.skim,
        &b.tier,
        b.exp,
        b.run,
        b.block,
    )
}

/// `E0703`: datasets with the same path, one report per pair of owners.
fn collisions(sorted: &[Dataset], diags: &mut Vec<Diagnostic>) {
    let mut pairs: BTreeMap<(String, String), (usize, &Dataset, &Dataset)> = BTreeMap::new();
    for pair in sorted.windows(2) {
        let (a, b) = (&pair[0], &pair[1]);
        if a.path != b.path {
            continue;
        }
        // The same dataset of the same owner twice comes from a run listed
        // twice, which is reported as E0408.
        if same_dataset(a, b) {
            continue;
        }
        let key = (a.owner(), b.owner());
        pairs
            .entry(key)
            .and_modify(|e| e.0 += 1)
            .or_insert((1, a, b));
    }
    for ((owner_a, owner_b), (count, a, b)) in pairs {
        let more = if count > 1 {
            format!(" and {} more", count - 1)
        } else {
            String::new()
        };
        let who = if owner_a == owner_b {
            format!("{owner_a} twice")
        } else {
            format!("{owner_a} and {owner_b}")
        };
        diags.push(
            Diagnostic::new(Code::E0703, format!("`{}`{more} would be written by {who}", a.path), b.span, format!("{owner_b} writes here"))
                .with_label(a.span, format!("{owner_a} writes here too"))
                .with_help("give the two a different layout, campaign or processing name, or production id, so that their paths differ"),
        );
    }
}
