//! The commit-graph (`objects/info/commit-graph`, or the layers listed in
//! `objects/info/commit-graphs/commit-graph-chain`): each commit's root tree, parents and
//! commit time without inflating the commit.
//!
//! The file layout is checked on open (header, chunk table, the sizes of the required
//! chunks, the fan-out table); entries are read lazily, and every position read from the
//! file is bounds-checked when used, so a corrupt file yields `None` (the caller reads the
//! commit object instead), never a panic.

use super::mmap::{self, Data};
use super::OdbError;
use crate::oid::{HashKind, ObjectId};
use std::cmp::Ordering;
use std::path::Path;

/// A `CDAT` parent slot that holds no parent.
const NO_PARENT: u32 = 0x7000_0000;
/// Set on the second parent slot of an octopus merge (the rest is an `EDGE` index), and on
/// the last `EDGE` entry of a commit.
const EXTRA_EDGES: u32 = 0x8000_0000;

/// One commit as the commit-graph records it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GraphCommit {
    /// The root tree.
    pub tree: ObjectId,
    /// Graph positions of the parents, in order (see [`CommitGraph::id_at`]).
    pub parents: Vec<u32>,
    /// The commit time (seconds since the epoch).
    pub commit_time: i64,
}

/// One commit-graph file.
#[derive(Debug)]
struct Layer {
    data: Data,
    /// Commits in this layer.
    num: u32,
    /// Global position of this layer's first commit (the commits of the layers below).
    base: u32,
    fanout: usize,
    oids: usize,
    cdat: usize,
    /// The `EDGE` chunk: start and length in bytes.
    edges: Option<(usize, usize)>,
}

/// A commit-graph: one file, or a chain of layers, each adding commits on top of those
/// below. Positions are global: layer `i`'s commits follow those of layers `0..i`.
#[derive(Debug)]
pub struct CommitGraph {
    hash: HashKind,
    layers: Vec<Layer>,
    total: u32,
}

