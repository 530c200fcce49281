//! oxgit's own JSON API: `GET /repos/{repo}/changes|stats|diff?from=&to=&path=`, answered
//! with the library's JSON types ([`crate::api::json`]), the same documents
//! `oxgit changes --format=json`, `oxgit stats --format=json` and
//! `oxgit diff --format=json` print.
//!
//! `to` defaults to `HEAD`; without `from` the request is what `to` changed (against its
//! first parent, the empty tree for a root commit), as [`Endpoints::commit`] says; `path`
//! (repeatable) limits the diff to pathspecs, relative to the top of the repository. Library errors map by
//! [`api::Error::kind`] to 404, 400, 501 or 500, as `{"error": "..."}`.
//!
//! The repository is `{repo}`: the served repository's name without `--root`, a folder
//! (`{repo}` or `{repo}.git`) directly inside the root with it, found through
//! [`repos::find_repo`] (traversal refused before the file system is touched).
//!
//! There is no native credential yet: while any service has credentials configured (the
//! only case in which the server may listen beyond loopback) these routes answer 401.

use super::error::{Failure, Service};
use super::repos::{self, Layout};
use super::routes::{Param, Route};
use super::AppState;
use crate::api::json::{ChangesJson, JsonMode, JsonSink, StatsJson};
use crate::api::{self, DiffRequest, Differ, Endpoints, ErrorKind, Side};
use crate::repo::Repository;
use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Json;
use serde_json::json;

const PARAMS: &[Param] = &[
    Param::query(
        "from",
        "The old side (a revision); default: the first parent of `to` (the empty tree for a root commit).",
    ),
    Param::query("to", "The new side (a revision); default `HEAD`."),
    Param::query("path", "A pathspec limiting the diff; repeatable."),
];

/// The routes of the native API.
pub fn routes() -> Vec<Route> {
    vec![
        Route::new(
            "GET",
            "/repos/{repo}/changes",
            Service::Native,
            "The changes from `from` to `to` in git's order, renames detected as the repository's config says (`oxgit changes --format=json`).",
            PARAMS,
            get(|st, p, q| answer(st, p, q, Question::Changes)),
        ),
        Route::new(
            "GET",
            "/repos/{repo}/stats",
            Service::Native,
            "Files changed, lines added and deleted from `from` to `to` (`oxgit stats --format=json`).",
            PARAMS,
            get(|st, p, q| answer(st, p, q, Question::Stats)),
        ),
        Route::new(
            "GET",
            "/repos/{repo}/diff",
            Service::Native,
            "Every file pair's diff from `from` to `to` with its hunks and lines (`oxgit diff --format=json`).",
            PARAMS,
            get(|st, p, q| answer(st, p, q, Question::Diff)),
        ),
    ]
}

/// What a route asks.
#[derive(Clone, Copy)]
enum Question {
    Changes,
    Stats,
    Diff,
}

/// The native error body.
fn error(status: StatusCode, message: impl Into<String>) -> Response {
    (status, Json(json!({"error": message.into()}))).into_response()
}

/// A library error as a status by its kind; damage and I/O are logged, not shown.
fn api_error(e: &api::Error) -> Response {
    let status = match e.kind() {
        ErrorKind::NotFound => StatusCode::NOT_FOUND,
        ErrorKind::BadRequest => StatusCode::BAD_REQUEST,
        ErrorKind::Unsupported => StatusCode::NOT_IMPLEMENTED,
        ErrorKind::Corrupt | ErrorKind::Io => {
            eprintln!("oxgit serve: native: {e}");
            return error(StatusCode::INTERNAL_SERVER_ERROR, "internal error");
        }
    };
    error(status, e.to_string())
}

/// The repository served as `name`.
fn open(layout: &Layout, name: &str) -> Option<Repository> {
    match layout {
        Layout::Single { git_dir, name: n } => {
            (name == n).then(|| Repository::open(git_dir).ok())?
        }
        Layout::Root(root) => repos::find_repo(root, root, name).map(|(_, r)| r),
    }
}

/// The request `from`/`to`/`path` describe.
fn request(repo: &Repository, query: &[(String, String)]) -> Result<DiffRequest, api::Error> {
    let last = |k: &str| query.iter().rev().find(|(n, _)| n == k).map(|(_, v)| v);
    let to = Side::from(last("to").map_or("HEAD", String::as_str));
    let endpoints = match last("from") {
        Some(from) => Endpoints::pair(from.as_str(), to),
        None => Endpoints::commit(to),
    };
    // Root-relative, `.` and `..` resolved as git does (refused past the root).
    let paths: Vec<&String> = query
        .iter()
        .filter(|(n, _)| n == "path")
        .map(|(_, v)| v)
        .collect();
    let top = repo.work_tree().unwrap_or(repo.git_dir());
    let paths = api::relative_pathspec(repo, top, &paths)?;
    Ok(DiffRequest::new(repo, endpoints)?.paths(paths))
}

/// Runs `question` on the repository and request, as a JSON response.
fn run(
    repo: &Repository,
    request: &DiffRequest,
    question: Question,
) -> Result<Response, api::Error> {
    let differ = Differ::new(repo, request)?;
    Ok(match question {
        Question::Changes => Json(ChangesJson::of(&differ)).into_response(),
        Question::Stats => {
            let mut sink = api::from_fn(api::Detail::Counts, |_| {
                Ok::<_, api::Error>(api::Control::Continue)
            });
            Json(StatsJson::from(differ.run(&mut sink)?.stats)).into_response()
        }
        Question::Diff => {
            let mut sink = JsonSink::new(Vec::new(), JsonMode::Document).hunks(true);
            differ.run(&mut sink)?;
            let mut resp = sink.into_inner().into_response();
            resp.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            );
            resp
        }
    })
}

async fn answer(
    State(st): State<AppState>,
    path: Result<Path<String>, PathRejection>,
    query: Result<Query<Vec<(String, String)>>, QueryRejection>,
    question: Question,
) -> Response {
    if st.config().has_credentials() {
        return Service::Native.render(&Failure::Unauthorized("native API has no credentials"));
    }
    let Ok(Path(name)) = path else {
        return Service::Native.render(&Failure::RepoNotFound(String::new()));
    };
    let Ok(Query(query)) = query else {
        return error(StatusCode::BAD_REQUEST, "malformed query string");
    };
    let layout = st.layout().clone();
    let work = move || {
        let Some(repo) = open(&layout, &name) else {
            return Service::Native.render(&Failure::RepoNotFound(name));
        };
        request(&repo, &query)
            .and_then(|r| run(&repo, &r, question))
            .unwrap_or_else(|e| api_error(&e))
    };
    match st.pool().diff(work).await {
        Ok(r) => r,
        Err(f) => Service::Native.render(&f),
    }
}
