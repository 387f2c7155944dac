//! Production and skim rules: unique production ids (`E0801`), fractions
//! (`E0802`), whole event splits (`E0803`), declared sizes (`W0804`), event
//! types (`E0805`) and skim codes (`E0806`).

use super::human_bytes;
use crate::diagnostics::{Code, Diagnostic};
use crate::model::{Campaign, EventType, Model, Sample, Spanned};
use crate::resolve::values::Decimal;
use crate::source::Span;
use std::collections::BTreeMap;

pub(super) fn check(model: &Model, diags: &mut Vec<Diagnostic>) {
    unique_production_ids(model, diags);
    for campaign in &model.campaigns {
        for sample in &campaign.samples {
            fractions(sample, diags);
            event_split(sample, diags);
            declared_size(campaign, sample, diags);
            event_type(sample, diags);
        }
    }
    skim_codes(model, diags);
}

fn unique_production_ids(model: &Model, diags: &mut Vec<Diagnostic>) {
    let mut seen: BTreeMap<u64, (Span, String)> = BTreeMap::new();
    let mut uses: Vec<(u64, Span, String)> = Vec::new();
    for campaign in &model.campaigns {
        for sample in &campaign.samples {
            for p in &sample.productions {
                uses.push((
                    p.id.value,
                    p.id.span,
                    format!(
                        "sample `{}` of campaign `{}`",
                        sample.name.text, campaign.name.text
                    ),
                ));
            }
        }
    }
    for processing in &model.processings {
        if let Some(id) = &processing.production {
            uses.push((
                id.value,
                id.span,
                format!("processing `{}`", processing.name.text),
            ));
        }
    }
    for (id, span, owner) in uses {
        match seen.get(&id) {
            Some((first, first_owner)) => diags.push(
                Diagnostic::new(Code::E0801, format!("production id {id} is used twice"), span, format!("used again by {owner}"))
                    .with_label(*first, format!("first used by {first_owner}"))
                    .with_help("production ids are unique across the project and never reused; take the next free id"),
            ),
            None => {
                seen.insert(id, (span, owner));
            }
        }
    }
}

fn fractions(sample: &Sample, diags: &mut Vec<Diagnostic>) {
    if sample.productions.len() < 2 && sample.productions.iter().all(|p| p.fraction_text.is_none())
    {
        return;
    }
    if sample.productions.iter().any(|p| p.fraction.value.is_nan()) {
        return;
    }
    let sum: f64 = sample.productions.iter().map(|p| p.fraction.value).sum();
    if (sum - 1.0).abs() <= 1e-9 {
        return;
    }
    let mut diag = Diagnostic::new(
        Code::E0802,
        format!(
            "the fractions of sample `{}` sum to {}, not 1",
            sample.name.text,
            trim_float(sum)
        ),
        sample.name.span,
        format!("fractions sum to {}", trim_float(sum)),
    );
    for p in &sample.productions {
        diag = diag.with_label(p.fraction.span, format!("production {}", p.id.value));
    }
    diags.push(diag.with_help(
        "the productions of a sample share its events: make their fractions add up to 1",
    ));
}

fn trim_float(value: f64) -> String {
    let text = format!("{value:.10}");
    text.trim_end_matches('0').trim_end_matches('.').to_string()
}

fn event_split(sample: &Sample, diags: &mut Vec<Diagnostic>) {
    let Some(events) = &sample.events else { return };
    for p in &sample.productions {
        let Some(decimal) = p.fraction_text.as_deref().and_then(Decimal::parse) else {
            continue;
        };
        let product = u128::from(events.value) * decimal.mantissa;
        let divisor = 10u128.pow(decimal.scale);
        if product % divisor == 0 {
            continue;
        }
        let exact = product as f64 / divisor as f64;
        diags.push(
            Diagnostic::new(
                Code::E0803,
                format!(
                    "production {} of sample `{}` gets {} events, not a whole number",
                    p.id.value,
                    sample.name.text,
                    trim_float(exact)
                ),
                p.fraction.span,
                format!(
                    "{} × {} = {}",
                    events.value,
                    p.fraction_text.as_deref().unwrap_or(""),
                    trim_float(exact)
                ),
            )
            .with_label(events.span, "the sample's events")
            .with_help("choose events and fractions whose products are whole numbers of events"),
        );
    }
}

