//! The object database: loose objects, packs and alternates behind one read API.
//!
//! [`Odb`] is `Send + Sync`: many threads read through one handle with no per-thread setup.
//! Each objects directory (the repository's own, then its alternates) contributes its loose
//! objects and its packs, the latter found through `objects/pack/multi-pack-index` when
//! present and through the individual `.idx` files otherwise. Packed objects are looked up
//! first, as git does; a lookup that misses everywhere re-scans the pack folders once, since
//! packs may appear while we run.
//!
//! Delta chains are resolved iteratively (never by recursion), bounded in depth, with
//! `REF_DELTA` cycles detected, and the bases met on the way are kept in a shared,
//! memory-bounded [`DeltaBaseCache`].

mod abbrev;
mod cache;
mod commit_graph;
mod delta;
pub mod fuzz;
mod idx;
mod loose;
mod midx;
pub(crate) mod mmap;
mod pack;
mod sorted_ids;

use crate::object::{Object, ObjectKind};
use crate::oid::{HashKind, HexPrefix, ObjectId};
use flate2::Decompress;
use std::cell::RefCell;
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};

pub use abbrev::{auto_abbrev_len, default_abbrev_len, Abbreviator, MIN_ABBREV};
pub use cache::{DeltaBaseCache, DEFAULT_CACHE_LIMIT};
pub use commit_graph::{CommitGraph, GraphCommit, GraphError, ParentPositions};
pub use delta::{apply_delta, delta_sizes, DeltaError};
pub use idx::PackIndex;
pub use loose::{inflate_loose, LooseStore};
pub use midx::MultiPackIndex;
pub use pack::{parse_entry_header, EntryHeader, EntryKind, PackData};

/// Why an object could not be read.
#[derive(Debug, thiserror::Error)]
pub enum OdbError {
    /// No store has the object.
    #[error("object {0} not found")]
    NotFound(ObjectId),
    /// A file could not be read.
    #[error("cannot read {path}: {source}")]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// The operating system's error.
        source: std::io::Error,
    },
    /// A file holds bytes that do not form what it should.
    #[error("corrupt {path}: {what}")]
    Corrupt {
        /// The broken file.
        path: PathBuf,
        /// What is wrong with it.
        what: String,
    },
    /// A delta in a pack cannot be applied to its base.
    #[error("corrupt {path}: delta at offset {offset}: {source}")]
    Delta {
        /// The pack holding the delta.
        path: PathBuf,
        /// The delta entry's offset in the pack.
        offset: u64,
        /// What is wrong with the delta.
        source: DeltaError,
    },
    /// An object's contents do not hash to its id.
    #[error("object {id} is corrupt: contents hash to {actual}")]
    HashMismatch {
        /// The id the object was read under.
        id: ObjectId,
        /// The id its contents hash to.
        actual: ObjectId,
    },
    /// The object is absent, but the repository is a partial clone (it has `.promisor`
    /// packs or `extensions.partialClone`): a promisor remote promised it and it was never
    /// fetched. oxgit does not fetch.
    #[error("object {0} is missing: promised by a promisor remote (partial clone), not fetched")]
    MissingPromised(ObjectId),
    /// The object is absent and the repository is shallow (it has a `shallow` file): it
    /// is most likely history beyond the shallow boundary, which was never fetched.
    #[error("object {0} is missing: the repository's history is shallow")]
    MissingShallow(ObjectId),
    /// With hash verification on, an object's contents carry the marks of a SHA-1
    /// collision attack (detected as git's sha1dc does).
    #[error("object {id}: SHA-1 collision attack detected in its contents")]
    CollisionAttack {
        /// The id the object was read under.
        id: ObjectId,
    },
}

impl OdbError {
    /// A [`OdbError::Corrupt`] for `path`.
    pub fn corrupt(path: &Path, what: impl Into<String>) -> OdbError {
        OdbError::Corrupt {
            path: path.to_path_buf(),
            what: what.into(),
        }
    }

    /// Whether the object simply is not there: [`OdbError::NotFound`],
    /// [`OdbError::MissingPromised`] or [`OdbError::MissingShallow`].
    pub fn is_missing(&self) -> bool {
        matches!(
            self,
            OdbError::NotFound(_) | OdbError::MissingPromised(_) | OdbError::MissingShallow(_)
        )
    }

    /// An [`OdbError::Io`] for `path`.
    pub fn io(path: &Path, source: std::io::Error) -> OdbError {
        OdbError::Io {
            path: path.to_path_buf(),
            source,
        }
    }
}

/// How many deltas a chain may stack before we call the pack corrupt. `git pack-objects`
/// caps `--depth` at 4095.
pub const MAX_DELTA_CHAIN: usize = 10_000;

/// One pack: its data and, unless a multi-pack-index covers it, its own index.
#[derive(Debug)]
struct Pack {
    /// The `.idx` file name, used to reuse the pack across re-scans.
    name: OsString,
    data: PackData,
    idx: Option<PackIndex>,
    /// Every entry's (offset, id), by offset: built on first need (object sizes on disk,
    /// `OFS_DELTA` bases by id).
    by_offset: std::sync::OnceLock<Vec<(u64, ObjectId)>>,
}

impl Pack {
    /// The entries sorted by offset (from the `.idx`; empty without one).
    fn by_offset(&self) -> &[(u64, ObjectId)] {
        self.by_offset.get_or_init(|| {
            let Some(idx) = &self.idx else {
                return Vec::new();
            };
            let mut v: Vec<(u64, ObjectId)> = (0..idx.len())
                .filter_map(|i| Some((idx.offset_at(i).ok()?, idx.id_at(i))))
                .collect();
            v.sort_unstable_by_key(|&(offset, _)| offset);
            v
        })
    }
}

/// How an object is stored, as `cat-file`'s `%(objectsize:disk)` and `%(deltabase)` show.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StorageInfo {
    /// Bytes the object takes on disk: the loose file, or the pack entry (header included).
    pub disk_size: u64,
    /// The base of a delta entry; `None` for whole objects and loose ones.
    pub delta_base: Option<ObjectId>,
}

/// What one re-scan of a pack folder found.
#[derive(Debug, Default)]
struct PackSet {
    midx: Option<MultiPackIndex>,
    /// The packs of the multi-pack-index, by pack number (`None`: missing or unreadable).
    midx_packs: Vec<Option<Arc<Pack>>>,
    /// Packs the multi-pack-index does not cover, newest first.
    packs: Vec<Arc<Pack>>,
    /// Files that could not be used, with the reason.
    broken: Vec<(PathBuf, String)>,
    /// What the folder looked like when loaded.
    stamp: Stamp,
}

impl PackSet {
    /// Where `id` is stored in these packs.
    fn find(&self, id: &ObjectId) -> Result<Option<(Arc<Pack>, u64)>, OdbError> {
        if let Some(m) = &self.midx {
            if let Some(i) = m.lookup(id) {
                let (p, offset) = m.entry(i)?;
                // A pack that could not be opened is listed in `broken` and reported if
                // the object is found nowhere else.
                if let Some(Some(pack)) = self.midx_packs.get(p as usize) {
                    return Ok(Some((Arc::clone(pack), offset)));
                }
            }
        }
        for pack in &self.packs {
            let idx = pack
                .idx
                .as_ref()
                .expect("packs outside the midx have an index");
            if let Some(i) = idx.lookup(id) {
                return Ok(Some((Arc::clone(pack), idx.offset_at(i)?)));
            }
        }
        Ok(None)
    }

