//! From search labels to routes people read: legs with times, costs, emissions and the
//! sources of each figure; P50/P90/P95 door-to-door times by Monte Carlo over the route's
//! distributions and timetables; the corridor a route belongs to; ranking; comparison of
//! corridors.

pub use crate::compare::{Alternative, CompareRow, compare};
use crate::graph::{Board, Graph};
pub use crate::noroute::{NoRoute, explain_no_route, no_route};
use crate::places::{Place, significant};
use crate::quote::{CostCategory, CostLine, quote};
use crate::search::{Constraints, Label, ParetoResult, Shipment, pareto};
use crate::time::Instant;
use corridor_model::Network;
use corridor_model::dist::Sampler;
use corridor_model::network::{CorridorSet, DepartureRule, Direction, Mode, NodeKind};
use serde::Serialize;

/// Monte Carlo settings for route time quantiles.
#[derive(Clone, Copy, Debug)]
pub struct Sampling {
    /// Number of simulated journeys per route.
    pub samples: usize,
    /// Seed of the random stream (results are identical for the same seed).
    pub seed: u64,
}

impl Default for Sampling {
    fn default() -> Self {
        Sampling {
            samples: 4000,
            seed: 20_260_303,
        }
    }
}

/// A generalised cost in USD: price + value of time × TEU × door-to-door days + carbon price
/// × t CO2e (well-to-wheel). The defaults are the simulation's route choice's
/// (`[choice]` of simulation.toml, source E-LOGIT): 60 USD per TEU-day, no carbon price.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Generalised {
    /// Value of time, USD per TEU and day.
    pub usd_per_teu_day: f64,
    /// Carbon price, USD per tonne of CO2e (well-to-wheel).
    pub usd_per_t_co2e: f64,
}

impl Generalised {
    /// The simulation's route-choice parameters (E-LOGIT).
    pub const DEFAULT: Generalised = Generalised {
        usd_per_teu_day: 60.0,
        usd_per_t_co2e: 0.0,
    };

    /// The generalised cost, USD, of a route of `cost` USD taking `days` and emitting `kg`
    /// of CO2e for `teu` TEU.
    pub fn usd(&self, cost: f64, days: f64, kg: f64, teu: f64) -> f64 {
        cost + self.usd_per_teu_day * teu * days + self.usd_per_t_co2e * kg / 1000.0
    }
}

/// How to order the Pareto-optimal routes: a generalised cost in USD (`balanced`), or
/// weights on time, cost and CO2e applied to the criteria scaled to [0, 1] across the
/// routes compared (`time`, `cost`, `co2`, explicit `--weights`).
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Weights {
    /// Weight of door-to-door time.
    pub time: f64,
    /// Weight of cost.
    pub cost: f64,
    /// Weight of well-to-wheel CO2e.
    pub co2: f64,
    /// If set, routes are ranked by this generalised cost and the weights are not used.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub generalised: Option<Generalised>,
}

impl Weights {
    /// Equal weights on the scaled criteria: how the simulation enumerates a flow's
    /// candidate routes (its logit then chooses among them by generalised cost).
    pub const EVEN: Weights = Weights {
        time: 1.0,
        cost: 1.0,
        co2: 1.0,
        generalised: None,
    };

    /// Weights on the scaled criteria.
    pub fn scaled(time: f64, cost: f64, co2: f64) -> Weights {
        Weights {
            time,
            cost,
            co2,
            generalised: None,
        }
    }

    /// Named preferences: `time`, `cost`, `co2`, and `balanced` (the generalised cost with
    /// the simulation's value of time and carbon price).
    pub fn preset(name: &str) -> Option<Weights> {
        Some(match name {
            "time" => Weights::scaled(1.0, 0.001, 0.001),
            "cost" => Weights::scaled(0.001, 1.0, 0.001),
            "co2" => Weights::scaled(0.001, 0.001, 1.0),
            "balanced" => Weights {
                generalised: Some(Generalised::DEFAULT),
                ..Weights::EVEN
            },
            _ => return None,
        })
    }
}

