//! The network and demand in force in each epoch of a run, for one draw of the projects'
//! completion dates.
//!
//! An epoch starts at the run's start, every New Year (demand is by year), every
//! completion date and the start and end of every intervention in the horizon. Its
//! network is the base with the changes in force applied (projects in the order their
//! prerequisites give, then interventions by start date; scales last, so they apply to
//! what projects added) and then loaded by the model's loader: the same checks as a
//! dataset. Networks and compiled epochs are cached by what is in force, so replications
//! that draw the same states share them.

use crate::Table;
use crate::delay::uniform;
use crate::demand::{self, FlowNote};
use crate::scenario::{Change, Located, Scenario, apply};
use corridor_model::diag::{Diagnostic, LoadErrors};
use corridor_model::network::Network;
use corridor_model::{DatasetInput, load};
use corridor_route::graph::Graph;
use corridor_route::search::{Constraints, Shipment, pareto};
use corridor_route::time::Instant;
use corridor_sim::ops::{EpochPlan, PlanError};
use serde::Serialize;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// When each project completes in one draw (`None`: not within any horizon).
#[derive(Clone, Debug, PartialEq)]
pub struct Draw {
    /// Per project of the scenario: completion, hours since the epoch.
    pub completion: Vec<Option<f64>>,
    /// Per intervention: whether it is part of the run (all are, unless left out).
    pub interventions: Vec<bool>,
}

impl Draw {
    /// Every project at its expected date (a cancelled one never).
    pub fn firm(s: &Scenario) -> Draw {
        let own: Vec<Option<f64>> = s
            .projects
            .iter()
            .map(|p| {
                if p.status == crate::Status::Cancelled {
                    None
                } else {
                    p.expected
                }
            })
            .collect();
        Draw {
            completion: with_prerequisites(s, own),
            interventions: vec![true; s.interventions.len()],
        }
    }

    /// One draw of replication `rep`: each project's expected date plus its slip, from a
    /// stream of its own (common random numbers across scenarios).
    pub fn sample(s: &Scenario, seed: u64, rep: u64) -> Draw {
        let own: Vec<Option<f64>> = s
            .projects
            .iter()
            .map(|p| {
                // A cancelled project never completes, whatever its card says of slips.
                if p.status == crate::Status::Cancelled {
                    return None;
                }
                let slip = p.slip.draw(uniform(seed, rep, &p.id))?;
                Some(p.expected? + slip)
            })
            .collect();
        Draw {
            completion: with_prerequisites(s, own),
            interventions: vec![true; s.interventions.len()],
        }
    }

    /// The draw with some projects and interventions left out (for attribution): a project
    /// left out never completes, nor does any project that requires it.
    pub fn without(mut self, s: &Scenario, projects: &[bool], interventions: &[bool]) -> Draw {
        for (c, &out) in self.completion.iter_mut().zip(projects) {
            if out {
                *c = None;
            }
        }
        self.completion = with_prerequisites(s, self.completion);
        for (i, &out) in self.interventions.iter_mut().zip(interventions) {
            if out {
                *i = false;
            }
        }
        self
    }
}

/// A project completes once it and its prerequisites have.
fn with_prerequisites(s: &Scenario, own: Vec<Option<f64>>) -> Vec<Option<f64>> {
    let n = own.len();
    let mut done: Vec<Option<f64>> = own.clone();
    // Prerequisite chains are acyclic (checked): n rounds settle them.
    for _ in 0..n {
        for i in 0..n {
            let mut t = own[i];
            for &r in &s.projects[i].requires {
                t = match (t, done[r]) {
                    (Some(a), Some(b)) => Some(a.max(b)),
                    _ => None,
                };
            }
            done[i] = t;
        }
    }
    done
}

/// What is in force: a bit per project, a bit per intervention.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Default)]
pub struct InForce {
    /// Per project.
    pub projects: Vec<bool>,
    /// Per intervention.
    pub interventions: Vec<bool>,
}

impl InForce {
    /// What is in force at `t` for a draw.
    pub fn at(s: &Scenario, d: &Draw, t: f64) -> InForce {
        InForce {
            projects: d
                .completion
                .iter()
                .map(|c| c.is_some_and(|c| c <= t))
                .collect(),
            interventions: s
                .interventions
                .iter()
                .zip(&d.interventions)
                .map(|(i, &on)| on && i.from <= t && i.until.is_none_or(|u| t < u))
                .collect(),
        }
    }

