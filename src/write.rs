//! The only place oxgit writes to a repository: loose objects, refs and one config entry,
//! written the way git writes them so that git (and a concurrent git) reads them.
//!
//! * objects: zlib-deflated `"<kind> <size>\0<data>"` in `objects/xx/…`, written to a
//!   temporary file in the same folder, synced, made read-only and renamed into place
//!   (an object that already exists is left alone: same id, same content);
//! * refs: `<ref>.lock` created exclusively (a concurrent writer fails instead of
//!   racing), the old value checked under the lock (compare-and-swap), the new value
//!   written and synced, and the lock renamed over the ref;
//! * config: the same lock protocol on `config`, appending one key.
//!
//! Used by merge-request storage (`oxgit mr`); nothing else in oxgit writes.

use crate::object::ObjectKind;
use crate::oid::ObjectId;
use crate::refs::Refs;
use crate::repo::Repository;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Why a write failed.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    /// A file operation failed.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// Another writer holds the lock.
    #[error("unable to create '{0}': File exists. Another process seems to be writing this ref")]
    Locked(PathBuf),
    /// The ref changed since it was read (compare-and-swap failed).
    #[error("cannot update ref '{name}': expected {expected}, found {found}")]
    Stale {
        /// The ref.
        name: String,
        /// What the caller expected.
        expected: String,
        /// What it holds.
        found: String,
    },
    /// Not a valid full ref name (`refs/...`).
    #[error("'{0}' is not a valid ref name")]
    InvalidName(String),
    /// The ref could not be read.
    #[error(transparent)]
    Ref(#[from] crate::refs::RefError),
    /// A config key already holds another value.
    #[error("config {key} is already {value:?}")]
    ConfigConflict {
        /// The key.
        key: String,
        /// Its value.
        value: String,
    },
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> WriteError + '_ {
    move |source| WriteError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// A lock file that is removed unless committed.
struct Lock {
    lock: PathBuf,
    target: PathBuf,
    file: Option<std::fs::File>,
}

impl Lock {
    fn acquire(target: &Path) -> Result<Lock, WriteError> {
        let mut lock = target.as_os_str().to_owned();
        lock.push(".lock");
        let lock = PathBuf::from(lock);
        if let Some(dir) = target.parent() {
            std::fs::create_dir_all(dir).map_err(io(dir))?;
        }
        let file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&lock)
            .map_err(|e| {
                if e.kind() == std::io::ErrorKind::AlreadyExists {
                    WriteError::Locked(lock.clone())
                } else {
                    WriteError::Io {
                        path: lock.clone(),
                        source: e,
                    }
                }
            })?;
        Ok(Lock {
            lock,
            target: target.to_path_buf(),
            file: Some(file),
        })
    }

    fn commit(mut self, data: &[u8]) -> Result<(), WriteError> {
        let mut f = self.file.take().expect("open lock");
        f.write_all(data).map_err(io(&self.lock))?;
        f.sync_all().map_err(io(&self.lock))?;
        drop(f);
        std::fs::rename(&self.lock, &self.target).map_err(io(&self.target))?;
        Ok(())
    }
}

impl Drop for Lock {
    fn drop(&mut self) {
        if self.file.is_some() {
            let _ = std::fs::remove_file(&self.lock);
        }
    }
}

