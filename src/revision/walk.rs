//! History walks in git's default order: newest commit date first, ties in the order
//! commits were reached, each commit shown once.

use crate::object::{Commit, ObjectKind};
use crate::odb::{CommitGraph, OdbError};
use crate::oid::ObjectId;
use crate::repo::Repository;
use std::collections::BinaryHeap;

/// Why a walk stopped.
#[derive(Debug, thiserror::Error)]
pub enum WalkError {
    /// An object could not be read.
    #[error(transparent)]
    Odb(#[from] OdbError),
    /// A commit could not be parsed, or a start point is not a commit.
    #[error("object {id} is not a valid commit: {what}")]
    BadCommit {
        /// The object.
        id: ObjectId,
        /// What is wrong.
        what: String,
    },
    /// The options cannot be used together (git's `die` in `setup_revisions` or
    /// `limit_list`).
    #[error("{0}")]
    Usage(String),
}

/// What to walk and what to show.
#[derive(Clone, Debug, Default)]
pub struct WalkOptions {
    /// Follow only the first parent of merges (`--first-parent`).
    pub first_parent: bool,
    /// Skip commits with more than one parent (`--no-merges`); they are still walked.
    pub no_merges: bool,
    /// Stop after this many shown commits (`-n`).
    pub max_count: Option<usize>,
    /// The visitor needs only ids, parents, trees and commit times, not the commit
    /// objects: [`WalkedCommit::data`] may then be empty (it is when the commit-graph gave
    /// the commit), which saves inflating every commit.
    pub skip_data: bool,
    /// Show only commits that change these paths (`-- <path>...`), with git's default
    /// history simplification: a merge that leaves the paths as one parent had them
    /// follows only that parent, and commits that leave them unchanged are not shown.
    pub paths: Vec<Vec<u8>>,
    /// `--since`: commits with an older commit time are not shown and their parents are
    /// not walked in an unlimited walk; in a limited walk (with excluded commits) they
    /// count as excluded, as git's `max_age` does in `limit_list`.
    pub max_age: Option<i64>,
    /// `--until`, for topological orders: without a commit-graph (generation numbers)
    /// git limits the walk first, and its `limit_list` leaves newer commits out of the
    /// list it sorts; they are filtered out later in any case.
    pub min_age: Option<i64>,
    /// The order commits are shown in (`--topo-order`, `--date-order`).
    pub order: Order,
    /// History simplification beyond git's default (`--full-history`, `--parents`...),
    /// for walks with paths.
    pub simplify: super::simplify::Simplify,
}

/// The order of a walk's output.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Order {
    /// git's default: newest commit date first, ties in the order reached.
    #[default]
    Date,
    /// `--topo-order`: no parent before all its children, a line of history shown
    /// whole before the next (the last parent reached is followed first).
    Topo,
    /// `--date-order`: no parent before all its children, otherwise newest first.
    TopoDate,
}

