//! Maximum flow: against an independent Dinic implementation written here, on random
//! graphs (proptest) and on committed fixtures whose values networkx computed
//! (`bench/flow/maxflow_fixtures.py`).

use corridor_flow::maxflow::{Capacity, FlowGraph, INFINITE, MaxFlow, MaxFlowError};
use proptest::prelude::*;

/// Dinic's algorithm on an adjacency list, `u128` capacities, `INFINITE` as a huge finite
/// number. Independent of the crate's code.
struct Dinic {
    to: Vec<usize>,
    cap: Vec<u128>,
    adj: Vec<Vec<usize>>,
    level: Vec<usize>,
    it: Vec<usize>,
}

const BIG: u128 = 1 << 100;

impl Dinic {
    fn dfs(&mut self, u: usize, t: usize, f: u128) -> u128 {
        if u == t {
            return f;
        }
        while self.it[u] < self.adj[u].len() {
            let e = self.adj[u][self.it[u]];
            let v = self.to[e];
            if self.cap[e] > 0 && self.level[v] == self.level[u] + 1 {
                let d = self.dfs(v, t, f.min(self.cap[e]));
                if d > 0 {
                    self.cap[e] -= d;
                    self.cap[e ^ 1] += d;
                    return d;
                }
            }
            self.it[u] += 1;
        }
        0
    }
}

fn dinic(n: usize, arcs: &[(usize, usize, Capacity)], s: usize, t: usize) -> u128 {
    let mut d = Dinic {
        to: Vec::new(),
        cap: Vec::new(),
        adj: vec![Vec::new(); n],
        level: vec![0; n],
        it: vec![0; n],
    };
    for &(u, v, c) in arcs {
        let c = if c == INFINITE { BIG } else { u128::from(c) };
        d.adj[u].push(d.to.len());
        d.to.push(v);
        d.cap.push(c);
        d.adj[v].push(d.to.len());
        d.to.push(u);
        d.cap.push(0);
    }
    let mut total = 0u128;
    loop {
        d.level.fill(usize::MAX);
        d.level[s] = 0;
        let mut q = std::collections::VecDeque::from([s]);
        while let Some(u) = q.pop_front() {
            for &e in &d.adj[u] {
                if d.cap[e] > 0 && d.level[d.to[e]] == usize::MAX {
                    d.level[d.to[e]] = d.level[u] + 1;
                    q.push_back(d.to[e]);
                }
            }
        }
        if d.level[t] == usize::MAX {
            return total;
        }
        d.it.fill(0);
        loop {
            let f = d.dfs(s, t, u128::MAX);
            if f == 0 {
                break;
            }
            total += f;
            if total >= BIG {
                return total;
            }
        }
    }
}

/// Checks everything a maximum flow promises, independently of the solver.
fn check_flow(g: &FlowGraph, sources: &[usize], sinks: &[usize], f: &MaxFlow) {
    let n = g.node_count();
    let mut balance = vec![0i128; n];
    for (a, &x) in g.arcs().iter().zip(&f.arc_flows) {
        assert!(x <= a.capacity, "flow {x} above capacity {}", a.capacity);
        if a.tail != a.head {
            balance[a.tail as usize] -= i128::from(x);
            balance[a.head as usize] += i128::from(x);
        }
    }
    for (v, &b) in balance.iter().enumerate() {
        if !sources.contains(&v) && !sinks.contains(&v) {
            assert_eq!(b, 0, "flow not conserved at node {v}");
        }
    }
    let into_sinks: i128 = sinks.iter().map(|&v| balance[v]).sum();
    assert_eq!(into_sinks, i128::from(f.value));
    let cut_cap: Capacity = f.cut.arcs.iter().map(|&a| g.arcs()[a].capacity).sum();
    assert_eq!(cut_cap, f.value);
    assert_eq!(f.cut.capacity, f.value);
    // S must be exactly the residual reachability from the sources.
    let mut reach = vec![false; n];
    let mut stack: Vec<usize> = sources.to_vec();
    for &s in sources {
        reach[s] = true;
    }
    while let Some(u) = stack.pop() {
        for (a, &x) in g.arcs().iter().zip(&f.arc_flows) {
            let (t, h) = (a.tail as usize, a.head as usize);
            if t == u && x < a.capacity && !reach[h] {
                reach[h] = true;
                stack.push(h);
            }
            if h == u && x > 0 && !reach[t] {
                reach[t] = true;
                stack.push(t);
            }
        }
    }
    assert_eq!(reach, f.cut.source_side);
    for &t in sinks {
        assert!(!reach[t]);
    }
    let expected_cut: Vec<usize> = (0..g.arcs().len())
        .filter(|&i| {
            let a = g.arcs()[i];
            reach[a.tail as usize] && !reach[a.head as usize]
        })
        .collect();
    assert_eq!(expected_cut, f.cut.arcs);
    for &a in &f.cut.arcs {
        assert_eq!(
            f.arc_flows[a],
            g.arcs()[a].capacity,
            "cut arc not saturated"
        );
    }
}

