//! Fuzz target: the whole pipeline (load, parse, resolve, check, layouts)
//! and every renderer never panic; a project without errors also builds.
//!
//! Kept fast on purpose (the CI runs it for a minute and counts the
//! executions): only the first diagnostics are rendered (miette's cost grows
//! with their number and says nothing more about prodc), and of the three
//! template targets, which compile every template on each call, one is
//! built per input, chosen by the input's length so that a crash
//! reproduces.
#![no_main]

use libfuzzer_sys::fuzz_target;
use prodc::diagnostics::render::{render_all, HumanStyle, MessageFormat};
use prodc::project::MemoryVfs;

const CONFIG: &str = "[project]\nname = \"fuzz\"\nsource = \"src\"\n[batch]\nschedulers = [\"slurm\", \"lsf\", \"htcondor\", \"gbasf2\"]\n";
const RENDERED: usize = 4;
const TEMPLATE_TARGETS: [&str; 3] = ["batch", "gtplan", "docs"];

fuzz_target!(|data: &[u8]| {
    let vfs = MemoryVfs::new()
        .with("Prod.toml", CONFIG)
        .with("src/case.prod", data.to_vec())
        .with("src/dumps/a.txt", "dbstore/A 1 0,0,-1,-1\n");
    let Ok(checked) = prodc::check(&vfs) else {
        return;
    };
    let sources = &checked.project.sources;
    for diag in &checked.diagnostics {
        for label in std::iter::once(&diag.primary).chain(&diag.secondary) {
            let end = label.span.end as usize;
            assert!(
                end <= sources.get(label.span.file).text.len(),
                "span past the end: {diag:?}"
            );
        }
    }
    let shown = &checked.diagnostics[..checked.diagnostics.len().min(RENDERED)];
    for format in [
        MessageFormat::Human,
        MessageFormat::Json,
        MessageFormat::Github,
    ] {
        let _ = render_all(shown, sources, format, HumanStyle::default());
    }
    if !checked.has_errors() {
        let template = TEMPLATE_TARGETS[data.len() % TEMPLATE_TARGETS.len()];
        let _ = prodc::emit::build(&checked, &["model", "jobs", "lpn", "graph", template]);
    }
});
