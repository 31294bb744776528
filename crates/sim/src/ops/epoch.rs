//! One state of the corridor, compiled for the simulation: a network and the demand in
//! force on it, routed (route sets, the capacity-restrained choice) and turned into paths
//! of legs with their samplers, the departure queues they use and the arrival rates of
//! the flows. A run is a timeline of such epochs ([`super::Plan`]).

use super::PlanError;
use super::choice::{self, Assignment, RouteCost};
use super::routes::{FEU_TEU, RouteOption, route_sets};
use super::sampler::Sampler;
use crate::ops_input::{Flow, Parsed};
use corridor_model::Network;
use corridor_model::network::{
    CorridorId, DepartureRule, LinkId, Mode, NodeId, Schedule, ServiceId, ServiceKind,
};
use corridor_model::units::{Capacity, Payload};
use corridor_route::graph::{Board, Graph};
use serde::Serialize;
use std::sync::Arc;

/// A leg of a compiled path (ids of the epoch's network).
pub(crate) struct Leg {
    pub head: NodeId,
    pub time: Sampler,
    /// The departure queue boarded (index into [`EpochPlan::queues`]), for a timetabled leg.
    pub queue: Option<u32>,
    pub mode: Mode,
    pub link: LinkId,
    /// Travelled from the link's `to` to its `from`.
    pub reversed: bool,
}

/// A route a flow's units follow.
pub(crate) struct Path {
    pub flow: usize,
    pub corridor: Option<CorridorId>,
    pub legs: Vec<Leg>,
    pub planned_days: f64,
    /// The capacity-limited nodes and timetabled services of the route, in order, joined by
    /// ` + `: what tells apart the routes of one pair.
    pub via: String,
    /// Price of moving one FEU over it, USD (tariffs and handling).
    pub cost_per_feu: f64,
    /// Well-to-wheel CO2e of one FEU over it, kg.
    pub co2e_per_feu: f64,
}

/// A departure queue: one timetabled service in one direction.
#[derive(Clone, Debug)]
pub(crate) struct QueueSpec {
    /// The service id, with ` (reverse)` for its reverse direction: the queue's identity
    /// from one epoch to the next.
    pub name: String,
    pub service: ServiceId,
    pub reversed: bool,
    pub cap_teu: f64,
    pub when_full: bool,
    pub max_hold_h: f64,
    pub schedule: Schedule,
    /// Weather area (index into the parameters' weather) of its ports.
    pub weather: Option<usize>,
    /// A block train: each departure carries units of one route only.
    pub block: bool,
}

impl QueueSpec {
    /// The queue of service `sv` of `net` in one direction (`mode`: its link's).
    pub(crate) fn of(
        net: &Network,
        sv: ServiceId,
        reversed: bool,
        mode: Mode,
        params: &Parsed,
    ) -> QueueSpec {
        let svc = net.service(sv);
        QueueSpec {
            name: queue_name(&svc.key, reversed),
            service: sv,
            reversed,
            cap_teu: payload_teu(svc.payload.value, params, net.meta.tonnes_per_teu.value.0)
                .max(FEU_TEU),
            when_full: svc.rule == DepartureRule::WhenFull,
            max_hold_h: svc.max_hold.map(|h| h.value.0).unwrap_or(0.0),
            schedule: svc.schedule.value.clone(),
            weather: params.weather.iter().position(|w| w.mode == mode),
            block: svc.kind == ServiceKind::BlockTrain,
        }
    }
}

/// A queue's name: the service id, with ` (reverse)` for its reverse direction.
pub(crate) fn queue_name(service: &str, reversed: bool) -> String {
    format!("{service}{}", if reversed { " (reverse)" } else { "" })
}

