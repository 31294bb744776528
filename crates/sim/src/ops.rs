//! The corridor operations model: containers (as FEU units) and wagonload cargo (as wagons)
//! generated from an origin–destination demand table follow the route planner's best route of their
//! corridor; timetabled legs wait for a vessel or train with a capacity per departure
//! (fixed departures, or sail-when-full with a maximum hold); nodes with a container
//! capacity serve the trains and sailing loads (convoys) that reach them; dwell and travel
//! times are drawn from the dataset's distributions; Caspian and Black Sea sailings stop
//! during seasonal weather closures. Replications run in parallel with one random stream
//! per replication and source, so a seed gives the same results whatever the thread count.
//!
//! Demand follows a monthly profile (thinning of a Poisson process at the peak month's
//! rate). Block trains run one route per departure; random breakdowns of nodes and services
//! come from `[[breakdown]]` tables (the default dataset has none: the facts give no failure
//! statistics).

use crate::kernel::{Model, Scheduler};
use crate::ops_input::{Choice, OpsInput, Outage, Weather};
use crate::resource::Servers;
use crate::rng::Stream;
use crate::stats::{Ci, Histogram, TimeAverage, ci};
use corridor_model::Network;
use corridor_model::dist::Distribution;
use corridor_model::network::{
    CorridorId, DepartureRule, LinkId, Mode, NodeId, ServiceId, ServiceKind,
};
use corridor_model::units::Capacity;
use corridor_model::units::Payload;
use corridor_route::graph::{Board, Graph};
use corridor_route::plan::{self, Weights};
use corridor_route::search::{Constraints, Shipment, pareto};
use corridor_route::time::Instant;
use rayon::prelude::*;
use serde::Serialize;
use std::collections::VecDeque;

const FEU_TEU: f64 = 2.0;

/// A time distribution with its constants computed once: draws are those of
/// [`Distribution::sample`], bit for bit, without recomputing the log-normal's σ per draw.
#[derive(Clone, Debug)]
enum Sampler {
    Fixed(f64),
    LogNormal { p50: f64, sigma: f64 },
    Other(Distribution),
}

impl Sampler {
    fn new(d: &Distribution) -> Sampler {
        match d {
            Distribution::Fixed { value } => Sampler::Fixed(value.0),
            Distribution::LogNormal { p50, p90 } => {
                let sigma = corridor_model::dist::lognormal_sigma(*p50, *p90);
                if sigma == 0.0 {
                    Sampler::Fixed(p50.0)
                } else {
                    Sampler::LogNormal { p50: p50.0, sigma }
                }
            }
            other => Sampler::Other(other.clone()),
        }
    }

    /// A draw from a uniform variate in (0, 1).
    #[inline]
    fn sample(&self, u: f64) -> f64 {
        match self {
            Sampler::Fixed(v) => *v,
            Sampler::LogNormal { p50, sigma } => {
                let p = if u.is_nan() { 0.5 } else { u };
                corridor_model::dist::lognormal_quantile(*p50, *sigma, p)
            }
            Sampler::Other(d) => d.sample(u).0,
        }
    }
}

/// Arrivals per hour of a flow's units (containers as FEU, or wagons).
fn units_per_hour(f: &crate::ops_input::Flow, input: &OpsInput) -> f64 {
    let per_year = if f.is_wagonload() {
        f.tonnes_per_year / input.params.tonnes_per_wagon
    } else {
        f.teu_per_year / FEU_TEU
    };
    per_year * input.demand_factor / 8760.0
}

/// A flow's monthly demand profile (mean 1).
fn season<'a>(f: &crate::ops_input::Flow, input: &'a OpsInput) -> &'a [f64; 12] {
    if f.is_wagonload() {
        &input.params.season_wagonload
    } else {
        &input.params.season_containers
    }
}

/// Demand of a flow in TEU-equivalents per year (a wagon counts as `teu_per_wagon`).
fn flow_teu_equivalent(f: &crate::ops_input::Flow, input: &OpsInput) -> f64 {
    (f.teu_per_year
        + f.tonnes_per_year / input.params.tonnes_per_wagon * input.params.teu_per_wagon)
        * input.demand_factor
}

struct Leg {
    head: NodeId,
    time: Sampler,
    queue: Option<u32>,
    mode: Mode,
    link: LinkId,
}

struct Path {
    flow: usize,
    corridor: Option<CorridorId>,
    legs: Vec<Leg>,
    planned_days: f64,
    /// The capacity-limited nodes and timetabled services of the route, in order, joined by
    /// ` + `: what tells apart the routes of one pair.
    via: String,
}

struct QueueSpec {
    name: String,
    cap_teu: f64,
    when_full: bool,
    max_hold_h: f64,
    schedule: corridor_model::network::Schedule,
    weather: Option<usize>,
    service: ServiceId,
    /// A block train: each departure carries units of one route only (see `try_depart`).
    block: bool,
}

/// Everything fixed across replications: routes, queues, capacities.
pub struct Plan<'n> {
    net: &'n Network,
    input: OpsInput,
    paths: Vec<Path>,
    /// Per flow: (path, cumulative share).
    choices: Vec<Vec<(usize, f64)>>,
    queues: Vec<QueueSpec>,
    node_rate_teu_h: Vec<Option<f64>>,
    /// Per flow: (mean hours between arrival candidates, peak monthly factor).
    arrivals: Vec<(f64, f64)>,
    /// Calendar month (0–11) of each day of the run from `day0` (days since the epoch).
    month_of_day: Vec<u8>,
    day0: i64,
    /// Dwell time at each node, ready to sample.
    dwell: Vec<Option<Sampler>>,
    /// How each flow's corridor shares were set.
    pub shares: Vec<FlowShares>,
    /// Per `[[breakdown]]`: what it stops and its draws.
    outages: Vec<OutagePlan>,
    /// Per weather area: closure lengths.
    weather: Vec<WeatherPlan>,
}

/// A `[[breakdown]]` made ready to run.
struct OutagePlan {
    /// The node whose server it stops.
    node: Option<NodeId>,
    /// The departure queues of the service it stops (both directions).
    queues: Vec<u32>,
    /// Mean up time, hours.
    mtbf_h: f64,
    repair: Sampler,
}

/// A weather area's closure lengths, ready to draw.
struct WeatherPlan {
    episode: Sampler,
    mean_closure_h: f64,
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

fn payload_teu(p: Payload, input: &OpsInput, tonnes_per_teu: f64) -> f64 {
    match p {
        Payload::Teu(v) => v,
        Payload::Wagons(v) => v * input.params.teu_per_wagon,
        Payload::Tonnes(v) => v / tonnes_per_teu,
    }
}

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

/// Largest demand a run accepts, TEU-equivalent a year (about 25 M units a year).
pub const MAX_TEU_PER_YEAR: f64 = 5e7;

impl<'n> Plan<'n> {
    /// The node a unit has reached: the head of its last completed leg (a unit at or
    /// queued for a node server has completed at least one leg).
    #[inline]
    fn node_of(&self, unit: Unit) -> NodeId {
        self.paths[unit.path as usize].legs[unit.leg as usize - 1].head
    }

