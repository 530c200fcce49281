//! `oxgit branch` listings against git 2.47 on the `refs-repos` fixture: local, remote and
//! all branches, `-v`/`-vv` (upstreams gone, local, unmapped; branches checked out in
//! other worktrees; detached HEADs), patterns, filters, sorting, formats and colours; and
//! the writing side refused without touching the repository.

mod common;

use common::{assert_refused, assert_same, assert_same_stderr, fixture, git};

const LAYOUTS: &[&str] = &[
    "main",
    "wt",
    "wt-detached",
    "detached",
    "bare.git",
    "unborn",
    "disamb",
];

const LISTINGS: &[&[&str]] = &[
    &["branch"],
    &["branch", "-a"],
    &["branch", "-r"],
    &["branch", "-v"],
    &["branch", "-vv"],
    &["branch", "-av"],
    &["branch", "-avv"],
    &["branch", "-r", "-v"],
    &["branch", "--list", "m*"],
    &["branch", "-l", "*a*", "x*"],
    &["branch", "-a", "--list", "*/main"],
    &["branch", "-i", "--list", "M*"],
    &["branch", "--show-current"],
    &["branch", "--contains", "HEAD~1"],
    &["branch", "--no-contains", "HEAD~1", "-v"],
    &["branch", "--merged"],
    &["branch", "--no-merged"],
    &["branch", "--points-at", "HEAD"],
    &["branch", "--sort=-committerdate"],
    &["branch", "--sort=objectname", "-v"],
    &["branch", "--format=%(refname) %(HEAD) %(worktreepath)"],
    &["branch", "-v", "--abbrev=10"],
    &["branch", "-v", "--abbrev=2"],
    &["branch", "-v", "--no-abbrev"],
    &["branch", "--color=always"],
    &["branch", "--color=always", "-vv"],
    &["branch", "-a", "--color=always", "-v"],
    &["branch", "--no-color", "-a"],
    &[
        "-c",
        "color.branch.current=bold blue",
        "branch",
        "--color=always",
    ],
    &[
        "-c",
        "color.branch.current=yellow",
        "-c",
        "color.ui=always",
        "branch",
        "-vv",
    ],
    &["-c", "branch.sort=-refname", "branch", "-a"],
    &["-c", "column.ui=never", "branch"],
    &["-c", "column.ui=always", "branch", "-v"],
    &[
        "for-each-ref",
        "--format=%(refname) %(worktreepath)",
        "refs/heads",
    ],
];

#[test]
fn listings_match_git() {
    for layout in LAYOUTS {
        let dir = fixture("refs-repos").join(layout);
        for args in LISTINGS {
            assert_same(&dir, args);
        }
    }
}

#[test]
fn errors_match_git() {
    let dir = fixture("refs-repos").join("main");
    for args in [
        &["branch", "-r", "foo"][..],
        &["branch", "--contains", "nosuch"],
        &["branch", "--merged", "nosuch"],
        &["branch", "--show-current", "--list"],
        &["branch", "--format=%(nosuchatom)"],
    ] {
        assert_same_stderr(&dir, args);
    }
    assert_same_stderr(&dir, &["branch", "-h"]);
    assert_same(&dir, &["branch", "--no-such"]);
}

/// Creating, deleting, renaming, copying and upstream changes are refused with a clear
/// message, and the refs stay as they were.
#[test]
fn writes_are_refused() {
    let dir = fixture("refs-repos").join("main");
    let before = git(&dir, &["for-each-ref"]);
    let config_before = std::fs::read(dir.join(".git/config")).unwrap();
    for args in [
        &["branch", "new-one"][..],
        &["branch", "new-one", "HEAD~1"],
        &["branch", "-d", "side"],
        &["branch", "-D", "side"],
        &["branch", "-m", "side", "moved"],
        &["branch", "-c", "side", "copied"],
        &["branch", "-u", "up/main"],
        &["branch", "--unset-upstream", "side"],
        &["branch", "--column"],
        &["branch", "-v", "--column"],
        &["-c", "column.ui=always", "branch"],
    ] {
        assert_refused(&dir, args);
    }
    assert_eq!(git(&dir, &["for-each-ref"]), before);
    assert_eq!(
        std::fs::read(dir.join(".git/config")).unwrap(),
        config_before
    );
}
