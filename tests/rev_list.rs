//! `oxgit rev-list` against `git rev-list`, byte for byte (stdout and exit status; stderr
//! too where git's message is oxgit's).

mod common;
use common::*;

/// Runs `args` and checks oxgit refuses it as git does (same exit status, nothing on
/// stdout), with `needle` in its message.
fn assert_refused(dir: &std::path::Path, args: &[&str], needle: &str) {
    assert_same(dir, args);
    assert_oxgit_refuses(dir, args, needle);
}

/// Checks oxgit refuses `args` (an option git has and oxgit does not) with exit status
/// 129, nothing on stdout and `needle` in its message.
fn assert_oxgit_refuses(dir: &std::path::Path, args: &[&str], needle: &str) {
    let out = run(
        {
            let mut c = oxgit_cmd(dir);
            c.args(args);
            c
        },
        b"",
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains(needle), "{args:?}: {err}");
    assert!(out.stdout.is_empty(), "{args:?}");
    assert_eq!(out.status.code(), Some(129), "{args:?}: {err}");
}

#[test]
fn ids_counts_and_ranges_match_git() {
    let dir = fixture("basic");
    for args in [
        &["rev-list", "HEAD"][..],
        &["rev-list", "main", "side", "odd"],
        &["rev-list", "--count", "HEAD"],
        &["rev-list", "--count", "side..main"],
        &["rev-list", "main..side"],
        &["rev-list", "side...main"],
        &["rev-list", "^side", "main"],
        &["rev-list", "main", "--not", "side"],
        &["rev-list", "--all"],
        &["rev-list", "--count", "--all"],
        &["rev-list", "--branches"],
        &["rev-list", "--tags"],
        &["rev-list", "--branches=s*"],
        &["rev-list", "--all", "--not", "main"],
        &["rev-list", "--parents", "HEAD"],
        &["rev-list", "--parents", "--abbrev-commit", "HEAD"],
        &["rev-list", "--abbrev-commit", "--abbrev=10", "HEAD"],
        &["rev-list", "--reverse", "HEAD"],
        &["rev-list", "--reverse", "-n", "2", "HEAD"],
        &["rev-list", "-n", "3", "HEAD"],
        &["rev-list", "-3", "HEAD"],
        &["rev-list", "--max-count=2", "--skip=1", "HEAD"],
        &["rev-list", "--skip", "3", "HEAD"],
        &["rev-list", "--first-parent", "HEAD"],
        &["rev-list", "--first-parent", "--parents", "HEAD"],
        &["rev-list", "--no-merges", "HEAD"],
        &["rev-list", "--merges", "HEAD"],
        &["rev-list", "--count", "--no-merges", "HEAD"],
        &["rev-list", "--grep=change", "HEAD"],
        &["rev-list", "-i", "--grep=MAIN", "HEAD"],
        &["rev-list", "--author=Thor", "--all"],
        &["rev-list", "--committer=nobody", "--all"],
        &["rev-list", "v1.0-outer"],
        &["rev-list", "HEAD^{tree}"],
        &["rev-list", "--since=1700000100", "HEAD"],
        &["rev-list", "--until=1700000100", "HEAD"],
        &["rev-list", "--max-age=1700000100", "--all"],
        &["rev-list", "--tags=v*"],
        &["rev-list", "--glob=heads/*"],
        &["rev-list", "--branches", "--not", "--tags"],
        &["rev-list", "--max-parents=1", "--min-parents=1", "HEAD"],
    ] {
        assert_same(&dir, args);
    }
}

#[test]
fn formats_match_git() {
    let dir = fixture("basic");
    for args in [
        &["rev-list", "--format=%s", "HEAD"][..],
        &["rev-list", "--format=%h %an%n%b", "-3", "HEAD"],
        &["rev-list", "--format=", "HEAD"],
        &["rev-list", "--pretty", "-2", "HEAD"],
        &["rev-list", "--pretty=oneline", "HEAD"],
        &["rev-list", "--pretty=short", "--all"],
        &["rev-list", "--pretty=raw", "odd"],
        &["rev-list", "--pretty=fuller", "-2", "HEAD"],
        &["rev-list", "--oneline", "HEAD"],
        &["rev-list", "--oneline", "--parents", "HEAD"],
        &[
            "rev-list",
            "--format=%s",
            "--abbrev-commit",
            "--parents",
            "HEAD",
        ],
        &["rev-list", "--format=format:%H", "-2", "HEAD"],
        &["rev-list", "--pretty=medium", "--reverse", "HEAD"],
    ] {
        assert_same(&dir, args);
    }
    let dir = fixture("pretty");
    for args in [
        &["rev-list", "--all", "--format=%an <%ae> %ad %s"][..],
        &["rev-list", "--all", "--pretty"],
        &["rev-list", "--all", "--pretty", "--date=iso"],
        &["rev-list", "--all", "--oneline"],
        &["rev-list", "--all", "--pretty=full", "--use-mailmap"],
        &["rev-list", "--all", "--pretty=full", "--decorate"],
        &["rev-list", "--all", "--notes"],
        &["rev-list", "--all", "--no-notes", "--format=%s"],
    ] {
        assert_same(&dir, args);
    }
}

