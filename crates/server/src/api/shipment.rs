//! A shipment request resolved against the network, as the CLI resolves `--from`, `--to` and
//! the constraints: places through `corridor_route::names` (so a misspelling gets the same
//! suggestion), countries, modes, passages and services checked with the model's own
//! parsers; each error names its request field.

use crate::error::ApiError;
use corridor_model::Network;
use corridor_model::network::{Country, Mode, NodeId, PassageId, ServiceId};
use corridor_route::names::find_node;
use corridor_route::plan::{Sampling, Weights};
use corridor_route::search::{Constraints, Shipment};
use corridor_route::time::Instant;
use serde::Deserialize;
use utoipa::ToSchema;

/// Most simulated journeys per route a request may ask for.
pub const MAX_SAMPLES: usize = 20_000;

/// A shipment and its constraints (the options of `corridor route` and `corridor compare`).
#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ShipmentRequest {
    /// Origin: a node id, name or alias (`Xian`, `Xi'an`, `CN-XIAN`).
    pub from: String,
    /// Destination, as `from`.
    pub to: String,
    /// Date the cargo is ready (YYYY-MM-DD, UTC), 1970-01-01 to 2200-12-31.
    pub date: String,
    /// Time of day it is ready (HH:MM, UTC); default 00:00.
    #[serde(default)]
    pub time: Option<String>,
    /// Cargo in TEU, above 0 and at most 25000 (default 1); not with `feu`.
    #[serde(default)]
    pub teu: Option<f64>,
    /// Cargo in FEU (1 FEU = 2 TEU).
    #[serde(default)]
    pub feu: Option<f64>,
    /// Countries to avoid (ISO 3166-1 alpha-2).
    #[serde(default)]
    pub avoid_country: Vec<String>,
    /// Places to avoid.
    #[serde(default)]
    pub avoid_node: Vec<String>,
    /// Modes to avoid (`rail`, `caspian_ferry`, `deep_sea`, …).
    #[serde(default)]
    pub avoid_mode: Vec<String>,
    /// Sea passages to avoid (`suez`, `bab-el-mandeb`, …).
    #[serde(default)]
    pub avoid_passage: Vec<String>,
    /// Timetabled services to avoid (ids of services.csv).
    #[serde(default)]
    pub avoid_service: Vec<String>,
    /// Places to pass, in order (at most 8).
    #[serde(default)]
    pub via: Vec<String>,
    /// Longest acceptable door-to-door time, days.
    #[serde(default)]
    pub max_days: Option<f64>,
    /// Highest acceptable cost, USD.
    #[serde(default)]
    pub max_cost: Option<f64>,
    /// Ranking: `time`, `cost`, `co2` or `balanced` (default).
    #[serde(default)]
    pub prefer: Option<String>,
    /// Explicit weights [time, cost, co2] (override `prefer`).
    #[serde(default)]
    pub weights: Option<Vec<f64>>,
    /// Simulated journeys per route for P50/P90/P95 (1 to 20000, default 4000).
    #[serde(default)]
    pub samples: Option<usize>,
    /// Seed of the simulated journeys (default 20260303).
    #[serde(default)]
    pub seed: Option<u64>,
}

/// A request resolved.
pub struct Resolved {
    pub shipment: Shipment,
    pub constraints: Constraints,
    pub weights: Weights,
    pub sampling: Sampling,
    /// Options that are legal but change nothing.
    pub warnings: Vec<String>,
}

fn place(net: &Network, field: &str, q: &str) -> Result<NodeId, ApiError> {
    find_node(net, q).map_err(|e| ApiError::not_found(e.to_string()).field(field))
}

fn places(net: &Network, field: &str, qs: &[String]) -> Result<Vec<NodeId>, ApiError> {
    qs.iter()
        .enumerate()
        .map(|(i, q)| place(net, &format!("{field}[{i}]"), q))
        .collect()
}

