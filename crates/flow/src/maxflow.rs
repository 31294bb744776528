//! Maximum flow and minimum cut on a directed graph with integer capacities.
//!
//! Build a [`FlowGraph`] (nodes `0..n`, arcs `(tail, head, capacity, tag)`), then call
//! [`FlowGraph::max_flow`] for one source and one sink, [`FlowGraph::max_flow_sets`] for
//! several of each, or [`FlowGraph::successive_cuts`] for "what binds once this cut is
//! relieved".
//!
//! # Capacities
//!
//! Capacities are [`Capacity`] = `u64`. [`INFINITE`] (`u64::MAX`) marks an arc that can
//! never be part of a cut. The finite capacities of a graph must add up to at most
//! [`MAX_TOTAL_CAPACITY`] (2^62), so that no flow value or residual capacity can overflow;
//! a graph above it is refused with [`MaxFlowError::CapacityOverflow`]. A caller with
//! TEU/year figures scales them to integers first (e.g. TEU/year × 1000).
//!
//! If the sink can be reached from the source through [`INFINITE`] arcs only, the maximum
//! flow is unbounded and there is no finite cut: [`MaxFlowError::Unbounded`].
//!
//! # Algorithm
//!
//! Goldberg–Tarjan push–relabel in two phases. The first computes a maximum preflow (and
//! so the value and a minimum cut); the second returns the excess stranded on the source
//! side back to the source with the same machinery, so the reported per-arc flows are a
//! feasible flow that conserves at every node.
//!
//! - **Residual graph.** Arcs joining the same two nodes, in either direction, are merged
//!   into one pair of residual arcs (a two-way street is one pair, not two), laid out in
//!   forward-star order; each residual arc holds its residual capacity, a copy of its
//!   pair's, its head and its pair's index, in 16 bytes when every pair's capacities fit
//!   in `u32`, 24 otherwise. The per-arc flows are spread back over the merged arcs at the
//!   end.
//! - **Selection.** Highest label first (a stack of active nodes per label).
//! - **Global relabelling.** Exact distance labels by a backward breadth-first search
//!   (branch-free over the arcs, labelled nodes in a bitset), at the start, after
//!   4 (6n + m) units of relabelling work, and whenever the active nodes run out while
//!   some were deferred. No gap heuristic: the exact labels find the nodes cut off from
//!   the target.
//! - **Deferral.** A node whose label has jumped by more than one in five discharges
//!   since the last global relabelling is most likely passing its excess back and forth
//!   with a neighbour; it waits for the next global relabelling instead (the idea of
//!   OR-Tools' `GenericMaxFlow`, with a later trigger).
//!
//! This is Cherkassky & Goldberg's HIPR scheme ("On implementing push-relabel method for
//! the maximum flow problem", Algorithmica 19, 1997) with OR-Tools' deferral in place of
//! the gap heuristic. Labels never decrease (an exact relabelling only raises valid
//! labels) and stay below `n`, so each node is relabelled at most `n` times: `O(n² m)`
//! time in the worst case (the deferral departs from strict highest-label order, whose
//! bound is `O(n² √m)`); in practice close to linear on sparse graphs.
//!
//! The minimum cut reported is the one nearest the source: `S` is the set of nodes
//! reachable from the source in the residual graph of the final flow, and the cut arcs are
//! the arcs from `S` to the rest, all of them saturated.

use std::collections::VecDeque;

/// An arc capacity or a flow value, in whatever integer unit the caller scaled to.
pub type Capacity = u64;

/// The capacity of an arc that can never be cut.
pub const INFINITE: Capacity = u64::MAX;

/// The most that the finite capacities of one graph may add up to (2^62).
pub const MAX_TOTAL_CAPACITY: Capacity = 1 << 62;

/// The most nodes a graph may have (room is kept for two helper terminals).
pub const MAX_NODES: usize = (u32::MAX - 4) as usize;

/// One arc of a [`FlowGraph`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Arc {
    /// Node the arc leaves.
    pub tail: u32,
    /// Node the arc enters.
    pub head: u32,
    /// Capacity, or [`INFINITE`].
    pub capacity: Capacity,
    /// The caller's label: which link, node (split into in/out) or service this arc is.
    pub tag: u32,
}

/// Why a maximum flow could not be computed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum MaxFlowError {
    /// An arc or a terminal names a node outside `0..node_count`.
    #[error("node {node} is out of range: the graph has {node_count} nodes")]
    NodeOutOfRange {
        /// The node given.
        node: usize,
        /// Nodes in the graph.
        node_count: usize,
    },
    /// More nodes than [`MAX_NODES`] or more arcs than fit in a `u32` index.
    #[error("the graph is too large: {what}")]
    TooLarge {
        /// What overflowed.
        what: &'static str,
    },
    /// The finite capacities add up to more than [`MAX_TOTAL_CAPACITY`].
    #[error(
        "finite capacities add up to more than 2^62; scale them down (the sum is at least {at_least})"
    )]
    CapacityOverflow {
        /// A lower bound of the sum (where the check stopped).
        at_least: u128,
    },
    /// The source set or the sink set is empty.
    #[error("the {which} set is empty")]
    EmptyTerminals {
        /// `"source"` or `"sink"`.
        which: &'static str,
    },
    /// A node is both a source and a sink.
    #[error("node {node} is both a source and a sink")]
    SourceIsSink {
        /// The node.
        node: usize,
    },
    /// A path of [`INFINITE`] arcs joins a source to a sink: no finite cut exists.
    #[error(
        "the maximum flow is unbounded: a path of infinite-capacity arcs joins source and sink"
    )]
    Unbounded,
}

