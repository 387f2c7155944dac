//! Layout templates (LANGUAGE.md §2.7): `"/belle/MC/{release}/…/r{run:05}"`
//! parsed into literal text and placeholders, and checked where the layout
//! is declared: unknown placeholders (`E0701`, with a "did you mean") and
//! literal text that cannot be part of a safe path (`E0704`).

use crate::diagnostics::{did_you_mean, Code, Diagnostic};
use crate::model::Spanned;
use crate::source::Span;

/// Every placeholder the language knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Placeholder {
    Release,
    GlobaltagId,
    GlobaltagName,
    Campaign,
    Sample,
    Production,
    Background,
    Exp,
    Beam,
    Run,
    EventType,
    Tier,
    Block,
    Processing,
    Skim,
    SkimCode,
}

impl Placeholder {
    pub const ALL: [Placeholder; 16] = [
        Placeholder::Release,
        Placeholder::GlobaltagId,
        Placeholder::GlobaltagName,
        Placeholder::Campaign,
        Placeholder::Sample,
        Placeholder::Production,
        Placeholder::Background,
        Placeholder::Exp,
        Placeholder::Beam,
        Placeholder::Run,
        Placeholder::EventType,
        Placeholder::Tier,
        Placeholder::Block,
        Placeholder::Processing,
        Placeholder::Skim,
        Placeholder::SkimCode,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Placeholder::Release => "release",
            Placeholder::GlobaltagId => "globaltag.id",
            Placeholder::GlobaltagName => "globaltag.name",
            Placeholder::Campaign => "campaign",
            Placeholder::Sample => "sample",
            Placeholder::Production => "production",
            Placeholder::Background => "background",
            Placeholder::Exp => "exp",
            Placeholder::Beam => "beam",
            Placeholder::Run => "run",
            Placeholder::EventType => "event_type",
            Placeholder::Tier => "tier",
            Placeholder::Block => "block",
            Placeholder::Processing => "processing",
            Placeholder::Skim => "skim",
            Placeholder::SkimCode => "skim.code",
        }
    }

    pub fn from_name(name: &str) -> Option<Placeholder> {
        Placeholder::ALL.into_iter().find(|p| p.name() == name)
    }

    /// What the placeholder prints, for documentation and hover texts.
    pub fn meaning(self) -> &'static str {
        match self {
            Placeholder::Release => "the release of the campaign or processing",
            Placeholder::GlobaltagId => "the conditions database id of the first tag of the stack",
            Placeholder::GlobaltagName => "the name of the first tag of the stack",
            Placeholder::Campaign => "the campaign's name",
            Placeholder::Sample => "the sample's name",
            Placeholder::Production => "the production id",
            Placeholder::Background => "the background level (BGx0, BGx1)",
            Placeholder::Exp => "the experiment number",
            Placeholder::Beam => "the beam's path string (4S, Continuum, …)",
            Placeholder::Run => "the run number",
            Placeholder::EventType => "the 10-digit event type or the generic sample name",
            Placeholder::Tier => "the data tier (mdst, cdst, udst, …)",
            Placeholder::Block => "the block number of at most files_per_block files, from 0",
            Placeholder::Processing => "the processing's name",
            Placeholder::Skim => "the skim's bare name (hlt_hadron)",
            Placeholder::SkimCode => "the skim's 8-digit code",
        }
    }

    /// Whether the value is a number (and so can be zero-padded).
    pub fn is_numeric(self) -> bool {
        matches!(
            self,
            Placeholder::GlobaltagId
                | Placeholder::Production
                | Placeholder::Exp
                | Placeholder::Run
                | Placeholder::Block
                | Placeholder::SkimCode
                | Placeholder::EventType
        )
    }
}

/// Which kind of item uses a template, and which of its two paths.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Use {
    Campaign,
    ProcessingPath,
    ProcessingSkimPath,
}

impl Use {
    /// Whether a placeholder has a value for this use (LANGUAGE.md §2.7).
    pub fn offers(self, p: Placeholder) -> bool {
        use Placeholder::*;
        match self {
            Use::Campaign => !matches!(p, Processing | Skim | SkimCode),
            Use::ProcessingPath => !matches!(
                p,
                Campaign | Sample | Background | EventType | Skim | SkimCode
            ),
            Use::ProcessingSkimPath => !matches!(p, Campaign | Sample | Background | EventType),
        }
    }

    pub fn describe(self) -> &'static str {
        match self {
            Use::Campaign => "a campaign",
            Use::ProcessingPath => "the `path` of a processing",
            Use::ProcessingSkimPath => "the `skim_path` of a processing",
        }
    }
}

/// A piece of a template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Part {
    Text(String),
    Value {
        placeholder: Placeholder,
        pad: Option<usize>,
        span: Span,
    },
}

/// A parsed template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    pub parts: Vec<Part>,
    pub span: Span,
}

