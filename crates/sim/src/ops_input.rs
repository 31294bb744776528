//! Inputs of the corridor operations simulation: the demand table (`demand.csv`) and the
//! simulation parameters (`simulation.toml`), parsed against a network with diagnostics
//! that name the file, line and field. The demand table is read by the model's one table
//! reader ([`corridor_model::table`]) and `simulation.toml` by the spans of its values, so
//! both report positions as the dataset does. One plain struct, [`OpsInput`], drives a
//! run, so dated scenarios can build it too.

use corridor_model::Network;
use corridor_model::diag::{Diagnostic, LoadErrors, Sink, did_you_mean};
use corridor_model::dist::parse_number;
use corridor_model::network::{CorridorId, Mode, NodeId, ServiceId};
use corridor_model::ranges::{self, Range};
use corridor_model::read::{self, Input, line_of_offset};
use corridor_model::table::{Row, Table, read_table};
use serde::Deserialize;
use std::borrow::Cow;
use toml::Spanned;

mod calibration;
mod demand;
mod simulation;

use calibration::parse_calibration;
pub use calibration::{CALIBRATION, CalibrationKind, CalibrationPoint};
pub use demand::DEMAND;
use demand::parse_demand;
use simulation::parse_simulation;

/// One origin–destination flow: containers (`teu_per_year`) or conventional wagonload
/// cargo (`tonnes_per_year`).
#[derive(Clone, Debug)]
pub struct Flow {
    /// Origin.
    pub from: NodeId,
    /// Destination.
    pub to: NodeId,
    /// Containers, TEU per year (0 for a wagonload flow).
    pub teu_per_year: f64,
    /// Wagonload cargo, tonnes per year (0 for a container flow).
    pub tonnes_per_year: f64,
    /// Corridor the flow is pinned to, or `None` for the logit choice.
    pub corridor: Option<CorridorId>,
    /// For a row whose corridor is its *current share* (`share:KEY` in the demand table),
    /// not a pin: the volume a year (TEU, or tonnes for wagonload) that stays on that
    /// corridor. What a demand factor or a scenario's growth adds above it chooses among
    /// all corridors by the route choice. `None` for a pinned or a free flow.
    pub share_base: Option<f64>,
    /// Line in the demand file (for messages).
    pub line: u64,
}

impl Flow {
    /// True for conventional wagonload cargo (travels in wagons, not containers).
    pub fn is_wagonload(&self) -> bool {
        self.tonnes_per_year > 0.0
    }
}

/// Weather closures of one mode's ports.
#[derive(Clone, Debug)]
pub struct Weather {
    /// Mode whose departures stop while closed.
    pub mode: Mode,
    /// Share of days closed, January to December.
    pub closed_share: [f64; 12],
    /// Median length of a closure, hours.
    pub episode_p50_h: f64,
    /// 90th percentile length of a closure, hours.
    pub episode_p90_h: f64,
}

impl Weather {
    /// The same closures for the route planner's quantiles (`from`: the file they come
    /// from, for its notes): one source of truth for the planner and the simulation.
    pub fn season(&self, from: &str) -> corridor_route::season::Season {
        corridor_route::season::Season {
            mode: self.mode,
            closed_share: self.closed_share,
            episode_p50_h: self.episode_p50_h,
            episode_p90_h: self.episode_p90_h,
            from: from.to_string(),
        }
    }
}

/// What a breakdown takes out of service.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Outage {
    /// A capacity-limited node: it starts no service while down.
    Node(NodeId),
    /// A timetabled service (both directions): no departure while down.
    Service(ServiceId),
}

/// Random breakdowns of one node or service: failures come at exponential intervals of
/// `mtbf_h` mean while it is up (the next one is drawn when a repair ends), repairs take a
/// log-normal time. A node finishes the service under way at a failure and starts none
/// until repaired; a service's departures due while it is down are cancelled.
#[derive(Clone, Debug)]
pub struct Breakdown {
    /// The node or service id, as written.
    pub target: String,
    /// What it takes out of service.
    pub outage: Outage,
    /// Mean time between failures (up time), hours.
    pub mtbf_h: f64,
    /// Median repair time, hours.
    pub repair_p50_h: f64,
    /// 90th percentile repair time, hours.
    pub repair_p90_h: f64,
}

/// Route choice for flows without a pinned corridor.
#[derive(Clone, Copy, Debug)]
pub struct Choice {
    /// USD per TEU and day of door-to-door time.
    pub value_of_time: f64,
    /// USD per tonne of CO2e (well-to-wheel).
    pub carbon_price: f64,
    /// Logit scale, USD per TEU.
    pub scale: f64,
}

