//! Rendering diagnostics: human (miette), JSON lines and GitHub annotations.
//!
//! This is the only place that knows about miette: spans are converted to
//! miette's types here, at the edge, and nowhere else.

use super::{Diagnostic, Label, Severity};
use crate::source::{SourceFile, SourceMap, Span};
use miette::{
    GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError, MietteSpanContents,
    SourceCode, SourceSpan, SpanContents,
};
use serde::Serialize;
use std::fmt;

/// How diagnostics are printed (`--message-format`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum MessageFormat {
    #[default]
    Human,
    Json,
    Github,
}

/// Options of the human renderer.
#[derive(Debug, Clone, Copy)]
pub struct HumanStyle {
    pub color: bool,
    pub width: usize,
}

impl Default for HumanStyle {
    fn default() -> Self {
        HumanStyle {
            color: false,
            width: 100,
        }
    }
}

/// Renders one diagnostic in the given format; the result ends in `\n`.
pub fn render(
    diag: &Diagnostic,
    sources: &SourceMap,
    format: MessageFormat,
    style: HumanStyle,
) -> String {
    match format {
        MessageFormat::Human => render_human(diag, sources, style),
        MessageFormat::Json => render_json(diag, sources),
        MessageFormat::Github => render_github(diag, sources),
    }
}

/// Renders a list of diagnostics, in order.
pub fn render_all(
    diags: &[Diagnostic],
    sources: &SourceMap,
    format: MessageFormat,
    style: HumanStyle,
) -> String {
    diags
        .iter()
        .map(|d| render(d, sources, format, style))
        .collect()
}

// ---------------------------------------------------------------- human

/// A source file seen through miette, named by its project-relative path.
///
/// miette scans a source from its first byte to find lines; to keep the
/// cost of a report independent of the file's size, it is handed only a
/// window starting a few lines before the span, and its answer is shifted
/// back to file positions.
struct NamedText<'a> {
    file: &'a SourceFile,
}

impl SourceCode for NamedText<'_> {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let first_line = self.file.line_index(span.offset()).saturating_sub(before);
        let window_start = self.file.line_start(first_line);
        let window = &self.file.text.as_bytes()[window_start..];
        let shifted = SourceSpan::new((span.offset() - window_start).into(), span.len());
        let inner = window.read_span(&shifted, before, after)?;
        let inner_span = inner.span();
        Ok(Box::new(MietteSpanContents::new_named(
            self.file.name.clone(),
            inner.data(),
            SourceSpan::new(
                (inner_span.offset() + window_start).into(),
                inner_span.len(),
            ),
            inner.line() + first_line,
            inner.column(),
            inner.line_count() + first_line,
        )))
    }
}

/// One miette report: a message with labels in a single file, plus related
/// reports for labels that point into other files.
struct Report<'a> {
    code: Option<String>,
    message: String,
    severity: miette::Severity,
    help: Option<String>,
    source: Option<NamedText<'a>>,
    labels: Vec<LabeledSpan>,
    related: Vec<Report<'a>>,
}

impl fmt::Debug for Report<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl fmt::Display for Report<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Report<'_> {}

impl miette::Diagnostic for Report<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.code
            .as_ref()
            .map(|c| Box::new(c) as Box<dyn fmt::Display>)
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(self.severity)
    }

    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.source.as_ref().map(|s| s as &dyn SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        if self.labels.is_empty() {
            None
        } else {
            Some(Box::new(self.labels.iter().cloned()))
        }
    }

    fn related<'b>(&'b self) -> Option<Box<dyn Iterator<Item = &'b dyn miette::Diagnostic> + 'b>> {
        if self.related.is_empty() {
            None
        } else {
            Some(Box::new(
                self.related.iter().map(|r| r as &dyn miette::Diagnostic),
            ))
        }
    }
}

fn source_span(file: &SourceFile, span: Span) -> SourceSpan {
    // miette underlines at least one column; clamp to the text so that a
    // span at the very end of a file still renders.
    let len = file.text.len();
    let start = (span.start as usize).min(len);
    let end = (span.end as usize).min(len).max(start);
    SourceSpan::new(start.into(), end - start)
}

fn labeled(file: &SourceFile, label: &Label, primary: bool) -> LabeledSpan {
    let span = source_span(file, label.span);
    if primary {
        LabeledSpan::new_primary_with_span(label.message.clone(), span)
    } else {
        LabeledSpan::new_with_span(label.message.clone(), span)
    }
}

fn build_report<'a>(diag: &Diagnostic, sources: &'a SourceMap) -> Report<'a> {
    let file_id = diag.primary.span.file;
    let file = sources.get(file_id);
    let mut labels = vec![labeled(file, &diag.primary, true)];
    let mut related = Vec::new();
    for label in &diag.secondary {
        if label.span.file == file_id {
            labels.push(labeled(file, label, false));
        } else {
            let other = sources.get(label.span.file);
            related.push(Report {
                code: None,
                message: label
                    .message
                    .clone()
                    .unwrap_or_else(|| "see also".to_string()),
                severity: miette::Severity::Advice,
                help: None,
                source: Some(NamedText { file: other }),
                labels: vec![LabeledSpan::new_primary_with_span(
                    None,
                    source_span(other, label.span),
                )],
                related: Vec::new(),
            });
        }
    }
    Report {
        code: Some(diag.code.as_str().to_string()),
        message: diag.message.clone(),
        severity: match diag.severity() {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
        },
        help: diag.help.clone(),
        source: Some(NamedText { file }),
        labels,
        related,
    }
}

