//! Running units: a variant is the base scenario with its levels set
//! ([`corridor_scenario::Scenario::set`]); a unit is one replication of it, run by
//! `corridor_scenario::run` with the unit's own seed; its results are tidy rows, one per
//! metric, scope (a corridor, or `all`) and year.

use crate::design::Variant;
use crate::plan::Plan;
use crate::unit::Unit;
use corridor_scenario::Scenario;
use corridor_scenario::run::{Options, RunError, ScenarioRun, run};
use corridor_scenario::timeline::Cache;
use corridor_scenario::vary::{Param, VaryError};
use serde::{Deserialize, Serialize};

/// One result of one unit.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Row {
    /// What is measured (see [`METRICS`]).
    pub metric: String,
    /// A corridor's key, or `all`.
    pub scope: String,
    /// The calendar year.
    pub year: i32,
    /// The value.
    pub value: f64,
}

/// The metrics and what each is, for the docs and `--help`.
pub const METRICS: &[(&str, &str)] = &[
    (
        "demand_teu",
        "the scenario's container demand that year, TEU (scope all)",
    ),
    (
        "teu_delivered",
        "containers delivered in the year, TEU (per corridor, and all)",
    ),
    (
        "backlog_teu",
        "TEU-equivalent in the system at the year's end (scope all)",
    ),
    (
        "top_utilisation",
        "utilisation of the busiest resource, 0 to 1 (scope all)",
    ),
    (
        "teu_offered",
        "containers starting on the corridor's routes, TEU",
    ),
    ("tonnes_delivered", "wagonload delivered, tonnes"),
    (
        "p50_days",
        "median door-to-door days of the containers delivered",
    ),
    ("p90_days", "90th percentile door-to-door days"),
    (
        "cost_usd_per_teu",
        "price of the containers delivered, USD per TEU",
    ),
    (
        "co2e_kg_per_teu",
        "well-to-wheel CO2e of the containers delivered, kg per TEU",
    ),
];

/// The base scenario with a variant's levels set.
pub fn variant_scenario(base: &Scenario, plan: &Plan, v: &Variant) -> Result<Scenario, VaryError> {
    let mut s = base.clone();
    s.run.replications = v.replications;
    // Starts first: a length in calendar months counts from the start it is given.
    let starts_first = |first: bool| {
        plan.axes
            .iter()
            .zip(&v.levels)
            .filter(move |(a, _)| matches!(a.param, Param::InterventionStart(_)) == first)
    };
    for (a, l) in starts_first(true).chain(starts_first(false)) {
        s.set(&a.param, l.value)?;
    }
    Ok(s)
}

/// Run one unit on its variant's cache: one replication with the unit's seed.
pub fn run_unit(cache: &Cache, unit: &Unit) -> Result<Vec<Row>, RunError> {
    let opts = Options {
        replications: Some(1),
        seed: Some(unit.seed),
        ..Options::default()
    };
    let r = run(cache, &opts, &|_| {})?;
    Ok(rows(&r))
}

/// The tidy rows of a one-replication run, in a fixed order; figures that are not
/// finite (a corridor that delivered nothing has no transit days) are left out.
pub fn rows(r: &ScenarioRun) -> Vec<Row> {
    let mut out = Vec::new();
    let mut push = |metric: &str, scope: &str, year: i32, value: f64| {
        if value.is_finite() {
            out.push(Row {
                metric: metric.into(),
                scope: scope.into(),
                year,
                value,
            });
        }
    };
    for y in &r.years {
        let k = &y.kpis;
        push("demand_teu", "all", k.year, y.demand_teu);
        let total: f64 = k.corridors.iter().map(|c| c.teu_delivered.mean).sum();
        push("teu_delivered", "all", k.year, total);
        push("backlog_teu", "all", k.year, k.backlog_teu.mean);
        let top = k
            .resources
            .iter()
            .map(|x| x.utilisation.mean)
            .fold(0.0, f64::max);
        push("top_utilisation", "all", k.year, top);
        for c in &k.corridors {
            let s = c.corridor.as_str();
            push("teu_offered", s, k.year, c.teu_offered.mean);
            push("teu_delivered", s, k.year, c.teu_delivered.mean);
            push("tonnes_delivered", s, k.year, c.tonnes_delivered.mean);
            push("p50_days", s, k.year, c.p50_days);
            push("p90_days", s, k.year, c.p90_days);
            push("cost_usd_per_teu", s, k.year, c.cost_usd_per_teu);
            push("co2e_kg_per_teu", s, k.year, c.co2e_kg_per_teu);
        }
    }
    out
}
