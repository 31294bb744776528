//! Times the maximum flow on a DIMACS max-flow file; prints one JSON line per solve.
//!
//! ```text
//! cargo run -p corridor-flow --release --example maxflow_bench -- FILE.max [--repeat 3] [--check]
//! ```
//!
//! `load_s` is reading the file and building the [`FlowGraph`]; `solve_s` is
//! [`FlowGraph::max_flow`] alone (forward-star build, both push–relabel phases and the
//! minimum cut). `--check` verifies capacities and conservation of the returned flow.

use std::time::Instant;

use corridor_flow::maxflow::FlowGraph;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let path = args
        .first()
        .expect("usage: maxflow_bench FILE.max [--repeat N] [--check]");
    let mut repeat = 1;
    let mut check = false;
    let mut i = 1;
    while i < args.len() {
        match args[i].as_str() {
            "--repeat" => {
                repeat = args[i + 1].parse().expect("repeat");
                i += 1;
            }
            "--check" => check = true,
            other => panic!("unknown argument {other}"),
        }
        i += 1;
    }
    let t = Instant::now();
    let text = std::fs::read_to_string(path).expect("read");
    let mut graph = FlowGraph::new(0);
    let (mut s, mut sink) = (0, 0);
    for line in text.lines() {
        let mut f = line.split_ascii_whitespace();
        match f.next() {
            Some("a") => {
                let u: usize = f.next().unwrap().parse().unwrap();
                let v: usize = f.next().unwrap().parse().unwrap();
                let c: u64 = f.next().unwrap().parse().unwrap();
                let tag = graph.arcs().len() as u32;
                graph.add_arc(u - 1, v - 1, c, tag).unwrap();
            }
            Some("p") => {
                f.next();
                let n: usize = f.next().unwrap().parse().unwrap();
                let m: usize = f.next().unwrap().parse().unwrap();
                graph = FlowGraph::with_capacity(n, m);
            }
            Some("n") => {
                let id: usize = f.next().unwrap().parse().unwrap();
                match f.next() {
                    Some("s") => s = id - 1,
                    _ => sink = id - 1,
                }
            }
            _ => {}
        }
    }
    let load_s = t.elapsed().as_secs_f64();
    for r in 0..repeat {
        let t = Instant::now();
        let f = graph.max_flow(s, sink).expect("max flow");
        let solve_s = t.elapsed().as_secs_f64();
        if check {
            let mut bal = vec![0i128; graph.node_count()];
            for (a, &x) in graph.arcs().iter().zip(&f.arc_flows) {
                assert!(x <= a.capacity);
                bal[a.tail as usize] -= i128::from(x);
                bal[a.head as usize] += i128::from(x);
            }
            for (v, b) in bal.iter().enumerate() {
                assert!(v == s || v == sink || *b == 0, "not conserved at {v}");
            }
            assert_eq!(bal[sink], i128::from(f.value));
        }
        println!(
            "{{\"tool\":\"corridor-flow\",\"file\":\"{path}\",\"repeat\":{r},\"value\":{},\"arcs\":{},\"cut_arcs\":{},\"solve_s\":{solve_s:.6},\"load_s\":{load_s:.6}}}",
            f.value,
            graph.arcs().len(),
            f.cut.arcs.len()
        );
    }
}
