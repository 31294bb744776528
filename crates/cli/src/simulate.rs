//! `corridor simulate`: Monte Carlo runs of the corridor operations model.

use crate::Failure;
use crate::table::render;
use clap::Args;
use corridor_model::Network;
use corridor_model::read::Input;
use corridor_route::time::{DATE_RANGE, FIRST_YEAR, Instant, LAST_YEAR};
use corridor_sim::ops::{self, Metric, Plan, PlanError, Report};
use corridor_sim::ops_input::{self, OpsInput};
use std::borrow::Cow;
use std::path::{Path, PathBuf};

/// Options of `corridor simulate`.
#[derive(Args, Debug)]
pub struct SimArgs {
    /// Demand table: a published set by name — published-2024 (the observed 2024 flows) or
    /// published-2030 (the published 2030 targets), embedded, usable from any directory —
    /// or a CSV file (from,to,teu_per_year,tonnes_per_year,corridor,src,note; a row gives
    /// containers in teu_per_year or wagonload in tonnes_per_year). A value without `/` or
    /// `.` is a name (write ./NAME for a file named so). Default: DIR/demand.csv of --data,
    /// else the embedded observed 2024 flows. Parameters (units, demand by month,
    /// weather, breakdowns, route choice) come from DIR/simulation.toml of --data, else the
    /// embedded one.
    #[arg(long, value_name = "FILE")]
    pub demand: Option<PathBuf>,
    /// Calendar year simulated (weather by month, timetables by weekday).
    #[arg(long, default_value_t = 2024)]
    pub year: i32,
    /// Days simulated after the warm-up.
    #[arg(long, default_value_t = 365.0, allow_negative_numbers = true)]
    pub days: f64,
    /// Warm-up days, not measured.
    #[arg(long, default_value_t = 30.0, allow_negative_numbers = true)]
    pub warmup_days: f64,
    /// Replications.
    #[arg(long, default_value_t = 20)]
    pub replications: u64,
    /// Seed (replication r uses its own streams derived from it).
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// Threads (default: all cores). Results do not depend on it.
    #[arg(long)]
    pub threads: Option<usize>,
    /// Multiply every demand volume (growth scenarios): 1.5 for +50 %. From 0 to 100, and
    /// the demand it gives at most 50 million TEU a year.
    #[arg(long, default_value_t = 1.0, value_parser = crate::hints::factor, allow_negative_numbers = true)]
    pub demand_factor: f64,
    /// Print JSON.
    #[arg(long, conflicts_with = "csv")]
    pub json: bool,
    /// Print tidy CSV: one row per metric.
    #[arg(long)]
    pub csv: bool,
    /// No progress bar.
    #[arg(long)]
    pub quiet: bool,
}

/// A parameter file with its name in messages.
pub(crate) type Named = (String, Input);

/// The run's parameter files: `simulation.toml`, `calibration.csv` and the demand table of
/// the --data directory when it has them, else the embedded ones; an explicit demand path
/// is read (or reported missing) as given.
pub(crate) fn parameter_files(data: Option<&Path>, demand: Option<Named>) -> (Named, Named, Named) {
    let embedded = |text: &'static str| Input::Bytes(Cow::Borrowed(text.as_bytes()));
    let from_data = |name: &str, default: &'static str| match data.map(|d| d.join(name)) {
        Some(p) if matches!(Input::path(&p), Input::Path(_)) => {
            (p.display().to_string(), Input::Path(p))
        }
        _ => (format!("<embedded>/data/{name}"), embedded(default)),
    };
    let sim = from_data("simulation.toml", ops_input::DEFAULT_SIMULATION);
    let cal = from_data("calibration.csv", ops_input::DEFAULT_CALIBRATION);
    let dem = match demand {
        Some(named) => named,
        None => from_data("demand.csv", ops_input::DEFAULT_DEMAND),
    };
    (sim, cal, dem)
}

/// The period and demand a run is planned for.
pub(crate) struct Window {
    /// Every demand volume multiplied.
    pub factor: f64,
    /// Calendar year simulated (from 1 January).
    pub year: i32,
    /// Days measured after the warm-up.
    pub days: f64,
    /// Warm-up days.
    pub warmup_days: f64,
}

