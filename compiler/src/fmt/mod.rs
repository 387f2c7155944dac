//! `prodc fmt`: one canonical layout for `.prod` files.
//!
//! The formatter prints the syntax tree and puts every comment back: a
//! comment on its own line (doc comments included) before the entry that
//! follows it, a comment after code at the end of that entry's line. The
//! result depends only on the tokens and comments, not on the input's
//! spacing: fields one per line, two spaces of indent per level, one blank
//! line between items and before nested blocks, IoV lines of a payload
//! aligned as a table. A file with syntax errors is not formatted.

mod printer;

use crate::diagnostics::Diagnostic;
use crate::source::FileId;
use crate::syntax::lexer::lex;
use crate::syntax::parse;
use crate::syntax::token::TokenKind;

/// Lines longer than this are broken (lists) or kept on several lines
/// (small blocks).
pub const WIDTH: usize = 100;

/// A comment as written (`# text` or `## text`) with its byte range, and
/// whether it follows code on the same line.
#[derive(Debug, Clone)]
struct Comment {
    text: String,
    start: usize,
    trailing: bool,
}

/// Formats one file; syntax errors are returned instead.
pub fn format(file: FileId, src: &str) -> Result<String, Vec<Diagnostic>> {
    let parsed = parse(file, src);
    if !parsed.diagnostics.is_empty() {
        return Err(parsed.diagnostics);
    }
    let lexed = lex(file, src);
    let mut comments: Vec<Comment> = parsed
        .comments
        .iter()
        .map(|c| Comment {
            text: c.text.trim_end().to_string(),
            start: c.span.start as usize,
            trailing: false,
        })
        .collect();
    for token in &lexed.tokens {
        if let TokenKind::DocComment(text) = &token.kind {
            let text = if text.is_empty() {
                "##".to_string()
            } else {
                format!("## {text}")
            };
            comments.push(Comment {
                text,
                start: token.span.start as usize,
                trailing: false,
            });
        }
    }
    comments.sort_by_key(|c| c.start);
    // A comment is trailing when code precedes it on its line.
    for comment in &mut comments {
        let line_start = src[..comment.start].rfind('\n').map_or(0, |i| i + 1);
        comment.trailing = !src[line_start..comment.start].trim().is_empty();
    }
    Ok(printer::print(src, &parsed.unit, comments))
}

#[cfg(test)]
mod tests {
    use super::format;
    use crate::source::FileId;

    fn fmt(src: &str) -> String {
        format(FileId(0), src).expect("formats")
    }

    #[test]
    fn layout_is_canonical() {
        let messy = "# head\n## Doc.\nskim   a{kind=hlt    tiers=[cdst,mdst]}   # trailing\nlayout b { path = \"/x/{run}\" }";
        assert_eq!(
            fmt(messy),
            "# head\n\n## Doc.\nskim a { kind = hlt  tiers = [cdst, mdst] }  # trailing\n\nlayout b {\n  path = \"/x/{run}\"\n}\n"
        );
    }

    #[test]
    fn iov_lines_are_aligned_and_small_blocks_stay_on_one_line() {
        let src = "globaltag g { payload A { 3:529 ..= 7:* rev 3\n 8:0 .. rev 4 always rev \"x\" } }\ncampaign c { sample s { production 1 { background = BGx0 fraction = 0.5 } } }";
        let out = fmt(src);
        assert!(out.contains("    3:529 ..= 7:*  rev 3\n    8:0 ..         rev 4\n    always         rev \"x\"\n"), "{out}");
        assert!(
            out.contains("    production 1 { background = BGx0  fraction = 0.5 }\n"),
            "{out}"
        );
    }

    #[test]
    fn formatting_is_idempotent_and_keeps_every_comment() {
        let src = "## A tag.\nglobaltag g { # after brace\n  id = 1 # id\n  # before payload\n  payload A { always rev 1 } # after payload\n  # at the end\n}\n# file end\n";
        let once = fmt(src);
        assert_eq!(fmt(&once), once);
        for comment in [
            "## A tag.",
            "# after brace",
            "# id",
            "# before payload",
            "# after payload",
            "# at the end",
            "# file end",
        ] {
            assert!(once.contains(comment), "{comment} lost:\n{once}");
        }
    }

    #[test]
    fn syntax_errors_are_not_formatted() {
        assert!(format(FileId(0), "skim a { kind hlt }").is_err());
    }
}
