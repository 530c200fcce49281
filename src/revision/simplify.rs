//! git's history simplification for path-limited walks, as `revision.c` does it: the
//! `TREESAME` rules of `try_to_simplify_commit` (default, `--full-history`, `--sparse`,
//! `--show-pulls`), parent rewriting (`--parents`, `--graph`: a parent that is not shown
//! is replaced by its nearest shown ancestors), `--simplify-merges`, `--ancestry-path`,
//! topological orders over the simplified history, `--children`, and
//! `--simplify-by-decoration` (TREESAME decided by decoration, with or without paths).
//!
//! [`Engine`] keeps git's per-commit flags and the parent lists git edits in place, and
//! follows git's two modes: a *limited* walk (`limit_list`: everything first, with
//! excluded commits, `--ancestry-path`, `--simplify-merges`, `--children` or a
//! topological order) and an incremental one that rewrites parents on demand.

use super::walk::{read_queued, Order, Tip, WalkError, WalkOptions, WalkedCommit};
use crate::odb::CommitGraph;
use crate::oid::{IdMap, ObjectId};
use crate::repo::Repository;
use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};

/// The history simplification options of a path-limited walk (git's defaults when all
/// are off: `simplify_history` and `dense`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Simplify {
    /// `--full-history` (also implied by `-m`, `--simplify-merges`, `--ancestry-path`):
    /// merges are not simplified to one TREESAME parent.
    pub full_history: bool,
    /// `--sparse`: every commit walked is shown, not only those changing the paths.
    pub sparse: bool,
    /// Parent rewriting (`--parents`, `--graph`, `--simplify-merges`).
    pub rewrite_parents: bool,
    /// `--simplify-merges`.
    pub simplify_merges: bool,
    /// `--ancestry-path` without a commit: the excluded tips are the bottoms.
    pub ancestry_path: bool,
    /// `--ancestry-path=<commit>`: these commits are bottoms.
    pub ancestry_commits: Vec<ObjectId>,
    /// `--show-pulls`: merges TREESAME to a later parent but not the first are shown.
    pub show_pulls: bool,
    /// `--children`: the walk is limited and [`Engine::children`] answers.
    pub children: bool,
    /// `--max-parents`/`--no-merges` when parents are rewritten: commits with more
    /// parents are not shown, counted before rewriting as git does.
    pub max_parents: Option<usize>,
    /// `--min-parents`/`--merges` when parents are rewritten: commits with fewer parents
    /// are not shown, counted before rewriting.
    pub min_parents: usize,
    /// `--simplify-by-decoration` (with [`Simplify::simplify_merges`] and parent
    /// rewriting, as git sets them): the decorated objects. A commit is TREESAME to a
    /// parent unless it is decorated (or, with paths, changes them), as git's
    /// `rev_compare_tree` decides; the walk is simplified even without paths.
    pub decorated: Option<std::sync::Arc<crate::oid::IdSet>>,
}

impl Simplify {
    /// Whether any option differs from git's default simplification.
    pub fn is_default(&self) -> bool {
        *self == Simplify::default()
    }

    /// `--ancestry-path`, with or without commits.
    pub fn ancestry(&self) -> bool {
        self.ancestry_path || !self.ancestry_commits.is_empty()
    }

    /// git's `simplify_history`.
    fn simplify_history(&self) -> bool {
        !(self.full_history || self.simplify_merges || self.ancestry())
    }

    /// git's `want_ancestry`.
    fn want_ancestry(&self) -> bool {
        self.rewrite_parents || self.simplify_merges || self.children
    }
}

const SEEN: u16 = 1;
const ADDED: u16 = 1 << 1;
const UNINTERESTING: u16 = 1 << 2;
const TREESAME: u16 = 1 << 3;
const PULL_MERGE: u16 = 1 << 4;
const BOTTOM: u16 = 1 << 5;
const ANCESTRY_PATH: u16 = 1 << 6;
const TMP_MARK: u16 = 1 << 7;