fn render_human(diag: &Diagnostic, sources: &SourceMap, style: HumanStyle) -> String {
    let theme = if style.color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(style.width)
        .with_links(false)
        .with_urls(false);
    let report = build_report(diag, sources);
    let mut out = String::new();
    if handler.render_report(&mut out, &report).is_err() {
        // Rendering into a String cannot fail for I/O reasons; should miette
        // reject the report anyway, fall back to the plain one-line form.
        out = render_plain(diag, sources);
    }
    // One blank line after each report keeps a long list readable.
    while !out.ends_with("\n\n") {
        out.push('\n');
    }
    out
}

/// `file:line:col: error[CODE]: message`, the fallback form.
fn render_plain(diag: &Diagnostic, sources: &SourceMap) -> String {
    let loc = Location::of(sources, diag.primary.span);
    format!(
        "{}:{}:{}: {}[{}]: {}\n",
        loc.file,
        loc.line,
        loc.column,
        severity_word(diag.severity()),
        diag.code,
        diag.message
    )
}

fn severity_word(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

// ---------------------------------------------------------------- json

/// Start and end of a span in 1-based lines and columns.
#[derive(Serialize)]
struct Location<'a> {
    file: &'a str,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
}

impl<'a> Location<'a> {
    fn of(sources: &'a SourceMap, span: Span) -> Location<'a> {
        let file = sources.get(span.file);
        let (line, column) = file.line_col(span.start);
        let (end_line, end_column) = file.line_col(span.end);
        Location {
            file: &file.name,
            line,
            column,
            end_line,
            end_column,
        }
    }
}

#[derive(Serialize)]
struct JsonLabel<'a> {
    #[serde(flatten)]
    location: Location<'a>,
    message: Option<&'a str>,
    primary: bool,
}

#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    code: &'static str,
    severity: Severity,
    message: &'a str,
    #[serde(flatten)]
    location: Location<'a>,
    help: Option<&'a str>,
    labels: Vec<JsonLabel<'a>>,
}

fn json_label<'a>(sources: &'a SourceMap, label: &'a Label, primary: bool) -> JsonLabel<'a> {
    JsonLabel {
        location: Location::of(sources, label.span),
        message: label.message.as_deref(),
        primary,
    }
}

fn render_json(diag: &Diagnostic, sources: &SourceMap) -> String {
    let mut labels = vec![json_label(sources, &diag.primary, true)];
    labels.extend(diag.secondary.iter().map(|l| json_label(sources, l, false)));
    let json = JsonDiagnostic {
        code: diag.code.as_str(),
        severity: diag.severity(),
        message: &diag.message,
        location: Location::of(sources, diag.primary.span),
        help: diag.help.as_deref(),
        labels,
    };
    let mut line = serde_json::to_string(&json).expect("diagnostics serialise to JSON");
    line.push('\n');
    line
}

// ---------------------------------------------------------------- github

/// Escapes data of a GitHub workflow command.
fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a property value of a GitHub workflow command.
fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

fn render_github(diag: &Diagnostic, sources: &SourceMap) -> String {
    let loc = Location::of(sources, diag.primary.span);
    let mut message = diag.message.clone();
    if let Some(help) = &diag.help {
        message.push_str("\nhelp: ");
        message.push_str(help);
    }
    format!(
        "::{} file={},line={},col={},endLine={},endColumn={},title={}::{}\n",
        severity_word(diag.severity()),
        escape_property(loc.file),
        loc.line,
        loc.column,
        loc.end_line,
        loc.end_column,
        escape_property(diag.code.as_str()),
        escape_data(&message)
    )
}

/// Counts errors and warnings for the summary line.
pub fn summary(diags: &[Diagnostic]) -> (usize, usize) {
    let errors = diags.iter().filter(|d| d.is_error()).count();
    (errors, diags.len() - errors)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::Code;
    use crate::source::{Origin, SourceFile};

    fn sample() -> (SourceMap, Diagnostic) {
        let mut sources = SourceMap::new();
        let id = sources.add(SourceFile::new(
            "a/b.prod",
            "skim x {\n  kind = @\n}\n",
            Origin::Manifest,
        ));
        let d = Diagnostic::new(
            Code::E0109,
            "unexpected character `@`",
            Span::new(id, 18, 19),
            "here",
        )
        .with_help("remove it, 100%");
        (sources, d)
    }

    #[test]
    fn json_has_one_based_positions_and_all_fields() {
        let (sources, d) = sample();
        let out = render_json(&d, &sources);
        let v: serde_json::Value = serde_json::from_str(&out).expect("valid json");
        assert_eq!(v["code"], "E0109");
        assert_eq!(v["severity"], "error");
        assert_eq!(v["file"], "a/b.prod");
        assert_eq!(
            (v["line"].as_u64(), v["column"].as_u64()),
            (Some(2), Some(10))
        );
        assert_eq!(
            (v["end_line"].as_u64(), v["end_column"].as_u64()),
            (Some(2), Some(11))
        );
        assert_eq!(v["labels"][0]["message"], "here");
        assert!(out.ends_with('\n') && out.matches('\n').count() == 1);
    }

    #[test]
    fn github_escapes_newlines_and_percent() {
        let (sources, d) = sample();
        let out = render_github(&d, &sources);
        assert!(
            out.starts_with("::error file=a/b.prod,line=2,col=10,"),
            "{out}"
        );
        assert!(out.contains("title=E0109::"));
        assert!(out.contains("%0Ahelp: remove it, 100%25"));
    }

    #[test]
    fn human_names_the_file_and_code() {
        let (sources, d) = sample();
        let out = render_human(&d, &sources, HumanStyle::default());
        assert!(out.contains("E0109"), "{out}");
        assert!(out.contains("a/b.prod:2:10"), "{out}");
        assert!(out.contains("help: remove it"), "{out}");
    }
}
