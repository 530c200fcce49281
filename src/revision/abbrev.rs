//! Abbreviated object names: git's default length and the shortest unique prefix.

use super::RevisionError;
use crate::oid::{HexPrefix, ObjectId};
use crate::repo::Repository;

/// git's smallest abbreviation (`MINIMUM_ABBREV`).
pub const MIN_ABBREV: usize = 4;

/// The length git starts from when no length is given: `core.abbrev` if it is a number
/// (clamped to 4..=hex length, or the full length for `false`), otherwise derived from
/// the number of packed objects: `max(7, ceil(bits / 2))` where `bits` is one more than
/// the index of the highest set bit of the count.
pub fn default_abbrev_len(repo: &Repository) -> usize {
    let hex_len = repo.hash_kind().hex_len();
    if let Some(v) = repo.config().get("core.abbrev") {
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
    let count = approximate_packed_count(repo);
    let bits = if count == 0 {
        0
    } else {
        64 - count.leading_zeros() as usize
    };
    bits.div_ceil(2).max(7).min(hex_len)
}

/// The number of objects in all pack indexes (git's `approximate_object_count`; loose
/// objects do not count). Reads only the fan-out tables' last entry of each `.idx`.
fn approximate_packed_count(repo: &Repository) -> u64 {
    let mut total = 0u64;
    for dir in repo.odb().object_dirs() {
        let Ok(entries) = std::fs::read_dir(dir.join("pack")) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.extension().and_then(|e| e.to_str()) != Some("idx") {
                continue;
            }
            let Ok(bytes) = std::fs::read(&path) else {
                continue;
            };
            // Version 2 starts with "\377tOc" and a version word; version 1 is just the
            // fan-out table.
            let fanout = if bytes.starts_with(b"\xfftOc") { 8 } else { 0 };
            let at = fanout + 255 * 4;
            if let Some(b) = bytes.get(at..at + 4) {
                total += u64::from(u32::from_be_bytes([b[0], b[1], b[2], b[3]]));
            }
        }
    }
    total
}

/// The shortest prefix of `id`, at least `min_len` digits long, that no other object of
/// the repository shares (git's `find_unique_abbrev`). `min_len` is clamped to 4..=full.
pub fn abbreviate(
    repo: &Repository,
    id: &ObjectId,
    min_len: usize,
) -> Result<String, RevisionError> {
    let hex = id.to_hex();
    let len = min_len.clamp(MIN_ABBREV, hex.len());
    if len == hex.len() {
        return Ok(hex);
    }
    let prefix = HexPrefix::parse(&hex.as_bytes()[..len], id.kind()).expect("hex digits");
    let mut found = Vec::new();
    repo.odb()
        .find_prefix(&prefix, usize::MAX / 2, &mut found)?;
    let mut needed = len;
    for other in found.iter().filter(|o| *o != id) {
        let common = common_hex_prefix(&hex, &other.to_hex());
        needed = needed.max(common + 1);
    }
    Ok(hex[..needed.min(hex.len())].to_string())
}

fn common_hex_prefix(a: &str, b: &str) -> usize {
    a.bytes().zip(b.bytes()).take_while(|(x, y)| x == y).count()
}
