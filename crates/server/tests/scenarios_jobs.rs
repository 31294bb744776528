//! Scenarios (embedded and saved, versioned edits), jobs (submit, progress, SSE, cancel,
//! results, caps) and the access token, through the router in process.

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use common::*;
use corridor_server::Limits;
use corridor_server::jobs::JobLimits;

#[tokio::test]
async fn embedded_scenarios_list_show_validate() {
    let s = state(Limits::default());
    let l = get(&s, "/api/scenarios").await;
    assert_eq!(l.status, StatusCode::OK);
    let names: Vec<&str> = l
        .json
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["name"].as_str().unwrap())
        .collect();
    assert!(names.contains(&"baseline") && names.contains(&"middle-corridor-2030"));
    assert_eq!(l.json[0]["source"], "embedded");
    let b = get(&s, "/api/scenarios/baseline").await;
    assert_eq!(b.status, StatusCode::OK, "{}", b.text);
    assert_eq!(b.json["schema"], "corridor.scenario");
    assert_eq!(b.json["years"], serde_json::json!([2025, 2035]));
    assert_eq!(b.json["source"], "embedded");
    let u = get(&s, "/api/scenarios/red-sea").await;
    assert_eq!(u.status, StatusCode::NOT_FOUND);
    assert_eq!(u.json["field"], "name");
    let v = send(
        &s,
        toml_req("POST", "/api/scenarios/validate", &scenario("mine", "Mine")),
    )
    .await;
    assert_eq!(v.status, StatusCode::OK, "{}", v.text);
    assert_eq!(v.json["valid"], true);
    assert_eq!(v.json["name"], "mine");
    assert!(v.json["networks"].as_u64().unwrap() >= 1);
    // An unknown key: the CLI's message, at its line.
    let bad = "name = \"x\"\ntitle = \"t\"\nyears = [2025, 2026]\nbogus = 3\n";
    let v = send(&s, toml_req("POST", "/api/scenarios/validate", bad)).await;
    assert_eq!(v.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(v.json["line"], 4);
    assert_eq!(v.json["problems"][0]["file"], "<request>");
    assert!(
        v.json["problems"][0]["message"]
            .as_str()
            .unwrap()
            .contains("unknown field `bogus`")
    );
    // A demand table by path never reaches the file system.
    let path = scenario("p", "P").replace("table = \"embedded\"", "table = \"/etc/passwd\"");
    let v = post(
        &s,
        "/api/scenarios/validate",
        &serde_json::json!({"toml": path}).to_string(),
    )
    .await;
    assert_eq!(v.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", v.text);
    assert!(v.json["line"].as_u64().is_some());
    // The JSON form of a scenario.
    let j = serde_json::json!({"scenario": {"name": "j", "title": "J", "years": [2025, 2025],
        "demand": {"table": "embedded", "base_year": 2024}}});
    let v = post(&s, "/api/scenarios/validate", &j.to_string()).await;
    assert_eq!(v.status, StatusCode::OK, "{}", v.text);
    let v = post(
        &s,
        "/api/scenarios/validate",
        r#"{"toml": "name = 1", "scenario": {}}"#,
    )
    .await;
    assert_eq!(v.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(v.json["field"], "toml");
}

#[tokio::test]
async fn saved_scenarios_versions_and_conflicts() {
    let s = state(Limits::default());
    let c = send(
        &s,
        toml_req("POST", "/api/scenarios", &scenario("mine", "First")),
    )
    .await;
    assert_eq!(c.status, StatusCode::CREATED, "{}", c.text);
    assert_eq!(c.headers[header::LOCATION], "/api/scenarios/mine");
    assert_eq!(c.json["version"], 1);
    let again = send(
        &s,
        toml_req("POST", "/api/scenarios", &scenario("mine", "Again")),
    )
    .await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    assert_eq!(again.json["field"], "name");
    let emb = send(
        &s,
        toml_req("POST", "/api/scenarios", &scenario("baseline", "Mine")),
    )
    .await;
    assert_eq!(emb.status, StatusCode::CONFLICT);
    assert_eq!(emb.json["field"], "name");
    let shown = get(&s, "/api/scenarios/mine").await;
    assert_eq!(shown.json["source"], "saved");
    assert_eq!(shown.json["version"], 1);
    assert_eq!(shown.json["title"], "First");
    // An edit needs the version it was made against.
    let edit = |v: Option<i64>, title: &str| {
        let mut body = serde_json::json!({"toml": scenario("mine", title)});
        if let Some(v) = v {
            body["version"] = v.into();
        }
        json_req("PUT", "/api/scenarios/mine", &body.to_string())
    };
    let e = send(&s, edit(None, "Second")).await;
    assert_eq!(e.status, StatusCode::PRECONDITION_REQUIRED);
    assert_eq!(e.json["field"], "version");
    let e = send(&s, edit(Some(1), "Second")).await;
    assert_eq!(e.status, StatusCode::OK, "{}", e.text);
    assert_eq!(e.json["version"], 2);
    // Another client's edit made against version 1: 409, never silently overwritten.
    let e = send(&s, edit(Some(1), "Third")).await;
    assert_eq!(e.status, StatusCode::CONFLICT);
    assert_eq!(e.json["field"], "version");
    assert_eq!(e.json["current_version"], 2);
    assert_eq!(get(&s, "/api/scenarios/mine").await.json["title"], "Second");
    // If-Match works as the version.
    let mut req = toml_req("PUT", "/api/scenarios/mine", &scenario("mine", "Third"));
    req.headers_mut()
        .insert(header::IF_MATCH, "\"2\"".parse().unwrap());
    assert_eq!(send(&s, req).await.json["version"], 3);
    // An invalid edit is refused at its line and changes nothing.
    let bad = serde_json::json!({"toml": scenario("mine", "Bad").replace("years = [2025, 2025]", "years = [2025]"), "version": 3});
    let e = send(&s, json_req("PUT", "/api/scenarios/mine", &bad.to_string())).await;
    assert_eq!(e.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", e.text);
    assert_eq!(e.json["line"], 3);
    assert_eq!(e.json["problems"][0]["file"], "<saved>/mine.toml");
    let renamed = serde_json::json!({"toml": scenario("other", "X"), "version": 3});
    let e = send(
        &s,
        json_req("PUT", "/api/scenarios/mine", &renamed.to_string()),
    )
    .await;
    assert_eq!(e.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(e.json["field"], "name");
    let e = send(
        &s,
        json_req("PUT", "/api/scenarios/baseline", &renamed.to_string()),
    )
    .await;
    assert_eq!(e.status, StatusCode::FORBIDDEN);
    let del = |q: &str| {
        Request::delete(format!("/api/scenarios/mine{q}"))
            .body(Body::empty())
            .unwrap()
    };
    assert_eq!(
        send(&s, del("")).await.status,
        StatusCode::PRECONDITION_REQUIRED
    );
    let d = send(&s, del("?version=2")).await;
    assert_eq!(d.status, StatusCode::CONFLICT);
    assert_eq!(d.json["current_version"], 3);
    assert_eq!(
        send(&s, del("?version=3")).await.status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        send(&s, del("?version=3")).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        get(&s, "/api/scenarios/mine").await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn a_simulation_job_runs_streams_and_keeps_its_result() {
    let s = state(Limits::default());
    let r = post(
        &s,
        "/api/simulations",
        r#"{"replications": 2, "days": 20, "warmup_days": 0}"#,
    )
    .await;
    assert_eq!(r.status, StatusCode::ACCEPTED, "{}", r.text);
    let id = r.json["id"].as_i64().unwrap();
    assert_eq!(r.headers[header::LOCATION], format!("/api/jobs/{id}"));
    assert_eq!(r.json["total"], 2);
    // The stream follows the job to its end.
    let ev = get(&s, &format!("/api/jobs/{id}/events")).await;
    assert_eq!(ev.status, StatusCode::OK);
    assert!(ev.text.contains("event: end"), "{}", ev.text);
    assert!(ev.text.contains("\"state\":\"done\""));
    let st = wait(&s, id).await;
    assert_eq!(st["state"], "done");
    assert_eq!(st["current"], true);
    assert_eq!(st["result"], format!("/api/jobs/{id}/result"));
    let res = get(&s, &format!("/api/jobs/{id}/result")).await;
    assert_eq!(res.status, StatusCode::OK);
    assert_eq!(res.json["schema"], "corridor.simulation");
    assert_eq!(res.json["dataset_hash"], s.base().dataset_hash);
    assert_eq!(res.json["corridor_version"], corridor_server::VERSION);
    assert_eq!(res.json["report"]["replications"], 2);
    // Finished: a cancel is a conflict; the list has it.
    let c = send(
        &s,
        Request::delete(format!("/api/jobs/{id}"))
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(c.status, StatusCode::CONFLICT);
    assert!(
        get(&s, "/api/jobs")
            .await
            .json
            .as_array()
            .unwrap()
            .iter()
            .any(|j| j["id"] == id)
    );
    // Bad requests of jobs.
    let b = post(&s, "/api/simulations", r#"{"replications": 0}"#).await;
    assert_eq!(b.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(b.json["field"], "replications");
    let b = post(&s, "/api/simulations", r#"{"days": -1}"#).await;
    assert_eq!(b.json["field"], "days");
    assert_eq!(get(&s, "/api/jobs/999").await.status, StatusCode::NOT_FOUND);
    assert_eq!(get(&s, "/api/jobs/abc").await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_cancelled_job_stops_and_has_no_result() {
    let s = state(Limits::default());
    let r = post(&s, "/api/simulations", r#"{"replications": 1000}"#).await;
    assert_eq!(r.status, StatusCode::ACCEPTED);
    let id = r.json["id"].as_i64().unwrap();
    let c = send(
        &s,
        Request::delete(format!("/api/jobs/{id}"))
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(c.status, StatusCode::ACCEPTED, "{}", c.text);
    let st = wait(&s, id).await;
    assert_eq!(st["state"], "cancelled");
    assert!(st["done"].as_u64().unwrap() < 1000);
    let res = get(&s, &format!("/api/jobs/{id}/result")).await;
    assert_eq!(res.status, StatusCode::CONFLICT);
    let ev = get(&s, &format!("/api/jobs/{id}/events")).await;
    assert!(ev.text.starts_with("event: end"), "{}", ev.text);
}

#[tokio::test]
async fn jobs_per_client_and_queue_caps() {
    let s = state(Limits {
        jobs: JobLimits {
            queue: 1,
            workers: 1,
            per_client: 1,
            threads: 1,
            lower_priority: true,
        },
        ..Limits::default()
    });
    let long = r#"{"replications": 1000}"#;
    let a = post(&s, "/api/simulations", long).await;
    assert_eq!(a.status, StatusCode::ACCEPTED);
    let b = post(&s, "/api/simulations", long).await;
    assert_eq!(b.status, StatusCode::TOO_MANY_REQUESTS);
    let id = a.json["id"].as_i64().unwrap();
    send(
        &s,
        Request::delete(format!("/api/jobs/{id}"))
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(wait(&s, id).await["state"], "cancelled");
    let c = post(
        &s,
        "/api/simulations",
        r#"{"replications": 1, "days": 5, "warmup_days": 0}"#,
    )
    .await;
    assert_eq!(c.status, StatusCode::ACCEPTED);
    wait(&s, c.json["id"].as_i64().unwrap()).await;
}

#[tokio::test]
async fn scenario_run_and_comparison_jobs() {
    let s = state(Limits::default());
    let c = send(
        &s,
        toml_req("POST", "/api/scenarios", &scenario("tiny", "Tiny")),
    )
    .await;
    assert_eq!(c.status, StatusCode::CREATED, "{}", c.text);
    let r = post(&s, "/api/scenario-runs", r#"{"scenario": "tiny"}"#).await;
    assert_eq!(r.status, StatusCode::ACCEPTED, "{}", r.text);
    let st = wait(&s, r.json["id"].as_i64().unwrap()).await;
    assert_eq!(st["state"], "done", "{st}");
    let res = get(&s, &format!("/api/jobs/{}/result", st["id"])).await;
    assert_eq!(res.json["schema"], "corridor.scenario_run");
    assert_eq!(res.json["run"]["scenario"], "tiny");
    let u = post(&s, "/api/scenario-runs", r#"{"scenario": "tinyy"}"#).await;
    assert_eq!(u.status, StatusCode::NOT_FOUND);
    assert_eq!(u.json["field"], "scenario");
    let y = post(
        &s,
        "/api/scenario-runs",
        r#"{"scenario": "tiny", "years": [2030, 2031]}"#,
    )
    .await;
    let st = wait(&s, y.json["id"].as_i64().unwrap()).await;
    assert_eq!(st["state"], "failed");
    assert_eq!(st["error"]["field"], "years");
    let cmp = post(
        &s,
        "/api/scenario-comparisons",
        r#"{"a": "tiny", "b": "tiny", "replications": 1}"#,
    )
    .await;
    assert_eq!(cmp.status, StatusCode::ACCEPTED, "{}", cmp.text);
    let st = wait(&s, cmp.json["id"].as_i64().unwrap()).await;
    assert_eq!(st["state"], "done", "{st}");
    let u = post(
        &s,
        "/api/scenario-comparisons",
        r#"{"a": "tiny", "b": "nope"}"#,
    )
    .await;
    assert_eq!(u.status, StatusCode::NOT_FOUND);
    assert_eq!(u.json["field"], "b");
}

#[tokio::test]
async fn off_loopback_writes_and_jobs_need_the_token() {
    let token = "0123456789abcdef-token";
    let s = public_state(token);
    assert_eq!(get(&s, "/api/health").await.json["token_required"], true);
    // Reads stay open.
    assert_eq!(get(&s, "/api/scenarios").await.status, StatusCode::OK);
    let w = send(
        &s,
        toml_req("POST", "/api/scenarios", &scenario("mine", "M")),
    )
    .await;
    assert_eq!(w.status, StatusCode::UNAUTHORIZED);
    assert_eq!(w.json["field"], "authorization");
    let j = post(&s, "/api/simulations", "{}").await;
    assert_eq!(j.status, StatusCode::UNAUTHORIZED);
    let mut bad = toml_req("POST", "/api/scenarios", &scenario("mine", "M"));
    bad.headers_mut().insert(
        header::AUTHORIZATION,
        "Bearer 0123456789abcdef-tokeN".parse().unwrap(),
    );
    let b = send(&s, bad).await;
    assert_eq!(b.status, StatusCode::UNAUTHORIZED);
    assert_eq!(b.json["error"], "the access token is wrong");
    let mut ok = toml_req("POST", "/api/scenarios", &scenario("mine", "M"));
    ok.headers_mut().insert(
        header::AUTHORIZATION,
        format!("Bearer {token}").parse().unwrap(),
    );
    assert_eq!(send(&s, ok).await.status, StatusCode::CREATED);
    // A page of another site cannot write, even with the token (CORS is closed).
    let mut cross = toml_req("POST", "/api/scenarios", &scenario("other", "O"));
    cross.headers_mut().insert(
        header::AUTHORIZATION,
        format!("Bearer {token}").parse().unwrap(),
    );
    cross
        .headers_mut()
        .insert(header::ORIGIN, "http://evil.example".parse().unwrap());
    cross
        .headers_mut()
        .insert(header::HOST, "corridor.example:8080".parse().unwrap());
    let x = send(&s, cross).await;
    assert_eq!(x.status, StatusCode::FORBIDDEN);
    assert_eq!(x.json["field"], "origin");
    assert!(x.headers.get(header::ACCESS_CONTROL_ALLOW_ORIGIN).is_none());
}
