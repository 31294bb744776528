//! The small reference corridor of `shared/bench/des` (time unit: hours), on the kernel:
//! Poisson arrivals at a rail yard; trains every `train_headway` taking up to `train_cap`
//! containers FIFO; run to the border `train_run` + Exp(`train_delay`); a border of
//! `border_lanes` FIFO lanes with log-normal service; `road` hours to the quay; one ferry of
//! `ferry_cap` that sails at the earlier of a full quay or its next slot (empty slots are
//! skipped; a closed port holds it until it reopens), crossing `ferry_cross`, back after
//! `ferry_round`; weather open Exp(`wx_open`), closed log-normal(`wx_close_mean`,
//! `wx_close_sd`). End-to-end = ferry departure + crossing − yard arrival, for containers
//! arriving in [warm-up, horizon); the run ends when all of them have sailed.

use crate::kernel::{Model, Scheduler};
use crate::resource::Servers;
use crate::rng::{Stream, lognormal_params};
use serde::Serialize;
use std::collections::VecDeque;

/// Parameters, named as in the reference script (`--set KEY=VALUE`).
#[derive(Clone, Debug, Serialize)]
#[allow(non_snake_case)]
pub struct Params {
    /// Arrivals per hour.
    pub LAM: f64,
    /// Hours between trains.
    pub TRAIN_HEADWAY: f64,
    /// Containers per train.
    pub TRAIN_CAP: f64,
    /// Run to the border, hours.
    pub TRAIN_RUN: f64,
    /// Mean extra delay per train, hours.
    pub TRAIN_DELAY: f64,
    /// Border lanes.
    pub BORDER_LANES: f64,
    /// Mean border service, hours.
    pub BORDER_MEAN: f64,
    /// Sd of border service, hours.
    pub BORDER_SD: f64,
    /// Border to quay, hours.
    pub ROAD: f64,
    /// Ferry capacity.
    pub FERRY_CAP: f64,
    /// Hours between ferry slots.
    pub FERRY_HEADWAY: f64,
    /// Crossing, hours.
    pub FERRY_CROSS: f64,
    /// Round trip, hours.
    pub FERRY_ROUND: f64,
    /// Mean open spell, hours.
    pub WX_OPEN: f64,
    /// Mean closure, hours.
    pub WX_CLOSE_MEAN: f64,
    /// Sd of closures, hours.
    pub WX_CLOSE_SD: f64,
    /// Warm-up, hours.
    pub WARMUP: f64,
    /// Horizon of arrivals, hours.
    pub HORIZON: f64,
}

impl Default for Params {
    fn default() -> Self {
        Params {
            LAM: 40.0,
            TRAIN_HEADWAY: 6.0,
            TRAIN_CAP: 300.0,
            TRAIN_RUN: 10.0,
            TRAIN_DELAY: 1.0,
            BORDER_LANES: 8.0,
            BORDER_MEAN: 0.15,
            BORDER_SD: 0.10,
            ROAD: 4.0,
            FERRY_CAP: 300.0,
            FERRY_HEADWAY: 6.0,
            FERRY_CROSS: 2.5,
            FERRY_ROUND: 5.0,
            WX_OPEN: 96.0,
            WX_CLOSE_MEAN: 10.0,
            WX_CLOSE_SD: 6.0,
            WARMUP: 7.0 * 24.0,
            HORIZON: 365.0 * 24.0,
        }
    }
}

impl Params {
    /// Names accepted by [`Params::set`].
    pub const KEYS: [&'static str; 18] = [
        "LAM",
        "TRAIN_HEADWAY",
        "TRAIN_CAP",
        "TRAIN_RUN",
        "TRAIN_DELAY",
        "BORDER_LANES",
        "BORDER_MEAN",
        "BORDER_SD",
        "ROAD",
        "FERRY_CAP",
        "FERRY_HEADWAY",
        "FERRY_CROSS",
        "FERRY_ROUND",
        "WX_OPEN",
        "WX_CLOSE_MEAN",
        "WX_CLOSE_SD",
        "WARMUP",
        "HORIZON",
    ];

