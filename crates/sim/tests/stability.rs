//! The stability verdict and the calibration measure on the embedded dataset: the observed
//! 2024 flows keep up, +50 % does not (the backlog grows behind Małaszewicze and the
//! Caspian ferries to Alat, at the rate arrivals exceed deliveries), and the Brest row of
//! the calibration counts the containers carried through Małaszewicze, not those queued.

use corridor_model::embedded;
use corridor_route::time::Instant;
use corridor_sim::ops::{self, Plan, Report, Verdict};
use corridor_sim::ops_input::{self, OpsInput};
use std::sync::Arc;

fn run(demand: &str, factor: f64, reps: u64) -> Report {
    let net = embedded::network().unwrap();
    let parsed = ops_input::parse(
        &net,
        "simulation.toml",
        ops_input::DEFAULT_SIMULATION,
        "demand.csv",
        demand,
    )
    .unwrap();
    let start = Instant::from_civil(2024, 1, 1, 0.0).0;
    let input = OpsInput::from_parsed(parsed, factor, start, 365.0, 30.0);
    let plan = Plan::new(Arc::new(net), input).unwrap();
    ops::run(&plan, 42, reps, &|_| {})
}

#[test]
fn the_observed_2024_flows_keep_up_and_no_resource_saturates() {
    let r = run(ops_input::DEFAULT_DEMAND, 1.0, 10);
    let s = &r.stability;
    // The backlog does not grow: its trend is a small fraction of a percent of arrivals.
    assert_ne!(s.verdict, Verdict::Unstable, "{}", s.text);
    let share = s.backlog_growth_teu_per_day.mean / s.arrived_teu_per_day.mean;
    assert!(share.abs() < ops::MATERIAL_GROWTH, "{share}: {}", s.text);
    // Dostyk carries its crossing's 14 trains a day [S350], not the station's 760 TEU a
    // day (where it ran at 98 %): every resource keeps spare capacity, the busiest being
    // Małaszewicze with the eastbound trains (~93 %).
    assert_eq!(s.verdict, Verdict::Stable, "{}", s.text);
    let dostyk = r.resources.iter().find(|x| x.name == "KZ-DOSTYK").unwrap();
    assert!(
        dostyk.utilisation.mean < ops::SATURATED_UTILISATION,
        "{}",
        s.text
    );
    // What arrives is delivered, to within the trend.
    let gap = s.arrived_teu_per_day.mean - s.delivered_teu_per_day.mean;
    assert!(
        (gap - s.backlog_growth_teu_per_day.mean).abs() < 5.0,
        "{gap}"
    );
}

#[test]
fn half_as_much_again_is_unstable_behind_malaszewicze_and_the_alat_ferries() {
    let r = run(ops_input::DEFAULT_DEMAND, 1.5, 6);
    let s = &r.stability;
    assert_eq!(s.verdict, Verdict::Unstable, "{}", s.text);
    let g = &s.backlog_growth_teu_per_day;
    assert!(g.mean > 0.0 && g.ci95.unwrap()[0] > 0.0, "{g:?}");
    // The rate is what arrives a day less what is delivered (the backlog is their
    // difference, accumulated), within 3 %.
    let gap = s.arrived_teu_per_day.mean - s.delivered_teu_per_day.mean;
    assert!((g.mean / gap - 1.0).abs() < 0.03, "{} vs {gap}", g.mean);
    // The first and last days measured differ by about the growth over the window.
    let span = s.backlog_last_day_teu - s.backlog_first_day_teu;
    assert!((span / (g.mean * r.days) - 1.0).abs() < 0.1, "{span}");
    // Where it builds up: Małaszewicze first, with most of it; then the ferries to Alat.
    let names: Vec<&str> = s.at.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names[0], "PL-MALASZEWICZE", "{}", s.text);
    assert!(
        names.contains(&"S-AKTAU-ALAT-FERRY") && names.contains(&"S-KURYK-ALAT-FERRY"),
        "{}",
        s.text
    );
    let mal = &s.at[0];
    assert!(mal.utilisation > 0.99 && mal.mean_wait_h > 100.0, "{mal:?}");
    assert!(mal.queue_growth_teu_per_day.mean > 0.8 * g.mean, "{mal:?}");
    let queued: f64 = s.at.iter().map(|p| p.queue_growth_teu_per_day.mean).sum();
    assert!(queued <= 1.05 * g.mean, "{queued} vs {}", g.mean);
    assert!(
        s.text.starts_with(&format!(
            "unstable: the backlog grows {:.0} TEU/day [",
            g.mean
        )) && s.text.contains("behind PL-MALASZEWICZE ("),
        "{}",
        s.text
    );
    // The calibration has no observation for +50 %.
    assert!(r.calibration.is_empty());
    let note = r.notes.iter().find(|n| n.id == "calibration").unwrap();
    assert!(
        note.text.starts_with("No observation for this case"),
        "{}",
        note.text
    );
}

#[test]
fn the_brest_row_counts_containers_carried_through_malaszewicze_not_those_queued() {
    // At demand factor 1 (so the row is compared), northern flows half as large again:
    // more reaches Małaszewicze over the Brest link than it can serve.
    let demand: String = ops_input::DEFAULT_DEMAND
        .lines()
        .map(|l| {
            let f: Vec<&str> = l.splitn(4, ',').collect();
            if l.contains(",northern,") {
                let teu: f64 = f[2].parse().unwrap();
                format!("{},{},{},{}", f[0], f[1], teu * 1.5, f[3])
            } else {
                l.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    let r = run(&demand, 1.0, 2);
    let brest = r
        .calibration
        .iter()
        .find(|c| c.source.starts_with("S31"))
        .unwrap();
    let node = r
        .resources
        .iter()
        .find(|x| x.name == "PL-MALASZEWICZE")
        .unwrap();
    let link = r
        .links
        .iter()
        .find(|l| l.link == "L-BREST-MALASZEWICZE")
        .unwrap();
    let year = 365.0 / r.days;
    let served = node.throughput_teu.mean * year;
    let entered = link.throughput_teu.mean * year;
    assert!(node.utilisation.mean > 0.99, "{node:?}");
    // Carried = served at the node (only containers pass it), not what entered.
    assert!(
        (brest.simulated.mean / served - 1.0).abs() < 1e-9,
        "{} vs {served}",
        brest.simulated.mean
    );
    assert!(entered > 1.1 * served, "{entered} vs {served}");
}
