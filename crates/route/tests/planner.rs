//! Timetables, constraints, names and the corridor comparison on small fixtures and on the
//! embedded dataset.

use corridor_model::network::{Country, Mode};
use corridor_model::{DatasetInput, Network, embedded, load};
use corridor_route::graph::Graph;
use corridor_route::names::find_node;
use corridor_route::plan::{self, Sampling, Weights};
use corridor_route::search::{Constraints, Shipment, earliest_arrival, pareto};
use corridor_route::time::Instant;

/// Rail A→P (10 h), then a ferry P→B with the given timetable (10 h); no dwell anywhere.
fn ferry_net(schedule: &str) -> Network {
    let texts: Vec<(&str, Vec<u8>)> = vec![
        ("dataset.toml", b"name = \"t\"\nversion = \"1\"\ndescription = \"timetable\"\n[cargo]\ntonnes_per_teu = 10.0\ntonnes_per_teu_src = \"E-1\"\n".to_vec()),
        ("sources.csv", b"id,kind,title,year,url,note\nE-1,estimate,Test,,,Timetable test.\n".to_vec()),
        ("nodes.csv", b"id,name,aliases,country,kind,lat,lon,coord_src,gauges,dwell,dwell_src,handling,handling_src,capacity,capacity_src,note\nA,A,,KZ,inland_terminal,43.0,51.0,E-1,1520,,,,,,,\nP,Port,,KZ,seaport,43.1,51.1,E-1,1520,,,,,,,\nB,B,,AZ,seaport,40.0,49.5,E-1,1520,,,,,,,\n".to_vec()),
        ("links.csv", b"id,from,to,mode,gauge,traction,traction_src,countries,corridors,distance,distance_src,time,time_src,capacity,capacity_src,tariff,tariff_src,note\nR,A,P,rail,1520,,,KZ,,20 km,E-1,fixed(10h),E-1,,,,,\nF,P,B,caspian_ferry,,,,KZ;AZ,,450 km,E-1,fixed(10h),E-1,,,,,\n".to_vec()),
        ("services.csv", format!("id,link,direction,kind,operator,schedule,schedule_src,payload,payload_src,rule,max_hold,max_hold_src,note\nS,F,forward,ferry,,{schedule},E-1,54 wagons,E-1,fixed,,,\n").into_bytes()),
        ("emissions.csv", b"id,mode,traction,service_kind,ttw,ttw_src,wtw,wtw_src,note\nR,rail,,,20 g/tkm,E-1,25 g/tkm,E-1,\nF,caspian_ferry,,,100 g/tkm,E-1,120 g/tkm,E-1,\n".to_vec()),
    ];
    load(&DatasetInput::texts("t", &texts)).unwrap_or_else(|e| panic!("{e}"))
}

fn arrival(net: &Network, ready: Instant) -> Instant {
    let g = Graph::new(net);
    let s = Shipment {
        from: net.node_by_key("A").unwrap(),
        to: net.node_by_key("B").unwrap(),
        ready: ready.0,
        teu: 1.0,
    };
    let r = pareto(&g, &s, &Constraints::default());
    assert_eq!(r.front.len(), 1);
    Instant(r.labels[r.front[0] as usize].time)
}

#[test]
fn arriving_one_minute_after_the_ferry_leaves_waits_for_the_next_one() {
    // Ferry Mondays and Thursdays 08:00. 2026-03-02 is a Monday.
    let net = ferry_net("weekly(Mon 08:00; Thu 08:00)");
    // Ready at A at 22:00 Sunday → at the port 08:00 Monday: just in time.
    assert_eq!(
        arrival(&net, Instant::parse("2026-03-01", Some("22:00")).unwrap()).iso(),
        "2026-03-02T18:00Z"
    );
    // One minute later: at the port 08:01, the ferry has gone; the next is Thursday 08:00.
    assert_eq!(
        arrival(&net, Instant::parse("2026-03-01", Some("22:01")).unwrap()).iso(),
        "2026-03-05T18:00Z"
    );
}

