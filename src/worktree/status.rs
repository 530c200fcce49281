//! The status engine: what differs between `HEAD` and the index (staged), between the
//! index and the work tree (unstaged), and which files are untracked or ignored.
//!
//! Everything is read-only: the index is never refreshed on disk, so a stat-dirty file
//! whose contents are unchanged is hashed again on every run (git would rewrite the
//! index once to remember it).

use super::convert::{self, Converter};
use super::ignore::{Excludes, WorkTreeFiles};
use super::walk::{self, WalkOptions};
use super::{path_of, Pathspec};
use crate::diff::{Change, ChangeKind, RenameOptions};
use crate::index::{Entry, Index, IndexError};
use crate::object::compare_tree_names;
use crate::object::{ObjectKind, TreeIter};
use crate::oid::{HashKind, ObjectId};
use crate::repo::Repository;
use rayon::prelude::*;
use std::cmp::Ordering;
use std::io::Read;
use std::os::fd::{AsFd, BorrowedFd};
use std::path::{Path, PathBuf};

/// Why status could not be computed.
#[derive(Debug, thiserror::Error)]
pub enum StatusError {
    /// The repository has no work tree.
    #[error("this operation must be run in a work tree")]
    NoWorkTree,
    /// The index could not be read.
    #[error(transparent)]
    Index(#[from] IndexError),
    /// A tree or blob could not be read.
    #[error(transparent)]
    Diff(#[from] crate::diff::DiffError),
    /// An object could not be read.
    #[error(transparent)]
    Odb(#[from] crate::odb::OdbError),
    /// A file needs a conversion oxgit cannot run.
    #[error(transparent)]
    Convert(#[from] convert::ConvertError),
    /// A submodule could not be opened.
    #[error("submodule {path}: {message}")]
    Submodule {
        /// The submodule's path.
        path: String,
        /// What went wrong.
        message: String,
    },
}

/// Which untracked files are listed (`--untracked-files`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum UntrackedMode {
    /// None (`no`).
    No,
    /// Files, and wholly untracked directories as one `dir/` entry (`normal`).
    #[default]
    Normal,
    /// Every file (`all`).
    All,
}

/// Whether and how ignored files are listed (`--ignored`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum IgnoredMode {
    /// Not listed (`no`).
    #[default]
    No,
    /// Ignored files, and directories whose contents are all ignored (`traditional`).
    Traditional,
    /// Paths that match an ignore pattern themselves (`matching`).
    Matching,
}

/// What to compute.
#[derive(Clone, Debug)]
pub struct StatusOptions {
    /// Only these paths (root-relative items; empty: everything).
    pub pathspec: Pathspec,
    /// Untracked files.
    pub untracked: UntrackedMode,
    /// Ignored files.
    pub ignored: IgnoredMode,
    /// Rename detection between `HEAD` and the index (`None`: off).
    pub renames: Option<RenameOptions>,
    /// Whether submodules are checked for modified and untracked content.
    pub submodule_contents: bool,
}

impl Default for StatusOptions {
    fn default() -> Self {
        StatusOptions {
            pathspec: Pathspec::default(),
            untracked: UntrackedMode::Normal,
            ignored: IgnoredMode::No,
            renames: Some(RenameOptions::default()),
            submodule_contents: true,
        }
    }
}

/// What a submodule's work tree holds beyond its recorded commit.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SubmoduleState {
    /// Its `HEAD` is not the commit the index records.
    pub new_commits: bool,
    /// It has staged or unstaged changes to tracked files.
    pub modified: bool,
    /// It has untracked files.
    pub untracked: bool,
}

/// The new side of a work-tree change: hashed with git's clean conversion, or not
/// computed (stat data alone showed the change).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WorktreeId {
    /// The id the file's contents would have if added.
    Computed(ObjectId),
    /// Not hashed.
    NotComputed,
}

impl WorktreeId {
    /// The id, if computed.
    pub fn id(&self) -> Option<ObjectId> {
        match self {
            WorktreeId::Computed(id) => Some(*id),
            WorktreeId::NotComputed => None,
        }
    }
}

/// One path that differs between the index and the work tree.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WorktreeChange {
    /// `Modified`, `TypeChanged`, `Deleted`, or `Added` (an intent-to-add entry).
    pub kind: ChangeKind,
    /// The path.
    pub path: Vec<u8>,
    /// The index entry's mode (`0` for an intent-to-add entry).
    pub old_mode: u32,
    /// The index entry's id (null for an intent-to-add entry).
    pub old_id: ObjectId,
    /// The mode of the work-tree file (`0` if deleted).
    pub new_mode: u32,
    /// The work-tree file's id, if hashed.
    pub new_id: WorktreeId,
    /// For a submodule: what changed in it.
    pub submodule: Option<SubmoduleState>,
    /// The stage of the index entry (0 unless checked with conflict stages).
    pub stage: u8,
}

