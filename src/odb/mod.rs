//! The object database: loose objects, packs and alternates behind one read API.
//!
//! [`Odb`] is `Send + Sync`: many threads read through one handle with no per-thread setup.

mod abbrev;
mod loose;

use crate::object::{Object, ObjectKind};
use crate::oid::{HashKind, HexPrefix, ObjectId};
use std::path::{Path, PathBuf};

pub use abbrev::{auto_abbrev_len, default_abbrev_len};
pub use loose::LooseStore;

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
    /// An object's contents do not hash to its id.
    #[error("object {id} is corrupt: contents hash to {actual}")]
    HashMismatch {
        /// The id the object was read under.
        id: ObjectId,
        /// The id its contents hash to.
        actual: ObjectId,
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

    /// An [`OdbError::Io`] for `path`.
    pub fn io(path: &Path, source: std::io::Error) -> OdbError {
        OdbError::Io {
            path: path.to_path_buf(),
            source,
        }
    }
}

/// One objects directory: its loose objects (and, later, its packs).
#[derive(Debug)]
struct Store {
    loose: LooseStore,
}

/// All objects of a repository: its own objects directory followed by its alternates.
#[derive(Debug)]
pub struct Odb {
    hash: HashKind,
    empty_tree: ObjectId,
    stores: Vec<Store>,
}

/// How deep `objects/info/alternates` files may chain, as in git.
const MAX_ALTERNATE_DEPTH: usize = 5;

impl Odb {
    /// Opens the objects directory `objects_dir` and, recursively, its alternates.
    pub fn open(objects_dir: &Path, hash: HashKind) -> Result<Odb, OdbError> {
        let mut dirs = Vec::new();
        collect_alternates(objects_dir, 0, &mut dirs)?;
        let stores = dirs
            .into_iter()
            .map(|dir| Store {
                loose: LooseStore::new(dir, hash),
            })
            .collect();
        Ok(Odb {
            hash,
            empty_tree: hash.empty_tree(),
            stores,
        })
    }

    /// The hash kind of every id in this database.
    pub fn hash_kind(&self) -> HashKind {
        self.hash
    }

    /// Whether `id` is the empty tree, which git treats as always present (without reading
    /// any file) but does not list among the repository's objects.
    fn is_empty_tree(&self, id: &ObjectId) -> bool {
        *id == self.empty_tree
    }

    /// The objects directories searched, the repository's own first.
    pub fn object_dirs(&self) -> impl Iterator<Item = &Path> {
        self.stores.iter().map(|s| s.loose.dir())
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
        if self.is_empty_tree(id) {
            buf.clear();
            return Ok(ObjectKind::Tree);
        }
        for store in &self.stores {
            if let Some(kind) = store.loose.read_into(id, buf)? {
                return Ok(kind);
            }
        }
        Err(OdbError::NotFound(*id))
    }

    /// Reads only an object's kind and size, without inflating the whole object where the
    /// format allows.
    pub fn read_header(&self, id: &ObjectId) -> Result<(ObjectKind, u64), OdbError> {
        if self.is_empty_tree(id) {
            return Ok((ObjectKind::Tree, 0));
        }
        for store in &self.stores {
            if let Some(h) = store.loose.read_header(id)? {
                return Ok(h);
            }
        }
        Err(OdbError::NotFound(*id))
    }

    /// Whether the object exists in any store.
    pub fn contains(&self, id: &ObjectId) -> bool {
        self.is_empty_tree(id) || self.stores.iter().any(|s| s.loose.contains(id))
    }

    /// Appends every id that starts with `prefix` to `out` (sorted, without duplicates),
    /// stopping once `out` holds more than `limit` ids.
    pub fn find_prefix(
        &self,
        prefix: &HexPrefix,
        limit: usize,
        out: &mut Vec<ObjectId>,
    ) -> Result<(), OdbError> {
        for store in &self.stores {
            store.loose.find_prefix(prefix, out)?;
        }
        out.sort_unstable();
        out.dedup();
        out.truncate(limit.saturating_add(1));
        Ok(())
    }

    /// The number of packed objects (multi-pack-index counts included), as git's
    /// `approximate_object_count` gives it; loose objects are not counted.
    pub fn approximate_object_count(&self) -> u64 {
        0
    }

    /// Every object id in every store, sorted and without duplicates.
    pub fn all_ids(&self) -> Result<Vec<ObjectId>, OdbError> {
        let mut out = Vec::new();
        for store in &self.stores {
            store.loose.all_ids(&mut out)?;
        }
        out.sort_unstable();
        out.dedup();
        Ok(out)
    }
}

/// Adds `dir` and the directories its `info/alternates` names, depth first, skipping
/// duplicates and stopping at git's depth limit.
fn collect_alternates(dir: &Path, depth: usize, out: &mut Vec<PathBuf>) -> Result<(), OdbError> {
    let canonical = dir.canonicalize().unwrap_or_else(|_| dir.to_path_buf());
    if out.contains(&canonical) {
        return Ok(());
    }
    out.push(canonical.clone());
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
