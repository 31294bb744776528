//! What a run measures is not the mechanics' business: the event handler changes state and
//! tells a [`Recorder`] what happened; the recorder counts. The trait's hooks do nothing
//! by default, and the mechanics are generic over it, so a recorder costs only what its
//! hooks do (A/B Street's events and analytics; ripgrep's `Sink`).
//!
//! [`Kpis`] is the recorder behind every report: transit times per corridor and per path,
//! throughput, queues and waits of every resource, link flows, the backlog, weather and
//! breakdown days, and the calibration counts, over the measured window (after the
//! warm-up) and by calendar month and year.

use super::plan::Plan;
use super::stability::Trend;
use crate::stats::{Histogram, Tally, TimeAverage};
use corridor_model::network::Mode;

/// A unit (an FEU container or a wagon) as the recorder sees it.
#[derive(Clone, Copy, Debug)]
pub struct UnitInfo {
    /// Its path, in the run's numbering.
    pub path: u32,
    /// A wagon of wagonload cargo (else a container).
    pub wagon: bool,
    /// When it was generated, hours since the epoch.
    pub created: f64,
    /// TEU-equivalents (2 for a container, `teu_per_wagon` for a wagon).
    pub teu: f64,
}

/// What the mechanics tell: override the hooks you need. Times are hours since the epoch;
/// resources, links and paths are in the run's numbering ([`Plan`]).
#[allow(unused_variables)]
pub trait Recorder {
    /// Before every event, at its time.
    #[inline]
    fn before_event(&mut self, now: f64) {}
    /// The warm-up ends: the measured window starts.
    fn window_started(&mut self, now: f64) {}
    /// A unit enters the system at its origin.
    #[inline]
    fn generated(&mut self, now: f64, u: &UnitInfo) {}
    /// A unit reaches its destination.
    #[inline]
    fn delivered(&mut self, now: f64, u: &UnitInfo) {}
    /// A convoy's leg over `link` ends at `t` (possibly after the horizon): `teu`
    /// TEU-equivalents, of which `containers` containers and `wagons` wagons.
    #[inline]
    fn leg_ended(&mut self, t: f64, link: u32, mode: Mode, teu: f64, containers: f64, wagons: f64) {
    }
    /// A departure of queue `q` leaves (possibly empty).
    #[inline]
    fn departed(&mut self, now: f64, q: u32) {}
    /// A unit boards a departure of queue `q` after waiting `waited_h`.
    #[inline]
    fn boarded(&mut self, now: f64, q: u32, teu: f64, waited_h: f64) {}
    /// TEU-equivalents waiting for queue `q`'s departures, after a change.
    #[inline]
    fn queue_level(&mut self, now: f64, q: u32, teu: f64) {}
    /// TEU-equivalents waiting at node server `n` ([`Plan::servers`]: a node's server in
    /// units, or in tonnes), after a change.
    #[inline]
    fn node_queue_level(&mut self, now: f64, n: u32, teu: f64) {}
    /// Node server `n`'s busy servers, after an operation of it.
    #[inline]
    fn node_busy(&mut self, now: f64, n: u32, busy: u32) {}
    /// Node server `n` finishes serving a convoy of `teu` TEU-equivalents, of which
    /// `containers` containers.
    #[inline]
    fn node_served(&mut self, now: f64, n: u32, teu: f64, containers: f64) {}
    /// A convoy served at node `n` (the node, not a server) has passed all its servers,
    /// with `containers` containers and `wagons` wagons.
    #[inline]
    fn node_passed(&mut self, now: f64, n: u32, containers: f64, wagons: f64) {}
    /// Breakdown `b` fails.
    fn outage_started(&mut self, now: f64, b: u32) {}
    /// Breakdown `b` is repaired.
    fn outage_ended(&mut self, now: f64, b: u32) {}
    /// Weather area `a` closes or opens.
    fn weather(&mut self, now: f64, a: u32, closed: bool) {}
    /// The daily sample of the backlog.
    fn day_sampled(&mut self, now: f64) {}
    /// The network and demand of epoch `e` come into force.
    fn epoch_changed(&mut self, now: f64, e: u32) {}
    /// A unit whose route is closed has no way on from where it is: it waits there.
    fn stranded(&mut self, now: f64, u: &UnitInfo) {}
    /// The run ends at `end`.
    fn finished(&mut self, end: f64) {}
}

