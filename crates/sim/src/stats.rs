//! Statistics with memory that does not grow with the number of entities: per-entity
//! tallies (Welford), time-weighted averages, log-bucketed histograms for quantiles, and
//! confidence intervals by batch means or across replications.

use serde::Serialize;

/// Mean, variance, minimum and maximum of observations (Welford's algorithm).
#[derive(Clone, Copy, Debug, Default, Serialize)]
pub struct Tally {
    /// Observations.
    pub n: u64,
    mean: f64,
    m2: f64,
    /// Smallest observation.
    pub min: f64,
    /// Largest observation.
    pub max: f64,
}

impl Tally {
    /// Add an observation.
    #[inline]
    pub fn add(&mut self, x: f64) {
        if self.n == 0 {
            self.min = x;
            self.max = x;
        } else {
            self.min = self.min.min(x);
            self.max = self.max.max(x);
        }
        self.n += 1;
        let d = x - self.mean;
        self.mean += d / self.n as f64;
        self.m2 += d * (x - self.mean);
    }
    /// Mean (NaN if empty).
    pub fn mean(&self) -> f64 {
        if self.n == 0 { f64::NAN } else { self.mean }
    }
    /// Sample variance.
    pub fn var(&self) -> f64 {
        if self.n < 2 {
            f64::NAN
        } else {
            self.m2 / (self.n - 1) as f64
        }
    }
}

/// The time average of a piecewise-constant quantity (queue length, busy servers).
#[derive(Clone, Copy, Debug, Default, Serialize)]
pub struct TimeAverage {
    start: f64,
    last_t: f64,
    value: f64,
    area: f64,
    /// Largest value seen.
    pub max: f64,
}

impl TimeAverage {
    /// Start measuring at `t` with the given value.
    pub fn start(t: f64, value: f64) -> TimeAverage {
        TimeAverage {
            start: t,
            last_t: t,
            value,
            area: 0.0,
            max: value,
        }
    }
    /// The quantity changes to `value` at time `t`.
    #[inline]
    pub fn set(&mut self, t: f64, value: f64) {
        self.area += self.value * (t - self.last_t);
        self.last_t = t;
        self.value = value;
        if value > self.max {
            self.max = value;
        }
    }
    /// Current value.
    pub fn value(&self) -> f64 {
        self.value
    }
    /// Area under the curve up to `t`.
    pub fn area(&self, t: f64) -> f64 {
        self.area + self.value * (t - self.last_t)
    }
    /// Average over [start, t].
    pub fn mean(&self, t: f64) -> f64 {
        let d = t - self.start;
        if d <= 0.0 {
            self.value
        } else {
            self.area(t) / d
        }
    }
    /// Restart the averaging window at `t` (after a warm-up), keeping the current value.
    pub fn reset(&mut self, t: f64) {
        self.area = 0.0;
        self.start = t;
        self.last_t = t;
        self.max = self.value;
    }
}

/// A histogram with logarithmic buckets: quantiles to a relative error of `1/RES` for
/// positive values from `LO` up, in fixed memory, mergeable across replications.
#[derive(Clone, Debug)]
pub struct Histogram {
    counts: Vec<u64>,
    zero: u64,
    n: u64,
    /// Exact sum of the observations, for the mean.
    sum: f64,
}

impl Histogram {
    /// Buckets per factor e (relative resolution ≈ 1/RES).
    pub const RES: f64 = 1000.0;
    /// Smallest positive value resolved (smaller positive values share the first bucket).
    pub const LO: f64 = 1e-3;
    const BUCKETS: usize = 23_100; // ln(1e10) × 1000: up to 1e7 (hours: 1,000 years)

    /// An empty histogram.
    pub fn new() -> Histogram {
        Histogram {
            counts: vec![0; Self::BUCKETS],
            zero: 0,
            n: 0,
            sum: 0.0,
        }
    }
    /// Add an observation (negative values count as zero).
    #[inline]
    pub fn add(&mut self, x: f64) {
        self.n += 1;
        self.sum += x.max(0.0);
        if x <= 0.0 {
            self.zero += 1;
            return;
        }
        let i = ((x / Self::LO).ln().max(0.0) * Self::RES) as usize;
        self.counts[i.min(Self::BUCKETS - 1)] += 1;
    }
    /// Observations.
    pub fn count(&self) -> u64 {
        self.n
    }
    /// The `p`-quantile (the midpoint of its bucket; NaN if empty).
    pub fn quantile(&self, p: f64) -> f64 {
        if self.n == 0 {
            return f64::NAN;
        }
        let rank = ((p.clamp(0.0, 1.0) * self.n as f64).ceil() as u64).max(1);
        if rank <= self.zero {
            return 0.0;
        }
        let mut acc = self.zero;
        for (i, &c) in self.counts.iter().enumerate() {
            acc += c;
            if acc >= rank {
                return Self::LO * ((i as f64 + 0.5) / Self::RES).exp();
            }
        }
        f64::NAN
    }
    /// Add another histogram's counts.
    pub fn merge(&mut self, o: &Histogram) {
        for (a, b) in self.counts.iter_mut().zip(&o.counts) {
            *a += b;
        }
        self.zero += o.zero;
        self.n += o.n;
        self.sum += o.sum;
    }
    /// The exact mean of the observations (NaN if empty).
    pub fn mean(&self) -> f64 {
        if self.n == 0 {
            f64::NAN
        } else {
            self.sum / self.n as f64
        }
    }
}

