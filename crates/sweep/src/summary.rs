//! The summary of a results directory: per variant, metric, scope and year the number of
//! units, the mean, the standard deviation, the 95 % confidence interval of the mean
//! (Student t, `corridor_sim::stats::t_quantile`) and the 5th, 50th and 95th percentiles
//! (linear interpolation between order statistics, as DuckDB's `quantile_cont`).

use crate::store::{self, StoreError, io_err};
use corridor_sim::stats::t_quantile;
use serde::Serialize;
use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

/// One line of the summary.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct SummaryRow {
    /// The variant's key.
    pub variant: String,
    /// Its parameter values (column, text).
    pub params: Vec<(String, String)>,
    /// The metric, scope and year.
    pub metric: String,
    /// See `metric`.
    pub scope: String,
    /// See `metric`.
    pub year: i32,
    /// Units.
    pub n: u64,
    /// Mean.
    pub mean: f64,
    /// Sample standard deviation (`None` with one unit).
    pub sd: Option<f64>,
    /// 95 % confidence interval of the mean (`None` with one unit).
    pub ci95_lo: Option<f64>,
    /// See `ci95_lo`.
    pub ci95_hi: Option<f64>,
    /// Percentiles.
    pub p05: f64,
    /// See `p05`.
    pub p50: f64,
    /// See `p05`.
    pub p95: f64,
}

/// A directory's summary.
#[derive(Clone, Debug, Serialize)]
pub struct Summary {
    /// The sweep's name (from `sweep.json`).
    pub sweep: String,
    /// The parameter columns, in the plan's order.
    pub columns: Vec<String>,
    /// Units found, and units the sweep has.
    pub units_found: u64,
    /// See `units_found`.
    pub units_expected: u64,
    /// Parts read.
    pub parts: u64,
    /// The rows, by variant, metric, scope and year.
    pub rows: Vec<SummaryRow>,
}

/// Why a directory cannot be summarised.
#[derive(Debug, thiserror::Error)]
pub enum SummaryError {
    /// Reading failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Not a results directory.
    #[error(
        "{0} is not the results directory of a sweep (no sweep.json): give the --out of `corridor sweep run`"
    )]
    NotASweep(String),
    /// A unit appears twice.
    #[error(
        "variant {variant} replication {replication} is in two parts ({a} and {b}): the directory mixes runs"
    )]
    Duplicate {
        /// The variant.
        variant: String,
        /// The replication.
        replication: u64,
        /// The parts.
        a: String,
        /// See `a`.
        b: String,
    },
}

/// The `p` quantile of sorted values, linear between order statistics (type 7).
pub fn quantile(sorted: &[f64], p: f64) -> f64 {
    let h = (sorted.len() - 1) as f64 * p;
    let (lo, hi) = (h.floor() as usize, h.ceil() as usize);
    sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo])
}

/// Units, mean, standard deviation, confidence interval, percentiles.
type Stats = (u64, f64, Option<f64>, Option<(f64, f64)>, [f64; 3]);

/// The statistics of one group's values.
fn stats(mut xs: Vec<f64>) -> Stats {
    xs.sort_by(f64::total_cmp);
    let n = xs.len();
    let mean = xs.iter().sum::<f64>() / n as f64;
    let (sd, ci) = if n >= 2 {
        let var = xs.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / (n - 1) as f64;
        let sd = var.sqrt();
        let h = t_quantile(0.95, n - 1) * sd / (n as f64).sqrt();
        (Some(sd), Some((mean - h, mean + h)))
    } else {
        (None, None)
    };
    let q = [quantile(&xs, 0.05), quantile(&xs, 0.5), quantile(&xs, 0.95)];
    (n as u64, mean, sd, ci, q)
}

type Groups = BTreeMap<(String, String, String, i32), Vec<f64>>;

