//! Static user-equilibrium assignment of a year's demand over the corridor network
//! (`corridor_flow::assign`: path-based gradient projection to a stated relative gap),
//! with select-link analysis.
//!
//! The mapping from Corridor's network (documented defaults):
//! - every direction of a link is an assignment link; its free-flow time is the median
//!   travel time, plus half the headway of its services where cargo has to board one, plus
//!   the median dwell at its head node when that node has no capacity;
//! - a capacity-limited node is a link of its own (in → out) with the node's median dwell
//!   as free-flow time;
//! - capacities are those of [`crate::graph`] in TEU a year (a line and its services in
//!   series: the smaller); delays are BPR, `t = t0 (1 + 0.15 (v/c)^4)` (the Bureau of
//!   Public Roads' standard parameters), and an element without a stated capacity has no
//!   delay;
//! - the generalised cost is hours plus price: a link's toll is its tariff and the head
//!   node's handling per TEU, weighted 24 / value of time (USD per TEU-day of
//!   `simulation.toml`'s `[choice]`), so an hour and its price in money weigh the same as
//!   in the simulation's route choice;
//! - two classes: containers (TEU, PCE 1) and wagonload (wagons of `tonnes_per_wagon`,
//!   PCE `teu_per_wagon`). Both may use every link (wagons are not kept off container
//!   feeders here), and the demand table's corridor pins are not kept: the assignment asks
//!   where the cargo would go under congestion.

use crate::graph::{Cargo, CorridorGraph, Element};
use corridor_flow::assign::{self, AssignConfig, AssignError, DemandClass, Link, OdDemand};
use corridor_model::Network;
use corridor_model::network::{Direction, LinkId, NodeId};
use corridor_sim::ops_input::Parsed;
use serde::Serialize;

/// BPR α and β of the corridor links.
pub const BPR_ALPHA: f64 = 0.15;
/// See [`BPR_ALPHA`].
pub const BPR_BETA: f64 = 4.0;

/// A flow to assign: origin, destination, containers (TEU a year) and wagonload (t a year).
#[derive(Clone, Debug)]
pub struct OdFlow {
    /// Origin.
    pub from: NodeId,
    /// Destination.
    pub to: NodeId,
    /// Containers, TEU a year.
    pub teu: f64,
    /// Wagonload, tonnes a year.
    pub tonnes: f64,
}

/// One loaded element.
#[derive(Clone, Debug, Serialize)]
pub struct Load {
    /// The element (a link direction, or a capacity-limited node).
    pub name: String,
    /// Containers and wagons on it, TEU-equivalent a year.
    pub volume_teu: f64,
    /// Its capacity, TEU a year (`None`: unbounded).
    pub capacity_teu: Option<f64>,
    /// Volume over capacity.
    pub volume_capacity: Option<f64>,
    /// Free-flow and loaded time, hours.
    pub free_flow_h: f64,
    /// See `free_flow_h`.
    pub time_h: f64,
}

/// An origin–destination pair's use of a selected element.
#[derive(Clone, Debug, Serialize)]
pub struct SelectedPair {
    /// `containers` or `wagonload`.
    pub class: String,
    /// Origin and destination ids.
    pub from: String,
    /// See `from`.
    pub to: String,
    /// Its flow through the element (TEU, or wagons), and that as a share of the pair.
    pub flow: f64,
    /// See `flow`.
    pub share: f64,
}

/// An equilibrium.
#[derive(Clone, Debug, Serialize)]
pub struct Equilibrium {
    /// Relative gap reached, `(TSTT − SPTT) / TSTT`; iterations; whether the target was met.
    pub relative_gap: f64,
    /// See `relative_gap`.
    pub iterations: usize,
    /// See `relative_gap`.
    pub converged: bool,
    /// The gap after each iteration.
    pub gaps: Vec<f64>,
    /// The loaded elements, highest volume over capacity first (unbounded ones last,
    /// by volume).
    pub loads: Vec<Load>,
    /// Who uses the selected element, when one was asked for.
    pub selected: Option<(String, Vec<SelectedPair>)>,
    /// The mapping's assumptions.
    pub notes: Vec<String>,
}

