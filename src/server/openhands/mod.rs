//! OpenHands workspace changes (§1 of the spec, with §1.5's fixes):
//! `GET /api/conversations/{conversation_id}/git/changes` and `git/diff?path=`.
//!
//! A conversation's workspace is `<conversations_root>/<conversation_id>` (the
//! `[openhands] conversations_root` setting; default: the `--root` folder, or the folder
//! holding the served repository without `--root`), or the path `[openhands.conversations]`
//! maps the id to. The reference is chosen as OpenHands does, with the local
//! `refs/remotes/origin/HEAD` in place of asking the remote.

use super::error::{Failure, Service};
use super::repos::Layout;
use super::routes::{Param, Route};
use super::AppState;
use crate::api::{DiffOptions, Side, Workspace};
use crate::diff::ChangeKind;
use crate::repo::Repository;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Json;
use serde::Serialize;
use serde_json::json;
use std::collections::HashMap;
use std::path::{Path as FsPath, PathBuf};

/// The largest file `git/diff` reads, as OpenHands (1 MiB).
const MAX_DIFF_FILE: u64 = 1 << 20;

/// The routes of this service.
pub fn routes() -> Vec<Route> {
    const KEY: Param = Param::header(
        "X-Session-API-Key",
        "The session key, if one is configured.",
    );
    const CHANGES: &[Param] = &[KEY];
    const DIFF: &[Param] = &[
        Param {
            name: "path",
            location: super::routes::ParamIn::Query,
            required: true,
            description: "The file, relative to the workspace.",
        },
        KEY,
    ];
    vec![
        Route::new(
            "GET",
            "/api/conversations/{conversation_id}/git/changes",
            Service::OpenHands,
            "OpenHands: the workspace's changes (tracked against the chosen reference, and untracked files) as {status, path}, nested repositories included.",
            CHANGES,
            get(changes_handler),
        ),
        Route::new(
            "GET",
            "/api/conversations/{conversation_id}/git/diff",
            Service::OpenHands,
            "OpenHands: one file's original (at the reference) and modified (work tree) text.",
            DIFF,
            get(diff_handler),
        ),
    ]
}

/// One entry of the changes list (members in OpenHands' order).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct FileStatus {
    /// `M`, `A`, `D` or `U`.
    pub status: &'static str,
    /// The path relative to the workspace, `/`-separated.
    pub path: String,
}

/// Why a request failed (rendered as OpenHands renders it).
enum OhError {
    Failure(Failure),
    NotARepository,
    Internal(String),
}

impl IntoResponse for OhError {
    fn into_response(self) -> Response {
        match self {
            OhError::Failure(f) => Service::OpenHands.render(&f),
            OhError::NotARepository => (
                StatusCode::NOT_FOUND,
                Json(json!({"error": "Not a git repository"})),
            )
                .into_response(),
            OhError::Internal(m) => {
                (StatusCode::INTERNAL_SERVER_ERROR, Json(json!({"error": m}))).into_response()
            }
        }
    }
}

/// Whether `id` is an acceptable conversation id (`[A-Za-z0-9_-]{1,128}`).
fn valid_id(id: &str) -> bool {
    (1..=128).contains(&id.len())
        && id
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || c == b'_' || c == b'-')
}

/// The workspace folder of conversation `id`.
fn workspace_of(st: &AppState, id: &str) -> Result<PathBuf, OhError> {
    let not_found = || OhError::Failure(Failure::RepoNotFound(id.to_string()));
    let cfg = &st.config().openhands;
    if let Some(p) = cfg.conversations.get(id) {
        let p = PathBuf::from(p);
        return if p.is_dir() {
            Ok(p)
        } else {
            Err(OhError::NotARepository)
        };
    }
    if !valid_id(id) {
        return Err(not_found());
    }
    let root = match (&cfg.conversations_root, st.layout()) {
        (Some(r), _) => PathBuf::from(r),
        (None, Layout::Root(r)) => r.clone(),
        (None, Layout::Single { git_dir, .. }) => {
            let top = git_dir.parent().unwrap_or(git_dir);
            top.parent().unwrap_or(top).to_path_buf()
        }
    };
    let w = root.join(id);
    match std::fs::symlink_metadata(&w) {
        Err(_) => Err(not_found()),
        Ok(_) => {
            // A symlink must stay below the root.
            let (Ok(cw), Ok(cr)) = (w.canonicalize(), root.canonicalize()) else {
                return Err(OhError::NotARepository);
            };
            if !cw.starts_with(&cr) || !cw.is_dir() {
                return Err(OhError::NotARepository);
            }
            Ok(cw)
        }
    }
}

