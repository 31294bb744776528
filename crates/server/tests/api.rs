//! Every endpoint, through the router in process: exact statuses and body fields.

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use common::*;
use corridor_server::Limits;

const XIAN_DUISBURG: &str = r#"{"from": "Xian", "to": "Duisburg", "date": "2026-03-03", "teu": 2}"#;

#[tokio::test]
async fn health_and_network_geojson() {
    let s = state(Limits::default());
    let h = get(&s, "/api/health").await;
    assert_eq!(h.status, StatusCode::OK);
    assert_eq!(h.json["version"], corridor_server::VERSION);
    assert_eq!(h.json["dataset_hash"].as_str().unwrap().len(), 64);
    assert_eq!(h.json["token_required"], false);
    assert_eq!(h.json["schema_version"], 1);
    let n = get(&s, "/api/network").await;
    assert_eq!(n.status, StatusCode::OK);
    assert_eq!(n.headers[header::CONTENT_TYPE], "application/geo+json");
    assert_eq!(n.json["type"], "FeatureCollection");
    let f = n.json["features"].as_array().unwrap();
    let links: Vec<_> = f
        .iter()
        .filter(|x| x["properties"]["feature"] == "link")
        .collect();
    let nodes = f
        .iter()
        .filter(|x| x["properties"]["feature"] == "node")
        .count();
    assert_eq!(nodes, h.json["nodes"].as_u64().unwrap() as usize);
    assert_eq!(links.len(), h.json["links"].as_u64().unwrap() as usize);
    for p in ["mode", "corridors", "capacity"] {
        assert!(links[0]["properties"].get(p).is_some(), "links have `{p}`");
    }
}

#[tokio::test]
async fn route_and_compare() {
    let s = state(Limits::default());
    let r = post(&s, "/api/route", XIAN_DUISBURG).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.json["schema"], "corridor.route");
    assert_eq!(r.json["shipment"]["from"], "CN-XIAN");
    assert_eq!(r.json["shipment"]["teu"], 2.0);
    assert!(!r.json["routes"].as_array().unwrap().is_empty());
    assert!(r.json["no_route"].is_null());
    let c = post(&s, "/api/compare", XIAN_DUISBURG).await;
    assert_eq!(c.status, StatusCode::OK);
    assert_eq!(c.json["schema"], "corridor.compare");
    let rows = c.json["rows"].as_array().unwrap();
    assert_eq!(rows.len(), s.base().net.corridors.len());
    assert!(
        rows.iter()
            .any(|r| r["corridor"] == "middle_btk" && r["available"] == true)
    );
    // An avoided country no link crosses is a warning, as in the CLI.
    let w = post(
        &s,
        "/api/compare",
        r#"{"from": "Xian", "to": "Duisburg", "date": "2026-03-03", "avoid_country": ["JP"]}"#,
    )
    .await;
    assert_eq!(w.status, StatusCode::OK);
    assert!(w.json["warnings"][0].as_str().unwrap().contains("JP"));
}

#[tokio::test]
async fn unknown_places_are_404_at_their_field_with_the_clis_suggestion() {
    let s = state(Limits::default());
    let r = post(
        &s,
        "/api/route",
        r#"{"from": "Duisberg", "to": "Xian", "date": "2026-03-03"}"#,
    )
    .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(r.json["field"], "from");
    let net = &s.base().net;
    let cli = corridor_route::names::find_node(net, "Duisberg")
        .unwrap_err()
        .to_string();
    assert_eq!(r.json["error"], cli);
    let r = post(
        &s,
        "/api/compare",
        r#"{"from": "Xian", "to": "Duisburg", "date": "2026-03-03", "via": ["Alat", "Nowhere"]}"#,
    )
    .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(r.json["field"], "via[1]");
    let r = post(
        &s,
        "/api/route",
        r#"{"from": "Xian", "to": "Duisburg", "date": "2026-03-03", "avoid_passage": ["suezz"]}"#,
    )
    .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(r.json["field"], "avoid_passage[0]");
}

