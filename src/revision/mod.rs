//! Revision syntax (`git rev-parse`): turning names like `HEAD~2^{tree}` into object ids.
//!
//! PLACEHOLDER (being replaced by the refs/revision work): resolves full hex ids and ref
//! names through loose refs only.

pub mod commit_graph;
pub mod merge_base;

use crate::oid::ObjectId;
use crate::repo::Repository;

/// Why a revision could not be resolved.
#[derive(Debug, thiserror::Error)]
pub enum RevisionError {
    /// The name matches no object or ref.
    #[error("ambiguous argument '{0}': unknown revision or path not in the working tree.")]
    Unknown(String),
}

/// Resolves `spec` to an object id.
pub fn resolve(repo: &Repository, spec: &str) -> Result<ObjectId, RevisionError> {
    if let Ok(id) = ObjectId::from_hex(spec.as_bytes()) {
        return Ok(id);
    }
    let candidates = [
        spec.to_string(),
        format!("refs/{spec}"),
        format!("refs/tags/{spec}"),
        format!("refs/heads/{spec}"),
    ];
    for name in candidates {
        let mut path = repo.git_dir().join(&name);
        for _ in 0..5 {
            let Ok(text) = std::fs::read_to_string(&path) else {
                break;
            };
            let text = text.trim_end();
            if let Some(target) = text.strip_prefix("ref: ") {
                path = repo.common_dir().join(target);
                continue;
            }
            if let Ok(id) = ObjectId::from_hex(text.as_bytes()) {
                return Ok(id);
            }
            break;
        }
    }
    Err(RevisionError::Unknown(spec.to_string()))
}
