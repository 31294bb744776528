//! The mechanics of one replication: what moves. Units arrive from the flows of the epoch
//! in force, ride legs, wait for departures and node servers, travel in convoys, and are
//! delivered; weather closes ports, breakdowns stop servers and services, and an epoch
//! change swaps the network and demand. Every change is told to a [`Recorder`]; nothing
//! here counts.

use super::plan::{Plan, ServerOf};
use super::recorder::{Recorder, UnitInfo};
use super::routes::FEU_TEU;
use crate::kernel::{self, Model, Scheduler};
use crate::resource::Servers;
use crate::rng::Stream;
use corridor_route::time::Instant;
use std::collections::VecDeque;

/// Where a convoy meets servers: the entry of the line of a continuous leg it is about to
/// ride (a leg boarded onto a timetabled service has none: the service's departures and
/// payloads are the line's capacity), or a node at the end of a leg.
#[derive(Clone, Copy, Debug)]
enum Gate {
    Line { link: u32, reversed: bool },
    Node(u32),
}

#[derive(Clone, Copy)]
pub(crate) enum Ev {
    /// An arrival candidate of flow `.0` of epoch `.1` (stale once another epoch is in force).
    Gen(u32, u32),
    /// A new unit is ready at its origin (after the origin dwell).
    Start(Unit),
    /// A convoy is ready at a node for its next step: delivery or a timetabled service.
    Ready(u32),
    /// Convoy `.0` reaches node server `.1` (see [`Plan::servers`]).
    Arrive(u32, u32),
    /// Node server `.1` finishes serving convoy `.0`.
    NodeDone(u32, u32),
    /// A departure slot of queue `.0` (stale unless `.1` is the queue's timetable generation).
    Slot(u32, u32),
    Hold(u32),
    WxToggle(u32),
    WxCheck(u32),
    /// Breakdown `b` fails.
    Fail(u32),
    /// Breakdown `b` is repaired.
    Repair(u32),
    Sample,
    WarmEnd,
    /// Epoch `e` comes into force.
    Epoch(u32),
}

// An event carries the unit or the convoy number it moves, so handling it touches no
// shared table of single units (whose random accesses were most of the cost of an event).
const _: () = assert!(std::mem::size_of::<Ev>() <= 24);

/// Units that travel together: the load of one departure of a train or a ship, kept
/// together over the legs and nodes its units share (a block train is dispatched, rides,
/// is dwelled and crosses a border as one) and split where their routes part or where
/// they change to a timetabled service. A unit with no timetabled first leg travels as a
/// convoy of one.
#[derive(Default)]
struct Convoy {
    units: Vec<Unit>,
    /// The link whose line servers it has passed for the leg it is about to ride (a
    /// capacity-limited line is passed at its entry, then the leg is ridden).
    passed_line: Option<u32>,
}

/// What a unit does next at a node.
#[derive(Clone, Copy, PartialEq)]
enum Step {
    Deliver,
    Queue(u32),
    /// Ride on over this link (units riding different links part).
    Ride(u32),
}

/// A container (FEU) or a wagon in the system: 16 bytes, held by value in the event that
/// moves it, the convoy it travels in or the queue it waits in, never in a table of units
/// (its size follows from `wagon`, whether it is measured from `created`).
#[derive(Clone, Copy)]
pub(crate) struct Unit {
    path: u32,
    leg: u16,
    wagon: bool,
    created: f64,
}

struct QueueState {
    /// Units waiting, with the time each joined.
    waiting: VecDeque<(Unit, f64)>,
    berth: VecDeque<f64>,
    /// TEU-equivalents waiting.
    queued: f64,
    /// The timetable generation: bumped when an epoch changes the queue's timetable, so
    /// the old timetable's pending slots are ignored.
    generation: u32,
}

pub(crate) struct Sim<'p, R> {
    plan: &'p Plan,
    end: f64,
    /// The epoch in force.
    epoch: usize,
    /// Per distinct flow of the run: its arrivals and route draws.
    rng_flows: Vec<Stream>,
    /// Per link of the run: travel times (one draw per convoy); per node: dwell times. A
    /// stream of their own each, so a change elsewhere in the network does not shift them.
    rng_time: Vec<Stream>,
    rng_dwell: Vec<Stream>,
    rng_weather: Stream,
    rng_breakdown: Stream,
    /// Breakdowns under way at each departure queue (a node's server counts its own).
    queue_down: Vec<u16>,
    queues: Vec<QueueState>,
    /// Per node server ([`Plan::servers`]): the node's server in units, then its server in
    /// tonnes.
    nodes: Vec<Option<Servers<u32>>>,
    /// TEU-equivalents waiting at each node server (containers and wagons differ in size,
    /// so the server's unit count is not enough).
    node_queued: Vec<f64>,
    closed: Vec<bool>,
    /// Convoys, by number; `free_convoys` lists the numbers not in use (their buffers are
    /// kept for reuse).
    convoys: Vec<Convoy>,
    free_convoys: Vec<u32>,
    /// Units whose route an epoch closed with no way on from where they stand: they wait
    /// there, and try again at the next epoch change.
    stranded: Vec<Unit>,
    pub(crate) rec: R,
}

