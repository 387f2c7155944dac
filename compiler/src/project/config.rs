//! `Prod.toml`: the project configuration (LANGUAGE.md §6).
//!
//! Parsed with `toml` and serde; unknown keys, a missing `[project] name` and
//! invalid TOML are `E0107`, located at the offending key in `Prod.toml`.

use crate::diagnostics::{Code, Diagnostic};
use crate::source::{FileId, Span};
use serde::{Deserialize, Serialize};

/// The build targets LANGUAGE.md §7 names, in their canonical order.
pub const SPEC_TARGETS: &[&str] = &["jobs", "lpn", "batch", "gtplan", "docs", "graph"];

/// The schedulers of `[batch] schedulers`.
pub const SCHEDULERS: &[&str] = &["slurm", "lsf", "htcondor", "gbasf2"];

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    pub project: ProjectSection,
    #[serde(default)]
    pub build: BuildSection,
    #[serde(default)]
    pub batch: BatchSection,
    #[serde(default)]
    pub templates: TemplatesSection,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ProjectSection {
    pub name: String,
    #[serde(default = "default_source")]
    pub source: String,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct BuildSection {
    pub out: String,
    pub targets: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct BatchSection {
    pub schedulers: Vec<String>,
    pub steering: String,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct TemplatesSection {
    pub dir: String,
}

fn default_source() -> String {
    "manifests".to_string()
}

impl Default for BuildSection {
    fn default() -> Self {
        BuildSection { out: "out".into(), targets: SPEC_TARGETS.iter().map(|t| t.to_string()).collect() }
    }
}

impl Default for BatchSection {
    fn default() -> Self {
        BatchSection { schedulers: vec!["slurm".into()], steering: "steering/{name}.py".into() }
    }
}

impl Default for TemplatesSection {
    fn default() -> Self {
        TemplatesSection { dir: "templates".into() }
    }
}

/// Parses `Prod.toml`; every problem is an `E0107` diagnostic in `file`.
pub fn parse_config(file: FileId, text: &str) -> Result<Config, Vec<Diagnostic>> {
    let config: Config = toml::from_str(text).map_err(|err| {
        let range = err.span().unwrap_or(0..0);
        let message = err.message().trim().replace('\n', "; ");
        let message = message.trim_end_matches('.').to_string();
        let mut diag = Diagnostic::new(
            Code::E0107,
            format!("invalid `Prod.toml`: {}", lower_first(&message)),
            Span::new(file, range.start, range.end),
            "here",
        );
        if message.contains("missing field `project`") || message.contains("missing field `name`") {
            diag = diag.with_help("every project needs `[project]` with `name = \"…\"`");
        } else if message.contains("unknown field") {
            diag = diag.with_help(
                "the keys are [project] name, source; [build] out, targets; [batch] schedulers, steering; [templates] dir",
            );
        }
        vec![diag]
    })?;
    let mut diags = Vec::new();
    check_values(file, text, &config, &mut diags);
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
fn check_values(file: FileId, text: &str, config: &Config, diags: &mut Vec<Diagnostic>) {
    let locate = |needle: &str| {
        let quoted = format!("\"{needle}\"");
        let at = text.find(&quoted).unwrap_or(0);
        Span::new(file, at, at + if at == 0 && !text.starts_with(&quoted) { 0 } else { quoted.len() })
    };
    let mut check_list = |values: &[String], allowed: &[&str], what: &str| {
        for value in values {
            if !allowed.contains(&value.as_str()) {
                let mut diag = Diagnostic::new(
                    Code::E0107,
                    format!("invalid `Prod.toml`: unknown {what} `{value}`"),
                    locate(value),
                    format!("not a {what}"),
                );
                diag = match crate::diagnostics::did_you_mean(value, allowed.iter().copied()) {
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
        if crate::project::normalize("", value).is_none() {
            diags.push(
                Diagnostic::new(
                    Code::E0107,
                    format!("invalid `Prod.toml`: `{key}` must be a path inside the project"),
                    locate(value),
                    "absolute or leaves the project",
                )
                .with_help("give a relative path without `..` above the project root"),
            );
        }
    }
    if config.project.name.trim().is_empty() {
        diags.push(Diagnostic::new(
            Code::E0107,
            "invalid `Prod.toml`: `project.name` is empty",
            locate(&config.project.name),
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
        assert_eq!(config.project.source, "manifests");
        assert_eq!(config.build.out, "out");
        assert_eq!(config.build.targets.len(), 6);
        assert_eq!(config.batch.schedulers, vec!["slurm"]);
        assert_eq!(config.batch.steering, "steering/{name}.py");
        assert_eq!(config.templates.dir, "templates");
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
}
