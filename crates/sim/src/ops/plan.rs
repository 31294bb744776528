//! A run, built before it starts: a timeline of compiled epochs ([`EpochPlan`]) over one
//! period, the resources of all of them under one numbering (nodes, links, departure
//! queues and corridors are matched by their ids from one epoch to the next, so a queue
//! or a node server keeps its waiting units when the network changes), the calendar, and
//! the weather and breakdown draws.

use super::epoch::{EpochPlan, QueueSpec, flow_teu_equivalent, season};
use super::sampler::Sampler;
use crate::ops_input::{CalibrationKind, OpsInput, Outage, Parsed};
use corridor_model::Network;
use corridor_model::network::Mode;
use corridor_route::time::Instant;
use std::sync::Arc;

/// Largest demand a run accepts, TEU-equivalent a year (about 25 M units a year).
pub const MAX_TEU_PER_YEAR: f64 = 5e7;

/// Why a run cannot be planned.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum PlanError {
    /// The run starts before 1970-01-01, the clock's epoch.
    #[error("the run starts {hours} hours before the clock's epoch (1970-01-01)")]
    BeforeEpoch {
        /// Start, hours since the epoch.
        hours: f64,
    },
    /// More demand than the simulator takes (every unit is simulated).
    #[error(
        "the demand is {teu_per_year:.0} TEU-equivalent a year after the demand factor; the simulator takes at most {MAX_TEU_PER_YEAR:.0}"
    )]
    TooMuchDemand {
        /// Demand, TEU-equivalent a year.
        teu_per_year: f64,
    },
    /// A flow of the demand table has no route (on its corridor, if it names one).
    #[error("no route from {from} to {to}{}", corridor.as_ref().map(|c| format!(" on corridor {c}")).unwrap_or_default())]
    NoRoute {
        /// Line of the flow in the demand table.
        line: u64,
        /// Origin id.
        from: String,
        /// Destination id.
        to: String,
        /// The corridor the row pins the flow to.
        corridor: Option<String>,
        /// Corridors that do connect the pair.
        others: Vec<String>,
    },
    /// More distinct flows than a run routes (see [`super::epoch::MAX_FLOWS`]).
    #[error(
        "the demand has {flows} distinct flows (origin, destination, corridor and cargo); a run routes at most {}: merge rows or group origins",
        super::epoch::MAX_FLOWS
    )]
    TooManyFlows {
        /// Distinct flows.
        flows: usize,
    },
    /// The epochs of a timeline are not in order, or the first does not start the run.
    #[error("the epochs of a timeline must start at the run's start and follow in order")]
    Timeline,
}

impl PlanError {
    /// The problem as a diagnostic of the demand table when it is one of its rows'
    /// (`None` for a problem of the run as a whole).
    pub fn diagnostic(&self, demand_file: &str) -> Option<corridor_model::Diagnostic> {
        let PlanError::NoRoute {
            line,
            corridor,
            others,
            ..
        } = self
        else {
            return None;
        };
        let (field, hint) = match corridor {
            Some(_) if others.is_empty() => ("corridor", "no corridor connects them".to_string()),
            Some(_) => (
                "corridor",
                format!("corridors with a route: {}", others.join(", ")),
            ),
            None => (
                "to",
                "no chain of links and services joins them".to_string(),
            ),
        };
        Some(
            corridor_model::Diagnostic::at(demand_file, Some(*line), self.to_string())
                .field(field)
                .hint(hint),
        )
    }
}

/// A leg in the run's numbering.
pub(crate) struct GLeg {
    pub head: u32,
    pub time: Sampler,
    pub queue: Option<u32>,
    pub mode: Mode,
    pub link: u32,
    /// Whether it runs against the link's direction (from its `to` to its `from`).
    pub reversed: bool,
}

/// A path in the run's numbering.
pub(crate) struct GPath {
    pub epoch: u32,
    /// The flow (index in its epoch's demand).
    pub flow: u32,
    pub corridor: Option<u32>,
    pub legs: Vec<GLeg>,
    /// Where its units start and end (in the run's numbering).
    pub origin: u32,
    pub dest: u32,
    pub planned_days: f64,
    pub via: String,
    pub cost_per_feu: f64,
    pub co2e_per_feu: f64,
    pub wagon: bool,
}