#[test]
fn objects_match_git() {
    let dir = fixture("basic");
    for args in [
        &["rev-list", "--objects", "HEAD"][..],
        &["rev-list", "--objects", "--all"],
        &["rev-list", "--objects", "v1.0-outer"],
        &["rev-list", "--objects", "tree-tag", "blob-tag"],
        &["rev-list", "--objects", "HEAD~1..HEAD"],
        &["rev-list", "--objects", "side..main"],
        &["rev-list", "--objects", "main..side"],
        &["rev-list", "--objects", "^side", "main", "odd"],
        &["rev-list", "--objects", "--count", "HEAD"],
        &["rev-list", "--objects", "--reverse", "-n", "2", "HEAD"],
        &["rev-list", "--objects", "HEAD~2^{tree}"],
        &["rev-list", "--objects", "odd"],
        &["rev-list", "--objects", "HEAD~1:src"],
        &["rev-list", "--objects", "HEAD~1:README", "HEAD"],
        &["rev-list", "--objects", "^HEAD~1^{tree}", "HEAD~1"],
        &["rev-list", "--objects", "--all", "--not", "side"],
        &["rev-list", "--count", "--objects", "side..main"],
        &["rev-list", "--objects", "--first-parent", "HEAD"],
    ] {
        assert_same(&dir, args);
    }
    let root = fixture("log-paths");
    for repo in ["plain", "bloom"] {
        let dir = root.join(repo);
        for args in [
            &["rev-list", "--objects", "--all"][..],
            &["rev-list", "--objects", "topic..main"],
            &["rev-list", "--objects", "main~5..main"],
            &["rev-list", "--objects", "docs-only...topic"],
        ] {
            assert_same(&dir, args);
        }
    }
}

#[test]
fn paths_and_walk_options_match_git() {
    let root = fixture("log-paths");
    for repo in ["plain", "bloom"] {
        let dir = root.join(repo);
        for args in [
            &["rev-list", "main", "--", "src"][..],
            &["rev-list", "--count", "main", "--", "docs"],
            &["rev-list", "--all", "--", "src/core"],
            &["rev-list", "--first-parent", "main", "--", "src"],
            &["rev-list", "--no-merges", "--all"],
            &["rev-list", "--parents", "--all"],
            &["rev-list", "--oneline", "topic..main", "--", "docs"],
            &["rev-list", "--reverse", "--count", "main"],
            &["rev-list", "--format=%s", "-n", "4", "--skip=2", "main"],
        ] {
            assert_same(&dir, args);
        }
    }
    let dir = fixture("basic-packed");
    for args in [
        &["rev-list", "--objects", "--all"][..],
        &["rev-list", "--count", "side..main"],
        &["rev-list", "--oneline", "--all"],
    ] {
        assert_same(&dir, args);
    }
    let dir = fixture("diff-cases");
    for args in [
        &["rev-list", "--all"][..],
        &["rev-list", "--all", "--objects"],
        &["rev-list", "--all", "--oneline"],
    ] {
        assert_same(&dir, args);
    }
}

#[test]
fn errors_match_git() {
    let dir = fixture("basic");
    // git's messages are its own; the exit status and empty stdout must match.
    assert_same_stderr(&dir, &["rev-list", "no-such-rev"]);
    assert_same_stderr(&dir, &["rev-list", "main..no-such-rev"]);
    assert_same_stderr(&dir, &["rev-list", "no-such-rev...main"]);
    assert_same_stderr(&dir, &["rev-list", "^no-such-rev", "main"]);
    assert_same_stderr(&dir, &["rev-list", "--not", "no-such-rev"]);
    assert_same_stderr(&dir, &["log", "main..no-such-rev"]);
    assert_same(&dir, &["rev-list"]);
    assert_refused(
        &dir,
        &["rev-list", "--bogus", "HEAD"],
        "not supported by oxgit",
    );
    assert_same(&dir, &["rev-list", "--topo-order", "HEAD"]);
    assert_same(&dir, &["rev-list", "--left-right", "HEAD"]);
    assert_oxgit_refuses(&dir, &["rev-list", "--bisect", "HEAD"], "--bisect");
    assert_same(&dir, &["rev-list", "--parents", "HEAD", "--", "src"]);
    assert_same(&dir, &["rev-list", "-n", "x", "HEAD"]);
    assert_same_stderr(&dir, &["rev-list", "--notes", "HEAD"]);
    // What oxgit does not do is refused, never approximated.
    for args in [
        &["rev-list", "--objects", "HEAD", "--", "src"][..],
        &[
            "rev-list",
            "--simplify-by-decoration",
            "--first-parent",
            "HEAD",
        ],
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
        assert!(err.contains("not supported by oxgit"), "{args:?}: {err}");
        assert!(out.stdout.is_empty() && !out.status.success(), "{args:?}");
    }
}
