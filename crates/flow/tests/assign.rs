//! User-equilibrium assignment on the TNTP networks Sioux Falls and Anaheim, checked by an
//! independent gap computation written here (own VDF, own Dijkstra, TNTP fields read
//! directly), against the collection's best-known flows, and for demand conservation.

use std::path::Path;

use corridor_flow::assign::{
    AssignConfig, Assignment, DemandClass, Link, Network, OdDemand, assign,
};
use corridor_flow::tntp::{self, TntpNetwork, TntpTrips};

/// The TNTP networks with their best-known flows (copies of `../shared/data/tntp`, so the
/// tests run from any checkout).
const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/tntp");

struct Instance {
    net: TntpNetwork,
    trips: TntpTrips,
    best: Vec<tntp::FlowRecord>,
}

fn load(name: &str) -> Instance {
    let read = |suffix: &str| {
        let p = format!("{DATA}/{name}/{name}_{suffix}.tntp");
        tntp::read_text(Path::new(&p), tntp::DEFAULT_MAX_FILE_BYTES)
            .unwrap_or_else(|e| panic!("{e}"))
    };
    Instance {
        net: tntp::parse_net(&read("net"), &format!("{name}_net.tntp")).unwrap(),
        trips: tntp::parse_trips(&read("trips"), &format!("{name}_trips.tntp")).unwrap(),
        best: tntp::parse_flow(&read("flow"), &format!("{name}_flow.tntp")).unwrap(),
    }
}

/// The relative gap of `flows`, computed from the TNTP fields alone: BPR times, a binary
/// heap Dijkstra per origin that does not pass through zones below the first thru node.
fn independent_gap(net: &TntpNetwork, trips: &TntpTrips, flows: &[f64]) -> f64 {
    use std::cmp::Reverse;
    use std::collections::BinaryHeap;
    let times: Vec<f64> = net
        .links
        .iter()
        .zip(flows)
        .map(|(l, &v)| l.free_flow_time * (1.0 + l.b * (v / l.capacity).powf(l.power)))
        .collect();
    let tstt: f64 = flows.iter().zip(&times).map(|(v, t)| v * t).sum();
    let n = net.nodes as usize + 1;
    let mut out: Vec<Vec<(usize, f64)>> = vec![Vec::new(); n];
    for (l, &t) in net.links.iter().zip(&times) {
        out[l.init_node as usize].push((l.term_node as usize, t));
    }
    let mut sptt = 0.0;
    let mut origins: Vec<u32> = trips.entries.iter().map(|e| e.origin).collect();
    origins.sort();
    origins.dedup();
    for o in origins {
        let o = o as usize;
        let mut dist = vec![f64::INFINITY; n];
        let mut done = vec![false; n];
        dist[o] = 0.0;
        let mut heap = BinaryHeap::from([Reverse((0u64, o))]);
        while let Some(Reverse((_, u))) = heap.pop() {
            if done[u] {
                continue;
            }
            done[u] = true;
            if u != o && (u as u32) < net.first_thru_node {
                continue;
            }
            for &(w, t) in &out[u] {
                if dist[u] + t < dist[w] {
                    dist[w] = dist[u] + t;
                    heap.push(Reverse((dist[w].to_bits(), w)));
                }
            }
        }
        for e in trips.entries.iter().filter(|e| e.origin as usize == o) {
            if e.destination as usize != o {
                sptt += e.flow * dist[e.destination as usize];
            }
        }
    }
    (tstt - sptt) / tstt
}

/// Flow out minus flow in at every node equals demand originating minus terminating.
fn check_conservation(net: &TntpNetwork, trips: &TntpTrips, flows: &[f64]) {
    let n = net.nodes as usize + 1;
    let mut balance = vec![0.0; n];
    let mut scale = vec![0.0f64; n];
    for (l, &v) in net.links.iter().zip(flows) {
        balance[l.init_node as usize] += v;
        balance[l.term_node as usize] -= v;
        scale[l.init_node as usize] += v;
    }
    for e in &trips.entries {
        if e.origin != e.destination {
            balance[e.origin as usize] -= e.flow;
            balance[e.destination as usize] += e.flow;
        }
    }
    for v in 1..n {
        assert!(
            balance[v].abs() <= 1e-9 * scale[v].max(1.0),
            "node {v}: imbalance {}",
            balance[v]
        );
    }
}

/// Relative RMSE against the best-known flows, on links whose cost strictly increases
/// with flow (elsewhere the equilibrium link flow need not be unique).
fn rmse_vs_best(inst: &Instance, flows: &[f64]) -> (f64, usize) {
    assert_eq!(inst.best.len(), inst.net.links.len());
    let (mut num, mut den, mut k) = (0.0, 0.0, 0);
    for ((l, b), &v) in inst.net.links.iter().zip(&inst.best).zip(flows) {
        assert_eq!((l.init_node, l.term_node), (b.from, b.to));
        if l.capacity > 0.0 && l.free_flow_time > 0.0 && l.b > 0.0 && l.power > 0.0 {
            num += (v - b.volume).powi(2);
            den += b.volume.powi(2);
            k += 1;
        }
    }
    ((num / den).sqrt(), k)
}

