//! Loading a project: `Prod.toml`, the `.prod` files, the standard library
//! and the payload files they import, each parsed once.

use super::config::{parse_config, Config};
use super::{normalize, parent_dir, ReadError, Vfs};
use crate::diagnostics::{Code, Diagnostic};
use crate::source::{FileId, Origin, SourceFile, SourceMap, Span};
use crate::syntax::ast::{Entry, ItemBody, SourceUnit};
use crate::syntax::import::{parse_import, ImportedIov};
use crate::syntax::parse;
use crate::syntax::token::Comment;
use std::collections::BTreeMap;

/// Items of the standard library are named `std.NAME`.
pub const STD_PREFIX: &str = "std";

/// The default of `[limits] max_file_size_mb`: larger files are refused
/// (`E0111`) rather than parsed.
pub const MAX_FILE_BYTES: usize = 256 * 1024 * 1024;

/// `Prod.toml` holds a few keys: a larger one is not a project's.
const MAX_CONFIG_BYTES: usize = 1024 * 1024;

/// The embedded standard library: file name and text.
const STDLIB: &[(&str, &str)] = &[
    ("enums.prod", include_str!("../../../stdlib/enums.prod")),
    ("layouts.prod", include_str!("../../../stdlib/layouts.prod")),
    ("skims.prod", include_str!("../../../stdlib/skims.prod")),
];

/// A parsed `.prod` file.
#[derive(Debug)]
pub struct LoadedFile {
    pub file: FileId,
    pub is_std: bool,
    pub unit: SourceUnit,
    pub comments: Vec<Comment>,
    /// The IoV lines taken out of `unit` and lowered right after parsing
    /// ([`crate::resolve::lower`]), by payload block; empty when the tree
    /// was left whole.
    pub iovs: Vec<(Span, Vec<crate::model::IovEntry>)>,
}

/// Everything loaded for one compilation.
#[derive(Debug)]
pub struct Project {
    /// `None` when `Prod.toml` has errors (they are in `diagnostics`).
    pub config: Option<Config>,
    pub sources: SourceMap,
    /// Standard library first, then the project's files in path order.
    pub files: Vec<LoadedFile>,
    /// The entries of each `payloads from`, keyed by the span of its path.
    pub imports: BTreeMap<Span, Import>,
    /// Every template of emitted artifacts, by name (`batch/slurm.sh.hbs`):
    /// the project's override if it has one, else the built-in text.
    pub templates: BTreeMap<String, FileId>,
    /// Files larger than this are refused (`[limits] max_file_size_mb`).
    pub max_file_bytes: usize,
    pub diagnostics: Vec<Diagnostic>,
}

/// The entries read from one `payloads from` file.
#[derive(Debug, Clone)]
pub struct Import {
    pub entries: Vec<ImportedIov>,
    /// False when lines were malformed (and left out): the payloads may
    /// miss intervals, so gaps in them are not reported again.
    pub complete: bool,
}

/// Problems that stop loading before any diagnostics can be given (exit 2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProjectError {
    /// There is no `Prod.toml` at the root.
    NoConfig,
    /// `Prod.toml` exists but cannot be read.
    Unreadable(String),
}

impl std::fmt::Display for ProjectError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ProjectError::NoConfig => f.write_str(
                "no `Prod.toml` found; a project directory has a `Prod.toml` at its root",
            ),
            ProjectError::Unreadable(msg) => write!(f, "cannot read `Prod.toml`: {msg}"),
        }
    }
}

/// Decodes a file, refusing what is not manifest text (`E0111`). A UTF-8
/// byte-order mark is dropped; CRLF line ends are accepted as they are.
fn decode(bytes: Vec<u8>) -> (String, Option<Unusable>) {
    let body = bytes
        .strip_prefix(b"\xEF\xBB\xBF")
        .map(<[u8]>::to_vec)
        .unwrap_or(bytes);
    match String::from_utf8(body) {
        Ok(text) => match text.find('\0') {
            Some(at) => (
                text,
                Some((at, "file contains a NUL byte".to_string(), NOT_TEXT)),
            ),
            None => (text, None),
        },
        Err(err) => {
            let at = err.utf8_error().valid_up_to();
            let text = String::from_utf8_lossy(err.as_bytes()).into_owned();
            (
                text,
                Some((at, "file is not valid UTF-8".to_string(), NOT_TEXT)),
            )
        }
    }
}

