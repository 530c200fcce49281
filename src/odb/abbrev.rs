//! Abbreviated object names as git prints them.

use super::sorted_ids::SortedIds;
use super::{Odb, OdbError};
use crate::config::Config;
use crate::oid::{HexPrefix, ObjectId};

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

/// Abbreviates many ids against one snapshot of the database: pack indexes are searched
/// for each id's sorted neighbours (no allocation), and each loose fan-out folder is read
/// once, as git's loose-object cache does.
pub struct Abbreviator<'a> {
    odb: &'a Odb,
    loose: Vec<Option<Vec<ObjectId>>>,
}

impl<'a> Abbreviator<'a> {
    /// An abbreviator over `odb`.
    pub fn new(odb: &'a Odb) -> Abbreviator<'a> {
        Abbreviator {
            odb,
            loose: vec![None; 256 * odb.stores.len()],
        }
    }

    /// `id` in hex, abbreviated from `start` digits until unique (`None`: the full id).
    pub fn abbrev(&mut self, id: &ObjectId, start: Option<usize>) -> Result<String, OdbError> {
        let hex = id.to_hex();
        match start {
            Some(n) if n < hex.len() => {
                let len = self.unique_len(id, n)?;
                Ok(hex[..len].to_string())
            }
            _ => Ok(hex),
        }
    }

    /// The shortest length ≥ `min_len` at which `id`'s hex prefix names no other object,
    /// as [`Odb::unique_abbrev_len`] gives it.
    pub fn unique_len(&mut self, id: &ObjectId, min_len: usize) -> Result<usize, OdbError> {
        let hex_len = self.odb.hash_kind().hex_len();
        let min_len = min_len.clamp(1, hex_len);
        let want = id.as_bytes();
        let mut common = 0;
        let mut note = |other: Option<&[u8]>| {
            if let Some(o) = other {
                if o != want {
                    common = common.max(common_hex_prefix_bytes(want, o));
                }
            }
        };
        for (s, store) in self.odb.stores.iter().enumerate() {
            let set = store.packs();
            if let Some(m) = &set.midx {
                let (a, b) = m.neighbours(want);
                note(a);
                note(b);
            }
            for p in &set.packs {
                if let Some(idx) = &p.idx {
                    let (a, b) = idx.neighbours(want);
                    note(a);
                    note(b);
                }
            }
            let slot = &mut self.loose[256 * s + usize::from(id.first_byte())];
            if slot.is_none() {
                let mut ids = Vec::new();
                store.loose.ids_in_dir(id.first_byte(), &mut ids)?;
                ids.sort_unstable();
                *slot = Some(ids);
            }
            let ids = slot.as_deref().unwrap_or_default();
            let at = ids.partition_point(|o| o < id);
            note(at.checked_sub(1).map(|i| ids[i].as_bytes()));
            let after = if ids.get(at) == Some(id) { at + 1 } else { at };
            note(ids.get(after).map(|o| o.as_bytes()));
        }
        Ok(min_len.max(common + 1).min(hex_len))
    }
}

/// How many leading hex digits two raw ids share.
fn common_hex_prefix_bytes(a: &[u8], b: &[u8]) -> usize {
    let mut n = 0;
    for (x, y) in a.iter().zip(b) {
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