/// Everything a simulation run needs besides the network: the parsed parameters and demand,
/// and the run's period and demand multiplier.
#[derive(Clone, Debug)]
pub struct OpsInput {
    /// Demand, units, weather, route choice (from `simulation.toml` and `demand.csv`).
    pub params: Parsed,
    /// Demand multiplier (growth scenarios; 1 = the table as written).
    pub demand_factor: f64,
    /// Start of the simulated period, hours since the epoch (UTC).
    pub start: f64,
    /// Simulated days after the warm-up.
    pub days: f64,
    /// Warm-up days (not measured).
    pub warmup_days: f64,
}

impl OpsInput {
    /// The input for a run of `days` after `warmup_days`, from `start` (hours since the
    /// epoch), with the parsed demand and parameters and a demand multiplier.
    pub fn from_parsed(
        params: Parsed,
        demand_factor: f64,
        start: f64,
        days: f64,
        warmup_days: f64,
    ) -> OpsInput {
        OpsInput {
            params,
            demand_factor,
            start,
            days,
            warmup_days,
        }
    }
}

/// What [`parse`] returns: the run's parameters and demand.
#[derive(Clone, Debug)]
pub struct Parsed {
    /// Demand.
    pub flows: Vec<Flow>,
    /// Weather closures.
    pub weather: Vec<Weather>,
    /// Random breakdowns of nodes and services.
    pub breakdowns: Vec<Breakdown>,
    /// Route choice.
    pub choice: Choice,
    /// TEU per railway wagon (payloads in wagons; a wagon's share of ferry capacity).
    pub teu_per_wagon: f64,
    /// TEU per train (capacities in trains per day).
    pub teu_per_train: f64,
    /// Tonnes of wagonload cargo per wagon.
    pub tonnes_per_wagon: f64,
    /// Monthly demand profile of containers, January to December (mean 1).
    pub season_containers: [f64; 12],
    /// Monthly demand profile of wagonload cargo, January to December (mean 1).
    pub season_wagonload: [f64; 12],
    /// Observed figures to compare a run of their year with (`calibration.csv`).
    pub calibration: Vec<CalibrationPoint>,
}

/// The default parameters, compiled in.
pub const DEFAULT_SIMULATION: &str = include_str!("../../../data/simulation.toml");
/// The default demand (observed 2024 flows).
pub const DEFAULT_DEMAND: &str = include_str!("../../../data/demand.csv");
/// The default calibration points (published figures of 2024).
pub const DEFAULT_CALIBRATION: &str = include_str!("../../../data/calibration.csv");

/// The 2030 demand of the published targets and forecasts (`data/demand-2030.csv`).
pub const DEMAND_2030: &str = include_str!("../../../data/demand-2030.csv");

/// A demand table embedded under a name (`corridor simulate --demand NAME`).
#[derive(Clone, Copy, Debug)]
pub struct PublishedDemand {
    /// Its name.
    pub name: &'static str,
    /// Its file under `data/`.
    pub file: &'static str,
    /// What it holds.
    pub about: &'static str,
    /// The table.
    pub text: &'static str,
}

/// The published demand sets, by name.
pub const PUBLISHED_DEMAND: &[PublishedDemand] = &[
    PublishedDemand {
        name: "published-2024",
        file: "data/demand.csv",
        about: "the observed 2024 flows (the default)",
        text: DEFAULT_DEMAND,
    },
    PublishedDemand {
        name: "published-2030",
        file: "data/demand-2030.csv",
        about: "the published 2030 targets and forecasts (1.12 M TEU and 6.6 Mt of wagonload)",
        text: DEMAND_2030,
    },
];

/// Whether a `--demand` value is a name rather than a path: it has no path separator and
/// no dot (`published-2030`; a file named so is `./published-2030`), so a name never
/// shadows a file such as `demand.csv` or `tables/2030`.
pub fn is_demand_name(value: &str) -> bool {
    !value.is_empty() && !value.contains(['/', '\\', '.'])
}

/// The published demand set of a name.
pub fn published_demand(name: &str) -> Option<&'static PublishedDemand> {
    PUBLISHED_DEMAND.iter().find(|d| d.name == name)
}

impl Parsed {
    /// The parameters before any file is read (what `simulation.toml` then sets).
    fn empty() -> Parsed {
        Parsed {
            flows: Vec::new(),
            weather: Vec::new(),
            breakdowns: Vec::new(),
            choice: Choice {
                value_of_time: 0.0,
                carbon_price: 0.0,
                scale: 1.0,
            },
            teu_per_wagon: 2.0,
            teu_per_train: 100.0,
            tonnes_per_wagon: 60.0,
            season_containers: [1.0; 12],
            season_wagonload: [1.0; 12],
            calibration: Vec::new(),
        }
    }
}

