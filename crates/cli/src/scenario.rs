//! `corridor scenario`: the corridor over time. Finds and reads scenario files (embedded by
//! name, or a path), runs and compares them; the tables are in `scenario_text`.

use crate::Failure;
use crate::scenario_text as text;
use clap::{Args, Subcommand};
use corridor_model::diag::{Diagnostic, did_you_mean};
use corridor_model::read::{self, Input};
use corridor_model::{LoadErrors, Network};
use corridor_scenario::compare::{CompareError, CompareOptions, compare};
use corridor_scenario::run::{Options, RunError, run};
use corridor_scenario::scenario::Context;
use corridor_scenario::timeline::{Cache, EpochError};
use corridor_scenario::{Scenario, embedded};
use corridor_sim::ops_input::{self, Parsed};
use std::path::{Path, PathBuf};
use std::sync::Arc;

#[derive(Subcommand, Debug)]
pub enum ScenarioCmd {
    /// The embedded scenarios.
    List,
    /// The project cards of the pipeline (data/projects.toml and any --projects files).
    Projects(PipelineArgs),
    /// A scenario in full: horizon, projects, interventions, demand.
    #[command(
        after_help = "Examples:\n  corridor scenario show middle-corridor-2030\n  corridor scenario show my-scenario.toml --json"
    )]
    Show(ShowArgs),
    /// Check a scenario file: every id, field and figure, and the network in every state
    /// its timeline reaches.
    #[command(
        after_help = "Exit status: 0 if valid, 2 with every problem at its file, line and key.\n\nExamples:\n  corridor scenario validate examples/scenarios/my-scenario.toml\n  corridor --data my-network scenario validate my-scenario.toml"
    )]
    Validate(ShowArgs),
    /// The projects by year: status, slip risk, how likely each is ready, what it changes.
    #[command(
        after_help = "Examples:\n  corridor scenario timeline middle-corridor-2030\n  corridor scenario timeline middle-corridor-2030 --draws 1000 --json"
    )]
    Timeline(TimelineArgs),
    /// Run a scenario year by year (replications over project delays and operations).
    #[command(
        after_help = "Examples:\n  corridor scenario run middle-corridor-2030\n  corridor scenario run red-sea-closure --replications 40 --json\n  corridor scenario run my-scenario.toml --years 2026..2028 --csv > my.csv"
    )]
    Run(RunArgs),
    /// Two scenarios side by side per year, each difference attributed to the projects,
    /// interventions and demand that cause it.
    #[command(
        after_help = "Attribution re-runs B without each item it has that A has not (and A without each item\nonly it has), with the same seeds: one run per item. --no-attribution skips it.\n\nExamples:\n  corridor scenario compare baseline middle-corridor-2030\n  corridor scenario compare baseline red-sea-closure --year 2026\n  corridor scenario compare baseline my-scenario.toml --replications 10 --json"
    )]
    Compare(CompareArgs),
}

#[derive(Args, Debug)]
pub struct PipelineArgs {
    /// More project pipeline files (TOML of [[project]] cards), beside the embedded one.
    #[arg(long = "projects", value_name = "FILE")]
    pub projects: Vec<PathBuf>,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Args, Debug)]
pub struct ShowArgs {
    /// An embedded scenario's name (`corridor scenario list`) or a scenario file.
    pub scenario: String,
    #[command(flatten)]
    pub pipeline: PipelineArgs,
}

#[derive(Args, Debug)]
pub struct TimelineArgs {
    #[command(flatten)]
    pub show: ShowArgs,
    /// Draws of the completion dates (default: the scenario's replications).
    #[arg(long)]
    pub draws: Option<u64>,
}

