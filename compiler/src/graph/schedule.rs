//! The schedule of the calibration and processing steps: topological stages
//! (steps of one stage can run in parallel), earliest start and finish from
//! the `duration` estimates, and the critical path.

use super::{DependencyGraph, Node};
use crate::model::Model;
use petgraph::visit::EdgeRef;
use petgraph::Direction;
use std::collections::BTreeMap;

/// One step with its place in the schedule.
#[derive(Debug, Clone, PartialEq)]
pub struct Slot {
    pub node: Node,
    pub name: String,
    pub kind: &'static str,
    /// 1-based: a step's stage is one more than the latest of its prerequisites.
    pub stage: usize,
    /// `None` when the step gives no estimate (it counts as zero).
    pub duration_hours: Option<f64>,
    pub start_hours: f64,
    pub finish_hours: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Schedule {
    /// In order of stage, then of the model.
    pub slots: Vec<Slot>,
    pub critical_path: Vec<Node>,
    pub total_hours: f64,
}

/// Schedules the steps; `None` when `after` has a cycle (reported as E0601).
pub fn schedule(model: &Model, graph: &DependencyGraph) -> Option<Schedule> {
    let g = &graph.graph;
    let steps = g.filter_map(
        |_, n| (!matches!(n, Node::Tag(_))).then_some(*n),
        |_, e| e.kind.is_order().then_some(*e),
    );
    let order = petgraph::algo::toposort(&steps, None).ok()?;
    let mut slots: BTreeMap<Node, Slot> = BTreeMap::new();
    let mut best_prereq: BTreeMap<Node, Node> = BTreeMap::new();
    for index in order {
        let node = steps[index];
        let (name, kind, duration) = describe(model, node);
        let mut stage = 1;
        let mut prereqs: Vec<Node> = steps
            .edges_directed(index, Direction::Incoming)
            .map(|e| steps[e.source()])
            .collect();
        prereqs.sort();
        // The prerequisite finishing last decides the start; on a tie the
        // first in model order, so that the critical path is stable.
        let mut latest: Option<(f64, Node)> = None;
        for p in prereqs {
            let slot = &slots[&p];
            stage = stage.max(slot.stage + 1);
            if latest.is_none_or(|(finish, _)| slot.finish_hours > finish) {
                latest = Some((slot.finish_hours, p));
            }
        }
        if let Some((_, p)) = latest {
            best_prereq.insert(node, p);
        }
        let start = latest.map_or(0.0, |(finish, _)| finish);
        let finish = start + duration.unwrap_or(0.0);
        slots.insert(
            node,
            Slot {
                node,
                name,
                kind,
                stage,
                duration_hours: duration,
                start_hours: start,
                finish_hours: finish,
            },
        );
    }
    let last = slots.values().max_by(|a, b| {
        a.finish_hours
            .total_cmp(&b.finish_hours)
            .then(b.node.cmp(&a.node))
    });
    let total_hours = last.map_or(0.0, |s| s.finish_hours);
    let mut critical_path = Vec::new();
    let mut at = last.map(|s| s.node);
    while let Some(node) = at {
        critical_path.push(node);
        at = best_prereq.get(&node).copied();
    }
    critical_path.reverse();
    let mut slots: Vec<Slot> = slots.into_values().collect();
    slots.sort_by(|a, b| a.stage.cmp(&b.stage).then(a.node.cmp(&b.node)));
    Some(Schedule {
        slots,
        critical_path,
        total_hours,
    })
}

fn describe(model: &Model, node: Node) -> (String, &'static str, Option<f64>) {
    match node {
        Node::Calibration(c) => {
            let c = model.calibration(c);
            (c.name.text.clone(), "calibration", c.duration_hours)
        }
        Node::Processing(p) => (model.processing(p).name.text.clone(), "processing", None),
        Node::Tag(t) => (model.tag(t).name.text.clone(), "globaltag", None),
    }
}

/// A duration as planners write it: `5d`, `1w 2d`, `12h`.
pub fn format_hours(hours: f64) -> String {
    if hours == 0.0 {
        return "0d".to_string();
    }
    let whole_days = (hours / 24.0).floor();
    let rest = hours - whole_days * 24.0;
    let mut parts = Vec::new();
    let (weeks, days) = ((whole_days / 7.0).floor(), whole_days % 7.0);
    if weeks > 0.0 {
        parts.push(format!("{weeks}w"));
    }
    if days > 0.0 {
        parts.push(format!("{days}d"));
    }
    if rest > 0.0 {
        let rest = (rest * 10.0).round() / 10.0;
        parts.push(format!("{rest}h"));
    }
    parts.join(" ")
}

/// The schedule as a table, for `prodc schedule`.
pub fn render_table(schedule: &Schedule) -> String {
    let name_width = schedule
        .slots
        .iter()
        .map(|s| s.name.len())
        .max()
        .unwrap_or(4)
        .max(4);
    let mut out = format!(
        "{:>5}  {:<name_width$}  {:<11}  {:>8}  {:>8}  {:>8}\n",
        "stage", "step", "kind", "duration", "start", "finish"
    );
    for s in &schedule.slots {
        let duration = s
            .duration_hours
            .map_or_else(|| "-".to_string(), format_hours);
        out.push_str(&format!(
            "{:>5}  {:<name_width$}  {:<11}  {:>8}  {:>8}  {:>8}\n",
            s.stage,
            s.name,
            s.kind,
            duration,
            format_hours(s.start_hours),
            format_hours(s.finish_hours)
        ));
    }
    let names: BTreeMap<Node, &str> = schedule
        .slots
        .iter()
        .map(|s| (s.node, s.name.as_str()))
        .collect();
    let path: Vec<&str> = schedule.critical_path.iter().map(|n| names[n]).collect();
    out.push_str(&format!("\ncritical path: {}\n", path.join(" → ")));
    out.push_str(&format!(
        "total duration: {}\n",
        format_hours(schedule.total_hours)
    ));
    let unestimated: Vec<&str> = schedule
        .slots
        .iter()
        .filter(|s| s.duration_hours.is_none())
        .map(|s| s.name.as_str())
        .collect();
    if !unestimated.is_empty() {
        out.push_str(&format!(
            "without an estimate (counted as 0): {}\n",
            unestimated.join(", ")
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::format_hours;

    #[test]
    fn durations_read_like_a_plan() {
        assert_eq!(format_hours(24.0 * 5.0), "5d");
        assert_eq!(format_hours(24.0 * 9.0), "1w 2d");
        assert_eq!(format_hours(12.0), "12h");
        assert_eq!(format_hours(0.0), "0d");
    }
}
