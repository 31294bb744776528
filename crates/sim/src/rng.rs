//! Random streams: one seeded stream per replication and per stochastic source, so that
//! a run is reproducible whatever the thread count, and two scenarios with the same seed
//! see the same arrivals, weather and delays (common random numbers).

use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};

/// SplitMix64 step: a good mixer for deriving seeds.
#[inline]
pub fn splitmix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A random stream (xoshiro256++ via `SmallRng`).
pub struct Stream(pub SmallRng);

impl Stream {
    /// The stream for a source within a replication of a seeded experiment.
    pub fn new(seed: u64, replication: u64, source: u64) -> Stream {
        let s = splitmix(
            splitmix(splitmix(seed) ^ replication.wrapping_mul(0xA24B_AED4_963E_E407))
                ^ source.wrapping_mul(0x9FB2_1C65_1E98_DF25),
        );
        Stream(SmallRng::seed_from_u64(s))
    }

    /// A uniform variate in (0, 1).
    #[inline]
    pub fn uniform(&mut self) -> f64 {
        ((self.0.random::<u64>() >> 11) as f64 + 0.5) * (1.0 / (1u64 << 53) as f64)
    }

    /// An exponential variate with the given mean.
    #[inline]
    pub fn exp_mean(&mut self, mean: f64) -> f64 {
        use rand_distr::Distribution;
        let e: f64 = rand_distr::Exp1.sample(&mut self.0);
        e * mean
    }

    /// A log-normal variate given its mean and standard deviation.
    #[inline]
    pub fn lognormal_mean_sd(&mut self, mean: f64, sd: f64) -> f64 {
        let (mu, sigma) = lognormal_params(mean, sd);
        self.lognormal(mu, sigma)
    }

    /// A log-normal variate given the parameters of its logarithm.
    #[inline]
    pub fn lognormal(&mut self, mu: f64, sigma: f64) -> f64 {
        use rand_distr::Distribution;
        let z: f64 = rand_distr::StandardNormal.sample(&mut self.0);
        (mu + sigma * z).exp()
    }
}

/// (μ, σ) of the normal logarithm of a log-normal with the given mean and sd.
pub fn lognormal_params(mean: f64, sd: f64) -> (f64, f64) {
    let s2 = (1.0 + (sd / mean).powi(2)).ln();
    (mean.ln() - s2 / 2.0, s2.sqrt())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streams_are_reproducible_and_independent() {
        let a: Vec<f64> = (0..5)
            .map({
                let mut s = Stream::new(7, 0, 1);
                move |_| s.uniform()
            })
            .collect();
        let b: Vec<f64> = (0..5)
            .map({
                let mut s = Stream::new(7, 0, 1);
                move |_| s.uniform()
            })
            .collect();
        let c: Vec<f64> = (0..5)
            .map({
                let mut s = Stream::new(7, 1, 1);
                move |_| s.uniform()
            })
            .collect();
        let d: Vec<f64> = (0..5)
            .map({
                let mut s = Stream::new(7, 0, 2);
                move |_| s.uniform()
            })
            .collect();
        assert_eq!(a, b);
        assert_ne!(a, c);
        assert_ne!(a, d);
        assert!(a.iter().all(|u| *u > 0.0 && *u < 1.0));
    }

    #[test]
    fn samplers_have_the_right_means() {
        let mut s = Stream::new(1, 0, 0);
        let n = 200_000;
        let e: f64 = (0..n).map(|_| s.exp_mean(3.0)).sum::<f64>() / n as f64;
        assert!((e - 3.0).abs() < 0.05, "{e}");
        let l: f64 = (0..n).map(|_| s.lognormal_mean_sd(10.0, 6.0)).sum::<f64>() / n as f64;
        assert!((l - 10.0).abs() < 0.1, "{l}");
    }
}
