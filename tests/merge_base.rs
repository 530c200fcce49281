//! Differential tests: `oxgit merge-base` and `diff A...B` against git 2.47, with and
//! without a commit-graph, and robustness against corrupt commit-graphs.

mod common;

use common::{assert_same, fixture, git, oxgit_cmd, run};
use std::path::Path;

const REVS: &[&str] = &[
    "A", "B", "S1", "C", "M1", "M2", "E", "D", "o1", "o2", "o3", "OCT", "K1", "K2", "L1", "L2",
    "N1", "N2",
];

fn all_pairs(dir: &Path) {
    for a in REVS {
        for b in REVS {
            assert_same(dir, &["merge-base", a, b]);
            assert_same(dir, &["merge-base", "--all", a, b]);
            assert_same(dir, &["merge-base", "--is-ancestor", a, b]);
        }
    }
    for three in [["D", "E", "OCT"], ["K2", "M2", "o3"], ["L2", "D", "E"]] {
        let mut args = vec!["merge-base", "--all"];
        args.extend_from_slice(&three);
        assert_same(dir, &args);
    }
}

#[test]
fn merge_bases_without_commit_graph() {
    all_pairs(&fixture("mergebase-repos").join("plain"));
}

#[test]
fn merge_bases_with_commit_graph() {
    all_pairs(&fixture("mergebase-repos").join("graph"));
}

#[test]
fn merge_bases_with_commit_graph_chain() {
    all_pairs(&fixture("mergebase-repos").join("chain"));
    let layers = fixture("mergebase-repos").join("layers");
    for a in ["p1", "p2", "p3", "q1", "p4", "mq"] {
        for b in ["p1", "p3", "q1", "p4", "mq"] {
            assert_same(&layers, &["merge-base", "--all", a, b]);
        }
    }
}

#[test]
fn usage_errors_and_missing_revisions() {
    let dir = fixture("mergebase-repos").join("plain");
    assert_same(&dir, &["merge-base", "D"]);
    assert_same(&dir, &["merge-base", "D", "nope"]);
}

#[test]
fn diff_with_three_dots_uses_the_merge_base() {
    let dir = fixture("mergebase-repos").join("graph");
    assert_same(&dir, &["diff", "--raw", "D...E"]);
    assert_same(&dir, &["diff", "--name-status", "OCT...K2"]);
    assert_same(&dir, &["diff", "--raw", "L2...D"]);
    assert_same(&dir, &["diff", "--raw", "--merge-base", "D", "E"]);
    assert_same(&dir, &["diff", "--raw", "--merge-base", "L2", "E"]);
    assert_same(
        &dir,
        &["diff", "--name-status", "--merge-base", "OCT", "K2"],
    );
}

