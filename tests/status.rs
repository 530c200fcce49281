//! `status` and `ls-files` against git on the work trees of `fixtures/status-cases.sh`:
//! every output format, from the top and from subfolders, with pathspecs, and with the
//! repository named by `GIT_DIR` / `GIT_WORK_TREE` / `GIT_INDEX_FILE`.
//!
//! git runs with `GIT_OPTIONAL_LOCKS=0` so that it does not refresh the index on disk
//! (which would change what the next command sees, e.g. clear racy entries).

mod common;

use common::{fixture, git_cmd, oxgit_cmd, run};
use std::path::Path;

/// Runs git and oxgit with `args` and extra environment in `dir`; asserts identical
/// stdout and exit status.
fn same_env(dir: &Path, args: &[&str], env: &[(&str, &str)]) {
    let mut g = git_cmd(dir);
    g.args(args).env("GIT_OPTIONAL_LOCKS", "0");
    let mut o = oxgit_cmd(dir);
    o.args(args)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null");
    for (k, v) in env {
        g.env(k, v);
        o.env(k, v);
    }
    let (e, a) = (run(g, b""), run(o, b""));
    assert!(
        e.stdout == a.stdout,
        "stdout differs for {args:?} {env:?} in {}\n--- git\n{}\n--- oxgit\n{}\n--- oxgit stderr\n{}",
        dir.display(),
        String::from_utf8_lossy(&e.stdout),
        String::from_utf8_lossy(&a.stdout),
        String::from_utf8_lossy(&a.stderr)
    );
    assert_eq!(
        e.status.code(),
        a.status.code(),
        "exit status differs for {args:?} in {}\ngit: {}\noxgit: {}",
        dir.display(),
        String::from_utf8_lossy(&e.stderr),
        String::from_utf8_lossy(&a.stderr)
    );
}

fn same(dir: &Path, args: &[&str]) {
    same_env(dir, args, &[]);
}

const STATUS_FORMATS: &[&[&str]] = &[
    &["status"],
    &["status", "-s"],
    &["status", "-sb"],
    &["status", "--porcelain"],
    &["status", "--porcelain=v1", "-b"],
    &["status", "--porcelain=v2"],
    &["status", "--porcelain=v2", "--branch"],
    &["status", "--porcelain=v2", "--branch", "-z"],
    &["status", "-z"],
    &["status", "-zb"],
    &["status", "--short", "--untracked-files=all"],
    &["status", "-uno"],
    &["status", "-s", "-uno"],
    &["status", "--untracked-files=normal", "--porcelain"],
    &["status", "--ignored"],
    &["status", "--ignored", "-s"],
    &["status", "--ignored=matching", "-s"],
    &["status", "--ignored=matching", "-s", "-uall"],
    &["status", "--ignored=traditional", "-s", "-uall"],
    &["status", "--ignored=no", "-s"],
    &["status", "--ignored=matching", "-uno"],
    &["status", "--no-renames", "-s"],
    &["status", "--find-renames=90", "--porcelain=v2"],
    &["status", "--no-ahead-behind", "-sb"],
];

const LS_FILES: &[&[&str]] = &[
    &["ls-files"],
    &["ls-files", "-s"],
    &["ls-files", "--stage", "-z"],
    &["ls-files", "-c", "-z"],
    &["ls-files", "-m"],
    &["ls-files", "-d"],
    &["ls-files", "-u"],
    &["ls-files", "-o"],
    &["ls-files", "-o", "--exclude-standard"],
    &["ls-files", "-o", "--directory"],
    &[
        "ls-files",
        "-o",
        "--directory",
        "--no-empty-directory",
        "--exclude-standard",
    ],
    &["ls-files", "-oi", "--exclude-standard"],
    &["ls-files", "-o", "-i", "--exclude-standard", "--directory"],
    &["ls-files", "-ci", "--exclude-standard"],
    &["ls-files", "-i"],
    &["ls-files", "-cdmo"],
    &["ls-files", "--full-name"],
];

fn all_formats(dir: &Path) {
    // The fixture must be a usable repository (else both tools failing would "agree").
    assert!(common::git(dir, &["rev-parse", "--git-dir"]).len() > 1);
    for args in STATUS_FORMATS.iter().chain(LS_FILES) {
        same(dir, args);
    }
}

#[test]
fn basic_work_tree() {
    let root = fixture("status-cases");
    all_formats(&root.join("basic"));
}

#[test]
fn basic_from_subfolders_and_with_pathspecs() {
    let root = fixture("status-cases");
    let basic = root.join("basic");
    let sub = basic.join("dir");
    for args in [
        &["status"][..],
        &["status", "-s"],
        &["status", "--porcelain"],
        &["status", "--porcelain=v2"],
        &["status", "-s", "."],
        &["status", "-s", ".."],
        &["status", "-s", "../deep"],
        &["status", "--porcelain=v2", "../dir/sub"],
        &["ls-files"],
        &["ls-files", "-o"],
        &["ls-files", "-s", ".."],
        &["ls-files", "-m", ".."],
        &["ls-files", "--full-name", "-o"],
    ] {
        same(&sub, args);
    }
    same_env(
        &sub,
        &["status", "-s"],
        &[
            ("GIT_CONFIG_COUNT", "1"),
            ("GIT_CONFIG_KEY_0", "status.relativePaths"),
            ("GIT_CONFIG_VALUE_0", "false"),
        ],
    );
    for args in [
        &["status", "-s", "dir"][..],
        &["status", "-s", "newdir"],
        &["status", "-s", "newdir/inner"],
        &["status", "-s", "-uall", "newdir"],
        &["status", "--ignored", "-s", "build"],
        &["status", "-s", "deep/*"],
        &["status", "-s", "*.txt"],
        &["status", "-s", "nonexistent"],
        &["status", "-s", "--", "new-name.txt"],
        &["status", "--porcelain=v2", "old-name.txt"],
        &["status", "dir", "deep"],
        &["ls-files", "-o", "newdir"],
        &["ls-files", "-s", "dir/", "deep"],
        &["ls-files", "*.sh"],
    ] {
        same(&basic, args);
    }
}

