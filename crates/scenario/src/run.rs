//! A scenario run: replications over project delays and operations together, year by year.
//!
//! Replication `r` draws each project's completion date from its own stream
//! ([`Draw::sample`]), builds the epochs that draw gives (the network and demand in force
//! from each date on; [`crate::timeline`]), compiles them into one timeline ([`Plan`]) and
//! runs the operations with the yearly recorder. Replications run in parallel in chunks and
//! are merged in order, so results do not depend on the thread count and memory does not
//! grow with the number of replications beyond one summary per replication-year.

use crate::demand::FlowNote;
use crate::timeline::{Cache, Draw, EpochError, ProjectTimeline, epochs, projects};
use corridor_model::diag::did_you_mean;
use corridor_route::time::Instant;
use corridor_sim::ops::{Plan, PlanError, Year, YearlyAggregate, replicate_yearly};
use rayon::prelude::*;
use serde::Serialize;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// How to run a scenario (what is not given comes from its `[run]` table).
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// First and last year (within the scenario's horizon).
    pub years: Option<(i32, i32)>,
    /// Replications.
    pub replications: Option<u64>,
    /// Seed.
    pub seed: Option<u64>,
    /// Projects and interventions left out, by id (for attribution).
    pub without: Vec<String>,
    /// Every project at its expected date (no slips).
    pub firm: bool,
}

/// Why a scenario cannot run.
#[derive(Debug, Clone, thiserror::Error)]
pub enum RunError {
    /// Years outside the scenario's horizon.
    #[error("the years {first}–{last} are not within the scenario's horizon {from}–{to}")]
    Years {
        /// Asked.
        first: i32,
        /// See `first`.
        last: i32,
        /// The horizon.
        from: i32,
        /// See `from`.
        to: i32,
    },
    /// An id left out that the scenario does not have.
    #[error("the scenario has no project or intervention `{id}`{}", hint.as_ref().map(|h| format!(" ({h})")).unwrap_or_default())]
    Unknown {
        /// The id.
        id: String,
        /// A suggestion.
        hint: Option<String>,
    },
    /// An epoch's network or demand is invalid.
    #[error(transparent)]
    Epoch(Box<EpochError>),
    /// The timeline cannot be planned.
    #[error(transparent)]
    Plan(#[from] PlanError),
    /// The caller stopped the run ([`run_until`]).
    #[error("the run was cancelled")]
    Cancelled,
}

impl From<EpochError> for RunError {
    fn from(e: EpochError) -> RunError {
        RunError::Epoch(Box::new(e))
    }
}

/// Timelines by their epochs: (start, projects, interventions, demand year) of each.
type TimelineKey = Vec<(u64, Vec<bool>, Vec<bool>, i32)>;

/// Shortfall beyond which a corridor is saturated: it delivers less than 95 % of the
/// containers it is offered in a year, and in every later year of the run.
pub const SATURATION_SHORTFALL: f64 = 0.05;

/// Fewest containers a year a corridor must be offered for its shortfall to count.
pub const SATURATION_MIN_TEU: f64 = 1000.0;

/// When a corridor saturates: demand outgrows it and its backlog grows from then on.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Saturation {
    /// Corridor key.
    pub corridor: String,
    /// The first year from which it delivers less than it is offered, every year.
    pub year: i32,
    /// Containers it was offered and delivered that year, TEU (mean over replications).
    pub offered_teu: f64,
    /// See `offered_teu`.
    pub delivered_teu: f64,
    /// The busiest resource on the corridor's routes that year and its utilisation.
    pub bottleneck: Option<String>,
    /// See `bottleneck`.
    pub bottleneck_utilisation: f64,
}

/// A project or intervention in a year.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct InForceShare {
    /// Its id.
    pub id: String,
    /// Share of the year it is in force, averaged over replications (0 to 1).
    pub share: f64,
}

/// One year of a scenario run.
#[derive(Clone, Debug, Serialize)]
pub struct ScenarioYear {
    /// The simulated figures.
    #[serde(flatten)]
    pub kpis: Year,
    /// The scenario's demand that year: containers (TEU) and wagonload (t).
    pub demand_teu: f64,
    /// See `demand_teu`.
    pub demand_tonnes: f64,
    /// What is in force, for how much of the year.
    pub in_force: Vec<InForceShare>,
}

