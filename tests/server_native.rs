//! The native JSON API (`/repos/{repo}/changes|stats|diff`) on the real `oxgit serve`
//! binary over HTTP, checked against git on the same repository (fixtures/seed-demo.sh):
//! the change list against `git diff --raw -M --no-abbrev`, the counts against
//! `git diff --numstat -M`, the hunks against the `@@` headers of `git diff -M`; plus the
//! error statuses and traversal refusals.
#![cfg(feature = "server")]

mod common;
mod server_support;

use serde_json::Value;
use server_support::{config_file, root_with, Server};
use std::path::{Path, PathBuf};

const EMPTY_TREE: &str = "4b825dc642cb6eb9a060e54bf8d69288fbee4904";

fn server() -> (Server, PathBuf) {
    let root = root_with("seed-demo", &["demo"], "native");
    let s = Server::start(&root, &["--root", root.to_str().unwrap()]);
    (s, root.join("demo"))
}

fn text(b: Vec<u8>) -> String {
    String::from_utf8(b).unwrap()
}

/// The two revisions git compares for a request: `from` or else `to`'s first parent
/// (the empty tree for a root commit).
fn git_sides(repo: &Path, from: Option<&str>, to: &str) -> (String, String) {
    let from = match from {
        Some(f) => f.to_string(),
        None => {
            let out = common::run(
                {
                    let mut c = common::git_cmd(repo);
                    c.args(["rev-parse", "--verify", "-q", &format!("{to}^")]);
                    c
                },
                b"",
            );
            match out.status.success() {
                true => text(out.stdout).trim().to_string(),
                false => EMPTY_TREE.to_string(),
            }
        }
    };
    (from, to.to_string())
}

fn git_diff(repo: &Path, sides: &(String, String), flags: &[&str], paths: &[&str]) -> String {
    let mut args = vec!["diff", "-M"];
    args.extend(flags);
    args.extend([sides.0.as_str(), sides.1.as_str(), "--"]);
    args.extend(paths);
    text(common::git(repo, &args))
}

/// `(status, score, old_path, path, old_mode, new_mode, old_id, new_id)` per raw line.
fn raw_changes(raw: &str) -> Vec<[String; 8]> {
    raw.lines()
        .map(|l| {
            let (meta, names) = l.split_once('\t').unwrap();
            let m: Vec<&str> = meta.trim_start_matches(':').split(' ').collect();
            let names: Vec<&str> = names.split('\t').collect();
            let (letter, score) = m[4].split_at(1);
            let (old_path, path) = match names.as_slice() {
                [old, new] => (old.to_string(), new.to_string()),
                [one] => (String::new(), one.to_string()),
                _ => panic!("{l}"),
            };
            [
                letter.into(),
                score
                    .parse::<u32>()
                    .map_or(String::new(), |n| n.to_string()),
                old_path,
                path,
                m[0].into(),
                m[1].into(),
                m[2].into(),
                m[3].into(),
            ]
        })
        .collect()
}

fn json_changes(list: &Value) -> Vec<[String; 8]> {
    let s = |v: &Value| v.as_str().unwrap_or("").to_string();
    list.as_array()
        .unwrap()
        .iter()
        .map(|c| {
            [
                s(&c["status"]),
                c["score"].as_u64().map_or(String::new(), |n| n.to_string()),
                s(&c["old_path"]),
                s(&c["path"]),
                s(&c["old_mode"]),
                s(&c["new_mode"]),
                s(&c["old_id"]),
                s(&c["new_id"]),
            ]
        })
        .collect()
}

/// `(path, additions, deletions, binary)` from `--numstat -z`.
fn numstat(z: &str) -> Vec<(String, u64, u64, bool)> {
    let mut out = Vec::new();
    let mut it = z.split('\0').filter(|s| !s.is_empty());
    while let Some(rec) = it.next() {
        let mut f = rec.splitn(3, '\t');
        let (a, d, p) = (f.next().unwrap(), f.next().unwrap(), f.next().unwrap());
        let path = match p {
            "" => {
                it.next().unwrap();
                it.next().unwrap().to_string()
            }
            p => p.to_string(),
        };
        let n = |s: &str| s.parse().unwrap_or(0);
        out.push((path, n(a), n(d), a == "-"));
    }
    out
}

