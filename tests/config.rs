//! `oxgit config` (reading only) against git: lookups, lists, regexps, types, scopes,
//! origins, the 2.46 `get`/`list` subcommands, errors and exit codes; writes refused.

mod common;
use common::*;

const FORMS: &[&[&str]] = &[
    &["config", "t.b"],
    &["config", "--get", "t.k"],
    &["config", "--get-all", "t.k"],
    &["config", "T.K"],
    &["config", "sec.Sub.X.key"],
    &["config", "sec.sub.x.key"],
    &["config", "t.nov"],
    &["config", "t.s"],
    &["config", "-l"],
    &["config", "--list", "--name-only"],
    &["config", "-l", "-z"],
    &["config", "--list", "--show-origin"],
    &["config", "--list", "--show-scope", "--show-origin", "-z"],
    &["config", "--get-regexp", "^t\\."],
    &["config", "--get-regexp", "--name-only", "^t"],
    &["config", "--get-regexp", "-z", "^t"],
    &["config", "--get-regexp", "Sub"],
    &["config", "--show-origin", "--get-regexp", "k$"],
    &["config", "--bool", "t.nov"],
    &["config", "--bool", "t.yes"],
    &["config", "--int", "t.k"],
    &["config", "--int", "t.neg"],
    &["config", "--int", "t.h"],
    &["config", "--int", "t.o"],
    &["config", "--type=int", "t.h"],
    &["config", "--bool-or-int", "t.k"],
    &["config", "--bool-or-int", "t.nov"],
    &["config", "--bool-or-int", "t.yes"],
    &["config", "--path", "t.p"],
    &["config", "-z", "t.k"],
    &["config", "--default", "5", "--int", "no.such"],
    &["config", "--local", "-l"],
    &["config", "--local", "--show-scope", "--show-origin", "-l"],
    &["config", "--file", ".git/config", "t.k"],
    &[
        "config",
        "--file=.git/extra.inc",
        "--show-origin",
        "--show-scope",
        "-l",
    ],
    &["config", "get", "t.k"],
    &["config", "get", "--all", "t.k"],
    &["config", "get", "--all", "--show-names", "t.k"],
    &["config", "get", "--regexp", "^t"],
    &["config", "get", "--regexp", "--all", "--show-names", "^t.k"],
    &["config", "list"],
    &["config", "list", "--show-origin"],
    &["config", "-c", "a.b=1", "--show-origin", "a.b"],
    &[
        "-c",
        "a.b=1",
        "config",
        "--show-origin",
        "--show-scope",
        "a.b",
    ],
    &["-c", "a.b", "config", "--bool", "a.b"],
    // Missing values and bad keys: exit 1 with nothing on stdout.
    &["config", "nosuch.key"],
    &["config", "get", "nosuch.key"],
    &["config", "--get-regexp", "^nosuch"],
    &["config", "nosection"],
    &["config", "a."],
    &["config", "a b.c"],
];

/// Errors whose message git and oxgit print the same.
const ERRORS: &[&[&str]] = &[
    &["config", "--int", "t.nov"],
    &["config", "--bool", "t.b"],
    &["config", "--int", "t.b"],
    &["config", "--int", "t.big"],
    &["config", "--bool-or-int", "t.b"],
    &["config", "--default", "x", "--int", "no.such"],
    &["config", "--type=bogus", "t.k"],
    &["config", "--file", "nonexistent", "-l"],
    &["config", "nosection"],
    &["config", "a."],
    &["config", "--get-regexp", "("],
];

#[test]
fn config_reading_matches_git() {
    let dir = fixture("config");
    for a in FORMS {
        assert_same(&dir, a);
        assert_same(&dir.join("sub"), a);
    }
    for a in ERRORS {
        assert_same_stderr(&dir, a);
    }
    let global = dir.join("global.cfg");
    let global = global.to_str().unwrap();
    for a in [
        &["config", "user.name"][..],
        &["config", "--show-origin", "--show-scope", "-l"],
        &["config", "--global", "-l"],
        &["config", "--global", "--show-scope", "--get-all", "t.k"],
        &["config", "get", "--all", "t.k"],
    ] {
        assert_same_stderr_env(&dir, a, &[("GIT_CONFIG_GLOBAL", global)]);
    }
}

