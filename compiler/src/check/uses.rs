//! Fields required by their use (`E0306`): a layout that prints a value the
//! item using it does not define.

use crate::diagnostics::{Code, Diagnostic};
use crate::model::{GlobalTag, Layout, Model, Spanned, TagId};
use crate::source::Span;

pub(super) fn check(model: &Model, diags: &mut Vec<Diagnostic>) {
    for processing in &model.processings {
        let Some(layout) = &processing.layout else {
            continue;
        };
        let l = model.layout(layout.value);
        let owner = format!("processing `{}`", processing.name.text);
        tag_id(model, l, layout.span, &owner, &processing.globaltags, diags);
        if prints(l, "{production") && processing.production.is_none() {
            diags.push(
                Diagnostic::new(
                    Code::E0306,
                    format!(
                        "layout `{}` prints `{{production}}`, but {owner} has no `production`",
                        l.name.text
                    ),
                    layout.span,
                    "this layout needs a production id",
                )
                .with_label(processing.name.span, "no `production = N` here")
                .with_help("add `production = N` with the processing's production id"),
            );
        }
        let skim_code = l
            .skim_path
            .as_ref()
            .is_some_and(|p| p.value.contains("{skim.code"));
        for skim in &processing.skims {
            let s = model.skim(skim.value);
            if skim_code && s.code.is_none() {
                diags.push(
                    Diagnostic::new(
                        Code::E0306,
                        format!("layout `{}` prints `{{skim.code}}`, but skim `{}` has no code", l.name.text, s.name.text),
                        skim.span,
                        "this skim has no `code`",
                    )
                    .with_label(layout.span, "the layout is used here")
                    .with_help("use a skim with an 8-digit code, or a layout whose skim path prints `{skim}`"),
                );
            }
        }
    }
    for campaign in &model.campaigns {
        let Some(layout) = &campaign.layout else {
            continue;
        };
        let owner = format!("campaign `{}`", campaign.name.text);
        tag_id(
            model,
            model.layout(layout.value),
            layout.span,
            &owner,
            &campaign.globaltags,
            diags,
        );
    }
}

fn prints(layout: &Layout, placeholder: &str) -> bool {
    let has =
        |p: &Option<Spanned<String>>| p.as_ref().is_some_and(|p| p.value.contains(placeholder));
    has(&layout.path) || has(&layout.skim_path)
}

fn tag_id(
    model: &Model,
    layout: &Layout,
    at: Span,
    owner: &str,
    stack: &[Spanned<TagId>],
    diags: &mut Vec<Diagnostic>,
) {
    let Some(first) = stack.first() else { return };
    let tag: &GlobalTag = model.tag(first.value);
    if prints(layout, "{globaltag.id") && tag.id.is_none() && !tag.invalid.contains(&"id") {
        diags.push(
            Diagnostic::new(
                Code::E0306,
                format!(
                    "layout `{}` prints `{{globaltag.id}}`, but globaltag `{}` has no `id`",
                    layout.name.text, tag.name.text
                ),
                first.span,
                format!("first tag of the stack of {owner}"),
            )
            .with_label(at, "the layout is used here")
            .with_label(tag.name.span, "no `id = N` in this tag")
            .with_help(format!(
                "add `id = N` (the conditions database id) to globaltag `{}`",
                tag.name.text
            )),
        );
    }
}
