//! Commit message trailers (`Signed-off-by: ...`) as git's `trailer.c` finds them, for
//! `%(trailers[:options])`. Only git's default trailer configuration is implemented
//! (separators `:`, no `trailer.<key>.*` settings).

use super::text::is_space;

/// `%(trailers:...)` options.
#[derive(Clone, Debug, Default)]
pub struct TrailerOptions {
    /// `only`: skip non-trailer lines of the block.
    pub only: bool,
    /// `unfold`: join continuation lines.
    pub unfold: bool,
    /// `key=`: keep only these keys (case-insensitive; implies `only`).
    pub keys: Vec<Vec<u8>>,
    /// `separator=`: between trailers instead of newlines.
    pub separator: Option<Vec<u8>>,
    /// `key_value_separator=`.
    pub key_value_separator: Option<Vec<u8>>,
    /// `keyonly`.
    pub key_only: bool,
    /// `valueonly`.
    pub value_only: bool,
}

impl TrailerOptions {
    fn plain(&self) -> bool {
        !self.only
            && !self.unfold
            && self.keys.is_empty()
            && self.separator.is_none()
            && !self.key_only
            && !self.value_only
            && self.key_value_separator.is_none()
    }
}

/// Lines of `buf` as (start, end-including-newline).
fn lines(buf: &[u8]) -> Vec<(usize, usize)> {
    let mut v = Vec::new();
    let mut pos = 0;
    while pos < buf.len() {
        let end = memchr::memchr(b'\n', &buf[pos..]).map_or(buf.len(), |i| pos + i + 1);
        v.push((pos, end));
        pos = end;
    }
    v
}

fn is_blank(line: &[u8]) -> bool {
    line.iter().all(|&b| is_space(b))
}

/// git's `find_separator` with separators `:`.
fn find_separator(line: &[u8]) -> Option<usize> {
    let mut whitespace_found = false;
    for (i, &c) in line.iter().enumerate() {
        if c == b':' {
            return Some(i);
        }
        if !whitespace_found && (c.is_ascii_alphanumeric() || c == b'-') {
            continue;
        }
        if i != 0 && (c == b' ' || c == b'\t') {
            whitespace_found = true;
            continue;
        }
        break;
    }
    None
}

/// Where the log message ends once trailing blank and comment lines are ignored.
fn end_of_message(buf: &[u8]) -> usize {
    let mut end = buf.len();
    for &(s, e) in lines(buf).iter().rev() {
        let line = &buf[s..e];
        if line.first() == Some(&b'#') || is_blank(line) {
            end = s;
        } else {
            break;
        }
    }
    end
}

/// git's `find_trailer_block_start` over `buf[..len]`.
fn block_start(buf: &[u8], len: usize) -> usize {
    let all = lines(&buf[..len]);
    let mut end_of_title = len;
    for &(s, e) in &all {
        let line = &buf[s..e];
        if line.first() == Some(&b'#') {
            continue;
        }
        if is_blank(line) {
            end_of_title = s;
            break;
        }
    }
    let mut only_spaces = true;
    let mut recognized = false;
    let (mut trailer_lines, mut non_trailer, mut cont) = (0usize, 0usize, 0usize);
    for &(s, e) in all.iter().rev() {
        if s < end_of_title {
            break;
        }
        let line = &buf[s..e];
        if line.first() == Some(&b'#') {
            non_trailer += cont;
            cont = 0;
            continue;
        }
        if is_blank(line) {
            if only_spaces {
                continue;
            }
            non_trailer += cont;
            if (recognized && trailer_lines * 3 >= non_trailer)
                || (trailer_lines > 0 && non_trailer == 0)
            {
                return e;
            }
            return len;
        }
        only_spaces = false;
        if line.starts_with(b"Signed-off-by: ") || line.starts_with(b"(cherry picked from commit ")
        {
            trailer_lines += 1;
            cont = 0;
            recognized = true;
            continue;
        }
        match find_separator(line) {
            Some(p) if p >= 1 && !is_space(line[0]) => {
                trailer_lines += 1;
                cont = 0;
            }
            _ if is_space(line[0]) => cont += 1,
            _ => {
                non_trailer += 1 + cont;
                cont = 0;
            }
        }
    }
    len
}

