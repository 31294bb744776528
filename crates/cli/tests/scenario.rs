//! `corridor scenario` end to end: exit codes, errors at their lines, the tables a user
//! reads (snapshots), JSON and CSV.

mod common;
use common::run;

#[test]
fn list_shows_every_embedded_scenario() {
    let (code, out, err) = run(&["scenario", "list"]);
    assert_eq!(code, 0, "{err}");
    for name in [
        "baseline",
        "middle-corridor-2030",
        "red-sea-closure",
        "northern-route-closed",
        "caspian-low-water",
    ] {
        assert!(
            out.lines().any(|l| l.starts_with(name)),
            "{name} missing:\n{out}"
        );
    }
    assert!(
        out.lines().all(|l| l.chars().count() <= 120),
        "wider than 120 columns:\n{out}"
    );
}

#[test]
fn timeline_of_the_middle_corridor() {
    let (code, out, err) = run(&["scenario", "timeline", "middle-corridor-2030"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.lines().all(|l| l.chars().count() <= 120),
        "wider than 120 columns:\n{out}"
    );
    insta::assert_snapshot!("timeline_middle_corridor_2030", out);
}

#[test]
fn compare_baseline_and_the_middle_corridor() {
    let (code, out, err) = run(&[
        "scenario",
        "compare",
        "baseline",
        "middle-corridor-2030",
        "--years",
        "2025..2026",
        "--replications",
        "2",
        "--quiet",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("What explains each difference"), "{out}");
    assert!(
        out.contains("Method: one-at-a-time removal with common random numbers"),
        "{out}"
    );
    insta::assert_snapshot!("compare_baseline_middle_corridor_2030", out);
}

#[test]
fn run_as_json_and_csv() {
    let (code, out, err) = run(&[
        "scenario",
        "run",
        "red-sea-closure",
        "--years",
        "2026",
        "--replications",
        "2",
        "--json",
        "--quiet",
    ]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["schema"], "corridor.scenario_run");
    let years = v["run"]["years"].as_array().unwrap();
    assert_eq!(years.len(), 1);
    assert_eq!(years[0]["year"], 2026);
    assert_eq!(years[0]["in_force"][0]["id"], "red-sea-closed");
    let (code, out, err) = run(&[
        "scenario",
        "run",
        "red-sea-closure",
        "--years",
        "2026",
        "--replications",
        "2",
        "--csv",
        "--quiet",
    ]);
    assert_eq!(code, 0, "{err}");
    let mut rdr = csv::Reader::from_reader(out.as_bytes());
    assert_eq!(
        rdr.headers().unwrap(),
        vec!["year", "metric", "scope", "mean", "ci95_lo", "ci95_hi"]
    );
    let rows: Vec<csv::StringRecord> = rdr.records().map(Result::unwrap).collect();
    let sea_cape = rows
        .iter()
        .find(|r| &r[1] == "teu_delivered" && &r[2] == "sea_cape")
        .expect("the Cape carries the diverted cargo");
    assert!(
        sea_cape[3].parse::<f64>().unwrap() > 20_000.0,
        "{sea_cape:?}"
    );
}

#[test]
fn the_commented_example_validates() {
    let example = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../examples/scenarios/my-scenario.toml"
    );
    let (code, out, err) = run(&["scenario", "validate", example]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("valid — 3 projects, 1 intervention, years 2026–2029"),
        "{out}"
    );
}

#[test]
fn a_broken_scenario_file_is_refused_at_its_lines() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("bad.toml");
    std::fs::write(
        &p,
        "name = \"bad\"\nyears = [2026, 2028]\nprojects = [\"alat-phase2\"]\n[[intervention]]\nid = \"x\"\nfrom = \"2026-13-01\"\nsrc = \"S10\"\n[[intervention.change]]\nset = { node = \"AZ-ALAT\", field = \"capacity\", value = \"lots\", src = \"S10\" }\n",
    )
    .unwrap();
    let (code, _, err) = run(&["scenario", "validate", p.to_str().unwrap()]);
    assert_eq!(code, 2, "{err}");
    let f = p.display().to_string();
    assert!(
        err.contains(&format!(
            "{f}:3: field `projects`: unknown project `alat-phase2`"
        )),
        "{err}"
    );
    assert!(err.contains("did you mean `alat-phase-2`?"), "{err}");
    assert!(err.contains(&format!("{f}:6: field `from`")), "{err}");
    assert!(err.contains(&format!("{f}:9: field `set.value`")), "{err}");
}

#[test]
fn unknown_names_and_years_outside_the_horizon_are_usage_errors() {
    let (code, _, err) = run(&["scenario", "run", "red-sea"]);
    assert_eq!(code, 2);
    assert!(err.contains("no scenario `red-sea`"), "{err}");
    assert!(err.contains("did you mean `red-sea-closure`?"), "{err}");
    let (code, _, err) = run(&[
        "scenario",
        "run",
        "red-sea-closure",
        "--years",
        "2020..2026",
        "--quiet",
    ]);
    assert_eq!(code, 2);
    assert!(
        err.contains("the years 2020–2026 are not within the scenario's horizon 2025–2028"),
        "{err}"
    );
    let (code, _, err) = run(&[
        "scenario",
        "run",
        "red-sea-closure",
        "--without",
        "red-sea",
        "--quiet",
    ]);
    assert_eq!(code, 2);
    assert!(
        err.contains("no project or intervention `red-sea`"),
        "{err}"
    );
}
