//! Releases (LANGUAGE.md §2.1): well-formed release strings and constraints
//! (`E0501`, pointing inside the string), the optional release registry
//! (`E0504`, `W0505`, `E0506`) and release constraints of tags and payloads
//! (`E0502`, `E0507` when a light release meets a full one).

use super::tags::effective_payloads;
use crate::diagnostics::{did_you_mean, Code, Diagnostic};
use crate::model::{Model, Release as ReleaseItem, Spanned};
use std::cmp::Ordering;

/// A parsed release: `release-MM-mm-pp` or `light-YYMM-name`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Version {
    Full(u8, u8, u8),
    Light { yymm: u16, name: String },
}

/// A malformed part of a string: byte offset, length, what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Malformed {
    pub at: usize,
    pub len: usize,
    pub what: String,
}

fn two_digits(part: &str) -> Option<u8> {
    (part.len() == 2 && part.bytes().all(|b| b.is_ascii_digit()))
        .then(|| part.parse().ok())
        .flatten()
}

/// Parses a release string.
pub fn parse_version(text: &str) -> Result<Version, Malformed> {
    let bad = |at: usize, len: usize, what: &str| Malformed {
        at,
        len: len.max(1),
        what: what.to_string(),
    };
    if let Some(rest) = text.strip_prefix("release-") {
        let parts: Vec<&str> = rest.split('-').collect();
        let mut at = "release-".len();
        if parts.len() != 3 {
            return Err(bad(
                at,
                rest.len(),
                "a full release reads `release-MM-mm-pp`",
            ));
        }
        let mut numbers = [0u8; 3];
        for (i, part) in parts.iter().enumerate() {
            numbers[i] =
                two_digits(part).ok_or_else(|| bad(at, part.len(), "expected two digits"))?;
            at += part.len() + 1;
        }
        return Ok(Version::Full(numbers[0], numbers[1], numbers[2]));
    }
    if let Some(rest) = text.strip_prefix("light-") {
        let at = "light-".len();
        let (yymm, name) = rest.split_once('-').unwrap_or((rest, ""));
        if yymm.len() != 4 || !yymm.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad(at, yymm.len(), "expected four digits YYMM"));
        }
        let month: u16 = yymm[2..].parse().unwrap_or(0);
        if !(1..=12).contains(&month) {
            return Err(bad(at + 2, 2, "expected a month 01 to 12"));
        }
        let name_ok =
            !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
        if !name_ok {
            return Err(bad(
                at + yymm.len() + 1,
                name.len(),
                "expected a name after the date: `light-2409-toyger`",
            ));
        }
        return Ok(Version::Light {
            yymm: yymm.parse().unwrap_or(0),
            name: name.to_string(),
        });
    }
    let word = text.split('-').next().unwrap_or(text);
    Err(bad(
        0,
        word.len(),
        "a release starts with `release-` or `light-`",
    ))
}

/// Orders two releases; `None` when a light release meets a full one.
pub fn compare(a: &Version, b: &Version) -> Option<Ordering> {
    match (a, b) {
        (Version::Full(a1, a2, a3), Version::Full(b1, b2, b3)) => {
            Some((a1, a2, a3).cmp(&(b1, b2, b3)))
        }
        (Version::Light { yymm: a, name: an }, Version::Light { yymm: b, name: bn }) => {
            Some((a, an).cmp(&(b, bn)))
        }
        _ => None,
    }
}

/// One comparator of a constraint, with its offset in the string.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Comparator {
    pub op: &'static str,
    pub version: Version,
    pub text: String,
    pub at: usize,
    pub len: usize,
}

