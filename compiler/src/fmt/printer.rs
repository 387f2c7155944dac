//! The printer behind `prodc fmt`: the syntax tree back to text, with the
//! comments put back in order.

use super::{Comment, WIDTH};
use crate::syntax::ast::*;

struct Printer<'a> {
    src: &'a str,
    out: String,
    comments: Vec<Comment>,
    /// The first comment not printed yet.
    next: usize,
}

pub(super) fn print(src: &str, unit: &SourceUnit, comments: Vec<Comment>) -> String {
    let mut p = Printer {
        src,
        out: String::new(),
        comments,
        next: 0,
    };
    for (i, item) in unit.items.iter().enumerate() {
        if i > 0 {
            p.out.push('\n');
        }
        p.leading(item.span.start as usize, 0);
        p.item(item);
        let next = unit
            .items
            .get(i + 1)
            .map_or(usize::MAX, |n| n.span.start as usize);
        p.trailing(item.span.end as usize, next);
        p.out.push('\n');
    }
    if p.next < p.comments.len() && !p.out.is_empty() {
        p.out.push('\n');
    }
    p.leading(usize::MAX, 0);
    p.out
}

fn pad(indent: usize) -> String {
    "  ".repeat(indent)
}

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            other => out.push(other),
        }
    }
    out.push('"');
    out
}

fn point(p: Point) -> String {
    match p.run {
        Run::Number(n) => format!("{}:{n}", p.exp),
        Run::Last => format!("{}:*", p.exp),
    }
}

fn iov(iov: &LineIov) -> String {
    match *iov {
        LineIov::Closed { start, end } => format!("{} ..= {}", point(start), point(end)),
        LineIov::Open { start } => format!("{} ..", point(start)),
        LineIov::Always => "always".to_string(),
    }
}

fn entry_start(entry: &Entry) -> usize {
    (match entry {
        Entry::Field(f) => f.span.start,
        Entry::Map(m) => m.span.start,
        Entry::Nested(n) => n.span.start,
        Entry::Import(i) => i.span.start,
        Entry::Iov(l) => l.span.start,
    }) as usize
}

fn entry_end(entry: &Entry) -> usize {
    (match entry {
        Entry::Field(f) => f.span.end,
        Entry::Map(m) => m.span.end,
        Entry::Nested(n) => n.span.end,
        Entry::Import(i) => i.span.end,
        Entry::Iov(l) => l.span.end,
    }) as usize
}

