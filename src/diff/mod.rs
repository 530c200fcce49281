//! Diffs: which paths changed between two trees (with rename detection), and how their
//! lines changed (patches and stats).

pub mod attr;
pub mod binary;
pub mod change;
pub mod color;
pub mod combined;
pub mod dirstat;
pub mod line;
pub mod line_log;
pub mod patch;
pub mod pickaxe;
pub mod quote;
pub mod rename;
pub mod stat;
pub mod tree;
pub mod whitespace;
pub(crate) mod width;
pub mod words;

pub use change::{Change, ChangeKind, MAX_SCORE};
pub use rename::{
    changes_between, detect_renames, diffcore, diffcore_with, BreakOptions, ContentSource,
    RenameOptions, RenameOutcome,
};
pub use tree::{
    commit_tree, peel_to_tree, tree_changes, wildmatch, DiffError, Pathspec, TreeDiff,
    TreeDiffOptions,
};