    /// Route every flow and prepare queues and capacities: a flow without a route, a start
    /// before the clock's epoch or a demand above [`MAX_TEU_PER_YEAR`] is a [`PlanError`].
    pub fn new(net: &'n Network, input: OpsInput) -> Result<Plan<'n>, PlanError> {
        if !(input.start.is_finite() && input.start >= 0.0) {
            return Err(PlanError::BeforeEpoch { hours: input.start });
        }
        // Every unit is simulated: bound the work (the whole Asia–Europe container trade is
        // ~16 M TEU a year [S213]).
        let total: f64 = input
            .params
            .flows
            .iter()
            .map(|f| flow_teu_equivalent(f, &input))
            .sum();
        if total > MAX_TEU_PER_YEAR {
            return Err(PlanError::TooMuchDemand {
                teu_per_year: total,
            });
        }
        let g = Graph::new(net);
        let mut paths: Vec<Path> = Vec::new();
        let mut choices = Vec::new();
        let mut shares_out = Vec::new();
        let mut queue_of: Vec<((u32, bool), u32)> = Vec::new();
        let mut queues: Vec<QueueSpec> = Vec::new();
        let w = Weights::preset("balanced").expect("preset exists");
        let mut all_options = Vec::new();
        let node_rate_teu_h: Vec<Option<f64>> = net
            .nodes
            .iter()
            .map(|n| match n.capacity.map(|c| c.value) {
                Some(Capacity::TeuPerDay(v)) => Some(v / 24.0),
                Some(Capacity::TeuPerYear(v)) => Some(v / 8760.0),
                Some(Capacity::TrainsPerDay(v)) => Some(v * input.params.teu_per_train / 24.0),
                Some(Capacity::TrainsPerYear(v)) => Some(v * input.params.teu_per_train / 8760.0),
                Some(Capacity::WagonsPerDay(v)) => Some(v * input.params.teu_per_wagon / 24.0),
                // Tonnage capacities cover all cargo, mostly not containers: not a container limit.
                Some(Capacity::MtPerYear(_)) | None => None,
            })
            .collect();
        for f in input.params.flows.iter() {
            let s = Shipment {
                from: f.from,
                to: f.to,
                ready: input.start,
                teu: FEU_TEU,
            };
            let mut options: Vec<(
                Option<CorridorId>,
                Vec<corridor_route::search::Label>,
                f64,
                f64,
            )> = Vec::new();
            let corridors: Vec<Option<CorridorId>> = match f.corridor {
                Some(c) => vec![Some(c)],
                None => (0..net.corridors.len())
                    .map(|k| Some(CorridorId(k as u16)))
                    .collect(),
            };
            for c in corridors {
                // The route set of a corridor: its best route, and the best route avoiding
                // each capacity-limited node and each ferry, feeder, liner or rail window
                // of it (so that flows can spread over parallel crossings such as Dostyk and
                // Khorgos, or the Kuryk and Aktau ferries, as the logit decides). The block
                // trains leaving a terminal are its way out, not an alternative to avoid.
                // Wagons ride rail ferries, not container feeders or liners.
                let avoid_service_kinds = if f.is_wagonload() {
                    vec![ServiceKind::Feeder, ServiceKind::Liner]
                } else {
                    Vec::new()
                };
                let base = Constraints {
                    corridor: c,
                    avoid_service_kinds,
                    ..Constraints::default()
                };
                let best_of = |cons: &Constraints| {
                    let r = pareto(&g, &s, cons);
                    plan::rank(&r.labels, &r.front, w)
                        .first()
                        .map(|&b| r.path(b))
                };
                let Some(best) = best_of(&base) else { continue };
                let mut set = vec![best.clone()];
                for l in best.iter().skip(1) {
                    let mut avoids = Vec::new();
                    if let Board::Service(sv) = l.board {
                        if net.service(sv).kind != ServiceKind::BlockTrain {
                            avoids.push(Constraints {
                                avoid_services: vec![sv],
                                ..base.clone()
                            });
                        }
                    }
                    if node_rate_teu_h[l.node.idx()].is_some() && l.node != f.to {
                        avoids.push(Constraints {
                            avoid_nodes: vec![l.node],
                            ..base.clone()
                        });
                    }
                    for avoid in avoids {
                        if let Some(alt) = best_of(&avoid) {
                            let same = |a: &[corridor_route::search::Label], b: &[corridor_route::search::Label]| a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.link == y.link && x.board == y.board);
                            if !set.iter().any(|p| same(p, &alt)) {
                                set.push(alt);
                            }
                        }
                    }
                }
                for path in set {
                    let last = *path.last().expect("a path has its origin");
                    let gc = |ch: &Choice| {
                        last.cost / FEU_TEU
                            + ch.value_of_time * (last.time - s.ready) / 24.0
                            + ch.carbon_price * last.wtw / 1000.0 / FEU_TEU
                    };
                    options.push((
                        c,
                        path,
                        gc(&input.params.choice),
                        (last.time - s.ready) / 24.0,
                    ));
                }
            }
            if options.is_empty() {
                // Name the field at fault and, for a pinned corridor, the corridors that do
                // connect the pair.
                let from = &net.node(f.from).key;
                let to = &net.node(f.to).key;
                return Err(match f.corridor {
                    Some(c) => {
                        let others: Vec<String> = (0..net.corridors.len())
                            .map(|k| CorridorId(k as u16))
                            .filter(|&k| k != c)
                            .filter(|&k| {
                                let cons = Constraints {
                                    corridor: Some(k),
                                    ..Constraints::default()
                                };
                                !pareto(&g, &s, &cons).front.is_empty()
                            })
                            .map(|k| net.corridors[k.0 as usize].key.clone())
                            .collect();
                        PlanError::NoRoute {
                            line: f.line,
                            from: from.clone(),
                            to: to.clone(),
                            corridor: Some(net.corridors[c.0 as usize].key.clone()),
                            others,
                        }
                    }
                    None => PlanError::NoRoute {
                        line: f.line,
                        from: from.clone(),
                        to: to.clone(),
                        corridor: None,
                        others: Vec::new(),
                    },
                });
            }
            all_options.push(options);
        }
        // Capacity-restrained assignment: the logit over each flow's route set, repeated
        // with the expected queueing delay at every capacity-limited node and timetabled
        // service the routes use (method of successive averages), so that flows spread
        // over parallel routes as queues build. The delay at a resource of utilisation ρ
        // is Kingman's approximation with unit variability, s × ρ / (1 − ρ), where s is the
        // time one batch takes it: a train (`teu_per_train`) at a node's rate, one headway
        // for a timetabled service. Past ρ = 0.99 it rises linearly and steeply, so
        // overloads stay ordered. Valued at the value of time (E-LOGIT).
        let svc_cap_teu_h = |sv: corridor_model::network::ServiceId| -> f64 {
            let svc = net.service(sv);
            payload_teu(svc.payload.value, &input, net.meta.tonnes_per_teu.value.0)
                * svc.schedule.value.per_week()
                / 168.0
        };
        // (resource, capacity TEU/h, hours one batch takes it).
        let resources_of = |labels: &[corridor_route::search::Label]| -> Vec<(usize, f64, f64)> {
            let mut v = Vec::new();
            for l in labels.iter().skip(1) {
                if let Some(r) = node_rate_teu_h[l.node.idx()] {
                    v.push((l.node.idx(), r, input.params.teu_per_train / r));
                }
                if let Board::Service(sv) = l.board {
                    let per_week = net.service(sv).schedule.value.per_week();
                    v.push((
                        net.nodes.len() + sv.idx() * 2 + usize::from(l.reversed),
                        svc_cap_teu_h(sv),
                        if per_week > 0.0 {
                            168.0 / per_week
                        } else {
                            168.0
                        },
                    ));
                }
            }
            v
        };
        let queue_delay_h = |load: f64, cap: f64, batch_h: f64| -> f64 {
            let rho = load / cap;
            if rho < 0.99 {
                batch_h * rho / (1.0 - rho)
            } else {
                batch_h * (99.0 + 1e4 * (rho - 0.99))
            }
        };
        let res: Vec<Vec<Vec<(usize, f64, f64)>>> = all_options
            .iter()
            .map(|opts| opts.iter().map(|o| resources_of(&o.1)).collect())
            .collect();
        let logit = |gcs: &[f64]| -> Vec<f64> {
            let min = gcs.iter().copied().fold(f64::INFINITY, f64::min);
            let w: Vec<f64> = gcs
                .iter()
                .map(|g| (-(g - min) / input.params.choice.scale).exp())
                .collect();
            let t: f64 = w.iter().sum();
            w.into_iter().map(|x| x / t).collect()
        };
        let mut shares: Vec<Vec<f64>> = all_options
            .iter()
            .map(|opts| logit(&opts.iter().map(|o| o.2).collect::<Vec<_>>()))
            .collect();
        let nres = net.nodes.len() + net.services.len() * 2;
        for it in 1..=40 {
            let mut load = vec![0.0; nres];
            let mut cap = vec![f64::INFINITY; nres];
            for (fi, opts) in res.iter().enumerate() {
                let teu_h = flow_teu_equivalent(&input.params.flows[fi], &input) / 8760.0;
                for (oi, rs) in opts.iter().enumerate() {
                    for &(r, c, _) in rs {
                        load[r] += shares[fi][oi] * teu_h;
                        cap[r] = c;
                    }
                }
            }
            for (fi, opts) in all_options.iter().enumerate() {
                let gcs: Vec<f64> = opts
                    .iter()
                    .enumerate()
                    .map(|(oi, o)| {
                        let penalty_h: f64 = res[fi][oi]
                            .iter()
                            .map(|&(r, _, b)| queue_delay_h(load[r], cap[r], b))
                            .sum();
                        o.2 + input.params.choice.value_of_time * penalty_h / 24.0
                    })
                    .collect();
                let target = logit(&gcs);
                let step = 1.0 / it as f64;
                for (x, t) in shares[fi].iter_mut().zip(target) {
                    *x += step * (t - *x);
                }
            }
        }
        for (fi, options) in all_options.into_iter().enumerate() {
            let f = &input.params.flows[fi];
            let weights = shares[fi].clone();
            let total: f64 = weights.iter().sum();
            let mut cum = 0.0;
            let mut ch = Vec::new();
            let mut sh = Vec::new();
            for ((c, labels, _, days), wgt) in options.into_iter().zip(weights) {
                let share = wgt / total;
                if share < 1e-4 {
                    continue;
                }
                cum += share;
                let mut legs = Vec::new();
                for l in labels.iter().skip(1) {
                    let link = net.link(l.link);
                    let queue = match l.board {
                        Board::Continuous => None,
                        Board::Service(sv) => {
                            let key = (sv.0, l.reversed);
                            Some(match queue_of.iter().find(|x| x.0 == key) {
                                Some(x) => x.1,
                                None => {
                                    let svc = net.service(sv);
                                    let q = queues.len() as u32;
                                    queues.push(QueueSpec {
                                        name: format!(
                                            "{}{}",
                                            svc.key,
                                            if l.reversed { " (reverse)" } else { "" }
                                        ),
                                        cap_teu: payload_teu(
                                            svc.payload.value,
                                            &input,
                                            net.meta.tonnes_per_teu.value.0,
                                        )
                                        .max(FEU_TEU),
                                        when_full: svc.rule == DepartureRule::WhenFull,
                                        max_hold_h: svc.max_hold.map(|h| h.value.0).unwrap_or(0.0),
                                        schedule: svc.schedule.value.clone(),
                                        weather: input
                                            .params
                                            .weather
                                            .iter()
                                            .position(|w| w.mode == link.mode),
                                        service: sv,
                                        block: svc.kind == ServiceKind::BlockTrain,
                                    });
                                    queue_of.push((key, q));
                                    q
                                }
                            })
                        }
                    };
                    legs.push(Leg {
                        head: l.node,
                        time: Sampler::new(&link.time()),
                        queue,
                        mode: link.mode,
                        link: l.link,
                    });
                }
                let key = c
                    .map(|c| net.corridors[c.0 as usize].key.clone())
                    .unwrap_or_else(|| "mixed".into());
                match sh.iter_mut().find(|x: &&mut (String, f64)| x.0 == key) {
                    Some(x) => x.1 += share,
                    None => sh.push((key, share)),
                }
                ch.push((paths.len(), cum));
                let via = legs
                    .iter()
                    .flat_map(|l| {
                        let svc = l.queue.map(|q| queues[q as usize].name.clone());
                        let node =
                            node_rate_teu_h[l.head.idx()].map(|_| net.node(l.head).key.clone());
                        svc.into_iter().chain(node)
                    })
                    .collect::<Vec<_>>()
                    .join(" + ");
                paths.push(Path {
                    flow: fi,
                    corridor: c,
                    legs,
                    planned_days: days,
                    via,
                });
            }
            if let Some(last) = ch.last_mut() {
                last.1 = 1.0;
            }
            shares_out.push(FlowShares {
                from: net.node(f.from).key.clone(),
                to: net.node(f.to).key.clone(),
                teu_per_year: f.teu_per_year * input.demand_factor,
                tonnes_per_year: f.tonnes_per_year * input.demand_factor,
                method: if f.corridor.is_some() {
                    "pinned".into()
                } else {
                    "logit".into()
                },
                shares: sh,
            });
            choices.push(ch);
        }

        // Arrival candidates per flow: mean hours between them at the peak month's rate,
        // and the peak factor they are thinned against (0 mean gap: no demand).
        let arrivals = input
            .params
            .flows
            .iter()
            .map(|f| {
                let peak = season(f, &input).iter().cloned().fold(0.0, f64::max);
                let rate = units_per_hour(f, &input) * peak;
                (if rate > 0.0 { 1.0 / rate } else { 0.0 }, peak)
            })
            .collect();
        let day0 = (input.start / 24.0).floor() as i64;
        let end = input.start + (input.warmup_days + input.days) * 24.0;
        let month_of_day = (0..((end / 24.0).floor() as i64 - day0 + 2).max(0))
            .map(|d| (Instant((day0 + d) as f64 * 24.0).month() - 1) as u8)
            .collect();
        let lognormal = |p50: f64, p90: f64| {
            Sampler::new(&Distribution::LogNormal {
                p50: corridor_model::units::Hours(p50),
                p90: corridor_model::units::Hours(p90),
            })
        };
        let outages = input
            .params
            .breakdowns
            .iter()
            .map(|b| OutagePlan {
                node: match b.outage {
                    Outage::Node(n) => Some(n),
                    Outage::Service(_) => None,
                },
                queues: (0..queues.len() as u32)
                    .filter(|&q| b.outage == Outage::Service(queues[q as usize].service))
                    .collect(),
                mtbf_h: b.mtbf_h,
                repair: lognormal(b.repair_p50_h, b.repair_p90_h),
            })
            .collect();
        let weather = input
            .params
            .weather
            .iter()
            .map(|w| {
                let episode = lognormal(w.episode_p50_h, w.episode_p90_h);
                let sigma = corridor_model::dist::lognormal_sigma(
                    corridor_model::units::Hours(w.episode_p50_h),
                    corridor_model::units::Hours(w.episode_p90_h),
                );
                WeatherPlan {
                    episode,
                    mean_closure_h: w.episode_p50_h * (sigma * sigma / 2.0).exp(),
                }
            })
            .collect();
        Ok(Plan {
            net,
            outages,
            weather,
            arrivals,
            month_of_day,
            day0,
            input,
            paths,
            choices,
            queues,
            node_rate_teu_h,
            dwell: net
                .nodes
                .iter()
                .map(|n| n.dwell.as_ref().map(|d| Sampler::new(&d.value)))
                .collect(),
            shares: shares_out,
        })
    }
}

/// Measured cost of the simulation on one core of the reference machine (see
/// `bench/RESULTS.md`, `bench/simulate.sh`): seconds per unit simulated, and per simulated
/// day of timetables and weather whatever the demand. Only for the estimate shown before
/// long runs.
const CPU_SECONDS_PER_UNIT: f64 = 1.0e-6;
const CPU_SECONDS_PER_DAY: f64 = 2.0e-5;

impl Plan<'_> {
    /// Units (FEU containers and wagons) one replication generates on average, warm-up
    /// included.
    pub fn expected_units(&self) -> f64 {
        let hours = (self.input.warmup_days + self.input.days) * 24.0;
        self.input
            .params
            .flows
            .iter()
            .map(|f| units_per_hour(f, &self.input) * hours)
            .sum()
    }

