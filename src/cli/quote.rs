//! git's C-style quoting of path names (`core.quotePath` on, the default).

/// Quotes `name` as git does when it contains a double quote, backslash, a control
/// character or a byte ≥ 0x80; otherwise returns it unchanged.
pub fn quote_path(name: &[u8]) -> Vec<u8> {
    if !name.iter().any(|&c| needs_quote(c)) {
        return name.to_vec();
    }
    let mut out = Vec::with_capacity(name.len() + 8);
    out.push(b'"');
    for &c in name {
        match c {
            b'"' => out.extend_from_slice(b"\\\""),
            b'\\' => out.extend_from_slice(b"\\\\"),
            0x07 => out.extend_from_slice(b"\\a"),
            0x08 => out.extend_from_slice(b"\\b"),
            b'\t' => out.extend_from_slice(b"\\t"),
            b'\n' => out.extend_from_slice(b"\\n"),
            0x0b => out.extend_from_slice(b"\\v"),
            0x0c => out.extend_from_slice(b"\\f"),
            b'\r' => out.extend_from_slice(b"\\r"),
            c if needs_quote(c) => out.extend_from_slice(format!("\\{c:03o}").as_bytes()),
            c => out.push(c),
        }
    }
    out.push(b'"');
    out
}

fn needs_quote(c: u8) -> bool {
    c < 0x20 || c == b'"' || c == b'\\' || c >= 0x7f
}