/// What the mechanics look up in the epoch in force.
pub(crate) struct EpochRt {
    /// Start, hours since the epoch.
    pub start: f64,
    /// Per flow: (path, cumulative share).
    pub choices: Vec<Vec<(u32, f64)>>,
    /// Per flow: (mean hours between arrival candidates, peak monthly factor).
    pub arrivals: Vec<(f64, f64)>,
    /// Per flow: its monthly profile, its origin, whether it is wagonload.
    pub flow_season: Vec<[f64; 12]>,
    pub flow_origin: Vec<u32>,
    /// Per flow: its random stream of the run (flows of the same origin, destination,
    /// corridor and cargo share one across epochs, so their arrivals are the same draws
    /// whatever else changes: common random numbers between scenarios).
    pub flow_stream: Vec<u32>,
    pub flow_wagon: Vec<bool>,
    /// Per server of the run (see [`Plan::servers`]): its service rate, if its node or
    /// link has that capacity in this epoch — TEU-equivalent per hour for a server in units,
    /// tonnes per hour for one in tonnes.
    pub node_rate: Vec<Option<f64>>,
    /// Per node of the run: whether its capacity limits containers only (wagons pass).
    pub node_containers_only: Vec<bool>,
    /// Per node of the run: its dwell.
    pub dwell: Vec<Option<Sampler>>,
    /// Per queue of the run: its service's timetable and load in this epoch (`None`: the
    /// service does not run).
    pub queues: Vec<Option<QueueSpec>>,
    /// Which nodes and links of the run exist in this epoch.
    pub node_present: Vec<bool>,
    pub link_present: Vec<bool>,
    /// Per path of the run existing before this epoch's detours, up to the last path it
    /// blocks (empty for the first epoch and for one that blocks none): the last of its
    /// legs this epoch closes, if any.
    pub blocked: Vec<Option<u16>>,
    /// (path, leg) → the detour a unit about to take that leg follows instead (`None`: no
    /// way on from there in this epoch).
    pub detours: Vec<((u32, u16), Option<u32>)>,
}

impl EpochRt {
    /// Is a unit about to take leg `leg` of `path` blocked by this epoch's closures?
    #[inline]
    pub(crate) fn is_blocked(&self, path: u32, leg: u16) -> bool {
        self.blocked
            .get(path as usize)
            .is_some_and(|b| b.is_some_and(|last| last >= leg))
    }
    /// The detour of a blocked unit (`None`: stranded where it is).
    pub(crate) fn detour(&self, path: u32, leg: u16) -> Option<u32> {
        self.detours
            .iter()
            .find(|x| x.0 == (path, leg))
            .and_then(|x| x.1)
    }
}

/// What a server of the run stands for (see [`Plan::servers`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ServerOf {
    /// A node's capacity, in units or in tonnes.
    Node { node: u32, tonnes: bool },
    /// One direction of a link's line, its tonnage.
    Line { link: u32, reversed: bool },
}

impl Plan {
    /// Servers of the run: two per node, the one in units (TEU, trains, wagons) at the
    /// node's index and the one in tonnes at the number of nodes plus it; then two per
    /// link, its line's tonnage in each direction (`2 × nodes + 2 × link + reversed`). A
    /// unit passes a line's server as it enters a continuous leg over it, and a node's at
    /// the end of a leg: the one in units (unless it is a wagon and the capacity a
    /// container terminal's), then the one in tonnes.
    pub(crate) fn servers(&self) -> usize {
        2 * self.node_keys.len() + 2 * self.links.len()
    }
    /// What server `r` stands for.
    #[inline]
    pub(crate) fn server(&self, r: usize) -> ServerOf {
        let nn = self.node_keys.len();
        if r < 2 * nn {
            ServerOf::Node {
                node: (r % nn) as u32,
                tonnes: r >= nn,
            }
        } else {
            let k = r - 2 * nn;
            ServerOf::Line {
                link: (k / 2) as u32,
                reversed: k % 2 == 1,
            }
        }
    }
    /// The tonnage server of one direction of link `link`'s line.
    #[inline]
    pub(crate) fn line_server(&self, link: u32, reversed: bool) -> usize {
        2 * self.node_keys.len() + 2 * link as usize + usize::from(reversed)
    }
    /// Whether server `r` is a tonnage capacity (a node's or a line's).
    #[inline]
    pub(crate) fn server_is_tonnes(&self, r: usize) -> bool {
        match self.server(r) {
            ServerOf::Node { tonnes, .. } => tonnes,
            ServerOf::Line { .. } => true,
        }
    }
    /// Whether server `r` is a line's, not a node's.
    #[inline]
    pub(crate) fn server_is_line(&self, r: usize) -> bool {
        r >= 2 * self.node_keys.len()
    }
    /// Server `r`'s name in reports: the node or link id (a link against its direction
    /// with ` (reverse)`), with `:tonnes` for a tonnage capacity.
    pub(crate) fn server_name(&self, r: usize) -> String {
        match self.server(r) {
            ServerOf::Node { node, tonnes } => {
                let key = &self.node_keys[node as usize];
                if tonnes {
                    format!("{key}{TONNES_SUFFIX}")
                } else {
                    key.clone()
                }
            }
            ServerOf::Line { link, reversed } => {
                let key = &self.links[link as usize].key;
                let dir = if reversed { " (reverse)" } else { "" };
                format!("{key}{dir}{TONNES_SUFFIX}")
            }
        }
    }
}

