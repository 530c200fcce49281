//! Hand-built packs for what git never writes: REF_DELTA cycles, delta chains deeper than
//! the bound, deltas reaching outside their base, bases in other packs or loose.

use flate2::write::ZlibEncoder;
use flate2::Compression;
use oxgit::internals::odb::{DeltaError, Odb, OdbError, MAX_DELTA_CHAIN};
use oxgit::{HashKind, ObjectId, ObjectKind};
use std::io::Write;
use std::path::Path;

/// One entry of a synthetic pack.
enum E {
    /// A whole object.
    Whole(ObjectKind, Vec<u8>),
    /// A delta against the entry `n` places earlier.
    Ofs(usize, Vec<u8>),
    /// A delta against the object with this id.
    Ref(ObjectId, Vec<u8>),
    /// A whole object whose header claims another size.
    Lying(ObjectKind, Vec<u8>, usize),
}

fn zlib(data: &[u8]) -> Vec<u8> {
    let mut z = ZlibEncoder::new(Vec::new(), Compression::default());
    z.write_all(data).unwrap();
    z.finish().unwrap()
}

fn entry_header(ty: u8, mut size: usize, out: &mut Vec<u8>) {
    let mut b = (ty << 4) | (size & 15) as u8;
    size >>= 4;
    while size > 0 {
        out.push(b | 0x80);
        b = (size & 0x7f) as u8;
        size >>= 7;
    }
    out.push(b);
}

fn ofs_bytes(mut n: u64) -> Vec<u8> {
    let mut v = vec![(n & 0x7f) as u8];
    n >>= 7;
    while n > 0 {
        n -= 1;
        v.push(0x80 | (n & 0x7f) as u8);
        n >>= 7;
    }
    v.reverse();
    v
}

/// Writes `pack/pack-<name>.pack` and `.idx` (v2) into `objects`, listing entry `i`
/// under `ids[i]`.
fn write_pack(objects: &Path, name: &str, entries: &[E], ids: &[ObjectId]) {
    let mut pack = b"PACK\0\0\0\x02".to_vec();
    pack.extend_from_slice(&(entries.len() as u32).to_be_bytes());
    let mut offsets = Vec::new();
    for e in entries {
        let at = pack.len();
        match e {
            E::Whole(kind, data) => {
                entry_header(kind.pack_type(), data.len(), &mut pack);
                pack.extend(zlib(data));
            }
            E::Ofs(back, delta) => {
                entry_header(6, delta.len(), &mut pack);
                let base: usize = offsets[offsets.len() - back];
                pack.extend(ofs_bytes((at - base) as u64));
                pack.extend(zlib(delta));
            }
            E::Lying(kind, data, size) => {
                entry_header(kind.pack_type(), *size, &mut pack);
                pack.extend(zlib(data));
            }
            E::Ref(id, delta) => {
                entry_header(7, delta.len(), &mut pack);
                pack.extend_from_slice(id.as_bytes());
                pack.extend(zlib(delta));
            }
        }
        offsets.push(at);
    }
    let checksum = [0x5au8; 20];
    pack.extend_from_slice(&checksum);
    let mut order: Vec<usize> = (0..ids.len()).collect();
    order.sort_by_key(|&i| ids[i]);
    let mut idx = vec![0xff, b't', b'O', b'c', 0, 0, 0, 2];
    for b in 0..256 {
        let n = order
            .iter()
            .filter(|&&i| ids[i].as_bytes()[0] as usize <= b)
            .count();
        idx.extend_from_slice(&(n as u32).to_be_bytes());
    }
    for &i in &order {
        idx.extend_from_slice(ids[i].as_bytes());
    }
    for _ in &order {
        idx.extend_from_slice(&[0; 4]);
    }
    for &i in &order {
        idx.extend_from_slice(&(offsets[i] as u32).to_be_bytes());
    }
    idx.extend_from_slice(&checksum);
    idx.extend_from_slice(&[0; 20]);
    let dir = objects.join("pack");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join(format!("pack-{name}.pack")), pack).unwrap();
    std::fs::write(dir.join(format!("pack-{name}.idx")), idx).unwrap();
}

/// A delta that copies all of a `base_len`-byte base and appends `extra`.
fn append_delta(base_len: usize, extra: &[u8]) -> Vec<u8> {
    let mut d = Vec::new();
    for mut n in [base_len, base_len + extra.len()] {
        loop {
            let b = (n & 0x7f) as u8;
            n >>= 7;
            if n == 0 {
                d.push(b);
                break;
            }
            d.push(b | 0x80);
        }
    }
    if base_len > 0 {
        // Copy offset 0, 3 size bytes.
        d.extend_from_slice(&[
            0xf0,
            base_len as u8,
            (base_len >> 8) as u8,
            (base_len >> 16) as u8,
        ]);
    }
    d.push(extra.len() as u8);
    d.extend_from_slice(extra);
    d
}

