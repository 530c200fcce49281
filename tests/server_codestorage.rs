//! Code Storage commit diff against the real binary: the spec's examples 3.a–3.d on the
//! demo repository field for field, every file's `raw` byte for byte against
//! `git diff <base> <sha> -- <paths>` on a second fixture (binary, mode change, rename,
//! deletion, type change, odd names, a merge, a root commit, filtered files), every
//! auth failure, the 400/404 errors, traversal, the no-issuer mode and SHA-256.
#![cfg(feature = "server")]

mod common;
mod server_support;

use serde_json::{json, Value};
use server_support::tokens::{es256, rs256, token, ES_KEY, ES_OTHER_KEY};
use server_support::{config_file, root_with, Server};
use std::path::{Path, PathBuf};

const C1: &str = "ebe3fe44ddb3b5bbaf75be9c9e830533231070bb";
const C2: &str = "15328969158d082b85585cb3c8d32d9e0dbda315";
const C3: &str = "3d437350ad89ab35b7d884b8ee474139319e44a2";
const F1: &str = "0f814920eda2baa4ac00d06601458808f3c26746";
const EMPTY_TREE: &str = "4b825dc642cb6eb9a060e54bf8d69288fbee4904";

fn keys_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/keys")
}

/// A config with issuer `acme` (ES256 and RS256 public keys) and `kidco` (one ES256 key
/// with `kid` `k1`).
fn config(dir: &Path) -> PathBuf {
    let k = keys_dir();
    config_file(
        dir,
        "oxgit.toml",
        &format!(
            "[[code_storage.issuers]]\niss = \"acme\"\n\
             [[code_storage.issuers.keys]]\nalg = \"ES256\"\npem_file = \"{}\"\n\
             [[code_storage.issuers.keys]]\nalg = \"RS256\"\npem_file = \"{}\"\n\
             [[code_storage.issuers]]\niss = \"kidco\"\n\
             [[code_storage.issuers.keys]]\nkid = \"k1\"\nalg = \"ES256\"\npem_file = \"{}\"\n",
            k.join("es256.pub.pem").display(),
            k.join("rs256.pub.pem").display(),
            k.join("es256.pub.pem").display()
        ),
    )
}

/// `root/acme/demo` (the spec's demo), `root/acme/team/project-alpha.git` (a claim with
/// a `/`) and `root/acme/cases` (the second fixture); returns the root.
fn root() -> PathBuf {
    let root = root_with("seed-demo", &["acme", "demo"], "cs");
    std::fs::create_dir_all(root.join("acme/team")).unwrap();
    common::copy_dir(
        &common::fixture("seed-demo"),
        &root.join("acme/team/project-alpha.git"),
    );
    common::copy_dir(
        &common::fixture("server-codestorage"),
        &root.join("acme/cases"),
    );
    root
}

