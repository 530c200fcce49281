//! Rename and copy detection, as git's diffcore-rename does it: exact matches first, then
//! unique basenames, then a similarity matrix scored with git's chunk hashing
//! (diffcore-delta), keeping git's candidate order and tie-breaks so pairs and
//! percentages come out the same.

use super::change::{is_regular, Change, ChangeKind, MAX_SCORE};
use super::tree::DiffError;
use crate::odb::Odb;
use crate::oid::ObjectId;
use rayon::prelude::*;
use std::cmp::Ordering;
use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

/// git's default minimum similarity for renames and copies (50 %).
pub const DEFAULT_RENAME_SCORE: u32 = 30000;

/// git's default rename limit for `diff`.
pub const DEFAULT_RENAME_LIMIT: i64 = 1000;

/// How many candidate sources the matrix pass keeps per destination.
const CANDIDATES_PER_DST: usize = 4;

/// How many identical sources the exact pass examines per destination.
const MAX_IDENTICAL_CANDIDATES: usize = 100;

/// Below this many source/destination pairs the matrix is scored on one thread.
const PARALLEL_THRESHOLD: usize = 256;

/// Options of rename and copy detection.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RenameOptions {
    /// Also detect copies (`-C`): modified files become sources too.
    pub copies: bool,
    /// Unmodified files are sources too (`-C -C`, `--find-copies-harder`); the tree diff
    /// must then include unmodified entries.
    pub copies_harder: bool,
    /// Minimum similarity on git's scale (`0..=MAX_SCORE`); `0` means the default.
    pub min_score: u32,
    /// The rename limit (`-l`, `diff.renameLimit`); `<= 0` means no limit.
    pub rename_limit: i64,
}

impl Default for RenameOptions {
    fn default() -> Self {
        RenameOptions {
            copies: false,
            copies_harder: false,
            min_score: DEFAULT_RENAME_SCORE,
            rename_limit: DEFAULT_RENAME_LIMIT,
        }
    }
}

/// Options of break detection (`-B[<n>][/<m>]`): which in-place edits count as complete
/// rewrites.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BreakOptions {
    /// Pairs changed by more than this (git's scale) are broken into a delete and an add
    /// (`0`: git's default, 50 %).
    pub break_score: u32,
    /// Broken pairs that are not used by rename detection are joined again, and reported
    /// as rewrites if their dissimilarity reaches this (`0`: git's default, 60 %).
    pub merge_score: u32,
}

/// git's default break score (50 %).
pub const DEFAULT_BREAK_SCORE: u32 = 30000;
/// git's default merge score for broken pairs (60 %).
pub const DEFAULT_MERGE_SCORE: u32 = 36000;
/// Pairs smaller than this are never broken.
const MINIMUM_BREAK_SIZE: u64 = 400;

impl Default for BreakOptions {
    fn default() -> Self {
        BreakOptions {
            break_score: DEFAULT_BREAK_SCORE,
            merge_score: DEFAULT_MERGE_SCORE,
        }
    }
}

/// Parses `-B`'s argument: `<n>[/<m>]`, each as git's `-M` percentages; `None` if
/// malformed.
pub fn parse_break_scores(arg: &str) -> Option<BreakOptions> {
    let (break_score, rest) = parse_rename_score(arg);
    let (merge_score, rest) = match rest.strip_prefix('/') {
        Some(m) => parse_rename_score(m),
        None => (0, rest),
    };
    rest.is_empty().then_some(BreakOptions {
        break_score,
        merge_score,
    })
}

/// The result of rename detection.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RenameOutcome {
    /// The rewritten queue, in git's order.
    pub changes: Vec<Change>,
    /// Non-zero when the rename limit cut the inexact pass short: the limit that would
    /// have been needed (git then warns).
    pub needed_rename_limit: usize,
    /// Whether `--find-copies-harder` was degraded to copies from modified files only.
    pub degraded_copies: bool,
}

/// Parses a similarity argument as git's `-M`/`-C` do: digits are a decimal fraction
/// (`90` = 0.90, `5` = 0.5) unless followed by `%`; returns the score and the unparsed
/// rest.
pub fn parse_rename_score(arg: &str) -> (u32, &str) {
    let bytes = arg.as_bytes();
    let (mut num, mut scale) = (0u64, 1u64);
    let mut dot = false;
    let mut i = 0;
    while i < bytes.len() {
        let ch = bytes[i];
        if !dot && ch == b'.' {
            scale = 1;
            dot = true;
        } else if ch == b'%' {
            scale = if dot { scale * 100 } else { 100 };
            i += 1;
            break;
        } else if ch.is_ascii_digit() {
            if scale < 100000 {
                scale *= 10;
                num = num * 10 + u64::from(ch - b'0');
            }
        } else {
            break;
        }
        i += 1;
    }
    let score = if num >= scale {
        MAX_SCORE
    } else {
        (u64::from(MAX_SCORE) * num / scale) as u32
    };
    (score, &arg[i..])
}

