//! The `docs` target: Markdown pages for analysts under `docs/`, ready for
//! `mdbook build`.
//!
//! The book has an introduction (`README.md`), one page per campaign
//! (`campaigns/<name>.md`) with its samples and their logical path names, one
//! page per processing (`processings/<name>.md`) with its runs, skims and
//! path patterns, and an index of the project's global tags
//! (`globaltags.md`). `SUMMARY.md` and `book.toml` tie them together.
//!
//! The pages are rendered with handlebars from the templates in
//! `targets/docs/`, embedded in the binary. Everything that needs
//! arithmetic or formatting (thousands separators, sizes, path patterns) is
//! computed here; the templates only arrange it. Escaping is off because the
//! output is Markdown, and the `cell` helper escapes `|` in table cells;
//! values from the manifests are escaped here instead: free text (`text`)
//! shows as itself on one line, doc comments (`markdown`) keep their
//! Markdown but cannot carry raw HTML, links or images.
//! Pages list items in model order and datasets in path order, so the same
//! manifests always give the same bytes.

use super::templates::Renderer;
use super::Sink;
use crate::check::human_bytes;
use crate::diagnostics::Diagnostic;
use crate::layout::template::{Part, Placeholder, Template};
use crate::layout::{parse_layouts, Dataset, Layouts, OwnerKind};
use crate::model::*;
use crate::Checked;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// How many paths of one sample a campaign page lists before "and N more".
const SHOWN_PATHS: usize = 3;

/// Writes a count with thousands separators: `50,000,000`.
pub(crate) fn thousands(n: u64) -> String {
    group_digits(&n.to_string())
}

/// Puts a `,` between groups of three digits of a string of digits.
fn group_digits(digits: &str) -> String {
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A luminosity in inverse picobarns as analysts read it: `509.9 /pb`,
/// `12,345.6 /pb`.
fn luminosity(per_pb: f64) -> String {
    let text = format!("{per_pb}");
    let (whole, fraction) = match text.split_once('.') {
        Some((whole, fraction)) => (whole.to_string(), format!(".{fraction}")),
        None => (text.clone(), String::new()),
    };
    if whole.bytes().all(|b| b.is_ascii_digit()) {
        format!("{}{fraction} /pb", group_digits(&whole))
    } else {
        format!("{text} /pb")
    }
}

/// The name without the `std.` prefix, as `{skim}` prints it.
fn bare(name: &str) -> &str {
    crate::model::bare_name(name)
}

/// Free text of the manifests (a description, ticket, working group, the
/// project name) as Markdown that shows it as written: on one line, with
/// no HTML, link, emphasis or code span of its own.
fn text(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\\' | '`' | '*' | '_' | '[' | ']' => {
                out.push('\\');
                out.push(c);
            }
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

fn opt_text(value: Option<&str>) -> Option<String> {
    value.map(text)
}

/// A doc comment line is Markdown and published as such, except raw HTML,
/// links and images, which could run or load something in the reader's
/// browser: outside code spans, `<` is written `&lt;` and `[` is escaped.
fn markdown(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    while let Some(at) = rest.find(['<', '[', '`']) {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        if let Some(after) = rest.strip_prefix('<') {
            out.push_str("&lt;");
            rest = after;
            continue;
        }
        if let Some(after) = rest.strip_prefix('[') {
            out.push_str("\\[");
            rest = after;
            continue;
        }
        // A code span: a run of backticks up to the next run of as many.
        let ticks = rest.len() - rest.trim_start_matches('`').len();
        let mut end = None;
        let mut from = ticks;
        while let Some(next) = rest[from..].find('`') {
            let start = from + next;
            let run = rest[start..].len() - rest[start..].trim_start_matches('`').len();
            if run == ticks {
                end = Some(start + run);
                break;
            }
            from = start + run;
        }
        let take = end.unwrap_or(ticks);
        out.push_str(&rest[..take]);
        rest = &rest[take..];
    }
    out.push_str(rest);
    out
}

fn doc_lines(docs: &[String]) -> Vec<String> {
    docs.iter().map(|l| markdown(l)).collect()
}

