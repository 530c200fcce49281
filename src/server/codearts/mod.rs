//! CodeArts Repo merge-request changes (§4 of the spec, GitLab semantics):
//! `GET /v4/repositories/{repository_id}/merge-requests/{merge_request_iid}/changes`.
//!
//! * The repository id is looked up in the registry ([`super::codearts_registry`]); when
//!   serving one repository, its git config `oxgit.codearts.repositoryId` names it (1 if
//!   unset).
//! * The merge request is the git-native record of [`super::mr`]: an open one is
//!   refreshed from the branch tips first (a new version is recorded when they moved),
//!   a closed or merged one keeps its last stored version (§5 item 9).
//! * The file list is `base_sha` → `head_sha` with renames at 30 % and no copies (what
//!   Gitaly asks git for), every file's `diff` is its patch from the first `@@`, and
//!   GitLab's collection limits ([`crate::api::filter::Collection`]) collapse, empty or
//!   cut the list.

use super::error::{Failure, Service};
use super::mr::{self, MrError, Record, State, Timestamp, Version};
use super::repos::{self, Layout};
use super::routes::{Param, Route};
use super::AppState;
use crate::api::filter::{Admission, Collection, CollectionLimits};
use crate::api::{Control, Detail, DiffOptions, DiffRequest, Differ, Endpoints, FileDiff, Sink};
use crate::diff::patch::{self, PairHeader, PairStatus};
use crate::diff::ChangeKind;
use crate::repo::Repository;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State as AxState};
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Json;
use serde_json::{json, Map, Value};
use std::collections::HashMap;

/// The largest repository id and iid the API accepts (a signed 32-bit integer).
pub const MAX_ID: u64 = 2_147_483_647;

/// Gitaly's rename threshold (`--find-renames=30%`) on git's similarity scale.
pub const RENAME_SCORE: u32 = crate::diff::MAX_SCORE * 30 / 100;

/// The routes of this service.
pub fn routes() -> Vec<Route> {
    const PARAMS: &[Param] = &[
        Param::header(
            "X-Auth-Token",
            "An accepted IAM token (or an AK/SK SDK-HMAC-SHA256 signed request).",
        ),
        Param::header(
            "Authorization",
            "SDK-HMAC-SHA256 Access=..., SignedHeaders=..., Signature=... (the Huawei SDKs).",
        ),
    ];
    vec![Route::new(
        "GET",
        "/v4/repositories/{repository_id}/merge-requests/{merge_request_iid}/changes",
        Service::CodeArts,
        "CodeArts Repo: a merge request's changes (base_sha to head_sha, renames at 30 %), with diff_refs and GitLab's collapsed/too_large limits.",
        PARAMS,
        get(changes_handler),
    )]
}

/// Why a request failed, rendered as CodeArts does.
#[derive(Debug, PartialEq, Eq)]
enum CaError {
    /// 400 `CH.00405011`.
    BadRequest,
    /// 404 for the merge request.
    MrNotFound,
    /// A failure of the server's own (401, repository 404, 503, 500).
    Failure(Failure),
}

impl IntoResponse for CaError {
    fn into_response(self) -> Response {
        match self {
            CaError::BadRequest => (
                StatusCode::BAD_REQUEST,
                Json(json!({"error_code": "CH.00405011", "error_msg": "Request error."})),
            )
                .into_response(),
            CaError::MrNotFound => (
                StatusCode::NOT_FOUND,
                Json(json!({"error_code": "CH.00404000", "error_msg": "Merge request not found."})),
            )
                .into_response(),
            CaError::Failure(f) => Service::CodeArts.render(&f),
        }
    }
}

fn internal(e: impl std::fmt::Display) -> CaError {
    eprintln!("oxgit serve: codearts: {e}");
    CaError::Failure(Failure::Internal(e.to_string()))
}

/// Parses an id of the API: decimal, 1 … 2147483647.
pub fn parse_id(s: &str) -> Option<u64> {
    if s.is_empty() || s.len() > 10 || !s.bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    s.parse().ok().filter(|n| (1..=MAX_ID).contains(n))
}

