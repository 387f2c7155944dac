//! The difference between a tag's desired content and its current state,
//! Terraform style: IoVs to add (`+`), to remove (`-`) and whose end
//! changes (`~`, closing an open IoV).

use super::{Entry, IovKey, Rev};
use crate::check::iov::write_range;
use serde::Serialize;
use std::collections::BTreeMap;

/// One change of a payload. It borrows the revision text from the entries
/// compared; `plan.json` writes the intervals in the database form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum Change<'a> {
    Add {
        revision: Rev<'a>,
        iov: IovKey,
    },
    Remove {
        revision: Rev<'a>,
        iov: IovKey,
    },
    Change {
        revision: Rev<'a>,
        iov: IovKey,
        to: IovKey,
    },
}

#[derive(Debug, Clone, Serialize)]
pub struct Plan<'a> {
    pub schema: &'static str,
    pub tag: &'a str,
    /// FNV-1a of the current state's text: a saved plan applies only to it.
    pub fingerprint: String,
    /// Changes per payload, payloads in name order; unchanged ones left out.
    pub changes: BTreeMap<&'a str, Vec<Change<'a>>>,
    pub unchanged: usize,
}

/// A stable fingerprint of a text (64-bit FNV-1a, hexadecimal).
pub fn fingerprint(text: &str) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in text.bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("{hash:016x}")
}

/// Entries in (payload, interval, revision) order without repeats, the
/// order in which [`diff`] walks them.
fn sorted<'a: 'e, 'e>(entries: impl IntoIterator<Item = &'e Entry<'a>>) -> Vec<Entry<'a>> {
    let mut list: Vec<Entry<'a>> = entries.into_iter().copied().collect();
    list.sort_unstable_by(|a, b| {
        (a.payload, a.iov, a.revision).cmp(&(b.payload, b.iov, b.revision))
    });
    list.dedup();
    list
}

/// Compares desired and current entries payload by payload. The entries
/// are borrowed: a plan holds no copy of their text.
pub fn diff<'a: 'e, 'e>(
    tag: &'a str,
    desired: impl IntoIterator<Item = &'e Entry<'a>>,
    current: impl IntoIterator<Item = &'e Entry<'a>>,
    current_text: &str,
) -> Plan<'a> {
    let (want, have) = (sorted(desired), sorted(current));
    let (mut w, mut h) = (&want[..], &have[..]);
    let mut changes = BTreeMap::new();
    let mut unchanged = 0;
    // Both lists are sorted by payload: take the next payload of either,
    // and its lines from both.
    loop {
        let name = match (w.first(), h.first()) {
            (None, None) => break,
            (Some(a), None) => a.payload,
            (None, Some(b)) => b.payload,
            (Some(a), Some(b)) => a.payload.min(b.payload),
        };
        let wn = w.iter().take_while(|e| e.payload == name).count();
        let hn = h.iter().take_while(|e| e.payload == name).count();
        let list = payload_changes(&w[..wn], &h[..hn]);
        (w, h) = (&w[wn..], &h[hn..]);
        if list.is_empty() {
            unchanged += 1;
        } else {
            changes.insert(name, list);
        }
    }
    Plan {
        schema: "prodc.plan/v1",
        tag,
        fingerprint: fingerprint(current_text),
        changes,
        unchanged,
    }
}

