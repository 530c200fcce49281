//! HTTP input is hostile input: oversized heads and targets, slow clients, bad tokens,
//! traversal (raw, encoded, double-encoded, absolute, symlinks), overload (503 with
//! Retry-After) and graceful shutdown, all against the real binary.
#![cfg(feature = "server")]

mod common;
mod server_support;

use server_support::{config_file, root_with, Server};
use std::io::{Read, Write};
use std::time::{Duration, Instant};

const C2: &str = "15328969158d082b85585cb3c8d32d9e0dbda315";

#[test]
fn oversized_heads_and_targets() {
    let root = root_with("seed-demo", &["fabrikam", "demo", "demo"], "big");
    let s = Server::start(&root, &["--root", root.to_str().unwrap()]);
    let big = "x".repeat(40_000);
    let r = s.get("/healthz", &[("X-Big", &big)]);
    assert_eq!(r.status, 431);
    let many: Vec<(String, String)> = (0..150).map(|i| (format!("X-H{i}"), "v".into())).collect();
    let many: Vec<(&str, &str)> = many.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
    assert_eq!(s.get("/healthz", &many).status, 431);
    let long = format!("/fabrikam/_apis/{}", "a".repeat(9000));
    let r = s.get(&long, &[]);
    assert_eq!(r.status, 414);
    assert_eq!(
        r.json()["typeKey"],
        "RouteNotFoundException",
        "414 in Azure's shape"
    );
    // The server still serves normal requests.
    assert_eq!(s.get("/healthz", &[]).status, 200);
    assert_eq!(s.get("/healthz", &[]).body, b"ok\n");
    // Garbage instead of HTTP gets 400 and a closed connection, not a hang.
    let r = s.raw(b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03 garbage\r\n\r\n");
    assert_eq!(r.status, 400);
}

#[test]
fn slow_clients_are_cut_off() {
    let root = root_with("seed-demo", &["fabrikam", "demo", "demo"], "slow");
    let cfg = config_file(
        &root.join(".."),
        "slow.toml",
        "[server]\nheader_read_timeout_secs = 1\n",
    );
    let s = Server::with_root(&root, &cfg);
    // A client that sends half a request head and stalls.
    let mut c = s.connect();
    c.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
        .unwrap();
    let t = Instant::now();
    let mut buf = Vec::new();
    let _ = c.read_to_end(&mut buf);
    let took = t.elapsed();
    assert!(
        took < Duration::from_secs(5),
        "slow client held the connection for {took:?}"
    );
    let text = String::from_utf8_lossy(&buf);
    assert!(buf.is_empty() || text.starts_with("HTTP/1.1 408"), "{text}");
    // A client that connects and sends nothing is dropped too.
    let mut c = s.connect();
    let t = Instant::now();
    let _ = c.read_to_end(&mut buf);
    assert!(t.elapsed() < Duration::from_secs(5));
    // Many stalled clients do not stop others from being served.
    let stalled: Vec<_> = (0..20).map(|_| s.connect()).collect();
    assert_eq!(s.get("/healthz", &[]).status, 200);
    drop(stalled);
}

#[test]
fn bad_tokens_get_401_in_azure_shape() {
    let root = root_with("seed-demo", &["fabrikam", "demo", "demo"], "tok");
    let cfg = config_file(
        &root.join(".."),
        "tok.toml",
        "[azure]\ntokens = [\"good-pat\"]\n",
    );
    let s = Server::with_root(&root, &cfg);
    let url =
        format!("/fabrikam/demo/_apis/git/repositories/demo/commits/{C2}/changes?api-version=7.1");
    use base64::Engine as _;
    let basic = |s: &str| {
        format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD.encode(s)
        )
    };
    for auth in [
        None,
        Some("Bearer wrong".to_string()),
        Some(basic(":wrong")),
        Some("Basic %%%".into()),
        Some("Negotiate abc".into()),
        Some(basic("nocolon")),
    ] {
        let h: Vec<(&str, &str)> = auth.iter().map(|a| ("Authorization", a.as_str())).collect();
        let r = s.get(&url, &h);
        assert_eq!(r.status, 401, "{auth:?}");
        assert_eq!(r.header("www-authenticate"), Some("Basic realm=\"oxgit\""));
        let j = r.json();
        assert_eq!(j["typeKey"], "UnauthorizedRequestException");
        assert_eq!(
            j["message"],
            "TF400813: The user '' is not authorized to access this resource."
        );
    }
    assert_eq!(
        s.get(&url, &[("Authorization", &basic("me:good-pat"))])
            .status,
        200
    );
    assert_eq!(
        s.get(&url, &[("Authorization", "Bearer good-pat")]).status,
        200
    );
    // Discovery stays anonymous (clients ask before they authenticate).
    assert_eq!(s.request("OPTIONS", "/fabrikam/_apis", &[]).status, 200);
    assert_eq!(s.get("/fabrikam/_apis/connectionData", &[]).status, 401);
}

