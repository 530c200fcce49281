//! Tree objects: `<octal mode> <name>\0<binary id>` entries, sorted in git's order.

use super::ParseError;
use crate::oid::{HashKind, ObjectId};
use std::cmp::Ordering;

/// The kind of a tree entry, from its mode.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum EntryMode {
    /// A subdirectory (`040000`).
    Tree,
    /// A regular file (`100644`, and legacy modes such as `100664`).
    Blob,
    /// An executable file (`100755`).
    BlobExecutable,
    /// A symbolic link (`120000`).
    Link,
    /// A submodule commit, a "gitlink" (`160000`).
    Commit,
}

impl EntryMode {
    /// Classifies a raw mode as git's `canon_mode` does; `None` for modes git rejects.
    pub fn from_raw(mode: u32) -> Option<EntryMode> {
        match mode & 0o170000 {
            0o040000 => Some(EntryMode::Tree),
            0o100000 => Some(if mode & 0o111 != 0 {
                EntryMode::BlobExecutable
            } else {
                EntryMode::Blob
            }),
            0o120000 => Some(EntryMode::Link),
            0o160000 => Some(EntryMode::Commit),
            _ => None,
        }
    }

    /// The canonical mode git prints for this kind.
    pub const fn as_raw(self) -> u32 {
        match self {
            EntryMode::Tree => 0o040000,
            EntryMode::Blob => 0o100644,
            EntryMode::BlobExecutable => 0o100755,
            EntryMode::Link => 0o120000,
            EntryMode::Commit => 0o160000,
        }
    }

    /// Whether this entry is a subtree.
    pub const fn is_tree(self) -> bool {
        matches!(self, EntryMode::Tree)
    }

    /// Whether this entry's object is a blob (file or symlink).
    pub const fn is_blob(self) -> bool {
        matches!(
            self,
            EntryMode::Blob | EntryMode::BlobExecutable | EntryMode::Link
        )
    }

    /// The object kind the entry points at.
    pub const fn object_kind(self) -> super::ObjectKind {
        match self {
            EntryMode::Tree => super::ObjectKind::Tree,
            EntryMode::Commit => super::ObjectKind::Commit,
            _ => super::ObjectKind::Blob,
        }
    }
}

/// One entry of a tree, borrowing its name from the tree's bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TreeEntry<'a> {
    /// The mode as written in the tree (may be a legacy value such as `100664`).
    pub raw_mode: u32,
    /// The classified mode.
    pub mode: EntryMode,
    /// The file name (no slashes).
    pub name: &'a [u8],
    /// The id of the entry's object.
    pub id: ObjectId,
}

impl TreeEntry<'_> {
    /// Compares two entries in git's tree order: a tree sorts as if its name ended in `/`.
    pub fn cmp_git(&self, other: &TreeEntry<'_>) -> Ordering {
        compare_tree_names(
            self.name,
            self.mode.is_tree(),
            other.name,
            other.mode.is_tree(),
        )
    }
}

/// git's `base_name_compare`: compares names, with a tree's name followed by an implicit `/`.
pub fn compare_tree_names(a: &[u8], a_tree: bool, b: &[u8], b_tree: bool) -> Ordering {
    let n = a.len().min(b.len());
    match a[..n].cmp(&b[..n]) {
        Ordering::Equal => {}
        o => return o,
    }
    let ca = a.get(n).copied().or(if a_tree { Some(b'/') } else { None });
    let cb = b.get(n).copied().or(if b_tree { Some(b'/') } else { None });
    ca.cmp(&cb)
}

/// Iterates the entries of a tree's contents, failing on the first malformed entry.
#[derive(Clone)]
pub struct TreeIter<'a> {
    data: &'a [u8],
    pos: usize,
    hash: HashKind,
    failed: bool,
}

impl<'a> TreeIter<'a> {
    /// Iterates `data`, the contents of a tree object whose ids are of kind `hash`.
    pub fn new(data: &'a [u8], hash: HashKind) -> Self {
        TreeIter {
            data,
            pos: 0,
            hash,
            failed: false,
        }
    }

