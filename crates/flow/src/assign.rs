//! Static user-equilibrium traffic assignment with volume-delay functions.
//!
//! # The problem
//! A [`Network`] of links with a volume-delay function each ([`Vdf`]: BPR by default,
//! `t = t0 (1 + α (v/c)^β)` with per-link `α`, `β`), and one or more [`DemandClass`]es,
//! each an origin–destination matrix with its own passenger-car-equivalent factor (PCE)
//! and generalised-cost weights. Every traveller takes a cheapest path for their class,
//! where a class's link cost is
//!
//! `c_a = t_a(v_a) + toll_factor × toll_a + distance_factor × length_a`
//!
//! and `v_a` is the link volume **in PCE units**: `v_a = Σ_k pce_k x_a^k`, with `x_a^k` the
//! flow of class `k` in its own vehicles (e.g. containers and wagons on one line, where a
//! wagon counts for two container slots). Nodes numbered below
//! [`Network::first_thru_node`] are zones: paths may start or end there but not pass
//! through. Intra-zonal demand (origin = destination) is not assigned;
//! [`Assignment::skipped_intrazonal`] says how much was skipped.
//!
//! # The algorithm
//! Path-based gradient projection (Jayakrishnan, Tsai, Prashker & Rajadhyaksha 1994,
//! "A faster path-based algorithm for traffic assignment", TRR 1443), with column
//! generation. Each iteration:
//! 1. computes link volumes from the path flows (so no rounding drift builds up), then for
//!    every class and origin a shortest-path tree (Dijkstra) at the current costs; this
//!    gives the gap, and each tree's paths join the origin–destination pairs' path sets;
//! 2. sweeps the origin–destination pairs: in each sweep, the flow on every path dearer
//!    than the pair's cheapest is moved towards it by a Newton step,
//!    `Δ = min(f_p, (c_p − c_min) / Σ_{a ∈ p ⊕ min} t'_a)` (all of `f_p` when the
//!    derivatives are zero), updating link costs at once (Gauss–Seidel); paths left
//!    without flow are dropped. Sweeps repeat until the path sets' excess cost
//!    `Σ f_p (c_p − c_min)` is below 1% of the iteration's `TSTT − SPTT`, at most
//!    [`AssignConfig::inner_sweeps`] times: few sweeps while the path sets are still
//!    incomplete, many near the end, where they are cheap next to a shortest-path pass.
//!
//! The shortest-path pass runs on [`AssignConfig::threads`] threads (origins are shared
//! out; the result is the same whatever the number of threads). Everything else is
//! sequential. Zero free-flow times, zero `α` and zero-derivative links are allowed (such
//! links have no unique equilibrium flow); a zero capacity with `α > 0` is refused.
//!
//! # Multi-class
//! Classes share the links' volume-delay functions through their PCE factors and may have
//! their own toll and distance weights. Path flows are kept in PCE units internally;
//! [`Assignment::class_link_flows`], [`Assignment::paths`] and [`SelectedFlow::flow`] are
//! in each class's own vehicles.
//!
//! The relative gap is `(TSTT − SPTT) / TSTT` with `TSTT = Σ_a Σ_k y_a^k c_a^k` (the total
//! cost at current flows, `y^k = pce_k x^k`) and `SPTT = Σ_k Σ_od pce_k d_od^k π_od^k`
//! (demand times shortest-path cost at the same costs), both in PCE units; with one class
//! of PCE 1 and no tolls this is the textbook `(Σ v t(v) − Σ d π) / Σ v t(v)`. The gap of
//! every iteration, with the time since the start, is in [`Assignment::history`]; the
//! final gap is computed on the very flows returned.
//!
//! # Select-link analysis
//! The method is path-based, so [`Assignment::select_link`] and
//! [`Assignment::select_node`] read off the path flows exactly which origin–destination
//! pairs (of which class) use a link or node and how much — no proportional split of an
//! origin's flow is needed. Equilibrium path flows are not unique (only link flows are,
//! for strictly increasing costs); the split reported is the one this solver reached.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use corridor_model::diag::LoadErrors;

use crate::diag::Collector;
use crate::tntp::{self, TntpNetwork, TntpTrips};

/// A volume-delay function, the same for every link (each link has its own parameters).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Vdf {
    /// Bureau of Public Roads: `t = t0 (1 + α (v/c)^β)`.
    #[default]
    Bpr,
    /// Spiess's conical function (1990) with `α` = [`Link::alpha`] (> 1):
    /// `t = t0 (2 + √(α²(1 − x)² + b²) − α(1 − x) − b)`, `x = v/c`, `b = (2α − 1)/(2α − 2)`.
    /// [`Link::beta`] is not used.
    Conical,
}

/// One directed link of an assignment [`Network`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Link {
    /// Tail node (0-based).
    pub from: usize,
    /// Head node (0-based).
    pub to: usize,
    /// Free-flow time `t0`, ≥ 0 (0 makes the link's time 0 whatever its volume).
    pub free_flow_time: f64,
    /// Capacity `c`, > 0 when `alpha` > 0.
    pub capacity: f64,
    /// VDF `α` (TNTP's `b`), ≥ 0.
    pub alpha: f64,
    /// VDF `β` (TNTP's `power`), ≥ 0.
    pub beta: f64,
    /// Length, for the distance term of the generalised cost.
    pub length: f64,
    /// Toll, for the toll term of the generalised cost.
    pub toll: f64,
}

/// A network for assignment: nodes `0..node_count` and links.
#[derive(Clone, Debug, PartialEq)]
pub struct Network {
    node_count: usize,
    first_thru_node: usize,
    links: Vec<Link>,
    /// Links leaving each node: `out_links[out_start[v]..out_start[v + 1]]`.
    out_start: Vec<u32>,
    out_links: Vec<u32>,
    /// Head node of each `out_links` entry.
    out_head: Vec<u32>,
    /// Tail node of each link (compact, for walking trees).
    link_from: Vec<u32>,
}