/// git's topological sort of `list` (a walk's output, in walk order): every commit
/// after all of its children in the list. The tips (commits without a child in the
/// list) start in walk order; `Topo` then takes the most recently released commit
/// first, `TopoDate` the newest (ties: released first). `first_parent`: only first
/// parents count as edges.
pub fn topo_sort(list: Vec<WalkedCommit>, order: Order, first_parent: bool) -> Vec<WalkedCommit> {
    use std::collections::HashMap;
    let index: HashMap<ObjectId, usize> = list.iter().enumerate().map(|(i, c)| (c.id, i)).collect();
    let edges = |c: &WalkedCommit| -> Vec<usize> {
        let n = if first_parent {
            c.parents.len().min(1)
        } else {
            c.parents.len()
        };
        c.parents[..n]
            .iter()
            .filter_map(|p| index.get(p).copied())
            .collect()
    };
    // Children not yet emitted, per commit.
    let mut pending = vec![0usize; list.len()];
    for c in &list {
        for p in edges(c) {
            pending[p] += 1;
        }
    }
    let mut slots: Vec<Option<WalkedCommit>> = list.into_iter().map(Some).collect();
    let mut out = Vec::with_capacity(slots.len());
    // Ready commits: (commit time, release sequence, index).
    let mut ready: Vec<(i64, u64, usize)> = Vec::new();
    let mut heap: BinaryHeap<(i64, std::cmp::Reverse<u64>, usize)> = BinaryHeap::new();
    let mut seq = 0u64;
    let mut release = |i: usize, time: i64, ready: &mut Vec<(i64, u64, usize)>| {
        ready.push((time, seq, i));
        seq += 1;
    };
    let tips: Vec<usize> = (0..slots.len()).filter(|&i| pending[i] == 0).collect();
    for &i in &tips {
        let t = slots[i].as_ref().map_or(0, |c| c.commit_time);
        release(i, t, &mut ready);
    }
    if order == Order::Topo {
        // A stack, the first tip on top.
        ready.reverse();
    } else {
        heap.extend(
            ready
                .drain(..)
                .map(|(t, s, i)| (t, std::cmp::Reverse(s), i)),
        );
    }
    loop {
        let i = if order == Order::Topo {
            match ready.pop() {
                Some((_, _, i)) => i,
                None => break,
            }
        } else {
            match heap.pop() {
                Some((_, _, i)) => i,
                None => break,
            }
        };
        let Some(c) = slots[i].take() else { continue };
        for p in edges(&c) {
            pending[p] -= 1;
            if pending[p] == 0 {
                let t = slots[p].as_ref().map_or(0, |c| c.commit_time);
                if order == Order::Topo {
                    release(p, t, &mut ready);
                } else {
                    let mut one = Vec::new();
                    release(p, t, &mut one);
                    heap.extend(
                        one.into_iter()
                            .map(|(t, s, i)| (t, std::cmp::Reverse(s), i)),
                    );
                }
            }
        }
        out.push(c);
    }
    out
}

/// A commit reached by the walk, with the fields the walk needed already parsed.
#[derive(Clone, Debug)]
pub struct WalkedCommit {
    /// The commit's id.
    pub id: ObjectId,
    /// Its parents, in order.
    pub parents: Vec<ObjectId>,
    /// Its root tree.
    pub tree: ObjectId,
    /// The committer time (seconds since the epoch), the walk's sort key.
    pub commit_time: i64,
    /// The raw commit object (empty with [`WalkOptions::skip_data`] when the commit-graph
    /// gave the commit).
    pub data: Vec<u8>,
}

impl WalkedCommit {
    /// Reads and parses commit `id`.
    pub fn read(repo: &Repository, id: ObjectId) -> Result<WalkedCommit, WalkError> {
        let mut data = Vec::new();
        let kind = repo.odb().read_into(&id, &mut data)?;
        if kind != ObjectKind::Commit {
            return Err(WalkError::BadCommit {
                id,
                what: format!("it is a {kind}"),
            });
        }
        let c = Commit::parse(&data).map_err(|e| WalkError::BadCommit {
            id,
            what: e.to_string(),
        })?;
        let commit_time = c.committer_signature().map_or(0, |s| s.time);
        let (parents, tree) = (c.parents, c.tree);
        Ok(WalkedCommit {
            id,
            parents,
            tree,
            commit_time,
            data,
        })
    }

    /// The parsed commit (borrowing this commit's bytes). Without the bytes (see
    /// [`WalkOptions::skip_data`]) only the tree and parents are filled in.
    pub fn parsed(&self) -> Commit<'_> {
        Commit::parse(&self.data).unwrap_or_else(|_| Commit {
            tree: self.tree,
            parents: self.parents.clone(),
            author: &[],
            committer: &[],
            encoding: None,
            message: &[],
        })
    }
}

/// A queue entry (the queue takes the newest first, then the first inserted).
pub(super) struct Queued {
    time: i64,
    seq: u64,
    pub(super) commit: WalkedCommit,
    /// Whether the commit-graph gave the commit (its object is then not read yet).
    pub(super) from_graph: bool,
    /// The parents' graph positions, when the commit-graph gave the commit.
    parent_pos: crate::odb::ParentPositions,
}

