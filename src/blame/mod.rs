//! Line-by-line authorship (`git blame`), with git 2.47's algorithm: each commit passes
//! the blame for the lines it did not change to its parents (found with the line diff),
//! following the file through renames; `-M` finds lines moved within a file and `-C`
//! lines copied from other files of the same commit, with git's scores and thresholds.
//!
//! ```
//! # fn git(dir: &std::path::Path, args: &[&str]) {
//! #     let ok = std::process::Command::new("git").args(args).current_dir(dir)
//! #         .env("GIT_AUTHOR_NAME", "A").env("GIT_AUTHOR_EMAIL", "a@example.com")
//! #         .env("GIT_COMMITTER_NAME", "C").env("GIT_COMMITTER_EMAIL", "c@example.com")
//! #         .env("GIT_CONFIG_GLOBAL", "/dev/null").env("GIT_CONFIG_NOSYSTEM", "1")
//! #         .status().unwrap().success();
//! #     assert!(ok);
//! # }
//! # let tmp = std::env::temp_dir().join(format!("oxgit-doc-blame-{}", std::process::id()));
//! # let _ = std::fs::remove_dir_all(&tmp);
//! # std::fs::create_dir_all(&tmp).unwrap();
//! # git(&tmp, &["init", "-q"]);
//! # std::fs::write(tmp.join("f"), "one\ntwo\n").unwrap();
//! # git(&tmp, &["add", "."]);
//! # git(&tmp, &["commit", "-q", "-m", "first"]);
//! # std::fs::write(tmp.join("f"), "one\n2\nthree\n").unwrap();
//! # git(&tmp, &["commit", "-q", "-a", "-m", "second"]);
//! use oxgit::blame::{blame, BlameOptions};
//! use oxgit::{revision, Repository};
//!
//! let repo = Repository::discover(&tmp)?;
//! let head = revision::resolve(&repo, "HEAD")?;
//! let first = revision::resolve(&repo, "HEAD~1")?;
//! let b = blame(&repo, head, &[], b"f", &BlameOptions::default())?;
//! // Line 1 is from the first commit, lines 2 and 3 from the second.
//! let owners: Vec<_> = b.entries.iter().map(|e| (e.start, e.len, e.commit)).collect();
//! assert_eq!(owners, [(0, 1, first), (1, 2, head)]);
//! assert!(b.entries[0].boundary); // a root commit is a boundary unless `show_root`
//! # std::fs::remove_dir_all(&tmp).unwrap();
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use crate::diff::line::{self, Whitespace};
use crate::object::{Commit, EntryMode, ObjectKind};
use crate::odb::OdbError;
use crate::oid::{IdMap, ObjectId};
use crate::repo::Repository;
use std::collections::{BinaryHeap, VecDeque};
use std::sync::Arc;

/// git's default score a moved block must exceed (`-M`): alphanumeric characters + 1.
pub const DEFAULT_MOVE_SCORE: u32 = 20;

/// git's default score a copied block must exceed (`-C`).
pub const DEFAULT_COPY_SCORE: u32 = 40;

/// How hard `-C` looks for copies.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub enum CopyLevel {
    /// No copy detection.
    #[default]
    Off,
    /// `-C`: from files modified (or deleted) in the same commit.
    Modified,
    /// `-C -C`: from every file of the parent when the blamed file was created.
    NewFiles,
    /// `-C -C -C`: from every file of the parent, always.
    Everywhere,
}

/// Options of a blame.
#[derive(Clone, Debug)]
pub struct BlameOptions {
    /// Line ranges of the final file to blame (0-based, end exclusive); empty: all lines.
    pub ranges: Vec<(u32, u32)>,
    /// Whitespace handling of the line diffs (`-w`).
    pub whitespace: Whitespace,
    /// The diff algorithm (`--minimal`, `--diff-algorithm`).
    pub algorithm: line::Algorithm,
    /// Detect lines moved within a file (`-M`).
    pub moves: bool,
    /// Detect lines copied from other files (`-C`).
    pub copies: CopyLevel,
    /// The score moved lines must exceed (`-M<n>`).
    pub move_score: u32,
    /// The score copied lines must exceed (`-C<n>`).
    pub copy_score: u32,
    /// Blame root commits instead of showing them as boundaries (`--root`).
    pub show_root: bool,
    /// Follow only first parents (`--first-parent`).
    pub first_parent: bool,
}

impl Default for BlameOptions {
    fn default() -> Self {
        BlameOptions {
            ranges: Vec::new(),
            whitespace: Whitespace::Exact,
            algorithm: line::Algorithm::Myers,
            moves: false,
            copies: CopyLevel::Off,
            move_score: DEFAULT_MOVE_SCORE,
            copy_score: DEFAULT_COPY_SCORE,
            show_root: false,
            first_parent: false,
        }
    }
}

