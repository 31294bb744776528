//! Golden baselines of every embedded scenario: the year-by-year summary of a short run
//! (two replications over the whole horizon) is committed under `tests/golden/`; a change
//! of behaviour shows as a readable diff, accepted with
//! `UPDATE_GOLDEN=1 cargo test -p corridor-scenario --test golden` after reading `git diff`.
//! Scenarios that do not saturate must not leave units stuck.

use corridor_scenario::embedded;
use corridor_scenario::run::{Options, ScenarioRun, run};
use corridor_scenario::timeline::Cache;
use serde_json::{Value, json};
use std::path::PathBuf;

fn golden_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/golden")
}

fn summary(r: &ScenarioRun) -> Value {
    json!({
        "scenario": r.scenario,
        "years": r.years.iter().map(|y| json!({
            "year": y.kpis.year,
            "demand_teu": y.demand_teu,
            "demand_tonnes": y.demand_tonnes,
            "backlog_teu": y.kpis.backlog_teu.mean,
            "corridors": y.kpis.corridors.iter().map(|c| (c.corridor.clone(), json!({
                "teu_offered": c.teu_offered.mean,
                "teu_delivered": c.teu_delivered.mean,
                "tonnes_delivered": c.tonnes_delivered.mean,
                "p50_days": c.p50_days,
                "p90_days": c.p90_days,
                "cost_usd_per_teu": c.cost_usd_per_teu,
                "co2e_kg_per_teu": c.co2e_kg_per_teu,
            }))).collect::<serde_json::Map<_, _>>(),
            "top_bottlenecks": y.kpis.resources.iter().take(3).map(|b| json!({"name": b.name, "utilisation": b.utilisation.mean})).collect::<Vec<_>>(),
            "in_force": y.in_force.iter().map(|f| json!({"id": f.id, "share": f.share})).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "saturation": r.saturation,
        "stuck_units": r.stuck_units,
        "projects_ready_by": r.projects.iter().map(|p| (p.id.clone(), json!(p.ready_by))).collect::<serde_json::Map<_, _>>(),
        "flow_notes": r.flow_notes.iter().map(|(y, n)| format!("{y}: {}: {}", n.flow, n.note)).collect::<Vec<_>>(),
    })
}

fn check(name: &str, saturates: bool) {
    let (s, _) = embedded::scenario(name).unwrap().unwrap();
    let cache = Cache::new(&s);
    let r = run(
        &cache,
        &Options {
            replications: Some(2),
            ..Options::default()
        },
        &|_| {},
    )
    .unwrap();
    let text = serde_json::to_string_pretty(&summary(&r)).unwrap() + "\n";
    let path = golden_dir().join(format!("scenario-{name}.json"));
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
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
    if saturates {
        assert!(!r.saturation.is_empty(), "{name} is expected to saturate");
        assert!(
            r.stuck_units > 0,
            "{name}: a saturated corridor leaves units stuck, and says so"
        );
    } else {
        assert!(r.saturation.is_empty(), "{name}: {:?}", r.saturation);
        let generated: f64 =
            r.years.iter().map(|y| y.kpis.generated.mean).sum::<f64>() * r.replications as f64;
        assert!(
            (r.stuck_units as f64) <= generated * 1e-3,
            "{name}: {} units stuck of {generated}",
            r.stuck_units
        );
    }
}

#[test]
fn baseline() {
    check("baseline", false);
}

#[test]
fn middle_corridor_2030() {
    check("middle-corridor-2030", true);
}

#[test]
fn red_sea_closure() {
    check("red-sea-closure", false);
}

#[test]
fn northern_route_closed() {
    check("northern-route-closed", false);
}

#[test]
fn caspian_low_water() {
    check("caspian-low-water", false);
}

#[test]
fn every_embedded_scenario_has_a_golden_baseline() {
    let tested = [
        "baseline",
        "middle-corridor-2030",
        "red-sea-closure",
        "northern-route-closed",
        "caspian-low-water",
    ];
    assert_eq!(embedded::names().collect::<Vec<_>>(), tested);
}
