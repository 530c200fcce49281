//! History: the commits `git log` walks (ranges, paths, `--first-parent`, `--no-merges`,
//! `-n`), each with what it changed through the same options and sinks as a diff.

use super::{DiffOptions, Differ, Error, Outcome, Resolved, Sink};
use crate::diff::{Change, TreeDiff};
use crate::odb::CommitGraph;
use crate::oid::ObjectId;
use crate::repo::Repository;
use crate::revision::walk::{Tip, Walk, WalkOptions, WalkedCommit};
use rayon::prelude::*;

/// What to walk and how each commit's changes are computed.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct HistoryRequest {
    /// Included and excluded commits, in command-line order (see
    /// [`crate::revision::range::parse_revisions`]).
    pub tips: Vec<Tip>,
    /// `--first-parent`: follow only first parents (and diff merges against their first
    /// parent, as git's `--diff-merges=first-parent` which it implies).
    pub first_parent: bool,
    /// Whether merges are diffed against their first parent (`None`: when
    /// `first_parent`, as git's `--first-parent` implies `--diff-merges=first-parent`).
    pub merge_first_parent: Option<bool>,
    /// `--no-merges`.
    pub no_merges: bool,
    /// `-n`.
    pub max_count: Option<usize>,
    /// `--since`: commits older than this commit time are not shown (and, in a walk
    /// without excluded commits, their parents are not walked), as git's `max_age`.
    pub max_age: Option<i64>,
    /// `--until`: in a topologically sorted walk that git limits first (without a
    /// commit-graph), newer commits are left out before sorting.
    pub min_age: Option<i64>,
    /// Whether commits' bytes are needed ([`WalkedCommit::data`]); when not, commits the
    /// commit-graph has are never inflated.
    pub commit_data: bool,
    /// How changes are computed; its `paths` also limit the walk (`log -- <path>`).
    pub diff: DiffOptions,
    /// The output order (`--topo-order`, `--date-order`).
    pub order: crate::revision::walk::Order,
    /// History simplification for walks with paths (`--full-history`, `--parents`...).
    pub simplify: crate::revision::simplify::Simplify,
}

impl HistoryRequest {
    /// The history of `tips` with `diff` options.
    pub fn new(tips: Vec<Tip>, diff: DiffOptions) -> HistoryRequest {
        HistoryRequest {
            tips,
            first_parent: false,
            merge_first_parent: None,
            no_merges: false,
            max_count: None,
            max_age: None,
            min_age: None,
            commit_data: true,
            diff,
            order: Default::default(),
            simplify: Default::default(),
        }
    }

    /// The history of the commits `revisions` names (`["main", "^v1.0"]`, `["v1..v2"]`).
    pub fn from_revisions<S: AsRef<str>>(
        repo: &Repository,
        revisions: &[S],
        diff: DiffOptions,
    ) -> Result<HistoryRequest, Error> {
        let revs =
            crate::revision::range::parse_revisions(repo, revisions).map_err(|e| match e {
                crate::revision::range::RangeError::Revision(r) => Error::Revision(r),
                crate::revision::range::RangeError::MergeBase(m) => Error::MergeBase(m),
                crate::revision::range::RangeError::Odb(o) => Error::Odb(o),
                e => Error::BadRequest(e.to_string()),
            })?;
        Ok(HistoryRequest::new(revs.tips, diff))
    }

    /// Stops after `n` commits.
    pub fn max_count(mut self, n: usize) -> HistoryRequest {
        self.max_count = Some(n);
        self
    }
}

/// One commit's diff from [`History::diff_batch`]: its sink and outcome (`None`: a merge,
/// not diffed).
pub type CommitDiff<S> = Result<Option<(S, Outcome)>, <S as Sink>::Error>;

/// Reusable per-thread state of commit diffs: the tree differ and its buffers.
pub struct CommitDiffState<'r> {
    tree_diff: TreeDiff<'r>,
    queue: Vec<Change>,
    worker: super::differ::Worker<'r>,
}

/// A history walk: an iterator over commits, and [`History::diff`] for what each changed.
pub struct History<'r> {
    repo: &'r Repository,
    walk: Walk<'r>,
    request: HistoryRequest,
    state: CommitDiffState<'r>,
    graph: Option<&'r CommitGraph>,
}

impl<'r> History<'r> {
    /// Starts the walk.
    pub fn new(repo: &'r Repository, request: &HistoryRequest) -> Result<History<'r>, Error> {
        let walk_opts = WalkOptions {
            first_parent: request.first_parent,
            no_merges: request.no_merges,
            max_count: request.max_count,
            skip_data: !request.commit_data,
            paths: request.diff.paths.clone(),
            max_age: request.max_age,
            min_age: request.min_age,
            order: request.order,
            simplify: request.simplify.clone(),
        };
        Ok(History {
            repo,
            walk: Walk::new(repo, &request.tips, &walk_opts)?,
            state: CommitDiffState::new(repo, &request.diff),
            graph: crate::revision::walk::usable_commit_graph(repo),
            request: request.clone(),
        })
    }

    /// The next commit, or `None` at the end.
    pub fn next_commit(&mut self) -> Result<Option<WalkedCommit>, Error> {
        Ok(self.walk.next_commit()?)
    }

    /// `--children`: each commit's children in the walk (see
    /// [`crate::revision::simplify::Simplify::children`]).
    pub fn children(&self) -> crate::oid::IdMap<Vec<ObjectId>> {
        self.walk.children()
    }

    /// The parents of `id` as the walk has left them, if it changed them (see
    /// [`Walk::current_parents`]).
    pub fn current_parents(&self, id: &ObjectId) -> Option<Vec<ObjectId>> {
        self.walk.current_parents(id)
    }

    /// Up to `n` next commits.
    pub fn next_batch(&mut self, n: usize) -> Result<Vec<WalkedCommit>, Error> {
        let mut out = Vec::with_capacity(n);
        while out.len() < n {
            match self.walk.next_commit()? {
                Some(c) => out.push(c),
                None => break,
            }
        }
        Ok(out)
    }

    /// A fresh per-thread state for [`History::diff_with`].
    pub fn new_state(&self) -> CommitDiffState<'r> {
        CommitDiffState::new(self.repo, &self.request.diff)
    }