    /// Set a parameter by name; integer parameters (caps, lanes) are truncated.
    pub fn set(&mut self, key: &str, v: f64) -> Result<(), String> {
        let slot = match key {
            "LAM" => &mut self.LAM,
            "TRAIN_HEADWAY" => &mut self.TRAIN_HEADWAY,
            "TRAIN_CAP" => &mut self.TRAIN_CAP,
            "TRAIN_RUN" => &mut self.TRAIN_RUN,
            "TRAIN_DELAY" => &mut self.TRAIN_DELAY,
            "BORDER_LANES" => &mut self.BORDER_LANES,
            "BORDER_MEAN" => &mut self.BORDER_MEAN,
            "BORDER_SD" => &mut self.BORDER_SD,
            "ROAD" => &mut self.ROAD,
            "FERRY_CAP" => &mut self.FERRY_CAP,
            "FERRY_HEADWAY" => &mut self.FERRY_HEADWAY,
            "FERRY_CROSS" => &mut self.FERRY_CROSS,
            "FERRY_ROUND" => &mut self.FERRY_ROUND,
            "WX_OPEN" => &mut self.WX_OPEN,
            "WX_CLOSE_MEAN" => &mut self.WX_CLOSE_MEAN,
            "WX_CLOSE_SD" => &mut self.WX_CLOSE_SD,
            "WARMUP" => &mut self.WARMUP,
            "HORIZON" => &mut self.HORIZON,
            _ => {
                return Err(format!(
                    "unknown parameter {key:?}; known: {}",
                    Self::KEYS.join(", ")
                ));
            }
        };
        if !v.is_finite() || v < 0.0 {
            return Err(format!("{key} must be a non-negative number, found {v}"));
        }
        *slot = if matches!(key, "TRAIN_CAP" | "BORDER_LANES" | "FERRY_CAP") {
            v.trunc()
        } else {
            v
        };
        Ok(())
    }
}

/// Results of one replication (the fields of the reference script's JSON line).
#[derive(Clone, Debug, Serialize)]
pub struct Output {
    /// Containers measured (sailed).
    pub containers: u64,
    /// Containers that arrived in the measurement window.
    pub measured_arrivals: u64,
    /// Mean end-to-end time, hours.
    pub e2e_mean_h: f64,
    /// Median, hours.
    pub e2e_p50_h: f64,
    /// 95th percentile, hours.
    pub e2e_p95_h: f64,
    /// 99th percentile, hours.
    pub e2e_p99_h: f64,
    /// Maximum, hours.
    pub e2e_max_h: f64,
    /// Ferry sailings.
    pub sailings: u64,
    /// Weather closures.
    pub weather_closures: u64,
    /// Times the ferry waited for the port to reopen.
    pub weather_holds: u64,
    /// Simulation end, hours.
    pub sim_end_h: f64,
    /// Events processed.
    pub events: u64,
    /// Events left in the queue at the end.
    pub events_pending: u64,
}

#[derive(Clone, Copy)]
enum Ev {
    Arrival,
    TrainSlot(u32),
    TrainArrive(u32),
    BorderDone(f64),
    Quay(f64),
    FerryWake(u64),
    FerryBack,
    WxClose,
    WxOpen,
}

#[derive(Clone, Copy, PartialEq)]
enum Ferry {
    Waiting(u64),
    Holding,
    Away,
    Done,
}

struct Corridor {
    p: Params,
    train_cap: usize,
    ferry_cap: usize,
    b_mu: f64,
    b_sigma: f64,
    w_mu: f64,
    w_sigma: f64,
    arrivals: Stream,
    delays: Stream,
    border_rng: Stream,
    weather: Stream,
    yard: VecDeque<f64>,
    batches: Vec<Vec<f64>>,
    free: Vec<u32>,
    border: Servers<f64>,
    quay: VecDeque<f64>,
    ferry: Ferry,
    generation: u64,
    full_signalled: bool,
    closed: bool,
    arrivals_on: bool,
    trains_on: bool,
    measured: u64,
    e2e: Vec<f64>,
    sailings: u64,
    closures: u64,
    holds: u64,
}

