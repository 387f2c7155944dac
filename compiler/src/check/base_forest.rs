//! The `base` relation of the global tags as a forest, walked depth first
//! without recursion, so that what depends on a tag's whole base chain (its
//! effective payloads, the payload names it holds) is known for every tag
//! in one pass over all tags.
//!
//! Asking [`super::tags::effective_payloads`] of every tag walks each
//! tag's chain again: over a chain of `n` tags that is `n²/2` steps. The
//! walk here enters each tag once, right after its base, and leaves it
//! after everything based on it, so that a consumer keeps one running state
//! (a map it overlays on entry and restores on leaving, [`Layered`]) that
//! is, on entering a tag, exactly the state of its chain.
//!
//! Each tag has at most one base, so a `base` cycle (`E0602`) has no tag
//! before it; the tags of a cycle are entered together
//! ([`Step::EnterCycle`]), then the trees of tags based on them.

use crate::model::{Model, Payload, TagId};
use std::collections::BTreeMap;

/// The tags based on each tag, and the `base` cycles.
#[derive(Debug, Clone)]
pub struct BaseForest {
    /// For each tag, the tags based on it, in id order (the `base` of a tag
    /// of a cycle is left out: it is the cycle's own edge).
    children: Vec<Vec<TagId>>,
    /// The tags without a base, in id order.
    roots: Vec<TagId>,
    /// The cycles in the order they are found walking from each tag in id
    /// order, each in `base` order starting at its lowest id.
    cycles: Vec<Vec<TagId>>,
}