/// Where a figure of a leg comes from (source ids of the dataset).
#[derive(Clone, Debug, Default, Serialize)]
pub struct LegSources {
    /// Distance.
    pub distance: Vec<String>,
    /// Travel time.
    pub time: Vec<String>,
    /// Timetable of the service, if any.
    pub schedule: Vec<String>,
    /// Dwell at the arrival node.
    pub dwell: Vec<String>,
    /// Tariff.
    pub tariff: Vec<String>,
    /// Emission intensity (well-to-wheel).
    pub emissions: Vec<String>,
}

/// One leg of a route: one link, travelled by one service or continuously.
#[derive(Clone, Debug, Serialize)]
pub struct Leg {
    /// Node left (id).
    pub from: String,
    /// Node reached (id).
    pub to: String,
    /// Names of the two nodes.
    pub from_name: String,
    /// Name of the node reached.
    pub to_name: String,
    /// Link id.
    pub link: String,
    /// Mode.
    pub mode: String,
    /// Rail gauge in mm, for rail legs.
    pub gauge: Option<String>,
    /// Service used, if the link is timetabled.
    pub service: Option<String>,
    /// Countries crossed, ISO 3166-1 alpha-2, in travel order.
    pub countries: Vec<String>,
    /// Sea passages used, in travel order.
    pub passages: Vec<String>,
    /// Ready to leave (after the previous node's dwell), ISO 8601.
    pub ready: String,
    /// Departure, ISO 8601.
    pub departure: String,
    /// Arrival at `to`, before its dwell, ISO 8601.
    pub arrival: String,
    /// Waiting for the departure, hours.
    pub wait_h: f64,
    /// Travel time (median), hours.
    pub travel_h: f64,
    /// Dwell at `to` (median), hours.
    pub dwell_h: f64,
    /// Length, km.
    pub distance_km: f64,
    /// Tariff of the link plus handling at `to`, USD for the shipment.
    pub cost_usd: f64,
    /// The link's tariff, USD for the shipment.
    pub tariff_usd: f64,
    /// The dated tariff (`tariffs.csv`) in force on the shipment's date that priced the
    /// leg, with its period (`8056 USD/FEU, 2024-07-04 to 2024-09-11`); none when the
    /// link's own tariff did.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tariff_in_force: Option<String>,
    /// What the tariff pays for (`rail_tariff`, `ferry_freight`, …).
    pub tariff_category: CostCategory,
    /// Handling at `to`, USD for the shipment.
    pub handling_usd: f64,
    /// What the handling pays for (`port_terminal_handling`, `gauge_change`, …).
    pub handling_category: CostCategory,
    /// Well-to-wheel CO2e of the leg, kg for the shipment.
    pub co2e_wtw_kg: f64,
    /// Tank-to-wheel CO2e of the leg, kg for the shipment.
    pub co2e_ttw_kg: f64,
    /// Emission-factor row used.
    pub emission_factor: Option<String>,
    /// Sources of the leg's figures.
    pub sources: LegSources,
}

