//! The real clients, unchanged, pointed at the real binary (installed by
//! `.ci/clients.sh` into target/clients). Their parsed results are checked against git.
//!
//! Without the clients installed these tests print why and pass, except under CI
//! (`CI=true`), where a missing client is a failure.
#![cfg(feature = "server")]

mod common;
mod server_support;

use serde_json::Value;
use server_support::{config_file, root_with, Server};
use std::path::{Path, PathBuf};

fn clients_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("target/clients")
}

/// The venv's python, or `None` (with the reason printed) outside CI.
fn python() -> Option<PathBuf> {
    let p = clients_dir().join("venv/bin/python");
    if p.exists() {
        return Some(p);
    }
    let msg = format!(
        "{} missing: run .ci/clients.sh to install the real clients",
        p.display()
    );
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!("{msg}");
    }
    eprintln!("skipping: {msg}");
    None
}

fn run_azure(
    py: &Path,
    s: &Server,
    pat: &str,
    project: &str,
    repo: &str,
    commit: &str,
    page: Option<(u32, u32)>,
) -> Value {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("clients/azure_get_changes.py");
    let mut cmd = std::process::Command::new(py);
    cmd.arg(&script)
        .arg(format!("{}/fabrikam", s.base()))
        .args([pat, project, repo, commit]);
    if let Some((top, skip)) = page {
        cmd.args([top.to_string(), skip.to_string()]);
    }
    let cache = common::scratch_dir().join(format!(
        "azdo-cache-{}-{commit}-{project}",
        std::process::id()
    ));
    cmd.env("AZURE_DEVOPS_CACHE_DIR", &cache);
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "client failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// `git diff-tree -t` of a commit against its first parent as `(letter, path)`, without
/// same-id entries (Azure lists no mode-only changes), sorted by path for merges.
fn git_list(dir: &Path, commit: &str) -> Vec<(String, String)> {
    let parents =
        String::from_utf8(common::git(dir, &["rev-list", "--parents", "-n1", commit])).unwrap();
    let parents: Vec<&str> = parents.split_whitespace().skip(1).collect();
    let mut args = vec!["diff-tree", "-r", "-t", "--no-renames", "--no-commit-id"];
    if parents.is_empty() {
        args.extend(["--root", commit]);
    } else {
        args.extend([parents[0], commit]);
    }
    let out = String::from_utf8(common::git(dir, &args)).unwrap();
    let mut v: Vec<(String, String)> = out
        .lines()
        .filter_map(|l| {
            let (meta, path) = l.split_once('\t')?;
            let f: Vec<&str> = meta.split(' ').collect();
            (f[2] != f[3]).then(|| (f[4].to_string(), path.to_string()))
        })
        .collect();
    if parents.len() > 1 {
        v.sort_by(|a, b| a.1.cmp(&b.1));
    }
    v
}

fn client_list(v: &Value) -> Vec<(String, String)> {
    v["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            let letter = match c["changeType"].as_str().unwrap() {
                "add" | "rename" | "edit, rename" => "A",
                "delete" | "delete, sourceRename" => "D",
                "edit" => "M",
                other => panic!("{other}"),
            };
            (
                letter.to_string(),
                c["path"].as_str().unwrap()[1..].to_string(),
            )
        })
        .collect()
}

