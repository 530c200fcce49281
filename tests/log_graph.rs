//! `log --graph` and `rev-list --graph` against git: the drawing of fixtures/log-graph.sh
//! (merges, a criss-cross, octopus merges of three and four parents, several roots,
//! crossing branches), the merge fixtures, every log format, diffs under the graph, walk
//! options and filters, colour, and random DAGs.

mod common;
use common::*;
use std::path::Path;

/// Formats and diff options each shape is drawn with.
const FORMATS: &[&[&str]] = &[
    &["--oneline"],
    &[],
    &["--format=%s"],
    &["--format=format:%h %s"],
    &["--format=%h%n%b"],
    &["--format=%<|(30)%s|%h"],
    &["--format=%>|(40)%s|%><|(60)%an|"],
    &["--format="],
    &["--pretty=short"],
    &["--pretty=full"],
    &["--pretty=raw"],
    &["--pretty=fuller"],
    &["--oneline", "--decorate"],
    &["--decorate=full"],
    &["--oneline", "--stat"],
    &["--stat"],
    &["--name-status"],
    &["--format=%s", "--name-only"],
    &["--format=", "--stat"],
    &["-p"],
    &["--oneline", "-p"],
    &["--raw"],
    &["--shortstat", "--oneline"],
    &["--stat", "-p"],
];

fn log(dir: &Path, extra: &[&str], revs: &[&str]) {
    let mut args = vec!["log", "--graph"];
    args.extend_from_slice(extra);
    args.extend_from_slice(revs);
    assert_same(dir, &args);
}

#[test]
fn formats_match_git() {
    let dir = fixture("log-graph");
    for fmt in FORMATS {
        log(&dir, fmt, &["--all"]);
    }
}

#[test]
fn shapes_and_walk_options_match_git() {
    let dir = fixture("log-graph");
    for revs in [
        &["main"][..],
        &["--all"],
        &["lonely", "main"],
        &["main", "other", "runner"],
        &["v1..main"],
        &["topic..main"],
        &["main", "^runner", "^l2"],
        &["main~2...l3"],
        &["runner"],
        &["other", "lonely"],
    ] {
        for opts in [
            &["--oneline"][..],
            &["--format=%s"],
            &["--oneline", "--first-parent"],
            &["--oneline", "-n", "7"],
            &["--oneline", "--skip=3"],
            &["--oneline", "--skip=2", "-n", "9"],
            &["--oneline", "--no-merges"],
            &["--oneline", "--merges"],
            &["--oneline", "--author=Tess"],
            &["--oneline", "--grep=root"],
            &["--oneline", "--grep=^merge", "--invert-grep"],
            &["--oneline", "--date-order"],
            &["--date-order", "--oneline", "--topo-order"],
            &["--oneline", "--min-parents=3"],
            &["--oneline", "--max-parents=1", "-n", "5"],
            &["--format=%h %p %s", "--until=@1700001500"],
        ] {
            log(&dir, opts, revs);
        }
    }
}

#[test]
fn merge_diffs_match_git() {
    let dir = fixture("log-graph");
    for opts in [
        &["-m", "--stat"][..],
        &["-m", "--oneline", "--name-status"],
        &["--cc"],
        &["--cc", "--oneline"],
        &["-c", "--stat"],
        &["--first-parent", "-p"],
        &["--stat=100"],
        &["--stat", "--stat-graph-width=10", "--oneline"],
        &["--stat-width=60", "-m"],
        &["--stat", "--color=always", "--oneline"],
        &["--stat", "--date-order"],
        &["--stat", "--date-order", "--color=always", "--format=%s"],
        &["-p", "--stat", "--date-order", "--oneline"],
        &["--diff-merges=first-parent", "--stat"],
    ] {
        log(&dir, opts, &["main"]);
    }
    let dir = fixture("log-merges");
    for fmt in [
        &["--oneline"][..],
        &[],
        &["--cc"],
        &["-m", "-p"],
        &["--stat", "--format=%s"],
        &["-p", "--format=%an%n%B"],
        &["--check"],
    ] {
        log(&dir, fmt, &["--all"]);
    }
}

