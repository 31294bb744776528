//! Does the run keep up? The stability verdict of a report, from the trend of the backlog
//! over the measured window: per replication, the least-squares slope of a daily series
//! against time (TEU a day) — the TEU in the system, and the TEU waiting at each
//! departure queue and capacity-limited node — then those slopes across replications.
//!
//! - **unstable**: the backlog grows — its slope's 95 % interval lies above 0 (with one
//!   replication: the slope is positive) and the growth is material: at least
//!   [`MATERIAL_GROWTH`] of what arrives a day. It builds up behind the resources whose own
//!   queue grows by the same test (measured against what passes them a day), largest first.
//! - **saturated**: the backlog does not grow, but a resource runs at
//!   [`SATURATED_UTILISATION`] or more: it has no spare capacity for growth.
//! - **stable**: neither.

use super::report::{Metric, Resource, metric};
use serde::Serialize;

/// Growth of a backlog that counts, as a share of what arrives (the system) or passes (a
/// resource) a day: 1 % (a backlog growing by less is within the seasonal swing of a year
/// of weather closures, and would take a century to double a day's flow).
pub const MATERIAL_GROWTH: f64 = 0.01;

/// Utilisation from which a resource is saturated: busy 95 % of the time or more (departures:
/// 95 % of their capacity used) — less than 5 % of spare capacity, about a year of the
/// corridors' trade growth.
pub const SATURATED_UTILISATION: f64 = 0.95;

/// Ordinary least-squares trend of a series sampled once a day, accumulated as it comes.
#[derive(Clone, Copy, Debug, Default)]
pub struct Trend {
    n: f64,
    sx: f64,
    sy: f64,
    sxx: f64,
    sxy: f64,
}

impl Trend {
    /// Add the next day's value.
    #[inline]
    pub fn add(&mut self, y: f64) {
        let x = self.n;
        self.n += 1.0;
        self.sx += x;
        self.sy += y;
        self.sxx += x * x;
        self.sxy += x * y;
    }

    /// The slope, per day (0 with fewer than two values).
    pub fn slope(&self) -> f64 {
        let d = self.n * self.sxx - self.sx * self.sx;
        if self.n < 2.0 || d <= 0.0 {
            return 0.0;
        }
        (self.n * self.sxy - self.sx * self.sy) / d
    }

    /// The slope of a whole series.
    pub fn of(series: &[f64]) -> f64 {
        let mut t = Trend::default();
        series.iter().for_each(|&y| t.add(y));
        t.slope()
    }
}

/// `stable`, `saturated` or `unstable`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// The backlog does not grow and every resource has spare capacity.
    Stable,
    /// The backlog does not grow, but a resource is at its capacity.
    Saturated,
    /// The backlog grows.
    Unstable,
}

/// A resource the verdict names.
#[derive(Clone, Debug, Serialize)]
pub struct Pressure {
    /// Service (departures) or node id.
    pub name: String,
    /// `departures` or `node`.
    pub kind: String,
    /// Its utilisation (mean over replications).
    pub utilisation: f64,
    /// Its mean wait, hours.
    pub mean_wait_h: f64,
    /// The trend of the TEU waiting there, TEU a day.
    pub queue_growth_teu_per_day: Metric,
}

/// The stability of a run.
#[derive(Clone, Debug, Serialize)]
pub struct Stability {
    /// The verdict.
    pub verdict: Verdict,
    /// The verdict in one sentence.
    pub text: String,
    /// Trend of the TEU-equivalents in the system over the measured window, TEU a day.
    pub backlog_growth_teu_per_day: Metric,
    /// TEU-equivalents that entered the system a day in the measured window.
    pub arrived_teu_per_day: Metric,
    /// TEU-equivalents delivered a day in the measured window.
    pub delivered_teu_per_day: Metric,
    /// TEU-equivalents in the system on the first and the last day measured (means).
    pub backlog_first_day_teu: f64,
    /// See `backlog_first_day_teu`.
    pub backlog_last_day_teu: f64,
    /// Unstable: where the backlog builds up, largest growth first; saturated: the
    /// resources at capacity, busiest first; stable: empty.
    pub at: Vec<Pressure>,
}

/// What the verdict reads of a run: per replication the system's trend and its flows,
/// and per resource its report row and its queue's trend in each replication.
pub struct Inputs<'a> {
    /// Per replication: the slope of the TEU in the system, TEU a day.
    pub backlog_slopes: &'a [f64],
    /// Per replication: TEU-equivalents arrived and delivered a day in the window.
    pub arrived: &'a [f64],
    /// See `arrived`.
    pub delivered: &'a [f64],
    /// Mean TEU in the system on the first and last day measured.
    pub first_last: (f64, f64),
    /// The resources, with the slopes of their queues (one per replication).
    pub resources: Vec<(&'a Resource, Vec<f64>)>,
    /// Days measured.
    pub days: f64,
}