/// Parse `simulation.toml` and a demand table given as texts (the embedded defaults,
/// tests), with the names used in messages; warnings are dropped.
pub fn parse(
    net: &Network,
    sim_name: &str,
    sim_text: &str,
    demand_name: &str,
    demand_text: &str,
) -> Result<Parsed, LoadErrors> {
    let text = |t: &str| Input::Bytes(Cow::Owned(t.as_bytes().to_vec()));
    let files = Files {
        simulation: (sim_name, text(sim_text)),
        demand: (demand_name, text(demand_text)),
        calibration: ("calibration.csv", text(DEFAULT_CALIBRATION)),
    };
    parse_files(net, &files).map(|(p, _)| p)
}

/// The files of a run's parameters, with the names used in messages.
pub struct Files<'a> {
    /// `simulation.toml`.
    pub simulation: (&'a str, Input),
    /// The demand table.
    pub demand: (&'a str, Input),
    /// `calibration.csv`.
    pub calibration: (&'a str, Input),
}

impl<'a> Files<'a> {
    /// The embedded `simulation.toml` and `calibration.csv`, with a demand table.
    pub fn embedded_with_demand(demand_name: &'a str, demand: Input) -> Files<'a> {
        let embedded = |t: &'static str| Input::Bytes(Cow::Borrowed(t.as_bytes()));
        Files {
            simulation: (
                "<embedded>/data/simulation.toml",
                embedded(DEFAULT_SIMULATION),
            ),
            demand: (demand_name, demand),
            calibration: (
                "<embedded>/data/calibration.csv",
                embedded(DEFAULT_CALIBRATION),
            ),
        }
    }
}

/// Parse `simulation.toml`, a demand table and `calibration.csv` against a network, reading
/// each with its size limit ([`read::SETTINGS`], [`read::DEMAND_TABLE`]); every problem of
/// each is reported. Returns the parameters and the warnings (legal but suspicious rows).
pub fn parse_files(net: &Network, files: &Files) -> Result<(Parsed, Vec<Diagnostic>), LoadErrors> {
    let (sim_name, sim) = (files.simulation.0, &files.simulation.1);
    let (demand_name, demand) = (files.demand.0, &files.demand.1);
    let mut sink = Sink::default();
    let mut out = Parsed::empty();
    match read::read_all(sim, read::SETTINGS) {
        Ok(text) => parse_simulation(net, sim_name, &text, &mut out, &mut sink),
        Err(e) => sink.push(Diagnostic::at(sim_name, e.line(), e.to_string()).maybe_hint(e.hint())),
    }
    parse_demand(net, demand_name, demand, &mut out.flows, &mut sink);
    parse_calibration(
        net,
        files.calibration.0,
        &files.calibration.1,
        &mut out.calibration,
        &mut sink,
    );
    let (errors, warnings) = sink.into_parts();
    if errors.diagnostics.is_empty() && errors.suppressed == 0 {
        Ok((out, warnings))
    } else {
        Err(errors)
    }
}

/// Parse `simulation.toml` alone for its weather closures (what the route planner's
/// quantiles use), read with its size limit; every problem of the file is reported.
pub fn parse_weather(net: &Network, name: &str, input: &Input) -> Result<Vec<Weather>, LoadErrors> {
    let mut sink = Sink::default();
    let mut out = Parsed::empty();
    match read::read_all(input, read::SETTINGS) {
        Ok(text) => parse_simulation(net, name, &text, &mut out, &mut sink),
        Err(e) => sink.push(Diagnostic::at(name, e.line(), e.to_string()).maybe_hint(e.hint())),
    }
    let (errors, _) = sink.into_parts();
    if errors.diagnostics.is_empty() && errors.suppressed == 0 {
        Ok(out.weather)
    } else {
        Err(errors)
    }
}

/// Parse a demand table alone (a scenario's base table), read with its size limit.
pub fn parse_demand_table(
    net: &Network,
    name: &str,
    input: &Input,
) -> Result<(Vec<Flow>, Vec<Diagnostic>), LoadErrors> {
    let mut sink = Sink::default();
    let mut flows = Vec::new();
    parse_demand(net, name, input, &mut flows, &mut sink);
    let (errors, warnings) = sink.into_parts();
    if errors.diagnostics.is_empty() && errors.suppressed == 0 {
        Ok((flows, warnings))
    } else {
        Err(errors)
    }
}
