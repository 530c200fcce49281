//! Azure DevOps "Commits – Get Changes" (§2 of the spec) and the resource-location
//! discovery the official clients perform before calling it:
//!
//! * `OPTIONS {org}/_apis` (Python, .NET) and `OPTIONS {org}/_apis/{area}` (Node):
//!   the `ApiResourceLocation` list, from which clients take the route template and
//!   negotiate the version;
//! * `GET {org}/_apis/ResourceAreas[/{areaId}]`: where each area lives (`locationUrl`);
//! * `GET {org}/_apis/connectionData`: who is connected.
//!
//! Repositories are `ROOT/<organization>/<project>/<repo>[.git]` (names matched ignoring
//! ASCII case, as Azure does); their GUIDs are UUIDv5 of `organization/project/repo`
//! unless the repository's git config sets `oxgit.azure.repositoryId` /
//! `oxgit.azure.projectId`.

pub mod changes;
mod version;

use super::error::{Failure, Service};
use super::repos::{self, Layout};
use super::routes::{Param, Route};
use super::{client_base_url, AppState};
use crate::repo::Repository;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, options};
use axum::Json;
use changes::{AzureChange, ChangesError, GitObjectType};
use serde_json::{json, Map, Value};
use std::collections::HashMap;
use std::path::PathBuf;

/// The organization name repositories are served under without `--root`.
pub const SINGLE_ORGANIZATION: &str = "local";

/// The location id of the commit changes resource.
const CHANGES_LOCATION: &str = "5bf884f5-3e07-42e9-afb8-1b872267bf16";
/// The resource area id of `git`.
const GIT_AREA: &str = "4e080c62-fa21-4fbc-8fef-2a10a2b38049";

/// One `ApiResourceLocation` this server answers.
struct Location {
    id: &'static str,
    area: &'static str,
    resource: &'static str,
    route: &'static str,
    min: &'static str,
    max: &'static str,
    released: &'static str,
}

const LOCATIONS: &[Location] = &[
    Location {
        id: CHANGES_LOCATION,
        area: "git",
        resource: "changes",
        route: "{project}/_apis/{area}/repositories/{repositoryId}/commits/{commitId}/{resource}",
        min: version::MIN,
        max: version::MAX,
        released: version::RELEASED,
    },
    Location {
        id: "e81700f7-3be2-46de-8624-2eb35882fcaa",
        area: "Location",
        resource: "ResourceAreas",
        route: "_apis/{resource}/{areaId}",
        min: "3.2",
        max: version::MAX,
        released: "0.0",
    },
    Location {
        id: "00d9565f-ed9c-4a06-9a50-00e7896ccab4",
        area: "Location",
        resource: "ConnectionData",
        route: "_apis/{resource}",
        min: "1.0",
        max: version::MAX,
        released: "0.0",
    },
];

/// Checks a request's `api-version` (query parameter or `Accept` header) against the
/// versions served; `required` refuses a missing one.
pub fn check_api_version(
    query: &[(String, String)],
    headers: &HeaderMap,
    required: bool,
) -> Result<(), AzureError> {
    version::check(query, headers, required)
}

/// The Azure DevOps exception envelope.
pub fn envelope(type_key: &str, message: &str) -> Json<Value> {
    let type_name = match type_key {
        k if k.starts_with("Git") => format!(
            "Microsoft.TeamFoundation.Git.Server.{k}, Microsoft.TeamFoundation.Git.Server"
        ),
        k if k.starts_with("Vss") => format!(
            "Microsoft.VisualStudio.Services.WebApi.{k}, Microsoft.VisualStudio.Services.WebApi"
        ),
        "ProjectDoesNotExistWithNameException" => "Microsoft.TeamFoundation.Core.WebApi.ProjectDoesNotExistWithNameException, Microsoft.TeamFoundation.Core.WebApi".to_string(),
        "ArgumentException" => "System.ArgumentException, mscorlib".to_string(),
        k => format!(
            "Microsoft.TeamFoundation.Framework.Server.{k}, Microsoft.TeamFoundation.Framework.Server"
        ),
    };
    Json(json!({
        "$id": "1",
        "innerException": null,
        "message": message,
        "typeName": type_name,
        "typeKey": type_key,
        "errorCode": 0,
        "eventId": 3000,
    }))
}