/// Doc comment lines as one line of text, for a table cell or a list entry.
fn one_line(docs: &[String]) -> String {
    markdown(
        &docs
            .iter()
            .map(|l| l.trim())
            .filter(|l| !l.is_empty())
            .collect::<Vec<_>>()
            .join(" "),
    )
}

/// The summary of an item for a list: its `description`, else its docs.
fn summary(description: Option<&String>, docs: &[String]) -> Option<String> {
    description
        .map(|d| text(d.trim()))
        .filter(|d| !d.is_empty())
        .or_else(|| Some(one_line(docs)).filter(|d| !d.is_empty()))
}

/// The anchor mdBook gives a heading made of an identifier.
fn anchor(name: &str) -> String {
    name.to_lowercase()
}

/// A run range as written in a manifest: `3:529 ..= 3:5613`.
fn range_text(range: &RunRange) -> String {
    format!("{} ..= {}", range.first, range.last)
}

/// The runs of a range (0 for a range across experiments, which is an
/// error that has been reported).
fn range_runs(range: &RunRange) -> u64 {
    if range.first.exp == range.last.exp && range.first.run <= range.last.run {
        (range.last.run - range.first.run).saturating_add(1)
    } else {
        0
    }
}

/// A placeholder left open in a path pattern, with what it stands for.
#[derive(Serialize)]
struct Legend {
    /// `<RUN>`.
    shown: String,
    meaning: String,
}

/// A layout template with the values fixed for one page filled in.
#[derive(Serialize)]
struct Pattern {
    text: String,
    legend: Vec<Legend>,
}

/// A value of a placeholder that is the same for every path of a page.
enum Fixed {
    Number(u64),
    Text(String),
}

/// Fills in the fixed values of a template and describes the others:
/// `hint` adds what is known about an open placeholder ("here one of 4S,
/// Scan").
fn pattern(
    template: &Template,
    fixed: &dyn Fn(Placeholder) -> Option<Fixed>,
    hint: &dyn Fn(Placeholder) -> Option<String>,
) -> Pattern {
    let text = template.render_with(&|p, pad| {
        fixed(p).map(|value| match (value, pad) {
            (Fixed::Number(n), Some(width)) => format!("{n:0width$}"),
            (Fixed::Number(n), None) => n.to_string(),
            (Fixed::Text(t), _) => t,
        })
    });
    let mut seen = BTreeSet::new();
    let mut legend = Vec::new();
    for part in &template.parts {
        let Part::Value {
            placeholder, pad, ..
        } = part
        else {
            continue;
        };
        if fixed(*placeholder).is_some() || !seen.insert(*placeholder) {
            continue;
        }
        // The general meaning names `files_per_block`; the hint gives the
        // number instead.
        let mut meaning = match placeholder {
            Placeholder::Block => "the block number, from 0".to_string(),
            other => other.meaning().to_string(),
        };
        if let Some(width) = pad {
            meaning.push_str(&format!(", {width} digits"));
        }
        if let Some(extra) = hint(*placeholder) {
            meaning.push_str("; ");
            meaning.push_str(&extra);
        }
        legend.push(Legend {
            shown: format!("<{}>", placeholder.name().to_uppercase().replace('.', "_")),
            meaning,
        });
    }
    Pattern { text, legend }
}

/// "here one of a, b" for the values a placeholder takes on one page.
fn one_of(values: &[String]) -> Option<String> {
    match values {
        [] => None,
        [one] => Some(format!("here always {one}")),
        many => Some(format!("here one of {}", many.join(", "))),
    }
}

/// A global tag of a stack, linked to its entry in `globaltags.md`.
#[derive(Serialize)]
struct TagLink {
    name: String,
    anchor: String,
    /// Ids are text so that id 0 is not taken for "no id" by `{{#if}}`.
    id: Option<String>,
}

fn tag_links(model: &Model, stack: &[Spanned<TagId>]) -> Vec<TagLink> {
    stack
        .iter()
        .map(|t| {
            let tag = model.tag(t.value);
            TagLink {
                name: tag.name.text.clone(),
                anchor: anchor(&tag.name.text),
                id: tag.id.as_ref().map(|i| i.value.to_string()),
            }
        })
        .collect()
}

