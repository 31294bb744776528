//! Capacity against demand, year by year, for a scenario: in each replication's draw of the
//! projects' completion dates, the network in force on 1 July of each year, and per corridor
//! the most it carries from the origins to the destinations of the container flows pinned
//! to it (maximum flow, one commodity: an upper bound of what it can carry of them) against
//! their demand that year; `all` is every flow on the whole network. Demand exceeds
//! capacity when the flows' total exceeds that joint maximum, or one origin–destination
//! pair's demand exceeds what the network carries for that pair alone (both necessary
//! conditions of a multi-commodity flow: saturation is found no later than it happens).
//! The first year demand exceeds capacity is given per corridor with P50/P90 over the
//! draws.
//!
//! Wagonload's use of the ferries it shares with containers is not deducted: the capacity
//! is what containers alone could have.

use crate::graph::{Cargo, CorridorGraph};
use corridor_model::network::NodeId;
use corridor_route::time::Instant;
use corridor_scenario::Scenario;
use corridor_scenario::timeline::{Cache, Draw, InForce};
use serde::Serialize;
use std::collections::HashMap;

/// A corridor in a year, over the draws.
#[derive(Clone, Debug, Serialize)]
pub struct CorridorYear {
    /// Calendar year.
    pub year: i32,
    /// Corridor key (`all`: every flow on the whole network).
    pub corridor: String,
    /// Demand of its flows, TEU a year.
    pub demand_teu: f64,
    /// Capacity for them, TEU a year: median, 10th and 90th percentile over the draws.
    pub capacity_p50: f64,
    /// See `capacity_p50`.
    pub capacity_p10: f64,
    /// See `capacity_p50`.
    pub capacity_p90: f64,
    /// Share of the draws in which demand exceeds capacity.
    pub exceeded_share: f64,
}

/// When demand first exceeds a corridor's capacity.
#[derive(Clone, Debug, Serialize)]
pub struct FirstYear {
    /// Corridor key.
    pub corridor: String,
    /// Median and 90th-percentile first year over the draws (`None`: not within the
    /// horizon in half, or a tenth, of them).
    pub p50: Option<i32>,
    /// See `p50`.
    pub p90: Option<i32>,
    /// Share of the draws in which it happens within the horizon.
    pub share: f64,
}

/// Capacity against demand for a scenario.
#[derive(Clone, Debug, Serialize)]
pub struct Saturation {
    /// The scenario.
    pub scenario: String,
    /// Draws of the completion dates, and their seed.
    pub draws: u64,
    /// See `draws`.
    pub seed: u64,
    /// Per year and corridor.
    pub years: Vec<CorridorYear>,
    /// Per corridor, the first year demand exceeds capacity.
    pub first: Vec<FirstYear>,
    /// Distinct networks the draws needed.
    pub networks: usize,
    /// What the figures assume.
    pub notes: Vec<String>,
}

