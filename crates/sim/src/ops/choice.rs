//! The capacity-restrained route choice: a logit over each flow's routes, repeated with the
//! expected queueing delay at every capacity-limited resource the routes use, by the
//! method of successive averages. A pure function of costs, capacities and demand, tested
//! against an independent fixed-point solver.
//!
//! The delay at a resource of utilisation ρ is Kingman's approximation with unit
//! variability, s × ρ / (1 − ρ), where s is the time one batch takes it (a train at a
//! node's rate, one headway of a timetabled service); past ρ = 0.99 it rises linearly and
//! steeply, so overloads stay ordered. It is valued at the value of time (E-LOGIT).

/// One route of a flow, as the route choice sees it.
#[derive(Clone, Debug)]
pub struct RouteCost {
    /// Generalised cost per TEU without queueing, USD.
    pub gc: f64,
    /// The capacity-limited resources it uses: (resource index, capacity per hour, hours
    /// one batch takes it, the resource's measure per TEU-equivalent of the flow). The
    /// measure is TEU-equivalents (weight 1) or, for a tonnage capacity, tonnes (the
    /// flow's tonnes per TEU-equivalent).
    pub resources: Vec<(usize, f64, f64, f64)>,
}

/// What the route choice needs.
#[derive(Clone, Debug)]
pub struct Assignment<'a> {
    /// Demand of each flow, TEU-equivalent per hour.
    pub demand_teu_h: &'a [f64],
    /// The routes of each flow.
    pub routes: &'a [Vec<RouteCost>],
    /// Number of distinct resources (indices in `RouteCost::resources` are below it).
    pub resources: usize,
    /// USD per TEU and day of delay.
    pub value_of_time: f64,
    /// Logit scale, USD per TEU.
    pub scale: f64,
    /// Averaging iterations (40 in the simulation).
    pub iterations: u32,
}

/// Expected queueing delay, hours, at a resource with this load and capacity (TEU/h) and
/// batch time.
pub fn queue_delay_h(load: f64, cap: f64, batch_h: f64) -> f64 {
    let rho = load / cap;
    if rho < 0.99 {
        batch_h * rho / (1.0 - rho)
    } else {
        batch_h * (99.0 + 1e4 * (rho - 0.99))
    }
}

/// Logit shares of routes with generalised costs `gcs` (relative to the cheapest, so no
/// overflow), at `scale`.
pub fn logit(gcs: &[f64], scale: f64) -> Vec<f64> {
    let min = gcs.iter().copied().fold(f64::INFINITY, f64::min);
    let w: Vec<f64> = gcs.iter().map(|g| (-(g - min) / scale).exp()).collect();
    let t: f64 = w.iter().sum();
    w.into_iter().map(|x| x / t).collect()
}

