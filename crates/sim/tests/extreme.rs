//! The range invariant, end to end: a dataset whose figures sit at the edges of their
//! documented ranges ([`corridor_model::ranges`]) loads, and then routes, compares and
//! simulates without a panic, with every figure of every result finite (and the physical
//! ones non-negative).

use corridor_model::ranges::{self, Range};
use corridor_model::{DatasetInput, Network, embedded, finite, load};
use corridor_route::graph::Graph;
use corridor_route::names::find_node;
use corridor_route::plan::{self, Sampling, Weights};
use corridor_route::search::{Constraints, Shipment};
use corridor_route::time::Instant;
use corridor_sim::ops::{self, Plan};
use corridor_sim::ops_input::{self, OpsInput};
use proptest::prelude::*;

/// Which end of a range a figure takes, or the dataset's own value.
#[derive(Clone, Copy, Debug)]
enum Edge {
    Keep,
    Low,
    High,
}

fn edge() -> impl Strategy<Value = Edge> {
    prop_oneof![Just(Edge::Keep), Just(Edge::Low), Just(Edge::High)]
}

fn at(r: &Range, e: Edge) -> Option<f64> {
    match e {
        Edge::Keep => None,
        // The smallest accepted value (just above an excluded minimum).
        Edge::Low if r.min_excluded => Some(r.min + r.max * 1e-9),
        Edge::Low => Some(r.min),
        Edge::High => Some(r.max),
    }
}

/// Rewrite the data rows of a CSV table (comment lines dropped), column by column.
fn rewrite(text: &str, mut f: impl FnMut(usize, &str, &mut String)) -> String {
    let mut rdr = csv::ReaderBuilder::new()
        .comment(Some(b'#'))
        .from_reader(text.as_bytes());
    let headers: Vec<String> = rdr.headers().unwrap().iter().map(String::from).collect();
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(&headers).unwrap();
    for (i, rec) in rdr.records().enumerate() {
        let mut row: Vec<String> = rec.unwrap().iter().map(String::from).collect();
        for (h, v) in headers.iter().zip(row.iter_mut()) {
            f(i, h, v);
        }
        w.write_record(&row).unwrap();
    }
    String::from_utf8(w.into_inner().unwrap()).unwrap()
}

/// The extremes a row's figures take: one choice per kind of figure, rotated over rows.
#[derive(Clone, Debug)]
struct Extremes {
    capacity: Vec<Edge>,
    dwell: Vec<u8>,
    handling: Vec<Edge>,
    tariff: Vec<Edge>,
    time: Vec<u8>,
    payload: Vec<Edge>,
    hold: Vec<Edge>,
    headway: Vec<u8>,
    intensity: Vec<Edge>,
}

fn pick<T: Copy>(v: &[T], i: usize) -> T {
    v[i % v.len()]
}

/// Durations at the edges: a zero, a year, the widest log-normal and triangle.
const DURATIONS: [&str; 5] = [
    "",
    "fixed(0h)",
    "fixed(365d)",
    "lognormal(p50=1min; p90=365d)",
    "tri(0h; 0h; 365d)",
];

/// Each of a field's capacities (`150000 TEU/yr; 15 Mt/yr`) at the edge `e` of its range.
fn extreme_capacities(v: &str, e: Edge) -> String {
    corridor_model::fields::capacities(v)
        .unwrap()
        .iter()
        .map(
            |&c| match at(corridor_model::fields::capacity_range(c), e) {
                Some(x) => format!("{x} {}", c.unit_str()),
                None => c.to_string(),
            },
        )
        .collect::<Vec<_>>()
        .join("; ")
}