#[test]
fn a_service_that_does_not_run_on_some_days_is_skipped() {
    // Only on Fridays: cargo at the port on Saturday waits six days.
    let net = ferry_net("weekly(Fri 18:00)");
    let got = arrival(&net, Instant::parse("2026-03-07", Some("00:00")).unwrap());
    assert_eq!(got.iso(), "2026-03-14T04:00Z");
}

#[test]
fn headway_timetables_wait_for_the_next_slot() {
    let net = ferry_net("every(12h; 06:00)");
    // At the port at 10:00 Tuesday; slots at 06:00 and 18:00 → leaves 18:00, arrives 04:00.
    assert_eq!(
        arrival(&net, Instant::parse("2026-03-03", Some("00:00")).unwrap()).iso(),
        "2026-03-04T04:00Z"
    );
}

fn net() -> Network {
    embedded::network().unwrap()
}

fn ship(net: &Network, from: &str, to: &str) -> Shipment {
    Shipment {
        from: find_node(net, from).unwrap(),
        to: find_node(net, to).unwrap(),
        ready: Instant::parse("2026-03-03", None).unwrap().0,
        teu: 2.0,
    }
}

fn fast() -> Sampling {
    Sampling {
        samples: 300,
        seed: 1,
    }
}

#[test]
fn avoiding_russia_never_returns_a_leg_in_russia() {
    let net = net();
    let g = Graph::new(&net);
    let c = Constraints {
        avoid_countries: vec![Country::parse("RU").unwrap()],
        ..Constraints::default()
    };
    for (a, b) in [
        ("Xian", "Duisburg"),
        ("Chongqing", "Hamburg"),
        ("Urumqi", "Malaszewicze"),
        ("Yiwu", "Budapest"),
    ] {
        let routes = plan::plan(
            &g,
            &ship(&net, a, b),
            &c,
            Weights::preset("balanced").unwrap(),
            fast(),
        )
        .unwrap();
        assert!(!routes.is_empty());
        for r in &routes {
            assert!(
                !r.countries.iter().any(|c| c == "RU"),
                "{a}→{b}: {:?}",
                r.countries
            );
            for l in &r.legs {
                assert!(
                    !l.countries.iter().any(|c| c == "RU"),
                    "{a}→{b}: leg {} crosses RU",
                    l.link
                );
            }
        }
    }
    // Without the constraint the northern route through Russia is among the Pareto routes.
    let all = plan::plan(
        &g,
        &ship(&net, "Xian", "Duisburg"),
        &Constraints::default(),
        Weights::preset("time").unwrap(),
        fast(),
    )
    .unwrap();
    assert!(all.iter().any(|r| r.countries.iter().any(|c| c == "RU")));
}

#[test]
fn avoided_modes_nodes_and_vias_are_respected() {
    let net = net();
    let g = Graph::new(&net);
    let s = ship(&net, "Xian", "Rotterdam");
    let w = Weights::preset("balanced").unwrap();
    let no_sea = Constraints {
        avoid_modes: vec![Mode::DeepSea],
        ..Constraints::default()
    };
    for r in plan::plan(&g, &s, &no_sea, w, fast()).unwrap() {
        assert!(r.legs.iter().all(|l| l.mode != "deep_sea"));
    }
    let akt = find_node(&net, "Aktau").unwrap();
    let no_aktau = Constraints {
        avoid_nodes: vec![akt],
        ..Constraints::default()
    };
    for r in plan::plan(&g, &s, &no_aktau, w, fast()).unwrap() {
        assert!(r.legs.iter().all(|l| l.to != "KZ-AKTAU"));
    }
    let via = Constraints {
        via: vec![
            find_node(&net, "Poti").unwrap(),
            find_node(&net, "Constanta").unwrap(),
        ],
        ..Constraints::default()
    };
    let routes = plan::plan(&g, &s, &via, w, fast()).unwrap();
    for r in &routes {
        let stops = places(r);
        assert_simple(&stops, "NL-ROTTERDAM");
        // Poti first, Constanța after it.
        let p = stops.iter().position(|x| *x == "GE-POTI").unwrap();
        assert!(stops[p..].contains(&"RO-CONSTANTA"), "{stops:?}");
    }
}

