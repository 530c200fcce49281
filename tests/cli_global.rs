//! The options before the command, help and unknown commands, against git 2.47: stdout,
//! stderr (git's name replaced by oxgit's where the text names the program) and exit
//! status.

mod common;

use common::{assert_same, assert_same_stderr, fixture, git_cmd, oxgit_cmd, run};
use std::path::Path;

/// git's and oxgit's output for `args` in `dir`.
fn both(dir: &Path, args: &[&str]) -> (std::process::Output, std::process::Output) {
    let go = |mut c: std::process::Command| {
        c.args(args);
        run(c, b"")
    };
    (go(git_cmd(dir)), go(oxgit_cmd(dir)))
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[test]
fn unknown_commands_suggest_as_git_does() {
    common::check_git_version();
    let dir = fixture("basic");
    // Typos whose closest git commands are all oxgit commands too, and one with none.
    for cmd in ["lgo", "stauts", "blmae", "xyzzy"] {
        let (g, o) = both(&dir, &[cmd]);
        assert_eq!(g.status.code(), Some(1), "{cmd}");
        assert_eq!(o.status.code(), Some(1), "{cmd}");
        assert!(o.stdout.is_empty(), "{cmd}");
        let expected = text(&g.stderr).replace("git: '", "oxgit: '").replace(
            "not a git command. See 'git --help'",
            "not an oxgit command. See 'oxgit --help'",
        );
        assert_eq!(text(&o.stderr), expected, "{cmd}");
    }
}

#[test]
fn config_on_the_command_line() {
    let dir = fixture("basic");
    // Values reach the config every command reads.
    assert_same(
        &dir,
        &["-c", "core.abbrev=5", "rev-parse", "--short", "HEAD"],
    );
    assert_same(
        &dir,
        &["-c", "diff.noprefix=true", "diff", "HEAD~1", "HEAD"],
    );
    assert_same(
        &dir,
        &[
            "-c",
            "core.abbrev=12",
            "-c",
            "core.abbrev=9",
            "log",
            "--oneline",
            "-2",
        ],
    );
    assert_same(&dir, &["-c", "log.showroot", "log", "--stat", "-1"]);
    // Keys git refuses, with git's messages.
    for bad in ["foo=bar", "=x", "a.1b=c", ".a=b", "a.=b"] {
        assert_same_stderr(&dir, &["-c", bad, "log", "-1"]);
    }
    assert_same_stderr_first_line(&dir, &["-c"]);
}

#[test]
fn git_dir_and_work_tree_from_outside() {
    let repo = fixture("basic");
    let outside = repo.parent().unwrap();
    let git_dir = repo.join(".git");
    let (g, w) = (git_dir.to_str().unwrap(), repo.to_str().unwrap());
    let git_dir_eq = format!("--git-dir={g}");
    let work_tree_eq = format!("--work-tree={w}");
    assert_same(outside, &[&git_dir_eq, "log", "--oneline"]);
    assert_same(outside, &["--git-dir", g, "rev-parse", "--git-dir"]);
    assert_same(
        outside,
        &[&git_dir_eq, &work_tree_eq, "status", "--porcelain=v2"],
    );
    assert_same(
        outside,
        &[
            "--git-dir",
            g,
            "--work-tree",
            w,
            "rev-parse",
            "--show-toplevel",
        ],
    );
    // Relative to the folder after -C.
    assert_same(
        outside,
        &["-C", "basic", "--git-dir=.git", "log", "--format=%H", "-1"],
    );
    for missing in [&["--git-dir"][..], &["--work-tree"], &["-C"]] {
        assert_same_stderr_first_line(outside, missing);
    }
}

#[test]
fn pager_options_change_nothing_without_a_terminal() {
    let dir = fixture("basic");
    for opt in [
        "-p",
        "--paginate",
        "-P",
        "--no-pager",
        "--no-optional-locks",
    ] {
        assert_same(&dir, &[opt, "log", "--stat", "-2"]);
    }
}

/// The first line of stderr and the exit status agree (the usage lines after it name
/// options oxgit does not have).
fn assert_same_stderr_first_line(dir: &Path, args: &[&str]) {
    let (g, o) = both(dir, args);
    assert_eq!(g.status.code(), o.status.code(), "{args:?}");
    let first = |b: &[u8]| {
        let line = text(b).lines().next().unwrap_or("").to_string();
        line.replace("usage: git ", "usage: oxgit ")
    };
    assert_eq!(first(&g.stderr), first(&o.stderr), "{args:?}");
    assert!(text(&o.stderr).contains("usage: oxgit "), "{args:?}");
}

#[test]
fn unknown_and_unsupported_global_options() {
    let dir = fixture("basic");
    assert_same_stderr_first_line(&dir, &["--bogus", "log"]);
    for opt in ["--literal-pathspecs", "--bare", "--no-replace-objects"] {
        let (_, o) = both(&dir, &[opt, "log"]);
        assert_eq!(o.status.code(), Some(128), "{opt}");
        assert_eq!(
            text(&o.stderr),
            format!("fatal: {opt} is not supported by oxgit\n")
        );
        assert!(o.stdout.is_empty());
    }
}

#[test]
fn dash_h_prints_each_commands_usage_with_129() {
    let dir = fixture("basic");
    for cmd in [
        "cat-file",
        "log",
        "diff",
        "merge-base",
        "ls-tree",
        "show-ref",
        "for-each-ref",
        "blame",
        "status",
        "ls-files",
    ] {
        let (g, o) = both(&dir, &[cmd, "-h"]);
        assert_eq!(g.status.code(), Some(129), "git {cmd} -h");
        assert_eq!(o.status.code(), Some(129), "oxgit {cmd} -h");
        assert!(
            text(&o.stdout).starts_with(&format!("usage: oxgit {cmd} ")),
            "{cmd}: {}",
            text(&o.stdout)
        );
        assert!(o.stderr.is_empty(), "{cmd}");
    }
    // Usage errors name oxgit and go to stderr, as git's do.
    for args in [
        &["merge-base", "-x"][..],
        &["merge-base", "--bogus", "A"],
        &["merge-base", "HEAD"],
    ] {
        assert_same_stderr_first_line(&dir, args);
    }
}

#[test]
fn help_pages_and_version() {
    let dir = fixture("basic");
    for args in [&["help"][..], &["--help"], &["-h"]] {
        let o = run(
            {
                let mut c = oxgit_cmd(&dir);
                c.args(args);
                c
            },
            b"",
        );
        assert_eq!(o.status.code(), Some(0), "{args:?}");
        let out = text(&o.stdout);
        assert!(out.starts_with("usage: oxgit "), "{out}");
        for c in ["cat-file", "log", "diff", "status", "blame", "serve"] {
            assert!(out.contains(&format!("\n   {c} ")), "{args:?} lists {c}");
        }
    }
    for args in [&["help", "log"][..], &["log", "--help"]] {
        let o = run(
            {
                let mut c = oxgit_cmd(&dir);
                c.args(args);
                c
            },
            b"",
        );
        assert_eq!(o.status.code(), Some(0), "{args:?}");
        let out = text(&o.stdout);
        assert!(out.starts_with("usage: oxgit log "), "{out}");
        assert!(out.contains("\nSupported: "), "{out}");
    }
    let o = run(
        {
            let mut c = oxgit_cmd(&dir);
            c.args(["help", "lgo"]);
            c
        },
        b"",
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o.stderr).contains("The most similar command is\n\tlog\n"));
    for args in [&["version"][..], &["--version"], &["-v"]] {
        let o = run(
            {
                let mut c = oxgit_cmd(&dir);
                c.args(args);
                c
            },
            b"",
        );
        assert_eq!(o.status.code(), Some(0));
        assert_eq!(
            text(&o.stdout),
            format!("oxgit version {}\n", env!("CARGO_PKG_VERSION"))
        );
    }
}

#[test]
fn cat_file_usage_and_an_unborn_branch() {
    let dir = fixture("basic");
    for args in [
        &["cat-file"][..],
        &["cat-file", "-p"],
        &["cat-file", "-t"],
        &["cat-file", "blob"],
        &["cat-file", "a", "b", "c"],
        &["cat-file", "-p", "a", "b"],
    ] {
        assert_same_stderr_first_line(&dir, args);
    }
    let empty = common::scratch_dir().join(format!("unborn-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&empty);
    std::fs::create_dir_all(&empty).unwrap();
    common::git(&empty, &["init", "-q", "-b", "trunk"]);
    for args in [
        &["log"][..],
        &["log", "--oneline"],
        &["log", "HEAD"],
        &["log", "-1", "--stat"],
    ] {
        assert_same_stderr(&empty, args);
    }
}
