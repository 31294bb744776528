//! A node with a capacity in units (TEU) and one in tonnes has a server for each: the TEU
//! one limits containers only (wagonload passes it), the tonnage one all cargo (containers
//! at `tonnes_per_teu`, wagons at `tonnes_per_wagon`). Oracle: over a long overloaded run,
//! what a server lets through is its capacity, whatever the other would allow; the one
//! not loaded to capacity passes its demand.

mod common;
use corridor_model::{DatasetInput, Network, embedded, load};
use corridor_sim::ops::{Report, Resource};

/// Days measured, after a 30-day warm-up.
const DAYS: f64 = 700.0;

/// The embedded dataset with Alat's capacities set to `capacity` (sourced as the default).
fn with_alat(capacity: &str) -> Network {
    let texts: Vec<(&str, Vec<u8>)> = embedded::file_names()
        .iter()
        .zip(embedded::TEXTS)
        .map(|(n, t)| {
            let t = if *n == "nodes.csv" {
                let from = ",150000 TEU/yr; 15 Mt/yr,S47; S43,";
                assert!(
                    t.contains(from),
                    "Alat's capacities as in the default dataset"
                );
                t.replace(from, &format!(",{capacity},S47; S43,"))
            } else {
                t.to_string()
            };
            (*n, t.into_bytes())
        })
        .collect();
    load(&DatasetInput::texts("alat", &texts)).unwrap_or_else(|e| panic!("{e}"))
}

fn run(net: Network, demand: &str) -> Report {
    common::run_on(net, demand, DAYS, 7)
}

fn resource<'r>(r: &'r Report, name: &str) -> &'r Resource {
    r.resources
        .iter()
        .find(|x| x.name == name)
        .unwrap_or_else(|| panic!("no resource `{name}`"))
}

const HEADER: &str = "from,to,teu_per_year,tonnes_per_year,corridor,src,note\n";
/// Rail-ferry wagonload into Alat: 500,000 t a year, 6,667 wagons.
const WAGONS: &str = "KZ-KURYK,AZ-ALAT,,500000,,S10,test\n";
/// Containers into Alat by the Aktau feeders.
const CONTAINERS: &str = "KZ-AKTAU,AZ-ALAT,20000,,,S10,test\n";

/// Wagon tonnes through a resource of TEU-equivalents `teu`, of which `containers` TEU.
fn wagon_tonnes(teu: f64, containers: f64) -> f64 {
    (teu - containers) / 1.85 * 75.0
}

#[test]
fn a_tiny_tonnage_capacity_throttles_wagonload_its_teu_capacity_lets_through() {
    let demand = format!("{HEADER}{WAGONS}");
    let wanted = 500_000.0 * DAYS / 365.0;
    // 15 Mt a year: the wagons pass (the TEU capacity is a container terminal's).
    let free = run(with_alat("150000 TEU/yr; 15 Mt/yr"), &demand);
    let t = resource(&free, "AZ-ALAT:tonnes");
    assert_eq!(t.kind, "node_tonnes");
    let through = wagon_tonnes(t.throughput_teu.mean, 0.0);
    assert!(
        (through / wanted - 1.0).abs() < 0.05,
        "{through} t of {wanted}"
    );
    assert!(t.utilisation.mean < 0.1, "{}", t.utilisation.mean);
    assert_eq!(resource(&free, "AZ-ALAT").throughput_teu.mean, 0.0);
    // 0.1 Mt a year: the tonnage server is the bottleneck, and lets its capacity through
    // (a convoy is served as one: within a ferry load, 54 wagons or 4,050 t, of it).
    let tight = run(with_alat("150000 TEU/yr; 0.1 Mt/yr"), &demand);
    let t = resource(&tight, "AZ-ALAT:tonnes");
    let cap = 0.1e6 * DAYS / 365.0;
    let through = wagon_tonnes(t.throughput_teu.mean, 0.0);
    assert!(
        through <= cap + 4_050.0 && through >= cap - 2.0 * 4_050.0,
        "{through} t through a capacity of {cap} t"
    );
    assert!(t.utilisation.mean > 0.97, "{}", t.utilisation.mean);
    assert!(t.mean_wait_h.as_ref().unwrap().mean > 24.0 * 30.0);
}

#[test]
fn a_tiny_teu_capacity_throttles_containers_and_wagonload_passes() {
    let demand = format!("{HEADER}{WAGONS}{CONTAINERS}");
    let r = run(with_alat("2000 TEU/yr; 15 Mt/yr"), &demand);
    let u = resource(&r, "AZ-ALAT");
    assert_eq!(u.kind, "node");
    // Containers: the TEU capacity over the run (a feeder's load, 225 TEU, is one job).
    let cap = 2000.0 * DAYS / 365.0;
    assert!(
        u.throughput_teu.mean <= cap + 225.0 && u.throughput_teu.mean >= cap - 2.0 * 225.0,
        "{} TEU through a capacity of {cap} TEU",
        u.throughput_teu.mean
    );
    assert!(u.utilisation.mean > 0.97, "{}", u.utilisation.mean);
    // Wagons: all of them, through the tonnage server (with the containers let through).
    let t = resource(&r, "AZ-ALAT:tonnes");
    let wagons = wagon_tonnes(t.throughput_teu.mean, u.throughput_teu.mean);
    let wanted = 500_000.0 * DAYS / 365.0;
    assert!(
        (wagons / wanted - 1.0).abs() < 0.05,
        "{wagons} t of {wanted}"
    );
    assert!(t.utilisation.mean < 0.1, "{}", t.utilisation.mean);
}
