//! Missing objects in repositories that legitimately lack some: a partial clone
//! (`--filter=blob:none`, objects promised by the remote) and shallow clones (`--depth`).
//! Outputs and exit codes are compared with git (lazy fetching off, as oxgit never
//! fetches); oxgit's error messages say why the object is missing.

mod common;

use common::{fixture, git_cmd, oxgit_cmd, run};
use oxgit::internals::odb::OdbError;
use oxgit::revision::walk::{shallow_commits, walk, WalkOptions};
use oxgit::{ObjectId, Repository};
use std::path::{Path, PathBuf};
use std::process::Output;

fn repo(name: &str) -> PathBuf {
    fixture("hostile-missing").join(name)
}

/// Runs git (with lazy fetching disabled) and oxgit; asserts equal stdout and exit code;
/// returns both outputs.
fn same(dir: &Path, args: &[&str]) -> (Output, Output) {
    let mut g = git_cmd(dir);
    g.env("GIT_NO_LAZY_FETCH", "1").args(args);
    let mut o = oxgit_cmd(dir);
    o.args(args);
    let (g, o) = (run(g, b""), run(o, b""));
    assert_eq!(
        String::from_utf8_lossy(&g.stdout),
        String::from_utf8_lossy(&o.stdout),
        "stdout differs for {args:?} in {}; oxgit stderr: {}",
        dir.display(),
        String::from_utf8_lossy(&o.stderr)
    );
    assert_eq!(g.status.code(), o.status.code(), "exit code for {args:?}");
    (g, o)
}

fn src_id(spec: &str) -> String {
    let out = common::git(
        &fixture("hostile-missing").join("src"),
        &["rev-parse", spec],
    );
    String::from_utf8(out).unwrap().trim().to_string()
}

fn id(hex: &str) -> ObjectId {
    ObjectId::from_hex(hex.as_bytes()).unwrap()
}

#[test]
fn promised_blob_is_a_distinct_error() {
    let dir = repo("partial");
    let blob = src_id("HEAD~1:f2");
    let r = Repository::discover(&dir).unwrap();
    match r.odb().read(&id(&blob)) {
        Err(e @ OdbError::MissingPromised(_)) => {
            assert!(e.is_missing());
            assert!(e.to_string().contains("promis"), "{e}");
        }
        other => panic!("expected MissingPromised, got {other:?}"),
    }
    assert!(matches!(
        r.odb().read_header(&id(&blob)),
        Err(OdbError::MissingPromised(_))
    ));
    // Commits and trees were fetched.
    assert!(r.odb().read(&id(&src_id("HEAD^{tree}"))).is_ok());

    let (_, ox) = same(&dir, &["cat-file", "-p", &blob]);
    assert_eq!(ox.status.code(), Some(128));
    let msg = String::from_utf8_lossy(&ox.stderr);
    assert!(msg.contains("promisor"), "{msg}");
    same(&dir, &["cat-file", "-t", &blob]);
    same(&dir, &["cat-file", "-e", &blob]);
    let mut cmd = git_cmd(&dir);
    cmd.env("GIT_NO_LAZY_FETCH", "1")
        .args(["cat-file", "--batch-check"]);
    let g = run(cmd, format!("{blob}\nHEAD\n").as_bytes());
    let mut cmd = oxgit_cmd(&dir);
    cmd.args(["cat-file", "--batch-check"]);
    let o = run(cmd, format!("{blob}\nHEAD\n").as_bytes());
    assert_eq!(g.stdout, o.stdout);
    assert!(String::from_utf8_lossy(&o.stdout).contains(" missing\n"));
    same(&dir, &["rev-parse", &format!("{blob}^{{blob}}")]);
    same(&dir, &["rev-parse", "HEAD~1:f2", "HEAD:d/x"]);
    // History is complete in a partial clone.
    same(&dir, &["log", "--format=%H %P %s"]);
    same(&dir, &["rev-parse", "HEAD~2", "HEAD^2", "v1^{}"]);
}