fn countries(
    net: &Network,
    qs: &[String],
    warn: &mut Vec<String>,
) -> Result<Vec<Country>, ApiError> {
    let mut out = Vec::new();
    for (i, c) in qs.iter().enumerate() {
        let code = Country::parse(&c.trim().to_uppercase()).ok_or_else(|| {
            ApiError::invalid(
                format!("avoid_country[{i}]"),
                format!("`{c}` is not an ISO 3166-1 alpha-2 country code (e.g. RU, IR)"),
            )
        })?;
        if !(net.link_ids().any(|l| net.countries(l).contains(&code))
            || net.nodes.iter().any(|n| n.country == code))
        {
            warn.push(format!(
                "avoid_country {code}: no link or place of the network is in {code}, so it changes nothing"
            ));
        }
        out.push(code);
    }
    Ok(out)
}

fn modes(net: &Network, qs: &[String], warn: &mut Vec<String>) -> Result<Vec<Mode>, ApiError> {
    let mut out = Vec::new();
    for (i, m) in qs.iter().enumerate() {
        let mode = Mode::parse(m.trim()).ok_or_else(|| {
            ApiError::invalid(
                format!("avoid_mode[{i}]"),
                format!("unknown mode `{m}`; modes are {}", Mode::expected()),
            )
        })?;
        if !net.links.iter().any(|l| l.mode == mode) {
            warn.push(format!(
                "avoid_mode {mode}: no link of the network is {mode}, so it changes nothing"
            ));
        }
        out.push(mode);
    }
    Ok(out)
}

fn passages(net: &Network, qs: &[String]) -> Result<Vec<PassageId>, ApiError> {
    let mut out = Vec::new();
    for (i, p) in qs.iter().enumerate() {
        let q = p.trim().to_lowercase();
        let keys = || net.passages.iter().map(|x| x.key.as_str());
        match net
            .passages
            .iter()
            .position(|x| x.key == q || x.name.to_lowercase() == q)
        {
            Some(k) => out.push(PassageId(k as u32)),
            None => {
                let hint = corridor_model::diag::did_you_mean(&q, keys())
                    .map(|h| format!("; {h}"))
                    .unwrap_or_else(|| {
                        format!("; passages are {}", keys().collect::<Vec<_>>().join(", "))
                    });
                return Err(ApiError::not_found(format!("unknown passage `{p}`{hint}"))
                    .field(format!("avoid_passage[{i}]")));
            }
        }
    }
    Ok(out)
}

fn services(net: &Network, qs: &[String]) -> Result<Vec<ServiceId>, ApiError> {
    let mut out = Vec::new();
    for (i, id) in qs.iter().enumerate() {
        let id = id.trim();
        match net.services.iter().position(|s| s.key == id) {
            Some(k) => out.push(ServiceId(k as u32)),
            None => {
                let hint =
                    corridor_model::diag::suggest(id, net.services.iter().map(|s| s.key.as_str()))
                        .map(|k| format!("; did you mean `{k}`?"))
                        .unwrap_or_else(|| "; service ids are in services.csv".into());
                return Err(ApiError::not_found(format!("unknown service `{id}`{hint}"))
                    .field(format!("avoid_service[{i}]")));
            }
        }
    }
    Ok(out)
}

fn weights(r: &ShipmentRequest) -> Result<Weights, ApiError> {
    match &r.weights {
        Some(w)
            if w.len() == 3
                && w.iter().all(|x| x.is_finite() && *x >= 0.0)
                && w.iter().sum::<f64>() > 0.0 =>
        {
            Ok(Weights {
                time: w[0],
                cost: w[1],
                co2: w[2],
            })
        }
        Some(_) => Err(ApiError::invalid(
            "weights",
            "weights takes three non-negative numbers [time, cost, co2], not all zero, e.g. [1, 0.5, 0.2]",
        )),
        None => {
            let p = r.prefer.as_deref().unwrap_or("balanced");
            Weights::preset(p).ok_or_else(|| {
                ApiError::invalid(
                    "prefer",
                    format!("unknown preference `{p}`; use time, cost, co2 or balanced"),
                )
            })
        }
    }
}

fn teu(r: &ShipmentRequest) -> Result<f64, ApiError> {
    let (field, teu) = match (r.teu, r.feu) {
        (Some(_), Some(_)) => {
            return Err(ApiError::invalid(
                "feu",
                "give the cargo in `teu` or in `feu`, not both",
            ));
        }
        (Some(t), None) => ("teu", t),
        (None, Some(f)) => ("feu", f * 2.0),
        (None, None) => ("teu", 1.0),
    };
    if !(teu.is_finite() && teu > 0.0 && teu <= 25_000.0) {
        return Err(ApiError::invalid(
            field,
            format!(
                "the cargo size must be a number of TEU above 0 and at most 25000, found {}",
                corridor_model::ranges::num_beside(teu, &[25_000.0])
            ),
        ));
    }
    Ok(teu)
}

