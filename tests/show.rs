//! `oxgit show` against `git show`, byte for byte: commits with their diff, annotated
//! tags (and tags of tags), trees, blobs, `rev:path`, several objects, and the format
//! and diff flags.

mod common;
use common::*;

#[test]
fn objects_match_git() {
    let dir = fixture("basic");
    for args in [
        &["show"][..],
        &["show", "HEAD~1"],
        &["show", "HEAD~6"],
        &["show", "v1.0"],
        &["show", "v1.0-outer"],
        &["show", "tree-tag"],
        &["show", "blob-tag"],
        &["show", "ancient"],
        &["show", "HEAD~1^{tree}"],
        &["show", "HEAD~1:src"],
        &["show", "HEAD~1:README"],
        &["show", "HEAD~1:bin.dat"],
        &[
            "show",
            "HEAD~1",
            "HEAD~1:README",
            "HEAD~1:src",
            "v1.0-outer",
        ],
        &["show", "HEAD~1:README", "HEAD~1"],
        &["show", "HEAD~1^{tree}", "HEAD~1"],
        &["show", "odd"],
        &["show", "light"],
    ] {
        assert_same(&dir, args);
    }
}

#[test]
fn formats_and_diff_flags_match_git() {
    let dir = fixture("basic");
    for args in [
        &["show", "--stat", "HEAD~1"][..],
        &["show", "--stat", "v1.0"],
        &["show", "--name-status", "v1.0"],
        &["show", "--name-only", "HEAD~3"],
        &["show", "-s", "HEAD~1", "HEAD~3"],
        &["show", "--format=%s", "-s", "HEAD", "HEAD~1"],
        &["show", "--format=%h %s", "HEAD~1"],
        &["show", "--oneline", "--stat", "HEAD~1"],
        &["show", "--oneline", "v1.0-outer"],
        &["show", "--oneline", "-s", "v1.0", "HEAD~1:src"],
        &["show", "--pretty=fuller", "v1.0"],
        &["show", "--pretty=raw", "-s", "odd"],
        &["show", "--format=", "--stat", "HEAD~3"],
        &["show", "--stat", "-p", "HEAD~1"],
        &["show", "--raw", "HEAD~3"],
        &["show", "--numstat", "HEAD~1"],
        &["show", "HEAD~3", "--", "src"],
        &["show", "--stat", "HEAD~2"],
        &["show", "-s", "HEAD~2"],
        &["show", "--shortstat", "HEAD~2"],
        &["show", "--name-only", "v1.0", "light"],
        &["show", "-s", "HEAD", "HEAD~1", "HEAD"],
        &["show", "-R", "HEAD~1"],
        &["show", "--format=%s", "tree-tag"],
        &["show", "--stat", "blob-tag"],
        &["show", "--date=iso", "-s", "v1.0"],
    ] {
        assert_same(&dir, args);
    }
    let dir = fixture("pretty");
    for args in [
        &["show", "-s"][..],
        &["show", "--stat"],
        &["show", "v1.0"],
        &["show", "--stat", "HEAD~1"],
        &["show", "-s", "HEAD~3"],
        &["show", "--format=%an %s%n%N", "-s", "HEAD~1"],
    ] {
        assert_same(&dir, args);
    }
    let dir = fixture("diff-cases");
    for args in [
        &["show", "c4"][..],
        &["show", "--stat", "c5"],
        &["show", "-M", "--name-status", "c6"],
        &["show", "annotated-c0"],
    ] {
        assert_same(&dir, args);
    }
}

#[test]
fn errors_match_git() {
    let dir = fixture("basic");
    assert_same_stderr(&dir, &["show", "no-such-rev"]);
    // Merges are shown as git's combined diff (tests/log_merges.rs has the cases).
    assert_same(&dir, &["show", "HEAD~2"]);
    assert_same(&dir, &["show", "--cc", "HEAD~1"]);
    for (args, needle) in [
        (&["show", "--bogus", "HEAD"][..], "not supported by oxgit"),
        (
            &["show", "--remerge-diff", "HEAD~2"],
            "not supported by oxgit",
        ),
    ] {
        let out = run(
            {
                let mut c = oxgit_cmd(&dir);
                c.args(args);
                c
            },
            b"",
        );
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(needle), "{args:?}: {err}");
        assert_ne!(out.status.code(), Some(0), "{args:?}");
    }
}
