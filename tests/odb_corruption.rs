//! Corrupt storage: truncated and bit-flipped copies of packs, indexes, multi-pack-indexes
//! and loose objects. Every read must return the right object or an error: never a panic,
//! never a hang, never wrong contents (reads are hash-verified here).

mod common;
mod odb_util;

use odb_util::{git_objects, objects_dir, GitObject};
use oxgit::internals::odb::Odb;
use oxgit::oid::HexPrefix;
use oxgit::HashKind;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// Copies a folder tree.
fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), &target).unwrap();
            let mut perm = std::fs::metadata(&target).unwrap().permissions();
            #[allow(clippy::permissions_set_readonly_false)]
            perm.set_readonly(false);
            std::fs::set_permissions(&target, perm).unwrap();
        }
    }
}

/// One way to damage a file.
#[derive(Debug, Clone, Copy)]
enum Damage {
    /// Keep only the first n bytes.
    Truncate(usize),
    /// XOR the byte at this position.
    Flip(usize, u8),
}

/// Positions spread over a file of `len` bytes, denser at both ends where the headers and
/// checksums are.
fn positions(len: usize, spread: usize) -> Vec<usize> {
    let mut v: Vec<usize> = (0..len.min(48)).collect();
    v.extend((0..spread).map(|i| i * len / spread));
    v.extend(len.saturating_sub(48)..len);
    v.sort();
    v.dedup();
    v
}

fn damages(len: usize, spread: usize) -> Vec<Damage> {
    let mut out = Vec::new();
    for (n, p) in positions(len, spread).into_iter().enumerate() {
        out.push(Damage::Flip(p, [0x01, 0x10, 0x80, 0xff][n % 4]));
        if n % 3 == 0 {
            out.push(Damage::Truncate(p));
        }
    }
    out
}

/// Reads every object of `objects` through an Odb on `dir`, with and without hash
/// verification, checking that each verified read is right or an error. Returns the number
/// of verified reads that failed.
fn read_everything(dir: &Path, objects: &[GitObject], hash: HashKind, what: &str) -> usize {
    let start = Instant::now();
    let mut failed = 0;
    for verify in [false, true] {
        let mut odb = match Odb::open(dir, hash) {
            Ok(o) => o,
            Err(_) => {
                failed += objects.len();
                continue;
            }
        };
        odb.set_verify_hashes(verify);
        let mut buf = Vec::new();
        for o in objects {
            match odb.read_into(&o.id, &mut buf) {
                Ok(kind) if verify => {
                    assert_eq!(kind, o.kind, "{what}: wrong kind for {}", o.id);
                    assert!(buf == o.data, "{what}: wrong contents for {}", o.id);
                    if let Ok(h) = odb.read_header(&o.id) {
                        assert_eq!(h, (o.kind, o.data.len() as u64), "{what}: header {}", o.id);
                    }
                }
                r => {
                    failed += usize::from(verify && r.is_err());
                    let _ = odb.read_header(&o.id);
                }
            }
            let _ = odb.contains(&o.id);
        }
        let _ = odb.all_ids();
        for o in objects.iter().step_by(50) {
            let p = HexPrefix::parse(o.id.to_hex_prefix(5).as_bytes(), hash).unwrap();
            let _ = odb.find_prefix(&p, 10, &mut Vec::new());
        }
    }
    assert!(
        start.elapsed() < Duration::from_secs(20),
        "{what}: reading took {:?}",
        start.elapsed()
    );
    failed
}

/// Applies every damage in turn to `file` (relative to a copy of `objects`), reading
/// everything after each.
fn damage_each(
    objects_src: &Path,
    file: &Path,
    git: &[GitObject],
    hash: HashKind,
    spread: usize,
) -> usize {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("objects");
    copy_dir(objects_src, &dir);
    let target = dir.join(file);
    let original = std::fs::read(&target).unwrap();
    let list = damages(original.len(), spread);
    let mut noticed = 0;
    for d in &list {
        let mut bytes = original.clone();
        match *d {
            Damage::Truncate(n) => bytes.truncate(n),
            Damage::Flip(p, x) => bytes[p] ^= x,
        }
        std::fs::write(&target, &bytes).unwrap();
        let what = format!("{} {:?}", file.display(), d);
        noticed += usize::from(read_everything(&dir, git, hash, &what) > 0);
    }
    std::fs::write(&target, &original).unwrap();
    // Much damage must be noticed. Some bytes do not matter to reads (trailing checksums,
    // chunks we do not use), and a multi-pack-index that does not parse is skipped in
    // favour of the packs' own indexes.
    assert!(
        noticed * 5 >= list.len(),
        "{}: only {noticed} of {} damages noticed",
        file.display(),
        list.len()
    );
    list.len()
}

fn find(dir: &Path, ext: &str) -> PathBuf {
    let pack = dir.join("pack");
    let mut v: Vec<PathBuf> = std::fs::read_dir(&pack)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().ends_with(ext))
        .collect();
    v.sort();
    v[0].strip_prefix(dir).unwrap().to_path_buf()
}

#[test]
fn damaged_pack_files() {
    let repo = common::fixture("odb-refdelta");
    let objects = objects_dir(&repo);
    let git = git_objects(&repo);
    let n = damage_each(
        &objects,
        &find(&objects, ".pack"),
        &git,
        HashKind::Sha1,
        150,
    );
    assert!(n > 150);
    let repo = common::fixture("odb-deep");
    let objects = objects_dir(&repo);
    let git = git_objects(&repo);
    damage_each(&objects, &find(&objects, ".pack"), &git, HashKind::Sha1, 40);
}

