//! Quote-ready results on the embedded dataset: the cost breakdown sums exactly to the
//! totals, the places a route is told by, the notes, the comparison's verdict and the
//! nearest places to a city outside the network.

use corridor_model::network::Country;
use corridor_model::units::great_circle;
use corridor_model::{Network, embedded};
use corridor_route::graph::Graph;
use corridor_route::names::find_node;
use corridor_route::notes::{Basis, notes, verdict};
use corridor_route::places::short_name;
use corridor_route::plan::{self, Route, Sampling, Weights};
use corridor_route::quote::CostCategory;
use corridor_route::search::{Constraints, Shipment};
use corridor_route::time::Instant;

fn net() -> Network {
    embedded::network().unwrap()
}

fn ship(net: &Network, from: &str, to: &str, teu: f64) -> Shipment {
    Shipment {
        from: find_node(net, from).unwrap(),
        to: find_node(net, to).unwrap(),
        ready: Instant::parse("2026-03-03", None).unwrap().0,
        teu,
    }
}

fn fast() -> Sampling {
    Sampling {
        samples: 50,
        seed: 1,
    }
}

fn balanced() -> Weights {
    Weights::preset("balanced").unwrap()
}

/// Every column of the breakdown sums exactly to its total, whole dollars only, and each
/// line is the sum of the route's tariffs and handling charges of its category.
fn check_breakdown(net: &Network, r: &Route, teu: f64, what: &str) {
    assert_eq!(r.cost_breakdown.len(), CostCategory::ALL.len(), "{what}");
    let sum = |f: fn(&plan::Route, usize) -> f64| {
        (0..r.cost_breakdown.len()).map(|i| f(r, i)).sum::<f64>()
    };
    assert_eq!(sum(|r, i| r.cost_breakdown[i].usd), r.cost_usd, "{what}");
    assert_eq!(
        sum(|r, i| r.cost_breakdown[i].usd_per_feu),
        r.cost_usd_per_feu,
        "{what}"
    );
    assert_eq!(
        sum(|r, i| r.cost_breakdown[i].usd_per_teu),
        r.cost_usd_per_teu,
        "{what}"
    );
    // The totals per box are the exact total divided by the boxes, each rounded.
    let close =
        |per_box: f64, boxes: f64| (per_box - r.cost_usd / boxes).abs() <= 0.5 + 0.5 / boxes + 1e-9;
    assert!(close(r.cost_usd_per_teu, teu), "{what}");
    assert!(close(r.cost_usd_per_feu, teu / 2.0), "{what}");
    for (line, cat) in r.cost_breakdown.iter().zip(CostCategory::ALL) {
        assert_eq!(line.category, cat);
        assert_eq!(line.usd.fract(), 0.0, "{what}: {line:?}");
        // The line against the legs it comes from (within its rounding).
        let from_legs: f64 = r
            .legs
            .iter()
            .map(|l| {
                (if l.tariff_category == cat {
                    l.tariff_usd
                } else {
                    0.0
                }) + if l.handling_category == cat {
                    l.handling_usd
                } else {
                    0.0
                }
            })
            .sum();
        let origin_kind = net.node(net.node_by_key(&r.legs[0].from).unwrap()).kind;
        let origin = if CostCategory::of_node(origin_kind) == cat {
            r.origin_handling_usd
        } else {
            0.0
        };
        // Whole dollars apportioned: within one dollar of the exact amount.
        assert!(
            (line.usd - from_legs - origin).abs() <= 1.0 + 1e-6,
            "{what}: {cat:?} {} against legs {from_legs} + origin {origin}",
            line.usd
        );
    }
    let legs: f64 = r.legs.iter().map(|l| l.cost_usd).sum::<f64>() + r.origin_handling_usd;
    assert!(
        (legs - r.cost_usd).abs() <= 1.0,
        "{what}: {legs} vs {}",
        r.cost_usd
    );
}

