//! Hunk headers with function names on a large file: 320,000 lines, 32,000 hunks (the
//! case where scanning back to line 0 for every hunk took seconds; git scans back only to
//! the previous hunk). `cargo bench --bench hunk_headers`.

use oxgit::diff::line::{Options, State};
use oxgit::diff::patch::write_hunks;

fn main() {
    divan::main();
}

/// Old and new sides: a function line every 100 lines, one changed line every 10.
fn sides() -> (Vec<u8>, Vec<u8>) {
    let (mut old, mut new) = (Vec::new(), Vec::new());
    for i in 0..320_000u32 {
        let line = if i % 100 == 0 {
            format!("fn function_{i}() {{\n")
        } else {
            format!("    statement {i};\n")
        };
        old.extend_from_slice(line.as_bytes());
        if i % 10 == 5 {
            new.extend_from_slice(format!("    changed {i};\n").as_bytes());
        } else {
            new.extend_from_slice(line.as_bytes());
        }
    }
    (old, new)
}

#[divan::bench(sample_count = 5)]
fn patch_320k_lines_32k_hunks(bencher: divan::Bencher) {
    let (old, new) = sides();
    let mut state = State::new();
    let opts = Options::default();
    bencher.bench_local(|| {
        let diff = state.diff(&old, &new, &opts).unwrap();
        let mut out = Vec::with_capacity(8 << 20);
        write_hunks(&mut out, &diff);
        out.len()
    });
}