/// The places of a route in order, origin first.
fn places(r: &plan::Route) -> Vec<&str> {
    let mut v = vec![r.legs[0].from.as_str()];
    v.extend(r.legs.iter().map(|l| l.to.as_str()));
    v
}

/// No place twice (so the destination only at the end, where it must be).
fn assert_simple(stops: &[&str], to: &str) {
    assert_eq!(stops.last(), Some(&to), "{stops:?}");
    for (i, x) in stops.iter().enumerate() {
        assert!(!stops[..i].contains(x), "{x} twice: {stops:?}");
    }
}

#[test]
fn a_via_route_never_visits_a_place_twice() {
    // The user's case: `corridor route --from Xian --to Budapest --date 2026-03-03
    // --avoid-country RU --via Poti` listed Xi'an → … → Constanța → Batumi → Poti →
    // Constanța → Budapest and Poti → Batumi (through Tbilisi twice).
    let net = net();
    let g = Graph::new(&net);
    let s = ship(&net, "Xian", "Budapest");
    let c = Constraints {
        avoid_countries: vec![Country::parse("RU").unwrap()],
        via: vec![find_node(&net, "Poti").unwrap()],
        ..Constraints::default()
    };
    for w in ["balanced", "time", "cost", "co2"] {
        let w = Weights::preset(w).unwrap();
        let routes = plan::plan(&g, &s, &c, w, fast()).unwrap();
        assert!(!routes.is_empty());
        for r in &routes {
            let stops = places(r);
            assert_simple(&stops, "HU-BUDAPEST");
            assert!(stops.contains(&"GE-POTI"), "{stops:?}");
            assert!(!r.countries.iter().any(|c| c == "RU"), "{:?}", r.countries);
        }
        let rows = plan::compare(&g, &s, &c, w, fast());
        assert!(rows.iter().any(|row| row.available));
        for row in &rows {
            if let Some(r) = &row.route {
                let stops = places(r);
                assert_simple(&stops, "HU-BUDAPEST");
                assert!(stops.contains(&"GE-POTI"), "{}: {stops:?}", row.corridor);
            }
        }
    }
}

#[test]
fn an_avoided_service_is_never_boarded() {
    // Shu → Alat: the best routes take the Kuryk–Alat rail ferry; avoiding that service
    // leaves the Aktau–Alat sailings.
    let net = net();
    let g = Graph::new(&net);
    let s = ship(&net, "Shu", "Alat");
    let w = Weights::preset("time").unwrap();
    let uses = |routes: &[plan::Route], id: &str| {
        routes
            .iter()
            .any(|r| r.legs.iter().any(|l| l.service.as_deref() == Some(id)))
    };
    let all = plan::plan(&g, &s, &Constraints::default(), w, fast()).unwrap();
    assert!(uses(&all, "S-KURYK-ALAT-FERRY"));
    let kuryk = net
        .services
        .iter()
        .position(|x| x.key == "S-KURYK-ALAT-FERRY")
        .unwrap();
    let avoid = Constraints {
        avoid_services: vec![corridor_model::network::ServiceId(kuryk as u32)],
        ..Constraints::default()
    };
    let routes = plan::plan(&g, &s, &avoid, w, fast()).unwrap();
    assert!(!routes.is_empty());
    assert!(!uses(&routes, "S-KURYK-ALAT-FERRY"));
    assert!(uses(&routes, "S-AKTAU-ALAT-FERRY") || uses(&routes, "S-AKTAU-ALAT-FEEDER"));
}

