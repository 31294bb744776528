//! Year by year: the recorder behind scenario runs. Everything [`super::Kpis`] counts for a
//! whole window, counted per calendar year instead (deliveries by the year they arrive,
//! crossings by the year the leg ends, queue and server time split at New Year), plus the
//! price and CO2e of what was delivered and the backlog at each year's end. A replication's
//! [`YearlyCounts`] merge into a [`YearlyAggregate`] whose [`YearlyAggregate::finish`] gives
//! the per-year figures of a run (plain `serde` data).

use super::plan::Plan;
use super::recorder::{Recorder, UnitInfo};
use super::routes::FEU_TEU;
use super::{Metric, report::metric};
use crate::stats::{Histogram, Tally};
use corridor_model::network::Mode;
use corridor_route::time::Instant;
use serde::Serialize;
use std::collections::BTreeMap;

/// A time-weighted quantity whose area is kept per year.
#[derive(Clone, Debug)]
struct YearlyArea {
    value: f64,
    last: f64,
    area: Vec<f64>,
}

impl YearlyArea {
    fn new(t0: f64, years: usize) -> YearlyArea {
        YearlyArea {
            value: 0.0,
            last: t0,
            area: vec![0.0; years],
        }
    }
    /// Advance to `t`, filing the area since the last change under each year it spans.
    fn advance(&mut self, t: f64, bounds: &[f64]) {
        while self.last < t {
            // `bounds[y]` is the start of year y; the area before the first year is dropped.
            let y = bounds.partition_point(|&b| b <= self.last);
            let end = bounds.get(y).copied().unwrap_or(f64::INFINITY).min(t);
            if y > 0 && y - 1 < self.area.len() {
                self.area[y - 1] += self.value * (end - self.last);
            }
            self.last = end;
        }
    }
    fn set(&mut self, t: f64, v: f64, bounds: &[f64]) {
        self.advance(t, bounds);
        self.value = v;
    }
}

/// One replication's counts, per year.
pub struct YearlyRecorder<'p> {
    plan: &'p Plan,
    first_year: i32,
    /// Start of each simulated year, and the end of the last.
    bounds: Vec<f64>,
    c: YearlyCounts,
    in_system_teu: f64,
    queue_level: Vec<YearlyArea>,
    node_queue: Vec<YearlyArea>,
    node_busy: Vec<YearlyArea>,
    node_busy_now: Vec<u32>,
    epoch: usize,
    /// Units generated before this are stuck, not in transit, if undelivered at the end.
    early_cut: f64,
}

/// Days before the end of a run after which an undelivered unit may still be in transit;
/// one generated earlier and not delivered is stuck (no route takes 90 days).
pub const STUCK_AFTER_DAYS: f64 = 90.0;

/// The counts of one replication, per year (index 0 the first year).
#[derive(Clone, Debug)]
pub struct YearlyCounts {
    /// Per year, per corridor: containers delivered (TEU), wagonload delivered (t), their
    /// door-to-door hours, and the price (USD) and well-to-wheel CO2e (kg) of the containers.
    corridor_teu: Vec<Vec<f64>>,
    corridor_tonnes: Vec<Vec<f64>>,
    corridor_hist: Vec<Vec<Histogram>>,
    corridor_cost: Vec<Vec<f64>>,
    corridor_co2e: Vec<Vec<f64>>,
    /// Per year, per corridor: containers generated on its routes (TEU), what it is offered.
    corridor_offered: Vec<Vec<f64>>,
    /// Per year: units generated and delivered, TEU-equivalent in the system at its end.
    generated: Vec<u64>,
    delivered: Vec<u64>,
    backlog_end: Vec<f64>,
    /// TEU-equivalent in the system when the first year starts (after the warm-up).
    backlog_start: Option<f64>,
    /// Units generated more than [`STUCK_AFTER_DAYS`] before the end, and of those the
    /// ones delivered.
    early_generated: u64,
    early_delivered: u64,
    /// Per year, per resource (queues first, then nodes): TEU-equivalent through.
    through: Vec<Vec<f64>>,
    /// Per year, per queue: TEU-equivalent capacity of its departures, and the waits.
    offered: Vec<Vec<f64>>,
    wait: Vec<Vec<Tally>>,
    /// Per year, per queue and per node: TEU-hours waiting; per node: busy hours.
    queue_teu_h: Vec<Vec<f64>>,
    node_queue_teu_h: Vec<Vec<f64>>,
    node_busy_h: Vec<Vec<f64>>,
    /// Per year, per link: TEU-equivalent crossing.
    link_teu: Vec<Vec<f64>>,
}

