//! Diffs of merges (`-m`, `--diff-merges`, `-c`, `--cc`, `--combined-all-paths`,
//! `log.diffMerges`) in `log`, `show` and `diff-tree`, and `log --follow`, against git
//! byte for byte and by exit status, on the `log-merges` fixture: conflicts resolved
//! with hunks from both sides, evil merges, octopus merges, merges adding and deleting
//! files, a binary file, a mode change, a rename on one side, paths with spaces, and a
//! rename chain (renames with edits, a copy, a rename back).

mod common;
use common::*;

/// Every merge of the fixture, by its subject.
const MERGES: [&str; 8] = [
    ":/merge side",
    ":/merge clean",
    ":/octopus by hand",
    ":/octopus clean",
    ":/octopus edits",
    ":/merge -s ours",
    ":/merge rename",
    ":/merge drop-a",
];

#[test]
fn show_merges_as_git_does() {
    let dir = fixture("log-merges");
    for m in MERGES {
        for opts in [
            &[][..],
            &["-c"],
            &["--cc"],
            &["-m"],
            &["--first-parent"],
            &["--diff-merges=off"],
            &["--cc", "--stat"],
            &["--cc", "--stat", "-p"],
            &["-c", "--raw", "-p"],
            &["--cc", "--name-status"],
            &["--cc", "--name-only"],
            &["-c", "--raw"],
            &["--cc", "--numstat", "--shortstat"],
            &["--cc", "--summary"],
            &["--cc", "--combined-all-paths"],
            &["-c", "--combined-all-paths", "--raw"],
            &["--cc", "-U0"],
            &["-c", "-U1"],
            &["--cc", "-U10"],
            &["--cc", "--oneline"],
            &["--cc", "--format=%s"],
            &["--cc", "--format="],
            &["-m", "--stat"],
            &["-m", "--oneline", "--name-status"],
            &["--cc", "--full-index"],
            &["--cc", "--no-renames"],
            &["--cc", "-s"],
            &["--cc", "--no-prefix"],
        ] {
            let mut args = vec!["show"];
            args.extend_from_slice(opts);
            args.push(m);
            assert_same(&dir, &args);
        }
    }
}

#[test]
fn log_merge_formats_match_git() {
    let dir = fixture("log-merges");
    for opts in [
        &["-m"][..],
        &["-m", "-p"],
        &["-m", "--raw", "--format=%h"],
        &["--diff-merges=on"],
        &["--diff-merges=separate", "--stat"],
        &["--diff-merges=m", "--oneline"],
        &["--diff-merges=first-parent"],
        &["--diff-merges=1", "--stat"],
        &["--diff-merges", "c"],
        &["--diff-merges=combined", "--name-status"],
        &["--diff-merges=dense-combined"],
        &["--diff-merges=cc", "--raw"],
        &["--diff-merges=off", "-p"],
        &["--diff-merges=none", "-p"],
        &["--no-diff-merges", "-p"],
        &["--cc", "--no-diff-merges"],
        &["--cc"],
        &["-c"],
        &["-c", "--oneline"],
        &["--cc", "--stat"],
        &["--dd"],
        &["--first-parent", "-p"],
        &["--first-parent", "-m", "-p"],
        &["--first-parent", "--cc"],
        &["-p"],
        &["--cc", "--merges"],
        &["-m", "-p", "-R"],
        &["--cc", "--", "num.txt"],
        &["--cc", "--", "with space.txt", "lines.txt"],
    ] {
        let mut args = vec!["log"];
        args.extend_from_slice(opts);
        assert_same(&dir, &args);
    }
}

#[test]
fn log_diff_merges_config() {
    let dir = fixture("log-merges");
    for value in [
        "separate",
        "first-parent",
        "combined",
        "dense-combined",
        "m",
        "cc",
    ] {
        let config = format!("log.diffMerges={value}");
        for opt in ["-m", "--diff-merges=on"] {
            assert_same(&dir, &["-c", &config, "log", opt, "-p", "-3", "--merges"]);
        }
    }
}

#[test]
fn bad_merge_options_fail_as_git_does() {
    let dir = fixture("log-merges");
    for args in [
        &["log", "--diff-merges=bogus"][..],
        &["log", "--combined-all-paths"],
        &["log", "-m", "--combined-all-paths"],
        &["show", "--combined-all-paths", ":/merge side"],
        &["diff-tree", "--combined-all-paths", "HEAD"],
    ] {
        assert_same_stderr(&dir, args);
    }
}

#[test]
fn diff_tree_combined_matches_git() {
    let dir = fixture("log-merges");
    for m in MERGES {
        for opts in [
            &["-c"][..],
            &["--cc"],
            &["-c", "-p"],
            &["--cc", "--stat"],
            &["-c", "--name-status"],
            &["-c", "--combined-all-paths"],
            &["--cc", "--no-commit-id"],
            &["-m"],
            &["-m", "-p"],
            &["-c", "-z"],
        ] {
            let mut args = vec!["diff-tree"];
            args.extend_from_slice(opts);
            args.push(m);
            assert_same(&dir, &args);
        }
    }
}

