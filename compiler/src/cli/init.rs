//! `prodc init [DIR]`: a new project that checks clean, to start from.

use std::path::Path;

const PROJECT: &str = include_str!("../../../targets/init/project.prod");

const STEERING: &str = "# basf2 steering file. The batch scripts run `basf2 \"$PRODC_STEERING\"` with\n\
# the job's facts in PRODC_* environment variables (see the book).\nimport os\n\nimport basf2\n\nmain = basf2.create_path()\nbasf2.process(main, max_event=int(os.environ.get(\"PRODC_EVENTS\", \"0\")))\n";

/// A project name from a directory name: letters, digits, `-` and `_`.
fn project_name(dir: &Path) -> String {
    let name: String = dir
        .canonicalize()
        .ok()
        .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .unwrap_or_else(|| "prodc-project".into())
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect();
    if name.is_empty() {
        "prodc-project".into()
    } else {
        name
    }
}

/// The first directory on `rel` (below `root`) that is a symbolic link
/// leading outside `root`, if any: `init --force` writes only inside.
fn leads_outside<'a>(root: &Path, rel: &'a str) -> Option<&'a str> {
    let mut end = 0;
    for part in rel.split('/') {
        end += part.len();
        let prefix = &rel[..end];
        end += 1;
        let path = root.join(prefix);
        let is_link = path.symlink_metadata().is_ok_and(|m| m.is_symlink());
        if is_link && path.canonicalize().map_or(true, |p| !p.starts_with(root)) {
            return Some(prefix);
        }
    }
    None
}

/// Creates a new file: fails rather than follow a link or replace a file
/// that appeared meanwhile.
fn create_new(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)?
        .write_all(text.as_bytes())
}

pub fn run_init(dir: &Path, force: bool) -> u8 {
    if let Err(err) = std::fs::create_dir_all(dir) {
        say!(
            "error: cannot create `{}`: {}",
            dir.display(),
            err.to_string().to_lowercase()
        );
        return 2;
    }
    let non_empty = std::fs::read_dir(dir)
        .map(|mut d| d.next().is_some())
        .unwrap_or(true);
    if non_empty && !force {
        say!(
            "error: `{}` is not empty; use `prodc init --force` to add the missing files (existing files are never overwritten)",
            dir.display()
        );
        return 2;
    }
    let prod_toml = format!(
        "[project]\nname   = \"{}\"\nsource = \"manifests\"\n\n[build]\nout = \"out\"\n\n[batch]\nschedulers = [\"slurm\"]\nsteering   = \"steering/{{name}}.py\"\n",
        project_name(dir)
    );
    let files: [(&str, &str); 5] = [
        ("Prod.toml", &prod_toml),
        ("manifests/project.prod", PROJECT),
        ("steering/FirstMC.py", STEERING),
        ("steering/first_processing.py", STEERING),
        (".gitignore", "/out/\n/.out.prodc.lock\n"),
    ];
    let Ok(root) = dir.canonicalize() else {
        say!("error: cannot open `{}`", dir.display());
        return 2;
    };
    for (rel, text) in files {
        let path = dir.join(rel);
        // `symlink_metadata`: a link is kept as it is, also when it leads
        // nowhere (writing to it would create its target).
        if path.symlink_metadata().is_ok() {
            say!("note: kept the existing `{}`", path.display());
            continue;
        }
        if let Some(outside) = leads_outside(&root, rel) {
            say!(
                "error: `{}` leads outside `{}` through a symbolic link; nothing is written there",
                dir.join(outside).display(),
                dir.display()
            );
            return 2;
        }
        let written = path
            .parent()
            .map_or(Ok(()), std::fs::create_dir_all)
            .and_then(|()| create_new(&path, text));
        if let Err(err) = written {
            say!(
                "error: cannot write `{}`: {}",
                path.display(),
                err.to_string().to_lowercase()
            );
            return 2;
        }
    }
    say!(
        "created a prodc project in `{}`; next: prodc check {0} && prodc build {0}",
        dir.display()
    );
    0
}
