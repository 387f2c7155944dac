//! What a build starts before the checks are done, each on a thread of its
//! own.
//!
//! `model.json` needs only the resolved model, so a build starts writing it
//! into a new staging directory before the rules are checked, and the other
//! targets join it in the same directory once the checks pass. The thread
//! runs beside the checks and the emitters until the file is written; if
//! the checks fail, the staging directory goes away with everything in it.
//! The staging directory comes with the output's lock; if another build
//! holds it, nothing starts early and the build waits for the lock (or
//! fails) once the checks have passed, when it is known to need it.
//!
//! The templates need only the loaded project: they are registered while
//! its names are resolved, which keeps one core busy and the other idle.

use super::lock::Wait;
use super::output::Staging;
use crate::emit::templates::{TemplateTexts, Templates};
use crate::model::Model;
use crate::project::Project;
use std::io;
use std::sync::Arc;
use std::thread::JoinHandle;

/// The staging directory of a build and the thread writing `model.json`
/// into it. Dropped, it waits for the thread: the staging directory is
/// removed only once nothing writes into it any more.
pub(super) struct EarlyModel {
    staging: Option<Arc<Staging>>,
    writer: Option<JoinHandle<io::Result<usize>>>,
}

impl EarlyModel {
    /// Begins the staging directory for `out_dir` and starts writing
    /// `model.json` of the project named `project` into it; `None` if either
    /// fails or another build holds the output's lock (the build then
    /// writes the model with the other targets, and reports any error
    /// there).
    pub(super) fn start(
        out_dir: &std::path::Path,
        project: String,
        model: &Arc<Model>,
    ) -> Option<Self> {
        let staging = Arc::new(Staging::begin(out_dir, Wait::Fail).ok()?);
        let (model, dir) = (Arc::clone(model), Arc::clone(&staging));
        let writer = std::thread::Builder::new()
            .name("model.json".into())
            .spawn(move || {
                let sink = dir.sink();
                crate::emit::model::emit_model(&project, &model, &sink);
                sink.finish()
            })
            .ok()?;
        Some(EarlyModel {
            staging: Some(staging),
            writer: Some(writer),
        })
    }

    /// The staging directory, to write the other targets into while the
    /// model is still being written.
    pub(super) fn staging(&self) -> &Staging {
        self.staging.as_ref().expect("held until finished")
    }

    /// Waits for `model.json`: the staging directory, now the build's alone,
    /// and the number of files the thread wrote, or its error.
    pub(super) fn finish(mut self) -> (Staging, io::Result<usize>) {
        let written = self.join();
        let staging = self.staging.take().expect("held until finished");
        let staging = Arc::try_unwrap(staging)
            .expect("the writer's handle on the staging directory ends with the writer");
        (staging, written)
    }

    fn join(&mut self) -> io::Result<usize> {
        match self.writer.take().map(JoinHandle::join) {
            Some(Ok(written)) => written,
            Some(Err(_)) => Err(io::Error::other("the thread writing model.json panicked")),
            None => Ok(0),
        }
    }
}

impl Drop for EarlyModel {
    fn drop(&mut self) {
        let _ = self.join();
    }
}

/// The project's templates, being registered on a thread of their own.
pub(super) struct EarlyTemplates(Option<JoinHandle<Templates>>);

impl EarlyTemplates {
    /// Starts registering the templates of `project`.
    pub(super) fn start(project: &Project) -> Self {
        let texts = TemplateTexts::of(project);
        let thread = std::thread::Builder::new()
            .name("templates".into())
            .spawn(move || texts.register());
        EarlyTemplates(thread.ok())
    }

    /// The registered templates; `None` if the thread could not start (the
    /// build then registers them when it needs them).
    pub(super) fn finish(self) -> Option<Templates> {
        self.0.map(|thread| {
            thread
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
        })
    }
}