/// The changes of one payload, by start of interval: `want` and `have` are
/// its desired and current lines, sorted by (interval, revision).
fn payload_changes<'a>(want: &[Entry<'a>], have: &[Entry<'a>]) -> Vec<Change<'a>> {
    let key = |e: &Entry<'a>| (e.iov, e.revision);
    // Set differences of the two sorted lists, in one merge.
    let (mut adds, mut removes) = (Vec::new(), Vec::new());
    let (mut i, mut j) = (0, 0);
    while i < want.len() || j < have.len() {
        match (want.get(i), have.get(j)) {
            (Some(a), Some(b)) if key(a) == key(b) => (i, j) = (i + 1, j + 1),
            (Some(a), Some(b)) if key(a) < key(b) => {
                adds.push(key(a));
                i += 1;
            }
            (Some(a), None) => {
                adds.push(key(a));
                i += 1;
            }
            (_, Some(b)) => {
                removes.push(key(b));
                j += 1;
            }
            (None, None) => unreachable!("the loop runs while either list has lines"),
        }
    }
    let mut list = Vec::with_capacity(adds.len() + removes.len());
    // The same revision from the same start with another end: an IoV whose
    // end changes (typically an open one being closed).
    adds.retain(|&(iov, revision)| {
        let pos = removes.iter().position(|&(old, old_rev): &(IovKey, Rev)| {
            old_rev == revision && old.start == iov.start
        });
        match pos {
            Some(i) => {
                let (old, _) = removes.remove(i);
                list.push(Change::Change {
                    revision,
                    iov: old,
                    to: iov,
                });
                false
            }
            None => true,
        }
    });
    list.extend(
        adds.into_iter()
            .map(|(iov, revision)| Change::Add { revision, iov }),
    );
    list.extend(
        removes
            .into_iter()
            .map(|(iov, revision)| Change::Remove { revision, iov }),
    );
    list.sort_by_key(|c| c.iov().start);
    list
}

impl<'a> Change<'a> {
    /// The interval the change starts from.
    pub fn iov(&self) -> IovKey {
        match self {
            Change::Add { iov, .. } | Change::Remove { iov, .. } | Change::Change { iov, .. } => {
                *iov
            }
        }
    }
}

impl Plan<'_> {
    pub fn counts(&self) -> (usize, usize, usize) {
        let all = self.changes.values().flatten();
        let (mut add, mut change, mut remove) = (0, 0, 0);
        for c in all {
            match c {
                Change::Add { .. } => add += 1,
                Change::Change { .. } => change += 1,
                Change::Remove { .. } => remove += 1,
            }
        }
        (add, change, remove)
    }

    pub fn has_changes(&self) -> bool {
        !self.changes.is_empty()
    }

    /// The one-line summary: "3 to add, 1 to change, 0 to remove; 12 payloads unchanged".
    pub fn summary(&self) -> String {
        let (add, change, remove) = self.counts();
        let payloads = if self.unchanged == 1 {
            "payload"
        } else {
            "payloads"
        };
        format!(
            "{add} to add, {change} to change, {remove} to remove; {} {payloads} unchanged",
            self.unchanged
        )
    }

    /// The plan for people, Terraform style.
    pub fn text(&self, against: &str) -> String {
        crate::chunks::to_string(|out| self.write_text(out, against))
    }

    /// Writes [`Plan::text`] to `out`.
    pub fn write_text(&self, out: &mut dyn std::io::Write, against: &str) -> std::io::Result<()> {
        let mut chunks = crate::chunks::Chunks::new(out);
        let text = &mut chunks.text;
        text.push_str("globaltag `");
        text.push_str(self.tag);
        text.push_str("` against ");
        text.push_str(against);
        text.push('\n');
        if !self.has_changes() {
            text.push_str("\nNo changes: the tag already has the content of the manifests.\n");
        }
        for (payload, changes) in &self.changes {
            let only = |f: fn(&Change) -> bool| changes.iter().all(f);
            let sign = if only(|c| matches!(c, Change::Add { .. })) {
                '+'
            } else if only(|c| matches!(c, Change::Remove { .. })) {
                '-'
            } else {
                '~'
            };
            let text = &mut chunks.text;
            text.push_str("\n  ");
            text.push(sign);
            text.push_str(" payload ");
            text.push_str(payload);
            text.push('\n');
            // One line per change, written in place: a new tag of a million
            // IoV lines has a million of them.
            for change in changes {
                write_change_line(&mut chunks.text, change);
                chunks.flush_if_full()?;
            }
        }
        chunks
            .text
            .push_str(&format!("\nPlan: {}.\n", self.summary()));
        chunks.finish()
    }
}

