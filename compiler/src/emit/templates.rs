//! Rendering the templates of emitted artifacts with handlebars.
//!
//! Every template (built in, or the project's override) is registered once
//! per build, under its path, which `{{> batch/task.sh.hbs}}` finds as a
//! partial too.
//! Output is not HTML: escaping is off, and values that reach a shell go
//! through the `sh` helper, which single-quotes them. A template that does
//! not parse or fails to render is `E0115`, located in the template file.

use crate::diagnostics::{Code, Diagnostic};
use crate::project::Project;
use crate::source::{FileId, SourceMap, Span};
use crate::Checked;
use handlebars::{
    handlebars_helper, Handlebars, Helper, HelperDef, HelperResult, Output, RenderContext,
    RenderError, RenderErrorReason, Renderable, ScopedJson,
};
use serde_json::Value;
use std::borrow::Cow;
use std::collections::BTreeMap;

/// Quotes a value for a POSIX shell: `'…'`, with `'` written as `'\''`.
pub fn shell_quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', "'\\''"))
}

fn value_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// Escapes text for one cell of a Markdown table: a `|` would end the cell
/// and a line break would end the row.
pub fn escape_cell(text: &str) -> String {
    text.replace('|', "\\|")
        .replace(['\r', '\n'], " ")
        .trim()
        .to_string()
}

handlebars_helper!(cell: |value: Json| escape_cell(&value_text(value)));

/// Writes a text, transformed, piece by piece to a writer.
type WriteText = fn(&str, &mut dyn FnMut(&str) -> std::io::Result<()>) -> std::io::Result<()>;

/// A helper of one value that writes its text, transformed, straight to the
/// output; a batch build calls them hundreds of thousands of times. Used as
/// a subexpression, it gives the same text as a value.
struct TextHelper {
    name: &'static str,
    write: WriteText,
}

impl TextHelper {
    fn text<'a>(&self, h: &'a Helper<'_>) -> Result<Cow<'a, str>, RenderError> {
        let value = h
            .param(0)
            .ok_or(RenderErrorReason::ParamNotFoundForIndex(self.name, 0))?
            .value();
        Ok(match value {
            Value::String(s) => Cow::Borrowed(s.as_str()),
            other => Cow::Owned(value_text(other)),
        })
    }
}

impl HelperDef for TextHelper {
    fn call<'reg: 'rc, 'rc>(
        &self,
        h: &Helper<'rc>,
        _: &'reg Handlebars<'reg>,
        _: &'rc handlebars::Context,
        _: &mut RenderContext<'reg, 'rc>,
        out: &mut dyn Output,
    ) -> HelperResult {
        let text = self.text(h)?;
        (self.write)(&text, &mut |piece| out.write(piece))?;
        Ok(())
    }

    fn call_inner<'reg: 'rc, 'rc>(
        &self,
        h: &Helper<'rc>,
        _: &'reg Handlebars<'reg>,
        _: &'rc handlebars::Context,
        _: &mut RenderContext<'reg, 'rc>,
    ) -> Result<ScopedJson<'rc>, RenderError> {
        let text = self.text(h)?;
        let mut result = String::new();
        (self.write)(&text, &mut |piece| {
            result.push_str(piece);
            Ok(())
        })?;
        Ok(ScopedJson::Derived(Value::String(result)))
    }
}

/// `{{include "NAME"}}`: renders template NAME in place, in the current
/// context. A partial (`{{> NAME}}`) does the same but first copies the
/// whole context for it; the batch scripts include the shared task body
/// once per production, tens of thousands of times.
struct Include;

/// How deep includes may nest: deeper is a template including itself.
const INCLUDE_DEPTH: usize = 16;

