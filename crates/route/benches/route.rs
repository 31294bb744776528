#![allow(missing_docs)]
//! Route planner benchmarks (figures in bench/RESULTS.md):
//! - 3-criteria Pareto query on the default dataset (target: < 1 ms median), with and
//!   without a via; the whole plan (search, routes described, their Monte Carlo);
//! - on a synthetic 1-million-link grid with timetables on 1 % of the links, the
//!   earliest-arrival query against petgraph's `dijkstra` on the same graph (median
//!   travel times as weights), side by side in one run, and a 3-criteria Pareto query.

use corridor_model::network::NodeId;
use corridor_model::{DatasetInput, embedded, load};
use corridor_route::graph::Graph;
use corridor_route::names::find_node;
use corridor_route::plan::{Sampling, Weights, plan};
use corridor_route::search::{Constraints, Shipment, earliest_arrival, pareto};
use corridor_route::time::Instant;
use criterion::{Criterion, criterion_group, criterion_main};
use petgraph::graph::{NodeIndex, UnGraph};

fn default_dataset(c: &mut Criterion) {
    let net = embedded::network().unwrap();
    let g = Graph::new(&net);
    let ready = Instant::parse("2026-03-03", None).unwrap().0;
    let s = Shipment {
        from: find_node(&net, "Xian").unwrap(),
        to: find_node(&net, "Duisburg").unwrap(),
        ready,
        teu: 2.0,
    };
    let mut grp = c.benchmark_group("route_default");
    grp.bench_function("pareto_xian_duisburg", |b| {
        b.iter(|| pareto(&g, &s, &Constraints::default()).front.len())
    });
    let s2 = Shipment {
        from: find_node(&net, "Shanghai").unwrap(),
        to: find_node(&net, "Tehran").unwrap(),
        ready,
        teu: 2.0,
    };
    grp.bench_function("pareto_shanghai_tehran", |b| {
        b.iter(|| pareto(&g, &s2, &Constraints::default()).front.len())
    });
    // A via search (simple paths by decremental state-space relaxation): the forwarder's
    // Xi'an → Budapest without Russia via Poti.
    let s3 = Shipment {
        from: find_node(&net, "Xian").unwrap(),
        to: find_node(&net, "Budapest").unwrap(),
        ready,
        teu: 2.0,
    };
    let via = Constraints {
        via: vec![find_node(&net, "Poti").unwrap()],
        avoid_countries: vec![corridor_model::network::Country::parse("RU").unwrap()],
        ..Constraints::default()
    };
    grp.bench_function("pareto_xian_budapest_via_poti_no_ru", |b| {
        b.iter(|| pareto(&g, &s3, &via).front.len())
    });
    // What `corridor route` and the server's POST /api/route compute: the search, every
    // Pareto route described, and each route's Monte Carlo (200 journeys, the load test's,
    // and the CLI's default 4,000).
    for samples in [200, 4000] {
        let sampling = Sampling {
            samples,
            ..Sampling::default()
        };
        grp.bench_function(format!("plan_xian_duisburg_{samples}_samples"), |b| {
            b.iter(|| {
                plan(
                    &g,
                    &s,
                    &Constraints::default(),
                    Weights::preset("balanced").unwrap(),
                    sampling,
                )
                .unwrap()
                .len()
            })
        });
    }
    grp.finish();
}

fn grid(c: &mut Criterion) {
    let links: usize = std::env::var("CORRIDOR_BENCH_LINKS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    let texts: Vec<(&str, Vec<u8>)> = corridor_model::synth::grid_dataset(links)
        .into_iter()
        .map(|(n, t)| (n, t.into_bytes()))
        .collect();
    let net = load(&DatasetInput::texts("grid", &texts)).unwrap();
    drop(texts);
    let g = Graph::new(&net);
    // The same graph for petgraph, weighted by the median travel time of each link.
    let mut pg: UnGraph<(), f64> = UnGraph::with_capacity(net.nodes.len(), net.links.len());
    for _ in 0..net.nodes.len() {
        pg.add_node(());
    }
    for (i, l) in net.links.iter().enumerate() {
        pg.add_edge(
            NodeIndex::new(l.from.idx()),
            NodeIndex::new(l.to.idx()),
            g.link_p50_h[i],
        );
    }
    let ready = 490_000.0;
    let from = NodeId(0);
    let mut grp = c.benchmark_group(format!("route_grid_{links}"));
    grp.sample_size(10);
    grp.bench_function("earliest_arrival_corridor", |b| {
        b.iter(|| earliest_arrival(&g, from, ready, &Constraints::default())[1])
    });
    grp.bench_function("petgraph_dijkstra", |b| {
        b.iter(|| petgraph::algo::dijkstra(&pg, NodeIndex::new(0), None, |e| *e.weight()).len())
    });
    // Pareto to a node ~100 grid steps away (the grid's corner-to-corner front is large).
    let width = net
        .nodes
        .iter()
        .position(|n| n.lat() > net.nodes[0].lat())
        .unwrap_or(1);
    let to = NodeId((60 * width + 40) as u32);
    let s = Shipment {
        from,
        to,
        ready,
        teu: 2.0,
    };
    grp.bench_function("pareto_100_steps", |b| {
        b.iter(|| pareto(&g, &s, &Constraints::default()).front.len())
    });
    // The same query through a via node off the straight way (30 rows up, 20 across).
    let via = Constraints {
        via: vec![NodeId((30 * width + 20) as u32)],
        ..Constraints::default()
    };
    grp.bench_function("pareto_100_steps_via", |b| {
        b.iter(|| pareto(&g, &s, &via).front.len())
    });
    grp.finish();
}

criterion_group!(benches, default_dataset, grid);
criterion_main!(benches);