impl<'p> YearlyRecorder<'p> {
    /// A recorder of the calendar years the plan's measured window covers.
    pub fn new(plan: &'p Plan) -> YearlyRecorder<'p> {
        let first_year = Instant(plan.warm_end()).year();
        let last_year = Instant(plan.end() - 1e-6).year();
        let years = (last_year - first_year + 1).max(1) as usize;
        let mut bounds: Vec<f64> = (0..years)
            .map(|y| {
                Instant::from_civil(first_year + y as i32, 1, 1, 0.0)
                    .0
                    .max(plan.warm_end())
            })
            .collect();
        bounds.push(plan.end());
        let nc = plan.corridor_keys.len();
        let nq = plan.queue_names.len();
        let nn = plan.servers();
        let per = |n: usize| vec![vec![0.0; n]; years];
        YearlyRecorder {
            plan,
            first_year,
            c: YearlyCounts {
                corridor_teu: per(nc),
                corridor_tonnes: per(nc),
                corridor_hist: (0..years)
                    .map(|_| (0..nc).map(|_| Histogram::new()).collect())
                    .collect(),
                corridor_cost: per(nc),
                corridor_co2e: per(nc),
                corridor_offered: per(nc),
                generated: vec![0; years],
                delivered: vec![0; years],
                backlog_end: vec![0.0; years],
                backlog_start: None,
                early_generated: 0,
                early_delivered: 0,
                through: per(nq + nn),
                offered: per(nq),
                wait: (0..years).map(|_| vec![Tally::default(); nq]).collect(),
                queue_teu_h: per(nq),
                node_queue_teu_h: per(nn),
                node_busy_h: per(nn),
                link_teu: per(plan.links.len()),
            },
            in_system_teu: 0.0,
            queue_level: (0..nq)
                .map(|_| YearlyArea::new(plan.start, years))
                .collect(),
            node_queue: (0..nn)
                .map(|_| YearlyArea::new(plan.start, years))
                .collect(),
            node_busy: (0..nn)
                .map(|_| YearlyArea::new(plan.start, years))
                .collect(),
            node_busy_now: vec![0; nn],
            epoch: 0,
            early_cut: plan.end() - STUCK_AFTER_DAYS * 24.0,
            bounds,
        }
    }

    /// The year index of `t` (`None` before the measured window or after it).
    #[inline]
    fn year(&self, t: f64) -> Option<usize> {
        if t < self.bounds[0] || t >= *self.bounds.last().expect("bounds") {
            return None;
        }
        Some(self.bounds.partition_point(|&b| b <= t) - 1)
    }

    /// The counts, at the end of the run.
    pub fn into_counts(self) -> YearlyCounts {
        self.c
    }
}

impl Recorder for YearlyRecorder<'_> {
    #[inline]
    fn generated(&mut self, now: f64, u: &UnitInfo) {
        self.in_system_teu += u.teu;
        if now < self.early_cut {
            self.c.early_generated += 1;
        }
        if let Some(y) = self.year(now) {
            self.c.generated[y] += 1;
            if !u.wagon {
                if let Some(c) = self.plan.paths[u.path as usize].corridor {
                    self.c.corridor_offered[y][c as usize] += FEU_TEU;
                }
            }
        }
    }

