//! The body of a unified patch, as git prints it: `@@ -a,b +c,d @@ <function>` hunk
//! headers, context/`-`/`+` lines and `\ No newline at end of file` markers.
//!
//! ```
//! use oxgit::diff::line::{Options, State};
//!
//! let mut state = State::new();
//! let opts = Options::default();
//! let diff = state.diff(b"a\nb\n", b"a\nc\n", &opts).unwrap();
//! let mut out = Vec::new();
//! oxgit::diff::patch::write_hunks(&mut out, &diff);
//! assert_eq!(out, b"@@ -1,2 +1,2 @@\n a\n-b\n+c\n");
//! ```

use crate::diff::line::{Change, LineDiff};

/// Size of git's function-name buffer: the text after `@@ ... @@` is at most this long.
const FUNC_LINE_MAX: usize = 80;

/// git's default function-name rule (no `xfuncname` driver): a line starting with an ASCII
/// letter, `_` or `$` qualifies; its text is the first 80 bytes with trailing SP, TAB, LF
/// and CR removed.
pub fn default_funcname(line: &[u8]) -> Option<&[u8]> {
    let first = *line.first()?;
    if !(first.is_ascii_alphabetic() || first == b'_' || first == b'$') {
        return None;
    }
    let mut t = &line[..line.len().min(FUNC_LINE_MAX)];
    while let [rest @ .., last] = t {
        if matches!(last, b' ' | b'\t' | b'\n' | b'\r') {
            t = rest;
        } else {
            break;
        }
    }
    Some(t)
}

/// One hunk: the ranges it covers and the change blocks in it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Hunk {
    /// First old line shown (0-based).
    pub old_start: usize,
    /// Number of old lines shown.
    pub old_len: usize,
    /// First new line shown (0-based).
    pub new_start: usize,
    /// Number of new lines shown.
    pub new_len: usize,
    /// Index range into [`LineDiff::changes`] of the changes in this hunk.
    pub changes: (usize, usize),
}

/// Groups the changes of `diff` into hunks with its context options (including
/// `--function-context` with the default function-name rule), as git's
/// `xdl_get_hunk`/`xdl_emit_diff` do.
pub fn hunks(diff: &LineDiff<'_>) -> Vec<Hunk> {
    let mut out = Vec::new();
    for_each_hunk(diff, &default_funcname, |h| out.push(h));
    out
}

/// Whether a line is whitespace only (SP, TAB, LF, CR).
fn is_empty_line(line: &[u8]) -> bool {
    line.iter()
        .all(|c| matches!(c, b' ' | b'\t' | b'\n' | b'\r'))
}