/// Number of buckets of the per-blob signature used to bound similarity cheaply.
const SIG_BUCKETS: usize = 128;

/// The chunk table of one blob (git's spanhash): chunk hashes in ascending order with
/// their byte counts, plus a bucketed summary that bounds the overlap of two tables.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Spans {
    hashes: Vec<u32>,
    counts: Vec<u32>,
    /// Byte counts summed per bucket (`hash % SIG_BUCKETS`).
    sig: Box<[u32; SIG_BUCKETS]>,
}

impl Default for Spans {
    fn default() -> Self {
        Spans {
            hashes: Vec::new(),
            counts: Vec::new(),
            sig: Box::new([0; SIG_BUCKETS]),
        }
    }
}

/// git's modulus for chunk hashes.
const HASHBASE: u32 = 107927;

impl Spans {
    /// Chunks `data` as diffcore-delta does: chunks end after a newline or 64 counted
    /// bytes; in text (no NUL in the first 8000 bytes) the CR of a CRLF is skipped.
    pub fn of(data: &[u8]) -> Spans {
        let mut v = Vec::with_capacity(data.len() / 16 + 1);
        Spans::fill(data, &mut v);
        let mut sig = Box::new([0u32; SIG_BUCKETS]);
        for &(h, n) in &v {
            let slot = &mut sig[h as usize % SIG_BUCKETS];
            *slot = slot.saturating_add(n);
        }
        Spans {
            hashes: v.iter().map(|e| e.0).collect(),
            counts: v.iter().map(|e| e.1).collect(),
            sig,
        }
    }

    /// The `(hash, count)` pairs in ascending hash order.
    pub fn entries(&self) -> impl Iterator<Item = (u32, u32)> + '_ {
        self.hashes.iter().copied().zip(self.counts.iter().copied())
    }

    fn fill(data: &[u8], v: &mut Vec<(u32, u32)>) {
        let text = !data[..data.len().min(8000)].contains(&0);
        let (mut a1, mut a2, mut n) = (0u32, 0u32, 0u32);
        let len = data.len();
        for (p, &c) in data.iter().enumerate() {
            if text && c == b'\r' && p + 1 < len && data[p + 1] == b'\n' {
                continue;
            }
            let old = a1;
            a1 = (a1 << 7) ^ (a2 >> 25);
            a2 = (a2 << 7) ^ (old >> 25);
            a1 = a1.wrapping_add(u32::from(c));
            n += 1;
            if n < 64 && c != b'\n' {
                continue;
            }
            v.push((a1.wrapping_add(a2.wrapping_mul(0x61)) % HASHBASE, n));
            n = 0;
            a1 = 0;
            a2 = 0;
        }
        if n > 0 {
            v.push((a1.wrapping_add(a2.wrapping_mul(0x61)) % HASHBASE, n));
        }
        v.sort_unstable_by_key(|e| e.0);
        // Merge equal hashes.
        let mut w = 0;
        for r in 0..v.len() {
            if w > 0 && v[w - 1].0 == v[r].0 {
                v[w - 1].1 += v[r].1;
            } else {
                v[w] = v[r];
                w += 1;
            }
        }
        v.truncate(w);
    }

    /// Bytes of `dst` chunks also present in `self` (`Σ min(count_src, count_dst)`).
    pub fn copied_to(&self, dst: &Spans) -> u64 {
        let (ha, ca, hb, cb) = (&self.hashes, &self.counts, &dst.hashes, &dst.counts);
        let (mut i, mut j) = (0, 0);
        let mut copied = 0u64;
        // Branch-free merge of the two sorted lists.
        while i < ha.len() && j < hb.len() {
            let (x, y) = (ha[i], hb[j]);
            let m = u64::from(ca[i].min(cb[j]));
            copied += if x == y { m } else { 0 };
            i += usize::from(x <= y);
            j += usize::from(y <= x);
        }
        copied
    }

    /// git's `diffcore_count_changes`: bytes of `dst` copied from `self`, and bytes of
    /// `dst` that are new.
    pub fn count_changes(&self, dst: &Spans) -> (u64, u64) {
        let (ha, ca, hb, cb) = (&self.hashes, &self.counts, &dst.hashes, &dst.counts);
        let (mut i, mut j) = (0, 0);
        let (mut copied, mut added) = (0u64, 0u64);
        while i < ha.len() || j < hb.len() {
            let x = ha.get(i).copied().unwrap_or(u32::MAX);
            let y = hb.get(j).copied().unwrap_or(u32::MAX);
            if i < ha.len() && (j >= hb.len() || x < y) {
                i += 1;
            } else if j < hb.len() && (i >= ha.len() || y < x) {
                added += u64::from(cb[j]);
                j += 1;
            } else {
                let (sn, dn) = (u64::from(ca[i]), u64::from(cb[j]));
                if sn < dn {
                    added += dn - sn;
                    copied += sn;
                } else {
                    copied += dn;
                }
                i += 1;
                j += 1;
            }
        }
        (copied, added)
    }

    /// An upper bound of [`Spans::copied_to`] from the bucket summaries.
    pub fn copied_bound(&self, dst: &Spans) -> u64 {
        self.sig
            .iter()
            .zip(dst.sig.iter())
            .map(|(&a, &b)| u64::from(a.min(b)))
            .sum()
    }
}