/// What names a node's tonnage server in reports (`AZ-ALAT:tonnes`).
pub const TONNES_SUFFIX: &str = ":tonnes";

impl GPath {
    /// The node a unit stands at before taking leg `k`: the origin, or leg `k − 1`'s head.
    pub(crate) fn node_before(&self, k: usize) -> u32 {
        if k == 0 {
            self.origin
        } else {
            self.legs[k - 1].head
        }
    }
}

/// The last leg of `p` that epoch `r` closes: a link or node it lacks, or a service that
/// does not run in it.
fn last_blocked_leg(p: &GPath, r: &EpochRt) -> Option<u16> {
    p.legs
        .iter()
        .rposition(|l| {
            !r.link_present[l.link as usize]
                || !r.node_present[l.head as usize]
                || l.queue.is_some_and(|q| r.queues[q as usize].is_none())
        })
        .map(|k| k as u16)
}

/// The queue spec of the service a queue's name gives, in a network (`None`: not there).
fn spec_in(net: &Network, name: &str, params: &Parsed) -> Option<QueueSpec> {
    let (key, reversed) = match name.strip_suffix(" (reverse)") {
        Some(k) => (k, true),
        None => (name, false),
    };
    let i = net.services.iter().position(|s| s.key == key)?;
    let sv = corridor_model::network::ServiceId(i as u32);
    let mode = net.link(net.service(sv).link).mode;
    Some(QueueSpec::of(net, sv, reversed, mode, params))
}

/// The maps of one epoch's network into the run's numbering.
struct Maps {
    nodes: Vec<u32>,
    links: Vec<u32>,
    queues: Vec<u32>,
    corridors: Vec<u32>,
}

impl Maps {
    fn legs(&self, legs: &[super::epoch::Leg]) -> Vec<GLeg> {
        legs.iter()
            .map(|l| GLeg {
                head: self.nodes[l.head.idx()],
                time: l.time.clone(),
                queue: l.queue.map(|q| self.queues[q as usize]),
                mode: l.mode,
                link: self.links[l.link.idx()],
                reversed: l.reversed,
            })
            .collect()
    }
}

/// The best route of epoch `e`'s network from node `at` to `p`'s destination for its
/// cargo, as a path of the run (`None` if there is none).
#[allow(clippy::too_many_arguments)]
fn detour(
    g: &corridor_route::graph::Graph,
    e: &EpochPlan,
    ei: u32,
    p: &GPath,
    at: u32,
    node_keys: &[String],
    m: &Maps,
    queue_names: &mut Vec<String>,
    rt: &[EpochRt],
    params: &Parsed,
) -> Option<GPath> {
    use corridor_route::search::{Constraints, Shipment, pareto};
    let net: &Network = &e.net;
    let from = net.node_by_key(&node_keys[at as usize])?;
    let to = net.node_by_key(&node_keys[p.dest as usize])?;
    if from == to {
        return None;
    }
    let s = Shipment {
        from,
        to,
        ready: rt[ei as usize].start,
        teu: super::routes::FEU_TEU,
    };
    let limits = if p.wagon {
        vec![
            corridor_model::network::ServiceKind::Feeder,
            corridor_model::network::ServiceKind::Liner,
        ]
    } else {
        Vec::new()
    };
    let cons = Constraints {
        avoid_service_kinds: limits,
        ..Constraints::default()
    };
    let r = pareto(g, &s, &cons);
    let w = corridor_route::plan::Weights::EVEN;
    let best = *corridor_route::plan::rank(&r.labels, &r.front, w, s.teu).first()?;
    let labels = r.path(best);
    let mut legs = Vec::new();
    let mut via = Vec::new();
    for l in labels.iter().skip(1) {
        let link = net.link(l.link);
        let queue = match l.board {
            corridor_route::graph::Board::Continuous => None,
            corridor_route::graph::Board::Service(sv) => {
                let name = super::epoch::queue_name(&net.service(sv).key, l.reversed);
                via.push(name.clone());
                Some(index_of(queue_names, &name))
            }
        };
        let limited = |cap: &corridor_model::network::Capacities| {
            super::epoch::node_rate(cap.units_value(), params).is_some() || cap.tonnes.is_some()
        };
        if queue.is_none() && limited(&link.capacity) {
            via.push(link.key.clone());
        }
        if limited(&net.node(l.node).capacity) {
            via.push(net.node(l.node).key.clone());
        }
        legs.push(GLeg {
            head: m.nodes[l.node.idx()],
            time: super::sampler::Sampler::new(&link.time()),
            queue,
            mode: link.mode,
            link: m.links[l.link.idx()],
            reversed: l.reversed,
        });
    }
    let last = labels.last().expect("a path has its origin");
    let classes = corridor_route::plan::classify(net, &labels);
    Some(GPath {
        epoch: p.epoch,
        flow: p.flow,
        corridor: classes
            .iter()
            .next()
            .map(|c| m.corridors[c.0 as usize])
            .or(p.corridor),
        legs,
        origin: at,
        dest: p.dest,
        planned_days: (last.time - s.ready) / 24.0,
        via: format!(
            "detour from {}: {}",
            node_keys[at as usize],
            via.join(" + ")
        ),
        cost_per_feu: last.cost,
        co2e_per_feu: last.wtw,
        wagon: p.wagon,
    })
}