fn for_each_hunk(
    diff: &LineDiff<'_>,
    funcname: &dyn Fn(&[u8]) -> Option<&[u8]>,
    mut f: impl FnMut(Hunk),
) {
    let changes = diff.changes();
    let opts = diff.options();
    let ctx = opts.context as isize;
    let max_common = 2 * ctx + opts.inter_hunk_context as isize;
    let max_ignorable = ctx;
    let (n1, n2) = (diff.old_len() as isize, diff.new_len() as isize);
    let i1 = |c: &Change| c.old_start as isize;
    let i2 = |c: &Change| c.new_start as isize;
    let end1 = |c: &Change| (c.old_start + c.old_len) as isize;
    let end2 = |c: &Change| (c.new_start + c.new_len) as isize;
    let ignore = |x: usize| diff.is_ignorable(x);
    let is_func_old = |i: isize| funcname(diff.old_line(i as usize)).is_some();
    let is_func_new = |i: isize| funcname(diff.new_line(i as usize)).is_some();
    // git's get_func_line without a buffer: the first function line from `start` towards
    // `limit` (exclusive), or -1.
    let func_line = |start: isize, limit: isize| -> isize {
        let step = if start > limit { -1 } else { 1 };
        let mut l = start;
        while l != limit && 0 <= l && l < n1 {
            if is_func_old(l) {
                return l;
            }
            l += step;
        }
        -1
    };
    // git's xdl_get_hunk: skips leading ignorable changes; returns (first, last).
    let get_hunk = |start: usize| -> Option<(usize, usize)> {
        let mut first = start;
        let mut p = start;
        while p < changes.len() && ignore(p) {
            let next = p + 1;
            if next >= changes.len() || i1(&changes[next]) - end1(&changes[p]) >= max_ignorable {
                first = next;
            }
            p = next;
        }
        if first >= changes.len() {
            return None;
        }
        let mut last = first;
        let mut ignored: isize = 0;
        let mut prev = first;
        for x in first + 1..changes.len() {
            let distance = i1(&changes[x]) - end1(&changes[prev]);
            if distance > max_common {
                break;
            }
            if distance < max_ignorable && (!ignore(x) || last == prev) {
                last = x;
                ignored = 0;
            } else if distance < max_ignorable && ignore(x) {
                ignored += changes[x].new_len as isize;
            } else if last != prev && i1(&changes[x]) + ignored - end1(&changes[last]) > max_common
            {
                break;
            } else if !ignore(x) {
                last = x;
                ignored = 0;
            } else {
                ignored += changes[x].new_len as isize;
            }
            prev = x;
        }
        Some((first, last))
    };
    let mut next = 0;
    while next < changes.len() {
        let before = next;
        let Some((mut k, mut j)) = get_hunk(next) else {
            break;
        };
        let (mut s1, mut s2);
        loop {
            let first = &changes[k];
            s1 = (i1(first) - ctx).max(0);
            s2 = (i2(first) - ctx).max(0);
            if !opts.function_context {
                break;
            }
            let mut start = i1(first);
            if start >= n1 {
                // No extra context needed if a whole function was added.
                if (i2(first)..n2).any(is_func_new) {
                    break;
                }
                start = n1 - 1;
            }
            let mut fs1 = func_line(start, -1);
            while fs1 > 0
                && !is_empty_line(diff.old_line(fs1 as usize - 1))
                && !is_func_old(fs1 - 1)
            {
                fs1 -= 1;
            }
            if fs1 < 0 {
                fs1 = 0;
            }
            if fs1 < s1 {
                s2 = (s2 - (s1 - fs1)).max(0);
                s1 = fs1;
                // Extended the context upwards into skipped ignorable changes? Show them.
                let mut p = before;
                while p != k && end1(&changes[p]) <= s1 && end2(&changes[p]) <= s2 {
                    p += 1;
                }
                if p != k {
                    k = p;
                    continue;
                }
            }
            break;
        }
        let (e1, e2) = loop {
            let last = &changes[j];
            let lctx = ctx.min(n1 - end1(last)).min(n2 - end2(last));
            let mut e1 = end1(last) + lctx;
            let mut e2 = end2(last) + lctx;
            if opts.function_context {
                let mut fe1 = func_line(end1(last), n1);
                while fe1 > 0 && is_empty_line(diff.old_line(fe1 as usize - 1)) {
                    fe1 -= 1;
                }
                if fe1 < 0 {
                    fe1 = n1;
                }
                if fe1 > e1 {
                    e2 = (e2 + (fe1 - e1)).min(n2);
                    e1 = fe1;
                }
                if j + 1 < changes.len() {
                    let l = i1(&changes[j + 1]).min(n1 - 1);
                    if l - ctx <= e1 || func_line(l, e1) < 0 {
                        j += 1;
                        continue;
                    }
                }
            }
            break (e1, e2);
        };
        f(Hunk {
            old_start: s1 as usize,
            old_len: (e1 - s1) as usize,
            new_start: s2 as usize,
            new_len: (e2 - s2) as usize,
            changes: (k, j + 1),
        });
        next = j + 1;
    }
}

/// Appends `@@ -a,b +c,d @@` (git's range rules) to `out`.
fn push_range(out: &mut Vec<u8>, start: usize, len: usize) {
    use std::io::Write;
    let first = if len > 0 { start + 1 } else { start };
    let _ = write!(out, "{first}");
    if len != 1 {
        let _ = write!(out, ",{len}");
    }
}

/// Length of the longest prefix of `s` made of valid, complete UTF-8 sequences as git's
/// `utf8_width` accepts them (also rejecting U+FFFE and U+FFFF).
fn sane_utf8_prefix(s: &[u8]) -> usize {
    let valid = match std::str::from_utf8(s) {
        Ok(t) => t,
        Err(e) => std::str::from_utf8(&s[..e.valid_up_to()]).unwrap_or(""),
    };
    for (i, ch) in valid.char_indices() {
        if ch == '\u{FFFE}' || ch == '\u{FFFF}' {
            return i;
        }
    }
    valid.len()
}