    /// Estimated CPU seconds of one replication (for a notice before long runs).
    pub fn estimated_cpu_seconds(&self) -> f64 {
        self.expected_units() * CPU_SECONDS_PER_UNIT
            + (self.input.warmup_days + self.input.days) * CPU_SECONDS_PER_DAY
    }
}

#[derive(Clone, Copy)]
enum Ev {
    Gen(u32),
    /// A new unit is ready at its origin (after the origin dwell).
    Start(Unit),
    /// A convoy is ready at a node for its next step: delivery or a timetabled service.
    Ready(u32),
    /// A convoy reaches a capacity-limited node.
    Arrive(u32),
    /// A node finishes serving a convoy.
    NodeDone(u32),
    Slot(u32),
    Hold(u32),
    WxToggle(u32),
    WxCheck(u32),
    /// Breakdown `b` fails.
    Fail(u32),
    /// Breakdown `b` is repaired.
    Repair(u32),
    Sample,
    WarmEnd,
}

// An event carries the unit or the convoy number it moves, so handling it touches no
// shared table of single units (whose random accesses were most of the cost of an event).
const _: () = assert!(std::mem::size_of::<Ev>() <= 24);

/// Units that travel together: the load of one departure of a train or a ship, kept
/// together over the legs and nodes its units share (a block train is dispatched, rides,
/// is dwelled and crosses a border as one) and split where their routes part or where
/// they change to a timetabled service. A unit with no timetabled first leg travels as a
/// convoy of one.
#[derive(Default)]
struct Convoy {
    units: Vec<Unit>,
}

/// What a unit does next at a node.
#[derive(Clone, Copy, PartialEq)]
enum Step {
    Deliver,
    Queue(u32),
    Ride(LinkId),
}

/// A container (FEU) or a wagon in the system: 16 bytes, held by value in the event that
/// moves it, the convoy it travels in or the queue it waits in, never in a table of units
/// (its size follows from `wagon`, whether it is measured from `created`).
#[derive(Clone, Copy)]
struct Unit {
    path: u32,
    leg: u16,
    wagon: bool,
    created: f64,
}

impl Unit {
    /// TEU-equivalents: 2 for a container (FEU), `teu_per_wagon` for a wagon.
    #[inline]
    fn size(&self, input: &OpsInput) -> f64 {
        if self.wagon {
            input.params.teu_per_wagon
        } else {
            FEU_TEU
        }
    }
}

struct QueueState {
    /// Units waiting, with the time each joined.
    waiting: VecDeque<(Unit, f64)>,
    berth: VecDeque<f64>,
    queued_teu: TimeAverage,
    /// TEU-equivalents waiting.
    queued: f64,
    sailings: u64,
    teu_carried: f64,
    wait: crate::stats::Tally,
}

struct Sim<'p, 'n> {
    plan: &'p Plan<'n>,
    end: f64,
    warm_end: f64,
    rng_demand: Stream,
    rng_time: Stream,
    rng_dwell: Stream,
    rng_weather: Stream,
    rng_breakdown: Stream,
    /// Breakdowns under way at each departure queue (a node's server counts its own).
    queue_down: Vec<u16>,
    /// Start of each breakdown's current outage (NaN while up).
    down_since: Vec<f64>,
    queues: Vec<QueueState>,
    nodes: Vec<Option<Servers<u32>>>,
    /// TEU-equivalents waiting at each capacity-limited node (containers and wagons differ
    /// in size, so the server's unit count is not enough).
    node_queued: Vec<(f64, TimeAverage)>,
    closed: Vec<bool>,
    brest_link: Option<LinkId>,
    /// Convoys, by number; `free_convoys` lists the numbers not in use (their buffers are
    /// kept for reuse).
    convoys: Vec<Convoy>,
    free_convoys: Vec<u32>,
    /// What the replication measures.
    c: Counts,
}

