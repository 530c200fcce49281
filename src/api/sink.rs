//! The receiving end of a diff: a [`Sink`] gets typed events, in git's order.

use super::{Detail, Error, FileDiff, Warning};
use crate::diff::Change;
use crate::oid::ObjectId;

/// Whether to go on after an event.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Control {
    /// Deliver the next file.
    Continue,
    /// Stop: no further file is diffed; [`Sink::finish`] is still called.
    Stop,
}

/// What is known before the first file: the resolved sides and the whole change list.
#[derive(Clone, Copy, Debug)]
pub struct Begin<'a> {
    /// The old side as resolved: a commit, a tree or a blob (`None`: the empty tree, the
    /// index or the work tree).
    pub old: Option<ObjectId>,
    /// The new side as resolved.
    pub new: Option<ObjectId>,
    /// The merge base used for `A...B` and `--merge-base`.
    pub base: Option<ObjectId>,
    /// Every change that will be delivered, in git's order (after `--diff-filter`);
    /// empty in a [`crate::api::Differ::stream`] run (see [`Sink::needs_change_list`]).
    pub changes: &'a [Change],
}

/// Totals over file diffs, as git's `--shortstat` counts them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Stats {
    /// Files changed (binary ones included).
    pub files: u64,
    /// Lines added.
    pub additions: u64,
    /// Lines deleted.
    pub deletions: u64,
}

impl Stats {
    /// Adds one file's counts (skipping what git's stats skip).
    pub fn add(&mut self, file: &FileDiff) {
        if file.is_empty_modification() {
            return;
        }
        self.files += 1;
        self.additions += file.additions;
        self.deletions += file.deletions;
    }

    /// Lines added plus lines deleted.
    pub fn changes(&self) -> u64 {
        self.additions + self.deletions
    }
}

/// The result of a run, after the last file.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Outcome {
    /// The old side as resolved (see [`Begin::old`]).
    pub old: Option<ObjectId>,
    /// The new side as resolved.
    pub new: Option<ObjectId>,
    /// The merge base used, if any.
    pub base: Option<ObjectId>,
    /// Number of changes in the list.
    pub changes: usize,
    /// Number of files delivered to the sink.
    pub files: usize,
    /// Totals over the delivered files (zero when the sink asked for
    /// [`Detail::Changes`]).
    pub stats: Stats,
    /// Whether the sink stopped the run early.
    pub stopped: bool,
    /// What git would have warned about.
    pub warnings: Vec<Warning>,
}

/// Receives a diff: `begin`, then `file` for each file pair in git's order, then
/// `finish`. Errors of the library convert into the sink's own error type, so a run
/// returns one error type; a sink error stops the run at once.
pub trait Sink {
    /// The sink's error.
    type Error: From<Error>;

    /// How much of each file pair this sink needs (default: everything).
    fn detail(&self) -> Detail {
        Detail::Hunks
    }

    /// Whether [`Sink::begin`] needs [`Begin::changes`], the whole change list (default:
    /// yes). A sink that answers no lets [`crate::api::Differ::stream`] run with memory
    /// bounded by the files in flight, giving it an empty list.
    fn needs_change_list(&self) -> bool {
        true
    }

    /// Whether each [`FileDiff::damage`] must be computed (`--dirstat`; default: no).
    /// Damage needs at least [`Detail::Counts`].
    fn needs_damage(&self) -> bool {
        false
    }

    /// Called once before the first file.
    fn begin(&mut self, begin: &Begin<'_>) -> Result<Control, Self::Error> {
        let _ = begin;
        Ok(Control::Continue)
    }

    /// Called for each file pair, in git's order.
    fn file(&mut self, file: &FileDiff) -> Result<Control, Self::Error>;

    /// Called once at the end (also after a [`Control::Stop`]).
    fn finish(&mut self, outcome: &Outcome) -> Result<(), Self::Error> {
        let _ = outcome;
        Ok(())
    }
}

impl<S: Sink + ?Sized> Sink for &mut S {
    type Error = S::Error;
    fn detail(&self) -> Detail {
        (**self).detail()
    }
    fn needs_change_list(&self) -> bool {
        (**self).needs_change_list()
    }
    fn needs_damage(&self) -> bool {
        (**self).needs_damage()
    }
    fn begin(&mut self, begin: &Begin<'_>) -> Result<Control, Self::Error> {
        (**self).begin(begin)
    }
    fn file(&mut self, file: &FileDiff) -> Result<Control, Self::Error> {
        (**self).file(file)
    }
    fn finish(&mut self, outcome: &Outcome) -> Result<(), Self::Error> {
        (**self).finish(outcome)
    }
}

/// A sink from a closure called for each file (with the given detail).
pub fn from_fn<F, E>(detail: Detail, f: F) -> FnSink<F>
where
    F: FnMut(&FileDiff) -> Result<Control, E>,
    E: From<Error>,
{
    FnSink { detail, f }
}

/// See [`from_fn`].
pub struct FnSink<F> {
    detail: Detail,
    f: F,
}

impl<F, E> Sink for FnSink<F>
where
    F: FnMut(&FileDiff) -> Result<Control, E>,
    E: From<Error>,
{
    type Error = E;
    fn detail(&self) -> Detail {
        self.detail
    }
    fn file(&mut self, file: &FileDiff) -> Result<Control, E> {
        (self.f)(file)
    }
}

/// Collects every file diff (for small diffs and tests).
#[derive(Debug)]
pub struct Collect {
    /// The detail asked for.
    pub detail: Detail,
    /// The files, in order.
    pub files: Vec<FileDiff>,
}

impl Collect {
    /// A collector asking for `detail`.
    pub fn new(detail: Detail) -> Collect {
        Collect {
            detail,
            files: Vec::new(),
        }
    }
}

impl Sink for Collect {
    type Error = Error;
    fn detail(&self) -> Detail {
        self.detail
    }
    fn file(&mut self, file: &FileDiff) -> Result<Control, Error> {
        self.files.push(file.clone());
        Ok(Control::Continue)
    }
}