impl Printer<'_> {
    /// Prints the own-line comments before `pos`, at `indent`.
    fn leading(&mut self, pos: usize, indent: usize) {
        let mut previous_plain = false;
        while let Some(c) = self.comments.get(self.next) {
            if c.start >= pos {
                break;
            }
            // A doc comment after plain comments starts its own paragraph:
            // the plain ones talk about the file or section, the doc about
            // the item that follows.
            let is_doc = c.text.starts_with("##");
            if is_doc && previous_plain {
                self.out.push('\n');
            }
            previous_plain = !is_doc;
            let line = format!("{}{}\n", pad(indent), c.text);
            self.out.push_str(&line);
            self.next += 1;
        }
    }

    /// Appends a trailing comment that follows code ending at `end`, if the
    /// next comment is one and comes before `before`.
    fn trailing(&mut self, end: usize, before: usize) {
        if let Some(c) = self.comments.get(self.next) {
            if c.trailing && c.start >= end && c.start < before {
                let text = format!("  {}", c.text);
                self.out.push_str(&text);
                self.next += 1;
            }
        }
    }

    fn has_comment_in(&self, start: usize, end: usize) -> bool {
        self.comments[self.next..]
            .iter()
            .any(|c| c.start >= start && c.start < end)
    }

    /// The literal text of a number or quantity, as written.
    fn lexeme(&self, value: &Value) -> String {
        self.src.get(value.span.range()).unwrap_or("").to_string()
    }

    fn value_inline(&self, value: &Value) -> String {
        match &value.kind {
            ValueKind::Str(s) => escape(s),
            ValueKind::Int(_) | ValueKind::Float(_) | ValueKind::Quantity { .. } => {
                self.lexeme(value)
            }
            ValueKind::Bool(b) => b.to_string(),
            ValueKind::Path(parts) => parts
                .iter()
                .map(|p| p.name.as_str())
                .collect::<Vec<_>>()
                .join("."),
            ValueKind::RunPoint(p) => point((*p).into()),
            ValueKind::Iov(i) => iov(&i.kind.into()),
            ValueKind::List(items) => {
                format!(
                    "[{}]",
                    items
                        .iter()
                        .map(|v| self.value_inline(v))
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            }
            ValueKind::Error => String::new(),
        }
    }

    /// A value after `prefix` at `indent`: on one line if it fits, else a
    /// list with one element per line.
    fn value(&self, value: &Value, prefix_len: usize, indent: usize) -> String {
        let inline = self.value_inline(value);
        match &value.kind {
            ValueKind::List(items) if prefix_len + inline.len() > WIDTH && !items.is_empty() => {
                let mut text = String::from("[\n");
                for item in items {
                    let inner = pad(indent + 1);
                    let element = self.value(item, inner.len(), indent + 1);
                    text.push_str(&format!("{inner}{element},\n"));
                }
                text.push_str(&format!("{}]", pad(indent)));
                text
            }
            _ => inline,
        }
    }

    fn field_text(&self, field: &Field, indent: usize, align: usize) -> String {
        let prefix = format!("{:<align$} = ", field.name.name);
        let value = self.value(&field.value, indent * 2 + prefix.len(), indent);
        format!("{prefix}{value}")
    }

    fn item(&mut self, item: &Item) {
        let name = match item.kind {
            ItemKind::Release => escape(&item.name.name),
            _ => item.name.name.clone(),
        };
        let header = format!("{} {name} {{", item.kind.keyword());
        match &item.body {
            ItemBody::Block(block) => {
                // Releases and skims are one-liners in the language's own
                // examples; they stay so while they fit.
                if matches!(item.kind, ItemKind::Release | ItemKind::Skim) {
                    if let Some(inline) = self.inline_fields(&header, block, 0) {
                        self.out.push_str(&inline);
                        return;
                    }
                }
                self.out.push_str(&header);
                self.block(block, 1);
            }
            ItemBody::Enum(entries) => self.enum_body(&header, entries, item.span.end as usize),
        }
    }

    fn enum_body(&mut self, header: &str, entries: &[EnumEntry], end: usize) {
        let entry_text = |e: &EnumEntry| match &e.text {
            Some(t) => format!("{} = {}", e.name.name, escape(&t.value)),
            None => e.name.name.clone(),
        };
        let start = entries.first().map_or(end, |e| e.span.start as usize);
        let inline = format!(
            "{header} {} }}",
            entries
                .iter()
                .map(entry_text)
                .collect::<Vec<_>>()
                .join(", ")
        );
        if inline.len() <= WIDTH && !self.has_comment_in(start, end) {
            self.out.push_str(&inline);
            return;
        }
        self.out.push_str(header);
        self.trailing(start.saturating_sub(1), start);
        self.out.push('\n');
        for (i, e) in entries.iter().enumerate() {
            self.leading(e.span.start as usize, 1);
            let line = format!("  {},", entry_text(e));
            self.out.push_str(&line);
            let next = entries.get(i + 1).map_or(end, |n| n.span.start as usize);
            self.trailing(e.span.end as usize, next);
            self.out.push('\n');
        }
        self.leading(end.saturating_sub(1), 1);
        self.out.push('}');
    }

    /// The entries of a block after its header; ends with the closing `}`
    /// at the header's indentation.
    fn block(&mut self, block: &Block, indent: usize) {
        let open_end = block.span.start as usize + 1;
        let close = (block.span.end as usize).saturating_sub(1);
        let first = block.entries.first().map_or(close, entry_start);
        self.trailing(open_end, first);
        self.out.push('\n');
        let iov_width = block
            .entries
            .iter()
            .filter_map(|e| match e {
                Entry::Iov(l) => Some(iov(&l.iov()).len()),
                _ => None,
            })
            .max()
            .unwrap_or(0);
        // `=` signs line up within each run of consecutive fields.
        let mut align = vec![0; block.entries.len()];
        let mut run_start = 0;
        for i in 0..=block.entries.len() {
            let is_field = matches!(block.entries.get(i), Some(Entry::Field(_)));
            if !is_field {
                let width = block.entries[run_start..i]
                    .iter()
                    .filter_map(|e| match e {
                        Entry::Field(f) => Some(f.name.name.len()),
                        _ => None,
                    })
                    .max()
                    .unwrap_or(0);
                align[run_start..i].fill(width);
                run_start = i + 1;
            }
        }
        for (i, entry) in block.entries.iter().enumerate() {
            let start = entry_start(entry);
            let wants_blank = matches!(entry, Entry::Nested(n) if n.kind != NestedKind::Production)
                || matches!(entry, Entry::Import(_));
            if i > 0 && wants_blank {
                self.out.push('\n');
            }
            self.leading(start, indent);
            self.out.push_str(&pad(indent));
            self.entry(entry, indent, iov_width, align[i]);
            let next = block.entries.get(i + 1).map_or(close, entry_start);
            self.trailing(entry_end(entry), next);
            self.out.push('\n');
        }
        self.leading(close, indent);
        self.out.push_str(&pad(indent - 1));
        self.out.push('}');
    }

    fn entry(&mut self, entry: &Entry, indent: usize, iov_width: usize, align: usize) {
        match entry {
            Entry::Field(f) => {
                let text = self.field_text(f, indent, align);
                self.out.push_str(&text);
            }
            Entry::Import(i) => {
                let text = format!("payloads from {}", escape(&i.path.value));
                self.out.push_str(&text);
            }
            Entry::Iov(line) => {
                let rev = match &line.rev {
                    Revision::Number(value) => value.to_string(),
                    Revision::Text(s) => escape(s),
                };
                let text = format!("{:<iov_width$}  rev {rev}", iov(&line.iov()));
                self.out.push_str(&text);
            }
            Entry::Map(m) => self.map(m, indent),
            Entry::Nested(n) => self.nested(n, indent),
        }
    }

    fn map(&mut self, m: &MapBlock, indent: usize) {
        let (start, end) = (m.span.start as usize, m.span.end as usize);
        if let [field] = m.fields.as_slice() {
            let inline = format!(
                "{} {{ {} }}",
                m.name.name,
                self.field_text(field, indent, 0)
            );
            if indent * 2 + inline.len() <= WIDTH && !self.has_comment_in(start, end) {
                self.out.push_str(&inline);
                return;
            }
        }
        let header = format!("{} {{", m.name.name);
        self.out.push_str(&header);
        let first = m.fields.first().map_or(end, |f| f.span.start as usize);
        self.trailing(start + m.name.name.len(), first);
        self.out.push('\n');
        let align = m
            .fields
            .iter()
            .map(|f| f.name.name.len())
            .max()
            .unwrap_or(0);
        for (i, f) in m.fields.iter().enumerate() {
            self.leading(f.span.start as usize, indent + 1);
            let text = format!(
                "{}{}",
                pad(indent + 1),
                self.field_text(f, indent + 1, align)
            );
            self.out.push_str(&text);
            let next = m.fields.get(i + 1).map_or(end, |n| n.span.start as usize);
            self.trailing(f.span.end as usize, next);
            self.out.push('\n');
        }
        self.leading(end.saturating_sub(1), indent + 1);
        self.out.push_str(&pad(indent));
        self.out.push('}');
    }

    /// `HEADER f1 = v  f2 = v }` on one line, if the block has only fields,
    /// no comments, and the line fits.
    fn inline_fields(&self, header: &str, block: &Block, indent: usize) -> Option<String> {
        let (start, end) = (block.span.start as usize, block.span.end as usize);
        if self.has_comment_in(start, end) {
            return None;
        }
        let mut fields = Vec::new();
        for entry in &block.entries {
            match entry {
                Entry::Field(f) => fields.push(self.field_text(f, indent + 1, 0)),
                _ => return None,
            }
        }
        let inline = if fields.is_empty() {
            format!("{header} }}")
        } else {
            format!("{header} {} }}", fields.join("  "))
        };
        (indent * 2 + inline.len() <= WIDTH && !inline.contains('\n')).then_some(inline)
    }

    fn nested(&mut self, n: &Nested, indent: usize) {
        let label = match &n.label {
            Label::Name(i) => i.name.clone(),
            Label::Id { value, .. } => value.to_string(),
        };
        let header = format!("{} {label} {{", n.kind.keyword());
        if n.kind == NestedKind::Production {
            if let Some(inline) = self.inline_fields(&header, &n.body, indent) {
                self.out.push_str(&inline);
                return;
            }
        }

        self.out.push_str(&header);
        self.block(&n.body, indent + 1);
    }
}
