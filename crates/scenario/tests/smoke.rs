//! Smoke tests of the embedded scenarios.

use corridor_scenario::{embedded, run, timeline};

#[test]
fn every_embedded_scenario_parses() {
    for name in embedded::names() {
        match embedded::scenario(name).unwrap() {
            Ok((s, w)) => eprintln!(
                "{name}: {} projects, {} interventions, {} warnings",
                s.projects.len(),
                s.interventions.len(),
                w.len()
            ),
            Err(e) => panic!("{name}: {e}"),
        }
    }
}

#[test]
fn smoke_run() {
    let (s, _) = embedded::scenario("middle-corridor-2030").unwrap().unwrap();
    let cache = timeline::Cache::new(&s);
    let t = std::time::Instant::now();
    let r = run::run(
        &cache,
        &run::Options {
            replications: Some(2),
            years: Some((2025, 2026)),
            ..Default::default()
        },
        &|_| {},
    )
    .unwrap();
    eprintln!("{:?}", t.elapsed());
    eprintln!("{}", serde_json::to_string_pretty(&r.saturation).unwrap());
    for y in &r.years {
        eprintln!("{} demand {:.0}", y.kpis.year, y.demand_teu);
        for c in &y.kpis.corridors {
            eprintln!(
                "  {} {:.0}/{:.0} p50 {:.1}",
                c.corridor, c.teu_delivered.mean, c.teu_offered.mean, c.p50_days
            );
        }
    }
}
