//! Fuzz target: the `line_diff` entry of `fuzz/entries.rs` (git's line diff in every
//! algorithm, the patch printer and the counters) must hold its invariants on any input.
#![no_main]

#[path = "../entries.rs"]
mod entries;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = entries::line_diff(data);
});
