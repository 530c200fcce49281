//! Listing the entries of a tree as `git ls-tree` walks it: depth first in tree order, a
//! folder before its contents, limited by literal pathspecs.
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
//! # let tmp = std::env::temp_dir().join(format!("oxgit-doc-tl-{}", std::process::id()));
//! # let _ = std::fs::remove_dir_all(&tmp);
//! # std::fs::create_dir_all(tmp.join("src")).unwrap();
//! # git(&tmp, &["init", "-q"]);
//! # std::fs::write(tmp.join("README"), "hi\n").unwrap();
//! # std::fs::write(tmp.join("src/lib.rs"), "fn f() {}\n").unwrap();
//! # git(&tmp, &["add", "."]);
//! # git(&tmp, &["commit", "-q", "-m", "first"]);
//! use oxgit::object::tree_list::{ListOptions, TreeList};
//! use oxgit::{revision, Repository};
//!
//! let repo = Repository::discover(&tmp)?;
//! let tree = revision::resolve(&repo, "HEAD^{tree}")?;
//! let options = ListOptions { recursive: true, ..ListOptions::default() };
//! let paths: Vec<Vec<u8>> = TreeList::new(repo.odb(), tree, &options)
//!     .map(|e| e.map(|e| e.path))
//!     .collect::<Result<_, _>>()?;
//! assert_eq!(paths, [b"README".to_vec(), b"src/lib.rs".to_vec()]);
//! # std::fs::remove_dir_all(&tmp).unwrap();
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use super::{EntryMode, ObjectKind, ParseError, TreeIter, MAX_TREE_DEPTH};
use crate::odb::{Odb, OdbError};
use crate::oid::ObjectId;

/// What to list.
#[derive(Clone, Debug, Default)]
pub struct ListOptions {
    /// Descend into every subtree (`-r`).
    pub recursive: bool,
    /// Also list the subtrees that are descended into (`-t`).
    pub show_trees: bool,
    /// List only trees (and submodule commits), no blobs (`-d`).
    pub trees_only: bool,
    /// Literal pathspecs relative to the tree's root (a trailing `/` means "the contents
    /// of"); empty means everything. An empty pathspec matches everything.
    pub paths: Vec<Vec<u8>>,
}

/// One listed entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ListedEntry {
    /// The entry's mode, canonicalized as git prints it.
    pub mode: EntryMode,
    /// The entry's object.
    pub id: ObjectId,
    /// The full path from the listed tree's root.
    pub path: Vec<u8>,
}

impl ListedEntry {
    /// The kind of object the entry names (`commit` for submodules).
    pub fn kind(&self) -> ObjectKind {
        self.mode.object_kind()
    }
}

/// Why a listing stopped.
#[derive(Debug, thiserror::Error)]
pub enum ListError {
    /// A tree could not be read.
    #[error(transparent)]
    Odb(#[from] OdbError),
    /// An object listed as a tree is something else.
    #[error("object {0} is not a tree")]
    NotATree(ObjectId),
    /// A tree is malformed.
    #[error("corrupt tree {id}: {source}")]
    Corrupt {
        /// The tree.
        id: ObjectId,
        /// What is wrong.
        source: ParseError,
    },
    /// Trees nest deeper than [`MAX_TREE_DEPTH`].
    #[error("trees nest deeper than {MAX_TREE_DEPTH}")]
    TooDeep,
}

/// One tree being walked: its entries (mode, id, name range in `data`), the next one to
/// look at and the length of its path prefix (`dir/` included) in the walker's path buffer.
struct Level {
    data: Vec<u8>,
    entries: Vec<(EntryMode, ObjectId, std::ops::Range<usize>)>,
    next: usize,
    base_len: usize,
}

/// An iterator over the entries of a tree (see the module documentation).
pub struct TreeList<'a> {
    odb: &'a Odb,
    options: &'a ListOptions,
    stack: Vec<Level>,
    path: Vec<u8>,
    pending: Option<ObjectId>,
    failed: bool,
}

