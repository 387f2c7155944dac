//! `Prod.toml`: the project configuration (LANGUAGE.md §6).
//!
//! Parsed with `toml` and serde; unknown keys, a missing `[project] name` and
//! invalid TOML are `E0107`, located at the offending key in `Prod.toml`.

use crate::diagnostics::{Code, Diagnostic};
use crate::source::{FileId, Span};
use serde::Deserialize;
use toml::Spanned;

/// The build targets LANGUAGE.md §7 names, in their canonical order.
pub const SPEC_TARGETS: &[&str] = &["jobs", "lpn", "batch", "gtplan", "docs", "graph"];

/// The schedulers of `[batch] schedulers`.
pub const SCHEDULERS: &[&str] = &["slurm", "lsf", "htcondor", "gbasf2"];

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    pub project: ProjectSection,
    #[serde(default)]
    pub build: BuildSection,
    #[serde(default)]
    pub batch: BatchSection,
    #[serde(default)]
    pub templates: TemplatesSection,
    #[serde(default)]
    pub limits: LimitsSection,
}

/// Limits that protect a run from hostile or broken input.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LimitsSection {
    /// Files larger than this many MiB are refused (`E0111`).
    pub max_file_size_mb: Spanned<u64>,
}

impl Default for LimitsSection {
    fn default() -> Self {
        LimitsSection {
            max_file_size_mb: Spanned::new(0..0, 256),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProjectSection {
    pub name: Spanned<String>,
    #[serde(default = "default_source")]
    pub source: Spanned<String>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct BuildSection {
    pub out: Spanned<String>,
    pub targets: Vec<Spanned<String>>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct BatchSection {
    pub schedulers: Vec<Spanned<String>>,
    pub steering: Spanned<String>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct TemplatesSection {
    pub dir: Spanned<String>,
}

/// A default value: it has no place in the file.
fn unplaced(value: &str) -> Spanned<String> {
    Spanned::new(0..0, value.to_string())
}

fn default_source() -> Spanned<String> {
    unplaced("manifests")
}

impl Default for BuildSection {
    fn default() -> Self {
        BuildSection {
            out: unplaced("out"),
            targets: SPEC_TARGETS.iter().map(|t| unplaced(t)).collect(),
        }
    }
}

impl Default for BatchSection {
    fn default() -> Self {
        BatchSection {
            schedulers: vec![unplaced("slurm")],
            steering: unplaced("steering/{name}.py"),
        }
    }
}

impl Default for TemplatesSection {
    fn default() -> Self {
        TemplatesSection {
            dir: unplaced("templates"),
        }
    }
}

/// The largest `[limits] max_file_size_mb`: 64 GiB, far beyond any
/// manifest, and small enough that the limit in bytes fits every integer
/// it is computed with.
pub const MAX_FILE_SIZE_MB: u64 = 64 * 1024;

/// Parses `Prod.toml`; every problem is an `E0107` diagnostic in `file`.
pub fn parse_config(file: FileId, text: &str) -> Result<Config, Vec<Diagnostic>> {
    let config: Config = toml::from_str(text).map_err(|err| {
        let range = err.span().unwrap_or(0..0);
        let message = err.message().trim().replace('\n', "; ");
        let message = message.trim_end_matches('.').to_string();
        let label = if message.contains("unknown field") {
            "unknown key"
        } else if message.contains("missing field") {
            "a required key is missing in this table"
        } else {
            "invalid TOML"
        };
        let mut diag = Diagnostic::new(
            Code::E0107,
            format!("invalid `Prod.toml`: {}", lower_first(&message)),
            Span::new(file, range.start, range.end),
            label,
        );
        if message.contains("missing field `project`") || message.contains("missing field `name`") {
            diag = diag.with_help("every project needs `[project]` with `name = \"…\"`");
        } else if message.contains("unknown field") {
            diag = diag.with_help(
                "the keys are [project] name, source; [build] out, targets; [batch] schedulers, steering; [templates] dir; [limits] max_file_size_mb",
            );
        }
        vec![diag]
    })?;
    let mut diags = Vec::new();
    check_values(file, &config, &mut diags);
    if diags.is_empty() {
        Ok(config)
    } else {
        Err(diags)
    }
}

fn lower_first(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(c) => c.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Checks the values serde cannot: target and scheduler names, paths.
fn check_values(file: FileId, config: &Config, diags: &mut Vec<Diagnostic>) {
    let at = |value: &Spanned<String>| Span::new(file, value.span().start, value.span().end);
    let mut check_list = |values: &[Spanned<String>], allowed: &[&str], what: &str| {
        for value in values {
            let name = value.get_ref();
            if !allowed.contains(&name.as_str()) {
                let mut diag = Diagnostic::new(
                    Code::E0107,
                    format!("invalid `Prod.toml`: unknown {what} `{name}`"),
                    at(value),
                    format!("not a {what}"),
                );
                diag = match crate::diagnostics::did_you_mean(name, allowed.iter().copied()) {
                    Some(s) => diag.with_help(format!("did you mean `{s}`?")),
                    None => diag.with_help(format!("the {what}s are {}", allowed.join(", "))),
                };
                diags.push(diag);
            }
        }
    };
    check_list(&config.build.targets, SPEC_TARGETS, "target");
    check_list(&config.batch.schedulers, SCHEDULERS, "scheduler");
    for (key, value) in [
        ("project.source", &config.project.source),
        ("build.out", &config.build.out),
        ("templates.dir", &config.templates.dir),
    ] {
        if crate::project::normalize("", value.get_ref()).is_none() {
            diags.push(
                Diagnostic::new(
                    Code::E0107,
                    format!("invalid `Prod.toml`: `{key}` must be a path inside the project"),
                    at(value),
                    "absolute or leaves the project",
                )
                .with_help("give a relative path without `..` above the project root"),
            );
        }
    }
    let strings = [
        ("project.name", &config.project.name),
        ("project.source", &config.project.source),
        ("build.out", &config.build.out),
        ("batch.steering", &config.batch.steering),
        ("templates.dir", &config.templates.dir),
    ];
    for (key, value) in strings {
        // TOML's escapes (`\u001b`) can write what the manifests refuse raw.
        if let Some(c) = value
            .get_ref()
            .chars()
            .find(|&c| crate::syntax::lexer::is_forbidden(c))
        {
            diags.push(
                Diagnostic::new(
                    Code::E0107,
                    format!("invalid `Prod.toml`: `{key}` holds the control character {}", c.escape_unicode()),
                    at(value),
                    "control character",
                )
                .with_help("values of Prod.toml reach file names and scripts: remove control characters and bidirectional text controls"),
            );
        }
    }
    // Scripts pass the steering file to basf2 and gbasf2 as an argument:
    // one starting with `-` would be read as an option.
    if config.batch.steering.get_ref().starts_with('-') {
        diags.push(
            Diagnostic::new(
                Code::E0107,
                "invalid `Prod.toml`: `batch.steering` starts with `-`",
                at(&config.batch.steering),
                "would be read as an option of basf2",
            )
            .with_help("give the path relative to the project, e.g. `steering/{name}.py`, or start it with `./`"),
        );
    }
    let limit = &config.limits.max_file_size_mb;
    if *limit.get_ref() > MAX_FILE_SIZE_MB {
        diags.push(
            Diagnostic::new(
                Code::E0107,
                format!(
                    "invalid `Prod.toml`: `limits.max_file_size_mb` is {}, more than {MAX_FILE_SIZE_MB} (64 GiB)",
                    limit.get_ref()
                ),
                Span::new(file, limit.span().start, limit.span().end),
                "limit too large",
            )
            .with_help("no manifest comes near 64 GiB; give the largest file size you expect, in MiB (the default is 256)"),
        );
    }
    if config.project.name.get_ref().trim().is_empty() {
        diags.push(Diagnostic::new(
            Code::E0107,
            "invalid `Prod.toml`: `project.name` is empty",
            at(&config.project.name),
            "empty name",
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_follow_the_spec() {
        let config = parse_config(FileId(0), "[project]\nname = \"x\"\n").expect("valid");
        assert_eq!(config.project.source.get_ref(), "manifests");
        assert_eq!(config.build.out.get_ref(), "out");
        assert_eq!(config.build.targets.len(), 6);
        assert_eq!(config.batch.schedulers[0].get_ref(), "slurm");
        assert_eq!(config.batch.steering.get_ref(), "steering/{name}.py");
        assert_eq!(config.templates.dir.get_ref(), "templates");
    }

    #[test]
    fn problems_are_e0107_at_the_key() {
        let text = "[project]\nname = \"x\"\n[build]\nout = \"o\"\ntargetz = []\n";
        let diags = parse_config(FileId(0), text).expect_err("unknown key");
        assert_eq!(diags[0].code, Code::E0107);
        assert!(diags[0].message.contains("targetz"), "{}", diags[0].message);
        assert_eq!(&text[diags[0].primary.span.range()], "targetz");

        let diags = parse_config(FileId(0), "[build]\nout = \"o\"\n").expect_err("no project");
        assert!(diags[0].message.contains("project"), "{}", diags[0].message);

        let diags = parse_config(FileId(0), "[project\nname=1").expect_err("bad toml");
        assert_eq!(diags[0].code, Code::E0107);

        let text = "[project]\nname = \"x\"\n[batch]\nschedulers = [\"slrum\"]\n";
        let diags = parse_config(FileId(0), text).expect_err("bad scheduler");
        assert_eq!(diags[0].help.as_deref(), Some("did you mean `slurm`?"));
    }

    #[test]
    fn a_file_size_limit_beyond_64_gib_is_refused_at_its_key() {
        let text = "[project]\nname = \"x\"\n[limits]\nmax_file_size_mb = 99999999999999\n";
        let diags = parse_config(FileId(0), text).expect_err("refused");
        assert!(
            diags[0].message.contains("more than 65536"),
            "{}",
            diags[0].message
        );
        assert_eq!(&text[diags[0].primary.span.range()], "99999999999999");
        let text = "[project]\nname = \"x\"\n[limits]\nmax_file_size_mb = 65536\n";
        assert!(parse_config(FileId(0), text).is_ok());
    }

    #[test]
    fn control_characters_and_option_like_steering_are_refused() {
        let text = "[project]\nname = \"x\\u001b[2J\"\n[batch]\nsteering = \"-c/{name}.py\"\n";
        let diags = parse_config(FileId(0), text).expect_err("refused");
        let messages: Vec<&str> = diags.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(diags.len(), 2, "{messages:?}");
        assert!(
            messages[0].contains("`project.name` holds the control character \\u{1b}"),
            "{messages:?}"
        );
        assert!(
            messages[1].contains("`batch.steering` starts with `-`"),
            "{messages:?}"
        );
        assert_eq!(&text[diags[1].primary.span.range()], "\"-c/{name}.py\"");
        let text = "[project]\nname = \"x\"\n[batch]\nsteering = \"./-c/{name}.py\"\n";
        assert!(parse_config(FileId(0), text).is_ok());
    }
}
