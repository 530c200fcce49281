//! The shape of history against git 2.47: `log --parents` and `--children` in every
//! format (rewritten parents with paths, `--graph`, `--decorate`), `--simplify-by-decoration`
//! in `log` and `rev-list` (with paths, `--graph`, `--parents`, orders, counts and
//! filters), and `show` with ranges, counts, ref listings, commit filters and paths, on
//! histories with branches, lightweight and annotated tags, remote-tracking branches,
//! `refs/stash`, notes and a ref outside git's decoration namespaces, with and without a
//! commit-graph.

mod common;
use common::*;

/// The repositories: the shape fixture and the simplification one, each with and
/// without a commit-graph.
fn repos() -> Vec<std::path::PathBuf> {
    let shape = fixture("log-shape");
    let simplify = fixture("log-simplify");
    vec![
        shape.join("plain"),
        shape.join("graph"),
        simplify.join("plain"),
        simplify.join("graph"),
    ]
}

/// Revisions that exist in both fixtures (`HEAD`, `--all`, ranges by position).
const REVS: &[&[&str]] = &[
    &[],
    &["--all"],
    &["HEAD~4..HEAD"],
    &["HEAD~6...HEAD~2^2"],
    &["--branches", "--not", "HEAD~5"],
];

const FORMATS: &[&[&str]] = &[
    &[],
    &["--oneline"],
    &["--format=raw"],
    &["--format=fuller"],
    &["--format=%h %p %P"],
    &["--decorate", "--oneline"],
    &["--decorate=full"],
    &["--graph"],
    &["--graph", "--oneline"],
    &["--stat", "--oneline"],
    &["-p", "--format=short"],
    &["--abbrev=12", "--oneline"],
];

const EXTRAS: &[&[&str]] = &[
    &[],
    &["--topo-order"],
    &["--date-order"],
    &["--reverse"],
    &["-n", "3"],
    &["--skip=2", "-n", "4"],
    &["--no-merges"],
];

/// `log --parents` and `--children` with every format, extra option, revisions and
/// paths (the paths rotate so each meets every format).
#[test]
fn log_parents_and_children_match_git() {
    let mut n = 0;
    for dir in repos() {
        let paths: &[&[&str]] = if dir.to_string_lossy().contains("log-shape") {
            &[&[], &["--", "a"], &["--", "d", "b"]]
        } else {
            &[&[], &["--", "foo"], &["--", "bar", "lone"]]
        };
        for mode in ["--parents", "--children"] {
            for (i, format) in FORMATS.iter().enumerate() {
                for (j, extra) in EXTRAS.iter().enumerate() {
                    let revs = REVS[(i + j) % REVS.len()];
                    let paths = paths[(i + 2 * j) % paths.len()];
                    let mut args = vec!["log", mode];
                    args.extend_from_slice(format);
                    args.extend_from_slice(extra);
                    args.extend_from_slice(revs);
                    args.extend_from_slice(paths);
                    assert_same(&dir, &args);
                    n += 1;
                }
            }
        }
    }
    assert!(n > 600, "{n} cases");
}