/// Why an assignment problem was refused.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum AssignError {
    /// A link or demand entry names a node outside `0..node_count`.
    #[error("{what} {index} names node {node}, but the network has {node_count} nodes")]
    NodeOutOfRange {
        /// `"link"` or `"demand entry"`.
        what: &'static str,
        /// Index of the link or entry.
        index: usize,
        /// The node.
        node: usize,
        /// Nodes in the network.
        node_count: usize,
    },
    /// A link parameter is negative, not finite, or (capacity) zero while `alpha` > 0.
    #[error("link {link}: `{field}` = {value} is not allowed ({reason})")]
    BadLink {
        /// Link index.
        link: usize,
        /// The parameter.
        field: &'static str,
        /// Its value.
        value: f64,
        /// What is expected.
        reason: &'static str,
    },
    /// A class parameter or demand value is not allowed.
    #[error("class {class}: `{field}` = {value} is not allowed ({reason})")]
    BadClass {
        /// Class index.
        class: usize,
        /// The parameter.
        field: &'static str,
        /// Its value.
        value: f64,
        /// What is expected.
        reason: &'static str,
    },
    /// A class's fixed cost (toll and distance terms) is negative on a link.
    #[error("class {class}: the toll and distance terms make link {link}'s cost negative ({cost})")]
    NegativeCost {
        /// Class index.
        class: usize,
        /// Link index.
        link: usize,
        /// The fixed cost.
        cost: f64,
    },
    /// No path joins an origin to a destination that has demand.
    #[error("class {class}: no path from node {origin} to node {destination}, which have demand")]
    Unreachable {
        /// Class index.
        class: usize,
        /// Origin node.
        origin: usize,
        /// Destination node.
        destination: usize,
    },
    /// No demand class was given.
    #[error("no demand class was given")]
    NoClasses,
}

impl Network {
    /// A network with nodes `0..node_count`, where nodes `0..first_thru_node` are zones
    /// that paths may not pass through (0 allows every node), and `links`.
    ///
    /// # Errors
    /// [`AssignError::NodeOutOfRange`]; [`AssignError::BadLink`] for a negative or
    /// non-finite parameter, or a zero capacity on a link whose `alpha` is positive.
    pub fn new(
        node_count: usize,
        first_thru_node: usize,
        links: Vec<Link>,
    ) -> Result<Self, AssignError> {
        if node_count >= u32::MAX as usize || links.len() >= u32::MAX as usize {
            return Err(AssignError::NodeOutOfRange {
                what: "link",
                index: 0,
                node: node_count,
                node_count: u32::MAX as usize - 1,
            });
        }
        for (i, l) in links.iter().enumerate() {
            for node in [l.from, l.to] {
                if node >= node_count {
                    return Err(AssignError::NodeOutOfRange {
                        what: "link",
                        index: i,
                        node,
                        node_count,
                    });
                }
            }
            let bad = |field, value: f64, reason| AssignError::BadLink {
                link: i,
                field,
                value,
                reason,
            };
            for (field, v) in [
                ("free_flow_time", l.free_flow_time),
                ("capacity", l.capacity),
                ("alpha", l.alpha),
                ("beta", l.beta),
            ] {
                if !(v.is_finite() && v >= 0.0) {
                    return Err(bad(field, v, "must be finite and ≥ 0"));
                }
            }
            for (field, v) in [("length", l.length), ("toll", l.toll)] {
                if !v.is_finite() {
                    return Err(bad(field, v, "must be finite"));
                }
            }
            if l.capacity == 0.0 && l.alpha > 0.0 && l.free_flow_time > 0.0 {
                return Err(bad(
                    "capacity",
                    0.0,
                    "a zero capacity makes the delay infinite at any flow",
                ));
            }
        }
        let mut out_start = vec![0u32; node_count + 1];
        for l in &links {
            out_start[l.from + 1] += 1;
        }
        for v in 0..node_count {
            out_start[v + 1] += out_start[v];
        }
        let mut fill = out_start.clone();
        let mut out_links = vec![0u32; links.len()];
        for (i, l) in links.iter().enumerate() {
            out_links[fill[l.from] as usize] = i as u32;
            fill[l.from] += 1;
        }
        let out_head = out_links
            .iter()
            .map(|&a| links[a as usize].to as u32)
            .collect();
        let link_from = links.iter().map(|l| l.from as u32).collect();
        Ok(Network {
            node_count,
            first_thru_node: first_thru_node.min(node_count),
            links,
            out_start,
            out_links,
            out_head,
            link_from,
        })
    }

    /// The assignment network of a TNTP `_net` file: node `k` of the file becomes node
    /// `k − 1`, `b` becomes `alpha`, `power` becomes `beta`, and nodes below
    /// `<FIRST THRU NODE>` become pass-through-forbidden zones.
    ///
    /// # Errors
    /// A diagnostic naming the file, line and field of a link the assignment cannot take
    /// (a zero capacity with a positive `b` and free-flow time).
    pub fn from_tntp(net: &TntpNetwork) -> Result<Self, LoadErrors> {
        let mut errs = Collector::default();
        let links: Vec<Link> = net
            .links
            .iter()
            .map(|l| Link {
                from: l.init_node as usize - 1,
                to: l.term_node as usize - 1,
                free_flow_time: l.free_flow_time,
                capacity: l.capacity,
                alpha: l.b,
                beta: l.power,
                length: l.length,
                toll: l.toll,
            })
            .collect();
        for (l, t) in links.iter().zip(&net.links) {
            if l.capacity == 0.0 && l.alpha > 0.0 && l.free_flow_time > 0.0 {
                errs.push(tntp::bad_link(
                    net,
                    t,
                    "capacity",
                    "a zero capacity with b > 0 makes the delay infinite at any flow".into(),
                ));
            }
        }
        let ftn = net.first_thru_node.saturating_sub(1) as usize;
        errs.finish(())?;
        Network::new(net.nodes as usize, ftn, links).map_err(|e| {
            crate::diag::single(crate::diag::diagnostic(
                &net.file,
                None,
                None,
                None,
                e.to_string(),
                None,
            ))
        })
    }

    /// Number of nodes.
    pub fn node_count(&self) -> usize {
        self.node_count
    }

    /// Nodes below this index are zones that paths may not pass through.
    pub fn first_thru_node(&self) -> usize {
        self.first_thru_node
    }

