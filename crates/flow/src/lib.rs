//! # corridor-flow
//!
//! Network-flow tools for Corridor: maximum flow and minimum cuts, static
//! user-equilibrium assignment with select-link analysis, and the TNTP test-network
//! formats. The crate knows nothing of timetables; it does no I/O except in the TNTP
//! reader and writer ([`tntp::read_text`], [`tntp::write_flow`]).
//!
//! ## Module map
//! - [`maxflow`]: [`maxflow::FlowGraph`] (nodes `0..n`, arcs with integer capacities and
//!   a caller tag), maximum flow by highest-label push–relabel, the minimum cut nearest
//!   the source, several sources and sinks, and successive cuts ("what binds once this
//!   one is relieved").
//! - [`assign`]: [`assign::Network`] and [`assign::DemandClass`] (with a PCE factor and
//!   toll/distance weights), [`assign::assign`] by path-based gradient projection to a
//!   stated relative gap, and [`assign::Assignment::select_link`].
//! - [`tntp`]: the `_net`, `_trips` and `_flow` files of the "Transportation Networks for
//!   Research" collection, with diagnostics naming file, line and field.
//!
//! Errors are typed: [`maxflow::MaxFlowError`], [`assign::AssignError`], and for input
//! files `corridor_model::diag::LoadErrors` (a list of
//! `corridor_model::diag::Diagnostic`s).
//!
//! ## Maximum flow and the binding cut
//!
//! A corridor adapter maps each link, each node (split into an "in" and an "out" node
//! joined by an arc of the node's capacity) and each service to arcs, scales TEU/year to
//! integers, and keeps the tag of each arc to read the cut back:
//!
//! ```
//! use corridor_flow::maxflow::{FlowGraph, INFINITE};
//!
//! const RAIL: u32 = 1;
//! const PORT: u32 = 2;
//! const FERRY: u32 = 3;
//! // 0 = origin, 1/2 = port in/out, 3 = destination.
//! let mut g = FlowGraph::new(4);
//! g.add_arc(0, 1, 900, RAIL).unwrap();
//! g.add_arc(1, 2, 600, PORT).unwrap(); // the port's handling capacity
//! g.add_arc(2, 3, 700, FERRY).unwrap();
//! g.add_arc(0, 3, 100, RAIL).unwrap(); // a direct overland route
//!
//! let f = g.max_flow(0, 3).unwrap();
//! assert_eq!(f.value, 700);
//! let mut binding = f.cut.tags(&g);
//! binding.sort();
//! assert_eq!(binding, vec![RAIL, PORT]); // the direct route and the port
//!
//! // Successive cuts on the chain alone: the port binds, then the ferry, then the rail;
//! // relieving all three leaves nothing that binds.
//! let mut chain = FlowGraph::new(4);
//! chain.add_arc(0, 1, 900, RAIL).unwrap();
//! chain.add_arc(1, 2, 600, PORT).unwrap();
//! chain.add_arc(2, 3, 700, FERRY).unwrap();
//! let cuts = chain.successive_cuts(&[0], &[3], 5).unwrap();
//! let order: Vec<_> = cuts.steps.iter().map(|s| (s.cut.tags(&chain), s.value)).collect();
//! assert_eq!(order, vec![(vec![PORT], 600), (vec![FERRY], 700), (vec![RAIL], 900)]);
//! assert!(cuts.unbounded_after);
//!
//! // An arc that can never be cut, e.g. a transfer inside a terminal:
//! chain.add_arc(0, 3, INFINITE, 99).unwrap();
//! assert!(chain.max_flow(0, 3).is_err()); // unbounded: no finite cut exists
//! ```
//!
//! ## User-equilibrium assignment
//!
//! Read a TNTP network and its demand, assign to a relative gap of 1e-10, and ask which
//! origin–destination pairs use the busiest link:
//!
//! ```
//! use corridor_flow::assign::{assign, AssignConfig, DemandClass, Network};
//! use corridor_flow::tntp;
//!
//! let net_text = "<NUMBER OF ZONES> 2\n<NUMBER OF NODES> 4\n<FIRST THRU NODE> 3\n\
//!     <NUMBER OF LINKS> 4\n<END OF METADATA>\n\
//!     ~ init term capacity length fft b power speed toll type ;\n\
//!     1 3 500 10 10 0.15 4 0 0 1 ;\n3 2 500 10 10 0.15 4 0 0 1 ;\n\
//!     1 4 900 12 12 0.15 4 0 0 1 ;\n4 2 900 12 12 0.15 4 0 0 1 ;\n";
//! let trips_text = "<NUMBER OF ZONES> 2\n<END OF METADATA>\nOrigin 1\n 2 : 1200.0;\n";
//! let tnet = tntp::parse_net(net_text, "tiny_net.tntp").unwrap();
//! let trips = tntp::parse_trips(trips_text, "tiny_trips.tntp").unwrap();
//! let net = Network::from_tntp(&tnet).unwrap();
//! let demand = DemandClass::from_tntp("trucks", &trips, &tnet).unwrap();
//!
//! let a = assign(&net, &[demand], &AssignConfig::default()).unwrap();
//! assert!(a.converged && a.relative_gap < 1e-10);
//! // Both routes are used and cost the same.
//! let route = |l1: usize, l2: usize| a.link_times[l1] + a.link_times[l2];
//! assert!((route(0, 1) - route(2, 3)).abs() < 1e-6);
//! // Select-link: all of link 0's flow is the one pair 1 → 2 (nodes 0 → 1).
//! let sel = a.select_link(0);
//! assert_eq!((sel[0].origin, sel[0].destination), (0, 1));
//! assert!((sel[0].flow - a.link_flows[0]).abs() < 1e-9);
//! // The gap went down iteration by iteration.
//! assert!(a.history.first().unwrap().relative_gap > a.relative_gap);
//! ```
//!
//! Several classes share a network through their PCE factors (a wagon may count as two
//! container slots): see [`assign`](mod@assign) for the exact cost and gap definitions.

pub mod assign;
mod diag;
pub mod maxflow;
pub mod tntp;
