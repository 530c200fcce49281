//! `oxgit describe` against `git describe` on every commit of fixtures/describe.sh with
//! each option set (annotated and lightweight tags, --all, candidate limits, patterns,
//! --first-parent, --long, --abbrev, --always, --exact-match), git's errors and
//! warnings, and --dirty on a modified work tree.

mod common;
use common::*;

const OPTION_SETS: &[&[&str]] = &[
    &[],
    &["--tags"],
    &["--all"],
    &["--long"],
    &["--tags", "--first-parent"],
    &["--candidates=1"],
    &["--tags", "--candidates=2"],
    &["--tags", "--candidates=30"],
    &["--tags", "--abbrev=12", "--long"],
    &["--abbrev=0"],
    &["--always", "--match=m-*"],
    &["--tags", "--exclude=m-*", "--exclude=lw-*"],
    &["--all", "--match=*o*"],
    &["--exact-match", "--tags"],
    &["--always", "--exact-match"],
];

#[test]
fn every_commit_with_every_option_set_matches_git() {
    let dir = fixture("describe");
    let commits = String::from_utf8(git(&dir, &["rev-list", "--all"])).unwrap();
    let commits: Vec<&str> = commits.lines().collect();
    assert!(commits.len() > 30);
    for opts in OPTION_SETS {
        for c in &commits {
            let mut a = vec!["describe"];
            a.extend_from_slice(opts);
            a.push(c);
            assert_same_stderr(&dir, &a);
        }
        let mut a = vec!["describe"];
        a.extend_from_slice(opts);
        assert_same_stderr(&dir, &a);
    }
}

#[test]
fn names_revisions_and_errors_match_git() {
    let dir = fixture("describe");
    for a in [
        &["describe", "v0.2", "main~3", "side", "topic"][..],
        &["describe", "ref-name"],
        &["describe", "--all", "ref-name"],
        &["describe", "--long", "ref-name"],
        &["describe", "v-outer"],
        &["describe", "nosuch"],
        &["describe", "tree-tag"],
        &["describe", "--long", "--abbrev=0"],
        &["describe", "--dirty", "HEAD"],
        &["describe", "--match=nomatch"],
        &["describe", "--match=nomatch", "--always"],
        &["describe", "--bogus"],
        &["describe", "-h"],
    ] {
        assert_same_stderr(&dir, a);
    }
}

#[test]
fn dirty_work_trees_match_git() {
    let src = fixture("describe");
    let tmp = tempfile::Builder::new()
        .prefix("describe-dirty-")
        .tempdir_in(scratch_dir())
        .unwrap();
    let dir = tmp.path().join("r");
    copy_dir(&src, &dir);
    for a in [
        &["describe", "--dirty"][..],
        &["describe", "--tags", "--dirty=.mod"],
    ] {
        assert_same(&dir, a);
    }
    std::fs::write(dir.join("new-untracked"), "u\n").unwrap();
    assert_same(&dir, &["describe", "--dirty"]);
    std::fs::write(dir.join("fmain"), "changed\n").unwrap();
    assert_same(&dir, &["describe", "--dirty"]);
    assert_same(&dir, &["describe", "--tags", "--always", "--dirty=+"]);
    git(&dir, &["add", "fmain"]);
    std::fs::write(dir.join("fmain"), "27\n").unwrap();
    assert_same(&dir, &["describe", "--dirty"]);
}

/// `%(describe)` with its options, as git's log runs `git describe` per commit.
#[test]
fn describe_placeholder_matches_git() {
    let dir = fixture("describe");
    for f in [
        "%(describe)",
        "%(describe:tags)",
        "%(describe:tags=no)",
        "%(describe:abbrev=4)",
        "%(describe:abbrev=0,tags)",
        "%(describe:match=m-*,tags)",
        "%(describe:match=m-1,match=m-2)",
        "%(describe:exclude=m-*,exclude=real*)",
        "%(describe:)",
        "%(describe:foo)",
        "%(describe",
        "%h %(describe:tags) %s",
    ] {
        let format = format!("--format={f}|");
        assert_same(&dir, &["log", "--all", &format]);
    }
}
