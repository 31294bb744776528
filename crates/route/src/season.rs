//! Seasons in the planner's Monte Carlo: the weather closures of a mode (the Caspian and
//! Black Sea ferries), month by month, as `simulation.toml` gives them to the simulation —
//! one source of truth, handed to the planner by whoever reads that file.
//!
//! A departure of a mode with a season is held, with the probability that the month's
//! share of days is closed, until the closure covering it ends. Closures alternate with
//! open spells; the closure covering a random instant is length-biased, and its remaining
//! time is uniform over it. For log-normal closure lengths (median m, shape σ) the
//! length-biased law is log-normal with median m·e^σ² and the same σ, so the remaining
//! time is U · L*, L* drawn from that law.

use corridor_model::dist::Distribution;
use corridor_model::network::Mode;
use corridor_model::units::Hours;
use serde::Serialize;

/// z of the 90th percentile of the standard normal.
const Z90: f64 = 1.281_551_565_545;

/// A mode's weather closures by month.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Season {
    /// Mode whose departures stop while closed.
    pub mode: Mode,
    /// Share of days closed, January to December (each in [0, 1]).
    pub closed_share: [f64; 12],
    /// Median length of a closure, hours.
    pub episode_p50_h: f64,
    /// 90th percentile length of a closure, hours (≥ the median).
    pub episode_p90_h: f64,
    /// The file the figures come from, for the notes.
    pub from: String,
}

impl Season {
    /// The length-biased law of the closure covering a random instant.
    pub fn covering_closure(&self) -> Distribution {
        let sigma = (self.episode_p90_h / self.episode_p50_h).ln() / Z90;
        let k = (sigma * sigma).exp();
        Distribution::LogNormal {
            p50: Hours(self.episode_p50_h * k),
            p90: Hours(self.episode_p90_h * k),
        }
    }

    /// Share of days closed in month `m` (1–12).
    pub fn closed_in(&self, m: u32) -> f64 {
        self.closed_share[(m.clamp(1, 12) - 1) as usize]
    }
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// The note of a result whose routes sail a mode with a season: the month's closure share,
/// beside the year's lowest, and where it comes from.
pub fn note(seasons: &[Season], ready: f64, modes: &[Mode]) -> Option<crate::notes::Note> {
    let m = crate::time::Instant(ready).month();
    let parts: Vec<String> = seasons
        .iter()
        .filter(|s| modes.contains(&s.mode))
        .map(|s| {
            let low = s.closed_share.iter().copied().fold(f64::INFINITY, f64::min);
            format!(
                "{} closed {:.0} % of {}'s days (the year's lowest month {:.0} %) in episodes of {} h median, {} h P90, from {}",
                s.mode,
                s.closed_in(m) * 100.0,
                MONTHS[(m - 1) as usize],
                low * 100.0,
                s.episode_p50_h,
                s.episode_p90_h,
                s.from
            )
        })
        .collect();
    if parts.is_empty() {
        return None;
    }
    Some(crate::notes::Note {
        id: "seasons",
        text: format!(
            "P50, P90 and ON TIME include the weather of the shipment's month: a sailing in a closure waits for its end — {}.",
            parts.join("; ")
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn caspian() -> Season {
        Season {
            mode: Mode::CaspianFerry,
            closed_share: [
                0.3, 0.2, 0.1, 0.1, 0.1, 0.03, 0.03, 0.03, 0.03, 0.1, 0.5, 0.5,
            ],
            episode_p50_h: 48.0,
            episode_p90_h: 190.0,
            from: String::new(),
        }
    }

    #[test]
    fn the_covering_closure_is_the_length_biased_lognormal() {
        // Monte Carlo oracle: draw closures, pick instants uniformly over their total
        // length; the median of the covering closure's length matches the formula.
        let s = caspian();
        let base = Distribution::LogNormal {
            p50: Hours(48.0),
            p90: Hours(190.0),
        };
        let n = 200_000;
        let mut lens: Vec<f64> = (0..n)
            .map(|i| base.sample((i as f64 + 0.5) / n as f64).0)
            .collect();
        let total: f64 = lens.iter().sum();
        lens.sort_by(f64::total_cmp);
        // Length-weighted median: the length below which half the closed time lies.
        let mut acc = 0.0;
        let weighted_median = lens
            .iter()
            .find(|l| {
                acc += **l;
                acc >= total / 2.0
            })
            .copied()
            .unwrap();
        let formula = s.covering_closure().p50().0;
        assert!(
            (weighted_median / formula - 1.0).abs() < 0.02,
            "{weighted_median} vs {formula}"
        );
        assert_eq!(s.closed_in(1), 0.3);
        assert_eq!(s.closed_in(7), 0.03);
    }
}
