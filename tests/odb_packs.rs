//! The object database against git: every object of fixture repositories (loose, packed
//! with deep chains, several packs, multi-pack-index, alternates, 64-bit offsets, idx v1,
//! SHA-256, no config) read by oxgit equals what `git cat-file --batch` prints.

mod common;
mod odb_util;

use common::fixture;
use odb_util::{check_against_git, objects_dir};
use oxgit::internals::odb::{EntryKind, Odb, PackData, PackIndex};
use oxgit::HashKind;
use std::path::{Path, PathBuf};

/// The `.idx` files of a repository's own pack folder.
fn idx_files(repo: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(objects_dir(repo).join("pack"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "idx"))
        .collect();
    v.sort();
    v
}

/// Kinds of all entries of the pack whose index is `idx`.
fn entry_kinds(idx: &Path, hash: HashKind) -> Vec<EntryKind> {
    let index = PackIndex::open(idx, hash).unwrap();
    let pack = PackData::open(&idx.with_extension("pack"), hash).unwrap();
    (0..index.len())
        .map(|i| pack.entry_header(index.offset_at(i).unwrap()).unwrap().kind)
        .collect()
}

#[test]
fn loose_only() {
    let repo = fixture("odb-loose");
    assert!(idx_files(&repo).is_empty());
    check_against_git(&repo, HashKind::Sha1);
}

#[test]
fn one_pack_with_deep_delta_chains() {
    let repo = fixture("odb-deep");
    let idx = idx_files(&repo);
    assert_eq!(idx.len(), 1);
    // The chain is really deep: follow OFS_DELTA links from every entry.
    let index = PackIndex::open(&idx[0], HashKind::Sha1).unwrap();
    let pack = PackData::open(&idx[0].with_extension("pack"), HashKind::Sha1).unwrap();
    let mut deepest = 0;
    for i in 0..index.len() {
        let mut off = index.offset_at(i).unwrap();
        let mut depth = 0;
        while let EntryKind::OfsDelta { base_offset } = pack.entry_header(off).unwrap().kind {
            off = base_offset;
            depth += 1;
        }
        deepest = deepest.max(depth);
    }
    assert!(deepest >= 100, "deepest chain only {deepest}");
    check_against_git(&repo, HashKind::Sha1);
    // Again without a delta-base cache, and with a tiny one.
    for limit in [0, 4096] {
        let mut odb = Odb::open(&objects_dir(&repo), HashKind::Sha1).unwrap();
        odb.set_cache_limit(limit);
        for o in odb_util::git_objects(&repo).iter().rev() {
            assert_eq!(odb.read(&o.id).unwrap().data, o.data);
        }
        assert!(odb.cache().used() <= limit);
    }
}

#[test]
fn ref_deltas() {
    let repo = fixture("odb-refdelta");
    let idx = idx_files(&repo);
    let kinds = entry_kinds(&idx[0], HashKind::Sha1);
    assert!(kinds
        .iter()
        .any(|k| matches!(k, EntryKind::RefDelta { .. })));
    assert!(!kinds
        .iter()
        .any(|k| matches!(k, EntryKind::OfsDelta { .. })));
    check_against_git(&repo, HashKind::Sha1);
}

#[test]
fn several_packs_and_loose_objects() {
    let repo = fixture("odb-multi");
    assert_eq!(idx_files(&repo).len(), 3);
    check_against_git(&repo, HashKind::Sha1);
}

#[test]
fn multi_pack_index() {
    let repo = fixture("odb-midx");
    assert!(objects_dir(&repo).join("pack/multi-pack-index").is_file());
    assert_eq!(idx_files(&repo).len(), 4);
    let m = oxgit::internals::odb::MultiPackIndex::open(
        &objects_dir(&repo).join("pack/multi-pack-index"),
        HashKind::Sha1,
    )
    .unwrap();
    assert_eq!(m.pack_names().len(), 3);
    check_against_git(&repo, HashKind::Sha1);
}

#[test]
fn alternates() {
    let repo = fixture("odb-alternates").join("clone");
    let odb = Odb::open(&objects_dir(&repo), HashKind::Sha1).unwrap();
    assert_eq!(odb.object_dirs().count(), 2);
    check_against_git(&repo, HashKind::Sha1);
}

