//! The engine: resolves a request's endpoints, computes the change list (tree diff,
//! break and rename detection, `--diff-filter`), then diffs the file pairs in parallel and
//! delivers them to a [`Sink`] in git's order, with a bounded window of files in flight.

use super::file::{HunkRec, LineRec};
use super::{
    Begin, Control, Detail, DiffOptions, DiffRequest, Endpoints, Error, FileDiff, LineKind,
    Outcome, Part, Side, Sink, Warning,
};
use crate::diff::line::{self, State};
use crate::diff::patch::{self, HunkEvent};
use crate::diff::{Change, ChangeKind, ContentSource, Pathspec, TreeDiff, TreeDiffOptions};
use crate::object::{Commit, ObjectKind, Tag};
use crate::odb::{Abbreviator, Odb};
use crate::oid::ObjectId;
use crate::repo::Repository;
use crate::revision::merge_base::CommitWalker;
use std::collections::VecDeque;
use std::sync::Mutex;

/// A side after resolution.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Resolved {
    /// A tree (`commit`: the commit it came from, if a commit was named).
    Tree {
        /// The tree (the empty tree for [`Side::EmptyTree`] and root commits' parents).
        tree: ObjectId,
        /// The commit, if the side named one.
        commit: Option<ObjectId>,
    },
    /// A blob, shown under `path`.
    Blob {
        /// The blob.
        id: ObjectId,
        /// The name git shows it under.
        path: Vec<u8>,
    },
    /// The index.
    Index,
    /// The work tree.
    WorkTree,
}

impl Resolved {
    /// The object this side names (the commit if there is one, else the tree or blob).
    pub fn id(&self) -> Option<ObjectId> {
        match self {
            Resolved::Tree { tree, commit } => commit.or_else(|| {
                (!tree.is_null() && *tree != tree.kind().empty_tree()).then_some(*tree)
            }),
            Resolved::Blob { id, .. } => Some(*id),
            _ => None,
        }
    }
}

/// Supplies sides that are not objects of the repository: the index and the work tree.
///
/// The differ asks for the change list when either side is [`Resolved::Index`] or
/// [`Resolved::WorkTree`], runs break/rename detection and `--diff-filter` on it, and
/// loads contents through [`SideProvider::load`] for every side whose id in a change is
/// the null id (content not in the object database, such as an unhashed work-tree file).
/// Sides with a real id are read from the object database.
pub trait SideProvider: Sync {
    /// The changes between `old` and `new` for `options.paths`, in git's order, before
    /// rename detection (with `include_unmodified`, unchanged files too, for
    /// `--find-copies-harder`). Modes are git's canonical modes; an id unknown without
    /// hashing is the null id.
    fn changes(
        &self,
        repo: &Repository,
        old: &Resolved,
        new: &Resolved,
        options: &DiffOptions,
        include_unmodified: bool,
    ) -> Result<Vec<Change>, Error>;

    /// Appends the content of `path` (with `mode`) on `side` to `buf` and returns the id
    /// git shows for it in `index` lines (the hash of the content as git would store it).
    fn load(
        &self,
        side: &Resolved,
        path: &[u8],
        mode: u32,
        buf: &mut Vec<u8>,
    ) -> Result<ObjectId, Error>;

    /// The `diff` attributes of diffs that read this provider's sides (git reads a
    /// `.gitattributes` missing from the work tree from the index once it has loaded the
    /// index); `None`: the repository's, as for diffs of commits.
    fn diff_attributes(&self) -> Option<&crate::diff::attr::DiffAttributes> {
        None
    }
}

/// git's usage error for comparing a blob with a tree, or blobs with paths.
pub const MISMATCHED_SIDES: &str = "a blob can only be compared with a blob, without paths";

/// A prepared diff: endpoints resolved and the change list computed; [`Differ::run`]
/// diffs the file pairs into a sink (as often as wanted).
pub struct Differ<'r> {
    repo: &'r Repository,
    options: DiffOptions,
    old: Resolved,
    new: Resolved,
    base: Option<ObjectId>,
    changes: Vec<Change>,
    warnings: Vec<Warning>,
    provider: Option<&'r dyn SideProvider>,
    parallel: bool,
}

impl<'r> Differ<'r> {
    /// Prepares `request` on `repo`.
    pub fn new(repo: &'r Repository, request: &DiffRequest) -> Result<Differ<'r>, Error> {
        Differ::prepare(repo, request, None)
    }

    /// Prepares `request` with `provider` supplying the index and work-tree sides.
    pub fn with_provider(
        repo: &'r Repository,
        request: &DiffRequest,
        provider: &'r dyn SideProvider,
    ) -> Result<Differ<'r>, Error> {
        Differ::prepare(repo, request, Some(provider))
    }