/// A parsed commit: its parents as git edits them, and whether the commit-graph gave it.
struct Node {
    commit: WalkedCommit,
    from_graph: bool,
    /// git's per-parent `treesame[]` decoration.
    treesame: Option<Vec<bool>>,
}

/// What `rewrite_one` found for one parent.
enum Rewrite {
    To(ObjectId),
    NoParents,
}

/// A path-limited walk with git's history simplification (see the module docs).
pub struct Engine<'r> {
    repo: &'r Repository,
    graph: Option<&'r CommitGraph>,
    grafts: super::grafts::Grafts,
    tree_diff: crate::diff::TreeDiff<'r>,
    opts: WalkOptions,
    s: Simplify,
    flags: IdMap<u16>,
    nodes: IdMap<Node>,
    /// git's `revs->commits` while walking: newest first, then first queued.
    queue: BinaryHeap<(i64, Reverse<u64>, ObjectId)>,
    seq: u64,
    limited: bool,
    /// The commits to consider in order, once computed (limited or sorted walks).
    list: Option<VecDeque<ObjectId>>,
    /// `--children`: per commit, its children in the walk (git's order).
    children: IdMap<Vec<ObjectId>>,
    /// `--simplify-merges`: what each commit simplifies to.
    simplified: IdMap<ObjectId>,
    /// git's per-pathspec TREESAME decoration is kept (`revs->treesame.name`).
    keep_treesame: bool,
    /// The parents of commits given with rewritten parents, as they were before (what
    /// git still has for a commit it never reached, past `-n`).
    before_rewrite: IdMap<Vec<ObjectId>>,
}

impl<'r> Engine<'r> {
    /// Whether `options` need this engine rather than the plain walk: paths with
    /// simplification options other than git's default, or a topological order.
    pub fn wanted(options: &WalkOptions) -> bool {
        let s = &options.simplify;
        if options.paths.is_empty() {
            // Without paths nothing is simplified (git's `prune` is off) but by
            // decoration.
            s.ancestry() || s.children || s.decorated.is_some()
        } else {
            !s.is_default() || options.order != Order::Date
        }
    }