thread_local! {
    static INCLUDING: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

impl HelperDef for Include {
    fn call<'reg: 'rc, 'rc>(
        &self,
        h: &Helper<'rc>,
        r: &'reg Handlebars<'reg>,
        ctx: &'rc handlebars::Context,
        rc: &mut RenderContext<'reg, 'rc>,
        out: &mut dyn Output,
    ) -> HelperResult {
        let name = h
            .param(0)
            .and_then(|p| p.value().as_str())
            .ok_or(RenderErrorReason::ParamNotFoundForIndex("include", 0))?;
        let template = r
            .get_template(name)
            .ok_or_else(|| RenderErrorReason::PartialNotFound(name.to_string()))?;
        let depth = INCLUDING.get();
        if depth >= INCLUDE_DEPTH {
            return Err(RenderErrorReason::Other(format!(
                "`{name}` is included more than {INCLUDE_DEPTH} levels deep: templates include each other in a cycle"
            ))
            .into());
        }
        // Errors inside the included template are located in it.
        let outer = rc.get_current_template_name();
        rc.set_current_template_name(template.name.as_ref());
        INCLUDING.set(depth + 1);
        let rendered = template.render(r, ctx, rc, out);
        INCLUDING.set(depth);
        rc.set_current_template_name(outer);
        rendered
    }
}

/// `sh`: [`shell_quote`], piece by piece.
fn write_shell_quoted(
    text: &str,
    out: &mut dyn FnMut(&str) -> std::io::Result<()>,
) -> std::io::Result<()> {
    out("'")?;
    for (i, piece) in text.split('\'').enumerate() {
        if i > 0 {
            out("'\\''")?;
        }
        out(piece)?;
    }
    out("'")
}

/// `oneline`: control characters (line breaks, escapes) become `?`.
fn write_oneline(
    text: &str,
    out: &mut dyn FnMut(&str) -> std::io::Result<()>,
) -> std::io::Result<()> {
    for (i, piece) in text.split(char::is_control).enumerate() {
        if i > 0 {
            out("?")?;
        }
        out(piece)?;
    }
    Ok(())
}

thread_local! {
    /// The data of the template rendered last on this thread, overwritten
    /// by the next ([`Renderer::render`]).
    static CONTEXT: std::cell::RefCell<handlebars::Context> =
        std::cell::RefCell::new(handlebars::Context::null());
}

/// The templates of a project, registered with handlebars: parsing them is
/// the fixed cost of every build, so a build starts it while the project's
/// names are still being resolved ([`TemplateTexts::register`] on a thread
/// of its own) rather than when the first templated target needs it.
pub struct Templates {
    handlebars: Handlebars<'static>,
    /// The templates that do not parse.
    failed: Vec<Unparsed>,
}

/// A template that does not parse: its name and file, the line and column
/// of the error, and why.
struct Unparsed {
    name: String,
    file: FileId,
    pos: Option<(usize, usize)>,
    reason: String,
}

/// Copies of a project's template texts, to register away from the
/// project.
pub struct TemplateTexts(Vec<(String, FileId, String)>);

impl TemplateTexts {
    /// The template texts of `project`: built in, or its overrides.
    pub fn of(project: &Project) -> TemplateTexts {
        TemplateTexts(
            project
                .templates
                .iter()
                .map(|(name, &file)| (name.clone(), file, project.sources.get(file).text.clone()))
                .collect(),
        )
    }

    /// Registers every template with the helpers of the emitted artifacts.
    pub fn register(self) -> Templates {
        let mut handlebars = Handlebars::new();
        handlebars.set_strict_mode(true);
        handlebars.register_escape_fn(handlebars::no_escape);
        handlebars.register_helper(
            "sh",
            Box::new(TextHelper {
                name: "sh",
                write: write_shell_quoted,
            }),
        );
        handlebars.register_helper(
            "oneline",
            Box::new(TextHelper {
                name: "oneline",
                write: write_oneline,
            }),
        );
        handlebars.register_helper("cell", Box::new(cell));
        handlebars.register_helper("include", Box::new(Include));
        let mut failed = Vec::new();
        for (name, file, text) in self.0 {
            // A registered template is also found as a partial: handlebars
            // keeps the two in one table.
            if let Err(err) = handlebars.register_template_string(&name, text) {
                failed.push(Unparsed {
                    pos: err.pos(),
                    reason: err.reason().to_string(),
                    name,
                    file,
                });
            }
        }
        Templates { handlebars, failed }
    }
}

/// The registered templates of one build.
pub struct Renderer<'a> {
    handlebars: Handlebars<'static>,
    files: &'a BTreeMap<String, FileId>,
    sources: &'a SourceMap,
}