/// How a flow is split over corridors.
#[derive(Clone, Debug, Serialize)]
pub struct FlowShares {
    /// Origin id.
    pub from: String,
    /// Destination id.
    pub to: String,
    /// Containers, TEU per year (after the demand factor).
    pub teu_per_year: f64,
    /// Wagonload cargo, tonnes per year (after the demand factor).
    pub tonnes_per_year: f64,
    /// `pinned` (the demand table names the corridor) or `logit`.
    pub method: String,
    /// (corridor, share).
    pub shares: Vec<(String, f64)>,
}

/// One state of the corridor, compiled: see the module docs.
pub struct EpochPlan {
    pub(crate) net: Arc<Network>,
    pub(crate) flows: Vec<Flow>,
    pub(crate) demand_factor: f64,
    pub(crate) paths: Vec<Path>,
    /// Per flow: (path, cumulative share).
    pub(crate) choices: Vec<Vec<(usize, f64)>>,
    /// Departure queues, in the order the paths first use them.
    pub(crate) queues: Vec<QueueSpec>,
    /// The capacity in units (TEU, trains, wagons) of each node as a service rate,
    /// TEU-equivalent per hour.
    pub(crate) node_rate_teu_h: Vec<Option<f64>>,
    /// The tonnage capacity of each node as a service rate, tonnes per hour: a second
    /// server every unit passes (containers at the dataset's `tonnes_per_teu`, wagons at
    /// `tonnes_per_wagon`), after the first.
    pub(crate) node_rate_t_h: Vec<Option<f64>>,
    /// Whether a node's capacity is a container terminal's (TEU a day or year): wagonload
    /// passes it without queueing. Train and wagon capacities hold for every cargo.
    pub(crate) node_containers_only: Vec<bool>,
    /// The tonnage capacity of each link's line, in each direction, as a service rate,
    /// tonnes per hour: a server every unit passes as it enters a continuous leg over the
    /// line (a line's capacity in units is not queued: see [`EpochPlan::new`]).
    pub(crate) link_rate_t_h: Vec<Option<f64>>,
    /// Per flow: (mean hours between arrival candidates, peak monthly factor).
    pub(crate) arrivals: Vec<(f64, f64)>,
    /// Dwell time at each node, ready to sample.
    pub(crate) dwell: Vec<Option<Sampler>>,
    /// How each flow's corridor shares were set.
    pub shares: Vec<FlowShares>,
}

/// Most distinct flows (origin, destination, corridor, cargo) a run routes: each has its
/// own route set (about 0.2 MB and 0.5 ms to build), so this bounds a run's set-up to about
/// 2 GB and 5 s.
pub const MAX_FLOWS: usize = 10_000;

/// Rows of the same origin, destination, corridor and cargo as one flow of their summed
/// volume (the first row's line names it): one route set and one arrival stream, the same
/// Poisson process as the rows' together.
/// A share row's volume after `demand_factor`, split: up to its base stays on its
/// corridor, the rest is free to choose (a share row within its base is pinned). Returns
/// flows without `share_base`, volumes before `demand_factor` (which applies to them all).
pub(crate) fn split_shares(flows: Vec<Flow>, demand_factor: f64) -> Vec<Flow> {
    let mut out = Vec::with_capacity(flows.len());
    for f in flows {
        let Some(base) = f.share_base else {
            out.push(f);
            continue;
        };
        let volume = if f.is_wagonload() {
            f.tonnes_per_year
        } else {
            f.teu_per_year
        };
        let effective = volume * demand_factor;
        let pinned = Flow {
            share_base: None,
            ..f.clone()
        };
        if f.corridor.is_none() || effective <= base || effective <= 0.0 {
            out.push(pinned);
            continue;
        }
        let stays = base / effective;
        out.push(Flow {
            teu_per_year: f.teu_per_year * stays,
            tonnes_per_year: f.tonnes_per_year * stays,
            ..pinned.clone()
        });
        out.push(Flow {
            teu_per_year: f.teu_per_year * (1.0 - stays),
            tonnes_per_year: f.tonnes_per_year * (1.0 - stays),
            corridor: None,
            ..pinned
        });
    }
    out
}