/// Parses `">= release-03-02-00, < release-04-00-00"`.
pub fn parse_constraint(text: &str) -> Result<Vec<Comparator>, Malformed> {
    let mut comparators = Vec::new();
    let mut offset = 0;
    for part in text.split(',') {
        let lead = part.len() - part.trim_start().len();
        let trimmed = part.trim();
        let at = offset + lead;
        offset += part.len() + 1;
        if trimmed.is_empty() {
            return Err(Malformed {
                at: at.min(text.len()),
                len: 1,
                what: "empty comparator".into(),
            });
        }
        let op = ["<=", ">=", "<", ">", "="]
            .into_iter()
            .find(|op| trimmed.starts_with(op))
            .ok_or_else(|| Malformed {
                at,
                len: trimmed.len(),
                what: "expected a comparator `=`, `>=`, `>`, `<=` or `<` before the release".into(),
            })?;
        let rest = &trimmed[op.len()..];
        let gap = rest.len() - rest.trim_start().len();
        let version_text = rest.trim();
        let version_at = at + op.len() + gap;
        let version = parse_version(version_text).map_err(|m| Malformed {
            at: version_at + m.at,
            ..m
        })?;
        comparators.push(Comparator {
            op,
            version,
            text: version_text.to_string(),
            at,
            len: trimmed.len(),
        });
    }
    Ok(comparators)
}

fn malformed(literal: &Spanned<String>, m: &Malformed, what: &str) -> Diagnostic {
    Diagnostic::new(Code::E0501, format!("malformed {what} `{}`", literal.value), literal.inside(m.at, m.len), m.what.clone())
        .with_help("releases read `release-03-02-02` (two digits each) or `light-2409-toyger`; constraints read `>= release-03-02-00, < release-04-00-00`")
}

pub(super) fn check(model: &Model, diags: &mut Vec<Diagnostic>) {
    for release in &model.releases {
        let literal = Spanned::new(release.name.text.clone(), release.name.span);
        if let Err(m) = parse_version(&release.name.text) {
            diags.push(malformed(&literal, &m, "release"));
        }
    }
    for tag in &model.tags {
        for constraint in tag
            .release
            .iter()
            .chain(tag.payloads.iter().filter_map(|p| p.release.as_ref()))
        {
            if let Err(m) = parse_constraint(&constraint.value) {
                diags.push(malformed(constraint, &m, "release constraint"));
            }
        }
    }
    let registry: Vec<&ReleaseItem> = model.releases.iter().filter(|r| !r.is_std).collect();
    let uses = model
        .processings
        .iter()
        .map(|p| {
            (
                format!("processing `{}`", p.name.text),
                p.release.as_ref(),
                &p.globaltags,
            )
        })
        .chain(model.campaigns.iter().map(|c| {
            (
                format!("campaign `{}`", c.name.text),
                c.release.as_ref(),
                &c.globaltags,
            )
        }));
    for (owner, release, stack) in uses {
        let Some(release) = release else { continue };
        let version = match parse_version(&release.value) {
            Ok(v) => v,
            Err(m) => {
                diags.push(malformed(release, &m, "release"));
                continue;
            }
        };
        if !registry.is_empty() {
            registered(&owner, release, &registry, diags);
        }
        for entry in stack.iter() {
            let tag = model.tag(entry.value);
            if let Some(constraint) = &tag.release {
                satisfies(
                    &owner,
                    release,
                    &version,
                    constraint,
                    &format!("globaltag `{}`", tag.name.text),
                    diags,
                );
            }
            for (name, (holder, payload)) in effective_payloads(model, entry.value) {
                if let Some(constraint) = &payload.release {
                    let what = format!(
                        "payload `{name}` of globaltag `{}`",
                        model.tag(holder).name.text
                    );
                    satisfies(&owner, release, &version, constraint, &what, diags);
                }
            }
        }
    }
}

