//! git's history simplification against git (`git help rev-list`, "History
//! Simplification"): `--full-history`, `--dense`/`--sparse`, `--simplify-merges`,
//! `--ancestry-path[=<commit>]`, `--show-pulls`, parent rewriting (`--parents`,
//! `--graph`, `%p`/`%P`), `--children`, topological orders and `--boundary` with paths,
//! `log -m` with paths, on a history of TREESAME, evil, "-s ours", pull and revert
//! merges, with and without a commit-graph.

mod common;
use common::*;

const SIMPLIFY: &[&[&str]] = &[
    &[],
    &["--full-history"],
    &["--simplify-merges"],
    &["--ancestry-path"],
    &["--sparse"],
    &["--show-pulls"],
    &["--dense"],
    &["--full-history", "--sparse"],
    &["--full-history", "--simplify-merges"],
    &["--show-pulls", "--full-history"],
    &["--show-pulls", "--simplify-merges"],
];

const MODES: &[&[&str]] = &[
    &[],
    &["--parents"],
    &["--graph"],
    &["--topo-order"],
    &["--date-order"],
];

const PATHS: &[&[&str]] = &[&["foo"], &["bar"], &["foo", "bar"], &["lone"], &["nothing"]];

const REVS: &[&[&str]] = &[
    &["HEAD"],
    &["tI..HEAD"],
    &["tM..tR"],
    &["tO~1...HEAD"],
    &["--all"],
    &["tA..tV"],
];

/// Every simplification option with every mode and path set, in both repositories; the
/// revisions rotate so that each is met with every option.
#[test]
fn simplification_matrix_matches_git() {
    let root = fixture("log-simplify");
    let mut n = 0;
    for repo in ["plain", "graph"] {
        let dir = root.join(repo);
        for (i, simplify) in SIMPLIFY.iter().enumerate() {
            for (j, mode) in MODES.iter().enumerate() {
                for (k, paths) in PATHS.iter().enumerate() {
                    let revs = REVS[(i + j + k) % REVS.len()];
                    for cmd in [&["rev-list"][..], &["log", "--format=%h %s (%p)"]] {
                        let mut args = cmd.to_vec();
                        args.extend_from_slice(simplify);
                        args.extend_from_slice(mode);
                        args.extend_from_slice(revs);
                        args.push("--");
                        args.extend_from_slice(paths);
                        assert_same(&dir, &args);
                        n += 1;
                    }
                }
            }
        }
    }
    assert!(n > 900, "{n} cases");
}

/// Graphs of the simplified history with messages, patches and stats.
#[test]
fn simplified_graphs_match_git() {
    let dir = fixture("log-simplify").join("plain");
    for simplify in SIMPLIFY {
        for fmt in [
            &["log", "--graph", "--oneline"][..],
            &["log", "--graph", "--stat", "--format=%s%n%b"],
            &["log", "--graph", "-p", "--format=%H %P"],
            &["rev-list", "--graph", "--format=%s", "--date-order"],
            &["log", "--graph", "--boundary", "--oneline", "tP..HEAD"],
        ] {
            for paths in [&["foo"][..], &["foo", "bar"], &["lone"]] {
                let mut args = fmt.to_vec();
                args.extend_from_slice(simplify);
                args.push("--");
                args.extend_from_slice(paths);
                assert_same(&dir, &args);
            }
        }
    }
}

