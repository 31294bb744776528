//! The Pareto search against a slow, obvious oracle: on random small networks (≤ 8 nodes,
//! random timetables, dwell times, tariffs and emission intensities) the search's Pareto
//! set equals the Pareto set of every simple path under every choice of service.

use corridor_model::network::{Mode, NodeId};
use corridor_model::{DatasetInput, Network, load};
use corridor_route::graph::{Board, Graph};
use corridor_route::search::{Constraints, ParetoResult, Shipment, pareto};
use proptest::prelude::*;

#[derive(Debug, Clone)]
struct Spec {
    nodes: usize,
    /// (from, to, km, p50 hours, usd per FEU, ferry?)
    links: Vec<(usize, usize, u32, u32, u32, bool)>,
    /// (link index, headway hours or weekly slot, weekly?, direction code)
    services: Vec<(usize, u32, bool, u8)>,
    dwell: Vec<u32>,
}

fn spec() -> impl Strategy<Value = Spec> {
    spec_with(2..14)
}

/// Random networks with a number of links in `links` (before self-loops are dropped).
fn spec_with(links: std::ops::Range<usize>) -> impl Strategy<Value = Spec> {
    (3usize..=8).prop_flat_map(move |n| {
        let link = (0..n, 0..n, 10u32..500, 1u32..60, 0u32..900, any::<bool>());
        (
            Just(n),
            proptest::collection::vec(link, links.clone()),
            proptest::collection::vec((0usize..14, 1u32..168, any::<bool>(), 0u8..3), 0..6),
            proptest::collection::vec(0u32..30, n),
        )
            .prop_map(|(nodes, links, services, dwell)| Spec {
                nodes,
                links: links.into_iter().filter(|l| l.0 != l.1).collect(),
                services,
                dwell,
            })
    })
}

/// The spec as dataset text, loaded through the real loader.
fn network(s: &Spec) -> Option<Network> {
    let mut nodes = String::from(
        "id,name,aliases,country,kind,lat,lon,coord_src,gauges,dwell,dwell_src,handling,handling_src,capacity,capacity_src,note\n",
    );
    for i in 0..s.nodes {
        let dwell = if s.dwell[i] > 0 {
            format!("fixed({}h),E-1,{} USD/FEU,E-1", s.dwell[i], s.dwell[i] * 10)
        } else {
            ",,,".into()
        };
        nodes += &format!(
            "N{i},Node {i},,KZ,seaport,{},{},E-1,1520,{dwell},,,\n",
            43.0 + i as f64 * 0.001,
            51.0
        );
    }
    let mut links = String::from(
        "id,from,to,mode,gauge,traction,traction_src,countries,corridors,distance,distance_src,time,time_src,capacity,capacity_src,tariff,tariff_src,note\n",
    );
    for (k, &(a, b, km, h, usd, ferry)) in s.links.iter().enumerate() {
        let (mode, gauge) = if ferry {
            ("caspian_ferry", "")
        } else {
            ("rail", "1520")
        };
        links += &format!(
            "L{k},N{a},N{b},{mode},{gauge},,,KZ,c,{km} km,E-1,fixed({h}h),E-1,,,{usd} USD/FEU,E-1,\n"
        );
    }
    let mut svc = String::from(
        "id,link,direction,kind,operator,schedule,schedule_src,payload,payload_src,rule,max_hold,max_hold_src,note\n",
    );
    for (k, &(li, x, weekly, dir)) in s.services.iter().enumerate() {
        if li >= s.links.len() {
            continue;
        }
        let sched = if weekly {
            format!("weekly(Mon {:02}:00; Thu {:02}:30)", x % 24, (x * 7) % 24)
        } else {
            format!("every({}h; 03:00)", x.clamp(1, 48))
        };
        let (kind, rule, hold) = if k % 2 == 0 {
            ("feeder", "when_full", "24h,E-1")
        } else {
            ("ferry", "fixed", ",")
        };
        let dir = ["forward", "backward", "both"][dir as usize];
        svc += &format!("S{k},L{li},{dir},{kind},,{sched},E-1,100 TEU,E-1,{rule},{hold},\n");
    }
    let texts: Vec<(&str, Vec<u8>)> = vec![
        ("dataset.toml", b"name = \"p\"\nversion = \"1\"\ndescription = \"random\"\n[[corridor]]\nkey = \"c\"\nname = \"C\"\n[cargo]\ntonnes_per_teu = 10.0\ntonnes_per_teu_src = \"E-1\"\n".to_vec()),
        ("sources.csv", b"id,kind,title,year,url,note\nE-1,estimate,Test,,,Random test network.\n".to_vec()),
        ("nodes.csv", nodes.into_bytes()),
        ("links.csv", links.into_bytes()),
        ("services.csv", svc.into_bytes()),
        ("emissions.csv", b"id,mode,traction,service_kind,ttw,ttw_src,wtw,wtw_src,note\nR,rail,,,20 g/tkm,E-1,25 g/tkm,E-1,\nF,caspian_ferry,,,100 g/tkm,E-1,120 g/tkm,E-1,\nFF,caspian_ferry,,feeder,30 g/tkm,E-1,40 g/tkm,E-1,\n".to_vec()),
    ];
    load(&DatasetInput::texts("prop", &texts)).ok()
}

