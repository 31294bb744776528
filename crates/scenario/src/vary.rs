//! Variants of a scenario: the parameters a sweep may set (demand growth and volume, a
//! project's delay, an intervention's start, length and size, the simulation's route
//! choice, weather and breakdowns, the run's warm-up, last year and replications), each
//! checked as the scenario file's own value would be, and applied to the resolved
//! [`Scenario`] itself (never to its text).
//!
//! A parameter is named by a key (`demand.growth`, `project.ID.delay_days`,
//! `intervention.ID.start`, …; [`Param::parse`]) and set by [`Scenario::set`] with a
//! number (a date is hours since 1970-01-01, as [`Instant`] counts).

use crate::delay::Slip;
use crate::scenario::{Change, Scenario};
use corridor_model::diag::did_you_mean;
use corridor_model::network::Mode;
use corridor_route::time::Instant;

/// What a parameter's values are.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A real number.
    Number,
    /// A whole number.
    Integer,
    /// A calendar date (`YYYY-MM-DD`).
    Date,
}

/// A parameter of a scenario that a variant sets.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Param {
    /// `demand.growth`: growth a year of every flow no more specific rule matches.
    DemandGrowth,
    /// `demand.factor`: every flow's volume multiplied (1 = as written).
    DemandFactor,
    /// `project.ID.delay_days`: the project completes this many days after its expected
    /// date, firmly (no random slip; negative: earlier).
    ProjectDelayDays(String),
    /// `intervention.ID.start`: the first day in force (its length kept).
    InterventionStart(String),
    /// `intervention.ID.length_days`: days in force from its start (0: never in force).
    InterventionLengthDays(String),
    /// `intervention.ID.length_months`: calendar months in force from its start.
    InterventionLengthMonths(String),
    /// `intervention.ID.factor`: the factor of every `scale` change of the intervention.
    InterventionFactor(String),
    /// `run.warmup_days`: warm-up days before the first year.
    WarmupDays,
    /// `run.last_year`: the last simulated year (within the scenario's horizon).
    LastYear,
    /// `run.replications`: replications of the variant.
    Replications,
    /// `sim.choice.value_of_time_usd_per_teu_day`: the route choice's value of time.
    ValueOfTime,
    /// `sim.choice.carbon_usd_per_t`: the route choice's carbon price (well-to-wheel).
    CarbonPrice,
    /// `sim.choice.scale_usd`: the route choice's logit scale.
    ChoiceScale,
    /// `sim.weather.MODE.closed_share_factor`: every month's closed share of the mode's
    /// weather multiplied (each must stay at most 1).
    ClosedShareFactor(Mode),
    /// `sim.weather.MODE.episode_factor`: the median and 90th percentile of the mode's
    /// closure lengths multiplied.
    EpisodeFactor(Mode),
    /// `sim.breakdowns.mtbf_factor`: every breakdown's mean time between failures
    /// multiplied (above 1: more reliable).
    MtbfFactor,
}

/// Why a parameter cannot be named or set.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum VaryError {
    /// The key names no parameter.
    #[error("unknown parameter `{key}`{}", hint.as_ref().map(|h| format!(" ({h})")).unwrap_or_default())]
    Unknown {
        /// As written.
        key: String,
        /// What is possible, or a suggestion.
        hint: Option<String>,
    },
    /// The scenario has no such project or intervention.
    #[error("the scenario `{scenario}` has no {what} `{id}`{}", hint.as_ref().map(|h| format!(" ({h})")).unwrap_or_default())]
    NoSuchId {
        /// The scenario.
        scenario: String,
        /// `project` or `intervention`.
        what: &'static str,
        /// The id.
        id: String,
        /// A suggestion.
        hint: Option<String>,
    },
    /// The parameter does not apply to this project or intervention.
    #[error("{0}")]
    NotApplicable(String),
    /// A value out of its range.
    #[error("{key}: expected {expected}, found {found}")]
    Range {
        /// The parameter.
        key: String,
        /// The range, in words.
        expected: String,
        /// The value.
        found: String,
    },
}

