//! Replays the corpora and crash artifacts of the object, ref, revision and config fuzz
//! targets (`fuzz/corpus/<target>/`, `fuzz/artifacts/<target>/`) through the very entry
//! points the fuzz targets run (`fuzz/entries.rs`), so that `cargo test` exercises every
//! stored input; and checks that the seeds, taken from real git files, parse.

#[path = "../fuzz/entries.rs"]
mod entries;

use entries::{Entry, TARGETS};
use std::path::Path;

/// Runs every file of `fuzz/<dir>/<target>/`; returns (files, how many parsed).
fn replay(dir: &str, target: &str, entry: Entry) -> (usize, usize) {
    let folder = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz")
        .join(dir)
        .join(target);
    let Ok(list) = std::fs::read_dir(&folder) else {
        return (0, 0);
    };
    let (mut files, mut ok) = (0, 0);
    for e in list {
        let path = e.unwrap().path();
        let bytes = std::fs::read(&path).unwrap();
        let start = std::time::Instant::now();
        let r = std::panic::catch_unwind(|| entry(&bytes));
        assert!(r.is_ok(), "{} panicked", path.display());
        assert!(
            start.elapsed().as_secs() < 10,
            "{} took {:?}",
            path.display(),
            start.elapsed()
        );
        files += 1;
        ok += usize::from(r.unwrap());
    }
    (files, ok)
}

#[test]
fn corpora_and_artifacts_replay() {
    for (target, entry) in TARGETS {
        let (files, ok) = replay("corpus", target, entry);
        assert!(files >= 3, "corpus of {target} has {files} files");
        assert!(ok >= 2, "only {ok} of {files} {target} seeds parse");
        replay("artifacts", target, entry);
    }
}

#[test]
fn entries_reject_garbage() {
    // Targets whose parsers must refuse these bytes (`refs` accepts "" as a name? no: it
    // is invalid, and an empty file is not a ref, so it is refused too).
    for (target, entry) in TARGETS {
        // Any two buffers make a valid line diff: nothing to refuse there.
        if target == "line_diff" {
            continue;
        }
        for bytes in [&b"\xff\xfe garbage \x01"[..], b"[\n", b"100644 \0"] {
            assert!(!entry(bytes), "{target} accepted {bytes:?}");
        }
    }
}

#[test]
fn entries_accept_real_objects() {
    let mut tree = b"100644 a\0".to_vec();
    tree.extend_from_slice(&[7; 20]);
    assert!(entries::tree(&tree));
    assert!(entries::commit(
        b"tree 4b825dc642cb6eb9a060e54bf8d69288fbee4904\nauthor A <a> 1 +0000\n\nm\n"
    ));
    assert!(entries::tag(
        b"object 4b825dc642cb6eb9a060e54bf8d69288fbee4904\ntype tree\ntag t\n\nm\n"
    ));
    assert!(entries::packed_refs(
        b"4b825dc642cb6eb9a060e54bf8d69288fbee4904 refs/heads/x\n"
    ));
    assert!(entries::refs(
        b"refs/heads/main\n4b825dc642cb6eb9a060e54bf8d69288fbee4904\n"
    ));
    assert!(entries::revision(b"HEAD~1^{tree}:d/b"));
    assert!(entries::revision(b"v1^{}"));
    assert!(!entries::revision(b"HEAD~9"));
    assert!(entries::config(b"[core]\n\tbare = false\n"));
}