/// An Azure DevOps error: the status, the exception's short type name and its message,
/// rendered as the exception envelope.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AzureError {
    /// The HTTP status.
    pub status: StatusCode,
    /// The `typeKey` (`GitCommitDoesNotExistException`, ...).
    pub type_key: &'static str,
    /// The `message`.
    pub message: String,
}

impl AzureError {
    /// An error with `status`, `type_key` and `message`.
    pub fn new(status: StatusCode, type_key: &'static str, message: impl Into<String>) -> Self {
        AzureError {
            status,
            type_key,
            message: message.into(),
        }
    }

    fn repository_not_found(id: &str) -> Self {
        AzureError::new(
            StatusCode::NOT_FOUND,
            "GitRepositoryNotFoundException",
            format!("TF401019: The Git repository with name or identifier {id} does not exist or you do not have permissions for the operation you are attempting."),
        )
    }
}

impl IntoResponse for AzureError {
    fn into_response(self) -> Response {
        (self.status, envelope(self.type_key, &self.message)).into_response()
    }
}

fn error(status: StatusCode, type_key: &'static str, message: &str) -> AzureError {
    AzureError::new(status, type_key, message)
}

/// The routes of this service.
pub fn routes() -> Vec<Route> {
    const CHANGES_PARAMS: &[Param] = &[
        Param::query(
            "top",
            "Number of changes to return (default 1000, at least 1).",
        ),
        Param::query("skip", "Number of changes to skip (default 0)."),
        Param::query(
            "api-version",
            "4.1 to 7.2, optionally -preview[.N]; or in the Accept header.",
        ),
    ];
    let summary = "Azure DevOps Commits - Get Changes: the changes of one commit against its first parent, folders and renames included.";
    vec![
        Route::new(
            "GET",
            "/{organization}/{project}/_apis/git/repositories/{repositoryId}/commits/{commitId}/changes",
            Service::Azure,
            summary,
            CHANGES_PARAMS,
            get(changes_handler),
        ),
        Route::new(
            "GET",
            "/{organization}/_apis/git/repositories/{repositoryId}/commits/{commitId}/changes",
            Service::Azure,
            summary,
            CHANGES_PARAMS,
            get(changes_handler),
        ),
        Route::new(
            "OPTIONS",
            "/{organization}/_apis",
            Service::Azure,
            "Azure DevOps resource locations (every area), as official clients request before calling.",
            &[],
            options(locations_handler),
        ),
        Route::new(
            "OPTIONS",
            "/{organization}/_apis/{area}",
            Service::Azure,
            "Azure DevOps resource locations of one area (the Node client asks per area).",
            &[],
            options(locations_handler),
        ),
        Route::new(
            "GET",
            "/{organization}/_apis/ResourceAreas",
            Service::Azure,
            "Azure DevOps resource areas: where the git area lives.",
            &[],
            get(resource_areas_handler).options(locations_handler),
        ),
        Route::new(
            "GET",
            "/{organization}/_apis/ResourceAreas/{areaId}",
            Service::Azure,
            "Azure DevOps resource area by id.",
            &[],
            get(resource_areas_handler),
        ),
        Route::new(
            "GET",
            "/{organization}/_apis/connectionData",
            Service::Azure,
            "Azure DevOps connection data (the .NET client's first call).",
            &[],
            get(connection_data_handler).options(locations_handler),
        ),
    ]
}

/// `OPTIONS {org}/_apis[/{area}]`.
async fn locations_handler(Path(p): Path<HashMap<String, String>>) -> Response {
    let area = p.get("area").map(String::as_str);
    let value: Vec<Value> = LOCATIONS
        .iter()
        .filter(|l| area.is_none_or(|a| a.eq_ignore_ascii_case(l.area)))
        .map(|l| {
            json!({
                "id": l.id,
                "area": l.area,
                "resourceName": l.resource,
                "routeTemplate": l.route,
                "resourceVersion": 1,
                "minVersion": l.min,
                "maxVersion": l.max,
                "releasedVersion": l.released,
            })
        })
        .collect();
    Json(json!({"count": value.len(), "value": value})).into_response()
}

