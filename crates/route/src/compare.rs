//! The comparison of corridors: the best route of each corridor of the dataset for one
//! shipment, and for a corridor without one the constraint that removed it (with its best
//! route without the constraints) or the missing connection.

use crate::graph::Graph;
use crate::plan::{NoRoute, Route, Sampling, Weights, describe, no_route, rank};
use crate::search::{Constraints, Shipment, pareto};
use corridor_model::Network;
use corridor_model::network::CorridorId;
use serde::Serialize;

/// One row of a corridor comparison.
#[derive(Clone, Debug, Serialize)]
pub struct CompareRow {
    /// Corridor key.
    pub corridor: String,
    /// Corridor name.
    pub corridor_name: String,
    /// True if the corridor has a route for this shipment under the constraints.
    pub available: bool,
    /// Why not, when not available: the constraints that removed it, or the missing
    /// connection.
    pub reason: Option<String>,
    /// The first clause of `reason`, for a table cell.
    pub reason_summary: Option<String>,
    /// How many excluded links `reason` names in full (0 when the constraints removed the
    /// corridor).
    pub excluded_links: usize,
    /// Constraint flags that removed the corridor (empty if none did).
    pub removed_by: Vec<String>,
    /// When the constraints removed the corridor: its best route without them, in brief
    /// (what the constraints give up).
    pub without_constraints: Option<Alternative>,
    /// The best route of the corridor (by the weights), flattened into the row.
    #[serde(flatten)]
    pub route: Option<Route>,
}

/// A route in brief: what a corridor the constraints removed would have offered.
#[derive(Clone, Debug, Serialize)]
pub struct Alternative {
    /// Median door-to-door time, days.
    pub p50_days: f64,
    /// 90th percentile, days.
    pub p90_days: f64,
    /// Total cost for the shipment, USD.
    pub cost_usd: f64,
    /// Total cost per FEU, USD.
    pub cost_usd_per_feu: f64,
    /// Well-to-wheel CO2e, kg for the shipment.
    pub co2e_wtw_kg: f64,
    /// Countries in travel order.
    pub countries: Vec<String>,
    /// Sea passages in travel order.
    pub passages: Vec<String>,
    /// Ids of every node on the route, in travel order.
    pub nodes: Vec<String>,
    /// Modes used.
    pub modes: Vec<String>,
}

impl Alternative {
    /// The brief of a route.
    pub fn of(r: &Route) -> Alternative {
        let mut modes: Vec<String> = Vec::new();
        for l in &r.legs {
            if !modes.contains(&l.mode) {
                modes.push(l.mode.clone());
            }
        }
        Alternative {
            p50_days: r.p50_days,
            p90_days: r.p90_days,
            cost_usd: r.cost_usd,
            cost_usd_per_feu: r.cost_usd_per_feu,
            co2e_wtw_kg: r.co2e_wtw_kg,
            countries: r.countries.clone(),
            passages: r.passages.clone(),
            nodes: r
                .legs
                .iter()
                .map(|l| l.from.clone())
                .chain(r.legs.last().map(|l| l.to.clone()))
                .collect(),
            modes,
        }
    }
}

/// The constraints as the flags a user typed, one constraint per entry, to name which one
/// removed a corridor.
fn constraint_parts(net: &Network, c: &Constraints) -> Vec<(String, Constraints)> {
    let base = Constraints {
        corridor: c.corridor,
        ..Constraints::default()
    };
    let mut v = Vec::new();
    for x in &c.avoid_countries {
        v.push((
            format!("--avoid-country {x}"),
            Constraints {
                avoid_countries: vec![*x],
                ..base.clone()
            },
        ));
    }
    for x in &c.avoid_nodes {
        v.push((
            format!("--avoid-node {}", net.node(*x).key),
            Constraints {
                avoid_nodes: vec![*x],
                ..base.clone()
            },
        ));
    }
    for x in &c.avoid_passages {
        v.push((
            format!("--avoid-passage {}", net.passages[x.idx()].key),
            Constraints {
                avoid_passages: vec![*x],
                ..base.clone()
            },
        ));
    }
    for x in &c.avoid_modes {
        v.push((
            format!("--avoid-mode {x}"),
            Constraints {
                avoid_modes: vec![*x],
                ..base.clone()
            },
        ));
    }
    if !c.via.is_empty() {
        v.push((
            "--via".into(),
            Constraints {
                via: c.via.clone(),
                ..base.clone()
            },
        ));
    }
    if let Some(m) = c.max_hours {
        v.push((
            format!("--max-days {}", corridor_model::ranges::num(m / 24.0)),
            Constraints {
                max_hours: Some(m),
                ..base.clone()
            },
        ));
    }
    if let Some(m) = c.max_cost {
        v.push((
            format!("--max-cost {}", corridor_model::ranges::num(m)),
            Constraints {
                max_cost: Some(m),
                ..base.clone()
            },
        ));
    }
    v
}

/// The best route on each corridor of the dataset, with the reason where there is none.
pub fn compare(
    g: &Graph,
    s: &Shipment,
    c: &Constraints,
    w: Weights,
    sampling: Sampling,
) -> Vec<CompareRow> {
    let net = g.net;
    (0..net.corridors.len())
        .map(|k| {
            let corridor = CorridorId(k as u16);
            let ck = Constraints {
                corridor: Some(corridor),
                ..c.clone()
            };
            let key = net.corridors[k].key.clone();
            let name = net.corridors[k].name.clone();
            let r = pareto(g, s, &ck);
            if let Some(&best) = rank(&r.labels, &r.front, w, s.teu).first() {
                return CompareRow {
                    corridor: key,
                    corridor_name: name,
                    available: true,
                    reason: None,
                    reason_summary: None,
                    excluded_links: 0,
                    removed_by: vec![],
                    without_constraints: None,
                    route: Some(describe(g, &r.path(best), s, sampling)),
                };
            }
            let unconstrained = Constraints {
                corridor: Some(corridor),
                ..Constraints::default()
            };
            let free = pareto(g, s, &unconstrained);
            let without_constraints = rank(&free.labels, &free.front, w, s.teu)
                .first()
                .map(|&best| Alternative::of(&describe(g, &free.path(best), s, sampling)));
            let (removed_by, why) = if free.front.is_empty() {
                (vec![], no_route(g, s, &unconstrained))
            } else {
                let culprits: Vec<String> = constraint_parts(net, &ck)
                    .into_iter()
                    .filter(|(_, one)| pareto(g, s, one).front.is_empty())
                    .map(|(flag, _)| flag)
                    .collect();
                let reason = if culprits.is_empty() {
                    "removed by the combination of the constraints".to_string()
                } else {
                    format!("removed by {}", culprits.join(", "))
                };
                (culprits, NoRoute::only(reason))
            };
            CompareRow {
                corridor: key,
                corridor_name: name,
                available: false,
                reason: Some(why.text()),
                reason_summary: Some(why.summary),
                excluded_links: why.excluded.len(),
                removed_by,
                without_constraints,
                route: None,
            }
        })
        .collect()
}
