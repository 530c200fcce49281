//! Differential tests: `oxgit diff` between commits and trees against git 2.47.

mod common;

use common::{assert_same, assert_same_diff, fixture};

const EMPTY_TREE: &str = "4b825dc642cb6eb9a060e54bf8d69288fbee4904";

const TAGS: &[&str] = &[
    "c0", "c1", "c2", "c3", "c4pre", "c4pre2", "c4", "c5pre", "c5", "c6pre", "c6", "c7pre", "c7",
    "c8pre", "c8",
];

const FORMATS: &[&[&str]] = &[
    &["--raw"],
    &["--name-status"],
    &["--name-only"],
    &["--summary"],
    &["--raw", "--summary"],
    &["--raw", "-z"],
    &["--name-status", "-z"],
    &["--raw", "--no-renames"],
    &["--raw", "-C"],
    &["--name-status", "-C", "-C"],
    &["--summary", "--find-copies-harder", "-C"],
    &["--name-status", "-M90%"],
    &["--name-status", "-M5"],
    &["--raw", "--find-renames=30"],
    &["--raw", "--find-copies-harder"],
    &["--name-status", "-C", "-C", "-M"],
    &["--name-status", "--find-copies-harder", "--no-renames"],
    &["--name-status", "-C", "--no-renames"],
    &["--raw", "-B"],
    &["--summary", "-B", "-C"],
    &["--name-status", "-B20%/90%", "--no-renames"],
];

#[test]
fn consecutive_commits_all_formats() {
    let dir = fixture("diff-cases");
    for w in TAGS.windows(2) {
        for fmt in FORMATS {
            assert_same_diff(&dir, w[0], w[1], fmt);
        }
    }
}

#[test]
fn distant_and_reversed_commits() {
    let dir = fixture("diff-cases");
    for (a, b) in [
        ("c0", "c5"),
        ("c5", "c0"),
        ("c1", "c4"),
        ("c4", "c1"),
        ("c0", "c3"),
    ] {
        for fmt in FORMATS {
            assert_same_diff(&dir, a, b, fmt);
        }
    }
}

#[test]
fn empty_tree_root_commit_and_tags() {
    let dir = fixture("diff-cases");
    for fmt in [&["--raw"][..], &["--name-status", "-C"], &["--summary"]] {
        assert_same_diff(&dir, EMPTY_TREE, "c0", fmt);
        assert_same_diff(&dir, "c0", EMPTY_TREE, fmt);
        assert_same_diff(&dir, "annotated-c0", "c1", fmt);
        assert_same_diff(&dir, "c2", "c2", fmt);
    }
}

#[test]
fn ranges() {
    let dir = fixture("diff-cases");
    assert_same(&dir, &["diff", "--raw", "c0..c1"]);
    assert_same(&dir, &["diff", "--name-status", "c1...c5"]);
    assert_same(&dir, &["diff", "--name-status", "c0..."]);
    assert_same(&dir, &["diff", "--raw", "..c0"]);
}

#[test]
fn path_limiting() {
    let dir = fixture("diff-cases");
    let cases: &[&[&str]] = &[
        &["c0", "c5", "--", "a"],
        &["c0", "c5", "--", "a/"],
        &["c0", "c4", "--", "pb", "pa"],
        &["c0", "c5", "--", "*.c"],
        &["c0", "c1", "--", "sp ace.txt", "sp ace2.txt"],
        &["c5pre", "c5", "--", "moved/"],
        &["c5pre", "c5", "--", "moved/f2", "big"],
        &["c0", "c2", "--", "xf"],
        &["c0", "c2", "--", "nothing-here"],
        &["c0", "c5", "--", "."],
        &["c0", "c5", "--", "src/lib/m.c", "src/lib/c"],
    ];
    for case in cases {
        for fmt in ["--raw", "--name-status"] {
            let mut args = vec!["diff", fmt];
            args.extend_from_slice(case);
            assert_same(&dir, &args);
        }
    }
}

#[test]
fn abbreviation_and_limits() {
    let dir = fixture("diff-cases");
    for fmt in [
        &["--raw", "--abbrev=4"][..],
        &["--raw", "--abbrev"],
        &["--raw", "--abbrev=12"],
        &["--raw", "--no-abbrev"],
        &["--raw", "--abbrev=99"],
        &["--raw", "-l1"],
        &["--raw", "-l", "1"],
        &["--name-status", "-C", "-C", "-l2"],
        &["--raw", "-s"],
        &["-s", "--raw"],
        &["--raw", "--name-only"],
        &["--name-status", "--summary"],
    ] {
        assert_same_diff(&dir, "c0", "c5", fmt);
        assert_same_diff(&dir, "c3", "c4", fmt);
    }
}

#[test]
fn errors_match_exit_codes() {
    let dir = fixture("diff-cases");
    assert_same(&dir, &["diff", "--raw", "no-such-rev", "c1"]);
    assert_same(&dir, &["diff", "--name-only", "--name-status", "c0", "c1"]);
    assert_same(&dir, &["diff", "-Mx", "--raw", "c0", "c1"]);
}

