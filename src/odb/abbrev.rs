//! Abbreviated object names as git prints them.

use super::{Odb, OdbError};
use crate::config::Config;
use crate::oid::{HexPrefix, ObjectId};
use std::collections::HashMap;

/// git's smallest abbreviation (`MINIMUM_ABBREV`).
pub const MIN_ABBREV: usize = 4;

/// git's default abbreviation length: `core.abbrev` if it is a number (at least 4; the
/// full length for `false`/`no`), else derived from the approximate object count (packed
/// objects only), at least 7.
pub fn default_abbrev_len(odb: &Odb, config: &Config) -> usize {
    let hex_len = odb.hash_kind().hex_len();
    if let Some(v) = config.get("core.abbrev") {
        let v = v.trim();
        if !v.eq_ignore_ascii_case("auto") {
            if crate::config::parse_bool(v) == Some(false) {
                return hex_len;
            }
            if let Ok(n) = v.parse::<i64>() {
                if n >= MIN_ABBREV as i64 {
                    return (n as usize).min(hex_len);
                }
            }
        }
    }
    auto_abbrev_len(odb.approximate_object_count()).min(hex_len)
}

/// The automatic length for a repository of about `count` objects.
pub fn auto_abbrev_len(count: u64) -> usize {
    let bits = 64 - count.leading_zeros() as usize;
    bits.div_ceil(2).max(7)
}

impl Odb {
    /// The shortest length ≥ `min_len` at which `id`'s hex prefix names no other object.
    pub fn unique_abbrev_len(&self, id: &ObjectId, min_len: usize) -> Result<usize, OdbError> {
        let hex_len = self.hash_kind().hex_len();
        let min_len = min_len.clamp(1, hex_len);
        let hex = id.to_hex();
        let prefix = HexPrefix::parse(&hex.as_bytes()[..min_len], self.hash_kind())
            .expect("hex digits of a valid id");
        let mut candidates = Vec::new();
        self.find_prefix(&prefix, usize::MAX - 1, &mut candidates)?;
        let mut len = min_len;
        for other in candidates.iter().filter(|o| *o != id) {
            let common = common_hex_prefix(id, other);
            len = len.max(common + 1);
        }
        Ok(len.min(hex_len))
    }
}

/// Abbreviates many ids as git does: from a starting length, lengthened until no other
/// object shares the prefix. Results are cached per id, and the ids sharing a first byte
/// are fetched once per fan-out slot, so abbreviating a whole diff stays cheap.
pub struct Abbreviator<'a> {
    odb: &'a Odb,
    start: Option<usize>,
    cache: HashMap<ObjectId, usize>,
    scratch: Vec<ObjectId>,
    /// All ids sharing a first byte, sorted (`None`: too many to keep; then each id is
    /// looked up on its own).
    fanout: HashMap<u8, Option<Vec<ObjectId>>>,
}

/// Fan-out slots with more ids than this are not cached.
const FANOUT_CACHE_LIMIT: usize = 4096;

impl<'a> Abbreviator<'a> {
    /// An abbreviator starting from `start` digits (`None`: full ids).
    pub fn new(odb: &'a Odb, start: Option<usize>) -> Abbreviator<'a> {
        Abbreviator {
            odb,
            start,
            cache: HashMap::new(),
            scratch: Vec::new(),
            fanout: HashMap::new(),
        }
    }

    /// The abbreviated hex form of `id`.
    pub fn abbrev(&mut self, id: &ObjectId) -> Result<String, OdbError> {
        let hex = id.to_hex();
        let Some(start) = self.start else {
            return Ok(hex);
        };
        if start >= hex.len() {
            return Ok(hex);
        }
        if let Some(&n) = self.cache.get(id) {
            return Ok(hex[..n].to_string());
        }
        let first = id.first_byte();
        if !self.fanout.contains_key(&first) {
            let p = HexPrefix::parse(&hex.as_bytes()[..2], id.kind()).expect("hex digits");
            let mut ids = Vec::new();
            self.odb.find_prefix(&p, FANOUT_CACHE_LIMIT, &mut ids)?;
            let entry = (ids.len() <= FANOUT_CACHE_LIMIT).then_some(ids);
            self.fanout.insert(first, entry);
        }
        let mut len = start;
        if let Some(Some(ids)) = self.fanout.get(&first) {
            // In sorted order, the longest shared prefix is with a neighbour.
            let pos = ids.partition_point(|o| o < id);
            let after = if ids.get(pos) == Some(id) {
                pos + 1
            } else {
                pos
            };
            for other in [pos.checked_sub(1).and_then(|i| ids.get(i)), ids.get(after)]
                .into_iter()
                .flatten()
            {
                len = len.max(common_hex_prefix(id, other) + 1);
            }
        } else {
            let prefix = HexPrefix::parse(&hex.as_bytes()[..start], id.kind()).expect("hex digits");
            self.scratch.clear();
            self.odb
                .find_prefix(&prefix, usize::MAX - 1, &mut self.scratch)?;
            for other in &self.scratch {
                if other != id {
                    len = len.max(common_hex_prefix(id, other) + 1);
                }
            }
        }
        let len = len.min(hex.len());
        self.cache.insert(*id, len);
        Ok(hex[..len].to_string())
    }
}

/// How many leading hex digits two ids share.
fn common_hex_prefix(a: &ObjectId, b: &ObjectId) -> usize {
    let mut n = 0;
    for (x, y) in a.as_bytes().iter().zip(b.as_bytes()) {
        if x == y {
            n += 2;
        } else {
            if x >> 4 == y >> 4 {
                n += 1;
            }
            break;
        }
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auto_length_follows_packed_count() {
        assert_eq!(auto_abbrev_len(0), 7);
        assert_eq!(auto_abbrev_len((1 << 14) - 1), 7);
        assert_eq!(auto_abbrev_len(1 << 14), 8);
        assert_eq!(auto_abbrev_len(1 << 16), 9);
    }
}