fn registered(
    owner: &str,
    release: &Spanned<String>,
    registry: &[&ReleaseItem],
    diags: &mut Vec<Diagnostic>,
) {
    let Some(item) = registry.iter().find(|r| r.name.text == release.value) else {
        let names = registry.iter().map(|r| r.name.text.as_str());
        let mut diag = Diagnostic::new(
            Code::E0504,
            format!("release `{}` of {owner} is not declared", release.value),
            release.span,
            "not in the project's releases",
        );
        diag = match did_you_mean(&release.value, names) {
            Some(s) => diag.with_help(format!(
                "did you mean `{s}`? or declare it: release \"{}\" {{ status = supported }}",
                release.value
            )),
            None => diag.with_help(format!(
                "the project declares its releases; add release \"{}\" {{ status = supported }}",
                release.value
            )),
        };
        diags.push(diag);
        return;
    };
    if item.status.is("deprecated") {
        diags.push(
            Diagnostic::new(
                Code::W0505,
                format!("{owner} uses the deprecated release `{}`", release.value),
                release.span,
                "deprecated",
            )
            .with_label(item.name.span, "declared deprecated here")
            .with_help("move to a supported release"),
        );
    } else if item.status.is("yanked") {
        diags.push(
            Diagnostic::new(
                Code::E0506,
                format!("{owner} uses the yanked release `{}`", release.value),
                release.span,
                "yanked",
            )
            .with_label(item.name.span, "declared yanked here")
            .with_help("a yanked release must not be used; choose a supported one"),
        );
    }
}

fn satisfies(
    owner: &str,
    release: &Spanned<String>,
    version: &Version,
    constraint: &Spanned<String>,
    what: &str,
    diags: &mut Vec<Diagnostic>,
) {
    let Ok(comparators) = parse_constraint(&constraint.value) else {
        return;
    };
    for c in comparators {
        let holds = match compare(version, &c.version) {
            None => {
                diags.push(
                    Diagnostic::new(
                        Code::E0507,
                        format!("the release `{}` of {owner} cannot be compared with `{}`", release.value, c.text),
                        constraint.inside(c.at, c.len),
                        format!("{what} compares with a {} release", if matches!(c.version, Version::Light { .. }) { "light" } else { "full" }),
                    )
                    .with_label(release.span, "the release used")
                    .with_help("light and full releases are not ordered against each other; write a constraint of the same kind"),
                );
                return;
            }
            Some(order) => match c.op {
                "=" => release.value == c.text,
                ">=" => order != Ordering::Less,
                ">" => order == Ordering::Greater,
                "<=" => order != Ordering::Greater,
                _ => order == Ordering::Less,
            },
        };
        if !holds {
            diags.push(
                Diagnostic::new(
                    Code::E0502,
                    format!(
                        "release `{}` of {owner} does not satisfy `{}` of {what}",
                        release.value, constraint.value
                    ),
                    release.span,
                    "the release used",
                )
                .with_label(
                    constraint.inside(c.at, c.len),
                    format!("requires {} {}", c.op, c.text),
                )
                .with_help("use a release the constraint allows, or a tag made for this release"),
            );
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn releases_parse_and_order() {
        assert_eq!(
            parse_version("release-03-02-02"),
            Ok(Version::Full(3, 2, 2))
        );
        assert_eq!(
            parse_version("light-2409-toyger"),
            Ok(Version::Light {
                yymm: 2409,
                name: "toyger".into()
            })
        );
        let a = parse_version("release-03-02-02").expect("ok");
        let b = parse_version("release-04-00-00").expect("ok");
        assert_eq!(compare(&a, &b), Some(Ordering::Less));
        let l1 = parse_version("light-2409-a").expect("ok");
        let l2 = parse_version("light-2409-b").expect("ok");
        assert_eq!(compare(&l1, &l2), Some(Ordering::Less));
        assert_eq!(compare(&a, &l1), None);
    }

    #[test]
    fn malformed_parts_are_located() {
        assert_eq!(parse_version("release-3-02-02").expect_err("bad").at, 8);
        assert_eq!(parse_version("release-03-02-2x").expect_err("bad").at, 14);
        assert_eq!(parse_version("rel-03").expect_err("bad").at, 0);
        assert_eq!(parse_version("light-2413-x").expect_err("bad").at, 8);
        let err = parse_constraint(">= release-03-02-00, ~ release-04").expect_err("bad");
        assert_eq!(err.at, 21);
        let err = parse_constraint(">= release-03-02-00, < release-04-0-00").expect_err("bad");
        assert_eq!(err.at, 34);
        let ok = parse_constraint(">= release-03-02-00, < release-04-00-00").expect("ok");
        assert_eq!(ok.len(), 2);
        assert_eq!((ok[1].op, ok[1].at), ("<", 21));
    }
}
