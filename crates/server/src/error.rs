//! The one error type of the API: a status, a message a person can act on, the request
//! field it is about, and for a scenario or dataset the diagnostics with their lines.
//! Internal failures are logged on stderr and answered with a generic message: nothing of
//! the server's internals (paths, SQL, panics) reaches a client.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use corridor_model::{Diagnostic, LoadErrors};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// One problem of a scenario or dataset: the file (as named in messages), line, column,
/// field, what is wrong and how to fix it; the same as the CLI prints.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Problem {
    /// The file as named in messages (`<saved>/my-scenario.toml`, `<request>`).
    pub file: String,
    /// 1-based line, when known.
    pub line: Option<u64>,
    /// 1-based column, when known.
    pub column: Option<usize>,
    /// The field (TOML key or CSV column), when known.
    pub field: Option<String>,
    /// What was found and what was expected.
    pub message: String,
    /// How to fix it.
    pub hint: Option<String>,
}

impl From<Diagnostic> for Problem {
    fn from(d: Diagnostic) -> Problem {
        Problem {
            file: d.file,
            line: d.line,
            column: d.column,
            field: d.field,
            message: d.message,
            hint: d.hint,
        }
    }
}

/// The body of every error response.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ErrorBody {
    /// What went wrong, in a sentence.
    pub error: String,
    /// The request field it is about (`from`, `teu`, `avoid_country[1]`, `toml`), if any.
    pub field: Option<String>,
    /// The line of the request's text (a scenario's TOML) it is at, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<u64>,
    /// Every problem of an invalid scenario or dataset, as the CLI lists them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub problems: Vec<Problem>,
    /// The current version of the resource, on a conflicting edit (409).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub current_version: Option<i64>,
}

/// An error answered to a client.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error("{status}: {}", body.error)]
pub struct ApiError {
    /// The HTTP status.
    pub status: StatusCode,
    /// The JSON body.
    pub body: ErrorBody,
}

impl ApiError {
    /// An error with a status and a message.
    pub fn new(status: StatusCode, error: impl Into<String>) -> ApiError {
        ApiError {
            status,
            body: ErrorBody {
                error: error.into(),
                field: None,
                line: None,
                problems: Vec::new(),
                current_version: None,
            },
        }
    }

    /// The request field the error is about.
    pub fn field(mut self, field: impl Into<String>) -> ApiError {
        self.body.field = Some(field.into());
        self
    }

    /// 400: the request cannot be read (malformed JSON, a bad query string).
    pub fn bad_request(error: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, error)
    }

    /// 422: the request is well formed but a value is wrong (out of range, unknown key).
    pub fn invalid(field: impl Into<String>, error: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, error).field(field)
    }

    /// 404: what the request names does not exist.
    pub fn not_found(error: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::NOT_FOUND, error)
    }

    /// 409: the request conflicts with the resource's state.
    pub fn conflict(error: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::CONFLICT, error)
    }

    /// 500: a failure of the server. `detail` goes to the server's log only.
    pub fn internal(detail: impl std::fmt::Display) -> ApiError {
        eprintln!("corridor-server: internal error: {detail}");
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal error of the server; the operator's log has the details",
        )
    }

    /// 422 with every problem of a scenario or dataset; `field` is the request field the
    /// text came in, and the first problem's line is the error's line.
    pub fn problems(field: &str, errors: LoadErrors) -> ApiError {
        let problems: Vec<Problem> = errors.diagnostics.into_iter().map(Problem::from).collect();
        let n = problems.len() + errors.suppressed;
        let first = problems.first().cloned();
        let mut e = ApiError::invalid(
            first
                .as_ref()
                .and_then(|p| p.field.clone())
                .unwrap_or_else(|| field.to_string()),
            match &first {
                Some(p) => format!(
                    "{}{}: {}{}",
                    p.file,
                    p.line.map(|l| format!(":{l}")).unwrap_or_default(),
                    p.message,
                    if n > 1 {
                        format!(" (and {} more problems)", n - 1)
                    } else {
                        String::new()
                    }
                ),
                None => "invalid input".to_string(),
            },
        );
        e.body.line = first.and_then(|p| p.line);
        e.body.problems = problems;
        e
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.status, Json(self.body)).into_response()
    }
}

impl From<crate::db::DbError> for ApiError {
    fn from(e: crate::db::DbError) -> ApiError {
        use crate::db::DbError;
        match e {
            DbError::NotFound => ApiError::not_found("not found"),
            DbError::Exists => ApiError::conflict("it exists already").field("name"),
            DbError::Conflict { current } => {
                let mut x = ApiError::conflict(format!(
                    "the resource was edited meanwhile: its version is now {current}; fetch it, reapply your change and send that version"
                ))
                .field("version");
                x.body.current_version = Some(current);
                x
            }
            other => ApiError::internal(other),
        }
    }
}