/// A run planned from its parameter files, and the names they go by in messages.
pub(crate) struct Planned {
    pub plan: Plan,
    pub simulation: String,
    pub calibration: String,
    pub demand: String,
    /// Rows of the demand table.
    pub rows: usize,
}

/// Parse the parameter files of `data` (or the embedded ones; `demand` if given) with the
/// simulation's parser, report their warnings, and plan a run of `w` on `net` — routing
/// every demand row. One path for `simulate` and `network validate`.
pub(crate) fn plan_files(
    net: &std::sync::Arc<Network>,
    data: Option<&Path>,
    demand: Option<Named>,
    w: &Window,
    deny_warnings: bool,
) -> Result<Planned, Failure> {
    plan_files_probed(net, data, demand, w, deny_warnings, |_| Vec::new())
}

/// [`plan_files`], with `probes`: the points to count beside `calibration.csv`'s, given
/// those (the published figures of `corridor validation` that are not calibration points
/// of the run's year).
pub(crate) fn plan_files_probed(
    net: &std::sync::Arc<Network>,
    data: Option<&Path>,
    demand: Option<Named>,
    w: &Window,
    deny_warnings: bool,
    probes: impl FnOnce(&[ops_input::CalibrationPoint]) -> Vec<ops_input::CalibrationPoint>,
) -> Result<Planned, Failure> {
    let (sim, cal, dem) = parameter_files(data, demand);
    let (simulation, calibration, demand) = (sim.0.clone(), cal.0.clone(), dem.0.clone());
    let files = ops_input::Files {
        simulation: (&sim.0, sim.1),
        demand: (&dem.0, dem.1),
        calibration: (&cal.0, cal.1),
    };
    let (mut parsed, warns) = ops_input::parse_files(net, &files).map_err(Failure::Invalid)?;
    crate::warnings(warns, deny_warnings)?;
    let extra = probes(&parsed.calibration);
    parsed.calibration.extend(extra);
    let rows = parsed.flows.len();
    let start = Instant::from_civil(w.year, 1, 1, 0.0).0;
    let input = OpsInput::from_parsed(parsed, w.factor, start, w.days, w.warmup_days);
    let plan =
        Plan::new(std::sync::Arc::clone(net), input).map_err(|e| plan_failure(e, &demand))?;
    Ok(Planned {
        plan,
        simulation,
        calibration,
        demand,
        rows,
    })
}

/// Run the simulation and format its report.
pub fn simulate(
    net: &std::sync::Arc<Network>,
    data: Option<&Path>,
    a: &SimArgs,
    deny_warnings: bool,
) -> Result<String, Failure> {
    if !(a.days.is_finite() && a.days >= 1.0 && a.days <= 3650.0) {
        return Err(Failure::Usage("--days must be between 1 and 3650".into()));
    }
    if !(a.warmup_days.is_finite() && a.warmup_days >= 0.0 && a.warmup_days <= 365.0) {
        return Err(Failure::Usage(
            "--warmup-days must be between 0 and 365".into(),
        ));
    }
    if a.replications == 0 || a.replications > 10_000 {
        return Err(Failure::Usage(
            "--replications must be between 1 and 10000".into(),
        ));
    }
    if a.threads.is_some_and(|t| !(1..=256).contains(&t)) {
        return Err(Failure::Usage("--threads must be between 1 and 256".into()));
    }
    if !(a.demand_factor.is_finite() && a.demand_factor >= 0.0 && a.demand_factor <= 100.0) {
        return Err(Failure::Usage(
            "--demand-factor must be between 0 and 100".into(),
        ));
    }
    // The simulation clock counts hours from 1970 (the timetables' epoch) and never runs
    // backwards from it; one date range for every command.
    if !(FIRST_YEAR..=LAST_YEAR).contains(&a.year) {
        return Err(Failure::Usage(format!(
            "--year must be between {FIRST_YEAR} and {LAST_YEAR} (the dates Corridor handles: {DATE_RANGE})"
        )));
    }
    let demand = a.demand.as_deref().map(demand_table).transpose()?;
    let planned = plan_files(
        net,
        data,
        demand,
        &Window {
            factor: a.demand_factor,
            year: a.year,
            days: a.days,
            warmup_days: a.warmup_days,
        },
        deny_warnings,
    )?;
    let (plan, sim_name, dem_name) = (planned.plan, planned.simulation, planned.demand);
    estimate(&plan, a);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(a.threads.unwrap_or(0))
        .build()
        .map_err(|e| Failure::Internal(format!("cannot start the worker threads: {e}")))?;
    let bar = indicatif::ProgressBar::with_draw_target(
        Some(a.replications),
        indicatif::ProgressDrawTarget::hidden(),
    );
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "{elapsed} [{bar:40}] {pos}/{len} replications, ETA {eta}",
        )
        .expect("valid template")
        .progress_chars("=> "),
    );
    let started = std::time::Instant::now();
    let shown = std::sync::atomic::AtomicBool::new(false);
    let interactive = !a.quiet && std::io::IsTerminal::is_terminal(&std::io::stderr());
    let progress = |n: u64| {
        if interactive
            && started.elapsed().as_secs_f64() > 1.0
            && !shown.swap(true, std::sync::atomic::Ordering::Relaxed)
        {
            bar.set_draw_target(indicatif::ProgressDrawTarget::stderr());
        }
        bar.set_position(n);
    };
    let mut report = pool.install(|| ops::run(&plan, a.seed, a.replications, &progress));
    bar.finish_and_clear();
    report.notes.insert(
        0,
        corridor_route::notes::Note {
            id: "demand_table",
            text: format!("Demand table: {dem_name}."),
        },
    );
    if a.json {
        return Ok(serde_json::to_string_pretty(&serde_json::json!({"schema": "corridor.simulation", "schema_version": 1, "year": a.year, "demand": dem_name, "parameters": sim_name, "report": report})).expect("report serialises") + "\n");
    }
    if a.csv {
        return Ok(csv(&report));
    }
    Ok(summary(net, a, &report, &dem_name))
}

