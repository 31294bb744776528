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

/// What a calibration point counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CalibrationKind {
    /// TEU of containers on legs of a mode.
    ContainersByMode,
    /// Tonnes of cargo on legs of a mode: containers at `tonnes_per_teu`, and wagonload.
    CargoTonnesByMode,
    /// TEU of containers over one link (counted as they reach its far end).
    ContainersOverLink,
    /// TEU of containers served by a capacity-limited node (carried through it, both
    /// directions): cargo carried, not cargo that reached the node and queues there.
    ContainersThroughNode,
    /// Tonnes of cargo over one link, both ways (counted as they reach its far end):
    /// containers at `tonnes_per_teu`, and wagonload.
    CargoTonnesOverLink,
    /// Wagons (wagonload) served by a capacity-limited node, both directions, as
    /// [`CalibrationKind::ContainersThroughNode`] counts containers.
    WagonsThroughNode,
    /// Tonnes of cargo delivered on routes of the corridors of the scope (`;`-separated
    /// corridor ids): containers at `tonnes_per_teu`, and wagonload.
    CargoTonnesByCorridor,
}

impl CalibrationKind {
    /// The names used in `calibration.csv`.
    pub const NAMES: &'static [&'static str] = &[
        "containers_by_mode",
        "cargo_tonnes_by_mode",
        "containers_over_link",
        "containers_through_node",
        "cargo_tonnes_over_link",
        "wagons_through_node",
        "cargo_tonnes_by_corridor",
    ];
    /// Its name in `calibration.csv`.
    pub fn name(self) -> &'static str {
        match self {
            CalibrationKind::ContainersByMode => "containers_by_mode",
            CalibrationKind::CargoTonnesByMode => "cargo_tonnes_by_mode",
            CalibrationKind::ContainersOverLink => "containers_over_link",
            CalibrationKind::ContainersThroughNode => "containers_through_node",
            CalibrationKind::CargoTonnesOverLink => "cargo_tonnes_over_link",
            CalibrationKind::WagonsThroughNode => "wagons_through_node",
            CalibrationKind::CargoTonnesByCorridor => "cargo_tonnes_by_corridor",
        }
    }
    /// The kind of a `calibration.csv` name.
    pub fn parse(s: &str) -> Option<CalibrationKind> {
        match s {
            "containers_by_mode" => Some(CalibrationKind::ContainersByMode),
            "cargo_tonnes_by_mode" => Some(CalibrationKind::CargoTonnesByMode),
            "containers_over_link" => Some(CalibrationKind::ContainersOverLink),
            "containers_through_node" => Some(CalibrationKind::ContainersThroughNode),
            "cargo_tonnes_over_link" => Some(CalibrationKind::CargoTonnesOverLink),
            "wagons_through_node" => Some(CalibrationKind::WagonsThroughNode),
            "cargo_tonnes_by_corridor" => Some(CalibrationKind::CargoTonnesByCorridor),
            _ => None,
        }
    }
}

