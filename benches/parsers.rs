//! Micro-benchmarks of the engine's innermost loops on generated data: inflating a loose
//! object, applying a delta, and parsing a tree.
//!
//! `cargo bench --bench parsers`

use oxgit::object::TreeIter;
use oxgit::HashKind;
use std::io::Write;
use std::path::Path;

fn main() {
    divan::main();
}

/// Source-like text: numbered lines with some repetition, `n` bytes.
fn text(n: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(n + 64);
    let mut i = 0u64;
    while out.len() < n {
        writeln!(
            out,
            "    let value_{} = compute({}, \"item {}\");",
            i % 97,
            i,
            i % 13
        )
        .unwrap();
        i += 1;
    }
    out.truncate(n);
    out
}

/// A loose object file: zlib of `blob <n>\0<contents>`.
fn loose_object(contents: &[u8]) -> Vec<u8> {
    let mut raw = format!("blob {}\0", contents.len()).into_bytes();
    raw.extend_from_slice(contents);
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    z.write_all(&raw).unwrap();
    z.finish().unwrap()
}

#[divan::bench(args = [4 * 1024, 256 * 1024])]
fn inflate_loose_object(bencher: divan::Bencher, size: usize) {
    let file = loose_object(&text(size));
    let mut buf = Vec::new();
    bencher
        .counter(divan::counter::BytesCount::new(size))
        .bench_local(|| {
            oxgit::internals::odb::inflate_loose(&file, Path::new("bench"), &mut buf).unwrap();
            buf.len()
        });
}

/// Appends git's little-endian base-128 size.
fn push_size(out: &mut Vec<u8>, mut n: usize) {
    loop {
        let byte = (n & 0x7f) as u8;
        n >>= 7;
        if n == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

/// A delta that rebuilds `base` with a small edit every `stride` bytes: long copies and
/// short inserts, like a typical source change.
fn delta_for(base: &[u8], stride: usize) -> (Vec<u8>, usize) {
    let mut ops = Vec::new();
    let mut result_len = 0;
    let mut at = 0;
    while at < base.len() {
        let len = stride.min(base.len() - at).min(0xffff);
        // Copy `len` bytes from `at`: offset in 4 bytes, size in 2.
        ops.push(0x80 | 0x0f | 0x30);
        ops.extend_from_slice(&(at as u32).to_le_bytes());
        ops.extend_from_slice(&(len as u16).to_le_bytes());
        result_len += len;
        // Insert a short new line.
        let insert = b"// changed\n";
        ops.push(insert.len() as u8);
        ops.extend_from_slice(insert);
        result_len += insert.len();
        at += len;
    }
    let mut delta = Vec::new();
    push_size(&mut delta, base.len());
    push_size(&mut delta, result_len);
    delta.extend_from_slice(&ops);
    (delta, result_len)
}

#[divan::bench(args = [64 * 1024, 1024 * 1024])]
fn apply_delta(bencher: divan::Bencher, size: usize) {
    let base = text(size);
    let (delta, result_len) = delta_for(&base, 2000);
    let mut out = Vec::new();
    bencher
        .counter(divan::counter::BytesCount::new(result_len))
        .bench_local(|| {
            oxgit::internals::odb::apply_delta(&base, &delta, &mut out).unwrap();
            out.len()
        });
}

#[divan::bench(args = [100, 5000])]
fn parse_tree(bencher: divan::Bencher, entries: usize) {
    let mut names: Vec<String> = (0..entries).map(|i| format!("file_{i:06}.rs")).collect();
    names.sort();
    let mut tree = Vec::new();
    for (i, name) in names.iter().enumerate() {
        tree.extend_from_slice(if i % 10 == 0 { b"40000 " } else { b"100644 " });
        tree.extend_from_slice(name.as_bytes());
        tree.push(0);
        tree.extend_from_slice(&[(i % 251) as u8; 20]);
    }
    bencher
        .counter(divan::counter::ItemsCount::new(entries))
        .bench_local(|| {
            TreeIter::new(&tree, HashKind::Sha1)
                .filter(|e| e.as_ref().is_ok_and(|e| e.mode.is_tree()))
                .count()
        });
}
