//! A network that changes mid-run: epochs of a timeline swap the network and the demand;
//! units keep their paths, a unit whose way ahead closes goes on by a detour from where it
//! stands (or waits there, stranded, when there is none), and every unit is delivered or
//! still in the system at the end.

use corridor_model::{DatasetInput, Network, embedded, load};
use corridor_route::time::Instant;
use corridor_sim::ops::{self, EpochPlan, Plan, Report};
use corridor_sim::ops_input::{self, OpsInput, Parsed};
use std::sync::Arc;

fn params(net: &Network) -> Parsed {
    ops_input::parse(
        net,
        "simulation.toml",
        ops_input::DEFAULT_SIMULATION,
        "demand.csv",
        ops_input::DEFAULT_DEMAND,
    )
    .unwrap()
}

/// The embedded dataset without the rows whose id is in `ids` (in any table), and with
/// `dataset.toml` edited by `toml`.
fn without(ids: &[&str], toml: impl Fn(&str) -> String) -> Network {
    let texts: Vec<(&str, Vec<u8>)> = embedded::file_names()
        .iter()
        .zip(embedded::TEXTS)
        .map(|(n, t)| {
            let kept: String = if *n == "dataset.toml" {
                toml(t)
            } else {
                t.lines()
                    .filter(|l| !ids.iter().any(|id| l.starts_with(&format!("{id},"))))
                    .map(|l| format!("{l}\n"))
                    .collect()
            };
            (*n, kept.into_bytes())
        })
        .collect();
    load(&DatasetInput::texts("changed", &texts)).unwrap_or_else(|e| panic!("{e}"))
}

const START: (i32, u32, u32) = (2024, 1, 1);

fn start() -> f64 {
    Instant::from_civil(START.0, START.1, START.2, 0.0).0
}

fn run(plan: &Plan, reps: u64) -> Report {
    rayon::ThreadPoolBuilder::new()
        .num_threads(2)
        .build()
        .unwrap()
        .install(|| ops::run(plan, 42, reps, &|_| {}))
}

fn link_month(r: &Report, link: &str, month: usize) -> f64 {
    r.links
        .iter()
        .find(|l| l.link == link)
        .map(|l| l.monthly_teu[month])
        .unwrap_or(0.0)
}

#[test]
fn a_one_epoch_timeline_is_the_network_as_it_is() {
    let net = embedded::network().unwrap();
    let p = params(&net);
    let input = OpsInput::from_parsed(p.clone(), 1.0, start(), 60.0, 10.0);
    let a = run(
        &Plan::new(std::sync::Arc::new(net.clone()), input).unwrap(),
        3,
    );
    let epoch = EpochPlan::new(
        std::sync::Arc::new(net.clone()),
        p.flows.clone(),
        &p,
        1.0,
        start(),
    )
    .unwrap();
    let plan = Plan::timeline(p, vec![(start(), Arc::new(epoch))], start(), 60.0, 10.0).unwrap();
    let b = run(&plan, 3);
    assert_eq!(
        serde_json::to_string(&a).unwrap(),
        serde_json::to_string(&b).unwrap()
    );
}

#[test]
fn a_service_stopped_mid_year_carries_nothing_after_and_its_cargo_goes_around() {
    let base = embedded::network().unwrap();
    // The Kuryk–Alat crossing closes (a link without a service is travelled without a
    // timetable, so the link goes with it).
    let changed = without(&["S-KURYK-ALAT-FERRY", "L-KURYK-ALAT"], str::to_string);
    let p = params(&base);
    let change = Instant::from_civil(2024, 3, 1, 0.0).0;
    let e0 = EpochPlan::new(
        std::sync::Arc::new(base.clone()),
        p.flows.clone(),
        &p,
        1.0,
        start(),
    )
    .unwrap();
    let e1 = EpochPlan::new(
        std::sync::Arc::new(changed.clone()),
        p.flows.clone(),
        &p,
        1.0,
        change,
    )
    .unwrap();
    let plan = Plan::timeline(
        p,
        vec![(start(), Arc::new(e0)), (change, Arc::new(e1))],
        start(),
        150.0,
        0.0,
    )
    .unwrap();
    let r = run(&plan, 2);
    assert_eq!(
        r.generated,
        r.delivered + r.in_system,
        "conservation across epochs"
    );
    // Before the change the Kuryk ferry sails; a month after it, nothing crosses there.
    assert!(link_month(&r, "L-KURYK-ALAT", 1) > 500.0, "February");
    for m in 3..5 {
        assert_eq!(link_month(&r, "L-KURYK-ALAT", m), 0.0, "month {}", m + 1);
    }
    // Its cargo crosses from Aktau instead, waiting units included: none is stranded.
    assert!(link_month(&r, "L-AKTAU-ALAT", 3) > link_month(&r, "L-AKTAU-ALAT", 1));
    assert_eq!(r.stranded, 0);
    let ferry = r
        .resources
        .iter()
        .find(|x| x.name == "S-KURYK-ALAT-FERRY")
        .unwrap();
    assert!(
        ferry.batches.mean > 0.0 && ferry.monthly_teu[4] == 0.0,
        "{ferry:?}"
    );
}

