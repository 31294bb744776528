//! What the server answers from: the network and the run's parameters, loaded once at start
//! (the embedded dataset, or the operator's `--data DIR`), their hash, and the network's
//! GeoJSON made once.

use corridor_model::read::{self, Input};
use corridor_model::{DatasetInput, Diagnostic, LoadErrors, Network, embedded, export};
use corridor_sim::ops_input::{self, Parsed};
use sha2::{Digest, Sha256};
use std::borrow::Cow;
use std::path::Path;
use std::sync::Arc;

/// The base every request is answered on.
#[derive(Clone)]
pub struct Base {
    /// The network.
    pub net: Arc<Network>,
    /// The run's parameters (units, weather, route choice) and the base demand.
    pub params: Parsed,
    /// The base demand table's name in messages.
    pub demand_file: String,
    /// The `simulation.toml`'s name (its weather also drives the planner's quantiles).
    pub simulation_file: String,
    /// SHA-256 of the dataset (as exported, canonical) and of the parameter files' texts,
    /// hex: results record it, so a result of another dataset is never taken for current.
    pub dataset_hash: String,
    /// The network as GeoJSON.
    pub geojson: axum::body::Bytes,
    /// The warnings of the files (legal but suspicious).
    pub warnings: Vec<Diagnostic>,
}

/// Why the base cannot be loaded.
#[derive(Debug, thiserror::Error)]
pub enum BaseError {
    /// A file is invalid.
    #[error("{0}")]
    Invalid(#[from] LoadErrors),
    /// `--data` is not a directory.
    #[error("`{0}` is not a directory")]
    NotADirectory(String),
    /// The GeoJSON could not be written.
    #[error("cannot write the network's GeoJSON: {0}")]
    Export(#[from] std::io::Error),
}

/// A parameter file: `DIR/NAME` when it exists, else the embedded one.
fn parameter_file(
    data: Option<&Path>,
    name: &str,
    default: &'static str,
) -> Result<(String, String), LoadErrors> {
    match data.map(|d| d.join(name)) {
        Some(p) if matches!(Input::path(&p), Input::Path(_)) => {
            let label = p.display().to_string();
            let limit = if name.ends_with(".csv") {
                read::DEMAND_TABLE
            } else {
                read::SETTINGS
            };
            let text = read::read_all(&Input::Path(p), limit).map_err(|e| LoadErrors {
                diagnostics: vec![
                    Diagnostic::at(&label, e.line(), e.to_string()).maybe_hint(e.hint()),
                ],
                suppressed: 0,
            })?;
            Ok((label, text))
        }
        _ => Ok((format!("<embedded>/data/{name}"), default.to_string())),
    }
}

/// SHA-256 (hex) of a network as exported (canonical) and of its parameter files' texts.
fn hash(net: &Network, texts: [&str; 3]) -> std::io::Result<String> {
    let mut h = Sha256::new();
    for i in 0..corridor_model::load::FILES.len() {
        let mut buf = Vec::new();
        export::write_dataset_file(net, i, &mut buf)?;
        h.update((buf.len() as u64).to_le_bytes());
        h.update(&buf);
    }
    for text in texts {
        h.update((text.len() as u64).to_le_bytes());
        h.update(text.as_bytes());
    }
    Ok(h.finalize().iter().map(|b| format!("{b:02x}")).collect())
}

/// The dataset hash [`Base::load`] gives, for a network already loaded from `data` (its
/// parameter files are read, the dataset is not loaded again).
pub fn dataset_hash(net: &Network, data: Option<&Path>) -> Result<String, BaseError> {
    let sim = parameter_file(data, "simulation.toml", ops_input::DEFAULT_SIMULATION)?;
    let cal = parameter_file(data, "calibration.csv", ops_input::DEFAULT_CALIBRATION)?;
    let dem = parameter_file(data, "demand.csv", ops_input::DEFAULT_DEMAND)?;
    Ok(hash(net, [&sim.1, &cal.1, &dem.1])?)
}

impl Base {
    /// Load the dataset of `data` (the embedded one without) and its parameter files.
    pub fn load(data: Option<&Path>) -> Result<Base, BaseError> {
        let input = match data {
            Some(d) if !d.is_dir() => {
                return Err(BaseError::NotADirectory(d.display().to_string()));
            }
            Some(d) => DatasetInput::dir(d),
            None => embedded::input(),
        };
        let loaded = corridor_model::load_with_warnings(&input)?;
        let net = Arc::new(loaded.network);
        let mut warnings = loaded.warnings;
        let sim = parameter_file(data, "simulation.toml", ops_input::DEFAULT_SIMULATION)?;
        let cal = parameter_file(data, "calibration.csv", ops_input::DEFAULT_CALIBRATION)?;
        let dem = parameter_file(data, "demand.csv", ops_input::DEFAULT_DEMAND)?;
        let bytes = |t: &str| Input::Bytes(Cow::Owned(t.as_bytes().to_vec()));
        let files = ops_input::Files {
            simulation: (&sim.0, bytes(&sim.1)),
            demand: (&dem.0, bytes(&dem.1)),
            calibration: (&cal.0, bytes(&cal.1)),
        };
        let (params, w) = ops_input::parse_files(&net, &files)?;
        warnings.extend(w);
        let dataset_hash = hash(&net, [&sim.1, &cal.1, &dem.1])?;
        let mut geo = Vec::new();
        export::write_geojson(&net, &mut geo)?;
        Ok(Base {
            net,
            params,
            demand_file: dem.0,
            simulation_file: sim.0,
            dataset_hash,
            geojson: geo.into(),
            warnings,
        })
    }
}

#[cfg(test)]
mod hash_tests {
    use super::*;

    #[test]
    fn the_hash_of_a_loaded_network_is_the_bases() {
        let base = Base::load(None).unwrap();
        assert_eq!(dataset_hash(&base.net, None).unwrap(), base.dataset_hash);
        assert_eq!(base.dataset_hash.len(), 64);
    }
}
