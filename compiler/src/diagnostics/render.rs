//! Rendering diagnostics: human (miette), JSON lines and GitHub annotations.
//!
//! This is the only place that knows about miette: spans are converted to
//! miette's types here, at the edge, and nowhere else.

use super::escape::{escaped, escaped_line, is_escaped, push_escape, shortened};
use super::excerpt::{self, Excerpt};
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

/// Messages, labels and help texts longer than this many characters are
/// cut in the middle: one quoting a name of 10 MB stays a few lines long.
pub const MAX_TEXT: usize = 1000;

/// A message, label or help text as the terminal may show it: cut to
/// [`MAX_TEXT`] characters, control characters escaped.
fn terminal_text(text: &str) -> String {
    escaped(&shortened(text, MAX_TEXT)).into_owned()
}

/// The excerpt of one file a report shows, seen through miette.
///
/// miette reads the lines around a span from the source it is given,
/// scanning from its first byte. It is given an [`Excerpt`] instead of the
/// file: a few lines around the labels, long lines cut to a window, control
/// characters escaped. Each block of the excerpt is read on its own and the
/// answer is given the block's real line numbers, so the snippet numbers
/// its lines as the file does; a span across two blocks cannot be read,
/// which keeps miette from joining their snippets.
struct ExcerptSource {
    name: String,
    excerpt: Excerpt,
}

impl SourceCode for ExcerptSource {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let end = span.offset() + span.len();
        let block = self
            .excerpt
            .block_of(span.offset(), end)
            .ok_or(MietteError::OutOfBounds)?;
        let text = &self.excerpt.text.as_bytes()[block.start..block.end];
        let shifted = SourceSpan::new((span.offset() - block.start).into(), span.len());
        let inner = text.read_span(&shifted, before, after)?;
        let inner_span = inner.span();
        // Without lines before it, the contents start at the span and
        // miette shows their column in the snippet's header: the file's,
        // not the excerpt's.
        let column = if before == 0 {
            self.excerpt
                .column_at(span.offset())
                .unwrap_or(inner.column())
        } else {
            inner.column()
        };
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            inner.data(),
            SourceSpan::new((inner_span.offset() + block.start).into(), inner_span.len()),
            inner.line() + block.first_line,
            column,
            inner.line_count() + block.first_line,
        )))
    }
}

/// One miette report: a message with labels in a single file, plus related
/// reports for labels that point into other files.
struct Report {
    code: Option<String>,
    message: String,
    severity: miette::Severity,
    help: Option<String>,
    source: Option<ExcerptSource>,
    labels: Vec<LabeledSpan>,
    related: Vec<Report>,
}

impl fmt::Debug for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Report {}

impl miette::Diagnostic for Report {
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

/// A span as byte offsets clamped to the file's text.
fn clamped(file: &SourceFile, span: Span) -> (usize, usize) {
    // miette underlines at least one column; clamp to the text so that a
    // span at the very end of a file still renders.
    let len = file.text.len();
    let start = (span.start as usize).min(len);
    let end = (span.end as usize).min(len).max(start);
    (start, end)
}

/// The miette source and labels of `labels`, all in `file`; the first is
/// the primary one when `primary` is set.
fn snippet(
    file: &SourceFile,
    labels: &[&Label],
    primary: bool,
    width: usize,
) -> (ExcerptSource, Vec<LabeledSpan>) {
    let spans: Vec<(usize, usize)> = labels.iter().map(|l| clamped(file, l.span)).collect();
    let excerpt = excerpt::excerpt(file, &spans, primary.then_some(0), width);
    let spans = labels
        .iter()
        .zip(&excerpt.labels)
        .enumerate()
        .map(|(i, (label, placed))| {
            let text = label.message.as_deref().map(terminal_text);
            let span = SourceSpan::new(placed.start.into(), placed.len);
            if primary && i == 0 {
                LabeledSpan::new_primary_with_span(text, span)
            } else {
                LabeledSpan::new_with_span(text, span)
            }
        })
        .collect();
    let source = ExcerptSource {
        name: escaped_line(&file.name).into_owned(),
        excerpt,
    };
    (source, spans)
}

fn build_report(diag: &Diagnostic, sources: &SourceMap, width: usize) -> Report {
    let file_id = diag.primary.span.file;
    let file = sources.get(file_id);
    let mut here = vec![&diag.primary];
    let mut related = Vec::new();
    for label in &diag.secondary {
        if label.span.file == file_id {
            here.push(label);
        } else {
            let other = sources.get(label.span.file);
            let (source, labels) = snippet(other, &[label], true, width);
            related.push(Report {
                code: None,
                message: label
                    .message
                    .as_deref()
                    .map_or_else(|| "see also".to_string(), terminal_text),
                severity: miette::Severity::Advice,
                help: None,
                source: Some(source),
                // The label's message is the report's; show the span bare.
                labels: labels
                    .into_iter()
                    .map(|l| LabeledSpan::new_primary_with_span(None, *l.inner()))
                    .collect(),
                related: Vec::new(),
            });
        }
    }
    let (source, labels) = snippet(file, &here, true, width);
    Report {
        code: Some(diag.code.as_str().to_string()),
        message: terminal_text(&diag.message),
        severity: match diag.severity() {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
        },
        help: diag.help.as_deref().map(terminal_text),
        source: Some(source),
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
    let report = build_report(diag, sources, style.width);
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
        escaped_line(loc.file),
        loc.line,
        loc.column,
        severity_word(diag.severity()),
        diag.code,
        terminal_text(&diag.message)
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
    let mut line = Vec::with_capacity(256);
    let mut serializer = serde_json::Serializer::with_formatter(&mut line, TerminalSafe);
    json.serialize(&mut serializer)
        .expect("diagnostics serialise to JSON");
    line.push(b'\n');
    String::from_utf8(line).expect("serde_json writes UTF-8")
}

/// JSON as serde writes it compactly, except that the characters the
/// terminal must not see raw ([`is_escaped`]) are written as `\uXXXX` in
/// strings too, not only the C0 controls serde escapes itself: the output
/// may be read on a terminal, and a JSON reader decodes the same text.
struct TerminalSafe;

impl serde_json::ser::Formatter for TerminalSafe {
    fn write_string_fragment<W: ?Sized + std::io::Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> std::io::Result<()> {
        let mut rest = fragment;
        while let Some((i, c)) = rest.char_indices().find(|&(_, c)| is_escaped(c)) {
            writer.write_all(&rest.as_bytes()[..i])?;
            // Every escaped character after C0 lies in the basic plane.
            write!(writer, "\\u{:04x}", u32::from(c))?;
            rest = &rest[i + c.len_utf8()..];
        }
        writer.write_all(rest.as_bytes())
    }
}

// ---------------------------------------------------------------- github

/// Escapes data of a GitHub workflow command: `%`, CR and LF as GitHub
/// documents, so that the command stays on one line and user text cannot
/// start another, and every other control character visibly, as in the
/// terminal ([`escaped`]): the runner's log interprets terminal escapes.
fn escape_data(text: &str) -> String {
    escape_github(text, false)
}

/// Escapes a property value of a GitHub workflow command: as data, and
/// `:` and `,`, which end a property.
fn escape_property(text: &str) -> String {
    escape_github(text, true)
}

fn escape_github(text: &str, property: bool) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '%' => out.push_str("%25"),
            '\r' => out.push_str("%0D"),
            '\n' => out.push_str("%0A"),
            ':' if property => out.push_str("%3A"),
            ',' if property => out.push_str("%2C"),
            c if is_escaped(c) => push_escape(&mut out, c),
            c => out.push(c),
        }
    }
    out
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
