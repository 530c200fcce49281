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
    /// Discovery reached a mount point (`GIT_DISCOVERY_ACROSS_FILESYSTEM` not set).
    #[error("not a git repository (or any parent up to mount point {0})")]
    FilesystemBoundary(PathBuf),
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
    index_file: PathBuf,
    config: Config,
    hash: HashKind,
    odb: Odb,
    /// The `diff` attributes, read on first use.
    diff_attributes: std::sync::OnceLock<crate::diff::attr::DiffAttributes>,
    /// The `packed-refs` snapshot its [`crate::refs::Refs`] share.
    packed_refs: std::sync::Arc<crate::refs::PackedCache>,
}

/// How to find and open a repository: git's environment variables as fields, and the
/// config files that apply. [`OpenOptions::from_env`] reads them as git does;
/// `OpenOptions::default()` is plain discovery with only the repository's own config.
#[derive(Clone, Debug, Default)]
pub struct OpenOptions {
    /// The config files and command-line values besides the repository's own.
    pub config: crate::config::Sources,
    /// `GIT_DIR`: the git dir (or a `.git` file), no discovery.
    pub git_dir: Option<PathBuf>,
    /// `GIT_WORK_TREE`: the top of the work tree.
    pub work_tree: Option<PathBuf>,
    /// `GIT_COMMON_DIR`: the common dir of a linked worktree.
    pub common_dir: Option<PathBuf>,
    /// `GIT_INDEX_FILE`: the index file (relative to the top of the work tree).
    pub index_file: Option<PathBuf>,
    /// `GIT_OBJECT_DIRECTORY`: the objects directory.
    pub object_dir: Option<PathBuf>,
    /// `GIT_ALTERNATE_OBJECT_DIRECTORIES`: more objects directories, searched after the
    /// main one and before its `info/alternates`.
    pub alternates: Vec<PathBuf>,
    /// `GIT_CEILING_DIRECTORIES`: discovery never moves up into these.
    pub ceilings: Vec<PathBuf>,
    /// `GIT_DISCOVERY_ACROSS_FILESYSTEM`: whether discovery may cross a mount point.
    pub across_filesystems: bool,
}

impl OpenOptions {
    /// The options git's environment gives: `GIT_DIR`, `GIT_WORK_TREE`,
    /// `GIT_COMMON_DIR`, `GIT_INDEX_FILE`, `GIT_OBJECT_DIRECTORY`,
    /// `GIT_ALTERNATE_OBJECT_DIRECTORIES`, `GIT_CEILING_DIRECTORIES`,
    /// `GIT_DISCOVERY_ACROSS_FILESYSTEM`, and the whole config cascade
    /// ([`crate::config::Sources::from_env`]). Relative paths are taken from `cwd`.
    pub fn from_env(cwd: &Path) -> Result<OpenOptions, OpenError> {
        let path = |k: &str| {
            std::env::var_os(k)
                .filter(|v| !v.is_empty())
                .map(|v| cwd.join(v))
        };
        Ok(OpenOptions {
            config: crate::config::Sources::from_env()?,
            git_dir: path("GIT_DIR"),
            work_tree: path("GIT_WORK_TREE"),
            common_dir: path("GIT_COMMON_DIR"),
            index_file: std::env::var_os("GIT_INDEX_FILE")
                .filter(|v| !v.is_empty())
                .map(PathBuf::from),
            object_dir: path("GIT_OBJECT_DIRECTORY"),
            alternates: std::env::var_os("GIT_ALTERNATE_OBJECT_DIRECTORIES")
                .map(|v| {
                    std::env::split_paths(&v)
                        .filter(|p| !p.as_os_str().is_empty())
                        .map(|p| cwd.join(p))
                        .collect()
                })
                .unwrap_or_default(),
            ceilings: ceiling_dirs(),
            across_filesystems: std::env::var("GIT_DISCOVERY_ACROSS_FILESYSTEM")
                .ok()
                .and_then(|v| crate::config::parse_bool(&v))
                .unwrap_or(false),
        })
    }