impl Sim<'_, '_> {
    /// `unit` reaches its destination at `now`.
    fn deliver(&mut self, now: f64, unit: &Unit) {
        let plan = self.plan;
        self.c.delivered += 1;
        self.c.in_system_teu -= unit.size(&plan.input);
        // Units created after the warm-up are the measured ones.
        if unit.created < self.warm_end {
            return;
        }
        let h = now - unit.created;
        self.c.path_hist[unit.path as usize].add(h);
        let volume = if unit.wagon {
            plan.input.params.tonnes_per_wagon
        } else {
            FEU_TEU
        };
        self.c.path_volume[unit.path as usize] += volume;
        if let Some(c) = plan.paths[unit.path as usize].corridor {
            // Corridor transit times are container door-to-door times (the published
            // comparators); wagonload keeps its per-pair rows.
            if unit.wagon {
                self.c.corridor_tonnes[c.0 as usize] += volume;
            } else {
                self.c.corridor_hist[c.0 as usize].add(h);
                self.c.corridor_teu[c.0 as usize] += volume;
                let m = self.month0(now);
                self.c.monthly_teu[c.0 as usize][m] += volume;
            }
        }
    }

    /// `unit` joins the queue for timetabled service `q` and boards if a departure is due.
    fn join_queue(&mut self, s: &mut Scheduler<Ev>, q: u32, unit: Unit) {
        let now = s.now();
        let st = &mut self.queues[q as usize];
        st.waiting.push_back((unit, now));
        st.queued += unit.size(&self.plan.input);
        st.queued_teu.set(now, st.queued);
        self.try_depart(s, q);
    }

    /// Schedule breakdown `b`'s next failure after `from`, if inside the run.
    fn next_failure(&mut self, s: &mut Scheduler<Ev>, b: usize, from: f64) {
        let t = from + self.rng_breakdown.exp_mean(self.plan.outages[b].mtbf_h);
        if t < self.end {
            s.at(t, Ev::Fail(b as u32));
        }
    }

    /// Count the part of an outage of breakdown `b` from `from` to `to` inside the
    /// measured window.
    fn count_down(&mut self, b: usize, from: f64, to: f64) {
        let h = to.min(self.end) - from.max(self.warm_end);
        if h > 0.0 {
            self.c.down_h[b] += h;
        }
    }

    /// A node is back in service: its free servers start the convoys waiting.
    fn restart_node(&mut self, s: &mut Scheduler<Ev>, n: NodeId) {
        let now = s.now();
        let r = self.plan.node_rate_teu_h[n.idx()].expect("a node server has a rate");
        let started = self.nodes[n.idx()].as_mut().expect("server").repair(now);
        for c in started {
            let teu = self.convoy_teu(c);
            let q = &mut self.node_queued[n.idx()];
            q.0 -= teu;
            q.1.set(now, q.0);
            s.after(teu / r, Ev::NodeDone(c));
        }
    }

    /// A convoy with no units, from the free list when one is there.
    fn new_convoy(&mut self) -> u32 {
        match self.free_convoys.pop() {
            Some(c) => c,
            None => {
                self.convoys.push(Convoy::default());
                (self.convoys.len() - 1) as u32
            }
        }
    }

    fn free_convoy(&mut self, c: u32) {
        self.convoys[c as usize].units.clear();
        self.free_convoys.push(c);
    }

    /// TEU-equivalents in a convoy.
    fn convoy_teu(&self, c: u32) -> f64 {
        let input = &self.plan.input;
        self.convoys[c as usize]
            .units
            .iter()
            .map(|u| u.size(input))
            .sum()
    }

    /// What `unit` does next at the node it has reached.
    #[inline]
    fn step(&self, unit: &Unit) -> Step {
        match self.plan.paths[unit.path as usize]
            .legs
            .get(unit.leg as usize)
        {
            None => Step::Deliver,
            Some(l) => match l.queue {
                Some(q) => Step::Queue(q),
                None => Step::Ride(l.link),
            },
        }
    }

    /// The convoy's current leg (the same link for all its units) ends at `t`: count the
    /// crossing, advance its units, and schedule what happens at the next node (the node's
    /// server, or after the node's dwell, the units' next steps).
    fn end_leg(&mut self, s: &mut Scheduler<Ev>, c: u32, t: f64) {
        let plan = self.plan;
        let first = self.convoys[c as usize].units[0];
        let leg = &plan.paths[first.path as usize].legs[first.leg as usize];
        // Crossings count when the leg ends inside the measured window (a chained leg may
        // end after the horizon).
        if t >= self.warm_end && t < self.end {
            let m = self.month0(t);
            let (mut teu, mut wagons, mut containers) = (0.0, 0.0, 0.0);
            for u in &self.convoys[c as usize].units {
                teu += u.size(&plan.input);
                if u.wagon {
                    wagons += 1.0;
                } else {
                    containers += 1.0;
                }
            }
            self.c.link_through[leg.link.idx()][m] += teu;
            if leg.mode == Mode::CaspianFerry {
                self.c.caspian_tonnes += wagons * plan.input.params.tonnes_per_wagon
                    + containers * FEU_TEU * plan.net.meta.tonnes_per_teu.value.0;
                self.c.caspian_teu += containers * FEU_TEU;
            }
            if Some(leg.link) == self.brest_link {
                self.c.northern_teu += containers * FEU_TEU;
            }
        }
        let head = leg.head;
        for u in &mut self.convoys[c as usize].units {
            u.leg += 1;
        }
        if plan.node_rate_teu_h[head.idx()].is_some() {
            s.at(t, Ev::Arrive(c));
            return;
        }
        let d = self.dwell(head);
        self.next_steps(s, c, t + d);
    }

    /// The convoy is ready at its node at `t` for its units' next steps. Units whose next
    /// step differs from the first unit's leave in convoys of their own. A convoy that
    /// rides on (a leg without a timetable) is followed to the end of that leg at once:
    /// nothing on such a leg depends on the simulation state, so its next event is where
    /// it next meets the state (a server, a queue, delivery).
    fn next_steps(&mut self, s: &mut Scheduler<Ev>, c: u32, t: f64) {
        let step = self.step(&self.convoys[c as usize].units[0]);
        let parts = self.convoys[c as usize]
            .units
            .iter()
            .any(|u| self.step(u) != step);
        if parts {
            let other = self.new_convoy();
            let mut stay = std::mem::take(&mut self.convoys[c as usize].units);
            let mut leave = std::mem::take(&mut self.convoys[other as usize].units);
            stay.retain(|u| {
                let keep = self.step(u) == step;
                if !keep {
                    leave.push(*u);
                }
                keep
            });
            self.convoys[c as usize].units = stay;
            self.convoys[other as usize].units = leave;
            self.next_steps(s, other, t);
        }
        match step {
            Step::Deliver | Step::Queue(_) => s.at(t, Ev::Ready(c)),
            Step::Ride(_) => {
                let first = self.convoys[c as usize].units[0];
                let leg = &self.plan.paths[first.path as usize].legs[first.leg as usize];
                let dt = leg.time.sample(self.rng_time.uniform());
                self.end_leg(s, c, t + dt);
            }
        }
    }

    /// Calendar month of `t`, 0 for January: `Instant::month` through a table of the run's
    /// days (the same day arithmetic, without the civil-calendar conversion per event).
    #[inline]
    fn month0(&self, t: f64) -> usize {
        let d = (t / 24.0).floor() as i64 - self.plan.day0;
        match usize::try_from(d)
            .ok()
            .and_then(|d| self.plan.month_of_day.get(d))
        {
            Some(&m) => m as usize,
            None => (Instant(t).month() - 1) as usize,
        }
    }

    /// Schedule flow `f`'s next arrival candidate after `from`, if inside the run.
    fn next_candidate(&mut self, s: &mut Scheduler<Ev>, f: u32, from: f64) {
        let t = from + self.rng_demand.exp_mean(self.plan.arrivals[f as usize].0);
        if t < self.end {
            s.at(t, Ev::Gen(f));
        }
    }

    fn dwell(&mut self, node: NodeId) -> f64 {
        match &self.plan.dwell[node.idx()] {
            Some(d) => d.sample(self.rng_dwell.uniform()),
            None => 0.0,
        }
    }

