//! `oxgit log` reads parents and commit times from the commit-graph (single file or
//! split chain, octopus merges included) and matches git; damaged graphs never crash it.

mod common;
use common::*;
use std::path::{Path, PathBuf};

/// Runs git in `dir` with commit dates `t`.
fn git_at(dir: &Path, t: u64, args: &[&str]) {
    let mut c = git_cmd(dir);
    c.args(args)
        .env("GIT_AUTHOR_DATE", format!("@{t} +0000"))
        .env("GIT_COMMITTER_DATE", format!("@{t} +0100"));
    let out = run(c, b"");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A repository with branches whose dates interleave, and an octopus merge.
fn build(name: &str) -> PathBuf {
    check_git_version();
    let dir = scratch_dir().join(format!("{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    git(&dir, &["init", "-q", "-b", "main"]);
    let mut t = 1_700_000_000u64;
    let commit = |dir: &Path, msg: &str, t: &mut u64| {
        *t += 97;
        git_at(dir, *t, &["commit", "-q", "--allow-empty", "-m", msg]);
    };
    for i in 0..5 {
        commit(&dir, &format!("base {i}"), &mut t);
    }
    for b in ["a", "b", "c"] {
        git(&dir, &["checkout", "-q", "-b", b, "main~2"]);
        for i in 0..3 {
            commit(&dir, &format!("{b} {i}"), &mut t);
        }
    }
    git(&dir, &["checkout", "-q", "main"]);
    t += 50;
    git_at(
        &dir,
        t,
        &["merge", "-q", "--no-ff", "-m", "octopus", "a", "b", "c"],
    );
    for i in 0..3 {
        commit(&dir, &format!("after {i}"), &mut t);
    }
    dir
}

const LOGS: &[&[&str]] = &[
    &["log", "--format=%H"],
    &["log", "--format=%H %P %T", "main", "a", "b", "c"],
    &["log", "--format=%h %p %t|%s|%ct", "main", "a"],
    &["log", "--format=%H", "-n", "7", "--no-merges"],
    &["log", "--format=%s", "--first-parent"],
    &["log", "--oneline", "b", "c"],
];

fn check_all(dir: &Path) {
    for args in LOGS {
        assert_same(dir, args);
    }
}

#[test]
fn single_file_and_chain_match_git() {
    let dir = build("cgraph");
    git(&dir, &["commit-graph", "write", "--reachable"]);
    assert!(dir.join(".git/objects/info/commit-graph").exists());
    check_all(&dir);

    // A chain of two layers, the upper one added after more commits.
    std::fs::remove_file(dir.join(".git/objects/info/commit-graph")).unwrap();
    git(&dir, &["commit-graph", "write", "--reachable", "--split"]);
    git_at(
        &dir,
        1_700_100_000,
        &["commit", "-q", "--allow-empty", "-m", "top"],
    );
    git(
        &dir,
        &["commit-graph", "write", "--reachable", "--split=no-merge"],
    );
    let chain =
        std::fs::read_to_string(dir.join(".git/objects/info/commit-graphs/commit-graph-chain"))
            .unwrap();
    assert_eq!(chain.lines().count(), 2, "two layers");
    check_all(&dir);

    // A commit the graph does not know yet.
    git_at(
        &dir,
        1_700_200_000,
        &["commit", "-q", "--allow-empty", "-m", "new"],
    );
    check_all(&dir);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn damaged_graphs_do_not_crash() {
    let dir = build("cgraph-bad");
    git(&dir, &["commit-graph", "write", "--reachable"]);
    let path = dir.join(".git/objects/info/commit-graph");
    let good = std::fs::read(&path).unwrap();
    let mut cases: Vec<Vec<u8>> = vec![
        good[..good.len() / 2].to_vec(),
        good[..10].to_vec(),
        Vec::new(),
    ];
    // Every 4-byte word after the header set to large values, one at a time (parent
    // positions, edge indexes, chunk offsets, fan-out entries).
    for at in (8..good.len().saturating_sub(24)).step_by(4) {
        for v in [0xffff_ffffu32, 0x8000_0005, 0x7fff_ffff] {
            let mut b = good.clone();
            b[at..at + 4].copy_from_slice(&v.to_be_bytes());
            cases.push(b);
        }
    }
    for (n, bytes) in cases.iter().enumerate() {
        std::fs::write(&path, bytes).unwrap();
        for args in [
            &["log", "--format=%H %P"][..],
            &["log", "--format=%h %s", "main", "a"],
        ] {
            let mut c = oxgit_cmd(&dir);
            c.args(args);
            let out = run(c, b"");
            assert_ne!(
                out.status.code(),
                Some(101),
                "case {n}: oxgit panicked: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
    }
    // A graph too short to use is ignored, as git ignores it.
    std::fs::write(&path, &good[..10]).unwrap();
    check_all(&dir);
    let _ = std::fs::remove_dir_all(&dir);
}