    /// Finds and opens the repository for a command run in `cwd`, as git's
    /// `setup_git_directory` does: `git_dir` if set, else discovery upwards from `cwd`.
    pub fn open(&self, cwd: &Path) -> Result<Repository, OpenError> {
        let cwd = cwd.canonicalize().map_err(|e| OpenError::Io {
            path: cwd.to_path_buf(),
            source: e,
        })?;
        if let Some(dir) = &self.git_dir {
            let dir = if dir.is_file() {
                read_gitfile(dir)?
            } else {
                dir.canonicalize()
                    .map_err(|_| OpenError::NotFound(dir.clone()))?
            };
            if self.common_dir.is_none() && !is_git_dir(&dir) {
                return Err(OpenError::NotFound(dir));
            }
            // With GIT_DIR and no work tree named anywhere, the current folder is the
            // top of the work tree (unless the repository is bare).
            return self.open_git_dir(dir, Some(cwd), true);
        }
        let start_dev = device_of(&cwd);
        let mut dir: &Path = &cwd;
        loop {
            let dotgit = dir.join(".git");
            if dotgit.is_file() {
                let git_dir = read_gitfile(&dotgit)?;
                if is_git_dir(&git_dir) {
                    return self.open_git_dir(git_dir, Some(dir.to_path_buf()), false);
                }
                return Err(OpenError::BadGitFile(dotgit));
            }
            if dotgit.is_dir() && is_git_dir(&dotgit) {
                return self.open_git_dir(dotgit, Some(dir.to_path_buf()), false);
            }
            if is_git_dir(dir) {
                return self.open_git_dir(dir.to_path_buf(), None, false);
            }
            match dir.parent() {
                Some(p) if !self.ceilings.iter().any(|c| c == p) => {
                    if !self.across_filesystems && device_of(p) != start_dev {
                        return Err(OpenError::FilesystemBoundary(p.to_path_buf()));
                    }
                    dir = p
                }
                _ => return Err(OpenError::NotFound(cwd)),
            }
        }
    }

    /// Opens `git_dir`; `implicit` is the work tree discovery found (or the current
    /// folder with `GIT_DIR`), used unless the environment or config says otherwise.
    fn open_git_dir(
        &self,
        git_dir: PathBuf,
        implicit: Option<PathBuf>,
        explicit_git_dir: bool,
    ) -> Result<Repository, OpenError> {
        let common_dir = match &self.common_dir {
            Some(c) => c.canonicalize().unwrap_or_else(|_| c.clone()),
            None => common_dir_of(&git_dir),
        };
        // The repository's own files decide its format and layout (as git's
        // `check_repository_format` reads them).
        let mut own = Config::load(&common_dir.join("config"))?;
        if own.get_bool("extensions.worktreeconfig") == Some(true) {
            own.extend(Config::load(&git_dir.join("config.worktree"))?);
        }
        let version = own.get_int("core.repositoryformatversion").unwrap_or(0);
        if version > 1 {
            return Err(OpenError::Unsupported(format!(
                "core.repositoryformatversion = {version}"
            )));
        }
        let hash = match own.get("extensions.objectformat") {
            Some(name) if version >= 1 => HashKind::from_name(name)
                .ok_or_else(|| OpenError::Unsupported(format!("objectFormat {name}")))?,
            _ => HashKind::Sha1,
        };
        let bare = own.get_bool("core.bare") == Some(true);
        let work_tree = if let Some(wt) = &self.work_tree {
            Some(wt.canonicalize().unwrap_or_else(|_| wt.clone()))
        } else if bare {
            None
        } else if let Some(wt) = own.get("core.worktree") {
            let p = git_dir.join(wt);
            Some(p.canonicalize().unwrap_or(p))
        } else if explicit_git_dir || implicit.is_some() {
            implicit
        } else {
            None
        };
        let context = crate::config::IncludeContext {
            git_dir: Some(git_dir.clone()),
            branch: head_branch(&git_dir),
        };
        let config = Config::cascade(&self.config, &git_dir, &common_dir, &context)?;
        let objects = match &self.object_dir {
            Some(o) => o.clone(),
            None => common_dir.join("objects"),
        };
        let odb = Odb::open_with_alternates(&objects, hash, &self.alternates)?;
        let index_file = match &self.index_file {
            Some(p) if p.is_absolute() => p.clone(),
            Some(p) => work_tree.as_deref().unwrap_or(&git_dir).join(p),
            None => git_dir.join("index"),
        };
        Ok(Repository {
            git_dir,
            common_dir,
            work_tree,
            index_file,
            config,
            hash,
            odb,
            diff_attributes: std::sync::OnceLock::new(),
            packed_refs: Default::default(),
        })
    }
}