fn solve(inst: &Instance, gap: f64) -> (Network, Assignment) {
    let net = Network::from_tntp(&inst.net).unwrap();
    let demand = DemandClass::from_tntp("all", &inst.trips, &inst.net).unwrap();
    let config = AssignConfig {
        target_gap: gap,
        ..AssignConfig::default()
    };
    let a = assign(&net, &[demand], &config).unwrap();
    (net, a)
}

fn check_network(name: &str) {
    let inst = load(name);
    let (net, a) = solve(&inst, 1e-10);
    assert!(
        a.converged,
        "{name}: gap {} after {} iterations",
        a.relative_gap, a.iterations
    );
    assert!(a.relative_gap < 1e-10);
    // The history ends with the final gap and is timed.
    let last = a.history.last().unwrap();
    assert_eq!(last.relative_gap, a.relative_gap);
    assert_eq!(last.iteration, a.iterations);
    assert!(a.history.windows(2).all(|w| w[0].elapsed <= w[1].elapsed));
    let checked = independent_gap(&inst.net, &inst.trips, &a.link_flows);
    assert!(checked < 1e-10, "{name}: independent gap {checked}");
    assert!(
        (checked - a.relative_gap).abs() < 1e-12,
        "{name}: reported {} vs independent {checked}",
        a.relative_gap
    );
    let (rmse, k) = rmse_vs_best(&inst, &a.link_flows);
    assert!(k > net.links().len() / 2);
    assert!(rmse < 1e-6, "{name}: relative RMSE {rmse}");
    check_conservation(&inst.net, &inst.trips, &a.link_flows);
    // Each pair's paths carry exactly its demand.
    let mut per_od = std::collections::HashMap::<(usize, usize), f64>::new();
    for p in a.paths() {
        *per_od.entry((p.origin, p.destination)).or_default() += p.flow;
        assert_eq!(net.links()[p.links[0] as usize].from, p.origin);
        assert_eq!(
            net.links()[*p.links.last().unwrap() as usize].to,
            p.destination
        );
    }
    for e in &inst.trips.entries {
        if e.origin != e.destination && e.flow > 0.0 {
            let got = per_od[&(e.origin as usize - 1, e.destination as usize - 1)];
            assert!((got - e.flow).abs() <= 1e-9 * e.flow, "{got} vs {}", e.flow);
        }
    }
    // Select-link: the pairs using a link add up to its flow.
    let busiest = (0..net.links().len())
        .max_by(|&x, &y| a.link_flows[x].total_cmp(&a.link_flows[y]))
        .unwrap();
    let sel = a.select_link(busiest);
    assert!(!sel.is_empty());
    let total: f64 = sel.iter().map(|s| s.flow).sum();
    assert!((total - a.link_flows[busiest]).abs() <= 1e-9 * total);
    assert!(sel.iter().all(|s| s.share > 0.0 && s.share <= 1.0 + 1e-12));
    // Select-node on a link's tail includes every pair of the link.
    let node = net.links()[busiest].from;
    let via_node = a.select_node(node, &net);
    for s in &sel {
        assert!(
            via_node
                .iter()
                .any(|x| (x.origin, x.destination) == (s.origin, s.destination))
        );
    }
}

#[test]
fn sioux_falls_reaches_1e_10() {
    check_network("SiouxFalls");
}

#[test]
fn anaheim_reaches_1e_10() {
    check_network("Anaheim");
}

#[test]
fn anaheim_zones_are_not_passed_through() {
    let inst = load("Anaheim");
    let (net, a) = solve(&inst, 1e-6);
    let ftn = net.first_thru_node();
    assert_eq!(ftn, 38);
    for p in a.paths() {
        for &l in &p.links[1..] {
            assert!(
                net.links()[l as usize].from >= ftn,
                "path passes through zone"
            );
        }
    }
}

