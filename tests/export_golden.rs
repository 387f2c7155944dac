//! The resolved model of every project the repository ships, as `prodc
//! export` prints it, byte for byte as committed in `tests/golden/export/`:
//! a change of the compiler's insides (the one-description redesign of the
//! language, a faster resolver) must not change what the model says. A
//! deliberate change of the model rewrites the files with
//! `UPDATE_GOLDEN=1 cargo test --test export_golden` and shows in review.

// Tests and benchmarks set up files, run programs and print; the core may not (clippy.toml).
#![allow(clippy::disallowed_methods, clippy::disallowed_macros)]

use std::path::{Path, PathBuf};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The export of the project in `dir`, which must check clean.
fn export(dir: &Path) -> String {
    let vfs = prodc::cli::DiskVfs::open(dir).expect("opens");
    let checked = prodc::check(&vfs).expect("loads");
    assert!(
        !checked.has_errors(),
        "{}: {:?}",
        dir.display(),
        checked.diagnostics
    );
    prodc::emit::model::export_json(&checked)
}

/// A project made by `prodc init`, in a fresh directory.
fn init_project() -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("golden-init/demo");
    let _ = std::fs::remove_dir_all(&dir);
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_prodc"))
        .args(["init"])
        .arg(&dir)
        .output()
        .expect("prodc init runs")
        .status;
    assert!(status.success());
    dir
}

#[test]
fn exports_equal_the_committed_ones() {
    let update = std::env::var_os("UPDATE_GOLDEN").is_some();
    let projects = [
        ("manifests", repo().join("manifests")),
        ("slurm", repo().join("tests/slurm/project")),
        ("init", init_project()),
    ];
    let mut stale = Vec::new();
    for (name, dir) in projects {
        let path = repo().join(format!("tests/golden/export/{name}.json"));
        let now = export(&dir);
        if update {
            std::fs::write(&path, &now).expect("write golden file");
            continue;
        }
        let committed =
            std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        if committed != now {
            let line = committed
                .lines()
                .zip(now.lines())
                .position(|(a, b)| a != b)
                .map_or(committed.lines().count().min(now.lines().count()), |i| i);
            stale.push(format!("{name} (first difference at line {})", line + 1));
        }
    }
    assert!(
        stale.is_empty(),
        "exports differ from tests/golden/export/: {stale:?} (UPDATE_GOLDEN=1 rewrites them after a deliberate change)"
    );
}
