//! Display widths and wrapping as git's `utf8.c` computes them: `utf8_strnwidth` (ANSI
//! colour sequences take no room), `strbuf_add_wrapped_text` (`%w(...)`, e-mail headers),
//! `strbuf_utf8_replace` (`%<(N,trunc)`) and tab expansion for the default formats.

/// git's `isspace` (space, tab, newline, carriage return).
pub(crate) fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r')
}

/// The length of a colour sequence (`ESC [ digits/semicolons m`) at the start of `s`.
pub(crate) fn esc_sequence_len(s: &[u8]) -> usize {
    if s.len() < 3 || s[0] != 0x1b || s[1] != b'[' {
        return 0;
    }
    let mut i = 2;
    while i < s.len() && (s[i].is_ascii_digit() || s[i] == b';') {
        i += 1;
    }
    if s.get(i) == Some(&b'm') {
        i + 1
    } else {
        0
    }
}

/// The next character of `s` and its display width as git's `utf8_width` gives it
/// (control characters -1, NUL 0, wide characters 2), with its length in bytes; `None`
/// when `s` does not start with well-formed UTF-8.
pub(crate) fn char_width(s: &[u8]) -> Option<(i32, usize)> {
    let b = *s.first()?;
    if b < 0x80 {
        let w = if b == 0 {
            0
        } else if b < 0x20 || b == 0x7f {
            -1
        } else {
            1
        };
        return Some((w, 1));
    }
    let len = match b {
        0xc2..=0xdf => 2,
        0xe0..=0xef => 3,
        0xf0..=0xf4 => 4,
        _ => return None,
    };
    let c = std::str::from_utf8(s.get(..len)?).ok()?.chars().next()?;
    let cp = c as u32;
    let w = crate::diff::width::wcwidth(cp);
    Some((w, len))
}

/// git's `utf8_strnwidth(s, len, 1)`: the display width, skipping colour sequences; the
/// byte length when `s` is not valid UTF-8.
pub(crate) fn display_width(s: &[u8]) -> usize {
    let mut i = 0;
    let mut width = 0usize;
    while i < s.len() {
        loop {
            let n = esc_sequence_len(&s[i..]);
            if n == 0 {
                break;
            }
            i += n;
        }
        if i >= s.len() {
            break;
        }
        match char_width(&s[i..]) {
            Some((w, n)) => {
                if w > 0 {
                    width += w as usize;
                }
                i += n;
            }
            None => return s.len(),
        }
    }
    width
}

/// git's `strbuf_add_indented_text`.
fn add_indented(out: &mut Vec<u8>, text: &[u8], indent1: i64, indent2: i64) {
    let mut indent = indent1.max(0) as usize;
    let mut rest = text;
    while !rest.is_empty() {
        let eol = memchr::memchr(b'\n', rest).map_or(rest.len(), |i| i + 1);
        out.extend(std::iter::repeat_n(b' ', indent));
        out.extend_from_slice(&rest[..eol]);
        rest = &rest[eol..];
        indent = indent2.max(0) as usize;
    }
}

/// git's `strbuf_add_wrapped_text`: appends `text` wrapped at `width` columns, the first
/// line indented by `indent1` (negative: that many columns are already used) and the
/// others by `indent2`. A `width` of 0 or less only indents.
pub(crate) fn add_wrapped(out: &mut Vec<u8>, text: &[u8], indent1: i64, indent2: i64, width: i64) {
    if width <= 0 {
        add_indented(out, text, indent1, indent2);
        return;
    }
    let orig_len = out.len();
    let mut assume_utf8 = true;
    'retry: loop {
        let mut t = 0usize; // position in text
        let mut bol = 0usize;
        let mut indent = indent1;
        let mut w = indent1;
        let mut space: Option<usize> = None;
        if indent < 0 {
            w = -indent;
            space = Some(0);
        }
        loop {
            loop {
                let n = esc_sequence_len(&text[t.min(text.len())..]);
                if n == 0 {
                    break;
                }
                t += n;
            }
            let c = text.get(t).copied().unwrap_or(0);
            if c == 0 || is_space(c) {
                if w <= width || space.is_none() {
                    let mut start = bol;
                    if c == 0 && t == start {
                        return;
                    }
                    if let Some(sp) = space {
                        start = sp;
                    } else {
                        out.extend(std::iter::repeat_n(b' ', indent.max(0) as usize));
                    }
                    out.extend_from_slice(&text[start..t]);
                    if c == 0 {
                        return;
                    }
                    let mut sp = t;
                    space = Some(sp);
                    let mut newline = false;
                    if c == b'\t' {
                        w |= 0x07;
                    } else if c == b'\n' {
                        sp += 1;
                        space = Some(sp);
                        let next = text.get(sp).copied().unwrap_or(0);
                        if next == b'\n' {
                            out.push(b'\n');
                            newline = true;
                        } else if !next.is_ascii_alphanumeric() {
                            newline = true;
                        } else {
                            out.push(b' ');
                        }
                    }
                    if !newline {
                        w += 1;
                        t += 1;
                        continue;
                    }
                }
                // new_line:
                out.push(b'\n');
                let sp = space.unwrap_or(t);
                let skip = usize::from(text.get(sp).is_some_and(|&b| is_space(b)));
                t = sp + skip;
                bol = t;
                space = None;
                indent = indent2;
                w = indent2;
                continue;
            }
            if assume_utf8 {
                match char_width(&text[t..]) {
                    Some((cw, n)) => {
                        w += i64::from(cw);
                        t += n;
                    }
                    None => {
                        assume_utf8 = false;
                        out.truncate(orig_len);
                        continue 'retry;
                    }
                }
            } else {
                w += 1;
                t += 1;
            }
        }
    }
}