/// A minimum cut: the saturated arcs leaving the source side.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MinCut {
    /// Indices (into [`FlowGraph::arcs`]) of the arcs from the source side to the sink
    /// side, in increasing order. All are saturated and none is [`INFINITE`].
    pub arcs: Vec<usize>,
    /// Sum of their capacities; equals the maximum flow value.
    pub capacity: Capacity,
    /// `source_side[v]` is true when `v` is reachable from the source in the residual
    /// graph (the set `S`).
    pub source_side: Vec<bool>,
}

impl MinCut {
    /// The caller's tags of the cut arcs, in the order of [`MinCut::arcs`].
    pub fn tags(&self, graph: &FlowGraph) -> Vec<u32> {
        self.arcs.iter().map(|&a| graph.arcs[a].tag).collect()
    }
}

/// A maximum flow and the minimum cut nearest the source.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MaxFlow {
    /// The flow value (equals `cut.capacity`).
    pub value: Capacity,
    /// Flow on each arc, indexed like [`FlowGraph::arcs`].
    pub arc_flows: Vec<Capacity>,
    /// The minimum cut.
    pub cut: MinCut,
}

/// One step of [`FlowGraph::successive_cuts`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SuccessiveCut {
    /// The maximum flow value with all earlier cuts relieved.
    pub value: Capacity,
    /// The binding cut at this step.
    pub cut: MinCut,
}

/// The result of [`FlowGraph::successive_cuts`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SuccessiveCuts {
    /// The cuts in order: the first is the binding cut of the graph as given, the next is
    /// the binding cut once the first one's arcs are made infinite, and so on.
    pub steps: Vec<SuccessiveCut>,
    /// True when the steps stopped early because relieving the last cut left a path of
    /// infinite arcs (no further cut binds).
    pub unbounded_after: bool,
}

/// A directed graph with integer arc capacities and caller tags.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FlowGraph {
    node_count: usize,
    arcs: Vec<Arc>,
}

impl FlowGraph {
    /// A graph with nodes `0..node_count` and no arcs.
    pub fn new(node_count: usize) -> Self {
        FlowGraph {
            node_count,
            arcs: Vec::new(),
        }
    }

    /// A graph with nodes `0..node_count` and room reserved for `arcs` arcs.
    pub fn with_capacity(node_count: usize, arcs: usize) -> Self {
        FlowGraph {
            node_count,
            arcs: Vec::with_capacity(arcs),
        }
    }

    /// Adds a node and returns its index.
    pub fn add_node(&mut self) -> usize {
        self.node_count += 1;
        self.node_count - 1
    }

    /// Adds the arc `tail → head` and returns its index. Self-loops are accepted and carry
    /// no flow. Parallel arcs are fine.
    ///
    /// # Errors
    /// [`MaxFlowError::NodeOutOfRange`] when `tail` or `head` is not below
    /// [`FlowGraph::node_count`].
    pub fn add_arc(
        &mut self,
        tail: usize,
        head: usize,
        capacity: Capacity,
        tag: u32,
    ) -> Result<usize, MaxFlowError> {
        for node in [tail, head] {
            if node >= self.node_count {
                return Err(MaxFlowError::NodeOutOfRange {
                    node,
                    node_count: self.node_count,
                });
            }
        }
        if self.node_count > MAX_NODES {
            return Err(MaxFlowError::TooLarge { what: "nodes" });
        }
        self.arcs.push(Arc {
            tail: tail as u32,
            head: head as u32,
            capacity,
            tag,
        });
        Ok(self.arcs.len() - 1)
    }

    /// Number of nodes.
    pub fn node_count(&self) -> usize {
        self.node_count
    }

    /// The arcs, in the order they were added.
    pub fn arcs(&self) -> &[Arc] {
        &self.arcs
    }

    /// Sets the capacity of arc `arc` (e.g. to [`INFINITE`] to relieve it).
    ///
    /// # Panics
    /// When `arc` is not an arc index of this graph.
    pub fn set_capacity(&mut self, arc: usize, capacity: Capacity) {
        self.arcs[arc].capacity = capacity;
    }

    /// A copy of this graph with a super-source joined by [`INFINITE`] arcs to every node
    /// of `sources` and a super-sink joined from every node of `sinks`, all tagged `tag`.
    /// Returns the new graph, the super-source and the super-sink; the original arcs keep
    /// their indices, the helper arcs come after them.
    ///
    /// # Errors
    /// Out-of-range nodes, empty sets, or a node in both sets.
    pub fn with_super_terminals(
        &self,
        sources: &[usize],
        sinks: &[usize],
        tag: u32,
    ) -> Result<(FlowGraph, usize, usize), MaxFlowError> {
        self.check_terminals(sources, sinks)?;
        let mut g = FlowGraph::with_capacity(
            self.node_count + 2,
            self.arcs.len() + sources.len() + sinks.len(),
        );
        g.arcs.extend_from_slice(&self.arcs);
        let s = self.node_count;
        let t = self.node_count + 1;
        for &v in sources {
            g.add_arc(s, v, INFINITE, tag)?;
        }
        for &v in sinks {
            g.add_arc(v, t, INFINITE, tag)?;
        }
        Ok((g, s, t))
    }

