//! Entry points over raw bytes for the fuzz targets in `fuzz/` and the corpus replay test.
//!
//! Each function feeds arbitrary bytes to one parser and exercises what it parsed. They
//! return `Err` for malformed input and must never panic, hang or allocate without bound.

use super::{apply_delta, inflate_loose, MultiPackIndex, OdbError, PackData, PackIndex};
use crate::oid::{HashKind, HexPrefix};
use crate::ObjectKind;
use std::path::Path;

/// How many entries the index and multi-pack-index targets look at.
const MAX_ENTRIES: u32 = 4096;

/// Runs `f` for both hash kinds, returning the SHA-1 result if it is Ok, else the other.
fn both<T>(f: impl Fn(HashKind) -> Result<T, OdbError>) -> Result<T, OdbError> {
    let sha1 = f(HashKind::Sha1);
    let sha256 = f(HashKind::Sha256);
    sha1.or(sha256)
}

/// Inflates `bytes` as a loose object file; returns its kind and size.
pub fn loose_object(bytes: &[u8]) -> Result<(ObjectKind, usize), OdbError> {
    let mut buf = Vec::new();
    let kind = inflate_loose(bytes, Path::new("<fuzz>"), &mut buf)?;
    Ok((kind, buf.len()))
}

/// Treats `bytes` as a pack file: walks its entries from the first, parsing each header
/// and inflating its data, and applies each `OFS_DELTA` to its base when the base is a
/// whole object. Returns the number of entries walked.
/// Both hash kinds are tried.
pub fn pack_entries(bytes: &[u8]) -> Result<usize, OdbError> {
    both(|hash| pack_entries_of(bytes, hash))
}

fn pack_entries_of(bytes: &[u8], hash: HashKind) -> Result<usize, OdbError> {
    let pack = PackData::from_bytes(Path::new("<fuzz>"), bytes.to_vec(), hash)?;
    let mut z = flate2::Decompress::new(true);
    let mut offset = 12u64;
    let mut data = Vec::new();
    let mut base = Vec::new();
    let mut out = Vec::new();
    let mut walked = 0;
    for _ in 0..pack.num_objects().min(64) {
        let h = pack.entry_header(offset)?;
        let used = pack.inflate_counted(&mut z, &h, &mut data)?;
        if let super::EntryKind::OfsDelta { base_offset } = h.kind {
            let bh = pack.entry_header(base_offset)?;
            if let super::EntryKind::Base(_) = bh.kind {
                pack.inflate(&mut z, &bh, &mut base)?;
                apply_delta(&base, &data, &mut out)
                    .map_err(|e| OdbError::corrupt(Path::new("<fuzz>"), e.to_string()))?;
            }
        }
        offset = h.data_offset + used as u64;
        walked += 1;
    }
    Ok(walked)
}

/// Applies a delta to a base, both taken from `bytes`: the first two bytes give the base
/// length (little-endian), the base follows, the delta is the rest. Returns the result
/// length.
pub fn delta(bytes: &[u8]) -> Result<usize, OdbError> {
    let bad = |what: String| OdbError::corrupt(Path::new("<fuzz>"), what);
    let head = bytes.get(..2).ok_or_else(|| bad("too short".into()))?;
    let n = usize::from(u16::from_le_bytes([head[0], head[1]]));
    let base = bytes
        .get(2..2 + n)
        .ok_or_else(|| bad("base runs past the end".into()))?;
    let mut out = Vec::new();
    apply_delta(base, &bytes[2 + n..], &mut out).map_err(|e| bad(e.to_string()))?;
    Ok(out.len())
}

/// Parses `bytes` as a pack index, then looks up, prefix-searches and reads the offset
/// of its first entries. Returns how many entries had a valid offset. Both hash kinds are
/// tried.
pub fn idx(bytes: &[u8]) -> Result<usize, OdbError> {
    both(|hash| idx_of(bytes, hash))
}

fn idx_of(bytes: &[u8], hash: HashKind) -> Result<usize, OdbError> {
    let idx = PackIndex::from_bytes(Path::new("<fuzz>"), bytes.to_vec(), hash)?;
    let mut ok = 0;
    let mut found = Vec::new();
    for i in 0..idx.len().min(MAX_ENTRIES) {
        let id = idx.id_at(i);
        let _ = idx.lookup(&id);
        if idx.offset_at(i).is_ok() {
            ok += 1;
        }
        let hex = id.to_hex();
        if let Some(p) = HexPrefix::parse(&hex.as_bytes()[..5], id.kind()) {
            found.clear();
            idx.find_prefix(&p, 4, &mut found);
        }
    }
    Ok(ok)
}

/// Parses `bytes` as a multi-pack-index, then looks up and resolves its first entries.
/// Returns how many entries resolved. Both hash kinds are tried.
pub fn midx(bytes: &[u8]) -> Result<usize, OdbError> {
    both(|hash| midx_of(bytes, hash))
}

fn midx_of(bytes: &[u8], hash: HashKind) -> Result<usize, OdbError> {
    let m = MultiPackIndex::from_bytes(Path::new("<fuzz>"), bytes.to_vec(), hash)?;
    let mut ok = 0;
    let mut found = Vec::new();
    for i in 0..m.len().min(MAX_ENTRIES) {
        let id = m.id_at(i);
        let _ = m.lookup(&id);
        if m.entry(i).is_ok() {
            ok += 1;
        }
        let hex = id.to_hex();
        if let Some(p) = HexPrefix::parse(&hex.as_bytes()[..3], id.kind()) {
            found.clear();
            m.find_prefix(&p, 4, &mut found);
        }
    }
    Ok(ok)
}