#[test]
fn an_impossible_request_names_the_missing_connection() {
    let net = net();
    let g = Graph::new(&net);
    let s = ship(&net, "Xian", "Baku");
    // Avoiding Kazakhstan alone still reaches Baku (by sea to Piraeus, rail to Constanța,
    // the Black Sea ferry to Poti), and so does avoiding Georgia as well (through Iran and
    // Turkmenistan to the Turkmenbashi ferry); avoiding Turkmenistan too leaves no way in.
    let cs = |v: &[&str]| Constraints {
        avoid_countries: v.iter().map(|c| Country::parse(c).unwrap()).collect(),
        ..Constraints::default()
    };
    assert!(
        plan::plan(
            &g,
            &s,
            &cs(&["KZ"]),
            Weights::preset("time").unwrap(),
            fast()
        )
        .is_ok()
    );
    assert!(
        plan::plan(
            &g,
            &s,
            &cs(&["KZ", "GE"]),
            Weights::preset("time").unwrap(),
            fast()
        )
        .is_ok()
    );
    let c = cs(&["KZ", "GE", "TM"]);
    let err = plan::plan(&g, &s, &c, Weights::preset("time").unwrap(), fast()).unwrap_err();
    assert!(err.contains("crosses KZ"), "{err}");
    assert!(
        err.contains("crosses GE") && err.contains("crosses TM"),
        "{err}"
    );
    assert!(
        err.contains("L-KHORGOS-ALTYNKOL") || err.contains("L-ALASHANKOU-DOSTYK"),
        "{err}"
    );
    let tehran = ship(&net, "Xian", "Tehran");
    let c = Constraints {
        avoid_countries: vec![Country::parse("IR").unwrap()],
        ..Constraints::default()
    };
    let err = plan::plan(&g, &tehran, &c, Weights::preset("time").unwrap(), fast()).unwrap_err();
    assert!(
        err.contains("destination IR-TEHRAN is in an avoided country"),
        "{err}"
    );
    let quick = Constraints {
        max_hours: Some(5.0 * 24.0),
        ..Constraints::default()
    };
    let err = plan::plan(
        &g,
        &ship(&net, "Xian", "Duisburg"),
        &quick,
        Weights::preset("time").unwrap(),
        fast(),
    )
    .unwrap_err();
    assert!(err.contains("not within --max-days 5"), "{err}");
}

#[test]
fn names_accept_ids_names_aliases_and_suggest_for_typos() {
    let net = net();
    let x = net.node_by_key("CN-XIAN").unwrap();
    for q in [
        "Xian", "Xi'an", "XIAN", "xi an", "CN-XIAN", "cn-xian", "Chang'an",
    ] {
        assert_eq!(find_node(&net, q).unwrap(), x, "{q}");
    }
    assert_eq!(
        find_node(&net, "Malaszewicze").unwrap(),
        net.node_by_key("PL-MALASZEWICZE").unwrap()
    );
    assert_eq!(
        find_node(&net, "Constanța").unwrap(),
        net.node_by_key("RO-CONSTANTA").unwrap()
    );
    assert_eq!(
        find_node(&net, "Baku").unwrap(),
        net.node_by_key("AZ-ALAT").unwrap()
    );
    let e = find_node(&net, "Duisberg").unwrap_err();
    assert!(
        e.to_string()
            .contains("did you mean `Duisburg (duisport)` (DE-DUISBURG)"),
        "{e}"
    );
    assert!(
        find_node(&net, "Atlantis")
            .unwrap_err()
            .candidates
            .is_empty()
    );
}

#[test]
fn compare_has_a_row_per_corridor_and_says_what_removed_one() {
    let net = net();
    let g = Graph::new(&net);
    let s = ship(&net, "Xian", "Duisburg");
    let c = Constraints {
        avoid_countries: vec![Country::parse("RU").unwrap(), Country::parse("IR").unwrap()],
        ..Constraints::default()
    };
    let rows = plan::compare(&g, &s, &c, Weights::preset("balanced").unwrap(), fast());
    assert_eq!(rows.len(), net.corridors.len());
    let row = |k: &str| rows.iter().find(|r| r.corridor == k).unwrap();
    assert!(
        row("middle_btk").available
            && row("middle_black_sea").available
            && row("sea_suez").available
    );
    assert!(!row("northern").available);
    assert_eq!(
        row("northern").removed_by,
        vec!["--avoid-country RU".to_string()]
    );
    assert_eq!(
        row("southern").removed_by,
        vec!["--avoid-country IR".to_string()]
    );
    // Every available row's route stays on its corridor.
    for r in rows.iter().filter(|r| r.available) {
        assert!(
            r.route.as_ref().unwrap().corridors.contains(&r.corridor),
            "{}",
            r.corridor
        );
    }
}

