//! The work tree: status (what changed against the index and `HEAD`), the untracked
//! walk, ignore rules, and git's clean conversion (CRLF) when hashing files.
//!
//! ```no_run
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use oxgit::worktree::{Status, StatusOptions};
//! let repo = oxgit::Repository::discover(std::path::Path::new("."))?;
//! let outcome = Status::new(&repo, StatusOptions::default()).run()?;
//! for c in &outcome.staged {
//!     println!("staged   {} {}", c.status_letter() as char, String::from_utf8_lossy(c.path()));
//! }
//! for w in &outcome.worktree {
//!     println!("unstaged {} {}", w.kind.letter() as char, String::from_utf8_lossy(&w.path));
//! }
//! for u in &outcome.untracked {
//!     println!("untracked {}", String::from_utf8_lossy(u));
//! }
//! # Ok(()) }
//! ```

pub mod convert;
pub mod ignore;
pub mod status;
pub mod walk;
pub mod wildmatch;

pub use status::{
    IgnoredMode, Outcome, Status, StatusError, StatusOptions, SubmoduleState, Unmerged,
    UntrackedMode, WorktreeChange, WorktreeId,
};

use std::path::{Path, PathBuf};

/// A root-relative `/`-separated path as a file-system path.
pub fn path_of(p: &[u8]) -> &Path {
    use std::os::unix::ffi::OsStrExt;
    Path::new(std::ffi::OsStr::from_bytes(p))
}

/// Which paths a status or listing is limited to: [`crate::diff::Pathspec`] matching,
/// plus the "could anything below this directory match" test the walk needs.
#[derive(Clone, Debug, Default)]
pub struct Pathspec {
    items: Vec<Vec<u8>>,
    spec: crate::diff::Pathspec,
}

impl Pathspec {
    /// Root-relative items (normalized; a trailing `/` means a directory).
    pub fn new(items: Vec<Vec<u8>>) -> Pathspec {
        Pathspec {
            spec: crate::diff::Pathspec::new(&items),
            items,
        }
    }

    /// Whether there are no items (everything matches).
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// The items.
    pub fn items(&self) -> &[Vec<u8>] {
        &self.items
    }

    /// Whether the file `path` is selected (a `path/` with a trailing slash is tested as
    /// a directory).
    pub fn matches_file(&self, path: &[u8]) -> bool {
        self.spec
            .matches_file(path.strip_suffix(b"/").unwrap_or(path))
    }

    /// git's `simplify_away` negated: whether something at or below `path` may match.
    pub fn could_match_below(&self, path: &[u8]) -> bool {
        self.items.is_empty()
            || self.items.iter().any(|it| {
                let lit = it
                    .iter()
                    .position(|&c| matches!(c, b'*' | b'?' | b'[' | b'\\'))
                    .unwrap_or(it.len());
                let n = lit.min(path.len());
                it[..n] == path[..n]
            })
    }
}

/// Whether `dir` has the makings of a git dir (`HEAD`, `objects/`, `refs/`).
pub(crate) fn looks_like_git_dir(dir: &Path) -> bool {
    dir.join("HEAD").is_file() && dir.join("objects").is_dir() && dir.join("refs").is_dir()
        || dir.join("commondir").is_file() && dir.join("HEAD").is_file()
}

/// The git dir a `.git` file names, if it holds a valid `gitdir:` line.
pub(crate) fn read_gitfile(file: &Path) -> Option<PathBuf> {
    let text = std::fs::read_to_string(file).ok()?;
    let rest = text.strip_prefix("gitdir:")?.trim();
    let p = Path::new(rest);
    let full = if p.is_absolute() {
        p.to_path_buf()
    } else {
        file.parent()?.join(p)
    };
    full.canonicalize().ok()
}

/// git's `relative_path`: `path` (root-relative) as seen from the folder `prefix`
/// (root-relative, empty or ending in `/`), with `../` as needed.
pub fn relative_path(path: &[u8], prefix: &[u8]) -> Vec<u8> {
    if prefix.is_empty() {
        return path.to_vec();
    }
    // The longest common run of whole directories.
    let mut common = 0;
    let mut i = 0;
    while i < prefix.len() && i < path.len() && prefix[i] == path[i] {
        if prefix[i] == b'/' {
            common = i + 1;
        }
        i += 1;
    }
    if i == prefix.len() {
        common = prefix.len();
    }
    let ups = prefix[common..].iter().filter(|&&c| c == b'/').count();
    let mut out = Vec::with_capacity(ups * 3 + path.len() - common);
    for _ in 0..ups {
        out.extend_from_slice(b"../");
    }
    out.extend_from_slice(&path[common..]);
    if out.is_empty() {
        out.extend_from_slice(b"./");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths() {
        assert_eq!(relative_path(b"a/b/c", b"a/b/"), b"c");
        assert_eq!(relative_path(b"a/c", b"a/b/"), b"../c");
        assert_eq!(relative_path(b"x", b"a/b/"), b"../../x");
        assert_eq!(relative_path(b"ab/x", b"a/"), b"../ab/x");
        assert_eq!(relative_path(b"a/b/", b"a/b/"), b"./");
        assert_eq!(relative_path(b"f", b""), b"f");
    }
}
