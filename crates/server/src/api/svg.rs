//! `GET /api/svg/map` and `GET /api/svg/chart/{kind}`: the map and the charts as SVG,
//! drawn by `corridor_report` (the same code as `corridor report`) from the network and a
//! finished job's stored result. The dashboard inlines them and makes their `data-*`
//! attributes interactive.

use crate::AppState;
use crate::error::ApiError;
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use corridor_report::geo::View;
use corridor_report::map::{self, MapOptions, Overlay};
use corridor_report::{charts, view};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// The drawings' router.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(map_svg))
        .routes(routes!(chart_svg))
}

/// What to draw.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct DrawQuery {
    /// A finished job (scenario run, comparison or simulation) whose result is drawn;
    /// without it the map shows the network alone.
    pub job: Option<i64>,
    /// The year of a scenario run or comparison (default: its last).
    pub year: Option<i32>,
    /// `eurasia` (default) or `middle` (the Black Sea, the Caucasus and the Caspian).
    pub view: Option<String>,
}

fn svg(body: String) -> Response {
    (
        [
            (header::CONTENT_TYPE, "image/svg+xml; charset=utf-8"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        body,
    )
        .into_response()
}

fn query(
    q: Result<Query<DrawQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<DrawQuery, ApiError> {
    q.map(|Query(q)| q)
        .map_err(|e| ApiError::invalid("query", e.body_text()))
}

/// A finished job's result, read for drawing.
fn result(s: &AppState, id: i64) -> Result<view::Result, ApiError> {
    if id <= 0 {
        return Err(ApiError::not_found(format!("no job {id}")).field("job"));
    }
    let st = s
        .jobs()
        .status(id)?
        .ok_or_else(|| ApiError::not_found(format!("no job {id}")).field("job"))?;
    let text = s.db().job_result(id)?.ok_or_else(|| {
        ApiError::conflict(format!(
            "job {id} is {}: it has no result to draw",
            st.state.as_str()
        ))
        .field("job")
    })?;
    let v: serde_json::Value = serde_json::from_str(&text).map_err(ApiError::internal)?;
    view::Result::from_json(&v).map_err(|e| ApiError::invalid("job", e))
}

fn pick_year<'a>(
    years: &'a [view::Year],
    want: Option<i32>,
    field: &str,
) -> Result<&'a view::Year, ApiError> {
    match want {
        None => years
            .last()
            .ok_or_else(|| ApiError::invalid(field, "the run has no years")),
        Some(y) => years.iter().find(|x| x.year == y).ok_or_else(|| {
            ApiError::invalid(
                field,
                format!(
                    "{y} is not a year of this result ({}–{})",
                    years.first().map(|x| x.year).unwrap_or(0),
                    years.last().map(|x| x.year).unwrap_or(0)
                ),
            )
        }),
    }
}

fn view_of(v: Option<&str>) -> Result<View, ApiError> {
    match v.unwrap_or("eurasia") {
        "eurasia" => Ok(View::EURASIA),
        "middle" => Ok(View::MIDDLE),
        other => Err(ApiError::invalid(
            "view",
            format!(
                "unknown view `{}`; use eurasia or middle",
                corridor_model::diag::printable(other)
            ),
        )),
    }
}

/// The map: the network, with a run's flows (line width) or two runs' difference (colour).
#[utoipa::path(get, path = "/api/svg/map", tag = "drawings", params(DrawQuery),
    responses((status = 200, description = "SVG map; links carry `data-link`, `data-mode`, `data-corridors`, places `data-node`", content_type = "image/svg+xml", body = String),
        (status = 404, description = "No such job", body = crate::error::ErrorBody),
        (status = 409, description = "The job has no result (yet)", body = crate::error::ErrorBody),
        (status = 422, description = "An unknown view or year", body = crate::error::ErrorBody)))]
