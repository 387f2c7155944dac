//! Output paths: layout templates checked where they are declared and where
//! they are used, and expanded into one dataset per output directory.
//!
//! This is the lowering of the model to concrete paths that the `lpn`,
//! `docs` and `jobs` targets print; collisions between any two datasets of
//! the project are `E0703`.

pub mod expand;
pub mod template;

pub use expand::{Dataset, OwnerKind};

use crate::diagnostics::Diagnostic;
use crate::model::Model;
use template::Template;

/// The parsed `path` and `skim_path` of each layout (`None` when missing or
/// invalid; the error has been reported).
#[derive(Debug, Clone, Default)]
pub struct Layouts {
    pub path: Vec<Option<Template>>,
    pub skim_path: Vec<Option<Template>>,
}

/// Parses every layout's templates.
pub fn parse_layouts(model: &Model, diags: &mut Vec<Diagnostic>) -> Layouts {
    let mut layouts = Layouts::default();
    for layout in &model.layouts {
        layouts
            .path
            .push(layout.path.as_ref().and_then(|p| template::parse(p, diags)));
        layouts.skim_path.push(
            layout
                .skim_path
                .as_ref()
                .and_then(|p| template::parse(p, diags)),
        );
    }
    layouts
}

/// Checks every layout and use, and expands the datasets of the project,
/// sorted by path.
pub fn datasets(model: &Model) -> (Vec<Dataset>, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let layouts = parse_layouts(model, &mut diags);
    let datasets = expand::expand_all(model, &layouts, &mut diags);
    (datasets, diags)
}
