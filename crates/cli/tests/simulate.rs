//! End-to-end tests of `corridor simulate`.

use assert_cmd::Command;

fn run(args: &[&str]) -> (i32, String, String) {
    let out = Command::cargo_bin("corridor")
        .unwrap()
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn json_has_the_conservation_counts_and_corridor_quantiles() {
    let (code, out, err) = run(&[
        "simulate",
        "--days",
        "40",
        "--warmup-days",
        "5",
        "--replications",
        "2",
        "--json",
        "--quiet",
    ]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let r = &v["report"];
    let (g, d, s) = (
        r["generated"].as_u64().unwrap(),
        r["delivered"].as_u64().unwrap(),
        r["in_system"].as_u64().unwrap(),
    );
    assert_eq!(g, d + s);
    let corridors = r["corridors"].as_array().unwrap();
    assert!(corridors.iter().any(|c| c["corridor"] == "northern"));
    for c in corridors {
        assert!(c["p50_days"]["mean"].as_f64().unwrap() > 0.0);
        assert!(c["p90_days"]["mean"].as_f64().unwrap() >= c["p50_days"]["mean"].as_f64().unwrap());
    }
}

#[test]
fn same_seed_same_json_with_one_and_two_threads() {
    let base = [
        "simulate",
        "--days",
        "10",
        "--warmup-days",
        "2",
        "--replications",
        "3",
        "--json",
        "--quiet",
        "--seed",
        "9",
    ];
    let (_, a, _) = run(&[&base[..], &["--threads", "1"]].concat());
    let (_, b, _) = run(&[&base[..], &["--threads", "2"]].concat());
    assert_eq!(a, b);
}

#[test]
fn summary_and_csv() {
    let (code, out, _) = run(&[
        "simulate",
        "--days",
        "10",
        "--warmup-days",
        "2",
        "--replications",
        "2",
        "--quiet",
    ]);
    assert_eq!(code, 0);
    assert!(
        out.contains("Door-to-door days of containers by corridor")
            && out.contains("Simulated against observed"),
        "{out}"
    );
    let (code, out, _) = run(&[
        "simulate",
        "--days",
        "40",
        "--warmup-days",
        "2",
        "--replications",
        "2",
        "--csv",
    ]);
    assert_eq!(code, 0);
    assert!(out.starts_with("metric,scope,mean,ci95_lo,ci95_hi\n"));
    assert!(out.lines().any(|l| l.starts_with("p50_days,northern,")));
    assert!(
        out.lines()
            .any(|l| l.starts_with("throughput_teu,KZ-DOSTYK,"))
    );
    assert!(
        out.lines()
            .any(|l| l.starts_with("monthly_throughput_teu,KZ-DOSTYK:02,"))
    );
}

#[test]
fn a_bad_demand_file_exits_2_naming_file_line_and_field() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("demand.csv");
    std::fs::write(
        &f,
        "from,to,teu_per_year,corridor,src,note\nCN-XIAN,ALAT,100,,S10,\n",
    )
    .unwrap();
    let (code, _, err) = run(&["simulate", "--demand", f.to_str().unwrap(), "--days", "5"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("demand.csv:2:2: field `to`: unknown node `ALAT`")
            && err.contains("did you mean `AZ-ALAT`?"),
        "{err}"
    );
    let (code, _, err) = run(&["simulate", "--days", "0"]);
    assert_eq!(code, 2);
    assert!(err.contains("--days"), "{err}");
}