#[test]
fn submodules_index_formats_racy_and_crlf() {
    let root = fixture("status-cases");
    for name in ["sub", "v4", "split", "racy", "crlf", "linked"] {
        all_formats(&root.join(name));
    }
}

#[test]
fn branch_states() {
    let root = fixture("status-cases");
    for name in [
        "unborn",
        "detached",
        "up",
        "up-ahead",
        "up-behind",
        "up-diverged",
        "up-gone",
        "up-local-up",
        "conflict",
        "empty",
    ] {
        assert!(common::git(&root.join(name), &["rev-parse", "--git-dir"]).len() > 1);
        for args in STATUS_FORMATS {
            same(&root.join(name), args);
        }
        same(&root.join(name), &["ls-files", "-s"]);
    }
}

#[test]
fn environment_names_the_repository() {
    let root = fixture("status-cases");
    let sep_git = root.join("sep.git");
    let sep = root.join("sep");
    let (g, w) = (sep_git.to_str().unwrap(), sep.to_str().unwrap());
    let elsewhere = root.join("basic");
    for args in [
        &["status"][..],
        &["status", "-s"],
        &["ls-files", "-s"],
        &["log", "-1", "--format=%H %s"],
    ] {
        same_env(&elsewhere, args, &[("GIT_DIR", g), ("GIT_WORK_TREE", w)]);
    }
    // GIT_DIR alone: the current folder is the top of the work tree.
    same_env(&sep, &["status", "-s"], &[("GIT_DIR", g)]);
    // The example: another repository's history from here.
    let basic_git = root.join("basic/.git");
    same_env(
        &root.join("v4"),
        &["log", "-1", "--format=%H %s"],
        &[("GIT_DIR", basic_git.to_str().unwrap())],
    );
    // GIT_INDEX_FILE, absolute and relative (to the top of the work tree).
    let v4 = root.join("v4");
    let index = v4.join(".git/index");
    same_env(
        &v4,
        &["ls-files", "-s"],
        &[("GIT_INDEX_FILE", index.to_str().unwrap())],
    );
    same_env(
        &v4.join("src"),
        &["status", "-s"],
        &[("GIT_INDEX_FILE", ".git/index")],
    );
    same_env(
        &v4,
        &["status", "-s"],
        &[("GIT_INDEX_FILE", "/nonexistent/index")],
    );
    // GIT_OBJECT_DIRECTORY elsewhere: the objects are found there.
    let objects = root.join("basic/.git/objects");
    same_env(
        &root.join("linked"),
        &["log", "-1", "--format=%H"],
        &[("GIT_OBJECT_DIRECTORY", objects.to_str().unwrap())],
    );
    // A folder that is no repository at all.
    same_env(&root, &["status"], &[]);
}

#[test]
fn config_changes_what_status_prints() {
    let root = fixture("status-cases");
    let basic = root.join("basic");
    for (k, v) in [
        ("advice.statusHints", "false"),
        ("status.short", "true"),
        ("status.branch", "true"),
        ("status.showUntrackedFiles", "no"),
        ("status.showUntrackedFiles", "all"),
        ("status.renames", "false"),
        ("core.quotePath", "false"),
        ("core.fileMode", "false"),
        ("core.checkStat", "minimal"),
        ("core.trustCtime", "false"),
        ("core.excludesFile", "/dev/null"),
    ] {
        let env = [
            ("GIT_CONFIG_COUNT", "1"),
            ("GIT_CONFIG_KEY_0", k),
            ("GIT_CONFIG_VALUE_0", v),
        ];
        same_env(&basic, &["status"], &env);
        same_env(&basic, &["status", "--porcelain=v2"], &env);
    }
    // GIT_CONFIG_PARAMETERS, as `git -c` passes it on.
    same_env(
        &basic,
        &["status"],
        &[(
            "GIT_CONFIG_PARAMETERS",
            "'advice.statushints'='false' 'status.short=true'",
        )],
    );
}

#[test]
fn a_large_tree_scanned_in_parallel() {
    // Over 4,096 entries: the three scans run in parallel, files are stat'ed by preload
    // threads and folders are read in parallel.
    let dir = fixture("status-large");
    for args in [
        &["status", "--porcelain"][..],
        &["status", "--porcelain=v2", "-uall", "--branch"],
        &["status"],
        &["status", "--ignored", "-s"],
        &["ls-files", "-m"],
        &["ls-files", "-o", "--exclude-standard", "--directory"],
    ] {
        same(&dir, args);
    }
}

#[test]
fn bad_arguments_and_bare_repositories_fail_like_git() {
    let root = fixture("status-cases");
    let basic = root.join("basic");
    for args in [
        &["status", "--bogus"][..],
        &["status", "-uweird"],
        &["status", "--porcelain=v3"],
        &["status", "--ignored=weird"],
        &["status", "-s", "../.."],
        &["status", "--long", "-z"],
        &["ls-files", "--bogus"],
        &["ls-files", "-i", "-o"],
        &["ls-files", "-i"],
    ] {
        same(&basic, args);
    }
    // A bare repository has no work tree.
    let bare = root.join("up/.git");
    for args in [&["status"][..], &["status", "-s"], &["ls-files", "-o"]] {
        same(&bare, args);
    }
}