    fn all_packs(&self) -> impl Iterator<Item = &Arc<Pack>> {
        self.midx_packs.iter().flatten().chain(self.packs.iter())
    }
}

/// What a pack folder looks like: its sorted `.idx` names and the multi-pack-index's size
/// and modification time, if there is one.
type Stamp = (Vec<OsString>, Option<(u64, std::time::SystemTime)>);

/// Looks at `dir` (an `objects/pack` folder): its `.idx` names and multi-pack-index stamp.
fn pack_dir_stamp(dir: &Path) -> Result<Stamp, OdbError> {
    let mut names = Vec::new();
    match std::fs::read_dir(dir) {
        Ok(entries) => {
            for e in entries {
                let e = e.map_err(|e| OdbError::io(dir, e))?;
                let name = e.file_name();
                if name.as_encoded_bytes().ends_with(b".idx") {
                    names.push(name);
                }
            }
        }
        Err(e)
            if e.kind() == std::io::ErrorKind::NotFound
                || e.kind() == std::io::ErrorKind::NotADirectory => {}
        Err(e) => return Err(OdbError::io(dir, e)),
    }
    names.sort();
    let midx = std::fs::metadata(dir.join("multi-pack-index"))
        .ok()
        .filter(|m| m.is_file())
        .map(|m| (m.len(), m.modified().unwrap_or(std::time::UNIX_EPOCH)));
    Ok((names, midx))
}

/// Opens one pack; `with_idx` also opens and checks its `.idx`.
fn open_pack(
    dir: &Path,
    idx_name: &OsString,
    hash: HashKind,
    with_idx: bool,
) -> Result<Pack, OdbError> {
    let idx_path = dir.join(idx_name);
    let mut pack_name = idx_name.as_encoded_bytes().to_vec();
    pack_name.truncate(pack_name.len() - 4);
    pack_name.extend_from_slice(b".pack");
    // The name came from an OsString (or valid UTF-8), with an ASCII suffix swapped.
    let pack_path = dir.join(String::from_utf8_lossy(&pack_name).as_ref());
    let data = PackData::open(&pack_path, hash)?;
    let idx = if with_idx {
        let idx = PackIndex::open(&idx_path, hash)?;
        if idx.pack_checksum() != data.checksum() {
            return Err(OdbError::corrupt(
                &idx_path,
                "index does not belong to its pack (checksum differs)",
            ));
        }
        if idx.len() != data.num_objects() {
            return Err(OdbError::corrupt(
                &idx_path,
                format!(
                    "index lists {} objects, pack has {}",
                    idx.len(),
                    data.num_objects()
                ),
            ));
        }
        Some(idx)
    } else {
        None
    };
    Ok(Pack {
        name: idx_name.clone(),
        data,
        idx,
        by_offset: std::sync::OnceLock::new(),
    })
}

/// Loads the packs of `dir`, reusing those of `prev` that are still there.
fn load_pack_set(dir: &Path, hash: HashKind, prev: Option<&PackSet>) -> PackSet {
    let mut set = PackSet::default();
    let stamp = match pack_dir_stamp(dir) {
        Ok(s) => s,
        Err(e) => {
            set.broken.push((dir.to_path_buf(), e.to_string()));
            return set;
        }
    };
    let reuse = |name: &OsString, with_idx: bool| -> Option<Arc<Pack>> {
        prev?
            .all_packs()
            .find(|p| &p.name == name && p.idx.is_some() == with_idx)
            .cloned()
    };
    // `in_midx`: the multi-pack-index names this pack, so a missing file is an error
    // rather than a pack being written or removed.
    let load = |set: &mut PackSet, name: &OsString, in_midx: bool| -> Option<Arc<Pack>> {
        if let Some(p) = reuse(name, true) {
            return Some(p);
        }
        match open_pack(dir, name, hash, true) {
            Ok(p) => Some(Arc::new(p)),
            Err(OdbError::Io { source, .. })
                if source.kind() == std::io::ErrorKind::NotFound && !in_midx =>
            {
                // An index without its pack: git ignores it too (a pack being written or
                // removed).
                None
            }
            Err(e) => {
                set.broken.push((dir.join(name), e.to_string()));
                None
            }
        }
    };
    let mut covered: Vec<&str> = Vec::new();
    let midx_path = dir.join("multi-pack-index");
    let midx = if stamp.1.is_some() {
        match MultiPackIndex::open(&midx_path, hash) {
            Ok(m) => Some(m),
            Err(e) => {
                set.broken.push((midx_path, e.to_string()));
                None
            }
        }
    } else {
        None
    };
    if let Some(m) = &midx {
        for name in m.pack_names() {
            // git checks a multi-pack-index's packs against their own `.idx` files too
            // (object count, trailing checksum): a pack that fails is unusable.
            let p = load(&mut set, &OsString::from(name), true);
            set.midx_packs.push(p);
            covered.push(name);
        }
    }
    let mut packs: Vec<(std::time::SystemTime, Arc<Pack>)> = Vec::new();
    for name in &stamp.0 {
        if name.to_str().is_some_and(|n| covered.contains(&n)) {
            continue;
        }
        if let Some(p) = load(&mut set, name, false) {
            let mtime = std::fs::metadata(p.data.path())
                .and_then(|m| m.modified())
                .unwrap_or(std::time::UNIX_EPOCH);
            packs.push((mtime, p));
        }
    }
    // Newest first, as git searches them.
    packs.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.name.cmp(&b.1.name)));
    set.packs = packs.into_iter().map(|(_, p)| p).collect();
    set.midx = midx;
    set.stamp = stamp;
    set
}

/// One objects directory: its loose objects and its packs.
#[derive(Debug)]
struct Store {
    loose: LooseStore,
    pack_dir: PathBuf,
    packs: RwLock<Arc<PackSet>>,
}

impl Store {
    fn packs(&self) -> Arc<PackSet> {
        Arc::clone(&self.packs.read().unwrap_or_else(|e| e.into_inner()))
    }

    /// Re-reads the pack folder if it changed; returns whether it did.
    fn rescan(&self, hash: HashKind) -> bool {
        let current = self.packs();
        match pack_dir_stamp(&self.pack_dir) {
            Ok(stamp) if stamp == current.stamp => return false,
            _ => {}
        }
        let fresh = Arc::new(load_pack_set(&self.pack_dir, hash, Some(&current)));
        *self.packs.write().unwrap_or_else(|e| e.into_inner()) = fresh;
        true
    }
}

/// Per-thread buffers for reading packed objects.
struct Scratch {
    z: Decompress,
    delta: Vec<u8>,
    chain: Vec<Link>,
    refs_seen: Vec<(u64, u64)>,
}

/// One delta of a chain being resolved.
struct Link {
    pack: Arc<Pack>,
    offset: u64,
    header: EntryHeader,
}

thread_local! {
    static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::new());
}

