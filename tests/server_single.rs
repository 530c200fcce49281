//! `oxgit serve` in the repository you stand in: the printed example requests work, the
//! OpenAPI document lists exactly the routes the router serves, loopback-only without
//! credentials, one access-log line per request.
#![cfg(feature = "server")]

mod common;
mod server_support;

use server_support::{root_with, Server};

const C2: &str = "15328969158d082b85585cb3c8d32d9e0dbda315";

fn single() -> (Server, std::path::PathBuf) {
    let root = root_with("seed-demo", &["demo"], "single");
    // Merge request !1, for the CodeArts example and route.
    let mut mr = common::oxgit_cmd(&root.join("demo"));
    mr.args([
        "mr", "create", "--source", "feature", "--target", "main", "--title", "Greet",
    ]);
    let out = common::run(mr, b"");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let cwd = root.join("demo/src");
    (Server::start(&cwd, &[]), root)
}

#[test]
fn printed_examples_work() {
    let (s, _root) = single();
    assert!(
        s.banner.iter().any(|l| l.starts_with("serving ")),
        "{:?}",
        s.banner
    );
    let examples: Vec<&String> = s
        .banner
        .iter()
        .filter(|l| l.trim_start().starts_with("curl "))
        .collect();
    assert!(examples.len() >= 5, "{:?}", s.banner);
    assert!(
        examples
            .iter()
            .any(|e| e.contains("/api/v1/repos/diff?sha=")),
        "a Code Storage example: {:?}",
        s.banner
    );
    for e in examples {
        let words: Vec<&str> = e.split_whitespace().collect();
        let method = words
            .windows(2)
            .find(|w| w[0] == "-X")
            .map_or("GET", |w| w[1]);
        let url = words.last().unwrap().trim_matches('\'');
        let target = url
            .strip_prefix(&s.base())
            .unwrap_or_else(|| panic!("{url} not on {}", s.base()));
        // `-H 'Name: value'` headers (the Code Storage example's bearer token).
        let mut headers: Vec<(String, String)> = Vec::new();
        for (i, w) in words.iter().enumerate().filter(|(_, w)| **w == "-H") {
            let _ = w;
            let mut h = Vec::new();
            for x in &words[i + 1..] {
                h.push(x.trim_matches('\''));
                if x.ends_with('\'') {
                    break;
                }
            }
            let h = h.join(" ");
            let (k, v) = h.split_once(": ").unwrap();
            headers.push((k.to_string(), v.to_string()));
        }
        let headers: Vec<(&str, &str)> = headers
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let r = s.request(method, target, &headers);
        assert_eq!(r.status, 200, "{e}: {}", String::from_utf8_lossy(&r.body));
    }
    // The Azure example names the head commit of the repository.
    let head = String::from_utf8(common::git(&_root.join("demo"), &["rev-parse", "HEAD"])).unwrap();
    assert!(
        s.banner
            .iter()
            .any(|l| l.contains(head.trim())
                && l.contains("/local/demo/_apis/git/repositories/demo/"))
    );
}