/// The id a repository served alone has: its `oxgit.codearts.repositoryId`, else 1.
pub fn single_repository_id(repo: &Repository) -> u64 {
    repo.config()
        .get("oxgit.codearts.repositoryid")
        .and_then(|v| v.trim().parse::<u64>().ok())
        .unwrap_or(1)
}

/// The repository of `id` and the path its `web_url`s use.
fn find_repository(layout: &Layout, id: u64) -> Result<(Repository, String), CaError> {
    let missing = || CaError::Failure(Failure::RepoNotFound(id.to_string()));
    match layout {
        Layout::Single { git_dir, name } => {
            let repo = Repository::open(git_dir).map_err(|_| missing())?;
            if single_repository_id(&repo) != id {
                return Err(missing());
            }
            Ok((repo, name.clone()))
        }
        Layout::Root(root) => {
            let entries = super::codearts_registry::entries(root).map_err(internal)?;
            let entry = entries.iter().find(|e| e.id == id).ok_or_else(missing)?;
            let dir = super::codearts_registry::lookup(root, id)
                .map_err(internal)?
                .ok_or_else(missing)?;
            let repo = repos::open_in(root, &dir).ok_or_else(missing)?;
            let path = entry.path.strip_suffix(".git").unwrap_or(&entry.path);
            Ok((repo, path.to_string()))
        }
    }
}

/// The merge request's current record and the version to show: refreshed from the
/// branches if open (§5 item 9). A refresh that cannot be recorded (a concurrent writer,
/// a read-only repository) still shows the live version.
fn current(repo: &Repository, iid: u64) -> Result<(Record, Version), CaError> {
    let not_found = |e: MrError| match e {
        MrError::NotFound(_) => CaError::MrNotFound,
        other => internal(other),
    };
    match mr::refresh(repo, iid, Timestamp::now()) {
        Ok(rec) => {
            let v = rec.version;
            Ok((rec, v))
        }
        Err(MrError::Write(e)) => {
            eprintln!("oxgit serve: codearts: recording a new version of !{iid}: {e}");
            let rec = mr::get(repo, iid).map_err(not_found)?;
            let live = if rec.mr.state == State::Opened {
                mr::version_of(repo, &rec.mr.source_branch, &rec.mr.target_branch).ok()
            } else {
                None
            };
            let v = live.unwrap_or(rec.version);
            Ok((rec, v))
        }
        Err(e) => Err(not_found(e)),
    }
}

/// How the response is shaped (from the `[codearts]` config).
#[derive(Clone, Debug)]
struct Shape {
    limits: CollectionLimits,
    integer_modes: bool,
}

/// A mode as CodeArts shows it: GitLab's octal string (`"100644"`, `"0"` for a missing
/// side), or the integer.
fn mode_value(mode: u32, integer: bool) -> Value {
    if integer {
        Value::from(mode)
    } else {
        Value::from(format!("{mode:o}"))
    }
}

/// The `diff` member of a file: its hunks from the first `@@` (both parts of a type
/// change), or git's `Binary files … differ` line; empty when the contents are the same.
pub fn file_diff_text(f: &FileDiff) -> Vec<u8> {
    let mut out = Vec::new();
    let c = &f.change;
    if f.binary && c.kind != ChangeKind::TypeChanged {
        if f.contents_differ() {
            let some = |m: u32| (m != 0).then_some(m);
            let h = PairHeader {
                old_path: &c.old_path,
                new_path: &c.new_path,
                old_mode: some(c.old_mode),
                new_mode: some(c.new_mode),
                old_id: "",
                new_id: "",
                status: PairStatus::Plain,
                src_prefix: b"a/",
                dst_prefix: b"b/",
                quote_path: true,
                ids_differ: true,
            };
            patch::write_binary_notice(&mut out, &h);
        }
        return out;
    }
    for hunk in f.hunks() {
        hunk.write_header(&mut out);
        for line in hunk.lines() {
            patch::write_line(&mut out, line.kind.mark(), line.content, false);
        }
    }
    out
}