fn trim(s: &[u8]) -> &[u8] {
    let start = s.iter().position(|&b| !is_space(b)).unwrap_or(s.len());
    let end = s
        .iter()
        .rposition(|&b| !is_space(b))
        .map_or(start, |i| i + 1);
    &s[start..end.max(start)]
}

fn unfold(v: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < v.len() {
        let c = v[i];
        i += 1;
        if c == b'\n' {
            while i < v.len() && is_space(v[i]) {
                i += 1;
            }
            out.push(b' ');
        } else {
            out.push(c);
        }
    }
    trim(&out).to_vec()
}

/// Writes the trailers of `message` (the commit message from its subject on) as
/// `%(trailers...)` shows them.
pub fn format_trailers(message: &[u8], opts: &TrailerOptions, out: &mut Vec<u8>) {
    let end = end_of_message(message);
    let start = block_start(message, end);
    if opts.plain() {
        out.extend_from_slice(&message[start..end]);
        return;
    }
    // Parse the block into (token, value) items or plain lines, joining continuations.
    let mut items: Vec<(Option<Vec<u8>>, Vec<u8>)> = Vec::new();
    let mut raw: Vec<Vec<u8>> = Vec::new();
    for (s, e) in lines(&message[start..end]) {
        let line = &message[start + s..start + e];
        if line.first() == Some(&b'#') {
            continue;
        }
        if let Some(last) = raw.last_mut() {
            if is_space(line[0]) && !is_blank(line) {
                if last.last() == Some(&b'\n') {
                    last.pop();
                }
                last.push(b'\n');
                last.extend_from_slice(line);
                continue;
            }
        }
        raw.push(line.to_vec());
    }
    for line in raw {
        match find_separator(&line) {
            Some(p) if p >= 1 => {
                let tok = trim(&line[..p]).to_vec();
                let mut val = trim(&line[p + 1..]).to_vec();
                if opts.unfold {
                    val = unfold(&val);
                }
                items.push((Some(tok), val));
            }
            _ => {
                let mut v = line.clone();
                if v.last() == Some(&b'\n') {
                    v.pop();
                }
                items.push((None, v));
            }
        }
    }
    let origlen = out.len();
    for (tok, val) in items {
        match tok {
            Some(tok) => {
                if !opts.keys.is_empty() && !opts.keys.iter().any(|k| k.eq_ignore_ascii_case(&tok))
                {
                    continue;
                }
                if let Some(sep) = &opts.separator {
                    if out.len() != origlen {
                        out.extend_from_slice(sep);
                    }
                }
                if !opts.value_only {
                    out.extend_from_slice(&tok);
                }
                if !opts.key_only && !opts.value_only {
                    match &opts.key_value_separator {
                        Some(kv) => out.extend_from_slice(kv),
                        None => {
                            let last = tok.iter().rev().find(|&&b| !is_space(b));
                            if last.is_some_and(|&c| c != b':') {
                                out.extend_from_slice(b": ");
                            }
                        }
                    }
                }
                if !opts.key_only {
                    out.extend_from_slice(&val);
                }
                if opts.separator.is_none() {
                    out.push(b'\n');
                }
            }
            None if !opts.only && opts.keys.is_empty() => {
                if let Some(sep) = &opts.separator {
                    if out.len() != origlen {
                        out.extend_from_slice(sep);
                    }
                }
                out.extend_from_slice(&val);
                if opts.separator.is_some() {
                    let t = out.iter().rposition(|&b| !is_space(b)).map_or(0, |i| i + 1);
                    out.truncate(t.max(origlen));
                } else {
                    out.push(b'\n');
                }
            }
            None => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_trailer_block() {
        let msg = b"subject\n\nbody text\n\nSigned-off-by: A <a@x>\nAcked-by: B\n  more\n";
        let mut out = Vec::new();
        format_trailers(msg, &TrailerOptions::default(), &mut out);
        assert_eq!(out, b"Signed-off-by: A <a@x>\nAcked-by: B\n  more\n");
        let mut out = Vec::new();
        let opts = TrailerOptions {
            unfold: true,
            keys: vec![b"acked-by".to_vec()],
            ..Default::default()
        };
        format_trailers(msg, &opts, &mut out);
        assert_eq!(out, b"Acked-by: B more\n");
        let mut out = Vec::new();
        format_trailers(b"subject only\n", &TrailerOptions::default(), &mut out);
        assert!(out.is_empty());
    }
}
