// Entry points of the server's fuzz targets, shared with the corpus replay test
// `tests/server_fuzz_corpus.rs` (both `include` this file through `#[path]`).
#![allow(dead_code)]

/// A fuzz entry point: bytes in, "did it parse" out.
pub type Entry = fn(&[u8]) -> bool;

/// The server's targets: name (folder under `corpus/` and `artifacts/`) and entry.
pub const SERVER_TARGETS: [(&str, Entry); 3] = [
    ("jwt", oxgit::server::fuzz::jwt),
    ("server_config", oxgit::server::fuzz::config),
    ("request_headers", oxgit::server::fuzz::request_headers),
];
