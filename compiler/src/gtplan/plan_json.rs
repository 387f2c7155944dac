//! `plan.json` written directly, a chunk at a time: byte for byte the document
//! that `serde_json` makes of a [`Plan`] with
//! [`ShallowPretty`](crate::json::ShallowPretty)`(3)` (a test holds the two
//! equal), without serde's per-field machinery. A new tag of a million IoV
//! lines has a million changes, and this file is the largest a build
//! writes for it.

use super::diff::{Change, Plan};
use super::{IovKey, Rev};
use crate::chunks::Chunks;

impl Plan<'_> {
    /// `plan.json`: indented down to the payloads, then one change per line,
    /// so that a reviewer's diff shows one line per changed interval.
    pub fn json(&self) -> String {
        crate::chunks::to_string(|out| self.write_json(out))
    }

    /// Writes [`Plan::json`] to `out`.
    pub fn write_json(&self, out: &mut dyn std::io::Write) -> std::io::Result<()> {
        let mut chunks = Chunks::new(out);
        let text = &mut chunks.text;
        text.push_str("{\n  \"schema\": ");
        push_str(text, self.schema);
        text.push_str(",\n  \"tag\": ");
        push_str(text, self.tag);
        text.push_str(",\n  \"fingerprint\": ");
        push_str(text, &self.fingerprint);
        text.push_str(",\n  \"changes\": {");
        for (i, (payload, changes)) in self.changes.iter().enumerate() {
            let text = &mut chunks.text;
            text.push_str(if i == 0 { "\n    " } else { ",\n    " });
            push_str(text, payload);
            text.push_str(": [");
            for (j, change) in changes.iter().enumerate() {
                let text = &mut chunks.text;
                text.push_str(if j == 0 { "\n      " } else { ",\n      " });
                push_change(text, change);
                chunks.flush_if_full()?;
            }
            let text = &mut chunks.text;
            if !changes.is_empty() {
                text.push_str("\n    ");
            }
            text.push(']');
        }
        let text = &mut chunks.text;
        if !self.changes.is_empty() {
            text.push_str("\n  ");
        }
        text.push_str("},\n  \"unchanged\": ");
        text.push_str(itoa::Buffer::new().format(self.unchanged));
        text.push_str("\n}\n");
        chunks.finish()
    }
}

/// One change on one line, fields in declaration order as serde writes
/// them: `{"action": "add", "revision": "1", "iov": "0,0,0,-1"}`.
fn push_change(out: &mut String, change: &Change) {
    let (action, revision, iov, to) = match *change {
        Change::Add { revision, iov } => ("add", revision, iov, None),
        Change::Remove { revision, iov } => ("remove", revision, iov, None),
        Change::Change { revision, iov, to } => ("change", revision, iov, Some(to)),
    };
    out.push_str("{\"action\": \"");
    out.push_str(action);
    out.push_str("\", \"revision\": ");
    match revision {
        Rev::Number(n) => {
            out.push('"');
            out.push_str(itoa::Buffer::new().format(n));
            out.push('"');
        }
        Rev::Text(text) => push_str(out, text),
    }
    out.push_str(", \"iov\": ");
    push_iov(out, iov);
    if let Some(to) = to {
        out.push_str(", \"to\": ");
        push_iov(out, to);
    }
    out.push('}');
}

/// An interval in the database form, which has nothing to escape.
fn push_iov(out: &mut String, iov: IovKey) {
    out.push('"');
    iov.write_database_form(out);
    out.push('"');
}

/// A JSON string. Names and revisions rarely need escaping, so only those
/// that do go through `serde_json`.
fn push_str(out: &mut String, text: &str) {
    if text.bytes().any(|b| b == b'"' || b == b'\\' || b < 0x20) {
        out.push_str(&serde_json::to_string(text).expect("strings serialise"));
    } else {
        out.push('"');
        out.push_str(text);
        out.push('"');
    }
}

#[cfg(test)]
mod tests {
    use super::super::diff::diff;
    use super::super::Entry;
    use super::*;
    use crate::model::{Iov, RunId};
    use serde::Serialize;

    /// What `serde_json` writes of the plan with the shared formatter.
    fn by_serde(plan: &Plan) -> String {
        let mut out = Vec::new();
        let mut serializer =
            serde_json::Serializer::with_formatter(&mut out, crate::json::ShallowPretty::new(3));
        plan.serialize(&mut serializer).expect("plans serialise");
        out.push(b'\n');
        String::from_utf8(out).expect("serde_json writes UTF-8")
    }

    fn entry(
        payload: &'static str,
        rev: Rev<'static>,
        start: u64,
        end: Option<(u64, u64)>,
    ) -> Entry<'static> {
        Entry {
            payload,
            revision: rev,
            iov: IovKey::of(&Iov {
                start: RunId { exp: start, run: 0 },
                end: end.map(|(exp, run)| RunId { exp, run }),
            }),
        }
    }

    #[test]
    fn the_direct_writer_matches_serde() {
        let current = [
            entry("A", Rev::Number(1), 0, None),
            entry("Gone", Rev::Text("v\"1\\x"), 3, Some((4, RunId::LAST))),
            entry("Same", Rev::Number(7), 0, None),
        ];
        let desired = [
            entry("A", Rev::Number(1), 0, Some((5, 9))),
            entry("A", Rev::Text("é\ttab"), 6, None),
            entry("Ne\"w\u{1}", Rev::Number(u64::MAX), 0, None),
            entry("Same", Rev::Number(7), 0, None),
        ];
        let cases = [
            diff("tag\"q", &desired, &current, "text"),
            diff("new", &desired, &[], ""),
            diff("all-gone", &[], &current, "x"),
            diff("same", &current, &current, "y"),
            diff("empty", &[], &[], ""),
        ];
        for plan in &cases {
            assert_eq!(plan.json(), by_serde(plan));
            let parsed: serde_json::Value =
                serde_json::from_str(&plan.json()).expect("plan.json is JSON");
            assert_eq!(parsed["tag"], plan.tag);
        }
        assert!(cases[0].has_changes() && !cases[3].has_changes());
    }
}
