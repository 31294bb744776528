//! # corridor-capacity
//!
//! The corridor's capacity questions, answered in milliseconds by network-flow tools on the
//! network as timetabled:
//!
//! - [`graph`]: the network as a flow graph in TEU (or tonnes) a year — a capacity-limited
//!   node split into an in and an out node joined by its capacity; each direction of a link
//!   an arc of its line capacity, followed by one of its timetabled services' yearly
//!   capacity (departures × payload, less the sourced weather closures of its mode) where
//!   services run in that direction (cargo then has to board one, as in the route planner
//!   and the simulation). Every arc is tagged with the element it stands for, so a minimum
//!   cut reads back as named bottlenecks.
//! - [`maxcut`]: the maximum flow between groups of places (countries, `EU`, node ids) on
//!   one corridor or all, the binding cut, and the cuts that bind once it is relieved.
//! - [`saturation`]: for a scenario, each year's capacity per corridor (on the network in
//!   force in each replication's draw of the projects' completion dates) against that
//!   year's demand, and the first year demand exceeds it (P50/P90 over the draws).
//! - [`equilibrium`]: static user-equilibrium assignment of the demand over the corridor
//!   network (BPR delays on the capacities above), with select-link analysis.
//!
//! Architecture Invariant: no I/O and no printing; results are `serde` data.

pub mod equilibrium;
pub mod graph;
pub mod maxcut;
pub mod saturation;

pub use graph::{Cargo, CorridorGraph, Element, Groups};
