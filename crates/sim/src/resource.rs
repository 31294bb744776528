//! A resource with `c` identical servers and a FIFO queue, with time-weighted statistics
//! of its queue and of its busy servers.

use crate::stats::TimeAverage;
use std::collections::VecDeque;

/// Servers and a first-in-first-out queue of waiting items.
pub struct Servers<T> {
    capacity: u32,
    busy: u32,
    /// Outages under way (breakdowns may overlap): while any is, no service starts.
    down: u32,
    queue: VecDeque<T>,
    /// Time-weighted number waiting.
    pub queue_len: TimeAverage,
    /// Time-weighted number of busy servers.
    pub busy_servers: TimeAverage,
}

impl<T> Servers<T> {
    /// `capacity` servers, idle, from time `t0`.
    pub fn new(capacity: u32, t0: f64) -> Servers<T> {
        assert!(capacity > 0, "a resource needs at least one server");
        Servers {
            capacity,
            busy: 0,
            down: 0,
            queue: VecDeque::with_capacity(64),
            queue_len: TimeAverage::start(t0, 0.0),
            busy_servers: TimeAverage::start(t0, 0.0),
        }
    }
    /// An item arrives at `now`: it starts service at once (returned) or joins the queue
    /// (always while the servers are out of service).
    #[inline]
    pub fn arrive(&mut self, now: f64, item: T) -> Option<T> {
        if self.busy < self.capacity && self.down == 0 {
            self.busy += 1;
            self.busy_servers.set(now, self.busy as f64);
            Some(item)
        } else {
            self.queue.push_back(item);
            self.queue_len.set(now, self.queue.len() as f64);
            None
        }
    }
    /// A service ends at `now`: the next waiting item starts (returned), or a server idles
    /// (always while the servers are out of service).
    #[inline]
    pub fn finish(&mut self, now: f64) -> Option<T> {
        if self.down > 0 {
            self.busy -= 1;
            self.busy_servers.set(now, self.busy as f64);
            return None;
        }
        match self.queue.pop_front() {
            Some(x) => {
                self.queue_len.set(now, self.queue.len() as f64);
                Some(x)
            }
            None => {
                self.busy -= 1;
                self.busy_servers.set(now, self.busy as f64);
                None
            }
        }
    }
    /// An outage begins: services under way finish, none starts until every outage has
    /// ended.
    pub fn fail(&mut self) {
        self.down += 1;
    }
    /// An outage ends at `now`: if it was the last, free servers start the waiting items
    /// (returned, in queue order).
    pub fn repair(&mut self, now: f64) -> Vec<T> {
        self.down -= 1;
        let mut started = Vec::new();
        while let Some(x) = self.start_next(now) {
            started.push(x);
        }
        started
    }
    /// Start the next waiting item if a server is free and in service (returned).
    #[inline]
    fn start_next(&mut self, now: f64) -> Option<T> {
        if self.busy == self.capacity || self.down > 0 {
            return None;
        }
        let x = self.queue.pop_front()?;
        self.queue_len.set(now, self.queue.len() as f64);
        self.busy += 1;
        self.busy_servers.set(now, self.busy as f64);
        Some(x)
    }
    /// Servers busy now.
    pub fn busy(&self) -> u32 {
        self.busy
    }
    /// Take the first waiting item out of the queue without serving it (the resource is
    /// going away: its queue moves on).
    pub fn take_waiting(&mut self) -> Option<T> {
        self.queue.pop_front()
    }
    /// Servers.
    pub fn capacity(&self) -> u32 {
        self.capacity
    }
    /// Items waiting.
    pub fn waiting(&self) -> usize {
        self.queue.len()
    }
    /// Utilisation over the measured window ending at `t`.
    pub fn utilisation(&self, t: f64) -> f64 {
        self.busy_servers.mean(t) / self.capacity as f64
    }
}

#[cfg(test)]
mod tests {
    use super::Servers;

    #[test]
    fn out_of_service_servers_hold_arrivals_and_restart_in_order() {
        let mut s: Servers<char> = Servers::new(2, 0.0);
        assert_eq!(s.arrive(0.0, 'a'), Some('a'));
        // Out of service: arrivals wait even though a server is free.
        s.fail();
        assert_eq!(s.arrive(1.0, 'b'), None);
        assert_eq!(s.arrive(1.0, 'c'), None);
        assert_eq!(s.waiting(), 2);
        // The service under way ends; its server idles instead of taking `b`.
        assert_eq!(s.finish(2.0), None);
        // Two overlapping outages: the first repair starts nothing.
        s.fail();
        assert!(s.repair(3.0).is_empty());
        // Back in service: both servers start the waiting items, first come first served.
        assert_eq!(s.repair(4.0), vec!['b', 'c']);
        // Busy: 1 server over [0, 2), none over [2, 4), 2 from 4 to 6 → mean 6/6 = 1 of 2.
        assert!((s.utilisation(6.0) - 0.5).abs() < 1e-12);
        // Queue: 0 over [0,1), 2 over [1,4), 0 after → mean 6/6.
        assert!((s.queue_len.mean(6.0) - 1.0).abs() < 1e-12);
    }
}
