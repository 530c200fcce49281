//! The index reader against git: every field of every entry as `git ls-files --debug`
//! shows it (versions 2, 3 and 4, a split index), and damaged files — truncated at every
//! length, bytes flipped with and without a recomputed checksum — give a clear error,
//! never a panic; `oxgit status` then fails as git does.

mod common;

use common::{fixture, git, oxgit_cmd, run, Rng};
use oxgit::index::Index;
use oxgit::{HashKind, Repository};
use std::fmt::Write;
use std::path::Path;

/// `ls-files --stage --debug` as git prints it, without the in-memory `flags:` value.
fn debug_listing(index: &Index) -> String {
    let mut s = String::new();
    for (e, p) in index.iter() {
        let st = &e.stat;
        let _ = writeln!(
            s,
            "{:06o} {} {}\t{}\n  ctime: {}:{}\n  mtime: {}:{}\n  dev: {}\tino: {}\n  uid: {}\tgid: {}\n  size: {}",
            e.mode,
            e.id,
            e.stage(),
            String::from_utf8_lossy(&oxgit::diff::quote::quoted(p, true)),
            st.ctime.secs,
            st.ctime.nsecs,
            st.mtime.secs,
            st.mtime.nsecs,
            st.dev,
            st.ino,
            st.uid,
            st.gid,
            st.size
        );
    }
    s
}

fn git_listing(dir: &Path) -> String {
    let out = String::from_utf8(git(dir, &["ls-files", "--stage", "--debug"])).unwrap();
    out.lines()
        .map(|l| match l.find("\tflags: ") {
            Some(i) if l.starts_with("  size: ") => format!("{}\n", &l[..i]),
            _ => format!("{l}\n"),
        })
        .collect()
}

#[test]
fn entries_match_git_in_every_format() {
    let root = fixture("status-cases");
    for (name, version, split) in [
        ("basic", 3, false),
        ("v4", 4, false),
        ("split", 2, true),
        ("conflict", 2, false),
        ("crlf", 2, false),
        ("linked", 2, false),
    ] {
        let dir = root.join(name);
        let repo = Repository::discover(&dir).unwrap();
        let index = Index::load(&repo).unwrap();
        assert_eq!(index.version(), version, "{name}");
        assert_eq!(index.shared_index().is_some(), split, "{name}");
        assert_eq!(debug_listing(&index), git_listing(&dir), "{name}");
    }
    // Extended flags and extensions of the basic work tree.
    let repo = Repository::discover(&root.join("basic")).unwrap();
    let index = Index::load(&repo).unwrap();
    let e = index.entry(b"intent.txt", 0).unwrap();
    assert!(e.intent_to_add() && !e.skip_worktree());
    assert!(index.entry(b"skipped.txt", 0).unwrap().skip_worktree());
    assert!(index.entry(b"assumed.txt", 0).unwrap().assume_valid());
    // The conflict's stages, and its resolve-undo once resolved is absent (unresolved).
    let repo = Repository::discover(&root.join("conflict")).unwrap();
    let index = Index::load(&repo).unwrap();
    let stages: Vec<u8> = index
        .iter()
        .filter(|(_, p)| *p == b"both-mod")
        .map(|(e, _)| e.stage())
        .collect();
    assert_eq!(stages, [1, 2, 3]);
}

