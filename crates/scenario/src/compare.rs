//! Two scenarios side by side, year by year, with each difference attributed to the
//! projects, interventions and demand that cause it.
//!
//! Method (one-at-a-time removal with common random numbers): every run uses the same
//! seed and replication numbers, so a project slips the same way and the weather and
//! arrivals are the same draws wherever the networks agree. For each item that differs
//! between A and B (a project or intervention in one and not the other, or in both but
//! written differently; the demand when it differs) its contribution to B − A is
//!
//! ```text
//! contribution = [B − B without it, if B has it] − [A − A without it, if A has it]
//! ```
//!
//! (for the demand, B − B with A's demand). Contributions of items that interact (a
//! project that only matters once another is in) do not add up to the whole difference:
//! what is left is reported as the interaction. The cost is one run per item and side,
//! on top of the two runs.

use crate::Scenario;
use crate::run::{Options, RunError, ScenarioRun, run_until};
use crate::timeline::{Cache, Draw};
use serde::Serialize;

/// One corridor in one year of both runs.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct CorridorDelta {
    /// Corridor key.
    pub corridor: String,
    /// Containers delivered, TEU (A, B).
    pub teu: [f64; 2],
    /// Wagonload delivered, tonnes (A, B).
    pub tonnes: [f64; 2],
    /// Median and 90th-percentile door-to-door days (A, B).
    pub p50_days: [f64; 2],
    /// See `p50_days`.
    pub p90_days: [f64; 2],
    /// Price and CO2e per TEU delivered (A, B).
    pub cost_usd_per_teu: [f64; 2],
    /// See `cost_usd_per_teu`.
    pub co2e_kg_per_teu: [f64; 2],
}

/// One year of both runs.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct YearDelta {
    /// Calendar year.
    pub year: i32,
    /// Per corridor that delivered in either.
    pub corridors: Vec<CorridorDelta>,
    /// Backlog at the year's end, TEU-equivalent (A, B).
    pub backlog_teu: [f64; 2],
    /// The worst resource of each (name and utilisation).
    pub bottleneck: [Option<(String, f64)>; 2],
}

/// What kind of item a difference is.
#[derive(Clone, Copy, Debug, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum ItemKind {
    /// A project.
    Project,
    /// An intervention.
    Intervention,
    /// The demand (table, growth, added flows).
    Demand,
}

/// An item that differs between the two scenarios.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Difference {
    /// Its id (`demand` for the demand).
    pub id: String,
    /// Its kind.
    pub kind: ItemKind,
    /// `only in B`, `only in A`, or `in both, written differently`.
    pub how: String,
    /// Its name.
    pub name: String,
    /// In force at some time of the compared years in at least one replication (an item
    /// that never is has no effect, and is not re-run).
    pub in_force: bool,
}

/// An item's contribution to one corridor's difference in one year.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Contribution {
    /// The item's id.
    pub item: String,
    /// Containers delivered, TEU.
    pub teu: f64,
    /// Median door-to-door days.
    pub p50_days: f64,
}

/// One corridor-year of the difference, explained.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Explained {
    /// Year and corridor.
    pub year: i32,
    /// See `year`.
    pub corridor: String,
    /// B − A: containers delivered (TEU) and median days.
    pub teu: f64,
    /// See `teu`.
    pub p50_days: f64,
    /// Each item's share of it, largest first.
    pub contributions: Vec<Contribution>,
    /// What the items do not explain on their own (their interactions).
    pub interaction_teu: f64,
    /// See `interaction_teu`.
    pub interaction_p50_days: f64,
}

/// Two scenario runs compared.
#[derive(Clone, Debug, Serialize)]
pub struct Comparison {
    /// The scenarios (A, B).
    pub a: String,
    /// See `a`.
    pub b: String,
    /// Years compared (the common horizon, or one year).
    pub first_year: i32,
    /// See `first_year`.
    pub last_year: i32,
    /// Replications and seed of every run.
    pub replications: u64,
    /// See `replications`.
    pub seed: u64,
    /// How differences are attributed.
    pub method: String,
    /// Runs made (two, plus the attribution's).
    pub runs: usize,
    /// Per year.
    pub years: Vec<YearDelta>,
    /// What differs.
    pub differences: Vec<Difference>,
    /// Per year and corridor with a difference: its attribution.
    pub explained: Vec<Explained>,
    /// The two runs.
    pub runs_a_b: [ScenarioRun; 2],
}

