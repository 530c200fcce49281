//! References: loose ref files, the `packed-refs` file, symbolic refs and `HEAD`, with
//! linked-worktree layout (per-worktree refs in the worktree's git dir, the rest in the
//! common dir).
//!
//! ```no_run
//! use oxgit::{refs::{Head, Refs}, Repository};
//!
//! let repo = Repository::discover(std::path::Path::new("."))?;
//! let refs = Refs::new(&repo);
//! match refs.head()? {
//!     Head::Attached { name, id } => println!("on {name} at {id:?}"),
//!     Head::Detached(id) => println!("detached at {id}"),
//! }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod format;
pub mod list;
mod name;
mod packed;
pub mod tracking;

pub use name::{is_per_worktree, is_pseudoref_syntax, is_valid_refname};
pub use packed::{PackedCache, PackedRef, PackedRefs};

use crate::oid::{HashKind, ObjectId};
use crate::repo::Repository;
use packed::is_missing;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

/// How many ref reads one resolution may take before giving up, as git's
/// `SYMREF_MAXDEPTH`: `HEAD` plus at most four levels of symbolic refs.
pub const MAX_SYMREF_DEPTH: usize = 5;

/// Why a ref could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RefError {
    /// A ref file or folder could not be read.
    #[error("cannot read {path}: {message}")]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// The operating system's message.
        message: String,
    },
    /// A loose ref file holds neither an object id nor `ref: <name>`.
    #[error("broken ref {name}: {what}")]
    Broken {
        /// The ref's name.
        name: String,
        /// What is wrong with it.
        what: &'static str,
    },
    /// The `packed-refs` file is malformed.
    #[error("unexpected line in {path} (line {line}): {what}")]
    PackedRefs {
        /// The file.
        path: PathBuf,
        /// 1-based line number.
        line: usize,
        /// What is wrong.
        what: &'static str,
    },
    /// A symbolic ref chain is longer than [`MAX_SYMREF_DEPTH`] (or loops).
    #[error("symbolic ref {0} nests too deeply")]
    TooDeep(String),
    /// A name that is not a valid ref name.
    #[error("invalid ref name {0:?}")]
    InvalidName(String),
}

impl RefError {
    fn io(path: &Path, e: &std::io::Error) -> RefError {
        RefError::Io {
            path: path.to_path_buf(),
            message: e.to_string(),
        }
    }

    /// Whether git would treat the ref as absent (with a warning) rather than fail: a
    /// broken ref file, a too-deep symbolic chain, an invalid symbolic target.
    pub fn is_soft(&self) -> bool {
        matches!(
            self,
            RefError::Broken { .. } | RefError::TooDeep(_) | RefError::InvalidName(_)
        )
    }
}

/// What one ref file (or packed entry) holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RefValue {
    /// An object id.
    Direct(ObjectId),
    /// `ref: <target>`: another ref's name.
    Symbolic(String),
}

/// Where `HEAD` points.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Head {
    /// `HEAD` names a branch (`ref: refs/heads/main`); `id` is `None` while the branch is
    /// unborn (a fresh repository or an orphan branch).
    Attached {
        /// The ref `HEAD` names.
        name: String,
        /// The commit at the tip of that ref, if it exists.
        id: Option<ObjectId>,
    },
    /// `HEAD` holds an object id directly.
    Detached(ObjectId),
}

/// A ref followed to its end: the last name in the symbolic chain and its object id.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Resolved {
    /// The name of the ref that holds the id (`refs/heads/main` for `HEAD`).
    pub name: String,
    /// The id.
    pub id: ObjectId,
    /// Whether the starting name was a symbolic ref.
    pub symbolic: bool,
}

/// One line of a reflog (`logs/<ref>`): a ref update.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReflogEntry {
    /// The value before the update (the null id when the ref was created).
    pub old: ObjectId,
    /// The value after the update.
    pub new: ObjectId,
    /// The committer identity (`Name <email>`).
    pub identity: String,
    /// Seconds since the epoch.
    pub time: i64,
    /// The reason recorded (`commit: msg`, `checkout: moving from a to b`), without the
    /// final newline.
    pub message: String,
}