impl WorktreeChange {
    /// The change as the diff machinery's [`Change`]: a new side that was not hashed has
    /// the null id, as in git's raw diff of the work tree.
    pub fn to_change(&self) -> Change {
        let null = self.old_id.kind().null_id();
        let new_id = self.new_id.id().unwrap_or(null);
        match self.kind {
            ChangeKind::Deleted => Change::deleted(self.path.clone(), self.old_mode, self.old_id),
            ChangeKind::Added => Change::added(self.path.clone(), self.new_mode, new_id),
            _ => Change::modified(
                self.path.clone(),
                self.old_mode,
                self.old_id,
                self.new_mode,
                new_id,
            ),
        }
    }
}

/// A path with conflict stages in the index.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unmerged {
    /// The path.
    pub path: Vec<u8>,
    /// Mode and id of stages 1 (base), 2 (ours) and 3 (theirs), where present.
    pub stages: [Option<(u32, ObjectId)>; 3],
    /// The work-tree file's mode (`0` if missing).
    pub worktree_mode: u32,
}

impl Unmerged {
    /// git's stage mask: bit 0 for stage 1, bit 1 for stage 2, bit 2 for stage 3.
    pub fn stage_mask(&self) -> u8 {
        self.stages
            .iter()
            .enumerate()
            .filter(|(_, s)| s.is_some())
            .fold(0, |m, (i, _)| m | (1 << i))
    }
}

/// The result of a status run.
#[derive(Clone, Debug, Default)]
pub struct Outcome {
    /// Changes from `HEAD` (or the empty tree of an unborn branch) to the index, in
    /// git's order, with renames detected when asked.
    pub staged: Vec<Change>,
    /// Paths with conflict stages.
    pub unmerged: Vec<Unmerged>,
    /// Changes from the index to the work tree, in index order.
    pub worktree: Vec<WorktreeChange>,
    /// Untracked paths (directories end in `/`), sorted.
    pub untracked: Vec<Vec<u8>>,
    /// Ignored paths (directories end in `/`), sorted.
    pub ignored: Vec<Vec<u8>>,
    /// Whether `HEAD` is unborn (the staged side compares with the empty tree).
    pub initial: bool,
    /// How many files were hashed to decide whether they changed.
    pub hashed: usize,
    /// Non-zero when the rename limit cut detection short: the limit needed.
    pub needed_rename_limit: usize,
}

/// The status engine of one repository: configure with the builder methods, then
/// [`Status::run`].
pub struct Status<'r> {
    repo: &'r Repository,
    opts: StatusOptions,
    head: Option<Option<ObjectId>>,
}

/// Below this many index entries everything runs on the calling thread.
pub(crate) const PARALLEL_ENTRIES: usize = 4096;

/// git's `preload_index`: at most this many threads...
const PRELOAD_MAX_THREADS: usize = 20;
/// ...each with at least this many entries.
const PRELOAD_PER_THREAD: usize = 500;

/// Change bits of git's `ie_match_stat`.
const MTIME_CHANGED: u32 = 1;
const CTIME_CHANGED: u32 = 2;
const OWNER_CHANGED: u32 = 4;
const MODE_CHANGED: u32 = 8;
const INODE_CHANGED: u32 = 16;
const DATA_CHANGED: u32 = 32;
const TYPE_CHANGED: u32 = 64;

/// The config that decides how stat data is compared.
#[derive(Clone, Copy, Debug)]
struct StatRules {
    trust_exec: bool,
    symlinks: bool,
    trust_ctime: bool,
    check_stat: bool,
}

impl StatRules {
    fn of(cfg: &crate::config::Config) -> StatRules {
        StatRules {
            trust_exec: cfg.get_bool("core.filemode").unwrap_or(true),
            symlinks: cfg.get_bool("core.symlinks").unwrap_or(true),
            trust_ctime: cfg.get_bool("core.trustctime").unwrap_or(true),
            check_stat: !cfg
                .get("core.checkstat")
                .is_some_and(|v| v.eq_ignore_ascii_case("minimal")),
        }
    }
}

impl<'r> Status<'r> {
    /// A status run over `repo` with `opts`.
    pub fn new(repo: &'r Repository, opts: StatusOptions) -> Status<'r> {
        Status {
            repo,
            opts,
            head: None,
        }
    }

    /// Compares the index with `tree` (a tree or commit id; `None`: the empty tree)
    /// instead of `HEAD`.
    pub fn against(mut self, tree: Option<ObjectId>) -> Status<'r> {
        self.head = Some(tree);
        self
    }

    /// Runs: reads the index, then compares `HEAD` with it, stats (and where needed
    /// hashes) the work tree, and walks it for untracked files, all in parallel.
    pub fn run(&self) -> Result<Outcome, StatusError> {
        let root = self.repo.work_tree().ok_or(StatusError::NoWorkTree)?;
        let index = Index::load(self.repo)?;
        self.run_with_index(root, &index)
    }

