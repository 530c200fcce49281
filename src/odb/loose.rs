//! Loose objects: one zlib stream per object at `objects/xx/yyyy…`, holding
//! `"<kind> <size>\0<contents>"`.

use super::OdbError;
use crate::object::ObjectKind;
use crate::oid::{HashKind, HexPrefix, ObjectId};
use flate2::{Decompress, FlushDecompress, Status};
use std::path::{Path, PathBuf};

/// The largest ratio of inflated to deflated size zlib can produce (about 1032:1), with
/// room to spare: a header declaring more than this is a lie, and is refused before any
/// allocation.
const MAX_INFLATE_RATIO: u64 = 1100;

/// The loose objects of one objects directory.
#[derive(Debug)]
pub struct LooseStore {
    dir: PathBuf,
    hash: HashKind,
}

impl LooseStore {
    /// A store reading `dir/xx/yyyy…` files with ids of kind `hash`.
    pub fn new(dir: PathBuf, hash: HashKind) -> LooseStore {
        LooseStore { dir, hash }
    }

    /// The objects directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The path an object with this id would have.
    pub fn path_of(&self, id: &ObjectId) -> PathBuf {
        let hex = id.to_hex();
        self.dir.join(&hex[..2]).join(&hex[2..])
    }

    /// Whether the object's file exists.
    pub fn contains(&self, id: &ObjectId) -> bool {
        self.path_of(id).is_file()
    }

    fn read_file(&self, id: &ObjectId) -> Result<Option<(PathBuf, Vec<u8>)>, OdbError> {
        let path = self.path_of(id);
        match std::fs::read(&path) {
            Ok(bytes) => Ok(Some((path, bytes))),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(OdbError::io(&path, e)),
        }
    }

    /// Reads the kind and size from the object's header, reading and inflating only the
    /// start of the file.
    pub fn read_header(&self, id: &ObjectId) -> Result<Option<(ObjectKind, u64)>, OdbError> {
        use std::io::Read;
        let path = self.path_of(id);
        let file = match std::fs::File::open(&path) {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(OdbError::io(&path, e)),
        };
        let mut start = Vec::with_capacity(HEADER_READ);
        file.take(HEADER_READ as u64)
            .read_to_end(&mut start)
            .map_err(|e| OdbError::io(&path, e))?;
        match header_of(&start, &path) {
            Err(_) if start.len() == HEADER_READ => {
                // An unusually compressed start: inflate from the whole file.
                let bytes = std::fs::read(&path).map_err(|e| OdbError::io(&path, e))?;
                header_of(&bytes, &path).map(Some)
            }
            r => r.map(Some),
        }
    }

    /// Reads the object into `buf`; `None` if this store does not have it.
    pub fn read_into(
        &self,
        id: &ObjectId,
        buf: &mut Vec<u8>,
    ) -> Result<Option<ObjectKind>, OdbError> {
        let Some((path, bytes)) = self.read_file(id)? else {
            return Ok(None);
        };
        let kind = inflate_loose(&bytes, &path, buf)?;
        Ok(Some(kind))
    }

    /// Appends the ids of loose objects starting with `prefix` to `out`.
    pub fn find_prefix(&self, prefix: &HexPrefix, out: &mut Vec<ObjectId>) -> Result<(), OdbError> {
        let min = prefix.min_id(self.hash).to_hex();
        if prefix.hex_len() < 2 {
            // One digit: scan the 16 matching fan-out directories.
            for second in "0123456789abcdef".chars() {
                let sub = format!("{}{}", &min[..1], second);
                self.scan_dir(&sub, prefix, out)?;
            }
            return Ok(());
        }
        self.scan_dir(&min[..2], prefix, out)
    }

    /// Appends the ids of the loose objects in fan-out folder `first` to `out`.
    pub(crate) fn ids_in_dir(&self, first: u8, out: &mut Vec<ObjectId>) -> Result<(), OdbError> {
        self.scan_dir_matching(&format!("{first:02x}"), |_| true, out)
    }

    /// Appends every loose object id to `out`.
    pub fn all_ids(&self, out: &mut Vec<ObjectId>) -> Result<(), OdbError> {
        for i in 0..256 {
            let sub = format!("{i:02x}");
            self.scan_dir_matching(&sub, |_| true, out)?;
        }
        Ok(())
    }

    fn scan_dir(
        &self,
        sub: &str,
        prefix: &HexPrefix,
        out: &mut Vec<ObjectId>,
    ) -> Result<(), OdbError> {
        self.scan_dir_matching(sub, |id| prefix.matches(id), out)
    }

    fn scan_dir_matching(
        &self,
        sub: &str,
        keep: impl Fn(&ObjectId) -> bool,
        out: &mut Vec<ObjectId>,
    ) -> Result<(), OdbError> {
        let dir = self.dir.join(sub);
        let entries = match std::fs::read_dir(&dir) {
            Ok(e) => e,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotADirectory => return Ok(()),
            Err(e) => return Err(OdbError::io(&dir, e)),
        };
        let rest_len = self.hash.hex_len() - 2;
        for entry in entries {
            let entry = entry.map_err(|e| OdbError::io(&dir, e))?;
            let name = entry.file_name();
            let name = name.as_encoded_bytes();
            if name.len() != rest_len {
                continue;
            }
            let mut hex = Vec::with_capacity(self.hash.hex_len());
            hex.extend_from_slice(sub.as_bytes());
            hex.extend_from_slice(name);
            if let Ok(id) = ObjectId::from_hex(&hex) {
                if keep(&id) {
                    out.push(id);
                }
            }
        }
        Ok(())
    }
}

