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