    fn check_terminals(&self, sources: &[usize], sinks: &[usize]) -> Result<(), MaxFlowError> {
        if sources.is_empty() {
            return Err(MaxFlowError::EmptyTerminals { which: "source" });
        }
        if sinks.is_empty() {
            return Err(MaxFlowError::EmptyTerminals { which: "sink" });
        }
        let mut is_source = vec![false; self.node_count];
        for &v in sources {
            if v >= self.node_count {
                return Err(MaxFlowError::NodeOutOfRange {
                    node: v,
                    node_count: self.node_count,
                });
            }
            is_source[v] = true;
        }
        for &v in sinks {
            if v >= self.node_count {
                return Err(MaxFlowError::NodeOutOfRange {
                    node: v,
                    node_count: self.node_count,
                });
            }
            if is_source[v] {
                return Err(MaxFlowError::SourceIsSink { node: v });
            }
        }
        Ok(())
    }

    /// Maximum flow from `source` to `sink`, with the minimum cut nearest the source.
    ///
    /// # Arguments
    /// * `source`, `sink`: distinct nodes of the graph.
    ///
    /// # Returns
    /// The flow value, the flow on every arc (a feasible flow: within capacity and
    /// conserved at every node except the two terminals) and the minimum cut whose source
    /// side `S` is the set of nodes reachable from `source` in the residual graph.
    ///
    /// # Errors
    /// [`MaxFlowError::NodeOutOfRange`], [`MaxFlowError::SourceIsSink`],
    /// [`MaxFlowError::CapacityOverflow`], [`MaxFlowError::Unbounded`].
    ///
    /// # Complexity
    /// `O(n² m)` time in the worst case (see the module documentation), close to linear in
    /// practice; `O(n + m)` memory (about 60 bytes per arc at the peak).
    ///
    /// # Example
    /// ```
    /// use corridor_flow::maxflow::FlowGraph;
    /// // 0 → 1 → 3 and 0 → 2 → 3; the arcs into 3 bind.
    /// let mut g = FlowGraph::new(4);
    /// g.add_arc(0, 1, 10, 0).unwrap();
    /// g.add_arc(0, 2, 10, 1).unwrap();
    /// g.add_arc(1, 3, 4, 2).unwrap();
    /// g.add_arc(2, 3, 7, 3).unwrap();
    /// let f = g.max_flow(0, 3).unwrap();
    /// assert_eq!(f.value, 11);
    /// assert_eq!(f.cut.tags(&g), vec![2, 3]);
    /// ```
    pub fn max_flow(&self, source: usize, sink: usize) -> Result<MaxFlow, MaxFlowError> {
        self.check_terminals(&[source], &[sink])?;
        solve(self, source, sink)
    }

    /// Maximum flow from a set of sources to a set of sinks (through a helper
    /// super-source and super-sink; see [`FlowGraph::with_super_terminals`]).
    ///
    /// The returned arc flows and cut refer to this graph's arcs only; the cut's
    /// `source_side` covers this graph's nodes. Complexity as [`FlowGraph::max_flow`].
    ///
    /// # Errors
    /// As [`FlowGraph::max_flow`], plus [`MaxFlowError::EmptyTerminals`].
    pub fn max_flow_sets(
        &self,
        sources: &[usize],
        sinks: &[usize],
    ) -> Result<MaxFlow, MaxFlowError> {
        let (g, s, t) = self.with_super_terminals(sources, sinks, u32::MAX)?;
        let mut f = solve(&g, s, t)?;
        f.arc_flows.truncate(self.arcs.len());
        f.cut.source_side.truncate(self.node_count);
        Ok(f)
    }

    /// Up to `k` successive binding cuts between `sources` and `sinks`: the minimum cut,
    /// then the minimum cut once the first cut's arcs are made [`INFINITE`], and so on —
    /// "what binds once this one is relieved".
    ///
    /// Stops early when relieving a cut leaves the sinks joined to the sources by
    /// infinite arcs (then [`SuccessiveCuts::unbounded_after`] is true), and after a step
    /// whose cut is empty (no path at all joins the sources to the sinks).
    ///
    /// # Complexity
    /// `k` maximum-flow solves.
    ///
    /// # Errors
    /// As [`FlowGraph::max_flow_sets`]; [`MaxFlowError::Unbounded`] only when the graph as
    /// given is already unbounded.
    ///
    /// # Example
    /// ```
    /// use corridor_flow::maxflow::FlowGraph;
    /// // A chain 0 → 1 → 2 → 3 with capacities 5, 3, 8.
    /// let mut g = FlowGraph::new(4);
    /// g.add_arc(0, 1, 5, 10).unwrap();
    /// g.add_arc(1, 2, 3, 11).unwrap();
    /// g.add_arc(2, 3, 8, 12).unwrap();
    /// let cuts = g.successive_cuts(&[0], &[3], 5).unwrap();
    /// let tags: Vec<_> = cuts.steps.iter().map(|s| s.cut.tags(&g)).collect();
    /// assert_eq!(tags, vec![vec![11], vec![10], vec![12]]);
    /// assert!(cuts.unbounded_after);
    /// ```
    pub fn successive_cuts(
        &self,
        sources: &[usize],
        sinks: &[usize],
        k: usize,
    ) -> Result<SuccessiveCuts, MaxFlowError> {
        let (mut g, s, t) = self.with_super_terminals(sources, sinks, u32::MAX)?;
        let mut steps = Vec::new();
        let mut unbounded_after = false;
        while steps.len() < k {
            match solve(&g, s, t) {
                Ok(mut f) => {
                    for &a in &f.cut.arcs {
                        g.set_capacity(a, INFINITE);
                    }
                    f.cut.source_side.truncate(self.node_count);
                    let disconnected = f.cut.arcs.is_empty();
                    steps.push(SuccessiveCut {
                        value: f.value,
                        cut: f.cut,
                    });
                    if disconnected {
                        break;
                    }
                }
                Err(MaxFlowError::Unbounded) if !steps.is_empty() => {
                    unbounded_after = true;
                    break;
                }
                Err(e) => return Err(e),
            }
        }
        Ok(SuccessiveCuts {
            steps,
            unbounded_after,
        })
    }
}