#[test]
fn cache_tree_matches_git() {
    let root = fixture("status-cases");
    let dir = root.join("v4");
    // A fresh index from the commit has a complete cache tree.
    let tmp = common::scratch_dir().join(format!("cache-tree-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&tmp);
    std::fs::create_dir_all(&tmp).unwrap();
    let idx = tmp.join("index");
    let mut c = common::git_cmd(&dir);
    c.args(["read-tree", "HEAD"]).env("GIT_INDEX_FILE", &idx);
    assert!(run(c, b"").status.success());
    let index = Index::read_file(&idx, &dir.join(".git"), HashKind::Sha1).unwrap();
    let tree = index.cache_tree().expect("read-tree writes a cache tree");
    let head_tree = String::from_utf8(git(&dir, &["rev-parse", "HEAD^{tree}"])).unwrap();
    assert_eq!(tree.id.unwrap().to_hex(), head_tree.trim());
    assert_eq!(tree.entry_count as usize, index.len());
    let src = tree.child(b"src").unwrap();
    let src_tree = String::from_utf8(git(&dir, &["rev-parse", "HEAD:src"])).unwrap();
    assert_eq!(src.id.unwrap().to_hex(), src_tree.trim());
    std::fs::remove_dir_all(&tmp).unwrap();
}

/// Recomputes the trailing SHA-1 so that damage reaches the structural checks.
fn fix_checksum(data: &mut [u8]) {
    let n = data.len();
    if n < 20 {
        return;
    }
    let id = oxgit::oid::Hasher::new(HashKind::Sha1);
    let mut h = id;
    h.update(&data[..n - 20]);
    let sum = h.finish().unwrap();
    data[n - 20..].copy_from_slice(sum.as_bytes());
}

#[test]
fn damaged_index_files_give_errors_not_panics() {
    let root = fixture("status-cases");
    let mut samples = Vec::new();
    for name in ["basic", "v4", "conflict"] {
        samples.push(std::fs::read(root.join(name).join(".git/index")).unwrap());
    }
    let split_dir = root.join("split/.git");
    let main = std::fs::read(split_dir.join("index")).unwrap();
    let shared_id = Index::from_bytes(&main, HashKind::Sha1)
        .unwrap()
        .shared_index()
        .unwrap();
    let shared = std::fs::read(split_dir.join(format!("sharedindex.{shared_id}"))).unwrap();
    let mut rng = Rng(0x5eed_1de0);
    for data in &samples {
        assert!(Index::from_bytes(data, HashKind::Sha1).is_ok());
        for len in 0..data.len() {
            let r = std::panic::catch_unwind(|| Index::from_bytes(&data[..len], HashKind::Sha1));
            assert!(
                r.expect("no panic").is_err(),
                "a truncation to {len} bytes parsed"
            );
        }
        for _ in 0..3000 {
            let mut d = data.clone();
            let at = rng.below(d.len());
            d[at] ^= 1 << rng.below(8);
            let plain = std::panic::catch_unwind(|| Index::from_bytes(&d, HashKind::Sha1));
            assert!(
                plain.expect("no panic").is_err(),
                "a flipped bit at {at} passed the checksum"
            );
            fix_checksum(&mut d);
            let fixed = std::panic::catch_unwind(|| Index::from_bytes(&d, HashKind::Sha1));
            assert!(fixed.is_ok(), "panic with a fixed checksum, bit at {at}");
        }
    }
    // The split index: damage either file.
    assert!(Index::from_split_bytes(&main, &shared, HashKind::Sha1).is_ok());
    for _ in 0..3000 {
        let (mut m, mut s) = (main.clone(), shared.clone());
        let target = if rng.below(2) == 0 { &mut m } else { &mut s };
        let at = rng.below(target.len());
        target[at] = rng.next() as u8;
        fix_checksum(target);
        let r = std::panic::catch_unwind(|| Index::from_split_bytes(&m, &s, HashKind::Sha1));
        assert!(r.is_ok(), "panic on damaged split index");
    }
}

#[test]
fn status_on_a_damaged_index_fails_like_git() {
    let root = fixture("status-cases");
    let src = root.join("v4");
    let tmp = common::scratch_dir().join(format!("damaged-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&tmp);
    let ok = std::process::Command::new("cp")
        .arg("-r")
        .arg(&src)
        .arg(&tmp)
        .status()
        .unwrap()
        .success();
    assert!(ok);
    let good = std::fs::read(src.join(".git/index")).unwrap();
    let index_path = tmp.join(".git/index");
    // git dies on a file cut inside its entries (it trusts the entry count), so that
    // case is checked for oxgit alone.
    std::fs::write(&index_path, &good[..good.len() / 2]).unwrap();
    let mut o = oxgit_cmd(&tmp);
    o.args(["status", "--porcelain"]);
    let oe = run(o, b"");
    assert_eq!(oe.status.code(), Some(128));
    assert!(String::from_utf8_lossy(&oe.stderr).contains("truncated"));
    for (what, bytes) in [
        ("truncated header", good[..8].to_vec()),
        ("bad signature", {
            let mut d = good.clone();
            d[0] = b'X';
            d
        }),
        ("bad version", {
            let mut d = good.clone();
            d[7] = 9;
            d
        }),
    ] {
        std::fs::write(&index_path, &bytes).unwrap();
        let mut g = common::git_cmd(&tmp);
        g.args(["status", "--porcelain"])
            .env("GIT_OPTIONAL_LOCKS", "0");
        let ge = run(g, b"");
        let mut o = oxgit_cmd(&tmp);
        o.args(["status", "--porcelain"]);
        let oe = run(o, b"");
        assert_eq!(ge.status.code(), Some(128), "{what}: git");
        assert_eq!(oe.status.code(), Some(128), "{what}: oxgit");
        let err = String::from_utf8_lossy(&oe.stderr);
        assert!(
            err.starts_with("fatal: ") && err.contains("index"),
            "{what}: {err}"
        );
        assert!(oe.stdout.is_empty());
    }
    // A flipped byte git does not notice (it skips the checksum): oxgit refuses.
    let mut d = good.clone();
    d[20] ^= 0xff;
    std::fs::write(&index_path, &d).unwrap();
    let mut o = oxgit_cmd(&tmp);
    o.args(["status", "--porcelain"]);
    let oe = run(o, b"");
    assert_eq!(oe.status.code(), Some(128));
    assert!(String::from_utf8_lossy(&oe.stderr).contains("sha1 signature"));
    std::fs::remove_dir_all(&tmp).unwrap();
}
