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

    /// Reads the kind and size from the object's header, inflating only its start.
    pub fn read_header(&self, id: &ObjectId) -> Result<Option<(ObjectKind, u64)>, OdbError> {
        let Some((path, bytes)) = self.read_file(id)? else {
            return Ok(None);
        };
        let mut z = Decompress::new(true);
        let mut head = [0u8; 64];
        let _ = z.decompress(&bytes, &mut head, FlushDecompress::Sync);
        let n = z.total_out() as usize;
        let (kind, size, _) = parse_header(&head[..n], &path)?;
        Ok(Some((kind, size)))
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

    /// Appends every loose object id to `out`.
    pub fn all_ids(&self, out: &mut Vec<ObjectId>) -> Result<(), OdbError> {
        let any = HexPrefix::parse(b"0", self.hash).expect("valid");
        for i in 0..256 {
            let sub = format!("{i:02x}");
            self.scan_dir_matching(&sub, |_| true, out)?;
        }
        let _ = any;
        Ok(())
    }

    fn scan_dir(&self, sub: &str, prefix: &HexPrefix, out: &mut Vec<ObjectId>) -> Result<(), OdbError> {
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

/// Parses `"<kind> <size>\0"` at the start of `head`: kind, size and header length.
fn parse_header(head: &[u8], path: &Path) -> Result<(ObjectKind, u64, usize), OdbError> {
    let bad = |what: &str| OdbError::corrupt(path, format!("loose object header: {what}"));
    let nul = memchr::memchr(0, head).ok_or_else(|| bad("no NUL within the first 64 bytes"))?;
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

/// Inflates a whole loose object into `buf`, checking that its length matches its header.
pub(crate) fn inflate_loose(bytes: &[u8], path: &Path, buf: &mut Vec<u8>) -> Result<ObjectKind, OdbError> {
    let mut z = Decompress::new(true);
    let mut head = [0u8; 64];
    let _ = z.decompress(bytes, &mut head, FlushDecompress::Sync);
    let got = z.total_out() as usize;
    let (kind, size, header_len) = parse_header(&head[..got], path)?;
    if size > (bytes.len() as u64).saturating_mul(MAX_INFLATE_RATIO) + 1024 {
        return Err(OdbError::corrupt(
            path,
            format!("header declares {size} bytes, more than {} compressed bytes can hold", bytes.len()),
        ));
    }
    let size = usize::try_from(size).map_err(|_| OdbError::corrupt(path, "object too large"))?;
    buf.clear();
    // One byte more than declared, so that an overlong stream is noticed.
    buf.reserve_exact(size.saturating_add(1));
    buf.extend_from_slice(&head[header_len..got.min(header_len + size)]);
    if got > header_len + size {
        return Err(OdbError::corrupt(path, "object is longer than its header says"));
    }
    // Inflate the rest straight into the buffer's spare capacity.
    loop {
        let in_pos = z.total_in() as usize;
        let before = buf.len();
        let status = z
            .decompress_vec(&bytes[in_pos..], buf, FlushDecompress::Finish)
            .map_err(|e| OdbError::corrupt(path, format!("zlib: {e}")))?;
        if buf.len() > size {
            return Err(OdbError::corrupt(path, "object is longer than its header says"));
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
