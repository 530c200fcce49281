//! One file pair's diff as typed values: the change, counts, hunks and lines.

use crate::diff::{Change, ChangeKind};
use crate::oid::ObjectId;

/// Recycled file buffers larger than this are dropped rather than kept.
const SHRINK_ABOVE: usize = 1 << 20;

/// How much of each file pair is computed: a sink asks for what it shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Detail {
    /// Only the change (paths, modes, ids, status): no blob is read.
    Changes,
    /// Also sizes, the binary flag and line counts (stats).
    Counts,
    /// Also the hunks with their lines (patches).
    Hunks,
}

/// What a line of a hunk is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LineKind {
    /// Unchanged (` `).
    Context,
    /// Only in the new side (`+`).
    Added,
    /// Only in the old side (`-`).
    Deleted,
}

impl LineKind {
    /// The mark git prints before the line.
    pub fn mark(self) -> u8 {
        match self {
            LineKind::Context => b' ',
            LineKind::Added => b'+',
            LineKind::Deleted => b'-',
        }
    }
}

/// Which part of a type change a hunk belongs to: git prints a type change (file ↔
/// symlink ↔ submodule) as a deletion of the old entry followed by an addition of the new.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Part {
    /// The whole pair (every change but a type change).
    Whole,
    /// The deletion of the old side of a type change.
    Old,
    /// The addition of the new side of a type change.
    New,
}

#[derive(Clone, Copy, Debug)]
pub(crate) struct HunkRec {
    pub(crate) old_start: usize,
    pub(crate) old_len: usize,
    pub(crate) new_start: usize,
    pub(crate) new_len: usize,
    /// Range of the function-name text in the old content.
    pub(crate) func: (usize, usize),
    /// Range into the file's line records.
    pub(crate) lines: (usize, usize),
    pub(crate) part: Part,
}

#[derive(Clone, Copy, Debug)]
pub(crate) struct LineRec {
    pub(crate) kind: LineKind,
    /// 1-based line numbers (0: none).
    pub(crate) old_no: u32,
    pub(crate) new_no: u32,
    /// Where the bytes are: in the new content (else the old).
    pub(crate) in_new: bool,
    pub(crate) start: usize,
    pub(crate) len: u32,
}

/// One file pair's diff. Buffers are recycled by the differ: a sink sees each value only
/// during its [`Sink::file`](super::Sink::file) call (clone what you keep).
#[derive(Clone, Debug)]
pub struct FileDiff {
    /// The change (status, paths, modes, ids, score).
    pub change: Change,
    /// What was computed.
    pub detail: Detail,
    /// Whether either side is binary (git's rule: a NUL in the first 8000 bytes); binary
    /// pairs have no line counts and no hunks.
    pub binary: bool,
    /// Added lines (`+` lines of git's `--numstat`).
    pub additions: u64,
    /// Deleted lines.
    pub deletions: u64,
    /// Size in bytes of the old side's content (0 when absent).
    pub old_size: u64,
    /// Size in bytes of the new side's content.
    pub new_size: u64,
    /// Whether the old side is empty or ends with a newline.
    pub old_ends_with_newline: bool,
    /// Whether the new side is empty or ends with a newline.
    pub new_ends_with_newline: bool,
    /// git's `--dirstat` damage ([`crate::diff::dirstat::damage`]), when the sink asked
    /// for it ([`super::Sink::needs_damage`]); else 0.
    pub damage: u64,
    /// The ids shown in the patch's `index` line: the change's ids, or for content read
    /// from a work tree, the id computed by hashing it.
    pub index_ids: (ObjectId, ObjectId),
    pub(crate) index_names: (String, String),
    /// The null id abbreviated (for the missing sides of a type change's two parts).
    pub(crate) null_name: String,
    pub(crate) contents_differ: bool,
    pub(crate) part_binary: (bool, bool),
    pub(crate) old: Vec<u8>,
    pub(crate) new: Vec<u8>,
    pub(crate) hunks: Vec<HunkRec>,
    pub(crate) lines: Vec<LineRec>,
}

impl FileDiff {
    pub(crate) fn empty(change: Change) -> FileDiff {
        FileDiff {
            index_ids: (change.old_id, change.new_id),
            change,
            detail: Detail::Changes,
            binary: false,
            additions: 0,
            deletions: 0,
            old_size: 0,
            new_size: 0,
            old_ends_with_newline: true,
            new_ends_with_newline: true,
            damage: 0,
            index_names: (String::new(), String::new()),
            null_name: String::new(),
            contents_differ: false,
            part_binary: (false, false),
            old: Vec::new(),
            new: Vec::new(),
            hunks: Vec::new(),
            lines: Vec::new(),
        }
    }

    /// Resets for reuse with another change, keeping the buffers' memory.
    pub(crate) fn reset(&mut self, change: &Change) {
        self.change.clone_from(change);
        self.index_ids = (change.old_id, change.new_id);
        self.detail = Detail::Changes;
        self.binary = false;
        self.additions = 0;
        self.deletions = 0;
        self.old_size = 0;
        self.new_size = 0;
        self.old_ends_with_newline = true;
        self.new_ends_with_newline = true;
        self.damage = 0;
        self.index_names.0.clear();
        self.index_names.1.clear();
        self.null_name.clear();
        self.contents_differ = false;
        self.part_binary = (false, false);
        // A buffer that held a huge blob is not kept for the next file.
        for buf in [&mut self.old, &mut self.new] {
            if buf.capacity() > SHRINK_ABOVE {
                *buf = Vec::new();
            }
            buf.clear();
        }
        if self.lines.capacity() > SHRINK_ABOVE / 16 {
            self.lines = Vec::new();
        }
        self.hunks.clear();
        self.lines.clear();
    }

