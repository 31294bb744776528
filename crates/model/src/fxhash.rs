//! A fast, non-cryptographic hasher (the FxHash algorithm of rustc) for the loader's
//! look-up tables: keys come from the user's own files, so hash flooding is no concern,
//! and SipHash was a measurable share of loading a million links.

use std::hash::{BuildHasherDefault, Hasher};

/// FxHash state.
#[derive(Default, Clone, Copy)]
pub struct FxHasher(u64);

const K: u64 = 0x517c_c1b7_2722_0a95;

impl FxHasher {
    #[inline]
    fn add(&mut self, w: u64) {
        self.0 = (self.0.rotate_left(5) ^ w).wrapping_mul(K);
    }
}

impl Hasher for FxHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            self.add(u64::from_le_bytes(c.try_into().expect("chunk of 8")));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut buf = [0u8; 8];
            buf[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(buf));
        }
    }
    #[inline]
    fn write_u8(&mut self, i: u8) {
        self.add(i as u64);
    }
    #[inline]
    fn write_u32(&mut self, i: u32) {
        self.add(i as u64);
    }
    #[inline]
    fn write_u64(&mut self, i: u64) {
        self.add(i);
    }
    #[inline]
    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }
    /// Finalised with murmur3's fmix64: the multiply above leaves the low bits (which the
    /// table uses as bucket index) depending only on low input bits, so keys sharing their
    /// first bytes (`N-123…`) would collide without it.
    #[inline]
    fn finish(&self) -> u64 {
        let mut h = self.0;
        h ^= h >> 33;
        h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
        h ^= h >> 33;
        h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
        h ^ (h >> 33)
    }
}

/// A `HashMap` with [`FxHasher`].
pub type FxHashMap<K, V> = std::collections::HashMap<K, V, BuildHasherDefault<FxHasher>>;
/// A `HashSet` with [`FxHasher`].
pub type FxHashSet<K> = std::collections::HashSet<K, BuildHasherDefault<FxHasher>>;

#[cfg(test)]
mod tests {
    use super::FxHashSet;
    use std::hash::{BuildHasher, BuildHasherDefault};

    #[test]
    fn keys_with_a_common_prefix_spread_over_buckets() {
        let b = BuildHasherDefault::<super::FxHasher>::default();
        let low: FxHashSet<u64> = (0..10_000)
            .map(|i| b.hash_one(format!("N-{i}")) & 0xffff)
            .collect();
        assert!(
            low.len() > 8_000,
            "only {} distinct low-16-bit hashes",
            low.len()
        );
    }
}
