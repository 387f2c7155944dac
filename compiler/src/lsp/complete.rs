//! Completion: field names per block (from the resolver's schema), nested
//! block keywords, enum values, `true`/`false`, names of items of the kind
//! a reference field takes, and placeholders inside a layout's path.
//!
//! The text being typed is rarely valid, so the context is not taken from
//! the syntax tree: a small scanner reads the text before the cursor,
//! tracks the blocks it is in (by the words before each `{`) and whether
//! the cursor starts an entry or stands in a field's value.

use super::index::Index;
use super::schema::{enum_of, is_bool, map_owner, need_text, reference_kinds, Owner};
use crate::layout::template::Placeholder;
use crate::model::Model;
use crate::resolve::schema::Form;
use crate::syntax::ast::{ItemKind, NestedKind};

/// What completion offers at a cursor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Context {
    /// The start of an item at the top level.
    TopLevel,
    /// The start of an entry in a block; `seen` are the fields written.
    Entry {
        owner: Owner,
        seen: Vec<String>,
    },
    /// The value of `field`.
    Value {
        owner: Owner,
        field: String,
    },
    /// Inside `{…}` of a layout's path string.
    Placeholder,
    Nothing,
}

/// One completion: label, kind of thing, detail, text to insert.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    pub label: String,
    pub kind: lsp_types::CompletionItemKind,
    pub detail: String,
    pub insert: String,
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Word(String),
    Number,
    Str,
    Eq,
    LBrace,
    RBrace,
    LBracket,
    RBracket,
    Comma,
    Newline,
    Other,
}

/// How a text ends: in code, inside a string or inside a comment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tail {
    Code,
    String,
    Comment,
}

/// Splits text into the few tokens the scanner needs, and tells how the
/// text ends.
fn tokens(text: &str) -> (Vec<Tok>, Tail) {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        match b {
            b'\n' => {
                out.push(Tok::Newline);
                i += 1;
            }
            b'#' => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
                if i == bytes.len() {
                    return (out, Tail::Comment);
                }
            }
            b'"' => {
                i += 1;
                loop {
                    match bytes.get(i) {
                        None => return (out, Tail::String),
                        Some(b'\\') => i += 2,
                        Some(b'"') => {
                            i += 1;
                            break;
                        }
                        // Strings end at the line; the parser reports it.
                        Some(b'\n') => break,
                        Some(_) => i += 1,
                    }
                }
                out.push(Tok::Str);
            }
            b'=' => {
                out.push(Tok::Eq);
                i += 1;
            }
            b'{' | b'}' | b'[' | b']' | b',' => {
                out.push(match b {
                    b'{' => Tok::LBrace,
                    b'}' => Tok::RBrace,
                    b'[' => Tok::LBracket,
                    b']' => Tok::RBracket,
                    _ => Tok::Comma,
                });
                i += 1;
            }
            b'.' => {
                // `..` and `..=` of intervals: their `=` is no field's.
                while i < bytes.len() && bytes[i] == b'.' {
                    i += 1;
                }
                if bytes.get(i) == Some(&b'=') {
                    i += 1;
                }
                out.push(Tok::Other);
            }
            b if b.is_ascii_alphabetic() || b == b'_' => {
                let start = i;
                while i < bytes.len() && is_word_byte(bytes[i]) {
                    i += 1;
                }
                out.push(Tok::Word(text[start..i].to_string()));
            }
            b if b.is_ascii_digit() => {
                while i < bytes.len()
                    && (bytes[i].is_ascii_alphanumeric() || matches!(bytes[i], b'_' | b'/'))
                {
                    i += 1;
                }
                // A fractional part, but not the `..` of an interval.
                if bytes.get(i) == Some(&b'.') && bytes.get(i + 1).is_some_and(u8::is_ascii_digit) {
                    i += 1;
                    while i < bytes.len()
                        && (bytes[i].is_ascii_alphanumeric() || matches!(bytes[i], b'_' | b'/'))
                    {
                        i += 1;
                    }
                }
                out.push(Tok::Number);
            }
            b if b.is_ascii_whitespace() => i += 1,
            _ => {
                out.push(Tok::Other);
                i += text[i..].chars().next().map_or(1, char::len_utf8);
            }
        }
    }
    (out, Tail::Code)
}

fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'.'
}

/// Where the scanner is within an entry.
#[derive(Debug, Clone, PartialEq)]
enum State {
    Start,
    Named(String),
    Labeled(String),
    Value {
        field: String,
        depth: usize,
        seen: bool,
    },
    Other,
}

struct Frame {
    /// `None` at the top level and in blocks of no known kind.
    owner: Option<Owner>,
    top: bool,
    seen: Vec<String>,
    state: State,
}

impl Frame {
    fn new(owner: Option<Owner>, top: bool) -> Frame {
        Frame {
            owner,
            top,
            seen: Vec::new(),
            state: State::Start,
        }
    }
}

/// The kind of block opened by `words {` inside `parent`.
fn child_owner(parent: &Frame, keyword: &str, labeled: bool) -> Option<Owner> {
    if parent.top {
        return ItemKind::from_keyword(keyword)
            .filter(|_| labeled)
            .map(Owner::Item);
    }
    let parent = parent.owner?;
    if !labeled {
        return map_owner(parent, keyword);
    }
    let nested = match keyword {
        "sample" => NestedKind::Sample,
        "production" => NestedKind::Production,
        "payload" => NestedKind::Payload,
        _ => return None,
    };
    let allowed = matches!(
        (parent, nested),
        (Owner::Item(ItemKind::Campaign), NestedKind::Sample)
            | (Owner::Nested(NestedKind::Sample), NestedKind::Production)
            | (Owner::Item(ItemKind::GlobalTag), NestedKind::Payload)
    );
    allowed.then_some(Owner::Nested(nested))
}

/// The completion context at the end of `before` (the text before the
/// word being typed).
pub fn context(before: &str) -> Context {
    let (toks, tail) = tokens(before);
    let mut stack = vec![Frame::new(None, true)];
    for tok in toks {
        let frame = stack.last_mut().expect("the top level is never popped");
        let state = std::mem::replace(&mut frame.state, State::Other);
        let next = match (state, tok) {
            (_, Tok::RBrace) => {
                if stack.len() > 1 {
                    stack.pop();
                }
                let frame = stack.last_mut().expect("the top level is never popped");
                frame.state = State::Start;
                continue;
            }
            (State::Named(word), Tok::LBrace) => {
                let owner = child_owner(frame, &word, false);
                frame.state = State::Start;
                stack.push(Frame::new(owner, false));
                continue;
            }
            (State::Labeled(word), Tok::LBrace) => {
                let owner = child_owner(frame, &word, true);
                frame.state = State::Start;
                stack.push(Frame::new(owner, false));
                continue;
            }
            (_, Tok::LBrace) => {
                frame.state = State::Start;
                stack.push(Frame::new(None, false));
                continue;
            }
            (State::Start, Tok::Word(w)) => State::Named(w),
            (State::Start, Tok::Newline) => State::Start,
            (State::Named(w), Tok::Eq) => {
                frame.seen.push(w.clone());
                State::Value {
                    field: w,
                    depth: 0,
                    seen: false,
                }
            }
            (State::Named(w), Tok::Word(_) | Tok::Number | Tok::Str) => State::Labeled(w),
            (State::Value { field, depth, seen }, tok) => match tok {
                Tok::LBracket => State::Value {
                    field,
                    depth: depth + 1,
                    seen,
                },
                Tok::RBracket => State::Value {
                    field,
                    depth: depth.saturating_sub(1),
                    seen: seen || depth <= 1,
                },
                // A word after a whole value starts the next entry.
                Tok::Word(w) if depth == 0 && seen => State::Named(w),
                Tok::Newline if depth == 0 && seen => State::Start,
                Tok::Eq => State::Other,
                Tok::Word(_) | Tok::Number | Tok::Str if depth == 0 => State::Value {
                    field,
                    depth,
                    seen: true,
                },
                _ => State::Value { field, depth, seen },
            },
            (_, Tok::Newline) => State::Start,
            _ => State::Other,
        };
        frame.state = next;
    }
    let frame = stack.last().expect("the top level is never popped");
    if tail == Tail::Comment {
        return Context::Nothing;
    }
    if tail == Tail::String {
        let in_path = matches!(&frame.state, State::Value { field, .. } if field == "path" || field == "skim_path");
        let open = before
            .rfind('"')
            .map(|q| &before[q..])
            .is_some_and(|s| s.rfind('{') > s.rfind('}'));
        return if frame.owner == Some(Owner::Item(ItemKind::Layout)) && in_path && open {
            Context::Placeholder
        } else {
            Context::Nothing
        };
    }
    let entry = |frame: &Frame| match (frame.top, frame.owner) {
        (true, _) => Context::TopLevel,
        (false, Some(owner)) => Context::Entry {
            owner,
            seen: frame.seen.clone(),
        },
        (false, None) => Context::Nothing,
    };
    match &frame.state {
        State::Start => entry(frame),
        State::Value {
            depth: 0,
            seen: true,
            ..
        } if before.ends_with(|c: char| c.is_whitespace()) => entry(frame),
        State::Value { field, .. } => match frame.owner {
            Some(owner) => Context::Value {
                owner,
                field: field.clone(),
            },
            None => Context::Nothing,
        },
        _ => Context::Nothing,
    }
}

