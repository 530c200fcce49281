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
//! use oxgit::api::{self, ChangeOptions, DiffOptions, Differ, Stats};
//! use oxgit::diff::ChangeKind;
//! use oxgit::{revision, ObjectKind, Repository};
//!
//! let repo = Repository::discover(&tmp)?;          // a work tree, a subfolder, a bare repo...
//! let head = revision::resolve(&repo, "HEAD")?;
//! assert_eq!(repo.odb().read(&head)?.kind, ObjectKind::Commit);
//!
//! // changes: which paths changed and how (renames found as git finds them)
//! let changes = api::changes(&repo, "HEAD~1", "HEAD", &ChangeOptions::default())?.changes;
//! assert_eq!(changes.len(), 1);
//! assert_eq!(changes[0].kind, ChangeKind::Renamed);
//! assert_eq!(changes[0].new_path, b"greeting.txt");
//!
//! // diff and stats: per-file diffs run in parallel and arrive in git's order
//! let mut stats = Stats::default();
//! let mut patch = Vec::new();
//! Differ::new(&repo, DiffOptions::default()).for_each(&changes, |file| {
//!     stats.add(file);
//!     patch.extend_from_slice(&file.patch);
//!     Ok(())
//! })?;
//! assert_eq!((stats.files, stats.additions, stats.deletions), (1, 2, 1));
//! assert!(patch.starts_with(b"diff --git a/hello.txt b/greeting.txt\nsimilarity index"));
//! # std::fs::remove_dir_all(&tmp).unwrap();
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod api;
pub mod blame;
#[cfg(feature = "cli")]
pub mod cli;
pub mod config;
pub mod diff;
pub mod object;
pub mod odb;
pub mod oid;
pub mod refs;
pub mod repo;
pub mod revision;

pub use object::{Object, ObjectKind};
pub use oid::{HashKind, ObjectId};
pub use repo::Repository;
