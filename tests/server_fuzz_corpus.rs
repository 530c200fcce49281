//! Replays the server fuzz targets' corpora and artifacts (`fuzz/corpus/<target>/`,
//! `fuzz/artifacts/<target>/`) through the entry points the targets run.
#![cfg(feature = "server")]

#[path = "../fuzz/server_entries.rs"]
mod server_entries;

use server_entries::SERVER_TARGETS;
use std::path::Path;

fn replay(dir: &str, target: &str, entry: server_entries::Entry) -> (usize, usize) {
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
fn server_corpora_replay() {
    for (target, entry) in SERVER_TARGETS {
        let (files, ok) = replay("corpus", target, entry);
        assert!(files >= 3, "corpus of {target} has {files} files");
        assert!(ok >= 2, "only {ok} of {files} {target} seeds parse");
        replay("artifacts", target, entry);
    }
}

#[test]
fn server_entries_refuse_garbage() {
    for (target, entry) in SERVER_TARGETS {
        for bytes in [&b"\xff\xfe garbage \x01"[..], b"[\n", b"a.b.c"] {
            assert!(!entry(bytes), "{target} accepted {bytes:?}");
        }
    }
}
