//! Byte strings carried losslessly in `str`.
//!
//! git's arguments, paths, patterns and config values are bytes, not UTF-8. oxgit's
//! parsers work on `str`, so each byte string that enters as bytes is [`encode`]d once
//! (command-line arguments, config files, names read from standard input) and turned
//! back into bytes by [`decode`] wherever it becomes a path, a pattern or output.
//!
//! # The encoding
//!
//! Valid UTF-8 stays as it is, except for the 128 *reserved* characters
//! `U+10FF80..=U+10FFFF` (the end of plane 16's private use area). Every byte `b` that is
//! not part of valid UTF-8 (always `0x80..=0xFF`), and every byte of a reserved character
//! present in the input, becomes the reserved character `U+10FF00 + b`. [`decode`] maps
//! each reserved character back to its byte and every other character to its UTF-8.
//!
//! Round trip: [`encode`] emits, for each input byte sequence, either the same character
//! (whose UTF-8 is those bytes, and which is not reserved) or one reserved character per
//! byte; [`decode`] inverts both cases character by character, so
//! `decode(&encode(b)) == b` for every `b` (tested below, exhaustively for short inputs).
//! Because [`decode`] works character by character and ASCII maps to itself, splitting an
//! encoded string at ASCII characters (`:`, `/`, `=`) or concatenating encoded strings
//! commutes with decoding; and since [`encode`] is injective, equal encoded strings mean
//! equal bytes.
//!
//! An encoded string can hold reserved characters, so text meant for a terminal or a file
//! must go through [`decode`] before it is written (the CLI does this for its error output).

use std::borrow::Cow;
use std::ffi::{OsStr, OsString};

/// The first reserved character: byte `b` (`0x80..=0xFF`) is `RESERVED_BASE + b`.
const RESERVED_BASE: u32 = 0x10_FF00;

/// Whether `c` is one of the 128 reserved characters (`U+10FF80..=U+10FFFF`).
pub fn is_reserved(c: char) -> bool {
    (RESERVED_BASE + 0x80..=RESERVED_BASE + 0xFF).contains(&(c as u32))
}

/// The reserved character standing for byte `b` (`0x80..=0xFF`).
fn reserved(b: u8) -> char {
    debug_assert!(b >= 0x80);
    char::from_u32(RESERVED_BASE + u32::from(b)).expect("U+10FF80..=U+10FFFF are chars")
}

/// Every reserved character's UTF-8 starts with this byte (`U+10FFxx` is `F4 8F BE/BF xx`),
/// so text without it has nothing to map.
const RESERVED_LEAD: u8 = 0xF4;

/// `bytes` as a string: unchanged when it is UTF-8 without reserved characters, else with
/// the bytes that need it mapped to reserved characters (see the [module](self) docs).
pub fn encode(bytes: &[u8]) -> Cow<'_, str> {
    if let Ok(s) = std::str::from_utf8(bytes) {
        if !bytes.contains(&RESERVED_LEAD) {
            return Cow::Borrowed(s);
        }
    }
    let mut out = String::with_capacity(bytes.len() + 8);
    for chunk in bytes.utf8_chunks() {
        for c in chunk.valid().chars() {
            if is_reserved(c) {
                let mut buf = [0; 4];
                out.extend(c.encode_utf8(&mut buf).bytes().map(reserved));
            } else {
                out.push(c);
            }
        }
        out.extend(chunk.invalid().iter().copied().map(reserved));
    }
    Cow::Owned(out)
}

/// The bytes an [`encode`]d string stands for: reserved characters become their byte.
pub fn decode(s: &str) -> Cow<'_, [u8]> {
    if !s.as_bytes().contains(&RESERVED_LEAD) {
        return Cow::Borrowed(s.as_bytes());
    }
    let mut out = Vec::with_capacity(s.len());
    for c in s.chars() {
        if is_reserved(c) {
            out.push((c as u32 - RESERVED_BASE) as u8);
        } else {
            let mut buf = [0; 4];
            out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
        }
    }
    Cow::Owned(out)
}