fn check_key(st: &AppState, headers: &HeaderMap) -> Result<(), OhError> {
    let keys: Vec<String> = st
        .config()
        .openhands
        .session_api_key
        .iter()
        .cloned()
        .collect();
    super::auth::check_header_secret(headers, "x-session-api-key", &keys)
        .map_err(|e| OhError::Failure(Failure::Unauthorized(e.reason())))
}

/// The repository whose work tree is exactly `dir` (`dir/.git` a folder or a file).
fn open_at(dir: &FsPath) -> Option<Repository> {
    if std::fs::symlink_metadata(dir.join(".git")).is_err() {
        return None;
    }
    Repository::discover(dir)
        .ok()
        .filter(|r| r.work_tree().and_then(|w| w.canonicalize().ok()) == dir.canonicalize().ok())
}

/// OpenHands' reference choice (§1.3.2): `origin/<current>`, else the merge base of
/// `HEAD` with the remote default branch (`refs/remotes/origin/HEAD`), else that branch,
/// else the empty tree.
pub fn reference(repo: &Repository) -> Side {
    let refs = crate::refs::Refs::new(repo);
    let current = match refs.head() {
        Ok(crate::refs::Head::Attached { name, .. }) => name
            .strip_prefix("refs/heads/")
            .unwrap_or(&name)
            .to_string(),
        _ => "HEAD".to_string(),
    };
    if let Ok(id) = crate::revision::resolve(repo, &format!("origin/{current}")) {
        return Side::Id(id);
    }
    if let Ok(Some(default)) = refs.read_symbolic("refs/remotes/origin/HEAD") {
        if let Ok(Some(tip)) = refs.resolve(&default) {
            if let Ok(head) = crate::revision::resolve(repo, "HEAD") {
                let mut w = crate::revision::merge_base::CommitWalker::new(repo);
                if let Ok(bases) = w.merge_bases(&head, &[tip]) {
                    if let Some(b) = bases.first() {
                        return Side::Id(*b);
                    }
                }
            }
            return Side::Id(tip);
        }
    }
    Side::EmptyTree
}

/// The `{status, path}` list of one repository, paths prefixed with `prefix`.
fn repo_changes(repo: &Repository, prefix: &str) -> Result<Vec<FileStatus>, String> {
    let base = reference(repo);
    let options = DiffOptions::from_config(repo.config(), repo.hash_kind().hex_len())
        .map_err(|e| e.to_string())?;
    let ws = Workspace::open(repo).map_err(|e| e.to_string())?;
    let found = ws
        .changes_against(Some(base), &options)
        .map_err(|e| e.to_string())?;
    let mut out = Vec::new();
    let name = |p: &[u8]| format!("{prefix}{}", String::from_utf8_lossy(p));
    for c in &found.changes {
        match c.kind {
            ChangeKind::Renamed => {
                out.push(FileStatus {
                    status: "D",
                    path: name(&c.old_path),
                });
                out.push(FileStatus {
                    status: "A",
                    path: name(&c.new_path),
                });
            }
            ChangeKind::Copied | ChangeKind::Added => out.push(FileStatus {
                status: "A",
                path: name(&c.new_path),
            }),
            ChangeKind::Deleted => out.push(FileStatus {
                status: "D",
                path: name(&c.old_path),
            }),
            ChangeKind::Modified | ChangeKind::TypeChanged => out.push(FileStatus {
                status: "M",
                path: name(&c.new_path),
            }),
        }
    }
    Ok(out)
}

/// The changes of workspace `w` (§1.3): `w` itself and its direct, non-hidden child
/// repositories, sorted by path, identical pairs once.
pub fn workspace_changes(w: &FsPath) -> Result<Vec<FileStatus>, String> {
    let mut nested = Vec::new();
    if let Ok(rd) = std::fs::read_dir(w) {
        for e in rd.flatten() {
            let n = e.file_name().to_string_lossy().into_owned();
            if n.starts_with('.') || !e.path().is_dir() {
                continue;
            }
            if std::fs::symlink_metadata(e.path().join(".git")).is_ok() {
                nested.push(n);
            }
        }
    }
    let mut out = Vec::new();
    if let Some(repo) = open_at(w) {
        let own = repo_changes(&repo, "")?;
        out.extend(own.into_iter().filter(|f| {
            !nested
                .iter()
                .any(|d| f.path == *d || f.path.starts_with(&format!("{d}/")))
        }));
    }
    for d in &nested {
        if let Some(repo) = open_at(&w.join(d)) {
            out.extend(repo_changes(&repo, &format!("{d}/"))?);
        }
    }
    out.sort_by(|a, b| a.path.cmp(&b.path));
    out.dedup();
    Ok(out)
}

