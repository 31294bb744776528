//! `network validate`: the dataset, then what `simulate` would read beside it.
//!
//! A dataset that validates must also simulate with its defaults: the simulation
//! parameters and the demand table (`simulation.toml`, `calibration.csv`, `demand.csv` of
//! the directory, or the embedded ones the directory lacks) are parsed by the same code as
//! `simulate`, and every demand row is routed on the network as a run would route it, so
//! a row the network cannot carry is reported here, at its file and line, not at the first
//! `simulate`.

use crate::Failure;
use crate::simulate::{Window, plan_files};
use corridor_model::Network;
use std::path::Path;
use std::sync::Arc;

/// The year, length and warm-up `simulate` runs by default.
const DEFAULT_YEAR: i32 = 2024;
const DEFAULT_DAYS: f64 = 365.0;
const DEFAULT_WARMUP_DAYS: f64 = 30.0;

/// Check the simulation inputs for `net` (of directory `data`, or embedded): parse them
/// and plan a default run. Returns a summary for the report ("simulation inputs: …").
///
/// A problem in a file of the directory is an error. A directory that lacks the files
/// whose embedded defaults do not fit its network (a small network for routing only) gets
/// a warning instead, naming the first problem: its dataset is valid, and `simulate` needs
/// the directory's own demand (or `--demand`).
pub fn simulation_inputs(
    net: &Arc<Network>,
    data: Option<&Path>,
    deny_warnings: bool,
) -> Result<String, Failure> {
    match check(net, data, deny_warnings) {
        Err(Failure::Invalid(e))
            if data.is_some()
                && !e.diagnostics.is_empty()
                && e.diagnostics
                    .iter()
                    .all(|d| d.file.starts_with("<embedded>")) =>
        {
            let dir = data.map(|d| d.display().to_string()).unwrap_or_default();
            let first = &e.diagnostics[0];
            let n = e.diagnostics.len() + e.suppressed;
            let warning = corridor_model::diag::Diagnostic {
                file: dir.clone(),
                line: None,
                column: None,
                field: None,
                message: format!(
                    "`simulate --data {dir}` would read the embedded simulation files the directory lacks, and they do not fit this network ({n} problem{}; the first: {}{}: {})",
                    if n == 1 { "" } else { "s" },
                    first.file,
                    first.line.map(|l| format!(":{l}")).unwrap_or_default(),
                    first.message
                ),
                hint: Some(
                    "add the network's own demand.csv (and simulation.toml) to the directory, or give simulate --demand FILE".into(),
                ),
            };
            crate::warnings(vec![warning], deny_warnings)?;
            Ok("simulation inputs: the embedded defaults the directory lacks do not fit this network (see the warning)".into())
        }
        other => other,
    }
}

fn check(net: &Arc<Network>, data: Option<&Path>, deny_warnings: bool) -> Result<String, Failure> {
    let p = plan_files(
        net,
        data,
        None,
        &Window {
            factor: 1.0,
            year: DEFAULT_YEAR,
            days: DEFAULT_DAYS,
            warmup_days: DEFAULT_WARMUP_DAYS,
        },
        deny_warnings,
    )?;
    let short = |n: &str| {
        if n.starts_with("<embedded>") {
            format!("{} (embedded)", n.rsplit('/').next().unwrap_or(n))
        } else {
            n.to_string()
        }
    };
    Ok(format!(
        "simulation inputs valid — {}, {} and {} ({} demand rows, each routed)",
        short(&p.simulation),
        short(&p.calibration),
        short(&p.demand),
        p.rows
    ))
}