/// Every `@@ -a,b +c,d @@` of a patch, in order.
fn hunk_headers(patch: &str) -> Vec<[u64; 4]> {
    let range = |r: &str| -> (u64, u64) {
        match r.split_once(',') {
            Some((s, n)) => (s.parse().unwrap(), n.parse().unwrap()),
            None => (r.parse().unwrap(), 1),
        }
    };
    patch
        .lines()
        .filter(|l| l.starts_with("@@ -"))
        .map(|l| {
            let w: Vec<&str> = l.split(' ').collect();
            let (a, b) = range(&w[1][1..]);
            let (c, d) = range(&w[2][1..]);
            [a, b, c, d]
        })
        .collect()
}

fn query(from: Option<&str>, to: Option<&str>, paths: &[&str]) -> String {
    let mut q = Vec::new();
    if let Some(f) = from {
        q.push(format!("from={f}"));
    }
    if let Some(t) = to {
        q.push(format!("to={t}"));
    }
    q.extend(paths.iter().map(|p| format!("path={p}")));
    q.join("&")
}

fn get_json(s: &Server, target: &str) -> Value {
    let r = s.get(target, &[]);
    assert_eq!(
        r.status,
        200,
        "{target}: {}",
        String::from_utf8_lossy(&r.body)
    );
    assert_eq!(
        r.header("content-type"),
        Some("application/json"),
        "{target}"
    );
    r.json()
}

