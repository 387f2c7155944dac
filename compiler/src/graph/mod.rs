//! The dependency graph of calibrations, processings and global tags.
//!
//! Built once from the model with petgraph. Edges point from what must come
//! first to what depends on it: `after` (step → later step), `input`
//! (processing → calibration reading its output), `into` (calibration → tag
//! receiving its payloads), `base` (base tag → tag built on it) and `uses`
//! (tag → processing reading it). Node and edge order
//! follow the model, so every rendering is deterministic.

pub mod render;
pub mod schedule;

use crate::model::{CalibrationId, Model, ProcessingId, Step, TagId};
use crate::source::Span;
use petgraph::graph::{DiGraph, NodeIndex};
use petgraph::visit::EdgeRef;
use petgraph::Direction;
use std::collections::{BTreeMap, BTreeSet};

/// A node: a step of the production (calibration or processing) or a tag.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Node {
    Calibration(CalibrationId),
    Processing(ProcessingId),
    Tag(TagId),
}

impl From<Step> for Node {
    fn from(step: Step) -> Node {
        match step {
            Step::Calibration(c) => Node::Calibration(c),
            Step::Processing(p) => Node::Processing(p),
        }
    }
}

/// Why one node depends on another.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum EdgeKind {
    After,
    Input,
    Into,
    Base,
    Uses,
}

impl EdgeKind {
    pub fn name(self) -> &'static str {
        match self {
            EdgeKind::After => "after",
            EdgeKind::Input => "input",
            EdgeKind::Into => "into",
            EdgeKind::Base => "base",
            EdgeKind::Uses => "uses",
        }
    }

    /// Whether the edge orders two steps in time (`after`, `input`).
    pub fn is_order(self) -> bool {
        matches!(self, EdgeKind::After | EdgeKind::Input)
    }
}

/// An edge with the span of the reference that creates it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Edge {
    pub kind: EdgeKind,
    pub span: Span,
}

/// The graph and a lookup from node to index.
#[derive(Debug, Clone)]
pub struct DependencyGraph {
    pub graph: DiGraph<Node, Edge>,
    index: BTreeMap<Node, NodeIndex>,
}

impl DependencyGraph {
    /// Builds the graph of a model (tags of the standard library left out).
    pub fn build(model: &Model) -> DependencyGraph {
        let mut graph = DiGraph::new();
        let mut index = BTreeMap::new();
        let nodes = (0..model.calibrations.len())
            .map(|i| Node::Calibration(CalibrationId(i as u32)))
            .chain((0..model.processings.len()).map(|i| Node::Processing(ProcessingId(i as u32))))
            .chain(
                (0..model.tags.len())
                    .filter(|&i| !model.tags[i].is_std)
                    .map(|i| Node::Tag(TagId(i as u32))),
            );
        for node in nodes {
            index.insert(node, graph.add_node(node));
        }
        let mut this = DependencyGraph { graph, index };
        for (i, c) in model.calibrations.iter().enumerate() {
            let me = Node::Calibration(CalibrationId(i as u32));
            for dep in &c.after {
                this.link(Node::from(dep.value), me, EdgeKind::After, dep.span);
            }
            if let Some(input) = &c.input {
                this.link(
                    Node::Processing(input.value),
                    me,
                    EdgeKind::Input,
                    input.span,
                );
            }
            if let Some(into) = &c.into {
                this.link(me, Node::Tag(into.value), EdgeKind::Into, into.span);
            }
        }
        for (i, p) in model.processings.iter().enumerate() {
            let me = Node::Processing(ProcessingId(i as u32));
            for dep in &p.after {
                this.link(Node::from(dep.value), me, EdgeKind::After, dep.span);
            }
            for tag in &p.globaltags {
                this.link(Node::Tag(tag.value), me, EdgeKind::Uses, tag.span);
            }
        }
        for (i, t) in model.tags.iter().enumerate() {
            if let Some(base) = &t.base {
                this.link(
                    Node::Tag(base.value),
                    Node::Tag(TagId(i as u32)),
                    EdgeKind::Base,
                    base.span,
                );
            }
        }
        this
    }