/// Counters of one departure queue over the measured window.
pub(crate) struct QueueCounts {
    pub queued_teu: TimeAverage,
    pub sailings: u64,
    /// Departures in each epoch (whose timetables and loads may differ).
    pub sailings_by_epoch: Vec<u64>,
    pub teu_carried: f64,
    pub wait: Tally,
}

/// The standard recorder: everything the report shows, for one replication.
pub struct Kpis<'p> {
    plan: &'p Plan,
    warm_end: f64,
    end: f64,
    pub(crate) generated: u64,
    pub(crate) delivered: u64,
    /// TEU-equivalents in the system now.
    pub(crate) in_system_teu: f64,
    pub(crate) path_hist: Vec<Histogram>,
    pub(crate) corridor_hist: Vec<Histogram>,
    /// Containers delivered per corridor by calendar month, TEU.
    pub(crate) monthly_teu: Vec<[f64; 12]>,
    pub(crate) corridor_teu: Vec<f64>,
    pub(crate) corridor_tonnes: Vec<f64>,
    /// Price and CO2e of the containers delivered per corridor, USD and kg.
    pub(crate) corridor_cost: Vec<f64>,
    pub(crate) corridor_co2e: Vec<f64>,
    /// TEU (containers) or tonnes (wagonload) delivered per path.
    pub(crate) path_volume: Vec<f64>,
    /// TEU-equivalents in the system, daily.
    pub(crate) backlog: Vec<f64>,
    /// The trend of the TEU-equivalents waiting at each resource, sampled daily: departure
    /// queues first, then nodes (as `through`).
    pub(crate) queue_trends: Vec<Trend>,
    /// TEU-equivalents generated and delivered in the measured window.
    pub(crate) window_generated_teu: f64,
    pub(crate) window_delivered_teu: f64,
    /// Per calibration point of the plan's parameters: the count it compares.
    pub(crate) calibration: Vec<f64>,
    /// TEU-equivalents through each resource by calendar month, measured period only:
    /// departure queues first, then nodes (offset by the number of queues).
    pub(crate) through: Vec<[f64; 12]>,
    /// TEU-equivalents over each link by calendar month of arrival, measured period only.
    pub(crate) link_through: Vec<[f64; 12]>,
    /// Convoys served at each node in the measured period.
    pub(crate) node_convoys: Vec<u64>,
    pub(crate) queues: Vec<QueueCounts>,
    pub(crate) node_queued: Vec<TimeAverage>,
    pub(crate) node_busy: Vec<TimeAverage>,
    node_busy_now: Vec<u32>,
    /// Per breakdown: failures starting in the measured period, and hours out of service in
    /// it.
    pub(crate) failures: Vec<u64>,
    pub(crate) down_h: Vec<f64>,
    down_since: Vec<f64>,
    closed: Vec<bool>,
    pub(crate) closed_h: Vec<f64>,
    last_event: f64,
    pub(crate) stranded: u64,
    /// Middle of the measured window: units generated in its first half and not delivered
    /// by the end are stuck, not merely in transit.
    mid: f64,
    pub(crate) early_generated: u64,
    pub(crate) early_delivered: u64,
    /// The epoch in force.
    epoch: usize,
}