fn graph_strategy() -> impl Strategy<Value = (usize, Vec<(usize, usize, Capacity)>)> {
    (2usize..24).prop_flat_map(|n| {
        let cap = prop_oneof![
            8 => 0u64..50,
            2 => 0u64..1_000_000_000,
            1 => Just(INFINITE),
        ];
        (
            Just(n),
            proptest::collection::vec((0..n, 0..n, cap), 0..(4 * n + 8)),
        )
    })
}

fn build(n: usize, arcs: &[(usize, usize, Capacity)]) -> FlowGraph {
    let mut g = FlowGraph::new(n);
    for (i, &(u, v, c)) in arcs.iter().enumerate() {
        g.add_arc(u, v, c, i as u32).unwrap();
    }
    g
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(600))]

    #[test]
    fn agrees_with_dinic((n, arcs) in graph_strategy()) {
        let g = build(n, &arcs);
        let expected = dinic(n, &arcs, 0, n - 1);
        match g.max_flow(0, n - 1) {
            Ok(f) => {
                prop_assert_eq!(u128::from(f.value), expected);
                check_flow(&g, &[0], &[n - 1], &f);
            }
            Err(MaxFlowError::Unbounded) => prop_assert!(expected >= BIG),
            Err(e) => prop_assert!(false, "unexpected error {e}"),
        }
    }

    #[test]
    fn sets_agree_with_dinic_on_super_terminals(
        (n, arcs) in graph_strategy(),
        k in 1usize..4,
    ) {
        prop_assume!(n >= 4);
        let sources: Vec<usize> = (0..k.min(n / 2)).collect();
        let sinks: Vec<usize> = (n - k.min(n / 2)..n).collect();
        let g = build(n, &arcs);
        let mut big = arcs.clone();
        for &s in &sources { big.push((n, s, INFINITE)); }
        for &t in &sinks { big.push((t, n + 1, INFINITE)); }
        let expected = dinic(n + 2, &big, n, n + 1);
        match g.max_flow_sets(&sources, &sinks) {
            Ok(f) => {
                prop_assert_eq!(u128::from(f.value), expected);
                check_flow(&g, &sources, &sinks, &f);
            }
            Err(MaxFlowError::Unbounded) => prop_assert!(expected >= BIG),
            Err(e) => prop_assert!(false, "unexpected error {e}"),
        }
    }

    #[test]
    fn successive_cuts_relieve_in_order((n, arcs) in graph_strategy()) {
        let g = build(n, &arcs);
        let Ok(cuts) = g.successive_cuts(&[0], &[n - 1], 4) else { return Ok(()); };
        let mut relieved = arcs.clone();
        let mut last = 0;
        for step in &cuts.steps {
            // Each step's value is the max flow with the earlier cuts made infinite.
            prop_assert_eq!(u128::from(step.value), dinic(n, &relieved, 0, n - 1));
            prop_assert!(step.value >= last);
            last = step.value;
            for &a in &step.cut.arcs {
                prop_assert!(relieved[a].2 != INFINITE);
                relieved[a].2 = INFINITE;
            }
        }
        if cuts.unbounded_after {
            prop_assert!(dinic(n, &relieved, 0, n - 1) >= BIG);
        } else {
            let empty_last = cuts.steps.last().is_some_and(|s| s.cut.arcs.is_empty());
            prop_assert!(cuts.steps.len() == 4 || empty_last);
        }
    }
}

/// A DIMACS max-flow file: `p max n m`, `n id s|t`, `a u v cap` (1-based), and a comment
/// `c expected VALUE`.
struct Fixture {
    graph: FlowGraph,
    source: usize,
    sink: usize,
    expected: u64,
}