/// Reads a file of at most `limit` bytes and decodes it; the second value
/// says what is wrong when it cannot be used (where, and why).
fn read_text(vfs: &dyn Vfs, path: &str, limit: usize) -> (String, Option<Unusable>) {
    match vfs.read(path, limit) {
        Ok(bytes) => decode(bytes),
        Err(ReadError::TooLarge { size, .. }) => (
            String::new(),
            Some((
                0,
                format!(
                    "file is larger than {} MiB (`[limits] max_file_size_mb` of Prod.toml): it has {}",
                    limit >> 20,
                    super::byte_size(size)
                ),
                "split the file, or raise `[limits] max_file_size_mb` in Prod.toml if it really is a manifest",
            )),
        ),
        Err(err) => {
            let help = match err {
                ReadError::NotRegular(_) => "a manifest is a regular file: replace the named pipe, device or socket with one, or move it out of the source directory",
                ReadError::OutsideProject => "keep manifests inside the project: copy the file in, or point the link at a file inside",
                ReadError::NotFound => "the link leads nowhere: point it at an existing file, or remove it",
                _ => "check the file's permissions",
            };
            (String::new(), Some((0, format!("cannot read the file: {err}"), help)))
        }
    }
}

/// Why a file cannot be used: where, what, and how to fix it.
type Unusable = (usize, String, &'static str);

const NOT_TEXT: &str = "manifests are UTF-8 text; save the file as UTF-8 and remove control bytes";

fn text_error(file: FileId, (at, what, help): Unusable) -> Diagnostic {
    Diagnostic::new(Code::E0111, what, Span::new(file, at, at + 1), "here").with_help(help)
}

/// Loads and parses the whole project.
pub fn load_project(vfs: &dyn Vfs) -> Result<Project, ProjectError> {
    load_project_with(vfs, None)
}

/// Loads the whole project, parsing again only the `.prod` files whose
/// path, text or file id differ from what `cache` holds (the language
/// server's incremental loading). Give the project back to
/// [`ParseCache::recycle`] when it is no longer needed.
pub fn load_project_cached(vfs: &dyn Vfs, cache: &mut ParseCache) -> Result<Project, ProjectError> {
    load_project_with(vfs, Some(cache))
}

fn load_project_with(
    vfs: &dyn Vfs,
    cache: Option<&mut ParseCache>,
) -> Result<Project, ProjectError> {
    let mut sources = SourceMap::new();
    let mut diagnostics = Vec::new();
    let config_bytes = match vfs.read("Prod.toml", MAX_CONFIG_BYTES) {
        Ok(bytes) => bytes,
        Err(ReadError::NotFound) => return Err(ProjectError::NoConfig),
        Err(err) => return Err(ProjectError::Unreadable(err.to_string())),
    };
    let (config_text, bad_text) = decode(config_bytes);
    let config_file = sources.add(SourceFile::new("Prod.toml", config_text, Origin::Config));
    let config = match bad_text {
        Some(bad) => {
            let diag = text_error(config_file, bad);
            diagnostics.push(Diagnostic {
                code: Code::E0107,
                ..diag
            });
            None
        }
        None => match parse_config(config_file, &sources.get(config_file).text) {
            Ok(config) => Some(config),
            Err(diags) => {
                diagnostics.extend(diags);
                None
            }
        },
    };

    let mut project = Project {
        config: None,
        sources,
        files: Vec::new(),
        imports: BTreeMap::new(),
        templates: BTreeMap::new(),
        max_file_bytes: config.as_ref().map_or(MAX_FILE_BYTES, |c| {
            usize::try_from(c.limits.max_file_size_mb.get_ref().saturating_mul(1 << 20))
                .unwrap_or(usize::MAX)
        }),
        diagnostics,
    };
    for (name, text) in STDLIB {
        let file =
            project
                .sources
                .add(SourceFile::new(format!("<std>/{name}"), *text, Origin::Std));
        project.parse_file(file, true);
    }
    if let Some(config) = &config {
        project.load_manifests(vfs, config, config_file, cache);
    }
    project.load_templates(vfs, config.as_ref());
    project.config = config;
    Ok(project)
}

impl Project {
    fn parse_file(&mut self, file: FileId, is_std: bool) {
        let parsed = parse(file, &self.sources.get(file).text);
        self.diagnostics.extend(parsed.diagnostics);
        self.files.push(LoadedFile {
            file,
            is_std,
            unit: parsed.unit,
            comments: parsed.comments,
            iovs: Vec::new(),
        });
    }

    /// Parses project files on all cores: parsing is a pure function of a
    /// file's text, and files are independent. Rayon's work stealing keeps
    /// both cores busy when one tag file is much larger than the rest;
    /// results keep path order.
    ///
    /// With `lower`, each file's IoV lines are taken out of its tree and
    /// lowered on the thread that parsed it ([`crate::resolve::lower`]).
    fn parse_files(&mut self, files: &[FileId], lower: bool) {
        use rayon::prelude::*;
        type Lowered = Vec<(Span, Vec<crate::model::IovEntry>)>;
        let sources = &self.sources;
        let parsed: Vec<(FileId, crate::syntax::Parsed, Lowered)> = files
            .par_iter()
            .with_max_len(1)
            .map(|&f| {
                let mut parsed = parse(f, &sources.get(f).text);
                let iovs = if lower {
                    crate::resolve::lower::take_iov_lines(&mut parsed.unit)
                } else {
                    Vec::new()
                };
                (f, parsed, iovs)
            })
            .collect();
        for (file, parsed, iovs) in parsed {
            self.diagnostics.extend(parsed.diagnostics);
            self.files.push(LoadedFile {
                file,
                is_std: false,
                unit: parsed.unit,
                comments: parsed.comments,
                iovs,
            });
        }
    }

    fn load_manifests(
        &mut self,
        vfs: &dyn Vfs,
        config: &Config,
        config_file: FileId,
        cache: Option<&mut ParseCache>,
    ) {
        let source = normalize("", config.project.source.get_ref()).unwrap_or_default();
        let skip: Vec<String> = normalize("", config.build.out.get_ref())
            .into_iter()
            .collect();
        let paths = match vfs.list_prod_files(&source, &skip) {
            Ok(paths) => paths,
            Err(err) => {
                let range = config.project.source.span();
                self.diagnostics.push(
                    Diagnostic::new(
                        Code::E0107,
                        format!(
                            "invalid `Prod.toml`: cannot read the source directory `{}`: {err}",
                            config.project.source.get_ref()
                        ),
                        Span::new(config_file, range.start, range.end),
                        "source directory",
                    )
                    .with_help("`[project] source` names the directory holding the `.prod` files, relative to `Prod.toml`"),
                );
                return;
            }
        };
        let mut to_parse = Vec::new();
        for path in paths {
            // A file's name reaches the terminal, scripts and pages.
            let (text, bad) = match path
                .chars()
                .find(|&c| crate::syntax::lexer::is_forbidden(c))
            {
                Some(c) => (
                    String::new(),
                    Some((
                        0,
                        format!(
                            "the file's name holds the control character {}",
                            c.escape_unicode()
                        ),
                        "rename the file: file names reach terminals, scripts and pages",
                    )),
                ),
                None => read_text(vfs, &path, self.max_file_bytes),
            };
            let file = self
                .sources
                .add(SourceFile::new(path, text, Origin::Manifest));
            match bad {
                Some(bad) => self.diagnostics.push(text_error(file, bad)),
                None => to_parse.push(file),
            }
        }
        match cache {
            Some(cache) => self.parse_files_cached(&to_parse, cache),
            None => self.parse_files(&to_parse, true),
        }
        self.load_imports(vfs);
    }

    /// Reads and parses every `payloads from` file, relative to the file
    /// that names it; a missing, unreadable or outside file is `E0105`.
    fn load_imports(&mut self, vfs: &dyn Vfs) {
        let mut requests = Vec::new();
        for loaded in self.files.iter().filter(|f| !f.is_std) {
            for item in &loaded.unit.items {
                let ItemBody::Block(block) = &item.body else {
                    continue;
                };
                for entry in &block.entries {
                    if let Entry::Import(import) = entry {
                        let dir = parent_dir(&self.sources.get(loaded.file).name).to_string();
                        requests.push((dir, import.path.clone()));
                    }
                }
            }
        }
        let mut loaded_files: BTreeMap<String, FileId> = BTreeMap::new();
        for (dir, lit) in requests {
            let Some(path) = normalize(&dir, &lit.value) else {
                self.diagnostics.push(import_error(
                    lit.span,
                    &lit.value,
                    &ReadError::OutsideProject,
                ));
                continue;
            };
            let file = match loaded_files.get(&path) {
                Some(&file) => file,
                None => {
                    let (text, bad) = match vfs.read(&path, self.max_file_bytes) {
                        Ok(bytes) => decode(bytes),
                        Err(err) => {
                            self.diagnostics
                                .push(import_error(lit.span, &lit.value, &err));
                            continue;
                        }
                    };
                    let file =
                        self.sources
                            .add(SourceFile::new(path.clone(), text, Origin::Import));
                    if let Some(bad) = bad {
                        let diag = text_error(file, bad);
                        self.diagnostics.push(Diagnostic {
                            code: Code::E0104,
                            ..diag
                        });
                        continue;
                    }
                    loaded_files.insert(path, file);
                    file
                }
            };
            let (entries, diags) = parse_import(file, &self.sources.get(file).text);
            let complete = diags.is_empty();
            // A file imported by two tags is reported twice; the repeats are
            // dropped when diagnostics are sorted.
            self.diagnostics.extend(diags);
            self.imports.insert(lit.span, Import { entries, complete });
        }
    }

    /// Loads every template: the project's override below `[templates] dir`
    /// when there is one, else the built-in text. An override that cannot
    /// be read (or leads out of the project) is `E0105`.
    fn load_templates(&mut self, vfs: &dyn Vfs, config: Option<&Config>) {
        let dir = config.and_then(|c| normalize("", c.templates.dir.get_ref()));
        for (name, builtin) in crate::targets::TEMPLATES {
            let override_path = dir.as_ref().and_then(|d| normalize(d, name));
            let limit = self.max_file_bytes;
            let found = match override_path.as_deref().map(|p| (p, vfs.read(p, limit))) {
                Some((path, Ok(bytes))) => match decode(bytes) {
                    (text, None) => Some((path.to_string(), text)),
                    (_, Some((_, what, _))) => {
                        self.template_error(path, &what);
                        None
                    }
                },
                Some((_, Err(ReadError::NotFound))) | None => None,
                Some((path, Err(err))) => {
                    self.template_error(path, &err.to_string());
                    None
                }
            };
            let file = match found {
                Some((path, text)) => {
                    self.sources
                        .add(SourceFile::new(path, text, Origin::Template))
                }
                None => self.sources.add(SourceFile::new(
                    format!("<targets>/{name}"),
                    *builtin,
                    Origin::Template,
                )),
            };
            self.templates.insert(name.to_string(), file);
        }
    }

    fn template_error(&mut self, path: &str, what: &str) {
        let file = self.sources.add(SourceFile::new(
            path.to_string(),
            String::new(),
            Origin::Template,
        ));
        self.diagnostics.push(
            Diagnostic::new(Code::E0105, format!("cannot read the template override `{path}`: {what}"), Span::new(file, 0, 0), "template override")
                .with_help("template overrides are UTF-8 files inside the project's `[templates] dir`; fix or remove the file to use the built-in template"),
        );
    }

    /// The `std.` or project-relative display name of a file.
    pub fn file_name(&self, file: FileId) -> &str {
        &self.sources.get(file).name
    }
}

fn import_error(span: Span, path: &str, err: &ReadError) -> Diagnostic {
    let (message, help) = match err {
        ReadError::NotFound => (
            format!("payload file `{path}` not found"),
            "the path is relative to the `.prod` file that imports it",
        ),
        ReadError::OutsideProject => (
            format!("payload file `{path}` is outside the project"),
            "imports must stay inside the project directory (no absolute paths, no `..` above the root, no symlinks leading out)",
        ),
        ReadError::NotRegular(_) => (
            format!("cannot read payload file `{path}`: {err}"),
            "a payload file is a regular file inside the project (not a named pipe, device or directory)",
        ),
        ReadError::TooLarge { .. } => (
            format!("cannot read payload file `{path}`: {err}"),
            "split the payloads over several files, or raise `[limits] max_file_size_mb` in Prod.toml",
        ),
        ReadError::Io(msg) => (format!("cannot read payload file `{path}`: {msg}"), "check the file's permissions"),
    };
    Diagnostic::new(Code::E0105, message, span, "imported here").with_help(help)
}

/// Parse results kept between two loads of the same project, by
/// project-relative path (the language server's incremental loading).
///
/// A tree is reused when the file has the same text and the same
/// [`FileId`] as when it was parsed (its spans carry the id, which changes
/// only when files are added or removed before it in path order). A project
/// loaded with [`load_project_cached`] owns the trees it took; giving it back
/// with [`ParseCache::recycle`] makes them available to the next load.
#[derive(Debug, Default)]
pub struct ParseCache {
    entries: BTreeMap<String, CachedParse>,
    parsed_last: usize,
}

#[derive(Debug)]
struct CachedParse {
    file: FileId,
    text: String,
    diagnostics: Vec<Diagnostic>,
    /// The tree and comments, while no project holds them.
    tree: Option<(SourceUnit, Vec<Comment>)>,
}

impl ParseCache {
    pub fn new() -> ParseCache {
        ParseCache::default()
    }

    /// Takes back the trees of a project loaded through this cache.
    pub fn recycle(&mut self, project: Project) {
        let Project { files, sources, .. } = project;
        for loaded in files.into_iter().filter(|f| !f.is_std) {
            if let Some(entry) = self.entries.get_mut(&sources.get(loaded.file).name) {
                if entry.file == loaded.file && entry.tree.is_none() {
                    entry.tree = Some((loaded.unit, loaded.comments));
                }
            }
        }
    }

    /// How many files the last load parsed (the others were reused).
    pub fn parsed_last(&self) -> usize {
        self.parsed_last
    }

    /// The cached tree of `name`, if it was parsed from `text` as `file`.
    fn take(
        &mut self,
        file: FileId,
        name: &str,
        text: &str,
    ) -> Option<(SourceUnit, Vec<Comment>, Vec<Diagnostic>)> {
        let entry = self.entries.get_mut(name)?;
        if entry.file != file || entry.text != text {
            return None;
        }
        let (unit, comments) = entry.tree.take()?;
        Some((unit, comments, entry.diagnostics.clone()))
    }
}

impl Project {
    /// [`Project::parse_files`] through a cache: files whose tree is cached
    /// are taken from it, the others are parsed and recorded. The files
    /// keep path order (which is file id order).
    fn parse_files_cached(&mut self, files: &[FileId], cache: &mut ParseCache) {
        let first = self.files.len();
        let mut misses = Vec::new();
        for &file in files {
            let source = self.sources.get(file);
            match cache.take(file, &source.name, &source.text) {
                Some((unit, comments, diagnostics)) => {
                    self.diagnostics.extend(diagnostics);
                    self.files.push(LoadedFile {
                        file,
                        is_std: false,
                        unit,
                        comments,
                        iovs: Vec::new(),
                    });
                }
                None => misses.push(file),
            }
        }
        let parsed_from = self.files.len();
        let diags_from = self.diagnostics.len();
        // The language server keeps its trees whole between edits.
        self.parse_files(&misses, false);
        // Syntax errors always point into the file being parsed.
        let mut by_file: BTreeMap<FileId, Vec<Diagnostic>> = BTreeMap::new();
        for diag in &self.diagnostics[diags_from..] {
            by_file
                .entry(diag.primary.span.file)
                .or_default()
                .push(diag.clone());
        }
        for loaded in &self.files[parsed_from..] {
            let source = self.sources.get(loaded.file);
            cache.entries.insert(
                source.name.clone(),
                CachedParse {
                    file: loaded.file,
                    text: source.text.clone(),
                    diagnostics: by_file.remove(&loaded.file).unwrap_or_default(),
                    tree: None,
                },
            );
        }
        cache.parsed_last = misses.len();
        let names: std::collections::BTreeSet<&str> = files
            .iter()
            .map(|&f| self.sources.get(f).name.as_str())
            .collect();
        cache
            .entries
            .retain(|name, _| names.contains(name.as_str()));
        self.files[first..].sort_by_key(|f| f.file);
    }
}