/// The first tag of a stack, which `{globaltag.*}` prints.
fn stack_head<'m>(model: &'m Model, stack: &[Spanned<TagId>]) -> Option<&'m GlobalTag> {
    stack.first().map(|t| model.tag(t.value))
}

/// A link to a page of the book with the text to show.
#[derive(Serialize)]
struct Link {
    text: String,
    href: String,
}

// --- campaign pages ---------------------------------------------------------

#[derive(Serialize)]
struct CampaignPage {
    name: String,
    docs: Vec<String>,
    description: Option<String>,
    release: Option<String>,
    tags: Vec<TagLink>,
    /// Run-independent MC: run 0 of `experiment`.
    run_independent: bool,
    experiment: Option<u64>,
    ranges: Vec<String>,
    runs: String,
    beam: Option<String>,
    tier: Option<String>,
    event_size: Option<String>,
    events_per_job: String,
    layout: Option<String>,
    pattern: Option<Pattern>,
    samples: Vec<SampleRow>,
    sample_count: String,
    events: String,
    size: String,
}

#[derive(Serialize)]
struct SampleRow {
    name: String,
    anchor: String,
    docs: Vec<String>,
    summary: Option<String>,
    description: Option<String>,
    event_type: Option<String>,
    events: Option<String>,
    productions: Vec<String>,
    status: String,
    priority: String,
    ticket: Option<String>,
    wg: Option<String>,
    size: Option<String>,
    size_declared: bool,
    paths: Vec<String>,
    more_paths: Option<String>,
}

/// The estimated size of a sample: its declared `size`, else events ×
/// event size (`None` when either is missing or the product overflows).
fn sample_size(sample: &Sample, event_size: Option<u64>) -> Option<(u64, bool)> {
    if let Some(size) = &sample.size_bytes {
        return Some((size.value, true));
    }
    let events = sample.events.as_ref()?.value;
    events.checked_mul(event_size?).map(|s| (s, false))
}

fn event_type_text(event_type: &EventType) -> String {
    match event_type {
        EventType::Number(n) => n.to_string(),
        EventType::Generic(name) => name.clone(),
    }
}

fn campaign_page(
    model: &Model,
    layouts: &Layouts,
    c: &Campaign,
    paths: &BTreeMap<(&str, &str), Vec<&str>>,
) -> CampaignPage {
    let event_size = c.event_size_bytes.as_ref().map(|s| s.value);
    let (experiment, ranges, run_count) = match &c.runs {
        Some(CampaignRuns::Experiment(exp)) => (Some(exp.value), Vec::new(), 1),
        Some(CampaignRuns::Runs(ranges)) => (
            None,
            ranges.iter().map(|r| range_text(&r.value)).collect(),
            ranges.iter().map(|r| range_runs(&r.value)).sum(),
        ),
        None => (None, Vec::new(), 0),
    };
    let layout = c.layout.as_ref().map(|l| model.layout(l.value));
    let template = c
        .layout
        .as_ref()
        .and_then(|l| layouts.path[l.value.index()].as_ref());
    let head = stack_head(model, &c.globaltags);
    let backgrounds: Vec<String> = c
        .samples
        .iter()
        .flat_map(|s| &s.productions)
        .filter_map(|p| p.background.as_ref().map(|b| b.name.clone()))
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let pattern = template.map(|t| {
        pattern(
            t,
            &|p| match p {
                Placeholder::Release => c.release.as_ref().map(|r| Fixed::Text(r.value.clone())),
                Placeholder::GlobaltagId => head
                    .and_then(|t| t.id.as_ref())
                    .map(|i| Fixed::Number(i.value)),
                Placeholder::GlobaltagName => head.map(|t| Fixed::Text(t.name.text.clone())),
                Placeholder::Campaign => Some(Fixed::Text(c.name.text.clone())),
                Placeholder::Beam => c.beam.as_ref().map(|b| Fixed::Text(b.text.clone())),
                Placeholder::Tier => c.tier.as_ref().map(|t| Fixed::Text(t.name.clone())),
                // Run-independent MC has one experiment and run 0.
                Placeholder::Exp => experiment.map(Fixed::Number),
                Placeholder::Run => experiment.map(|_| Fixed::Number(0)),
                _ => None,
            },
            &|p| match p {
                Placeholder::Sample | Placeholder::Production | Placeholder::EventType => {
                    Some("see the samples below".to_string())
                }
                Placeholder::Background => one_of(&backgrounds),
                Placeholder::Run | Placeholder::Exp => Some("see the runs above".to_string()),
                Placeholder::Block => layout
                    .map(|l| format!("at most {} files per block", thousands(l.files_per_block))),
                _ => None,
            },
        )
    });
    let samples: Vec<SampleRow> = c
        .samples
        .iter()
        .map(|s| sample_row(c, s, event_size, paths))
        .collect();
    let events: u64 = c
        .samples
        .iter()
        .filter_map(|s| s.events.as_ref())
        .fold(0, |sum, e| sum.saturating_add(e.value));
    let size: u64 = c
        .samples
        .iter()
        .filter_map(|s| sample_size(s, event_size))
        .fold(0, |sum, (bytes, _)| sum.saturating_add(bytes));
    CampaignPage {
        name: c.name.text.clone(),
        docs: doc_lines(&c.docs),
        description: opt_text(c.description.as_deref()),
        release: c.release.as_ref().map(|r| r.value.clone()),
        tags: tag_links(model, &c.globaltags),
        run_independent: experiment.is_some(),
        experiment,
        ranges,
        runs: thousands(run_count),
        beam: c.beam.as_ref().map(|b| b.text.clone()),
        tier: c.tier.as_ref().map(|t| t.name.clone()),
        event_size: event_size.map(human_bytes),
        events_per_job: thousands(c.events_per_job),
        layout: layout.map(|l| l.name.text.clone()),
        pattern,
        sample_count: thousands(samples.len() as u64),
        samples,
        events: thousands(events),
        size: human_bytes(size),
    }
}