/// Resolve a request against `net`.
pub fn resolve(net: &Network, r: &ShipmentRequest) -> Result<Resolved, ApiError> {
    let from = place(net, "from", &r.from)?;
    let to = place(net, "to", &r.to)?;
    if from == to {
        return Err(ApiError::invalid(
            "to",
            "`from` and `to` are the same place",
        ));
    }
    let ready = Instant::parse(&r.date, r.time.as_deref().or(Some("00:00")))
        .map_err(|e| {
            let field = if e.contains(&format!("`{}`", r.date.trim())) {
                "date"
            } else {
                "time"
            };
            ApiError::invalid(field, e)
        })?
        .0;
    let teu = teu(r)?;
    let mut warnings = Vec::new();
    let avoid_countries = countries(net, &r.avoid_country, &mut warnings)?;
    let avoid_modes = modes(net, &r.avoid_mode, &mut warnings)?;
    let avoid_passages = passages(net, &r.avoid_passage)?;
    let avoid_services = services(net, &r.avoid_service)?;
    let avoid_nodes = places(net, "avoid_node", &r.avoid_node)?;
    if r.via.len() > 8 {
        return Err(ApiError::invalid("via", "at most 8 `via` places"));
    }
    let via = places(net, "via", &r.via)?;
    if avoid_nodes.contains(&from) || avoid_nodes.contains(&to) {
        return Err(ApiError::invalid(
            "avoid_node",
            "`avoid_node` names the origin or the destination",
        ));
    }
    for (field, v) in [("max_days", r.max_days), ("max_cost", r.max_cost)] {
        if v.is_some_and(|x| !(x.is_finite() && x > 0.0)) {
            return Err(ApiError::invalid(
                field,
                format!("{field} must be a positive number"),
            ));
        }
    }
    let samples = r.samples.unwrap_or(4000);
    if samples == 0 || samples > MAX_SAMPLES {
        return Err(ApiError::invalid(
            "samples",
            format!("samples must be between 1 and {MAX_SAMPLES}"),
        ));
    }
    Ok(Resolved {
        shipment: Shipment {
            from,
            to,
            ready,
            teu,
        },
        constraints: Constraints {
            avoid_countries,
            avoid_nodes,
            avoid_modes,
            via,
            max_hours: r.max_days.map(|d| d * 24.0),
            max_cost: r.max_cost,
            corridor: None,
            avoid_service_kinds: Vec::new(),
            avoid_services,
            avoid_passages,
        },
        weights: weights(r)?,
        sampling: Sampling {
            samples,
            seed: r.seed.unwrap_or(20_260_303),
        },
        warnings,
    })
}

/// The shipment as the CLI's JSON writes it.
pub fn shipment_json(net: &Network, r: &Resolved) -> serde_json::Value {
    let s = &r.shipment;
    let c = &r.constraints;
    serde_json::json!({
        "from": net.node(s.from).key, "to": net.node(s.to).key, "ready": Instant(s.ready).iso(), "teu": s.teu,
        "tonnes": s.teu * net.meta.tonnes_per_teu.value.0,
        "avoid_countries": c.avoid_countries.iter().map(|c| c.as_str()).collect::<Vec<_>>(),
        "avoid_nodes": c.avoid_nodes.iter().map(|n| net.node(*n).key.as_str()).collect::<Vec<_>>(),
        "avoid_modes": c.avoid_modes.iter().map(|m| m.as_str()).collect::<Vec<_>>(),
        "avoid_passages": c.avoid_passages.iter().map(|p| net.passages[p.idx()].key.as_str()).collect::<Vec<_>>(),
        "via": c.via.iter().map(|n| net.node(*n).key.as_str()).collect::<Vec<_>>(),
        "max_days": c.max_hours.map(|h| h / 24.0), "max_cost_usd": c.max_cost,
        "weights": r.weights, "samples": r.sampling.samples, "seed": r.sampling.seed,
    })
}
