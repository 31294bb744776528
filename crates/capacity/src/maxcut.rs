//! The most the corridor can carry between groups of places, and what binds: the maximum
//! flow (highest-label push–relabel, `corridor_flow::maxflow`), the minimum cut nearest the
//! origins as named bottlenecks, and the cuts that bind once it is relieved.

use crate::graph::{Cargo, CorridorGraph, ElementInfo, Groups};
use corridor_flow::maxflow::{INFINITE, MaxFlowError};
use corridor_model::Network;
use corridor_model::network::CorridorId;
use corridor_sim::ops_input::Parsed;
use serde::Serialize;

/// One cut of the network between the groups.
#[derive(Clone, Debug, Serialize)]
pub struct Cut {
    /// The most the network carries with the earlier cuts relieved (per year).
    pub max_flow: f64,
    /// The elements that bind, largest capacity first.
    pub bottlenecks: Vec<ElementInfo>,
}

/// The capacity between two groups on one corridor or all.
#[derive(Clone, Debug, Serialize)]
pub struct CapacityAnswer {
    /// The groups.
    pub groups: Groups,
    /// The corridor (`None`: every link).
    pub corridor: Option<String>,
    /// The cargo and its unit.
    pub cargo: Cargo,
    /// See `cargo`.
    pub unit: String,
    /// The binding cut first, then what binds once each is relieved.
    pub cuts: Vec<Cut>,
    /// True when, once the last cut is relieved, a chain of elements without a stated
    /// capacity joins the groups: nothing further binds.
    pub unbounded_after: bool,
}

impl CapacityAnswer {
    /// The most the network carries as it is (per year).
    pub fn max_flow(&self) -> f64 {
        self.cuts.first().map(|c| c.max_flow).unwrap_or(0.0)
    }
}

/// Why a capacity cannot be computed.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum CapacityError {
    /// A chain of elements without a stated capacity joins the groups.
    #[error(
        "no finite capacity: {chain} joins {from} to {to} without a stated capacity on any element (add a capacity to one of them, or restrict --corridor)"
    )]
    Unbounded {
        /// The groups.
        from: String,
        /// See `from`.
        to: String,
        /// The chain, as ids.
        chain: String,
    },
    /// The flow solver refused the graph (it never should on a loaded network).
    #[error("the flow graph is invalid: {0}")]
    Graph(#[from] MaxFlowError),
}

/// The capacity between `groups` for `cargo` on `corridor` (or all), with up to `cuts`
/// successive cuts.
pub fn capacity(
    net: &Network,
    params: &Parsed,
    groups: &Groups,
    cargo: Cargo,
    corridor: Option<CorridorId>,
    cuts: usize,
) -> Result<CapacityAnswer, CapacityError> {
    let g = CorridorGraph::build(net, params, cargo, corridor);
    answer(net, &g, groups, cuts.max(1))
}

/// The capacity on a graph already built.
pub fn answer(
    net: &Network,
    g: &CorridorGraph,
    groups: &Groups,
    cuts: usize,
) -> Result<CapacityAnswer, CapacityError> {
    let sources: Vec<usize> = groups.from_nodes.iter().map(|&n| g.entry(n)).collect();
    let sinks: Vec<usize> = groups.to_nodes.iter().map(|&n| g.exit(n)).collect();
    let result = g.graph.successive_cuts(&sources, &sinks, cuts);
    let steps = match result {
        Ok(s) => s,
        Err(MaxFlowError::Unbounded) => {
            return Err(CapacityError::Unbounded {
                from: groups.from.clone(),
                to: groups.to.clone(),
                chain: infinite_chain(g, &sources, &sinks),
            });
        }
        Err(e) => return Err(e.into()),
    };
    let cuts = steps
        .steps
        .iter()
        .map(|s| {
            let mut bottlenecks: Vec<ElementInfo> = s
                .cut
                .tags(&g.graph)
                .iter()
                .map(|&t| g.elements[t as usize].clone())
                .collect();
            bottlenecks.sort_by(|a, b| b.capacity.total_cmp(&a.capacity).then(a.name.cmp(&b.name)));
            Cut {
                max_flow: s.value as f64,
                bottlenecks,
            }
        })
        .collect();
    Ok(CapacityAnswer {
        groups: groups.clone(),
        corridor: g.corridor.map(|c| net.corridors[c.0 as usize].key.clone()),
        cargo: g.cargo,
        unit: g.cargo.unit().to_string(),
        cuts,
        unbounded_after: steps.unbounded_after,
    })
}

/// A chain of unbounded elements from a source to a sink, for the message.
fn infinite_chain(g: &CorridorGraph, sources: &[usize], sinks: &[usize]) -> String {
    let n = g.graph.node_count();
    let mut prev: Vec<Option<usize>> = vec![None; n];
    let mut seen = vec![false; n];
    let mut queue: std::collections::VecDeque<usize> = sources.iter().copied().collect();
    for &s in sources {
        seen[s] = true;
    }
    let arcs = g.graph.arcs();
    let mut out: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (i, a) in arcs.iter().enumerate() {
        if a.capacity == INFINITE {
            out[a.tail as usize].push(i);
        }
    }
    let mut end = None;
    while let Some(v) = queue.pop_front() {
        if sinks.contains(&v) {
            end = Some(v);
            break;
        }
        for &ai in &out[v] {
            let h = arcs[ai].head as usize;
            if !seen[h] {
                seen[h] = true;
                prev[h] = Some(ai);
                queue.push_back(h);
            }
        }
    }
    let mut names = Vec::new();
    let mut v = end;
    while let Some(x) = v {
        match prev[x] {
            Some(ai) => {
                names.push(g.elements[arcs[ai].tag as usize].name.clone());
                v = Some(arcs[ai].tail as usize);
            }
            None => v = None,
        }
    }
    names.reverse();
    if names.is_empty() {
        "a place in both groups".into()
    } else {
        names.join(" → ")
    }
}
