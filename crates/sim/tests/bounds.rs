//! What the reliability attack found in the operations model: a demand table of many
//! identical rows routed once per row (memory and time without bound), confidence
//! intervals below zero or of zero width, and queues a rounding error below zero.

use corridor_model::embedded;
use corridor_model::network::{CorridorId, NodeId};
use corridor_route::time::Instant;
use corridor_sim::ops::{self, EpochPlan, Plan, PlanError};
use corridor_sim::ops_input::{self, Flow, OpsInput};
use std::sync::Arc;

fn plan(demand: &str, year: i32, days: f64, warmup: f64) -> Plan {
    let net = embedded::network().unwrap();
    let parsed = ops_input::parse(
        &net,
        "simulation.toml",
        ops_input::DEFAULT_SIMULATION,
        "d.csv",
        demand,
    )
    .unwrap();
    let input = OpsInput::from_parsed(
        parsed,
        1.0,
        Instant::from_civil(year, 1, 1, 0.0).0,
        days,
        warmup,
    );
    Plan::new(Arc::new(net), input).unwrap()
}

#[test]
fn identical_rows_are_one_flow() {
    let mut d = String::from("from,to,teu_per_year,tonnes_per_year,corridor,src,note\n");
    for _ in 0..20_000 {
        d.push_str("CN-XIAN,DE-DUISBURG,1,,,S10,x\n");
    }
    d.push_str("CN-XIAN,DE-DUISBURG,5,,northern,S10,pinned: another flow\n");
    let p = plan(&d, 2024, 5.0, 0.0);
    let shares = p.shares();
    assert_eq!(
        shares.len(),
        2,
        "20,000 identical rows are one flow, the pinned row another"
    );
    assert_eq!(shares[0].teu_per_year, 20_000.0);
    assert_eq!(shares[1].teu_per_year, 5.0);
}

#[test]
fn more_distinct_flows_than_a_run_routes_is_an_error_before_any_routing() {
    let net = Arc::new(embedded::network().unwrap());
    let params = ops_input::parse(
        &net,
        "s",
        ops_input::DEFAULT_SIMULATION,
        "d",
        ops_input::DEFAULT_DEMAND,
    )
    .unwrap();
    let n = net.nodes.len() as u32;
    let mut flows = Vec::new();
    'all: for a in 0..n {
        for b in 0..n {
            for c in 0..=net.corridors.len() as u16 {
                for wagons in [false, true] {
                    if a != b {
                        flows.push(Flow {
                            from: NodeId(a),
                            to: NodeId(b),
                            teu_per_year: if wagons { 0.0 } else { 1.0 },
                            tonnes_per_year: if wagons { 1.0 } else { 0.0 },
                            corridor: (c > 0).then(|| CorridorId(c - 1)),
                            share_base: None,
                            line: 2,
                        });
                    }
                    if flows.len() > ops::MAX_FLOWS {
                        break 'all;
                    }
                }
            }
        }
    }
    let t = std::time::Instant::now();
    let e = EpochPlan::new(net, flows, &params, 1.0, 0.0)
        .err()
        .expect("refused");
    assert_eq!(
        e,
        PlanError::TooManyFlows {
            flows: ops::MAX_FLOWS + 1
        }
    );
    assert!(e.to_string().contains("a run routes at most 10000"), "{e}");
    assert!(t.elapsed().as_secs_f64() < 5.0, "refused before routing");
}

#[test]
fn intervals_are_never_below_zero_and_absent_for_one_replication() {
    let p = plan(ops_input::DEFAULT_DEMAND, 2024, 40.0, 10.0);
    let r = ops::run(&p, 42, 2, &|_| {});
    let json = serde_json::to_value(&r).unwrap();
    let mut lows = Vec::new();
    fn walk(v: &serde_json::Value, path: &str, lows: &mut Vec<(String, f64)>) {
        match v {
            serde_json::Value::Object(m) => {
                for (k, x) in m {
                    if k == "ci95" {
                        if let Some(lo) = x.get(0).and_then(|l| l.as_f64()) {
                            lows.push((path.to_string(), lo));
                        }
                    } else {
                        walk(x, &format!("{path}.{k}"), lows);
                    }
                }
            }
            serde_json::Value::Array(a) => a
                .iter()
                .enumerate()
                .for_each(|(i, x)| walk(x, &format!("{path}[{i}]"), lows)),
            _ => {}
        }
    }
    walk(&json, "", &mut lows);
    assert!(lows.len() > 50, "{} intervals", lows.len());
    let negative: Vec<_> = lows.iter().filter(|x| x.1 < 0.0).collect();
    assert!(negative.is_empty(), "{negative:?}");
    let one = ops::run(&p, 42, 1, &|_| {});
    assert!(
        one.corridors
            .iter()
            .all(|c| c.p50_days.ci95.is_none() && c.teu_delivered.ci95.is_none())
    );
}

#[test]
fn queues_are_never_below_zero() {
    // Five days after a year of warm-up (the attack's case): every mean queue and wait ≥ 0.
    let p = plan(ops_input::DEFAULT_DEMAND, 1970, 5.0, 365.0);
    let r = ops::run(&p, 42, 1, &|_| {});
    for x in &r.resources {
        assert!(
            x.mean_queue_teu.mean >= 0.0,
            "{}: {}",
            x.name,
            x.mean_queue_teu.mean
        );
        if let Some(w) = &x.mean_wait_h {
            assert!(w.mean >= 0.0, "{}: {}", x.name, w.mean);
        }
    }
}