#[test]
fn endpoints_agree_with_git() {
    let (s, repo) = server();
    let cases: &[(Option<&str>, Option<&str>, &[&str])] = &[
        (None, None, &[]),
        (None, Some("main~3"), &[]),
        (None, Some("main~2"), &[]),
        (None, Some("feature"), &[]),
        (Some("main~3"), Some("feature"), &[]),
        (Some("main~3"), None, &[]),
        (Some("feature"), Some("main"), &[]),
        (Some("main~3"), Some("feature"), &["src"]),
        (Some("main~3"), Some("feature"), &["README.md", "scripts"]),
        (Some("main~3"), Some("main"), &["*.md"]),
    ];
    let mut nonempty = 0;
    for &(from, to, paths) in cases {
        let q = query(from, to, paths);
        let sides = git_sides(&repo, from, to.unwrap_or("HEAD"));
        let raw = git_diff(&repo, &sides, &["--raw", "--no-abbrev"], paths);
        let nums = numstat(&git_diff(&repo, &sides, &["--numstat", "-z"], paths));
        let patch = git_diff(&repo, &sides, &[], paths);
        let want = raw_changes(&raw);
        nonempty += usize::from(!want.is_empty());

        let changes = get_json(&s, &format!("/repos/demo/changes?{q}"));
        assert_eq!(json_changes(&changes["changes"]), want, "changes {q}");
        let rev = |r: &str| {
            text(common::git(&repo, &["rev-parse", r]))
                .trim()
                .to_string()
        };
        assert_eq!(changes["new"], rev(&sides.1), "{q}");
        if sides.0 == EMPTY_TREE {
            assert!(changes["old"].is_null(), "{q}");
        } else {
            assert_eq!(changes["old"], rev(&sides.0), "{q}");
        }

        let stats = get_json(&s, &format!("/repos/demo/stats?{q}"));
        let adds: u64 = nums.iter().map(|n| n.1).sum();
        let dels: u64 = nums.iter().map(|n| n.2).sum();
        assert_eq!(stats["files"], nums.len() as u64, "stats {q}");
        assert_eq!(stats["additions"], adds, "stats {q}");
        assert_eq!(stats["deletions"], dels, "stats {q}");
        assert_eq!(stats["changes"], adds + dels, "stats {q}");

        let diff = get_json(&s, &format!("/repos/demo/diff?{q}"));
        let files = diff["files"].as_array().unwrap();
        let got: Vec<(String, u64, u64, bool)> = files
            .iter()
            .map(|f| {
                (
                    f["path"].as_str().unwrap().to_string(),
                    f["additions"].as_u64().unwrap(),
                    f["deletions"].as_u64().unwrap(),
                    f["binary"].as_bool().unwrap(),
                )
            })
            .collect();
        assert_eq!(got, nums, "diff {q}");
        assert_eq!(json_changes(&diff["files"]), want, "diff changes {q}");
        let mut headers = Vec::new();
        for f in files {
            let mut added = 0;
            for h in f["hunks"].as_array().unwrap() {
                let n = |k: &str| h[k].as_u64().unwrap();
                headers.push([
                    n("old_start"),
                    n("old_lines"),
                    n("new_start"),
                    n("new_lines"),
                ]);
                added += h["lines"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .filter(|l| l["kind"] == "added")
                    .count() as u64;
            }
            assert_eq!(added, f["additions"], "{q} {}", f["path"]);
        }
        assert_eq!(headers, hunk_headers(&patch), "hunks {q}");
        assert_eq!(diff["stats"], stats, "diff stats {q}");
    }
    assert!(nonempty >= 8, "{nonempty}");
}

#[test]
fn errors_are_json_with_the_kind_of_status() {
    let (s, _repo) = server();
    let err = |target: &str| {
        let r = s.get(target, &[]);
        let body = r.json();
        let msg = body["error"].as_str().map(str::to_string);
        assert!(msg.is_some(), "{target}: {body}");
        (r.status, msg.unwrap())
    };
    for ep in ["changes", "stats", "diff"] {
        let (st, msg) = err(&format!("/repos/nope/{ep}"));
        assert_eq!(st, 404, "{ep}");
        assert_eq!(msg, "repository nope not found");
        for q in ["to=no-such-rev", "from=no-such-rev", "from=main&to=main~99"] {
            let (st, msg) = err(&format!("/repos/demo/{ep}?{q}"));
            assert!((400..500).contains(&st), "{ep}?{q}: {st} {msg}");
        }
        // A pathspec outside the repository is a bad request.
        let (st, msg) = err(&format!("/repos/demo/{ep}?path=../x"));
        assert_eq!(st, 400, "{ep}: {msg}");
        for repo in [
            "..",
            "%2e%2e",
            "%2E%2E",
            "..%2f..",
            "%2e%2e%2fdemo",
            "demo%2f..",
            ".",
        ] {
            let (st, _) = err(&format!("/repos/{repo}/{ep}"));
            assert_eq!(st, 404, "{repo}/{ep}");
        }
    }
}

#[test]
fn closed_while_other_credentials_are_configured() {
    let root = root_with("seed-demo", &["demo"], "native-auth");
    let cfg = config_file(&root, "oxgit.toml", "[azure]\ntokens = [\"pat\"]\n");
    let s = Server::with_root(&root, &cfg);
    let r = s.get("/repos/demo/changes", &[("Authorization", "Bearer pat")]);
    assert_eq!(
        (r.status, r.json()["error"].as_str()),
        (401, Some("unauthorized"))
    );
    assert_eq!(s.get("/healthz", &[]).status, 200);
}

#[test]
fn bare_repositories_and_symlinks_out_of_the_root() {
    let root = root_with("seed-demo", &["demo"], "native-layout");
    let outside = root_with("seed-demo", &["elsewhere"], "native-outside");
    common::git(&root, &["clone", "-q", "--bare", "demo", "bare.git"]);
    std::os::unix::fs::symlink(outside.join("elsewhere"), root.join("escape")).unwrap();
    let s = Server::start(&root, &["--root", root.to_str().unwrap()]);
    let q = "from=main~3&to=feature&path=src/../README.md&path=./src";
    let work = get_json(&s, &format!("/repos/demo/changes?{q}"));
    assert_eq!(get_json(&s, &format!("/repos/bare/changes?{q}")), work);
    assert_eq!(get_json(&s, &format!("/repos/bare.git/changes?{q}")), work);
    let sides = git_sides(&root.join("demo"), Some("main~3"), "feature");
    let raw = git_diff(
        &root.join("demo"),
        &sides,
        &["--raw", "--no-abbrev"],
        &["README.md", "src"],
    );
    assert_eq!(json_changes(&work["changes"]), raw_changes(&raw));
    assert!(work["changes"].as_array().unwrap().len() >= 3, "{work}");
    let r = s.get("/repos/escape/changes", &[]);
    assert_eq!(r.status, 404);
    assert_eq!(r.json()["error"], "repository escape not found");
}

/// The NDJSON lines of a streamed answer, checking its framing: 200, the NDJSON type,
/// chunked (no length: written as produced).
fn ndjson(s: &Server, target: &str, headers: &[(&str, &str)]) -> Vec<Value> {
    let r = s.get(target, headers);
    let body = String::from_utf8(r.body.clone()).unwrap();
    assert_eq!(r.status, 200, "{target}: {body}");
    assert_eq!(r.header("content-type"), Some("application/x-ndjson"));
    assert_eq!(r.header("transfer-encoding"), Some("chunked"), "{target}");
    assert_eq!(r.header("content-length"), None, "{target}");
    assert!(body.is_empty() || body.ends_with('\n'), "{body}");
    body.lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect()
}

#[test]
fn diff_streams_ndjson_file_by_file() {
    let (s, _repo) = server();
    for q in [
        "from=main~3&to=feature",
        "to=main~2",
        "from=main~3&to=feature&path=src",
    ] {
        let doc = get_json(&s, &format!("/repos/demo/diff?{q}"));
        let files = doc["files"].as_array().unwrap();
        assert!(!files.is_empty(), "{q}");
        let by_query = ndjson(&s, &format!("/repos/demo/diff?{q}&format=ndjson"), &[]);
        assert_eq!(&by_query, files, "{q}");
        let by_accept = ndjson(
            &s,
            &format!("/repos/demo/diff?{q}"),
            &[("Accept", "text/html;q=0.5, application/x-ndjson")],
        );
        assert_eq!(by_accept, by_query, "{q}");
        // The query wins over the header.
        let forced = s.get(
            &format!("/repos/demo/diff?{q}&format=json"),
            &[("Accept", "application/x-ndjson")],
        );
        assert_eq!(forced.json(), doc, "{q}");
    }
    let doc = get_json(&s, "/openapi.json");
    for ep in ["diff", "log"] {
        let content =
            &doc["paths"][format!("/repos/{{repo}}/{ep}")]["get"]["responses"]["200"]["content"];
        assert!(
            content["application/x-ndjson"].is_object(),
            "{ep}: {content}"
        );
        assert!(content["application/json"].is_object(), "{ep}: {content}");
    }
    // Nothing changed: an empty stream.
    assert!(ndjson(&s, "/repos/demo/diff?from=main&to=main&format=ndjson", &[]).is_empty());
}

#[test]
fn filtered_files_are_marked() {
    let (s, repo) = server();
    // main~1 adds a PNG (binary) and package-lock.json (a lock file).
    let doc = get_json(&s, "/repos/demo/diff?to=main~1&filter=true");
    let reasons: Vec<(&str, &str)> = doc["filtered_files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["path"].as_str().unwrap(), f["reason"].as_str().unwrap()))
        .collect();
    assert_eq!(
        reasons,
        [
            ("assets/logo.png", "binary"),
            ("package-lock.json", "lock_file")
        ]
    );
    let shown: Vec<&str> = doc["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    let all = text(common::git(
        &repo,
        &["diff", "--name-only", "main~2", "main~1"],
    ));
    let rest: Vec<&str> = all
        .lines()
        .filter(|p| !["assets/logo.png", "package-lock.json"].contains(p))
        .collect();
    assert_eq!(shown, rest);
    // Stats still count every file.
    assert_eq!(doc["stats"]["files"], all.lines().count() as u64);
    // In NDJSON the withheld files stay in git's order, marked, without hunks.
    let lines = ndjson(&s, "/repos/demo/diff?to=main~1&filter=1&format=ndjson", &[]);
    let order: Vec<(&str, Option<&str>)> = lines
        .iter()
        .map(|f| (f["path"].as_str().unwrap(), f["filtered"].as_str()))
        .collect();
    let want: Vec<(&str, Option<&str>)> = all
        .lines()
        .map(|p| {
            let r = reasons.iter().find(|(q, _)| *q == p).map(|(_, r)| *r);
            (p, r)
        })
        .collect();
    assert_eq!(order, want);
    assert!(lines
        .iter()
        .filter(|f| f["filtered"].is_string())
        .all(|f| f["hunks"].is_null()));
    // A path the caller names is never withheld; without filter nothing is.
    let named = get_json(
        &s,
        "/repos/demo/diff?to=main~1&filter=true&path=package-lock.json",
    );
    assert_eq!(named["filtered_files"], serde_json::json!([]));
    assert_eq!(named["files"][0]["path"], "package-lock.json");
    let plain = get_json(&s, "/repos/demo/diff?to=main~1");
    assert_eq!(plain["filtered_files"], serde_json::json!([]));
    assert_eq!(
        plain["files"].as_array().unwrap().len(),
        all.lines().count()
    );
}

/// `git log`'s view of one case: per commit id, parents, subject, author, and the
/// `--numstat` of what it changed (none for merges).
fn git_log(repo: &Path, from: Option<&str>, to: &str, paths: &[&str], limit: usize) -> Vec<Value> {
    let range = match from {
        Some(f) => format!("{f}..{to}"),
        None => to.to_string(),
    };
    let n = format!("-n{limit}");
    let mut args = vec![
        "log",
        "--format=%H%x00%P%x00%s%x00%an%x00%ae%x00%at",
        &n,
        &range,
        "--",
    ];
    args.extend(paths);
    let out = text(common::git(repo, &args));
    out.lines()
        .map(|l| {
            let f: Vec<&str> = l.split('\0').collect();
            let parents: Vec<&str> = f[1].split_whitespace().collect();
            let files = (parents.len() <= 1).then(|| {
                let mut a = vec![
                    "diff-tree",
                    "-r",
                    "-M",
                    "--numstat",
                    "-z",
                    "--no-commit-id",
                    "--root",
                    f[0],
                    "--",
                ];
                a.extend(paths);
                numstat(&text(common::git(repo, &a)))
                    .into_iter()
                    .map(|(p, add, del, bin)| serde_json::json!([p, add, del, bin]))
                    .collect::<Vec<_>>()
            });
            serde_json::json!({
                "id": f[0], "parents": parents, "subject": f[2],
                "author": [f[3], f[4], f[5].parse::<i64>().unwrap()], "files": files,
            })
        })
        .collect()
}

/// The fields [`git_log`] compares, from a commit object of the API.
fn api_commit(c: &Value) -> Value {
    let files = c["files"].as_array().map(|fs| {
        fs.iter()
            .map(|f| serde_json::json!([f["path"], f["additions"], f["deletions"], f["binary"]]))
            .collect::<Vec<_>>()
    });
    if let Some(fs) = c["files"].as_array() {
        let adds: u64 = fs.iter().map(|f| f["additions"].as_u64().unwrap()).sum();
        assert_eq!(c["stats"]["additions"], adds, "{c}");
        assert_eq!(c["stats"]["files"], fs.len() as u64, "{c}");
    }
    let a = &c["author"];
    serde_json::json!({
        "id": c["id"], "parents": c["parents"], "subject": c["subject"],
        "author": [a["name"], a["email"], a["time"]], "files": files,
    })
}

/// `(from, to, paths, limit)` of a log request.
type LogCase<'a> = (
    Option<&'a str>,
    Option<&'a str>,
    &'a [&'a str],
    Option<usize>,
);

