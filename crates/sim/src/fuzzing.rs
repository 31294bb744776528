//! Entry points of the `cargo fuzz` targets in `fuzz/`, shared with the test that
//! replays their saved inputs on every CI run (`tests/fuzz_regressions.rs`): whatever the
//! bytes, each returns normally (an error for the user, never a panic) and every figure it
//! produces is finite.
//!
//! Each takes the fuzzer's bytes and drives one reader of user files the way the CLI does:
//! the dataset loader, `simulation.toml`, the demand table, and the field parsers of dates,
//! durations and quantities.

use crate::ops::{self, Plan};
use crate::ops_input::{self, OpsInput};
use corridor_model::{DatasetInput, Network, embedded, finite, load};
use corridor_route::graph::Graph;
use corridor_route::plan::{self, Sampling, Weights};
use corridor_route::search::{Constraints, Shipment};
use corridor_route::time::Instant;
use std::sync::{Arc, OnceLock};

fn network() -> &'static Arc<Network> {
    static NET: OnceLock<Arc<Network>> = OnceLock::new();
    NET.get_or_init(|| Arc::new(embedded::network().expect("the embedded dataset is valid")))
}

/// A dataset: the bytes split at `0xFF` bytes (never in UTF-8 text) into the six files in
/// load order, missing ones taken from the embedded dataset. If it loads, it is routed.
pub fn dataset(data: &[u8]) {
    let mut parts = data.split(|&b| b == 0xFF);
    let texts: Vec<(&str, Vec<u8>)> = corridor_model::load::FILES
        .iter()
        .zip(embedded::TEXTS)
        .map(|(name, text)| match parts.next() {
            Some(p) if !p.is_empty() => (*name, p.to_vec()),
            _ => (*name, text.as_bytes().to_vec()),
        })
        .collect();
    let Ok(net) = load(&DatasetInput::texts("fuzz", &texts)) else {
        return;
    };
    let (Some(&from), Some(&to)) = (net.meta.origins.first(), net.meta.destinations.first()) else {
        return;
    };
    let g = Graph::new(&net);
    let s = Shipment {
        from,
        to,
        ready: Instant::from_civil(2026, 3, 3, 0.0).0,
        teu: 2.0,
    };
    let sampling = Sampling {
        samples: 50,
        seed: 1,
    };
    let w = Weights::EVEN;
    for row in plan::compare(&g, &s, &Constraints::default(), w, sampling) {
        if let Some(r) = row.route {
            assert!(
                finite::check(&r).is_ok(),
                "{}",
                finite::check(&r).unwrap_err()
            );
        }
    }
}

fn run_briefly(net: &Arc<Network>, parsed: ops_input::Parsed) {
    let input = OpsInput::from_parsed(
        parsed,
        1.0,
        Instant::from_civil(2024, 1, 1, 0.0).0,
        2.0,
        0.0,
    );
    let Ok(plan) = Plan::new(Arc::clone(net), input) else {
        return;
    };
    // A fuzzed table may ask for a huge demand: skip what would run for long.
    if plan.expected_units() > 200_000.0 {
        return;
    }
    let r = ops::run(&plan, 1, 1, &|_| {});
    assert!(
        finite::check(&r).is_ok(),
        "{}",
        finite::check(&r).unwrap_err()
    );
    assert_eq!(r.generated, r.delivered + r.in_system);
}

/// `simulation.toml` from the bytes, with the default demand; if it parses, two days run.
pub fn simulation_toml(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let net = network();
    if let Ok(p) = ops_input::parse(
        net,
        "simulation.toml",
        text,
        "demand.csv",
        ops_input::DEFAULT_DEMAND,
    ) {
        run_briefly(net, p);
    }
}

/// A demand table from the bytes (read as a user's file, UTF-8 checked by the reader),
/// with the default parameters; if it parses, two days run.
pub fn demand_table(data: &[u8]) {
    let net = network();
    let demand = corridor_model::read::Input::Bytes(std::borrow::Cow::Owned(data.to_vec()));
    let files = ops_input::Files::embedded_with_demand("demand.csv", demand);
    if let Ok((p, _)) = ops_input::parse_files(net, &files) {
        run_briefly(net, p);
    }
}

/// The field parsers a user meets on the command line and in every file: dates, times,
/// durations, distributions, quantities and timetables. What parses must be finite and in
/// range (a distribution's draws too).
pub fn parsers(data: &[u8]) {
    let Ok(t) = std::str::from_utf8(data) else {
        return;
    };
    use corridor_model::{dist, fields};
    if let Ok(i) = Instant::parse(t, None) {
        assert!(i.0.is_finite());
        let _ = i.iso();
    }
    if let Some((d, h)) = t.split_once(' ') {
        let _ = Instant::parse(d, Some(h));
    }
    if let Ok(h) = dist::parse_duration(t) {
        assert!(h.0.is_finite() && h.0 >= 0.0);
    }
    if let Ok(d) = dist::Distribution::parse(t) {
        for u in [0.0, 1e-12, 0.5, 0.9, 1.0 - 1e-12, 1.0] {
            let x = d.sample(u).0;
            assert!(x.is_finite() && x >= 0.0, "{t}: {x}");
        }
        assert!(d.mean().0.is_finite());
    }
    if let Ok(ts) = dist::TimeSpec::parse(t) {
        let d = ts.resolve(1000.0);
        assert!(d.quantile(0.99).0.is_finite());
    }
    if let Ok(c) = fields::capacity(t) {
        assert!(c.amount().is_finite() && c.amount() > 0.0);
    }
    if let Ok(p) = fields::payload(t) {
        let _ = p.to_string();
    }
    if let Ok(x) = fields::tariff(t) {
        assert!(x.per_feu(corridor_model::units::Km(50_000.0)).0.is_finite());
    }
    let _ = fields::distance(t);
    let _ = fields::intensity(t);
    let _ = fields::handling(t);
    let _ = fields::max_hold(t);
    let _ = fields::waypoints(t);
    if let Ok(s) = fields::schedule(t) {
        let per_week = s.per_week();
        assert!(per_week.is_finite() && per_week > 0.0);
        let next = Instant(1e5).next_departure(&s).0;
        assert!(next.is_finite() && next >= 1e5, "{t}: {next}");
    }
}