/// The sink building the `changes` list under GitLab's collection limits.
struct ChangesSink {
    shape: Shape,
    collection: Option<Collection>,
    refs: Value,
    base: String,
    head: String,
    files: Vec<Value>,
    added: u64,
    removed: u64,
}

impl Sink for ChangesSink {
    type Error = crate::api::Error;

    fn detail(&self) -> Detail {
        Detail::Hunks
    }

    fn begin(&mut self, b: &crate::api::Begin<'_>) -> Result<Control, Self::Error> {
        self.collection = Some(Collection::new(self.shape.limits, b.changes.len()));
        Ok(Control::Continue)
    }

    fn file(&mut self, f: &FileDiff) -> Result<Control, Self::Error> {
        let mut text = file_diff_text(f);
        let collection = self
            .collection
            .get_or_insert_with(|| Collection::new(self.shape.limits, 2));
        let verdict = collection.admit(&text);
        if verdict == Admission::Overflow {
            return Ok(Control::Stop);
        }
        if verdict != Admission::Expanded {
            text.clear();
        }
        let c = &f.change;
        let lossy = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
        let new_path = lossy(&c.new_path);
        let old_path = lossy(&c.old_path);
        let file_path = if new_path.is_empty() {
            old_path.clone()
        } else {
            new_path.clone()
        };
        let deleted = c.new_id.is_null();
        let int = self.shape.integer_modes;
        self.added += f.additions;
        self.removed += f.deletions;
        self.files.push(json!({
            "file_path": file_path,
            "old_path": old_path,
            "new_path": new_path,
            "a_mode": mode_value(c.old_mode, int),
            "b_mode": mode_value(c.new_mode, int),
            "mode_changed": c.old_mode != 0 && c.new_mode != 0 && c.old_mode != c.new_mode,
            "file_type": if f.binary { "binary_type" } else { "text_type" },
            "new_file": c.old_id.is_null(),
            "renamed_file": c.old_path != c.new_path,
            "deleted_file": deleted,
            "diff": lossy(&text),
            "binary": f.binary,
            "too_large": verdict == Admission::TooLarge,
            "collapsed": verdict == Admission::Collapsed,
            "added_lines": f.additions,
            "removed_lines": f.deletions,
            "content_sha": if deleted { &self.base } else { &self.head },
            "diff_refs": self.refs.clone(),
        }));
        Ok(Control::Continue)
    }
}

/// What the merge request's changes are, as the `changes` list and whether the
/// collection stopped early.
struct Changes {
    files: Vec<Value>,
    added: u64,
    removed: u64,
    overflow: bool,
}

fn diff_refs(v: &Version) -> Value {
    json!({
        "base_sha": v.base_sha.to_hex(),
        "head_sha": v.head_sha.to_hex(),
        "start_sha": v.start_sha.to_hex(),
    })
}

/// The changes of `version`: `base_sha` → `head_sha`, renames at 30 %, no copies, with
/// git's default line diff (the repository's diff config is not consulted, as Gitaly
/// passes its own options).
fn changes_of(repo: &Repository, version: &Version, shape: &Shape) -> Result<Changes, CaError> {
    let options = DiffOptions {
        rename_score: RENAME_SCORE,
        ..DiffOptions::default()
    };
    let request =
        DiffRequest::with_options(Endpoints::pair(version.base_sha, version.head_sha), options);
    let differ = Differ::new(repo, &request).map_err(internal)?;
    let mut sink = ChangesSink {
        shape: shape.clone(),
        collection: None,
        refs: diff_refs(version),
        base: version.base_sha.to_hex(),
        head: version.head_sha.to_hex(),
        files: Vec::new(),
        added: 0,
        removed: 0,
    };
    differ.run(&mut sink).map_err(internal)?;
    let overflow = sink.collection.as_ref().is_some_and(|c| c.overflow);
    Ok(Changes {
        files: sink.files,
        added: sink.added,
        removed: sink.removed,
        overflow,
    })
}