    /// [`Status::run`] on an index already read.
    pub fn run_with_index(&self, root: &Path, index: &Index) -> Result<Outcome, StatusError> {
        let repo = self.repo;
        let head = match self.head {
            Some(t) => t,
            None => head_commit(repo),
        };
        let initial = head.is_none();
        // Small indexes are done on this thread: starting and waking threads would cost
        // more than it saves.
        let ((staged, worktree), walked) = if index.len() >= PARALLEL_ENTRIES {
            rayon::join(
                || {
                    rayon::join(
                        || self.staged(index, head),
                        || self.worktree(root, index, false),
                    )
                },
                || self.untracked(root, index),
            )
        } else {
            (
                (self.staged(index, head), self.worktree(root, index, false)),
                self.untracked(root, index),
            )
        };
        let (staged, mut unmerged, needed) = staged?;
        let rules = StatRules::of(repo.config());
        for u in &mut unmerged {
            if let Ok(m) = std::fs::symlink_metadata(root.join(path_of(&u.path))) {
                let ce_mode = u.stages.iter().flatten().next().map_or(0o100644, |s| s.0);
                u.worktree_mode = mode_from_stat(ce_mode, mode_bits(&m), &rules);
            }
        }
        let (worktree, hashed) = worktree?;
        let (untracked, ignored) = walked;
        Ok(Outcome {
            staged,
            unmerged,
            worktree,
            untracked,
            ignored,
            initial,
            hashed,
            needed_rename_limit: needed,
        })
    }

    /// `HEAD` (or `tree`) against the index.
    #[allow(clippy::type_complexity)]
    fn staged(
        &self,
        index: &Index,
        head: Option<ObjectId>,
    ) -> Result<(Vec<Change>, Vec<Unmerged>, usize), StatusError> {
        let odb = self.repo.odb();
        let tree = match head {
            Some(id) => Some(crate::diff::peel_to_tree(odb, &id)?),
            None => None,
        };
        let mut d = TreeIndexDiff {
            odb,
            index,
            hash: index.hash_kind(),
            out: Vec::new(),
            unmerged: Vec::new(),
            buf: Vec::new(),
        };
        let n = index.len();
        d.dir(tree, b"", 0, n, index.cache_tree())?;
        let (mut out, unmerged) = (d.out, d.unmerged);
        if !self.opts.pathspec.is_empty() {
            out.retain(|c| self.opts.pathspec.matches_file(c.path()));
        }
        let mut needed = 0;
        if let Some(r) = &self.opts.renames {
            if tree.is_some() {
                let o = crate::diff::diffcore(odb, out, Some(r), None)?;
                needed = o.needed_rename_limit;
                out = o.changes;
            }
        }
        let unmerged = unmerged
            .into_iter()
            .filter(|u: &Unmerged| self.opts.pathspec.matches_file(&u.path))
            .collect();
        Ok((out, unmerged, needed))
    }

    /// The index against the work tree alone: lstat every entry in parallel, hash where
    /// the stat data cannot decide. Returns the changes in index order and how many files
    /// were hashed. With `all_stages`, conflict stages are checked too (as `ls-files -m`
    /// does); otherwise only stage-0 entries.
    pub fn worktree(
        &self,
        root: &Path,
        index: &Index,
        all_stages: bool,
    ) -> Result<(Vec<WorktreeChange>, usize), StatusError> {
        let repo = self.repo;
        let rules = StatRules::of(repo.config());
        let files = WorkTreeFiles {
            root,
            index: Some((index, repo.odb())),
        };
        let attr_source = AttrFiles(&files);
        let converter = Converter::new(repo, &attr_source);
        let symlinked = symlinked_dirs(root, index);
        let checker = Checker {
            repo,
            root,
            index,
            rules,
            converter,
            symlinked,
            submodule_contents: self.opts.submodule_contents,
            untracked_in_submodules: self.opts.untracked != UntrackedMode::No,
        };
        let pathspec = &self.opts.pathspec;
        // Entries in runs of one directory each: the directory is opened once and its
        // files are looked at relative to it, so the kernel resolves one name per file.
        let selected: Vec<usize> = (0..index.len())
            .filter(|&i| {
                let e = &index.entries()[i];
                (all_stages || e.stage() == 0)
                    && (pathspec.is_empty() || pathspec.matches_file(index.path(e)))
            })
            .collect();
        let mut runs: Vec<&[usize]> = Vec::new();
        let mut start = 0;
        for k in 1..=selected.len() {
            let split = k == selected.len()
                || parent_of(index.path(&index.entries()[selected[k]]))
                    != parent_of(index.path(&index.entries()[selected[k - 1]]));
            if split {
                runs.push(&selected[start..k]);
                start = k;
            }
        }
        let root_fd = rustix::fs::open(
            root,
            rustix::fs::OFlags::PATH | rustix::fs::OFlags::DIRECTORY | rustix::fs::OFlags::CLOEXEC,
            rustix::fs::Mode::empty(),
        )
        .map_err(|e| io_err(root, e.into()))?;
        type RunResult = Result<Vec<(Option<WorktreeChange>, bool)>, StatusError>;
        let check_run = |run: &[usize]| -> RunResult {
            let first = index.path(&index.entries()[run[0]]);
            let dir = parent_of(first);
            let dir_fd = if dir.is_empty() {
                None
            } else if checker.symlinked.contains(dir) {
                // Below a symlinked folder: every file counts as deleted.
                Some(Err(()))
            } else {
                Some(
                    rustix::fs::openat(
                        &root_fd,
                        path_of(dir),
                        rustix::fs::OFlags::PATH
                            | rustix::fs::OFlags::DIRECTORY
                            | rustix::fs::OFlags::CLOEXEC,
                        rustix::fs::Mode::empty(),
                    )
                    .map_err(|_| ()),
                )
            };
            run.iter()
                .map(|&i| {
                    let e = &index.entries()[i];
                    let name = &index.path(e)[if dir.is_empty() { 0 } else { dir.len() + 1 }..];
                    let at = match &dir_fd {
                        None => Some(root_fd.as_fd()),
                        Some(Ok(fd)) => Some(fd.as_fd()),
                        Some(Err(())) => None,
                    };
                    checker.check(e, at, name)
                })
                .collect()
        };
        // Like git's preloading of the index: up to 20 threads with at least 500
        // entries each take runs of directories in turn (lstat waits on the kernel more
        // than it computes, so more threads than cores still help).
        let threads = if selected.len() < PARALLEL_ENTRIES {
            1
        } else {
            (selected.len() / PRELOAD_PER_THREAD).clamp(1, PRELOAD_MAX_THREADS)
        };
        let next = std::sync::atomic::AtomicUsize::new(0);
        let mut slots: Vec<Option<RunResult>> = (0..runs.len()).map(|_| None).collect();
        let work = || {
            let mut done = Vec::new();
            loop {
                let k = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                if k >= runs.len() {
                    return done;
                }
                done.push((k, check_run(runs[k])));
            }
        };
        if threads == 1 {
            for (k, r) in work() {
                slots[k] = Some(r);
            }
        } else {
            std::thread::scope(|scope| {
                let handles: Vec<_> = (0..threads).map(|_| scope.spawn(work)).collect();
                for h in handles {
                    match h.join() {
                        Ok(done) => {
                            for (k, r) in done {
                                slots[k] = Some(r);
                            }
                        }
                        Err(panic) => std::panic::resume_unwind(panic),
                    }
                }
            });
        }
        let results = slots.into_iter().flatten();
        let mut out = Vec::new();
        let mut hashed = 0;
        for r in results {
            for (c, h) in r? {
                hashed += usize::from(h);
                out.extend(c);
            }
        }
        Ok((out, hashed))
    }

