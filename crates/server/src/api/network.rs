//! `GET /api/network`: the network as GeoJSON (points for places, lines for links, with
//! mode, corridors, countries, capacities, times and tariffs), made once at start.

use crate::AppState;
use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// The network's router.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(network))
}

/// The network as a GeoJSON FeatureCollection (`corridor network export --format geojson`).
#[utoipa::path(get, path = "/api/network", tag = "network",
    responses((status = 200, description = "GeoJSON FeatureCollection: a Point per place (`feature: node`) and a LineString per link (`feature: link`, with `mode`, `corridors`, `capacity`)", content_type = "application/geo+json", body = Object)))]
async fn network(State(s): State<AppState>) -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "application/geo+json")],
        s.base().geojson.clone(),
    )
}
