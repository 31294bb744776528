//! `corridor capacity` and `corridor assign` end to end.

mod common;
use common::run;

#[test]
fn capacity_names_the_bottlenecks() {
    let (code, out, err) = run(&["capacity"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("Capacity from CN to EU on the network as it is, containers (TEU/yr)"),
        "{out}"
    );
    let btk = out
        .lines()
        .find(|l| l.starts_with("middle_btk"))
        .expect("a row per corridor");
    assert!(
        btk.contains("24309") && btk.contains("services on L-GEBZE-ISTANBUL"),
        "{btk}"
    );
    assert!(
        out.lines().all(|l| l.chars().count() <= 120),
        "wider than 120 columns:\n{out}"
    );
    let (code, out, err) = run(&["capacity", "--corridor", "northern", "--json"]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["capacity"]["cuts"][0]["max_flow"], 511000.0);
    assert_eq!(
        v["capacity"]["cuts"][0]["bottlenecks"][0]["name"],
        "PL-MALASZEWICZE"
    );
}

#[test]
fn capacity_of_a_scenario_year_and_its_saturation() {
    let (code, out, err) = run(&[
        "capacity",
        "--scenario",
        "northern-route-closed",
        "--year",
        "2026",
        "--corridor",
        "northern",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("Maximum flow: 0 TEU/yr"),
        "the closed route carries nothing:\n{out}"
    );
    let (code, out, err) = run(&[
        "capacity",
        "saturation",
        "--scenario",
        "middle-corridor-2030",
        "--draws",
        "5",
    ]);
    assert_eq!(code, 0, "{err}");
    let row = out
        .lines()
        .find(|l| l.starts_with("middle_btk"))
        .expect("middle_btk's first year");
    assert!(
        row.split_whitespace()
            .nth(1)
            .is_some_and(|y| y.parse::<i32>().is_ok_and(|y| (2025..=2030).contains(&y))),
        "{row}"
    );
}

#[test]
fn bad_groups_and_corridors_are_usage_errors() {
    let (code, _, err) = run(&["capacity", "--from", "CN-XIANN"]);
    assert_eq!(code, 2);
    assert!(err.contains("did you mean `CN-XIAN`?"), "{err}");
    let (code, _, err) = run(&["capacity", "--corridor", "middle"]);
    assert_eq!(code, 2);
    assert!(err.contains("unknown corridor `middle`"), "{err}");
}

fn tntp(name: &str) -> String {
    format!(
        "{}/../flow/tests/fixtures/tntp/SiouxFalls/SiouxFalls_{name}.tntp",
        env!("CARGO_MANIFEST_DIR")
    )
}

#[test]
fn assign_sioux_falls_to_a_tight_gap_and_write_its_flows() {
    let dir = tempfile::tempdir().unwrap();
    let out_path = dir.path().join("flows.tntp");
    let (code, out, err) = run(&[
        "assign",
        "--tntp",
        &tntp("net"),
        &tntp("trips"),
        "--gap",
        "1e-10",
        "--select-link",
        "16",
        "--out",
        out_path.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    let gap: f64 = out
        .split("relative gap ")
        .nth(1)
        .and_then(|s| s.split_whitespace().next())
        .unwrap()
        .parse()
        .unwrap();
    assert!(gap <= 1e-10, "{out}");
    assert!(out.contains("Who uses link 16 (6 → 8)"), "{out}");
    // The flows written match the best-known flows of the collection.
    let mine =
        corridor_flow::tntp::parse_flow(&std::fs::read_to_string(&out_path).unwrap(), "mine")
            .unwrap();
    let best =
        corridor_flow::tntp::parse_flow(&std::fs::read_to_string(tntp("flow")).unwrap(), "best")
            .unwrap();
    assert_eq!(mine.len(), best.len());
    for (a, b) in mine.iter().zip(&best) {
        assert!(
            (a.volume - b.volume).abs() <= 1e-3 * b.volume.max(1.0),
            "{a:?} vs {b:?}"
        );
    }
    let (code, _, err) = run(&[
        "assign",
        "--tntp",
        &tntp("net"),
        &tntp("trips"),
        "--select-link",
        "999",
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("has links 1 to 76"), "{err}");
}

#[test]
fn assign_the_corridor_and_who_uses_the_kuryk_ferry() {
    let (code, out, err) = run(&["assign", "--select-link", "L-KURYK-ALAT"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("Who uses L-KURYK-ALAT:"), "{out}");
    let users: Vec<&str> = out
        .lines()
        .filter(|l| l.starts_with("wagonload  KZ-SHU"))
        .collect();
    assert!(!users.is_empty(), "{out}");
    for u in users {
        let share: f64 = u.split_whitespace().rev().nth(1).unwrap().parse().unwrap();
        assert!(share > 0.0 && share <= 100.0, "{u}");
    }
    let (code, _, err) = run(&["assign", "--select-link", "L-KURYK-ALATT"]);
    assert_eq!(code, 2);
    assert!(err.contains("did you mean `L-KURYK-ALAT`?"), "{err}");
}