/// git's similarity of two blobs with sizes and chunk tables: `0` when the sizes differ
/// too much for `min_score`, else `copied * MAX_SCORE / max(size)`.
pub fn similarity(src: &[u8], dst: &[u8], min_score: u32) -> u32 {
    match size_filter(src.len() as u64, dst.len() as u64, min_score) {
        None => 0,
        Some(max) => score_of(Spans::of(src).copied_to(&Spans::of(dst)), max),
    }
}

/// The size pre-filter: `None` if the sizes rule a pair out, else the larger size.
fn size_filter(src: u64, dst: u64, min_score: u32) -> Option<u64> {
    let (max, min) = (src.max(dst), src.min(dst));
    let lhs = u128::from(max) * u128::from(MAX_SCORE - min_score.min(MAX_SCORE));
    let rhs = u128::from(max - min) * u128::from(MAX_SCORE);
    if lhs < rhs || dst == 0 {
        None
    } else {
        Some(max)
    }
}

fn score_of(copied: u64, max: u64) -> u32 {
    if max == 0 {
        return 0;
    }
    (u128::from(copied) * u128::from(MAX_SCORE) / u128::from(max)) as u32
}

/// A blob taking part in detection, with its size and chunk table computed on demand.
struct Blob {
    id: ObjectId,
    mode: u32,
    /// Size and chunk table, read together: nearly every blob whose size is asked for
    /// is chunked too, and reading it once halves the I/O.
    loaded: OnceLock<(u64, Spans)>,
}

impl Blob {
    fn new(id: ObjectId, mode: u32) -> Blob {
        Blob {
            id,
            mode,
            loaded: OnceLock::new(),
        }
    }
}

/// Shared state of one detection run: the object database and the first read error.
struct Loader<'a> {
    odb: &'a Odb,
    error: Mutex<Option<DiffError>>,
}

impl Loader<'_> {
    fn fail(&self, e: DiffError) {
        let mut slot = self.error.lock().unwrap_or_else(|p| p.into_inner());
        if slot.is_none() {
            *slot = Some(e);
        }
    }

    fn load<'b>(&self, b: &'b Blob, buf: &mut Vec<u8>) -> &'b (u64, Spans) {
        b.loaded
            .get_or_init(|| match self.odb.read_into(&b.id, buf) {
                Ok(_) => (buf.len() as u64, Spans::of(buf)),
                Err(e) => {
                    self.fail(e.into());
                    (0, Spans::default())
                }
            })
    }

    /// git's `estimate_similarity`.
    fn estimate(&self, src: &Blob, dst: &Blob, min_score: u32, buf: &mut Vec<u8>) -> u32 {
        if !is_regular(src.mode) || !is_regular(dst.mode) {
            return 0;
        }
        let (ssize, s) = self.load(src, buf);
        let (dsize, d) = self.load(dst, buf);
        let Some(max) = size_filter(*ssize, *dsize, min_score) else {
            return 0;
        };
        score_of(s.copied_to(d), max)
    }

    /// Like [`Loader::estimate`], but `None` when the score is certainly below
    /// `min_score` (decided from sizes and the bucket bound, without merging tables).
    fn estimate_pruned(
        &self,
        src: &Blob,
        dst: &Blob,
        min_score: u32,
        buf: &mut Vec<u8>,
    ) -> Option<u32> {
        if !is_regular(src.mode) || !is_regular(dst.mode) {
            return None;
        }
        let (ssize, s) = self.load(src, buf);
        let (dsize, d) = self.load(dst, buf);
        let max = size_filter(*ssize, *dsize, min_score)?;
        if score_of(s.copied_bound(d), max) < min_score {
            return None;
        }
        Some(score_of(s.copied_to(d), max)).filter(|&sc| sc >= min_score)
    }
}

/// The basename of a path: what follows the last `/`.
fn basename(path: &[u8]) -> &[u8] {
    match memchr::memrchr(b'/', path) {
        Some(i) => &path[i + 1..],
        None => path,
    }
}

struct Source {
    queue_index: usize,
    blob: Blob,
    used: i32,
    unmodified: bool,
}

struct Dest {
    queue_index: usize,
    blob: Blob,
    matched: Option<(usize, u32)>,
}

/// A candidate pair of the matrix pass.
#[derive(Clone, Copy, Debug)]
struct Candidate {
    score: u32,
    name_score: u8,
    dst: usize,
    src: usize,
}

/// git's `score_compare`: `Less` means `a` is better; empty slots are worst.
fn cmp_candidates(a: &Option<Candidate>, b: &Option<Candidate>) -> Ordering {
    match (a, b) {
        (None, None) => Ordering::Equal,
        (None, Some(_)) => Ordering::Greater,
        (Some(_), None) => Ordering::Less,
        (Some(a), Some(b)) => b.score.cmp(&a.score).then(b.name_score.cmp(&a.name_score)),
    }
}