/// A route with its figures. `p50_days` … `p95_days` come from simulating the route's
/// distributions; `planned_days` is the median-chain time the search optimised.
#[derive(Clone, Debug, Serialize)]
pub struct Route {
    /// Corridor of every link on the route (keys), empty for a route that mixes corridors.
    pub corridors: Vec<String>,
    /// Departure from the origin (ready time), ISO 8601.
    pub depart: String,
    /// Planned arrival (median chain), ISO 8601.
    pub arrive: String,
    /// Door-to-door time of the median chain, days.
    pub planned_days: f64,
    /// Median door-to-door time, days.
    pub p50_days: f64,
    /// 90th percentile, days.
    pub p90_days: f64,
    /// 95th percentile, days.
    pub p95_days: f64,
    /// Mean, days.
    pub mean_days: f64,
    /// Share of simulated journeys arriving no later than the planned arrival plus 10 %
    /// of the planned duration.
    pub reliability: f64,
    /// Total cost for the shipment, USD (whole dollars).
    pub cost_usd: f64,
    /// Total cost per FEU, USD (whole dollars).
    pub cost_usd_per_feu: f64,
    /// Total cost per TEU, USD (whole dollars).
    pub cost_usd_per_teu: f64,
    /// The cost by category, every category of [`CostCategory::ALL`] in order; each of its
    /// columns sums exactly to `cost_usd`, `cost_usd_per_feu` and `cost_usd_per_teu`.
    pub cost_breakdown: Vec<CostLine>,
    /// Handling at the origin, USD for the shipment (in no leg's `cost_usd`).
    pub origin_handling_usd: f64,
    /// Well-to-wheel CO2e, kg for the shipment.
    pub co2e_wtw_kg: f64,
    /// Tank-to-wheel CO2e, kg for the shipment.
    pub co2e_ttw_kg: f64,
    /// Well-to-wheel CO2e per TEU, kg.
    pub co2e_wtw_kg_per_teu: f64,
    /// Tank-to-wheel CO2e per TEU, kg.
    pub co2e_ttw_kg_per_teu: f64,
    /// Times the container changes vehicle: a change of mode or of rail gauge.
    pub transshipments: u32,
    /// National borders crossed.
    pub border_crossings: u32,
    /// Countries in travel order.
    pub countries: Vec<String>,
    /// Sea passages in travel order (Malacca, Bab-el-Mandeb, Suez, …).
    pub passages: Vec<String>,
    /// The places the route is told by: origin, borders, gauge changes, ports, terminals,
    /// hubs, changes of mode, destination.
    pub places: Vec<Place>,
    /// The legs.
    pub legs: Vec<Leg>,
}

fn keys(net: &Network, cite: corridor_model::network::Cite) -> Vec<String> {
    net.cited(cite)
        .iter()
        .map(|s| net.source(*s).key.clone())
        .collect()
}

/// Corridors shared by every link of a path that belongs to any corridor.
pub fn classify(net: &Network, path: &[Label]) -> CorridorSet {
    let mut set = CorridorSet(u64::MAX);
    for l in path.iter().skip(1) {
        let c = net.link(l.link).corridors;
        if c.0 != 0 {
            set = CorridorSet(set.0 & c.0);
        }
    }
    if set.0 == u64::MAX {
        CorridorSet(0)
    } else {
        set
    }
}

/// Deterministic random stream (SplitMix64), uniform on (0, 1).
struct Rng(u64);
impl Rng {
    fn uniform(&mut self) -> f64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        ((z >> 11) as f64 + 0.5) / (1u64 << 53) as f64
    }
}

/// One leg of a path made ready to draw: its boarding, weather and time laws with their
/// constants computed once (the draws are those of the distributions, bit for bit).
struct LegDraws<'a> {
    /// The timetable boarded, and the longest hold of a sail-when-full service.
    board: Option<(&'a corridor_model::network::Schedule, Option<f64>)>,
    /// The season of the leg's mode, and the law of a covering closure's length.
    weather: Option<(&'a crate::season::Season, Sampler)>,
    time: Sampler,
    dwell: Option<Sampler>,
}

impl LegDraws<'_> {
    /// The departure of a unit ready at `t`: now if the leg runs continuously, else the
    /// next timetabled slot (after a uniform hold in [0, max_hold] if it sails when full).
    #[inline]
    fn depart(&self, t: f64, rng: &mut Rng) -> f64 {
        match self.board {
            None => t,
            Some((schedule, max_hold)) => {
                let hold = max_hold.map_or(0.0, |h| rng.uniform() * h);
                Instant(t - hold).next_departure(schedule).0 + hold
            }
        }
    }
}

