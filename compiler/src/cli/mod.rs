//! The command line: the only layer that reads the disk and prints.
//!
//! Exit codes follow LANGUAGE.md §7: 0 success, 1 errors in the manifests,
//! 2 usage or I/O failure.

// The one place beside the language server's IO layer allowed to touch the
// disk, processes, the environment, the clock and the terminal
// (`clippy.toml` forbids them everywhere else).
#![allow(clippy::disallowed_methods, clippy::disallowed_macros)]

mod diff;
mod early;
mod fmt;
pub mod git;
mod graph;
mod init;
mod lock;
mod lsp;
mod output;
mod plan;

pub use crate::disk::DiskVfs;

use crate::diagnostics::render::{render_all, summary, HumanStyle, MessageFormat};
use crate::diagnostics::{Code, Diagnostic};
use crate::emit;
use crate::source::{Origin, SourceFile, Span};
use crate::{sort_diagnostics, Checked};
use clap::{Parser, Subcommand, ValueEnum};
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

const EXAMPLES: &str = "\
Examples:
  prodc check manifests                 check the project in ./manifests
  prodc check --message-format github   annotate a pull request from CI
  prodc build manifests --out /tmp/out  build every target into /tmp/out
  prodc explain E0402                   read the page of an error code";

#[derive(Debug, Parser)]
#[command(name = "prodc", version, about = "Compiler for declarative data-production manifests", after_help = EXAMPLES)]
struct Cli {
    /// How diagnostics are printed: human (stderr), json or github (stdout).
    #[arg(long, value_enum, global = true, default_value = "human")]
    message_format: FormatArg,

