//! `prodc diff OLD NEW` and `prodc diff --git REV PROJECT`: the semantic
//! difference between two versions of a project ([`crate::diff`]). Exit 0
//! when they are equal, 1 when they differ, 2 on any error (a version that
//! cannot be read or has errors, a revision that names no commit, bad
//! arguments).

use super::git::GitVfs;
use super::{fail, load, report};
use crate::diagnostics::render::MessageFormat;
use crate::diff::{diff, Report};
use crate::{check, Checked};
use std::path::Path;

/// How the report is printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum DiffFormat {
    /// Plain text for a terminal.
    Text,
    /// JSON (`"schema": "prodc.diff/v1"`).
    Json,
    /// Markdown, ready for a pull request comment.
    Markdown,
}

/// One version to compare: a directory, or a directory at a git revision.
#[derive(Debug, Clone, Copy)]
enum Version<'a> {
    Dir(&'a Path),
    Git(&'a Path, &'a str),
}

impl Version<'_> {
    fn label(&self) -> String {
        match self {
            Version::Dir(dir) => format!("`{}`", dir.display()),
            Version::Git(dir, rev) => format!("`{}` at `{rev}`", dir.display()),
        }
    }

    /// Loads and checks the version; `Err` carries the exit code after the
    /// problem has been printed.
    fn load(&self, role: &str, format: MessageFormat) -> Result<Checked, u8> {
        let checked = match *self {
            Version::Dir(dir) => load(dir).map(|(_, checked)| checked)?,
            Version::Git(dir, rev) => {
                let vfs = GitVfs::open(dir, rev).map_err(|e| {
                    fail(&format!("cannot read `{}` at `{rev}`: {e}", dir.display()))
                })?;
                check(&vfs).map_err(|e| fail(&format!("{e} (in {})", self.label())))?
            }
        };
        if checked.has_errors() {
            if format == MessageFormat::Human {
                say!(
                    "note: the {role} version ({}) has errors; versions are compared only when both check clean",
                    self.label()
                );
            }
            report(&checked, format, false, ("diff", "diffed"));
            return Err(2);
        }
        Ok(checked)
    }
}

/// Runs `prodc diff` and returns the exit code.
///
/// `new` is the project directory; `old` another directory to compare it
/// with, or, with `git`, `None`: the old version is then `new` itself at
/// that git revision. Both or neither of `old` and `git` is a usage error.
/// On the clap command `Diff { old, new: Option<PathBuf>, git, format }`:
/// `prodc diff OLD NEW` calls `run_diff(Some(&old), &new, None, …)` and
/// `prodc diff --git REV DIR` calls `run_diff(None, &dir, Some(rev), …)`.
pub fn run_diff(
    old: Option<&Path>,
    new: &Path,
    git: Option<&str>,
    format: DiffFormat,
    message_format: MessageFormat,
) -> u8 {
    let old_version =
        match (old, git) {
            (Some(old), None) => Version::Dir(old),
            (None, Some(rev)) => Version::Git(new, rev),
            (Some(_), Some(_)) => return fail(
                "give either two project directories (OLD NEW) or one with `--git REV`, not both",
            ),
            (None, None) => {
                return fail("give two project directories (OLD NEW), or one with `--git REV`")
            }
        };
    let new_version = Version::Dir(new);
    // Both versions are loaded, so that the errors of both are shown.
    let old_checked = old_version.load("old", message_format);
    let new_checked = new_version.load("new", message_format);
    let (Ok(old_checked), Ok(new_checked)) = (old_checked, new_checked) else {
        return 2;
    };
    let report = diff(&old_checked, &new_checked);
    super::stdout(&render(&report, format));
    u8::from(!report.is_empty())
}

/// The report in the requested format, ending with a newline.
pub fn render(report: &Report, format: DiffFormat) -> String {
    match format {
        DiffFormat::Text => report.text(),
        DiffFormat::Markdown => report.markdown(),
        DiffFormat::Json => {
            let mut json = serde_json::to_string_pretty(report).expect("reports serialise");
            json.push('\n');
            json
        }
    }
}