    /// The links, in the order given.
    pub fn links(&self) -> &[Link] {
        &self.links
    }

    /// Indices of the links leaving `node`.
    pub fn out_links(&self, node: usize) -> &[u32] {
        &self.out_links[self.out_start[node] as usize..self.out_start[node + 1] as usize]
    }
}

/// One origin–destination demand of a class.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct OdDemand {
    /// Origin node (0-based).
    pub origin: usize,
    /// Destination node (0-based).
    pub destination: usize,
    /// Demand, in the class's own vehicles.
    pub flow: f64,
}

/// A demand class: a matrix, a PCE factor and generalised-cost weights.
#[derive(Clone, Debug, PartialEq)]
pub struct DemandClass {
    /// A name for reports.
    pub name: String,
    /// Passenger-car equivalents per vehicle of this class (> 0): its flows enter the
    /// volume-delay functions multiplied by this.
    pub pce: f64,
    /// Weight of [`Link::toll`] in this class's generalised cost.
    pub toll_factor: f64,
    /// Weight of [`Link::length`] in this class's generalised cost.
    pub distance_factor: f64,
    /// The demand entries (intra-zonal ones are kept here and skipped by the solver).
    pub demand: Vec<OdDemand>,
}

impl DemandClass {
    /// A class with PCE 1 and no toll or distance weight.
    pub fn new(name: impl Into<String>, demand: Vec<OdDemand>) -> Self {
        DemandClass {
            name: name.into(),
            pce: 1.0,
            toll_factor: 0.0,
            distance_factor: 0.0,
            demand,
        }
    }

    /// The demand of a TNTP `_trips` file for the network of `net` (zone `k` becomes
    /// node `k − 1`), with PCE 1 and no toll or distance weight.
    ///
    /// # Errors
    /// Diagnostics naming the trips file, line and field when the trips name zones the
    /// network does not have.
    pub fn from_tntp(
        name: impl Into<String>,
        trips: &TntpTrips,
        net: &TntpNetwork,
    ) -> Result<Self, LoadErrors> {
        let mut errs = Collector::default();
        if trips.zones > net.zones {
            errs.push(tntp::zone_count_mismatch(trips, net));
        }
        for e in &trips.entries {
            if e.origin > net.zones || e.destination > net.zones {
                errs.push(tntp::unknown_zone(trips, e, net));
            }
        }
        errs.finish(())?;
        Ok(DemandClass::new(
            name,
            trips
                .entries
                .iter()
                .map(|e| OdDemand {
                    origin: e.origin as usize - 1,
                    destination: e.destination as usize - 1,
                    flow: e.flow,
                })
                .collect(),
        ))
    }
}

/// When to stop and how hard to work per iteration.
#[derive(Clone, Debug, PartialEq)]
pub struct AssignConfig {
    /// Stop once the relative gap is at most this (default `1e-10`).
    pub target_gap: f64,
    /// Stop after this many iterations (default 10 000).
    pub max_iterations: usize,
    /// Stop after this much time, when set (checked once per iteration).
    pub time_limit: Option<Duration>,
    /// The volume-delay function (default BPR).
    pub vdf: Vdf,
    /// Most equilibration sweeps over all origin–destination pairs per iteration
    /// (default 50). Sweeps stop earlier once the path sets are equilibrated to 1% of the
    /// current gap; a sweep is far cheaper than a shortest-path pass on most networks.
    pub inner_sweeps: usize,
    /// Threads for the shortest-path pass (0, the default: all available cores). The
    /// result does not depend on it.
    pub threads: usize,
}

impl Default for AssignConfig {
    fn default() -> Self {
        AssignConfig {
            target_gap: 1e-10,
            max_iterations: 10_000,
            time_limit: None,
            vdf: Vdf::Bpr,
            inner_sweeps: 50,
            threads: 0,
        }
    }
}

/// The relative gap after an iteration.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct GapRecord {
    /// Iteration count (0 is the all-or-nothing start at free-flow costs).
    pub iteration: usize,
    /// `(TSTT − SPTT) / TSTT` at the flows after this iteration.
    pub relative_gap: f64,
    /// Time since the solve started.
    pub elapsed: Duration,
}

/// One origin–destination pair's use of a selected link or node.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SelectedFlow {
    /// Class index.
    pub class: usize,
    /// Origin node.
    pub origin: usize,
    /// Destination node.
    pub destination: usize,
    /// Flow of the pair through the link or node, in the class's vehicles.
    pub flow: f64,
    /// That flow as a share of the pair's demand.
    pub share: f64,
}

/// A path and its flow, as returned by [`Assignment::paths`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PathFlow<'a> {
    /// Class index.
    pub class: usize,
    /// Origin node.
    pub origin: usize,
    /// Destination node.
    pub destination: usize,
    /// Link indices, in order from the origin.
    pub links: &'a [u32],
    /// Flow, in the class's vehicles.
    pub flow: f64,
}

/// The result of [`assign`].
#[derive(Clone, Debug)]
pub struct Assignment {
    /// Volume on each link in PCE units (what the VDF sees).
    pub link_flows: Vec<f64>,
    /// Volume on each link per class, in the class's own vehicles: `[class][link]`.
    pub class_link_flows: Vec<Vec<f64>>,
    /// VDF time `t_a(v_a)` of each link at [`Assignment::link_flows`].
    pub link_times: Vec<f64>,
    /// Final relative gap, computed on the returned flows.
    pub relative_gap: f64,
    /// True when the gap reached [`AssignConfig::target_gap`].
    pub converged: bool,
    /// Iterations done (not counting the all-or-nothing start).
    pub iterations: usize,
    /// Gap after each iteration, with the elapsed time.
    pub history: Vec<GapRecord>,
    /// Total cost at the final flows (PCE units).
    pub tstt: f64,
    /// Demand times shortest-path cost at the final costs (PCE units).
    pub sptt: f64,
    /// Intra-zonal demand read but not assigned, per class, in the class's vehicles.
    pub skipped_intrazonal: Vec<f64>,
    pces: Vec<f64>,
    ods: Vec<Od>,
}