/// Writes an object of `kind` with contents `data` as a loose object; returns its id.
pub fn write_object(
    repo: &Repository,
    kind: ObjectKind,
    data: &[u8],
) -> Result<ObjectId, WriteError> {
    let id = crate::oid::hash_object(repo.hash_kind(), kind, data);
    let hex = id.to_hex();
    let dir = repo.common_dir().join("objects").join(&hex[..2]);
    let path = dir.join(&hex[2..]);
    if path.exists() {
        return Ok(id);
    }
    std::fs::create_dir_all(&dir).map_err(io(&dir))?;
    let tmp = dir.join(format!(
        "tmp_obj_{}_{}",
        std::process::id(),
        TMP_COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
    ));
    let result = (|| {
        let file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)
            .map_err(io(&tmp))?;
        let mut z = flate2::write::ZlibEncoder::new(file, flate2::Compression::default());
        z.write_all(&crate::oid::object_header(kind, data.len()))
            .and_then(|_| z.write_all(data))
            .map_err(io(&tmp))?;
        let file = z.finish().map_err(io(&tmp))?;
        file.sync_all().map_err(io(&tmp))?;
        let mut perm = file.metadata().map_err(io(&tmp))?.permissions();
        perm.set_readonly(true);
        std::fs::set_permissions(&tmp, perm).map_err(io(&tmp))?;
        std::fs::rename(&tmp, &path).map_err(io(&path))
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result.map(|_| id)
}

static TMP_COUNTER: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// What a ref must hold before it is updated.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Expect {
    /// Anything (or nothing).
    Any,
    /// It must not exist.
    Absent,
    /// It must hold this id.
    Value(ObjectId),
}

/// Points ref `name` (a full `refs/...` name) at `new`, if it holds what `expected` says.
pub fn update_ref(
    repo: &Repository,
    name: &str,
    new: &ObjectId,
    expected: Expect,
) -> Result<(), WriteError> {
    if !name.starts_with("refs/") || !crate::refs::is_valid_refname(name, false) {
        return Err(WriteError::InvalidName(name.to_string()));
    }
    let refs = Refs::new(repo);
    let path = refs.loose_path(name);
    let lock = Lock::acquire(&path)?;
    let current = refs.resolve(name)?;
    let ok = match expected {
        Expect::Any => true,
        Expect::Absent => current.is_none(),
        Expect::Value(v) => current == Some(v),
    };
    if !ok {
        let show = |v: Option<ObjectId>| v.map_or("nothing".to_string(), |i| i.to_hex());
        return Err(WriteError::Stale {
            name: name.to_string(),
            expected: match expected {
                Expect::Value(v) => v.to_hex(),
                _ => "nothing".into(),
            },
            found: show(current),
        });
    }
    lock.commit(format!("{}\n", new.to_hex()).as_bytes())
}

/// Sets `<section>.<subsection>.<key> = value` in the repository's config by appending a
/// section, unless the key already has that value; a different value is a conflict.
pub fn add_config(
    repo: &Repository,
    section: &str,
    subsection: &str,
    key: &str,
    value: &str,
) -> Result<(), WriteError> {
    let path = repo.common_dir().join("config");
    let lock = Lock::acquire(&path)?;
    let text = std::fs::read(&path).map_err(io(&path))?;
    let full = format!("{section}.{subsection}.{key}");
    if let Ok(cfg) = crate::config::Config::parse(&text) {
        if let Some(v) = cfg.get(&full) {
            if v == value {
                return Ok(());
            }
            return Err(WriteError::ConfigConflict {
                key: full,
                value: v.to_string(),
            });
        }
    }
    let mut out = text;
    if !out.is_empty() && !out.ends_with(b"\n") {
        out.push(b'\n');
    }
    let quoted = subsection.replace('\\', "\\\\").replace('"', "\\\"");
    out.extend_from_slice(format!("[{section} \"{quoted}\"]\n\t{key} = {value}\n").as_bytes());
    lock.commit(&out)
}

/// Rewrites file `path` under its lock: `update` gets the current contents (empty if the
/// file does not exist) and returns the new contents, or an error that leaves the file
/// alone. For files oxgit owns outside repositories (the CodeArts registry).
pub fn rewrite_locked<E: From<WriteError>>(
    path: &Path,
    update: impl FnOnce(&[u8]) -> Result<Vec<u8>, E>,
) -> Result<(), E> {
    let lock = Lock::acquire(path)?;
    let current = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
        Err(e) => {
            return Err(WriteError::Io {
                path: path.to_path_buf(),
                source: e,
            }
            .into())
        }
    };
    let new = update(&current)?;
    lock.commit(&new)?;
    Ok(())
}
