//! oxgit's own JSON API: `GET /repos/{repo}/changes|stats|diff|log?from=&to=&path=`,
//! answered with the library's JSON types ([`crate::api::json`]), the same documents
//! `oxgit changes --format=json`, `oxgit stats --format=json`, `oxgit diff --format=json`
//! and `oxgit log --json` print.
//!
//! `to` defaults to `HEAD`; without `from` a diff is what `to` changed (against its
//! first parent, the empty tree for a root commit), as [`Endpoints::commit`] says, and a
//! log is `to`'s whole history (with `from`, `git log from..to`); `path` (repeatable)
//! limits the diff or the history to pathspecs, relative to the top of the repository;
//! `limit` bounds a log (default 100, at most 10,000); `filter=true` withholds files as
//! review services do ([`crate::api::filter::FileLimits`]: binary, lock files, too
//! large). An empty `from` or `to` is as if not given. Library errors map by
//! [`api::Error::kind`] to 404, 400, 501 or 500, as `{"error": "..."}`.
//!
//! `diff` and `log` also stream NDJSON (`application/x-ndjson`), asked for with
//! `?format=ndjson` or `Accept: application/x-ndjson` (the query wins; `format=json`
//! forces the document): one file object (diff, as `oxgit diff --format=ndjson`) or one
//! commit object (log, as `oxgit log --json`) per line, sent to the socket as each is
//! produced ([`super::stream`]). Errors known before the first line keep their status;
//! one after it ends the stream with a last line `{"error": "..."}`.
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
use super::stream::{self, Starter};
use super::AppState;
use crate::api::filter::FileLimits;
use crate::api::json::{ChangesJson, CommitJson, FilesJson, JsonMode, JsonSink, StatsJson};
use crate::api::{
    self, DiffOptions, DiffRequest, Differ, Endpoints, ErrorKind, History, HistoryRequest, Side,
};
use crate::repo::Repository;
use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Json;
use serde_json::json;
use std::io::Write;

/// The media type of the streamed answers.
pub const NDJSON: &str = "application/x-ndjson";

/// What `diff` and `log` answer.
const BOTH: &[&str] = &["application/json", NDJSON];

/// The default and the largest `limit` of a log.
const LOG_LIMIT: (usize, usize) = (100, 10_000);

/// Commits diffed together (in parallel) before they are written.
const LOG_BATCH: usize = 16;

const FROM: Param = Param::query(
    "from",
    "The old side (a revision); default: the first parent of `to` (the empty tree for a root commit).",
);
const TO: Param = Param::query("to", "The new side (a revision); default `HEAD`.");
const PATH: Param = Param::query("path", "A pathspec limiting the diff; repeatable.");
const FORMAT: Param = Param::query(
    "format",
    "`ndjson`: stream one JSON object per line (`application/x-ndjson`, also chosen by `Accept: application/x-ndjson`); `json` (default): one document.",
);
const FILTER: Param = Param::query(
    "filter",
    "`true`: withhold binary files, lock files, blobs over 512,000 bytes and files with more than 2,000 changed lines (named paths excepted), listed in `filtered_files` (NDJSON: with `filtered`).",
);