async fn changes_handler(
    State(st): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    if let Err(e) = check_key(&st, &headers) {
        return e.into_response();
    }
    let w = match workspace_of(&st, &id) {
        Ok(w) => w,
        Err(e) => return e.into_response(),
    };
    match st.pool().run(move || workspace_changes(&w)).await {
        Ok(Ok(list)) => Json(list).into_response(),
        Ok(Err(m)) => OhError::Internal(m).into_response(),
        Err(f) => Service::OpenHands.render(&f),
    }
}

/// Python's `str.splitlines()` joined with `\n`.
fn normalize_lines(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    let mut pending = false;
    while let Some(c) = chars.next() {
        let brk = matches!(
            c,
            '\n' | '\r'
                | '\x0b'
                | '\x0c'
                | '\x1c'
                | '\x1d'
                | '\x1e'
                | '\u{85}'
                | '\u{2028}'
                | '\u{2029}'
        );
        if brk {
            if c == '\r' && chars.peek() == Some(&'\n') {
                chars.next();
            }
            pending = true;
        } else {
            if pending {
                out.push('\n');
                pending = false;
            }
            out.push(c);
        }
    }
    out
}

/// The file diff of `rel` in workspace `w` (§1.4 with §1.5's fixes).
pub fn file_diff(w: &FsPath, rel: &str) -> Result<(String, String), String> {
    if rel.split('/').any(|s| s == "..") || rel.starts_with('/') {
        return Err("path outside the workspace".into());
    }
    let file = w.join(rel.trim_start_matches("./"));
    let meta = std::fs::metadata(&file).ok();
    if meta.as_ref().is_some_and(|m| m.len() > MAX_DIFF_FILE) {
        return Err("file_to_large".into());
    }
    // The nearest folder at or above the file's with a `.git` folder, inside `w`.
    let mut dir = file.parent().map(FsPath::to_path_buf);
    let repo_dir = loop {
        let Some(d) = dir else {
            return Err("Not a git repository".into());
        };
        if !d.starts_with(w) {
            return Err("Not a git repository".into());
        }
        if d.join(".git").is_dir() {
            break d;
        }
        dir = d.parent().map(FsPath::to_path_buf);
    };
    let repo = Repository::discover(&repo_dir).map_err(|e| e.to_string())?;
    let in_repo = file
        .strip_prefix(&repo_dir)
        .map_err(|_| "Not a git repository".to_string())?
        .to_string_lossy()
        .into_owned();
    let original = match reference(&repo) {
        Side::Id(id) => crate::revision::resolve(&repo, &format!("{}:{in_repo}", id.to_hex()))
            .ok()
            .and_then(|b| repo.odb().read(&b).ok())
            .map(|o| String::from_utf8_lossy(&o.data).trim().to_string())
            .unwrap_or_default(),
        _ => String::new(),
    };
    let modified = match meta {
        Some(m) if m.is_file() => {
            let data = std::fs::read(&file).map_err(|e| e.to_string())?;
            normalize_lines(&String::from_utf8_lossy(&data))
        }
        _ => String::new(),
    };
    Ok((modified, original))
}

/// The `git/diff` body (members in OpenHands' order).
#[derive(Serialize)]
struct DiffBody {
    modified: String,
    original: String,
}

async fn diff_handler(
    State(st): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    if let Err(e) = check_key(&st, &headers) {
        return e.into_response();
    }
    let Some(rel) = q.get("path").cloned() else {
        return (
            StatusCode::UNPROCESSABLE_ENTITY,
            Json(json!({"detail":[{"type":"missing","loc":["query","path"],"msg":"Field required","input":null}]})),
        )
            .into_response();
    };
    let w = match workspace_of(&st, &id) {
        Ok(w) => w,
        Err(e) => return e.into_response(),
    };
    match st.pool().run(move || file_diff(&w, &rel)).await {
        Ok(Ok((modified, original))) => Json(DiffBody { modified, original }).into_response(),
        Ok(Err(m)) => OhError::Internal(m).into_response(),
        Err(f) => Service::OpenHands.render(&f),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn python_splitlines() {
        assert_eq!(normalize_lines("a\r\nb\n"), "a\nb");
        assert_eq!(normalize_lines("a\rb\x0bc\n\n"), "a\nb\nc");
        assert_eq!(normalize_lines(""), "");
        assert_eq!(normalize_lines("x"), "x");
    }

    #[test]
    fn ids() {
        assert!(valid_id("0b5c2f3e9d0a4c51a3f6e2b7c8d9e0f1"));
        assert!(!valid_id(".."));
        assert!(!valid_id("a/b"));
        assert!(!valid_id(""));
    }
}
