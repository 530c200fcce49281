//! git's binary detection for diffs (without `.gitattributes`): a blob is binary if it
//! contains a NUL byte in its first 8000 bytes, or is larger than
//! `core.bigFileThreshold`.

/// How many leading bytes git inspects for a NUL byte.
pub const FIRST_FEW_BYTES: usize = 8000;

/// git's default `core.bigFileThreshold` (512 MiB): larger blobs are binary unread.
pub const DEFAULT_BIG_FILE_THRESHOLD: u64 = 512 * 1024 * 1024;

/// Whether `data` looks binary to git: a NUL byte within the first 8000 bytes.
pub fn is_binary(data: &[u8]) -> bool {
    memchr::memchr(0, &data[..data.len().min(FIRST_FEW_BYTES)]).is_some()
}

/// Whether a blob of `size` bytes is binary by size alone (above the big-file threshold).
pub fn is_big(size: u64, big_file_threshold: u64) -> bool {
    size > big_file_threshold
}

/// Whether a pair is shown as binary: either side binary.
pub fn is_binary_pair(old: &[u8], new: &[u8]) -> bool {
    is_binary(old) || is_binary(new)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nul_position_limit() {
        let mut v = vec![b'a'; 9000];
        v[7999] = 0;
        assert!(is_binary(&v));
        v[7999] = b'a';
        v[8000] = 0;
        assert!(!is_binary(&v));
        assert!(!is_binary(b""));
        assert!(is_binary_pair(b"x", b"\0"));
        assert!(!is_binary(b"\xff\xfe\r\n"));
        assert!(is_big(
            DEFAULT_BIG_FILE_THRESHOLD + 1,
            DEFAULT_BIG_FILE_THRESHOLD
        ));
    }
}
