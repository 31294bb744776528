//! Jobs over HTTP: submit a simulation (`POST /api/simulations`), a scenario run (`POST
//! /api/scenario-runs`) or a comparison (`POST /api/scenario-comparisons`), each answered
//! 202 with the job; follow it (`GET /api/jobs/{id}`, or its server-sent events at
//! `/api/jobs/{id}/events`), cancel it (`DELETE /api/jobs/{id}`), read its result (`GET
//! /api/jobs/{id}/result`, kept in the database with the Corridor version and dataset hash).

use super::scenarios;
use crate::AppState;
use crate::error::ApiError;
use crate::extract::ApiJson;
use crate::jobs::{JobStatus, Outcome, Work};
use crate::security::{Authorized, Client};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use corridor_route::time::{FIRST_YEAR, Instant, LAST_YEAR};
use corridor_scenario::compare::{CompareError, CompareOptions, compare_until};
use corridor_scenario::run::{Options, RunError, run_until};
use corridor_scenario::timeline::Cache;
use corridor_sim::ops::{self, Plan};
use corridor_sim::ops_input::OpsInput;
use futures_util::Stream;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use std::convert::Infallible;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// Most replications a job may ask for.
pub const MAX_REPLICATIONS: u64 = 1000;

/// The jobs' router (timed requests).
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(simulate))
        .routes(routes!(scenario_run))
        .routes(routes!(scenario_compare))
        .routes(routes!(list))
        .routes(routes!(status, cancel))
        .routes(routes!(result))
}

/// The event streams' router (not timed: a stream lasts as long as its job).
pub fn events_router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(events))
}

/// A simulation of the network as it is (`corridor simulate`) with the server's demand.
#[derive(Clone, Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SimulateRequest {
    /// Calendar year simulated (default 2024).
    #[serde(default)]
    pub year: Option<i32>,
    /// Days after the warm-up, 1 to 3650 (default 365).
    #[serde(default)]
    pub days: Option<f64>,
    /// Warm-up days, 0 to 365 (default 30).
    #[serde(default)]
    pub warmup_days: Option<f64>,
    /// Replications, 1 to 1000 (default 20).
    #[serde(default)]
    pub replications: Option<u64>,
    /// Seed (default 42).
    #[serde(default)]
    pub seed: Option<u64>,
    /// Every demand volume × this, 0 to 100 (default 1).
    #[serde(default)]
    pub demand_factor: Option<f64>,
}

/// A scenario run (`corridor scenario run`).
#[derive(Clone, Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RunRequest {
    /// An embedded or saved scenario.
    pub scenario: String,
    /// First and last year, within its horizon.
    #[serde(default)]
    pub years: Option<[i32; 2]>,
    /// Replications, 1 to 1000 (default: the scenario's).
    #[serde(default)]
    pub replications: Option<u64>,
    /// Seed (default: the scenario's).
    #[serde(default)]
    pub seed: Option<u64>,
    /// Every project at its expected date.
    #[serde(default)]
    pub firm: bool,
    /// Projects or interventions left out, by id.
    #[serde(default)]
    pub without: Vec<String>,
}

/// A comparison of two scenarios (`corridor scenario compare`).
#[derive(Clone, Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CompareRequest {
    /// Scenario A, the reference.
    pub a: String,
    /// Scenario B.
    pub b: String,
    /// First and last year (default: their common years).
    #[serde(default)]
    pub years: Option<[i32; 2]>,
    /// Replications, 1 to 1000 (default: B's).
    #[serde(default)]
    pub replications: Option<u64>,
    /// Seed (default: B's).
    #[serde(default)]
    pub seed: Option<u64>,
    /// Attribute each difference to the items that cause it (a run per item; default true).
    #[serde(default)]
    pub attribute: Option<bool>,
}

fn in_range(field: &str, v: Option<f64>, lo: f64, hi: f64, default: f64) -> Result<f64, ApiError> {
    let x = v.unwrap_or(default);
    if !(x.is_finite() && x >= lo && x <= hi) {
        return Err(ApiError::invalid(
            field,
            format!("{field} must be between {lo} and {hi}"),
        ));
    }
    Ok(x)
}

fn replications(v: Option<u64>) -> Result<Option<u64>, ApiError> {
    if v.is_some_and(|r| !(1..=MAX_REPLICATIONS).contains(&r)) {
        return Err(ApiError::invalid(
            "replications",
            format!("replications must be between 1 and {MAX_REPLICATIONS}"),
        ));
    }
    Ok(v)
}

