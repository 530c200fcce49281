//! Revision ranges as `log`, `rev-list` and `show` take them: `A`, `^A`, `A..B`, `A...B`
//! and `--not`, turned into the ordered start points of a history walk.

use super::walk::Tip;
use super::RevisionError;
use crate::oid::ObjectId;
use crate::repo::Repository;
use crate::revision::merge_base::CommitWalker;

/// Why revision arguments could not be turned into walk starts.
#[derive(Debug, thiserror::Error)]
pub enum RangeError {
    /// A revision did not resolve.
    #[error(transparent)]
    Revision(#[from] RevisionError),
    /// A revision is not a commit (nor a tag of one), or the merge base failed.
    #[error(transparent)]
    MergeBase(#[from] crate::revision::merge_base::MergeBaseError),
    /// `A...B` where an end is not a commit.
    #[error("Invalid symmetric difference expression {0}")]
    InvalidSymmetric(String),
}

/// The parsed arguments: walk starts in git's pending order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Revisions {
    /// Every start, included or excluded, in the order git adds them.
    pub tips: Vec<Tip>,
}

impl Revisions {
    /// Whether no commit is included (git then defaults to `HEAD` only when no revision
    /// was given at all).
    pub fn is_empty(&self) -> bool {
        self.tips.is_empty()
    }

    /// The included commits.
    pub fn included(&self) -> impl Iterator<Item = ObjectId> + '_ {
        self.tips.iter().filter(|t| !t.exclude).map(|t| t.id)
    }

    /// The excluded commits.
    pub fn excluded(&self) -> impl Iterator<Item = ObjectId> + '_ {
        self.tips.iter().filter(|t| t.exclude).map(|t| t.id)
    }
}

/// Whether `arg` looks like a revision-range argument (`^A`, `A..B`, `A...B`).
pub fn is_range_syntax(arg: &str) -> bool {
    arg.starts_with('^') || arg.contains("..")
}

/// Parses revision arguments as git's `setup_revisions` does: `A` (included), `^A`
/// (excluded), `A..B` (`^A B`), `A...B` (`A B` minus their merge bases), an empty end of
/// a range meaning `HEAD`, and `--not`, which flips the sense of every later argument.
/// Every revision is peeled to a commit.
pub fn parse_revisions<S: AsRef<str>>(
    repo: &Repository,
    args: &[S],
) -> Result<Revisions, RangeError> {
    let mut out = Revisions::default();
    let mut walker = CommitWalker::new(repo);
    let mut not = false;
    // A revision naming a tree or a blob is no start of a commit walk: git ignores it.
    let mut commit = |spec: &str| -> Result<Option<ObjectId>, RangeError> {
        let spec = if spec.is_empty() { "HEAD" } else { spec };
        let id = super::resolve(repo, spec)?;
        match walker.peel_to_commit(&id) {
            Ok(c) => Ok(Some(c)),
            Err(crate::revision::merge_base::MergeBaseError::NotACommit(_)) => Ok(None),
            Err(e) => Err(e.into()),
        }
    };
    let bases_of = |a: ObjectId, b: ObjectId| -> Result<Vec<ObjectId>, RangeError> {
        let mut w = CommitWalker::new(repo);
        Ok(w.merge_bases(&a, &[b])?)
    };
    for arg in args {
        let arg = arg.as_ref();
        if arg == "--not" {
            not = !not;
            continue;
        }
        let mut push = |id: Option<ObjectId>, exclude: bool| {
            if let Some(id) = id {
                out.tips.push(Tip { id, exclude });
            }
        };
        if let Some((a, b)) = arg.split_once("...") {
            let (ai, bi) = (commit(a)?, commit(b)?);
            let (Some(x), Some(y)) = (ai, bi) else {
                return Err(RangeError::InvalidSymmetric(arg.to_string()));
            };
            for base in bases_of(x, y)? {
                push(Some(base), !not);
            }
            push(ai, not);
            push(bi, not);
        } else if let Some((a, b)) = arg.split_once("..") {
            let (ai, bi) = (commit(a)?, commit(b)?);
            push(ai, !not);
            push(bi, not);
        } else if let Some(a) = arg.strip_prefix('^') {
            push(commit(a)?, !not);
        } else {
            push(commit(arg)?, not);
        }
    }
    Ok(out)
}