    fn link(&mut self, from: Node, to: Node, kind: EdgeKind, span: Span) {
        if let (Some(&a), Some(&b)) = (self.index.get(&from), self.index.get(&to)) {
            self.graph.add_edge(a, b, Edge { kind, span });
        }
    }

    pub fn node_index(&self, node: Node) -> Option<NodeIndex> {
        self.index.get(&node).copied()
    }

    /// Every step that must finish before `node` (its transitive `after`
    /// and `input`), not including itself unless it is on a cycle.
    pub fn prerequisites(&self, node: Node) -> BTreeSet<Node> {
        let mut seen = BTreeSet::new();
        let Some(start) = self.node_index(node) else {
            return seen;
        };
        let mut stack = vec![start];
        while let Some(at) = stack.pop() {
            for edge in self.graph.edges_directed(at, Direction::Incoming) {
                if edge.weight().kind.is_order() && seen.insert(self.graph[edge.source()]) {
                    stack.push(edge.source());
                }
            }
        }
        seen
    }

    /// The cycles of `after`/`input` edges, each as its edges in order,
    /// starting from the cycle's first node.
    pub fn order_cycles(&self) -> Vec<Vec<(Node, Node, Edge)>> {
        let order_only = self
            .graph
            .filter_map(|_, n| Some(*n), |_, e| e.kind.is_order().then_some(*e));
        let mut cycles = Vec::new();
        // Kosaraju's algorithm, iterative in petgraph: its Tarjan recurses
        // once per node of a path and overflows the stack on a long `after`
        // chain. The components are the same whichever algorithm finds them,
        // and nothing below depends on the order in which they come.
        for scc in petgraph::algo::kosaraju_scc(&order_only) {
            let members: BTreeSet<NodeIndex> = scc.iter().copied().collect();
            let start = *members
                .iter()
                .min_by_key(|&&i| order_only[i])
                .expect("an SCC is not empty");
            let self_loop = order_only.edges_connecting(start, start).next().is_some();
            if members.len() < 2 && !self_loop {
                continue;
            }
            cycles.push(cycle_from(&order_only, &members, start));
        }
        cycles.sort_by_key(|c| c.first().map(|e| e.0));
        cycles
    }
}

/// A shortest cycle through `start` inside one strongly connected
/// component, as its edges in order (neighbours visited in node order, so
/// the result is stable).
fn cycle_from(
    g: &DiGraph<Node, Edge>,
    members: &BTreeSet<NodeIndex>,
    start: NodeIndex,
) -> Vec<(Node, Node, Edge)> {
    let mut parent: BTreeMap<NodeIndex, (NodeIndex, Edge)> = BTreeMap::new();
    let mut queue = std::collections::VecDeque::from([start]);
    let mut closing: Option<(NodeIndex, Edge)> = None;
    'search: while let Some(at) = queue.pop_front() {
        let mut edges: Vec<_> = g.edges_directed(at, Direction::Outgoing).collect();
        edges.sort_by_key(|e| (g[e.target()], e.weight().span));
        for edge in edges {
            let next = edge.target();
            if !members.contains(&next) {
                continue;
            }
            if next == start {
                closing = Some((at, *edge.weight()));
                break 'search;
            }
            if let std::collections::btree_map::Entry::Vacant(slot) = parent.entry(next) {
                slot.insert((at, *edge.weight()));
                queue.push_back(next);
            }
        }
    }
    let Some((last, closing_edge)) = closing else {
        return Vec::new();
    };
    let mut edges = vec![(g[last], g[start], closing_edge)];
    let mut at = last;
    while at != start {
        let (prev, edge) = parent[&at];
        edges.push((g[prev], g[at], edge));
        at = prev;
    }
    edges.reverse();
    edges
}
