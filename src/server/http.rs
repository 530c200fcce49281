//! The HTTP layer: hyper's HTTP/1.1 server with the limits a public endpoint needs.
//!
//! * request heads larger than `max_header_bytes` get 431 (hyper), targets longer than
//!   `max_uri_bytes` get 414;
//! * a client must send its request head within `header_read_timeout_secs` (slow-client
//!   protection; idle keep-alive connections close after it too);
//! * at most `max_connections` connections are served; more wait in the accept queue;
//! * every handler runs under `request_timeout_secs` (503 in the service's shape);
//! * one access-log line per request on standard error;
//! * SIGINT/SIGTERM stop accepting, let in-flight requests finish (up to
//!   `shutdown_grace_secs`), then exit.

use super::error::{Failure, Service};
use super::{AppState, Config, Layout};
use axum::extract::Request;
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use hyper_util::rt::{TokioIo, TokioTimer};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::net::TcpListener;
use tower::ServiceExt as _;

/// Why the server could not start or stopped with an error.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// Refusing a non-loopback address without credentials.
    #[error("{0}")]
    Refused(String),
    /// Bad arguments or config.
    #[error("{0}")]
    Config(String),
    /// The listener could not be set up.
    #[error("cannot listen on {addr}: {source}")]
    Listen {
        /// The address.
        addr: String,
        /// Why.
        source: std::io::Error,
    },
}

/// What `oxgit serve` was asked for.
#[derive(Clone, Debug)]
pub struct ServeOptions {
    /// The address to listen on.
    pub listen: String,
    /// Allow a non-loopback address with no credentials configured.
    pub insecure: bool,
}

/// The per-route layer: the route's service and the request timeout.
#[derive(Clone, Copy, Debug)]
pub struct Guard {
    /// The service whose error shape a timeout takes.
    pub service: Service,
    /// The request timeout.
    pub timeout: Duration,
}

/// Runs the handler under the request timeout.
pub async fn guard(
    axum::extract::State(g): axum::extract::State<Guard>,
    req: Request,
    next: Next,
) -> Response {
    match tokio::time::timeout(g.timeout, next.run(req)).await {
        Ok(r) => r,
        Err(_) => g.service.render(&Failure::Timeout),
    }
}

/// The peer of a connection, for the access log.
#[derive(Clone, Copy, Debug)]
struct Peer(SocketAddr);

/// Parses `--listen`: `IP:PORT`, `[IPv6]:PORT`, `localhost:PORT` or `:PORT` (loopback).
pub fn parse_listen(s: &str) -> Result<SocketAddr, ServeError> {
    let s = s.trim();
    let mapped = if let Some(port) = s.strip_prefix("localhost:") {
        format!("127.0.0.1:{port}")
    } else if let Some(port) = s.strip_prefix(':') {
        format!("127.0.0.1:{port}")
    } else {
        s.to_string()
    };
    mapped
        .parse()
        .map_err(|_| ServeError::Config(format!("--listen {s:?}: expected IP:PORT")))
}

/// Checks the loopback rule: with no credential configured only loopback addresses are
/// served unless `insecure`. Returns warnings to print.
pub fn check_exposure(
    addr: &SocketAddr,
    config: &Config,
    insecure: bool,
) -> Result<Vec<String>, ServeError> {
    if addr.ip().is_loopback() {
        return Ok(Vec::new());
    }
    if !config.has_credentials() && !insecure {
        return Err(ServeError::Refused(format!(
            "refusing to listen on {addr}: no credentials are configured (see --config); \
             use a loopback address, configure credentials, or pass --insecure"
        )));
    }
    Ok(config
        .open_services()
        .into_iter()
        .map(|s| {
            format!("warning: {s}: no credentials configured; its endpoints are open to anyone who can reach {addr}")
        })
        .collect())
}

