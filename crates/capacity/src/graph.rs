//! The corridor network as a flow graph of yearly capacities, every arc tagged with the
//! element (node, link direction, or a link direction's services) it stands for.
//!
//! Capacities, per year, in TEU for containers or tonnes for wagonload:
//! - a node's capacity limits the cargo it concerns, as in the simulation: a TEU capacity
//!   is a container terminal's (wagons pass it), a train or wagon capacity holds for every
//!   cargo (a train is `teu_per_train` TEU, or that many wagons' worth of `teu_per_wagon`
//!   TEU and `tonnes_per_wagon` t), and a tonnage capacity is the bulk terminals' (not a
//!   container limit);
//! - a link's capacity is its line's, in each direction (the sources state one figure per
//!   line; a tonnage line capacity carries containers at `tonnes_per_teu`);
//! - where timetabled services run in a direction, cargo has to board one (as in the route
//!   planner and the simulation): their capacity is departures a year × payload × (1 − the
//!   mode's mean weather-closed share of `simulation.toml`). Wagonload never boards a
//!   container feeder or liner.
//!
//! An element without a stated capacity is unbounded.

use corridor_flow::maxflow::{FlowGraph, INFINITE};
use corridor_model::Network;
use corridor_model::network::{
    Capacities, Cite, CorridorId, Direction, LinkId, NodeId, ServiceKind,
};
use corridor_model::units::{Capacity, Payload};
use corridor_sim::ops_input::Parsed;
use serde::Serialize;

/// Which cargo the capacities are for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Cargo {
    /// Containers, TEU a year.
    Containers,
    /// Conventional wagonload, tonnes a year.
    Wagonload,
}

impl Cargo {
    /// The unit of its capacities.
    pub fn unit(self) -> &'static str {
        match self {
            Cargo::Containers => "TEU/yr",
            Cargo::Wagonload => "t/yr",
        }
    }
}

/// What an arc stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Element {
    /// A capacity-limited node.
    Node {
        /// The node.
        #[serde(skip)]
        node: NodeId,
    },
    /// One direction of a link's line.
    Link {
        /// The link.
        #[serde(skip)]
        link: LinkId,
        /// From its `to` to its `from`.
        reversed: bool,
    },
    /// The timetabled services of one direction of a link.
    Services {
        /// The link.
        #[serde(skip)]
        link: LinkId,
        /// From its `to` to its `from`.
        reversed: bool,
    },
}

/// An element with its capacity, in words.
#[derive(Clone, Debug, Serialize)]
pub struct ElementInfo {
    /// What it is.
    #[serde(flatten)]
    pub element: Element,
    /// Its id (a node, a link with its direction, or a link's services).
    pub name: String,
    /// Capacity a year (in the graph's cargo unit).
    pub capacity: f64,
    /// How the capacity was reached (`760 TEU/d × 365`).
    pub basis: String,
    /// The sources of its figures.
    pub sources: Vec<String>,
    /// Corridors it belongs to.
    pub corridors: Vec<String>,
}

/// The network as a flow graph.
pub struct CorridorGraph {
    /// The graph; arc tags index [`CorridorGraph::elements`].
    pub graph: FlowGraph,
    /// The elements the arcs stand for.
    pub elements: Vec<ElementInfo>,
    node_in: Vec<usize>,
    node_out: Vec<usize>,
    /// The cargo.
    pub cargo: Cargo,
    /// The corridor it is restricted to.
    pub corridor: Option<CorridorId>,
}

/// The run's unit conversions.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Units {
    pub teu_per_train: f64,
    pub teu_per_wagon: f64,
    pub tonnes_per_wagon: f64,
    pub tonnes_per_teu: f64,
}

impl Units {
    pub(crate) fn of(net: &Network, p: &Parsed) -> Units {
        Units {
            teu_per_train: p.teu_per_train,
            teu_per_wagon: p.teu_per_wagon,
            tonnes_per_wagon: p.tonnes_per_wagon,
            tonnes_per_teu: net.meta.tonnes_per_teu.value.0,
        }
    }
}

