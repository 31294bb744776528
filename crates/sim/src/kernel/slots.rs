//! Slots: events that recur, one pending per slot (the operations model's next arrival
//! candidate of each flow, ~10³ of them and ~70 % of its events), kept out of the
//! future-event list in a winner tree over the slots. Taking the earliest and scheduling
//! the slot's next event replays one leaf-to-root path (≈ log₂ n compares with no data
//! moved) where a heap pops and pushes through its levels; the order is the same exact
//! (time, sequence) order, so the tree changes nothing but the cost.

use super::Entry;

/// A winner tree over `n` (a power of two) slots: `win[k]` is the smallest (key, slot) in
/// the subtree of node `k` (node 1 the root; node `n + i` is slot `i` itself, so one slot
/// is its own root). An empty
/// slot has the key `u128::MAX`.
pub(super) struct Slots<E> {
    win: Vec<(u128, u32)>,
    entries: Vec<Option<Entry<E>>>,
    n: usize,
    /// The slot taken last, emptied but not yet replayed: its model usually schedules it
    /// again at once, and then one replay does for both.
    dirty: Option<usize>,
    len: usize,
}

impl<E: Copy> Slots<E> {
    pub(super) fn new() -> Self {
        Slots {
            win: vec![(u128::MAX, 0); 2],
            entries: vec![None],
            n: 1,
            dirty: None,
            len: 0,
        }
    }

    /// Events pending in slots.
    pub(super) fn len(&self) -> usize {
        self.len
    }

    /// Put `e` in `slot`; returns the event the slot held, if any (the caller keeps it
    /// pending elsewhere: it keeps its own time and sequence).
    #[inline]
    pub(super) fn put(&mut self, slot: usize, e: Entry<E>) -> Option<Entry<E>> {
        if slot >= self.n {
            self.grow(slot + 1);
        }
        if let Some(d) = self.dirty {
            if d != slot {
                self.replay(d);
            }
            self.dirty = None;
        }
        let old = self.entries[slot].replace(e);
        if old.is_none() {
            self.len += 1;
        }
        self.win[self.n + slot].0 = e.key();
        self.replay(slot);
        old
    }

    /// The smallest key pending (`u128::MAX` when none).
    #[inline]
    pub(super) fn min_key(&mut self) -> u128 {
        if let Some(d) = self.dirty.take() {
            self.replay(d);
        }
        self.win[1].0
    }

    /// Take the earliest event (call after [`Slots::min_key`] said there is one).
    #[inline]
    pub(super) fn take(&mut self) -> Entry<E> {
        debug_assert!(self.dirty.is_none(), "min_key replays first");
        let w = self.win[1].1 as usize;
        self.win[self.n + w].0 = u128::MAX;
        self.len -= 1;
        self.dirty = Some(w);
        self.entries[w].take().expect("the winner holds an event")
    }

    /// Recompute the winners on the path from `slot` to the root. The comparisons are
    /// random, so the winner is picked by an index computed from the comparison, not by a
    /// branch.
    #[inline]
    fn replay(&mut self, slot: usize) {
        let mut node = (slot + self.n) >> 1;
        while node > 0 {
            let l = 2 * node;
            let w = l + (self.win[l + 1].0 < self.win[l].0) as usize;
            self.win[node] = self.win[w];
            node >>= 1;
        }
    }

    /// Room for `slots` slots: the next power of two, winners rebuilt.
    #[cold]
    fn grow(&mut self, slots: usize) {
        if let Some(d) = self.dirty.take() {
            self.replay(d);
        }
        let n = slots.next_power_of_two();
        let mut win = vec![(u128::MAX, 0); 2 * n];
        for i in 0..n {
            win[n + i] = (
                self.win.get(self.n + i).map_or(u128::MAX, |x| x.0),
                i as u32,
            );
        }
        for k in (1..n).rev() {
            let (a, b) = (win[2 * k], win[2 * k + 1]);
            win[k] = if b.0 < a.0 { b } else { a };
        }
        self.entries.resize(n, None);
        self.win = win;
        self.n = n;
    }
}

#[cfg(test)]
mod tests {
    use super::super::Scheduler;

    #[test]
    fn slots_keep_the_order_of_the_list() {
        // The same traffic twice: once with a third of the events in slots (some put while
        // their slot still holds one), once all in the list; the events must come out the
        // same, tie for tie, and the counts must agree.
        let mut rng = crate::rng::Stream::new(4, 5, 6);
        let (mut a, mut b) = (Scheduler::new(), Scheduler::new());
        a.at(0.0, u32::MAX);
        b.at(0.0, u32::MAX);
        let mut taken = 0u32;
        while let Some((t, ev)) = a.next_until(5_000.0) {
            assert_eq!(b.next_until(5_000.0), Some((t, ev)));
            taken += 1;
            if taken > 300_000 {
                break;
            }
            for _ in 0..(ev % 3) + 1 {
                let dt = match rng.uniform() {
                    u if u < 0.2 => 0.0,
                    u if u < 0.3 => (u * 10.0).floor(),
                    _ => rng.exp_mean(5.0),
                };
                let id = (rng.uniform() * 3000.0) as u32;
                if id % 3 == 0 {
                    a.at_slot((id / 3) as usize, t + dt, id);
                } else {
                    a.at(t + dt, id);
                }
                b.at(t + dt, id);
            }
            assert_eq!(a.pending(), b.pending());
        }
        assert!(taken > 100_000, "enough traffic: {taken}");
        assert!(a.heap.switches > 0, "the list reached its radix heap");
        assert_eq!(a.peek_time(), b.peek_time());
        assert_eq!(
            (a.processed(), a.scheduled()),
            (b.processed(), b.scheduled())
        );
        while let Some(x) = a.next() {
            assert_eq!(b.next(), Some(x));
        }
        assert_eq!(b.next(), None);
    }
}
