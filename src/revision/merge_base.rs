//! Merge bases: the best common ancestors of commits, found with git's paint walk
//! (`paint_down_to_common`) ordered by generation number and commit date, reading
//! parents and dates from the commit-graph when one is present.

use crate::object::{Commit, ObjectKind, ParseError, Tag};
use crate::odb::CommitGraph;
use crate::odb::{Odb, OdbError};
use crate::oid::ObjectId;
use crate::repo::Repository;
use std::collections::BinaryHeap;

/// Why merge bases could not be computed.
#[derive(Debug, thiserror::Error)]
pub enum MergeBaseError {
    /// An object could not be read.
    #[error(transparent)]
    Odb(#[from] OdbError),
    /// A commit or tag is malformed.
    #[error("object {id}: {source}")]
    Parse {
        /// The malformed object.
        id: ObjectId,
        /// What is wrong with it.
        source: ParseError,
    },
    /// An object does not peel to a commit.
    #[error("object {0} is not a commit")]
    NotACommit(ObjectId),
    /// A tag's `type` line names another kind than the object it points at has (git
    /// refuses to read such an object).
    #[error("bad object {0}")]
    TagTypeMismatch(ObjectId),
}

/// git's "generation infinity": commits outside the commit-graph.
const GENERATION_INFINITY: u64 = u64::MAX;

const PARENT1: u8 = 1;
const PARENT2: u8 = 2;
const STALE: u8 = 4;
const RESULT: u8 = 8;

#[derive(Debug)]
struct Node {
    id: ObjectId,
    parents: Option<Vec<usize>>,
    date: i64,
    generation: u64,
    flags: u8,
}

/// A commit walker over one repository: loads commits on demand (from the commit-graph
/// when possible, with the repository's grafts and shallow commits applied) and keeps
/// per-commit flags for the walks.
pub struct CommitWalker<'r> {
    odb: &'r Odb,
    graph: Option<&'r CommitGraph>,
    nodes: Vec<Node>,
    index: crate::oid::IdMap<usize>,
    buf: Vec<u8>,
    grafts: super::grafts::Grafts,
}

/// Priority-queue entry: larger pops first; ties pop in insertion order.
#[derive(PartialEq, Eq, PartialOrd, Ord)]
struct QueueItem {
    generation: u64,
    date: i64,
    order: std::cmp::Reverse<u64>,
    node: usize,
}

impl<'r> CommitWalker<'r> {
    /// A walker for `repo`, using its commit-graph unless `core.commitGraph` is false or
    /// the graph is unreadable (then commits are read from objects).
    pub fn new(repo: &'r Repository) -> CommitWalker<'r> {
        let mut w = CommitWalker::with_graph(repo.odb(), super::walk::usable_commit_graph(repo));
        w.grafts = super::grafts::Grafts::load(repo);
        w
    }

    /// A walker over `odb` with an explicit (optional) commit-graph, without grafts.
    pub fn with_graph(odb: &'r Odb, graph: Option<&'r CommitGraph>) -> CommitWalker<'r> {
        CommitWalker {
            odb,
            graph,
            nodes: Vec::new(),
            index: crate::oid::IdMap::default(),
            buf: Vec::new(),
            grafts: super::grafts::Grafts::default(),
        }
    }

    /// Peels `id` (a commit or a tag pointing at one) to a commit id.
    pub fn peel_to_commit(&mut self, id: &ObjectId) -> Result<ObjectId, MergeBaseError> {
        let mut id = *id;
        // The kind the tag that led here claims (git refuses a tag whose `type` lies).
        let mut declared = None;
        for _ in 0..64 {
            if declared.is_none() && self.graph.is_some_and(|g| g.lookup(&id).is_some()) {
                return Ok(id);
            }
            let kind = self.odb.read_into(&id, &mut self.buf)?;
            if declared.take().is_some_and(|d| d != kind) {
                return Err(MergeBaseError::TagTypeMismatch(id));
            }
            match kind {
                ObjectKind::Commit => return Ok(id),
                ObjectKind::Tag => {
                    let t = Tag::parse(&self.buf)
                        .map_err(|source| MergeBaseError::Parse { id, source })?;
                    declared = Some(t.target_kind);
                    id = t.object;
                }
                _ => return Err(MergeBaseError::NotACommit(id)),
            }
        }
        Err(MergeBaseError::NotACommit(id))
    }

    /// The node index of commit `id` (not yet parsed).
    fn node(&mut self, id: ObjectId) -> usize {
        if let Some(&i) = self.index.get(&id) {
            return i;
        }
        self.nodes.push(Node {
            id,
            parents: None,
            date: 0,
            generation: GENERATION_INFINITY,
            flags: 0,
        });
        self.index.insert(id, self.nodes.len() - 1);
        self.nodes.len() - 1
    }

