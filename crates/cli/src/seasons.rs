//! The weather closures by month the route planner's quantiles use: those of the
//! `simulation.toml` that `simulate` reads (the --data directory's, else the embedded one),
//! parsed by the simulation's own parser, so the planner and the simulation share one
//! source of truth.

use crate::Failure;
use corridor_model::{Input, Network};
use corridor_route::season::Season;
use corridor_sim::ops_input::{self, Files};
use std::borrow::Cow;
use std::path::Path;

/// The seasons of `simulation.toml` for `net`.
pub fn seasons(net: &Network, data: Option<&Path>) -> Result<Vec<Season>, Failure> {
    let ((name, sim), _, _) = crate::simulate::parameter_files(data, None);
    // Only simulation.toml matters here: an empty demand and calibration table, so a
    // routing-only dataset need not carry the simulation's other inputs.
    let empty = |t: &'static str| Input::Bytes(Cow::Borrowed(t.as_bytes()));
    let files = Files {
        simulation: (&name, sim),
        demand: ("(no demand)", empty("from,to,teu_per_year,src\n")),
        calibration: (
            "(no calibration)",
            empty("metric,scope,year,observed,unit,src,label\n"),
        ),
    };
    let (parsed, _) = ops_input::parse_files(net, &files).map_err(Failure::Invalid)?;
    Ok(parsed.weather.iter().map(|w| w.season(&name)).collect())
}
