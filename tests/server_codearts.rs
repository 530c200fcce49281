//! CodeArts merge-request changes against the real binary: the spec's example 4.6 field
//! for field on the demo repository with MR !1, every `diff` checked against git's own
//! patch, binary and large files (4.b), errors (4.c), GitLab's collection limits, live
//! and snapshot diff_refs, and every authentication failure.
#![cfg(feature = "server")]

mod common;
mod server_support;

use common::{git, oxgit_cmd, run};
use serde_json::{json, Value};
use server_support::{config_file, git_mr_diff, root_with, Server};
use std::path::{Path, PathBuf};

const C2: &str = "15328969158d082b85585cb3c8d32d9e0dbda315";
const C3: &str = "3d437350ad89ab35b7d884b8ee474139319e44a2";
const M4: &str = "336dce07c1dc70210c06c8064d114b575e84c598";
const F1: &str = "0f814920eda2baa4ac00d06601458808f3c26746";
const TOKEN: &str = "MIIZ-test-token";
const MR1: &str = "/v4/repositories/1001/merge-requests/1/changes";

fn ox(dir: &Path, args: &[&str]) -> String {
    let mut c = oxgit_cmd(dir);
    c.args(args).env("GIT_COMMITTER_DATE", "@1741168800 +0800");
    let out = run(c, b"");
    assert!(
        out.status.success(),
        "oxgit {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn rev(dir: &Path, spec: &str) -> String {
    String::from_utf8(git(dir, &["rev-parse", spec]))
        .unwrap()
        .trim()
        .to_string()
}

/// A root holding the demo repository at `demo`, registered as repository 1001, with MR
/// !1 (`feature` → `main`, "Greet the world", by ada) created as tests/server_mr.rs does.
fn demo_root(tag: &str) -> (PathBuf, PathBuf) {
    let root = root_with("seed-demo", &["demo"], &format!("codearts-{tag}"));
    let repo = root.join("demo");
    let r = root.to_str().unwrap();
    assert_eq!(
        ox(&repo, &["mr", "register", "--root", r, "--id", "1001"]),
        "1001\n"
    );
    ox(
        &repo,
        &[
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
        ],
    );
    (root, repo)
}

fn start(root: &Path, extra: &str) -> Server {
    let cfg = config_file(
        &root.join(".cfg"),
        "oxgit.toml",
        &format!(
            "[codearts]\ntokens = [\"{TOKEN}\"]\naccess_keys = [{{ ak = \"AK1\", sk = \"SK1\" }}]\nuser_ids = {{ ada = 1 }}\n{extra}"
        ),
    );
    Server::start(
        root,
        &[
            "--root",
            root.to_str().unwrap(),
            "--config",
            cfg.to_str().unwrap(),
        ],
    )
}

fn get(s: &Server, target: &str) -> server_support::Response {
    s.get(target, &[("X-Auth-Token", TOKEN)])
}

fn refs(base: &str, head: &str, start: &str) -> Value {
    json!({"base_sha": base, "head_sha": head, "start_sha": start})
}

/// One entry of `changes` as the spec writes it.
#[allow(clippy::too_many_arguments)]
fn file(
    old: &str,
    new: &str,
    modes: (&str, &str),
    flags: (bool, bool, bool),
    diff: &str,
    counts: (u64, u64),
    refs: &Value,
) -> Value {
    json!({"file_path": new, "old_path": old, "new_path": new,
           "a_mode": modes.0, "b_mode": modes.1, "mode_changed": false, "file_type": "text_type",
           "new_file": flags.0, "renamed_file": flags.1, "deleted_file": flags.2,
           "diff": diff,
           "binary": false, "too_large": false, "collapsed": false,
           "added_lines": counts.0, "removed_lines": counts.1,
           "content_sha": refs["head_sha"], "diff_refs": refs})
}

fn example_4_6() -> Value {
    let r = refs(C3, F1, M4);
    json!({
      "id": 1, "repository_id": 1001, "title": "Greet the world", "description": "", "state": "opened",
      "source_branch": "feature", "target_branch": "main",
      "author": {"id": 1, "name": "Ada Lovelace", "username": "ada", "state": "active", "email": "ada@example.com",
                 "name_cn": "Ada Lovelace", "nick_name": "Ada Lovelace", "web_url": "https://codearts.example/ada"},
      "web_url": "https://codearts.example/demo/merge_requests/1",
      "sha": F1,
      "change_count": 3,
      "diff_refs": r,
      "added_lines": 4, "removed_lines": 1,
      "changes": [
        file("scripts/run.sh", "scripts/run.sh", ("0", "100755"), (true, false, false),
             "@@ -0,0 +1,2 @@\n+#!/bin/sh\n+cargo run\n", (2, 0), &r),
        file("src/main.rs", "src/main.rs", ("100644", "100644"), (false, false, false),
             "@@ -1,3 +1,3 @@\n fn main() {\n-    println!(\"hi\");\n+    println!(\"hello, world\");\n }\n", (1, 1), &r),
        file("src/lib.rs", "src/math.rs", ("100644", "100644"), (false, true, false),
             "@@ -1,3 +1,4 @@\n+// Math helpers.\n pub fn add(a: i32, b: i32) -> i32 {\n     a + b\n }\n", (1, 0), &r),
      ],
      "create_at": "2025-03-05T18:00:00.000+08:00", "update_at": "2025-03-05T18:00:00.000+08:00"
    })
}

/// Every file's `diff` (unless emptied by a limit) is git's patch for it, and the list is
/// git's `--name-status` list at 30 % renames, in order.
fn check_against_git(dir: &Path, body: &Value) {
    let base = body["diff_refs"]["base_sha"].as_str().unwrap();
    let head = body["diff_refs"]["head_sha"].as_str().unwrap();
    let changes = body["changes"].as_array().unwrap();
    let listed = String::from_utf8(git(
        dir,
        &["diff", "--name-status", "--find-renames=30%", base, head],
    ))
    .unwrap();
    let git_paths: Vec<String> = listed
        .lines()
        .map(|l| l.split('\t').next_back().unwrap().to_string())
        .collect();
    let ours: Vec<String> = changes
        .iter()
        .map(|c| c["file_path"].as_str().unwrap().to_string())
        .collect();
    if body.get("overflow").is_none() {
        assert_eq!(ours, git_paths);
    } else {
        assert!(git_paths.starts_with(&ours), "{ours:?} {git_paths:?}");
    }
    for c in changes {
        let (old, new) = (
            c["old_path"].as_str().unwrap(),
            c["new_path"].as_str().unwrap(),
        );
        let want = git_mr_diff(dir, base, head, &[old, new]);
        if c["collapsed"] == true || c["too_large"] == true {
            assert_eq!(c["diff"], "", "{new}");
            assert!(!want.is_empty(), "{new}");
        } else {
            assert_eq!(c["diff"].as_str().unwrap(), want, "{new}");
        }
    }
}

#[test]
fn spec_example_4_6_field_for_field() {
    let (root, repo) = demo_root("example");
    let s = start(&root, "");
    let r = get(&s, MR1);
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    assert_eq!(r.header("content-type"), Some("application/json"));
    let body = r.json();
    assert_eq!(body, example_4_6());
    // Member order as the spec writes it.
    let keys: Vec<&String> = body.as_object().unwrap().keys().collect();
    assert_eq!(keys.first().map(|k| k.as_str()), Some("id"));
    assert_eq!(keys.last().map(|k| k.as_str()), Some("update_at"));
    check_against_git(&repo, &body);
    // Nothing moved: no new version was recorded by the request.
    assert_eq!(
        String::from_utf8(git(
            &repo,
            &["rev-list", "--count", "refs/oxgit/merge-requests/1"]
        ))
        .unwrap()
        .trim(),
        "1"
    );
    // The README change on main is not in the list (three-dot diff from the merge base).
    assert!(!String::from_utf8_lossy(&r.body).contains("README"));
}

/// A text file whose new-file patch (from `@@`) is exactly `size` bytes.
fn content_with_patch_size(size: usize) -> Vec<u8> {
    for n in 1usize.. {
        let header = format!("@@ -0,0 +1,{n} @@\n").len();
        // n - 1 lines of 100 bytes, one last line of 1 to 100 bytes; each line gets a `+`.
        let fixed = header + n + 100 * (n - 1);
        if fixed < size && size - fixed <= 100 {
            let last = size - fixed;
            let mut out = Vec::with_capacity(size);
            for i in 0..n - 1 {
                let line = format!("{i:08} {}\n", "x".repeat(90));
                assert_eq!(line.len(), 100);
                out.extend_from_slice(line.as_bytes());
            }
            out.extend(vec![b'y'; last - 1]);
            out.push(b'\n');
            return out;
        }
    }
    unreachable!()
}

fn commit_files(dir: &Path, branch: &str, from: &str, files: &[(&str, Vec<u8>)]) -> String {
    git(dir, &["checkout", "-q", "-b", branch, from]);
    for (name, content) in files {
        let p = dir.join(name);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(&p, content).unwrap();
        git(dir, &["add", name]);
    }
    git(dir, &["commit", "-q", "-m", &format!("{branch} files")]);
    git(dir, &["checkout", "-q", "main"]);
    rev(dir, branch)
}

fn mr(dir: &Path, source: &str, target: &str) -> u64 {
    let out = ox(
        dir,
        &[
            "mr", "create", "--source", source, "--target", target, "--title", source,
        ],
    );
    out.trim_start_matches('!')
        .split(' ')
        .next()
        .unwrap()
        .parse()
        .unwrap()
}

fn changes_of(s: &Server, iid: u64) -> Value {
    let r = get(
        s,
        &format!("/v4/repositories/1001/merge-requests/{iid}/changes"),
    );
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    r.json()
}

fn by_path<'a>(body: &'a Value, path: &str) -> &'a Value {
    body["changes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["file_path"] == path)
        .unwrap_or_else(|| panic!("{path} not listed: {body}"))
}

