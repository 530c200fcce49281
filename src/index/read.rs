//! The index file parser: header, entries (versions 2–4), extensions, checksum, and the
//! merge of a split index with its shared index.

use super::{ewah, CacheTree, Entry, Index, IndexError, ResolveUndo, Stat, Time};
use crate::oid::{HashKind, ObjectId};
use std::path::Path;

/// Why parsing failed, before the file's path is known.
#[derive(Debug)]
pub(super) enum Fail {
    Corrupt(String),
    Unsupported(String),
}

impl Fail {
    pub(super) fn at(self, path: &Path) -> IndexError {
        match self {
            Fail::Corrupt(reason) => IndexError::Corrupt {
                path: path.to_path_buf(),
                reason,
            },
            Fail::Unsupported(what) => IndexError::Unsupported {
                path: path.to_path_buf(),
                what,
            },
        }
    }
}

fn corrupt(what: impl Into<String>) -> Fail {
    Fail::Corrupt(what.into())
}

/// Trees deeper than this in a `TREE` extension make it unusable (git would never write
/// one, and recursion must stay bounded).
const MAX_CACHE_TREE_DEPTH: usize = 2048;

/// The smallest entry on disk: 40 bytes of stat data and mode, the id, the flags, and at
/// least one byte of name or terminator.
fn min_entry_size(hash: HashKind) -> usize {
    40 + hash.len() + 2 + 1
}

fn be32(d: &[u8], at: usize) -> u32 {
    u32::from_be_bytes(d[at..at + 4].try_into().expect("4 bytes"))
}

fn be16(d: &[u8], at: usize) -> u16 {
    u16::from_be_bytes(d[at..at + 2].try_into().expect("2 bytes"))
}

/// The varint of index version 4 (and of pack offsets): 7 bits a byte, most significant
/// first, with an implicit `+1` for every continuation.
fn varint(d: &[u8], pos: &mut usize) -> Option<usize> {
    let mut c = *d.get(*pos)?;
    *pos += 1;
    let mut v = usize::from(c & 0x7f);
    while c & 0x80 != 0 {
        c = *d.get(*pos)?;
        *pos += 1;
        v = v.checked_add(1)?.checked_mul(128)? | usize::from(c & 0x7f);
    }
    Some(v)
}

/// Parses a whole index file. `allow_link`: whether a `link` extension (split index) may
/// appear (not in a shared index itself).
pub(super) fn parse(data: &[u8], hash: HashKind, allow_link: bool) -> Result<Index, Fail> {
    let hlen = hash.len();
    if data.len() < 12 + hlen {
        return Err(corrupt("index file smaller than expected"));
    }
    if &data[..4] != b"DIRC" {
        return Err(corrupt(format!("bad signature 0x{:08x}", be32(data, 0))));
    }
    let version = be32(data, 4);
    if !(2..=4).contains(&version) {
        return Err(corrupt(format!("bad index version {version}")));
    }
    let body = &data[..data.len() - hlen];
    let stored = ObjectId::from_prefix_bytes(hash, &data[data.len() - hlen..]).expect("hash len");
    // The checksum is computed on another thread while the entries are parsed.
    let (sum_ok, parsed) = rayon::join(
        || stored.is_null() || super::checksum(hash, body) == stored,
        || parse_body(body, version, hash, allow_link),
    );
    let mut index = parsed?;
    if !sum_ok {
        return Err(corrupt("bad index file sha1 signature"));
    }
    index.checksum = stored;
    Ok(index)
}

