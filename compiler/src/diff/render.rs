//! Rendering a diff report as plain text (terminals) and Markdown (pull
//! request comments).

use super::*;

/// A value for people: strings bare unless they would be ambiguous, lists
/// in brackets, `none` for a missing value.
fn shown(value: &Value) -> String {
    match value {
        Value::Null => "none".to_string(),
        Value::String(s) => {
            let ambiguous = s.is_empty()
                || s.trim() != s
                || s == "none"
                || s.chars().any(|c| {
                    c.is_control() || matches!(c, ',' | '[' | ']' | '{' | '}' | '"' | '→')
                });
            if ambiguous {
                value.to_string()
            } else {
                s.clone()
            }
        }
        Value::Array(items) => {
            let items: Vec<String> = items.iter().map(shown).collect();
            format!("[{}]", items.join(", "))
        }
        Value::Object(map) => {
            let fields: Vec<String> = map
                .iter()
                .map(|(k, v)| format!("{k}: {}", shown(v)))
                .collect();
            format!("{{{}}}", fields.join(", "))
        }
        Value::Bool(_) | Value::Number(_) => value.to_string(),
    }
}

/// A markdown code span that survives backticks in the text.
fn code(text: &str) -> String {
    let mut fence = "`".to_string();
    while text.contains(fence.as_str()) {
        fence.push('`');
    }
    if fence.len() > 1 {
        // The spaces keep a backtick at either end apart from the fence.
        format!("{fence} {text} {fence}")
    } else {
        format!("`{text}`")
    }
}

/// `items: 1 added, 2 changed` (zeros left out), or `items: unchanged`.
fn counts<'a>(statuses: impl Iterator<Item = &'a Status>, what: &str) -> String {
    let mut n = [0usize; 3];
    for status in statuses {
        n[*status as usize] += 1;
    }
    let parts: Vec<String> = n
        .iter()
        .zip(["added", "removed", "changed"])
        .filter(|(count, _)| **count > 0)
        .map(|(count, word)| format!("{count} {word}"))
        .collect();
    if parts.is_empty() {
        format!("{what}: unchanged")
    } else {
        format!("{what}: {}", parts.join(", "))
    }
}

impl Report {
    /// True when the versions are the same: no item, job or path differs.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
            && self.jobs.is_empty()
            && self.paths.appear == 0
            && self.paths.vanish == 0
    }

    /// One line: `items: 1 changed; jobs: 2 changed; output paths: unchanged`.
    pub fn summary(&self) -> String {
        let items = counts(self.items.iter().map(|i| &i.status), "items");
        let jobs = counts(self.jobs.iter().map(|j| &j.status), "jobs");
        let paths = match (self.paths.appear, self.paths.vanish) {
            (0, 0) => "output paths: unchanged".to_string(),
            (appear, vanish) => format!("output paths: {appear} appear, {vanish} vanish"),
        };
        format!("{items}; {jobs}; {paths}")
    }

    /// The lines of the item changes, without markup: `campaign MC12b ›
    /// sample Bp_DstTauNu › events` and the change.
    fn item_lines(&self) -> Vec<(char, String, String)> {
        let mut lines = Vec::new();
        for item in &self.items {
            let head = format!("{} {}", item.kind, item.name);
            match item.status {
                Status::Added => lines.push(('+', head, String::new())),
                Status::Removed => lines.push(('-', head, String::new())),
                Status::Changed => {
                    for c in &item.changes {
                        let mut path = vec![head.clone()];
                        path.extend(c.path.iter().cloned());
                        lines.push(('~', path.join(" › "), change_text(c)));
                    }
                }
            }
        }
        lines
    }

    /// The report for a terminal.
    pub fn text(&self) -> String {
        if self.is_empty() {
            return "no differences\n".to_string();
        }
        let mut out = format!("{}\n", self.summary());
        if !self.items.is_empty() {
            out.push_str("\nitems:\n");
            for (sign, path, what) in self.item_lines() {
                if what.is_empty() {
                    out.push_str(&format!("  {sign} {path}\n"));
                } else {
                    out.push_str(&format!("  {sign} {path}: {what}\n"));
                }
            }
        }
        if !self.jobs.is_empty() {
            out.push_str("\njobs:\n");
            for job in &self.jobs {
                match job.status {
                    Status::Added => out.push_str(&format!("  + {}\n", job.name)),
                    Status::Removed => out.push_str(&format!("  - {}\n", job.name)),
                    Status::Changed => {
                        let fields: Vec<String> = job.fields.iter().map(field_text).collect();
                        out.push_str(&format!("  ~ {}: {}\n", job.name, fields.join(", ")));
                    }
                }
            }
        }
        let paths = &self.paths;
        if paths.appear + paths.vanish > 0 {
            out.push_str(&format!(
                "\noutput paths: {} appear, {} vanish\n",
                paths.appear, paths.vanish
            ));
            for (sign, count, examples) in [
                ('+', paths.appear, &paths.appear_examples),
                ('-', paths.vanish, &paths.vanish_examples),
            ] {
                for path in examples {
                    out.push_str(&format!("  {sign} {path}\n"));
                }
                if count > examples.len() {
                    out.push_str(&format!("  {sign} … and {} more\n", count - examples.len()));
                }
            }
        }
        out
    }

    /// The report as markdown, for a pull request comment.
    pub fn markdown(&self) -> String {
        let mut out = "### prodc diff\n\n".to_string();
        if self.is_empty() {
            out.push_str("No differences.\n");
            return out;
        }
        out.push_str(&format!("{}.\n", capitalised(&self.summary())));
        if !self.items.is_empty() {
            out.push_str("\n#### Items\n\n");
            for item in &self.items {
                let head = format!("{} {}", item.kind, item.name);
                match item.status {
                    Status::Added => out.push_str(&format!("- added {}\n", code(&head))),
                    Status::Removed => out.push_str(&format!("- removed {}\n", code(&head))),
                    Status::Changed => {
                        out.push_str(&format!("- changed {}\n", code(&head)));
                        for c in item.changes.iter().take(MARKDOWN_LIMIT) {
                            out.push_str(&format!(
                                "  - {}: {}\n",
                                code(&c.path.join(" › ")),
                                change_markdown(c)
                            ));
                        }
                        out.push_str(&more("  - ", item.changes.len()));
                    }
                }
            }
        }
        if !self.jobs.is_empty() {
            out.push_str("\n#### Jobs\n\n");
            for job in self.jobs.iter().take(MARKDOWN_LIMIT) {
                match job.status {
                    Status::Added => out.push_str(&format!("- added {}\n", code(&job.name))),
                    Status::Removed => out.push_str(&format!("- removed {}\n", code(&job.name))),
                    Status::Changed => {
                        let fields: Vec<String> = job
                            .fields
                            .iter()
                            .map(|f| match (scalar(&f.old), scalar(&f.new)) {
                                (true, true) => format!(
                                    "{} {} → {}",
                                    code(&f.field),
                                    code(&shown(&f.old)),
                                    code(&shown(&f.new))
                                ),
                                _ => code(&f.field),
                            })
                            .collect();
                        out.push_str(&format!(
                            "- changed {}: {}\n",
                            code(&job.name),
                            fields.join(", ")
                        ));
                    }
                }
            }
            out.push_str(&more("- ", self.jobs.len()));
        }
        let paths = &self.paths;
        if paths.appear + paths.vanish > 0 {
            out.push_str("\n#### Output paths\n\n");
            for (count, verb, examples) in [
                (paths.appear, "appear", &paths.appear_examples),
                (paths.vanish, "vanish", &paths.vanish_examples),
            ] {
                if count == 0 {
                    continue;
                }
                let verb = match (count, verb) {
                    (1, "appear") => "appears",
                    (1, _) => "vanishes",
                    _ => verb,
                };
                out.push_str(&format!("- {count} {verb}:\n"));
                for path in examples {
                    out.push_str(&format!("  - {}\n", code(path)));
                }
                if count > examples.len() {
                    out.push_str(&format!("  - … and {} more\n", count - examples.len()));
                }
            }
        }
        out
    }
}

