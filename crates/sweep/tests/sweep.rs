//! Sweeps in process: plans and their errors, designs, variants set on the scenario, and
//! the determinism of results across shards, orders and thread counts.

use corridor_scenario::{Scenario, embedded};
use corridor_sweep::design::Design;
use corridor_sweep::shard::{SweepError, part_path};
use corridor_sweep::store::read_part;
use corridor_sweep::{Plan, PlanFile, Shard, Sweep, bind, run_shard};
use std::path::Path;

fn red_sea() -> Scenario {
    embedded::scenario("red-sea-closure").unwrap().unwrap().0
}

fn plan(text: &str, base: &Scenario) -> Result<Plan, String> {
    let pf = PlanFile::parse("plan.toml", text).map_err(|e| e.to_string())?;
    bind(&pf, base).map_err(|e| e.to_string())
}

/// A quick sweep: one year, short warm-up, 3 variants × 2 replications.
const SMALL: &str = r#"
name = "small"
scenario = "red-sea-closure"
replications = 2
[[axis]]
param = "demand.growth"
values = [0.0, 0.1, 0.3]
[[axis]]
param = "run.last_year"
values = [2025]
[[axis]]
param = "run.warmup_days"
values = [5]
"#;

#[test]
fn errors_name_file_line_and_field() {
    let base = red_sea();
    let e = plan(
        "name = \"x\"\nscenario = \"red-sea-closure\"\n[[axis]]\nparam = \"intervention.red-sea-close.length_days\"\nvalues = [1]\n",
        &base,
    )
    .unwrap_err();
    assert!(e.contains("plan.toml:4: field `axis.param`"), "{e}");
    assert!(e.contains("did you mean `red-sea-closed`?"), "{e}");
    let e = plan(
        "name = \"x\"\nscenario = \"s\"\n[[axis]]\nparam = \"demand.growht\"\nvalues = [1]\n",
        &base,
    )
    .unwrap_err();
    assert!(e.contains("did you mean `demand.growth`?"), "{e}");
    let e = plan("name = \"x\"\nscenario = \"s\"\n[[axis]]\nparam = \"demand.growth\"\nvalues = [0.1,\n 2.0]\n", &base).unwrap_err();
    assert!(e.contains("plan.toml:6: field `axis.values`: demand.growth: expected a growth a year from -0.5 to 1.0, found 2"), "{e}");
    let e = plan("name = \"x\"\nscenario = \"s\"\n[[axis]]\nparam = \"intervention.red-sea-closed.start\"\nvalues = [\"2026-02-30\"]\n", &base).unwrap_err();
    assert!(
        e.contains("plan.toml:5") && e.contains("is not a date"),
        "{e}"
    );
    let e = plan("name = \"x\"\nscenario = \"s\"\n[[axis]]\nparam = \"demand.growth\"\nrange = { from = 0.0, to = 0.1 }\n", &base).unwrap_err();
    assert!(e.contains("needs a finite list"), "{e}");
    let e = plan("name = \"x\"\nscenario = \"s\"\nreplicatons = 3\n", &base).unwrap_err();
    assert!(
        e.contains("plan.toml:3") && e.contains("unknown field `replicatons`"),
        "{e}"
    );
    let e = plan("name = \"x\"\nscenario = \"s\"\n[[axis]]\nparam = \"intervention.red-sea-closed.factor\"\nvalues = [0.5]\n", &base).unwrap_err();
    assert!(e.contains("has no `scale` change"), "{e}");
    let e = plan("name = \"x\"\nscenario = \"s\"\n[[axis]]\nparam = \"demand.growth\"\nname = \"seed\"\nvalues = [0.5]\n", &base).unwrap_err();
    assert!(
        e.contains("plan.toml:5") && e.contains("is a column of the results"),
        "{e}"
    );
}