/// The shares of each flow's routes (in the order given).
pub fn assign(a: &Assignment) -> Vec<Vec<f64>> {
    let mut shares: Vec<Vec<f64>> = a
        .routes
        .iter()
        .map(|rs| logit(&rs.iter().map(|r| r.gc).collect::<Vec<_>>(), a.scale))
        .collect();
    for it in 1..=a.iterations {
        let mut load = vec![0.0; a.resources];
        let mut cap = vec![f64::INFINITY; a.resources];
        for (fi, rs) in a.routes.iter().enumerate() {
            let teu_h = a.demand_teu_h[fi];
            for (oi, r) in rs.iter().enumerate() {
                for &(res, c, _, w) in &r.resources {
                    load[res] += shares[fi][oi] * teu_h * w;
                    cap[res] = c;
                }
            }
        }
        for (fi, rs) in a.routes.iter().enumerate() {
            let gcs: Vec<f64> = rs
                .iter()
                .map(|r| {
                    let penalty_h: f64 = r
                        .resources
                        .iter()
                        .map(|&(res, _, b, _)| queue_delay_h(load[res], cap[res], b))
                        .sum();
                    r.gc + a.value_of_time * penalty_h / 24.0
                })
                .collect();
            let target = logit(&gcs, a.scale);
            let step = 1.0 / it as f64;
            for (x, t) in shares[fi].iter_mut().zip(target) {
                *x += step * (t - *x);
            }
        }
    }
    shares
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The equilibrium share of route 1 for one flow over two routes with one resource
    /// each, by bisection on the fixed point s = logit₁(gc + delay(s)), written apart from
    /// the averaging above.
    fn oracle(d: f64, gc: [f64; 2], cap: [f64; 2], batch: [f64; 2], vot: f64, scale: f64) -> f64 {
        let cost = |i: usize, flow: f64| {
            let rho = flow / cap[i];
            let delay = if rho < 0.99 {
                batch[i] * rho / (1.0 - rho)
            } else {
                batch[i] * (99.0 + 1e4 * (rho - 0.99))
            };
            gc[i] + vot * delay / 24.0
        };
        // g(s) = s − P₁(s) rises from −P₁(0) ≤ 0 to 1 − P₁(1) ≥ 0.
        let g = |s: f64| {
            let (c1, c2) = (cost(0, s * d), cost(1, (1.0 - s) * d));
            s - 1.0 / (1.0 + ((c1 - c2) / scale).exp())
        };
        let (mut lo, mut hi) = (0.0, 1.0);
        for _ in 0..200 {
            let mid = 0.5 * (lo + hi);
            if g(mid) < 0.0 {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        0.5 * (lo + hi)
    }

    fn one_flow(d: f64, gc: [f64; 2], cap: [f64; 2], batch: [f64; 2], iterations: u32) -> f64 {
        let routes = vec![vec![
            RouteCost {
                gc: gc[0],
                resources: vec![(0, cap[0], batch[0], 1.0)],
            },
            RouteCost {
                gc: gc[1],
                resources: vec![(1, cap[1], batch[1], 1.0)],
            },
        ]];
        let s = assign(&Assignment {
            demand_teu_h: &[d],
            routes: &routes,
            resources: 2,
            value_of_time: 60.0,
            scale: 400.0,
            iterations,
        });
        assert!((s[0][0] + s[0][1] - 1.0).abs() < 1e-12);
        s[0][0]
    }

    #[test]
    fn the_averages_converge_to_the_fixed_point() {
        // A cheap crossing of little capacity beside a dearer one of more: the cheap one
        // fills until its queue costs as much as the detour.
        for (d, gc, cap) in [
            (50.0, [1000.0, 1300.0], [60.0, 200.0]),
            (100.0, [1000.0, 1100.0], [80.0, 80.0]),
            (10.0, [900.0, 2000.0], [15.0, 100.0]),
        ] {
            let batch = [50.0, 12.0];
            let want = oracle(d, gc, cap, batch, 60.0, 400.0);
            let long = one_flow(d, gc, cap, batch, 20_000);
            assert!((long - want).abs() < 2e-3, "{d} {gc:?}: {long} vs {want}");
            // The simulation's 40 averaging steps land near it.
            let short = one_flow(d, gc, cap, batch, 40);
            assert!((short - want).abs() < 0.03, "{d} {gc:?}: {short} vs {want}");
        }
    }

    #[test]
    fn without_capacity_limits_the_shares_are_the_plain_logit() {
        let routes = vec![vec![
            RouteCost {
                gc: 1000.0,
                resources: vec![],
            },
            RouteCost {
                gc: 1400.0,
                resources: vec![],
            },
        ]];
        let s = assign(&Assignment {
            demand_teu_h: &[100.0],
            routes: &routes,
            resources: 0,
            value_of_time: 60.0,
            scale: 400.0,
            iterations: 40,
        });
        let want = 1.0 / (1.0 + (-1.0f64).exp());
        assert!((s[0][0] - want).abs() < 1e-12, "{:?}", s);
    }
}