/// The demand table a `--demand` value names: a published set by name (no `/` or `.`), or a
/// file; an unknown name gets the list of names.
fn demand_table(value: &Path) -> Result<Named, Failure> {
    let text = value.to_string_lossy();
    if !ops_input::is_demand_name(&text) {
        return Ok((value.display().to_string(), Input::path(value)));
    }
    match ops_input::published_demand(&text) {
        Some(d) => Ok((
            format!("{} (<embedded>/{})", d.name, d.file),
            Input::Bytes(Cow::Borrowed(d.text.as_bytes())),
        )),
        None => {
            let names = ops_input::PUBLISHED_DEMAND
                .iter()
                .map(|d| format!("  {}  {}", d.name, d.about))
                .collect::<Vec<_>>()
                .join("\n");
            Err(Failure::Usage(format!(
                "--demand `{}` is not a published demand set (a value without `/` or `.` is a name; write ./{} for a file of that name); the published sets are:\n{names}",
                corridor_model::diag::printable(&text),
                corridor_model::diag::printable(&text)
            )))
        }
    }
}

/// A plan error as the CLI reports it: a row of the demand table at its line, or a usage
/// problem of the run as a whole.
fn plan_failure(e: PlanError, demand_file: &str) -> Failure {
    match e.diagnostic(demand_file) {
        Some(d) => Failure::Invalid(corridor_model::LoadErrors {
            diagnostics: vec![d],
            suppressed: 0,
        }),
        None => Failure::Usage(e.to_string()),
    }
}

/// Tell the user before a run of more than about a minute how long it will take: the work
/// is about proportional to the units simulated (replications × units a replication).
fn estimate(plan: &Plan, a: &SimArgs) {
    let threads = a.threads.unwrap_or_else(rayon::current_num_threads).max(1) as f64;
    let secs = plan.estimated_cpu_seconds() * a.replications as f64 / threads;
    if secs > 60.0 {
        eprintln!(
            "note: this run simulates about {:.0} million units; estimated {} on {} thread{} (fewer --replications or --days run faster)",
            plan.expected_units() * a.replications as f64 / 1e6,
            duration_text(secs),
            threads,
            if threads == 1.0 { "" } else { "s" }
        );
    }
}

fn duration_text(secs: f64) -> String {
    if secs < 120.0 {
        format!("{secs:.0} s")
    } else if secs < 7200.0 {
        format!("{:.0} min", secs / 60.0)
    } else {
        format!("{:.1} h", secs / 3600.0)
    }
}