const NONE: u32 = u32::MAX;

/// The flag of a pair's net flow that runs `lo → hi` (flows are below 2^63).
const UPWARD: u64 = 1 << 63;

/// A node whose label has jumped by more than one this many times since the last global
/// relabelling waits for the next one (see [`Solver::run`]).
const DEFER_AFTER_JUMPS: u8 = 5;

/// A residual arc: remaining capacity (its own and its pair's), head node, index of the
/// paired arc.
#[derive(Clone, Copy)]
struct RArc<R> {
    res: R,
    /// A copy of the paired arc's `res`, so that the backward search reads it here.
    rres: R,
    head: u32,
    rev: u32,
}

/// The integer type of residual capacities: `u32` when every pair's two capacities add up
/// to at most `u32::MAX` (16-byte residual arcs), `u64` otherwise.
trait Residual:
    Copy + Ord + Default + std::ops::AddAssign + std::ops::SubAssign + std::ops::Sub<Output = Self>
{
    /// Node excesses: wide enough for the sum of all residual capacities into a node.
    type Excess: Copy + Ord + Default + From<Self> + std::ops::AddAssign + std::ops::SubAssign;
    /// `c`, which fits.
    fn from_u64(c: u64) -> Self;
    fn to_u64(self) -> u64;
    /// `e`, known to be below some residual capacity.
    fn from_excess(e: Self::Excess) -> Self;
    fn excess_to_u64(e: Self::Excess) -> u64;
}

impl Residual for u32 {
    type Excess = u64;
    fn from_u64(c: u64) -> Self {
        c as u32
    }
    fn to_u64(self) -> u64 {
        u64::from(self)
    }
    fn from_excess(e: u64) -> Self {
        e as u32
    }
    fn excess_to_u64(e: u64) -> u64 {
        e
    }
}

impl Residual for u64 {
    /// `u128`: the source's initial pushes may add up past `u64` (many capped arcs).
    type Excess = u128;
    fn from_u64(c: u64) -> Self {
        c
    }
    fn to_u64(self) -> u64 {
        self
    }
    fn from_excess(e: u128) -> Self {
        e as u64
    }
    fn excess_to_u64(e: u128) -> u64 {
        e as u64
    }
}

/// What push–relabel keeps per node besides its label, together so that one cache line
/// holds it.
#[derive(Clone, Copy)]
struct NodeState<E> {
    excess: E,
    /// The current arc: none before it is admissible.
    current: u32,
    next_active: u32,
}

/// Residual graph in forward-star form plus the push–relabel state.
struct Solver<R: Residual> {
    n: usize,
    /// `first[v]..first[v + 1]` are the residual arcs leaving `v`.
    first: Vec<u32>,
    arcs: Vec<RArc<R>>,
    /// Distance labels, apart from the rest of the node state: the scans read them for
    /// every arc, so they are kept dense.
    label: Vec<u32>,
    node: Vec<NodeState<R::Excess>>,
    /// Active nodes per label, a stack linked through [`NodeState::next_active`].
    active_first: Vec<u32>,
    max_active: usize,
    work: u64,
    /// The breadth-first queue (one spare place for the branch-free writes).
    queue: Vec<u32>,
    levels: Vec<u32>,
    seen: Vec<u64>,
    /// Discharges since the last global relabelling that raised the node's label by more
    /// than one.
    jumps: Vec<u8>,
    /// Active nodes passed over because of `jumps` since the last global relabelling.
    skipped: usize,
}

