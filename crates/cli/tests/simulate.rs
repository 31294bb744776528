//! End-to-end tests of `corridor simulate`.

mod common;
use common::run;

/// The mean of a `--csv` row.
fn csv_mean(out: &str, metric: &str, scope: &str) -> f64 {
    out.lines()
        .find(|l| l.starts_with(&format!("{metric},{scope},")))
        .and_then(|l| l.split(',').nth(2))
        .unwrap_or_else(|| panic!("no row {metric},{scope}"))
        .parse()
        .unwrap()
}

/// `simulate --demand FILE --days 5 [extra…]` with `csv` as the demand table.
fn simulate_with_demand(csv: &str, extra: &[&str]) -> (i32, String, String) {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("demand.csv");
    std::fs::write(&f, csv).unwrap();
    let args = ["simulate", "--demand", f.to_str().unwrap(), "--days", "5"];
    run(&[&args[..], extra].concat())
}

/// `simulate --data DIR --days 5`, for a dataset that should be refused.
fn simulate_with_data(dir: &tempfile::TempDir) -> (i32, String, String) {
    run(&[
        "simulate",
        "--data",
        dir.path().to_str().unwrap(),
        "--days",
        "5",
    ])
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
    let (ca, a, ea) = run(&[&base[..], &["--threads", "1"]].concat());
    let (cb, b, eb) = run(&[&base[..], &["--threads", "2"]].concat());
    assert_eq!((ca, cb), (0, 0), "{ea}{eb}");
    let v: serde_json::Value = serde_json::from_str(&a).unwrap();
    assert!(
        v["report"]["generated"].as_u64().unwrap() > 1000,
        "a run, not an empty answer"
    );
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
    assert!(
        out.lines()
            .any(|l| l.starts_with("link_throughput_teu,L-BREST-MALASZEWICZE,"))
    );
}

#[test]
fn a_bad_demand_file_exits_2_naming_file_line_and_field() {
    let (code, _, err) = simulate_with_demand(
        "from,to,teu_per_year,corridor,src,note\nCN-XIAN,ALAT,100,,S10,\n",
        &[],
    );
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

/// A copy of the default dataset in a temporary directory, with `simulation.toml` edited.
fn dataset_with_simulation(edit: impl Fn(&str) -> String) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let data = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data");
    for entry in std::fs::read_dir(&data).unwrap() {
        let p = entry.unwrap().path();
        if p.is_file() {
            std::fs::copy(&p, dir.path().join(p.file_name().unwrap())).unwrap();
        }
    }
    let sim = dir.path().join("simulation.toml");
    let text = std::fs::read_to_string(&sim).unwrap();
    std::fs::write(&sim, edit(&text)).unwrap();
    dir
}

#[test]
fn a_users_seasonality_drives_the_run_and_a_bad_one_exits_2() {
    let winter = |t: &str| {
        let start = t.find("\ncontainers = ").unwrap() + 1;
        let end = start + t[start..].find('\n').unwrap();
        format!(
            "{}containers = [3, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]{}",
            &t[..start],
            &t[end..]
        )
    };
    let dir = dataset_with_simulation(winter);
    // A light flow that queues nowhere, so deliveries follow demand (the observed 2024
    // flows, six times as fast in two months, would queue behind Dostyk for months).
    std::fs::write(
        dir.path().join("demand.csv"),
        "from,to,teu_per_year,corridor,src,note\nCN-XIAN,DE-DUISBURG,20000,northern,S31,\n",
    )
    .unwrap();
    let d = dir.path().to_str().unwrap();
    // Containers arrive only in January and February: none delivered from May.
    let (code, out, err) = run(&[
        "simulate",
        "--data",
        d,
        "--days",
        "300",
        "--warmup-days",
        "1",
        "--replications",
        "1",
        "--csv",
    ]);
    assert_eq!(code, 0, "{err}");
    let month = |m: u32| csv_mean(&out, "monthly_teu_delivered", &format!("northern:{m:02}"));
    assert!(month(2) > 3_000.0, "{}", month(2));
    assert!(month(6) < 0.01 * month(2), "{} vs {}", month(6), month(2));

    let bad = dataset_with_simulation(|t| t.replace("\ncontainers = [", "\ncontainers = [1, "));
    let (code, _, err) = simulate_with_data(&bad);
    assert_eq!(code, 2);
    assert!(
        err.contains("simulation.toml")
            && err.contains("field `seasonality.containers`")
            && err.contains("expected 12 monthly values, found 13"),
        "{err}"
    );
}

