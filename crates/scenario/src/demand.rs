//! Demand by year: the flows of a base-year table grown by rules (per corridor, origin,
//! destination and period), plus flows a scenario adds from a year (eastbound exports, a new
//! plant's output), resolved against the network in force.

use corridor_model::Network;
use corridor_model::network::CorridorId;
use corridor_sim::ops_input::Flow;
use serde::Serialize;

/// A flow by the ids it names (resolved against each epoch's network).
#[derive(Clone, Debug, Serialize)]
pub struct FlowSpec {
    /// Origin node id.
    pub from: String,
    /// Destination node id.
    pub to: String,
    /// Containers, TEU a year (in `first_year`).
    pub teu_per_year: f64,
    /// Wagonload, tonnes a year (in `first_year`).
    pub tonnes_per_year: f64,
    /// The corridor the flow is pinned to (or whose current share it is, with `share`).
    pub corridor: Option<String>,
    /// True if `corridor` is the flow's current share (`share:KEY`), not a pin: its
    /// first-year volume stays there, growth above it chooses among the corridors.
    #[serde(default)]
    pub share: bool,
    /// First year it exists (its volume is that year's).
    pub first_year: i32,
    /// What it is.
    pub note: String,
    /// Where it is written (file and line), for messages.
    #[serde(skip)]
    pub file: String,
    /// See `file`.
    pub line: u64,
}

/// A growth rule: the rate a year of the flows it matches.
#[derive(Clone, Debug, Serialize)]
pub struct GrowthRule {
    /// Only flows of this corridor.
    pub corridor: Option<String>,
    /// Only flows from this node.
    pub from: Option<String>,
    /// Only flows to this node.
    pub to: Option<String>,
    /// Only in these years (inclusive).
    pub years: Option<(i32, i32)>,
    /// Growth a year (0.05 = 5 %).
    pub rate: f64,
    /// Its sources.
    pub src: String,
}

impl GrowthRule {
    fn matches(&self, f: &FlowSpec, year: i32) -> bool {
        self.corridor
            .as_ref()
            .is_none_or(|c| f.corridor.as_ref() == Some(c))
            && self.from.as_ref().is_none_or(|x| *x == f.from)
            && self.to.as_ref().is_none_or(|x| *x == f.to)
            && self.years.is_none_or(|(a, b)| (a..=b).contains(&year))
    }
    /// How specific the rule is: the most specific matching rule applies.
    fn specificity(&self) -> u8 {
        self.corridor.is_some() as u8
            + 2 * (self.from.is_some() as u8 + self.to.is_some() as u8)
            + self.years.is_some() as u8
    }
}

/// The demand of a scenario.
#[derive(Clone, Debug, Serialize)]
pub struct Demand {
    /// The year the base table's volumes are for.
    pub base_year: i32,
    /// Flows: the base table's (first year = base year) and the scenario's own.
    pub flows: Vec<FlowSpec>,
    /// Growth a year of a flow no rule matches.
    pub default_rate: f64,
    /// The growth rules, in file order.
    pub rules: Vec<GrowthRule>,
}

/// A flow of a year, and what happened to it (for the report).
#[derive(Clone, Debug, Serialize)]
pub struct YearFlow {
    /// Origin, destination, corridor (as written).
    pub from: String,
    /// See `from`.
    pub to: String,
    /// See `from`.
    pub corridor: Option<String>,
    /// Containers and wagonload that year.
    pub teu_per_year: f64,
    /// See `teu_per_year`.
    pub tonnes_per_year: f64,
}

impl Demand {
    /// The growth rate of flow `f` in `year`.
    pub fn rate(&self, f: &FlowSpec, year: i32) -> f64 {
        self.rules
            .iter()
            .filter(|r| r.matches(f, year))
            .max_by_key(|r| r.specificity())
            .map(|r| r.rate)
            .unwrap_or(self.default_rate)
    }

    /// The flows and their volumes in `year` (flows not yet started are left out).
    pub fn flows_in(&self, year: i32) -> Vec<YearFlow> {
        self.flows
            .iter()
            .filter(|f| f.first_year <= year)
            .map(|f| {
                let g: f64 = (f.first_year + 1..=year)
                    .map(|y| 1.0 + self.rate(f, y))
                    .product();
                YearFlow {
                    from: f.from.clone(),
                    to: f.to.clone(),
                    corridor: f.corridor.clone(),
                    teu_per_year: f.teu_per_year * g,
                    tonnes_per_year: f.tonnes_per_year * g,
                }
            })
            .collect()
    }
}

/// What became of a flow on a network: resolved, or left out and why.
#[derive(Clone, Debug, Serialize)]
pub struct FlowNote {
    /// Origin → destination.
    pub flow: String,
    /// What happened.
    pub note: String,
}

/// The simulation's flows of `year` on `net`: ids resolved; a flow whose origin or
/// destination is closed is left out; a flow pinned to a corridor that has no route there
/// chooses among the corridors that do (both noted).
pub fn resolve(
    demand: &Demand,
    year: i32,
    net: &Network,
    routable: impl Fn(&Flow, CorridorId) -> bool,
) -> (Vec<Flow>, Vec<FlowNote>) {
    let mut out = Vec::new();
    let mut notes = Vec::new();
    for (spec, yf) in demand
        .flows
        .iter()
        .filter(|f| f.first_year <= year)
        .zip(demand.flows_in(year))
    {
        let name = format!("{} → {}", spec.from, spec.to);
        let (Some(from), Some(to)) = (net.node_by_key(&spec.from), net.node_by_key(&spec.to))
        else {
            let missing = if net.node_by_key(&spec.from).is_none() {
                &spec.from
            } else {
                &spec.to
            };
            notes.push(FlowNote {
                flow: name,
                note: format!("left out while {missing} is not in the network (closed, or not yet added by its project)"),
            });
            continue;
        };
        let mut flow = Flow {
            from,
            to,
            teu_per_year: yf.teu_per_year,
            tonnes_per_year: yf.tonnes_per_year,
            corridor: spec.corridor.as_ref().and_then(|c| net.corridor_by_key(c)),
            share_base: spec.share.then_some(if spec.tonnes_per_year > 0.0 {
                spec.tonnes_per_year
            } else {
                spec.teu_per_year
            }),
            line: spec.line,
        };
        if let Some(c) = flow.corridor {
            if !routable(&flow, c) {
                notes.push(FlowNote {
                    flow: name,
                    note: format!(
                        "pinned to {} but it has no route there: its cargo chooses among the other corridors",
                        spec.corridor.as_deref().unwrap_or("")
                    ),
                });
                flow.corridor = None;
            }
        }
        out.push(flow);
    }
    (out, notes)
}