/// One ref found by [`Refs::all`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RefEntry {
    /// The full name (`refs/heads/main`).
    pub name: String,
    /// What the ref holds.
    pub value: RefValue,
    /// The fully peeled object for annotated tags, where `packed-refs` records it.
    pub peeled: Option<ObjectId>,
    /// Whether the loose file is unreadable as a ref (its `value` is then the null id).
    pub broken: bool,
}

/// The ref store of one repository (or linked worktree).
///
/// Loose refs are read on every call; the `packed-refs` file once, on first use (from
/// the repository's shared snapshot when made by [`Refs::new`]).
#[derive(Debug)]
pub struct Refs {
    git_dir: PathBuf,
    common_dir: PathBuf,
    hash: HashKind,
    packed: OnceLock<Arc<Result<PackedRefs, RefError>>>,
    shared: Option<Arc<PackedCache>>,
}

impl Refs {
    /// The refs of `repo`, sharing its `packed-refs` snapshot.
    pub fn new(repo: &Repository) -> Refs {
        Refs {
            shared: Some(Arc::clone(repo.packed_refs_cache())),
            ..Refs::at(repo.git_dir(), repo.common_dir(), repo.hash_kind())
        }
    }

    /// The refs of the git dir `git_dir` whose shared parts live in `common_dir` (the same
    /// folder except for linked worktrees).
    pub fn at(git_dir: &Path, common_dir: &Path, hash: HashKind) -> Refs {
        Refs {
            git_dir: git_dir.to_path_buf(),
            common_dir: common_dir.to_path_buf(),
            hash,
            packed: OnceLock::new(),
            shared: None,
        }
    }

    /// The parsed `packed-refs` file of the common dir.
    pub fn packed(&self) -> Result<&PackedRefs, RefError> {
        let refs = self.packed.get_or_init(|| {
            let path = self.common_dir.join("packed-refs");
            match &self.shared {
                Some(cache) => cache.get(&path, self.hash),
                None => Arc::new(PackedRefs::load(&path, self.hash)),
            }
        });
        refs.as_ref().as_ref().map_err(Clone::clone)
    }

    /// The file a loose ref called `name` lives in, following git's worktree layout:
    /// pseudorefs and `refs/{worktree,bisect,rewritten}/` in the git dir,
    /// `main-worktree/<ref>` and `worktrees/<id>/<ref>` in the common dir, the rest there too.
    pub fn loose_path(&self, name: &str) -> PathBuf {
        if let Some(rest) = name.strip_prefix("main-worktree/") {
            if is_per_worktree(rest) {
                return self.common_dir.join(rest);
            }
        }
        if let Some(rest) = name.strip_prefix("worktrees/") {
            if let Some((id, r)) = rest.split_once('/') {
                if !id.is_empty() && is_per_worktree(r) {
                    return self.common_dir.join("worktrees").join(id).join(r);
                }
            }
        }
        if is_per_worktree(name) {
            self.git_dir.join(name)
        } else {
            self.common_dir.join(name)
        }
    }

    /// The reflog of `name`, oldest entry first; `None` if the ref has no reflog file.
    /// Malformed lines are skipped, as git does.
    pub fn reflog(&self, name: &str) -> Result<Option<Vec<ReflogEntry>>, RefError> {
        if !is_valid_refname(name, true) {
            return Err(RefError::InvalidName(name.to_string()));
        }
        let path = self.log_path(name);
        let bytes = match std::fs::read(&path) {
            Ok(b) => b,
            Err(e) if is_missing(&e) || path.is_dir() => return Ok(None),
            Err(e) => return Err(RefError::io(&path, &e)),
        };
        let mut out = Vec::new();
        let mut rest = &bytes[..];
        while let Some(nl) = memchr::memchr(b'\n', rest) {
            if let Some(e) = parse_reflog_line(&rest[..nl], self.hash) {
                out.push(e);
            }
            rest = &rest[nl + 1..];
        }
        Ok(Some(out))
    }

    /// The reflog file of `name` (`logs/<name>` in the git dir or the common dir).
    pub fn log_path(&self, name: &str) -> PathBuf {
        let loose = self.loose_path(name);
        let (base, rel) = if let Ok(rel) = loose.strip_prefix(&self.git_dir) {
            (&self.git_dir, rel)
        } else if let Ok(rel) = loose.strip_prefix(&self.common_dir) {
            (&self.common_dir, rel)
        } else {
            (&self.common_dir, Path::new(name))
        };
        base.join("logs").join(rel)
    }