fn parse_body(body: &[u8], version: u32, hash: HashKind, allow_link: bool) -> Result<Index, Fail> {
    let hlen = hash.len();
    let count = be32(body, 8) as usize;
    let cap = count.min(body.len() / min_entry_size(hash));
    let mut entries = Vec::with_capacity(cap);
    let mut paths: Vec<u8> = Vec::with_capacity(body.len().min(cap * 32));
    let mut pos = 12usize;
    let mut prev: (usize, usize) = (0, 0);
    let fixed = 40 + hlen + 2;
    for n in 0..count {
        let truncated = || corrupt(format!("index entry {n} is truncated"));
        if body.len() < pos + fixed {
            return Err(truncated());
        }
        let d = &body[pos..];
        let t = |at: usize| Time {
            secs: be32(d, at),
            nsecs: be32(d, at + 4),
        };
        let stat = Stat {
            ctime: t(0),
            mtime: t(8),
            dev: be32(d, 16),
            ino: be32(d, 20),
            uid: be32(d, 28),
            gid: be32(d, 32),
            size: be32(d, 36),
        };
        let mode = be32(d, 24);
        let id = ObjectId::from_prefix_bytes(hash, &d[40..]).expect("hash len");
        let flags = be16(d, 40 + hlen);
        let mut name_at = fixed;
        let mut extended = 0u16;
        if flags & 0x4000 != 0 {
            if d.len() < fixed + 2 {
                return Err(truncated());
            }
            extended = be16(d, fixed);
            if extended & !(super::FLAG_SKIP_WORKTREE | super::FLAG_INTENT_TO_ADD) != 0 {
                return Err(corrupt(format!(
                    "unknown index entry format 0x{:08x}",
                    u32::from(extended) << 16 | u32::from(flags)
                )));
            }
            name_at += 2;
        }
        let name_len = usize::from(flags & 0x0fff);
        let rest = &d[name_at..];
        let start = paths.len();
        let entry_len = if version == 4 {
            let mut p = 0usize;
            let strip = varint(rest, &mut p).ok_or_else(truncated)?;
            if strip > prev.1 {
                return Err(corrupt(format!(
                    "malformed name field in the index, near entry {n}"
                )));
            }
            let keep = prev.1 - strip;
            let nul = memchr::memchr(0, &rest[p..]).ok_or_else(truncated)?;
            let suffix = &rest[p..p + nul];
            if name_len != 0x0fff && keep + suffix.len() != name_len {
                return Err(corrupt(format!("bad name length in index entry {n}")));
            }
            paths.extend_from_within(prev.0..prev.0 + keep);
            paths.extend_from_slice(suffix);
            name_at + p + nul + 1
        } else {
            let len = if name_len == 0x0fff {
                memchr::memchr(0, rest).ok_or_else(truncated)?
            } else {
                name_len
            };
            let padded = (name_at + len + 8) & !7;
            if d.len() < padded {
                return Err(truncated());
            }
            let name = &rest[..len];
            if memchr::memchr(0, name).is_some() {
                return Err(corrupt(format!("index entry {n} has a NUL in its name")));
            }
            paths.extend_from_slice(name);
            padded
        };
        let plen = paths.len() - start;
        if plen == 0 && !allow_link {
            return Err(corrupt(format!("index entry {n} has an empty name")));
        }
        match mode & 0o170000 {
            0o100000 | 0o120000 | 0o160000 => {}
            _ => {
                return Err(corrupt(format!(
                    "index entry {n} has an invalid mode {mode:o}"
                )))
            }
        }
        let path_start = u32::try_from(start).map_err(|_| corrupt("index too large"))?;
        entries.push(Entry {
            stat,
            mode,
            id,
            flags,
            extended,
            path_start,
            path_len: plen as u32,
        });
        prev = (start, plen);
        pos += entry_len;
    }
    let mut index = Index {
        version,
        hash,
        entries,
        paths,
        cache_tree: None,
        resolve_undo: Vec::new(),
        shared: None,
        split_bitmaps: Vec::new(),
        checksum: hash.null_id(),
        timestamp: None,
        skipped: Vec::new(),
    };
    let mut link: Option<&[u8]> = None;
    while pos + 8 <= body.len() {
        let sig: [u8; 4] = body[pos..pos + 4].try_into().expect("4 bytes");
        let size = be32(body, pos + 4) as usize;
        let start = pos + 8;
        let end = start
            .checked_add(size)
            .filter(|&e| e <= body.len())
            .ok_or_else(|| {
                corrupt(format!(
                    "extension {} runs past the end of the index",
                    String::from_utf8_lossy(&sig)
                ))
            })?;
        let ext = &body[start..end];
        match &sig {
            b"TREE" => index.cache_tree = parse_cache_tree(ext, hash),
            b"REUC" => index.resolve_undo = parse_resolve_undo(ext, hash).unwrap_or_default(),
            b"link" if allow_link => link = Some(ext),
            b"link" => return Err(corrupt("a shared index has a link extension")),
            b"sdir" => {
                return Err(Fail::Unsupported(
                    "sparse index (sdir extension) is not supported".into(),
                ))
            }
            _ if sig[0].is_ascii_uppercase() => index.skipped.push(sig),
            _ => {
                return Err(Fail::Unsupported(format!(
                    "index uses {} extension, which we do not understand",
                    String::from_utf8_lossy(&sig)
                )))
            }
        }
        pos = end;
    }
    if pos != body.len() {
        return Err(corrupt("garbage after the index extensions"));
    }
    match link {
        Some(ext) => {
            if ext.len() < hash.len() {
                return Err(corrupt("corrupt link extension (too short)"));
            }
            index.shared = ObjectId::from_prefix_bytes(hash, ext);
            // The bitmaps are decoded when merging, once the shared index's size is known.
            index.split_bitmaps = ext[hash.len()..].to_vec();
            if index.shared.is_some_and(|s| s.is_null()) {
                check_order(&index)?;
            }
        }
        None => check_order(&index)?,
    }
    Ok(index)
}

