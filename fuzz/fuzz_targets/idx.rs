//! Fuzz target: `oxgit::internals::odb::fuzz::idx` must return Ok or Err on any input, never panic.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = oxgit::internals::odb::fuzz::idx(data);
});
