//! Fuzz target: the `jwt` entry of `fuzz/server_entries.rs` must return on any input,
//! never panic.
#![no_main]

#[path = "../server_entries.rs"]
mod server_entries;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = (server_entries::SERVER_TARGETS
        .iter()
        .find(|(n, _)| *n == "jwt")
        .expect("target")
        .1)(data);
});