/// Parents and children with the walk options they meet: sides, boundary, `-m`,
/// `--no-walk`, `--source`, `--cherry-mark`.
#[test]
fn log_parents_with_walk_options_match_git() {
    let dir = fixture("log-shape").join("plain");
    for args in [
        &["log", "--parents", "--left-right", "--oneline", "v1...side"][..],
        &["log", "--children", "--left-right", "v1...side"],
        &["log", "--parents", "--boundary", "--oneline", "v1..HEAD"],
        &["log", "--parents", "--boundary", "--graph", "v2..HEAD"],
        &["log", "--children", "--boundary", "--oneline", "v2..HEAD"],
        &["log", "--parents", "-m", "--stat", "--oneline", "v2..HEAD"],
        &["log", "--parents", "--cc", "-n", "3"],
        &[
            "log",
            "--parents",
            "--no-walk",
            "--oneline",
            "v1",
            "v2",
            "side",
        ],
        &[
            "log",
            "--children",
            "--no-walk",
            "--oneline",
            "v1",
            "v2",
            "side",
        ],
        &[
            "log",
            "--children",
            "--no-walk=unsorted",
            "v1",
            "v2",
            "side",
        ],
        &["log", "--parents", "--source", "--oneline", "--all"],
        &[
            "log",
            "--parents",
            "--cherry-mark",
            "--oneline",
            "v1...side",
        ],
        &[
            "log",
            "--children",
            "--cherry-pick",
            "--oneline",
            "v1...side",
        ],
        &["log", "--parents", "--first-parent", "--oneline", "--", "a"],
        &["log", "--children", "--first-parent", "--", "b"],
        &["log", "--parents", "--format=email", "-n", "2"],
        &["log", "--parents", "--grep=o", "--oneline", "--all"],
        &["rev-list", "--children", "--no-walk", "v1", "v2", "side"],
        &["rev-list", "--parents", "--all", "--", "d"],
        // --children limits the walk: --left-only then keeps only the left side.
        &["log", "--left-only", "--children", "--branches"],
        &["rev-list", "--right-only", "--children", "--all"],
        &["rev-list", "--left-only", "--simplify-merges", "--all"],
    ] {
        assert_same(&dir, args);
    }
}

/// Boundary commits are listed with the parents simplification left them (a merge the
/// paths leave as one parent had them keeps only that one), not rewritten past `-n`.
#[test]
fn boundary_parents_match_git() {
    let random = fixture("log-random");
    for (dir, path) in [
        (random.as_path(), "src"),
        (random.as_path(), "lib"),
        (random.as_path(), "docs"),
    ] {
        for revs in [&["topic..main"][..], &["main...topic"], &["--all"]] {
            for mode in [
                &[][..],
                &["--parents"],
                &["--children"],
                &["--format=%h %p"],
                &["--full-history", "--parents"],
                &["--show-pulls", "--parents"],
                &["--simplify-merges", "--parents"],
                &["--graph", "--oneline"],
            ] {
                for count in [&[][..], &["-n", "3"]] {
                    let mut args = vec!["log", "--oneline", "--boundary"];
                    args.extend_from_slice(mode);
                    args.extend_from_slice(count);
                    args.extend_from_slice(revs);
                    args.extend_from_slice(&["--", path]);
                    assert_same(dir, &args);
                    args[0] = "rev-list";
                    args.remove(1);
                    assert_same(dir, &args);
                }
            }
        }
    }
}