fn solve(g: &FlowGraph, source: usize, sink: usize) -> Result<MaxFlow, MaxFlowError> {
    let n = g.node_count;
    if n > MAX_NODES {
        return Err(MaxFlowError::TooLarge { what: "nodes" });
    }
    if g.arcs.len() > (u32::MAX / 2 - 1) as usize {
        return Err(MaxFlowError::TooLarge { what: "arcs" });
    }
    // One pass over the arcs: the finite capacities must not overflow; the capacity out
    // of the source (the bound below when no arc is infinite); and, for the pairs below,
    // the number of arcs at each smaller endpoint.
    let mut total: u64 = 0;
    let mut infinite_arcs = false;
    let mut source_out: u64 = 0;
    let mut lo_first = vec![0u32; n + 1];
    for a in &g.arcs {
        let c = a.capacity;
        if a.tail != a.head {
            lo_first[a.tail.min(a.head) as usize + 1] += 1;
            if a.tail as usize == source && c != INFINITE {
                source_out += c;
            }
        }
        if c == INFINITE {
            infinite_arcs = true;
        } else {
            total = match total.checked_add(c) {
                Some(t) if t <= MAX_TOTAL_CAPACITY => t,
                _ => {
                    return Err(MaxFlowError::CapacityOverflow {
                        at_least: u128::from(total) + u128::from(c),
                    });
                }
            };
        }
    }
    // Nodes reachable from the source by infinite arcs. If the sink is among them the
    // flow is unbounded; otherwise the arcs leaving them form a finite cut of capacity
    // `bound` ≥ the maximum flow, and every capacity can be capped at `bound` without
    // changing the maximum flow value.
    let bound = if !infinite_arcs {
        // Only the source itself: its arcs out.
        source_out
    } else {
        let mut inf_first = vec![0u32; n + 1];
        for a in &g.arcs {
            if a.capacity == INFINITE {
                inf_first[a.tail as usize + 1] += 1;
            }
        }
        for v in 0..n {
            inf_first[v + 1] += inf_first[v];
        }
        let mut fill: Vec<u32> = inf_first[..n].to_vec();
        let mut inf_head = vec![0u32; inf_first[n] as usize];
        for a in &g.arcs {
            if a.capacity == INFINITE {
                inf_head[fill[a.tail as usize] as usize] = a.head;
                fill[a.tail as usize] += 1;
            }
        }
        let mut seen = vec![false; n];
        seen[source] = true;
        let mut stack = vec![source as u32];
        while let Some(u) = stack.pop() {
            let u = u as usize;
            for &w in &inf_head[inf_first[u] as usize..inf_first[u + 1] as usize] {
                if !seen[w as usize] {
                    seen[w as usize] = true;
                    stack.push(w);
                }
            }
        }
        if seen[sink] {
            return Err(MaxFlowError::Unbounded);
        }
        g.arcs
            .iter()
            .filter(|a| seen[a.tail as usize] && !seen[a.head as usize])
            .map(|a| a.capacity)
            .sum::<u64>()
    };
    let internal = |c: Capacity| c.min(bound);

    // Arcs joining the same two nodes (parallel or antiparallel) become one residual pair:
    // `lo → hi` with the summed capacity of the arcs `lo → hi`, `hi → lo` with that of the
    // arcs `hi → lo`. Pairs are numbered in order of `lo` (a counting sort), the arcs of one
    // `lo` matched by `hi` through `mark`. Self-loops get none.
    for v in 0..n {
        lo_first[v + 1] += lo_first[v];
    }
    let mut by_lo = vec![0u32; lo_first[n] as usize];
    {
        let mut fill: Vec<u32> = lo_first[..n].to_vec();
        for (i, a) in g.arcs.iter().enumerate() {
            if a.tail != a.head {
                let lo = a.tail.min(a.head) as usize;
                by_lo[fill[lo] as usize] = i as u32;
                fill[lo] += 1;
            }
        }
    }
    // `pair_of[i]`: the pair of arc `i` (NONE for a self-loop).
    let mut pair_of = vec![NONE; g.arcs.len()];
    // `pair_first[lo]..pair_first[lo + 1]`: the pairs whose smaller endpoint is `lo`.
    let mut pair_first: Vec<u32> = Vec::with_capacity(n + 1);
    let mut pair_hi: Vec<u32> = Vec::with_capacity(by_lo.len());
    // Summed capacities (saturating: INFINITE stays INFINITE) per direction.
    let mut pair_up: Vec<Capacity> = Vec::with_capacity(by_lo.len());
    let mut pair_down: Vec<Capacity> = Vec::with_capacity(by_lo.len());
    {
        let mut mark = vec![NONE; n];
        for lo in 0..n {
            let first_pair = pair_hi.len() as u32;
            pair_first.push(first_pair);
            for &i in &by_lo[lo_first[lo] as usize..lo_first[lo + 1] as usize] {
                let a = g.arcs[i as usize];
                let hi = a.tail.max(a.head) as usize;
                let p = match mark[hi] {
                    p if p != NONE && p >= first_pair => p,
                    _ => {
                        let p = pair_hi.len() as u32;
                        mark[hi] = p;
                        pair_hi.push(hi as u32);
                        pair_up.push(0);
                        pair_down.push(0);
                        p
                    }
                };
                pair_of[i as usize] = p;
                let c = a.capacity;
                if a.tail as usize == lo {
                    pair_up[p as usize] = pair_up[p as usize].saturating_add(c);
                } else {
                    pair_down[p as usize] = pair_down[p as usize].saturating_add(c);
                }
            }
        }
    }
    pair_first.push(pair_hi.len() as u32);
    drop(by_lo);
    drop(lo_first);
    let pairs = pair_hi.len();

    // The residual search in `u32` when every pair fits.
    let narrow = (0..pairs).all(|p| {
        u128::from(internal(pair_up[p])) + u128::from(internal(pair_down[p]))
            <= u128::from(u32::MAX)
    });
    let (value, mut left, source_side) = if narrow {
        push_relabel::<u32>(
            n,
            source,
            sink,
            bound,
            &pair_first,
            &pair_hi,
            pair_up,
            pair_down,
        )
    } else {
        push_relabel::<u64>(
            n,
            source,
            sink,
            bound,
            &pair_first,
            &pair_hi,
            pair_up,
            pair_down,
        )
    };
    drop(pair_first);
    drop(pair_hi);

    // Per-arc flows: the net flow of each pair, `lo → hi` (flagged [`UPWARD`]) or
    // `hi → lo`, is spread over the pair's arcs in that direction in index order, each
    // filled up to its capacity.
    let arc_flows: Vec<Capacity> = g
        .arcs
        .iter()
        .zip(&pair_of)
        .map(|(a, &p)| {
            if p == NONE {
                return 0;
            }
            let l = &mut left[p as usize];
            let amount = *l & !UPWARD;
            if (a.tail < a.head) != (*l & UPWARD != 0) || amount == 0 {
                return 0;
            }
            let x = a.capacity.min(amount);
            *l -= x;
            x
        })
        .collect();
    debug_assert!(left.iter().all(|&l| l & !UPWARD == 0));

    let mut cut_arcs = Vec::new();
    let mut capacity: Capacity = 0;
    for (i, a) in g.arcs.iter().enumerate() {
        if source_side[a.tail as usize] && !source_side[a.head as usize] {
            debug_assert_ne!(a.capacity, INFINITE);
            capacity += a.capacity;
            cut_arcs.push(i);
        }
    }
    debug_assert_eq!(capacity, value);

    Ok(MaxFlow {
        value,
        arc_flows,
        cut: MinCut {
            arcs: cut_arcs,
            capacity,
            source_side,
        },
    })
}

