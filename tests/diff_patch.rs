//! `oxgit diff` patch and stat output (`-p`, `--stat`, `--numstat`, `--shortstat` and
//! their combinations with the name formats) against git 2.47, on the tree-diff fixtures.

mod common;

use common::{assert_same, assert_same_diff, fixture, git_cmd, oxgit_cmd};

const TAGS: &[&str] = &[
    "c0", "c1", "c2", "c3", "c4pre", "c4pre2", "c4", "c5pre", "c5", "c6pre", "c6", "c7pre", "c7",
    "c8pre", "c8",
];

const FORMATS: &[&[&str]] = &[
    &[],
    &["-p", "--no-renames"],
    &["-C", "-C"],
    &["-B"],
    &["-B", "-C", "--stat"],
    &["--numstat"],
    &["--numstat", "-z"],
    &["--stat"],
    &["--stat=60,20"],
    &["--stat=0"],
    &["--stat=0,0,0"],
    &["--stat-width=0", "--stat-count=0"],
    &["-U99999999999"],
    &["-U4294967297", "--inter-hunk-context=4294967298"],
    &["--stat", "--summary", "-p"],
    &["--shortstat"],
    &["--raw", "--numstat", "--stat", "--summary", "-p"],
    &["--name-status", "-p"],
    &["-U0"],
    &["-U1", "--inter-hunk-context=3"],
    &["-W"],
    &["--histogram"],
    &["--minimal", "--no-indent-heuristic"],
    &["-w", "--stat"],
    &["--no-prefix"],
    &["--src-prefix=old/", "--dst-prefix=new/"],
    &["--full-index", "--abbrev=10"],
    &["--patch-with-stat"],
    &["--patch-with-raw", "-z"],
];

#[test]
fn consecutive_commits_patch_and_stat_formats() {
    let dir = fixture("diff-cases");
    for w in TAGS.windows(2) {
        for fmt in FORMATS {
            assert_same_diff(&dir, w[0], w[1], fmt);
        }
    }
}

#[test]
fn distant_commits_and_reversed() {
    let dir = fixture("diff-cases");
    for (a, b) in [("c0", "c8"), ("c8", "c0"), ("c2", "c7"), ("c0", "c4")] {
        for fmt in [
            &[][..],
            &["--stat"],
            &["--numstat", "-C"],
            &["-R", "--shortstat"],
        ] {
            assert_same_diff(&dir, a, b, fmt);
        }
    }
}

#[test]
fn basic_fixture_patches() {
    // Unusual names, a gitlink, symlinks, binary data, a file without a final newline,
    // the legacy-mode tree and the empty tree.
    let dir = fixture("basic");
    let empty = "4b825dc642cb6eb9a060e54bf8d69288fbee4904";
    for (a, b) in [
        ("main~3", "main~2"),
        ("main~4", "main"),
        (empty, "main~1"),
        ("main~1", empty),
        ("main", "odd"),
        ("v1.0", "side"),
    ] {
        for fmt in [
            &[][..],
            &["--stat"],
            &["--numstat"],
            &["--summary", "--stat", "-p"],
        ] {
            assert_same_diff(&dir, a, b, fmt);
        }
    }
}

#[test]
fn packed_fixture_patches() {
    let dir = fixture("basic-packed");
    assert_same(&dir, &["diff", "main~4", "main"]);
    assert_same(&dir, &["diff", "--stat", "main~4", "odd"]);
}

#[test]
fn negative_context_is_refused_not_guessed() {
    // git prints malformed hunk headers (`@@ -55,1- +55,1- @@`) for a negative context;
    // oxgit refuses with a message instead of imitating them.
    let dir = fixture("basic");
    assert_eq!(
        git_cmd(&dir)
            .args(["diff", "-U-1", "HEAD~1", "HEAD"])
            .status()
            .unwrap()
            .code(),
        Some(0)
    );
    for args in [["diff", "-U-1"], ["diff", "--inter-hunk-context=-5"]] {
        let out = oxgit_cmd(&dir)
            .args(args)
            .args(["HEAD~1", "HEAD"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(128), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains("negative context is not supported by oxgit"),
            "{args:?}: {err}"
        );
        assert!(out.stdout.is_empty(), "{args:?}");
    }
}