    /// Prepares the walk (git's `prepare_revision_walk`): for a limited walk, everything
    /// up to the first commit shown.
    pub fn new(
        repo: &'r Repository,
        tips: &[Tip],
        options: &WalkOptions,
    ) -> Result<Engine<'r>, WalkError> {
        let graph = super::walk::usable_commit_graph(repo);
        let tree_diff = crate::diff::TreeDiff::new(
            repo.odb(),
            crate::diff::TreeDiffOptions {
                pathspec: crate::diff::Pathspec::new(options.paths.iter().cloned()),
                ..Default::default()
            },
        );
        let s = options.simplify.clone();
        let any_excluded = tips.iter().any(|t| t.exclude);
        let topo = options.order != Order::Date;
        let limited = any_excluded
            || s.simplify_merges
            || s.ancestry()
            || s.children
            || (topo && graph.is_none());
        let mut e = Engine {
            repo,
            graph,
            grafts: super::grafts::Grafts::load(repo),
            tree_diff,
            opts: options.clone(),
            s,
            flags: IdMap::default(),
            nodes: IdMap::default(),
            queue: BinaryHeap::new(),
            seq: 0,
            limited,
            list: None,
            children: IdMap::default(),
            simplified: IdMap::default(),
            keep_treesame: false,
            before_rewrite: IdMap::default(),
        };
        let can_increase = e.limiting_can_increase_treesame();
        e.keep_treesame = e.s.simplify_merges || (limited && can_increase);
        for c in e.s.ancestry_commits.clone() {
            e.set(c, ANCESTRY_PATH);
        }
        // handle_commit: excluded tips mark their parents; then the tips in date order.
        for t in tips {
            e.parse(t.id)?;
            if t.exclude {
                e.set(t.id, UNINTERESTING | BOTTOM);
                e.mark_parents_uninteresting(t.id)?;
            }
        }
        for t in tips {
            if e.flag(t.id) & SEEN == 0 {
                e.set(t.id, SEEN);
                e.push(t.id);
            }
        }
        if limited {
            let mut bottoms: Vec<ObjectId> = Vec::new();
            if e.s.ancestry_path {
                // collect_bottom_commits (order does not matter to its use).
                for t in tips {
                    if e.flag(t.id) & BOTTOM != 0 && !bottoms.contains(&t.id) {
                        bottoms.push(t.id);
                    }
                }
            }
            bottoms.extend(e.s.ancestry_commits.iter().copied());
            if e.s.ancestry_path && bottoms.is_empty() {
                return Err(WalkError::Usage(
                    "--ancestry-path given but there are no bottom commits".into(),
                ));
            }
            let mut list = e.limit_list(&bottoms)?;
            if topo {
                list = e.topo_sort(list);
            }
            if e.s.simplify_merges && e.prune() {
                list = e.simplify_merges(list)?;
            }
            if e.s.children {
                for &c in &list {
                    for p in e.parents(c) {
                        e.children.entry(p).or_default().insert(0, c);
                    }
                }
            }
            e.list = Some(list.into());
        } else if topo {
            // git's generation-number topological walk: every commit reached, sorted
            // over the simplified parents.
            let mut all = Vec::new();
            while let Some((_, _, id)) = e.queue.pop() {
                if e.too_old(id) {
                    continue;
                }
                e.process_parents(id)?;
                all.push(id);
            }
            let sorted = e.topo_sort(all);
            e.list = Some(sorted.into());
        }
        Ok(e)
    }

    /// `--children`: each walked commit's children among the walked commits (in git's
    /// order: the last listed first).
    pub fn children(&self) -> &IdMap<Vec<ObjectId>> {
        &self.children
    }

    /// The parents of `id` as simplification left them, before any rewriting for
    /// showing it (`None`: not read).
    pub fn current_parents(&self, id: &ObjectId) -> Option<Vec<ObjectId>> {
        if let Some(p) = self.before_rewrite.get(id) {
            return Some(p.clone());
        }
        self.nodes.get(id).map(|n| n.commit.parents.clone())
    }

    fn flag(&self, id: ObjectId) -> u16 {
        self.flags.get(&id).copied().unwrap_or(0)
    }

    fn set(&mut self, id: ObjectId, f: u16) {
        *self.flags.entry(id).or_default() |= f;
    }

    fn clear(&mut self, id: ObjectId, f: u16) {
        if let Some(v) = self.flags.get_mut(&id) {
            *v &= !f;
        }
    }

    fn relevant(&self, id: ObjectId) -> bool {
        self.flag(id) & (UNINTERESTING | BOTTOM) != UNINTERESTING
    }

    fn too_old(&self, id: ObjectId) -> bool {
        let t = self.nodes.get(&id).map_or(0, |n| n.commit.commit_time);
        self.opts.max_age.is_some_and(|age| t < age)
    }

    fn limiting_can_increase_treesame(&self) -> bool {
        self.prune() && !self.s.sparse && !self.s.simplify_history() && !self.opts.first_parent
    }

    /// git's `prune`: the walk has paths, or simplifies by decoration.
    fn prune(&self) -> bool {
        !self.opts.paths.is_empty() || self.s.decorated.is_some()
    }

    /// Parses `id` (once): its parents and tree.
    fn parse(&mut self, id: ObjectId) -> Result<(), WalkError> {
        if self.nodes.contains_key(&id) {
            return Ok(());
        }
        let q = read_queued(self.repo, self.graph, &self.grafts, id, None)?;
        self.nodes.insert(
            id,
            Node {
                commit: q.commit,
                from_graph: q.from_graph,
                treesame: None,
            },
        );
        Ok(())
    }

    fn parents(&self, id: ObjectId) -> Vec<ObjectId> {
        self.nodes
            .get(&id)
            .map_or_else(Vec::new, |n| n.commit.parents.clone())
    }

    fn parents_mut(&mut self, id: ObjectId) -> &mut Vec<ObjectId> {
        &mut self.nodes.get_mut(&id).expect("parsed").commit.parents
    }

    fn push(&mut self, id: ObjectId) {
        let t = self.nodes.get(&id).map_or(0, |n| n.commit.commit_time);
        self.queue.push((t, Reverse(self.seq), id));
        self.seq += 1;
    }

    /// git's `mark_parents_uninteresting`: through the parents of parsed commits.
    fn mark_parents_uninteresting(&mut self, id: ObjectId) -> Result<(), WalkError> {
        let mut stack: Vec<ObjectId> = Vec::new();
        let one = |e: &mut Engine<'_>, c: ObjectId, stack: &mut Vec<ObjectId>| {
            if e.flag(c) & UNINTERESTING != 0 {
                return;
            }
            e.set(c, UNINTERESTING);
            stack.extend(e.parents(c));
        };
        for p in self.parents(id) {
            one(self, p, &mut stack);
        }
        while let Some(c) = stack.pop() {
            one(self, c, &mut stack);
        }
        Ok(())
    }

    /// Whether the paths are the same in `parent` (or the empty tree) and `commit`; by
    /// decoration (against a parent), a decorated commit differs and, without paths, any
    /// other is the same (git's `rev_compare_tree`; a root is still compared with the
    /// empty tree, as `rev_same_tree_as_empty` does).
    fn same(&mut self, parent: Option<ObjectId>, commit: ObjectId) -> Result<bool, WalkError> {
        if let (Some(_), Some(d)) = (parent, &self.s.decorated) {
            if d.contains(&commit) {
                return Ok(false);
            }
            if self.opts.paths.is_empty() {
                return Ok(true);
            }
        }
        let new = self.nodes[&commit].commit.tree;
        let old = parent.map(|p| self.nodes[&p].commit.tree);
        let changed = self
            .tree_diff
            .has_changes(old.as_ref(), Some(&new))
            .map_err(|e| WalkError::BadCommit {
                id: commit,
                what: e.to_string(),
            })?;
        Ok(!changed)
    }

    /// git's `try_to_simplify_commit`.
    fn try_to_simplify(&mut self, id: ObjectId) -> Result<(), WalkError> {
        if !self.prune() {
            return Ok(());
        }
        let parents = self.parents(id);
        if parents.is_empty() {
            if self.same(None, id)? {
                self.set(id, TREESAME);
            }
            return Ok(());
        }
        if self.s.sparse && parents.len() == 1 {
            return Ok(());
        }
        let simplify_history = self.s.simplify_history();
        let (mut relevant_change, mut irrelevant_change) = (false, false);
        let mut relevant_parents = 0;
        let mut ts: Option<Vec<bool>> = None;
        for (n, &p) in parents.iter().enumerate() {
            if self.relevant(p) {
                relevant_parents += 1;
            }
            if n == 1 {
                if self.opts.first_parent {
                    break;
                }
                if self.keep_treesame && !simplify_history && self.flag(id) & UNINTERESTING == 0 {
                    let mut v = vec![false; parents.len()];
                    v[0] = !(irrelevant_change || relevant_change);
                    ts = Some(v);
                }
            }
            self.parse(p)?;
            if self.same(Some(p), id)? {
                if !simplify_history || !self.relevant(p) {
                    if let Some(v) = ts.as_mut() {
                        v[n] = true;
                    }
                    continue;
                }
                *self.parents_mut(id) = vec![p];
                if !self.s.show_pulls || n == 0 {
                    self.set(id, TREESAME);
                }
                return Ok(());
            }
            if self.relevant(p) {
                relevant_change = true;
            } else {
                irrelevant_change = true;
            }
            if n == 0 {
                self.set(id, PULL_MERGE);
            }
        }
        if ts.is_some() {
            self.nodes.get_mut(&id).expect("parsed").treesame = ts;
        }
        let same = if relevant_parents > 0 {
            !relevant_change
        } else {
            !irrelevant_change
        };
        if same {
            self.set(id, TREESAME);
        }
        Ok(())
    }

    /// git's `process_parents` (queueing new parents on the walk's queue).
    fn process_parents(&mut self, id: ObjectId) -> Result<(), WalkError> {
        if self.flag(id) & ADDED != 0 {
            return Ok(());
        }
        self.set(id, ADDED);
        self.parse(id)?;
        if self.flag(id) & UNINTERESTING != 0 {
            for p in self.parents(id) {
                self.set(p, UNINTERESTING);
                self.parse(p)?;
                if !self.parents(p).is_empty() {
                    self.mark_parents_uninteresting(p)?;
                }
                if self.flag(p) & SEEN != 0 {
                    continue;
                }
                self.set(p, SEEN);
                self.push(p);
            }
            return Ok(());
        }
        self.try_to_simplify(id)?;
        let pass = self.flag(id) & ANCESTRY_PATH;
        for p in self.parents(id) {
            self.parse(p)?;
            self.set(p, pass);
            if self.flag(p) & SEEN == 0 {
                self.set(p, SEEN);
                self.push(p);
            }
            if self.opts.first_parent {
                break;
            }
        }
        Ok(())
    }

    /// git's `limit_list`: the interesting commits in walk order.
    fn limit_list(&mut self, bottoms: &[ObjectId]) -> Result<Vec<ObjectId>, WalkError> {
        const SLOP: u32 = 5;
        let mut slop = SLOP;
        let mut date = i64::MAX;
        let mut list = Vec::new();
        while let Some((_, _, id)) = self.queue.pop() {
            if self.too_old(id) {
                self.set(id, UNINTERESTING);
            }
            self.process_parents(id)?;
            if self.flag(id) & UNINTERESTING != 0 {
                self.mark_parents_uninteresting(id)?;
                // still_interesting.
                slop = match self.queue.peek() {
                    None => 0,
                    Some(&(t, _, _)) if date <= t => SLOP,
                    Some(_)
                        if self
                            .queue
                            .iter()
                            .any(|&(_, _, c)| self.flag(c) & UNINTERESTING == 0) =>
                    {
                        SLOP
                    }
                    Some(_) => slop - 1,
                };
                if slop > 0 {
                    continue;
                }
                break;
            }
            let t = self.nodes[&id].commit.commit_time;
            if self.opts.min_age.is_some_and(|m| t > m) {
                continue;
            }
            date = t;
            list.push(id);
        }
        if self.s.ancestry() {
            self.limit_to_ancestry(bottoms, &list);
        }
        if self.limiting_can_increase_treesame() {
            for &c in &list {
                if self.flag(c) & (UNINTERESTING | TREESAME) == 0 {
                    self.update_treesame(c);
                }
            }
        }
        Ok(list)
    }

    /// git's `limit_to_ancestry`.
    fn limit_to_ancestry(&mut self, bottoms: &[ObjectId], list: &[ObjectId]) {
        for &b in bottoms {
            self.set(b, TMP_MARK);
        }
        loop {
            let mut progress = false;
            for &c in list.iter().rev() {
                if self.flag(c) & (TMP_MARK | UNINTERESTING) != 0 {
                    continue;
                }
                if self
                    .parents(c)
                    .iter()
                    .any(|&p| self.flag(p) & TMP_MARK != 0)
                {
                    self.set(c, TMP_MARK);
                    progress = true;
                }
            }
            if !progress {
                break;
            }
        }
        for &c in list {
            if self.flag(c) & (TMP_MARK | ANCESTRY_PATH) == 0 {
                self.set(c, UNINTERESTING);
            }
        }
        for &c in list.iter().chain(bottoms) {
            self.clear(c, TMP_MARK | ANCESTRY_PATH);
        }
    }

    /// git's `update_treesame`: a merge's TREESAME from its per-parent decoration.
    fn update_treesame(&mut self, id: ObjectId) -> bool {
        let parents = self.parents(id);
        if parents.len() > 1 {
            let Some(ts) = self.nodes[&id].treesame.clone() else {
                return self.flag(id) & TREESAME != 0;
            };
            let (mut rel_parents, mut rel_change, mut irr_change) = (0, false, false);
            for (n, &p) in parents.iter().enumerate() {
                let same = ts.get(n).copied().unwrap_or(false);
                if self.relevant(p) {
                    rel_change |= !same;
                    rel_parents += 1;
                } else {
                    irr_change |= !same;
                }
            }
            let changed = if rel_parents > 0 {
                rel_change
            } else {
                irr_change
            };
            if changed {
                self.clear(id, TREESAME);
            } else {
                self.set(id, TREESAME);
            }
        }
        self.flag(id) & TREESAME != 0
    }

    /// git's `compact_treesame`, after parent `n` of `id` was removed.
    fn compact_treesame(&mut self, id: ObjectId, n: usize) {
        let dense = !self.s.sparse;
        let node = self.nodes.get_mut(&id).expect("parsed");
        if node.commit.parents.is_empty() {
            self.clear(id, TREESAME);
            return;
        }
        let Some(ts) = node.treesame.as_mut() else {
            return;
        };
        if n < ts.len() {
            ts.remove(n);
        }
        if ts.len() == 1 {
            let same = ts[0] && dense;
            node.treesame = None;
            if same {
                self.set(id, TREESAME);
            } else {
                self.clear(id, TREESAME);
            }
        }
    }

    /// git's `remove_duplicate_parents`; returns how many parents are left.
    fn remove_duplicate_parents(&mut self, id: ObjectId) -> usize {
        let parents = self.parents(id);
        let mut kept: Vec<ObjectId> = Vec::with_capacity(parents.len());
        let mut removed = Vec::new();
        for p in parents {
            if kept.contains(&p) {
                removed.push(kept.len());
            } else {
                kept.push(p);
            }
        }
        let n = kept.len();
        *self.parents_mut(id) = kept;
        let has_ts = self.nodes[&id].treesame.is_some();
        for at in removed {
            if has_ts {
                self.compact_treesame(id, at);
            }
        }
        n
    }

    /// git's `one_relevant_parent`.
    fn one_relevant_parent(&self, parents: &[ObjectId]) -> Option<ObjectId> {
        if parents.is_empty() {
            return None;
        }
        if self.opts.first_parent || parents.len() == 1 {
            return Some(parents[0]);
        }
        let mut found = None;
        for &p in parents {
            if self.relevant(p) {
                if found.is_some() {
                    return None;
                }
                found = Some(p);
            }
        }
        found
    }

    /// git's `rewrite_one`.
    fn rewrite_one(&mut self, mut p: ObjectId) -> Result<Rewrite, WalkError> {
        loop {
            if !self.limited {
                self.process_parents(p)?;
            }
            let f = self.flag(p);
            if f & UNINTERESTING != 0 || f & TREESAME == 0 {
                return Ok(Rewrite::To(p));
            }
            let parents = self.parents(p);
            if parents.is_empty() {
                return Ok(Rewrite::NoParents);
            }
            match self.one_relevant_parent(&parents) {
                Some(q) => p = q,
                None => return Ok(Rewrite::To(p)),
            }
        }
    }

    /// git's `rewrite_parents`.
    fn rewrite_parents(&mut self, id: ObjectId) -> Result<(), WalkError> {
        let mut out = Vec::new();
        for (i, p) in self.parents(id).into_iter().enumerate() {
            // With --first-parent git rewrites only the first parent.
            if i > 0 && self.opts.first_parent {
                out.push(p);
                continue;
            }
            if let Rewrite::To(q) = self.rewrite_one(p)? {
                out.push(q);
            }
        }
        *self.parents_mut(id) = out;
        self.remove_duplicate_parents(id);
        Ok(())
    }

    /// The structural part of git's `get_commit_action`: whether `id` is shown (the
    /// commit filters are applied by the caller).
    fn shown(&self, id: ObjectId) -> bool {
        let f = self.flag(id);
        if f & UNINTERESTING != 0 {
            return false;
        }
        if !self.s.sparse && f & TREESAME != 0 {
            if !self.s.want_ancestry() {
                return false;
            }
            if self.s.show_pulls && f & PULL_MERGE != 0 {
                return true;
            }
            let relevant = self
                .parents(id)
                .iter()
                .filter(|&&p| self.relevant(p))
                .count();
            return relevant >= 2;
        }
        true
    }

    /// git's `sort_in_topological_order` over the current parents.
    fn topo_sort(&self, list: Vec<ObjectId>) -> Vec<ObjectId> {
        let commits: Vec<WalkedCommit> = list
            .iter()
            .map(|id| {
                let c = &self.nodes[id].commit;
                WalkedCommit {
                    id: c.id,
                    parents: c.parents.clone(),
                    tree: c.tree,
                    commit_time: c.commit_time,
                    data: Vec::new(),
                }
            })
            .collect();
        super::walk::topo_sort(commits, self.opts.order, false)
            .into_iter()
            .map(|c| c.id)
            .collect()
    }

    /// Whether `a` is reachable from `b` through the current parents.
    fn reaches(&mut self, from: ObjectId, to: ObjectId) -> Result<bool, WalkError> {
        let mut seen = crate::oid::IdSet::default();
        let mut stack = vec![from];
        while let Some(c) = stack.pop() {
            if c == to {
                return Ok(true);
            }
            if !seen.insert(c) {
                continue;
            }
            self.parse(c)?;
            stack.extend(self.parents(c));
        }
        Ok(false)
    }

    /// git's `reduce_heads` of `id`'s parents: which of them (in order) are kept.
    fn reduce_heads(&mut self, parents: &[ObjectId]) -> Result<Vec<bool>, WalkError> {
        let mut keep = vec![true; parents.len()];
        for i in 0..parents.len() {
            if parents[..i].contains(&parents[i]) {
                keep[i] = false;
            }
        }
        for i in 0..parents.len() {
            if !keep[i] {
                continue;
            }
            for j in 0..parents.len() {
                if i != j && keep[j] && parents[i] != parents[j] {
                    // Is parents[i] an ancestor of parents[j]?
                    if self.reaches(parents[j], parents[i])? {
                        keep[i] = false;
                        break;
                    }
                }
            }
        }
        Ok(keep)
    }

    /// git's `simplify_merges` over the sorted list.
    fn simplify_merges(&mut self, list: Vec<ObjectId>) -> Result<Vec<ObjectId>, WalkError> {
        let mut yet: Vec<ObjectId> = list.iter().rev().copied().collect();
        while !yet.is_empty() {
            let todo = std::mem::take(&mut yet);
            for c in todo {
                self.simplify_one(c, &mut yet)?;
            }
        }
        Ok(list
            .into_iter()
            .filter(|c| self.simplified.get(c) == Some(c))
            .collect())
    }

    /// git's `simplify_one`.
    fn simplify_one(&mut self, id: ObjectId, tail: &mut Vec<ObjectId>) -> Result<(), WalkError> {
        if self.simplified.contains_key(&id) {
            return Ok(());
        }
        self.parse(id)?;
        if self.flag(id) & UNINTERESTING != 0 || self.parents(id).is_empty() {
            self.simplified.insert(id, id);
            return Ok(());
        }
        let parents = self.parents(id);
        let mut cnt = 0;
        for &p in &parents {
            if !self.simplified.contains_key(&p) {
                tail.push(p);
                cnt += 1;
            }
            if self.opts.first_parent {
                break;
            }
        }
        if cnt > 0 {
            tail.push(id);
            return Ok(());
        }
        {
            let simplified = &self.simplified;
            let first_parent = self.opts.first_parent;
            let ps = &mut self.nodes.get_mut(&id).expect("parsed").commit.parents;
            for (i, p) in ps.iter_mut().enumerate() {
                if first_parent && i > 0 {
                    break;
                }
                *p = simplified[p];
            }
        }
        let mut cnt = if self.opts.first_parent {
            1
        } else {
            self.remove_duplicate_parents(id)
        };
        if cnt > 1 {
            let parents = self.parents(id);
            let keep = self.reduce_heads(&parents)?;
            let mut marked = 0;
            for (p, k) in parents.iter().zip(&keep) {
                if !k {
                    self.set(*p, TMP_MARK);
                    marked += 1;
                }
            }
            // mark_treesame_root_parents.
            for &p in &parents {
                self.parse(p)?;
                if self.parents(p).is_empty() && self.flag(p) & TREESAME != 0 {
                    self.set(p, TMP_MARK);
                    marked += 1;
                }
            }
            if marked > 0 && self.leave_one_treesame_to_parent(id) {
                marked -= 1;
            }
            if marked > 0 {
                cnt = self.remove_marked_parents(id);
            }
        }
        let parents = self.parents(id);
        let f = self.flag(id);
        let to = if cnt == 0
            || f & UNINTERESTING != 0
            || f & TREESAME == 0
            || (self.s.show_pulls && f & PULL_MERGE != 0)
        {
            id
        } else {
            match self.one_relevant_parent(&parents) {
                Some(p) => self.simplified.get(&p).copied().unwrap_or(p),
                None => id,
            }
        };
        self.simplified.insert(id, to);
        Ok(())
    }

    /// git's `leave_one_treesame_to_parent`.
    fn leave_one_treesame_to_parent(&mut self, id: ObjectId) -> bool {
        let parents = self.parents(id);
        let ts = self.nodes[&id].treesame.clone().unwrap_or_default();
        let (mut unmarked, mut marked) = (None, None);
        for (n, &p) in parents.iter().enumerate() {
            if ts.get(n).copied().unwrap_or(false) {
                if self.flag(p) & TMP_MARK != 0 {
                    if marked.is_none() {
                        marked = Some(p);
                    }
                } else {
                    unmarked = Some(p);
                    break;
                }
            }
        }
        match (unmarked, marked) {
            (None, Some(m)) => {
                self.clear(m, TMP_MARK);
                true
            }
            _ => false,
        }
    }

    /// git's `remove_marked_parents`; returns how many parents are left.
    fn remove_marked_parents(&mut self, id: ObjectId) -> usize {
        let parents = self.parents(id);
        let mut kept = Vec::new();
        let mut removed = Vec::new();
        for p in parents {
            if self.flag(p) & TMP_MARK != 0 {
                self.clear(p, TMP_MARK);
                removed.push(kept.len());
            } else {
                kept.push(p);
            }
        }
        let n = kept.len();
        *self.parents_mut(id) = kept;
        for at in &removed {
            self.compact_treesame(id, *at);
        }
        if !removed.is_empty() && self.flag(id) & TREESAME == 0 {
            self.update_treesame(id);
        }
        n
    }

    /// The next commit to show (git's `get_revision_1` without the commit filters), its
    /// parents rewritten when parent rewriting is on; whether the commit-graph gave it.
    pub fn next_commit(&mut self) -> Result<Option<(WalkedCommit, bool)>, WalkError> {
        loop {
            let id = match self.list.as_mut() {
                Some(list) => match list.pop_front() {
                    Some(id) => id,
                    None => return Ok(None),
                },
                None => {
                    let Some((_, _, id)) = self.queue.pop() else {
                        return Ok(None);
                    };
                    self.parse(id)?;
                    if self.too_old(id) {
                        continue;
                    }
                    self.process_parents(id)?;
                    id
                }
            };
            if !self.shown(id) {
                continue;
            }
            let n = self.parents(id).len();
            if self.s.max_parents.is_some_and(|m| n > m) || n < self.s.min_parents {
                continue;
            }
            if self.prune() && !self.s.sparse && self.s.want_ancestry() {
                let before = self.parents(id);
                self.rewrite_parents(id)?;
                if self.parents(id) != before {
                    self.before_rewrite.insert(id, before);
                }
            }
            let n = &self.nodes[&id];
            return Ok(Some((n.commit.clone(), n.from_graph)));
        }
    }
}
