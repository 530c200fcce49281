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