impl<'p> Kpis<'p> {
    /// A recorder for one replication of `plan`.
    pub fn new(plan: &'p Plan) -> Kpis<'p> {
        let nc = plan.corridor_keys.len();
        let nq = plan.queue_names.len();
        let nn = plan.servers();
        let nb = plan.params.breakdowns.len();
        Kpis {
            plan,
            warm_end: plan.warm_end(),
            end: plan.end(),
            generated: 0,
            delivered: 0,
            in_system_teu: 0.0,
            path_hist: plan.paths.iter().map(|_| Histogram::new()).collect(),
            corridor_hist: (0..nc).map(|_| Histogram::new()).collect(),
            monthly_teu: vec![[0.0; 12]; nc],
            corridor_teu: vec![0.0; nc],
            corridor_tonnes: vec![0.0; nc],
            corridor_cost: vec![0.0; nc],
            corridor_co2e: vec![0.0; nc],
            path_volume: vec![0.0; plan.paths.len()],
            backlog: Vec::new(),
            queue_trends: vec![Trend::default(); nq + nn],
            window_generated_teu: 0.0,
            window_delivered_teu: 0.0,
            calibration: vec![0.0; plan.calibration.len()],
            through: vec![[0.0; 12]; nq + nn],
            link_through: vec![[0.0; 12]; plan.links.len()],
            node_convoys: vec![0; nn],
            queues: (0..nq)
                .map(|_| QueueCounts {
                    queued_teu: TimeAverage::start(plan.start, 0.0),
                    sailings: 0,
                    sailings_by_epoch: vec![0; plan.rt.len()],
                    teu_carried: 0.0,
                    wait: Tally::default(),
                })
                .collect(),
            node_queued: (0..nn)
                .map(|_| TimeAverage::start(plan.start, 0.0))
                .collect(),
            node_busy: (0..nn)
                .map(|_| TimeAverage::start(plan.start, 0.0))
                .collect(),
            node_busy_now: vec![0; nn],
            failures: vec![0; nb],
            down_h: vec![0.0; nb],
            down_since: vec![f64::NAN; nb],
            closed: vec![false; plan.params.weather.len()],
            closed_h: vec![0.0; plan.params.weather.len()],
            last_event: plan.start,
            stranded: 0,
            mid: 0.5 * (plan.warm_end() + plan.end()),
            early_generated: 0,
            early_delivered: 0,
            epoch: 0,
        }
    }

    /// Inside the measured window (after the warm-up, before the horizon).
    #[inline]
    fn measured(&self, t: f64) -> bool {
        t >= self.warm_end
    }

    #[inline]
    fn month0(&self, t: f64) -> usize {
        self.plan.month0(t)
    }

    /// Count the part of an outage from `from` to `to` inside the measured window.
    fn count_down(&mut self, b: usize, from: f64, to: f64) {
        let h = to.min(self.end) - from.max(self.warm_end);
        if h > 0.0 {
            self.down_h[b] += h;
        }
    }
}

impl Recorder for Kpis<'_> {
    #[inline]
    fn before_event(&mut self, t: f64) {
        // Closed time per weather area, integrated between events.
        if t > self.warm_end {
            let from = self.last_event.max(self.warm_end);
            for (a, c) in self.closed.iter().enumerate() {
                if *c {
                    self.closed_h[a] += t - from;
                }
            }
        }
        self.last_event = t;
    }

    fn window_started(&mut self, now: f64) {
        // Statistics of queues and servers cover the measured period only.
        for q in &mut self.queues {
            q.queued_teu.reset(now);
            q.wait = Tally::default();
            q.sailings = 0;
            q.sailings_by_epoch.iter_mut().for_each(|n| *n = 0);
            q.teu_carried = 0.0;
        }
        for a in self.node_busy.iter_mut().chain(&mut self.node_queued) {
            a.reset(now);
        }
    }

    #[inline]
    fn generated(&mut self, now: f64, u: &UnitInfo) {
        self.generated += 1;
        self.in_system_teu += u.teu;
        if now < self.mid {
            self.early_generated += 1;
        }
        if self.measured(now) {
            self.window_generated_teu += u.teu;
        }
    }

    #[inline]
    fn delivered(&mut self, now: f64, u: &UnitInfo) {
        self.delivered += 1;
        self.in_system_teu -= u.teu;
        if u.created < self.mid {
            self.early_delivered += 1;
        }
        if self.measured(now) {
            self.window_delivered_teu += u.teu;
            if now < self.end {
                let plan = self.plan;
                let c = plan.paths[u.path as usize].corridor;
                let (containers, wagons) = if u.wagon { (0.0, 1.0) } else { (1.0, 0.0) };
                for (i, p) in plan.calibration.iter().enumerate() {
                    if p.matches_delivery(c) {
                        self.calibration[i] += p.count(containers, wagons, plan);
                    }
                }
            }
        }
        // Units created after the warm-up are the measured ones.
        if !self.measured(u.created) {
            return;
        }
        let plan = self.plan;
        let h = now - u.created;
        self.path_hist[u.path as usize].add(h);
        let volume = if u.wagon {
            plan.params.tonnes_per_wagon
        } else {
            super::routes::FEU_TEU
        };
        self.path_volume[u.path as usize] += volume;
        let path = &plan.paths[u.path as usize];
        if let Some(c) = path.corridor {
            let c = c as usize;
            // Corridor transit times are container door-to-door times (the published
            // comparators); wagonload keeps its per-pair rows.
            if u.wagon {
                self.corridor_tonnes[c] += volume;
            } else {
                self.corridor_hist[c].add(h);
                self.corridor_teu[c] += volume;
                self.corridor_cost[c] += path.cost_per_feu;
                self.corridor_co2e[c] += path.co2e_per_feu;
                let m = self.month0(now);
                self.monthly_teu[c][m] += volume;
            }
        }
    }