    fn prepare(
        repo: &'r Repository,
        request: &DiffRequest,
        provider: Option<&'r dyn SideProvider>,
    ) -> Result<Differ<'r>, Error> {
        Differ::resolve(repo, request)?.list_changes(provider)
    }

    /// A differ with the request's sides resolved and its options settled, and no change
    /// listed yet.
    fn resolve(repo: &'r Repository, request: &DiffRequest) -> Result<Differ<'r>, Error> {
        let mut warnings = Vec::new();
        let (mut old, mut new, base) = resolve_endpoints(repo, &request.endpoints, &mut warnings)?;
        if request.options.reverse {
            std::mem::swap(&mut old, &mut new);
        }
        let mut options = request.options.clone();
        if options.mnemonic_prefix {
            // git's diff_set_mnemonic_prefix: c/ for a commit or tree, i/ for the index,
            // w/ for the work tree (then `-R` swaps them with the sides).
            let name = |r: &Resolved| -> &'static [u8] {
                match r {
                    Resolved::Index => b"i/",
                    Resolved::WorkTree => b"w/",
                    _ => b"c/",
                }
            };
            if matches!(old, Resolved::Index | Resolved::WorkTree)
                || matches!(new, Resolved::Index | Resolved::WorkTree)
            {
                options.src_prefix = name(&old).to_vec();
                options.dst_prefix = name(&new).to_vec();
            }
        }
        Ok(Differ {
            repo,
            options,
            old,
            new,
            base,
            changes: Vec::new(),
            warnings,
            provider: None,
            parallel: true,
        })
    }

    /// Lists the changes of a [`Differ::resolve`]d request (tree diff or provider, then
    /// diffcore).
    fn list_changes(mut self, provider: Option<&'r dyn SideProvider>) -> Result<Differ<'r>, Error> {
        let (repo, options, old, new) = (self.repo, &self.options, &self.old, &self.new);
        let needs_provider = |r: &Resolved| matches!(r, Resolved::Index | Resolved::WorkTree);
        let queue = match (old, new) {
            (Resolved::Blob { id: x, path: px }, Resolved::Blob { id: y, path: py }) => {
                if !options.paths.is_empty() {
                    return Err(Error::BadRequest(MISMATCHED_SIDES.into()));
                }
                let mut c = Change::modified(py.clone(), 0o100644, *x, 0o100644, *y);
                c.old_path = px.clone();
                if x == y {
                    Vec::new()
                } else {
                    vec![c]
                }
            }
            (Resolved::Blob { .. }, _) | (_, Resolved::Blob { .. }) => {
                return Err(Error::BadRequest(MISMATCHED_SIDES.into()))
            }
            (o, n) if needs_provider(o) || needs_provider(n) => match provider {
                Some(p) => {
                    let harder = options.rename_options().is_some_and(|r| r.copies_harder);
                    p.changes(repo, o, n, options, harder)?
                }
                None => {
                    return Err(Error::Unsupported(
                        "diff against the index or the work tree".into(),
                    ))
                }
            },
            (Resolved::Tree { tree: a, .. }, Resolved::Tree { tree: b, .. }) => {
                let mut td = tree_diff_for(repo.odb(), options);
                let mut q = Vec::new();
                td.diff(Some(a), Some(b), &mut |c| q.push(c))?;
                q
            }
            _ => unreachable!("every side combination is handled"),
        };
        let content = provider.map(|p| ProviderContent {
            provider: p,
            side: new,
            error: Mutex::new(None),
        });
        let changes = diffcore(
            repo.odb(),
            queue,
            options,
            &mut self.warnings,
            content.as_ref().map(|c| c as &dyn ContentSource),
            &mut side_loader(repo, options, old, new, provider),
        );
        if let Some(e) = content.and_then(|c| c.error.into_inner().ok().flatten()) {
            return Err(e);
        }
        self.changes = changes?;
        self.provider = provider;
        Ok(self)
    }

    /// Runs `request` into `sink` with memory bounded by the files in flight, not by the
    /// size of the diff, where git's rules allow it: between two trees, for a sink that
    /// does not need the change list up front ([`Sink::needs_change_list`]), without
    /// break or copy detection, without `--diff-filter=*` and without a pickaxe. File pairs stream from the
    /// tree diff until the first added or deleted path (rename detection pairs those);
    /// from there on the rest is listed and run through rename detection first. The sink
    /// sees the same events as with [`Differ::run`], except that [`Begin::changes`] is
    /// empty and warnings arrive only in the outcome. Other requests fall back to
    /// [`Differ::new`] and [`Differ::run`].
    pub fn stream<S: Sink>(
        repo: &'r Repository,
        request: &DiffRequest,
        sink: &mut S,
    ) -> Result<Outcome, S::Error> {
        let differ = Differ::resolve(repo, request)?;
        let renames = differ.options.rename_options();
        let trees = match (&differ.old, &differ.new) {
            (Resolved::Tree { tree: a, .. }, Resolved::Tree { tree: b, .. }) => Some((*a, *b)),
            _ => None,
        };
        let streamable = !sink.needs_change_list()
            && differ.options.breaks.is_none()
            && !renames
                .as_ref()
                .is_some_and(|r| r.copies || r.copies_harder)
            && differ.options.filter.is_per_file()
            && differ.options.pickaxe.is_none();
        match trees {
            Some((a, b)) if streamable => differ.stream_trees(a, b, renames.is_some(), sink),
            _ => differ.list_changes(None)?.run(sink),
        }
    }

    /// [`Differ::stream`] between trees `a` and `b`: the tree diff runs on its own thread
    /// and hands changes over through a bounded channel.
    fn stream_trees<S: Sink>(
        mut self,
        a: ObjectId,
        b: ObjectId,
        renames: bool,
        sink: &mut S,
    ) -> Result<Outcome, S::Error> {
        /// File pairs diffed per round (the channel holds as many more).
        const BATCH: usize = 1024;
        let mut outcome = Outcome {
            old: self.old.id(),
            new: self.new.id(),
            base: self.base,
            ..Outcome::default()
        };
        let begin = Begin {
            old: outcome.old,
            new: outcome.new,
            base: self.base,
            changes: &[],
        };
        if sink.begin(&begin)? == Control::Stop {
            outcome.stopped = true;
            sink.finish(&outcome)?;
            return Ok(outcome);
        }
        let odb = self.repo.odb();
        let mut worker = Worker::default();
        let mut changes = 0usize;
        let finished = std::thread::scope(|scope| -> Result<bool, S::Error> {
            let (tx, rx) = std::sync::mpsc::sync_channel::<Change>(BATCH);
            let options = &self.options;
            let producer = scope.spawn(move || {
                let mut td = tree_diff_for(odb, options);
                // A send fails once the consumer stopped: the walk then just finishes.
                td.diff(Some(&a), Some(&b), &mut |c| {
                    let _ = tx.send(c);
                })
            });
            let mut batch: Vec<Change> = Vec::with_capacity(BATCH);
            let mut tail: Option<Vec<Change>> = None;
            let mut all = true;
            for c in rx.iter() {
                if let Some(t) = tail.as_mut() {
                    t.push(c);
                    continue;
                }
                if renames && matches!(c.kind, ChangeKind::Added | ChangeKind::Deleted) {
                    tail = Some(vec![c]);
                    continue;
                }
                batch.push(c);
                if batch.len() == BATCH {
                    let files = self.options.filter.apply(std::mem::take(&mut batch));
                    changes += files.len();
                    if !self.diff_files(&files, sink, &mut outcome, &mut worker)? {
                        all = false;
                        break;
                    }
                    batch = files;
                    batch.clear();
                }
            }
            drop(rx);
            let listed = producer
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            listed.map_err(Error::from)?;
            if !all {
                return Ok(false);
            }
            let files = self.options.filter.apply(batch);
            changes += files.len();
            if !self.diff_files(&files, sink, &mut outcome, &mut worker)? {
                return Ok(false);
            }
            if let Some(tail) = tail {
                let (repo, options) = (self.repo, &self.options);
                let mut load = side_loader(repo, options, &self.old, &self.new, None);
                let files = diffcore(odb, tail, options, &mut self.warnings, None, &mut load)?;
                changes += files.len();
                return self.diff_files(&files, sink, &mut outcome, &mut worker);
            }
            Ok(true)
        })?;
        outcome.changes = changes;
        outcome.warnings = self.warnings.clone();
        outcome.stopped = !finished;
        sink.finish(&outcome)?;
        Ok(outcome)
    }

    /// Diffs `changes` into `sink` (in parallel when worth it), counting into `outcome`;
    /// returns whether every file was delivered (false: the sink stopped).
    fn diff_files<S: Sink>(
        &self,
        changes: &[Change],
        sink: &mut S,
        outcome: &mut Outcome,
        worker: &mut Worker<'r>,
    ) -> Result<bool, S::Error> {
        let detail = sink.detail();
        let ctx = FileCtx {
            repo: self.repo,
            options: &self.options,
            detail,
            damage: sink.needs_damage(),
            abbrev_start: abbrev_start(self.repo, &self.options),
            provider: self.provider,
            old: &self.old,
            new: &self.new,
        };
        let mut deliver = |f: &FileDiff| -> Result<bool, S::Error> {
            outcome.files += 1;
            if detail > Detail::Changes {
                outcome.stats.add(f);
            }
            Ok(sink.file(f)? == Control::Continue)
        };
        // Up to one task's worth of files runs here: the pool would take them as one task
        // and add only its start-up (threads git does not spawn for a small diff).
        let go_parallel = self.parallel
            && changes.len() > CHUNK
            && detail > Detail::Changes
            && rayon::current_thread_index().is_none()
            && rayon::current_num_threads() > 1;
        if go_parallel {
            return run_parallel(&ctx, changes, &mut deliver);
        }
        let mut fd = worker.file.take().unwrap_or_else(|| {
            FileDiff::empty(Change::added(
                Vec::new(),
                0,
                self.repo.hash_kind().null_id(),
            ))
        });
        let mut all = true;
        for c in changes {
            if let Err(e) = ctx.diff_one(worker, c, &mut fd) {
                worker.file = Some(fd);
                return Err(e.into());
            }
            if !deliver(&fd)? {
                all = false;
                break;
            }
        }
        worker.file = Some(fd);
        Ok(all)
    }

    /// A differ over an already computed change list between two trees (for history
    /// walks, which build the list with their own reused tree-diff state).
    pub(crate) fn from_changes(
        repo: &'r Repository,
        options: DiffOptions,
        old: Resolved,
        new: Resolved,
        changes: Vec<Change>,
        warnings: Vec<Warning>,
    ) -> Differ<'r> {
        Differ {
            repo,
            options,
            old,
            new,
            base: None,
            changes,
            warnings,
            provider: None,
            parallel: true,
        }
    }

    /// Takes the change list back (for reuse of its memory).
    pub(crate) fn into_changes(self) -> Vec<Change> {
        self.changes
    }

    /// Diffs on the calling thread only (for callers that parallelize themselves).
    pub fn sequential(mut self) -> Differ<'r> {
        self.parallel = false;
        self
    }

    /// The change list, in git's order.
    pub fn changes(&self) -> &[Change] {
        &self.changes
    }

    /// Warnings so far (rename limit, several merge bases).
    pub fn warnings(&self) -> &[Warning] {
        &self.warnings
    }

    /// The resolved old side.
    pub fn old(&self) -> &Resolved {
        &self.old
    }

    /// The resolved new side.
    pub fn new_side(&self) -> &Resolved {
        &self.new
    }

    /// The merge base used, for `A...B` and `--merge-base`.
    pub fn base(&self) -> Option<ObjectId> {
        self.base
    }

    /// The options in use.
    pub fn options(&self) -> &DiffOptions {
        &self.options
    }

    /// Diffs every file pair into `sink`: `begin`, `file` for each pair in git's order
    /// (diffed in parallel, at most a window of files in flight), `finish`.
    pub fn run<S: Sink>(&self, sink: &mut S) -> Result<Outcome, S::Error> {
        self.run_in(sink, &mut Worker::default())
    }

    /// [`Differ::run`] with caller-owned per-thread state for sequential runs (a
    /// history walk reuses one across its commits: one abbreviator, one line-diff state
    /// and one file buffer per thread).
    pub(crate) fn run_in<S: Sink>(
        &self,
        sink: &mut S,
        worker: &mut Worker<'r>,
    ) -> Result<Outcome, S::Error> {
        let mut outcome = Outcome {
            old: self.old.id(),
            new: self.new.id(),
            base: self.base,
            changes: self.changes.len(),
            warnings: self.warnings.clone(),
            ..Outcome::default()
        };
        let begin = Begin {
            old: outcome.old,
            new: outcome.new,
            base: self.base,
            changes: &self.changes,
        };
        if sink.begin(&begin)? == Control::Stop {
            outcome.stopped = true;
            sink.finish(&outcome)?;
            return Ok(outcome);
        }
        let finished = self.diff_files(&self.changes, sink, &mut outcome, worker)?;
        outcome.stopped = !finished;
        sink.finish(&outcome)?;
        Ok(outcome)
    }
}