fn read_fixture(text: &str) -> Fixture {
    let mut graph = FlowGraph::new(0);
    let (mut source, mut sink, mut expected) = (None, None, None);
    for line in text.lines() {
        let f: Vec<&str> = line.split_whitespace().collect();
        match f.as_slice() {
            ["c", "expected", v, ..] => expected = Some(v.parse().unwrap()),
            ["p", "max", n, m] => {
                graph = FlowGraph::with_capacity(n.parse().unwrap(), m.parse().unwrap());
            }
            ["n", id, "s"] => source = Some(id.parse::<usize>().unwrap() - 1),
            ["n", id, "t"] => sink = Some(id.parse::<usize>().unwrap() - 1),
            ["a", u, v, c] => {
                let tag = graph.arcs().len() as u32;
                graph
                    .add_arc(
                        u.parse::<usize>().unwrap() - 1,
                        v.parse::<usize>().unwrap() - 1,
                        c.parse().unwrap(),
                        tag,
                    )
                    .unwrap();
            }
            _ => {}
        }
    }
    Fixture {
        graph,
        source: source.unwrap(),
        sink: sink.unwrap(),
        expected: expected.unwrap(),
    }
}

#[test]
fn fixtures_match_networkx() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/maxflow");
    let mut names: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "max"))
        .collect();
    names.sort();
    assert!(names.len() >= 5, "fixtures missing in {dir}");
    for p in names {
        let fx = read_fixture(&std::fs::read_to_string(&p).unwrap());
        let f = fx.graph.max_flow(fx.source, fx.sink).unwrap();
        assert_eq!(f.value, fx.expected, "{}", p.display());
        check_flow(&fx.graph, &[fx.source], &[fx.sink], &f);
        let arcs: Vec<_> = fx
            .graph
            .arcs()
            .iter()
            .map(|a| (a.tail as usize, a.head as usize, a.capacity))
            .collect();
        assert_eq!(
            dinic(fx.graph.node_count(), &arcs, fx.source, fx.sink),
            u128::from(fx.expected)
        );
    }
}

#[test]
fn cut_tags_map_back_to_caller_objects() {
    // Two terminals joined by a rail link (tag 100) and a ferry (tag 200), whose port node
    // is split into in/out with the port's handling capacity (tag 300).
    let mut g = FlowGraph::new(5);
    g.add_arc(0, 1, 50, 100).unwrap(); // rail
    g.add_arc(1, 4, 50, 101).unwrap();
    g.add_arc(0, 2, 80, 200).unwrap(); // ferry
    g.add_arc(2, 3, 30, 300).unwrap(); // port in → out
    g.add_arc(3, 4, 80, 201).unwrap();
    let f = g.max_flow(0, 4).unwrap();
    assert_eq!(f.value, 80);
    let mut tags = f.cut.tags(&g);
    tags.sort();
    assert_eq!(tags, vec![100, 300]);
    let cuts = g.successive_cuts(&[0], &[4], 3).unwrap();
    let values: Vec<_> = cuts.steps.iter().map(|s| s.value).collect();
    assert_eq!(values, vec![80, 130]);
    assert_eq!(cuts.steps[1].cut.tags(&g), vec![101, 200]);
    assert!(cuts.unbounded_after);
}

/// Medium random graphs (a few hundred nodes, two-way arcs, some infinite), where the
/// solver goes through several global relabellings and defers nodes: against Dinic.
#[test]
fn medium_random_graphs_agree_with_dinic() {
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = move |bound: u64| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state % bound
    };
    for round in 0..40 {
        let n = 50 + next(400) as usize;
        let mut arcs = Vec::new();
        for _ in 0..n * (2 + round % 4) {
            let (u, v) = (next(n as u64) as usize, next(n as u64) as usize);
            let c = match next(20) {
                0 => INFINITE,
                1..=3 => next(1_000_000_000),
                _ => next(100),
            };
            arcs.push((u, v, c));
            if next(3) == 0 {
                arcs.push((v, u, next(100)));
            }
        }
        let g = build(n, &arcs);
        let expected = dinic(n, &arcs, 0, n - 1);
        match g.max_flow(0, n - 1) {
            Ok(f) => {
                assert_eq!(u128::from(f.value), expected, "round {round}");
                check_flow(&g, &[0], &[n - 1], &f);
            }
            Err(MaxFlowError::Unbounded) => assert!(expected >= BIG, "round {round}"),
            Err(e) => panic!("round {round}: {e}"),
        }
    }
}