use crate::oid::IdSet;

/// The walk's date-ordered queue: the heap orders small keys, the entries (a commit of
/// some hundred bytes each) stay put in slots, so pushing and popping moves no commit
/// through the heap.
#[derive(Default)]
struct CommitQueue {
    heap: BinaryHeap<QueueKey>,
    slots: Vec<Option<Queued>>,
    free: Vec<u32>,
}

/// A heap key: newest first, then first inserted first.
#[derive(PartialEq, Eq, PartialOrd, Ord)]
struct QueueKey {
    time: i64,
    seq: std::cmp::Reverse<u64>,
    slot: u32,
}

impl CommitQueue {
    fn push(&mut self, q: Queued) {
        let key = |slot| QueueKey {
            time: q.time,
            seq: std::cmp::Reverse(q.seq),
            slot,
        };
        let slot = match self.free.pop() {
            Some(slot) => slot,
            None => {
                self.slots.push(None);
                (self.slots.len() - 1) as u32
            }
        };
        self.heap.push(key(slot));
        self.slots[slot as usize] = Some(q);
    }

    fn pop(&mut self) -> Option<Queued> {
        let key = self.heap.pop()?;
        self.free.push(key.slot);
        self.slots[key.slot as usize].take()
    }

    /// The commit time of the next entry.
    fn peek_time(&self) -> Option<i64> {
        self.heap.peek().map(|k| k.time)
    }

    /// The queued entries, in no particular order.
    fn iter(&self) -> impl Iterator<Item = &Queued> {
        self.slots.iter().flatten()
    }
}

/// Whether git would use the commit-graph here: `core.commitGraph` is not false and the
/// repository is not shallow (git ignores the graph in shallow repositories).
/// What history simplification decided for one commit.
enum Simplified {
    /// The paths differ from every followed parent: show the commit.
    Changed,
    /// The paths are as in this parent (an index into the parents): follow only it and
    /// hide the commit.
    SameAsParent(usize),
    /// A root commit without any of the paths: hide it.
    EmptyRoot,
}

/// git's `try_to_simplify_commit` with default options: the first followed parent whose
/// tree has the same paths wins.
fn simplify(
    graph: Option<&CommitGraph>,
    commit: &WalkedCommit,
    follow: &[usize],
    tree_diff: &mut crate::diff::TreeDiff<'_>,
    paths: &[Vec<u8>],
    parent_tree: &mut dyn FnMut(ObjectId) -> Result<ObjectId, WalkError>,
) -> Result<Simplified, WalkError> {
    let diff_err = |e: crate::diff::DiffError| WalkError::BadCommit {
        id: commit.id,
        what: e.to_string(),
    };
    if commit.parents.is_empty() {
        let changed = tree_diff
            .has_changes(None, Some(&commit.tree))
            .map_err(diff_err)?;
        return Ok(if changed {
            Simplified::Changed
        } else {
            Simplified::EmptyRoot
        });
    }
    // The changed-path Bloom filter (against the first parent) can prove a literal path
    // unchanged without diffing the trees, as git uses it.
    if follow.first() == Some(&0) {
        if let Some(pos) = graph.and_then(|g| g.lookup(&commit.id)) {
            let g = graph.expect("looked up");
            let literal = paths
                .iter()
                .all(|p| !p.is_empty() && !p.iter().any(|c| b"*?[\\".contains(c)));
            let unchanged = literal
                && paths.iter().all(|p| {
                    let p = p.strip_suffix(b"/").unwrap_or(p);
                    g.maybe_changed(pos, p) == Some(false)
                });
            if unchanged {
                return Ok(Simplified::SameAsParent(0));
            }
        }
    }
    for &i in follow {
        let parent = commit.parents[i];
        let parent_tree = match graph.and_then(|g| g.lookup(&parent).and_then(|p| g.commit(p))) {
            Some(gc) => gc.tree,
            None => parent_tree(parent)?,
        };
        let changed = tree_diff
            .has_changes(Some(&parent_tree), Some(&commit.tree))
            .map_err(diff_err)?;
        if !changed {
            return Ok(Simplified::SameAsParent(i));
        }
    }
    Ok(Simplified::Changed)
}