fn sample_row(
    c: &Campaign,
    s: &Sample,
    event_size: Option<u64>,
    paths: &BTreeMap<(&str, &str), Vec<&str>>,
) -> SampleRow {
    let productions = s
        .productions
        .iter()
        .map(|p| {
            let background = p.background.as_ref().map_or("?", |b| b.name.as_str());
            match &s.events {
                Some(events) => format!(
                    "{} ({background}, {})",
                    p.id.value,
                    thousands(crate::layout::expand::production_events(events.value, p))
                ),
                None => format!("{} ({background})", p.id.value),
            }
        })
        .collect();
    let all: &[&str] = paths
        .get(&(c.name.text.as_str(), s.name.text.as_str()))
        .map_or(&[], Vec::as_slice);
    let size = sample_size(s, event_size);
    SampleRow {
        name: s.name.text.clone(),
        anchor: anchor(&format!("sample-{}", s.name.text)),
        docs: doc_lines(&s.docs),
        summary: summary(None, &s.docs),
        description: opt_text(s.description.as_deref()),
        event_type: s.event_type.as_ref().map(|e| event_type_text(&e.value)),
        events: s.events.as_ref().map(|e| thousands(e.value)),
        productions,
        status: s.status.name.clone(),
        priority: s.priority.name.clone(),
        ticket: opt_text(s.ticket.as_deref()),
        wg: opt_text(s.wg.as_deref()),
        size: size.map(|(bytes, _)| human_bytes(bytes)),
        size_declared: size.is_some_and(|(_, declared)| declared),
        paths: all
            .iter()
            .take(SHOWN_PATHS)
            .map(|p| p.to_string())
            .collect(),
        more_paths: (all.len() > SHOWN_PATHS).then(|| thousands((all.len() - SHOWN_PATHS) as u64)),
    }
}

// --- processing pages -------------------------------------------------------

#[derive(Serialize)]
struct ProcessingPage {
    name: String,
    docs: Vec<String>,
    description: Option<String>,
    release: Option<String>,
    tags: Vec<TagLink>,
    status: String,
    ticket: Option<String>,
    production: Option<String>,
    layout: Option<String>,
    tiers: String,
    beams: Vec<BeamRow>,
    runs: String,
    pattern: Option<Pattern>,
    example: Option<String>,
    path_datasets: String,
    skim_datasets: String,
    skim_layout: Option<String>,
    skim_legend: Vec<Legend>,
    skim_example: Option<String>,
    skims: Vec<SkimRow>,
    datasets: String,
}