async fn access_log(
    axum::extract::State(max_uri): axum::extract::State<usize>,
    req: Request,
    next: Next,
) -> Response {
    let start = Instant::now();
    let method = req.method().clone();
    let target = req
        .uri()
        .path_and_query()
        .map(|p| p.as_str().to_string())
        .unwrap_or_default();
    let peer = req
        .extensions()
        .get::<Peer>()
        .map(|p| p.0.to_string())
        .unwrap_or_else(|| "-".into());
    let resp = if target.len() > max_uri {
        let mut r = Service::of_path(req.uri().path()).render(&Failure::NoRoute);
        *r.status_mut() = StatusCode::URI_TOO_LONG;
        r
    } else {
        next.run(req).await
    };
    let shown: String = target.chars().take(512).collect();
    let length = resp
        .headers()
        .get(axum::http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("-")
        .to_string();
    eprintln!(
        "{} {peer} \"{method} {shown}\" {} {length} {}ms",
        timestamp(),
        resp.status().as_u16(),
        start.elapsed().as_millis()
    );
    resp
}

/// The current UTC time as `2025-03-01T10:00:00Z`.
fn timestamp() -> String {
    let secs = super::jwt::now();
    let (y, m, d) = crate::object::date::civil_from_days(secs.div_euclid(86_400));
    let rem = secs.rem_euclid(86_400);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// The example requests printed at startup for the single-repository layout
/// (`no_issuers`: no Code Storage issuer is configured, so an unsigned token works).
pub fn examples(base: &str, layout: &Layout, no_issuers: bool) -> Vec<String> {
    let mut v = vec![
        format!("curl -s {base}/healthz"),
        format!("curl -s {base}/openapi.json"),
    ];
    if let Layout::Single { git_dir, name } = layout {
        let head = crate::Repository::open(git_dir)
            .ok()
            .and_then(|r| crate::revision::resolve(&r, "HEAD").ok());
        let org = super::azure::SINGLE_ORGANIZATION;
        match head {
            Some(h) => {
                v.push(format!(
                    "curl -s '{base}/{org}/{name}/_apis/git/repositories/{name}/commits/{h}/changes?api-version=7.1'"
                ));
                v.push(super::codestorage::example(base, name, &h.to_hex(), no_issuers));
            }
            None => v.push(format!(
                "# Azure DevOps commit changes: {base}/{org}/{name}/_apis/git/repositories/{name}/commits/<sha>/changes?api-version=7.1 (the repository has no commit yet)"
            )),
        }
        v.push(format!("curl -s -X OPTIONS {base}/{org}/_apis"));
        if let Some(e) = codearts_example(base, git_dir) {
            v.push(e);
        }
        v.push(format!(
            "curl -s '{base}/repos/{name}/log?limit=5&format=ndjson'"
        ));
    }
    v.push(format!("# the review page: open {base}/ in a browser"));
    v
}

/// The CodeArts merge-request changes request of the served repository's first merge
/// request, if it has one.
fn codearts_example(base: &str, git_dir: &std::path::Path) -> Option<String> {
    let repo = crate::Repository::open(git_dir).ok()?;
    let iid = *super::mr::iids(&repo).ok()?.first()?;
    let id = super::codearts::single_repository_id(&repo);
    Some(format!(
        "curl -s {base}/v4/repositories/{id}/merge-requests/{iid}/changes"
    ))
}

/// Serves `state` on `listener` until SIGINT/SIGTERM (or `shutdown` resolves).
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()>,
) {
    let s = state.config().server.clone();
    let app = super::router(state).layer(axum::middleware::from_fn_with_state(
        s.max_uri_bytes,
        access_log,
    ));
    let conns = Arc::new(tokio::sync::Semaphore::new(s.max_connections));
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(Duration::from_secs(s.header_read_timeout_secs))
        .max_buf_size(s.max_header_bytes)
        .max_headers(100);
    tokio::pin!(shutdown);
    loop {
        let permit = tokio::select! {
            p = conns.clone().acquire_owned() => match p { Ok(p) => p, Err(_) => break },
            _ = &mut shutdown => break,
        };
        let (stream, peer) = tokio::select! {
            r = listener.accept() => match r {
                Ok(x) => x,
                Err(e) => {
                    eprintln!("oxgit serve: accept: {e}");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            _ = &mut shutdown => break,
        };
        let _ = stream.set_nodelay(true);
        let app = app.clone();
        let svc =
            hyper::service::service_fn(move |mut req: hyper::Request<hyper::body::Incoming>| {
                req.extensions_mut().insert(Peer(peer));
                app.clone().oneshot(req.map(axum::body::Body::new))
            });
        let conn = builder.serve_connection(TokioIo::new(stream), svc);
        let conn = graceful.watch(conn);
        tokio::spawn(async move {
            let _ = conn.await;
            drop(permit);
        });
    }
    drop(listener);
    eprintln!("oxgit serve: shutting down, waiting for in-flight requests");
    let grace = Duration::from_secs(s.shutdown_grace_secs);
    if tokio::time::timeout(grace, graceful.shutdown())
        .await
        .is_err()
    {
        eprintln!("oxgit serve: grace period over, closing remaining connections");
    }
}

/// Resolves on SIGINT or SIGTERM.
pub async fn signals() {
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = term => {}
    }
}

/// Starts the server: checks exposure, binds, prints the address and examples, serves
/// until a signal.
pub fn run(config: Config, layout: Layout, opts: ServeOptions) -> Result<(), ServeError> {
    let addr = parse_listen(&opts.listen)?;
    for w in check_exposure(&addr, &config, opts.insecure)? {
        eprintln!("oxgit serve: {w}");
    }
    let state =
        AppState::new(config, layout.clone()).map_err(|e| ServeError::Config(e.to_string()))?;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_name("oxgit-serve")
        .build()
        .map_err(|e| ServeError::Config(format!("runtime: {e}")))?;
    rt.block_on(async move {
        let listener = TcpListener::bind(addr)
            .await
            .map_err(|source| ServeError::Listen {
                addr: addr.to_string(),
                source,
            })?;
        let local = listener.local_addr().map_err(|source| ServeError::Listen {
            addr: addr.to_string(),
            source,
        })?;
        let base = format!("http://{local}");
        {
            use std::io::Write;
            let mut out = std::io::stdout().lock();
            let _ = writeln!(out, "oxgit serve: listening on {base}");
            if let Layout::Single { git_dir, .. } = &layout {
                let _ = writeln!(out, "serving {}; try:", git_dir.display());
            } else {
                let _ = writeln!(
                    out,
                    "serving repositories under {}; try:",
                    layout.root().display()
                );
            }
            for e in examples(&base, &layout, state.jwt().is_empty()) {
                let _ = writeln!(out, "  {e}");
            }
            let _ = out.flush();
        }
        serve(listener, state, signals()).await;
        Ok::<(), ServeError>(())
    })?;
    // Blocking git work still running after the grace period is abandoned.
    rt.shutdown_timeout(Duration::from_secs(1));
    Ok(())
}

impl IntoResponse for ServeError {
    fn into_response(self) -> Response {
        (StatusCode::INTERNAL_SERVER_ERROR, self.to_string()).into_response()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn listen_addresses_and_exposure() {
        assert_eq!(parse_listen(":8080").unwrap().to_string(), "127.0.0.1:8080");
        assert_eq!(
            parse_listen("localhost:1").unwrap().to_string(),
            "127.0.0.1:1"
        );
        assert!(parse_listen("[::1]:80").unwrap().ip().is_loopback());
        assert!(parse_listen("nonsense").is_err());
        let none = Config::default();
        let public = parse_listen("0.0.0.0:8080").unwrap();
        assert!(check_exposure(&public, &none, false).is_err());
        assert_eq!(check_exposure(&public, &none, true).unwrap().len(), 4);
        let local = parse_listen("127.0.0.1:8080").unwrap();
        assert!(check_exposure(&local, &none, false).unwrap().is_empty());
        let mut some = Config::default();
        some.azure.tokens.push("t".into());
        assert_eq!(check_exposure(&public, &some, false).unwrap().len(), 3);
        assert!(timestamp().ends_with('Z') && timestamp().len() == 20);
    }
}