impl Template {
    pub fn placeholders(&self) -> impl Iterator<Item = (Placeholder, Span)> + '_ {
        self.parts.iter().filter_map(|p| match p {
            Part::Value {
                placeholder, span, ..
            } => Some((*placeholder, *span)),
            Part::Text(_) => None,
        })
    }

    /// The template with the given values, and `<NAME>` (e.g. `<RUN>`) for
    /// placeholders without one; the closure gets the padding width too.
    pub fn render_with(
        &self,
        value: &dyn Fn(Placeholder, Option<usize>) -> Option<String>,
    ) -> String {
        self.parts
            .iter()
            .map(|p| match p {
                Part::Text(t) => t.clone(),
                Part::Value {
                    placeholder, pad, ..
                } => value(*placeholder, *pad).unwrap_or_else(|| {
                    format!("<{}>", placeholder.name().to_uppercase().replace('.', "_"))
                }),
            })
            .collect()
    }

    /// The template with `<NAME>` for each placeholder, for documentation.
    pub fn pattern(&self, shown: &dyn Fn(Placeholder) -> Option<String>) -> String {
        self.parts
            .iter()
            .map(|p| match p {
                Part::Text(t) => t.clone(),
                Part::Value { placeholder, .. } => shown(*placeholder).unwrap_or_else(|| {
                    format!("<{}>", placeholder.name().to_uppercase().replace('.', "_"))
                }),
            })
            .collect()
    }
}

/// Characters allowed in a path component.
pub fn is_path_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '+' | '-')
}

const NAMES_HELP: &str = "placeholders are {release} {globaltag.id} {globaltag.name} {campaign} {sample} {production} {background} {exp} {beam} {run} {event_type} {tier} {block} {processing} {skim} {skim.code}, optionally zero-padded as {run:05}";

/// Parses and checks a template; `None` when it has errors (reported).
pub fn parse(literal: &Spanned<String>, diags: &mut Vec<Diagnostic>) -> Option<Template> {
    let text = &literal.value;
    let errors_before = diags.len();
    let mut parts = Vec::new();
    let mut literal_text = String::new();
    let mut rest = text.as_str();
    let mut at = 0usize;
    while let Some(open) = rest.find(['{', '}']) {
        literal_text.push_str(&rest[..open]);
        if rest[open..].starts_with('}') {
            diags.push(invalid_path(literal, at + open, 1, "`}` without `{`"));
            rest = &rest[open + 1..];
            at += open + 1;
            continue;
        }
        let Some(close) = rest[open..].find('}') else {
            diags.push(invalid_path(
                literal,
                at + open,
                rest.len() - open,
                "`{` is never closed",
            ));
            rest = "";
            break;
        };
        let inner = &rest[open + 1..open + close];
        let inner_at = at + open + 1;
        let span = literal.inside(at + open, close + 1);
        if !literal_text.is_empty() {
            parts.push(Part::Text(std::mem::take(&mut literal_text)));
        }
        if let Some(part) = placeholder(literal, inner, inner_at, span, diags) {
            parts.push(part);
        }
        rest = &rest[open + close + 1..];
        at += open + close + 1;
    }
    literal_text.push_str(rest);
    if !literal_text.is_empty() {
        parts.push(Part::Text(literal_text));
    }
    let template = Template {
        parts,
        span: literal.span,
    };
    check_literal_text(literal, diags);
    (diags.len() == errors_before).then_some(template)
}

fn placeholder(
    literal: &Spanned<String>,
    inner: &str,
    at: usize,
    span: Span,
    diags: &mut Vec<Diagnostic>,
) -> Option<Part> {
    let (name, format) = match inner.split_once(':') {
        Some((name, format)) => (name, Some(format)),
        None => (inner, None),
    };
    let Some(placeholder) = Placeholder::from_name(name) else {
        let names = Placeholder::ALL.map(|p| p.name());
        let mut diag = Diagnostic::new(
            Code::E0701,
            format!("unknown placeholder `{{{name}}}`"),
            literal.inside(at, name.len()),
            "not a placeholder",
        );
        diag = match did_you_mean(name, names) {
            Some(s) => diag.with_help(format!("did you mean `{{{s}}}`?")),
            None => diag.with_help(NAMES_HELP),
        };
        diags.push(diag);
        return None;
    };
    let pad = match format {
        None => None,
        Some(f) => {
            let digits = f
                .strip_prefix('0')
                .filter(|d| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit()));
            match digits
                .and_then(|d| d.parse::<usize>().ok())
                .filter(|&n| (1..=20).contains(&n))
            {
                Some(n) if placeholder.is_numeric() => Some(n),
                Some(_) => {
                    diags.push(
                        Diagnostic::new(
                            Code::E0701,
                            format!("`{{{name}}}` is not a number and cannot be padded"),
                            span,
                            "padding on text",
                        )
                        .with_help(format!("write `{{{name}}}`")),
                    );
                    return None;
                }
                None => {
                    diags.push(
                        Diagnostic::new(
                            Code::E0701,
                            format!("malformed padding `:{f}` of `{{{name}}}`"),
                            literal.inside(at + name.len(), f.len() + 1),
                            "expected `:0N`",
                        )
                        .with_help(format!(
                            "zero padding reads `{{{name}:05}}`: a 0, then the width (1 to 20)"
                        )),
                    );
                    return None;
                }
            }
        }
    };
    Some(Part::Value {
        placeholder,
        pad,
        span,
    })
}