/// Builds the residual graph of the pairs (`lo → hi` with capacity `up`, `hi → lo` with
/// `down`, both capped at `bound`), runs both push–relabel phases and returns the flow
/// value, each pair's net flow (its amount, flagged [`UPWARD`] when it runs `lo → hi`)
/// and the source side of the minimum cut.
#[allow(clippy::too_many_arguments)]
fn push_relabel<R: Residual>(
    n: usize,
    source: usize,
    sink: usize,
    bound: Capacity,
    pair_first: &[u32],
    pair_hi: &[u32],
    pair_up: Vec<Capacity>,
    pair_down: Vec<Capacity>,
) -> (Capacity, Vec<Capacity>, Vec<bool>) {
    let pairs = pair_hi.len();
    // Forward star: each pair gives a residual arc at `lo` (towards `hi`) and one at `hi`.
    // A node's arcs are those where it is `hi`, in pair order, then those where it is
    // `lo`, in pair order; so node `u`'s arcs start at `hi_first[u] + pair_first[u]` and
    // the `lo → hi` arc of pair `p` (`lo = u`) is `hi_first[u + 1] + p`. The arcs are
    // written in order; a `lo → hi` arc gets its partner's index when the partner (at
    // `hi > lo`, so later) is written.
    let mut hi_first = vec![0u32; n + 1];
    for &v in pair_hi {
        hi_first[v as usize + 1] += 1;
    }
    for v in 0..n {
        hi_first[v + 1] += hi_first[v];
    }
    // The pairs of each `hi` with their `lo`.
    let mut by_hi = vec![(0u32, 0u32); pairs];
    {
        let mut fill: Vec<u32> = hi_first[..n].to_vec();
        for u in 0..n {
            for p in pair_first[u]..pair_first[u + 1] {
                let v = pair_hi[p as usize] as usize;
                let slot = fill[v];
                fill[v] += 1;
                by_hi[slot as usize] = (p, u as u32);
            }
        }
    }
    let m2 = 2 * pairs;
    // Residual arcs whose summed capacity was capped at `bound`: always residual in truth
    // (none, and no vector, in the common case).
    let any_capped = pair_up.iter().chain(&pair_down).any(|&c| c > bound);
    let mut capped: Vec<bool> = Vec::with_capacity(if any_capped { m2 } else { 0 });
    let mut first: Vec<u32> = Vec::with_capacity(n + 1);
    let mut arcs: Vec<RArc<R>> = Vec::with_capacity(m2);
    for u in 0..n {
        first.push(arcs.len() as u32);
        let (h0, h1) = (hi_first[u] as usize, hi_first[u + 1] as usize);
        for &(q, lo) in &by_hi[h0..h1] {
            let (up, down) = (pair_up[q as usize], pair_down[q as usize]);
            let rev = hi_first[lo as usize + 1] + q;
            arcs[rev as usize].rev = arcs.len() as u32;
            arcs.push(RArc {
                res: R::from_u64(down.min(bound)),
                rres: R::from_u64(up.min(bound)),
                head: lo,
                rev,
            });
            if any_capped {
                capped.push(down > bound);
            }
        }
        for p in pair_first[u] as usize..pair_first[u + 1] as usize {
            let (up, down) = (pair_up[p], pair_down[p]);
            let v = pair_hi[p];
            arcs.push(RArc {
                res: R::from_u64(up.min(bound)),
                rres: R::from_u64(down.min(bound)),
                head: v,
                rev: NONE,
            });
            if any_capped {
                capped.push(up > bound);
            }
        }
    }
    first.push(arcs.len() as u32);
    drop(by_hi);
    drop(pair_down);

    let mut st = Solver {
        n,
        first,
        arcs,
        label: vec![0; n],
        node: vec![
            NodeState {
                excess: R::Excess::default(),
                current: 0,
                next_active: NONE,
            };
            n
        ],
        active_first: vec![NONE; n + 1],
        max_active: 0,
        work: 0,
        queue: vec![0; n + 1],
        levels: Vec::new(),
        seen: vec![0; n.div_ceil(64)],
        jumps: vec![0; n],
        skipped: 0,
    };

    // Phase 1: maximum preflow towards the sink.
    for e in st.first[source]..st.first[source + 1] {
        let e = e as usize;
        let RArc {
            res: d, head, rev, ..
        } = st.arcs[e];
        if d == R::default() {
            continue;
        }
        st.push(e, rev as usize, d);
        st.node[head as usize].excess += R::Excess::from(d);
    }
    st.run(sink, source);
    let value = R::excess_to_u64(st.node[sink].excess);

    // Phase 2: return the stranded excess to the source.
    if (0..n).any(|v| v != source && v != sink && st.node[v].excess != R::Excess::default()) {
        st.run(source, sink);
    }

    // Each pair's net flow: `up - res` along `lo → hi` when the residual of that arc is at
    // most its capacity, `res - up` the other way otherwise; in place of the capacities.
    let mut net = pair_up;
    for u in 0..n {
        let (p0, p1) = (pair_first[u] as usize, pair_first[u + 1] as usize);
        let lo_arcs = &st.arcs[hi_first[u + 1] as usize + p0..];
        for (x, a) in net[p0..p1].iter_mut().zip(lo_arcs) {
            let (res, up) = (a.res.to_u64(), (*x).min(bound));
            *x = if res <= up {
                (up - res) | UPWARD
            } else {
                res - up
            };
        }
    }

    // S = nodes reachable from the source in the residual graph.
    let source_side = if any_capped {
        let mut source_side = vec![false; n];
        source_side[source] = true;
        let mut queue = VecDeque::from([source as u32]);
        while let Some(u) = queue.pop_front() {
            let u = u as usize;
            let (s, e) = (st.first[u] as usize, st.first[u + 1] as usize);
            for (i, a) in st.arcs[s..e].iter().enumerate() {
                let w = a.head as usize;
                let residual = a.res != R::default() || capped[s + i];
                if residual && !source_side[w] {
                    source_side[w] = true;
                    queue.push_back(w as u32);
                }
            }
        }
        source_side
    } else {
        st.reachable(source)
    };
    (value, net, source_side)
}