/// A scenario run.
#[derive(Clone, Debug, Serialize)]
pub struct ScenarioRun {
    /// The scenario's key and title.
    pub scenario: String,
    /// See `scenario`.
    pub title: String,
    /// Years run.
    pub first_year: i32,
    /// See `first_year`.
    pub last_year: i32,
    /// Replications, seed and warm-up days.
    pub replications: u64,
    /// See `replications`.
    pub seed: u64,
    /// See `replications`.
    pub warmup_days: f64,
    /// Projects and interventions left out.
    pub without: Vec<String>,
    /// Whether project dates were firm (no slips).
    pub firm: bool,
    /// What the intervals and percentiles are over.
    pub method: String,
    /// Per year.
    pub years: Vec<ScenarioYear>,
    /// The projects: their dates and how likely each is ready by each year (over the
    /// run's own draws).
    pub projects: Vec<ProjectTimeline>,
    /// Corridors that saturate within the run, earliest first.
    pub saturation: Vec<Saturation>,
    /// Units stuck at the end (generated 90 days or more before it and not delivered),
    /// summed over replications.
    pub stuck_units: u64,
    /// Flows the network could not carry as written, by year.
    pub flow_notes: Vec<(i32, FlowNote)>,
    /// Distinct networks and compiled epochs the replications needed.
    pub networks_built: usize,
    /// See `networks_built`.
    pub epochs_compiled: usize,
}

/// What a replication needs of the run.
struct Setup<'a> {
    cache: &'a Cache<'a>,
    years: (i32, i32),
    start: f64,
    end: f64,
    warmup_days: f64,
    seed: u64,
    firm: bool,
    out_projects: Vec<bool>,
    out_interventions: Vec<bool>,
    /// Timelines already planned, by their epochs (replications with the same draws share).
    plans: Mutex<HashMap<TimelineKey, Arc<Plan>>>,
    notes: Mutex<Vec<(i32, FlowNote)>>,
}

impl Setup<'_> {
    fn draw(&self, rep: u64) -> Draw {
        let s = self.cache.scenario();
        let d = if self.firm {
            Draw::firm(s)
        } else {
            Draw::sample(s, self.seed, rep)
        };
        d.without(s, &self.out_projects, &self.out_interventions)
    }

    fn plan(&self, d: &Draw) -> Result<Arc<Plan>, RunError> {
        let s = self.cache.scenario();
        let specs = epochs(s, d, self.years, self.start, self.end);
        let key: TimelineKey = specs
            .iter()
            .map(|e| {
                (
                    e.start.to_bits(),
                    e.in_force.projects.clone(),
                    e.in_force.interventions.clone(),
                    e.year,
                )
            })
            .collect();
        if let Some(p) = self.plans.lock().expect("not poisoned").get(&key) {
            return Ok(Arc::clone(p));
        }
        let mut timeline = Vec::with_capacity(specs.len());
        for e in &specs {
            let (plan, notes) = self.cache.epoch(&e.in_force, e.year)?;
            if !notes.is_empty() {
                let mut all = self.notes.lock().expect("not poisoned");
                for n in notes {
                    if !all
                        .iter()
                        .any(|(y, x)| *y == e.year && x.flow == n.flow && x.note == n.note)
                    {
                        all.push((e.year, n));
                    }
                }
            }
            timeline.push((e.start, plan));
        }
        let days = (self.end - self.start) / 24.0 - self.warmup_days;
        let plan = Arc::new(Plan::timeline(
            s.params.clone(),
            timeline,
            self.start,
            days,
            self.warmup_days,
        )?);
        let mut plans = self.plans.lock().expect("not poisoned");
        // Keep the cache small: slipping projects make most timelines unique.
        if plans.len() >= 64 {
            plans.clear();
        }
        plans.insert(key, Arc::clone(&plan));
        Ok(plan)
    }
}