/// Options shared by `run` and `compare`.
#[derive(Args, Debug)]
pub struct RunCommon {
    /// Replications (default: the scenario's [run] table, else 20).
    #[arg(long)]
    pub replications: Option<u64>,
    /// Seed (default: the scenario's, else 42).
    #[arg(long)]
    pub seed: Option<u64>,
    /// Threads (default: all cores). Results do not depend on it.
    #[arg(long)]
    pub threads: Option<usize>,
    /// Print JSON.
    #[arg(long, conflicts_with = "csv")]
    pub json: bool,
    /// Print tidy CSV: one row per year and metric.
    #[arg(long)]
    pub csv: bool,
    /// No progress.
    #[arg(long)]
    pub quiet: bool,
}

#[derive(Args, Debug)]
pub struct RunArgs {
    /// An embedded scenario's name (`corridor scenario list`) or a scenario file.
    pub scenario: String,
    /// More project pipeline files (TOML of [[project]] cards), beside the embedded one.
    #[arg(long = "projects", value_name = "FILE")]
    pub projects: Vec<PathBuf>,
    /// Years to run, within the scenario's horizon: `2026..2028` or `2027`.
    #[arg(long, value_name = "FIRST..LAST")]
    pub years: Option<String>,
    /// Every project at its expected date (no slips).
    #[arg(long)]
    pub firm: bool,
    /// Leave out projects or interventions by id (repeatable).
    #[arg(long, value_name = "ID")]
    pub without: Vec<String>,
    #[command(flatten)]
    pub common: RunCommon,
}

#[derive(Args, Debug)]
pub struct CompareArgs {
    /// Scenario A (the reference): a name or a file.
    pub a: String,
    /// Scenario B.
    pub b: String,
    /// Only this year (within both horizons).
    #[arg(long, conflicts_with = "years")]
    pub year: Option<i32>,
    /// Years compared (default: the years both scenarios have): `2026..2028`.
    #[arg(long, value_name = "FIRST..LAST")]
    pub years: Option<String>,
    /// Skip the attribution runs (only the side-by-side figures).
    #[arg(long)]
    pub no_attribution: bool,
    /// More project pipeline files.
    #[arg(long = "projects", value_name = "FILE")]
    pub projects: Vec<PathBuf>,
    #[command(flatten)]
    pub common: RunCommon,
}

/// The base a scenario is resolved against: the network and the run's parameters.
pub struct Base {
    net: Arc<Network>,
    params: Parsed,
    demand_file: String,
}

impl Base {
    /// The run's parameters (units, weather, route choice, the base demand).
    pub fn params(&self) -> &Parsed {
        &self.params
    }

    /// The base demand table's name in messages.
    pub fn demand_file(&self) -> &str {
        &self.demand_file
    }

    /// The network of --data (or the embedded one) and its parameter files.
    pub fn load(net: Arc<Network>, data: Option<&Path>, deny: bool) -> Result<Base, Failure> {
        let (sim, cal, dem) = crate::simulate::parameter_files(data, None);
        let files = ops_input::Files {
            simulation: (&sim.0, sim.1),
            demand: (&dem.0, dem.1),
            calibration: (&cal.0, cal.1),
        };
        let (params, warns) = ops_input::parse_files(&net, &files).map_err(Failure::Invalid)?;
        crate::warnings(warns, deny)?;
        Ok(Base {
            net,
            params,
            demand_file: dem.0,
        })
    }
}

/// Read a settings file (a scenario or a pipeline) with its size limit.
pub(crate) fn read_settings(path: &Path) -> Result<String, Failure> {
    read::read_all(&Input::path(path), read::SETTINGS).map_err(|e| {
        Failure::Invalid(LoadErrors {
            diagnostics: vec![
                Diagnostic::at(&path.display().to_string(), e.line(), e.to_string())
                    .maybe_hint(e.hint()),
            ],
            suppressed: 0,
        })
    })
}

/// The pipelines: the embedded one and the user's files.
fn pipelines(extra: &[PathBuf]) -> Result<Vec<(String, String)>, Failure> {
    let mut out = embedded::pipelines();
    for p in extra {
        out.push((p.display().to_string(), read_settings(p)?));
    }
    Ok(out)
}