fn id(n: u32) -> ObjectId {
    let mut b = [0u8; 20];
    b[..4].copy_from_slice(&n.to_be_bytes());
    b[19] = 1;
    ObjectId::from_bytes(&b).unwrap()
}

fn corrupt_message(e: OdbError) -> String {
    match e {
        OdbError::Corrupt { what, .. } => what,
        other => panic!("expected Corrupt, got {other}"),
    }
}

#[test]
fn ref_delta_cycle_is_an_error() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = (id(1), id(2));
    write_pack(
        tmp.path(),
        "cycle",
        &[
            E::Ref(b, append_delta(3, b"x")),
            E::Ref(a, append_delta(3, b"y")),
        ],
        &[a, b],
    );
    let odb = Odb::open(tmp.path(), HashKind::Sha1).unwrap();
    assert!(corrupt_message(odb.read(&a).unwrap_err()).contains("cycle"));
    assert!(corrupt_message(odb.read_header(&b).unwrap_err()).contains("cycle"));
    // A self-reference too.
    let tmp = tempfile::tempdir().unwrap();
    write_pack(
        tmp.path(),
        "self",
        &[E::Ref(a, append_delta(3, b"x"))],
        &[a],
    );
    let odb = Odb::open(tmp.path(), HashKind::Sha1).unwrap();
    assert!(corrupt_message(odb.read(&a).unwrap_err()).contains("cycle"));
}

#[test]
fn delta_chains_resolve_up_to_the_bound() {
    let tmp = tempfile::tempdir().unwrap();
    let depth = 600;
    let mut entries = vec![E::Whole(ObjectKind::Blob, b"base".to_vec())];
    let mut expected = b"base".to_vec();
    for i in 0..depth {
        let extra = [b'a' + (i % 26) as u8];
        entries.push(E::Ofs(1, append_delta(expected.len(), &extra)));
        expected.extend_from_slice(&extra);
    }
    let ids: Vec<ObjectId> = (0..=depth as u32).map(id).collect();
    write_pack(tmp.path(), "chain", &entries, &ids);
    let mut odb = Odb::open(tmp.path(), HashKind::Sha1).unwrap();
    odb.set_cache_limit(0);
    let top = ids[depth];
    let obj = odb.read(&top).unwrap();
    assert_eq!(obj.kind, ObjectKind::Blob);
    assert_eq!(obj.data, expected);
    assert_eq!(
        odb.read_header(&top).unwrap(),
        (ObjectKind::Blob, expected.len() as u64)
    );
    // The middle of the chain, read after the top, comes out right with a cache too.
    let odb = Odb::open(tmp.path(), HashKind::Sha1).unwrap();
    assert_eq!(odb.read(&top).unwrap().data, expected);
    assert_eq!(odb.read(&ids[300]).unwrap().data, expected[..304]);
    assert!(odb.cache().used() > 0);
}

#[test]
fn chains_deeper_than_the_bound_are_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let depth = MAX_DELTA_CHAIN + 5;
    let mut entries = vec![E::Whole(ObjectKind::Blob, Vec::new())];
    // Each delta turns the empty base into the empty result again: cheap and deep.
    for _ in 0..depth {
        entries.push(E::Ofs(1, vec![0, 0]));
    }
    let ids: Vec<ObjectId> = (0..=depth as u32).map(id).collect();
    let top = ids[depth];
    write_pack(tmp.path(), "deep", &entries, &ids);
    let mut odb = Odb::open(tmp.path(), HashKind::Sha1).unwrap();
    odb.set_cache_limit(0);
    assert!(corrupt_message(odb.read(&top).unwrap_err()).contains("deeper"));
    assert!(corrupt_message(odb.read_header(&top).unwrap_err()).contains("deeper"));
    assert_eq!(odb.read(&ids[10]).unwrap().data, b"");
}

