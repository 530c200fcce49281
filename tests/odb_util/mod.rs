//! Helpers shared by the `odb_*` tests: git's view of a repository's objects, and a check
//! that oxgit's object database agrees with it object by object.
#![allow(dead_code)]

use oxgit::internals::odb::Odb;
use oxgit::oid::HexPrefix;
use oxgit::{HashKind, ObjectId, ObjectKind};
use std::path::Path;

/// One object as `git cat-file --batch` prints it.
pub struct GitObject {
    /// Its id.
    pub id: ObjectId,
    /// Its kind.
    pub kind: ObjectKind,
    /// Its contents.
    pub data: Vec<u8>,
}

/// Every object of the repository at `dir` (work tree or bare), as git reads them.
pub fn git_objects(dir: &Path) -> Vec<GitObject> {
    let out = super::common::git(dir, &["cat-file", "--batch-all-objects", "--batch"]);
    let mut objects = Vec::new();
    let mut rest = &out[..];
    while !rest.is_empty() {
        let nl = rest.iter().position(|&b| b == b'\n').expect("header line");
        let header = std::str::from_utf8(&rest[..nl]).unwrap();
        let mut parts = header.split(' ');
        let id = ObjectId::from_hex(parts.next().unwrap().as_bytes()).unwrap();
        let kind = ObjectKind::from_name(parts.next().unwrap().as_bytes()).unwrap();
        let size: usize = parts.next().unwrap().parse().unwrap();
        let data = rest[nl + 1..nl + 1 + size].to_vec();
        assert_eq!(rest[nl + 1 + size], b'\n');
        rest = &rest[nl + 2 + size..];
        objects.push(GitObject { id, kind, data });
    }
    objects
}

/// The objects directory of the repository at `dir`.
pub fn objects_dir(dir: &Path) -> std::path::PathBuf {
    if dir.join(".git").is_dir() {
        dir.join(".git/objects")
    } else {
        dir.join("objects")
    }
}

/// Ids git lists for `git rev-parse --disambiguate=<prefix>`.
pub fn git_disambiguate(dir: &Path, prefix: &str) -> Vec<ObjectId> {
    let out = super::common::run(
        {
            let mut c = super::common::git_cmd(dir);
            c.args(["rev-parse", &format!("--disambiguate={prefix}")]);
            c
        },
        b"",
    );
    let mut ids: Vec<ObjectId> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| ObjectId::from_hex(l.as_bytes()).unwrap())
        .collect();
    ids.sort();
    ids
}

/// Opens the repository's object database with oxgit and checks, against git, every
/// object's contents and kind (`read`, `read_into`), header (`read_header`), `contains`,
/// `all_ids`, and `find_prefix` for a sample of prefixes. Returns git's objects.
pub fn check_against_git(dir: &Path, hash: HashKind) -> Vec<GitObject> {
    check_objects_against_git(dir, &objects_dir(dir), hash)
}

/// [`check_against_git`] reading with oxgit from `objects`, which must hold the same
/// objects as git's repository at `dir`.
pub fn check_objects_against_git(dir: &Path, objects: &Path, hash: HashKind) -> Vec<GitObject> {
    let odb = Odb::open(objects, hash).unwrap();
    let objects = git_objects(dir);
    assert!(!objects.is_empty());
    let mut want_ids: Vec<ObjectId> = objects.iter().map(|o| o.id).collect();
    want_ids.sort();
    assert_eq!(
        odb.all_ids().unwrap(),
        want_ids,
        "all_ids in {}",
        dir.display()
    );
    let mut buf = Vec::new();
    for o in &objects {
        assert_eq!(o.id.kind(), hash);
        let got = odb
            .read(&o.id)
            .unwrap_or_else(|e| panic!("read {}: {e}", o.id));
        assert_eq!(got.kind, o.kind, "kind of {}", o.id);
        assert!(got.data == o.data, "contents of {} differ", o.id);
        assert_eq!(odb.read_into(&o.id, &mut buf).unwrap(), o.kind);
        assert!(buf == o.data);
        assert_eq!(oxgit::oid::hash_object(hash, got.kind, &got.data), o.id);
        assert_eq!(
            odb.read_header(&o.id).unwrap(),
            (o.kind, o.data.len() as u64),
            "header of {}",
            o.id
        );
        assert!(odb.contains(&o.id));
    }
    // Abbreviations: prefixes of existing ids (4 and 7 digits) and a few arbitrary ones.
    let mut prefixes: Vec<String> = objects
        .iter()
        .step_by((objects.len() / 6).max(1))
        .flat_map(|o| [o.id.to_hex_prefix(4), o.id.to_hex_prefix(7)])
        .collect();
    prefixes.extend(["0000", "abcd", "ffff", "1234"].map(String::from));
    for p in &prefixes {
        let prefix = HexPrefix::parse(p.as_bytes(), hash).unwrap();
        let mut got = Vec::new();
        odb.find_prefix(&prefix, 100, &mut got).unwrap();
        assert_eq!(got, git_disambiguate(dir, p), "find_prefix {p}");
    }
    // A missing object is NotFound.
    let mut missing = objects[0].id.as_bytes().to_vec();
    missing[hash.len() - 1] ^= 0x5a;
    let missing = ObjectId::from_bytes(&missing).unwrap();
    if !want_ids.contains(&missing) {
        assert!(matches!(
            odb.read(&missing),
            Err(oxgit::internals::odb::OdbError::NotFound(_))
        ));
        assert!(!odb.contains(&missing));
    }
    objects
}
