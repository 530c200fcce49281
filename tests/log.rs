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

/// `-z` separators and terminators, `--oneline` against `--no-abbrev-commit`, the
/// email formats' subject prefix, `--decorate=full` for `%d`, and `-s` against later
/// format options, each as git 2.47 has them.
#[test]
fn separators_abbreviation_subject_prefix_and_no_patch_match_git() {
    let dir = fixture("basic");
    for args in [
        &["log", "-z", "main"][..],
        &["log", "-z", "--oneline", "main", "side"],
        &["log", "-z", "--format=%h", "main"],
        &["log", "-z", "--format=format:%h%n%s", "main"],
        &["log", "-z", "--name-only", "--format=%h", "main"],
        &["log", "-z", "--stat", "--format=%h", "main"],
        &["log", "-z", "-p", "--oneline", "main"],
        &["log", "-z", "--raw", "-3", "main"],
        &["log", "-z", "--graph", "--oneline", "main", "side"],
        &["log", "-z", "--graph", "--stat", "main"],
        &["log", "-z", "--pretty=email", "-2", "main"],
        &["show", "-z", "-s", "main", "side"],
        &["show", "-z", "--oneline", "--name-only", "main", "side"],
        &["rev-list", "-z", "--format=%h", "main"],
        &["rev-list", "-z", "--parents", "main"],
        &["log", "--oneline", "--no-abbrev-commit", "main"],
        &["log", "--no-abbrev-commit", "--oneline", "main"],
        &["log", "--oneline", "--pretty=medium", "-2", "main"],
        &[
            "-c",
            "log.abbrevCommit=true",
            "log",
            "--oneline",
            "--no-abbrev-commit",
        ],
        &["rev-list", "--oneline", "--no-abbrev-commit", "main"],
        &["rev-list", "--pretty=email", "-2", "main"],
        &["log", "--pretty=email", "-2", "main"],
        &[
            "-c",
            "format.subjectPrefix=RFC",
            "show",
            "-s",
            "--pretty=email",
            "main",
        ],
        &[
            "-c",
            "format.subjectPrefix=",
            "log",
            "--pretty=email",
            "-1",
            "main",
        ],
        &[
            "log",
            "--decorate=full",
            "--format=%d|%D|%(decorate:prefix=<)",
            "--all",
        ],
        &["-c", "log.decorate=full", "log", "--format=%d", "--all"],
        &[
            "-c",
            "log.decorate=full",
            "log",
            "--format=%d",
            "--decorate",
            "--all",
        ],
        &[
            "log",
            "--decorate=full",
            "--no-decorate",
            "--format=%D",
            "--all",
        ],
        &["show", "-s", "-U0", "main"],
        &["show", "-s", "-p", "main"],
        &["log", "-s", "--stat", "-2", "main"],
        &["log", "--no-patch", "--raw", "-2", "main"],
        &["log", "-s", "--patch-with-stat", "-1", "main"],
        &["log", "--stat", "-s", "-2", "main"],
        &["log", "-s", "--name-only", "main"],
        &["log", "--name-only", "--name-status", "main"],
        &["diff-tree", "-r", "-s", "--name-status", "main"],
        &["diff", "-s", "--check", "main~1", "main"],
    ] {
        assert_same(&dir, args);
    }
}
