//! Filtering as review services do it: per-file limits that withhold a file's diff (with
//! the reason and sizes), and collection limits that collapse or cut a long diff.
//!
//! * [`FileLimits`] / [`Filter`]: Code Storage's rules (`shared/spec/seed-apis.md` §3.5):
//!   binary files, lock files, blobs over 500 KiB (512,000 bytes) and more than 2,000
//!   changed lines go to a separate *filtered* list, unless the caller named the path.
//!   Stats still count every file.
//! * [`CollectionLimits`] / [`Collection`]: GitLab's rules (§4.4): files past the "safe"
//!   limits are `collapsed`, a patch over the size limit is `too_large`, and past the
//!   maximum files, lines or bytes the collection stops with `overflow`.

use super::{Begin, Control, Detail, FileDiff, Outcome, Sink, Stats};
use crate::diff::{Change, ChangeKind, Pathspec};

/// The lock files of §3.5 (matched on the basename).
pub const LOCK_FILES: &[&str] = &[
    "package-lock.json",
    "npm-shrinkwrap.json",
    "yarn.lock",
    "pnpm-lock.yaml",
    "bun.lock",
    "bun.lockb",
    "deno.lock",
    "Cargo.lock",
    "Gemfile.lock",
    "poetry.lock",
    "Pipfile.lock",
    "uv.lock",
    "pdm.lock",
    "composer.lock",
    "go.sum",
    "gradle.lockfile",
    "packages.lock.json",
    "Podfile.lock",
    "Package.resolved",
    "pubspec.lock",
    "mix.lock",
    "flake.lock",
    "MODULE.bazel.lock",
];

/// Whether `path`'s basename is a lock file of [`LOCK_FILES`].
pub fn is_lock_file(path: &[u8]) -> bool {
    let base = path.rsplit(|&c| c == b'/').next().unwrap_or(path);
    LOCK_FILES.iter().any(|l| l.as_bytes() == base)
}

/// Per-file limits. New fields may be added (the struct is `non_exhaustive`).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct FileLimits {
    /// A file whose old or new blob is larger than this many bytes is filtered
    /// (default 512,000).
    pub max_blob_bytes: u64,
    /// A file with more added plus deleted lines than this is filtered (default 2,000).
    pub max_changed_lines: u64,
    /// Filter binary files (default on).
    pub binary: bool,
    /// Filter lock files (default on).
    pub lock_files: bool,
    /// Paths the caller named (pathspec items): matching files are never filtered.
    pub named: Vec<Vec<u8>>,
}

impl Default for FileLimits {
    fn default() -> FileLimits {
        FileLimits {
            max_blob_bytes: 512_000,
            max_changed_lines: 2_000,
            binary: true,
            lock_files: true,
            named: Vec::new(),
        }
    }
}

/// Why a file was withheld.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum FilterReason {
    /// Either side is binary.
    Binary,
    /// A lock file.
    LockFile,
    /// A blob is larger than [`FileLimits::max_blob_bytes`].
    TooLarge,
    /// More changed lines than [`FileLimits::max_changed_lines`].
    TooManyLines,
}

impl FilterReason {
    /// The reason as a word (`binary`, `lock_file`, `too_large`, `too_many_lines`).
    pub fn as_str(self) -> &'static str {
        match self {
            FilterReason::Binary => "binary",
            FilterReason::LockFile => "lock_file",
            FilterReason::TooLarge => "too_large",
            FilterReason::TooManyLines => "too_many_lines",
        }
    }
}

/// A withheld file: its change, the reason and its sizes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Filtered {
    /// The change.
    pub change: Change,
    /// Why it was withheld.
    pub reason: FilterReason,
    /// Old and new blob sizes in bytes.
    pub old_size: u64,
    /// See `old_size`.
    pub new_size: u64,
    /// Whether the file's content (the new side; the old one for a deletion) is empty
    /// or ends with a newline.
    pub ends_with_newline: bool,
    /// Added lines (0 for binary files).
    pub additions: u64,
    /// Deleted lines.
    pub deletions: u64,
}

impl FileLimits {
    /// Why `file` is filtered, if it is (needs at least [`Detail::Counts`]).
    pub fn reason(&self, file: &FileDiff) -> Option<FilterReason> {
        if !self.named.is_empty() && Pathspec::new(self.named.iter()).matches_file(file.path()) {
            return None;
        }
        if self.binary && file.binary {
            Some(FilterReason::Binary)
        } else if self.lock_files && is_lock_file(file.path()) {
            Some(FilterReason::LockFile)
        } else if file.old_size.max(file.new_size) > self.max_blob_bytes {
            Some(FilterReason::TooLarge)
        } else if file.additions + file.deletions > self.max_changed_lines {
            Some(FilterReason::TooManyLines)
        } else {
            None
        }
    }
}

/// A sink adapter applying [`FileLimits`]: files that pass go to `inner`, the others to
/// [`Filter::filtered`]; [`Filter::stats`] counts both, as Code Storage does.
pub struct Filter<S> {
    /// The sink for files that pass.
    pub inner: S,
    /// The limits.
    pub limits: FileLimits,
    /// The withheld files, in order.
    pub filtered: Vec<Filtered>,
    /// Totals over every file, filtered or not.
    pub stats: Stats,
}