fn years(v: Option<[i32; 2]>) -> Result<Option<(i32, i32)>, ApiError> {
    match v {
        Some([a, b]) if a > b => Err(ApiError::invalid(
            "years",
            "years are [first, last] with first ≤ last",
        )),
        Some([a, b]) => Ok(Some((a, b))),
        None => Ok(None),
    }
}

fn accepted(status: JobStatus) -> Response {
    (
        StatusCode::ACCEPTED,
        [(header::LOCATION, format!("/api/jobs/{}", status.id))],
        Json(status),
    )
        .into_response()
}

fn wrap(s: &AppState, schema: &str, key: &str, v: Value) -> Value {
    json!({"schema": schema, "schema_version": 1, "corridor_version": crate::VERSION,
        "dataset_hash": s.base().dataset_hash, key: v})
}

fn to_value<T: Serialize>(v: &T) -> Outcome {
    match serde_json::to_value(v) {
        Ok(v) => Outcome::Done(v),
        Err(e) => Outcome::Failed(ApiError::internal(e)),
    }
}

/// Queue a simulation of a year of operations; 202 with the job.
#[utoipa::path(post, path = "/api/simulations", tag = "jobs", request_body = SimulateRequest,
    responses((status = 202, body = JobStatus), (status = 401, body = crate::error::ErrorBody),
        (status = 422, body = crate::error::ErrorBody), (status = 429, body = crate::error::ErrorBody),
        (status = 503, body = crate::error::ErrorBody)))]
async fn simulate(
    State(s): State<AppState>,
    _: Authorized,
    Client(client): Client,
    ApiJson(req): ApiJson<SimulateRequest>,
) -> Result<Response, ApiError> {
    let year = req.year.unwrap_or(2024);
    if !(FIRST_YEAR..=LAST_YEAR).contains(&year) {
        return Err(ApiError::invalid(
            "year",
            format!("year must be between {FIRST_YEAR} and {LAST_YEAR}"),
        ));
    }
    let days = in_range("days", req.days, 1.0, 3650.0, 365.0)?;
    let warmup = in_range("warmup_days", req.warmup_days, 0.0, 365.0, 30.0)?;
    let factor = in_range("demand_factor", req.demand_factor, 0.0, 100.0, 1.0)?;
    let reps = replications(req.replications)?.unwrap_or(20);
    let seed = req.seed.unwrap_or(42);
    let st = s.clone();
    let work: Work = Box::new(move |progress, stop| {
        let b = st.base();
        let start = Instant::from_civil(year, 1, 1, 0.0).0;
        let input = OpsInput::from_parsed(b.params.clone(), factor, start, days, warmup);
        let plan = match Plan::new(std::sync::Arc::clone(&b.net), input) {
            Ok(p) => p,
            Err(e) => {
                return Outcome::Failed(match e.diagnostic(&b.demand_file) {
                    Some(d) => ApiError::problems(
                        "demand",
                        corridor_model::LoadErrors {
                            diagnostics: vec![d],
                            suppressed: 0,
                        },
                    ),
                    None => ApiError::invalid("demand", e.to_string()),
                });
            }
        };
        match ops::run_until(&plan, seed, reps, &|n| progress(n, reps), stop) {
            Some(report) => match serde_json::to_value(&report) {
                Ok(r) => {
                    Outcome::Done(json!({"schema": "corridor.simulation", "schema_version": 1,
                    "corridor_version": crate::VERSION, "dataset_hash": b.dataset_hash,
                    "year": year, "demand": b.demand_file, "demand_factor": factor, "report": r}))
                }
                Err(e) => Outcome::Failed(ApiError::internal(e)),
            },
            None => Outcome::Cancelled,
        }
    });
    let request = serde_json::to_value(&req).map_err(ApiError::internal)?;
    Ok(accepted(
        s.jobs().submit("simulate", &request, &client, reps, work)?,
    ))
}

fn run_error(sc: &corridor_scenario::Scenario, e: RunError) -> Outcome {
    match e {
        RunError::Cancelled => Outcome::Cancelled,
        RunError::Epoch(e) => Outcome::Failed(ApiError::problems(
            "scenario",
            corridor_scenario::validate::epoch_diagnostics(sc, *e),
        )),
        RunError::Years { .. } => Outcome::Failed(ApiError::invalid("years", e.to_string())),
        RunError::Unknown { .. } => Outcome::Failed(ApiError::invalid("without", e.to_string())),
        other => Outcome::Failed(ApiError::invalid(
            "scenario",
            format!("{}: {other}", sc.name),
        )),
    }
}

