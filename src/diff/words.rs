//! `--word-diff` and `--color-words`: the lines of a hunk shown as changed words.
//!
//! As in git, each run of removed and added lines of a hunk is cut into words (runs of
//! non-whitespace, or the matches of a word regex), the two word lists are diffed with
//! the line diff (one word a line, Myers, no context), and the new text is printed with
//! the removed and added words marked; the text between words comes from the new side.
//! Context lines and hunk headers are printed as in a patch.
//!
//! ```
//! use oxgit::diff::words::{write_words, WordDiff, WordDiffMode};
//!
//! let wd = WordDiff { mode: WordDiffMode::Plain, regex: None };
//! let mut out = Vec::new();
//! write_words(&mut out, b"a b c\n", b"a x c\n", &wd, None);
//! assert_eq!(out, b"a [-b-]{+x+} c\n");
//! ```

use super::color::{DiffPalette, RESET};
use super::line::{Algorithm, Options, State, Whitespace};
use crate::revision::regex::{LongestFinder, Matcher, PatternError, Syntax};

/// How changed words are shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WordDiffMode {
    /// `plain`: `[-removed-]{+added+}`.
    Plain,
    /// `color`: removed and added words in the old and new colours only.
    Color,
    /// `porcelain`: one piece a line, marked ` `, `-` or `+`; `~` ends a line of text.
    Porcelain,
}

impl WordDiffMode {
    /// The mode named `name` (`plain`, `color`, `porcelain`; `none` is `None`), or the
    /// name back when git does not know it.
    pub fn parse(name: &str) -> Result<Option<WordDiffMode>, &str> {
        match name {
            "plain" => Ok(Some(WordDiffMode::Plain)),
            "color" => Ok(Some(WordDiffMode::Color)),
            "porcelain" => Ok(Some(WordDiffMode::Porcelain)),
            "none" => Ok(None),
            other => Err(other),
        }
    }
}

/// A word diff: how it is shown and what a word is.
#[derive(Clone, Debug)]
pub struct WordDiff {
    /// The output mode.
    pub mode: WordDiffMode,
    /// The word regex (`--word-diff-regex`, `--color-words=<regex>`, `diff.wordRegex`);
    /// `None`: runs of non-whitespace.
    pub regex: Option<Matcher>,
}

/// Compiles a word regex as git does (POSIX extended, `REG_NEWLINE`).
pub fn compile_regex(pattern: &[u8]) -> Result<Matcher, PatternError> {
    Matcher::new(pattern, Syntax::Extended, false, true)
}

/// git's `isspace` (space, tab, newline, carriage return).
fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r')
}

/// The words of `text` as byte ranges, as git's `diff_words_fill` finds them: regex
/// matches (POSIX leftmost-longest, cut at a newline; empty ones skipped), else runs of
/// non-whitespace.
fn words(text: &[u8], finder: &mut Option<LongestFinder<'_>>) -> Vec<(usize, usize)> {
    let mut found = Vec::new();
    let mut i = 0;
    while i < text.len() {
        let (begin, end) = match finder {
            Some(re) => {
                let mut begin = i;
                loop {
                    if begin >= text.len() {
                        return found;
                    }
                    let Some(m) = re.find(&text[begin..]) else {
                        return found;
                    };
                    let (s, e) = (begin + m.start, begin + m.end);
                    let end = text[s..e]
                        .iter()
                        .position(|&b| b == b'\n')
                        .map_or(e, |k| s + k);
                    if s == end {
                        begin = s + 1;
                    } else {
                        break (s, end);
                    }
                }
            }
            None => {
                let Some(begin) = (i..text.len()).find(|&k| !is_space(text[k])) else {
                    return found;
                };
                let end = (begin + 1..text.len())
                    .find(|&k| is_space(text[k]))
                    .unwrap_or(text.len());
                (begin, end)
            }
        };
        found.push((begin, end));
        i = end;
    }
    found
}

/// One kind of piece: its colour and the marks around it.
struct Piece<'a> {
    color: &'a str,
    prefix: &'a str,
    suffix: &'a str,
}

