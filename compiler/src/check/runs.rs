//! Intervals as written: IoV lines of payloads (`E0405` start after end,
//! `E0406` `*` in a start bound, a text revision that is not one word:
//! `E0303`, or `E0104` in an import file) and run ranges of processings and
//! campaigns (`E0405`, `E0407` across experiments, `E0408` a run listed
//! twice).

use super::iov::{format_range, intersection, overlaps};
use crate::diagnostics::{Code, Diagnostic};
use crate::model::{CampaignRuns, Iov, IovEntry, Model, Revision, RunId, RunRange, Spanned};

pub(super) fn check(model: &Model, diags: &mut Vec<Diagnostic>) {
    for tag in &model.tags {
        for payload in &tag.payloads {
            for entry in &payload.iovs {
                iov_line(&payload.name.text, entry, diags);
            }
        }
    }
    for processing in &model.processings {
        let owner = format!("processing `{}`", processing.name.text);
        let ranges: Vec<(&str, &Spanned<RunRange>)> = processing
            .runs
            .iter()
            .flat_map(|b| b.ranges.iter().map(move |r| (b.beam.name.as_str(), r)))
            .collect();
        run_ranges(&owner, &ranges, diags);
    }
    for campaign in &model.campaigns {
        if let Some(CampaignRuns::Runs(list)) = &campaign.runs {
            let ranges: Vec<(&str, &Spanned<RunRange>)> = list.iter().map(|r| ("", r)).collect();
            run_ranges(
                &format!("campaign `{}`", campaign.name.text),
                &ranges,
                diags,
            );
        }
    }
}

/// Whether an interval is well formed (start not after end, no `*` start).
pub fn is_well_formed(iov: &Iov) -> bool {
    iov.start.run != RunId::LAST && iov.end.is_none_or(|end| iov.start <= end)
}

/// Whether a text revision can be written where revisions go: a word of a
/// payload list line (`dbstore/NAME REV …`) and part of a payload file name
/// (`dbstore_NAME_rev_REV.root`).
fn is_revision_word(text: &str) -> bool {
    !text.is_empty()
        && text != "."
        && text != ".."
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"_.+-".contains(&b))
}

fn iov_line(payload: &str, entry: &IovEntry, diags: &mut Vec<Diagnostic>) {
    if let Revision::Text(text) = &entry.revision {
        if !is_revision_word(text) {
            let code = if entry.imported() {
                Code::E0104
            } else {
                Code::E0303
            };
            diags.push(
                Diagnostic::new(
                    code,
                    format!("a revision of payload `{payload}` is not a single word"),
                    entry.span,
                    "revision with spaces, quotes or other symbols",
                )
                .with_help("a local revision is a checksum: letters, digits, `_`, `.`, `+` and `-`; it is written into payload lists and payload file names"),
            );
        }
    }
    let iov = entry.iov();
    if iov.start.run == RunId::LAST {
        diags.push(
            Diagnostic::new(
                Code::E0406,
                format!("an interval of payload `{payload}` starts at `{}`", iov.start),
                entry.span,
                "`*` in a start bound",
            )
            .with_help(format!(
                "`*` means the last run of an experiment and is for end bounds only; start at `{}:0`, or at `{}:0` for the next experiment",
                iov.start.exp,
                iov.start.exp.saturating_add(1)
            )),
        );
    } else if let Some(end) = iov.end {
        if iov.start > end {
            diags.push(
                Diagnostic::new(
                    Code::E0405,
                    format!("an interval of payload `{payload}` starts after its end"),
                    entry.span,
                    format!("{} is after {end}", iov.start),
                )
                .with_help(format!("swap the bounds: `{end} ..= {}`", iov.start)),
            );
        }
    }
}

fn run_ranges(owner: &str, ranges: &[(&str, &Spanned<RunRange>)], diags: &mut Vec<Diagnostic>) {
    let mut valid: Vec<(usize, Iov)> = Vec::new();
    for (i, (_, range)) in ranges.iter().enumerate() {
        let RunRange { first, last } = range.value;
        if first > last {
            diags.push(
                Diagnostic::new(
                    Code::E0405,
                    format!("a run range of {owner} starts after its end"),
                    range.span,
                    format!("{first} is after {last}"),
                )
                .with_help(format!("swap the bounds: `{last} ..= {first}`")),
            );
        } else if first.exp != last.exp {
            diags.push(
                Diagnostic::new(
                    Code::E0407,
                    format!("a run range of {owner} spans experiments {} to {}", first.exp, last.exp),
                    range.span,
                    "one range per experiment",
                )
                .with_help(format!(
                    "run numbers restart in every experiment; split it: `{first} ..= {}:N, {}:0 ..= {last}`, N being the last run of experiment {}",
                    first.exp, last.exp, first.exp
                )),
            );
        } else {
            valid.push((
                i,
                Iov {
                    start: first,
                    end: Some(last),
                },
            ));
        }
    }
    valid.sort_by_key(|(_, iov)| iov.start);
    // One sweep: each range is compared with the furthest-reaching one before it.
    let mut reach: Option<(usize, Iov)> = None;
    for &(i, iov) in &valid {
        if let Some((j, prev)) = reach {
            if overlaps(&prev, &iov) {
                let shared = intersection(&prev, &iov);
                let (beam_a, a) = ranges[j];
                let (beam_b, b) = ranges[i];
                let (first, second) = if a.span < b.span {
                    ((beam_a, a), (beam_b, b))
                } else {
                    ((beam_b, b), (beam_a, a))
                };
                let where_ = |beam: &str| {
                    if beam.is_empty() {
                        String::new()
                    } else {
                        format!(" ({beam})")
                    }
                };
                diags.push(
                    Diagnostic::new(
                        Code::E0408,
                        format!("runs {} are listed twice in {owner}", format_range(&shared)),
                        second.1.span,
                        format!("listed again here{}", where_(second.0)),
                    )
                    .with_label(first.1.span, format!("first listed here{}", where_(first.0)))
                    .with_help("each run is processed once: remove the repeated runs from one of the ranges"),
                );
            }
            if iov.end > prev.end {
                reach = Some((i, iov));
            }
        } else {
            reach = Some((i, iov));
        }
    }
}