/// The yearly capacity of a node for a cargo, and how it is reached (`None`: not a limit).
fn node_capacity(c: Capacity, cargo: Cargo, u: Units) -> Option<(f64, String)> {
    let wagons_per_train = u.teu_per_train / u.teu_per_wagon;
    Some(match (cargo, c) {
        (Cargo::Containers, Capacity::TeuPerYear(v)) => (v, format!("{v} TEU/yr")),
        (Cargo::Containers, Capacity::TeuPerDay(v)) => (v * 365.0, format!("{v} TEU/d × 365")),
        // A tonnage capacity holds for all cargo: containers at tonnes_per_teu.
        (Cargo::Containers, Capacity::MtPerYear(v)) => (
            v * 1e6 / u.tonnes_per_teu,
            format!("{v} Mt/yr at {} t/TEU", u.tonnes_per_teu),
        ),
        (Cargo::Wagonload, Capacity::TeuPerYear(_) | Capacity::TeuPerDay(_)) => return None,
        (Cargo::Wagonload, Capacity::MtPerYear(v)) => (v * 1e6, format!("{v} Mt/yr")),
        (cargo, other) => return train_capacity(other, cargo, u, wagons_per_train),
    })
}

/// The tighter of a node's or link's capacities for a cargo, by `per_year`, with its
/// sources; with two that apply, the basis names the other too.
fn binding(
    caps: &Capacities,
    per_year: impl Fn(Capacity) -> Option<(f64, String)>,
) -> Option<((f64, String), Cite)> {
    let mut found: Vec<((f64, String), Cite)> = caps
        .iter()
        .filter_map(|c| per_year(c.value).map(|x| (x, c.cite)))
        .collect();
    found.sort_by(|a, b| a.0.0.total_cmp(&b.0.0));
    let mut it = found.into_iter();
    let ((v, basis), cite) = it.next()?;
    Some(match it.next() {
        Some(((_, other), _)) => ((v, format!("{basis}, tighter than {other}")), cite),
        None => ((v, basis), cite),
    })
}

/// A train or wagon capacity for either cargo.
fn train_capacity(
    c: Capacity,
    cargo: Cargo,
    u: Units,
    wagons_per_train: f64,
) -> Option<(f64, String)> {
    let (per_year, what) = match c {
        Capacity::TrainsPerDay(v) => (v * 365.0, format!("{v} trains/d × 365")),
        Capacity::TrainsPerYear(v) => (v, format!("{v} trains/yr")),
        Capacity::WagonsPerDay(v) => {
            return Some(match cargo {
                Cargo::Containers => (
                    v * 365.0 * u.teu_per_wagon,
                    format!("{v} wagons/d × 365 × {} TEU/wagon", u.teu_per_wagon),
                ),
                Cargo::Wagonload => (
                    v * 365.0 * u.tonnes_per_wagon,
                    format!("{v} wagons/d × 365 × {} t/wagon", u.tonnes_per_wagon),
                ),
            });
        }
        _ => return None,
    };
    Some(match cargo {
        Cargo::Containers => (
            per_year * u.teu_per_train,
            format!("{what} × {} TEU/train", u.teu_per_train),
        ),
        Cargo::Wagonload => (
            per_year * wagons_per_train * u.tonnes_per_wagon,
            format!(
                "{what} × {wagons_per_train:.0} wagons × {} t",
                u.tonnes_per_wagon
            ),
        ),
    })
}

