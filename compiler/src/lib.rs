//! `prodc`: a compiler for declarative data-production manifests.
//!
//! The pipeline, one module per phase, each a plain function from data to
//! data: [`project`] loads `Prod.toml` and the files through a [`project::Vfs`],
//! [`syntax`] parses them, [`resolve`] builds the typed
//! [`model`], [`check`] applies the rules, [`layout`] lowers it to
//! concrete output paths, [`emit`] renders the build outputs. Only [`cli`]
//! touches the disk and the terminal. Diagnostics ([`diagnostics`]) carry
//! [`source::Span`]s and become miette reports only when rendered.

/// `eprintln!` for what the command line and the language server print
/// themselves: the text (file names, arguments, values from manifests) is
/// shown with its control characters escaped, never sent to the terminal
/// raw, as diagnostics are ([`diagnostics::escape`]).
macro_rules! say {
    ($($arg:tt)*) => {
        eprintln!("{}", $crate::diagnostics::escape::escaped(&format!($($arg)*)))
    };
}

pub mod check;
pub mod chunks;
pub mod cli;
pub mod diagnostics;
pub mod diff;
pub mod disk;
pub mod emit;
pub mod fmt;
pub mod graph;
pub mod gtplan;
pub mod jobs;
pub mod json;
pub mod layout;
pub mod lsp;
pub mod model;
pub mod project;
pub mod resolve;
pub mod source;
pub mod syntax;
pub mod targets;

use diagnostics::Diagnostic;
use project::{Project, ProjectError, Vfs};
use source::SourceMap;

/// The result of checking a project: everything loaded, and every
/// diagnostic of the run, sorted by file name and position.
#[derive(Debug)]
pub struct Checked {
    pub project: Project,
    /// Shared, so that a build can write `model.json` on a thread of its
    /// own from the moment the model is resolved until the other targets
    /// are written.
    pub model: std::sync::Arc<model::Model>,
    /// Every output directory of the project, sorted by path.
    pub datasets: Vec<layout::Dataset>,
    pub diagnostics: Vec<Diagnostic>,
    /// [`jobs::jobs`], computed once for the targets that need it.
    jobs: std::sync::OnceLock<Vec<jobs::Job>>,
}

impl Checked {
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }

    /// The jobs of the project ([`jobs::jobs`]), computed on first use and
    /// shared by the `jobs` and `batch` targets.
    pub fn jobs(&self) -> &[jobs::Job] {
        self.jobs.get_or_init(|| jobs::jobs(self))
    }
}

/// Loads, parses and checks the project behind `vfs`.
pub fn check(vfs: &dyn Vfs) -> Result<Checked, ProjectError> {
    Ok(check_project(project::load_project(vfs)?))
}

/// [`check`], calling `loaded` with the project before its names are
/// resolved and `resolved` with the resolved model before the rules and the
/// output paths are checked. A build starts registering its templates at
/// the first and writing `model.json` at the second, each on a thread of
/// its own; the work started is the caller's to finish, or to throw away
/// when the project turns out to have errors.
pub fn check_starting<L, T>(
    vfs: &dyn Vfs,
    loaded: impl FnOnce(&Project) -> L,
    resolved: impl FnOnce(&Project, &std::sync::Arc<model::Model>) -> T,
) -> Result<(Checked, L, T), ProjectError> {
    let project = project::load_project(vfs)?;
    let early = loaded(&project);
    let (checked, started) = check_project_starting(project, resolved);
    Ok((checked, early, started))
}

/// Resolves and checks a loaded project: every phase after loading. The
/// language server calls it on a project whose unchanged files it did not
/// parse again.
pub fn check_project(project: Project) -> Checked {
    check_project_starting(project, |_, _| ()).0
}

fn check_project_starting<T>(
    mut project: Project,
    start: impl FnOnce(&Project, &std::sync::Arc<model::Model>) -> T,
) -> (Checked, T) {
    let mut diagnostics = std::mem::take(&mut project.diagnostics);
    // IoV lines lowered while loading move into the model from here.
    let lowered: resolve::lower::LoweredIovs = project
        .files
        .iter_mut()
        .flat_map(|f| std::mem::take(&mut f.iovs))
        .collect();
    let (model, resolve_diags) = resolve::resolve_lowered(&project, lowered);
    let model = std::sync::Arc::new(model);
    diagnostics.extend(resolve_diags);
    let started = start(&project, &model);
    // The rules and the output paths are independent of each other.
    let (rule_diags, (datasets, layout_diags)) =
        rayon::join(|| check::check(&model), || layout::datasets(&model));
    diagnostics.extend(rule_diags);
    diagnostics.extend(layout_diags);
    let mut checked = Checked {
        project,
        model,
        datasets,
        diagnostics,
        jobs: std::sync::OnceLock::new(),
    };
    let gbasf2 = jobs::check_gbasf2(&checked);
    checked.diagnostics.extend(gbasf2);
    sort_diagnostics(&mut checked.diagnostics, &checked.project.sources);
    (checked, started)
}

/// Sorts by file name, then position, then code; drops exact repeats (a
/// file imported by two tags is parsed, and reported, once per import).
pub fn sort_diagnostics(diags: &mut Vec<Diagnostic>, sources: &SourceMap) {
    diags.sort_by(|a, b| {
        let key = |d: &Diagnostic| {
            let span = d.primary.span;
            (
                sources.get(span.file).name.clone(),
                span.start,
                span.end,
                d.code,
                d.message.clone(),
            )
        };
        key(a).cmp(&key(b))
    });
    diags.dedup();
}
