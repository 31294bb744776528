//! When projects complete: each project that is not complete has an uncertain completion
//! date, its expected date plus a slip drawn from a distribution; a replication draws one
//! date per project from a stream of its own (seed, replication, project id), so the same
//! project slips the same way in every scenario that has it (common random numbers).
//!
//! Default slips, by status [E-PROJECT-SLIP]: regional projects slipped 2–4 years against
//! their first announcements (corridor-operations §7), so a project not yet under
//! construction (planned or delayed) slips uniformly 1 to 3 years beyond its expected
//! date, and one under construction 0 to 1 year, most likely 3 months (triangular). A
//! complete project is in force from its date; a cancelled one never.

use corridor_model::dist::Distribution;
use serde::Serialize;

/// How a project's completion slips beyond its expected date.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Slip {
    /// It does not slip (complete, or a scenario's firm date).
    None,
    /// Uniform between two numbers of days.
    Uniform {
        /// Fewest days.
        min_days: f64,
        /// Most days.
        max_days: f64,
    },
    /// A distribution of days (as written in a scenario: `tri(0d; 90d; 365d)`).
    Days {
        /// The distribution, of durations in hours.
        dist: Distribution,
    },
    /// It never completes (cancelled).
    Never,
}

impl Slip {
    /// The slip in hours for a uniform variate `u` in (0, 1) (`None`: never completes).
    pub fn draw(&self, u: f64) -> Option<f64> {
        match self {
            Slip::None => Some(0.0),
            Slip::Uniform { min_days, max_days } => {
                Some((min_days + u * (max_days - min_days)) * 24.0)
            }
            Slip::Days { dist } => Some(dist.sample(u).0),
            Slip::Never => None,
        }
    }

    /// The default of a status.
    pub fn default_for(status: crate::Status) -> Slip {
        use crate::Status::*;
        match status {
            Complete => Slip::None,
            Cancelled => Slip::Never,
            Planned | Delayed => Slip::Uniform {
                min_days: 365.0,
                max_days: 3.0 * 365.0,
            },
            UnderConstruction => Slip::Days {
                dist: Distribution::Triangular {
                    min: corridor_model::units::Hours(0.0),
                    mode: corridor_model::units::Hours(90.0 * 24.0),
                    max: corridor_model::units::Hours(365.0 * 24.0),
                },
            },
        }
    }

    /// In words, for reports.
    pub fn describe(&self) -> String {
        match self {
            Slip::None => "no slip".into(),
            Slip::Uniform { min_days, max_days } => {
                format!(
                    "slips {:.1}–{:.1} years (uniform)",
                    min_days / 365.0,
                    max_days / 365.0
                )
            }
            Slip::Days { dist } => format!("slips {dist}"),
            Slip::Never => "never completes".into(),
        }
    }
}

/// A uniform variate in (0, 1) for a project in a replication: SplitMix64 of a hash of the
/// seed, the replication and the project's id.
pub fn uniform(seed: u64, rep: u64, project: &str) -> f64 {
    // FNV-1a of the id, then mixed with the seed and replication.
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in project.bytes() {
        h ^= b as u64;
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    let mut z =
        h ^ seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ rep.wrapping_mul(0xD1B5_4A32_D192_ED03);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^= z >> 31;
    ((z >> 11) as f64 + 0.5) / (1u64 << 53) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn draws_are_per_project_and_stable() {
        let a = uniform(42, 3, "alat-phase-2");
        assert_eq!(a, uniform(42, 3, "alat-phase-2"));
        assert_ne!(a, uniform(42, 3, "poti-apmt"));
        assert_ne!(a, uniform(42, 4, "alat-phase-2"));
        assert!(a > 0.0 && a < 1.0);
        let s = Slip::default_for(crate::Status::Planned);
        let d = s.draw(0.5).unwrap() / 24.0 / 365.0;
        assert!((d - 2.0).abs() < 1e-9);
        assert_eq!(Slip::default_for(crate::Status::Cancelled).draw(0.5), None);
        let mean: f64 = (0..10_000)
            .map(|i| {
                Slip::default_for(crate::Status::UnderConstruction)
                    .draw(uniform(1, i, "x"))
                    .unwrap()
            })
            .sum::<f64>()
            / 10_000.0
            / 24.0;
        // Triangular (0, 90, 365) days has mean 151.7 days.
        assert!((mean - 151.7).abs() < 5.0, "{mean}");
    }
}