/// A tree differ with the request's pathspec (and unmodified entries for
/// `--find-copies-harder`).
pub(crate) fn tree_diff_for<'o>(odb: &'o Odb, options: &DiffOptions) -> TreeDiff<'o> {
    TreeDiff::new(
        odb,
        TreeDiffOptions {
            pathspec: Pathspec::new(options.paths.iter()),
            include_unmodified: options.rename_options().is_some_and(|r| r.copies_harder),
            no_recurse: !options.recursive,
            show_trees: options.show_trees,
        },
    )
}

/// git's diffcore on a tree-diff queue: breaks, renames, `--diff-filter`; the rename
/// limit's warning goes to `warnings`.
/// A provider's new side as the rename pass's content source (the provider's error
/// kept for the caller).
struct ProviderContent<'a> {
    provider: &'a dyn SideProvider,
    side: &'a Resolved,
    error: Mutex<Option<Error>>,
}

impl ContentSource for ProviderContent<'_> {
    fn load(
        &self,
        path: &[u8],
        mode: u32,
        buf: &mut Vec<u8>,
    ) -> Result<ObjectId, crate::diff::DiffError> {
        self.provider.load(self.side, path, mode, buf).map_err(|e| {
            let what = e.to_string();
            let mut slot = self.error.lock().unwrap_or_else(|p| p.into_inner());
            slot.get_or_insert(e);
            crate::diff::DiffError::Odb(crate::odb::OdbError::Corrupt {
                path: crate::worktree::path_of(path).to_path_buf(),
                what,
            })
        })
    }
}