    fn untracked(&self, root: &Path, index: &Index) -> (Vec<Vec<u8>>, Vec<Vec<u8>>) {
        if self.opts.untracked == UntrackedMode::No {
            return (Vec::new(), Vec::new());
        }
        let files = WorkTreeFiles {
            root,
            index: Some((index, self.repo.odb())),
        };
        let excludes = Excludes::standard(self.repo, &files);
        let wopts = WalkOptions {
            show_other_directories: self.opts.untracked != UntrackedMode::All,
            hide_empty_directories: self.opts.untracked != UntrackedMode::All,
            show_ignored: false,
            show_ignored_too: self.opts.ignored != IgnoredMode::No,
            matching_ignored: self.opts.ignored == IgnoredMode::Matching,
            git_dir: Some(self.repo.git_dir().to_path_buf()),
            parallel: index.len() >= PARALLEL_ENTRIES,
        };
        let (untracked, ignored) =
            walk::read_directory(root, index, &excludes, &wopts, &self.opts.pathspec);
        let other = |p: &Vec<u8>| walk::index_name_is_other(index, p);
        (
            untracked.into_iter().filter(other).collect(),
            ignored.into_iter().filter(other).collect(),
        )
    }
}

/// The commit `HEAD` points at, `None` while the branch is unborn.
fn head_commit(repo: &Repository) -> Option<ObjectId> {
    crate::refs::Refs::new(repo).resolve("HEAD").ok().flatten()
}

/// `.gitattributes` read like `.gitignore` (work tree, or index for skip-worktree).
struct AttrFiles<'a>(&'a WorkTreeFiles<'a>);

impl convert::AttrSource for AttrFiles<'_> {
    fn read(&self, dir: &[u8]) -> Option<Vec<u8>> {
        let mut rel = dir.to_vec();
        rel.extend_from_slice(b".gitattributes");
        let path = self.0.root.join(path_of(&rel));
        match std::fs::read(&path) {
            Ok(t) => Some(t),
            Err(_) => {
                let (index, odb) = self.0.index?;
                let e = index.entry(&rel, 0)?;
                odb.read(&e.id).ok().map(|o| o.data)
            }
        }
    }
}

/// The directories of index paths that are symlinks (or not directories) in the work
/// tree: files below them count as deleted, as with git's `has_symlink_leading_path`.
fn symlinked_dirs(root: &Path, index: &Index) -> std::collections::HashSet<Vec<u8>> {
    let mut dirs: Vec<&[u8]> = Vec::new();
    let mut last: &[u8] = b"";
    for (_, p) in index.iter() {
        let Some(slash) = p.iter().rposition(|&c| c == b'/') else {
            continue;
        };
        let d = &p[..slash];
        if d == last {
            continue;
        }
        // Every ancestor not yet listed.
        let mut i = 0;
        while let Some(j) = d[i..].iter().position(|&c| c == b'/') {
            let a = &d[..i + j];
            if !last.starts_with(a) || (last.len() > a.len() && last[a.len()] != b'/') {
                dirs.push(a);
            }
            i += j + 1;
        }
        dirs.push(d);
        last = d;
    }
    dirs.sort_unstable();
    dirs.dedup();
    let is_link = |d: &&[u8]| {
        std::fs::symlink_metadata(root.join(path_of(d))).is_ok_and(|m| m.file_type().is_symlink())
    };
    let links: Vec<&[u8]> = if index.len() >= PARALLEL_ENTRIES {
        dirs.par_iter()
            .with_min_len(64)
            .filter(|d| is_link(d))
            .copied()
            .collect()
    } else {
        dirs.iter().filter(|d| is_link(d)).copied().collect()
    };
    if links.is_empty() {
        return Default::default();
    }
    // Everything below a symlinked directory is affected too.
    dirs.iter()
        .filter(|d| {
            links
                .iter()
                .any(|l| d.starts_with(l) && (d.len() == l.len() || d[l.len()] == b'/'))
        })
        .map(|d| d.to_vec())
        .collect()
}

