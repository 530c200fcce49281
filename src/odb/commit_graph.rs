//! A reader for git's commit-graph (`objects/info/commit-graph`, or a chain of layers in
//! `objects/info/commit-graphs/`): parents, commit dates and generation numbers without
//! inflating commit objects.
//!
//! Every chunk offset and size is checked when a graph is opened, so lookups cannot run out
//! of bounds; a graph that fails that is reported as an error and callers fall back to
//! reading commit objects, as git does. Parent positions, EDGE lists and generation
//! overflow indexes are checked as each entry is read: [`CommitGraph::commit`] gives
//! `None` for an unsound entry, and callers read that commit's object instead.

use crate::oid::{HashKind, ObjectId};
use std::path::Path;

/// Why a commit-graph could not be used.
#[derive(Debug, thiserror::Error)]
pub enum GraphError {
    /// A graph file could not be read.
    #[error("cannot read commit-graph {path}: {source}")]
    Io {
        /// The file.
        path: std::path::PathBuf,
        /// The operating system's error.
        source: std::io::Error,
    },
    /// A graph file is malformed.
    #[error("commit-graph {path} is corrupt: {what}")]
    Corrupt {
        /// The file.
        path: std::path::PathBuf,
        /// What is wrong.
        what: String,
    },
}

/// "No parent" in the CDAT chunk.
const PARENT_NONE: u32 = 0x7000_0000;
/// Bit set on the second parent when it indexes the EDGE chunk (octopus merges).
const PARENT_EXTRA_EDGES: u32 = 0x8000_0000;
/// Bit marking the last entry of an EDGE list.
const EDGE_LAST: u32 = 0x8000_0000;
/// Bit marking a GDA2 entry as an index into GDO2.
const OFFSET_OVERFLOW: u32 = 0x8000_0000;

/// One file of the graph.
#[derive(Debug)]
struct Layer {
    data: super::mmap::Data,
    /// Commits in the layers below this one.
    base: u32,
    count: u32,
    oidf: usize,
    oidl: usize,
    cdat: usize,
    gda2: Option<usize>,
    gdo2: Option<(usize, usize)>,
    edge: Option<(usize, usize)>,
    /// Changed-path Bloom filters: the `BIDX` chunk's start, and the `BDAT` chunk's
    /// filter bytes (start, length) with its hash count and version.
    bloom: Option<Bloom>,
}

/// Where a layer's changed-path Bloom filters are.
#[derive(Debug, Clone, Copy)]
struct Bloom {
    bidx: usize,
    data_start: usize,
    hashes: u32,
    version: u32,
}

/// The graph positions of a commit's parents, in order: up to two are held inline, so
/// reading a commit of an ordinary history allocates nothing.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct ParentPositions {
    inline: [u32; 2],
    len: u8,
    /// All of them, for an octopus merge.
    more: Vec<u32>,
}

impl ParentPositions {
    /// Appends the position of the next parent.
    #[inline]
    pub fn push(&mut self, pos: u32) {
        if self.more.is_empty() && usize::from(self.len) < self.inline.len() {
            self.inline[usize::from(self.len)] = pos;
            self.len += 1;
        } else {
            if self.more.is_empty() {
                self.more
                    .extend_from_slice(&self.inline[..usize::from(self.len)]);
            }
            self.more.push(pos);
        }
    }
}

impl std::ops::Deref for ParentPositions {
    type Target = [u32];
    fn deref(&self) -> &[u32] {
        if self.more.is_empty() {
            &self.inline[..usize::from(self.len)]
        } else {
            &self.more
        }
    }
}

/// A commit as the graph records it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GraphCommit {
    /// The root tree.
    pub tree: ObjectId,
    /// Graph positions of the parents, in order.
    pub parents: ParentPositions,
    /// The committer date (seconds since the epoch).
    pub date: i64,
    /// The generation number: the corrected commit date when the graph has generation
    /// data (see [`CommitGraph::has_corrected_dates`]), else the topological level.
    pub generation: u64,
}

