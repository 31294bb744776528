//! No input makes the operations model panic: spliced bytes in `simulation.toml` or
//! `demand.csv`, or any extreme number in place of a parameter, give an error naming the
//! file or a run that finishes.

mod common;
use common::input_from;
use corridor_model::embedded;
use corridor_sim::ops::{self, Plan};
use corridor_sim::ops_input;
use proptest::prelude::*;

/// Parse, plan and run three days of one replication, whichever steps the input allows;
/// a refusal must name the file at fault (`simulation.toml:` or `demand.csv:`), or for a
/// plan, say what in the demand has no route or is too large.
fn try_run(sim: &str, demand: &str) {
    let net = embedded::network().unwrap();
    let input = match input_from(sim, demand, 3.0, 1.0) {
        Ok(i) => i,
        Err(e) => {
            assert!(
                e.contains("error: simulation.toml") || e.contains("error: demand.csv"),
                "the error names no file:\n{e}"
            );
            return;
        }
    };
    let plan = match Plan::new(std::sync::Arc::new(net.clone()), input) {
        Ok(p) => p,
        Err(e) => {
            let text = e.to_string();
            assert!(
                text.starts_with("no route from") || text.starts_with("the demand is"),
                "{text}"
            );
            return;
        }
    };
    let r = ops::run(&plan, 1, 1, &|_| {});
    assert_eq!(r.generated, r.delivered + r.in_system);
}

fn splice(orig: &str, at: f64, cut: usize, bytes: &[u8]) -> String {
    let orig = orig.as_bytes();
    let pos = ((orig.len() as f64) * at) as usize;
    let end = (pos + cut).min(orig.len());
    let mut b = orig[..pos].to_vec();
    b.extend_from_slice(bytes);
    b.extend_from_slice(&orig[end..]);
    String::from_utf8_lossy(&b).into_owned()
}

/// Byte ranges of the numbers written in `text` (digits, with a sign, point or exponent).
fn numbers(text: &str) -> Vec<(usize, usize)> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let starts = b[i].is_ascii_digit()
            && (i == 0
                || !(b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'-' || b[i - 1] == b'_'));
        if starts {
            let s = i;
            while i < b.len() && (b[i].is_ascii_digit() || b[i] == b'.' || b[i] == b'e') {
                i += 1;
            }
            out.push((s, i));
        } else {
            i += 1;
        }
    }
    out
}

const EXTREMES: [&str; 10] = [
    "0",
    "-1",
    "1e-300",
    "1e300",
    "1e-9",
    "123456789",
    "nan",
    "inf",
    "0.5",
    "3",
];

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn spliced_simulation_toml_never_panics(at in 0.0f64..1.0, cut in 0usize..16, bytes in proptest::collection::vec(any::<u8>(), 0..16)) {
        try_run(&splice(ops_input::DEFAULT_SIMULATION, at, cut, &bytes), ops_input::DEFAULT_DEMAND);
    }

    #[test]
    fn spliced_demand_csv_never_panics(at in 0.0f64..1.0, cut in 0usize..16, bytes in proptest::collection::vec(any::<u8>(), 0..16)) {
        try_run(ops_input::DEFAULT_SIMULATION, &splice(ops_input::DEFAULT_DEMAND, at, cut, &bytes));
    }

    #[test]
    fn any_extreme_parameter_is_refused_or_runs(which in any::<prop::sample::Index>(), value in 0usize..EXTREMES.len()) {
        let sim = ops_input::DEFAULT_SIMULATION;
        let spans = numbers(sim);
        let (s, e) = spans[which.index(spans.len())];
        let text = format!("{}{}{}", &sim[..s], EXTREMES[value], &sim[e..]);
        try_run(&text, ops_input::DEFAULT_DEMAND);
    }
}
