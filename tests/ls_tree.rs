//! `oxgit ls-tree` against `git ls-tree`: output, errors and exit status.

mod common;
use common::*;

const MODES: &[&[&str]] = &[
    &[],
    &["-r"],
    &["-t"],
    &["-r", "-t"],
    &["-d"],
    &["-r", "-d"],
    &["-l"],
    &["-r", "--long"],
    &["--name-only"],
    &["-r", "--name-status"],
    &["--object-only", "-r"],
    &["-z"],
    &["-r", "-z", "-l"],
    &["-r", "--abbrev"],
    &["-r", "--abbrev=5"],
    &["--abbrev=2", "-l"],
    &["--abbrev=100"],
    &["--no-abbrev"],
    &[
        "-r",
        "--format=%(objectmode) %(objecttype) %(objectname)%x09%(path)",
    ],
    &[
        "-r",
        "--format=[%(objectsize)|%(objectsize:padded)] %% %n%(path)%x00",
    ],
    &["-r", "-z", "--format=%(path)"],
    &["-t", "-r", "--format=%(objecttype)"],
    &["-rt"],
    &["--full-name"],
    &["--full-tree", "-r"],
];

#[test]
fn every_mode_from_the_top_and_from_subfolders() {
    let dir = fixture("basic");
    for sub in ["", "src", "src/deep", "docs"] {
        let cwd = dir.join(sub);
        for mode in MODES {
            for paths in [
                &[][..],
                &["."],
                &[".."],
                &["er/", "../README"],
                &["src/deep"],
            ] {
                let mut args = vec!["ls-tree"];
                args.extend_from_slice(mode);
                args.push("HEAD~1");
                args.extend_from_slice(paths);
                assert_same_stderr(&cwd, &args);
            }
        }
    }
}

#[test]
fn pathspecs_and_tree_names() {
    let dir = fixture("basic");
    for args in [
        &["ls-tree", "HEAD~1", "src"][..],
        &["ls-tree", "HEAD~1", "src/"],
        &["ls-tree", "-t", "HEAD~1", "src/deep/er/file.txt"],
        &["ls-tree", "-d", "HEAD~1", "src/deep/er/file.txt"],
        &["ls-tree", "HEAD~1", "src//deep/./er/../er", "./README"],
        &["ls-tree", "HEAD~1", "README/"],
        &["ls-tree", "HEAD~1", "nope", "sub"],
        &["ls-tree", "-r", "HEAD~1", "src", "src/deep"],
        &[
            "ls-tree",
            "HEAD~1",
            ":/src",
            ":(top)README",
            ":(literal)docs",
        ],
        &["ls-tree", "HEAD~1:src"],
        &["ls-tree", "-r", "v1.0"],
        &["ls-tree", "tree-tag"],
        &["ls-tree", "HEAD~1^{tree}", "--", "-r"],
        &["ls-tree", "HEAD~1", "-r", "docs"],
        // An empty tree (HEAD): nothing listed, and a bad format is never looked at.
        &["ls-tree", "-r", "HEAD"],
        &["ls-tree", "--format=%(nope)", "HEAD"],
        // A legacy mode (100664) is shown as git canonicalizes it.
        &["ls-tree", "-l", "odd"],
        &["ls-tree", "--format=%(objectmode)", "odd"],
    ] {
        assert_same_stderr(&dir, args);
    }
    assert_same_stderr(&dir.join("src"), &["ls-tree", "HEAD~1:./deep"]);
    assert_same_stderr(&dir.join("src"), &["ls-tree", "-r", "HEAD~1", ":/docs"]);
}

#[test]
fn quoting_follows_core_quotepath() {
    let src = fixture("basic");
    let dir = scratch_dir().join("ls-tree-quotepath");
    let _ = std::fs::remove_dir_all(&dir);
    git(
        &scratch_dir(),
        &["clone", "-q", src.to_str().unwrap(), dir.to_str().unwrap()],
    );
    git(&dir, &["config", "core.quotepath", "false"]);
    for args in [
        &["ls-tree", "HEAD~1"][..],
        &["ls-tree", "-z", "HEAD~1"],
        &["ls-tree", "--format=%(path)", "-z", "HEAD~1"],
    ] {
        assert_same(&dir, args);
    }
}

#[test]
fn errors_match_git() {
    let dir = fixture("basic");
    for args in [
        &["ls-tree"][..],
        &["ls-tree", "nope"],
        &["ls-tree", "HEAD~1:README"],
        &["ls-tree", "HEAD~1", ""],
        &["ls-tree", "HEAD~1", ".."],
        &["ls-tree", "HEAD~1", ":(glob)*"],
        &["ls-tree", "HEAD~1", ":!README"],
        &["ls-tree", "--format=%", "HEAD~1"],
        &["ls-tree", "--format=%(foo)", "HEAD~1"],
        &["ls-tree", "--format=%(foo", "HEAD~1"],
        &["ls-tree", "--format=%q", "HEAD~1"],
        &["ls-tree", "-l", "--format=%(path)", "HEAD~1"],
        &["ls-tree", "--name-only", "--name-status", "HEAD~1"],
        &["ls-tree", "-l", "--object-only", "HEAD~1"],
        &["ls-tree", "--abbrev=x", "HEAD~1"],
        &["ls-tree", "--bogus", "HEAD~1"],
        &["ls-tree", "-x", "HEAD~1"],
        &["ls-tree", "--format"],
    ] {
        assert_same_stderr(&dir, args);
    }
    // An ambiguous abbreviation: git prints the usage on stdout (naming itself).
    let git_out = run(
        {
            let mut c = git_cmd(&dir);
            c.args(["ls-tree", "--name", "HEAD"]);
            c
        },
        b"",
    );
    let ox_out = run(
        {
            let mut c = oxgit_cmd(&dir);
            c.args(["ls-tree", "--name", "HEAD"]);
            c
        },
        b"",
    );
    assert_eq!(git_out.status.code(), ox_out.status.code());
    assert_eq!(git_out.stderr, ox_out.stderr);
    assert_eq!(
        String::from_utf8_lossy(&git_out.stdout).replace("usage: git", "usage: oxgit"),
        String::from_utf8_lossy(&ox_out.stdout)
    );
}
