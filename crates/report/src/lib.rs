//! # corridor-report
//!
//! Corridor's one renderer. The map (`map`) and the charts (`charts`) are SVG documents
//! drawn here in Rust from the engine's results; the dashboard (served by
//! `corridor-server`) fetches them and makes them interactive through their `data-node`,
//! `data-link`, `data-corridor` and `data-project` attributes, and the report (`html`,
//! `md`: `corridor report`) inlines the same documents. So a figure looks the same on
//! screen, on paper and in a mail.
//!
//! Architecture Invariant: no results are computed here. The drawings read the results'
//! JSON (`view`), the network (for its geometry, names and sources) and the vendored
//! country outlines (`geo`); nothing is fetched and nothing is written.

pub mod charts;
pub mod doc;
pub mod geo;
pub mod html;
pub mod map;
pub mod md;
pub mod plans;
pub mod svg;
pub mod view;

pub use map::{MapOptions, Overlay, map};