/// A `[[breakdown]]` made ready to run.
pub(crate) struct OutagePlan {
    /// The node whose server it stops.
    pub node: Option<u32>,
    /// The departure queues of the service it stops (both directions).
    pub queues: Vec<u32>,
    /// Mean up time, hours.
    pub mtbf_h: f64,
    pub repair: Sampler,
}

/// A weather area's closure lengths, ready to draw.
pub(crate) struct WeatherPlan {
    pub episode: Sampler,
    pub mean_closure_h: f64,
}

/// A link of the run, for reports.
pub(crate) struct GLink {
    pub key: String,
    pub from: String,
    pub to: String,
    pub mode: Mode,
}

/// The report's rows of paths: the paths of later epochs with the same origin,
/// destination, corridor, cargo and route as an earlier one share its row.
pub(crate) struct PathRows {
    /// Row of each path.
    pub index: Vec<usize>,
    /// First path of each row.
    pub first: Vec<usize>,
}

/// A calibration point of the parameters that applies to the run, resolved.
pub(crate) struct CalibrationRule {
    /// Index into the parameters' calibration points.
    pub point: usize,
    pub kind: CalibrationKind,
    pub link: Option<u32>,
    pub mode: Option<Mode>,
    pub node: Option<u32>,
    /// The run's corridor indices of a `…_by_corridor` point.
    pub corridors: Vec<u32>,
}

impl CalibrationRule {
    /// Does a leg over `link` by `mode` count?
    #[inline]
    pub(crate) fn matches_leg(&self, link: u32, mode: Mode) -> bool {
        match self.kind {
            CalibrationKind::ContainersOverLink | CalibrationKind::CargoTonnesOverLink => {
                self.link == Some(link)
            }
            CalibrationKind::ContainersByMode | CalibrationKind::CargoTonnesByMode => {
                self.mode == Some(mode)
            }
            CalibrationKind::ContainersThroughNode
            | CalibrationKind::WagonsThroughNode
            | CalibrationKind::CargoTonnesByCorridor => false,
        }
    }

    /// Does a convoy served at node `n` count?
    #[inline]
    pub(crate) fn matches_node(&self, n: u32) -> bool {
        matches!(
            self.kind,
            CalibrationKind::ContainersThroughNode | CalibrationKind::WagonsThroughNode
        ) && self.node == Some(n)
    }

    /// Does a unit delivered on a route of corridor `c` count?
    #[inline]
    pub(crate) fn matches_delivery(&self, c: Option<u32>) -> bool {
        self.kind == CalibrationKind::CargoTonnesByCorridor
            && c.is_some_and(|c| self.corridors.contains(&c))
    }

    /// What a convoy of `containers` and `wagons` adds to the count.
    #[inline]
    pub(crate) fn count(&self, containers: f64, wagons: f64, plan: &Plan) -> f64 {
        match self.kind {
            CalibrationKind::ContainersOverLink
            | CalibrationKind::ContainersByMode
            | CalibrationKind::ContainersThroughNode => containers * super::routes::FEU_TEU,
            CalibrationKind::WagonsThroughNode => wagons,
            CalibrationKind::CargoTonnesByMode
            | CalibrationKind::CargoTonnesOverLink
            | CalibrationKind::CargoTonnesByCorridor => {
                wagons * plan.params.tonnes_per_wagon
                    + containers * super::routes::FEU_TEU * plan.tonnes_per_teu
            }
        }
    }
}

/// Everything fixed across replications: a timeline of epochs and the run's resources.
pub struct Plan {
    pub(crate) params: Parsed,
    pub(crate) start: f64,
    pub(crate) days: f64,
    pub(crate) warmup_days: f64,
    pub(crate) epochs: Vec<Arc<EpochPlan>>,
    pub(crate) rt: Vec<EpochRt>,
    pub(crate) paths: Vec<GPath>,
    /// Node ids of the run (every node of any epoch), and which node servers (see
    /// [`Plan::servers`]) are capacity-limited in any.
    pub(crate) node_keys: Vec<String>,
    pub(crate) node_limited: Vec<bool>,
    pub(crate) links: Vec<GLink>,
    /// Departure queues of the run, by name (service id and direction).
    pub(crate) queue_names: Vec<String>,
    pub(crate) corridor_keys: Vec<String>,
    /// The arrival streams' sources, one per distinct flow of the run (see
    /// [`EpochRt::flow_stream`]).
    pub(crate) flow_sources: Vec<u64>,
    /// Calendar month (0–11) of each day of the run from `day0` (days since the epoch).
    pub(crate) month_of_day: Vec<u8>,
    pub(crate) day0: i64,
    pub(crate) outages: Vec<OutagePlan>,
    pub(crate) weather: Vec<WeatherPlan>,
    /// Tonnes of cargo per TEU (from the first epoch's network), for tonnage counts.
    pub(crate) tonnes_per_teu: f64,
    pub(crate) rows: PathRows,
    /// The calibration points of the run's year, when its demand is as observed.
    pub(crate) calibration: Vec<CalibrationRule>,
}

