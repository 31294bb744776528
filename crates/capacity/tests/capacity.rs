//! Capacity questions on the embedded network and on scenarios: the maximum flow is its
//! cut, a relieved bottleneck moves the cut, a delayed project moves the saturation year.

use corridor_capacity::graph::{Cargo, CorridorGraph, Groups};
use corridor_capacity::maxcut::{answer, capacity};
use corridor_capacity::saturation::saturation;
use corridor_scenario::scenario::Context;
use corridor_scenario::{Scenario, embedded};

#[test]
fn the_maximum_flow_is_the_sum_of_its_cut_and_each_cut_is_tighter_than_the_next() {
    let (net, params) = embedded::base().unwrap();
    let g = Groups::parse(&net, "CN", "EU").unwrap();
    for c in [
        None,
        net.corridor_by_key("middle_btk"),
        net.corridor_by_key("northern"),
    ] {
        let a = capacity(&net, &params, &g, Cargo::Containers, c, 3).unwrap();
        for cut in &a.cuts {
            let sum: f64 = cut.bottlenecks.iter().map(|b| b.capacity.floor()).sum();
            assert_eq!(
                sum,
                cut.max_flow,
                "{c:?}: {:?}",
                cut.bottlenecks.iter().map(|b| &b.name).collect::<Vec<_>>()
            );
        }
        for w in a.cuts.windows(2) {
            // Relieving a cut never lowers the maximum (another cut of the same capacity may
            // lie behind it).
            assert!(
                w[1].max_flow >= w[0].max_flow,
                "{} then {}",
                w[0].max_flow,
                w[1].max_flow
            );
            assert_ne!(
                w[0].bottlenecks.iter().map(|b| &b.name).collect::<Vec<_>>(),
                w[1].bottlenecks.iter().map(|b| &b.name).collect::<Vec<_>>(),
                "the next cut is another one"
            );
        }
    }
}

#[test]
fn the_middle_corridor_binds_where_the_sources_say() {
    let (net, params) = embedded::base().unwrap();
    let g = Groups::parse(&net, "CN", "EU").unwrap();
    let btk = capacity(
        &net,
        &params,
        &g,
        Cargo::Containers,
        net.corridor_by_key("middle_btk"),
        2,
    )
    .unwrap();
    // Marmaray's night window: 730 freight slots a year of 18 wagons × 1.85 TEU [E-MARMARAY].
    assert_eq!(btk.cuts[0].bottlenecks.len(), 1);
    assert!(
        btk.cuts[0].bottlenecks[0]
            .name
            .starts_with("services on L-GEBZE-ISTANBUL"),
        "{:?}",
        btk.cuts[0].bottlenecks[0].name
    );
    assert_eq!(btk.max_flow(), (730.0f64 * 18.0 * 1.85).floor());
    let northern = capacity(
        &net,
        &params,
        &g,
        Cargo::Containers,
        net.corridor_by_key("northern"),
        1,
    )
    .unwrap();
    assert_eq!(northern.cuts[0].bottlenecks[0].name, "PL-MALASZEWICZE");
    assert_eq!(northern.max_flow(), 14.0 * 365.0 * 100.0);
    // Wagonload from Kazakhstan to the Caucasus: the ferries bind, not the container terminals.
    let g = Groups::parse(&net, "KZ-SHU", "AZ-ALAT,GE-POTI,GE-BATUMI").unwrap();
    let w = capacity(&net, &params, &g, Cargo::Wagonload, None, 1).unwrap();
    assert!(
        w.cuts[0]
            .bottlenecks
            .iter()
            .all(|b| b.name.starts_with("services on") || b.name.starts_with("L-")),
        "{:?}",
        w.cuts[0].bottlenecks
    );
}

#[test]
fn unknown_places_are_errors_with_suggestions() {
    let (net, _) = embedded::base().unwrap();
    let e = Groups::parse(&net, "CN-XIANN", "EU")
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("`CN-XIANN` is neither a country code") && e.contains("did you mean `CN-XIAN`?"),
        "{e}"
    );
    let e = Groups::parse(&net, "CN", "US").unwrap_err().to_string();
    assert!(e.contains("`US` names no node of the network"), "{e}");
}

fn scenario(text: &str) -> Scenario {
    let (net, params) = embedded::base().unwrap();
    let pipes = embedded::pipelines();
    let ctx = Context {
        base: net,
        params: &params,
        demand_file: embedded::DEMAND_FILE,
        pipelines: &pipes,
        demand_table: None,
    };
    Scenario::parse("s.toml", text, &ctx).unwrap().0
}

fn marmaray(expected: &str) -> String {
    format!(
        r#"name = "m"
years = [2025, 2030]
[[project]]
id = "marmaray-day-slots"
status = "under_construction"
expected = "{expected}"
delay = "none"
src = "E-MARMARAY"
[[project.change]]
scale = {{ service = "S-MARMARAY-FREIGHT", field = "schedule", factor = 10.0, src = "E-MARMARAY" }}
[demand]
growth = 0.5
growth_src = "S10"
"#
    )
}

#[test]
fn a_relieved_bottleneck_moves_the_cut_and_a_delayed_project_moves_the_saturation_year() {
    let early = scenario(&marmaray("2026-01-01"));
    let late = scenario(&marmaray("2029-01-01"));
    // The cut on the network in force once the project is in.
    let cache = corridor_scenario::timeline::Cache::new(&early);
    let d = corridor_scenario::timeline::Draw::firm(&early);
    let f = corridor_scenario::timeline::InForce::at(
        &early,
        &d,
        corridor_route::time::Instant::from_civil(2027, 1, 1, 0.0).0,
    );
    let net = cache.network(&f).unwrap();
    let g = CorridorGraph::build(
        &net,
        &early.params,
        Cargo::Containers,
        net.corridor_by_key("middle_btk"),
    );
    let groups = Groups::parse(&net, "CN", "EU").unwrap();
    let a = answer(&net, &g, &groups, 1).unwrap();
    // The window's ten times the slots: the line's 845 trains a year bind instead.
    assert!(
        a.cuts[0]
            .bottlenecks
            .iter()
            .all(|b| !b.name.starts_with("services on L-GEBZE-ISTANBUL")),
        "the window is relieved: {:?}",
        a.cuts[0].bottlenecks
    );
    assert!(a.max_flow() > 24_309.0, "{}", a.max_flow());
    // The Istanbul flow (11,300 TEU in 2024) grows 50 % a year: over Marmaray's
    // 24,309 TEU at once; with ten times the slots, the next bottleneck later.
    let first = |s: &Scenario| {
        saturation(s, 1, 42)
            .unwrap()
            .first
            .into_iter()
            .find(|f| f.corridor == "middle_btk")
            .unwrap()
            .p50
    };
    let (e, l) = (first(&early), first(&late));
    // Late (2029): Marmaray's 24,309 TEU are passed in 2026. Early (2026): the corridor's two
    // flows, 31,075 TEU in 2024 × 1.5⁴ = 157,000 TEU in 2028, pass Alat's 150,000 first.
    assert_eq!((l, e), (Some(2026), Some(2028)), "late {l:?}, early {e:?}");
}
