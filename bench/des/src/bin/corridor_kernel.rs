//! The reference corridor model on Corridor's kernel, with the options and JSON lines of
//! `corridor_simpy.py` (`--reps`, `--seed`, `--days`, `--lam`, `--set KEY=VALUE`), plus
//! `--threads` for replications in parallel (results do not depend on it).

use clap::Parser;
use corridor_sim::models::corridor_ref::{Params, simulate};
use corridor_sim::stats::{mean_se, t_quantile};
use rayon::prelude::*;
use serde_json::json;
use std::time::Instant;

/// Reference corridor model on the corridor-sim kernel.
#[derive(Parser)]
struct Args {
    /// Replications.
    #[arg(long, default_value_t = 1)]
    reps: u64,
    /// Seed of the first replication (replication r uses seed + r).
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Horizon in days (overrides HORIZON).
    #[arg(long)]
    days: Option<f64>,
    /// Arrival rate per hour (overrides LAM).
    #[arg(long)]
    lam: Option<f64>,
    /// Any parameter, e.g. --set FERRY_CAP=200 (repeatable).
    #[arg(long = "set", value_name = "KEY=VALUE")]
    set: Vec<String>,
    /// Threads for the replications.
    #[arg(long, default_value_t = 1)]
    threads: usize,
}

fn main() {
    let a = Args::parse();
    let mut p = Params::default();
    for kv in &a.set {
        let Some((k, v)) = kv.split_once('=') else {
            eprintln!("error: --set takes KEY=VALUE, found {kv:?}");
            std::process::exit(2);
        };
        let v: f64 = v.parse().unwrap_or(f64::NAN);
        if let Err(e) = p.set(k, v) {
            eprintln!("error: {e}");
            std::process::exit(2);
        }
    }
    if let Some(d) = a.days {
        p.HORIZON = d * 24.0;
    }
    if let Some(l) = a.lam {
        p.LAM = l;
    }
    if !(p.LAM > 0.0
        && p.TRAIN_HEADWAY > 0.0
        && p.FERRY_HEADWAY > 0.0
        && p.WX_OPEN > 0.0
        && p.BORDER_MEAN > 0.0
        && p.WX_CLOSE_MEAN > 0.0)
    {
        eprintln!("error: rates, headways and means must be positive");
        std::process::exit(2);
    }
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(a.threads.max(1))
        .build()
        .expect("thread pool");
    let t0 = Instant::now();
    let results: Vec<_> = pool.install(|| {
        (0..a.reps)
            .into_par_iter()
            .map(|r| {
                let t = Instant::now();
                let (o, _) = simulate(&p, a.seed + r);
                (r, o, t.elapsed().as_secs_f64())
            })
            .collect()
    });
    let wall = t0.elapsed().as_secs_f64();
    for (r, o, w) in &results {
        println!(
            "{}",
            json!({
                "engine": "corridor-sim", "model": "corridor", "seed": a.seed + r,
                "containers": o.containers, "measured_arrivals": o.measured_arrivals,
                "e2e_mean_h": o.e2e_mean_h, "e2e_p50_h": o.e2e_p50_h, "e2e_p95_h": o.e2e_p95_h,
                "e2e_p99_h": o.e2e_p99_h, "e2e_max_h": o.e2e_max_h,
                "sailings": o.sailings, "weather_closures": o.weather_closures, "weather_holds": o.weather_holds,
                "sim_end_h": o.sim_end_h, "events": o.events, "events_pending": o.events_pending,
                "sim_wall_s": (w * 1e4).round() / 1e4, "events_per_s": (o.events as f64 / w).round(),
                "containers_per_s": (o.containers as f64 / w).round(),
            })
        );
    }
    if a.reps > 1 {
        let means: Vec<f64> = results.iter().map(|x| x.1.e2e_mean_h).collect();
        let (m, se) = mean_se(&means);
        let tq = t_quantile(0.95, means.len() - 1);
        let stat = |f: &dyn Fn(&corridor_sim::models::corridor_ref::Output) -> f64| {
            let v: Vec<f64> = results.iter().map(|x| f(&x.1)).collect();
            let (m, se) = mean_se(&v);
            json!({"mean": m, "se": se})
        };
        let ev: u64 = results.iter().map(|x| x.1.events).sum();
        let cont: u64 = results.iter().map(|x| x.1.containers).sum();
        println!(
            "{}",
            json!({
                "summary": true, "engine": "corridor-sim", "model": "corridor", "reps": a.reps, "threads": a.threads, "params": p,
                "e2e_mean_h": m, "e2e_mean_ci95": [m - tq * se, m + tq * se],
                "e2e_p50_h": stat(&|o| o.e2e_p50_h), "e2e_p95_h": stat(&|o| o.e2e_p95_h),
                "e2e_p95_h_mean": results.iter().map(|x| x.1.e2e_p95_h).sum::<f64>() / a.reps as f64,
                "sailings": stat(&|o| o.sailings as f64), "weather_closures": stat(&|o| o.weather_closures as f64),
                "total_events": ev, "total_containers": cont, "wall_s": (wall * 1000.0).round() / 1000.0,
                "events_per_s": (ev as f64 / wall).round(), "containers_per_s": (cont as f64 / wall).round(),
            })
        );
    }
}
