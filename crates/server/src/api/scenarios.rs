//! Scenarios: the embedded ones (read-only) and scenarios saved in the database, created,
//! edited (each edit names the version it was made against: a stale one gets 409) and
//! deleted; any text validated. Every text is parsed and checked by `corridor_scenario`
//! exactly as `corridor scenario validate` does, so the errors are the CLI's, at their line
//! and key. A saved scenario may not name a demand table by path: no request reaches the
//! file system.

use crate::AppState;
use crate::db::SavedScenario;
use crate::error::ApiError;
use crate::extract::{body_bytes, from_json, media_type};
use crate::security::Authorized;
use axum::Json;
use axum::extract::{FromRequest, Path, Query, Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use corridor_model::diag::did_you_mean;
use corridor_model::read::{self, Input};
use corridor_scenario::scenario::Context;
use corridor_scenario::{Scenario, embedded};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use std::borrow::Cow;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// The scenarios' router.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(validate))
        .routes(routes!(show, update, delete))
}

/// A scenario in a JSON body: its TOML text, or the same document as JSON; and for an
/// edit the version it was made against (or send `If-Match: VERSION`). A body of type
/// `application/toml` is the TOML text itself.
#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ScenarioBody {
    /// The scenario file's text (see examples/scenarios/my-scenario.toml).
    #[serde(default)]
    pub toml: Option<String>,
    /// The scenario as a JSON object with the TOML's keys (instead of `toml`).
    #[serde(default)]
    #[schema(value_type = Option<Object>)]
    pub scenario: Option<Value>,
    /// The version an edit was made against.
    #[serde(default)]
    pub version: Option<i64>,
}

/// A scenario text from a request, and the version it names.
pub struct ScenarioText {
    text: String,
    field: &'static str,
    version: Option<i64>,
}

impl<S: Send + Sync> FromRequest<S> for ScenarioText {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        let mt = media_type(&req);
        let if_match = if_match(req.headers())?;
        let bytes = body_bytes(req, state).await?;
        match mt.as_str() {
            "application/json" => {
                let b: ScenarioBody = from_json(&bytes)?;
                let (text, field) = match (b.toml, b.scenario) {
                    (Some(t), None) => (t, "toml"),
                    (None, Some(v)) => (
                        toml::to_string(&v).map_err(|e| {
                            ApiError::invalid("scenario", format!("cannot be written as TOML: {e}"))
                        })?,
                        "scenario",
                    ),
                    _ => {
                        return Err(ApiError::invalid(
                            "toml",
                            "give the scenario as `toml` (its text) or as `scenario` (a JSON object), one of them",
                        ));
                    }
                };
                Ok(ScenarioText {
                    text,
                    field,
                    version: b.version.or(if_match),
                })
            }
            "application/toml" | "application/x-toml" | "text/x-toml" => {
                let text = String::from_utf8(bytes.to_vec()).map_err(|_| {
                    ApiError::bad_request("the TOML text is not UTF-8").field("toml")
                })?;
                Ok(ScenarioText {
                    text,
                    field: "toml",
                    version: if_match,
                })
            }
            _ => Err(ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "send the scenario as JSON (`Content-Type: application/json`) or TOML (`Content-Type: application/toml`)",
            )),
        }
    }
}

/// The version of an `If-Match` header (`3` or `"3"`).
fn if_match(h: &HeaderMap) -> Result<Option<i64>, ApiError> {
    match h.get(header::IF_MATCH) {
        None => Ok(None),
        Some(v) => v
            .to_str()
            .ok()
            .map(|s| s.trim().trim_matches('"'))
            .and_then(|s| s.parse().ok())
            .map(Some)
            .ok_or_else(|| {
                ApiError::invalid(
                    "if-match",
                    "If-Match must be a scenario version, e.g. \"3\"",
                )
            }),
    }
}