/// Options of a comparison.
#[derive(Clone, Debug, Default)]
pub struct CompareOptions {
    /// Years (within both horizons; default their common years).
    pub years: Option<(i32, i32)>,
    /// Replications and seed (default: B's `[run]`).
    pub replications: Option<u64>,
    /// See `replications`.
    pub seed: Option<u64>,
    /// Attribute the differences (costs a run per differing item).
    pub attribute: bool,
}

/// Why two scenarios cannot be compared.
#[derive(Debug, Clone, thiserror::Error)]
pub enum CompareError {
    /// Their horizons do not overlap.
    #[error("the scenarios' horizons do not overlap ({a}: {a0}–{a1}, {b}: {b0}–{b1})")]
    NoCommonYears {
        /// A and its horizon.
        a: String,
        /// See `a`.
        a0: i32,
        /// See `a`.
        a1: i32,
        /// B and its horizon.
        b: String,
        /// See `b`.
        b0: i32,
        /// See `b`.
        b1: i32,
    },
    /// A run failed.
    #[error("{scenario}: {error}")]
    Run {
        /// Which.
        scenario: String,
        /// Why.
        error: Box<RunError>,
    },
}

fn same<T: Serialize>(a: &T, b: &T) -> bool {
    serde_json::to_value(a).ok() == serde_json::to_value(b).ok()
}

/// Whether a project or intervention of `s` is in force before `end` in any of `reps`
/// replications' draws.
fn ever_in_force(s: &Scenario, id: &str, end: f64, seed: u64, reps: u64) -> bool {
    if let Some(i) = s.project(id) {
        return (0..reps).any(|r| Draw::sample(s, seed, r).completion[i].is_some_and(|c| c < end));
    }
    s.interventions
        .iter()
        .any(|iv| iv.id == id && iv.from < end)
}

/// The items that differ, with whether A and B are to be re-run without them.
fn differences(
    a: &Scenario,
    b: &Scenario,
    end: f64,
    seed: u64,
    reps: u64,
) -> Vec<(Difference, bool, bool)> {
    let mut out = Vec::new();
    let mut item = |id: &str, name: &str, kind: ItemKind, in_a: bool, in_b: bool, equal: bool| {
        if in_a && in_b && equal {
            return;
        }
        let how = match (in_a, in_b) {
            (false, true) => "only in B",
            (true, false) => "only in A",
            _ => "in both, written differently",
        };
        // A side is re-run without the item only if it has it in force in the window.
        let demand = kind == ItemKind::Demand;
        let run_a = !demand && in_a && ever_in_force(a, id, end, seed, reps);
        let run_b = demand || (in_b && ever_in_force(b, id, end, seed, reps));
        out.push((
            Difference {
                id: id.to_string(),
                kind,
                how: how.into(),
                name: name.to_string(),
                in_force: run_a || run_b,
            },
            run_a,
            run_b,
        ));
    };
    for p in &b.projects {
        let other = a.projects.iter().find(|x| x.id == p.id);
        item(
            &p.id,
            &p.name,
            ItemKind::Project,
            other.is_some(),
            true,
            other.is_some_and(|o| same(o, p)),
        );
    }
    for p in a.projects.iter().filter(|p| b.project(&p.id).is_none()) {
        item(&p.id, &p.name, ItemKind::Project, true, false, false);
    }
    for i in &b.interventions {
        let other = a.interventions.iter().find(|x| x.id == i.id);
        item(
            &i.id,
            &i.name,
            ItemKind::Intervention,
            other.is_some(),
            true,
            other.is_some_and(|o| same(o, i) && o.from == i.from && o.until == i.until),
        );
    }
    for i in a
        .interventions
        .iter()
        .filter(|i| b.interventions.iter().all(|x| x.id != i.id))
    {
        item(&i.id, &i.name, ItemKind::Intervention, true, false, false);
    }
    if !same(&a.demand, &b.demand) {
        item(
            "demand",
            "the demand (base table, growth and added flows)",
            ItemKind::Demand,
            true,
            true,
            false,
        );
    }
    out
}