/// Simulated door-to-door durations (hours, sorted) of a path: every dwell and travel time
/// drawn from its distribution; departures follow the timetables, and a sail-when-full
/// service holds a uniform time in [0, max_hold] after its slot.
pub fn simulate(g: &Graph, path: &[Label], ready: f64, sampling: Sampling) -> Vec<f64> {
    let net = g.net;
    let legs: Vec<LegDraws> = path
        .iter()
        .skip(1)
        .map(|l| {
            let mode = net.link(l.link).mode;
            LegDraws {
                board: match l.board {
                    Board::Continuous => None,
                    Board::Service(s) => {
                        let svc = net.service(s);
                        let hold = match (svc.rule, svc.max_hold) {
                            (DepartureRule::WhenFull, Some(h)) => Some(h.value.0),
                            _ => None,
                        };
                        Some((&svc.schedule.value, hold))
                    }
                },
                weather: g
                    .seasons
                    .iter()
                    .find(|s| s.mode == mode)
                    .map(|s| (s, Sampler::new(&s.covering_closure()))),
                time: Sampler::new(&net.link(l.link).time()),
                dwell: net
                    .node(l.node)
                    .dwell
                    .as_ref()
                    .map(|d| Sampler::new(&d.value)),
            }
        })
        .collect();
    let origin_dwell = net
        .node(path[0].node)
        .dwell
        .as_ref()
        .map(|d| Sampler::new(&d.value));
    let mut rng = Rng(sampling.seed);
    let mut out = Vec::with_capacity(sampling.samples);
    for _ in 0..sampling.samples {
        let mut t = ready
            + origin_dwell
                .as_ref()
                .map(|d| d.sample(rng.uniform()))
                .unwrap_or(0.0);
        for leg in &legs {
            t = leg.depart(t, &mut rng);
            // A departure in a closure waits for its end, then for the next departure.
            if let Some((season, closure)) = &leg.weather {
                if rng.uniform() < season.closed_in(Instant(t).month()) {
                    let left = rng.uniform() * closure.sample(rng.uniform());
                    t = leg.depart(t + left, &mut rng);
                }
            }
            t += leg.time.sample(rng.uniform());
            if let Some(d) = &leg.dwell {
                t += d.sample(rng.uniform());
            }
        }
        out.push(t - ready);
    }
    out.sort_by(|a, b| a.total_cmp(b));
    out
}

fn quantile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let i = ((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len()) - 1;
    sorted[i]
}

fn round(x: f64, digits: i32) -> f64 {
    let k = 10f64.powi(digits);
    (x * k).round() / k
}