#[test]
fn designs_full_factorial_and_latin_hypercube() {
    let base = red_sea();
    let p = plan("name = \"x\"\nscenario = \"s\"\n[[axis]]\nparam = \"demand.growth\"\nrange = { from = 0.1, to = 0.3, step = 0.1 }\n[[axis]]\nparam = \"intervention.red-sea-closed.length_months\"\nvalues = [0, 6]\n", &base).unwrap();
    let vs = p.variants();
    let texts: Vec<Vec<&str>> = vs
        .iter()
        .map(|v| v.levels.iter().map(|l| l.text.as_str()).collect())
        .collect();
    assert_eq!(
        texts,
        [
            ["0.1", "0"],
            ["0.1", "6"],
            ["0.2", "0"],
            ["0.2", "6"],
            ["0.3", "0"],
            ["0.3", "6"]
        ]
    );
    assert_eq!(vs[3].key, "v0003");
    let lhs = "name = \"x\"\nscenario = \"s\"\n[design]\nkind = \"latin-hypercube\"\nsamples = 10\nseed = 7\n[[axis]]\nparam = \"demand.growth\"\nrange = { from = 0.0, to = 0.5 }\n[[axis]]\nparam = \"intervention.red-sea-closed.start\"\nrange = { from = \"2025-01-01\", to = \"2027-12-31\" }\n";
    let p = plan(lhs, &base).unwrap();
    assert_eq!(
        p.design,
        Design::LatinHypercube {
            samples: 10,
            seed: 7
        }
    );
    let vs = p.variants();
    assert_eq!(vs.len(), 10);
    // One point in each tenth of the growth range.
    let mut strata: Vec<usize> = vs
        .iter()
        .map(|v| (v.levels[0].value / 0.05).floor() as usize)
        .collect();
    strata.sort();
    assert_eq!(strata, (0..10).collect::<Vec<_>>());
    assert!(vs.iter().all(|v| v.levels[1].text.len() == 10));
    // The same seed, the same points; another seed, others.
    let again: Vec<_> = plan(lhs, &base).unwrap().variants();
    assert_eq!(again[4].levels, vs[4].levels);
    let other = plan(&lhs.replace("seed = 7", "seed = 8"), &base)
        .unwrap()
        .variants();
    assert_ne!(other[4].levels, vs[4].levels);
}

#[test]
fn variants_set_the_scenario_itself() {
    let base = red_sea();
    let p = plan("name = \"x\"\nscenario = \"s\"\n[[axis]]\nparam = \"intervention.red-sea-closed.length_months\"\nvalues = [6]\n[[axis]]\nparam = \"intervention.red-sea-closed.start\"\nvalues = [\"2026-03-01\"]\n[[axis]]\nparam = \"demand.factor\"\nvalues = [2]\n", &base).unwrap();
    let v = &p.variants()[0];
    let s = corridor_sweep::exec::variant_scenario(&base, &p, v).unwrap();
    let iv = &s.interventions[0];
    assert_eq!(iv.from_date, "2026-03-01");
    assert_eq!(iv.to_date.as_deref(), Some("2026-08-31"));
    assert_eq!(
        s.demand.flows[0].teu_per_year,
        2.0 * base.demand.flows[0].teu_per_year
    );
    let mut s2 = base.clone();
    let e = s2
        .set(&corridor_scenario::vary::Param::DemandFactor, 1e6)
        .unwrap_err();
    assert!(
        e.to_string().contains("expected a factor from 0 to 100"),
        "{e}"
    );
}

/// Every row of a results directory, sorted.
fn rows(dir: &Path, sw: &Sweep, shards: u64) -> Vec<String> {
    let mut out = Vec::new();
    for v in &sw.variants {
        for i in 0..shards {
            let p = part_path(
                dir,
                v,
                Shard {
                    index: i,
                    count: shards,
                },
            );
            if !p.exists() {
                continue;
            }
            let part = read_part(&p).unwrap();
            for r in part.rows {
                out.push(format!(
                    "{} {:?} {} {} {} {} {} {:?}",
                    v.key,
                    part.params,
                    r.replication,
                    r.seed,
                    r.row.metric,
                    r.row.scope,
                    r.row.year,
                    r.row.value.to_bits()
                ));
            }
        }
    }
    out.sort();
    out
}

fn run_in(sw: &Sweep, dir: &Path, shard: Shard, threads: usize) -> Result<(), SweepError> {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap()
        .install(|| run_shard(sw, dir, shard, &|_, _| {}).map(|_| ()))
}

