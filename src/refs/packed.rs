//! The `packed-refs` file: an optional `# pack-refs with: ...` header, then
//! `<hex> SP <refname>` lines, each optionally followed by a `^<hex>` peeled line.

use super::name::is_valid_refname;
use super::RefError;
use crate::oid::{HashKind, ObjectId};
use std::path::Path;
use std::sync::{Arc, Mutex};

/// One ref of the `packed-refs` file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PackedRef {
    /// The full ref name (`refs/tags/v1`).
    pub name: String,
    /// The object the ref points at.
    pub id: ObjectId,
    /// For an annotated tag, the object it finally peels to (its `^` line), if recorded.
    pub peeled: Option<ObjectId>,
}

/// The parsed `packed-refs` file, sorted by name for binary search.
#[derive(Clone, Debug, Default)]
pub struct PackedRefs {
    refs: Vec<PackedRef>,
}

impl PackedRefs {
    /// Reads `path`; a missing file is an empty set of refs.
    pub fn load(path: &Path, hash: HashKind) -> Result<PackedRefs, RefError> {
        match std::fs::read(path) {
            Ok(bytes) => {
                PackedRefs::parse(&bytes, hash).map_err(|(line, what)| RefError::PackedRefs {
                    path: path.to_path_buf(),
                    line,
                    what,
                })
            }
            Err(e) if is_missing(&e) => Ok(PackedRefs::default()),
            Err(e) => Err(RefError::io(path, &e)),
        }
    }

    /// Parses the contents of a `packed-refs` file. The error holds the 1-based line number
    /// and what is wrong with it.
    pub fn parse(data: &[u8], hash: HashKind) -> Result<PackedRefs, (usize, &'static str)> {
        let mut refs: Vec<PackedRef> = Vec::new();
        let mut rest = data;
        let mut line_no = 0usize;
        // Whether the previous line was a ref line that may still receive a `^` line, and
        // whether that ref was dropped for its bad name.
        let mut peelable = false;
        let mut dropped = false;
        while !rest.is_empty() {
            line_no += 1;
            let Some(nl) = memchr::memchr(b'\n', rest) else {
                return Err((line_no, "unterminated line"));
            };
            let line = &rest[..nl];
            rest = &rest[nl + 1..];
            if line_no == 1 && line.starts_with(b"# pack-refs with:") {
                continue;
            }
            if let Some(hex) = line.strip_prefix(b"^") {
                let id = parse_id(hex, hash).ok_or((line_no, "bad peeled line"))?;
                if !peelable {
                    return Err((line_no, "peeled line without a ref"));
                }
                if !dropped {
                    if let Some(last) = refs.last_mut() {
                        last.peeled = Some(id);
                    }
                }
                peelable = false;
                continue;
            }
            let hex_len = hash.hex_len();
            if line.len() < hex_len + 2 || line[hex_len] != b' ' {
                return Err((line_no, "unexpected line"));
            }
            let id = parse_id(&line[..hex_len], hash).ok_or((line_no, "bad object id"))?;
            let name = std::str::from_utf8(&line[hex_len + 1..])
                .map_err(|_| (line_no, "ref name is not UTF-8"))?;
            if !is_valid_refname(name, true) {
                // git marks such refs broken and never resolves them; skip it, and its
                // peeled line.
                peelable = true;
                dropped = true;
                continue;
            }
            refs.push(PackedRef {
                name: name.to_string(),
                id,
                peeled: None,
            });
            peelable = true;
            dropped = false;
        }
        // Files written by old gits may lack the `sorted` trait: sort regardless.
        refs.sort_by(|a, b| a.name.as_bytes().cmp(b.name.as_bytes()));
        Ok(PackedRefs { refs })
    }

    /// The packed ref called `name`.
    pub fn find(&self, name: &str) -> Option<&PackedRef> {
        self.refs
            .binary_search_by(|r| r.name.as_bytes().cmp(name.as_bytes()))
            .ok()
            .map(|i| &self.refs[i])
    }

    /// Every packed ref, sorted by name.
    pub fn iter(&self) -> impl Iterator<Item = &PackedRef> {
        self.refs.iter()
    }

    /// How many refs the file holds.
    pub fn len(&self) -> usize {
        self.refs.len()
    }

    /// Whether the file holds no refs (or does not exist).
    pub fn is_empty(&self) -> bool {
        self.refs.is_empty()
    }
}

