//! Time distributions made ready to draw: the constants of a distribution computed once,
//! draws bit for bit those of [`Distribution::sample`].

use corridor_model::dist::Distribution;

/// A time distribution with its constants computed once: draws are those of
/// [`Distribution::sample`], bit for bit, without recomputing the log-normal's σ per draw.
#[derive(Clone, Debug)]
pub(crate) enum Sampler {
    Fixed(f64),
    LogNormal { p50: f64, sigma: f64 },
    Other(Distribution),
}

impl Sampler {
    pub(crate) fn new(d: &Distribution) -> Sampler {
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

    /// A log-normal from its median and 90th percentile, hours.
    pub(crate) fn lognormal(p50: f64, p90: f64) -> Sampler {
        Sampler::new(&Distribution::LogNormal {
            p50: corridor_model::units::Hours(p50),
            p90: corridor_model::units::Hours(p90),
        })
    }

    /// A draw from a uniform variate in (0, 1).
    #[inline]
    pub(crate) fn sample(&self, u: f64) -> f64 {
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
