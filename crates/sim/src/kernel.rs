//! The event loop: a future-event list ordered by (time, sequence number), so events at
//! the same time run in the order they were scheduled and runs are reproducible.
//!
//! Events are small `Copy` values chosen by the model; the scheduler never allocates per
//! event once its heap has grown to the model's working size. Cancelling is lazy: a model
//! that may cancel a timer stores a generation in the event and ignores stale ones.
//!
//! An event that recurs, one pending per entity (a flow's next arrival), may go in a slot
//! of its own ([`Scheduler::at_slot`], `slots.rs`): a winner tree that is cheaper than the
//! heap for them and takes part in the same (time, sequence) order.

mod slots;

use slots::Slots;

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
    /// Bit i set when bucket i is not empty, so the lowest one is found with one
    /// `trailing_zeros` instead of a scan (small models pop from an empty bucket 0 often).
    occupied: u128,
    /// Bucket 128 (keys differing from `last` in the top bit) is not in `occupied`.
    top: bool,
    last: u128,
    len: usize,
    /// The smallest key, once [`RadixHeap::min_key`] has looked for it (until the next pop).
    min: Option<u128>,
}

impl<E: Copy> RadixHeap<E> {
    fn new() -> Self {
        RadixHeap {
            buckets: (0..129).map(|_| Vec::new()).collect(),
            occupied: 0,
            top: false,
            last: 0,
            len: 0,
            min: None,
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
        let b = Self::bucket(k, self.last);
        self.mark(b);
        self.buckets[b].push(e);
        self.len += 1;
        if let Some(m) = self.min {
            self.min = Some(m.min(k));
        }
    }
    #[inline(always)]
    fn mark(&mut self, b: usize) {
        if b < 128 {
            self.occupied |= 1u128 << b;
        } else {
            self.top = true;
        }
    }
    /// Bring the minimum into bucket 0 (false if empty).
    #[inline]
    fn settle(&mut self) -> bool {
        if self.occupied & 1 != 0 {
            return true;
        }
        let i = if self.occupied != 0 {
            self.occupied.trailing_zeros() as usize
        } else if self.top {
            128
        } else {
            return false;
        };
        let mut v = std::mem::take(&mut self.buckets[i]);
        if i < 128 {
            self.occupied &= !(1u128 << i);
        } else {
            self.top = false;
        }
        let last = v.iter().map(Entry::key).min().expect("non-empty bucket");
        self.last = last;
        for e in v.drain(..) {
            let b = Self::bucket(e.key(), last);
            self.mark(b);
            self.buckets[b].push(e);
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
        self.min = None;
        self.len -= 1;
        let e = self.buckets[0].pop();
        if self.buckets[0].is_empty() {
            self.occupied &= !1;
        }
        e
    }
    /// The smallest key (`u128::MAX` when empty), found without moving anything: only a
    /// pop may advance `last`, since the slots may take an earlier event than this heap's
    /// first and events after it may then be pushed below this heap's first.
    #[inline]
    fn min_key(&mut self) -> u128 {
        if let Some(m) = self.min {
            return m;
        }
        let i = if self.occupied != 0 {
            self.occupied.trailing_zeros() as usize
        } else if self.top {
            128
        } else {
            return u128::MAX;
        };
        let m = self.buckets[i]
            .iter()
            .map(Entry::key)
            .min()
            .expect("non-empty");
        self.min = Some(m);
        m
    }
    fn len(&self) -> usize {
        self.len
    }
    /// Move every entry into `quad`, leaving this heap empty.
    fn drain_into(&mut self, quad: &mut QuadHeap<E>) {
        for b in &mut self.buckets {
            for e in b.drain(..) {
                quad.push(e);
            }
        }
        self.occupied = 0;
        self.top = false;
        self.len = 0;
        self.min = None;
    }
}

/// A 4-ary min-heap (hole-based sifting): the cheapest list for the few pending events of
/// a queueing model.
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
    /// Remove the minimum: move the smallest child up into the hole at the root, down to
    /// the bottom, then the last entry up from there (it nearly always belongs near the
    /// bottom). The smallest of four children is found by comparing keys into an index,
    /// without branches: the comparisons are random, and mispredicted branches were most
    /// of the cost of a pop.
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
            let m = if c + 3 < n {
                let k = |j: usize| self.v[j].key();
                let a = c + (k(c + 1) < k(c)) as usize;
                let b = c + 2 + (k(c + 3) < k(c + 2)) as usize;
                a + (b - a) * (k(b) < k(a)) as usize
            } else if c < n {
                // The last, partial group of children: theirs are past the end.
                (c + 1..n).fold(c, |m, j| if self.v[j].before(&self.v[m]) { j } else { m })
            } else {
                break;
            };
            self.v[i] = self.v[m];
            i = m;
        }
        while i > 0 {
            let p = (i - 1) / 4;
            if last.before(&self.v[p]) {
                self.v[i] = self.v[p];
                i = p;
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

/// The future-event list: a 4-ary heap while few events are pending, a radix heap past
/// [`LARGE`] (no sifting through deep heap levels with their cache misses), back to the heap
/// below [`SMALL`]. Both are exact priority queues on unique keys, so the order of events
/// never depends on which one holds them.
struct EventList<E> {
    quad: QuadHeap<E>,
    radix: RadixHeap<E>,
    big: bool,
    /// Key of the last entry taken: every pending key is larger.
    last: u128,
    /// Switches between the two heaps so far (a measure for tests).
    switches: u32,
}

/// Pending events above which the radix heap takes over.
const LARGE: usize = 2048;
/// Pending events below which the 4-ary heap takes over again.
const SMALL: usize = 256;

impl<E: Copy> EventList<E> {
    fn new() -> Self {
        EventList {
            quad: QuadHeap::with_capacity(1024),
            radix: RadixHeap::new(),
            big: false,
            last: 0,
            switches: 0,
        }
    }
    #[inline]
    fn push(&mut self, e: Entry<E>) {
        if self.big {
            self.radix.push(e);
        } else {
            self.quad.push(e);
            if self.quad.len() > LARGE {
                self.radix.last = self.last;
                for e in self.quad.v.drain(..) {
                    self.radix.push(e);
                }
                self.big = true;
                self.switches += 1;
            }
        }
    }
    #[inline]
    fn pop(&mut self) -> Option<Entry<E>> {
        let e = if self.big {
            let e = self.radix.pop();
            if self.radix.len() < SMALL {
                self.radix.drain_into(&mut self.quad);
                self.big = false;
                self.switches += 1;
            }
            e
        } else {
            self.quad.pop()
        }?;
        self.last = e.key();
        Some(e)
    }
    /// The smallest key pending (`u128::MAX` when none).
    #[inline]
    fn min_key(&mut self) -> u128 {
        if self.big {
            self.radix.min_key()
        } else {
            self.quad.peek().map_or(u128::MAX, Entry::key)
        }
    }
    fn len(&self) -> usize {
        if self.big {
            self.radix.len()
        } else {
            self.quad.len()
        }
    }
}

/// The simulation clock and future-event list, with its slots (see [`Scheduler::at_slot`]).
pub struct Scheduler<E> {
    heap: EventList<E>,
    slots: Slots<E>,
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
            heap: EventList::new(),
            slots: Slots::new(),
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
        let e = self.entry(t, ev);
        self.heap.push(e);
    }

    /// Schedule `ev` at absolute time `t` in slot `slot`: for an event that recurs, one
    /// pending per slot (a flow's next arrival), at less cost than [`Scheduler::at`]. The
    /// order of events is the same as if it were scheduled with `at`: by time, then by the
    /// order of scheduling across slots and the list. An event still pending in the slot
    /// stays pending (in the list), so nothing is lost; slots are best kept dense from 0.
    ///
    /// # Panics
    /// As [`Scheduler::at`].
    #[inline]
    pub fn at_slot(&mut self, slot: usize, t: f64, ev: E) {
        let e = self.entry(t, ev);
        if let Some(old) = self.slots.put(slot, e) {
            self.heap.push(old);
        }
    }

    /// A new entry at `t` with the next sequence number.
    #[inline]
    fn entry(&mut self, t: f64, ev: E) -> Entry<E> {
        assert!(
            t >= self.now,
            "event scheduled in the past: at {t} while the clock is at {}",
            self.now
        );
        assert!(t.is_finite(), "event scheduled at a non-finite time {t}");
        self.seq += 1;
        // The clock starts at 0, so t ≥ 0 here; + 0.0 turns −0 into +0 for the radix key.
        Entry {
            t: t + 0.0,
            seq: self.seq,
            ev,
        }
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
        self.next_until(f64::INFINITY)
    }

    /// Take the next event if it is at or before `until`, and advance the clock to it.
    #[inline]
    pub fn next_until(&mut self, until: f64) -> Option<(f64, E)> {
        let slot = self.slots.min_key();
        let list = self.heap.min_key();
        let e = if slot < list {
            if f64::from_bits((slot >> 64) as u64) > until {
                return None;
            }
            self.slots.take()
        } else {
            if list == u128::MAX || f64::from_bits((list >> 64) as u64) > until {
                return None;
            }
            self.heap.pop().expect("peeked")
        };
        self.now = e.t;
        self.processed += 1;
        Some((e.t, e.ev))
    }

    /// Time of the next event, if any.
    pub fn peek_time(&mut self) -> Option<f64> {
        let k = self.slots.min_key().min(self.heap.min_key());
        (k != u128::MAX).then(|| f64::from_bits((k >> 64) as u64))
    }

    /// Events waiting.
    pub fn pending(&self) -> usize {
        self.heap.len() + self.slots.len()
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
    while let Some((_, ev)) = sched.next_until(until) {
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

    trait Pq {
        fn push(&mut self, e: Entry<u32>);
        fn pop(&mut self) -> Option<Entry<u32>>;
        fn len(&self) -> usize;
        /// Switches between heaps, for a list that has them.
        fn switches(&self) -> u32 {
            0
        }
    }
    impl Pq for RadixHeap<u32> {
        fn push(&mut self, e: Entry<u32>) {
            RadixHeap::push(self, e)
        }
        fn pop(&mut self) -> Option<Entry<u32>> {
            RadixHeap::pop(self)
        }
        fn len(&self) -> usize {
            RadixHeap::len(self)
        }
    }
    impl Pq for EventList<u32> {
        fn push(&mut self, e: Entry<u32>) {
            EventList::push(self, e)
        }
        fn pop(&mut self) -> Option<Entry<u32>> {
            EventList::pop(self)
        }
        fn len(&self) -> usize {
            EventList::len(self)
        }
        fn switches(&self) -> u32 {
            self.switches
        }
    }

    #[test]
    fn radix_heap_pops_in_the_order_of_a_heap() {
        let r = same_order_as_a_heap(RadixHeap::new());
        assert_eq!(r.switches(), 0);
    }

    #[test]
    fn the_event_list_keeps_the_order_across_its_switches() {
        // The traffic below grows to ~67k pending events and drains to none: the list goes
        // from the 4-ary heap to the radix heap and back.
        let list = same_order_as_a_heap(EventList::new());
        assert_eq!(list.switches, 2, "up to the radix heap once, and back once");
    }

    fn same_order_as_a_heap<P: Pq>(mut radix: P) -> P {
        // Random simulation-like traffic: every push is at or after the last popped time,
        // with many ties; the list under test and the 4-ary heap must agree entry by entry.
        let mut rng = crate::rng::Stream::new(1, 2, 3);
        let mut quad = QuadHeap::with_capacity(16);
        // And both against the standard library's heap on (time bits, sequence).
        let mut std_heap = std::collections::BinaryHeap::new();
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
                std_heap.push(std::cmp::Reverse((e.t.to_bits(), e.seq)));
            }
            let (a, b) = (radix.pop().unwrap(), quad.pop().unwrap());
            assert_eq!((a.t, a.seq, a.ev), (b.t, b.seq, b.ev));
            let std::cmp::Reverse(c) = std_heap.pop().unwrap();
            assert_eq!(c, (b.t.to_bits(), b.seq));
            assert!(a.t >= now && !b.before(&a));
            now = a.t;
            assert_eq!(radix.len(), quad.len());
        }
        while let Some(a) = radix.pop() {
            let b = quad.pop().unwrap();
            assert_eq!((a.t, a.seq), (b.t, b.seq));
        }
        assert!(quad.pop().is_none() && radix.len() == 0);
        radix
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
