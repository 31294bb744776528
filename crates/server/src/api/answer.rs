//! A JSON answer serialised straight from its typed value into the body, on the thread that
//! computed it: no intermediate `serde_json::Value` (for an 18 KB route answer that tree was
//! the server's largest cost under load: building, writing and freeing it).

use crate::error::ApiError;
use axum::body::Bytes;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

/// A JSON body already written (`content-type: application/json`, as `axum::Json`).
pub struct JsonBody(Bytes);

impl JsonBody {
    /// `v` as compact JSON; `capacity` is the expected size in bytes (one allocation when
    /// it suffices).
    pub fn of<T: Serialize + ?Sized>(v: &T, capacity: usize) -> Result<JsonBody, ApiError> {
        let mut buf = Vec::with_capacity(capacity);
        serde_json::to_writer(&mut buf, v)
            .map_err(|e| ApiError::internal(format!("cannot write the answer's JSON: {e}")))?;
        Ok(JsonBody(buf.into()))
    }
}

impl IntoResponse for JsonBody {
    fn into_response(self) -> Response {
        (
            [(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            )],
            self.0,
        )
            .into_response()
    }
}