/// An opened, validated commit-graph (one file or a chain of layers).
#[derive(Debug)]
pub struct CommitGraph {
    hash: HashKind,
    layers: Vec<Layer>,
    corrected_dates: bool,
}

#[inline]
fn be32(d: &[u8], at: usize) -> u32 {
    let word: &[u8; 4] = d[at..at + 4].try_into().expect("four bytes");
    u32::from_be_bytes(*word)
}

fn be64(d: &[u8], at: usize) -> u64 {
    (u64::from(be32(d, at)) << 32) | u64::from(be32(d, at + 4))
}

impl CommitGraph {
    /// Opens the commit-graph of `objects_dir`: the single file if present, else the
    /// chain. `Ok(None)` if there is none.
    pub fn open(objects_dir: &Path, hash: HashKind) -> Result<Option<CommitGraph>, GraphError> {
        let single = objects_dir.join("info").join("commit-graph");
        if single.is_file() {
            let layer = read_layer(&single, hash, 0)?;
            return Ok(Some(CommitGraph::from_layers(hash, vec![layer])));
        }
        let dir = objects_dir.join("info").join("commit-graphs");
        let chain = dir.join("commit-graph-chain");
        let text = match std::fs::read(&chain) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(source) => {
                return Err(GraphError::Io {
                    path: chain,
                    source,
                })
            }
        };
        let mut layers = Vec::new();
        let mut base = 0u32;
        for line in text.split(|&b| b == b'\n').filter(|l| !l.is_empty()) {
            let hex = std::str::from_utf8(line)
                .ok()
                .filter(|h| h.len() == hash.hex_len() && h.bytes().all(|c| c.is_ascii_hexdigit()));
            let Some(hex) = hex else {
                return Err(GraphError::Corrupt {
                    path: chain,
                    what: "bad line in chain file".into(),
                });
            };
            let layer = read_layer(&dir.join(format!("graph-{hex}.graph")), hash, base)?;
            base = base
                .checked_add(layer.count)
                .ok_or_else(|| GraphError::Corrupt {
                    path: chain.clone(),
                    what: "too many commits".into(),
                })?;
            layers.push(layer);
        }
        if layers.is_empty() {
            return Ok(None);
        }
        Ok(Some(CommitGraph::from_layers(hash, layers)))
    }

    /// Validates a single commit-graph file held in memory (for tools and fuzzing).
    pub fn from_bytes(data: Vec<u8>, hash: HashKind) -> Result<CommitGraph, GraphError> {
        let layer = parse_layer(
            super::mmap::Data::Owned(data),
            Path::new("<commit-graph>"),
            hash,
            0,
        )?;
        Ok(CommitGraph::from_layers(hash, vec![layer]))
    }

    fn from_layers(hash: HashKind, layers: Vec<Layer>) -> CommitGraph {
        let corrected_dates = layers.iter().all(|l| l.gda2.is_some());
        CommitGraph {
            hash,
            layers,
            corrected_dates,
        }
    }

    /// Number of commits in all layers.
    pub fn len(&self) -> u32 {
        self.layers.last().map_or(0, |l| l.base + l.count)
    }

    /// Whether the graph holds no commits.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Whether every layer's trailing checksum is the hash of the rest of its file (git's
    /// `commit-graph verify`), computed with [`crate::oid::file_checksum`].
    pub fn verify_checksum(&self) -> bool {
        self.layers
            .iter()
            .all(|l| crate::oid::verify_trailer(self.hash, &l.data))
    }

    /// Whether generation numbers are corrected commit dates (every layer has a `GDA2`
    /// chunk), which git then uses to order its walks.
    pub fn has_corrected_dates(&self) -> bool {
        self.corrected_dates
    }

    fn layer_of(&self, pos: u32) -> Option<&Layer> {
        self.layers
            .iter()
            .find(|l| pos >= l.base && pos < l.base + l.count)
    }

    /// Whether the commit at `pos` may have changed `path` (or anything under it) compared
    /// with its first parent, according to its changed-path Bloom filter: `Some(false)`
    /// means certainly not, `Some(true)` maybe, `None` that there is no usable filter.
    /// `path` has no trailing slash; git checks each leading directory as well.
    pub fn maybe_changed(&self, pos: u32, path: &[u8]) -> Option<bool> {
        let layer = self.layer_of(pos)?;
        let bloom = layer.bloom?;
        let i = (pos - layer.base) as usize;
        let d = &layer.data;
        let end = be32(d, bloom.bidx + i * 4) as usize;
        let start = if i == 0 {
            0
        } else {
            be32(d, bloom.bidx + (i - 1) * 4) as usize
        };
        let filter = d.get(bloom.data_start + start..bloom.data_start + end)?;
        if filter.is_empty() {
            return None;
        }
        let bits = filter.len() as u64 * 8;
        // The path and each of its leading directories are keys of the filter.
        let mut keys = vec![path];
        let mut rest = path;
        while let Some(slash) = rest.iter().rposition(|&c| c == b'/') {
            rest = &rest[..slash];
            keys.push(rest);
        }
        let contains = |key: &[u8]| {
            let h0 = murmur3(0x293a_e76f, key, bloom.version);
            let h1 = murmur3(0x7e64_6e2c, key, bloom.version);
            (0..bloom.hashes).all(|k| {
                // git adds in 32 bits, then reduces modulo the filter's size.
                let bit = u64::from(h0.wrapping_add(k.wrapping_mul(h1))) % bits;
                filter[(bit / 8) as usize] & (1 << (bit % 8)) != 0
            })
        };
        Some(keys.iter().all(|k| contains(k)))
    }

    /// The graph position of commit `id`, if the graph has it.
    pub fn lookup(&self, id: &ObjectId) -> Option<u32> {
        if id.kind() != self.hash {
            return None;
        }
        let hl = self.hash.len();
        let first = usize::from(id.first_byte());
        for l in self.layers.iter().rev() {
            let lo = if first == 0 {
                0
            } else {
                be32(&l.data, l.oidf + (first - 1) * 4) as usize
            };
            let hi = be32(&l.data, l.oidf + first * 4) as usize;
            let (mut lo, mut hi) = (lo, hi.min(l.count as usize));
            while lo < hi {
                let mid = (lo + hi) / 2;
                let at = l.oidl + mid * hl;
                match l.data[at..at + hl].cmp(id.as_bytes()) {
                    std::cmp::Ordering::Less => lo = mid + 1,
                    std::cmp::Ordering::Greater => hi = mid,
                    std::cmp::Ordering::Equal => return Some(l.base + mid as u32),
                }
            }
        }
        None
    }

    /// The id of the commit at graph position `pos`.
    pub fn id_at(&self, pos: u32) -> Option<ObjectId> {
        let l = self.layer_of(pos)?;
        let i = (pos - l.base) as usize;
        let hl = self.hash.len();
        ObjectId::from_prefix_bytes(self.hash, l.data.get(l.oidl + i * hl..)?)
    }

    /// The commit at graph position `pos`; `None` past the graph, or when its entry is
    /// unsound (a parent outside its layer and those below, an EDGE list or generation
    /// overflow index out of bounds): callers then read the commit object, as for a
    /// commit the graph does not list. Entries are checked as they are read, not all
    /// when the graph is opened, so a short walk pays for the commits it visits.
    pub fn commit(&self, pos: u32) -> Option<GraphCommit> {
        let l = self.layer_of(pos)?;
        let limit = l.base + l.count;
        let i = (pos - l.base) as usize;
        let hl = self.hash.len();
        let rec = l.cdat + i * (hl + 16);
        let d: &[u8] = &l.data;
        let tree = ObjectId::from_prefix_bytes(self.hash, &d[rec..])?;
        let p1 = be32(d, rec + hl);
        let p2 = be32(d, rec + hl + 4);
        let mut parents = ParentPositions::default();
        if p1 != PARENT_NONE {
            if p1 >= limit {
                return None;
            }
            parents.push(p1);
        }
        if p2 != PARENT_NONE {
            if p2 & PARENT_EXTRA_EDGES != 0 {
                let (off, len) = l.edge?;
                let mut k = (p2 & !PARENT_EXTRA_EDGES) as usize;
                loop {
                    if (k + 1) * 4 > len {
                        return None;
                    }
                    let e = be32(d, off + k * 4);
                    if e & !EDGE_LAST >= limit {
                        return None;
                    }
                    parents.push(e & !EDGE_LAST);
                    if e & EDGE_LAST != 0 {
                        break;
                    }
                    k += 1;
                }
            } else if p2 >= limit {
                return None;
            } else {
                parents.push(p2);
            }
        }
        let w1 = be32(d, rec + hl + 8);
        let w2 = be32(d, rec + hl + 12);
        let date = ((u64::from(w1 & 3) << 32) | u64::from(w2)) as i64;
        let generation = match (self.corrected_dates, l.gda2) {
            (true, Some(g)) => {
                let off = be32(d, g + i * 4);
                let add = if off & OFFSET_OVERFLOW != 0 {
                    let (o, len) = l.gdo2?;
                    let idx = (off & !OFFSET_OVERFLOW) as usize;
                    if (idx + 1) * 8 > len {
                        return None;
                    }
                    be64(d, o + idx * 8)
                } else {
                    u64::from(off)
                };
                (date as u64).saturating_add(add)
            }
            _ => u64::from(w1 >> 2),
        };
        Some(GraphCommit {
            tree,
            parents,
            date,
            generation,
        })
    }
}