/// Outside any repository: the global file and the command line.
#[test]
fn config_outside_a_repository_matches_git() {
    let dir = fixture("config");
    let tmp = tempfile::Builder::new()
        .prefix("config-outside-")
        .tempdir_in(scratch_dir())
        .unwrap();
    let global = dir.join("global.cfg");
    let env = [("GIT_CONFIG_GLOBAL", global.to_str().unwrap())];
    for a in [
        &["config", "-l"][..],
        &["config", "--show-origin", "user.name"],
        &["-c", "x.y=z", "config", "--list"],
        &["config", "--local", "-l"],
    ] {
        assert_same_stderr_env(tmp.path(), a, &env);
    }
}

/// A bare repository names its config file relative to where it was found.
#[test]
fn bare_repository_origins_match_git() {
    let src = fixture("config");
    let tmp = tempfile::Builder::new()
        .prefix("config-bare-")
        .tempdir_in(scratch_dir())
        .unwrap();
    git(
        tmp.path(),
        &["clone", "-q", "--bare", src.to_str().unwrap(), "b.git"],
    );
    let bare = tmp.path().join("b.git");
    assert_same(&bare, &["config", "--show-origin", "-l"]);
    assert_same(
        &bare.join("refs"),
        &["config", "--show-origin", "core.bare"],
    );
}

/// oxgit never writes: every writing form is refused, and the file is unchanged.
#[test]
fn writes_are_refused() {
    let dir = fixture("config");
    let before = std::fs::read(dir.join(".git/config")).unwrap();
    for a in [
        &["config", "t.k", "9"][..],
        &["config", "set", "t.k", "9"],
        &["config", "--add", "t.k", "9"],
        &["config", "--unset", "t.k"],
        &["config", "unset", "t.k"],
        &["config", "--replace-all", "t.k", "9"],
        &["config", "--rename-section", "t", "u"],
        &["config", "remove-section", "t"],
        &["config", "--edit"],
    ] {
        let mut cmd = oxgit_cmd(&dir);
        cmd.args(a);
        let out = run(cmd, b"");
        assert_eq!(out.status.code(), Some(128), "{a:?}");
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("read-only"),
            "{a:?}"
        );
    }
    assert_eq!(std::fs::read(dir.join(".git/config")).unwrap(), before);
}

/// `remote`, `remote -v` and `remote get-url` with several urls, push urls, rewrites
/// (`insteadOf`, `pushInsteadOf`), a remote without url, and a cleared url list.
#[test]
fn remote_listing_matches_git() {
    let src = fixture("config");
    let tmp = tempfile::Builder::new()
        .prefix("remote-")
        .tempdir_in(scratch_dir())
        .unwrap();
    git(tmp.path(), &["clone", "-q", src.to_str().unwrap(), "w"]);
    let w = tmp.path().join("w");
    for a in [
        &["remote", "add", "b", "git@host:b.git"][..],
        &[
            "remote",
            "set-url",
            "--add",
            "origin",
            "https://mirror/a.git",
        ],
        &["config", "remote.b.pushurl", "ssh://push/b"],
        &["config", "--add", "remote.b.pushurl", "ssh://push2/b"],
        &["config", "remote.c.fetch", "+refs/heads/*:refs/remotes/c/*"],
        &["config", "remote.d.url", "https://old/d"],
        &["config", "--add", "remote.d.url", ""],
        &["config", "--add", "remote.d.url", "https://new/d"],
        &[
            "config",
            "url.https://rewritten/.insteadOf",
            "https://mirror/",
        ],
        &[
            "config",
            "url.https://longer/.insteadOf",
            "https://mirror/a",
        ],
        &[
            "config",
            "url.ssh://pushed/.pushInsteadOf",
            "https://mirror/",
        ],
    ] {
        git(&w, a);
    }
    for a in [
        &["remote"][..],
        &["remote", "-v"],
        &["remote", "--verbose"],
        &["remote", "get-url", "origin"],
        &["remote", "get-url", "--push", "origin"],
        &["remote", "get-url", "--all", "origin"],
        &["remote", "get-url", "--push", "--all", "origin"],
        &["remote", "get-url", "--push", "--all", "b"],
        &["remote", "get-url", "--all", "d"],
        &["remote", "get-url", "c"],
        &["remote", "get-url", "nope"],
        &["remote", "get-url"],
        &["remote", "-v", "extra"],
    ] {
        assert_same(&w, a);
    }
    assert_same_stderr(&w, &["remote", "get-url", "nope"]);
    for a in [
        &["remote", "add", "x", "y"][..],
        &["remote", "show", "origin"],
    ] {
        let mut cmd = oxgit_cmd(&w);
        cmd.args(a);
        assert_eq!(run(cmd, b"").status.code(), Some(128), "{a:?}");
    }
}
