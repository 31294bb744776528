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
    #[cfg(test)]
    #[inline(always)]
    fn before(&self, o: &Self) -> bool {
        self.t < o.t || (self.t == o.t && self.seq < o.seq)
    }
    /// (time, sequence) as one integer. Times are finite and ≥ 0 (checked on insert, −0
    /// stored as +0), and the bits of non-negative floats order like the floats, so the
    /// integer orders entries exactly as (time, sequence) does.
    #[inline(always)]
    fn key(&self) -> u128 {
        ((self.t.to_bits() as u128) << 64) | self.seq as u128
    }
}

/// A radix heap: the future-event list. It relies on what a simulation guarantees, that no
/// event is scheduled before the last one taken, and keeps entries in 129 buckets by the
/// highest bit in which their key differs from that last key. Pushing appends to a bucket;
/// taking the minimum empties the lowest non-empty bucket into lower ones around its
/// minimum, so each entry moves a few times in its life instead of sifting through
/// ~log₄ n heap levels (with cache misses) twice. Keys are unique (the sequence number),
/// so the order is exactly the (time, sequence) order of a heap.
struct RadixHeap<E> {
    buckets: Vec<Vec<Entry<E>>>,
    last: u128,
    len: usize,
}

impl<E: Copy> RadixHeap<E> {
    fn new() -> Self {
        RadixHeap {
            buckets: (0..129).map(|_| Vec::new()).collect(),
            last: 0,
            len: 0,
        }
    }
    #[inline(always)]
    fn bucket(k: u128, last: u128) -> usize {
        if k == last {
            0
        } else {
            128 - (k ^ last).leading_zeros() as usize
        }
    }
    #[inline]
    fn push(&mut self, e: Entry<E>) {
        let k = e.key();
        debug_assert!(k >= self.last, "radix heap keys must not decrease");
        self.buckets[Self::bucket(k, self.last)].push(e);
        self.len += 1;
    }
    /// Bring the minimum into bucket 0 (false if empty).
    #[inline]
    fn settle(&mut self) -> bool {
        if !self.buckets[0].is_empty() {
            return true;
        }
        let Some(i) = (1..129).find(|&i| !self.buckets[i].is_empty()) else {
            return false;
        };
        let mut v = std::mem::take(&mut self.buckets[i]);
        let last = v.iter().map(Entry::key).min().expect("non-empty bucket");
        self.last = last;
        for e in v.drain(..) {
            self.buckets[Self::bucket(e.key(), last)].push(e);
        }
        // Keep the bucket's allocation for later pushes.
        self.buckets[i] = v;
        true
    }
    #[inline]
    fn pop(&mut self) -> Option<Entry<E>> {
        if !self.settle() {
            return None;
        }
        self.len -= 1;
        self.buckets[0].pop()
    }
    #[inline]
    fn peek(&mut self) -> Option<&Entry<E>> {
        if !self.settle() {
            return None;
        }
        self.buckets[0].last()
    }
    fn len(&self) -> usize {
        self.len
    }
}

/// A 4-ary min-heap, the kernel's event list before the radix heap; kept as the tests'
/// reference order.
#[cfg(test)]
struct QuadHeap<E> {
    v: Vec<Entry<E>>,
}

#[cfg(test)]
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
    fn len(&self) -> usize {
        self.v.len()
    }
}

/// The simulation clock and future-event list.
pub struct Scheduler<E> {
    heap: RadixHeap<E>,
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
            heap: RadixHeap::new(),
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
        // The clock starts at 0, so t ≥ 0 here; + 0.0 turns −0 into +0 for the radix key.
        self.heap.push(Entry {
            t: t + 0.0,
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
    pub fn peek_time(&mut self) -> Option<f64> {
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
    fn radix_heap_pops_in_the_order_of_a_heap() {
        // Random simulation-like traffic: every push is at or after the last popped time,
        // with many ties; the radix heap and the 4-ary heap must agree entry by entry.
        let mut rng = crate::rng::Stream::new(1, 2, 3);
        let (mut radix, mut quad) = (RadixHeap::new(), QuadHeap::with_capacity(16));
        let (mut now, mut seq) = (0.0f64, 0u64);
        for step in 0..200_000u32 {
            let pushes = if step % 3 == 0 { 2 } else { 1 };
            for _ in 0..pushes {
                seq += 1;
                let dt = match rng.uniform() {
                    u if u < 0.2 => 0.0,
                    u if u < 0.3 => (u * 10.0).floor(),
                    _ => rng.exp_mean(5.0),
                };
                let e = Entry {
                    t: now + dt,
                    seq,
                    ev: step,
                };
                radix.push(e);
                quad.push(e);
            }
            let (a, b) = (radix.pop().unwrap(), quad.pop().unwrap());
            assert_eq!((a.t, a.seq, a.ev), (b.t, b.seq, b.ev));
            assert!(a.t >= now && !b.before(&a));
            now = a.t;
            assert_eq!(radix.len(), quad.len());
        }
        while let Some(a) = radix.pop() {
            let b = quad.pop().unwrap();
            assert_eq!((a.t, a.seq), (b.t, b.seq));
        }
        assert!(quad.pop().is_none() && radix.len() == 0);
    }

    #[test]
    fn negative_zero_orders_as_zero() {
        let mut s = Scheduler::new();
        s.at(0.0, 'a');
        s.at(-0.0, 'b');
        s.at(1.0, 'c');
        let order: Vec<char> = std::iter::from_fn(|| s.next().map(|x| x.1)).collect();
        assert_eq!(order, vec!['a', 'b', 'c']);
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