/// Why a blame failed.
#[derive(Debug, thiserror::Error)]
pub enum BlameError {
    /// An object could not be read.
    #[error(transparent)]
    Odb(#[from] OdbError),
    /// The path is not a file in the final commit (git's message).
    #[error("no such path {path} in {rev}")]
    NoSuchPath {
        /// The path (a [`crate::bytestr`] string: the path's bytes).
        path: String,
        /// How the commit was named.
        rev: String,
    },
    /// A commit could not be parsed.
    #[error("corrupt commit {0}")]
    BadCommit(ObjectId),
    /// A tree could not be read.
    #[error("corrupt tree: {0}")]
    Tree(String),
    /// A file is too large for the line diff.
    #[error(transparent)]
    Diff(#[from] line::Error),
}

/// A run of lines of the final file blamed on one commit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BlameEntry {
    /// The first line in the final file (0-based).
    pub start: u32,
    /// How many lines.
    pub len: u32,
    /// The commit the lines come from.
    pub commit: ObjectId,
    /// The file's path in that commit.
    pub path: Vec<u8>,
    /// The first line's number in that commit's file (0-based).
    pub orig_start: u32,
    /// Whether the commit is a boundary (outside the range, or a root without
    /// `show_root`): git prints its id with a `^`.
    pub boundary: bool,
    /// The commit and path the lines' commit was compared with (its first parent with
    /// the file), for porcelain's `previous`.
    pub previous: Option<(ObjectId, Vec<u8>)>,
}

/// The result of a blame: the entries in final-file order and the final file's text.
#[derive(Clone, Debug, Default)]
pub struct Blame {
    /// The entries, covering the blamed lines in order.
    pub entries: Vec<BlameEntry>,
    /// The contents of the file that was blamed.
    pub contents: Vec<u8>,
    /// The byte offset of each line start, plus the end.
    pub line_starts: Vec<usize>,
    /// Commits that have entries for more than one path (porcelain repeats `filename`).
    pub multi_path_commits: Vec<ObjectId>,
}

impl Blame {
    /// Line `i` of the final file (0-based), with its newline if it has one.
    pub fn line(&self, i: usize) -> &[u8] {
        &self.contents[self.line_starts[i]..self.line_starts[i + 1]]
    }

    /// The number of lines of the final file.
    pub fn line_count(&self) -> usize {
        self.line_starts.len() - 1
    }
}

/// Splits `data` into line starts (git's `find_line_starts`), with the end appended.
pub fn line_starts(data: &[u8]) -> Vec<usize> {
    let mut starts = vec![0];
    for i in memchr::memchr_iter(b'\n', data) {
        starts.push(i + 1);
    }
    if *starts.last().expect("non-empty") != data.len() {
        starts.push(data.len());
    }
    starts
}

/// One blamed run while the blame is assigned (git's `blame_entry`).
#[derive(Clone, Copy, Debug)]
struct Entry {
    lno: u32,
    num_lines: u32,
    s_lno: u32,
    suspect: usize,
}

/// A file in a commit that lines are suspected to come from (git's `blame_origin`).
struct Origin {
    commit: usize,
    path: Vec<u8>,
    blob: ObjectId,
    mode: u32,
    suspects: Vec<Entry>,
    previous: Option<usize>,
    guilty: bool,
    data: Option<Arc<Vec<u8>>>,
}

/// A commit met by the blame.
struct Node {
    id: ObjectId,
    parents: Option<Vec<ObjectId>>,
    tree: ObjectId,
    time: i64,
    /// Where the commit-graph has it.
    graph_pos: Option<u32>,
    /// Origins of this commit, most recently used first (git's suspects list).
    origins: Vec<usize>,
    uninteresting: bool,
}

/// The scoreboard (git's `blame_scoreboard`).
struct Board<'r> {
    repo: &'r Repository,
    graph: Option<&'r crate::odb::CommitGraph>,
    shallow: std::collections::HashSet<ObjectId>,
    opts: &'r BlameOptions,
    nodes: Vec<Node>,
    index: IdMap<usize>,
    origins: Vec<Origin>,
    queue: BinaryHeap<(i64, std::cmp::Reverse<u64>, usize)>,
    counter: u64,
    final_data: Arc<Vec<u8>>,
    final_starts: Vec<usize>,
    done: Vec<Entry>,
    diff: line::State,
    trees: IdMap<Arc<Vec<u8>>>,
    /// The last name looked up in each tree, and what it found.
    lookups: IdMap<(Vec<u8>, Found)>,
}

/// What a path lookup in a tree found: the entry's id and mode, if any.
type Found = Option<(ObjectId, u32)>;

/// How many source files `-C` reads and diffs at once.
const COPY_SOURCES_PER_ROUND: usize = 64;

/// The change blocks from `old` to `new` (start_a, count_a, start_b, count_b), as git's
/// `diff_hunks` reports them with no context.
fn hunks(
    state: &mut line::State,
    opts: &line::Options,
    old: &[u8],
    new: &[u8],
) -> Result<Vec<[u32; 4]>, BlameError> {
    let d = state.diff(old, new, opts)?;
    Ok(d.changes()
        .iter()
        .map(|c| [c.old_start, c.old_len, c.new_start, c.new_len])
        .collect())
}

/// How many trees [`Board::tree`] keeps.
const TREE_CACHE: usize = 256;

/// Blames `path` as it is in `commit`: `boundaries` are the commits the history stops
/// at (with their ancestors; git's `^rev`).
pub fn blame(
    repo: &Repository,
    commit: ObjectId,
    boundaries: &[ObjectId],
    path: &[u8],
    opts: &BlameOptions,
) -> Result<Blame, BlameError> {
    blame_named(repo, commit, &commit.to_hex(), boundaries, path, opts)
}