/// `--simplify-by-decoration` in `log` and `rev-list`: the kept commits, their rewritten
/// parents, drawings, orders, counts, filters, diffs and paths.
#[test]
fn simplify_by_decoration_matches_git() {
    const MODES: &[&[&str]] = &[
        &["--oneline"],
        &["--parents", "--oneline"],
        &["--graph", "--oneline"],
        &["--graph", "--parents"],
        &["--children", "--oneline"],
        &["--format=%h %p%d"],
        &["--decorate", "--oneline"],
        &["--stat", "--oneline"],
        &["-p", "--oneline"],
        &["--cc", "--oneline"],
        &["-m", "--name-status", "--oneline"],
    ];
    const MORE: &[&[&str]] = &[
        &[],
        &["--date-order"],
        &["--topo-order"],
        &["--reverse"],
        &["-n", "4"],
        &["--merges"],
        &["--no-merges"],
        &["--grep=o"],
        &["--full-history"],
        &["--sparse"],
        &["--show-pulls"],
        &["--boundary"],
    ];
    let mut n = 0;
    for dir in repos() {
        let paths: &[&[&str]] = if dir.to_string_lossy().contains("log-shape") {
            &[&[], &["--", "a"], &["--", "d"]]
        } else {
            &[&[], &["--", "foo"], &["--", "other"]]
        };
        for (i, mode) in MODES.iter().enumerate() {
            for (j, more) in MORE.iter().enumerate() {
                let revs = REVS[(i + j) % REVS.len()];
                let paths = paths[(2 * i + j) % paths.len()];
                let mut args = vec!["log", "--simplify-by-decoration"];
                args.extend_from_slice(mode);
                args.extend_from_slice(more);
                args.extend_from_slice(revs);
                args.extend_from_slice(paths);
                assert_same(&dir, &args);
                n += 1;
            }
        }
        for more in MORE {
            for revs in REVS {
                for list in [&["--parents"][..], &["--children"], &["--count"], &[]] {
                    let mut args = vec!["rev-list", "--simplify-by-decoration"];
                    args.extend_from_slice(list);
                    args.extend_from_slice(more);
                    args.extend_from_slice(revs);
                    if revs.is_empty() {
                        args.push("HEAD");
                    }
                    assert_same(&dir, &args);
                    n += 1;
                }
            }
        }
        for args in [
            &["rev-list", "--simplify-by-decoration", "--graph", "--all"][..],
            &["rev-list", "--simplify-by-decoration", "--objects", "HEAD"],
            &[
                "rev-list",
                "--simplify-by-decoration",
                "--format=%h %s",
                "--all",
            ],
            &[
                "log",
                "--simplify-by-decoration",
                "--ancestry-path",
                "HEAD~5..HEAD",
            ],
            &[
                "log",
                "--simplify-by-decoration",
                "--simplify-merges",
                "--oneline",
            ],
            &["log", "--simplify-by-decoration", "--format=raw", "-n", "3"],
            // rev-list decorates with every ref (refs/notes, refs/custom), log with
            // git's default namespaces.
            &["rev-list", "--format=%h%d", "--all"],
            &["rev-list", "--format=%h %D", "--all"],
            &[
                "rev-list",
                "--format=%h%(decorate:prefix=[,suffix=],separator=;)",
                "--all",
            ],
            &["log", "--format=%h%d", "--all"],
            &[
                "rev-list",
                "--simplify-by-decoration",
                "--format=%h%d",
                "--all",
            ],
        ] {
            assert_same(&dir, args);
            n += 1;
        }
    }
    assert!(n > 900, "{n} cases");
}

