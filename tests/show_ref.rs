//! `oxgit show-ref` against `git show-ref`: listings, patterns, `--verify`, `--exists`,
//! `--exclude-existing`, errors and exit status.

mod common;
use common::*;

const ARGS: &[&[&str]] = &[
    &[],
    &["-d"],
    &["--dereference", "--head"],
    &["--head", "dup"],
    &["--hash=5", "--abbrev", "dup"],
    &["-s", "main"],
    &["-s7", "-d", "t3"],
    &["--abbrev=5", "-d"],
    &["--no-abbrev", "--abbrev=9", "--no-abbrev"],
    &["--tags", "--heads", "--", "dup"],
    &["--tags"],
    &["--heads", "-s"],
    &["--branches", "--abbrev"],
    &["main"],
    &["heads/main"],
    &["ain"],
    &["refs/heads/main", "up/HEAD", "final"],
    &["-q"],
    &["nomatch"],
    &["-h"],
    &["--verify", "dup"],
    &["--verify", "-q", "dup"],
    &["--verify", "HEAD", "refs/tags/t3", "-d"],
    &["--verify", "refs/heads/s1"],
    &["--verify", "refs/heads/s0"],
    &["--verify", "refs/tags/v1", "-d", "-s"],
    &["--verify", "refs/heads/../x"],
    &["--verify", "ORIG_HEAD"],
    &["--verify"],
    &["--verify", "refs/bisect/bad"],
    &["--verify", "refs/worktree/mine"],
    &["--verify", "refs/heads/dangling"],
    &["--verify", "refs/heads/broken"],
    &["--exists", "refs/heads/s0"],
    &["--exists", "HEAD"],
    &["--exists", "refs/heads/dangling"],
    &["--exists", "refs/heads/broken"],
    &["--exists", "refs/heads/a..b"],
    &["--exists"],
    &["--exists", "a", "b"],
    &["--verify", "--exists", "x"],
    &["--exclude-existing", "--verify"],
    &["-s=5", "dup"],
    &["--bogus"],
    &["--hea"],
];

#[test]
fn show_ref_matches_git_in_every_layout() {
    let root = fixture("refs-repos");
    for repo in [
        "main",
        "corrupt",
        "detached",
        "bare.git",
        "wt",
        "wt-detached",
        "sha256",
        "unborn",
    ] {
        let dir = root.join(repo);
        for args in ARGS {
            let mut full = vec!["show-ref"];
            full.extend_from_slice(args);
            assert_same_stderr(&dir, &full);
        }
    }
}

#[test]
fn exclude_existing_reads_standard_input() {
    let dir = fixture("refs-repos").join("main");
    let input = b"refs/heads/main\nx refs/heads/newone\nx refs/tags/v1^{}\ny\trefs/tags/gone^{}\nbad..name\n  refs/remotes/up/x\nonelevel\n";
    for args in [
        &["show-ref", "--exclude-existing"][..],
        &["show-ref", "--exclude-existing=refs/heads/"],
        &["show-ref", "--exclude-existing=refs/t"],
    ] {
        assert_same_with_input(&dir, args, input);
    }
}