fn extreme_dataset(x: &Extremes) -> Vec<(&'static str, Vec<u8>)> {
    let texts = embedded::TEXTS;
    let names = embedded::file_names();
    let mut out = Vec::new();
    for (name, text) in names.iter().zip(texts) {
        let t = match *name {
            "nodes.csv" => rewrite(text, |i, h, v| match h {
                "capacity" if !v.is_empty() => *v = extreme_capacities(v, pick(&x.capacity, i)),
                "dwell" if !v.is_empty() => {
                    let d = DURATIONS[pick(&x.dwell, i) as usize % DURATIONS.len()];
                    if !d.is_empty() {
                        *v = d.into();
                    }
                }
                "handling" if !v.is_empty() => {
                    if let Some(x) = at(&ranges::HANDLING, pick(&x.handling, i)) {
                        *v = format!("{x} USD/FEU");
                    }
                }
                _ => {}
            }),
            "links.csv" => rewrite(text, |i, h, v| match h {
                "tariff" if !v.is_empty() => {
                    let per_km = v.contains("-km");
                    let r = if per_km {
                        &ranges::TARIFF_PER_FEU_KM
                    } else {
                        &ranges::TARIFF_PER_FEU
                    };
                    if let Some(x) = at(r, pick(&x.tariff, i)) {
                        *v = format!("{x} {}", if per_km { "USD/FEU-km" } else { "USD/FEU" });
                    }
                }
                "capacity" if !v.is_empty() => *v = extreme_capacities(v, pick(&x.capacity, i + 1)),
                "time" => {
                    let d = DURATIONS[pick(&x.time, i) as usize % DURATIONS.len()];
                    if !d.is_empty() {
                        *v = d.into();
                    }
                }
                _ => {}
            }),
            "services.csv" => rewrite(text, |i, h, v| match h {
                "payload" => {
                    let p = corridor_model::fields::payload(v).unwrap();
                    let (r, unit) = match p {
                        corridor_model::units::Payload::Teu(_) => (&ranges::PAYLOAD_TEU, "TEU"),
                        corridor_model::units::Payload::Wagons(_) => {
                            (&ranges::PAYLOAD_WAGONS, "wagons")
                        }
                        corridor_model::units::Payload::Tonnes(_) => (&ranges::PAYLOAD_TONNES, "t"),
                    };
                    if let Some(x) = at(r, pick(&x.payload, i)) {
                        *v = format!("{x} {unit}");
                    }
                }
                "max_hold" if !v.is_empty() => {
                    if let Some(x) = at(&ranges::MAX_HOLD, pick(&x.hold, i)) {
                        *v = format!("{x}h");
                    }
                }
                "schedule" => match pick(&x.headway, i) % 3 {
                    1 => *v = "every(10min)".into(),
                    2 => *v = "every(365d)".into(),
                    _ => {}
                },
                _ => {}
            }),
            "emissions.csv" => {
                let e = pick(&x.intensity, 0);
                rewrite(text, |_, h, v| {
                    if h == "ttw" || h == "wtw" {
                        if let Some(x) = at(&ranges::INTENSITY, e) {
                            *v = format!("{x} g/tkm");
                        }
                    }
                })
            }
            _ => text.to_string(),
        };
        out.push((*name, t.into_bytes()));
    }
    out
}

fn extremes() -> impl Strategy<Value = Extremes> {
    let e = || prop::collection::vec(edge(), 1..5);
    let d = || prop::collection::vec(0u8..5, 1..5);
    (e(), d(), e(), e(), d(), e(), e(), d(), e()).prop_map(
        |(capacity, dwell, handling, tariff, time, payload, hold, headway, intensity)| Extremes {
            capacity,
            dwell,
            handling,
            tariff,
            time,
            payload,
            hold,
            headway,
            intensity,
        },
    )
}

fn check_route(r: &plan::Route, what: &str) {
    finite::check(r).unwrap_or_else(|e| panic!("{what}: {e}"));
    for (name, v) in [
        ("p50_days", r.p50_days),
        ("p90_days", r.p90_days),
        ("planned_days", r.planned_days),
        ("cost_usd", r.cost_usd),
        ("co2e_wtw_kg", r.co2e_wtw_kg),
        ("co2e_ttw_kg", r.co2e_ttw_kg),
    ] {
        assert!(v >= 0.0, "{what}: {name} = {v}");
    }
    assert!(r.p90_days >= r.p50_days, "{what}: P90 below P50");
    for l in &r.legs {
        assert!(
            l.wait_h >= 0.0 && l.travel_h >= 0.0 && l.dwell_h >= 0.0,
            "{what}: {l:?}"
        );
    }
}

fn exercise(net: &Network) {
    let g = Graph::new(net);
    let date = Instant::parse("2026-01-15", None).unwrap().0;
    for (from, to) in [
        ("Xian", "Duisburg"),
        ("Shanghai", "Rotterdam"),
        ("Yiwu", "Tehran"),
    ] {
        let s = Shipment {
            from: find_node(net, from).unwrap(),
            to: find_node(net, to).unwrap(),
            ready: date,
            teu: 2.0,
        };
        let sampling = Sampling {
            samples: 200,
            seed: 1,
        };
        let w = Weights::preset("balanced").unwrap();
        for row in plan::compare(&g, &s, &Constraints::default(), w, sampling) {
            if let Some(r) = &row.route {
                check_route(r, &format!("compare {from}→{to} {}", row.corridor));
            }
        }
        if let Ok(routes) = plan::plan(&g, &s, &Constraints::default(), w, sampling) {
            for r in &routes {
                check_route(r, &format!("route {from}→{to}"));
            }
        }
    }
    let parsed = ops_input::parse(
        net,
        "simulation.toml",
        ops_input::DEFAULT_SIMULATION,
        "demand.csv",
        ops_input::DEFAULT_DEMAND,
    )
    .unwrap();
    let input = OpsInput::from_parsed(
        parsed,
        1.0,
        Instant::from_civil(2024, 1, 1, 0.0).0,
        6.0,
        1.0,
    );
    let plan = Plan::new(std::sync::Arc::new(net.clone()), input)
        .expect("every flow has a route on a valid network");
    let report = ops::run(&plan, 7, 1, &|_| {});
    finite::check(&report).unwrap_or_else(|e| panic!("simulate: {e}"));
    assert_eq!(report.generated, report.delivered + report.in_system);
    for r in &report.resources {
        assert!(
            r.utilisation.mean >= 0.0 && r.mean_queue_teu.mean >= 0.0,
            "{r:?}"
        );
    }
    for t in report.corridors.iter().chain(&report.od) {
        assert!(
            t.p50_days.mean >= 0.0 && t.p90_days.mean >= t.p50_days.mean * 0.999,
            "{t:?}"
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, .. ProptestConfig::default() })]
    #[test]
    fn a_dataset_at_the_edges_of_its_ranges_routes_and_simulates(x in extremes()) {
        let texts = extreme_dataset(&x);
        let net = load(&DatasetInput::texts("extreme", &texts))
            .unwrap_or_else(|e| panic!("a dataset of in-range figures must load:\n{e}"));
        exercise(&net);
    }
}