/// The run's stream of each flow of an epoch: flows are matched across epochs by origin,
/// destination, corridor and cargo (and the occurrence of that key in the epoch, for
/// repeated rows); a stream's source is a hash of its key, so the same flow draws the same
/// arrivals in any scenario.
fn flow_streams(
    net: &Network,
    flows: &[crate::ops_input::Flow],
    keys: &mut Vec<String>,
    sources: &mut Vec<u64>,
) -> Vec<u32> {
    let mut seen: Vec<String> = Vec::with_capacity(flows.len());
    flows
        .iter()
        .map(|f| {
            let base = format!(
                "{}>{}>{}>{}",
                net.node(f.from).key,
                net.node(f.to).key,
                f.corridor
                    .map(|c| net.corridors[c.0 as usize].key.as_str())
                    .unwrap_or(""),
                if f.is_wagonload() {
                    "wagons"
                } else {
                    "containers"
                }
            );
            let n = seen.iter().filter(|k| **k == base).count();
            seen.push(base.clone());
            let key = if n == 0 { base } else { format!("{base}#{n}") };
            match keys.iter().position(|k| *k == key) {
                Some(i) => i as u32,
                None => {
                    sources.push(stream_source("flow", &key));
                    keys.push(key);
                    (keys.len() - 1) as u32
                }
            }
        })
        .collect()
}

