//! Code Storage (Pierre) "Get Commit Diff" (§3 of the spec):
//! `GET /api/v1/repos/diff?sha=&baseSha=&path=` (the repository is the JWT `repo` claim)
//! and the newer `GET /api/repos/{repo}/diff` (the repository in the path, URL-encoded;
//! it must equal the claim).
//!
//! * Auth (§3.2): `Authorization: Bearer <JWT>` checked by [`super::jwt::Verifier`]
//!   (ES256/RS256 per issuer, `kid`, `exp`/`nbf`), then the `repo` claim and the
//!   `git:read` scope. Every failure is 401 `{"error":"unauthorized"}`. With no issuer
//!   configured the signature check is disabled (§5.13, as the other services do with
//!   no credential; the server then only listens on loopback unless `--insecure`), but a
//!   token is still required, since it names the repository: its claims, times, `repo`
//!   and scope are checked as usual.
//! * Repository (§5.5): `ROOT/<iss>/<repo>` (`<repo>` may contain `/`; each segment is
//!   checked before the file system is touched, the last may carry `.git`); without
//!   `--root` the served repository, whose name the claim must be.
//! * `sha`/`baseSha`: full hex ids of the repository's format (40, or 64 for SHA-256),
//!   any case. Without `baseSha`: the commit's first parent, the empty tree for a root
//!   commit (then `base_sha` is the empty tree's id).
//! * Files: git's order, renames at 50 % (no copies), `raw` git's patch for the file
//!   (`git diff <base> <sha> -- <path>` byte for byte, auto-abbreviated `index` ids),
//!   `bytes`/`is_eof` of the new blob (the old one for a deletion). Without `path` the
//!   files of §3.5 go to `filtered_files` ([`crate::api::filter`]); `stats` count every
//!   file. `path` (repeatable) is an exact file or a directory prefix.
//! * The document is written to the socket as files are produced: `sha`, `base_sha`,
//!   the `files` array file by file, then `filtered_files` and `stats` (the order of
//!   members differs from the documentation's sample; JSON readers do not care), through
//!   [`super::stream`]: at most 16 chunks of about 64 KiB are in flight; a client that
//!   goes away stops the diff, and a failure after the first chunk cuts the connection.
//!   Paths and patches that are not UTF-8 are shown with U+FFFD.

use super::error::{Failure, Service};
use super::jwt::{self, Verifier};
use super::repos::{self, Layout};
use super::routes::{Param, ParamIn, Route};
use super::stream::{self, Starter};
use super::AppState;
use crate::api::filter::{FileLimits, Filter, Filtered};
use crate::api::{self, Begin, Control, Detail, DiffOptions, DiffRequest, Differ, FileDiff};
use crate::api::{Detect, Endpoints, Outcome, Side, Sink, Stats, Style};
use crate::diff::{Change, ChangeKind};
use crate::oid::ObjectId;
use crate::repo::Repository;
use crate::ObjectKind;
use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Json;
use serde::Serialize;
use serde_json::json;
use std::io::Write;

/// The scope this endpoint needs (`git:write` includes it).
pub const SCOPE: &str = "git:read";

const PARAMS: &[Param] = &[
    Param {
        name: "sha",
        location: ParamIn::Query,
        required: true,
        description: "The commit to diff: its full id (40 hex digits, 64 in SHA-256 repositories).",
    },
    Param::query(
        "baseSha",
        "The base commit (full id), compared directly (no merge base); default: the first parent (the empty tree for a root commit).",
    ),
    Param::query(
        "path",
        "Only this file or directory (exact path or directory prefix); repeatable; files named are never filtered.",
    ),
    Param {
        name: "Authorization",
        location: ParamIn::Header,
        required: true,
        description: "`Bearer <JWT>` (ES256 or RS256) with the `repo` claim and the `git:read` scope.",
    },
];

/// The routes of this service.
pub fn routes() -> Vec<Route> {
    vec![
        Route::new(
            "GET",
            "/api/v1/repos/diff",
            Service::CodeStorage,
            "Code Storage Get Commit Diff: every file's git patch of a commit (against its first parent or baseSha), stats, and the files filtered out; the repository is the JWT's repo claim.",
            PARAMS,
            get(claim_handler),
        ),
        Route::new(
            "GET",
            "/api/repos/{repo}/diff",
            Service::CodeStorage,
            "Code Storage Get Commit Diff with the repository in the path (URL-encoded; must equal the JWT's repo claim).",
            PARAMS,
            get(path_handler),
        ),
    ]
}

/// A Code Storage error body `{"error": message}` with `status`.
fn error(status: StatusCode, message: &str) -> Response {
    (status, Json(json!({"error": message}))).into_response()
}