/// Criteria of every (simple path, service choice) from `from` to `to` that satisfies the
/// constraints (avoided countries, nodes, modes, passages, services and kinds of service,
/// one corridor, via nodes in order, longest time, highest cost), with the same arithmetic
/// as the search. A simple path visits no node
/// twice, so it reaches the destination once, at its end.
fn brute_force(g: &Graph, s: &Shipment, c: &Constraints) -> Vec<[f64; 3]> {
    brute_force_paths(g, s, c)
        .into_iter()
        .map(|(x, _)| x)
        .collect()
}

/// [`brute_force`] with each path's nodes, origin first.
fn brute_force_paths(g: &Graph, s: &Shipment, c: &Constraints) -> Vec<([f64; 3], Vec<NodeId>)> {
    let net = g.net;
    let feu = s.teu / 2.0;
    let tonnes = s.teu * net.meta.tonnes_per_teu.value.0;
    let mut out = Vec::new();
    if c.avoid_nodes.contains(&s.from) || c.avoid_countries.contains(&net.node(s.from).country) {
        return out;
    }
    let start = [
        s.ready + g.node_dwell_h[s.from.idx()],
        g.node_usd_per_feu[s.from.idx()] * feu,
        0.0,
    ];
    let mut path = vec![s.from];
    #[allow(clippy::too_many_arguments)]
    fn go(
        g: &Graph,
        s: &Shipment,
        c: &Constraints,
        crit: [f64; 3],
        path: &mut Vec<NodeId>,
        out: &mut Vec<([f64; 3], Vec<NodeId>)>,
        feu: f64,
        tonnes: f64,
    ) {
        let at = *path.last().unwrap();
        if at == s.to {
            out.push((crit, path.clone()));
            return;
        }
        let mut opts = Vec::new();
        for arc in g.net.arcs(at) {
            let net = g.net;
            let link = net.link(arc.link);
            if path.contains(&arc.head)
                || c.avoid_nodes.contains(&arc.head)
                || c.avoid_modes.contains(&link.mode)
                || c.avoid_countries.contains(&net.node(arc.head).country)
                || net
                    .countries(arc.link)
                    .iter()
                    .any(|x| c.avoid_countries.contains(x))
                || net
                    .passages_of(arc.link)
                    .iter()
                    .any(|x| c.avoid_passages.contains(x))
                || c.corridor.is_some_and(|k| !link.corridors.contains(k))
            {
                continue;
            }
            g.options(arc, &mut opts);
            opts.retain(|o| match o {
                Board::Service(sv) => {
                    !c.avoid_services.contains(sv)
                        && !c.avoid_service_kinds.contains(&net.service(*sv).kind)
                }
                Board::Continuous => true,
            });
            for &o in &opts.clone() {
                let li = arc.link.idx();
                let h = arc.head.idx();
                let depart = g.depart(o, crit[0]);
                let time = depart + g.link_p50_h[li] + g.node_dwell_h[h];
                // The tariff in force on the shipment's day, from the network itself.
                let day = (s.ready / 24.0).floor() as i64;
                let usd = g.net.price_per_feu_on(arc.link, day).map_or(0.0, |u| u.0);
                let cost = crit[1] + (usd + g.node_usd_per_feu[h]) * feu;
                let [_, wtw_i] = g.intensity(arc.link, o);
                let wtw = crit[2] + tonnes * g.net.link(arc.link).distance.value.0 * wtw_i / 1000.0;
                path.push(arc.head);
                go(g, s, c, [time, cost, wtw], path, out, feu, tonnes);
                path.pop();
            }
        }
    }
    go(g, s, c, start, &mut path, &mut out, feu, tonnes);
    out.retain(|(x, p)| {
        passes_in_order(p, &c.via)
            && c.max_hours.is_none_or(|m| x[0] - s.ready <= m)
            && c.max_cost.is_none_or(|m| x[1] <= m)
    });
    out
}