impl<S: Sink> Filter<S> {
    /// Filters into `inner` with `limits`.
    pub fn new(inner: S, limits: FileLimits) -> Filter<S> {
        Filter {
            inner,
            limits,
            filtered: Vec::new(),
            stats: Stats::default(),
        }
    }
}

impl<S: Sink> Sink for Filter<S> {
    type Error = S::Error;
    fn detail(&self) -> Detail {
        self.inner.detail().max(Detail::Counts)
    }
    fn needs_damage(&self) -> bool {
        self.inner.needs_damage()
    }
    fn begin(&mut self, begin: &Begin<'_>) -> Result<Control, S::Error> {
        self.inner.begin(begin)
    }
    fn file(&mut self, file: &FileDiff) -> Result<Control, S::Error> {
        self.stats.add(file);
        match self.limits.reason(file) {
            None => self.inner.file(file),
            Some(reason) => {
                let deleted = file.change.kind == ChangeKind::Deleted;
                self.filtered.push(Filtered {
                    change: file.change.clone(),
                    reason,
                    old_size: file.old_size,
                    new_size: file.new_size,
                    ends_with_newline: if deleted {
                        file.old_ends_with_newline
                    } else {
                        file.new_ends_with_newline
                    },
                    additions: file.additions,
                    deletions: file.deletions,
                });
                Ok(Control::Continue)
            }
        }
    }
    fn finish(&mut self, outcome: &Outcome) -> Result<(), S::Error> {
        self.inner.finish(outcome)
    }
}

/// GitLab's diff limits. Derived limits follow GitLab: safe files and lines are a tenth
/// of the maximum, maximum bytes are 5 KiB per file, and a patch is collapsed from a
/// tenth of the per-file size limit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct CollectionLimits {
    /// Maximum files (default 1,000).
    pub max_files: usize,
    /// Maximum patch lines over the collection (default 50,000).
    pub max_lines: u64,
    /// A file's patch of at least this many bytes is `too_large` (default 200 KiB).
    pub max_patch_bytes: u64,
}

impl Default for CollectionLimits {
    fn default() -> CollectionLimits {
        CollectionLimits {
            max_files: 1000,
            max_lines: 50_000,
            max_patch_bytes: 204_800,
        }
    }
}

impl CollectionLimits {
    fn safe_files(&self) -> usize {
        self.max_files / 10
    }
    fn safe_lines(&self) -> u64 {
        self.max_lines / 10
    }
    fn max_bytes(&self) -> u64 {
        self.max_files as u64 * 5 * 1024
    }
    fn safe_bytes(&self) -> u64 {
        self.safe_files() as u64 * 5 * 1024
    }
    fn collapse_bytes(&self) -> u64 {
        self.max_patch_bytes / 10
    }
}

/// What happens to one file of a collection.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Admission {
    /// Shown with its diff.
    Expanded,
    /// Listed with an empty diff (`collapsed: true`).
    Collapsed,
    /// Listed with an empty diff (`too_large: true`).
    TooLarge,
    /// Not listed: the collection stops here (`overflow: true`).
    Overflow,
}

/// GitLab's `DiffCollection` walk: feed it each file's patch text in order.
#[derive(Clone, Debug)]
pub struct Collection {
    limits: CollectionLimits,
    /// A collection of exactly one file is never collapsed.
    single: bool,
    files: usize,
    lines: u64,
    bytes: u64,
    /// Whether the collection stopped early.
    pub overflow: bool,
}

impl Collection {
    /// A collection of `total` files.
    pub fn new(limits: CollectionLimits, total: usize) -> Collection {
        Collection {
            limits,
            single: total == 1,
            files: 0,
            lines: 0,
            bytes: 0,
            overflow: false,
        }
    }

    /// Decides the next file, whose diff text (hunks from the first `@@`) is `patch`.
    pub fn admit(&mut self, patch: &[u8]) -> Admission {
        let l = &self.limits;
        if self.overflow || self.files >= l.max_files {
            self.overflow = true;
            return Admission::Overflow;
        }
        let size = patch.len() as u64;
        let mut verdict = Admission::Expanded;
        if size >= l.max_patch_bytes {
            verdict = Admission::TooLarge;
        } else if !self.single && size >= l.collapse_bytes() {
            verdict = Admission::Collapsed;
        }
        let lines = memchr::memchr_iter(b'\n', patch).count() as u64;
        let over_safe = self.files >= l.safe_files()
            || self.lines > l.safe_lines()
            || self.bytes >= l.safe_bytes();
        if verdict == Admission::Expanded && !self.single && over_safe && lines > 0 {
            verdict = Admission::Collapsed;
        }
        if verdict == Admission::Expanded {
            self.lines += lines;
            self.bytes += size;
        }
        if self.lines >= l.max_lines || self.bytes >= l.max_bytes() {
            self.overflow = true;
            return Admission::Overflow;
        }
        self.files += 1;
        verdict
    }
}
