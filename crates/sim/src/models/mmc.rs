//! M/M/c on the kernel, with the statistics of the shared reference models: batch means
//! over customers in arrival order after a warm-up (Wq = Σwait/n, Lq = Σwait/span,
//! utilisation = Σservice/(c·span)), plus the time-average number in system for Little's
//! law.

use crate::kernel::{Model, Scheduler};
use crate::resource::Servers;
use crate::rng::Stream;
use crate::stats::{TimeAverage, mean_se};
use serde::Serialize;

/// Parameters (the reference script's options).
#[derive(Clone, Debug)]
pub struct Config {
    /// Customers.
    pub n: u64,
    /// Servers.
    pub c: u32,
    /// Arrival rate.
    pub lam: f64,
    /// Service rate per server.
    pub mu: f64,
    /// Seed.
    pub seed: u64,
    /// Batches.
    pub nb: usize,
    /// Customers discarded at the start.
    pub warmup: u64,
}

impl Config {
    /// The reference defaults for `n` customers and `c` servers at ρ = 0.9.
    pub fn new(n: u64, c: u32) -> Config {
        Config {
            n,
            c,
            lam: 0.9 * c as f64,
            mu: 1.0,
            seed: 12345,
            nb: 30,
            warmup: n / 100,
        }
    }
}

/// Batch-means estimate: mean and standard error.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct Est {
    /// Mean of the batch means.
    pub mean: f64,
    /// Standard error.
    pub se: f64,
}

/// Results of one run.
#[derive(Clone, Debug, Serialize)]
pub struct Output {
    /// Mean wait in queue.
    pub wq: Est,
    /// Time-average number in queue.
    pub lq: Est,
    /// Busy-server fraction.
    pub util: Est,
    /// Time-average number in system over the measured window.
    pub l_system: f64,
    /// Arrival rate observed in the measured window.
    pub lambda_observed: f64,
    /// Mean time in system of the measured customers.
    pub w_system: f64,
    /// Events processed.
    pub events: u64,
    /// Customers.
    pub customers: u64,
}

#[derive(Clone, Copy)]
enum Ev {
    Arrival(u64),
    Departure(u64, f64),
}

struct Mmc {
    cfg: Config,
    arrivals: Stream,
    services: Stream,
    servers: Servers<(u64, f64)>,
    bsize: u64,
    b_n: Vec<u64>,
    b_w: Vec<f64>,
    b_s: Vec<f64>,
    b_t: Vec<f64>,
    t_end: f64,
    in_system: TimeAverage,
    n_sys: u64,
    sojourn_sum: f64,
    sojourn_n: u64,
    /// Customers measured: indices in [warmup, warmup + nb·bsize).
    measured_end: u64,
}

impl Mmc {
    fn start_service(&mut self, s: &mut Scheduler<Ev>, idx: u64, arrived: f64) {
        let now = s.now();
        let st = self.services.exp_mean(1.0 / self.cfg.mu);
        if idx >= self.cfg.warmup {
            let b = ((idx - self.cfg.warmup) / self.bsize) as usize;
            if b < self.cfg.nb {
                self.b_n[b] += 1;
                self.b_w[b] += now - arrived;
                self.b_s[b] += st;
            }
        }
        s.after(st, Ev::Departure(idx, arrived));
    }
}

