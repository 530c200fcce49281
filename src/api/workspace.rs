//! The workspace as diff sides: the index and the work tree as a [`SideProvider`], so
//! that a [`Differ`](super::Differ) compares them with revisions and with each other as
//! `git diff`, `git diff --cached [<rev>]`, `git diff <rev>` and `--merge-base` do.
//!
//! The stat, racy-git and CRLF rules are the status engine's
//! ([`crate::worktree::Status`]); this layer only composes its answers into git's diff
//! queues and reads work-tree contents with git's clean conversion.
//!
//! ```no_run
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use oxgit::api::{Differ, DiffRequest, Endpoints, Side, Workspace};
//! let repo = oxgit::Repository::discover(std::path::Path::new("."))?;
//! let ws = Workspace::open(&repo)?;
//! // `git diff HEAD`: the last commit against the work tree.
//! let request = DiffRequest::new(&repo, Endpoints::pair("HEAD", Side::WorkTree))?;
//! let differ = Differ::with_provider(&repo, &request, &ws)?;
//! for c in differ.changes() {
//!     println!("{} {}", c.status_letter() as char, String::from_utf8_lossy(c.path()));
//! }
//! # Ok(()) }
//! ```

use super::{DiffOptions, Error, Resolved, SideProvider};
use crate::diff::attr::DiffAttributes;
use crate::diff::{Change, ChangeKind};
use crate::index::Index;
use crate::oid::ObjectId;
use crate::repo::Repository;
use crate::worktree::{self, Status, StatusOptions, UntrackedMode};
use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::{Mutex, OnceLock};

/// The index and the work tree of one repository, read once.
pub struct Workspace<'r> {
    repo: &'r Repository,
    root: PathBuf,
    index: Index,
    /// Submodules with modified tracked content (shown `Subproject commit <id>-dirty`).
    dirty: Mutex<HashSet<Vec<u8>>>,
    /// Whether untracked files count as added on the work-tree side.
    untracked: bool,
    /// The `diff` attributes with this index as fallback, read on first use.
    diff_attributes: OnceLock<DiffAttributes>,
}

/// An agent's view of its workspace against a revision: what
/// [`Workspace::changes_against`] found.
#[derive(Clone, Debug)]
pub struct WorkspaceChanges {
    /// The commit compared with (`None`: the empty tree of an unborn branch).
    pub base: Option<ObjectId>,
    /// Tracked changes from the revision to the work tree and untracked files as
    /// additions, renames detected, in git's order.
    pub changes: Vec<Change>,
    /// Nested repositories found untracked in the work tree (`dir/`), not listed in
    /// `changes`.
    pub nested: Vec<Vec<u8>>,
}