fn org_url(headers: &HeaderMap, p: &HashMap<String, String>) -> String {
    let org = p.get("organization").map(String::as_str).unwrap_or("");
    format!("{}/{}/", client_base_url(headers), org)
}

/// `GET {org}/_apis/ResourceAreas[/{areaId}]`: the git area lives here.
async fn resource_areas_handler(
    headers: HeaderMap,
    Path(p): Path<HashMap<String, String>>,
) -> Response {
    let area = json!({"id": GIT_AREA, "name": "git", "locationUrl": org_url(&headers, &p)});
    match p.get("areaId") {
        Some(id) if id.eq_ignore_ascii_case(GIT_AREA) => Json(area).into_response(),
        Some(id) => error(
            StatusCode::NOT_FOUND,
            "ResourceAreaNotFoundException",
            &format!("The resource area {id} was not found."),
        )
        .into_response(),
        None => Json(json!({"count": 1, "value": [area]})).into_response(),
    }
}

/// `GET {org}/_apis/connectionData`.
async fn connection_data_handler(
    State(st): State<AppState>,
    headers: HeaderMap,
    Path(p): Path<HashMap<String, String>>,
) -> Response {
    if let Err(e) = super::auth::check_pat(&headers, &st.config().azure.tokens) {
        return Service::Azure.render(&Failure::Unauthorized(e.reason()));
    }
    let org = p.get("organization").cloned().unwrap_or_default();
    let user = json!({
        "id": uuid5(&format!("user/{org}")),
        "descriptor": "oxgit.user",
        "subjectDescriptor": "oxgit.user",
        "providerDisplayName": "oxgit",
        "isActive": true,
        "properties": {},
        "resourceVersion": 2,
        "metaTypeId": 0,
    });
    Json(json!({
        "authenticatedUser": user,
        "authorizedUser": user,
        "instanceId": uuid5(&format!("instance/{}", org.to_ascii_lowercase())),
        "deploymentId": uuid5("deployment"),
        "deploymentType": "hosted",
        "locationServiceData": {
            "serviceOwner": "00025394-6065-48ca-87d9-7f5672854ef7",
            "defaultAccessMappingMoniker": "PublicAccessMapping",
            "lastChangeId": 1,
            "lastChangeId64": 1,
        },
        "webApplicationRelativeDirectory": format!("/{org}/"),
    }))
    .into_response()
}

/// A repository found for a request, with the names and ids Azure reports.
struct Found {
    repo: Repository,
    organization: String,
    name: String,
    project_id: String,
    repository_id: String,
}

/// Deterministic UUIDv5 (URL namespace) of `name`, lowercased.
pub fn uuid5(name: &str) -> String {
    const NS_URL: [u8; 16] = [
        0x6b, 0xa7, 0xb8, 0x11, 0x9d, 0xad, 0x11, 0xd1, 0x80, 0xb4, 0x00, 0xc0, 0x4f, 0xd4, 0x30,
        0xc8,
    ];
    let mut h = crate::oid::Hasher::new(crate::HashKind::Sha1);
    h.update(&NS_URL);
    h.update(name.to_ascii_lowercase().as_bytes());
    let id = match h.finish() {
        Ok(id) => id,
        Err(_) => crate::HashKind::Sha1.null_id(),
    };
    let mut b = [0u8; 16];
    b.copy_from_slice(&id.as_bytes()[..16]);
    b[6] = (b[6] & 0x0f) | 0x50;
    b[8] = (b[8] & 0x3f) | 0x80;
    let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..]
    )
}

fn is_guid(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 36
        && b.iter().enumerate().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => *c == b'-',
            _ => c.is_ascii_hexdigit(),
        })
}