/// A scenario by embedded name or by path, resolved and checked.
pub fn resolve(
    name: &str,
    base: &Base,
    extra: &[PathBuf],
    deny: bool,
) -> Result<Scenario, Failure> {
    let pipes = pipelines(extra)?;
    let (file, text, dir): (String, String, Option<PathBuf>) = match embedded::text(name) {
        Some(t) if !Path::new(name).exists() => (embedded::file_name(name), t.to_string(), None),
        _ => {
            let path = Path::new(name);
            if !path.exists() && !name.ends_with(".toml") && !name.contains('/') {
                // A misspelling, or part of a name (`red-sea` for `red-sea-closure`).
                let hint = did_you_mean(name, embedded::names()).or_else(|| {
                    let like: Vec<&str> = embedded::names().filter(|n| n.contains(name)).collect();
                    match like.as_slice() {
                        [one] => Some(format!("did you mean `{one}`?")),
                        _ => None,
                    }
                });
                return Err(Failure::Usage(format!(
                    "no scenario `{name}`: it is neither an embedded scenario nor a file{}",
                    hint.map(|h| format!(" ({h})")).unwrap_or_else(|| format!(
                        " (embedded: {})",
                        embedded::names().collect::<Vec<_>>().join(", ")
                    ))
                )));
            }
            let text = read_settings(path)?;
            (
                path.display().to_string(),
                text,
                Some(path.parent().map(Path::to_path_buf).unwrap_or_default()),
            )
        }
    };
    let net = Arc::clone(&base.net);
    let read_table = |rel: &str| -> Result<Vec<ops_input::Flow>, LoadErrors> {
        let p = dir
            .as_ref()
            .map(|d| d.join(rel))
            .unwrap_or_else(|| PathBuf::from(rel));
        let (flows, warns) =
            ops_input::parse_demand_table(&net, &p.display().to_string(), &Input::path(&p))?;
        eprint!("{}", corridor_model::diag::warning_text(&warns));
        Ok(flows)
    };
    let ctx = Context {
        base: Arc::clone(&base.net),
        params: &base.params,
        demand_file: &base.demand_file,
        pipelines: &pipes,
        demand_table: if dir.is_some() {
            Some(&read_table)
        } else {
            None
        },
    };
    let (s, warns) = Scenario::parse(&file, &text, &ctx).map_err(Failure::Invalid)?;
    crate::warnings(warns, deny)?;
    Ok(s)
}

fn plural(n: usize, what: &str) -> String {
    format!("{n} {what}{}", if n == 1 { "" } else { "s" })
}

/// `FIRST..LAST` or `YEAR`.
fn years(v: &str) -> Result<(i32, i32), Failure> {
    let bad = || {
        Failure::Usage(format!(
            "--years expects FIRST..LAST (e.g. 2026..2028) or one year, found `{v}`"
        ))
    };
    let (a, b) = match v.split_once("..") {
        Some((a, b)) => (a.trim(), b.trim()),
        None => (v.trim(), v.trim()),
    };
    let a: i32 = a.parse().map_err(|_| bad())?;
    let b: i32 = b.parse().map_err(|_| bad())?;
    if a > b {
        return Err(bad());
    }
    Ok((a, b))
}

fn check_common(c: &RunCommon) -> Result<(), Failure> {
    if c.replications.is_some_and(|r| !(1..=10_000).contains(&r)) {
        return Err(Failure::Usage(
            "--replications must be between 1 and 10000".into(),
        ));
    }
    if c.threads.is_some_and(|t| !(1..=256).contains(&t)) {
        return Err(Failure::Usage("--threads must be between 1 and 256".into()));
    }
    Ok(())
}

pub(crate) fn pool(threads: Option<usize>) -> Result<rayon::ThreadPool, Failure> {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads.unwrap_or(0))
        .build()
        .map_err(|e| Failure::Internal(format!("cannot start the worker threads: {e}")))
}

/// An epoch that cannot be built, as the CLI reports it: at the line it comes from.
fn epoch_failure(s: &Scenario, e: EpochError) -> Failure {
    Failure::Invalid(corridor_scenario::validate::epoch_diagnostics(s, e))
}