fn m(x: &Metric) -> String {
    match x.ci95 {
        Some([lo, hi]) => format!("{:.1} [{lo:.1}, {hi:.1}]", x.mean),
        None => format!("{:.1}", x.mean),
    }
}

fn summary(_net: &Network, a: &SimArgs, r: &Report, dem: &str) -> String {
    let mut out = format!(
        "Simulated {} days of {} after {} warm-up days, {} replications (seed {}), demand {} × {}\n",
        r.days, a.year, r.warmup_days, r.replications, r.seed, dem, a.demand_factor
    );
    let width = crate::layout::terminal_width();
    out.push_str(&crate::layout::wrap(
        &format!(
            "Units (FEU containers and wagons): generated {}, delivered {}, still in the system {} ({:.0} TEU-equivalent per replication); {} events",
            r.generated, r.delivered, r.in_system, r.undelivered_teu.mean, r.events
        ),
        width,
        "",
        "  ",
    ));
    out.push('\n');
    out.push_str(&stability_text(r, width));
    let rows: Vec<Vec<String>> = r
        .corridors
        .iter()
        .map(|c| {
            vec![
                c.corridor.clone(),
                format!("{:.0}", c.teu_delivered.mean),
                format!("{:.0}", c.tonnes_delivered.mean),
                format!("{:.1}", c.mean_days.mean),
                m(&c.p50_days),
                m(&c.p90_days),
                format!("{:.1}", c.p95_days.mean),
                format!("{:.1}", c.max_days),
            ]
        })
        .collect();
    out.push_str(if a.replications > 1 {
        "Door-to-door days of containers by corridor (mean over replications [95 % CI]):\n"
    } else {
        "Door-to-door days of containers by corridor (one replication: no confidence intervals):\n"
    });
    out.push_str(&render(
        &[
            "CORRIDOR",
            "TEU DELIVERED",
            "WAGONLOAD T",
            "MEAN D",
            "P50 D",
            "P90 D",
            "P95 D",
            "MAX D",
        ],
        &rows,
    ));
    let mut od = crate::layout::Table::new(&[
        "FLOW",
        "CORRIDOR",
        "DELIVERED",
        "PLANNED D",
        "P50 D",
        "P90 D",
    ])
    .detail("VIA", "via");
    for o in &r.od {
        od.row(
            vec![
                format!(
                    "{} → {}",
                    o.from.as_deref().unwrap_or(""),
                    o.to.as_deref().unwrap_or("")
                ),
                o.corridor.clone(),
                if o.tonnes_delivered.mean > 0.0 {
                    format!("{:.0} t", o.tonnes_delivered.mean)
                } else {
                    format!("{:.0} TEU", o.teu_delivered.mean)
                },
                format!("{:.1}", o.planned_days.unwrap_or(f64::NAN)),
                format!("{:.1}", o.p50_days.mean),
                format!("{:.1}", o.p90_days.mean),
            ],
            o.via.clone(),
        );
    }
    out.push_str("\nBy origin–destination pair and route (VIA: its capacity-limited nodes and timetabled services):\n");
    out.push_str(&od.render(Some(width)));
    let rows: Vec<Vec<String>> = r
        .resources
        .iter()
        .take(10)
        .map(|x| {
            vec![
                x.name.clone(),
                x.kind.clone(),
                format!("{:.0} %", x.utilisation.mean * 100.0),
                format!("{:.0}", x.throughput_teu.mean * 365.0 / r.days),
                format!("{:.0}", x.batches.mean * 365.0 / r.days),
                format!("{:.0}", x.mean_queue_teu.mean),
                format!("{:.0}", x.max_queue_teu),
                x.mean_wait_h
                    .as_ref()
                    .map(|w| format!("{:.1}", w.mean))
                    .unwrap_or_else(|| "—".into()),
            ]
        })
        .collect();
    out.push_str(
        "\nResources, worst first (utilisation × mean wait; batches are departures, or the \
         trains and sailing loads a node serves):\n",
    );
    out.push_str(&render(
        &[
            "RESOURCE",
            "KIND",
            "UTILISATION",
            "TEU/YEAR",
            "BATCHES/YEAR",
            "MEAN QUEUE TEU",
            "MAX QUEUE TEU",
            "MEAN WAIT H",
        ],
        &rows,
    ));
    if r.calibration.is_empty() {
        out.push('\n');
        out.push_str(&crate::layout::wrap(
            "Simulated against observed: no observation for this case (calibration.csv holds published figures of a year at its observed demand)",
            width,
            "",
            "  ",
        ));
    } else {
        out.push_str("\nSimulated against observed:\n");
        let mut t =
            crate::layout::Table::new(&["OBSERVED", "SIMULATED", "ERROR"]).detail("METRIC", "of");
        for c in &r.calibration {
            t.row(
                vec![
                    format!("{:.0} [{}]", c.observed, c.source),
                    m(&c.simulated),
                    format!("{:+.1} %", c.relative_error * 100.0),
                ],
                Some(c.metric.clone()),
            );
        }
        out.push_str(&t.render(Some(width)));
    }
    out.push_str("\nWeather: ");
    out.push_str(
        &r.weather_closed_days
            .iter()
            .map(|(k, d)| format!("{k} ports closed {d:.0} days"))
            .collect::<Vec<_>>()
            .join("; "),
    );
    out.push_str("\nBreakdowns: ");
    if r.breakdowns.is_empty() {
        out.push_str("none (no [[breakdown]] in simulation.toml)");
    } else {
        out.push_str(
            &r.breakdowns
                .iter()
                .map(|b| {
                    format!(
                        "{} failed {:.1} times, out of service {:.1} days",
                        b.target, b.failures.mean, b.down_days.mean
                    )
                })
                .collect::<Vec<_>>()
                .join("; "),
        );
    }
    out.push('\n');
    let choice = r
        .route_choice
        .iter()
        .map(|f| {
            format!(
                "{}→{} {} ({})",
                f.from,
                f.to,
                f.shares
                    .iter()
                    .map(|(c, s)| format!("{c} {:.0} %", s * 100.0))
                    .collect::<Vec<_>>()
                    .join(", "),
                f.method
            )
        })
        .collect::<Vec<_>>()
        .join("; ");
    out.push_str(&crate::layout::wrap(
        &choice,
        crate::layout::terminal_width(),
        "Route choice: ",
        "  ",
    ));
    if !r.notes.is_empty() {
        out.push_str("\nNotes:\n");
        for n in &r.notes {
            out.push_str(&crate::layout::wrap(
                &n.text,
                crate::layout::terminal_width(),
                "- ",
                "  ",
            ));
        }
    }
    out
}