impl<'p, R: Recorder> Sim<'p, R> {
    #[inline]
    fn size(&self, u: &Unit) -> f64 {
        if u.wagon {
            self.plan.params.teu_per_wagon
        } else {
            FEU_TEU
        }
    }

    #[inline]
    fn info(&self, u: &Unit) -> UnitInfo {
        UnitInfo {
            path: u.path,
            wagon: u.wagon,
            created: u.created,
            teu: self.size(u),
        }
    }

    /// `unit` joins the queue for timetabled service `q` and boards if a departure is due.
    fn join_queue(&mut self, s: &mut Scheduler<Ev>, q: u32, unit: Unit) {
        let now = s.now();
        let size = self.size(&unit);
        let st = &mut self.queues[q as usize];
        st.waiting.push_back((unit, now));
        st.queued += size;
        let queued = st.queued;
        self.rec.queue_level(now, q, queued);
        self.try_depart(s, q);
    }

    /// Schedule breakdown `b`'s next failure after `from`, if inside the run.
    fn next_failure(&mut self, s: &mut Scheduler<Ev>, b: usize, from: f64) {
        let t = from + self.rng_breakdown.exp_mean(self.plan.outages[b].mtbf_h);
        if t < self.end {
            s.at(t, Ev::Fail(b as u32));
        }
    }

    /// A node server after an operation: tell the recorder its busy servers.
    #[inline]
    fn busy(&mut self, now: f64, n: u32) {
        let busy = self.nodes[n as usize].as_ref().expect("server").busy();
        self.rec.node_busy(now, n, busy);
    }

    /// The service rate of node `n` in the epoch in force (a server that lost its capacity
    /// in this epoch finishes its work at the last rate it had).
    #[inline]
    fn rate(&self, n: u32) -> f64 {
        self.plan.rt[self.epoch].node_rate[n as usize]
            .or_else(|| {
                self.plan.rt[..self.epoch]
                    .iter()
                    .rev()
                    .find_map(|r| r.node_rate[n as usize])
            })
            .expect("a node server has a rate")
    }

    /// A node server is back in service: it starts the convoys waiting.
    fn restart_node(&mut self, s: &mut Scheduler<Ev>, n: u32) {
        let now = s.now();
        let started = self.nodes[n as usize].as_mut().expect("server").repair(now);
        self.busy(now, n);
        for c in started {
            let teu = self.convoy_teu(c);
            self.node_queued[n as usize] = (self.node_queued[n as usize] - teu).max(0.0);
            self.rec
                .node_queue_level(now, n, self.node_queued[n as usize]);
            s.after(self.service_h(c, n), Ev::NodeDone(c, n));
        }
    }

    /// The hours node server `r` takes to serve convoy `c`: its TEU-equivalents at the
    /// rate of the server in units, its tonnes at the rate of the one in tonnes.
    #[inline]
    fn service_h(&self, c: u32, r: u32) -> f64 {
        if self.plan.server_is_tonnes(r as usize) {
            self.convoy_tonnes(c) / self.rate(r)
        } else {
            self.convoy_teu(c) / self.rate(r)
        }
    }

    /// Tonnes of a convoy: containers at `tonnes_per_teu`, wagons at `tonnes_per_wagon`.
    fn convoy_tonnes(&self, c: u32) -> f64 {
        let (teu_t, wagon_t) = (
            FEU_TEU * self.plan.tonnes_per_teu,
            self.plan.params.tonnes_per_wagon,
        );
        self.convoys[c as usize]
            .units
            .iter()
            .map(|u| if u.wagon { wagon_t } else { teu_t })
            .sum()
    }