/// Runs `f` with this thread's scratch buffers (or fresh ones, should they be in use).
fn with_scratch<T>(f: impl FnOnce(&mut Scratch) -> T) -> T {
    SCRATCH.with(|cell| match cell.try_borrow_mut() {
        Ok(mut s) => f(&mut s),
        Err(_) => f(&mut Scratch::new()),
    })
}

impl Scratch {
    fn new() -> Scratch {
        Scratch {
            z: Decompress::new(true),
            delta: Vec::new(),
            chain: Vec::new(),
            refs_seen: Vec::new(),
        }
    }
}

/// Scratch buffers larger than this are released after use.
const KEEP_SCRATCH: usize = 8 << 20;

/// The base at the bottom of a delta chain.
enum Base {
    Owned(Vec<u8>),
    Shared(Arc<Vec<u8>>),
}

impl Base {
    fn bytes(&self) -> &[u8] {
        match self {
            Base::Owned(v) => v,
            Base::Shared(a) => a,
        }
    }
}

/// Where a `REF_DELTA` base was found.
enum RefBase {
    Packed(Arc<Pack>, u64),
    Loose(ObjectKind, Vec<u8>),
}

/// Every object of an [`Odb`], sorted by id, each once (from [`Odb::all_objects`]), with
/// the pack entry a lookup would find for each packed one.
#[derive(Debug)]
pub struct ObjectList {
    packs: Vec<Arc<Pack>>,
    entries: Vec<ListEntry>,
}

/// One object of an [`ObjectList`].
#[derive(Clone, Copy, Debug)]
struct ListEntry {
    id: ObjectId,
    /// Index into `ObjectList::packs`, or [`NO_PACK`]: find it by lookup.
    pack: u32,
    offset: u64,
}

/// [`ListEntry::pack`] of an entry read through a lookup.
const NO_PACK: u32 = u32::MAX;

impl ObjectList {
    /// The number of objects.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The id of object `i`, if `i < len()`.
    pub fn id(&self, i: usize) -> Option<ObjectId> {
        self.entries.get(i).map(|e| e.id)
    }

    /// The ids, in order.
    pub fn ids(&self) -> impl Iterator<Item = ObjectId> + '_ {
        self.entries.iter().map(|e| e.id)
    }
}

/// Where [`SortedObjects`] takes its ids from.
enum SortedSource {
    /// A pack with its own index: its objects are found at the index's offsets.
    Pack(Arc<Pack>),
    /// An index read for its ids only (a multi-pack-index's pack): a lookup places them.
    Ids(PackIndex),
    /// Loose object ids, sorted.
    Loose(Vec<ObjectId>),
}

impl SortedSource {
    fn len(&self) -> u32 {
        match self {
            SortedSource::Pack(p) => p.idx.as_ref().map_or(0, PackIndex::len),
            SortedSource::Ids(idx) => idx.len(),
            SortedSource::Loose(v) => v.len() as u32,
        }
    }

    fn id(&self, i: u32) -> ObjectId {
        match self {
            SortedSource::Pack(p) => p.idx.as_ref().expect("len() is 0 without").id_at(i),
            SortedSource::Ids(idx) => idx.id_at(i),
            SortedSource::Loose(v) => v[i as usize],
        }
    }
}

/// Every object id of an [`Odb`] in sorted order, each once, streamed from the sorted
/// pack indexes and the (sorted) loose ids by a merge, so that the first comes at once
/// and memory does not grow with the number of objects (from [`Odb::sorted_objects`]).
/// Of an id stored several times, the copy a lookup would find is the one given.
pub struct SortedObjects {
    sources: Vec<SortedSource>,
    /// (id, source, position): the smallest id first, ties in lookup priority order.
    heap: std::collections::BinaryHeap<std::cmp::Reverse<(ObjectId, usize, u32)>>,
    last: Option<ObjectId>,
}

impl std::fmt::Debug for SortedObjects {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SortedObjects({} sources)", self.sources.len())
    }
}

/// One object of a [`SortedObjects`] stream: its id and, when known, its pack entry.
#[derive(Debug, Clone)]
pub struct ListedObject {
    /// The object's id.
    pub id: ObjectId,
    at: Option<(Arc<Pack>, u64)>,
}

impl Iterator for SortedObjects {
    type Item = ListedObject;

    fn next(&mut self) -> Option<ListedObject> {
        loop {
            let std::cmp::Reverse((id, src, pos)) = self.heap.pop()?;
            let source = &self.sources[src];
            if pos + 1 < source.len() {
                self.heap
                    .push(std::cmp::Reverse((source.id(pos + 1), src, pos + 1)));
            }
            if self.last == Some(id) {
                continue;
            }
            self.last = Some(id);
            let at = match source {
                SortedSource::Pack(p) => p
                    .idx
                    .as_ref()
                    .and_then(|idx| idx.offset_at(pos).ok())
                    .map(|o| (Arc::clone(p), o)),
                _ => None,
            };
            return Some(ListedObject { id, at });
        }
    }
}

/// [`KindMemo`] entries kept before it starts over (bounds its memory on huge packs).
const KIND_MEMO_LIMIT: usize = 1 << 20;

/// Remembered object kinds of pack entries, for [`Odb::read_listed_header`]: a delta's
/// kind is its chain's base kind, so each chain is walked once for all its members.
#[derive(Debug, Default)]
pub struct KindMemo {
    kinds: std::collections::HashMap<(u64, u64), ObjectKind, BuildOffsetHasher>,
    /// The entries of the walk in progress.
    path: Vec<(u64, u64)>,
}

impl KindMemo {
    /// An empty memo.
    pub fn new() -> KindMemo {
        KindMemo::default()
    }
}

/// A fast hasher for `(pack id, offset)` keys (not exposed to untrusted key choice beyond
/// pack offsets, which are bounded by the pack's size).
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct BuildOffsetHasher;

impl std::hash::BuildHasher for BuildOffsetHasher {
    type Hasher = OffsetHasher;
    fn build_hasher(&self) -> OffsetHasher {
        OffsetHasher(0)
    }
}

/// See [`BuildOffsetHasher`].
#[derive(Clone, Copy, Debug)]
pub(crate) struct OffsetHasher(u64);

impl std::hash::Hasher for OffsetHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u64(u64::from(b));
        }
    }
    fn write_u64(&mut self, v: u64) {
        self.0 = (self.0.rotate_left(5) ^ v).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    }
}

/// All objects of a repository: its own objects directory followed by its alternates.
#[derive(Debug)]
pub struct Odb {
    hash: HashKind,
    empty_tree: ObjectId,
    stores: Vec<Store>,
    cache: DeltaBaseCache,
    verify: bool,
    commit_graph: std::sync::OnceLock<Option<CommitGraph>>,
}

/// How deep `objects/info/alternates` files may chain, as in git.
const MAX_ALTERNATE_DEPTH: usize = 5;

impl Odb {
    /// Opens the objects directory `objects_dir` and, recursively, its alternates, and
    /// finds their packs. Unusable pack files do not fail the open; reads that miss report
    /// them.
    pub fn open(objects_dir: &Path, hash: HashKind) -> Result<Odb, OdbError> {
        Odb::open_with_alternates(objects_dir, hash, &[])
    }