#[test]
fn log_agrees_with_git() {
    let root = root_with("seed-demo", &["demo"], "native-log");
    let repo = root.join("demo");
    // A merge, so that merges (no files) are listed too.
    common::git(
        &repo,
        &[
            "-c",
            "user.name=M",
            "-c",
            "user.email=m@example.com",
            "merge",
            "-q",
            "--no-edit",
            "feature",
        ],
    );
    let s = Server::start(&root, &["--root", root.to_str().unwrap()]);
    let cases: &[LogCase] = &[
        (None, None, &[], None),
        (None, Some("feature"), &[], None),
        (Some("main~1"), Some("main"), &[], None),
        (Some("feature"), None, &[], None),
        (None, None, &["src"], None),
        (None, None, &["README.md", "docs"], None),
        (None, None, &[], Some(2)),
        (None, Some("feature"), &["src/math.rs"], Some(1)),
    ];
    let mut merges = 0;
    for &(from, to, paths, limit) in cases {
        let mut q = query(from, to, paths);
        if let Some(n) = limit {
            q.push_str(&format!("&limit={n}"));
        }
        let want = git_log(
            &repo,
            from,
            to.unwrap_or("HEAD"),
            paths,
            limit.unwrap_or(100),
        );
        assert!(!want.is_empty(), "{q}");
        merges += want.iter().filter(|c| c["files"].is_null()).count();
        let doc = get_json(&s, &format!("/repos/demo/log?{q}"));
        let got: Vec<Value> = doc["commits"]
            .as_array()
            .unwrap()
            .iter()
            .map(api_commit)
            .collect();
        assert_eq!(got, want, "log {q}");
        let more = git_log(&repo, from, to.unwrap_or("HEAD"), paths, 1000).len() > want.len();
        assert_eq!(doc["truncated"], more, "{q}");
        let lines = ndjson(&s, &format!("/repos/demo/log?{q}&format=ndjson"), &[]);
        assert_eq!(&lines, doc["commits"].as_array().unwrap(), "ndjson {q}");
    }
    assert!(merges > 0);
    let doc = get_json(&s, "/repos/demo/log?limit=0");
    assert_eq!(
        (doc["commits"].clone(), doc["truncated"].clone()),
        (serde_json::json!([]), Value::Bool(true))
    );
}