    /// Convoy `c` at a gate at `t` — the entry of the line it is about to ride, or a node —,
    /// past the gate's servers before `stage` (0: none, 1: the one in units): it joins the
    /// next server the epoch in force gives the gate (a node's in units, which wagons pass
    /// when the capacity is a container terminal's; then the one in tonnes, a node's or the
    /// line's, which every unit passes), or, past them all, goes on: onto the line, or from
    /// a node after its dwell.
    fn pass(&mut self, s: &mut Scheduler<Ev>, c: u32, gate: Gate, t: f64, stage: u8) {
        let plan = self.plan;
        let nn = plan.node_keys.len();
        let rt = &plan.rt[self.epoch];
        let (units, tonnes, containers_only) = match gate {
            Gate::Line { link, reversed } => (None, plan.line_server(link, reversed), false),
            Gate::Node(n) => (
                Some(n as usize),
                nn + n as usize,
                rt.node_containers_only[n as usize],
            ),
        };
        if let Some(server) = units.filter(|&u| stage == 0 && rt.node_rate[u].is_some()) {
            // A container capacity: wagons pass it, on to the next server.
            if containers_only && self.convoys[c as usize].units.iter().any(|u| u.wagon) {
                let other = self.new_convoy();
                let mut units = std::mem::take(&mut self.convoys[c as usize].units);
                let mut wagons = std::mem::take(&mut self.convoys[other as usize].units);
                units.retain(|u| {
                    if u.wagon {
                        wagons.push(*u);
                    }
                    !u.wagon
                });
                self.convoys[c as usize].units = units;
                self.convoys[other as usize].units = wagons;
                self.pass(s, other, gate, t, 1);
                if self.convoys[c as usize].units.is_empty() {
                    self.free_convoy(c);
                    return;
                }
            }
            s.at(t, Ev::Arrive(c, server as u32));
            return;
        }
        if stage <= 1 && rt.node_rate[tonnes].is_some() {
            s.at(t, Ev::Arrive(c, tonnes as u32));
            return;
        }
        match gate {
            Gate::Line { link, .. } => {
                // Past the line's servers (or it has none): on with the units' next steps,
                // which ride it (those a closure while they waited sent elsewhere part).
                self.convoys[c as usize].passed_line = Some(link);
                self.next_steps(s, c, t);
            }
            Gate::Node(n) => {
                if stage > 0 {
                    // It was served at the node: it has passed it.
                    let units = &self.convoys[c as usize].units;
                    let wagons = units.iter().filter(|u| u.wagon).count() as f64;
                    self.rec
                        .node_passed(t, n, units.len() as f64 - wagons, wagons);
                }
                let d = self.dwell(n);
                self.next_steps(s, c, t + d);
            }
        }
    }

    /// Convoy `c` leaves server `r` at `t` (served, or let go when the server lost its
    /// capacity): on to the rest of its gate.
    fn leave_server(&mut self, s: &mut Scheduler<Ev>, c: u32, r: usize, t: f64) {
        let plan = self.plan;
        let stage = if plan.server_is_tonnes(r) { 2 } else { 1 };
        let gate = match plan.server(r) {
            ServerOf::Node { node, .. } => Gate::Node(node),
            ServerOf::Line { link, reversed } => Gate::Line { link, reversed },
        };
        self.pass(s, c, gate, t, stage);
    }

    /// A convoy with no units, from the free list when one is there.
    fn new_convoy(&mut self) -> u32 {
        match self.free_convoys.pop() {
            Some(c) => c,
            None => {
                self.convoys.push(Convoy::default());
                (self.convoys.len() - 1) as u32
            }
        }
    }

    fn free_convoy(&mut self, c: u32) {
        self.convoys[c as usize].units.clear();
        self.convoys[c as usize].passed_line = None;
        self.free_convoys.push(c);
    }

    /// TEU-equivalents in a convoy.
    fn convoy_teu(&self, c: u32) -> f64 {
        self.convoys[c as usize]
            .units
            .iter()
            .map(|u| self.size(u))
            .sum()
    }

    /// Before a unit takes its next leg: if the epoch in force closes a link, node or
    /// service still ahead on its path, it follows the epoch's detour from where it stands
    /// (false: there is none; it is stranded).
    #[inline]
    fn settle(&mut self, u: &mut Unit, now: f64) -> bool {
        let rt = &self.plan.rt[self.epoch];
        if rt.blocked.is_empty() || !rt.is_blocked(u.path, u.leg) {
            return true;
        }
        match rt.detour(u.path, u.leg) {
            Some(d) => {
                u.path = d;
                u.leg = 0;
                true
            }
            None => {
                let info = self.info(u);
                self.rec.stranded(now, &info);
                false
            }
        }
    }

    /// Settle every unit of a convoy; the stranded leave it. False if none is left.
    fn settle_convoy(&mut self, c: u32, t: f64) -> bool {
        if self.plan.rt[self.epoch].blocked.is_empty() {
            return true;
        }
        let mut units = std::mem::take(&mut self.convoys[c as usize].units);
        let mut stranded = Vec::new();
        units.retain_mut(|u| {
            let ok = self.settle(u, t);
            if !ok {
                stranded.push(*u);
            }
            ok
        });
        self.stranded.extend(stranded);
        self.convoys[c as usize].units = units;
        if self.convoys[c as usize].units.is_empty() {
            self.free_convoy(c);
            return false;
        }
        true
    }