    /// [`Odb::open`] with more alternates (`GIT_ALTERNATE_OBJECT_DIRECTORIES`), searched
    /// after `objects_dir` and before the alternates its `info/alternates` names, as git
    /// orders them.
    pub fn open_with_alternates(
        objects_dir: &Path,
        hash: HashKind,
        extra: &[PathBuf],
    ) -> Result<Odb, OdbError> {
        let mut dirs = Vec::new();
        let canonical = objects_dir
            .canonicalize()
            .unwrap_or_else(|_| objects_dir.to_path_buf());
        dirs.push(canonical.clone());
        for alt in extra.iter().filter(|a| a.is_dir()) {
            collect_alternates(alt, 1, &mut dirs)?;
        }
        read_info_alternates(&canonical, 0, &mut dirs)?;
        let stores = dirs
            .into_iter()
            .map(|dir| {
                let pack_dir = dir.join("pack");
                let packs = load_pack_set(&pack_dir, hash, None);
                Store {
                    loose: LooseStore::new(dir, hash),
                    pack_dir,
                    packs: RwLock::new(Arc::new(packs)),
                }
            })
            .collect();
        Ok(Odb {
            hash,
            empty_tree: hash.empty_tree(),
            stores,
            cache: DeltaBaseCache::new(DEFAULT_CACHE_LIMIT),
            verify: false,
            commit_graph: std::sync::OnceLock::new(),
        })
    }

    /// Replaces the delta-base cache with one of `limit` bytes (0 disables caching).
    pub fn set_cache_limit(&mut self, limit: usize) {
        self.cache = DeltaBaseCache::new(limit);
    }

    /// When on, every object read is hashed and compared with its id, so that corrupt
    /// storage that still inflates cleanly gives [`OdbError::HashMismatch`] rather than
    /// wrong contents. Off by default (git does not check either when reading).
    pub fn set_verify_hashes(&mut self, on: bool) {
        self.verify = on;
    }

    /// The commit-graph of the first objects directory that has one (loaded on first use),
    /// as git picks it. An unreadable or malformed one counts as none: commits are then
    /// read from their objects.
    pub fn commit_graph(&self) -> Option<&CommitGraph> {
        self.commit_graph
            .get_or_init(|| {
                self.stores
                    .iter()
                    .find_map(|s| CommitGraph::open(s.loose.dir(), self.hash).ok().flatten())
            })
            .as_ref()
    }

    /// The delta-base cache (to inspect its use).
    pub fn cache(&self) -> &DeltaBaseCache {
        &self.cache
    }

    /// The hash kind of every id in this database.
    pub fn hash_kind(&self) -> HashKind {
        self.hash
    }

    /// The number of packed objects as git's `approximate_object_count` gives it: every
    /// pack's count plus each multi-pack-index's count; loose objects are not counted.
    /// (The empty tree, which git knows without storing it, is answered by every read
    /// but listed nowhere, as in git.)
    pub fn approximate_object_count(&self) -> u64 {
        let mut count = 0u64;
        for store in &self.stores {
            let set = store.packs();
            if let Some(m) = &set.midx {
                count += u64::from(m.len());
            }
            for p in set.all_packs() {
                count += u64::from(p.data.num_objects());
            }
        }
        count
    }

    /// The objects directories searched, the repository's own first.
    pub fn object_dirs(&self) -> impl Iterator<Item = &Path> {
        self.stores.iter().map(|s| s.loose.dir())
    }

    /// The pack files currently in use, over all objects directories.
    pub fn pack_paths(&self) -> Vec<PathBuf> {
        let mut out = Vec::new();
        for s in &self.stores {
            out.extend(s.packs().all_packs().map(|p| p.data.path().to_path_buf()));
        }
        out
    }

    /// Reads an object's kind and contents.
    pub fn read(&self, id: &ObjectId) -> Result<Object, OdbError> {
        let mut data = Vec::new();
        let kind = self.read_into(id, &mut data)?;
        Ok(Object { kind, data })
    }

    /// Reads an object's contents into `buf` (cleared first), returning its kind. Reusing
    /// `buf` across calls avoids an allocation per object.
    pub fn read_into(&self, id: &ObjectId, buf: &mut Vec<u8>) -> Result<ObjectKind, OdbError> {
        let kind = self.read_unverified(id, buf)?;
        if self.verify {
            let actual = crate::oid::try_hash_object(self.hash, kind, buf)
                .map_err(|_| OdbError::CollisionAttack { id: *id })?;
            if actual != *id {
                return Err(OdbError::HashMismatch { id: *id, actual });
            }
        }
        Ok(kind)
    }

    fn read_unverified(&self, id: &ObjectId, buf: &mut Vec<u8>) -> Result<ObjectKind, OdbError> {
        if *id == self.empty_tree {
            buf.clear();
            return Ok(ObjectKind::Tree);
        }
        if let Some((pack, offset)) = self.find_packed(id)? {
            return self.read_packed(&pack, offset, buf);
        }
        for store in &self.stores {
            if let Some(kind) = store.loose.read_into(id, buf)? {
                return Ok(kind);
            }
        }
        // Not loose either: it may have been packed (and its loose file pruned) since we
        // looked in the packs, by git or by another thread's re-scan; look again.
        self.rescan();
        if let Some((pack, offset)) = self.find_packed(id)? {
            return self.read_packed(&pack, offset, buf);
        }
        Err(self.missing(id))
    }

    /// Reads an object like [`Odb::read_into`] and, when it is a packed whole object,
    /// leaves a copy in the delta-base cache, so that reading it again soon (as a
    /// history walk reads a parent it has just looked at) is a copy, not an inflate.
    pub fn read_into_cached(
        &self,
        id: &ObjectId,
        buf: &mut Vec<u8>,
    ) -> Result<ObjectKind, OdbError> {
        if !self.verify && self.cache.accepts(4096) {
            if let Some((pack, offset)) = self.find_packed(id)? {
                if let Some((kind, data)) = self.cache.get(pack.data.id(), offset) {
                    buf.clear();
                    buf.extend_from_slice(&data);
                    return Ok(kind);
                }
                let header = pack.data.entry_header(offset)?;
                if let EntryKind::Base(kind) = header.kind {
                    with_scratch(|s| pack.data.inflate(&mut s.z, &header, buf))?;
                    if self.cache.accepts(buf.len()) {
                        self.cache
                            .insert(pack.data.id(), offset, kind, Arc::new(buf.clone()));
                    }
                    return Ok(kind);
                }
            }
        }
        self.read_into(id, buf)
    }

    /// Reads only an object's kind and size. Packed objects are not inflated: for deltas
    /// the size comes from the first bytes of the delta, and the kind from the chain's base
    /// entry header.
    pub fn read_header(&self, id: &ObjectId) -> Result<(ObjectKind, u64), OdbError> {
        if *id == self.empty_tree {
            return Ok((ObjectKind::Tree, 0));
        }
        if let Some((pack, offset)) = self.find_packed(id)? {
            return self.packed_header(pack, offset, None);
        }
        for store in &self.stores {
            if let Some(h) = store.loose.read_header(id)? {
                return Ok(h);
            }
        }
        self.rescan();
        if let Some((pack, offset)) = self.find_packed(id)? {
            return self.packed_header(pack, offset, None);
        }
        Err(self.missing(id))
    }

