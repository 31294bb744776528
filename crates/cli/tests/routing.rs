//! End-to-end tests of `corridor route` and `corridor compare`.

mod common;
use assert_cmd::Command;
use common::run;

const SHIP: [&str; 8] = [
    "--from",
    "Xian",
    "--to",
    "Duisburg",
    "--date",
    "2026-03-03",
    "--teu",
    "2",
];

/// The widest line of a text, in characters.
fn width(text: &str) -> usize {
    text.lines().map(|l| l.chars().count()).max().unwrap_or(0)
}

#[test]
fn compare_table() {
    let (code, out, err) = run(&[&["compare"][..], &SHIP].concat());
    assert_eq!(code, 0, "{err}");
    assert!(width(&out) <= 120, "{} columns:\n{out}", width(&out));
    insta::assert_snapshot!(out);
}

#[test]
fn compare_with_avoided_countries_says_what_removed_a_corridor() {
    let (code, out, _) = run(&[&["compare"][..], &SHIP, &["--avoid-country", "RU,IR"]].concat());
    assert_eq!(code, 0);
    assert!(
        out.contains("no route: removed by --avoid-country RU"),
        "{out}"
    );
    assert!(
        out.contains("no route: removed by --avoid-country IR"),
        "{out}"
    );
}

#[test]
fn route_explain() {
    let (code, out, err) = run(&[
        &["route"][..],
        &SHIP,
        &["--avoid-country", "RU", "--prefer", "time", "--explain"],
    ]
    .concat());
    assert_eq!(code, 0, "{err}");
    assert!(width(&out) <= 120, "{} columns:\n{out}", width(&out));
    insta::assert_snapshot!(out);
}

#[test]
fn compare_json_has_the_documented_fields() {
    let (code, out, _) = run(&[&["compare"][..], &SHIP, &["--json"]].concat());
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["schema"], "corridor.compare");
    let rows = v["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 6);
    for r in rows.iter().filter(|r| r["available"] == true) {
        for k in [
            "corridor",
            "p50_days",
            "p90_days",
            "cost_usd",
            "co2e_wtw_kg",
            "co2e_ttw_kg",
            "legs",
        ] {
            assert!(!r[k].is_null(), "row lacks {k}: {r}");
        }
        for leg in r["legs"].as_array().unwrap() {
            for k in ["from", "to", "mode", "countries", "departure", "arrival"] {
                assert!(!leg[k].is_null(), "leg lacks {k}");
            }
            for c in leg["countries"].as_array().unwrap() {
                assert_eq!(
                    c.as_str().unwrap().len(),
                    2,
                    "countries are ISO alpha-2 codes"
                );
            }
        }
    }
}

#[test]
fn route_geojson_is_valid() {
    let (code, out, _) = run(&[&["route"][..], &SHIP, &["--geojson"]].concat());
    assert_eq!(code, 0);
    let gj: geojson::GeoJson = out.parse().unwrap();
    let geojson::GeoJson::FeatureCollection(fc) = gj else {
        panic!()
    };
    assert!(fc.features.len() > 5);
}

#[test]
fn names_are_forgiving_and_typos_get_suggestions() {
    let (c1, a, _) = run(&[
        "route",
        "--from",
        "XIAN",
        "--to",
        "duisburg",
        "--date",
        "2026-03-03",
        "--json",
    ]);
    let (c2, b, _) = run(&[
        "route",
        "--from",
        "Xi'an",
        "--to",
        "DE-DUISBURG",
        "--date",
        "2026-03-03",
        "--json",
    ]);
    assert_eq!((c1, c2), (0, 0));
    assert_eq!(a, b);
    let (code, _, err) = run(&[
        "compare",
        "--from",
        "Xian",
        "--to",
        "Duisberg",
        "--date",
        "2026-03-03",
    ]);
    assert_eq!(code, 2);
    assert!(
        err.contains("did you mean `Duisburg (duisport)` (DE-DUISBURG)?"),
        "{err}"
    );
}

#[test]
fn an_impossible_route_exits_3_naming_the_missing_connection() {
    let (code, out, err) = run(&[
        "route",
        "--from",
        "Xian",
        "--to",
        "Baku",
        "--date",
        "2026-03-03",
        "--avoid-country",
        "KZ,GE,TM",
    ]);
    assert_eq!(code, 3);
    assert!(out.is_empty());
    assert!(
        err.contains("no route from Xian to Baku") && err.contains("crosses KZ"),
        "{err}"
    );
}

