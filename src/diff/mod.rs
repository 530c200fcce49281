//! Diffs: which paths changed between two trees (with rename detection), and how their
//! lines changed (patches and stats).

pub mod binary;
pub mod line;
pub mod patch;
pub mod stat;
