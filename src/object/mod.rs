//! Git's four object kinds and parsers for their contents.
//!
//! Parsers borrow from the object's bytes and accept what git accepts: legacy tree modes such
//! as `100664`, tags without a tagger, commits with extra headers, encodings and signatures.

mod commit;
pub mod date;
mod tag;
mod tree;
pub mod tree_list;
mod validate;

pub use commit::{Commit, Signature};
pub use tag::Tag;
pub use tree::{
    compare_tree_names, EntryMode, TreeEntry, TreeIter, TreePair, TreePairError, TreePairs,
};
pub use validate::{check_entry_name, check_tree, check_tree_depth, BadName, MAX_TREE_DEPTH};

use std::fmt;

/// The kind of a git object.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ObjectKind {
    /// A commit: a tree, parents, identities and a message.
    Commit,
    /// A tree: a sorted directory listing.
    Tree,
    /// A blob: file contents.
    Blob,
    /// An annotated tag.
    Tag,
}

impl ObjectKind {
    /// The name git uses for this kind (`commit`, `tree`, `blob`, `tag`).
    pub const fn name(self) -> &'static str {
        match self {
            ObjectKind::Commit => "commit",
            ObjectKind::Tree => "tree",
            ObjectKind::Blob => "blob",
            ObjectKind::Tag => "tag",
        }
    }

    /// Parses a kind name as it appears in object headers and tags.
    pub fn from_name(name: &[u8]) -> Option<ObjectKind> {
        match name {
            b"commit" => Some(ObjectKind::Commit),
            b"tree" => Some(ObjectKind::Tree),
            b"blob" => Some(ObjectKind::Blob),
            b"tag" => Some(ObjectKind::Tag),
            _ => None,
        }
    }

    /// The 3-bit type number used in pack entry headers.
    pub const fn pack_type(self) -> u8 {
        match self {
            ObjectKind::Commit => 1,
            ObjectKind::Tree => 2,
            ObjectKind::Blob => 3,
            ObjectKind::Tag => 4,
        }
    }

    /// The kind for a pack entry type number (1–4), if it is a base object type.
    pub const fn from_pack_type(t: u8) -> Option<ObjectKind> {
        match t {
            1 => Some(ObjectKind::Commit),
            2 => Some(ObjectKind::Tree),
            3 => Some(ObjectKind::Blob),
            4 => Some(ObjectKind::Tag),
            _ => None,
        }
    }
}

impl fmt::Display for ObjectKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// An object read from the object database: its kind and its full contents.
#[derive(Clone, PartialEq, Eq)]
pub struct Object {
    /// The kind of object.
    pub kind: ObjectKind,
    /// The contents, without the `"<kind> <size>\0"` header.
    pub data: Vec<u8>,
}

impl fmt::Debug for Object {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Object({}, {} bytes)", self.kind, self.data.len())
    }
}

/// Why the contents of an object could not be parsed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    /// A tree entry is malformed (bad mode, missing NUL, short id, bad name).
    #[error("malformed tree entry at byte {offset}: {what}")]
    Tree {
        /// Byte offset of the entry in the tree.
        offset: usize,
        /// What is wrong.
        what: &'static str,
    },
    /// A commit lacks a required header or has a malformed one.
    #[error("malformed commit: {0}")]
    Commit(&'static str),
    /// A tag lacks a required header or has a malformed one.
    #[error("malformed tag: {0}")]
    Tag(&'static str),
    /// A tree entry's name is one git refuses to check out (see [`check_entry_name`]).
    #[error("bad tree entry name {:?}: {}", String::from_utf8_lossy(name), reason.describe())]
    EntryName {
        /// The name.
        name: Vec<u8>,
        /// What is wrong with it.
        reason: BadName,
    },
    /// Trees nest deeper than [`MAX_TREE_DEPTH`].
    #[error("trees nest deeper than {limit}")]
    TooDeep {
        /// The bound that was exceeded.
        limit: usize,
    },
}

/// Splits `line` at the first space: `(key, value)`.
fn split_header(line: &[u8]) -> (&[u8], &[u8]) {
    match memchr::memchr(b' ', line) {
        Some(i) => (&line[..i], &line[i + 1..]),
        None => (line, &[]),
    }
}

/// Iterates the header lines of a commit or tag, joining continuation lines (those starting
/// with a space) onto their header. Yields `(key, value)`; stops at the blank line and
/// returns the offset of the message through `body_start`.
pub(crate) struct Headers<'a> {
    data: &'a [u8],
    pos: usize,
    done: bool,
}

impl<'a> Headers<'a> {
    pub(crate) fn new(data: &'a [u8]) -> Self {
        Headers {
            data,
            pos: 0,
            done: false,
        }
    }

    /// Offset of the message (after the blank line), or the end if there is none.
    pub(crate) fn body_start(&self) -> usize {
        self.pos.min(self.data.len())
    }
}

impl<'a> Iterator for Headers<'a> {
    /// `(key, value, raw)` where `value` excludes continuation lines' leading space only in
    /// the first line; multi-line values are returned with their `\n ` separators intact.
    type Item = (&'a [u8], &'a [u8]);

    fn next(&mut self) -> Option<Self::Item> {
        if self.done || self.pos >= self.data.len() {
            self.done = true;
            return None;
        }
        let rest = &self.data[self.pos..];
        if rest[0] == b'\n' {
            self.pos += 1;
            self.done = true;
            return None;
        }
        // Find the end of this header, including continuation lines.
        let mut end = 0;
        loop {
            match memchr::memchr(b'\n', &rest[end..]) {
                Some(i) => {
                    end += i + 1;
                    if end < rest.len() && rest[end] == b' ' {
                        continue;
                    }
                    break;
                }
                None => {
                    end = rest.len();
                    break;
                }
            }
        }
        self.pos += end;
        let line = rest[..end].strip_suffix(b"\n").unwrap_or(&rest[..end]);
        Some(split_header(line))
    }
}