fn invalid_path(literal: &Spanned<String>, at: usize, len: usize, what: &str) -> Diagnostic {
    Diagnostic::new(Code::E0704, format!("invalid path template: {what}"), literal.inside(at, len.max(1)), what.to_string())
        .with_help("a path is absolute and each component between slashes uses only letters, digits and `_ . + -`; no empty component, no trailing `/`, no `.` or `..`")
}

/// The rule of §2.7 on the literal text, placeholders standing in for
/// valid non-empty values.
fn check_literal_text(literal: &Spanned<String>, diags: &mut Vec<Diagnostic>) {
    let text = &literal.value;
    if !text.starts_with('/') {
        diags.push(invalid_path(
            literal,
            0,
            1,
            "the path does not start with `/`",
        ));
        return;
    }
    let mut offset: usize = 1;
    let components: Vec<&str> = text[1..].split('/').collect();
    let last = components.len() - 1;
    for (i, component) in components.iter().enumerate() {
        if component.is_empty() {
            let what = if i == last {
                "trailing `/`"
            } else {
                "empty path component (`//`)"
            };
            diags.push(invalid_path(literal, offset.saturating_sub(1), 1, what));
        } else if *component == "." || *component == ".." {
            diags.push(invalid_path(
                literal,
                offset,
                component.len(),
                "`.` or `..` as a path component",
            ));
        } else {
            // Characters outside placeholders must be path characters.
            let mut depth = 0;
            for (j, c) in component.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' => depth -= 1,
                    _ if depth == 0 && !is_path_char(c) => {
                        let shown = if c == ' ' {
                            "a space".to_string()
                        } else {
                            format!("`{c}`")
                        };
                        diags.push(invalid_path(
                            literal,
                            offset + j,
                            c.len_utf8(),
                            &format!("{shown} is not allowed in a path"),
                        ));
                        break;
                    }
                    _ => {}
                }
            }
        }
        offset += component.len() + 1;
    }
}

/// Whether an expanded path obeys §2.7; the reason when it does not.
pub fn check_expanded(path: &str) -> Result<(), String> {
    let Some(rest) = path.strip_prefix('/') else {
        return Err("does not start with `/`".into());
    };
    if rest.ends_with('/') {
        return Err("ends with `/`".into());
    }
    for component in rest.split('/') {
        if component.is_empty() {
            return Err("has an empty component".into());
        }
        if component == "." || component == ".." {
            return Err(format!("has the component `{component}`"));
        }
        if let Some(c) = component.chars().find(|&c| !is_path_char(c)) {
            return Err(format!("has the character {c:?} in `{component}`"));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::FileId;

    fn lit(text: &str) -> Spanned<String> {
        Spanned::new(text.to_string(), Span::new(FileId(0), 0, text.len() + 2))
    }

    fn codes(text: &str) -> Vec<(Code, u32)> {
        let mut diags = Vec::new();
        parse(&lit(text), &mut diags);
        diags
            .iter()
            .map(|d| (d.code, d.primary.span.start))
            .collect()
    }

    #[test]
    fn the_standard_templates_parse() {
        let mut diags = Vec::new();
        let t = parse(
            &lit("/belle/MC/{release}/DB{globaltag.id:08}/r{run:06}/sub{block:02}"),
            &mut diags,
        )
        .expect("valid");
        assert!(diags.is_empty());
        let names: Vec<&str> = t.placeholders().map(|(p, _)| p.name()).collect();
        assert_eq!(names, ["release", "globaltag.id", "run", "block"]);
        assert!(matches!(t.parts[3], Part::Value { pad: Some(8), .. }));
    }

    #[test]
    fn bad_templates_are_located_inside_the_string() {
        assert_eq!(codes("/a/{rn}"), vec![(Code::E0701, 5)]);
        assert_eq!(codes("/a/{run:5}"), vec![(Code::E0701, 8)]);
        assert_eq!(codes("/a/{tier:03}"), vec![(Code::E0701, 4)]);
        assert_eq!(codes("/a/$(rm -rf)/{run}"), vec![(Code::E0704, 4)]);
        assert_eq!(codes("/a/my files/{run}"), vec![(Code::E0704, 6)]);
        assert_eq!(codes("a/{run}"), vec![(Code::E0704, 1)]);
        assert_eq!(codes("/a//{run}"), vec![(Code::E0704, 3)]);
        assert_eq!(codes("/a/{run}/"), vec![(Code::E0704, 9)]);
        assert_eq!(codes("/a/../{run}"), vec![(Code::E0704, 4)]);
        assert_eq!(codes("/a/{run"), vec![(Code::E0704, 4)]);
    }

    #[test]
    fn expanded_paths_follow_the_rule() {
        assert!(check_expanded("/belle/MC/release-03-01-00/sub00").is_ok());
        assert!(check_expanded("/a/b c").is_err());
        assert!(check_expanded("/a/$x").is_err());
        assert!(check_expanded("/a/../b").is_err());
        assert!(check_expanded("/a/").is_err());
        assert!(check_expanded("a").is_err());
    }
}
