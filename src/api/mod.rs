//! The three questions review tools ask, as one engine behind the CLI, JSON and HTTP:
//!
//! * **changes**: which paths changed between two revisions and how ([`changes`]);
//! * **diff**: each file pair's line diff and git-identical patch text ([`Differ`]);
//! * **stats**: additions, deletions and files ([`Stats`]).
//!
//! File pairs are diffed in parallel with `rayon`, each worker reusing its own buffers,
//! and results come back in git's order through a sink callback, so a front end can
//! stream a large diff without holding it all.
//!
//! ```no_run
//! use oxgit::api::{self, DiffOptions, Differ};
//! use oxgit::Repository;
//!
//! let repo = Repository::discover(std::path::Path::new("."))?;
//! let outcome = api::changes(&repo, "HEAD~1", "HEAD", &api::ChangeOptions::default())?;
//! let differ = Differ::new(&repo, DiffOptions::default());
//! let mut stats = api::Stats::default();
//! differ.for_each(&outcome.changes, |file| {
//!     stats.add(file);
//!     print!("{}", String::from_utf8_lossy(&file.patch));
//!     Ok(())
//! })?;
//! println!("{} files, +{} -{}", stats.files, stats.additions, stats.deletions);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use crate::diff::line::{self, State};
use crate::diff::patch::{self, PairHeader, PairStatus};
use crate::diff::{
    changes_between, peel_to_tree, Change, ChangeKind, DiffError, Pathspec, RenameOptions,
    RenameOutcome, TreeDiffOptions,
};
use crate::object::ObjectKind;
use crate::odb::{Abbreviator, OdbError};
use crate::oid::ObjectId;
use crate::repo::Repository;
use crate::revision::RevisionError;
use rayon::prelude::*;
use std::collections::HashMap;

