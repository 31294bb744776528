//! M/M/c on Corridor's kernel, with the options and JSON line of `mmc_simpy.py`, so that
//! `erlang_c.py` checks it and the speed compares side by side.

use clap::Parser;
use corridor_sim::models::mmc::{Config, simulate};
use serde_json::json;
use std::time::Instant;

/// M/M/c reference model on the corridor-sim kernel.
#[derive(Parser)]
struct Args {
    /// Customers.
    #[arg(long, default_value_t = 1_000_000)]
    n: u64,
    /// Servers.
    #[arg(long, default_value_t = 4)]
    c: u32,
    /// Arrival rate (default 0.9 · c · mu).
    #[arg(long)]
    lam: Option<f64>,
    /// Service rate.
    #[arg(long, default_value_t = 1.0)]
    mu: f64,
    /// Seed.
    #[arg(long, default_value_t = 12345)]
    seed: u64,
    /// Batches.
    #[arg(long, default_value_t = 30)]
    nb: usize,
    /// Warm-up customers (default n/100).
    #[arg(long)]
    warmup: Option<u64>,
}

fn main() {
    let a = Args::parse();
    if a.n < 1000 || a.c == 0 || a.nb < 2 || a.mu.is_nan() || a.mu <= 0.0 {
        eprintln!("error: need --n >= 1000, --c >= 1, --nb >= 2, --mu > 0");
        std::process::exit(2);
    }
    let lam = a.lam.unwrap_or(0.9 * a.c as f64 * a.mu);
    let cfg = Config {
        n: a.n,
        c: a.c,
        lam,
        mu: a.mu,
        seed: a.seed,
        nb: a.nb,
        warmup: a.warmup.unwrap_or(a.n / 100),
    };
    let t0 = Instant::now();
    let o = simulate(&cfg);
    let wall = t0.elapsed().as_secs_f64();
    println!(
        "{}",
        json!({
            "engine": "corridor-sim", "c": a.c, "lambda": lam, "mu": a.mu, "n": a.n, "warmup": cfg.warmup, "nb": a.nb,
            "wq": o.wq, "lq": o.lq, "util": o.util,
            "l_system": o.l_system, "lambda_observed": o.lambda_observed, "w_system": o.w_system,
            "events": o.events, "customers": o.customers, "sim_wall_s": (wall * 1e4).round() / 1e4,
            "events_per_s": (o.events as f64 / wall).round(), "customers_per_s": (o.customers as f64 / wall).round(),
        })
    );
}
