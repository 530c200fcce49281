//! The multi-pack-index (`objects/pack/multi-pack-index`): one sorted id table over many
//! packs.

use super::mmap::{self, Data};
use super::sorted_ids::SortedIds;
use super::OdbError;
use crate::oid::{HashKind, HexPrefix, ObjectId};

use std::path::{Path, PathBuf};

/// A parsed multi-pack-index. The chunk layout is validated on open; entries are read
/// lazily with bounds checks.
#[derive(Debug)]
pub struct MultiPackIndex {
    path: PathBuf,
    data: Data,
    hash: HashKind,
    pack_names: Vec<String>,
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

impl MultiPackIndex {
    /// Opens and maps the multi-pack-index at `path`.
    pub fn open(path: &Path, hash: HashKind) -> Result<MultiPackIndex, OdbError> {
        let data = mmap::open(path)?;
        MultiPackIndex::from_data(path, data, hash)
    }

    /// Parses multi-pack-index bytes held in memory (`path` names them in errors).
    pub fn from_bytes(
        path: &Path,
        bytes: Vec<u8>,
        hash: HashKind,
    ) -> Result<MultiPackIndex, OdbError> {
        MultiPackIndex::from_data(path, Data::Owned(bytes), hash)
    }

    fn from_data(path: &Path, data: Data, hash: HashKind) -> Result<MultiPackIndex, OdbError> {
        let bad = |what: String| OdbError::corrupt(path, what);
        let hl = hash.len();
        if data.len() < 12 + 12 + hl {
            return Err(bad("multi-pack-index is too small".into()));
        }
        if &data[..4] != b"MIDX" {
            return Err(bad("not a multi-pack-index (bad signature)".into()));
        }
        let version = data[4];
        if version != 1 && version != 2 {
            return Err(bad(format!(
                "unsupported multi-pack-index version {version}"
            )));
        }
        let want_hash = match hash {
            HashKind::Sha1 => 1,
            HashKind::Sha256 => 2,
        };
        if data[5] != want_hash {
            return Err(bad(format!(
                "hash version {} does not match the repository",
                data[5]
            )));
        }
        let chunks = data[6] as usize;
        if data[7] != 0 {
            return Err(bad(
                "multi-pack-index with base files is not supported".into()
            ));
        }
        let num_packs = be32(&data, 8) as usize;
        let table_end = 12 + (chunks + 1) * 12;
        let body_end = data.len() - hl;
        if table_end > body_end {
            return Err(bad("chunk table runs past the end".into()));
        }
        let mut found: [Option<(usize, usize)>; 5] = [None; 5];
        const IDS: [&[u8; 4]; 5] = [b"PNAM", b"OIDF", b"OIDL", b"OOFF", b"LOFF"];
        for c in 0..chunks {
            let at = 12 + 12 * c;
            let id = &data[at..at + 4];
            let start = u64::from_be_bytes(data[at + 4..at + 12].try_into().expect("8"));
            let end = u64::from_be_bytes(data[at + 16..at + 24].try_into().expect("8"));
            if start < table_end as u64 || end < start || end > body_end as u64 {
                return Err(bad(format!(
                    "chunk {} spans {start}..{end}, outside the file",
                    String::from_utf8_lossy(id)
                )));
            }
            if let Some(k) = IDS.iter().position(|x| x[..] == *id) {
                found[k] = Some((start as usize, end as usize));
            }
        }
        let need = |k: usize| {
            found[k]
                .ok_or_else(|| bad(format!("missing {} chunk", String::from_utf8_lossy(IDS[k]))))
        };
        let (pnam_s, pnam_e) = need(0)?;
        let (oidf_s, oidf_e) = need(1)?;
        let (oidl_s, oidl_e) = need(2)?;
        let (ooff_s, ooff_e) = need(3)?;
        if oidf_e - oidf_s != 1024 {
            return Err(bad("OIDF chunk is not 1024 bytes".into()));
        }
        let mut prev = 0;
        for i in 0..256 {
            let n = be32(&data, oidf_s + 4 * i);
            if n < prev {
                return Err(bad(format!("fan-out table is not monotonic at {i}")));
            }
            prev = n;
        }
        let num = prev;
        let n = num as usize;
        if oidl_e - oidl_s != n * hl {
            return Err(bad(format!("OIDL chunk does not hold {num} ids")));
        }
        if ooff_e - ooff_s != n * 8 {
            return Err(bad(format!("OOFF chunk does not hold {num} offsets")));
        }
        let (large, large_count) = match found[4] {
            Some((s, e)) if (e - s) % 8 == 0 => (s, (e - s) / 8),
            Some(_) => return Err(bad("LOFF chunk is not a multiple of 8 bytes".into())),
            None => (0, 0),
        };
        let mut pack_names = Vec::with_capacity(num_packs.min(4096));
        let mut rest = &data[pnam_s..pnam_e];
        for _ in 0..num_packs {
            let nul = memchr::memchr(0, rest)
                .ok_or_else(|| bad("PNAM chunk is short of names".into()))?;
            let name = std::str::from_utf8(&rest[..nul])
                .ok()
                .filter(|s| s.ends_with(".idx") && !s.contains('/') && !s.starts_with('.'))
                .ok_or_else(|| bad("PNAM chunk holds an invalid pack name".into()))?;
            pack_names.push(name.to_string());
            rest = &rest[nul + 1..];
        }
        Ok(MultiPackIndex {
            path: path.to_path_buf(),
            data,
            hash,
            pack_names,
            num,
            fanout: oidf_s,
            ids: oidl_s,
            offsets: ooff_s,
            large,
            large_count,
        })
    }

