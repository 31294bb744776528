//! Helpers shared by the operations-model tests.

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