/// git's `check_ce_order`: paths ascending, stages ascending within a path, and no
/// conflict stage next to a stage-0 entry of the same path.
fn check_order(index: &Index) -> Result<(), Fail> {
    for w in index.entries.windows(2) {
        let (a, b) = (index.path(&w[0]), index.path(&w[1]));
        if a.is_empty() {
            return Err(corrupt("an index entry has an empty name"));
        }
        match a.cmp(b) {
            std::cmp::Ordering::Greater => return Err(corrupt("unordered stage entries in index")),
            std::cmp::Ordering::Equal => {
                if w[0].stage() == 0 {
                    return Err(corrupt(format!(
                        "multiple stage entries for merged file '{}'",
                        String::from_utf8_lossy(a)
                    )));
                }
                if w[0].stage() >= w[1].stage() {
                    return Err(corrupt(format!(
                        "unordered stage entries for '{}'",
                        String::from_utf8_lossy(a)
                    )));
                }
            }
            std::cmp::Ordering::Less => {}
        }
    }
    if index.entries.last().is_some_and(|e| e.path_len == 0) {
        return Err(corrupt("an index entry has an empty name"));
    }
    Ok(())
}

/// Parses the `TREE` extension; `None` if it is malformed (git then drops it too).
fn parse_cache_tree(data: &[u8], hash: HashKind) -> Option<CacheTree> {
    let mut pos = 0;
    let (name, tree) = read_tree_node(data, &mut pos, hash, 0)?;
    (name.is_empty() && pos == data.len()).then_some(tree)
}

fn read_tree_node(
    data: &[u8],
    pos: &mut usize,
    hash: HashKind,
    depth: usize,
) -> Option<(Vec<u8>, CacheTree)> {
    if depth > MAX_CACHE_TREE_DEPTH {
        return None;
    }
    let rest = data.get(*pos..)?;
    let nul = memchr::memchr(0, rest)?;
    let name = rest[..nul].to_vec();
    let mut p = nul + 1;
    let nl = memchr::memchr(b'\n', &rest[p..])? + p;
    let line = std::str::from_utf8(&rest[p..nl]).ok()?;
    let (count, subtrees) = line.split_once(' ')?;
    let entry_count: i32 = count.parse().ok()?;
    let subtrees: usize = subtrees.parse().ok()?;
    p = nl + 1;
    let id = if entry_count >= 0 {
        let id = ObjectId::from_prefix_bytes(hash, rest.get(p..)?)?;
        p += hash.len();
        Some(id)
    } else {
        None
    };
    *pos += p;
    // Each subtree takes at least four bytes ("\0" "0 0\n"), which bounds the allocation.
    let mut children = Vec::with_capacity(subtrees.min(data.len().saturating_sub(*pos) / 4));
    for _ in 0..subtrees {
        children.push(read_tree_node(data, pos, hash, depth + 1)?);
    }
    Some((
        name,
        CacheTree {
            entry_count,
            id,
            children,
        },
    ))
}