const PARAMS: &[Param] = &[FROM, TO, PATH];
const DIFF_PARAMS: &[Param] = &[FROM, TO, PATH, FILTER, FORMAT];
const LOG_PARAMS: &[Param] = &[
    Param::query(
        "from",
        "Commits reachable from this revision are left out (`git log from..to`); default: none.",
    ),
    Param::query("to", "The revision whose history is listed; default `HEAD`."),
    Param::query(
        "path",
        "A pathspec: only commits changing it, with their files limited to it (`git log -- path`); repeatable.",
    ),
    Param::query("limit", "At most this many commits (default 100, at most 10,000)."),
    FORMAT,
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
            get(|st, h, p, q| answer(st, h, p, q, Question::Changes)),
        ),
        Route::new(
            "GET",
            "/repos/{repo}/stats",
            Service::Native,
            "Files changed, lines added and deleted from `from` to `to` (`oxgit stats --format=json`).",
            PARAMS,
            get(|st, h, p, q| answer(st, h, p, q, Question::Stats)),
        ),
        Route::new(
            "GET",
            "/repos/{repo}/diff",
            Service::Native,
            "Every file pair's diff from `from` to `to` with its hunks and lines (`oxgit diff --format=json`, or streamed as `--format=ndjson`).",
            DIFF_PARAMS,
            get(|st, h, p, q| answer(st, h, p, q, Question::Diff)),
        )
        .produces(BOTH),
        Route::new(
            "GET",
            "/repos/{repo}/log",
            Service::Native,
            "The commits of `to` (newest first, as `git log`), each with its files' counts and stats against its first parent (none for merges): `{\"commits\": [...], \"truncated\"}` or one commit per line (`oxgit log --json`).",
            LOG_PARAMS,
            get(|st, h, p, q| answer(st, h, p, q, Question::Log)),
        )
        .produces(BOTH),
    ]
}

/// What a route asks.
#[derive(Clone, Copy)]
enum Question {
    Changes,
    Stats,
    Diff,
    Log,
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

/// The message a stream ends with after a library error (damage and I/O not shown).
fn stream_error(e: &api::Error) -> String {
    match e.kind() {
        ErrorKind::Corrupt | ErrorKind::Io => {
            eprintln!("oxgit serve: native: {e}");
            "internal error".into()
        }
        _ => e.to_string(),
    }
}

/// The repository served as `name`.
pub(super) fn open(layout: &Layout, name: &str) -> Option<Repository> {
    match layout {
        Layout::Single { git_dir, name: n } => {
            (name == n).then(|| Repository::open(git_dir).ok())?
        }
        Layout::Root(root) => repos::find_repo(root, root, name).map(|(_, r)| r),
    }
}

/// The parsed query string: the last value of a key wins, `path` repeats.
struct Args<'q>(&'q [(String, String)]);

impl Args<'_> {
    /// The last non-empty value of `key`.
    fn last(&self, key: &str) -> Option<&str> {
        self.0
            .iter()
            .rev()
            .find(|(n, _)| n == key)
            .map(|(_, v)| v.as_str())
            .filter(|v| !v.is_empty())
    }

    /// `path` values as root-relative pathspec items (`.` and `..` resolved as git does,
    /// refused past the root).
    fn paths(&self, repo: &Repository) -> Result<Vec<Vec<u8>>, api::Error> {
        let paths: Vec<&String> = self
            .0
            .iter()
            .filter(|(n, _)| n == "path")
            .map(|(_, v)| v)
            .collect();
        let top = repo.work_tree().unwrap_or(repo.git_dir());
        api::relative_pathspec(repo, top, &paths)
    }

    /// `filter=true|1` or `false|0`.
    fn filter(&self) -> Result<bool, api::Error> {
        match self.last("filter") {
            None | Some("false" | "0") => Ok(false),
            Some("true" | "1") => Ok(true),
            Some(v) => Err(api::Error::BadRequest(format!(
                "filter: expected true or false, not '{v}'"
            ))),
        }
    }

    /// A single revision (no range syntax, no option).
    fn revision(&self, key: &str) -> Result<Option<&str>, api::Error> {
        match self.last(key) {
            Some(v) if v.starts_with('-') || crate::revision::range::is_range_syntax(v) => Err(
                api::Error::BadRequest(format!("{key}: a single revision is expected, not '{v}'")),
            ),
            v => Ok(v),
        }
    }
}

/// Whether the answer is NDJSON: `format=ndjson|json`, else the `Accept` header.
fn wants_ndjson(args: &Args<'_>, headers: &HeaderMap) -> Result<bool, String> {
    match args.last("format") {
        Some("ndjson") => Ok(true),
        Some("json") => Ok(false),
        Some(f) => Err(format!("format: expected json or ndjson, not '{f}'")),
        None => Ok(headers
            .get_all(header::ACCEPT)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .any(|m| m.split(';').next().unwrap_or("").trim() == NDJSON)),
    }
}