fn declared_size(campaign: &Campaign, sample: &Sample, diags: &mut Vec<Diagnostic>) {
    let (Some(size), Some(events), Some(event_size)) = (
        &sample.size_bytes,
        &sample.events,
        &campaign.event_size_bytes,
    ) else {
        return;
    };
    let estimate = u128::from(events.value) * u128::from(event_size.value);
    let declared = u128::from(size.value);
    if declared.abs_diff(estimate) * 10 <= estimate {
        return;
    }
    let estimate = u64::try_from(estimate).unwrap_or(u64::MAX);
    diags.push(
        Diagnostic::new(
            Code::W0804,
            format!(
                "sample `{}` declares {} but its events need about {}",
                sample.name.text,
                human_bytes(size.value),
                human_bytes(estimate)
            ),
            size.span,
            format!("declared {}", human_bytes(size.value)),
        )
        .with_label(events.span, format!("{} events", events.value))
        .with_label(event_size.span, format!("× {} per event = {}", human_bytes(event_size.value), human_bytes(estimate)))
        .with_help("update `size`, or check `events` and the campaign's `event_size` (they differ by more than 10 %)"),
    );
}

fn event_type(sample: &Sample, diags: &mut Vec<Diagnostic>) {
    let Some(Spanned {
        value: EventType::Number(n),
        span,
    }) = &sample.event_type
    else {
        return;
    };
    let digits = n.to_string();
    let problem = if digits.len() != 10 {
        Some(format!("has {} digits, not 10", digits.len()))
    } else if !matches!(digits.as_bytes()[0], b'1'..=b'6') {
        Some(format!(
            "starts with {}, not a group digit 1 to 6",
            &digits[..1]
        ))
    } else {
        None
    };
    if let Some(problem) = problem {
        diags.push(
            Diagnostic::new(Code::E0805, format!("event type {digits} {problem}"), *span, "malformed event type")
                .with_help("an event type has 10 digits `gsdcltnkeu`, the first (1 b, 2 c, 3 light/leptons, 4 exotic, 5 particle gun, 6 machine background) being 1 to 6; for generic samples write a name such as `mixed`"),
        );
    }
}

fn skim_codes(model: &Model, diags: &mut Vec<Diagnostic>) {
    let mut seen: BTreeMap<u64, (Span, &str)> = BTreeMap::new();
    for skim in &model.skims {
        let Some(code) = &skim.code else {
            if skim.kind.is("physics") {
                diags.push(
                    Diagnostic::new(Code::E0806, format!("physics skim `{}` has no code", skim.name.text), skim.name.span, "needs `code`")
                        .with_help("physics skims have an 8-digit code, the first two digits naming the working group: `code = 11130300`"),
                );
            }
            continue;
        };
        if code.value.to_string().len() != 8 {
            diags.push(
                Diagnostic::new(
                    Code::E0806,
                    format!("skim code {} of `{}` does not have 8 digits", code.value, skim.name.text),
                    code.span,
                    "malformed skim code",
                )
                .with_help("skim codes have 8 digits, the first two naming the working group (11 semileptonic, 12 EWP, …)"),
            );
            continue;
        }
        match seen.get(&code.value) {
            Some((first, first_name)) => diags.push(
                Diagnostic::new(
                    Code::E0806,
                    format!(
                        "skim code {} is used by `{}` and `{first_name}`",
                        code.value, skim.name.text
                    ),
                    code.span,
                    "code used again",
                )
                .with_label(*first, format!("used by `{first_name}`"))
                .with_help("skim codes are unique; take a free code of the working group"),
            ),
            None => {
                seen.insert(code.value, (code.span, &skim.name.text));
            }
        }
    }
}