#[derive(Serialize)]
struct BeamRow {
    beam: String,
    ranges: Vec<String>,
    runs: String,
    luminosity: Option<String>,
}

#[derive(Serialize)]
struct SkimRow {
    name: String,
    summary: Option<String>,
    kind: String,
    code: Option<String>,
    wg: Option<String>,
    tiers: String,
    /// The skim's path pattern; the placeholders left in it are explained
    /// once for all skims (`ProcessingPage::skim_legend`).
    pattern: Option<String>,
    datasets: String,
}

fn processing_page(
    model: &Model,
    layouts: &Layouts,
    p: &Processing,
    datasets: &[&Dataset],
) -> ProcessingPage {
    let head = stack_head(model, &p.globaltags);
    let beams: Vec<String> = p.runs.iter().map(|b| b.beam.text.clone()).collect();
    let layout = p.layout.as_ref().map(|l| l.value.index());
    // The values that are the same for every path of the processing.
    let fixed = |ph: Placeholder, skim: Option<&Skim>, tiers: &[EnumValue]| match ph {
        Placeholder::Release => p.release.as_ref().map(|r| Fixed::Text(r.value.clone())),
        Placeholder::GlobaltagId => head
            .and_then(|t| t.id.as_ref())
            .map(|i| Fixed::Number(i.value)),
        Placeholder::GlobaltagName => head.map(|t| Fixed::Text(t.name.text.clone())),
        Placeholder::Processing => Some(Fixed::Text(p.name.text.clone())),
        Placeholder::Production => p.production.as_ref().map(|v| Fixed::Number(v.value)),
        // A processing writes one block per run and output.
        Placeholder::Block => Some(Fixed::Number(0)),
        Placeholder::Beam if beams.len() == 1 => Some(Fixed::Text(beams[0].clone())),
        Placeholder::Tier if tiers.len() == 1 => Some(Fixed::Text(tiers[0].name.clone())),
        Placeholder::Skim => skim.map(|s| Fixed::Text(bare(&s.name.text).to_string())),
        Placeholder::SkimCode => skim
            .and_then(|s| s.code.as_ref())
            .map(|c| Fixed::Number(c.value)),
        _ => None,
    };
    let hint = |ph: Placeholder, tiers: &[EnumValue]| match ph {
        Placeholder::Beam => one_of(&beams),
        Placeholder::Tier => one_of(&tiers.iter().map(|t| t.name.clone()).collect::<Vec<_>>()),
        Placeholder::Exp | Placeholder::Run => Some("see the runs above".to_string()),
        _ => None,
    };
    let pattern_of = |template: Option<&Template>, skim: Option<&Skim>, tiers: &[EnumValue]| {
        template.map(|t| pattern(t, &|ph| fixed(ph, skim, tiers), &|ph| hint(ph, tiers)))
    };
    let path = layout.and_then(|i| layouts.path[i].as_ref());
    let skim_path = layout.and_then(|i| layouts.skim_path[i].as_ref());
    let plain: Vec<&&Dataset> = datasets.iter().filter(|d| d.skim.is_none()).collect();
    let skims: Vec<SkimRow> = p
        .skims
        .iter()
        .map(|s| {
            let skim = model.skim(s.value);
            let name = bare(&skim.name.text);
            let own = datasets
                .iter()
                .filter(|d| d.skim.as_deref() == Some(name))
                .count();
            SkimRow {
                name: name.to_string(),
                summary: summary(None, &skim.docs),
                kind: skim.kind.name.clone(),
                code: skim.code.as_ref().map(|c| c.value.to_string()),
                wg: opt_text(skim.wg.as_deref()),
                tiers: tier_list(&skim.tiers),
                pattern: pattern_of(skim_path, Some(skim), &skim.tiers).map(|p| p.text),
                datasets: thousands(own as u64),
            }
        })
        .collect();
    // One legend for the skim paths: the skim's name and code are in each
    // path, and `<TIER>` stands for the skim's own tiers.
    let tier_varies = p.skims.iter().any(|s| model.skim(s.value).tiers.len() != 1);
    let skim_legend = skim_path
        .filter(|_| !p.skims.is_empty())
        .map(|t| {
            pattern(
                t,
                &|ph| match ph {
                    Placeholder::Skim | Placeholder::SkimCode => Some(Fixed::Text(String::new())),
                    Placeholder::Tier if tier_varies => None,
                    Placeholder::Tier => Some(Fixed::Text(String::new())),
                    other => fixed(other, None, &[]),
                },
                &|ph| match ph {
                    Placeholder::Tier => Some("here one of the skim's tiers".to_string()),
                    other => hint(other, &[]),
                },
            )
            .legend
        })
        .unwrap_or_default();
    let skim_example = datasets
        .iter()
        .find(|d| d.skim.is_some())
        .map(|d| d.path.clone());
    let beam_rows = p
        .runs
        .iter()
        .map(|b| BeamRow {
            beam: b.beam.text.clone(),
            ranges: b.ranges.iter().map(|r| range_text(&r.value)).collect(),
            runs: thousands(b.ranges.iter().map(|r| range_runs(&r.value)).sum()),
            luminosity: p
                .luminosity
                .iter()
                .find(|l| l.beam == b.beam)
                .map(|l| luminosity(l.per_pb)),
        })
        .collect();
    let runs: u64 = p
        .runs
        .iter()
        .flat_map(|b| &b.ranges)
        .map(|r| range_runs(&r.value))
        .sum();
    ProcessingPage {
        name: p.name.text.clone(),
        docs: doc_lines(&p.docs),
        description: opt_text(p.description.as_deref()),
        release: p.release.as_ref().map(|r| r.value.clone()),
        tags: tag_links(model, &p.globaltags),
        status: p.status.name.clone(),
        ticket: opt_text(p.ticket.as_deref()),
        production: p.production.as_ref().map(|v| v.value.to_string()),
        layout: p
            .layout
            .as_ref()
            .map(|l| model.layout(l.value).name.text.clone()),
        tiers: tier_list(&p.tiers),
        beams: beam_rows,
        runs: thousands(runs),
        pattern: pattern_of(path, None, &p.tiers),
        example: plain.first().map(|d| d.path.clone()),
        path_datasets: thousands(plain.len() as u64),
        skim_datasets: thousands((datasets.len() - plain.len()) as u64),
        skim_layout: layout
            .filter(|_| skim_path.is_some())
            .map(|i| model.layouts[i].name.text.clone()),
        skim_legend,
        skim_example,
        skims,
        datasets: thousands(datasets.len() as u64),
    }
}