fn unauthorized(why: &'static str) -> Response {
    Service::CodeStorage.render(&Failure::Unauthorized(why))
}

/// Who may read what: the issuer and the repository of a token that passed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Grant {
    /// The token's `iss`.
    pub iss: String,
    /// The repository to serve (the `repo` claim).
    pub repo: String,
}

/// Checks the request's bearer token at Unix time `now`: signature (unless `verifier`
/// has no issuer), times, `repo` claim (equal to `path_repo` when the route names one)
/// and scope.
pub fn authorize(
    verifier: &Verifier,
    headers: &HeaderMap,
    path_repo: Option<&str>,
    now: i64,
) -> Result<Grant, &'static str> {
    let token = super::auth::bearer(headers).map_err(|e| e.reason())?;
    let claims = if verifier.is_empty() {
        Verifier::unverified(token, now)
    } else {
        verifier.verify(token, now)
    }
    .map_err(|e| e.reason())?;
    let repo = claims.authorize(path_repo, SCOPE).map_err(|e| e.reason())?;
    let iss = claims.iss.as_deref().ok_or("unknown issuer")?;
    Ok(Grant {
        iss: iss.to_string(),
        repo: repo.to_string(),
    })
}

/// The repository a grant names: `ROOT/<iss>/<repo>` (last segment also with `.git`),
/// or the served repository if its name is `repo`. `None` for unsafe names (nothing is
/// opened then) and missing repositories.
pub fn open(layout: &Layout, grant: &Grant) -> Option<Repository> {
    match layout {
        Layout::Single { git_dir, name } => {
            (grant.repo == *name).then(|| Repository::open(git_dir).ok())?
        }
        Layout::Root(root) => {
            let segs = repos::safe_segments(&grant.repo)?;
            if !repos::safe_segment(&grant.iss) {
                return None;
            }
            let (last, dirs) = segs.split_last()?;
            for candidate in [format!("{last}.git"), last.to_string()] {
                let mut all: Vec<&str> = Vec::with_capacity(segs.len() + 1);
                all.push(&grant.iss);
                all.extend(dirs);
                all.push(&candidate);
                if let Some(dir) = repos::contained(root, &all) {
                    if let Some(r) = repos::open_in(root, &dir) {
                        return Some(r);
                    }
                }
            }
            None
        }
    }
}

/// Why a query was refused (400), or a commit not found (404).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum QueryError {
    /// No `sha`.
    #[error("sha is required")]
    MissingSha,
    /// `sha` is not a full id of the repository's format.
    #[error("invalid sha")]
    InvalidSha,
    /// `baseSha` is not a full id of the repository's format.
    #[error("invalid baseSha")]
    InvalidBaseSha,
    /// A `path` leaves the repository (`..`) or is not a path.
    #[error("invalid path")]
    InvalidPath,
}

/// The parsed query: ids still as hex (the repository decides their format).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DiffQuery {
    /// `sha`.
    pub sha: String,
    /// `baseSha`, if given (an empty value counts as absent).
    pub base: Option<String>,
    /// `path` items, root-relative (no leading `/`, no `.`/empty segments); a trailing
    /// `/` is kept (directory only).
    pub paths: Vec<String>,
}

fn is_full_hex(s: &str) -> bool {
    matches!(s.len(), 40 | 64) && s.bytes().all(|c| c.is_ascii_hexdigit())
}

impl DiffQuery {
    /// Reads `sha`, `baseSha` and `path` (the last `sha`/`baseSha` wins).
    pub fn parse(q: &[(String, String)]) -> Result<DiffQuery, QueryError> {
        let last = |k: &str| {
            q.iter()
                .rev()
                .find(|(n, _)| n == k)
                .map(|(_, v)| v.trim().to_string())
        };
        let sha = last("sha")
            .filter(|s| !s.is_empty())
            .ok_or(QueryError::MissingSha)?;
        if !is_full_hex(&sha) {
            return Err(QueryError::InvalidSha);
        }
        let base = last("baseSha").filter(|s| !s.is_empty());
        if base.as_deref().is_some_and(|b| !is_full_hex(b)) {
            return Err(QueryError::InvalidBaseSha);
        }
        let mut paths = Vec::new();
        for (_, v) in q.iter().filter(|(n, _)| n == "path") {
            if v.is_empty() {
                continue;
            }
            if v.contains('\0') {
                return Err(QueryError::InvalidPath);
            }
            let mut parts = Vec::new();
            for seg in v.split('/') {
                match seg {
                    "" | "." => {}
                    ".." => return Err(QueryError::InvalidPath),
                    s => parts.push(s),
                }
            }
            if parts.is_empty() {
                continue;
            }
            let mut p = parts.join("/");
            if v.ends_with('/') {
                p.push('/');
            }
            paths.push(p);
        }
        Ok(DiffQuery {
            sha: sha.to_ascii_lowercase(),
            base: base.map(|b| b.to_ascii_lowercase()),
            paths,
        })
    }
}

