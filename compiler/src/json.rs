//! JSON layout shared by the artifacts: [`ShallowPretty`] indents the outer
//! levels of a document like `serde_json`'s pretty printer and writes each
//! value below them on one line. Long lists of small records (the changes
//! of a plan) then read and diff one record per line, at about half the
//! size of fully indented JSON.

use serde_json::ser::Formatter;
use std::io::{self, Write};

/// A [`Formatter`] that indents the first `levels` levels of nesting by two
/// spaces and writes deeper containers compactly, with `", "` and `": "`
/// separators.
#[derive(Debug, Clone)]
pub struct ShallowPretty {
    levels: usize,
    depth: usize,
    has_value: bool,
}

impl ShallowPretty {
    pub fn new(levels: usize) -> ShallowPretty {
        ShallowPretty {
            levels,
            depth: 0,
            has_value: false,
        }
    }

    fn indented(&self) -> bool {
        self.depth <= self.levels
    }

    fn begin<W: ?Sized + Write>(&mut self, writer: &mut W, open: &[u8]) -> io::Result<()> {
        self.depth += 1;
        self.has_value = false;
        writer.write_all(open)
    }

    fn end<W: ?Sized + Write>(&mut self, writer: &mut W, close: &[u8]) -> io::Result<()> {
        let indented = self.indented();
        self.depth -= 1;
        if self.has_value && indented {
            writer.write_all(b"\n")?;
            indent(writer, self.depth)?;
        }
        writer.write_all(close)
    }

    fn item<W: ?Sized + Write>(&mut self, writer: &mut W, first: bool) -> io::Result<()> {
        if self.indented() {
            writer.write_all(if first { b"\n" } else { b",\n" })?;
            indent(writer, self.depth)
        } else if first {
            Ok(())
        } else {
            writer.write_all(b", ")
        }
    }
}

fn indent<W: ?Sized + Write>(writer: &mut W, depth: usize) -> io::Result<()> {
    for _ in 0..depth {
        writer.write_all(b"  ")?;
    }
    Ok(())
}

impl Formatter for ShallowPretty {
    fn begin_array<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.begin(writer, b"[")
    }

    fn end_array<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.end(writer, b"]")
    }

    fn begin_array_value<W: ?Sized + Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> io::Result<()> {
        self.item(writer, first)
    }

    fn end_array_value<W: ?Sized + Write>(&mut self, _writer: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }

    fn begin_object<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.begin(writer, b"{")
    }

    fn end_object<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.end(writer, b"}")
    }

    fn begin_object_key<W: ?Sized + Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> io::Result<()> {
        self.item(writer, first)
    }

    fn begin_object_value<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        writer.write_all(b": ")
    }

    fn end_object_value<W: ?Sized + Write>(&mut self, _writer: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::ShallowPretty;
    use serde::Serialize;
    use serde_json::json;

    fn layout(value: &serde_json::Value, levels: usize) -> String {
        let mut out = Vec::new();
        let mut serializer =
            serde_json::Serializer::with_formatter(&mut out, ShallowPretty::new(levels));
        value.serialize(&mut serializer).expect("values serialise");
        String::from_utf8(out).expect("UTF-8")
    }

    #[test]
    fn outer_levels_are_indented_and_inner_ones_kept_on_a_line() {
        let value = json!({"a": {"p": [{"x": 1, "y": [2, 3]}, {}], "q": []}, "b": "s"});
        assert_eq!(
            layout(&value, 3),
            "{\n  \"a\": {\n    \"p\": [\n      {\"x\": 1, \"y\": [2, 3]},\n      {}\n    ],\n    \"q\": []\n  },\n  \"b\": \"s\"\n}"
        );
    }

    #[test]
    fn the_layout_is_still_json_of_the_same_value() {
        let value = json!({"a": [[1, {"b": [true, null]}], []], "c": {"d": {}}});
        for levels in 0..5 {
            let text = layout(&value, levels);
            let back: serde_json::Value = serde_json::from_str(&text).expect("valid JSON");
            assert_eq!(back, value, "levels {levels}: {text}");
        }
        assert_eq!(
            layout(&value, 0),
            "{\"a\": [[1, {\"b\": [true, null]}], []], \"c\": {\"d\": {}}}"
        );
    }
}