fn tier_list(tiers: &[EnumValue]) -> String {
    tiers
        .iter()
        .map(|t| t.name.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

// --- global tags ------------------------------------------------------------

#[derive(Serialize)]
struct TagEntry {
    name: String,
    anchor: String,
    docs: Vec<String>,
    description: Option<String>,
    id: Option<String>,
    #[serde(rename = "type")]
    ty: String,
    state: String,
    release: Option<String>,
    iov_policy: String,
    payloads: String,
    payload_names: String,
    base: Option<TagLink>,
    used_by: Vec<Link>,
    written_by: Vec<String>,
}

/// What the entry of each tag shows of the rest of the project: the names
/// of its effective payloads (its own and its `base` chain's), the
/// processings and campaigns using it and the calibrations writing into it.
/// Gathered for all tags at once: looking them up for each tag on its own
/// is quadratic in a project of long chains.
struct TagFacts<'m> {
    names: Vec<Vec<&'m str>>,
    used_by: Vec<Vec<Link>>,
    written_by: Vec<Vec<String>>,
}

impl<'m> TagFacts<'m> {
    fn new(model: &'m Model) -> TagFacts<'m> {
        let n = model.tags.len();
        let mut names = vec![Vec::new(); n];
        let forest = crate::check::base_forest::BaseForest::new(model);
        let wanted = |tag: TagId| !model.tag(tag).is_std;
        crate::check::base_forest::for_each_content(model, &forest, wanted, |tag, content| {
            names[tag.index()] = content.keys().copied().collect();
        });
        let mut used_by: Vec<Vec<Link>> = std::iter::repeat_with(Vec::new).take(n).collect();
        // Each user once per tag, however often its stack names the tag.
        let mut use_tags = |stack: &[Spanned<TagId>], link: &dyn Fn() -> Link| {
            let tags: BTreeSet<TagId> = stack.iter().map(|t| t.value).collect();
            for t in tags {
                used_by[t.index()].push(link());
            }
        };
        for p in &model.processings {
            use_tags(&p.globaltags, &|| Link {
                text: format!("processing {}", p.name.text),
                href: format!("processings/{}.md", p.name.text),
            });
        }
        for c in &model.campaigns {
            use_tags(&c.globaltags, &|| Link {
                text: format!("campaign {}", c.name.text),
                href: format!("campaigns/{}.md", c.name.text),
            });
        }
        let mut written_by = vec![Vec::new(); n];
        for c in &model.calibrations {
            if let Some(into) = &c.into {
                written_by[into.value.index()].push(c.name.text.clone());
            }
        }
        TagFacts {
            names,
            used_by,
            written_by,
        }
    }
}

fn tag_entry(model: &Model, facts: &mut TagFacts, index: usize, tag: &GlobalTag) -> TagEntry {
    let used_by = std::mem::take(&mut facts.used_by[index]);
    let written_by = std::mem::take(&mut facts.written_by[index]);
    let names = std::mem::take(&mut facts.names[index]);
    let own = tag.payloads.len();
    let base = tag.base.as_ref().map(|b| {
        let base = model.tag(b.value);
        TagLink {
            name: base.name.text.clone(),
            anchor: anchor(&base.name.text),
            id: base.id.as_ref().map(|i| i.value.to_string()),
        }
    });
    let payloads = if base.is_some() {
        format!(
            "{} ({} own, {} from the base)",
            thousands(names.len() as u64),
            thousands(own as u64),
            thousands(names.len().saturating_sub(own) as u64)
        )
    } else {
        thousands(names.len() as u64)
    };
    TagEntry {
        name: tag.name.text.clone(),
        anchor: anchor(&tag.name.text),
        docs: doc_lines(&tag.docs),
        description: opt_text(tag.description.as_deref()),
        id: tag.id.as_ref().map(|i| i.value.to_string()),
        ty: tag.ty.name.clone(),
        state: tag.state.name.clone(),
        release: tag.release.as_ref().map(|r| r.value.clone()),
        iov_policy: tag.iov_policy.name.clone(),
        payloads,
        payload_names: names.join(", "),
        base,
        used_by,
        written_by,
    }
}

// --- the book ---------------------------------------------------------------

/// One line of the introduction: an item, its page and a summary.
#[derive(Serialize)]
struct IndexEntry {
    name: String,
    href: String,
    facts: String,
    summary: Option<String>,
}

#[derive(Serialize)]
struct Book {
    title: String,
    /// The title as a TOML string, quotes and escapes included.
    title_toml: String,
    project: String,
    campaigns: Vec<IndexEntry>,
    processings: Vec<IndexEntry>,
    tags: usize,
}

/// Renders one page; every file ends in exactly one newline.
fn render<T: Serialize>(
    renderer: &Renderer,
    name: &str,
    data: &T,
    diags: &mut Vec<Diagnostic>,
) -> Vec<u8> {
    match renderer.render(name, data) {
        Ok(mut text) => {
            let trimmed = text.trim_end().len();
            text.truncate(trimmed);
            text.push('\n');
            text.into_bytes()
        }
        Err(diag) => {
            diags.push(diag);
            Vec::new()
        }
    }
}

pub(super) fn emit(
    checked: &Checked,
    renderer: &Renderer,
    sink: &dyn Sink,
) -> Result<(), Vec<Diagnostic>> {
    let model = &checked.model;
    let mut diags = Vec::new();
    // The templates were checked with the model; their errors are reported.
    let layouts = parse_layouts(model, &mut Vec::new());

    let mut sample_paths: BTreeMap<(&str, &str), Vec<&str>> = BTreeMap::new();
    let mut processing_datasets: BTreeMap<&str, Vec<&Dataset>> = BTreeMap::new();
    for dataset in &checked.datasets {
        match (dataset.kind, &dataset.sample) {
            (OwnerKind::Campaign, Some(sample)) => sample_paths
                .entry((dataset.item.as_str(), sample.as_str()))
                .or_default()
                .push(dataset.path.as_str()),
            (OwnerKind::Processing, _) => processing_datasets
                .entry(dataset.item.as_str())
                .or_default()
                .push(dataset),
            (OwnerKind::Campaign, None) => {}
        }
    }

    let project = checked
        .project
        .config
        .as_ref()
        .map_or("prodc project", |c| c.project.name.get_ref().as_str())
        .to_string();
    let title = format!("{project}: data and MC paths");
    let mut book = Book {
        title_toml: toml::Value::String(title.clone()).to_string(),
        title: text(&title),
        project: text(&project),
        campaigns: Vec::new(),
        processings: Vec::new(),
        tags: 0,
    };

    for c in &model.campaigns {
        let page = campaign_page(model, &layouts, c, &sample_paths);
        let release = page.release.as_deref().unwrap_or("no release");
        let samples = page.samples.len();
        book.campaigns.push(IndexEntry {
            name: page.name.clone(),
            href: format!("campaigns/{}.md", page.name),
            facts: format!(
                "{release}, {samples} sample{}, {} events",
                if samples == 1 { "" } else { "s" },
                page.events
            ),
            summary: summary(c.description.as_ref(), &c.docs),
        });
        sink.put(
            format!("docs/campaigns/{}.md", c.name.text),
            render(renderer, "docs/campaign.md.hbs", &page, &mut diags),
        );
    }

    for p in &model.processings {
        let datasets = processing_datasets
            .get(p.name.text.as_str())
            .map_or(&[][..], Vec::as_slice);
        let page = processing_page(model, &layouts, p, datasets);
        let release = page.release.as_deref().unwrap_or("no release");
        book.processings.push(IndexEntry {
            name: page.name.clone(),
            href: format!("processings/{}.md", page.name),
            facts: format!("{release}, {}, {} runs", page.status, page.runs),
            summary: summary(p.description.as_ref(), &p.docs),
        });
        sink.put(
            format!("docs/processings/{}.md", p.name.text),
            render(renderer, "docs/processing.md.hbs", &page, &mut diags),
        );
    }

    let mut facts = TagFacts::new(model);
    let tags: Vec<TagEntry> = model
        .tags
        .iter()
        .enumerate()
        .filter(|(_, t)| !t.is_std)
        .map(|(i, t)| tag_entry(model, &mut facts, i, t))
        .collect();
    book.tags = tags.len();
    sink.put(
        "docs/globaltags.md".to_string(),
        render(
            renderer,
            "docs/globaltags.md.hbs",
            &serde_json::json!({ "tags": tags }),
            &mut diags,
        ),
    );

    for (file, template) in [
        ("docs/book.toml", "docs/book.toml.hbs"),
        ("docs/SUMMARY.md", "docs/SUMMARY.md.hbs"),
        ("docs/README.md", "docs/README.md.hbs"),
    ] {
        sink.put(
            file.to_string(),
            render(renderer, template, &book, &mut diags),
        );
    }
    if diags.is_empty() {
        Ok(())
    } else {
        Err(diags)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_grouped_for_reading() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(50_000_000), "50,000,000");
        assert_eq!(luminosity(509.9), "509.9 /pb");
        assert_eq!(luminosity(12345.25), "12,345.25 /pb");
        assert_eq!(luminosity(1949.0), "1,949 /pb");
    }

    #[test]
    fn manifest_text_carries_no_html_or_markdown_of_its_own() {
        assert_eq!(
            text("a<script>&\n*b* [l](x) `c` \\"),
            "a&lt;script&gt;&amp; \\*b\\* \\[l\\](x) \\`c\\` \\\\"
        );
        assert_eq!(
            markdown("B+ -> D* <b>x</b> `a<b` ``c`<d``"),
            "B+ -> D* &lt;b>x&lt;/b> `a<b` ``c`<d``"
        );
        assert_eq!(markdown("`open <i>"), "`open &lt;i>");
        assert_eq!(
            markdown("![i](x) [l](javascript:y) `[c](d)`"),
            "!\\[i](x) \\[l](javascript:y) `[c](d)`"
        );
    }
}