/// Why a saturation analysis cannot run.
#[derive(Debug, Clone, thiserror::Error)]
pub enum SaturationError {
    /// A network in force is invalid.
    #[error("{0}")]
    Network(corridor_model::LoadErrors),
    /// A capacity is unbounded.
    #[error("{0}")]
    Capacity(#[from] crate::maxcut::CapacityError),
}

fn quantile(v: &mut [f64], q: f64) -> f64 {
    v.sort_by(f64::total_cmp);
    if v.is_empty() {
        return 0.0;
    }
    v[((v.len() as f64 * q).ceil() as usize).clamp(1, v.len()) - 1]
}

/// Capacity against demand for `s` over `draws` draws (seed `seed`).
pub fn saturation(s: &Scenario, draws: u64, seed: u64) -> Result<Saturation, SaturationError> {
    let cache = Cache::new(s);
    let draws = draws.max(1);
    let samples: Vec<Draw> = (0..draws).map(|r| Draw::sample(s, seed, r)).collect();
    // Corridors with pinned container flows, and `all`.
    let mut keys: Vec<String> = Vec::new();
    for f in &s.demand.flows {
        if f.teu_per_year > 0.0 {
            if let Some(c) = &f.corridor {
                if !keys.contains(c) {
                    keys.push(c.clone());
                }
            }
        }
    }
    keys.push("all".into());
    let mut memo: Memo = HashMap::new();
    let mut years = Vec::new();
    // Per corridor, per draw: the first year exceeded.
    let mut first: HashMap<String, Vec<Option<i32>>> = keys
        .iter()
        .map(|k| (k.clone(), vec![None; samples.len()]))
        .collect();
    for y in s.first_year..=s.last_year {
        let flows = s.demand.flows_in(y);
        let mid = Instant::from_civil(y, 7, 1, 0.0).0;
        for key in &keys {
            let of: Vec<_> = flows
                .iter()
                .filter(|f| {
                    f.teu_per_year > 0.0 && (key == "all" || f.corridor.as_deref() == Some(key))
                })
                .collect();
            if of.is_empty() {
                continue;
            }
            let demand: f64 = of.iter().map(|f| f.teu_per_year).sum();
            let mut caps = Vec::with_capacity(samples.len());
            let mut exceeded = 0usize;
            for (di, d) in samples.iter().enumerate() {
                let f = InForce::at(s, d, mid);
                // The corridor's flows together, and each origin–destination pair alone:
                // demand exceeds capacity when the total exceeds the flows' joint maximum,
                // or one pair's demand exceeds what the network carries for it alone.
                let mut pairs: Vec<(String, String, f64)> = Vec::new();
                for x in &of {
                    match pairs.iter_mut().find(|p| p.0 == x.from && p.1 == x.to) {
                        Some(p) => p.2 += x.teu_per_year,
                        None => pairs.push((x.from.clone(), x.to.clone(), x.teu_per_year)),
                    }
                }
                let joint = self_capacity(
                    &cache,
                    &mut memo,
                    s,
                    &f,
                    key,
                    y,
                    &of.iter()
                        .map(|x| (x.from.clone(), x.to.clone()))
                        .collect::<Vec<_>>(),
                )?;
                let mut over = demand > joint;
                for (from, to, v) in &pairs {
                    if over {
                        break;
                    }
                    let alone = self_capacity(
                        &cache,
                        &mut memo,
                        s,
                        &f,
                        key,
                        y,
                        &[(from.clone(), to.clone())],
                    )?;
                    over |= *v > alone;
                }
                if over {
                    exceeded += 1;
                    let slot = &mut first.get_mut(key).expect("every key")[di];
                    slot.get_or_insert(y);
                }
                caps.push(joint);
            }
            years.push(CorridorYear {
                year: y,
                corridor: key.clone(),
                demand_teu: demand,
                capacity_p50: quantile(&mut caps, 0.5),
                capacity_p10: quantile(&mut caps, 0.1),
                capacity_p90: quantile(&mut caps, 0.9),
                exceeded_share: exceeded as f64 / samples.len() as f64,
            });
        }
    }
    let first = keys
        .iter()
        .map(|k| {
            let mut ys: Vec<f64> = first[k]
                .iter()
                .map(|y| y.map(f64::from).unwrap_or(f64::INFINITY))
                .collect();
            let share = ys.iter().filter(|y| y.is_finite()).count() as f64 / ys.len() as f64;
            let q = |ys: &mut Vec<f64>, p: f64| {
                let v = quantile(ys, p);
                v.is_finite().then_some(v as i32)
            };
            FirstYear {
                corridor: k.clone(),
                p50: q(&mut ys, 0.5),
                p90: q(&mut ys, 0.9),
                share,
            }
        })
        .collect();
    Ok(Saturation {
        scenario: s.name.clone(),
        draws,
        seed,
        years,
        first,
        networks: cache.networks_built(),
        notes: vec![
            "capacity is the maximum flow of containers from the corridor's flows' origins to their destinations on the network in force on 1 July (one commodity); demand exceeds it when the flows' total does, or one origin–destination pair's demand exceeds what the network carries for that pair alone".into(),
            "wagonload's use of the ferries and lines it shares with containers is not deducted".into(),
            "timetabled services count at their departures × payload less their mode's mean weather-closed share".into(),
        ],
    })
}

/// Capacities already computed, by what is in force, corridor and origin–destination set.
type Memo = HashMap<(InForce, String, Vec<(String, String)>), f64>;

/// The maximum flow of containers on `key`'s links (all links for `all`) from the origins
/// to the destinations of `ods`, on the network with `f` in force.
fn self_capacity(
    cache: &Cache,
    memo: &mut Memo,
    _s: &Scenario,
    f: &InForce,
    key: &str,
    _year: i32,
    ods: &[(String, String)],
) -> Result<f64, SaturationError> {
    let mut ods = ods.to_vec();
    ods.sort();
    ods.dedup();
    let mk = (f.clone(), key.to_string(), ods.clone());
    if let Some(c) = memo.get(&mk) {
        return Ok(*c);
    }
    let net = cache.network(f).map_err(SaturationError::Network)?;
    let corridor = if key == "all" {
        None
    } else {
        net.corridor_by_key(key)
    };
    let mut from: Vec<NodeId> = ods.iter().filter_map(|x| net.node_by_key(&x.0)).collect();
    let to: Vec<NodeId> = ods.iter().filter_map(|x| net.node_by_key(&x.1)).collect();
    from.retain(|n| !to.contains(n));
    let c = if from.is_empty() || to.is_empty() || (key != "all" && corridor.is_none()) {
        0.0
    } else {
        let g = CorridorGraph::build(&net, &cache.scenario().params, Cargo::Containers, corridor);
        let groups = crate::graph::Groups {
            from: key.to_string(),
            to: key.to_string(),
            from_nodes: dedup(from),
            to_nodes: dedup(to),
        };
        crate::maxcut::answer(&net, &g, &groups, 1)?.max_flow()
    };
    memo.insert(mk, c);
    Ok(c)
}

fn dedup(mut v: Vec<NodeId>) -> Vec<NodeId> {
    v.sort();
    v.dedup();
    v
}
