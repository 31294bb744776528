//! `corridor sweep`: many variants of a scenario as work units, on one machine or as the
//! shards of a Slurm job array or a Kubernetes Indexed Job; results in Parquet. Reads the
//! plan and its base scenario, calls `corridor_sweep`, prints; the tables are in
//! `sweep_text`.

use crate::Failure;
use crate::scenario::{Base, Progress, pool, read_settings, resolve, run_failure};
use crate::sweep_text as text;
use clap::{Args, Subcommand};
use corridor_model::diag::Diagnostic;
use corridor_model::read;
use corridor_model::{LoadErrors, Network};
use corridor_scenario::{Scenario, embedded};
use corridor_sweep::cluster::{Job, shard_from_env};
use corridor_sweep::shard::SweepError;
use corridor_sweep::summary::{SummaryError, summarize};
use corridor_sweep::{Plan, PlanFile, Shard, Sweep, bind, run_shard};
use std::path::{Path, PathBuf};
use std::sync::Arc;

#[derive(Subcommand, Debug)]
pub enum SweepCmd {
    /// The variants and units of a plan.
    #[command(
        after_help = "Examples:\n  corridor sweep show examples/sweeps/red-sea-sweep.toml\n  corridor sweep show my-sweep.toml --json"
    )]
    Show(PlanArgs),
    /// Run a shard of a sweep (every unit by default) into a results directory.
    #[command(
        after_help = "Units are numbered variant by variant; --shard I/N takes those whose number is ≡ I (mod N).\nA rerun skips complete parts and resumes a killed shard from its journal; the results do not\ndepend on the split, the order or --threads. --shard env reads SLURM_ARRAY_TASK_ID and\nSLURM_ARRAY_TASK_COUNT, or JOB_COMPLETION_INDEX and CORRIDOR_SHARD_COUNT.\n\nExamples:\n  corridor sweep run examples/sweeps/red-sea-sweep.toml --out results\n  corridor sweep run my-sweep.toml --shard 0/3 --out results\n  corridor sweep run my-sweep.toml --shard env --out /scratch/results --quiet"
    )]
    Run(RunArgs),
    /// Mean, 95 % confidence interval and percentiles per variant and metric.
    #[command(
        after_help = "Examples:\n  corridor sweep summarize results\n  corridor sweep summarize results --csv > summary.csv"
    )]
    Summarize(SummarizeArgs),
    /// A Slurm job-array script: one task a shard (sbatch it).
    #[command(
        after_help = "Examples:\n  corridor sweep slurm my-sweep.toml --shards 20 --out /scratch/results > sweep.sbatch\n  sbatch sweep.sbatch"
    )]
    Slurm(SlurmArgs),
    /// A Kubernetes Indexed Job manifest: one pod a shard (kubectl apply it).
    #[command(
        after_help = "Examples:\n  corridor sweep k8s my-sweep.toml --shards 20 --image registry.example/corridor:0.1 > sweep.yaml\n  kubectl apply -f sweep.yaml"
    )]
    K8s(K8sArgs),
}

#[derive(Args, Debug)]
pub struct PlanArgs {
    /// The sweep plan (TOML; see examples/sweeps/).
    pub plan: PathBuf,
    /// More project pipeline files for the base scenario.
    #[arg(long = "projects", value_name = "FILE")]
    pub projects: Vec<PathBuf>,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Args, Debug)]
pub struct RunArgs {
    /// The sweep plan.
    pub plan: PathBuf,
    /// Results directory (created; a rerun into it resumes).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// `I/N` (shard I of N, from 0), or `env` (from the cluster's task index).
    #[arg(long, default_value = "0/1")]
    pub shard: String,
    /// Threads (default: all cores). Results do not depend on it.
    #[arg(long)]
    pub threads: Option<usize>,
    /// No progress bar (none is drawn when stderr is not a terminal).
    #[arg(long)]
    pub quiet: bool,
    /// More project pipeline files for the base scenario.
    #[arg(long = "projects", value_name = "FILE")]
    pub projects: Vec<PathBuf>,
}

#[derive(Args, Debug)]
pub struct SummarizeArgs {
    /// A results directory of `corridor sweep run`.
    pub dir: PathBuf,
    /// Print CSV: one row per variant, metric, scope and year.
    #[arg(long, conflicts_with = "json")]
    pub csv: bool,
    /// Print JSON.
    #[arg(long, conflicts_with = "sql")]
    pub json: bool,
    /// Print the DuckDB query that computes the same summary from the Parquet files.
    #[arg(long, conflicts_with = "csv")]
    pub sql: bool,
}

