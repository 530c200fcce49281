//! `log A..B`, `log ^A B`, `log A...B`, `log --not A B` (with and without paths, with and
//! without the commit-graph) against git, for every pair of refs of the fixtures.

mod common;
use common::*;

fn refs(dir: &std::path::Path) -> Vec<String> {
    String::from_utf8(git(dir, &["for-each-ref", "--format=%(refname:short)"]))
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect()
}

fn check_pairs(dir: &std::path::Path, paths: &[&str]) {
    let names = refs(dir);
    assert!(names.len() >= 3, "{names:?}");
    for a in &names {
        for b in &names {
            if a == b {
                continue;
            }
            let dots = format!("{a}..{b}");
            let triple = format!("{a}...{b}");
            let not = format!("^{a}");
            for revs in [
                vec![dots.as_str()],
                vec![not.as_str(), b.as_str()],
                vec![b.as_str(), not.as_str()],
                vec![triple.as_str()],
                vec!["--not", a.as_str(), "--not", b.as_str()],
                vec![b.as_str(), "--not", a.as_str()],
            ] {
                let mut args = vec!["log", "--format=%h %s"];
                args.extend(&revs);
                if !paths.is_empty() {
                    args.push("--");
                    args.extend(paths);
                }
                assert_same(dir, &args);
            }
        }
    }
}

#[test]
fn ranges_match_git() {
    check_pairs(&fixture("basic"), &[]);
    let root = fixture("log-paths");
    for repo in ["plain", "bloom"] {
        check_pairs(&root.join(repo), &[]);
        check_pairs(&root.join(repo), &["src"]);
        check_pairs(&root.join(repo), &["docs"]);
    }
}

#[test]
fn ranges_with_walk_options_and_diffs_match_git() {
    let root = fixture("log-paths");
    for repo in ["plain", "bloom"] {
        let dir = root.join(repo);
        for args in [
            &["log", "--oneline", "--first-parent", "main", "^side"][..],
            &["log", "--oneline", "--no-merges", "side...main"],
            &["log", "--oneline", "-n", "3", "topic..main"],
            &[
                "log",
                "--stat",
                "--format=%h",
                "main~5..main",
                "--",
                "src/core",
            ],
            &["log", "--numstat", "--format=%h", "^topic", "main"],
            &["log", "-p", "--format=%h", "docs-only..main"],
            &["log", "--oneline", "--not", "main"],
            &["log", "--oneline", "main..", "--", "src"],
            &["log", "--oneline", "..topic"],
        ] {
            assert_same(&dir, args);
        }
    }
}

#[test]
fn history_api_equals_rev_list() {
    use oxgit::api::{DiffOptions, History, HistoryRequest};
    let dir = fixture("log-paths").join("plain");
    let repo = oxgit::Repository::discover(&dir).unwrap();
    for range in ["topic..main", "side...main", "main"] {
        let req = HistoryRequest::from_revisions(&repo, &[range], DiffOptions::default()).unwrap();
        let ours: Vec<String> = History::new(&repo, &req)
            .unwrap()
            .map(|c| c.unwrap().id.to_hex())
            .collect();
        let theirs = String::from_utf8(git(&dir, &["rev-list", range])).unwrap();
        assert_eq!(ours, theirs.lines().collect::<Vec<_>>(), "{range}");
    }
}