/// Copies a repository's `.git` into a scratch folder.
fn copy_repo(src: &Path, name: &str) -> std::path::PathBuf {
    let dst = common::scratch_dir().join(format!("{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dst);
    let out = std::process::Command::new("cp")
        .arg("-r")
        .arg(src)
        .arg(&dst)
        .output()
        .unwrap();
    assert!(out.status.success());
    dst
}

#[test]
fn corrupt_commit_graph_falls_back() {
    let base = fixture("mergebase-repos");
    let expected = git(&base.join("plain"), &["merge-base", "--all", "D", "E"]);
    type Mutation = Box<dyn Fn(&mut Vec<u8>)>;
    let mutations: Vec<(&str, Mutation)> = vec![
        (
            "truncated",
            Box::new(|d: &mut Vec<u8>| d.truncate(d.len() / 2)),
        ),
        ("tiny", Box::new(|d: &mut Vec<u8>| d.truncate(10))),
        (
            "chunk-offsets",
            Box::new(|d: &mut Vec<u8>| {
                for b in &mut d[12..20] {
                    *b = 0xff;
                }
            }),
        ),
        (
            "parents",
            Box::new(|d: &mut Vec<u8>| {
                // Garble everything after the chunk table and fan-out.
                let n = d.len();
                for (i, b) in d[8 + 5 * 12 + 1024..n - 20].iter_mut().enumerate() {
                    *b ^= (i as u8).wrapping_mul(37) | 1;
                }
            }),
        ),
        (
            "fanout",
            Box::new(|d: &mut Vec<u8>| {
                let at = 8 + 5 * 12 + 4;
                d[at..at + 4].copy_from_slice(&[0x7f, 0xff, 0xff, 0xff]);
            }),
        ),
    ];
    for (name, mutate) in mutations {
        let dir = copy_repo(&base.join("graph"), &format!("corrupt-{name}"));
        let path = dir.join(".git/objects/info/commit-graph");
        let mut data = std::fs::read(&path).unwrap();
        mutate(&mut data);
        std::fs::write(&path, &data).unwrap();
        let mut cmd = oxgit_cmd(&dir);
        cmd.args(["merge-base", "--all", "D", "E"]);
        let out = run(cmd, b"");
        let code = out.status.code();
        assert!(
            code == Some(0) || code == Some(128),
            "{name}: exit {code:?}"
        );
        if code == Some(0) {
            assert_eq!(out.stdout, expected, "{name}");
        }
        let _ = std::fs::remove_dir_all(&dir);
    }
}

#[test]
fn commit_graph_reader_matches_git() {
    use oxgit::internals::odb::CommitGraph;
    use oxgit::{HashKind, ObjectId};
    let base = fixture("mergebase-repos");
    for repo in ["graph", "chain", "layers"] {
        let dir = base.join(repo);
        let graph = CommitGraph::open(&dir.join(".git/objects"), HashKind::Sha1)
            .unwrap()
            .expect("fixture has a commit-graph");
        assert!(graph.has_corrected_dates());
        let listing = String::from_utf8(git(&dir, &["rev-list", "--all", "--parents"])).unwrap();
        // Commits made after the graph was written are not in it.
        let late: Vec<ObjectId> = ["N1", "N2"]
            .iter()
            .filter_map(|t| {
                let mut c = common::git_cmd(&dir);
                c.args(["rev-parse", "--verify", "-q", t]);
                let out = run(c, b"");
                let hex = String::from_utf8(out.stdout).ok()?;
                ObjectId::from_hex(hex.trim().as_bytes()).ok()
            })
            .collect();
        let mut n = 0;
        for line in listing.lines() {
            let ids: Vec<ObjectId> = line
                .split(' ')
                .map(|h| ObjectId::from_hex(h.as_bytes()).unwrap())
                .collect();
            if late.contains(&ids[0]) {
                assert!(graph.lookup(&ids[0]).is_none());
                continue;
            }
            let pos = graph.lookup(&ids[0]).expect("commit in graph");
            assert_eq!(graph.id_at(pos), Some(ids[0]));
            let c = graph.commit(pos).unwrap();
            let parents: Vec<ObjectId> =
                c.parents.iter().map(|&p| graph.id_at(p).unwrap()).collect();
            assert_eq!(parents, ids[1..], "{repo}: parents of {}", ids[0]);
            let date: i64 =
                String::from_utf8(git(&dir, &["show", "-s", "--format=%ct", &ids[0].to_hex()]))
                    .unwrap()
                    .trim()
                    .parse()
                    .unwrap();
            assert_eq!(c.date, date);
            assert!(c.generation >= date as u64);
            n += 1;
        }
        assert_eq!(graph.len(), n, "{repo}");
        assert!(graph.lookup(&HashKind::Sha1.empty_tree()).is_none());
    }
}

#[test]
fn independent_and_octopus_modes() {
    for repo in ["plain", "graph"] {
        let dir = fixture("mergebase-repos").join(repo);
        let cases: &[&[&str]] = &[
            &["--independent", "D", "E", "OCT", "K2", "B"],
            &["--independent", "D", "D", "A"],
            &["--independent", "L1", "D", "C", "A", "N2"],
            &["--independent"],
            &["--octopus", "D", "E", "OCT"],
            &["--octopus", "--all", "D", "E", "K2"],
            &["--octopus", "--all", "M1", "M2"],
            &["--octopus", "L1", "D"],
            &["--octopus"],
            &["--independent", "--all", "D", "E"],
            &["--all", "--is-ancestor", "D", "E"],
            &["--is-ancestor", "D"],
            &["--is-ancestor", "--independent", "D", "E"],
            &[],
            &["--bogus", "D", "E"],
        ];
        for case in cases {
            let mut args = vec!["merge-base"];
            args.extend_from_slice(case);
            assert_same(&dir, &args);
        }
    }
}

#[test]
fn broken_commit_graph_chains_fall_back() {
    let base = fixture("mergebase-repos");
    let expected = git(&base.join("layers"), &["merge-base", "--all", "mq", "q1"]);
    let chain_dir = ".git/objects/info/commit-graphs";
    for case in [
        "missing-layer",
        "bad-chain-line",
        "truncated-layer",
        "empty-chain",
    ] {
        let dir = copy_repo(&base.join("layers"), &format!("chain-{case}"));
        let cdir = dir.join(chain_dir);
        let chain = std::fs::read_to_string(cdir.join("commit-graph-chain")).unwrap();
        let first = chain.lines().next().unwrap().to_string();
        let layer = cdir.join(format!("graph-{first}.graph"));
        match case {
            "missing-layer" => std::fs::remove_file(&layer).unwrap(),
            "bad-chain-line" => std::fs::write(cdir.join("commit-graph-chain"), "zz\n").unwrap(),
            "truncated-layer" => {
                let d = std::fs::read(&layer).unwrap();
                std::fs::write(&layer, &d[..d.len() / 3]).unwrap();
            }
            _ => std::fs::write(cdir.join("commit-graph-chain"), "").unwrap(),
        }
        let mut cmd = oxgit_cmd(&dir);
        cmd.args(["merge-base", "--all", "mq", "q1"]);
        let out = run(cmd, b"");
        assert_eq!(out.status.code(), Some(0), "{case}: {out:?}");
        assert_eq!(out.stdout, expected, "{case}");
        let _ = std::fs::remove_dir_all(&dir);
    }
}

#[test]
fn garbled_commit_graph_bytes_never_panic() {
    use oxgit::internals::odb::CommitGraph;
    let base = fixture("mergebase-repos");
    let dir = copy_repo(&base.join("graph"), "garble");
    let path = dir.join(".git/objects/info/commit-graph");
    let pristine = std::fs::read(&path).unwrap();
    let objects = dir.join(".git/objects");
    let ids: Vec<oxgit::ObjectId> = String::from_utf8(git(&dir, &["rev-list", "--all"]))
        .unwrap()
        .lines()
        .map(|h| oxgit::ObjectId::from_hex(h.as_bytes()).unwrap())
        .collect();
    let mut seed = 0x9e37_79b9u32;
    for round in 0..400 {
        let mut data = pristine.clone();
        for _ in 0..1 + round % 4 {
            seed ^= seed << 13;
            seed ^= seed >> 17;
            seed ^= seed << 5;
            let at = seed as usize % data.len();
            data[at] = (seed >> 8) as u8;
        }
        if round % 7 == 0 {
            data.truncate(seed as usize % data.len());
        }
        std::fs::write(&path, &data).unwrap();
        if let Ok(Some(g)) = CommitGraph::open(&objects, oxgit::HashKind::Sha1) {
            for id in &ids {
                if let Some(pos) = g.lookup(id) {
                    let _ = g.id_at(pos);
                    if let Some(c) = g.commit(pos) {
                        for &p in c.parents.iter() {
                            let _ = g.id_at(p);
                        }
                    }
                }
            }
            for pos in 0..g.len() + 2 {
                let _ = g.commit(pos);
                let _ = g.id_at(pos);
            }
        }
        let repo = oxgit::Repository::discover(&dir).unwrap();
        let mut w = oxgit::revision::merge_base::CommitWalker::new(&repo);
        let _ = w.merge_bases(&ids[0], &ids[1..3]);
        let _ = w.is_ancestor(&ids[2], &ids[0]);
    }
    let _ = std::fs::remove_dir_all(&dir);
}