    /// A unit goes on from where it stands at `now` (after a detour or a wait).
    fn go_on(&mut self, s: &mut Scheduler<Ev>, unit: Unit) {
        let now = s.now();
        match self.step(&unit) {
            Step::Queue(q) => self.join_queue(s, q, unit),
            _ => {
                let c = self.new_convoy();
                self.convoys[c as usize].units.push(unit);
                self.next_steps(s, c, now);
            }
        }
    }

    /// What `unit` does next at the node it has reached.
    #[inline]
    fn step(&self, unit: &Unit) -> Step {
        match self.plan.paths[unit.path as usize]
            .legs
            .get(unit.leg as usize)
        {
            None => Step::Deliver,
            Some(l) => match l.queue {
                Some(q) => Step::Queue(q),
                None => Step::Ride(l.link),
            },
        }
    }

    /// The convoy's current leg (the same link for all its units) ends at `t`: tell it,
    /// advance its units, and schedule what happens at the next node (the node's server,
    /// or after the node's dwell, the units' next steps).
    fn end_leg(&mut self, s: &mut Scheduler<Ev>, c: u32, t: f64) {
        let plan = self.plan;
        let first = self.convoys[c as usize].units[0];
        let leg = &plan.paths[first.path as usize].legs[first.leg as usize];
        let (mut teu, mut wagons, mut containers) = (0.0, 0.0, 0.0);
        for u in &self.convoys[c as usize].units {
            teu += self.size(u);
            if u.wagon {
                wagons += 1.0;
            } else {
                containers += 1.0;
            }
        }
        self.rec
            .leg_ended(t, leg.link, leg.mode, teu, containers, wagons);
        let head = leg.head;
        for u in &mut self.convoys[c as usize].units {
            u.leg += 1;
        }
        self.pass(s, c, Gate::Node(head), t, 0);
    }

    /// The convoy is ready at its node at `t` for its units' next steps. Units whose next
    /// step differs from the first unit's leave in convoys of their own. A convoy that
    /// rides on (a leg without a timetable) is followed to the end of that leg at once:
    /// nothing on such a leg depends on the simulation state, so its next event is where
    /// it next meets the state (a server, a queue, delivery).
    fn next_steps(&mut self, s: &mut Scheduler<Ev>, c: u32, t: f64) {
        if !self.settle_convoy(c, t) {
            return;
        }
        let step = self.step(&self.convoys[c as usize].units[0]);
        let parts = self.convoys[c as usize]
            .units
            .iter()
            .any(|u| self.step(u) != step);
        if parts {
            let other = self.new_convoy();
            let mut stay = std::mem::take(&mut self.convoys[c as usize].units);
            let mut leave = std::mem::take(&mut self.convoys[other as usize].units);
            stay.retain(|u| {
                let keep = self.step(u) == step;
                if !keep {
                    leave.push(*u);
                }
                keep
            });
            self.convoys[c as usize].units = stay;
            self.convoys[other as usize].units = leave;
            self.next_steps(s, other, t);
        }
        match step {
            Step::Deliver | Step::Queue(_) => s.at(t, Ev::Ready(c)),
            Step::Ride(link) => {
                let first = self.convoys[c as usize].units[0];
                let leg = &self.plan.paths[first.path as usize].legs[first.leg as usize];
                // A capacity-limited line is entered through its server (a train waits
                // for a path on the line where it joins it); a line without one is ridden
                // at once, without a second pass over the convoy's next steps.
                let server = self.plan.line_server(link, leg.reversed);
                if self.convoys[c as usize].passed_line != Some(link)
                    && self.plan.rt[self.epoch].node_rate[server].is_some()
                {
                    let gate = Gate::Line {
                        link,
                        reversed: leg.reversed,
                    };
                    self.pass(s, c, gate, t, 0);
                    return;
                }
                self.convoys[c as usize].passed_line = None;
                let dt = leg.time.sample(self.rng_time[leg.link as usize].uniform());
                self.end_leg(s, c, t + dt);
            }
        }
    }

    /// A unit leaves its origin at `now` (after the origin's dwell).
    fn start(&mut self, s: &mut Scheduler<Ev>, mut unit: Unit, now: f64) {
        if self.settle(&mut unit, now) {
            self.go_on(s, unit);
        } else {
            self.stranded.push(unit);
        }
    }