    #[inline]
    fn delivered(&mut self, now: f64, u: &UnitInfo) {
        self.in_system_teu -= u.teu;
        if u.created < self.early_cut {
            self.c.early_delivered += 1;
        }
        let Some(y) = self.year(now) else {
            return;
        };
        self.c.delivered[y] += 1;
        // Every delivery of the year counts, warm-up units included: the warm-up fills the
        // pipeline so that a year's deliveries match what it was offered in steady state.
        let path = &self.plan.paths[u.path as usize];
        if let Some(c) = path.corridor {
            let c = c as usize;
            if u.wagon {
                self.c.corridor_tonnes[y][c] += self.plan.params.tonnes_per_wagon;
            } else {
                self.c.corridor_teu[y][c] += FEU_TEU;
                self.c.corridor_hist[y][c].add(now - u.created);
                self.c.corridor_cost[y][c] += path.cost_per_feu;
                self.c.corridor_co2e[y][c] += path.co2e_per_feu;
            }
        }
    }

    #[inline]
    fn leg_ended(&mut self, t: f64, link: u32, _mode: Mode, teu: f64, _c: f64, _w: f64) {
        if let Some(y) = self.year(t) {
            self.c.link_teu[y][link as usize] += teu;
        }
    }

    #[inline]
    fn departed(&mut self, now: f64, q: u32) {
        if let Some(y) = self.year(now) {
            let cap = self.plan.rt[self.epoch].queues[q as usize]
                .as_ref()
                .map(|s| s.cap_teu)
                .unwrap_or(0.0);
            self.c.offered[y][q as usize] += cap;
        }
    }

    #[inline]
    fn boarded(&mut self, now: f64, q: u32, teu: f64, waited_h: f64) {
        if let Some(y) = self.year(now) {
            self.c.through[y][q as usize] += teu;
            self.c.wait[y][q as usize].add(waited_h);
        }
    }

    #[inline]
    fn queue_level(&mut self, now: f64, q: u32, teu: f64) {
        let b = &self.bounds;
        self.queue_level[q as usize].set(now, teu, b);
    }

    #[inline]
    fn node_queue_level(&mut self, now: f64, n: u32, teu: f64) {
        let b = &self.bounds;
        self.node_queue[n as usize].set(now, teu, b);
    }

    #[inline]
    fn node_busy(&mut self, now: f64, n: u32, busy: u32) {
        if self.node_busy_now[n as usize] != busy {
            self.node_busy_now[n as usize] = busy;
            let b = &self.bounds;
            self.node_busy[n as usize].set(now, busy as f64, b);
        }
    }

    #[inline]
    fn node_served(&mut self, now: f64, n: u32, teu: f64, _containers: f64) {
        if let Some(y) = self.year(now) {
            self.c.through[y][self.plan.queue_names.len() + n as usize] += teu;
        }
    }

    fn day_sampled(&mut self, now: f64) {
        // The last sample of a year is its end-of-year backlog.
        if let Some(y) = self.year(now) {
            self.c.backlog_end[y] = self.in_system_teu;
            self.c.backlog_start.get_or_insert(self.in_system_teu);
        }
    }

    fn epoch_changed(&mut self, _now: f64, e: u32) {
        self.epoch = e as usize;
    }

    fn finished(&mut self, end: f64) {
        let b = self.bounds.clone();
        for (areas, out) in [
            (&mut self.queue_level, &mut self.c.queue_teu_h),
            (&mut self.node_queue, &mut self.c.node_queue_teu_h),
            (&mut self.node_busy, &mut self.c.node_busy_h),
        ] {
            for (i, a) in areas.iter_mut().enumerate() {
                a.advance(end, &b);
                for (y, v) in a.area.iter().enumerate() {
                    out[y][i] = *v;
                }
            }
        }
    }
}