fn parse_id(hex: &[u8], hash: HashKind) -> Option<ObjectId> {
    if hex.len() != hash.hex_len() {
        return None;
    }
    ObjectId::from_hex(hex).ok()
}

/// Whether an I/O error means "there is nothing there" (missing file or a path through a
/// non-directory).
pub(crate) fn is_missing(e: &std::io::Error) -> bool {
    matches!(
        e.kind(),
        std::io::ErrorKind::NotFound | std::io::ErrorKind::NotADirectory
    )
}

/// One repository's `packed-refs` snapshot, shared by its [`super::Refs`]: read once, and
/// read again only when the file's stat data (device, inode, size, change and
/// modification times) differ from the snapshot's, as git's `stat_validity` decides. A
/// command that resolves several revisions parses the file once; a server that keeps a
/// repository open sees a rewritten file (git replaces it by rename, so its inode changes).
#[derive(Debug, Default)]
pub struct PackedCache {
    slot: Mutex<Option<(Option<Stamp>, Snapshot)>>,
}

/// A read of `packed-refs`: its refs, or why it could not be read.
pub type Snapshot = Arc<Result<PackedRefs, RefError>>;

/// The stat data a snapshot is checked against (`None` when the file is missing).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Stamp {
    dev: u64,
    ino: u64,
    len: u64,
    mtime: (i64, i64),
    ctime: (i64, i64),
}

impl Stamp {
    fn of(path: &Path) -> Option<Stamp> {
        use std::os::unix::fs::MetadataExt;
        let m = std::fs::metadata(path).ok()?;
        Some(Stamp {
            dev: m.dev(),
            ino: m.ino(),
            len: m.len(),
            mtime: (m.mtime(), m.mtime_nsec()),
            ctime: (m.ctime(), m.ctime_nsec()),
        })
    }
}

impl PackedCache {
    /// The snapshot of `path`: the one held if the file is unchanged, else read now.
    pub fn get(&self, path: &Path, hash: HashKind) -> Snapshot {
        // The stamp is taken before the read: a file replaced in between is read again
        // next time, never trusted under the new file's stamp.
        let stamp = Stamp::of(path);
        let mut slot = self.slot.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((held, refs)) = slot.as_ref() {
            if *held == stamp {
                return Arc::clone(refs);
            }
        }
        let refs = Arc::new(PackedRefs::load(path, hash));
        *slot = Some((stamp, Arc::clone(&refs)));
        refs
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: &str = "c9ec817010fe00f4fbba2d97d707d4f8837e4d04";
    const B: &str = "e446bb5ae7595c8e231e29bbc4fbfc362f6bfe4c";

    #[test]
    fn parses_header_peeled_lines_and_sorts() {
        let text = format!(
            "# pack-refs with: peeled fully-peeled sorted \n{B} refs/tags/v1\n^{A}\n{A} refs/heads/main\n"
        );
        let p = PackedRefs::parse(text.as_bytes(), HashKind::Sha1).unwrap();
        assert_eq!(p.len(), 2);
        let names: Vec<_> = p.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(names, ["refs/heads/main", "refs/tags/v1"]);
        let v1 = p.find("refs/tags/v1").unwrap();
        assert_eq!(v1.id.to_hex(), B);
        assert_eq!(v1.peeled.unwrap().to_hex(), A);
        assert!(p.find("refs/heads/main").unwrap().peeled.is_none());
        assert!(p.find("refs/heads/nope").is_none());
    }

    #[test]
    fn rejects_malformed_files() {
        let cases = [
            format!("{A} refs/heads/main"),
            format!("^{A}\n"),
            "garbage\n".to_string(),
            format!("{A}refs/heads/main\n"),
            format!("{A} refs/heads/main\n^zz\n"),
            format!("{A} refs/heads/main\n^{A}\n^{A}\n"),
        ];
        for c in cases {
            assert!(
                PackedRefs::parse(c.as_bytes(), HashKind::Sha1).is_err(),
                "{c:?}"
            );
        }
    }

    #[test]
    fn skips_refs_with_bad_names() {
        let text = format!("{A} refs/heads/a..b\n^{B}\n{A} refs/heads/ok\n");
        let p = PackedRefs::parse(text.as_bytes(), HashKind::Sha1).unwrap();
        assert_eq!(p.len(), 1);
        assert!(p.find("refs/heads/ok").is_some());
    }
}
