//! Property: random blobs and trees written by git (`hash-object -w`, `mktree`), partly
//! repacked with deltas, read back by oxgit byte-identical and hashing to their ids.

mod common;

use oxgit::internals::odb::Odb;
use oxgit::{HashKind, ObjectId, ObjectKind};
use proptest::prelude::*;
use std::io::Write;
use std::path::Path;

/// Writes `blobs` and a tree over them into a fresh repository, packs the first
/// `packed` blobs (plus the tree) with deltas and leaves the rest loose.
fn build(dir: &Path, blobs: &[Vec<u8>], packed: usize) -> Vec<(ObjectId, ObjectKind, Vec<u8>)> {
    common::git(dir, &["init", "-q", "."]);
    let mut objects = Vec::new();
    let mut tree_input = Vec::new();
    for (i, blob) in blobs.iter().enumerate() {
        if i == packed {
            common::git(dir, &["repack", "-adq", "--depth=50", "--window=50"]);
            common::git(dir, &["prune-packed"]);
        }
        let path = dir.join(format!("blob{i}"));
        std::fs::write(&path, blob).unwrap();
        let out = common::git(dir, &["hash-object", "-w", path.to_str().unwrap()]);
        let id = ObjectId::from_hex(out.trim_ascii()).unwrap();
        writeln!(tree_input, "100644 blob {id}\tfile-{i}").unwrap();
        objects.push((id, ObjectKind::Blob, blob.clone()));
    }
    let out = common::run(
        {
            let mut c = common::git_cmd(dir);
            c.arg("mktree");
            c
        },
        &tree_input,
    );
    assert!(out.status.success());
    let tree = ObjectId::from_hex(out.stdout.trim_ascii()).unwrap();
    let out = common::git(dir, &["cat-file", "tree", &tree.to_hex()]);
    objects.push((tree, ObjectKind::Tree, out));
    if packed >= blobs.len() {
        common::git(dir, &["repack", "-adq", "--depth=50", "--window=50"]);
        common::git(dir, &["prune-packed"]);
    }
    objects
}

/// A base text and edits of it, so that packs hold deltas.
fn blobs() -> impl Strategy<Value = Vec<Vec<u8>>> {
    (
        proptest::collection::vec(any::<u8>(), 0..3000),
        proptest::collection::vec(
            (any::<u16>(), proptest::collection::vec(any::<u8>(), 0..40)),
            1..8,
        ),
    )
        .prop_map(|(base, edits)| {
            let mut out = vec![base.clone()];
            let mut cur = base;
            for (pos, ins) in edits {
                let at = if cur.is_empty() {
                    0
                } else {
                    pos as usize % cur.len()
                };
                let cut = (at + ins.len() / 2).min(cur.len());
                cur.splice(at..cut, ins);
                out.push(cur.clone());
            }
            out
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 16, ..ProptestConfig::default() })]

    #[test]
    fn git_written_objects_read_back(blobs in blobs(), packed_frac in 0usize..=4) {
        let tmp = tempfile::tempdir().unwrap();
        let packed = blobs.len() * packed_frac / 4;
        let objects = build(tmp.path(), &blobs, packed);
        let odb = Odb::open(&tmp.path().join(".git/objects"), HashKind::Sha1).unwrap();
        let mut buf = Vec::new();
        for (id, kind, data) in &objects {
            prop_assert_eq!(odb.read_into(id, &mut buf).unwrap(), *kind);
            prop_assert!(&buf == data);
            prop_assert_eq!(oxgit::oid::hash_object(HashKind::Sha1, *kind, &buf), *id);
            prop_assert_eq!(odb.read_header(id).unwrap(), (*kind, data.len() as u64));
        }
    }
}
