//! Line-level diff of two byte buffers, producing exactly the change blocks of git 2.47's
//! bundled xdiff.
//!
//! The default algorithm is git's Myers variant: common prefix/suffix trimming, discarding
//! of lines without a counterpart and of runs of too-common lines, the middle-snake search
//! with git's cost cut-offs, then change-group compaction (sliding) with the indent
//! heuristic. `--minimal`, `--patience` and `--histogram` are available too.
//!
//! ```
//! use oxgit::diff::line::{Options, State};
//!
//! let mut state = State::new();
//! let diff = state.diff(b"a\nb\nc\n", b"a\nx\nc\n", &Options::default()).unwrap();
//! assert_eq!((diff.counts().added, diff.counts().deleted), (1, 1));
//! ```

mod compact;
mod histogram;
mod intern;
mod myers;
mod patience;

/// git refuses to diff buffers of 1 GiB or more (`MAX_XDIFF_SIZE`); so does oxgit.
pub const MAX_INPUT_SIZE: usize = 1 << 30;

/// Errors of the line diff.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum Error {
    /// One side is too large to diff (git's limit is 1 GiB per side).
    #[error("cannot diff a buffer of {0} bytes (limit is 1 GiB)")]
    TooLarge(usize),
}

/// Which diff algorithm to run (`--diff-algorithm`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Algorithm {
    /// git's default: Myers with xdiff's preprocessing and cost cut-offs.
    #[default]
    Myers,
    /// `--minimal`: Myers without cost cut-offs.
    Minimal,
    /// `--patience`.
    Patience,
    /// `--histogram`.
    Histogram,
}

/// Which whitespace differences make lines equal (git's `-w`, `-b`,
/// `--ignore-space-at-eol`, `--ignore-cr-at-eol`; when several are given the strongest
/// wins, as in git).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Whitespace {
    /// Lines are equal only if their bytes are.
    #[default]
    Exact,
    /// `--ignore-cr-at-eol`: a CR right before the newline is ignored.
    IgnoreCrAtEol,
    /// `--ignore-space-at-eol`: whitespace at the end of the line is ignored.
    IgnoreSpaceAtEol,
    /// `-b`: changes in the amount of whitespace are ignored.
    IgnoreSpaceChange,
    /// `-w`: all whitespace is ignored.
    IgnoreAllSpace,
}

/// Options of a line diff and of its patch text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Options {
    /// The algorithm (default Myers).
    pub algorithm: Algorithm,
    /// The indent heuristic for sliding change groups (`diff.indentHeuristic`, default on).
    pub indent_heuristic: bool,
    /// Lines of context around changes (`-U<n>`, default 3).
    pub context: u32,
    /// Extra unchanged lines allowed between two changes of one hunk
    /// (`--inter-hunk-context`, default 0).
    pub inter_hunk_context: u32,
    /// Show whole functions as context (`-W`, `--function-context`), using the
    /// function-name rule of the patch printer.
    pub function_context: bool,
    /// Whitespace handling when comparing lines (the printed lines are unchanged).
    pub whitespace: Whitespace,
    /// `--ignore-blank-lines`: changes made only of blank lines are not shown unless
    /// they are close to other changes (and then are not counted either).
    pub ignore_blank_lines: bool,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            algorithm: Algorithm::Myers,
            indent_heuristic: true,
            context: 3,
            inter_hunk_context: 0,
            function_context: false,
            whitespace: Whitespace::Exact,
            ignore_blank_lines: false,
        }
    }
}

/// A block of consecutive changed lines: `old_len` lines deleted at `old_start` and
/// `new_len` lines inserted at `new_start` (0-based line numbers).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Change {
    /// First deleted line in the old file (or the position of an insertion).
    pub old_start: u32,
    /// Number of deleted lines.
    pub old_len: u32,
    /// First inserted line in the new file (or the position of a deletion).
    pub new_start: u32,
    /// Number of inserted lines.
    pub new_len: u32,
}

/// Numbers of added and deleted lines of a diff (what `--numstat` prints).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    /// Lines starting with `+` in the patch.
    pub added: u64,
    /// Lines starting with `-` in the patch.
    pub deleted: u64,
}

/// One side of a diff split into records (lines including their `\n`).
#[derive(Debug, Default)]
pub(crate) struct Side {
    /// Byte offset of the start of each line, plus one final entry with the buffer length.
    pub(crate) starts: Vec<usize>,
    /// Equivalence class of each line.
    pub(crate) class: Vec<intern::Class>,
    /// Which lines are changed.
    pub(crate) changed: Vec<bool>,
}