/// The random stream source of a flow, link or node of the run, by its key: FNV-1a of
/// `kind:key`, kept clear of the run's numbered sources (weather 4, breakdowns 5).
pub(crate) fn stream_source(kind: &str, key: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in kind.bytes().chain([b':']).chain(key.bytes()) {
        h ^= b as u64;
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h | 1 << 63
}

fn index_of(keys: &mut Vec<String>, key: &str) -> u32 {
    match keys.iter().position(|k| k == key) {
        Some(i) => i as u32,
        None => {
            keys.push(key.to_string());
            (keys.len() - 1) as u32
        }
    }
}

impl Plan {
    /// A run of one epoch: the network as it is, with the input's demand.
    pub fn new(net: Arc<Network>, input: OpsInput) -> Result<Plan, PlanError> {
        let OpsInput {
            mut params,
            demand_factor,
            start,
            days,
            warmup_days,
        } = input;
        if !(start.is_finite() && start >= 0.0) {
            return Err(PlanError::BeforeEpoch { hours: start });
        }
        let flows = std::mem::take(&mut params.flows);
        check_demand(&flows, &params, demand_factor)?;
        let epoch = EpochPlan::new(net, flows, &params, demand_factor, start)?;
        Plan::timeline(
            params,
            vec![(start, Arc::new(epoch))],
            start,
            days,
            warmup_days,
        )
    }

    /// A run over a timeline: `epochs` in order of their start (hours since the epoch), the
    /// first at the run's `start`; each is in force until the next. `params` gives the
    /// units, weather, breakdowns and route choice (its flows are not used: each epoch has
    /// its own).
    pub fn timeline(
        params: Parsed,
        epochs: Vec<(f64, Arc<EpochPlan>)>,
        start: f64,
        days: f64,
        warmup_days: f64,
    ) -> Result<Plan, PlanError> {
        if !(start.is_finite() && start >= 0.0) {
            return Err(PlanError::BeforeEpoch { hours: start });
        }
        let ordered = epochs.windows(2).all(|w| w[0].0 < w[1].0);
        if epochs.is_empty() || epochs[0].0 != start || !ordered {
            return Err(PlanError::Timeline);
        }
        for (_, e) in &epochs {
            check_total(e.teu_equivalent_per_year(&params))?;
        }
        let mut node_keys: Vec<String> = Vec::new();
        let mut link_keys: Vec<String> = Vec::new();
        let mut links: Vec<GLink> = Vec::new();
        let mut queue_names: Vec<String> = Vec::new();
        let mut corridor_keys: Vec<String> = Vec::new();
        let mut flow_keys: Vec<String> = Vec::new();
        let mut flow_sources: Vec<u64> = Vec::new();
        let mut paths = Vec::new();
        let mut maps = Vec::new();
        for (_, e) in &epochs {
            let net = &e.net;
            let nodes: Vec<u32> = net
                .nodes
                .iter()
                .map(|n| index_of(&mut node_keys, &n.key))
                .collect();
            let link_map: Vec<u32> = net
                .links
                .iter()
                .map(|l| {
                    let before = link_keys.len();
                    let i = index_of(&mut link_keys, &l.key);
                    if link_keys.len() > before {
                        links.push(GLink {
                            key: l.key.clone(),
                            from: net.node(l.from).key.clone(),
                            to: net.node(l.to).key.clone(),
                            mode: l.mode,
                        });
                    }
                    i
                })
                .collect();
            let queues: Vec<u32> = e
                .queues
                .iter()
                .map(|q| index_of(&mut queue_names, &q.name))
                .collect();
            let corridors: Vec<u32> = net
                .corridors
                .iter()
                .map(|c| index_of(&mut corridor_keys, &c.key))
                .collect();
            maps.push(Maps {
                nodes,
                links: link_map,
                queues,
                corridors,
            });
        }
        let nn = node_keys.len();
        let nl = link_keys.len();
        let servers = 2 * nn + 2 * nl;
        let mut node_limited = vec![false; servers];
        let mut rt = Vec::new();
        for (ei, (t, e)) in epochs.iter().enumerate() {
            let m = &maps[ei];
            let offset = paths.len() as u32;
            for p in &e.paths {
                let f = &e.flows[p.flow];
                paths.push(GPath {
                    epoch: ei as u32,
                    flow: p.flow as u32,
                    corridor: p.corridor.map(|c| m.corridors[c.0 as usize]),
                    legs: m.legs(&p.legs),
                    origin: m.nodes[f.from.idx()],
                    dest: m.nodes[f.to.idx()],
                    planned_days: p.planned_days,
                    via: p.via.clone(),
                    cost_per_feu: p.cost_per_feu,
                    co2e_per_feu: p.co2e_per_feu,
                    wagon: f.is_wagonload(),
                });
            }
            let mut node_rate = vec![None; servers];
            let mut node_containers_only = vec![false; node_keys.len()];
            let mut dwell = vec![None; node_keys.len()];
            let mut node_present = vec![false; node_keys.len()];
            for (local, &g) in m.nodes.iter().enumerate() {
                node_rate[g as usize] = e.node_rate_teu_h[local];
                node_rate[nn + g as usize] = e.node_rate_t_h[local];
                node_containers_only[g as usize] = e.node_containers_only[local];
                dwell[g as usize] = e.dwell[local].clone();
                node_limited[g as usize] |= e.node_rate_teu_h[local].is_some();
                node_limited[nn + g as usize] |= e.node_rate_t_h[local].is_some();
                node_present[g as usize] = true;
            }
            let mut link_present = vec![false; link_keys.len()];
            for (local, &g) in m.links.iter().enumerate() {
                link_present[g as usize] = true;
                for reversed in [false, true] {
                    let r = 2 * nn + 2 * g as usize + usize::from(reversed);
                    node_rate[r] = e.link_rate_t_h[local];
                    node_limited[r] |= e.link_rate_t_h[local].is_some();
                }
            }
            rt.push(EpochRt {
                start: *t,
                choices: e
                    .choices
                    .iter()
                    .map(|c| c.iter().map(|&(p, cum)| (offset + p as u32, cum)).collect())
                    .collect(),
                arrivals: e.arrivals.clone(),
                flow_season: e.flows.iter().map(|f| *season(f, &params)).collect(),
                flow_origin: e.flows.iter().map(|f| m.nodes[f.from.idx()]).collect(),
                flow_stream: flow_streams(&e.net, &e.flows, &mut flow_keys, &mut flow_sources),
                flow_wagon: e.flows.iter().map(|f| f.is_wagonload()).collect(),
                node_rate,
                node_containers_only,
                dwell,
                queues: Vec::new(),
                node_present,
                link_present,
                blocked: Vec::new(),
                detours: Vec::new(),
            });
        }
        // Tables of the first epochs are shorter than the run's: pad them.
        for r in &mut rt {
            r.node_rate.resize(servers, None);
            r.node_containers_only.resize(node_keys.len(), false);
            r.dwell.resize(node_keys.len(), None);
            r.node_present.resize(node_keys.len(), false);
            r.link_present.resize(link_keys.len(), false);
        }
        // Each queue runs in every epoch whose network has its service, used or not: units
        // of an earlier epoch may still be on their way to it.
        for (r, (_, e)) in rt.iter_mut().zip(&epochs) {
            r.queues = queue_names
                .iter()
                .map(|n| spec_in(&e.net, n, &params))
                .collect();
        }
        // Detours: in each epoch after the first, a path of an earlier epoch that needs a
        // link, node or service no longer there goes on from where its unit stands by the
        // best route of the epoch's network (searched once per place, destination and
        // cargo).
        for ei in 1..epochs.len() {
            let e = &epochs[ei].1;
            let g = corridor_route::graph::Graph::new(&e.net);
            let mut found: Vec<((u32, u32, bool), Option<u32>)> = Vec::new();
            let mut blocked = Vec::with_capacity(paths.len());
            let mut detours = Vec::new();
            let mut p = 0;
            while p < paths.len() {
                // Paths of this epoch or a later one run on networks with their own links.
                let last = if paths[p].epoch < ei as u32 {
                    last_blocked_leg(&paths[p], &rt[ei])
                } else {
                    None
                };
                blocked.push(last);
                if let Some(last) = last {
                    for k in 0..=last {
                        let at = paths[p].node_before(k as usize);
                        let key = (at, paths[p].dest, paths[p].wagon);
                        let d = match found.iter().find(|x| x.0 == key) {
                            Some(x) => x.1,
                            None => {
                                let d = detour(
                                    &g,
                                    e,
                                    ei as u32,
                                    &paths[p],
                                    at,
                                    &node_keys,
                                    &maps[ei],
                                    &mut queue_names,
                                    &rt,
                                    &params,
                                )
                                .map(|gp| {
                                    paths.push(gp);
                                    (paths.len() - 1) as u32
                                });
                                // Queues first used by the detour: their timetables in every
                                // epoch.
                                for (r, (_, e)) in rt.iter_mut().zip(&epochs) {
                                    while r.queues.len() < queue_names.len() {
                                        let n = &queue_names[r.queues.len()];
                                        r.queues.push(spec_in(&e.net, n, &params));
                                    }
                                }
                                found.push((key, d));
                                d
                            }
                        };
                        detours.push(((p as u32, k), d));
                    }
                }
                p += 1;
            }
            // Paths past the last blocked one are not blocked: an epoch that closes nothing
            // on the way of earlier paths has an empty list, which the mechanics skip.
            while blocked.last() == Some(&None) {
                blocked.pop();
            }
            rt[ei].blocked = blocked;
            rt[ei].detours = detours;
        }
        let day0 = (start / 24.0).floor() as i64;
        let end = start + (warmup_days + days) * 24.0;
        let month_of_day = (0..((end / 24.0).floor() as i64 - day0 + 2).max(0))
            .map(|d| (Instant((day0 + d) as f64 * 24.0).month() - 1) as u8)
            .collect();
        let outages = params
            .breakdowns
            .iter()
            .map(|b| OutagePlan {
                node: node_keys
                    .iter()
                    .position(|k| *k == b.target)
                    .filter(|_| matches!(b.outage, Outage::Node(_)))
                    .map(|i| i as u32),
                queues: match b.outage {
                    Outage::Service(_) => (0..queue_names.len() as u32)
                        .filter(|&q| {
                            let n = &queue_names[q as usize];
                            *n == b.target
                                || n.strip_suffix(" (reverse)") == Some(b.target.as_str())
                        })
                        .collect(),
                    Outage::Node(_) => Vec::new(),
                },
                mtbf_h: b.mtbf_h,
                repair: Sampler::lognormal(b.repair_p50_h, b.repair_p90_h),
            })
            .collect();
        let weather = params
            .weather
            .iter()
            .map(|w| {
                let sigma = corridor_model::dist::lognormal_sigma(
                    corridor_model::units::Hours(w.episode_p50_h),
                    corridor_model::units::Hours(w.episode_p90_h),
                );
                WeatherPlan {
                    episode: Sampler::lognormal(w.episode_p50_h, w.episode_p90_h),
                    mean_closure_h: w.episode_p50_h * (sigma * sigma / 2.0).exp(),
                }
            })
            .collect();
        let tonnes_per_teu = epochs[0].1.net.meta.tonnes_per_teu.value.0;
        let rows = path_rows(&paths, &epochs, &corridor_keys);
        // Observations are of one year at the observed demand: a run of another year or of
        // scaled demand has none to compare with.
        let year = Instant(start).year();
        let observed_demand = epochs.iter().all(|(_, e)| e.demand_factor == 1.0);
        let calibration = params
            .calibration
            .iter()
            .enumerate()
            .filter(|(_, p)| p.year == year && observed_demand)
            .map(|(i, p)| CalibrationRule {
                point: i,
                kind: p.kind,
                link: links
                    .iter()
                    .position(|l| l.key == p.scope)
                    .map(|l| l as u32),
                mode: Mode::parse(&p.scope),
                node: matches!(
                    p.kind,
                    CalibrationKind::ContainersThroughNode | CalibrationKind::WagonsThroughNode
                )
                .then(|| node_keys.iter().position(|k| *k == p.scope))
                .flatten()
                .map(|n| n as u32),
                corridors: match p.kind {
                    CalibrationKind::CargoTonnesByCorridor => p
                        .scope
                        .split(';')
                        .filter_map(|c| corridor_keys.iter().position(|k| k == c.trim()))
                        .map(|c| c as u32)
                        .collect(),
                    _ => Vec::new(),
                },
            })
            .collect();
        Ok(Plan {
            params,
            start,
            days,
            warmup_days,
            epochs: epochs.into_iter().map(|(_, e)| e).collect(),
            rt,
            paths,
            node_keys,
            node_limited,
            links,
            queue_names,
            corridor_keys,
            flow_sources,
            month_of_day,
            day0,
            outages,
            weather,
            tonnes_per_teu,
            rows,
            calibration,
        })
    }

    /// The report's rows of paths.
    pub(crate) fn path_rows(&self) -> &PathRows {
        &self.rows
    }

    /// Calendar month of `t`, 0 for January: `Instant::month` through a table of the run's
    /// days (the same day arithmetic, without the civil-calendar conversion per event).
    #[inline]
    pub(crate) fn month0(&self, t: f64) -> usize {
        let d = (t / 24.0).floor() as i64 - self.day0;
        match usize::try_from(d)
            .ok()
            .and_then(|d| self.month_of_day.get(d))
        {
            Some(&m) => m as usize,
            None => (Instant(t).month() - 1) as usize,
        }
    }

    /// End of the run, hours since the epoch.
    pub(crate) fn end(&self) -> f64 {
        self.start + (self.warmup_days + self.days) * 24.0
    }

    /// End of the warm-up, hours since the epoch.
    pub(crate) fn warm_end(&self) -> f64 {
        self.start + self.warmup_days * 24.0
    }

    /// How each flow of the first epoch was split over corridors.
    pub fn shares(&self) -> &[super::FlowShares] {
        &self.epochs[0].shares
    }

    /// Units (FEU containers and wagons) one replication generates on average, warm-up
    /// included.
    pub fn expected_units(&self) -> f64 {
        let end = self.end();
        self.rt
            .iter()
            .enumerate()
            .map(|(i, r)| {
                let until = self.rt.get(i + 1).map(|n| n.start).unwrap_or(end).min(end);
                self.epochs[i].units_per_hour(&self.params) * (until - r.start).max(0.0)
            })
            .sum()
    }

    /// Estimated CPU seconds of one replication (for a notice before long runs).
    pub fn estimated_cpu_seconds(&self) -> f64 {
        self.expected_units() * CPU_SECONDS_PER_UNIT
            + (self.warmup_days + self.days) * CPU_SECONDS_PER_DAY
    }
}

/// Measured cost of the simulation on one core of the reference machine (see
/// `bench/RESULTS.md`, `bench/simulate.sh`): seconds per unit simulated, and per simulated
/// day of timetables and weather whatever the demand. Only for the estimate shown before
/// long runs.
const CPU_SECONDS_PER_UNIT: f64 = 1.0e-6;
const CPU_SECONDS_PER_DAY: f64 = 2.0e-5;

fn check_total(total: f64) -> Result<(), PlanError> {
    // Every unit is simulated: bound the work (the whole Asia–Europe container trade is
    // ~16 M TEU a year [S213]).
    if total > MAX_TEU_PER_YEAR {
        return Err(PlanError::TooMuchDemand {
            teu_per_year: total,
        });
    }
    Ok(())
}

fn check_demand(
    flows: &[crate::ops_input::Flow],
    params: &Parsed,
    factor: f64,
) -> Result<(), PlanError> {
    check_total(
        flows
            .iter()
            .map(|f| flow_teu_equivalent(f, params, factor))
            .sum(),
    )
}

/// Rows of the report's per-route table: within the first epoch one per path; a path of a
/// later epoch joins the row of the same origin, destination, corridor, cargo and route.
fn path_rows(paths: &[GPath], epochs: &[(f64, Arc<EpochPlan>)], corridors: &[String]) -> PathRows {
    let key = |p: &GPath| {
        let e = &epochs[p.epoch as usize].1;
        let f = &e.flows[p.flow as usize];
        (
            e.net.node(f.from).key.clone(),
            e.net.node(f.to).key.clone(),
            p.corridor.map(|c| corridors[c as usize].clone()),
            p.via.clone(),
            p.wagon,
        )
    };
    let mut index = Vec::with_capacity(paths.len());
    let mut first: Vec<usize> = Vec::new();
    let mut keys = Vec::new();
    for (i, p) in paths.iter().enumerate() {
        let k = key(p);
        let existing = if p.epoch == 0 {
            None
        } else {
            keys.iter().position(|x| *x == k)
        };
        match existing {
            Some(r) => index.push(r),
            None => {
                index.push(first.len());
                first.push(i);
                keys.push(k);
            }
        }
    }
    PathRows { index, first }
}
