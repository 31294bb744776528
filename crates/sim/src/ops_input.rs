//! Inputs of the corridor operations simulation: the demand table (`demand.csv`) and the
//! simulation parameters (`simulation.toml`), parsed against a network with diagnostics
//! that name the file, line and field. One plain struct, [`OpsInput`], drives a run, so
//! dated scenarios can build it too.

use corridor_model::Network;
use corridor_model::diag::{Diagnostic, LoadErrors, suggest};
use corridor_model::network::{CorridorId, Mode, NodeId};
use serde::Deserialize;

/// One origin–destination flow.
#[derive(Clone, Debug)]
pub struct Flow {
    /// Origin.
    pub from: NodeId,
    /// Destination.
    pub to: NodeId,
    /// TEU per year.
    pub teu_per_year: f64,
    /// Corridor the flow is pinned to, or `None` for the logit choice.
    pub corridor: Option<CorridorId>,
    /// Line in the demand file (for messages).
    pub line: u64,
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

/// Everything a simulation run needs besides the network.
#[derive(Clone, Debug)]
pub struct OpsInput {
    /// Demand.
    pub flows: Vec<Flow>,
    /// Weather closures.
    pub weather: Vec<Weather>,
    /// Route choice.
    pub choice: Choice,
    /// TEU per railway wagon (payloads in wagons).
    pub teu_per_wagon: f64,
    /// TEU per train (capacities in trains per day).
    pub teu_per_train: f64,
    /// Demand multiplier (growth scenarios; 1 = the table as written).
    pub demand_factor: f64,
    /// Start of the simulated period, hours since the epoch (UTC).
    pub start: f64,
    /// Simulated days after the warm-up.
    pub days: f64,
    /// Warm-up days (not measured).
    pub warmup_days: f64,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Toml {
    units: Units,
    #[serde(default)]
    weather: Vec<TomlWeather>,
    choice: TomlChoice,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Units {
    teu_per_wagon: f64,
    teu_per_wagon_src: String,
    teu_per_train: f64,
    teu_per_train_src: String,
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
struct TomlChoice {
    value_of_time_usd_per_teu_day: f64,
    carbon_usd_per_t: f64,
    scale_usd: f64,
    choice_src: String,
}

/// The default parameters and demand, compiled in.
pub const DEFAULT_SIMULATION: &str = include_str!("../../../data/simulation.toml");
/// The default demand (observed 2024 flows).
pub const DEFAULT_DEMAND: &str = include_str!("../../../data/demand.csv");

fn line_of(text: &str, needle: &str) -> Option<u64> {
    text.find(needle)
        .map(|p| text[..p].matches('\n').count() as u64 + 1)
}

/// What [`parse`] returns: flows, weather areas, route choice, TEU per wagon, TEU per train.
pub type Parsed = (Vec<Flow>, Vec<Weather>, Choice, f64, f64);

/// Parse `simulation.toml` and `demand.csv` (given as texts with the names used in
/// messages) against a network.
pub fn parse(
    net: &Network,
    sim_name: &str,
    sim_text: &str,
    demand_name: &str,
    demand_text: &str,
) -> Result<Parsed, LoadErrors> {
    let mut diags = Vec::new();
    fn push(
        diags: &mut Vec<Diagnostic>,
        file: &str,
        line: Option<u64>,
        field: Option<&str>,
        message: String,
        hint: Option<String>,
    ) {
        diags.push(Diagnostic {
            file: file.into(),
            line,
            column: None,
            field: field.map(String::from),
            message,
            hint,
        });
    }
    let src_ok = |key: &str| {
        key.split([';', ' '])
            .filter(|k| !k.is_empty())
            .all(|k| net.sources.iter().any(|s| s.key == k.trim()))
    };
    let mut weather = Vec::new();
    let mut choice = Choice {
        value_of_time: 0.0,
        carbon_price: 0.0,
        scale: 1.0,
    };
    let (mut tpw, mut tpt) = (2.0, 100.0);
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
                e.message().to_string(),
                Some("see data/simulation.toml of the default dataset".into()),
            );
        }
        Ok(t) => {
            for (field, src) in [
                ("units.teu_per_wagon_src", &t.units.teu_per_wagon_src),
                ("units.teu_per_train_src", &t.units.teu_per_train_src),
                ("choice.choice_src", &t.choice.choice_src),
            ] {
                if !src_ok(src) {
                    push(
                        &mut diags,
                        sim_name,
                        line_of(sim_text, src),
                        Some(field),
                        format!("unknown source `{src}`"),
                        Some("name source ids from sources.csv".into()),
                    );
                }
            }
            for (field, v, lo, hi) in [
                ("units.teu_per_wagon", t.units.teu_per_wagon, 0.1, 6.0),
                ("units.teu_per_train", t.units.teu_per_train, 1.0, 400.0),
                ("choice.scale_usd", t.choice.scale_usd, 1.0, 1e6),
            ] {
                if !(v.is_finite() && v >= lo && v <= hi) {
                    push(
                        &mut diags,
                        sim_name,
                        line_of(sim_text, field.split('.').nth(1).unwrap_or(field)),
                        Some(field),
                        format!("{field} must be between {lo} and {hi}, found {v}"),
                        None,
                    );
                }
            }
            for (field, v) in [
                (
                    "choice.value_of_time_usd_per_teu_day",
                    t.choice.value_of_time_usd_per_teu_day,
                ),
                ("choice.carbon_usd_per_t", t.choice.carbon_usd_per_t),
            ] {
                if !(v.is_finite() && v >= 0.0) {
                    push(
                        &mut diags,
                        sim_name,
                        line_of(sim_text, field.split('.').nth(1).unwrap_or(field)),
                        Some(field),
                        format!("{field} must be a non-negative number, found {v}"),
                        None,
                    );
                }
            }
            tpw = t.units.teu_per_wagon;
            tpt = t.units.teu_per_train;
            choice = Choice {
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
                        Some("weather.closed_share"),
                        format!(
                            "closed_share needs 12 monthly shares in [0, 0.95), found {:?}",
                            w.closed_share
                        ),
                        None,
                    );
                    continue;
                }
                if !(w.episode_p50_h > 0.0
                    && w.episode_p90_h >= w.episode_p50_h
                    && w.episode_p90_h.is_finite())
                {
                    push(
                        &mut diags,
                        sim_name,
                        line,
                        Some("weather.episode_p50_h"),
                        "closure lengths need 0 < episode_p50_h ≤ episode_p90_h".into(),
                        None,
                    );
                    continue;
                }
                for src in [&w.closed_share_src, &w.episode_src] {
                    if !src_ok(src) {
                        push(
                            &mut diags,
                            sim_name,
                            line_of(sim_text, src),
                            Some("weather"),
                            format!("unknown source `{src}`"),
                            None,
                        );
                    }
                }
                let mut cs = [0.0; 12];
                cs.copy_from_slice(&w.closed_share);
                weather.push(Weather {
                    mode,
                    closed_share: cs,
                    episode_p50_h: w.episode_p50_h,
                    episode_p90_h: w.episode_p90_h,
                });
            }
        }
    }
    let mut flows = Vec::new();
    let mut rdr = csv::ReaderBuilder::new()
        .comment(Some(b'#'))
        .trim(csv::Trim::All)
        .from_reader(demand_text.as_bytes());
    let headers: Vec<String> = match rdr.headers() {
        Ok(h) => h.iter().map(String::from).collect(),
        Err(e) => {
            push(
                &mut diags,
                demand_name,
                None,
                None,
                format!("cannot read the header: {e}"),
                None,
            );
            Vec::new()
        }
    };
    let col = |n: &str| headers.iter().position(|h| h == n);
    let (cf, ct, cv, cc, cs) = (
        col("from"),
        col("to"),
        col("teu_per_year"),
        col("corridor"),
        col("src"),
    );
    if !headers.is_empty() {
        for (name, c) in [("from", cf), ("to", ct), ("teu_per_year", cv), ("src", cs)] {
            if c.is_none() {
                push(
                    &mut diags,
                    demand_name,
                    Some(1),
                    Some(name),
                    format!("missing required column `{name}`"),
                    Some("columns: from,to,teu_per_year,corridor,src,note".into()),
                );
            }
        }
    }
    if let (Some(cf), Some(ct), Some(cv), Some(cs)) = (cf, ct, cv, cs) {
        for rec in rdr.records() {
            let rec = match rec {
                Ok(r) => r,
                Err(e) => {
                    push(
                        &mut diags,
                        demand_name,
                        e.position().map(|p| p.line()),
                        None,
                        format!("malformed row: {e}"),
                        None,
                    );
                    continue;
                }
            };
            let line = rec.position().map(|p| p.line()).unwrap_or(0);
            let node = |i: usize, field: &str, diags: &mut Vec<Diagnostic>| -> Option<NodeId> {
                let v = rec.get(i).unwrap_or("");
                match net.node_by_key(v) {
                    Some(n) => Some(n),
                    None => {
                        let hint = suggest(v, net.nodes.iter().map(|n| n.key.as_str()))
                            .map(|s| format!("did you mean `{s}`?"));
                        diags.push(Diagnostic {
                            file: demand_name.into(),
                            line: Some(line),
                            column: Some(i + 1),
                            field: Some(field.into()),
                            message: format!("unknown node `{v}`"),
                            hint,
                        });
                        None
                    }
                }
            };
            let from = node(cf, "from", &mut diags);
            let to = node(ct, "to", &mut diags);
            let v = rec.get(cv).unwrap_or("");
            let teu = match v.parse::<f64>() {
                Ok(x) if x.is_finite() && x >= 0.0 => Some(x),
                _ => {
                    diags.push(Diagnostic {
                        file: demand_name.into(),
                        line: Some(line),
                        column: Some(cv + 1),
                        field: Some("teu_per_year".into()),
                        message: format!("`{v}` is not a non-negative number of TEU per year"),
                        hint: None,
                    });
                    None
                }
            };
            let corridor = match cc.and_then(|c| rec.get(c)).unwrap_or("") {
                "" => Some(None),
                k => match net.corridor_by_key(k) {
                    Some(c) => Some(Some(c)),
                    None => {
                        let hint = suggest(k, net.corridors.iter().map(|c| c.key.as_str()))
                            .map(|s| format!("did you mean `{s}`?"));
                        diags.push(Diagnostic {
                            file: demand_name.into(),
                            line: Some(line),
                            column: cc.map(|c| c + 1),
                            field: Some("corridor".into()),
                            message: format!("unknown corridor `{k}`"),
                            hint,
                        });
                        None
                    }
                },
            };
            let src = rec.get(cs).unwrap_or("");
            if src.is_empty() || !src_ok(src) {
                diags.push(Diagnostic {
                    file: demand_name.into(),
                    line: Some(line),
                    column: Some(cs + 1),
                    field: Some("src".into()),
                    message: format!("missing or unknown source `{src}`"),
                    hint: Some("every volume names its source ids from sources.csv".into()),
                });
            }
            if let (Some(from), Some(to), Some(teu), Some(corridor)) = (from, to, teu, corridor) {
                if from == to {
                    diags.push(Diagnostic {
                        file: demand_name.into(),
                        line: Some(line),
                        column: Some(ct + 1),
                        field: Some("to".into()),
                        message: "origin and destination are the same place".into(),
                        hint: None,
                    });
                } else {
                    flows.push(Flow {
                        from,
                        to,
                        teu_per_year: teu,
                        corridor,
                        line,
                    });
                }
            }
        }
    }
    if diags.is_empty() {
        Ok((flows, weather, choice, tpw, tpt))
    } else {
        Err(LoadErrors {
            diagnostics: diags,
            suppressed: 0,
        })
    }
}