impl Assignment {
    /// Which origin–destination pairs use `link`, and how much (from the path flows:
    /// exact, no proportional split). Pairs are in class, origin, destination order.
    pub fn select_link(&self, link: usize) -> Vec<SelectedFlow> {
        let l = link as u32;
        self.select(|p| p.links.contains(&l))
    }

    /// Which origin–destination pairs' paths pass through, start or end at `node`, and
    /// how much.
    pub fn select_node(&self, node: usize, network: &Network) -> Vec<SelectedFlow> {
        self.select(|p| {
            p.links.iter().any(|&a| {
                let l = &network.links[a as usize];
                l.from == node || l.to == node
            })
        })
    }

    fn select(&self, uses: impl Fn(&Path) -> bool) -> Vec<SelectedFlow> {
        let mut out = Vec::new();
        for od in &self.ods {
            let pce = self.pces[od.class as usize];
            let f: f64 = od.paths.iter().filter(|p| uses(p)).map(|p| p.flow).sum();
            if f > 0.0 {
                out.push(SelectedFlow {
                    class: od.class as usize,
                    origin: od.origin as usize,
                    destination: od.destination as usize,
                    flow: f / pce,
                    share: f / od.demand,
                });
            }
        }
        out
    }

    /// Every path with flow, with the flow in the class's vehicles.
    pub fn paths(&self) -> impl Iterator<Item = PathFlow<'_>> + '_ {
        self.ods.iter().flat_map(move |od| {
            let pce = self.pces[od.class as usize];
            od.paths.iter().map(move |p| PathFlow {
                class: od.class as usize,
                origin: od.origin as usize,
                destination: od.destination as usize,
                links: &p.links,
                flow: p.flow / pce,
            })
        })
    }

    /// Generalised cost of `link` for class `class` at the final flows.
    ///
    /// # Panics
    /// When `class` or `link` is out of range.
    pub fn link_cost(
        &self,
        network: &Network,
        classes: &[DemandClass],
        class: usize,
        link: usize,
    ) -> f64 {
        let l = &network.links[link];
        let c = &classes[class];
        self.link_times[link] + c.toll_factor * l.toll + c.distance_factor * l.length
    }
}

#[derive(Clone, Debug)]
struct Path {
    links: Vec<u32>,
    flow: f64,
    hash: u64,
}

#[derive(Clone, Debug)]
struct Od {
    class: u32,
    origin: u32,
    destination: u32,
    /// Demand in PCE units.
    demand: f64,
    paths: Vec<Path>,
}