/// Whether `commit` leaves `paths` as one of its parents has them (a root: has none of
/// them): git's `TREESAME` under the default simplification, which hides a commit that
/// is given but not walked (`show <commit> -- <path>`). `first_parent`: only the first
/// parent counts; `full_history` (`-m`): a merge must have them as every parent has.
pub fn is_treesame(
    repo: &Repository,
    commit: &WalkedCommit,
    paths: &[Vec<u8>],
    first_parent: bool,
    full_history: bool,
) -> Result<bool, WalkError> {
    let mut tree_diff = crate::diff::TreeDiff::new(
        repo.odb(),
        crate::diff::TreeDiffOptions {
            pathspec: crate::diff::Pathspec::new(paths.iter().cloned()),
            ..Default::default()
        },
    );
    let n = if first_parent {
        commit.parents.len().min(1)
    } else {
        commit.parents.len()
    };
    let follow: Vec<usize> = (0..n).collect();
    let mut parent_tree = |id: ObjectId| WalkedCommit::read(repo, id).map(|c| c.tree);
    let graph = usable_commit_graph(repo);
    if full_history && n > 1 {
        for i in 0..n {
            let one = simplify(graph, commit, &[i], &mut tree_diff, paths, &mut parent_tree)?;
            if matches!(one, Simplified::Changed) {
                return Ok(false);
            }
        }
        return Ok(true);
    }
    Ok(!matches!(
        simplify(
            graph,
            commit,
            &follow,
            &mut tree_diff,
            paths,
            &mut parent_tree
        )?,
        Simplified::Changed
    ))
}

/// The commits listed in the repository's `shallow` file: git treats them as having no
/// parents (their history was not fetched). Empty when the file is absent or unreadable;
/// lines that are not object ids are skipped.
pub fn shallow_commits(repo: &Repository) -> std::collections::HashSet<ObjectId> {
    let Ok(text) = std::fs::read(repo.common_dir().join("shallow")) else {
        return std::collections::HashSet::new();
    };
    text.split(|&b| b == b'\n')
        .filter_map(|line| ObjectId::from_hex(line).ok())
        .filter(|id| id.kind() == repo.hash_kind())
        .collect()
}

/// The commit-graph walks may use: none when `core.commitGraph` is false, the
/// repository is shallow or has grafts (git ignores the graph then too).
pub fn usable_commit_graph(repo: &Repository) -> Option<&CommitGraph> {
    if repo.config().get_bool("core.commitGraph") == Some(false)
        || repo.common_dir().join("shallow").exists()
        || !super::grafts::Grafts::load(repo).is_empty()
    {
        return None;
    }
    repo.odb().commit_graph()
}

/// The queue entry for commit `id` (in sequence `seq`): from the commit-graph when it
/// lists the commit (at `pos`, if known) and its entry is sound, else from the commit
/// object.
fn load(
    repo: &Repository,
    graph: Option<&CommitGraph>,
    id: ObjectId,
    pos: Option<u32>,
    seq: u64,
) -> Result<Queued, WalkError> {
    if let Some(g) = graph {
        if let Some(pos) = pos.or_else(|| g.lookup(&id)) {
            if let Some(gc) = g.commit(pos) {
                let parents: Option<Vec<ObjectId>> =
                    gc.parents.iter().map(|&p| g.id_at(p)).collect();
                if let Some(parents) = parents {
                    let commit = WalkedCommit {
                        id,
                        parents,
                        tree: gc.tree,
                        commit_time: gc.date,
                        data: Vec::new(),
                    };
                    return Ok(Queued {
                        time: commit.commit_time,
                        seq,
                        commit,
                        from_graph: true,
                        parent_pos: gc.parents,
                    });
                }
            }
        }
    }
    let commit = WalkedCommit::read(repo, id)?;
    Ok(Queued {
        time: commit.commit_time,
        seq,
        commit,
        from_graph: false,
        parent_pos: Default::default(),
    })
}