    /// Schedule flow `f`'s next arrival candidate after `from`, if inside the run.
    fn next_candidate(&mut self, s: &mut Scheduler<Ev>, f: u32, from: f64) {
        let gap = self.plan.rt[self.epoch].arrivals[f as usize].0;
        let g = self.plan.rt[self.epoch].flow_stream[f as usize] as usize;
        let t = from + self.rng_flows[g].exp_mean(gap);
        if t < self.end {
            // One pending candidate per flow: in the flow's slot (a candidate of an earlier
            // epoch still there stays pending, and is ignored when it comes).
            s.at_slot(f as usize, t, Ev::Gen(f, self.epoch as u32));
        }
    }

    fn dwell(&mut self, node: u32) -> f64 {
        match &self.plan.rt[self.epoch].dwell[node as usize] {
            Some(d) => d.sample(self.rng_dwell[node as usize].uniform()),
            None => 0.0,
        }
    }

    fn try_depart(&mut self, s: &mut Scheduler<Ev>, q: u32) {
        let Some(spec) = &self.plan.rt[self.epoch].queues[q as usize] else {
            // The service does not run in this epoch.
            return;
        };
        if spec.weather.is_some_and(|w| self.closed[w]) || self.queue_down[q as usize] > 0 {
            return;
        }
        let now = s.now();
        loop {
            let st = &mut self.queues[q as usize];
            let Some(&slot) = st.berth.front() else {
                return;
            };
            let full = st.queued >= spec.cap_teu;
            let due = !spec.when_full || now >= slot + spec.max_hold_h;
            if !(full || due) {
                return;
            }
            st.berth.pop_front();
            self.rec.departed(now, q);
            // Board first come, first served while the next unit fits; everyone on board
            // leaves as one convoy. A block train runs one route: the longest-waiting
            // unit's, and it takes that route's units in their order of arrival.
            let mut load = 0.0;
            let route = self.queues[q as usize].waiting.front().map(|w| w.0.path);
            let convoy = self.new_convoy();
            let boards = |u: &Unit| !spec.block || Some(u.path) == route;
            // Scan the queue's head: every unit before `i` that `boards` is on board.
            let mut i = 0;
            while let Some(&(unit, since)) = self.queues[q as usize].waiting.get(i) {
                if !boards(&unit) {
                    i += 1;
                    continue;
                }
                let size = self.size(&unit);
                if load + size > spec.cap_teu + 1e-9 {
                    break;
                }
                load += size;
                i += 1;
                self.queues[q as usize].queued = (self.queues[q as usize].queued - size).max(0.0);
                self.rec.boarded(now, q, size, now - since);
                self.convoys[convoy as usize].units.push(unit);
            }
            // Close the gaps the boarded units left in the scanned head, keeping the order
            // of those left behind: one pass over the head, whatever the queue's length.
            let st = &mut self.queues[q as usize];
            let mut w = i;
            for j in (0..i).rev() {
                if !boards(&st.waiting[j].0) {
                    w -= 1;
                    st.waiting[w] = st.waiting[j];
                }
            }
            st.waiting.drain(..w);
            if st.waiting.is_empty() {
                // No rounding residue of the running sum: an empty queue holds nothing.
                st.queued = 0.0;
            }
            match self.convoys[convoy as usize].units.first() {
                Some(first) => {
                    // One draw per departure: everyone on board arrives together.
                    let leg = &self.plan.paths[first.path as usize].legs[first.leg as usize];
                    let t = leg.time.sample(self.rng_time[leg.link as usize].uniform());
                    self.end_leg(s, convoy, now + t);
                }
                None => self.free_convoy(convoy),
            }
            let queued = self.queues[q as usize].queued;
            self.rec.queue_level(now, q, queued);
        }
    }

    /// An open spell whose mean makes the month's closed share come out right:
    /// mean open = mean closure × (1 − share) / share. A month without closures is open
    /// to its end, then checked again.
    fn schedule_open_spell(&mut self, s: &mut Scheduler<Ev>, a: usize) {
        let now = s.now();
        let share = self.plan.params.weather[a].closed_share[self.plan.month0(now)];
        if share <= 0.0 {
            let t = Instant(now).next_month_start().0;
            if t < self.end {
                s.at(t, Ev::WxCheck(a as u32));
            }
            return;
        }
        let mean_open = self.plan.weather[a].mean_closure_h * (1.0 - share) / share;
        let d = self.rng_weather.exp_mean(mean_open);
        let t = now + d;
        let month_end = Instant(now).next_month_start().0;
        if t > month_end {
            // The month's rate applies within the month: draw again at its end.
            if month_end < self.end {
                s.at(month_end, Ev::WxCheck(a as u32));
            }
        } else if t < self.end {
            s.at(t, Ev::WxToggle(a as u32));
        }
    }