/// Why a question could not be answered.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// A revision did not resolve.
    #[error(transparent)]
    Revision(#[from] RevisionError),
    /// The tree diff or rename detection failed.
    #[error(transparent)]
    Diff(#[from] DiffError),
    /// An object could not be read.
    #[error(transparent)]
    Odb(#[from] OdbError),
    /// A line diff refused its input (too large).
    #[error("{path}: {source}")]
    Line {
        /// The file pair's path.
        path: String,
        /// Why.
        source: line::Error,
    },
    /// The sink asked to stop or failed to write.
    #[error("output: {0}")]
    Sink(#[from] std::io::Error),
}

/// What counts as a change: paths to limit to and rename/copy detection.
#[derive(Clone, Debug)]
pub struct ChangeOptions {
    /// Only these paths (literal paths and directory prefixes); empty means all.
    pub paths: Vec<Vec<u8>>,
    /// Rename (and copy) detection; `None` turns it off. On by default, as in git 2.47.
    pub renames: Option<RenameOptions>,
}

impl Default for ChangeOptions {
    fn default() -> Self {
        ChangeOptions {
            paths: Vec::new(),
            renames: Some(RenameOptions::default()),
        }
    }
}

/// The changes between two revisions: `from` and `to` are anything `rev-parse` accepts
/// that names a commit or tree.
pub fn changes(
    repo: &Repository,
    from: &str,
    to: &str,
    options: &ChangeOptions,
) -> Result<RenameOutcome, ApiError> {
    let a = crate::revision::resolve(repo, from)?;
    let b = crate::revision::resolve(repo, to)?;
    changes_between_ids(repo, Some(&a), Some(&b), options)
}

/// The changes between two commits or trees given by id (`None`: the empty tree, as for
/// a root commit).
pub fn changes_between_ids(
    repo: &Repository,
    from: Option<&ObjectId>,
    to: Option<&ObjectId>,
    options: &ChangeOptions,
) -> Result<RenameOutcome, ApiError> {
    let odb = repo.odb();
    let old_tree = from.map(|id| peel_to_tree(odb, id)).transpose()?;
    let new_tree = to.map(|id| peel_to_tree(odb, id)).transpose()?;
    let tree_opts = TreeDiffOptions {
        pathspec: Pathspec::new(options.paths.iter().cloned()),
        include_unmodified: false,
    };
    Ok(changes_between(
        odb,
        old_tree.as_ref(),
        new_tree.as_ref(),
        &tree_opts,
        options.renames.as_ref(),
        None,
    )?)
}

/// How file pairs are diffed and what is kept of each.
#[derive(Clone, Debug)]
pub struct DiffOptions {
    /// Line diff options: algorithm, context, whitespace handling.
    pub line: line::Options,
    /// Produce git's patch text for each pair ([`FileDiff::patch`]).
    pub patch: bool,
    /// Keep the hunks ([`FileDiff::hunks`]).
    pub hunks: bool,
    /// Path prefix of the old side in patch headers (`a/`).
    pub src_prefix: Vec<u8>,
    /// Path prefix of the new side (`b/`).
    pub dst_prefix: Vec<u8>,
    /// Starting length of abbreviated ids in `index` lines; `None` for full ids,
    /// `Some(0)` for git's automatic length.
    pub abbrev: Option<usize>,
}

impl Default for DiffOptions {
    fn default() -> Self {
        DiffOptions {
            line: line::Options::default(),
            patch: true,
            hunks: false,
            src_prefix: b"a/".to_vec(),
            dst_prefix: b"b/".to_vec(),
            abbrev: Some(0),
        }
    }
}

/// One file pair's diff.
#[derive(Clone, Debug)]
pub struct FileDiff {
    /// The change this diff is of.
    pub change: Change,
    /// Whether either side is binary (then there are no line counts).
    pub binary: bool,
    /// Added lines (`+` lines of the patch).
    pub additions: u64,
    /// Deleted lines.
    pub deletions: u64,
    /// Size in bytes of the old side's content.
    pub old_size: u64,
    /// Size in bytes of the new side's content.
    pub new_size: u64,
    /// Whether the new side is empty or ends with a newline.
    pub new_ends_with_newline: bool,
    /// The hunks, when [`DiffOptions::hunks`] is set.
    pub hunks: Vec<patch::Hunk>,
    /// git's `-p` text for this pair, when [`DiffOptions::patch`] is set.
    pub patch: Vec<u8>,
}

impl FileDiff {
    /// Whether git's `--stat`/`--numstat` would leave this pair out: a modification whose
    /// line diff is empty (possible with whitespace options) and whose mode is unchanged.
    pub fn is_empty_modification(&self) -> bool {
        !self.binary
            && self.additions == 0
            && self.deletions == 0
            && self.change.kind == ChangeKind::Modified
            && self.change.old_mode == self.change.new_mode
            && self.change.score.is_none_or(|s| s == 0)
    }
}

/// Totals over a set of file diffs.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Stats {
    /// Files changed (binary ones included).
    pub files: u64,
    /// Lines added.
    pub additions: u64,
    /// Lines deleted.
    pub deletions: u64,
}

impl Stats {
    /// Adds one file's counts (skipping what git's stats skip).
    pub fn add(&mut self, file: &FileDiff) {
        if file.is_empty_modification() {
            return;
        }
        self.files += 1;
        self.additions += file.additions;
        self.deletions += file.deletions;
    }

    /// Lines added plus lines deleted.
    pub fn changes(&self) -> u64 {
        self.additions + self.deletions
    }
}

/// File pairs per parallel batch: large enough to keep both cores busy, small enough
/// that a huge diff is streamed rather than held whole.
const BATCH: usize = 256;

/// Diffs file pairs of a change list, in parallel, in git's order.
pub struct Differ<'r> {
    repo: &'r Repository,
    options: DiffOptions,
}

impl<'r> Differ<'r> {
    /// A differ reading blobs from `repo`.
    pub fn new(repo: &'r Repository, options: DiffOptions) -> Differ<'r> {
        Differ { repo, options }
    }

    /// The options in use.
    pub fn options(&self) -> &DiffOptions {
        &self.options
    }

    /// Diffs every change and calls `sink` with each result in order. Stops at the first
    /// error (from a diff or from the sink).
    pub fn for_each(
        &self,
        changes: &[Change],
        mut sink: impl FnMut(&FileDiff) -> Result<(), ApiError>,
    ) -> Result<(), ApiError> {
        let abbrevs = self.abbreviations(changes)?;
        for batch in changes.chunks(BATCH) {
            let results: Vec<Result<FileDiff, ApiError>> = batch
                .par_iter()
                .map_init(Worker::default, |w, c| self.diff_one(w, c, &abbrevs))
                .collect();
            for r in results {
                sink(&r?)?;
            }
        }
        Ok(())
    }

    /// Diffs every change and returns the results in order.
    pub fn diff_all(&self, changes: &[Change]) -> Result<Vec<FileDiff>, ApiError> {
        let mut out = Vec::with_capacity(changes.len());
        self.for_each(changes, |f| {
            out.push(f.clone());
            Ok(())
        })?;
        Ok(out)
    }

    /// Diffs one change on the calling thread (for callers that parallelize themselves,
    /// such as a history walk diffing many commits at once).
    pub fn diff_single(&self, worker: &mut Worker, change: &Change) -> Result<FileDiff, ApiError> {
        let abbrevs = if self.options.patch {
            self.abbreviations(std::slice::from_ref(change))?
        } else {
            HashMap::new()
        };
        self.diff_one(worker, change, &abbrevs)
    }

    /// The abbreviated names of every id the patch headers will show.
    fn abbreviations(&self, changes: &[Change]) -> Result<HashMap<ObjectId, String>, ApiError> {
        let mut map = HashMap::new();
        if !self.options.patch {
            return Ok(map);
        }
        let odb = self.repo.odb();
        let start = match self.options.abbrev {
            None => None,
            Some(0) => Some(crate::odb::default_abbrev_len(odb, self.repo.config())),
            Some(n) => Some(n.max(crate::odb::MIN_ABBREV)),
        };
        let mut ab = Abbreviator::new(odb);
        // A missing side shows the null id at the starting length.
        let null = self.repo.hash_kind().null_id();
        map.insert(null, ab.abbrev(&null, start)?);
        for c in changes {
            for id in [c.old_id, c.new_id] {
                if let std::collections::hash_map::Entry::Vacant(e) = map.entry(id) {
                    e.insert(ab.abbrev(&id, start)?);
                }
            }
        }
        Ok(map)
    }

    fn diff_one(
        &self,
        w: &mut Worker,
        c: &Change,
        abbrevs: &HashMap<ObjectId, String>,
    ) -> Result<FileDiff, ApiError> {
        let odb = self.repo.odb();
        let Worker {
            state,
            old,
            new,
            patch: patch_buf,
        } = w;
        load_side(odb, c.old_mode, &c.old_id, old)?;
        load_side(odb, c.new_mode, &c.new_id, new)?;
        let (old, new) = (&old[..], &new[..]);
        let mut fd = FileDiff {
            change: c.clone(),
            binary: false,
            additions: 0,
            deletions: 0,
            old_size: old.len() as u64,
            new_size: new.len() as u64,
            new_ends_with_newline: new.is_empty() || new.ends_with(b"\n"),
            hunks: Vec::new(),
            patch: Vec::new(),
        };
        let line_err = |e| ApiError::Line {
            path: String::from_utf8_lossy(&c.new_path).into_owned(),
            source: e,
        };
        let rewrite = c.kind == ChangeKind::Modified && c.score.is_some_and(|s| s > 0);
        if crate::diff::binary::is_binary_pair(old, new) {
            fd.binary = true;
            if self.options.patch {
                self.write_patch(&mut fd.patch, c, abbrevs, old, new, state)
                    .map_err(line_err)?;
            }
            return Ok(fd);
        }
        if rewrite {
            fd.deletions = count_lines(old);
            fd.additions = count_lines(new);
        } else {
            let d = state.diff(old, new, &self.options.line).map_err(line_err)?;
            let counts = d.counts();
            fd.additions = counts.added;
            fd.deletions = counts.deleted;
            if self.options.hunks {
                fd.hunks = patch::hunks(&d);
            }
        }
        if self.options.patch {
            patch_buf.clear();
            self.write_patch(patch_buf, c, abbrevs, old, new, state)
                .map_err(line_err)?;
            fd.patch = patch_buf.clone();
        }
        Ok(fd)
    }

    /// Writes git's `-p` text of one change: a type change is shown as a deletion and
    /// an addition; a `-B` rewrite as one hunk replacing everything.
    fn write_patch(
        &self,
        out: &mut Vec<u8>,
        c: &Change,
        abbrevs: &HashMap<ObjectId, String>,
        old: &[u8],
        new: &[u8],
        state: &mut State,
    ) -> Result<(), line::Error> {
        let name = |id: &ObjectId| abbrevs.get(id).map(String::as_str).unwrap_or("");
        let null = self.repo.hash_kind().null_id();
        let null_name = name(&null).to_string();
        let id_name = |mode: u32, id: &ObjectId| -> String {
            if mode == 0 {
                null_name.clone()
            } else {
                name(id).to_string()
            }
        };
        let header = |old_mode: Option<u32>, new_mode: Option<u32>, status| PairHeader {
            old_path: &c.old_path,
            new_path: &c.new_path,
            old_mode,
            new_mode,
            old_id: "",
            new_id: "",
            status,
            src_prefix: &self.options.src_prefix,
            dst_prefix: &self.options.dst_prefix,
        };
        let some = |m: u32| (m != 0).then_some(m);
        let opts = &self.options.line;
        if c.kind == ChangeKind::TypeChanged {
            let (o_name, n_name) = (id_name(c.old_mode, &c.old_id), id_name(0, &null));
            let mut h = header(some(c.old_mode), None, PairStatus::Plain);
            h.new_path = &c.old_path;
            h.old_id = &o_name;
            h.new_id = &n_name;
            patch::write_pair(out, state, &h, old, b"", opts)?;
            let (o_name, n_name) = (id_name(0, &null), id_name(c.new_mode, &c.new_id));
            let mut h = header(None, some(c.new_mode), PairStatus::Plain);
            h.old_path = &c.new_path;
            h.old_id = &o_name;
            h.new_id = &n_name;
            patch::write_pair(out, state, &h, b"", new, opts)?;
            return Ok(());
        }
        let status = match c.kind {
            ChangeKind::Renamed => PairStatus::Renamed(c.percent().unwrap_or(0)),
            ChangeKind::Copied => PairStatus::Copied(c.percent().unwrap_or(0)),
            ChangeKind::Modified if c.score.is_some_and(|s| s > 0) => {
                PairStatus::Rewritten(c.percent().unwrap_or(0))
            }
            _ => PairStatus::Plain,
        };
        let (o_name, n_name) = (
            id_name(c.old_mode, &c.old_id),
            id_name(c.new_mode, &c.new_id),
        );
        let mut h = header(some(c.old_mode), some(c.new_mode), status);
        h.old_id = &o_name;
        h.new_id = &n_name;
        if matches!(status, PairStatus::Rewritten(_))
            && !crate::diff::binary::is_binary_pair(old, new)
        {
            patch::write_pair_header(out, &h);
            patch::write_file_labels(out, &h);
            write_rewrite_hunk(out, old, new);
            return Ok(());
        }
        patch::write_pair(out, state, &h, old, new, opts)?;
        Ok(())
    }
}

/// Per-thread buffers reused across file pairs.
#[derive(Default)]
pub struct Worker {
    state: State,
    old: Vec<u8>,
    new: Vec<u8>,
    patch: Vec<u8>,
}

/// Reads one side of a pair: a blob's bytes, a gitlink's synthetic
/// `Subproject commit <id>` line, or nothing for a missing side.
fn load_side(
    odb: &crate::odb::Odb,
    mode: u32,
    id: &ObjectId,
    buf: &mut Vec<u8>,
) -> Result<(), OdbError> {
    buf.clear();
    match mode {
        0 => Ok(()),
        0o160000 => {
            buf.extend_from_slice(format!("Subproject commit {id}\n").as_bytes());
            Ok(())
        }
        _ => {
            let kind = odb.read_into(id, buf)?;
            if kind != ObjectKind::Blob {
                return Err(OdbError::Corrupt {
                    path: std::path::PathBuf::from(id.to_string()),
                    what: format!("expected a blob, found a {kind}"),
                });
            }
            Ok(())
        }
    }
}

/// git's line count for rewrites: the number of newlines, plus one for an unterminated
/// last line.
fn count_lines(data: &[u8]) -> u64 {
    let n = memchr::memchr_iter(b'\n', data).count() as u64;
    n + u64::from(!data.is_empty() && !data.ends_with(b"\n"))
}

/// The single hunk of a `-B` complete rewrite: every old line removed, every new line
/// added.
fn write_rewrite_hunk(out: &mut Vec<u8>, old: &[u8], new: &[u8]) {
    let range = |n: u64| match n {
        0 => "0,0".to_string(),
        1 => "1".to_string(),
        n => format!("1,{n}"),
    };
    out.extend_from_slice(
        format!(
            "@@ -{} +{} @@\n",
            range(count_lines(old)),
            range(count_lines(new))
        )
        .as_bytes(),
    );
    for (mark, data) in [(b'-', old), (b'+', new)] {
        for line in data.split_inclusive(|&b| b == b'\n') {
            out.push(mark);
            out.extend_from_slice(line);
            if !line.ends_with(b"\n") {
                out.extend_from_slice(b"\n\\ No newline at end of file\n");
            }
        }
    }
}
