//! Rendering the templates of emitted artifacts with handlebars.
//!
//! Every template (built in, or the project's override) is registered both
//! as a template and as a partial, so that `{{> batch/task.sh.hbs}}` works.
//! Output is not HTML: escaping is off, and values that reach a shell go
//! through the `sh` helper, which single-quotes them. A template that does
//! not parse or fails to render is `E0115`, located in the template file.

use crate::diagnostics::{Code, Diagnostic};
use crate::source::{FileId, SourceMap, Span};
use crate::Checked;
use handlebars::{handlebars_helper, Handlebars};
use serde_json::Value;
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
handlebars_helper!(sh: |value: Json| shell_quote(&value_text(value)));
handlebars_helper!(oneline: |value: Json| value_text(value).chars().map(|c| if c.is_control() { '?' } else { c }).collect::<String>());

/// The registered templates of one build.
pub struct Renderer<'a> {
    handlebars: Handlebars<'a>,
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
        let sources = &checked.project.sources;
        let files = &checked.project.templates;
        let mut handlebars = Handlebars::new();
        handlebars.set_strict_mode(true);
        handlebars.register_escape_fn(handlebars::no_escape);
        handlebars.register_helper("sh", Box::new(sh));
        handlebars.register_helper("oneline", Box::new(oneline));
        handlebars.register_helper("cell", Box::new(cell));
        let mut diags = Vec::new();
        for (name, &file) in files {
            let text = &sources.get(file).text;
            let registered = handlebars
                .register_template_string(name, text)
                .and_then(|()| handlebars.register_partial(name, text));
            if let Err(err) = registered {
                diags.push(template_error(
                    sources,
                    file,
                    name,
                    err.pos(),
                    err.reason().to_string(),
                ));
            }
        }
        if diags.is_empty() {
            Ok(Renderer {
                handlebars,
                files,
                sources,
            })
        } else {
            Err(diags)
        }
    }

    /// Renders template `name` with `data`.
    pub fn render(&self, name: &str, data: &Value) -> Result<String, Diagnostic> {
        self.handlebars.render(name, data).map_err(|err| {
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
    fn quoting_survives_hostile_text() {
        assert_eq!(shell_quote("plain"), "'plain'");
        assert_eq!(shell_quote("it's"), "'it'\\''s'");
        assert_eq!(shell_quote("$(rm -rf /) `x` \n"), "'$(rm -rf /) `x` \n'");
    }
}
