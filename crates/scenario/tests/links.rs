//! A scenario run counts the TEU over every link, continuous legs as well as timetabled
//! services: what leaves a capacity-limited place over its only outgoing link is what the
//! place served, less what is still on that link when the year ends.

use corridor_scenario::embedded;
use corridor_scenario::run::{Options, run};
use corridor_scenario::timeline::Cache;

#[test]
fn the_teu_over_each_link_add_up_at_a_place() {
    let s = embedded::scenario("baseline").unwrap().unwrap().0;
    let cache = Cache::new(&s);
    let opts = Options {
        years: Some((s.first_year, s.first_year)),
        replications: Some(1),
        seed: Some(7),
        ..Options::default()
    };
    let r = run(&cache, &opts, &|_| {}).unwrap();
    let y = &r.years[0].kpis;
    let over = |link: &str| {
        y.links
            .iter()
            .find(|l| l.link == link)
            .map(|l| l.throughput_teu.mean)
            .unwrap_or_else(|| panic!("no flow over {link}: {:?}", y.links))
    };
    // Busiest first, each link once.
    for w in y.links.windows(2) {
        assert!(w[0].throughput_teu.mean >= w[1].throughput_teu.mean);
    }
    let mut ids: Vec<&str> = y.links.iter().map(|l| l.link.as_str()).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), y.links.len());
    // Dostyk: every unit it serves leaves by the line to Moyinty, a continuous rail leg
    // (no timetabled service runs on it).
    let net = &s.base;
    let moyinty = net
        .links
        .iter()
        .position(|l| l.key == "L-DOSTYK-MOYINTY")
        .unwrap();
    assert!(
        !net.services.iter().any(|sv| sv.link.idx() == moyinty),
        "the test needs a link without services"
    );
    let served = y
        .resources
        .iter()
        .filter(|r| r.name == "KZ-DOSTYK" && r.kind == "node")
        .map(|r| r.throughput_teu.mean)
        .next()
        .expect("Dostyk is capacity-limited");
    let left = over("L-DOSTYK-MOYINTY");
    assert!(
        left <= served * 1.001 && left >= served * 0.98,
        "over L-DOSTYK-MOYINTY {left} TEU, served at Dostyk {served} TEU"
    );
}
