//! The questions review tools ask — *what changed, show me the diff, how big is it* — as
//! one engine behind the CLI, JSON and HTTP front ends.
//!
//! * A [`DiffRequest`] says what to compare ([`Endpoints`]: revisions, `A...B` through
//!   the merge base, a commit against its parent, two blobs; the index and the work tree
//!   through a [`SideProvider`]) and how ([`DiffOptions`], read from the repository's
//!   config as git reads it, then overridden field by field).
//! * A [`Differ`] prepares it (resolves the sides, computes the change list with rename
//!   detection) and runs it into a [`Sink`]: typed events — [`Begin`] with every
//!   [`Change`], one [`FileDiff`] per file pair (counts, binary flag, [`Hunk`]s with
//!   [`Line`]s), and an [`Outcome`] with [`Stats`] and [`Warning`]s. File pairs are diffed
//!   in parallel and arrive in git's order, with a bounded window of files in flight.
//! * git's text formats are sinks too ([`GitText`]), and so is JSON.
//!
//! ```
//! # let tmp = oxgit::api::doc_repo()?;
//! use oxgit::api::{Collect, Detail, DiffRequest, Differ, Endpoints};
//! use oxgit::diff::ChangeKind;
//! use oxgit::Repository;
//!
//! let repo = Repository::discover(&tmp)?;
//! let request = DiffRequest::new(&repo, Endpoints::commit("HEAD"))?;
//! let differ = Differ::new(&repo, &request)?;
//! assert_eq!(differ.changes()[0].kind, ChangeKind::Renamed);
//!
//! let mut files = Collect::new(Detail::Hunks);
//! let outcome = differ.run(&mut files)?;
//! assert_eq!((outcome.stats.additions, outcome.stats.deletions), (2, 1));
//! let hunk = files.files[0].hunks().next().unwrap();
//! assert_eq!((hunk.old_start(), hunk.new_start()), (1, 1));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! *How big is it?*
//!
//! ```
//! # let tmp = oxgit::api::doc_repo()?;
//! # let repo = oxgit::Repository::discover(&tmp)?;
//! use oxgit::api::{self, DiffRequest, Endpoints};
//! let stats = api::stats(&repo, &DiffRequest::new(&repo, Endpoints::pair("HEAD~1", "HEAD"))?)?;
//! assert_eq!((stats.files, stats.additions, stats.deletions), (1, 2, 1));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! *What changed in the last N commits?*
//!
//! ```
//! # let tmp = oxgit::api::doc_repo()?;
//! # let repo = oxgit::Repository::discover(&tmp)?;
//! use oxgit::api::{from_fn, Control, Detail, DiffOptions, Error, History, HistoryRequest};
//! let request = HistoryRequest::from_revisions(&repo, &["HEAD"], DiffOptions::default())?.max_count(2);
//! let mut history = History::new(&repo, &request)?;
//! let mut count = from_fn(Detail::Counts, |_| Ok::<_, Error>(Control::Continue));
//! let mut totals = Vec::new();
//! while let Some(commit) = history.next_commit()? {
//!     let outcome = history.diff(&commit, &mut count)?.expect("not a merge");
//!     totals.push((outcome.stats.additions, outcome.stats.deletions));
//! }
//! assert_eq!(totals, [(2, 1), (5, 0)]); // newest first; the root commit against nothing
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! *As JSON, one file per line, with review services' filtering:*
//!
//! ```
//! # let tmp = oxgit::api::doc_repo()?;
//! # let repo = oxgit::Repository::discover(&tmp)?;
//! # #[cfg(feature = "json")] {
//! use oxgit::api::json::{JsonMode, JsonSink};
//! use oxgit::api::{filter::FileLimits, DiffRequest, Differ, Endpoints};
//! let request = DiffRequest::new(&repo, Endpoints::commit("HEAD"))?;
//! let mut sink = JsonSink::new(Vec::new(), JsonMode::Lines).filter(FileLimits::default());
//! Differ::new(&repo, &request)?.run(&mut sink)?;
//! let text = String::from_utf8(sink.into_inner())?;
//! assert!(text.starts_with(r#"{"status":"R","path":"greeting.txt","old_path":"hello.txt","score":"#));
//! # }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod combined;
mod differ;
mod error;
mod file;
pub mod filter;
pub mod format;
mod history;
#[cfg(feature = "json")]
pub mod json;
mod request;
mod sink;
mod workspace;