    fn try_depart(&mut self, s: &mut Scheduler<Ev>, q: u32) {
        let spec = &self.plan.queues[q as usize];
        if spec.weather.is_some_and(|w| self.closed[w]) || self.queue_down[q as usize] > 0 {
            return;
        }
        let now = s.now();
        loop {
            let st = &mut self.queues[q as usize];
            let Some(&slot) = st.berth.front() else {
                return;
            };
            let full = st.queued >= spec.cap_teu;
            let due = !spec.when_full || now >= slot + spec.max_hold_h;
            if !(full || due) {
                return;
            }
            st.berth.pop_front();
            st.sailings += 1;
            // Board first come, first served while the next unit fits; everyone on board
            // leaves as one convoy. A block train runs one route: the longest-waiting
            // unit's, and it takes that route's units in their order of arrival.
            let mut load = 0.0;
            let route = st.waiting.front().map(|w| w.0.path);
            let convoy = self.new_convoy();
            let boards = |u: &Unit| !spec.block || Some(u.path) == route;
            // Scan the queue's head: every unit before `i` that `boards` is on board.
            let mut i = 0;
            loop {
                let st = &mut self.queues[q as usize];
                let Some(&(unit, since)) = st.waiting.get(i) else {
                    break;
                };
                if !boards(&unit) {
                    i += 1;
                    continue;
                }
                let size = unit.size(&self.plan.input);
                if load + size > spec.cap_teu + 1e-9 {
                    break;
                }
                load += size;
                i += 1;
                st.queued -= size;
                st.wait.add(now - since);
                st.teu_carried += size;
                if now >= self.warm_end {
                    let m = self.month0(now);
                    self.c.through[q as usize][m] += size;
                }
                self.convoys[convoy as usize].units.push(unit);
            }
            // Close the gaps the boarded units left in the scanned head, keeping the order
            // of those left behind: one pass over the head, whatever the queue's length.
            let st = &mut self.queues[q as usize];
            let mut w = i;
            for j in (0..i).rev() {
                if !boards(&st.waiting[j].0) {
                    w -= 1;
                    st.waiting[w] = st.waiting[j];
                }
            }
            st.waiting.drain(..w);
            match self.convoys[convoy as usize].units.first() {
                Some(first) => {
                    // One draw per departure: everyone on board arrives together.
                    let leg = &self.plan.paths[first.path as usize].legs[first.leg as usize];
                    let t = leg.time.sample(self.rng_time.uniform());
                    self.end_leg(s, convoy, now + t);
                }
                None => self.free_convoy(convoy),
            }
            let st = &mut self.queues[q as usize];
            st.queued_teu.set(now, st.queued);
        }
    }
}

impl Model for Sim<'_, '_> {
    type Event = Ev;
    fn handle(&mut self, s: &mut Scheduler<Ev>, ev: Ev) {
        let now = s.now();
        let plan = self.plan;
        match ev {
            Ev::Gen(f) => {
                let flow = &plan.input.params.flows[f as usize];
                // Seasonal demand by thinning: candidates come at the peak month's rate and
                // are kept with probability (this month's factor / peak factor). A flat
                // profile draws nothing here, so it reproduces the unthinned stream.
                let peak = plan.arrivals[f as usize].1;
                let factor = season(flow, &plan.input)[self.month0(now)];
                if factor < peak && self.rng_demand.uniform() * peak >= factor {
                    self.next_candidate(s, f, now);
                    return;
                }
                let r = self.rng_demand.uniform();
                let path = plan.choices[f as usize]
                    .iter()
                    .find(|c| r <= c.1)
                    .map(|c| c.0)
                    .unwrap_or(plan.choices[f as usize][0].0);
                let wagon = flow.is_wagonload();
                let unit = Unit {
                    path: path as u32,
                    leg: 0,
                    wagon,
                    created: now,
                };
                self.c.generated += 1;
                self.c.in_system_teu += unit.size(&plan.input);
                let d = self.dwell(flow.from);
                s.after(d, Ev::Start(unit));
                self.next_candidate(s, f, now);
            }
            Ev::Start(unit) => match self.step(&unit) {
                Step::Queue(q) => self.join_queue(s, q, unit),
                _ => {
                    let c = self.new_convoy();
                    self.convoys[c as usize].units.push(unit);
                    self.next_steps(s, c, now);
                }
            },
            Ev::Ready(c) => {
                // Every unit of the convoy has the same next step (see `next_steps`).
                let units = std::mem::take(&mut self.convoys[c as usize].units);
                match self.step(&units[0]) {
                    Step::Deliver => {
                        for u in &units {
                            self.deliver(now, u);
                        }
                    }
                    Step::Queue(q) => {
                        for u in &units {
                            self.join_queue(s, q, *u);
                        }
                    }
                    Step::Ride(_) => unreachable!("a riding convoy is followed at once"),
                }
                self.convoys[c as usize].units = units;
                self.free_convoy(c);
            }
            Ev::Arrive(c) => {
                // Only legs that end at a capacity-limited node have an arrival event: the
                // convoy joins the node's queue (the leg was already counted and advanced)
                // and is served as one, for its TEU-equivalents at the node's rate.
                let head = plan.node_of(self.convoys[c as usize].units[0]);
                let r =
                    plan.node_rate_teu_h[head.idx()].expect("arrival events only at server nodes");
                let teu = self.convoy_teu(c);
                match self.nodes[head.idx()]
                    .as_mut()
                    .expect("server")
                    .arrive(now, c)
                {
                    Some(x) => s.after(teu / r, Ev::NodeDone(x)),
                    None => {
                        let q = &mut self.node_queued[head.idx()];
                        q.0 += teu;
                        q.1.set(now, q.0);
                    }
                }
            }
            Ev::NodeDone(c) => {
                let node = plan.node_of(self.convoys[c as usize].units[0]).0;
                let r = plan.node_rate_teu_h[node as usize].expect("a node server has a rate");
                if now >= self.warm_end {
                    let m = self.month0(now);
                    self.c.through[plan.queues.len() + node as usize][m] += self.convoy_teu(c);
                    self.c.node_convoys[node as usize] += 1;
                }
                if let Some(next) = self.nodes[node as usize]
                    .as_mut()
                    .expect("server")
                    .finish(now)
                {
                    let size = self.convoy_teu(next);
                    let q = &mut self.node_queued[node as usize];
                    q.0 -= size;
                    q.1.set(now, q.0);
                    s.after(size / r, Ev::NodeDone(next));
                }
                let d = self.dwell(NodeId(node));
                self.next_steps(s, c, now + d);
            }
            Ev::Slot(q) => {
                let spec = &plan.queues[q as usize];
                // A service out of service loses its departures (weather only delays them:
                // the vessels wait in port).
                if self.queue_down[q as usize] == 0 {
                    self.queues[q as usize].berth.push_back(now);
                }
                let next = Instant(now + 1e-6).next_departure(&spec.schedule).0;
                if next < self.end {
                    s.at(next, Ev::Slot(q));
                }
                if spec.when_full && spec.max_hold_h > 0.0 {
                    s.after(spec.max_hold_h, Ev::Hold(q));
                }
                self.try_depart(s, q);
            }
            Ev::Hold(q) => self.try_depart(s, q),
            Ev::WxToggle(a) => {
                let a = a as usize;
                let w: &Weather = &plan.input.params.weather[a];
                if self.closed[a] {
                    self.closed[a] = false;
                    for q in 0..plan.queues.len() {
                        if plan.queues[q].weather == Some(a) {
                            self.try_depart(s, q as u32);
                        }
                    }
                    self.schedule_open_spell(s, a, w);
                } else {
                    self.closed[a] = true;
                    let d = plan.weather[a].episode.sample(self.rng_weather.uniform());
                    s.after(d, Ev::WxToggle(a as u32));
                }
            }
            Ev::Fail(b) => {
                let out = &plan.outages[b as usize];
                self.down_since[b as usize] = now;
                if now >= self.warm_end {
                    self.c.failures[b as usize] += 1;
                }
                if let Some(n) = out.node {
                    self.nodes[n.idx()].as_mut().expect("server").fail();
                }
                for &q in &out.queues {
                    self.queue_down[q as usize] += 1;
                    // Departures waiting to fill are cancelled too.
                    self.queues[q as usize].berth.clear();
                }
                let d = out.repair.sample(self.rng_breakdown.uniform());
                s.after(d, Ev::Repair(b));
            }
            Ev::Repair(b) => {
                let out = &plan.outages[b as usize];
                let since = std::mem::replace(&mut self.down_since[b as usize], f64::NAN);
                self.count_down(b as usize, since, now);
                if let Some(n) = out.node {
                    self.restart_node(s, n);
                }
                for &q in &out.queues {
                    self.queue_down[q as usize] -= 1;
                    self.try_depart(s, q);
                }
                self.next_failure(s, b as usize, now);
            }
            Ev::WxCheck(a) => {
                let w = &plan.input.params.weather[a as usize];
                self.schedule_open_spell(s, a as usize, w);
            }
            Ev::WarmEnd => {
                // Statistics of queues and servers cover the measured period only.
                for q in &mut self.queues {
                    q.queued_teu.reset(now);
                    q.wait = Default::default();
                    q.sailings = 0;
                    q.teu_carried = 0.0;
                }
                for srv in self.nodes.iter_mut().flatten() {
                    srv.queue_len.reset(now);
                    srv.busy_servers.reset(now);
                }
                for q in &mut self.node_queued {
                    q.1.reset(now);
                }
            }
            Ev::Sample => {
                if now >= self.warm_end {
                    self.c.backlog.push(self.c.in_system_teu);
                }
                if now + 24.0 < self.end {
                    s.after(24.0, Ev::Sample);
                }
            }
        }
    }
}

