//! The last divergences from git (issue 12), each against git on fixtures/divergences.sh:
//! tags whose `type` line lies, `info/grafts`, a shallow clone, and loose objects among odd
//! files. Output and exit status must be git's.

mod common;

use std::path::PathBuf;

fn repo(name: &str) -> PathBuf {
    common::fixture("divergences").join(name)
}

#[test]
fn tags_whose_type_lies_are_refused_as_git_refuses_them() {
    let dir = repo("tags");
    for tag in [
        "claims-commit",
        "claims-blob",
        "claims-tree",
        "honest",
        "outer-lies",
    ] {
        for suffix in ["", "^{}", "^{commit}", "^{tree}", "~1", "^0"] {
            common::assert_same(&dir, &["rev-parse", &format!("{tag}{suffix}")]);
        }
        common::assert_same(&dir, &["log", "--format=%H", tag]);
        common::assert_same(&dir, &["merge-base", tag, "HEAD"]);
        common::assert_same(&dir, &["cat-file", "-t", &format!("{tag}^{{}}")]);
        common::assert_same(&dir, &["cat-file", "-p", &format!("{tag}^{{}}")]);
        common::assert_same(&dir, &["cat-file", "tag", tag]);
    }
    // Within one git process an object keeps the kind it was first known as, so a lying
    // tag read earlier can make git refuse an honest one read later (not modelled: the
    // honest tag comes first here).
    common::assert_same_with_input(
        &dir,
        &["cat-file", "--batch-check"],
        b"honest^{}\nclaims-commit^{}\nclaims-blob^{commit}\nouter-lies^{}\n",
    );
}

#[test]
fn grafts_give_parents_in_rev_parse_log_and_merge_base() {
    let dir = repo("grafts");
    for spec in [
        "main~1^2", "main~2", "main~3", "main~4", "side~1^1", "side~1^2", "side~3",
    ] {
        common::assert_same(&dir, &["rev-parse", spec]);
    }
    for spec in ["main~1^@", "main~1^!", "side~1^@", "side~1^-2"] {
        common::assert_same(&dir, &["rev-parse", spec]);
    }
    common::assert_same(&dir, &["log", "--format=%H %P"]);
    common::assert_same(&dir, &["log", "--format=%H", "side"]);
    common::assert_same(&dir, &["log", "--format=%H", "main", "side"]);
    common::assert_same(&dir, &["log", "--format=%H", "--", "s"]);
    common::assert_same(&dir, &["log", "--format=%H", "--first-parent", "side"]);
    for args in [
        &["merge-base", "main", "side"][..],
        &["merge-base", "--all", "main~1", "side"],
        &["merge-base", "--octopus", "main", "side", "main~3"],
        &["merge-base", "--is-ancestor", "main~3", "side"],
        &["merge-base", "--is-ancestor", "side", "main"],
        &["merge-base", "--independent", "main", "side", "main~3"],
    ] {
        common::assert_same(&dir, args);
    }
}

#[test]
fn shallow_commits_are_roots_for_merge_base_and_walks() {
    let dir = repo("shallow");
    for args in [
        &["merge-base", "main", "origin/topic"][..],
        &["merge-base", "--all", "HEAD", "origin/topic"],
        &["merge-base", "--is-ancestor", "origin/topic", "HEAD"],
        &["merge-base", "--independent", "HEAD", "origin/topic"],
        &["merge-base", "--octopus", "HEAD", "origin/topic", "HEAD~1"],
        &["log", "--format=%H %P"],
        &["log", "--format=%H", "origin/topic", "HEAD"],
        &["log", "--format=%H", "--", "f"],
        &["rev-parse", "HEAD~2"],
        &["rev-parse", "HEAD~3"],
        &["rev-parse", "HEAD~2^@"],
    ] {
        common::assert_same(&dir, args);
    }
}

#[test]
fn loose_objects_among_odd_files_are_listed_as_git_lists_them() {
    let dir = repo("loose");
    for args in [
        &["cat-file", "--batch-all-objects", "--batch-check"][..],
        &[
            "cat-file",
            "--batch-all-objects",
            "--batch-check",
            "--unordered",
        ],
        &["cat-file", "--batch-all-objects", "--batch"],
        &["cat-file", "--batch-all-objects", "--batch", "--unordered"],
        &[
            "cat-file",
            "--batch-all-objects",
            "--batch-check=%(objectname) %(objectsize:disk)",
        ],
    ] {
        common::assert_same(&dir, args);
    }
}
