//! Read-only file contents: memory-mapped for large files, read into memory for small ones.
//!
//! This is the only module of oxgit with `unsafe` code.
//!
//! # Why the mapping is sound enough, and what happens if the file changes
//!
//! [`memmap2::Mmap::map`] is `unsafe` because the compiler assumes that the bytes behind a
//! `&[u8]` never change while the slice lives, and another process could modify or truncate
//! the file underneath the mapping. oxgit maps only pack files, pack indexes,
//! multi-pack-indexes, commit-graph files and index files (`.git/index`, `sharedindex.*`). Git never rewrites
//! those in place: it writes a new file under a
//! temporary name and renames it into place, and removes old packs by unlinking them. A
//! rename or unlink leaves our mapping pointing at the old inode, whose pages stay valid
//! until we unmap them, so in every way git itself touches these files our bytes cannot
//! change.
//!
//! What remains is a foreign process writing into or truncating a pack in place, which git
//! also does not survive. Every parser in oxgit bounds-checks every read against the slice
//! length and treats every byte as untrusted, so *modified* bytes yield an error (or, for
//! byte changes that keep the structure valid, wrong contents), never undefined behaviour
//! in our code. A file *truncated* underneath a mapping makes the kernel raise `SIGBUS` on
//! access to the vanished pages; that is the one failure this design accepts, exactly as git
//! (which maps packs the same way) does. Small files are read into memory instead, which
//! also avoids mapping zero-length files (an error on Linux).

use super::OdbError;
use std::ops::Deref;
use std::path::Path;

/// Files smaller than this are read into memory rather than mapped.
const MAP_THRESHOLD: u64 = 32 * 1024;

/// The bytes of a file: a read-only mapping or an owned buffer.
pub(crate) enum Data {
    /// A read-only shared mapping of the whole file.
    Mapped(memmap2::Mmap),
    /// The file read into memory (or bytes handed in directly, e.g. by fuzzers).
    Owned(Vec<u8>),
}

impl Deref for Data {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        match self {
            Data::Mapped(m) => m,
            Data::Owned(v) => v,
        }
    }
}

impl std::fmt::Debug for Data {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Data({} bytes)", self.len())
    }
}

/// Opens `path` read-only and maps it (or reads it, if small).
pub(crate) fn open(path: &Path) -> Result<Data, OdbError> {
    open_io(path).map_err(|e| OdbError::io(path, e))
}

/// [`open`] with the plain I/O error.
pub(crate) fn open_io(path: &Path) -> std::io::Result<Data> {
    let file = std::fs::File::open(path)?;
    let len = file.metadata()?.len();
    if len < MAP_THRESHOLD {
        use std::io::Read;
        let mut buf = Vec::with_capacity(len as usize);
        (&file).read_to_end(&mut buf)?;
        return Ok(Data::Owned(buf));
    }
    // SAFETY: the mapping is read-only and private to this process. See the module
    // documentation: git replaces these files by rename and never writes into them, so the
    // mapped bytes do not change under us; all parsers bounds-check against the mapped
    // length and accept arbitrary byte values.
    let map = unsafe { memmap2::Mmap::map(&file) }?;
    Ok(Data::Mapped(map))
}