pub(crate) fn diffcore(
    odb: &Odb,
    queue: Vec<Change>,
    options: &DiffOptions,
    warnings: &mut Vec<Warning>,
    content: Option<&dyn ContentSource>,
    load: &mut Loader<'_>,
) -> Result<Vec<Change>, Error> {
    let renames = options.rename_options();
    // A provider lists only changes (a submodule only dirty in the work tree has equal
    // ids); a tree diff for copies harder also lists unchanged files, dropped here.
    let provided = content.is_some();
    // Without break detection and without an added path there is nothing to pair: skip
    // diffcore's rewrite of the queue (which would hold it twice at its peak).
    if options.breaks.is_none() && !queue.iter().any(|c| c.kind == ChangeKind::Added) {
        let mut queue = queue;
        queue.retain(|c| provided || !c.is_unmodified());
        return select(queue, options, load);
    }
    let mut outcome = crate::diff::diffcore_with(
        odb,
        queue,
        renames.as_ref(),
        options.breaks.as_ref(),
        content,
    )?;
    if outcome.needed_rename_limit > 0 {
        warnings.push(Warning::RenameLimit {
            needed: outcome.needed_rename_limit,
            degraded_copies: outcome.degraded_copies,
        });
    }
    // With copies harder the tree diff included unchanged files; they are not changes.
    outcome.changes.retain(|c| provided || !c.is_unmodified());
    select(outcome.changes, options, load)
}

/// Reads both sides of a change into two buffers (for the pickaxe).
pub(crate) type Loader<'a> = crate::diff::pickaxe::Load<'a, Error>;

