//! `corridor simulate` says whether the corridor keeps up (the stability verdict and the
//! backlog in the text, JSON and CSV), what its figures assume (notes), and runs the
//! published demand sets by name from any directory.

use assert_cmd::Command;

/// Run `corridor` in `dir` with `args`: (exit code, stdout, stderr).
fn run_in(dir: &std::path::Path, args: &[&str]) -> (i32, String, String) {
    let out = Command::cargo_bin("corridor")
        .unwrap()
        .env_remove("COLUMNS")
        .current_dir(dir)
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

const SHORT: [&str; 6] = ["--days", "120", "--replications", "3", "--quiet", "--seed"];

#[test]
fn growth_of_half_is_unstable_in_the_text_json_and_csv() {
    let dir = tempfile::tempdir().unwrap();
    let args = [&["simulate", "--demand-factor", "1.5"][..], &SHORT, &["42"]].concat();
    let (code, text, err) = run_in(dir.path(), &args);
    assert_eq!(code, 0, "{err}");
    let verdict = text
        .lines()
        .find(|l| l.starts_with("Stability: "))
        .unwrap_or_else(|| panic!("{text}"));
    assert!(
        verdict.starts_with("Stability: unstable: the backlog grows "),
        "{verdict}"
    );
    assert!(text.contains("behind PL-MALASZEWICZE ("), "{text}");
    assert!(
        text.lines()
            .any(|l| l.starts_with("Backlog: TEU-equivalent in the system"))
    );
    // The verdict, the backlog, the route choice and the notes fit 120 columns.
    let from = text.find("Stability: ").unwrap();
    let to = text.find("\nBy origin").unwrap();
    let choice = text.find("Route choice: ").unwrap();
    for l in text[from..to].lines().chain(text[choice..].lines()) {
        assert!(l.chars().count() <= 120, "{l}");
    }
    assert!(text.contains("\nNotes:\n- Demand table: <embedded>/data/demand.csv."));
    assert!(text.contains("- No observation for this case"), "{text}");
    assert!(!text.contains("ERROR"), "{text}");

    let (code, json, _) = run_in(dir.path(), &[&args[..], &["--json"]].concat());
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let s = &v["report"]["stability"];
    assert_eq!(s["verdict"], "unstable");
    let growth = s["backlog_growth_teu_per_day"]["mean"].as_f64().unwrap();
    let gap = s["arrived_teu_per_day"]["mean"].as_f64().unwrap()
        - s["delivered_teu_per_day"]["mean"].as_f64().unwrap();
    assert!(
        growth > 0.0 && (growth / gap - 1.0).abs() < 0.05,
        "{growth} vs {gap}"
    );
    assert_eq!(s["at"][0]["name"], "PL-MALASZEWICZE");
    let ids: Vec<&str> = v["report"]["notes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["id"].as_str().unwrap())
        .collect();
    for id in [
        "demand_table",
        "replications",
        "cargo_units",
        "demand",
        "calibration",
        "stability",
    ] {
        assert!(ids.contains(&id), "{ids:?}");
    }

    let (code, csv, _) = run_in(dir.path(), &[&args[..], &["--csv"]].concat());
    assert_eq!(code, 0);
    let row = csv
        .lines()
        .find(|l| l.starts_with("stability,unstable,"))
        .unwrap_or_else(|| panic!("no stability row"));
    let mean: f64 = row.split(',').nth(2).unwrap().parse().unwrap();
    assert!((mean - growth).abs() < 1e-6, "{row}");
    assert!(
        csv.lines()
            .any(|l| l.starts_with("stability_queue_growth_teu_per_day,PL-MALASZEWICZE,"))
    );
}

#[test]
fn published_demand_sets_run_by_name_from_any_directory_and_an_unknown_name_lists_them() {
    let dir = tempfile::tempdir().unwrap();
    let (code, out, err) = run_in(
        dir.path(),
        &[
            "simulate",
            "--demand",
            "published-2030",
            "--year",
            "2030",
            "--days",
            "10",
            "--replications",
            "1",
            "--quiet",
            "--json",
        ],
    );
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        v["demand"],
        "published-2030 (<embedded>/data/demand-2030.csv)"
    );
    let teu: f64 = v["report"]["route_choice"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["teu_per_year"].as_f64().unwrap())
        .sum();
    // 1,035,600 TEU westbound and 80,339 eastbound on the northern route.
    assert!((teu - 1_115_939.0).abs() < 1.0, "{teu}");

    let (code, _, err) = run_in(
        dir.path(),
        &["simulate", "--demand", "published-2031", "--days", "5"],
    );
    assert_eq!(code, 2);
    assert!(
        err.contains("`published-2031` is not a published demand set"),
        "{err}"
    );
    assert!(
        err.contains("published-2024") && err.contains("published-2030"),
        "{err}"
    );
    assert!(err.contains("write ./published-2031"), "{err}");

    // A name never shadows a file: a path (with `/` or `.`) is read as one.
    let file = dir.path().join("published-2030");
    std::fs::write(
        &file,
        "from,to,teu_per_year,src\nCN-XIAN,DE-DUISBURG,1000,S31\n",
    )
    .unwrap();
    let (code, out, err) = run_in(
        dir.path(),
        &[
            "simulate",
            "--demand",
            "./published-2030",
            "--days",
            "10",
            "--replications",
            "1",
            "--quiet",
            "--json",
        ],
    );
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["demand"], "./published-2030");

    let (_, help, _) = run_in(dir.path(), &["simulate", "--help"]);
    assert!(
        help.contains("published-2024") && help.contains("published-2030"),
        "{help}"
    );
}