#[test]
fn the_breakdown_sums_exactly_to_the_total_over_many_routes_and_sizes() {
    let net = net();
    let g = Graph::new(&net);
    let mut checked = 0;
    for (i, &from) in net.meta.origins.iter().enumerate() {
        for (j, &to) in net.meta.destinations.iter().enumerate() {
            if from == to {
                continue;
            }
            let teu = [1.0, 2.0, 3.0, 7.5, 40.0, 0.37][(i + j) % 6];
            let s = Shipment {
                from,
                to,
                ready: Instant::parse("2026-03-03", None).unwrap().0,
                teu,
            };
            for r in plan::plan(&g, &s, &Constraints::default(), balanced(), fast()).unwrap() {
                check_breakdown(&net, &r, teu, &format!("{from:?}→{to:?} {teu} TEU"));
                checked += 1;
            }
        }
    }
    assert!(checked > 100, "{checked} routes");
}

#[test]
fn a_middle_corridor_quote_has_ferry_freight_and_gauge_change_and_a_sea_quote_sea_freight() {
    let net = net();
    let g = Graph::new(&net);
    let s = ship(&net, "Xian", "Duisburg", 2.0);
    let rows = plan::compare(&g, &s, &Constraints::default(), balanced(), fast());
    let line = |corr: &str, cat: CostCategory| {
        let r = rows.iter().find(|r| r.corridor == corr).unwrap();
        let r = r.route.as_ref().unwrap();
        r.cost_breakdown
            .iter()
            .find(|l| l.category == cat)
            .unwrap()
            .clone()
    };
    // One Caspian crossing at 1,000 USD/FEU (E-CASPIAN-LEG) for 1 FEU.
    let ferry = line("middle_btk", CostCategory::FerryFreight);
    assert_eq!(ferry.usd_per_feu, 1000.0);
    assert_eq!(ferry.sources, vec!["E-CASPIAN-LEG".to_string()]);
    assert!(line("middle_btk", CostCategory::GaugeChange).usd > 0.0);
    assert_eq!(line("middle_btk", CostCategory::SeaFreight).usd, 0.0);
    assert!(line("sea_cape", CostCategory::SeaFreight).usd_per_feu >= 1750.0);
    assert!(line("sea_cape", CostCategory::PortTerminalHandling).usd > 0.0);
    assert_eq!(line("northern", CostCategory::FerryFreight).usd, 0.0);
}

#[test]
fn the_btk_route_is_told_by_its_borders_gauge_changes_ports_and_hubs() {
    let net = net();
    let g = Graph::new(&net);
    let s = ship(&net, "Xian", "Duisburg", 2.0);
    let rows = plan::compare(&g, &s, &Constraints::default(), balanced(), fast());
    let btk = rows.iter().find(|r| r.corridor == "middle_btk").unwrap();
    let r = btk.route.as_ref().unwrap();
    let ids: Vec<&str> = r.places.iter().map(|p| p.id.as_str()).collect();
    for want in [
        "CN-XIAN",
        "GE-AKHALKALAKI",
        "GE-KARTSAKHI",
        "TR-KARS",
        "TR-ISTANBUL",
        "TR-KAPIKULE",
        "DE-DUISBURG",
    ] {
        assert!(ids.contains(&want), "{want} missing from {ids:?}");
    }
    // Junctions where nothing changes only shape the line.
    assert!(
        !ids.contains(&"GE-MARABDA") && !ids.contains(&"TR-GEBZE"),
        "{ids:?}"
    );
    // In travel order, and the Caspian crossing is marked as water.
    let pos = |k: &str| ids.iter().position(|x| *x == k).unwrap();
    assert!(pos("GE-AKHALKALAKI") < pos("TR-KARS") && pos("TR-KARS") < pos("TR-ISTANBUL"));
    let alat = &r.places[pos("AZ-ALAT")];
    assert!(alat.by_water && alat.name == "Alat", "{alat:?}");
    assert!(!r.places[pos("TR-KARS")].by_water);
}