impl Sim<'_, '_> {
    /// An open spell whose mean makes the month's closed share come out right:
    /// mean open = mean closure × (1 − share) / share. A month without closures is open
    /// to its end, then checked again.
    fn schedule_open_spell(&mut self, s: &mut Scheduler<Ev>, a: usize, w: &Weather) {
        let now = s.now();
        let share = w.closed_share[self.month0(now)];
        if share <= 0.0 {
            let t = Instant(now).next_month_start().0;
            if t < self.end {
                s.at(t, Ev::WxCheck(a as u32));
            }
            return;
        }
        let mean_open = self.plan.weather[a].mean_closure_h * (1.0 - share) / share;
        let d = self.rng_weather.exp_mean(mean_open);
        let t = now + d;
        let month_end = Instant(now).next_month_start().0;
        if t > month_end {
            // The month's rate applies within the month: draw again at its end.
            if month_end < self.end {
                s.at(month_end, Ev::WxCheck(a as u32));
            }
        } else if t < self.end {
            s.at(t, Ev::WxToggle(a as u32));
        }
    }
}

/// Per queue: (mean TEU waiting, max TEU waiting, mean wait h, departures, TEU carried).
type QueueStats = (f64, f64, f64, u64, f64);

/// The counters a replication keeps while it runs and hands over at its end.
struct Counts {
    generated: u64,
    delivered: u64,
    /// TEU-equivalents in the system now.
    in_system_teu: f64,
    path_hist: Vec<Histogram>,
    corridor_hist: Vec<Histogram>,
    /// Containers delivered per corridor by calendar month, TEU.
    monthly_teu: Vec<[f64; 12]>,
    corridor_teu: Vec<f64>,
    corridor_tonnes: Vec<f64>,
    /// TEU (containers) or tonnes (wagonload) delivered per path.
    path_volume: Vec<f64>,
    /// TEU-equivalents in the system, daily.
    backlog: Vec<f64>,
    caspian_teu: f64,
    caspian_tonnes: f64,
    northern_teu: f64,
    /// TEU-equivalents through each resource by calendar month, measured period only:
    /// departure queues first, then nodes (offset by the number of queues).
    through: Vec<[f64; 12]>,
    /// TEU-equivalents over each link by calendar month of arrival, measured period only.
    link_through: Vec<[f64; 12]>,
    /// Convoys served at each node in the measured period (zero where there is no server).
    node_convoys: Vec<u64>,
    /// Per breakdown: failures starting in the measured period, and hours out of service in
    /// it.
    failures: Vec<u64>,
    down_h: Vec<f64>,
}

/// A monthly counter over replications: its yearly total (mean and interval over
/// replications) and its mean by month.
fn by_month<'r>(
    results: &'r [RepResult],
    get: impl Fn(&'r Counts) -> &'r [f64; 12],
) -> (Metric, [f64; 12]) {
    let mut monthly = [0.0; 12];
    for r in results {
        for (m, v) in get(&r.c).iter().enumerate() {
            monthly[m] += v / results.len() as f64;
        }
    }
    let totals: Vec<f64> = results.iter().map(|r| get(&r.c).iter().sum()).collect();
    (metric(&totals), monthly)
}

/// What the report needs of one replication's transit-time histogram (a histogram is
/// ~185 kB, so a replication keeps this instead: memory stays flat in the number of
/// replications).
#[derive(Clone, Copy)]
struct TransitSummary {
    n: u64,
    /// Mean, P50, P90, P95 and maximum, hours.
    stats: [f64; 5],
}

impl TransitSummary {
    fn of(h: &Histogram) -> TransitSummary {
        TransitSummary {
            n: h.count(),
            stats: [
                h.mean(),
                h.quantile(0.5),
                h.quantile(0.9),
                h.quantile(0.95),
                h.quantile(1.0),
            ],
        }
    }
}

/// Results of one replication (its histograms summarised, see `TransitSummary`).
pub struct RepResult {
    c: Counts,
    path_transit: Vec<TransitSummary>,
    corridor_transit: Vec<TransitSummary>,
    queues: Vec<QueueStats>,
    nodes: Vec<Option<(f64, f64, f64)>>,
    closed_days: Vec<f64>,
    events: u64,
}

fn replicate(plan: &Plan, seed: u64, rep: u64) -> RepResult {
    let inp = &plan.input;
    let end = inp.start + (inp.warmup_days + inp.days) * 24.0;
    let warm_end = inp.start + inp.warmup_days * 24.0;
    let nc = plan.net.corridors.len();
    let mut sim = Sim {
        plan,
        end,
        warm_end,
        rng_demand: Stream::new(seed, rep, 1),
        rng_time: Stream::new(seed, rep, 2),
        rng_dwell: Stream::new(seed, rep, 3),
        rng_weather: Stream::new(seed, rep, 4),
        rng_breakdown: Stream::new(seed, rep, 5),
        queue_down: vec![0; plan.queues.len()],
        down_since: vec![f64::NAN; inp.params.breakdowns.len()],
        queues: plan
            .queues
            .iter()
            .map(|_| QueueState {
                waiting: VecDeque::new(),
                berth: VecDeque::new(),
                queued_teu: TimeAverage::start(inp.start, 0.0),
                queued: 0.0,
                sailings: 0,
                teu_carried: 0.0,
                wait: Default::default(),
            })
            .collect(),
        nodes: plan
            .node_rate_teu_h
            .iter()
            .map(|r| r.map(|_| Servers::new(1, inp.start)))
            .collect(),
        node_queued: plan
            .node_rate_teu_h
            .iter()
            .map(|_| (0.0, TimeAverage::start(inp.start, 0.0)))
            .collect(),
        closed: vec![false; inp.params.weather.len()],
        brest_link: plan.net.link_by_key("L-BREST-MALASZEWICZE"),
        convoys: Vec::new(),
        free_convoys: Vec::new(),
        c: Counts {
            generated: 0,
            delivered: 0,
            path_hist: plan.paths.iter().map(|_| Histogram::new()).collect(),
            corridor_hist: (0..nc).map(|_| Histogram::new()).collect(),
            monthly_teu: vec![[0.0; 12]; nc],
            corridor_teu: vec![0.0; nc],
            corridor_tonnes: vec![0.0; nc],
            path_volume: vec![0.0; plan.paths.len()],
            in_system_teu: 0.0,
            backlog: Vec::new(),
            caspian_teu: 0.0,
            caspian_tonnes: 0.0,
            northern_teu: 0.0,
            through: vec![[0.0; 12]; plan.queues.len() + plan.node_rate_teu_h.len()],
            link_through: vec![[0.0; 12]; plan.net.links.len()],
            node_convoys: vec![0; plan.node_rate_teu_h.len()],
            failures: vec![0; inp.params.breakdowns.len()],
            down_h: vec![0.0; inp.params.breakdowns.len()],
        },
    };
    let mut s = Scheduler::new();
    let t0 = inp.start;
    for f in 0..inp.params.flows.len() {
        if plan.arrivals[f].0 > 0.0 {
            sim.next_candidate(&mut s, f as u32, t0);
        }
    }
    for (q, spec) in plan.queues.iter().enumerate() {
        s.at(
            Instant(t0).next_departure(&spec.schedule).0,
            Ev::Slot(q as u32),
        );
    }
    for a in 0..inp.params.weather.len() {
        s.at(t0, Ev::WxCheck(a as u32));
    }
    for b in 0..inp.params.breakdowns.len() {
        sim.next_failure(&mut s, b, t0);
    }
    s.at(warm_end, Ev::WarmEnd);
    s.at(warm_end, Ev::Sample);
    // Track closed time per area through the kernel's clock: sampled hourly would cost
    // events; instead integrate the closed flag between events.
    let mut closed_h = vec![0.0; inp.params.weather.len()];
    let mut last = t0;
    while let Some(t) = s.peek_time() {
        if t > end {
            break;
        }
        let (_, ev) = s.next().expect("peeked");
        if t > warm_end {
            let from = last.max(warm_end);
            for (a, c) in sim.closed.iter().enumerate() {
                if *c {
                    closed_h[a] += t - from;
                }
            }
        }
        last = t;
        sim.handle(&mut s, ev);
    }
    for b in 0..inp.params.breakdowns.len() {
        let since = sim.down_since[b];
        if !since.is_nan() {
            sim.count_down(b, since, end);
        }
    }
    let path_transit = sim.c.path_hist.iter().map(TransitSummary::of).collect();
    let corridor_transit = sim.c.corridor_hist.iter().map(TransitSummary::of).collect();
    sim.c.path_hist = Vec::new();
    sim.c.corridor_hist = Vec::new();
    RepResult {
        c: sim.c,
        path_transit,
        corridor_transit,
        queues: sim
            .queues
            .iter()
            .map(|q| {
                (
                    q.queued_teu.mean(end),
                    q.queued_teu.max,
                    q.wait.mean(),
                    q.sailings,
                    q.teu_carried,
                )
            })
            .collect(),
        nodes: sim
            .nodes
            .iter()
            .zip(&sim.node_queued)
            .map(|(n, q)| {
                n.as_ref()
                    .map(|srv| (srv.utilisation(end), q.1.mean(end), q.1.max))
            })
            .collect(),
        closed_days: closed_h.iter().map(|h| h / 24.0).collect(),
        events: s.processed(),
    }
}