/// The last stages of diffcore: the pickaxe, then `--diff-filter`.
fn select(
    changes: Vec<Change>,
    options: &DiffOptions,
    load: &mut Loader<'_>,
) -> Result<Vec<Change>, Error> {
    let changes = match &options.pickaxe {
        Some(p) => p.filter(changes, &options.line, load)?,
        None => changes,
    };
    Ok(options.filter.apply(changes))
}

/// A [`Loader`] reading the sides `old` and `new` as the file diff does (blobs, gitlinks'
/// `Subproject commit` lines, the provider's index and work-tree files), saying whether
/// the pair is binary.
pub(crate) fn side_loader<'a>(
    repo: &'a Repository,
    options: &'a DiffOptions,
    old: &'a Resolved,
    new: &'a Resolved,
    provider: Option<&'a dyn SideProvider>,
) -> impl FnMut(&Change, &mut Vec<u8>, &mut Vec<u8>) -> Result<bool, Error> + 'a {
    let ctx = FileCtx {
        repo,
        options,
        detail: Detail::Counts,
        damage: false,
        abbrev_start: None,
        provider,
        old,
        new,
    };
    move |c, a, b| {
        ctx.load(ctx.old, c.old_mode, &c.old_id, &c.old_path, a)?;
        ctx.load(ctx.new, c.new_mode, &c.new_id, &c.new_path, b)?;
        Ok(ctx.attrs().is_binary_pair(&c.old_path, a, &c.new_path, b)?)
    }
}

fn spec_of(side: &Side) -> String {
    match side {
        Side::Rev(s) => s.clone(),
        Side::Id(id) => id.to_hex(),
        Side::EmptyTree => "4b825dc642cb6eb9a060e54bf8d69288fbee4904".to_string(),
        Side::Index => ":index".to_string(),
        Side::WorkTree => ":worktree".to_string(),
    }
}

/// Resolves one side: a revision or id peeled to a tree (keeping the commit) or a blob.
pub fn resolve_side(repo: &Repository, side: &Side) -> Result<Resolved, Error> {
    let (id, blob_path) = match side {
        Side::Index => return Ok(Resolved::Index),
        Side::WorkTree => return Ok(Resolved::WorkTree),
        Side::EmptyTree => {
            return Ok(Resolved::Tree {
                tree: repo.hash_kind().empty_tree(),
                commit: None,
            })
        }
        Side::Id(id) => (*id, id.to_hex().into_bytes()),
        Side::Rev(s) => {
            let id = crate::revision::resolve(repo, s)?;
            // git shows a blob named `<rev>:<path>` under its path.
            let path = match s.split_once(':') {
                Some((rev, p)) if !rev.is_empty() && !p.is_empty() => p.trim_start_matches("./"),
                _ => s.as_str(),
            };
            (id, path.as_bytes().to_vec())
        }
    };
    let odb = repo.odb();
    let mut id = id;
    let mut buf = Vec::new();
    let mut commit = None;
    for _ in 0..64 {
        if id == id.kind().empty_tree() {
            return Ok(Resolved::Tree { tree: id, commit });
        }
        match odb.read_into(&id, &mut buf)? {
            ObjectKind::Blob => {
                return Ok(Resolved::Blob {
                    id,
                    path: blob_path,
                })
            }
            ObjectKind::Tree => return Ok(Resolved::Tree { tree: id, commit }),
            ObjectKind::Commit => {
                let c = Commit::parse(&buf)
                    .map_err(|source| crate::diff::DiffError::Parse { id, source })?;
                commit = Some(id);
                id = c.tree;
            }
            ObjectKind::Tag => {
                id = Tag::parse(&buf)
                    .map_err(|source| crate::diff::DiffError::Parse { id, source })?
                    .object;
            }
        }
    }
    Err(crate::diff::DiffError::TooDeep(id).into())
}

/// The commit a side names (peeling tags).
fn side_commit(
    repo: &Repository,
    w: &mut CommitWalker<'_>,
    side: &Side,
) -> Result<ObjectId, Error> {
    let id = match side {
        Side::Rev(s) => crate::revision::resolve(repo, s)?,
        Side::Id(id) => *id,
        _ => return Err(Error::BadRequest("a merge base needs two commits".into())),
    };
    Ok(w.peel_to_commit(&id)?)
}

