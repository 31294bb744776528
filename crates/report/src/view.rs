//! The results as the renderer reads them: the JSON the engine writes (`corridor scenario run
//! --json`'s `run`, `corridor scenario compare --json`'s `comparison`, `corridor simulate
//! --json`'s `report`), read back into the fields the drawings use. The CLI hands over its
//! in-process result through the same JSON the server stores, so both render alike.

use serde::Deserialize;
use std::collections::BTreeMap;

/// A mean with its 95 % confidence interval over replications.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct Metric {
    /// The mean.
    pub mean: f64,
    /// The interval, absent with one replication.
    #[serde(default)]
    pub ci95: Option<[f64; 2]>,
}

/// One corridor in one year of a run.
#[derive(Clone, Debug, Deserialize)]
pub struct CorridorYear {
    /// Corridor key.
    pub corridor: String,
    /// Containers delivered, TEU a year.
    pub teu_delivered: Metric,
    /// Containers offered, TEU a year.
    pub teu_offered: Metric,
    /// Door-to-door days, median and 90th percentile.
    pub p50_days: f64,
    /// See `p50_days`.
    pub p90_days: f64,
    /// USD per TEU delivered.
    pub cost_usd_per_teu: f64,
    /// kg CO2e (well to wheel) per TEU delivered.
    pub co2e_kg_per_teu: f64,
}

/// A resource (a timetabled service's departures, or a capacity-limited place) in a year.
#[derive(Clone, Debug, Deserialize)]
pub struct Resource {
    /// Service id or node id.
    pub name: String,
    /// `departures` or `node`.
    pub kind: String,
    /// Share of capacity used.
    pub utilisation: Metric,
    /// Time-average TEU waiting.
    pub mean_queue_teu: Metric,
    /// Mean wait, hours.
    #[serde(default)]
    pub mean_wait_h: Option<Metric>,
    /// TEU through in the year.
    pub throughput_teu: Metric,
    /// Corridors whose routes use it.
    #[serde(default)]
    pub corridors: Vec<String>,
}

/// A project or intervention in force, and in what share of the draws.
#[derive(Clone, Debug, Deserialize)]
pub struct InForce {
    /// Its id.
    pub id: String,
    /// Share of replications it was in force in.
    pub share: f64,
}

/// One year of a scenario run.
#[derive(Clone, Debug, Deserialize)]
pub struct Year {
    /// Calendar year.
    pub year: i32,
    /// Per corridor.
    pub corridors: Vec<CorridorYear>,
    /// Backlog at the year's end, TEU-equivalent.
    pub backlog_teu: Metric,
    /// Demand offered, TEU.
    #[serde(default)]
    pub demand_teu: f64,
    /// Resources, worst first.
    pub resources: Vec<Resource>,
    /// What was in force.
    #[serde(default)]
    pub in_force: Vec<InForce>,
    /// TEU over each link (results stored before runs counted them have none).
    #[serde(default)]
    pub links: Vec<LinkFlow>,
}

/// A project's place in the timeline.
#[derive(Clone, Debug, Deserialize)]
pub struct Project {
    /// Id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Status.
    pub status: String,
    /// Expected completion (ISO date).
    pub expected: Option<String>,
    /// How it slips, in words.
    pub slip: String,
    /// Median and 90th-percentile completion over the draws.
    pub p50: Option<String>,
    /// See `p50`.
    pub p90: Option<String>,
    /// Per year, the share of draws complete by 31 December.
    #[serde(default)]
    pub ready_by: Vec<(i32, f64)>,
    /// What it changes.
    #[serde(default)]
    pub effects: Vec<String>,
}

/// A corridor's saturation in a year.
#[derive(Clone, Debug, Deserialize)]
pub struct Saturation {
    /// Corridor key.
    pub corridor: String,
    /// Year.
    pub year: i32,
    /// Offered and delivered TEU.
    pub offered_teu: f64,
    /// See `offered_teu`.
    pub delivered_teu: f64,
    /// Its worst resource.
    pub bottleneck: Option<String>,
    /// And that resource's utilisation.
    pub bottleneck_utilisation: f64,
}

/// A scenario run.
#[derive(Clone, Debug, Deserialize)]
pub struct Run {
    /// Scenario name and title.
    pub scenario: String,
    /// See `scenario`.
    pub title: String,
    /// Years run.
    pub first_year: i32,
    /// See `first_year`.
    pub last_year: i32,
    /// Replications and seed.
    pub replications: u64,
    /// See `replications`.
    pub seed: u64,
    /// Warm-up before the first year, days.
    #[serde(default)]
    pub warmup_days: f64,
    /// Every project at its expected date.
    #[serde(default)]
    pub firm: bool,
    /// How the run is made, in words.
    #[serde(default)]
    pub method: String,
    /// Per year.
    pub years: Vec<Year>,
    /// The projects.
    #[serde(default)]
    pub projects: Vec<Project>,
    /// Corridor-years that could not carry what they were offered.
    #[serde(default)]
    pub saturation: Vec<Saturation>,
    /// Units still in the system long after they should have arrived.
    #[serde(default)]
    pub stuck_units: u64,
}