impl Corridor {
    fn at_berth(&mut self, s: &mut Scheduler<Ev>) {
        let now = s.now();
        if self.quay.len() < self.ferry_cap {
            let slot = ((now / self.p.FERRY_HEADWAY).floor() + 1.0) * self.p.FERRY_HEADWAY;
            self.generation += 1;
            self.ferry = Ferry::Waiting(self.generation);
            self.full_signalled = false;
            s.at(slot, Ev::FerryWake(self.generation));
        } else {
            self.decide(s);
        }
    }

    fn decide(&mut self, s: &mut Scheduler<Ev>) {
        let now = s.now();
        if self.quay.is_empty() {
            if now > self.p.HORIZON
                && self.yard.is_empty()
                && self.measured == self.e2e.len() as u64
            {
                self.ferry = Ferry::Done;
                return;
            }
            self.at_berth(s);
            return;
        }
        if self.closed {
            self.holds += 1;
            self.ferry = Ferry::Holding;
            return;
        }
        self.sail(s);
    }

    fn sail(&mut self, s: &mut Scheduler<Ev>) {
        let now = s.now();
        let arrive = now + self.p.FERRY_CROSS;
        let n = self.ferry_cap.min(self.quay.len());
        for a in self.quay.drain(..n) {
            if a >= self.p.WARMUP {
                self.e2e.push(arrive - a);
            }
        }
        self.sailings += 1;
        self.ferry = Ferry::Away;
        s.after(self.p.FERRY_ROUND, Ev::FerryBack);
    }
}

impl Model for Corridor {
    type Event = Ev;
    #[inline]
    fn handle(&mut self, s: &mut Scheduler<Ev>, ev: Ev) {
        let now = s.now();
        match ev {
            Ev::Arrival => {
                if now >= self.p.HORIZON {
                    self.arrivals_on = false;
                    return;
                }
                if now >= self.p.WARMUP {
                    self.measured += 1;
                }
                self.yard.push_back(now);
                let dt = self.arrivals.exp_mean(1.0 / self.p.LAM);
                s.after(dt, Ev::Arrival);
            }
            Ev::TrainSlot(k) => {
                if !self.yard.is_empty() {
                    let id = match self.free.pop() {
                        Some(id) => id,
                        None => {
                            self.batches.push(Vec::with_capacity(self.train_cap));
                            (self.batches.len() - 1) as u32
                        }
                    };
                    let n = self.train_cap.min(self.yard.len());
                    let b = &mut self.batches[id as usize];
                    b.clear();
                    b.extend(self.yard.drain(..n));
                    let run = self.p.TRAIN_RUN + self.delays.exp_mean(self.p.TRAIN_DELAY);
                    s.after(run, Ev::TrainArrive(id));
                } else if now > self.p.HORIZON {
                    self.trains_on = false;
                    return;
                }
                s.at((k + 1) as f64 * self.p.TRAIN_HEADWAY, Ev::TrainSlot(k + 1));
            }
            Ev::TrainArrive(id) => {
                let batch = std::mem::take(&mut self.batches[id as usize]);
                for &a in &batch {
                    if let Some(a) = self.border.arrive(now, a) {
                        let st = self.border_rng.lognormal(self.b_mu, self.b_sigma);
                        s.after(st, Ev::BorderDone(a));
                    }
                }
                self.batches[id as usize] = batch;
                self.free.push(id);
            }
            Ev::BorderDone(a) => {
                if let Some(next) = self.border.finish(now) {
                    let st = self.border_rng.lognormal(self.b_mu, self.b_sigma);
                    s.after(st, Ev::BorderDone(next));
                }
                s.after(self.p.ROAD, Ev::Quay(a));
            }
            Ev::Quay(a) => {
                self.quay.push_back(a);
                if let Ferry::Waiting(g) = self.ferry {
                    if self.quay.len() >= self.ferry_cap && !self.full_signalled {
                        self.full_signalled = true;
                        s.at(now, Ev::FerryWake(g));
                    }
                }
            }
            Ev::FerryWake(g) => {
                if self.ferry == Ferry::Waiting(g) {
                    self.decide(s);
                }
            }
            Ev::FerryBack => self.at_berth(s),
            Ev::WxClose => {
                self.closed = true;
                self.closures += 1;
                let d = self.weather.lognormal(self.w_mu, self.w_sigma);
                s.after(d, Ev::WxOpen);
            }
            Ev::WxOpen => {
                self.closed = false;
                if self.ferry == Ferry::Holding {
                    self.sail(s);
                }
                let d = self.weather.exp_mean(self.p.WX_OPEN);
                s.after(d, Ev::WxClose);
            }
        }
    }