impl<R: Residual> Solver<R> {
    /// Highest-label push–relabel that moves every excess to `target` where it can;
    /// `excluded` never gets a label below `n` and is never active.
    ///
    /// A global relabelling runs at the start, once the relabelling work (arcs scanned
    /// plus 12 per relabel) exceeds 4 (6n + m) — half as often as HIPR's rule — and when
    /// the active nodes run out while some were deferred: a node whose label jumped by more
    /// than one in [`DEFER_AFTER_JUMPS`] discharges is most likely sending its excess back
    /// the way it came, and waits for exact labels instead (OR-Tools' heuristic, with a
    /// later trigger).
    fn run(&mut self, target: usize, excluded: usize) {
        let n = self.n;
        let update_every = 4 * (6 * n as u64 + self.arcs.len() as u64 / 2);
        self.global_relabel(target, excluded);
        loop {
            while self.max_active > 0 && self.active_first[self.max_active] == NONE {
                self.max_active -= 1;
            }
            let v = self.active_first[self.max_active];
            if v == NONE {
                if self.skipped > 0 {
                    self.global_relabel(target, excluded);
                    continue;
                }
                break;
            }
            self.active_first[self.max_active] = self.node[v as usize].next_active;
            let v = v as usize;
            if self.jumps[v] >= DEFER_AFTER_JUMPS {
                // Left with its excess until the next global relabelling.
                self.skipped += 1;
                continue;
            }
            let old = self.label[v];
            self.discharge(v);
            let new = self.label[v];
            if new > old + 1 && (new as usize) < n {
                self.jumps[v] += 1;
            }
            if self.work > update_every {
                self.global_relabel(target, excluded);
            }
        }
    }

    /// Exact distance labels to `target` by a backward breadth-first search; rebuilds the
    /// active lists. Nodes that cannot reach `target` get label `n` (inactive).
    fn global_relabel(&mut self, target: usize, excluded: usize) {
        let n = self.n as u32;
        self.work = 0;
        self.label.fill(n);
        self.active_first.fill(NONE);
        self.max_active = 0;
        self.label[target] = 0;
        // Nodes already labelled, one bit each (small enough to stay in the first-level
        // cache, where the labels themselves would not).
        self.seen.fill(0);
        self.jumps.fill(0);
        self.skipped = 0;
        self.seen[target / 64] |= 1 << (target % 64);
        self.seen[excluded / 64] |= 1 << (excluded % 64);
        // The breadth-first search is branch-free over the arcs: each arc writes its head
        // at the end of the queue and the end moves on only for a new node; the labels are
        // given level by level afterwards.
        let queue = &mut self.queue;
        queue[0] = target as u32;
        let mut len = 1;
        // `levels[d]..levels[d + 1]` are the queue positions of the nodes at distance d.
        self.levels.clear();
        self.levels.push(0);
        let mut qi = 0;
        while qi < len {
            let level_end = len;
            self.levels.push(level_end as u32);
            while qi < level_end {
                let u = queue[qi] as usize;
                qi += 1;
                for a in &self.arcs[self.first[u] as usize..self.first[u + 1] as usize] {
                    let w = a.head as usize;
                    let (word, bit) = (w / 64, 1u64 << (w % 64));
                    let fresh = (self.seen[word] & bit == 0) & (a.rres != R::default());
                    self.seen[word] |= bit & u64::from(fresh).wrapping_neg();
                    queue[len] = w as u32;
                    len += usize::from(fresh);
                }
            }
        }
        // Only the labelled nodes get their current arc reset: the others (label `n`)
        // are never discharged before the next global relabelling.
        for d in 1..self.levels.len() - 1 {
            for qi in self.levels[d] as usize..self.levels[d + 1] as usize {
                let v = self.queue[qi] as usize;
                self.label[v] = d as u32;
                self.node[v].current = self.first[v];
                if self.node[v].excess != R::Excess::default() {
                    self.node[v].next_active = self.active_first[d];
                    self.active_first[d] = v as u32;
                    self.max_active = d;
                }
            }
        }
    }