/// What a full hex id names in a repository.
enum Lookup {
    /// A commit.
    Commit(ObjectId),
    /// Nothing, or an object that is not a commit (404).
    NotFound,
    /// An id of the other hash format (400).
    WrongFormat,
    /// The repository is damaged (500, logged).
    Broken,
}

fn commit_id(repo: &Repository, hex: &str) -> Lookup {
    let Ok(id) = ObjectId::from_hex(hex.as_bytes()) else {
        return Lookup::WrongFormat;
    };
    if id.kind() != repo.hash_kind() {
        return Lookup::WrongFormat;
    }
    match repo.odb().read_header(&id) {
        Ok((ObjectKind::Commit, _)) => Lookup::Commit(id),
        Ok(_) | Err(crate::OdbError::NotFound(_)) => Lookup::NotFound,
        Err(e) => {
            eprintln!("oxgit serve: code storage: {e}");
            Lookup::Broken
        }
    }
}

/// The diff request of a query: git's defaults with renames on (no copies), whatever
/// the repository's config says, so that every repository answers alike.
pub fn request(base: Option<ObjectId>, sha: ObjectId, paths: &[String]) -> DiffRequest {
    let endpoints = match base {
        Some(b) => Endpoints::pair(Side::Id(b), Side::Id(sha)),
        None => Endpoints::commit(Side::Id(sha)),
    };
    let options = DiffOptions::default()
        .with_detect(Detect::Renames)
        .with_paths(paths.iter().map(String::as_bytes));
    DiffRequest::with_options(endpoints, options)
}

/// git's raw status: the letter, with the three-digit similarity for renames and copies.
pub fn state(c: &Change) -> String {
    match c.kind {
        ChangeKind::Renamed | ChangeKind::Copied => format!(
            "{}{:03}",
            c.status_letter() as char,
            c.percent().unwrap_or(0)
        ),
        _ => (c.status_letter() as char).to_string(),
    }
}

fn old_path(c: &Change) -> String {
    match c.kind {
        ChangeKind::Renamed | ChangeKind::Copied => api::display_path(&c.old_path).into_owned(),
        _ => String::new(),
    }
}

/// One entry of `files`.
#[derive(Serialize)]
struct FileEntry<'a> {
    path: &'a str,
    state: String,
    old_path: String,
    bytes: u64,
    is_eof: bool,
    raw: &'a str,
    additions: u64,
    deletions: u64,
}

/// One entry of `filtered_files`.
#[derive(Serialize)]
struct FilteredEntry<'a> {
    path: &'a str,
    state: String,
    old_path: String,
    bytes: u64,
    is_eof: bool,
}

impl<'a> FilteredEntry<'a> {
    fn of(f: &Filtered, path: &'a str) -> FilteredEntry<'a> {
        let deleted = f.change.kind == ChangeKind::Deleted;
        FilteredEntry {
            path,
            state: state(&f.change),
            old_path: old_path(&f.change),
            bytes: if deleted { f.old_size } else { f.new_size },
            is_eof: f.ends_with_newline,
        }
    }
}

/// Writes the commit-diff document to `out` as the diff runs: the head in `begin`, each
/// file in `file`; [`DocumentSink::write_tail`] closes it with the filtered files and
/// the stats.
pub struct DocumentSink<W: Write> {
    out: W,
    sha: ObjectId,
    style: Style,
    first: bool,
    raw: Vec<u8>,
}

impl<W: Write> DocumentSink<W> {
    /// A sink for commit `sha` writing to `out`.
    pub fn new(out: W, sha: ObjectId) -> DocumentSink<W> {
        DocumentSink {
            out,
            sha,
            style: Style::of(&DiffOptions::default()),
            first: true,
            raw: Vec::new(),
        }
    }

    fn json(&mut self, v: &impl Serialize) -> Result<(), api::Error> {
        serde_json::to_writer(&mut self.out, v).map_err(|e| api::Error::Io(e.into()))
    }

