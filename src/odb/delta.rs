//! Git's delta format: rebuild an object from a base and a list of copy/insert instructions.

/// Why a delta could not be applied.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DeltaError {
    /// The delta ends inside its header or inside an instruction.
    #[error("delta is truncated")]
    Truncated,
    /// A size varint is longer than 64 bits.
    #[error("delta size varint overflows")]
    SizeOverflow,
    /// The base is not as long as the delta says.
    #[error("delta expects a {expected}-byte base, base has {actual} bytes")]
    BaseSizeMismatch {
        /// The source size in the delta header.
        expected: u64,
        /// The length of the base given.
        actual: u64,
    },
    /// The declared result size cannot be produced by a delta of this length.
    #[error("delta declares an impossible result size {0}")]
    ImpossibleSize(u64),
    /// A copy instruction reaches outside the base.
    #[error("delta copies {size} bytes at offset {offset}, outside the {base_len}-byte base")]
    CopyOutOfBounds {
        /// Copy offset.
        offset: u64,
        /// Copy length.
        size: u64,
        /// Base length.
        base_len: u64,
    },
    /// The reserved instruction byte 0 appeared.
    #[error("delta uses the reserved instruction 0")]
    ReservedOpcode,
    /// The instructions produce more or fewer bytes than the header declares.
    #[error("delta result size mismatch: header says {expected}, instructions give {actual}")]
    ResultSizeMismatch {
        /// The target size in the delta header.
        expected: u64,
        /// What the instructions produced (so far).
        actual: u64,
    },
}

/// Reads a little-endian base-128 varint at `*pos`.
fn varint(data: &[u8], pos: &mut usize) -> Result<u64, DeltaError> {
    let mut value = 0u64;
    let mut shift = 0u32;
    loop {
        let b = *data.get(*pos).ok_or(DeltaError::Truncated)?;
        *pos += 1;
        if shift > 63 || (shift == 63 && (b & 0x7f) > 1) {
            return Err(DeltaError::SizeOverflow);
        }
        value |= u64::from(b & 0x7f) << shift;
        if b & 0x80 == 0 {
            return Ok(value);
        }
        shift += 7;
    }
}

/// Parses the delta header: `(base size, result size, header length)`.
pub fn delta_sizes(delta: &[u8]) -> Result<(u64, u64, usize), DeltaError> {
    let mut pos = 0;
    let src = varint(delta, &mut pos)?;
    let dst = varint(delta, &mut pos)?;
    Ok((src, dst, pos))
}

/// Reads a copy instruction's offset and size after the opcode `op` at `*pos`.
fn copy_args(op: u8, ins: &[u8], pos: &mut usize) -> Result<(u64, u64), DeltaError> {
    let mut offset = 0u64;
    let mut size = 0u64;
    for i in 0..4 {
        if op & (1 << i) != 0 {
            let b = *ins.get(*pos).ok_or(DeltaError::Truncated)?;
            *pos += 1;
            offset |= u64::from(b) << (8 * i);
        }
    }
    for i in 0..3 {
        if op & (0x10 << i) != 0 {
            let b = *ins.get(*pos).ok_or(DeltaError::Truncated)?;
            *pos += 1;
            size |= u64::from(b) << (8 * i);
        }
    }
    if size == 0 {
        size = 0x10000;
    }
    Ok((offset, size))
}

/// Validates the instructions `ins` against a base of `base_len` bytes and returns the
/// number of bytes they produce, stopping with an error once that exceeds `dst`.
fn check_instructions(base_len: u64, ins: &[u8], dst: u64) -> Result<u64, DeltaError> {
    let mut pos = 0;
    let mut total = 0u64;
    while pos < ins.len() {
        let op = ins[pos];
        pos += 1;
        let n = if op & 0x80 != 0 {
            let (offset, size) = copy_args(op, ins, &mut pos)?;
            if offset + size > base_len {
                return Err(DeltaError::CopyOutOfBounds {
                    offset,
                    size,
                    base_len,
                });
            }
            size
        } else if op != 0 {
            if pos + usize::from(op) > ins.len() {
                return Err(DeltaError::Truncated);
            }
            pos += usize::from(op);
            u64::from(op)
        } else {
            return Err(DeltaError::ReservedOpcode);
        };
        total += n;
        if total > dst {
            return Err(DeltaError::ResultSizeMismatch {
                expected: dst,
                actual: total,
            });
        }
    }
    Ok(total)
}

