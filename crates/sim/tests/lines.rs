//! A link's line capacity (links.csv `capacity`: trains a day, TEU or Mt a year) is a
//! server in each direction that every unit entering a continuous leg over the line passes
//! (it waits where it joins the line); a leg boarded onto a timetabled service has none (the
//! service's departures and payloads are its capacity). Oracles: over a long overloaded run
//! a line lets its capacity through, whatever the demand; each direction counts its own
//! traffic, which is the demand that takes it.

mod common;
use corridor_model::{DatasetInput, Network, embedded, load};
use corridor_sim::ops::{Report, Resource};
use corridor_sim::ops_input;

/// Days measured, after a 30-day warm-up.
const DAYS: f64 = 400.0;

/// The embedded dataset with the BTK's Georgian line (Marabda–Akhalkalaki, 5 Mt/yr [S74])
/// set to `capacity`, and Akhalkalaki's own 5 Mt/yr raised out of the way.
fn with_btk(capacity: &str) -> Network {
    let texts: Vec<(&str, Vec<u8>)> = embedded::file_names()
        .iter()
        .zip(embedded::TEXTS)
        .map(|(n, t)| {
            let replace = |t: &str, from: &str, to: &str| {
                assert!(t.contains(from), "{n}: `{from}` as in the default dataset");
                t.replace(from, to)
            };
            let t = match *n {
                "links.csv" => replace(t, ",5 Mt/yr,S74,", &format!(",{capacity},S74,")),
                "nodes.csv" => replace(t, ",5 Mt/yr,S182,", ",50 Mt/yr,S182,"),
                _ => t.to_string(),
            };
            (*n, t.into_bytes())
        })
        .collect();
    load(&DatasetInput::texts("btk", &texts)).unwrap_or_else(|e| panic!("{e}"))
}

fn run(net: Network, demand: &str, days: f64) -> Report {
    common::run_on(net, demand, days, 11)
}

fn resource<'r>(r: &'r Report, name: &str) -> Option<&'r Resource> {
    r.resources.iter().find(|x| x.name == name)
}

const HEADER: &str = "from,to,teu_per_year,tonnes_per_year,corridor,src,note\n";
/// Baku→Kars wagonload over the BTK: 1 Mt a year, 13,333 wagons of 75 t.
const WAGONS: &str = "AZ-ALAT,TR-KARS,,1000000,,S76,test\n";

/// Tonnes of wagons through a resource of TEU-equivalents `teu` (1.85 per wagon).
fn wagon_tonnes(teu: f64) -> f64 {
    teu / 1.85 * 75.0
}

#[test]
fn a_lines_tonnage_capacity_lets_its_capacity_through_and_no_more() {
    let demand = format!("{HEADER}{WAGONS}");
    // 5 Mt a year: the 1 Mt passes, a fifth of the line used.
    let free = run(with_btk("5 Mt/yr"), &demand, DAYS);
    let line = resource(&free, "L-MARABDA-AKHALKALAKI:tonnes").expect("the BTK's line");
    assert_eq!(line.kind, "line_tonnes");
    // Resource throughput is of the days measured, per replication: to a year.
    let through = wagon_tonnes(line.throughput_teu.mean) * 365.0 / DAYS;
    assert!(
        (through / 1_000_000.0 - 1.0).abs() < 0.05,
        "{through} t of 1 Mt"
    );
    assert!(
        (0.15..0.25).contains(&line.utilisation.mean),
        "{}",
        line.utilisation.mean
    );
    // 0.4 Mt a year: the line is the bottleneck and lets 0.4 Mt through (within a train
    // load), the rest queues before it.
    let tight = run(with_btk("0.4 Mt/yr"), &demand, DAYS);
    let line = resource(&tight, "L-MARABDA-AKHALKALAKI:tonnes").unwrap();
    let through = wagon_tonnes(line.throughput_teu.mean) * 365.0 / DAYS;
    assert!(
        (through / 400_000.0 - 1.0).abs() < 0.03,
        "{through} t through a line of 0.4 Mt"
    );
    assert!(line.utilisation.mean > 0.97, "{}", line.utilisation.mean);
    assert!(line.mean_queue_teu.mean > 1_000.0, "{line:?}");
    let kars: Vec<_> = tight
        .od
        .iter()
        .filter(|o| o.to.as_deref() == Some("TR-KARS"))
        .collect();
    assert!(!kars.is_empty());
    // Delivered over the days measured, per replication (every route): at most the line's.
    let delivered = kars.iter().map(|o| o.tonnes_delivered.mean).sum::<f64>() * 365.0 / DAYS;
    assert!(delivered <= 400_000.0 * 1.03, "{delivered} t delivered");
    assert!(
        tight.bottlenecks[0].starts_with("L-MARABDA-AKHALKALAKI:tonnes"),
        "{:?}",
        tight.bottlenecks
    );
    // The route names the line among the resources it passes.
    let via = kars[0].via.as_deref().expect("a route's resources");
    assert!(
        via.contains("L-MARABDA-AKHALKALAKI + GE-AKHALKALAKI"),
        "{via}"
    );
}

#[test]
fn each_direction_of_a_line_counts_its_own_traffic_and_only_tonnage_lines_queue() {
    // 1 Mt Baku→Kars and 0.3 Mt back over the BTK's 5 Mt line: each direction its own.
    let demand = format!("{HEADER}{WAGONS}TR-KARS,AZ-ALAT,,300000,,S76,test\n");
    let r = run(with_btk("5 Mt/yr"), &demand, DAYS);
    let year = |x: &Resource| wagon_tonnes(x.throughput_teu.mean) * 365.0 / DAYS;
    let west = resource(&r, "L-MARABDA-AKHALKALAKI:tonnes").expect("towards Kars");
    let east = resource(&r, "L-MARABDA-AKHALKALAKI (reverse):tonnes").expect("towards Baku");
    assert_eq!(
        (west.kind.as_str(), east.kind.as_str()),
        ("line_tonnes", "line_tonnes")
    );
    assert!(
        (year(west) / 1_000_000.0 - 1.0).abs() < 0.05,
        "{}",
        year(west)
    );
    assert!(
        (year(east) / 300_000.0 - 1.0).abs() < 0.08,
        "{}",
        year(east)
    );
    // Utilisation is throughput over the line's capacity, in each direction.
    for x in [west, east] {
        let u = year(x) / 5_000_000.0;
        assert!(
            (x.utilisation.mean - u).abs() < 0.02,
            "{}: {} vs {u}",
            x.name,
            x.utilisation.mean
        );
    }
    // The 2024 run: Kuryk–Alat's 4 Mt/yr and Aktau–Alat's 89,000 TEU/yr are lines of
    // timetabled ferries (the ferries' departures are their capacity), and
    // Petropavlovsk–Moscow's 700,000 TEU/yr [S31] and Alashankou–Dostyk's 12 trains/d [S66]
    // are capacities in units (an operator's and a station's): none has a server.
    let net = embedded::network().unwrap();
    let r = run(net, ops_input::DEFAULT_DEMAND, 60.0);
    for name in [
        "L-KURYK-ALAT:tonnes",
        "L-AKTAU-ALAT",
        "L-PETROPAVLOVSK-MOSCOW",
        "L-ALASHANKOU-DOSTYK",
    ] {
        assert!(resource(&r, name).is_none(), "{name} has a server");
    }
    assert!(resource(&r, "S-KURYK-ALAT-FERRY").is_some());
    assert!(resource(&r, "L-TBILISI-POTI:tonnes").is_some());
}