/// One corridor in one year, across replications.
#[derive(Clone, Debug, Serialize)]
pub struct CorridorYear {
    /// Corridor key.
    pub corridor: String,
    /// Containers delivered, TEU a year.
    pub teu_delivered: Metric,
    /// Containers generated on the corridor's routes, TEU a year: what it was offered.
    pub teu_offered: Metric,
    /// Wagonload cargo delivered, tonnes a year.
    pub tonnes_delivered: Metric,
    /// Door-to-door days of containers: median and 90th percentile of every delivery of the
    /// year in every replication (over project delays and operations together).
    pub p50_days: f64,
    /// See `p50_days`.
    pub p90_days: f64,
    /// Price of the containers delivered per TEU (tariffs and handling of their routes),
    /// USD.
    pub cost_usd_per_teu: f64,
    /// Well-to-wheel CO2e of the containers delivered per TEU, kg.
    pub co2e_kg_per_teu: f64,
}

/// A resource in one year.
#[derive(Clone, Debug, Serialize)]
pub struct ResourceYear {
    /// Service (with direction), node or link id (`AZ-ALAT:tonnes` for a node's tonnage
    /// capacity, `L-MARABDA-AKHALKALAKI (reverse)` for a line against its direction).
    pub name: String,
    /// `departures`, `node`, `node_tonnes` or `line_tonnes` (see
    /// [`super::report::Resource::kind`]).
    pub kind: String,
    /// Share of departure capacity used (departures) or busy share (nodes).
    pub utilisation: Metric,
    /// Time-average TEU-equivalent waiting.
    pub mean_queue_teu: Metric,
    /// Mean wait, hours (departures: for a departure; nodes: Little's law).
    pub mean_wait_h: Metric,
    /// TEU-equivalent through.
    pub throughput_teu: Metric,
    /// Corridors whose routes use it.
    pub corridors: Vec<String>,
}

/// One year of a run.
#[derive(Clone, Debug, Serialize)]
pub struct Year {
    /// Calendar year.
    pub year: i32,
    /// Per corridor that delivered anything.
    pub corridors: Vec<CorridorYear>,
    /// Units generated and delivered in the year, per replication.
    pub generated: Metric,
    /// See `generated`.
    pub delivered: Metric,
    /// TEU-equivalent in the system at the year's end.
    pub backlog_teu: Metric,
    /// The year's change of the end-of-year backlog, TEU-equivalent a day.
    pub backlog_growth_teu_per_day: f64,
    /// The resources, worst first (utilisation × wait); the first few are the bottlenecks.
    pub resources: Vec<ResourceYear>,
    /// The links that carried anything, busiest first.
    pub links: Vec<LinkYear>,
}

/// A link in one year: what crossed it, continuous legs and timetabled services alike.
#[derive(Clone, Debug, Serialize)]
pub struct LinkYear {
    /// Link id.
    pub link: String,
    /// TEU-equivalent reaching its far end in the year (a wagon counts `teu_per_wagon`),
    /// a year's worth (a year the run covers in part is scaled to 365 days).
    pub throughput_teu: Metric,
}

/// A corridor's counts of one replication-year, by name.
#[derive(Clone, Debug, Default)]
struct NamedCorridor {
    teu: f64,
    offered: f64,
    tonnes: f64,
    cost: f64,
    co2e: f64,
}

/// A resource's counts of one replication-year, by name.
#[derive(Clone, Debug, Default)]
struct NamedResource {
    /// A server's (a node's or a line's capacity), not a service's departures.
    node: bool,
    /// Its kind in reports (see [`super::report::server_kind`]; empty for departures).
    kind: &'static str,
    through: f64,
    offered: f64,
    wait: f64,
    queue_teu_h: f64,
    busy_h: f64,
    corridors: std::collections::BTreeSet<String>,
}

/// One replication-year, keyed by names (replications of different timelines number their
/// resources differently).
#[derive(Clone, Debug, Default)]
struct NamedYear {
    hours: f64,
    generated: f64,
    delivered: f64,
    backlog_end: f64,
    corridors: BTreeMap<String, NamedCorridor>,
    resources: BTreeMap<String, NamedResource>,
    /// TEU-equivalent over each link that carried anything, by link id.
    links: BTreeMap<String, f64>,
}