#[test]
fn multi_class_pce_matches_single_class_in_pce_units() {
    let inst = load("SiouxFalls");
    let (_, single) = solve(&inst, 1e-11);
    let base = DemandClass::from_tntp("all", &inst.trips, &inst.net).unwrap();
    let scaled = |name: &str, factor: f64, pce: f64| DemandClass {
        name: name.into(),
        pce,
        demand: base
            .demand
            .iter()
            .map(|d| OdDemand {
                flow: d.flow * factor,
                ..*d
            })
            .collect(),
        ..base.clone()
    };
    // Half the PCE volume as containers (PCE 1), half as wagons of PCE 2.
    let classes = [scaled("containers", 0.5, 1.0), scaled("wagons", 0.25, 2.0)];
    let net = Network::from_tntp(&inst.net).unwrap();
    let config = AssignConfig {
        target_gap: 1e-11,
        ..AssignConfig::default()
    };
    let multi = assign(&net, &classes, &config).unwrap();
    assert!(multi.converged);
    for a in 0..net.links().len() {
        let (x, y) = (single.link_flows[a], multi.link_flows[a]);
        assert!((x - y).abs() <= 1e-4 * x.max(1.0), "link {a}: {x} vs {y}");
        let pce_sum = multi.class_link_flows[0][a] + 2.0 * multi.class_link_flows[1][a];
        assert!((pce_sum - y).abs() <= 1e-9 * y.max(1.0));
    }
    // Wagons' vehicles are a quarter of the demand, in their own units.
    let wagons: f64 = multi.paths().filter(|p| p.class == 1).map(|p| p.flow).sum();
    assert!((wagons - 0.25 * inst.trips.total()).abs() < 1e-6 * wagons);
    assert!(multi.select_link(0).iter().any(|s| s.class == 1));
}

fn link(from: usize, to: usize, t0: f64, cap: f64) -> Link {
    Link {
        from,
        to,
        free_flow_time: t0,
        capacity: cap,
        alpha: 0.15,
        beta: 4.0,
        length: 0.0,
        toll: 0.0,
    }
}

#[test]
fn tolls_distance_and_zero_free_flow_times() {
    // Two routes 0 → 1 → 3 and 0 → 2 → 3; the second is tolled. Link 0 → 1 has a zero
    // free-flow time (a connector), so its cost is 0 whatever the flow.
    let mut links = vec![
        link(0, 1, 0.0, 10.0),
        link(1, 3, 10.0, 100.0),
        link(0, 2, 5.0, 100.0),
        link(2, 3, 5.0, 100.0),
    ];
    links[2].toll = 4.0;
    links[3].length = 20.0;
    let net = Network::new(4, 0, links).unwrap();
    let od = vec![OdDemand {
        origin: 0,
        destination: 3,
        flow: 300.0,
    }];
    let run = |toll_factor, distance_factor| {
        let c = DemandClass {
            toll_factor,
            distance_factor,
            ..DemandClass::new("c", od.clone())
        };
        let a = assign(&net, std::slice::from_ref(&c), &AssignConfig::default()).unwrap();
        assert!(a.converged, "gap {}", a.relative_gap);
        let cost = |path: [usize; 2]| -> f64 {
            path.iter()
                .map(|&l| a.link_cost(&net, std::slice::from_ref(&c), 0, l))
                .sum()
        };
        (a.link_flows[1], a.link_flows[2], cost([0, 1]), cost([2, 3]))
    };
    let (untolled_top, _, c1, c2) = run(0.0, 0.0);
    assert!((c1 - c2).abs() < 1e-6);
    let (tolled_top, tolled_bottom, c1, c2) = run(1.0, 0.05);
    assert!((c1 - c2).abs() < 1e-6, "{c1} vs {c2}");
    assert!(tolled_top > untolled_top);
    assert!((tolled_top + tolled_bottom - 300.0).abs() < 1e-9);
}

#[test]
fn intrazonal_demand_is_skipped_and_reported() {
    let text_net = "<NUMBER OF ZONES> 2\n<NUMBER OF NODES> 3\n<FIRST THRU NODE> 3\n<NUMBER OF LINKS> 4\n<END OF METADATA>\n\
        1 3 100 1 1 0.15 4 0 0 1 ;\n3 2 100 1 1 0.15 4 0 0 1 ;\n2 3 100 1 1 0.15 4 0 0 1 ;\n3 1 100 1 1 0.15 4 0 0 1 ;\n";
    let text_trips = "<NUMBER OF ZONES> 2\n<END OF METADATA>\nOrigin 1\n 1 : 7; 2 : 50;\nOrigin 2\n 2 : 3; 1 : 20;\n";
    let tnet = tntp::parse_net(text_net, "t_net.tntp").unwrap();
    let trips = tntp::parse_trips(text_trips, "t_trips.tntp").unwrap();
    let net = Network::from_tntp(&tnet).unwrap();
    let c = DemandClass::from_tntp("all", &trips, &tnet).unwrap();
    let a = assign(&net, &[c], &AssignConfig::default()).unwrap();
    assert_eq!(a.skipped_intrazonal, vec![10.0]);
    assert_eq!(a.link_flows, vec![50.0, 50.0, 20.0, 20.0]);
}