fn resolve_endpoints(
    repo: &Repository,
    endpoints: &Endpoints,
    warnings: &mut Vec<Warning>,
) -> Result<(Resolved, Resolved, Option<ObjectId>), Error> {
    match endpoints {
        Endpoints::Pair { old, new } => {
            Ok((resolve_side(repo, old)?, resolve_side(repo, new)?, None))
        }
        Endpoints::Symmetric { old, new } | Endpoints::MergeBase { old, new } => {
            let strict = matches!(endpoints, Endpoints::MergeBase { .. });
            // `--merge-base A` against the index or the work tree: A's merge base with
            // `HEAD`.
            let workspace = matches!(new, Side::Index | Side::WorkTree);
            if workspace && !strict {
                return Err(Error::Unsupported(
                    "diff against the index or the work tree".into(),
                ));
            }
            let mut w = CommitWalker::new(repo);
            let a = side_commit(repo, &mut w, old)?;
            let head = Side::Rev("HEAD".into());
            let b = side_commit(repo, &mut w, if workspace { &head } else { new })?;
            let bases = w.merge_bases(&a, &[b])?;
            let range = format!("{}...{}", spec_of(old), spec_of(new));
            let base = match bases.as_slice() {
                [] if strict => return Err(Error::NotFound("no merge base found".into())),
                [] => return Err(Error::NotFound(format!("{range}: no merge base"))),
                [one] => *one,
                [..] if strict => {
                    return Err(Error::BadRequest("multiple merge bases found".into()))
                }
                [first, ..] => {
                    warnings.push(Warning::MultipleMergeBases {
                        range,
                        used: *first,
                    });
                    *first
                }
            };
            Ok((
                resolve_side(repo, &Side::Id(base))?,
                resolve_side(repo, new)?,
                Some(base),
            ))
        }
        Endpoints::Commit(side) => {
            let new = resolve_side(repo, side)?;
            let Resolved::Tree {
                commit: Some(commit),
                ..
            } = new
            else {
                return Err(Error::BadRequest(format!(
                    "{} is not a commit",
                    spec_of(side)
                )));
            };
            let parent = first_parent(repo, &commit)?;
            let old = match parent {
                Some(p) => resolve_side(repo, &Side::Id(p))?,
                None => resolve_side(repo, &Side::EmptyTree)?,
            };
            Ok((old, new, None))
        }
    }
}

/// The first parent of a commit (as the commit-graph or the object says).
pub(crate) fn first_parent(
    repo: &Repository,
    commit: &ObjectId,
) -> Result<Option<ObjectId>, Error> {
    let c = crate::revision::walk::WalkedCommit::read(repo, *commit)?;
    Ok(c.parents.first().copied())
}

/// The abbreviation start length of patch `index` lines (`None`: full ids).
pub(super) fn abbrev_start(repo: &Repository, o: &DiffOptions) -> Option<usize> {
    if o.full_index {
        return None;
    }
    match o.abbrev {
        super::Abbrev::Full => None,
        super::Abbrev::Len(n) => Some(n.max(crate::odb::MIN_ABBREV)),
        super::Abbrev::Auto => Some(crate::odb::auto_abbrev_len(
            repo.odb().approximate_object_count(),
        )),
    }
}

/// What every file pair of one run shares.
struct FileCtx<'a, 'r> {
    repo: &'r Repository,
    options: &'a DiffOptions,
    detail: Detail,
    /// Compute [`FileDiff::damage`].
    damage: bool,
    abbrev_start: Option<usize>,
    provider: Option<&'a dyn SideProvider>,
    old: &'a Resolved,
    new: &'a Resolved,
}

/// Per-thread state reused across file pairs.
#[derive(Default)]
pub(crate) struct Worker<'a> {
    state: State,
    /// Content buffers for runs that keep no content with the files.
    old: Vec<u8>,
    new: Vec<u8>,
    abbrev: Option<Abbreviator<'a>>,
    /// A file buffer kept between sequential runs.
    file: Option<FileDiff>,
}

impl<'a, 'r> FileCtx<'a, 'r> {
    /// The `diff` attributes for this pair: the provider's when a side is the index or
    /// the work tree, else the repository's.
    fn attrs(&self) -> &crate::diff::attr::DiffAttributes {
        let reads_index = |r: &Resolved| matches!(r, Resolved::Index | Resolved::WorkTree);
        match self.provider {
            Some(p) if reads_index(self.old) || reads_index(self.new) => p
                .diff_attributes()
                .unwrap_or_else(|| self.repo.diff_attributes()),
            _ => self.repo.diff_attributes(),
        }
    }

    /// Reads one side: a blob's bytes, a gitlink's `Subproject commit <id>` line, content
    /// from the provider for a null id, or nothing for a missing side. Returns the id to
    /// show.
    fn load(
        &self,
        side: &Resolved,
        mode: u32,
        id: &ObjectId,
        path: &[u8],
        buf: &mut Vec<u8>,
    ) -> Result<ObjectId, Error> {
        buf.clear();
        match mode {
            0 => Ok(*id),
            _ if *side == Resolved::WorkTree && self.provider.is_some() => {
                self.provider.expect("checked").load(side, path, mode, buf)
            }
            0o160000 => {
                use std::io::Write;
                let _ = writeln!(buf, "Subproject commit {id}");
                Ok(*id)
            }
            _ if id.is_null() && self.provider.is_some() => {
                self.provider.expect("checked").load(side, path, mode, buf)
            }
            _ => {
                let kind = self.repo.odb().read_into(id, buf)?;
                if kind != ObjectKind::Blob {
                    return Err(crate::odb::OdbError::Corrupt {
                        path: std::path::PathBuf::from(id.to_string()),
                        what: format!("expected a blob, found a {kind}"),
                    }
                    .into());
                }
                Ok(*id)
            }
        }
    }

    fn diff_one(&self, w: &mut Worker<'r>, c: &Change, fd: &mut FileDiff) -> Result<(), Error> {
        fd.reset(c);
        fd.detail = self.detail;
        if self.detail == Detail::Changes {
            return Ok(());
        }
        // Only patches keep the contents with the file; counts use the worker's buffers,
        // so the files in flight stay small.
        let keep = self.detail == Detail::Hunks;
        if !keep {
            std::mem::swap(&mut fd.old, &mut w.old);
            std::mem::swap(&mut fd.new, &mut w.new);
        }
        let r = self.diff_loaded(w, c, fd);
        if !keep {
            std::mem::swap(&mut fd.old, &mut w.old);
            std::mem::swap(&mut fd.new, &mut w.new);
            fd.old.clear();
            fd.new.clear();
        }
        r
    }