    fn done(&self, _s: &Scheduler<Ev>) -> bool {
        self.ferry == Ferry::Done
    }
}

/// Run one replication; returns the results and the end-to-end times (sorted).
pub fn simulate(p: &Params, seed: u64) -> (Output, Vec<f64>) {
    let (b_mu, b_sigma) = lognormal_params(p.BORDER_MEAN, p.BORDER_SD);
    let (w_mu, w_sigma) = lognormal_params(p.WX_CLOSE_MEAN, p.WX_CLOSE_SD);
    let expected = (p.LAM * (p.HORIZON - p.WARMUP)).max(0.0) as usize;
    let mut m = Corridor {
        train_cap: (p.TRAIN_CAP as usize).max(1),
        ferry_cap: (p.FERRY_CAP as usize).max(1),
        b_mu,
        b_sigma,
        w_mu,
        w_sigma,
        arrivals: Stream::new(seed, 0, 0),
        delays: Stream::new(seed, 0, 1),
        border_rng: Stream::new(seed, 0, 2),
        weather: Stream::new(seed, 0, 3),
        yard: VecDeque::with_capacity(4096),
        batches: Vec::new(),
        free: Vec::new(),
        border: Servers::new((p.BORDER_LANES as u32).max(1), 0.0),
        quay: VecDeque::with_capacity(4096),
        ferry: Ferry::Away,
        generation: 0,
        full_signalled: false,
        closed: false,
        arrivals_on: true,
        trains_on: true,
        measured: 0,
        e2e: Vec::with_capacity(expected + expected / 50),
        sailings: 0,
        closures: 0,
        holds: 0,
        p: p.clone(),
    };
    let mut s = Scheduler::new();
    let first = m.arrivals.exp_mean(1.0 / p.LAM);
    s.at(first, Ev::Arrival);
    s.at(p.TRAIN_HEADWAY, Ev::TrainSlot(1));
    let wx = m.weather.exp_mean(p.WX_OPEN);
    s.at(wx, Ev::WxClose);
    m.at_berth(&mut s);
    crate::kernel::run(&mut m, &mut s, f64::INFINITY);
    let mut e2e = std::mem::take(&mut m.e2e);
    e2e.sort_by(|a, b| a.total_cmp(b));
    let n = e2e.len();
    let q = |x: f64| {
        if n == 0 {
            f64::NAN
        } else {
            e2e[((x * n as f64) as usize).min(n - 1)]
        }
    };
    let out = Output {
        containers: n as u64,
        measured_arrivals: m.measured,
        e2e_mean_h: e2e.iter().sum::<f64>() / n.max(1) as f64,
        e2e_p50_h: q(0.5),
        e2e_p95_h: q(0.95),
        e2e_p99_h: q(0.99),
        e2e_max_h: e2e.last().copied().unwrap_or(f64::NAN),
        sailings: m.sailings,
        weather_closures: m.closures,
        weather_holds: m.holds,
        sim_end_h: (s.now() * 1000.0).round() / 1000.0,
        events: s.processed(),
        events_pending: s.pending() as u64,
    };
    let _ = (m.arrivals_on, m.trains_on);
    (out, e2e)
}