impl<'a> TreeList<'a> {
    /// Lists the tree `tree` (a tree id) of `odb`.
    pub fn new(odb: &'a Odb, tree: ObjectId, options: &'a ListOptions) -> TreeList<'a> {
        TreeList {
            odb,
            options,
            stack: Vec::new(),
            path: Vec::new(),
            pending: Some(tree),
            failed: false,
        }
    }

    fn push(&mut self, id: ObjectId) -> Result<(), ListError> {
        if self.stack.len() >= MAX_TREE_DEPTH {
            return Err(ListError::TooDeep);
        }
        let mut data = Vec::new();
        if self.odb.read_into(&id, &mut data)? != ObjectKind::Tree {
            return Err(ListError::NotATree(id));
        }
        let base = data.as_ptr() as usize;
        let mut entries = Vec::new();
        for entry in TreeIter::new(&data, self.odb.hash_kind()) {
            let entry = entry.map_err(|source| ListError::Corrupt { id, source })?;
            let start = entry.name.as_ptr() as usize - base;
            entries.push((entry.mode, entry.id, start..start + entry.name.len()));
        }
        if !self.path.is_empty() {
            self.path.push(b'/');
        }
        self.stack.push(Level {
            data,
            entries,
            next: 0,
            base_len: self.path.len(),
        });
        Ok(())
    }

    /// Whether the entry at `path` (a tree if `is_tree`) is within a pathspec or leads to
    /// one (git's `tree_entry_interesting` for literal pathspecs).
    fn interesting(&self, path: &[u8], is_tree: bool) -> bool {
        self.options.paths.is_empty()
            || self.options.paths.iter().any(|spec| {
                let within = path.starts_with(spec)
                    && (spec.is_empty()
                        || spec.ends_with(b"/")
                        || path.len() == spec.len()
                        || path[spec.len()] == b'/');
                within || (is_tree && leads_to(spec, path))
            })
    }

    /// git's `show_recursive`: whether to descend into the tree at `path`.
    fn descend(&self, path: &[u8]) -> bool {
        self.options.recursive || self.options.paths.iter().any(|spec| leads_to(spec, path))
    }

    fn step(&mut self) -> Result<Option<ListedEntry>, ListError> {
        if let Some(root) = self.pending.take() {
            self.push(root)?;
        }
        loop {
            let Some(level) = self.stack.last_mut() else {
                return Ok(None);
            };
            let Some((mode, id, name)) = level.entries.get(level.next).cloned() else {
                let base = level.base_len;
                self.stack.pop();
                self.path.truncate(base.saturating_sub(1));
                continue;
            };
            level.next += 1;
            self.path.truncate(level.base_len);
            self.path.extend_from_slice(&level.data[name]);
            if !self.interesting(&self.path, mode.is_tree()) {
                continue;
            }
            if mode.is_tree() && self.descend(&self.path) {
                let shown = self.options.show_trees.then(|| ListedEntry {
                    mode,
                    id,
                    path: self.path.clone(),
                });
                self.push(id)?;
                match shown {
                    Some(e) => return Ok(Some(e)),
                    None => continue,
                }
            }
            if self.options.trees_only && mode.is_blob() {
                continue;
            }
            return Ok(Some(ListedEntry {
                mode,
                id,
                path: self.path.clone(),
            }));
        }
    }
}

/// Whether `spec` names something strictly inside the folder `path`.
fn leads_to(spec: &[u8], path: &[u8]) -> bool {
    spec.len() > path.len() && spec.starts_with(path) && spec[path.len()] == b'/'
}

impl Iterator for TreeList<'_> {
    type Item = Result<ListedEntry, ListError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.failed {
            return None;
        }
        match self.step() {
            Ok(Some(e)) => Some(Ok(e)),
            Ok(None) => None,
            Err(e) => {
                self.failed = true;
                Some(Err(e))
            }
        }
    }
}