    /// The ids in force, for messages.
    pub fn ids(&self, s: &Scenario) -> Vec<String> {
        s.projects
            .iter()
            .zip(&self.projects)
            .filter(|x| *x.1)
            .map(|x| x.0.id.clone())
            .chain(
                s.interventions
                    .iter()
                    .zip(&self.interventions)
                    .filter(|x| *x.1)
                    .map(|x| x.0.id.clone()),
            )
            .collect()
    }
}

/// One epoch of a run.
#[derive(Clone, Debug, PartialEq)]
pub struct EpochSpec {
    /// Start, hours since the epoch.
    pub start: f64,
    /// What is in force.
    pub in_force: InForce,
    /// The demand year.
    pub year: i32,
}

/// The epochs of a run of `years` (first and last, within the scenario's horizon) from
/// `start` (the warm-up's start, with the first year's demand) to `end` for a draw.
pub fn epochs(s: &Scenario, d: &Draw, years: (i32, i32), start: f64, end: f64) -> Vec<EpochSpec> {
    let mut bounds = vec![start];
    for y in years.0..=years.1 + 1 {
        bounds.push(Instant::from_civil(y, 1, 1, 0.0).0);
    }
    bounds.extend(d.completion.iter().flatten().copied());
    for (i, _) in s
        .interventions
        .iter()
        .zip(&d.interventions)
        .filter(|x| *x.1)
    {
        bounds.push(i.from);
        bounds.extend(i.until);
    }
    bounds.retain(|&b| b >= start && b < end);
    bounds.sort_by(f64::total_cmp);
    bounds.dedup();
    let mut out: Vec<EpochSpec> = Vec::new();
    for b in bounds {
        let e = EpochSpec {
            start: b,
            in_force: InForce::at(s, d, b),
            year: Instant(b).year().clamp(years.0, years.1),
        };
        match out.last() {
            Some(last) if last.in_force == e.in_force && last.year == e.year => {}
            _ => out.push(e),
        }
    }
    out
}

/// The changes in force, in the order they apply: projects (prerequisites first), then
/// interventions by start date.
fn ordered<'a>(s: &'a Scenario, f: &InForce) -> Vec<(&'a str, &'a Located)> {
    let mut order: Vec<usize> = Vec::new();
    fn visit(s: &Scenario, i: usize, f: &InForce, order: &mut Vec<usize>) {
        if order.contains(&i) || !f.projects[i] {
            return;
        }
        for &r in &s.projects[i].requires {
            visit(s, r, f, order);
        }
        order.push(i);
    }
    for i in 0..s.projects.len() {
        visit(s, i, f, &mut order);
    }
    let mut ivs: Vec<usize> = (0..s.interventions.len())
        .filter(|&i| f.interventions[i])
        .collect();
    ivs.sort_by(|&a, &b| {
        s.interventions[a]
            .from
            .total_cmp(&s.interventions[b].from)
            .then(a.cmp(&b))
    });
    order
        .into_iter()
        .flat_map(|i| {
            s.projects[i]
                .changes
                .iter()
                .map(move |c| (s.projects[i].id.as_str(), c))
        })
        .chain(ivs.into_iter().flat_map(|i| {
            s.interventions[i]
                .changes
                .iter()
                .map(move |c| (s.interventions[i].id.as_str(), c))
        }))
        .collect()
}

/// The network with what is in force applied, loaded and checked. A problem is reported
/// at the change it comes from (the last change of the row it concerns), or, for a problem
/// of the network as a whole (an origin cut off), at every change in force that closes
/// something.
pub fn network_at(s: &Scenario, f: &InForce, label: &str) -> Result<Network, LoadErrors> {
    let changes = ordered(s, f);
    let mut t = s.tables.clone();
    let mut errors = Vec::new();
    for pass in [false, true] {
        for (_, c) in &changes {
            if let Err(e) = apply(&mut t, &c.change, pass) {
                errors.push(
                    Diagnostic::at(
                        &c.file,
                        Some(c.line),
                        format!("this change cannot apply: {e}"),
                    )
                    .field("change"),
                );
            }
        }
    }
    if !errors.is_empty() {
        return Err(LoadErrors {
            diagnostics: errors,
            suppressed: 0,
        });
    }
    let (texts, lines) = t.texts();
    load(&DatasetInput::texts(label, &texts))
        .map_err(|e| attribute(s, &changes, e, &lines, label, f))
}