fn server(root: &Path) -> Server {
    let cfg = config(&root.with_extension("cfg"));
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

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

fn claims(repo: &str) -> Value {
    json!({"iss": "acme", "sub": "test", "repo": repo, "scopes": ["git:read"], "iat": now(), "exp": now() + 300})
}

fn es(claims: &Value) -> String {
    token(
        &json!({"alg": "ES256", "typ": "JWT"}),
        claims,
        es256(ES_KEY),
    )
}

fn bearer(t: &str) -> String {
    format!("Bearer {t}")
}

/// GET `target` with a valid token for `repo`.
fn get(s: &Server, target: &str, repo: &str) -> server_support::Response {
    let auth = bearer(&es(&claims(repo)));
    s.get(target, &[("Authorization", &auth)])
}

fn example_3a() -> Value {
    json!({
      "sha": C2,
      "base_sha": C1,
      "stats": {"files": 3, "additions": 4, "deletions": 0, "changes": 4},
      "files": [
        {"path": "README.md", "state": "M", "old_path": "", "bytes": 12, "is_eof": true,
         "raw": "diff --git a/README.md b/README.md\nindex ce01362..94954ab 100644\n--- a/README.md\n+++ b/README.md\n@@ -1 +1,2 @@\n hello\n+world\n",
         "additions": 1, "deletions": 0},
        {"path": "docs/manual.md", "state": "R100", "old_path": "docs/guide.md", "bytes": 29, "is_eof": true,
         "raw": "diff --git a/docs/guide.md b/docs/manual.md\nsimilarity index 100%\nrename from docs/guide.md\nrename to docs/manual.md\n",
         "additions": 0, "deletions": 0},
        {"path": "src/lib.rs", "state": "A", "old_path": "", "bytes": 48, "is_eof": true,
         "raw": "diff --git a/src/lib.rs b/src/lib.rs\nnew file mode 100644\nindex 0000000..b4a2a9e\n--- /dev/null\n+++ b/src/lib.rs\n@@ -0,0 +1,3 @@\n+pub fn add(a: i32, b: i32) -> i32 {\n+    a + b\n+}\n",
         "additions": 3, "deletions": 0}
      ],
      "filtered_files": []
    })
}

fn example_3b() -> Value {
    json!({
      "sha": C3,
      "base_sha": C2,
      "stats": {"files": 3, "additions": 3, "deletions": 4, "changes": 7},
      "files": [
        {"path": "docs/manual.md", "state": "D", "old_path": "", "bytes": 29, "is_eof": true,
         "raw": "diff --git a/docs/manual.md b/docs/manual.md\ndeleted file mode 100644\nindex b5d2f1a..0000000\n--- a/docs/manual.md\n+++ /dev/null\n@@ -1,4 +0,0 @@\n-# Guide\n-\n-Step one.\n-Step two.\n",
         "additions": 0, "deletions": 4}
      ],
      "filtered_files": [
        {"path": "assets/logo.png", "state": "A", "old_path": "", "bytes": 16, "is_eof": false},
        {"path": "package-lock.json", "state": "A", "old_path": "", "bytes": 27, "is_eof": true}
      ]
    })
}

#[test]
fn spec_examples_field_for_field() {
    let root = root();
    let s = server(&root);
    // 3.a, in both URL forms; the body is streamed (chunked).
    let r = get(&s, &format!("/api/v1/repos/diff?sha={C2}"), "demo");
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    assert_eq!(r.header("content-type"), Some("application/json"));
    assert_eq!(r.header("transfer-encoding"), Some("chunked"));
    assert_eq!(r.json(), example_3a());
    let r = get(&s, &format!("/api/repos/demo/diff?sha={C2}"), "demo");
    assert_eq!(r.json(), example_3a());
    // Upper-case ids are accepted; the answer names them in lower case.
    let r = get(
        &s,
        &format!("/api/v1/repos/diff?sha={}", C2.to_uppercase()),
        "demo",
    );
    assert_eq!(r.json(), example_3a());
    // 3.b: binary and lock file filtered, stats over all three files.
    let r = get(&s, &format!("/api/v1/repos/diff?sha={C3}"), "demo");
    assert_eq!(r.json(), example_3b());
    // 3.c: `path` bypasses filtering.
    let r = get(
        &s,
        &format!("/api/v1/repos/diff?sha={C3}&path=package-lock.json"),
        "demo",
    );
    assert_eq!(
        r.json(),
        json!({
            "sha": C3, "base_sha": C2,
            "stats": {"files": 1, "additions": 3, "deletions": 0, "changes": 3},
            "files": [{"path": "package-lock.json", "state": "A", "old_path": "", "bytes": 27, "is_eof": true,
                "raw": "diff --git a/package-lock.json b/package-lock.json\nnew file mode 100644\nindex 0000000..ea4d790\n--- /dev/null\n+++ b/package-lock.json\n@@ -0,0 +1,3 @@\n+{\n+  \"lockfileVersion\": 3\n+}\n",
                "additions": 3, "deletions": 0}],
            "filtered_files": []
        })
    );
    // 3.d: errors.
    let r = get(&s, "/api/v1/repos/diff", "demo");
    assert_eq!(
        (r.status, r.json()),
        (400, json!({"error": "sha is required"}))
    );
    let r = get(
        &s,
        &format!("/api/v1/repos/diff?sha={}", "1".repeat(40)),
        "demo",
    );
    assert_eq!(
        (r.status, r.json()),
        (404, json!({"error": "commit not found"}))
    );
    let mut c = claims("demo");
    c["scopes"] = json!(["repo:write"]);
    let r = s.get(
        &format!("/api/v1/repos/diff?sha={C2}"),
        &[("Authorization", &bearer(&es(&c)))],
    );
    assert_eq!(
        (r.status, r.json()),
        (401, json!({"error": "unauthorized"}))
    );
    // A repo claim with a `/` (`team/project-alpha`, a `.git` folder), both forms.
    let r = get(
        &s,
        &format!("/api/v1/repos/diff?sha={C2}"),
        "team/project-alpha",
    );
    assert_eq!(r.json(), example_3a());
    let r = get(
        &s,
        &format!("/api/repos/team%2Fproject-alpha/diff?sha={C2}"),
        "team/project-alpha",
    );
    assert_eq!(r.json(), example_3a());
    // baseSha: compared directly, no merge base (F1 and M4's parent C3 share history).
    let r = get(
        &s,
        &format!("/api/v1/repos/diff?sha={F1}&baseSha={C1}"),
        "demo",
    );
    let j = r.json();
    assert_eq!(j["base_sha"], C1);
    check_against_git(&common::fixture("seed-demo"), &j, C1, F1);
}

/// The paths `git diff` needs to show `file` alone (both sides of a rename).
fn pathspec(file: &Value) -> Vec<String> {
    let mut v = vec![file["path"].as_str().unwrap().to_string()];
    let old = file["old_path"].as_str().unwrap();
    if !old.is_empty() {
        v.push(old.to_string());
    }
    v
}

/// git's numstat of `base..sha` (`-`: binary) by path, and its name-status lines.
fn git_numstat(dir: &Path, base: &str, sha: &str) -> Vec<(String, String, String)> {
    let out = common::git(dir, &["diff", "--numstat", "-z", base, sha]);
    let mut v = Vec::new();
    let mut parts = out.split(|&c| c == 0).peekable();
    while let Some(head) = parts.next() {
        if head.is_empty() {
            continue;
        }
        let head = String::from_utf8_lossy(head).into_owned();
        let mut f = head.splitn(3, '\t');
        let (a, d, p) = (f.next().unwrap(), f.next().unwrap(), f.next().unwrap());
        let path = if p.is_empty() {
            parts.next(); // the old path of a rename
            String::from_utf8_lossy(parts.next().unwrap()).into_owned()
        } else {
            p.to_string()
        };
        v.push((path, a.to_string(), d.to_string()));
    }
    v
}

/// Checks a commit-diff document against git: every `raw` byte for byte, counts and
/// states per file, the files (shown and filtered) in git's order, and the stats.
fn check_against_git(dir: &Path, doc: &Value, base: &str, sha: &str) {
    let files = doc["files"].as_array().unwrap();
    let filtered = doc["filtered_files"].as_array().unwrap();
    for f in files {
        let mut args = vec!["diff", base, sha, "--"];
        let paths = pathspec(f);
        args.extend(paths.iter().map(String::as_str));
        let want = common::git(dir, &args);
        assert_eq!(
            f["raw"].as_str().unwrap(),
            String::from_utf8_lossy(&want),
            "raw of {}",
            f["path"]
        );
    }
    let numstat = git_numstat(dir, base, sha);
    let listed: Vec<&str> = files
        .iter()
        .chain(filtered)
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    let mut sorted = listed.clone();
    sorted.sort();
    let mut want: Vec<&str> = numstat.iter().map(|(p, _, _)| p.as_str()).collect();
    want.sort();
    assert_eq!(sorted, want, "the files listed are git's");
    for f in files {
        let p = f["path"].as_str().unwrap();
        let (_, a, d) = numstat.iter().find(|(q, _, _)| q == p).unwrap();
        let n = |x: &str| x.parse::<u64>().unwrap_or(0);
        assert_eq!(f["additions"], n(a), "{p}");
        assert_eq!(f["deletions"], n(d), "{p}");
    }
    // Order: git's order of the shown files.
    let shown: Vec<&str> = files.iter().map(|f| f["path"].as_str().unwrap()).collect();
    let in_git: Vec<&str> = numstat
        .iter()
        .map(|(p, _, _)| p.as_str())
        .filter(|p| shown.contains(p))
        .collect();
    assert_eq!(shown, in_git);
    // States: `git diff --name-status` (R with the similarity).
    let ns = common::git(dir, &["diff", "--name-status", "-z", base, sha]);
    let ns: Vec<String> = ns
        .split(|&c| c == 0)
        .map(|s| String::from_utf8_lossy(s).into_owned())
        .collect();
    for f in files.iter().chain(filtered) {
        let st = f["state"].as_str().unwrap();
        let letter = &st[..1];
        assert!(
            ns.iter().any(|s| s == st) || (letter == "T" && ns.iter().any(|s| s == "T")),
            "{st} of {} not in {ns:?}",
            f["path"]
        );
    }
    let short = String::from_utf8(common::git(dir, &["diff", "--shortstat", base, sha])).unwrap();
    let stats = &doc["stats"];
    let num = |word: &str| -> u64 {
        short
            .split(',')
            .find(|p| p.contains(word))
            .and_then(|p| p.split_whitespace().next())
            .map_or(0, |n| n.parse().unwrap())
    };
    assert_eq!(stats["files"], num("changed"), "{short}");
    assert_eq!(stats["additions"], num("insertion"), "{short}");
    assert_eq!(stats["deletions"], num("deletion"), "{short}");
    assert_eq!(
        stats["changes"].as_u64().unwrap(),
        num("insertion") + num("deletion")
    );
}

fn rev(dir: &Path, r: &str) -> String {
    String::from_utf8(common::git(dir, &["rev-parse", r]))
        .unwrap()
        .trim()
        .to_string()
}

#[test]
fn raw_patches_are_gits_on_every_kind_of_change() {
    let root = root();
    let s = server(&root);
    let dir = common::fixture("server-codestorage");
    let url = |q: &str| format!("/api/v1/repos/diff?{q}");
    for tag in [
        "root",
        "binary",
        "chmod",
        "rename",
        "typechange",
        "filtered",
        "merge",
    ] {
        let sha = rev(&dir, tag);
        let r = get(&s, &url(&format!("sha={sha}")), "cases");
        assert_eq!(r.status, 200, "{tag}: {}", String::from_utf8_lossy(&r.body));
        let doc = r.json();
        let base = if tag == "root" {
            EMPTY_TREE.to_string()
        } else {
            rev(&dir, &format!("{tag}^1"))
        };
        assert_eq!(doc["sha"], sha.as_str());
        assert_eq!(doc["base_sha"], base.as_str(), "{tag}");
        check_against_git(&dir, &doc, &base, &sha);
        // Every file, filtered ones included, asked for by path: its raw is git's.
        for f in doc["files"]
            .as_array()
            .unwrap()
            .iter()
            .chain(doc["filtered_files"].as_array().unwrap())
        {
            let p = f["path"].as_str().unwrap();
            let enc = percent(p);
            let r = get(&s, &url(&format!("sha={sha}&path={enc}")), "cases");
            let one = r.json();
            assert_eq!(one["filtered_files"], json!([]), "{tag} {p}");
            let shown = one["files"].as_array().unwrap();
            assert!(shown.iter().any(|g| g["path"] == p), "{tag} {p}: {one}");
            for g in shown {
                let want = common::git(&dir, &["diff", &base, &sha, "--", p]);
                if g["path"] == p && g["old_path"] == "" {
                    assert_eq!(
                        g["raw"].as_str().unwrap(),
                        String::from_utf8_lossy(&want),
                        "{tag} {p}"
                    );
                }
            }
        }
    }
    // Filtering of the `filtered` commit: sizes, lines, lock file; `small.txt` shown.
    let doc = get(&s, &url(&format!("sha={}", rev(&dir, "filtered"))), "cases").json();
    let names = |k: &str| -> Vec<String> {
        doc[k]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["path"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(names("files"), ["small.txt"]);
    assert_eq!(
        names("filtered_files"),
        ["big.txt", "many.txt", "web/pnpm-lock.yaml"]
    );
    let size =
        String::from_utf8(common::git(&dir, &["cat-file", "-s", "filtered:big.txt"])).unwrap();
    assert_eq!(
        doc["filtered_files"][0]["bytes"],
        size.trim().parse::<u64>().unwrap()
    );
    assert_eq!(doc["filtered_files"][0]["is_eof"], false);
    assert!(doc["filtered_files"][0].get("raw").is_none());
    assert_eq!(doc["stats"]["files"], 4);
    // The binary commit: data.bin withheld, tail.txt (no final newline) shown.
    let doc = get(&s, &url(&format!("sha={}", rev(&dir, "binary"))), "cases").json();
    assert_eq!(doc["filtered_files"][0]["path"], "data.bin");
    assert_eq!(doc["files"][0]["path"], "tail.txt");
    assert_eq!(doc["files"][0]["is_eof"], false);
    assert_eq!(doc["files"][0]["bytes"], 21);
    // The rename: R with three digits, the old path; the deletion keeps its old bytes.
    let doc = get(&s, &url(&format!("sha={}", rev(&dir, "rename"))), "cases").json();
    let r = doc["files"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["path"] == "src/module.txt")
        .unwrap();
    assert_eq!(r["old_path"], "src/mod.txt");
    assert!(
        r["state"].as_str().unwrap().starts_with("R0") && r["state"].as_str().unwrap().len() == 4
    );
    let d = doc["files"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["path"] == "docs/guide.md")
        .unwrap();
    assert_eq!(
        (d["state"].clone(), d["bytes"].clone()),
        (json!("D"), json!(6))
    );
    // baseSha over several commits (root..merge), and directory prefixes.
    let (root_sha, merge) = (rev(&dir, "root"), rev(&dir, "merge"));
    let doc = get(
        &s,
        &url(&format!("sha={merge}&baseSha={root_sha}")),
        "cases",
    )
    .json();
    assert_eq!(doc["base_sha"], root_sha.as_str());
    check_against_git(&dir, &doc, &root_sha, &merge);
    for (paths, want) in [
        ("path=src", vec!["src/module.txt"]),
        ("path=src/", vec!["src/module.txt"]),
        ("path=dir%20with%20space", vec!["dir with space/a b.txt"]),
        ("path=extra&path=README", vec!["README", "extra/side.txt"]),
        ("path=sr", vec![]),
        ("path=src/mod.txt", vec!["src/mod.txt"]),
    ] {
        let doc = get(
            &s,
            &url(&format!("sha={merge}&baseSha={root_sha}&{paths}")),
            "cases",
        )
        .json();
        let got: Vec<&str> = doc["files"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["path"].as_str().unwrap())
            .collect();
        assert_eq!(got, want, "{paths}");
        assert_eq!(doc["stats"]["files"], want.len(), "{paths}");
        // Together the raws are `git diff <base> <sha> -- <paths>`.
        let mut args = vec![
            "diff".to_string(),
            root_sha.clone(),
            merge.clone(),
            "--".into(),
        ];
        args.extend(paths.split('&').map(|p| p[5..].replace("%20", " ")));
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let all: String = doc["files"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["raw"].as_str().unwrap())
            .collect();
        assert_eq!(
            all,
            String::from_utf8(common::git(&dir, &args)).unwrap(),
            "{paths}"
        );
    }
}

fn percent(s: &str) -> String {
    s.bytes()
        .map(|c| {
            if c.is_ascii_alphanumeric() || b"-._~/".contains(&c) {
                (c as char).to_string()
            } else {
                format!("%{c:02X}")
            }
        })
        .collect()
}

#[test]
fn every_auth_failure_is_401() {
    let root = root();
    let s = server(&root);
    let ok = format!("/api/v1/repos/diff?sha={C2}");
    let with = |k: &str, v: Value| {
        let mut c = claims("demo");
        if v.is_null() {
            c.as_object_mut().unwrap().remove(k);
        } else {
            c[k] = v;
        }
        c
    };
    let h = json!({"alg": "ES256", "typ": "JWT"});
    let hs256 = {
        let input = format!(
            "{}.{}",
            server_support::tokens::b64(br#"{"alg":"HS256","typ":"JWT"}"#),
            server_support::tokens::b64(claims("demo").to_string().as_bytes())
        );
        format!("{input}.{}", server_support::tokens::b64(b"forged"))
    };
    let none = format!(
        "{}.{}.",
        server_support::tokens::b64(br#"{"alg":"none"}"#),
        server_support::tokens::b64(claims("demo").to_string().as_bytes())
    );
    let cases: Vec<(&str, Option<String>)> = vec![
        ("missing", None),
        ("basic", Some("Basic dTpw".into())),
        ("bearer without token", Some("Bearer ".into())),
        ("malformed", Some(bearer("not.a.jwt"))),
        ("garbage", Some(bearer("garbage"))),
        (
            "wrong signature",
            Some(bearer(&token(&h, &claims("demo"), es256(ES_OTHER_KEY)))),
        ),
        (
            "expired",
            Some(bearer(&es(&with("exp", json!(now() - 120))))),
        ),
        ("no exp", Some(bearer(&es(&with("exp", Value::Null))))),
        (
            "nbf in the future",
            Some(bearer(&es(&with("nbf", json!(now() + 600))))),
        ),
        (
            "no repo claim",
            Some(bearer(&es(&with("repo", Value::Null)))),
        ),
        (
            "missing scope",
            Some(bearer(&es(&with("scopes", json!(["org:read"]))))),
        ),
        ("no scopes", Some(bearer(&es(&with("scopes", Value::Null))))),
        (
            "unknown issuer",
            Some(bearer(&es(&with("iss", json!("evil"))))),
        ),
        ("alg none", Some(bearer(&none))),
        ("HS256", Some(bearer(&hs256))),
    ];
    for (what, auth) in &cases {
        let headers: Vec<(&str, &str)> = auth
            .as_deref()
            .map(|a| vec![("Authorization", a)])
            .unwrap_or_default();
        for target in [ok.clone(), format!("/api/repos/demo/diff?sha={C2}")] {
            let r = s.get(&target, &headers);
            assert_eq!(
                (r.status, r.json()),
                (401, json!({"error": "unauthorized"})),
                "{what} {target}"
            );
        }
    }
    // The path form must agree with the claim.
    let r = get(&s, &format!("/api/repos/demo/diff?sha={C2}"), "cases");
    assert_eq!(
        (r.status, r.json()),
        (401, json!({"error": "unauthorized"}))
    );
    // What passes: RS256, git:write (includes read), leeway on exp.
    let rs = token(&json!({"alg": "RS256"}), &claims("demo"), rs256);
    assert_eq!(s.get(&ok, &[("Authorization", &bearer(&rs))]).status, 200);
    let w = es(&with("scopes", json!(["git:write"])));
    assert_eq!(s.get(&ok, &[("Authorization", &bearer(&w))]).status, 200);
    let late = es(&with("exp", json!(now() - 30)));
    assert_eq!(s.get(&ok, &[("Authorization", &bearer(&late))]).status, 200);
    // Key selection by `kid`: issuer `kidco` has only `k1`.
    std::fs::create_dir_all(root.join("kidco")).unwrap();
    common::copy_dir(&common::fixture("seed-demo"), &root.join("kidco/demo"));
    let mut c = claims("demo");
    c["iss"] = json!("kidco");
    for (kid, status) in [("k1", 200), ("k2", 401)] {
        let t = token(&json!({"alg": "ES256", "kid": kid}), &c, es256(ES_KEY));
        let r = s.get(&ok, &[("Authorization", &bearer(&t))]);
        assert_eq!(r.status, status, "kid {kid}");
    }
    // Auth comes first: a bad token with no sha is still 401.
    let r = s.get("/api/v1/repos/diff", &[]);
    assert_eq!(r.status, 401);
}

#[test]
fn bad_requests_and_missing_things() {
    let root = root();
    let s = server(&root);
    let tree = "8a9320c3635f475180a3419a1ac1fafa74d97ecd"; // tree `docs` @C1
    let cases = [
        ("sha=", 400, "sha is required"),
        ("sha=HEAD", 400, "invalid sha"),
        ("sha=1532896", 400, "invalid sha"),
        ("sha=main", 400, "invalid sha"),
        (&format!("sha={C2}0"), 400, "invalid sha"),
        (&format!("sha={}", "a".repeat(64)), 400, "invalid sha"),
        (&format!("sha={C2}&baseSha=main"), 400, "invalid baseSha"),
        (&format!("sha={C2}&path=..%2Fx"), 400, "invalid path"),
        (&format!("sha={tree}"), 404, "commit not found"),
        (
            &format!("sha={C2}&baseSha={}", "2".repeat(40)),
            404,
            "commit not found",
        ),
        (
            &format!("sha={}&baseSha={C2}", "3".repeat(40)),
            404,
            "commit not found",
        ),
    ];
    for (q, status, msg) in cases {
        let r = get(&s, &format!("/api/v1/repos/diff?{q}"), "demo");
        assert_eq!((r.status, r.json()), (status, json!({"error": msg})), "{q}");
    }
    for repo in ["nope", "team", "team/nope", "acme/demo"] {
        let r = get(&s, &format!("/api/v1/repos/diff?sha={C2}"), repo);
        assert_eq!(
            (r.status, r.json()),
            (404, json!({"error": "repository not found"})),
            "{repo}"
        );
    }
    // Unknown routes under the service's prefixes answer in its shape.
    let r = get(&s, "/api/repos/a/b/diff", "a/b");
    assert_eq!(
        (r.status, r.json()["error"].clone()),
        (404, json!("not found"))
    );
}

#[test]
fn traversal_is_refused_and_opens_nothing() {
    let root = root();
    let outside = root_with("seed-demo", &["secret", "demo"], "cs-out");
    std::os::unix::fs::symlink(outside.join("secret/demo"), root.join("acme/escape")).unwrap();
    std::os::unix::fs::symlink(outside.join("secret"), root.join("acme/team/out")).unwrap();
    let s = server(&root);
    let abs = outside.join("secret/demo").display().to_string();
    let claims_tried = [
        "../secret/demo".to_string(),
        "../../secret/demo".to_string(),
        "team/../../secret/demo".to_string(),
        "./demo".to_string(),
        "demo/".to_string(),
        "team//project-alpha".to_string(),
        abs.clone(),
        abs.trim_start_matches('/').to_string(),
        "%2e%2e/secret/demo".to_string(),
        "..%2Fsecret%2Fdemo".to_string(),
        "escape".to_string(),
        "team/out/demo".to_string(),
        "demo\\..\\..\\secret".to_string(),
        "demo\0".to_string(),
    ];
    let before = server_support::files_below(&outside);
    for c in &claims_tried {
        let r = get(&s, &format!("/api/v1/repos/diff?sha={C2}"), c);
        assert_eq!(r.status, 404, "{c:?}: {}", String::from_utf8_lossy(&r.body));
        assert_eq!(r.json(), json!({"error": "repository not found"}), "{c:?}");
    }
    // The path form: raw, encoded and double-encoded, with the same claim.
    let path_forms = [
        ("..%2Fsecret%2Fdemo", "../secret/demo"),
        ("%2E%2E%2Fsecret%2Fdemo", "../secret/demo"),
        ("%252e%252e%252fsecret%252fdemo", "%2e%2e%2fsecret%2fdemo"),
        ("escape", "escape"),
        ("..", ".."),
    ];
    for (seg, claim) in path_forms {
        let r = get(&s, &format!("/api/repos/{seg}/diff?sha={C2}"), claim);
        assert_eq!(r.status, 404, "{seg}: {}", String::from_utf8_lossy(&r.body));
    }
    let r = get(&s, &format!("/api/repos/../../diff?sha={C2}"), "..");
    assert_eq!(r.status, 404);
    assert_eq!(
        server_support::files_below(&outside),
        before,
        "nothing appeared outside the root"
    );
    // The symlinked repository really is a repository: only the root check refuses it.
    assert_eq!(
        get(&s, &format!("/api/v1/repos/diff?sha={C2}"), "demo").status,
        200
    );
}

#[test]
fn no_issuer_configured_reads_unsigned_claims_on_loopback() {
    let root = root();
    let s = Server::start(&root, &["--root", root.to_str().unwrap()]);
    let unsigned = |c: &Value| token(&json!({"alg": "ES256"}), c, |_| b"unsigned".to_vec());
    let ok = format!("/api/v1/repos/diff?sha={C2}");
    let r = s.get(
        &ok,
        &[("Authorization", &bearer(&unsigned(&claims("demo"))))],
    );
    assert_eq!(r.status, 200);
    assert_eq!(r.json(), example_3a());
    // Still required: a token, its times, a public-key alg, the scope; the issuer is a
    // folder name and is checked like one.
    assert_eq!(s.get(&ok, &[]).status, 401);
    let mut c = claims("demo");
    c["exp"] = json!(now() - 600);
    assert_eq!(
        s.get(&ok, &[("Authorization", &bearer(&unsigned(&c)))])
            .status,
        401
    );
    let mut c = claims("demo");
    c["scopes"] = json!([]);
    assert_eq!(
        s.get(&ok, &[("Authorization", &bearer(&unsigned(&c)))])
            .status,
        401
    );
    let none = format!(
        "{}.{}.",
        server_support::tokens::b64(br#"{"alg":"none"}"#),
        server_support::tokens::b64(claims("demo").to_string().as_bytes())
    );
    assert_eq!(s.get(&ok, &[("Authorization", &bearer(&none))]).status, 401);
    for iss in ["..", ".", "acme/team", ""] {
        let mut c = claims("project-alpha.git");
        c["iss"] = json!(iss);
        let r = s.get(&ok, &[("Authorization", &bearer(&unsigned(&c)))]);
        assert_eq!(r.status, 404, "{iss:?}");
    }
}

#[test]
fn single_repository_and_sha256() {
    // Without --root the served repository answers to its folder name.
    let root = root_with("seed-demo", &["demo"], "cs-single");
    let cfg = config(&root.with_extension("cfg"));
    let s = Server::start(&root.join("demo"), &["--config", cfg.to_str().unwrap()]);
    let r = get(&s, &format!("/api/v1/repos/diff?sha={C2}"), "demo");
    assert_eq!(r.json(), example_3a());
    let r = get(&s, &format!("/api/v1/repos/diff?sha={C2}"), "other");
    assert_eq!(r.status, 404);
    drop(s);
    // SHA-256: 64-digit ids in and out, 40-digit ones refused.
    let root = root_with("odb-sha256", &["acme", "h"], "cs-256");
    let s = server(&root);
    let dir = common::fixture("odb-sha256");
    let head = rev(&dir, "HEAD");
    assert_eq!(head.len(), 64);
    let r = get(&s, &format!("/api/v1/repos/diff?sha={head}"), "h");
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    let doc = r.json();
    let parent = rev(&dir, "HEAD^");
    assert_eq!(doc["base_sha"], parent.as_str());
    check_against_git(&dir, &doc, &parent, &head);
    let first = rev(&dir, "HEAD~5");
    let doc = get(
        &s,
        &format!("/api/v1/repos/diff?sha={head}&baseSha={first}"),
        "h",
    )
    .json();
    check_against_git(&dir, &doc, &first, &head);
    let r = get(&s, &format!("/api/v1/repos/diff?sha={C2}"), "h");
    assert_eq!((r.status, r.json()), (400, json!({"error": "invalid sha"})));
}

#[test]
fn openapi_documents_the_parameters() {
    let root = root();
    let s = server(&root);
    let doc = s.get("/openapi.json", &[]).json();
    for p in ["/api/v1/repos/diff", "/api/repos/{repo}/diff"] {
        let op = &doc["paths"][p]["get"];
        let names: Vec<&str> = op["parameters"]
            .as_array()
            .unwrap_or_else(|| panic!("{p}: {op}"))
            .iter()
            .map(|x| x["name"].as_str().unwrap())
            .collect();
        for n in ["sha", "baseSha", "path", "Authorization"] {
            assert!(names.contains(&n), "{p}: {names:?}");
        }
        let sha = op["parameters"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["name"] == "sha")
            .unwrap();
        assert_eq!(sha["required"], true);
    }
}

/// Peak resident memory of a process, in KiB.
fn peak_rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.split_whitespace().next())
        .unwrap()
        .parse()
        .unwrap()
}

#[test]
fn streamed_as_produced_and_stopped_when_the_client_leaves() {
    use std::io::{Read, Write};
    let root = root_with("server-codestorage-wide", &["acme", "wide"], "cs-wide");
    let dir = root.join("acme/wide/repo.git");
    let cfg_dir = root.with_extension("cfg");
    let cfg = config(&cfg_dir);
    let mut text = std::fs::read_to_string(&cfg).unwrap();
    text.insert_str(0, "[server]\nmax_concurrent_diffs = 1\n");
    std::fs::write(&cfg, text).unwrap();
    let s = Server::with_root(&root, &cfg);
    let sha = rev(&dir, "wide");
    let target = format!("/api/v1/repos/diff?sha={sha}");
    let auth = bearer(&es(&claims("wide/repo")));
    // A client that reads the head and a little of the body, then stops reading: the
    // diff waits for it (the document is far larger than the socket buffers), holding
    // the only diff permit, so the diff is still running while the body is sent.
    let mut slow = s.connect();
    write!(
        slow,
        "GET {target} HTTP/1.1\r\nHost: x\r\nAuthorization: {auth}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut got = vec![0u8; 65536];
    let mut n = 0;
    while n < 4096 {
        n += slow.read(&mut got[n..]).unwrap();
    }
    let head = String::from_utf8_lossy(&got[..n]).into_owned();
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    assert!(
        head.contains("{\"sha\":\""),
        "the document has begun: {head}"
    );
    std::thread::sleep(std::time::Duration::from_millis(500));
    let busy = s.get(&target, &[("Authorization", &auth)]);
    assert_eq!(busy.status, 503, "{}", String::from_utf8_lossy(&busy.body));
    assert!(busy.header("retry-after").is_some());
    assert_eq!(busy.json(), json!({"error": "server busy, retry later"}));
    // The client leaves: the diff stops and frees the permit.
    drop(slow);
    let start = std::time::Instant::now();
    let full = loop {
        let r = s.get(&target, &[("Authorization", &auth)]);
        if r.status != 503 || start.elapsed() > std::time::Duration::from_secs(20) {
            break r;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    };
    assert_eq!(full.status, 200);
    let doc = full.json();
    assert_eq!(doc["files"].as_array().unwrap().len(), 3000);
    assert_eq!(
        doc["stats"],
        json!({"files": 3000, "additions": 600000, "deletions": 0, "changes": 600000})
    );
    let first = &doc["files"][0];
    let want = common::git(&dir, &["diff", &format!("{sha}^"), &sha, "--", "d1/f1.txt"]);
    assert_eq!(
        first["raw"].as_str().unwrap(),
        String::from_utf8_lossy(&want)
    );
    // The whole document never sat in the server's memory.
    let peak = peak_rss_kib(s.child.id());
    let doc_kib = full.body.len() as u64 / 1024;
    eprintln!("document {doc_kib} KiB, server peak RSS {peak} KiB");
    assert!(
        peak < doc_kib,
        "peak RSS {peak} KiB vs a {doc_kib} KiB document"
    );
}