/// [`load`] with the grafts applied; the sequence number is set when the entry is queued.
pub(super) fn read_queued(
    repo: &Repository,
    graph: Option<&CommitGraph>,
    grafts: &super::grafts::Grafts,
    id: ObjectId,
    pos: Option<u32>,
) -> Result<Queued, WalkError> {
    let mut q = load(repo, graph, id, pos, 0)?;
    if grafts.parents(&id).is_some() {
        grafts.apply(&id, &mut q.commit.parents);
        q.parent_pos = Default::default();
    }
    Ok(q)
}

/// git's `SLOP`: how many more uninteresting commits a limited walk pops after the last
/// interesting one, in case commit dates are skewed.
const SLOP: u32 = 5;

/// One start of a walk: a commit to show history from, or (`exclude`) one whose history
/// is left out (`^A`, the `A` of `A..B`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Tip {
    /// The commit.
    pub id: ObjectId,
    /// Whether its history is excluded.
    pub exclude: bool,
}

/// A history walk in git log's default order, one commit at a time. Parents and commit
/// times come from the commit-graph when there is one. With excluded tips the walk is
/// *limited* as git's `limit_list` does it: everything reachable from an excluded tip is
/// left out, with git's date-skew allowance, before the first commit is returned.
pub struct Walk<'r> {
    repo: &'r Repository,
    graph: Option<&'r CommitGraph>,
    options: WalkOptions,
    pathspec: Option<crate::diff::TreeDiff<'r>>,
    seen: IdSet,
    queue: CommitQueue,
    seq: u64,
    grafts: super::grafts::Grafts,
    shown: usize,
    /// The commits of a limited walk, computed up front: (commit, from the graph).
    limited: Option<std::collections::VecDeque<(WalkedCommit, bool)>>,
    /// With paths: the root tree of every commit loaded so far, so that simplifying a
    /// commit against a parent already reached reads no object.
    trees: crate::oid::IdMap<ObjectId>,
    /// With paths: parents read to simplify a child before the walk reached them; their
    /// queue entry is taken from here when they are queued (each commit is read once).
    preloaded: crate::oid::IdMap<Queued>,
    /// The commits of a topologically ordered walk, sorted up front.
    sorted: Option<std::collections::VecDeque<WalkedCommit>>,
    /// The excluded tips (`^A`, `--not`, the bases of `A...B`): git's `BOTTOM` commits,
    /// which stay relevant for simplification though excluded.
    bottoms: IdSet,
    /// Walks with paths and simplification options (or orders) the plain walk does not
    /// do: git's full simplification machinery.
    engine: Option<Box<super::simplify::Engine<'r>>>,
    /// With paths: the merges hidden because a parent had the paths as they have them,
    /// with that parent, the only one git leaves them.
    reduced: crate::oid::IdMap<ObjectId>,
}

