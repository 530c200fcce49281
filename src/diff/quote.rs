//! git's C-style path quoting (`quote_c_style`) and the rename display (`pprint_rename`).
//!
//! A path is quoted when it holds a control byte, `"`, `\`, DEL, or (with
//! `core.quotePath`, the default) any byte `>= 0x80`; quoted paths are wrapped in double
//! quotes with `\a \b \t \n \v \f \r \" \\` escapes and 3-digit octal for other bytes.

/// How a byte is written inside a quoted path.
enum Escape {
    /// As itself.
    Plain,
    /// As a backslash and this letter.
    Letter(u8),
    /// As a backslash and three octal digits.
    Octal,
}

fn escape_of(c: u8, quote_high: bool) -> Escape {
    match c {
        0x07 => Escape::Letter(b'a'),
        0x08 => Escape::Letter(b'b'),
        b'\t' => Escape::Letter(b't'),
        b'\n' => Escape::Letter(b'n'),
        0x0b => Escape::Letter(b'v'),
        0x0c => Escape::Letter(b'f'),
        b'\r' => Escape::Letter(b'r'),
        b'"' => Escape::Letter(b'"'),
        b'\\' => Escape::Letter(b'\\'),
        0x00..=0x1f | 0x7f => Escape::Octal,
        0x80..=0xff if quote_high => Escape::Octal,
        _ => Escape::Plain,
    }
}

/// Whether git would quote `name` (`quote_high`: the value of `core.quotePath`).
pub fn needs_quote(name: &[u8], quote_high: bool) -> bool {
    name.iter()
        .any(|&c| !matches!(escape_of(c, quote_high), Escape::Plain))
}

/// Appends `name` to `out`, quoted if git would quote it.
pub fn write_quoted(name: &[u8], quote_high: bool, out: &mut Vec<u8>) {
    if !needs_quote(name, quote_high) {
        out.extend_from_slice(name);
        return;
    }
    out.push(b'"');
    for &c in name {
        match escape_of(c, quote_high) {
            Escape::Plain => out.push(c),
            Escape::Letter(l) => out.extend_from_slice(&[b'\\', l]),
            Escape::Octal => out.extend_from_slice(&[
                b'\\',
                b'0' + (c >> 6),
                b'0' + ((c >> 3) & 7),
                b'0' + (c & 7),
            ]),
        }
    }
    out.push(b'"');
}

/// `name` quoted if git would quote it.
pub fn quoted(name: &[u8], quote_high: bool) -> Vec<u8> {
    let mut v = Vec::with_capacity(name.len() + 2);
    write_quoted(name, quote_high, &mut v);
    v
}

/// git's `write_name_quoted`: with terminator `\0` the name is written raw, otherwise
/// quoted; then the terminator.
pub fn write_name_terminated(name: &[u8], quote_high: bool, term: u8, out: &mut Vec<u8>) {
    if term == 0 {
        out.extend_from_slice(name);
    } else {
        write_quoted(name, quote_high, out);
    }
    out.push(term);
}

/// git's `pprint_rename`: `a/{b => x}/c` style, or `quote(a) => quote(b)` when either
/// needs quoting.
pub fn pprint_rename(a: &[u8], b: &[u8], quote_high: bool, out: &mut Vec<u8>) {
    if needs_quote(a, quote_high) || needs_quote(b, quote_high) {
        write_quoted(a, quote_high, out);
        out.extend_from_slice(b" => ");
        write_quoted(b, quote_high, out);
        return;
    }
    // Common prefix up to and including the last shared '/'.
    let mut pfx = 0usize;
    let mut i = 0usize;
    while i < a.len() && i < b.len() && a[i] == b[i] {
        if a[i] == b'/' {
            pfx = i + 1;
        }
        i += 1;
    }
    // Common suffix from the last matching '/', allowed to reuse the prefix's slash.
    let at = |s: &[u8], k: isize| -> u8 {
        if k >= 0 && (k as usize) < s.len() {
            s[k as usize]
        } else {
            0
        }
    };
    let adjust: isize = if pfx > 0 { 1 } else { 0 };
    let (mut oi, mut ni) = (a.len() as isize, b.len() as isize);
    let lower = pfx as isize - adjust;
    let mut sfx = 0usize;
    while lower <= oi && lower <= ni && at(a, oi) == at(b, ni) {
        if at(a, oi) == b'/' {
            sfx = a.len() - oi as usize;
        }
        oi -= 1;
        ni -= 1;
    }
    let a_mid = a.len().saturating_sub(pfx + sfx);
    let b_mid = b.len().saturating_sub(pfx + sfx);
    if pfx + sfx > 0 {
        out.extend_from_slice(&a[..pfx]);
        out.push(b'{');
    }
    out.extend_from_slice(&a[pfx..pfx + a_mid]);
    out.extend_from_slice(b" => ");
    out.extend_from_slice(&b[pfx..pfx + b_mid]);
    if pfx + sfx > 0 {
        out.push(b'}');
        out.extend_from_slice(&a[a.len() - sfx..]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(s: &[u8]) -> String {
        String::from_utf8(quoted(s, true)).unwrap()
    }

    fn pp(a: &str, b: &str) -> String {
        let mut v = Vec::new();
        pprint_rename(a.as_bytes(), b.as_bytes(), true, &mut v);
        String::from_utf8(v).unwrap()
    }

    #[test]
    fn quotes_like_git() {
        assert_eq!(q(b"sp ace.txt"), "sp ace.txt");
        assert_eq!(q(b"back\\slash"), "\"back\\\\slash\"");
        assert_eq!(q("héllo.txt".as_bytes()), "\"h\\303\\251llo.txt\"");
        assert_eq!(q(b"quo\"te"), "\"quo\\\"te\"");
        assert_eq!(q(b"tab\there"), "\"tab\\there\"");
        assert_eq!(q(b"a\x01\x7f"), "\"a\\001\\177\"");
        assert_eq!(quoted("é".as_bytes(), false), "é".as_bytes());
    }

    #[test]
    fn rename_display_like_git() {
        assert_eq!(pp("a/b/c", "a/x/c"), "a/{b => x}/c");
        assert_eq!(pp("foo.txt", "bar.txt"), "foo.txt => bar.txt");
        assert_eq!(pp("dir/a", "dir/b"), "dir/{a => b}");
        assert_eq!(pp("src/lib/m.c", "src/lib/c/m.c"), "src/lib/{ => c}/m.c");
        assert_eq!(pp("top", "t/o/top"), "top => t/o/top");
        assert_eq!(pp("x/y/z", "y/z"), "{x/y => y}/z");
        assert_eq!(pp("a b", "x\ty"), "a b => \"x\\ty\"");
    }
}