/// Appends one hunk header line: `@@ -a,b +c,d @@ <function>` (0-based starts, as in
/// [`Hunk`]), cut after the last complete UTF-8 character as git cuts it.
pub fn write_hunk_header(
    out: &mut Vec<u8>,
    old_start: usize,
    old_len: usize,
    new_start: usize,
    new_len: usize,
    function: &[u8],
) {
    let header_start = out.len();
    out.extend_from_slice(b"@@ -");
    push_range(out, old_start, old_len);
    out.extend_from_slice(b" +");
    push_range(out, new_start, new_len);
    out.extend_from_slice(b" @@");
    if !function.is_empty() {
        out.push(b' ');
        out.extend_from_slice(function);
    }
    out.push(b'\n');
    let keep = sane_utf8_prefix(&out[header_start..]);
    if header_start + keep < out.len() {
        out.truncate(header_start + keep);
        out.push(b'\n');
    }
}

/// Appends one body line: its mark (`' '`, `'-'`, `'+'`), the line, and git's
/// `\ No newline at end of file` after a line without one. With `suppress_blank_empty`
/// (`diff.suppressBlankEmpty`) an empty context line is written without its space.
pub fn write_line(out: &mut Vec<u8>, mark: u8, line: &[u8], suppress_blank_empty: bool) {
    if !(suppress_blank_empty && mark == b' ' && line == b"\n") {
        out.push(mark);
    }
    out.extend_from_slice(line);
    if line.last() != Some(&b'\n') {
        out.extend_from_slice(b"\n\\ No newline at end of file\n");
    }
}

/// One event of [`walk_hunks`].
#[derive(Clone, Copy, Debug)]
pub enum HunkEvent<'a> {
    /// A hunk starts, with the function-name text of its header (empty if none).
    Hunk(Hunk, &'a [u8]),
    /// A line of the current hunk: its mark (`' '`, `'-'`, `'+'`) and its 0-based line
    /// numbers on the old and new side (for `-` lines `new` is where the deletion sits,
    /// for `+` lines `old` is where the insertion sits).
    Line {
        /// `' '`, `'-'` or `'+'`.
        mark: u8,
        /// Old line index.
        old: usize,
        /// New line index.
        new: usize,
    },
}

/// Walks the hunks of `diff` as git prints them: each hunk with its function-name text,
/// then its lines. The function name is looked up incrementally, as git does: from the
/// line before the hunk back to where the previous hunk's lookup started, keeping the
/// previous name when nothing new is found.
pub fn walk_hunks<'a>(
    diff: &LineDiff<'a>,
    funcname: &dyn Fn(&[u8]) -> Option<&[u8]>,
    mut f: impl FnMut(HunkEvent<'a>),
) {
    let changes = diff.changes();
    let mut func: &'a [u8] = b"";
    // git's `funclineprev`: the line where the previous scan started.
    let mut scanned_to: isize = -1;
    for_each_hunk(diff, funcname, |h| {
        let start = h.old_start as isize - 1;
        let mut l = start;
        while l > scanned_to && l >= 0 {
            if let Some(text) = funcname(diff.old_line(l as usize)) {
                func = text;
                break;
            }
            l -= 1;
        }
        scanned_to = start;
        f(HunkEvent::Hunk(h, func));
        let (k, j) = h.changes;
        let first = &changes[k];
        let (mut x, mut y) = (h.old_start, h.new_start);
        while y < first.new_start as usize {
            f(HunkEvent::Line {
                mark: b' ',
                old: x,
                new: y,
            });
            x += 1;
            y += 1;
        }
        for c in &changes[k..j] {
            while x < c.old_start as usize {
                f(HunkEvent::Line {
                    mark: b' ',
                    old: x,
                    new: y,
                });
                x += 1;
                y += 1;
            }
            let (os, ns) = (c.old_start as usize, c.new_start as usize);
            for q in os..os + c.old_len as usize {
                f(HunkEvent::Line {
                    mark: b'-',
                    old: q,
                    new: ns,
                });
            }
            for q in ns..ns + c.new_len as usize {
                f(HunkEvent::Line {
                    mark: b'+',
                    old: os + c.old_len as usize,
                    new: q,
                });
            }
            x = os + c.old_len as usize;
            y = ns + c.new_len as usize;
        }
        while y < h.new_start + h.new_len {
            f(HunkEvent::Line {
                mark: b' ',
                old: x,
                new: y,
            });
            x += 1;
            y += 1;
        }
    });
}

