//! git's `wildmatch` with its flags: the glob matcher of ignore files, attributes,
//! `includeIf` conditions and pathspecs.
//!
//! Without [`PATHNAME`], `*` matches any run of bytes including `/`. With it, `*`, `?`
//! and `[...]` never match `/`, and `**` matches across directories when it forms a whole
//! path component (`**/x`, `x/**`, `x/**/y`). [`CASEFOLD`] compares ASCII letters
//! without case. `[...]` sets take `!` or `^` for negation, ranges and `[:class:]`; `\`
//! escapes the next byte.

/// `*` and `?` do not match `/`; `**` spans directories.
pub const PATHNAME: u32 = 1;
/// ASCII case-insensitive matching.
pub const CASEFOLD: u32 = 2;

#[derive(Clone, Copy, PartialEq, Eq)]
enum M {
    Match,
    NoMatch,
    AbortAll,
    AbortToStarStar,
}

/// Whether `text` matches `pattern` under `flags` ([`PATHNAME`], [`CASEFOLD`]).
pub fn wildmatch(pattern: &[u8], text: &[u8], flags: u32) -> bool {
    dowild(pattern, 0, text, 0, flags) == M::Match
}

fn is_glob_special(c: u8) -> bool {
    matches!(c, b'*' | b'?' | b'[' | b'\\')
}

fn fold(c: u8, flags: u32) -> u8 {
    if flags & CASEFOLD != 0 {
        c.to_ascii_lowercase()
    } else {
        c
    }
}

