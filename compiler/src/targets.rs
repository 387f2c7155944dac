//! The built-in templates of emitted artifacts, embedded from `targets/`.
//!
//! A project can override any of them with a file of the same name below
//! its `[templates] dir` (default `templates/`), e.g.
//! `templates/batch/slurm.sh.hbs`.

/// Name (relative to `targets/`) and text of every built-in template.
pub const TEMPLATES: &[(&str, &str)] = &[
    (
        "batch/task.sh.hbs",
        include_str!("../../targets/batch/task.sh.hbs"),
    ),
    (
        "batch/slurm.sh.hbs",
        include_str!("../../targets/batch/slurm.sh.hbs"),
    ),
    (
        "batch/lsf.sh.hbs",
        include_str!("../../targets/batch/lsf.sh.hbs"),
    ),
    (
        "batch/htcondor.sub.hbs",
        include_str!("../../targets/batch/htcondor.sub.hbs"),
    ),
    (
        "batch/htcondor.sh.hbs",
        include_str!("../../targets/batch/htcondor.sh.hbs"),
    ),
    (
        "batch/gbasf2.sh.hbs",
        include_str!("../../targets/batch/gbasf2.sh.hbs"),
    ),
    (
        "gtplan/upload.sh.hbs",
        include_str!("../../targets/gtplan/upload.sh.hbs"),
    ),
    (
        "docs/book.toml.hbs",
        include_str!("../../targets/docs/book.toml.hbs"),
    ),
    (
        "docs/SUMMARY.md.hbs",
        include_str!("../../targets/docs/SUMMARY.md.hbs"),
    ),
    (
        "docs/README.md.hbs",
        include_str!("../../targets/docs/README.md.hbs"),
    ),
    (
        "docs/campaign.md.hbs",
        include_str!("../../targets/docs/campaign.md.hbs"),
    ),
    (
        "docs/processing.md.hbs",
        include_str!("../../targets/docs/processing.md.hbs"),
    ),
    (
        "docs/globaltags.md.hbs",
        include_str!("../../targets/docs/globaltags.md.hbs"),
    ),
];
