//! Tests of the embedded default dataset and of the loader on arbitrary input.

use corridor_model::network::{CorridorId, NodeId, SourceKind};
use corridor_model::{DatasetInput, Network, embedded, export, load};
use proptest::prelude::*;
use std::collections::VecDeque;

fn net() -> Network {
    embedded::network().unwrap_or_else(|e| panic!("embedded dataset invalid:\n{e}"))
}

#[test]
fn embedded_dataset_is_valid() {
    let n = net();
    assert!(
        n.nodes.len() >= 40 && n.links.len() >= 60 && n.services.len() >= 15,
        "{} {} {}",
        n.nodes.len(),
        n.links.len(),
        n.services.len()
    );
}

#[test]
fn every_number_in_data_has_a_source_column_that_is_filled() {
    // Independent of the loader: scan the raw CSV text. A value column `x` is sourced by
    // `x_src` (coordinates by `coord_src`); a filled value needs a filled source.
    for (name, text) in embedded::file_names().iter().zip(embedded::TEXTS) {
        if !name.ends_with(".csv") || *name == "sources.csv" {
            continue;
        }
        let mut rdr = csv::ReaderBuilder::new()
            .comment(Some(b'#'))
            .from_reader(text.as_bytes());
        let headers: Vec<String> = rdr.headers().unwrap().iter().map(String::from).collect();
        let col = |h: &str| headers.iter().position(|x| x == h);
        let mut pairs: Vec<(usize, usize)> = headers
            .iter()
            .enumerate()
            .filter_map(|(i, h)| col(&format!("{h}_src")).map(|s| (i, s)))
            .collect();
        if let (Some(lat), Some(lon), Some(src)) = (col("lat"), col("lon"), col("coord_src")) {
            pairs.push((lat, src));
            pairs.push((lon, src));
        }
        assert!(!pairs.is_empty(), "{name} has no sourced columns");
        for (row, rec) in rdr.records().enumerate() {
            let rec = rec.unwrap();
            for &(v, s) in &pairs {
                if !rec[v].trim().is_empty() {
                    assert!(
                        !rec[s].trim().is_empty(),
                        "{name} row {}: `{}` = {:?} has no source",
                        row + 1,
                        headers[v],
                        &rec[v]
                    );
                }
            }
            // Numbers outside sourced columns would escape the rule: only ids, names, notes
            // and the enumerations may hold text without a source column.
            for (i, h) in headers.iter().enumerate() {
                let sourced = pairs.iter().any(|p| p.0 == i || p.1 == i);
                let free = [
                    "id",
                    "name",
                    "aliases",
                    "country",
                    "kind",
                    "note",
                    "from",
                    "to",
                    "mode",
                    "gauge",
                    "gauges",
                    "countries",
                    "corridors",
                    "link",
                    "direction",
                    "operator",
                    "rule",
                    "traction",
                    "service_kind",
                    "valid_from",
                    "valid_to",
                ];
                assert!(
                    sourced || free.contains(&h.as_str()),
                    "{name}: column `{h}` holds figures without a source column"
                );
            }
        }
    }
}

#[test]
fn every_cited_source_resolves_and_estimates_say_why() {
    let n = net();
    let counts = n.source_use_counts();
    assert!(counts.iter().sum::<u32>() > 300);
    for (s, c) in n.sources.iter().zip(&counts) {
        if s.key.starts_with("E-") {
            assert_eq!(s.kind, SourceKind::Estimate, "{}", s.key);
        }
        if s.key.starts_with("D-") {
            assert_eq!(s.kind, SourceKind::Derived, "{}", s.key);
        }
        if matches!(s.kind, SourceKind::Estimate | SourceKind::Derived) {
            assert!(s.note.len() > 20, "{} must explain itself", s.key);
            // The simulation's parameter files (and the example 2030 demand) cite sources of
            // the same table.
            let sim = include_str!("../../../data/simulation.toml");
            let demand = include_str!("../../../data/demand.csv");
            let demand_2030 = include_str!("../../../data/demand-2030.csv");
            let cited_by_sim = |t: &str| {
                t.split(|ch: char| !(ch.is_ascii_alphanumeric() || ch == '-'))
                    .any(|w| w == s.key)
            };
            assert!(
                *c > 0 || cited_by_sim(sim) || cited_by_sim(demand) || cited_by_sim(demand_2030),
                "estimate {} is defined but never used",
                s.key
            );
        }
        if s.kind == SourceKind::Published && *c > 0 {
            assert!(!s.title.is_empty(), "{}", s.key);
        }
    }
}