#[test]
fn short_names_are_the_part_of_the_name_the_id_spells() {
    let net = net();
    let n = |q: &str| short_name(&net, find_node(&net, q).unwrap());
    assert_eq!(n("AZ-ALAT"), "Alat");
    assert_eq!(n("CN-XIAN"), "Xi'an");
    assert_eq!(n("RO-CONSTANTA"), "Constanța");
    assert_eq!(n("KZ-PETROPAVLOVSK"), "Petropavlovsk");
    assert_eq!(n("PL-MALASZEWICZE"), "Małaszewicze");
    assert_eq!(n("KZ-ALTYNKOL"), "Altynkol");
    assert_eq!(n("TR-KARS"), "Kars");
    // No spelling of the id: the name before its bracket.
    assert_eq!(n("IR-INCHEBURUN"), "Incheh Burun");
}

#[test]
fn notes_state_the_assumptions_from_the_data() {
    let net = net();
    let g = Graph::new(&net);
    let s = ship(&net, "Xian", "Duisburg", 1.0);
    let routes = plan::plan(&g, &s, &Constraints::default(), balanced(), fast()).unwrap();
    let refs: Vec<&Route> = routes.iter().collect();
    let basis = Basis {
        teu: 1.0,
        size_given: false,
        tonnes_per_teu: 12.5,
        tonnes_given: true,
    };
    let ns = notes(&net, "Xi'an", "Duisburg", &basis, &refs);
    let text = |id: &str| {
        ns.iter()
            .find(|n| n.id == id)
            .unwrap_or_else(|| panic!("no {id} note in {ns:?}"))
            .text
            .clone()
    };
    assert!(text("default_size").contains("1 TEU (0.5 FEU)"));
    assert!(text("space_on_next_departure").contains("S-"));
    assert!(text("terminal_to_terminal").contains("no trucking at either end"));
    assert!(text("cost_basis").contains("per FEU"));
    assert!(text("cargo_weight").contains("12.5 t of cargo per TEU (--tonnes-per-teu)"));
    // The tariffs are undated; the sources they rest on (S386, 2025; S381, 2017) are.
    let y = text("tariff_year");
    assert!(y.contains("no year") && y.contains("2025"), "{y}");
    assert!(text("border_fees").contains("no border fees"));
    let given = Basis {
        size_given: true,
        tonnes_given: false,
        ..basis
    };
    let ns = notes(&net, "Xi'an", "Duisburg", &given, &refs);
    assert!(ns.iter().all(|n| n.id != "default_size"));
    let w = ns.iter().find(|n| n.id == "cargo_weight").unwrap();
    assert!(w.text.contains("source S226"), "{}", w.text);
}

#[test]
fn the_verdict_names_the_fastest_the_cheapest_and_what_the_constraints_give_up() {
    let net = net();
    let g = Graph::new(&net);
    let s = ship(&net, "Xian", "Duisburg", 2.0);
    let c = Constraints {
        avoid_countries: vec![Country::parse("RU").unwrap()],
        ..Constraints::default()
    };
    let rows = plan::compare(&g, &s, &c, balanced(), fast());
    let v = verdict(&net, &rows, &c);
    let avail: Vec<_> = rows.iter().filter(|r| r.route.is_some()).collect();
    let fastest = avail
        .iter()
        .min_by(|a, b| {
            let (a, b) = (a.route.as_ref().unwrap(), b.route.as_ref().unwrap());
            a.p50_days.total_cmp(&b.p50_days)
        })
        .unwrap();
    let fr = fastest.route.as_ref().unwrap();
    assert!(
        v.starts_with(&format!(
            "Fastest without RU: {}, {:.1} d P50, ",
            fastest.corridor_name, fr.p50_days
        )),
        "{v}"
    );
    let northern = rows.iter().find(|r| r.corridor == "northern").unwrap();
    let alt = northern.without_constraints.as_ref().unwrap();
    assert!(alt.countries.contains(&"RU".to_string()));
    assert!(
        v.contains(&format!(
            "{} would be {:.1} d faster but crosses RU",
            northern.corridor_name,
            fr.p50_days - alt.p50_days
        )),
        "{v}"
    );
    // Without constraints the fastest is the northern route and nothing is given up.
    let rows = plan::compare(&g, &s, &Constraints::default(), balanced(), fast());
    let v = verdict(&net, &rows, &Constraints::default());
    assert!(
        v.starts_with(&format!("Fastest: {}", northern.corridor_name)),
        "{v}"
    );
    assert!(v.contains("; cheapest: ") && !v.contains("would be"), "{v}");
}