#[test]
fn compare_works_between_many_places() {
    let net = net();
    let g = Graph::new(&net);
    let w = Weights::preset("balanced").unwrap();
    for (a, b, must) in [
        ("Xian", "Baku", "middle_btk"),
        ("Chongqing", "Duisburg", "northern"),
        ("Yiwu", "Tehran", "southern"),
        ("Shanghai", "Rotterdam", "sea_suez"),
    ] {
        let rows = plan::compare(&g, &ship(&net, a, b), &Constraints::default(), w, fast());
        assert!(
            rows.iter().any(|r| r.corridor == must && r.available),
            "{a}→{b} has no {must} route"
        );
    }
    // Shanghai→Rotterdam: sea is the natural mode and the fastest.
    let rows = plan::compare(
        &g,
        &ship(&net, "Shanghai", "Rotterdam"),
        &Constraints::default(),
        w,
        fast(),
    );
    let sea = rows
        .iter()
        .find(|r| r.corridor == "sea_suez")
        .unwrap()
        .route
        .as_ref()
        .unwrap();
    assert!(sea.legs.iter().any(|l| l.mode == "deep_sea"));
}

#[test]
fn results_are_within_published_ranges() {
    // Door-to-door days, China → Europe (corridor-facts §3b): northern rail 12–18 d typical
    // (up to 24 d), sea via Suez 35–45 d door to door (up to 50 d), via the Cape 40–55 d,
    // Middle Corridor 13–37 d (typical quotes 18–25 d; 31–37 d TITR guidance 2025).
    let net = net();
    let g = Graph::new(&net);
    let rows = plan::compare(
        &g,
        &ship(&net, "Xian", "Duisburg"),
        &Constraints::default(),
        Weights::preset("time").unwrap(),
        Sampling::default(),
    );
    let p50 = |k: &str| {
        rows.iter()
            .find(|r| r.corridor == k)
            .unwrap()
            .route
            .as_ref()
            .unwrap()
            .p50_days
    };
    assert!(
        (12.0..=24.0).contains(&p50("northern")),
        "{}",
        p50("northern")
    );
    assert!(
        (35.0..=50.0).contains(&p50("sea_suez")),
        "{}",
        p50("sea_suez")
    );
    assert!(
        (40.0..=60.0).contains(&p50("sea_cape")),
        "{}",
        p50("sea_cape")
    );
    for k in ["middle_btk", "middle_black_sea"] {
        assert!((13.0..=37.0).contains(&p50(k)), "{k} {}", p50(k));
    }
    // The Middle Corridor is slower than the northern route and faster than the sea.
    assert!(p50("northern") < p50("middle_black_sea") && p50("middle_black_sea") < p50("sea_suez"));
}

#[test]
fn quantiles_are_ordered_and_deterministic() {
    let net = net();
    let g = Graph::new(&net);
    let s = ship(&net, "Xian", "Duisburg");
    let a = plan::plan(
        &g,
        &s,
        &Constraints::default(),
        Weights::preset("time").unwrap(),
        Sampling::default(),
    )
    .unwrap();
    let b = plan::plan(
        &g,
        &s,
        &Constraints::default(),
        Weights::preset("time").unwrap(),
        Sampling::default(),
    )
    .unwrap();
    for (x, y) in a.iter().zip(&b) {
        assert!(x.p50_days <= x.p90_days && x.p90_days <= x.p95_days);
        assert_eq!(
            (x.p50_days, x.p90_days, x.cost_usd),
            (y.p50_days, y.p90_days, y.cost_usd)
        );
    }
}