/// Per-entry work-tree checks, shared by the worker threads.
struct Checker<'a> {
    repo: &'a Repository,
    root: &'a Path,
    index: &'a Index,
    rules: StatRules,
    converter: Converter<'a>,
    symlinked: std::collections::HashSet<Vec<u8>>,
    submodule_contents: bool,
    untracked_in_submodules: bool,
}

impl Checker<'_> {
    /// The change of one stage-0 entry, and whether a file was hashed.
    fn check(
        &self,
        e: &Entry,
        dir: Option<BorrowedFd<'_>>,
        name: &[u8],
    ) -> Result<(Option<WorktreeChange>, bool), StatusError> {
        if e.skip_worktree() || e.assume_valid() {
            return Ok((None, false));
        }
        let path = self.index.path(e);
        let deleted = || {
            Some(WorktreeChange {
                kind: ChangeKind::Deleted,
                path: path.to_vec(),
                old_mode: e.mode,
                old_id: e.id,
                new_mode: 0,
                new_id: WorktreeId::NotComputed,
                submodule: None,
                stage: e.stage(),
            })
        };
        let Some(dir) = dir else {
            return Ok((deleted(), false));
        };
        let full = || self.root.join(path_of(path));
        let meta =
            match rustix::fs::statat(dir, path_of(name), rustix::fs::AtFlags::SYMLINK_NOFOLLOW) {
                Ok(st) => FileStat::of(&st),
                Err(err) if err == rustix::io::Errno::NOENT || err == rustix::io::Errno::NOTDIR => {
                    return Ok((deleted(), false))
                }
                // git reports the error and goes on.
                Err(_) => return Ok((None, false)),
            };
        let ft = meta.kind();
        let gitlink = e.mode & 0o170000 == 0o160000;
        if ft == Kind::Dir && !gitlink && submodule_head(&full(), self.index.hash_kind()).is_none()
        {
            return Ok((deleted(), false));
        }
        let st_mode = meta.mode;
        let new_mode = mode_from_stat(e.mode, st_mode, &self.rules);
        let change = |kind: ChangeKind, new_id: WorktreeId, sub: Option<SubmoduleState>| {
            Some(WorktreeChange {
                kind,
                path: path.to_vec(),
                old_mode: e.mode,
                old_id: e.id,
                new_mode,
                new_id,
                submodule: sub,
                stage: e.stage(),
            })
        };
        let kind_of = |changed: u32| {
            if changed & TYPE_CHANGED != 0 || e.mode & 0o170000 != new_mode & 0o170000 {
                ChangeKind::TypeChanged
            } else {
                ChangeKind::Modified
            }
        };
        if e.intent_to_add() {
            return Ok((
                Some(WorktreeChange {
                    kind: ChangeKind::Added,
                    path: path.to_vec(),
                    old_mode: 0,
                    old_id: self.index.hash_kind().null_id(),
                    new_mode,
                    new_id: WorktreeId::NotComputed,
                    submodule: None,
                    stage: e.stage(),
                }),
                false,
            ));
        }
        if gitlink {
            if ft != Kind::Dir {
                return Ok((
                    change(ChangeKind::TypeChanged, WorktreeId::NotComputed, None),
                    false,
                ));
            }
            let Some(sub_head) = submodule_head(&full(), self.index.hash_kind()) else {
                return Ok((None, false));
            };
            let mut state = SubmoduleState {
                new_commits: sub_head != e.id,
                ..Default::default()
            };
            if self.submodule_contents {
                let (m, u) = submodule_dirt(&full(), self.untracked_in_submodules)?;
                state.modified = m;
                state.untracked = u;
            }
            if state == SubmoduleState::default() {
                return Ok((None, false));
            }
            return Ok((
                change(
                    ChangeKind::Modified,
                    WorktreeId::Computed(sub_head),
                    Some(state),
                ),
                false,
            ));
        }
        let mut changed = self.match_stat(e, &meta);
        if changed & (TYPE_CHANGED | MODE_CHANGED) != 0 {
            return Ok((
                change(kind_of(changed), WorktreeId::NotComputed, None),
                false,
            ));
        }
        if changed & DATA_CHANGED != 0 && e.stat.size != 0 {
            return Ok((
                change(ChangeKind::Modified, WorktreeId::NotComputed, None),
                false,
            ));
        }
        if changed == 0 && !self.index.is_racy(e) {
            return Ok((None, false));
        }
        // Only times, inode or owner differ, the entry is smudged, or it is racy:
        // the contents decide.
        let id = self.hash(path, dir, name, ft)?;
        changed = match id {
            Some(id) if id == e.id => 0,
            Some(_) => DATA_CHANGED,
            None => TYPE_CHANGED,
        };
        if changed == 0 {
            return Ok((None, true));
        }
        let wid = id.map_or(WorktreeId::NotComputed, WorktreeId::Computed);
        Ok((change(kind_of(changed), wid, None), true))
    }

    /// git's `ce_match_stat_basic` (without the racy check).
    fn match_stat(&self, e: &Entry, st: &FileStat) -> u32 {
        let r = &self.rules;
        let kind = st.kind();
        let mut changed = 0;
        match e.mode & 0o170000 {
            0o100000 => {
                if kind != Kind::File {
                    changed |= TYPE_CHANGED;
                }
                if r.trust_exec && (e.mode ^ st.mode) & 0o100 != 0 {
                    changed |= MODE_CHANGED;
                }
            }
            0o120000 => {
                if kind != Kind::Symlink && (r.symlinks || kind != Kind::File) {
                    changed |= TYPE_CHANGED;
                }
            }
            _ => changed |= TYPE_CHANGED,
        }
        let sd = &e.stat;
        if sd.mtime.secs != st.mtime as u32 {
            changed |= MTIME_CHANGED;
        }
        if r.trust_ctime && r.check_stat && sd.ctime.secs != st.ctime as u32 {
            changed |= CTIME_CHANGED;
        }
        if r.check_stat {
            if sd.uid != st.uid || sd.gid != st.gid {
                changed |= OWNER_CHANGED;
            }
            if sd.ino != st.ino as u32 {
                changed |= INODE_CHANGED;
            }
        }
        if sd.size != crate::index::munge_size(st.size) {
            changed |= DATA_CHANGED;
        }
        if sd.size == 0 && e.id != self.index.hash_kind().empty_blob() {
            changed |= DATA_CHANGED;
        }
        changed
    }

    /// The id the work-tree file `name` in `dir` would get (`None` if it is neither a
    /// file nor a symlink), as git's `ce_modified_check_fs` computes it.
    fn hash(
        &self,
        path: &[u8],
        dir: BorrowedFd<'_>,
        name: &[u8],
        kind: Kind,
    ) -> Result<Option<ObjectId>, StatusError> {
        let hash = self.index.hash_kind();
        let full = || self.root.join(path_of(path));
        if kind == Kind::Symlink {
            let target = rustix::fs::readlinkat(dir, path_of(name), Vec::new())
                .map_err(|e| io_err(&full(), e.into()))?;
            return Ok(Some(convert::blob_id(hash, target.as_bytes())));
        }
        if kind != Kind::File {
            return Ok(None);
        }
        let fd = rustix::fs::openat(
            dir,
            path_of(name),
            rustix::fs::OFlags::RDONLY | rustix::fs::OFlags::CLOEXEC | rustix::fs::OFlags::NOFOLLOW,
            rustix::fs::Mode::empty(),
        )
        .map_err(|e| io_err(&full(), e.into()))?;
        let mut data = Vec::new();
        std::fs::File::from(fd)
            .read_to_end(&mut data)
            .map_err(|e| io_err(&full(), e))?;
        let (action, ident) = self.converter.action(path)?;
        let mut staged_crlf = || {
            let e = self
                .index
                .entry(path, 0)
                .or_else(|| self.index.entry(path, 2));
            e.and_then(|e| self.repo.odb().read(&e.id).ok())
                .is_some_and(|o| convert::has_crlf(&o.data))
        };
        let converted = convert::to_git(&data, action, ident, &mut staged_crlf);
        Ok(Some(convert::blob_id(
            hash,
            converted.as_deref().unwrap_or(&data),
        )))
    }
}

