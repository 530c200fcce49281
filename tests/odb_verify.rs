//! With hash verification on, an object stored under the wrong id is an error; without it,
//! the stored bytes are returned as git returns them.

mod common;

use oxgit::internals::odb::{Odb, OdbError};
use oxgit::{HashKind, ObjectId};

#[test]
fn verification_catches_an_object_under_the_wrong_id() {
    let dir = common::scratch_dir().join("verify-repo");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    common::git(&dir, &["init", "-q"]);
    std::fs::write(dir.join("a"), b"hello\n").unwrap();
    std::fs::write(dir.join("b"), b"world\n").unwrap();
    let a = String::from_utf8(common::git(&dir, &["hash-object", "-w", "a"])).unwrap();
    let b = String::from_utf8(common::git(&dir, &["hash-object", "b"])).unwrap();
    let (a, b) = (a.trim(), b.trim());
    let objects = dir.join(".git/objects");
    // Store a's bytes under b's id.
    std::fs::create_dir_all(objects.join(&b[..2])).unwrap();
    std::fs::copy(
        objects.join(&a[..2]).join(&a[2..]),
        objects.join(&b[..2]).join(&b[2..]),
    )
    .unwrap();
    let b_id = ObjectId::from_hex(b.as_bytes()).unwrap();
    let mut odb = Odb::open(&objects, HashKind::Sha1).unwrap();
    assert_eq!(odb.read(&b_id).unwrap().data, b"hello\n");
    odb.set_verify_hashes(true);
    match odb.read(&b_id) {
        Err(OdbError::HashMismatch { id, actual }) => {
            assert_eq!(id, b_id);
            assert_eq!(actual.to_hex(), a);
        }
        other => panic!("expected a hash mismatch, got {other:?}"),
    }
    let a_id = ObjectId::from_hex(a.as_bytes()).unwrap();
    assert_eq!(odb.read(&a_id).unwrap().data, b"hello\n");
}