/// True if `via` is a subsequence of `path` (each place of the path counting once).
fn passes_in_order(path: &[NodeId], via: &[NodeId]) -> bool {
    let mut k = 0;
    for n in path {
        if k < via.len() && via[k] == *n {
            k += 1;
        }
    }
    k == via.len()
}

/// The nodes of a route found by the search, origin first.
fn nodes_of(r: &ParetoResult, label: u32) -> Vec<NodeId> {
    r.path(label).iter().map(|l| l.node).collect()
}

/// True if no node occurs twice.
fn simple(p: &[NodeId]) -> bool {
    let mut seen = p.to_vec();
    seen.sort();
    seen.dedup();
    seen.len() == p.len()
}

/// The search's front as criteria vectors.
fn criteria(r: &ParetoResult) -> Vec<[f64; 3]> {
    r.front
        .iter()
        .map(|&i| {
            let l = r.labels[i as usize];
            [l.time, l.cost, l.wtw]
        })
        .collect()
}

fn front(mut v: Vec<[f64; 3]>) -> Vec<[f64; 3]> {
    let dom = |a: &[f64; 3], b: &[f64; 3]| b[0] <= a[0] && b[1] <= a[1] && b[2] <= a[2] && b != a;
    let all = v.clone();
    v.retain(|a| !all.iter().any(|b| dom(a, b)));
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    v.dedup();
    v
}

/// The two fronts hold the same vectors (to 1e-6).
fn same_front(got: Vec<[f64; 3]>, want: Vec<[f64; 3]>) -> Result<(), TestCaseError> {
    let (got, want) = (front(got), front(want));
    prop_assert_eq!(got.len(), want.len(), "got {:?}\nwant {:?}", got, want);
    for (a, b) in got.iter().zip(&want) {
        for k in 0..3 {
            prop_assert!((a[k] - b[k]).abs() < 1e-6, "got {:?}\nwant {:?}", got, want);
        }
    }
    Ok(())
}

/// Random constraints the oracle implements: 1–3 via nodes, maybe an avoided node, an
/// avoided mode, a time and a cost limit. Most via lists are picked in order from a random
/// simple route (so that a route exists and others compete with it), the others anywhere
/// (repeats, the origin and the destination allowed).
#[derive(Debug, Clone)]
struct Cons {
    via: Vec<usize>,
    via_on_a_route: Option<usize>,
    avoid_node: Option<usize>,
    avoid_ferry: bool,
    max_hours: Option<u32>,
    max_cost: Option<u32>,
}

fn cons() -> impl Strategy<Value = Cons> {
    (
        proptest::collection::vec(0usize..8, 1..=3),
        proptest::option::weighted(0.75, 0usize..1000),
        proptest::option::weighted(0.2, 0usize..8),
        proptest::bool::weighted(0.1),
        proptest::option::weighted(0.2, 50u32..800),
        proptest::option::weighted(0.2, 300u32..6000),
    )
        .prop_map(
            |(via, via_on_a_route, avoid_node, avoid_ferry, max_hours, max_cost)| Cons {
                via,
                via_on_a_route,
                avoid_node,
                avoid_ferry,
                max_hours,
                max_cost,
            },
        )
}