#[derive(Args, Debug)]
pub struct ClusterArgs {
    /// The sweep plan (as the tasks see its path).
    pub plan: PathBuf,
    /// Shards: tasks of the array, completions of the job.
    #[arg(long)]
    pub shards: u64,
    /// CPUs per task (its threads).
    #[arg(long, default_value_t = 2)]
    pub cpus: u32,
    /// More project pipeline files for the base scenario (checked here).
    #[arg(long = "projects", value_name = "FILE")]
    pub projects: Vec<PathBuf>,
}

#[derive(Args, Debug)]
pub struct SlurmArgs {
    #[command(flatten)]
    pub common: ClusterArgs,
    /// Results directory, as the tasks see it (a shared file system).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Time limit of a task (sbatch --time).
    #[arg(long, default_value = "04:00:00")]
    pub time: String,
}

#[derive(Args, Debug)]
pub struct K8sArgs {
    #[command(flatten)]
    pub common: ClusterArgs,
    /// Results directory, relative to the volume's mount.
    #[arg(long, value_name = "DIR", default_value = "results")]
    pub out: PathBuf,
    /// The container image with `corridor` on its PATH.
    #[arg(long, default_value = "corridor:latest")]
    pub image: String,
    /// The PersistentVolumeClaim holding the plan and the results.
    #[arg(long, default_value = "corridor-sweep")]
    pub claim: String,
    /// Where the volume is mounted (the pods' working directory).
    #[arg(long, default_value = "/sweep")]
    pub mount: String,
}

/// A plan read and bound, with its base scenario.
struct Loaded {
    plan: Plan,
    base: Scenario,
    dataset_hash: String,
}

fn load(
    plan: &Path,
    projects: &[PathBuf],
    net: &Arc<Network>,
    data: Option<&Path>,
    deny: bool,
) -> Result<Loaded, Failure> {
    let text = read_settings(plan)?;
    let file = plan.display().to_string();
    let pf = PlanFile::parse(&file, &text).map_err(Failure::Invalid)?;
    let b = Base::load(Arc::clone(net), data, deny)?;
    // A file named by the plan is relative to it; else an embedded name.
    let rel = plan
        .parent()
        .map(|d| d.join(&pf.scenario))
        .unwrap_or_else(|| PathBuf::from(&pf.scenario));
    let looks_like_file = pf.scenario.ends_with(".toml") || pf.scenario.contains('/');
    let name = if rel.exists() || (looks_like_file && embedded::text(&pf.scenario).is_none()) {
        rel.display().to_string()
    } else {
        pf.scenario.clone()
    };
    let base = resolve(&name, &b, projects, deny).map_err(|e| match e {
        Failure::Usage(m) => Failure::Invalid(LoadErrors {
            diagnostics: vec![
                Diagnostic::at(&file, Some(pf.scenario_line), m)
                    .field("scenario")
                    .hint("an embedded scenario's name (`corridor scenario list`) or a file relative to the plan"),
            ],
            suppressed: 0,
        }),
        other => other,
    })?;
    let plan = bind(&pf, &base).map_err(Failure::Invalid)?;
    let total: u64 = plan.variants().iter().map(|v| v.replications).sum();
    if total > corridor_sweep::plan::MAX_UNITS {
        return Err(Failure::Usage(format!(
            "{file}: the sweep has {total} units; at most {}",
            corridor_sweep::plan::MAX_UNITS
        )));
    }
    let dataset_hash = dataset_hash(net, data)?;
    Ok(Loaded {
        plan,
        base,
        dataset_hash,
    })
}

/// The dataset's hash: the network as exported and the run's parameter files.
fn dataset_hash(net: &Network, data: Option<&Path>) -> Result<String, Failure> {
    let (sim, cal, dem) = crate::simulate::parameter_files(data, None);
    let mut texts = Vec::new();
    for (name, input) in [sim, cal, dem] {
        let limit = if name.ends_with(".toml") {
            read::SETTINGS
        } else {
            read::DEMAND_TABLE
        };
        texts.push(read::read_all(&input, limit).map_err(|e| Failure::Io(format!("{name}: {e}")))?);
    }
    let refs: Vec<&[u8]> = texts.iter().map(|t| t.as_bytes()).collect();
    corridor_sweep::unit::dataset_hash(net, &refs)
        .map_err(|e| Failure::Internal(format!("cannot hash the dataset: {e}")))
}

/// `I/N` or `env`.
fn shard(v: &str) -> Result<Shard, Failure> {
    let (index, count) = if v == "env" {
        shard_from_env(&|k| std::env::var(k).ok()).map_err(|e| Failure::Usage(e.to_string()))?
    } else {
        let bad = || {
            Failure::Usage(format!(
                "--shard expects I/N (shard I of N, from 0, e.g. 0/3) or `env`, found `{v}`"
            ))
        };
        let (i, n) = v.split_once('/').ok_or_else(bad)?;
        let (i, n): (u64, u64) = (
            i.trim().parse().map_err(|_| bad())?,
            n.trim().parse().map_err(|_| bad())?,
        );
        if n == 0 || i >= n {
            return Err(bad());
        }
        (i, n)
    };
    Ok(Shard { index, count })
}