impl<'r> Workspace<'r> {
    /// Reads the index of `repo` (an error without a work tree).
    pub fn open(repo: &'r Repository) -> Result<Workspace<'r>, Error> {
        let root = repo
            .work_tree()
            .ok_or(worktree::StatusError::NoWorkTree)?
            .to_path_buf();
        let index = Index::load(repo).map_err(worktree::StatusError::from)?;
        Ok(Workspace {
            repo,
            root,
            index,
            dirty: Mutex::new(HashSet::new()),
            untracked: false,
            diff_attributes: OnceLock::new(),
        })
    }

    /// Counts untracked files (git's standard excludes: `.gitignore`,
    /// `.git/info/exclude`, `core.excludesFile`) as added on the work-tree side, as if
    /// they had been added with `git add -N`, so that diffs and renames include them.
    pub fn with_untracked(mut self, yes: bool) -> Self {
        self.untracked = yes;
        self
    }

    /// A differ for `request` with this workspace supplying the index and work tree.
    pub fn differ<'s>(&'s self, request: &super::DiffRequest) -> Result<super::Differ<'s>, Error> {
        super::Differ::with_provider(self.repo, request, self)
    }

    /// The workspace's changes against `rev` (a revision, an id or the empty tree;
    /// default `HEAD`, the empty tree while the
    /// branch is unborn): tracked changes from `rev` to the work tree with renames, plus
    /// untracked files honouring the standard excludes, whatever `with_untracked` says.
    /// For the file diffs, run [`Workspace::differ`] on a request for
    /// `Endpoints::pair(rev, Side::WorkTree)` of a workspace opened `with_untracked(true)`.
    pub fn changes_against(
        &self,
        rev: Option<super::Side>,
        options: &DiffOptions,
    ) -> Result<WorkspaceChanges, Error> {
        let base = match &rev {
            Some(super::Side::Rev(r)) => Some(crate::revision::resolve(self.repo, r)?),
            Some(super::Side::Id(id)) => Some(*id),
            Some(super::Side::EmptyTree) => None,
            Some(_) => return Err(Error::BadRequest("the base must be a revision".into())),
            None => crate::revision::resolve(self.repo, "HEAD").ok(),
        };
        let old = match base {
            Some(id) => super::Side::Id(id),
            None => super::Side::EmptyTree,
        };
        let request = super::DiffRequest::with_options(
            super::Endpoints::pair(old, super::Side::WorkTree),
            options.clone(),
        );
        let with = Workspace {
            repo: self.repo,
            root: self.root.clone(),
            index: self.index.clone(),
            dirty: Mutex::new(HashSet::new()),
            untracked: true,
            diff_attributes: OnceLock::new(),
        };
        let differ = super::Differ::with_provider(self.repo, &request, &with)?;
        let changes = differ.changes().to_vec();
        let nested = with
            .untracked_list(options)
            .into_iter()
            .filter(|p| p.ends_with(b"/"))
            .collect();
        Ok(WorkspaceChanges {
            base,
            changes,
            nested,
        })
    }

    /// Untracked paths for `options`' pathspec, every file listed (`-uall`).
    fn untracked_list(&self, options: &DiffOptions) -> Vec<Vec<u8>> {
        Status::new(
            self.repo,
            StatusOptions {
                pathspec: worktree::Pathspec::new(options.paths.clone()),
                untracked: UntrackedMode::All,
                renames: None,
                ..StatusOptions::default()
            },
        )
        .untracked_paths(&self.root, &self.index)
    }

    /// Untracked files as additions (null ids: hashed when loaded).
    fn untracked_changes(&self, options: &DiffOptions) -> Vec<Change> {
        use std::os::unix::fs::PermissionsExt;
        let hash = self.index.hash_kind();
        self.untracked_list(options)
            .into_iter()
            .filter(|p| !p.ends_with(b"/"))
            .filter_map(|p| {
                let m = std::fs::symlink_metadata(self.root.join(worktree::path_of(&p))).ok()?;
                let mode = if m.file_type().is_symlink() {
                    0o120000
                } else if m.permissions().mode() & 0o100 != 0 {
                    0o100755
                } else {
                    0o100644
                };
                Some(Change::added(p, mode, hash.null_id()))
            })
            .collect()
    }

    /// The index read.
    pub fn index(&self) -> &Index {
        &self.index
    }

    /// The top of the work tree.
    pub fn root(&self) -> &std::path::Path {
        &self.root
    }

    fn status(&self, options: &DiffOptions) -> Status<'r> {
        Status::new(
            self.repo,
            StatusOptions {
                pathspec: worktree::Pathspec::new(options.paths.clone()),
                untracked: UntrackedMode::No,
                renames: None,
                ..StatusOptions::default()
            },
        )
    }

    /// `tree` (`None`: the empty tree) against the index.
    fn staged(&self, tree: &ObjectId, options: &DiffOptions) -> Result<Vec<Change>, Error> {
        let empty = *tree == tree.kind().empty_tree();
        let tree = (!empty).then_some(*tree);
        Ok(self.status(options).staged_changes(&self.index, tree)?)
    }

    /// The index against the work tree; new sides carry the null id, as in git's raw
    /// diff of the work tree.
    fn unstaged(&self, options: &DiffOptions) -> Result<Vec<Change>, Error> {
        let (changes, _) = self
            .status(options)
            .worktree(&self.root, &self.index, false)?;
        let mut out = Vec::with_capacity(changes.len());
        let mut buf = Vec::new();
        for w in changes {
            // git's diffcore_skip_stat_unmatch: a file whose stat data changed but whose
            // contents (after the clean conversion) did not is no change.
            if w.kind == ChangeKind::Modified
                && w.old_mode == w.new_mode
                && w.new_id.id().is_none()
                && w.submodule.is_none()
            {
                buf.clear();
                if self.load_worktree(&w.path, w.new_mode, &mut buf)? == w.old_id {
                    continue;
                }
            }
            if let Some(s) = w.submodule {
                // Untracked files in a submodule do not show in a diff.
                if !s.new_commits && !s.modified {
                    continue;
                }
                if s.modified {
                    self.dirty
                        .lock()
                        .unwrap_or_else(|p| p.into_inner())
                        .insert(w.path.clone());
                }
            }
            let mut c = w.to_change();
            // git shows an unhashed work-tree side as the null id, but a submodule whose
            // checkout is the recorded commit (only dirty) by that commit.
            let same_commit = w.submodule.is_some_and(|s| !s.new_commits);
            if same_commit {
                c.new_id = c.old_id;
            } else if c.has_new() {
                c.new_id = c.new_id.kind().null_id();
            }
            out.push(c);
        }
        Ok(out)
    }

    /// `tree` against the work tree: the staged and unstaged changes of each path
    /// composed, as git's `diff-index` without `--cached` computes them.
    fn tree_to_worktree(
        &self,
        tree: &ObjectId,
        options: &DiffOptions,
    ) -> Result<Vec<Change>, Error> {
        let staged = self.staged(tree, options)?;
        let unstaged = self.unstaged(options)?;
        let mut by_path: std::collections::HashMap<Vec<u8>, Change> = unstaged
            .into_iter()
            .map(|c| (c.path().to_vec(), c))
            .collect();
        let mut out = Vec::with_capacity(staged.len() + by_path.len());
        let mut buf = Vec::new();
        for s in staged {
            let Some(w) = by_path.remove(s.path()) else {
                out.push(s);
                continue;
            };
            // The old side is the tree's; the new side the work tree's.
            let (old_mode, old_id) = (s.old_mode, s.old_id);
            if old_mode == 0 {
                if w.has_new() {
                    out.push(Change::added(w.new_path, w.new_mode, w.new_id));
                }
                // Added to the index, deleted from the work tree: not shown.
                continue;
            }
            if !w.has_new() {
                out.push(Change::deleted(s.old_path, old_mode, old_id));
                continue;
            }
            let c = Change::modified(w.new_path, old_mode, old_id, w.new_mode, w.new_id);
            // Back to what the tree has: no change (git's skip of stat-only changes).
            if c.old_mode == c.new_mode && c.old_mode & 0o170000 == 0o100000 {
                buf.clear();
                if self.load_worktree(&c.new_path, c.new_mode, &mut buf)? == old_id {
                    continue;
                }
            }
            out.push(c);
        }
        out.extend(by_path.into_values());
        out.sort_by(|a, b| a.path().cmp(b.path()));
        Ok(out)
    }

    fn load_worktree(&self, path: &[u8], mode: u32, buf: &mut Vec<u8>) -> Result<ObjectId, Error> {
        if mode & 0o170000 == 0o160000 {
            let hash = self.index.hash_kind();
            let head = worktree::submodule_head(&self.root.join(worktree::path_of(path)), hash)
                .unwrap_or_else(|| hash.null_id());
            let dirty = self
                .dirty
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .contains(path);
            use std::io::Write;
            let _ = writeln!(
                buf,
                "Subproject commit {head}{}",
                if dirty { "-dirty" } else { "" }
            );
            return Ok(head);
        }
        Ok(worktree::read_clean(
            self.repo,
            &self.root,
            &self.index,
            path,
            buf,
        )?)
    }
}

