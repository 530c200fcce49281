//! The review page in a real browser: Debian's headless Chromium driven through
//! playwright-core (`clients/review_page.mjs`, installed by `.ci/clients.sh`) against
//! the real binary on the spec's demo repository. It opens `/`, follows the repository's
//! link, picks two revisions (or a merge request) and reads the rendered file list and
//! hunks, which are checked against git; a screenshot is kept in
//! `target/artifacts/review-page.png` (a CI artifact). Hostile names and contents must
//! render as text.
//!
//! Without chromium or playwright-core these tests print why and pass, except under CI
//! (`CI=true`), where that is a failure.
#![cfg(feature = "server")]

mod common;
mod server_support;

use serde_json::Value;
use server_support::{root_with, Server};
use std::path::Path;
use std::process::Command;

const CHROMIUM: &str = "/usr/bin/chromium";

fn manifest() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Whether the browser and its driver are installed (panics under CI if not).
fn browser_available() -> bool {
    let driver = manifest().join("target/clients/node/node_modules/playwright-core");
    let node = Command::new("node")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    let missing: Vec<String> = [
        (!Path::new(CHROMIUM).exists()).then(|| CHROMIUM.to_string()),
        (!driver.exists()).then(|| driver.display().to_string()),
        (!node).then(|| "node".to_string()),
    ]
    .into_iter()
    .flatten()
    .collect();
    if missing.is_empty() {
        return true;
    }
    let msg = format!(
        "{} missing: run .ci/clients.sh to install them",
        missing.join(", ")
    );
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!("{msg}");
    }
    eprintln!("skipping: {msg}");
    false
}

/// Runs the browser script; returns what the page showed.
fn browse(s: &Server, repo: &str, screenshot: &str, pick: &[&str]) -> Value {
    let dir = manifest().join("target/artifacts");
    std::fs::create_dir_all(&dir).unwrap();
    let shot = dir.join(screenshot);
    let _ = std::fs::remove_file(&shot);
    let out = Command::new("node")
        .arg(manifest().join("clients/review_page.mjs"))
        .args([s.base().as_str(), repo, shot.to_str().unwrap()])
        .args(pick)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "browser script failed: {}\nserver log:\n{}",
        String::from_utf8_lossy(&out.stderr),
        s.stderr()
    );
    let seen: Value = serde_json::from_slice(&out.stdout).unwrap();
    let png = std::fs::read(&shot).unwrap();
    assert!(
        png.starts_with(b"\x89PNG\r\n\x1a\n") && png.len() > 10_000,
        "{shot:?}"
    );
    // Nothing but this server was asked for anything; no script error, no dialog.
    for url in seen["requests"].as_array().unwrap() {
        assert!(url.as_str().unwrap().starts_with(&s.base()), "{url}");
    }
    assert_eq!(seen["console"], serde_json::json!([]), "{seen}");
    assert_eq!(seen["dialogs"], serde_json::json!([]), "{seen}");
    assert_eq!(seen["injected"], 0);
    assert_eq!(seen["state"], "done", "{seen}");
    seen
}

fn git_text(repo: &Path, args: &[&str]) -> String {
    String::from_utf8(common::git(repo, args)).unwrap()
}

fn rev(repo: &Path, r: &str) -> String {
    git_text(repo, &["rev-parse", r]).trim().to_string()
}

/// Per file of `git diff -M from to`: `(status, shown path, +, -, binary)` and the lines
/// of its patch from the first `@@` on.
struct GitFile {
    status: String,
    shown: String,
    path: String,
    counts: Option<(u64, u64)>,
    lines: Vec<String>,
}

fn git_files(repo: &Path, from: &str, to: &str) -> Vec<GitFile> {
    let status = git_text(repo, &["diff", "-M", "--name-status", "-z", from, to]);
    let numstat = git_text(repo, &["diff", "-M", "--numstat", from, to]);
    let patch = git_text(repo, &["diff", "-M", from, to]);
    let mut fields = status.split('\0').filter(|f| !f.is_empty());
    let mut nums = numstat.lines();
    let mut chunks = patch.split("\ndiff --git ").map(|c| {
        c.lines()
            .skip_while(|l| !l.starts_with("@@"))
            .map(str::to_string)
            .collect::<Vec<String>>()
    });
    let mut out = Vec::new();
    while let Some(st) = fields.next() {
        let letter = st[..1].to_string();
        let (shown, path) = if letter == "R" || letter == "C" {
            let (old, new) = (fields.next().unwrap(), fields.next().unwrap());
            (format!("{old} \u{2192} {new}"), new.to_string())
        } else {
            let p = fields.next().unwrap();
            (p.to_string(), p.to_string())
        };
        let n: Vec<&str> = nums.next().unwrap().split('\t').collect();
        let counts = (n[0] != "-").then(|| (n[0].parse().unwrap(), n[1].parse().unwrap()));
        out.push(GitFile {
            status: letter,
            shown,
            path,
            counts,
            lines: chunks.next().unwrap(),
        });
    }
    out
}