/// git's `record_if_better`: replaces the first worst slot if `c` is strictly better.
fn record_if_better(slots: &mut [Option<Candidate>; CANDIDATES_PER_DST], c: Candidate) {
    let mut worst = 0;
    for i in 1..CANDIDATES_PER_DST {
        if cmp_candidates(&slots[i], &slots[worst]) == Ordering::Greater {
            worst = i;
        }
    }
    let c = Some(c);
    if cmp_candidates(&slots[worst], &c) == Ordering::Greater {
        slots[worst] = c;
    }
}

/// Detects renames (and copies) in `queue`, a tree diff in git's order, and returns the
/// rewritten queue with statuses assigned as git assigns them.
pub fn detect_renames(
    odb: &Odb,
    queue: Vec<Change>,
    opts: &RenameOptions,
) -> Result<RenameOutcome, DiffError> {
    diffcore(odb, queue, Some(opts), None)
}

/// git's diffcore pipeline on a tree-diff queue: break detection (`breaks`), rename and
/// copy detection (`renames`), re-joining of broken pairs, and status assignment.
///
/// A complete rewrite comes back as a `Modified` (or `TypeChanged`) change whose `score`
/// is its dissimilarity.
pub fn diffcore(
    odb: &Odb,
    queue: Vec<Change>,
    renames: Option<&RenameOptions>,
    breaks: Option<&BreakOptions>,
) -> Result<RenameOutcome, DiffError> {
    diffcore_with(odb, queue, renames, breaks, None)
}

/// Contents that are not in the object database: the new side of a change whose id is
/// the null id (an unhashed work-tree file).
pub trait ContentSource: Sync {
    /// Appends the content of `path` (with `mode`) to `buf`, as git would store it, and
    /// returns its blob id.
    fn load(&self, path: &[u8], mode: u32, buf: &mut Vec<u8>) -> Result<ObjectId, DiffError>;
}

/// [`diffcore`] with `content` supplying added files whose id is null. As git's exact
/// rename pass does, every such destination is hashed when there are rename sources, and
/// the change then carries the computed id.
pub fn diffcore_with(
    odb: &Odb,
    queue: Vec<Change>,
    renames: Option<&RenameOptions>,
    breaks: Option<&BreakOptions>,
    content: Option<&dyn ContentSource>,
) -> Result<RenameOutcome, DiffError> {
    let loader = Loader {
        odb,
        error: Mutex::new(None),
    };
    let (mut queue, broken) = match breaks {
        Some(b) => break_pairs(&loader, queue, b),
        None => {
            let n = queue.len();
            (queue, vec![false; n])
        }
    };
    let default_opts = RenameOptions::default();
    let opts = renames.unwrap_or(&default_opts);
    let min_score = if opts.min_score == 0 {
        DEFAULT_RENAME_SCORE
    } else {
        opts.min_score.min(MAX_SCORE)
    };
    let copies = renames.is_some() && opts.copies;
    let mut srcs: Vec<Source> = Vec::new();
    let mut dsts: Vec<Dest> = Vec::new();
    if renames.is_some() {
        for (qi, c) in queue.iter().enumerate() {
            match c.kind {
                ChangeKind::Added => dsts.push(Dest {
                    queue_index: qi,
                    blob: Blob::new(c.new_id, c.new_mode),
                    matched: None,
                }),
                ChangeKind::Deleted => srcs.push(Source {
                    queue_index: qi,
                    blob: Blob::new(c.old_id, c.old_mode),
                    // A broken delete that will be joined again keeps its path.
                    used: i32::from(broken[qi] && c.score == Some(0)),
                    unmodified: false,
                }),
                _ if copies => srcs.push(Source {
                    queue_index: qi,
                    blob: Blob::new(c.old_id, c.old_mode),
                    used: 1,
                    unmodified: c.is_unmodified(),
                }),
                _ => {}
            }
        }
    }
    let has_break = broken.iter().any(|&b| b);
    let mut outcome = RenameOutcome::default();
    if let (Some(content), false, false) = (content, dsts.is_empty(), srcs.is_empty()) {
        let mut buf = Vec::new();
        for d in &mut dsts {
            if d.blob.id.is_null() {
                buf.clear();
                let c = &mut queue[d.queue_index];
                let id = content.load(&c.new_path, c.new_mode, &mut buf)?;
                c.new_id = id;
                d.blob.id = id;
                let _ = d.blob.loaded.set((buf.len() as u64, Spans::of(&buf)));
            }
        }
    }
    if !dsts.is_empty() && !srcs.is_empty() {
        find_exact(&queue, &mut srcs, &mut dsts, copies);
        if min_score < MAX_SCORE {
            inexact(
                &queue,
                &mut srcs,
                &mut dsts,
                opts,
                min_score,
                has_break,
                &loader,
                &mut outcome,
            );
        }
    }
    if let Some(e) = loader.error.into_inner().unwrap_or_else(|p| p.into_inner()) {
        return Err(e);
    }
    outcome.changes = rewrite_queue(queue, &broken, &mut srcs, &dsts);
    Ok(outcome)
}

