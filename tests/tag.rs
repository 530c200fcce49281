//! `oxgit tag` listings against git 2.47 on the `refs-repos` and `refs-format` fixtures
//! (annotated, lightweight and nested tags): patterns, `-n`, the ref filters, sorting
//! (`tag.sort`, `version:refname`), formats; and the writing side refused.

mod common;

use common::{assert_refused, assert_same, assert_same_stderr, fixture, git, oxgit_cmd, run};

const LISTINGS: &[&[&str]] = &[
    &["tag"],
    &["tag", "-l"],
    &["tag", "--list", "v*"],
    &["tag", "-l", "*1*", "x*"],
    &["tag", "-i", "-l", "V*"],
    &["tag", "-n"],
    &["tag", "-n3"],
    &["tag", "-n0"],
    &["tag", "-n", "-l", "v*"],
    &["tag", "--contains", "HEAD~1"],
    &["tag", "--no-contains", "HEAD"],
    &["tag", "--merged"],
    &["tag", "--no-merged", "HEAD~1"],
    &["tag", "--points-at", "HEAD"],
    &["tag", "--sort=-refname"],
    &["tag", "--sort=version:refname"],
    &["tag", "--sort=-taggerdate", "--sort=refname"],
    &[
        "tag",
        "--format=%(refname:short) %(objecttype) %(*objecttype)",
    ],
    &[
        "tag",
        "--omit-empty",
        "--format=%(if)%(*objecttype)%(then)%(refname)%(end)",
    ],
    &["-c", "tag.sort=-version:refname", "tag"],
    &["-c", "column.ui=never", "tag"],
    &["tag", "--no-color"],
];

#[test]
fn listings_match_git() {
    for dir in [
        fixture("refs-repos").join("main"),
        fixture("refs-repos").join("bare.git"),
        fixture("refs-format"),
        fixture("describe"),
    ] {
        for args in LISTINGS {
            assert_same(&dir, args);
        }
    }
}

#[test]
fn errors_match_git() {
    let dir = fixture("refs-repos").join("main");
    for args in [
        &["tag", "--contains", "nosuch"][..],
        &["tag", "--points-at", "nosuch"],
        &["tag", "--format=%(nosuchatom)"],
        &["tag", "-nx"],
    ] {
        assert_same_stderr(&dir, args);
    }
    let help = run(
        {
            let mut c = oxgit_cmd(&dir);
            c.args(["tag", "-h"]);
            c
        },
        b"",
    );
    assert_eq!(help.status.code(), Some(129));
    assert!(help.stdout.starts_with(b"usage: oxgit tag "));
    assert_same(&dir, &["tag", "--no-such"]);
}

/// Creating, deleting and verifying tags are refused with a clear message, and the refs
/// stay as they were.
#[test]
fn writes_are_refused() {
    let dir = fixture("refs-repos").join("main");
    let before = git(&dir, &["for-each-ref"]);
    for args in [
        &["tag", "new-tag"][..],
        &["tag", "new-tag", "HEAD~1"],
        &["tag", "-a", "-m", "msg", "new-tag"],
        &["tag", "-d", "v1"],
        &["tag", "-v", "v1"],
        &["tag", "-f", "v1"],
        &["tag", "--column"],
        &["-c", "column.tag=always", "tag"],
        &["tag", "--color=always"],
    ] {
        assert_refused(&dir, args);
    }
    assert_eq!(git(&dir, &["for-each-ref"]), before);
}