fn path_hash(links: &[u32]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &l in links {
        h = (h.rotate_left(5) ^ u64::from(l)).wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// Per-link VDF evaluation, with integer powers done by multiplication.
struct Delay {
    t0: Vec<f64>,
    /// `t0 α / c^β` (BPR) or `α` (conical).
    coef: Vec<f64>,
    inv_cap: Vec<f64>,
    beta: Vec<f64>,
    /// `β` as a small integer, or -1.
    beta_int: Vec<i32>,
    vdf: Vdf,
}

impl Delay {
    fn new(net: &Network, vdf: Vdf) -> Self {
        let m = net.links.len();
        let mut d = Delay {
            t0: Vec::with_capacity(m),
            coef: Vec::with_capacity(m),
            inv_cap: Vec::with_capacity(m),
            beta: Vec::with_capacity(m),
            beta_int: Vec::with_capacity(m),
            vdf,
        };
        for l in &net.links {
            let inv_cap = if l.capacity > 0.0 {
                1.0 / l.capacity
            } else {
                0.0
            };
            d.t0.push(l.free_flow_time);
            d.inv_cap.push(inv_cap);
            d.beta.push(l.beta);
            let bi = if l.beta == l.beta.round() && l.beta <= 16.0 {
                l.beta as i32
            } else {
                -1
            };
            d.beta_int.push(bi);
            d.coef.push(match vdf {
                Vdf::Bpr => {
                    if l.capacity > 0.0 {
                        l.free_flow_time * l.alpha
                    } else {
                        0.0
                    }
                }
                Vdf::Conical => l.alpha,
            });
        }
        d
    }

    /// Time and its derivative at volume `v`.
    #[inline]
    fn eval(&self, a: usize, v: f64) -> (f64, f64) {
        let t0 = self.t0[a];
        match self.vdf {
            Vdf::Bpr => {
                let k = self.coef[a];
                if k == 0.0 {
                    return (t0, 0.0);
                }
                let x = v.max(0.0) * self.inv_cap[a];
                let bi = self.beta_int[a];
                if bi >= 1 {
                    let xb1 = x.powi(bi - 1);
                    return (t0 + k * xb1 * x, k * f64::from(bi) * xb1 * self.inv_cap[a]);
                }
                if bi == 0 {
                    return (t0 + k, 0.0);
                }
                // Fractional β: for β < 1 the slope is infinite at zero flow; take it at a
                // tiny volume instead, so that Newton steps stay finite.
                let b = self.beta[a];
                let xs = if b < 1.0 { x.max(1e-9) } else { x };
                (
                    t0 + k * x.powf(b),
                    k * b * xs.powf(b - 1.0) * self.inv_cap[a],
                )
            }
            Vdf::Conical => {
                let al = self.coef[a];
                if t0 == 0.0 || al <= 1.0 || self.inv_cap[a] == 0.0 {
                    return (t0, 0.0);
                }
                let b = (2.0 * al - 1.0) / (2.0 * al - 2.0);
                let x = v.max(0.0) * self.inv_cap[a];
                let y = al * (1.0 - x);
                let r = (y * y + b * b).sqrt();
                let t = t0 * (2.0 + r - y - b);
                let dt = t0 * al * (1.0 - y / r) * self.inv_cap[a];
                (t, dt)
            }
        }
    }
}

/// The solver's working state.
struct State<'a> {
    net: &'a Network,
    delay: Delay,
    /// Fixed cost per class and link (toll and distance terms); empty when all zero.
    fixed: Vec<Vec<f64>>,
    v: Vec<f64>,
    class_v: Vec<Vec<f64>>,
    t: Vec<f64>,
    dt: Vec<f64>,
    ods: Vec<Od>,
    /// `(class, origin, range of ods)`.
    groups: Vec<(u32, u32, std::ops::Range<usize>)>,
    mark: Vec<u32>,
    stamp: u32,
}

impl State<'_> {
    #[inline]
    fn cost(&self, class: usize, a: usize) -> f64 {
        match self.fixed.get(class) {
            Some(f) if !f.is_empty() => self.t[a] + f[a],
            _ => self.t[a],
        }
    }

    fn refresh_link(&mut self, a: usize) {
        let (t, dt) = self.delay.eval(a, self.v[a]);
        self.t[a] = t;
        self.dt[a] = dt;
    }

    /// Link volumes from path flows, and times.
    fn recompute_volumes(&mut self) {
        self.v.iter_mut().for_each(|x| *x = 0.0);
        for cv in &mut self.class_v {
            cv.iter_mut().for_each(|x| *x = 0.0);
        }
        for od in &self.ods {
            let cv = &mut self.class_v[od.class as usize];
            for p in &od.paths {
                for &a in &p.links {
                    cv[a as usize] += p.flow;
                }
            }
        }
        for cv in &self.class_v {
            for (x, y) in self.v.iter_mut().zip(cv) {
                *x += y;
            }
        }
        for a in 0..self.v.len() {
            self.refresh_link(a);
        }
    }

    fn path_cost(&self, class: usize, links: &[u32]) -> f64 {
        match self.fixed.get(class) {
            Some(f) if !f.is_empty() => links
                .iter()
                .map(|&a| self.t[a as usize] + f[a as usize])
                .sum(),
            _ => links.iter().map(|&a| self.t[a as usize]).sum(),
        }
    }

    /// Shortest paths for every class and origin at the current costs (in parallel over
    /// origins): returns SPTT and adds the new columns. When `init`, each pair gets its
    /// shortest path with all its demand.
    fn shortest_paths(&mut self, init: bool, threads: usize) -> Result<f64, AssignError> {
        let net = self.net;
        // Link costs per class, in forward-star order.
        let costs: Vec<Vec<f64>> = (0..self.class_v.len())
            .map(|k| {
                net.out_links
                    .iter()
                    .map(|&a| self.cost(k, a as usize))
                    .collect()
            })
            .collect();
        let next = AtomicUsize::new(0);
        let this = &*self;
        let work = || -> Result<Vec<GroupColumns>, AssignError> {
            let mut w = SpWorker::new(net.node_count);
            let mut out = Vec::new();
            loop {
                let g = next.fetch_add(1, Ordering::Relaxed);
                if g >= this.groups.len() {
                    return Ok(out);
                }
                out.push(this.group_columns(&mut w, &costs, g, init)?);
            }
        };
        let threads = if self.groups.len() * net.links.len() < PARALLEL_WORK {
            1
        } else {
            threads.clamp(1, self.groups.len().max(1))
        };
        let mut results = if threads == 1 {
            work()?
        } else {
            let parts: Vec<_> = std::thread::scope(|sc| {
                let handles: Vec<_> = (0..threads).map(|_| sc.spawn(work)).collect();
                handles
                    .into_iter()
                    .map(|h| h.join().expect("shortest-path worker panicked"))
                    .collect()
            });
            let mut all = Vec::new();
            for p in parts {
                all.extend(p?);
            }
            all
        };
        // The same order whatever the threads did: by group.
        results.sort_by_key(|r| r.group);
        let mut sptt = 0.0;
        for r in results {
            sptt += r.sptt;
            for (i, p) in r.columns {
                self.ods[i].paths.push(p);
            }
        }
        Ok(sptt)
    }

    /// One origin's tree, its share of SPTT and its new columns.
    fn group_columns(
        &self,
        w: &mut SpWorker,
        costs: &[Vec<f64>],
        group: usize,
        init: bool,
    ) -> Result<GroupColumns, AssignError> {
        let net = self.net;
        let (class, origin, range) = self.groups[group].clone();
        let dests = self.ods[range.clone()]
            .iter()
            .map(|o| o.destination as usize);
        w.dijkstra(net, &costs[class as usize], origin as usize, dests);
        let mut sptt = 0.0;
        let mut columns = Vec::new();
        for i in range {
            let od = &self.ods[i];
            let dest = od.destination as usize;
            let d = w.dist[dest];
            if !d.is_finite() {
                return Err(AssignError::Unreachable {
                    class: class as usize,
                    origin: origin as usize,
                    destination: dest,
                });
            }
            sptt += od.demand * d;
            w.tree_path(net, dest);
            let hash = path_hash(&w.path);
            if init {
                columns.push((
                    i,
                    Path {
                        links: w.path.clone(),
                        flow: od.demand,
                        hash,
                    },
                ));
                continue;
            }
            if od.paths.iter().any(|p| p.hash == hash && p.links == w.path) {
                continue;
            }
            let min_cost = od
                .paths
                .iter()
                .map(|p| self.path_cost(class as usize, &p.links))
                .fold(f64::INFINITY, f64::min);
            if d < min_cost * (1.0 - 1e-15) {
                columns.push((
                    i,
                    Path {
                        links: w.path.clone(),
                        flow: 0.0,
                        hash,
                    },
                ));
            }
        }
        Ok(GroupColumns {
            group,
            sptt,
            columns,
        })
    }

    fn tstt(&self) -> f64 {
        let mut s: f64 = self.v.iter().zip(&self.t).map(|(v, t)| v * t).sum();
        for (k, f) in self.fixed.iter().enumerate() {
            if !f.is_empty() {
                s += self.class_v[k]
                    .iter()
                    .zip(f)
                    .map(|(y, c)| y * c)
                    .sum::<f64>();
            }
        }
        s
    }

    /// Moves `delta` (PCE) from path `from` to path `to` of pair `i`, updating links.
    fn shift(&mut self, i: usize, from: usize, to: usize, delta: f64) {
        let class = self.ods[i].class as usize;
        // Mark `to`'s links so that common links are left alone.
        self.stamp = self.stamp.wrapping_add(1);
        if self.stamp == 0 {
            self.mark.iter_mut().for_each(|m| *m = 0);
            self.stamp = 1;
        }
        let stamp = self.stamp;
        let od = &mut self.ods[i];
        for &a in &od.paths[to].links {
            self.mark[a as usize] = stamp;
        }
        od.paths[from].flow -= delta;
        od.paths[to].flow += delta;
        let (pf, pt) = (
            std::mem::take(&mut od.paths[from].links),
            std::mem::take(&mut od.paths[to].links),
        );
        for &a in &pf {
            let a = a as usize;
            if self.mark[a] == stamp {
                // Common link: no change; unmark so the second loop skips it.
                self.mark[a] = 0;
                continue;
            }
            self.v[a] -= delta;
            self.class_v[class][a] -= delta;
            self.refresh_link(a);
        }
        for &a in &pt {
            let a = a as usize;
            if self.mark[a] == stamp {
                self.v[a] += delta;
                self.class_v[class][a] += delta;
                self.refresh_link(a);
            }
        }
        let od = &mut self.ods[i];
        od.paths[from].links = pf;
        od.paths[to].links = pt;
    }

    /// One Newton-step equilibration of pair `i` within its path set. Returns the pair's
    /// excess cost `Σ f_p (c_p − c_min)` before the step.
    fn equilibrate(&mut self, i: usize) -> f64 {
        let np = self.ods[i].paths.len();
        if np < 2 {
            return 0.0;
        }
        let class = self.ods[i].class as usize;
        let mut costs = Vec::with_capacity(np);
        for p in &self.ods[i].paths {
            costs.push(self.path_cost(class, &p.links));
        }
        let (mut s, mut cmin) = (0, costs[0]);
        for (k, &c) in costs.iter().enumerate() {
            if c < cmin {
                cmin = c;
                s = k;
            }
        }
        let excess: f64 = self.ods[i]
            .paths
            .iter()
            .zip(&costs)
            .map(|(p, c)| p.flow * (c - cmin))
            .sum();
        for k in 0..np {
            if k == s || self.ods[i].paths[k].flow <= 0.0 {
                continue;
            }
            let ck = self.path_cost(class, &self.ods[i].paths[k].links);
            let cs = self.path_cost(class, &self.ods[i].paths[s].links);
            let dc = ck - cs;
            if dc <= 0.0 {
                continue;
            }
            // Σ t' over the links of exactly one of the two paths.
            self.stamp = self.stamp.wrapping_add(1);
            if self.stamp == 0 {
                self.mark.iter_mut().for_each(|m| *m = 0);
                self.stamp = 1;
            }
            let stamp = self.stamp;
            let od = &self.ods[i];
            let mut h = 0.0;
            for &a in &od.paths[s].links {
                self.mark[a as usize] = stamp;
                h += self.dt[a as usize];
            }
            for &a in &od.paths[k].links {
                if self.mark[a as usize] == stamp {
                    h -= self.dt[a as usize];
                } else {
                    h += self.dt[a as usize];
                }
            }
            let f = od.paths[k].flow;
            let delta = if h > 0.0 { (dc / h).min(f) } else { f };
            let delta = if delta >= f * (1.0 - 1e-12) { f } else { delta };
            if delta > 0.0 {
                self.shift(i, k, s, delta);
                if delta == f {
                    self.ods[i].paths[k].flow = 0.0;
                }
            }
        }
        // Drop paths without flow (keep at least one).
        let od = &mut self.ods[i];
        if od.paths.iter().any(|p| p.flow <= 0.0) {
            od.paths.retain(|p| p.flow > 0.0);
        }
        excess
    }
}