/// [`blame`], naming the final commit `rev` in messages as the user named it.
pub fn blame_named(
    repo: &Repository,
    commit: ObjectId,
    rev: &str,
    boundaries: &[ObjectId],
    path: &[u8],
    opts: &BlameOptions,
) -> Result<Blame, BlameError> {
    let mut b = Board {
        repo,
        graph: crate::revision::walk::usable_commit_graph(repo),
        shallow: crate::revision::walk::shallow_commits(repo),
        opts,
        nodes: Vec::new(),
        index: IdMap::default(),
        origins: Vec::new(),
        queue: BinaryHeap::new(),
        counter: 0,
        final_data: Arc::new(Vec::new()),
        final_starts: Vec::new(),
        done: Vec::new(),
        diff: line::State::new(),
        trees: IdMap::default(),
        lookups: IdMap::default(),
    };
    let no_path = || BlameError::NoSuchPath {
        path: crate::bytestr::encode(path).into_owned(),
        rev: rev.to_string(),
    };
    let final_node = b.node(commit)?;
    let tree = b.nodes[final_node].tree;
    let (blob, mode) = match crate::revision::tree_entry_by_path(repo, &tree, path) {
        Ok(Some((id, mode))) => (id, mode),
        Ok(None) => return Err(no_path()),
        Err(e) => return Err(BlameError::Tree(e.to_string())),
    };
    if !EntryMode::from_raw(mode).is_some_and(|m| m.is_blob()) {
        return Err(no_path());
    }
    let mut data = Vec::new();
    repo.odb().read_into(&blob, &mut data)?;
    b.final_starts = line_starts(&data);
    b.final_data = Arc::new(data);
    mark_uninteresting(&mut b, boundaries)?;
    let origin = b.origin(final_node, path.to_vec());
    b.origins[origin].blob = blob;
    b.origins[origin].mode = mode;
    b.origins[origin].data = Some(b.final_data.clone());
    let lines = (b.final_starts.len() - 1) as u32;
    let mut ranges = if opts.ranges.is_empty() {
        vec![(0, lines)]
    } else {
        opts.ranges.clone()
    };
    ranges.retain(|r| r.0 < r.1);
    ranges.sort_unstable();
    let mut suspects: Vec<Entry> = Vec::new();
    for (start, end) in ranges {
        let end = end.min(lines);
        if let Some(last) = suspects.last_mut() {
            if start <= last.lno + last.num_lines {
                let new_end = end.max(last.lno + last.num_lines);
                last.num_lines = new_end - last.lno;
                continue;
            }
        }
        if start < end {
            suspects.push(Entry {
                lno: start,
                num_lines: end - start,
                s_lno: start,
                suspect: origin,
            });
        }
    }
    b.origins[origin].suspects = suspects;
    b.push_commit(final_node);
    b.assign()?;
    Ok(b.finish())
}

/// Marks `boundaries` and all their ancestors uninteresting (git's `limit_list`).
fn mark_uninteresting(b: &mut Board<'_>, boundaries: &[ObjectId]) -> Result<(), BlameError> {
    let mut stack = Vec::new();
    for id in boundaries {
        stack.push(b.node(*id)?);
    }
    while let Some(n) = stack.pop() {
        if b.nodes[n].uninteresting {
            continue;
        }
        b.nodes[n].uninteresting = true;
        for p in b.nodes[n].parents.clone().unwrap_or_default() {
            let pn = b.node(p)?;
            if !b.nodes[pn].uninteresting {
                stack.push(pn);
            }
        }
    }
    Ok(())
}

