//! Times the user-equilibrium assignment on TNTP files; prints one JSON line per run.
//!
//! ```text
//! cargo run -p corridor-flow --release --example assign_bench -- \
//!     NAME NET.tntp TRIPS.tntp [--gaps 1e-4,1e-6,1e-10] [--repeat 3] [--history]
//!     [--max-iter N] [--sweeps N] [--threads N] [--flow-out FILE]
//! ```
//!
//! Each (gap, repeat) is a fresh solve from free-flow costs, timed without the loading;
//! `load_s` is the time to read and parse the two files.

use std::path::Path;
use std::time::Instant;

use corridor_flow::assign::{AssignConfig, DemandClass, Network, assign};
use corridor_flow::tntp;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.len() < 3 {
        eprintln!("usage: assign_bench NAME NET TRIPS [--gaps a,b] [--repeat n] [--history]");
        std::process::exit(2);
    }
    let (name, net_path, trips_path) = (&args[0], &args[1], &args[2]);
    let mut gaps = vec![1e-4, 1e-6, 1e-10];
    let mut repeat = 1;
    let mut history = false;
    let mut max_iter = 10_000;
    let mut sweeps = AssignConfig::default().inner_sweeps;
    let mut flow_out: Option<String> = None;
    let mut threads = 0;
    let mut i = 3;
    while i < args.len() {
        match args[i].as_str() {
            "--gaps" => {
                gaps = args[i + 1]
                    .split(',')
                    .map(|g| g.parse().expect("gap"))
                    .collect();
                i += 1;
            }
            "--repeat" => {
                repeat = args[i + 1].parse().expect("repeat");
                i += 1;
            }
            "--max-iter" => {
                max_iter = args[i + 1].parse().expect("max-iter");
                i += 1;
            }
            "--sweeps" => {
                sweeps = args[i + 1].parse().expect("sweeps");
                i += 1;
            }
            "--threads" => {
                threads = args[i + 1].parse().expect("threads");
                i += 1;
            }
            "--flow-out" => {
                flow_out = Some(args[i + 1].clone());
                i += 1;
            }
            "--history" => history = true,
            other => panic!("unknown argument {other}"),
        }
        i += 1;
    }

    let t = Instant::now();
    let read = |p: &str| match tntp::read_text(Path::new(p), tntp::DEFAULT_MAX_FILE_BYTES) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(1)
        }
    };
    let net_text = read(net_path);
    let trips_text = read(trips_path);
    let tnet = tntp::parse_net(&net_text, net_path).unwrap_or_else(|e| {
        eprintln!("{e}");
        std::process::exit(1)
    });
    let trips = tntp::parse_trips(&trips_text, trips_path).unwrap_or_else(|e| {
        eprintln!("{e}");
        std::process::exit(1)
    });
    let net = Network::from_tntp(&tnet).expect("network");
    let demand = DemandClass::from_tntp("all", &trips, &tnet).expect("demand");
    let load_s = t.elapsed().as_secs_f64();

    for &gap in &gaps {
        for r in 0..repeat {
            let config = AssignConfig {
                target_gap: gap,
                max_iterations: max_iter,
                inner_sweeps: sweeps,
                threads,
                ..AssignConfig::default()
            };
            let t = Instant::now();
            let a = assign(&net, std::slice::from_ref(&demand), &config).expect("assign");
            let solve_s = t.elapsed().as_secs_f64();
            println!(
                "{{\"tool\":\"corridor-flow\",\"network\":\"{name}\",\"target_gap\":{gap:e},\"repeat\":{r},\"reached\":{},\"gap\":{:e},\"iterations\":{},\"solve_s\":{solve_s:.6},\"load_s\":{load_s:.6},\"links\":{},\"paths\":{}}}",
                a.converged,
                a.relative_gap,
                a.iterations,
                net.links().len(),
                a.paths().count(),
            );
            if history && r == 0 {
                for h in &a.history {
                    eprintln!(
                        "  it {:4}  gap {:.3e}  t {:.4}s",
                        h.iteration,
                        h.relative_gap,
                        h.elapsed.as_secs_f64()
                    );
                }
            }
            if let Some(out) = &flow_out {
                let costs = a.link_times.clone();
                let f = std::fs::File::create(out).expect("flow-out");
                tntp::write_flow(std::io::BufWriter::new(f), &tnet, &a.link_flows, &costs)
                    .expect("write");
            }
        }
    }
}
