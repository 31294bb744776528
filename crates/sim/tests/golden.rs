//! Golden baselines of whole runs: the summary numbers of curated runs (units, deliveries and
//! transit times per corridor, the top bottlenecks, calibration) are committed under
//! `tests/golden/`; any change of behaviour shows as a readable diff that a person accepts
//! (`UPDATE_GOLDEN=1 cargo test -p corridor-sim --test golden`, then read `git diff`) or
//! rejects. A run that leaves units stuck (generated in the first half of its window and
//! still in the system at the end) beyond 0.1 % of those generated fails loudly.

use corridor_model::embedded;
use corridor_route::time::Instant;
use corridor_sim::ops::{self, Plan, Report};
use corridor_sim::ops_input::{self, OpsInput};
use serde_json::{Value, json};
use std::path::PathBuf;

fn golden_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/golden")
}

/// The numbers a reviewer checks: exact, so any change of behaviour shows.
fn summary(r: &Report) -> Value {
    let corridors: serde_json::Map<String, Value> = r
        .corridors
        .iter()
        .map(|c| {
            (
                c.corridor.clone(),
                json!({
                    "teu_delivered": c.teu_delivered.mean,
                    "tonnes_delivered": c.tonnes_delivered.mean,
                    "p50_days": c.p50_days.mean,
                    "p90_days": c.p90_days.mean,
                }),
            )
        })
        .collect();
    json!({
        "generated": r.generated,
        "delivered": r.delivered,
        "in_system": r.in_system,
        "stuck_units": r.stuck_units,
        "stranded": r.stranded,
        "events": r.events,
        "corridors": corridors,
        "top_bottlenecks": r.resources.iter().take(5).map(|x| json!({
            "name": x.name, "utilisation": x.utilisation.mean, "mean_wait_h": x.mean_wait_h.as_ref().map(|w| w.mean),
        })).collect::<Vec<_>>(),
        "calibration": r.calibration.iter().map(|c| json!({"metric": c.metric, "simulated": c.simulated.mean})).collect::<Vec<_>>(),
        "weather_closed_days": r.weather_closed_days,
    })
}

/// Compare with the committed baseline (or write it with `UPDATE_GOLDEN=1`), showing the
/// lines that differ.
fn check(name: &str, r: &Report) {
    let text = serde_json::to_string_pretty(&summary(r)).unwrap() + "\n";
    let path = golden_dir().join(format!("{name}.json"));
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::create_dir_all(golden_dir()).unwrap();
        std::fs::write(&path, &text).unwrap();
    } else {
        let want = std::fs::read_to_string(&path).unwrap_or_else(|e| {
            panic!(
                "{}: {e}; run with UPDATE_GOLDEN=1 to create it",
                path.display()
            )
        });
        if want != text {
            let (a, b): (Vec<&str>, Vec<&str>) = (want.lines().collect(), text.lines().collect());
            let mut diff = String::new();
            for i in 0..a.len().max(b.len()) {
                let (x, y) = (
                    a.get(i).copied().unwrap_or(""),
                    b.get(i).copied().unwrap_or(""),
                );
                if x != y {
                    diff.push_str(&format!("line {}:\n  - {x}\n  + {y}\n", i + 1));
                }
            }
            panic!(
                "{name}: the run differs from its golden baseline {} (UPDATE_GOLDEN=1 to accept after a deliberate change):\n{diff}",
                path.display()
            );
        }
    }
    let bound = (r.generated as f64 * 1e-3).ceil() as u64;
    assert!(
        r.stuck_units <= bound,
        "{name}: {} units are stuck (generated in the first half of the window, still in the system at the end); bound {bound}",
        r.stuck_units
    );
}

fn run(sim: &str, demand: &str, days: f64, factor: f64) -> Report {
    let net = embedded::network().unwrap();
    let parsed = ops_input::parse(&net, "simulation.toml", sim, "demand.csv", demand).unwrap();
    let start = Instant::from_civil(2024, 1, 1, 0.0).0;
    let plan = Plan::new(
        std::sync::Arc::new(net.clone()),
        OpsInput::from_parsed(parsed, factor, start, days, 30.0),
    )
    .unwrap();
    rayon::ThreadPoolBuilder::new()
        .num_threads(2)
        .build()
        .unwrap()
        .install(|| ops::run(&plan, 42, 2, &|_| {}))
}

#[test]
fn the_2024_baseline() {
    let r = run(
        ops_input::DEFAULT_SIMULATION,
        ops_input::DEFAULT_DEMAND,
        120.0,
        1.0,
    );
    check("simulate-2024", &r);
}

#[test]
fn the_2024_baseline_with_breakdowns_and_a_seasonal_profile() {
    let sim = ops_input::DEFAULT_SIMULATION.replace(
        "containers = [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0]",
        "containers = [0.8, 0.9, 1.0, 1.1, 1.2, 1.1, 1.0, 1.0, 0.9, 1.0, 1.0, 1.0]",
    ) + "\n[[breakdown]]\ntarget = \"KZ-DOSTYK\"\nmtbf_days = 20.0\nrepair_p50_h = 6.0\nrepair_p90_h = 24.0\nsrc = \"E-LOGIT\"\n\n[[breakdown]]\ntarget = \"S-KURYK-ALAT-FERRY\"\nmtbf_days = 30.0\nrepair_p50_h = 12.0\nrepair_p90_h = 48.0\nsrc = \"E-LOGIT\"\n";
    let r = run(&sim, ops_input::DEFAULT_DEMAND, 120.0, 1.0);
    assert_eq!(r.breakdowns.len(), 2);
    check("simulate-2024-breakdowns", &r);
}

#[test]
fn an_overloaded_run_reports_its_stuck_units() {
    // Twice the 2024 demand saturates the Caspian crossings: the stuck count says so.
    let r = run(
        ops_input::DEFAULT_SIMULATION,
        ops_input::DEFAULT_DEMAND,
        120.0,
        2.0,
    );
    assert!(
        r.stuck_units > r.generated / 100,
        "{} of {}",
        r.stuck_units,
        r.generated
    );
}