#[tokio::test]
async fn malformed_and_invalid_bodies() {
    let s = state(Limits::default());
    let r = post(&s, "/api/route", r#"{"from": "Xian", "#).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(
        r.json["error"]
            .as_str()
            .unwrap()
            .starts_with("malformed JSON at line 1")
    );
    assert!(r.json["field"].is_null());
    let r = post(
        &s,
        "/api/route",
        r#"{"from": "Xian", "to": "Duisburg", "date": "2026-03-03", "teu": "two"}"#,
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.json["field"], "teu");
    let r = post(
        &s,
        "/api/route",
        r#"{"from": "Xian", "to": "Duisburg", "date": "2026-03-03", "teu": 1e9}"#,
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.json["field"], "teu");
    assert!(r.json["error"].as_str().unwrap().contains("at most 25000"));
    let r = post(
        &s,
        "/api/route",
        r#"{"from": "Xian", "to": "Duisburg", "date": "2026-02-30"}"#,
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.json["field"], "date");
    let r = post(
        &s,
        "/api/route",
        r#"{"from": "Xian", "to": "Duisburg", "date": "2026-03-03", "colour": 1}"#,
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.json["error"]
            .as_str()
            .unwrap()
            .contains("unknown field `colour`")
    );
    let r = post(
        &s,
        "/api/route",
        r#"{"from": "Xian", "to": "Duisburg", "date": "2026-03-03", "samples": 100000000}"#,
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.json["field"], "samples");
    let r = post(&s, "/api/route", r#"{"from": "Xian", "to": "Duisburg", "date": "2026-03-03", "avoid_country": ["RU", "XX"]}"#).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.json["field"], "avoid_country[1]");
    let plain = Request::post("/api/route")
        .header(header::CONTENT_TYPE, "text/plain")
        .body(Body::from(XIAN_DUISBURG))
        .unwrap();
    let r = send(&s, plain).await;
    assert_eq!(r.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
}

#[tokio::test]
async fn oversized_bodies_long_queries_and_unknown_paths() {
    let s = state(Limits {
        body_bytes: 1024,
        ..Limits::default()
    });
    let big = format!(
        r#"{{"from": "Xian", "to": "Duisburg", "date": "2026-03-03", "time": "{}"}}"#,
        "0".repeat(4096)
    );
    let r = post(&s, "/api/route", &big).await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(
        r.json["error"],
        "the request body is larger than the server accepts"
    );
    let r = send(
        &s,
        toml_req("POST", "/api/scenarios/validate", &"#".repeat(4096)),
    )
    .await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
    let r = get(&s, &format!("/api/jobs?x={}", "a".repeat(5000))).await;
    assert_eq!(r.status, StatusCode::URI_TOO_LONG);
    let r = get(&s, "/api/nothing").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(
        r.json["error"]
            .as_str()
            .unwrap()
            .contains("/api/openapi.json")
    );
}

#[tokio::test]
async fn capacity_saturation_and_assignment() {
    let s = state(Limits::default());
    let c = post(&s, "/api/capacity", "{}").await;
    assert_eq!(c.status, StatusCode::OK, "{}", c.text);
    assert_eq!(c.json["schema"], "corridor.capacity");
    assert!(
        c.json["capacity"]["cuts"][0]["bottlenecks"]
            .as_array()
            .is_some_and(|b| !b.is_empty())
    );
    assert_eq!(
        c.json["corridors"].as_array().unwrap().len(),
        s.base().net.corridors.len()
    );
    let c = post(&s, "/api/capacity", r#"{"from": "CN", "to": "Atlantis"}"#).await;
    assert_eq!(c.status, StatusCode::NOT_FOUND);
    assert_eq!(c.json["field"], "to");
    let c = post(&s, "/api/capacity", r#"{"corridor": "middle_btkk"}"#).await;
    assert_eq!(c.status, StatusCode::NOT_FOUND);
    assert_eq!(c.json["field"], "corridor");
    let c = post(&s, "/api/capacity", r#"{"cuts": 0}"#).await;
    assert_eq!(c.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(c.json["field"], "cuts");
    let a = post(&s, "/api/assign", r#"{"gap": 1e-4}"#).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    assert_eq!(a.json["schema"], "corridor.assignment");
    assert!(a.json["assignment"]["relative_gap"].as_f64().unwrap() <= 1e-4);
    let a = post(&s, "/api/assign", r#"{"select_link": "L-NOWHERE"}"#).await;
    assert_eq!(a.status, StatusCode::NOT_FOUND);
    assert_eq!(a.json["field"], "select_link");
    let a = post(&s, "/api/assign", r#"{"gap": 2}"#).await;
    assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(a.json["field"], "gap");
    let sat = post(
        &s,
        "/api/capacity/saturation",
        r#"{"scenario": "baseline", "draws": 2}"#,
    )
    .await;
    assert_eq!(sat.status, StatusCode::OK, "{}", sat.text);
    assert_eq!(sat.json["schema"], "corridor.saturation");
    let sat = post(&s, "/api/capacity/saturation", r#"{"scenario": "basline"}"#).await;
    assert_eq!(sat.status, StatusCode::NOT_FOUND);
    assert_eq!(sat.json["field"], "scenario");
    assert!(
        sat.json["error"]
            .as_str()
            .unwrap()
            .contains("did you mean `baseline`")
    );
}

#[tokio::test]
async fn openapi_documents_every_endpoint() {
    let s = state(Limits::default());
    let d = get(&s, "/api/openapi.json").await;
    assert_eq!(d.status, StatusCode::OK);
    assert!(d.json["openapi"].as_str().unwrap().starts_with("3."));
    let paths = d.json["paths"].as_object().unwrap();
    let expected = [
        ("/api/health", "get"),
        ("/api/network", "get"),
        ("/api/route", "post"),
        ("/api/compare", "post"),
        ("/api/scenarios", "get"),
        ("/api/scenarios", "post"),
        ("/api/scenarios/validate", "post"),
        ("/api/scenarios/{name}", "get"),
        ("/api/scenarios/{name}", "put"),
        ("/api/scenarios/{name}", "delete"),
        ("/api/simulations", "post"),
        ("/api/scenario-runs", "post"),
        ("/api/scenario-comparisons", "post"),
        ("/api/jobs", "get"),
        ("/api/jobs/{id}", "get"),
        ("/api/jobs/{id}", "delete"),
        ("/api/jobs/{id}/result", "get"),
        ("/api/jobs/{id}/events", "get"),
        ("/api/capacity", "post"),
        ("/api/capacity/saturation", "post"),
        ("/api/assign", "post"),
        ("/api/svg/map", "get"),
        ("/api/svg/chart/{kind}", "get"),
    ];
    for (p, m) in expected {
        assert!(
            paths.get(p).and_then(|x| x.get(m)).is_some(),
            "{m} {p} documented"
        );
    }
    let documented: usize = paths.values().map(|v| v.as_object().unwrap().len()).sum();
    assert_eq!(
        documented,
        expected.len(),
        "no undocumented extras: {:?}",
        paths.keys()
    );
    assert!(d.json["components"]["schemas"]["ErrorBody"].is_object());
    assert!(d.json["components"]["schemas"]["ShipmentRequest"].is_object());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn computations_past_the_limit_wait_their_turn_instead_of_failing() {
    // One computation at a time, eight route queries at once: all are answered (a burst
    // queues for up to COMPUTE_WAIT; before, seven of them got 503 at once).
    let s = state(Limits {
        computations: 1,
        ..Limits::default()
    });
    let body =
        r#"{"from": "Xian", "to": "Duisburg", "date": "2026-03-03", "teu": 2, "samples": 2000}"#;
    let answers = futures_join(
        (0..8)
            .map(|_| {
                let s = s.clone();
                tokio::spawn(async move { post(&s, "/api/route", body).await.status })
            })
            .collect(),
    )
    .await;
    assert_eq!(answers, vec![StatusCode::OK; 8]);
}

async fn futures_join(handles: Vec<tokio::task::JoinHandle<StatusCode>>) -> Vec<StatusCode> {
    let mut out = Vec::new();
    for h in handles {
        out.push(h.await.unwrap());
    }
    out
}

/// The route answer, written straight from typed values, holds exactly the library's routes
/// as JSON (what the intermediate `serde_json::Value` used to hold).
#[tokio::test]
async fn the_route_answer_is_the_librarys_routes_as_json() {
    use corridor_route::{graph::Graph, names::find_node, options, plan, search, time::Instant};
    let s = state(Limits::default());
    let body =
        r#"{"from": "Xian", "to": "Duisburg", "date": "2026-03-03", "teu": 2, "samples": 50}"#;
    let r = post(&s, "/api/route", body).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.headers[header::CONTENT_TYPE], "application/json");
    let net = &s.base().net;
    let shipment = search::Shipment {
        from: find_node(net, "Xian").unwrap(),
        to: find_node(net, "Duisburg").unwrap(),
        ready: Instant::parse("2026-03-03", Some("00:00")).unwrap().0,
        teu: 2.0,
    };
    let sampling = plan::Sampling {
        samples: 50,
        seed: 20_260_303,
    };
    let weights = options::prefer("balanced").unwrap();
    let c = search::Constraints::default();
    let routes = plan::plan(&Graph::new(net), &shipment, &c, weights, sampling).unwrap();
    assert_eq!(r.json["routes"], serde_json::to_value(&routes).unwrap());
    assert_eq!(
        r.json["shipment"]["weights"],
        serde_json::to_value(weights).unwrap()
    );
    assert_eq!(r.json["shipment"]["ready"], "2026-03-03T00:00Z");
    let keys: Vec<_> = r.json.as_object().unwrap().keys().cloned().collect();
    let want = [
        "no_route",
        "routes",
        "schema",
        "schema_version",
        "shipment",
        "warnings",
    ];
    assert_eq!(keys, want);
}
