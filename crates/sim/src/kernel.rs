//! The event loop: a future-event list ordered by (time, sequence number), so events at
//! the same time run in the order they were scheduled and runs are reproducible.
//!
//! Events are small `Copy` values chosen by the model; the scheduler never allocates per
//! event once its heap has grown to the model's working size. Cancelling is lazy: a model
//! that may cancel a timer stores a generation in the event and ignores stale ones.

#[derive(Clone, Copy)]
struct Entry<E> {
    t: f64,
    seq: u64,
    ev: E,
}

impl<E> Entry<E> {
    /// Strictly earlier in (time, sequence) order. Times are finite (checked on insert).
    #[inline(always)]
    fn before(&self, o: &Self) -> bool {
        self.t < o.t || (self.t == o.t && self.seq < o.seq)
    }
}

/// A 4-ary min-heap: half the depth of a binary heap, and a node's children share cache
/// lines, which matters once tens of thousands of events are pending.
struct QuadHeap<E> {
    v: Vec<Entry<E>>,
}

impl<E: Copy> QuadHeap<E> {
    fn with_capacity(n: usize) -> Self {
        QuadHeap {
            v: Vec::with_capacity(n),
        }
    }
    /// Insert: move parents down into a hole until the new entry fits.
    #[inline]
    fn push(&mut self, e: Entry<E>) {
        let mut i = self.v.len();
        self.v.push(e);
        while i > 0 {
            let p = (i - 1) / 4;
            if e.before(&self.v[p]) {
                self.v[i] = self.v[p];
                i = p;
            } else {
                break;
            }
        }
        self.v[i] = e;
    }
    /// Remove the minimum: move the smallest child up into the hole at the root until the
    /// last entry fits.
    #[inline]
    fn pop(&mut self) -> Option<Entry<E>> {
        let last = self.v.pop()?;
        let n = self.v.len();
        if n == 0 {
            return Some(last);
        }
        let top = self.v[0];
        let mut i = 0;
        loop {
            let c = 4 * i + 1;
            if c >= n {
                break;
            }
            let mut m = c;
            let end = (c + 4).min(n);
            for k in c + 1..end {
                if self.v[k].before(&self.v[m]) {
                    m = k;
                }
            }
            if self.v[m].before(&last) {
                self.v[i] = self.v[m];
                i = m;
            } else {
                break;
            }
        }
        self.v[i] = last;
        Some(top)
    }
    #[inline]
    fn peek(&self) -> Option<&Entry<E>> {
        self.v.first()
    }
    fn len(&self) -> usize {
        self.v.len()
    }
}

/// The simulation clock and future-event list.
pub struct Scheduler<E> {
    heap: QuadHeap<E>,
    seq: u64,
    now: f64,
    processed: u64,
}

impl<E: Copy> Default for Scheduler<E> {
    fn default() -> Self {
        Self::new()
    }
}

impl<E: Copy> Scheduler<E> {
    /// An empty scheduler at time 0.
    pub fn new() -> Self {
        Scheduler {
            heap: QuadHeap::with_capacity(1024),
            seq: 0,
            now: 0.0,
            processed: 0,
        }
    }

    /// Current simulation time.
    #[inline]
    pub fn now(&self) -> f64 {
        self.now
    }

    /// Schedule `ev` at absolute time `t`.
    ///
    /// # Panics
    /// If `t` is before the current time (a model bug: the message gives both times).
    #[inline]
    pub fn at(&mut self, t: f64, ev: E) {
        assert!(
            t >= self.now,
            "event scheduled in the past: at {t} while the clock is at {}",
            self.now
        );
        assert!(t.is_finite(), "event scheduled at a non-finite time {t}");
        self.seq += 1;
        self.heap.push(Entry {
            t,
            seq: self.seq,
            ev,
        });
    }

    /// Schedule `ev` after a delay `dt` ≥ 0.
    #[inline]
    pub fn after(&mut self, dt: f64, ev: E) {
        let t = self.now + dt;
        self.at(t, ev);
    }

    /// Take the next event and advance the clock to it.
    #[inline]
    #[allow(clippy::should_implement_trait)]
    pub fn next(&mut self) -> Option<(f64, E)> {
        let e = self.heap.pop()?;
        self.now = e.t;
        self.processed += 1;
        Some((e.t, e.ev))
    }

    /// Time of the next event, if any.
    pub fn peek_time(&self) -> Option<f64> {
        self.heap.peek().map(|e| e.t)
    }

    /// Events waiting.
    pub fn pending(&self) -> usize {
        self.heap.len()
    }

    /// Events taken so far.
    pub fn processed(&self) -> u64 {
        self.processed
    }

    /// Events scheduled so far.
    pub fn scheduled(&self) -> u64 {
        self.seq
    }
}

/// A model: state plus an event handler. [`run`] drives it.
pub trait Model {
    /// The model's event type.
    type Event: Copy;
    /// Handle one event at the scheduler's current time.
    fn handle(&mut self, sched: &mut Scheduler<Self::Event>, ev: Self::Event);
    /// True when the run should stop (checked after every event).
    fn done(&self, _sched: &Scheduler<Self::Event>) -> bool {
        false
    }
}

/// Run until the event list is empty, the model says it is done, or the next event is
/// after `until`.
pub fn run<M: Model>(model: &mut M, sched: &mut Scheduler<M::Event>, until: f64) {
    while let Some(t) = sched.peek_time() {
        if t > until {
            break;
        }
        let (_, ev) = sched.next().expect("peeked");
        model.handle(sched, ev);
        if model.done(sched) {
            break;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ties_run_in_scheduling_order() {
        let mut s = Scheduler::new();
        s.at(5.0, 'b');
        s.at(1.0, 'a');
        s.at(5.0, 'c');
        s.at(5.0, 'd');
        let order: Vec<char> = std::iter::from_fn(|| s.next().map(|x| x.1)).collect();
        assert_eq!(order, vec!['a', 'b', 'c', 'd']);
        assert_eq!(s.processed(), 4);
    }

    #[test]
    #[should_panic(expected = "event scheduled in the past: at 1 while the clock is at 2")]
    fn scheduling_in_the_past_panics_with_both_times() {
        let mut s = Scheduler::new();
        s.at(2.0, ());
        s.next();
        s.at(1.0, ());
    }
}