#[test]
fn damaged_pack_indexes() {
    for (name, hash) in [
        ("odb-refdelta", HashKind::Sha1),
        ("odb-idx-v1", HashKind::Sha1),
        ("odb-sha256", HashKind::Sha256),
    ] {
        let repo = common::fixture(name);
        let objects = objects_dir(&repo);
        let git = git_objects(&repo);
        damage_each(&objects, &uncovered_idx(&objects, hash), &git, hash, 120);
    }
}

/// An `.idx` that no multi-pack-index covers (so that reads use it).
fn uncovered_idx(dir: &Path, hash: HashKind) -> PathBuf {
    let covered: Vec<String> =
        oxgit::internals::odb::MultiPackIndex::open(&dir.join("pack/multi-pack-index"), hash)
            .map(|m| m.pack_names().to_vec())
            .unwrap_or_default();
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir.join("pack"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "idx"))
        .filter(|p| !covered.contains(&p.file_name().unwrap().to_string_lossy().into_owned()))
        .collect();
    v.sort();
    v[0].strip_prefix(dir).unwrap().to_path_buf()
}

#[test]
fn damaged_sha256_multi_pack_index() {
    let repo = common::fixture("odb-sha256");
    let objects = objects_dir(&repo);
    let git = git_objects(&repo);
    damage_each(
        &objects,
        Path::new("pack/multi-pack-index"),
        &git,
        HashKind::Sha256,
        60,
    );
}

#[test]
fn damaged_large_offset_index() {
    let repo = common::fixture("odb-large-offsets");
    let git = git_objects(&repo);
    let forced = repo.join("forced");
    damage_each(&forced, &find(&forced, ".idx"), &git, HashKind::Sha1, 120);
}

#[test]
fn damaged_multi_pack_index() {
    let repo = common::fixture("odb-midx");
    let objects = objects_dir(&repo);
    let git = git_objects(&repo);
    let n = damage_each(
        &objects,
        Path::new("pack/multi-pack-index"),
        &git,
        HashKind::Sha1,
        150,
    );
    assert!(n > 150);
}

#[test]
fn damaged_loose_objects() {
    let repo = common::fixture("odb-loose");
    let objects = objects_dir(&repo);
    let git = git_objects(&repo);
    // The largest loose files (the most structure to damage) and a small one.
    let mut files: Vec<(u64, PathBuf)> = git
        .iter()
        .map(|o| {
            let hex = o.id.to_hex();
            let rel = PathBuf::from(&hex[..2]).join(&hex[2..]);
            (std::fs::metadata(objects.join(&rel)).unwrap().len(), rel)
        })
        .collect();
    files.sort();
    let mut picks = files[files.len() - 3..].to_vec();
    picks.push(files[0].clone());
    for (_, rel) in picks {
        damage_each(&objects, &rel, &git, HashKind::Sha1, 40);
    }
}

#[test]
fn missing_and_garbage_pack_files() {
    let repo = common::fixture("odb-multi");
    let src = objects_dir(&repo);
    let git = git_objects(&repo);
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("objects");
    copy_dir(&src, &dir);
    let pack = dir.join(find(&dir, ".pack"));
    // A pack whose data file vanished: its objects are missing (an error), others read.
    std::fs::remove_file(&pack).unwrap();
    assert!(read_everything(&dir, &git, HashKind::Sha1, "pack removed") > 0);
    // Garbage files named like packs and indexes.
    std::fs::write(&pack, b"not a pack").unwrap();
    std::fs::write(dir.join("pack/pack-0000.idx"), b"").unwrap();
    std::fs::write(dir.join("pack/pack-0000.pack"), b"PACK").unwrap();
    std::fs::write(dir.join("pack/multi-pack-index"), b"MIDX").unwrap();
    let odb = Odb::open(&dir, HashKind::Sha1).unwrap();
    let mut errors = 0;
    for o in &git {
        match odb.read(&o.id) {
            Ok(obj) => assert!(obj.data == o.data),
            Err(e) => {
                errors += 1;
                let msg = e.to_string();
                assert!(
                    msg.contains("corrupt") || msg.contains("not found"),
                    "{msg}"
                );
            }
        }
    }
    assert!(errors > 0);
    assert!(errors < git.len());
}

#[test]
fn multi_pack_index_naming_a_missing_pack() {
    let repo = common::fixture("odb-midx");
    let src = objects_dir(&repo);
    let git = git_objects(&repo);
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("objects");
    copy_dir(&src, &dir);
    let m = oxgit::internals::odb::MultiPackIndex::open(
        &dir.join("pack/multi-pack-index"),
        HashKind::Sha1,
    )
    .unwrap();
    let gone = m.pack_names()[0].replace(".idx", ".pack");
    std::fs::remove_file(dir.join("pack").join(&gone)).unwrap();
    let odb = Odb::open(&dir, HashKind::Sha1).unwrap();
    let (mut ok, mut failed) = (0, 0);
    for o in &git {
        match odb.read(&o.id) {
            Ok(obj) => {
                assert!(obj.data == o.data);
                ok += 1;
            }
            Err(e) => {
                assert!(e.to_string().contains(&gone), "{e}");
                failed += 1;
            }
        }
    }
    assert!(ok > 0 && failed > 0, "{ok} read, {failed} failed");
}