#[test]
fn earliest_arrival_agrees_with_the_fastest_pareto_route() {
    let net = net();
    let g = Graph::new(&net);
    for (a, b) in [
        ("Xian", "Duisburg"),
        ("Urumqi", "Piraeus"),
        ("Shanghai", "Hamburg"),
    ] {
        let s = ship(&net, a, b);
        let ea = earliest_arrival(&g, s.from, s.ready, &Constraints::default())[s.to.idx()];
        let r = pareto(&g, &s, &Constraints::default());
        let fastest = r
            .front
            .iter()
            .map(|&i| r.labels[i as usize].time)
            .fold(f64::INFINITY, f64::min);
        assert!((ea - fastest).abs() < 1e-9, "{a}→{b}: {ea} vs {fastest}");
    }
}

#[test]
fn emissions_follow_iso_14083_tonne_km_times_intensity() {
    let net = net();
    let g = Graph::new(&net);
    let s = ship(&net, "Shanghai", "Rotterdam");
    let only_sea = Constraints {
        corridor: net.corridor_by_key("sea_suez"),
        ..Constraints::default()
    };
    let routes = plan::plan(&g, &s, &only_sea, Weights::preset("time").unwrap(), fast()).unwrap();
    let r = routes
        .iter()
        .find(|r| r.legs.iter().any(|l| l.link == "L-SHA-RTM-SUEZ"))
        .expect("the direct sailing is Pareto-optimal");
    let leg = r.legs.iter().find(|l| l.link == "L-SHA-RTM-SUEZ").unwrap();
    // 10,600 nm × 1.852 km/nm × 20 t × 14.85 g/tkm (well-to-wheel) = 5,830 kg.
    let expect = 10_600.0 * 1.852 * 20.0 * 14.85 / 1000.0;
    assert!(
        (leg.co2e_wtw_kg - expect).abs() < 1.0,
        "{} vs {expect}",
        leg.co2e_wtw_kg
    );
    assert!((leg.co2e_ttw_kg - 10_600.0 * 1.852 * 20.0 * 12.66 / 1000.0).abs() < 1.0);
    assert_eq!(leg.emission_factor.as_deref(), Some("EF-DEEP-SEA"));
    assert!((r.co2e_wtw_kg_per_teu * 2.0 - r.co2e_wtw_kg).abs() < 0.2);
    // Electric rail has no tank-to-wheel emissions.
    let rail = plan::plan(
        &g,
        &ship(&net, "Xian", "Urumqi"),
        &Constraints::default(),
        Weights::preset("time").unwrap(),
        fast(),
    )
    .unwrap();
    assert_eq!(rail[0].co2e_ttw_kg, 0.0);
    assert!(rail[0].co2e_wtw_kg > 0.0);
}