    fn diff_loaded(&self, w: &mut Worker<'r>, c: &Change, fd: &mut FileDiff) -> Result<(), Error> {
        let old_id = self.load(self.old, c.old_mode, &c.old_id, &c.old_path, &mut fd.old)?;
        let new_id = self.load(self.new, c.new_mode, &c.new_id, &c.new_path, &mut fd.new)?;
        fd.index_ids = (old_id, new_id);
        fd.old_size = fd.old.len() as u64;
        fd.new_size = fd.new.len() as u64;
        fd.old_ends_with_newline = fd.old.last().is_none_or(|&b| b == b'\n');
        fd.new_ends_with_newline = fd.new.last().is_none_or(|&b| b == b'\n');
        let attrs = self.attrs();
        let old_binary = attrs.is_binary(&c.old_path, &fd.old)?;
        let new_binary = attrs.is_binary(&c.new_path, &fd.new)?;
        fd.binary = old_binary || new_binary;
        fd.contents_differ = fd.old != fd.new;
        if self.damage {
            fd.damage = crate::diff::dirstat::damage(c, &fd.old, &fd.new);
        }
        let hunks = self.detail == Detail::Hunks;
        if hunks {
            let odb = self.repo.odb();
            let ab = w.abbrev.get_or_insert_with(|| Abbreviator::new(odb));
            let null = c.old_id.kind().null_id();
            let name = |ab: &mut Abbreviator<'_>, mode: u32, id: &ObjectId| {
                ab.abbrev(if mode == 0 { &null } else { id }, self.abbrev_start)
            };
            fd.index_names.0 = name(ab, c.old_mode, &old_id)?;
            fd.index_names.1 = name(ab, c.new_mode, &new_id)?;
            if c.kind == ChangeKind::TypeChanged {
                fd.null_name = ab.abbrev(&null, self.abbrev_start)?;
            }
        }
        let line_err = |e| Error::Line {
            path: c.path().to_vec(),
            source: e,
        };
        let FileDiff {
            old,
            new,
            hunks: hrecs,
            lines,
            ..
        } = fd;
        let opts = &self.options.line;
        if c.kind == ChangeKind::TypeChanged {
            if !fd.binary {
                let counts = w.state.diff(old, new, opts).map_err(line_err)?.counts();
                fd.additions = counts.added;
                fd.deletions = counts.deleted;
            }
            if hunks {
                fd.part_binary = (old_binary, new_binary);
                if !fd.part_binary.0 {
                    let d = w.state.diff(old, b"", opts).map_err(line_err)?;
                    push_hunks(&d, old, new, Part::Old, hrecs, lines);
                }
                if !fd.part_binary.1 {
                    let d = w.state.diff(b"", new, opts).map_err(line_err)?;
                    push_hunks(&d, old, new, Part::New, hrecs, lines);
                }
            }
        } else if fd.binary {
            // No lines; the contents are not needed any more.
        } else if c.kind == ChangeKind::Modified && c.score.is_some_and(|s| s > 0) {
            fd.deletions = count_lines(old);
            fd.additions = count_lines(new);
            if hunks {
                push_rewrite_hunk(old, new, hrecs, lines);
            }
        } else {
            let d = w.state.diff(old, new, opts).map_err(line_err)?;
            let counts = d.counts();
            fd.additions = counts.added;
            fd.deletions = counts.deleted;
            if hunks {
                push_hunks(&d, old, new, Part::Whole, hrecs, lines);
            }
        }
        // git's diffstat counts nothing for equal ids (a submodule only dirty in the
        // work tree), though its patch shows the `-dirty` line.
        if c.old_id == c.new_id && !c.old_id.is_null() && c.old_mode == c.new_mode {
            fd.additions = 0;
            fd.deletions = 0;
        }
        if !hunks || (fd.binary && c.kind != ChangeKind::TypeChanged) {
            fd.old.clear();
            fd.new.clear();
        }
        Ok(())
    }
}

/// Offset of `part` inside `whole` (both from the same buffer).
fn offset_in(whole: &[u8], part: &[u8]) -> usize {
    (part.as_ptr() as usize).wrapping_sub(whole.as_ptr() as usize)
}

/// Records the hunks and lines of `d` (a diff of `old`/`new`, or of one of them against
/// the empty buffer for a type change's parts).
fn push_hunks(
    d: &line::LineDiff<'_>,
    old: &[u8],
    new: &[u8],
    part: Part,
    hunks: &mut Vec<HunkRec>,
    lines: &mut Vec<LineRec>,
) {
    patch::walk_hunks(d, &patch::default_funcname, |e| match e {
        HunkEvent::Hunk(h, func) => {
            let f = if func.is_empty() {
                (0, 0)
            } else {
                let at = offset_in(old, func);
                (at, at + func.len())
            };
            if let Some(last) = hunks.last_mut() {
                last.lines.1 = lines.len();
            }
            hunks.push(HunkRec {
                old_start: h.old_start,
                old_len: h.old_len,
                new_start: h.new_start,
                new_len: h.new_len,
                func: f,
                lines: (lines.len(), lines.len()),
                part,
            });
        }
        HunkEvent::Line {
            mark,
            old: o,
            new: n,
        } => {
            let (kind, text, in_new, old_no, new_no) = match mark {
                b'-' => (LineKind::Deleted, d.old_line(o), false, o as u32 + 1, 0),
                b'+' => (LineKind::Added, d.new_line(n), true, 0, n as u32 + 1),
                _ => (
                    LineKind::Context,
                    d.new_line(n),
                    true,
                    o as u32 + 1,
                    n as u32 + 1,
                ),
            };
            let base = if in_new { new } else { old };
            lines.push(LineRec {
                kind,
                old_no,
                new_no,
                in_new,
                start: offset_in(base, text),
                len: text.len() as u32,
            });
        }
    });
    if let Some(last) = hunks.last_mut() {
        last.lines.1 = lines.len();
    }
}