#[test]
fn results_do_not_depend_on_shards_order_or_threads() {
    let base = red_sea();
    let p = plan(SMALL, &base).unwrap();
    let sw = Sweep::new(&p, &base, "test-dataset", "test");
    assert_eq!(sw.units.len(), 6);
    let tmp = tempfile::tempdir().unwrap();
    let one = tmp.path().join("one");
    run_in(&sw, &one, Shard::ALL, 1).unwrap();
    let reference = rows(&one, &sw, 1);
    assert!(reference.len() > 6 * 20, "{}", reference.len());
    // Three shards, the last first, on two threads.
    let three = tmp.path().join("three");
    for i in [2, 0, 1] {
        run_in(&sw, &three, Shard { index: i, count: 3 }, 2).unwrap();
    }
    assert_eq!(rows(&three, &sw, 3), reference);
    // More shards than some variants have units; shards with none.
    let seven = tmp.path().join("seven");
    for i in 0..7 {
        run_in(&sw, &seven, Shard { index: i, count: 7 }, 2).unwrap();
    }
    assert_eq!(rows(&seven, &sw, 7), reference);
    // Another split into the same directory is refused; so is another plan.
    let e = run_in(&sw, &three, Shard { index: 0, count: 2 }, 1).unwrap_err();
    assert!(e.to_string().contains("3-way split"), "{e}");
    let p2 = plan(&SMALL.replace("0.3]", "0.4]"), &base).unwrap();
    let sw2 = Sweep::new(&p2, &base, "test-dataset", "test");
    let e = run_in(&sw2, &one, Shard::ALL, 1).unwrap_err();
    assert!(matches!(e, SweepError::OtherSweep { .. }), "{e}");
}

#[test]
fn a_rerun_skips_complete_parts_and_rewrites_damaged_ones() {
    let base = red_sea();
    let p = plan(SMALL, &base).unwrap();
    let sw = Sweep::new(&p, &base, "test-dataset", "test");
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("out");
    run_in(&sw, &dir, Shard::ALL, 2).unwrap();
    let reference = rows(&dir, &sw, 1);
    let again = rayon::ThreadPoolBuilder::new()
        .num_threads(2)
        .build()
        .unwrap()
        .install(|| run_shard(&sw, &dir, Shard::ALL, &|_, _| {}))
        .unwrap();
    assert_eq!(again.manifest.units_run, 0);
    assert_eq!(again.manifest.parts_skipped, 3);
    // A damaged part (cut short) is rewritten; a user's file beside is never touched.
    let part = part_path(&dir, &sw.variants[1], Shard::ALL);
    let bytes = std::fs::read(&part).unwrap();
    std::fs::write(&part, &bytes[..bytes.len() / 2]).unwrap();
    let mine = dir.join("variant=v0001").join("notes.txt");
    std::fs::write(&mine, "mine").unwrap();
    let fixed = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap()
        .install(|| run_shard(&sw, &dir, Shard::ALL, &|_, _| {}))
        .unwrap();
    assert_eq!(fixed.manifest.units_run, 2);
    assert_eq!(fixed.manifest.parts_written, 1);
    assert_eq!(rows(&dir, &sw, 1), reference);
    assert_eq!(std::fs::read_to_string(&mine).unwrap(), "mine");
    // A directory of someone else's files is refused and left as it was.
    let foreign = tmp.path().join("foreign");
    std::fs::create_dir(&foreign).unwrap();
    std::fs::write(foreign.join("thesis.tex"), "x").unwrap();
    let e = run_in(&sw, &foreign, Shard::ALL, 1).unwrap_err();
    assert!(matches!(e, SweepError::NotASweep { .. }), "{e}");
    assert_eq!(std::fs::read_dir(&foreign).unwrap().count(), 1);
}