    /// How `id` is stored (the copy a read would use): its size on disk and, for a delta,
    /// its base. The empty tree, which git answers from memory, has size 0.
    pub fn storage_info(&self, id: &ObjectId) -> Result<StorageInfo, OdbError> {
        if *id == self.empty_tree {
            return Ok(StorageInfo {
                disk_size: 0,
                delta_base: None,
            });
        }
        self.stored_info(id)
    }

    /// Like [`Odb::storage_info`], but describes a stored empty tree as stored (as git's
    /// `--unordered` listing, which walks the storage, does).
    pub fn stored_info(&self, id: &ObjectId) -> Result<StorageInfo, OdbError> {
        if let Some((pack, offset)) = self.find_packed(id)? {
            let entries = pack.by_offset();
            let at = entries.partition_point(|&(o, _)| o <= offset);
            let next = entries.get(at).map_or(pack.data.entries_end(), |&(o, _)| o);
            let header = pack.data.entry_header(offset)?;
            let delta_base = match header.kind {
                pack::EntryKind::Base(_) => None,
                pack::EntryKind::RefDelta { base } => Some(base),
                pack::EntryKind::OfsDelta { base_offset } => {
                    let i = entries.partition_point(|&(o, _)| o < base_offset);
                    match entries.get(i) {
                        Some(&(o, base)) if o == base_offset => Some(base),
                        _ => {
                            return Err(OdbError::corrupt(
                                pack.data.path(),
                                format!("delta at {offset} names no entry at {base_offset}"),
                            ))
                        }
                    }
                }
            };
            return Ok(StorageInfo {
                disk_size: next.saturating_sub(offset),
                delta_base,
            });
        }
        for store in &self.stores {
            let path = store.loose.path_of(id);
            match std::fs::metadata(&path) {
                Ok(m) => {
                    return Ok(StorageInfo {
                        disk_size: m.len(),
                        delta_base: None,
                    })
                }
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(OdbError::io(&path, e)),
            }
        }
        Err(self.missing(id))
    }

    /// Every object id in git's `--unordered` order: loose objects first (each objects
    /// directory, fan-out folders in order, files in directory order), then each pack's
    /// objects by offset, packs in git's list order (a multi-pack-index's packs last to
    /// first, then the other packs newest first, ties in reverse directory order; the
    /// repository's own before its alternates'). An id is listed once, where first met.
    /// Also returns how many of the ids (the first ones) are loose.
    pub fn unordered_ids(&self) -> Result<(Vec<ObjectId>, usize), OdbError> {
        let (objects, loose) = self.unordered_objects()?;
        Ok((objects.into_iter().map(|o| o.id).collect(), loose))
    }

    /// Like [`Odb::unordered_ids`], with each packed object's pack entry, so that
    /// [`Odb::listed_object_header`] reads its header without a lookup.
    pub fn unordered_objects(&self) -> Result<(Vec<ListedObject>, usize), OdbError> {
        let mut out = Vec::new();
        let mut seen = crate::oid::IdSet::default();
        let mut loose = Vec::new();
        for store in &self.stores {
            loose.clear();
            store.loose.all_ids(&mut loose)?;
            out.extend(
                loose
                    .iter()
                    .filter(|id| seen.insert(**id))
                    .map(|&id| ListedObject { id, at: None }),
            );
        }
        let loose_count = out.len();
        for store in &self.stores {
            let set = store.packs();
            let mut idx_paths: Vec<PathBuf> = Vec::new();
            if let Some(m) = &set.midx {
                idx_paths.extend(m.pack_names().iter().rev().map(|n| store.pack_dir.join(n)));
            }
            // The other packs: directory order reversed, then newest first (stable).
            let covered: Vec<&str> = set
                .midx
                .as_ref()
                .map(|m| m.pack_names().iter().map(String::as_str).collect())
                .unwrap_or_default();
            let mut others: Vec<(u64, PathBuf)> = Vec::new();
            if let Ok(entries) = std::fs::read_dir(&store.pack_dir) {
                for e in entries.flatten() {
                    let name = e.file_name();
                    let Some(name) = name.to_str() else { continue };
                    if !name.ends_with(".idx") || covered.contains(&name) {
                        continue;
                    }
                    let pack = store.pack_dir.join(name).with_extension("pack");
                    let Ok(meta) = std::fs::metadata(&pack) else {
                        continue;
                    };
                    // git compares whole seconds (`st_mtime`).
                    let mtime = meta
                        .modified()
                        .ok()
                        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                        .map_or(0, |d| d.as_secs());
                    others.push((mtime, store.pack_dir.join(name)));
                }
            }
            others.reverse();
            others.sort_by_key(|&(mtime, _)| std::cmp::Reverse(mtime));
            idx_paths.extend(others.into_iter().map(|(_, p)| p));
            for path in idx_paths {
                let Ok(idx) = PackIndex::open(&path, self.hash) else {
                    continue;
                };
                // The open pack of that index, if any (its entries are then read in place).
                let pack = path.file_name().and_then(|name| {
                    set.all_packs()
                        .find(|p| p.name.as_os_str() == name)
                        .cloned()
                });
                let mut by_offset: Vec<(u64, ObjectId)> = (0..idx.len())
                    .filter_map(|i| Some((idx.offset_at(i).ok()?, idx.id_at(i))))
                    .collect();
                by_offset.sort_unstable_by_key(|&(offset, _)| offset);
                out.extend(
                    by_offset
                        .into_iter()
                        .filter(|(_, id)| seen.insert(*id))
                        .map(|(offset, id)| ListedObject {
                            id,
                            at: pack.as_ref().map(|p| (Arc::clone(p), offset)),
                        }),
                );
            }
        }
        Ok((out, loose_count))
    }

    /// Every object id in every store, sorted and without duplicates, like
    /// [`Odb::all_ids`], together with where each packed one is stored, so that
    /// [`Odb::read_listed`] and [`Odb::read_listed_header`] need no lookup.
    pub fn all_objects(&self) -> Result<ObjectList, OdbError> {
        let mut packs = Vec::new();
        let mut entries = Vec::new();
        let unplaced = |id| ListEntry {
            id,
            pack: NO_PACK,
            offset: 0,
        };
        for store in &self.stores {
            let set = store.packs();
            // Listed as `all_ids` lists them; their location is left to a lookup, which
            // goes through the multi-pack-index.
            if let Some(m) = &set.midx {
                for name in m.pack_names() {
                    let path = store.pack_dir.join(name);
                    if let Ok(idx) = PackIndex::open(&path, self.hash) {
                        entries.extend(idx.ids().map(unplaced));
                    }
                }
            }
            for p in &set.packs {
                let Some(idx) = &p.idx else { continue };
                let n = u32::try_from(packs.len()).unwrap_or(NO_PACK);
                packs.push(Arc::clone(p));
                entries.reserve(idx.len() as usize);
                for i in 0..idx.len() {
                    let id = idx.id_at(i);
                    entries.push(match idx.offset_at(i) {
                        Ok(offset) if n != NO_PACK => ListEntry {
                            id,
                            pack: n,
                            offset,
                        },
                        // A bad offset is reported when the object is read.
                        _ => unplaced(id),
                    });
                }
            }
            let mut loose = Vec::new();
            store.loose.all_ids(&mut loose)?;
            entries.extend(loose.into_iter().map(unplaced));
        }
        // Entries were added in lookup priority order (stores in order; in each, the
        // multi-pack-index, the other packs newest first, then loose objects), so a stable
        // sort followed by keeping each id's first entry keeps the copy a lookup would
        // find, or leaves the choice to a lookup.
        entries.sort_by_key(|e| e.id);
        entries.dedup_by(|later, first| later.id == first.id);
        Ok(ObjectList { packs, entries })
    }