#[test]
fn traversal_is_refused_and_opens_nothing() {
    // root/fabrikam/demo/demo is served; a second copy lives outside the root, reachable
    // only by escaping it (a symlink inside the root points at it).
    let root = root_with("seed-demo", &["fabrikam", "demo", "demo"], "trav");
    let outside = root_with("seed-demo", &["secret", "demo", "demo"], "trav-out");
    std::os::unix::fs::symlink(outside.join("secret"), root.join("escape")).unwrap();
    std::os::unix::fs::symlink(
        outside.join("secret/demo/demo"),
        root.join("fabrikam/demo/linked"),
    )
    .unwrap();
    std::os::unix::fs::symlink(root.join("fabrikam"), root.join("alias")).unwrap();
    let s = Server::start(&root, &["--root", root.to_str().unwrap()]);
    let tail = format!("commits/{C2}/changes?api-version=7.1");
    let ok = format!("/fabrikam/demo/_apis/git/repositories/demo/{tail}");
    assert_eq!(s.get(&ok, &[]).status, 200);
    // A symlink that stays inside the root is fine.
    assert_eq!(
        s.get(
            &format!("/alias/demo/_apis/git/repositories/demo/{tail}"),
            &[]
        )
        .status,
        200
    );
    let rel = format!("{}", outside.join("secret").display());
    let attempts = [
        format!("/escape/demo/_apis/git/repositories/demo/{tail}"),
        format!("/fabrikam/demo/_apis/git/repositories/linked/{tail}"),
        format!("/fabrikam/../_apis/git/repositories/demo/{tail}"),
        format!("/../../_apis/git/repositories/demo/{tail}"),
        format!("/fabrikam/%2e%2e/_apis/git/repositories/demo/{tail}"),
        format!("/%2E%2E/demo/_apis/git/repositories/demo/{tail}"),
        format!("/fabrikam/demo/_apis/git/repositories/..%2F..%2Fsecret%2Fdemo%2Fdemo/{tail}"),
        format!("/fabrikam/demo/_apis/git/repositories/%252e%252e%252fdemo/{tail}"),
        format!("/fabrikam/%252e%252e/_apis/git/repositories/demo/{tail}"),
        format!(
            "/fabrikam/demo/_apis/git/repositories/{}/{tail}",
            rel.replace('/', "%2F")
        ),
        format!("/fabrikam/demo/_apis/git/repositories/%00demo/{tail}"),
        format!("/fabrikam/demo/_apis/git/repositories/demo%5C..%5C..%5Cescape/{tail}"),
        format!("/fabrikam/_apis/git/repositories/..%2Fescape/{tail}"),
        format!("/./demo/_apis/git/repositories/demo/{tail}"),
    ];
    for a in &attempts {
        let r = s.get(a, &[]);
        assert_eq!(r.status, 404, "{a}: {}", String::from_utf8_lossy(&r.body));
        let j = r.json();
        assert!(
            j["typeKey"] == "GitRepositoryNotFoundException"
                || j["typeKey"] == "ProjectDoesNotExistWithNameException"
                || j["typeKey"] == "RouteNotFoundException",
            "{a}: {j}"
        );
    }
    // The repository outside the root was never opened: nothing (not even the index or
    // a lock) appeared in it, and its access time is irrelevant; check no new files.
    let before = server_support::files_below(&outside);
    for a in &attempts {
        s.get(a, &[]);
    }
    assert_eq!(server_support::files_below(&outside), before);
}