/// The via nodes of `k`: from `k.via`, either as node numbers or as positions along one of
/// the simple routes from `ship.from` to `ship.to`.
fn via_nodes(g: &Graph, ship: &Shipment, nodes: usize, k: &Cons) -> Vec<NodeId> {
    let routes = brute_force_paths(g, ship, &Constraints::default());
    match k.via_on_a_route {
        Some(pick) if !routes.is_empty() => {
            let route = &routes[pick % routes.len()].1;
            let mut at: Vec<usize> = k.via.iter().map(|&i| i % route.len()).collect();
            at.sort();
            at.dedup();
            at.into_iter().map(|i| route[i]).collect()
        }
        _ => k.via.iter().map(|&i| NodeId((i % nodes) as u32)).collect(),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn pareto_set_equals_brute_force(s in spec(), o in 0usize..8, d in 0usize..8, ready in 0u32..400, teu in 1u32..4) {
        let net = network(&s);
        prop_assume!(net.is_some());
        let net = net.unwrap();
        let (o, d) = (o % s.nodes, d % s.nodes);
        prop_assume!(o != d);
        let g = Graph::new(&net);
        let ship = Shipment { from: NodeId(o as u32), to: NodeId(d as u32), ready: 490_000.0 + ready as f64, teu: teu as f64 };
        let c = Constraints::default();
        let r = pareto(&g, &ship, &c);
        same_front(criteria(&r), brute_force(&g, &ship, &c))?;
        // Every returned path is simple and uses each boarding option consistently.
        for &i in &r.front {
            let p = r.path(i);
            prop_assert!(simple(&nodes_of(&r, i)), "{:?}", nodes_of(&r, i));
            for l in p.iter().skip(1) {
                if let Board::Service(sv) = l.board {
                    prop_assert_eq!(net.service(sv).link, l.link);
                }
            }
        }
    }
}

proptest! {
    // Denser networks than above, so that most via searches have routes (and walks that
    // would come back to a place are common).
    #![proptest_config(ProptestConfig { cases: 1000, ..ProptestConfig::default() })]

    #[test]
    fn via_pareto_set_equals_brute_force_over_simple_paths(
        s in spec_with(6..20), o in 0usize..8, d in 0usize..8, ready in 0u32..400, teu in 1u32..4, k in cons(),
    ) {
        let net = network(&s);
        prop_assume!(net.is_some());
        let net = net.unwrap();
        let (o, d) = (o % s.nodes, d % s.nodes);
        prop_assume!(o != d);
        let g = Graph::new(&net);
        let ship = Shipment { from: NodeId(o as u32), to: NodeId(d as u32), ready: 490_000.0 + ready as f64, teu: teu as f64 };
        let node = |i: usize| NodeId((i % s.nodes) as u32);
        let c = Constraints {
            via: via_nodes(&g, &ship, s.nodes, &k),
            avoid_nodes: k.avoid_node.map(node).into_iter().collect(),
            avoid_modes: if k.avoid_ferry { vec![Mode::CaspianFerry] } else { vec![] },
            max_hours: k.max_hours.map(f64::from),
            max_cost: k.max_cost.map(f64::from),
            ..Constraints::default()
        };
        let r = pareto(&g, &ship, &c);
        same_front(criteria(&r), brute_force(&g, &ship, &c))?;
        for &i in &r.front {
            let p = nodes_of(&r, i);
            prop_assert!(simple(&p), "a route visits a node twice: {:?}", p);
            prop_assert!(passes_in_order(&p, &c.via), "{:?} misses the vias {:?}", p, c.via);
            prop_assert_eq!(p.first(), Some(&ship.from));
            prop_assert_eq!(p.last(), Some(&ship.to));
            prop_assert!(p.iter().all(|n| !c.avoid_nodes.contains(n)));
        }
        // The same constraints without via: the criteria-only search, same oracle.
        let free = Constraints { via: vec![], ..c.clone() };
        let r = pareto(&g, &ship, &free);
        same_front(criteria(&r), brute_force(&g, &ship, &free))?;
        for &i in &r.front {
            prop_assert!(simple(&nodes_of(&r, i)), "{:?}", nodes_of(&r, i));
        }
    }
}

/// A hub (1) with a via spur (2): the walk 0→1→2→1→3 is fast and cheap, the only simple
/// route 0→1→2→3 slow and dear. The search returns the simple route alone.
#[test]
fn a_via_spur_is_not_left_by_the_way_it_was_entered() {
    let s = Spec {
        nodes: 4,
        links: vec![
            (0, 1, 100, 5, 100, false),
            (1, 2, 100, 5, 100, false),
            (1, 3, 100, 5, 100, false),
            (2, 3, 400, 50, 800, false),
        ],
        services: vec![],
        dwell: vec![0, 1, 1, 0],
    };
    let net = network(&s).expect("the spec loads");
    let g = Graph::new(&net);
    let ship = Shipment {
        from: NodeId(0),
        to: NodeId(3),
        ready: 490_000.0,
        teu: 2.0,
    };
    let c = Constraints {
        via: vec![NodeId(2)],
        ..Constraints::default()
    };
    let r = pareto(&g, &ship, &c);
    let routes: Vec<Vec<NodeId>> = r.front.iter().map(|&i| nodes_of(&r, i)).collect();
    assert_eq!(
        routes,
        vec![vec![NodeId(0), NodeId(1), NodeId(2), NodeId(3)]]
    );
    let want = brute_force_paths(&g, &ship, &c);
    assert_eq!(want.len(), 1);
    assert_eq!(criteria(&r), vec![want[0].0]);
    // Via 2 then 1: every route to 2 passes 1 first (0→1 is the only way out of 0), so
    // only walks (0→1→2→1→3) pass 2 then 1, and there is no route.
    let c = Constraints {
        via: vec![NodeId(2), NodeId(1)],
        ..Constraints::default()
    };
    assert!(brute_force(&g, &ship, &c).is_empty());
    assert!(pareto(&g, &ship, &c).front.is_empty());
}

/// Origin 0, hub 1, via 2, detour 3, destination 4. At the via, 0→1→2 is better in every
/// criterion than 0→3→2, but it has used the hub, the only way on to 4: it must not
/// dominate the detour, whose route 0→3→2→1→4 is the only one.
#[test]
fn a_label_that_used_the_way_on_does_not_dominate_one_that_did_not() {
    let s = Spec {
        nodes: 5,
        links: vec![
            (0, 1, 10, 1, 0, false),
            (1, 2, 10, 1, 0, false),
            (1, 4, 10, 1, 0, false),
            (0, 3, 90, 37, 150, false),
            (3, 2, 90, 31, 50, false),
        ],
        services: vec![],
        dwell: vec![0, 0, 0, 0, 0],
    };
    let net = network(&s).expect("the spec loads");
    let g = Graph::new(&net);
    let ship = Shipment {
        from: NodeId(0),
        to: NodeId(4),
        ready: 490_000.0,
        teu: 1.0,
    };
    let c = Constraints {
        via: vec![NodeId(2)],
        ..Constraints::default()
    };
    let r = pareto(&g, &ship, &c);
    let routes: Vec<Vec<NodeId>> = r.front.iter().map(|&i| nodes_of(&r, i)).collect();
    let want: Vec<NodeId> = [0, 3, 2, 1, 4].map(NodeId).to_vec();
    assert_eq!(routes, vec![want.clone()]);
    let oracle = brute_force_paths(&g, &ship, &c);
    assert_eq!(oracle.len(), 1);
    assert_eq!(oracle[0].1, want);
    assert_eq!(criteria(&r), vec![oracle[0].0]);
}

#[test]
fn the_generator_exercises_multi_route_fronts() {
    // A guard against a vacuous property: with this fixed spec the loader accepts the
    // network and the front has several routes trading time against cost.
    let s = Spec {
        nodes: 4,
        links: vec![
            (0, 1, 100, 5, 100, false),
            (1, 3, 100, 5, 100, false),
            (0, 2, 80, 20, 10, true),
            (2, 3, 80, 20, 10, true),
        ],
        services: vec![(2, 24, false, 2), (3, 12, true, 0)],
        dwell: vec![0, 2, 3, 1],
    };
    let net = network(&s).expect("the spec loads");
    let g = Graph::new(&net);
    let ship = Shipment {
        from: NodeId(0),
        to: NodeId(3),
        ready: 490_000.0,
        teu: 2.0,
    };
    let r = pareto(&g, &ship, &Constraints::default());
    assert_eq!(
        r.front.len(),
        2,
        "a fast expensive rail route and a slow cheap ferry route"
    );
    assert_eq!(
        front(brute_force(&g, &ship, &Constraints::default())).len(),
        2
    );
}

/// On the embedded network, from `from` to `to` avoiding `avoid` countries via `via`: every
/// route is simple and passes the vias, and the front is that of brute force over all
/// simple paths; so is each corridor's front (the per-corridor searches of `compare`).
/// Returns the size of the front.
fn embedded_case(from: &str, to: &str, avoid: &[&str], via: &[&str]) -> usize {
    let net = corridor_model::embedded::network().unwrap();
    let g = Graph::new(&net);
    let node = |k: &str| net.node_by_key(k).unwrap_or_else(|| panic!("no node {k}"));
    let ship = Shipment {
        from: node(from),
        to: node(to),
        ready: corridor_route::time::Instant::parse("2026-03-03", None)
            .unwrap()
            .0,
        teu: 1.0,
    };
    let c = Constraints {
        avoid_countries: avoid
            .iter()
            .map(|x| corridor_model::network::Country::parse(x).unwrap())
            .collect(),
        via: via.iter().map(|x| node(x)).collect(),
        ..Constraints::default()
    };
    let want = brute_force(&g, &ship, &c);
    let r = pareto(&g, &ship, &c);
    for &i in &r.front {
        let p = nodes_of(&r, i);
        assert!(simple(&p), "a route visits a place twice: {p:?}");
        assert!(passes_in_order(&p, &c.via), "{p:?}");
    }
    same_front(criteria(&r), want).unwrap();
    for k in 0..net.corridors.len() {
        let ck = Constraints {
            corridor: Some(corridor_model::network::CorridorId(k as u16)),
            ..c.clone()
        };
        let r = pareto(&g, &ship, &ck);
        for &i in &r.front {
            let p = nodes_of(&r, i);
            assert!(simple(&p), "a route visits a place twice: {p:?}");
        }
        same_front(criteria(&r), brute_force(&g, &ship, &ck)).unwrap();
    }
    r.front.len()
}

/// The user's case (issue: `--via Poti` listed Constanța → Batumi → Poti → Constanța and
/// Poti → Batumi, which passes Tbilisi twice): Xi'an → Budapest avoiding Russia, via Poti.
#[test]
fn xian_budapest_via_poti_avoiding_russia_equals_brute_force() {
    assert!(embedded_case("CN-XIAN", "HU-BUDAPEST", &["RU"], &["GE-POTI"]) >= 1);
}

/// More via searches on the embedded network against brute force.
#[test]
fn embedded_via_searches_equal_brute_force() {
    assert!(embedded_case("CN-XIAN", "NL-ROTTERDAM", &[], &["GE-POTI", "RO-CONSTANTA"]) >= 1);
    assert!(embedded_case("CN-CHONGQING", "HU-BUDAPEST", &[], &["AZ-ALAT"]) >= 1);
    assert!(embedded_case("CN-XIAN", "DE-DUISBURG", &["RU"], &["GE-BATUMI"]) >= 1);
    // And without via (criteria-only dominance).
    assert!(embedded_case("CN-XIAN", "DE-DUISBURG", &[], &[]) >= 2);
}
