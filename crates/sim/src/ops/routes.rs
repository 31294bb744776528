//! Route sets: for each flow of the demand, and each corridor it may use, the routes the
//! route choice spreads it over. A pure function of the network, the flows and the
//! route-choice parameters.

use super::PlanError;
use crate::ops_input::{Choice, Flow};
use corridor_model::Network;
use corridor_model::network::{CorridorId, ServiceKind};
use corridor_route::graph::{Board, Graph};
use corridor_route::plan::{self, Weights};
use corridor_route::search::{Constraints, Label, Shipment, pareto};

/// Containers move as FEU units.
pub(crate) const FEU_TEU: f64 = 2.0;

/// One route a flow may take.
#[derive(Clone, Debug)]
pub(crate) struct RouteOption {
    /// The corridor whose route set it belongs to (`None`: not restricted to one).
    pub corridor: Option<CorridorId>,
    /// The search labels, origin first.
    pub labels: Vec<Label>,
    /// Generalised cost per TEU without queueing: price + value of time × days + carbon
    /// price × CO2e, USD.
    pub gc: f64,
    /// Planned (median-chain) door-to-door days.
    pub days: f64,
}

/// The route set of every flow (in flow order): per corridor (the pinned one, or every
/// corridor) its best route and the best route avoiding each capacity-limited node or each
/// ferry, feeder, liner or rail window on it (so that flows can spread over parallel
/// crossings such as Dostyk and Khorgos, or the Kuryk and Aktau ferries, as the logit
/// decides). The block trains leaving a terminal are its way out, not an alternative to
/// avoid. Wagons ride rail ferries, not container feeders or liners. `capacity_limited`
/// tells which nodes have a container capacity; `ready` is the shipments' ready time.
pub(crate) fn route_sets(
    g: &Graph,
    flows: &[Flow],
    choice: &Choice,
    capacity_limited: &[bool],
    ready: f64,
) -> Result<Vec<Vec<RouteOption>>, PlanError> {
    let net = g.net;
    // Candidates by even weights on the scaled criteria; the logit chooses by generalised cost.
    let w = Weights::EVEN;
    let mut all = Vec::with_capacity(flows.len());
    for f in flows {
        let s = Shipment {
            from: f.from,
            to: f.to,
            ready,
            teu: FEU_TEU,
        };
        let mut options = Vec::new();
        let corridors: Vec<Option<CorridorId>> = match f.corridor {
            Some(c) => vec![Some(c)],
            None => (0..net.corridors.len())
                .map(|k| Some(CorridorId(k as u16)))
                .collect(),
        };
        for c in corridors {
            let base = Constraints {
                corridor: c,
                avoid_service_kinds: cargo_limits(f),
                ..Constraints::default()
            };
            let best_of = |cons: &Constraints| {
                let r = pareto(g, &s, cons);
                plan::rank(&r.labels, &r.front, w, s.teu)
                    .first()
                    .map(|&b| r.path(b))
            };
            let Some(best) = best_of(&base) else { continue };
            let mut set = vec![best.clone()];
            for l in best.iter().skip(1) {
                let mut avoids = Vec::new();
                if let Board::Service(sv) = l.board {
                    if net.service(sv).kind != ServiceKind::BlockTrain {
                        avoids.push(Constraints {
                            avoid_services: vec![sv],
                            ..base.clone()
                        });
                    }
                }
                if capacity_limited[l.node.idx()] && l.node != f.to {
                    avoids.push(Constraints {
                        avoid_nodes: vec![l.node],
                        ..base.clone()
                    });
                }
                for avoid in avoids {
                    if let Some(alt) = best_of(&avoid) {
                        if !set.iter().any(|p| same_path(p, &alt)) {
                            set.push(alt);
                        }
                    }
                }
            }
            for labels in set {
                let last = *labels.last().expect("a path has its origin");
                let days = (last.time - s.ready) / 24.0;
                options.push(RouteOption {
                    corridor: c,
                    gc: generalised_cost(&last, s.ready, choice),
                    days,
                    labels,
                });
            }
        }
        if options.is_empty() {
            return Err(no_route(g, f, &s));
        }
        all.push(options);
    }
    Ok(all)
}

/// Kinds of service that cannot carry a flow's cargo: wagons ride rail ferries, not
/// container feeders or liners.
pub(crate) fn cargo_limits(f: &Flow) -> Vec<ServiceKind> {
    if f.is_wagonload() {
        vec![ServiceKind::Feeder, ServiceKind::Liner]
    } else {
        Vec::new()
    }
}

/// Price + value of time × days + carbon price × CO2e, per TEU, of a route ending in `last`.
pub(crate) fn generalised_cost(last: &Label, ready: f64, ch: &Choice) -> f64 {
    last.cost / FEU_TEU
        + ch.value_of_time * (last.time - ready) / 24.0
        + ch.carbon_price * last.wtw / 1000.0 / FEU_TEU
}

fn same_path(a: &[Label], b: &[Label]) -> bool {
    a.len() == b.len()
        && a.iter()
            .zip(b)
            .all(|(x, y)| x.link == y.link && x.board == y.board)
}

/// Why a flow has no route: for a pinned corridor, the corridors that do connect the pair.
fn no_route(g: &Graph, f: &Flow, s: &Shipment) -> PlanError {
    let net: &Network = g.net;
    let from = net.node(f.from).key.clone();
    let to = net.node(f.to).key.clone();
    match f.corridor {
        Some(c) => {
            let others: Vec<String> = (0..net.corridors.len())
                .map(|k| CorridorId(k as u16))
                .filter(|&k| k != c)
                .filter(|&k| {
                    let cons = Constraints {
                        corridor: Some(k),
                        ..Constraints::default()
                    };
                    !pareto(g, s, &cons).front.is_empty()
                })
                .map(|k| net.corridors[k.0 as usize].key.clone())
                .collect();
            PlanError::NoRoute {
                line: f.line,
                from,
                to,
                corridor: Some(net.corridors[c.0 as usize].key.clone()),
                others,
            }
        }
        None => PlanError::NoRoute {
            line: f.line,
            from,
            to,
            corridor: None,
            others: Vec::new(),
        },
    }
}