/// A metric across replications.
#[derive(Clone, Debug, Serialize)]
pub struct Metric {
    /// Mean over replications.
    pub mean: f64,
    /// 95 % confidence interval of the mean.
    pub ci95: [f64; 2],
}

fn metric(xs: &[f64]) -> Metric {
    let Ci { mean, lo, hi } = ci(xs, 0.95);
    Metric {
        mean,
        ci95: [lo, hi],
    }
}

/// Transit times of a corridor or an origin–destination pair, days.
#[derive(Clone, Debug, Serialize)]
pub struct Transit {
    /// Corridor key.
    pub corridor: String,
    /// Origin (for per-pair rows).
    pub from: Option<String>,
    /// Destination (for per-pair rows).
    pub to: Option<String>,
    /// Containers delivered per replication (measured period), TEU.
    pub teu_delivered: Metric,
    /// Wagonload cargo delivered per replication (measured period), tonnes.
    pub tonnes_delivered: Metric,
    /// Mean door-to-door days.
    pub mean_days: Metric,
    /// Median.
    pub p50_days: Metric,
    /// 90th percentile.
    pub p90_days: Metric,
    /// 95th percentile.
    pub p95_days: Metric,
    /// Largest in any replication.
    pub max_days: f64,
    /// Planned (median-chain) days of the route, for comparison.
    pub planned_days: Option<f64>,
    /// For per-route rows: the route's capacity-limited nodes and timetabled services, in
    /// order, joined by ` + `.
    pub via: Option<String>,
    /// Delivered TEU per calendar month (mean over replications).
    pub monthly_teu: Option<[f64; 12]>,
}

/// Traffic over one link.
#[derive(Clone, Debug, Serialize)]
pub struct LinkFlow {
    /// Link id.
    pub link: String,
    /// From node id.
    pub from: String,
    /// To node id.
    pub to: String,
    /// Mode.
    pub mode: String,
    /// TEU-equivalents arriving over the link in the measured period, per replication
    /// (a wagon counts `teu_per_wagon`).
    pub throughput_teu: Metric,
    /// The same by calendar month of arrival, January to December (mean over replications).
    pub monthly_teu: [f64; 12],
}

/// A queue or a capacity-limited node.
#[derive(Clone, Debug, Serialize)]
pub struct Resource {
    /// Service or node id.
    pub name: String,
    /// `departures` or `node`.
    pub kind: String,
    /// Busy share (nodes) or share of departure capacity used (departures).
    pub utilisation: Metric,
    /// Time-average TEU waiting.
    pub mean_queue_teu: Metric,
    /// Largest TEU waiting in any replication.
    pub max_queue_teu: f64,
    /// Mean wait, hours: for a departure (departures), or before service (nodes, by
    /// Little's law from the mean queue and the throughput).
    pub mean_wait_h: Option<Metric>,
    /// Utilisation × mean wait, the bottleneck score.
    pub score: f64,
    /// TEU-equivalents through the resource in the measured period, per replication
    /// (boarded on departures, served at nodes; a wagon counts `teu_per_wagon`).
    pub throughput_teu: Metric,
    /// The same by calendar month, January to December (mean over replications).
    pub monthly_teu: [f64; 12],
    /// Batches in the measured period, per replication: departures (departures), or
    /// convoys served (nodes: a block train, or the load of one sailing, is served as one).
    pub batches: Metric,
}

/// What one `[[breakdown]]` did in the measured period, per replication.
#[derive(Clone, Debug, Serialize)]
pub struct BreakdownStats {
    /// Node or service id.
    pub target: String,
    /// Failures.
    pub failures: Metric,
    /// Days out of service.
    pub down_days: Metric,
}

/// Simulated against observed.
#[derive(Clone, Debug, Serialize)]
pub struct Calibration {
    /// What is compared.
    pub metric: String,
    /// Published figure.
    pub observed: f64,
    /// Its source.
    pub source: String,
    /// Simulated (mean over replications, scaled to a year).
    pub simulated: Metric,
    /// (simulated − observed) / observed.
    pub relative_error: f64,
}

/// The whole result of a Monte Carlo run.
#[derive(Clone, Debug, Serialize)]
pub struct Report {
    /// Replications.
    pub replications: u64,
    /// Seed.
    pub seed: u64,
    /// Simulated days after warm-up.
    pub days: f64,
    /// Warm-up days.
    pub warmup_days: f64,
    /// Units (FEU containers and wagons) generated, summed over replications.
    pub generated: u64,
    /// Units delivered by the end, summed.
    pub delivered: u64,
    /// Units still in the system at the end, summed.
    pub in_system: u64,
    /// Units still in the system at the end, TEU-equivalent per replication (a wagon
    /// counts `teu_per_wagon`).
    pub undelivered_teu: Metric,
    /// How each flow was split over corridors.
    pub route_choice: Vec<FlowShares>,
    /// Per corridor.
    pub corridors: Vec<Transit>,
    /// Per origin–destination pair and corridor.
    pub od: Vec<Transit>,
    /// Queues and capacity-limited nodes, worst first.
    pub resources: Vec<Resource>,
    /// The five worst resources by utilisation × queueing delay.
    pub bottlenecks: Vec<String>,
    /// Links that carried anything, busiest first.
    pub links: Vec<LinkFlow>,
    /// TEU in the system, daily, mean over replications.
    pub backlog_teu: Vec<f64>,
    /// Closed days per weather area (mean).
    pub weather_closed_days: Vec<(String, f64)>,
    /// Random breakdowns of nodes and services, per `[[breakdown]]` of `simulation.toml`.
    pub breakdowns: Vec<BreakdownStats>,
    /// Simulated against published volumes.
    pub calibration: Vec<Calibration>,
    /// Events processed, summed.
    pub events: u64,
}

