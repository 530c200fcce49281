//! Lines as imara-diff tokens: equal lines (under the whitespace mode) get equal
//! [`Token`]s from imara-diff's [`Interner`], and git's algorithms run on those tokens.

use super::{Side, Whitespace};
use imara_diff::sources::byte_lines;
use imara_diff::{InternedInput, Interner, Token, TokenSource};
use std::hash::{Hash, Hasher};

fn is_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\n' | b'\r')
}

/// A `-b` or `-w` line (without its newline) as an interner key: two are equal exactly
/// when git's `xdl_recmatch` finds the lines equal, and equal keys hash alike.
#[derive(Clone, Copy, Debug)]
pub(super) struct Folded<'a> {
    body: &'a [u8],
    /// `-b` (else `-w`).
    collapse: bool,
}

impl<'a> Folded<'a> {
    fn canonical(&self) -> Canonical<'a> {
        Canonical {
            bytes: self.body,
            i: 0,
            collapse: self.collapse,
        }
    }
}

/// The canonical bytes of a `-b` or `-w` line: `-w` drops all whitespace, `-b` turns each
/// run of whitespace into one space and drops a run at the end of the line.
struct Canonical<'a> {
    bytes: &'a [u8],
    i: usize,
    /// `-b` (else `-w`).
    collapse: bool,
}

impl Iterator for Canonical<'_> {
    type Item = u8;

    fn next(&mut self) -> Option<u8> {
        loop {
            let c = *self.bytes.get(self.i)?;
            if !is_space(c) {
                self.i += 1;
                return Some(c);
            }
            while self.i < self.bytes.len() && is_space(self.bytes[self.i]) {
                self.i += 1;
            }
            if self.collapse && self.i < self.bytes.len() {
                return Some(b' ');
            }
        }
    }
}

impl PartialEq for Folded<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.canonical().eq(other.canonical())
    }
}

impl Eq for Folded<'_> {}

impl Hash for Folded<'_> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        // The canonical bytes in 8-byte words, so that equal canonical forms make the
        // same calls.
        let (mut word, mut n, mut len) = (0u64, 0u32, 0usize);
        for c in self.canonical() {
            word |= u64::from(c) << (8 * n);
            n += 1;
            len += 1;
            if n == 8 {
                state.write_u64(word);
                (word, n) = (0, 0);
            }
        }
        state.write_u64(word);
        state.write_usize(len);
    }
}

/// The lines of one side (split at `starts`, see `Side`) as an imara-diff token source
/// under a whitespace mode other than exact comparison: each line maps to its canonical
/// form (a slice for `--ignore-cr-at-eol` and `--ignore-space-at-eol`, a [`Folded`] key
/// for `-b` and `-w`). The newline is never part of it.
pub(super) struct GitLines<'a, T> {
    data: &'a [u8],
    starts: &'a [usize],
    key: fn(&'a [u8], bool) -> T,
}

/// The iterator of [`GitLines`].
pub(super) struct GitLinesIter<'a, T> {
    lines: GitLines<'a, T>,
    i: usize,
}

impl<'a, T> Iterator for GitLinesIter<'a, T> {
    type Item = T;

    fn next(&mut self) -> Option<T> {
        let (s, e) = (
            *self.lines.starts.get(self.i)?,
            *self.lines.starts.get(self.i + 1)?,
        );
        self.i += 1;
        let line = &self.lines.data[s..e];
        Some(match line.split_last() {
            Some((b'\n', body)) => (self.lines.key)(body, true),
            _ => (self.lines.key)(line, false),
        })
    }
}

impl<'a, T: Hash + Eq> TokenSource for GitLines<'a, T> {
    type Token = T;
    type Tokenizer = GitLinesIter<'a, T>;

    fn tokenize(&self) -> GitLinesIter<'a, T> {
        GitLinesIter { lines: *self, i: 0 }
    }

    fn estimate_tokens(&self) -> u32 {
        self.starts.len().saturating_sub(1) as u32
    }
}

// Manual impls: `T` itself need not be `Copy`.
impl<T> Clone for GitLines<'_, T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for GitLines<'_, T> {}

/// `--ignore-cr-at-eol`: a CR right before the newline is dropped.
fn cr_at_eol(body: &[u8], complete: bool) -> &[u8] {
    match body.split_last() {
        Some((b'\r', rest)) if complete => rest,
        _ => body,
    }
}

/// `--ignore-space-at-eol`: trailing whitespace is dropped.
fn space_at_eol(body: &[u8], _complete: bool) -> &[u8] {
    let end = body
        .iter()
        .rposition(|&c| !is_space(c))
        .map_or(0, |p| p + 1);
    &body[..end]
}

