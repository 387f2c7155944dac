//! The server's state: the open documents and, per project, a parse cache
//! and the last analysis.
//!
//! A document belongs to the project of the nearest `Prod.toml` above it.
//! A change only marks its project dirty; [`State::refresh`] then loads the
//! project through the cache (open documents overlaying the disk, only
//! changed files parsed again), runs resolve and the checks on the whole
//! project, and returns the diagnostics to publish. Documents outside any
//! project, or outside its source directory, get their syntax errors only.
//! This API is what the stdio loop drives, and what the `lsp_edit`
//! benchmark calls directly.

use super::diagnostics::Converter;
use super::index::Index;
use super::position::{Encoding, LineIndex};
use super::vfs::OverlayVfs;
use super::{stdlib, uri};
use crate::disk::DiskVfs;
use crate::project::{load_project_cached, MemoryVfs, ParseCache, ProjectError, Vfs};
use crate::source::{FileId, Origin, SourceFile, SourceMap};
use crate::Checked;
use lsp_types::{PublishDiagnosticsParams, TextDocumentContentChangeEvent, Uri};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::time::Instant;

/// An open document.
#[derive(Debug, Clone)]
pub struct Document {
    pub uri: Uri,
    pub text: String,
    pub version: i32,
    /// The root of its project and its project-relative path, if any.
    pub project: Option<(PathBuf, String)>,
}

/// One project: where it is, its parse cache and its last analysis.
pub struct Workspace {
    pub root: PathBuf,
    base: Box<dyn Vfs>,
    cache: ParseCache,
    pub checked: Option<Checked>,
    /// Why the project could not be loaded at all, if it could not.
    pub error: Option<ProjectError>,
    dirty: bool,
    index: Option<Index>,
    /// The files whose diagnostics were last published as non-empty.
    /// (URIs are keyed by their text: `Uri` caches parts of itself inside.)
    published: BTreeMap<String, Uri>,
}

impl Workspace {
    fn new(root: PathBuf) -> Workspace {
        let base: Box<dyn Vfs> = match DiskVfs::open(&root) {
            Ok(disk) => Box::new(disk),
            Err(err) => {
                log!("prodc lsp: cannot open `{}`: {err}", root.display());
                Box::new(MemoryVfs::new())
            }
        };
        Workspace {
            root,
            base,
            cache: ParseCache::new(),
            checked: None,
            error: None,
            dirty: true,
            index: None,
            published: BTreeMap::new(),
        }
    }

    /// How many files the last analysis parsed (the others came from the cache).
    pub fn parsed_last(&self) -> usize {
        self.cache.parsed_last()
    }
}

/// The result of an analysis as a request sees it.
pub struct Analysis<'a> {
    pub root: &'a Path,
    pub checked: &'a Checked,
    pub index: &'a Index,
    /// The requested document's file.
    pub file: FileId,
    pub encoding: Encoding,
    std_dir: Option<&'a Path>,
}

impl Analysis<'_> {
    /// The text of the document, as analysed.
    pub fn text(&self) -> &str {
        &self.checked.project.sources.get(self.file).text
    }

    pub fn uri_of(&self, file: FileId) -> Option<Uri> {
        uri_of(
            self.root,
            self.std_dir,
            self.checked.project.sources.get(file),
        )
    }
}

/// The URI of a loaded file, `None` for built-in templates and the like.
fn uri_of(root: &Path, std_dir: Option<&Path>, file: &SourceFile) -> Option<Uri> {
    match file.origin {
        Origin::Std => uri::from_path(&std_dir?.join(stdlib::file_name(&file.name))),
        _ if file.name.starts_with('<') => None,
        _ => uri::from_path(&root.join(&file.name)),
    }
}

