//! `POST /api/capacity` (maximum flow between groups of places and what binds),
//! `POST /api/capacity/saturation` (each corridor's capacity against demand by year) and
//! `POST /api/assign` (user equilibrium with select-link): the JSON of `corridor capacity
//! --json`, `corridor capacity saturation --json` and `corridor assign --json`.

use super::scenarios;
use crate::AppState;
use crate::error::ApiError;
use crate::extract::ApiJson;
use axum::Json;
use axum::extract::State;
use corridor_capacity::equilibrium::{OdFlow, equilibrium};
use corridor_capacity::graph::{Cargo, Groups};
use corridor_capacity::maxcut::capacity;
use corridor_capacity::saturation::saturation;
use corridor_model::Network;
use corridor_model::network::CorridorId;
use corridor_scenario::Scenario;
use corridor_scenario::timeline::{Cache, Draw, InForce};
use serde::Deserialize;
use serde_json::{Value, json};
use std::sync::Arc;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// The capacity router.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(max_flow))
        .routes(routes!(saturation_by_year))
        .routes(routes!(assign))
}

/// Cargo of a capacity question.
#[derive(Clone, Copy, Debug, Default, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CargoKind {
    /// Containers, TEU a year.
    #[default]
    Containers,
    /// Wagonload, tonnes a year.
    Wagonload,
}

/// A capacity question.
#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CapacityRequest {
    /// Origins: country codes, `EU` or node ids, comma-separated (default `CN`).
    #[serde(default)]
    pub from: Option<String>,
    /// Destinations, as `from` (default `EU`).
    #[serde(default)]
    pub to: Option<String>,
    /// Only this corridor's links (default: each corridor, and all together).
    #[serde(default)]
    pub corridor: Option<String>,
    /// Cargo (default containers).
    #[serde(default)]
    pub cargo: CargoKind,
    /// A scenario's network in force on 1 July of `year`, projects at their expected dates.
    #[serde(default)]
    pub scenario: Option<String>,
    /// The year of `scenario` (default its first).
    #[serde(default)]
    pub year: Option<i32>,
    /// Successive cuts, 1 to 20 (default 3).
    #[serde(default)]
    pub cuts: Option<usize>,
}

/// A scenario's network in force on 1 July of `year` with firm dates, and its label.
fn scenario_network(
    s: &AppState,
    name: &str,
    year: Option<i32>,
) -> Result<(Arc<Network>, Scenario, i32), ApiError> {
    let sc = scenarios::resolve(s, name, "scenario")?;
    let y = year.unwrap_or(sc.first_year);
    if !(sc.first_year..=sc.last_year).contains(&y) {
        return Err(ApiError::invalid(
            "year",
            format!(
                "year {y} is not within the scenario's horizon {}–{}",
                sc.first_year, sc.last_year
            ),
        ));
    }
    let cache = Cache::new(&sc);
    let f = InForce::at(
        &sc,
        &Draw::firm(&sc),
        corridor_route::time::Instant::from_civil(y, 7, 1, 0.0).0,
    );
    let net = cache
        .network(&f)
        .map_err(|e| ApiError::problems("scenario", e))?;
    Ok((net, sc, y))
}

fn corridor(net: &Network, key: &str) -> Result<CorridorId, ApiError> {
    net.corridor_by_key(key).ok_or_else(|| {
        let keys = || net.corridors.iter().map(|c| c.key.as_str());
        ApiError::not_found(format!(
            "unknown corridor `{key}`{}",
            corridor_model::diag::did_you_mean(key, keys())
                .map(|h| format!(" ({h})"))
                .unwrap_or_else(|| format!(
                    " (corridors: {})",
                    keys().collect::<Vec<_>>().join(", ")
                ))
        ))
        .field("corridor")
    })
}

fn max_flow_answer(s: &AppState, req: &CapacityRequest) -> Result<Value, ApiError> {
    let cuts = req.cuts.unwrap_or(3);
    if !(1..=20).contains(&cuts) {
        return Err(ApiError::invalid("cuts", "cuts must be between 1 and 20"));
    }
    let (net, label) = match &req.scenario {
        Some(name) => {
            let (n, sc, y) = scenario_network(s, name, req.year)?;
            (
                n,
                format!(
                    "{} in force on 1 July {y} (projects at their expected dates)",
                    sc.name
                ),
            )
        }
        None if req.year.is_some() => {
            return Err(ApiError::invalid("year", "year goes with scenario"));
        }
        None => (
            Arc::clone(&s.base().net),
            "the network as it is".to_string(),
        ),
    };
    let (from, to) = (
        req.from.as_deref().unwrap_or("CN"),
        req.to.as_deref().unwrap_or("EU"),
    );
    let groups = Groups::parse(&net, from, to).map_err(|e| {
        let field = if e.to_string().contains(&format!("`{from}`")) {
            "from"
        } else {
            "to"
        };
        ApiError::not_found(e.to_string()).field(field)
    })?;
    let cargo = match req.cargo {
        CargoKind::Containers => Cargo::Containers,
        CargoKind::Wagonload => Cargo::Wagonload,
    };
    let only = req
        .corridor
        .as_deref()
        .map(|k| corridor(&net, k))
        .transpose()?;
    let params = &s.base().params;
    let whole = capacity(&net, params, &groups, cargo, only, cuts)
        .map_err(|e| ApiError::invalid("from", e.to_string()))?;
    let corridors: Vec<Value> = if only.is_none() {
        net.corridors
            .iter()
            .enumerate()
            .map(|(i, c)| match capacity(&net, params, &groups, cargo, Some(CorridorId(i as u16)), 1) {
                Ok(x) => json!({"corridor": c.key, "max_flow": x.max_flow(), "bottlenecks": x.cuts[0].bottlenecks}),
                Err(e) => json!({"corridor": c.key, "error": e.to_string()}),
            })
            .collect()
    } else {
        Vec::new()
    };
    Ok(
        json!({"schema": "corridor.capacity", "schema_version": 1, "network": label, "capacity": whole, "corridors": corridors}),
    )
}