/// The response body (`SimpleMergeRequestChangesDto`).
fn body(
    rec: &Record,
    version: &Version,
    repository_id: u64,
    web_path: &str,
    changes: Changes,
    cfg: &super::config::CodeArtsSection,
) -> Value {
    let base = cfg.web_url.trim_end_matches('/');
    let m = &rec.mr;
    let a = &m.author;
    let author = json!({
        "id": cfg.user_ids.get(&a.username),
        "name": a.name,
        "username": a.username,
        "state": "active",
        "email": a.email,
        "name_cn": a.name,
        "nick_name": a.name,
        "web_url": format!("{base}/{}", a.username),
    });
    let mut o = Map::new();
    o.insert("id".into(), m.id.into());
    o.insert("repository_id".into(), repository_id.into());
    o.insert("title".into(), m.title.clone().into());
    o.insert("description".into(), m.description.clone().into());
    o.insert("state".into(), m.state.name().into());
    o.insert("source_branch".into(), m.source_branch.clone().into());
    o.insert("target_branch".into(), m.target_branch.clone().into());
    o.insert("author".into(), author);
    o.insert(
        "web_url".into(),
        format!("{base}/{web_path}/merge_requests/{}", m.iid).into(),
    );
    o.insert("sha".into(), version.head_sha.to_hex().into());
    o.insert("change_count".into(), changes.files.len().into());
    o.insert("diff_refs".into(), diff_refs(version));
    o.insert("added_lines".into(), changes.added.into());
    o.insert("removed_lines".into(), changes.removed.into());
    if changes.overflow {
        // GitLab's member; CodeArts has none, so it is only sent when the list was cut.
        o.insert("overflow".into(), true.into());
    }
    o.insert("changes".into(), Value::Array(changes.files));
    o.insert("create_at".into(), m.created_at.clone().into());
    o.insert("update_at".into(), m.updated_at.clone().into());
    Value::Object(o)
}

/// `GET /v4/repositories/{repository_id}/merge-requests/{merge_request_iid}/changes`.
async fn changes_handler(
    AxState(st): AxState<AppState>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    path: Result<Path<HashMap<String, String>>, PathRejection>,
) -> Response {
    let cfg = &st.config().codearts;
    if let Err(e) = super::aksk::check_codearts(&method, &uri, &headers, cfg, super::jwt::now()) {
        return CaError::Failure(Failure::Unauthorized(e.reason())).into_response();
    }
    let Ok(Path(p)) = path else {
        return CaError::BadRequest.into_response();
    };
    let id = |name: &str| p.get(name).map(String::as_str).and_then(parse_id);
    let (Some(repository_id), Some(iid)) = (id("repository_id"), id("merge_request_iid")) else {
        return CaError::BadRequest.into_response();
    };
    let layout = st.layout().clone();
    let cfg = cfg.clone();
    let shape = Shape {
        limits: CollectionLimits {
            max_files: cfg.max_files,
            max_lines: cfg.max_lines,
            max_patch_bytes: cfg.max_patch_bytes,
        },
        integer_modes: cfg.integer_modes,
    };
    let work = move || -> Result<Value, CaError> {
        let (repo, web_path) = find_repository(&layout, repository_id)?;
        let (rec, version) = current(&repo, iid)?;
        let changes = changes_of(&repo, &version, &shape)?;
        Ok(body(
            &rec,
            &version,
            repository_id,
            &web_path,
            changes,
            &cfg,
        ))
    };
    match st.pool().diff(work).await {
        Ok(Ok(v)) => Json(v).into_response(),
        Ok(Err(e)) => e.into_response(),
        Err(f) => Service::CodeArts.render(&f),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids() {
        assert_eq!(parse_id("1"), Some(1));
        assert_eq!(parse_id("2147483647"), Some(MAX_ID));
        for bad in [
            "",
            "0",
            "2147483648",
            "99999999999",
            "abc",
            "+1",
            "-1",
            " 1",
            "1.0",
        ] {
            assert_eq!(parse_id(bad), None, "{bad:?}");
        }
        assert_eq!(RENAME_SCORE, 18_000);
    }

    #[test]
    fn modes() {
        assert_eq!(mode_value(0o100644, false), json!("100644"));
        assert_eq!(mode_value(0, false), json!("0"));
        assert_eq!(mode_value(0o100644, true), json!(33188));
    }
}
