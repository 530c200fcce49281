//! Fuzz target: `oxgit::internals::odb::fuzz::midx` must return Ok or Err on any input, never panic.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = oxgit::internals::odb::fuzz::midx(data);
});