    /// Reads the ref `name` without following symbolic refs: the loose file if there is
    /// one, else the packed entry. `Ok(None)` if neither exists.
    pub fn read_raw(&self, name: &str) -> Result<Option<RefValue>, RefError> {
        if !is_valid_refname(name, true) {
            return Err(RefError::InvalidName(name.to_string()));
        }
        if let Some(v) = self.read_loose(name)? {
            return Ok(Some(v));
        }
        if is_per_worktree(name) {
            return Ok(None);
        }
        Ok(self.packed()?.find(name).map(|r| RefValue::Direct(r.id)))
    }

    /// Reads the loose ref file of `name` (a valid ref name). Missing files and folders
    /// read as `None`.
    fn read_loose(&self, name: &str) -> Result<Option<RefValue>, RefError> {
        let path = self.loose_path(name);
        let meta = match std::fs::symlink_metadata(&path) {
            Ok(m) => m,
            Err(e) if is_missing(&e) => return Ok(None),
            Err(e) => return Err(RefError::io(&path, &e)),
        };
        if meta.file_type().is_symlink() {
            // Old gits wrote symbolic refs as symlinks to `refs/...`.
            if let Ok(target) = std::fs::read_link(&path) {
                if let Some(t) = target.to_str() {
                    if t.starts_with("refs/") && is_valid_refname(t, false) {
                        return Ok(Some(RefValue::Symbolic(t.to_string())));
                    }
                }
            }
        }
        let bytes = match std::fs::read(&path) {
            Ok(b) => b,
            Err(e) if is_missing(&e) || path.is_dir() => return Ok(None),
            Err(e) => return Err(RefError::io(&path, &e)),
        };
        parse_loose(&bytes, self.hash)
            .map(Some)
            .map_err(|what| RefError::Broken {
                name: name.to_string(),
                what,
            })
    }

    /// The target of `name` if it is a symbolic ref (`ref: <target>`); `None` if it holds
    /// an id or does not exist.
    pub fn read_symbolic(&self, name: &str) -> Result<Option<String>, RefError> {
        Ok(match self.read_raw(name)? {
            Some(RefValue::Symbolic(t)) => Some(t),
            _ => None,
        })
    }

    /// Follows `name` through symbolic refs to an id. `Ok(None)` if the ref, or the ref a
    /// symbolic chain ends at, does not exist.
    pub fn resolve_full(&self, name: &str) -> Result<Option<Resolved>, RefError> {
        let mut current = name.to_string();
        let mut symbolic = false;
        for _ in 0..MAX_SYMREF_DEPTH {
            match self.read_raw(&current)? {
                None => return Ok(None),
                Some(RefValue::Direct(id)) => {
                    return Ok(Some(Resolved {
                        name: current,
                        id,
                        symbolic,
                    }))
                }
                Some(RefValue::Symbolic(target)) => {
                    if !is_valid_refname(&target, true) {
                        return Err(RefError::InvalidName(target));
                    }
                    symbolic = true;
                    current = target;
                }
            }
        }
        Err(RefError::TooDeep(name.to_string()))
    }

    /// The object id `name` finally points at, following symbolic refs.
    pub fn resolve(&self, name: &str) -> Result<Option<ObjectId>, RefError> {
        Ok(self.resolve_full(name)?.map(|r| r.id))
    }

    /// Whether `name` resolves to an id (git's `ref_exists`). Broken refs do not exist.
    pub fn exists(&self, name: &str) -> Result<bool, RefError> {
        match self.resolve_full(name) {
            Ok(r) => Ok(r.is_some()),
            Err(e) if e.is_soft() => Ok(false),
            Err(e) => Err(e),
        }
    }

    /// Where `HEAD` points: a branch (born or unborn) or a detached id.
    pub fn head(&self) -> Result<Head, RefError> {
        match self.read_raw("HEAD")? {
            Some(RefValue::Direct(id)) => Ok(Head::Detached(id)),
            Some(RefValue::Symbolic(name)) => {
                let id = match self.resolve_full(&name) {
                    Ok(r) => r.map(|r| r.id),
                    Err(e) if e.is_soft() => None,
                    Err(e) => return Err(e),
                };
                Ok(Head::Attached { name, id })
            }
            None => Err(RefError::Broken {
                name: "HEAD".into(),
                what: "missing",
            }),
        }
    }