/// What one origin's shortest-path tree contributes.
struct GroupColumns {
    group: usize,
    sptt: f64,
    /// `(pair index, new path)`.
    columns: Vec<(usize, Path)>,
}

/// Sweeps stop once the path sets' excess cost is below this fraction of the gap's
/// (TSTT − SPTT).
const SWEEP_FRACTION: f64 = 0.01;

/// Below this many (origin × link) relaxations per pass, threads cost more than they save.
const PARALLEL_WORK: usize = 200_000;

/// Per-thread Dijkstra scratch: distances, predecessor links, an indexed 4-ary heap.
struct SpWorker {
    dist: Vec<f64>,
    pred: Vec<u32>,
    /// Position in `heap`, or [`NOT_IN_HEAP`] / [`SETTLED`].
    pos: Vec<u32>,
    /// `(distance, node)`, a 4-ary min-heap.
    heap: Vec<(f64, u32)>,
    /// Destinations of the current origin are marked with `stamp`.
    dest_mark: Vec<u32>,
    stamp: u32,
    path: Vec<u32>,
}

const NOT_IN_HEAP: u32 = u32::MAX;
const SETTLED: u32 = u32::MAX - 1;
const ARITY: usize = 4;

impl SpWorker {
    fn new(n: usize) -> Self {
        SpWorker {
            dist: vec![f64::INFINITY; n],
            pred: vec![u32::MAX; n],
            pos: vec![NOT_IN_HEAP; n],
            heap: Vec::with_capacity(n),
            dest_mark: vec![0; n],
            stamp: 0,
            path: Vec::new(),
        }
    }

    #[inline]
    fn sift_up(&mut self, mut i: usize, key: f64, v: u32) {
        while i > 0 {
            let p = (i - 1) / ARITY;
            let (pk, pv) = self.heap[p];
            if pk <= key {
                break;
            }
            self.heap[i] = (pk, pv);
            self.pos[pv as usize] = i as u32;
            i = p;
        }
        self.heap[i] = (key, v);
        self.pos[v as usize] = i as u32;
    }

    #[inline]
    fn pop(&mut self) -> Option<usize> {
        let (_, top) = *self.heap.first()?;
        let (lk, lv) = self.heap.pop()?;
        self.pos[top as usize] = SETTLED;
        let len = self.heap.len();
        if len > 0 {
            let mut i = 0;
            loop {
                let first = ARITY * i + 1;
                if first >= len {
                    break;
                }
                let end = (first + ARITY).min(len);
                let mut c = first;
                let mut ck = self.heap[first].0;
                for j in first + 1..end {
                    let k = self.heap[j].0;
                    if k < ck {
                        ck = k;
                        c = j;
                    }
                }
                if ck >= lk {
                    break;
                }
                let cv = self.heap[c].1;
                self.heap[i] = (ck, cv);
                self.pos[cv as usize] = i as u32;
                i = c;
            }
            self.heap[i] = (lk, lv);
            self.pos[lv as usize] = i as u32;
        }
        Some(top as usize)
    }

