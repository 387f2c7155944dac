//! The difference between a tag's desired content and its current state,
//! Terraform style: IoVs to add (`+`), to remove (`-`) and whose end
//! changes (`~`, closing an open IoV).

use super::{Entry, IovKey};
use crate::check::iov::format_range;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum Change {
    Add {
        revision: String,
        iov: String,
    },
    Remove {
        revision: String,
        iov: String,
    },
    Change {
        revision: String,
        iov: String,
        to: String,
    },
}

#[derive(Debug, Clone, Serialize)]
pub struct Plan {
    pub schema: &'static str,
    pub tag: String,
    /// FNV-1a of the current state's text: a saved plan applies only to it.
    pub fingerprint: String,
    /// Changes per payload, payloads in name order; unchanged ones left out.
    pub changes: BTreeMap<String, Vec<Change>>,
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

fn db(iov: IovKey) -> String {
    crate::check::iov::database_form(&iov.iov())
}

/// Compares desired and current entries payload by payload. The entries
/// are borrowed: only what changes is copied into the plan.
pub fn diff<'a>(
    tag: &str,
    desired: impl IntoIterator<Item = &'a Entry>,
    current: impl IntoIterator<Item = &'a Entry>,
    current_text: &str,
) -> Plan {
    type Grouped<'a> = BTreeMap<&'a str, BTreeSet<(IovKey, &'a str)>>;
    fn group<'a>(entries: impl IntoIterator<Item = &'a Entry>) -> Grouped<'a> {
        let mut map: Grouped<'a> = BTreeMap::new();
        for e in entries {
            map.entry(e.payload.as_str())
                .or_default()
                .insert((e.iov, e.revision.as_str()));
        }
        map
    }
    let (want, have) = (group(desired), group(current));
    let names: BTreeSet<&str> = want.keys().chain(have.keys()).copied().collect();
    let mut changes = BTreeMap::new();
    let mut unchanged = 0;
    for name in names {
        let empty = BTreeSet::new();
        let w = want.get(name).unwrap_or(&empty);
        let h = have.get(name).unwrap_or(&empty);
        let mut adds: Vec<&(IovKey, &str)> = w.difference(h).collect();
        let mut removes: Vec<&(IovKey, &str)> = h.difference(w).collect();
        let mut list = Vec::new();
        // The same revision from the same start with another end: an IoV
        // whose end changes (typically an open one being closed).
        adds.retain(|(iov, rev)| {
            let pos = removes
                .iter()
                .position(|(old, old_rev)| old_rev == rev && old.start == iov.start);
            match pos {
                Some(i) => {
                    let (old, _) = removes.remove(i);
                    list.push((
                        iov.start,
                        Change::Change {
                            revision: rev.to_string(),
                            iov: db(*old),
                            to: db(*iov),
                        },
                    ));
                    false
                }
                None => true,
            }
        });
        list.extend(adds.iter().map(|(iov, rev)| {
            (
                iov.start,
                Change::Add {
                    revision: rev.to_string(),
                    iov: db(*iov),
                },
            )
        }));
        list.extend(removes.iter().map(|(iov, rev)| {
            (
                iov.start,
                Change::Remove {
                    revision: rev.to_string(),
                    iov: db(*iov),
                },
            )
        }));
        if list.is_empty() {
            unchanged += 1;
            continue;
        }
        list.sort_by_key(|entry| entry.0);
        changes.insert(name.to_string(), list.into_iter().map(|(_, c)| c).collect());
    }
    Plan {
        schema: "prodc.plan/v1",
        tag: tag.to_string(),
        fingerprint: fingerprint(current_text),
        changes,
        unchanged,
    }
}

impl Plan {
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
        let mut out = format!("globaltag `{}` against {against}\n", self.tag);
        if !self.has_changes() {
            out.push_str("\nNo changes: the tag already has the content of the manifests.\n");
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
            let _ = write!(out, "\n  {sign} payload {payload}\n");
            // One line per change, written in place: a new tag of a million
            // IoV lines has a million of them.
            let mut range = String::new();
            for change in changes {
                range.clear();
                let (mark, revision) = match change {
                    Change::Add { revision, iov } => {
                        push_shown(&mut range, iov);
                        ('+', revision)
                    }
                    Change::Remove { revision, iov } => {
                        push_shown(&mut range, iov);
                        ('-', revision)
                    }
                    Change::Change { revision, iov, to } => {
                        push_shown(&mut range, iov);
                        range.push_str(" → ");
                        push_shown(&mut range, to);
                        ('~', revision)
                    }
                };
                let start = out.len();
                let _ = write!(out, "      {mark} {range:<28} rev {revision}");
                let end = out.trim_end().len().max(start);
                out.truncate(end);
                out.push('\n');
            }
        }
        out.push_str(&format!("\nPlan: {}.\n", self.summary()));
        out
    }
}

/// Appends `3,0,7,-1` as written in manifests: `3:0 ..= 7:*`.
fn push_shown(out: &mut String, db_form: &str) {
    let mut n = [0i64; 4];
    let mut count = 0;
    for part in db_form.split(',') {
        match (n.get_mut(count), part.parse()) {
            (Some(slot), Ok(value)) => *slot = value,
            _ => {
                out.push_str(db_form);
                return;
            }
        }
        count += 1;
    }
    if count != 4 {
        out.push_str(db_form);
        return;
    }
    let run = |r: i64| {
        if r < 0 {
            crate::model::RunId::LAST
        } else {
            r as u64
        }
    };
    let start = crate::model::RunId {
        exp: n[0] as u64,
        run: run(n[1]),
    };
    let end = (n[2] >= 0).then(|| crate::model::RunId {
        exp: n[2] as u64,
        run: run(n[3]),
    });
    out.push_str(&format_range(&crate::model::Iov { start, end }));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Iov, RunId};

    fn entry(payload: &str, rev: &str, start: (u64, u64), end: Option<(u64, u64)>) -> Entry {
        let iov = Iov {
            start: RunId {
                exp: start.0,
                run: start.1,
            },
            end: end.map(|(exp, run)| RunId { exp, run }),
        };
        Entry {
            payload: payload.into(),
            revision: rev.into(),
            iov: IovKey::of(&iov),
        }
    }

    #[test]
    fn adds_removes_and_closed_ends_are_told_apart() {
        let current = [
            entry("A", "1", (0, 0), None),
            entry("B", "2", (0, 0), None),
            entry("C", "1", (0, 0), None),
        ];
        let desired = [
            entry("A", "1", (0, 0), Some((7, u64::MAX))),
            entry("A", "2", (8, 0), None),
            entry("B", "2", (0, 0), None),
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
                revision: "1".into(),
                iov: "0,0,-1,-1".into(),
                to: "0,0,7,-1".into()
            }
        );
        assert!(plan.text("current.txt").contains("~ 0:0 .. → 0:0 ..= 7:*"));
    }

    #[test]
    fn fingerprints_are_stable() {
        assert_eq!(fingerprint(""), "cbf29ce484222325");
        assert_ne!(fingerprint("a"), fingerprint("b"));
    }
}
