//! The routes, one router per resource, and the OpenAPI document generated from the
//! handlers' annotations.

mod answer;
pub mod capacity;
pub mod jobs;
pub mod network;
pub mod routes;
pub mod scenarios;
mod shipment;
pub mod svg;

use crate::AppState;
use crate::error::ApiError;
use axum::Json;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use std::sync::Arc;
use utoipa::{OpenApi, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Corridor API",
        description = "The China–Europe Middle Corridor and its rivals: network, routes, scenarios, jobs, capacity. Writes and job submissions need `Authorization: Bearer TOKEN` when the server is not bound to loopback."
    ),
    tags(
        (name = "network"), (name = "routes"), (name = "scenarios"), (name = "jobs"), (name = "capacity"), (name = "drawings")
    )
)]
struct ApiDoc;

/// The OpenAPI document of the whole API.
pub fn openapi() -> utoipa::openapi::OpenApi {
    let (_, mut api) = documented().split_for_parts();
    let (_, events) = OpenApiRouter::<AppState>::new()
        .merge(jobs::events_router())
        .split_for_parts();
    api.merge(events);
    common_responses(&mut api);
    api
}

/// The answers every operation can give whatever its handler: 400 for a malformed request
/// (a body that is not JSON, a bad path or query value), and for operations with a body 413
/// (too large) and 415 (not JSON), each with the error body.
fn common_responses(api: &mut utoipa::openapi::OpenApi) {
    use utoipa::openapi::{ContentBuilder, Ref, ResponseBuilder};
    let error = |what: &str| {
        ResponseBuilder::new()
            .description(what)
            .content(
                "application/json",
                ContentBuilder::new()
                    .schema(Some(Ref::from_schema_name("ErrorBody")))
                    .build(),
            )
            .build()
    };
    for item in api.paths.paths.values_mut() {
        for op in [
            &mut item.get,
            &mut item.post,
            &mut item.put,
            &mut item.delete,
        ]
        .into_iter()
        .flatten()
        {
            let has_body = op.request_body.is_some();
            let r = &mut op.responses.responses;
            r.entry("400".into())
                .or_insert_with(|| error("A malformed request: a body that is not JSON, or a bad path or query value").into());
            if has_body {
                r.entry("413".into())
                    .or_insert_with(|| error("The body is larger than the limit").into());
                r.entry("415".into()).or_insert_with(|| {
                    error("The body is not of a type the operation reads").into()
                });
            }
        }
    }
}

fn documented() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(health))
        .merge(network::router())
        .merge(routes::router())
        .merge(scenarios::router())
        .merge(jobs::router())
        .merge(capacity::router())
        .merge(svg::router())
}

/// Every route: the timed ones (408 past the request timeout) and the event streams,
/// which last as long as their job.
pub fn router(state: AppState) -> axum::Router {
    let timeout = state.limits().request_timeout;
    let (timed, mut api) = documented().split_for_parts();
    let (events, events_api) = OpenApiRouter::new()
        .merge(jobs::events_router())
        .split_for_parts();
    api.merge(events_api);
    common_responses(&mut api);
    let api = Arc::new(api);
    let timed = timed.layer(tower_http::timeout::TimeoutLayer::with_status_code(
        StatusCode::REQUEST_TIMEOUT,
        timeout,
    ));
    timed
        .merge(events)
        .merge(crate::dashboard::router())
        .route(
            "/api/openapi.json",
            axum::routing::get(move || {
                let api = Arc::clone(&api);
                async move { Json(api.as_ref().clone()) }
            }),
        )
        .fallback(fallback)
        .with_state(state)
}

async fn fallback(req: Request) -> ApiError {
    ApiError::not_found(format!(
        "no endpoint {} {}; /api/openapi.json lists them",
        req.method(),
        req.uri().path()
    ))
}

/// Refuse a query string longer than the limit (414).
pub async fn limit_query(State(max): State<usize>, req: Request, next: Next) -> Response {
    if req.uri().query().is_some_and(|q| q.len() > max) {
        return ApiError::new(
            StatusCode::URI_TOO_LONG,
            format!("the query string is longer than {max} bytes"),
        )
        .into_response();
    }
    next.run(req).await
}

/// A panic in a handler: a 500 that says nothing of it.
pub fn panic_response(_: Box<dyn std::any::Any + Send + 'static>) -> Response {
    ApiError::internal("a handler panicked").into_response()
}

/// The server's version and dataset.
#[derive(Serialize, ToSchema)]
pub struct Health {
    /// Corridor's version.
    pub version: String,
    /// SHA-256 of the dataset and parameter files the server answers on.
    pub dataset_hash: String,
    /// Places, links and services of the network.
    pub nodes: usize,
    /// See `nodes`.
    pub links: usize,
    /// See `nodes`.
    pub services: usize,
    /// Whether writes and job submissions need the access token.
    pub token_required: bool,
    /// The database's schema version.
    pub schema_version: i64,
}

/// The server's version, dataset hash and access rule.
#[utoipa::path(get, path = "/api/health", tag = "network",
    responses((status = 200, body = Health)))]
async fn health(State(s): State<AppState>) -> Result<Json<Health>, ApiError> {
    let net = &s.base().net;
    Ok(Json(Health {
        version: crate::VERSION.to_string(),
        dataset_hash: s.base().dataset_hash.clone(),
        nodes: net.nodes.len(),
        links: net.links.len(),
        services: net.services.len(),
        token_required: s.security().required(),
        schema_version: s.db().schema_version()?,
    }))
}
