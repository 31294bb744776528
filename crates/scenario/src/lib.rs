//! # corridor-scenario
//!
//! The corridor over time: a scenario is a base network and demand, a horizon of years,
//! dated interventions (a disruption, a policy), projects from a pipeline of project cards
//! (a project coded once with its status, dates, prerequisites, conflicts and the network
//! changes it brings; its completion can slip), and demand growth in both directions.
//!
//! - [`file`]: the TOML as written, with spans (errors point at the key's line);
//! - [`scenario`]: a scenario resolved and checked against its base network
//!   ([`Scenario::parse`]): every id, field and figure checked by the model's own parsers;
//! - [`tables`]: the network as the dataset's own tables, changed row by row and loaded by
//!   the model's loader, so the network at a date passes the checks of a loaded one;
//! - [`timeline`]: the network and demand in force in each epoch of a run, for one draw of
//!   the projects' completion dates ([`delay`]);
//! - [`run`]: replications over project delays and operations, year by year;
//! - [`compare`]: two runs side by side, each difference attributed to the projects and
//!   interventions that cause it;
//! - [`validate`]: the network in every state a scenario's timeline reaches, checked;
//! - [`vary`]: the parameters a variant of a scenario sets (for sweeps), checked and applied
//!   to the resolved scenario;
//! - [`embedded`]: the project pipeline and the scenarios built from the facts.
//!
//! Architecture Invariant: this crate does no I/O but reading the scenario files and
//! tables it is pointed at (through `corridor_model::read`), and prints nothing.

pub mod compare;
pub mod delay;
pub mod demand;
pub mod embedded;
pub(crate) mod file;
pub mod run;
pub mod scenario;
pub(crate) mod tables;
pub mod timeline;
pub mod validate;
pub mod vary;

pub use scenario::{Scenario, Status};

/// The tables of a dataset that changes act on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Table {
    /// `sources.csv`.
    Sources,
    /// `nodes.csv`.
    Nodes,
    /// `links.csv`.
    Links,
    /// `services.csv`.
    Services,
    /// `emissions.csv`.
    Emissions,
}

impl Table {
    /// Index among the dataset's CSV files (after `dataset.toml`).
    pub(crate) fn index(self) -> usize {
        match self {
            Table::Sources => 0,
            Table::Nodes => 1,
            Table::Links => 2,
            Table::Services => 3,
            Table::Emissions => 4,
        }
    }
    /// The table's columns.
    pub(crate) fn columns(self) -> &'static [&'static str] {
        use corridor_model::load;
        match self {
            Table::Sources => load::SOURCES.columns,
            Table::Nodes => load::NODES.columns,
            Table::Links => load::LINKS.columns,
            Table::Services => load::SERVICES.columns,
            Table::Emissions => load::EMISSIONS.columns,
        }
    }
    /// Its name in scenario files (`nodes`, `links`, …).
    pub fn name(self) -> &'static str {
        match self {
            Table::Sources => "sources",
            Table::Nodes => "nodes",
            Table::Links => "links",
            Table::Services => "services",
            Table::Emissions => "emissions",
        }
    }
    pub(crate) fn parse(s: &str) -> Option<Table> {
        [
            Table::Sources,
            Table::Nodes,
            Table::Links,
            Table::Services,
            Table::Emissions,
        ]
        .into_iter()
        .find(|t| t.name() == s)
    }
}