#[test]
fn other_fixtures_match_git() {
    let root = fixture("mergebase-repos");
    for repo in ["plain", "graph", "chain"] {
        let dir = root.join(repo);
        for revs in [
            &["--all"][..],
            &["OCT", "K2", "E"],
            &["M2..OCT"],
            &["M1...M2"],
        ] {
            log(&dir, &["--oneline"], revs);
            log(&dir, &["--format=%s%d"], revs);
            log(&dir, &["--oneline", "--first-parent"], revs);
        }
    }
    let dir = fixture("pretty");
    for fmt in FORMATS.iter().take(12) {
        log(&dir, fmt, &["--all"]);
    }
}

#[test]
fn boundary_matches_git() {
    let dir = fixture("log-graph");
    for revs in [
        &["topic..main"][..],
        &["v1..main"],
        &["main~3..main"],
        &["main~6..main~2", "runner"],
        &["v1..topic"],
        &["-n", "5", "main"],
        &["-n", "12", "--all"],
        &["--skip=2", "topic..main"],
    ] {
        for opts in [
            &["--oneline"][..],
            &[],
            &["--format=%m%h %s"],
            &["--no-merges", "--oneline"],
            &["--date-order", "--oneline"],
        ] {
            for graph in [false, true] {
                let mut args = vec!["log", "--boundary"];
                if graph {
                    args.push("--graph");
                }
                args.extend_from_slice(opts);
                args.extend_from_slice(revs);
                assert_same(&dir, &args);
                args[0] = "rev-list";
                assert_same(&dir, &args);
            }
        }
    }
    log(&dir, &["--boundary", "-p"], &["main~2..main"]);
    log(
        &dir,
        &["--boundary", "--stat", "--oneline"],
        &["main~4..main"],
    );
    assert_same(&dir, &["rev-list", "--boundary", "--count", "topic..main"]);
    let mut c = oxgit_cmd(&dir);
    c.args(["show", "--boundary", "HEAD"]);
    let out = run(c, b"");
    assert_eq!(out.status.code(), Some(128));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--boundary is not supported"));
    assert_same(
        &dir,
        &["log", "--boundary", "--reverse", "--oneline", "topic..main"],
    );
    for cmd in ["log", "rev-list", "show"] {
        let mut c = oxgit_cmd(&dir);
        c.args([cmd, "--boundary", "--first-parent", "topic..main"]);
        let out = run(c, b"");
        assert_eq!(out.status.code(), Some(128), "{cmd}");
        assert!(out.stdout.is_empty());
    }
}

#[test]
fn rev_list_graph_matches_git() {
    let dir = fixture("log-graph");
    for opts in [
        &[][..],
        &["--oneline"],
        &["--format=%s"],
        &["--pretty=medium"],
        &["--format=%h%n%b"],
        &["--format=%<|(30)%s|%h"],
        &["--parents"],
        &["--abbrev-commit"],
        &["--first-parent"],
        &["--no-merges", "--oneline"],
        &["-n", "4"],
        &["--date-order", "--format=%s"],
    ] {
        for revs in [&["--all"][..], &["topic..main"]] {
            let mut args = vec!["rev-list", "--graph"];
            args.extend_from_slice(opts);
            args.extend_from_slice(revs);
            assert_same(&dir, &args);
        }
    }
}

#[test]
fn colour_matches_git() {
    let dir = fixture("log-graph");
    for fmt in [
        &["--oneline"][..],
        &[],
        &["--format=%s"],
        &["-p", "--format=%s"],
        &["--stat", "--oneline"],
    ] {
        let mut extra = vec!["--color=always"];
        extra.extend_from_slice(fmt);
        log(&dir, &extra, &["--all"]);
    }
    // log.graphColors, with an invalid colour skipped (git's error and warning for it,
    // coloured or not).
    for color in ["--color=always", "--no-color"] {
        let args = [
            "-c",
            "log.graphColors=blue, bold green,nonsense,#ff00ff",
            "log",
            "--graph",
            "--oneline",
            color,
            "--all",
        ];
        assert_same(&dir, &args);
        assert_same_stderr(&dir, &args);
    }
    let rl = ["-c", "log.graphColors=red,x", "rev-list", "--graph", "main"];
    assert_same_stderr(&dir, &rl);
    // Empty entries, and none after a last comma.
    for value in [
        "log.graphColors=red,",
        "log.graphColors=,red",
        "log.graphColors=red,,blue",
    ] {
        let args = [
            "-c",
            value,
            "log",
            "--graph",
            "--oneline",
            "--color=always",
            "main",
        ];
        assert_same(&dir, &args);
    }
    // Without any valid colour git dies of a division by zero: refused.
    for value in ["log.graphColors=bogus", "log.graphColors="] {
        let mut c = oxgit_cmd(&dir);
        c.args(["-c", value, "log", "--graph", "main"]);
        let out = run(c, b"");
        assert_eq!(out.status.code(), Some(128));
        assert!(out.stdout.is_empty());
    }
}