/// The yearly capacity of a line (one direction).
fn link_capacity(c: Capacity, cargo: Cargo, u: Units) -> Option<(f64, String)> {
    let wagons_per_train = u.teu_per_train / u.teu_per_wagon;
    Some(match (cargo, c) {
        (Cargo::Containers, Capacity::TeuPerYear(v)) => (v, format!("{v} TEU/yr")),
        (Cargo::Containers, Capacity::TeuPerDay(v)) => (v * 365.0, format!("{v} TEU/d × 365")),
        (Cargo::Containers, Capacity::MtPerYear(v)) => (
            v * 1e6 / u.tonnes_per_teu,
            format!("{v} Mt/yr at {} t/TEU", u.tonnes_per_teu),
        ),
        (Cargo::Wagonload, Capacity::MtPerYear(v)) => (v * 1e6, format!("{v} Mt/yr")),
        (Cargo::Wagonload, Capacity::TeuPerYear(v)) => (
            v / u.teu_per_wagon * u.tonnes_per_wagon,
            format!(
                "{v} TEU/yr ÷ {} TEU/wagon × {} t",
                u.teu_per_wagon, u.tonnes_per_wagon
            ),
        ),
        (Cargo::Wagonload, Capacity::TeuPerDay(v)) => (
            v * 365.0 / u.teu_per_wagon * u.tonnes_per_wagon,
            format!(
                "{v} TEU/d × 365 ÷ {} TEU/wagon × {} t",
                u.teu_per_wagon, u.tonnes_per_wagon
            ),
        ),
        (cargo, other) => return train_capacity(other, cargo, u, wagons_per_train),
    })
}

/// What one departure carries of a cargo (`None`: that cargo does not board it).
fn payload(p: Payload, kind: ServiceKind, cargo: Cargo, u: Units) -> Option<f64> {
    match cargo {
        Cargo::Containers => Some(match p {
            Payload::Teu(v) => v,
            Payload::Wagons(w) => w * u.teu_per_wagon,
            Payload::Tonnes(t) => t / u.tonnes_per_teu,
        }),
        Cargo::Wagonload => {
            if matches!(kind, ServiceKind::Feeder | ServiceKind::Liner) {
                return None;
            }
            Some(match p {
                Payload::Teu(v) => v / u.teu_per_wagon * u.tonnes_per_wagon,
                Payload::Wagons(w) => w * u.tonnes_per_wagon,
                Payload::Tonnes(t) => t,
            })
        }
    }
}

/// A capacity as an integer arc capacity (whole TEU or tonnes a year).
fn arc_capacity(v: f64) -> u64 {
    if v.is_finite() {
        v.max(0.0).floor() as u64
    } else {
        INFINITE
    }
}