    /// Closes the document: `filtered_files`, `stats`; flushes.
    pub fn write_tail(&mut self, filtered: &[Filtered], stats: Stats) -> Result<(), api::Error> {
        self.out.write_all(b"],\"filtered_files\":[")?;
        for (i, f) in filtered.iter().enumerate() {
            if i > 0 {
                self.out.write_all(b",")?;
            }
            let path = api::display_path(f.change.path());
            self.json(&FilteredEntry::of(f, &path))?;
        }
        self.out.write_all(b"],\"stats\":")?;
        self.json(&json!({
            "files": stats.files,
            "additions": stats.additions,
            "deletions": stats.deletions,
            "changes": stats.changes(),
        }))?;
        self.out.write_all(b"}")?;
        self.out.flush()?;
        Ok(())
    }

    /// The writer, back.
    pub fn into_inner(self) -> W {
        self.out
    }
}

impl<W: Write> Sink for DocumentSink<W> {
    type Error = api::Error;

    fn detail(&self) -> Detail {
        Detail::Hunks
    }

    fn begin(&mut self, b: &Begin<'_>) -> Result<Control, api::Error> {
        let base = match b.old {
            Some(id) => id.to_hex(),
            None => self.sha.kind().empty_tree().to_hex(),
        };
        self.out.write_all(b"{\"sha\":")?;
        let sha = self.sha.to_hex();
        self.json(&sha)?;
        self.out.write_all(b",\"base_sha\":")?;
        self.json(&base)?;
        self.out.write_all(b",\"files\":[")?;
        Ok(Control::Continue)
    }

    fn file(&mut self, f: &FileDiff) -> Result<Control, api::Error> {
        let mut raw = std::mem::take(&mut self.raw);
        raw.clear();
        api::format::write_patch(&mut raw, f, &self.style);
        let deleted = f.change.kind == ChangeKind::Deleted;
        let path = api::display_path(f.path());
        let text = String::from_utf8_lossy(&raw);
        let entry = FileEntry {
            path: &path,
            state: state(&f.change),
            old_path: old_path(&f.change),
            bytes: if deleted { f.old_size } else { f.new_size },
            is_eof: if deleted {
                f.old_ends_with_newline
            } else {
                f.new_ends_with_newline
            },
            raw: &text,
            additions: f.additions,
            deletions: f.deletions,
        };
        if !self.first {
            self.out.write_all(b",")?;
        }
        self.first = false;
        let r = self.json(&entry);
        drop(text);
        if raw.capacity() <= 1 << 20 {
            self.raw = raw;
        }
        r?;
        Ok(Control::Continue)
    }