#[test]
fn refusals_and_errors() {
    let dir = fixture("log-graph");
    // git's own refusal of --reverse with --graph: same message and exit.
    assert_same_stderr(&dir, &["log", "--graph", "--reverse", "main"]);
    assert_same_stderr(&dir, &["rev-list", "--graph", "--reverse", "main"]);
    // `show` does not walk: git refuses --graph there.
    assert_same_stderr(&dir, &["show", "--graph", "HEAD"]);
    assert_same_stderr(&dir, &["show", "--graph", "--reverse", "HEAD"]);
    // With paths git draws the simplified history, parents rewritten
    // (tests/log_simplify.rs has the matrix).
    for cmd in ["log", "rev-list"] {
        assert_same(&dir, &[cmd, "--graph", "main", "--", "base.txt"]);
    }
}

/// Builds a random DAG of `n` commits (each with up to 4 distinct earlier parents, a
/// few roots) and returns branch names at random commits.
fn random_dag(dir: &Path, rng: &mut Rng, n: usize) -> Vec<String> {
    let tree = String::from_utf8(git(dir, &["hash-object", "-t", "tree", "-w", "/dev/null"]))
        .unwrap()
        .trim()
        .to_string();
    let mut ids: Vec<String> = Vec::new();
    let mut time = 1_700_000_000i64;
    for i in 0..n {
        let mut args = vec!["commit-tree".to_string(), tree.clone()];
        if !ids.is_empty() && rng.below(10) != 0 {
            let k = [1, 1, 1, 1, 2, 2, 2, 3, 4][rng.below(9)].min(ids.len());
            let mut ps: Vec<usize> = Vec::new();
            while ps.len() < k {
                let back = if rng.below(3) == 0 {
                    rng.below(ids.len())
                } else {
                    rng.below(ids.len().min(5))
                };
                let p = ids.len() - 1 - back;
                if !ps.contains(&p) {
                    ps.push(p);
                }
            }
            for p in ps {
                args.push("-p".into());
                args.push(ids[p].clone());
            }
        }
        args.push("-m".into());
        args.push(format!("c{i}"));
        time += [60, 60, 0, -300][rng.below(4)];
        let date = format!("@{time} +0000");
        let mut cmd = git_cmd(dir);
        cmd.args(&args)
            .env("GIT_COMMITTER_DATE", &date)
            .env("GIT_AUTHOR_DATE", &date);
        let out = run(cmd, b"");
        assert!(out.status.success(), "{args:?}");
        ids.push(String::from_utf8(out.stdout).unwrap().trim().to_string());
    }
    let mut names = Vec::new();
    for b in 0..5 {
        let name = format!("b{b}");
        let at = if b == 0 { n - 1 } else { rng.below(n) };
        git(dir, &["branch", "-f", &name, &ids[at]]);
        names.push(name);
    }
    names
}