/// Applies `delta` to `base`, writing the result into `out` (cleared first).
///
/// Every instruction is bounds-checked: copies must stay inside `base` and the result must
/// be exactly the size the header declares. The instructions are checked (and their output
/// added up) before `out` is allocated, at exactly that size.
pub fn apply_delta(base: &[u8], delta: &[u8], out: &mut Vec<u8>) -> Result<(), DeltaError> {
    let (src, dst, mut pos) = delta_sizes(delta)?;
    if src != base.len() as u64 {
        return Err(DeltaError::BaseSizeMismatch {
            expected: src,
            actual: base.len() as u64,
        });
    }
    // A first pass checks every instruction and adds up the result size, so that nothing
    // is allocated for a delta that cannot produce what it declares.
    let produced = check_instructions(base.len() as u64, &delta[pos..], dst)?;
    if produced != dst {
        return Err(DeltaError::ResultSizeMismatch {
            expected: dst,
            actual: produced,
        });
    }
    let dst_len = usize::try_from(dst).map_err(|_| DeltaError::ImpossibleSize(dst))?;
    out.clear();
    out.reserve_exact(dst_len);
    while pos < delta.len() {
        let op = delta[pos];
        pos += 1;
        if op & 0x80 != 0 {
            let (offset, size) = copy_args(op, delta, &mut pos)?;
            let end = offset + size;
            if end > base.len() as u64 {
                return Err(DeltaError::CopyOutOfBounds {
                    offset,
                    size,
                    base_len: base.len() as u64,
                });
            }
            if out.len() as u64 + size > dst {
                return Err(DeltaError::ResultSizeMismatch {
                    expected: dst,
                    actual: out.len() as u64 + size,
                });
            }
            out.extend_from_slice(&base[offset as usize..end as usize]);
        } else if op != 0 {
            let n = usize::from(op);
            let lit = delta.get(pos..pos + n).ok_or(DeltaError::Truncated)?;
            pos += n;
            if (out.len() + n) as u64 > dst {
                return Err(DeltaError::ResultSizeMismatch {
                    expected: dst,
                    actual: (out.len() + n) as u64,
                });
            }
            out.extend_from_slice(lit);
        } else {
            return Err(DeltaError::ReservedOpcode);
        }
    }
    if out.len() as u64 != dst {
        return Err(DeltaError::ResultSizeMismatch {
            expected: dst,
            actual: out.len() as u64,
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copy_and_insert() {
        let base = b"hello world";
        // src 11, dst 9: copy 5 bytes at 0 ("hello"), insert ", me!"... then check size.
        let delta = [11, 10, 0x90, 5, 5, b',', b' ', b'y', b'o', b'u'];
        let mut out = Vec::new();
        apply_delta(base, &delta, &mut out).unwrap();
        assert_eq!(out, b"hello, you");
    }

    #[test]
    fn rejects_bad_deltas() {
        let mut out = Vec::new();
        let base = b"abc";
        assert_eq!(
            apply_delta(base, &[4, 1, 1, b'x'], &mut out),
            Err(DeltaError::BaseSizeMismatch {
                expected: 4,
                actual: 3
            })
        );
        assert!(matches!(
            apply_delta(base, &[3, 3, 0x91, 1, 3], &mut out),
            Err(DeltaError::CopyOutOfBounds { .. })
        ));
        assert_eq!(
            apply_delta(base, &[3, 1, 0], &mut out),
            Err(DeltaError::ReservedOpcode)
        );
        assert_eq!(
            apply_delta(base, &[3, 2, 1, b'x'], &mut out),
            Err(DeltaError::ResultSizeMismatch {
                expected: 2,
                actual: 1
            })
        );
        assert_eq!(
            apply_delta(base, &[3, 1, 2, b'x'], &mut out),
            Err(DeltaError::Truncated)
        );
        // A huge declared size is refused before anything is allocated.
        assert_eq!(
            apply_delta(base, &[3, 0xff, 0xff, 0xff, 0x7f, 1, b'x'], &mut out),
            Err(DeltaError::ResultSizeMismatch {
                expected: 0x0fff_ffff,
                actual: 1
            })
        );
        assert!(out.capacity() < 1024);
        assert_eq!(
            apply_delta(base, &[0xff; 12], &mut out),
            Err(DeltaError::SizeOverflow)
        );
    }
}