/// Commits with many files, so that one change list takes measurable time.
fn heavy(tag: &str) -> std::path::PathBuf {
    root_with("server-heavy", &["org", "proj", "heavy.git"], tag)
}

fn heavy_url(root: &std::path::Path) -> String {
    let head = String::from_utf8(common::git(
        &root.join("org/proj/heavy.git"),
        &["rev-parse", "HEAD"],
    ))
    .unwrap();
    format!(
        "/org/proj/_apis/git/repositories/heavy/commits/{}/changes?api-version=7.1&top=1",
        head.trim()
    )
}

#[test]
fn overload_sheds_with_503_and_retry_after() {
    let root = heavy("busy");
    let cfg = config_file(
        &root.join(".."),
        "busy.toml",
        "[server]\nmax_concurrent_diffs = 1\nretry_after_secs = 7\n",
    );
    let s = Server::with_root(&root, &cfg);
    let url = heavy_url(&root);
    let s = std::sync::Arc::new(s);
    let handles: Vec<_> = (0..24)
        .map(|_| {
            let s = s.clone();
            let url = url.clone();
            std::thread::spawn(move || s.get(&url, &[]))
        })
        .collect();
    let rs: Vec<_> = handles.into_iter().map(|h| h.join().unwrap()).collect();
    let busy: Vec<_> = rs.iter().filter(|r| r.status == 503).collect();
    assert!(
        rs.iter().all(|r| r.status == 200 || r.status == 503),
        "{:?}",
        rs.iter().map(|r| r.status).collect::<Vec<_>>()
    );
    assert!(
        !busy.is_empty(),
        "24 concurrent diffs with a bound of 1 never overlapped"
    );
    assert!(rs.iter().any(|r| r.status == 200));
    for r in busy {
        assert_eq!(r.header("retry-after"), Some("7"));
        assert_eq!(r.json()["typeKey"], "ServiceUnavailableException");
    }
}

#[test]
fn graceful_shutdown_finishes_in_flight_requests() {
    let root = heavy("term");
    let s = Server::start(&root, &["--root", root.to_str().unwrap()]);
    let url = heavy_url(&root);
    // Start requests, then SIGTERM while they run: each must still get a whole answer.
    let mut conns: Vec<_> = (0..6)
        .map(|_| {
            let mut c = s.connect();
            c.write_all(
                format!("GET {url} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").as_bytes(),
            )
            .unwrap();
            c
        })
        .collect();
    std::thread::sleep(Duration::from_millis(20));
    let addr = s.addr.clone();
    let log = s.stderr_file_path();
    let status = s.terminate();
    assert!(status.success(), "exit status {status:?}");
    for c in &mut conns {
        let mut buf = Vec::new();
        c.read_to_end(&mut buf).unwrap();
        let text = String::from_utf8_lossy(&buf);
        assert!(
            text.starts_with("HTTP/1.1 200"),
            "{}",
            &text[..text.len().min(200)]
        );
        assert!(text.contains("\"changeCounts\""));
    }
    assert!(
        std::net::TcpStream::connect(&addr).is_err(),
        "still accepting after shutdown"
    );
    let log = std::fs::read_to_string(log).unwrap();
    assert!(log.contains("shutting down"), "{log}");
    assert_eq!(
        log.matches("\"GET /org/proj/").count(),
        6,
        "one access-log line per request:\n{log}"
    );
}
