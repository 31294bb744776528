//! # corridor-model
//!
//! The network model of Corridor, a digital twin of the China–Europe Middle Corridor
//! (Trans-Caspian International Transport Route) and the routes it competes with.
//!
//! - [`units`]: physical quantities as types (`Km`, `Hours`, `Usd`, `Teu`, …).
//! - [`dist`]: duration distributions (fixed, triangular, log-normal by P50/P90, empirical).
//! - [`network`]: nodes, links, services, sources; dense ids and CSR adjacency.
//! - [`load`]: reading and validating a dataset directory, with precise diagnostics.
//! - [`read`], [`table`], [`fields`], [`ranges`]: the pieces every reader of a user file
//!   shares: bounded reading with physical line numbers, the CSV table reader, the field
//!   parsers and the physical range of every figure.
//! - [`calendar`]: civil dates as days since 1970 (dated tariffs, `--date`).
//! - [`tariffs`]: tariffs in force over a period (`tariffs.csv`), looked up by day.
//! - [`embedded`]: the default dataset compiled into the binary.
//! - [`export`]: the network as JSON, GeoJSON or the same CSV text it was read from.
//!
//! ## Glossary
//! - **TEU / FEU**: twenty- and forty-foot equivalent container units (1 FEU = 2 TEU).
//! - **Gauge**: track width; 1520 mm in the former Soviet Union, 1435 mm in China, Türkiye,
//!   Iran and the EU. Containers are craned between trains at a **gauge-change** station.
//! - **Dwell**: time a container spends at a node (border formalities, transshipment,
//!   port handling), as a distribution.
//! - **Headway**: time between departures of a service.
//! - **Block train**: a whole train running from terminal to terminal without re-forming.
//! - **BCP**: border crossing point. **Ro-Ro / Ro-Pax**: roll-on/roll-off (passenger) ships;
//!   Caspian rail ferries carry wagons.
//!
//! ```
//! let net = corridor_model::embedded::network().expect("the embedded dataset is valid");
//! let aktau = net.node_by_key("KZ-AKTAU").unwrap();
//! assert_eq!(net.node(aktau).country.as_str(), "KZ");
//! ```

pub mod calendar;
pub mod diag;
pub mod dist;
pub mod embedded;
pub mod export;
pub mod fields;
pub mod finite;
mod fxhash;
mod iso;
pub mod keyindex;
pub mod load;
pub mod network;
pub mod ranges;
pub mod read;
pub mod synth;
pub mod table;
pub mod tariffs;
pub mod units;

pub use diag::{Diagnostic, LoadErrors};
pub use load::{DatasetInput, Input, Loaded, load, load_with_warnings};
pub use network::Network;