    /// Loads parents, date and generation of node `i`.
    fn parse(&mut self, i: usize) -> Result<(), MergeBaseError> {
        if self.nodes[i].parents.is_some() {
            return Ok(());
        }
        let id = self.nodes[i].id;
        let from_graph = self
            .graph
            .as_ref()
            .and_then(|g| g.lookup(&id).and_then(|pos| g.commit(pos)))
            .and_then(|c| {
                let g = self.graph?;
                let ids: Option<Vec<ObjectId>> = c.parents.iter().map(|&p| g.id_at(p)).collect();
                Some((ids?, c.date, c.generation))
            });
        let (mut parent_ids, date, generation) = match from_graph {
            Some(x) => x,
            None => {
                let kind = self.odb.read_into(&id, &mut self.buf)?;
                if kind != ObjectKind::Commit {
                    return Err(MergeBaseError::NotACommit(id));
                }
                let c = Commit::parse(&self.buf)
                    .map_err(|source| MergeBaseError::Parse { id, source })?;
                let date = c.committer_signature().map_or(0, |s| s.time);
                (c.parents, date, GENERATION_INFINITY)
            }
        };
        // Grafted and shallow commits have the parents git gives them.
        self.grafts.apply(&id, &mut parent_ids);
        let parents = parent_ids.into_iter().map(|p| self.node(p)).collect();
        let n = &mut self.nodes[i];
        n.parents = Some(parents);
        n.date = date;
        n.generation = generation;
        Ok(())
    }

    fn clear_flags(&mut self) {
        for n in &mut self.nodes {
            n.flags = 0;
        }
    }

    /// git's `paint_down_to_common`: the commits reachable from `one` and from one of
    /// `twos` that are not ancestors of another such commit found first, newest first.
    fn paint(
        &mut self,
        one: usize,
        twos: &[usize],
        min_generation: u64,
    ) -> Result<Vec<usize>, MergeBaseError> {
        let by_gen = min_generation > 0 || self.graph.is_some_and(|g| g.has_corrected_dates());
        let mut heap = BinaryHeap::new();
        let mut counter = 0u64;
        let mut push = |w: &Self, heap: &mut BinaryHeap<QueueItem>, i: usize| {
            let n = &w.nodes[i];
            heap.push(QueueItem {
                generation: if by_gen { n.generation } else { 0 },
                date: n.date,
                order: std::cmp::Reverse(counter),
                node: i,
            });
            counter += 1;
        };
        self.parse(one)?;
        self.nodes[one].flags |= PARENT1;
        push(self, &mut heap, one);
        for &t in twos {
            self.parse(t)?;
            self.nodes[t].flags |= PARENT2;
            push(self, &mut heap, t);
        }
        let mut result: Vec<usize> = Vec::new();
        while heap.iter().any(|q| self.nodes[q.node].flags & STALE == 0) {
            let Some(item) = heap.pop() else { break };
            let c = item.node;
            if self.nodes[c].generation < min_generation {
                break;
            }
            let mut flags = self.nodes[c].flags & (PARENT1 | PARENT2 | STALE);
            if flags == PARENT1 | PARENT2 {
                if self.nodes[c].flags & RESULT == 0 {
                    self.nodes[c].flags |= RESULT;
                    insert_by_date(&self.nodes, &mut result, c);
                }
                flags |= STALE;
            }
            let count = self.nodes[c].parents.as_ref().map_or(0, Vec::len);
            for k in 0..count {
                let p = self.nodes[c].parents.as_ref().map_or(c, |ps| ps[k]);
                if self.nodes[p].flags & flags == flags {
                    continue;
                }
                self.parse(p)?;
                self.nodes[p].flags |= flags;
                push(self, &mut heap, p);
            }
        }
        Ok(result)
    }

    /// All merge bases of `one` with `twos` (git's `get_merge_bases_many`), newest first.
    pub fn merge_bases(
        &mut self,
        one: &ObjectId,
        twos: &[ObjectId],
    ) -> Result<Vec<ObjectId>, MergeBaseError> {
        let one_i = self.node(*one);
        let two_i: Vec<usize> = twos.iter().map(|t| self.node(*t)).collect();
        if two_i.contains(&one_i) {
            return Ok(vec![*one]);
        }
        self.clear_flags();
        let list = self.paint(one_i, &two_i, 0)?;
        let mut result = Vec::new();
        for c in list {
            if self.nodes[c].flags & STALE == 0 {
                insert_by_date(&self.nodes, &mut result, c);
            }
        }
        self.clear_flags();
        if result.len() > 1 {
            let keep = self.remove_redundant(&result)?;
            let mut sorted = Vec::new();
            for c in keep {
                insert_by_date(&self.nodes, &mut sorted, c);
            }
            result = sorted;
        }
        Ok(result.into_iter().map(|i| self.nodes[i].id).collect())
    }