fn template_error(
    sources: &SourceMap,
    file: FileId,
    name: &str,
    pos: Option<(usize, usize)>,
    reason: String,
) -> Diagnostic {
    let source = sources.get(file);
    let at = pos.map_or(0, |(line, column)| source.offset(line, column));
    let end = (at + 1).min(source.text.len()).max(at);
    Diagnostic::new(Code::E0115, format!("template `{name}` failed: {}", reason.trim_end_matches('.')), Span::new(file, at, end), "here")
        .with_help("fix the template, or delete the override to use the built-in one (`prodc` ships every template in `targets/`)")
}

impl<'a> Renderer<'a> {
    /// Registers every template of the project.
    pub fn new(checked: &'a Checked) -> Result<Renderer<'a>, Vec<Diagnostic>> {
        Renderer::with(TemplateTexts::of(&checked.project).register(), checked)
    }

    /// The renderer of `templates`, registered from the texts of
    /// `checked`'s project; `E0115` for each that does not parse.
    pub fn with(
        templates: Templates,
        checked: &'a Checked,
    ) -> Result<Renderer<'a>, Vec<Diagnostic>> {
        let sources = &checked.project.sources;
        if templates.failed.is_empty() {
            return Ok(Renderer {
                handlebars: templates.handlebars,
                files: &checked.project.templates,
                sources,
            });
        }
        Err(templates
            .failed
            .into_iter()
            .map(|u| template_error(sources, u.file, &u.name, u.pos, u.reason))
            .collect())
    }

    /// Renders template `name` with `data`. Batch scripts render one per
    /// production, tens of thousands: the data is serialised over that of
    /// the previous rendering on the same thread ([`super::reuse`]) rather
    /// than into a new JSON tree each time.
    pub fn render<T: serde::Serialize + ?Sized>(
        &self,
        name: &str,
        data: &T,
    ) -> Result<String, Diagnostic> {
        CONTEXT.with(|context| {
            let mut context = context.borrow_mut();
            super::reuse::serialize_into(data, context.data_mut())
                .expect("template data serialises to JSON");
            self.render_context(name, &context)
        })
    }

    fn render_context(
        &self,
        name: &str,
        context: &handlebars::Context,
    ) -> Result<String, Diagnostic> {
        self.handlebars
            .render_with_context(name, context)
            .map_err(|err| {
                let failing = err
                    .template_name
                    .clone()
                    .unwrap_or_else(|| name.to_string());
                let pos = err.line_no.zip(err.column_no);
                // Every template of `crate::targets` is registered under its
                // name; the failing one is that or a partial it includes.
                match self.files.get(&failing).or_else(|| self.files.get(name)) {
                    Some(&file) => {
                        template_error(self.sources, file, &failing, pos, err.reason().to_string())
                    }
                    None => {
                        let (_, &any) = self
                            .files
                            .iter()
                            .next()
                            .expect("the built-in templates are never empty");
                        template_error(
                            self.sources,
                            any,
                            name,
                            None,
                            format!("no template `{name}`: {}", err.reason()),
                        )
                    }
                }
            })
    }
}

#[cfg(test)]
mod tests {
    use super::{escape_cell, shell_quote};

    #[test]
    fn table_cells_cannot_break_the_table() {
        assert_eq!(escape_cell("a | b\nc"), "a \\| b c");
    }

    #[test]
    fn the_helpers_write_what_the_functions_return() {
        let collect = |write: super::WriteText, text: &str| {
            let mut out = String::new();
            write(text, &mut |piece| {
                out.push_str(piece);
                Ok(())
            })
            .expect("writing to a string");
            out
        };
        for text in ["plain", "it's", "'", "''a'", "$(x) `y`\n", ""] {
            assert_eq!(collect(super::write_shell_quoted, text), shell_quote(text));
        }
        assert_eq!(
            collect(super::write_oneline, "a\nb\tc\u{1b}[0m"),
            "a?b?c?[0m"
        );
    }

    #[test]
    fn quoting_survives_hostile_text() {
        assert_eq!(shell_quote("plain"), "'plain'");
        assert_eq!(shell_quote("it's"), "'it'\\''s'");
        assert_eq!(shell_quote("$(rm -rf /) `x` \n"), "'$(rm -rf /) `x` \n'");
    }
}