pub use differ::{resolve_side, Differ, Resolved, SideProvider, MISMATCHED_SIDES};
pub use error::{Error, ErrorKind};
pub use file::{Detail, FileDiff, Hunk, Line, LineKind, Part};
pub use format::{GitText, Sections, Style};
pub use history::{CommitDiff, CommitDiffState, History, HistoryRequest};
pub use request::{
    abbrev_len, parse_algorithm, relative_pathspec, Abbrev, Detect, DiffFilter, DiffOptions,
    DiffRequest, Endpoints, Side, Warning,
};
pub use sink::{from_fn, Begin, Collect, Control, FnSink, Outcome, Sink, Stats};
pub use workspace::{Workspace, WorkspaceChanges};

pub(crate) use differ::{diffcore, tree_diff_for};

use crate::diff::Change;
use crate::repo::Repository;

/// The changes of a request, in git's order (no blob is read unless rename detection
/// needs it), with the warnings git would print.
pub fn changes(
    repo: &Repository,
    request: &DiffRequest,
) -> Result<(Vec<Change>, Vec<Warning>), Error> {
    let d = Differ::new(repo, request)?;
    let warnings = d.warnings().to_vec();
    Ok((d.into_changes(), warnings))
}

/// Totals of a request, as `git diff --shortstat` counts them.
pub fn stats(repo: &Repository, request: &DiffRequest) -> Result<Stats, Error> {
    let mut sink = from_fn(Detail::Counts, |_| Ok::<_, Error>(Control::Continue));
    Ok(Differ::new(repo, request)?.run(&mut sink)?.stats)
}

/// A path (bytes, as git stores it) for display: valid UTF-8 as is, other bytes as
/// U+FFFD.
pub fn display_path(path: &[u8]) -> std::borrow::Cow<'_, str> {
    String::from_utf8_lossy(path)
}

/// Builds the small repository the documentation examples use (needs `git` on PATH):
/// a commit with `hello.txt`, then one renaming it to `greeting.txt` with an edit.
#[doc(hidden)]
pub fn doc_repo() -> Result<std::path::PathBuf, Box<dyn std::error::Error>> {
    use std::process::Command;
    static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let tmp = std::env::temp_dir().join(format!(
        "oxgit-doc-{}-{}",
        std::process::id(),
        N.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
    ));
    let _ = std::fs::remove_dir_all(&tmp);
    std::fs::create_dir_all(&tmp)?;
    let git = |args: &[&str]| -> Result<(), Box<dyn std::error::Error>> {
        let ok = Command::new("git")
            .args(args)
            .current_dir(&tmp)
            .env("GIT_AUTHOR_NAME", "A")
            .env("GIT_AUTHOR_EMAIL", "a@example.com")
            .env("GIT_COMMITTER_NAME", "C")
            .env("GIT_COMMITTER_EMAIL", "c@example.com")
            .env("GIT_AUTHOR_DATE", "@1700000000 +0000")
            .env("GIT_COMMITTER_DATE", "@1700000000 +0000")
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .status()?
            .success();
        if ok {
            Ok(())
        } else {
            Err(format!("git {args:?} failed").into())
        }
    };
    git(&["init", "-q"])?;
    std::fs::write(tmp.join("hello.txt"), "one\ntwo\nthree\nfour\nfive\n")?;
    git(&["add", "."])?;
    git(&["commit", "-q", "-m", "first"])?;
    std::fs::write(tmp.join("hello.txt"), "one\ntwo\n3\nfour\nfive\nsix\n")?;
    git(&["mv", "hello.txt", "greeting.txt"])?;
    git(&["commit", "-q", "-a", "-m", "second"])?;
    Ok(tmp)
}