/// One corridor in one year of two runs (A, B).
#[derive(Clone, Debug, Deserialize)]
pub struct CorridorDelta {
    /// Corridor key.
    pub corridor: String,
    /// TEU delivered (A, B).
    pub teu: [f64; 2],
    /// Median days (A, B).
    pub p50_days: [f64; 2],
    /// USD per TEU (A, B).
    pub cost_usd_per_teu: [f64; 2],
}

/// One year of a comparison.
#[derive(Clone, Debug, Deserialize)]
pub struct YearDelta {
    /// Year.
    pub year: i32,
    /// Per corridor.
    pub corridors: Vec<CorridorDelta>,
    /// Backlog (A, B).
    pub backlog_teu: [f64; 2],
}

/// An item that differs between A and B.
#[derive(Clone, Debug, Deserialize)]
pub struct Difference {
    /// Id, kind, how it differs, name.
    pub id: String,
    /// See `id`.
    pub kind: String,
    /// See `id`.
    pub how: String,
    /// See `id`.
    pub name: String,
    /// Whether it was ever in force.
    pub in_force: bool,
}

/// An item's share of a difference.
#[derive(Clone, Debug, Deserialize)]
pub struct Contribution {
    /// The item.
    pub item: String,
    /// TEU.
    pub teu: f64,
}

/// A corridor-year's difference explained.
#[derive(Clone, Debug, Deserialize)]
pub struct Explained {
    /// Year and corridor.
    pub year: i32,
    /// See `year`.
    pub corridor: String,
    /// B − A, TEU.
    pub teu: f64,
    /// The items' shares.
    pub contributions: Vec<Contribution>,
    /// Not explained by any item alone.
    pub interaction_teu: f64,
}

/// Two scenarios compared.
#[derive(Clone, Debug, Deserialize)]
pub struct Comparison {
    /// Scenario names.
    pub a: String,
    /// See `a`.
    pub b: String,
    /// Years, replications, seed, method.
    pub first_year: i32,
    /// See `first_year`.
    pub last_year: i32,
    /// See `first_year`.
    pub replications: u64,
    /// See `first_year`.
    pub seed: u64,
    /// See `first_year`.
    pub method: String,
    /// Per year.
    pub years: Vec<YearDelta>,
    /// What differs.
    pub differences: Vec<Difference>,
    /// The attribution.
    pub explained: Vec<Explained>,
    /// The two runs.
    pub runs_a_b: [Run; 2],
}

/// A link's flow in a one-year simulation.
#[derive(Clone, Debug, Deserialize)]
pub struct LinkFlow {
    /// Link id.
    pub link: String,
    /// TEU through.
    pub throughput_teu: Metric,
}

/// A one-year simulation's report (the parts drawn).
#[derive(Clone, Debug, Deserialize)]
pub struct Simulation {
    /// The calendar year simulated (from the result's wrapper).
    #[serde(default)]
    pub year: i32,
    /// Days simulated after the warm-up.
    #[serde(default)]
    pub days: f64,
    /// Link flows.
    #[serde(default)]
    pub links: Vec<LinkFlow>,
    /// Resources.
    #[serde(default)]
    pub resources: Vec<Resource>,
    /// Backlog per day sampled, TEU.
    #[serde(default)]
    pub backlog_teu: Vec<f64>,
}

/// Any stored result, by its schema.
pub enum Result {
    /// A scenario run.
    Run(Box<Run>),
    /// A comparison.
    Comparison(Box<Comparison>),
    /// A one-year simulation.
    Simulation(Box<Simulation>),
}

impl Result {
    /// Read a stored result (`corridor.scenario_run`, `corridor.scenario_comparison`,
    /// `corridor.simulation`).
    pub fn from_json(v: &serde_json::Value) -> std::result::Result<Result, String> {
        let schema = v.get("schema").and_then(|s| s.as_str()).unwrap_or("");
        let read = |key: &str| v.get(key).cloned().unwrap_or_default();
        let e = |e: serde_json::Error| format!("{schema}: {e}");
        match schema {
            "corridor.scenario_run" => Ok(Result::Run(Box::new(
                serde_json::from_value(read("run")).map_err(e)?,
            ))),
            "corridor.scenario_comparison" => Ok(Result::Comparison(Box::new(
                serde_json::from_value(read("comparison")).map_err(e)?,
            ))),
            "corridor.simulation" => {
                let mut sim: Simulation = serde_json::from_value(read("report")).map_err(e)?;
                sim.year = v.get("year").and_then(|y| y.as_i64()).unwrap_or(0) as i32;
                Ok(Result::Simulation(Box::new(sim)))
            }
            other => Err(format!("a result of schema `{other}` has no drawing")),
        }
    }
}

/// Flows to draw on the map: TEU by link id and by place id.
#[derive(Clone, Debug, Default)]
pub struct Flows {
    /// TEU a year by link id.
    pub links: BTreeMap<String, f64>,
    /// TEU a year by node id.
    pub nodes: BTreeMap<String, f64>,
    /// What the figures are, for the legend.
    pub what: String,
    /// Their unit (`TEU a year`).
    pub unit: String,
}