    /// The nodes reachable from `from` in the residual graph, by the branch-free search of
    /// [`Solver::global_relabel`] along the arcs' own residuals.
    fn reachable(&mut self, from: usize) -> Vec<bool> {
        self.seen.fill(0);
        self.seen[from / 64] |= 1 << (from % 64);
        let queue = &mut self.queue;
        queue[0] = from as u32;
        let (mut qi, mut len) = (0, 1);
        while qi < len {
            let u = queue[qi] as usize;
            qi += 1;
            for a in &self.arcs[self.first[u] as usize..self.first[u + 1] as usize] {
                let w = a.head as usize;
                let (word, bit) = (w / 64, 1u64 << (w % 64));
                let fresh = (self.seen[word] & bit == 0) & (a.res != R::default());
                self.seen[word] |= bit & u64::from(fresh).wrapping_neg();
                queue[len] = w as u32;
                len += usize::from(fresh);
            }
        }
        (0..self.n)
            .map(|v| self.seen[v / 64] >> (v % 64) & 1 != 0)
            .collect()
    }

    /// Moves `delta` along residual arc `e` (whose pair is `rev`).
    #[inline]
    fn push(&mut self, e: usize, rev: usize, delta: R) {
        let a = &mut self.arcs[e];
        a.res -= delta;
        a.rres += delta;
        let b = &mut self.arcs[rev];
        b.res += delta;
        b.rres -= delta;
    }

    fn discharge(&mut self, v: usize) {
        let n = self.n as u32;
        let end = self.first[v + 1] as usize;
        loop {
            let dv = self.label[v];
            let mut e = self.node[v].current as usize;
            let mut ex = self.node[v].excess;
            while e < end {
                let RArc {
                    res: r, head, rev, ..
                } = self.arcs[e];
                if r != R::default() {
                    let w = head as usize;
                    if self.label[w] + 1 == dv {
                        let delta = if R::Excess::from(r) < ex {
                            r
                        } else {
                            R::from_excess(ex)
                        };
                        self.push(e, rev as usize, delta);
                        if self.node[w].excess == R::Excess::default() && dv > 1 {
                            // `w` becomes active (the target, at label 0, never is).
                            let d = dv as usize - 1;
                            self.node[w].next_active = self.active_first[d];
                            self.active_first[d] = w as u32;
                        }
                        self.node[w].excess += R::Excess::from(delta);
                        ex -= R::Excess::from(delta);
                        if ex == R::Excess::default() {
                            break;
                        }
                    }
                }
                e += 1;
            }
            self.node[v].excess = ex;
            if ex == R::Excess::default() {
                self.node[v].current = e as u32;
                return;
            }
            // Relabel.
            let start = self.first[v] as usize;
            self.work += (end - start) as u64 + 12;
            // No residual arc leads below `dv` (none is admissible, the labels are valid),
            // so `dv + 1` is the lowest possible new label: the scan stops there.
            let lowest = dv + 1;
            let mut new_label = n;
            let mut new_current = start;
            for e in start..end {
                let a = self.arcs[e];
                if a.res != R::default() {
                    let d = self.label[a.head as usize] + 1;
                    if d < new_label {
                        new_label = d;
                        new_current = e;
                        if d == lowest {
                            break;
                        }
                    }
                }
            }
            if new_label >= n {
                self.label[v] = n;
                return;
            }
            self.label[v] = new_label;
            self.node[v].current = new_current as u32;
            self.max_active = new_label as usize;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn infinite_arcs_and_unbounded() {
        let mut g = FlowGraph::new(3);
        g.add_arc(0, 1, INFINITE, 0).unwrap();
        g.add_arc(1, 2, 5, 1).unwrap();
        let f = g.max_flow(0, 2).unwrap();
        assert_eq!(f.value, 5);
        assert_eq!(f.arc_flows, vec![5, 5]);
        g.set_capacity(1, INFINITE);
        assert_eq!(g.max_flow(0, 2), Err(MaxFlowError::Unbounded));
    }

    #[test]
    fn overflow_is_refused() {
        let mut g = FlowGraph::new(2);
        g.add_arc(0, 1, MAX_TOTAL_CAPACITY, 0).unwrap();
        assert!(g.max_flow(0, 1).is_ok());
        g.add_arc(0, 1, 1, 0).unwrap();
        assert!(matches!(
            g.max_flow(0, 1),
            Err(MaxFlowError::CapacityOverflow { .. })
        ));
    }

    #[test]
    fn bad_terminals() {
        let g = FlowGraph::new(3);
        assert_eq!(
            g.max_flow(1, 1),
            Err(MaxFlowError::SourceIsSink { node: 1 })
        );
        assert!(matches!(
            g.max_flow(0, 7),
            Err(MaxFlowError::NodeOutOfRange { node: 7, .. })
        ));
        assert_eq!(
            g.max_flow_sets(&[], &[1]),
            Err(MaxFlowError::EmptyTerminals { which: "source" })
        );
        // Disconnected: zero flow, empty cut.
        let f = g.max_flow(0, 2).unwrap();
        assert_eq!(f.value, 0);
        assert!(f.cut.arcs.is_empty());
    }

    #[test]
    fn stranded_excess_returns_to_source() {
        // 0 → 1 has lots of capacity, but 1 → 2 is tight and 1 → 3 is a dead end; the
        // second phase must return the excess pushed into 1 and 3.
        let mut g = FlowGraph::new(5);
        g.add_arc(0, 1, 100, 0).unwrap();
        g.add_arc(1, 2, 3, 1).unwrap();
        g.add_arc(1, 3, 50, 2).unwrap();
        g.add_arc(3, 1, 50, 3).unwrap();
        g.add_arc(2, 4, 10, 4).unwrap();
        let f = g.max_flow(0, 4).unwrap();
        assert_eq!(f.value, 3);
        assert_eq!(f.arc_flows[0], 3);
        assert_eq!(f.arc_flows[1], 3);
        assert_eq!(f.arc_flows[2], f.arc_flows[3]);
        assert_eq!(f.cut.arcs, vec![1]);
    }
}