#[test]
fn streams_and_log_refuse_bad_requests_with_a_status() {
    let (s, _repo) = server();
    let status = |target: &str, accept: &[(&str, &str)]| {
        let r = s.get(target, accept);
        assert_eq!(
            r.header("content-type"),
            Some("application/json"),
            "{target}"
        );
        assert!(r.json()["error"].is_string(), "{target}");
        r.status
    };
    let nd = [("Accept", "application/x-ndjson")];
    for (target, want) in [
        ("/repos/nope/diff?format=ndjson", 404),
        ("/repos/nope/log?format=ndjson", 404),
        ("/repos/demo/diff?format=ndjson&to=no-such-rev", 404),
        ("/repos/demo/log?format=ndjson&to=no-such-rev", 404),
        ("/repos/demo/log?format=ndjson&from=main&to=a..b", 400),
        ("/repos/demo/log?from=--all", 400),
        ("/repos/demo/log?limit=many", 400),
        ("/repos/demo/log?limit=10001", 400),
        ("/repos/demo/diff?format=xml", 400),
        ("/repos/demo/changes?format=ndjson", 400),
        ("/repos/demo/diff?filter=maybe", 400),
        ("/repos/demo/diff?format=ndjson&path=../x", 400),
    ] {
        assert_eq!(status(target, &[]), want, "{target}");
        assert_eq!(status(target, &nd), want, "{target} (Accept)");
    }
    // changes and stats answer JSON whatever the Accept header says.
    let r = s.get("/repos/demo/stats", &nd);
    assert_eq!(
        (r.status, r.header("content-type")),
        (200, Some("application/json"))
    );
}

