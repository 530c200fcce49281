//! Diffs: which paths changed between two trees (with rename detection), and how their
//! lines changed (patches and stats).