#[test]
fn large_offset_table() {
    let repo = fixture("odb-large-offsets");
    let forced = repo.join("forced");
    let mut idx: Vec<PathBuf> = std::fs::read_dir(forced.join("pack"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "idx"))
        .collect();
    idx.sort();
    assert_eq!(idx.len(), 1);
    let bytes = std::fs::read(&idx[0]).unwrap();
    let index = PackIndex::open(&idx[0], HashKind::Sha1).unwrap();
    let n = index.len() as usize;
    // Every 32-bit offset has its top bit set: all go through the 64-bit table.
    let offsets = 8 + 1024 + n * 24;
    for i in 0..n {
        assert!(bytes[offsets + 4 * i] & 0x80 != 0);
    }
    assert_eq!(bytes.len(), 8 + 1024 + n * 28 + n * 8 + 40);
    odb_util::check_objects_against_git(&repo, &forced, HashKind::Sha1);
}

#[test]
fn idx_version_1() {
    let repo = fixture("odb-idx-v1");
    let idx = idx_files(&repo);
    assert_eq!(
        PackIndex::open(&idx[0], HashKind::Sha1).unwrap().version(),
        1
    );
    check_against_git(&repo, HashKind::Sha1);
}

#[test]
fn sha256_repository() {
    let repo = fixture("odb-sha256");
    assert_eq!(idx_files(&repo).len(), 3);
    let m = oxgit::internals::odb::MultiPackIndex::open(
        &objects_dir(&repo).join("pack/multi-pack-index"),
        HashKind::Sha256,
    )
    .unwrap();
    assert_eq!(m.pack_names().len(), 2);
    check_against_git(&repo, HashKind::Sha256);
}

#[test]
fn no_config_and_no_objects_info() {
    let repo = fixture("odb-noconfig");
    assert!(!repo.join(".git/config").exists());
    assert!(!repo.join(".git/objects/info").exists());
    check_against_git(&repo, HashKind::Sha1);
}

#[test]
fn many_threads_share_one_odb() {
    let repo = fixture("odb-deep");
    let odb = Odb::open(&objects_dir(&repo), HashKind::Sha1).unwrap();
    let objects = odb_util::git_objects(&repo);
    std::thread::scope(|s| {
        for t in 0..4 {
            let (odb, objects) = (&odb, &objects);
            s.spawn(move || {
                let mut buf = Vec::new();
                for o in objects.iter().skip(t).step_by(2) {
                    assert_eq!(odb.read_into(&o.id, &mut buf).unwrap(), o.kind);
                    assert!(buf == o.data);
                }
            });
        }
    });
}

#[test]
fn new_packs_are_found_after_open() {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path();
    common::git(repo, &["init", "-q", "."]);
    let write = |text: &str| -> oxgit::ObjectId {
        std::fs::write(repo.join("f"), text).unwrap();
        let out = common::git(repo, &["hash-object", "-w", "f"]);
        oxgit::ObjectId::from_hex(out.trim_ascii()).unwrap()
    };
    let first = write("first\n");
    common::git(repo, &["repack", "-adq"]);
    let odb = Odb::open(&repo.join(".git/objects"), HashKind::Sha1).unwrap();
    assert_eq!(odb.read(&first).unwrap().data, b"first\n");
    // A pack (and its objects) that appears after the open is picked up on the first miss.
    let second = write("second\n");
    common::git(repo, &["repack", "-adq"]);
    common::git(repo, &["prune-packed"]);
    assert_eq!(odb.read(&second).unwrap().data, b"second\n");
    assert_eq!(odb.read(&first).unwrap().data, b"first\n");
    let third = write("third\n");
    common::git(repo, &["repack", "-dq"]);
    common::git(repo, &["prune-packed"]);
    assert_eq!(odb.read_header(&third).unwrap().1, 6);
    assert!(odb.contains(&third));
}

#[test]
fn find_prefix_limit_keeps_the_smallest_matches() {
    // Packed and loose objects, one-digit prefixes (more matches than the limit).
    let repo = fixture("odb-multi");
    let odb = Odb::open(&objects_dir(&repo), HashKind::Sha1).unwrap();
    let all = odb.all_ids().unwrap();
    for digit in [b"0", b"7", b"f"] {
        let prefix = oxgit::oid::HexPrefix::parse(digit, HashKind::Sha1).unwrap();
        let matching: Vec<_> = all
            .iter()
            .copied()
            .filter(|id| prefix.matches(id))
            .collect();
        assert!(matching.len() > 4);
        let mut got = Vec::new();
        odb.find_prefix(&prefix, 3, &mut got).unwrap();
        assert_eq!(got, matching[..4]);
        let mut got = Vec::new();
        odb.find_prefix(&prefix, usize::MAX, &mut got).unwrap();
        assert_eq!(got, matching);
    }
}
