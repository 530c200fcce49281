//! EWAH compressed bitmaps as the split index stores them (git's `ewah/` format): a bit
//! count, a word count, the 64-bit words (run-length words, each followed by its literal
//! words) and the position of the last run-length word, all big-endian.

/// A decoded bitmap: the positions of its set bits, in increasing order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Bitmap {
    /// The set bits.
    pub bits: Vec<usize>,
}

/// Reads a bitmap from the start of `data`; returns it and the bytes it took. Set bits at
/// or beyond `limit` are an error (they would name entries that do not exist), which also
/// bounds the work a hostile run length can cause.
pub fn read(data: &[u8], limit: usize) -> Result<(Bitmap, usize), String> {
    let be32 = |at: usize| -> Result<u32, String> {
        data.get(at..at + 4)
            .map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
            .ok_or_else(|| "truncated ewah bitmap".to_string())
    };
    let _bit_size = be32(0)?;
    let words = be32(4)? as usize;
    let body = words
        .checked_mul(8)
        .and_then(|n| n.checked_add(12))
        .filter(|&n| n <= data.len())
        .ok_or_else(|| "truncated ewah bitmap".to_string())?;
    let word = |i: usize| -> u64 {
        let at = 8 + 8 * i;
        u64::from_be_bytes(data[at..at + 8].try_into().expect("8 bytes"))
    };
    let mut bits = Vec::new();
    let mut pos = 0usize;
    let mut i = 0usize;
    let too_far = || format!("ewah bitmap names a position beyond {limit}");
    while i < words {
        let rlw = word(i);
        let run = ((rlw >> 1) & 0xffff_ffff) as usize;
        let literals = (rlw >> 33) as usize;
        let run_bits = run.checked_mul(64).ok_or_else(too_far)?;
        if rlw & 1 != 0 && run_bits > 0 {
            if pos + run_bits > limit {
                return Err(too_far());
            }
            bits.extend(pos..pos + run_bits);
        }
        pos = pos.checked_add(run_bits).ok_or_else(too_far)?;
        i += 1;
        if literals > words - i {
            return Err("ewah literal words run past the bitmap".into());
        }
        for _ in 0..literals {
            let mut w = word(i);
            while w != 0 {
                let bit = pos + w.trailing_zeros() as usize;
                if bit >= limit {
                    return Err(too_far());
                }
                bits.push(bit);
                w &= w - 1;
            }
            pos += 64;
            i += 1;
        }
    }
    Ok((Bitmap { bits }, body))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn encode(bit_size: u32, words: &[u64]) -> Vec<u8> {
        let mut v = bit_size.to_be_bytes().to_vec();
        v.extend((words.len() as u32).to_be_bytes());
        for w in words {
            v.extend(w.to_be_bytes());
        }
        v.extend(0u32.to_be_bytes());
        v
    }

    #[test]
    fn runs_and_literals() {
        // A run of one word of ones, then one literal word with bits 0 and 3.
        let rlw = 1 | (1 << 1) | (1 << 33);
        let data = encode(128, &[rlw, 0b1001]);
        let (b, used) = read(&data, 1000).unwrap();
        assert_eq!(used, data.len());
        let mut want: Vec<usize> = (0..64).collect();
        want.extend([64, 67]);
        assert_eq!(b.bits, want);
        assert!(read(&data, 66).is_err());
        assert!(read(&data[..10], 1000).is_err());
        // Literal count past the end.
        assert!(read(&encode(0, &[5 << 33]), 1000).is_err());
        // A huge run of zeros is fine; a huge run of ones is refused.
        assert!(read(&encode(0, &[0xffff_ffff << 1]), 10)
            .unwrap()
            .0
            .bits
            .is_empty());
        assert!(read(&encode(0, &[1 | (0xffff_ffff << 1)]), 10).is_err());
    }
}
