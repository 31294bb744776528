//! The report of a Monte Carlo run: each replication's recorder summarised (memory flat in
//! the number of replications), then figures across replications with 95 % confidence
//! intervals. Plain `serde` data: one type feeds the table, the JSON and the CSV.

use super::FlowShares;
use super::plan::Plan;
use super::stability::Stability;
use super::summary::{QueueStats, RepSummary, TransitSummary};
use crate::stats::{Ci, ci};
use serde::Serialize;

/// A metric across replications.
#[derive(Clone, Debug, Serialize)]
pub struct Metric {
    /// Mean over replications.
    pub mean: f64,
    /// 95 % confidence interval of the mean (Student t over replications); `None` with a
    /// single replication, where it is undefined. A quantity that cannot be negative (every
    /// replication's value is ≥ 0) has its interval clipped at 0.
    pub ci95: Option<[f64; 2]>,
}

impl Metric {
    /// A value with no interval (one replication, or a figure that is not a mean).
    pub fn single(mean: f64) -> Metric {
        Metric { mean, ci95: None }
    }
}

pub(crate) fn metric(xs: &[f64]) -> Metric {
    if xs.len() < 2 {
        return Metric::single(xs.first().copied().unwrap_or(0.0));
    }
    let Ci { mean, lo, hi } = ci(xs, 0.95);
    let lo = if xs.iter().all(|&x| x >= 0.0) {
        lo.max(0.0)
    } else {
        lo
    };
    Metric {
        mean,
        ci95: Some([lo, hi]),
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
    /// Service, node or link id (`AZ-ALAT`; `AZ-ALAT:tonnes` for a node's tonnage
    /// capacity; `L-KURYK-ALAT:tonnes` for a line's, `… (reverse)` against its direction).
    pub name: String,
    /// `departures`, `node` (a node's capacity in TEU, trains or wagons), `node_tonnes`
    /// (its capacity in tonnes: every unit passes it, a container at `tonnes_per_teu`, a
    /// wagon at `tonnes_per_wagon`) or `line_tonnes` (a link's line tonnage, in each
    /// direction: every unit passes it as it enters a continuous leg over the line).
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
    /// What is compared, in words (the point's label).
    pub metric: String,
    /// What is counted: the point's metric in `calibration.csv` (`containers_by_mode`, …).
    pub kind: &'static str,
    /// Its scope in `calibration.csv` (a mode, link, node or corridors).
    pub scope: String,
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
    /// Does the run keep up: stable, saturated or unstable, from the backlog's trend.
    pub stability: Stability,
    /// What the figures assume (replications, the window, units, demand, calibration).
    pub notes: Vec<corridor_route::notes::Note>,
    /// Closed days per weather area (mean).
    pub weather_closed_days: Vec<(String, f64)>,
    /// Random breakdowns of nodes and services, per `[[breakdown]]` of `simulation.toml`.
    pub breakdowns: Vec<BreakdownStats>,
    /// Simulated against published volumes.
    pub calibration: Vec<Calibration>,
    /// Events processed, summed.
    pub events: u64,
    /// Units whose route closed in an epoch change with no way on from where they were,
    /// summed (they wait there; see `in_system`).
    #[serde(skip_serializing_if = "is_zero")]
    pub stranded: u64,
    /// Units generated in the first half of the measured window (warm-up included) and
    /// still in the system at the end, summed: stuck rather than in transit (a backlog
    /// that does not clear, a stranded unit). Zero for a run that keeps up.
    #[serde(skip_serializing_if = "is_zero")]
    pub stuck_units: u64,
}

fn is_zero(x: &u64) -> bool {
    *x == 0
}

/// A monthly counter over replications: its yearly total (mean and interval over
/// replications) and its mean by month.
fn by_month(
    results: &[RepSummary],
    get: impl Fn(&RepSummary) -> &[f64; 12],
) -> (Metric, [f64; 12]) {
    let mut monthly = [0.0; 12];
    for r in results {
        for (m, v) in get(r).iter().enumerate() {
            monthly[m] += v / results.len() as f64;
        }
    }
    let totals: Vec<f64> = results.iter().map(|r| get(r).iter().sum()).collect();
    (metric(&totals), monthly)
}

/// The report of replications of `plan` run with `seed`.
pub(crate) fn aggregate(plan: &Plan, seed: u64, results: &[RepSummary]) -> Report {
    let reps = results.len() as u64;
    let year_scale = 365.0 / plan.days;
    let days = |h: f64| h / 24.0;
    // One figure of each replication, as a mean with its interval.
    let across =
        |f: &dyn Fn(&RepSummary) -> f64| metric(&results.iter().map(f).collect::<Vec<_>>());
    let transit = |get: &dyn Fn(&RepSummary) -> &TransitSummary| {
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
    for (k, key) in plan.corridor_keys.iter().enumerate() {
        if results.iter().all(|r| r.corridor_transit[k].n == 0) {
            continue;
        }
        let (mean_days, p50_days, p90_days, p95_days, max_days) =
            transit(&|r| &r.corridor_transit[k]);
        let teu_delivered = across(&|r| r.corridor_teu[k]);
        let tonnes_delivered = across(&|r| r.corridor_tonnes[k]);
        let (_, monthly) = by_month(results, |r| &r.monthly_teu[k]);
        corridors.push(Transit {
            corridor: key.clone(),
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
    let rows = plan.path_rows();
    let mut od = Vec::new();
    for (ri, &p0) in rows.first.iter().enumerate() {
        if results.iter().all(|r| r.path_transit[ri].n == 0) {
            continue;
        }
        let (mean_days, p50_days, p90_days, p95_days, max_days) = transit(&|r| &r.path_transit[ri]);
        let p = &plan.paths[p0];
        let e = &plan.epochs[p.epoch as usize];
        let f = &e.flows[p.flow as usize];
        let volume = across(&|r| r.path_volume[ri]);
        let none = Metric {
            mean: 0.0,
            ci95: Some([0.0, 0.0]),
        };
        let (teu_delivered, tonnes_delivered) = if p.wagon {
            (none, volume)
        } else {
            (volume, none)
        };
        od.push(Transit {
            corridor: p
                .corridor
                .map(|c| plan.corridor_keys[c as usize].clone())
                .unwrap_or_else(|| "mixed".into()),
            from: Some(e.net.node(f.from).key.clone()),
            to: Some(e.net.node(f.to).key.clone()),
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
    // Each resource's index among the recorder's queues and nodes.
    let mut slots = Vec::new();
    let through = |i: usize| by_month(results, |r| &r.through[i]);
    let nq = plan.queue_names.len();
    for (q, name) in plan.queue_names.iter().enumerate() {
        let per = |f: &dyn Fn(&QueueStats) -> f64| {
            results.iter().map(|r| f(&r.queues[q])).collect::<Vec<_>>()
        };
        let util = per(&|x| if x.3 > 0 { x.4 / x.5 } else { 0.0 });
        let wait = per(&|x| if x.2.is_finite() { x.2 } else { 0.0 });
        let qm = per(&|x| x.0);
        let u = metric(&util);
        let w = metric(&wait);
        let (throughput_teu, monthly_teu) = through(q);
        slots.push(q);
        resources.push(Resource {
            throughput_teu,
            monthly_teu,
            name: name.clone(),
            kind: "departures".into(),
            score: u.mean * w.mean,
            utilisation: u,
            mean_queue_teu: metric(&qm),
            max_queue_teu: per(&|x| x.1).into_iter().fold(0.0, f64::max),
            mean_wait_h: Some(w),
            batches: metric(&per(&|x| x.3 as f64)),
        });
    }
    for ni in 0..plan.servers() {
        // A line's capacity in a direction no unit took is left out.
        if !plan.node_limited[ni]
            || (plan.server_is_line(ni)
                && results
                    .iter()
                    .all(|r| r.through[nq + ni].iter().sum::<f64>() == 0.0))
        {
            continue;
        }
        let get = |i: usize| {
            results
                .iter()
                .map(|r| [r.nodes[ni].0, r.nodes[ni].1, r.nodes[ni].2][i])
                .collect::<Vec<_>>()
        };
        let u = metric(&get(0));
        let qm = metric(&get(1));
        // Mean wait before service by Little's law, per replication: TEU waiting on average
        // over TEU served per hour.
        let hours = plan.days * 24.0;
        let waits: Vec<f64> = results
            .iter()
            .zip(get(1))
            .map(|(r, q)| {
                let served = r.through[nq + ni].iter().sum::<f64>() / hours;
                if served > 0.0 { q / served } else { 0.0 }
            })
            .collect();
        let w = metric(&waits);
        let (throughput_teu, monthly_teu) = through(nq + ni);
        slots.push(nq + ni);
        resources.push(Resource {
            throughput_teu,
            monthly_teu,
            name: plan.server_name(ni),
            kind: server_kind(plan, ni).into(),
            score: u.mean * w.mean,
            utilisation: u,
            mean_queue_teu: qm,
            max_queue_teu: get(2).into_iter().fold(0.0, f64::max),
            mean_wait_h: Some(w),
            batches: across(&|r| r.node_convoys[ni] as f64),
        });
    }
    let each = |f: &dyn Fn(&RepSummary) -> f64| results.iter().map(f).collect::<Vec<_>>();
    let stability = super::stability::assess(&super::stability::Inputs {
        backlog_slopes: &each(&|r| r.backlog_slope),
        arrived: &each(&|r| r.arrived_per_day),
        delivered: &each(&|r| r.delivered_per_day),
        first_last: (
            each(&|r| r.backlog_first_last.0).iter().sum::<f64>() / reps as f64,
            each(&|r| r.backlog_first_last.1).iter().sum::<f64>() / reps as f64,
        ),
        resources: resources
            .iter()
            .zip(&slots)
            .map(|(x, &s)| (x, each(&|r| r.queue_slopes[s])))
            .collect(),
        days: plan.days,
    });
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
    let mut links: Vec<LinkFlow> = (0..plan.links.len())
        .filter(|&l| {
            results
                .iter()
                .any(|r| r.link_through[l].iter().any(|&v| v > 0.0))
        })
        .map(|l| {
            let link = &plan.links[l];
            let (throughput_teu, monthly_teu) = by_month(results, |r| &r.link_through[l]);
            LinkFlow {
                link: link.key.clone(),
                from: link.from.clone(),
                to: link.to.clone(),
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
    let ndays = results.iter().map(|r| r.backlog.len()).min().unwrap_or(0);
    let backlog_teu = (0..ndays)
        .map(|d| results.iter().map(|r| r.backlog[d]).sum::<f64>() / reps as f64)
        .collect();
    let mut calibration = Vec::new();
    for (i, p) in plan.calibration.iter().enumerate() {
        let point = &plan.params.calibration[p.point];
        let xs: Vec<f64> = results
            .iter()
            .map(|r| r.calibration[i] * year_scale)
            .collect();
        let m = metric(&xs);
        if m.mean > 0.0 {
            calibration.push(Calibration {
                metric: point.label.clone(),
                kind: point.kind.name(),
                scope: point.scope.clone(),
                observed: point.observed,
                source: point.source.clone(),
                relative_error: (m.mean - point.observed) / point.observed,
                simulated: m,
            });
        }
    }
    let generated = results.iter().map(|r| r.generated).sum();
    let delivered = results.iter().map(|r| r.delivered).sum();
    let mut report = Report {
        replications: reps,
        seed,
        days: plan.days,
        warmup_days: plan.warmup_days,
        generated,
        delivered,
        in_system: generated - delivered,
        undelivered_teu: across(&|r| r.in_system_teu),
        route_choice: plan.shares().to_vec(),
        corridors,
        od,
        resources,
        bottlenecks,
        links,
        backlog_teu,
        stability,
        notes: Vec::new(),
        weather_closed_days: plan
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
            .params
            .breakdowns
            .iter()
            .enumerate()
            .map(|(b, bd)| BreakdownStats {
                target: bd.target.clone(),
                failures: across(&|r| r.failures[b] as f64),
                down_days: across(&|r| r.down_h[b] / 24.0),
            })
            .collect(),
        calibration,
        events: results.iter().map(|r| r.events).sum(),
        stranded: results.iter().map(|r| r.stranded).sum(),
        stuck_units: results.iter().map(|r| r.stuck).sum(),
    };
    report.notes = super::notes::notes(plan, &report);
    // The Architecture Invariant: a network that loads gives only finite figures.
    debug_assert!(
        corridor_model::finite::check(&report).is_ok(),
        "non-finite report figure: {}",
        corridor_model::finite::check(&report).unwrap_err()
    );
    report
}

/// The kind of server `r` in reports: `node` or `node_tonnes` (a node's capacity in units or
/// in tonnes), `line_tonnes` (one direction of a link's line).
pub(crate) fn server_kind(plan: &Plan, r: usize) -> &'static str {
    match (plan.server_is_line(r), plan.server_is_tonnes(r)) {
        (true, _) => "line_tonnes",
        (false, true) => "node_tonnes",
        (false, false) => "node",
    }
}
