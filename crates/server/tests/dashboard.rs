//! The dashboard's assets and the drawings: every asset served from the binary with its
//! type and a closed content-security policy, no reference to another origin in any of
//! them, the total under 1.5 MB; the map and the charts of finished jobs as SVG, with the
//! data attributes the dashboard's script uses; errors for unknown charts, views and jobs.

mod common;
use axum::http::StatusCode;
use common::*;
use corridor_server::Limits;
use corridor_server::dashboard::{ASSETS, INDEX, total_bytes};

#[tokio::test]
async fn every_asset_is_served_from_the_binary() {
    let s = state(Limits::default());
    let page = get(&s, "/").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    let csp = page.headers["content-security-policy"].to_str().unwrap();
    assert!(csp.contains("default-src 'self'"), "{csp}");
    for (name, ct, body) in ASSETS {
        let a = get(&s, &format!("/assets/{name}")).await;
        assert_eq!(a.status, StatusCode::OK, "{name}");
        assert_eq!(a.headers["content-type"].to_str().unwrap(), *ct);
        assert_eq!(a.text, *body);
        assert!(!body.is_empty(), "{name}");
    }
    assert_eq!(
        get(&s, "/assets/../Cargo.toml").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        get(&s, "/assets/js/nope.js").await.status,
        StatusCode::NOT_FOUND
    );
    assert!(
        total_bytes() < 1_500_000,
        "{} bytes of assets",
        total_bytes()
    );
}

#[test]
fn no_asset_refers_to_another_origin() {
    for (name, _, body) in ASSETS.iter().chain([&("index.html", "", INDEX)]) {
        for (i, _) in body.match_indices("http") {
            let around = &body[i..(i + 40).min(body.len())];
            // The SVG namespace names a vocabulary; it is never fetched.
            assert!(
                around.starts_with("http://www.w3.org/2000/svg"),
                "{name} refers to {around}"
            );
        }
        assert!(
            !body.contains("//cdn") && !body.contains("@import"),
            "{name}"
        );
    }
}

#[tokio::test]
async fn the_network_map_carries_data_attributes() {
    let s = state(Limits::default());
    for view in ["eurasia", "middle"] {
        let m = get(&s, &format!("/api/svg/map?view={view}")).await;
        assert_eq!(m.status, StatusCode::OK);
        assert!(
            m.headers["content-type"]
                .to_str()
                .unwrap()
                .starts_with("image/svg+xml")
        );
        assert!(m.text.starts_with("<svg"));
        assert!(m.text.contains(r#"data-link="L-XIAN-URUMQI""#));
        assert!(m.text.contains(r#"data-node="AZ-ALAT""#));
        assert!(m.text.contains("data-corridors=\"middle_btk"));
        assert!(m.text.contains(r#"data-country="Kazakhstan""#));
        assert!(m.text.contains("data-passages=\"malacca"));
    }
    let bad = get(&s, "/api/svg/map?view=moon").await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(bad.json["field"], "view");
    assert_eq!(
        get(&s, "/api/svg/map?job=999").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        get(&s, "/api/svg/map?job=-1").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        get(&s, "/api/svg/chart/transit").await.status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(
        get(&s, "/api/svg/chart/pie?job=1").await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn a_run_and_a_comparison_are_drawn() {
    let s = state(Limits::default());
    let run = post(
        &s,
        "/api/scenario-runs",
        r#"{"scenario": "middle-corridor-2030", "years": [2026, 2027], "replications": 2}"#,
    )
    .await;
    assert_eq!(run.status, StatusCode::ACCEPTED, "{}", run.text);
    let id = run.json["id"].as_i64().unwrap();
    wait(&s, id).await;
    let m = get(&s, &format!("/api/svg/map?job={id}&year=2026")).await;
    assert_eq!(m.status, StatusCode::OK, "{}", m.text);
    assert!(m.text.contains("middle-corridor-2030 in 2026"));
    assert!(m.text.contains("TEU a year"));
    assert_eq!(
        get(&s, &format!("/api/svg/map?job={id}&year=1999"))
            .await
            .status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    for (kind, attr) in [
        ("transit", "data-corridor"),
        ("backlog", "data-scenario"),
        ("bottlenecks", "data-"),
        ("pipeline", "data-project"),
    ] {
        let c = get(&s, &format!("/api/svg/chart/{kind}?job={id}")).await;
        assert_eq!(c.status, StatusCode::OK, "{kind}: {}", c.text);
        assert!(c.text.contains(attr), "{kind}");
    }
    assert_eq!(
        get(&s, &format!("/api/svg/chart/deltas?job={id}"))
            .await
            .status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    let cmp = post(&s, "/api/scenario-comparisons", r#"{"a": "baseline", "b": "northern-route-closed", "years": [2026, 2026], "replications": 2, "attribute": false}"#).await;
    assert_eq!(cmp.status, StatusCode::ACCEPTED, "{}", cmp.text);
    let cid = cmp.json["id"].as_i64().unwrap();
    wait(&s, cid).await;
    let m = get(&s, &format!("/api/svg/map?job={cid}")).await;
    assert!(
        m.text
            .contains("northern-route-closed against baseline in 2026"),
        "{}",
        &m.text[..300]
    );
    // The closure moves cargo: some link carries more in B (blue), some less (red).
    assert!(m.text.contains(r##"stroke="#2166ac""##) && m.text.contains(r##"stroke="#b2182b""##));
    let d = get(&s, &format!("/api/svg/chart/deltas?job={cid}")).await;
    assert_eq!(d.status, StatusCode::OK);
    assert!(d.text.contains(r#"class="bar" data-corridor="northern""#));
}

#[tokio::test]
async fn a_simulation_is_drawn_with_every_link_flow() {
    let s = state(Limits::default());
    let job = post(
        &s,
        "/api/simulations",
        r#"{"days": 30, "warmup_days": 5, "replications": 1}"#,
    )
    .await;
    assert_eq!(job.status, StatusCode::ACCEPTED, "{}", job.text);
    let id = job.json["id"].as_i64().unwrap();
    wait(&s, id).await;
    let m = get(&s, &format!("/api/svg/map?job={id}")).await;
    assert_eq!(m.status, StatusCode::OK, "{}", m.text);
    assert!(
        m.text.contains("TEU in the 30 simulated days"),
        "link flows in the tooltips"
    );
    for kind in ["bottlenecks", "backlog"] {
        let c = get(&s, &format!("/api/svg/chart/{kind}?job={id}")).await;
        assert_eq!(c.status, StatusCode::OK, "{kind}: {}", c.text);
    }
    assert_eq!(
        get(&s, &format!("/api/svg/chart/pipeline?job={id}"))
            .await
            .status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
}