/// git's `diffcore_break`: splits in-place edits of blobs that changed too much into a
/// delete and an add, both marked broken and carrying the merge score (`0` if below
/// the merge threshold).
fn break_pairs(
    loader: &Loader<'_>,
    queue: Vec<Change>,
    b: &BreakOptions,
) -> (Vec<Change>, Vec<bool>) {
    let break_score = if b.break_score == 0 {
        DEFAULT_BREAK_SCORE
    } else {
        b.break_score
    };
    let merge_score = if b.merge_score == 0 {
        DEFAULT_MERGE_SCORE
    } else {
        b.merge_score
    };
    let mut buf = Vec::new();
    let mut out = Vec::with_capacity(queue.len());
    let mut broken = Vec::with_capacity(queue.len());
    let is_blob = |m: u32| matches!(m & 0o170000, 0o100000 | 0o120000);
    for c in queue {
        let candidate = matches!(c.kind, ChangeKind::Modified | ChangeKind::TypeChanged)
            && is_blob(c.old_mode)
            && is_blob(c.new_mode)
            && c.old_path == c.new_path;
        let score = if candidate {
            should_break(loader, &c, break_score, &mut buf)
        } else {
            None
        };
        match score {
            Some(score) => {
                let score = if score < merge_score { 0 } else { score };
                let mut d = Change::deleted(c.old_path.clone(), c.old_mode, c.old_id);
                d.score = Some(score);
                let mut a = Change::added(c.new_path, c.new_mode, c.new_id);
                a.score = Some(score);
                out.push(d);
                broken.push(true);
                out.push(a);
                broken.push(true);
            }
            None => {
                out.push(c);
                broken.push(false);
            }
        }
    }
    (out, broken)
}

/// git's `should_break`: the merge score if the pair should be broken.
fn should_break(
    loader: &Loader<'_>,
    c: &Change,
    break_score: u32,
    buf: &mut Vec<u8>,
) -> Option<u32> {
    if is_regular(c.old_mode) != is_regular(c.new_mode) {
        return Some(MAX_SCORE);
    }
    if c.old_id == c.new_id {
        return None;
    }
    let src = Blob::new(c.old_id, c.old_mode);
    let dst = Blob::new(c.new_id, c.new_mode);
    let (ssize, sspans) = loader.load(&src, buf);
    let (dsize, dspans) = loader.load(&dst, buf);
    let (ssize, dsize) = (*ssize, *dsize);
    let max = ssize.max(dsize);
    if max < MINIMUM_BREAK_SIZE || ssize == 0 {
        return None;
    }
    let (mut copied, mut added) = sspans.count_changes(dspans);
    copied = copied.min(ssize);
    if dsize < added + copied {
        added = dsize.saturating_sub(copied);
    }
    let removed = ssize - copied;
    let ms = u64::from(MAX_SCORE);
    let merge = (u128::from(removed) * u128::from(ms) / u128::from(ssize)) as u32;
    if merge > break_score {
        return Some(merge);
    }
    let delta = removed + added;
    if u128::from(delta) * u128::from(ms) / u128::from(max) < u128::from(break_score) {
        return None;
    }
    if u128::from(ssize) * u128::from(break_score) < u128::from(removed) * u128::from(ms)
        && added * 20 < removed
        && added * 20 < copied
    {
        return None;
    }
    Some(merge)
}

/// The changes between two trees (`None`: the empty tree) in git's order, with rename
/// or copy detection when `renames` is given: the queue `git diff` prints, and what
/// patch and stat output are computed from.
pub fn changes_between(
    odb: &Odb,
    old_tree: Option<&ObjectId>,
    new_tree: Option<&ObjectId>,
    tree_opts: &super::tree::TreeDiffOptions,
    renames: Option<&RenameOptions>,
    breaks: Option<&BreakOptions>,
) -> Result<RenameOutcome, DiffError> {
    let mut opts = tree_opts.clone();
    opts.include_unmodified |= renames.is_some_and(|r| r.copies && r.copies_harder);
    let queue = super::tree::tree_changes(odb, old_tree, new_tree, &opts)?;
    diffcore(odb, queue, renames, breaks)
}