    /// Every object id in every store in sorted order, each once, as a stream (see
    /// [`SortedObjects`]); the order and the copies chosen are those of
    /// [`Odb::all_objects`]. (Each pack index is checked to be in order first; if one is
    /// not, the ids are sorted in memory instead.)
    pub fn sorted_objects(&self) -> Result<SortedObjects, OdbError> {
        let mut sources = Vec::new();
        for store in &self.stores {
            let set = store.packs();
            if let Some(m) = &set.midx {
                for name in m.pack_names() {
                    if let Ok(idx) = PackIndex::open(&store.pack_dir.join(name), self.hash) {
                        sources.push(SortedSource::Ids(idx));
                    }
                }
            }
            for p in &set.packs {
                if p.idx.is_some() {
                    sources.push(SortedSource::Pack(Arc::clone(p)));
                }
            }
            let mut loose = Vec::new();
            store.loose.all_ids(&mut loose)?;
            loose.sort_unstable();
            sources.push(SortedSource::Loose(loose));
        }
        // A damaged index may be out of order; then merge nothing: list the ids sorted in
        // memory, each found by lookup (as git, which sorts them, reads them).
        let unsorted = |s: &SortedSource| (1..s.len()).any(|i| s.id(i - 1) > s.id(i));
        if sources.iter().any(unsorted) {
            sources = vec![SortedSource::Loose(self.all_ids()?)];
        }
        let heap = sources
            .iter()
            .enumerate()
            .filter(|(_, s)| s.len() > 0)
            .map(|(i, s)| std::cmp::Reverse((s.id(0), i, 0)))
            .collect();
        Ok(SortedObjects {
            sources,
            heap,
            last: None,
        })
    }

    /// The kind and size of an object of a [`SortedObjects`] stream, like
    /// [`Odb::read_header`] without the lookup when its pack entry is known. `memo`
    /// remembers the kinds of delta chains walked (and is bounded).
    pub fn listed_object_header(
        &self,
        object: &ListedObject,
        memo: &mut KindMemo,
    ) -> Result<(ObjectKind, u64), OdbError> {
        if memo.kinds.len() > KIND_MEMO_LIMIT {
            memo.kinds.clear();
        }
        match &object.at {
            Some((pack, offset)) => self.packed_header(Arc::clone(pack), *offset, Some(memo)),
            None => self.read_header(&object.id),
        }
    }

    /// Reads entry `i` of `list` (from [`Odb::all_objects`] on this database) like
    /// [`Odb::read_into`] reads its id.
    pub fn read_listed(
        &self,
        list: &ObjectList,
        i: usize,
        buf: &mut Vec<u8>,
    ) -> Result<ObjectKind, OdbError> {
        let Some(e) = list.entries.get(i) else {
            return Err(OdbError::NotFound(self.empty_tree));
        };
        let Some(pack) = list.packs.get(e.pack as usize) else {
            return self.read_into(&e.id, buf);
        };
        let kind = self.read_packed(pack, e.offset, buf)?;
        if self.verify {
            let actual = crate::oid::hash_object(self.hash, kind, buf);
            if actual != e.id {
                return Err(OdbError::HashMismatch { id: e.id, actual });
            }
        }
        Ok(kind)
    }

    /// The kinds and sizes of the entries of `list` (from [`Odb::all_objects`] on this
    /// database) that can be had cheaply: packed entries are visited in pack order (so the
    /// pack is read front to back, and every `OFS_DELTA`'s base, which lies before it, is
    /// known by the time the delta is met). `None` marks an entry to read with
    /// [`Odb::read_listed_header`] instead (loose, `REF_DELTA`, or anything unusual; that
    /// call also gives the error, if there is one).
    pub fn listed_headers(&self, list: &ObjectList) -> Vec<Option<(ObjectKind, u64)>> {
        let mut out = vec![None; list.entries.len()];
        let mut order: Vec<u32> = (0..list.entries.len() as u32)
            .filter(|&i| list.entries[i as usize].pack != NO_PACK)
            .collect();
        order.sort_unstable_by_key(|&i| {
            let e = &list.entries[i as usize];
            (e.pack, e.offset)
        });
        // Per pack, in offset order: offsets and the base kinds found so far.
        let mut offsets: Vec<u64> = Vec::new();
        let mut kinds: Vec<Option<ObjectKind>> = Vec::new();
        let mut start = 0;
        while start < order.len() {
            let pack_no = list.entries[order[start] as usize].pack;
            let end = start
                + order[start..]
                    .iter()
                    .take_while(|&&i| list.entries[i as usize].pack == pack_no)
                    .count();
            let Some(pack) = list.packs.get(pack_no as usize) else {
                break;
            };
            let group = &order[start..end];
            offsets.clear();
            offsets.extend(group.iter().map(|&i| list.entries[i as usize].offset));
            kinds.clear();
            kinds.resize(group.len(), None);
            with_scratch(|s| {
                for (g, &i) in group.iter().enumerate() {
                    let Ok(header) = pack.data.entry_header(offsets[g]) else {
                        continue;
                    };
                    let (kind, size) = match header.kind {
                        EntryKind::Base(kind) => (kind, header.size),
                        EntryKind::OfsDelta { base_offset } => {
                            let Ok(b) = offsets[..g].binary_search(&base_offset) else {
                                continue;
                            };
                            let Some(kind) = kinds[b] else { continue };
                            let mut first = [0u8; 32];
                            let got =
                                pack.data
                                    .inflate_start(&mut s.z, header.data_offset, &mut first);
                            let Ok((_, size, _)) = delta_sizes(&first[..got]) else {
                                continue;
                            };
                            (kind, size)
                        }
                        EntryKind::RefDelta { .. } => continue,
                    };
                    kinds[g] = Some(kind);
                    out[i as usize] = Some((kind, size));
                }
            });
            start = end;
        }
        out
    }

    /// The kind and size of entry `i` of `list` (from [`Odb::all_objects`] on this
    /// database), like [`Odb::read_header`]. `memo` remembers the kinds of the delta
    /// chains walked, so that reading many headers walks each chain entry once.
    pub fn read_listed_header(
        &self,
        list: &ObjectList,
        i: usize,
        memo: &mut KindMemo,
    ) -> Result<(ObjectKind, u64), OdbError> {
        let Some(e) = list.entries.get(i) else {
            return Err(OdbError::NotFound(self.empty_tree));
        };
        match list.packs.get(e.pack as usize) {
            Some(pack) => self.packed_header(Arc::clone(pack), e.offset, Some(memo)),
            None => self.read_header(&e.id),
        }
    }