fn be32(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

impl CommitGraph {
    /// Opens the commit-graph of the objects directory `objects_dir`, as git does: the
    /// single file `info/commit-graph` if present, else the chain in `info/commit-graphs/`.
    /// `Ok(None)` when there is none; a chain's layers are used up to the first unusable
    /// one. An unusable single file is an error.
    pub fn open(objects_dir: &Path, hash: HashKind) -> Result<Option<CommitGraph>, OdbError> {
        let info = objects_dir.join("info");
        let single = info.join("commit-graph");
        match mmap::open(&single) {
            Ok(data) => {
                let layer = Layer::parse(&single, data, hash, 0, 0)?;
                let total = layer.num;
                return Ok(Some(CommitGraph {
                    hash,
                    layers: vec![layer],
                    total,
                }));
            }
            Err(OdbError::Io { source, .. })
                if source.kind() == std::io::ErrorKind::NotFound
                    || source.kind() == std::io::ErrorKind::NotADirectory => {}
            Err(e) => return Err(e),
        }
        let dir = info.join("commit-graphs");
        let chain = match std::fs::read(dir.join("commit-graph-chain")) {
            Ok(t) => t,
            Err(e)
                if e.kind() == std::io::ErrorKind::NotFound
                    || e.kind() == std::io::ErrorKind::NotADirectory =>
            {
                return Ok(None)
            }
            Err(e) => return Err(OdbError::io(&dir.join("commit-graph-chain"), e)),
        };
        let mut layers = Vec::new();
        let mut total = 0u32;
        for line in chain.split(|&b| b == b'\n') {
            let line = line.strip_suffix(b"\r").unwrap_or(line);
            if line.is_empty() {
                continue;
            }
            if line.len() != hash.hex_len() || !line.iter().all(u8::is_ascii_hexdigit) {
                break;
            }
            let name = format!("graph-{}.graph", String::from_utf8_lossy(line));
            let path = dir.join(name);
            let Ok(data) = mmap::open(&path) else { break };
            let Ok(layer) = Layer::parse(&path, data, hash, layers.len(), total) else {
                break;
            };
            let Some(t) = total.checked_add(layer.num) else {
                break;
            };
            total = t;
            layers.push(layer);
        }
        if layers.is_empty() {
            return Ok(None);
        }
        Ok(Some(CommitGraph {
            hash,
            layers,
            total,
        }))
    }

    /// The number of commits over all layers.
    pub fn len(&self) -> u32 {
        self.total
    }

    /// Whether the graph lists no commits.
    pub fn is_empty(&self) -> bool {
        self.total == 0
    }

    /// The layer holding global position `pos`, and the position within it.
    fn layer_of(&self, pos: u32) -> Option<(&Layer, u32)> {
        let layer = self
            .layers
            .iter()
            .rev()
            .find(|l| pos >= l.base && pos - l.base < l.num)?;
        Some((layer, pos - layer.base))
    }

    /// The graph position of commit `id`, if the graph lists it.
    pub fn lookup(&self, id: &ObjectId) -> Option<u32> {
        let want = id.as_bytes();
        if want.len() != self.hash.len() {
            return None;
        }
        self.layers
            .iter()
            .find_map(|l| l.lookup(want, self.hash).map(|i| l.base + i))
    }

    /// The id of the commit at graph position `pos`.
    pub fn id_at(&self, pos: u32) -> Option<ObjectId> {
        let (layer, i) = self.layer_of(pos)?;
        layer.id_at(i, self.hash)
    }

    /// The tree, parents and commit time of the commit at graph position `pos`; `None` if
    /// the position or the entry is out of bounds.
    pub fn commit(&self, pos: u32) -> Option<GraphCommit> {
        let (layer, i) = self.layer_of(pos)?;
        let hl = self.hash.len();
        let at = layer.cdat + i as usize * (hl + 16);
        let d = &layer.data[..];
        let tree = ObjectId::from_prefix_bytes(self.hash, d.get(at..at + hl)?)?;
        let p1 = be32(d, at + hl)?;
        let p2 = be32(d, at + hl + 4)?;
        let hi = be32(d, at + hl + 8)?;
        let lo = be32(d, at + hl + 12)?;
        let commit_time = (i64::from(hi & 3) << 32) | i64::from(lo);
        let mut parents = Vec::new();
        // Parents lie in this layer or below it.
        let limit = layer.base + layer.num;
        let mut push = |p: u32| -> Option<()> { (p < limit).then(|| parents.push(p)) };
        if p1 != NO_PARENT {
            push(p1)?;
        }
        if p2 != NO_PARENT {
            if p2 & EXTRA_EDGES == 0 {
                push(p2)?;
            } else {
                let (start, len) = layer.edges?;
                let mut e = (p2 & !EXTRA_EDGES) as usize;
                loop {
                    if 4 * e + 4 > len {
                        return None;
                    }
                    let v = be32(d, start + 4 * e)?;
                    push(v & !EXTRA_EDGES)?;
                    if v & EXTRA_EDGES != 0 {
                        break;
                    }
                    e += 1;
                }
            }
        }
        Some(GraphCommit {
            tree,
            parents,
            commit_time,
        })
    }
}

impl Layer {
    /// Checks the layout of one commit-graph file, the `index`-th of its chain, whose
    /// commits start at global position `base`.
    fn parse(
        path: &Path,
        data: Data,
        hash: HashKind,
        index: usize,
        base: u32,
    ) -> Result<Layer, OdbError> {
        let bad = |what: &str| OdbError::corrupt(path, what.to_string());
        let hl = hash.len();
        if data.len() < 8 + 12 + hl {
            return Err(bad("commit-graph is too small"));
        }
        if &data[..4] != b"CGPH" {
            return Err(bad("not a commit-graph (bad signature)"));
        }
        if data[4] != 1 {
            return Err(bad("unsupported commit-graph version"));
        }
        let want_hash = match hash {
            HashKind::Sha1 => 1,
            HashKind::Sha256 => 2,
        };
        if data[5] != want_hash {
            return Err(bad("commit-graph hash version does not match"));
        }
        let chunks = data[6] as usize;
        if data[7] as usize != index {
            return Err(bad("commit-graph has the wrong number of base graphs"));
        }
        let table_end = 8 + (chunks + 1) * 12;
        let body_end = data.len() - hl;
        if table_end > body_end {
            return Err(bad("commit-graph chunk table runs past the end"));
        }
        let mut found: [Option<(usize, usize)>; 4] = [None; 4];
        for c in 0..chunks {
            let at = 8 + c * 12;
            let id = &data[at..at + 4];
            let start = u64::from_be_bytes(data[at + 4..at + 12].try_into().expect("8 bytes"));
            let end = u64::from_be_bytes(data[at + 16..at + 24].try_into().expect("8 bytes"));
            if start < table_end as u64 || end < start || end > body_end as u64 {
                return Err(bad("commit-graph chunk offsets out of bounds"));
            }
            let slot = match id {
                b"OIDF" => 0,
                b"OIDL" => 1,
                b"CDAT" => 2,
                b"EDGE" => 3,
                _ => continue,
            };
            found[slot] = Some((start as usize, (end - start) as usize));
        }
        let (Some((fanout, flen)), Some((oids, olen)), Some((cdat, clen))) =
            (found[0], found[1], found[2])
        else {
            return Err(bad("commit-graph lacks a required chunk"));
        };
        if flen != 1024 {
            return Err(bad("commit-graph fan-out chunk has the wrong size"));
        }
        let mut prev = 0;
        for i in 0..256 {
            let n = be32(&data, fanout + 4 * i).unwrap_or(0);
            if n < prev {
                return Err(bad("commit-graph fan-out is not monotonic"));
            }
            prev = n;
        }
        let num = prev;
        if Some(olen) != (num as usize).checked_mul(hl)
            || Some(clen) != (num as usize).checked_mul(hl + 16)
            || base.checked_add(num).is_none()
        {
            return Err(bad(
                "commit-graph chunk sizes do not match its commit count",
            ));
        }
        Ok(Layer {
            data,
            num,
            base,
            fanout,
            oids,
            cdat,
            edges: found[3],
        })
    }

    fn id_bytes(&self, i: u32, hl: usize) -> &[u8] {
        let at = self.oids + i as usize * hl;
        &self.data[at..at + hl]
    }

    fn id_at(&self, i: u32, hash: HashKind) -> Option<ObjectId> {
        (i < self.num).then(|| ObjectId::from_prefix_bytes(hash, self.id_bytes(i, hash.len())))?
    }

    fn lookup(&self, want: &[u8], hash: HashKind) -> Option<u32> {
        let b = usize::from(*want.first()?);
        let hi = be32(&self.data, self.fanout + 4 * b)?;
        let mut lo = if b == 0 {
            0
        } else {
            be32(&self.data, self.fanout + 4 * (b - 1))?
        };
        let mut hi = hi.min(self.num);
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            match self.id_bytes(mid, hash.len()).cmp(want) {
                Ordering::Less => lo = mid + 1,
                Ordering::Greater => hi = mid,
                Ordering::Equal => return Some(mid),
            }
        }
        None
    }
}