/// The keys [`Param::parse`] knows, for messages.
pub const KEYS: &[&str] = &[
    "demand.growth",
    "demand.factor",
    "project.ID.delay_days",
    "intervention.ID.start",
    "intervention.ID.length_days",
    "intervention.ID.length_months",
    "intervention.ID.factor",
    "run.warmup_days",
    "run.last_year",
    "run.replications",
    "sim.choice.value_of_time_usd_per_teu_day",
    "sim.choice.carbon_usd_per_t",
    "sim.choice.scale_usd",
    "sim.weather.MODE.closed_share_factor",
    "sim.weather.MODE.episode_factor",
    "sim.breakdowns.mtbf_factor",
];

impl Param {
    /// The parameter a key names, checked against the scenario's projects and
    /// interventions.
    pub fn parse(key: &str, s: &Scenario) -> Result<Param, VaryError> {
        let unknown = || VaryError::Unknown {
            key: key.to_string(),
            hint: did_you_mean(key, KEYS.iter().copied())
                .or_else(|| Some(format!("parameters are {}", KEYS.join(", ")))),
        };
        let p = match key {
            "demand.growth" => return Ok(Param::DemandGrowth),
            "demand.factor" => return Ok(Param::DemandFactor),
            "run.warmup_days" => return Ok(Param::WarmupDays),
            "run.last_year" => return Ok(Param::LastYear),
            "run.replications" => return Ok(Param::Replications),
            "sim.choice.value_of_time_usd_per_teu_day" => return Ok(Param::ValueOfTime),
            "sim.choice.carbon_usd_per_t" => return Ok(Param::CarbonPrice),
            "sim.choice.scale_usd" => return Ok(Param::ChoiceScale),
            "sim.breakdowns.mtbf_factor" => {
                Param::MtbfFactor.check_id(s)?;
                return Ok(Param::MtbfFactor);
            }
            _ => key,
        };
        if let Some(rest) = p.strip_prefix("sim.weather.") {
            let (mode, field) = rest.rsplit_once('.').ok_or_else(unknown)?;
            let modes: Vec<String> = s
                .params
                .weather
                .iter()
                .map(|w| w.mode.to_string())
                .collect();
            let Some(m) =
                Mode::parse(mode).filter(|m| s.params.weather.iter().any(|w| w.mode == *m))
            else {
                return Err(VaryError::NoSuchId {
                    scenario: s.name.clone(),
                    what: "weather of the mode",
                    id: mode.into(),
                    hint: did_you_mean(mode, modes.iter().map(String::as_str)).or_else(|| {
                        Some(if modes.is_empty() {
                            "its simulation has no [[weather]]".into()
                        } else {
                            format!("its simulation's [[weather]] is of {}", modes.join(", "))
                        })
                    }),
                });
            };
            return match field {
                "closed_share_factor" => Ok(Param::ClosedShareFactor(m)),
                "episode_factor" => Ok(Param::EpisodeFactor(m)),
                _ => Err(unknown()),
            };
        }
        let (head, rest) = p.split_once('.').ok_or_else(unknown)?;
        let (id, field) = rest.rsplit_once('.').ok_or_else(unknown)?;
        let param = match (head, field) {
            ("project", "delay_days") => Param::ProjectDelayDays(id.into()),
            ("intervention", "start") => Param::InterventionStart(id.into()),
            ("intervention", "length_days") => Param::InterventionLengthDays(id.into()),
            ("intervention", "length_months") => Param::InterventionLengthMonths(id.into()),
            ("intervention", "factor") => Param::InterventionFactor(id.into()),
            _ => return Err(unknown()),
        };
        param.check_id(s)?;
        Ok(param)
    }