/// `show`: a range, an excluded revision, `-n` and `--do-walk` walk as `log` does (with a
/// patch and combined diffs by default); otherwise each object is shown, with the
/// commit filters, `--skip`, ref listings and paths applied to its commits.
#[test]
fn show_matches_git() {
    let shape = fixture("log-shape").join("plain");
    for dir in [shape.clone(), fixture("log-shape").join("graph")] {
        for args in [
            &["show", "v1..v2"][..],
            &["show", "--oneline", "v1..v2"],
            &["show", "-s", "--oneline", "v1..HEAD"],
            &["show", "--stat", "v1..v2"],
            &["show", "--stat", "--graph", "v1..HEAD"],
            &["show", "--graph", "--oneline", "-s", "v1..HEAD"],
            &["show", "-n", "2"],
            &["show", "-n", "2", "--stat"],
            &["show", "-3", "--oneline", "HEAD"],
            &["show", "--oneline", "^v2", "HEAD"],
            &["show", "--oneline", "--not", "v2", "--not", "HEAD"],
            &["show", "-m", "--oneline", "--stat", "v2..HEAD"],
            &["show", "--first-parent", "--oneline", "--stat", "v2..HEAD"],
            &["show", "--do-walk", "-s", "--oneline", "v1"],
            &["show", "--no-walk", "v1"],
            &["show", "--cc", "v1..HEAD"],
            &["show", "-c", "--oneline", "v1..HEAD"],
            &["show", "--stat", "--reverse", "v1..v2"],
            &["show", "-p", "--skip=1", "v1..v2"],
            &["show", "--oneline", "v1..HEAD", "--", "a"],
            &["show", "--oneline", "--parents", "v1..HEAD", "--", "a"],
            &[
                "show",
                "--simplify-by-decoration",
                "--oneline",
                "-s",
                "v1..HEAD",
            ],
            &["show", "-s", "--format=%h%n", "v1..v2"],
            &["show", "--name-only", "--oneline", "-3"],
            &["show", "--all", "-s", "--oneline"],
            &["show", "--all", "--oneline", "--stat"],
            &["show", "--branches", "-s"],
            &["show", "--tags"],
            &["show", "--tags=v*"],
            &["show", "--remotes", "--oneline", "-s"],
            &["show", "--branches=o*", "--exclude=o2", "--oneline", "-s"],
            &["show", "--glob=refs/custom/*", "-s"],
            &["show", "--author=nobody", "HEAD"],
            &["show", "--author=Thor", "-s", "HEAD"],
            &[
                "show",
                "--grep=a",
                "-s",
                "--oneline",
                "HEAD",
                "HEAD~1",
                "HEAD~2",
            ],
            &[
                "show",
                "--skip=1",
                "-s",
                "--oneline",
                "HEAD",
                "HEAD~1",
                "HEAD~2",
            ],
            &[
                "show",
                "--since=2023-11-14T22:30",
                "-s",
                "--oneline",
                "HEAD",
                "HEAD~3",
            ],
            &[
                "show",
                "--until=2023-11-14T22:30",
                "-s",
                "--oneline",
                "HEAD",
                "HEAD~3",
            ],
            &[
                "show",
                "--merges",
                "--oneline",
                "-s",
                "HEAD~2",
                "HEAD~3",
                "v2",
            ],
            &[
                "show",
                "--no-merges",
                "--oneline",
                "-s",
                "HEAD~2",
                "HEAD~3",
                "v2",
            ],
            &["show", "--reverse", "-s", "--oneline", "HEAD", "HEAD~1"],
            &["show", "--parents", "-s", "HEAD~2"],
            &["show", "--parents", "--oneline", "-s", "HEAD"],
            &["show", "--children", "--oneline", "-s", "HEAD~1"],
            &["show", "-s", "v2", "--", "a"],
            &["show", "--stat", "HEAD~1", "v2", "--", "a"],
            &["show", "HEAD~2", "--", "r"],
            &["show", "--first-parent", "--stat", "HEAD~2", "--", "r"],
            &["show", "v2", "--", "a", "b"],
            &["show", "--format=%h %p", "-s", "HEAD~2", "--", "r"],
            &["show", "v2", "HEAD:a", "-s", "--oneline"],
            &["show", "--boundary", "--oneline", "v1..v2"],
            // `-n` before `--no-walk`: git's count goes down once per commit given and
            // twice per commit shown.
            &[
                "show",
                "-s",
                "--oneline",
                "-n",
                "1",
                "--no-walk",
                "HEAD",
                "HEAD~1",
            ],
            &["show", "-s", "-n", "2", "--no-walk", "v1", "v2", "HEAD"],
            &[
                "show",
                "-s",
                "--oneline",
                "-n",
                "3",
                "--no-walk",
                "HEAD",
                "HEAD~1",
                "HEAD~2",
                "HEAD~3",
            ],
            &[
                "show",
                "-s",
                "--oneline",
                "--skip=1",
                "-n",
                "3",
                "--no-walk",
                "HEAD",
                "HEAD~1",
                "HEAD~2",
            ],
            &[
                "show",
                "-s",
                "--oneline",
                "-n",
                "5",
                "--no-walk",
                "HEAD",
                "HEAD",
                "HEAD~1",
                "HEAD~2",
            ],
            &["show", "-n", "0", "--no-walk", "HEAD"],
            &[
                "show",
                "-s",
                "--oneline",
                "-n",
                "3",
                "--no-walk",
                "--author=nobody",
                "HEAD",
                "HEAD~1",
            ],
            &[
                "show",
                "-s",
                "--oneline",
                "--skip=2",
                "HEAD",
                "HEAD",
                "HEAD~1",
                "HEAD~2",
            ],
        ] {
            assert_same(&dir, args);
        }
    }
    let dir = fixture("log-simplify").join("plain");
    for args in [
        &["show", "-s", "--oneline", "tM..tR"][..],
        &["show", "tO~1...HEAD", "--oneline", "-s"],
        &["show", "--oneline", "-s", "HEAD", "tA..tM"],
        &["show", "--cc", "--oneline", "tM^..tM"],
        &["show", "tM", "--", "foo"],
        &["show", "tO", "--", "foo"],
        &["show", "tR", "--", "foo"],
        &["show", "--stat", "tR", "tV", "tQ", "--", "foo", "bar"],
    ] {
        assert_same(&dir, args);
    }
    // Merges with paths: hidden when a parent has the paths as they do (every parent,
    // with -m or --diff-merges=first-parent), whatever diffs them.
    for rev in ["tM", "tR", "tO", "tQ", "HEAD~1", "HEAD~2"] {
        for merges in [
            &[][..],
            &["-m"],
            &["-c"],
            &["--diff-merges=first-parent"],
            &["--first-parent"],
            &["--first-parent", "-m"],
            &["--no-diff-merges"],
        ] {
            for path in ["foo", "bar", "other"] {
                let mut args = vec!["show", "--stat"];
                args.extend_from_slice(merges);
                args.extend_from_slice(&[rev, "--", path]);
                assert_same(&dir, &args);
            }
        }
    }
    for args in [
        &["show", "--first-parent", "-m", "--stat", "tM"][..],
        &["show", "--first-parent", "-m", "-p", "tR"],
    ] {
        assert_same(&dir, args);
    }
    assert_same_stderr(&shape, &["show", "nope..HEAD"]);
    assert_same_stderr(&shape, &["show", "--graph", "HEAD"]);
}

