//! The index file (`.git/index`): the staging area, read exactly as git reads it.
//!
//! [`Index::load`] reads versions 2, 3 and 4 (path prefix compression), the extended flags
//! (skip-worktree, intent-to-add), a split index (`link` extension with its
//! `sharedindex.<id>` file), the cache tree (`TREE`) and resolve-undo (`REUC`) extensions,
//! and skips the optional ones it has no use for (`UNTR`, `FSMN`, `EOIE`, `IEOT`, and any
//! other whose name starts with an upper-case letter). The trailing checksum is verified.
//!
//! The index is only ever read: oxgit never writes it and never takes `index.lock`, so it
//! is safe next to a running git.
//!
//! ```no_run
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let repo = oxgit::Repository::discover(std::path::Path::new("."))?;
//! let index = oxgit::index::Index::load(&repo)?;
//! for (entry, path) in index.iter() {
//!     println!("{:06o} {} {}\t{}", entry.mode, entry.id, entry.stage(),
//!              String::from_utf8_lossy(path));
//! }
//! # Ok(()) }
//! ```

mod ewah;
mod read;

use crate::oid::{HashKind, ObjectId};
use std::path::{Path, PathBuf};

/// Why an index file could not be read.
#[derive(Debug, thiserror::Error)]
pub enum IndexError {
    /// The file exists but could not be read.
    #[error("cannot read index {path}: {source}")]
    Io {
        /// The index file.
        path: PathBuf,
        /// The operating system's error.
        source: std::io::Error,
    },
    /// The file is damaged or truncated.
    #[error("index file corrupt ({path}): {reason}")]
    Corrupt {
        /// The index file.
        path: PathBuf,
        /// What is wrong, in git's words where git has them.
        reason: String,
    },
    /// The file uses a feature this version cannot read (a sparse index, an unknown
    /// required extension).
    #[error("index {path}: {what}")]
    Unsupported {
        /// The index file.
        path: PathBuf,
        /// The feature.
        what: String,
    },
}

/// A time stamp as the index stores it: seconds and nanoseconds, 32 bits each.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Time {
    /// Seconds since the epoch (truncated to 32 bits, as git stores them).
    pub secs: u32,
    /// Nanoseconds.
    pub nsecs: u32,
}

/// `lstat` data cached in an entry, to tell without reading a file whether it changed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Stat {
    /// Change time of the inode.
    pub ctime: Time,
    /// Modification time.
    pub mtime: Time,
    /// Device number.
    pub dev: u32,
    /// Inode number.
    pub ino: u32,
    /// Owner.
    pub uid: u32,
    /// Group.
    pub gid: u32,
    /// Size in bytes, truncated to 32 bits (git's `munge_st_size`: a non-zero multiple
    /// of 2^32 is stored as `0x8000_0000`).
    pub size: u32,
}

/// Flag bit: the entry is marked assume-unchanged (`CE_VALID`).
pub const FLAG_ASSUME_VALID: u16 = 0x8000;
/// Extended flag bit: skip-worktree (sparse checkout).
pub const FLAG_SKIP_WORKTREE: u16 = 0x4000;
/// Extended flag bit: intent-to-add (`git add -N`).
pub const FLAG_INTENT_TO_ADD: u16 = 0x2000;

/// One index entry: a path at a stage, its mode, object id and cached stat data.
///
/// The path lives in the [`Index`]; get it with [`Index::path`] or [`Index::iter`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    /// Cached `lstat` data of the work-tree file.
    pub stat: Stat,
    /// The mode: `0o100644`, `0o100755`, `0o120000` (symlink) or `0o160000` (gitlink).
    pub mode: u32,
    /// The object id of the staged contents.
    pub id: ObjectId,
    /// The 16-bit flags word: assume-valid, extended, stage (bits 12–13), name length.
    pub flags: u16,
    /// The extended flags word (version 3 and later): skip-worktree, intent-to-add.
    pub extended: u16,
    path_start: u32,
    path_len: u32,
}

