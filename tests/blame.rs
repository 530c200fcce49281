//! `oxgit blame` against `git blame`: every output format and option on a history with
//! edits, moves, copies, renames and merges, revision ranges, line ranges and errors.

mod common;
use common::*;

const FILES: &[&str] = &[
    "src/core.c",
    "util.c",
    "lib.c",
    "fresh.c",
    "noeol.txt",
    "empty.txt",
    "with space.txt",
    "caf\u{e9}.txt",
];

const OPTIONS: &[&[&str]] = &[
    &[],
    &["-M"],
    &["-C"],
    &["-C", "-C"],
    &["-C", "-C", "-C"],
    &["-w"],
    &["-M", "-w"],
    &["-p"],
    &["--porcelain", "-M", "-C"],
    &["--line-porcelain"],
    &["--line-porcelain", "-w", "-C", "-C", "-C"],
    &["-s", "-n", "-f"],
    &["-e", "-l"],
    &["--show-email", "--show-number", "--show-name"],
    &["-c"],
    &["--root"],
    &["--root", "-p"],
    &["-t"],
    &["-b"],
    &["--abbrev=10"],
    &["--abbrev=3"],
    &["--abbrev=0", "-s"],
    &["--no-abbrev"],
    &["-M5"],
    &["-C80"],
    &["-C", "-M100"],
    &["-C10", "-C", "-C"],
    &["--first-parent"],
    &["--minimal"],
    &["--diff-algorithm=histogram"],
];

#[test]
fn every_format_and_option_matches_git() {
    let dir = fixture("blame");
    for file in FILES {
        for opts in OPTIONS {
            let mut args = vec!["blame"];
            args.extend_from_slice(opts);
            args.extend_from_slice(&["--", file]);
            assert_same_stderr(&dir, &args);
        }
    }
}

#[test]
fn revisions_ranges_and_argument_shapes_match_git() {
    let dir = fixture("blame");
    for rev in [
        "HEAD~1",
        "HEAD~3",
        "HEAD~8",
        "HEAD~5..HEAD",
        "^HEAD~2",
        "side",
        "side~1..side",
        "HEAD^2",
        "v-none..HEAD~1",
    ] {
        for file in ["src/core.c", "core.c", "main.c", "util.c"] {
            for opts in [&[][..], &["-p", "-M", "-C"], &["-C", "-C", "-C"]] {
                let mut args = vec!["blame"];
                args.extend_from_slice(opts);
                args.extend_from_slice(&[rev, "--", file]);
                assert_same_stderr(&dir, &args);
            }
        }
    }
    for args in [
        &["blame", "util.c"][..],
        &["blame", "util.c", "HEAD~3"],
        &["blame", "--", "util.c", "HEAD~3"],
        &["blame", "HEAD~3", "util.c"],
        &["blame", "-L", "3,5", "HEAD", "--", "util.c"],
    ] {
        assert_same_stderr(&dir, args);
    }
    assert_same_stderr(&dir.join("src"), &["blame", "core.c"]);
    assert_same_stderr(&dir.join("src"), &["blame", "HEAD~2", "--", "../util.c"]);
}

