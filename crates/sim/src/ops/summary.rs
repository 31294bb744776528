//! One replication, summarised for the report: what [`super::report::aggregate`] needs of
//! its recorder, so memory stays flat in the number of replications.

use super::plan::Plan;
use super::recorder::Kpis;
use super::stability::Trend;
use crate::stats::Histogram;

/// What the report needs of one replication's transit-time histogram (a histogram is
/// ~185 kB, so a replication keeps this instead: memory stays flat in the number of
/// replications).
#[derive(Clone, Copy)]
pub(crate) struct TransitSummary {
    pub(crate) n: u64,
    /// Mean, P50, P90, P95 and maximum, hours.
    pub(crate) stats: [f64; 5],
}

impl TransitSummary {
    pub(crate) fn of(h: &Histogram) -> TransitSummary {
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
pub(crate) type QueueStats = (f64, f64, f64, u64, f64, f64);

/// One replication, summarised for the report.
pub struct RepSummary {
    pub(crate) generated: u64,
    pub(crate) delivered: u64,
    pub(crate) in_system_teu: f64,
    /// Per report row of a path (see `Plan::path_rows`).
    pub(crate) path_transit: Vec<TransitSummary>,
    pub(crate) path_volume: Vec<f64>,
    pub(crate) corridor_transit: Vec<TransitSummary>,
    pub(crate) corridor_teu: Vec<f64>,
    pub(crate) corridor_tonnes: Vec<f64>,
    pub(crate) monthly_teu: Vec<[f64; 12]>,
    pub(crate) backlog: Vec<f64>,
    /// The trend of `backlog`, TEU a day, and its first and last value.
    pub(crate) backlog_slope: f64,
    pub(crate) backlog_first_last: (f64, f64),
    /// Per resource (queues, then nodes): the trend of the TEU waiting, TEU a day.
    pub(crate) queue_slopes: Vec<f64>,
    /// TEU-equivalents generated and delivered a day in the measured window.
    pub(crate) arrived_per_day: f64,
    pub(crate) delivered_per_day: f64,
    pub(crate) calibration: Vec<f64>,
    pub(crate) through: Vec<[f64; 12]>,
    pub(crate) link_through: Vec<[f64; 12]>,
    pub(crate) node_convoys: Vec<u64>,
    pub(crate) queues: Vec<QueueStats>,
    /// Per node: (utilisation, mean TEU waiting, max TEU waiting).
    pub(crate) nodes: Vec<(f64, f64, f64)>,
    pub(crate) closed_days: Vec<f64>,
    pub(crate) failures: Vec<u64>,
    pub(crate) down_h: Vec<f64>,
    pub(crate) stranded: u64,
    pub(crate) stuck: u64,
    pub(crate) events: u64,
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
            backlog_slope: Trend::of(&k.backlog),
            backlog_first_last: (
                k.backlog.first().copied().unwrap_or(0.0),
                k.backlog.last().copied().unwrap_or(0.0),
            ),
            backlog: k.backlog,
            queue_slopes: k.queue_trends.iter().map(Trend::slope).collect(),
            arrived_per_day: k.window_generated_teu / plan.days,
            delivered_per_day: k.window_delivered_teu / plan.days,
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
            nodes: (0..plan.servers())
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