#[test]
fn seeds_are_the_units_identity() {
    let base = red_sea();
    let p = plan(SMALL, &base).unwrap();
    let vs = p.variants();
    let s = corridor_sweep::unit::seed(&p, &vs[1], 0);
    assert_eq!(s, corridor_sweep::unit::seed(&p, &vs[1], 0));
    assert_ne!(s, corridor_sweep::unit::seed(&p, &vs[1], 1));
    assert_ne!(s, corridor_sweep::unit::seed(&p, &vs[2], 0));
    // The same variant in another design order keeps its seed.
    let reordered = plan(&SMALL.replace("[0.0, 0.1, 0.3]", "[0.3, 0.1, 0.0]"), &base).unwrap();
    let rv = reordered.variants();
    assert_eq!(rv[1].levels, vs[1].levels);
    assert_eq!(
        corridor_sweep::unit::seed(&reordered, &rv[2], 0),
        corridor_sweep::unit::seed(&p, &vs[0], 0)
    );
    assert!(s < 1 << 63);
}

#[test]
fn project_delays_and_intervention_factors_are_set_on_the_scenario() {
    use corridor_scenario::delay::Slip;
    use corridor_scenario::vary::Param;
    let base = embedded::scenario("middle-corridor-2030")
        .unwrap()
        .unwrap()
        .0;
    let p = base
        .projects
        .iter()
        .find(|p| p.expected.is_some() && p.status != corridor_scenario::Status::Cancelled)
        .unwrap();
    let param = Param::parse(&format!("project.{}.delay_days", p.id), &base).unwrap();
    let mut s = base.clone();
    s.set(&param, 365.0).unwrap();
    let q = &s.projects[s.project(&p.id).unwrap()];
    assert_eq!(q.expected.unwrap() - p.expected.unwrap(), 365.0 * 24.0);
    assert_eq!(q.slip, Slip::None);
    assert!(Param::parse("project.no-such.delay_days", &base).is_err());

    let low = embedded::scenario("caspian-low-water").unwrap().unwrap().0;
    let f = Param::parse("intervention.low-water-2026.factor", &low).unwrap();
    let mut s = low.clone();
    s.set(&f, 0.5).unwrap();
    let factors: Vec<f64> = s.interventions[0]
        .changes
        .iter()
        .filter_map(|c| match c.change {
            corridor_scenario::scenario::Change::Scale { factor, .. } => Some(factor),
            _ => None,
        })
        .collect();
    assert_eq!(factors, [0.5]);
    assert!(s.set(&f, 0.0).is_err());
}