/// Swaps the sides of changes computed in the other direction (`-R`).
fn reversed(changes: Vec<Change>) -> Vec<Change> {
    changes
        .into_iter()
        .map(|c| {
            let kind = match c.kind {
                ChangeKind::Added => ChangeKind::Deleted,
                ChangeKind::Deleted => ChangeKind::Added,
                k => k,
            };
            Change {
                kind,
                old_path: c.new_path,
                new_path: c.old_path,
                old_mode: c.new_mode,
                new_mode: c.old_mode,
                old_id: c.new_id,
                new_id: c.old_id,
                score: c.score,
            }
        })
        .collect()
}

impl SideProvider for Workspace<'_> {
    fn diff_attributes(&self) -> Option<&DiffAttributes> {
        Some(
            self.diff_attributes
                .get_or_init(|| DiffAttributes::with_index(self.repo, &self.index)),
        )
    }

    fn changes(
        &self,
        _repo: &Repository,
        old: &Resolved,
        new: &Resolved,
        options: &DiffOptions,
        include_unmodified: bool,
    ) -> Result<Vec<Change>, Error> {
        if include_unmodified {
            return Err(Error::Unsupported(
                "--find-copies-harder against the index or the work tree".into(),
            ));
        }
        if options.reverse {
            // git swaps the a/ and b/ prefixes of work-tree diffs under -R too.
            return Err(Error::Unsupported(
                "-R against the index or the work tree".into(),
            ));
        }
        if options.breaks.is_some() {
            return Err(Error::Unsupported(
                "break detection (-B) against the index or the work tree".into(),
            ));
        }
        let spec = worktree::Pathspec::new(options.paths.clone());
        if let Some((_, p)) = self
            .index
            .iter()
            .find(|(e, p)| e.stage() != 0 && spec.matches_file(p))
        {
            return Err(Error::Unsupported(format!(
                "diff with unmerged paths in the index ({})",
                String::from_utf8_lossy(p)
            )));
        }
        use Resolved::{Index as I, Tree as T, WorkTree as W};
        let with_untracked = |mut v: Vec<Change>| {
            if self.untracked {
                v.extend(self.untracked_changes(options));
                v.sort_by(|a, b| a.path().cmp(b.path()));
            }
            v
        };
        match (old, new) {
            (I, W) => Ok(with_untracked(self.unstaged(options)?)),
            (T { tree, .. }, I) => self.staged(tree, options),
            (T { tree, .. }, W) => Ok(with_untracked(self.tree_to_worktree(tree, options)?)),
            (W, I) | (I, T { .. }) | (W, T { .. }) => {
                Ok(reversed(self.changes(_repo, new, old, options, false)?))
            }
            _ => Err(Error::BadRequest(
                "the index or the work tree can only be compared with a tree, the index or the work tree".into(),
            )),
        }
    }

    fn load(
        &self,
        side: &Resolved,
        path: &[u8],
        mode: u32,
        buf: &mut Vec<u8>,
    ) -> Result<ObjectId, Error> {
        match side {
            Resolved::WorkTree => self.load_worktree(path, mode, buf),
            _ => {
                // Index entries are objects of the repository.
                let e = self
                    .index
                    .entry(path, 0)
                    .ok_or_else(|| Error::NotFound("path not in the index".into()))?;
                self.repo.odb().read_into(&e.id, buf)?;
                Ok(e.id)
            }
        }
    }
}