    fn parse_entry(&mut self) -> Result<TreeEntry<'a>, ParseError> {
        let start = self.pos;
        let err = |what| ParseError::Tree {
            offset: start,
            what,
        };
        let rest = &self.data[start..];
        let sp = memchr::memchr(b' ', rest).ok_or_else(|| err("no space after mode"))?;
        let mode_bytes = &rest[..sp];
        if mode_bytes.is_empty() || mode_bytes.len() > 7 {
            return Err(err("bad mode length"));
        }
        let mut raw_mode = 0u32;
        for &c in mode_bytes {
            if !(b'0'..=b'7').contains(&c) {
                return Err(err("mode is not octal"));
            }
            raw_mode = raw_mode * 8 + u32::from(c - b'0');
        }
        let mode = EntryMode::from_raw(raw_mode).ok_or_else(|| err("unknown mode"))?;
        let after = &rest[sp + 1..];
        let nul = memchr::memchr(0, after).ok_or_else(|| err("no NUL after name"))?;
        let name = &after[..nul];
        if name.is_empty() {
            return Err(err("empty name"));
        }
        let id_bytes = &after[nul + 1..];
        let id =
            ObjectId::from_prefix_bytes(self.hash, id_bytes).ok_or_else(|| err("truncated id"))?;
        self.pos = start + sp + 1 + nul + 1 + self.hash.len();
        Ok(TreeEntry {
            raw_mode,
            mode,
            name,
            id,
        })
    }
}

impl<'a> Iterator for TreeIter<'a> {
    type Item = Result<TreeEntry<'a>, ParseError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.failed || self.pos >= self.data.len() {
            return None;
        }
        let r = self.parse_entry();
        if r.is_err() {
            self.failed = true;
        }
        Some(r)
    }
}

/// The entries of two trees side by side in git's tree order, the merge every tree diff
/// walks: each step gives the entry of one name in the old tree, the new tree or both.
/// Entries are read lazily, so a caller that stops early never parses the rest.
pub struct TreePairs<'a> {
    old: TreeIter<'a>,
    new: TreeIter<'a>,
    next_old: Option<TreeEntry<'a>>,
    next_new: Option<TreeEntry<'a>>,
    /// Which sides the previous step consumed (both at the start).
    advance: (bool, bool),
}

/// An entry of the old tree, the new tree, or both, under one name.
pub type TreePair<'a> = (Option<TreeEntry<'a>>, Option<TreeEntry<'a>>);

/// A tree of a [`TreePairs`] walk failed to parse: `old` says which.
#[derive(Debug)]
pub struct TreePairError {
    /// Whether the old tree (else the new one) is malformed.
    pub old: bool,
    /// What is wrong with it.
    pub source: ParseError,
}

impl<'a> TreePairs<'a> {
    /// Walks the raw trees `old` and `new` together.
    pub fn new(old: &'a [u8], new: &'a [u8], hash: HashKind) -> TreePairs<'a> {
        TreePairs {
            old: TreeIter::new(old, hash),
            new: TreeIter::new(new, hash),
            next_old: None,
            next_new: None,
            advance: (true, true),
        }
    }

    /// The next name's entries, or `None` when both trees are done.
    pub fn next_pair(&mut self) -> Result<Option<TreePair<'a>>, TreePairError> {
        if std::mem::take(&mut self.advance.0) {
            self.next_old = self
                .old
                .next()
                .transpose()
                .map_err(|source| TreePairError { old: true, source })?;
        }
        if std::mem::take(&mut self.advance.1) {
            self.next_new = self
                .new
                .next()
                .transpose()
                .map_err(|source| TreePairError { old: false, source })?;
        }
        let ord = match (&self.next_old, &self.next_new) {
            (None, None) => return Ok(None),
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (Some(x), Some(y)) => x.cmp_git(y),
        };
        self.advance = (ord != Ordering::Greater, ord != Ordering::Less);
        Ok(Some(match ord {
            Ordering::Less => (self.next_old.take(), None),
            Ordering::Greater => (None, self.next_new.take()),
            Ordering::Equal => (self.next_old.take(), self.next_new.take()),
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_entries_and_legacy_modes() {
        let mut data = Vec::new();
        data.extend_from_slice(b"100664 a.txt\0");
        data.extend_from_slice(&[1u8; 20]);
        data.extend_from_slice(b"40000 dir\0");
        data.extend_from_slice(&[2u8; 20]);
        let entries: Vec<_> = TreeIter::new(&data, HashKind::Sha1)
            .collect::<Result<_, _>>()
            .unwrap();
        assert_eq!(entries.len(), 2);
        assert_eq!(entries[0].mode, EntryMode::Blob);
        assert_eq!(entries[0].raw_mode, 0o100664);
        assert_eq!(entries[1].name, b"dir");
        assert!(entries[1].mode.is_tree());
    }

    #[test]
    fn truncated_tree_is_an_error() {
        let data = b"100644 a\0abc".to_vec();
        let r: Result<Vec<_>, _> = TreeIter::new(&data, HashKind::Sha1).collect();
        assert!(r.is_err());
    }

    #[test]
    fn tree_names_sort_with_implicit_slash() {
        assert_eq!(
            compare_tree_names(b"a", true, b"a.c", false),
            Ordering::Greater
        );
        assert_eq!(
            compare_tree_names(b"a", false, b"a.c", false),
            Ordering::Less
        );
        assert_eq!(
            compare_tree_names(b"a", true, b"a", false),
            Ordering::Greater
        );
    }
}