#[test]
fn repository_config_changes_output() {
    let dir = fixture("diff-config");
    for fmt in [
        &["--raw"][..],
        &["--name-status"],
        &["--summary"],
        &["--raw", "-M"],
        &["--raw", "--abbrev"],
        &["--name-status", "-l0"],
        &["--name-status", "--no-renames"],
    ] {
        assert_same_diff(&dir, "c0", "c1", fmt);
    }
}

#[test]
fn pathspecs_are_relative_to_the_current_folder() {
    let dir = fixture("diff-cases");
    let sub = dir.join("src");
    assert_same(&sub, &["diff", "--raw", "c0", "c5", "--", "lib"]);
    assert_same(&sub, &["diff", "--name-status", "c0", "c5", "--", "."]);
    assert_same(&sub, &["diff", "--name-status", "c0", "c5", "--", "../a"]);
    assert_same(&sub, &["diff", "--name-only", "c0", "c5"]);
    // Without `--`: arguments after the revisions must be existing paths.
    assert_same(&sub, &["diff", "--raw", "c0", "c5", "../a", "lib"]);
    assert_same(&sub, &["diff", "--raw", "c0..c5", "../a"]);
    assert_same(
        &sub,
        &["diff", "--raw", "c0", "c5", "lib", "../nonexistent"],
    );
    assert_same(&dir, &["diff", "--raw", "c0", "c1", "a", "sp ace2.txt"]);
}

#[test]
fn many_renames_and_abbreviation_lengthening() {
    let dir = fixture("diff-many-renames");
    for fmt in [
        &["--name-status"][..],
        &["--raw", "--abbrev=4"],
        &["--raw", "--abbrev=5"],
        &["--raw", "-C"],
        &["--summary", "-M70%"],
        &["--name-status", "-l50"],
    ] {
        assert_same_diff(&dir, "base", "renamed", fmt);
    }
}

#[test]
fn tree_ids_work_like_commits() {
    let dir = fixture("diff-cases");
    let tree = |rev: &str| {
        let out = common::git(&dir, &["rev-parse", &format!("{rev}^{{tree}}")]);
        String::from_utf8(out).unwrap().trim().to_string()
    };
    let (a, b) = (tree("c0"), tree("c4"));
    assert_same(&dir, &["diff", "--raw", &a, &b]);
    assert_same(&dir, &["diff", "--name-status", "-C", &a, "c4"]);
}

#[test]
fn broken_objects_fail_cleanly() {
    let dir = fixture("diff-broken");
    for (a, b) in [
        ("good", "badtree"),
        ("badtree", "good"),
        ("good", "missingtree"),
        ("missingtree", "good"),
    ] {
        for fmt in ["--raw", "--name-status"] {
            let mut cmd = common::oxgit_cmd(&dir);
            cmd.args(["diff", fmt, a, b]);
            let out = common::run(cmd, b"");
            assert_eq!(out.status.code(), Some(128), "{a} {b}: {:?}", out);
            assert!(out.stdout.is_empty());
            assert!(String::from_utf8_lossy(&out.stderr).starts_with("fatal: "));
        }
    }
    // A missing blob only matters once rename detection needs its contents.
    assert_same(&dir, &["diff", "--raw", "good", "missingblob"]);
    assert_same(&dir, &["diff", "--raw", "-C", "-C", "good", "missingblob"]);
}

#[test]
fn blob_against_blob() {
    let dir = fixture("diff-cases");
    let rev = |spec: &str| {
        let out = common::git(&dir, &["rev-parse", spec]);
        String::from_utf8(out).unwrap().trim().to_string()
    };
    let (a, b) = (rev("c0:m"), rev("c4:m"));
    for fmt in ["--raw", "--name-only", "--name-status", "--summary"] {
        assert_same(&dir, &["diff", fmt, &a, &b]);
        assert_same(&dir, &["diff", fmt, &a, &a]);
    }
    assert_same(&dir, &["diff", "--raw", "-z", &b, &a]);
    assert_same(&dir, &["diff", "--raw", "c0", &b]);
    assert_same(&dir, &["diff", "--raw", &a, "c0"]);
}

#[test]
fn diff_filter_selects_statuses() {
    let dir = fixture("diff-cases");
    for f in ["AM", "d", "R", "r", "Dr", "*", "*D", "*r", "CT", "q", ""] {
        let arg = format!("--diff-filter={f}");
        for (a, b) in [("c0", "c4"), ("c1", "c2")] {
            assert_same(&dir, &["diff", "--name-status", "-C", &arg, a, b]);
            assert_same(&dir, &["diff", "--raw", &arg, a, b]);
        }
    }
}

#[test]
fn exit_code_quiet_and_reverse() {
    let dir = fixture("diff-cases");
    for args in [
        &["diff", "--exit-code", "--raw", "c0", "c1"][..],
        &["diff", "--quiet", "c0", "c1"],
        &["diff", "--quiet", "c0", "c0"],
        &["diff", "--quiet", "--raw", "c0", "c4"],
        &[
            "diff",
            "--exit-code",
            "--name-only",
            "--diff-filter=X",
            "c0",
            "c1",
        ],
        &["diff", "-R", "--name-status", "c0", "c1"],
        &["diff", "-R", "--raw", "-C", "c3", "c4"],
        &["diff", "-R", "--summary", "c1", "c2"],
    ] {
        assert_same(&dir, args);
    }
}
