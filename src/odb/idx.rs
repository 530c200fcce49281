//! Pack indexes (`.idx`, versions 1 and 2): sorted ids with their pack offsets.

use super::mmap::{self, Data};
use super::sorted_ids::SortedIds;
use super::OdbError;
use crate::oid::{HashKind, HexPrefix, ObjectId};

use std::path::{Path, PathBuf};

/// The magic number that starts a version 2 index (`\377tOc`).
const IDX_MAGIC: [u8; 4] = [0xff, b't', b'O', b'c'];

/// A parsed pack index. Only the fixed-size layout is validated on open; entries are read
/// lazily, with bounds checks, from the (mapped) bytes.
#[derive(Debug)]
pub struct PackIndex {
    path: PathBuf,
    data: Data,
    hash: HashKind,
    version: u32,
    num: u32,
    fanout: usize,
    ids: usize,
    offsets: usize,
    large: usize,
    large_count: usize,
}

fn be32(b: &[u8], at: usize) -> u32 {
    u32::from_be_bytes(b[at..at + 4].try_into().expect("4 bytes"))
}

impl PackIndex {
    /// Opens and maps the index at `path`.
    pub fn open(path: &Path, hash: HashKind) -> Result<PackIndex, OdbError> {
        let data = mmap::open(path)?;
        PackIndex::from_data(path, data, hash)
    }

    /// Parses index bytes held in memory (`path` names them in errors).
    pub fn from_bytes(path: &Path, bytes: Vec<u8>, hash: HashKind) -> Result<PackIndex, OdbError> {
        PackIndex::from_data(path, Data::Owned(bytes), hash)
    }

    fn from_data(path: &Path, data: Data, hash: HashKind) -> Result<PackIndex, OdbError> {
        let bad = |what: String| OdbError::corrupt(path, what);
        let hl = hash.len();
        let (version, fanout) = if data.len() >= 8 && data[..4] == IDX_MAGIC {
            let v = be32(&data, 4);
            if v != 2 {
                return Err(bad(format!("unsupported index version {v}")));
            }
            (2, 8)
        } else {
            (1, 0)
        };
        if data.len() < fanout + 1024 + 2 * hl {
            return Err(bad("index file is too small".into()));
        }
        let mut prev = 0;
        for i in 0..256 {
            let n = be32(&data, fanout + 4 * i);
            if n < prev {
                return Err(bad(format!("fan-out table is not monotonic at {i}")));
            }
            prev = n;
        }
        let num = prev;
        let n = num as usize;
        let (ids, offsets, large, large_count) = if version == 2 {
            let ids = fanout + 1024;
            let crcs = n
                .checked_mul(hl)
                .and_then(|x| x.checked_add(ids))
                .ok_or_else(|| bad("object count overflows".into()))?;
            let offsets = crcs + 4 * n;
            let large = offsets + 4 * n;
            let min = large + 2 * hl;
            if data.len() < min {
                return Err(bad(format!(
                    "index is {} bytes, {num} objects need at least {min}",
                    data.len()
                )));
            }
            let extra = data.len() - min;
            if !extra.is_multiple_of(8) || extra / 8 > n {
                return Err(bad(format!("index has {extra} unexplained bytes")));
            }
            (ids, offsets, large, extra / 8)
        } else {
            let entries = n
                .checked_mul(4 + hl)
                .ok_or_else(|| bad("object count overflows".into()))?;
            let want = 1024 + entries + 2 * hl;
            if data.len() != want {
                return Err(bad(format!(
                    "version 1 index is {} bytes, {num} objects need {want}",
                    data.len()
                )));
            }
            (1024 + 4, 1024, 0, 0)
        };
        Ok(PackIndex {
            path: path.to_path_buf(),
            data,
            hash,
            version,
            num,
            fanout,
            ids,
            offsets,
            large,
            large_count,
        })
    }

    /// The index file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The index format version (1 or 2).
    pub fn version(&self) -> u32 {
        self.version
    }

    /// Number of objects.
    pub fn len(&self) -> u32 {
        self.num
    }

    /// Whether the index lists no objects.
    pub fn is_empty(&self) -> bool {
        self.num == 0
    }

    /// Whether the index's own trailing checksum is the hash of the rest of the file,
    /// computed with [`crate::oid::file_checksum`].
    pub fn verify_checksum(&self) -> bool {
        crate::oid::verify_trailer(self.hash_kind(), &self.data)
    }

    /// The checksum of the pack this index belongs to.
    pub fn pack_checksum(&self) -> &[u8] {
        let hl = self.hash.len();
        &self.data[self.data.len() - 2 * hl..self.data.len() - hl]
    }

    fn stride(&self) -> usize {
        if self.version == 2 {
            self.hash.len()
        } else {
            4 + self.hash.len()
        }
    }

    /// The id at sorted position `i`, which must be below [`PackIndex::len`].
    pub fn id_at(&self, i: u32) -> ObjectId {
        ObjectId::from_prefix_bytes(self.hash, self.id_bytes(i)).expect("hash length")
    }

    /// The pack offset of the object at sorted position `i`, which must be below
    /// [`PackIndex::len`].
    pub fn offset_at(&self, i: u32) -> Result<u64, OdbError> {
        let i = i as usize;
        if self.version == 1 {
            return Ok(u64::from(be32(
                &self.data,
                self.offsets + i * (4 + self.hash.len()),
            )));
        }
        let v = be32(&self.data, self.offsets + 4 * i);
        decode_offset(&self.data, v, self.large, self.large_count, &self.path)
    }

    /// The sorted position of `id`, if listed.
    pub fn lookup(&self, id: &ObjectId) -> Option<u32> {
        self.position(id)
    }

    /// Appends ids starting with `prefix` to `out`, at most `limit` of them.
    pub fn find_prefix(&self, prefix: &HexPrefix, limit: usize, out: &mut Vec<ObjectId>) {
        self.ids_with_prefix(prefix, limit, out)
    }

    /// All ids, in index order.
    pub fn ids(&self) -> impl Iterator<Item = ObjectId> + '_ {
        (0..self.num).map(|i| self.id_at(i))
    }
}

impl super::sorted_ids::SortedIds for PackIndex {
    fn hash_kind(&self) -> crate::oid::HashKind {
        self.hash
    }

    fn count(&self) -> u32 {
        self.num
    }

    fn id_bytes(&self, i: u32) -> &[u8] {
        let at = self.ids + i as usize * self.stride();
        &self.data[at..at + self.hash.len()]
    }

    fn fanout(&self, b: u8) -> u32 {
        be32(&self.data, self.fanout + 4 * b as usize)
    }
}

/// Decodes a 32-bit offset entry of a pack index or multi-pack-index: the offset itself,
/// or (top bit set) an index into the table of 64-bit offsets at `large` with
/// `large_count` entries.
pub(crate) fn decode_offset(
    data: &[u8],
    v: u32,
    large: usize,
    large_count: usize,
    path: &std::path::Path,
) -> Result<u64, OdbError> {
    if v & 0x8000_0000 == 0 {
        return Ok(u64::from(v));
    }
    let j = (v & 0x7fff_ffff) as usize;
    if j >= large_count {
        return Err(OdbError::corrupt(
            path,
            format!("large offset index {j} outside the {large_count}-entry table"),
        ));
    }
    let at = large + 8 * j;
    Ok(u64::from_be_bytes(
        data[at..at + 8].try_into().expect("8 bytes"),
    ))
}