    /// Show at most N diagnostics (all are counted; 0 shows all).
    #[arg(long, global = true, value_name = "N", default_value_t = 200)]
    max_diagnostics: usize,

    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum FormatArg {
    Human,
    Json,
    Github,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum CompletionShell {
    Bash,
    Zsh,
    Fish,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum SchemaKind {
    /// The files of the `jobs` target.
    Job,
    /// The output of `prodc export` (and `model.json`).
    Model,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Parse and check a project; report every problem.
    #[command(
        after_help = "Example:\n  prodc check manifests --message-format github\n\nExit status: 0 no errors (warnings allowed), 1 errors, 2 usage or I/O failure."
    )]
    Check {
        /// The project directory (holding Prod.toml).
        #[arg(default_value = ".")]
        project: PathBuf,
        /// Treat warnings as errors.
        #[arg(long)]
        deny_warnings: bool,
    },
    /// Check a project and write its outputs.
    #[command(
        after_help = "Example:\n  prodc build manifests --out /tmp/out --target lpn --target jobs\n\nExit status: 0 built, 1 errors (nothing written), 2 usage or I/O failure, or the output locked by another build (--no-wait).\n\nA second build of the same output waits for the first (see `prodc explain E0117`); a symlinked output keeps its link and the directory it points to is replaced."
    )]
    Build {
        /// The project directory (holding Prod.toml).
        #[arg(default_value = ".")]
        project: PathBuf,
        /// Output directory (default: `[build] out` of Prod.toml, relative to the project).
        #[arg(long)]
        out: Option<PathBuf>,
        /// Build only these targets (repeatable); default: all.
        #[arg(long = "target", value_name = "NAME")]
        targets: Vec<String>,
        /// Treat warnings as errors.
        #[arg(long)]
        deny_warnings: bool,
        /// Fail at once (E0117) if another build is writing the same output
        /// directory, rather than wait for it.
        #[arg(long)]
        no_wait: bool,
    },
    /// Rewrite `.prod` files in the canonical layout.
    #[command(
        after_help = "Example:\n  prodc fmt --check manifests\n\nExit status: 0 formatted or nothing to change, 1 files would change (--check) or have syntax errors, 2 usage or I/O failure."
    )]
    Fmt {
        /// Only list the files that would change.
        #[arg(long)]
        check: bool,
        /// Project directories or `.prod` files (default: the current directory).
        paths: Vec<PathBuf>,
    },
    /// Compare two versions of a project on the resolved model.
    #[command(
        after_help = "Examples:\n  prodc diff old-checkout manifests\n  prodc diff manifests --git origin/main --format markdown\n\nExit status: 0 equal, 1 different, 2 errors."
    )]
    Diff {
        /// The old project directory (with --git: the project, compared with itself at REV).
        old: PathBuf,
        /// The new project directory.
        new: Option<PathBuf>,
        /// Compare the working tree with this git revision (nothing is checked out).
        #[arg(long, value_name = "REV")]
        git: Option<String>,
        /// text, json, or markdown (for a pull request comment).
        #[arg(long, value_enum, default_value = "text")]
        format: diff::DiffFormat,
    },
    /// Print the schedule of the calibration and processing steps.
    #[command(
        after_help = "Example:\n  prodc schedule manifests\n\nStages run in order; the steps of one stage can run in parallel. Durations come from `duration`."
    )]
    Schedule {
        /// The project directory (holding Prod.toml).
        #[arg(default_value = ".")]
        project: PathBuf,
    },
    /// Print the dependency graph of calibrations, processings and tags.
    #[command(after_help = "Example:\n  prodc graph manifests | dot -Tsvg > dependencies.svg")]
    Graph {
        /// The project directory (holding Prod.toml).
        #[arg(default_value = ".")]
        project: PathBuf,
        /// Graphviz DOT or a Mermaid flowchart.
        #[arg(long, value_enum, default_value = "dot")]
        format: graph::GraphFormat,
    },
    /// Compare a global tag of the manifests with its current state.
    #[command(
        after_help = "Example:\n  prodc plan manifests staging_data_reprocessing --current dump/database.txt --out plan.json\n\nExit status: 0 no changes, 2 changes pending, 1 errors (Terraform's convention)."
    )]
    Plan {
        /// The project directory (holding Prod.toml).
        project: PathBuf,
        /// The global tag to plan.
        tag: String,
        /// The tag's current content (`b2conditionsdb legacydownload`, database.txt format).
        #[arg(long)]
        current: PathBuf,
        /// The tag's current state; the declared state must be reachable from it.
        #[arg(long, value_parser = ["OPEN", "TESTING", "VALIDATED", "PUBLISHED", "RUNNING", "INVALID"])]
        current_state: Option<String>,
        /// For a RUNNING tag: the first run of the update (EXP:RUN).
        #[arg(long)]
        running_from: Option<String>,
        /// Save the plan, with a fingerprint of the current state, as JSON.
        #[arg(long)]
        out: Option<PathBuf>,
        /// Refuse if this saved plan was made against another current state.
        #[arg(long)]
        apply_check: Option<PathBuf>,
    },
    /// Print the resolved model as JSON (schema: `prodc schema model`).
    #[command(
        after_help = "Example:\n  prodc export manifests | python3 -c 'import json,sys; print(json.load(sys.stdin)[\"project\"])'"
    )]
    Export {
        /// The project directory (holding Prod.toml).
        #[arg(default_value = ".")]
        project: PathBuf,
    },
    /// Print a JSON Schema of prodc's output formats.
    #[command(after_help = "Example:\n  prodc schema job > job.schema.json")]
    Schema {
        /// `job` (job files) or `model` (`prodc export`).
        #[arg(value_enum)]
        what: SchemaKind,
    },
    /// Create a new project that checks clean.
    #[command(after_help = "Example:\n  prodc init demo && prodc build demo")]
    Init {
        /// The directory to create (default: the current directory).
        #[arg(default_value = ".")]
        dir: PathBuf,
        /// Add the project's files to a non-empty directory (existing files are kept).
        #[arg(long)]
        force: bool,
    },
    /// Print a shell completion script.
    #[command(
        after_help = "Example:\n  prodc completions bash > ~/.local/share/bash-completion/completions/prodc"
    )]
    Completions {
        /// bash, zsh or fish.
        shell: CompletionShell,
    },
    /// Print the book's page for a diagnostic code.
    #[command(after_help = "Example:\n  prodc explain E0402")]
    Explain {
        /// A code such as E0402 or W0410.
        code: String,
    },
    /// Run the language server on stdin and stdout (for editors).
    #[command(
        after_help = "Example (editors run this themselves; see the book's chapter on editor support):\n  prodc lsp\n\nExit status: 0 after the client's shutdown and exit, 1 otherwise."
    )]
    Lsp,
}