#[test]
fn azure_devops_python_client_get_changes() {
    let Some(py) = python() else { return };
    let root = root_with("seed-demo", &["fabrikam", "demo", "demo"], "pyclient");
    let hist_dst = root.join("fabrikam/demo/hist");
    let ok = std::process::Command::new("cp")
        .arg("-a")
        .arg(common::fixture("server-azure-history"))
        .arg(&hist_dst)
        .status()
        .unwrap();
    assert!(ok.success());
    let cfg = config_file(
        &root.join(".."),
        "pyclient.toml",
        "[azure]\ntokens = [\"the-pat\"]\n",
    );
    let s = Server::with_root(&root, &cfg);
    let demo = root.join("fabrikam/demo/demo");
    // Renames (C2), with the project segment and without it (repository GUID).
    let c2 = "15328969158d082b85585cb3c8d32d9e0dbda315";
    let full = run_azure(&py, &s, "the-pat", "demo", "demo", c2, None);
    assert_eq!(full["changeCounts"]["Delete, SourceRename"], 1);
    let renamed = full["changes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["changeType"] == "rename")
        .unwrap();
    assert_eq!(
        (
            renamed["path"].as_str(),
            renamed["sourceServerItem"].as_str()
        ),
        (Some("/docs/manual.md"), Some("/docs/guide.md"))
    );
    assert_eq!(client_list(&full), git_list(&demo, c2));
    let by_guid = run_azure(
        &py,
        &s,
        "the-pat",
        "-",
        "278d5cd2-584d-4b63-824a-2ba458937249",
        c2,
        None,
    );
    assert_eq!(by_guid, full);
    // Paging with top/skip: the pages concatenate to the whole list.
    let mut paged = Vec::new();
    for skip in (0..6).step_by(2) {
        let page = run_azure(&py, &s, "the-pat", "demo", "demo", c2, Some((2, skip)));
        assert_eq!(page["changeCounts"], full["changeCounts"]);
        paged.extend(page["changes"].as_array().unwrap().clone());
    }
    assert_eq!(Value::Array(paged), full["changes"]);
    // A root commit, a merge commit, and every other commit of the history fixture.
    let hist = common::fixture("server-azure-history");
    let commits = String::from_utf8(common::git(&hist, &["rev-list", "--all"])).unwrap();
    let merge = String::from_utf8(common::git(&hist, &["rev-parse", "merge"])).unwrap();
    let rootc = String::from_utf8(common::git(&hist, &["rev-parse", "root"])).unwrap();
    assert!(commits.contains(merge.trim()) && commits.contains(rootc.trim()));
    for c in commits.lines() {
        let got = run_azure(&py, &s, "the-pat", "demo", "hist", c, None);
        assert_eq!(client_list(&got), git_list(&hist, c), "commit {c}");
    }
    // The client reads the 401 envelope and raises its service error with our message.
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("clients/azure_get_changes.py");
    let out = std::process::Command::new(&py)
        .arg(&script)
        .arg(format!("{}/fabrikam", s.base()))
        .args(["wrong", "demo", "demo", c2])
        .env(
            "AZURE_DEVOPS_CACHE_DIR",
            common::scratch_dir().join("azdo-cache-wrong"),
        )
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("AzureDevOpsServiceError: TF400813: The user '' is not authorized"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The Node client's enum values of `VersionControlChangeType`, as JSON names.
fn change_type_name(v: &Value) -> String {
    let n = v.as_u64().unwrap_or_else(|| panic!("changeType {v}"));
    let names: Vec<&str> = [
        (1, "add"),
        (2, "edit"),
        (8, "rename"),
        (16, "delete"),
        (1024, "sourceRename"),
    ]
    .iter()
    .filter(|(f, _)| n & f != 0)
    .map(|(_, s)| *s)
    .collect();
    names.join(", ")
}

/// The official Node client, unchanged (it discovers per area: `OPTIONS {org}/_apis/git`),
/// gets what the server answers; its parsed list matches git.
#[test]
fn azure_devops_node_client_get_changes() {
    if !node_available() {
        return;
    }
    let root = root_with("seed-demo", &["fabrikam", "demo", "demo"], "nodeclient");
    let ok = std::process::Command::new("cp")
        .arg("-a")
        .arg(common::fixture("server-azure-history"))
        .arg(root.join("fabrikam/demo/hist"))
        .status()
        .unwrap();
    assert!(ok.success());
    let cfg = config_file(
        &root.join(".."),
        "nodeclient.toml",
        "[azure]\ntokens = [\"node-pat\"]\n",
    );
    let s = Server::with_root(&root, &cfg);
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("clients/azure_get_changes_node.mjs");
    let node = |project: &str, repo: &str, commit: &str, page: &[&str]| -> Value {
        let out = std::process::Command::new("node")
            .arg(&script)
            .arg(format!("{}/fabrikam", s.base()))
            .args(["node-pat", project, repo, commit])
            .args(page)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{} {}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        let mut v: Value = serde_json::from_slice(&out.stdout).unwrap();
        for c in v["changes"].as_array_mut().unwrap() {
            c["changeType"] = change_type_name(&c["changeType"]).into();
        }
        v
    };
    let raw = |project: &str, repo: &str, commit: &str, query: &str| -> Value {
        let r = s.get(
            &format!("/fabrikam/{project}/_apis/git/repositories/{repo}/commits/{commit}/changes?api-version=7.1{query}"),
            &[("Authorization", "Bearer node-pat")],
        );
        assert_eq!(r.status, 200);
        r.json()
    };
    let c2 = "15328969158d082b85585cb3c8d32d9e0dbda315";
    assert_eq!(node("demo", "demo", c2, &[]), raw("demo", "demo", c2, ""));
    assert_eq!(
        node("demo", "demo", c2, &["2", "1"]),
        raw("demo", "demo", c2, "&top=2&skip=1")
    );
    assert_eq!(
        node("-", "278d5cd2-584d-4b63-824a-2ba458937249", c2, &[]),
        raw("demo", "demo", c2, "")
    );
    let hist = common::fixture("server-azure-history");
    for tag in ["root", "edited", "moved", "merge"] {
        let c = String::from_utf8(common::git(&hist, &["rev-parse", tag]))
            .unwrap()
            .trim()
            .to_string();
        let got = node("demo", "hist", &c, &[]);
        let flat = serde_json::json!({"changes": got["changes"].as_array().unwrap().iter().map(|x| serde_json::json!({
            "path": x["item"]["path"], "changeType": x["changeType"]})).collect::<Vec<_>>()});
        assert_eq!(client_list(&flat), git_list(&hist, &c), "{tag}");
    }
    // A wrong PAT is refused through the client too.
    let out = std::process::Command::new("node")
        .arg(&script)
        .arg(format!("{}/fabrikam", s.base()))
        .args(["wrong", "demo", "demo", c2])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["error"]["status"], 401, "{v}");
}

/// A one-shot HTTP server that records the request it gets and answers `status` with
/// `body` (JSON): what a client sends, byte for byte, before the endpoint exists.
fn capture(status: u16, body: &str) -> (String, std::thread::JoinHandle<String>) {
    use std::io::{Read, Write};
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = format!("http://{}", l.local_addr().unwrap());
    let body = body.to_string();
    let h = std::thread::spawn(move || {
        let (mut c, _) = l.accept().unwrap();
        c.set_read_timeout(Some(std::time::Duration::from_secs(30)))
            .unwrap();
        let mut buf = Vec::new();
        let mut chunk = [0u8; 4096];
        while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
            let n = c.read(&mut chunk).unwrap();
            if n == 0 {
                break;
            }
            buf.extend_from_slice(&chunk[..n]);
        }
        let resp = format!(
            "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\nX-Total: 1\r\nConnection: close\r\n\r\n{body}",
            body.len()
        );
        c.write_all(resp.as_bytes()).unwrap();
        String::from_utf8_lossy(&buf).into_owned()
    });
    (addr, h)
}

fn header<'a>(req: &'a str, name: &str) -> Option<&'a str> {
    req.lines().find_map(|l| {
        let (k, v) = l.split_once(':')?;
        k.eq_ignore_ascii_case(name).then(|| v.trim())
    })
}

