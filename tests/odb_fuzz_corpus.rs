//! Replays the fuzz corpora and crash artifacts (`fuzz/corpus/<target>/`,
//! `fuzz/artifacts/<target>/`) through the same entry points the fuzz targets use, so that
//! `cargo test` exercises them; and checks that the seeds parse.

use oxgit::internals::odb::fuzz;
use std::path::Path;

type Entry = fn(&[u8]) -> Result<usize, oxgit::internals::odb::OdbError>;

fn loose(b: &[u8]) -> Result<usize, oxgit::internals::odb::OdbError> {
    fuzz::loose_object(b).map(|(_, n)| n)
}

const TARGETS: [(&str, Entry); 5] = [
    ("loose", loose),
    ("pack_entry", fuzz::pack_entries),
    ("delta", fuzz::delta),
    ("idx", fuzz::idx),
    ("midx", fuzz::midx),
];

/// Runs every file of `dir/<target>/` through its entry point; returns (files, Ok count).
fn replay(dir: &str, target: &str, entry: Entry) -> (usize, usize) {
    let folder = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz")
        .join(dir)
        .join(target);
    let Ok(entries) = std::fs::read_dir(&folder) else {
        return (0, 0);
    };
    let (mut files, mut ok) = (0, 0);
    for e in entries {
        let path = e.unwrap().path();
        let bytes = std::fs::read(&path).unwrap();
        let start = std::time::Instant::now();
        let r = std::panic::catch_unwind(|| entry(&bytes));
        assert!(r.is_ok(), "{} panicked", path.display());
        assert!(start.elapsed().as_secs() < 10, "{} is slow", path.display());
        files += 1;
        ok += usize::from(r.unwrap().is_ok());
    }
    (files, ok)
}

#[test]
fn corpora_and_artifacts_replay() {
    for (target, entry) in TARGETS {
        let (files, ok) = replay("corpus", target, entry);
        assert!(files >= 2, "corpus of {target} has {files} files");
        // The seeds come from real git files: they parse.
        assert!(ok >= 2, "only {ok} of {files} {target} seeds parse");
        replay("artifacts", target, entry);
    }
}

#[test]
fn entry_points_reject_garbage() {
    for (target, entry) in TARGETS {
        for bytes in [
            &b""[..],
            b"\0",
            b"PACK\0\0\0\x02\0\0\0\x01\x90",
            &[0xff; 300][..],
        ] {
            assert!(entry(bytes).is_err(), "{target} accepted {bytes:?}");
        }
    }
}