#[test]
fn binary_collapsed_and_too_large_4b() {
    let (root, repo) = demo_root("large");
    let medium = content_with_patch_size(25_000);
    let huge = content_with_patch_size(210_000);
    // `big` adds two large files on top of main; `old` is C2, before the logo existed.
    commit_files(
        &repo,
        "big",
        "main",
        &[("medium.txt", medium.clone()), ("huge.txt", huge.clone())],
    );
    git(&repo, &["branch", "old", C2]);
    let iid = mr(&repo, "big", "old");
    let s = start(&root, "");
    let body = changes_of(&s, iid);
    assert_eq!(body["diff_refs"]["base_sha"], C2);
    assert_eq!(body["diff_refs"]["start_sha"], C2);
    let paths: Vec<&str> = body["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["file_path"].as_str().unwrap())
        .collect();
    assert_eq!(
        paths,
        [
            "README.md",
            "assets/logo.png",
            "docs/manual.md",
            "huge.txt",
            "medium.txt",
            "package-lock.json"
        ]
    );
    check_against_git(&repo, &body);
    let head = rev(&repo, "big");
    // git's own patch sizes are the ones the example names.
    assert_eq!(git_mr_diff(&repo, C2, &head, &["medium.txt"]).len(), 25_000);
    assert_eq!(git_mr_diff(&repo, C2, &head, &["huge.txt"]).len(), 210_000);
    let logo = by_path(&body, "assets/logo.png");
    assert_eq!(
        logo["diff"],
        "Binary files /dev/null and b/assets/logo.png differ\n"
    );
    assert_eq!(logo["binary"], true);
    assert_eq!(logo["file_type"], "binary_type");
    assert_eq!(logo["new_file"], true);
    assert_eq!(
        (logo["added_lines"].as_u64(), logo["removed_lines"].as_u64()),
        (Some(0), Some(0))
    );
    let m = by_path(&body, "medium.txt");
    assert_eq!(
        (&m["diff"], &m["collapsed"], &m["too_large"]),
        (&json!(""), &json!(true), &json!(false))
    );
    let medium_lines = medium.iter().filter(|&&c| c == b'\n').count();
    assert_eq!(m["added_lines"], medium_lines);
    let h = by_path(&body, "huge.txt");
    assert_eq!((&h["diff"], &h["too_large"]), (&json!(""), &json!(true)));
    let deleted = by_path(&body, "docs/manual.md");
    assert_eq!(deleted["deleted_file"], true);
    assert_eq!(deleted["b_mode"], "0");
    assert_eq!(deleted["content_sha"], C2, "deleted files name the base");
    assert_eq!(by_path(&body, "README.md")["content_sha"], head);
    assert!(body.get("overflow").is_none());
    assert_eq!(body["change_count"], 6);
    // Top-level counts are the sums over the files.
    let sum = |k: &str| -> u64 {
        body["changes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c[k].as_u64().unwrap())
            .sum()
    };
    assert_eq!(body["added_lines"], sum("added_lines"));
    assert_eq!(body["removed_lines"], sum("removed_lines"));

    // A single-file merge request is never collapsed, but can be too large.
    commit_files(&repo, "one", "main", &[("medium.txt", medium.clone())]);
    let one = changes_of(&s, mr(&repo, "one", "main"));
    assert_eq!(one["change_count"], 1);
    assert_eq!(one["changes"][0]["collapsed"], false);
    assert_eq!(one["changes"][0]["diff"].as_str().unwrap().len(), 25_000);
    check_against_git(&repo, &one);
    commit_files(&repo, "onehuge", "main", &[("huge.txt", huge)]);
    let one = changes_of(&s, mr(&repo, "onehuge", "main"));
    assert_eq!(one["changes"][0]["too_large"], true);
    assert_eq!(one["changes"][0]["collapsed"], false);
    assert_eq!(one["changes"][0]["diff"], "");
}

#[test]
fn limits_configured_and_integer_modes() {
    let (root, repo) = demo_root("limits");
    // A 3-line file, then a 200-line one.
    let long: Vec<u8> = (0..200)
        .flat_map(|i| format!("line {i}\n").into_bytes())
        .collect();
    commit_files(
        &repo,
        "lines",
        "main",
        &[("a.txt", b"1\n2\n3\n".to_vec()), ("b.txt", long)],
    );
    let iid = mr(&repo, "lines", "main");
    let url = format!("/v4/repositories/1001/merge-requests/{iid}/changes");
    // Line limit 100 (safe 10): a.txt is shown, b.txt pushes past the limit and is dropped.
    let s = start(&root, "max_lines = 100\n");
    let body = get(&s, &url).json();
    assert_eq!(body["overflow"], true);
    assert_eq!(body["change_count"], 1);
    assert_eq!(body["changes"][0]["file_path"], "a.txt");
    assert_eq!(body["changes"][0]["collapsed"], false);
    check_against_git(&repo, &body);
    drop(s);
    // File limit 1 (safe 0): the first file is collapsed, the second overflows.
    let s = start(&root, "max_files = 1\n");
    let body = get(&s, &url).json();
    assert_eq!(body["overflow"], true);
    assert_eq!(body["change_count"], 1);
    assert_eq!(body["changes"][0]["file_path"], "a.txt");
    assert_eq!(body["changes"][0]["collapsed"], true);
    assert_eq!(body["changes"][0]["diff"], "");
    // The demo MR with the defaults has no overflow member; integer modes on request.
    drop(s);
    let s = start(&root, "integer_modes = true\n");
    let body = get(&s, MR1).json();
    assert!(body.get("overflow").is_none());
    assert_eq!(body["changes"][0]["a_mode"], 0);
    assert_eq!(body["changes"][0]["b_mode"], 0o100755);
    assert_eq!(body["changes"][1]["a_mode"], 33188);
    // A per-file size limit from the config: 60 bytes (collapsed from 6).
    drop(s);
    let s = start(&root, "max_patch_bytes = 60\n");
    let body = get(&s, MR1).json();
    let flags: Vec<(bool, bool)> = body["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["too_large"] == true, c["collapsed"] == true))
        .collect();
    // run.sh's patch is 38 bytes, main.rs's 83, math.rs's 85.
    assert_eq!(flags, [(false, true), (true, false), (true, false)]);
    assert_eq!(git_mr_diff(&repo, C3, F1, &["scripts/run.sh"]).len(), 38);
}

#[test]
fn closed_is_a_snapshot_open_follows_the_branches() {
    let (root, repo) = demo_root("versions");
    let s = start(&root, "");
    // Move feature: the open MR follows it and records a new version.
    git(&repo, &["checkout", "-q", "feature"]);
    std::fs::write(
        repo.join("src/main.rs"),
        "fn main() {\n    println!(\"bye\");\n}\n",
    )
    .unwrap();
    git(&repo, &["commit", "-q", "-am", "bye"]);
    git(&repo, &["checkout", "-q", "main"]);
    let moved = rev(&repo, "feature");
    let body = changes_of(&s, 1);
    assert_eq!(body["diff_refs"], refs(C3, &moved, M4));
    assert_eq!(body["sha"], moved);
    check_against_git(&repo, &body);
    assert!(by_path(&body, "src/main.rs")["diff"]
        .as_str()
        .unwrap()
        .contains("+    println!(\"bye\");\n"));
    assert_eq!(
        String::from_utf8(git(
            &repo,
            &["rev-list", "--count", "refs/oxgit/merge-requests/1"]
        ))
        .unwrap()
        .trim(),
        "2"
    );
    assert_eq!(rev(&repo, "refs/merge-requests/1/head"), moved);
    // Close it, move the branch again: the closed MR keeps its last version.
    ox(&repo, &["mr", "close", "1"]);
    git(&repo, &["checkout", "-q", "feature"]);
    git(&repo, &["commit", "-q", "--allow-empty", "-m", "later"]);
    git(&repo, &["checkout", "-q", "main"]);
    let closed = changes_of(&s, 1);
    assert_eq!(closed["state"], "closed");
    assert_eq!(closed["diff_refs"], refs(C3, &moved, M4));
    assert_eq!(closed["changes"], body["changes"]);
    // Deleting the branch does not change what a closed MR shows.
    git(&repo, &["branch", "-D", "feature"]);
    assert_eq!(changes_of(&s, 1)["changes"], body["changes"]);
}

#[test]
fn errors_4c() {
    let (root, _repo) = demo_root("errors");
    let s = start(&root, "");
    let not_found = json!({"error_code": "CH.00404000", "error_msg": "Merge request not found."});
    let bad = json!({"error_code": "CH.00405011", "error_msg": "Request error."});
    for (target, status, body) in [
        (
            "/v4/repositories/1001/merge-requests/99/changes",
            404,
            not_found.clone(),
        ),
        (
            "/v4/repositories/1001/merge-requests/2147483647/changes",
            404,
            not_found,
        ),
        (
            "/v4/repositories/7/merge-requests/1/changes",
            404,
            json!({"error_code": "CH.00404000", "error_msg": "Repository not found."}),
        ),
        (
            "/v4/repositories/1001/merge-requests/abc/changes",
            400,
            bad.clone(),
        ),
        (
            "/v4/repositories/1001/merge-requests/0/changes",
            400,
            bad.clone(),
        ),
        (
            "/v4/repositories/1001/merge-requests/2147483648/changes",
            400,
            bad.clone(),
        ),
        (
            "/v4/repositories/1001/merge-requests/-1/changes",
            400,
            bad.clone(),
        ),
        (
            "/v4/repositories/abc/merge-requests/1/changes",
            400,
            bad.clone(),
        ),
        ("/v4/repositories/%2e%2e/merge-requests/1/changes", 400, bad),
    ] {
        let r = get(&s, target);
        assert_eq!(r.status, status, "{target}");
        assert_eq!(r.json(), body, "{target}");
    }
}

/// `YYYYMMDDTHHMMSSZ` of Unix time `t`.
fn sdk_date(t: i64) -> String {
    let (y, m, d) = oxgit::object::date::civil_from_days(t.div_euclid(86_400));
    let r = t.rem_euclid(86_400);
    format!(
        "{y:04}{m:02}{d:02}T{:02}{:02}{:02}Z",
        r / 3600,
        r % 3600 / 60,
        r % 60
    )
}

/// Headers of a request signed as the Huawei SDKs sign it, at time `t` with secret `sk`.
fn signed(s: &Server, target: &str, t: i64, sk: &str) -> Vec<(String, String)> {
    use axum::http::{HeaderMap, HeaderValue, Method};
    let mut h = HeaderMap::new();
    h.insert("host", HeaderValue::from_str(&s.addr).unwrap());
    h.insert("x-sdk-date", HeaderValue::from_str(&sdk_date(t)).unwrap());
    h.insert("x-project-id", HeaderValue::from_static("proj1"));
    let key = oxgit::server::aksk::AccessKey {
        ak: "AK1".into(),
        sk: sk.into(),
    };
    let auth = oxgit::server::aksk::authorization(&Method::GET, &target.parse().unwrap(), &h, &key)
        .unwrap();
    vec![
        ("X-Sdk-Date".into(), sdk_date(t)),
        ("X-Project-Id".into(), "proj1".into()),
        ("Authorization".into(), auth),
    ]
}

#[test]
fn every_auth_failure() {
    let (root, _repo) = demo_root("auth");
    let s = start(&root, "");
    let expired =
        json!({"error_code": "DEV.00000003", "error_msg": "Authentication information expired."});
    let now = oxgit::server::jwt::now();
    let cases: Vec<(&str, Vec<(String, String)>)> = vec![
        ("missing", vec![]),
        ("wrong token", vec![("X-Auth-Token".into(), "nope".into())]),
        ("empty token", vec![("X-Auth-Token".into(), "".into())]),
        ("bad signature", signed(&s, MR1, now, "other-secret")),
        ("expired date", signed(&s, MR1, now - 20 * 60, "SK1")),
        ("future date", signed(&s, MR1, now + 20 * 60, "SK1")),
        (
            "signed for another path",
            signed(
                &s,
                "/v4/repositories/1001/merge-requests/2/changes",
                now,
                "SK1",
            ),
        ),
        (
            "not a signature",
            vec![("Authorization".into(), "Basic QUsxOlNLMQ==".into())],
        ),
    ];
    for (what, headers) in &cases {
        let h: Vec<(&str, &str)> = headers
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let r = s.get(MR1, &h);
        assert_eq!(r.status, 401, "{what}");
        assert_eq!(r.json(), expired, "{what}");
    }
    // Refused before anything else: a bad iid without credentials is still 401.
    assert_eq!(
        s.get("/v4/repositories/1001/merge-requests/abc/changes", &[])
            .status,
        401
    );
    // A token or a good signature (within the 15-minute window) is accepted.
    assert_eq!(get(&s, MR1).json(), example_4_6());
    for t in [now, now - 10 * 60] {
        let headers = signed(&s, MR1, t, "SK1");
        let h: Vec<(&str, &str)> = headers
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let r = s.get(MR1, &h);
        assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
        assert_eq!(r.json(), example_4_6());
    }
}

/// Without `--root`, the repository served alone answers to its configured id.
#[test]
fn single_repository() {
    let (_root, repo) = demo_root("single");
    // Registered as 1001 in its config by `mr register`.
    let s = Server::start(&repo, &[]);
    assert!(
        s.banner
            .iter()
            .any(|l| l.ends_with("/v4/repositories/1001/merge-requests/1/changes")),
        "{:?}",
        s.banner
    );
    let r = s.get(MR1, &[]);
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    let mut want = example_4_6();
    want["author"]["id"] = Value::Null;
    assert_eq!(r.json(), want);
    assert_eq!(
        s.get("/v4/repositories/1/merge-requests/1/changes", &[])
            .status,
        404
    );
}

/// Mode-only change, type change, empty new file, no trailing newline, binary edit and
/// deletion, a non-ASCII path, a hunk with a function name: each `diff` is git's.
#[test]
fn per_file_edge_cases_match_git() {
    let (root, repo) = demo_root("edge");
    git(&repo, &["checkout", "-q", "-b", "edge", "main"]);
    let long: String = (0..40).map(|i| format!("    line {i}\n")).collect();
    std::fs::write(
        repo.join("func.c"),
        format!("int main(void)\n{{\n{long}}}\n"),
    )
    .unwrap();
    git(&repo, &["add", "func.c"]);
    git(&repo, &["commit", "-q", "-m", "func"]);
    let base_of_edge = rev(&repo, "HEAD");
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(
        repo.join("README.md"),
        std::fs::Permissions::from_mode(0o755),
    )
    .unwrap();
    git(&repo, &["rm", "-q", "src/lib.rs"]);
    std::os::unix::fs::symlink("main.rs", repo.join("src/lib.rs")).unwrap();
    std::fs::write(repo.join("empty.txt"), b"").unwrap();
    std::fs::write(repo.join("no-newline.txt"), b"one\ntwo").unwrap();
    std::fs::write(
        repo.join("assets/logo.png"),
        b"\x89PNG\r\n\x1a\n\0\0\0\rIHDRx",
    )
    .unwrap();
    std::fs::write(repo.join("caf\u{e9}.txt"), "caf\u{e9}\n").unwrap();
    std::fs::write(
        repo.join("func.c"),
        format!(
            "int main(void)\n{{\n{}}}\n",
            long.replace("    line 30\n", "    line thirty\n")
        ),
    )
    .unwrap();
    std::fs::remove_file(repo.join("package-lock.json")).unwrap();
    git(&repo, &["add", "-A", "--", ".", ":!.done"]);
    git(&repo, &["commit", "-q", "-m", "edge cases"]);
    git(&repo, &["checkout", "-q", "main"]);
    git(&repo, &["branch", "edge-base", &base_of_edge]);
    let s = start(&root, "");
    let body = changes_of(&s, mr(&repo, "edge", "edge-base"));
    let c = |p: &str| by_path(&body, p).clone();
    for p in [
        "README.md",
        "assets/logo.png",
        "caf\u{e9}.txt",
        "empty.txt",
        "func.c",
        "no-newline.txt",
        "package-lock.json",
    ] {
        let f = c(p);
        let want = git_mr_diff(
            &repo,
            &base_of_edge,
            body["sha"].as_str().unwrap(),
            &[f["old_path"].as_str().unwrap()],
        );
        assert_eq!(f["diff"].as_str().unwrap(), want, "{p}");
    }
    let readme = c("README.md");
    assert_eq!(
        (&readme["a_mode"], &readme["b_mode"]),
        (&json!("100644"), &json!("100755"))
    );
    assert_eq!(
        (&readme["mode_changed"], &readme["diff"]),
        (&json!(true), &json!(""))
    );
    assert_eq!(c("empty.txt")["diff"], "");
    assert_eq!(c("empty.txt")["new_file"], true);
    assert_eq!(c("empty.txt")["mode_changed"], false);
    assert!(c("no-newline.txt")["diff"]
        .as_str()
        .unwrap()
        .ends_with("+two\n\\ No newline at end of file\n"));
    assert_eq!(
        c("assets/logo.png")["diff"],
        "Binary files a/assets/logo.png and b/assets/logo.png differ\n"
    );
    assert!(c("func.c")["diff"]
        .as_str()
        .unwrap()
        .starts_with("@@ -30,7 +30,7 @@ int main(void)\n"));
    let lock = c("package-lock.json");
    assert_eq!(
        (&lock["deleted_file"], &lock["b_mode"]),
        (&json!(true), &json!("0"))
    );
    // A type change: one entry, modes of both sides, the deletion's and the addition's
    // hunks in git's order.
    let t = c("src/lib.rs");
    assert_eq!(
        (&t["a_mode"], &t["b_mode"]),
        (&json!("100644"), &json!("120000"))
    );
    assert_eq!(t["mode_changed"], true);
    assert_eq!(
        t["diff"],
        "@@ -1,3 +0,0 @@\n-pub fn add(a: i32, b: i32) -> i32 {\n-    a + b\n-}\n@@ -0,0 +1 @@\n+main.rs\n\\ No newline at end of file\n"
    );
}

/// A registry entry that leads outside the root is never served.
#[test]
fn registry_entries_outside_the_root_are_refused() {
    let (root, _repo) = demo_root("outside");
    let outside = root_with("seed-demo", &["elsewhere"], "codearts-outside-target");
    std::os::unix::fs::symlink(outside.join("elsewhere"), root.join("escape")).unwrap();
    std::fs::write(
        root.join(".oxgit/codearts-repos.toml"),
        "[[repository]]\nid = 1001\npath = \"demo\"\n\n[[repository]]\nid = 1002\npath = \"../outside\"\n\n[[repository]]\nid = 1003\npath = \"escape\"\n",
    )
    .unwrap();
    let s = start(&root, "");
    assert_eq!(get(&s, MR1).status, 200);
    for id in [1002, 1003] {
        let r = get(
            &s,
            &format!("/v4/repositories/{id}/merge-requests/1/changes"),
        );
        assert_eq!(r.status, 404, "{id}");
        assert_eq!(
            r.json(),
            json!({"error_code": "CH.00404000", "error_msg": "Repository not found."})
        );
    }
}

/// Concurrent requests after the source branch moved: all answer the live version, and
/// exactly one new version is recorded (the writers compare and swap; a loser still
/// answers the live version).
#[test]
fn concurrent_refreshes_record_one_version() {
    let (root, repo) = demo_root("concurrent");
    let s = start(&root, "");
    git(&repo, &["checkout", "-q", "feature"]);
    git(&repo, &["commit", "-q", "--allow-empty", "-m", "moved"]);
    git(&repo, &["checkout", "-q", "main"]);
    let moved = rev(&repo, "feature");
    let s = std::sync::Arc::new(s);
    let handles: Vec<_> = (0..6)
        .map(|_| {
            let s = s.clone();
            std::thread::spawn(move || {
                let r = get(&s, MR1);
                (r.status, r.json())
            })
        })
        .collect();
    for h in handles {
        let (status, body) = h.join().unwrap();
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["diff_refs"], refs(C3, &moved, M4));
        assert_eq!(body["change_count"], 3);
    }
    let versions = String::from_utf8(git(
        &repo,
        &["log", "--format=%B", "refs/oxgit/merge-requests/1"],
    ))
    .unwrap();
    assert_eq!(
        versions.matches(&format!("head_sha {moved}\n")).count(),
        1,
        "{versions}"
    );
    git(&repo, &["fsck", "--strict", "--no-dangling"]);
}

/// A SHA-256 repository: ids in its own format throughout.
#[test]
fn sha256_repository() {
    let root = common::scratch_dir().join(format!("codearts-sha256-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    let repo = root.join("r");
    std::fs::create_dir_all(&repo).unwrap();
    git(
        &repo,
        &["init", "-q", "--object-format=sha256", "-b", "main"],
    );
    std::fs::write(repo.join("a.txt"), "one\n").unwrap();
    git(&repo, &["add", "a.txt"]);
    git(&repo, &["commit", "-q", "-m", "one"]);
    git(&repo, &["checkout", "-q", "-b", "topic"]);
    std::fs::write(repo.join("a.txt"), "one\ntwo\n").unwrap();
    git(&repo, &["commit", "-q", "-am", "two"]);
    git(&repo, &["checkout", "-q", "main"]);
    ox(
        &repo,
        &[
            "mr",
            "register",
            "--root",
            root.to_str().unwrap(),
            "--id",
            "1001",
        ],
    );
    let iid = mr(&repo, "topic", "main");
    let s = start(&root, "");
    let body = changes_of(&s, iid);
    let head = rev(&repo, "topic");
    assert_eq!(head.len(), 64);
    assert_eq!(body["sha"], head);
    assert_eq!(
        body["diff_refs"],
        refs(&rev(&repo, "main"), &head, &rev(&repo, "main"))
    );
    assert_eq!(body["changes"][0]["diff"], "@@ -1 +1,2 @@\n one\n+two\n");
    assert_eq!(body["changes"][0]["content_sha"], head);
    std::fs::remove_dir_all(&root).unwrap();
}