/// Runs the command line and returns the process exit code.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => {
            let _ = err.print();
            return ExitCode::from(if err.use_stderr() { 2 } else { 0 });
        }
    };
    MAX_DIAGNOSTICS.store(cli.max_diagnostics, std::sync::atomic::Ordering::Relaxed);
    let format = match cli.message_format {
        FormatArg::Human => MessageFormat::Human,
        FormatArg::Json => MessageFormat::Json,
        FormatArg::Github => MessageFormat::Github,
    };
    let code = match cli.command {
        Command::Check {
            project,
            deny_warnings,
        } => run_check(&project, format, deny_warnings),
        Command::Build {
            project,
            out,
            targets,
            deny_warnings,
            no_wait,
        } => {
            let wait = if no_wait {
                lock::Wait::Fail
            } else {
                lock::Wait::Block
            };
            let options = BuildOptions {
                out: out.as_deref(),
                targets: &targets,
                deny_warnings,
                wait,
            };
            run_build(&project, &options, format)
        }
        Command::Diff {
            old,
            new,
            git,
            format: diff_format,
        } => match new {
            Some(new) => diff::run_diff(Some(&old), &new, git.as_deref(), diff_format, format),
            None => diff::run_diff(None, &old, git.as_deref(), diff_format, format),
        },
        Command::Fmt { check, paths } => fmt::run_fmt(&paths, check, format),
        Command::Schedule { project } => graph::run_schedule(&project, format),
        Command::Graph {
            project,
            format: graph_format,
        } => graph::run_graph(&project, graph_format, format),
        Command::Plan {
            project,
            tag,
            current,
            current_state,
            running_from,
            out,
            apply_check,
        } => {
            let args = plan::PlanArgs {
                project: &project,
                tag: &tag,
                current: &current,
                current_state: current_state.as_deref(),
                running_from: running_from.as_deref(),
                out: out.as_deref(),
                apply_check: apply_check.as_deref(),
            };
            plan::run_plan(&args, format)
        }
        Command::Schema {
            what: SchemaKind::Job,
        } => {
            stdout(emit::JOB_SCHEMA);
            0
        }
        Command::Schema {
            what: SchemaKind::Model,
        } => {
            stdout(&emit::model::model_schema());
            0
        }
        Command::Export { project } => match load(&project) {
            Ok((_, checked)) if !checked.has_errors() => {
                stdout(&emit::model::export_json(&checked));
                0
            }
            Ok((_, checked)) => {
                report(&checked, format, false, ("export", "exported"));
                1
            }
            Err(code) => code,
        },
        Command::Init { dir, force } => init::run_init(&dir, force),
        Command::Completions { shell } => {
            use clap::CommandFactory;
            let shell = match shell {
                CompletionShell::Bash => clap_complete::Shell::Bash,
                CompletionShell::Zsh => clap_complete::Shell::Zsh,
                CompletionShell::Fish => clap_complete::Shell::Fish,
            };
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut Cli::command(), "prodc", &mut script);
            stdout(&String::from_utf8_lossy(&script));
            0
        }
        Command::Explain { code } => run_explain(&code),
        Command::Lsp => lsp::run_lsp(),
    };
    ExitCode::from(code)
}

/// `--max-diagnostics`: how many diagnostics a report shows (0: all). It is
/// set once from the command line before any command runs.
static MAX_DIAGNOSTICS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// Writes to standard output; a closed pipe (`prodc export | head`) is not
/// an error worth a panic, so write errors are ignored.
pub(crate) fn stdout(text: &str) {
    let _ = std::io::stdout().lock().write_all(text.as_bytes());
}

fn fail(message: &str) -> u8 {
    say!("error: {message}");
    2
}

fn human_style() -> HumanStyle {
    let color = std::io::stderr().is_terminal()
        && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    HumanStyle {
        color,
        ..HumanStyle::default()
    }
}

/// Loads and checks a project; `Err` carries the exit code of a failure.
pub(crate) fn load(project: &Path) -> Result<(DiskVfs, Checked), u8> {
    load_starting(project, |_| (), |_, _, _| ()).map(|(vfs, checked, (), ())| (vfs, checked))
}

/// [`load`], calling `loaded` with the project before its names are
/// resolved and `start` with the resolved model before the rules are
/// checked ([`crate::check_starting`]).
fn load_starting<L, T>(
    project: &Path,
    loaded: impl FnOnce(&crate::project::Project) -> L,
    start: impl FnOnce(&DiskVfs, &crate::project::Project, &Arc<crate::model::Model>) -> T,
) -> Result<(DiskVfs, Checked, L, T), u8> {
    let vfs = DiskVfs::open(project).map_err(|e| {
        fail(&format!(
            "cannot open project `{}`: {}",
            project.display(),
            e.to_string().to_lowercase()
        ))
    })?;
    let (checked, early, extra) = crate::check_starting(&vfs, loaded, |p, m| start(&vfs, p, m))
        .map_err(|e| fail(&format!("{e} (in `{}`)", project.display())))?;
    Ok((vfs, checked, early, extra))
}

