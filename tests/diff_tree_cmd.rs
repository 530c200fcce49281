//! `oxgit diff-tree` (the command) against `git diff-tree`, byte for byte: tree pairs,
//! commits against their parents, `-r`, `-t`, `--root`, `-m`, `-s`, `--no-commit-id`,
//! `-v`/`--pretty`, the shared diff flags, and `--stdin`.

mod common;
use common::*;

#[test]
fn trees_and_commits_match_git() {
    let dir = fixture("basic");
    for args in [
        &["diff-tree", "HEAD~4", "HEAD~1"][..],
        &["diff-tree", "-r", "HEAD~4", "HEAD~1"],
        &["diff-tree", "-t", "HEAD~4", "HEAD~1"],
        &["diff-tree", "HEAD~4^{tree}", "HEAD~1^{tree}"],
        &["diff-tree", "-r", "HEAD~6", "HEAD~1"],
        &["diff-tree", "-t", "--name-status", "HEAD~6", "HEAD~1"],
        &["diff-tree", "HEAD~4", "HEAD~1", "--", "src/main.rs"],
        &["diff-tree", "HEAD~4", "HEAD~1", "--", "src/deep"],
        &["diff-tree", "-r", "HEAD~4", "HEAD~1", "--", "src"],
        &["diff-tree", "-p", "HEAD~4", "HEAD~1"],
        &["diff-tree", "--stat", "HEAD~6", "HEAD~1"],
        &["diff-tree", "HEAD~1"],
        &["diff-tree", "-r", "HEAD~1"],
        &["diff-tree", "-p", "HEAD~1"],
        &["diff-tree", "-s", "HEAD~1"],
        &["diff-tree", "--stat", "HEAD~1"],
        &["diff-tree", "--numstat", "HEAD~1"],
        &["diff-tree", "--name-only", "-r", "v1.0"],
        &["diff-tree", "--no-commit-id", "HEAD~1"],
        &["diff-tree", "-z", "HEAD~1"],
        &["diff-tree", "-z", "-r", "v1.0"],
        &["diff-tree", "--abbrev", "HEAD~1"],
        &["diff-tree", "HEAD~2"],
        &["diff-tree", "-m", "HEAD~2"],
        &["diff-tree", "-m", "-r", "--name-status", "HEAD~2"],
        &["diff-tree", "HEAD~6"],
        &["diff-tree", "--root", "HEAD~6"],
        &["diff-tree", "--root", "-r", "-p", "HEAD~6"],
        &["diff-tree", "HEAD"],
        &["diff-tree", "--always", "HEAD"],
        &["diff-tree", "-v", "HEAD~1"],
        &["diff-tree", "--pretty", "-p", "HEAD~1"],
        &["diff-tree", "--pretty=oneline", "HEAD~1"],
        &["diff-tree", "--format=%s", "--stat", "HEAD~1"],
        &["diff-tree", "--format=%s", "--stat", "-p", "HEAD~1"],
        &["diff-tree", "-v", "--root", "-r", "odd"],
        &["diff-tree", "-R", "-p", "HEAD~1"],
        &["diff-tree", "-R", "-p", "HEAD~6", "HEAD~1"],
        &["diff-tree", "-r", "--diff-filter=A", "HEAD~6", "HEAD"],
        &["diff-tree", "--stat=40", "HEAD~6", "HEAD"],
    ] {
        assert_same(&dir, args);
    }
}

#[test]
fn renames_and_diff_flags_match_git() {
    let dir = fixture("diff-cases");
    let tags = ["c0", "c1", "c2", "c3", "c4", "c5", "c6", "c7", "c8"];
    for w in tags.windows(2) {
        for fmt in [
            &[][..],
            &["-r"],
            &["-r", "-M"],
            &["-M", "--name-status"],
            &["-r", "-M", "-p"],
            &["-C", "--stat"],
            &["-r", "--summary", "-M"],
            &["-p", "-U1", "-w"],
        ] {
            let mut args = vec!["diff-tree"];
            args.extend_from_slice(fmt);
            args.push(w[0]);
            args.push(w[1]);
            assert_same(&dir, &args);
            let mut args = vec!["diff-tree"];
            args.extend_from_slice(fmt);
            args.push(w[1]);
            assert_same(&dir, &args);
        }
    }
}

#[test]
fn stdin_matches_git() {
    let dir = fixture("basic");
    let rev = |r: &str| String::from_utf8(git(&dir, &["rev-parse", r])).unwrap();
    let input = format!(
        "{} {}hello world\n{}{} {}{}",
        rev("HEAD~4^{tree}").trim(),
        rev("HEAD~1^{tree}"),
        rev("HEAD~1"),
        rev("HEAD~1").trim(),
        rev("HEAD~4"),
        rev("HEAD~2"),
    );
    for args in [
        &["diff-tree", "--stdin"][..],
        &["diff-tree", "--stdin", "-r"],
        &["diff-tree", "--stdin", "-m", "-r"],
        &["diff-tree", "--stdin", "-p"],
        &["diff-tree", "--stdin", "--pretty", "--stat"],
    ] {
        assert_same_with_input(&dir, args, input.as_bytes());
    }
    let list = git(&dir, &["rev-list", "--all"]);
    assert_same_with_input(&dir, &["diff-tree", "--stdin", "-r", "--root"], &list);
}

#[test]
fn errors_match_git() {
    let dir = fixture("basic");
    assert_same_stderr(&dir, &["diff-tree", "no-such-rev"]);
    assert_same(&dir, &["diff-tree"]);
    assert_same(&dir, &["diff-tree", "--cc", "HEAD~2"]);
    let out = run(
        {
            let mut c = oxgit_cmd(&dir);
            c.args(["diff-tree", "--bogus", "HEAD"]);
            c
        },
        b"",
    );
    assert_eq!(out.status.code(), Some(129));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not supported by oxgit"));
}
