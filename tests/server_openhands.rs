//! OpenHands `git/changes` and `git/diff` on the real `oxgit serve` binary, over HTTP:
//! seed-apis.md §1.6 examples 1.a–1.e field for field (fixtures/openhands-cases.sh, a
//! local bare "origin"), and the changes list checked against git on the same work tree
//! (`git diff --name-status <ref>` + `git ls-files --others --exclude-standard`).
#![cfg(feature = "server")]

mod common;
mod server_support;

use serde_json::{json, Value};
use server_support::{config_file, Server};

const ID: &str = "0b5c2f3e9d0a4c51a3f6e2b7c8d9e0f1";
const KEY: (&str, &str) = ("X-Session-API-Key", "s3cret");

fn server() -> (Server, std::path::PathBuf) {
    let root = common::fixture("openhands-cases");
    let conv = root.join("conversations");
    let dir = common::scratch_dir().join(format!("openhands-cfg-{}", std::process::id()));
    let cfg = config_file(
        &dir,
        "oxgit.toml",
        "[openhands]\nsession_api_key = \"s3cret\"\n",
    );
    let s = Server::with_root(&conv, &cfg);
    (s, root)
}

fn changes(s: &Server, id: &str) -> (u16, Value) {
    let r = s.get(&format!("/api/conversations/{id}/git/changes"), &[KEY]);
    (r.status, r.json())
}

#[test]
fn example_1a_unpushed_branch_and_1b_pushed_branch() {
    let (s, _) = server();
    let (st, body) = changes(&s, ID);
    assert_eq!(st, 200);
    assert_eq!(
        body,
        json!([{"status":"A","path":".gitignore"},{"status":"M","path":"README.md"},
               {"status":"A","path":"docs.txt"},{"status":"D","path":"gone.txt"},
               {"status":"A","path":"new file.txt"},{"status":"D","path":"notes.txt"},
               {"status":"M","path":"src/main.rs"},{"status":"A","path":"staged.txt"}])
    );
    // Members in OpenHands' order: status, then path.
    let r = s.get(&format!("/api/conversations/{ID}/git/changes"), &[KEY]);
    assert!(String::from_utf8_lossy(&r.body).starts_with("[{\"status\":\"A\",\"path\""));
    let (st, body) = changes(&s, "pushed");
    assert_eq!(st, 200);
    assert_eq!(
        body,
        json!([{"status":"A","path":".gitignore"},{"status":"D","path":"gone.txt"},
               {"status":"A","path":"new file.txt"},{"status":"M","path":"src/main.rs"},
               {"status":"A","path":"staged.txt"}])
    );
}

/// The same list as git gives for the reference OpenHands picks.
#[test]
fn changes_agree_with_git() {
    let (s, root) = server();
    for (id, reference) in [(ID, None), ("pushed", Some("origin/feature"))] {
        let w = root.join("conversations").join(id);
        let r = match reference {
            Some(r) => r.to_string(),
            None => String::from_utf8(common::git(&w, &["merge-base", "HEAD", "origin/main"]))
                .unwrap()
                .trim()
                .to_string(),
        };
        let mut expected = Vec::new();
        let ns = String::from_utf8(common::git(&w, &["diff", "--name-status", &r])).unwrap();
        for line in ns.lines() {
            let f: Vec<&str> = line.split('\t').collect();
            match f[0].as_bytes()[0] {
                b'R' => {
                    expected.push(json!({"status":"D","path":f[1]}));
                    expected.push(json!({"status":"A","path":f[2]}));
                }
                b'C' => expected.push(json!({"status":"A","path":f[2]})),
                b'T' => expected.push(json!({"status":"M","path":f[1]})),
                _ => expected.push(json!({"status":&f[0][..1],"path":f[1]})),
            }
        }
        let others = String::from_utf8(common::git(
            &w,
            &["ls-files", "--others", "--exclude-standard"],
        ))
        .unwrap();
        for p in others.lines() {
            expected.push(json!({"status":"A","path":p}));
        }
        expected.sort_by(|a, b| a["path"].as_str().cmp(&b["path"].as_str()));
        assert_eq!(changes(&s, id).1, Value::Array(expected), "{id}");
    }
}

#[test]
fn example_1c_nested_repositories() {
    let (s, _) = server();
    let (st, body) = changes(&s, "nested");
    assert_eq!(st, 200);
    assert_eq!(
        body,
        json!([{"status":"A","path":"sub/a"},{"status":"A","path":"sub/b"}])
    );
}

#[test]
fn example_1d_file_diff() {
    let (s, _) = server();
    let r = s.get(
        &format!("/api/conversations/{ID}/git/diff?path=src/main.rs"),
        &[KEY],
    );
    assert_eq!(r.status, 200);
    assert_eq!(
        String::from_utf8_lossy(&r.body),
        r#"{"modified":"fn main() { println!(\"hi\"); }","original":"fn main() {}"}"#
    );
    let r = s.get(
        &format!("/api/conversations/{ID}/git/diff?path=staged.txt"),
        &[KEY],
    );
    assert_eq!(r.json(), json!({"modified":"staged","original":""}));
    // Deleted from the work tree: 200 with an empty modified side (§1.5).
    let r = s.get(
        &format!("/api/conversations/{ID}/git/diff?path=gone.txt"),
        &[KEY],
    );
    assert_eq!(
        (r.status, r.json()),
        (200, json!({"modified":"","original":"gone"}))
    );
    // No path: FastAPI's validation body.
    let r = s.get(&format!("/api/conversations/{ID}/git/diff"), &[KEY]);
    assert_eq!(r.status, 422);
    assert_eq!(
        r.json(),
        json!({"detail":[{"type":"missing","loc":["query","path"],"msg":"Field required","input":null}]})
    );
}

#[test]
fn example_1e_errors() {
    let (s, _) = server();
    for headers in [&[("X-Session-API-Key", "wrong")][..], &[]] {
        let r = s.get(&format!("/api/conversations/{ID}/git/changes"), headers);
        assert_eq!(
            (r.status, r.json()),
            (401, json!({"detail":"Unauthorized"}))
        );
    }
    let r = s.get("/api/conversations/nope/git/changes", &[KEY]);
    assert_eq!(
        (r.status, r.json()),
        (404, json!({"detail":"Conversation nope not found"}))
    );
    let r = s.get("/api/conversations/notadir/git/changes", &[KEY]);
    assert_eq!(
        (r.status, r.json()),
        (404, json!({"error":"Not a git repository"}))
    );
    for bad in ["..", "%2e%2e", "a%2fb"] {
        let r = s.get(&format!("/api/conversations/{bad}/git/changes"), &[KEY]);
        assert_eq!(r.status, 404, "{bad}");
    }
    let r = s.get(
        &format!("/api/conversations/{ID}/git/diff?path=../pushed/README.md"),
        &[KEY],
    );
    assert_eq!(r.status, 500);
    assert!(r.json()["error"].is_string());
}
