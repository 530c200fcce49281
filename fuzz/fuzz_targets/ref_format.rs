//! Fuzz target: the `ref_format` entry of `fuzz/entries.rs` must return on any input, never
//! panic.
#![no_main]

#[path = "../entries.rs"]
mod entries;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = entries::ref_format(data);
});