fn ids_of(repo: &Repository, org: &str, project: &str, name: &str) -> (String, String) {
    let cfg = repo.config();
    let project_id = cfg
        .get("oxgit.azure.projectid")
        .map(str::to_ascii_lowercase)
        .unwrap_or_else(|| uuid5(&format!("{org}/{project}")));
    let repository_id = cfg
        .get("oxgit.azure.repositoryid")
        .map(str::to_ascii_lowercase)
        .unwrap_or_else(|| uuid5(&format!("{org}/{project}/{name}")));
    (project_id, repository_id)
}

/// Why a lookup failed: each is a distinct Azure error.
enum LookupError {
    Project(String),
    Repository(String),
}

fn folder_name(p: &std::path::Path) -> String {
    p.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Finds the repository of a request: `project` is a name or GUID (or absent, then
/// `repository` must be a GUID), `repository` a name (with a project) or GUID.
fn lookup(
    layout: &Layout,
    organization: &str,
    project: Option<&str>,
    repository: &str,
) -> Result<Found, LookupError> {
    let repo_missing = || LookupError::Repository(repository.to_string());
    let project_missing = |p: &str| LookupError::Project(p.to_string());
    match layout {
        Layout::Single { git_dir, name } => {
            if !organization.eq_ignore_ascii_case(SINGLE_ORGANIZATION) {
                return Err(repo_missing());
            }
            let repo = Repository::open(git_dir).map_err(|_| repo_missing())?;
            let (project_id, repository_id) = ids_of(&repo, SINGLE_ORGANIZATION, name, name);
            if let Some(p) = project {
                if !(p.eq_ignore_ascii_case(name) || p.eq_ignore_ascii_case(&project_id)) {
                    return Err(project_missing(p));
                }
            }
            let by_name = project.is_some() && repository.eq_ignore_ascii_case(name);
            if !(by_name || repository.eq_ignore_ascii_case(&repository_id)) {
                return Err(repo_missing());
            }
            Ok(Found {
                repo,
                organization: SINGLE_ORGANIZATION.to_string(),
                name: name.clone(),
                project_id,
                repository_id,
            })
        }
        Layout::Root(root) => {
            let org_dir = repos::child_ignore_case(root, root, organization)
                .filter(|p| p.is_dir())
                .ok_or_else(repo_missing)?;
            let org = folder_name(&org_dir);
            // Candidate project folders: by name, else every project (GUID lookups).
            let projects: Vec<PathBuf> = match project {
                Some(p) if !is_guid(p) => vec![repos::child_ignore_case(root, &org_dir, p)
                    .filter(|d| d.is_dir())
                    .ok_or_else(|| project_missing(p))?],
                _ => repos::list_repos(root, &org_dir),
            };
            let mut project_seen = project.is_none_or(|p| !is_guid(p));
            for pdir in &projects {
                let pname = folder_name(pdir);
                let in_project = |dir: &PathBuf, repo: Repository| -> Option<Found> {
                    let name = repos::repo_name(dir);
                    let (project_id, repository_id) = ids_of(&repo, &org, &pname, &name);
                    Some(Found {
                        repo,
                        organization: org.clone(),
                        name,
                        project_id,
                        repository_id,
                    })
                };
                let matches_project = |f: &Found| {
                    project.is_none_or(|p| !is_guid(p) || p.eq_ignore_ascii_case(&f.project_id))
                };
                if project.is_some() && !is_guid(repository) {
                    if let Some((dir, repo)) = repos::find_repo(root, pdir, repository) {
                        if let Some(f) = in_project(&dir, repo).filter(matches_project) {
                            return Ok(f);
                        }
                    }
                    continue;
                }
                for dir in repos::list_repos(root, pdir) {
                    let Some(repo) = repos::open_in(root, &dir) else {
                        continue;
                    };
                    let Some(f) = in_project(&dir, repo) else {
                        continue;
                    };
                    if matches_project(&f) {
                        project_seen = true;
                        if f.repository_id.eq_ignore_ascii_case(repository) {
                            return Ok(f);
                        }
                    }
                }
            }
            match project {
                Some(p) if !project_seen => Err(project_missing(p)),
                _ => Err(repo_missing()),
            }
        }
    }
}

/// `.NET Uri.EscapeDataString`: everything but RFC 3986 unreserved characters.
pub fn escape_data_string(s: &[u8]) -> String {
    let mut out = String::with_capacity(s.len());
    for &c in s {
        if c.is_ascii_alphanumeric() || matches!(c, b'-' | b'.' | b'_' | b'~') {
            out.push(c as char);
        } else {
            out.push_str(&format!("%{c:02X}"));
        }
    }
    out
}

fn change_json(c: &AzureChange, commit: &str, items_base: &str) -> Value {
    let mut item = Map::new();
    let hex = |id: &Option<crate::ObjectId>| id.map(|i| i.to_hex()).unwrap_or_default();
    item.insert("objectId".into(), hex(&c.new_id).into());
    if c.old_id.is_some() {
        item.insert("originalObjectId".into(), hex(&c.old_id).into());
    }
    item.insert("gitObjectType".into(), c.object_type.name().into());
    item.insert("commitId".into(), commit.into());
    let path = String::from_utf8_lossy(&c.path);
    item.insert("path".into(), format!("/{path}").into());
    if c.object_type == GitObjectType::Tree {
        item.insert("isFolder".into(), true.into());
    }
    item.insert(
        "url".into(),
        format!(
            "{items_base}/{}?versionType=Commit&version={commit}",
            escape_data_string(&c.path)
        )
        .into(),
    );
    let mut change = Map::new();
    change.insert("item".into(), Value::Object(item));
    change.insert("changeType".into(), c.change.camel().into());
    if let Some(src) = &c.source {
        change.insert(
            "sourceServerItem".into(),
            format!("/{}", String::from_utf8_lossy(src)).into(),
        );
    }
    Value::Object(change)
}

/// The `changeCounts` object: one PascalCase key per change type, in order of first
/// occurrence, over the whole list.
fn change_counts(list: &[AzureChange]) -> Map<String, Value> {
    let mut order: Vec<(String, u64)> = Vec::new();
    for c in list {
        let key = c.change.pascal();
        match order.iter_mut().find(|(k, _)| *k == key) {
            Some((_, n)) => *n += 1,
            None => order.push((key, 1)),
        }
    }
    order
        .into_iter()
        .map(|(k, n)| (k, Value::from(n)))
        .collect()
}

fn parse_count(q: &[(String, String)], name: &str) -> Result<Option<i64>, AzureError> {
    match q.iter().rev().find(|(k, _)| k.eq_ignore_ascii_case(name)) {
        None => Ok(None),
        Some((_, v)) => v.trim().parse::<i64>().map(Some).map_err(|_| {
            error(
                StatusCode::BAD_REQUEST,
                "ArgumentException",
                &format!("The value '{v}' is not valid for {name}."),
            )
        }),
    }
}

/// `GET …/_apis/git/repositories/{repositoryId}/commits/{commitId}/changes`.
async fn changes_handler(
    State(st): State<AppState>,
    headers: HeaderMap,
    path: Result<Path<HashMap<String, String>>, axum::extract::rejection::PathRejection>,
    query: Result<Query<Vec<(String, String)>>, axum::extract::rejection::QueryRejection>,
) -> Response {
    if let Err(e) = super::auth::check_pat(&headers, &st.config().azure.tokens) {
        return Service::Azure.render(&Failure::Unauthorized(e.reason()));
    }
    let Ok(Path(p)) = path else {
        return Service::Azure.render(&Failure::RepoNotFound(String::new()));
    };
    let q = match query {
        Ok(Query(q)) => q,
        Err(_) => {
            return error(
                StatusCode::BAD_REQUEST,
                "ArgumentException",
                "The query string is malformed.",
            )
            .into_response()
        }
    };
    if let Err(e) = version::check(&q, &headers, st.config().azure.require_api_version) {
        return e.into_response();
    }
    let (top, skip) = match (parse_count(&q, "top"), parse_count(&q, "skip")) {
        (Ok(t), Ok(s)) => (t.unwrap_or(1000).max(1), s.unwrap_or(0).max(0)),
        (Err(e), _) | (_, Err(e)) => return e.into_response(),
    };
    let organization = p.get("organization").cloned().unwrap_or_default();
    let project = p.get("project").cloned();
    let repository = p.get("repositoryId").cloned().unwrap_or_default();
    let commit = p.get("commitId").cloned().unwrap_or_default();
    if !(matches!(commit.len(), 40 | 64) && commit.bytes().all(|c| c.is_ascii_hexdigit())) {
        return error(
            StatusCode::BAD_REQUEST,
            "ArgumentException",
            &format!("The value '{commit}' is not a valid commit id."),
        )
        .into_response();
    }
    let layout = st.layout().clone();
    let public = st
        .config()
        .azure
        .public_url
        .trim_end_matches('/')
        .to_string();
    let pool = st.pool().clone();
    let work = move || -> Result<Response, AzureError> {
        let found = lookup(&layout, &organization, project.as_deref(), &repository).map_err(
            |e| match e {
                LookupError::Project(p) => error(
                    StatusCode::NOT_FOUND,
                    "ProjectDoesNotExistWithNameException",
                    &format!("TF200016: The following project does not exist: {p}."),
                ),
                LookupError::Repository(r) => AzureError::repository_not_found(&r),
            },
        )?;
        let id = crate::ObjectId::from_hex(commit.to_ascii_lowercase().as_bytes())
            .ok()
            .filter(|id| id.kind() == found.repo.hash_kind())
            .ok_or_else(|| {
                error(
                    StatusCode::BAD_REQUEST,
                    "ArgumentException",
                    &format!("The value '{commit}' is not a valid commit id."),
                )
            })?;
        let hex = id.to_hex();
        let list = changes::commit_changes(found.repo.odb(), &id, &changes::Options::default())
            .map_err(|e| match e {
                ChangesError::NotFound(_) => error(
                    StatusCode::NOT_FOUND,
                    "GitCommitDoesNotExistException",
                    &format!("Commit {hex} does not exist in repository {}.", found.name),
                ),
                ChangesError::NotACommit(_) => error(
                    StatusCode::NOT_FOUND,
                    "GitUnresolvableToCommitException",
                    &format!("TF401175: The version descriptor <Commit: {hex}> could not be resolved to a version in the repository {}", found.name),
                ),
                other => {
                    eprintln!("oxgit serve: azure changes: {other}");
                    error(StatusCode::INTERNAL_SERVER_ERROR, "InternalServerErrorException", "internal error")
                }
            })?;
        let items_base = format!(
            "{public}/{}/{}/_apis/git/repositories/{}/items",
            found.organization, found.project_id, found.repository_id
        );
        let counts = change_counts(&list);
        let start = (skip as usize).min(list.len());
        let end = start.saturating_add(top as usize).min(list.len());
        let page: Vec<Value> = list[start..end]
            .iter()
            .map(|c| change_json(c, &hex, &items_base))
            .collect();
        let mut body = Map::new();
        body.insert("changeCounts".into(), Value::Object(counts));
        body.insert("changes".into(), Value::Array(page));
        let mut resp = Json(Value::Object(body)).into_response();
        if end < list.len() {
            resp.headers_mut()
                .insert(header::LINK, HeaderValue::from_static(""));
        }
        Ok(resp)
    };
    match pool.diff(work).await {
        Ok(Ok(r)) => r,
        Ok(Err(e)) => e.into_response(),
        Err(f) => Service::Azure.render(&f),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uuid5_and_guids() {
        // RFC 4122 appendix-style check: UUIDv5(URL, "python.org") is well known.
        assert_eq!(uuid5("python.org"), "7af94e2b-4dd9-50f0-9c9a-8a48519bdef0");
        assert!(is_guid(&uuid5("fabrikam/demo/demo")));
        assert!(!is_guid("demo"));
    }

    #[test]
    fn escapes_like_dotnet() {
        assert_eq!(escape_data_string(b"src/lib.rs"), "src%2Flib.rs");
        assert_eq!(escape_data_string(b"a b~c"), "a%20b~c");
        assert_eq!(escape_data_string("é".as_bytes()), "%C3%A9");
    }
}
