//! Lookups shared by the two sorted id tables git writes: pack indexes (`.idx`) and
//! multi-pack-indexes. Both have a 256-entry fan-out of cumulative counts and ids in
//! ascending order; only where the bytes sit differs.

use crate::oid::{HashKind, HexPrefix, ObjectId};
use std::cmp::Ordering;

/// A validated table of sorted object ids with a fan-out.
pub(crate) trait SortedIds {
    /// The ids' hash kind.
    fn hash_kind(&self) -> HashKind;
    /// Number of ids.
    fn count(&self) -> u32;
    /// The raw id at sorted position `i` (`i < count()`).
    fn id_bytes(&self, i: u32) -> &[u8];
    /// The fan-out entry for first byte `b`: how many ids start with a byte `<= b`.
    fn fanout(&self, b: u8) -> u32;

    /// The first sorted position whose id is not below `want` (raw bytes).
    fn lower_bound(&self, want: &[u8]) -> u32 {
        let (mut lo, mut hi) = (0, self.count());
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            if self.id_bytes(mid) < want {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        lo
    }

    /// The raw ids just before and just after `want`'s place (skipping `want` itself).
    fn neighbours(&self, want: &[u8]) -> (Option<&[u8]>, Option<&[u8]>) {
        let lo = self.lower_bound(want);
        let before = lo.checked_sub(1).map(|i| self.id_bytes(i));
        let mut at = lo;
        if at < self.count() && self.id_bytes(at) == want {
            at += 1;
        }
        let after = (at < self.count()).then(|| self.id_bytes(at));
        (before, after)
    }

    /// The sorted position of `id`, searching only its fan-out slot.
    fn position(&self, id: &ObjectId) -> Option<u32> {
        let want = id.as_bytes();
        if want.len() != self.hash_kind().len() {
            return None;
        }
        let b = want[0];
        let mut hi = self.fanout(b);
        let mut lo = if b == 0 { 0 } else { self.fanout(b - 1) };
        // Most steps are decided by the first eight bytes, compared as one big-endian
        // word (no `memcmp` call); the rest only on a tie.
        let key = |bytes: &[u8]| u64::from_be_bytes(bytes[..8].try_into().expect("8 bytes"));
        let want_key = key(want);
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            let have = self.id_bytes(mid);
            let ord = key(have)
                .cmp(&want_key)
                .then_with(|| have[8..].cmp(&want[8..]));
            match ord {
                Ordering::Less => lo = mid + 1,
                Ordering::Greater => hi = mid,
                Ordering::Equal => return Some(mid),
            }
        }
        None
    }

    /// Appends the ids starting with `prefix` to `out`, at most `limit` of them.
    fn ids_with_prefix(&self, prefix: &HexPrefix, limit: usize, out: &mut Vec<ObjectId>) {
        let hash = self.hash_kind();
        let mut i = self.lower_bound(prefix.min_id(hash).as_bytes());
        let mut found = 0;
        while i < self.count() && found < limit {
            let id = ObjectId::from_prefix_bytes(hash, self.id_bytes(i)).expect("hash length");
            if !prefix.matches(&id) {
                break;
            }
            out.push(id);
            found += 1;
            i += 1;
        }
    }
}
