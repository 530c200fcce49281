//! A memory-bounded, thread-safe cache of delta bases, keyed by pack and offset.
//!
//! Reading the objects of a delta chain one after another (as `cat-file --batch`, log and
//! diff do) would otherwise re-inflate the chain's shared bases over and over. The cache is
//! split into shards behind their own mutexes so that threads rarely wait on each other;
//! each shard evicts its least recently used entries once it holds more than its share of
//! the memory budget.

use crate::object::ObjectKind;
use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

/// Number of independently locked shards.
const SHARDS: usize = 4;

/// The default memory budget over all shards (bytes of cached object data).
pub const DEFAULT_CACHE_LIMIT: usize = 64 << 20;

/// Key: (pack id, entry offset).
type Key = (u64, u64);

struct Entry {
    kind: ObjectKind,
    data: Arc<Vec<u8>>,
    tick: u64,
}

#[derive(Default)]
struct Shard {
    map: HashMap<Key, Entry, super::BuildOffsetHasher>,
    by_age: BTreeMap<u64, Key>,
    tick: u64,
    bytes: usize,
}

/// A bounded cache of inflated delta bases.
pub struct DeltaBaseCache {
    shards: Vec<Mutex<Shard>>,
    shard_limit: usize,
    /// Entries over all shards, so that lookups in an empty cache take no lock.
    entries: AtomicUsize,
}

impl std::fmt::Debug for DeltaBaseCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "DeltaBaseCache(limit {} bytes)",
            self.shard_limit * SHARDS
        )
    }
}

impl DeltaBaseCache {
    /// A cache holding at most about `limit` bytes of object data.
    pub fn new(limit: usize) -> DeltaBaseCache {
        DeltaBaseCache {
            shards: (0..SHARDS).map(|_| Mutex::new(Shard::default())).collect(),
            shard_limit: limit / SHARDS,
            entries: AtomicUsize::new(0),
        }
    }

    fn shard(&self, key: Key) -> std::sync::MutexGuard<'_, Shard> {
        let h =
            (key.0.wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ key.1).wrapping_mul(0xff51_afd7_ed55_8ccd);
        let i = (h >> 59) as usize % SHARDS;
        self.shards[i].lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The cached object at `(pack, offset)`, marking it recently used.
    pub fn get(&self, pack: u64, offset: u64) -> Option<(ObjectKind, Arc<Vec<u8>>)> {
        if self.shard_limit == 0 || self.entries.load(Ordering::Relaxed) == 0 {
            return None;
        }
        let mut guard = self.shard((pack, offset));
        let s = &mut *guard;
        s.tick += 1;
        let tick = s.tick;
        let e = s.map.get_mut(&(pack, offset))?;
        s.by_age.remove(&e.tick);
        e.tick = tick;
        s.by_age.insert(tick, (pack, offset));
        Some((e.kind, Arc::clone(&e.data)))
    }

    /// Whether an object of `len` bytes would be kept at all.
    pub fn accepts(&self, len: usize) -> bool {
        len <= self.shard_limit / 2
    }

    /// Caches an object, evicting the least recently used ones as needed. Objects larger
    /// than half a shard's budget are not cached.
    pub fn insert(&self, pack: u64, offset: u64, kind: ObjectKind, data: Arc<Vec<u8>>) {
        let len = data.len();
        if !self.accepts(len) {
            return;
        }
        let mut guard = self.shard((pack, offset));
        let s = &mut *guard;
        s.tick += 1;
        let tick = s.tick;
        if let Some(old) = s.map.insert((pack, offset), Entry { kind, data, tick }) {
            s.by_age.remove(&old.tick);
            s.bytes -= old.data.len();
        } else {
            self.entries.fetch_add(1, Ordering::Relaxed);
        }
        s.by_age.insert(tick, (pack, offset));
        s.bytes += len;
        while s.bytes > self.shard_limit {
            let Some((_, key)) = s.by_age.pop_first() else {
                break;
            };
            if let Some(e) = s.map.remove(&key) {
                s.bytes -= e.data.len();
                self.entries.fetch_sub(1, Ordering::Relaxed);
            }
        }
    }

    /// Bytes of object data currently cached.
    pub fn used(&self) -> usize {
        self.shards
            .iter()
            .map(|s| s.lock().unwrap_or_else(|e| e.into_inner()).bytes)
            .sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn evicts_least_recently_used_within_budget() {
        let c = DeltaBaseCache::new(SHARDS * 1000);
        for i in 0..100u64 {
            c.insert(1, i, ObjectKind::Blob, Arc::new(vec![i as u8; 300]));
            assert!(c.used() <= SHARDS * 1000);
        }
        // The newest entry is always still there.
        let (k, d) = c.get(1, 99).expect("newest kept");
        assert_eq!(k, ObjectKind::Blob);
        assert_eq!(d[0], 99);
        assert!(c.get(1, 0).is_none());
        // Too big for a shard: not kept.
        c.insert(2, 0, ObjectKind::Blob, Arc::new(vec![0; 600]));
        assert!(c.get(2, 0).is_none());
    }
}