/// The request `from`/`to`/`path` describe.
fn request(repo: &Repository, args: &Args<'_>) -> Result<DiffRequest, api::Error> {
    let to = Side::from(args.last("to").unwrap_or("HEAD"));
    let endpoints = match args.last("from") {
        Some(from) => Endpoints::pair(from, to),
        None => Endpoints::commit(to),
    };
    Ok(DiffRequest::new(repo, endpoints)?.paths(args.paths(repo)?))
}

/// The JSON sink of a diff answer: hunks, and filtering if asked for (paths named in
/// the request are never withheld).
fn diff_sink<W: Write>(out: W, mode: JsonMode, request: &DiffRequest, filter: bool) -> JsonSink<W> {
    let sink = JsonSink::new(out, mode).hunks(true);
    if !filter {
        return sink;
    }
    sink.filter(FileLimits {
        named: request.options.paths.clone(),
        ..FileLimits::default()
    })
}

/// The history `from`/`to`/`path`/`limit` describe, and the limit.
fn history_request(
    repo: &Repository,
    args: &Args<'_>,
) -> Result<(HistoryRequest, usize), api::Error> {
    let to = args.revision("to")?.unwrap_or("HEAD");
    let mut revs = vec![to.to_string()];
    if let Some(from) = args.revision("from")? {
        revs.push(format!("^{from}"));
    }
    let limit = match args.last("limit") {
        None => LOG_LIMIT.0,
        Some(l) => l
            .parse::<usize>()
            .ok()
            .filter(|n| *n <= LOG_LIMIT.1)
            .ok_or_else(|| {
                api::Error::BadRequest(format!(
                    "limit: expected a number from 0 to {}, not '{l}'",
                    LOG_LIMIT.1
                ))
            })?,
    };
    let options = DiffOptions::from_config(repo.config(), repo.hash_kind().hex_len())?
        .with_paths(args.paths(repo)?);
    Ok((HistoryRequest::from_revisions(repo, &revs, options)?, limit))
}

/// Walks `request` up to `limit` commits (and one more, to tell whether there are
/// more), handing each commit's JSON to `emit`; returns whether commits were left.
fn walk_log(
    repo: &Repository,
    request: HistoryRequest,
    limit: usize,
    emit: &mut dyn FnMut(&CommitJson) -> Result<(), api::Error>,
) -> Result<bool, api::Error> {
    let mut history = History::new(repo, &request.max_count(limit.saturating_add(1)))?;
    let mut shown = 0;
    loop {
        let batch = history.next_batch(LOG_BATCH.min(limit + 1 - shown))?;
        if batch.is_empty() {
            return Ok(false);
        }
        let more = shown + batch.len() > limit;
        let batch = &batch[..batch.len().min(limit - shown)];
        for (c, d) in batch
            .iter()
            .zip(history.diff_batch(batch, FilesJson::default))
        {
            emit(&CommitJson::of(c, d?.map(|(f, _)| (f.files, f.stats))))?;
        }
        if more {
            return Ok(true);
        }
        shown += batch.len();
    }
}

