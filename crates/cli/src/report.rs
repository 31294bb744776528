//! `corridor report`: a scenario run (and its comparison with another) as one
//! self-contained HTML file, or as Markdown with the SVG figures beside it. The run is the
//! engine's (`corridor_scenario`), the drawing `corridor_report`'s (the dashboard's), the
//! writing `output::write_file`'s (never replacing a file without `--force`).

use crate::Failure;
use crate::output::write_file;
use crate::scenario::{Base, resolve};
use clap::{Args, ValueEnum};
use corridor_model::Network;
use corridor_report::{doc, html, md, view};
use corridor_scenario::compare::{CompareError, CompareOptions, compare};
use corridor_scenario::run::{Options, run};
use corridor_scenario::timeline::Cache;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The file format of a report.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum ReportFormat {
    /// One HTML file, SVGs inline, no script, nothing outside it.
    Html,
    /// Markdown, with the SVGs as files beside it.
    Md,
}

/// Options of `corridor report`.
#[derive(Args, Debug)]
pub struct ReportArgs {
    /// The scenario: an embedded name or a scenario file.
    #[arg(long, value_name = "NAME")]
    pub scenario: String,
    /// Compare it with this scenario (the reference, A).
    #[arg(long, value_name = "OTHER")]
    pub compare: Option<String>,
    /// The report file to write.
    #[arg(short = 'o', long = "out", value_name = "FILE")]
    pub out: PathBuf,
    /// html (default) or md.
    #[arg(long, value_enum, default_value = "html")]
    pub format: ReportFormat,
    /// Replace existing files.
    #[arg(long)]
    pub force: bool,
    /// Years to run, within the horizon: `2026..2028` or `2027`.
    #[arg(long, value_name = "FIRST..LAST")]
    pub years: Option<String>,
    /// Replications (default: the scenario's).
    #[arg(long)]
    pub replications: Option<u64>,
    /// Seed (default: the scenario's).
    #[arg(long)]
    pub seed: Option<u64>,
    /// More project pipeline files.
    #[arg(long = "projects", value_name = "FILE")]
    pub projects: Vec<PathBuf>,
}

fn years(v: &str) -> Result<(i32, i32), Failure> {
    let bad = || {
        Failure::Usage(format!(
            "--years expects FIRST..LAST or one year, found `{v}`"
        ))
    };
    let (a, b) = v.split_once("..").unwrap_or((v, v));
    let (a, b): (i32, i32) = (
        a.trim().parse().map_err(|_| bad())?,
        b.trim().parse().map_err(|_| bad())?,
    );
    if a > b {
        return Err(bad());
    }
    Ok((a, b))
}

fn json_of<T: serde::Serialize>(schema: &str, key: &str, v: &T) -> Result<view::Result, Failure> {
    let v = serde_json::json!({"schema": schema, "schema_version": 1, key: v});
    view::Result::from_json(&v).map_err(Failure::Internal)
}

/// Run the scenario (or the comparison) and read the result back as the renderer reads it.
fn results(
    a: &ReportArgs,
    net: &Arc<Network>,
    data: Option<&Path>,
    deny: bool,
) -> Result<(view::Run, Option<view::Comparison>), Failure> {
    if a.replications.is_some_and(|r| !(1..=10_000).contains(&r)) {
        return Err(Failure::Usage(
            "--replications must be between 1 and 10000".into(),
        ));
    }
    let base = Base::load(Arc::clone(net), data, deny)?;
    let yrs = a.years.as_deref().map(years).transpose()?;
    let s = resolve(&a.scenario, &base, &a.projects, deny)?;
    eprintln!(
        "corridor report: running {}{} ({} replications)…",
        s.name,
        a.compare
            .as_deref()
            .map(|o| format!(" against {o}, each difference attributed"))
            .unwrap_or_default(),
        a.replications.unwrap_or(s.run.replications)
    );
    match &a.compare {
        None => {
            let opts = Options {
                years: yrs,
                replications: a.replications,
                seed: a.seed,
                without: Vec::new(),
                firm: false,
            };
            let r = run(&Cache::new(&s), &opts, &|_| {})
                .map_err(|e| Failure::Usage(format!("{}: {e}", s.name)))?;
            match json_of("corridor.scenario_run", "run", &r)? {
                view::Result::Run(r) => Ok((*r, None)),
                _ => Err(Failure::Internal(
                    "a run read back as something else".into(),
                )),
            }
        }
        Some(other) => {
            let sa = resolve(other, &base, &a.projects, deny)?;
            let opts = CompareOptions {
                years: yrs,
                replications: a.replications,
                seed: a.seed,
                attribute: true,
            };
            let c = compare(&sa, &s, &opts, &|_, _| {}).map_err(|e| match e {
                CompareError::Run { scenario, error } => {
                    Failure::Usage(format!("{scenario}: {error}"))
                }
                other => Failure::Usage(other.to_string()),
            })?;
            match json_of("corridor.scenario_comparison", "comparison", &c)? {
                view::Result::Comparison(c) => Ok((c.runs_a_b[1].clone(), Some(*c))),
                _ => Err(Failure::Internal(
                    "a comparison read back as something else".into(),
                )),
            }
        }
    }
}

fn made_by(a: &ReportArgs) -> String {
    let mut s = format!("corridor report --scenario {}", a.scenario);
    if let Some(c) = &a.compare {
        s += &format!(" --compare {c}");
    }
    for (k, v) in [
        ("--years", a.years.clone()),
        ("--replications", a.replications.map(|r| r.to_string())),
        ("--seed", a.seed.map(|r| r.to_string())),
    ] {
        if let Some(v) = v {
            s += &format!(" {k} {v}");
        }
    }
    s
}

/// Write the report; returns what to print.
pub fn report(
    a: ReportArgs,
    net: Arc<Network>,
    data: Option<&Path>,
    deny: bool,
) -> Result<String, Failure> {
    // Refuse an existing file before the work, not after it.
    crate::output::check_file_target(&a.out, a.force)?;
    let hash = corridor_server::base::dataset_hash(&net, data)
        .map_err(|e| Failure::Usage(e.to_string()))?;
    let (run, cmp) = results(&a, &net, data, deny)?;
    let meta = doc::Meta {
        version: env!("CARGO_PKG_VERSION").into(),
        dataset_hash: hash,
        made_by: made_by(&a),
    };
    let d = doc::build(&net, &run, cmp.as_ref(), &meta);
    match a.format {
        ReportFormat::Html => {
            let text = html::write(&d);
            write_file(&a.out, a.force, |w: &mut dyn Write| {
                w.write_all(text.as_bytes())
            })?;
            Ok(format!(
                "wrote {} ({} KB, one self-contained file)\n",
                a.out.display(),
                text.len() / 1024
            ))
        }
        ReportFormat::Md => {
            let stem = a
                .out
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_else(|| "report".into());
            let (text, files) = md::write(&d, &stem);
            let dir = a.out.parent().map(Path::to_path_buf).unwrap_or_default();
            for (name, _) in &files {
                crate::output::check_file_target(&dir.join(name), a.force)?;
            }
            for (name, svg) in &files {
                write_file(&dir.join(name), a.force, |w: &mut dyn Write| {
                    w.write_all(svg.as_bytes())
                })?;
            }
            write_file(&a.out, a.force, |w: &mut dyn Write| {
                w.write_all(text.as_bytes())
            })?;
            Ok(format!(
                "wrote {} and {} SVG figures beside it\n",
                a.out.display(),
                files.len()
            ))
        }
    }
}