/// Loader problems of a changed network, at the changes they come from.
fn attribute(
    s: &Scenario,
    changes: &[(&str, &Located)],
    e: LoadErrors,
    lines: &crate::tables::LineMaps,
    label: &str,
    f: &InForce,
) -> LoadErrors {
    let in_force = f.ids(s).join(", ");
    let mut out = Vec::new();
    for d in e.diagnostics {
        let file = d
            .file
            .strip_prefix(&format!("{label}/"))
            .unwrap_or(&d.file)
            .to_string();
        let fi = corridor_model::load::FILES.iter().position(|x| *x == file);
        let row = match (fi, d.line) {
            (Some(fi), Some(l)) => lines[fi].get(l as usize - 1).cloned().flatten(),
            _ => None,
        };
        let table = fi.and_then(|fi| match fi {
            1 => Some(Table::Sources),
            2 => Some(Table::Nodes),
            3 => Some(Table::Links),
            4 => Some(Table::Services),
            5 => Some(Table::Emissions),
            _ => None,
        });
        let touches = |c: &Change| match (c, &row) {
            (Change::Set { table: t, id, .. }, Some(r))
            | (
                Change::Scale {
                    table: t,
                    id: Some(id),
                    ..
                },
                Some(r),
            ) => Some(*t) == table && id == r,
            (
                Change::Add {
                    table: t,
                    row: fields,
                },
                Some(r),
            ) => Some(*t) == table && fields.iter().any(|(k, v)| k == "id" && v == r),
            (Change::Close { .. }, None) => true,
            _ => false,
        };
        let what = match (&row, &d.field) {
            (Some(r), Some(field)) => format!("{file} `{r}` field `{field}`: {}", d.message),
            (Some(r), None) => format!("{file} `{r}`: {}", d.message),
            _ => format!("{file}: {}", d.message),
        };
        match changes.iter().rev().find(|(_, c)| touches(&c.change)) {
            Some((owner, c)) => out.push(
                Diagnostic::at(
                    &c.file,
                    Some(c.line),
                    format!("with `{owner}` in force the network is invalid: {what}"),
                )
                .field("change")
                .maybe_hint(d.hint.clone()),
            ),
            None => out.push(
                Diagnostic::at(
                    &s.file,
                    None,
                    format!(
                        "the network with {} in force is invalid: {what}",
                        if in_force.is_empty() {
                            "nothing".into()
                        } else {
                            in_force.clone()
                        }
                    ),
                )
                .maybe_hint(d.hint.clone()),
            ),
        }
    }
    LoadErrors {
        diagnostics: out,
        suppressed: e.suppressed,
    }
}

/// Why an epoch could not be built.
#[derive(Debug, Clone, thiserror::Error)]
pub enum EpochError {
    /// The network with what is in force is invalid.
    #[error("{0}")]
    Network(LoadErrors),
    /// The demand cannot be routed (a flow without any route).
    #[error("{year}: {error}")]
    Plan {
        /// The demand year.
        year: i32,
        /// What is in force, by id.
        in_force: Vec<String>,
        /// The problem.
        error: Box<PlanError>,
    },
}

/// A compiled epoch and its notes, or why it cannot be built.
pub type EpochResult = Result<(Arc<EpochPlan>, Vec<FlowNote>), EpochError>;

/// Networks and compiled epochs of a scenario, built once per state and shared.
pub struct Cache<'s> {
    s: &'s Scenario,
    networks: Mutex<HashMap<InForce, Result<Arc<Network>, LoadErrors>>>,
    epochs: Mutex<HashMap<(InForce, i32), EpochResult>>,
}