/// Everything the server knows.
#[derive(Default)]
pub struct State {
    pub encoding: Encoding,
    /// The base URL of the book, for the links of diagnostic codes.
    pub book_url: String,
    /// Open documents by URI.
    pub docs: BTreeMap<String, Document>,
    pub workspaces: BTreeMap<PathBuf, Workspace>,
    /// The cache directory below which the standard library's files are
    /// written for definitions (`$XDG_CACHE_HOME` by default; `None`: not
    /// written, no definitions of `std.` items).
    pub cache_dir: Option<PathBuf>,
    /// Where the standard library's files were written, once tried.
    std_dir: Option<Option<PathBuf>>,
    /// Open documents of no project whose syntax errors need publishing.
    loose_dirty: BTreeSet<String>,
}

/// The directory above `path` holding a `Prod.toml`, nearest first.
// The server finds the project of a document on the disk itself.
#[allow(clippy::disallowed_methods)]
pub fn find_root(path: &Path) -> Option<PathBuf> {
    path.ancestors()
        .skip(1)
        .find(|dir| dir.join("Prod.toml").is_file())
        .map(Path::to_path_buf)
}

/// A project-relative path with `/` separators.
fn relative(root: &Path, path: &Path) -> Option<String> {
    let rel = path.strip_prefix(root).ok()?;
    let parts: Option<Vec<&str>> = rel.components().map(|c| c.as_os_str().to_str()).collect();
    Some(parts?.join("/"))
}

impl State {
    pub fn new(encoding: Encoding, book_url: &str) -> State {
        State {
            encoding,
            book_url: book_url.to_string(),
            cache_dir: stdlib::cache_dir(),
            ..State::default()
        }
    }

    /// Opens a document and marks its project (or it alone) for analysis.
    pub fn open(&mut self, uri: Uri, text: String, version: i32) {
        let project = uri::to_path(&uri).and_then(|path| {
            let root = find_root(&path)?;
            let rel = relative(&root, &path)?;
            Some((root, rel))
        });
        match &project {
            Some((root, _)) => {
                self.workspaces
                    .entry(root.clone())
                    .or_insert_with(|| Workspace::new(root.clone()))
                    .dirty = true;
            }
            None => {
                self.loose_dirty.insert(uri.as_str().to_string());
            }
        }
        self.docs.insert(
            uri.as_str().to_string(),
            Document {
                uri,
                text,
                version,
                project,
            },
        );
    }

    /// Applies edits to an open document, in order.
    pub fn change(
        &mut self,
        uri: &Uri,
        version: i32,
        changes: Vec<TextDocumentContentChangeEvent>,
    ) {
        let encoding = self.encoding;
        let Some(doc) = self.docs.get_mut(uri.as_str()) else {
            log!(
                "prodc lsp: change of a document that is not open: {}",
                uri.as_str()
            );
            return;
        };
        for change in changes {
            match change.range {
                Some(range) => {
                    let (start, end) = LineIndex::new(&doc.text).byte_range(range, encoding);
                    doc.text.replace_range(start..end, &change.text);
                }
                None => doc.text = change.text,
            }
        }
        doc.version = version;
        self.touch(uri);
    }

    /// Replaces the whole text of an open document (a save with its text).
    pub fn replace(&mut self, uri: &Uri, text: String) {
        if let Some(doc) = self.docs.get_mut(uri.as_str()) {
            doc.text = text;
        }
        self.touch(uri);
    }

    /// Marks the project of a document for analysis (after a save, say).
    pub fn touch(&mut self, uri: &Uri) {
        match self.docs.get(uri.as_str()).and_then(|d| d.project.as_ref()) {
            Some((root, _)) => {
                if let Some(ws) = self.workspaces.get_mut(root) {
                    ws.dirty = true;
                }
            }
            None => {
                self.loose_dirty.insert(uri.as_str().to_string());
            }
        }
    }

    /// Closes a document: its project goes back to the file on disk.
    pub fn close(&mut self, uri: &Uri) -> Option<PublishDiagnosticsParams> {
        let doc = self.docs.remove(uri.as_str())?;
        match doc.project {
            Some((root, _)) => {
                if let Some(ws) = self.workspaces.get_mut(&root) {
                    ws.dirty = true;
                }
                None
            }
            None => {
                self.loose_dirty.remove(uri.as_str());
                Some(PublishDiagnosticsParams::new(uri.clone(), Vec::new(), None))
            }
        }
    }