/// Compare scenarios `a` and `b` (same base network). `progress` gets (run, runs).
pub fn compare(
    a: &Scenario,
    b: &Scenario,
    opts: &CompareOptions,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<Comparison, CompareError> {
    compare_until(a, b, opts, progress, &|| false)
}

/// [`compare`], stopping when `stop` returns true (asked before each replication of each
/// run): the error is then a [`CompareError::Run`] holding [`RunError::Cancelled`].
pub fn compare_until(
    a: &Scenario,
    b: &Scenario,
    opts: &CompareOptions,
    progress: &(dyn Fn(usize, usize) + Sync),
    stop: &(dyn Fn() -> bool + Sync),
) -> Result<Comparison, CompareError> {
    let (y0, y1) = match opts.years {
        Some(y) => y,
        None => (a.first_year.max(b.first_year), a.last_year.min(b.last_year)),
    };
    if y0 > y1 {
        return Err(CompareError::NoCommonYears {
            a: a.name.clone(),
            a0: a.first_year,
            a1: a.last_year,
            b: b.name.clone(),
            b0: b.first_year,
            b1: b.last_year,
        });
    }
    let reps = opts.replications.unwrap_or(b.run.replications);
    let seed = opts.seed.unwrap_or(b.run.seed);
    let base = Options {
        years: Some((y0, y1)),
        replications: Some(reps),
        seed: Some(seed),
        ..Options::default()
    };
    let end = corridor_route::time::Instant::from_civil(y1 + 1, 1, 1, 0.0).0;
    let diffs = if opts.attribute {
        differences(a, b, end, seed, reps)
    } else {
        Vec::new()
    };
    let demand_differs = diffs.iter().any(|d| d.0.kind == ItemKind::Demand);
    let runs_total = 2 + diffs
        .iter()
        .map(|(_, run_a, run_b)| *run_a as usize + *run_b as usize)
        .sum::<usize>();
    let ca = Cache::new(a);
    let cb = Cache::new(b);
    let mut done = 0;
    let mut go = |cache: &Cache, o: &Options, name: &str| {
        progress(done, runs_total);
        done += 1;
        run_until(cache, o, &|_| {}, stop).map_err(|error| CompareError::Run {
            scenario: name.to_string(),
            error: Box::new(error),
        })
    };
    let ra = go(&ca, &base, &a.name)?;
    let rb = go(&cb, &base, &b.name)?;
    // Per item: (B side, A side) runs without it.
    let mut contributions: Vec<(String, Vec<YearDelta>, Vec<YearDelta>)> = Vec::new();
    let b_with_a_demand = demand_differs.then(|| {
        let mut s = b.clone();
        s.demand = a.demand.clone();
        s
    });
    for (d, in_a, in_b) in diffs.iter().filter(|d| d.0.in_force) {
        let without = Options {
            without: vec![d.id.clone()],
            ..base.clone()
        };
        let (plus, minus): (Vec<YearDelta>, Vec<YearDelta>) = if d.kind == ItemKind::Demand {
            let s = b_with_a_demand
                .as_ref()
                .expect("made when the demand differs");
            let cs = Cache::new(s);
            let r = go(&cs, &base, &format!("{} with {}'s demand", b.name, a.name))?;
            (deltas(&r, &rb), Vec::new())
        } else {
            let pb = if *in_b {
                deltas(
                    &go(&cb, &without, &format!("{} without {}", b.name, d.id))?,
                    &rb,
                )
            } else {
                Vec::new()
            };
            let pa = if *in_a {
                deltas(
                    &go(&ca, &without, &format!("{} without {}", a.name, d.id))?,
                    &ra,
                )
            } else {
                Vec::new()
            };
            (pb, pa)
        };
        contributions.push((d.id.clone(), plus, minus));
    }
    progress(runs_total, runs_total);
    let years = deltas(&ra, &rb);
    let explained = explain(&years, &contributions);
    Ok(Comparison {
        a: a.name.clone(),
        b: b.name.clone(),
        first_year: y0,
        last_year: y1,
        replications: reps,
        seed,
        method: format!(
            "one-at-a-time removal with common random numbers: each item's contribution to B − A is (B − B without it) − (A − A without it), for the demand B − B with A's demand; every run has the same seed ({seed}) and {reps} replications; {runs_total} runs; what the items do not explain on their own is their interaction"
        ),
        runs: runs_total,
        years,
        differences: diffs.into_iter().map(|d| d.0).collect(),
        explained,
        runs_a_b: [ra, rb],
    })
}

/// Year by year, `x` against `y` (the pairs hold x then y).
fn deltas(x: &ScenarioRun, y: &ScenarioRun) -> Vec<YearDelta> {
    let mut out = Vec::new();
    for yx in &x.years {
        let Some(yy) = y.years.iter().find(|v| v.kpis.year == yx.kpis.year) else {
            continue;
        };
        let mut keys: Vec<&str> = Vec::new();
        for c in yx.kpis.corridors.iter().chain(&yy.kpis.corridors) {
            if !keys.contains(&c.corridor.as_str()) {
                keys.push(&c.corridor);
            }
        }
        let corridors = keys
            .into_iter()
            .map(|k| {
                let cx = yx.kpis.corridors.iter().find(|c| c.corridor == k);
                let cy = yy.kpis.corridors.iter().find(|c| c.corridor == k);
                let pair = |f: &dyn Fn(&corridor_sim::ops::CorridorYear) -> f64| {
                    [cx.map(f).unwrap_or(0.0), cy.map(f).unwrap_or(0.0)]
                };
                CorridorDelta {
                    corridor: k.to_string(),
                    teu: pair(&|c| c.teu_delivered.mean),
                    tonnes: pair(&|c| c.tonnes_delivered.mean),
                    p50_days: pair(&|c| c.p50_days),
                    p90_days: pair(&|c| c.p90_days),
                    cost_usd_per_teu: pair(&|c| c.cost_usd_per_teu),
                    co2e_kg_per_teu: pair(&|c| c.co2e_kg_per_teu),
                }
            })
            .collect();
        let top = |r: &crate::run::ScenarioYear| {
            r.kpis
                .resources
                .first()
                .map(|x| (x.name.clone(), x.utilisation.mean))
        };
        out.push(YearDelta {
            year: yx.kpis.year,
            corridors,
            backlog_teu: [yx.kpis.backlog_teu.mean, yy.kpis.backlog_teu.mean],
            bottleneck: [top(yx), top(yy)],
        });
    }
    out
}

/// Differences smaller than these are not explained (noise of a few containers).
const TEU_NOISE: f64 = 100.0;
const DAYS_NOISE: f64 = 0.05;

fn explain(
    years: &[YearDelta],
    items: &[(String, Vec<YearDelta>, Vec<YearDelta>)],
) -> Vec<Explained> {
    let mut out = Vec::new();
    for y in years {
        for c in &y.corridors {
            let teu = c.teu[1] - c.teu[0];
            let days = c.p50_days[1] - c.p50_days[0];
            if teu.abs() < TEU_NOISE && days.abs() < DAYS_NOISE {
                continue;
            }
            // A side's (A without it, A) delta is minus A's own contribution.
            let effect = |v: &[YearDelta], f: &dyn Fn(&CorridorDelta) -> f64| -> f64 {
                v.iter()
                    .find(|d| d.year == y.year)
                    .and_then(|d| d.corridors.iter().find(|x| x.corridor == c.corridor))
                    .map(f)
                    .unwrap_or(0.0)
            };
            // `deltas(without, with)` holds [without, with]: with − without is the effect.
            let gain = |d: &CorridorDelta| d.teu[1] - d.teu[0];
            let slower = |d: &CorridorDelta| d.p50_days[1] - d.p50_days[0];
            let mut contributions: Vec<Contribution> = items
                .iter()
                .map(|(id, plus, minus)| Contribution {
                    item: id.clone(),
                    teu: effect(plus, &gain) - effect(minus, &gain),
                    p50_days: effect(plus, &slower) - effect(minus, &slower),
                })
                .filter(|k| k.teu.abs() >= 0.5 || k.p50_days.abs() >= 0.005)
                .collect();
            contributions.sort_by(|a, b| {
                b.teu
                    .abs()
                    .total_cmp(&a.teu.abs())
                    .then(b.p50_days.abs().total_cmp(&a.p50_days.abs()))
            });
            let sum_teu: f64 = contributions.iter().map(|k| k.teu).sum();
            let sum_days: f64 = contributions.iter().map(|k| k.p50_days).sum();
            out.push(Explained {
                year: y.year,
                corridor: c.corridor.clone(),
                teu,
                p50_days: days,
                interaction_teu: if items.is_empty() { 0.0 } else { teu - sum_teu },
                interaction_p50_days: if items.is_empty() {
                    0.0
                } else {
                    days - sum_days
                },
                contributions,
            });
        }
    }
    out
}