/// Parse and resolve a scenario text against the server's base, with the CLI's limits
/// (16 MiB, UTF-8, no NUL) and no demand table by path.
pub fn parse(
    s: &AppState,
    file: &str,
    text: &str,
    field: &str,
) -> Result<(Scenario, Vec<corridor_model::Diagnostic>), ApiError> {
    let input = Input::Bytes(Cow::Owned(text.as_bytes().to_vec()));
    read::read_all(&input, read::SETTINGS).map_err(|e| {
        ApiError::problems(
            field,
            corridor_model::LoadErrors {
                diagnostics: vec![
                    corridor_model::Diagnostic::at(file, e.line(), e.to_string())
                        .maybe_hint(e.hint()),
                ],
                suppressed: 0,
            },
        )
    })?;
    let b = s.base();
    let pipes = embedded::pipelines();
    let ctx = Context {
        base: std::sync::Arc::clone(&b.net),
        params: &b.params,
        demand_file: &b.demand_file,
        pipelines: &pipes,
        demand_table: None,
    };
    Scenario::parse(file, text, &ctx).map_err(|e| ApiError::problems(field, e))
}

/// Where a scenario comes from.
pub enum Found {
    /// Embedded: its text.
    Embedded(&'static str),
    /// Saved.
    Saved(SavedScenario),
}

/// The file name of a saved scenario in messages.
pub fn saved_file(name: &str) -> String {
    format!("<saved>/{name}.toml")
}

/// A scenario by name: embedded, else saved; 404 with a suggestion.
pub fn find(s: &AppState, name: &str, field: &str) -> Result<Found, ApiError> {
    if let Some(t) = embedded::text(name) {
        return Ok(Found::Embedded(t));
    }
    if let Some(x) = s.db().scenario(name)? {
        return Ok(Found::Saved(x));
    }
    let saved: Vec<String> = s.db().scenarios()?.into_iter().map(|x| x.name).collect();
    let mut names: Vec<&str> = embedded::names().collect();
    names.extend(saved.iter().map(String::as_str));
    let hint = did_you_mean(name, names.iter().copied())
        .map(|h| format!(" ({h})"))
        .unwrap_or_else(|| format!(" (scenarios: {})", names.join(", ")));
    Err(ApiError::not_found(format!("no scenario `{name}`{hint}")).field(field))
}

/// A scenario by name, resolved.
pub fn resolve(s: &AppState, name: &str, field: &str) -> Result<Scenario, ApiError> {
    let (file, text) = match find(s, name, field)? {
        Found::Embedded(t) => (embedded::file_name(name), t.to_string()),
        Found::Saved(x) => (saved_file(name), x.toml),
    };
    Ok(parse(s, &file, &text, field)?.0)
}

/// A scenario in a list.
#[derive(Serialize, ToSchema)]
pub struct Summary {
    /// Its name.
    pub name: String,
    /// `embedded` or `saved`.
    pub source: String,
    /// Its title.
    pub title: Option<String>,
    /// First and last year.
    pub years: Option<Vec<i64>>,
    /// A saved scenario's version.
    pub version: Option<i64>,
}

fn summary(name: &str, source: &str, text: &str, version: Option<i64>) -> Summary {
    let doc: Option<toml::Table> = toml::from_str(text).ok();
    let get = |k: &str| doc.as_ref().and_then(|d| d.get(k)).cloned();
    Summary {
        name: name.to_string(),
        source: source.to_string(),
        title: get("title").and_then(|v| v.as_str().map(str::to_string)),
        years: get("years").and_then(|v| {
            v.as_array()
                .map(|a| a.iter().filter_map(|x| x.as_integer()).collect())
        }),
        version,
    }
}

/// The embedded scenarios, then the saved ones.
#[utoipa::path(get, path = "/api/scenarios", tag = "scenarios",
    responses((status = 200, body = Vec<Summary>)))]
async fn list(State(s): State<AppState>) -> Result<Json<Vec<Summary>>, ApiError> {
    let mut out: Vec<Summary> = embedded::names()
        .map(|n| summary(n, "embedded", embedded::text(n).unwrap_or(""), None))
        .collect();
    for x in s.db().scenarios()? {
        out.push(summary(&x.name, "saved", &x.toml, Some(x.version)));
    }
    Ok(Json(out))
}

/// A scenario in full (`corridor scenario show --json`), with its source, version and text.
#[utoipa::path(get, path = "/api/scenarios/{name}", tag = "scenarios",
    params(("name" = String, Path, description = "An embedded or saved scenario")),
    responses((status = 200, description = "`corridor.scenario` v1 with `source`, `version`, `toml`", body = Object),
        (status = 404, body = crate::error::ErrorBody)))]