/// The page's file list and hunks against git's diff of the same revisions.
fn check_against_git(seen: &Value, repo: &Path, from: &str, to: &str) -> usize {
    let want = git_files(repo, from, to);
    let rows = seen["rows"].as_array().unwrap();
    let sections = seen["sections"].as_array().unwrap();
    assert_eq!(rows.len(), want.len(), "{seen}");
    assert_eq!(sections.len(), want.len());
    let mut hunk_lines = 0;
    for ((row, sec), g) in rows.iter().zip(sections).zip(&want) {
        assert_eq!(row["status"], g.status.as_str(), "{row}");
        assert_eq!(row["path"], g.shown.as_str(), "{row}");
        assert_eq!(sec["name"], g.shown.as_str());
        assert_eq!(row["data_path"], g.path.as_str());
        let notes: Vec<&str> = row["notes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n.as_str().unwrap())
            .collect();
        let lock = oxgit::api::filter::is_lock_file(g.path.as_bytes());
        match g.counts {
            None => {
                assert_eq!(
                    (row["adds"].as_str(), row["dels"].as_str()),
                    (Some(""), Some(""))
                );
                assert_eq!(notes, ["binary", "filtered: binary"], "{row}");
                assert_eq!(sec["note"], "Diff withheld: binary.");
            }
            Some((a, d)) => {
                assert_eq!(row["adds"], format!("+{a}"), "{row}");
                assert_eq!(row["dels"], format!("\u{2212}{d}"), "{row}");
                if lock {
                    assert_eq!(notes, ["filtered: lock_file"], "{row}");
                    assert_eq!(sec["note"], "Diff withheld: lock file.");
                    continue;
                }
                assert!(notes.iter().all(|n| n.starts_with("mode ")), "{row}");
                let lines = sec["lines"].as_array().unwrap();
                let shown: Vec<&str> = lines.iter().map(|l| l["text"].as_str().unwrap()).collect();
                assert_eq!(shown, g.lines, "hunks of {}", g.path);
                hunk_lines += shown.len();
                // Added and deleted lines are coloured, each kind its own colour.
                for l in lines {
                    let (cls, bg) = (l["cls"].as_str().unwrap(), &l["background"]);
                    let want_bg = match cls {
                        "line add" => "rgb(230, 255, 236)",
                        "line del" => "rgb(255, 235, 233)",
                        _ => "rgba(0, 0, 0, 0)",
                    };
                    assert_eq!(bg, want_bg, "{l}");
                    let sign = l["text"].as_str().unwrap().chars().next();
                    match cls {
                        "line add" => assert_eq!(sign, Some('+')),
                        "line del" => assert_eq!(sign, Some('-')),
                        _ => {}
                    }
                }
            }
        }
    }
    hunk_lines
}

#[test]
fn review_page_shows_what_git_shows() {
    if !browser_available() {
        return;
    }
    let root = root_with("seed-demo", &["demo"], "review-page");
    let repo = root.join("demo");
    let s = Server::start(&root, &["--root", root.to_str().unwrap()]);
    // main~2 .. feature: a rename, a deletion, a binary file, a lock file, an edit.
    let from = rev(&repo, "main~2");
    let seen = browse(
        &s,
        "demo",
        "review-page.png",
        &["--from", &from, "--to", "refs/heads/feature"],
    );
    assert_eq!(
        seen["index"],
        serde_json::json!([{"text": "demo", "href": "/ui/demo"}])
    );
    let statuses: Vec<&str> = seen["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["status"].as_str().unwrap())
        .collect();
    assert!(
        statuses.contains(&"R") && statuses.contains(&"D"),
        "{statuses:?}"
    );
    let n = check_against_git(&seen, &repo, &from, "feature");
    assert!(n >= 8, "{n}");
    let numstat = git_text(&repo, &["diff", "-M", "--shortstat", &from, "feature"]);
    let summary = seen["summary"].as_str().unwrap();
    let count = |s: &str, word: &str| -> u64 {
        let w: Vec<&str> = s.split_whitespace().collect();
        let i = w.iter().position(|x| x.starts_with(word)).unwrap();
        w[i - 1].parse().unwrap()
    };
    for word in ["file", "insertion", "deletion"] {
        assert_eq!(
            count(summary, word),
            count(&numstat, word),
            "{summary} / {numstat}"
        );
    }
    assert!(
        seen["url"]
            .as_str()
            .unwrap()
            .ends_with(&format!("/ui/demo?from={from}&to=refs%2Fheads%2Ffeature")),
        "{}",
        seen["url"]
    );

    // A merge request: its versions' merge base to its head.
    let out = common::run(
        {
            let mut c = common::oxgit_cmd(&repo);
            c.args([
                "mr",
                "create",
                "--source",
                "feature",
                "--target",
                "main",
                "--title",
                "Greet the world",
            ]);
            c
        },
        b"",
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let seen = browse(&s, "demo", "review-page-mr.png", &["--mr", "1"]);
    let base = git_text(&repo, &["merge-base", "main", "feature"]);
    check_against_git(&seen, &repo, base.trim(), "feature");
    assert!(
        seen["url"].as_str().unwrap().ends_with(&format!(
            "?from={}&to={}",
            base.trim(),
            rev(&repo, "feature")
        )),
        "{}",
        seen["url"]
    );
}

#[test]
fn hostile_names_render_as_text() {
    if !browser_available() {
        return;
    }
    let name = "x<img src=y onerror=alert(5)>";
    let root = root_with("seed-demo", &[name], "review-hostile");
    let repo = root.join(name);
    let file = "<img src=x onerror=alert(1)>.txt";
    std::fs::write(repo.join(file), "<script>alert(2)</script>\n").unwrap();
    let git = |args: &[&str]| {
        let mut c = common::git_cmd(&repo);
        c.args(args);
        let out = common::run(c, b"");
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    git(&["checkout", "-q", "-b", "evil\"><svg/onload=alert(3)>"]);
    git(&["add", "--", file]);
    git(&["commit", "-q", "-m", "<b>x</b><img src=x onerror=alert(4)>"]);
    let s = Server::start(&root, &["--root", root.to_str().unwrap()]);
    let page = s.get(
        &format!("/ui/{}", oxgit::server::ui::encode_segment(name)),
        &[],
    );
    assert_eq!(page.status, 200);
    let html = String::from_utf8(page.body).unwrap();
    for raw in ["<img", "<svg", "<b>x"] {
        assert!(!html.contains(raw), "{raw} unescaped in the page");
    }
    let from = rev(&repo, "HEAD~1");
    let seen = browse(
        &s,
        name,
        "review-page-hostile.png",
        &[
            "--from",
            &from,
            "--to",
            "refs/heads/evil\"><svg/onload=alert(3)>",
        ],
    );
    assert_eq!(seen["index"][0]["text"], name);
    assert_eq!(seen["rows"][0]["path"], file);
    assert_eq!(
        seen["sections"][0]["lines"][1]["text"],
        "+<script>alert(2)</script>"
    );
    check_against_git(&seen, &repo, &from, "HEAD");
}

/// The text between `open` and the next `close` after it.
fn between<'a>(s: &'a str, open: &str, close: &str) -> &'a str {
    let start = s.find(open).unwrap_or_else(|| panic!("no {open}")) + open.len();
    &s[start..start + s[start..].find(close).unwrap()]
}

/// The pages as served, without a browser: what `/` lists, the pickers, the headers.
#[test]
fn pages_list_repositories_and_offer_revisions() {
    let root = root_with("seed-demo", &["demo"], "review-html");
    let outside = root_with("seed-demo", &["elsewhere"], "review-html-outside");
    let repo = root.join("demo");
    common::git(&root, &["clone", "-q", "--bare", "demo", "bare.git"]);
    std::fs::create_dir_all(root.join("not-a-repo")).unwrap();
    std::os::unix::fs::symlink(outside.join("elsewhere"), root.join("escape")).unwrap();
    common::git(&repo, &["tag", "-a", "-m", "v1", "v1.0", "main~1"]);
    let out = common::run(
        {
            let mut c = common::oxgit_cmd(&repo);
            c.args([
                "mr", "create", "--source", "feature", "--target", "main", "--title", "A & <B>",
            ]);
            c
        },
        b"",
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let s = Server::start(&root, &["--root", root.to_str().unwrap()]);

    let index = s.get("/", &[]);
    assert_eq!(index.status, 200);
    assert_eq!(
        index.header("content-type"),
        Some("text/html; charset=utf-8")
    );
    let html = String::from_utf8(index.body.clone()).unwrap();
    let links: Vec<&str> = between(&html, "<ul id=\"repos\">", "</ul>")
        .lines()
        .filter(|l| !l.is_empty())
        .collect();
    assert_eq!(
        links,
        [
            "<li><a href=\"/ui/bare\">bare</a></li>",
            "<li><a href=\"/ui/demo\">demo</a></li>"
        ]
    );

    let page = s.get("/ui/demo?to=main~1", &[]);
    assert_eq!(page.status, 200);
    let html = String::from_utf8(page.body.clone()).unwrap();
    // The policy allows exactly the page's inline script and stylesheet.
    let csp = page.header("content-security-policy").unwrap().to_string();
    let hash = |text: &str| {
        use base64::Engine as _;
        use sha2::Digest as _;
        base64::engine::general_purpose::STANDARD.encode(sha2::Sha256::digest(text))
    };
    let script = between(&html, "<script>", "</script>");
    let style = between(&html, "<style>", "</style>");
    assert!(
        csp.contains(&format!("script-src 'sha256-{}'", hash(script))),
        "{csp}"
    );
    assert!(
        csp.contains(&format!("style-src 'sha256-{}'", hash(style))),
        "{csp}"
    );
    assert!(csp.starts_with("default-src 'none';") && csp.contains("connect-src 'self'"));
    assert_eq!(html.matches("<script").count(), 1);
    // The pickers: branches, tags, the latest commits of every branch (as git lists
    // them), and `to` preselected as given.
    let values = |id: &str| -> Vec<String> {
        between(&html, &format!("<select id=\"{id}\""), "</select>")
            .split("<option value=\"")
            .skip(1)
            .map(|o| o[..o.find('"').unwrap()].to_string())
            .collect()
    };
    let commits = String::from_utf8(common::git(
        &repo,
        &["log", "--branches", "-n30", "--format=%H"],
    ))
    .unwrap();
    let mut want = vec![
        "".to_string(),
        "refs/heads/feature".into(),
        "refs/heads/main".into(),
        "refs/tags/v1.0".into(),
    ];
    want.extend(commits.lines().map(str::to_string));
    assert_eq!(values("from"), want);
    want[0] = "HEAD".into();
    want.push("main~1".into());
    assert_eq!(values("to"), want);
    assert!(
        html.contains("<option value=\"main~1\" selected>main~1</option>"),
        "{html}"
    );
    // The merge request, escaped, with its merge base and head.
    let base = String::from_utf8(common::git(&repo, &["merge-base", "main", "feature"])).unwrap();
    let head = String::from_utf8(common::git(&repo, &["rev-parse", "feature"])).unwrap();
    assert!(
        html.contains(&format!(
            "<option value=\"1\" data-from=\"{}\" data-to=\"{}\">!1 A &amp; &lt;B&gt; (feature \u{2192} main, opened)</option>",
            base.trim(),
            head.trim()
        )),
        "{html}"
    );

    for target in [
        "/ui/nope",
        "/ui/escape",
        "/ui/not-a-repo",
        "/ui/%2e%2e",
        "/ui/..%2fdemo",
    ] {
        let r = s.get(target, &[]);
        assert_eq!(r.status, 404, "{target}");
        assert_eq!(
            r.header("content-type"),
            Some("text/html; charset=utf-8"),
            "{target}"
        );
    }
    let doc = s.get("/openapi.json", &[]).json();
    for p in ["/", "/ui/{repo}"] {
        assert!(
            doc["paths"][p]["get"]["responses"]["200"]["content"]["text/html"].is_object(),
            "{p}"
        );
    }
}
