//! Path-limited history (`log -- <path>`) against git: default history simplification,
//! with and without changed-path Bloom filters in the commit-graph.

mod common;
use common::*;

const PATHS: &[&str] = &[
    "src",
    "src/core",
    "src/core/f1.c",
    "src/util/u3.c",
    "src/core/u3.c",
    "docs",
    "docs/",
    "docs/other.md",
    "deep/a/b",
    "deep/a/b/c/leaf.txt",
    "d\u{e9}j\u{e0}",
    "no/such/path",
    "*.md",
];

#[test]
fn path_limited_logs_match_git() {
    let root = fixture("log-paths");
    for repo in ["plain", "bloom"] {
        let dir = root.join(repo);
        for path in PATHS {
            for fmt in [
                &["log", "--format=%H %s"][..],
                &["log", "--numstat", "--format=%h"],
                &["log", "--first-parent", "--oneline"],
                &["log", "--no-merges", "--stat", "--format=%s"],
                &["log", "-n", "2", "--format=%H", "topic", "side"],
            ] {
                let mut args = fmt.to_vec();
                args.push("--");
                args.push(path);
                assert_same(&dir, &args);
            }
        }
        assert_same(
            &dir,
            &["log", "--format=%s", "--", "src/core", "docs/other.md"],
        );
    }
    // From a subfolder, paths are relative to it.
    assert_same(
        &root.join("plain/src"),
        &["log", "--format=%s", "--", "core"],
    );
}

#[test]
fn bloom_filters_never_hide_a_change() {
    use oxgit::diff::{tree_changes, TreeDiffOptions};
    let root = fixture("log-paths");
    let repo = oxgit::Repository::discover(&root.join("bloom")).unwrap();
    let graph = repo
        .odb()
        .commit_graph()
        .expect("the fixture has a commit-graph");
    let ids = String::from_utf8(git(&root.join("bloom"), &["rev-list", "--all"])).unwrap();
    let (mut checked, mut proven_unchanged) = (0, 0);
    for hex in ids.lines() {
        let id = oxgit::ObjectId::from_hex(hex.as_bytes()).unwrap();
        let pos = graph.lookup(&id).expect("every commit is in the graph");
        let c = graph.commit(pos).unwrap();
        let parent_tree = c.parents.first().map(|&p| graph.commit(p).unwrap().tree);
        let changes = tree_changes(
            repo.odb(),
            parent_tree.as_ref(),
            Some(&c.tree),
            &TreeDiffOptions::default(),
        )
        .unwrap();
        for ch in &changes {
            for path in [&ch.old_path, &ch.new_path] {
                if path.is_empty() {
                    continue;
                }
                // The changed file and every folder above it must be "maybe changed".
                assert_eq!(graph.maybe_changed(pos, path), Some(true), "{hex} {path:?}");
                checked += 1;
            }
        }
        if graph.maybe_changed(pos, b"no/such/path") == Some(false) {
            proven_unchanged += 1;
        }
    }
    assert!(checked > 20, "{checked} changed paths checked");
    assert!(
        proven_unchanged > 10,
        "filters prove absence: {proven_unchanged}"
    );
}

#[test]
fn path_lookups_follow_git_on_odd_trees() {
    // A folder whose id changes only by a legacy mode is unchanged to git; a path that
    // flips between file and folder is changed each time, for `flip`, `flip/` and below.
    let dir = fixture("log-paths").join("odd");
    for path in [
        "legacy",
        "legacy/",
        "legacy/f",
        "flip",
        "flip/",
        "flip/inner",
        "other",
    ] {
        for fmt in [
            &["log", "--format=%s"][..],
            &["log", "--name-status", "--format=%s"],
        ] {
            let mut args = fmt.to_vec();
            args.extend(["--", path]);
            assert_same(&dir, &args);
        }
    }
    assert_same(&dir, &["log", "--format=%s", "--", "legacy", "flip/inner"]);
}
