//! Hostile trees: entry names git refuses to check out, compared with git's fsck verdicts
//! and with what `git cat-file -p` shows; and trees nested either side of git's default
//! `core.maxTreeDepth`, compared with `git ls-tree -r`.

mod common;

use common::{assert_same, fixture, git_cmd};
use oxgit::object::{
    check_entry_name, check_tree, check_tree_depth, BadName, ParseError, TreeIter, MAX_TREE_DEPTH,
};
use oxgit::{HashKind, ObjectId, ObjectKind, Repository};
use std::path::Path;

/// `(tree id, entry name)` for every tree of the fixture's `trees.txt`.
fn trees(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let text = std::fs::read(dir.join("trees.txt")).unwrap();
    text.split(|&b| b == b'\n')
        .filter(|l| !l.is_empty())
        .map(|l| {
            let tab = l.iter().position(|&b| b == b'\t').unwrap();
            (
                String::from_utf8(l[..tab].to_vec()).unwrap(),
                l[tab + 1..].to_vec(),
            )
        })
        .collect()
}

/// git fsck's message id for each tree (`hasDot`, `fullPathname`, …), from its stderr.
fn fsck_verdicts(dir: &Path) -> Vec<(String, String)> {
    let out = git_cmd(dir)
        .args(["fsck", "--no-dangling", "--no-progress"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    err.lines()
        .filter_map(|l| {
            let rest = l.split_once(" in tree ")?.1;
            let (id, msg) = rest.split_once(": ")?;
            let kind = msg.split(':').next()?.to_string();
            Some((id.to_string(), kind))
        })
        .collect()
}

fn expected_reason(fsck_id: &str) -> Option<BadName> {
    match fsck_id {
        "hasDot" => Some(BadName::Dot),
        "hasDotdot" => Some(BadName::DotDot),
        "hasDotgit" => Some(BadName::DotGit),
        "fullPathname" => Some(BadName::Slash),
        "badTree" | "broken links" => Some(BadName::Empty),
        _ => None,
    }
}

#[test]
fn entry_names_match_git_fsck() {
    let dir = fixture("hostile-trees");
    let verdicts = fsck_verdicts(&dir);
    let repo = Repository::discover(&dir).unwrap();
    let list = trees(&dir);
    assert_eq!(list.len(), 10);
    for (id, name) in &list {
        let git_says: Vec<BadName> = verdicts
            .iter()
            .filter(|(v, _)| v == id)
            .filter_map(|(_, k)| expected_reason(k))
            .collect();
        let ours = check_entry_name(name);
        match (&ours, git_says.first()) {
            (Ok(()), None) => {}
            (Err(ParseError::EntryName { reason, .. }), Some(g)) => {
                assert_eq!(reason, g, "name {:?}", String::from_utf8_lossy(name));
            }
            _ => panic!(
                "name {:?}: ours {ours:?}, git fsck {git_says:?}",
                String::from_utf8_lossy(name)
            ),
        }
        // The tree-level check agrees; and reading the tree works unless the name is
        // empty, which git's tree reader refuses too.
        let data = repo
            .odb()
            .read(&ObjectId::from_hex(id.as_bytes()).unwrap())
            .unwrap()
            .data;
        let read: Result<Vec<_>, _> = TreeIter::new(&data, HashKind::Sha1).collect();
        assert_eq!(read.is_err(), name.is_empty());
        assert_eq!(check_tree(&data, HashKind::Sha1).is_ok(), ours.is_ok());
    }
    // The clean tree is there and accepted.
    assert!(list.iter().any(|(_, n)| n == b"ok"));
}

#[test]
fn cat_file_shows_bad_names_like_git() {
    let dir = fixture("hostile-trees");
    for (id, _) in trees(&dir) {
        assert_same(&dir, &["cat-file", "-p", &id]);
        assert_same(&dir, &["cat-file", "-t", &id]);
        assert_same(&dir, &["rev-parse", &format!("{id}^{{tree}}")]);
    }
    let outer = std::fs::read_to_string(dir.join("outer.txt")).unwrap();
    let outer = outer.trim();
    assert_same(&dir, &["cat-file", "-p", outer]);
    assert_same(&dir, &["rev-parse", &format!("{outer}:sub/..")]);
}

/// Walks every subtree below `id`, recursively, bounded by `check_tree_depth`. Returns the
/// deepest depth reached.
fn walk(repo: &Repository, id: ObjectId, depth: usize) -> Result<usize, ParseError> {
    check_tree_depth(depth)?;
    let data = repo.odb().read(&id).unwrap().data;
    let mut deepest = depth;
    for e in TreeIter::new(&data, HashKind::Sha1) {
        let e = e?;
        check_entry_name(e.name)?;
        if e.mode.is_tree() {
            deepest = deepest.max(walk(repo, e.id, depth + 1)?);
        }
    }
    Ok(deepest)
}

#[test]
fn tree_depth_bound_matches_git() {
    let dir = fixture("hostile-trees");
    let repo = Repository::discover(&dir).unwrap();
    for n in [2048usize, 2049] {
        let git_ok = git_cmd(&dir)
            .args(["ls-tree", "-r", &format!("deep{n}")])
            .output()
            .unwrap()
            .status
            .success();
        let root = oxgit::revision::resolve(&repo, &format!("deep{n}^{{tree}}")).unwrap();
        assert_eq!(repo.odb().read(&root).unwrap().kind, ObjectKind::Tree);
        // The walk needs a big stack for 2049 frames; the bound is what stops it.
        let r = std::thread::Builder::new()
            .stack_size(256 << 20)
            .spawn({
                let dir = dir.clone();
                move || {
                    let repo = Repository::discover(&dir).unwrap();
                    walk(&repo, root, 0)
                }
            })
            .unwrap()
            .join()
            .unwrap();
        assert_eq!(r.is_ok(), git_ok, "depth {n}: ours {r:?}");
        if n <= MAX_TREE_DEPTH {
            assert_eq!(r, Ok(n));
        } else {
            assert_eq!(
                r,
                Err(ParseError::TooDeep {
                    limit: MAX_TREE_DEPTH
                })
            );
        }
    }
}