#[test]
fn follow_matches_git() {
    let dir = fixture("log-merges");
    for path in [
        "story.txt",
        "copy.txt",
        "the tale.txt",
        "num.txt",
        "code.c",
        "nothing",
    ] {
        for opts in [
            &["--oneline", "--name-status"][..],
            &["-p"],
            &["--stat"],
            &["--oneline"],
            &["--format=%h %s", "--raw"],
            &["-n2", "--oneline", "--name-status"],
            &["-M90%", "--oneline", "--name-status"],
            &["--no-renames", "--oneline", "--name-status"],
            &["--first-parent", "--oneline", "--name-status"],
        ] {
            let mut args = vec!["log", "--follow"];
            args.extend_from_slice(opts);
            args.extend(["--", path]);
            assert_same(&dir, &args);
        }
    }
    assert_same_stderr(&dir, &["log", "--follow", "--", "story.txt", "copy.txt"]);
}

#[test]
fn unsupported_merge_options_are_refused() {
    let dir = fixture("log-merges");
    // `-m` with paths turns on --full-history, as git's does (tests/log_simplify.rs).
    assert_same(&dir, &["log", "-m", "-p", "--", "code.c"]);
    for args in [
        &["log", "--remerge-diff"][..],
        &["log", "--diff-merges=remerge"],
        &["show", "--diff-merges=r", ":/merge side"],
        &["log", "--cc", "-R"],
        &["log", "-c", "-w"],
        &["show", "--ignore-blank-lines", ":/merge side"],
        &["log", "--follow", "--reverse", "--", "story.txt"],
        &["log", "--follow", "--cc", "--", "story.txt"],
        &[
            "log",
            "--follow",
            "--diff-merges=first-parent",
            "--",
            "story.txt",
        ],
        &["diff-tree", "--cc", "-v", ":/merge side"],
    ] {
        let out = run(
            {
                let mut c = oxgit_cmd(&dir);
                c.args(args);
                c
            },
            b"",
        );
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.starts_with("fatal: "), "{args:?}: {err}");
        assert!(
            err.contains("not") && err.contains("supported"),
            "{args:?}: {err}"
        );
        assert_eq!(out.status.code(), Some(128), "{args:?}");
        assert!(out.stdout.is_empty(), "{args:?}");
    }
}

/// Random merges of one file (two or three parents, each deleting, replacing and
/// inserting lines of a shared base; the result a mix of all sides with evil lines):
/// `show -c` and `--cc` at several context sizes are git's.
#[test]
fn random_merges_match_git() {
    let dir = scratch_dir().join("random-merges");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    git(&dir, &["init", "-q"]);
    let with_input = |args: &[&str], input: &str| -> String {
        let mut c = git_cmd(&dir);
        c.args(args);
        let out = run(c, input.as_bytes());
        assert!(out.status.success(), "git {args:?}");
        String::from_utf8(out.stdout).unwrap().trim().to_string()
    };
    let commit = |lines: &[String], parents: &[String]| -> String {
        let text: String = lines.iter().map(|l| format!("{l}\n")).collect();
        let blob = with_input(&["hash-object", "-w", "--stdin"], &text);
        let tree = with_input(&["mktree"], &format!("100644 blob {blob}\tf.txt\n"));
        let mut args = vec!["commit-tree".to_string(), tree];
        for p in parents {
            args.extend(["-p".to_string(), p.clone()]);
        }
        args.extend(["-m".to_string(), "c".to_string()]);
        let args: Vec<&str> = args.iter().map(|s| s.as_str()).collect();
        with_input(&args, "")
    };
    let mut rng = Rng(0x5eed_1234_abcd);
    for _ in 0..40 {
        let n = 5 + rng.below(30);
        let base: Vec<String> = (0..n)
            .map(|i| {
                if rng.below(10) < 3 {
                    format!("line {}", i % 7)
                } else {
                    format!("line {i}")
                }
            })
            .collect();
        let b = commit(&base, &[]);
        let parents = 2 + usize::from(rng.below(4) == 0);
        let mut sides = vec![base.clone()];
        let mut ids = Vec::new();
        for k in 0..parents {
            let mut s = Vec::new();
            for l in &base {
                match rng.below(100) {
                    0..=9 => {}
                    10..=19 => s.push(format!("p{k} {}", rng.below(6))),
                    r => {
                        s.push(l.clone());
                        if r > 92 {
                            s.push(format!("p{k} ins {}", rng.below(4)));
                        }
                    }
                }
            }
            ids.push(commit(&s, std::slice::from_ref(&b)));
            sides.push(s);
        }
        let longest = sides.iter().map(|s| s.len()).max().unwrap_or(0);
        let mut result = Vec::new();
        for i in 0..longest {
            let side = &sides[rng.below(sides.len())];
            if let Some(l) = side.get(i) {
                result.push(l.clone());
            }
            if rng.below(20) == 0 {
                result.push("evil".to_string());
            }
        }
        let merge = commit(&result, &ids);
        for opts in [&["--cc"][..], &["-c"], &["--cc", "-U1"], &["-c", "-U0"]] {
            let mut args = vec!["show"];
            args.extend_from_slice(opts);
            args.push(&merge);
            assert_same(&dir, &args);
        }
    }
}