    /// The first slot of queue `q`'s timetable in the epoch in force, from `from`.
    fn first_slot(&mut self, s: &mut Scheduler<Ev>, q: usize, from: f64) {
        if let Some(spec) = &self.plan.rt[self.epoch].queues[q] {
            s.at(
                Instant(from).next_departure(&spec.schedule).0,
                Ev::Slot(q as u32, self.queues[q].generation),
            );
        }
    }

    /// Epoch `e` comes into force at `now`: new arrivals follow its flows and route choice
    /// (units in the system keep their paths); timetables, node rates and dwells are its.
    fn change_epoch(&mut self, s: &mut Scheduler<Ev>, e: usize) {
        let now = s.now();
        let old = self.epoch;
        self.epoch = e;
        self.rec.epoch_changed(now, e as u32);
        let plan = self.plan;
        // Queues whose timetable changed get a new one (pending slots of the old are
        // ignored); slots already open stay open.
        for q in 0..self.queues.len() {
            let (a, b) = (&plan.rt[old].queues[q], &plan.rt[e].queues[q]);
            let same = match (a, b) {
                (Some(a), Some(b)) => a.schedule == b.schedule,
                (None, None) => true,
                _ => false,
            };
            if !same {
                self.queues[q].generation += 1;
                self.first_slot(s, q, now);
            }
            if b.is_some() {
                self.try_depart(s, q as u32);
            }
        }
        // A node that gains a capacity gets a server; one that loses it lets its queue go
        // on (to the node's next server, or after its dwell).
        for n in 0..self.nodes.len() {
            if plan.rt[e].node_rate[n].is_none() && plan.rt[old].node_rate[n].is_some() {
                if let Some(srv) = self.nodes[n].as_mut() {
                    let mut waiting = Vec::new();
                    while let Some(c) = srv.take_waiting() {
                        waiting.push(c);
                    }
                    for c in waiting {
                        let teu = self.convoy_teu(c);
                        self.node_queued[n] = (self.node_queued[n] - teu).max(0.0);
                        self.rec
                            .node_queue_level(now, n as u32, self.node_queued[n]);
                        self.leave_server(s, c, n, now);
                    }
                }
            }
        }
        // Units waiting for a service this epoch stops, or whose way on it closes, go on by
        // its detour; units stranded earlier try again.
        let mut moving: Vec<Unit> = std::mem::take(&mut self.stranded);
        for q in 0..self.queues.len() {
            let closed = plan.rt[e].queues[q].is_none();
            let st = &self.queues[q];
            if st.waiting.is_empty()
                || !(closed
                    || st
                        .waiting
                        .iter()
                        .any(|(u, _)| plan.rt[e].is_blocked(u.path, u.leg)))
            {
                continue;
            }
            let mut kept = VecDeque::new();
            for (u, since) in std::mem::take(&mut self.queues[q].waiting) {
                if closed || plan.rt[e].is_blocked(u.path, u.leg) {
                    self.queues[q].queued = (self.queues[q].queued - self.size(&u)).max(0.0);
                    moving.push(u);
                } else {
                    kept.push_back((u, since));
                }
            }
            self.queues[q].waiting = kept;
            let queued = self.queues[q].queued;
            self.rec.queue_level(now, q as u32, queued);
        }
        for mut u in moving {
            if self.settle(&mut u, now) {
                self.go_on(s, u);
            } else {
                self.stranded.push(u);
            }
        }
        for f in 0..plan.rt[e].arrivals.len() {
            if plan.rt[e].arrivals[f].0 > 0.0 {
                self.next_candidate(s, f as u32, now);
            }
        }
        if let Some(next) = plan.rt.get(e + 1) {
            if next.start < self.end {
                s.at(next.start, Ev::Epoch(e as u32 + 1));
            }
        }
    }
}

