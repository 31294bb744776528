//! The weather closures by month the route planner's quantiles use: those of the
//! `simulation.toml` that `simulate` reads (the --data directory's, else the embedded one),
//! parsed by the simulation's own parser, so the planner and the simulation share one
//! source of truth.

use crate::Failure;
use corridor_model::Network;
use corridor_route::season::Season;
use corridor_sim::ops_input;
use std::path::Path;

/// The seasons of `simulation.toml` for `net`.
pub fn seasons(net: &Network, data: Option<&Path>) -> Result<Vec<Season>, Failure> {
    let ((name, sim), _, _) = crate::simulate::parameter_files(data, None);
    let weather = ops_input::parse_weather(net, &name, &sim).map_err(Failure::Invalid)?;
    Ok(weather.iter().map(|w| w.season(&name)).collect())
}