impl Entry {
    /// The merge stage: 0 for a normal entry, 1–3 for the sides of a conflict.
    pub fn stage(&self) -> u8 {
        ((self.flags >> 12) & 3) as u8
    }

    /// Whether the entry is marked assume-unchanged.
    pub fn assume_valid(&self) -> bool {
        self.flags & FLAG_ASSUME_VALID != 0
    }

    /// Whether the entry is outside the sparse checkout (skip-worktree).
    pub fn skip_worktree(&self) -> bool {
        self.extended & FLAG_SKIP_WORKTREE != 0
    }

    /// Whether the entry was added with `git add -N` (intent-to-add).
    pub fn intent_to_add(&self) -> bool {
        self.extended & FLAG_INTENT_TO_ADD != 0
    }
}

/// A node of the cache tree (`TREE` extension): the tree id git computed for a directory
/// of the index, valid while `entry_count >= 0`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CacheTree {
    /// How many index entries the directory covers; `-1` when invalidated.
    pub entry_count: i32,
    /// The tree id, if valid.
    pub id: Option<ObjectId>,
    /// Subdirectories, by name (one path component).
    pub children: Vec<(Vec<u8>, CacheTree)>,
}

impl CacheTree {
    /// The child node called `name`.
    pub fn child(&self, name: &[u8]) -> Option<&CacheTree> {
        self.children
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, t)| t)
    }
}

/// One path of the resolve-undo extension (`REUC`): the conflict stages a resolution
/// replaced.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResolveUndo {
    /// The path.
    pub path: Vec<u8>,
    /// Modes of stages 1–3 (`0` if absent).
    pub modes: [u32; 3],
    /// Ids of the present stages.
    pub ids: [Option<ObjectId>; 3],
}

/// The parsed index: entries sorted by path and stage, plus the extensions oxgit uses.
#[derive(Clone, Debug)]
pub struct Index {
    version: u32,
    hash: HashKind,
    entries: Vec<Entry>,
    paths: Vec<u8>,
    cache_tree: Option<CacheTree>,
    resolve_undo: Vec<ResolveUndo>,
    shared: Option<ObjectId>,
    /// The undecoded bitmaps of a `link` extension, until merged with the shared index.
    split_bitmaps: Vec<u8>,
    checksum: ObjectId,
    timestamp: Option<Time>,
    skipped: Vec<[u8; 4]>,
}

/// The checksum of index data (the trailing hash of the file): the plain SHA-1 of file
/// checksums ([`crate::oid::file_checksum`]), as git 2.47 uses its fast "unsafe" SHA-1 there;
/// collision detection has no role in a checksum.
pub(crate) fn checksum(hash: HashKind, data: &[u8]) -> ObjectId {
    crate::oid::file_checksum(hash, data)
}

impl Index {
    /// An index with no entries (what a missing index file means).
    pub fn empty(hash: HashKind) -> Index {
        Index {
            version: 2,
            hash,
            entries: Vec::new(),
            paths: Vec::new(),
            cache_tree: None,
            resolve_undo: Vec::new(),
            shared: None,
            split_bitmaps: Vec::new(),
            checksum: hash.null_id(),
            timestamp: None,
            skipped: Vec::new(),
        }
    }

    /// Reads the index of `repo` (its `GIT_INDEX_FILE`, or `index` in the git dir). A
    /// missing file is an empty index, as for a fresh repository.
    pub fn load(repo: &crate::Repository) -> Result<Index, IndexError> {
        Index::read_file(repo.index_path(), repo.git_dir(), repo.hash_kind())
    }