impl CorridorGraph {
    /// The graph of `net` for `cargo`, on the links of `corridor` only when given; weather
    /// closures and units from `params`.
    pub fn build(
        net: &Network,
        params: &Parsed,
        cargo: Cargo,
        corridor: Option<CorridorId>,
    ) -> CorridorGraph {
        let u = Units::of(net, params);
        let sources = |c: Cite| {
            net.cited(c)
                .iter()
                .map(|s| net.source(*s).key.clone())
                .collect::<Vec<_>>()
        };
        let corridors_of = |set: corridor_model::network::CorridorSet| {
            set.iter()
                .map(|c| net.corridors[c.0 as usize].key.clone())
                .collect::<Vec<_>>()
        };
        let closed = |mode| {
            params
                .weather
                .iter()
                .find(|w| w.mode == mode)
                .map(|w| w.closed_share.iter().sum::<f64>() / 12.0)
                .unwrap_or(0.0)
        };
        let in_corridor =
            |l: &corridor_model::network::Link| corridor.is_none_or(|c| l.corridors.contains(c));
        let mut graph = FlowGraph::new(0);
        let mut elements: Vec<ElementInfo> = Vec::new();
        let mut node_in = Vec::with_capacity(net.nodes.len());
        let mut node_out = Vec::with_capacity(net.nodes.len());
        // Corridors through each node: those of the links touching it.
        let mut node_corridors = vec![corridor_model::network::CorridorSet(0); net.nodes.len()];
        for l in &net.links {
            node_corridors[l.from.idx()].0 |= l.corridors.0;
            node_corridors[l.to.idx()].0 |= l.corridors.0;
        }
        for (i, n) in net.nodes.iter().enumerate() {
            let a = graph.add_node();
            let cap = binding(&n.capacity, |c| node_capacity(c, cargo, u));
            match cap {
                Some(((v, basis), cite)) => {
                    let b = graph.add_node();
                    let tag = elements.len() as u32;
                    graph
                        .add_arc(a, b, arc_capacity(v), tag)
                        .expect("nodes exist");
                    elements.push(ElementInfo {
                        element: Element::Node {
                            node: NodeId(i as u32),
                        },
                        name: n.key.clone(),
                        capacity: v,
                        basis,
                        sources: sources(cite),
                        corridors: corridors_of(node_corridors[i]),
                    });
                    node_in.push(a);
                    node_out.push(b);
                }
                None => {
                    node_in.push(a);
                    node_out.push(a);
                }
            }
        }
        for (li, l) in net.links.iter().enumerate() {
            if !in_corridor(l) {
                continue;
            }
            let link = LinkId(li as u32);
            for reversed in [false, true] {
                let (from, to) = if reversed {
                    (l.to, l.from)
                } else {
                    (l.from, l.to)
                };
                let dir = format!("{} ({} → {})", l.key, net.node(from).key, net.node(to).key);
                let running: Vec<_> = net
                    .services_on(link)
                    .iter()
                    .map(|&s| net.service(s))
                    .filter(|s| {
                        s.direction == Direction::Both
                            || (s.direction == Direction::Forward && !reversed)
                            || (s.direction == Direction::Backward && reversed)
                    })
                    .collect();
                let boarding: Vec<(f64, String, Cite, Cite)> = running
                    .iter()
                    .filter_map(|s| {
                        let per = payload(s.payload.value, s.kind, cargo, u)?;
                        let departures = s.schedule.value.per_week() * 365.0 / 7.0;
                        let open = 1.0 - closed(l.mode);
                        Some((
                            departures * per * open,
                            format!(
                                "{} {:.0} departures/yr × {per:.0}{}",
                                s.key,
                                departures,
                                if open < 1.0 {
                                    format!(" × {open:.2} open")
                                } else {
                                    String::new()
                                }
                            ),
                            s.schedule.cite,
                            s.payload.cite,
                        ))
                    })
                    .collect();
                if !running.is_empty() && boarding.is_empty() {
                    // Services run but none takes this cargo: the way is closed to it.
                    continue;
                }
                let tail = node_out[from.idx()];
                let head = node_in[to.idx()];
                let line = binding(&l.capacity, |c| link_capacity(c, cargo, u));
                let mut at = tail;
                let has_line = line.is_some();
                if let Some(((v, basis), cite)) = line {
                    let next = if boarding.is_empty() {
                        head
                    } else {
                        graph.add_node()
                    };
                    let tag = elements.len() as u32;
                    graph
                        .add_arc(at, next, arc_capacity(v), tag)
                        .expect("nodes exist");
                    elements.push(ElementInfo {
                        element: Element::Link { link, reversed },
                        name: dir.clone(),
                        capacity: v,
                        basis,
                        sources: sources(cite),
                        corridors: corridors_of(l.corridors),
                    });
                    at = next;
                }
                if boarding.is_empty() {
                    if !has_line {
                        let tag = elements.len() as u32;
                        graph
                            .add_arc(tail, head, INFINITE, tag)
                            .expect("nodes exist");
                        elements.push(ElementInfo {
                            element: Element::Link { link, reversed },
                            name: dir,
                            capacity: f64::INFINITY,
                            basis: "no stated capacity".into(),
                            sources: Vec::new(),
                            corridors: corridors_of(l.corridors),
                        });
                    }
                    continue;
                }
                let total: f64 = boarding.iter().map(|b| b.0).sum();
                let mut srcs: Vec<String> = Vec::new();
                for b in &boarding {
                    for s in sources(b.2).into_iter().chain(sources(b.3)) {
                        if !srcs.contains(&s) {
                            srcs.push(s);
                        }
                    }
                }
                let tag = elements.len() as u32;
                graph
                    .add_arc(at, head, arc_capacity(total), tag)
                    .expect("nodes exist");
                elements.push(ElementInfo {
                    element: Element::Services { link, reversed },
                    name: format!("services on {dir}"),
                    capacity: total,
                    basis: boarding
                        .iter()
                        .map(|b| b.1.clone())
                        .collect::<Vec<_>>()
                        .join(" + "),
                    sources: srcs,
                    corridors: corridors_of(l.corridors),
                });
            }
        }
        CorridorGraph {
            graph,
            elements,
            node_in,
            node_out,
            cargo,
            corridor,
        }
    }

