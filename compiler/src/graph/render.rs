//! The dependency graph as Graphviz DOT and as a Mermaid flowchart.

use super::{DependencyGraph, Node};
use crate::model::Model;
use petgraph::visit::EdgeRef;

/// Node label lines: kind, name, and what it holds.
fn label(model: &Model, node: Node) -> (String, Vec<String>) {
    match node {
        Node::Calibration(c) => {
            let c = model.calibration(c);
            let mut lines = vec!["calibration".to_string(), c.name.text.clone()];
            if !c.produces.is_empty() {
                let into = c.into.as_ref().map_or(String::new(), |t| {
                    format!(" into {}", model.tag(t.value).name.text)
                });
                lines.push(format!(
                    "{} payload{}{into}",
                    c.produces.len(),
                    if c.produces.len() == 1 { "" } else { "s" }
                ));
            }
            (format!("calibration:{}", c.name.text), lines)
        }
        Node::Processing(p) => {
            let p = model.processing(p);
            let tags = p.globaltags.len();
            let lines = vec![
                "processing".to_string(),
                p.name.text.clone(),
                format!("{tags} tag{}", if tags == 1 { "" } else { "s" }),
            ];
            (format!("processing:{}", p.name.text), lines)
        }
        Node::Tag(t) => {
            let t = model.tag(t);
            let n = t.payloads.len();
            let lines = vec![
                format!("globaltag ({})", t.state.name),
                t.name.text.clone(),
                format!("{n} payload{}", if n == 1 { "" } else { "s" }),
            ];
            (format!("globaltag:{}", t.name.text), lines)
        }
    }
}

fn shape(node: Node) -> &'static str {
    match node {
        Node::Calibration(_) => "box",
        Node::Processing(_) => "box3d",
        Node::Tag(_) => "cylinder",
    }
}

fn quote(text: &str) -> String {
    let escaped = text
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n");
    format!("\"{escaped}\"")
}

/// Edges in a stable order: by source node, then target, then kind.
fn edges(graph: &DependencyGraph) -> Vec<(Node, Node, &'static str)> {
    let g = &graph.graph;
    let mut edges: Vec<(Node, Node, &'static str)> = g
        .edge_references()
        .map(|e| (g[e.source()], g[e.target()], e.weight().kind.name()))
        .collect();
    edges.sort();
    edges.dedup();
    edges
}

/// Graphviz DOT.
pub fn dot(model: &Model, graph: &DependencyGraph) -> String {
    let mut out = String::from("digraph dependencies {\n  rankdir=LR;\n  node [fontname=\"Helvetica\"];\n  edge [fontname=\"Helvetica\", fontsize=10];\n");
    for &node in graph.graph.node_weights() {
        let (id, lines) = label(model, node);
        out.push_str(&format!(
            "  {} [shape={}, label={}];\n",
            quote(&id),
            shape(node),
            quote(&lines.join("\n"))
        ));
    }
    for (from, to, kind) in edges(graph) {
        let style = match kind {
            "after" | "input" => "solid",
            _ => "dashed",
        };
        out.push_str(&format!(
            "  {} -> {} [label={}, style={style}];\n",
            quote(&label(model, from).0),
            quote(&label(model, to).0),
            quote(kind)
        ));
    }
    out.push_str("}\n");
    out
}

/// A Mermaid flowchart.
pub fn mermaid(model: &Model, graph: &DependencyGraph) -> String {
    let mut out = String::from("flowchart LR\n");
    let ids: std::collections::BTreeMap<Node, String> = graph
        .graph
        .node_weights()
        .enumerate()
        .map(|(i, &n)| (n, format!("n{i}")))
        .collect();
    for &node in graph.graph.node_weights() {
        let text = label(model, node).1.join("<br/>").replace('"', "#quot;");
        let (open, close) = match node {
            Node::Tag(_) => ("[(\"", "\")]"),
            Node::Processing(_) => ("[[\"", "\"]]"),
            Node::Calibration(_) => ("[\"", "\"]"),
        };
        out.push_str(&format!("  {}{open}{text}{close}\n", ids[&node]));
    }
    for (from, to, kind) in edges(graph) {
        let arrow = if kind == "after" || kind == "input" {
            "-->"
        } else {
            "-.->"
        };
        out.push_str(&format!("  {} {arrow}|{kind}| {}\n", ids[&from], ids[&to]));
    }
    out
}