fn dowild(pat: &[u8], mut p: usize, text: &[u8], mut t: usize, flags: u32) -> M {
    let pathname = flags & PATHNAME != 0;
    while p < pat.len() {
        let mut p_ch = fold(pat[p], flags);
        let t_raw = text.get(t).copied();
        if t_raw.is_none() && p_ch != b'*' {
            return M::AbortAll;
        }
        let t_ch = fold(t_raw.unwrap_or(0), flags);
        match p_ch {
            b'?' => {
                if pathname && t_ch == b'/' {
                    return M::NoMatch;
                }
            }
            b'*' => {
                let match_slash;
                p += 1;
                if pat.get(p) == Some(&b'*') {
                    let before_stars = p.checked_sub(2);
                    while pat.get(p) == Some(&b'*') {
                        p += 1;
                    }
                    if !pathname {
                        match_slash = true;
                    } else if before_stars.is_none_or(|b| pat[b] == b'/')
                        && (p == pat.len()
                            || pat[p] == b'/'
                            || (pat[p] == b'\\' && pat.get(p + 1) == Some(&b'/')))
                    {
                        if pat.get(p) == Some(&b'/')
                            && dowild(pat, p + 1, text, t, flags) == M::Match
                        {
                            return M::Match;
                        }
                        match_slash = true;
                    } else {
                        match_slash = false;
                    }
                } else {
                    match_slash = !pathname;
                }
                if p == pat.len() {
                    // A trailing `**` matches everything, a trailing `*` only within
                    // the last component.
                    if !match_slash && text[t..].contains(&b'/') {
                        return M::NoMatch;
                    }
                    return M::Match;
                }
                if !match_slash && pat[p] == b'/' {
                    // `*/` matches the rest of this directory name.
                    match text[t..].iter().position(|&c| c == b'/') {
                        Some(i) => {
                            // Both slashes are consumed together.
                            t += i + 1;
                            p += 1;
                            continue;
                        }
                        None => return M::NoMatch,
                    }
                }
                let mut t_cur = text.get(t).copied();
                loop {
                    if t_cur.is_none() {
                        break;
                    }
                    if !is_glob_special(pat[p]) {
                        // Skip ahead to the next occurrence of the literal after `*`.
                        let want = fold(pat[p], flags);
                        let mut found = None;
                        while let Some(&c) = text.get(t) {
                            if !match_slash && c == b'/' {
                                break;
                            }
                            if fold(c, flags) == want {
                                found = Some(c);
                                break;
                            }
                            t += 1;
                        }
                        if found.is_none() {
                            return M::NoMatch;
                        }
                        t_cur = text.get(t).copied();
                    }
                    let m = dowild(pat, p, text, t, flags);
                    if m != M::NoMatch {
                        if !match_slash || m != M::AbortToStarStar {
                            return m;
                        }
                    } else if !match_slash && t_cur == Some(b'/') {
                        return M::AbortToStarStar;
                    }
                    t += 1;
                    t_cur = text.get(t).copied();
                }
                return M::AbortAll;
            }
            b'[' => {
                p += 1;
                let mut c = match pat.get(p) {
                    Some(&c) => c,
                    None => return M::AbortAll,
                };
                let negated = c == b'!' || c == b'^';
                if negated {
                    p += 1;
                    c = match pat.get(p) {
                        Some(&c) => c,
                        None => return M::AbortAll,
                    };
                }
                let mut prev: u8 = 0;
                let mut matched = false;
                loop {
                    if c == b'\\' {
                        p += 1;
                        c = match pat.get(p) {
                            Some(&c) => c,
                            None => return M::AbortAll,
                        };
                        if t_ch == c {
                            matched = true;
                        }
                    } else if c == b'-' && prev != 0 && pat.get(p + 1).is_some_and(|&n| n != b']') {
                        p += 1;
                        c = pat[p];
                        if c == b'\\' {
                            p += 1;
                            c = match pat.get(p) {
                                Some(&c) => c,
                                None => return M::AbortAll,
                            };
                        }
                        if t_ch <= c && t_ch >= prev {
                            matched = true;
                        } else if flags & CASEFOLD != 0 && t_ch.is_ascii_lowercase() {
                            let up = t_ch.to_ascii_uppercase();
                            if up <= c && up >= prev {
                                matched = true;
                            }
                        }
                        c = 0;
                    } else if c == b'[' && pat.get(p + 1) == Some(&b':') {
                        let s = p + 2;
                        let mut q = s;
                        while q < pat.len() && pat[q] != b']' {
                            q += 1;
                        }
                        if q >= pat.len() {
                            return M::AbortAll;
                        }
                        if q == s || pat[q - 1] != b':' {
                            // No `:]`: a plain `[` in the set.
                            p = s - 2;
                            c = b'[';
                            if t_ch == c {
                                matched = true;
                            }
                        } else {
                            let class = &pat[s..q - 1];
                            let raw = t_raw.unwrap_or(0);
                            let hit = match class {
                                b"alnum" => raw.is_ascii_alphanumeric(),
                                b"alpha" => raw.is_ascii_alphabetic(),
                                b"blank" => raw == b' ' || raw == b'\t',
                                b"cntrl" => raw.is_ascii_control(),
                                b"digit" => raw.is_ascii_digit(),
                                b"graph" => raw.is_ascii_graphic(),
                                b"lower" => t_ch.is_ascii_lowercase(),
                                b"print" => (0x20..0x7f).contains(&raw),
                                b"punct" => raw.is_ascii_punctuation(),
                                b"space" => matches!(raw, b' ' | b'\t'..=b'\r'),
                                b"upper" => {
                                    raw.is_ascii_uppercase()
                                        || (flags & CASEFOLD != 0 && raw.is_ascii_lowercase())
                                }
                                b"xdigit" => raw.is_ascii_hexdigit(),
                                _ => return M::AbortAll,
                            };
                            matched |= hit;
                            p = q;
                            c = 0;
                        }
                    } else if t_ch == c {
                        matched = true;
                    }
                    prev = c;
                    p += 1;
                    c = match pat.get(p) {
                        Some(&c) => c,
                        None => return M::AbortAll,
                    };
                    if c == b']' {
                        break;
                    }
                }
                if matched == negated || (pathname && t_ch == b'/') {
                    return M::NoMatch;
                }
            }
            _ => {
                if p_ch == b'\\' {
                    p += 1;
                    p_ch = match pat.get(p) {
                        Some(&c) => fold(c, flags),
                        None => 0,
                    };
                }
                if t_ch != p_ch {
                    return M::NoMatch;
                }
            }
        }
        p += 1;
        t += 1;
    }
    if t < text.len() {
        M::NoMatch
    } else {
        M::Match
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(p: &str, t: &str) -> bool {
        wildmatch(p.as_bytes(), t.as_bytes(), PATHNAME)
    }

    #[test]
    fn git_wildmatch_cases() {
        // From git's t3070 table (pathname mode).
        assert!(m("foo", "foo"));
        assert!(!m("foo", "bar"));
        assert!(m("???", "foo"));
        assert!(m("*", "foo"));
        assert!(m("f*", "foo"));
        assert!(!m("*f", "foo"));
        assert!(m("*foo*", "foo"));
        assert!(m("*ob*a*r*", "foobar"));
        assert!(m("\\*", "*"));
        assert!(!m("\\*", "foo"));
        assert!(m("[[]", "["));
        assert!(m("[!a-c]x", "dx"));
        assert!(m("[^a-c]x", "dx"));
        assert!(!m("foo/*", "foo/bar/baz"));
        assert!(m("foo/**", "foo/bar/baz"));
        assert!(m("**/foo", "foo"));
        assert!(m("**/foo", "a/b/foo"));
        assert!(m("a/**/b", "a/b"));
        assert!(m("a/**/b", "a/x/y/b"));
        assert!(!m("a/**/b", "a/xb"));
        assert!(!m("*", "foo/bar"));
        assert!(m("*/bar", "foo/bar"));
        assert!(!m("foo?bar", "foo/bar"));
        assert!(!m("foo[/]bar", "foo/bar"));
        assert!(m("**/*.c", "x/y/z.c"));
        assert!(m("[[:alpha:]][[:digit:]]", "a1"));
        assert!(!m("[[:digit:]]", "a"));
        assert!(m("a[]]b", "a]b"));
        assert!(m("a[x-]b", "a-b"));
        assert!(!m("[", "["));
        assert!(!m("abc", "ab"));
        assert!(m(
            "-*-*-*-*-*-*-12-*-*-*-m-*-*-*",
            "-adobe-courier-bold-o-normal--12-120-75-75-m-70-iso8859-1"
        ));
        assert!(wildmatch(b"FOO", b"foo", PATHNAME | CASEFOLD));
        assert!(wildmatch(b"*", b"foo/bar", 0));
        assert!(wildmatch(b"f*r", b"foo/bar", 0));
    }
}