fn node_available() -> bool {
    let ok = clients_dir()
        .join("node/node_modules/@pierre/storage")
        .exists()
        && std::process::Command::new("node")
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success());
    if !ok {
        let msg = "node or @pierre/storage missing: run .ci/clients.sh";
        if std::env::var("CI").is_ok_and(|v| v == "true") {
            panic!("{msg}");
        }
        eprintln!("skipping: {msg}");
    }
    ok
}

/// What `@pierre/storage`'s getCommitDiff sends, and that oxgit's verifier accepts the
/// SDK's own ES256 token (the endpoint is driven in pierre_storage_sdk_commit_diff_against_git).
#[test]
fn pierre_storage_sdk_request_and_token() {
    if !node_available() {
        return;
    }
    let (base, h) = capture(401, r#"{"error":"unauthorized"}"#);
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("clients/pierre_commit_diff.mjs");
    let key = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/keys/es256.key.pem");
    let c2 = "15328969158d082b85585cb3c8d32d9e0dbda315";
    let c1 = "ebe3fe44ddb3b5bbaf75be9c9e830533231070bb";
    let out = std::process::Command::new("node")
        .arg(&script)
        .args([
            &base,
            "acme",
            key.to_str().unwrap(),
            "team/alpha",
            c2,
            "--base",
            c1,
            "--path",
            "src",
            "--path",
            "README.md",
        ])
        .output()
        .unwrap();
    let req = h.join().unwrap();
    assert_eq!(
        out.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let res: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        res["error"],
        serde_json::json!({"status": 401, "message": "unauthorized"}),
        "the SDK reads our error member"
    );
    let line = req.lines().next().unwrap();
    assert_eq!(
        line,
        format!("GET /api/v1/repos/diff?sha={c2}&baseSha={c1}&path=src&path=README.md HTTP/1.1")
    );
    assert_eq!(
        header(&req, "code-storage-agent"),
        Some("code-storage-sdk/1.17.1")
    );
    assert_eq!(header(&req, "content-type"), Some("application/json"));
    let token = header(&req, "authorization")
        .unwrap()
        .strip_prefix("Bearer ")
        .unwrap();
    let v = oxgit::server::jwt::Verifier::new(&[oxgit::server::config::IssuerConfig {
        iss: "acme".into(),
        keys: vec![oxgit::server::config::KeyConfig {
            kid: None,
            alg: "ES256".into(),
            pem: Some(include_str!("keys/es256.pub.pem").into()),
            pem_file: None,
        }],
    }])
    .unwrap();
    let claims = v
        .verify(token, oxgit::server::jwt::now())
        .expect("the SDK's token verifies");
    assert_eq!(claims.authorize(None, "git:read"), Ok("team/alpha"));
    assert_eq!(claims.sub.as_deref(), Some("@pierre/storage"));
    assert_eq!(claims.exp.unwrap() - claims.iat.unwrap(), 3600);
    assert_eq!(claims.scopes, ["git:read"]);
}

/// Runs `clients/pierre_commit_diff.mjs` (the real SDK, signing its own ES256 token as
/// issuer `acme`) against `s` for repository `repo`; returns the SDK's parsed result.
fn run_pierre(s: &Server, repo: &str, sha: &str, base: Option<&str>, paths: &[&str]) -> Value {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("clients/pierre_commit_diff.mjs");
    let key = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/keys/es256.key.pem");
    let mut cmd = std::process::Command::new("node");
    cmd.arg(&script)
        .args([&s.base(), "acme", key.to_str().unwrap(), repo, sha]);
    if let Some(b) = base {
        cmd.args(["--base", b]);
    }
    for p in paths {
        cmd.args(["--path", p]);
    }
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "SDK failed: {} {}\nserver: {}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
        s.stderr()
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// Checks the SDK's parsed commit diff against git: the files shown and withheld are
/// git's (`git diff --name-status` of `base sha -- paths`), each shown file's `raw` is
/// `git diff base sha -- <its paths>` byte for byte, its counts are git's numstat, its
/// `rawState` git's status (with the similarity) and `state` the SDK's normalisation.
fn check_pierre(dir: &Path, res: &Value, base: &str, sha: &str, paths: &[&str]) {
    assert_eq!(res["sha"], sha);
    assert_eq!(res["baseSha"], base);
    let mut args = vec!["diff", "--name-status", "-z", base, sha, "--"];
    args.extend(paths);
    let ns = common::git(dir, &args);
    let mut fields = ns
        .split(|&c| c == 0)
        .map(|f| String::from_utf8_lossy(f).into_owned());
    let mut git: Vec<(String, String, String)> = Vec::new(); // (status, path, old path)
    while let Some(st) = fields.next() {
        if st.is_empty() {
            continue;
        }
        let a = fields.next().unwrap();
        if st.starts_with('R') || st.starts_with('C') {
            let b = fields.next().unwrap();
            git.push((st, b, a));
        } else {
            git.push((st, a, String::new()));
        }
    }
    let files = res["files"].as_array().unwrap();
    let filtered = res["filteredFiles"].as_array().unwrap();
    let mut listed: Vec<&str> = files
        .iter()
        .chain(filtered)
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    listed.sort();
    let mut want: Vec<&str> = git.iter().map(|g| g.1.as_str()).collect();
    want.sort();
    assert_eq!(listed, want);
    assert_eq!(res["stats"]["files"], git.len());
    let norm = |st: &str| match &st[..1] {
        "A" => "added",
        "M" => "modified",
        "D" => "deleted",
        "R" => "renamed",
        "T" => "type_changed",
        _ => "unknown",
    };
    let (mut adds, mut dels) = (0, 0);
    for f in files.iter().chain(filtered) {
        let p = f["path"].as_str().unwrap();
        let g = git.iter().find(|g| g.1 == p).unwrap();
        assert_eq!(f["rawState"], g.0.as_str(), "{p}");
        assert_eq!(f["state"], norm(&g.0), "{p}");
        assert_eq!(f["oldPath"], g.2.as_str(), "{p}");
    }
    for f in files {
        let p = f["path"].as_str().unwrap();
        let g = git.iter().find(|g| g.1 == p).unwrap();
        let mut args = vec!["diff", base, sha, "--", p];
        if !g.2.is_empty() {
            args.push(&g.2);
        }
        let raw = common::git(dir, &args);
        assert_eq!(
            f["raw"].as_str().unwrap(),
            String::from_utf8_lossy(&raw),
            "{p}"
        );
        let mut numstat = vec!["diff", "--numstat", base, sha, "--", p];
        if !g.2.is_empty() {
            numstat.push(&g.2);
        }
        let ns = String::from_utf8(common::git(dir, &numstat)).unwrap();
        let mut it = ns.split('\t');
        let n = |x: Option<&str>| x.unwrap().parse::<u64>().unwrap_or(0);
        let (a, d) = (n(it.next()), n(it.next()));
        assert_eq!(
            (f["additions"].as_u64(), f["deletions"].as_u64()),
            (Some(a), Some(d)),
            "{p}"
        );
        adds += a;
        dels += d;
    }
    if filtered.is_empty() {
        assert_eq!(res["stats"]["additions"], adds);
        assert_eq!(res["stats"]["deletions"], dels);
    }
}

/// The real `@pierre/storage` SDK against the real server: commit diffs without and
/// with `baseSha`, with `path` filters and with filtered files, its parsed results
/// checked against git.
#[test]
fn pierre_storage_sdk_commit_diff_against_git() {
    if !node_available() {
        return;
    }
    let root = root_with("seed-demo", &["acme", "demo"], "pierre");
    common::copy_dir(
        &common::fixture("server-codestorage"),
        &root.join("acme/cases"),
    );
    let keys = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/keys");
    let cfg = config_file(
        &root.with_extension("cfg"),
        "oxgit.toml",
        &format!(
            "[[code_storage.issuers]]\niss = \"acme\"\n[[code_storage.issuers.keys]]\nalg = \"ES256\"\npem_file = \"{}\"\n",
            keys.join("es256.pub.pem").display()
        ),
    );
    let s = Server::with_root(&root, &cfg);
    let demo = common::fixture("seed-demo");
    let (c1, c2, c3) = (
        "ebe3fe44ddb3b5bbaf75be9c9e830533231070bb",
        "15328969158d082b85585cb3c8d32d9e0dbda315",
        "3d437350ad89ab35b7d884b8ee474139319e44a2",
    );
    // Without baseSha: C2 against its parent (edit, pure rename, addition).
    let res = run_pierre(&s, "demo", c2, None, &[]);
    check_pierre(&demo, &res, c1, c2, &[]);
    assert_eq!(res["files"][1]["rawState"], "R100");
    assert_eq!(res["files"][1]["oldPath"], "docs/guide.md");
    // Filtered files: C3's binary and lock file withheld, stats over all three.
    let res = run_pierre(&s, "demo", c3, None, &[]);
    check_pierre(&demo, &res, c2, c3, &[]);
    let withheld: Vec<&str> = res["filteredFiles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    assert_eq!(withheld, ["assets/logo.png", "package-lock.json"]);
    assert_eq!(res["filteredFiles"][0]["isEof"], false);
    assert_eq!(
        res["stats"],
        serde_json::json!({"files": 3, "additions": 3, "deletions": 4, "changes": 7})
    );
    // Path filters bypass filtering (the binary's raw is git's "Binary files" text).
    let res = run_pierre(&s, "demo", c3, None, &["package-lock.json", "assets"]);
    check_pierre(&demo, &res, c2, c3, &["package-lock.json", "assets"]);
    assert_eq!(res["filteredFiles"], serde_json::json!([]));
    assert_eq!(res["files"].as_array().unwrap().len(), 2);
    // baseSha, two commits apart, with a directory filter.
    let res = run_pierre(&s, "demo", c3, Some(c1), &["src", "docs"]);
    check_pierre(&demo, &res, c1, c3, &["src", "docs"]);
    // The second fixture: a merge against its first parent, then against the root
    // (renames, a type change, a mode change, odd names, filtered large files).
    let cases = common::fixture("server-codestorage");
    let rev = |r: &str| {
        String::from_utf8(common::git(&cases, &["rev-parse", r]))
            .unwrap()
            .trim()
            .to_string()
    };
    let (root_sha, merge) = (rev("root"), rev("merge"));
    let res = run_pierre(&s, "cases", &merge, None, &[]);
    check_pierre(&cases, &res, &rev("merge^1"), &merge, &[]);
    let res = run_pierre(&s, "cases", &merge, Some(&root_sha), &[]);
    check_pierre(&cases, &res, &root_sha, &merge, &[]);
    assert!(!res["filteredFiles"].as_array().unwrap().is_empty());
    let res = run_pierre(
        &s,
        "cases",
        &merge,
        Some(&root_sha),
        &["dir with space", "src"],
    );
    check_pierre(&cases, &res, &root_sha, &merge, &["dir with space", "src"]);
    // An SDK error is our error member: a commit that does not exist.
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("clients/pierre_commit_diff.mjs");
    let key = keys.join("es256.key.pem");
    let out = std::process::Command::new("node")
        .arg(&script)
        .args([
            &s.base(),
            "acme",
            key.to_str().unwrap(),
            "demo",
            &"1".repeat(40),
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        v["error"],
        serde_json::json!({"status": 404, "message": "commit not found"})
    );
}

/// What `huaweicloudsdkcodeartsrepo`'s list_merge_request_changes sends and how it
/// parses the spec's example 4.6 body.
#[test]
fn codearts_sdk_request_and_parsing() {
    let Some(py) = python() else { return };
    let body = serde_json::json!({
        "id": 1, "repository_id": 1001, "title": "Greet the world", "description": "", "state": "opened",
        "source_branch": "feature", "target_branch": "main",
        "author": {"id": 1, "name": "Ada Lovelace", "username": "ada", "state": "active", "email": "ada@example.com"},
        "web_url": "https://codearts.example/demo/merge_requests/1",
        "sha": "0f814920eda2baa4ac00d06601458808f3c26746", "change_count": 1,
        "diff_refs": {"base_sha": "3d437350ad89ab35b7d884b8ee474139319e44a2", "head_sha": "0f814920eda2baa4ac00d06601458808f3c26746", "start_sha": "336dce07c1dc70210c06c8064d114b575e84c598"},
        "added_lines": 2, "removed_lines": 0,
        "changes": [{"file_path": "scripts/run.sh", "old_path": "scripts/run.sh", "new_path": "scripts/run.sh", "a_mode": "0", "b_mode": "100755",
                     "diff": "@@ -0,0 +1,2 @@\n+#!/bin/sh\n+cargo run\n", "new_file": true, "added_lines": 2, "removed_lines": 0}],
        "create_at": "2025-03-05T18:00:00.000+08:00", "update_at": "2025-03-05T18:00:00.000+08:00"
    });
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("clients/codearts_mr_changes.py");
    let (base, h) = capture(200, &body.to_string());
    let out = std::process::Command::new(&py)
        .arg(&script)
        .args([&base, "AK1", "SK1", "proj1", "1001", "1", "iam-token"])
        .output()
        .unwrap();
    let req = h.join().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        req.lines().next().unwrap(),
        "GET /v4/repositories/1001/merge-requests/1/changes HTTP/1.1"
    );
    assert_eq!(header(&req, "x-auth-token"), Some("iam-token"));
    assert_eq!(header(&req, "x-project-id"), Some("proj1"));
    assert!(header(&req, "x-sdk-date").is_some_and(|d| d.len() == 16 && d.ends_with('Z')));
    let auth = header(&req, "authorization").unwrap();
    assert!(auth.starts_with("SDK-HMAC-SHA256 Access=AK1, SignedHeaders=content-type;host;user-agent;x-project-id;x-sdk-date, Signature="), "{auth}");
    // oxgit verifies the SDK's own AK/SK signature (and the token, either suffices).
    let mut headers = axum::http::HeaderMap::new();
    for l in req.lines().skip(1).take_while(|l| !l.is_empty()) {
        let (k, v) = l.split_once(':').unwrap();
        headers.append(
            axum::http::HeaderName::from_bytes(k.trim().as_bytes()).unwrap(),
            axum::http::HeaderValue::from_str(v.trim()).unwrap(),
        );
    }
    let uri: axum::http::Uri = "/v4/repositories/1001/merge-requests/1/changes"
        .parse()
        .unwrap();
    let keys = vec![oxgit::server::aksk::AccessKey {
        ak: "AK1".into(),
        sk: "SK1".into(),
    }];
    let now = oxgit::server::jwt::now();
    assert_eq!(
        oxgit::server::aksk::check(&axum::http::Method::GET, &uri, &headers, &keys, now),
        Ok(())
    );
    let mut cfg = oxgit::server::config::CodeArtsSection {
        access_keys: keys.clone(),
        ..Default::default()
    };
    headers.remove("x-auth-token");
    assert_eq!(
        oxgit::server::aksk::check_codearts(&axum::http::Method::GET, &uri, &headers, &cfg, now),
        Ok(())
    );
    cfg.access_keys[0].sk = "other".into();
    assert!(oxgit::server::aksk::check_codearts(
        &axum::http::Method::GET,
        &uri,
        &headers,
        &cfg,
        now
    )
    .is_err());
    let res: Value = serde_json::from_slice(&out.stdout).unwrap();
    // The SDK's model keeps the merge request's own members (as a one-element list) and
    // drops changes/diff_refs; the raw body it received is intact.
    assert_eq!(res["parsed"]["body"][0]["title"], "Greet the world");
    assert_eq!(res["parsed"]["body"][0]["author"]["username"], "ada");
    assert!(res["parsed"]["body"][0].get("changes").is_none());
    assert_eq!(res["raw"], body);
    assert_eq!(res["x_total"], "1");
    // Errors: the SDK reads error_code/error_msg.
    let (base, h) = capture(
        401,
        r#"{"error_code":"DEV.00000003","error_msg":"Authentication information expired."}"#,
    );
    let out = std::process::Command::new(&py)
        .arg(&script)
        .args([&base, "AK1", "SK1", "proj1", "1001", "1"])
        .output()
        .unwrap();
    let req = h.join().unwrap();
    assert_eq!(
        header(&req, "x-auth-token"),
        None,
        "without the hook the SDK sends only its AK/SK signature"
    );
    assert_eq!(out.status.code(), Some(2));
    let res: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        res["error"],
        serde_json::json!({"status": 401, "error_code": "DEV.00000003", "error_msg": "Authentication information expired."})
    );
}

/// Runs `clients/codearts_mr_changes.py` against `base`: `(exit code, JSON output)`.
fn run_codearts(py: &Path, base: &str, sk: &str, iid: &str, token: Option<&str>) -> (i32, Value) {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("clients/codearts_mr_changes.py");
    let mut cmd = std::process::Command::new(py);
    cmd.arg(&script)
        .args([base, "AK1", sk, "proj1", "1001", iid]);
    if let Some(t) = token {
        cmd.arg(t);
    }
    let out = cmd.output().unwrap();
    let v = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "client output not JSON ({e}): {} {}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (out.status.code().unwrap_or(-1), v)
}

/// The real `huaweicloudsdkcodeartsrepo` client against the real server: its own AK/SK
/// signature, then an IAM token through its request hook; the body it received checked
/// against git (file list at 30 % renames, every diff against git's patch).
#[test]
fn codearts_sdk_against_the_server() {
    let Some(py) = python() else { return };
    let root = root_with("seed-demo", &["demo"], "codearts-sdk");
    let repo = root.join("demo");
    let ox = |args: &[&str]| {
        let mut c = common::oxgit_cmd(&repo);
        c.args(args).env("GIT_COMMITTER_DATE", "@1741168800 +0800");
        let out = common::run(c, b"");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    ox(&[
        "mr",
        "register",
        "--root",
        root.to_str().unwrap(),
        "--id",
        "1001",
    ]);
    ox(&[
        "mr",
        "create",
        "--source",
        "feature",
        "--target",
        "main",
        "--title",
        "Greet the world",
        "--username",
        "ada",
    ]);
    let cfg = config_file(
        &root.join(".cfg"),
        "oxgit.toml",
        "[codearts]\ntokens = [\"iam-token\"]\naccess_keys = [{ ak = \"AK1\", sk = \"SK1\" }]\n",
    );
    let s = Server::with_root(&root, &cfg);
    let check = |res: &Value| {
        let raw = &res["raw"];
        let base = raw["diff_refs"]["base_sha"].as_str().unwrap();
        let head = raw["diff_refs"]["head_sha"].as_str().unwrap();
        assert_eq!(base, "3d437350ad89ab35b7d884b8ee474139319e44a2");
        assert_eq!(head, "0f814920eda2baa4ac00d06601458808f3c26746");
        let listed = String::from_utf8(common::git(
            &repo,
            &["diff", "--name-status", "--find-renames=30%", base, head],
        ))
        .unwrap();
        let want: Vec<(String, String, String)> = listed
            .lines()
            .map(|l| {
                let f: Vec<&str> = l.split('\t').collect();
                (
                    f[0][..1].to_string(),
                    f[1].to_string(),
                    f[f.len() - 1].to_string(),
                )
            })
            .collect();
        let got: Vec<(String, String, String)> = raw["changes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| {
                let letter = if c["new_file"] == true {
                    "A"
                } else if c["deleted_file"] == true {
                    "D"
                } else if c["renamed_file"] == true {
                    "R"
                } else {
                    "M"
                };
                (
                    letter.to_string(),
                    c["old_path"].as_str().unwrap().to_string(),
                    c["new_path"].as_str().unwrap().to_string(),
                )
            })
            .collect();
        assert_eq!(got, want);
        for c in raw["changes"].as_array().unwrap() {
            let (old, new) = (
                c["old_path"].as_str().unwrap(),
                c["new_path"].as_str().unwrap(),
            );
            assert_eq!(
                c["diff"].as_str().unwrap(),
                server_support::git_mr_diff(&repo, base, head, &[old, new]),
                "{new}"
            );
        }
        assert_eq!(raw["change_count"], 3);
        // The SDK's own model: the merge request's members, parsed.
        let parsed = &res["parsed"]["body"][0];
        assert_eq!(parsed["title"], "Greet the world");
        assert_eq!(parsed["state"], "opened");
        assert_eq!(parsed["author"]["username"], "ada");
        assert_eq!(parsed["repository_id"], 1001);
        assert_eq!(parsed["source_branch"], "feature");
        assert_eq!(parsed["create_at"], "2025-03-05T18:00:00.000+08:00");
        assert_eq!(
            parsed["web_url"],
            "https://codearts.example/demo/merge_requests/1"
        );
    };
    // AK/SK only, signed by the SDK.
    let (code, res) = run_codearts(&py, &s.base(), "SK1", "1", None);
    assert_eq!(code, 0, "{res}");
    check(&res);
    // A token (the SDK still signs, here with a secret the server does not know).
    let (code, res) = run_codearts(&py, &s.base(), "unknown-secret", "1", Some("iam-token"));
    assert_eq!(code, 0, "{res}");
    check(&res);
    // Refusals as the SDK reports them.
    let (code, res) = run_codearts(&py, &s.base(), "unknown-secret", "1", None);
    assert_eq!(code, 2);
    assert_eq!(
        res["error"],
        serde_json::json!({"status": 401, "error_code": "DEV.00000003", "error_msg": "Authentication information expired."})
    );
    let (code, res) = run_codearts(&py, &s.base(), "SK1", "99", None);
    assert_eq!(code, 2);
    assert_eq!(
        res["error"],
        serde_json::json!({"status": 404, "error_code": "CH.00404000", "error_msg": "Merge request not found."})
    );
}
