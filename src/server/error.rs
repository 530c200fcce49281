//! Errors in each service's own shape.
//!
//! Every route belongs to a [`Service`]; the failures the server itself produces
//! (timeouts, overload, traversal, unknown repositories, failed auth) are [`Failure`]s
//! that the service renders with its own status, body and headers.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::json;

/// The API family a route belongs to: it decides the error body shape.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Service {
    /// OpenHands (FastAPI): `{"detail": ...}` / `{"error": ...}`.
    OpenHands,
    /// Azure DevOps: the `$id`/`typeKey` exception envelope.
    Azure,
    /// Code Storage: `{"error": "<message>"}`.
    CodeStorage,
    /// CodeArts: `{"error_code": ..., "error_msg": ...}`.
    CodeArts,
    /// oxgit's own routes (`/healthz`, `/openapi.json`, native API): `{"error": ...}`.
    Native,
}

/// A failure the server itself detects, independent of the service.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Failure {
    /// No or wrong credentials; the detail is for the log, never for the client.
    Unauthorized(&'static str),
    /// The repository does not exist (or the name was refused as traversal).
    RepoNotFound(String),
    /// Too many diffs at once; retry after this many seconds.
    Busy(u64),
    /// The handler took longer than the request timeout.
    Timeout,
    /// An internal error (logged; the client sees a generic message).
    Internal(String),
    /// No route matches.
    NoRoute,
}

impl Service {
    /// Picks the service of a path no route matched, by its prefix, so that even a 404
    /// for an unknown route has the shape the caller's client expects.
    pub fn of_path(path: &str) -> Service {
        if path.starts_with("/api/conversations/") {
            Service::OpenHands
        } else if path.starts_with("/api/v1/repos") || path.starts_with("/api/repos/") {
            Service::CodeStorage
        } else if path.starts_with("/v4/") {
            Service::CodeArts
        } else if path.contains("/_apis") {
            Service::Azure
        } else {
            Service::Native
        }
    }

    /// Renders `failure` as this service does.
    pub fn render(self, failure: &Failure) -> Response {
        let (status, mut resp) = match self {
            Service::Azure => azure(failure),
            Service::OpenHands => openhands(failure),
            Service::CodeStorage => code_storage(failure),
            Service::CodeArts => codearts(failure),
            Service::Native => native(failure),
        };
        *resp.status_mut() = status;
        if let Failure::Busy(secs) = failure {
            resp.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(*secs));
        }
        resp
    }
}

fn status_of(f: &Failure) -> StatusCode {
    match f {
        Failure::Unauthorized(_) => StatusCode::UNAUTHORIZED,
        Failure::RepoNotFound(_) | Failure::NoRoute => StatusCode::NOT_FOUND,
        Failure::Busy(_) | Failure::Timeout => StatusCode::SERVICE_UNAVAILABLE,
        Failure::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

fn busy_message(f: &Failure) -> &'static str {
    match f {
        Failure::Busy(_) => "server busy, retry later",
        _ => "request timed out",
    }
}

fn azure(f: &Failure) -> (StatusCode, Response) {
    let status = status_of(f);
    let (key, message) = match f {
        Failure::Unauthorized(_) => (
            "UnauthorizedRequestException",
            "TF400813: The user '' is not authorized to access this resource.".to_string(),
        ),
        Failure::RepoNotFound(id) => (
            "GitRepositoryNotFoundException",
            format!("TF401019: The Git repository with name or identifier {id} does not exist or you do not have permissions for the operation you are attempting."),
        ),
        Failure::NoRoute => (
            "RouteNotFoundException",
            "The requested resource does not exist.".to_string(),
        ),
        Failure::Busy(_) | Failure::Timeout => {
            ("ServiceUnavailableException", busy_message(f).to_string())
        }
        Failure::Internal(_) => ("InternalServerErrorException", "internal error".to_string()),
    };
    let mut resp = crate::server::azure::AzureError::new(status, key, message).into_response();
    if matches!(f, Failure::Unauthorized(_)) {
        resp.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            HeaderValue::from_static("Basic realm=\"oxgit\""),
        );
    }
    (status, resp)
}

fn openhands(f: &Failure) -> (StatusCode, Response) {
    let body = match f {
        Failure::Unauthorized(_) => json!({"detail": "Unauthorized"}),
        Failure::RepoNotFound(id) => json!({"detail": format!("Conversation {id} not found")}),
        Failure::NoRoute => json!({"detail": "Not Found"}),
        Failure::Busy(_) | Failure::Timeout => json!({"error": busy_message(f)}),
        Failure::Internal(m) => json!({"error": m}),
    };
    (status_of(f), axum::Json(body).into_response())
}

fn code_storage(f: &Failure) -> (StatusCode, Response) {
    let msg = match f {
        Failure::Unauthorized(_) => "unauthorized",
        Failure::RepoNotFound(_) => "repository not found",
        Failure::NoRoute => "not found",
        Failure::Busy(_) | Failure::Timeout => busy_message(f),
        Failure::Internal(_) => "internal error",
    };
    (
        status_of(f),
        axum::Json(json!({"error": msg})).into_response(),
    )
}

fn codearts(f: &Failure) -> (StatusCode, Response) {
    let (code, msg) = match f {
        Failure::Unauthorized(_) => ("DEV.00000003", "Authentication information expired."),
        Failure::RepoNotFound(_) => ("CH.00404000", "Repository not found."),
        Failure::NoRoute => ("CH.00404000", "Not found."),
        Failure::Busy(_) | Failure::Timeout => ("CH.00503000", busy_message(f)),
        Failure::Internal(_) => ("CH.00500000", "Internal error."),
    };
    (
        status_of(f),
        axum::Json(json!({"error_code": code, "error_msg": msg})).into_response(),
    )
}

fn native(f: &Failure) -> (StatusCode, Response) {
    let msg = match f {
        Failure::Unauthorized(_) => "unauthorized".to_string(),
        Failure::RepoNotFound(r) => format!("repository {r} not found"),
        Failure::NoRoute => "not found".to_string(),
        Failure::Busy(_) | Failure::Timeout => busy_message(f).to_string(),
        Failure::Internal(_) => "internal error".to_string(),
    };
    (
        status_of(f),
        axum::Json(json!({"error": msg})).into_response(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn services_by_path() {
        assert_eq!(
            Service::of_path("/api/conversations/x/git/changes"),
            Service::OpenHands
        );
        assert_eq!(Service::of_path("/api/v1/repos/diff"), Service::CodeStorage);
        assert_eq!(Service::of_path("/v4/repositories/1"), Service::CodeArts);
        assert_eq!(Service::of_path("/org/_apis/git"), Service::Azure);
        assert_eq!(Service::of_path("/nope"), Service::Native);
    }

    #[test]
    fn busy_has_retry_after_in_every_shape() {
        for s in [
            Service::OpenHands,
            Service::Azure,
            Service::CodeStorage,
            Service::CodeArts,
            Service::Native,
        ] {
            let r = s.render(&Failure::Busy(3));
            assert_eq!(r.status(), StatusCode::SERVICE_UNAVAILABLE);
            assert_eq!(r.headers()[header::RETRY_AFTER], "3");
        }
        let r = Service::Azure.render(&Failure::Unauthorized("missing"));
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
        assert!(r.headers().contains_key(header::WWW_AUTHENTICATE));
    }
}
