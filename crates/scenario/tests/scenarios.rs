//! Scenarios end to end: parsing and its errors, the network at a date, runs year by year.

use corridor_model::LoadErrors;
use corridor_scenario::run::{Options, run};
use corridor_scenario::scenario::Context;
use corridor_scenario::timeline::Cache;
use corridor_scenario::{Scenario, embedded};

/// Parse a scenario (and an optional pipeline of its own) against the embedded base.
fn parse(text: &str, pipeline: Option<&str>) -> Result<Scenario, LoadErrors> {
    let (net, params) = embedded::base().unwrap();
    let mut pipes = embedded::pipelines();
    if let Some(p) = pipeline {
        pipes.push(("pipe.toml".to_string(), p.to_string()));
    }
    let ctx = Context {
        base: net,
        params: &params,
        demand_file: embedded::DEMAND_FILE,
        pipelines: &pipes,
        demand_table: None,
    };
    Scenario::parse("s.toml", text, &ctx).map(|(s, _)| s)
}

fn errors(e: &LoadErrors) -> String {
    e.to_string()
}

/// A project that doubles the Aktau–Alat tariff on a date: a deterministic effect on the
/// price per TEU of the Middle Corridor's containers.
fn tariff_scenario(status: &str, expected: &str) -> String {
    format!(
        r#"
name = "t"
years = [2025, 2028]
[[project]]
id = "dear-ferry"
status = "{status}"
expected = "{expected}"
delay = "none"
src = "S10"
[[project.change]]
set = {{ link = "L-AKTAU-ALAT", field = "tariff", value = "3000 USD/FEU", src = "S10" }}
[[project.change]]
set = {{ link = "L-KURYK-ALAT", field = "tariff", value = "3000 USD/FEU", src = "S10" }}
[run]
warmup_days = 20
"#
    )
}

/// The middle_btk price per TEU by year.
fn btk_cost(s: &Scenario) -> Vec<(i32, f64)> {
    let cache = Cache::new(s);
    let r = run(
        &cache,
        &Options {
            replications: Some(2),
            ..Options::default()
        },
        &|_| {},
    )
    .unwrap();
    r.years
        .iter()
        .map(|y| {
            let c = y
                .kpis
                .corridors
                .iter()
                .find(|c| c.corridor == "middle_btk")
                .expect("middle_btk delivers");
            (y.kpis.year, c.cost_usd_per_teu)
        })
        .collect()
}

#[test]
fn a_project_delayed_by_a_year_moves_its_effect_by_a_year_and_a_cancelled_one_has_none() {
    let on_time =
        btk_cost(&parse(&tariff_scenario("under_construction", "2026-01-01"), None).unwrap());
    let late =
        btk_cost(&parse(&tariff_scenario("under_construction", "2027-01-01"), None).unwrap());
    let cancelled = btk_cost(&parse(&tariff_scenario("cancelled", "2026-01-01"), None).unwrap());
    let base = cancelled[0].1;
    // The tariff rises by 2 × 1000 USD/FEU … per TEU about +1000; the first year's deliveries
    // include some containers priced before it.
    let dearer = |c: f64| c > base + 500.0;
    assert!(!dearer(on_time[0].1), "{on_time:?}");
    assert!(dearer(on_time[1].1) && dearer(on_time[2].1), "{on_time:?}");
    assert!(!dearer(late[0].1) && !dearer(late[1].1), "late: {late:?}");
    assert!(dearer(late[2].1) && dearer(late[3].1), "late: {late:?}");
    for (y, c) in &cancelled {
        assert!(
            (c - base).abs() < 100.0,
            "a cancelled project changes nothing: {y} {c} vs {base}"
        );
    }
}

#[test]
fn a_missing_prerequisite_is_an_error() {
    let text = r#"
name = "t"
years = [2025, 2030]
projects = ["tripp"]
"#;
    let e = errors(&parse(text, None).unwrap_err());
    assert!(
        e.contains("project `tripp` requires `horadiz-aghband`, which is not in the scenario"),
        "{e}"
    );
    assert!(
        e.contains("<embedded>/data/projects.toml:"),
        "the error is at the card's line: {e}"
    );
}