/// Pass 1: identical contents. Candidates are examined in source order; unused sources
/// and equal basenames score higher; the first strictly best wins.
fn find_exact(queue: &[Change], srcs: &mut [Source], dsts: &mut [Dest], copies: bool) {
    let mut by_id: HashMap<ObjectId, Vec<usize>> = HashMap::new();
    for (i, s) in srcs.iter().enumerate() {
        by_id.entry(s.blob.id).or_default().push(i);
    }
    for d in dsts.iter_mut() {
        let Some(cands) = by_id.get(&d.blob.id) else {
            continue;
        };
        let dpath = &queue[d.queue_index].new_path;
        let mut best: Option<usize> = None;
        let mut best_score = -1;
        let mut left = MAX_IDENTICAL_CANDIDATES;
        for &si in cands {
            let s = &srcs[si];
            if (!is_regular(s.blob.mode) || !is_regular(d.blob.mode)) && s.blob.mode != d.blob.mode
            {
                continue;
            }
            if s.used > 0 && !copies {
                continue;
            }
            let mut score = i32::from(s.used == 0);
            let spath = &queue[s.queue_index].old_path;
            score += i32::from(basename(spath) == basename(dpath));
            if score > best_score {
                best = Some(si);
                best_score = score;
                if score == 2 {
                    break;
                }
            }
            left -= 1;
            if left == 0 {
                break;
            }
        }
        if let Some(si) = best {
            srcs[si].used += 1;
            d.matched = Some((si, MAX_SCORE));
        }
    }
}

/// Passes 2 and 3: basenames (renames only), then the similarity matrix.
#[allow(clippy::too_many_arguments)]
fn inexact(
    queue: &[Change],
    srcs: &mut [Source],
    dsts: &mut [Dest],
    opts: &RenameOptions,
    min_score: u32,
    has_break: bool,
    loader: &Loader<'_>,
    outcome: &mut RenameOutcome,
) {
    let copies = opts.copies;
    let mut buf = Vec::new();
    // Remaining sources, as indices into `srcs`.
    // With broken pairs git keeps every source (used ones only serve copies).
    let mut rem: Vec<usize> = (0..srcs.len())
        .filter(|&i| copies || has_break || srcs[i].used == 0)
        .collect();
    if !copies && !has_break {
        let min_basename = min_score + (MAX_SCORE - min_score) / 2;
        // basename -> unique index, or None when ambiguous.
        let mut src_names: HashMap<&[u8], Option<usize>> = HashMap::new();
        for &si in &rem {
            let b = basename(&queue[srcs[si].queue_index].old_path);
            src_names
                .entry(b)
                .and_modify(|v| *v = None)
                .or_insert(Some(si));
        }
        let mut dst_names: HashMap<&[u8], Option<usize>> = HashMap::new();
        for (di, d) in dsts.iter().enumerate() {
            if d.matched.is_some() {
                continue;
            }
            let b = basename(&queue[d.queue_index].new_path);
            dst_names
                .entry(b)
                .and_modify(|v| *v = None)
                .or_insert(Some(di));
        }
        // The candidate pairs: a source and a destination with the same basename, unique
        // on both sides. Their blobs are read and chunked in parallel first.
        let pairs: Vec<(usize, usize)> = rem
            .iter()
            .filter_map(|&si| {
                let b = basename(&queue[srcs[si].queue_index].old_path);
                let dentry = *dst_names.get(b)?;
                match (src_names[b], dentry) {
                    (Some(_), Some(di)) if dsts[di].matched.is_none() => Some((si, di)),
                    _ => None,
                }
            })
            .collect();
        if pairs.len() >= 2 {
            let blobs: Vec<&Blob> = pairs
                .iter()
                .flat_map(|&(si, di)| [&srcs[si].blob, &dsts[di].blob])
                .filter(|b| is_regular(b.mode))
                .collect();
            blobs.par_iter().for_each_init(Vec::new, |buf, b| {
                loader.load(b, buf);
            });
        }
        for (si, di) in pairs {
            if dsts[di].matched.is_some() {
                continue;
            }
            let score = loader.estimate(&srcs[si].blob, &dsts[di].blob, min_basename, &mut buf);
            if score < min_basename {
                continue;
            }
            srcs[si].used += 1;
            dsts[di].matched = Some((si, score));
        }
        rem.retain(|&si| srcs[si].used == 0);
    }
    let left: Vec<usize> = (0..dsts.len())
        .filter(|&di| dsts[di].matched.is_none())
        .collect();
    if left.is_empty() || rem.is_empty() {
        return;
    }
    let mut skip_unmodified = false;
    let limit = opts.rename_limit;
    if limit > 0 {
        let lim2 = (limit as u128) * (limit as u128);
        if (left.len() as u128) * (rem.len() as u128) > lim2 {
            outcome.needed_rename_limit = rem.len().max(left.len());
            if !opts.copies_harder {
                return;
            }
            let modified = rem.iter().filter(|&&si| !srcs[si].unmodified).count();
            if (left.len() as u128) * (modified as u128) > lim2 {
                return;
            }
            outcome.degraded_copies = true;
            skip_unmodified = true;
        }
    }
    let cand_srcs: Vec<usize> = rem
        .iter()
        .copied()
        .filter(|&si| !(skip_unmodified && srcs[si].unmodified))
        .collect();
    let parallel = left.len() * cand_srcs.len() >= PARALLEL_THRESHOLD;
    if parallel {
        // Read and chunk every blob up front, in parallel, so that the scoring threads
        // do not queue behind each other on the same lazily loaded sources.
        let blobs: Vec<&Blob> = cand_srcs
            .iter()
            .map(|&si| &srcs[si].blob)
            .chain(left.iter().map(|&di| &dsts[di].blob))
            .filter(|b| is_regular(b.mode))
            .collect();
        blobs.par_iter().for_each_init(Vec::new, |buf, b| {
            loader.load(b, buf);
        });
    }
    let src_names: Vec<&[u8]> = srcs
        .iter()
        .map(|s| basename(&queue[s.queue_index].old_path))
        .collect();
    // Scores every source against one destination, keeping git's four best candidates.
    // Candidates below the minimum never pair, so they are skipped cheaply; they can
    // only matter through slot positions when two usable candidates tie exactly, and
    // then the destination is scored again the way git does, without skipping.
    let score_dst = |buf: &mut Vec<u8>, di: usize| {
        let mut slots = [None; CANDIDATES_PER_DST];
        let d = &dsts[di];
        let dname = basename(&queue[d.queue_index].new_path);
        let mut seen: std::collections::HashSet<(u32, u8)> = std::collections::HashSet::new();
        let mut tie = false;
        for &si in &cand_srcs {
            let Some(score) = loader.estimate_pruned(&srcs[si].blob, &d.blob, min_score, buf)
            else {
                continue;
            };
            let name_score = u8::from(src_names[si] == dname);
            tie |= !seen.insert((score, name_score));
            record_if_better(
                &mut slots,
                Candidate {
                    score,
                    name_score,
                    dst: di,
                    src: si,
                },
            );
        }
        if tie {
            slots = [None; CANDIDATES_PER_DST];
            for &si in &cand_srcs {
                let score = loader.estimate(&srcs[si].blob, &d.blob, min_score, buf);
                let name_score = u8::from(src_names[si] == dname);
                record_if_better(
                    &mut slots,
                    Candidate {
                        score,
                        name_score,
                        dst: di,
                        src: si,
                    },
                );
            }
        }
        slots
    };
    let matrix: Vec<[Option<Candidate>; CANDIDATES_PER_DST]> = if parallel {
        left.par_iter()
            .map_init(Vec::new, |buf, &di| score_dst(buf, di))
            .collect()
    } else {
        left.iter().map(|&di| score_dst(&mut buf, di)).collect()
    };
    let mut all: Vec<Option<Candidate>> = matrix.into_iter().flatten().collect();
    all.sort_by(cmp_candidates);
    let passes: &[bool] = if copies { &[false, true] } else { &[false] };
    for &allow_used in passes {
        for c in &all {
            let Some(c) = c else { break };
            if c.score < min_score {
                break;
            }
            if dsts[c.dst].matched.is_some() {
                continue;
            }
            if !allow_used && srcs[c.src].used > 0 {
                continue;
            }
            srcs[c.src].used += 1;
            dsts[c.dst].matched = Some((c.src, c.score));
        }
    }
}