#[test]
fn the_published_2030_demand_offers_a_million_teu_and_overloads_the_2024_network() {
    let (code, out, err) = run(&[
        "simulate",
        "--demand",
        "published-2030",
        "--year",
        "2030",
        "--days",
        "90",
        "--warmup-days",
        "5",
        "--replications",
        "1",
        "--json",
        "--quiet",
    ]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let r = &v["report"];
    let flows = r["route_choice"].as_array().unwrap();
    let sum = |k: &str| flows.iter().map(|f| f[k].as_f64().unwrap()).sum::<f64>();
    assert!(
        // 1,035,600 TEU westbound and 80,339 eastbound on the northern route.
        (sum("teu_per_year") - 1_115_939.0).abs() < 1.0,
        "{}",
        sum("teu_per_year")
    );
    // 6 Mt across the Caspian and the BTK's 634,000 t from Baku.
    assert!((sum("tonnes_per_year") - 6_634_000.0).abs() < 1.0);
    // Offered to the 2024 network, the 2030 demand exceeds the Caspian crossings: the
    // backlog grows through the run.
    let backlog: Vec<f64> = r["backlog_teu"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap())
        .collect();
    assert!(backlog.len() > 80);
    assert!(backlog[backlog.len() - 1] > 1.5 * backlog[0], "{backlog:?}");
}

#[test]
fn a_users_breakdowns_are_reported_and_a_bad_target_exits_2() {
    let table = "\n[[breakdown]]\ntarget = \"KZ-DOSTYK\"\nmtbf_days = 4.0\nrepair_p50_h = 12.0\n\
                 repair_p90_h = 36.0\nsrc = \"E-LINER\"\n";
    let dir = dataset_with_simulation(|t| format!("{t}{table}"));
    let d = dir.path().to_str().unwrap();
    let args = [
        "simulate",
        "--data",
        d,
        "--days",
        "60",
        "--replications",
        "2",
        "--quiet",
    ];
    let (code, out, err) = run(&args);
    assert_eq!(code, 0, "{err}");
    let line = out.lines().find(|l| l.starts_with("Breakdowns: ")).unwrap();
    assert!(line.starts_with("Breakdowns: KZ-DOSTYK failed "), "{line}");
    let (code, out, err) = run(&[&args[..], &["--csv"]].concat());
    assert_eq!(code, 0, "{err}");
    let value = |metric: &str| csv_mean(&out, metric, "KZ-DOSTYK");
    // 60 days of ~4 days up and ~0.7 day down: about a dozen failures, days down > 0.
    assert!((5.0..25.0).contains(&value("breakdown_failures")));
    assert!(value("breakdown_down_days") > 1.0 && value("breakdown_down_days") < 20.0);

    let bad = dataset_with_simulation(|t| format!("{t}{}", table.replace("KZ-DOSTYK", "DOSTYK")));
    let (code, _, err) = simulate_with_data(&bad);
    assert_eq!(code, 2);
    assert!(
        err.contains("simulation.toml:")
            && err.contains("field `breakdown.target`")
            && err.contains("unknown node or service `DOSTYK`"),
        "{err}"
    );
    assert!(err.contains("did you mean `KZ-DOSTYK`?"), "{err}");
}

#[test]
fn a_pair_without_a_route_on_its_corridor_exits_2_naming_line_field_and_alternatives() {
    let (code, _, err) = simulate_with_demand(
        "from,to,teu_per_year,corridor,src,note\nCN-XIAN,DE-DUISBURG,1000,northern,S31,\n\
         CN-XIAN,IR-TEHRAN,1000,northern,S31,\n",
        &[],
    );
    assert_eq!(code, 2);
    assert!(
        err.contains("demand.csv:3: field `corridor`: no route from CN-XIAN to IR-TEHRAN on corridor northern\n  hint: corridors with a route: southern"),
        "{err}"
    );
}

#[test]
fn csv_rows_are_unique_parseable_and_cover_calibration_waits_and_backlog() {
    let (code, out, err) = run(&[
        "simulate",
        "--days",
        "40",
        "--warmup-days",
        "5",
        "--replications",
        "2",
        "--csv",
        "--quiet",
    ]);
    assert_eq!(code, 0, "{err}");
    // A CSV reader sees five fields on every row (scopes with commas are quoted) and no
    // (metric, scope) twice: the routes of one pair differ by their VIA.
    let mut rdr = csv::ReaderBuilder::new().from_reader(out.as_bytes());
    let mut seen = std::collections::HashSet::new();
    let mut metrics = std::collections::HashMap::<String, usize>::new();
    for rec in rdr.records() {
        let rec = rec.unwrap();
        assert_eq!(rec.len(), 5, "{rec:?}");
        assert!(
            seen.insert((rec[0].to_string(), rec[1].to_string())),
            "{rec:?}"
        );
        *metrics.entry(rec[0].to_string()).or_default() += 1;
        if !rec[2].is_empty() {
            rec[2].parse::<f64>().unwrap();
        }
    }
    assert_eq!(metrics["calibration_relative_error"], 7);
    assert_eq!(metrics["backlog_teu"], 40);
    assert_eq!(metrics["weather_closed_days"], 2);
    assert_eq!(metrics["mean_wait_h"], metrics["utilisation"]);
    assert!(out.contains(
        "\"Middle Corridor cargo across the Caspian (containers at tonnes_per_teu, and wagonload)"
    ));
    assert!(out.contains(
        "p50_days,CN-XIAN>DE-DUISBURG>northern>S-XIAN-WEST + KZ-DOSTYK + PL-MALASZEWICZE,"
    ));
}

#[test]
fn a_demand_too_large_to_simulate_exits_2_instead_of_running_for_hours() {
    let one_row = |teu: &str| {
        format!("from,to,teu_per_year,corridor,src,note\nCN-XIAN,DE-DUISBURG,{teu},northern,S31,\n")
    };
    let (code, _, err) = simulate_with_demand(&one_row("1e12"), &[]);
    assert_eq!(code, 2);
    assert!(
        err.contains("demand.csv:2:3: field `teu_per_year`: expected a flow of containers of at least 0 TEU/yr and at most 50000000 TEU/yr, found 1e12 TEU/yr"),
        "{err}"
    );
    let (code, _, err) = simulate_with_demand(&one_row("40000000"), &["--demand-factor", "2"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("error: the demand is 80000000 TEU-equivalent a year after the demand factor; the simulator takes at most 50000000"),
        "{err}"
    );
}

#[test]
fn out_of_range_options_are_usage_errors_not_panics_or_endless_runs() {
    for (args, msg) in [
        (["--year", "1960"], "--year must be between 1970 and 2200"),
        (
            ["--threads", "100000"],
            "--threads must be between 1 and 256",
        ),
        (["--threads", "0"], "--threads must be between 1 and 256"),
        (["--days", "0"], "--days must be between 1 and 3650"),
        (
            ["--warmup-days=-1", "--quiet"],
            "--warmup-days must be between 0 and 365",
        ),
        (
            ["--replications", "0"],
            "--replications must be between 1 and 10000",
        ),
        (
            ["--demand-factor", "1e9"],
            "--demand-factor must be between 0 and 100",
        ),
    ] {
        let (code, _, err) = run(&[&["simulate"][..], &args].concat());
        assert_eq!(code, 2, "{args:?}: {err}");
        assert!(err.contains(msg), "{args:?}: {err}");
    }
}

#[test]
fn the_text_report_fits_120_columns_at_observed_and_grown_demand() {
    for factor in ["1", "1.5"] {
        let out = assert_cmd::Command::cargo_bin("corridor")
            .unwrap()
            .env("COLUMNS", "120")
            .args([
                "simulate",
                "--replications",
                "2",
                "--quiet",
                "--demand-factor",
                factor,
            ])
            .output()
            .unwrap();
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let text = String::from_utf8(out.stdout).unwrap();
        let widest = text.lines().map(|l| l.chars().count()).max().unwrap();
        assert!(
            widest <= 120,
            "× {factor}: a line of {widest} columns:\n{text}"
        );
        // The routes' chains are still there, on their own lines.
        assert!(text.contains("\n    via S-XIAN-WEST + KZ-"), "{text}");
    }
}