fn merge_flows(flows: Vec<Flow>) -> Vec<Flow> {
    let mut out: Vec<Flow> = Vec::with_capacity(flows.len());
    let mut index: std::collections::HashMap<_, usize> = std::collections::HashMap::new();
    for f in flows {
        let key = (f.from, f.to, f.corridor, f.is_wagonload());
        match index.get(&key) {
            Some(&i) => {
                out[i].teu_per_year += f.teu_per_year;
                out[i].tonnes_per_year += f.tonnes_per_year;
            }
            None => {
                index.insert(key, out.len());
                out.push(f);
            }
        }
    }
    out
}

/// Arrivals per hour of a flow's units (containers as FEU, or wagons).
pub(crate) fn units_per_hour(f: &Flow, p: &Parsed, demand_factor: f64) -> f64 {
    let per_year = if f.is_wagonload() {
        f.tonnes_per_year / p.tonnes_per_wagon
    } else {
        f.teu_per_year / FEU_TEU
    };
    per_year * demand_factor / 8760.0
}

/// A flow's monthly demand profile (mean 1).
pub(crate) fn season<'a>(f: &Flow, p: &'a Parsed) -> &'a [f64; 12] {
    if f.is_wagonload() {
        &p.season_wagonload
    } else {
        &p.season_containers
    }
}

/// Demand of a flow in TEU-equivalents per year (a wagon counts as `teu_per_wagon`).
pub(crate) fn flow_teu_equivalent(f: &Flow, p: &Parsed, demand_factor: f64) -> f64 {
    (f.teu_per_year + f.tonnes_per_year / p.tonnes_per_wagon * p.teu_per_wagon) * demand_factor
}

/// What one departure carries, TEU-equivalent.
pub(crate) fn payload_teu(payload: Payload, p: &Parsed, tonnes_per_teu: f64) -> f64 {
    match payload {
        Payload::Teu(v) => v,
        Payload::Wagons(v) => v * p.teu_per_wagon,
        Payload::Tonnes(v) => v / tonnes_per_teu,
    }
}

/// Whether a capacity limits containers only: a TEU capacity is a container terminal's;
/// wagonload (rail ferry wagons, tank cars) passes the node's other berths and tracks.
pub(crate) fn containers_only(c: Option<Capacity>) -> bool {
    matches!(c, Some(Capacity::TeuPerDay(_) | Capacity::TeuPerYear(_)))
}

/// A node's capacity in units as a service rate, TEU-equivalent per hour (`None` for a
/// tonnage capacity: see [`tonnes_rate`]).
pub(crate) fn node_rate(c: Option<Capacity>, p: &Parsed) -> Option<f64> {
    match c? {
        Capacity::TeuPerDay(v) => Some(v / 24.0),
        Capacity::TeuPerYear(v) => Some(v / 8760.0),
        Capacity::TrainsPerDay(v) => Some(v * p.teu_per_train / 24.0),
        Capacity::TrainsPerYear(v) => Some(v * p.teu_per_train / 8760.0),
        Capacity::WagonsPerDay(v) => Some(v * p.teu_per_wagon / 24.0),
        Capacity::MtPerYear(_) => None,
    }
}

/// A tonnage capacity as a service rate, tonnes per hour (`None` for any other).
pub(crate) fn tonnes_rate(c: Option<Capacity>) -> Option<f64> {
    match c? {
        Capacity::MtPerYear(v) => Some(v * 1e6 / 8760.0),
        _ => None,
    }
}

/// Tonnes per TEU-equivalent of a unit: a container at `tonnes_per_teu`, a wagon at
/// `tonnes_per_wagon` over its `teu_per_wagon`.
pub(crate) fn tonnes_per_teu_equivalent(wagon: bool, p: &Parsed, tonnes_per_teu: f64) -> f64 {
    if wagon {
        p.tonnes_per_wagon / p.teu_per_wagon
    } else {
        tonnes_per_teu
    }
}

