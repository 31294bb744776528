//! Who may write. Bound to loopback, anyone who can reach the port may; bound to any other
//! address, every write and job submission needs the access token (`Authorization: Bearer
//! TOKEN`), compared in constant time. The token comes from the environment
//! (`CORRIDOR_TOKEN`) or a file, never from the command line, where `ps` would show it.
//! A write that a browser sends from another site's page (its `Origin` is not this
//! server) is refused too: CORS stays closed.

use crate::AppState;
use crate::error::ApiError;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use std::net::SocketAddr;
use std::path::Path;

/// The environment variable holding the token.
pub const TOKEN_ENV: &str = "CORRIDOR_TOKEN";

/// Shortest token accepted: guessing one is hopeless.
pub const MIN_TOKEN_LEN: usize = 16;

/// The access rule of a running server.
#[derive(Clone)]
pub struct Security {
    token: Option<Vec<u8>>,
    required: bool,
}

impl std::fmt::Debug for Security {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the token itself.
        f.debug_struct("Security")
            .field("token", &self.token.as_ref().map(|_| "<set>"))
            .field("required", &self.required)
            .finish()
    }
}

/// Why the server cannot start with this access configuration.
#[derive(Debug, thiserror::Error)]
pub enum SecurityError {
    /// A non-loopback bind without a token.
    #[error(
        "binding to {0}, which is not a loopback address, needs an access token: set {TOKEN_ENV} or pass --token-file FILE"
    )]
    TokenRequired(SocketAddr),
    /// The token is too short.
    #[error("the access token must have at least {MIN_TOKEN_LEN} characters")]
    TooShort,
    /// The token file cannot be read.
    #[error("cannot read the token file `{path}`: {error}")]
    File {
        /// The file.
        path: String,
        /// Why.
        error: std::io::Error,
    },
}

/// The token: from `file` if given, else from the environment's `CORRIDOR_TOKEN`; trailing
/// white space (a file's final newline) is not part of it.
pub fn token_from(
    env: Option<String>,
    file: Option<&Path>,
) -> Result<Option<String>, SecurityError> {
    let raw = match file {
        Some(p) => Some(
            std::fs::read_to_string(p).map_err(|error| SecurityError::File {
                path: p.display().to_string(),
                error,
            })?,
        ),
        None => env,
    };
    Ok(raw
        .map(|t| t.trim_end().to_string())
        .filter(|t| !t.is_empty()))
}

impl Security {
    /// The rule for a server bound to `bind` with `token`: loopback needs none (a token
    /// given is still checked), any other address needs one.
    pub fn new(bind: SocketAddr, token: Option<String>) -> Result<Security, SecurityError> {
        let required = !bind.ip().is_loopback();
        match &token {
            None if required => return Err(SecurityError::TokenRequired(bind)),
            Some(t) if t.len() < MIN_TOKEN_LEN => return Err(SecurityError::TooShort),
            _ => {}
        }
        Ok(Security {
            required: required || token.is_some(),
            token: token.map(String::into_bytes),
        })
    }

    /// Whether writes need the token.
    pub fn required(&self) -> bool {
        self.required
    }

    fn check(&self, parts: &Parts) -> Result<(), ApiError> {
        cross_site(parts)?;
        let Some(token) = &self.token else {
            return Ok(());
        };
        let given = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim);
        match given {
            Some(g) if constant_time_eq(g.as_bytes(), token) => Ok(()),
            Some(_) => Err(ApiError::new(
                StatusCode::UNAUTHORIZED,
                "the access token is wrong",
            )
            .field("authorization")),
            None => Err(ApiError::new(
                StatusCode::UNAUTHORIZED,
                "this server needs an access token for writes and jobs: send `Authorization: Bearer TOKEN`",
            )
            .field("authorization")),
        }
    }
}

/// Refuse a request whose `Origin` is not this server's `Host`: a page of another site.
fn cross_site(parts: &Parts) -> Result<(), ApiError> {
    let Some(origin) = parts.headers.get(header::ORIGIN) else {
        return Ok(());
    };
    let host = parts
        .headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok());
    let origin_host = origin
        .to_str()
        .ok()
        .and_then(|o| o.split_once("://"))
        .map(|(_, h)| h.trim_end_matches('/'));
    match (origin_host, host) {
        (Some(o), Some(h)) if o.eq_ignore_ascii_case(h) => Ok(()),
        _ => Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "cross-origin writes are refused (CORS is closed)",
        )
        .field("origin")),
    }
}

/// Equal bytes, in a time that depends on the lengths only.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    let mut diff = (a.len() ^ b.len()) as u64;
    for i in 0..a.len().max(b.len()) {
        let x = a.get(i).copied().unwrap_or(0);
        let y = b.get(i).copied().unwrap_or(0xff);
        diff |= u64::from(x ^ y);
    }
    std::hint::black_box(diff) == 0
}

/// Proof that the request may write: take it as a handler argument.
pub struct Authorized;

impl FromRequestParts<AppState> for Authorized {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        state.security().check(parts)?;
        Ok(Authorized)
    }
}

/// The client a request comes from (its IP address), for the per-client job cap.
pub struct Client(pub String);

impl<S: Send + Sync> FromRequestParts<S> for Client {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiError> {
        Ok(Client(
            parts
                .extensions
                .get::<axum::extract::ConnectInfo<SocketAddr>>()
                .map(|c| c.0.ip().to_string())
                .unwrap_or_else(|| "local".to_string()),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens() {
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"abcd"));
        assert!(!constant_time_eq(b"", b"a"));
        let public: SocketAddr = "0.0.0.0:8080".parse().unwrap();
        let local: SocketAddr = "127.0.0.1:8080".parse().unwrap();
        assert!(matches!(
            Security::new(public, None),
            Err(SecurityError::TokenRequired(_))
        ));
        assert!(matches!(
            Security::new(public, Some("short".into())),
            Err(SecurityError::TooShort)
        ));
        assert!(!Security::new(local, None).unwrap().required());
        assert!(
            Security::new(public, Some("0123456789abcdef".into()))
                .unwrap()
                .required()
        );
        assert_eq!(
            token_from(Some("0123456789abcdef\n".into()), None).unwrap(),
            Some("0123456789abcdef".into())
        );
        assert_eq!(token_from(Some("  \n".into()), None).unwrap(), None);
    }
}