#[test]
fn a_city_outside_the_network_gets_its_nearest_places_by_great_circle() {
    let net = net();
    for (q, city) in [
        ("Warsaw", "Warsaw"),
        ("warszawa", "Warsaw"),
        ("Dusseldorf", "Düsseldorf"),
    ] {
        let e = find_node(&net, q).unwrap_err();
        let n = e
            .nearby
            .clone()
            .map(|b| *b)
            .unwrap_or_else(|| panic!("{q}: {e}"));
        assert_eq!(n.city, city);
        assert_eq!(n.places.len(), 3);
        // The three nearest, by brute force over every node.
        let c = corridor_route::names::cities()
            .into_iter()
            .find(|c| c.name == city)
            .unwrap();
        let mut all: Vec<(f64, String)> = net
            .nodes
            .iter()
            .map(|x| {
                (
                    great_circle(c.lat, c.lon, x.lat(), x.lon()).0,
                    x.key.clone(),
                )
            })
            .collect();
        all.sort_by(|a, b| a.0.total_cmp(&b.0));
        let got: Vec<&str> = n.places.iter().map(|p| p.0.as_str()).collect();
        let want: Vec<&str> = all[..3].iter().map(|p| p.1.as_str()).collect();
        assert_eq!(got, want, "{q}");
        assert!(
            e.to_string()
                .contains("is not a place of the network; the nearest places are")
        );
    }
    let e = find_node(&net, "Dusseldorf").unwrap_err();
    assert_eq!(e.nearby.unwrap().places[0].0, "DE-DUISBURG");
    // Not a known city: no nearby list, the usual message.
    let e = find_node(&net, "Atlantis").unwrap_err();
    assert!(e.nearby.is_none());
}

/// The sea row of Shanghai → Rotterdam on a date: its cost per FEU, the sea-freight
/// line's sources and the tariff the leg says priced it.
fn sea_on(net: &Network, date: &str) -> (f64, Vec<String>, Option<String>) {
    let g = Graph::new(net);
    let mut s = ship(net, "Shanghai", "Rotterdam", 2.0);
    s.ready = Instant::parse(date, None).unwrap().0;
    let rows = plan::compare(&g, &s, &Constraints::default(), balanced(), fast());
    let r = rows
        .iter()
        .find(|r| r.corridor == "sea_suez")
        .and_then(|r| r.route.clone())
        .expect("a sea route");
    let sea = r
        .cost_breakdown
        .iter()
        .find(|l| l.category == CostCategory::SeaFreight)
        .expect("a sea-freight line");
    let leg = r.legs.iter().find(|l| l.mode == "deep_sea").unwrap();
    (
        r.cost_usd_per_feu,
        sea.sources.clone(),
        leg.tariff_in_force.clone(),
    )
}