impl EpochPlan {
    /// Route and compile `flows` (after `demand_factor`) on `net`; routes are searched for
    /// shipments ready at `ready` (hours since the epoch). A flow without a route is a
    /// [`PlanError`].
    pub fn new(
        net: Arc<Network>,
        flows: Vec<Flow>,
        params: &Parsed,
        demand_factor: f64,
        ready: f64,
    ) -> Result<EpochPlan, PlanError> {
        let flows = merge_flows(split_shares(flows, demand_factor));
        if flows.len() > MAX_FLOWS {
            return Err(PlanError::TooManyFlows { flows: flows.len() });
        }
        let g = Graph::new(&net);
        let node_rate_teu_h: Vec<Option<f64>> = net
            .nodes
            .iter()
            .map(|n| node_rate(n.capacity.units_value(), params))
            .collect();
        let node_rate_t_h: Vec<Option<f64>> = net
            .nodes
            .iter()
            .map(|n| tonnes_rate(n.capacity.tonnes.map(|c| c.value)))
            .collect();
        let limited: Vec<bool> = node_rate_teu_h
            .iter()
            .zip(&node_rate_t_h)
            .map(|(a, b)| a.is_some() || b.is_some())
            .collect();
        let node_containers_only: Vec<bool> = net
            .nodes
            .iter()
            .map(|n| containers_only(n.capacity.units_value()))
            .collect();
        // A line's capacity in units (trains a day, TEU a year) is not queued: in the data it
        // is a station's figure (Alashankou–Dostyk's 12 trains a day is Dostyk's 1435 mm
        // side [S66], below the crossing's own 14 exchanged [S350]) or an operator's (UTLC's
        // 700,000 TEU a year of transit [S31]), and the trains on those lines are metered
        // by the crossings' capacities; `corridor capacity` reads it as the line's. A
        // line's tonnage is its own (the BTK's 5 Mt [S74]) and is queued.
        let link_rate_t_h: Vec<Option<f64>> = net
            .links
            .iter()
            .map(|l| tonnes_rate(l.capacity.tonnes.map(|c| c.value)))
            .collect();
        let rates = Rates {
            node_teu_h: &node_rate_teu_h,
            node_t_h: &node_rate_t_h,
            node_containers_only: &node_containers_only,
            link_t_h: &link_rate_t_h,
        };
        let options = route_sets(&g, &flows, &params.choice, &limited, ready)?;
        let shares = choose(&net, &flows, &options, params, demand_factor, &rates);
        let dwell = net
            .nodes
            .iter()
            .map(|n| n.dwell.as_ref().map(|d| Sampler::new(&d.value)))
            .collect();
        drop(g);
        let mut plan = EpochPlan {
            net,
            paths: Vec::new(),
            choices: Vec::new(),
            queues: Vec::new(),
            arrivals: Vec::new(),
            dwell,
            shares: Vec::new(),
            node_rate_teu_h,
            node_rate_t_h,
            node_containers_only,
            link_rate_t_h,
            flows,
            demand_factor,
        };
        for (fi, (opts, weights)) in options.into_iter().zip(shares).enumerate() {
            plan.compile_flow(fi, opts, weights, params);
        }
        // Arrival candidates per flow: mean hours between them at the peak month's rate,
        // and the peak factor they are thinned against (0 mean gap: no demand).
        plan.arrivals = plan
            .flows
            .iter()
            .map(|f| {
                let peak = season(f, params).iter().cloned().fold(0.0, f64::max);
                let rate = units_per_hour(f, params, demand_factor) * peak;
                (if rate > 0.0 { 1.0 / rate } else { 0.0 }, peak)
            })
            .collect();
        Ok(plan)
    }