    /// The graph node cargo from `n` enters at (before the node's own capacity).
    pub fn entry(&self, n: NodeId) -> usize {
        self.node_in[n.idx()]
    }

    /// The graph node cargo for `n` leaves at (after the node's own capacity).
    pub fn exit(&self, n: NodeId) -> usize {
        self.node_out[n.idx()]
    }
}

/// Groups of places: origins and destinations of a capacity question.
#[derive(Clone, Debug, Serialize)]
pub struct Groups {
    /// The origins, as given.
    pub from: String,
    /// The destinations, as given.
    pub to: String,
    /// Their nodes.
    #[serde(skip)]
    pub from_nodes: Vec<NodeId>,
    /// See `from_nodes`.
    #[serde(skip)]
    pub to_nodes: Vec<NodeId>,
}

/// The member states of the European Union (ISO 3166-1 alpha-2), for the group `EU`.
pub const EU: [&str; 27] = [
    "AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE", "IT", "LV",
    "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE",
];

/// Why a group of places could not be read.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum GroupError {
    /// A word that is neither a country code, `EU`, nor a node id.
    #[error("`{word}` is neither a country code (CN, KZ, …), `EU`, nor a node id{}", hint.as_ref().map(|h| format!(" ({h})")).unwrap_or_default())]
    Unknown {
        /// The word.
        word: String,
        /// A suggestion.
        hint: Option<String>,
    },
    /// A group that names no node of the network.
    #[error("`{group}` names no node of the network")]
    Empty {
        /// The group.
        group: String,
    },
}

/// The nodes of a group: comma-separated country codes, `EU`, or node ids.
pub fn group(net: &Network, text: &str) -> Result<Vec<NodeId>, GroupError> {
    let mut out: Vec<NodeId> = Vec::new();
    for word in text.split(',').map(str::trim).filter(|w| !w.is_empty()) {
        let add = |out: &mut Vec<NodeId>, n: NodeId| {
            if !out.contains(&n) {
                out.push(n);
            }
        };
        if let Some(n) = net.node_by_key(word) {
            add(&mut out, n);
        } else if word.eq_ignore_ascii_case("EU") {
            for (i, n) in net.nodes.iter().enumerate() {
                if EU.contains(&n.country.as_str()) {
                    add(&mut out, NodeId(i as u32));
                }
            }
        } else if word.len() == 2 && word.chars().all(|c| c.is_ascii_alphabetic()) {
            let code = word.to_ascii_uppercase();
            for (i, n) in net.nodes.iter().enumerate() {
                if n.country.as_str() == code {
                    add(&mut out, NodeId(i as u32));
                }
            }
        } else {
            return Err(GroupError::Unknown {
                word: word.to_string(),
                hint: corridor_model::diag::did_you_mean(
                    word,
                    net.nodes.iter().map(|n| n.key.as_str()),
                ),
            });
        }
    }
    if out.is_empty() {
        return Err(GroupError::Empty {
            group: text.to_string(),
        });
    }
    Ok(out)
}

impl Groups {
    /// Read `from` and `to` (the same node in both is taken out of the origins).
    pub fn parse(net: &Network, from: &str, to: &str) -> Result<Groups, GroupError> {
        let to_nodes = group(net, to)?;
        let mut from_nodes = group(net, from)?;
        from_nodes.retain(|n| !to_nodes.contains(n));
        if from_nodes.is_empty() {
            return Err(GroupError::Empty {
                group: from.to_string(),
            });
        }
        Ok(Groups {
            from: from.to_string(),
            to: to.to_string(),
            from_nodes,
            to_nodes,
        })
    }
}