/// A trend that grows: above 0 with 95 % confidence (or positive, with one value) and at
/// least [`MATERIAL_GROWTH`] of `per_day`.
fn grows(m: &Metric, per_day: f64) -> bool {
    let significant = match m.ci95 {
        Some([lo, _]) => lo > 0.0,
        None => m.mean > 0.0,
    };
    significant && m.mean >= MATERIAL_GROWTH * per_day
}

fn pressure(r: &Resource, growth: Metric) -> Pressure {
    Pressure {
        name: r.name.clone(),
        kind: r.kind.clone(),
        utilisation: r.utilisation.mean,
        mean_wait_h: r.mean_wait_h.as_ref().map(|w| w.mean).unwrap_or(0.0),
        queue_growth_teu_per_day: growth,
    }
}

fn describe(p: &Pressure, growth: bool) -> String {
    let mut s = format!(
        "{} ({} utilisation, mean wait {:.0} h",
        p.name,
        pct(p.utilisation),
        p.mean_wait_h
    );
    if growth {
        s.push_str(&format!(
            ", queue +{:.0} TEU/day",
            p.queue_growth_teu_per_day.mean
        ));
    }
    s.push(')');
    s
}

fn pct(x: f64) -> String {
    format!("{:.0} %", x * 100.0)
}

fn with_ci(m: &Metric) -> String {
    match m.ci95 {
        Some([lo, hi]) => format!("{:.0} TEU/day [{lo:.0}, {hi:.0}]", m.mean),
        None => format!("{:.0} TEU/day", m.mean),
    }
}

