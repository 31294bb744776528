//! The text of scenario files and project pipelines, as written: TOML tables with the span of
//! every value, so every later error points at the key's own line. Nothing here checks
//! meaning; [`crate::scenario`] does, against the network.

use serde::Deserialize;
use std::collections::BTreeMap;
use toml::Spanned;

/// A scenario file.
#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
pub(crate) struct ScenarioToml {
    pub name: Spanned<String>,
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    /// First and last simulated year.
    pub years: Spanned<Vec<i64>>,
    /// Projects of the pipeline in the scenario, by id.
    #[serde(default)]
    pub projects: Vec<Spanned<String>>,
    /// Project cards of the scenario's own (or overriding the pipeline's of the same id).
    #[serde(default)]
    pub project: Vec<ProjectToml>,
    #[serde(default)]
    pub intervention: Vec<InterventionToml>,
    /// Sources the scenario's figures cite, beside the dataset's.
    #[serde(default)]
    pub source: Vec<SourceToml>,
    #[serde(default)]
    pub demand: Option<DemandToml>,
    #[serde(default)]
    pub run: Option<RunToml>,
}

/// A project pipeline file (`data/projects.toml`): project cards.
#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
pub(crate) struct PipelineToml {
    #[serde(default)]
    pub project: Vec<ProjectToml>,
    #[serde(default)]
    pub source: Vec<SourceToml>,
}

/// A project card: a project coded once, reused by scenarios.
#[derive(Deserialize, Debug, Clone)]
#[serde(deny_unknown_fields)]
pub(crate) struct ProjectToml {
    pub id: Spanned<String>,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub countries: Vec<Spanned<String>>,
    #[serde(default)]
    pub owner: Option<String>,
    #[serde(default)]
    pub budget_usd: Option<Spanned<f64>>,
    #[serde(default)]
    pub status: Option<Spanned<String>>,
    /// Completion first announced.
    #[serde(default)]
    pub announced: Option<Spanned<String>>,
    /// Completion now expected (or achieved).
    #[serde(default)]
    pub expected: Option<Spanned<String>>,
    #[serde(default)]
    pub requires: Vec<Spanned<String>>,
    #[serde(default)]
    pub conflicts: Vec<Spanned<String>>,
    /// Days added to `expected` by slips: a distribution (`tri(0d; 365d; 1095d)`).
    #[serde(default)]
    pub delay: Option<Spanned<String>>,
    #[serde(default)]
    pub src: Option<Spanned<String>>,
    #[serde(default)]
    pub note: Option<String>,
    #[serde(default)]
    pub change: Vec<ChangeToml>,
}

/// A dated intervention (a disruption, a policy) not tied to a project.
#[derive(Deserialize, Debug, Clone)]
#[serde(deny_unknown_fields)]
pub(crate) struct InterventionToml {
    pub id: Spanned<String>,
    #[serde(default)]
    pub name: Option<String>,
    pub from: Spanned<String>,
    /// Last day in force (absent: to the end).
    #[serde(default)]
    pub to: Option<Spanned<String>>,
    #[serde(default)]
    pub src: Option<Spanned<String>>,
    #[serde(default)]
    pub note: Option<String>,
    #[serde(default)]
    pub change: Vec<ChangeToml>,
}

/// One change to the network. Exactly one of the four is given.
#[derive(Deserialize, Debug, Clone)]
#[serde(deny_unknown_fields)]
pub(crate) struct ChangeToml {
    #[serde(default)]
    pub set: Option<Spanned<SetToml>>,
    #[serde(default)]
    pub scale: Option<Spanned<ScaleToml>>,
    #[serde(default)]
    pub add: Option<Spanned<AddToml>>,
    #[serde(default)]
    pub close: Option<Spanned<CloseToml>>,
}

/// Set a field of one row: `{ node = "AZ-ALAT", field = "capacity", value = "500000 TEU/yr", src = "S396" }`.
#[derive(Deserialize, Debug, Clone)]
#[serde(deny_unknown_fields)]
pub(crate) struct SetToml {
    #[serde(default)]
    pub node: Option<Spanned<String>>,
    #[serde(default)]
    pub link: Option<Spanned<String>>,
    #[serde(default)]
    pub service: Option<Spanned<String>>,
    pub field: Spanned<String>,
    pub value: Spanned<toml::Value>,
    #[serde(default)]
    pub src: Option<Spanned<String>>,
}