/// Appends the hunks of `diff` (git's unified format with the default function-name
/// rule) to `out`. Nothing is written when there are no changes.
pub fn write_hunks(out: &mut Vec<u8>, diff: &LineDiff<'_>) {
    write_hunks_with(out, diff, &default_funcname);
}

/// Like [`write_hunks`], with a custom function-name rule (for `diff=<driver>`
/// `xfuncname` patterns): it gets an old line and returns the header text, if the line
/// qualifies (the caller should cut it to 80 bytes as git does).
pub fn write_hunks_with(
    out: &mut Vec<u8>,
    diff: &LineDiff<'_>,
    funcname: &dyn Fn(&[u8]) -> Option<&[u8]>,
) {
    walk_hunks(diff, funcname, |e| match e {
        HunkEvent::Hunk(h, func) => {
            write_hunk_header(out, h.old_start, h.old_len, h.new_start, h.new_len, func)
        }
        HunkEvent::Line { mark, old, new } => {
            let line = if mark == b'-' {
                diff.old_line(old)
            } else {
                diff.new_line(new)
            };
            write_line(out, mark, line, false);
        }
    });
}

/// How the old and new paths of a file pair are related.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PairStatus {
    /// Added, deleted, modified or type-changed in place.
    Plain,
    /// Renamed, with its similarity score in percent.
    Renamed(u32),
    /// Copied, with its similarity score in percent.
    Copied(u32),
    /// A `-B` complete rewrite, with its dissimilarity score in percent.
    Rewritten(u32),
}

/// What the header of one file pair needs. Modes are `None` for a missing side (added or
/// deleted file); ids are the abbreviated hex names of the two blobs (all zeros for a
/// missing side).
#[derive(Clone, Copy, Debug)]
pub struct PairHeader<'a> {
    /// The old path (without prefix).
    pub old_path: &'a [u8],
    /// The new path (without prefix).
    pub new_path: &'a [u8],
    /// The old mode, `None` if the file was added.
    pub old_mode: Option<u32>,
    /// The new mode, `None` if the file was deleted.
    pub new_mode: Option<u32>,
    /// The abbreviated old id.
    pub old_id: &'a str,
    /// The abbreviated new id.
    pub new_id: &'a str,
    /// Rename/copy/rewrite information.
    pub status: PairStatus,
    /// The source prefix (`a/` by default, empty with `--no-prefix`).
    pub src_prefix: &'a [u8],
    /// The destination prefix (`b/` by default).
    pub dst_prefix: &'a [u8],
    /// `core.quotePath`: quote bytes >= 0x80 (git's default).
    pub quote_path: bool,
    /// Whether the two full object ids differ (then an `index` line is written; git
    /// compares the full ids, so two ids abbreviating alike still get one).
    pub ids_differ: bool,
}

fn push_quoted_with_prefix(out: &mut Vec<u8>, prefix: &[u8], path: &[u8], quote_path: bool) {
    use crate::diff::quote::{needs_quote, write_quoted};
    if !needs_quote(prefix, quote_path) && !needs_quote(path, quote_path) {
        out.extend_from_slice(prefix);
        out.extend_from_slice(path);
        return;
    }
    let mut whole = Vec::with_capacity(prefix.len() + path.len());
    whole.extend_from_slice(prefix);
    whole.extend_from_slice(path);
    write_quoted(&whole, quote_path, out);
}