#[test]
fn balanced_ranks_by_generalised_cost_so_the_suez_row_is_the_direct_liner() {
    // Shanghai → Rotterdam: the direct liner (40 d, $2,100/FEU) against Piraeus + 3,000 km
    // of rail (41 d, $3,955/FEU, 292 kg less CO2e). Scaled equal weights put the rail
    // detour first; a forwarder pays for time and money, and the generalised cost does.
    let net = net();
    let g = Graph::new(&net);
    let s = ship(&net, "Shanghai", "Rotterdam");
    let w = Weights::preset("balanced").unwrap();
    let gc = w.generalised.expect("balanced is a generalised cost");
    assert_eq!(gc, corridor_route::plan::Generalised::DEFAULT);
    let rows = plan::compare(&g, &s, &Constraints::default(), w, fast());
    let suez = rows.iter().find(|r| r.corridor == "sea_suez").unwrap();
    let r = suez.route.as_ref().unwrap();
    assert_eq!(
        r.legs.len(),
        1,
        "{:?}",
        r.legs.iter().map(|l| &l.to).collect::<Vec<_>>()
    );
    assert_eq!(r.legs[0].to, "NL-ROTTERDAM");
    // And the ranking is the generalised cost's order over every Pareto route.
    let routes = plan::plan(&g, &s, &Constraints::default(), w, fast()).unwrap();
    let generalised = |r: &plan::Route| gc.usd(r.cost_usd, r.planned_days, r.co2e_wtw_kg, s.teu);
    for pair in routes.windows(2) {
        assert!(
            generalised(&pair[0]) <= generalised(&pair[1]) + 1e-9,
            "{} > {}",
            generalised(&pair[0]),
            generalised(&pair[1])
        );
    }
    // A carbon price of 5,000 USD/t makes the lower-CO2e detour worth its price.
    let green = Weights {
        generalised: Some(corridor_route::plan::Generalised {
            usd_per_teu_day: 60.0,
            usd_per_t_co2e: 5000.0,
        }),
        ..w
    };
    let rows = plan::compare(&g, &s, &Constraints::default(), green, fast());
    let suez = rows.iter().find(|r| r.corridor == "sea_suez").unwrap();
    assert!(suez.route.as_ref().unwrap().legs.len() > 1);
}

/// Every Chinese seaport reaches every European seaport by sea alone (no rail, no road),
/// both through Suez and, with Bab-el-Mandeb and Suez avoided, round the Cape.
#[test]
fn every_chinese_seaport_reaches_every_european_port_by_sea() {
    use corridor_model::network::{Mode, NodeKind};
    let net = net();
    let g = Graph::new(&net);
    let europe = ["NL", "DE", "GR", "RO", "TR", "GE"];
    let ports = |pick: &dyn Fn(&str) -> bool| -> Vec<String> {
        net.nodes
            .iter()
            .filter(|n| n.kind == NodeKind::Seaport && pick(n.country.as_str()))
            .map(|n| n.key.clone())
            .collect()
    };
    let chinese = ports(&|c| c == "CN");
    // Every European seaport except the lake-ferry ports of Lake Van and Batumi, a Black
    // Sea feeder port without deep-sea calls.
    let european: Vec<String> = ports(&|c| europe.contains(&c))
        .into_iter()
        .filter(|k| !["TR-VAN", "TR-TATVAN", "GE-BATUMI"].contains(&k.as_str()))
        .collect();
    assert_eq!(chinese, ["CN-LIANYUNGANG", "CN-SHANGHAI"]);
    assert_eq!(
        european,
        [
            "GE-POTI",
            "RO-CONSTANTA",
            "DE-HAMBURG",
            "NL-ROTTERDAM",
            "GR-PIRAEUS",
            "TR-AMBARLI"
        ]
    );
    let by_sea = Constraints {
        avoid_modes: vec![Mode::Rail, Mode::Road],
        ..Constraints::default()
    };
    let red_sea_closed = Constraints {
        avoid_passages: ["suez", "bab-el-mandeb"]
            .iter()
            .map(|p| net.passage_by_key(p).unwrap())
            .collect(),
        ..by_sea.clone()
    };
    let mut pairs = 0;
    for from in &chinese {
        for to in &european {
            for (c, via) in [(&by_sea, "suez"), (&red_sea_closed, "cape-of-good-hope")] {
                let s = ship(&net, from, to);
                let routes = plan::plan(&g, &s, c, Weights::preset("balanced").unwrap(), fast())
                    .unwrap_or_else(|e| panic!("{from} → {to} avoiding {c:?}: {e}"));
                let best = &routes[0];
                assert!(
                    best.legs.iter().all(|l| l.mode == "deep_sea"),
                    "{from} → {to}: {:?}",
                    best.legs.iter().map(|l| &l.mode).collect::<Vec<_>>()
                );
                assert!(
                    routes.iter().all(|r| r.passages.iter().any(|p| p == via)),
                    "{from} → {to} should pass {via}"
                );
                pairs += 1;
            }
        }
    }
    assert_eq!(pairs, 2 * 6 * 2);
}
