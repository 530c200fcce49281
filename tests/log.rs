//! `oxgit log` against `git log`, byte for byte.

mod common;
use common::*;

#[test]
fn formats_and_walk_options_match_git() {
    let dir = fixture("basic");
    for args in [
        &["log", "--format=%H %h %an %ae %at %s"][..],
        &["log", "--format=%H%n%P|%p|%T|%t%n%cn %ce %ct%n%b|%B%%%z"],
        &["log", "--format=%h", "-n", "3", "--no-merges"],
        &["log", "--format=%s", "--first-parent", "main"],
        &["log", "--pretty=format:%s", "odd"],
        &["log", "--pretty=tformat:%H", "-2", "side"],
        &["log", "--format=%H", "--max-count=0"],
        &["log", "--format=%s", "v1.0-outer"],
        &["log", "--format=%s", "main", "side", "odd"],
        &["log", "--format=%s", "no-such-rev"],
        &["log"],
        &["log", "-n", "2", "odd"],
        &["log", "--oneline"],
        &["log", "--oneline", "--no-merges", "main", "side"],
        &["log", "--pretty=medium", "v1.0"],
    ] {
        assert_same(&dir, args);
    }
}

#[test]
fn numstat_history_matches_git() {
    let dir = fixture("basic");
    for args in [
        &["log", "--numstat", "--format=%H"][..],
        &["log", "--numstat"],
        &["log", "--numstat", "--oneline"],
        &["log", "--numstat", "--pretty=format:%H"],
        &["log", "--numstat", "--format="],
        &["log", "--numstat", "--format=%H", "-n", "3", "--no-merges"],
        &["log", "--numstat", "--first-parent", "--format=%s"],
        &["log", "--numstat", "--format=%H %h %an %ae %at %s", "odd"],
        &["log", "--stat"],
        &["log", "-p"],
        &["log", "--stat", "-p", "--format=%H"],
        &["log", "--shortstat", "--oneline"],
        &["log", "-p", "--numstat", "-3"],
        &["log", "--stat", "--pretty=format:%s"],
    ] {
        assert_same(&dir, args);
    }
    let cases = fixture("diff-cases");
    let refs = String::from_utf8(git(&cases, &["for-each-ref", "--format=%(refname)"])).unwrap();
    let mut args = vec!["log", "--numstat", "--format=%H"];
    args.extend(refs.lines());
    assert_same(&cases, &args);
    assert_same(
        &fixture("basic-packed"),
        &["log", "--numstat", "--format=%h %s"],
    );
}

#[test]
fn no_arguments_shows_the_last_commit_with_its_stat() {
    let dir = fixture("basic");
    let ours = run(oxgit_cmd(&dir), b"");
    let theirs = git(&dir, &["log", "-1", "--stat"]);
    assert_eq!(ours.status.code(), Some(0));
    assert_eq!(
        String::from_utf8_lossy(&ours.stdout),
        String::from_utf8_lossy(&theirs)
    );
}

/// `-R` reverses each commit's diff (from the commit back to its parent, root commits
/// against the empty tree) and, as git's log-tree does, swaps the prefixes.
#[test]
fn reverse_diffs_match_git() {
    for name in ["basic", "diff-cases"] {
        let dir = fixture(name);
        for args in [
            &["log", "-R", "-p"][..],
            &["log", "-p", "-R", "-M"],
            &["log", "-R", "--stat", "-p"],
            &["log", "-R", "--raw", "--format=%h"],
            &["log", "-R", "--numstat", "--format=%h"],
            &["log", "-R", "-p", "--src-prefix=x/", "--dst-prefix=y/"],
        ] {
            assert_same(&dir, args);
        }
    }
}