#[test]
fn openapi_lists_exactly_the_served_routes() {
    let (s, _root) = single();
    let doc = s.get("/openapi.json", &[]).json();
    assert_eq!(doc["openapi"], "3.1.0");
    let paths = doc["paths"].as_object().unwrap();
    assert!(paths.contains_key("/healthz"));
    assert!(paths.contains_key("/{organization}/{project}/_apis/git/repositories/{repositoryId}/commits/{commitId}/changes"));
    let value = |name: &str| match name {
        "organization" => "local",
        "project" => "demo",
        "repositoryId" => "demo",
        "commitId" => C2,
        "area" => "git",
        "areaId" => "4e080c62-fa21-4fbc-8fef-2a10a2b38049",
        // OpenHands: the served repository's folder is the conversation's workspace.
        "conversation_id" => "demo",
        // Native: the served repository by its folder name.
        "repo" => "demo",
        // CodeArts: a repository served alone is id 1 (no oxgit.codearts.repositoryId).
        "repository_id" => "1",
        "merge_request_iid" => "1",
        other => panic!("no sample value for path parameter {other}"),
    };
    let token = s
        .banner
        .iter()
        .find_map(|l| l.split("Bearer ").nth(1))
        .and_then(|t| t.split('\'').next())
        .expect("the Code Storage example has a token");
    let bearer = format!("Bearer {token}");
    let mut n = 0;
    for (path, ops) in paths {
        for (method, op) in ops.as_object().unwrap() {
            let mut target = path.clone();
            // Without a project segment, Azure names the repository by its GUID (the
            // demo fixture sets the spec's placeholder id in its config).
            let guid = "278d5cd2-584d-4b63-824a-2ba458937249";
            for p in op["parameters"].as_array().unwrap() {
                if p["in"] == "path" {
                    let name = p["name"].as_str().unwrap();
                    let v = if name == "repositoryId" && !path.contains("{project}") {
                        guid
                    } else {
                        value(name)
                    };
                    target = target.replace(&format!("{{{name}}}"), v);
                }
            }
            assert!(!target.contains('{'), "{target}");
            target.push_str("?api-version=7.1");
            if path.ends_with("/git/diff") {
                target.push_str("&path=README.md");
            }
            // Code Storage: a commit and the banner's (unsigned: no issuer) token.
            let mut headers = Vec::new();
            if path == "/api/v1/repos/diff" || path == "/api/repos/{repo}/diff" {
                target.push_str(&format!("&sha={C2}"));
                headers.push(("Authorization", bearer.as_str()));
            }
            let r = s.request(&method.to_ascii_uppercase(), &target, &headers);
            assert_eq!(
                r.header("x-oxgit-no-route"),
                None,
                "{method} {path} is documented but not routed"
            );
            assert_eq!(
                r.status,
                200,
                "{method} {target}: {}",
                String::from_utf8_lossy(&r.body)
            );
            n += 1;
        }
    }
    assert!(n >= 11, "{n} operations");
    // An undocumented route falls through to the 404 of its service's shape.
    let r = s.get("/local/demo/_apis/git/repositories/demo/commits", &[]);
    assert_eq!(r.status, 404);
    assert_eq!(r.header("x-oxgit-no-route"), Some("1"));
    assert_eq!(r.json()["typeKey"], "RouteNotFoundException");
    let r = s.get("/nothing-here", &[]);
    assert_eq!(
        (r.status, r.json()["error"].as_str()),
        (404, Some("not found"))
    );
    let r = s.get("/v4/repositories/1/merge-requests/1/commits", &[]);
    assert_eq!(r.header("x-oxgit-no-route"), Some("1"));
    assert_eq!(r.json()["error_code"], "CH.00404000");
    let r = s.get("/api/conversations/x/git/unknown", &[]);
    assert_eq!(r.json()["detail"], "Not Found");
    let r = s.get("/api/conversations/x/git/changes", &[]);
    assert_eq!(r.json()["detail"], "Conversation x not found");
}

#[test]
fn single_repository_names_and_access_log() {
    let (s, _root) = single();
    let ok =
        format!("/local/demo/_apis/git/repositories/demo/commits/{C2}/changes?api-version=7.1");
    assert_eq!(s.get(&ok, &[]).status, 200);
    for bad in [
        format!("/other/demo/_apis/git/repositories/demo/commits/{C2}/changes?api-version=7.1"),
        format!("/local/demo/_apis/git/repositories/nope/commits/{C2}/changes?api-version=7.1"),
        format!("/local/_apis/git/repositories/demo/commits/{C2}/changes?api-version=7.1"),
    ] {
        assert_eq!(s.get(&bad, &[]).status, 404, "{bad}");
    }
    assert_eq!(s.get("/healthz", &[]).status, 200);
    let log = s.stderr();
    let lines: Vec<&str> = log.lines().filter(|l| l.contains(" \"GET ")).collect();
    assert_eq!(lines.len(), 5, "{log}");
    assert!(
        lines[0].contains(" 200 ") && lines[1].contains(" 404 "),
        "{log}"
    );
    assert!(lines[0].split(' ').next().unwrap().ends_with('Z'));
}

#[test]
fn refuses_public_addresses_without_credentials() {
    let root = root_with("seed-demo", &["demo"], "public");
    let out = common::run(
        {
            let mut c = common::oxgit_cmd(&root.join("demo"));
            c.args(["serve", "--listen", "0.0.0.0:0"]);
            c
        },
        b"",
    );
    assert_eq!(out.status.code(), Some(128));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("refusing to listen on 0.0.0.0:0"), "{err}");
    // Outside a repository and without --root there is nothing to serve.
    let out = common::run(
        {
            let mut c = common::oxgit_cmd(&root);
            c.args(["serve", "--listen", "127.0.0.1:0"]);
            c
        },
        b"",
    );
    assert_eq!(out.status.code(), Some(128));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not a git repository"));
    // Bad config files are refused with the reason.
    let cfg = server_support::config_file(&root, "bad.toml", "[server]\nlisten_on = 1\n");
    let out = common::run(
        {
            let mut c = common::oxgit_cmd(&root.join("demo"));
            c.args(["serve", "--config", cfg.to_str().unwrap()]);
            c
        },
        b"",
    );
    assert_eq!(out.status.code(), Some(128));
    assert!(String::from_utf8_lossy(&out.stderr).contains("listen_on"));
}
