//! `cat-file --batch-all-objects` over mixed storage: several packs holding the same
//! objects, `REF_DELTA` and `OFS_DELTA` packs, and loose objects, against git.

mod common;
use common::*;
use std::path::Path;

fn commit_files(dir: &Path, round: usize) {
    for f in 0..6 {
        let mut text = String::new();
        for l in 0..80 {
            text.push_str(&format!(
                "file {f} line {l} {}\n",
                if l % 9 == round % 9 { round } else { 0 }
            ));
        }
        std::fs::write(dir.join(format!("f{f}.txt")), text).unwrap();
    }
    git(dir, &["add", "-A"]);
    git(dir, &["commit", "-q", "-m", &format!("round {round}")]);
}

#[test]
fn mixed_storage_matches_git() {
    check_git_version();
    let dir = scratch_dir().join(format!("catall-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    git(&dir, &["init", "-q", "-b", "main"]);
    for r in 0..8 {
        commit_files(&dir, r);
    }
    // One pack with REF_DELTA entries.
    git(&dir, &["repack", "-adq", "--depth=20"]);
    let packs = dir.join(".git/objects/pack");
    let out = run(
        {
            let mut c = git_cmd(&dir);
            c.args(["pack-objects", "--all", "--no-delta-base-offset", "-q"])
                .arg(packs.join("refd"));
            c
        },
        b"",
    );
    assert!(out.status.success());
    for r in 8..12 {
        commit_files(&dir, r);
    }
    // A second, overlapping OFS_DELTA pack of everything, then loose objects on top.
    let out = run(
        {
            let mut c = git_cmd(&dir);
            c.args(["pack-objects", "--all", "-q"])
                .arg(packs.join("ofs"));
            c
        },
        b"",
    );
    assert!(out.status.success());
    for r in 12..14 {
        commit_files(&dir, r);
    }
    for args in [
        &["cat-file", "--batch-all-objects", "--batch-check"][..],
        &["cat-file", "--batch-all-objects", "--batch"],
        &[
            "cat-file",
            "--batch-all-objects",
            "--batch-check=%(objectsize) %(objecttype)",
        ],
        &[
            "cat-file",
            "--batch-all-objects",
            "--batch-check=%(objectname)",
        ],
    ] {
        assert_same(&dir, args);
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// A pack index whose name table is out of order (two neighbours swapped, checksum
/// rewritten): the sorted listing cannot merge it, so oxgit sorts in memory instead, and
/// lists what git lists (sorted and `--unordered`).
#[test]
fn out_of_order_pack_index_lists_what_git_lists() {
    let dir = scratch_dir().join(format!("unsorted-idx-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    copy_dir(&fixture("basic-packed"), &dir);
    let pack_dir = dir.join(".git/objects/pack");
    let mut idx = None;
    for entry in std::fs::read_dir(&pack_dir).unwrap() {
        let path = entry.unwrap().path();
        match path.extension().and_then(|e| e.to_str()) {
            Some("idx") => idx = Some(path),
            Some("rev") => std::fs::remove_file(&path).unwrap(),
            _ if path.file_name().unwrap() == "multi-pack-index" => {
                std::fs::remove_file(&path).unwrap()
            }
            _ => {}
        }
    }
    git(&dir, &["config", "core.multiPackIndex", "false"]);
    let idx = idx.expect("basic-packed has a pack index");
    let mut b = std::fs::read(&idx).unwrap();
    let n = u32::from_be_bytes(b[8 + 255 * 4..8 + 256 * 4].try_into().unwrap()) as usize;
    let (names, crcs) = (8 + 1024, 8 + 1024 + 20 * n);
    let offsets = crcs + 4 * n;
    let i = (0..n - 1)
        .find(|&i| b[names + 20 * i] == b[names + 20 * (i + 1)])
        .expect("two ids with the same first byte");
    for (base, size) in [(names, 20), (crcs, 4), (offsets, 4)] {
        let (a, c) = (base + size * i, base + size * (i + 1));
        for k in 0..size {
            b.swap(a + k, c + k);
        }
    }
    let body = b.len() - 20;
    let sum = sha1_hex(&b[..body]);
    b[body..].copy_from_slice(&hex_bytes(&sum));
    std::fs::write(&idx, &b).unwrap();
    assert_same(&dir, &["cat-file", "--batch-all-objects", "--batch-check"]);
    assert_same(
        &dir,
        &[
            "cat-file",
            "--batch-all-objects",
            "--batch-check",
            "--unordered",
        ],
    );
}

/// SHA-1 of `data` by `sha1sum` (the test links no hasher of its own).
fn sha1_hex(data: &[u8]) -> String {
    let out = run(
        {
            let mut c = std::process::Command::new("sha1sum");
            c.arg("-");
            c
        },
        data,
    );
    String::from_utf8_lossy(&out.stdout)[..40].to_string()
}

fn hex_bytes(hex: &str) -> Vec<u8> {
    (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap())
        .collect()
}
