//! Fuzz target: the whole pipeline (load, parse, resolve, check, layouts)
//! and every renderer never panic; a project without errors also builds
//! every target.
#![no_main]

use libfuzzer_sys::fuzz_target;
use prodc::diagnostics::render::{render_all, HumanStyle, MessageFormat};
use prodc::project::MemoryVfs;

fuzz_target!(|data: &[u8]| {
    let vfs = MemoryVfs::new()
        .with("Prod.toml", "[project]\nname = \"fuzz\"\nsource = \"src\"\n[batch]\nschedulers = [\"slurm\", \"lsf\", \"htcondor\", \"gbasf2\"]\n")
        .with("src/case.prod", data.to_vec())
        .with("src/dumps/a.txt", "dbstore/A 1 0,0,-1,-1\n");
    let Ok(checked) = prodc::check(&vfs) else { return };
    for format in [MessageFormat::Human, MessageFormat::Json, MessageFormat::Github] {
        let _ = render_all(&checked.diagnostics, &checked.project.sources, format, HumanStyle::default());
    }
    if !checked.has_errors() {
        let _ = prodc::emit::build(&checked, &[]);
    }
});
