//! The dashboard: `GET /` and `GET /assets/{file}`, every file compiled into the binary
//! (`include_str!`), so nothing is fetched from anywhere else and no request path reaches
//! the file system (a name is looked up in the fixed table below). Plain ES modules, no
//! build step. The map and charts are SVG drawn by `corridor_report` (`/api/svg/*`).

use crate::AppState;
use axum::Router;
use axum::extract::Path;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};

/// Every asset: (name under /assets/, content type, text).
pub const ASSETS: &[(&str, &str, &str)] = &[
    (
        "style.css",
        "text/css; charset=utf-8",
        include_str!("../assets/style.css"),
    ),
    (
        "js/app.js",
        "text/javascript; charset=utf-8",
        include_str!("../assets/js/app.js"),
    ),
    (
        "js/api.js",
        "text/javascript; charset=utf-8",
        include_str!("../assets/js/api.js"),
    ),
    (
        "js/linked.js",
        "text/javascript; charset=utf-8",
        include_str!("../assets/js/linked.js"),
    ),
    (
        "js/map.js",
        "text/javascript; charset=utf-8",
        include_str!("../assets/js/map.js"),
    ),
    (
        "js/route.js",
        "text/javascript; charset=utf-8",
        include_str!("../assets/js/route.js"),
    ),
    (
        "js/scenario.js",
        "text/javascript; charset=utf-8",
        include_str!("../assets/js/scenario.js"),
    ),
    (
        "js/editor.js",
        "text/javascript; charset=utf-8",
        include_str!("../assets/js/editor.js"),
    ),
];

/// The page.
pub const INDEX: &str = include_str!("../assets/index.html");

/// Only this origin's scripts, styles, images and connections.
const CSP: &str = "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

fn page(content_type: &str, body: &'static str) -> Response {
    let mut r = ([(header::CONTENT_TYPE, content_type.to_string())], body).into_response();
    let h = r.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CSP),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    r
}

async fn index() -> Response {
    page("text/html; charset=utf-8", INDEX)
}

async fn asset(Path(name): Path<String>) -> Response {
    match ASSETS.iter().find(|(n, ..)| *n == name) {
        Some((_, ct, body)) => page(ct, body),
        None => crate::error::ApiError::not_found(format!(
            "no asset `{}`",
            corridor_model::diag::printable(&name)
        ))
        .into_response(),
    }
}

/// The dashboard's routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", axum::routing::get(index))
        .route("/assets/{*name}", axum::routing::get(asset))
}

/// The size of every asset, bytes (the page included).
pub fn total_bytes() -> usize {
    INDEX.len() + ASSETS.iter().map(|(_, _, b)| b.len()).sum::<usize>()
}