    /// Files changed on disk (or an unknown set of them): analyse again.
    pub fn files_changed(&mut self) {
        for ws in self.workspaces.values_mut() {
            ws.dirty = true;
        }
    }

    /// Whether any analysis is pending.
    pub fn is_dirty(&self) -> bool {
        !self.loose_dirty.is_empty() || self.workspaces.values().any(|ws| ws.dirty)
    }

    /// Analyses every dirty project and returns the diagnostics to publish:
    /// every file with diagnostics, and an empty list for each file that
    /// had some and has none now.
    pub fn refresh(&mut self) -> Vec<PublishDiagnosticsParams> {
        let mut out = Vec::new();
        let roots: Vec<PathBuf> = self
            .workspaces
            .iter()
            .filter(|(_, ws)| ws.dirty)
            .map(|(root, _)| root.clone())
            .collect();
        for root in roots {
            self.analyze(&root);
            out.extend(self.publish(&root));
        }
        for uri in std::mem::take(&mut self.loose_dirty) {
            if let Some(doc) = self.docs.get(&uri) {
                let diagnostics = self.syntax_diagnostics(&doc.text);
                out.push(PublishDiagnosticsParams::new(
                    doc.uri.clone(),
                    diagnostics,
                    Some(doc.version),
                ));
            }
        }
        out
    }

    /// Loads and checks one project, reusing the trees of unchanged files.
    // The clock only times the analysis for the server's log.
    #[allow(clippy::disallowed_methods)]
    fn analyze(&mut self, root: &Path) {
        let started = Instant::now();
        let overlay: BTreeMap<String, String> = self
            .docs
            .values()
            .filter_map(|d| match &d.project {
                Some((r, rel)) if r == root => Some((rel.clone(), d.text.clone())),
                _ => None,
            })
            .collect();
        let Some(ws) = self.workspaces.get_mut(root) else {
            return;
        };
        ws.dirty = false;
        ws.index = None;
        if let Some(old) = ws.checked.take() {
            ws.cache.recycle(old.project);
        }
        let vfs = OverlayVfs {
            base: ws.base.as_ref(),
            overlay: &overlay,
        };
        match load_project_cached(&vfs, &mut ws.cache) {
            Ok(project) => {
                ws.error = None;
                let checked = crate::check_project(project);
                if self.std_dir.is_none() {
                    let dir = self.cache_dir.as_deref();
                    self.std_dir = Some(dir.and_then(|d| stdlib::materialize(&checked.project, d)));
                }
                log!(
                    "prodc lsp: checked `{}` in {} ms ({} of {} files parsed, {} diagnostics)",
                    root.display(),
                    started.elapsed().as_millis(),
                    ws.cache.parsed_last(),
                    checked.project.files.iter().filter(|f| !f.is_std).count(),
                    checked.diagnostics.len()
                );
                ws.checked = Some(checked);
            }
            Err(err) => {
                log!("prodc lsp: cannot load `{}`: {err}", root.display());
                ws.error = Some(err);
            }
        }
    }