/// Runs `question` on the repository, as a JSON response.
fn run(repo: &Repository, args: &Args<'_>, question: Question) -> Result<Response, api::Error> {
    if let Question::Log = question {
        let (request, limit) = history_request(repo, args)?;
        let mut commits = Vec::new();
        let truncated = walk_log(repo, request, limit, &mut |c| {
            commits.push(c.clone());
            Ok(())
        })?;
        return Ok(Json(json!({"commits": commits, "truncated": truncated})).into_response());
    }
    let filter = args.filter()?;
    let request = request(repo, args)?;
    let differ = Differ::new(repo, &request)?;
    Ok(match question {
        Question::Changes => Json(ChangesJson::of(&differ)).into_response(),
        Question::Stats => {
            let mut sink = api::from_fn(api::Detail::Counts, |_| {
                Ok::<_, api::Error>(api::Control::Continue)
            });
            Json(StatsJson::from(differ.run(&mut sink)?.stats)).into_response()
        }
        Question::Diff | Question::Log => {
            let mut sink = diff_sink(Vec::new(), JsonMode::Document, &request, filter);
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

/// Ends a stream after an error with `{"error": ...}` (the client may be gone already).
fn end_with_error(out: &mut impl Write, e: &api::Error) {
    if let Ok(mut line) = serde_json::to_vec(&json!({"error": stream_error(e)})) {
        line.push(b'\n');
        let _ = out.write_all(&line).and_then(|_| out.flush());
    }
}

/// Streams `question` (diff or log) as NDJSON.
fn stream_answer(repo: &Repository, args: &Args<'_>, question: Question, starter: Starter) {
    match question {
        Question::Log => {
            let (request, limit) = match history_request(repo, args) {
                Ok(r) => r,
                Err(e) => return starter.fail(api_error(&e)),
            };
            // The walk's own errors (an unknown revision) come before the first line.
            let mut out = None;
            let mut first = Some(starter);
            let r = walk_log(repo, request, limit, &mut |c| {
                let w = out.get_or_insert_with(|| first.take().expect("once").start());
                let mut line = serde_json::to_vec(c).map_err(|e| api::Error::Io(e.into()))?;
                line.push(b'\n');
                w.write_all(&line)?;
                Ok(())
            });
            match (r, first, out) {
                (Err(e), Some(starter), _) => starter.fail(api_error(&e)),
                (Err(e), None, Some(mut w)) => end_with_error(&mut w, &e),
                (Ok(_), Some(starter), _) => {
                    let _ = starter.start().flush();
                }
                (Ok(_), _, Some(mut w)) => {
                    let _ = w.flush();
                }
                (_, None, None) => {}
            }
        }
        _ => {
            let prepared = args.filter().and_then(|filter| {
                let request = request(repo, args)?;
                let differ = Differ::new(repo, &request)?;
                Ok((filter, request, differ))
            });
            let (filter, request, differ) = match prepared {
                Ok(p) => p,
                Err(e) => return starter.fail(api_error(&e)),
            };
            let mut out = starter.start();
            let mut sink = diff_sink(&mut out, JsonMode::Lines, &request, filter);
            if let Err(e) = differ.run(&mut sink) {
                end_with_error(&mut out, &e);
            }
        }
    }
}

async fn answer(
    State(st): State<AppState>,
    headers: HeaderMap,
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
    let streams = matches!(question, Question::Diff | Question::Log);
    let ndjson = match wants_ndjson(&Args(&query), &headers) {
        Ok(true) if !streams && Args(&query).last("format").is_some() => {
            return error(
                StatusCode::BAD_REQUEST,
                "format=ndjson is offered by diff and log only",
            )
        }
        Ok(n) => n && streams,
        Err(msg) => return error(StatusCode::BAD_REQUEST, msg),
    };
    let layout = st.layout().clone();
    if ndjson {
        let stall = std::time::Duration::from_secs(st.config().server.request_timeout_secs);
        return stream::streamed(
            st.pool(),
            Service::Native,
            NDJSON,
            stall,
            move |starter| match open(&layout, &name) {
                Some(repo) => stream_answer(&repo, &Args(&query), question, starter),
                None => starter.fail(Service::Native.render(&Failure::RepoNotFound(name))),
            },
        )
        .await;
    }
    let work = move || {
        let Some(repo) = open(&layout, &name) else {
            return Service::Native.render(&Failure::RepoNotFound(name));
        };
        run(&repo, &Args(&query), question).unwrap_or_else(|e| api_error(&e))
    };
    match st.pool().diff(work).await {
        Ok(r) => r,
        Err(f) => Service::Native.render(&f),
    }
}