/// Build the readable route of a search path.
pub fn describe(g: &Graph, path: &[Label], s: &Shipment, sampling: Sampling) -> Route {
    let net = g.net;
    let day = Instant(s.ready).day();
    let mut legs = Vec::new();
    let mut countries: Vec<String> = vec![net.node(s.from).country.as_str().to_string()];
    let mut transshipments = 0;
    let mut prev: Option<(Mode, Option<corridor_model::network::Gauge>)> = None;
    for (i, l) in path.iter().enumerate().skip(1) {
        let link = net.link(l.link);
        let (from, to) = (path[i - 1].node, l.node);
        let mut cs: Vec<String> = net
            .countries(l.link)
            .iter()
            .map(|c| c.as_str().to_string())
            .collect();
        if l.reversed {
            cs.reverse();
        }
        for c in &cs {
            if countries.last() != Some(c) {
                countries.push(c.clone());
            }
        }
        if let Some((m, gauge)) = prev {
            if m != link.mode || (m == Mode::Rail && gauge != link.gauge) {
                transshipments += 1;
            }
        }
        prev = Some((link.mode, link.gauge));
        let travel = g.link_p50_h[l.link.idx()];
        let dwell = g.node_dwell_h[to.idx()];
        let prev_l = &path[i - 1];
        let (ef_row, service) = match l.board {
            Board::Continuous => (g.link_ef_row[l.link.idx()], None),
            Board::Service(sv) => (g.svc_ef_row[sv.idx()], Some(net.service(sv))),
        };
        let ef = ef_row.map(|r| &net.emission_factors[r]);
        let to_node = net.node(to);
        let feu = s.teu / 2.0;
        legs.push(Leg {
            from: net.node(from).key.clone(),
            to: to_node.key.clone(),
            from_name: net.node(from).name.clone(),
            to_name: to_node.name.clone(),
            link: link.key.clone(),
            mode: link.mode.to_string(),
            gauge: link.gauge.map(|g| g.as_str().to_string()),
            service: service.map(|sv| sv.key.clone()),
            countries: cs,
            passages: {
                let mut ps: Vec<String> = net
                    .passages_of(l.link)
                    .iter()
                    .map(|p| net.passages[p.idx()].key.clone())
                    .collect();
                if l.reversed {
                    ps.reverse();
                }
                ps
            },
            ready: Instant(l.ready).iso(),
            departure: Instant(l.depart).iso(),
            arrival: Instant(l.depart + travel).iso(),
            wait_h: round(l.depart - l.ready, 2),
            travel_h: round(travel, 2),
            dwell_h: round(dwell, 2),
            distance_km: round(link.distance.value.0, 1),
            cost_usd: round(l.cost - prev_l.cost, 2),
            tariff_usd: round(g.link_usd_on(l.link.idx(), day) * feu, 2),
            tariff_in_force: net
                .dated_tariff_on(l.link, day)
                .map(|t| format!("{}, {}", t.tariff.value, t.period())),
            tariff_category: CostCategory::of_mode(link.mode),
            handling_usd: round(g.node_usd_per_feu[to.idx()] * feu, 2),
            handling_category: CostCategory::of_node(to_node.kind),
            co2e_wtw_kg: round(l.wtw - prev_l.wtw, 2),
            co2e_ttw_kg: round(l.ttw - prev_l.ttw, 2),
            emission_factor: ef.map(|f| f.key.clone()),
            sources: LegSources {
                distance: keys(net, link.distance.cite),
                time: keys(net, link.time_cite),
                schedule: service
                    .map(|sv| keys(net, sv.schedule.cite))
                    .unwrap_or_default(),
                dwell: to_node
                    .dwell
                    .as_ref()
                    .map(|d| keys(net, d.cite))
                    .unwrap_or_default(),
                tariff: net
                    .tariff_on(l.link, day)
                    .map(|t| keys(net, t.cite))
                    .unwrap_or_default(),
                emissions: ef.map(|f| keys(net, f.wtw.cite)).unwrap_or_default(),
            },
        });
    }
    let last = path.last().expect("a path has its origin label");
    let planned = last.time - s.ready;
    let sim = simulate(g, path, s.ready, sampling);
    let reliable =
        sim.iter().filter(|&&t| t <= planned * 1.1).count() as f64 / sim.len().max(1) as f64;
    let corr = classify(net, path);
    let q = quote(g, path, s);
    let nodes: Vec<_> = path.iter().map(|l| l.node).collect();
    let links: Vec<_> = path.iter().skip(1).map(|l| l.link).collect();
    let route = Route {
        corridors: corr
            .iter()
            .map(|c| net.corridors[c.0 as usize].key.clone())
            .collect(),
        depart: Instant(s.ready).iso(),
        arrive: Instant(last.time).iso(),
        planned_days: round(planned / 24.0, 2),
        p50_days: round(quantile(&sim, 0.5) / 24.0, 2),
        p90_days: round(quantile(&sim, 0.9) / 24.0, 2),
        p95_days: round(quantile(&sim, 0.95) / 24.0, 2),
        mean_days: round(sim.iter().sum::<f64>() / sim.len().max(1) as f64 / 24.0, 2),
        reliability: round(reliable, 3),
        cost_usd: q.usd,
        cost_usd_per_feu: q.usd_per_feu,
        cost_usd_per_teu: q.usd_per_teu,
        cost_breakdown: q.lines,
        origin_handling_usd: round(path[0].cost, 2),
        co2e_wtw_kg: round(last.wtw, 1),
        co2e_ttw_kg: round(last.ttw, 1),
        co2e_wtw_kg_per_teu: round(last.wtw / s.teu, 1),
        co2e_ttw_kg_per_teu: round(last.ttw / s.teu, 1),
        transshipments,
        border_crossings: (countries.len() - 1) as u32,
        countries,
        passages: {
            let mut v: Vec<String> = Vec::new();
            for p in legs.iter().flat_map(|l| l.passages.iter()) {
                if !v.contains(p) {
                    v.push(p.clone());
                }
            }
            v
        },
        places: significant(net, &nodes, &links),
        legs,
    };
    // The Architecture Invariant: a network that loads gives only finite figures.
    debug_assert!(
        corridor_model::finite::check(&route).is_ok(),
        "non-finite route figure: {}",
        corridor_model::finite::check(&route).unwrap_err()
    );
    route
}

