//! `oxgit mr`: merge requests written as loose objects and refs, checked with git itself
//! (`git fsck --strict`, `git cat-file`, `git for-each-ref`, `git hash-object`, `git gc`),
//! versions, locks, concurrent writers, and the CodeArts registry.
#![cfg(feature = "server")]

mod common;

use common::{git, oxgit_cmd, run};
use std::path::{Path, PathBuf};

fn demo_copy(tag: &str) -> PathBuf {
    let dst = common::scratch_dir().join(format!("mr-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dst);
    let ok = std::process::Command::new("cp")
        .arg("-a")
        .arg(common::fixture("seed-demo"))
        .arg(&dst)
        .status()
        .unwrap();
    assert!(ok.success());
    dst
}

fn ox(dir: &Path, args: &[&str]) -> std::process::Output {
    let mut c = oxgit_cmd(dir);
    c.args(args).env("GIT_COMMITTER_DATE", "@1741168800 +0800");
    run(c, b"")
}

fn ok(dir: &Path, args: &[&str]) -> String {
    let out = ox(dir, args);
    assert!(
        out.status.success(),
        "oxgit {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn s(b: Vec<u8>) -> String {
    String::from_utf8(b).unwrap()
}

#[test]
fn records_are_objects_and_refs_git_reads() {
    let d = demo_copy("git");
    let out = ok(
        &d,
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
    assert_eq!(
        out,
        "!1 opened: Greet the world\nbase_sha 3d437350ad89ab35b7d884b8ee474139319e44a2\nstart_sha 336dce07c1dc70210c06c8064d114b575e84c598\nhead_sha 0f814920eda2baa4ac00d06601458808f3c26746\n"
    );
    // git sees both refs and a valid repository.
    let refs = s(git(
        &d,
        &[
            "for-each-ref",
            "--format=%(refname) %(objecttype)",
            "refs/oxgit",
            "refs/merge-requests",
        ],
    ));
    assert_eq!(
        refs,
        "refs/merge-requests/1/head commit\nrefs/oxgit/merge-requests/1 commit\n"
    );
    assert_eq!(
        s(git(&d, &["rev-parse", "refs/merge-requests/1/head"])).trim(),
        "0f814920eda2baa4ac00d06601458808f3c26746"
    );
    git(&d, &["fsck", "--strict", "--no-dangling"]);
    // The record: a commit whose tree holds mr.json, with the version in its message.
    let rec = s(git(&d, &["cat-file", "-p", "refs/oxgit/merge-requests/1"]));
    assert!(
        rec.contains("\nauthor Ada Lovelace <ada@example.com> 1741168800 +0800\n"),
        "{rec}"
    );
    assert!(rec.ends_with("\n\nMerge request !1 opened: Greet the world\n\nbase_sha 3d437350ad89ab35b7d884b8ee474139319e44a2\nstart_sha 336dce07c1dc70210c06c8064d114b575e84c598\nhead_sha 0f814920eda2baa4ac00d06601458808f3c26746\n"), "{rec}");
    assert_eq!(
        s(git(
            &d,
            &["ls-tree", "--name-only", "refs/oxgit/merge-requests/1"]
        )),
        "mr.json\n"
    );
    let json: serde_json::Value = serde_json::from_slice(&git(
        &d,
        &["cat-file", "blob", "refs/oxgit/merge-requests/1:mr.json"],
    ))
    .unwrap();
    assert_eq!(json["iid"], 1);
    assert_eq!(json["state"], "opened");
    assert_eq!(
        json["author"],
        serde_json::json!({"name": "Ada Lovelace", "email": "ada@example.com", "username": "ada"})
    );
    assert_eq!(json["created_at"], "2025-03-05T18:00:00.000+08:00");
    // Every written object hashes to its name as git computes it.
    for spec in [
        "refs/oxgit/merge-requests/1",
        "refs/oxgit/merge-requests/1^{tree}",
        "refs/oxgit/merge-requests/1:mr.json",
    ] {
        let id = s(git(&d, &["rev-parse", spec])).trim().to_string();
        let ty = s(git(&d, &["cat-file", "-t", &id])).trim().to_string();
        let body = git(&d, &["cat-file", &ty, &id]);
        let mut c = common::git_cmd(&d);
        c.args(["hash-object", "-t", &ty, "--stdin"]);
        let h = run(c, &body);
        assert_eq!(s(h.stdout).trim(), id, "{spec}");
        // Loose, read-only, in objects/xx/.
        let p = d.join(".git/objects").join(&id[..2]).join(&id[2..]);
        assert!(
            p.metadata().unwrap().permissions().readonly(),
            "{}",
            p.display()
        );
    }
    // show --json is the stored record plus the versions.
    let shown: serde_json::Value =
        serde_json::from_str(&ok(&d, &["mr", "show", "1", "--json"])).unwrap();
    let mut stored = json.clone();
    stored["versions"] = serde_json::json!([{"base_sha": "3d437350ad89ab35b7d884b8ee474139319e44a2", "start_sha": "336dce07c1dc70210c06c8064d114b575e84c598", "head_sha": "0f814920eda2baa4ac00d06601458808f3c26746"}]);
    assert_eq!(shown, stored);
    // Close: a second record on top of the first.
    assert_eq!(
        ok(&d, &["mr", "close", "1"]),
        "!1 closed: Greet the world\n"
    );
    assert_eq!(
        s(git(
            &d,
            &["rev-list", "--count", "refs/oxgit/merge-requests/1"]
        ))
        .trim(),
        "2"
    );
    assert_eq!(
        ok(&d, &["mr", "list"]),
        "!1\tclosed\tfeature -> main\tGreet the world\n"
    );
    assert_eq!(ok(&d, &["mr", "list", "--state", "opened"]), "");
    // A second merge request gets the next iid; gc keeps everything readable.
    let out = ok(
        &d,
        &[
            "mr",
            "create",
            "--source",
            "main",
            "--target",
            "feature",
            "--title",
            "Back",
            "--author",
            "Bob B <bob@example.com>",
        ],
    );
    assert!(out.starts_with("!2 opened: Back\n"));
    git(&d, &["gc", "-q", "--prune=now"]);
    git(&d, &["fsck", "--strict", "--no-dangling"]);
    let shown = ok(&d, &["mr", "show", "2"]);
    assert!(
        shown.starts_with(
            "!2 opened: Back\nmain -> feature\nauthor: Bob B <bob@example.com> (bob)\n"
        ),
        "{shown}"
    );
    assert_eq!(ok(&d, &["mr", "list"]).lines().count(), 2);
}

#[test]
fn versions_follow_the_branches() {
    let d = demo_copy("versions");
    ok(
        &d,
        &[
            "mr", "create", "--source", "feature", "--target", "main", "--title", "T",
        ],
    );
    // Nothing moved: update writes nothing.
    ok(&d, &["mr", "update", "1"]);
    assert_eq!(
        s(git(
            &d,
            &["rev-list", "--count", "refs/oxgit/merge-requests/1"]
        ))
        .trim(),
        "1"
    );
    // The target advances: a new version with the new start_sha, same base.
    git(&d, &["commit", "-q", "--allow-empty", "-m", "main moves"]);
    let main = s(git(&d, &["rev-parse", "main"])).trim().to_string();
    let out = ok(&d, &["mr", "update", "1"]);
    assert!(out.contains(&format!("start_sha: {main}\n")), "{out}");
    assert!(out.contains("base_sha: 3d437350ad89ab35b7d884b8ee474139319e44a2\n"));
    // The source advances: head ref follows.
    git(&d, &["checkout", "-q", "feature"]);
    git(
        &d,
        &["commit", "-q", "--allow-empty", "-m", "feature moves"],
    );
    let feature = s(git(&d, &["rev-parse", "feature"])).trim().to_string();
    ok(&d, &["mr", "update", "1", "--title", "Renamed"]);
    assert_eq!(
        s(git(&d, &["rev-parse", "refs/merge-requests/1/head"])).trim(),
        feature
    );
    let j: serde_json::Value =
        serde_json::from_str(&ok(&d, &["mr", "show", "1", "--json"])).unwrap();
    assert_eq!(j["title"], "Renamed");
    let heads: Vec<&str> = j["versions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["head_sha"].as_str().unwrap())
        .collect();
    assert_eq!(
        heads,
        [
            "0f814920eda2baa4ac00d06601458808f3c26746",
            "0f814920eda2baa4ac00d06601458808f3c26746",
            feature.as_str()
        ]
    );
    // Closed merge requests keep their last version.
    ok(&d, &["mr", "close", "1"]);
    git(
        &d,
        &["commit", "-q", "--allow-empty", "-m", "feature again"],
    );
    ok(&d, &["mr", "update", "1"]);
    assert_eq!(
        s(git(&d, &["rev-parse", "refs/merge-requests/1/head"])).trim(),
        feature
    );
    git(&d, &["fsck", "--strict", "--no-dangling"]);
}

#[test]
fn errors_locks_and_concurrent_writers() {
    let d = demo_copy("locks");
    let err = |args: &[&str]| {
        let out = ox(&d, args);
        assert!(!out.status.success(), "{args:?} succeeded");
        String::from_utf8_lossy(&out.stderr).into_owned()
    };
    assert!(
        err(&["mr", "create", "--source", "nope", "--target", "main", "--title", "x"])
            .contains("branch 'nope' does not exist")
    );
    assert!(
        err(&["mr", "create", "--source", "main", "--target", "main", "--title", "x"])
            .contains("same")
    );
    assert!(
        err(&["mr", "create", "--source", "feature", "--target", "main"]).contains("needs --title")
    );
    assert!(err(&["mr", "show", "9"]).contains("merge request !9 does not exist"));
    assert!(err(&["mr", "show", "x"]).contains("not a merge request number"));
    assert!(err(&["mr", "frobnicate"]).contains("unknown mr command"));
    // A held lock makes the writer fail and leaves everything as it was.
    let lock = d.join(".git/refs/oxgit/merge-requests/1.lock");
    std::fs::create_dir_all(lock.parent().unwrap()).unwrap();
    std::fs::write(&lock, b"").unwrap();
    assert!(
        err(&["mr", "create", "--source", "feature", "--target", "main", "--title", "x"])
            .contains("File exists")
    );
    assert!(lock.exists(), "someone else's lock was removed");
    assert!(s(git(&d, &["for-each-ref", "refs/oxgit"])).is_empty());
    std::fs::remove_file(&lock).unwrap();
    // Eight writers at once: distinct iids for the winners, clean errors for the rest.
    let handles: Vec<_> = (0..8)
        .map(|i| {
            let d = d.clone();
            std::thread::spawn(move || {
                ox(
                    &d,
                    &[
                        "mr",
                        "create",
                        "--source",
                        "feature",
                        "--target",
                        "main",
                        "--title",
                        &format!("t{i}"),
                    ],
                )
            })
        })
        .collect();
    let outs: Vec<_> = handles.into_iter().map(|h| h.join().unwrap()).collect();
    let mut iids: Vec<String> = Vec::new();
    for o in &outs {
        if o.status.success() {
            iids.push(s(o.stdout.clone()).split(' ').next().unwrap().to_string());
        } else {
            let e = String::from_utf8_lossy(&o.stderr);
            assert!(
                e.contains("File exists") || e.contains("expected nothing"),
                "{e}"
            );
        }
    }
    assert!(!iids.is_empty());
    let n = iids.len();
    iids.sort();
    iids.dedup();
    assert_eq!(iids.len(), n, "two writers got the same iid");
    assert_eq!(
        s(git(&d, &["for-each-ref", "refs/oxgit"])).lines().count(),
        n
    );
    git(&d, &["fsck", "--strict", "--no-dangling"]);
    let leftovers: Vec<_> = walk(&d.join(".git"))
        .into_iter()
        .filter(|p| {
            p.to_string_lossy().ends_with(".lock") || p.to_string_lossy().contains("tmp_obj_")
        })
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut v = Vec::new();
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            v.extend(walk(&p));
        } else {
            v.push(p);
        }
    }
    v
}

#[test]
fn codearts_registry() {
    let root = common::scratch_dir().join(format!("mr-registry-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    std::fs::create_dir_all(root.join("team")).unwrap();
    for name in ["a", "b"] {
        let ok = std::process::Command::new("cp")
            .arg("-a")
            .arg(common::fixture("seed-demo"))
            .arg(root.join("team").join(name))
            .status()
            .unwrap();
        assert!(ok.success());
    }
    let a = root.join("team/a");
    let b = root.join("team/b");
    let r = root.to_str().unwrap();
    assert_eq!(
        ok(&a, &["mr", "register", "--root", r, "--id", "1001"]),
        "1001\n"
    );
    assert_eq!(
        ok(&a, &["mr", "register", "--root", r]),
        "1001\n",
        "registering again keeps the id"
    );
    assert_eq!(ok(&b, &["mr", "register", "--root", r]), "1002\n");
    let out = ox(&b, &["mr", "register", "--root", r, "--id", "1001"]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("already registered for team/a"));
    assert_eq!(
        s(git(&a, &["config", "oxgit.codearts.repositoryId"])).trim(),
        "1001"
    );
    assert_eq!(
        s(git(&b, &["config", "oxgit.codearts.repositoryId"])).trim(),
        "1002"
    );
    let text = std::fs::read_to_string(root.join(".oxgit/codearts-repos.toml")).unwrap();
    assert_eq!(text, "[[repository]]\nid = 1001\npath = \"team/a\"\n\n[[repository]]\nid = 1002\npath = \"team/b\"\n");
    let canon = root.canonicalize().unwrap();
    assert_eq!(
        oxgit::server::codearts_registry::lookup(&canon, 1002).unwrap(),
        Some(b.canonicalize().unwrap())
    );
    assert_eq!(
        oxgit::server::codearts_registry::lookup(&canon, 7).unwrap(),
        None
    );
    // An entry pointing outside the root (edited by hand) is never served.
    std::fs::write(
        root.join(".oxgit/codearts-repos.toml"),
        "[[repository]]\nid = 5\npath = \"../escape\"\n",
    )
    .unwrap();
    assert_eq!(
        oxgit::server::codearts_registry::lookup(&canon, 5).unwrap(),
        None
    );
    // A repository outside the root cannot be registered.
    let out = ox(
        &common::fixture("seed-demo"),
        &["mr", "register", "--root", r],
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("is not a repository below the root"));
}