#[test]
fn line_ranges_match_git() {
    let dir = fixture("blame");
    for range in [
        &["-L", "2,8"][..],
        &["-L", "10,+5", "-L", "1,2"],
        &["-L", "20,-3"],
        &["-L", "5,1"],
        &["-L5"],
        &["-L", ",3"],
        &["-L", "3,"],
        &["-L", "/lib_value/"],
        &["-L", "/lib_value/,+2"],
        &["-L", "/util_value_0[5-9]/,/main/"],
        &["-L", "1,2", "-L", "/main_value/,+1"],
        &["-L", "^/util/"],
        &["-L", "2,4", "-L", "3,9"],
        &["-L", "40,99"],
        &["-L", "99"],
        &["-L", "x"],
        &["-L", "1,x"],
        &["-L", "/nomatch/"],
        &["-L", "1,+0"],
        &["-L", "-3"],
        // git's regcomp(REG_NEWLINE): POSIX basic syntax with GNU extensions.
        &["-L", "/util_value_0\\(5\\|7\\)/,+1"],
        &["-L", "/lib_value_0[[:digit:]]\\+ =/,/main/"],
        &["-L", "/^int  lib/"],
        &["-L", "/_03\\b/"],
        &["-L", "/a\\{2,\\}/"],
        &["-L", "/(5/"],
        &["-L", "/x*y\\?z|main_value_1/"],
        &["-L", "/3,/"],
        &["-L", "/;$/,+1"],
        &["-L", "/[/"],
        &["-L", "/\\(/"],
        &["-L", "/a\\{3/"],
        &["-L", "1,/compute_other/"],
        &["-L", "30,/int/"],
    ] {
        let mut args = vec!["blame"];
        args.extend_from_slice(range);
        args.extend_from_slice(&["--", "src/core.c"]);
        assert_same_stderr(&dir, &args);
    }
}

#[test]
fn errors_match_git() {
    let dir = fixture("blame");
    for args in [
        &["blame"][..],
        &["blame", "nope"],
        &["blame", "HEAD", "nope"],
        &["blame", "HEAD", "--", "nope"],
        &["blame", "HEAD~1", "HEAD", "--", "util.c"],
        &["blame", "HEAD", "--", "src"],
        &["blame", "--bogus", "util.c"],
        &["blame", "-h"],
        &["blame", "--abbrev=x", "util.c"],
        &["blame", "HEAD~99", "--", "util.c"],
        &["blame", "a", "b", "--", "c", "d"],
    ] {
        assert_same_stderr(&dir, args);
    }
}

#[test]
fn other_fixtures_match_git() {
    let dir = fixture("basic");
    for file in [
        "README",
        "src/main.rs",
        "docs/no-eol",
        "run.sh",
        "link",
        "bin.dat",
        "tab\tname",
    ] {
        for opts in [&[][..], &["-p"], &["-M", "-C", "-n", "-f"]] {
            let mut args = vec!["blame"];
            args.extend_from_slice(opts);
            args.extend_from_slice(&["HEAD~1", "--", file]);
            assert_same_stderr(&dir, &args);
        }
    }
    let dir = fixture("refs-format");
    assert_same_stderr(&dir, &["blame", "-p", "a"]);
    assert_same_stderr(&dir, &["blame", "feature", "--", "f"]);
}

#[test]
fn local_changes_are_refused_not_guessed() {
    let src = fixture("blame");
    let dir = scratch_dir().join("blame-worktree");
    let _ = std::fs::remove_dir_all(&dir);
    git(
        &scratch_dir(),
        &["clone", "-q", src.to_str().unwrap(), dir.to_str().unwrap()],
    );
    // Unmodified: the work tree is blamed, identical to git.
    assert_same_stderr(&dir, &["blame", "util.c"]);
    std::fs::write(dir.join("util.c"), b"changed\n").unwrap();
    let out = run(
        {
            let mut c = oxgit_cmd(&dir);
            c.args(["blame", "util.c"]);
            c
        },
        b"",
    );
    assert_eq!(out.status.code(), Some(128));
    assert!(out.stdout.is_empty());
    assert!(String::from_utf8_lossy(&out.stderr).contains("not supported by oxgit"));
    // With a revision the work tree does not matter.
    assert_same_stderr(&dir, &["blame", "HEAD", "--", "util.c"]);
}