    /// The paths of flow `fi` with a share of at least 10⁻⁴, their queues and its choice.
    fn compile_flow(
        &mut self,
        fi: usize,
        options: Vec<RouteOption>,
        weights: Vec<f64>,
        params: &Parsed,
    ) {
        let net = Arc::clone(&self.net);
        let total: f64 = weights.iter().sum();
        let mut cum = 0.0;
        let mut choice = Vec::new();
        let mut by_corridor: Vec<(String, f64)> = Vec::new();
        for (o, w) in options.into_iter().zip(weights) {
            let share = w / total;
            if share < 1e-4 {
                continue;
            }
            cum += share;
            let mut legs = Vec::new();
            for l in o.labels.iter().skip(1) {
                let link = net.link(l.link);
                let queue = match l.board {
                    Board::Continuous => None,
                    Board::Service(sv) => Some(self.queue_of(sv, l.reversed, link.mode, params)),
                };
                legs.push(Leg {
                    head: l.node,
                    time: Sampler::new(&link.time()),
                    queue,
                    mode: link.mode,
                    link: l.link,
                    reversed: l.reversed,
                });
            }
            let key = o
                .corridor
                .map(|c| net.corridors[c.0 as usize].key.clone())
                .unwrap_or_else(|| "mixed".into());
            match by_corridor.iter_mut().find(|x| x.0 == key) {
                Some(x) => x.1 += share,
                None => by_corridor.push((key, share)),
            }
            choice.push((self.paths.len(), cum));
            let via = legs
                .iter()
                .flat_map(|l| {
                    let svc = l.queue.map(|q| self.queues[q as usize].name.clone());
                    let line = (l.queue.is_none() && self.link_rate_t_h[l.link.idx()].is_some())
                        .then(|| net.link(l.link).key.clone());
                    let limited = self.node_rate_teu_h[l.head.idx()].is_some()
                        || self.node_rate_t_h[l.head.idx()].is_some();
                    let node = limited.then(|| net.node(l.head).key.clone());
                    svc.into_iter().chain(line).chain(node)
                })
                .collect::<Vec<_>>()
                .join(" + ");
            let last = o.labels.last().expect("a path has its origin");
            self.paths.push(Path {
                flow: fi,
                corridor: o.corridor,
                legs,
                planned_days: o.days,
                via,
                cost_per_feu: last.cost,
                co2e_per_feu: last.wtw,
            });
        }
        if let Some(last) = choice.last_mut() {
            last.1 = 1.0;
        }
        let f = &self.flows[fi];
        self.shares.push(FlowShares {
            from: net.node(f.from).key.clone(),
            to: net.node(f.to).key.clone(),
            teu_per_year: f.teu_per_year * self.demand_factor,
            tonnes_per_year: f.tonnes_per_year * self.demand_factor,
            method: if f.corridor.is_some() {
                "pinned".into()
            } else {
                "logit".into()
            },
            shares: by_corridor,
        });
        self.choices.push(choice);
    }

    /// The departure queue of a service in a direction, created on first use.
    fn queue_of(&mut self, sv: ServiceId, reversed: bool, mode: Mode, params: &Parsed) -> u32 {
        if let Some(q) = self
            .queues
            .iter()
            .position(|q| q.service == sv && q.reversed == reversed)
        {
            return q as u32;
        }
        self.queues
            .push(QueueSpec::of(&self.net, sv, reversed, mode, params));
        (self.queues.len() - 1) as u32
    }

    /// Units (FEU containers and wagons) its flows generate per hour on average.
    pub(crate) fn units_per_hour(&self, params: &Parsed) -> f64 {
        self.flows
            .iter()
            .map(|f| units_per_hour(f, params, self.demand_factor))
            .sum()
    }

    /// Its demand, TEU-equivalent a year.
    pub fn teu_equivalent_per_year(&self, params: &Parsed) -> f64 {
        self.flows
            .iter()
            .map(|f| flow_teu_equivalent(f, params, self.demand_factor))
            .sum()
    }