pub(crate) fn run_failure(s: &Scenario, e: RunError) -> Failure {
    match e {
        RunError::Epoch(e) => epoch_failure(s, *e),
        RunError::Plan(p) => Failure::Usage(format!("{}: {p}", s.name)),
        other => Failure::Usage(other.to_string()),
    }
}

/// A progress line on a terminal for runs longer than a second.
pub(crate) struct Progress {
    pub(crate) bar: indicatif::ProgressBar,
    started: std::time::Instant,
    shown: std::sync::atomic::AtomicBool,
    interactive: bool,
}

impl Progress {
    pub(crate) fn new(len: u64, what: &str, quiet: bool) -> Progress {
        let bar = indicatif::ProgressBar::with_draw_target(
            Some(len),
            indicatif::ProgressDrawTarget::hidden(),
        );
        bar.set_style(
            indicatif::ProgressStyle::with_template(&format!(
                "{{elapsed}} [{{bar:40}}] {{pos}}/{{len}} {what}, ETA {{eta}}"
            ))
            .expect("valid template")
            .progress_chars("=> "),
        );
        Progress {
            bar,
            started: std::time::Instant::now(),
            shown: std::sync::atomic::AtomicBool::new(false),
            interactive: !quiet && std::io::IsTerminal::is_terminal(&std::io::stderr()),
        }
    }
    pub(crate) fn set(&self, n: u64) {
        if self.interactive
            && self.started.elapsed().as_secs_f64() > 1.0
            && !self.shown.swap(true, std::sync::atomic::Ordering::Relaxed)
        {
            self.bar
                .set_draw_target(indicatif::ProgressDrawTarget::stderr());
        }
        self.bar.set_position(n);
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.bar.finish_and_clear();
    }
}