/// The bytes of text that holds encoded strings, as UTF-8 or mixed with raw bytes (the
/// literal runs of a format string cut out at ASCII characters, say): reserved
/// characters become their byte; everything else is kept as it is.
pub fn decode_utf8(text: &[u8]) -> Cow<'_, [u8]> {
    if !text.contains(&RESERVED_LEAD) {
        return Cow::Borrowed(text);
    }
    let mut out = Vec::with_capacity(text.len());
    for chunk in text.utf8_chunks() {
        out.extend_from_slice(&decode(chunk.valid()));
        out.extend_from_slice(chunk.invalid());
    }
    Cow::Owned(out)
}

/// An operating-system string (an argument, a path) as an encoded string.
pub fn from_os(s: OsString) -> String {
    match s.into_string() {
        Ok(s) if !s.as_bytes().contains(&RESERVED_LEAD) => s,
        Ok(s) => encode(s.as_bytes()).into_owned(),
        Err(s) => encode(os_bytes(&s)).into_owned(),
    }
}

/// An operating-system string (a path found on disk) as an encoded string.
pub fn from_os_str(s: &OsStr) -> Cow<'_, str> {
    encode(os_bytes(s))
}

/// The operating-system string an encoded string stands for (a path to open).
pub fn to_os(s: &str) -> OsString {
    os_string(decode(s).into_owned())
}

#[cfg(unix)]
fn os_bytes(s: &OsStr) -> &[u8] {
    use std::os::unix::ffi::OsStrExt;
    s.as_bytes()
}

#[cfg(not(unix))]
fn os_bytes(s: &OsStr) -> &[u8] {
    s.as_encoded_bytes()
}

#[cfg(unix)]
fn os_string(b: Vec<u8>) -> OsString {
    use std::os::unix::ffi::OsStringExt;
    OsString::from_vec(b)
}

#[cfg(not(unix))]
fn os_string(b: Vec<u8>) -> OsString {
    // Windows paths are UTF-16; bytes that are not UTF-8 cannot name a file there.
    OsString::from(String::from_utf8_lossy(&b).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip(b: &[u8]) {
        let e = encode(b);
        assert_eq!(&*decode(&e), b, "{b:x?} -> {e:?}");
    }

    #[test]
    fn every_short_byte_string_round_trips() {
        // All strings of up to two bytes, and three bytes over an alphabet that covers
        // ASCII, continuation bytes, every lead-byte class and the reserved prefix.
        for a in 0..=255u8 {
            round_trip(&[a]);
            for b in 0..=255u8 {
                round_trip(&[a, b]);
            }
        }
        let alphabet = [
            0x00, b'a', b':', 0x7F, 0x80, 0x8F, 0xA9, 0xBE, 0xBF, 0xC3, 0xE2, 0xF0, 0xF4, 0xFF,
        ];
        for &a in &alphabet {
            for &b in &alphabet {
                for &c in &alphabet {
                    for &d in &alphabet {
                        round_trip(&[a, b, c, d]);
                    }
                }
            }
        }
    }

    #[test]
    fn utf8_stays_and_reserved_characters_are_escaped() {
        assert!(matches!(
            encode("café ☃".as_bytes()),
            Cow::Borrowed("café ☃")
        ));
        assert_eq!(encode(b"caf\xe9"), "caf\u{10FFE9}");
        // A reserved character given as UTF-8 is kept as its four bytes.
        let given = "x\u{10FF80}".as_bytes();
        assert_eq!(encode(given), "x\u{10FFF4}\u{10FF8F}\u{10FFBE}\u{10FF80}");
        round_trip(given);
        assert!(matches!(decode("plain"), Cow::Borrowed(b"plain")));
        let mut mixed = encode(b"a\xe9").into_owned().into_bytes();
        mixed.push(0xFF);
        assert_eq!(&*decode_utf8(&mixed), b"a\xe9\xff");
    }

    #[test]
    fn decoding_commutes_with_ascii_splits_and_concatenation() {
        let e = encode(b"caf\xe9:d\xc3/\xa9");
        let (a, b) = e.split_once(':').unwrap();
        assert_eq!(&*decode(a), b"caf\xe9");
        assert_eq!(&*decode(b), b"d\xc3/\xa9");
        let joined = format!("{}{}", encode(b"\xc3"), encode(b"\xa9"));
        assert_eq!(&*decode(&joined), "é".as_bytes());
    }

    #[test]
    fn os_strings_round_trip() {
        let raw = os_string(b"dir/caf\xe9".to_vec());
        let s = from_os(raw.clone());
        assert_eq!(to_os(&s), raw);
    }
}
