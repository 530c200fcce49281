//! oxgit: a pure-Rust git object engine.
//!
//! oxgit reads repositories straight from disk — loose objects, packs, multi-pack-indexes,
//! alternates, refs — and answers the questions review tools ask all day: *what changed,
//! show me the diff, how big is it*. Its command-line tool prints what git 2.47 prints, byte
//! for byte; the same engine is meant to sit behind JSON and HTTP front ends.
//!
//! The layers, bottom up:
//!
//! * [`oid`] and [`object`]: ids (SHA-1 and SHA-256) and the four object kinds;
//! * [`odb`]: every way git stores objects, behind one `Send + Sync` handle;
//! * [`refs`] and [`revision`]: names, the rev-parse grammar, history walks, merge bases;
//! * [`diff`]: tree diffs with git's rename detection, git's line diff, patch and stat text;
//! * [`api`]: the three questions (changes, diff, stats) as one call each.
//!
//! # Example
//!
//! Open a repository, resolve revisions, and ask what changed and by how much:
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
//! # let tmp = std::env::temp_dir().join(format!("oxgit-doc-{}", std::process::id()));
//! # let _ = std::fs::remove_dir_all(&tmp);
//! # std::fs::create_dir_all(&tmp).unwrap();
//! # git(&tmp, &["init", "-q"]);
//! # std::fs::write(tmp.join("hello.txt"), "one\ntwo\nthree\nfour\nfive\n").unwrap();
//! # git(&tmp, &["add", "."]);
//! # git(&tmp, &["commit", "-q", "-m", "first"]);
//! # std::fs::write(tmp.join("hello.txt"), "one\ntwo\n3\nfour\nfive\nsix\n").unwrap();
//! # git(&tmp, &["mv", "hello.txt", "greeting.txt"]);
//! # git(&tmp, &["commit", "-q", "-a", "-m", "second"]);
//! use oxgit::api::{Detail, DiffRequest, Differ, Endpoints, GitText, Sections, Style};
//! use oxgit::diff::ChangeKind;
//! use oxgit::{revision, ObjectKind, Repository};
//!
//! let repo = Repository::discover(&tmp)?;          // a work tree, a subfolder, a bare repo...
//! let head = revision::resolve(&repo, "HEAD")?;
//! assert_eq!(repo.odb().read(&head)?.kind, ObjectKind::Commit);
//!
//! // changes: which paths changed and how (renames found as git finds them)
//! let request = DiffRequest::new(&repo, Endpoints::pair("HEAD~1", "HEAD"))?;
//! let differ = Differ::new(&repo, &request)?;
//! assert_eq!(differ.changes().len(), 1);
//! assert_eq!(differ.changes()[0].kind, ChangeKind::Renamed);
//! assert_eq!(differ.changes()[0].new_path, b"greeting.txt");
//!
//! // diff and stats: file pairs are diffed in parallel and arrive in git's order, here
//! // into git's own patch format
//! let mut patch = GitText::new(&repo, Sections::PATCH, Style::of(&request.options), Vec::new());
//! let outcome = differ.run(&mut patch)?;
//! assert_eq!((outcome.stats.files, outcome.stats.additions, outcome.stats.deletions), (1, 2, 1));
//! assert!(patch.into_inner().starts_with(b"diff --git a/hello.txt b/greeting.txt\nsimilarity index"));
//! # let _ = Detail::Hunks;
//! # std::fs::remove_dir_all(&tmp).unwrap();
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod api;
pub mod blame;
pub mod bytestr;
#[cfg(feature = "cli")]
mod cli;
pub mod config;
pub mod diff;
pub mod index;
pub mod object;
mod odb;
pub mod oid;
pub mod pretty;
pub mod refs;
pub mod repo;
pub mod revision;
#[cfg(feature = "server")]
pub mod server;
pub mod worktree;
pub mod write;

pub use api::{
    Detail, DiffOptions, DiffRequest, Differ, Endpoints, Error, ErrorKind, FileDiff, GitText,
    History, HistoryRequest, Outcome, Side, Sink, Stats,
};
pub use diff::{Change, ChangeKind};
pub use object::{Object, ObjectKind};
pub use odb::{Odb, OdbError};
pub use oid::{HashKind, ObjectId};
pub use repo::Repository;

/// Building blocks below the library's questions, public for oxgit's own fuzz targets,
/// benchmarks, tests and command-line tool. **Not a stable API**: anything here may
/// change in any release.
///
/// * [`internals::odb`]: the object database's file-format parsers (pack indexes,
///   multi-pack-indexes, pack entries, deltas, loose objects, the commit-graph) and its
///   fuzz entry points ([`internals::odb::fuzz`]);
/// * [`internals::fuzz_line_diff`]: the line-diff fuzz entry point;
/// * [`internals::fuzz_ref_format`]: the `for-each-ref` format fuzz entry point;
/// * `internals::run_cli` / `internals::run_cli_with`: the `oxgit` command line (with the
///   `cli` feature).
pub mod internals {
    /// The object database, with every parser of its on-disk formats.
    pub mod odb {
        pub use crate::odb::*;
    }
    #[cfg(feature = "cli")]
    pub use crate::cli::{run as run_cli, run_with as run_cli_with};
    pub use crate::diff::patch::fuzz_line_diff;
    pub use crate::refs::format::fuzz_format as fuzz_ref_format;
}