/// Which refs decorate: `--decorate-refs`, `--decorate-refs-exclude`,
/// `--clear-decorations`, `log.excludeDecoration` and `log.initialDecorationSet`, in
/// `--decorate`, `%d` and `--simplify-by-decoration`.
#[test]
fn decoration_filters_match_git() {
    let dir = fixture("log-shape").join("plain");
    const FILTERS: &[&[&str]] = &[
        &["--decorate-refs=tags"],
        &["--decorate-refs", "refs/heads"],
        &["--decorate-refs=refs/heads/"],
        &["--decorate-refs=heads/o*"],
        &["--decorate-refs=HEAD"],
        &["--decorate-refs=custom"],
        &["--decorate-refs-exclude=refs/heads"],
        &[
            "--decorate-refs-exclude=heads/o*",
            "--decorate-refs-exclude=tags",
        ],
        &["--decorate-refs=tags", "--decorate-refs-exclude=tags/v1*"],
        &["--clear-decorations"],
        &["--decorate-refs=tags", "--clear-decorations"],
        &["--clear-decorations", "--decorate-refs=remotes"],
        &["-c", "log.excludeDecoration=refs/stash"],
        &[
            "-c",
            "log.excludeDecoration=heads",
            "-c",
            "log.excludeDecoration=tags",
        ],
        &[
            "-c",
            "log.excludeDecoration=refs/stash",
            "--decorate-refs=refs/stash",
        ],
        &["-c", "log.initialDecorationSet=all"],
        &["-c", "log.initialDecorationSet=all", "--decorate-refs=tags"],
    ];
    const USES: &[&[&str]] = &[
        &["--oneline", "--decorate", "--all"],
        &["--decorate=full", "--oneline", "--all"],
        &["--format=%h%d", "--all"],
        &["--format=%h %D", "--all"],
        &["--simplify-by-decoration", "--oneline", "--all"],
        &[
            "--simplify-by-decoration",
            "--graph",
            "--decorate",
            "--oneline",
        ],
    ];
    for filter in FILTERS {
        for uses in USES {
            // `-c` options go before the command.
            let (config, opts): (Vec<&str>, Vec<&str>) = {
                let mut config = Vec::new();
                let mut opts = Vec::new();
                let mut i = 0;
                while i < filter.len() {
                    if filter[i] == "-c" {
                        config.extend_from_slice(&filter[i..i + 2]);
                        i += 2;
                    } else {
                        opts.push(filter[i]);
                        i += 1;
                    }
                }
                (config, opts)
            };
            let mut args = config;
            args.push("log");
            args.extend_from_slice(&opts);
            args.extend_from_slice(uses);
            assert_same(&dir, &args);
        }
    }
    for args in [
        &[
            "show",
            "-s",
            "--oneline",
            "--decorate",
            "--decorate-refs=tags",
            "v1",
        ][..],
        &[
            "show",
            "-s",
            "--oneline",
            "--decorate-refs=tags",
            "--simplify-by-decoration",
            "v1..HEAD",
        ],
        &["rev-list", "--decorate-refs=tags", "HEAD"],
        &["log", "--decorate-refs"],
        // Refs outside git's namespaces in git's colour for them (a reset).
        &[
            "log",
            "--oneline",
            "--decorate",
            "--clear-decorations",
            "--all",
            "--color=always",
        ],
        &[
            "log",
            "--format=%C(auto)%h%d",
            "--clear-decorations",
            "--all",
            "--color=always",
        ],
    ] {
        assert_same(&dir, args);
    }
}