/// Run a `scenario` subcommand; returns what to print.
pub fn command(
    cmd: ScenarioCmd,
    net: Arc<Network>,
    data: Option<&Path>,
    deny: bool,
) -> Result<String, Failure> {
    let base = || Base::load(Arc::clone(&net), data, deny);
    match cmd {
        ScenarioCmd::List => {
            let b = base()?;
            let mut rows = Vec::new();
            for name in embedded::names() {
                let s = resolve(name, &b, &[], deny)?;
                rows.push(s);
            }
            Ok(text::list(&rows))
        }
        ScenarioCmd::Projects(p) => {
            let b = base()?;
            // The cards as a scenario that selects them all would see them.
            let pipes = pipelines(&p.projects)?;
            let ids =
                corridor_scenario::scenario::pipeline_ids(&pipes).map_err(Failure::Invalid)?;
            let doc = format!(
                "name = \"pipeline\"\nyears = [2025, 2035]\nprojects = [{}]\n",
                ids.iter()
                    .map(|i| format!("\"{i}\""))
                    .collect::<Vec<_>>()
                    .join(", ")
            );
            let ctx = Context {
                base: Arc::clone(&b.net),
                params: &b.params,
                demand_file: &b.demand_file,
                pipelines: &pipes,
                demand_table: None,
            };
            let (s, _) = Scenario::parse("<all projects>", &doc, &ctx).map_err(Failure::Invalid)?;
            if p.json {
                return Ok(serde_json::to_string_pretty(&serde_json::json!({"schema": "corridor.projects", "schema_version": 1, "projects": s.projects})).expect("serialises") + "\n");
            }
            Ok(text::projects(&s))
        }
        ScenarioCmd::Show(a) => {
            let s = resolve(&a.scenario, &base()?, &a.pipeline.projects, deny)?;
            if a.pipeline.json {
                return Ok(text::show_json(&s));
            }
            Ok(text::show(&s))
        }
        ScenarioCmd::Validate(a) => {
            let s = resolve(&a.scenario, &base()?, &a.pipeline.projects, deny)?;
            let checked = validate(&s)?;
            Ok(format!(
                "{}: valid — {}, {}, years {}–{}; {} networks and {} epochs of the timeline checked\n",
                s.file,
                plural(s.projects.len(), "project"),
                plural(s.interventions.len(), "intervention"),
                s.first_year,
                s.last_year,
                checked.0,
                checked.1
            ))
        }
        ScenarioCmd::Timeline(a) => {
            let s = resolve(&a.show.scenario, &base()?, &a.show.pipeline.projects, deny)?;
            let draws = a.draws.unwrap_or(s.run.replications.max(100));
            if !(1..=1_000_000).contains(&draws) {
                return Err(Failure::Usage(
                    "--draws must be between 1 and 1000000".into(),
                ));
            }
            let t = corridor_scenario::timeline::projects(&s, s.run.seed, draws);
            if a.show.pipeline.json {
                return Ok(serde_json::to_string_pretty(&serde_json::json!({"schema": "corridor.scenario_timeline", "schema_version": 1, "scenario": s.name, "draws": draws, "seed": s.run.seed, "projects": t, "interventions": s.interventions})).expect("serialises") + "\n");
            }
            Ok(text::timeline(&s, &t, draws))
        }
        ScenarioCmd::Run(a) => {
            check_common(&a.common)?;
            let s = resolve(&a.scenario, &base()?, &a.projects, deny)?;
            let opts = Options {
                years: a.years.as_deref().map(years).transpose()?,
                replications: a.common.replications,
                seed: a.common.seed,
                without: a.without.clone(),
                firm: a.firm,
            };
            let cache = Cache::new(&s);
            let reps = opts.replications.unwrap_or(s.run.replications);
            let progress = Progress::new(reps, "replications", a.common.quiet);
            let r = pool(a.common.threads)?
                .install(|| run(&cache, &opts, &|n| progress.set(n)))
                .map_err(|e| run_failure(&s, e))?;
            drop(progress);
            if a.common.json {
                return Ok(serde_json::to_string_pretty(&serde_json::json!({"schema": "corridor.scenario_run", "schema_version": 1, "run": r})).expect("serialises") + "\n");
            }
            if a.common.csv {
                return Ok(text::run_csv(&r));
            }
            Ok(text::run(&s, &r))
        }
        ScenarioCmd::Compare(a) => {
            check_common(&a.common)?;
            let b = base()?;
            let sa = resolve(&a.a, &b, &a.projects, deny)?;
            let sb = resolve(&a.b, &b, &a.projects, deny)?;
            let opts = CompareOptions {
                years: match (a.year, &a.years) {
                    (Some(y), _) => Some((y, y)),
                    (None, Some(v)) => Some(years(v)?),
                    (None, None) => None,
                },
                replications: a.common.replications,
                seed: a.common.seed,
                attribute: !a.no_attribution,
            };
            let progress = Progress::new(1, "runs", a.common.quiet);
            let c = pool(a.common.threads)?
                .install(|| {
                    compare(&sa, &sb, &opts, &|done, total| {
                        progress.bar.set_length(total as u64);
                        progress.set(done as u64);
                    })
                })
                .map_err(|e| match e {
                    CompareError::Run { scenario, error } => {
                        let s = if scenario == sa.name { &sa } else { &sb };
                        run_failure(s, *error)
                    }
                    other => Failure::Usage(other.to_string()),
                })?;
            drop(progress);
            if a.common.json {
                return Ok(serde_json::to_string_pretty(&serde_json::json!({"schema": "corridor.scenario_comparison", "schema_version": 1, "comparison": c})).expect("serialises") + "\n");
            }
            if a.common.csv {
                return Ok(text::compare_csv(&c));
            }
            Ok(text::compare(&c))
        }
    }
}

/// Check the network in every state the timeline reaches (`corridor_scenario::validate`).
/// Returns (networks, epochs) checked.
fn validate(s: &Scenario) -> Result<(usize, usize), Failure> {
    let c = corridor_scenario::validate::validate(s).map_err(Failure::Invalid)?;
    Ok((c.networks, c.epochs))
}
