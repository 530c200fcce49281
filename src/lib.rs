//! oxgit: a pure-Rust git object engine.
//!
//! oxgit reads repositories straight from disk (loose objects, packs, refs) and answers the
//! questions review tools ask all day: what changed, show me the diff, how big is it. Its
//! command-line tool prints what git 2.47 prints, byte for byte.
//!
//! ```no_run
//! use oxgit::Repository;
//!
//! let repo = Repository::discover(std::path::Path::new("."))?;
//! let head = repo.odb().all_ids()?.len();
//! println!("{head} objects");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod api;
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