/// `--children`, `--ancestry-path=<commit>`, `-m`, `--boundary`, counts and filters with
/// simplified history.
#[test]
fn simplification_with_other_options_matches_git() {
    let root = fixture("log-simplify");
    for repo in ["plain", "graph"] {
        let dir = root.join(repo);
        for cmd in [
            &["rev-list", "--children", "HEAD"][..],
            &["rev-list", "--children", "tM..HEAD"],
            &["rev-list", "--children", "--full-history", "HEAD"],
            &["rev-list", "--children", "--ancestry-path", "tA..HEAD"],
            &["rev-list", "--ancestry-path=tR", "tI..HEAD"],
            &["rev-list", "--ancestry-path=tR", "--parents", "HEAD"],
            &[
                "rev-list",
                "--ancestry-path=tR",
                "--ancestry-path=tP",
                "tA..tV",
            ],
            &["rev-list", "--ancestry-path", "--ancestry-path=tR", "HEAD"],
            &["log", "-m", "--stat", "--format=%s"],
            &["log", "-m", "--first-parent", "--format=%s"],
            &["log", "--diff-merges=first-parent", "--format=%s", "--stat"],
            &["log", "--cc", "--format=%s"],
            &["rev-list", "--boundary", "tM..HEAD"],
            &["rev-list", "--boundary", "--parents", "tM..HEAD"],
            &[
                "rev-list",
                "--boundary",
                "--full-history",
                "--topo-order",
                "tR..HEAD",
            ],
            &["rev-list", "--count", "--full-history", "--parents", "HEAD"],
            &[
                "rev-list",
                "--no-merges",
                "--parents",
                "--full-history",
                "HEAD",
            ],
            &[
                "log",
                "--no-merges",
                "--graph",
                "--oneline",
                "--simplify-merges",
            ],
            &["rev-list", "--max-parents=1", "--simplify-merges", "HEAD"],
            &[
                "rev-list",
                "--merges",
                "--parents",
                "--full-history",
                "HEAD",
            ],
            &[
                "log",
                "--graph",
                "--min-parents=2",
                "--oneline",
                "--simplify-merges",
            ],
            &["log", "--graph", "--merges", "--oneline", "--show-pulls"],
            &[
                "log",
                "--graph",
                "--oneline",
                "--grep=merge",
                "--full-history",
            ],
            &[
                "rev-list",
                "-n",
                "3",
                "--skip=1",
                "--parents",
                "--full-history",
                "HEAD",
            ],
            &[
                "rev-list",
                "--reverse",
                "--parents",
                "--simplify-merges",
                "HEAD",
            ],
            &[
                "rev-list",
                "--since=@1700000700",
                "--parents",
                "--full-history",
                "HEAD",
            ],
            &["log", "--format=%s", "--until=@1700001500", "--topo-order"],
            &[
                "rev-list",
                "--first-parent",
                "--parents",
                "--full-history",
                "HEAD",
            ],
            &[
                "rev-list",
                "--first-parent",
                "--topo-order",
                "--show-pulls",
                "HEAD",
            ],
            &["log", "--graph", "--first-parent", "--oneline"],
        ] {
            for paths in [&["foo"][..], &["bar"], &["foo", "bar"], &["lone"], &[]] {
                let mut args = cmd.to_vec();
                if !paths.is_empty() {
                    args.push("--");
                    args.extend_from_slice(paths);
                }
                assert_same(&dir, &args);
            }
        }
    }
}

/// git's errors: `--ancestry-path` without a bottom, an unknown `--ancestry-path=`
/// commit, `--children` with parent rewriting.
#[test]
fn simplification_errors_match_git() {
    let dir = fixture("log-simplify").join("plain");
    for args in [
        &["rev-list", "--ancestry-path", "HEAD", "--", "foo"][..],
        &["log", "--ancestry-path"],
        &["rev-list", "--ancestry-path=nope", "HEAD"],
        &["rev-list", "--children", "--parents", "HEAD"],
        &["rev-list", "--children", "--graph", "HEAD"],
        &[
            "rev-list",
            "--children",
            "--simplify-merges",
            "HEAD",
            "--",
            "foo",
        ],
    ] {
        assert_same_stderr(&dir, args);
    }
}

/// What oxgit does not do as git does is refused, never guessed.
#[test]
fn unsupported_combinations_are_refused() {
    let dir = fixture("log-simplify").join("plain");
    for args in [
        &[
            "log",
            "--graph",
            "--first-parent",
            "--full-history",
            "--",
            "foo",
        ][..],
        &[
            "rev-list",
            "--simplify-by-decoration",
            "--first-parent",
            "HEAD",
        ],
        &["log", "--no-walk", "HEAD", "--", "foo"],
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