#[test]
fn sea_freight_is_priced_at_the_dated_tariff_of_the_shipments_date() {
    let net = net();
    let handling: f64 = ["CN-SHANGHAI", "NL-ROTTERDAM"]
        .iter()
        .map(|k| {
            let n = net.node(net.node_by_key(k).unwrap());
            n.handling.map_or(0.0, |h| h.value.0)
        })
        .sum();
    // Before the first Drewry reading: the lane's own tariff, the World Bank's pre-crisis
    // band midpoint (D-SEA-RATE, $1,750).
    let (usd, src, dated) = sea_on(&net, "2022-06-01");
    assert_eq!((usd, dated), (1750.0 + handling, None));
    assert_eq!(src, ["D-SEA-RATE"]);
    // The Red Sea crisis peak: the WCI reading of 4 Jul 2024, $8,056 per FEU.
    let (usd, src, dated) = sea_on(&net, "2024-07-10");
    assert_eq!(usd, 8056.0 + handling);
    assert_eq!(src, ["S393"]);
    assert_eq!(
        dated.as_deref(),
        Some("8056 USD/FEU, 2024-07-04 to 2024-09-11")
    );
    // The last day of one reading and the first of the next.
    assert_eq!(sea_on(&net, "2023-10-25").0, 1349.0 + handling);
    assert_eq!(sea_on(&net, "2023-10-26").0, 1004.0 + handling);
    // The latest reading stays in force.
    assert_eq!(sea_on(&net, "2030-01-01").0, 2840.0 + handling);
}

/// The Caspian and Black Sea closures of the embedded `simulation.toml`.
fn embedded_seasons() -> Vec<corridor_route::season::Season> {
    use corridor_model::network::Mode;
    use corridor_route::season::Season;
    let text = include_str!("../../../data/simulation.toml");
    let doc: toml::Table = toml::from_str(text).unwrap();
    doc["weather"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| {
            let share: Vec<f64> = w["closed_share"]
                .as_array()
                .unwrap()
                .iter()
                .map(|x| x.as_float().unwrap())
                .collect();
            Season {
                mode: Mode::parse(w["mode"].as_str().unwrap()).unwrap(),
                closed_share: share.try_into().unwrap(),
                episode_p50_h: w["episode_p50_h"].as_float().unwrap(),
                episode_p90_h: w["episode_p90_h"].as_float().unwrap(),
                from: "simulation.toml".into(),
            }
        })
        .collect()
}

fn middle_p90_and_on_time(g: &Graph, date: &str) -> (f64, f64) {
    let mut s = ship(g.net, "Xian", "Duisburg", 2.0);
    s.ready = Instant::parse(date, None).unwrap().0;
    let sampling = Sampling {
        samples: 4000,
        seed: 7,
    };
    let mut c = Constraints::default();
    // The Middle Corridor via the Black Sea: both seasonal ferries.
    let net = g.net;
    c.corridor = net
        .corridors
        .iter()
        .position(|k| k.key == "middle_black_sea")
        .map(|i| corridor_model::network::CorridorId(i as u16));
    let routes = plan::plan(g, &s, &c, balanced(), sampling).unwrap();
    let r = &routes[0];
    (r.p90_days, r.reliability)
}

#[test]
fn january_on_the_middle_corridor_has_the_wider_spread_of_its_closures() {
    let net = net();
    let plain = Graph::new(&net);
    let seasonal = Graph::new(&net).with_seasons(embedded_seasons());
    let (jan, jan_on_time) = middle_p90_and_on_time(&seasonal, "2026-01-12");
    let (jul, jul_on_time) = middle_p90_and_on_time(&seasonal, "2026-07-13");
    assert!(jan > jul + 2.0, "January P90 {jan} d, July {jul} d");
    assert!(
        jan_on_time < jul_on_time - 0.1,
        "{jan_on_time} vs {jul_on_time}"
    );
    // Without seasons the two months differ only by their timetables.
    let (pj, _) = middle_p90_and_on_time(&plain, "2026-01-12");
    let (pl, _) = middle_p90_and_on_time(&plain, "2026-07-13");
    assert!((pj - pl).abs() < 1.0, "{pj} vs {pl}");
    assert!(jan > pj + 2.0, "the closures widen January: {jan} vs {pj}");
}
