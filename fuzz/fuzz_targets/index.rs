//! Fuzz target: the `index` entry of `fuzz/entries.rs` must return on any input, never panic.
#![no_main]

#[path = "../entries.rs"]
mod entries;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = entries::index(data);
});