impl<R: Recorder> Model for Sim<'_, R> {
    type Event = Ev;
    fn handle(&mut self, s: &mut Scheduler<Ev>, ev: Ev) {
        let now = s.now();
        self.rec.before_event(now);
        let plan = self.plan;
        match ev {
            Ev::Gen(f, e) => {
                if e as usize != self.epoch {
                    // A candidate of a flow of an epoch no longer in force.
                    return;
                }
                let rt = &plan.rt[self.epoch];
                // Seasonal demand by thinning: candidates come at the peak month's rate and
                // are kept with probability (this month's factor / peak factor). A flat
                // profile draws nothing here, so it reproduces the unthinned stream.
                let peak = rt.arrivals[f as usize].1;
                let factor = rt.flow_season[f as usize][plan.month0(now)];
                let g = rt.flow_stream[f as usize] as usize;
                if factor < peak && self.rng_flows[g].uniform() * peak >= factor {
                    self.next_candidate(s, f, now);
                    return;
                }
                let r = self.rng_flows[g].uniform();
                let choices = &rt.choices[f as usize];
                let path = choices
                    .iter()
                    .find(|c| r <= c.1)
                    .map(|c| c.0)
                    .unwrap_or(choices[0].0);
                let unit = Unit {
                    path,
                    leg: 0,
                    wagon: rt.flow_wagon[f as usize],
                    created: now,
                };
                let info = self.info(&unit);
                self.rec.generated(now, &info);
                let d = self.dwell(rt.flow_origin[f as usize]);
                if d > 0.0 {
                    s.after(d, Ev::Start(unit));
                } else {
                    // No dwell at the origin: start now, without an event of its own (the
                    // other events' order, and so every random stream, is unchanged).
                    self.start(s, unit, now);
                }
                self.next_candidate(s, f, now);
            }
            Ev::Start(unit) => self.start(s, unit, now),
            Ev::Ready(c) => {
                // An epoch change since `next_steps` may have closed the way ahead.
                let rt = &plan.rt[self.epoch];
                if !rt.blocked.is_empty()
                    && self.convoys[c as usize]
                        .units
                        .iter()
                        .any(|u| rt.is_blocked(u.path, u.leg))
                {
                    self.next_steps(s, c, now);
                    return;
                }
                // Every unit of the convoy has the same next step (see `next_steps`).
                let units = std::mem::take(&mut self.convoys[c as usize].units);
                match self.step(&units[0]) {
                    Step::Deliver => {
                        for u in &units {
                            let info = self.info(u);
                            self.rec.delivered(now, &info);
                        }
                    }
                    Step::Queue(q) => {
                        for u in &units {
                            self.join_queue(s, q, *u);
                        }
                    }
                    Step::Ride(_) => unreachable!("a riding convoy is followed at once"),
                }
                self.convoys[c as usize].units = units;
                self.free_convoy(c);
            }
            Ev::Arrive(c, head) => {
                // Only legs over a capacity-limited line or that end at a capacity-limited
                // node have an arrival event: the convoy joins the server's queue (the leg
                // was already counted and advanced) and is served as one, for its
                // TEU-equivalents at the rate of a server in units, or its tonnes at the
                // rate of one in tonnes.
                let teu = self.convoy_teu(c);
                let started = self.nodes[head as usize]
                    .as_mut()
                    .expect("server")
                    .arrive(now, c);
                self.busy(now, head);
                match started {
                    Some(x) => s.after(self.service_h(x, head), Ev::NodeDone(x, head)),
                    None => {
                        self.node_queued[head as usize] += teu;
                        self.rec
                            .node_queue_level(now, head, self.node_queued[head as usize]);
                    }
                }
            }
            Ev::NodeDone(c, node) => {
                let teu = self.convoy_teu(c);
                let containers = self.convoys[c as usize]
                    .units
                    .iter()
                    .filter(|u| !u.wagon)
                    .count() as f64;
                self.rec.node_served(now, node, teu, containers);
                let next = self.nodes[node as usize]
                    .as_mut()
                    .expect("server")
                    .finish(now);
                self.busy(now, node);
                if let Some(next) = next {
                    let size = self.convoy_teu(next);
                    let left = self.nodes[node as usize]
                        .as_ref()
                        .expect("server")
                        .waiting();
                    self.node_queued[node as usize] = if left == 0 {
                        0.0
                    } else {
                        (self.node_queued[node as usize] - size).max(0.0)
                    };
                    self.rec
                        .node_queue_level(now, node, self.node_queued[node as usize]);
                    s.after(self.service_h(next, node), Ev::NodeDone(next, node));
                }
                self.leave_server(s, c, node as usize, now);
            }
            Ev::Slot(q, generation) => {
                if generation != self.queues[q as usize].generation {
                    return;
                }
                let Some(spec) = &plan.rt[self.epoch].queues[q as usize] else {
                    return;
                };
                // A service out of service loses its departures (weather only delays them:
                // the vessels wait in port).
                if self.queue_down[q as usize] == 0 {
                    self.queues[q as usize].berth.push_back(now);
                }
                let next = Instant(now + 1e-6).next_departure(&spec.schedule).0;
                if next < self.end {
                    s.at(next, Ev::Slot(q, generation));
                }
                if spec.when_full && spec.max_hold_h > 0.0 {
                    s.after(spec.max_hold_h, Ev::Hold(q));
                }
                self.try_depart(s, q);
            }
            Ev::Hold(q) => self.try_depart(s, q),
            Ev::WxToggle(a) => {
                let a = a as usize;
                if self.closed[a] {
                    self.closed[a] = false;
                    self.rec.weather(now, a as u32, false);
                    for q in 0..self.queues.len() {
                        if plan.rt[self.epoch].queues[q]
                            .as_ref()
                            .and_then(|x| x.weather)
                            == Some(a)
                        {
                            self.try_depart(s, q as u32);
                        }
                    }
                    self.schedule_open_spell(s, a);
                } else {
                    self.closed[a] = true;
                    self.rec.weather(now, a as u32, true);
                    let d = plan.weather[a].episode.sample(self.rng_weather.uniform());
                    s.after(d, Ev::WxToggle(a as u32));
                }
            }
            Ev::Fail(b) => {
                let out = &plan.outages[b as usize];
                self.rec.outage_started(now, b);
                if let Some(n) = out.node {
                    // A node down stops both its servers.
                    let nn = plan.node_keys.len();
                    for r in [n as usize, nn + n as usize] {
                        if let Some(srv) = self.nodes[r].as_mut() {
                            srv.fail();
                        }
                    }
                }
                for &q in &out.queues {
                    self.queue_down[q as usize] += 1;
                    // Departures waiting to fill are cancelled too.
                    self.queues[q as usize].berth.clear();
                }
                let d = out.repair.sample(self.rng_breakdown.uniform());
                s.after(d, Ev::Repair(b));
            }
            Ev::Repair(b) => {
                let out = &plan.outages[b as usize];
                self.rec.outage_ended(now, b);
                if let Some(n) = out.node {
                    let nn = plan.node_keys.len() as u32;
                    for r in [n, nn + n] {
                        if self.nodes[r as usize].is_some() {
                            self.restart_node(s, r);
                        }
                    }
                }
                for &q in &out.queues {
                    self.queue_down[q as usize] -= 1;
                    self.try_depart(s, q);
                }
                self.next_failure(s, b as usize, now);
            }
            Ev::WxCheck(a) => self.schedule_open_spell(s, a as usize),
            Ev::WarmEnd => self.rec.window_started(now),
            Ev::Sample => {
                self.rec.day_sampled(now);
                if now + 24.0 < self.end {
                    s.after(24.0, Ev::Sample);
                }
            }
            Ev::Epoch(e) => self.change_epoch(s, e as usize),
        }
    }
}