impl Board<'_> {
    /// The node of commit `id`, read (from the commit-graph when it has the commit) on
    /// first use.
    fn node(&mut self, id: ObjectId) -> Result<usize, BlameError> {
        if let Some(&i) = self.index.get(&id) {
            return Ok(i);
        }
        let from_graph = self.graph.and_then(|g| {
            let pos = g.lookup(&id)?;
            let c = g.commit(pos)?;
            let parents: Option<Vec<ObjectId>> = c.parents.iter().map(|&p| g.id_at(p)).collect();
            Some((pos, c.tree, c.date, parents?))
        });
        let node = match from_graph {
            Some((pos, tree, time, parents)) => Node {
                id,
                parents: Some(parents),
                tree,
                time,
                graph_pos: Some(pos),
                origins: Vec::new(),
                uninteresting: false,
            },
            None => {
                let mut data = Vec::new();
                let mut cid = id;
                // Tags given as revisions are peeled to their commit.
                let kind = loop {
                    match self.repo.odb().read_into(&cid, &mut data)? {
                        ObjectKind::Tag => {
                            cid = crate::object::Tag::parse(&data)
                                .map_err(|_| BlameError::BadCommit(cid))?
                                .object
                        }
                        k => break k,
                    }
                };
                if kind != ObjectKind::Commit {
                    return Err(BlameError::BadCommit(id));
                }
                if cid != id {
                    let i = self.node(cid)?;
                    self.index.insert(id, i);
                    return Ok(i);
                }
                let c = Commit::parse(&data).map_err(|_| BlameError::BadCommit(cid))?;
                Node {
                    id: cid,
                    parents: Some(c.parents.clone()),
                    tree: c.tree,
                    time: c.committer_signature().map_or(0, |s| s.time),
                    graph_pos: None,
                    origins: Vec::new(),
                    uninteresting: false,
                }
            }
        };
        let mut node = node;
        if !self.shallow.is_empty() && self.shallow.contains(&node.id) {
            node.parents = Some(Vec::new());
        }
        self.nodes.push(node);
        let i = self.nodes.len() - 1;
        self.index.insert(id, i);
        Ok(i)
    }

    /// The parents of node `n` that the blame follows.
    fn parents(&mut self, n: usize) -> Result<Vec<ObjectId>, BlameError> {
        let mut p = self.nodes[n].parents.clone().unwrap_or_default();
        if self.opts.first_parent {
            p.truncate(1);
        }
        Ok(p)
    }

    /// git's `get_origin`: the origin for `path` in commit `n`, created if needed and
    /// moved to the front of the commit's list.
    fn origin(&mut self, n: usize, path: Vec<u8>) -> usize {
        let list = &mut self.nodes[n].origins;
        if let Some(pos) = list.iter().position(|&o| self.origins[o].path == path) {
            let o = list.remove(pos);
            list.insert(0, o);
            return o;
        }
        self.origins.push(Origin {
            commit: n,
            path,
            blob: self.repo.hash_kind().null_id(),
            mode: 0,
            suspects: Vec::new(),
            previous: None,
            guilty: false,
            data: None,
        });
        let o = self.origins.len() - 1;
        self.nodes[n].origins.insert(0, o);
        o
    }

    fn push_commit(&mut self, n: usize) {
        self.counter += 1;
        self.queue
            .push((self.nodes[n].time, std::cmp::Reverse(self.counter), n));
    }

    /// git's `queue_blames`.
    fn queue_blames(&mut self, porigin: usize, sorted: Vec<Entry>) {
        if !self.origins[porigin].suspects.is_empty() {
            let merged = merge(std::mem::take(&mut self.origins[porigin].suspects), sorted);
            self.origins[porigin].suspects = merged;
            return;
        }
        let n = self.origins[porigin].commit;
        let busy = self.nodes[n]
            .origins
            .iter()
            .any(|&o| !self.origins[o].suspects.is_empty());
        self.origins[porigin].suspects = sorted;
        if !busy {
            self.push_commit(n);
        }
    }

    /// The contents of origin `o`'s blob.
    fn data(&mut self, o: usize) -> Result<Arc<Vec<u8>>, BlameError> {
        if let Some(d) = &self.origins[o].data {
            return Ok(d.clone());
        }
        let mut buf = Vec::new();
        self.repo.odb().read_into(&self.origins[o].blob, &mut buf)?;
        let d = Arc::new(buf);
        self.origins[o].data = Some(d.clone());
        Ok(d)
    }

    /// git's `assign_blame`: the main loop.
    fn assign(&mut self) -> Result<(), BlameError> {
        while let Some((_, _, n)) = self.queue.pop() {
            while let Some(&suspect) = self.nodes[n]
                .origins
                .iter()
                .find(|&&o| !self.origins[o].suspects.is_empty())
            {
                // Uninteresting commits keep their lines; their ancestors were marked
                // uninteresting up front.
                if !self.nodes[n].uninteresting {
                    self.pass_blame(suspect)?;
                }
                if self.nodes[n].parents.as_ref().is_some_and(|p| p.is_empty())
                    && !self.opts.show_root
                {
                    self.nodes[n].uninteresting = true;
                }
                let ents = std::mem::take(&mut self.origins[suspect].suspects);
                if !ents.is_empty() {
                    self.origins[suspect].guilty = true;
                    self.done.extend(ents);
                }
            }
        }
        Ok(())
    }

    /// git's `find_origin`: the same path in parent `p` (`None` if the file was added, or
    /// its type changed).
    fn find_origin(&mut self, p: usize, origin: usize) -> Result<Option<usize>, BlameError> {
        let path = self.origins[origin].path.clone();
        if let Some(&o) = self.nodes[p]
            .origins
            .iter()
            .find(|&&o| self.origins[o].path == path)
        {
            return Ok(Some(o));
        }
        let child = self.origins[origin].commit;
        // The changed-path Bloom filter can prove the path unchanged against the first
        // parent, as git uses it.
        let first_parent = self.nodes[child]
            .parents
            .as_ref()
            .and_then(|ps| ps.first())
            .is_some_and(|fp| *fp == self.nodes[p].id);
        if first_parent {
            if let (Some(g), Some(pos)) = (self.graph, self.nodes[child].graph_pos) {
                if g.maybe_changed(pos, &path) == Some(false) {
                    let (blob, mode) = (self.origins[origin].blob, self.origins[origin].mode);
                    let o = self.origin(p, path);
                    self.origins[o].blob = blob;
                    self.origins[o].mode = mode;
                    return Ok(Some(o));
                }
            }
        }
        let ctree = self.nodes[child].tree;
        let ptree = self.nodes[p].tree;
        let Some((blob, mode)) = self.entry_beside(ptree, ctree, &path, origin)? else {
            return Ok(None);
        };
        let kind = |m: u32| m & 0o170000;
        if kind(mode) != 0o100000 && kind(mode) != 0o120000 {
            return Ok(None);
        }
        if kind(self.origins[origin].mode) != kind(mode) {
            return Ok(None);
        }
        let o = self.origin(p, path);
        self.origins[o].blob = blob;
        self.origins[o].mode = mode;
        Ok(Some(o))
    }

    /// The contents of tree `id` (empty if it is not a tree), from a small cache: each
    /// step of a walk reads the trees the previous step read as the parent's.
    fn tree(&mut self, id: ObjectId) -> Result<Arc<Vec<u8>>, BlameError> {
        if let Some(t) = self.trees.get(&id) {
            return Ok(t.clone());
        }
        let mut buf = Vec::new();
        if self.repo.odb().read_into(&id, &mut buf)? != ObjectKind::Tree {
            buf.clear();
        }
        if self.trees.len() >= TREE_CACHE {
            self.trees.clear();
        }
        let t = Arc::new(buf);
        self.trees.insert(id, t.clone());
        Ok(t)
    }

    /// The entry `name` of tree `tree` (its id and mode). The last lookup of each tree is
    /// remembered: the child's lookups of one step are the parent's of the step before.
    fn lookup(
        &mut self,
        tree: ObjectId,
        name: &[u8],
    ) -> Result<Option<(ObjectId, u32)>, BlameError> {
        if let Some((n, found)) = self.lookups.get(&tree) {
            if n == name {
                return Ok(*found);
            }
        }
        let data = self.tree(tree)?;
        let mut found = None;
        for e in crate::object::TreeIter::new(&data, self.repo.hash_kind()) {
            let e = e.map_err(|e| BlameError::Tree(e.to_string()))?;
            if e.name == name {
                found = Some((e.id, e.mode.as_raw()));
                break;
            }
            // Entries are sorted by name (a tree's as if a `/` followed it): past the
            // first byte, the name cannot come any more.
            if e.name.first() > name.first() {
                break;
            }
        }
        if self.lookups.len() >= TREE_CACHE * 4 {
            self.lookups.clear();
        }
        self.lookups.insert(tree, (name.to_vec(), found));
        Ok(found)
    }

    /// The entry at `path` in the tree `ptree`, read only as far down as it differs from
    /// the tree `ctree` where the origin `origin` has it (equal subtrees hold equal
    /// entries).
    fn entry_beside(
        &mut self,
        ptree: ObjectId,
        ctree: ObjectId,
        path: &[u8],
        origin: usize,
    ) -> Result<Option<(ObjectId, u32)>, BlameError> {
        let same = (self.origins[origin].blob, self.origins[origin].mode);
        let (mut p, mut c) = (ptree, Some(ctree));
        let mut rest = path;
        loop {
            if Some(p) == c {
                return Ok(Some(same));
            }
            let (name, tail) = match memchr::memchr(b'/', rest) {
                Some(i) => (&rest[..i], Some(&rest[i + 1..])),
                None => (rest, None),
            };
            let Some((pid, pmode)) = self.lookup(p, name)? else {
                return Ok(None);
            };
            let cnext = match c {
                Some(ct) => self.lookup(ct, name)?,
                None => None,
            };
            match tail {
                None => return Ok(Some((pid, pmode))),
                Some(t) => {
                    if pmode & 0o170000 != 0o040000 {
                        return Ok(None);
                    }
                    p = pid;
                    c = cnext
                        .filter(|(_, m)| m & 0o170000 == 0o040000)
                        .map(|(id, _)| id);
                    rest = t;
                }
            }
        }
    }

    /// git's `find_rename`: the file the origin's path was renamed from in parent `p`.
    fn find_rename(&mut self, p: usize, origin: usize) -> Result<Option<usize>, BlameError> {
        let odb = self.repo.odb();
        let ptree = self.nodes[p].tree;
        let ctree = self.nodes[self.origins[origin].commit].tree;
        let path = self.origins[origin].path.clone();
        let queue = crate::diff::tree_changes(
            odb,
            Some(&ptree),
            Some(&ctree),
            &crate::diff::TreeDiffOptions::default(),
        )
        .map_err(|e| BlameError::Tree(e.to_string()))?;
        // Like git's `single_follow`: the followed path is the only destination.
        let queue: Vec<_> = queue
            .into_iter()
            .filter(|c| match c.kind {
                crate::diff::ChangeKind::Added => c.new_path == path,
                crate::diff::ChangeKind::Deleted => true,
                _ => false,
            })
            .collect();
        if !queue
            .iter()
            .any(|c| c.kind == crate::diff::ChangeKind::Added)
        {
            return Ok(None);
        }
        let out = crate::diff::detect_renames(odb, queue, &crate::diff::RenameOptions::default())
            .map_err(|e| BlameError::Tree(e.to_string()))?;
        for c in out.changes {
            if matches!(
                c.kind,
                crate::diff::ChangeKind::Renamed | crate::diff::ChangeKind::Copied
            ) && c.new_path == path
            {
                let o = self.origin(p, c.old_path.clone());
                self.origins[o].blob = c.old_id;
                self.origins[o].mode = c.old_mode;
                return Ok(Some(o));
            }
        }
        Ok(None)
    }

    /// git's `pass_blame`.
    fn pass_blame(&mut self, origin: usize) -> Result<(), BlameError> {
        let n = self.origins[origin].commit;
        let parents = self.parents(n)?;
        let mut blamed: Vec<Entry> = Vec::new();
        let mut toosmall: Vec<Entry> = Vec::new();
        let mut sg: Vec<Option<usize>> = vec![None; parents.len()];
        let mut pnodes = Vec::with_capacity(parents.len());
        for p in &parents {
            pnodes.push(self.node(*p)?);
        }
        'passes: for pass in 0..2 {
            for i in 0..parents.len() {
                if sg[i].is_some() {
                    continue;
                }
                let porigin = if pass == 0 {
                    self.find_origin(pnodes[i], origin)?
                } else {
                    self.find_rename(pnodes[i], origin)?
                };
                let Some(po) = porigin else { continue };
                if self.origins[po].blob == self.origins[origin].blob {
                    // Identical file: the parent takes every line.
                    if self.origins[po].data.is_none() {
                        self.origins[po].data = self.origins[origin].data.clone();
                    }
                    let mut ents = std::mem::take(&mut self.origins[origin].suspects);
                    for e in &mut ents {
                        e.suspect = po;
                    }
                    self.queue_blames(po, ents);
                    break 'passes;
                }
                let same = (0..i)
                    .any(|j| sg[j].is_some_and(|o| self.origins[o].blob == self.origins[po].blob));
                if !same {
                    sg[i] = Some(po);
                }
            }
        }
        if !self.origins[origin].suspects.is_empty() {
            self.pass_to_parents(origin, &sg, &pnodes, &mut blamed, &mut toosmall)?;
        }
        // distribute_blame: group by origin, each sorted by line.
        blamed.sort_by_key(|e| (e.suspect, e.s_lno));
        let mut i = 0;
        while i < blamed.len() {
            let o = blamed[i].suspect;
            let j = i + blamed[i..].iter().take_while(|e| e.suspect == o).count();
            self.queue_blames(o, blamed[i..j].to_vec());
            i = j;
        }
        if !toosmall.is_empty() {
            toosmall.extend(std::mem::take(&mut self.origins[origin].suspects));
            self.origins[origin].suspects = toosmall;
        }
        for o in sg.into_iter().flatten() {
            if self.origins[o].suspects.is_empty() {
                self.origins[o].data = None;
            }
        }
        self.origins[origin].data = None;
        Ok(())
    }

    /// The rest of `pass_blame`: the line diffs with each parent, then `-M` and `-C`.
    fn pass_to_parents(
        &mut self,
        origin: usize,
        sg: &[Option<usize>],
        pnodes: &[usize],
        blamed: &mut Vec<Entry>,
        toosmall: &mut Vec<Entry>,
    ) -> Result<(), BlameError> {
        // The diffs with the parents do not depend on each other: a merge diffs all its
        // parents at once.
        let parents: Vec<usize> = sg.iter().flatten().copied().collect();
        let tdata = self.data(origin)?;
        let mut pdatas = Vec::with_capacity(parents.len());
        for &po in &parents {
            pdatas.push(self.data(po)?);
        }
        let opts = self.diff_options();
        let all_hunks: Vec<Result<Vec<[u32; 4]>, BlameError>> = if parents.len() > 1 {
            use rayon::prelude::*;
            pdatas
                .par_iter()
                .map_init(line::State::new, |st, pd| hunks(st, &opts, pd, &tdata))
                .collect()
        } else {
            pdatas
                .iter()
                .map(|pd| hunks(&mut self.diff, &opts, pd, &tdata))
                .collect()
        };
        for (&po, h) in parents.iter().zip(all_hunks) {
            if self.origins[origin].previous.is_none() {
                self.origins[origin].previous = Some(po);
            }
            self.pass_blame_to_parent(origin, po, h?)?;
            if self.origins[origin].suspects.is_empty() {
                return Ok(());
            }
        }
        if self.opts.moves || self.opts.copies != CopyLevel::Off {
            let ms = self.opts.move_score;
            let suspects = std::mem::take(&mut self.origins[origin].suspects);
            let (small, big) = self.filter_small(suspects, ms);
            toosmall.extend(small);
            self.origins[origin].suspects = big;
            if !self.origins[origin].suspects.is_empty() {
                for &po in sg.iter().flatten() {
                    self.find_move_in_parent(origin, po, blamed, toosmall)?;
                    if self.origins[origin].suspects.is_empty() {
                        break;
                    }
                }
            }
        }
        if self.opts.copies != CopyLevel::Off {
            let (cs, ms) = (self.opts.copy_score, self.opts.move_score);
            if cs > ms {
                let suspects = std::mem::take(&mut self.origins[origin].suspects);
                let (small, big) = self.filter_small(suspects, cs);
                toosmall.extend(small);
                self.origins[origin].suspects = big;
            } else if cs < ms {
                let mut all = std::mem::take(&mut self.origins[origin].suspects);
                all.append(toosmall);
                let (small, big) = self.filter_small(all, cs);
                *toosmall = small;
                self.origins[origin].suspects = big;
            }
            if self.origins[origin].suspects.is_empty() {
                return Ok(());
            }
            for (i, &pn) in pnodes.iter().enumerate() {
                self.find_copy_in_parent(origin, pn, sg[i], blamed, toosmall)?;
                if self.origins[origin].suspects.is_empty() {
                    return Ok(());
                }
            }
        }
        Ok(())
    }

    fn diff_options(&self) -> line::Options {
        line::Options {
            algorithm: self.opts.algorithm,
            context: 0,
            whitespace: self.opts.whitespace,
            ..line::Options::default()
        }
    }

    /// git's `pass_blame_to_parent`: lines the diff (`hunks`, from the parent's file to
    /// the target's) shows unchanged go to the parent.
    fn pass_blame_to_parent(
        &mut self,
        target: usize,
        parent: usize,
        hunks: Vec<[u32; 4]>,
    ) -> Result<(), BlameError> {
        let mut src: VecDeque<Entry> = std::mem::take(&mut self.origins[target].suspects).into();
        let mut kept = Vec::new();
        let mut newdest = Vec::new();
        let mut offset: i64 = 0;
        // git's `blame_chunk`: the lines before a change go to the parent, the changed
        // lines stay with the target.
        let mut chunk = |tlno: i64, off: i64, same: i64, src: &mut VecDeque<Entry>| {
            for mut e in take_below(src, tlno) {
                e.suspect = parent;
                e.s_lno = (i64::from(e.s_lno) + off) as u32;
                newdest.push(e);
            }
            kept.extend(take_below(src, same));
        };
        for [start_a, count_a, start_b, count_b] in hunks {
            let (sa, ca, sb, cb) = (
                i64::from(start_a),
                i64::from(count_a),
                i64::from(start_b),
                i64::from(count_b),
            );
            chunk(sb, sa - sb, sb + cb, &mut src);
            offset = sa + ca - (sb + cb);
        }
        chunk(i64::MAX, offset, i64::MAX, &mut src);
        self.origins[target].suspects = kept;
        self.queue_blames(parent, newdest);
        Ok(())
    }

    /// git's `blame_entry_score`: one plus the alphanumeric bytes of the entry's lines.
    fn score(&self, e: &Entry) -> u32 {
        let from = self.final_starts[e.lno as usize];
        let to = self.final_starts[(e.lno + e.num_lines) as usize];
        1 + self.final_data[from..to]
            .iter()
            .filter(|c| c.is_ascii_alphanumeric())
            .count() as u32
    }

    /// git's `filter_small`: (entries scoring at most `min`, the others).
    fn filter_small(&self, entries: Vec<Entry>, min: u32) -> (Vec<Entry>, Vec<Entry>) {
        entries.into_iter().partition(|e| self.score(e) <= min)
    }

    /// git's `find_copy_in_blob`: the best split of `ent` against the file `pdata` of
    /// origin `parent` ([before, from parent, after]; the middle `None` if nothing matches).
    fn find_copy_in_blob(
        &self,
        state: &mut line::State,
        ent: &Entry,
        parent: usize,
        pdata: &[u8],
    ) -> Result<Split, BlameError> {
        let from = self.final_starts[ent.lno as usize];
        let to = self.final_starts[(ent.lno + ent.num_lines) as usize];
        let h = hunks(
            state,
            &self.diff_options(),
            pdata,
            &self.final_data[from..to],
        )?;
        let mut local = Split::default();
        let (mut tlno, mut plno) = (0u32, 0u32);
        for [sa, ca, sb, cb] in h {
            self.handle_split(ent, tlno, plno, sb, parent, &mut local);
            plno = sa + ca;
            tlno = sb + cb;
        }
        self.handle_split(ent, tlno, plno, ent.num_lines, parent, &mut local);
        Ok(local)
    }

    /// git's `handle_split` (line numbers relative to `ent`).
    fn handle_split(
        &self,
        ent: &Entry,
        tlno: u32,
        plno: u32,
        same: u32,
        parent: usize,
        best: &mut Split,
    ) {
        if ent.num_lines <= tlno || tlno >= same {
            return;
        }
        let potential = split_overlap(ent, tlno + ent.s_lno, plno, same + ent.s_lno, parent);
        self.copy_split_if_better(best, potential);
    }

    /// git's `copy_split_if_better`: a later split scoring at least as high wins.
    fn copy_split_if_better(&self, best: &mut Split, potential: Split) {
        let Some(p) = &potential.parts[1] else {
            return;
        };
        if let Some(b) = &best.parts[1] {
            if self.score(p) < self.score(b) {
                return;
            }
        }
        *best = potential;
    }

    /// git's `find_move_in_parent`.
    fn find_move_in_parent(
        &mut self,
        target: usize,
        parent: usize,
        blamed: &mut Vec<Entry>,
        toosmall: &mut Vec<Entry>,
    ) -> Result<(), BlameError> {
        let mut unblamed = std::mem::take(&mut self.origins[target].suspects);
        if unblamed.is_empty() {
            return Ok(());
        }
        let pdata = self.data(parent)?;
        let mut leftover = Vec::new();
        while !unblamed.is_empty() {
            let mut round = Vec::with_capacity(unblamed.len());
            let mut state = std::mem::take(&mut self.diff);
            for e in unblamed {
                match self.find_copy_in_blob(&mut state, &e, parent, &pdata) {
                    Ok(split) => round.push((e, split)),
                    Err(err) => {
                        self.diff = state;
                        return Err(err);
                    }
                }
            }
            self.diff = state;
            let min = self.opts.move_score;
            unblamed = self.settle(round, min, blamed, &mut leftover, toosmall);
        }
        self.origins[target].suspects = leftover;
        Ok(())
    }

    /// The end of a round of move or copy detection: an entry whose best split's middle
    /// scores above `min` passes the middle to `blamed` and retries its own parts (those
    /// scoring at most `min` go to `toosmall`); the others stay with the target
    /// (`leftover`). Returns the entries to retry.
    fn settle(
        &self,
        round: Vec<(Entry, Split)>,
        min: u32,
        blamed: &mut Vec<Entry>,
        leftover: &mut Vec<Entry>,
        toosmall: &mut Vec<Entry>,
    ) -> Vec<Entry> {
        let mut retry = Vec::new();
        for (e, split) in round {
            match &split.parts[1] {
                Some(mid) if min < self.score(mid) => split_blame(blamed, &mut retry, split),
                _ => leftover.push(e),
            }
        }
        let (small, big) = self.filter_small(retry, min);
        toosmall.extend(small);
        big
    }

    /// git's `find_copy_in_parent`.
    fn find_copy_in_parent(
        &mut self,
        target: usize,
        pn: usize,
        porigin: Option<usize>,
        blamed: &mut Vec<Entry>,
        toosmall: &mut Vec<Entry>,
    ) -> Result<(), BlameError> {
        let mut unblamed = std::mem::take(&mut self.origins[target].suspects);
        if unblamed.is_empty() {
            return Ok(());
        }
        let target_path = self.origins[target].path.clone();
        let porigin_path = porigin.map(|o| self.origins[o].path.clone());
        let harder = self.opts.copies == CopyLevel::Everywhere
            || (self.opts.copies == CopyLevel::NewFiles
                && porigin_path.as_ref() != Some(&target_path));
        let ptree = self.nodes[pn].tree;
        let ctree = self.nodes[self.origins[target].commit].tree;
        let queue = crate::diff::tree_changes(
            self.repo.odb(),
            Some(&ptree),
            Some(&ctree),
            &crate::diff::TreeDiffOptions {
                include_unmodified: harder,
                ..Default::default()
            },
        )
        .map_err(|e| BlameError::Tree(e.to_string()))?;
        let sources: Vec<(Vec<u8>, ObjectId, u32)> = queue
            .into_iter()
            .filter(|c| c.has_old())
            .filter(|c| c.old_mode & 0o170000 != 0o160000)
            .filter(|c| porigin_path.as_deref() != Some(&c.old_path[..]))
            .map(|c| (c.old_path, c.old_id, c.old_mode))
            .collect();
        let mut leftover = Vec::new();
        while !unblamed.is_empty() {
            let mut best: Vec<Split> = vec![Split::default(); unblamed.len()];
            // Every (source file, entry) pair is diffed in parallel, a chunk of sources at
            // a time; the best splits are then chosen in git's order (sources in queue
            // order, a later equal score winning).
            for chunk in sources.chunks(COPY_SOURCES_PER_ROUND) {
                let mut files = Vec::with_capacity(chunk.len());
                for (path, blob, mode) in chunk {
                    let no = self.origin(pn, path.clone());
                    self.origins[no].blob = *blob;
                    self.origins[no].mode = *mode;
                    files.push((no, self.data(no)?));
                }
                let grid: Vec<Result<Vec<Split>, BlameError>> = {
                    use rayon::prelude::*;
                    let board = &*self;
                    let entries = &unblamed;
                    files
                        .par_iter()
                        .map_init(line::State::new, |st, (no, pdata)| {
                            entries
                                .iter()
                                .map(|e| board.find_copy_in_blob(st, e, *no, pdata))
                                .collect()
                        })
                        .collect()
                };
                for row in grid {
                    for (j, potential) in row?.into_iter().enumerate() {
                        let mut b = std::mem::take(&mut best[j]);
                        self.copy_split_if_better(&mut b, potential);
                        best[j] = b;
                    }
                }
                for (no, _) in files {
                    if self.origins[no].suspects.is_empty() {
                        self.origins[no].data = None;
                    }
                }
            }
            let round = unblamed.into_iter().zip(best).collect();
            let min = self.opts.copy_score;
            unblamed = self.settle(round, min, blamed, &mut leftover, toosmall);
        }
        self.origins[target].suspects = leftover;
        Ok(())
    }

    /// The entries in final-file order, coalesced as git does.
    fn finish(mut self) -> Blame {
        self.done.sort_by_key(|e| e.lno);
        let mut merged: Vec<Entry> = Vec::new();
        for e in std::mem::take(&mut self.done) {
            if let Some(last) = merged.last_mut() {
                if last.suspect == e.suspect
                    && last.s_lno + last.num_lines == e.s_lno
                    && last.lno + last.num_lines == e.lno
                {
                    last.num_lines += e.num_lines;
                    continue;
                }
            }
            merged.push(e);
        }
        let mut multi = Vec::new();
        for node in &self.nodes {
            if node
                .origins
                .iter()
                .filter(|&&o| self.origins[o].guilty)
                .count()
                > 1
            {
                multi.push(node.id);
            }
        }
        let entries = merged
            .into_iter()
            .map(|e| {
                let o = &self.origins[e.suspect];
                let node = &self.nodes[o.commit];
                BlameEntry {
                    start: e.lno,
                    len: e.num_lines,
                    commit: node.id,
                    path: o.path.clone(),
                    orig_start: e.s_lno,
                    boundary: node.uninteresting,
                    previous: o.previous.map(|p| {
                        let po = &self.origins[p];
                        (self.nodes[po.commit].id, po.path.clone())
                    }),
                }
            })
            .collect();
        Blame {
            entries,
            contents: Arc::try_unwrap(self.final_data).unwrap_or_else(|a| (*a).clone()),
            line_starts: self.final_starts,
            multi_path_commits: multi,
        }
    }
}