#[test]
fn zones_cannot_be_crossed() {
    // Zone 1 (node 0) would be a shortcut from 1 to 2; it may not be passed through.
    let links = vec![
        link(1, 0, 1.0, 100.0),
        link(0, 2, 1.0, 100.0),
        link(1, 3, 10.0, 100.0),
        link(3, 2, 10.0, 100.0),
    ];
    let od = vec![OdDemand {
        origin: 1,
        destination: 2,
        flow: 10.0,
    }];
    let net = Network::new(4, 1, links.clone()).unwrap();
    let a = assign(
        &net,
        &[DemandClass::new("c", od.clone())],
        &AssignConfig::default(),
    )
    .unwrap();
    assert_eq!(a.link_flows, vec![0.0, 0.0, 10.0, 10.0]);
    let open = Network::new(4, 0, links).unwrap();
    let a = assign(
        &open,
        &[DemandClass::new("c", od)],
        &AssignConfig::default(),
    )
    .unwrap();
    assert_eq!(a.link_flows, vec![10.0, 10.0, 0.0, 0.0]);
}

#[test]
fn trips_naming_zones_the_network_lacks_are_refused_with_file_and_line() {
    let inst = load("SiouxFalls");
    let text = "<NUMBER OF ZONES> 30\n<END OF METADATA>\nOrigin 1\n 2 : 5;\n 27 : 4;\n";
    let trips = tntp::parse_trips(text, "big_trips.tntp").unwrap();
    let e = DemandClass::from_tntp("all", &trips, &inst.net).unwrap_err();
    let d = &e.diagnostics;
    assert_eq!(d[0].field.as_deref(), Some("NUMBER OF ZONES"));
    assert_eq!((d[1].file.as_str(), d[1].line), ("big_trips.tntp", Some(5)));
    assert_eq!(d[1].field.as_deref(), Some("destination"));
    assert!(d[1].message.contains("unknown zone 27"), "{}", d[1].message);
}

#[test]
fn unreachable_destination_is_an_error() {
    let net = Network::new(3, 0, vec![link(0, 1, 1.0, 10.0)]).unwrap();
    let od = vec![OdDemand {
        origin: 0,
        destination: 2,
        flow: 1.0,
    }];
    let e = assign(&net, &[DemandClass::new("c", od)], &AssignConfig::default()).unwrap_err();
    assert!(e.to_string().contains("no path from node 0 to node 2"));
}

#[test]
fn written_flows_read_back() {
    let inst = load("SiouxFalls");
    let (_, a) = solve(&inst, 1e-6);
    let mut buf = Vec::new();
    tntp::write_flow(&mut buf, &inst.net, &a.link_flows, &a.link_times).unwrap();
    let back = tntp::parse_flow(std::str::from_utf8(&buf).unwrap(), "out_flow.tntp").unwrap();
    let volumes: Vec<f64> = back.iter().map(|r| r.volume).collect();
    assert_eq!(volumes, a.link_flows);
}

#[test]
fn threads_do_not_change_the_result() {
    // A 40×40 two-way grid with 40 origins × 40 destinations: big enough that the
    // shortest-path pass runs on several threads.
    let side = 40;
    let node = |x: usize, y: usize| y * side + x;
    let mut links = Vec::new();
    let mut seed = 12345u64;
    let mut rand = || {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (seed >> 33) as f64 / (1u64 << 31) as f64
    };
    for y in 0..side {
        for x in 0..side {
            if x + 1 < side {
                links.push(link(node(x, y), node(x + 1, y), 1.0 + rand(), 400.0));
                links.push(link(node(x + 1, y), node(x, y), 1.0 + rand(), 400.0));
            }
            if y + 1 < side {
                links.push(link(node(x, y), node(x, y + 1), 1.0 + rand(), 400.0));
                links.push(link(node(x, y + 1), node(x, y), 1.0 + rand(), 400.0));
            }
        }
    }
    let net = Network::new(side * side, 0, links).unwrap();
    let mut demand = Vec::new();
    for o in 0..40 {
        for d in 0..40 {
            demand.push(OdDemand {
                origin: node(o, (o * 7) % side),
                destination: node((d * 3) % side, d),
                flow: 2.0 + 8.0 * rand(),
            });
        }
    }
    let classes = [DemandClass::new("c", demand)];
    let run = |threads| {
        let config = AssignConfig {
            target_gap: 1e-6,
            threads,
            ..AssignConfig::default()
        };
        assign(&net, &classes, &config).unwrap()
    };
    let (one, two) = (run(1), run(2));
    assert!(one.converged && one.iterations > 2);
    assert_eq!(one.link_flows, two.link_flows);
    let gaps = |a: &Assignment| a.history.iter().map(|h| h.relative_gap).collect::<Vec<_>>();
    assert_eq!(gaps(&one), gaps(&two));
}