impl Repository {
    /// Finds the repository containing `start` (a work tree, a subfolder of one, a bare
    /// repository, or a folder with a `.git` file), searching parent folders like git.
    /// Only the repository's own config applies (and `GIT_CEILING_DIRECTORIES`); see
    /// [`Repository::from_env`] for everything git reads.
    pub fn discover(start: &Path) -> Result<Repository, OpenError> {
        OpenOptions {
            ceilings: ceiling_dirs(),
            across_filesystems: true,
            ..OpenOptions::default()
        }
        .open(start)
    }

    /// Opens the repository a git command run in `cwd` would use: git's environment
    /// variables and whole config cascade ([`OpenOptions::from_env`]).
    pub fn from_env(cwd: &Path) -> Result<Repository, OpenError> {
        OpenOptions::from_env(cwd)?.open(cwd)
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
        OpenOptions::default().open_git_dir(git_dir, None, false)
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

    /// The config: the repository's files and, when opened with them
    /// ([`Repository::from_env`]), the system, global and command-line ones.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The index file: `GIT_INDEX_FILE`, or `index` in the git dir.
    pub fn index_path(&self) -> &Path {
        &self.index_file
    }

    /// The hash function of this repository's ids.
    pub fn hash_kind(&self) -> HashKind {
        self.hash
    }

    /// The object database.
    pub fn odb(&self) -> &Odb {
        &self.odb
    }

    /// The `packed-refs` snapshot shared by the repository's ref stores.
    pub fn packed_refs_cache(&self) -> &std::sync::Arc<crate::refs::PackedCache> {
        &self.packed_refs
    }

    /// The `diff` attributes of paths (`.gitattributes`), read on first use.
    pub fn diff_attributes(&self) -> &crate::diff::attr::DiffAttributes {
        self.diff_attributes
            .get_or_init(|| crate::diff::attr::DiffAttributes::new(self))
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
    full.canonicalize()
        .map_err(|_| OpenError::BadGitFile(file.into()))
}

/// git's `validate_headref`: `HEAD` is a symlink into `refs/`, a `ref: refs/…` line, or a
/// hexadecimal object id. Anything else means the folder is not a repository.
fn is_valid_head(head: &Path) -> bool {
    if let Ok(target) = std::fs::read_link(head) {
        return target.starts_with("refs/") || std::fs::metadata(head).is_ok_and(|m| m.is_file());
    }
    let mut buf = [0u8; 256];
    let n = match std::fs::File::open(head).and_then(|mut f| {
        use std::io::Read;
        f.read(&mut buf)
    }) {
        Ok(n) => n,
        Err(_) => return false,
    };
    let text = &buf[..n];
    if let Some(rest) = text.strip_prefix(b"ref:") {
        return rest.trim_ascii_start().starts_with(b"refs/");
    }
    let hex_len = text.iter().take_while(|c| c.is_ascii_hexdigit()).count();
    hex_len >= 40
}

/// The folders named by `GIT_CEILING_DIRECTORIES`: discovery never moves up into them.
fn ceiling_dirs() -> Vec<PathBuf> {
    std::env::var_os("GIT_CEILING_DIRECTORIES")
        .map(|v| {
            std::env::split_paths(&v)
                .filter(|p| p.is_absolute())
                .map(|p| p.canonicalize().unwrap_or(p))
                .collect()
        })
        .unwrap_or_default()
}

/// git's `is_git_directory`: a `HEAD` file, and `objects` and `refs` folders (in the common
/// directory for linked worktrees).
fn is_git_dir(dir: &Path) -> bool {
    if !is_valid_head(&dir.join("HEAD")) {
        return false;
    }
    let common = common_dir_of(dir);
    common.join("objects").is_dir() && common.join("refs").is_dir()
}

/// The device a path lives on, for `GIT_DISCOVERY_ACROSS_FILESYSTEM`.
fn device_of(p: &Path) -> Option<u64> {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata(p).ok().map(|m| m.dev())
}

/// The branch `HEAD` names (without `refs/heads/`), for `includeIf "onbranch:"`.
fn head_branch(git_dir: &Path) -> Option<String> {
    let text = std::fs::read_to_string(git_dir.join("HEAD")).ok()?;
    let name = text.strip_prefix("ref:")?.trim();
    name.strip_prefix("refs/heads/").map(str::to_string)
}
