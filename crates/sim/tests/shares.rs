//! A demand row may give its corridor as its current share (`share:KEY`) rather than a pin:
//! its table volume stays on that corridor, and what a demand factor adds above it chooses
//! among the corridors by the capacity-restrained route choice, so growth can reroute.

use corridor_model::embedded;
use corridor_route::time::Instant;
use corridor_sim::ops::{self, FlowShares, Plan};
use corridor_sim::ops_input::{self, OpsInput};
use std::sync::Arc;

const HEADER: &str = "from,to,teu_per_year,tonnes_per_year,corridor,src,note\n";

fn choice(corridor: &str, factor: f64) -> Vec<FlowShares> {
    let net = embedded::network().unwrap();
    let demand = format!("{HEADER}CN-XIAN,DE-DUISBURG,143400,,{corridor},S31,Xi'an to Duisburg\n");
    let parsed = ops_input::parse(
        &net,
        "simulation.toml",
        ops_input::DEFAULT_SIMULATION,
        "demand.csv",
        &demand,
    )
    .unwrap();
    let start = Instant::from_civil(2024, 1, 1, 0.0).0;
    let input = OpsInput::from_parsed(parsed, factor, start, 5.0, 0.0);
    let plan = Plan::new(Arc::new(net), input).unwrap();
    ops::run(&plan, 1, 1, &|_| {}).route_choice
}

fn share_of(f: &FlowShares, corridor: &str) -> f64 {
    f.shares
        .iter()
        .filter(|(c, _)| c == corridor)
        .map(|(_, s)| s)
        .sum()
}

#[test]
fn a_share_row_keeps_its_volume_and_its_growth_chooses() {
    // At the table's volume a share row is pinned: one flow, all on its corridor.
    let c = choice("share:northern", 1.0);
    assert_eq!(c.len(), 1, "{c:?}");
    assert_eq!(c[0].method, "pinned");
    assert!((c[0].teu_per_year - 143_400.0).abs() < 1e-6, "{c:?}");
    // At 1.5 the 143,400 TEU stay on the northern route and the 71,700 added choose.
    let c = choice("share:northern", 1.5);
    assert_eq!(c.len(), 2, "{c:?}");
    let pinned = c.iter().find(|f| f.method == "pinned").unwrap();
    let free = c.iter().find(|f| f.method == "logit").unwrap();
    assert!((pinned.teu_per_year - 143_400.0).abs() < 1e-6, "{pinned:?}");
    assert!(
        (share_of(pinned, "northern") - 1.0).abs() < 1e-12,
        "{pinned:?}"
    );
    assert!((free.teu_per_year - 71_700.0).abs() < 1e-6, "{free:?}");
    let elsewhere = 1.0 - share_of(free, "northern");
    assert!(
        elsewhere > 0.0,
        "the growth never leaves the northern route: {free:?}"
    );
    // A pinned row's growth stays where it is pinned.
    let c = choice("northern", 1.5);
    assert_eq!(c.len(), 1, "{c:?}");
    assert_eq!(c[0].method, "pinned");
    assert!((c[0].teu_per_year - 215_100.0).abs() < 1e-6, "{c:?}");
}

#[test]
fn a_share_without_a_corridor_is_an_error_at_its_field() {
    let net = embedded::network().unwrap();
    for (text, want) in [
        ("share:", "`share:` names no corridor"),
        ("share:nothern", "unknown corridor `nothern`"),
    ] {
        let demand = format!("{HEADER}CN-XIAN,DE-DUISBURG,100,,{text},S31,x\n");
        let e = ops_input::parse(
            &net,
            "simulation.toml",
            ops_input::DEFAULT_SIMULATION,
            "demand.csv",
            &demand,
        )
        .unwrap_err()
        .to_string();
        assert!(
            e.contains("demand.csv:2:5: field `corridor`: ") && e.contains(want),
            "{e}"
        );
    }
}