#[test]
fn two_conflicting_projects_are_an_error_naming_both() {
    let pipe = r#"
[[project]]
id = "alat-east"
status = "planned"
expected = "2028-01-01"
src = "S10"
conflicts = ["alat-west"]
[[project.change]]
set = { node = "AZ-ALAT", field = "capacity", value = "300000 TEU/yr", src = "S10" }

[[project]]
id = "alat-west"
status = "planned"
expected = "2028-01-01"
src = "S10"
[[project.change]]
set = { node = "AZ-ALAT", field = "capacity", value = "200000 TEU/yr", src = "S10" }
"#;
    let text = "name = \"t\"\nyears = [2025, 2030]\nprojects = [\"alat-east\", \"alat-west\"]\n";
    let e = errors(&parse(text, Some(pipe)).unwrap_err());
    assert!(
        e.contains("pipe.toml:7: field `conflicts`: projects `alat-east` and `alat-west` conflict"),
        "{e}"
    );
    // Without the declared conflict, the same field set twice is still an error naming both.
    let e = errors(
        &parse(
            text,
            Some(&pipe.replace("conflicts = [\"alat-west\"]\n", "")),
        )
        .unwrap_err(),
    );
    assert!(
        e.contains("projects `alat-west` and `alat-east` both set capacity of `AZ-ALAT`"),
        "{e}"
    );
}

#[test]
fn an_intervention_naming_an_unknown_link_is_an_error_at_its_line_with_a_suggestion() {
    let text = r#"name = "t"
years = [2025, 2026]
[[intervention]]
id = "x"
from = "2025-06-01"
src = "S10"
[[intervention.change]]
close = { links = ["L-AKTAU-ALATT"] }
"#;
    let e = errors(&parse(text, None).unwrap_err());
    assert!(
        e.contains("s.toml:8: field `close.links`: unknown link `L-AKTAU-ALATT`"),
        "{e}"
    );
    assert!(e.contains("did you mean `L-AKTAU-ALAT`?"), "{e}");
}

#[test]
fn a_closure_that_cuts_an_origin_off_is_reported_not_routed_around() {
    // Without its crossings into Kazakhstan and its sea port, China reaches nothing.
    let text = r#"name = "t"
years = [2025, 2026]
[[intervention]]
id = "cut"
from = "2025-06-01"
src = "S10"
[[intervention.change]]
close = { nodes = ["KZ-DOSTYK", "KZ-ALTYNKOL", "CN-SHANGHAI"] }
"#;
    let s = parse(text, None).unwrap();
    let cache = Cache::new(&s);
    let e = run(
        &cache,
        &Options {
            replications: Some(1),
            ..Options::default()
        },
        &|_| {},
    )
    .unwrap_err();
    let msg = e.to_string();
    assert!(
        msg.contains("s.toml:8") && msg.contains("with `cut` in force the network is invalid"),
        "{msg}"
    );
}

#[test]
fn a_closed_route_sends_its_cargo_elsewhere_and_nothing_is_stuck() {
    let (s, _) = embedded::scenario("northern-route-closed")
        .unwrap()
        .unwrap();
    let cache = Cache::new(&s);
    let r = run(
        &cache,
        &Options {
            replications: Some(2),
            years: Some((2025, 2026)),
            ..Options::default()
        },
        &|_| {},
    )
    .unwrap();
    let teu = |y: usize, c: &str| {
        r.years[y]
            .kpis
            .corridors
            .iter()
            .find(|x| x.corridor == c)
            .map(|x| x.teu_delivered.mean)
            .unwrap_or(0.0)
    };
    assert!(
        teu(0, "northern") > 300_000.0,
        "2025: the northern route runs"
    );
    // In 2026 only what was already past Russia and Belarus when they closed arrives (both
    // ways: westbound in the EU, eastbound in Kazakhstan and China).
    assert!(
        teu(1, "northern") < 25_000.0,
        "2026: {}",
        teu(1, "northern")
    );
    let others: f64 = [
        "middle_btk",
        "middle_black_sea",
        "southern",
        "sea_suez",
        "sea_cape",
    ]
    .iter()
    .map(|c| teu(1, c))
    .sum();
    assert!(
        others > teu(0, "middle_btk") + teu(0, "middle_black_sea") + 200_000.0,
        "the cargo moves to other corridors: {others}"
    );
    assert!(
        r.flow_notes.iter().any(|(y, n)| *y == 2026
            && n.note
                .contains("pinned to northern but it has no route there")),
        "{:?}",
        r.flow_notes
    );
}

/// The network of scenario `s` with its interventions in force and no project.
fn with_interventions(s: &Scenario) -> Result<corridor_model::Network, LoadErrors> {
    let f = corridor_scenario::timeline::InForce {
        projects: vec![false; s.projects.len()],
        interventions: vec![true; s.interventions.len()],
    };
    corridor_scenario::timeline::network_at(s, &f, "test")
}