/// Rewrites the queue: paired destinations take their source's old side, used deletions
/// and unmodified entries go, surviving halves of broken pairs are joined again, and
/// renames whose source is still used are copies.
fn rewrite_queue(
    queue: Vec<Change>,
    broken: &[bool],
    srcs: &mut [Source],
    dsts: &[Dest],
) -> Vec<Change> {
    let mut src_of_queue: HashMap<usize, usize> = HashMap::new();
    for (si, s) in srcs.iter().enumerate() {
        src_of_queue.insert(s.queue_index, si);
    }
    let mut dst_of_queue: HashMap<usize, usize> = HashMap::new();
    let mut renamed_dst_paths: std::collections::HashSet<Vec<u8>> = Default::default();
    for (di, d) in dsts.iter().enumerate() {
        if d.matched.is_some() {
            dst_of_queue.insert(d.queue_index, di);
            renamed_dst_paths.insert(queue[d.queue_index].new_path.clone());
        }
    }
    // Old sides of the sources, with the break score of broken deletes.
    let olds: Vec<(Vec<u8>, u32, ObjectId, Option<u32>)> = srcs
        .iter()
        .map(|s| {
            let c = &queue[s.queue_index];
            let score = if broken[s.queue_index] { c.score } else { None };
            (c.old_path.clone(), c.old_mode, c.old_id, score)
        })
        .collect();
    // 1. Drop used deletions (a broken delete only when its own path was taken by a
    //    rename) and unmodified entries; paired destinations become rename pairs.
    //    Entries: (change, still a broken half, source index of a rename pair).
    let mut kept: Vec<(Change, bool, Option<usize>, usize)> = Vec::with_capacity(queue.len());
    for (qi, mut c) in queue.into_iter().enumerate() {
        let mut half = broken[qi];
        let mut rename_src = None;
        let keep = match c.kind {
            ChangeKind::Added => {
                if let Some(&di) = dst_of_queue.get(&qi) {
                    let (si, score) = dsts[di].matched.expect("matched");
                    let (path, mode, id, break_score) = &olds[si];
                    // A broken pair joined again by rename detection keeps the
                    // source's break score, as git's `record_rename_pair` does.
                    c.score = if *path == c.new_path {
                        break_score.filter(|&s| s > 0)
                    } else {
                        Some(score)
                    };
                    c.old_path = path.clone();
                    c.old_mode = *mode;
                    c.old_id = *id;
                    half = false;
                    rename_src = Some(si);
                }
                true
            }
            ChangeKind::Deleted if half => !renamed_dst_paths.contains(&c.old_path),
            ChangeKind::Deleted => src_of_queue.get(&qi).is_none_or(|&si| srcs[si].used <= 0),
            _ => !c.is_unmodified(),
        };
        if keep {
            kept.push((c, half, rename_src, qi));
        }
    }
    // 2. Join broken halves that both survived (git's `diffcore_merge_broken`).
    let mut joined: Vec<Option<(Change, Option<usize>)>> = Vec::with_capacity(kept.len());
    let mut halves: Vec<(bool, usize)> = Vec::with_capacity(kept.len());
    for (c, half, rename_src, qi) in kept {
        halves.push((half, qi));
        joined.push(Some((c, rename_src)));
    }
    let mut out_items: Vec<(Change, Option<usize>)> = Vec::with_capacity(joined.len());
    for i in 0..joined.len() {
        let Some((c, rename_src)) = joined[i].take() else {
            continue;
        };
        if !halves[i].0 {
            out_items.push((c, rename_src));
            continue;
        }
        let peer = (i + 1..joined.len()).find(|&j| {
            halves[j].0
                && joined[j]
                    .as_ref()
                    .is_some_and(|(p, _)| p.new_path == c.old_path)
        });
        match peer {
            Some(j) => {
                let (p, _) = joined[j].take().expect("peer present");
                let (d, a, dq) = if c.kind == ChangeKind::Deleted {
                    (c, p, halves[i].1)
                } else {
                    (p, c, halves[j].1)
                };
                let mut m =
                    Change::modified(d.old_path, d.old_mode, d.old_id, a.new_mode, a.new_id);
                m.score = d.score.filter(|&s| s > 0);
                if let Some(&si) = src_of_queue.get(&dq) {
                    srcs[si].used += 1;
                }
                out_items.push((m, None));
            }
            None => out_items.push((c, rename_src)),
        }
    }
    // 3. Statuses in queue order, consuming the use counts.
    let mut out = Vec::with_capacity(out_items.len());
    for (mut c, rename_src) in out_items {
        if let Some(si) = rename_src {
            // As git's `diff_resolve_rename_copy`: a pair joined again at its own path is
            // a modification and does not consume a use of its source.
            let type_changed = c.old_mode & 0o170000 != c.new_mode & 0o170000;
            c.kind = if type_changed {
                ChangeKind::TypeChanged
            } else if c.old_path == c.new_path {
                ChangeKind::Modified
            } else {
                srcs[si].used -= 1;
                if srcs[si].used > 0 {
                    ChangeKind::Copied
                } else {
                    ChangeKind::Renamed
                }
            };
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spans(s: &[u8]) -> Vec<(u32, u32)> {
        Spans::of(s).entries().collect()
    }

    #[test]
    fn chunk_hashes_match_git() {
        assert_eq!(spans(b"a\n"), vec![(12426, 2)]);
        assert_eq!(spans(b"hello world\n"), vec![(79643, 12)]);
        let mut v = vec![b'x'; 64];
        v.extend_from_slice(&[b'y'; 10]);
        assert_eq!(spans(&v), vec![(12233, 64), (63564, 10)]);
        assert_eq!(spans(b"a\r\n"), vec![(12426, 2)]);
        assert_eq!(
            similarity(b"a\nb\nc\n", b"a\nb\nd\n", DEFAULT_RENAME_SCORE),
            40000
        );
    }

    #[test]
    fn rename_scores_parse_like_git() {
        assert_eq!(parse_rename_score("90"), (54000, ""));
        assert_eq!(parse_rename_score("5"), (30000, ""));
        assert_eq!(parse_rename_score("05"), (3000, ""));
        assert_eq!(parse_rename_score(".5"), (30000, ""));
        assert_eq!(parse_rename_score("90%"), (54000, ""));
        assert_eq!(parse_rename_score("100%"), (60000, ""));
        assert_eq!(parse_rename_score("x"), (0, "x"));
    }

    #[test]
    fn candidate_slots_keep_earlier_on_ties() {
        let mut slots = [None; CANDIDATES_PER_DST];
        for src in 0..6 {
            record_if_better(
                &mut slots,
                Candidate {
                    score: 100,
                    name_score: 0,
                    dst: 0,
                    src,
                },
            );
        }
        let kept: Vec<usize> = slots.iter().map(|c| c.unwrap().src).collect();
        assert_eq!(kept, vec![0, 1, 2, 3]);
        record_if_better(
            &mut slots,
            Candidate {
                score: 100,
                name_score: 1,
                dst: 0,
                src: 9,
            },
        );
        assert_eq!(slots[0].unwrap().src, 9);
    }
}
