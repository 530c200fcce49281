//! `log` and `rev-list` with the walk options that mark or pick commits by side
//! (`--left-right`, `--left-only`, `--right-only`, `--cherry-pick`, `--cherry-mark`,
//! `--cherry`), `--no-walk`/`--do-walk`, `--source` and `%S`, `--exclude`,
//! `--full-diff` and `--author-date-order`, against git on `fixtures/log-cherry.sh`
//! (with and without a commit-graph): every option in every format that shows marks,
//! under `--graph` and `--boundary`, and `rev-list --count`.

mod common;
use common::*;

fn repos() -> Vec<std::path::PathBuf> {
    let root = fixture("log-cherry");
    vec![root.join("plain"), root.join("graph")]
}

const SIDE_OPTIONS: &[&[&str]] = &[
    &["--left-right"],
    &["--cherry-mark"],
    &["--cherry-pick"],
    &["--cherry"],
    &["--left-right", "--cherry-mark"],
    &["--left-right", "--cherry-pick"],
    &["--left-only"],
    &["--right-only"],
    &["--left-only", "--cherry-pick"],
    &["--right-only", "--left-right"],
    &["--cherry-pick", "--cherry"],
];

const RANGES: &[&[&str]] = &[
    &["main...side"],
    &["side...main"],
    &["main", "side"],
    &["side..main"],
    &["main...side", "^v0"],
    &["v0...main"],
    &["author-merge...side"],
];

fn check(dir: &std::path::Path, cmd: &str, format: &[&str], options: &[&str], range: &[&str]) {
    let mut args = vec![cmd];
    args.extend(format);
    args.extend(options);
    args.extend(range);
    assert_same(dir, &args);
}

#[test]
fn sides_in_log_formats_match_git() {
    let formats: &[&[&str]] = &[
        &[],
        &["--oneline"],
        &["--format=%m %h %s"],
        &["--format=%m%n%S"],
        &["--oneline", "--graph"],
        &["--graph", "--format=%h %m"],
        &["--oneline", "--boundary"],
        &["--oneline", "--graph", "--boundary"],
        &["--decorate", "--oneline"],
    ];
    for dir in repos() {
        for format in formats {
            for options in SIDE_OPTIONS {
                for range in RANGES {
                    check(&dir, "log", format, options, range);
                }
            }
        }
    }
}

#[test]
fn sides_in_rev_list_match_git() {
    let formats: &[&[&str]] = &[
        &[],
        &["--oneline"],
        &["--format=%m %s"],
        &["--graph"],
        &["--graph", "--oneline"],
        &["--boundary"],
        &["--graph", "--boundary"],
        &["--parents"],
        &["--count"],
        &["--count", "--boundary"],
        &["--abbrev-commit"],
    ];
    for dir in repos() {
        for format in formats {
            for options in SIDE_OPTIONS {
                for range in RANGES {
                    check(&dir, "rev-list", format, options, range);
                }
            }
        }
    }
}

#[test]
fn sides_with_walk_options_match_git() {
    let walk: &[&[&str]] = &[
        &["--reverse"],
        &["-n3"],
        &["--skip=2", "-n4"],
        &["--topo-order"],
        &["--date-order"],
        &["--author-date-order"],
        &["--first-parent"],
        &["--no-merges"],
        &["--merges"],
        &["--author=Thor", "--grep=picked"],
        &["--since=1700000600"],
        &["--until=1700001000"],
    ];
    for dir in repos() {
        for w in walk {
            for options in SIDE_OPTIONS {
                for range in &RANGES[..3] {
                    check(
                        &dir,
                        "log",
                        &["--format=%h %m %s"],
                        &[w, *options].concat(),
                        range,
                    );
                    check(&dir, "rev-list", &[], &[w, *options].concat(), range);
                }
            }
        }
    }
}

#[test]
fn cherry_pick_diffs_match_git() {
    for dir in repos() {
        for args in [
            &["log", "--cherry-pick", "-p", "main...side"][..],
            &[
                "log",
                "--cherry-mark",
                "--stat",
                "--left-right",
                "main...side",
            ],
            &["log", "--cherry", "--name-status", "main...side"],
            &["log", "--cherry-pick", "--graph", "-p", "main...side"],
        ] {
            assert_same(&dir, args);
        }
    }
}

#[test]
fn conflicting_side_options_match_git() {
    let dir = &repos()[0];
    for pair in [
        ["--cherry-pick", "--cherry-mark"],
        ["--cherry-mark", "--cherry-pick"],
        ["--left-only", "--right-only"],
        ["--right-only", "--left-only"],
        ["--left-only", "--cherry"],
        ["--cherry", "--left-only"],
        ["--cherry", "--cherry-pick"],
    ] {
        for cmd in ["log", "rev-list"] {
            assert_same_stderr(dir, &[cmd, pair[0], pair[1], "main...side"]);
        }
    }
}