/// The parts of `lstat` data status looks at.
#[derive(Clone, Copy, Debug)]
struct FileStat {
    mode: u32,
    mtime: i64,
    ctime: i64,
    ino: u64,
    uid: u32,
    gid: u32,
    size: u64,
}

/// The kind of a work-tree entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    File,
    Symlink,
    Dir,
    Other,
}

impl FileStat {
    fn of(st: &rustix::fs::Stat) -> FileStat {
        FileStat {
            mode: st.st_mode,
            mtime: st.st_mtime,
            ctime: st.st_ctime,
            ino: st.st_ino,
            uid: st.st_uid,
            gid: st.st_gid,
            size: st.st_size as u64,
        }
    }

    fn kind(&self) -> Kind {
        match self.mode & 0o170000 {
            0o100000 => Kind::File,
            0o120000 => Kind::Symlink,
            0o040000 => Kind::Dir,
            _ => Kind::Other,
        }
    }
}

/// The folder part of a root-relative path (empty at the top).
fn parent_of(path: &[u8]) -> &[u8] {
    match path.iter().rposition(|&c| c == b'/') {
        Some(i) => &path[..i],
        None => b"",
    }
}

fn io_err(path: &Path, e: std::io::Error) -> StatusError {
    StatusError::Odb(crate::odb::OdbError::io(path, e))
}

/// The `st_mode` bits of `meta`.
fn mode_bits(meta: &std::fs::Metadata) -> u32 {
    use std::os::unix::fs::MetadataExt;
    meta.mode()
}

