//! The Pareto search against a slow, obvious oracle: on random small networks (≤ 8 nodes,
//! random timetables, dwell times, tariffs and emission intensities) the search's Pareto
//! set equals the Pareto set of every simple path under every choice of service.

use corridor_model::network::NodeId;
use corridor_model::{DatasetInput, Network, load};
use corridor_route::graph::{Board, Graph};
use corridor_route::search::{Constraints, Shipment, pareto};
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
    (3usize..=8).prop_flat_map(|n| {
        let link = (0..n, 0..n, 10u32..500, 1u32..60, 0u32..900, any::<bool>());
        (
            Just(n),
            proptest::collection::vec(link, 2..14),
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

/// Criteria of every (simple path, service choice) from `from` to `to`, with the same
/// arithmetic as the search.
fn brute_force(g: &Graph, s: &Shipment) -> Vec<[f64; 3]> {
    let net = g.net;
    let feu = s.teu / 2.0;
    let tonnes = s.teu * net.meta.tonnes_per_teu.value.0;
    let mut out = Vec::new();
    let start = [
        s.ready + g.node_dwell_h[s.from.idx()],
        g.node_usd_per_feu[s.from.idx()] * feu,
        0.0,
    ];
    let mut visited = vec![false; net.nodes.len()];
    visited[s.from.idx()] = true;
    #[allow(clippy::too_many_arguments)]
    fn go(
        g: &Graph,
        s: &Shipment,
        at: NodeId,
        crit: [f64; 3],
        visited: &mut Vec<bool>,
        out: &mut Vec<[f64; 3]>,
        feu: f64,
        tonnes: f64,
    ) {
        if at == s.to {
            out.push(crit);
            return;
        }
        let mut opts = Vec::new();
        for arc in g.net.arcs(at) {
            if visited[arc.head.idx()] {
                continue;
            }
            g.options(arc, &mut opts);
            for &o in &opts.clone() {
                let li = arc.link.idx();
                let h = arc.head.idx();
                let depart = g.depart(o, crit[0]);
                let time = depart + g.link_p50_h[li] + g.node_dwell_h[h];
                let cost = crit[1] + (g.link_usd_per_feu[li] + g.node_usd_per_feu[h]) * feu;
                let [_, wtw_i] = g.intensity(arc.link, o);
                let wtw = crit[2] + tonnes * g.net.link(arc.link).distance.value.0 * wtw_i / 1000.0;
                visited[h] = true;
                go(g, s, arc.head, [time, cost, wtw], visited, out, feu, tonnes);
                visited[h] = false;
            }
        }
    }
    go(g, s, s.from, start, &mut visited, &mut out, feu, tonnes);
    out
}

fn front(mut v: Vec<[f64; 3]>) -> Vec<[f64; 3]> {
    let dom = |a: &[f64; 3], b: &[f64; 3]| b[0] <= a[0] && b[1] <= a[1] && b[2] <= a[2] && b != a;
    let all = v.clone();
    v.retain(|a| !all.iter().any(|b| dom(a, b)));
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    v.dedup();
    v
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
        let r = pareto(&g, &ship, &Constraints::default());
        let got = front(r.front.iter().map(|&i| { let l = r.labels[i as usize]; [l.time, l.cost, l.wtw] }).collect());
        let want = front(brute_force(&g, &ship));
        prop_assert_eq!(got.len(), want.len(), "got {:?}\nwant {:?}", got, want);
        for (a, b) in got.iter().zip(&want) {
            for k in 0..3 {
                prop_assert!((a[k] - b[k]).abs() < 1e-6, "got {:?}\nwant {:?}", got, want);
            }
        }
        // Every returned path is simple and uses each boarding option consistently.
        for &i in &r.front {
            let p = r.path(i);
            let mut seen: Vec<NodeId> = p.iter().map(|l| l.node).collect();
            seen.sort();
            seen.dedup();
            prop_assert_eq!(seen.len(), p.len());
            for l in p.iter().skip(1) {
                if let Board::Service(sv) = l.board {
                    prop_assert_eq!(net.service(sv).link, l.link);
                }
            }
        }
    }
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
    assert_eq!(front(brute_force(&g, &ship)).len(), 2);
}