#[test]
fn a_closure_with_no_way_around_strands_units_and_says_so() {
    let base = embedded::network().unwrap();
    // Alat, Azerbaijan's port, is cut off: cargo bound for it has nowhere to go.
    let changed = without(
        &[
            "L-AKTAU-ALAT",
            "L-KURYK-ALAT",
            "L-TURKMENBASHI-ALAT",
            "L-ALAT-BOYUKKESIK",
            "S-AKTAU-ALAT-FEEDER",
            "S-AKTAU-ALAT-FERRY",
            "S-KURYK-ALAT-FERRY",
            "S-TMB-ALAT-FERRY",
        ],
        |t| t.replace("\"AZ-ALAT\", ", ""),
    );
    let p = params(&base);
    let change = Instant::from_civil(2024, 2, 1, 0.0).0;
    // The new epoch's demand has no Middle Corridor flows (they would have no route).
    let caspian: Vec<_> = p
        .flows
        .iter()
        .filter(|f| {
            let c = f
                .corridor
                .map(|c| base.corridors[c.0 as usize].key.as_str());
            !matches!(c, Some("middle_btk" | "middle_black_sea"))
        })
        .cloned()
        .collect();
    let e0 = EpochPlan::new(
        std::sync::Arc::new(base.clone()),
        p.flows.clone(),
        &p,
        1.0,
        start(),
    )
    .unwrap();
    let e1 = EpochPlan::new(
        std::sync::Arc::new(changed.clone()),
        caspian,
        &p,
        1.0,
        change,
    )
    .unwrap();
    let plan = Plan::timeline(
        p,
        vec![(start(), Arc::new(e0)), (change, Arc::new(e1))],
        start(),
        90.0,
        0.0,
    )
    .unwrap();
    let r = run(&plan, 2);
    assert_eq!(r.generated, r.delivered + r.in_system);
    assert!(
        r.stranded > 0,
        "units waiting for the Caspian crossing are stranded"
    );
    assert!(r.in_system >= r.stranded);
    for m in 2..3 {
        assert_eq!(link_month(&r, "L-AKTAU-ALAT", m), 0.0);
    }
}

#[test]
fn demand_of_a_later_epoch_drives_the_arrivals() {
    let net = embedded::network().unwrap();
    let p = params(&net);
    let change = Instant::from_civil(2024, 4, 1, 0.0).0;
    let e0 = EpochPlan::new(
        std::sync::Arc::new(net.clone()),
        p.flows.clone(),
        &p,
        1.0,
        start(),
    )
    .unwrap();
    let e1 = EpochPlan::new(
        std::sync::Arc::new(net.clone()),
        p.flows.clone(),
        &p,
        2.0,
        change,
    )
    .unwrap();
    let plan = Plan::timeline(
        p,
        vec![(start(), Arc::new(e0)), (change, Arc::new(e1))],
        start(),
        182.0,
        0.0,
    )
    .unwrap();
    let r = run(&plan, 4);
    let expected = plan.expected_units() * 4.0;
    let rel = (r.generated as f64 - expected).abs() / expected;
    assert!(
        rel < 0.01,
        "generated {} against {expected:.0}",
        r.generated
    );
    // A recorder of one's own: units generated by month, which double from April.
    let (by_month, _) = ops::replicate_into(&plan, 7, 0, ByMonth([0; 12]));
    let m = by_month.0;
    let ratio = (m[3] + m[4]) as f64 / (m[1] + m[2]) as f64;
    // Days: February 29 + March 31 = 60, April 30 + May 31 = 61; twice the rate.
    assert!((ratio - 2.0 * 61.0 / 60.0).abs() < 0.05, "{m:?}");
}

/// Counts the units generated in each calendar month.
struct ByMonth([u64; 12]);

impl ops::Recorder for ByMonth {
    fn generated(&mut self, now: f64, _u: &ops::UnitInfo) {
        self.0[Instant(now).month() as usize - 1] += 1;
    }
}