#[test]
fn bad_input_is_a_usage_error() {
    for (args, want) in [
        (vec!["--date", "2026-02-30"], "not a date"),
        (
            vec!["--date", "2026-03-03", "--time", "8am"],
            "not a time of day",
        ),
        (
            vec!["--date", "2026-03-03", "--teu", "-1"],
            "a number of TEU above 0 and at most 25000",
        ),
        (
            vec!["--date", "2026-03-03", "--teu", "1e30"],
            "a number of TEU above 0 and at most 25000",
        ),
        (
            vec!["--date", "2026-03-03", "--avoid-service", "S-NOPE"],
            "unknown service `S-NOPE`",
        ),
        (
            vec!["--date", "2026-03-03", "--avoid-country", "Russia"],
            "not an ISO 3166-1",
        ),
        (
            vec!["--date", "2026-03-03", "--avoid-mode", "air"],
            "unknown mode",
        ),
        (
            vec!["--date", "2026-03-03", "--weights", "1,-1,0"],
            "--weights",
        ),
        (
            vec!["--date", "2026-03-03", "--max-days", "0"],
            "--max-days must be a positive",
        ),
    ] {
        let (code, _, err) =
            run(&[&["route", "--from", "Xian", "--to", "Duisburg"][..], &args].concat());
        assert_eq!(code, 2, "{args:?}: {err}");
        assert!(err.contains(want), "{args:?}: {err}");
    }
}

#[test]
fn compare_keeps_no_route_cells_short_and_explain_lists_the_excluded_links() {
    let ship = ["--from", "Shu", "--to", "Alat", "--date", "2026-03-03"];
    let (code, out, err) = run(&[&["compare"][..], &ship].concat());
    assert_eq!(code, 0, "{err}");
    // The row's reason, wrapped onto the lines under it if long.
    let start = out.find("\nnorthern ").unwrap();
    let end = out[start + 1..].find("\nsouthern ").unwrap() + start + 1;
    let northern = out[start..end]
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    assert!(
        northern.contains("do not connect to AZ-ALAT (")
            && northern.contains(" links excluded; --explain lists them)")
            && !northern.contains("is not on corridor"),
        "{northern}"
    );
    let (code, out, _) = run(&[&["compare"][..], &ship, &["--explain"]].concat());
    assert_eq!(code, 0);
    assert!(
        out.contains("\nnorthern: no route: ")
            && out
                .replace("\n  ", " ")
                .contains("is not on corridor northern"),
        "{out}"
    );
    // The JSON row carries the parts the table is made of.
    let (code, out, _) = run(&[&["compare"][..], &ship, &["--json"]].concat());
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let row = v["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["corridor"] == "northern")
        .unwrap();
    let summary = row["reason_summary"].as_str().unwrap();
    assert!(
        row["reason"]
            .as_str()
            .unwrap()
            .starts_with(&format!("{summary}; excluded links: "))
    );
    assert!(row["excluded_links"].as_u64().unwrap() > 0);
}

#[test]
fn with_every_caspian_sailing_avoided_the_explanation_names_the_services() {
    let (code, _, err) = run(&[
        "route",
        "--from",
        "Shu",
        "--to",
        "Alat",
        "--date",
        "2026-03-03",
        "--avoid-service",
        "S-KURYK-ALAT-FERRY,S-AKTAU-ALAT-FERRY,S-AKTAU-ALAT-FEEDER,S-TMB-ALAT-FERRY",
        "--avoid-country",
        "RU,IR,CN",
    ]);
    assert_eq!(code, 3, "{err}");
    assert!(
        err.contains(
            "L-KURYK-ALAT (KZ-KURYK→AZ-ALAT) runs only avoided services (S-KURYK-ALAT-FERRY)"
        ) && err.contains("runs only avoided services (S-AKTAU-ALAT-FEEDER,S-AKTAU-ALAT-FERRY)"),
        "{err}"
    );
}

#[test]
fn avoiding_bab_el_mandeb_removes_the_suez_rows_and_keeps_the_cape() {
    let out = Command::cargo_bin("corridor")
        .unwrap()
        .args([
            "compare",
            "--from",
            "Shanghai",
            "--to",
            "Rotterdam",
            "--date",
            "2026-03-03",
            "--samples",
            "300",
            "--avoid-passage",
            "bab-el-mandeb",
            "--json",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let row = |k: &str| {
        v["rows"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["corridor"] == k)
            .unwrap()
            .clone()
    };
    assert_eq!(row("sea_suez")["available"], false);
    assert_eq!(
        row("sea_suez")["removed_by"][0],
        "--avoid-passage bab-el-mandeb"
    );
    let cape = row("sea_cape");
    assert_eq!(cape["available"], true);
    assert_eq!(
        cape["passages"],
        serde_json::json!(["malacca", "cape-of-good-hope"])
    );
    assert_eq!(v["shipment"]["avoid_passages"][0], "bab-el-mandeb");
    // A misspelt passage gets a suggestion.
    let out = Command::cargo_bin("corridor")
        .unwrap()
        .args([
            "compare",
            "--from",
            "Shanghai",
            "--to",
            "Rotterdam",
            "--date",
            "2026-03-03",
            "--avoid-passage",
            "sues",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("unknown passage `sues`; did you mean `suez`?")
    );
}
