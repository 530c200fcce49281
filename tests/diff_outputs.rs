//! The extra output formats of the diff engine (`--check`), against git byte for byte
//! and exit status, on commits, the index and the work tree.

mod common;

use common::{assert_same, fixture};

/// `--check` in every command that shows diffs, with the status rules of `--exit-code`
/// and `--quiet`.
#[test]
fn check_reports_whitespace_errors_as_git() {
    let dir = fixture("diff-outputs");
    for args in [
        &["diff", "--check"][..],
        &["diff", "--check", "--exit-code"],
        &["diff", "--check", "--quiet"],
        &["diff", "--check", "--cached"],
        &["diff", "--check", "HEAD"],
        &["diff", "--check", "HEAD~3", "HEAD~2"],
        &["diff", "--check", "HEAD~2", "HEAD~1"],
        &["diff", "--check", "HEAD~1", "HEAD"],
        &["diff", "--check", "HEAD~3", "HEAD"],
        &["diff", "--check", "-R", "HEAD~3", "HEAD~2"],
        &["diff", "--check", "--stat", "-p", "HEAD~3", "HEAD~2"],
        &["diff", "--check", "--exit-code", "HEAD~3", "HEAD~2"],
        &["diff", "--check", "HEAD~3", "HEAD~2", "--", "src"],
        &["log", "--check"],
        &["log", "--check", "--oneline"],
        &["log", "--check", "--format=%s"],
        &["log", "--check", "-p", "--stat"],
        &["show", "--check"],
        &["show", "--check", "HEAD~1"],
        &["show", "--check", "HEAD~2", "--stat"],
        &["show", "--check", "--oneline", "HEAD~2"],
        &["diff-tree", "--check", "HEAD~2"],
        &["diff-tree", "--check", "-r", "HEAD~1"],
        &["diff-tree", "--check", "-v", "HEAD~2"],
        &["diff-tree", "--check", "-v", "HEAD~1"],
        &["diff-tree", "--check", "--root", "HEAD~3"],
        &["diff-tree", "--check", "HEAD~3", "HEAD"],
    ] {
        assert_same(&dir, args);
    }
}

/// `core.whitespace` rules: each one on and off, `tabwidth`, unknown names ignored.
#[test]
fn check_follows_core_whitespace() {
    let dir = fixture("diff-outputs");
    for rule in [
        "tab-in-indent",
        "indent-with-non-tab",
        "indent-with-non-tab,tabwidth=4",
        "cr-at-eol",
        "-blank-at-eol",
        "-blank-at-eof",
        "-space-before-tab",
        "-trailing-space",
        "trailing-space,-blank-at-eof",
        "bogus,cr-at-eol",
        "tab-in-indent,-space-before-tab",
    ] {
        let config = format!("core.whitespace={rule}");
        for range in [["HEAD~3", "HEAD~2"], ["HEAD~1", "HEAD"]] {
            assert_same(
                &dir,
                &["-c", &config, "diff", "--check", range[0], range[1]],
            );
        }
    }
}

/// git refuses contradicting rules and mixing `--check` with name listings.
#[test]
fn check_errors_as_git() {
    let dir = fixture("diff-outputs");
    for args in [
        &["diff", "--check", "--name-only", "HEAD~3", "HEAD~2"][..],
        &["diff", "--check", "--name-status", "HEAD~3", "HEAD~2"],
    ] {
        common::assert_same_stderr(&dir, args);
    }
    let out = common::run(
        {
            let mut c = common::oxgit_cmd(&dir);
            c.args([
                "-c",
                "core.whitespace=tab-in-indent,indent-with-non-tab",
                "diff",
                "--check",
                "HEAD~3",
                "HEAD~2",
            ]);
            c
        },
        b"",
    );
    assert_eq!(out.status.code(), Some(128));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot enforce both"));
}