async fn show(
    State(s): State<AppState>,
    Path(name): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let st = s.clone();
    s.compute(move || {
        let (file, text, source, version) = match find(&st, &name, "name")? {
            Found::Embedded(t) => (embedded::file_name(&name), t.to_string(), "embedded", None),
            Found::Saved(x) => (saved_file(&name), x.toml, "saved", Some(x.version)),
        };
        let (sc, warnings) = parse(&st, &file, &text, "toml")?;
        Ok(Json(json!({
            "schema": "corridor.scenario", "schema_version": 1,
            "name": sc.name, "title": sc.title, "description": sc.description, "file": sc.file,
            "years": [sc.first_year, sc.last_year], "projects": sc.projects,
            "interventions": sc.interventions, "demand": sc.demand, "run": sc.run,
            "source": source, "version": version, "toml": text,
            "warnings": warnings.iter().map(|w| w.to_string()).collect::<Vec<_>>(),
        })))
    })
    .await
}

/// What a valid scenario's check covered.
#[derive(Serialize, ToSchema)]
pub struct Validation {
    /// Always true (an invalid scenario is a 422 with its problems).
    pub valid: bool,
    /// Its name.
    pub name: String,
    /// Its projects.
    pub projects: usize,
    /// Its interventions.
    pub interventions: usize,
    /// First and last year.
    pub years: [i32; 2],
    /// Networks built and checked.
    pub networks: usize,
    /// Epochs of the firm timeline compiled.
    pub epochs: usize,
    /// Warnings (legal but suspicious).
    pub warnings: Vec<String>,
}

/// Parse and check a text fully, as `corridor scenario validate`.
fn check(s: &AppState, file: &str, t: &ScenarioText) -> Result<(Scenario, Validation), ApiError> {
    let (sc, warnings) = parse(s, file, &t.text, t.field)?;
    let c =
        corridor_scenario::validate::validate(&sc).map_err(|e| ApiError::problems(t.field, e))?;
    let v = Validation {
        valid: true,
        name: sc.name.clone(),
        projects: sc.projects.len(),
        interventions: sc.interventions.len(),
        years: [sc.first_year, sc.last_year],
        networks: c.networks,
        epochs: c.epochs,
        warnings: warnings.iter().map(|w| w.to_string()).collect(),
    };
    Ok((sc, v))
}

/// Check a scenario text (TOML, or JSON `{"toml": …}`) without saving it: every problem
/// with its line and key, as `corridor scenario validate`.
#[utoipa::path(post, path = "/api/scenarios/validate", tag = "scenarios", request_body = ScenarioBody,
    responses((status = 200, body = Validation),
        (status = 422, description = "Every problem at its line and key", body = crate::error::ErrorBody)))]
async fn validate(
    State(s): State<AppState>,
    t: ScenarioText,
) -> Result<Json<Validation>, ApiError> {
    let st = s.clone();
    s.compute(move || Ok(Json(check(&st, "<request>", &t)?.1)))
        .await
}

/// A name a saved scenario may have: lower-case letters, digits, `-` and `_`, at most 64.
fn check_name(name: &str) -> Result<(), ApiError> {
    let ok = !name.is_empty()
        && name.len() <= 64
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
        && !name.starts_with('-');
    if !ok {
        return Err(ApiError::invalid(
            "name",
            format!(
                "`{}` cannot name a saved scenario: use lower-case letters, digits, `-` and `_` (at most 64)",
                corridor_model::diag::printable(name)
            ),
        ));
    }
    if embedded::text(name).is_some() {
        return Err(ApiError::conflict(format!(
            "`{name}` is an embedded scenario's name: give yours another `name`"
        ))
        .field("name"));
    }
    Ok(())
}

/// Save a new scenario (version 1), checked in full first.
#[utoipa::path(post, path = "/api/scenarios", tag = "scenarios", request_body = ScenarioBody,
    responses((status = 201, body = SavedScenario),
        (status = 401, body = crate::error::ErrorBody),
        (status = 409, description = "A scenario of that name exists", body = crate::error::ErrorBody),
        (status = 422, body = crate::error::ErrorBody)))]
