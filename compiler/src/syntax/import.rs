//! The payload import format of `payloads from "FILE"`.
//!
//! One entry per line, `dbstore/NAME REVISION FIRSTEXP,FIRSTRUN,FINALEXP,FINALRUN`
//! (basf2's testing-payloads format); `-1` means "no bound" and is allowed in
//! the final fields only; `#` starts a comment. Each entry becomes an IoV
//! line whose span points into the imported file.

use super::ast::{Ident, IovLine, LineIov, Point, Revision, Run};
use crate::diagnostics::{Code, Diagnostic};
use crate::source::{FileId, Span};

/// One imported entry: the payload it belongs to and its IoV line.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportedIov {
    pub payload: Ident,
    pub line: IovLine,
}

/// Parses a whole import file; malformed lines are `E0104` and skipped.
pub fn parse_import(file: FileId, text: &str) -> (Vec<ImportedIov>, Vec<Diagnostic>) {
    let mut entries = Vec::new();
    let mut diags = Vec::new();
    let mut offset = 0;
    for raw in text.split_inclusive('\n') {
        let line_start = offset;
        offset += raw.len();
        let content = raw
            .split('#')
            .next()
            .unwrap_or("")
            .trim_end_matches(['\n', '\r']);
        if content.trim().is_empty() {
            continue;
        }
        match parse_line(file, line_start, content) {
            Ok(entry) => entries.push(entry),
            Err(diag) => diags.push(diag),
        }
    }
    (entries, diags)
}

const FORMAT_HELP: &str =
    "an entry reads `dbstore/NAME REVISION FIRSTEXP,FIRSTRUN,FINALEXP,FINALRUN`, e.g. `dbstore/BeamParameters 3 3,0,7,-1`";

/// Words of a line with their byte offsets in the file.
fn words(line_start: usize, content: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut rest = content;
    let mut pos = line_start;
    while let Some(skip) = rest.find(|c: char| !c.is_whitespace()) {
        pos += skip;
        rest = &rest[skip..];
        let len = rest.find(char::is_whitespace).unwrap_or(rest.len());
        out.push((pos, &rest[..len]));
        pos += len;
        rest = &rest[len..];
    }
    out
}

fn parse_line(file: FileId, line_start: usize, content: &str) -> Result<ImportedIov, Diagnostic> {
    let span = |start: usize, len: usize| Span::new(file, start, start + len);
    let trimmed_len = content.trim_end().len();
    let whole = span(line_start, trimmed_len);
    let bad = |at: Span, msg: String, label: &str| {
        Diagnostic::new(Code::E0104, msg, at, label).with_help(FORMAT_HELP)
    };
    let words = words(line_start, content);
    if words.len() != 3 {
        return Err(bad(
            whole,
            format!(
                "expected 3 fields in a payload entry, found {}",
                words.len()
            ),
            "malformed entry",
        ));
    }
    let (name_at, name_word) = words[0];
    let name = name_word.strip_prefix("dbstore/").unwrap_or("");
    let valid_name = name
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if !valid_name {
        return Err(bad(
            span(name_at, name_word.len()),
            format!("`{name_word}` is not a payload name of the form `dbstore/NAME`"),
            "expected `dbstore/NAME`",
        ));
    }
    let payload = Ident {
        name: name.to_string(),
        span: span(name_at + 8, name.len()),
    };

    let (rev_at, rev_word) = words[1];
    let rev_span = span(rev_at, rev_word.len());
    let rev = match rev_word.parse::<u64>() {
        Ok(value) => Revision::Number(value),
        Err(_) if rev_word.chars().all(|c| c.is_ascii_digit()) => {
            return Err(Diagnostic::new(
                Code::E0103,
                format!("revision `{rev_word}` does not fit in 64 bits"),
                rev_span,
                "too large",
            ))
        }
        Err(_) => Revision::Text(rev_word.into()),
    };

    let (iov_at, iov_word) = words[2];
    let iov_span = span(iov_at, iov_word.len());
    let mut bounds = Vec::new();
    let mut pos = iov_at;
    for part in iov_word.split(',') {
        let part_span = span(pos, part.len());
        pos += part.len() + 1;
        let value = if part == "-1" {
            None
        } else {
            match part.parse::<u64>() {
                Ok(v) if !part.starts_with('+') => Some(v),
                _ => {
                    return Err(bad(
                        part_span,
                        format!("`{part}` is not a run bound"),
                        "expected a number or -1",
                    ))
                }
            }
        };
        bounds.push((value, part_span));
    }
    if bounds.len() != 4 {
        return Err(bad(
            iov_span,
            format!("expected 4 comma-separated bounds, found {}", bounds.len()),
            "expected FIRSTEXP,FIRSTRUN,FINALEXP,FINALRUN",
        ));
    }
    let (Some(e1), Some(r1)) = (bounds[0].0, bounds[1].0) else {
        let at = if bounds[0].0.is_none() {
            bounds[0].1
        } else {
            bounds[1].1
        };
        return Err(bad(
            at,
            "`-1` is allowed in the final bounds only".to_string(),
            "a first bound must be a number",
        ));
    };
    let start = Point {
        exp: e1,
        run: Run::Number(r1),
    };
    let iov = match (bounds[2].0, bounds[3].0) {
        (None, None) => LineIov::Open { start },
        (None, Some(_)) => {
            return Err(bad(
                bounds[3].1,
                "a final run bound needs a final experiment bound".to_string(),
                "final run without final experiment",
            ))
        }
        (Some(e2), r2) => LineIov::Closed {
            start,
            end: Point {
                exp: e2,
                run: r2.map_or(Run::Last, Run::Number),
            },
        },
    };
    let line = IovLine::new(iov, rev, whole);
    Ok(ImportedIov { payload, line })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn database_bounds_become_iovs() {
        let text = "# dump\ndbstore/A 3 3,0,7,-1\n\ndbstore/A 4 8,0,-1,-1 # open\ndbstore/B abc123 0,0,5,10\n";
        let (entries, diags) = parse_import(FileId(0), text);
        assert!(diags.is_empty(), "{diags:?}");
        assert_eq!(entries.len(), 3);
        assert!(matches!(
            entries[0].line.iov(),
            LineIov::Closed {
                end: Point {
                    exp: 7,
                    run: Run::Last,
                },
                ..
            }
        ));
        assert!(matches!(entries[1].line.iov(), LineIov::Open { .. }));
        assert!(matches!(entries[2].line.rev, Revision::Text(_)));
        assert_eq!(&text[entries[0].payload.span.range()], "A");
    }

    #[test]
    fn malformed_lines_are_e0104_and_others_still_parse() {
        let text = "dbstore/A 1 -1,0,1,1\ndbstore/A 1 0,0,-1,5\nA 1 0,0,1,1\ndbstore/A 1 0,0,1\ndbstore/A 1\ndbstore/B 2 0,0,-1,-1\n";
        let (entries, diags) = parse_import(FileId(0), text);
        assert_eq!(entries.len(), 1);
        assert_eq!(diags.len(), 5);
        assert!(diags.iter().all(|d| d.code == Code::E0104));
    }
}