#[test]
fn required_places_are_present() {
    let n = net();
    for key in [
        "CN-XIAN",
        "CN-CHONGQING",
        "CN-CHENGDU",
        "CN-YIWU",
        "CN-URUMQI",
        "CN-SHANGHAI",
        "CN-LIANYUNGANG",
        "CN-KHORGOS",
        "KZ-ALTYNKOL",
        "KZ-DOSTYK",
        "CN-ALASHANKOU",
        "KZ-AKTAU",
        "KZ-KURYK",
        "TM-TURKMENBASHI",
        "AZ-ALAT",
        "GE-TBILISI",
        "GE-POTI",
        "GE-BATUMI",
        "GE-AKHALKALAKI",
        "TR-KARS",
        "TR-ISTANBUL",
        "RO-CONSTANTA",
        "DE-DUISBURG",
        "PL-MALASZEWICZE",
        "HU-BUDAPEST",
        "NL-ROTTERDAM",
        "DE-HAMBURG",
        "GR-PIRAEUS",
        "IR-TEHRAN",
        "RU-MOSCOW",
        "BY-BREST",
    ] {
        assert!(n.node_by_key(key).is_some(), "missing {key}");
    }
}

/// Nodes reachable from `from` over links of corridor `c`.
fn reach(n: &Network, from: NodeId, c: CorridorId) -> Vec<bool> {
    let mut seen = vec![false; n.nodes.len()];
    let mut q = VecDeque::from([from]);
    seen[from.idx()] = true;
    while let Some(x) = q.pop_front() {
        for a in n.arcs(x) {
            if n.link(a.link).corridors.contains(c) && !seen[a.head.idx()] {
                seen[a.head.idx()] = true;
                q.push_back(a.head);
            }
        }
    }
    seen
}

#[test]
fn every_origin_reaches_every_destination_by_every_corridor_that_physically_can() {
    let n = net();
    let id = |k: &str| n.node_by_key(k).unwrap();
    let inland = [
        "CN-XIAN",
        "CN-CHONGQING",
        "CN-CHENGDU",
        "CN-ZHENGZHOU",
        "CN-YIWU",
        "CN-URUMQI",
        "CN-LIANYUNGANG",
    ];
    let europe = [
        "DE-DUISBURG",
        "HU-BUDAPEST",
        "NL-ROTTERDAM",
        "DE-HAMBURG",
        "GR-PIRAEUS",
    ];
    let cases: &[(&str, &[&str], &[&str])] = &[
        (
            "middle_btk",
            &inland,
            &[&europe[..], &["AZ-ALAT", "TR-ISTANBUL"]].concat(),
        ),
        (
            "middle_black_sea",
            &inland,
            &[&europe[..], &["AZ-ALAT", "RO-CONSTANTA"]].concat(),
        ),
        (
            "northern",
            &inland,
            &[&europe[..], &["PL-MALASZEWICZE"]].concat(),
        ),
        (
            "southern",
            &inland,
            &[&europe[..], &["IR-TEHRAN", "TR-ISTANBUL"]].concat(),
        ),
        (
            "sea_suez",
            &[&inland[..], &["CN-SHANGHAI"]].concat(),
            &[&europe[..], &["PL-MALASZEWICZE"]].concat(),
        ),
        (
            "sea_cape",
            &[&inland[..], &["CN-SHANGHAI"]].concat(),
            &[
                "NL-ROTTERDAM",
                "DE-HAMBURG",
                "DE-DUISBURG",
                "PL-MALASZEWICZE",
            ],
        ),
    ];
    for (corridor, origins, dests) in cases {
        let c = n.corridor_by_key(corridor).unwrap();
        for o in *origins {
            let r = reach(&n, id(o), c);
            for d in *dests {
                assert!(
                    r[id(d).idx()],
                    "{o} cannot reach {d} on corridor {corridor}"
                );
            }
        }
    }
}

#[test]
fn sea_legs_via_suez_list_egypt_and_avoid_it_via_the_cape() {
    let n = net();
    for id in n.link_ids() {
        let l = n.link(id);
        let keys: Vec<&str> = l
            .corridors
            .iter()
            .map(|c| n.corridors[c.0 as usize].key.as_str())
            .collect();
        let eg = n.countries(id).iter().any(|c| c.as_str() == "EG");
        if keys == ["sea_suez"] {
            assert!(eg, "{}", l.key);
        }
        if keys == ["sea_cape"] {
            assert!(!eg, "{}", l.key);
        }
    }
}

#[test]
fn sea_links_are_drawn_along_their_lanes() {
    let n = net();
    for id in n.link_ids() {
        if n.link(id).mode == corridor_model::network::Mode::DeepSea {
            let g = n.geometry(id, false);
            assert!(g.len() > 5, "{} has no waypoints", n.link(id).key);
            let r = n.geometry(id, true);
            assert_eq!(g.first(), r.last());
        }
    }
    // Via the Cape the line goes south of 30°S; via Suez it passes the canal.
    let cape = n.link_by_key("L-SHA-RTM-CAPE").unwrap();
    assert!(n.geometry(cape, false).iter().any(|p| p.0 < -30.0));
    let suez = n.link_by_key("L-SHA-RTM-SUEZ").unwrap();
    assert!(
        n.geometry(suez, false)
            .iter()
            .any(|p| (p.0 - 30.0).abs() < 1.5 && (p.1 - 32.5).abs() < 1.0)
    );
}