/// Run a scenario (its networks and epochs from `cache`). `progress` is called with the
/// number of finished replications.
pub fn run(
    cache: &Cache,
    opts: &Options,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<ScenarioRun, RunError> {
    run_until(cache, opts, progress, &|| false)
}

/// [`run`], stopping with [`RunError::Cancelled`] when `stop` returns true: it is asked
/// before each replication starts (one under way finishes). For a server's cancellable
/// jobs.
pub fn run_until(
    cache: &Cache,
    opts: &Options,
    progress: &(dyn Fn(u64) + Sync),
    stop: &(dyn Fn() -> bool + Sync),
) -> Result<ScenarioRun, RunError> {
    let s = cache.scenario();
    let years = opts.years.unwrap_or((s.first_year, s.last_year));
    if years.0 > years.1 || years.0 < s.first_year || years.1 > s.last_year {
        return Err(RunError::Years {
            first: years.0,
            last: years.1,
            from: s.first_year,
            to: s.last_year,
        });
    }
    let mut out_projects = vec![false; s.projects.len()];
    let mut out_interventions = vec![false; s.interventions.len()];
    for id in &opts.without {
        if let Some(i) = s.project(id) {
            out_projects[i] = true;
        } else if let Some(i) = s.interventions.iter().position(|x| x.id == *id) {
            out_interventions[i] = true;
        } else {
            let ids = s
                .projects
                .iter()
                .map(|p| p.id.as_str())
                .chain(s.interventions.iter().map(|i| i.id.as_str()));
            return Err(RunError::Unknown {
                id: id.clone(),
                hint: did_you_mean(id, ids),
            });
        }
    }
    let reps = opts.replications.unwrap_or(s.run.replications).max(1);
    let seed = opts.seed.unwrap_or(s.run.seed);
    let warmup_days = s.run.warmup_days;
    let first = Instant::from_civil(years.0, 1, 1, 0.0).0;
    let setup = Setup {
        cache,
        years,
        start: first - warmup_days * 24.0,
        end: Instant::from_civil(years.1 + 1, 1, 1, 0.0).0,
        warmup_days,
        seed,
        firm: opts.firm,
        out_projects,
        out_interventions,
        plans: Mutex::new(HashMap::new()),
        notes: Mutex::new(Vec::new()),
    };
    let mut agg = YearlyAggregate::new();
    let mut draws = Vec::with_capacity(reps as usize);
    let chunk = (rayon::current_num_threads() as u64 * 2).max(2);
    let done = std::sync::atomic::AtomicU64::new(0);
    let mut r0 = 0;
    while r0 < reps {
        let r1 = (r0 + chunk).min(reps);
        let results: Vec<Result<_, RunError>> = (r0..r1)
            .into_par_iter()
            .map(|r| {
                if stop() {
                    return Err(RunError::Cancelled);
                }
                let d = setup.draw(r);
                let plan = setup.plan(&d)?;
                let (first_year, counts) = replicate_yearly(&plan, seed, r);
                progress(done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1);
                Ok((d, plan, first_year, counts))
            })
            .collect();
        for x in results {
            let (d, plan, first_year, counts) = x?;
            agg.add(&plan, first_year, counts);
            draws.push(d);
        }
        r0 = r1;
    }
    let kpis = agg.finish();
    let year_rows: Vec<ScenarioYear> = kpis
        .into_iter()
        .map(|k| {
            let flows = s.demand.flows_in(k.year);
            let y0 = Instant::from_civil(k.year, 1, 1, 0.0).0;
            let y1 = Instant::from_civil(k.year + 1, 1, 1, 0.0).0;
            let overlap = |a: f64, b: f64| ((b.min(y1) - a.max(y0)).max(0.0)) / (y1 - y0);
            let mut in_force = Vec::new();
            for (i, p) in s.projects.iter().enumerate() {
                let share = draws
                    .iter()
                    .map(|d| d.completion[i].map(|c| overlap(c, y1)).unwrap_or(0.0))
                    .sum::<f64>()
                    / draws.len() as f64;
                if share > 0.0 {
                    in_force.push(InForceShare {
                        id: p.id.clone(),
                        share,
                    });
                }
            }
            for (i, iv) in s.interventions.iter().enumerate() {
                if setup.out_interventions[i] {
                    continue;
                }
                let share = overlap(iv.from, iv.until.unwrap_or(f64::INFINITY));
                if share > 0.0 {
                    in_force.push(InForceShare {
                        id: iv.id.clone(),
                        share,
                    });
                }
            }
            ScenarioYear {
                demand_teu: flows.iter().map(|f| f.teu_per_year).sum(),
                demand_tonnes: flows.iter().map(|f| f.tonnes_per_year).sum(),
                in_force,
                kpis: k,
            }
        })
        .collect();
    let saturation = saturation(&year_rows);
    let mut flow_notes = setup.notes.into_inner().expect("not poisoned");
    flow_notes.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.flow.cmp(&b.1.flow)));
    let mut timeline = projects(s, seed, reps);
    if opts.firm || !opts.without.is_empty() {
        // Readiness as run: firm dates, or with projects left out.
        for (i, p) in timeline.iter_mut().enumerate() {
            for (y, share) in p.ready_by.iter_mut() {
                let end = Instant::from_civil(*y + 1, 1, 1, 0.0).0;
                *share = draws
                    .iter()
                    .filter(|d| d.completion[i].is_some_and(|c| c <= end))
                    .count() as f64
                    / draws.len() as f64;
            }
        }
    }
    Ok(ScenarioRun {
        scenario: s.name.clone(),
        title: s.title.clone(),
        first_year: years.0,
        last_year: years.1,
        replications: reps,
        seed,
        warmup_days,
        without: opts.without.clone(),
        firm: opts.firm,
        method: format!(
            "{reps} replications; each draws every project's completion (its expected date plus a slip{}) and runs the operations (arrivals, dwell, weather, breakdowns) from its own streams, so intervals and percentiles are over project delays and operations together; a year's figures are what is delivered in it, after {warmup_days} warm-up days with the first year's network and demand",
            if opts.firm {
                ", here none: firm dates"
            } else {
                ""
            }
        ),
        years: year_rows,
        projects: timeline,
        saturation,
        stuck_units: agg.stuck_units(),
        flow_notes,
        networks_built: cache.networks_built(),
        epochs_compiled: cache.epochs_built(),
    })
}