    /// The file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Whether the trailing checksum is the hash of the rest of the file (git's
    /// `multi-pack-index verify`), computed with [`crate::oid::file_checksum`].
    pub fn verify_checksum(&self) -> bool {
        crate::oid::verify_trailer(self.hash, &self.data)
    }

    /// The `.idx` file names of the packs covered, in pack-number order.
    pub fn pack_names(&self) -> &[String] {
        &self.pack_names
    }

    /// Number of objects.
    pub fn len(&self) -> u32 {
        self.num
    }

    /// Whether the multi-pack-index lists no objects.
    pub fn is_empty(&self) -> bool {
        self.num == 0
    }

    /// The id at sorted position `i`, which must be below [`MultiPackIndex::len`].
    pub fn id_at(&self, i: u32) -> ObjectId {
        ObjectId::from_prefix_bytes(self.hash, self.id_bytes(i)).expect("hash length")
    }

    /// The pack number and offset of the object at sorted position `i` (below `len()`).
    pub fn entry(&self, i: u32) -> Result<(u32, u64), OdbError> {
        let at = self.offsets + 8 * i as usize;
        let pack = be32(&self.data, at);
        let v = be32(&self.data, at + 4);
        if pack as usize >= self.pack_names.len() {
            return Err(OdbError::corrupt(
                &self.path,
                format!("object {i} names pack {pack} of {}", self.pack_names.len()),
            ));
        }
        let offset =
            super::idx::decode_offset(&self.data, v, self.large, self.large_count, &self.path)?;
        Ok((pack, offset))
    }

    /// The sorted position of `id`, if listed.
    pub fn lookup(&self, id: &ObjectId) -> Option<u32> {
        self.position(id)
    }

    /// Appends ids starting with `prefix` to `out`, at most `limit` of them.
    pub fn find_prefix(&self, prefix: &HexPrefix, limit: usize, out: &mut Vec<ObjectId>) {
        self.ids_with_prefix(prefix, limit, out)
    }

    /// All ids, sorted.
    pub fn ids(&self) -> impl Iterator<Item = ObjectId> + '_ {
        (0..self.num).map(|i| self.id_at(i))
    }
}

impl super::sorted_ids::SortedIds for MultiPackIndex {
    fn hash_kind(&self) -> crate::oid::HashKind {
        self.hash
    }

    fn count(&self) -> u32 {
        self.num
    }

    fn id_bytes(&self, i: u32) -> &[u8] {
        let at = self.ids + i as usize * self.hash.len();
        &self.data[at..at + self.hash.len()]
    }

    fn fanout(&self, b: u8) -> u32 {
        be32(&self.data, self.fanout + 4 * b as usize)
    }
}
