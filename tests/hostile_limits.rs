//! Resource limits on hostile storage, as typed errors with bounded memory and time: deltas
//! producing more than they declare or copying past their base, absurd declared sizes,
//! and zlib bombs (objects inflating far past their header's size) in loose objects and
//! packs. Peak allocation is measured per thread by a counting allocator.
//!
//! Chains deeper than `MAX_DELTA_CHAIN`, `REF_DELTA` cycles and entry sizes beyond the
//! pack are covered in `tests/odb_synthetic.rs`.

use flate2::write::ZlibEncoder;
use flate2::Compression;
use oxgit::internals::odb::{apply_delta, fuzz, inflate_loose, DeltaError, OdbError};
use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::io::Write;
use std::path::Path;

/// The system allocator, counting each thread's live and peak bytes.
struct Counting;

thread_local! {
    static LIVE: Cell<usize> = const { Cell::new(0) };
    static PEAK: Cell<usize> = const { Cell::new(0) };
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let _ = LIVE.try_with(|l| {
            let now = l.get() + layout.size();
            l.set(now);
            let _ = PEAK.try_with(|p| p.set(p.get().max(now)));
        });
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        let _ = LIVE.try_with(|l| l.set(l.get().saturating_sub(layout.size())));
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

/// Runs `f` and returns its result with the peak bytes this thread allocated during it.
fn peak_of<T>(f: impl FnOnce() -> T) -> (T, usize) {
    let base = LIVE.with(Cell::get);
    PEAK.with(|p| p.set(base));
    let r = f();
    (r, PEAK.with(Cell::get) - base)
}

fn zlib(data: &[u8]) -> Vec<u8> {
    let mut z = ZlibEncoder::new(Vec::new(), Compression::best());
    z.write_all(data).unwrap();
    z.finish().unwrap()
}

fn varint(mut n: u64, out: &mut Vec<u8>) {
    loop {
        let b = (n & 0x7f) as u8;
        n >>= 7;
        if n == 0 {
            out.push(b);
            return;
        }
        out.push(b | 0x80);
    }
}

fn delta(src: u64, dst: u64, ops: &[u8]) -> Vec<u8> {
    let mut d = Vec::new();
    varint(src, &mut d);
    varint(dst, &mut d);
    d.extend_from_slice(ops);
    d
}

const MIB: usize = 1 << 20;

#[test]
fn delta_producing_more_than_declared() {
    let base = b"abcdef";
    let mut out = Vec::new();
    // Declares 2 bytes, copies 6.
    let e = apply_delta(base, &delta(6, 2, &[0x90, 6]), &mut out).unwrap_err();
    assert_eq!(
        e,
        DeltaError::ResultSizeMismatch {
            expected: 2,
            actual: 6
        }
    );
    // Declares 3, inserts 3 then copies 1.
    let e = apply_delta(
        base,
        &delta(6, 3, &[3, b'x', b'y', b'z', 0x90, 1]),
        &mut out,
    );
    assert!(matches!(e, Err(DeltaError::ResultSizeMismatch { .. })));
    assert!(out.len() <= 3);
}

#[test]
fn delta_copy_past_the_base() {
    let base = b"abcdef";
    let mut out = Vec::new();
    // Offset 4, size 5: past the 6-byte base.
    let e = apply_delta(base, &delta(6, 5, &[0x91, 4, 5]), &mut out).unwrap_err();
    assert!(
        matches!(
            e,
            DeltaError::CopyOutOfBounds {
                offset: 4,
                size: 5,
                ..
            }
        ),
        "{e}"
    );
    // An offset near u32::MAX must not wrap.
    let e = apply_delta(
        base,
        &delta(6, 1, &[0x9f, 0xff, 0xff, 0xff, 0xff, 1]),
        &mut out,
    );
    assert!(
        matches!(e, Err(DeltaError::CopyOutOfBounds { .. })),
        "{e:?}"
    );
}

#[test]
fn delta_declaring_an_absurd_size_allocates_nothing_big() {
    let base = b"abc";
    let mut out = Vec::new();
    for dst in [1u64 << 40, u64::MAX >> 1] {
        let (r, peak) = peak_of(|| apply_delta(base, &delta(3, dst, &[0x90, 3]), &mut out));
        assert!(r.is_err(), "{dst}");
        assert!(peak < MIB, "{peak} bytes allocated for a {dst}-byte claim");
    }
}

/// A loose object file: zlib of `header` followed by `len` zero bytes.
fn loose_bomb(header: &[u8], len: usize) -> Vec<u8> {
    let mut raw = header.to_vec();
    raw.resize(header.len() + len, 0);
    zlib(&raw)
}

#[test]
fn loose_zlib_bomb_is_refused_with_bounded_memory() {
    // 64 MiB of zeros behind a header that says 16 bytes: about 64 KiB on disk.
    let file = loose_bomb(b"blob 16\0", 64 * MIB);
    assert!(file.len() < MIB);
    let mut buf = Vec::new();
    let start = std::time::Instant::now();
    let (r, peak) = peak_of(|| inflate_loose(&file, Path::new("bomb"), &mut buf));
    match r {
        Err(OdbError::Corrupt { what, .. }) => assert!(what.contains("longer"), "{what}"),
        other => panic!("expected Corrupt, got {other:?}"),
    }
    assert!(peak < 4 * MIB, "peak {peak} bytes");
    assert!(start.elapsed().as_secs() < 5);
}

#[test]
fn loose_header_beyond_what_the_file_can_hold() {
    // 40 bytes on disk cannot inflate to a terabyte: refused before any allocation.
    let file = loose_bomb(b"blob 1099511627776\0", 0);
    let mut buf = Vec::new();
    let (r, peak) = peak_of(|| inflate_loose(&file, Path::new("liar"), &mut buf));
    match r {
        Err(OdbError::Corrupt { what, .. }) => assert!(what.contains("declares"), "{what}"),
        other => panic!("expected Corrupt, got {other:?}"),
    }
    assert!(peak < MIB, "peak {peak} bytes");
    // A size that fits the ratio bound but is not there: an error too.
    let file = loose_bomb(b"blob 5000\0", 10);
    assert!(inflate_loose(&file, Path::new("short"), &mut buf).is_err());
}

/// A pack with one blob entry declaring `size` whose data inflates to `len` zeros.
fn pack_bomb(size: usize, len: usize) -> Vec<u8> {
    let mut pack = b"PACK\0\0\0\x02\0\0\0\x01".to_vec();
    let mut s = size;
    let mut b = (3u8 << 4) | (s & 15) as u8;
    s >>= 4;
    while s > 0 {
        pack.push(b | 0x80);
        b = (s & 0x7f) as u8;
        s >>= 7;
    }
    pack.push(b);
    pack.extend_from_slice(&zlib(&vec![0; len]));
    pack.extend_from_slice(&[0; 20]);
    pack
}

#[test]
fn pack_zlib_bomb_is_refused_with_bounded_memory() {
    let pack = pack_bomb(16, 64 * MIB);
    let start = std::time::Instant::now();
    let (r, peak) = peak_of(|| fuzz::pack_entries(&pack));
    assert!(r.is_err(), "{r:?}");
    // The pack's own bytes are copied once by the entry point.
    assert!(peak < 4 * MIB + 2 * pack.len(), "peak {peak} bytes");
    assert!(start.elapsed().as_secs() < 5);
    // The same entry, honest about its size, is fine.
    assert_eq!(fuzz::pack_entries(&pack_bomb(MIB, MIB)).unwrap(), 1);
}

#[test]
fn the_allocation_counter_counts() {
    let (v, peak) = peak_of(|| vec![1u8; 2 * MIB]);
    assert_eq!(v.len(), 2 * MIB);
    assert!(peak >= 2 * MIB, "{peak}");
}