/// The line for what the markdown report leaves out of a list of `count`.
fn more(bullet: &str, count: usize) -> String {
    if count > MARKDOWN_LIMIT {
        format!(
            "{bullet}… and {} more (see `prodc diff`)\n",
            count - MARKDOWN_LIMIT
        )
    } else {
        String::new()
    }
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_uppercase().chain(chars).collect()
    })
}

fn scalar(value: &Value) -> bool {
    !matches!(value, Value::Array(_) | Value::Object(_))
}

/// The part of an item line after the path: `50000000 → 60000000`, `+ x`,
/// `added`.
fn change_text(c: &Change) -> String {
    let value = |v: &Option<Value>| v.as_ref().map_or_else(|| "none".to_string(), shown);
    match c.op {
        Op::Changed => format!("{} → {}", value(&c.old), value(&c.new)),
        Op::Reordered => format!("order {} → {}", value(&c.old), value(&c.new)),
        Op::Added => match &c.new {
            Some(Value::Object(_)) => "added".to_string(),
            v => format!("+ {}", value(v)),
        },
        Op::Removed => match &c.old {
            Some(Value::Object(_)) => "removed".to_string(),
            v => format!("- {}", value(v)),
        },
    }
}

fn change_markdown(c: &Change) -> String {
    let value = |v: &Option<Value>| code(&v.as_ref().map_or_else(|| "none".to_string(), shown));
    match c.op {
        Op::Changed => format!("{} → {}", value(&c.old), value(&c.new)),
        Op::Reordered => format!("order {} → {}", value(&c.old), value(&c.new)),
        Op::Added => match &c.new {
            Some(Value::Object(_)) => "added".to_string(),
            v => format!("added {}", value(v)),
        },
        Op::Removed => match &c.old {
            Some(Value::Object(_)) => "removed".to_string(),
            v => format!("removed {}", value(v)),
        },
    }
}

/// A changed job field: `events 10000000 → 12000000`, or only its name
/// when the value is a list or a map.
fn field_text(f: &FieldChange) -> String {
    if scalar(&f.old) && scalar(&f.new) {
        format!("{} {} → {}", f.field, shown(&f.old), shown(&f.new))
    } else {
        f.field.clone()
    }
}