/// Queue a scenario run, year by year; 202 with the job.
#[utoipa::path(post, path = "/api/scenario-runs", tag = "jobs", request_body = RunRequest,
    responses((status = 202, body = JobStatus), (status = 401, body = crate::error::ErrorBody),
        (status = 404, description = "No such scenario", body = crate::error::ErrorBody),
        (status = 422, body = crate::error::ErrorBody), (status = 429, body = crate::error::ErrorBody),
        (status = 503, body = crate::error::ErrorBody)))]
async fn scenario_run(
    State(s): State<AppState>,
    _: Authorized,
    Client(client): Client,
    ApiJson(req): ApiJson<RunRequest>,
) -> Result<Response, ApiError> {
    let opts = Options {
        years: years(req.years)?,
        replications: replications(req.replications)?,
        seed: req.seed,
        without: req.without.clone(),
        firm: req.firm,
    };
    let (st, name) = (s.clone(), req.scenario.clone());
    let sc = s
        .compute(move || scenarios::resolve(&st, &name, "scenario"))
        .await?;
    let total = opts.replications.unwrap_or(sc.run.replications).max(1);
    let st = s.clone();
    let work: Work = Box::new(move |progress, stop| {
        let cache = Cache::new(&sc);
        match run_until(&cache, &opts, &|n| progress(n, total), stop) {
            Ok(r) => match to_value(&r) {
                Outcome::Done(v) => Outcome::Done(wrap(&st, "corridor.scenario_run", "run", v)),
                other => other,
            },
            Err(e) => run_error(&sc, e),
        }
    });
    let request = serde_json::to_value(&req).map_err(ApiError::internal)?;
    Ok(accepted(s.jobs().submit(
        "scenario_run",
        &request,
        &client,
        total,
        work,
    )?))
}

/// Queue a comparison of two scenarios, each difference attributed; 202 with the job.
#[utoipa::path(post, path = "/api/scenario-comparisons", tag = "jobs", request_body = CompareRequest,
    responses((status = 202, body = JobStatus), (status = 401, body = crate::error::ErrorBody),
        (status = 404, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody),
        (status = 429, body = crate::error::ErrorBody), (status = 503, body = crate::error::ErrorBody)))]
async fn scenario_compare(
    State(s): State<AppState>,
    _: Authorized,
    Client(client): Client,
    ApiJson(req): ApiJson<CompareRequest>,
) -> Result<Response, ApiError> {
    let opts = CompareOptions {
        years: years(req.years)?,
        replications: replications(req.replications)?,
        seed: req.seed,
        attribute: req.attribute.unwrap_or(true),
    };
    let (st, a, b) = (s.clone(), req.a.clone(), req.b.clone());
    let (sa, sb) = s
        .compute(move || {
            Ok((
                scenarios::resolve(&st, &a, "a")?,
                scenarios::resolve(&st, &b, "b")?,
            ))
        })
        .await?;
    let st = s.clone();
    let work: Work = Box::new(move |progress, stop| {
        match compare_until(
            &sa,
            &sb,
            &opts,
            &|done, total| progress(done as u64, total as u64),
            stop,
        ) {
            Ok(c) => match to_value(&c) {
                Outcome::Done(v) => {
                    Outcome::Done(wrap(&st, "corridor.scenario_comparison", "comparison", v))
                }
                other => other,
            },
            Err(CompareError::Run { scenario, error }) => {
                let sc = if scenario == sa.name { &sa } else { &sb };
                run_error(sc, *error)
            }
            Err(e) => Outcome::Failed(ApiError::invalid("years", e.to_string())),
        }
    });
    let request = serde_json::to_value(&req).map_err(ApiError::internal)?;
    Ok(accepted(s.jobs().submit(
        "scenario_compare",
        &request,
        &client,
        2,
        work,
    )?))
}

/// The latest 100 jobs, newest first.
#[utoipa::path(get, path = "/api/jobs", tag = "jobs", responses((status = 200, body = Vec<JobStatus>)))]
async fn list(State(s): State<AppState>) -> Result<Json<Vec<JobStatus>>, ApiError> {
    Ok(Json(s.jobs().list(100)?))
}

fn job_id(raw: &str) -> Result<i64, ApiError> {
    raw.parse::<i64>().ok().filter(|i| *i > 0).ok_or_else(|| {
        ApiError::not_found(format!("no job `{}`", corridor_model::diag::printable(raw)))
            .field("id")
    })
}

