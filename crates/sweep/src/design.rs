//! Designs: which variants a plan's axes give. A full-factorial design takes every
//! combination of the axes' levels (the first axis varies slowest); a Latin hypercube
//! takes `samples` points, each axis's range cut into `samples` equal strata with one point
//! in each, the strata of the axes matched by seeded permutations.

use crate::plan::Plan;
use corridor_route::time::Instant;
use corridor_scenario::vary::{Kind, Param};
use serde::Serialize;

/// An axis: a parameter and the values it takes.
#[derive(Clone, Debug)]
pub struct Axis {
    /// The parameter's key (`demand.growth`).
    pub key: String,
    /// The parameter.
    pub param: Param,
    /// Its column in the results.
    pub column: String,
    /// Its values.
    pub levels: Levels,
}

/// The values of an axis.
#[derive(Clone, Debug)]
pub enum Levels {
    /// These values (numbers; dates in hours since 1970-01-01).
    List(Vec<f64>),
    /// Anywhere from `from` to `to` (a Latin hypercube's continuous axis).
    Range {
        /// Lowest.
        from: f64,
        /// Highest.
        to: f64,
        /// Rounded to whole numbers or days unless a number.
        kind: Kind,
    },
}

/// How the variants are drawn.
#[derive(Clone, Debug, PartialEq)]
pub enum Design {
    /// Every combination.
    Full,
    /// A Latin hypercube.
    LatinHypercube {
        /// Variants.
        samples: usize,
        /// Seed of the permutations and the points within strata.
        seed: u64,
    },
}

/// One value of a variant, with its text (the form in the results and the seeds).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Level {
    /// The number (a date: hours since 1970-01-01).
    pub value: f64,
    /// As written in the results: a number, a whole number or `YYYY-MM-DD`.
    pub text: String,
}

impl Level {
    /// A value of a parameter of `kind`.
    pub fn new(kind: Kind, value: f64) -> Level {
        let text = match kind {
            Kind::Date => Instant(value).iso()[..10].to_string(),
            Kind::Integer => format!("{}", value as i64),
            Kind::Number => format!("{value}"),
        };
        Level { value, text }
    }
}

/// A variant: one level per axis.
#[derive(Clone, Debug, Serialize)]
pub struct Variant {
    /// Its index in the design.
    pub index: usize,
    /// Its key, the Hive partition's value (`v0007`).
    pub key: String,
    /// One per axis, in the plan's order.
    pub levels: Vec<Level>,
    /// Its replications.
    pub replications: u64,
}

/// SplitMix64: the design's own small generator (stable across versions).
pub(crate) struct SplitMix(pub u64);

impl SplitMix {
    pub(crate) fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in [0, 1).
    pub(crate) fn uniform(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

fn fnv(s: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in s.bytes() {
        h ^= b as u64;
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

impl Plan {
    /// How many variants the design gives.
    pub fn variant_count(&self) -> u128 {
        match self.design {
            Design::Full => self
                .axes
                .iter()
                .map(|a| match &a.levels {
                    Levels::List(l) => l.len() as u128,
                    Levels::Range { .. } => 1,
                })
                .product(),
            Design::LatinHypercube { samples, .. } => samples as u128,
        }
    }

    /// The variants, in design order.
    pub fn variants(&self) -> Vec<Variant> {
        let n = self.variant_count() as usize;
        let width = (n.saturating_sub(1).to_string().len()).max(4);
        let rows: Vec<Vec<f64>> = match self.design {
            Design::Full => self.factorial(n),
            Design::LatinHypercube { samples, seed } => self.hypercube(samples, seed),
        };
        rows.into_iter()
            .enumerate()
            .map(|(i, vals)| {
                let levels: Vec<Level> = self
                    .axes
                    .iter()
                    .zip(vals)
                    .map(|(a, v)| Level::new(a.param.kind(), v))
                    .collect();
                let replications = self
                    .axes
                    .iter()
                    .zip(&levels)
                    .find(|(a, _)| a.param == Param::Replications)
                    .map(|(_, l)| l.value as u64)
                    .unwrap_or(self.replications);
                Variant {
                    index: i,
                    key: format!("v{i:0width$}"),
                    levels,
                    replications,
                }
            })
            .collect()
    }

    fn factorial(&self, n: usize) -> Vec<Vec<f64>> {
        let lists: Vec<&[f64]> = self
            .axes
            .iter()
            .map(|a| match &a.levels {
                Levels::List(l) => l.as_slice(),
                Levels::Range { from, .. } => std::slice::from_ref(from),
            })
            .collect();
        (0..n)
            .map(|mut i| {
                let mut row = vec![0.0; lists.len()];
                for (k, l) in lists.iter().enumerate().rev() {
                    row[k] = l[i % l.len()];
                    i /= l.len();
                }
                row
            })
            .collect()
    }

    fn hypercube(&self, samples: usize, seed: u64) -> Vec<Vec<f64>> {
        let cols: Vec<Vec<f64>> = self
            .axes
            .iter()
            .map(|a| {
                let mut rng = SplitMix(seed ^ fnv(&a.key));
                // A seeded permutation of the strata (Fisher–Yates).
                let mut perm: Vec<usize> = (0..samples).collect();
                for i in (1..samples).rev() {
                    perm.swap(i, (rng.next() % (i as u64 + 1)) as usize);
                }
                perm.iter()
                    .map(|&s| {
                        let u = (s as f64 + rng.uniform()) / samples as f64;
                        match &a.levels {
                            Levels::List(l) => l[((u * l.len() as f64) as usize).min(l.len() - 1)],
                            Levels::Range { from, to, kind } => {
                                let x = from + u * (to - from);
                                match kind {
                                    Kind::Number => x,
                                    Kind::Integer => x.round().clamp(*from, *to),
                                    Kind::Date => ((x / 24.0).round() * 24.0).clamp(*from, *to),
                                }
                            }
                        }
                    })
                    .collect()
            })
            .collect();
        (0..samples)
            .map(|i| cols.iter().map(|c| c[i]).collect())
            .collect()
    }
}
