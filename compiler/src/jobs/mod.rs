//! Jobs: the target-neutral unit of work that the `jobs` and `batch`
//! targets print. One job per production of a campaign (its tasks generate
//! `events_per_job` events each) and one per run range of a processing (one
//! task per run).

use crate::layout::template::Placeholder;
use crate::layout::{Dataset, Layouts, OwnerKind};
use crate::model::*;
use crate::Checked;
use rayon::prelude::*;
use serde::Serialize;
use std::collections::BTreeMap;

/// The version of the job file format; `targets/job.schema.json` describes it.
pub const SCHEMA: &str = "prodc.job/v1";

#[derive(Debug, Clone, Serialize)]
pub struct Tag {
    pub name: String,
    pub id: Option<u64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Priority {
    pub name: String,
    pub value: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct Runs {
    pub experiment: u64,
    pub first: u64,
    pub last: u64,
}

/// One output of a job: a tier (of a skim, for skimmed outputs) and where
/// it goes. Campaign outputs list their directories; a processing run range
/// gives the pattern with `<RUN>` for the per-run directory.
#[derive(Debug, Clone, Serialize)]
pub struct Output {
    pub tier: String,
    pub skim: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub lpns: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lpn_pattern: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Source {
    pub file: String,
    pub line: usize,
}

/// A production request or a processing run range.
#[derive(Debug, Clone, Serialize)]
pub struct Job {
    pub schema: &'static str,
    pub kind: OwnerKind,
    /// `<owner>-<id>`: the file name of the job and of its scripts.
    pub name: String,
    /// The campaign or processing.
    pub owner: String,
    /// The production id, or `<exp>-<beam>-<first run>` for a run range.
    pub id: String,
    pub production_id: Option<u64>,
    pub sample: Option<String>,
    pub description: Option<String>,
    pub event_type: Option<String>,
    pub background: Option<String>,
    /// Events of this production after the fraction split.
    pub events: Option<u64>,
    pub events_per_job: Option<u64>,
    /// Number of tasks: ⌈events / events_per_job⌉, or the runs of the range.
    pub tasks: u64,
    pub files_per_block: u64,
    /// The zero padding of `{run}` in the output paths (0: none).
    pub run_pad: usize,
    pub release: String,
    pub globaltags: Vec<Tag>,
    pub experiment: u64,
    pub beam: String,
    pub beam_name: String,
    pub runs: Vec<Runs>,
    pub tiers: Vec<String>,
    pub outputs: Vec<Output>,
    pub steering: String,
    pub priority: Option<Priority>,
    pub status: String,
    pub ticket: Option<String>,
    pub source: Source,
    #[serde(skip)]
    pub span: crate::source::Span,
}

/// Campaign (or processing), sample and production of a dataset.
type OwnerKey<'a> = (&'a str, Option<&'a str>, Option<u64>);

fn tags(model: &Model, stack: &[Spanned<TagId>]) -> Vec<Tag> {
    stack
        .iter()
        .map(|t| {
            let tag = model.tag(t.value);
            Tag {
                name: tag.name.text.clone(),
                id: tag.id.as_ref().map(|i| i.value),
            }
        })
        .collect()
}

fn docs(docs: &[String]) -> Option<String> {
    (!docs.is_empty()).then(|| docs.join("\n"))
}

/// Builds every job of a checked project without errors, in a stable
/// order: campaigns, then processings, as declared.
pub fn jobs(checked: &Checked) -> Vec<Job> {
    let model = &checked.model;
    let config = checked.project.config.as_ref();
    let steering = |name: &str| {
        let pattern = config.map_or("steering/{name}.py", |c| {
            c.batch.steering.get_ref().as_str()
        });
        pattern.replace("{name}", name)
    };
    let source = |span: crate::source::Span| {
        let file = checked.project.sources.get(span.file);
        Source {
            file: file.name.clone(),
            line: file.line_col(span.start).0,
        }
    };
    let mut by_owner: BTreeMap<OwnerKey, Vec<&Dataset>> = BTreeMap::new();
    for d in &checked.datasets {
        by_owner
            .entry((d.item.as_str(), d.sample.as_deref(), d.production))
            .or_default()
            .push(d);
    }
    let mut diags = Vec::new();
    let layouts = crate::layout::parse_layouts(model, &mut diags);
    // Campaigns become jobs sample by sample, on all cores: a campaign of
    // hundreds of samples has thousands of productions, and the jobs and
    // batch targets both wait for them. The order stays that of the model.
    let campaign_jobs = |c: &'_ Campaign| -> Vec<Job> {
        let (Some(release), Some(beam), Some(tier), Some(runs)) =
            (&c.release, &c.beam, &c.tier, &c.runs)
        else {
            return Vec::new();
        };
        let files_per_block = c
            .layout
            .as_ref()
            .map_or(1000, |l| model.layout(l.value).files_per_block)
            .max(1);
        let run_list: Vec<Runs> = match runs {
            CampaignRuns::Experiment(e) => vec![Runs {
                experiment: e.value,
                first: 0,
                last: 0,
            }],
            CampaignRuns::Runs(list) => list
                .iter()
                .map(|r| Runs {
                    experiment: r.value.first.exp,
                    first: r.value.first.run,
                    last: r.value.last.run,
                })
                .collect(),
        };
        let sample_jobs = |sample: &Sample| -> Vec<Job> {
            let Some(events) = &sample.events else {
                return Vec::new();
            };
            let mut jobs = Vec::with_capacity(sample.productions.len());
            for p in &sample.productions {
                let events = crate::layout::expand::production_events(events.value, p);
                let lpns: Vec<String> = by_owner
                    .get(&(
                        c.name.text.as_str(),
                        Some(sample.name.text.as_str()),
                        Some(p.id.value),
                    ))
                    .map(|ds| ds.iter().map(|d| d.path.clone()).collect())
                    .unwrap_or_default();
                jobs.push(Job {
                    schema: SCHEMA,
                    kind: OwnerKind::Campaign,
                    name: format!("{}-{}", c.name.text, p.id.value),
                    owner: c.name.text.clone(),
                    id: p.id.value.to_string(),
                    production_id: Some(p.id.value),
                    sample: Some(sample.name.text.clone()),
                    description: docs(&sample.docs).or_else(|| sample.description.clone()),
                    event_type: sample.event_type.as_ref().map(|e| match &e.value {
                        EventType::Number(n) => n.to_string(),
                        EventType::Generic(g) => g.clone(),
                    }),
                    background: p.background.as_ref().map(|b| b.name.clone()),
                    events: Some(events),
                    events_per_job: Some(c.events_per_job),
                    tasks: events.div_ceil(c.events_per_job.max(1)),
                    files_per_block,
                    run_pad: 0,
                    release: release.value.clone(),
                    globaltags: tags(model, &c.globaltags),
                    experiment: run_list.first().map_or(0, |r| r.experiment),
                    beam: beam.text.clone(),
                    beam_name: beam.name.clone(),
                    runs: run_list.clone(),
                    tiers: vec![tier.name.clone()],
                    outputs: vec![Output {
                        tier: tier.name.clone(),
                        skim: None,
                        lpns,
                        lpn_pattern: None,
                    }],
                    steering: steering(&c.name.text),
                    priority: Some(Priority {
                        name: sample.priority.name.clone(),
                        value: sample.priority.index,
                    }),
                    status: sample.status.name.clone(),
                    ticket: sample.ticket.clone(),
                    source: source(p.id.span),
                    span: p.id.span,
                });
            }
            jobs
        };
        c.samples.par_iter().flat_map_iter(sample_jobs).collect()
    };
    let mut jobs: Vec<Job> = model
        .campaigns
        .par_iter()
        .flat_map_iter(campaign_jobs)
        .collect();
    for p in &model.processings {
        let Some(release) = &p.release else { continue };
        let outputs = processing_outputs(model, &layouts, p);
        for beam_runs in &p.runs {
            for range in &beam_runs.ranges {
                let RunRange { first, last } = range.value;
                if first.exp != last.exp || first > last {
                    continue;
                }
                let id = format!("{}-{}-{}", first.exp, beam_runs.beam.text, first.run);
                jobs.push(Job {
                    schema: SCHEMA,
                    kind: OwnerKind::Processing,
                    name: format!("{}-{id}", p.name.text),
                    owner: p.name.text.clone(),
                    id,
                    production_id: p.production.as_ref().map(|v| v.value),
                    sample: None,
                    description: docs(&p.docs).or_else(|| p.description.clone()),
                    event_type: None,
                    background: None,
                    events: None,
                    events_per_job: None,
                    tasks: (last.run - first.run).saturating_add(1),
                    files_per_block: 1,
                    run_pad: run_padding(&layouts, p),
                    release: release.value.clone(),
                    globaltags: tags(model, &p.globaltags),
                    experiment: first.exp,
                    beam: beam_runs.beam.text.clone(),
                    beam_name: beam_runs.beam.name.clone(),
                    runs: vec![Runs {
                        experiment: first.exp,
                        first: first.run,
                        last: last.run,
                    }],
                    tiers: p.tiers.iter().map(|t| t.name.clone()).collect(),
                    outputs: outputs
                        .iter()
                        .map(|(tier, skim, pattern)| Output {
                            tier: tier.clone(),
                            skim: skim.clone(),
                            lpns: Vec::new(),
                            lpn_pattern: Some(
                                pattern
                                    .replace("<EXP>", &format!("{:04}", first.exp))
                                    .replace("<BEAM>", &beam_runs.beam.text),
                            ),
                        })
                        .collect(),
                    steering: steering(&p.name.text),
                    priority: None,
                    status: p.status.name.clone(),
                    ticket: p.ticket.clone(),
                    source: source(range.span),
                    span: range.span,
                });
            }
        }
    }
    jobs
}

/// The zero padding of `{run}` in a processing's layout.
fn run_padding(layouts: &Layouts, p: &Processing) -> usize {
    let Some(layout) = &p.layout else { return 0 };
    let template = layouts.path[layout.value.index()].as_ref();
    template
        .and_then(|t| {
            t.parts.iter().find_map(|part| match part {
                crate::layout::template::Part::Value {
                    placeholder: Placeholder::Run,
                    pad,
                    ..
                } => Some(pad.unwrap_or(0)),
                _ => None,
            })
        })
        .unwrap_or(0)
}

/// The gbasf2 project name of a job: `<owner>_<id>`.
pub fn gbasf2_project(job: &Job) -> String {
    format!("{}_{}", job.owner, job.id)
}

/// `E0807`: gbasf2 project names of at most 32 characters of
/// `[A-Za-z0-9_-]`, never used twice.
pub fn check_gbasf2(checked: &Checked) -> Vec<crate::diagnostics::Diagnostic> {
    use crate::diagnostics::{Code, Diagnostic};
    let uses_gbasf2 = checked
        .project
        .config
        .as_ref()
        .is_some_and(|c| c.batch.schedulers.iter().any(|s| s.get_ref() == "gbasf2"));
    if !uses_gbasf2 {
        return Vec::new();
    }
    let mut diags = Vec::new();
    let mut seen: BTreeMap<String, crate::source::Span> = BTreeMap::new();
    // Through the shared cache: a build needs the same jobs again.
    for job in checked
        .jobs()
        .iter()
        .filter(|j| j.kind == OwnerKind::Campaign)
    {
        let name = gbasf2_project(job);
        let span = job.span;
        let bad = name
            .chars()
            .find(|c| !(c.is_ascii_alphanumeric() || *c == '_' || *c == '-'));
        if name.len() > 32 || bad.is_some() {
            let why = match bad {
                Some(c) => format!("uses the character {c:?}"),
                None => format!("has {} characters", name.len()),
            };
            diags.push(
                Diagnostic::new(Code::E0807, format!("the gbasf2 project name `{name}` {why}"), span, "production submitted with gbasf2")
                    .with_help("gbasf2 project names are `<campaign>_<production id>`, at most 32 characters of letters, digits, `_` and `-`: shorten the campaign name"),
            );
        } else if let Some(first) = seen.get(&name) {
            diags.push(
                Diagnostic::new(
                    Code::E0807,
                    format!("the gbasf2 project name `{name}` is used twice"),
                    span,
                    "used again",
                )
                .with_label(*first, "first used here")
                .with_help("gbasf2 project names are never reused"),
            );
        } else {
            seen.insert(name, span);
        }
    }
    diags
}

/// (tier, skim, path pattern) of each output of a processing, the pattern
/// keeping `<EXP>`, `<BEAM>` and `<RUN>` for the parts that vary.
fn processing_outputs(
    model: &Model,
    layouts: &Layouts,
    p: &Processing,
) -> Vec<(String, Option<String>, String)> {
    let Some(layout) = &p.layout else {
        return Vec::new();
    };
    let head = p.globaltags.first().map(|t| model.tag(t.value));
    let fixed = |ph: Placeholder, pad: Option<usize>, skim: Option<&Skim>| -> Option<String> {
        let num = |n: u64| {
            Some(match pad {
                Some(w) => format!("{n:0w$}"),
                None => n.to_string(),
            })
        };
        match ph {
            Placeholder::Release => p.release.as_ref().map(|r| r.value.clone()),
            Placeholder::GlobaltagId => head.and_then(|t| t.id.as_ref()).and_then(|i| num(i.value)),
            Placeholder::GlobaltagName => head.map(|t| t.name.text.clone()),
            Placeholder::Processing => Some(p.name.text.clone()),
            Placeholder::Production => p.production.as_ref().and_then(|v| num(v.value)),
            Placeholder::Block => num(0),
            Placeholder::Skim => skim.map(|s| s.name.bare().to_string()),
            Placeholder::SkimCode => skim
                .and_then(|s| s.code.as_ref())
                .and_then(|c| num(c.value)),
            Placeholder::Exp => Some("<EXP>".into()),
            Placeholder::Beam => Some("<BEAM>".into()),
            _ => None,
        }
    };
    let mut out = Vec::new();
    if let Some(t) = &layouts.path[layout.value.index()] {
        for tier in &p.tiers {
            let pattern = t.render_with(&|ph, pad| {
                if ph == Placeholder::Tier {
                    Some(tier.name.clone())
                } else {
                    fixed(ph, pad, None)
                }
            });
            out.push((tier.name.clone(), None, pattern));
        }
    }
    if let Some(t) = &layouts.skim_path[layout.value.index()] {
        for skim_ref in &p.skims {
            let skim = model.skim(skim_ref.value);
            for tier in &skim.tiers {
                let pattern = t.render_with(&|ph, pad| {
                    if ph == Placeholder::Tier {
                        Some(tier.name.clone())
                    } else {
                        fixed(ph, pad, Some(skim))
                    }
                });
                out.push((
                    tier.name.clone(),
                    Some(skim.name.bare().to_string()),
                    pattern,
                ));
            }
        }
    }
    out
}
