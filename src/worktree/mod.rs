//! The work tree: status (what changed against the index and `HEAD`), ignore rules and
//! git's clean conversion (CRLF) when hashing files.

pub mod wildmatch;