impl Side {
    fn split(&mut self, data: &[u8]) {
        self.starts.clear();
        self.starts.push(0);
        for nl in memchr::memchr_iter(b'\n', data) {
            self.starts.push(nl + 1);
        }
        if *self.starts.last().unwrap_or(&0) != data.len() {
            self.starts.push(data.len());
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.starts.len() - 1
    }

    pub(crate) fn line<'a>(&self, data: &'a [u8], i: usize) -> &'a [u8] {
        &data[self.starts[i]..self.starts[i + 1]]
    }
}

/// Reusable buffers for line diffs: create one per thread and call [`State::diff`] for
/// each file pair, so that diffing many files does not allocate per file.
#[derive(Debug, Default)]
pub struct State {
    pub(crate) old: Side,
    pub(crate) new: Side,
    myers: myers::Scratch,
    histogram: histogram::Scratch,
    patience: patience::Scratch,
    pub(crate) changes: Vec<Change>,
    /// Per change: whether it only has blank lines (with `--ignore-blank-lines`).
    pub(crate) ignorable: Vec<bool>,
}

/// The result of [`State::diff`]: the change blocks of one file pair, with access to the
/// lines for printing.
#[derive(Debug, Clone, Copy)]
pub struct LineDiff<'a> {
    pub(crate) old_data: &'a [u8],
    pub(crate) new_data: &'a [u8],
    pub(crate) state: &'a State,
    pub(crate) options: Options,
}

impl State {
    /// Empty buffers.
    pub fn new() -> State {
        State::default()
    }

    /// Diffs `old` against `new` as git does, with the given options. With `context == 0`
    /// (and no function context) git first trims a common tail of both buffers in
    /// 1024-byte blocks (which can change the alignment of the changes); so does this.
    ///
    /// Fails only for inputs of 1 GiB or more. The work is bounded by git's cost
    /// cut-offs (and, for `--minimal`, by an extra bound git does not have).
    pub fn diff<'a>(
        &'a mut self,
        old: &'a [u8],
        new: &'a [u8],
        options: &Options,
    ) -> Result<LineDiff<'a>, Error> {
        for side in [old, new] {
            if side.len() >= MAX_INPUT_SIZE {
                return Err(Error::TooLarge(side.len()));
            }
        }
        let (old, new) = if options.context == 0 && !options.function_context {
            trim_common_tail(old, new)
        } else {
            (old, new)
        };
        self.old.split(old);
        self.new.split(new);
        let nclasses = intern::classify(old, &mut self.old, new, &mut self.new, options.whitespace);
        let n1 = self.old.len();
        let n2 = self.new.len();
        self.old.changed.clear();
        self.old.changed.resize(n1, false);
        self.new.changed.clear();
        self.new.changed.resize(n2, false);
        match options.algorithm {
            Algorithm::Myers | Algorithm::Minimal => self.myers.run(
                &self.old.class,
                &self.new.class,
                nclasses,
                &mut self.old.changed,
                &mut self.new.changed,
                options.algorithm == Algorithm::Minimal,
            ),
            Algorithm::Patience => self.patience.run(
                &self.old.class,
                &self.new.class,
                nclasses,
                &mut self.old.changed,
                &mut self.new.changed,
                &mut self.myers,
            ),
            Algorithm::Histogram => self.histogram.run(
                &self.old.class,
                &self.new.class,
                nclasses,
                &mut self.old.changed,
                &mut self.new.changed,
                &mut self.myers,
            ),
        }
        compact::compact(&mut self.old, &self.new, old, options.indent_heuristic);
        compact::compact(&mut self.new, &self.old, new, options.indent_heuristic);
        self.build_script();
        self.ignorable.clear();
        if options.ignore_blank_lines {
            for c in &self.changes {
                let blank = |side: &Side, data: &[u8], start: u32, len: u32| {
                    (start..start + len)
                        .all(|i| intern::is_blank(side.line(data, i as usize), options.whitespace))
                };
                let ignore = blank(&self.old, old, c.old_start, c.old_len)
                    && blank(&self.new, new, c.new_start, c.new_len);
                self.ignorable.push(ignore);
            }
        }
        Ok(LineDiff {
            old_data: old,
            new_data: new,
            state: self,
            options: *options,
        })
    }

    fn build_script(&mut self) {
        self.changes.clear();
        let (c1, c2) = (&self.old.changed, &self.new.changed);
        let (n1, n2) = (c1.len(), c2.len());
        let (mut i1, mut i2) = (0usize, 0usize);
        while i1 < n1 || i2 < n2 {
            if (i1 < n1 && c1[i1]) || (i2 < n2 && c2[i2]) {
                let (s1, s2) = (i1, i2);
                while i1 < n1 && c1[i1] {
                    i1 += 1;
                }
                while i2 < n2 && c2[i2] {
                    i2 += 1;
                }
                self.changes.push(Change {
                    old_start: s1 as u32,
                    old_len: (i1 - s1) as u32,
                    new_start: s2 as u32,
                    new_len: (i2 - s2) as u32,
                });
            } else {
                i1 += 1;
                i2 += 1;
            }
        }
    }
}

