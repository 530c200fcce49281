//! The CodeArts repository registry (spec §5 item 7): `ROOT/.oxgit/codearts-repos.toml`
//! maps the integer `repository_id`s of the CodeArts API to repository folders under the
//! root, and each registered repository records its id in its git config
//! (`oxgit.codearts.repositoryId`). New ids are the highest + 1.
//!
//! ```toml
//! [[repository]]
//! id = 1001
//! path = "fabrikam/demo/demo"
//! ```

use super::repos;
use crate::write::{self, WriteError};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// The registry file below the root.
pub const FILE: &str = ".oxgit/codearts-repos.toml";

/// Why the registry could not be used.
#[derive(Debug, thiserror::Error)]
pub enum RegistryError {
    /// The file is malformed.
    #[error("{0}: {1}")]
    Parse(PathBuf, String),
    /// The repository is not below the root.
    #[error("{0} is not a repository below the root {1}")]
    Outside(PathBuf, PathBuf),
    /// The id is taken by another repository.
    #[error("repository id {0} is already registered for {1}")]
    Taken(u64, String),
    /// Writing failed.
    #[error(transparent)]
    Write(#[from] WriteError),
}

/// One registered repository.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    /// The CodeArts `repository_id`.
    pub id: u64,
    /// The folder, relative to the root, `/`-separated.
    pub path: String,
}

#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    repository: Vec<Entry>,
}

fn parse(path: &Path, text: &[u8]) -> Result<File, RegistryError> {
    let text = std::str::from_utf8(text)
        .map_err(|_| RegistryError::Parse(path.to_path_buf(), "not UTF-8".into()))?;
    toml::from_str(text).map_err(|e| RegistryError::Parse(path.to_path_buf(), e.to_string()))
}

/// The registered repositories (none if the file does not exist).
pub fn entries(root: &Path) -> Result<Vec<Entry>, RegistryError> {
    let path = root.join(FILE);
    match std::fs::read(&path) {
        Ok(t) => Ok(parse(&path, &t)?.repository),
        Err(_) => Ok(Vec::new()),
    }
}

/// The folder of repository `id`, if registered and still inside the root (`root`
/// canonical).
pub fn lookup(root: &Path, id: u64) -> Result<Option<PathBuf>, RegistryError> {
    Ok(entries(root)?
        .into_iter()
        .find(|e| e.id == id)
        .and_then(|e| repos::safe_segments(&e.path).and_then(|s| repos::contained(root, &s))))
}

/// Registers the repository in folder `dir` (inside `root`) under `id` (or the next
/// free id); returns its id. Registering again returns the existing id.
pub fn register(root: &Path, dir: &Path, id: Option<u64>) -> Result<u64, RegistryError> {
    let root = root.canonicalize().map_err(|e| WriteError::Io {
        path: root.to_path_buf(),
        source: e,
    })?;
    let canon = dir.canonicalize().map_err(|e| WriteError::Io {
        path: dir.to_path_buf(),
        source: e,
    })?;
    let outside = || RegistryError::Outside(canon.clone(), root.clone());
    let rel = canon.strip_prefix(&root).map_err(|_| outside())?;
    let rel: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    let rel = rel.join("/");
    let repo = repos::open_in(&root, &canon).ok_or_else(outside)?;
    let path = root.join(FILE);
    let mut assigned = 0;
    write::rewrite_locked(&path, |text| {
        let mut f = parse(&path, text)?;
        if let Some(e) = f.repository.iter().find(|e| e.path == rel) {
            if id.is_none_or(|i| i == e.id) {
                assigned = e.id;
                return Ok(toml::to_string(&f).expect("serializable").into_bytes());
            }
        }
        let new_id = match id {
            Some(i) => {
                if let Some(e) = f.repository.iter().find(|e| e.id == i) {
                    return Err(RegistryError::Taken(i, e.path.clone()));
                }
                i
            }
            None => f.repository.iter().map(|e| e.id).max().unwrap_or(0) + 1,
        };
        f.repository.retain(|e| e.path != rel);
        f.repository.push(Entry {
            id: new_id,
            path: rel.clone(),
        });
        f.repository.sort_by_key(|e| e.id);
        assigned = new_id;
        Ok(toml::to_string(&f).expect("serializable").into_bytes())
    })?;
    write::add_config(
        &repo,
        "oxgit",
        "codearts",
        "repositoryId",
        &assigned.to_string(),
    )
    .or_else(|e| match e {
        // Re-registered under a new id: the registry is the source of truth.
        WriteError::ConfigConflict { .. } => Ok(()),
        other => Err(other),
    })?;
    Ok(assigned)
}