#[test]
fn shallow_log_stops_at_the_boundary_like_git() {
    for name in ["shallow", "shallow2"] {
        let dir = repo(name);
        let (g, _) = same(&dir, &["log", "--format=%H %P %s"]);
        assert!(!g.stdout.is_empty());
        same(&dir, &["log"]);
        same(&dir, &["log", "--first-parent", "--format=%h %p"]);
    }
    // Depth 1: the tip alone, shown without parents.
    let (g, _) = same(&repo("shallow"), &["log", "--format=%H|%P"]);
    assert_eq!(
        String::from_utf8(g.stdout).unwrap(),
        format!("{}|\n", src_id("HEAD"))
    );
}

#[test]
fn shallow_parents_are_unknown_revisions() {
    let dir = repo("shallow");
    same(&dir, &["rev-parse", "HEAD"]);
    same(&dir, &["rev-parse", "HEAD~1"]);
    same(&dir, &["rev-parse", "HEAD^"]);
    same(&dir, &["rev-parse", "HEAD^{tree}"]);
    // Objects beyond the boundary are unknown revisions, as in git.
    let parent = src_id("HEAD~1");
    for spec in ["^{commit}", "^{tree}", ":f1", "~1", ""] {
        same(&dir, &["rev-parse", &format!("{parent}{spec}")]);
    }
    same(&dir, &["rev-parse", &parent[..10]]);
    same(&dir, &["rev-parse", ":/c1"]);
    let dir2 = repo("shallow2");
    same(&dir2, &["rev-parse", "HEAD~1", "HEAD^2"]);
    same(&dir2, &["rev-parse", "HEAD~2"]);
}

#[test]
fn reading_beyond_the_shallow_boundary_is_a_distinct_error() {
    let dir = repo("shallow");
    let parent = src_id("HEAD~1");
    let r = Repository::discover(&dir).unwrap();
    assert_eq!(
        shallow_commits(&r).into_iter().collect::<Vec<_>>(),
        vec![id(&src_id("HEAD"))]
    );
    match r.odb().read(&id(&parent)) {
        Err(e @ OdbError::MissingShallow(_)) => assert!(e.to_string().contains("shallow")),
        other => panic!("expected MissingShallow, got {other:?}"),
    }
    let (_, ox) = same(&dir, &["cat-file", "-p", &parent]);
    assert!(String::from_utf8_lossy(&ox.stderr).contains("shallow"));
    // The library walk ends at the shallow commit instead of failing.
    let mut seen = Vec::new();
    walk(&r, &[id(&src_id("HEAD"))], &WalkOptions::default(), |c| {
        assert!(c.parents.is_empty());
        seen.push(c.id);
        Ok(true)
    })
    .unwrap();
    assert_eq!(seen.len(), 1);
}

#[test]
fn complete_repositories_still_say_not_found() {
    let dir = fixture("hostile-missing").join("src");
    let r = Repository::discover(&dir).unwrap();
    let nowhere = id("0123456789012345678901234567890123456789");
    assert!(matches!(r.odb().read(&nowhere), Err(OdbError::NotFound(_))));
}

#[test]
fn promised_means_a_promisor_remote_as_in_git() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let g = |args: &[&str]| common::git(dir, args);
    g(&["init", "-q"]);
    g(&["commit", "-q", "--allow-empty", "-m", "x"]);
    g(&["repack", "-adq"]);
    let nowhere = id("0123456789012345678901234567890123456789");
    // A `.promisor` pack file without a promisor remote: plainly not found.
    let pack_dir = dir.join(".git/objects/pack");
    let pack = std::fs::read_dir(&pack_dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "pack"))
        .unwrap();
    std::fs::write(pack.with_extension("promisor"), b"").unwrap();
    let read = || Repository::discover(dir).unwrap().odb().read(&nowhere);
    assert!(matches!(read(), Err(OdbError::NotFound(_))));
    // extensions.partialClone makes it a partial clone.
    g(&["config", "core.repositoryformatversion", "1"]);
    g(&["config", "extensions.partialClone", "origin"]);
    assert!(matches!(read(), Err(OdbError::MissingPromised(_))));
    // So does a promisor remote.
    g(&["config", "--unset", "extensions.partialClone"]);
    assert!(matches!(read(), Err(OdbError::NotFound(_))));
    g(&["config", "remote.up.url", "file:///nowhere"]);
    g(&["config", "remote.up.promisor", "true"]);
    assert!(matches!(read(), Err(OdbError::MissingPromised(_))));
}