    /// Keeps the commits of `list` (without duplicates) that are not ancestors of another
    /// one, in order: git's `remove_redundant_no_gen`, one paint walk per candidate that
    /// stops as soon as only common ancestors are left (or below the lowest generation of
    /// the candidates), instead of walking whole histories.
    fn remove_redundant(&mut self, list: &[usize]) -> Result<Vec<usize>, MergeBaseError> {
        for &c in list {
            self.parse(c)?;
        }
        let mut redundant = vec![false; list.len()];
        let (mut work, mut work_at) = (Vec::new(), Vec::new());
        for i in 0..list.len() {
            if redundant[i] {
                continue;
            }
            work.clear();
            work_at.clear();
            let mut min_generation = self.nodes[list[i]].generation;
            for (j, &c) in list.iter().enumerate() {
                if j == i || redundant[j] {
                    continue;
                }
                work.push(c);
                work_at.push(j);
                min_generation = min_generation.min(self.nodes[c].generation);
            }
            self.clear_flags();
            self.paint(list[i], &work, min_generation)?;
            if self.nodes[list[i]].flags & PARENT2 != 0 {
                redundant[i] = true;
            }
            for (k, &c) in work.iter().enumerate() {
                if self.nodes[c].flags & PARENT1 != 0 {
                    redundant[work_at[k]] = true;
                }
            }
        }
        self.clear_flags();
        Ok(list
            .iter()
            .zip(&redundant)
            .filter(|(_, &r)| !r)
            .map(|(&c, _)| c)
            .collect())
    }

    /// git's `reduce_heads`: `commits` without duplicates and without those reachable
    /// from another, in the given order (`merge-base --independent`).
    pub fn independent(&mut self, commits: &[ObjectId]) -> Result<Vec<ObjectId>, MergeBaseError> {
        let mut uniq: Vec<usize> = Vec::new();
        for c in commits {
            let i = self.node(*c);
            if !uniq.contains(&i) {
                uniq.push(i);
            }
        }
        let keep = self.remove_redundant(&uniq)?;
        Ok(keep.into_iter().map(|i| self.nodes[i].id).collect())
    }

    /// git's `get_octopus_merge_bases` followed by `reduce_heads`: the merge bases of all
    /// of `commits` together (`merge-base --octopus`).
    pub fn octopus_bases(&mut self, commits: &[ObjectId]) -> Result<Vec<ObjectId>, MergeBaseError> {
        let Some((first, rest)) = commits.split_first() else {
            return Ok(Vec::new());
        };
        let mut ret = vec![*first];
        for c in rest {
            let mut next = Vec::new();
            for j in &ret {
                next.extend(self.merge_bases(c, &[*j])?);
            }
            ret = next;
        }
        self.independent(&ret)
    }

    /// Whether `anc` is an ancestor of (or equal to) `desc`.
    ///
    /// Walks like git's `repo_in_merge_bases`: a paint walk from both commits that stops
    /// below `anc`'s generation, or once only common ancestors are left.
    pub fn is_ancestor(&mut self, anc: &ObjectId, desc: &ObjectId) -> Result<bool, MergeBaseError> {
        let a = self.node(*anc);
        let d = self.node(*desc);
        if a == d {
            return Ok(true);
        }
        self.parse(a)?;
        self.parse(d)?;
        let min_generation = self.nodes[a].generation;
        if min_generation != GENERATION_INFINITY && min_generation > self.nodes[d].generation {
            return Ok(false);
        }
        self.clear_flags();
        self.paint(a, &[d], min_generation)?;
        let found = self.nodes[a].flags & PARENT2 != 0;
        self.clear_flags();
        Ok(found)
    }
}

/// git's `commit_list_insert_by_date`: before the first strictly older entry.
fn insert_by_date(nodes: &[Node], list: &mut Vec<usize>, c: usize) {
    let date = nodes[c].date;
    let pos = list
        .iter()
        .position(|&x| nodes[x].date < date)
        .unwrap_or(list.len());
    list.insert(pos, c);
}

/// The merge bases of `a` and `b` in `repo`, newest first (empty: none).
pub fn merge_bases(
    repo: &Repository,
    a: &ObjectId,
    b: &ObjectId,
) -> Result<Vec<ObjectId>, MergeBaseError> {
    let mut w = CommitWalker::new(repo);
    let a = w.peel_to_commit(a)?;
    let b = w.peel_to_commit(b)?;
    w.merge_bases(&a, &[b])
}