    /// The path git names this pair by (the new path; the old one for a deletion).
    pub fn path(&self) -> &[u8] {
        self.change.path()
    }

    /// Whether git's `--stat`/`--numstat` leave this pair out: a modification whose line
    /// diff is empty (possible with whitespace options) and whose mode is unchanged.
    pub fn is_empty_modification(&self) -> bool {
        !self.binary
            && self.additions == 0
            && self.deletions == 0
            && self.change.kind == ChangeKind::Modified
            && self.change.old_mode == self.change.new_mode
            && self.change.score.is_none_or(|s| s == 0)
            // Equal ids (a submodule only dirty in the work tree) are listed with 0 0.
            && (self.change.old_id != self.change.new_id || self.change.old_id.is_null())
    }

    /// Whether the pair is a `-B` complete rewrite.
    pub fn is_rewrite(&self) -> bool {
        self.change.kind == ChangeKind::Modified && self.change.score.is_some_and(|s| s > 0)
    }

    /// The abbreviated ids of the patch's `index` line (old, new), as git shows them.
    pub fn index_names(&self) -> (&str, &str) {
        (&self.index_names.0, &self.index_names.1)
    }

    /// The hunks, in order (empty below [`Detail::Hunks`] and for binary pairs).
    pub fn hunks(&self) -> impl ExactSizeIterator<Item = Hunk<'_>> + '_ {
        self.hunks.iter().map(move |h| Hunk { file: self, rec: h })
    }

    /// The old side's content, when kept ([`Detail::Hunks`], text pairs).
    pub fn old_content(&self) -> Option<&[u8]> {
        (self.detail == Detail::Hunks && !self.binary).then_some(&self.old[..])
    }

    /// The new side's content, when kept.
    pub fn new_content(&self) -> Option<&[u8]> {
        (self.detail == Detail::Hunks && !self.binary).then_some(&self.new[..])
    }

    /// Whether the two sides' contents differ (for binary pairs: whether git prints
    /// `Binary files ... differ`).
    pub fn contents_differ(&self) -> bool {
        self.contents_differ
    }
}

/// One hunk of a [`FileDiff`].
#[derive(Clone, Copy, Debug)]
pub struct Hunk<'a> {
    file: &'a FileDiff,
    rec: &'a HunkRec,
}

impl<'a> Hunk<'a> {
    /// First old line shown, 1-based (0 when the hunk shows no old line), as in the
    /// `@@ -<old_start>,<old_len>` header.
    pub fn old_start(&self) -> usize {
        self.rec.old_start + usize::from(self.rec.old_len > 0)
    }

    /// Number of old lines shown.
    pub fn old_len(&self) -> usize {
        self.rec.old_len
    }

    /// First new line shown, 1-based (0 when the hunk shows no new line).
    pub fn new_start(&self) -> usize {
        self.rec.new_start + usize::from(self.rec.new_len > 0)
    }

    /// Number of new lines shown.
    pub fn new_len(&self) -> usize {
        self.rec.new_len
    }

    /// The function-name text after `@@ ... @@` (empty if none).
    pub fn function(&self) -> &'a [u8] {
        &self.file.old[self.rec.func.0..self.rec.func.1]
    }

    /// Which part of a type change this hunk belongs to.
    pub fn part(&self) -> Part {
        self.rec.part
    }

    /// git's header line (`@@ -1,3 +1,4 @@ fn main()\n`) appended to `out`.
    pub fn write_header(&self, out: &mut Vec<u8>) {
        crate::diff::patch::write_hunk_header(
            out,
            self.rec.old_start,
            self.rec.old_len,
            self.rec.new_start,
            self.rec.new_len,
            self.function(),
        );
    }

    /// The lines, in order.
    pub fn lines(&self) -> impl ExactSizeIterator<Item = Line<'a>> + 'a {
        let file = self.file;
        file.lines[self.rec.lines.0..self.rec.lines.1]
            .iter()
            .map(move |l| Line {
                kind: l.kind,
                old_line: (l.old_no > 0).then_some(l.old_no),
                new_line: (l.new_no > 0).then_some(l.new_no),
                content: if l.in_new {
                    &file.new[l.start..l.start + l.len as usize]
                } else {
                    &file.old[l.start..l.start + l.len as usize]
                },
            })
    }
}

/// One line of a hunk.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Line<'a> {
    /// Context, added or deleted.
    pub kind: LineKind,
    /// Its 1-based number in the old side (`None` for added lines).
    pub old_line: Option<u32>,
    /// Its 1-based number in the new side (`None` for deleted lines).
    pub new_line: Option<u32>,
    /// The bytes, with the final `\n` when the line has one.
    pub content: &'a [u8],
}

impl Line<'_> {
    /// Whether the line ends with a newline (git prints `\ No newline at end of file`
    /// after one that does not).
    pub fn has_newline(&self) -> bool {
        self.content.last() == Some(&b'\n')
    }
}
