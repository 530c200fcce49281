//! Validation for what tree walkers meet in repositories they did not write: entry names
//! that would escape or corrupt a work tree, and trees nested without bound.
//!
//! Reading a tree (`TreeIter`) accepts what git's own tree reader accepts; only an empty
//! name is refused there, as `git ls-tree` refuses it ("empty filename in tree entry").
//! Names such as `..`, `.git` or `a/b` are readable by git too, but `git fsck` flags them
//! and git never checks them out (`verify_path`): anything that turns tree entries into
//! paths calls [`check_entry_name`] first, and anything that recurses into subtrees bounds
//! its depth with [`check_tree_depth`].

use super::ParseError;
use super::TreeIter;
use crate::oid::HashKind;

/// How deeply trees may nest before a walk gives up: git's default `core.maxTreeDepth`.
pub const MAX_TREE_DEPTH: usize = 2048;

/// What is wrong with a tree entry's name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BadName {
    /// The name is empty.
    Empty,
    /// The name is `.`.
    Dot,
    /// The name is `..`.
    DotDot,
    /// The name is `.git` in any case, or a spelling that file systems treat as `.git`
    /// (trailing dots or spaces on NTFS, the `GIT~1` short name).
    DotGit,
    /// The name contains a `/`.
    Slash,
    /// The name contains a NUL byte.
    Nul,
}

impl BadName {
    /// A short description, as in git fsck's messages.
    pub const fn describe(self) -> &'static str {
        match self {
            BadName::Empty => "empty name",
            BadName::Dot => "name is '.'",
            BadName::DotDot => "name is '..'",
            BadName::DotGit => "name is '.git'",
            BadName::Slash => "name contains '/'",
            BadName::Nul => "name contains NUL",
        }
    }
}

/// Checks one tree entry name as git's fsck and `verify_path` do: refuses empty names,
/// `.`, `..`, `.git` (case-insensitively, and its NTFS spellings `.git.`, `.git ` and
/// `git~1`), and names containing `/` or NUL.
pub fn check_entry_name(name: &[u8]) -> Result<(), ParseError> {
    let bad = |reason: BadName| ParseError::EntryName {
        name: name.to_vec(),
        reason,
    };
    if name.is_empty() {
        return Err(bad(BadName::Empty));
    }
    if name.contains(&0) {
        return Err(bad(BadName::Nul));
    }
    if name.contains(&b'/') {
        return Err(bad(BadName::Slash));
    }
    match name {
        b"." => return Err(bad(BadName::Dot)),
        b".." => return Err(bad(BadName::DotDot)),
        _ => {}
    }
    if is_dotgit(name) {
        return Err(bad(BadName::DotGit));
    }
    Ok(())
}

/// `.git` in any case, with NTFS's ignored trailing dots and spaces, or its 8.3 short name.
fn is_dotgit(name: &[u8]) -> bool {
    let trimmed = {
        let mut n = name;
        while let [rest @ .., b'.' | b' '] = n {
            n = rest;
        }
        n
    };
    trimmed.eq_ignore_ascii_case(b".git") || name.eq_ignore_ascii_case(b"git~1")
}

/// Fails with [`ParseError::TooDeep`] once a walk is `depth` trees below its root and
/// `depth` exceeds [`MAX_TREE_DEPTH`]. The root tree is depth 0.
pub fn check_tree_depth(depth: usize) -> Result<(), ParseError> {
    if depth > MAX_TREE_DEPTH {
        return Err(ParseError::TooDeep {
            limit: MAX_TREE_DEPTH,
        });
    }
    Ok(())
}

/// Parses every entry of a tree's contents and checks each name with
/// [`check_entry_name`]. Returns the number of entries.
pub fn check_tree(data: &[u8], hash: HashKind) -> Result<usize, ParseError> {
    let mut n = 0;
    for entry in TreeIter::new(data, hash) {
        check_entry_name(entry?.name)?;
        n += 1;
    }
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reason(name: &[u8]) -> Option<BadName> {
        match check_entry_name(name) {
            Ok(()) => None,
            Err(ParseError::EntryName { reason, .. }) => Some(reason),
            Err(e) => panic!("unexpected {e}"),
        }
    }

    #[test]
    fn refuses_what_git_fsck_refuses() {
        assert_eq!(reason(b""), Some(BadName::Empty));
        assert_eq!(reason(b"."), Some(BadName::Dot));
        assert_eq!(reason(b".."), Some(BadName::DotDot));
        for g in [
            &b".git"[..],
            b".GIT",
            b".Git",
            b".git.",
            b".git  ",
            b"GIT~1",
        ] {
            assert_eq!(reason(g), Some(BadName::DotGit), "{g:?}");
        }
        assert_eq!(reason(b"a/b"), Some(BadName::Slash));
        assert_eq!(reason(b"/"), Some(BadName::Slash));
        assert_eq!(reason(b"a\0b"), Some(BadName::Nul));
    }

    #[test]
    fn accepts_ordinary_names() {
        for ok in [
            &b"a"[..],
            b"...",
            b".gitignore",
            b".git-x",
            b"git",
            b"x.git",
            b"\xff\xfe",
        ] {
            assert_eq!(reason(ok), None, "{ok:?}");
        }
    }

    #[test]
    fn depth_bound() {
        assert!(check_tree_depth(0).is_ok());
        assert!(check_tree_depth(MAX_TREE_DEPTH).is_ok());
        assert_eq!(
            check_tree_depth(MAX_TREE_DEPTH + 1),
            Err(ParseError::TooDeep {
                limit: MAX_TREE_DEPTH
            })
        );
    }

    #[test]
    fn check_tree_reports_the_first_bad_name() {
        let mut data = b"100644 ok\0".to_vec();
        data.extend_from_slice(&[1; 20]);
        assert_eq!(check_tree(&data, HashKind::Sha1), Ok(1));
        data.extend_from_slice(b"40000 ..\0");
        data.extend_from_slice(&[2; 20]);
        assert!(matches!(
            check_tree(&data, HashKind::Sha1),
            Err(ParseError::EntryName {
                reason: BadName::DotDot,
                ..
            })
        ));
    }
}