fn found(s: &AppState, id: i64) -> Result<JobStatus, ApiError> {
    s.jobs()
        .status(id)?
        .ok_or_else(|| ApiError::not_found(format!("no job {id}")).field("id"))
}

/// A job: state, progress, error, and where its result is.
#[utoipa::path(get, path = "/api/jobs/{id}", tag = "jobs", params(("id" = i64, Path)),
    responses((status = 200, body = JobStatus), (status = 404, body = crate::error::ErrorBody)))]
async fn status(
    State(s): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<JobStatus>, ApiError> {
    Ok(Json(found(&s, job_id(&id)?)?))
}

/// Cancel a queued or running job (a running one stops before its next replication).
#[utoipa::path(delete, path = "/api/jobs/{id}", tag = "jobs", params(("id" = i64, Path)),
    responses((status = 202, description = "Cancelling (or cancelled)", body = JobStatus),
        (status = 401, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody),
        (status = 409, description = "Already finished", body = crate::error::ErrorBody)))]
async fn cancel(
    State(s): State<AppState>,
    _: Authorized,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let st = s.jobs().cancel(job_id(&id)?)?;
    Ok((StatusCode::ACCEPTED, Json(st)).into_response())
}

/// A finished job's result: the JSON of the CLI's `--json` with `corridor_version` and
/// `dataset_hash`.
#[utoipa::path(get, path = "/api/jobs/{id}/result", tag = "jobs", params(("id" = i64, Path)),
    responses((status = 200, body = Object), (status = 404, body = crate::error::ErrorBody),
        (status = 409, description = "Not done (yet)", body = crate::error::ErrorBody)))]
async fn result(State(s): State<AppState>, Path(id): Path<String>) -> Result<Response, ApiError> {
    let id = job_id(&id)?;
    let st = found(&s, id)?;
    match s.db().job_result(id)? {
        Some(text) => Ok(([(header::CONTENT_TYPE, "application/json")], text).into_response()),
        None => Err(ApiError::conflict(format!(
            "job {id} is {}: it has no result",
            st.state.as_str()
        ))),
    }
}

/// One server-sent event of a job's stream.
#[derive(Serialize, ToSchema)]
pub struct JobEvent {
    /// `progress` while the job is queued or running, `end` once (its final status).
    #[schema(pattern = "^(progress|end)$")]
    pub event: String,
    /// The job's status (a `JobStatus`) as JSON text.
    pub data: String,
}

fn event(s: &JobStatus) -> Event {
    let name = if s.state.finished() {
        "end"
    } else {
        "progress"
    };
    Event::default()
        .event(name)
        .json_data(s)
        .unwrap_or_else(|_| Event::default().event(name))
}

/// A job's progress as server-sent events: `progress` events with the job's status, then
/// one `end` event when it is over (at once for a finished job).
#[utoipa::path(get, path = "/api/jobs/{id}/events", tag = "jobs", params(("id" = i64, Path)),
    responses((status = 200, description = "text/event-stream of JobStatus (`progress`, then `end`)", content_type = "text/event-stream", body = JobEvent),
        (status = 404, body = crate::error::ErrorBody)))]
async fn events(
    State(s): State<AppState>,
    Path(id): Path<String>,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, ApiError> {
    let id = job_id(&id)?;
    // Subscribe first: a job not active then is over, and its stored status is final.
    let rx = s.jobs().watch(id);
    let first = match &rx {
        Some(r) => r.borrow().clone(),
        None => found(&s, id)?,
    };
    let stream =
        futures_util::stream::unfold((Some(first), rx, false), move |(pending, mut rx, ended)| {
            let s = s.clone();
            async move {
                if ended {
                    return None;
                }
                if let Some(p) = pending {
                    let end = p.state.finished() || rx.is_none();
                    let rx = if end { None } else { rx };
                    return Some((Ok(event(&p)), (None, rx, end)));
                }
                let r = rx.as_mut()?;
                let next = match r.changed().await {
                    Ok(()) => r.borrow_and_update().clone(),
                    // The job left the active set between two looks: its stored end.
                    Err(_) => found(&s, id).ok().filter(|x| x.state.finished())?,
                };
                let end = next.state.finished();
                Some((Ok(event(&next)), (None, if end { None } else { rx }, end)))
            }
        });
    Ok(Sse::new(stream).keep_alive(KeepAlive::default()))
}