    /// The recorded fully peeled id of `name`, from `packed-refs`' `^` lines (only when the
    /// ref is packed and not overridden by a loose file).
    pub fn packed_peeled(&self, name: &str) -> Result<Option<ObjectId>, RefError> {
        if self.read_loose(name)?.is_some() {
            return Ok(None);
        }
        Ok(self.packed()?.find(name).and_then(|r| r.peeled))
    }

    /// Every ref under `refs/`, sorted by name: loose refs (overriding packed ones of the
    /// same name), packed refs, and this worktree's private refs. Files with invalid ref
    /// names are skipped; files with broken contents are listed with
    /// [`RefEntry::broken`] set.
    pub fn all(&self) -> Result<Vec<RefEntry>, RefError> {
        let mut loose = Vec::new();
        walk_loose(&self.common_dir, "refs", &mut loose, true)?;
        for private in ["refs/worktree", "refs/bisect", "refs/rewritten"] {
            walk_loose(&self.git_dir, private, &mut loose, false)?;
        }
        let mut out: Vec<RefEntry> = Vec::new();
        for name in loose {
            match self.read_loose(&name) {
                Ok(Some(value)) => out.push(RefEntry {
                    name,
                    value,
                    peeled: None,
                    broken: false,
                }),
                Ok(None) => {}
                Err(RefError::Broken { .. }) => out.push(RefEntry {
                    name,
                    value: RefValue::Direct(self.hash.null_id()),
                    peeled: None,
                    broken: true,
                }),
                Err(e) if e.is_soft() => {}
                Err(e) => return Err(e),
            }
        }
        out.sort_by(|a, b| a.name.as_bytes().cmp(b.name.as_bytes()));
        let mut merged = Vec::with_capacity(out.len());
        let mut loose_iter = out.into_iter().peekable();
        for p in self.packed()?.iter().filter(|p| !is_per_worktree(&p.name)) {
            while let Some(l) = loose_iter.next_if(|l| l.name.as_bytes() < p.name.as_bytes()) {
                merged.push(l);
            }
            if loose_iter.peek().is_some_and(|l| l.name == p.name) {
                continue;
            }
            merged.push(RefEntry {
                name: p.name.clone(),
                value: RefValue::Direct(p.id),
                peeled: p.peeled,
                broken: false,
            });
        }
        merged.extend(loose_iter);
        Ok(merged)
    }
}

/// Parses `<old> SP <new> SP <name> <<email>> SP <time> SP <tz> [TAB <message>]` (without
/// the newline), rejecting what git's reader rejects.
fn parse_reflog_line(line: &[u8], hash: HashKind) -> Option<ReflogEntry> {
    let n = hash.hex_len();
    let old = ObjectId::from_hex(line.get(..n)?).ok()?;
    if line.get(n) != Some(&b' ') {
        return None;
    }
    let new = ObjectId::from_hex(line.get(n + 1..2 * n + 1)?).ok()?;
    if line.get(2 * n + 1) != Some(&b' ') {
        return None;
    }
    let rest = &line[2 * n + 2..];
    let email_end = memchr::memchr(b'>', rest)?;
    if rest.get(email_end + 1) != Some(&b' ') {
        return None;
    }
    let identity = String::from_utf8_lossy(&rest[..=email_end]).into_owned();
    let after = &rest[email_end + 2..];
    let digits = after.iter().take_while(|b| b.is_ascii_digit()).count();
    let time: i64 = std::str::from_utf8(&after[..digits]).ok()?.parse().ok()?;
    if time == 0 {
        return None;
    }
    let tz = &after[digits..];
    if tz.len() < 6
        || tz[0] != b' '
        || !matches!(tz[1], b'+' | b'-')
        || !tz[2..6].iter().all(u8::is_ascii_digit)
    {
        return None;
    }
    let message = match tz.get(6) {
        Some(b'\t') => &tz[7..],
        _ => &tz[6..],
    };
    Some(ReflogEntry {
        old,
        new,
        identity,
        time,
        message: String::from_utf8_lossy(message).into_owned(),
    })
}