/// `A^@` (A's parents), `A^!` (A without its parents) and `A^-<n>` (A without its n-th
/// parent) in log, rev-list and show.
#[test]
fn parent_shorthands_match_git() {
    let dir = fixture("log-shape").join("plain");
    // HEAD~3 is the join of a second root, HEAD~4 the octopus.
    for revs in [
        &["HEAD^!"][..],
        &["HEAD~3^!"],
        &["HEAD~3^@"],
        &["HEAD~4^@"],
        &["HEAD~4^-"],
        &["HEAD~4^-2"],
        &["HEAD~4^-3"],
        &["HEAD~4^-4"],
        &["HEAD~4^-0"],
        &["--not", "HEAD~3^@"],
        &["^HEAD~4^@", "HEAD"],
        &["v1^!"],
        &["other-tip~1^@"],
        &["other-tip~1^!"],
        &["nope^!"],
    ] {
        for cmd in [
            &["log", "--oneline"][..],
            &["rev-list", "--parents"],
            &["show", "-s", "--oneline"],
        ] {
            let mut args = cmd.to_vec();
            args.extend_from_slice(revs);
            assert_same(&dir, &args);
        }
    }
}

/// git's errors: `--children` with parent rewriting (`--graph`,
/// `--simplify-by-decoration`).
#[test]
fn shape_errors_match_git() {
    let dir = fixture("log-shape").join("plain");
    for args in [
        &["log", "--children", "--graph"][..],
        &["log", "--children", "--parents"],
        &["log", "--simplify-by-decoration", "--children"],
        &["rev-list", "--simplify-by-decoration", "--children", "HEAD"],
        &["log", "--graph", "--reverse", "--parents"],
    ] {
        assert_same_stderr(&dir, args);
    }
}

/// What oxgit does not do as git does is refused, never guessed.
#[test]
fn unsupported_shapes_are_refused() {
    let dir = fixture("log-shape").join("plain");
    for args in [
        &["log", "--simplify-by-decoration", "--first-parent"][..],
        &[
            "rev-list",
            "--simplify-by-decoration",
            "--first-parent",
            "HEAD",
        ],
        &["log", "--simplify-by-decoration", "--follow", "--", "a"],
        &["log", "--simplify-by-decoration", "--full-diff", "-p"],
        &[
            "log",
            "--simplify-by-decoration",
            "--left-right",
            "v1...side",
        ],
        &["log", "--simplify-by-decoration", "--no-walk", "v1", "v2"],
        &["log", "--parents", "-L1,2:a"],
        &["log", "--no-walk", "v1", "v2", "--", "a"],
        &["rev-list", "--no-walk", "v1", "v2", "--", "b"],
        &["log", "--first-parent", "--parents", "--all", "--", "a"],
        &["rev-list", "--first-parent", "--graph", "--all", "--", "a"],
        &["show", "--left-right", "HEAD"],
        &["show", "--full-history", "HEAD"],
        &["show", "--parents", "HEAD", "--", "a"],
    ] {
        let out = run(
            {
                let mut c = oxgit_cmd(&dir);
                c.args(args);
                c
            },
            b"",
        );
        assert_eq!(out.status.code(), Some(128), "{args:?}");
        assert!(out.stdout.is_empty(), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("not supported by oxgit"), "{args:?}: {err}");
    }
}