/// Appends the `diff --git` line and the extended header lines (mode, similarity,
/// rename/copy, `index`) of a pair, in git's order. Ids equal means no `index` line.
pub fn write_pair_header(out: &mut Vec<u8>, h: &PairHeader<'_>) {
    use std::io::Write;
    // For added/deleted files both names are the same path.
    let (old_path, new_path) = match (h.old_mode, h.new_mode) {
        (None, _) => (h.new_path, h.new_path),
        (_, None) => (h.old_path, h.old_path),
        _ => (h.old_path, h.new_path),
    };
    out.extend_from_slice(b"diff --git ");
    push_quoted_with_prefix(out, h.src_prefix, old_path, h.quote_path);
    out.push(b' ');
    push_quoted_with_prefix(out, h.dst_prefix, new_path, h.quote_path);
    out.push(b'\n');
    match (h.old_mode, h.new_mode) {
        (Some(o), Some(n)) if o != n => {
            let _ = write!(out, "old mode {o:06o}\nnew mode {n:06o}\n");
        }
        (None, Some(n)) => {
            let _ = writeln!(out, "new file mode {n:06o}");
        }
        (Some(o), None) => {
            let _ = writeln!(out, "deleted file mode {o:06o}");
        }
        _ => {}
    }
    let q = |out: &mut Vec<u8>, p: &[u8]| crate::diff::quote::write_quoted(p, h.quote_path, out);
    match h.status {
        PairStatus::Plain => {}
        PairStatus::Rewritten(n) => {
            let _ = writeln!(out, "dissimilarity index {n}%");
        }
        PairStatus::Renamed(n) | PairStatus::Copied(n) => {
            let word = if matches!(h.status, PairStatus::Renamed(_)) {
                "rename"
            } else {
                "copy"
            };
            let _ = writeln!(out, "similarity index {n}%");
            let _ = write!(out, "{word} from ");
            q(out, h.old_path);
            let _ = write!(out, "\n{word} to ");
            q(out, h.new_path);
            out.push(b'\n');
        }
    }
    if h.ids_differ {
        let _ = write!(out, "index {}..{}", h.old_id, h.new_id);
        if let (Some(o), Some(n)) = (h.old_mode, h.new_mode) {
            if o == n {
                let _ = write!(out, " {o:06o}");
            }
        }
        out.push(b'\n');
    }
}

/// Appends a file label: `/dev/null` for a missing side, else the quoted prefixed path.
fn push_label(out: &mut Vec<u8>, prefix: &[u8], path: &[u8], mode: Option<u32>, quote: bool) {
    match mode {
        None => out.extend_from_slice(b"/dev/null"),
        Some(_) => push_quoted_with_prefix(out, prefix, path, quote),
    }
}

/// Appends the `--- a/x` / `+++ b/x` lines (with `/dev/null` for a missing side, and the
/// TAB git adds after a label that contains a space).
pub fn write_file_labels(out: &mut Vec<u8>, h: &PairHeader<'_>) {
    for (marker, prefix, path, mode) in [
        (&b"--- "[..], h.src_prefix, h.old_path, h.old_mode),
        (&b"+++ "[..], h.dst_prefix, h.new_path, h.new_mode),
    ] {
        out.extend_from_slice(marker);
        let start = out.len();
        push_label(out, prefix, path, mode, h.quote_path);
        if out[start..].contains(&b' ') {
            out.push(b'\t');
        }
        out.push(b'\n');
    }
}

/// Appends `Binary files <a> and <b> differ`.
pub fn write_binary_notice(out: &mut Vec<u8>, h: &PairHeader<'_>) {
    out.extend_from_slice(b"Binary files ");
    push_label(out, h.src_prefix, h.old_path, h.old_mode, h.quote_path);
    out.extend_from_slice(b" and ");
    push_label(out, h.dst_prefix, h.new_path, h.new_mode, h.quote_path);
    out.extend_from_slice(b" differ\n");
}

/// Whether the pair has extended header lines that force its header to be printed even
/// without hunks (mode change, new/deleted file, rename, copy, rewrite).
pub fn must_show_header(h: &PairHeader<'_>) -> bool {
    h.old_mode != h.new_mode || h.status != PairStatus::Plain
}