/// Replications' yearly counts merged by name: transit histograms pooled, other counts kept
/// per replication for their intervals.
pub struct YearlyAggregate {
    first_year: i32,
    reps: Vec<Vec<NamedYear>>,
    /// Per year: per corridor, the pooled door-to-door hours.
    pooled: Vec<BTreeMap<String, Histogram>>,
    /// Resource names in the order first seen.
    order: Vec<String>,
    /// Per replication: the backlog when the first year starts.
    starts: Vec<f64>,
    /// Units stuck at the end (see [`STUCK_AFTER_DAYS`]), summed over replications.
    stuck: u64,
}

impl YearlyAggregate {
    /// An empty aggregate.
    pub fn new() -> YearlyAggregate {
        YearlyAggregate {
            first_year: 0,
            reps: Vec::new(),
            pooled: Vec::new(),
            order: Vec::new(),
            starts: Vec::new(),
            stuck: 0,
        }
    }

    /// Add a replication of `plan` (its histograms are pooled and dropped).
    pub fn add(&mut self, plan: &Plan, first_year: i32, c: YearlyCounts) {
        self.first_year = first_year;
        let years = c.generated.len();
        if self.pooled.len() < years {
            self.pooled.resize_with(years, BTreeMap::new);
        }
        let nq = plan.queue_names.len();
        // The corridors whose routes use each queue and node.
        let mut uses: Vec<std::collections::BTreeSet<u32>> =
            vec![Default::default(); nq + plan.servers()];
        let nn = plan.node_keys.len();
        for p in &plan.paths {
            if let Some(c) = p.corridor {
                for n in [p.origin as usize, nn + p.origin as usize] {
                    uses[nq + n].insert(c);
                }
                for l in &p.legs {
                    if let Some(q) = l.queue {
                        uses[q as usize].insert(c);
                    }
                    for n in [l.head as usize, nn + l.head as usize] {
                        uses[nq + n].insert(c);
                    }
                }
            }
        }
        let names = |i: usize| -> std::collections::BTreeSet<String> {
            uses[i]
                .iter()
                .map(|&c| plan.corridor_keys[c as usize].clone())
                .collect()
        };
        let mut rep = Vec::with_capacity(years);
        for y in 0..years {
            let start = Instant::from_civil(first_year + y as i32, 1, 1, 0.0)
                .0
                .max(plan.warm_end());
            let end = Instant::from_civil(first_year + y as i32 + 1, 1, 1, 0.0)
                .0
                .min(plan.end());
            let mut ny = NamedYear {
                hours: (end - start).max(1e-9),
                generated: c.generated[y] as f64,
                delivered: c.delivered[y] as f64,
                backlog_end: c.backlog_end[y],
                ..NamedYear::default()
            };
            for (k, key) in plan.corridor_keys.iter().enumerate() {
                let e = ny.corridors.entry(key.clone()).or_default();
                e.teu += c.corridor_teu[y][k];
                e.offered += c.corridor_offered[y][k];
                e.tonnes += c.corridor_tonnes[y][k];
                e.cost += c.corridor_cost[y][k];
                e.co2e += c.corridor_co2e[y][k];
                let h = &c.corridor_hist[y][k];
                if h.count() > 0 {
                    self.pooled[y].entry(key.clone()).or_default().merge(h);
                }
            }
            for (q, name) in plan.queue_names.iter().enumerate() {
                if c.through[y][q] == 0.0 && c.offered[y][q] == 0.0 {
                    continue;
                }
                let w = c.wait[y][q].mean();
                let e = ny.resources.entry(name.clone()).or_default();
                e.through += c.through[y][q];
                e.offered += c.offered[y][q];
                e.wait = if w.is_finite() { w } else { 0.0 };
                e.queue_teu_h += c.queue_teu_h[y][q];
                e.corridors.extend(names(q));
                if !self.order.contains(name) {
                    self.order.push(name.clone());
                }
            }
            for n in 0..plan.servers() {
                if !plan.node_limited[n] || c.through[y][nq + n] == 0.0 {
                    continue;
                }
                let key = &plan.server_name(n);
                let e = ny.resources.entry(key.clone()).or_default();
                e.node = true;
                e.kind = super::report::server_kind(plan, n);
                e.through += c.through[y][nq + n];
                e.queue_teu_h += c.node_queue_teu_h[y][n];
                e.busy_h += c.node_busy_h[y][n];
                e.corridors.extend(names(nq + n));
                if !self.order.contains(key) {
                    self.order.push(key.clone());
                }
            }
            for (l, link) in plan.links.iter().enumerate() {
                let teu = c.link_teu[y][l];
                if teu > 0.0 {
                    *ny.links.entry(link.key.clone()).or_default() += teu;
                }
            }
            rep.push(ny);
        }
        self.reps.push(rep);
        self.starts.push(c.backlog_start.unwrap_or(0.0));
        self.stuck += c.early_generated.saturating_sub(c.early_delivered);
    }

