//! The one error type of the library's questions, and its classification for servers.

use crate::diff::DiffError;
use crate::odb::OdbError;
use crate::revision::merge_base::MergeBaseError;
use crate::revision::walk::WalkError;
use crate::revision::RevisionError;

/// Why a question could not be answered.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A revision did not resolve (or resolved to something unusable).
    #[error(transparent)]
    Revision(#[from] RevisionError),
    /// The tree diff or rename detection failed.
    #[error(transparent)]
    Diff(#[from] DiffError),
    /// An object could not be read.
    #[error(transparent)]
    Odb(#[from] OdbError),
    /// The history walk failed.
    #[error(transparent)]
    Walk(#[from] WalkError),
    /// A merge-base computation failed.
    #[error(transparent)]
    MergeBase(#[from] MergeBaseError),
    /// A line diff refused its input (a side of 1 GiB or more).
    #[error("{path}: {source}", path = crate::api::display_path(path))]
    Line {
        /// The file pair's path.
        path: Vec<u8>,
        /// Why.
        source: crate::diff::line::Error,
    },
    /// The pickaxe's options or pattern are unusable.
    #[error(transparent)]
    Pickaxe(#[from] crate::diff::pickaxe::PickaxeError),
    /// The request itself is invalid (a malformed option value, a path outside the
    /// repository, endpoints that cannot be compared).
    #[error("{0}")]
    BadRequest(String),
    /// The request names something that does not exist (no merge base, for instance).
    #[error("{0}")]
    NotFound(String),
    /// Something git can do and oxgit cannot yet.
    #[error("{0} is not supported yet")]
    Unsupported(String),
    /// A `diff` attribute oxgit cannot apply (a driver it does not implement).
    #[error(transparent)]
    DiffAttr(#[from] crate::diff::attr::DiffAttrError),
    /// Writing the output failed.
    #[error(transparent)]
    Io(#[from] std::io::Error),
    /// The index or the work tree could not be read.
    #[error(transparent)]
    Workspace(#[from] crate::worktree::StatusError),
}

/// The class of an [`Error`], for mapping to statuses (HTTP 404, 400, 500, 500, 501).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// A revision, object or path does not exist.
    NotFound,
    /// The request is malformed.
    BadRequest,
    /// The repository's data is damaged.
    Corrupt,
    /// Reading the repository or writing the output failed.
    Io,
    /// oxgit does not implement what was asked.
    Unsupported,
}

impl Error {
    /// The class of this error.
    pub fn kind(&self) -> ErrorKind {
        match self {
            Error::Revision(e) => match e {
                RevisionError::Unsupported { .. } => ErrorKind::Unsupported,
                RevisionError::Odb(o) => odb_kind(o),
                RevisionError::Corrupt { .. } => ErrorKind::Corrupt,
                RevisionError::Ref(_) => ErrorKind::Corrupt,
                RevisionError::RelativeOutsideWorkTree
                | RevisionError::OutsideRepository { .. } => ErrorKind::BadRequest,
                _ => ErrorKind::NotFound,
            },
            Error::Diff(DiffError::Odb(o)) => odb_kind(o),
            Error::Diff(DiffError::WrongKind { .. }) => ErrorKind::BadRequest,
            Error::Diff(_) => ErrorKind::Corrupt,
            Error::Odb(o) => odb_kind(o),
            Error::Walk(WalkError::Odb(o)) => odb_kind(o),
            Error::Walk(_) => ErrorKind::Corrupt,
            Error::MergeBase(MergeBaseError::NotACommit(_)) => ErrorKind::BadRequest,
            Error::MergeBase(_) => ErrorKind::Corrupt,
            Error::Line { .. } => ErrorKind::Unsupported,
            Error::Pickaxe(crate::diff::pickaxe::PickaxeError::Unsupported(_)) => {
                ErrorKind::Unsupported
            }
            Error::Pickaxe(_) => ErrorKind::BadRequest,
            Error::BadRequest(_) => ErrorKind::BadRequest,
            Error::NotFound(_) => ErrorKind::NotFound,
            Error::Unsupported(_) | Error::DiffAttr(_) => ErrorKind::Unsupported,
            Error::Io(_) => ErrorKind::Io,
            Error::Workspace(crate::worktree::StatusError::NoWorkTree) => ErrorKind::BadRequest,
            Error::Workspace(crate::worktree::StatusError::Convert(_)) => ErrorKind::Unsupported,
            Error::Workspace(crate::worktree::StatusError::Odb(o)) => odb_kind(o),
            Error::Workspace(_) => ErrorKind::Corrupt,
        }
    }
}

fn odb_kind(e: &OdbError) -> ErrorKind {
    if e.is_missing() {
        // A missing object the repository refers to is damage; a missing object the
        // caller named is reported by the revision layer as not found.
        ErrorKind::Corrupt
    } else if matches!(e, OdbError::Io { .. }) {
        ErrorKind::Io
    } else {
        ErrorKind::Corrupt
    }
}