/// The word being typed before `offset`: identifier characters and dots
/// (a path such as `std.mc`), or a placeholder name after `{`.
pub fn typed_word(text: &str, offset: usize) -> usize {
    let bytes = text.as_bytes();
    let mut start = offset.min(bytes.len());
    while start > 0 && is_word_byte(bytes[start - 1]) {
        start -= 1;
    }
    start
}

fn kind_of_item(kind: ItemKind) -> lsp_types::CompletionItemKind {
    use lsp_types::CompletionItemKind as K;
    match kind {
        ItemKind::Release => K::VALUE,
        ItemKind::GlobalTag => K::CONSTANT,
        ItemKind::Calibration => K::FUNCTION,
        ItemKind::Processing => K::METHOD,
        ItemKind::Campaign => K::CLASS,
        ItemKind::Skim => K::STRUCT,
        ItemKind::Layout => K::FILE,
        ItemKind::Enum => K::ENUM,
    }
}

/// The candidates of a context. Without a model (a document of no
/// project) only keywords and fields are offered.
pub fn candidates(
    context: &Context,
    model: Option<&Model>,
    index: Option<&Index>,
) -> Vec<Candidate> {
    use lsp_types::CompletionItemKind as K;
    let mut out = Vec::new();
    match context {
        Context::TopLevel => {
            for kind in ItemKind::ALL {
                out.push(Candidate {
                    label: kind.keyword().to_string(),
                    kind: K::KEYWORD,
                    detail: "item".to_string(),
                    insert: format!("{} ", kind.keyword()),
                });
            }
        }
        Context::Entry { owner, seen } => {
            for spec in owner.fields() {
                if seen.iter().any(|s| s == spec.name) {
                    continue;
                }
                let insert = match spec.form {
                    Form::Value => format!("{} = ", spec.name),
                    Form::Map => format!("{} {{ ", spec.name),
                };
                out.push(Candidate {
                    label: spec.name.to_string(),
                    kind: K::FIELD,
                    detail: format!("{} field of {}", need_text(spec), owner.describe()),
                    insert,
                });
            }
            for keyword in owner.nested_keywords() {
                out.push(Candidate {
                    label: keyword.to_string(),
                    kind: K::KEYWORD,
                    detail: "nested block".to_string(),
                    insert: format!("{keyword} "),
                });
            }
            if *owner == Owner::BeamMap {
                out.extend(enum_entries(model, "beam"));
            }
        }
        Context::Value { owner, field } => {
            if let Some(enum_name) = enum_of(*owner, field) {
                out.extend(enum_entries(model, enum_name));
            }
            if is_bool(*owner, field) {
                for b in ["true", "false"] {
                    out.push(Candidate {
                        label: b.to_string(),
                        kind: K::VALUE,
                        detail: "bool".to_string(),
                        insert: b.to_string(),
                    });
                }
            }
            if let (Some(kinds), Some(index)) = (reference_kinds(*owner, field), index) {
                for (name, (kind, _)) in &index.items {
                    if kinds.contains(kind) {
                        out.push(Candidate {
                            label: name.clone(),
                            kind: kind_of_item(*kind),
                            detail: kind.keyword().to_string(),
                            insert: name.clone(),
                        });
                    }
                }
            }
        }
        Context::Placeholder => {
            for p in Placeholder::ALL {
                out.push(Candidate {
                    label: p.name().to_string(),
                    kind: K::VARIABLE,
                    detail: p.meaning().to_string(),
                    insert: p.name().to_string(),
                });
            }
        }
        Context::Nothing => {}
    }
    out
}

