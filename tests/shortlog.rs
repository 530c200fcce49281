//! `oxgit shortlog` against git: groups by author, committer and format, counts,
//! ordering, emails, wrapping, the mailmap, `[PATCH]` prefixes, the walk's options, and
//! a `git log` read from standard input.

mod common;
use common::*;

const FORMS: &[&[&str]] = &[
    &["shortlog", "HEAD"],
    &["shortlog", "-s", "HEAD"],
    &["shortlog", "-sn", "HEAD"],
    &["shortlog", "-n", "HEAD"],
    &["shortlog", "-sne", "HEAD"],
    &["shortlog", "-e", "HEAD~3..HEAD"],
    &["shortlog", "-c", "-s", "HEAD"],
    &["shortlog", "--committer", "--numbered", "--summary", "HEAD"],
    &["shortlog", "-w", "HEAD"],
    &["shortlog", "-w40,2,4", "HEAD"],
    &["shortlog", "-w0", "HEAD"],
    &["shortlog", "-w30,,0", "HEAD"],
    &[
        "shortlog",
        "--group=format:%ad",
        "--date=short",
        "-s",
        "HEAD",
    ],
    &[
        "shortlog",
        "--group=author",
        "--group=committer",
        "-s",
        "HEAD",
    ],
    &["shortlog", "--group=committer", "-e", "HEAD"],
    &["shortlog", "-e", "--group=format:%cE%n%aE", "HEAD"],
    &["shortlog", "--format=%h %s", "HEAD~3..HEAD"],
    &["shortlog", "--format=%b", "HEAD"],
    &["shortlog", "--pretty=oneline", "HEAD"],
    &["shortlog", "--reverse", "HEAD"],
    &["shortlog", "--no-merges", "-s", "HEAD"],
    &["shortlog", "-s", "--all"],
    &["shortlog", "-s", "--author=Zoe", "HEAD"],
    &["shortlog", "-n", "-2", "HEAD"],
    &["shortlog", "-s", "HEAD", "--", "f"],
    &["shortlog", "--no-group", "--group=committer", "HEAD"],
    // Errors: git's usage errors and exit codes.
    &["shortlog", "--group=foo", "HEAD"],
    &["shortlog", "-w5,6", "HEAD"],
    &["shortlog", "-w-1", "HEAD"],
    &["shortlog", "--bogus", "HEAD"],
    &["shortlog", "no-such-rev"],
];

#[test]
fn shortlog_matches_git() {
    for name in ["shortlog", "pretty"] {
        let dir = fixture(name);
        for a in FORMS {
            assert_same(&dir, a);
        }
    }
}

/// With no revision and standard input not a terminal, git reads a log from it (an
/// empty input gives no output).
#[test]
fn shortlog_reads_a_log_from_standard_input() {
    for name in ["shortlog", "pretty"] {
        let dir = fixture(name);
        for format in ["medium", "raw", "fuller", "short"] {
            let log = git(&dir, &["log", &format!("--pretty={format}")]);
            for a in [
                &["shortlog"][..],
                &["shortlog", "-sn"],
                &["shortlog", "-e", "-w"],
                &["shortlog", "-c", "-s"],
                &["shortlog", "--group=format:%an"],
                &["shortlog", "--group=author", "--group=committer"],
            ] {
                assert_same_with_input(&dir, a, &log);
            }
        }
        assert_same_with_input(&dir, &["shortlog", "-s"], b"");
    }
}

#[test]
fn trailer_groups_are_refused() {
    let dir = fixture("shortlog");
    let mut cmd = oxgit_cmd(&dir);
    cmd.args(["shortlog", "--group=trailer:signed-off-by", "HEAD"]);
    let out = run(cmd, b"");
    assert_eq!(out.status.code(), Some(128));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not supported by oxgit"));
}