/// Why an assignment cannot run.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum EquilibriumError {
    /// The element to select does not exist.
    #[error("no link or capacity-limited node `{id}`{}", hint.as_ref().map(|h| format!(" ({h})")).unwrap_or_default())]
    UnknownSelection {
        /// The id.
        id: String,
        /// A suggestion.
        hint: Option<String>,
    },
    /// The solver refused the problem.
    #[error(transparent)]
    Assign(#[from] AssignError),
}

/// Assign `flows` over `net` to relative gap `gap`; `select` names a link or a capacity-
/// limited node whose users are listed.
pub fn equilibrium(
    net: &Network,
    params: &Parsed,
    flows: &[OdFlow],
    gap: f64,
    select: Option<&str>,
) -> Result<Equilibrium, EquilibriumError> {
    let g = CorridorGraph::build(net, params, Cargo::Containers, None);
    let vot = params.choice.value_of_time.max(1e-9);
    let hours_per_usd = 24.0 / vot;
    let dwell = |n: NodeId| {
        net.node(n)
            .dwell
            .as_ref()
            .map(|d| d.value.p50().0)
            .unwrap_or(0.0)
    };
    let handling_teu = |n: NodeId| {
        net.node(n)
            .handling
            .as_ref()
            .map(|h| h.value.0 / 2.0)
            .unwrap_or(0.0)
    };
    // Assignment nodes: the graph's (in and out of capacity-limited nodes, and the nodes
    // between a line and its services) — links are built from the graph's arcs, merged
    // per element.
    let mut links: Vec<Link> = Vec::new();
    let mut names: Vec<String> = Vec::new();
    let mut caps: Vec<Option<f64>> = Vec::new();
    let mut select_links: Vec<usize> = Vec::new();
    if let Some(id) = select {
        if net.link_by_key(id).is_none()
            && !g
                .elements
                .iter()
                .any(|e| matches!(e.element, Element::Node { .. }) && e.name == id)
        {
            return Err(EquilibriumError::UnknownSelection {
                id: id.to_string(),
                hint: corridor_model::diag::did_you_mean(
                    id,
                    net.links.iter().map(|l| l.key.as_str()).chain(
                        g.elements
                            .iter()
                            .filter(|e| matches!(e.element, Element::Node { .. }))
                            .map(|e| e.name.as_str()),
                    ),
                ),
            });
        }
    }
    for a in g.graph.arcs() {
        let e = &g.elements[a.tag as usize];
        let capacity = e.capacity.is_finite().then_some(e.capacity);
        let (t0, toll, key) = match e.element {
            Element::Node { node } => (dwell(node), 0.0, net.node(node).key.clone()),
            Element::Link { link, reversed } | Element::Services { link, reversed } => {
                let l = net.link(link);
                let head = if reversed { l.from } else { l.to };
                // The line and its services are two arcs in series: the travel time, the
                // wait and the head's dwell and handling go on the last of them.
                let last = a.head as usize == g.entry(head);
                if !last {
                    (0.0, 0.0, l.key.clone())
                } else {
                    let wait = services_wait_h(net, link, reversed);
                    let head_dwell = if g.entry(head) == g.exit(head) {
                        dwell(head)
                    } else {
                        0.0
                    };
                    let price =
                        l.price_per_feu().map(|p| p.0 / 2.0).unwrap_or(0.0) + handling_teu(head);
                    (l.p50_time().0 + wait + head_dwell, price, l.key.clone())
                }
            }
        };
        // The users of a link are counted on its last arc (a line and its services are
        // two arcs in series, carrying the same flow).
        let last_of_link = match e.element {
            Element::Node { .. } => true,
            Element::Link { link, reversed } | Element::Services { link, reversed } => {
                let l = net.link(link);
                a.head as usize == g.entry(if reversed { l.from } else { l.to })
            }
        };
        if select == Some(key.as_str()) && last_of_link {
            select_links.push(links.len());
        }
        links.push(Link {
            from: a.tail as usize,
            to: a.head as usize,
            free_flow_time: t0,
            capacity: capacity.unwrap_or(1.0).max(1e-9),
            alpha: if capacity.is_some() { BPR_ALPHA } else { 0.0 },
            beta: BPR_BETA,
            length: 0.0,
            toll,
        });
        names.push(e.name.clone());
        caps.push(capacity);
    }
    let anet = assign::Network::new(g.graph.node_count(), 0, links)?;
    let od = |cargo: Cargo| -> Vec<OdDemand> {
        flows
            .iter()
            .filter_map(|f| {
                let v = match cargo {
                    Cargo::Containers => f.teu,
                    Cargo::Wagonload => f.tonnes / params.tonnes_per_wagon,
                };
                (v > 0.0 && f.from != f.to).then(|| OdDemand {
                    origin: g.entry(f.from),
                    destination: g.exit(f.to),
                    flow: v,
                })
            })
            .collect()
    };
    let mut containers = DemandClass::new("containers", od(Cargo::Containers));
    containers.toll_factor = hours_per_usd;
    let mut wagons = DemandClass::new("wagonload", od(Cargo::Wagonload));
    wagons.pce = params.teu_per_wagon;
    // A wagon's price is its TEU-equivalent's.
    wagons.toll_factor = hours_per_usd * params.teu_per_wagon;
    let classes: Vec<DemandClass> = [containers, wagons]
        .into_iter()
        .filter(|c| !c.demand.is_empty())
        .collect();
    let config = AssignConfig {
        target_gap: gap,
        ..AssignConfig::default()
    };
    let a = assign::assign(&anet, &classes, &config)?;
    let mut loads: Vec<Load> = (0..names.len())
        .filter(|&i| a.link_flows[i] > 0.0 || caps[i].is_some())
        .map(|i| Load {
            name: names[i].clone(),
            volume_teu: a.link_flows[i],
            capacity_teu: caps[i],
            volume_capacity: caps[i].map(|c| a.link_flows[i] / c),
            free_flow_h: anet.links()[i].free_flow_time,
            time_h: a.link_times[i],
        })
        .collect();
    loads.sort_by(|x, y| {
        let key = |l: &Load| l.volume_capacity.unwrap_or(-1.0);
        key(y)
            .total_cmp(&key(x))
            .then(y.volume_teu.total_cmp(&x.volume_teu))
    });
    let selected = select.map(|id| {
        let mut pairs: Vec<SelectedPair> = Vec::new();
        let node_name = |gn: usize| -> String {
            (0..net.nodes.len())
                .find(|&n| g.entry(NodeId(n as u32)) == gn || g.exit(NodeId(n as u32)) == gn)
                .map(|n| net.nodes[n].key.clone())
                .unwrap_or_default()
        };
        for &li in &select_links {
            for sf in a.select_link(li) {
                let class = classes[sf.class].name.clone();
                let (from, to) = (node_name(sf.origin), node_name(sf.destination));
                match pairs
                    .iter_mut()
                    .find(|p| p.class == class && p.from == from && p.to == to)
                {
                    Some(p) => {
                        p.flow += sf.flow;
                        p.share += sf.share;
                    }
                    None => pairs.push(SelectedPair {
                        class,
                        from,
                        to,
                        flow: sf.flow,
                        share: sf.share,
                    }),
                }
            }
        }
        pairs.sort_by(|a, b| b.flow.total_cmp(&a.flow));
        (id.to_string(), pairs)
    });
    Ok(Equilibrium {
        relative_gap: a.relative_gap,
        iterations: a.iterations,
        converged: a.converged,
        gaps: a.history.iter().map(|h| h.relative_gap).collect(),
        loads,
        selected,
        notes: vec![
            format!("BPR delays t = t0 (1 + {BPR_ALPHA} (v/c)^{BPR_BETA}) on every element with a stated capacity (TEU a year); none elsewhere"),
            format!("generalised cost: hours plus price at {vot} USD per TEU-day (simulation.toml [choice])"),
            "the demand table's corridor pins are not kept: cargo goes where the equilibrium takes it".into(),
            "wagonload (PCE teu_per_wagon) may use every link here, container feeders included".into(),
        ],
    })
}

/// Half the headway of the services cargo boards on a link direction (0 without services).
fn services_wait_h(net: &Network, link: LinkId, reversed: bool) -> f64 {
    let per_week: f64 = net
        .services_on(link)
        .iter()
        .map(|&s| net.service(s))
        .filter(|s| {
            s.direction == Direction::Both || (s.direction == Direction::Forward) != reversed
        })
        .map(|s| s.schedule.value.per_week())
        .sum();
    if per_week > 0.0 {
        168.0 / per_week / 2.0
    } else {
        0.0
    }
}