async fn map_svg(
    State(s): State<AppState>,
    q: Result<Query<DrawQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, ApiError> {
    let q = query(q)?;
    let v = view_of(q.view.as_deref())?;
    let st = s.clone();
    s.compute(move || {
        let net = &st.base().net;
        let body = match q.job {
            None => map::map(
                net,
                &MapOptions {
                    view: v,
                    overlay: Overlay::None,
                    title: "The Corridor network",
                },
            ),
            Some(id) => match result(&st, id)? {
                view::Result::Run(r) => {
                    let y = pick_year(&r.years, q.year, "year")?;
                    let f = map::year_flows(net, y);
                    let title = format!("{} in {}", r.scenario, y.year);
                    map::map(
                        net,
                        &MapOptions {
                            view: v,
                            overlay: Overlay::Flows(&f),
                            title: &title,
                        },
                    )
                }
                view::Result::Comparison(c) => {
                    let [a, b] = &c.runs_a_b;
                    let yb = pick_year(&b.years, q.year, "year")?;
                    let ya = pick_year(&a.years, Some(yb.year), "year")?;
                    let (fa, fb) = (map::year_flows(net, ya), map::year_flows(net, yb));
                    let title = format!("{} against {} in {}", c.b, c.a, yb.year);
                    map::map(
                        net,
                        &MapOptions {
                            view: v,
                            overlay: Overlay::Compare(&fa, &fb, &c.a, &c.b),
                            title: &title,
                        },
                    )
                }
                view::Result::Simulation(sim) => {
                    let f = map::simulation_flows(&sim);
                    map::map(
                        net,
                        &MapOptions {
                            view: v,
                            overlay: Overlay::Flows(&f),
                            title: "The simulated year",
                        },
                    )
                }
            },
        };
        Ok(svg(body))
    })
    .await
}

/// A one-year simulation's charts: its bottlenecks and its daily backlog.
fn simulation_chart(
    net: &corridor_model::Network,
    sim: &view::Simulation,
    kind: &str,
) -> Result<String, ApiError> {
    match kind {
        "bottlenecks" => {
            let y = view::Year {
                year: sim.year,
                corridors: Vec::new(),
                backlog_teu: view::Metric::default(),
                demand_teu: 0.0,
                resources: sim.resources.clone(),
                in_force: Vec::new(),
                links: Vec::new(),
            };
            Ok(charts::bottlenecks(net, "the simulated year", &y, 10))
        }
        "backlog" => Ok(charts::backlog_days(sim, sim.year)),
        _ => Err(ApiError::invalid(
            "kind",
            "a one-year simulation draws `bottlenecks` and `backlog` (and the map)",
        )),
    }
}

/// A chart of a finished scenario run or comparison: `transit` (door-to-door days per
/// corridor by year), `backlog`, `bottlenecks` (utilisation and queues in a year),
/// `pipeline` (projects with their slip risk) or `deltas` (a comparison's KPI deltas with
/// the items that explain them); of a one-year simulation, `bottlenecks` and `backlog`.
#[utoipa::path(get, path = "/api/svg/chart/{kind}", tag = "drawings",
    params(("kind" = String, Path, description = "transit, backlog, bottlenecks, pipeline or deltas"), DrawQuery),
    responses((status = 200, description = "SVG chart; series and bars carry `data-corridor`, `data-node`, `data-link` or `data-project`", content_type = "image/svg+xml", body = String),
        (status = 404, description = "No such job or chart", body = crate::error::ErrorBody),
        (status = 409, description = "The job has no result (yet)", body = crate::error::ErrorBody),
        (status = 422, description = "No job given, a year not in the result, or a chart this result has not", body = crate::error::ErrorBody)))]
async fn chart_svg(
    State(s): State<AppState>,
    Path(kind): Path<String>,
    q: Result<Query<DrawQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, ApiError> {
    let q = query(q)?;
    if !["transit", "backlog", "bottlenecks", "pipeline", "deltas"].contains(&kind.as_str()) {
        return Err(ApiError::not_found(format!(
            "no chart `{}`; charts are transit, backlog, bottlenecks, pipeline and deltas",
            corridor_model::diag::printable(&kind)
        ))
        .field("kind"));
    }
    let id = q.job.ok_or_else(|| {
        ApiError::invalid("job", "a chart draws a finished job's result: give `job`")
    })?;
    let st = s.clone();
    s.compute(move || {
        let net = &st.base().net;
        let res = result(&st, id)?;
        let (run, cmp) = match &res {
            view::Result::Run(r) => (r.as_ref(), None),
            view::Result::Comparison(c) => (&c.runs_a_b[1], Some(c.as_ref())),
            view::Result::Simulation(sim) => return simulation_chart(net, sim, &kind).map(svg),
        };
        let body = match (kind.as_str(), cmp) {
            ("transit", _) => charts::transit(net, run),
            ("backlog", Some(c)) => charts::backlog(&[&c.runs_a_b[0], &c.runs_a_b[1]]),
            ("backlog", None) => charts::backlog(&[run]),
            ("bottlenecks", _) => charts::bottlenecks(
                net,
                &run.scenario,
                pick_year(&run.years, q.year, "year")?,
                10,
            ),
            ("pipeline", _) => charts::pipeline(run),
            ("deltas", Some(c)) => charts::deltas(net, c),
            _ => {
                return Err(ApiError::invalid(
                    "kind",
                    "`deltas` draws a scenario comparison; this job is a single run",
                ));
            }
        };
        Ok(svg(body))
    })
    .await
}