#[test]
fn date_modes_match_git() {
    let dir = fixture("blame");
    // Relative and human dates depend on "now", fixed for both (GIT_TEST_DATE_NOW).
    let same_now = |dir: &std::path::Path, args: &[&str], env: &[(&str, &str)]| {
        let mut env = env.to_vec();
        if !env.iter().any(|(k, _)| *k == "GIT_TEST_DATE_NOW") {
            env.push(("GIT_TEST_DATE_NOW", "1700090000"));
        }
        assert_same_stderr_env(dir, args, &env);
    };
    for mode in [
        "default",
        "local",
        "relative",
        "iso",
        "iso-strict",
        "rfc",
        "short",
        "raw",
        "unix",
        "human",
        "iso-local",
        "human-local",
        "format:%Y",
        "format:%c %z|%%|%a",
        "format-local:%H:%M",
        "auto:short",
        "foo",
        "format",
    ] {
        for opts in [&[][..], &["-c"], &["-t"], &["-p"], &["-s", "-n"]] {
            let date = format!("--date={mode}");
            let mut args = vec!["blame", date.as_str()];
            args.extend_from_slice(opts);
            args.extend_from_slice(&["--", "src/core.c"]);
            same_now(&dir, &args, &[]);
        }
    }
    // blame.date, which --date overrides.
    let clone = scratch_dir().join("blame-date-config");
    let _ = std::fs::remove_dir_all(&clone);
    git(
        &scratch_dir(),
        &[
            "clone",
            "-q",
            dir.to_str().unwrap(),
            clone.to_str().unwrap(),
        ],
    );
    for mode in ["default", "short", "relative", "format:%d.%m.%Y", "foo"] {
        git(&clone, &["config", "blame.date", mode]);
        same_now(&clone, &["blame", "--", "util.c"], &[]);
        same_now(&clone, &["blame", "-c", "--", "util.c"], &[]);
        same_now(&clone, &["blame", "--date=rfc", "--", "util.c"], &[]);
    }
    for tz in ["Asia/Kolkata", "EST5EDT"] {
        same_now(
            &dir,
            &["blame", "--date=local", "--", "util.c"],
            &[("TZ", tz)],
        );
        same_now(
            &dir,
            &["blame", "--date=format-local:%c %Z", "--", "util.c"],
            &[("TZ", tz)],
        );
    }
    same_now(&dir, &["blame", "--relative-date", "--", "util.c"], &[]);
    same_now(&dir, &["blame", "--date", "-L1", "--", "util.c"], &[]);
    for now in ["1700000000", "1700001000", "1800000000"] {
        same_now(
            &dir,
            &["blame", "--date=relative", "--", "src/core.c"],
            &[("GIT_TEST_DATE_NOW", now)],
        );
        same_now(
            &dir,
            &["blame", "--date=human", "--", "src/core.c"],
            &[("GIT_TEST_DATE_NOW", now)],
        );
    }
}

#[test]
fn damaged_dates_match_git() {
    let dir = scratch_dir().join("blame-damaged-dates");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    git(&dir, &["init", "-q"]);
    std::fs::write(dir.join("a"), "one\n").unwrap();
    git(&dir, &["add", "a"]);
    let tree = String::from_utf8(git(&dir, &["write-tree"])).unwrap();
    for date in [
        "0 -0700",
        "100 +99999",
        "abc +0100",
        "1000 -0001",
        "5 +0100 x",
        "99999999999999999999 +0000",
        "9223372036854775808 +0000",
        "5",
        "5 +",
        "<x> 5 +0100",
    ] {
        let body = format!(
            "tree {}\nauthor A <a@example.com> {date}\ncommitter C <c@example.com> 1 +0000\n\nm\n",
            tree.trim()
        );
        let id = write_literal_object(&dir, "commit", body.as_bytes());
        for opts in [
            &[][..],
            &["-p"],
            &["-c"],
            &["-s"],
            &["-t"],
            &["--date=raw"],
            &["--date=unix"],
            &["--date=short"],
        ] {
            let mut args = vec!["blame"];
            args.extend_from_slice(opts);
            args.extend_from_slice(&[&id, "--", "a"]);
            assert_same_stderr(&dir, &args);
        }
    }
}