#[test]
fn an_error_after_the_first_line_ends_the_stream_with_an_error_line() {
    let root = root_with("seed-demo", &["demo"], "native-broken");
    let repo = root.join("demo");
    // The new blob of src/main.rs (a modification: no rename detection reads it) goes
    // missing, so the diff fails at that file, after the files before it were sent.
    let blob = text(common::git(&repo, &["rev-parse", "feature:src/main.rs"]));
    let blob = blob.trim();
    let loose = repo.join(".git/objects").join(&blob[..2]).join(&blob[2..]);
    std::fs::remove_file(&loose).unwrap();
    let s = Server::start(&root, &["--root", root.to_str().unwrap()]);
    let lines = ndjson(
        &s,
        "/repos/demo/diff?from=main~3&to=feature&format=ndjson",
        &[],
    );
    let (last, files) = lines.split_last().unwrap();
    assert!(last["error"].is_string(), "{last}");
    assert_eq!(last.as_object().unwrap().len(), 1, "{last}");
    let before: Vec<&str> = files.iter().map(|f| f["path"].as_str().unwrap()).collect();
    let names = text(common::git(
        &repo,
        &["diff", "-M", "--name-only", "main~3", "feature"],
    ));
    let want: Vec<&str> = names.lines().take_while(|p| *p != "src/main.rs").collect();
    assert_eq!(before, want);
    assert!(!want.is_empty());
    // The document is built before it is sent: the same failure is an error status.
    let r = s.get("/repos/demo/diff?from=main~3&to=feature", &[]);
    assert!(r.status >= 400, "{}", r.status);
    assert!(r.json()["error"].is_string());
}
