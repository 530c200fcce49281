//! Finding and opening a repository the way git does.

use crate::config::{Config, ConfigError};
use crate::odb::{Odb, OdbError};
use crate::oid::HashKind;
use std::path::{Path, PathBuf};

/// Why a repository could not be found or opened.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    /// Neither the path nor any parent is a git repository.
    #[error("not a git repository (or any of the parent directories): {0}")]
    NotFound(PathBuf),
    /// A `.git` file does not hold a usable `gitdir:` line.
    #[error("invalid gitfile format: {0}")]
    BadGitFile(PathBuf),
    /// The start path cannot be used.
    #[error("cannot change to '{path}': {source}")]
    Io {
        /// The path.
        path: PathBuf,
        /// The operating system's error.
        source: std::io::Error,
    },
    /// The repository config is unreadable or malformed.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// The repository uses a format this version cannot read.
    #[error("unsupported repository format: {0}")]
    Unsupported(String),
    /// The object database could not be opened.
    #[error(transparent)]
    Odb(#[from] OdbError),
}

/// An open repository: where it lives, its config, and its object database.
///
/// `Repository` is `Send + Sync`; share one handle across threads.
#[derive(Debug)]
pub struct Repository {
    git_dir: PathBuf,
    common_dir: PathBuf,
    work_tree: Option<PathBuf>,
    config: Config,
    hash: HashKind,
    odb: Odb,
}

impl Repository {
    /// Finds the repository containing `start` (a work tree, a subfolder of one, a bare
    /// repository, or a folder with a `.git` file), searching parent folders like git.
    pub fn discover(start: &Path) -> Result<Repository, OpenError> {
        let start = start.canonicalize().map_err(|e| OpenError::Io {
            path: start.to_path_buf(),
            source: e,
        })?;
        let mut dir: &Path = &start;
        loop {
            let dotgit = dir.join(".git");
            if dotgit.is_file() {
                let git_dir = read_gitfile(&dotgit)?;
                if is_git_dir(&git_dir) {
                    return Repository::open_with(git_dir, Some(dir.to_path_buf()));
                }
                return Err(OpenError::BadGitFile(dotgit));
            }
            if dotgit.is_dir() && is_git_dir(&dotgit) {
                return Repository::open_with(dotgit, Some(dir.to_path_buf()));
            }
            if is_git_dir(dir) {
                return Repository::open_with(dir.to_path_buf(), None);
            }
            match dir.parent() {
                Some(p) => dir = p,
                None => return Err(OpenError::NotFound(start)),
            }
        }
    }

    /// Opens the git directory `git_dir` directly (a bare repository or a `.git` folder),
    /// with no work tree unless the config names one.
    pub fn open(git_dir: &Path) -> Result<Repository, OpenError> {
        let git_dir = git_dir.canonicalize().map_err(|e| OpenError::Io {
            path: git_dir.to_path_buf(),
            source: e,
        })?;
        if !is_git_dir(&git_dir) {
            return Err(OpenError::NotFound(git_dir));
        }
        Repository::open_with(git_dir, None)
    }

    fn open_with(git_dir: PathBuf, work_tree: Option<PathBuf>) -> Result<Repository, OpenError> {
        let common_dir = common_dir_of(&git_dir);
        let config = Config::load(&common_dir.join("config"))?;
        let version = config.get_int("core.repositoryformatversion").unwrap_or(0);
        if version > 1 {
            return Err(OpenError::Unsupported(format!(
                "core.repositoryformatversion = {version}"
            )));
        }
        let hash = match config.get("extensions.objectformat") {
            Some(name) if version >= 1 => HashKind::from_name(name)
                .ok_or_else(|| OpenError::Unsupported(format!("objectFormat {name}")))?,
            _ => HashKind::Sha1,
        };
        let work_tree = if config.get_bool("core.bare") == Some(true) {
            None
        } else if let Some(wt) = config.get("core.worktree") {
            Some(common_dir.join(wt).canonicalize().unwrap_or_else(|_| common_dir.join(wt)))
        } else {
            work_tree
        };
        let odb = Odb::open(&common_dir.join("objects"), hash)?;
        Ok(Repository {
            git_dir,
            common_dir,
            work_tree,
            config,
            hash,
            odb,
        })
    }

    /// The git directory (for a linked worktree, its private folder).
    pub fn git_dir(&self) -> &Path {
        &self.git_dir
    }

    /// The folder shared by all worktrees: objects, config, most refs.
    pub fn common_dir(&self) -> &Path {
        &self.common_dir
    }

    /// The work tree, or `None` for a bare repository.
    pub fn work_tree(&self) -> Option<&Path> {
        self.work_tree.as_deref()
    }

    /// The repository's own config file.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The hash function of this repository's ids.
    pub fn hash_kind(&self) -> HashKind {
        self.hash
    }

    /// The object database.
    pub fn odb(&self) -> &Odb {
        &self.odb
    }
}

/// The common directory: `commondir` names it for linked worktrees.
fn common_dir_of(git_dir: &Path) -> PathBuf {
    match std::fs::read_to_string(git_dir.join("commondir")) {
        Ok(s) => {
            let p = Path::new(s.trim_end_matches(['\n', '\r']));
            let full = if p.is_absolute() {
                p.to_path_buf()
            } else {
                git_dir.join(p)
            };
            full.canonicalize().unwrap_or(full)
        }
        Err(_) => git_dir.to_path_buf(),
    }
}

/// Reads a `.git` file's `gitdir: <path>` line; relative paths are relative to the file.
fn read_gitfile(file: &Path) -> Result<PathBuf, OpenError> {
    let text = std::fs::read_to_string(file).map_err(|_| OpenError::BadGitFile(file.into()))?;
    let rest = text
        .strip_prefix("gitdir:")
        .ok_or_else(|| OpenError::BadGitFile(file.into()))?;
    let p = Path::new(rest.trim());
    let full = if p.is_absolute() {
        p.to_path_buf()
    } else {
        file.parent().unwrap_or(Path::new(".")).join(p)
    };
    full.canonicalize().map_err(|_| OpenError::BadGitFile(file.into()))
}

/// git's `is_git_directory`: a `HEAD` file, and `objects` and `refs` folders (in the common
/// directory for linked worktrees).
fn is_git_dir(dir: &Path) -> bool {
    let head = dir.join("HEAD");
    if !(head.is_file() || head.is_symlink()) {
        return false;
    }
    let common = common_dir_of(dir);
    common.join("objects").is_dir() && common.join("refs").is_dir()
}