/// The stability verdict and the backlog in figures, wrapped to `width`.
fn stability_text(r: &Report, width: usize) -> String {
    let s = &r.stability;
    let g = &s.backlog_growth_teu_per_day;
    let backlog = format!(
        "TEU-equivalent in the system (mean over replications) {:.0} on the first day measured, {:.0} on the last; trend {:+.1} TEU/day{}; {:.0} TEU-equivalent arrive a day, {:.0} are delivered.",
        s.backlog_first_day_teu,
        s.backlog_last_day_teu,
        g.mean,
        g.ci95
            .map(|[lo, hi]| format!(" [{lo:+.1}, {hi:+.1}]"))
            .unwrap_or_default(),
        s.arrived_teu_per_day.mean,
        s.delivered_teu_per_day.mean
    );
    let mut out = crate::layout::wrap(&s.text, width, "Stability: ", "  ");
    out.push_str(&crate::layout::wrap(&backlog, width, "Backlog: ", "  "));
    out.push('\n');
    out
}

/// The tidy CSV: `metric,scope,mean,ci95_lo,ci95_hi`, one row per figure, written through
/// `csv::Writer` (scopes with commas are quoted). Figures without an interval (an extreme, an
/// observed value, a monthly mean) leave the interval empty.
fn csv(r: &Report) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(["metric", "scope", "mean", "ci95_lo", "ci95_hi"])
        .expect("writing to memory");
    let num = |v: f64| {
        if v.is_finite() {
            v.to_string()
        } else {
            String::new()
        }
    };
    let mut put = |metric: &str, scope: &str, mean: f64, ci: [f64; 2]| {
        w.write_record([metric, scope, &num(mean), &num(ci[0]), &num(ci[1])])
            .expect("writing to memory");
    };
    let mut row = |metric: &str, scope: &str, x: &Metric| {
        put(metric, scope, x.mean, x.ci95.unwrap_or([f64::NAN; 2]))
    };
    let single = Metric::single;
    for c in &r.corridors {
        row("teu_delivered", &c.corridor, &c.teu_delivered);
        row("tonnes_delivered", &c.corridor, &c.tonnes_delivered);
        row("mean_days", &c.corridor, &c.mean_days);
        row("p50_days", &c.corridor, &c.p50_days);
        row("p90_days", &c.corridor, &c.p90_days);
        row("p95_days", &c.corridor, &c.p95_days);
        row("max_days", &c.corridor, &single(c.max_days));
    }
    for o in &r.od {
        let scope = format!(
            "{}>{}>{}>{}",
            o.from.as_deref().unwrap_or(""),
            o.to.as_deref().unwrap_or(""),
            o.corridor,
            o.via.as_deref().unwrap_or("")
        );
        row("teu_delivered", &scope, &o.teu_delivered);
        row("tonnes_delivered", &scope, &o.tonnes_delivered);
        row("p50_days", &scope, &o.p50_days);
        row("p90_days", &scope, &o.p90_days);
        row("max_days", &scope, &single(o.max_days));
    }
    for x in &r.resources {
        row("utilisation", &x.name, &x.utilisation);
        row("throughput_teu", &x.name, &x.throughput_teu);
        row("batches", &x.name, &x.batches);
        row("mean_queue_teu", &x.name, &x.mean_queue_teu);
        row("max_queue_teu", &x.name, &single(x.max_queue_teu));
        if let Some(wait) = &x.mean_wait_h {
            row("mean_wait_h", &x.name, wait);
        }
    }
    for c in &r.calibration {
        row("calibration_observed", &c.metric, &single(c.observed));
        row("calibration_simulated", &c.metric, &c.simulated);
        row(
            "calibration_relative_error",
            &c.metric,
            &single(c.relative_error),
        );
    }
    for (mode, days) in &r.weather_closed_days {
        row("weather_closed_days", mode, &single(*days));
    }
    for b in &r.breakdowns {
        row("breakdown_failures", &b.target, &b.failures);
        row("breakdown_down_days", &b.target, &b.down_days);
    }
    // The verdict (scope: stable, saturated or unstable) with the backlog's trend, TEU a
    // day; where it builds up or what is at capacity; what arrives and is delivered a day.
    let st = &r.stability;
    let verdict = serde_json::to_value(st.verdict).expect("a verdict serialises");
    row(
        "stability",
        verdict.as_str().unwrap_or_default(),
        &st.backlog_growth_teu_per_day,
    );
    for p in &st.at {
        row(
            "stability_queue_growth_teu_per_day",
            &p.name,
            &p.queue_growth_teu_per_day,
        );
    }
    row("arrived_teu_per_day", "all", &st.arrived_teu_per_day);
    row("delivered_teu_per_day", "all", &st.delivered_teu_per_day);
    row("undelivered_teu", "all", &r.undelivered_teu);
    row("generated", "all", &single(r.generated as f64));
    row("delivered", "all", &single(r.delivered as f64));
    row("in_system", "all", &single(r.in_system as f64));
    // Monthly throughput (mean over replications): per corridor, containers delivered;
    // per resource, TEU-equivalents boarded or served. Scope `NAME:MM`.
    let monthly =
        |row: &mut dyn FnMut(&str, &str, &Metric), metric: &str, name: &str, m: &[f64; 12]| {
            for (i, v) in m.iter().enumerate() {
                row(metric, &format!("{name}:{:02}", i + 1), &single(*v));
            }
        };
    for c in &r.corridors {
        if let Some(m) = &c.monthly_teu {
            monthly(&mut row, "monthly_teu_delivered", &c.corridor, m);
        }
    }
    for x in &r.resources {
        monthly(&mut row, "monthly_throughput_teu", &x.name, &x.monthly_teu);
    }
    // TEU-equivalents in the system, day by day of the measured period. Scope `day:N`.
    for (d, v) in r.backlog_teu.iter().enumerate() {
        row("backlog_teu", &format!("day:{}", d + 1), &single(*v));
    }
    for l in &r.links {
        row("link_throughput_teu", &l.link, &l.throughput_teu);
        monthly(&mut row, "monthly_link_teu", &l.link, &l.monthly_teu);
    }
    String::from_utf8(w.into_inner().expect("writing to memory")).expect("UTF-8 fields")
}
