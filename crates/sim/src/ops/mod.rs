//! The corridor operations model: containers (as FEU units) and wagonload cargo (as wagons)
//! generated from an origin–destination demand table follow routes of the route planner;
//! timetabled legs wait for a vessel or train with a capacity per departure (fixed
//! departures, or sail-when-full with a maximum hold); nodes with a container capacity
//! serve the trains and sailing loads (convoys) that reach them; dwell and travel times
//! are drawn from the dataset's distributions; Caspian and Black Sea sailings stop during
//! seasonal weather closures; random breakdowns stop nodes and services.
//!
//! Build, then run:
//! - [`EpochPlan`] routes the demand in force on one network: route sets (`routes`), the
//!   capacity-restrained choice (`choice`, a pure function with an oracle test), and the
//!   compiled paths, queues and samplers (`epoch`);
//! - [`Plan`] is a timeline of epochs over one period, with the resources of all of them
//!   under one numbering, the calendar and the weather and breakdown draws (`plan`): a
//!   one-epoch timeline is the network as it is;
//! - [`run`] does the replications in parallel ([`run_until`] stops when asked): the mechanics (`mechanics`) change state
//!   and tell a [`Recorder`]; the standard one, [`Kpis`], counts what the [`Report`]
//!   (`report`) shows. A replication runs on the kernel's event loop. [`YearlyRecorder`]
//!   counts the same by calendar year, for scenario runs over several years (`yearly`).
//!
//! Replications run in parallel with one random stream per replication and source, so a
//! seed gives the same results whatever the thread count.

mod choice;
mod epoch;
mod mechanics;
mod notes;
mod plan;
mod recorder;
mod report;
mod routes;
mod sampler;
mod stability;
mod summary;
mod yearly;

pub use choice::{Assignment, RouteCost, assign, logit, queue_delay_h};
pub use epoch::{EpochPlan, FlowShares, MAX_FLOWS};
pub use plan::{MAX_TEU_PER_YEAR, Plan, PlanError};
pub use recorder::{Kpis, Recorder, UnitInfo};
pub use report::{BreakdownStats, Calibration, LinkFlow, Metric, Report, Resource, Transit};
pub use stability::{
    Inputs as StabilityInputs, MATERIAL_GROWTH, Pressure, SATURATED_UTILISATION, Stability, Trend,
    Verdict, assess,
};
pub use summary::RepSummary;
pub use yearly::{
    CorridorYear, ResourceYear, Year, YearlyAggregate, YearlyCounts, YearlyRecorder,
    replicate_yearly,
};

use rayon::prelude::*;

/// Run `reps` replications (in parallel on the current rayon pool) and aggregate.
/// `progress` is called with the number of finished replications.
pub fn run(plan: &Plan, seed: u64, reps: u64, progress: &(dyn Fn(u64) + Sync)) -> Report {
    run_until(plan, seed, reps, progress, &|| false).expect("never stopped")
}

/// [`run`], stopping early when `stop` returns true: it is asked before each replication
/// starts (a replication under way finishes), and a stopped run gives `None`, never a
/// report of the replications that happened to finish. For a server's cancellable jobs.
pub fn run_until(
    plan: &Plan,
    seed: u64,
    reps: u64,
    progress: &(dyn Fn(u64) + Sync),
    stop: &(dyn Fn() -> bool + Sync),
) -> Option<Report> {
    let done = std::sync::atomic::AtomicU64::new(0);
    let results: Option<Vec<RepSummary>> = (0..reps)
        .into_par_iter()
        .map(|r| {
            if stop() {
                return None;
            }
            let x = replicate(plan, seed, r);
            let n = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
            progress(n);
            Some(x)
        })
        .collect();
    Some(report::aggregate(plan, seed, &results?))
}

/// One replication with the standard recorder, summarised.
pub fn replicate(plan: &Plan, seed: u64, rep: u64) -> RepSummary {
    let (kpis, events) = mechanics::replicate(plan, seed, rep, Kpis::new(plan));
    RepSummary::of(kpis, plan, events)
}

/// One replication into a recorder of one's own; returns it and the events processed.
pub fn replicate_into<R: Recorder>(plan: &Plan, seed: u64, rep: u64, rec: R) -> (R, u64) {
    mechanics::replicate(plan, seed, rep, rec)
}

#[cfg(test)]
mod tests;