/// A published figure the simulation of its year is compared with.
#[derive(Clone, Debug)]
pub struct CalibrationPoint {
    /// What is counted.
    pub kind: CalibrationKind,
    /// The mode (`…_by_mode`), the link id (`…_over_link`), the node id (`…_through_node`)
    /// or the corridor ids, `;`-separated (`…_by_corridor`).
    pub scope: String,
    /// The year observed.
    pub year: i32,
    /// The observed figure, a year.
    pub observed: f64,
    /// Its source ids.
    pub source: String,
    /// What it is, in words.
    pub label: String,
}
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Toml {
    units: Units,
    #[serde(default)]
    weather: Vec<TomlWeather>,
    #[serde(default)]
    breakdown: Vec<TomlBreakdown>,
    choice: TomlChoice,
    #[serde(default)]
    seasonality: Option<TomlSeason>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TomlSeason {
    containers: Spanned<Vec<f64>>,
    wagonload: Spanned<Vec<f64>>,
    src: Spanned<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Units {
    teu_per_wagon: Spanned<f64>,
    teu_per_wagon_src: Spanned<String>,
    teu_per_train: Spanned<f64>,
    teu_per_train_src: Spanned<String>,
    tonnes_per_wagon: Spanned<f64>,
    tonnes_per_wagon_src: Spanned<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TomlWeather {
    mode: Spanned<String>,
    closed_share: Spanned<Vec<f64>>,
    closed_share_src: Spanned<String>,
    episode_p50_h: Spanned<f64>,
    episode_p90_h: Spanned<f64>,
    episode_src: Spanned<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TomlBreakdown {
    target: Spanned<String>,
    mtbf_days: Spanned<f64>,
    repair_p50_h: Spanned<f64>,
    repair_p90_h: Spanned<f64>,
    src: Spanned<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TomlChoice {
    value_of_time_usd_per_teu_day: Spanned<f64>,
    carbon_usd_per_t: Spanned<f64>,
    scale_usd: Spanned<f64>,
    choice_src: Spanned<String>,
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

/// The columns of `calibration.csv`.
pub const CALIBRATION: Table = Table {
    columns: &[
        "metric", "scope", "year", "observed", "unit", "src", "label", "note",
    ],
    required: &["metric", "scope", "year", "observed", "src", "label"],
    any_of: &[],
};

/// The columns of a demand table.
pub const DEMAND: Table = Table {
    columns: &[
        "from",
        "to",
        "teu_per_year",
        "tonnes_per_year",
        "corridor",
        "src",
        "note",
    ],
    required: &["from", "to", "src"],
    any_of: &[&["teu_per_year", "tonnes_per_year"]],
};

/// Ranges of the parameters of `simulation.toml` (see [`corridor_model::ranges`]).
mod bounds {
    use corridor_model::ranges::Range;
    const fn r(
        what: &'static str,
        unit: &'static str,
        min: f64,
        max: f64,
        why: &'static str,
    ) -> Range {
        Range {
            what,
            unit,
            min,
            min_excluded: false,
            max,
            why,
        }
    }
    pub const TEU_PER_WAGON: Range = r(
        "a wagon's container load",
        "TEU",
        0.1,
        6.0,
        "a flat wagon carries 1–3 TEU",
    );
    pub const TEU_PER_TRAIN: Range = r(
        "a train's container load",
        "TEU",
        1.0,
        400.0,
        "a container train carries 40–120 TEU, double-stacked up to about 400",
    );
    pub const TONNES_PER_WAGON: Range = r(
        "a wagon's load",
        "t",
        1.0,
        150.0,
        "a freight wagon carries 50–75 t",
    );
    pub const SCALE: Range = r(
        "a logit scale",
        "USD/TEU",
        1.0,
        1e6,
        "the spread of generalised costs between routes, hundreds of USD per TEU",
    );
    pub const VALUE_OF_TIME: Range = r(
        "a value of time",
        "USD/TEU-day",
        0.0,
        1e5,
        "shippers value a day of transit at tens to hundreds of USD per TEU",
    );
    pub const CARBON: Range = r(
        "a carbon price",
        "USD/t",
        0.0,
        1e5,
        "carbon prices are tens to hundreds of USD per tonne of CO2e",
    );
    pub const MTBF: Range = r(
        "a mean time between failures",
        "days",
        0.01,
        1e5,
        "shorter would flood the event list, longer never fails inside a horizon",
    );
}

/// Positions in one TOML text.
struct TomlAt<'a> {
    file: &'a str,
    text: &'a str,
}

impl TomlAt<'_> {
    fn line<T>(&self, v: &Spanned<T>) -> Option<u64> {
        Some(line_of_offset(self.text.as_bytes(), v.span().start))
    }
    fn diag<T>(&self, v: &Spanned<T>, field: &str, message: impl Into<String>) -> Diagnostic {
        Diagnostic::at(self.file, self.line(v), message).field(field)
    }
    /// A number in its range, or the error at its value's span.
    fn ranged(&self, sink: &mut Sink, v: &Spanned<f64>, field: &str, range: &Range) -> f64 {
        let x = *v.get_ref();
        if let Err(e) = range.check(x) {
            sink.push(self.diag(v, field, e.message).maybe_hint(e.hint));
        }
        x
    }
    /// Every id of a source list (`S10;E-X`) exists.
    fn sources(&self, sink: &mut Sink, net: &Network, v: &Spanned<String>, field: &str) {
        for key in v
            .get_ref()
            .split([';', ' ', ','])
            .map(str::trim)
            .filter(|k| !k.is_empty())
        {
            if !net.sources.iter().any(|s| s.key == key) {
                sink.push(
                    self.diag(v, field, format!("unknown source `{key}`")).hint(
                        did_you_mean(key, net.sources.iter().map(|s| s.key.as_str()))
                            .unwrap_or_else(|| "name source ids from sources.csv".into()),
                    ),
                );
            }
        }
        if v.get_ref().trim().is_empty() {
            sink.push(
                self.diag(v, field, "missing source")
                    .hint("every figure names its source ids from sources.csv"),
            );
        }
    }
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

fn parse_simulation(net: &Network, file: &str, text: &str, out: &mut Parsed, sink: &mut Sink) {
    let at = TomlAt { file, text };
    let t: Toml = match toml::from_str(text) {
        Ok(t) => t,
        Err(e) => {
            let line = e.span().map(|s| line_of_offset(text.as_bytes(), s.start));
            sink.push(
                Diagnostic::at(file, line, e.message().trim_end().to_string())
                    .hint("see data/simulation.toml of the default dataset"),
            );
            return;
        }
    };
    if let Some(season) = &t.seasonality {
        at.sources(sink, net, &season.src, "seasonality.src");
        for (field, v, slot) in [
            (
                "seasonality.containers",
                &season.containers,
                &mut out.season_containers,
            ),
            (
                "seasonality.wagonload",
                &season.wagonload,
                &mut out.season_wagonload,
            ),
        ] {
            match profile(v.get_ref()) {
                Ok(p) => *slot = p,
                Err(msg) => {
                    sink.push(at.diag(v, field, msg).hint(
                        "12 relative monthly volumes, January to December, e.g. [1.0, 0.8, …]",
                    ))
                }
            }
        }
    }
    let u = &t.units;
    for (field, src) in [
        ("units.teu_per_wagon_src", &u.teu_per_wagon_src),
        ("units.teu_per_train_src", &u.teu_per_train_src),
        ("units.tonnes_per_wagon_src", &u.tonnes_per_wagon_src),
        ("choice.choice_src", &t.choice.choice_src),
    ] {
        at.sources(sink, net, src, field);
    }
    out.teu_per_wagon = at.ranged(
        sink,
        &u.teu_per_wagon,
        "units.teu_per_wagon",
        &bounds::TEU_PER_WAGON,
    );
    out.teu_per_train = at.ranged(
        sink,
        &u.teu_per_train,
        "units.teu_per_train",
        &bounds::TEU_PER_TRAIN,
    );
    out.tonnes_per_wagon = at.ranged(
        sink,
        &u.tonnes_per_wagon,
        "units.tonnes_per_wagon",
        &bounds::TONNES_PER_WAGON,
    );
    let c = &t.choice;
    out.choice = Choice {
        value_of_time: at.ranged(
            sink,
            &c.value_of_time_usd_per_teu_day,
            "choice.value_of_time_usd_per_teu_day",
            &bounds::VALUE_OF_TIME,
        ),
        carbon_price: at.ranged(
            sink,
            &c.carbon_usd_per_t,
            "choice.carbon_usd_per_t",
            &bounds::CARBON,
        ),
        scale: at.ranged(sink, &c.scale_usd, "choice.scale_usd", &bounds::SCALE),
    };
    for w in t.weather {
        let Some(mode) = Mode::parse(w.mode.get_ref()) else {
            sink.push(
                at.diag(
                    &w.mode,
                    "weather.mode",
                    format!("unknown mode `{}`", w.mode.get_ref()),
                )
                .hint(
                    did_you_mean(w.mode.get_ref(), Mode::NAMES.iter().copied())
                        .unwrap_or_else(|| format!("modes are {}", Mode::expected())),
                ),
            );
            continue;
        };
        let shares = w.closed_share.get_ref();
        if shares.len() != 12
            || shares
                .iter()
                .any(|x| !(x.is_finite() && (0.0..0.95).contains(x)))
        {
            sink.push(at.diag(
                &w.closed_share,
                "weather.closed_share",
                format!("closed_share needs 12 monthly shares in [0, 0.95), found {shares:?}"),
            ));
            continue;
        }
        // Closures of half an hour to a year: shorter ones would only flood the event list,
        // longer ones are not weather.
        if let Some((p90, msg)) = p50_p90_error(
            "episode",
            "closure lengths",
            *w.episode_p50_h.get_ref(),
            *w.episode_p90_h.get_ref(),
            0.5,
            8760.0,
        ) {
            let (v, field) = if p90 {
                (&w.episode_p90_h, "weather.episode_p90_h")
            } else {
                (&w.episode_p50_h, "weather.episode_p50_h")
            };
            sink.push(at.diag(v, field, msg));
            continue;
        }
        at.sources(sink, net, &w.closed_share_src, "weather.closed_share_src");
        at.sources(sink, net, &w.episode_src, "weather.episode_src");
        let mut cs = [0.0; 12];
        cs.copy_from_slice(shares);
        out.weather.push(Weather {
            mode,
            closed_share: cs,
            episode_p50_h: *w.episode_p50_h.get_ref(),
            episode_p90_h: *w.episode_p90_h.get_ref(),
        });
    }
    for b in t.breakdown {
        let target = b.target.get_ref();
        let outage = if let Some(n) = net.node_by_key(target) {
            let server = !net.node(n).capacity.is_empty();
            if !server {
                sink.push(
                    at.diag(
                        &b.target,
                        "breakdown.target",
                        format!(
                            "node `{target}` has no capacity, so no server to break down"
                        ),
                    )
                    .hint(
                        "a node breakdown needs a capacity (TEU, trains, wagons or Mt/yr) in nodes.csv",
                    ),
                );
                continue;
            }
            Outage::Node(n)
        } else if let Some(i) = net.services.iter().position(|s| s.key == *target) {
            Outage::Service(ServiceId(i as u32))
        } else {
            let keys = net
                .nodes
                .iter()
                .map(|n| n.key.as_str())
                .chain(net.services.iter().map(|s| s.key.as_str()));
            sink.push(
                at.diag(
                    &b.target,
                    "breakdown.target",
                    format!("unknown node or service `{target}`"),
                )
                .hint(did_you_mean(target, keys).unwrap_or_else(|| {
                    "a node id from nodes.csv (with a capacity) or a service id from services.csv"
                        .into()
                })),
            );
            continue;
        };
        let errors = sink.errors().len();
        let mtbf_days = at.ranged(sink, &b.mtbf_days, "breakdown.mtbf_days", &bounds::MTBF);
        // Repairs of half a minute to ten years.
        if let Some((p90, msg)) = p50_p90_error(
            "repair",
            "repair times",
            *b.repair_p50_h.get_ref(),
            *b.repair_p90_h.get_ref(),
            0.01,
            87_600.0,
        ) {
            let (v, field) = if p90 {
                (&b.repair_p90_h, "breakdown.repair_p90_h")
            } else {
                (&b.repair_p50_h, "breakdown.repair_p50_h")
            };
            sink.push(at.diag(v, field, msg));
        }
        at.sources(sink, net, &b.src, "breakdown.src");
        if sink.errors().len() > errors {
            continue;
        }
        out.breakdowns.push(Breakdown {
            target: target.clone(),
            outage,
            mtbf_h: mtbf_days * 24.0,
            repair_p50_h: *b.repair_p50_h.get_ref(),
            repair_p90_h: *b.repair_p90_h.get_ref(),
        });
    }
}

/// A median and 90th percentile in hours (`KEY_p50_h`, `KEY_p90_h`) must satisfy
/// `lo ≤ p50 ≤ p90 ≤ hi`: if they do not, whether the P90 is at fault (else the median)
/// and the message.
fn p50_p90_error(
    key: &str,
    what: &str,
    p50: f64,
    p90: f64,
    lo: f64,
    hi: f64,
) -> Option<(bool, String)> {
    let p90_at_fault = if !(lo..=hi).contains(&p50) {
        false
    } else if !(p50..=hi).contains(&p90) {
        true
    } else {
        return None;
    };
    Some((
        p90_at_fault,
        format!(
            "{what} need {lo} ≤ {key}_p50_h ≤ {key}_p90_h ≤ {hi} hours, found {p50:?} and {p90:?}"
        ),
    ))
}

/// A monthly profile normalised to mean 1: 12 finite, non-negative values, not all zero.
fn profile(v: &[f64]) -> Result<[f64; 12], String> {
    if v.len() != 12 {
        return Err(format!("expected 12 monthly values, found {}", v.len()));
    }
    if let Some(x) = v.iter().find(|x| !x.is_finite() || **x < 0.0 || **x > 1e6) {
        return Err(format!(
            "monthly values must be between 0 and 1000000, found {}",
            ranges::num_beside(*x, &[0.0, 1e6])
        ));
    }
    let mean = v.iter().sum::<f64>() / 12.0;
    if mean <= 0.0 {
        return Err("at least one month needs demand".into());
    }
    let mut p = [0.0; 12];
    for (o, x) in p.iter_mut().zip(v) {
        *o = x / mean;
    }
    Ok(p)
}

/// A node of the demand table, with a suggestion when it is unknown.
fn demand_node(net: &Network, r: &mut Row<'_>, field: &str) -> Option<NodeId> {
    let v = r.req(field)?;
    let found = net.node_by_key(v);
    if found.is_none() {
        let hint = did_you_mean(v, net.nodes.iter().map(|n| n.key.as_str()))
            .or_else(|| Some("node ids are in nodes.csv (`corridor network show`)".into()));
        r.err(field, format!("unknown node `{v}`"), hint);
    }
    found
}

fn parse_demand(net: &Network, file: &str, input: &Input, flows: &mut Vec<Flow>, sink: &mut Sink) {
    read_table(input, file, read::DEMAND_TABLE, &DEMAND, None, sink, |r| {
        let from = demand_node(net, r, "from");
        let to = demand_node(net, r, "to");
        let volume = |r: &mut Row<'_>, field: &str, range: &Range| {
            r.parse(field, false, |t| {
                let v = parse_number(t, range.what)?;
                range.check(v)
            })
        };
        let teu = volume(r, "teu_per_year", &ranges::DEMAND_TEU_YEAR);
        let tonnes = volume(r, "tonnes_per_year", &ranges::DEMAND_TONNES_YEAR);
        let (teu, tonnes) = match (teu, tonnes) {
            (Some(a), Some(b)) => match (a, b) {
                (Some(a), Some(b)) if a > 0.0 && b > 0.0 => {
                    r.err("tonnes_per_year", format!("the row gives both {} TEU and {} t a year", ranges::num(a), ranges::num(b)), Some("a row is containers (teu_per_year) or wagonload cargo (tonnes_per_year): split it into two rows".into()));
                    (None, None)
                }
                (None, None) => {
                    let field = if r.has_column("teu_per_year") {
                        "teu_per_year"
                    } else {
                        "tonnes_per_year"
                    };
                    r.err(field, "the row gives no volume", Some("give teu_per_year for containers or tonnes_per_year for wagonload cargo".into()));
                    (None, None)
                }
                (a, b) => {
                    let (a, b) = (a.unwrap_or(0.0), b.unwrap_or(0.0));
                    if a == 0.0 && b == 0.0 {
                        let field = if r.get("teu_per_year").is_empty() {
                            "tonnes_per_year"
                        } else {
                            "teu_per_year"
                        };
                        r.warn(
                            field,
                            "the flow is 0 a year: it generates nothing",
                            Some("leave the row out, or give its volume".into()),
                        );
                    }
                    (Some(a), Some(b))
                }
            },
            _ => (None, None),
        };
        let field = r.get("corridor");
        let (share, key) = match field.strip_prefix("share:") {
            Some(k) => (true, k.trim()),
            None => (false, field),
        };
        if share && key.is_empty() {
            r.err(
                "corridor",
                "`share:` names no corridor",
                Some("write share:KEY, e.g. share:northern (the corridor's current share of the flow)".into()),
            );
        }
        let corridor = match key {
            "" if share => None,
            "" => Some(None),
            k => match net.corridor_by_key(k) {
                Some(c) => Some(Some(c)),
                None => {
                    let hint = did_you_mean(k, net.corridors.iter().map(|c| c.key.as_str()))
                        .unwrap_or_else(|| {
                            format!(
                                "corridors are {}",
                                net.corridors
                                    .iter()
                                    .map(|c| c.key.as_str())
                                    .collect::<Vec<_>>()
                                    .join(", ")
                            )
                        });
                    r.err("corridor", format!("unknown corridor `{k}`"), Some(hint));
                    None
                }
            },
        };
        if let Some(src) = r.req("src") {
            for key in src
                .split([';', ' ', ','])
                .map(str::trim)
                .filter(|k| !k.is_empty())
            {
                if !net.sources.iter().any(|s| s.key == key) {
                    let hint = did_you_mean(key, net.sources.iter().map(|s| s.key.as_str()))
                        .or_else(|| {
                            Some("every volume names its source ids from sources.csv".into())
                        });
                    r.err("src", format!("unknown source `{key}`"), hint);
                }
            }
        }
        if let (Some(from), Some(to)) = (from, to) {
            if from == to {
                r.err("to", "origin and destination are the same place", None);
            }
        }
        if let (Some(from), Some(to), Some(teu), Some(tonnes), Some(corridor)) =
            (from, to, teu, tonnes, corridor)
        {
            if r.errors.is_empty() {
                flows.push(Flow {
                    from,
                    to,
                    teu_per_year: teu,
                    tonnes_per_year: tonnes,
                    corridor,
                    share_base: share.then_some(if tonnes > 0.0 { tonnes } else { teu }),
                    line: r.line(),
                });
            }
        }
    });
}

fn parse_calibration(
    net: &Network,
    file: &str,
    input: &Input,
    points: &mut Vec<CalibrationPoint>,
    sink: &mut Sink,
) {
    read_table(input, file, read::SETTINGS, &CALIBRATION, None, sink, |r| {
        let kind = r.parse_enum("metric", CalibrationKind::parse, CalibrationKind::NAMES);
        let scope = r.req("scope");
        if let (Some(kind), Some(scope)) = (kind, scope) {
            match kind {
                CalibrationKind::ContainersOverLink | CalibrationKind::CargoTonnesOverLink
                    if net.link_by_key(scope).is_none() =>
                {
                    let hint = did_you_mean(scope, net.links.iter().map(|l| l.key.as_str()))
                        .or_else(|| Some("a link id from links.csv".into()));
                    r.err("scope", format!("unknown link `{scope}`"), hint);
                }
                CalibrationKind::ContainersThroughNode | CalibrationKind::WagonsThroughNode => {
                    match net.node_by_key(scope) {
                        None => {
                            let hint =
                                did_you_mean(scope, net.nodes.iter().map(|n| n.key.as_str()))
                                    .or_else(|| Some("a node id from nodes.csv".into()));
                            r.err("scope", format!("unknown node `{scope}`"), hint);
                        }
                        Some(n) if net.node(n).capacity.is_empty() => r.err(
                            "scope",
                            format!("node `{scope}` has no capacity: nothing is served there"),
                            Some("count containers_over_link on a link into it instead".into()),
                        ),
                        Some(_) => {}
                    }
                }
                CalibrationKind::CargoTonnesByCorridor => {
                    for c in scope.split(';').map(str::trim) {
                        if net.corridor_by_key(c).is_none() {
                            let hint =
                                did_you_mean(c, net.corridors.iter().map(|k| k.key.as_str()))
                                    .unwrap_or_else(|| {
                                        format!(
                                            "corridor ids, `;`-separated: {}",
                                            net.corridors
                                                .iter()
                                                .map(|k| k.key.as_str())
                                                .collect::<Vec<_>>()
                                                .join(", ")
                                        )
                                    });
                            r.err("scope", format!("unknown corridor `{c}`"), Some(hint));
                        }
                    }
                }
                CalibrationKind::ContainersByMode | CalibrationKind::CargoTonnesByMode
                    if Mode::parse(scope).is_none() =>
                {
                    let hint = did_you_mean(scope, Mode::NAMES.iter().copied())
                        .unwrap_or_else(|| format!("modes are {}", Mode::expected()));
                    r.err("scope", format!("unknown mode `{scope}`"), Some(hint));
                }
                _ => {}
            }
        }
        let year = r.req("year").and_then(|y| match y.parse::<i32>() {
            Ok(v) if (1970..=2200).contains(&v) => Some(v),
            _ => {
                r.err(
                    "year",
                    format!("`{y}` is not a year from 1970 to 2200"),
                    None,
                );
                None
            }
        });
        let observed = r
            .parse("observed", true, |t| {
                let v = parse_number(t, "an observed figure")?;
                if v > 0.0 && v < 1e12 {
                    Ok(v)
                } else {
                    Err(corridor_model::dist::SpecError {
                        message: format!(
                            "expected an observed figure above 0 and below 1e12, found {t}"
                        ),
                        hint: None,
                    })
                }
            })
            .flatten();
        if let Some(src) = r.req("src") {
            for key in src
                .split([';', ' ', ','])
                .map(str::trim)
                .filter(|k| !k.is_empty())
            {
                if !net.sources.iter().any(|s| s.key == key) {
                    let hint = did_you_mean(key, net.sources.iter().map(|s| s.key.as_str()));
                    r.err("src", format!("unknown source `{key}`"), hint);
                }
            }
        }
        let label = r.req("label");
        if let (Some(kind), Some(scope), Some(year), Some(observed), Some(label)) =
            (kind, scope, year, observed, label)
        {
            if r.errors.is_empty() {
                points.push(CalibrationPoint {
                    kind,
                    scope: scope.to_string(),
                    year,
                    observed,
                    source: r.get("src").to_string(),
                    label: label.to_string(),
                });
            }
        }
    });
}