async fn create(
    State(s): State<AppState>,
    _: Authorized,
    t: ScenarioText,
) -> Result<Response, ApiError> {
    let st = s.clone();
    s.compute(move || {
        // The name first, so the problems name the file it will be saved as.
        let name = toml::from_str::<toml::Table>(&t.text)
            .ok()
            .and_then(|d| d.get("name").and_then(|v| v.as_str().map(str::to_string)));
        let file = name
            .as_deref()
            .map(saved_file)
            .unwrap_or_else(|| "<request>".into());
        if let Some(n) = &name {
            check_name(n)?;
        }
        let (sc, _) = check(&st, &file, &t)?;
        check_name(&sc.name)?;
        let saved =
            st.db().create_scenario(&sc.name, &t.text).map_err(|e| {
                match e {
            crate::db::DbError::Exists => ApiError::conflict(format!(
                "a saved scenario `{}` exists: edit it with PUT /api/scenarios/{} and its version",
                sc.name, sc.name
            ))
            .field("name"),
            other => other.into(),
        }
            })?;
        Ok((
            StatusCode::CREATED,
            [(header::LOCATION, format!("/api/scenarios/{}", saved.name))],
            Json(saved),
        )
            .into_response())
    })
    .await
}

/// Replace a saved scenario's text; the edit names the version it was made against
/// (`version` or `If-Match`): a stale version gets 409 with the current one.
#[utoipa::path(put, path = "/api/scenarios/{name}", tag = "scenarios", request_body = ScenarioBody,
    params(("name" = String, Path, description = "A saved scenario")),
    responses((status = 200, body = SavedScenario),
        (status = 403, description = "An embedded scenario", body = crate::error::ErrorBody),
        (status = 404, body = crate::error::ErrorBody),
        (status = 409, description = "Edited meanwhile: `current_version`", body = crate::error::ErrorBody),
        (status = 422, body = crate::error::ErrorBody),
        (status = 428, description = "No version given", body = crate::error::ErrorBody)))]
async fn update(
    State(s): State<AppState>,
    _: Authorized,
    Path(name): Path<String>,
    t: ScenarioText,
) -> Result<Json<SavedScenario>, ApiError> {
    let st = s.clone();
    s.compute(move || {
        let current = saved(&st, &name)?;
        let version = t.version.ok_or_else(|| {
            ApiError::new(
                StatusCode::PRECONDITION_REQUIRED,
                format!("an edit names the version it was made against: send `version` (now {}) or If-Match", current.version),
            )
            .field("version")
        })?;
        if version != current.version {
            return Err(crate::db::DbError::Conflict { current: current.version }.into());
        }
        let (sc, _) = check(&st, &saved_file(&name), &t)?;
        if sc.name != name {
            return Err(ApiError::invalid(
                "name",
                format!("the text's `name` is `{}`, not `{name}`: a saved scenario keeps its name (save a copy with POST /api/scenarios)", sc.name),
            ));
        }
        Ok(Json(st.db().update_scenario(&name, &t.text, version)?))
    })
    .await
}

/// The version a delete names.
#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct VersionQuery {
    /// The version the delete was decided on (or send `If-Match`).
    pub version: Option<i64>,
}

/// A saved scenario, 403 for an embedded one, 404 for none.
fn saved(s: &AppState, name: &str) -> Result<SavedScenario, ApiError> {
    match find(s, name, "name")? {
        Found::Embedded(_) => Err(ApiError::new(
            StatusCode::FORBIDDEN,
            format!(
                "`{name}` is an embedded scenario: it is read-only (save a copy under another name)"
            ),
        )
        .field("name")),
        Found::Saved(x) => Ok(x),
    }
}

/// Delete a saved scenario, naming the version (`?version=N` or If-Match).
#[utoipa::path(delete, path = "/api/scenarios/{name}", tag = "scenarios",
    params(("name" = String, Path, description = "A saved scenario"), VersionQuery),
    responses((status = 204, description = "Deleted"),
        (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody),
        (status = 409, body = crate::error::ErrorBody), (status = 428, body = crate::error::ErrorBody)))]
async fn delete(
    State(s): State<AppState>,
    _: Authorized,
    Path(name): Path<String>,
    headers: HeaderMap,
    q: Result<Query<VersionQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<StatusCode, ApiError> {
    let q = q.map_err(|e| ApiError::invalid("version", e.body_text()))?;
    let current = saved(&s, &name)?;
    let version = q.version.or(if_match(&headers)?).ok_or_else(|| {
        ApiError::new(
            StatusCode::PRECONDITION_REQUIRED,
            format!(
                "a delete names the version it was decided on: `?version={}`",
                current.version
            ),
        )
        .field("version")
    })?;
    s.db().delete_scenario(&name, version)?;
    Ok(StatusCode::NO_CONTENT)
}