/// Run `reps` replications (in parallel on the current rayon pool) and aggregate.
/// `progress` is called with the number of finished replications.
pub fn run(plan: &Plan, seed: u64, reps: u64, progress: &(dyn Fn(u64) + Sync)) -> Report {
    let done = std::sync::atomic::AtomicU64::new(0);
    let results: Vec<RepResult> = (0..reps)
        .into_par_iter()
        .map(|r| {
            let x = replicate(plan, seed, r);
            let n = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
            progress(n);
            x
        })
        .collect();
    let net = plan.net;
    let year_scale = 365.0 / plan.input.days;
    let days = |h: f64| h / 24.0;
    // One figure of each replication, as a mean with its interval.
    let across = |f: &dyn Fn(&RepResult) -> f64| metric(&results.iter().map(f).collect::<Vec<_>>());
    let transit = |get: &dyn Fn(&RepResult) -> &TransitSummary| {
        let q = |i: usize| {
            metric(
                &results
                    .iter()
                    .map(|r| days(get(r).stats[i]))
                    .filter(|x| x.is_finite())
                    .collect::<Vec<_>>(),
            )
        };
        let max = results
            .iter()
            .map(|r| days(get(r).stats[4]))
            .filter(|x| x.is_finite())
            .fold(0.0, f64::max);
        (q(0), q(1), q(2), q(3), max)
    };
    let mut corridors = Vec::new();
    for (k, c) in net.corridors.iter().enumerate() {
        if results.iter().all(|r| r.corridor_transit[k].n == 0) {
            continue;
        }
        let (mean_days, p50_days, p90_days, p95_days, max_days) =
            transit(&|r| &r.corridor_transit[k]);
        let teu_delivered = across(&|r| r.c.corridor_teu[k]);
        let tonnes_delivered = across(&|r| r.c.corridor_tonnes[k]);
        let (_, monthly) = by_month(&results, |c| &c.monthly_teu[k]);
        corridors.push(Transit {
            corridor: c.key.clone(),
            from: None,
            to: None,
            teu_delivered,
            tonnes_delivered,
            mean_days,
            p50_days,
            p90_days,
            p95_days,
            max_days,
            planned_days: None,
            via: None,
            monthly_teu: Some(monthly),
        });
    }
    let mut od = Vec::new();
    for (pi, p) in plan.paths.iter().enumerate() {
        if results.iter().all(|r| r.path_transit[pi].n == 0) {
            continue;
        }
        let (mean_days, p50_days, p90_days, p95_days, max_days) = transit(&|r| &r.path_transit[pi]);
        let f = &plan.input.params.flows[p.flow];
        let volume = across(&|r| r.c.path_volume[pi]);
        let none = Metric {
            mean: 0.0,
            ci95: [0.0, 0.0],
        };
        let (teu_delivered, tonnes_delivered) = if f.is_wagonload() {
            (none, volume)
        } else {
            (volume, none)
        };
        od.push(Transit {
            corridor: p
                .corridor
                .map(|c| net.corridors[c.0 as usize].key.clone())
                .unwrap_or_else(|| "mixed".into()),
            from: Some(net.node(f.from).key.clone()),
            to: Some(net.node(f.to).key.clone()),
            teu_delivered,
            tonnes_delivered,
            mean_days,
            p50_days,
            p90_days,
            p95_days,
            max_days,
            planned_days: Some((p.planned_days * 100.0).round() / 100.0),
            via: Some(p.via.clone()),
            monthly_teu: None,
        });
    }
    let mut resources = Vec::new();
    let through = |i: usize| by_month(&results, |c| &c.through[i]);
    for (q, spec) in plan.queues.iter().enumerate() {
        let per = |f: &dyn Fn(&QueueStats) -> f64| {
            results.iter().map(|r| f(&r.queues[q])).collect::<Vec<_>>()
        };
        let util = per(&|x| {
            if x.3 > 0 {
                x.4 / (x.3 as f64 * spec.cap_teu)
            } else {
                0.0
            }
        });
        let wait = per(&|x| if x.2.is_finite() { x.2 } else { 0.0 });
        let qm = per(&|x| x.0);
        let u = metric(&util);
        let w = metric(&wait);
        let (throughput_teu, monthly_teu) = through(q);
        resources.push(Resource {
            throughput_teu,
            monthly_teu,
            name: spec.name.clone(),
            kind: "departures".into(),
            score: u.mean * w.mean,
            utilisation: u,
            mean_queue_teu: metric(&qm),
            max_queue_teu: per(&|x| x.1).into_iter().fold(0.0, f64::max),
            mean_wait_h: Some(w),
            batches: metric(&per(&|x| x.3 as f64)),
        });
    }
    for (ni, rate) in plan.node_rate_teu_h.iter().enumerate() {
        if rate.is_none() {
            continue;
        }
        let get = |i: usize| {
            results
                .iter()
                .map(|r| r.nodes[ni].map(|x| [x.0, x.1, x.2][i]).unwrap_or(0.0))
                .collect::<Vec<_>>()
        };
        let u = metric(&get(0));
        let qm = metric(&get(1));
        // Mean wait before service by Little's law, per replication: TEU waiting on average
        // over TEU served per hour.
        let hours = plan.input.days * 24.0;
        let waits: Vec<f64> = results
            .iter()
            .zip(get(1))
            .map(|(r, q)| {
                let served = r.c.through[plan.queues.len() + ni].iter().sum::<f64>() / hours;
                if served > 0.0 { q / served } else { 0.0 }
            })
            .collect();
        let w = metric(&waits);
        let (throughput_teu, monthly_teu) = through(plan.queues.len() + ni);
        resources.push(Resource {
            throughput_teu,
            monthly_teu,
            name: net.nodes[ni].key.clone(),
            kind: "node".into(),
            score: u.mean * w.mean,
            utilisation: u,
            mean_queue_teu: qm,
            max_queue_teu: get(2).into_iter().fold(0.0, f64::max),
            mean_wait_h: Some(w),
            batches: across(&|r| r.c.node_convoys[ni] as f64),
        });
    }
    resources.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then(b.utilisation.mean.total_cmp(&a.utilisation.mean))
    });
    let bottlenecks = resources
        .iter()
        .filter(|r| r.score > 0.0)
        .take(5)
        .map(|r| {
            format!(
                "{} ({}): utilisation {:.0} %, mean queue {:.0} TEU",
                r.name,
                r.kind,
                r.utilisation.mean * 100.0,
                r.mean_queue_teu.mean
            )
        })
        .collect();
    let mut links: Vec<LinkFlow> = (0..net.links.len())
        .filter(|&l| {
            results
                .iter()
                .any(|r| r.c.link_through[l].iter().any(|&v| v > 0.0))
        })
        .map(|l| {
            let link = &net.links[l];
            let (throughput_teu, monthly_teu) = by_month(&results, |c| &c.link_through[l]);
            LinkFlow {
                link: link.key.clone(),
                from: net.node(link.from).key.clone(),
                to: net.node(link.to).key.clone(),
                mode: link.mode.to_string(),
                throughput_teu,
                monthly_teu,
            }
        })
        .collect();
    links.sort_by(|a, b| {
        b.throughput_teu
            .mean
            .total_cmp(&a.throughput_teu.mean)
            .then(a.link.cmp(&b.link))
    });
    let ndays = results.iter().map(|r| r.c.backlog.len()).min().unwrap_or(0);
    let backlog_teu = (0..ndays)
        .map(|d| results.iter().map(|r| r.c.backlog[d]).sum::<f64>() / reps as f64)
        .collect();
    let mut calibration = Vec::new();
    let cas: Vec<f64> = results
        .iter()
        .map(|r| r.c.caspian_teu * year_scale)
        .collect();
    let cas_t: Vec<f64> = results
        .iter()
        .map(|r| r.c.caspian_tonnes * year_scale)
        .collect();
    let nor: Vec<f64> = results
        .iter()
        .map(|r| r.c.northern_teu * year_scale)
        .collect();
    for (name, obs, src, xs) in [
        (
            "Middle Corridor containers across the Caspian, TEU per year (2024)",
            56_500.0,
            "S10",
            cas,
        ),
        (
            "Middle Corridor cargo across the Caspian (containers at tonnes_per_teu, and wagonload), tonnes per year (2024)",
            3_300_000.0,
            "S10",
            cas_t,
        ),
        (
            "Northern route China→Europe containers across Brest–Małaszewicze, TEU per year (2024)",
            412_000.0,
            "S31",
            nor,
        ),
    ] {
        let m = metric(&xs);
        if m.mean > 0.0 {
            calibration.push(Calibration {
                metric: name.into(),
                observed: obs,
                source: src.into(),
                relative_error: (m.mean - obs) / obs,
                simulated: m,
            });
        }
    }
    let generated = results.iter().map(|r| r.c.generated).sum();
    let delivered = results.iter().map(|r| r.c.delivered).sum();
    let report = Report {
        replications: reps,
        seed,
        days: plan.input.days,
        warmup_days: plan.input.warmup_days,
        generated,
        delivered,
        in_system: generated - delivered,
        undelivered_teu: across(&|r| r.c.in_system_teu),
        route_choice: plan.shares.clone(),
        corridors,
        od,
        resources,
        bottlenecks,
        links,
        backlog_teu,
        weather_closed_days: plan
            .input
            .params
            .weather
            .iter()
            .enumerate()
            .map(|(a, w)| {
                (
                    w.mode.to_string(),
                    results.iter().map(|r| r.closed_days[a]).sum::<f64>() / reps as f64,
                )
            })
            .collect(),
        breakdowns: plan
            .input
            .params
            .breakdowns
            .iter()
            .enumerate()
            .map(|(b, bd)| BreakdownStats {
                target: bd.target.clone(),
                failures: across(&|r| r.c.failures[b] as f64),
                down_days: across(&|r| r.c.down_h[b] / 24.0),
            })
            .collect(),
        calibration,
        events: results.iter().map(|r| r.events).sum(),
    };
    // The Architecture Invariant: a network that loads gives only finite figures.
    debug_assert!(
        corridor_model::finite::check(&report).is_ok(),
        "non-finite report figure: {}",
        corridor_model::finite::check(&report).unwrap_err()
    );
    report
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ops_input::{self, OpsInput};

    #[test]
    fn wagons_never_board_container_feeders_or_liners() {
        let net = corridor_model::embedded::network().unwrap();
        let parsed = ops_input::parse(
            &net,
            "simulation.toml",
            ops_input::DEFAULT_SIMULATION,
            "demand.csv",
            ops_input::DEFAULT_DEMAND,
        )
        .unwrap();
        let input = OpsInput::from_parsed(
            parsed,
            1.0,
            Instant::from_civil(2024, 1, 1, 0.0).0,
            30.0,
            1.0,
        );
        let plan = Plan::new(&net, input).unwrap();
        let container_only: Vec<&str> = net
            .services
            .iter()
            .filter(|s| matches!(s.kind, ServiceKind::Feeder | ServiceKind::Liner))
            .map(|s| s.key.as_str())
            .collect();
        assert!(!container_only.is_empty());
        let mut wagon_paths = 0;
        let mut container_on_feeder = false;
        for p in &plan.paths {
            let wagon = plan.input.params.flows[p.flow].is_wagonload();
            wagon_paths += wagon as usize;
            for leg in &p.legs {
                let Some(q) = leg.queue else { continue };
                let name = &plan.queues[q as usize].name;
                let feeder = container_only.iter().any(|k| name.starts_with(k));
                assert!(!(wagon && feeder), "wagonload path boards {name}");
                container_on_feeder |= !wagon && feeder;
            }
        }
        assert!(wagon_paths > 0, "the default demand has wagonload flows");
        assert!(container_on_feeder, "containers still may use the feeders");
    }
}