fn and_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [a] => a.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// The verdict of a run (see the module docs).
pub fn assess(i: &Inputs) -> Stability {
    let growth = metric(i.backlog_slopes);
    let arrived = metric(i.arrived);
    let delivered = metric(i.delivered);
    let days = i.days.max(1.0);
    let mut at: Vec<Pressure>;
    let verdict;
    let text;
    if grows(&growth, arrived.mean) {
        verdict = Verdict::Unstable;
        at = i
            .resources
            .iter()
            .filter_map(|(r, slopes)| {
                let g = metric(slopes);
                grows(&g, r.throughput_teu.mean / days).then(|| pressure(r, g))
            })
            .collect();
        at.sort_by(|a, b| {
            b.queue_growth_teu_per_day
                .mean
                .total_cmp(&a.queue_growth_teu_per_day.mean)
        });
        let behind = if at.is_empty() {
            " (in transit: no single queue grows)".to_string()
        } else {
            format!(
                " behind {}",
                and_list(&at.iter().map(|p| describe(p, true)).collect::<Vec<_>>())
            )
        };
        text = format!(
            "unstable: the backlog grows {}{behind}; {:.0} TEU arrive a day and {:.0} are delivered",
            with_ci(&growth),
            arrived.mean,
            delivered.mean
        );
    } else {
        at = i
            .resources
            .iter()
            .filter(|(r, _)| r.utilisation.mean >= SATURATED_UTILISATION)
            .map(|(r, slopes)| pressure(r, metric(slopes)))
            .collect();
        at.sort_by(|a, b| b.utilisation.total_cmp(&a.utilisation));
        let trend = format!(
            "the backlog does not grow (trend {:+.1} TEU/day, {} arriving a day)",
            growth.mean,
            format_args!("{:.0}", arrived.mean)
        );
        if at.is_empty() {
            verdict = Verdict::Stable;
            let busiest = i
                .resources
                .iter()
                .map(|(r, _)| r)
                .max_by(|a, b| a.utilisation.mean.total_cmp(&b.utilisation.mean));
            text = format!(
                "stable: {trend}; every resource below {} utilisation{}",
                pct(SATURATED_UTILISATION),
                busiest
                    .map(|r| format!(" (busiest: {} {})", r.name, pct(r.utilisation.mean)))
                    .unwrap_or_default()
            );
        } else {
            verdict = Verdict::Saturated;
            text = format!(
                "saturated at {}: {trend}, but {} no spare capacity for growth",
                and_list(&at.iter().map(|p| describe(p, false)).collect::<Vec<_>>()),
                if at.len() == 1 { "it has" } else { "they have" }
            );
        }
    }
    Stability {
        verdict,
        text,
        backlog_growth_teu_per_day: growth,
        arrived_teu_per_day: arrived,
        delivered_teu_per_day: delivered,
        backlog_first_day_teu: i.first_last.0,
        backlog_last_day_teu: i.first_last.1,
        at,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resource(name: &str, utilisation: f64, per_day: f64, days: f64) -> Resource {
        Resource {
            name: name.into(),
            kind: "node".into(),
            utilisation: Metric::single(utilisation),
            mean_queue_teu: Metric::single(0.0),
            max_queue_teu: 0.0,
            mean_wait_h: Some(Metric::single(10.0)),
            score: 0.0,
            throughput_teu: Metric::single(per_day * days),
            monthly_teu: [0.0; 12],
            batches: Metric::single(0.0),
        }
    }

    /// Daily series of `days` values: `level + slope·d`, with a seasonal swing and a
    /// replication's own noise.
    fn series(rep: u64, days: usize, level: f64, slope: f64) -> Vec<f64> {
        let mut x = rep.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
        (0..days)
            .map(|d| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                let noise = (x % 1000) as f64 / 1000.0 - 0.5;
                let season = (d as f64 / 365.0 * std::f64::consts::TAU).cos();
                level + slope * d as f64 + 50.0 * season + 40.0 * noise
            })
            .collect()
    }

    fn run(system_slope: f64, queue_slope: f64, utilisation: f64) -> Stability {
        let days = 365;
        let reps = 10;
        let slopes = |level, s| {
            (0..reps)
                .map(|r| Trend::of(&series(r, days, level, s)))
                .collect::<Vec<f64>>()
        };
        let backlog = slopes(5000.0, system_slope);
        let queue = slopes(200.0, queue_slope);
        let calm = slopes(30.0, 0.0);
        let a = resource("A", utilisation, 1000.0, days as f64);
        let b = resource("B", 0.5, 500.0, days as f64);
        let per_day = vec![1500.0; reps as usize];
        stability_of(&backlog, &per_day, vec![(&a, queue), (&b, calm)], days)
    }

    fn stability_of(
        backlog: &[f64],
        arrived: &[f64],
        resources: Vec<(&Resource, Vec<f64>)>,
        days: usize,
    ) -> Stability {
        let delivered: Vec<f64> = arrived.iter().zip(backlog).map(|(a, g)| a - g).collect();
        assess(&Inputs {
            backlog_slopes: backlog,
            arrived,
            delivered: &delivered,
            first_last: (0.0, 0.0),
            resources,
            days: days as f64,
        })
    }

    #[test]
    fn trend_is_the_least_squares_slope() {
        assert_eq!(Trend::of(&[1.0, 3.0, 5.0, 7.0]), 2.0);
        assert_eq!(Trend::of(&[4.0, 4.0, 4.0]), 0.0);
        assert_eq!(Trend::of(&[4.0]), 0.0);
        // y = 10 − 0.5 d with symmetric noise: the slope is exact.
        let ys: Vec<f64> = (0..100)
            .map(|d| 10.0 - 0.5 * d as f64 + if d % 2 == 0 { 1.0 } else { -1.0 })
            .collect();
        assert!((Trend::of(&ys) + 0.5).abs() < 1e-3, "{}", Trend::of(&ys));
    }

    #[test]
    fn a_flat_backlog_below_capacity_is_stable() {
        let s = run(0.0, 0.0, 0.80);
        assert_eq!(s.verdict, Verdict::Stable, "{}", s.text);
        assert!(s.at.is_empty());
        assert!(s.text.starts_with("stable: "), "{}", s.text);
        assert!(s.text.contains("busiest: A 80 %"), "{}", s.text);
        assert!(s.backlog_growth_teu_per_day.mean.abs() < 1.0);
    }

    #[test]
    fn a_flat_backlog_at_full_utilisation_is_saturated_at_that_resource() {
        let s = run(0.0, 0.0, 0.995);
        assert_eq!(s.verdict, Verdict::Saturated, "{}", s.text);
        assert_eq!(s.at.len(), 1);
        assert_eq!(s.at[0].name, "A");
        assert!(
            s.text.starts_with("saturated at A (100 % utilisation"),
            "{}",
            s.text
        );
    }

    #[test]
    fn a_growing_backlog_is_unstable_behind_the_queue_that_grows() {
        let s = run(120.0, 118.0, 1.0);
        assert_eq!(s.verdict, Verdict::Unstable, "{}", s.text);
        let names: Vec<&str> = s.at.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["A"], "{}", s.text);
        let g = s.backlog_growth_teu_per_day.mean;
        assert!((g - 120.0).abs() < 1.0, "{g}");
        assert!((s.at[0].queue_growth_teu_per_day.mean - 118.0).abs() < 1.0);
        assert!(
            s.text
                .starts_with("unstable: the backlog grows 120 TEU/day ["),
            "{}",
            s.text
        );
        assert!(s.text.contains("behind A (100 % utilisation"), "{}", s.text);
        // Delivered = arrived − growth.
        assert!((s.arrived_teu_per_day.mean - s.delivered_teu_per_day.mean - g).abs() < 1e-9);
    }

    #[test]
    fn a_slight_drift_within_the_seasonal_swing_is_not_instability() {
        // 5 TEU a day on 1,500 arriving (0.3 %): significant over ten replications but not
        // material.
        let s = run(5.0, 0.0, 0.80);
        assert_eq!(s.verdict, Verdict::Stable, "{}", s.text);
    }
}
