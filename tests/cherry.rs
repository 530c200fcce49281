//! `oxgit cherry` against git on branches with cherry-picked commits (other messages,
//! other bases, binary and mode changes, empty commits, merges), with and without a
//! commit-graph, the default upstream, limits and errors.

mod common;
use common::*;

#[test]
fn cherry_matches_git() {
    let root = fixture("log-cherry");
    for repo in ["plain", "graph"] {
        let dir = root.join(repo);
        for a in [
            &["cherry", "main", "side"][..],
            &["cherry", "-v", "main", "side"],
            &["cherry", "side", "main"],
            &["cherry", "-v", "side", "main"],
            &["cherry", "-v", "main", "rebased"],
            &["cherry", "-v", "rebased", "topic"],
            &["cherry", "--abbrev", "main", "side"],
            &["cherry", "--abbrev=8", "-v", "main", "side"],
            &["cherry", "--abbrev=2", "main", "side"],
            &["cherry", "main", "side", "side~2"],
            &["cherry", "-v", "v0", "side"],
            &["cherry", "main", "main"],
            &["cherry", "origin/main", "side"],
            // Errors: no upstream, unknown commits, too many arguments, bad options.
            &["cherry"],
            &["cherry", "-v"],
            &["cherry", "nope"],
            &["cherry", "main", "nope"],
            &["cherry", "a", "b", "c", "d"],
            &["cherry", "--bogus", "main"],
        ] {
            assert_same(&dir, a);
        }
    }
}

/// Without arguments: the current branch's upstream.
#[test]
fn cherry_defaults_to_the_upstream() {
    let src = fixture("log-cherry").join("plain");
    let tmp = tempfile::Builder::new()
        .prefix("cherry-")
        .tempdir_in(scratch_dir())
        .unwrap();
    git(tmp.path(), &["clone", "-q", src.to_str().unwrap(), "w"]);
    let w = tmp.path().join("w");
    git(&w, &["checkout", "-q", "-b", "mine", "origin/side"]);
    git(&w, &["branch", "-q", "--set-upstream-to=origin/main"]);
    assert_same(&w, &["cherry", "-v"]);
    assert_same(&w, &["cherry"]);
    assert_same_stderr(&w, &["cherry", "nope"]);
}