impl<'r> Walk<'r> {
    /// A walk from `tips` (in the order given, which breaks ties between equal dates as
    /// git's command-line order does).
    pub fn new(
        repo: &'r Repository,
        tips: &[Tip],
        options: &WalkOptions,
    ) -> Result<Walk<'r>, WalkError> {
        let graph = usable_commit_graph(repo);
        let pathspec = (!options.paths.is_empty()).then(|| {
            crate::diff::TreeDiff::new(
                repo.odb(),
                crate::diff::TreeDiffOptions {
                    pathspec: crate::diff::Pathspec::new(options.paths.iter().cloned()),
                    ..Default::default()
                },
            )
        });
        let mut w = Walk {
            repo,
            graph,
            options: options.clone(),
            pathspec,
            // Sized for the history up front (up to 64k commits) when the commit-graph
            // says how long it is, so long walks do not rehash as they grow.
            seen: {
                let mut seen = IdSet::default();
                seen.reserve(graph.map_or(0, |g| g.len().min(1 << 16) as usize));
                seen
            },
            queue: CommitQueue::default(),
            seq: 0,
            // Grafted commits have the parents the grafts give them, shallow ones none
            // (the graph is not used then, so only commit objects need the fix).
            grafts: super::grafts::Grafts::load(repo),
            shown: 0,
            limited: None,
            trees: Default::default(),
            preloaded: Default::default(),
            sorted: None,
            bottoms: IdSet::default(),
            engine: None,
            reduced: Default::default(),
        };
        if super::simplify::Engine::wanted(options) {
            w.engine = Some(Box::new(super::simplify::Engine::new(repo, tips, options)?));
            return Ok(w);
        }
        if options.order != Order::Date {
            // The whole walk in date order first, then sorted; counts and `--no-merges`
            // apply to the sorted output.
            let inner = WalkOptions {
                order: Order::Date,
                max_count: None,
                no_merges: false,
                ..options.clone()
            };
            let mut all = Vec::new();
            let mut walk = Walk::new(repo, tips, &inner)?;
            while let Some(c) = walk.next_commit()? {
                all.push(c);
            }
            if let Some(t) = options.min_age {
                if graph.is_none() {
                    all.retain(|c| c.commit_time <= t);
                }
            }
            // git counts only first-parent edges in its generation-number topological walk
            // (with a commit-graph), every edge between listed commits otherwise.
            let fp = options.first_parent && graph.is_some();
            w.sorted = Some(topo_sort(all, options.order, fp).into());
            return Ok(w);
        }
        let mut excluded = IdSet::default();
        for t in tips {
            if t.exclude {
                excluded.insert(t.id);
            }
            if w.seen.insert(t.id) {
                let q = w.load(t.id, None)?;
                w.queue.push(q);
            }
        }
        if !excluded.is_empty() {
            w.bottoms = excluded.clone();
            let list = w.limit(excluded)?;
            w.limited = Some(list);
        }
        Ok(w)
    }

    /// The queue entry for `id`, next in sequence: read now, or taken from the commits
    /// read ahead for simplification.
    fn load(&mut self, id: ObjectId, pos: Option<u32>) -> Result<Queued, WalkError> {
        let preloaded = if self.preloaded.is_empty() {
            None
        } else {
            self.preloaded.remove(&id)
        };
        let mut q = match preloaded {
            Some(q) => q,
            None => read_queued(self.repo, self.graph, &self.grafts, id, pos)?,
        };
        q.seq = self.seq;
        self.seq += 1;
        if self.pathspec.is_some() {
            self.trees.insert(id, q.commit.tree);
        }
        Ok(q)
    }

    /// Which parents to follow and whether to show `commit` (history simplification
    /// for paths; `skip`: parents that are not followed for simplification).
    fn follow(
        &mut self,
        commit: &WalkedCommit,
        uninteresting: &IdSet,
    ) -> Result<(Vec<usize>, bool), WalkError> {
        let n = if self.options.first_parent {
            commit.parents.len().min(1)
        } else {
            commit.parents.len()
        };
        let mut follow: Vec<usize> = (0..n).collect();
        let mut show = true;
        if let Some(tree_diff) = self.pathspec.as_mut() {
            // git's try_to_simplify_commit: a commit is simplified only to a relevant
            // parent (not excluded, or an excluded tip); a commit with no relevant parent
            // is hidden (TREESAME) when it matches all its parents, and keeps them all.
            let candidates: Vec<usize> = follow
                .iter()
                .copied()
                .filter(|&i| {
                    let p = &commit.parents[i];
                    !uninteresting.contains(p) || self.bottoms.contains(p)
                })
                .collect();
            let paths = &self.options.paths;
            let (repo, graph, grafts) = (self.repo, self.graph, &self.grafts);
            let (trees, preloaded) = (&mut self.trees, &mut self.preloaded);
            // A parent's tree: known when the walk has read the parent, else the parent
            // is read now and kept for when the walk queues it.
            let mut parent_tree = |id: ObjectId| -> Result<ObjectId, WalkError> {
                if let Some(t) = trees.get(&id) {
                    return Ok(*t);
                }
                if let Some(q) = preloaded.get(&id) {
                    return Ok(q.commit.tree);
                }
                let q = read_queued(repo, graph, grafts, id, None)?;
                let tree = q.commit.tree;
                preloaded.insert(id, q);
                Ok(tree)
            };
            match simplify(
                graph,
                commit,
                &candidates,
                tree_diff,
                paths,
                &mut parent_tree,
            )? {
                Simplified::Changed if candidates.is_empty() && !follow.is_empty() => {
                    let mut all_same = true;
                    for &i in &follow {
                        let one =
                            simplify(graph, commit, &[i], tree_diff, paths, &mut parent_tree)?;
                        all_same &= matches!(one, Simplified::SameAsParent(_));
                    }
                    show = !all_same;
                }
                Simplified::Changed => {}
                Simplified::SameAsParent(i) => {
                    if commit.parents.len() > 1 {
                        self.reduced.insert(commit.id, commit.parents[i]);
                    }
                    follow = vec![i];
                    show = false;
                }
                Simplified::EmptyRoot => show = false,
            }
        }
        Ok((follow, show))
    }

    /// git's `limit_list`: walks until only excluded history is left (plus the slop),
    /// marking everything reachable from excluded commits, and returns the commits to
    /// show in order.
    fn limit(
        &mut self,
        mut uninteresting: IdSet,
    ) -> Result<std::collections::VecDeque<(WalkedCommit, bool)>, WalkError> {
        let mut parents_of: crate::oid::IdMap<Vec<ObjectId>> = Default::default();
        for q in self.queue.iter() {
            parents_of.insert(q.commit.id, q.commit.parents.clone());
        }
        let mut list: Vec<(WalkedCommit, bool, bool)> = Vec::new();
        let mut date = i64::MAX;
        let mut slop = SLOP;
        let mark = |uninteresting: &mut IdSet,
                    parents_of: &crate::oid::IdMap<Vec<ObjectId>>,
                    id: ObjectId| {
            let mut stack = vec![id];
            while let Some(c) = stack.pop() {
                if !uninteresting.insert(c) {
                    continue;
                }
                if let Some(ps) = parents_of.get(&c) {
                    stack.extend(ps.iter().copied());
                }
            }
        };
        while let Some(Queued {
            commit,
            from_graph,
            parent_pos,
            ..
        }) = self.queue.pop()
        {
            if self
                .options
                .max_age
                .is_some_and(|age| commit.commit_time < age)
            {
                uninteresting.insert(commit.id);
            }
            if uninteresting.contains(&commit.id) {
                for (i, &p) in commit.parents.iter().enumerate() {
                    mark(&mut uninteresting, &parents_of, p);
                    if self.seen.insert(p) {
                        let q = self.load(p, parent_pos.get(i).copied())?;
                        parents_of.insert(p, q.commit.parents.clone());
                        for &pp in &q.commit.parents {
                            mark(&mut uninteresting, &parents_of, pp);
                        }
                        self.queue.push(q);
                    }
                }
                // git's still_interesting.
                slop = match self.queue.peek_time() {
                    None => 0,
                    Some(head) if date <= head => SLOP,
                    Some(_)
                        if self
                            .queue
                            .iter()
                            .any(|q| !uninteresting.contains(&q.commit.id)) =>
                    {
                        SLOP
                    }
                    Some(_) => slop - 1,
                };
                if slop == 0 {
                    break;
                }
                continue;
            }
            let (follow, show) = self.follow(&commit, &uninteresting)?;
            for i in follow {
                let p = commit.parents[i];
                if self.seen.insert(p) {
                    let q = self.load(p, parent_pos.get(i).copied())?;
                    parents_of.insert(p, q.commit.parents.clone());
                    self.queue.push(q);
                }
            }
            date = commit.commit_time;
            list.push((commit, from_graph, show));
        }
        Ok(list
            .into_iter()
            .filter(|(c, _, show)| *show && !uninteresting.contains(&c.id))
            .map(|(c, g, _)| (c, g))
            .collect())
    }

    /// The next commit to show, or `None` at the end.
    pub fn next_commit(&mut self) -> Result<Option<WalkedCommit>, WalkError> {
        loop {
            if self.options.max_count.is_some_and(|n| self.shown >= n) {
                return Ok(None);
            }
            let (mut commit, from_graph) = if let Some(e) = self.engine.as_mut() {
                match e.next_commit()? {
                    Some(x) => x,
                    None => return Ok(None),
                }
            } else if let Some(list) = self.sorted.as_mut() {
                match list.pop_front() {
                    Some(c) => (c, false),
                    None => return Ok(None),
                }
            } else if let Some(list) = self.limited.as_mut() {
                match list.pop_front() {
                    Some(x) => x,
                    None => return Ok(None),
                }
            } else {
                let Some(Queued {
                    commit,
                    from_graph,
                    parent_pos,
                    ..
                }) = self.queue.pop()
                else {
                    return Ok(None);
                };
                if self
                    .options
                    .max_age
                    .is_some_and(|age| commit.commit_time < age)
                {
                    continue;
                }
                if self.pathspec.is_none() {
                    // No simplification: every parent (the first with --first-parent).
                    let n = if self.options.first_parent {
                        commit.parents.len().min(1)
                    } else {
                        commit.parents.len()
                    };
                    for (i, &p) in commit.parents[..n].iter().enumerate() {
                        if self.seen.insert(p) {
                            let q = self.load(p, parent_pos.get(i).copied())?;
                            self.queue.push(q);
                        }
                    }
                } else {
                    let (follow, show) = self.follow(&commit, &IdSet::default())?;
                    for i in follow {
                        let p = commit.parents[i];
                        if self.seen.insert(p) {
                            let q = self.load(p, parent_pos.get(i).copied())?;
                            self.queue.push(q);
                        }
                    }
                    if !show {
                        continue;
                    }
                }
                (commit, from_graph)
            };
            if self.options.no_merges && commit.parents.len() > 1 {
                continue;
            }
            if from_graph && !self.options.skip_data {
                // The graph gave the parsed fields; only the bytes are needed.
                let kind = self.repo.odb().read_into(&commit.id, &mut commit.data)?;
                if kind != ObjectKind::Commit {
                    return Err(WalkError::BadCommit {
                        id: commit.id,
                        what: format!("it is a {kind}"),
                    });
                }
            }
            self.shown += 1;
            return Ok(Some(commit));
        }
    }
}