/// Takes the entries of `src` (sorted by suspect line) that start before line `limit`,
/// cut at `limit`: the parts from `limit` on go back to the front of `src`, in order.
fn take_below(src: &mut VecDeque<Entry>, limit: i64) -> Vec<Entry> {
    let mut taken = Vec::new();
    let mut tails = Vec::new();
    while let Some(mut e) = src.front().copied() {
        if i64::from(e.s_lno) >= limit {
            break;
        }
        src.pop_front();
        if i64::from(e.s_lno + e.num_lines) > limit {
            let len = (limit - i64::from(e.s_lno)) as u32;
            tails.push(Entry {
                lno: e.lno + len,
                num_lines: e.num_lines - len,
                s_lno: e.s_lno + len,
                suspect: e.suspect,
            });
            e.num_lines = len;
        }
        taken.push(e);
    }
    for t in tails.into_iter().rev() {
        src.push_front(t);
    }
    taken
}

/// A split of an entry: the part before, the part blamed on a parent, the part after.
#[derive(Clone, Copy, Debug, Default)]
struct Split {
    parts: [Option<Entry>; 3],
}

/// git's `split_overlap`: `e` split around the stretch `[tlno, same)` (suspect lines)
/// that matches the parent's lines from `plno`.
fn split_overlap(e: &Entry, tlno: u32, plno: u32, same: u32, parent: usize) -> Split {
    let mut s = Split::default();
    let (mid_lno, mid_slno);
    if e.s_lno < tlno {
        s.parts[0] = Some(Entry {
            lno: e.lno,
            num_lines: tlno - e.s_lno,
            s_lno: e.s_lno,
            suspect: e.suspect,
        });
        mid_lno = e.lno + tlno - e.s_lno;
        mid_slno = plno;
    } else {
        mid_lno = e.lno;
        mid_slno = plno + (e.s_lno - tlno);
    }
    let chunk_end = if same < e.s_lno + e.num_lines {
        let lno = e.lno + (same - e.s_lno);
        s.parts[2] = Some(Entry {
            lno,
            num_lines: e.s_lno + e.num_lines - same,
            s_lno: same,
            suspect: e.suspect,
        });
        lno
    } else {
        e.lno + e.num_lines
    };
    if chunk_end > mid_lno {
        s.parts[1] = Some(Entry {
            lno: mid_lno,
            num_lines: chunk_end - mid_lno,
            s_lno: mid_slno,
            suspect: parent,
        });
    }
    s
}

/// git's `split_blame`: the middle goes to `blamed`, the own parts to `unblamed`.
fn split_blame(blamed: &mut Vec<Entry>, unblamed: &mut Vec<Entry>, split: Split) {
    let [before, mid, after] = split.parts;
    if let Some(b) = before {
        unblamed.push(b);
    }
    if let Some(a) = after {
        unblamed.push(a);
    }
    if let Some(m) = mid {
        blamed.push(m);
    }
}

/// git's `blame_merge`: two lists sorted by suspect line, `a` first on ties.
fn merge(a: Vec<Entry>, b: Vec<Entry>) -> Vec<Entry> {
    if a.is_empty() {
        return b;
    }
    if b.is_empty() {
        return a;
    }
    let mut out = Vec::with_capacity(a.len() + b.len());
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        if a[i].s_lno <= b[j].s_lno {
            out.push(a[i]);
            i += 1;
        } else {
            out.push(b[j]);
            j += 1;
        }
    }
    out.extend_from_slice(&a[i..]);
    out.extend_from_slice(&b[j..]);
    out
}