    /// Whether the object exists in any store.
    pub fn contains(&self, id: &ObjectId) -> bool {
        let packed = |odb: &Odb| matches!(odb.find_packed(id), Ok(Some(_)));
        *id == self.empty_tree
            || packed(self)
            || self.stores.iter().any(|s| s.loose.contains(id))
            || {
                // As in `read_into`: another thread may have re-scanned already.
                self.rescan();
                packed(self)
            }
    }

    /// Appends every id that starts with `prefix` to `out` (sorted, without duplicates),
    /// stopping once `out` holds more than `limit` ids.
    pub fn find_prefix(
        &self,
        prefix: &HexPrefix,
        limit: usize,
        out: &mut Vec<ObjectId>,
    ) -> Result<(), OdbError> {
        let start = out.len();
        self.find_prefix_once(prefix, limit, out)?;
        if out.len() == start {
            // Loose objects may have been packed and pruned meanwhile (see `read_into`).
            self.rescan();
            self.find_prefix_once(prefix, limit, out)?;
        }
        out.sort_unstable();
        out.dedup();
        out.truncate(limit.saturating_add(1));
        Ok(())
    }

    fn find_prefix_once(
        &self,
        prefix: &HexPrefix,
        limit: usize,
        out: &mut Vec<ObjectId>,
    ) -> Result<(), OdbError> {
        let each = limit.saturating_add(1);
        for store in &self.stores {
            let set = store.packs();
            if let Some(m) = &set.midx {
                m.find_prefix(prefix, each, out);
            }
            for p in &set.packs {
                if let Some(idx) = &p.idx {
                    idx.find_prefix(prefix, each, out);
                }
            }
            store.loose.find_prefix(prefix, out)?;
        }
        Ok(())
    }

    /// Every object id in every store, sorted and without duplicates.
    pub fn all_ids(&self) -> Result<Vec<ObjectId>, OdbError> {
        let mut out = Vec::new();
        for store in &self.stores {
            let set = store.packs();
            // Like git, list a multi-pack-index's packs from their own `.idx` files (lookups
            // still go through the multi-pack-index); a pack whose index cannot be read is
            // skipped, as git skips it.
            if let Some(m) = &set.midx {
                for name in m.pack_names() {
                    let path = store.pack_dir.join(name);
                    if let Ok(idx) = PackIndex::open(&path, self.hash) {
                        out.extend(idx.ids());
                    }
                }
            }
            for p in &set.packs {
                if let Some(idx) = &p.idx {
                    out.extend(idx.ids());
                }
            }
            store.loose.all_ids(&mut out)?;
        }
        out.sort_unstable();
        out.dedup();
        Ok(out)
    }

    /// Re-scans every pack folder; returns whether any changed.
    fn rescan(&self) -> bool {
        let mut changed = false;
        for s in &self.stores {
            changed |= s.rescan(self.hash);
        }
        changed
    }

    /// The error for an object found nowhere: [`OdbError::NotFound`], unless some pack
    /// file could not be used, in which case that is reported.
    fn missing(&self, id: &ObjectId) -> OdbError {
        for s in &self.stores {
            if let Some((path, what)) = s.packs().broken.first() {
                return OdbError::corrupt(path, format!("{what} (while looking for {id})"));
            }
        }
        // Why it is missing: a partial clone's promisor remote or a shallow history. Only
        // the repository's own objects directory (the first store) tells.
        if let Some(own) = self.stores.first() {
            let repo_dir = own.loose.dir().parent().unwrap_or(own.loose.dir());
            if has_promisor_remote(&repo_dir.join("config")) {
                return OdbError::MissingPromised(*id);
            }
            if repo_dir.join("shallow").is_file() {
                return OdbError::MissingShallow(*id);
            }
        }
        OdbError::NotFound(*id)
    }

    /// Finds `id` in the packs of any store.
    fn find_packed(&self, id: &ObjectId) -> Result<Option<(Arc<Pack>, u64)>, OdbError> {
        for store in &self.stores {
            if let Some(found) = store.packs().find(id)? {
                return Ok(Some(found));
            }
        }
        Ok(None)
    }

    /// Finds the base of a `REF_DELTA` in `pack`: in the same pack first, then anywhere.
    fn find_ref_base(&self, pack: &Arc<Pack>, base: &ObjectId) -> Result<RefBase, OdbError> {
        if let Some(idx) = &pack.idx {
            if let Some(i) = idx.lookup(base) {
                return Ok(RefBase::Packed(Arc::clone(pack), idx.offset_at(i)?));
            }
        }
        if let Some((p, offset)) = self.find_packed(base)? {
            return Ok(RefBase::Packed(p, offset));
        }
        let mut buf = Vec::new();
        for store in &self.stores {
            if let Some(kind) = store.loose.read_into(base, &mut buf)? {
                return Ok(RefBase::Loose(kind, buf));
            }
        }
        Err(OdbError::corrupt(
            pack.data.path(),
            format!("delta base {base} is missing"),
        ))
    }

    /// Reads the packed object at `offset` of `pack`, resolving its delta chain.
    fn read_packed(
        &self,
        pack: &Arc<Pack>,
        offset: u64,
        buf: &mut Vec<u8>,
    ) -> Result<ObjectKind, OdbError> {
        with_scratch(|s| {
            s.chain.clear();
            s.refs_seen.clear();
            let r = self.resolve(s, pack, offset, buf);
            s.chain.clear();
            if s.delta.capacity() > KEEP_SCRATCH {
                s.delta = Vec::new();
            }
            r
        })
    }

    fn resolve(
        &self,
        s: &mut Scratch,
        pack: &Arc<Pack>,
        offset: u64,
        buf: &mut Vec<u8>,
    ) -> Result<ObjectKind, OdbError> {
        let mut cur = Arc::clone(pack);
        let mut off = offset;
        // Walk down to a whole object (or a cached one), remembering the deltas.
        let (kind, mut base, mut key) = loop {
            if let Some((kind, data)) = self.cache.get(cur.data.id(), off) {
                break (kind, Base::Shared(data), Some((cur.data.id(), off)));
            }
            if s.chain.len() > MAX_DELTA_CHAIN {
                return Err(OdbError::corrupt(
                    pack.data.path(),
                    format!(
                        "delta chain of the entry at {offset} is deeper than {MAX_DELTA_CHAIN}"
                    ),
                ));
            }
            let header = cur.data.entry_header(off)?;
            match header.kind {
                EntryKind::Base(kind) => {
                    let mut v = if s.chain.is_empty() {
                        std::mem::take(buf)
                    } else {
                        Vec::new()
                    };
                    cur.data.inflate(&mut s.z, &header, &mut v)?;
                    break (kind, Base::Owned(v), Some((cur.data.id(), off)));
                }
                EntryKind::OfsDelta { base_offset } => {
                    s.chain.push(Link {
                        pack: Arc::clone(&cur),
                        offset: off,
                        header,
                    });
                    off = base_offset;
                }
                EntryKind::RefDelta { base } => {
                    s.chain.push(Link {
                        pack: Arc::clone(&cur),
                        offset: off,
                        header,
                    });
                    match self.find_ref_base(&cur, &base)? {
                        RefBase::Packed(p, o) => {
                            let key = (p.data.id(), o);
                            if s.refs_seen.contains(&key) {
                                return Err(OdbError::corrupt(
                                    cur.data.path(),
                                    format!("REF_DELTA cycle through {base}"),
                                ));
                            }
                            s.refs_seen.push(key);
                            cur = p;
                            off = o;
                        }
                        RefBase::Loose(kind, v) => break (kind, Base::Owned(v), None),
                    }
                }
            }
        };
        // Apply the deltas, innermost first, caching each base on the way.
        let n = s.chain.len();
        for i in (0..n).rev() {
            let link = &s.chain[i];
            link.pack
                .data
                .inflate(&mut s.z, &link.header, &mut s.delta)?;
            let mut out = if i == 0 {
                std::mem::take(buf)
            } else {
                Vec::new()
            };
            apply_delta(base.bytes(), &s.delta, &mut out).map_err(|source| OdbError::Delta {
                path: link.pack.data.path().to_path_buf(),
                offset: link.offset,
                source,
            })?;
            let used = std::mem::replace(&mut base, Base::Owned(out));
            if let (Some((p, o)), Base::Owned(v)) = (key, used) {
                if self.cache.accepts(v.len()) {
                    self.cache.insert(p, o, kind, Arc::new(v));
                }
            }
            key = Some((link.pack.data.id(), link.offset));
        }
        match base {
            Base::Owned(v) => *buf = v,
            Base::Shared(a) => {
                buf.clear();
                buf.extend_from_slice(&a);
            }
        }
        Ok(kind)
    }