/// Appends a whole text file pair as git prints it with `-p`: the header, and if the line
/// diff has changes, the labels and hunks. Like git, nothing at all is printed when there
/// are no hunks (possible with `-w` and friends) and no extended header line.
/// (Binary pairs: use [`write_pair`] or [`write_binary_notice`].)
pub fn write_text_pair(out: &mut Vec<u8>, h: &PairHeader<'_>, diff: &LineDiff<'_>) {
    let start = out.len();
    write_hunks(out, diff);
    if out.len() == start && !must_show_header(h) {
        return;
    }
    let hunks = out.split_off(start);
    write_pair_header(out, h);
    if !hunks.is_empty() {
        write_file_labels(out, h);
        out.extend_from_slice(&hunks);
    }
}

/// Diffs one file pair and appends its `-p` output (header, then hunks or
/// `Binary files ... differ`); returns its numstat counts, `None` for a binary pair.
/// This is the one call per file pair the `diff -p` / `--numstat` / `--stat` front ends
/// need; reuse `state` across pairs.
pub fn write_pair(
    out: &mut Vec<u8>,
    state: &mut crate::diff::line::State,
    h: &PairHeader<'_>,
    old: &[u8],
    new: &[u8],
    options: &crate::diff::line::Options,
) -> Result<Option<crate::diff::line::Counts>, crate::diff::line::Error> {
    if crate::diff::binary::is_binary_pair(old, new) {
        write_pair_header(out, h);
        if old != new {
            write_binary_notice(out, h);
        }
        return Ok(None);
    }
    let diff = state.diff(old, new, options)?;
    write_text_pair(out, h, &diff);
    Ok(Some(diff.counts()))
}

#[doc(hidden)]
/// An entry point for fuzzing (public as `oxgit::internals::fuzz_line_diff`): splits `data` into two buffers at the first `0xff` byte
/// (or in the middle) and runs every algorithm, the patch printer and the counters,
/// checking that the counts agree with the printed lines. Never panics unless an
/// invariant is broken.
pub fn fuzz_line_diff(data: &[u8]) {
    let cut = data
        .iter()
        .position(|&c| c == 0xff)
        .unwrap_or(data.len() / 2);
    let (old, new) = (&data[..cut], &data[(cut + 1).min(data.len())..]);
    let mut state = crate::diff::line::State::new();
    for algorithm in [
        crate::diff::line::Algorithm::Myers,
        crate::diff::line::Algorithm::Minimal,
        crate::diff::line::Algorithm::Patience,
        crate::diff::line::Algorithm::Histogram,
    ] {
        for (context, whitespace, ignore_blank_lines) in [
            (0, crate::diff::line::Whitespace::Exact, false),
            (3, crate::diff::line::Whitespace::Exact, false),
            (1, crate::diff::line::Whitespace::IgnoreSpaceChange, true),
            (3, crate::diff::line::Whitespace::IgnoreAllSpace, false),
        ] {
            let opts = crate::diff::line::Options {
                algorithm,
                context,
                whitespace,
                ignore_blank_lines,
                ..Default::default()
            };
            let Ok(diff) = state.diff(old, new, &opts) else {
                return;
            };
            let counts = diff.counts();
            let mut out = Vec::new();
            write_hunks(&mut out, &diff);
            let (mut plus, mut minus) = (0u64, 0u64);
            for line in out.split(|&c| c == b'\n') {
                match line.first() {
                    Some(b'+') => plus += 1,
                    Some(b'-') => minus += 1,
                    _ => {}
                }
            }
            assert_eq!((plus, minus), (counts.added, counts.deleted));
            // With whitespace options equal lines may differ in bytes; skip the rebuild.
            if whitespace != crate::diff::line::Whitespace::Exact {
                continue;
            }
            // Applying the changes to the old lines must give the new lines.
            let mut rebuilt = Vec::with_capacity(new.len());
            let mut next_old = 0usize;
            for c in diff.changes() {
                for i in next_old..c.old_start as usize {
                    rebuilt.extend_from_slice(diff.old_line(i));
                }
                for i in c.new_start..c.new_start + c.new_len {
                    rebuilt.extend_from_slice(diff.new_line(i as usize));
                }
                next_old = (c.old_start + c.old_len) as usize;
            }
            for i in next_old..diff.old_len() {
                rebuilt.extend_from_slice(diff.old_line(i));
            }
            let new_used: usize = (0..diff.new_len()).map(|i| diff.new_line(i).len()).sum();
            assert_eq!(rebuilt, &new[..new_used]);
        }
    }
}
