//! Unit tests of the operations model that need its internals.

use super::*;
use crate::ops_input::{self, OpsInput};
use corridor_model::network::ServiceKind;
use corridor_route::time::Instant;

#[test]
fn wagons_never_board_container_feeders_or_liners() {
    let net = corridor_model::embedded::network().unwrap();
    let parsed = ops_input::parse(
        &net,
        "simulation.toml",
        ops_input::DEFAULT_SIMULATION,
        "demand.csv",
        ops_input::DEFAULT_DEMAND,
    )
    .unwrap();
    let input = OpsInput::from_parsed(
        parsed,
        1.0,
        Instant::from_civil(2024, 1, 1, 0.0).0,
        30.0,
        1.0,
    );
    let plan = Plan::new(std::sync::Arc::new(net.clone()), input).unwrap();
    let container_only: Vec<&str> = net
        .services
        .iter()
        .filter(|s| matches!(s.kind, ServiceKind::Feeder | ServiceKind::Liner))
        .map(|s| s.key.as_str())
        .collect();
    assert!(!container_only.is_empty());
    let mut wagon_paths = 0;
    let mut container_on_feeder = false;
    for p in &plan.paths {
        let wagon = p.wagon;
        wagon_paths += wagon as usize;
        for leg in &p.legs {
            let Some(q) = leg.queue else { continue };
            let name = &plan.queue_names[q as usize];
            let feeder = container_only.iter().any(|k| name.starts_with(k));
            assert!(!(wagon && feeder), "wagonload path boards {name}");
            container_on_feeder |= !wagon && feeder;
        }
    }
    assert!(wagon_paths > 0, "the default demand has wagonload flows");
    assert!(container_on_feeder, "containers still may use the feeders");
}