/// Summarise the results in `dir` (every part of every variant found).
pub fn summarize(dir: &Path) -> Result<Summary, SummaryError> {
    let desc = fs::read_to_string(dir.join("sweep.json"))
        .map_err(|_| SummaryError::NotASweep(dir.display().to_string()))?;
    let d: serde_json::Value = serde_json::from_str(&desc)
        .map_err(|_| SummaryError::NotASweep(dir.display().to_string()))?;
    let columns: Vec<String> = d["axes"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|x| x["column"].as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default();
    let mut groups: Groups = BTreeMap::new();
    let mut params: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
    let mut seen: BTreeMap<(String, u64), String> = BTreeMap::new();
    let mut parts = 0;
    let mut entries: Vec<_> = fs::read_dir(dir)
        .map_err(io_err(dir))?
        .flatten()
        .map(|e| e.path())
        .collect();
    entries.sort();
    for vdir in entries {
        let name = vdir.file_name().and_then(|n| n.to_str()).unwrap_or("");
        let Some(variant) = name.strip_prefix("variant=") else {
            continue;
        };
        let mut files: Vec<_> = fs::read_dir(&vdir)
            .map_err(io_err(&vdir))?
            .flatten()
            .map(|e| e.path())
            .filter(|p| {
                p.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.starts_with("part-") && n.ends_with(".parquet"))
            })
            .collect();
        files.sort();
        for f in files {
            let part = store::read_part(&f)?;
            parts += 1;
            let fname = f.display().to_string();
            for r in &part.meta.replications {
                if let Some(prev) = seen.insert((variant.to_string(), *r), fname.clone()) {
                    return Err(SummaryError::Duplicate {
                        variant: variant.into(),
                        replication: *r,
                        a: prev,
                        b: fname,
                    });
                }
            }
            params.entry(variant.to_string()).or_insert(part.params);
            for sr in part.rows {
                let r = sr.row;
                groups
                    .entry((variant.to_string(), r.metric, r.scope, r.year))
                    .or_default()
                    .push(r.value);
            }
        }
    }
    let rows = groups
        .into_iter()
        .map(|((variant, metric, scope, year), xs)| {
            let (n, mean, sd, ci, q) = stats(xs);
            SummaryRow {
                params: params.get(&variant).cloned().unwrap_or_default(),
                variant,
                metric,
                scope,
                year,
                n,
                mean,
                sd,
                ci95_lo: ci.map(|c| c.0),
                ci95_hi: ci.map(|c| c.1),
                p05: q[0],
                p50: q[1],
                p95: q[2],
            }
        })
        .collect();
    Ok(Summary {
        sweep: d["name"].as_str().unwrap_or("").into(),
        columns,
        units_found: seen.len() as u64,
        units_expected: d["units"].as_u64().unwrap_or(0),
        parts,
        rows,
    })
}

/// The DuckDB query that computes the same summary from the Parquet files (for the README
/// and the test that checks the two agree): the t critical value is the same expression
/// as `t_quantile(0.95, n - 1)` — its table for 1 to 9 degrees of freedom, the
/// Cornish–Fisher expansion beyond.
pub fn duckdb_query(dir: &str) -> String {
    let z: f64 = 1.959_964;
    let g1 = (z.powi(3) + z) / 4.0;
    let g2 = (5.0 * z.powi(5) + 16.0 * z.powi(3) + 3.0 * z) / 96.0;
    let g3 = (3.0 * z.powi(7) + 19.0 * z.powi(5) + 17.0 * z.powi(3) - 15.0 * z) / 384.0;
    let t = format!(
        "CASE WHEN n < 11 THEN [12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262][n - 1] \
         ELSE {z:?} + {g1:?} / (n - 1) + {g2:?} / (n - 1) ^ 2 + {g3:?} / (n - 1) ^ 3 END"
    );
    format!(
        "SELECT variant, metric, scope, year, count(*) AS n, avg(value) AS mean, stddev_samp(value) AS sd, \
         mean - ({t}) * sd / sqrt(n) AS ci95_lo, mean + ({t}) * sd / sqrt(n) AS ci95_hi, \
         quantile_cont(value, 0.05) AS p05, quantile_cont(value, 0.5) AS p50, quantile_cont(value, 0.95) AS p95 \
         FROM read_parquet('{dir}/variant=*/*.parquet', hive_partitioning = true) \
         GROUP BY ALL ORDER BY ALL"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_interpolate_like_duckdb() {
        let xs = [1.0, 2.0, 3.0, 4.0];
        assert_eq!(quantile(&xs, 0.5), 2.5);
        assert!((quantile(&xs, 0.05) - 1.15).abs() < 1e-12);
        assert_eq!(quantile(&[7.0], 0.95), 7.0);
        let (n, mean, sd, ci, _) = stats(vec![1.0, 2.0, 3.0]);
        assert_eq!((n, mean), (3, 2.0));
        assert_eq!(sd, Some(1.0));
        let (lo, hi) = ci.unwrap();
        assert!(
            (hi - 2.0 - 4.303 / 3f64.sqrt()).abs() < 1e-12 && (2.0 - lo - (hi - 2.0)).abs() < 1e-12
        );
    }
}