    fn check_id(&self, s: &Scenario) -> Result<(), VaryError> {
        let no = |what: &'static str, id: &str, ids: Vec<&str>| VaryError::NoSuchId {
            scenario: s.name.clone(),
            what,
            id: id.into(),
            hint: did_you_mean(id, ids.iter().copied()).or_else(|| {
                Some(if ids.is_empty() {
                    format!("it has no {what}s")
                } else {
                    format!("its {what}s are {}", ids.join(", "))
                })
            }),
        };
        match self {
            Param::ProjectDelayDays(id) => {
                let Some(i) = s.project(id) else {
                    return Err(no(
                        "project",
                        id,
                        s.projects.iter().map(|p| p.id.as_str()).collect(),
                    ));
                };
                let p = &s.projects[i];
                if p.status == crate::Status::Cancelled || p.expected.is_none() {
                    return Err(VaryError::NotApplicable(format!(
                        "project `{id}` is cancelled or has no expected date: it has no delay to set"
                    )));
                }
                Ok(())
            }
            Param::InterventionStart(id)
            | Param::InterventionLengthDays(id)
            | Param::InterventionLengthMonths(id)
            | Param::InterventionFactor(id) => {
                let Some(iv) = s.interventions.iter().find(|x| x.id == *id) else {
                    return Err(no(
                        "intervention",
                        id,
                        s.interventions.iter().map(|p| p.id.as_str()).collect(),
                    ));
                };
                let scales = iv
                    .changes
                    .iter()
                    .filter(|c| matches!(c.change, Change::Scale { .. }))
                    .count();
                if matches!(self, Param::InterventionFactor(_)) && scales == 0 {
                    return Err(VaryError::NotApplicable(format!(
                        "intervention `{id}` has no `scale` change: `factor` sets the factor of its scale changes"
                    )));
                }
                Ok(())
            }
            Param::MtbfFactor if s.params.breakdowns.is_empty() => {
                Err(VaryError::NotApplicable(format!(
                    "the simulation of scenario `{}` has no [[breakdowns]]: `sim.breakdowns.mtbf_factor` would change nothing",
                    s.name
                )))
            }
            Param::ClosedShareFactor(m) | Param::EpisodeFactor(m)
                if !s.params.weather.iter().any(|w| w.mode == *m) =>
            {
                Err(VaryError::NotApplicable(format!(
                    "the simulation of scenario `{}` has no [[weather]] of `{m}`: `{}` would change nothing",
                    s.name,
                    self.key()
                )))
            }
            _ => Ok(()),
        }
    }

    /// What its values are.
    pub fn kind(&self) -> Kind {
        match self {
            Param::InterventionStart(_) => Kind::Date,
            Param::LastYear | Param::Replications | Param::InterventionLengthMonths(_) => {
                Kind::Integer
            }
            _ => Kind::Number,
        }
    }

    /// The key that names it.
    pub fn key(&self) -> String {
        match self {
            Param::DemandGrowth => "demand.growth".into(),
            Param::DemandFactor => "demand.factor".into(),
            Param::ProjectDelayDays(id) => format!("project.{id}.delay_days"),
            Param::InterventionStart(id) => format!("intervention.{id}.start"),
            Param::InterventionLengthDays(id) => format!("intervention.{id}.length_days"),
            Param::InterventionLengthMonths(id) => format!("intervention.{id}.length_months"),
            Param::InterventionFactor(id) => format!("intervention.{id}.factor"),
            Param::WarmupDays => "run.warmup_days".into(),
            Param::LastYear => "run.last_year".into(),
            Param::Replications => "run.replications".into(),
            Param::ValueOfTime => "sim.choice.value_of_time_usd_per_teu_day".into(),
            Param::CarbonPrice => "sim.choice.carbon_usd_per_t".into(),
            Param::ChoiceScale => "sim.choice.scale_usd".into(),
            Param::ClosedShareFactor(m) => format!("sim.weather.{m}.closed_share_factor"),
            Param::EpisodeFactor(m) => format!("sim.weather.{m}.episode_factor"),
            Param::MtbfFactor => "sim.breakdowns.mtbf_factor".into(),
        }
    }

    /// The values it accepts on scenario `s`: (min, max) inclusive, and the range in words.
    pub fn bounds(&self, s: &Scenario) -> (f64, f64, String) {
        let date = |y: i32| Instant::from_civil(y, 1, 1, 0.0).0;
        match self {
            Param::DemandGrowth => (-0.5, 1.0, "a growth a year from -0.5 to 1.0".into()),
            Param::DemandFactor => (0.0, 100.0, "a factor from 0 to 100".into()),
            Param::ProjectDelayDays(_) => (-3650.0, 3650.0, "-3650 to 3650 days".into()),
            Param::InterventionStart(_) => (
                date(1971),
                date(2200) - 24.0,
                "a date from 1971-01-01 to 2199-12-31".into(),
            ),
            Param::InterventionLengthDays(_) => (0.0, 36_500.0, "0 to 36500 days".into()),
            Param::InterventionLengthMonths(_) => (0.0, 1200.0, "0 to 1200 months".into()),
            Param::InterventionFactor(_) => (
                f64::MIN_POSITIVE,
                1000.0,
                "a factor above 0 and at most 1000".into(),
            ),
            Param::WarmupDays => (0.0, 365.0, "0 to 365 days of warm-up".into()),
            Param::LastYear => (
                s.first_year as f64,
                s.last_year as f64,
                format!(
                    "a year of the scenario's horizon, {} to {}",
                    s.first_year, s.last_year
                ),
            ),
            Param::Replications => (1.0, 10_000.0, "1 to 10000 replications".into()),
            Param::ValueOfTime => (0.0, 10_000.0, "0 to 10000 USD per TEU-day".into()),
            Param::CarbonPrice => (0.0, 10_000.0, "0 to 10000 USD per tonne of CO2e".into()),
            Param::ChoiceScale => (
                f64::MIN_POSITIVE,
                1e6,
                "a scale above 0 and at most 1000000 USD per TEU".into(),
            ),
            Param::ClosedShareFactor(m) => {
                // Every month's share times the factor stays a share.
                let top = s
                    .params
                    .weather
                    .iter()
                    .filter(|w| w.mode == *m)
                    .flat_map(|w| w.closed_share)
                    .fold(0.0, f64::max);
                let hi = if top > 0.0 { 1.0 / top } else { 1000.0 };
                (
                    0.0,
                    hi,
                    format!(
                        "a factor from 0 to {} (its largest monthly closed share, {top}, times the factor must stay at most 1)",
                        (hi * 1000.0).floor() / 1000.0
                    ),
                )
            }
            Param::EpisodeFactor(_) | Param::MtbfFactor => {
                (0.01, 100.0, "a factor from 0.01 to 100".into())
            }
        }
    }
}