#[test]
fn random_dags_match_git() {
    let mut rng = Rng(0x6a2f_77c1_0d3e_9b41);
    for round in 0..40 {
        let dir = scratch_dir().join(format!("log-graph-dag-{}-{round}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        git(&dir, &["init", "-q", "-b", "main"]);
        let n = 5 + rng.below(36);
        let names = random_dag(&dir, &mut rng, n);
        let range = format!("{}..{}", names[3], names[0]);
        let revsets: [Vec<&str>; 3] = [
            vec!["--all"],
            vec![&names[1], &names[0], &names[2]],
            vec![&range, &names[4]],
        ];
        for revs in &revsets {
            log(&dir, &["--oneline"], revs);
            log(&dir, &["--format=%s"], revs);
        }
        log(&dir, &["--format=%s", "--date-order"], &["--all"]);
        log(&dir, &["--format=%s", "--first-parent"], &["--all"]);
        log(&dir, &["--format=%s", "--no-merges"], &["--all"]);
        log(&dir, &["--format=%s", "--until=@1700000700"], &["--all"]);
        log(&dir, &["--format=%s", "--boundary"], &revsets[2]);
        log(&dir, &["--oneline", "--boundary", "-n", "6"], &revsets[1]);
        assert_same(&dir, &["log", "--boundary", "--oneline", &range]);
        if round % 4 == 0 {
            git(&dir, &["commit-graph", "write", "--reachable"]);
            log(&dir, &["--format=%s"], &["--all"]);
        }
        let _ = std::fs::remove_dir_all(&dir);
    }
}

/// One commit of a random history: earlier commits as parents (none: a root), and how
/// far its date moves on.
#[derive(Clone, Debug)]
struct Node {
    parents: Vec<usize>,
    step: i64,
}

fn history() -> impl proptest::strategy::Strategy<Value = Vec<Node>> {
    use proptest::prelude::*;
    prop::collection::vec(
        (
            prop::collection::vec(any::<prop::sample::Index>(), 0..5),
            any::<prop::sample::Index>(),
            -5i64..10,
        ),
        5..40,
    )
    .prop_map(|raw| {
        raw.into_iter()
            .enumerate()
            .map(|(i, (ps, near, step))| {
                let mut parents: Vec<usize> = Vec::new();
                if i > 0 {
                    // Mostly the commit just before or a recent one, then random others.
                    parents.push(i - 1 - near.index(i.min(3)));
                    for ix in ps.iter().skip(1) {
                        let p = ix.index(i);
                        if !parents.contains(&p) {
                            parents.push(p);
                        }
                    }
                    if ps.is_empty() && i % 7 == 3 {
                        parents.clear();
                    }
                }
                Node { parents, step }
            })
            .collect()
    })
}

/// Builds `nodes` in a new repository under `dir`, with tags `n<i>`.
fn build_history(dir: &Path, nodes: &[Node]) {
    git(dir, &["init", "-q", "-b", "main", "."]);
    let tree = String::from_utf8(git(dir, &["hash-object", "-t", "tree", "-w", "/dev/null"]))
        .unwrap()
        .trim()
        .to_string();
    let mut ids: Vec<String> = Vec::new();
    let mut time = 1_700_000_000i64;
    for (i, n) in nodes.iter().enumerate() {
        time += n.step * 60;
        let mut cmd = git_cmd(dir);
        cmd.args(["commit-tree", &tree, "-m", &format!("n{i}")]);
        for &p in &n.parents {
            cmd.args(["-p", &ids[p]]);
        }
        let date = format!("@{time} +0000");
        cmd.env("GIT_COMMITTER_DATE", &date)
            .env("GIT_AUTHOR_DATE", &date);
        let out = run(cmd, b"");
        assert!(out.status.success());
        let id = String::from_utf8(out.stdout).unwrap().trim().to_string();
        git(dir, &["tag", &format!("n{i}"), &id]);
        ids.push(id);
    }
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig {
        cases: 24,
        failure_persistence: None,
        ..proptest::prelude::ProptestConfig::default()
    })]

    /// Random histories (merges of up to five parents, several roots, skewed dates) from
    /// random tips and ranges are drawn as git draws them.
    #[test]
    fn random_histories_draw_as_git(
        nodes in history(),
        tips in proptest::collection::vec(proptest::prelude::any::<proptest::sample::Index>(), 1..4),
        exclude in proptest::option::of(proptest::prelude::any::<proptest::sample::Index>()),
        options in 0usize..6,
    ) {
        let tmp = tempfile::Builder::new()
            .prefix("graphprop-")
            .tempdir_in(scratch_dir())
            .unwrap();
        let dir = tmp.path();
        build_history(dir, &nodes);
        let mut revs: Vec<String> = tips
            .iter()
            .map(|t| format!("n{}", t.index(nodes.len())))
            .collect();
        if let Some(x) = exclude {
            revs.push(format!("^n{}", x.index(nodes.len())));
        }
        let extra: &[&str] = match options {
            0 => &[],
            1 => &["--first-parent"],
            2 => &["--no-merges"],
            3 => &["--date-order"],
            4 => &["--skip=2", "-n", "12"],
            _ => &["--boundary"],
        };
        let revs: Vec<&str> = revs.iter().map(String::as_str).collect();
        for fmt in ["--oneline", "--format=%s"] {
            let mut opts = vec![fmt];
            opts.extend_from_slice(extra);
            log(dir, &opts, &revs);
        }
        let mut all = vec!["--format=%s"];
        all.extend_from_slice(extra);
        log(dir, &all, &["--all"]);
    }
}