    /// The network it runs on.
    pub fn network(&self) -> &Network {
        &self.net
    }
}

/// The service rates of an epoch's capacity-limited nodes and lines.
struct Rates<'a> {
    node_teu_h: &'a [Option<f64>],
    node_t_h: &'a [Option<f64>],
    node_containers_only: &'a [bool],
    link_t_h: &'a [Option<f64>],
}

/// The shares of every flow's routes: the capacity-restrained logit over the resources the
/// routes use (capacity-limited nodes, each server of its own: the one in units and the
/// one in tonnes; a line's tonnage in each direction; and each timetabled service in each
/// direction).
fn choose(
    net: &Network,
    flows: &[Flow],
    options: &[Vec<RouteOption>],
    params: &Parsed,
    demand_factor: f64,
    rates: &Rates,
) -> Vec<Vec<f64>> {
    let (node_rate_teu_h, node_rate_t_h, node_containers_only) =
        (rates.node_teu_h, rates.node_t_h, rates.node_containers_only);
    let tonnes_per_teu = net.meta.tonnes_per_teu.value.0;
    let tonnage_base = net.nodes.len() + net.services.len() * 2;
    // Lines' tonnage: 2 per link, a direction each.
    let line_base = tonnage_base + net.nodes.len();
    let nl = net.links.len();
    let svc_cap_teu_h = |sv: ServiceId| -> f64 {
        let svc = net.service(sv);
        payload_teu(svc.payload.value, params, net.meta.tonnes_per_teu.value.0)
            * svc.schedule.value.per_week()
            / 168.0
    };
    let routes: Vec<Vec<RouteCost>> = options
        .iter()
        .zip(flows)
        .map(|(opts, flow)| {
            let wagons = flow.is_wagonload();
            let weight = tonnes_per_teu_equivalent(wagons, params, tonnes_per_teu);
            opts.iter()
                .map(|o| {
                    let mut resources = Vec::new();
                    for l in o.labels.iter().skip(1) {
                        // A line's capacity holds for continuous legs (a timetabled
                        // service is its own capacity).
                        if let Some(r) = rates.link_t_h[l.link.idx()]
                            .filter(|_| !matches!(l.board, Board::Service(_)))
                        {
                            resources.push((
                                line_base + 2 * l.link.idx() + usize::from(l.reversed),
                                r,
                                params.teu_per_train * weight / r,
                                weight,
                            ));
                        }
                        let passes = wagons && node_containers_only[l.node.idx()];
                        if let Some(r) = node_rate_teu_h[l.node.idx()].filter(|_| !passes) {
                            resources.push((l.node.idx(), r, params.teu_per_train / r, 1.0));
                        }
                        if let Some(r) = node_rate_t_h[l.node.idx()] {
                            // Loads in tonnes: this flow's TEU-equivalents at its weight.
                            resources.push((
                                tonnage_base + l.node.idx(),
                                r,
                                params.teu_per_train * weight / r,
                                weight,
                            ));
                        }
                        if let Board::Service(sv) = l.board {
                            let per_week = net.service(sv).schedule.value.per_week();
                            resources.push((
                                net.nodes.len() + sv.idx() * 2 + usize::from(l.reversed),
                                svc_cap_teu_h(sv),
                                if per_week > 0.0 {
                                    168.0 / per_week
                                } else {
                                    168.0
                                },
                                1.0,
                            ));
                        }
                    }
                    RouteCost {
                        gc: o.gc,
                        resources,
                    }
                })
                .collect()
        })
        .collect();
    let demand: Vec<f64> = flows
        .iter()
        .map(|f| flow_teu_equivalent(f, params, demand_factor) / 8760.0)
        .collect();
    choice::assign(&Assignment {
        demand_teu_h: &demand,
        routes: &routes,
        resources: line_base + 2 * nl,
        value_of_time: params.choice.value_of_time,
        scale: params.choice.scale,
        iterations: 40,
    })
}