/// The corridors that saturate: from a year on, every year, they deliver less than
/// `1 − SATURATION_SHORTFALL` of what they are offered.
pub fn saturation(years: &[ScenarioYear]) -> Vec<Saturation> {
    let mut corridors: Vec<&str> = Vec::new();
    for y in years {
        for c in &y.kpis.corridors {
            if !corridors.contains(&c.corridor.as_str()) {
                corridors.push(&c.corridor);
            }
        }
    }
    let short = |y: &ScenarioYear, c: &str| {
        y.kpis
            .corridors
            .iter()
            .find(|x| x.corridor == c)
            .is_some_and(|x| {
                x.teu_offered.mean >= SATURATION_MIN_TEU
                    && x.teu_delivered.mean < (1.0 - SATURATION_SHORTFALL) * x.teu_offered.mean
            })
    };
    let mut out = Vec::new();
    for c in corridors {
        let Some(first) = (0..years.len()).find(|&i| years[i..].iter().all(|y| short(y, c))) else {
            continue;
        };
        let y = &years[first];
        let row = y
            .kpis
            .corridors
            .iter()
            .find(|x| x.corridor == c)
            .expect("short implies present");
        let top = y
            .kpis
            .resources
            .iter()
            .find(|r| r.corridors.iter().any(|k| k == c));
        out.push(Saturation {
            corridor: c.to_string(),
            year: y.kpis.year,
            offered_teu: row.teu_offered.mean,
            delivered_teu: row.teu_delivered.mean,
            bottleneck: top.map(|r| r.name.clone()),
            bottleneck_utilisation: top.map(|r| r.utilisation.mean).unwrap_or(0.0),
        });
    }
    out.sort_by(|a, b| a.year.cmp(&b.year).then(a.corridor.cmp(&b.corridor)));
    out
}
