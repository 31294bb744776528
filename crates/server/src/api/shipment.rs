//! A shipment request resolved against the network, as the CLI resolves `--from`, `--to` and
//! the constraints: places through `corridor_route::names` (so a misspelling gets the same
//! suggestion; what was found is remembered per network by [`Routing`]), countries, modes,
//! passages and services checked with the model's own parsers; each error names its
//! request field.

use crate::error::ApiError;
use crate::routing::Routing;
use corridor_model::Network;
use corridor_model::network::NodeId;
use corridor_route::options::{self, OptionError};
use corridor_route::plan::{Sampling, Weights};
use corridor_route::search::{Constraints, Shipment};
use corridor_route::time::Instant;
use serde::{Deserialize, Serialize};
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

fn place(rt: &Routing, field: &str, q: &str) -> Result<NodeId, ApiError> {
    rt.find_node(q)
        .map_err(|e| ApiError::not_found(e.to_string()).field(field))
}

fn places(rt: &Routing, field: &str, qs: &[String]) -> Result<Vec<NodeId>, ApiError> {
    qs.iter()
        .enumerate()
        .map(|(i, q)| place(rt, &format!("{field}[{i}]"), q))
        .collect()
}

/// An option's error at its field: a name the network lacks is 404, a bad value 422.
fn at(field: impl Into<String>, e: OptionError) -> ApiError {
    match e {
        OptionError::NotFound(m) => ApiError::not_found(m).field(field),
        OptionError::Invalid(m) => ApiError::invalid(field, m),
    }
}

fn weights(r: &ShipmentRequest) -> Result<Weights, ApiError> {
    match &r.weights {
        Some(w) => options::weights(w).map_err(|e| match e {
            OptionError::Invalid(m) | OptionError::NotFound(m) => {
                ApiError::invalid("weights", format!("weights {m}"))
            }
        }),
        None => {
            options::prefer(r.prefer.as_deref().unwrap_or("balanced")).map_err(|e| at("prefer", e))
        }
    }
}

fn teu(r: &ShipmentRequest) -> Result<f64, ApiError> {
    let field = if r.feu.is_some() { "feu" } else { "teu" };
    options::cargo_teu(r.teu, r.feu).map_err(|e| at(field, e))
}

/// Resolve a request against the network of `rt`.
pub fn resolve(rt: &Routing, r: &ShipmentRequest) -> Result<Resolved, ApiError> {
    let net = rt.net();
    let from = place(rt, "from", &r.from)?;
    let to = place(rt, "to", &r.to)?;
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
    let mut note = |what: String, u: Option<options::Unused>| {
        if let Some(u) = u {
            warnings.push(format!("{what} {u}"));
        }
    };
    let mut avoid_countries = Vec::new();
    for (i, c) in r.avoid_country.iter().enumerate() {
        let (code, unused) =
            options::country(net, c).map_err(|e| at(format!("avoid_country[{i}]"), e))?;
        note(format!("avoid_country {code}:"), unused);
        avoid_countries.push(code);
    }
    let mut avoid_modes = Vec::new();
    for (i, m) in r.avoid_mode.iter().enumerate() {
        let (mode, unused) =
            options::mode(net, m).map_err(|e| at(format!("avoid_mode[{i}]"), e))?;
        note(format!("avoid_mode {mode}:"), unused);
        avoid_modes.push(mode);
    }
    let mut avoid_passages = Vec::new();
    for (i, p) in r.avoid_passage.iter().enumerate() {
        let (id, unused) =
            options::passage(net, p).map_err(|e| at(format!("avoid_passage[{i}]"), e))?;
        note("avoid_passage".into(), unused);
        avoid_passages.push(id);
    }
    let avoid_services = r
        .avoid_service
        .iter()
        .enumerate()
        .map(|(i, id)| options::service(net, id).map_err(|e| at(format!("avoid_service[{i}]"), e)))
        .collect::<Result<Vec<_>, _>>()?;
    let avoid_nodes = places(rt, "avoid_node", &r.avoid_node)?;
    if r.via.len() > options::MAX_VIA {
        return Err(ApiError::invalid(
            "via",
            format!("at most {} `via` places", options::MAX_VIA),
        ));
    }
    let via = places(rt, "via", &r.via)?;
    if avoid_nodes.contains(&from) || avoid_nodes.contains(&to) {
        return Err(ApiError::invalid(
            "avoid_node",
            "`avoid_node` names the origin or the destination",
        ));
    }
    for &n in &avoid_nodes {
        note("avoid_node".into(), options::unused_node(net, n));
    }
    for (field, v) in [("max_days", r.max_days), ("max_cost", r.max_cost)] {
        options::positive(v).map_err(|e| ApiError::invalid(field, format!("{field} {e}")))?;
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

/// The shipment as the CLI's JSON writes it, borrowed from the network and the request.
#[derive(Serialize)]
pub struct ShipmentJson<'a> {
    from: &'a str,
    to: &'a str,
    ready: String,
    teu: f64,
    tonnes: f64,
    avoid_countries: Vec<&'a str>,
    avoid_nodes: Vec<&'a str>,
    avoid_modes: Vec<&'static str>,
    avoid_passages: Vec<&'a str>,
    via: Vec<&'a str>,
    max_days: Option<f64>,
    max_cost_usd: Option<f64>,
    weights: Weights,
    samples: usize,
    seed: u64,
}

/// The shipment of a resolved request, as the CLI's JSON writes it.
pub fn shipment_json<'a>(net: &'a Network, r: &'a Resolved) -> ShipmentJson<'a> {
    let s = &r.shipment;
    let c = &r.constraints;
    let keys = |ns: &[NodeId]| ns.iter().map(|n| net.node(*n).key.as_str()).collect();
    ShipmentJson {
        from: &net.node(s.from).key,
        to: &net.node(s.to).key,
        ready: Instant(s.ready).iso(),
        teu: s.teu,
        tonnes: s.teu * net.meta.tonnes_per_teu.value.0,
        avoid_countries: c.avoid_countries.iter().map(|c| c.as_str()).collect(),
        avoid_nodes: keys(&c.avoid_nodes),
        avoid_modes: c.avoid_modes.iter().map(|m| m.as_str()).collect(),
        avoid_passages: c
            .avoid_passages
            .iter()
            .map(|p| net.passages[p.idx()].key.as_str())
            .collect(),
        via: keys(&c.via),
        max_days: c.max_hours.map(|h| h / 24.0),
        max_cost_usd: c.max_cost,
        weights: r.weights,
        samples: r.sampling.samples,
        seed: r.sampling.seed,
    }
}
