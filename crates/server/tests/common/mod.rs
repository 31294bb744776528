//! The API called in process: `app(state)` with `oneshot`, no socket.

#![allow(dead_code)]

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use corridor_server::base::Base;
use corridor_server::db::Db;
use corridor_server::security::Security;
use corridor_server::{AppState, Limits, app};
use http_body_util::BodyExt;
use serde_json::Value;
use std::sync::OnceLock;
use tower::ServiceExt;

/// The embedded base, loaded once for every test.
pub fn base() -> Base {
    static BASE: OnceLock<Base> = OnceLock::new();
    BASE.get_or_init(|| Base::load(None).expect("the embedded dataset loads"))
        .clone()
}

/// A state on loopback with an in-memory database.
pub fn state(limits: Limits) -> AppState {
    let sec = Security::new("127.0.0.1:8080".parse().unwrap(), None).unwrap();
    AppState::new(base(), Db::memory().unwrap(), sec, limits).unwrap()
}

/// A state that needs the token (bound to every address).
pub fn public_state(token: &str) -> AppState {
    let sec = Security::new("0.0.0.0:8080".parse().unwrap(), Some(token.into())).unwrap();
    AppState::new(base(), Db::memory().unwrap(), sec, Limits::default()).unwrap()
}

/// An answer: status, headers and the body (JSON when it parses, else a string).
pub struct Answer {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub text: String,
    pub json: Value,
}

/// Send a request.
pub async fn send(s: &AppState, req: Request<Body>) -> Answer {
    let res = app(s.clone()).oneshot(req).await.unwrap();
    let status = res.status();
    let headers = res.headers().clone();
    let bytes = res.into_body().collect().await.unwrap().to_bytes();
    let text = String::from_utf8_lossy(&bytes).to_string();
    let json = serde_json::from_str(&text).unwrap_or(Value::String(text.clone()));
    Answer {
        status,
        headers,
        text,
        json,
    }
}

pub async fn get(s: &AppState, path: &str) -> Answer {
    send(s, Request::get(path).body(Body::empty()).unwrap()).await
}

pub fn json_req(method: &str, path: &str, body: &str) -> Request<Body> {
    Request::builder()
        .method(method)
        .uri(path)
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body.to_string()))
        .unwrap()
}

pub async fn post(s: &AppState, path: &str, body: &str) -> Answer {
    send(s, json_req("POST", path, body)).await
}

pub fn toml_req(method: &str, path: &str, body: &str) -> Request<Body> {
    Request::builder()
        .method(method)
        .uri(path)
        .header(header::CONTENT_TYPE, "application/toml")
        .body(Body::from(body.to_string()))
        .unwrap()
}

/// A small valid scenario: the base network and demand, one year.
pub fn scenario(name: &str, title: &str) -> String {
    format!(
        "name = \"{name}\"\ntitle = \"{title}\"\nyears = [2025, 2025]\n\n[demand]\ntable = \"embedded\"\nbase_year = 2024\n\n[run]\nreplications = 1\nseed = 7\nwarmup_days = 10\n"
    )
}

/// Poll a job until it is over; its status.
pub async fn wait(s: &AppState, id: i64) -> Value {
    for _ in 0..600 {
        let a = get(s, &format!("/api/jobs/{id}")).await;
        assert_eq!(a.status, StatusCode::OK, "{}", a.text);
        let st = a.json["state"].as_str().unwrap().to_string();
        if !matches!(st.as_str(), "queued" | "running") {
            return a.json;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("job {id} did not finish in 60 s");
}
