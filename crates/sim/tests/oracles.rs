//! The kernel against analytic results: Erlang C for M/M/c (batch-means confidence
//! intervals at level 0.999, fixed seeds), Little's law, the mean wait of a sail-when-full
//! batch server, and the reference corridor's published statistics.

use corridor_sim::models::{batch, corridor_ref, mmc};
use corridor_sim::stats::t_quantile;

fn inside(name: &str, est: mmc::Est, truth: f64, nb: usize) {
    let h = t_quantile(0.999, nb - 1) * est.se;
    assert!(
        (est.mean - truth).abs() <= h,
        "{name}: analytic {truth} outside {} ± {h}",
        est.mean
    );
}

fn check_mmc(n: u64, c: u32, rho: f64, seed: u64) {
    let mut cfg = mmc::Config::new(n, c);
    cfg.lam = rho * c as f64;
    cfg.seed = seed;
    let o = mmc::simulate(&cfg);
    let (_, wq, lq) = mmc::erlang_c(c, cfg.lam, cfg.mu);
    inside("Wq", o.wq, wq, cfg.nb);
    inside("Lq", o.lq, lq, cfg.nb);
    inside("utilisation", o.util, rho, cfg.nb);
    // Little's law over the measured window: L = λW within 1 %.
    let l = o.l_system;
    let lw = o.lambda_observed * o.w_system;
    assert!((l / lw - 1.0).abs() < 0.01, "Little: L = {l}, λW = {lw}");
    assert_eq!(
        o.events,
        2 * n + 1,
        "one arrival and one departure per customer, plus the closing arrival"
    );
}

#[test]
fn mm2_at_rho_07_matches_erlang_c() {
    check_mmc(200_000, 2, 0.7, 12345);
}

#[test]
fn mm4_at_rho_09_matches_erlang_c() {
    check_mmc(1_000_000, 4, 0.9, 7);
}

#[test]
fn sail_when_full_batch_server_waits_k_minus_1_over_2_lambda() {
    for (k, lam) in [(10usize, 2.0), (54, 0.5), (2, 5.0)] {
        let (mean, sailings) = batch::simulate(k, lam, 200_000, 3);
        let want = (k as f64 - 1.0) / (2.0 * lam);
        assert!(
            (mean / want - 1.0).abs() < 0.02,
            "K={k} λ={lam}: {mean} vs {want}"
        );
        assert_eq!(sailings, 200_000 / k as u64);
    }
}

#[test]
fn reference_corridor_matches_the_published_statistics() {
    // shared/bench/des: hand-written Rust, 200 replications: mean 27.41 ± 0.029 h,
    // P50 26.47 ± 0.010 h, sailings 1374.3 ± 0.7, weather closures 83.4 ± 0.6 per year.
    // A few replications of ours must be within a few of their standard errors.
    let p = corridor_ref::Params::default();
    let reps: Vec<_> = (1..=3).map(|s| corridor_ref::simulate(&p, s).0).collect();
    let mean = |f: &dyn Fn(&corridor_ref::Output) -> f64| {
        reps.iter().map(f).sum::<f64>() / reps.len() as f64
    };
    let e2e = mean(&|o| o.e2e_mean_h);
    assert!((e2e - 27.41).abs() < 0.35, "mean end-to-end {e2e}");
    let p50 = mean(&|o| o.e2e_p50_h);
    assert!((p50 - 26.47).abs() < 0.12, "P50 {p50}");
    let sail = mean(&|o| o.sailings as f64);
    assert!((sail - 1374.3).abs() < 12.0, "sailings {sail}");
    let wx = mean(&|o| o.weather_closures as f64);
    assert!((wx - 83.4).abs() < 15.0, "closures {wx}");
    for o in &reps {
        assert_eq!(
            o.containers, o.measured_arrivals,
            "every measured container sails before the end"
        );
    }
}

#[test]
fn results_are_identical_for_a_seed_whatever_the_threads() {
    let p = corridor_ref::Params {
        HORIZON: 60.0 * 24.0,
        ..corridor_ref::Params::default()
    };
    let serial: Vec<_> = (0..4).map(|s| corridor_ref::simulate(&p, s).1).collect();
    let parallel: Vec<_> = std::thread::scope(|sc| {
        let hs: Vec<_> = (0..4)
            .map(|s| {
                let p = &p;
                sc.spawn(move || corridor_ref::simulate(p, s).1)
            })
            .collect();
        hs.into_iter().map(|h| h.join().unwrap()).collect()
    });
    assert_eq!(serial, parallel);
    assert_ne!(serial[0], serial[1], "different seeds give different runs");
}
