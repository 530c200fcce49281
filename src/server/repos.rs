//! Finding repositories for requests without ever leaving the root.
//!
//! Names from URLs and tokens are checked syntactically first (no empty, `.` or `..`
//! segment, no separator, NUL, backslash or `%` — a `%` left after the router's one
//! decoding means a double-encoded name), so traversal attempts are refused before the
//! file system is touched. A name that passes is joined to the root, canonicalized and
//! must still lie inside the canonical root (this catches symlinks that leave it); only
//! then is the repository opened, by its git directory (never by searching parents).

use crate::repo::Repository;
use std::path::{Path, PathBuf};

/// Where repositories come from.
#[derive(Clone, Debug)]
pub enum Layout {
    /// `oxgit serve` with no `--root`: one repository, whatever the names in the URL
    /// say for organization/project/issuer (the repository name must match).
    Single {
        /// Its git directory (canonical).
        git_dir: PathBuf,
        /// The name it is served under (its folder name, without `.git`).
        name: String,
    },
    /// `--root DIR`: repositories in folders below `DIR` (canonical).
    Root(PathBuf),
}

/// Whether `s` is acceptable as one path segment of a repository location.
pub fn safe_segment(s: &str) -> bool {
    !s.is_empty()
        && s != "."
        && s != ".."
        && s.len() <= 255
        && !s
            .bytes()
            .any(|c| matches!(c, b'/' | b'\\' | b'\0' | b'%') || c < 0x20)
}

/// Splits a `/`-separated name (a JWT `repo` claim such as `team/project-alpha`) into
/// safe segments; `None` if any is unsafe or the name is absolute.
pub fn safe_segments(name: &str) -> Option<Vec<&str>> {
    let segs: Vec<&str> = name.split('/').collect();
    segs.iter().all(|s| safe_segment(s)).then_some(segs)
}

/// The canonical path of `root/segments…` if it exists and lies inside `root` (which must
/// be canonical). Every segment must be [`safe_segment`].
pub fn contained(root: &Path, segments: &[&str]) -> Option<PathBuf> {
    if !segments.iter().all(|s| safe_segment(s)) {
        return None;
    }
    let mut p = root.to_path_buf();
    for s in segments {
        p.push(s);
    }
    let canon = p.canonicalize().ok()?;
    canon.starts_with(root).then_some(canon)
}

/// Finds the entry of folder `dir` named `name`, exactly or else ignoring ASCII case
/// (Azure DevOps names are case-insensitive). `name` must be a safe segment.
pub fn child_ignore_case(root: &Path, dir: &Path, name: &str) -> Option<PathBuf> {
    if !safe_segment(name) {
        return None;
    }
    let exact = dir.join(name);
    if exact.exists() {
        let c = exact.canonicalize().ok()?;
        return c.starts_with(root).then_some(c);
    }
    let entries = std::fs::read_dir(dir).ok()?;
    for e in entries.take(100_000).flatten() {
        let n = e.file_name();
        if n.to_str().is_some_and(|n| n.eq_ignore_ascii_case(name)) {
            let c = e.path().canonicalize().ok()?;
            return c.starts_with(root).then_some(c);
        }
    }
    None
}

/// Opens the repository in folder `dir` (a bare repository, or a work tree with a `.git`
/// folder or a `.git` file whose target must also be inside `root`), never searching
/// parent folders.
pub fn open_in(root: &Path, dir: &Path) -> Option<Repository> {
    let dotgit = dir.join(".git");
    let git_dir = if dotgit.is_dir() {
        dotgit
    } else if dotgit.is_file() {
        let text = std::fs::read_to_string(&dotgit).ok()?;
        let target = Path::new(text.strip_prefix("gitdir:")?.trim());
        let target = dir.join(target).canonicalize().ok()?;
        if !target.starts_with(root) {
            return None;
        }
        target
    } else {
        dir.to_path_buf()
    };
    let canon = git_dir.canonicalize().ok()?;
    if !canon.starts_with(root) {
        return None;
    }
    Repository::open(&canon).ok()
}