impl Scenario {
    /// Set a parameter: `value` is a number (a date in hours since 1970-01-01). Checked
    /// against the parameter's range ([`Param::bounds`]) as the scenario file's own value
    /// would be.
    pub fn set(&mut self, p: &Param, value: f64) -> Result<(), VaryError> {
        let (lo, hi, words) = p.bounds(self);
        let whole = p.kind() != Kind::Number;
        if !(value.is_finite() && value >= lo && value <= hi) || (whole && value.fract() != 0.0) {
            return Err(VaryError::Range {
                key: p.key(),
                expected: if whole {
                    format!("{words} (a whole number)")
                } else {
                    words
                },
                found: match p.kind() {
                    Kind::Date if value.is_finite() => Instant(value).iso()[..10].to_string(),
                    _ => value.to_string(),
                },
            });
        }
        p.check_id(self)?;
        match p {
            Param::DemandGrowth => self.demand.default_rate = value,
            Param::DemandFactor => self.scale_demand(value)?,
            Param::ProjectDelayDays(id) => {
                let i = self.project(id).expect("checked");
                let pr = &mut self.projects[i];
                let at = pr.expected.expect("checked") + value * 24.0;
                pr.expected = Some(at);
                pr.expected_date = Some(Instant(at).iso()[..10].to_string());
                pr.slip = Slip::None;
            }
            Param::InterventionStart(id) => {
                let iv = self.intervention_mut(id);
                if let Some(u) = iv.until.as_mut() {
                    *u += value - iv.from;
                }
                iv.from = value;
                iv.from_date = Instant(value).iso()[..10].to_string();
                iv.to_date = iv.until.map(last_day);
            }
            Param::InterventionLengthDays(id) => {
                let iv = self.intervention_mut(id);
                iv.until = Some(iv.from + value * 24.0);
                iv.to_date = iv.until.map(last_day);
            }
            Param::InterventionLengthMonths(id) => {
                let iv = self.intervention_mut(id);
                iv.until = Some(plus_months(iv.from, value as i32));
                iv.to_date = iv.until.map(last_day);
            }
            Param::InterventionFactor(id) => {
                for c in &mut self.intervention_mut(id).changes {
                    if let Change::Scale { factor, .. } = &mut c.change {
                        *factor = value;
                    }
                }
            }
            Param::WarmupDays => self.run.warmup_days = value,
            Param::LastYear => self.last_year = value as i32,
            Param::Replications => self.run.replications = value as u64,
            Param::ValueOfTime => self.params.choice.value_of_time = value,
            Param::CarbonPrice => self.params.choice.carbon_price = value,
            Param::ChoiceScale => self.params.choice.scale = value,
            Param::ClosedShareFactor(m) => {
                for w in self.params.weather.iter_mut().filter(|w| w.mode == *m) {
                    for x in &mut w.closed_share {
                        *x = (*x * value).min(1.0);
                    }
                }
            }
            Param::EpisodeFactor(m) => {
                for w in self.params.weather.iter_mut().filter(|w| w.mode == *m) {
                    w.episode_p50_h *= value;
                    w.episode_p90_h *= value;
                }
            }
            Param::MtbfFactor => {
                for b in &mut self.params.breakdowns {
                    b.mtbf_h *= value;
                }
            }
        }
        Ok(())
    }