/// The pieces of a mode: (old, new, context, what ends a line of text).
fn pieces<'a>(
    mode: WordDiffMode,
    palette: Option<&'a DiffPalette>,
) -> (Piece<'a>, Piece<'a>, Piece<'a>, &'static str) {
    let (old, new, ctx) = match palette {
        Some(p) => (p.old.as_str(), p.new.as_str(), p.context.as_str()),
        None => ("", "", ""),
    };
    let piece = |color, prefix, suffix| Piece {
        color,
        prefix,
        suffix,
    };
    match mode {
        WordDiffMode::Plain => (
            piece(old, "[-", "-]"),
            piece(new, "{+", "+}"),
            piece(ctx, "", ""),
            "\n",
        ),
        WordDiffMode::Color => (
            piece(old, "", ""),
            piece(new, "", ""),
            piece(ctx, "", ""),
            "\n",
        ),
        WordDiffMode::Porcelain => (
            piece(old, "-", "\n"),
            piece(new, "+", "\n"),
            piece(ctx, " ", "\n"),
            "~\n",
        ),
    }
}

/// git's `fn_out_diff_words_write_helper`: `text` as pieces of kind `p`, one per line
/// of it, each line of text ended by `newline`.
fn write_piece(out: &mut Vec<u8>, p: &Piece<'_>, newline: &str, mut text: &[u8]) {
    while !text.is_empty() {
        let nl = text.iter().position(|&b| b == b'\n');
        let seg = &text[..nl.unwrap_or(text.len())];
        if !seg.is_empty() {
            out.extend_from_slice(p.color.as_bytes());
            out.extend_from_slice(p.prefix.as_bytes());
            out.extend_from_slice(seg);
            out.extend_from_slice(p.suffix.as_bytes());
            if !p.color.is_empty() {
                out.extend_from_slice(RESET.as_bytes());
            }
        }
        let Some(nl) = nl else { break };
        out.extend_from_slice(newline.as_bytes());
        text = &text[nl + 1..];
    }
}

/// Appends the word diff of one run of removed lines (`minus`, their text without the
/// marks) and the added lines after them (`plus`), coloured with `palette` if given.
pub fn write_words(
    out: &mut Vec<u8>,
    minus: &[u8],
    plus: &[u8],
    wd: &WordDiff,
    palette: Option<&DiffPalette>,
) {
    let mut finder = wd.regex.as_ref().map(Matcher::longest_finder);
    write_words_with(out, minus, plus, wd, palette, &mut finder);
}

/// [`write_words`] with the word finder of the caller (one for many runs).
fn write_words_with(
    out: &mut Vec<u8>,
    minus: &[u8],
    plus: &[u8],
    wd: &WordDiff,
    palette: Option<&DiffPalette>,
    finder: &mut Option<LongestFinder<'_>>,
) {
    let (old, new, ctx, newline) = pieces(wd.mode, palette);
    if plus.is_empty() {
        write_piece(out, &old, newline, minus);
        return;
    }
    let (mw, pw) = (words(minus, finder), words(plus, finder));
    let lines = |text: &[u8], ws: &[(usize, usize)]| {
        let mut v = Vec::with_capacity(text.len() + ws.len());
        for &(b, e) in ws {
            v.extend_from_slice(&text[b..e]);
            v.push(b'\n');
        }
        v
    };
    let (ml, pl) = (lines(minus, &mw), lines(plus, &pw));
    let options = Options {
        algorithm: Algorithm::Myers,
        indent_heuristic: false,
        context: 0,
        inter_hunk_context: 0,
        function_context: false,
        whitespace: Whitespace::Exact,
        ignore_blank_lines: false,
    };
    let mut state = State::new();
    // The word lists are smaller than the lines they come from, which are below the
    // line diff's size limit.
    let Ok(diff) = state.diff(&ml, &pl, &options) else {
        write_piece(out, &old, newline, minus);
        write_piece(out, &new, newline, plus);
        return;
    };
    // Where a change starts and ends in the text (an empty change sits after the word
    // before it).
    let span = |ws: &[(usize, usize)], start: u32, len: u32| -> (usize, usize) {
        let (start, len) = (start as usize, len as usize);
        if len > 0 {
            (ws[start].0, ws[start + len - 1].1)
        } else {
            let at = if start == 0 { 0 } else { ws[start - 1].1 };
            (at, at)
        }
    };
    let mut current = 0;
    for c in diff.changes() {
        let (mb, me) = span(&mw, c.old_start, c.old_len);
        let (pb, pe) = span(&pw, c.new_start, c.new_len);
        if current != pb {
            write_piece(out, &ctx, newline, &plus[current..pb]);
        }
        if mb != me {
            write_piece(out, &old, newline, &minus[mb..me]);
        }
        if pb != pe {
            write_piece(out, &new, newline, &plus[pb..pe]);
        }
        current = pe;
    }
    if current != plus.len() {
        write_piece(out, &ctx, newline, &plus[current..]);
    }
}