/// git's line count for rewrites: the number of newlines, plus one for an unterminated
/// last line.
fn count_lines(data: &[u8]) -> u64 {
    let n = memchr::memchr_iter(b'\n', data).count() as u64;
    n + u64::from(!data.is_empty() && !data.ends_with(b"\n"))
}

/// The single hunk of a `-B` complete rewrite: every old line removed, every new added.
fn push_rewrite_hunk(old: &[u8], new: &[u8], hunks: &mut Vec<HunkRec>, lines: &mut Vec<LineRec>) {
    let first = lines.len();
    for (in_new, data) in [(false, old), (true, new)] {
        let mut at = 0usize;
        for (i, line) in data.split_inclusive(|&b| b == b'\n').enumerate() {
            let no = i as u32 + 1;
            lines.push(LineRec {
                kind: if in_new {
                    LineKind::Added
                } else {
                    LineKind::Deleted
                },
                old_no: if in_new { 0 } else { no },
                new_no: if in_new { no } else { 0 },
                in_new,
                start: at,
                len: line.len() as u32,
            });
            at += line.len();
        }
    }
    hunks.push(HunkRec {
        old_start: 0,
        old_len: count_lines(old) as usize,
        new_start: 0,
        new_len: count_lines(new) as usize,
        func: (0, 0),
        lines: (first, lines.len()),
        part: Part::Whole,
    });
}

/// Files per task, and tasks in flight: the memory bound of a run is about
/// `CHUNK * WINDOW` file pairs, whatever the size of the diff.
const CHUNK: usize = 4;
const WINDOW: usize = 8;

/// Diffs `changes` on the rayon pool, delivering results in order; returns whether every
/// file was delivered (false: the sink stopped).
fn run_parallel<'r, E: From<Error>>(
    ctx: &FileCtx<'_, 'r>,
    changes: &[Change],
    deliver: &mut dyn FnMut(&FileDiff) -> Result<bool, E>,
) -> Result<bool, E> {
    type Batch = Vec<Result<(), Error>>;
    let workers: Mutex<Vec<Worker<'r>>> = Mutex::new(Vec::new());
    let spare: Mutex<Vec<Vec<FileDiff>>> = Mutex::new(Vec::new());
    let cancel = std::sync::atomic::AtomicBool::new(false);
    let blank = || FileDiff::empty(changes[0].clone());
    rayon::in_place_scope(|scope| -> Result<bool, E> {
        let mut pending: VecDeque<std::sync::mpsc::Receiver<(Batch, Vec<FileDiff>)>> =
            VecDeque::new();
        let mut next = 0usize;
        loop {
            while pending.len() < WINDOW && next < changes.len() {
                let batch = &changes[next..(next + CHUNK).min(changes.len())];
                next += batch.len();
                let (tx, rx) = std::sync::mpsc::sync_channel(1);
                let (workers, spare, cancel) = (&workers, &spare, &cancel);
                scope.spawn(move |_| {
                    let mut w = workers
                        .lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .pop()
                        .unwrap_or_default();
                    let mut files = spare
                        .lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .pop()
                        .unwrap_or_default();
                    while files.len() < batch.len() {
                        files.push(blank());
                    }
                    let mut results = Vec::with_capacity(batch.len());
                    for (c, fd) in batch.iter().zip(files.iter_mut()) {
                        if cancel.load(std::sync::atomic::Ordering::Relaxed) {
                            break;
                        }
                        let r = ctx.diff_one(&mut w, c, fd);
                        let failed = r.is_err();
                        results.push(r);
                        if failed {
                            break;
                        }
                    }
                    workers.lock().unwrap_or_else(|e| e.into_inner()).push(w);
                    let _ = tx.send((results, files));
                });
                pending.push_back(rx);
            }
            let Some(rx) = pending.pop_front() else {
                return Ok(true);
            };
            // A task that panicked drops its sender; the scope re-raises the panic.
            let Ok((results, files)) = rx.recv() else {
                cancel.store(true, std::sync::atomic::Ordering::Relaxed);
                return Ok(false);
            };
            for (r, fd) in results.into_iter().zip(files.iter()) {
                if let Err(e) = r {
                    cancel.store(true, std::sync::atomic::Ordering::Relaxed);
                    return Err(e.into());
                }
                match deliver(fd) {
                    Ok(true) => {}
                    other => {
                        cancel.store(true, std::sync::atomic::Ordering::Relaxed);
                        return other;
                    }
                }
            }
            spare.lock().unwrap_or_else(|e| e.into_inner()).push(files);
        }
    })
}