impl<'s> Cache<'s> {
    /// The scenario.
    pub fn scenario(&self) -> &'s Scenario {
        self.s
    }

    /// An empty cache for a scenario.
    pub fn new(s: &'s Scenario) -> Cache<'s> {
        Cache {
            s,
            networks: Mutex::new(HashMap::new()),
            epochs: Mutex::new(HashMap::new()),
        }
    }

    /// The network with `f` in force.
    pub fn network(&self, f: &InForce) -> Result<Arc<Network>, LoadErrors> {
        if let Some(n) = self.networks.lock().expect("not poisoned").get(f) {
            return n.clone();
        }
        let label = format!("{} with {}", self.s.name, f.ids(self.s).join("+"));
        let n = network_at(self.s, f, &label).map(Arc::new);
        self.networks
            .lock()
            .expect("not poisoned")
            .insert(f.clone(), n.clone());
        n
    }

    /// The compiled epoch with `f` in force and the demand of `year`, with notes on flows
    /// left out or unpinned.
    pub fn epoch(
        &self,
        f: &InForce,
        year: i32,
    ) -> Result<(Arc<EpochPlan>, Vec<FlowNote>), EpochError> {
        let key = (f.clone(), year);
        if let Some(e) = self.epochs.lock().expect("not poisoned").get(&key) {
            return e.clone();
        }
        let e = self.build(f, year);
        self.epochs
            .lock()
            .expect("not poisoned")
            .insert(key, e.clone());
        e
    }

    fn build(&self, f: &InForce, year: i32) -> EpochResult {
        let net = self.network(f).map_err(EpochError::Network)?;
        let ready = Instant::from_civil(year, 1, 1, 0.0).0;
        let g = Graph::new(&net);
        let routable = |flow: &corridor_sim::ops_input::Flow,
                        c: corridor_model::network::CorridorId| {
            let shipment = Shipment {
                from: flow.from,
                to: flow.to,
                ready,
                teu: 2.0,
            };
            let cons = Constraints {
                corridor: Some(c),
                avoid_service_kinds: if flow.is_wagonload() {
                    vec![
                        corridor_model::network::ServiceKind::Feeder,
                        corridor_model::network::ServiceKind::Liner,
                    ]
                } else {
                    Vec::new()
                },
                ..Constraints::default()
            };
            !pareto(&g, &shipment, &cons).front.is_empty()
        };
        let (flows, notes) = demand::resolve(&self.s.demand, year, &net, routable);
        drop(g);
        let plan = EpochPlan::new(Arc::clone(&net), flows, &self.s.params, 1.0, ready).map_err(
            |error| EpochError::Plan {
                year,
                in_force: f.ids(self.s),
                error: Box::new(error),
            },
        )?;
        Ok((Arc::new(plan), notes))
    }

    /// Distinct networks built so far.
    pub fn networks_built(&self) -> usize {
        self.networks.lock().expect("not poisoned").len()
    }

    /// Distinct epochs compiled so far.
    pub fn epochs_built(&self) -> usize {
        self.epochs.lock().expect("not poisoned").len()
    }
}

/// A project's place in a timeline: its dates, how likely it is ready by each year.
#[derive(Clone, Debug, Serialize)]
pub struct ProjectTimeline {
    /// Its id.
    pub id: String,
    /// Its name.
    pub name: String,
    /// Where it stands.
    pub status: String,
    /// Expected completion (ISO date).
    pub expected: Option<String>,
    /// How its completion slips.
    pub slip: String,
    /// Median and 90th-percentile completion over the draws (ISO dates; `None`: never in
    /// half or a tenth of them).
    pub p50: Option<String>,
    /// See `p50`.
    pub p90: Option<String>,
    /// Per year of the horizon: the share of draws in which it is complete by 31 December.
    pub ready_by: Vec<(i32, f64)>,
    /// Projects it needs first.
    pub requires: Vec<String>,
    /// What it changes.
    pub effects: Vec<String>,
}

/// The projects of a scenario with their readiness over `draws` draws (seeded as runs are).
pub fn projects(s: &Scenario, seed: u64, draws: u64) -> Vec<ProjectTimeline> {
    let samples: Vec<Draw> = (0..draws).map(|r| Draw::sample(s, seed, r)).collect();
    s.projects
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let mut dates: Vec<f64> = samples
                .iter()
                .map(|d| d.completion[i].unwrap_or(f64::INFINITY))
                .collect();
            dates.sort_by(f64::total_cmp);
            let q = |x: f64| {
                let v = dates[((dates.len() as f64 * x).ceil() as usize).clamp(1, dates.len()) - 1];
                v.is_finite().then(|| Instant(v).iso()[..10].to_string())
            };
            ProjectTimeline {
                id: p.id.clone(),
                name: p.name.clone(),
                status: p.status.as_str().into(),
                expected: p.expected_date.clone(),
                slip: p.slip.describe(),
                p50: q(0.5),
                p90: q(0.9),
                ready_by: (s.first_year..=s.last_year)
                    .map(|y| {
                        let end = Instant::from_civil(y + 1, 1, 1, 0.0).0;
                        (
                            y,
                            dates.iter().filter(|&&d| d <= end).count() as f64 / dates.len() as f64,
                        )
                    })
                    .collect(),
                requires: p.requires_ids.clone(),
                effects: p.changes.iter().map(|c| c.change.describe()).collect(),
            }
        })
        .collect()
}
