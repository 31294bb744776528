//! Checking a scenario beyond its file: the network in every state its timeline reaches and
//! every epoch of its firm timeline compiled. Shared by `corridor scenario validate` and the
//! server, so both report the same problems at the same lines.

use crate::Scenario;
use crate::timeline::{Cache, Draw, EpochError, InForce, epochs, network_at};
use corridor_model::{Diagnostic, LoadErrors};

/// What a valid scenario's check covered.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Checked {
    /// Networks built and loaded by the model's loader.
    pub networks: usize,
    /// Epochs of the firm timeline compiled (every flow routed).
    pub epochs: usize,
}

/// An epoch that cannot be built, as diagnostics at the line it comes from: the network's
/// own problems, or a flow the network in force cannot carry at the demand table's line.
pub fn epoch_diagnostics(s: &Scenario, e: EpochError) -> LoadErrors {
    match e {
        EpochError::Network(errors) => errors,
        EpochError::Plan {
            year,
            in_force,
            error,
        } => {
            let with = if in_force.is_empty() {
                "nothing in force".to_string()
            } else {
                format!("{} in force", in_force.join(", "))
            };
            let msg = format!("in {year}, with {with}: {error}");
            let at = match error.as_ref() {
                corridor_sim::ops::PlanError::NoRoute { line, from, to, .. } => s
                    .demand
                    .flows
                    .iter()
                    .find(|f| f.line == *line && f.from == *from && f.to == *to)
                    .map(|f| (f.file.clone(), Some(f.line))),
                _ => None,
            };
            let (file, line) = at.unwrap_or_else(|| (s.file.clone(), None));
            LoadErrors {
                diagnostics: vec![Diagnostic::at(&file, line, msg).hint("the network in force that year cannot carry the flow: check the closures and the flow's corridor")],
                suppressed: 0,
            }
        }
    }
}

/// Check the network in every state the timeline reaches with firm dates, each project with
/// its prerequisites alone, and everything in force; and compile each epoch of the firm
/// timeline (every flow has a route).
pub fn validate(s: &Scenario) -> Result<Checked, LoadErrors> {
    let cache = Cache::new(s);
    let d = Draw::firm(s);
    let start = corridor_route::time::Instant::from_civil(s.first_year, 1, 1, 0.0).0
        - s.run.warmup_days * 24.0;
    let end = corridor_route::time::Instant::from_civil(s.last_year + 1, 1, 1, 0.0).0;
    let specs = epochs(s, &d, (s.first_year, s.last_year), start, end);
    for e in &specs {
        cache
            .epoch(&e.in_force, e.year)
            .map_err(|x| epoch_diagnostics(s, x))?;
    }
    let states = states(s);
    let mut errors = Vec::new();
    for f in &states {
        if let Err(e) = network_at(s, f, &format!("{} with {}", s.name, f.ids(s).join("+"))) {
            for d in e.diagnostics {
                if !errors.contains(&d) {
                    errors.push(d);
                }
            }
        }
    }
    if !errors.is_empty() {
        return Err(LoadErrors {
            diagnostics: errors,
            suppressed: 0,
        });
    }
    Ok(Checked {
        networks: cache.networks_built() + states.len(),
        epochs: cache.epochs_built(),
    })
}

/// Each project alone (with what it requires), and everything at once.
fn states(s: &Scenario) -> Vec<InForce> {
    let mut states: Vec<InForce> = Vec::new();
    for i in 0..s.projects.len() {
        let mut f = InForce {
            projects: vec![false; s.projects.len()],
            interventions: vec![false; s.interventions.len()],
        };
        let mut stack = vec![i];
        while let Some(j) = stack.pop() {
            if !f.projects[j] {
                f.projects[j] = true;
                stack.extend(s.projects[j].requires.iter().copied());
            }
        }
        states.push(f);
    }
    states.push(InForce {
        projects: s
            .projects
            .iter()
            .map(|p| p.status != crate::Status::Cancelled)
            .collect(),
        interventions: vec![true; s.interventions.len()],
    });
    states
}