/// Parses the `REUC` extension; `None` if malformed (git ignores it then).
fn parse_resolve_undo(data: &[u8], hash: HashKind) -> Option<Vec<ResolveUndo>> {
    let mut out = Vec::new();
    let mut pos = 0;
    while pos < data.len() {
        let nul = memchr::memchr(0, &data[pos..])? + pos;
        let path = data[pos..nul].to_vec();
        pos = nul + 1;
        let mut modes = [0u32; 3];
        for m in &mut modes {
            let nul = memchr::memchr(0, &data[pos..])? + pos;
            let s = std::str::from_utf8(&data[pos..nul]).ok()?;
            *m = u32::from_str_radix(s, 8).ok()?;
            pos = nul + 1;
        }
        let mut ids = [None; 3];
        for (i, &m) in modes.iter().enumerate() {
            if m != 0 {
                ids[i] = Some(ObjectId::from_prefix_bytes(hash, data.get(pos..)?)?);
                pos += hash.len();
            }
        }
        out.push(ResolveUndo { path, modes, ids });
    }
    Some(out)
}

/// git's `merge_base_index`: applies a split index's replacements, deletions and
/// additions to the entries of its shared index.
pub(super) fn merge_split(index: &mut Index, base: Index) -> Result<(), Fail> {
    let limit = base.entries.len();
    let bad = |e: String| corrupt(format!("corrupt link extension: {e}"));
    let (deleted, used) = ewah::read(&index.split_bitmaps, limit).map_err(bad)?;
    let (replaced, used2) = ewah::read(&index.split_bitmaps[used..], limit).map_err(bad)?;
    if used + used2 != index.split_bitmaps.len() {
        return Err(corrupt("garbage at the end of link extension"));
    }
    let split_entries = std::mem::take(&mut index.entries);
    let split_paths = std::mem::take(&mut index.paths);
    let mut merged: Vec<(Entry, Vec<u8>)> =
        base.iter().map(|(e, p)| (e.clone(), p.to_vec())).collect();
    let mut next = 0usize;
    for &pos in &replaced.bits {
        let src = split_entries.get(next).ok_or_else(|| {
            corrupt(format!(
                "too many replacements ({} vs {})",
                replaced.bits.len(),
                split_entries.len()
            ))
        })?;
        if src.path_len != 0 {
            return Err(corrupt(format!(
                "corrupt link extension, entry {pos} should have zero length name"
            )));
        }
        let dst = &mut merged[pos].0;
        let (start, len) = (dst.path_start, dst.path_len);
        *dst = src.clone();
        dst.path_start = start;
        dst.path_len = len;
        next += 1;
    }
    let mut keep = vec![true; merged.len()];
    for &pos in &deleted.bits {
        keep[pos] = false;
    }
    let mut k = keep.iter();
    merged.retain(|_| *k.next().expect("same length"));
    for (i, e) in split_entries.iter().enumerate().skip(next) {
        let s = e.path_start as usize;
        let path = &split_paths[s..s + e.path_len as usize];
        if path.is_empty() {
            return Err(corrupt(format!(
                "corrupt link extension, entry {i} should have non-zero length name"
            )));
        }
        let at = merged
            .binary_search_by(|(x, p)| p.as_slice().cmp(path).then(x.stage().cmp(&e.stage())));
        match at {
            Ok(j) => merged[j] = (e.clone(), path.to_vec()),
            Err(j) => merged.insert(j, (e.clone(), path.to_vec())),
        }
    }
    let mut paths = Vec::with_capacity(merged.iter().map(|(_, p)| p.len()).sum());
    let mut entries = Vec::with_capacity(merged.len());
    for (mut e, p) in merged {
        e.path_start = u32::try_from(paths.len()).map_err(|_| corrupt("index too large"))?;
        e.path_len = p.len() as u32;
        paths.extend_from_slice(&p);
        entries.push(e);
    }
    index.entries = entries;
    index.paths = paths;
    index.split_bitmaps = Vec::new();
    if index.cache_tree.is_none() {
        index.cache_tree = base.cache_tree;
    }
    check_order(index)
}