fn enum_entries(model: Option<&Model>, enum_name: &str) -> Vec<Candidate> {
    let full = format!("{}.{enum_name}", crate::project::STD_PREFIX);
    let Some(def) = model.and_then(|m| m.enums.iter().find(|e| e.name.text == full)) else {
        return Vec::new();
    };
    def.entries
        .iter()
        .map(|e| Candidate {
            label: e.name.clone(),
            kind: lsp_types::CompletionItemKind::ENUM_MEMBER,
            detail: format!("{full} (\"{}\")", e.text),
            insert: e.name.clone(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at_end(text: &str) -> Context {
        context(&text[..typed_word(text, text.len())])
    }

    fn entry(owner: Owner) -> Context {
        Context::Entry {
            owner,
            seen: Vec::new(),
        }
    }

    #[test]
    fn contexts_follow_blocks_and_values() {
        assert_eq!(at_end(""), Context::TopLevel);
        assert_eq!(at_end("skim a { kind = hlt }\nglob"), Context::TopLevel);
        assert_eq!(
            at_end("campaign c {\n  rel"),
            entry(Owner::Item(ItemKind::Campaign))
        );
        assert_eq!(
            at_end("campaign c {\n  beam = Y4"),
            Context::Value {
                owner: Owner::Item(ItemKind::Campaign),
                field: "beam".to_string()
            }
        );
        assert_eq!(
            at_end("campaign c {\n  layout = std.mc"),
            Context::Value {
                owner: Owner::Item(ItemKind::Campaign),
                field: "layout".to_string()
            }
        );
        assert_eq!(
            at_end("campaign c { sample s {\n production 1 { background = BGx0  fr"),
            Context::Entry {
                owner: Owner::Nested(NestedKind::Production),
                seen: vec!["background".to_string()]
            }
        );
        assert_eq!(
            at_end("processing p { skims = [std.hlt_mumu_2trk, "),
            Context::Value {
                owner: Owner::Item(ItemKind::Processing),
                field: "skims".to_string()
            }
        );
        assert_eq!(
            at_end("processing p { tiers = [mdst]\n  runs { Y4S = [3:1 ..= 3:5]\n  "),
            Context::Entry {
                owner: Owner::BeamMap,
                seen: vec!["Y4S".to_string()]
            }
        );
        assert_eq!(
            at_end("globaltag g { payload A {\n  3:529 ..= 7:*  rev 3\n  opt"),
            entry(Owner::Nested(NestedKind::Payload))
        );
        assert_eq!(at_end("layout l { path = \"/x/{cam"), Context::Placeholder);
        assert_eq!(at_end("layout l { path = \"/x/{run}/"), Context::Nothing);
        assert_eq!(at_end("skim a { # kind = "), Context::Nothing);
    }
}
