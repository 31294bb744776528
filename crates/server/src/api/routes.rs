//! `POST /api/route` (every Pareto-optimal route, ranked) and `POST /api/compare` (the best
//! route of each corridor): the JSON of `corridor route --json` and `corridor compare
//! --json`, plus the warnings about options that change nothing.

use super::answer::JsonBody;
use super::shipment::{ShipmentJson, ShipmentRequest, resolve, shipment_json};
use crate::AppState;
use crate::error::ApiError;
use crate::extract::ApiJson;
use axum::extract::State;
use corridor_route::plan::{self, CompareRow, Route};
use serde::Serialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// The routes' router.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(route))
        .routes(routes!(compare))
}

/// The answer of `POST /api/route` (`corridor route --json`).
#[derive(Serialize)]
struct RouteAnswer<'a> {
    schema: &'static str,
    schema_version: u32,
    shipment: ShipmentJson<'a>,
    routes: Vec<Route>,
    no_route: Option<String>,
    warnings: &'a [String],
}

/// The answer of `POST /api/compare` (`corridor compare --json`).
#[derive(Serialize)]
struct CompareAnswer<'a> {
    schema: &'static str,
    schema_version: u32,
    shipment: ShipmentJson<'a>,
    rows: Vec<CompareRow>,
    warnings: &'a [String],
}

/// Room for a typical answer (a route answer is ~18 KB, a comparison ~60 KB).
const ROUTE_BYTES: usize = 32 << 10;
const COMPARE_BYTES: usize = 96 << 10;

/// Every Pareto-optimal route (time, cost, CO2e), ranked: schema `corridor.route` v1 with
/// `warnings`; no route under the constraints gives `routes: []` and `no_route` says why.
#[utoipa::path(post, path = "/api/route", tag = "routes", request_body = ShipmentRequest,
    responses(
        (status = 200, description = "`corridor.route` v1: `shipment`, `routes`, `warnings`, `no_route`", body = Object),
        (status = 400, description = "Malformed JSON", body = crate::error::ErrorBody),
        (status = 404, description = "An unknown place, passage or service (`field` names it)", body = crate::error::ErrorBody),
        (status = 422, description = "A value out of range or of the wrong type", body = crate::error::ErrorBody)))]
async fn route(
    State(s): State<AppState>,
    ApiJson(req): ApiJson<ShipmentRequest>,
) -> Result<JsonBody, ApiError> {
    let st = s.clone();
    s.compute(move || {
        let rt = st.routing();
        let (net, g) = (rt.net(), &rt.graph);
        let r = resolve(rt, &req)?;
        let (routes, no_route) =
            match plan::plan(g, &r.shipment, &r.constraints, r.weights, r.sampling) {
                Ok(routes) => (routes, None),
                Err(why) => (
                    Vec::new(),
                    Some(format!("no route from {} to {}: {why}", req.from, req.to)),
                ),
            };
        let answer = RouteAnswer {
            schema: "corridor.route",
            schema_version: 1,
            shipment: shipment_json(net, &r),
            routes,
            no_route,
            warnings: &r.warnings,
        };
        JsonBody::of(&answer, ROUTE_BYTES)
    })
    .await
}

/// The best route of each corridor side by side: schema `corridor.compare` v1 with
/// `warnings`; a corridor without a route says why (`reason`, `removed_by`).
#[utoipa::path(post, path = "/api/compare", tag = "routes", request_body = ShipmentRequest,
    responses(
        (status = 200, description = "`corridor.compare` v1: `shipment`, `rows`, `warnings`", body = Object),
        (status = 400, description = "Malformed JSON", body = crate::error::ErrorBody),
        (status = 404, description = "An unknown place, passage or service", body = crate::error::ErrorBody),
        (status = 422, description = "A value out of range or of the wrong type", body = crate::error::ErrorBody)))]
async fn compare(
    State(s): State<AppState>,
    ApiJson(req): ApiJson<ShipmentRequest>,
) -> Result<JsonBody, ApiError> {
    let st = s.clone();
    s.compute(move || {
        let rt = st.routing();
        let (net, g) = (rt.net(), &rt.graph);
        let r = resolve(rt, &req)?;
        let rows = plan::compare(g, &r.shipment, &r.constraints, r.weights, r.sampling);
        let answer = CompareAnswer {
            schema: "corridor.compare",
            schema_version: 1,
            shipment: shipment_json(net, &r),
            rows,
            warnings: &r.warnings,
        };
        JsonBody::of(&answer, COMPARE_BYTES)
    })
    .await
}
