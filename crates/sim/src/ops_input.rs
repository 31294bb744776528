//! Inputs of the corridor operations simulation: the demand table (`demand.csv`) and the
//! simulation parameters (`simulation.toml`), parsed against a network with diagnostics
//! that name the file, line and field. One plain struct, [`OpsInput`], drives a run, so
//! dated scenarios can build it too.

use corridor_model::Network;
use corridor_model::diag::{Diagnostic, LoadErrors, suggest};
use corridor_model::network::{CorridorId, Mode, NodeId, ServiceId};
use corridor_model::units::Capacity;
use serde::Deserialize;

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
    containers: Vec<f64>,
    wagonload: Vec<f64>,
    src: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Units {
    teu_per_wagon: f64,
    teu_per_wagon_src: String,
    teu_per_train: f64,
    teu_per_train_src: String,
    tonnes_per_wagon: f64,
    tonnes_per_wagon_src: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TomlWeather {
    mode: String,
    closed_share: Vec<f64>,
    closed_share_src: String,
    episode_p50_h: f64,
    episode_p90_h: f64,
    episode_src: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TomlBreakdown {
    target: String,
    mtbf_days: f64,
    repair_p50_h: f64,
    repair_p90_h: f64,
    src: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TomlChoice {
    value_of_time_usd_per_teu_day: f64,
    carbon_usd_per_t: f64,
    scale_usd: f64,
    choice_src: String,
}

/// The default parameters, compiled in.
pub const DEFAULT_SIMULATION: &str = include_str!("../../../data/simulation.toml");
/// The default demand (observed 2024 flows).
pub const DEFAULT_DEMAND: &str = include_str!("../../../data/demand.csv");

fn line_of(text: &str, needle: &str) -> Option<u64> {
    text.find(needle)
        .map(|p| text[..p].matches('\n').count() as u64 + 1)
}

fn push(
    diags: &mut Vec<Diagnostic>,
    file: &str,
    line: Option<u64>,
    column: Option<usize>,
    field: Option<&str>,
    message: String,
    hint: Option<String>,
) {
    diags.push(Diagnostic {
        file: file.into(),
        line,
        column,
        field: field.map(String::from),
        message,
        hint,
    });
}

/// Parse `simulation.toml` and `demand.csv` (given as texts with the names used in
/// messages) against a network; every problem is reported.
pub fn parse(
    net: &Network,
    sim_name: &str,
    sim_text: &str,
    demand_name: &str,
    demand_text: &str,
) -> Result<Parsed, LoadErrors> {
    let mut diags = Vec::new();
    let src_ok = |key: &str| {
        key.split([';', ' '])
            .filter(|k| !k.is_empty())
            .all(|k| net.sources.iter().any(|s| s.key == k.trim()))
    };
    let mut out = Parsed {
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
    };
    match toml::from_str::<Toml>(sim_text) {
        Err(e) => {
            let line = e.span().map(|s| {
                sim_text[..s.start.min(sim_text.len())]
                    .matches('\n')
                    .count() as u64
                    + 1
            });
            push(
                &mut diags,
                sim_name,
                line,
                None,
                None,
                e.message().to_string(),
                Some("see data/simulation.toml of the default dataset".into()),
            );
        }
        Ok(t) => {
            if let Some(season) = &t.seasonality {
                let line = line_of(sim_text, "[seasonality]");
                if !src_ok(&season.src) {
                    push(
                        &mut diags,
                        sim_name,
                        line_of(sim_text, &season.src),
                        None,
                        Some("seasonality.src"),
                        format!("unknown source `{}`", season.src),
                        Some("name source ids from sources.csv".into()),
                    );
                }
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
                    match profile(v) {
                        Ok(p) => *slot = p,
                        Err(msg) => push(
                            &mut diags,
                            sim_name,
                            line,
                            None,
                            Some(field),
                            msg,
                            Some("12 relative monthly volumes, January to December, e.g. [1.0, 0.8, …]".into()),
                        ),
                    }
                }
            }
            for (field, src) in [
                ("units.teu_per_wagon_src", &t.units.teu_per_wagon_src),
                ("units.teu_per_train_src", &t.units.teu_per_train_src),
                ("units.tonnes_per_wagon_src", &t.units.tonnes_per_wagon_src),
                ("choice.choice_src", &t.choice.choice_src),
            ] {
                if !src_ok(src) {
                    push(
                        &mut diags,
                        sim_name,
                        line_of(sim_text, src),
                        None,
                        Some(field),
                        format!("unknown source `{src}`"),
                        Some("name source ids from sources.csv".into()),
                    );
                }
            }
            for (field, v, lo, hi) in [
                ("units.teu_per_wagon", t.units.teu_per_wagon, 0.1, 6.0),
                ("units.teu_per_train", t.units.teu_per_train, 1.0, 400.0),
                (
                    "units.tonnes_per_wagon",
                    t.units.tonnes_per_wagon,
                    1.0,
                    150.0,
                ),
                ("choice.scale_usd", t.choice.scale_usd, 1.0, 1e6),
                (
                    "choice.value_of_time_usd_per_teu_day",
                    t.choice.value_of_time_usd_per_teu_day,
                    0.0,
                    f64::INFINITY,
                ),
                (
                    "choice.carbon_usd_per_t",
                    t.choice.carbon_usd_per_t,
                    0.0,
                    f64::INFINITY,
                ),
            ] {
                if !(v.is_finite() && v >= lo && v <= hi) {
                    let key = field.split('.').nth(1).unwrap_or(field);
                    let expected = if hi.is_finite() {
                        format!("between {lo} and {hi}")
                    } else {
                        "a non-negative number".to_string()
                    };
                    push(
                        &mut diags,
                        sim_name,
                        line_of(sim_text, key),
                        None,
                        Some(field),
                        format!("{field} must be {expected}, found {v}"),
                        None,
                    );
                }
            }
            out.teu_per_wagon = t.units.teu_per_wagon;
            out.teu_per_train = t.units.teu_per_train;
            out.tonnes_per_wagon = t.units.tonnes_per_wagon;
            out.choice = Choice {
                value_of_time: t.choice.value_of_time_usd_per_teu_day,
                carbon_price: t.choice.carbon_usd_per_t,
                scale: t.choice.scale_usd,
            };
            for w in t.weather {
                let line = line_of(sim_text, &format!("mode = \"{}\"", w.mode));
                let Some(mode) = Mode::parse(&w.mode) else {
                    push(
                        &mut diags,
                        sim_name,
                        line,
                        None,
                        Some("weather.mode"),
                        format!("unknown mode `{}`", w.mode),
                        Some(format!("modes are {}", Mode::expected())),
                    );
                    continue;
                };
                if w.closed_share.len() != 12
                    || w.closed_share
                        .iter()
                        .any(|x| !(x.is_finite() && (0.0..0.95).contains(x)))
                {
                    push(
                        &mut diags,
                        sim_name,
                        line,
                        None,
                        Some("weather.closed_share"),
                        format!(
                            "closed_share needs 12 monthly shares in [0, 0.95), found {:?}",
                            w.closed_share
                        ),
                        None,
                    );
                    continue;
                }
                // Closures of half an hour to a year: shorter ones would only flood the event
                // list, longer ones are not weather.
                if let Some((field, msg)) = p50_p90_error(
                    "weather.episode",
                    "closure lengths",
                    w.episode_p50_h,
                    w.episode_p90_h,
                    0.5,
                    8760.0,
                ) {
                    push(&mut diags, sim_name, line, None, Some(&field), msg, None);
                    continue;
                }
                for src in [&w.closed_share_src, &w.episode_src] {
                    if !src_ok(src) {
                        push(
                            &mut diags,
                            sim_name,
                            line_of(sim_text, src),
                            None,
                            Some("weather"),
                            format!("unknown source `{src}`"),
                            None,
                        );
                    }
                }
                let mut cs = [0.0; 12];
                cs.copy_from_slice(&w.closed_share);
                out.weather.push(Weather {
                    mode,
                    closed_share: cs,
                    episode_p50_h: w.episode_p50_h,
                    episode_p90_h: w.episode_p90_h,
                });
            }
            for b in t.breakdown {
                let line = line_of(sim_text, &format!("target = \"{}\"", b.target));
                let mut bad = |field: &str, msg: String, hint: Option<String>| {
                    push(&mut diags, sim_name, line, None, Some(field), msg, hint)
                };
                let outage = if let Some(n) = net.node_by_key(&b.target) {
                    let server = net
                        .node(n)
                        .capacity
                        .is_some_and(|c| !matches!(c.value, Capacity::MtPerYear(_)));
                    if !server {
                        bad(
                            "breakdown.target",
                            format!(
                                "node `{}` has no container capacity, so no server to break down",
                                b.target
                            ),
                            Some(
                                "a node breakdown needs a capacity in TEU, trains or wagons in nodes.csv"
                                    .into(),
                            ),
                        );
                        continue;
                    }
                    Outage::Node(n)
                } else if let Some(i) = net.services.iter().position(|s| s.key == b.target) {
                    Outage::Service(ServiceId(i as u32))
                } else {
                    let keys = net
                        .nodes
                        .iter()
                        .map(|n| n.key.as_str())
                        .chain(net.services.iter().map(|s| s.key.as_str()));
                    let hint = match suggest(&b.target, keys) {
                        Some(k) => format!("did you mean `{k}`?"),
                        None => "a node id from nodes.csv (with a capacity) or a service id \
                                 from services.csv"
                            .into(),
                    };
                    bad(
                        "breakdown.target",
                        format!("unknown node or service `{}`", b.target),
                        Some(hint),
                    );
                    continue;
                };
                // Up times of a quarter of an hour to ~270 years, repairs of half a minute to
                // ten years: outside that a failure either floods the event list or never ends
                // inside any horizon.
                if !(0.01..=1e5).contains(&b.mtbf_days) {
                    bad(
                        "breakdown.mtbf_days",
                        format!(
                            "mtbf_days must be between 0.01 and 100000 days, found {:?}",
                            b.mtbf_days
                        ),
                        None,
                    );
                    continue;
                }
                if let Some((field, msg)) = p50_p90_error(
                    "breakdown.repair",
                    "repair times",
                    b.repair_p50_h,
                    b.repair_p90_h,
                    0.01,
                    87_600.0,
                ) {
                    bad(&field, msg, None);
                    continue;
                }
                if !src_ok(&b.src) {
                    bad(
                        "breakdown.src",
                        format!("unknown source `{}`", b.src),
                        Some("name source ids from sources.csv".into()),
                    );
                    continue;
                }
                out.breakdowns.push(Breakdown {
                    target: b.target,
                    outage,
                    mtbf_h: b.mtbf_days * 24.0,
                    repair_p50_h: b.repair_p50_h,
                    repair_p90_h: b.repair_p90_h,
                });
            }
        }
    }
    parse_demand(
        net,
        demand_name,
        demand_text,
        &src_ok,
        &mut out.flows,
        &mut diags,
    );
    if diags.is_empty() {
        Ok(out)
    } else {
        Err(LoadErrors {
            diagnostics: diags,
            suppressed: 0,
        })
    }
}

/// A median and 90th percentile in hours (`KEY_p50_h`, `KEY_p90_h`) must satisfy
/// `lo ≤ p50 ≤ p90 ≤ hi`: if they do not, the field at fault and the message.
fn p50_p90_error(
    key: &str,
    what: &str,
    p50: f64,
    p90: f64,
    lo: f64,
    hi: f64,
) -> Option<(String, String)> {
    let field = if !(lo..=hi).contains(&p50) {
        "p50_h"
    } else if !(p50..=hi).contains(&p90) {
        "p90_h"
    } else {
        return None;
    };
    let short = key.rsplit('.').next().unwrap_or(key);
    Some((
        format!("{key}_{field}"),
        format!(
            "{what} need {lo} ≤ {short}_p50_h ≤ {short}_p90_h ≤ {hi} hours, found {p50:?} and {p90:?}"
        ),
    ))
}

/// A monthly profile normalised to mean 1: 12 finite, non-negative values, not all zero.
fn profile(v: &[f64]) -> Result<[f64; 12], String> {
    if v.len() != 12 {
        return Err(format!("expected 12 monthly values, found {}", v.len()));
    }
    if let Some(x) = v.iter().find(|x| !x.is_finite() || **x < 0.0) {
        return Err(format!("monthly values must be finite and ≥ 0, found {x}"));
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

fn parse_demand(
    net: &Network,
    name: &str,
    text: &str,
    src_ok: &dyn Fn(&str) -> bool,
    flows: &mut Vec<Flow>,
    diags: &mut Vec<Diagnostic>,
) {
    let mut rdr = csv::ReaderBuilder::new()
        .comment(Some(b'#'))
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let headers: Vec<String> = match rdr.headers() {
        Ok(h) => h.iter().map(String::from).collect(),
        Err(e) => {
            push(
                diags,
                name,
                None,
                None,
                None,
                format!("cannot read the header: {e}"),
                None,
            );
            return;
        }
    };
    let col = |n: &str| headers.iter().position(|h| h == n);
    let (cf, ct, cv, ctn, cc, cs) = (
        col("from"),
        col("to"),
        col("teu_per_year"),
        col("tonnes_per_year"),
        col("corridor"),
        col("src"),
    );
    let columns = "from,to,teu_per_year,tonnes_per_year,corridor,src,note";
    for (n, c) in [("from", cf), ("to", ct), ("src", cs)] {
        if c.is_none() {
            push(
                diags,
                name,
                Some(1),
                None,
                Some(n),
                format!("missing required column `{n}`"),
                Some(format!("columns: {columns}")),
            );
        }
    }
    if cv.is_none() && ctn.is_none() {
        push(
            diags,
            name,
            Some(1),
            None,
            Some("teu_per_year"),
            "missing column `teu_per_year` or `tonnes_per_year`".into(),
            Some("containers go in teu_per_year, wagonload cargo in tonnes_per_year".into()),
        );
    }
    let (Some(cf), Some(ct), Some(cs)) = (cf, ct, cs) else {
        return;
    };
    if cv.is_none() && ctn.is_none() {
        return;
    }
    for rec in rdr.records() {
        let rec = match rec {
            Ok(r) => r,
            Err(e) => {
                push(
                    diags,
                    name,
                    e.position().map(|p| p.line()),
                    None,
                    None,
                    format!("malformed row: {e}"),
                    None,
                );
                continue;
            }
        };
        let line = rec.position().map(|p| p.line()).unwrap_or(0);
        let mut node = |i: usize, field: &str| -> Option<NodeId> {
            let v = rec.get(i).unwrap_or("");
            let found = net.node_by_key(v);
            if found.is_none() {
                let hint = suggest(v, net.nodes.iter().map(|n| n.key.as_str()))
                    .map(|s| format!("did you mean `{s}`?"));
                push(
                    diags,
                    name,
                    Some(line),
                    Some(i + 1),
                    Some(field),
                    format!("unknown node `{v}`"),
                    hint,
                );
            }
            found
        };
        let from = node(cf, "from");
        let to = node(ct, "to");
        // Up to 50 M TEU or 1,000 Mt a year per row: the whole Asia–Europe container trade is
        // ~16 M TEU a year (1.33 M a month [S213]), and each unit is simulated, so larger
        // figures are typing errors that would run for hours.
        let mut volume = |c: Option<usize>, field: &str, what: &str, max: f64| -> Option<f64> {
            let v = c.and_then(|c| rec.get(c)).unwrap_or("");
            if v.is_empty() {
                return Some(0.0);
            }
            match v.parse::<f64>() {
                Ok(x) if x.is_finite() && x >= 0.0 && x <= max => Some(x),
                _ => {
                    push(
                        diags,
                        name,
                        Some(line),
                        c.map(|c| c + 1),
                        Some(field),
                        format!("`{v}` is not a number of {what} between 0 and {max}"),
                        None,
                    );
                    None
                }
            }
        };
        let teu = volume(cv, "teu_per_year", "TEU per year", 5e7);
        let tonnes = volume(ctn, "tonnes_per_year", "tonnes per year", 1e9);
        if let (Some(a), Some(b)) = (teu, tonnes) {
            if (a > 0.0) == (b > 0.0) {
                push(diags, name, Some(line), cv.or(ctn).map(|c| c + 1), Some("teu_per_year"), "give either teu_per_year (containers) or tonnes_per_year (wagonload cargo), not both or neither".into(), None);
            }
        }
        let corridor = match cc.and_then(|c| rec.get(c)).unwrap_or("") {
            "" => Some(None),
            k => match net.corridor_by_key(k) {
                Some(c) => Some(Some(c)),
                None => {
                    let hint = suggest(k, net.corridors.iter().map(|c| c.key.as_str()))
                        .map(|s| format!("did you mean `{s}`?"));
                    push(
                        diags,
                        name,
                        Some(line),
                        cc.map(|c| c + 1),
                        Some("corridor"),
                        format!("unknown corridor `{k}`"),
                        hint,
                    );
                    None
                }
            },
        };
        let src = rec.get(cs).unwrap_or("");
        if src.is_empty() || !src_ok(src) {
            push(
                diags,
                name,
                Some(line),
                Some(cs + 1),
                Some("src"),
                format!("missing or unknown source `{src}`"),
                Some("every volume names its source ids from sources.csv".into()),
            );
        }
        if let (Some(from), Some(to), Some(teu), Some(tonnes), Some(corridor)) =
            (from, to, teu, tonnes, corridor)
        {
            if from == to {
                push(
                    diags,
                    name,
                    Some(line),
                    Some(ct + 1),
                    Some("to"),
                    "origin and destination are the same place".into(),
                    None,
                );
            } else {
                flows.push(Flow {
                    from,
                    to,
                    teu_per_year: teu,
                    tonnes_per_year: tonnes,
                    corridor,
                    line,
                });
            }
        }
    }
}