/// Parses the contents of a loose ref file like git: `ref:` (optional spaces) and a target,
/// or a full hex id followed by the end or whitespace (FETCH_HEAD carries more after it).
fn parse_loose(bytes: &[u8], hash: HashKind) -> Result<RefValue, &'static str> {
    if let Some(rest) = bytes.strip_prefix(b"ref:") {
        let target = rest.trim_ascii();
        let target = std::str::from_utf8(target).map_err(|_| "target is not UTF-8")?;
        if target.is_empty() {
            return Err("empty symbolic ref");
        }
        return Ok(RefValue::Symbolic(target.to_string()));
    }
    let n = hash.hex_len();
    if bytes.len() < n || (bytes.len() > n && !bytes[n].is_ascii_whitespace()) {
        return Err("not an object id");
    }
    ObjectId::from_hex(&bytes[..n])
        .map(RefValue::Direct)
        .map_err(|_| "not an object id")
}

/// Collects the names of loose ref files under `base/prefix` (recursively). With
/// `skip_private`, the per-worktree hierarchies are left out (they are read from the
/// worktree's own git dir).
fn walk_loose(
    base: &Path,
    prefix: &str,
    out: &mut Vec<String>,
    skip_private: bool,
) -> Result<(), RefError> {
    let dir = base.join(prefix);
    let entries = match std::fs::read_dir(&dir) {
        Ok(e) => e,
        Err(e) if is_missing(&e) => return Ok(()),
        Err(e) => return Err(RefError::io(&dir, &e)),
    };
    for entry in entries {
        let entry = entry.map_err(|e| RefError::io(&dir, &e))?;
        let Ok(file_name) = entry.file_name().into_string() else {
            continue;
        };
        let name = format!("{prefix}/{file_name}");
        if skip_private && is_per_worktree(&format!("{name}/")) {
            continue;
        }
        let file_type = entry.file_type().map_err(|e| RefError::io(&dir, &e))?;
        let is_dir = file_type.is_dir() || (file_type.is_symlink() && entry.path().is_dir());
        if is_dir {
            walk_loose(base, &name, out, skip_private)?;
        } else if is_valid_refname(&name, false) {
            out.push(name);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: &str = "c9ec817010fe00f4fbba2d97d707d4f8837e4d04";
    const B: &str = "e446bb5ae7595c8e231e29bbc4fbfc362f6bfe4c";

    fn id(hex: &str) -> ObjectId {
        ObjectId::from_hex(hex.as_bytes()).unwrap()
    }

    fn write(path: &Path, text: &str) {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    #[test]
    fn loose_file_contents() {
        assert_eq!(
            parse_loose(format!("{A}\n").as_bytes(), HashKind::Sha1),
            Ok(RefValue::Direct(id(A)))
        );
        assert_eq!(
            parse_loose(format!("{A}\tfor-merge x\n").as_bytes(), HashKind::Sha1),
            Ok(RefValue::Direct(id(A)))
        );
        assert_eq!(
            parse_loose(b"ref:  refs/heads/x \n", HashKind::Sha1),
            Ok(RefValue::Symbolic("refs/heads/x".into()))
        );
        for bad in [&b""[..], b"ref:\n", b"zz\n", &A.as_bytes()[..39]] {
            assert!(parse_loose(bad, HashKind::Sha1).is_err());
        }
        assert!(parse_loose(format!("{A}x").as_bytes(), HashKind::Sha1).is_err());
    }

    #[test]
    fn symbolic_chains_are_bounded_and_loose_overrides_packed() {
        let dir = tempfile::tempdir().unwrap();
        let g = dir.path();
        write(&g.join("HEAD"), "ref: refs/heads/main\n");
        write(&g.join("refs/heads/main"), &format!("{A}\n"));
        write(
            &g.join("packed-refs"),
            &format!("# pack-refs with: peeled fully-peeled sorted \n{B} refs/heads/main\n{B} refs/tags/t\n^{A}\n"),
        );
        let refs = Refs::at(g, g, HashKind::Sha1);
        assert_eq!(refs.resolve("HEAD").unwrap(), Some(id(A)));
        assert_eq!(refs.resolve("refs/tags/t").unwrap(), Some(id(B)));
        assert_eq!(refs.packed_peeled("refs/tags/t").unwrap(), Some(id(A)));
        assert_eq!(
            refs.head().unwrap(),
            Head::Attached {
                name: "refs/heads/main".into(),
                id: Some(id(A))
            }
        );
        // A loop, and a chain of exactly the maximum depth.
        write(&g.join("refs/heads/l1"), "ref: refs/heads/l2\n");
        write(&g.join("refs/heads/l2"), "ref: refs/heads/l1\n");
        assert_eq!(
            refs.resolve("refs/heads/l1"),
            Err(RefError::TooDeep("refs/heads/l1".into()))
        );
        for i in 1..4 {
            write(
                &g.join(format!("refs/heads/c{i}")),
                &format!("ref: refs/heads/c{}\n", i + 1),
            );
        }
        write(&g.join("refs/heads/c4"), "ref: refs/heads/main\n");
        assert_eq!(refs.resolve("refs/heads/c1").unwrap(), Some(id(A)));
        write(&g.join("refs/heads/c0"), "ref: refs/heads/c1\n");
        assert!(refs.resolve("refs/heads/c0").is_err());
        // Broken and dangling refs.
        write(&g.join("refs/heads/broken"), "nonsense\n");
        assert!(matches!(
            refs.resolve("refs/heads/broken"),
            Err(RefError::Broken { .. })
        ));
        write(&g.join("refs/heads/dangling"), "ref: refs/heads/none\n");
        assert_eq!(refs.resolve("refs/heads/dangling").unwrap(), None);
        assert!(refs.resolve("refs/heads/../../x").is_err());
        let entries = refs.all().unwrap();
        assert!(entries
            .iter()
            .any(|e| e.name == "refs/heads/broken" && e.broken));
        let all: Vec<_> = entries.into_iter().map(|e| e.name).collect();
        assert!(all.contains(&"refs/tags/t".to_string()));
        assert_eq!(all.iter().filter(|n| *n == "refs/heads/main").count(), 1);
        assert!(all.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn reflog_lines() {
        let line = format!("{A} {B} C O Mitter <c@example.com> 1700000000 +0000\tcommit: x");
        let e = parse_reflog_line(line.as_bytes(), HashKind::Sha1).unwrap();
        assert_eq!((e.old, e.new, e.time), (id(A), id(B), 1_700_000_000));
        assert_eq!(e.message, "commit: x");
        assert_eq!(e.identity, "C O Mitter <c@example.com>");
        for bad in [
            format!("{A} {B} C <c> 0 +0000\tx"),
            format!("{A} {B} C <c> 17 0000\tx"),
            format!("{A} {B} C <c>17 +0000\tx"),
            format!("{A}{B} C <c> 17 +0000"),
            "short".to_string(),
        ] {
            assert!(
                parse_reflog_line(bad.as_bytes(), HashKind::Sha1).is_none(),
                "{bad}"
            );
        }
    }

    #[test]
    fn unborn_and_detached_head_and_worktree_layout() {
        let dir = tempfile::tempdir().unwrap();
        let common = dir.path().join("common");
        let wt = common.join("worktrees/w");
        write(&common.join("HEAD"), "ref: refs/heads/main\n");
        write(&wt.join("HEAD"), &format!("{B}\n"));
        write(&wt.join("refs/bisect/bad"), &format!("{A}\n"));
        write(&common.join("refs/heads/x"), &format!("{A}\n"));
        let main = Refs::at(&common, &common, HashKind::Sha1);
        assert_eq!(
            main.head().unwrap(),
            Head::Attached {
                name: "refs/heads/main".into(),
                id: None
            }
        );
        let linked = Refs::at(&wt, &common, HashKind::Sha1);
        assert_eq!(linked.head().unwrap(), Head::Detached(id(B)));
        assert_eq!(linked.resolve("refs/heads/x").unwrap(), Some(id(A)));
        assert_eq!(linked.resolve("refs/bisect/bad").unwrap(), Some(id(A)));
        assert_eq!(main.resolve("refs/bisect/bad").unwrap(), None);
        assert_eq!(linked.resolve("main-worktree/HEAD").unwrap(), None);
        assert_eq!(main.resolve("worktrees/w/HEAD").unwrap(), Some(id(B)));
        let names: Vec<_> = linked.all().unwrap().into_iter().map(|e| e.name).collect();
        assert_eq!(names, ["refs/bisect/bad", "refs/heads/x"]);
    }
}