    /// Reads the index file `path` of a repository whose ids are of kind `hash`. A split
    /// index finds its `sharedindex.<id>` in `git_dir` or beside `path`. A missing file
    /// is an empty index.
    pub fn read_file(path: &Path, git_dir: &Path, hash: HashKind) -> Result<Index, IndexError> {
        // Mapped like pack files: git replaces the index by rename, never in place.
        let data = match crate::odb::mmap::open(path) {
            Ok(d) => d,
            Err(crate::odb::OdbError::Io { source, .. })
                if source.kind() == std::io::ErrorKind::NotFound =>
            {
                return Ok(Index::empty(hash))
            }
            Err(crate::odb::OdbError::Io { source, .. }) => {
                return Err(IndexError::Io {
                    path: path.to_path_buf(),
                    source,
                })
            }
            Err(e) => {
                return Err(IndexError::Io {
                    path: path.to_path_buf(),
                    source: std::io::Error::other(e.to_string()),
                })
            }
        };
        let timestamp = std::fs::metadata(path).ok().and_then(|m| mtime_of(&m));
        let mut index = read::parse(&data, hash, true).map_err(|r| r.at(path))?;
        index.timestamp = timestamp;
        if let Some(shared_id) = index.shared.filter(|id| !id.is_null()) {
            let name = format!("sharedindex.{shared_id}");
            let mut candidates = vec![git_dir.join(&name)];
            if let Some(dir) = path.parent() {
                candidates.push(dir.join(&name));
            }
            let (shared_path, shared_data) = candidates
                .iter()
                .find_map(|p| std::fs::read(p).ok().map(|d| (p.clone(), d)))
                .ok_or_else(|| IndexError::Corrupt {
                    path: path.to_path_buf(),
                    reason: format!("cannot read shared index {name}"),
                })?;
            let base = read::parse(&shared_data, hash, false).map_err(|r| r.at(&shared_path))?;
            if base.checksum != shared_id {
                return Err(IndexError::Corrupt {
                    path: shared_path,
                    reason: format!("broken index, expect {shared_id}, got {}", base.checksum),
                });
            }
            read::merge_split(&mut index, base).map_err(|r| r.at(path))?;
        }
        Ok(index)
    }

    /// Parses the bytes of an index file on its own (a split index keeps only its own
    /// entries; see [`Index::shared_index`]). No time stamp is known, so racy-git checks
    /// are off for it.
    pub fn from_bytes(data: &[u8], hash: HashKind) -> Result<Index, IndexError> {
        read::parse(data, hash, true).map_err(|r| r.at(Path::new("<bytes>")))
    }

    /// Parses a split index `main` together with its shared index `shared` (both whole
    /// files), as [`Index::read_file`] does with the two files; `main` without a `link`
    /// extension ignores `shared`.
    pub fn from_split_bytes(
        main: &[u8],
        shared: &[u8],
        hash: HashKind,
    ) -> Result<Index, IndexError> {
        let at = Path::new("<bytes>");
        let mut index = read::parse(main, hash, true).map_err(|r| r.at(at))?;
        if let Some(shared_id) = index.shared.filter(|id| !id.is_null()) {
            let base = read::parse(shared, hash, false).map_err(|r| r.at(at))?;
            if base.checksum != shared_id {
                return Err(IndexError::Corrupt {
                    path: at.to_path_buf(),
                    reason: format!("broken index, expect {shared_id}, got {}", base.checksum),
                });
            }
            read::merge_split(&mut index, base).map_err(|r| r.at(at))?;
        }
        Ok(index)
    }

    /// The file format version (2, 3 or 4).
    pub fn version(&self) -> u32 {
        self.version
    }

    /// The hash kind of the entries' ids.
    pub fn hash_kind(&self) -> HashKind {
        self.hash
    }

    /// Number of entries (all stages).
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether there are no entries.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The entries, sorted by path, then stage.
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// The path of `entry` (an entry of this index), `/`-separated from the top.
    pub fn path(&self, entry: &Entry) -> &[u8] {
        let s = entry.path_start as usize;
        &self.paths[s..s + entry.path_len as usize]
    }