/// One step of [`BaseForest::walk`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step<'a> {
    /// The tag joins the tags entered: those entered and not left before it
    /// are exactly the rest of its base chain.
    Enter(TagId),
    /// The tag leaves, after every tag based on it.
    Leave(TagId),
    /// The tags of a `base` cycle join at once: each one's chain is the
    /// whole cycle (in a different order for each).
    EnterCycle(&'a [TagId]),
    /// The tags of a cycle leave, after every tag based on one of them.
    LeaveCycle(&'a [TagId]),
}

impl BaseForest {
    pub fn new(model: &Model) -> BaseForest {
        let n = model.tags.len();
        let base_of = |t: usize| model.tags[t].base.as_ref().map(|b| b.value);
        let cycles = base_cycles(model);
        let mut on_cycle = vec![false; n];
        for t in cycles.iter().flatten() {
            on_cycle[t.index()] = true;
        }
        let mut children = vec![Vec::new(); n];
        let mut roots = Vec::new();
        for (t, &cyclic) in on_cycle.iter().enumerate() {
            match base_of(t) {
                _ if cyclic => {}
                Some(base) => children[base.index()].push(TagId(t as u32)),
                None => roots.push(TagId(t as u32)),
            }
        }
        BaseForest {
            children,
            roots,
            cycles,
        }
    }

    /// The `base` cycles (see [`base_cycles`]).
    pub fn cycles(&self) -> &[Vec<TagId>] {
        &self.cycles
    }

    /// Calls `step` for every tag: entered once, after its base and before
    /// the tags based on it, and left once after them.
    pub fn walk(&self, mut step: impl FnMut(Step)) {
        for &root in &self.roots {
            step(Step::Enter(root));
            self.below(root, &mut step);
            step(Step::Leave(root));
        }
        for cycle in &self.cycles {
            step(Step::EnterCycle(cycle));
            for &tag in cycle {
                self.below(tag, &mut step);
            }
            step(Step::LeaveCycle(cycle));
        }
    }

    /// Enters and leaves the tags based on `top`, and the tags based on
    /// those, depth first with a stack of its own.
    fn below(&self, top: TagId, step: &mut impl FnMut(Step)) {
        let mut stack: Vec<(TagId, usize)> = vec![(top, 0)];
        while let Some((tag, next)) = stack.last_mut() {
            match self.children[tag.index()].get(*next) {
                Some(&child) => {
                    *next += 1;
                    step(Step::Enter(child));
                    stack.push((child, 0));
                }
                None => {
                    let tag = *tag;
                    stack.pop();
                    if tag != top {
                        step(Step::Leave(tag));
                    }
                }
            }
        }
    }
}

/// The `base` cycles of a model, each in `base` order starting at its
/// lowest tag id, in the order in which walks from each tag in id order
/// reach them.
pub fn base_cycles(model: &Model) -> Vec<Vec<TagId>> {
    find_cycles(model.tags.len(), |t| {
        model.tags[t].base.as_ref().map(|b| b.value)
    })
}

/// The cycles of the `base` relation over `n` tags. Every walk from a tag
/// stops at a tag an earlier walk has passed, so each `base` is followed
/// once and the search is linear in the number of tags.
fn find_cycles(n: usize, base_of: impl Fn(usize) -> Option<TagId>) -> Vec<Vec<TagId>> {
    const UNSEEN: usize = usize::MAX;
    // The walk (its start) that first passed each tag.
    let mut walk_of = vec![UNSEEN; n];
    let mut cycles = Vec::new();
    let mut path: Vec<TagId> = Vec::new();
    for start in 0..n {
        if walk_of[start] != UNSEEN {
            continue;
        }
        path.clear();
        let mut at = Some(TagId(start as u32));
        while let Some(id) = at {
            let Some(&walk) = walk_of.get(id.index()) else {
                break;
            };
            if walk == start {
                // Back at a tag of this walk: the path from there is a cycle.
                let from = path.iter().rposition(|&p| p == id).unwrap_or(0);
                let mut cycle = path[from..].to_vec();
                // Start the cycle at its first tag, so that the report does
                // not depend on where the walk entered it.
                let first = (0..cycle.len()).min_by_key(|&i| cycle[i]).unwrap_or(0);
                cycle.rotate_left(first);
                cycles.push(cycle);
                break;
            }
            if walk != UNSEEN {
                // An earlier walk went on from here, and found what follows.
                break;
            }
            walk_of[id.index()] = start;
            path.push(id);
            at = base_of(id.index());
        }
    }
    cycles
}

/// A map that a depth-first walk overlays on entering a node and restores
/// on leaving it: every change is logged with the value it replaced.
#[derive(Debug)]
pub struct Layered<K: Ord + Copy, V: Copy> {
    map: BTreeMap<K, V>,
    log: Vec<(K, Option<V>)>,
    /// Where each open layer's changes start in `log`.
    layers: Vec<usize>,
}

impl<K: Ord + Copy, V: Copy> Default for Layered<K, V> {
    fn default() -> Self {
        Layered {
            map: BTreeMap::new(),
            log: Vec::new(),
            layers: Vec::new(),
        }
    }
}

impl<K: Ord + Copy, V: Copy> Layered<K, V> {
    /// Opens a layer: the changes until the matching [`Layered::pop`].
    pub fn push(&mut self) {
        self.layers.push(self.log.len());
    }

    /// Undoes the changes of the last layer opened.
    pub fn pop(&mut self) {
        let start = self.layers.pop().unwrap_or(0);
        for (key, old) in self.log.drain(start..).rev() {
            match old {
                Some(value) => self.map.insert(key, value),
                None => self.map.remove(&key),
            };
        }
    }

    pub fn insert(&mut self, key: K, value: V) {
        let old = self.map.insert(key, value);
        self.log.push((key, old));
    }

    pub fn get(&self, key: &K) -> Option<&V> {
        self.map.get(key)
    }

    pub fn map(&self) -> &BTreeMap<K, V> {
        &self.map
    }
}

/// A tag's effective payloads, as [`super::tags::effective_payloads`] gives
/// them: by name, each with the tag it comes from.
pub type Content<'m> = BTreeMap<&'m str, (TagId, &'m Payload)>;

/// Calls `visit` with every tag that is `wanted` and its effective
/// payloads, each tag once, in one walk: linear in the tags and the
/// payloads they hold. The tags of a `base` cycle and those based on them
/// (an error, `E0602`) are computed one at a time instead, each walking its
/// own chain.
pub fn for_each_content<'m>(
    model: &'m Model,
    forest: &BaseForest,
    wanted: impl Fn(TagId) -> bool,
    mut visit: impl FnMut(TagId, &Content<'m>),
) {
    let mut content: Layered<&'m str, (TagId, &'m Payload)> = Layered::default();
    let alone = super::tags::effective_payloads;
    // Inside a cycle's trees, where the running map does not apply.
    let mut in_cycle = false;
    forest.walk(|step| match step {
        Step::Enter(tag) if in_cycle => {
            if wanted(tag) {
                visit(tag, &alone(model, tag));
            }
        }
        Step::Enter(tag) => {
            content.push();
            for p in &model.tag(tag).payloads {
                content.insert(p.name.text.as_str(), (tag, p));
            }
            if wanted(tag) {
                visit(tag, content.map());
            }
        }
        Step::Leave(_) if in_cycle => {}
        Step::Leave(_) => content.pop(),
        Step::EnterCycle(tags) => {
            in_cycle = true;
            for &tag in tags.iter().filter(|&&t| wanted(t)) {
                visit(tag, &alone(model, tag));
            }
        }
        Step::LeaveCycle(_) => in_cycle = false,
    });
}

#[cfg(test)]
pub(crate) mod tests {
    use super::{find_cycles, for_each_content, BaseForest};
    use crate::check::tags::effective_payloads;
    use crate::model::TagId;
    use crate::project::MemoryVfs;

    fn cycles(bases: &[Option<u32>]) -> Vec<Vec<u32>> {
        find_cycles(bases.len(), |t| bases[t].map(TagId))
            .into_iter()
            .map(|c| c.into_iter().map(|t| t.0).collect())
            .collect()
    }

    #[test]
    fn cycles_start_at_their_lowest_tag_in_the_order_found() {
        // 0 → 3 → 2 → 3; 1 alone; 4 → 5 → 4; 6 → 6.
        let bases = [Some(3), None, Some(3), Some(2), Some(5), Some(4), Some(6)];
        assert_eq!(cycles(&bases), vec![vec![2, 3], vec![4, 5], vec![6]]);
    }

    /// A project of `n` tags with bases and payloads drawn from `seed`
    /// (cycles included unless `acyclic`, where a tag's base comes before
    /// it), and calibrations producing into them.
    pub(crate) fn random_tags(seed: u64, n: usize, acyclic: bool) -> MemoryVfs {
        let mut state = seed;
        let mut draw = |below: usize| {
            // A 64-bit linear congruential generator (Knuth's MMIX).
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (state >> 33) as usize % below
        };
        let mut text = String::new();
        for t in 0..n {
            text.push_str(&format!("globaltag t{t} {{\n  id = {t}\n"));
            let base = match draw(4) {
                0 => None,
                _ if acyclic && t == 0 => None,
                _ if acyclic => Some(draw(t)),
                _ => Some(draw(n)),
            };
            if let Some(base) = base {
                text.push_str(&format!("  base = t{base}\n"));
            }
            for name in ["A", "B", "C", "D", "E"] {
                if draw(3) == 0 {
                    text.push_str(&format!("  payload {name} {{ 0:0 .. rev {t} }}\n"));
                }
            }
            text.push_str("}\n");
        }
        for c in 0..n {
            let after = (c > 0 && draw(2) == 0).then(|| draw(c));
            text.push_str(&format!("calibration c{c} {{\n"));
            if let Some(after) = after {
                text.push_str(&format!("  after = [c{after}]\n"));
            }
            let name = ["A", "B", "C", "D", "E"][draw(5)];
            text.push_str(&format!(
                "  produces = [{name}]\n  into = t{}\n}}\n",
                draw(n)
            ));
        }
        MemoryVfs::new()
            .with("Prod.toml", "[project]\nname = \"t\"\nsource = \"src\"\n")
            .with("src/tags.prod", text)
    }

    #[test]
    fn the_walk_gives_every_tag_the_content_of_its_own_chain() {
        for seed in 0..40 {
            let checked = crate::check(&random_tags(seed, 12, false)).expect("loads");
            let model = &checked.model;
            let mut visited = vec![0; model.tags.len()];
            for_each_content(
                model,
                &BaseForest::new(model),
                |_| true,
                |tag, content| {
                    visited[tag.index()] += 1;
                    let alone = effective_payloads(model, tag);
                    let key = |(name, (t, p)): (&&str, &(TagId, &crate::model::Payload))| {
                        (name.to_string(), *t, p.name.text.clone())
                    };
                    let walked: Vec<_> = content.iter().map(key).collect();
                    let expected: Vec<_> = alone.iter().map(key).collect();
                    assert_eq!(walked, expected, "seed {seed}, tag {tag:?}");
                },
            );
            assert!(visited.iter().all(|&v| v == 1), "seed {seed}: {visited:?}");
        }
    }
}