/// The rendering of the diagnostics that `--max-diagnostics` lets through,
/// and the note saying how many it held back (they are still counted in
/// the summary and the exit code).
pub(crate) fn render_shown(
    diags: &[Diagnostic],
    sources: &crate::source::SourceMap,
    format: MessageFormat,
) -> (String, Option<String>) {
    let cap = MAX_DIAGNOSTICS.load(std::sync::atomic::Ordering::Relaxed);
    let shown = if cap == 0 {
        diags.len()
    } else {
        cap.min(diags.len())
    };
    let text = render_all(&diags[..shown], sources, format, human_style());
    let note = (shown < diags.len()).then(|| {
        let hidden = diags.len() - shown;
        format!("note: {hidden} more diagnostics not shown; `--max-diagnostics 0` shows all\n")
    });
    (text, note)
}

/// What a command does, for the summary line: ("check", "checked").
pub(crate) type Verb = (&'static str, &'static str);

/// Prints the diagnostics and the summary; returns whether the run failed.
fn report(
    checked: &Checked,
    format: MessageFormat,
    deny_warnings: bool,
    (verb, done): Verb,
) -> bool {
    let diags = &checked.diagnostics;
    let (text, note) = render_shown(diags, &checked.project.sources, format);
    let (errors, warnings) = summary(diags);
    let failed = errors > 0 || (deny_warnings && warnings > 0);
    if format != MessageFormat::Human {
        let _ = std::io::stdout().lock().write_all(text.as_bytes());
        if let Some(note) = note {
            let _ = std::io::stderr().lock().write_all(note.as_bytes());
        }
        return failed;
    }
    let name = checked
        .project
        .config
        .as_ref()
        .map_or("project", |c| c.project.name.get_ref().as_str());
    let counts = counts_text(errors, warnings);
    let line = if failed {
        let why = if errors == 0 {
            " (warnings are denied)"
        } else {
            ""
        };
        format!("error: could not {verb} `{name}`: {counts}{why}\n")
    } else {
        let files = checked.project.files.iter().filter(|f| !f.is_std).count();
        format!("{done} `{name}`: {}, {counts}\n", plural(files, "file"))
    };
    let mut err = std::io::stderr().lock();
    let _ = err.write_all(text.as_bytes());
    if let Some(note) = note {
        let _ = err.write_all(note.as_bytes());
    }
    let _ = err.write_all(line.as_bytes());
    failed
}

fn plural(n: usize, word: &str) -> String {
    match n {
        0 => format!("no {word}s"),
        1 => format!("1 {word}"),
        n => format!("{n} {word}s"),
    }
}

fn counts_text(errors: usize, warnings: usize) -> String {
    format!(
        "{}, {}",
        plural(errors, "error"),
        plural(warnings, "warning")
    )
}

fn run_check(project: &Path, format: MessageFormat, deny_warnings: bool) -> u8 {
    match load(project) {
        Ok((_, checked)) => u8::from(report(
            &checked,
            format,
            deny_warnings,
            ("check", "checked"),
        )),
        Err(code) => code,
    }
}

/// What `prodc build` was asked for, besides the project.
struct BuildOptions<'a> {
    /// `--out`.
    out: Option<&'a Path>,
    /// `--target`, repeated.
    targets: &'a [String],
    deny_warnings: bool,
    /// Whether to wait for another build of the same output (not with
    /// `--no-wait`).
    wait: lock::Wait,
}