    /// Every entry with its path, in index order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = (&Entry, &[u8])> + '_ {
        self.entries.iter().map(move |e| (e, self.path(e)))
    }

    /// Binary search for `path` at `stage`: `Ok(position)` if present, else `Err` with
    /// the position where it would be inserted.
    pub fn position(&self, path: &[u8], stage: u8) -> Result<usize, usize> {
        self.entries
            .binary_search_by(|e| self.path(e).cmp(path).then(e.stage().cmp(&stage)))
    }

    /// The entry for `path` at `stage`, if any.
    pub fn entry(&self, path: &[u8], stage: u8) -> Option<&Entry> {
        self.position(path, stage).ok().map(|i| &self.entries[i])
    }

    /// The first position whose path is `path` (any stage) or sorts after it.
    pub fn first_position(&self, path: &[u8]) -> usize {
        self.entries.partition_point(|e| self.path(e) < path)
    }

    /// The positions of the entries below the folder `dir` (empty, or ending in `/`).
    pub fn range_under(&self, dir: &[u8]) -> std::ops::Range<usize> {
        if dir.is_empty() {
            return 0..self.entries.len();
        }
        let lo = self.first_position(dir);
        // Paths below `dir/` sort before `dir0` (`0` is the byte after `/`).
        let mut end = dir.to_vec();
        if let Some(last) = end.last_mut() {
            *last = b'0';
        }
        let hi = lo + self.entries[lo..].partition_point(|e| self.path(e) < end.as_slice());
        lo..hi
    }

    /// Like [`Index::first_position`], searching only `range`.
    pub fn first_position_in(&self, range: std::ops::Range<usize>, path: &[u8]) -> usize {
        range.start + self.entries[range].partition_point(|e| self.path(e) < path)
    }

    /// Whether some entry has `path` at any stage.
    pub fn contains_path(&self, path: &[u8]) -> bool {
        self.entries
            .get(self.first_position(path))
            .is_some_and(|e| self.path(e) == path)
    }

    /// The cache tree, if the index has a `TREE` extension that parsed.
    pub fn cache_tree(&self) -> Option<&CacheTree> {
        self.cache_tree.as_ref()
    }

    /// The resolve-undo records (`REUC`).
    pub fn resolve_undo(&self) -> &[ResolveUndo] {
        &self.resolve_undo
    }

    /// For a split index, the id of its shared index (`sharedindex.<id>`).
    pub fn shared_index(&self) -> Option<ObjectId> {
        self.shared
    }

    /// The checksum at the end of the file (null when written with `index.skipHash`).
    pub fn checksum(&self) -> ObjectId {
        self.checksum
    }

    /// The modification time of the index file when it was read: entries whose mtime is
    /// not older are "racily clean" and must be compared by content.
    pub fn timestamp(&self) -> Option<Time> {
        self.timestamp
    }

    /// Whether `stat` (an entry's cached mtime) is racy against the index file, git's
    /// `is_racy_stat` (whole seconds, as git's default build compares them).
    pub fn is_racy(&self, entry: &Entry) -> bool {
        match self.timestamp {
            Some(t) if t.secs != 0 => t.secs <= entry.stat.mtime.secs,
            _ => false,
        }
    }

    /// Names of the optional extensions that were present and skipped.
    pub fn skipped_extensions(&self) -> &[[u8; 4]] {
        &self.skipped
    }
}

/// The modification time of `meta` as the index stores times.
pub fn mtime_of(meta: &std::fs::Metadata) -> Option<Time> {
    use std::os::unix::fs::MetadataExt;
    Some(Time {
        secs: meta.mtime() as u32,
        nsecs: meta.mtime_nsec() as u32,
    })
}

/// The index's view of `lstat` data (git's `fill_stat_data`).
pub fn stat_of(meta: &std::fs::Metadata) -> Stat {
    use std::os::unix::fs::MetadataExt;
    Stat {
        ctime: Time {
            secs: meta.ctime() as u32,
            nsecs: meta.ctime_nsec() as u32,
        },
        mtime: Time {
            secs: meta.mtime() as u32,
            nsecs: meta.mtime_nsec() as u32,
        },
        dev: meta.dev() as u32,
        ino: meta.ino() as u32,
        uid: meta.uid(),
        gid: meta.gid(),
        size: munge_size(meta.size()),
    }
}

/// git's `munge_st_size`: the low 32 bits, except that a non-zero size with zero low bits
/// becomes `0x8000_0000`.
pub fn munge_size(size: u64) -> u32 {
    let low = size as u32;
    if low == 0 && size != 0 {
        0x8000_0000
    } else {
        low
    }
}
