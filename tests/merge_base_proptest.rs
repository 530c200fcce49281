//! Property test: random commit graphs (merges, octopus merges, unrelated roots, skewed
//! dates); `oxgit merge-base` must agree with git with and without a commit-graph.

mod common;

use common::{assert_same, git_cmd, run, scratch_dir};
use proptest::prelude::*;
use std::path::Path;

/// One commit: indices of earlier commits as parents, and a date offset.
#[derive(Clone, Debug)]
struct Node {
    parents: Vec<usize>,
    date: i64,
}

fn graph() -> impl Strategy<Value = Vec<Node>> {
    prop::collection::vec(
        (
            prop::collection::vec(any::<prop::sample::Index>(), 0..4),
            -3i64..20,
        ),
        2..28,
    )
    .prop_map(|raw| {
        let mut date = 1_700_000_000i64;
        raw.into_iter()
            .enumerate()
            .map(|(i, (ps, step))| {
                date += step * 60;
                let mut parents: Vec<usize> = if i == 0 {
                    Vec::new()
                } else {
                    ps.iter().map(|ix| ix.index(i)).collect()
                };
                parents.dedup();
                // Mostly keep one parent so that histories are long, not bushy.
                if parents.len() > 1 && i % 3 != 0 {
                    parents.truncate(1);
                }
                Node { parents, date }
            })
            .collect()
    })
}

fn git_ok(dir: &Path, args: &[&str], date: i64) -> String {
    let mut c = git_cmd(dir);
    c.args(args)
        .env("GIT_COMMITTER_DATE", format!("@{date} +0000"))
        .env("GIT_AUTHOR_DATE", format!("@{date} +0000"));
    let out = run(c, b"");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

fn build(dir: &Path, nodes: &[Node]) {
    git_ok(dir, &["init", "-q", "-b", "main", "."], 0);
    let tree = git_ok(dir, &["write-tree"], 0);
    let mut ids: Vec<String> = Vec::new();
    for (i, n) in nodes.iter().enumerate() {
        let mut args = vec![
            "commit-tree".to_string(),
            tree.clone(),
            "-m".into(),
            format!("n{i}"),
        ];
        for &p in &n.parents {
            args.push("-p".into());
            args.push(ids[p].clone());
        }
        let argv: Vec<&str> = args.iter().map(String::as_str).collect();
        let id = git_ok(dir, &argv, n.date);
        git_ok(dir, &["tag", &format!("n{i}"), &id], 0);
        ids.push(id);
    }
}

fn check(nodes: &[Node], pairs: &[(prop::sample::Index, prop::sample::Index)]) {
    let tmp = tempfile::Builder::new()
        .prefix("mbprop-")
        .tempdir_in(scratch_dir())
        .unwrap();
    let dir = tmp.path();
    build(dir, nodes);
    let compare = |dir: &Path| {
        for (a, b) in pairs {
            let (a, b) = (
                format!("n{}", a.index(nodes.len())),
                format!("n{}", b.index(nodes.len())),
            );
            assert_same(dir, &["merge-base", "--all", &a, &b]);
            assert_same(dir, &["merge-base", &a, &b]);
            assert_same(dir, &["merge-base", "--is-ancestor", &a, &b]);
        }
        let names: Vec<String> = pairs
            .iter()
            .flat_map(|(a, b)| [a.index(nodes.len()), b.index(nodes.len())])
            .map(|i| format!("n{i}"))
            .collect();
        let mut args = vec!["merge-base", "--independent"];
        args.extend(names.iter().map(String::as_str));
        assert_same(dir, &args);
        args[1] = "--octopus";
        args.insert(1, "--all");
        assert_same(dir, &args);
    };
    compare(dir);
    git_ok(dir, &["commit-graph", "write", "--reachable"], 0);
    compare(dir);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 16, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn random_histories_match_git(
        nodes in graph(),
        pairs in prop::collection::vec((any::<prop::sample::Index>(), any::<prop::sample::Index>()), 1..6),
    ) {
        check(&nodes, &pairs);
    }
}
