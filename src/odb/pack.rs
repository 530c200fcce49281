//! Pack files (`objects/pack/pack-*.pack`, version 2 or 3): entry headers and inflation.

use super::mmap::{self, Data};
use super::OdbError;
use crate::object::ObjectKind;
use crate::oid::{HashKind, ObjectId};
use flate2::{Decompress, FlushDecompress, Status};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// The largest ratio of inflated to deflated size zlib can produce (about 1032:1), with
/// room to spare. A size beyond it is refused before allocating.
const MAX_INFLATE_RATIO: u64 = 1100;

/// Every pack opened gets a distinct number, used as the delta-base cache key.
static NEXT_PACK_ID: AtomicU64 = AtomicU64::new(1);

/// What a pack entry holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EntryKind {
    /// A whole object of this kind.
    Base(ObjectKind),
    /// A delta against the entry at this (earlier) pack offset.
    OfsDelta {
        /// Absolute offset of the base entry.
        base_offset: u64,
    },
    /// A delta against the object with this id.
    RefDelta {
        /// The base object's id.
        base: ObjectId,
    },
}

/// A parsed pack entry header.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EntryHeader {
    /// Whole object or delta.
    pub kind: EntryKind,
    /// The inflated size of the entry's data (for deltas: of the delta, not the result).
    pub size: u64,
    /// Absolute offset of the zlib stream.
    pub data_offset: u64,
}

/// Parses the entry header at `offset` of a whole pack file `pack` whose ids are of kind
/// `hash`. The entry must lie between the 12-byte pack header and the trailing checksum.
/// `path` only names the file in errors.
pub fn parse_entry_header(
    pack: &[u8],
    offset: u64,
    hash: HashKind,
    path: &Path,
) -> Result<EntryHeader, OdbError> {
    let bad = |what: String| OdbError::corrupt(path, format!("pack entry at {offset}: {what}"));
    let end = pack.len().saturating_sub(hash.len()) as u64;
    if offset < 12 || offset >= end {
        return Err(bad("offset outside the pack's entries".into()));
    }
    let data = &pack[offset as usize..end as usize];
    let mut pos = 0usize;
    let byte = |pos: &mut usize| -> Result<u8, OdbError> {
        let b = *data
            .get(*pos)
            .ok_or_else(|| bad("header runs past the end".into()))?;
        *pos += 1;
        Ok(b)
    };
    let first = byte(&mut pos)?;
    let ty = (first >> 4) & 7;
    let mut size = u64::from(first & 15);
    let mut shift = 4u32;
    let mut b = first;
    while b & 0x80 != 0 {
        b = byte(&mut pos)?;
        if shift > 63 || (shift > 57 && u64::from(b & 0x7f) >> (64 - shift) != 0) {
            return Err(bad("size overflows 64 bits".into()));
        }
        size |= u64::from(b & 0x7f) << shift;
        shift += 7;
    }
    let kind = match ty {
        1..=4 => EntryKind::Base(ObjectKind::from_pack_type(ty).expect("1..=4")),
        6 => {
            let mut b = byte(&mut pos)?;
            let mut n = u64::from(b & 0x7f);
            while b & 0x80 != 0 {
                b = byte(&mut pos)?;
                n = n
                    .checked_add(1)
                    .and_then(|n| n.checked_mul(128))
                    .ok_or_else(|| bad("delta base offset overflows".into()))?;
                if n > offset {
                    return Err(bad("delta base offset before the pack start".into()));
                }
                n |= u64::from(b & 0x7f);
            }
            if n == 0 || n > offset {
                return Err(bad(format!(
                    "delta base offset {n} is not before the entry"
                )));
            }
            EntryKind::OfsDelta {
                base_offset: offset - n,
            }
        }
        7 => {
            let id = data
                .get(pos..pos + hash.len())
                .and_then(|b| ObjectId::from_prefix_bytes(hash, b))
                .ok_or_else(|| bad("base id runs past the end".into()))?;
            pos += hash.len();
            EntryKind::RefDelta { base: id }
        }
        t => return Err(bad(format!("invalid entry type {t}"))),
    };
    Ok(EntryHeader {
        kind,
        size,
        data_offset: offset + pos as u64,
    })
}

/// Objects up to this size get their whole buffer at once; larger ones grow it as data
/// actually comes out, so that a lying header cannot make us allocate memory the
/// compressed bytes do not back.
const EXACT_ALLOC_LIMIT: usize = 64 << 20;

/// Room zlib's fast inflate loop needs beyond the output it writes (258 bytes for the
/// longest match, plus slack for its wide copies).
const FAST_INFLATE_MARGIN: usize = 320;

/// Makes sure `out` has spare capacity for inflating an object of `size` bytes: the whole
/// size plus one byte (so that an overlong stream shows) when it is small enough, else the
/// next step of geometric growth. The whole size comes with [`FAST_INFLATE_MARGIN`] more
/// bytes, so that zlib's fast decoding loop (which needs that much room) runs to near the
/// end instead of the byte-at-a-time loop.
pub(crate) fn ensure_spare(out: &mut Vec<u8>, size: usize) {
    if out.len() < out.capacity() {
        return;
    }
    let remaining = size
        .saturating_add(FAST_INFLATE_MARGIN)
        .saturating_sub(out.len())
        .max(1);
    let step = remaining.min(out.len().max(EXACT_ALLOC_LIMIT));
    out.reserve_exact(step);
}