/// How much of a loose object is inflated to read its header: git's `MAX_HEADER_LEN`.
/// Inflating no further than git does means damage past the header is noticed (or not)
/// exactly where git notices it.
const HEADER_BUF: usize = 32;

/// Inflates up to `head.len()` bytes of the object's start; a zlib error (bad data, or a
/// bad checksum for objects small enough to end within `head`) is corruption.
fn inflate_head(
    z: &mut Decompress,
    bytes: &[u8],
    head: &mut [u8],
    path: &Path,
) -> Result<usize, OdbError> {
    z.decompress(bytes, head, FlushDecompress::Sync)
        .map_err(|e| OdbError::corrupt(path, format!("zlib: {e}")))?;
    Ok(z.total_out() as usize)
}

/// How many bytes of a loose object file `read_header` reads first.
const HEADER_READ: usize = 512;

/// Inflates the start of a loose object file and parses its header: kind and size.
fn header_of(bytes: &[u8], path: &Path) -> Result<(ObjectKind, u64), OdbError> {
    let mut head = [0u8; HEADER_BUF];
    let n = with_inflater(|z| inflate_head(z, bytes, &mut head, path))?;
    let (kind, size, _) = parse_header(&head[..n], path)?;
    Ok((kind, size))
}

/// Parses `"<kind> <size>\0"` at the start of `head`: kind, size and header length.
fn parse_header(head: &[u8], path: &Path) -> Result<(ObjectKind, u64, usize), OdbError> {
    let bad = |what: &str| OdbError::corrupt(path, format!("loose object header: {what}"));
    let nul = memchr::memchr(0, head).ok_or_else(|| bad("no NUL within the first 32 bytes"))?;
    let sp = memchr::memchr(b' ', &head[..nul]).ok_or_else(|| bad("no space"))?;
    let kind = ObjectKind::from_name(&head[..sp]).ok_or_else(|| bad("unknown object type"))?;
    let digits = &head[sp + 1..nul];
    if digits.is_empty() || digits.len() > 19 || !digits.iter().all(u8::is_ascii_digit) {
        return Err(bad("bad size"));
    }
    if digits.len() > 1 && digits[0] == b'0' {
        return Err(bad("size has a leading zero"));
    }
    let size = digits
        .iter()
        .fold(0u64, |n, &d| n * 10 + u64::from(d - b'0'));
    Ok((kind, size, nul + 1))
}

/// Inflates a whole loose object file `bytes` into `buf`, checking that its length matches
/// its header; returns the kind. `path` names the file in errors.
pub fn inflate_loose(bytes: &[u8], path: &Path, buf: &mut Vec<u8>) -> Result<ObjectKind, OdbError> {
    with_inflater(|z| inflate_loose_with(z, bytes, path, buf))
}

thread_local! {
    /// One inflater per thread for loose objects, reset before each use (creating one
    /// allocates its state and window).
    static INFLATER: std::cell::RefCell<Option<Decompress>> = const { std::cell::RefCell::new(None) };
}

/// Runs `f` with this thread's reset inflater (or a fresh one if it is in use).
fn with_inflater<T>(f: impl FnOnce(&mut Decompress) -> T) -> T {
    INFLATER.with(|cell| match cell.try_borrow_mut() {
        Ok(mut slot) => {
            let z = slot.get_or_insert_with(|| Decompress::new(true));
            z.reset(true);
            f(z)
        }
        Err(_) => f(&mut Decompress::new(true)),
    })
}

fn inflate_loose_with(
    z: &mut Decompress,
    bytes: &[u8],
    path: &Path,
    buf: &mut Vec<u8>,
) -> Result<ObjectKind, OdbError> {
    let mut head = [0u8; HEADER_BUF];
    let got = inflate_head(z, bytes, &mut head, path)?;
    let (kind, size, header_len) = parse_header(&head[..got], path)?;
    if size > (bytes.len() as u64).saturating_mul(MAX_INFLATE_RATIO) + 1024 {
        return Err(OdbError::corrupt(
            path,
            format!(
                "header declares {size} bytes, more than {} compressed bytes can hold",
                bytes.len()
            ),
        ));
    }
    let size = usize::try_from(size).map_err(|_| OdbError::corrupt(path, "object too large"))?;
    buf.clear();
    super::pack::ensure_spare(buf, size);
    buf.extend_from_slice(&head[header_len..got.min(header_len + size)]);
    if got > header_len + size {
        return Err(OdbError::corrupt(
            path,
            "object is longer than its header says",
        ));
    }
    // Inflate the rest straight into the buffer's spare capacity.
    loop {
        super::pack::ensure_spare(buf, size);
        let in_pos = z.total_in() as usize;
        let before = buf.len();
        let status = z
            .decompress_vec(&bytes[in_pos..], buf, FlushDecompress::Finish)
            .map_err(|e| OdbError::corrupt(path, format!("zlib: {e}")))?;
        if buf.len() > size {
            return Err(OdbError::corrupt(
                path,
                "object is longer than its header says",
            ));
        }
        match status {
            Status::StreamEnd => break,
            _ if buf.len() == before && z.total_in() as usize == in_pos => {
                return Err(OdbError::corrupt(path, "truncated zlib stream"));
            }
            _ => {}
        }
    }
    if buf.len() != size {
        return Err(OdbError::corrupt(
            path,
            format!("object is {} bytes, header says {size}", buf.len()),
        ));
    }
    Ok(kind)
}