#[test]
fn export_to_text_loads_back_into_the_same_network() {
    let a = net();
    let texts: Vec<(&str, Vec<u8>)> = export::to_dataset_texts(&a)
        .into_iter()
        .map(|(n, t)| (n, t.into_bytes()))
        .collect();
    let b = load(&DatasetInput::texts("export", &texts)).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(a, b);
    // And the export is a fixed point.
    let again: Vec<(&str, String)> = export::to_dataset_texts(&b);
    assert_eq!(
        again.iter().map(|x| &x.1).collect::<Vec<_>>(),
        texts
            .iter()
            .map(|x| std::str::from_utf8(&x.1).unwrap())
            .collect::<Vec<_>>()
            .iter()
            .collect::<Vec<_>>()
    );
}

#[test]
fn json_export_lists_every_node_link_and_service_by_key() {
    let n = net();
    let v = export::to_json(&n);
    assert_eq!(v["schema"], "corridor.network");
    assert_eq!(v["nodes"].as_array().unwrap().len(), n.nodes.len());
    assert_eq!(v["links"].as_array().unwrap().len(), n.links.len());
    assert_eq!(v["services"].as_array().unwrap().len(), n.services.len());
    let aktau = v["links"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["id"] == "L-AKTAU-ALAT")
        .unwrap();
    assert_eq!(aktau["mode"], "caspian_ferry");
    assert_eq!(aktau["countries"], serde_json::json!(["KZ", "AZ"]));
    assert_eq!(aktau["distance_sources"], serde_json::json!(["S114"]));
}

#[test]
fn geojson_export_is_valid_geojson_with_every_node_and_link() {
    let n = net();
    let text = serde_json::to_string(&export::to_geojson(&n)).unwrap();
    let gj: geojson::GeoJson = text.parse().expect("valid GeoJSON");
    let geojson::GeoJson::FeatureCollection(fc) = gj else {
        panic!("not a FeatureCollection")
    };
    assert_eq!(fc.features.len(), n.nodes.len() + n.links.len());
    let points = fc
        .features
        .iter()
        .filter(|f| {
            matches!(
                f.geometry.as_ref().map(|g| &g.value),
                Some(geojson::GeometryValue::Point { .. })
            )
        })
        .count();
    let lines = fc
        .features
        .iter()
        .filter(|f| {
            matches!(
                f.geometry.as_ref().map(|g| &g.value),
                Some(geojson::GeometryValue::LineString { .. })
            )
        })
        .count();
    assert_eq!((points, lines), (n.nodes.len(), n.links.len()));
    for f in &fc.features {
        let p = f.properties.as_ref().unwrap();
        assert!(p.contains_key("id"));
        if p["feature"] == "link" {
            assert!(p.contains_key("mode") && p.contains_key("corridors"));
            if let Some(geojson::GeometryValue::LineString { coordinates: c }) =
                f.geometry.as_ref().map(|g| &g.value)
            {
                for pt in c {
                    assert!(pt[0].abs() <= 180.0 && pt[1].abs() <= 90.0);
                }
            }
        }
    }
}

fn embedded_with(file: usize, bytes: Vec<u8>) -> DatasetInput {
    let texts: Vec<(&str, Vec<u8>)> = corridor_model::load::FILES
        .iter()
        .zip(embedded::TEXTS)
        .enumerate()
        .map(|(i, (n, t))| {
            (
                *n,
                if i == file {
                    bytes.clone()
                } else {
                    t.as_bytes().to_vec()
                },
            )
        })
        .collect();
    DatasetInput::texts("prop", &texts)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// No byte string, in any of the six files, makes the loader panic.
    #[test]
    fn random_bytes_never_panic(file in 0usize..corridor_model::load::FILES.len(), bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let _ = load(&embedded_with(file, bytes));
    }

    /// Nor does a real file with random bytes spliced in (reaches deeper into the parsers).
    #[test]
    fn spliced_bytes_never_panic(file in 0usize..corridor_model::load::FILES.len(), at in 0.0f64..1.0, cut in 0usize..64, bytes in proptest::collection::vec(any::<u8>(), 0..64)) {
        let orig = embedded::TEXTS[file].as_bytes();
        let pos = ((orig.len() as f64) * at) as usize;
        let end = (pos + cut).min(orig.len());
        let mut b = orig[..pos].to_vec();
        b.extend_from_slice(&bytes);
        b.extend_from_slice(&orig[end..]);
        let _ = load(&embedded_with(file, b));
    }

    /// Random printable text in any expression field gives an error or a value, never a panic.
    #[test]
    fn expressions_never_panic(s in "[ -~]{0,40}") {
        let _ = corridor_model::dist::Distribution::parse(&s);
        let _ = corridor_model::dist::TimeSpec::parse(&s);
        let _ = corridor_model::fields::schedule(&s);
    }
}