    /// Units generated more than [`STUCK_AFTER_DAYS`] before the end and not delivered by
    /// it, summed over replications: stuck (a backlog that does not clear), not in transit.
    pub fn stuck_units(&self) -> u64 {
        self.stuck
    }

    /// Replications added.
    pub fn replications(&self) -> usize {
        self.reps.len()
    }

    /// The figures of each year.
    pub fn finish(&self) -> Vec<Year> {
        let years = self.pooled.len();
        let mut out = Vec::with_capacity(years);
        let corridors: Vec<String> = {
            let mut v: Vec<String> = Vec::new();
            for rep in &self.reps {
                for y in rep {
                    for k in y.corridors.keys() {
                        if !v.contains(k) {
                            v.push(k.clone());
                        }
                    }
                }
            }
            v
        };
        let mut prev_backlog: Option<f64> = (!self.starts.is_empty())
            .then(|| self.starts.iter().sum::<f64>() / self.starts.len() as f64);
        for y in 0..years {
            let get = |r: &Vec<NamedYear>| r.get(y).cloned().unwrap_or_default();
            let ys: Vec<NamedYear> = self.reps.iter().map(get).collect();
            let across =
                |f: &dyn Fn(&NamedYear) -> f64| metric(&ys.iter().map(f).collect::<Vec<_>>());
            let mut cs = Vec::new();
            for key in &corridors {
                let c = |n: &NamedYear| n.corridors.get(key).cloned().unwrap_or_default();
                let teu: f64 = ys.iter().map(|n| c(n).teu).sum();
                let tonnes: f64 = ys.iter().map(|n| c(n).tonnes).sum();
                if teu == 0.0 && tonnes == 0.0 {
                    continue;
                }
                let cost: f64 = ys.iter().map(|n| c(n).cost).sum();
                let co2: f64 = ys.iter().map(|n| c(n).co2e).sum();
                let h = self.pooled[y].get(key);
                let q = |p: f64| {
                    h.filter(|h| h.count() > 0)
                        .map(|h| h.quantile(p) / 24.0)
                        .unwrap_or(0.0)
                };
                cs.push(CorridorYear {
                    corridor: key.clone(),
                    teu_delivered: across(&|n| c(n).teu * 8760.0 / n.hours),
                    teu_offered: across(&|n| c(n).offered * 8760.0 / n.hours),
                    tonnes_delivered: across(&|n| c(n).tonnes * 8760.0 / n.hours),
                    p50_days: q(0.5),
                    p90_days: q(0.9),
                    // Route prices are per FEU: per TEU, half the FEU price per TEU delivered.
                    cost_usd_per_teu: if teu > 0.0 { cost / teu } else { 0.0 },
                    co2e_kg_per_teu: if teu > 0.0 { co2 / teu } else { 0.0 },
                });
            }
            let mut resources = Vec::new();
            for name in &self.order {
                let r = |n: &NamedYear| n.resources.get(name).cloned().unwrap_or_default();
                if ys.iter().all(|n| !n.resources.contains_key(name)) {
                    continue;
                }
                let node = ys.iter().any(|n| r(n).node);
                let kind = ys
                    .iter()
                    .find_map(|n| n.resources.get(name).map(|x| x.kind))
                    .filter(|k| !k.is_empty())
                    .unwrap_or("departures");
                let mut corridors: Vec<String> = Vec::new();
                for n in &ys {
                    if let Some(x) = n.resources.get(name) {
                        for c in &x.corridors {
                            if !corridors.contains(c) {
                                corridors.push(c.clone());
                            }
                        }
                    }
                }
                corridors.sort();
                resources.push(ResourceYear {
                    corridors,
                    name: name.clone(),
                    kind: kind.into(),
                    utilisation: across(&|n| {
                        let x = r(n);
                        if node {
                            x.busy_h / n.hours
                        } else if x.offered > 0.0 {
                            x.through / x.offered
                        } else {
                            0.0
                        }
                    }),
                    mean_queue_teu: across(&|n| r(n).queue_teu_h / n.hours),
                    mean_wait_h: across(&|n| {
                        let x = r(n);
                        if node {
                            let served = x.through / n.hours;
                            if served > 0.0 {
                                x.queue_teu_h / n.hours / served
                            } else {
                                0.0
                            }
                        } else {
                            x.wait
                        }
                    }),
                    throughput_teu: across(&|n| r(n).through * 8760.0 / n.hours),
                });
            }
            resources.sort_by(|a, b| {
                (b.utilisation.mean * b.mean_wait_h.mean)
                    .total_cmp(&(a.utilisation.mean * a.mean_wait_h.mean))
                    .then(b.utilisation.mean.total_cmp(&a.utilisation.mean))
            });
            let mut links: Vec<LinkYear> = ys
                .iter()
                .flat_map(|n| n.links.keys())
                .collect::<std::collections::BTreeSet<_>>()
                .into_iter()
                .map(|key| LinkYear {
                    link: key.clone(),
                    throughput_teu: across(&|n| {
                        n.links.get(key).copied().unwrap_or(0.0) * 8760.0 / n.hours
                    }),
                })
                .collect();
            links.sort_by(|a, b| {
                b.throughput_teu
                    .mean
                    .total_cmp(&a.throughput_teu.mean)
                    .then(a.link.cmp(&b.link))
            });
            let backlog = across(&|n| n.backlog_end);
            let hours = ys.first().map(|n| n.hours).unwrap_or(8760.0);
            out.push(Year {
                year: self.first_year + y as i32,
                corridors: cs,
                generated: across(&|n| n.generated),
                delivered: across(&|n| n.delivered),
                backlog_growth_teu_per_day: prev_backlog
                    .map(|b| (backlog.mean - b) / (hours / 24.0))
                    .unwrap_or(0.0),
                backlog_teu: backlog.clone(),
                resources,
                links,
            });
            prev_backlog = Some(backlog.mean);
        }
        out
    }
}

impl Default for YearlyAggregate {
    fn default() -> Self {
        YearlyAggregate::new()
    }
}

/// One replication of `plan` counted by year.
pub fn replicate_yearly(plan: &Plan, seed: u64, rep: u64) -> (i32, YearlyCounts) {
    let rec = YearlyRecorder::new(plan);
    let first = rec.first_year;
    let (rec, _) = super::mechanics::replicate(plan, seed, rep, rec);
    (first, rec.into_counts())
}

#[cfg(test)]
mod tests {
    use super::YearlyArea;

    #[test]
    fn areas_split_at_new_year() {
        // Years start at 0, 10 and 20; the run ends at 30.
        let b = [0.0, 10.0, 20.0, 30.0];
        let mut a = YearlyArea::new(-5.0, 3);
        a.set(-5.0, 2.0, &b);
        a.set(15.0, 4.0, &b);
        a.advance(30.0, &b);
        // Before the first year nothing counts; 2 over [0, 10) and [10, 15), 4 after.
        assert_eq!(a.area, vec![20.0, 10.0 + 20.0, 40.0]);
    }
}
