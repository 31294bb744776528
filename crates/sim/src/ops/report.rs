//! The report of a Monte Carlo run: each replication's recorder summarised (memory flat in
//! the number of replications), then figures across replications with 95 % confidence
//! intervals. Plain `serde` data: one type feeds the table, the JSON and the CSV.

use super::FlowShares;
use super::plan::Plan;
use super::recorder::Kpis;
use crate::stats::{Ci, Histogram, ci};
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

/// Per queue: (mean TEU waiting, max TEU waiting, mean wait h, departures, TEU carried,
/// TEU offered).
type QueueStats = (f64, f64, f64, u64, f64, f64);

/// One replication, summarised for the report.
pub struct RepSummary {
    generated: u64,
    delivered: u64,
    in_system_teu: f64,
    /// Per report row of a path (see `Plan::path_rows`).
    path_transit: Vec<TransitSummary>,
    path_volume: Vec<f64>,
    corridor_transit: Vec<TransitSummary>,
    corridor_teu: Vec<f64>,
    corridor_tonnes: Vec<f64>,
    monthly_teu: Vec<[f64; 12]>,
    backlog: Vec<f64>,
    calibration: Vec<f64>,
    through: Vec<[f64; 12]>,
    link_through: Vec<[f64; 12]>,
    node_convoys: Vec<u64>,
    queues: Vec<QueueStats>,
    /// Per node: (utilisation, mean TEU waiting, max TEU waiting).
    nodes: Vec<(f64, f64, f64)>,
    closed_days: Vec<f64>,
    failures: Vec<u64>,
    down_h: Vec<f64>,
    stranded: u64,
    stuck: u64,
    events: u64,
}

impl RepSummary {
    /// Summarise a replication's recorder at the end of the run.
    pub(crate) fn of(k: Kpis, plan: &Plan, events: u64) -> RepSummary {
        let end = plan.end();
        let rows = plan.path_rows();
        let mut merged: Vec<Option<Histogram>> = vec![None; rows.first.len()];
        let mut path_volume = vec![0.0; rows.first.len()];
        for (p, h) in k.path_hist.iter().enumerate() {
            let r = rows.index[p];
            path_volume[r] += k.path_volume[p];
            match &mut merged[r] {
                Some(m) => m.merge(h),
                slot @ None => *slot = Some(h.clone()),
            }
        }
        RepSummary {
            generated: k.generated,
            delivered: k.delivered,
            in_system_teu: k.in_system_teu,
            path_transit: merged
                .iter()
                .map(|h| TransitSummary::of(h.as_ref().expect("every row has a path")))
                .collect(),
            path_volume,
            corridor_transit: k.corridor_hist.iter().map(TransitSummary::of).collect(),
            corridor_teu: k.corridor_teu,
            corridor_tonnes: k.corridor_tonnes,
            monthly_teu: k.monthly_teu,
            backlog: k.backlog,
            calibration: k.calibration,
            through: k.through,
            link_through: k.link_through,
            node_convoys: k.node_convoys,
            queues: k
                .queues
                .iter()
                .enumerate()
                .map(|(q, c)| {
                    let offered: f64 = c
                        .sailings_by_epoch
                        .iter()
                        .enumerate()
                        .map(|(e, n)| {
                            let cap = plan.rt[e].queues[q]
                                .as_ref()
                                .map(|s| s.cap_teu)
                                .unwrap_or(0.0);
                            *n as f64 * cap
                        })
                        .sum();
                    (
                        c.queued_teu.mean(end),
                        c.queued_teu.max,
                        c.wait.mean(),
                        c.sailings,
                        c.teu_carried,
                        offered,
                    )
                })
                .collect(),
            nodes: (0..plan.node_keys.len())
                .map(|n| {
                    (
                        k.node_busy[n].mean(end),
                        k.node_queued[n].mean(end),
                        k.node_queued[n].max,
                    )
                })
                .collect(),
            closed_days: k.closed_h.iter().map(|h| h / 24.0).collect(),
            failures: k.failures,
            down_h: k.down_h,
            stranded: k.stranded,
            stuck: k.early_generated - k.early_delivered,
            events,
        }
    }
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
    for (ni, key) in plan.node_keys.iter().enumerate() {
        if !plan.node_limited[ni] {
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
        resources.push(Resource {
            throughput_teu,
            monthly_teu,
            name: key.clone(),
            kind: "node".into(),
            score: u.mean * w.mean,
            utilisation: u,
            mean_queue_teu: qm,
            max_queue_teu: get(2).into_iter().fold(0.0, f64::max),
            mean_wait_h: Some(w),
            batches: across(&|r| r.node_convoys[ni] as f64),
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
                observed: point.observed,
                source: point.source.clone(),
                relative_error: (m.mean - point.observed) / point.observed,
                simulated: m,
            });
        }
    }
    let generated = results.iter().map(|r| r.generated).sum();
    let delivered = results.iter().map(|r| r.delivered).sum();
    let report = Report {
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
    // The Architecture Invariant: a network that loads gives only finite figures.
    debug_assert!(
        corridor_model::finite::check(&report).is_ok(),
        "non-finite report figure: {}",
        corridor_model::finite::check(&report).unwrap_err()
    );
    report
}