/// The name a repository folder is served under: its name without a `.git` suffix.
pub fn repo_name(dir: &Path) -> String {
    let n = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    n.strip_suffix(".git").map(str::to_string).unwrap_or(n)
}

/// Finds the repository `name` in folder `dir`: `name.git` or `name`, either case.
pub fn find_repo(root: &Path, dir: &Path, name: &str) -> Option<(PathBuf, Repository)> {
    if !safe_segment(name) {
        return None;
    }
    for candidate in [format!("{name}.git"), name.to_string()] {
        if let Some(p) = child_ignore_case(root, dir, &candidate) {
            if let Some(r) = open_in(root, &p) {
                return Some((p, r));
            }
        }
    }
    None
}

/// The repositories directly inside folder `dir` (bounded), with their folders.
pub fn list_repos(root: &Path, dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut out: Vec<PathBuf> = entries
        .take(10_000)
        .flatten()
        .filter_map(|e| {
            let name = e.file_name();
            let name = name.to_str()?;
            if name.starts_with('.') || !safe_segment(name) {
                return None;
            }
            let c = e.path().canonicalize().ok()?;
            (c.starts_with(root) && c.is_dir()).then_some(c)
        })
        .collect();
    out.sort();
    out
}

impl Layout {
    /// The layout for `--root DIR`, or for the repository containing `cwd`.
    pub fn new(root: Option<&Path>, cwd: &Path) -> Result<Layout, String> {
        match root {
            Some(r) => {
                let c = r
                    .canonicalize()
                    .map_err(|e| format!("--root {}: {e}", r.display()))?;
                if !c.is_dir() {
                    return Err(format!("--root {}: not a folder", r.display()));
                }
                Ok(Layout::Root(c))
            }
            None => {
                let repo = Repository::discover(cwd).map_err(|e| e.to_string())?;
                let folder = repo.work_tree().unwrap_or(repo.git_dir()).to_path_buf();
                Ok(Layout::Single {
                    git_dir: repo.git_dir().to_path_buf(),
                    name: repo_name(&folder),
                })
            }
        }
    }

    /// The root folder (for the single-repository layout, the git directory: nothing
    /// else is ever opened).
    pub fn root(&self) -> &Path {
        match self {
            Layout::Single { git_dir, .. } => git_dir,
            Layout::Root(r) => r,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments() {
        for bad in [
            "", ".", "..", "a/b", "a\\b", "%2e%2e", "a%2Fb", "a\0", "\n", "x%",
        ] {
            assert!(!safe_segment(bad), "{bad:?}");
        }
        for good in ["demo", "demo.git", "a..b", ".hidden", "名前"] {
            assert!(safe_segment(good), "{good:?}");
        }
        assert_eq!(safe_segments("team/alpha"), Some(vec!["team", "alpha"]));
        assert_eq!(safe_segments("/etc/passwd"), None);
        assert_eq!(safe_segments("a//b"), None);
        assert_eq!(safe_segments("a/../b"), None);
    }

    #[test]
    fn containment_follows_symlinks() {
        let tmp = std::env::temp_dir().join(format!("oxgit-repos-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&tmp);
        std::fs::create_dir_all(tmp.join("root/inside")).unwrap();
        std::fs::create_dir_all(tmp.join("outside")).unwrap();
        std::os::unix::fs::symlink(tmp.join("outside"), tmp.join("root/escape")).unwrap();
        std::os::unix::fs::symlink(tmp.join("root/inside"), tmp.join("root/alias")).unwrap();
        let root = tmp.join("root").canonicalize().unwrap();
        assert!(contained(&root, &["inside"]).is_some());
        assert!(contained(&root, &["alias"]).is_some());
        assert!(contained(&root, &["escape"]).is_none());
        assert!(contained(&root, &[".."]).is_none());
        assert!(contained(&root, &["missing"]).is_none());
        assert!(child_ignore_case(&root, &root, "INSIDE").is_some());
        assert!(child_ignore_case(&root, &root, "Escape").is_none());
        std::fs::remove_dir_all(&tmp).unwrap();
    }
}