/// The most the corridor can carry between two groups of places a year, the binding cut
/// as named bottlenecks and the cuts after it; each corridor on its own.
#[utoipa::path(post, path = "/api/capacity", tag = "capacity", request_body = CapacityRequest,
    responses((status = 200, description = "`corridor.capacity` v1", body = Object),
        (status = 404, description = "An unknown place, group, corridor or scenario", body = crate::error::ErrorBody),
        (status = 422, body = crate::error::ErrorBody)))]
async fn max_flow(
    State(s): State<AppState>,
    ApiJson(req): ApiJson<CapacityRequest>,
) -> Result<Json<Value>, ApiError> {
    let st = s.clone();
    s.compute(move || Ok(Json(max_flow_answer(&st, &req)?)))
        .await
}

/// A saturation question.
#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SaturationRequest {
    /// An embedded or saved scenario.
    pub scenario: String,
    /// Draws of the projects' completion dates, 1 to 1000 (default: the scenario's
    /// replications, at least 20).
    #[serde(default)]
    pub draws: Option<u64>,
}

/// Each year's capacity per corridor against its demand, and the first year demand
/// outgrows it (P50/P90 over draws of the projects' completion dates).
#[utoipa::path(post, path = "/api/capacity/saturation", tag = "capacity", request_body = SaturationRequest,
    responses((status = 200, description = "`corridor.saturation` v1", body = Object),
        (status = 404, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
async fn saturation_by_year(
    State(s): State<AppState>,
    ApiJson(req): ApiJson<SaturationRequest>,
) -> Result<Json<Value>, ApiError> {
    let st = s.clone();
    s.compute(move || {
        let sc = scenarios::resolve(&st, &req.scenario, "scenario")?;
        let draws = req.draws.unwrap_or(sc.run.replications.max(20));
        if !(1..=1000).contains(&draws) {
            return Err(ApiError::invalid(
                "draws",
                "draws must be between 1 and 1000",
            ));
        }
        let r = saturation(&sc, draws, sc.run.seed)
            .map_err(|e| ApiError::invalid("scenario", e.to_string()))?;
        Ok(Json(
            json!({"schema": "corridor.saturation", "schema_version": 1, "saturation": r}),
        ))
    })
    .await
}

/// An assignment question.
#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AssignRequest {
    /// A scenario's network and demand in `year` (default: the network and demand as they
    /// are).
    #[serde(default)]
    pub scenario: Option<String>,
    /// The year of `scenario`.
    #[serde(default)]
    pub year: Option<i32>,
    /// Target relative gap, above 0 and below 1 (default 1e-6).
    #[serde(default)]
    pub gap: Option<f64>,
    /// List the origin–destination pairs using this link or capacity-limited node.
    #[serde(default)]
    pub select_link: Option<String>,
}

fn assign_answer(s: &AppState, req: &AssignRequest) -> Result<Value, ApiError> {
    let gap = req.gap.unwrap_or(1e-6);
    if !(gap.is_finite() && gap > 0.0 && gap < 1.0) {
        return Err(ApiError::invalid(
            "gap",
            "gap must be above 0 and below 1 (e.g. 1e-6)",
        ));
    }
    let b = s.base();
    let (net, flows, label): (Arc<Network>, Vec<OdFlow>, String) = match &req.scenario {
        Some(name) => {
            let (n, sc, y) = scenario_network(s, name, req.year)?;
            let flows = sc
                .demand
                .flows_in(y)
                .iter()
                .filter_map(|f| {
                    Some(OdFlow {
                        from: n.node_by_key(&f.from)?,
                        to: n.node_by_key(&f.to)?,
                        teu: f.teu_per_year,
                        tonnes: f.tonnes_per_year,
                    })
                })
                .collect();
            (n, flows, format!("{} in {y}", sc.name))
        }
        None if req.year.is_some() => {
            return Err(ApiError::invalid("year", "year goes with scenario"));
        }
        None => {
            let flows = b
                .params
                .flows
                .iter()
                .map(|f| OdFlow {
                    from: f.from,
                    to: f.to,
                    teu: f.teu_per_year,
                    tonnes: f.tonnes_per_year,
                })
                .collect();
            (
                Arc::clone(&b.net),
                flows,
                format!("the network as it is with {}", b.demand_file),
            )
        }
    };
    let e =
        equilibrium(&net, &b.params, &flows, gap, req.select_link.as_deref()).map_err(
            |e| match e {
                corridor_capacity::equilibrium::EquilibriumError::UnknownSelection { .. } => {
                    ApiError::not_found(e.to_string()).field("select_link")
                }
                other => ApiError::invalid("gap", other.to_string()),
            },
        )?;
    Ok(
        json!({"schema": "corridor.assignment", "schema_version": 1, "network": label, "assignment": e}),
    )
}

/// User equilibrium of the year's demand under congestion (path-based, to `gap`), with the
/// most loaded elements and, with `select_link`, who loads it.
#[utoipa::path(post, path = "/api/assign", tag = "capacity", request_body = AssignRequest,
    responses((status = 200, description = "`corridor.assignment` v1", body = Object),
        (status = 404, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
async fn assign(
    State(s): State<AppState>,
    ApiJson(req): ApiJson<AssignRequest>,
) -> Result<Json<Value>, ApiError> {
    let st = s.clone();
    s.compute(move || Ok(Json(assign_answer(&st, &req)?))).await
}