    /// The kind and size of the packed object at `offset` of `pack`, from entry headers and
    /// the first bytes of the outermost delta. With a `memo`, the kinds of the entries
    /// walked are remembered, and a remembered entry ends the walk.
    fn packed_header(
        &self,
        pack: Arc<Pack>,
        offset: u64,
        mut memo: Option<&mut KindMemo>,
    ) -> Result<(ObjectKind, u64), OdbError> {
        let mut cur = pack;
        let mut off = offset;
        let mut size = None;
        let mut refs_seen: Vec<(u64, u64)> = Vec::new();
        if let Some(m) = memo.as_deref_mut() {
            m.path.clear();
        }
        // Records `kind` for the entries walked (with a memo) and returns the answer.
        let done = |memo: Option<&mut KindMemo>, kind: ObjectKind, size: u64| {
            if let Some(m) = memo {
                for key in std::mem::take(&mut m.path) {
                    m.kinds.insert(key, kind);
                }
            }
            Ok((kind, size))
        };
        for _ in 0..=MAX_DELTA_CHAIN {
            if let Some(m) = memo.as_deref_mut() {
                let key = (cur.data.id(), off);
                if let Some(&kind) = m.kinds.get(&key) {
                    if let Some(size) = size {
                        return done(memo, kind, size);
                    }
                } else {
                    m.path.push(key);
                }
            }
            if let Some((kind, data)) = self.cache.get(cur.data.id(), off) {
                let size = size.unwrap_or(data.len() as u64);
                return done(memo, kind, size);
            }
            let header = cur.data.entry_header(off)?;
            let base = match header.kind {
                EntryKind::Base(kind) => return done(memo, kind, size.unwrap_or(header.size)),
                EntryKind::OfsDelta { .. } | EntryKind::RefDelta { .. } if size.is_none() => {
                    let mut start = [0u8; 32];
                    let got = with_scratch(|s| {
                        cur.data
                            .inflate_start(&mut s.z, header.data_offset, &mut start)
                    });
                    let (_, target, _) = delta_sizes(&start[..got]).map_err(|e| {
                        OdbError::corrupt(cur.data.path(), format!("delta at {off}: {e}"))
                    })?;
                    size = Some(target);
                    if let Some(m) = memo.as_deref_mut() {
                        if let Some(&kind) = m.kinds.get(&(cur.data.id(), off)) {
                            return done(memo, kind, target);
                        }
                    }
                    header.kind
                }
                k => k,
            };
            match base {
                EntryKind::OfsDelta { base_offset } => off = base_offset,
                EntryKind::RefDelta { base } => match self.find_ref_base(&cur, &base)? {
                    RefBase::Packed(p, o) => {
                        let key = (p.data.id(), o);
                        if refs_seen.contains(&key) {
                            return Err(OdbError::corrupt(
                                cur.data.path(),
                                format!("REF_DELTA cycle through {base}"),
                            ));
                        }
                        refs_seen.push(key);
                        cur = p;
                        off = o;
                    }
                    RefBase::Loose(kind, v) => {
                        return done(memo, kind, size.unwrap_or(v.len() as u64))
                    }
                },
                EntryKind::Base(kind) => return done(memo, kind, size.unwrap_or(header.size)),
            }
        }
        Err(OdbError::corrupt(
            cur.data.path(),
            format!("delta chain of the entry at {offset} is deeper than {MAX_DELTA_CHAIN}"),
        ))
    }
}

/// Whether the config file at `path` makes the repository a partial clone, as git's
/// `repo_has_promisor_remote` decides: `extensions.partialClone` is set, or some
/// `remote.<name>.promisor` is true. (`.promisor` pack files alone do not: git fetches
/// nothing lazily without a promisor remote.)
fn has_promisor_remote(path: &Path) -> bool {
    let Ok(config) = crate::config::Config::load(path) else {
        return false;
    };
    if config.get("extensions.partialclone").is_some() {
        return true;
    }
    // Remote names, from the `[remote "<name>"]` section headers.
    let text = std::fs::read(path).unwrap_or_default();
    let text = String::from_utf8_lossy(&text);
    text.split("[remote \"").skip(1).any(|rest| {
        rest.split_once("\"]").is_some_and(|(name, _)| {
            config.get_bool(&format!("remote.{name}.promisor")) == Some(true)
        })
    })
}

/// Adds `dir` and the directories its `info/alternates` names, depth first, skipping
/// duplicates and stopping at git's depth limit.
fn collect_alternates(dir: &Path, depth: usize, out: &mut Vec<PathBuf>) -> Result<(), OdbError> {
    let canonical = dir.canonicalize().unwrap_or_else(|_| dir.to_path_buf());
    if out.contains(&canonical) {
        return Ok(());
    }
    out.push(canonical.clone());
    read_info_alternates(&canonical, depth, out)
}

/// Adds the directories `dir/info/alternates` names (and theirs).
fn read_info_alternates(
    canonical: &Path,
    depth: usize,
    out: &mut Vec<PathBuf>,
) -> Result<(), OdbError> {
    if depth >= MAX_ALTERNATE_DEPTH {
        return Ok(());
    }
    let file = canonical.join("info").join("alternates");
    let text = match std::fs::read(&file) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(OdbError::io(&file, e)),
    };
    for line in text.split(|&b| b == b'\n') {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if line.is_empty() || line[0] == b'#' {
            continue;
        }
        let Ok(s) = std::str::from_utf8(line) else {
            continue;
        };
        let p = Path::new(s);
        let alt = if p.is_absolute() {
            p.to_path_buf()
        } else {
            canonical.join(p)
        };
        if alt.is_dir() {
            collect_alternates(&alt, depth + 1, out)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn odb_is_send_and_sync() {
        fn check<T: Send + Sync>() {}
        check::<Odb>();
    }
}