/// Inflates the zlib stream at the start of `input` into `out` (cleared first), which must
/// come out at exactly `size` bytes. `z` is reset and reused. Returns the number of input
/// bytes the stream used.
pub(crate) fn inflate_exact(
    z: &mut Decompress,
    input: &[u8],
    size: u64,
    out: &mut Vec<u8>,
) -> Result<usize, String> {
    if size > (input.len() as u64).saturating_mul(MAX_INFLATE_RATIO) + 64 {
        return Err(format!(
            "declared size {size} exceeds what {} remaining bytes can inflate to",
            input.len()
        ));
    }
    let size = usize::try_from(size).map_err(|_| "size does not fit in memory".to_string())?;
    z.reset(true);
    out.clear();
    loop {
        ensure_spare(out, size);
        let in_pos = z.total_in() as usize;
        let before = out.len();
        let status = z
            .decompress_vec(&input[in_pos..], out, FlushDecompress::Finish)
            .map_err(|e| format!("zlib: {e}"))?;
        if out.len() > size {
            return Err(format!("inflates to more than the declared {size} bytes"));
        }
        match status {
            Status::StreamEnd => break,
            _ if out.len() == before && z.total_in() as usize == in_pos => {
                return Err("truncated zlib stream".into());
            }
            _ => {}
        }
    }
    if out.len() != size {
        return Err(format!(
            "inflates to {} bytes, header says {size}",
            out.len()
        ));
    }
    Ok(z.total_in() as usize)
}

/// Inflates the start of the stream at the start of `input` into `out`, returning how many
/// bytes came out (possibly fewer than `out.len()` if the stream is short or corrupt).
pub(crate) fn inflate_prefix(z: &mut Decompress, input: &[u8], out: &mut [u8]) -> usize {
    z.reset(true);
    let _ = z.decompress(input, out, FlushDecompress::Sync);
    z.total_out() as usize
}

/// An open pack file.
#[derive(Debug)]
pub struct PackData {
    path: PathBuf,
    data: Data,
    hash: HashKind,
    id: u64,
    num_objects: u32,
}

impl PackData {
    /// Opens and maps `path`, checking its header.
    pub fn open(path: &Path, hash: HashKind) -> Result<PackData, OdbError> {
        let data = mmap::open(path)?;
        PackData::from_data(path, data, hash)
    }

    /// Wraps pack bytes held in memory (`path` names them in errors).
    pub fn from_bytes(path: &Path, bytes: Vec<u8>, hash: HashKind) -> Result<PackData, OdbError> {
        PackData::from_data(path, Data::Owned(bytes), hash)
    }

    fn from_data(path: &Path, data: Data, hash: HashKind) -> Result<PackData, OdbError> {
        if data.len() < 12 + hash.len() {
            return Err(OdbError::corrupt(path, "pack file is too short"));
        }
        if &data[..4] != b"PACK" {
            return Err(OdbError::corrupt(path, "not a pack file (bad signature)"));
        }
        let version = u32::from_be_bytes(data[4..8].try_into().expect("4 bytes"));
        if version != 2 && version != 3 {
            return Err(OdbError::corrupt(
                path,
                format!("unsupported pack version {version}"),
            ));
        }
        let num_objects = u32::from_be_bytes(data[8..12].try_into().expect("4 bytes"));
        Ok(PackData {
            path: path.to_path_buf(),
            data,
            hash,
            id: NEXT_PACK_ID.fetch_add(1, Ordering::Relaxed),
            num_objects,
        })
    }

    /// The pack file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// A number unique to this open pack within the process.
    pub fn id(&self) -> u64 {
        self.id
    }

    /// The object count from the pack header.
    pub fn num_objects(&self) -> u32 {
        self.num_objects
    }

    /// The trailing checksum (the pack's name).
    pub fn checksum(&self) -> &[u8] {
        &self.data[self.data.len() - self.hash.len()..]
    }

    /// Whether the trailing checksum is the hash of the rest of the file (what
    /// `git verify-pack` checks first), computed with [`crate::oid::file_checksum`].
    pub fn verify_checksum(&self) -> bool {
        crate::oid::verify_trailer(self.hash, &self.data)
    }

    /// Where the entries end: the pack's length without its trailing checksum.
    pub fn entries_end(&self) -> u64 {
        (self.data.len() - self.hash.len()) as u64
    }

    /// Parses the entry header at `offset`.
    pub fn entry_header(&self, offset: u64) -> Result<EntryHeader, OdbError> {
        parse_entry_header(&self.data, offset, self.hash, &self.path)
    }

    fn stream(&self, data_offset: u64) -> &[u8] {
        let end = self.data.len() - self.hash.len();
        let start = (data_offset as usize).min(end);
        &self.data[start..end]
    }

    /// Inflates an entry's data (whose header said `size`) into `out`.
    pub(crate) fn inflate(
        &self,
        z: &mut Decompress,
        header: &EntryHeader,
        out: &mut Vec<u8>,
    ) -> Result<(), OdbError> {
        self.inflate_counted(z, header, out).map(|_| ())
    }

    /// Like `inflate`, returning how many compressed bytes the entry's data used.
    pub(crate) fn inflate_counted(
        &self,
        z: &mut Decompress,
        header: &EntryHeader,
        out: &mut Vec<u8>,
    ) -> Result<usize, OdbError> {
        inflate_exact(z, self.stream(header.data_offset), header.size, out).map_err(|what| {
            OdbError::corrupt(
                &self.path,
                format!("entry data at {}: {what}", header.data_offset),
            )
        })
    }

    /// Inflates the first bytes of an entry's data into `out`; returns how many came out.
    pub(crate) fn inflate_start(
        &self,
        z: &mut Decompress,
        data_offset: u64,
        out: &mut [u8],
    ) -> usize {
        inflate_prefix(z, self.stream(data_offset), out)
    }
}