/// Run one replication of `plan` (streams from `seed` and `rep`) into `rec`; returns the
/// recorder and the number of events processed.
pub(crate) fn replicate<R: Recorder>(plan: &Plan, seed: u64, rep: u64, rec: R) -> (R, u64) {
    let start = plan.start;
    let warm_end = plan.warm_end();
    let end = plan.end();
    let mut sim = Sim {
        plan,
        end,
        epoch: 0,
        rng_flows: plan
            .flow_sources
            .iter()
            .map(|&src| Stream::new(seed, rep, src))
            .collect(),
        rng_time: plan
            .links
            .iter()
            .map(|l| Stream::new(seed, rep, super::plan::stream_source("link", &l.key)))
            .collect(),
        rng_dwell: plan
            .node_keys
            .iter()
            .map(|k| Stream::new(seed, rep, super::plan::stream_source("node", k)))
            .collect(),
        rng_weather: Stream::new(seed, rep, 4),
        rng_breakdown: Stream::new(seed, rep, 5),
        queue_down: vec![0; plan.queue_names.len()],
        queues: plan
            .queue_names
            .iter()
            .map(|_| QueueState {
                waiting: VecDeque::new(),
                berth: VecDeque::new(),
                queued: 0.0,
                generation: 0,
            })
            .collect(),
        nodes: plan
            .node_limited
            .iter()
            .map(|&l| l.then(|| Servers::new(1, start)))
            .collect(),
        node_queued: vec![0.0; plan.servers()],
        closed: vec![false; plan.params.weather.len()],
        convoys: Vec::new(),
        free_convoys: Vec::new(),
        stranded: Vec::new(),
        rec,
    };
    let mut s = Scheduler::new();
    for f in 0..plan.rt[0].arrivals.len() {
        if plan.rt[0].arrivals[f].0 > 0.0 {
            sim.next_candidate(&mut s, f as u32, start);
        }
    }
    for q in 0..plan.queue_names.len() {
        sim.first_slot(&mut s, q, start);
    }
    for a in 0..plan.params.weather.len() {
        s.at(start, Ev::WxCheck(a as u32));
    }
    for b in 0..plan.params.breakdowns.len() {
        sim.next_failure(&mut s, b, start);
    }
    s.at(warm_end, Ev::WarmEnd);
    s.at(warm_end, Ev::Sample);
    if let Some(next) = plan.rt.get(1) {
        if next.start < end {
            s.at(next.start, Ev::Epoch(1));
        }
    }
    kernel::run(&mut sim, &mut s, end);
    sim.rec.finished(end);
    (sim.rec, s.processed())
}