#[test]
fn simulation_parameters_are_set_on_the_scenario_and_checked() {
    use corridor_model::network::Mode;
    use corridor_scenario::vary::{Param, VaryError};
    let base = red_sea();
    fn weather(s: &Scenario, m: Mode) -> &corridor_sim::ops_input::Weather {
        s.params.weather.iter().find(|w| w.mode == m).unwrap()
    }
    let caspian = weather(&base, Mode::CaspianFerry).clone();
    let set = |key: &str, v: f64| {
        let p = Param::parse(key, &base).unwrap();
        assert_eq!(p.key(), key);
        let mut s = base.clone();
        s.set(&p, v).map(|_| s)
    };
    let s = set("sim.choice.value_of_time_usd_per_teu_day", 250.0).unwrap();
    assert_eq!(s.params.choice.value_of_time, 250.0);
    let s = set("sim.choice.carbon_usd_per_t", 120.0).unwrap();
    assert_eq!(s.params.choice.carbon_price, 120.0);
    let s = set("sim.choice.scale_usd", 800.0).unwrap();
    assert_eq!(s.params.choice.scale, 800.0);
    let s = set("sim.weather.caspian_ferry.closed_share_factor", 1.5).unwrap();
    let w = weather(&s, Mode::CaspianFerry);
    for (m, (a, b)) in w.closed_share.iter().zip(&caspian.closed_share).enumerate() {
        assert_eq!(*a, b * 1.5, "month {}", m + 1);
    }
    // The other mode's weather is untouched.
    assert_eq!(
        weather(&s, Mode::BlackSeaFerry).closed_share,
        weather(&base, Mode::BlackSeaFerry).closed_share
    );
    let s = set("sim.weather.caspian_ferry.episode_factor", 2.0).unwrap();
    let w = weather(&s, Mode::CaspianFerry);
    assert_eq!(
        (w.episode_p50_h, w.episode_p90_h),
        (caspian.episode_p50_h * 2.0, caspian.episode_p90_h * 2.0)
    );
    // The embedded simulation has no breakdowns: an axis of them would change nothing.
    assert!(base.params.breakdowns.is_empty());
    let e = Param::parse("sim.breakdowns.mtbf_factor", &base).unwrap_err();
    assert!(matches!(e, VaryError::NotApplicable(_)), "{e}");
    let mut with = base.clone();
    with.params
        .breakdowns
        .push(corridor_sim::ops_input::Breakdown {
            target: "AZ-ALAT".into(),
            outage: corridor_sim::ops_input::Outage::Node(corridor_model::network::NodeId(0)),
            mtbf_h: 2000.0,
            repair_p50_h: 10.0,
            repair_p90_h: 30.0,
        });
    let p = Param::parse("sim.breakdowns.mtbf_factor", &with).unwrap();
    with.set(&p, 3.0).unwrap();
    assert_eq!(with.params.breakdowns[0].mtbf_h, 6000.0);
    // A closed share may not pass 1: the Caspian's largest month is 0.5.
    let top = caspian.closed_share.iter().copied().fold(0.0, f64::max);
    let e = set("sim.weather.caspian_ferry.closed_share_factor", 1.01 / top).unwrap_err();
    assert!(
        matches!(&e, VaryError::Range { expected, .. } if expected.contains("must stay at most 1")),
        "{e}"
    );
    assert!(set("sim.choice.scale_usd", 0.0).is_err());
    assert!(set("sim.choice.carbon_usd_per_t", -1.0).is_err());
    // A mode without weather, or misspelt, is named with what there is.
    let e = Param::parse("sim.weather.caspian_fery.closed_share_factor", &base).unwrap_err();
    assert!(e.to_string().contains("caspian_ferry"), "{e}");
    // A parameter built by hand for a mode without weather is refused, not a panic.
    let mut s = base.clone();
    let e = s
        .set(&Param::ClosedShareFactor(Mode::Rail), 1.0)
        .unwrap_err();
    assert!(matches!(e, VaryError::NotApplicable(_)), "{e}");
    let e = Param::parse("sim.weather.rail.episode_factor", &base).unwrap_err();
    assert!(e.to_string().contains("black_sea_ferry"), "{e}");
    let e = Param::parse("sim.choice.value_of_tim", &base).unwrap_err();
    assert!(
        e.to_string()
            .contains("sim.choice.value_of_time_usd_per_teu_day"),
        "{e}"
    );
}

#[test]
fn a_simulation_parameter_reaches_the_run() {
    // The Caspian's closed shares doubled (its largest month, 0.5, becomes 1) against no
    // closures at all: the corridor across the Caspian delivers less when it closes more.
    let text = |factor: &str| {
        format!(
            r#"
name = "weather"
scenario = "red-sea-closure"
replications = 1
[[axis]]
param = "sim.weather.caspian_ferry.closed_share_factor"
values = [{factor}]
[[axis]]
param = "run.last_year"
values = [2025]
[[axis]]
param = "run.warmup_days"
values = [5]
"#
        )
    };
    let base = red_sea();
    let run = |factor: &str| -> (f64, f64) {
        let p = plan(&text(factor), &base).unwrap();
        let v = &p.variants()[0];
        let s = corridor_sweep::exec::variant_scenario(&base, &p, v).unwrap();
        let cache = corridor_scenario::timeline::Cache::new(&s);
        let u = corridor_sweep::unit::units(&p, std::slice::from_ref(v))[0].clone();
        let rows = corridor_sweep::exec::run_unit(&cache, &u).unwrap();
        let of = |metric: &str| {
            rows.iter()
                .find(|r| r.metric == metric && r.scope == "middle_btk")
                .map(|r| r.value)
                .unwrap_or_else(|| panic!("no {metric} of middle_btk in {rows:?}"))
        };
        (of("teu_delivered"), of("p90_days"))
    };
    let (open, open_p90) = run("0.0");
    let (closed, closed_p90) = run("2.0");
    assert!(open > 0.0);
    assert!(closed < open, "delivered: closed {closed} vs open {open}");
    assert!(
        closed_p90 > open_p90 + 1.0,
        "P90 days: closed {closed_p90} vs open {open_p90}"
    );
}