/// git's `ce_mode_from_stat`: the mode the work-tree file would be staged with.
fn mode_from_stat(ce_mode: u32, st_mode: u32, r: &StatRules) -> u32 {
    let fmt = st_mode & 0o170000;
    if !r.symlinks && fmt == 0o100000 && ce_mode & 0o170000 == 0o120000 {
        return ce_mode;
    }
    if !r.trust_exec && fmt == 0o100000 {
        if ce_mode & 0o170000 == 0o100000 {
            return ce_mode;
        }
        return 0o100644;
    }
    match fmt {
        0o120000 => 0o120000,
        0o040000 => 0o160000,
        _ => {
            if st_mode & 0o100 != 0 {
                0o100755
            } else {
                0o100644
            }
        }
    }
}

/// The `.git` of a submodule at `dir`: its git dir, if there is one.
fn submodule_git_dir(dir: &Path) -> Option<PathBuf> {
    let dotgit = dir.join(".git");
    let meta = std::fs::metadata(&dotgit).ok()?;
    if meta.is_dir() {
        return Some(dotgit);
    }
    let text = std::fs::read_to_string(&dotgit).ok()?;
    let rest = text.strip_prefix("gitdir:")?.trim();
    let p = Path::new(rest);
    Some(if p.is_absolute() {
        p.to_path_buf()
    } else {
        dir.join(p)
    })
}

/// git's `resolve_gitlink_ref(path, "HEAD")`: the commit a nested repository at `dir`
/// has checked out.
pub fn submodule_head(dir: &Path, hash: HashKind) -> Option<ObjectId> {
    let git_dir = submodule_git_dir(dir)?;
    let common = match std::fs::read_to_string(git_dir.join("commondir")) {
        Ok(c) => git_dir.join(c.trim_end()),
        Err(_) => git_dir.clone(),
    };
    crate::refs::Refs::at(&git_dir, &common, hash)
        .resolve("HEAD")
        .ok()
        .flatten()
}

/// Whether the submodule at `dir` has modified tracked content and untracked files
/// (git's `is_submodule_modified`, which runs `status --porcelain=2` in it).
fn submodule_dirt(dir: &Path, untracked: bool) -> Result<(bool, bool), StatusError> {
    let fail = |m: String| StatusError::Submodule {
        path: dir.display().to_string(),
        message: m,
    };
    let sub = crate::repo::OpenOptions::default()
        .open(dir)
        .map_err(|e| fail(e.to_string()))?;
    let opts = StatusOptions {
        untracked: if untracked {
            UntrackedMode::Normal
        } else {
            UntrackedMode::No
        },
        renames: None,
        ..StatusOptions::default()
    };
    let o = Status::new(&sub, opts).run()?;
    let mut modified = !o.staged.is_empty() || !o.unmerged.is_empty();
    let mut has_untracked = !o.untracked.is_empty();
    for w in &o.worktree {
        match w.submodule {
            // A nested submodule with only untracked files counts as untracked.
            Some(s) if !s.new_commits && !s.modified && s.untracked => has_untracked = true,
            _ => modified = true,
        }
    }
    Ok((modified, has_untracked))
}

/// A walk of a tree and the index side by side (git's `diff-index --cached`).
struct TreeIndexDiff<'a> {
    odb: &'a crate::odb::Odb,
    index: &'a Index,
    hash: HashKind,
    out: Vec<Change>,
    unmerged: Vec<Unmerged>,
    buf: Vec<u8>,
}