impl Model for Mmc {
    type Event = Ev;
    #[inline]
    fn handle(&mut self, s: &mut Scheduler<Ev>, ev: Ev) {
        let now = s.now();
        match ev {
            Ev::Arrival(idx) => {
                if idx == self.cfg.n {
                    // The would-be arrival n closes the last batch.
                    if self.t_end.is_nan() {
                        self.t_end = now;
                    }
                    return;
                }
                if idx >= self.cfg.warmup {
                    let off = idx - self.cfg.warmup;
                    if off % self.bsize == 0 {
                        let k = (off / self.bsize) as usize;
                        if k < self.cfg.nb {
                            self.b_t[k] = now;
                        } else if self.t_end.is_nan() {
                            self.t_end = now;
                        }
                    }
                }
                self.n_sys += 1;
                self.in_system.set(now, self.n_sys as f64);
                let dt = self.arrivals.exp_mean(1.0 / self.cfg.lam);
                s.after(dt, Ev::Arrival(idx + 1));
                if let Some((i, a)) = self.servers.arrive(now, (idx, now)) {
                    self.start_service(s, i, a);
                }
            }
            Ev::Departure(idx, arrived) => {
                self.n_sys -= 1;
                self.in_system.set(now, self.n_sys as f64);
                if idx >= self.cfg.warmup && idx < self.measured_end {
                    self.sojourn_sum += now - arrived;
                    self.sojourn_n += 1;
                }
                if let Some((i, a)) = self.servers.finish(now) {
                    self.start_service(s, i, a);
                }
            }
        }
    }
}

/// Run one M/M/c replication.
pub fn simulate(cfg: &Config) -> Output {
    let bsize = ((cfg.n - cfg.warmup) / cfg.nb as u64).max(1);
    let mut m = Mmc {
        arrivals: Stream::new(cfg.seed, 0, 0),
        services: Stream::new(cfg.seed, 0, 1),
        servers: Servers::new(cfg.c, 0.0),
        bsize,
        b_n: vec![0; cfg.nb],
        b_w: vec![0.0; cfg.nb],
        b_s: vec![0.0; cfg.nb],
        b_t: vec![f64::NAN; cfg.nb],
        t_end: f64::NAN,
        in_system: TimeAverage::start(0.0, 0.0),
        n_sys: 0,
        sojourn_sum: 0.0,
        sojourn_n: 0,
        measured_end: cfg.warmup + cfg.nb as u64 * bsize,
        cfg: cfg.clone(),
    };
    let mut s = Scheduler::new();
    let first = m.arrivals.exp_mean(1.0 / cfg.lam);
    s.at(first, Ev::Arrival(0));
    // The time-average number in system is measured over the batches' window: it is
    // restarted when the first batch opens and read when the last one closes.
    let mut area_end = f64::NAN;
    while let Some((_, ev)) = s.next() {
        let before = (m.b_t[0].is_nan(), m.t_end.is_nan());
        m.handle(&mut s, ev);
        if before.0 && !m.b_t[0].is_nan() {
            m.in_system.reset(m.b_t[0]);
        }
        if before.1 && !m.t_end.is_nan() {
            area_end = m.in_system.area(m.t_end);
        }
    }
    let mut wq = Vec::with_capacity(cfg.nb);
    let mut lq = Vec::with_capacity(cfg.nb);
    let mut ut = Vec::with_capacity(cfg.nb);
    for k in 0..cfg.nb {
        let t_next = if k + 1 < cfg.nb {
            m.b_t[k + 1]
        } else {
            m.t_end
        };
        let span = t_next - m.b_t[k];
        wq.push(m.b_w[k] / m.b_n[k] as f64);
        lq.push(m.b_w[k] / span);
        ut.push(m.b_s[k] / (cfg.c as f64 * span));
    }
    let est = |v: &[f64]| {
        let (mean, se) = mean_se(v);
        Est { mean, se }
    };
    let span = m.t_end - m.b_t[0];
    Output {
        wq: est(&wq),
        lq: est(&lq),
        util: est(&ut),
        l_system: area_end / span,
        lambda_observed: m.sojourn_n as f64 / span,
        w_system: m.sojourn_sum / m.sojourn_n as f64,
        events: s.processed(),
        customers: cfg.n,
    }
}

/// Erlang C: (P(wait), Wq, Lq) for M/M/c.
pub fn erlang_c(c: u32, lam: f64, mu: f64) -> (f64, f64, f64) {
    let a = lam / mu;
    let rho = a / c as f64;
    let (mut term, mut s) = (1.0, 1.0);
    for k in 1..c {
        term *= a / k as f64;
        s += term;
    }
    let top = term * a / c as f64 / (1.0 - rho);
    let pw = top / (s + top);
    let wq = pw / (c as f64 * mu - lam);
    (pw, wq, lam * wq)
}
