//! Abbreviated object names: git's default length and the shortest unique prefix.

use super::RevisionError;
use crate::oid::ObjectId;
use crate::repo::Repository;

pub use crate::odb::MIN_ABBREV;

/// The length git starts from when no length is given (see
/// [`crate::odb::default_abbrev_len`]).
pub fn default_abbrev_len(repo: &Repository) -> usize {
    crate::odb::default_abbrev_len(repo.odb(), repo.config())
}

/// The shortest prefix of `id`, at least `min_len` digits long, that no other object of
/// the repository shares (git's `find_unique_abbrev`). `min_len` is clamped to 4..=full.
pub fn abbreviate(
    repo: &Repository,
    id: &ObjectId,
    min_len: usize,
) -> Result<String, RevisionError> {
    let hex = id.to_hex();
    let len = min_len.clamp(MIN_ABBREV, hex.len());
    if len == hex.len() {
        return Ok(hex);
    }
    let needed = repo.odb().unique_abbrev_len(id, len)?;
    Ok(hex[..needed.min(hex.len())].to_string())
}