fn run_build(project: &Path, options: &BuildOptions<'_>, format: MessageFormat) -> u8 {
    let BuildOptions {
        out,
        targets,
        deny_warnings,
        wait,
    } = *options;
    for name in targets {
        if emit::find_target(name).is_none() {
            let known: Vec<&str> = emit::TARGETS.iter().map(|t| t.name).collect();
            return fail(&format!(
                "unknown target `{name}`; the targets are {}",
                known.join(", ")
            ));
        }
    }
    // `model.json` needs only the resolved model: it is written into the
    // staging directory from before the rules are checked until beside the
    // other targets, and thrown away with it if the checks find errors.
    let model_early = targets.is_empty() || targets.iter().any(|t| t == "model");
    // The templates are registered while the names are resolved, unless
    // no target named renders any.
    let templated = targets.is_empty()
        || targets
            .iter()
            .filter_map(|t| emit::find_target(t))
            .any(|t| matches!(t.emit, emit::Emit::Templated(_)));
    let loaded = |project: &crate::project::Project| {
        templated.then(|| early::EarlyTemplates::start(project))
    };
    let (vfs, mut checked, templates, early) =
        match load_starting(project, loaded, |vfs, project, model| {
            model_early
                .then(|| start_model(vfs, out, project, model))
                .flatten()
        }) {
            Ok(loaded) => loaded,
            Err(code) => return code,
        };
    let out_dir = check_out_dir(&vfs, out, &mut checked);
    if report(&checked, format, deny_warnings, ("build", "built")) {
        return 1;
    }
    let Some(out_dir) = out_dir else { return 1 };
    let mut names = build_targets(&checked, targets, format);
    if early.is_some() {
        names.retain(|name| *name != "model");
    }
    let templates = templates.and_then(early::EarlyTemplates::finish);
    let code = match build_into(&checked, &names, &out_dir, early, templates, wait) {
        Ok(files) => {
            if format == MessageFormat::Human {
                say!("wrote {} to `{}`", plural(files, "file"), out_dir.display());
            }
            0
        }
        Err(BuildError::Diagnostics(diags)) => {
            // The staging directory is gone: report the template errors
            // like any other; the previous output is untouched.
            checked.diagnostics = diags;
            report(&checked, format, deny_warnings, ("build", "built"));
            1
        }
        Err(BuildError::Locked(lock)) => {
            checked.diagnostics = vec![locked(&mut checked, out, &out_dir, &lock)];
            report(&checked, format, deny_warnings, ("build", "built"));
            2
        }
        Err(BuildError::Io(err)) => fail(&format!("cannot write the output: {err}")),
    };
    // The process ends here: freeing the model piece by piece would only
    // delay the exit (as rustc does, leave it to the operating system).
    std::mem::forget(checked);
    code
}

/// Why a build wrote nothing.
enum BuildError {
    Diagnostics(Vec<crate::diagnostics::Diagnostic>),
    /// Another build holds the lock of the output (at this lock file), and
    /// the build was told not to wait.
    Locked(PathBuf),
    Io(std::io::Error),
}

impl From<lock::LockError> for BuildError {
    fn from(err: lock::LockError) -> Self {
        match err {
            lock::LockError::Busy(path) => BuildError::Locked(path),
            lock::LockError::Io(err) => BuildError::Io(err),
        }
    }
}

/// `E0117`: another build holds the lock of the output directory.
fn locked(checked: &mut Checked, out: Option<&Path>, out_dir: &Path, lock: &Path) -> Diagnostic {
    Diagnostic::new(
        Code::E0117,
        format!(
            "the output directory `{}` is locked by another build",
            output::clean(out_dir).display()
        ),
        out_span(out, checked),
        "output directory",
    )
    .with_help(format!(
        "another `prodc build` is writing this output (lock file `{}`); run again once it has finished, or leave out `--no-wait` to wait for it",
        lock.display()
    ))
}

/// Emits the targets into a staging directory (that of `early`, which is
/// writing `model.json`, or a new one, once the lock of the output is
/// taken as `wait` says) and, when every file is written, puts it in place
/// of `out_dir`; returns the number of files, each of them written and in
/// place.
fn build_into(
    checked: &Checked,
    names: &[&str],
    out_dir: &Path,
    early: Option<early::EarlyModel>,
    templates: Option<crate::emit::templates::Templates>,
    wait: lock::Wait,
) -> Result<usize, BuildError> {
    let new = match early {
        Some(_) => None,
        None => Some(output::Staging::begin(out_dir, wait)?),
    };
    let staging = match (&early, &new) {
        (Some(early), _) => early.staging(),
        (None, new) => new.as_ref().expect("begun without an early model"),
    };
    let sink = staging.sink();
    // Every target is named here; none left (only `model`, written early)
    // means nothing more to emit, not every target.
    let emitted = if names.is_empty() {
        Ok(())
    } else {
        emit::build_into(checked, names, &sink, templates)
    };
    let written = sink.finish();
    let (staging, early_files) = match (early, new) {
        (Some(early), _) => early.finish(),
        (None, new) => (new.expect("begun without an early model"), Ok(0)),
    };
    emitted.map_err(BuildError::Diagnostics)?;
    let files = written.map_err(BuildError::Io)? + early_files.map_err(BuildError::Io)?;
    staging.commit().map_err(BuildError::Io)?;
    Ok(files)
}