#[test]
fn bad_deltas_are_errors() {
    let tmp = tempfile::tempdir().unwrap();
    let entries = [
        E::Whole(ObjectKind::Blob, b"abc".to_vec()),
        // Copies 4 bytes from a 3-byte base.
        E::Ofs(1, vec![3, 4, 0x90, 4]),
        // Declares a 5-byte base.
        E::Ofs(2, append_delta(5, b"x")),
        // Produces 4 bytes but declares 9.
        E::Ofs(3, vec![3, 9, 0x90, 3, 1, b'z']),
    ];
    let ids: Vec<ObjectId> = (0..4).map(id).collect();
    write_pack(tmp.path(), "bad", &entries, &ids);
    let odb = Odb::open(tmp.path(), HashKind::Sha1).unwrap();
    let delta_error = |e: OdbError| match e {
        OdbError::Delta { source, offset, .. } => {
            assert!(offset > 12);
            source
        }
        other => panic!("expected a delta error, got {other}"),
    };
    assert!(matches!(
        delta_error(odb.read(&ids[1]).unwrap_err()),
        DeltaError::CopyOutOfBounds { .. }
    ));
    assert_eq!(
        delta_error(odb.read(&ids[2]).unwrap_err()),
        DeltaError::BaseSizeMismatch {
            expected: 5,
            actual: 3
        }
    );
    assert_eq!(
        delta_error(odb.read(&ids[3]).unwrap_err()),
        DeltaError::ResultSizeMismatch {
            expected: 9,
            actual: 4
        }
    );
    assert_eq!(odb.read(&ids[0]).unwrap().data, b"abc");
}

#[test]
fn ref_delta_bases_in_other_packs_and_loose() {
    let tmp = tempfile::tempdir().unwrap();
    let base_id = oxgit::oid::hash_object(HashKind::Sha1, ObjectKind::Blob, b"base");
    let (in_other, on_loose) = (id(10), id(11));
    write_pack(
        tmp.path(),
        "a",
        &[E::Ref(base_id, append_delta(4, b"!"))],
        &[in_other],
    );
    write_pack(
        tmp.path(),
        "b",
        &[E::Whole(ObjectKind::Blob, b"base".to_vec())],
        &[base_id],
    );
    let odb = Odb::open(tmp.path(), HashKind::Sha1).unwrap();
    assert_eq!(odb.read(&in_other).unwrap().data, b"base!");
    assert_eq!(odb.read_header(&in_other).unwrap(), (ObjectKind::Blob, 5));
    // A loose base.
    let tmp = tempfile::tempdir().unwrap();
    let hex = base_id.to_hex();
    std::fs::create_dir_all(tmp.path().join(&hex[..2])).unwrap();
    std::fs::write(
        tmp.path().join(&hex[..2]).join(&hex[2..]),
        zlib(b"blob 4\0base"),
    )
    .unwrap();
    write_pack(
        tmp.path(),
        "c",
        &[E::Ref(base_id, append_delta(4, b"?"))],
        &[on_loose],
    );
    let odb = Odb::open(tmp.path(), HashKind::Sha1).unwrap();
    assert_eq!(odb.read(&on_loose).unwrap().data, b"base?");
    assert_eq!(odb.read_header(&on_loose).unwrap(), (ObjectKind::Blob, 5));
    // A missing base is an error naming it.
    let tmp = tempfile::tempdir().unwrap();
    write_pack(
        tmp.path(),
        "d",
        &[E::Ref(base_id, append_delta(4, b"?"))],
        &[on_loose],
    );
    let odb = Odb::open(tmp.path(), HashKind::Sha1).unwrap();
    assert!(corrupt_message(odb.read(&on_loose).unwrap_err()).contains(&hex));
}

#[test]
fn lying_entry_sizes_are_errors() {
    let tmp = tempfile::tempdir().unwrap();
    // Incompressible filler after the liars, so that the compressed-size bound alone does
    // not refuse a size of 1 GiB.
    let mut x = 0x1234_5678u32;
    let filler: Vec<u8> = (0..1 << 20)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            x as u8
        })
        .collect();
    let entries = [
        E::Lying(ObjectKind::Blob, b"short".to_vec(), 1 << 30),
        E::Lying(ObjectKind::Blob, b"short".to_vec(), 1 << 50),
        E::Lying(ObjectKind::Blob, b"longer than claimed".to_vec(), 3),
        E::Whole(ObjectKind::Blob, filler),
    ];
    let ids: Vec<ObjectId> = (0..4).map(id).collect();
    write_pack(tmp.path(), "liars", &entries, &ids);
    let odb = Odb::open(tmp.path(), HashKind::Sha1).unwrap();
    let start = std::time::Instant::now();
    assert!(corrupt_message(odb.read(&ids[0]).unwrap_err()).contains("header says"));
    assert!(corrupt_message(odb.read(&ids[1]).unwrap_err()).contains("exceeds"));
    assert!(corrupt_message(odb.read(&ids[2]).unwrap_err()).contains("more than"));
    assert!(start.elapsed().as_secs() < 5);
    // read_header believes the header (git does too), reads stay bounded.
    assert_eq!(
        odb.read_header(&ids[0]).unwrap(),
        (ObjectKind::Blob, 1 << 30)
    );
    assert_eq!(odb.read(&ids[3]).unwrap().data.len(), 1 << 20);
}