    /// Shortest-path tree from `origin` with link costs `costs` (forward-star order),
    /// never expanding zones below the first thru node other than the origin; stops once
    /// every destination is settled.
    fn dijkstra(
        &mut self,
        net: &Network,
        costs: &[f64],
        origin: usize,
        dests: impl Iterator<Item = usize>,
    ) {
        self.dist.fill(f64::INFINITY);
        self.pred.fill(u32::MAX);
        self.pos.fill(NOT_IN_HEAP);
        self.heap.clear();
        self.stamp = self.stamp.wrapping_add(1);
        if self.stamp == 0 {
            self.dest_mark.fill(0);
            self.stamp = 1;
        }
        let mut left = 0usize;
        for d in dests {
            if self.dest_mark[d] != self.stamp {
                self.dest_mark[d] = self.stamp;
                left += 1;
            }
        }
        let ftn = net.first_thru_node;
        self.dist[origin] = 0.0;
        self.heap.push((0.0, origin as u32));
        self.pos[origin] = 0;
        while let Some(u) = self.pop() {
            if self.dest_mark[u] == self.stamp {
                left -= 1;
                if left == 0 {
                    break;
                }
            }
            if u < ftn && u != origin {
                continue;
            }
            let du = self.dist[u];
            let (s, e) = (net.out_start[u] as usize, net.out_start[u + 1] as usize);
            let out = net.out_head[s..e]
                .iter()
                .zip(&costs[s..e])
                .zip(&net.out_links[s..e]);
            for ((&w, &c), &link) in out {
                let w = w as usize;
                let nd = du + c;
                if nd < self.dist[w] {
                    let p = self.pos[w];
                    if p == SETTLED {
                        continue;
                    }
                    self.dist[w] = nd;
                    self.pred[w] = link;
                    if p == NOT_IN_HEAP {
                        self.heap.push((nd, w as u32));
                        self.sift_up(self.heap.len() - 1, nd, w as u32);
                    } else {
                        self.sift_up(p as usize, nd, w as u32);
                    }
                }
            }
        }
    }

    /// The tree path to `dest` into `path` (origin first).
    fn tree_path(&mut self, net: &Network, dest: usize) {
        self.path.clear();
        let mut v = dest;
        while self.pred[v] != u32::MAX {
            let a = self.pred[v];
            self.path.push(a);
            v = net.link_from[a as usize] as usize;
        }
        self.path.reverse();
    }
}

