//! `oxgit serve`: the services review and agent platforms call to ask what changed,
//! served from repositories on disk so that their own clients work unchanged.
//!
//! The layout, one module per concern:
//!
//! * [`routes`]: the route table (the router and [`openapi`] are built from it);
//! * [`http`]: listening, connection limits, slow-client and header limits, access log,
//!   per-route timeouts, graceful shutdown;
//! * [`error`]: [`Service`] and [`Failure`], each service's own error shape;
//! * [`auth`], [`jwt`] and [`aksk`]: the credential kinds (shared secrets, PATs, JWTs,
//!   Huawei AK/SK signatures);
//! * [`repos`]: repository lookup that never leaves the root;
//! * [`pool`]: git work on a bounded blocking pool, the diff bound (503 past it);
//! * [`native`]: oxgit's own JSON API (changes, stats, diff of two revisions, log), and
//!   [`stream`], the NDJSON bodies written as they are produced;
//! * [`ui`]: the review page (HTML over the native API);
//! * [`azure`]: Azure DevOps commit changes and its discovery;
//! * [`codearts`]: CodeArts merge-request changes;
//! * [`codestorage`]: Code Storage commit diff (JWT), streamed as files are produced;
//! * [`mr`] and [`codearts_registry`]: merge requests stored git-natively, the CodeArts
//!   repository ids (writes go through [`crate::write`], the only writer).
//!
//! Handlers only translate: request in, a library call on the pool, the service's JSON out.

pub mod aksk;
pub mod auth;
pub mod azure;
pub mod codearts;
pub mod codearts_registry;
pub mod codestorage;
pub mod config;
pub mod error;
#[doc(hidden)]
pub mod fuzz;
pub mod http;
pub mod jwt;
pub mod mr;
pub mod native;
pub mod openapi;
pub mod openhands;
pub mod pool;
pub mod repos;
pub mod routes;
pub mod stream;
pub mod ui;

pub use config::Config;
pub use error::{Failure, Service};
pub use repos::Layout;

use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Json;
use routes::Route;
use std::sync::Arc;

/// What every handler shares: config, repository layout, pool, JWT keys.
#[derive(Clone)]
pub struct AppState {
    inner: Arc<Inner>,
}

struct Inner {
    config: Config,
    layout: Layout,
    pool: pool::Pool,
    jwt: jwt::Verifier,
    openapi: serde_json::Value,
}

impl AppState {
    /// A state serving `layout` with `config`.
    pub fn new(config: Config, layout: Layout) -> Result<AppState, jwt::KeyError> {
        let workers = match config.server.worker_threads {
            0 => 2 * std::thread::available_parallelism().map_or(2, |n| n.get()),
            n => n,
        };
        let pool = pool::Pool::new(
            workers,
            config.server.max_concurrent_diffs,
            config.server.retry_after_secs,
        );
        let jwt = jwt::Verifier::new(&config.code_storage.issuers)?;
        let openapi = openapi::document(&routes::all());
        Ok(AppState {
            inner: Arc::new(Inner {
                config,
                layout,
                pool,
                jwt,
                openapi,
            }),
        })
    }

    /// The config.
    pub fn config(&self) -> &Config {
        &self.inner.config
    }

    /// Where repositories are.
    pub fn layout(&self) -> &Layout {
        &self.inner.layout
    }

    /// The pool for git work.
    pub fn pool(&self) -> &pool::Pool {
        &self.inner.pool
    }

    /// The JWT verifier (Code Storage).
    pub fn jwt(&self) -> &jwt::Verifier {
        &self.inner.jwt
    }
}

/// The base URL a client used to reach this server (`http://<Host>`), for URLs the
/// discovery answers point back to.
pub fn client_base_url(headers: &HeaderMap) -> String {
    let host = headers
        .get("x-forwarded-host")
        .or_else(|| headers.get(axum::http::header::HOST))
        .and_then(|h| h.to_str().ok())
        .filter(|h| {
            !h.is_empty()
                && h.bytes()
                    .all(|c| c.is_ascii_alphanumeric() || b".-:[]_".contains(&c))
        })
        .unwrap_or("localhost");
    let proto = headers
        .get("x-forwarded-proto")
        .and_then(|h| h.to_str().ok())
        .filter(|p| *p == "https")
        .unwrap_or("http");
    format!("{proto}://{host}")
}

/// oxgit's own routes: health, the OpenAPI document and the native JSON API.
fn native_routes() -> Vec<Route> {
    let mut v = vec![
        Route::new(
            "GET",
            "/healthz",
            Service::Native,
            "Liveness: 200 `ok` while the server accepts requests.",
            &[],
            get(|| async { "ok\n" }),
        ),
        Route::new(
            "GET",
            "/openapi.json",
            Service::Native,
            "This document.",
            &[],
            get(|State(st): State<AppState>| async move {
                Json(st.inner.openapi.clone()).into_response()
            }),
        ),
    ];
    v.extend(native::routes());
    v
}

/// The router of every route in [`routes::all`], with per-route timeouts in each
/// service's error shape and a fallback 404 shaped by path.
pub fn router(state: AppState) -> axum::Router {
    let timeout = std::time::Duration::from_secs(state.config().server.request_timeout_secs);
    let mut r = axum::Router::new();
    for route in routes::all() {
        let guard = http::Guard {
            service: route.service,
            timeout,
        };
        let handler = route
            .handler
            .layer(axum::middleware::from_fn_with_state(guard, http::guard));
        r = r.route(route.path, handler);
    }
    r.fallback(fallback).with_state(state)
}

async fn fallback(uri: axum::http::Uri) -> Response {
    let mut resp = Service::of_path(uri.path()).render(&Failure::NoRoute);
    resp.headers_mut().insert(
        "x-oxgit-no-route",
        axum::http::HeaderValue::from_static("1"),
    );
    resp
}
