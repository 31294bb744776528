//! Request bodies read into the API's error type: a body over the limit is 413, a wrong
//! content type 415, malformed JSON 400 (with its line and column), a value of the wrong
//! type or an unknown key 422 naming the field (`avoid_country[1]`).

use crate::error::ApiError;
use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::{StatusCode, header};
use serde::de::DeserializeOwned;

/// A JSON body deserialised with the field of any error.
pub struct ApiJson<T>(pub T);

/// The body's bytes, the size limit turned into a 413 with the limit.
pub async fn body_bytes<S: Send + Sync>(req: Request, state: &S) -> Result<Bytes, ApiError> {
    Bytes::from_request(req, state).await.map_err(|e| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "the request body is larger than the server accepts",
            )
        } else {
            ApiError::bad_request("the request body could not be read")
        }
    })
}

/// The media type of a request, lower case, without parameters.
pub fn media_type(req: &Request) -> String {
    req.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| {
            v.split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase()
        })
        .unwrap_or_default()
}

/// Deserialise JSON bytes, naming the field of a type error.
pub fn from_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let de = &mut serde_json::Deserializer::from_slice(bytes);
    serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        if inner.is_data() {
            let field = if path == "." { String::new() } else { path };
            // serde's message ends with the position; the field says where.
            let msg = inner.to_string();
            let msg = msg
                .rsplit_once(" at line ")
                .map(|(m, _)| m.to_string())
                .unwrap_or(msg);
            let mut err = ApiError::invalid(field.clone(), msg);
            if field.is_empty() {
                err.body.field = None;
            }
            err
        } else {
            ApiError::bad_request(format!(
                "malformed JSON at line {} column {}: {}",
                inner.line(),
                inner.column(),
                match inner.classify() {
                    serde_json::error::Category::Eof => "the body ends too early".to_string(),
                    _ => inner
                        .to_string()
                        .rsplit_once(" at line ")
                        .map(|(m, _)| m.to_string())
                        .unwrap_or_default(),
                }
            ))
        }
    })
}

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        if media_type(&req) != "application/json" {
            return Err(ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "the body must be JSON: send `Content-Type: application/json`",
            ));
        }
        let bytes = body_bytes(req, state).await?;
        Ok(ApiJson(from_json(&bytes)?))
    }
}