/// Appends the hunk lines `lines` (mark and content) as a word diff: runs of removed
/// and added lines as [`write_words`], context lines as git prints them then (without
/// their mark, or in porcelain with it and a `~` line).
pub fn write_hunk<'a>(
    out: &mut Vec<u8>,
    lines: impl Iterator<Item = (u8, &'a [u8])>,
    wd: &WordDiff,
    palette: Option<&DiffPalette>,
    suppress_blank_empty: bool,
) {
    let (mut minus, mut plus) = (Vec::new(), Vec::new());
    let mut finder = wd.regex.as_ref().map(Matcher::longest_finder);
    let mut flush = |out: &mut Vec<u8>, minus: &mut Vec<u8>, plus: &mut Vec<u8>| {
        if !minus.is_empty() || !plus.is_empty() {
            write_words_with(out, minus, plus, wd, palette, &mut finder);
            minus.clear();
            plus.clear();
        }
    };
    for (mark, content) in lines {
        let buf = match mark {
            b'-' => Some(&mut minus),
            b'+' => Some(&mut plus),
            _ => None,
        };
        if let Some(buf) = buf {
            // git's "\ No newline at end of file" is eaten: the line ends with one.
            buf.extend_from_slice(content);
            if content.last() != Some(&b'\n') {
                buf.push(b'\n');
            }
            continue;
        }
        flush(out, &mut minus, &mut plus);
        let mut line = Vec::with_capacity(content.len() + 2);
        let blank = content == b"\n" || content.is_empty();
        if wd.mode == WordDiffMode::Porcelain && !(suppress_blank_empty && blank) {
            line.push(b' ');
        }
        line.extend_from_slice(content);
        if content.last() != Some(&b'\n') {
            line.push(b'\n');
        }
        write_context_line(out, &line, palette);
        if wd.mode == WordDiffMode::Porcelain {
            out.extend_from_slice(b"~\n");
        }
    }
    flush(out, &mut minus, &mut plus);
}

/// git's `emit_line` with the context colour: the colour and a reset around the text
/// (none for an empty line), before a final CR and newline.
fn write_context_line(out: &mut Vec<u8>, line: &[u8], palette: Option<&DiffPalette>) {
    let Some(p) = palette else {
        out.extend_from_slice(line);
        return;
    };
    let mut body = line.strip_suffix(b"\n").unwrap_or(line);
    let newline = body.len() < line.len();
    let cr = body.last() == Some(&b'\r');
    if cr {
        body = &body[..body.len() - 1];
    }
    if !body.is_empty() {
        out.extend_from_slice(p.context.as_bytes());
        out.extend_from_slice(body);
        out.extend_from_slice(RESET.as_bytes());
    }
    if cr {
        out.push(b'\r');
    }
    if newline {
        out.push(b'\n');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain(old: &str, new: &str) -> String {
        let wd = WordDiff {
            mode: WordDiffMode::Plain,
            regex: None,
        };
        let mut out = Vec::new();
        write_words(&mut out, old.as_bytes(), new.as_bytes(), &wd, None);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn marks_changed_words() {
        assert_eq!(plain("a b c\n", "a x c\n"), "a [-b-]{+x+} c\n");
        assert_eq!(plain("gone\n", ""), "[-gone-]\n");
        assert_eq!(plain("", "new words\n"), "{+new words+}\n");
        assert_eq!(
            plain("alpha beta gamma\n", "alpha gamma beta\n"),
            "alpha[-beta-] gamma {+beta+}\n"
        );
    }

    #[test]
    fn regex_words() {
        let re = compile_regex(b"[a-z]+|[^[:space:]]").unwrap();
        assert_eq!(
            words(b"foo(bar)+1\n", &mut Some(re.longest_finder())),
            vec![(0, 3), (3, 4), (4, 7), (7, 8), (8, 9), (9, 10)]
        );
        let any = compile_regex(b".*").unwrap();
        assert_eq!(
            words(b"ab\n\ncd", &mut Some(any.longest_finder())),
            vec![(0, 2), (4, 6)]
        );
    }
}