impl Default for Histogram {
    fn default() -> Self {
        Self::new()
    }
}

/// Mean and its standard error of independent values (batch means, replication means).
pub fn mean_se(xs: &[f64]) -> (f64, f64) {
    let k = xs.len() as f64;
    if xs.is_empty() {
        return (f64::NAN, f64::NAN);
    }
    let m = xs.iter().sum::<f64>() / k;
    if xs.len() < 2 {
        return (m, f64::NAN);
    }
    let v = xs.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / (k - 1.0);
    (m, (v / k).sqrt())
}

/// Two-sided Student-t critical value for confidence `level` (0.95, 0.99 or 0.999 exactly
/// by the Cornish–Fisher expansion, good for df ≥ 10; small df from a table).
pub fn t_quantile(level: f64, df: usize) -> f64 {
    let z = if (level - 0.95).abs() < 1e-9 {
        1.959_964
    } else if (level - 0.99).abs() < 1e-9 {
        2.575_829
    } else if (level - 0.999).abs() < 1e-9 {
        3.290_527
    } else {
        corridor_normal_quantile(0.5 + level / 2.0)
    };
    let small95 = [
        12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262,
    ];
    if (level - 0.95).abs() < 1e-9 && (1..=9).contains(&df) {
        return small95[df - 1];
    }
    let d = df.max(1) as f64;
    let g1 = (z.powi(3) + z) / 4.0;
    let g2 = (5.0 * z.powi(5) + 16.0 * z.powi(3) + 3.0 * z) / 96.0;
    let g3 = (3.0 * z.powi(7) + 19.0 * z.powi(5) + 17.0 * z.powi(3) - 15.0 * z) / 384.0;
    z + g1 / d + g2 / (d * d) + g3 / (d * d * d)
}

fn corridor_normal_quantile(p: f64) -> f64 {
    // Bisection on the complementary error function is plenty for a rarely used level.
    let (mut lo, mut hi) = (-10.0f64, 10.0f64);
    for _ in 0..200 {
        let mid = (lo + hi) / 2.0;
        if normal_cdf(mid) < p {
            lo = mid
        } else {
            hi = mid
        }
    }
    (lo + hi) / 2.0
}

fn normal_cdf(x: f64) -> f64 {
    // Abramowitz–Stegun 7.1.26 on erf.
    let t = 1.0 / (1.0 + 0.327_591_1 * x.abs() / std::f64::consts::SQRT_2);
    let y = 1.0
        - (((((1.061_405_429 * t - 1.453_152_027) * t) + 1.421_413_741) * t - 0.284_496_736) * t
            + 0.254_829_592)
            * t
            * (-(x * x) / 2.0).exp();
    0.5 * (1.0 + if x >= 0.0 { y } else { -y })
}

/// A confidence interval: mean ± t·se.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct Ci {
    /// Mean.
    pub mean: f64,
    /// Lower bound.
    pub lo: f64,
    /// Upper bound.
    pub hi: f64,
}

/// A `level` confidence interval of the mean of independent values.
pub fn ci(xs: &[f64], level: f64) -> Ci {
    let (m, se) = mean_se(xs);
    if !se.is_finite() {
        return Ci {
            mean: m,
            lo: m,
            hi: m,
        };
    }
    let h = t_quantile(level, xs.len() - 1) * se;
    Ci {
        mean: m,
        lo: m - h,
        hi: m + h,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tally_and_time_average() {
        let mut t = Tally::default();
        for x in [1.0, 2.0, 3.0, 4.0] {
            t.add(x);
        }
        assert_eq!(t.mean(), 2.5);
        assert!((t.var() - 5.0 / 3.0).abs() < 1e-12);
        let mut a = TimeAverage::start(0.0, 0.0);
        a.set(1.0, 2.0);
        a.set(3.0, 0.0);
        assert!((a.mean(4.0) - 1.0).abs() < 1e-12);
        assert_eq!(a.max, 2.0);
    }

    #[test]
    fn histogram_quantiles_within_resolution() {
        let mut h = Histogram::new();
        for i in 1..=100_000 {
            h.add(i as f64 * 0.01);
        }
        for p in [0.5, 0.9, 0.95, 0.99] {
            let want = p * 1000.0;
            assert!(
                (h.quantile(p) / want - 1.0).abs() < 0.002,
                "{p}: {} vs {want}",
                h.quantile(p)
            );
        }
        // The mean is exact: (0.01 + 1000) / 2.
        assert!((h.mean() - 500.005).abs() < 1e-9, "{}", h.mean());
        let mut g = Histogram::new();
        g.merge(&h);
        g.merge(&h);
        assert_eq!(g.quantile(0.5), h.quantile(0.5));
        assert!((g.mean() - h.mean()).abs() < 1e-9 && g.count() == 2 * h.count());
        assert!(Histogram::new().mean().is_nan());
    }

    #[test]
    fn t_values() {
        assert!((t_quantile(0.95, 29) - 2.045).abs() < 0.002);
        assert!((t_quantile(0.999, 29) - 3.659).abs() < 0.01);
        assert!((t_quantile(0.95, 4) - 2.776).abs() < 1e-9);
    }
}