    #[inline]
    fn leg_ended(&mut self, t: f64, link: u32, mode: Mode, teu: f64, containers: f64, wagons: f64) {
        // Crossings count when the leg ends inside the measured window (a chained leg may
        // end after the horizon).
        if !(t >= self.warm_end && t < self.end) {
            return;
        }
        let m = self.month0(t);
        self.link_through[link as usize][m] += teu;
        let plan = self.plan;
        for (i, p) in plan.calibration.iter().enumerate() {
            if p.matches_leg(link, mode) {
                self.calibration[i] += p.count(containers, wagons, plan);
            }
        }
    }

    #[inline]
    fn departed(&mut self, _now: f64, q: u32) {
        let st = &mut self.queues[q as usize];
        st.sailings += 1;
        st.sailings_by_epoch[self.epoch] += 1;
    }

    #[inline]
    fn boarded(&mut self, now: f64, q: u32, teu: f64, waited_h: f64) {
        let st = &mut self.queues[q as usize];
        st.wait.add(waited_h);
        st.teu_carried += teu;
        if self.measured(now) {
            let m = self.month0(now);
            self.through[q as usize][m] += teu;
        }
    }

    #[inline]
    fn queue_level(&mut self, now: f64, q: u32, teu: f64) {
        self.queues[q as usize].queued_teu.set(now, teu);
    }

    #[inline]
    fn node_queue_level(&mut self, now: f64, n: u32, teu: f64) {
        self.node_queued[n as usize].set(now, teu);
    }

    #[inline]
    fn node_busy(&mut self, now: f64, n: u32, busy: u32) {
        // Recorded only when it changes, as the server's own average is.
        if self.node_busy_now[n as usize] != busy {
            self.node_busy_now[n as usize] = busy;
            self.node_busy[n as usize].set(now, busy as f64);
        }
    }

    #[inline]
    fn node_served(&mut self, now: f64, n: u32, teu: f64, _containers: f64) {
        if self.measured(now) && now < self.end {
            let m = self.month0(now);
            self.through[self.plan.queue_names.len() + n as usize][m] += teu;
            self.node_convoys[n as usize] += 1;
        }
    }

    #[inline]
    fn node_passed(&mut self, now: f64, n: u32, containers: f64, wagons: f64) {
        if self.measured(now) && now < self.end {
            let plan = self.plan;
            for (i, p) in plan.calibration.iter().enumerate() {
                if p.matches_node(n) {
                    self.calibration[i] += p.count(containers, wagons, plan);
                }
            }
        }
    }

    fn outage_started(&mut self, now: f64, b: u32) {
        self.down_since[b as usize] = now;
        if self.measured(now) {
            self.failures[b as usize] += 1;
        }
    }

    fn outage_ended(&mut self, now: f64, b: u32) {
        let since = std::mem::replace(&mut self.down_since[b as usize], f64::NAN);
        self.count_down(b as usize, since, now);
    }

    fn weather(&mut self, _now: f64, a: u32, closed: bool) {
        self.closed[a as usize] = closed;
    }

    fn day_sampled(&mut self, now: f64) {
        if self.measured(now) {
            self.backlog.push(self.in_system_teu);
            let nq = self.queues.len();
            for (q, c) in self.queues.iter().enumerate() {
                self.queue_trends[q].add(c.queued_teu.value());
            }
            for (n, a) in self.node_queued.iter().enumerate() {
                self.queue_trends[nq + n].add(a.value());
            }
        }
    }

    fn epoch_changed(&mut self, _now: f64, e: u32) {
        self.epoch = e as usize;
    }

    fn stranded(&mut self, _now: f64, _u: &UnitInfo) {
        self.stranded += 1;
    }

    fn finished(&mut self, end: f64) {
        for b in 0..self.down_since.len() {
            let since = self.down_since[b];
            if !since.is_nan() {
                self.count_down(b, since, end);
            }
        }
    }
}