/// Reads and validates one graph file whose commits are numbered from `base`.
fn read_layer(path: &Path, hash: HashKind, base: u32) -> Result<Layer, GraphError> {
    let data = super::mmap::open_io(path).map_err(|source| GraphError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    parse_layer(data, path, hash, base)
}

/// Validates one commit-graph file's bytes (`path` names it in errors).
fn parse_layer(
    data: super::mmap::Data,
    path: &Path,
    hash: HashKind,
    base: u32,
) -> Result<Layer, GraphError> {
    let bad = |what: &str| GraphError::Corrupt {
        path: path.to_path_buf(),
        what: what.into(),
    };
    let hl = hash.len();
    if data.len() < 8 + 12 + hl || &data[..4] != b"CGPH" {
        return Err(bad("missing signature"));
    }
    if data[4] != 1 {
        return Err(bad("unsupported version"));
    }
    let want_hash = match hash {
        HashKind::Sha1 => 1,
        HashKind::Sha256 => 2,
    };
    if data[5] != want_hash {
        return Err(bad("hash version does not match the repository"));
    }
    let chunks = usize::from(data[6]);
    let table_end = 8 + (chunks + 1) * 12;
    let end = data.len() - hl;
    if table_end > end {
        return Err(bad("chunk table runs past the end"));
    }
    let (mut oidf, mut oidl, mut cdat, mut gda2, mut gdo2, mut edge) =
        (None, None, None, None, None, None);
    let (mut bidx, mut bdat) = (None, None);
    for k in 0..chunks {
        let at = 8 + k * 12;
        let id = &data[at..at + 4];
        let start = be64(&data, at + 4);
        let next = be64(&data, at + 16);
        if start < table_end as u64 || next < start || next > end as u64 {
            return Err(bad("chunk offset out of range"));
        }
        let (start, len) = (start as usize, (next - start) as usize);
        match id {
            b"OIDF" => oidf = Some((start, len)),
            b"OIDL" => oidl = Some((start, len)),
            b"CDAT" => cdat = Some((start, len)),
            b"GDA2" => gda2 = Some((start, len)),
            b"GDO2" => gdo2 = Some((start, len)),
            b"EDGE" => edge = Some((start, len)),
            b"BIDX" => bidx = Some((start, len)),
            b"BDAT" => bdat = Some((start, len)),
            _ => {}
        }
    }
    let (oidf, oidf_len) = oidf.ok_or_else(|| bad("missing OIDF chunk"))?;
    if oidf_len != 256 * 4 {
        return Err(bad("OIDF chunk has the wrong size"));
    }
    let mut prev = 0;
    for i in 0..256 {
        let v = be32(&data, oidf + i * 4);
        if v < prev {
            return Err(bad("OIDF fan-out is not monotonic"));
        }
        prev = v;
    }
    let count = prev;
    let (oidl, oidl_len) = oidl.ok_or_else(|| bad("missing OIDL chunk"))?;
    if oidl_len as u64 != u64::from(count) * hl as u64 {
        return Err(bad("OIDL chunk has the wrong size"));
    }
    let (cdat, cdat_len) = cdat.ok_or_else(|| bad("missing CDAT chunk"))?;
    if cdat_len as u64 != u64::from(count) * (hl as u64 + 16) {
        return Err(bad("CDAT chunk has the wrong size"));
    }
    let gda2 = match gda2 {
        Some((s, len)) if len as u64 == u64::from(count) * 4 => Some(s),
        Some(_) => return Err(bad("GDA2 chunk has the wrong size")),
        None => None,
    };
    if base.checked_add(count).is_none() {
        return Err(bad("too many commits"));
    }
    // Bloom filters are an optimization: malformed ones are ignored, as git ignores them.
    let bloom = match (bidx, bdat) {
        (Some((bidx, bidx_len)), Some((bdat, bdat_len)))
            if bidx_len as u64 == u64::from(count) * 4 && bdat_len >= 12 =>
        {
            let version = be32(&data, bdat);
            let hashes = be32(&data, bdat + 4);
            let bits_per_entry = be32(&data, bdat + 8);
            let sound = (version == 1 || version == 2)
                && (1..=32).contains(&hashes)
                && bits_per_entry > 0
                && (0..count as usize)
                    .map(|i| be32(&data, bidx + i * 4) as usize)
                    .try_fold(0usize, |prev, end| {
                        (end >= prev && end <= bdat_len - 12).then_some(end)
                    })
                    .is_some();
            sound.then_some(Bloom {
                bidx,
                data_start: bdat + 12,
                hashes,
                version,
            })
        }
        _ => None,
    };
    Ok(Layer {
        data,
        base,
        count,
        oidf,
        oidl,
        cdat,
        gda2,
        gdo2,
        edge,
        bloom,
    })
}

/// MurmurHash3 (x86, 32-bit) as git's Bloom filters use it. Version 1 filters hash the
/// bytes as signed chars (git's historical bug), version 2 as unsigned.
fn murmur3(seed: u32, data: &[u8], version: u32) -> u32 {
    const C1: u32 = 0xcc9e_2d51;
    const C2: u32 = 0x1b87_3593;
    // Version 1 reads bytes as (signed) `char`, sign-extending those >= 0x80.
    let byte = |b: u8| -> u32 {
        if version == 1 {
            b as i8 as i32 as u32
        } else {
            u32::from(b)
        }
    };
    let mut h = seed;
    let chunks = data.len() / 4;
    for i in 0..chunks {
        let b = &data[i * 4..i * 4 + 4];
        let mut k = byte(b[0]) | (byte(b[1]) << 8) | (byte(b[2]) << 16) | (byte(b[3]) << 24);
        k = k.wrapping_mul(C1).rotate_left(15).wrapping_mul(C2);
        h ^= k;
        h = h.rotate_left(13).wrapping_mul(5).wrapping_add(0xe654_6b64);
    }
    let tail = &data[chunks * 4..];
    let mut k = 0u32;
    if tail.len() >= 3 {
        k ^= byte(tail[2]) << 16;
    }
    if tail.len() >= 2 {
        k ^= byte(tail[1]) << 8;
    }
    if !tail.is_empty() {
        k ^= byte(tail[0]);
        k = k.wrapping_mul(C1).rotate_left(15).wrapping_mul(C2);
        h ^= k;
    }
    h ^= data.len() as u32;
    h ^= h >> 16;
    h = h.wrapping_mul(0x85eb_ca6b);
    h ^= h >> 13;
    h = h.wrapping_mul(0xc2b2_ae35);
    h ^= h >> 16;
    h
}