    /// The diagnostics of a project's last analysis, by file.
    fn publish(&mut self, root: &Path) -> Vec<PublishDiagnosticsParams> {
        let std_dir = self.std_dir.clone().flatten();
        let Some(ws) = self.workspaces.get_mut(root) else {
            return Vec::new();
        };
        let mut by_uri: BTreeMap<String, (Uri, Vec<lsp_types::Diagnostic>)> = BTreeMap::new();
        let mut loaded: BTreeSet<String> = BTreeSet::new();
        if let Some(checked) = &ws.checked {
            let sources = &checked.project.sources;
            let locate = |file: FileId| uri_of(root, std_dir.as_deref(), sources.get(file));
            let mut converter = Converter::new(sources, self.encoding, &self.book_url, &locate);
            for diag in &checked.diagnostics {
                let file = sources.get(diag.primary.span.file);
                if file.origin == Origin::Std {
                    continue;
                }
                if let Some(uri) = locate(diag.primary.span.file) {
                    by_uri
                        .entry(uri.as_str().to_string())
                        .or_insert_with(|| (uri, Vec::new()))
                        .1
                        .push(converter.diagnostic(diag));
                }
            }
            loaded.extend(sources.files().map(|(_, f)| f.name.clone()));
        }
        // Open documents the project does not load (outside its source
        // directory, say) still get their syntax errors.
        for (key, doc) in &self.docs {
            if let Some((r, rel)) = &doc.project {
                if r == root && !loaded.contains(rel) && rel.ends_with(".prod") {
                    let diagnostics = syntax_diagnostics(&doc.text, self.encoding, &self.book_url);
                    if !diagnostics.is_empty() {
                        by_uri.insert(key.clone(), (doc.uri.clone(), diagnostics));
                    }
                }
            }
        }
        let mut out = Vec::new();
        for (key, uri) in &ws.published {
            if !by_uri.contains_key(key) {
                out.push(PublishDiagnosticsParams::new(uri.clone(), Vec::new(), None));
            }
        }
        ws.published = by_uri
            .iter()
            .map(|(key, (uri, _))| (key.clone(), uri.clone()))
            .collect();
        for (key, (uri, diagnostics)) in by_uri {
            let version = self.docs.get(&key).map(|d| d.version);
            out.push(PublishDiagnosticsParams::new(uri, diagnostics, version));
        }
        // Open documents without diagnostics are told so too, so that a
        // client waiting for the first result of a document gets one.
        for (key, doc) in &self.docs {
            let here = doc.project.as_ref().is_some_and(|(r, _)| r == root);
            if here && !ws.published.contains_key(key) && !out.iter().any(|p| p.uri == doc.uri) {
                out.push(PublishDiagnosticsParams::new(
                    doc.uri.clone(),
                    Vec::new(),
                    Some(doc.version),
                ));
            }
        }
        out
    }

    fn syntax_diagnostics(&self, text: &str) -> Vec<lsp_types::Diagnostic> {
        syntax_diagnostics(text, self.encoding, &self.book_url)
    }

    /// The last analysis of a document's project, with the document's file
    /// and the index (built on first use). `None` for a document of no
    /// project, or one its project does not load.
    pub fn analysis(&mut self, uri: &Uri) -> Option<Analysis<'_>> {
        let (root, rel) = self.docs.get(uri.as_str())?.project.clone()?;
        let ws = self.workspaces.get_mut(&root)?;
        let checked = ws.checked.as_ref()?;
        let file = checked
            .project
            .files
            .iter()
            .find(|f| !f.is_std && checked.project.file_name(f.file) == rel)?
            .file;
        let index = ws
            .index
            .get_or_insert_with(|| Index::build(&checked.project));
        Some(Analysis {
            root: &ws.root,
            checked,
            index,
            file,
            encoding: self.encoding,
            std_dir: self.std_dir.as_ref().and_then(|d| d.as_deref()),
        })
    }

    /// The text of an open document.
    pub fn text(&self, uri: &Uri) -> Option<&str> {
        self.docs.get(uri.as_str()).map(|d| d.text.as_str())
    }
}

/// The syntax errors of one text parsed alone.
fn syntax_diagnostics(
    text: &str,
    encoding: Encoding,
    book_url: &str,
) -> Vec<lsp_types::Diagnostic> {
    let mut sources = SourceMap::new();
    let file = sources.add(SourceFile::new("document.prod", text, Origin::Manifest));
    let parsed = crate::syntax::parse(file, &sources.get(file).text);
    let locate = |_: FileId| None;
    let mut converter = Converter::new(&sources, encoding, book_url, &locate);
    parsed
        .diagnostics
        .iter()
        .map(|d| converter.diagnostic(d))
        .collect()
}