/// A node's capacities of `net`, each with its sources' ids, sorted.
fn capacities(
    net: &corridor_model::Network,
    key: &str,
) -> Vec<(corridor_model::units::Capacity, Vec<String>)> {
    let n = net.nodes.iter().find(|n| n.key == key).unwrap();
    n.capacity
        .iter()
        .map(|c| {
            let mut keys: Vec<String> = net
                .cited(c.cite)
                .iter()
                .map(|src| net.source(*src).key.clone())
                .collect();
            keys.sort();
            (c.value, keys)
        })
        .collect()
}

#[test]
fn scaling_a_capacity_of_two_figures_scales_both_and_cites_the_change_in_each_group() {
    let s = parse(
        r#"
name = "alat-doubled"
years = [2025, 2026]
[[intervention]]
id = "alat-x2"
from = "2025-01-01"
src = "S10"
[[intervention.change]]
scale = { node = "AZ-ALAT", field = "capacity", factor = 2.0, src = "S10" }
"#,
        None,
    )
    .unwrap();
    let net = with_interventions(&s).unwrap_or_else(|e| panic!("{e}"));
    let (before, after) = (capacities(&s.base, "AZ-ALAT"), capacities(&net, "AZ-ALAT"));
    assert_eq!(
        before.len(),
        2,
        "Alat has a TEU and a tonnage capacity: {before:?}"
    );
    assert_eq!(after.len(), 2, "{after:?}");
    for ((b, bs), (a, as_)) in before.iter().zip(&after) {
        assert_ne!(a, b);
        let mut want = bs.clone();
        want.push("S10".into());
        want.sort();
        want.dedup();
        assert_eq!(*as_, want, "{a:?}: its own sources and the change's");
    }
}

#[test]
fn scaling_one_figure_of_a_capacity_leaves_the_other_and_its_sources() {
    use corridor_model::units::Capacity;
    // Dostyk: 14 trains/d [S350] and 20 Mt/yr [S67]; the exchange's doubling is of trains.
    let s = parse(
        r#"
name = "dostyk-trains"
years = [2025, 2026]
[[intervention]]
id = "trains-x2"
from = "2025-01-01"
src = "S350"
[[intervention.change]]
scale = { node = "KZ-DOSTYK", field = "capacity", figure = "units", factor = 2.0, src = "S403" }
[[intervention.change]]
scale = { node = "AZ-ALAT", field = "capacity", figure = "tonnes", factor = 0.5, src = "S403" }
"#,
        None,
    )
    .unwrap();
    let net = with_interventions(&s).unwrap_or_else(|e| panic!("{e}"));
    let strs = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    assert_eq!(
        capacities(&net, "KZ-DOSTYK"),
        [
            (Capacity::TrainsPerDay(28.0), strs(&["S350", "S403"])),
            (Capacity::MtPerYear(20.0), strs(&["S67"])),
        ]
    );
    assert_eq!(
        capacities(&net, "AZ-ALAT"),
        [
            (Capacity::TeuPerYear(150_000.0), strs(&["S47"])),
            (Capacity::MtPerYear(7.5), strs(&["S403", "S43"])),
        ]
    );
}

#[test]
fn a_figure_the_row_lacks_or_misnamed_or_of_another_field_is_an_error() {
    let text = |change: &str| {
        format!(
            "name = \"t\"\nyears = [2025, 2026]\n[[intervention]]\nid = \"x\"\nfrom = \"2025-06-01\"\nsrc = \"S10\"\n[[intervention.change]]\n{change}\n"
        )
    };
    let cases = [
        (
            r#"scale = { node = "KZ-DOSTYK", field = "capacity", figure = "tons", factor = 2.0, src = "S10" }"#,
            "s.toml:8: field `scale.figure`: unknown figure `tons`",
        ),
        (
            r#"scale = { node = "KZ-DOSTYK", field = "dwell", figure = "units", factor = 2.0, src = "S10" }"#,
            "s.toml:8: field `scale.figure`: `figure` picks one of a capacity's figures",
        ),
    ];
    for (change, want) in cases {
        let e = errors(&parse(&text(change), None).unwrap_err());
        assert!(e.contains(want), "{change}: {e}");
    }
    // Khorgos/Altynkol has one figure, in TEU: its tonnes cannot be scaled.
    let s = parse(
        &text(
            r#"scale = { node = "KZ-ALTYNKOL", field = "capacity", figure = "tonnes", factor = 2.0, src = "S10" }"#,
        ),
        None,
    )
    .unwrap();
    let e = errors(&with_interventions(&s).unwrap_err());
    assert!(
        e.contains("KZ-ALTYNKOL capacity") && e.contains("has no figure in tonnes"),
        "{e}"
    );
}
