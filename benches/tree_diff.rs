//! Benchmarks of tree diffs and rename detection on a generated repository
//! (`fixtures/gen-renames.sh`: 3,000 files, 600 moved or renamed).

use oxgit::diff::{detect_renames, peel_to_tree, tree_changes, RenameOptions, TreeDiffOptions};
use oxgit::{ObjectId, Repository};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

fn main() {
    divan::main();
}

struct Fixture {
    repo: Repository,
    old: ObjectId,
    new: ObjectId,
}

/// Builds (once per run) the benchmark repository in the target folder.
fn fixture() -> &'static Fixture {
    static F: OnceLock<Fixture> = OnceLock::new();
    F.get_or_init(|| {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let dir: PathBuf = root.join("target").join("bench-tree-diff");
        if !dir.join(".done").exists() {
            let _ = std::fs::remove_dir_all(&dir);
            let status = std::process::Command::new("bash")
                .arg(root.join("fixtures").join("gen-renames.sh"))
                .arg(&dir)
                .arg("3000")
                .arg("100")
                .status()
                .expect("run gen-renames.sh");
            assert!(status.success(), "gen-renames.sh failed");
            std::fs::write(dir.join(".done"), b"").unwrap();
        }
        let repo = Repository::discover(&dir).unwrap();
        let old = oxgit::revision::resolve(&repo, "base").unwrap();
        let new = oxgit::revision::resolve(&repo, "renamed").unwrap();
        let old = peel_to_tree(repo.odb(), &old).unwrap();
        let new = peel_to_tree(repo.odb(), &new).unwrap();
        Fixture { repo, old, new }
    })
}

/// The recursive tree walk alone.
#[divan::bench]
fn tree_walk(bencher: divan::Bencher) {
    let f = fixture();
    bencher.bench(|| {
        tree_changes(
            f.repo.odb(),
            Some(&f.old),
            Some(&f.new),
            &TreeDiffOptions::default(),
        )
        .unwrap()
        .len()
    });
}

/// Tree walk plus rename detection with git's defaults (`-M`).
#[divan::bench]
fn tree_walk_and_renames(bencher: divan::Bencher) {
    let f = fixture();
    bencher.bench(|| {
        let changes = tree_changes(
            f.repo.odb(),
            Some(&f.old),
            Some(&f.new),
            &TreeDiffOptions::default(),
        )
        .unwrap();
        detect_renames(f.repo.odb(), changes, &RenameOptions::default())
            .unwrap()
            .changes
            .len()
    });
}

/// Similarity scoring of one pair of 4 KiB text blobs.
#[divan::bench]
fn similarity_4k(bencher: divan::Bencher) {
    let a: Vec<u8> = (0..4096u32)
        .map(|i| {
            if i % 41 == 40 {
                b'\n'
            } else {
                b'a' + (i % 26) as u8
            }
        })
        .collect();
    let mut b = a.clone();
    b[100] = b'#';
    b[2000] = b'#';
    bencher.bench(|| {
        oxgit::diff::rename::similarity(divan::black_box(&a), divan::black_box(&b), 30000)
    });
}
