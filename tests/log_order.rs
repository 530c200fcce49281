//! `log`/`rev-list` with `--topo-order` and `--date-order` against git: the merge-base
//! fixtures (criss-cross and octopus merges, clock skew, an unrelated history; with and
//! without a commit-graph), random DAGs built with `git commit-tree` (equal and skewed
//! dates), and with paths (`--graph` is in `tests/log_graph.rs`).

mod common;
use common::*;
use std::path::Path;

const ORDERS: &[&[&str]] = &[
    &["--topo-order"],
    &["--date-order"],
    &["--topo-order", "--reverse"],
    &["--date-order", "--reverse"],
    &["--topo-order", "--first-parent"],
    &["--date-order", "--first-parent"],
    &["--topo-order", "-n", "3"],
    &["--topo-order", "--no-merges"],
    &["--date-order", "--skip=2"],
    &["--date-order", "--topo-order"],
    &["--topo-order", "--until=@1700000600"],
    &["--date-order", "--until=@1700000900", "-n", "4"],
];

fn check(dir: &Path, revs: &[&str]) {
    for order in ORDERS {
        let mut log = vec!["log", "--format=%h %p %s"];
        log.extend_from_slice(order);
        log.extend_from_slice(revs);
        assert_same(dir, &log);
        let mut rl = vec!["rev-list"];
        rl.extend_from_slice(order);
        rl.extend_from_slice(revs);
        assert_same(dir, &rl);
    }
}

#[test]
fn fixture_histories_match_git() {
    let root = fixture("mergebase-repos");
    for repo in ["plain", "graph", "chain"] {
        let dir = root.join(repo);
        for revs in [
            &["--all"][..],
            &["main"],
            &["OCT", "K2", "E"],
            &["E", "OCT", "K2", "L2"],
            &["M2..OCT"],
            &["M1...M2"],
            &["--all", "^B"],
            &["K2", "^M1"],
        ] {
            check(&dir, revs);
        }
    }
}

/// Builds a random DAG of `n` commits in `dir` (each with up to 4 distinct earlier
/// parents, dates sometimes equal or going backwards) and returns branch names at
/// random commits.
fn random_dag(dir: &Path, rng: &mut Rng, n: usize) -> Vec<String> {
    let tree = String::from_utf8(git(dir, &["hash-object", "-t", "tree", "-w", "/dev/null"]))
        .unwrap()
        .trim()
        .to_string();
    let mut ids: Vec<String> = Vec::new();
    let mut time = 1_700_000_000i64;
    for i in 0..n {
        let mut args = vec!["commit-tree".to_string(), tree.clone()];
        if !ids.is_empty() && rng.below(8) != 0 {
            let k = [1, 1, 1, 2, 2, 3, 4][rng.below(7)].min(ids.len());
            let mut ps: Vec<usize> = Vec::new();
            while ps.len() < k {
                // Mostly recent parents, sometimes an old one.
                let back = if rng.below(3) == 0 {
                    rng.below(ids.len())
                } else {
                    rng.below(ids.len().min(4))
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
    for b in 0..4 {
        let name = format!("b{b}");
        let at = if b == 0 { n - 1 } else { rng.below(n) };
        git(dir, &["branch", "-f", &name, &ids[at]]);
        names.push(name);
    }
    names
}

#[test]
fn random_dags_match_git() {
    let mut rng = Rng(0x7090_1234_abcd_0001);
    for round in 0..12 {
        let dir = scratch_dir().join(format!("log-order-dag-{}-{round}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        git(&dir, &["init", "-q", "-b", "main"]);
        let n = 8 + rng.below(30);
        let names = random_dag(&dir, &mut rng, n);
        for graph in [false, true] {
            if graph {
                git(&dir, &["commit-graph", "write", "--reachable"]);
            }
            check(&dir, &["--all"]);
            check(&dir, &[&names[1], &names[0], &names[2]]);
            let range = format!("{}..{}", names[3], names[0]);
            check(&dir, &[&range]);
        }
        let _ = std::fs::remove_dir_all(&dir);
    }
}

#[test]
fn topo_order_with_paths_matches_git() {
    // git sorts the simplified history, hidden commits included.
    let dir = fixture("mergebase-repos").join("plain");
    for order in ["--topo-order", "--date-order"] {
        assert_same(&dir, &["log", order, "--format=%h %s", "main", "--", "x"]);
        assert_same(&dir, &["rev-list", order, "--all", "--", "x"]);
    }
}