/// Scale a figure: of one row, or of every service (or link) of a mode.
#[derive(Deserialize, Debug, Clone)]
#[serde(deny_unknown_fields)]
pub(crate) struct ScaleToml {
    #[serde(default)]
    pub node: Option<Spanned<String>>,
    #[serde(default)]
    pub link: Option<Spanned<String>>,
    #[serde(default)]
    pub service: Option<Spanned<String>>,
    #[serde(default)]
    pub mode: Option<Spanned<String>>,
    pub field: Spanned<String>,
    /// Of a two-figure capacity, the one to scale (`units` or `tonnes`; default both).
    #[serde(default)]
    pub figure: Option<Spanned<String>>,
    pub factor: Spanned<f64>,
    #[serde(default)]
    pub src: Option<Spanned<String>>,
}

/// Add a row: `{ table = "links", row = { id = …, from = …, … } }`.
#[derive(Deserialize, Debug, Clone)]
#[serde(deny_unknown_fields)]
pub(crate) struct AddToml {
    pub table: Spanned<String>,
    pub row: BTreeMap<String, Spanned<toml::Value>>,
}

/// Close links, nodes, services, every link crossing a country, or every sea lane using a
/// passage.
#[derive(Deserialize, Debug, Clone, Default)]
#[serde(deny_unknown_fields)]
pub(crate) struct CloseToml {
    #[serde(default)]
    pub links: Vec<Spanned<String>>,
    #[serde(default)]
    pub nodes: Vec<Spanned<String>>,
    #[serde(default)]
    pub services: Vec<Spanned<String>>,
    #[serde(default)]
    pub countries: Vec<Spanned<String>>,
    #[serde(default)]
    pub passages: Vec<Spanned<String>>,
}

/// A source a scenario or pipeline adds (the columns of `sources.csv`).
#[derive(Deserialize, Debug, Clone)]
#[serde(deny_unknown_fields)]
pub(crate) struct SourceToml {
    pub id: Spanned<String>,
    pub kind: Spanned<String>,
    pub title: Spanned<String>,
    #[serde(default)]
    pub year: Option<Spanned<i64>>,
    #[serde(default)]
    pub url: Option<String>,
    #[serde(default)]
    pub note: Option<String>,
}

/// Demand by year.
#[derive(Deserialize, Debug, Clone)]
#[serde(deny_unknown_fields)]
pub(crate) struct DemandToml {
    /// The base-year table: `embedded` (the dataset's observed flows) or a path relative to
    /// the scenario file.
    #[serde(default)]
    pub table: Option<Spanned<String>>,
    #[serde(default)]
    pub base_year: Option<Spanned<i64>>,
    /// Growth a year of every flow without a more specific rule (0.05 = 5 %).
    #[serde(default)]
    pub growth: Option<Spanned<f64>>,
    #[serde(default)]
    pub growth_src: Option<Spanned<String>>,
    #[serde(default)]
    pub rule: Vec<GrowthToml>,
    #[serde(default)]
    pub flow: Vec<FlowToml>,
}

/// A growth rule: flows of a corridor, of an origin or destination, in some years.
#[derive(Deserialize, Debug, Clone)]
#[serde(deny_unknown_fields)]
pub(crate) struct GrowthToml {
    #[serde(default)]
    pub corridor: Option<Spanned<String>>,
    #[serde(default)]
    pub from: Option<Spanned<String>>,
    #[serde(default)]
    pub to: Option<Spanned<String>>,
    #[serde(default)]
    pub years: Option<Spanned<Vec<i64>>>,
    pub rate: Spanned<f64>,
    pub src: Spanned<String>,
}

/// A flow added by the scenario (the columns of a demand table), from a year.
#[derive(Deserialize, Debug, Clone)]
#[serde(deny_unknown_fields)]
pub(crate) struct FlowToml {
    pub from: Spanned<String>,
    pub to: Spanned<String>,
    #[serde(default)]
    pub teu_per_year: Option<Spanned<f64>>,
    #[serde(default)]
    pub tonnes_per_year: Option<Spanned<f64>>,
    #[serde(default)]
    pub corridor: Option<Spanned<String>>,
    /// First year of the flow (its volume is that year's); default: the first simulated.
    #[serde(default)]
    pub first_year: Option<Spanned<i64>>,
    pub src: Spanned<String>,
    #[serde(default)]
    pub note: Option<String>,
}

/// Run settings.
#[derive(Deserialize, Debug, Clone)]
#[serde(deny_unknown_fields)]
pub(crate) struct RunToml {
    #[serde(default)]
    pub replications: Option<Spanned<i64>>,
    #[serde(default)]
    pub seed: Option<Spanned<i64>>,
    #[serde(default)]
    pub warmup_days: Option<Spanned<f64>>,
}