    /// Diffs what `commit` changed (against its first parent; a root commit against the
    /// empty tree) into `sink`, reusing this walk's tree-diff state. Merges give `None`,
    /// as in git's default, unless they are diffed against their first parent
    /// ([`HistoryRequest::merge_first_parent`]).
    pub fn diff<S: Sink>(
        &mut self,
        commit: &WalkedCommit,
        sink: &mut S,
    ) -> Result<Option<Outcome>, S::Error> {
        let mut state = std::mem::replace(
            &mut self.state,
            CommitDiffState::new(self.repo, &self.request.diff),
        );
        let r = self.diff_with(&mut state, commit, sink);
        self.state = state;
        r
    }

    /// Like [`History::diff`] with caller-owned state (one per thread when diffing
    /// commits in parallel), on the calling thread.
    pub fn diff_with<S: Sink>(
        &self,
        state: &mut CommitDiffState<'r>,
        commit: &WalkedCommit,
        sink: &mut S,
    ) -> Result<Option<Outcome>, S::Error> {
        let first = self
            .request
            .merge_first_parent
            .unwrap_or(self.request.first_parent);
        if commit.parents.len() > 1 && !first {
            return Ok(None);
        }
        let parent_tree = match commit.parents.first() {
            Some(p) => Some(self.tree_of(*p).map_err(S::Error::from)?),
            None => None,
        };
        let differ = state
            .differ(self.repo, &self.request.diff, parent_tree, commit)
            .map_err(S::Error::from)?;
        let r = differ.run_in(sink, &mut state.worker);
        state.queue = differ.into_changes();
        r.map(Some)
    }

    /// Diffs `commits` in parallel (each worker with its own state and sink from
    /// `make_sink`), returning each commit's sink and outcome in order.
    pub fn diff_batch<S, F>(&self, commits: &[WalkedCommit], make_sink: F) -> Vec<CommitDiff<S>>
    where
        S: Sink + Send,
        S::Error: Send,
        F: Fn() -> S + Sync,
    {
        // One commit or none: no thread pool to start (it costs more than it saves).
        if commits.len() <= 1 {
            let mut state = self.new_state();
            return commits
                .iter()
                .map(|c| {
                    let mut sink = make_sink();
                    Ok(self.diff_with(&mut state, c, &mut sink)?.map(|o| (sink, o)))
                })
                .collect();
        }
        commits
            .par_iter()
            .map_init(
                || self.new_state(),
                |state, c| {
                    let mut sink = make_sink();
                    Ok(self.diff_with(state, c, &mut sink)?.map(|o| (sink, o)))
                },
            )
            .collect()
    }

    fn tree_of(&self, commit: ObjectId) -> Result<ObjectId, Error> {
        if let Some(g) = self.graph {
            if let Some(gc) = g.lookup(&commit).and_then(|p| g.commit(p)) {
                return Ok(gc.tree);
            }
        }
        Ok(WalkedCommit::read(self.repo, commit)?.tree)
    }
}

impl Iterator for History<'_> {
    type Item = Result<WalkedCommit, Error>;
    fn next(&mut self) -> Option<Self::Item> {
        self.next_commit().transpose()
    }
}

impl<'r> CommitDiffState<'r> {
    fn new(repo: &'r Repository, options: &DiffOptions) -> CommitDiffState<'r> {
        CommitDiffState {
            tree_diff: super::tree_diff_for(repo.odb(), options),
            queue: Vec::new(),
            worker: Default::default(),
        }
    }

    fn differ(
        &mut self,
        repo: &'r Repository,
        options: &DiffOptions,
        parent_tree: Option<ObjectId>,
        commit: &WalkedCommit,
    ) -> Result<Differ<'r>, Error> {
        let mut queue = std::mem::take(&mut self.queue);
        queue.clear();
        // `-R`: from the commit back to its parent.
        let (old, new) = if options.reverse {
            (Some(&commit.tree), parent_tree.as_ref())
        } else {
            (parent_tree.as_ref(), Some(&commit.tree))
        };
        self.tree_diff.diff(old, new, &mut |c| queue.push(c))?;
        let empty = repo.hash_kind().empty_tree();
        let parent_side = Resolved::Tree {
            tree: parent_tree.unwrap_or(empty),
            commit: commit.parents.first().copied(),
        };
        let commit_side = Resolved::Tree {
            tree: commit.tree,
            commit: Some(commit.id),
        };
        let (old, new) = if options.reverse {
            (commit_side, parent_side)
        } else {
            (parent_side, commit_side)
        };
        let mut warnings = Vec::new();
        let changes = {
            let mut load = super::differ::side_loader(repo, options, &old, &new, None);
            super::diffcore(repo.odb(), queue, options, &mut warnings, None, &mut load)?
        };
        Ok(Differ::from_changes(repo, options.clone(), old, new, changes, warnings).sequential())
    }
}