#[test]
fn no_walk_matches_git() {
    let cases: &[&[&str]] = &[
        &["--no-walk", "main", "side"],
        &["--no-walk", "side", "main"],
        &["--no-walk=unsorted", "side", "main", "v0"],
        &["--no-walk=sorted", "v0", "side", "main"],
        &["--no-walk", "main..side"],
        &["main..side", "--no-walk"],
        &["--no-walk", "main", "side", "--do-walk"],
        &["--no-walk", "--left-right", "main...side"],
        &["main...side", "--no-walk", "--left-right"],
        &["main...side", "--no-walk", "--cherry-mark"],
        &["--no-walk", "--boundary", "main", "side"],
        &["--no-walk", "-n1", "main", "side"],
        &["--no-walk", "main", "side", "-3"],
        &["--no-walk", "--max-count=2", "main", "side"],
        &["-2", "--no-walk", "main", "side", "topic"],
        &["--no-walk", "--skip=1", "main", "side"],
        &["--no-walk", "--reverse", "main", "side"],
        &["--no-walk", "--topo-order", "main", "side", "v0"],
        &["--no-walk", "main", "main", "side"],
        &["--no-walk", "--all"],
        &["--no-walk", "--tags"],
        &["--no-walk", "v0-ann", "side"],
        &["--no-walk", "--graph", "main", "side"],
        &["--no-walk", "--graph", "main..side"],
        &["--no-walk", "--no-merges", "--all"],
    ];
    for dir in repos() {
        for case in cases {
            for cmd in ["log", "rev-list"] {
                for format in [&[][..], &["--oneline"], &["--format=%h %m %s"]] {
                    let mut args = vec![cmd];
                    args.extend(format);
                    args.extend(*case);
                    assert_same(&dir, &args);
                }
            }
        }
        assert_same_stderr(&dir, &["log", "--no-walk", "--graph", "main"]);
        assert_same_stderr(&dir, &["log", "--no-walk=foo", "main"]);
    }
}

#[test]
fn source_and_exclude_match_git() {
    let revs: &[&[&str]] = &[
        &["--all"],
        &["--branches"],
        &["--tags"],
        &["--remotes"],
        &["--glob=refs/heads/exp/*"],
        &["main", "side"],
        &["side", "main"],
        &["main...side"],
        &["main..side"],
        &["^main", "side", "topic"],
        &["v1", "v0-ann"],
        &["...side"],
        &["HEAD"],
        &["--exclude=exp/*", "--branches"],
        &["--exclude=refs/heads/exp/*", "--all"],
        &["--exclude=exp/*", "--all"],
        &["--exclude=*/one", "--branches", "--branches"],
        &["--exclude=v*", "--tags"],
        &["--exclude=origin/*", "--remotes"],
        &["--exclude=*e*", "--branches=*"],
        &["--exclude", "*e*", "--branches"],
        &["--exclude=*", "--all"],
        &["--exclude=*", "main"],
        &["--exclude=main", "--glob=refs/heads/*"],
        &["--not", "--exclude=main", "--branches", "--not", "main"],
    ];
    let walks: &[&[&str]] = &[
        &[],
        &["--topo-order"],
        &["--date-order"],
        &["--author-date-order"],
        &["--graph"],
        &["--first-parent"],
        &["--reverse"],
        &["--no-walk"],
        &["--cherry-mark"],
        &["--left-only"],
        &["--boundary"],
    ];
    for dir in repos() {
        for r in revs {
            for w in walks {
                for format in [
                    &["--source", "--oneline"][..],
                    &["--format=%h %S"],
                    &["--source", "-2"],
                    &["--source", "--decorate", "--oneline"],
                    // git keeps tracking sources for an earlier `%S` format.
                    &["--format=%S", "--oneline"],
                ] {
                    let mut args = vec!["log"];
                    args.extend(format);
                    args.extend(*w);
                    args.extend(*r);
                    assert_same(&dir, &args);
                }
            }
            let mut args = vec!["rev-list", "--no-walk=unsorted"];
            args.extend(*r);
            assert_same(&dir, &args);
        }
    }
}

#[test]
fn author_date_order_matches_git() {
    for dir in repos() {
        for args in [
            &[
                "log",
                "--author-date-order",
                "--format=%h %at %ct %s",
                "--all",
            ][..],
            &[
                "log",
                "--author-date-order",
                "--oneline",
                "--graph",
                "--all",
            ],
            &["rev-list", "--author-date-order", "--all"],
            &[
                "rev-list",
                "--author-date-order",
                "--graph",
                "main...rebased",
            ],
            &[
                "log",
                "--author-date-order",
                "--first-parent",
                "--oneline",
                "--all",
            ],
            &[
                "log",
                "--author-date-order",
                "--reverse",
                "--oneline",
                "--all",
            ],
            &[
                "log",
                "--topo-order",
                "--author-date-order",
                "--oneline",
                "--all",
            ],
            &[
                "log",
                "--author-date-order",
                "--topo-order",
                "--oneline",
                "--all",
            ],
            &[
                "log",
                "--author-date-order",
                "--until=1700000500",
                "--oneline",
                "--all",
            ],
            &["log", "--author-date-order", "-n5", "--oneline", "--all"],
        ] {
            assert_same(&dir, args);
        }
    }
}