impl Walk<'_> {
    /// The parents of `id` as the walk has left them, if it changed them: history
    /// simplification cuts a merge that has the paths as one parent has them down to
    /// that parent (and the simplification engine rewrites them), which git shows for
    /// commits it lists without having shown them (`--boundary`).
    pub fn current_parents(&self, id: &ObjectId) -> Option<Vec<ObjectId>> {
        match &self.engine {
            Some(e) => e.current_parents(id),
            None => self.reduced.get(id).map(|p| vec![*p]),
        }
    }

    /// `--children`: each commit's children in the walk (only with
    /// [`super::simplify::Simplify::children`]; empty otherwise).
    pub fn children(&self) -> crate::oid::IdMap<Vec<ObjectId>> {
        self.engine
            .as_ref()
            .map(|e| e.children().clone())
            .unwrap_or_default()
    }
}

impl Iterator for Walk<'_> {
    type Item = Result<WalkedCommit, WalkError>;
    fn next(&mut self) -> Option<Self::Item> {
        self.next_commit().transpose()
    }
}

/// Walks history from `starts` in git log's default order, calling `visit` for each shown
/// commit until it returns `false` or `max_count` commits were shown. Parents and commit
/// times come from the commit-graph when there is one.
pub fn walk(
    repo: &Repository,
    starts: &[ObjectId],
    options: &WalkOptions,
    mut visit: impl FnMut(WalkedCommit) -> Result<bool, WalkError>,
) -> Result<(), WalkError> {
    let tips: Vec<Tip> = starts
        .iter()
        .map(|&id| Tip { id, exclude: false })
        .collect();
    let mut w = Walk::new(repo, &tips, options)?;
    while let Some(c) = w.next_commit()? {
        if !visit(c)? {
            break;
        }
    }
    Ok(())
}