    fn finish(&mut self, _outcome: &Outcome) -> Result<(), api::Error> {
        Ok(())
    }
}

/// Runs a prepared diff of commit `sha` into `out`: the whole document, filtering the
/// files of §3.5 unless `filter` is false (a `path` was given).
pub fn run_document<W: Write>(
    differ: &Differ<'_>,
    sha: ObjectId,
    filter: bool,
    out: W,
) -> Result<W, api::Error> {
    let doc = DocumentSink::new(out, sha);
    if filter {
        let mut f = Filter::new(doc, FileLimits::default());
        let outcome = differ.run(&mut f)?;
        f.inner.write_tail(&f.filtered, outcome.stats)?;
        Ok(f.inner.into_inner())
    } else {
        let mut doc = doc;
        let outcome = differ.run(&mut doc)?;
        doc.write_tail(&[], outcome.stats)?;
        Ok(doc.into_inner())
    }
}

async fn claim_handler(
    State(st): State<AppState>,
    headers: HeaderMap,
    query: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Response {
    serve(st, headers, None, query).await
}

async fn path_handler(
    State(st): State<AppState>,
    headers: HeaderMap,
    path: Result<Path<String>, PathRejection>,
    query: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Response {
    let Ok(Path(repo)) = path else {
        return Service::CodeStorage.render(&Failure::RepoNotFound(String::new()));
    };
    serve(st, headers, Some(repo), query).await
}

async fn serve(
    st: AppState,
    headers: HeaderMap,
    path_repo: Option<String>,
    query: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Response {
    let grant = match authorize(st.jwt(), &headers, path_repo.as_deref(), jwt::now()) {
        Ok(g) => g,
        Err(why) => return unauthorized(why),
    };
    let Ok(Query(query)) = query else {
        return error(StatusCode::BAD_REQUEST, "invalid query");
    };
    let q = match DiffQuery::parse(&query) {
        Ok(q) => q,
        Err(e) => return error(StatusCode::BAD_REQUEST, &e.to_string()),
    };
    let layout = st.layout().clone();
    let stall = std::time::Duration::from_secs(st.config().server.request_timeout_secs);
    let work = move |starter: Starter| {
        let Some(repo) = open(&layout, &grant) else {
            return starter.fail(Service::CodeStorage.render(&Failure::RepoNotFound(grant.repo)));
        };
        let internal = || Service::CodeStorage.render(&Failure::Internal(String::new()));
        let not_found = || error(StatusCode::NOT_FOUND, "commit not found");
        let sha = match commit_id(&repo, &q.sha) {
            Lookup::Commit(id) => id,
            Lookup::NotFound => return starter.fail(not_found()),
            Lookup::WrongFormat => {
                return starter.fail(error(StatusCode::BAD_REQUEST, "invalid sha"))
            }
            Lookup::Broken => return starter.fail(internal()),
        };
        let base = match q.base.as_deref().map(|b| commit_id(&repo, b)) {
            None => None,
            Some(Lookup::Commit(id)) => Some(id),
            Some(Lookup::NotFound) => return starter.fail(not_found()),
            Some(Lookup::WrongFormat) => {
                return starter.fail(error(StatusCode::BAD_REQUEST, "invalid baseSha"))
            }
            Some(Lookup::Broken) => return starter.fail(internal()),
        };
        let req = request(base, sha, &q.paths);
        let differ = match Differ::new(&repo, &req) {
            Ok(d) => d,
            Err(e) => {
                let r = match e.kind() {
                    api::ErrorKind::NotFound => not_found(),
                    _ => {
                        eprintln!("oxgit serve: code storage: {e}");
                        internal()
                    }
                };
                return starter.fail(r);
            }
        };
        let out = starter.start();
        let abort = out.abort_handle();
        match run_document(&differ, sha, q.paths.is_empty(), out) {
            Ok(mut w) => {
                let _ = w.flush();
            }
            Err(e) => {
                if !matches!(&e, api::Error::Io(io) if io.kind() == std::io::ErrorKind::BrokenPipe)
                {
                    eprintln!("oxgit serve: code storage: {e}");
                }
                // A cut connection, never a complete-looking document.
                abort.abort();
            }
        }
    };
    stream::streamed(
        st.pool(),
        Service::CodeStorage,
        "application/json",
        stall,
        work,
    )
    .await
}

/// The startup example of this endpoint for the single-repository layout: with no
/// issuer configured a `curl` with an unsigned token (valid for 30 days) for repository
/// `name` and commit `head`; otherwise a note that a signed token is needed.
pub fn example(base: &str, name: &str, head: &str, no_issuers: bool) -> String {
    let url = format!("{base}/api/v1/repos/diff?sha={head}");
    if !no_issuers {
        return format!(
            "# Code Storage commit diff: curl -s -H 'Authorization: Bearer <JWT of a configured issuer, repo {name:?}, scope git:read>' '{url}'"
        );
    }
    use base64::Engine as _;
    let b64 = |v: &[u8]| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v);
    let now = jwt::now();
    let claims = json!({"iss": "local", "sub": "oxgit-example", "repo": name,
        "scopes": [SCOPE], "iat": now, "exp": now + 30 * 86_400});
    let token = format!(
        "{}.{}.{}",
        b64(br#"{"alg":"ES256","typ":"JWT"}"#),
        b64(claims.to_string().as_bytes()),
        b64(b"unsigned")
    );
    format!("curl -s -H 'Authorization: Bearer {token}' '{url}'")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(pairs: &[(&str, &str)]) -> Result<DiffQuery, QueryError> {
        let v: Vec<(String, String)> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        DiffQuery::parse(&v)
    }

    #[test]
    fn queries() {
        let sha = "15328969158D082B85585CB3C8D32D9E0DBDA315";
        assert_eq!(q(&[]), Err(QueryError::MissingSha));
        assert_eq!(q(&[("sha", "")]), Err(QueryError::MissingSha));
        for bad in ["HEAD", "1532896", &"a".repeat(41), &"g".repeat(40)] {
            assert_eq!(q(&[("sha", bad)]), Err(QueryError::InvalidSha), "{bad}");
        }
        assert_eq!(
            q(&[("sha", sha), ("baseSha", "main")]),
            Err(QueryError::InvalidBaseSha)
        );
        let ok = q(&[
            ("sha", sha),
            ("baseSha", ""),
            ("path", "/src/"),
            ("path", "./a//b"),
            ("path", ""),
        ])
        .unwrap();
        assert_eq!(ok.sha, sha.to_ascii_lowercase());
        assert_eq!(ok.base, None);
        assert_eq!(ok.paths, ["src/", "a/b"]);
        assert_eq!(
            q(&[("sha", sha), ("path", "a/../../b")]),
            Err(QueryError::InvalidPath)
        );
        assert!(q(&[("sha", &"ab".repeat(32))]).is_ok(), "SHA-256 length");
    }
}