#[test]
fn full_diff_matches_git() {
    for dir in repos() {
        for args in [
            &["log", "--full-diff", "-p", "--", "num.txt"][..],
            &["log", "--full-diff", "--stat", "--", "num.txt"],
            &["log", "--full-diff", "-p", "--", "words.txt"],
            &[
                "log",
                "--full-diff",
                "--oneline",
                "--name-only",
                "--",
                "topic.txt",
            ],
            &["log", "--full-diff", "-p", "main", "--", "run.sh"],
            &["log", "--full-diff", "-S", "five", "-p", "--", "num.txt"],
            &["log", "--full-diff", "--cc", "--", "num.txt"],
            &[
                "log",
                "--full-diff",
                "--raw",
                "main..side",
                "--",
                "with space.txt",
            ],
            &["log", "--full-diff", "--raw"],
        ] {
            assert_same(&dir, args);
        }
        assert_same_stderr(&dir, &["log", "--full-diff", "--follow", "--", "num.txt"]);
    }
}

/// oxgit's patch ids are git's stable ones: `git patch-id --stable` of each text commit's
/// patch (the binary and mode changes it reads differently from git's internal ids are
/// left out).
#[test]
fn patch_ids_are_gits_stable_ids() {
    use oxgit::repo::Repository;
    let dir = &repos()[0];
    let repo = Repository::discover(dir).unwrap();
    let list = String::from_utf8(git(dir, &["rev-list", "--all", "--no-merges"])).unwrap();
    let mut compared = 0;
    let mut state = oxgit::diff::line::State::new();
    for hex in list.lines() {
        let raw = String::from_utf8(git(dir, &["show", "--raw", "--format=", hex])).unwrap();
        if raw.contains("blob.bin") || raw.contains("run.sh") {
            continue;
        }
        let patch = git(dir, &["show", hex]);
        let out = run(
            {
                let mut c = git_cmd(dir);
                c.args(["patch-id", "--stable"]);
                c
            },
            &patch,
        );
        let line = String::from_utf8(out.stdout).unwrap();
        let id = oxgit::oid::ObjectId::from_hex(hex.as_bytes()).unwrap();
        let c = oxgit::revision::walk::WalkedCommit::read(&repo, id).unwrap();
        let ours = oxgit::revision::cherry::patch_id(&repo, &c, &mut state).unwrap();
        match line.split_whitespace().next() {
            Some(theirs) => {
                assert_eq!(ours.unwrap().to_hex(), theirs, "commit {hex}");
                compared += 1;
            }
            // An empty commit: git's internal id is null.
            None => assert!(ours.unwrap().is_null(), "commit {hex}"),
        }
    }
    assert!(compared >= 8, "only {compared} commits compared");
}

#[test]
fn refusals_are_clear() {
    let dir = &repos()[0];
    for args in [
        &["log", "--left-right", "main...side", "--", "num.txt"][..],
        &["log", "--cherry-pick", "main...side", "--", "num.txt"],
        &["log", "--source", "--all", "--", "num.txt"],
        &["rev-list", "--cherry-mark", "main...side", "--", "num.txt"],
        &["log", "--author-date-order", "--boundary", "main..side"],
        &["log", "--exclude-hidden=fetch", "--all"],
    ] {
        let out = run(
            {
                let mut c = oxgit_cmd(dir);
                c.args(args);
                c
            },
            b"",
        );
        assert_eq!(out.status.code(), Some(128), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("not supported by oxgit"), "{args:?}: {err}");
        assert!(out.stdout.is_empty(), "{args:?}");
    }
}

/// Patch ids read the `diff` attribute of the work tree as git does: a `-diff` file is
/// compared by blob ids, a text one by its patch.
#[test]
fn cherry_mark_follows_diff_attributes() {
    let dir = fixture("log-cherry").join("attrs");
    let marked = assert_same(&dir, &["log", "--oneline", "--cherry-mark", "main...side"]);
    assert!(
        !String::from_utf8_lossy(&marked).contains('='),
        "binary: no match"
    );
    let scratch = scratch_dir().join(format!("walkopts-attrs-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&scratch);
    copy_dir(&dir, &scratch);
    std::fs::write(scratch.join(".gitattributes"), "*.dat diff\n").unwrap();
    let marked = assert_same(
        &scratch,
        &["log", "--oneline", "--cherry-mark", "main...side"],
    );
    assert!(
        String::from_utf8_lossy(&marked).contains('='),
        "text: a match"
    );
    assert_same(
        &scratch,
        &["rev-list", "--cherry-pick", "--count", "main...side"],
    );
    let _ = std::fs::remove_dir_all(&scratch);
}