/// Starts writing `model.json` into a new staging directory for the output
/// ([`early::EarlyModel`]). `None` when the output directory is not usable
/// (the build reports why after the checks) or the writer cannot start.
fn start_model(
    vfs: &DiskVfs,
    out: Option<&Path>,
    project: &crate::project::Project,
    model: &Arc<crate::model::Model>,
) -> Option<early::EarlyModel> {
    let config = project.config.as_ref()?;
    let out_dir = out_dir_of(vfs, out, config);
    let source_dir = vfs.canonical_root().join(config.project.source.get_ref());
    if output::overlaps_source(&out_dir, &source_dir) {
        return None;
    }
    early::EarlyModel::start(&out_dir, emit::model::project_name(project), model)
}

/// The output directory: `--out`, relative to the working directory, else
/// `[build] out`, relative to the project.
fn out_dir_of(vfs: &DiskVfs, out: Option<&Path>, config: &crate::project::Config) -> PathBuf {
    match out {
        Some(out) => std::env::current_dir().unwrap_or_default().join(out),
        None => vfs.canonical_root().join(config.build.out.get_ref()),
    }
}

/// The targets to build: those named with `--target`, else `model` and the
/// targets of `[build] targets` that this version emits (with a note for
/// the others, so that nothing is skipped silently).
fn build_targets<'a>(
    checked: &'a Checked,
    targets: &'a [String],
    format: MessageFormat,
) -> Vec<&'a str> {
    if !targets.is_empty() {
        return targets.iter().map(String::as_str).collect();
    }
    let mut names = vec!["model"];
    let configured = checked
        .project
        .config
        .as_ref()
        .map(|c| c.build.targets.as_slice())
        .unwrap_or_default();
    for target in configured {
        let name = target.get_ref().as_str();
        if emit::find_target(name).is_some() {
            names.push(name);
        } else if format == MessageFormat::Human {
            say!("note: target `{name}` of `[build] targets` is not emitted by this version of prodc");
        }
    }
    names
}

/// Works out the output directory and adds `E0106` when it is, or contains,
/// the project's source directory. Returns `None` after an error.
fn check_out_dir(vfs: &DiskVfs, out: Option<&Path>, checked: &mut Checked) -> Option<PathBuf> {
    let config = checked.project.config.as_ref()?;
    let source_dir = vfs.canonical_root().join(config.project.source.get_ref());
    let out_dir = out_dir_of(vfs, out, config);
    if output::overlaps_source(&out_dir, &source_dir) {
        let diag = Diagnostic::new(
            Code::E0106,
            "the output directory is the project's source directory or contains it",
            out_span(out, checked),
            "output directory",
        )
        .with_help("choose an output directory beside or inside the sources, e.g. `out`; a build replaces its output directory");
        checked.diagnostics.push(diag);
        sort_diagnostics(&mut checked.diagnostics, &checked.project.sources);
        return None;
    }
    Some(out_dir)
}

/// Where the output directory was given, for a diagnostic about it: `--out`
/// on a pseudo-file of the command line, else `[build] out` of `Prod.toml`.
fn out_span(out: Option<&Path>, checked: &mut Checked) -> Span {
    match out {
        Some(out) => {
            let shown = out.display().to_string();
            let line = format!("prodc build --out {shown}");
            let file = checked.project.sources.add(SourceFile::new(
                "<command line>",
                line.clone(),
                Origin::Config,
            ));
            Span::new(file, line.len() - shown.len(), line.len())
        }
        None => {
            let range = checked
                .project
                .config
                .as_ref()
                .map(|c| c.build.out.span())
                .unwrap_or_default();
            Span::new(prod_toml(checked), range.start, range.end)
        }
    }
}

fn prod_toml(checked: &Checked) -> crate::source::FileId {
    checked
        .project
        .sources
        .files()
        .find(|(_, f)| f.origin == Origin::Config)
        .map(|(id, _)| id)
        .expect("Prod.toml is always the first file loaded")
}

fn run_explain(code: &str) -> u8 {
    match Code::parse(code) {
        Some(code) => {
            stdout(code.page());
            0
        }
        None => {
            say!("error: unknown diagnostic code `{code}`; codes look like E0402 or W0410");
            1
        }
    }
}