impl TreeIndexDiff<'_> {
    /// Compares tree `tree` (the directory `prefix`, empty or ending in `/`) with index
    /// entries `lo..hi` (all of them under `prefix`).
    fn dir(
        &mut self,
        tree: Option<ObjectId>,
        prefix: &[u8],
        lo: usize,
        hi: usize,
        cache: Option<&crate::index::CacheTree>,
    ) -> Result<(), StatusError> {
        if let (Some(t), Some(c)) = (tree, cache) {
            if c.entry_count >= 0 && c.id == Some(t) && c.entry_count as usize == hi - lo {
                return Ok(());
            }
        }
        let entries = self.tree_entries(tree)?;
        let idx = self.index;
        let all = idx.entries();
        let (mut i, mut t) = (lo, 0usize);
        while i < hi || t < entries.len() {
            // The index side: one name at this level, a file or a directory run.
            let side = (i < hi).then(|| {
                let p = idx.path(&all[i]);
                let rest = &p[prefix.len()..];
                match rest.iter().position(|&c| c == b'/') {
                    Some(s) => (rest[..s].to_vec(), true),
                    None => (rest.to_vec(), false),
                }
            });
            let ord = match (&side, entries.get(t)) {
                (None, None) => break,
                (Some(_), None) => Ordering::Less,
                (None, Some(_)) => Ordering::Greater,
                (Some((n, d)), Some(te)) => compare_tree_names(n, *d, &te.0, te.1 == 0o040000),
            };
            match ord {
                Ordering::Less => {
                    let (name, is_dir) = side.expect("index side");
                    let end = self.run_end(prefix, &name, is_dir, i, hi);
                    for k in i..end {
                        self.added(k, &mut None)?;
                    }
                    self.flush_unmerged(i, end);
                    i = end;
                }
                Ordering::Greater => {
                    let (name, mode, id) = entries[t].clone();
                    let mut path = prefix.to_vec();
                    path.extend_from_slice(&name);
                    self.deleted_tree(path, mode, id, 0)?;
                    t += 1;
                }
                Ordering::Equal => {
                    let (name, is_dir) = side.expect("index side");
                    let end = self.run_end(prefix, &name, is_dir, i, hi);
                    let (_, mode, id) = entries[t].clone();
                    let mut path = prefix.to_vec();
                    path.extend_from_slice(&name);
                    if is_dir {
                        path.push(b'/');
                        let child = cache.and_then(|c| c.child(&name));
                        self.dir(Some(id), &path, i, end, child)?;
                    } else {
                        self.file_pair(i, end, path, mode, id)?;
                    }
                    i = end;
                    t += 1;
                }
            }
        }
        Ok(())
    }

    /// The entries of tree `id` (none for `None` or the empty tree).
    fn tree_entries(
        &mut self,
        id: Option<ObjectId>,
    ) -> Result<Vec<(Vec<u8>, u32, ObjectId)>, StatusError> {
        let Some(id) = id else { return Ok(Vec::new()) };
        if id == self.hash.empty_tree() {
            return Ok(Vec::new());
        }
        let kind = self.odb.read_into(&id, &mut self.buf)?;
        if kind != ObjectKind::Tree {
            return Err(crate::diff::DiffError::WrongKind {
                id,
                found: kind,
                wanted: ObjectKind::Tree,
            }
            .into());
        }
        let mut v = Vec::new();
        for e in TreeIter::new(&self.buf, self.hash) {
            let e = e.map_err(|source| crate::diff::DiffError::Parse { id, source })?;
            v.push((e.name.to_vec(), e.mode.as_raw(), e.id));
        }
        Ok(v)
    }

    /// The end of the index run for `name` at `prefix`: entries of that path (all its
    /// stages), or under that directory.
    fn run_end(&self, prefix: &[u8], name: &[u8], is_dir: bool, i: usize, hi: usize) -> usize {
        let idx = self.index;
        let all = idx.entries();
        let mut key = prefix.to_vec();
        key.extend_from_slice(name);
        if is_dir {
            key.push(b'0'); // the byte after '/'
            let n = all[i..hi].partition_point(|e| idx.path(e) < key.as_slice());
            i + n
        } else {
            let mut j = i + 1;
            while j < hi && idx.path(&all[j]) == key.as_slice() {
                j += 1;
            }
            j
        }
    }

    /// Index entry `k` has no counterpart in the tree.
    fn added(&mut self, k: usize, _: &mut Option<()>) -> Result<(), StatusError> {
        let e = &self.index.entries()[k];
        if e.stage() != 0 || e.intent_to_add() {
            return Ok(());
        }
        self.out
            .push(Change::added(self.index.path(e).to_vec(), e.mode, e.id));
        Ok(())
    }

    /// Records the conflicted paths among entries `i..end`.
    fn flush_unmerged(&mut self, i: usize, end: usize) {
        let all = self.index.entries();
        let mut k = i;
        while k < end {
            if all[k].stage() == 0 {
                k += 1;
                continue;
            }
            let path = self.index.path(&all[k]).to_vec();
            let mut stages = [None; 3];
            while k < end && self.index.path(&all[k]) == path.as_slice() {
                let s = all[k].stage();
                if (1..=3).contains(&s) {
                    stages[usize::from(s) - 1] = Some((all[k].mode, all[k].id));
                }
                k += 1;
            }
            self.unmerged.push(Unmerged {
                path,
                stages,
                worktree_mode: 0,
            });
        }
    }

    /// The same path in the tree (`mode`, `id`) and in index entries `i..end`.
    fn file_pair(
        &mut self,
        i: usize,
        end: usize,
        path: Vec<u8>,
        mode: u32,
        id: ObjectId,
    ) -> Result<(), StatusError> {
        let e = &self.index.entries()[i];
        if e.stage() != 0 {
            self.flush_unmerged(i, end);
            return Ok(());
        }
        if e.intent_to_add() {
            self.out.push(Change::deleted(path, mode, id));
            return Ok(());
        }
        if e.mode != mode || e.id != id {
            self.out
                .push(Change::modified(path, mode, id, e.mode, e.id));
        }
        Ok(())
    }

    /// Everything under the tree entry `path` is absent from the index.
    fn deleted_tree(
        &mut self,
        path: Vec<u8>,
        mode: u32,
        id: ObjectId,
        depth: usize,
    ) -> Result<(), StatusError> {
        if mode != 0o040000 {
            self.out.push(Change::deleted(path, mode, id));
            return Ok(());
        }
        if depth > crate::object::MAX_TREE_DEPTH {
            return Err(crate::diff::DiffError::TooDeep(id).into());
        }
        for (name, m, sub) in self.tree_entries(Some(id))? {
            let mut p = path.clone();
            p.push(b'/');
            p.extend_from_slice(&name);
            self.deleted_tree(p, m, sub, depth + 1)?;
        }
        Ok(())
    }
}
