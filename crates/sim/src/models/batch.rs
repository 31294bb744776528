//! A batch server: a ferry of capacity K that sails as soon as K units wait (always
//! available, no crossing time). With Poisson arrivals at rate λ the mean wait is
//! (K − 1) / (2λ): the analytic check of sail-when-full logic.

use crate::kernel::{Model, Scheduler};
use crate::rng::Stream;
use crate::stats::Tally;

#[derive(Clone, Copy)]
enum Ev {
    Arrival,
}

struct Ferry {
    k: usize,
    lam: f64,
    quay: Vec<f64>,
    arrivals: Stream,
    wait: Tally,
    sailings: u64,
    limit: u64,
    generated: u64,
}

impl Model for Ferry {
    type Event = Ev;
    fn handle(&mut self, s: &mut Scheduler<Ev>, _ev: Ev) {
        let now = s.now();
        self.quay.push(now);
        self.generated += 1;
        if self.quay.len() == self.k {
            for a in self.quay.drain(..) {
                self.wait.add(now - a);
            }
            self.sailings += 1;
        }
        if self.generated < self.limit {
            let dt = self.arrivals.exp_mean(1.0 / self.lam);
            s.after(dt, Ev::Arrival);
        }
    }
}

/// Mean wait and sailings for `units` Poisson arrivals at rate `lam` to a ferry of
/// capacity `k` that sails when full.
pub fn simulate(k: usize, lam: f64, units: u64, seed: u64) -> (f64, u64) {
    let mut m = Ferry {
        k,
        lam,
        quay: Vec::with_capacity(k),
        arrivals: Stream::new(seed, 0, 0),
        wait: Tally::default(),
        sailings: 0,
        limit: units,
        generated: 0,
    };
    let mut s = Scheduler::new();
    s.at(0.0, Ev::Arrival);
    crate::kernel::run(&mut m, &mut s, f64::INFINITY);
    (m.wait.mean(), m.sailings)
}