/// git's `trim_common_tail` (used when there is no context): drop equal 1024-byte blocks
/// from the ends, then give back the part of the last block up to its first newline.
fn trim_common_tail<'a>(a: &'a [u8], b: &'a [u8]) -> (&'a [u8], &'a [u8]) {
    const BLK: usize = 1024;
    let smaller = a.len().min(b.len());
    let mut trimmed = 0;
    while BLK + trimmed <= smaller
        && a[a.len() - trimmed - BLK..a.len() - trimmed]
            == b[b.len() - trimmed - BLK..b.len() - trimmed]
    {
        trimmed += BLK;
    }
    let mut recovered = 0;
    let ap = a.len() - trimmed;
    while recovered < trimmed {
        let c = a[ap + recovered];
        recovered += 1;
        if c == b'\n' {
            break;
        }
    }
    let cut = trimmed - recovered;
    (&a[..a.len() - cut], &b[..b.len() - cut])
}

impl<'a> LineDiff<'a> {
    /// The change blocks, in order.
    pub fn changes(&self) -> &'a [Change] {
        &self.state.changes
    }

    /// Added and deleted line counts (numstat): the `+` and `-` lines of the patch (as
    /// git's diffstat computes them, i.e. without function context).
    pub fn counts(&self) -> Counts {
        let mut c = Counts::default();
        let mut add = |ch: &Change| {
            c.added += u64::from(ch.new_len);
            c.deleted += u64::from(ch.old_len);
        };
        if self.options.ignore_blank_lines {
            // git's diffstat runs without function context.
            let plain = LineDiff {
                options: Options {
                    function_context: false,
                    ..self.options
                },
                ..*self
            };
            for h in crate::diff::patch::hunks(&plain) {
                self.state.changes[h.changes.0..h.changes.1]
                    .iter()
                    .for_each(&mut add);
            }
        } else {
            self.state.changes.iter().for_each(add);
        }
        c
    }

    /// Whether change `i` consists of blank lines only and `--ignore-blank-lines` is on.
    pub fn is_ignorable(&self, i: usize) -> bool {
        self.state.ignorable.get(i).copied().unwrap_or(false)
    }

    /// The options the diff was made with.
    pub fn options(&self) -> &Options {
        &self.options
    }

    /// Number of lines of the old side (after the `-U0` tail trim, if any).
    pub fn old_len(&self) -> usize {
        self.state.old.len()
    }

    /// Number of lines of the new side (after the `-U0` tail trim, if any).
    pub fn new_len(&self) -> usize {
        self.state.new.len()
    }

    /// Line `i` of the old side, including its `\n` if it has one.
    pub fn old_line(&self, i: usize) -> &'a [u8] {
        self.state.old.line(self.old_data, i)
    }

    /// Line `i` of the new side, including its `\n` if it has one.
    pub fn new_line(&self, i: usize) -> &'a [u8] {
        self.state.new.line(self.new_data, i)
    }
}

/// Convenience: added/deleted counts of one pair with default options (allocates a
/// [`State`]; use [`State::diff`] in loops).
pub fn counts(old: &[u8], new: &[u8]) -> Result<Counts, Error> {
    let mut state = State::new();
    let options = Options::default();
    Ok(state.diff(old, new, &options)?.counts())
}

/// `bogosqrt` of xdiff: a cheap power-of-two approximation of a square root.
pub(crate) fn bogosqrt(mut n: usize) -> usize {
    let mut r = 1;
    while n > 0 {
        r *= 2;
        n >>= 2;
    }
    r
}