fn space_change(body: &[u8], _complete: bool) -> Folded<'_> {
    Folded {
        body,
        collapse: true,
    }
}

fn all_space(body: &[u8], _complete: bool) -> Folded<'_> {
    Folded {
        body,
        collapse: false,
    }
}

/// Whether a line counts as blank for `--ignore-blank-lines` under `ws`: git's
/// `xdl_blankline`: without whitespace options a line of at most one byte (so a last
/// line of one character without a newline counts too, as in git), else a line of
/// whitespace only.
pub(super) fn is_blank(line: &[u8], ws: Whitespace) -> bool {
    if ws == Whitespace::Exact {
        line.len() <= 1
    } else {
        line.iter().all(|&c| is_space(c))
    }
}

/// Tokenizes both sides with imara-diff's interner: fills `class` of both; returns the
/// number of distinct tokens. Exact comparison uses imara-diff's own `byte_lines` source
/// (lines with their newline, as git splits them).
pub(super) fn classify(a: &[u8], sa: &mut Side, b: &[u8], sb: &mut Side, ws: Whitespace) -> usize {
    fn run<S: TokenSource>(before: S, after: S, ca: &mut Vec<Class>, cb: &mut Vec<Class>) -> usize
    where
        S::Token: Hash + Eq,
    {
        let mut input = InternedInput {
            before: std::mem::take(ca),
            after: std::mem::take(cb),
            interner: Interner::new_for_token_source(&before, &after),
        };
        input.update_before(before.tokenize());
        input.update_after(after.tokenize());
        *ca = input.before;
        *cb = input.after;
        input.interner.num_tokens() as usize
    }
    fn lines<'a, T>(
        data: &'a [u8],
        starts: &'a [usize],
        key: fn(&'a [u8], bool) -> T,
    ) -> GitLines<'a, T> {
        GitLines { data, starts, key }
    }
    let (ca, cb) = (&mut sa.class, &mut sb.class);
    let (pa, pb) = (&sa.starts[..], &sb.starts[..]);
    match ws {
        Whitespace::Exact => run(byte_lines(a), byte_lines(b), ca, cb),
        Whitespace::IgnoreCrAtEol => run(lines(a, pa, cr_at_eol), lines(b, pb, cr_at_eol), ca, cb),
        Whitespace::IgnoreSpaceAtEol => run(
            lines(a, pa, space_at_eol),
            lines(b, pb, space_at_eol),
            ca,
            cb,
        ),
        Whitespace::IgnoreSpaceChange => run(
            lines(a, pa, space_change),
            lines(b, pb, space_change),
            ca,
            cb,
        ),
        Whitespace::IgnoreAllSpace => run(lines(a, pa, all_space), lines(b, pb, all_space), ca, cb),
    }
}

/// A line's equivalence class: imara-diff's token (`Copy`, compared by value).
pub(super) type Class = Token;

#[cfg(test)]
mod tests {
    use super::*;

    fn same(a: &[u8], b: &[u8], ws: Whitespace) -> bool {
        let (mut sa, mut sb) = (Side::default(), Side::default());
        sa.split(a);
        sb.split(b);
        classify(a, &mut sa, b, &mut sb, ws);
        sa.class == sb.class
    }

    #[test]
    fn whitespace_modes() {
        use Whitespace::*;
        assert!(!same(b"a\n", b"a", Exact));
        assert!(same(b"a\r\n", b"a\n", IgnoreCrAtEol));
        assert!(!same(b"a\r", b"a\n", IgnoreCrAtEol));
        assert!(same(b"a \t\n", b"a\n", IgnoreSpaceAtEol));
        assert!(!same(b" a\n", b"a\n", IgnoreSpaceAtEol));
        assert!(same(b"a  b \n", b"a\tb\n", IgnoreSpaceChange));
        assert!(!same(b"ab\n", b"a b\n", IgnoreSpaceChange));
        assert!(same(b" a\n", b"\ta\n", IgnoreSpaceChange));
        assert!(!same(b" a\n", b"a\n", IgnoreSpaceChange));
        assert!(same(b" a b\n", b"ab\n", IgnoreAllSpace));
        assert!(same(b"abcdefghij k\n", b"abcdefghijk", IgnoreAllSpace));
        assert!(!same(b"abcdefghijk\n", b"abcdefghijl\n", IgnoreAllSpace));
    }

    #[test]
    fn blank_lines() {
        assert!(is_blank(b"\n", Whitespace::Exact));
        assert!(is_blank(b"", Whitespace::Exact));
        assert!(!is_blank(b" \n", Whitespace::Exact));
        assert!(is_blank(b"x", Whitespace::Exact));
        assert!(is_blank(b" \t\r\n", Whitespace::IgnoreAllSpace));
    }
}
