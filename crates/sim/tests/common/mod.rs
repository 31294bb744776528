//! Helpers shared by the operations-model tests (each test crate uses some of them).
#![allow(dead_code)]

use corridor_model::embedded;
use corridor_route::time::Instant;
use corridor_sim::ops_input::{self, OpsInput};

/// The input from a `simulation.toml` and a `demand.csv` text, for a run from 1 Jan 2024.
pub fn input_from(sim: &str, demand: &str, days: f64, warmup: f64) -> Result<OpsInput, String> {
    let net = embedded::network().unwrap();
    let parsed = ops_input::parse(&net, "simulation.toml", sim, "demand.csv", demand)
        .map_err(|e| e.to_string())?;
    Ok(OpsInput::from_parsed(
        parsed,
        1.0,
        Instant::from_civil(2024, 1, 1, 0.0).0,
        days,
        warmup,
    ))
}

/// A run on `net` of the embedded `simulation.toml` and `demand`, from 1 Jan 2024: `days`
/// measured after a 30-day warm-up, 2 replications of `seed` on 2 threads.
pub fn run_on(
    net: corridor_model::Network,
    demand: &str,
    days: f64,
    seed: u64,
) -> corridor_sim::ops::Report {
    let parsed = ops_input::parse(
        &net,
        "simulation.toml",
        ops_input::DEFAULT_SIMULATION,
        "demand.csv",
        demand,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let start = Instant::from_civil(2024, 1, 1, 0.0).0;
    let input = OpsInput::from_parsed(parsed, 1.0, start, days, 30.0);
    let plan = corridor_sim::ops::Plan::new(std::sync::Arc::new(net), input).unwrap();
    rayon::ThreadPoolBuilder::new()
        .num_threads(2)
        .build()
        .unwrap()
        .install(|| corridor_sim::ops::run(&plan, seed, 2, &|_| {}))
}