/// git's `strbuf_utf8_replace`: replaces the characters in columns `pos..pos + width`
/// with `subst` (colour sequences are kept). Text that is not UTF-8 is left alone.
pub(crate) fn utf8_replace(buf: &mut Vec<u8>, pos: i64, width: i64, subst: &[u8]) {
    let mut dst = Vec::with_capacity(buf.len());
    let mut subst = Some(subst);
    let mut w: i64 = 0;
    let mut i = 0;
    while i < buf.len() {
        loop {
            let n = esc_sequence_len(&buf[i..]);
            if n == 0 {
                break;
            }
            dst.extend_from_slice(&buf[i..i + n]);
            i += n;
        }
        if i >= buf.len() {
            break;
        }
        let Some((gw, n)) = char_width(&buf[i..]) else {
            return;
        };
        let gw = i64::from(gw.max(0));
        if gw != 0 && w >= pos && w < pos + width {
            if let Some(s) = subst.take() {
                dst.extend_from_slice(s);
            }
        } else {
            dst.extend_from_slice(&buf[i..i + n]);
        }
        w += gw;
        i += n;
    }
    *buf = dst;
}

/// The display width of `s` for tab expansion (`pp_utf8_width`): `None` if it is not
/// well-formed UTF-8 or has a control character.
fn tab_width(s: &[u8]) -> Option<usize> {
    let mut i = 0;
    let mut width = 0usize;
    while i < s.len() {
        let (w, n) = char_width(&s[i..])?;
        if w < 0 {
            return None;
        }
        width += w as usize;
        i += n;
    }
    Some(width)
}

/// git's `strbuf_add_tabexpand`: tabs become spaces up to the next multiple of
/// `tabwidth` columns, until a part of the line has no well-defined width.
pub(crate) fn add_tabexpand(out: &mut Vec<u8>, tabwidth: usize, line: &[u8]) {
    let mut rest = line;
    while let Some(tab) = memchr::memchr(b'\t', rest) {
        let Some(width) = tab_width(&rest[..tab]) else {
            break;
        };
        out.extend_from_slice(&rest[..tab]);
        out.extend(std::iter::repeat_n(b' ', tabwidth - width % tabwidth));
        rest = &rest[tab + 1..];
    }
    out.extend_from_slice(rest);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wrap(t: &str, i1: i64, i2: i64, w: i64) -> String {
        let mut out = Vec::new();
        add_wrapped(&mut out, t.as_bytes(), i1, i2, w);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn wraps_like_git() {
        assert_eq!(
            wrap("aaa bbb ccc ddd eee", 1, 2, 10),
            " aaa bbb\n  ccc ddd\n  eee"
        );
        assert_eq!(wrap("a b", 0, 0, 0), "a b");
        assert_eq!(wrap("x\ny", 2, 4, 0), "  x\n    y");
        let mut tabbed = Vec::new();
        add_tabexpand(&mut tabbed, 8, "ab\tc\té\td".as_bytes());
        assert_eq!(
            String::from_utf8(tabbed).unwrap(),
            "ab      c       é       d"
        );
        assert_eq!(display_width("\x1b[31mé\x1b[m".as_bytes()), 1);
        let mut r = b"abcdef".to_vec();
        utf8_replace(&mut r, 1, 3, b"..");
        assert_eq!(r, b"a..ef");
    }
}