fn sweep_failure(l: &Loaded, sw: &Sweep, e: SweepError) -> Failure {
    match e {
        SweepError::Run {
            variant,
            replication,
            error,
        } => {
            let v = sw.variants.iter().find(|x| x.key == variant);
            let s =
                v.and_then(|v| corridor_sweep::exec::variant_scenario(&l.base, &l.plan, v).ok());
            let f = run_failure(s.as_ref().unwrap_or(&l.base), *error);
            match f {
                Failure::Usage(m) => {
                    Failure::Usage(format!("variant {variant}, replication {replication}: {m}"))
                }
                other => other,
            }
        }
        SweepError::Store(s) => Failure::Io(s.to_string()),
        other => Failure::Usage(other.to_string()),
    }
}

/// Run a `sweep` subcommand; returns what to print.
pub fn command(
    cmd: SweepCmd,
    net: Arc<Network>,
    data: Option<&Path>,
    deny: bool,
) -> Result<String, Failure> {
    let version = env!("CARGO_PKG_VERSION");
    match cmd {
        SweepCmd::Show(a) => {
            let l = load(&a.plan, &a.projects, &net, data, deny)?;
            let sw = Sweep::new(&l.plan, &l.base, &l.dataset_hash, version);
            Ok(if a.json {
                sw.description()
            } else {
                text::show(&sw)
            })
        }
        SweepCmd::Run(a) => {
            if a.threads.is_some_and(|t| !(1..=256).contains(&t)) {
                return Err(Failure::Usage("--threads must be between 1 and 256".into()));
            }
            let sh = shard(&a.shard)?;
            let l = load(&a.plan, &a.projects, &net, data, deny)?;
            let sw = Sweep::new(&l.plan, &l.base, &l.dataset_hash, version);
            let progress = Progress::new(1, "units", a.quiet);
            let out = pool(a.threads)?
                .install(|| {
                    run_shard(&sw, &a.out, sh, &|done, total| {
                        progress.bar.set_length(total);
                        progress.set(done);
                    })
                })
                .map_err(|e| sweep_failure(&l, &sw, e))?;
            drop(progress);
            Ok(text::ran(&sw, &out, &a.out))
        }
        SweepCmd::Summarize(a) => {
            if a.sql {
                let dir = a.dir.display().to_string();
                return Ok(corridor_sweep::summary::duckdb_query(&dir.replace('\'', "''")) + ";\n");
            }
            let s = summarize(&a.dir).map_err(|e| match e {
                SummaryError::Store(s) => Failure::Io(s.to_string()),
                other => Failure::Usage(other.to_string()),
            })?;
            Ok(if a.json {
                serde_json::to_string_pretty(&serde_json::json!({"schema": "corridor.sweep_summary", "schema_version": 1, "summary": s})).expect("serialises") + "\n"
            } else if a.csv {
                text::summary_csv(&s)
            } else {
                text::summary(&s)
            })
        }
        SweepCmd::Slurm(a) => {
            let job = job(&a.common, &a.out, &net, data, deny)?;
            let exe = std::env::current_exe()
                .map(|p| p.display().to_string())
                .unwrap_or_else(|_| "corridor".into());
            Ok(job.slurm(&exe, &a.time))
        }
        SweepCmd::K8s(a) => {
            let job = job(&a.common, &a.out, &net, data, deny)?;
            Ok(job.kubernetes(&a.image, &a.claim, &a.mount))
        }
    }
}

/// A cluster job for a plan, checked first (so a bad plan fails here, not on the cluster).
fn job(
    c: &ClusterArgs,
    out: &Path,
    net: &Arc<Network>,
    data: Option<&Path>,
    deny: bool,
) -> Result<Job, Failure> {
    if !(1..=100_000).contains(&c.shards) {
        return Err(Failure::Usage(
            "--shards must be between 1 and 100000".into(),
        ));
    }
    if !(1..=256).contains(&c.cpus) {
        return Err(Failure::Usage("--cpus must be between 1 and 256".into()));
    }
    let l = load(&c.plan, &c.projects, net, data, deny)?;
    Ok(Job {
        name: l.plan.name.clone(),
        plan: c.plan.display().to_string(),
        out: out.display().to_string(),
        shards: c.shards,
        cpus: c.cpus,
        data: data.map(|d| d.display().to_string()),
        projects: c.projects.iter().map(|p| p.display().to_string()).collect(),
    })
}
