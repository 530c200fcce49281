//! A typed change between two trees: what happened to one path (or pair of paths).

use crate::oid::ObjectId;

/// git's internal similarity scale: a score of `MAX_SCORE` is 100 %.
pub const MAX_SCORE: u32 = 60000;

/// What happened to a path between the old and the new tree.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ChangeKind {
    /// The path exists only in the new tree (`A`).
    Added,
    /// The path exists only in the old tree (`D`).
    Deleted,
    /// The contents or the mode changed, the kind of entry did not (`M`).
    ///
    /// A tree diff asked to include unmodified entries (for `--find-copies-harder`) also
    /// reports them as `Modified` with equal sides; see [`Change::is_unmodified`].
    Modified,
    /// The entry changed between regular file, symlink and submodule (`T`).
    TypeChanged,
    /// The old path's contents moved to the new path (`R`).
    Renamed,
    /// The new path's contents were copied from the old path, which stays (`C`).
    Copied,
}

impl ChangeKind {
    /// The status letter git prints (`A`, `D`, `M`, `T`, `R`, `C`).
    pub const fn letter(self) -> u8 {
        match self {
            ChangeKind::Added => b'A',
            ChangeKind::Deleted => b'D',
            ChangeKind::Modified => b'M',
            ChangeKind::TypeChanged => b'T',
            ChangeKind::Renamed => b'R',
            ChangeKind::Copied => b'C',
        }
    }
}

/// One entry of a diff queue, as git's `diff_filepair` after status resolution.
///
/// A missing side (the old side of an addition, the new side of a deletion) has mode `0`,
/// the null id, and the same path as the present side.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Change {
    /// What happened.
    pub kind: ChangeKind,
    /// The path in the old tree (full path from the root, `/`-separated).
    pub old_path: Vec<u8>,
    /// The path in the new tree.
    pub new_path: Vec<u8>,
    /// The old mode as git prints it (canonical: `100644`, `100755`, `120000`, `160000`),
    /// `0` if the path is absent in the old tree.
    pub old_mode: u32,
    /// The new mode, `0` if the path is absent in the new tree.
    pub new_mode: u32,
    /// The old object id, null if absent.
    pub old_id: ObjectId,
    /// The new object id, null if absent.
    pub new_id: ObjectId,
    /// For renames and copies, the similarity on git's scale `0..=MAX_SCORE`; for a
    /// complete rewrite found by break detection (`-B`), a `Modified` or `TypeChanged`
    /// change carries its dissimilarity here.
    pub score: Option<u32>,
}

impl Change {
    /// An addition of `path` with `mode` and `id`.
    pub fn added(path: Vec<u8>, mode: u32, id: ObjectId) -> Change {
        Change {
            kind: ChangeKind::Added,
            old_path: path.clone(),
            new_path: path,
            old_mode: 0,
            new_mode: mode,
            old_id: id.kind().null_id(),
            new_id: id,
            score: None,
        }
    }

    /// A deletion of `path` that had `mode` and `id`.
    pub fn deleted(path: Vec<u8>, mode: u32, id: ObjectId) -> Change {
        Change {
            kind: ChangeKind::Deleted,
            old_path: path.clone(),
            new_path: path,
            old_mode: mode,
            new_mode: 0,
            old_id: id,
            new_id: id.kind().null_id(),
            score: None,
        }
    }

    /// A change of `path` in place: `Modified`, or `TypeChanged` when the file kinds
    /// (regular file, symlink, gitlink) differ.
    pub fn modified(
        path: Vec<u8>,
        old_mode: u32,
        old_id: ObjectId,
        new_mode: u32,
        new_id: ObjectId,
    ) -> Change {
        let kind = if old_mode & 0o170000 != new_mode & 0o170000 {
            ChangeKind::TypeChanged
        } else {
            ChangeKind::Modified
        };
        Change {
            kind,
            old_path: path.clone(),
            new_path: path,
            old_mode,
            new_mode,
            old_id,
            new_id,
            score: None,
        }
    }

    /// The path git names this change by: the new path, or the old one for a deletion.
    pub fn path(&self) -> &[u8] {
        if self.kind == ChangeKind::Deleted {
            &self.old_path
        } else {
            &self.new_path
        }
    }

    /// The status letter git prints.
    pub fn status_letter(&self) -> u8 {
        self.kind.letter()
    }

    /// The score as git prints it (`floor(score * 100 / 60000)`): similarity of renames
    /// and copies, dissimilarity of rewrites.
    pub fn percent(&self) -> Option<u32> {
        self.score.map(|s| s * 100 / MAX_SCORE)
    }

    /// Whether both sides are present and identical (only reported by tree diffs that
    /// include unmodified entries).
    pub fn is_unmodified(&self) -> bool {
        self.kind == ChangeKind::Modified
            && self.old_id == self.new_id
            && self.old_mode == self.new_mode
            && self.old_path == self.new_path
    }

    /// Whether the old side exists.
    pub fn has_old(&self) -> bool {
        self.kind != ChangeKind::Added
    }

    /// Whether the new side exists.
    pub fn has_new(&self) -> bool {
        self.kind != ChangeKind::Deleted
    }
}

/// Whether `mode` is a regular file (`S_ISREG`).
pub const fn is_regular(mode: u32) -> bool {
    mode & 0o170000 == 0o100000
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::oid::HashKind;

    #[test]
    fn kinds_and_letters() {
        let id = HashKind::Sha1.empty_blob();
        let c = Change::modified(b"f".to_vec(), 0o100644, id, 0o120000, id);
        assert_eq!(c.kind, ChangeKind::TypeChanged);
        assert_eq!(c.status_letter(), b'T');
        let m = Change::modified(b"f".to_vec(), 0o100644, id, 0o100755, id);
        assert_eq!(m.kind, ChangeKind::Modified);
        assert!(!m.is_unmodified());
        let d = Change::deleted(b"x".to_vec(), 0o100644, id);
        assert!(d.new_id.is_null());
        assert_eq!(d.path(), b"x");
        let mut r = Change::added(b"y".to_vec(), 0o100644, id);
        r.score = Some(56999);
        assert_eq!(r.percent(), Some(94));
    }
}
