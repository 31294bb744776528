//! # corridor-route
//!
//! The route planner: for a shipment (origin, destination, ready time, TEU), the
//! Pareto-optimal routes by door-to-door time, cost and well-to-wheel CO2e, under
//! constraints (avoid countries, nodes, modes; pass via nodes; maximum days or cost), with
//! emissions per leg following ISO 14083 / the GLEC Framework, P50/P90/P95 times from the
//! route's distributions, and a comparison of the corridors.
//!
//! - [`search`]: the exact time-dependent multi-criteria label-setting search.
//! - [`graph`]: the routing view of a network (medians, prices, intensities).
//! - [`plan`]: routes, legs, quantiles, ranking, why there is no route.
//! - [`compare`]: the best route of each corridor, or what removed it.
//! - [`noroute`]: why there is no route (the excluded links and their reasons).
//! - [`quote`]: a route's cost by category (rail, ferry, sea, handling, gauge change,
//!   border fees), summing exactly to its total per shipment, FEU and TEU.
//! - [`places`]: the places a route is told by (borders, gauge changes, ports, …).
//! - [`notes`]: the assumptions and limits of a result, as data, and the one-sentence
//!   verdict of a comparison.
//! - [`names`]: finding places from what people type; the nearest places of the network
//!   to a known city that is not in it.
//! - [`season`]: weather closures by month in the quantiles (from `simulation.toml`).
//! - [`time`]: calendar instants and the Monday-based timetable week.
//!
//! Architecture Invariant: no I/O, no printing; results are plain `serde` data.
//!
//! ```
//! use corridor_route::{graph::Graph, names::find_node, plan, search::{Constraints, Shipment}, time::Instant};
//! let net = corridor_model::embedded::network().unwrap();
//! let g = Graph::new(&net);
//! let s = Shipment { from: find_node(&net, "Xian").unwrap(), to: find_node(&net, "Duisburg").unwrap(),
//!                    ready: Instant::parse("2026-03-03", None).unwrap().0, teu: 2.0 };
//! let rows = plan::compare(&g, &s, &Constraints::default(), plan::Weights::preset("balanced").unwrap(), plan::Sampling::default());
//! assert!(rows.iter().any(|r| r.corridor == "middle_btk" && r.available));
//! ```

pub mod compare;
pub mod graph;
pub mod names;
pub mod noroute;
pub mod notes;
pub mod options;
pub mod places;
pub mod plan;
pub mod quote;
pub mod search;
pub mod season;
pub mod time;