    fn intervention_mut(&mut self, id: &str) -> &mut crate::scenario::Intervention {
        self.interventions
            .iter_mut()
            .find(|x| x.id == id)
            .expect("checked")
    }

    fn scale_demand(&mut self, f: f64) -> Result<(), VaryError> {
        let teu = corridor_model::ranges::DEMAND_TEU_YEAR;
        let tonnes = corridor_model::ranges::DEMAND_TONNES_YEAR;
        for fl in &mut self.demand.flows {
            fl.teu_per_year *= f;
            fl.tonnes_per_year *= f;
            for (v, r) in [(fl.teu_per_year, teu), (fl.tonnes_per_year, tonnes)] {
                if v > 0.0 && !r.contains(v) {
                    return Err(VaryError::Range {
                        key: "demand.factor".into(),
                        expected: format!(
                            "a factor that keeps every flow within {} (the flow {} → {} of {}:{} becomes {v})",
                            r.describe(),
                            fl.from,
                            fl.to,
                            fl.file,
                            fl.line
                        ),
                        found: f.to_string(),
                    });
                }
            }
        }
        Ok(())
    }
}

/// The last day in force of an intervention that ends (exclusive) at `until`.
fn last_day(until: f64) -> String {
    Instant(until - 24.0).iso()[..10].to_string()
}

/// `months` calendar months after `from` (the same day of the month, or the month's last).
fn plus_months(from: f64, months: i32) -> f64 {
    let iso = Instant(from).iso();
    let (y, m, d): (i32, i32, u32) = (
        iso[0..4].parse().expect("iso"),
        iso[5..7].parse().expect("iso"),
        iso[8..10].parse().expect("iso"),
    );
    let n = y * 12 + (m - 1) + months;
    let (y2, m2) = (n.div_euclid(12), n.rem_euclid(12) as u32 + 1);
    // The day, or the last of a shorter month.
    let day = (1..=d)
        .rev()
        .find(|&dd| Instant::parse(&format!("{y2:04}-{m2:02}-{dd:02}"), None).is_ok())
        .unwrap_or(1);
    Instant::from_civil(y2, m2, day, 0.0).0 + (from - Instant::from_civil(y, m as u32, d, 0.0).0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_are_calendar_months() {
        let d = |s: &str| Instant::parse(s, None).unwrap().0;
        assert_eq!(plus_months(d("2026-01-01"), 6), d("2026-07-01"));
        assert_eq!(plus_months(d("2026-01-31"), 1), d("2026-02-28"));
        assert_eq!(plus_months(d("2026-11-15"), 24), d("2028-11-15"));
        assert_eq!(plus_months(d("2026-03-01"), 0), d("2026-03-01"));
    }
}