/// One change of [`Plan::text`]: `      + 0:0 ..= 7:*               rev 1`.
fn write_change_line(out: &mut String, change: &Change) {
    let (mark, revision) = match *change {
        Change::Add { revision, .. } => ('+', revision),
        Change::Remove { revision, .. } => ('-', revision),
        Change::Change { revision, .. } => ('~', revision),
    };
    out.push_str("      ");
    out.push(mark);
    out.push(' ');
    let start = out.len();
    write_range(out, &change.iov().iov());
    if let Change::Change { to, .. } = change {
        out.push_str(" → ");
        write_range(out, &to.iov());
    }
    // The range is padded to 28 characters, like `{:<28}`: it is ASCII
    // but for the arrow, three bytes that show as one character.
    let arrow = if matches!(change, Change::Change { .. }) {
        2
    } else {
        0
    };
    let width = out.len() - start - arrow;
    const SPACES: &str = "                            ";
    out.push_str(&SPACES[..SPACES.len().saturating_sub(width)]);
    out.push_str(" rev ");
    revision.write(out);
    let end = out.trim_end().len().max(start);
    out.truncate(end);
    out.push('\n');
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Iov, RunId};

    fn key(start: (u64, u64), end: Option<(u64, u64)>) -> IovKey {
        IovKey::of(&Iov {
            start: RunId {
                exp: start.0,
                run: start.1,
            },
            end: end.map(|(exp, run)| RunId { exp, run }),
        })
    }

    fn entry(payload: &str, rev: u64, start: (u64, u64), end: Option<(u64, u64)>) -> Entry<'_> {
        Entry {
            payload,
            revision: Rev::Number(rev),
            iov: key(start, end),
        }
    }

    #[test]
    fn adds_removes_and_closed_ends_are_told_apart() {
        let current = [
            entry("A", 1, (0, 0), None),
            entry("B", 2, (0, 0), None),
            entry("C", 1, (0, 0), None),
        ];
        let desired = [
            entry("A", 1, (0, 0), Some((7, u64::MAX))),
            entry("A", 2, (8, 0), None),
            entry("B", 2, (0, 0), None),
            // A repeated line is one line.
            entry("B", 2, (0, 0), None),
        ];
        let plan = diff("t", &desired, &current, "x");
        assert_eq!(plan.counts(), (1, 1, 1));
        assert_eq!(plan.unchanged, 1);
        assert_eq!(
            plan.summary(),
            "1 to add, 1 to change, 1 to remove; 1 payload unchanged"
        );
        assert_eq!(
            plan.changes["A"][0],
            Change::Change {
                revision: Rev::Number(1),
                iov: key((0, 0), None),
                to: key((0, 0), Some((7, u64::MAX))),
            }
        );
        let text = plan.text("current.txt");
        assert!(
            text.contains("      ~ 0:0 .. → 0:0 ..= 7:*         rev 1\n"),
            "{text}"
        );
        assert!(
            text.contains("      + 8:0 ..                       rev 2\n"),
            "{text}"
        );
        assert!(
            text.contains("  - payload C\n      - 0:0 ..                       rev 1\n"),
            "{text}"
        );
        let json = plan.json();
        assert!(
            json.contains(
                r#"{"action": "change", "revision": "1", "iov": "0,0,-1,-1", "to": "0,0,7,-1"}"#
            ),
            "{json}"
        );
    }

    #[test]
    fn payloads_only_on_one_side_are_all_added_or_removed() {
        let current = [entry("Z", 4, (1, 0), None)];
        let desired = [
            entry("A", 3, (2, 5), Some((2, 9))),
            entry("A", 2, (0, 0), Some((2, 4))),
        ];
        let plan = diff("t", &desired, &current, "");
        assert_eq!(plan.counts(), (2, 0, 1));
        let starts: Vec<(u64, u64)> = plan.changes["A"].iter().map(|c| c.iov().start).collect();
        assert_eq!(starts, [(0, 0), (2, 5)], "changes in interval order");
        assert_eq!(
            plan.changes["Z"],
            [Change::Remove {
                revision: Rev::Number(4),
                iov: key((1, 0), None)
            }]
        );
    }

    #[test]
    fn text_revisions_that_are_numbers_equal_the_numbers() {
        let text = crate::model::Revision::Text("12".into());
        assert_eq!(Rev::of(&text), Rev::Number(12));
        let padded = crate::model::Revision::Text("012".into());
        assert_eq!(Rev::of(&padded), Rev::Text("012"));
        assert_eq!(Rev::of(&padded).to_string(), "012");
    }

    #[test]
    fn fingerprints_are_stable() {
        assert_eq!(fingerprint(""), "cbf29ce484222325");
        assert_ne!(fingerprint("a"), fingerprint("b"));
    }
}
