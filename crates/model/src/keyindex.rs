//! An index from text keys to dense row numbers that stores only `u32`s: the keys stay in
//! the rows they belong to, so a million links do not pay for a second copy of every id.

use crate::fxhash::FxHasher;
use std::hash::Hasher;

/// Open-addressing hash index (linear probing, load factor at most 3/4) of row numbers, keyed by text that the
/// caller looks up by row (`key_of`).
#[derive(Clone, Debug, Default)]
pub struct KeyIndex {
    /// (row + 1, high half of the key's hash); row 0 = empty. The hash half lets a probe
    /// skip non-matching slots without reading the key (a cache miss) from its row.
    slots: Vec<(u32, u32)>,
    len: usize,
}

fn hash(key: &str) -> u64 {
    let mut h = FxHasher::default();
    h.write(key.as_bytes());
    h.finish()
}

impl KeyIndex {
    /// An index sized for about `n` keys.
    pub fn with_capacity(n: usize) -> KeyIndex {
        KeyIndex {
            slots: vec![(0, 0); (n.max(4) * 2).next_power_of_two()],
            len: 0,
        }
    }

    /// Number of keys.
    pub fn len(&self) -> usize {
        self.len
    }

    /// True if the index holds no key.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Probe for `key`: `Ok(row)` if present, else `Err(slot)`, the empty slot where it
    /// would go. The table must not be empty.
    #[inline]
    fn probe<'a>(
        &self,
        key: &str,
        fp: u32,
        h: u64,
        key_of: &impl Fn(u32) -> &'a str,
    ) -> Result<u32, usize> {
        let mask = self.slots.len() - 1;
        let mut i = h as usize & mask;
        loop {
            match self.slots[i] {
                (0, _) => return Err(i),
                (s, f) if f == fp && key_of(s - 1) == key => return Ok(s - 1),
                _ => i = (i + 1) & mask,
            }
        }
    }

    /// The row whose key is `key`.
    pub fn get<'a>(&self, key: &str, key_of: impl Fn(u32) -> &'a str) -> Option<u32> {
        if self.slots.is_empty() {
            return None;
        }
        let h = hash(key);
        self.probe(key, (h >> 32) as u32, h, &key_of).ok()
    }

    /// Add `row` under `key` unless the key is present: then return the row that has it.
    /// One probe sequence instead of a `get` followed by an `insert`.
    pub fn insert_new<'a>(
        &mut self,
        key: &str,
        row: u32,
        key_of: impl Fn(u32) -> &'a str,
    ) -> Result<(), u32> {
        self.grow_for_one_more(&key_of);
        let h = hash(key);
        let fp = (h >> 32) as u32;
        match self.probe(key, fp, h, &key_of) {
            Ok(existing) => Err(existing),
            Err(i) => {
                self.slots[i] = (row + 1, fp);
                self.len += 1;
                Ok(())
            }
        }
    }

    /// Double the table when one more key would pass the 3/4 load factor.
    fn grow_for_one_more<'a>(&mut self, key_of: &impl Fn(u32) -> &'a str) {
        if (self.len + 1) * 4 > self.slots.len() * 3 {
            let mut bigger = KeyIndex::with_capacity(self.slots.len().max(4));
            for &(s, _) in self.slots.iter().filter(|s| s.0 != 0) {
                bigger.place(hash(key_of(s - 1)), s - 1);
            }
            *self = bigger;
        }
    }

    fn place(&mut self, h: u64, row: u32) {
        let mask = self.slots.len() - 1;
        let mut i = h as usize & mask;
        while self.slots[i].0 != 0 {
            i = (i + 1) & mask;
        }
        self.slots[i] = (row + 1, (h >> 32) as u32);
        self.len += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::KeyIndex;

    #[test]
    fn finds_every_key_after_growth() {
        let keys: Vec<String> = (0..10_000).map(|i| format!("N-{i}")).collect();
        let mut ix = KeyIndex::with_capacity(1);
        for (i, k) in keys.iter().enumerate() {
            assert_eq!(ix.get(k, |r| &keys[r as usize]), None);
            assert_eq!(ix.insert_new(k, i as u32, |r| &keys[r as usize]), Ok(()));
        }
        assert_eq!(ix.len(), keys.len());
        for (i, k) in keys.iter().enumerate() {
            assert_eq!(ix.get(k, |r| &keys[r as usize]), Some(i as u32));
        }
        assert_eq!(ix.get("N-10000", |r| &keys[r as usize]), None);
        let mut two = KeyIndex::with_capacity(1);
        assert_eq!(two.insert_new("a", 0, |r| ["a", "b"][r as usize]), Ok(()));
        assert_eq!(two.insert_new("b", 1, |r| ["a", "b"][r as usize]), Ok(()));
        assert_eq!(
            two.insert_new("a", 2, |r| ["a", "b", "a"][r as usize]),
            Err(0)
        );
    }
}