/// The cases the robustness review found, one by one: each value is now refused at load.
#[test]
fn values_that_crashed_or_misled_are_refused_at_load() {
    let base: Vec<(&str, Vec<u8>)> = embedded::file_names()
        .iter()
        .zip(embedded::TEXTS)
        .map(|(n, t)| (*n, t.as_bytes().to_vec()))
        .collect();
    let with = |file: &str, from: &str, to: &str| {
        let mut texts = base.clone();
        let t = texts.iter_mut().find(|(n, _)| *n == file).unwrap();
        let s = String::from_utf8(t.1.clone()).unwrap();
        assert!(s.contains(from), "{from}");
        t.1 = s.replacen(from, to, 1).into_bytes();
        load(&DatasetInput::texts("case", &texts))
            .unwrap_err()
            .to_string()
    };
    let cases = [
        (
            "nodes.csv",
            "150000 TEU/yr",
            "0 TEU/yr",
            "expected a capacity of at least 1 TEU/yr",
        ),
        (
            "nodes.csv",
            "14 trains/d",
            "0 trains/d",
            "expected a capacity of at least 0.01 trains/d",
        ),
        (
            "nodes.csv",
            "lognormal(p50=20h; p90=30h)",
            "lognormal(p50=1h; p90=1e300h)",
            "expected a duration of at least 0 h and at most 8760 h, found 1e300 h",
        ),
        (
            "nodes.csv",
            "lognormal(p50=20h; p90=30h)",
            "tri(0h; 0h; 1e308h)",
            "found 1e308 h",
        ),
        (
            "services.csv",
            "72h,E-FERRY-HOLD",
            "1e308h,E-FERRY-HOLD",
            "expected a maximum hold of at least 0 h and at most 1440 h",
        ),
        (
            "links.csv",
            "0.61 USD/FEU-km",
            "1e308 USD/FEU-km",
            "expected a tariff of at least 0 USD/FEU-km and at most 100 USD/FEU-km",
        ),
        (
            "emissions.csv",
            "27.79 g/tkm",
            "1e308 g/tkm",
            "expected an emission intensity of at least 0 g/tkm and at most 3000 g/tkm",
        ),
        (
            "services.csv",
            "every(2.3h)",
            "every(1e-9h)",
            "expected a headway",
        ),
    ];
    for (file, from, to, want) in cases {
        let e = with(file, from, to);
        assert!(e.contains(want), "{file}: {to}:\n{e}");
        assert!(e.contains(&format!("case/{file}:")), "{e}");
    }
}

/// Every figure at its upper end, then at its lower end (with each extreme duration and
/// timetable in turn): the corner cases the sampled property may miss.
#[test]
fn every_figure_at_one_end_of_its_range() {
    for (e, d) in [
        (Edge::High, 1u8),
        (Edge::Low, 2),
        (Edge::High, 3),
        (Edge::Low, 4),
    ] {
        let x = Extremes {
            capacity: vec![e],
            dwell: vec![d],
            handling: vec![e],
            tariff: vec![e],
            time: vec![d],
            payload: vec![e],
            hold: vec![e],
            headway: vec![d % 3],
            intensity: vec![e],
        };
        let texts = extreme_dataset(&x);
        let changed = texts
            .iter()
            .zip(embedded::TEXTS)
            .filter(|((_, t), orig)| t.as_slice() != orig.as_bytes())
            .count();
        assert_eq!(
            changed, 4,
            "nodes, links, services and emissions all rewritten"
        );
        let net =
            load(&DatasetInput::texts("extreme", &texts)).unwrap_or_else(|e| panic!("{x:?}:\n{e}"));
        let dostyk = net.node(net.node_by_key("KZ-DOSTYK").unwrap());
        let cap = dostyk.capacity.units.unwrap().value.amount();
        // Dostyk's capacity is in trains a day: 0.01 to 1,000.
        assert_eq!(
            cap,
            if matches!(e, Edge::High) {
                1000.0
            } else {
                0.01
            }
        );
        exercise(&net);
    }
}