/// Solves the user-equilibrium assignment of `classes` on `network`.
///
/// # Arguments
/// * `network`: links with their VDF parameters.
/// * `classes`: one or more demand classes (PCE and cost weights each).
/// * `config`: target gap, iteration and time limits, VDF, sweeps per iteration.
///
/// # Returns
/// Link flows (total in PCE units and per class in vehicles), link times, the final
/// relative gap (computed on the returned flows), the per-iteration gap history, and the
/// path flows behind [`Assignment::select_link`].
///
/// # Errors
/// [`AssignError::NodeOutOfRange`] or [`AssignError::BadClass`] for bad demand,
/// [`AssignError::NegativeCost`], [`AssignError::Unreachable`], [`AssignError::NoClasses`].
///
/// # Complexity
/// Per iteration, one Dijkstra per class and origin (`O(m + n log n)` each) and up to
/// [`AssignConfig::inner_sweeps`] passes over the path sets; memory is the path sets
/// (typically a few paths per pair).
///
/// # Example
/// ```
/// use corridor_flow::assign::{assign, AssignConfig, DemandClass, Link, Network, OdDemand};
/// // Two parallel links from 0 to 1: a fast narrow one and a slow wide one.
/// let link = |t0, cap| Link { from: 0, to: 1, free_flow_time: t0, capacity: cap,
///                            alpha: 0.15, beta: 4.0, length: 0.0, toll: 0.0 };
/// let net = Network::new(2, 0, vec![link(10.0, 100.0), link(15.0, 300.0)]).unwrap();
/// let demand = DemandClass::new("cars", vec![OdDemand { origin: 0, destination: 1, flow: 400.0 }]);
/// let a = assign(&net, &[demand], &AssignConfig::default()).unwrap();
/// assert!(a.converged && a.relative_gap <= 1e-10);
/// // At equilibrium both links cost the same.
/// assert!((a.link_times[0] - a.link_times[1]).abs() < 1e-6);
/// assert!((a.link_flows[0] + a.link_flows[1] - 400.0).abs() < 1e-9);
/// ```
pub fn assign(
    network: &Network,
    classes: &[DemandClass],
    config: &AssignConfig,
) -> Result<Assignment, AssignError> {
    let start = Instant::now();
    let threads = match config.threads {
        0 => std::thread::available_parallelism().map_or(1, |n| n.get()),
        t => t,
    };
    if classes.is_empty() {
        return Err(AssignError::NoClasses);
    }
    let n = network.node_count;
    let m = network.links.len();
    let mut fixed = Vec::with_capacity(classes.len());
    let mut skipped = vec![0.0; classes.len()];
    // Pairs, grouped by class and origin, destinations merged.
    let mut ods: Vec<Od> = Vec::new();
    for (k, c) in classes.iter().enumerate() {
        let bad = |field, value, reason| AssignError::BadClass {
            class: k,
            field,
            value,
            reason,
        };
        if !(c.pce.is_finite() && c.pce > 0.0) {
            return Err(bad("pce", c.pce, "must be finite and > 0"));
        }
        if !c.toll_factor.is_finite() {
            return Err(bad("toll_factor", c.toll_factor, "must be finite"));
        }
        if !c.distance_factor.is_finite() {
            return Err(bad("distance_factor", c.distance_factor, "must be finite"));
        }
        if c.toll_factor != 0.0 || c.distance_factor != 0.0 {
            let f: Vec<f64> = network
                .links
                .iter()
                .map(|l| c.toll_factor * l.toll + c.distance_factor * l.length)
                .collect();
            if let Some((link, &cost)) = f.iter().enumerate().find(|(_, x)| **x < 0.0) {
                return Err(AssignError::NegativeCost {
                    class: k,
                    link,
                    cost,
                });
            }
            fixed.push(f);
        } else {
            fixed.push(Vec::new());
        }
        let mut entries: Vec<(usize, usize, f64)> = Vec::with_capacity(c.demand.len());
        for (i, d) in c.demand.iter().enumerate() {
            for node in [d.origin, d.destination] {
                if node >= n {
                    return Err(AssignError::NodeOutOfRange {
                        what: "demand entry",
                        index: i,
                        node,
                        node_count: n,
                    });
                }
            }
            if !(d.flow.is_finite() && d.flow >= 0.0) {
                return Err(bad("demand", d.flow, "must be finite and ≥ 0"));
            }
            if d.origin == d.destination {
                skipped[k] += d.flow;
            } else if d.flow > 0.0 {
                entries.push((d.origin, d.destination, d.flow));
            }
        }
        entries.sort_by_key(|e| (e.0, e.1));
        for (o, d, f) in entries {
            match ods.last_mut() {
                Some(last)
                    if last.class as usize == k
                        && last.origin as usize == o
                        && last.destination as usize == d =>
                {
                    last.demand += f * c.pce;
                }
                _ => ods.push(Od {
                    class: k as u32,
                    origin: o as u32,
                    destination: d as u32,
                    demand: f * c.pce,
                    paths: Vec::new(),
                }),
            }
        }
    }
    let mut groups = Vec::new();
    let mut i = 0;
    while i < ods.len() {
        let (c, o) = (ods[i].class, ods[i].origin);
        let j = i + ods[i..]
            .iter()
            .position(|x| x.class != c || x.origin != o)
            .unwrap_or(ods.len() - i);
        groups.push((c, o, i..j));
        i = j;
    }

    let mut st = State {
        net: network,
        delay: Delay::new(network, config.vdf),
        fixed,
        v: vec![0.0; m],
        class_v: vec![vec![0.0; m]; classes.len()],
        t: vec![0.0; m],
        dt: vec![0.0; m],
        ods,
        groups,
        mark: vec![0; m],
        stamp: 0,
    };
    // All-or-nothing start at free-flow costs.
    st.recompute_volumes();
    st.shortest_paths(true, threads)?;

    let mut history = Vec::new();
    let mut iteration = 0;
    let (gap, tstt, sptt) = loop {
        st.recompute_volumes();
        let tstt = st.tstt();
        let sptt = st.shortest_paths(false, threads)?;
        let gap = if tstt > 0.0 {
            ((tstt - sptt) / tstt).max(0.0)
        } else {
            0.0
        };
        history.push(GapRecord {
            iteration,
            relative_gap: gap,
            elapsed: start.elapsed(),
        });
        if gap <= config.target_gap
            || iteration >= config.max_iterations
            || config.time_limit.is_some_and(|l| start.elapsed() >= l)
        {
            break (gap, tstt, sptt);
        }
        iteration += 1;
        // Equilibrate within the path sets until their excess cost is a small fraction
        // of the current gap (more sweeps as the path sets fill up).
        for _ in 0..config.inner_sweeps.max(1) {
            let mut excess = 0.0;
            for i in 0..st.ods.len() {
                excess += st.equilibrate(i);
            }
            if excess <= SWEEP_FRACTION * gap * tstt {
                break;
            }
        }
    };
    // Drop the unused columns of the last shortest-path pass.
    for od in &mut st.ods {
        if od.paths.len() > 1 {
            od.paths.retain(|p| p.flow > 0.0);
        }
    }
    let pces: Vec<f64> = classes.iter().map(|c| c.pce).collect();
    let class_link_flows = st
        .class_v
        .iter()
        .zip(&pces)
        .map(|(cv, p)| cv.iter().map(|y| y / p).collect())
        .collect();
    Ok(Assignment {
        link_flows: st.v,
        class_link_flows,
        link_times: st.t,
        relative_gap: gap,
        converged: gap <= config.target_gap,
        iterations: iteration,
        history,
        tstt,
        sptt,
        skipped_intrazonal: skipped,
        pces,
        ods: st.ods,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn two_links(beta: f64) -> Network {
        let l = |t0, cap| Link {
            from: 0,
            to: 1,
            free_flow_time: t0,
            capacity: cap,
            alpha: 0.5,
            beta,
            length: 0.0,
            toll: 0.0,
        };
        Network::new(2, 0, vec![l(10.0, 100.0), l(12.0, 200.0)]).unwrap()
    }

    #[test]
    fn fractional_and_zero_powers_stay_finite() {
        for beta in [0.0, 0.5, 1.0, 2.5, 4.0] {
            let net = two_links(beta);
            let d = Delay::new(&net, Vdf::Bpr);
            for v in [0.0, 1e-12, 50.0, 1e4] {
                let (t, dt) = d.eval(0, v);
                assert!(
                    t.is_finite() && dt.is_finite() && t >= 10.0,
                    "β {beta} v {v}"
                );
            }
            let demand = vec![OdDemand {
                origin: 0,
                destination: 1,
                flow: 300.0,
            }];
            let a = assign(
                &net,
                &[DemandClass::new("c", demand)],
                &AssignConfig::default(),
            )
            .unwrap();
            assert!(
                a.relative_gap <= 1e-10 || beta == 0.0,
                "β {beta}: {}",
                a.relative_gap
            );
            assert!(a.link_flows.iter().all(|f| f.is_finite()));
        }
    }

    #[test]
    fn conical_is_increasing_and_matches_t0_at_zero() {
        let net = two_links(4.0);
        let mut net4 = net.clone();
        net4.links[0].alpha = 4.0;
        let d = Delay::new(&net4, Vdf::Conical);
        let (t_zero, _) = d.eval(0, 0.0);
        assert!((t_zero - 10.0).abs() < 1e-9);
        let (t1, dt1) = d.eval(0, 100.0);
        let (t2, _) = d.eval(0, 100.0 + 1e-4);
        assert!(t1 > t_zero && dt1 > 0.0);
        assert!(((t2 - t1) / 1e-4 - dt1).abs() < 1e-3 * dt1);
    }
}