#[test]
fn mailmap_is_applied_as_git_does() {
    let src = fixture("blame");
    let dir = scratch_dir().join("blame-mailmap");
    let _ = std::fs::remove_dir_all(&dir);
    git(
        &scratch_dir(),
        &["clone", "-q", src.to_str().unwrap(), dir.to_str().unwrap()],
    );
    let formats: &[&[&str]] = &[&[], &["-e"], &["-p"], &["--line-porcelain", "-C"], &["-c"]];
    // Returns git's porcelain output, to check that the mailmap took effect.
    let check = |dir: &std::path::Path| -> String {
        for opts in formats {
            let mut args = vec!["blame"];
            args.extend_from_slice(opts);
            args.extend_from_slice(&["HEAD", "--", "src/core.c"]);
            assert_same_stderr(dir, &args);
        }
        let out = assert_same_stderr(dir, &["blame", "-p", "HEAD", "--", "src/core.c"]);
        String::from_utf8(out).unwrap()
    };
    // The work tree's .mailmap (untracked): a name by email, a name and email by email,
    // and one by name and email (the committer is mapped too).
    std::fs::write(
        dir.join(".mailmap"),
        "Beatrice Second <bea@example.org>\n\
         Carl The Third <carl3@example.net> <carl@example.net>\n\
         Proper Side <proper@example.com> Side Dev <side@example.com>\n\
         <committer@real.example> <committer@example.com>\n",
    )
    .unwrap();
    let out = check(&dir);
    for mapped in [
        "author Beatrice Second\nauthor-mail <bea@example.org>",
        "author Carl The Third\nauthor-mail <carl3@example.net>",
        "author Proper Side\nauthor-mail <proper@example.com>",
        "committer C O Mitter\ncommitter-mail <committer@real.example>",
    ] {
        assert!(out.contains(mapped), "{mapped}");
    }
    // mailmap.file adds to it, and wins where both map.
    let file = dir.join("extra.mailmap");
    std::fs::write(
        &file,
        "Thor Himself <author@example.com>\nBea File <bea@example.org>\n",
    )
    .unwrap();
    git(&dir, &["config", "mailmap.file", file.to_str().unwrap()]);
    let out = check(&dir);
    assert!(out.contains("author Thor Himself\n") && out.contains("author Bea File\n"));
    // A bare repository reads HEAD:.mailmap.
    git(&dir, &["config", "--unset", "mailmap.file"]);
    git(&dir, &["add", ".mailmap"]);
    git(&dir, &["commit", "-q", "-m", "mailmap"]);
    let bare = scratch_dir().join("blame-mailmap.git");
    let _ = std::fs::remove_dir_all(&bare);
    git(
        &scratch_dir(),
        &[
            "clone",
            "-q",
            "--bare",
            dir.to_str().unwrap(),
            bare.to_str().unwrap(),
        ],
    );
    assert!(check(&bare).contains("author Beatrice Second\n"));
}

#[test]
fn commit_graph_and_bloom_filters_give_the_same_blame() {
    let src = fixture("blame");
    let dir = scratch_dir().join("blame-graph");
    let _ = std::fs::remove_dir_all(&dir);
    git(
        &scratch_dir(),
        &[
            "clone",
            "-q",
            "--no-local",
            src.to_str().unwrap(),
            dir.to_str().unwrap(),
        ],
    );
    git(
        &dir,
        &["commit-graph", "write", "--reachable", "--changed-paths"],
    );
    for file in ["src/core.c", "util.c", "fresh.c"] {
        for opts in [
            &[][..],
            &["-p", "-M", "-C"],
            &["--line-porcelain", "-C", "-C", "-C"],
        ] {
            let mut args = vec!["blame"];
            args.extend_from_slice(opts);
            args.extend_from_slice(&["origin/main", "--", file]);
            assert_same_stderr(&dir, &args);
        }
    }
}
