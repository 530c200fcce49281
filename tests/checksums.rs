//! File checksums (plain SHA-1, `oid::file_checksum`): the trailers git writes on packs,
//! pack indexes, multi-pack-indexes and commit-graphs verify, and a flipped byte fails.

mod common;

use oxgit::internals::odb::{CommitGraph, MultiPackIndex, PackData, PackIndex};
use oxgit::oid::{fast_sha1, verify_trailer};
use oxgit::HashKind;

#[test]
fn trailers_written_by_git_verify() {
    let dir = common::scratch_dir().join("checksums-repo");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    common::git(&dir, &["init", "-q"]);
    for i in 0..3 {
        std::fs::write(dir.join(format!("f{i}")), format!("file {i}\n")).unwrap();
        common::git(&dir, &["add", "."]);
        common::git(&dir, &["commit", "-q", "-m", &format!("c{i}")]);
    }
    common::git(&dir, &["repack", "-adq", "--write-midx"]);
    common::git(&dir, &["commit-graph", "write", "--reachable"]);
    let objects = dir.join(".git/objects");
    let pack_dir = objects.join("pack");
    let idx_path = std::fs::read_dir(&pack_dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|x| x == "idx"))
        .unwrap();
    let pack_path = idx_path.with_extension("pack");
    assert!(PackData::open(&pack_path, HashKind::Sha1)
        .unwrap()
        .verify_checksum());
    assert!(PackIndex::open(&idx_path, HashKind::Sha1)
        .unwrap()
        .verify_checksum());
    let midx = MultiPackIndex::open(&pack_dir.join("multi-pack-index"), HashKind::Sha1).unwrap();
    assert!(midx.verify_checksum());
    let graph = CommitGraph::open(&objects, HashKind::Sha1)
        .unwrap()
        .unwrap();
    assert!(graph.verify_checksum());
    // The index file too (what the index reader checks).
    let index = std::fs::read(dir.join(".git/index")).unwrap();
    assert!(verify_trailer(HashKind::Sha1, &index));
    assert_eq!(
        &fast_sha1(&index[..index.len() - 20])[..],
        &index[index.len() - 20..]
    );

    // One flipped byte in the middle of each file breaks its checksum.
    for path in [&pack_path, &idx_path] {
        let mut bytes = std::fs::read(path).unwrap();
        let mid = bytes.len() / 2;
        bytes[mid] ^= 0x40;
        assert!(
            !verify_trailer(HashKind::Sha1, &bytes),
            "{}",
            path.display()
        );
    }
    let mut bytes = std::fs::read(&pack_path).unwrap();
    bytes[20] ^= 1;
    let pack = PackData::from_bytes(&pack_path, bytes, HashKind::Sha1).unwrap();
    assert!(!pack.verify_checksum());
}