/// Order Pareto-optimal labels by `w` (best first): their generalised cost for `teu` TEU
/// if `w` has one, else the weighted criteria scaled across the front; ties by time.
pub fn rank(labels: &[Label], front: &[u32], w: Weights, teu: f64) -> Vec<u32> {
    let crit = |i: u32| {
        let l = &labels[i as usize];
        [l.time, l.cost, l.wtw]
    };
    if let Some(g) = w.generalised {
        // Arrival times share the ready time, so they order like door-to-door days.
        let score = |i: u32| {
            let [t, c, kg] = crit(i);
            g.usd(c, t / 24.0, kg, teu)
        };
        let mut order = front.to_vec();
        order.sort_by(|&a, &b| {
            score(a)
                .total_cmp(&score(b))
                .then(crit(a)[0].total_cmp(&crit(b)[0]))
        });
        return order;
    }
    let mut lo = [f64::INFINITY; 3];
    let mut hi = [f64::NEG_INFINITY; 3];
    for &i in front {
        for (k, v) in crit(i).into_iter().enumerate() {
            lo[k] = lo[k].min(v);
            hi[k] = hi[k].max(v);
        }
    }
    let ws = [w.time, w.cost, w.co2];
    let score = |i: u32| -> f64 {
        crit(i)
            .iter()
            .enumerate()
            .map(|(k, v)| {
                if hi[k] > lo[k] {
                    ws[k] * (v - lo[k]) / (hi[k] - lo[k])
                } else {
                    0.0
                }
            })
            .sum()
    };
    let mut order = front.to_vec();
    order.sort_by(|&a, &b| {
        score(a)
            .total_cmp(&score(b))
            .then(crit(a)[0].total_cmp(&crit(b)[0]))
    });
    order
}

/// Every Pareto-optimal route, ranked by `w`, or why there is none.
pub fn plan(
    g: &Graph,
    s: &Shipment,
    c: &Constraints,
    w: Weights,
    sampling: Sampling,
) -> Result<Vec<Route>, String> {
    let r: ParetoResult = pareto(g, s, c);
    if r.front.is_empty() {
        return Err(explain_no_route(g, s, c));
    }
    Ok(rank(&r.labels, &r.front, w, s.teu)
        .into_iter()
        .map(|i| describe(g, &r.path(i), s, sampling))
        .collect())
}

/// True if the node is one where containers change trains or ships (for reports).
pub fn is_transfer_node(kind: NodeKind) -> bool {
    matches!(kind, NodeKind::GaugeChange | NodeKind::Seaport)
}

/// Whether a service runs over a link in the given direction (for reports).
pub fn runs(direction: Direction, reversed: bool) -> bool {
    direction == Direction::Both
        || (direction == Direction::Forward && !reversed)
        || (direction == Direction::Backward && reversed)
}
