//! Combined diffs of merges (`-c`, `--cc`), as git 2.47 prints them: which paths differ
//! from every parent ([`intersect`]), and for one path the result's lines annotated with
//! what each parent lacks or had instead ([`Combined`]), grouped into `@@@` hunks with
//! one marker column per parent. `--cc` (dense) drops hunks where the result took one
//! parent's version (or where every parent differs the same way but the result matches
//! none only in ways one parent explains).
//!
//! Each parent is compared with the result by the line differ with no context; the
//! lines a parent loses before a result line are merged with the other parents' lost
//! lines there by a longest common subsequence, so a line removed from several parents
//! is shown once with several `-` markers.

use crate::diff::line::{self, State};
use crate::diff::{Change, ChangeKind};
use crate::oid::ObjectId;

/// The most parents a combined diff handles (one bit each, plus two flag bits).
pub const MAX_PARENTS: usize = 60;

/// One parent's side of a combined path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParentSide {
    /// git's status letter against this parent (`A`, `D`, `M`, `T`, `R`, `C`).
    pub status: u8,
    /// The path in this parent (differs from the result's with renames and copies).
    pub path: Vec<u8>,
    /// The mode in this parent (0: absent).
    pub mode: u32,
    /// The blob in this parent (null: absent).
    pub id: ObjectId,
}

/// A path that differs from every parent of a merge.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CombinedPath {
    /// The path in the merge.
    pub path: Vec<u8>,
    /// Its mode in the merge (0: deleted).
    pub mode: u32,
    /// Its blob in the merge (null: deleted).
    pub id: ObjectId,
    /// Each parent's side, in parent order.
    pub parents: Vec<ParentSide>,
}

/// The paths changed against every parent: `per_parent[i]` is the change list against
/// parent `i` (after rename detection); a path is kept when every list has a change
/// whose new path is it, in the order of the first list (git's `intersect_paths`).
pub fn intersect(per_parent: &[Vec<Change>]) -> Vec<CombinedPath> {
    let Some((first, rest)) = per_parent.split_first() else {
        return Vec::new();
    };
    let side = |c: &Change| ParentSide {
        status: c.kind.letter(),
        path: c.old_path.clone(),
        mode: c.old_mode,
        id: c.old_id,
    };
    let maps: Vec<std::collections::HashMap<&[u8], &Change>> = rest
        .iter()
        .map(|l| l.iter().map(|c| (c.new_path.as_slice(), c)).collect())
        .collect();
    let mut out = Vec::new();
    'paths: for c in first {
        let mut parents = vec![side(c)];
        for m in &maps {
            match m.get(c.new_path.as_slice()) {
                Some(o) => parents.push(side(o)),
                None => continue 'paths,
            }
        }
        let deleted = c.kind == ChangeKind::Deleted;
        out.push(CombinedPath {
            path: c.new_path.clone(),
            mode: if deleted { 0 } else { c.new_mode },
            id: if deleted {
                c.new_id.kind().null_id()
            } else {
                c.new_id
            },
            parents,
        });
    }
    out
}

/// A line some parents had where the result has none.
#[derive(Clone, Debug)]
struct Lost<'a> {
    /// The line without its newline.
    text: &'a [u8],
    /// The parents (bits) that had it.
    parents: u64,
}

/// One result line (and one more after the last, holding lines lost at the end).
#[derive(Clone, Debug, Default)]
struct Slot<'a> {
    /// The line without its newline (empty for the slot after the end).
    text: &'a [u8],
    /// Bit `i`: parent `i` lacks this line (`+` in its column).
    added: u64,
    /// Lines lost from parents just before this one.
    lost: Vec<Lost<'a>>,
    /// Shown (changed or context).
    shown: bool,
    /// Painted as leading context: its lost lines are not shown.
    no_pre_delete: bool,
}

/// A combined diff of one path, ready to print.
pub struct Combined<'a> {
    slots: Vec<Slot<'a>>,
    /// `p_lno[i][lno]`: the first line number (1-based) of parent `i` when a hunk
    /// starts at result line `lno` (`cnt + 2` entries).
    p_lno: Vec<Vec<usize>>,
    parents: usize,
    context: usize,
}

/// The lines of `buf` without their newlines (a last line without one counts).
fn split_lines(buf: &[u8]) -> Vec<&[u8]> {
    let mut v: Vec<&[u8]> = buf.split(|&b| b == b'\n').collect();
    if buf.is_empty() || buf.ends_with(b"\n") {
        v.pop();
    }
    v
}

/// Merges `new` (lines lost from parent `bit`) into `base`: lines of a longest common
/// subsequence gain the bit, the others are inserted where the subsequence puts them
/// (git's `coalesce_lines`, ties preferring a match, then the new side).
fn coalesce<'a>(base: Vec<Lost<'a>>, new: &[&'a [u8]], bit: u64) -> Vec<Lost<'a>> {
    if new.is_empty() {
        return base;
    }
    if base.is_empty() {
        return new
            .iter()
            .map(|t| Lost {
                text: t,
                parents: bit,
            })
            .collect();
    }
    let (n, m) = (base.len(), new.len());
    #[derive(Clone, Copy, PartialEq)]
    enum Dir {
        Match,
        Base,
        New,
    }
    let mut lcs = vec![vec![0u32; m + 1]; n + 1];
    let mut dir = vec![vec![Dir::Base; m + 1]; n + 1];
    for d in dir[0].iter_mut().skip(1) {
        *d = Dir::New;
    }
    for i in 1..=n {
        for j in 1..=m {
            if base[i - 1].text == new[j - 1] {
                lcs[i][j] = lcs[i - 1][j - 1] + 1;
                dir[i][j] = Dir::Match;
            } else if lcs[i][j - 1] >= lcs[i - 1][j] {
                lcs[i][j] = lcs[i][j - 1];
                dir[i][j] = Dir::New;
            } else {
                lcs[i][j] = lcs[i - 1][j];
                dir[i][j] = Dir::Base;
            }
        }
    }
    let (mut i, mut j) = (n, m);
    let mut rev = Vec::with_capacity(n + m);
    while i != 0 || j != 0 {
        match dir[i][j] {
            Dir::Match => {
                let mut l = base[i - 1].clone();
                l.parents |= bit;
                rev.push(l);
                i -= 1;
                j -= 1;
            }
            Dir::New => {
                rev.push(Lost {
                    text: new[j - 1],
                    parents: bit,
                });
                j -= 1;
            }
            Dir::Base => {
                rev.push(base[i - 1].clone());
                i -= 1;
            }
        }
    }
    rev.reverse();
    rev
}

impl<'a> Combined<'a> {
    /// Compares `result` with each of `parents` (their contents, in parent order;
    /// `ids` tell equal parents, whose comparison is reused as git does).
    pub fn new(
        result: &'a [u8],
        parents: &[&'a [u8]],
        ids: &[ObjectId],
        options: &line::Options,
        state: &mut State,
    ) -> Result<Combined<'a>, line::Error> {
        let lines = split_lines(result);
        let cnt = lines.len();
        let mut slots: Vec<Slot<'a>> = lines
            .iter()
            .map(|t| Slot {
                text: t,
                ..Slot::default()
            })
            .collect();
        slots.push(Slot::default());
        let mut opts = *options;
        opts.context = 0;
        opts.inter_hunk_context = 0;
        opts.function_context = false;
        let mut p_lno: Vec<Vec<usize>> = Vec::with_capacity(parents.len());
        for (n, parent) in parents.iter().enumerate() {
            let bit = 1u64 << n;
            if let Some(j) = (0..n).find(|&j| ids[j] == ids[n]) {
                let jbit = 1u64 << j;
                for s in &mut slots {
                    if s.added & jbit != 0 {
                        s.added |= bit;
                    }
                    for l in &mut s.lost {
                        if l.parents & jbit != 0 {
                            l.parents |= bit;
                        }
                    }
                }
                p_lno.push(p_lno[j].clone());
                continue;
            }
            let old = split_lines(parent);
            let mut plost: Vec<Vec<&'a [u8]>> = vec![Vec::new(); cnt + 1];
            {
                let diff = state.diff(parent, result, &opts)?;
                for c in diff.changes() {
                    let (os, ol) = (c.old_start as usize, c.old_len as usize);
                    let (ns, nl) = (c.new_start as usize, c.new_len as usize);
                    plost[ns.min(cnt)].extend(old.iter().skip(os).take(ol));
                    for s in slots.iter_mut().skip(ns).take(nl) {
                        s.added |= bit;
                    }
                }
            }
            let mut numbers = Vec::with_capacity(cnt + 2);
            let mut p = 1usize;
            for (lno, s) in slots.iter_mut().enumerate() {
                numbers.push(p);
                if !plost[lno].is_empty() {
                    s.lost = coalesce(std::mem::take(&mut s.lost), &plost[lno], bit);
                }
                p += s.lost.iter().filter(|l| l.parents & bit != 0).count();
                if lno < cnt && s.added & bit == 0 {
                    p += 1;
                }
            }
            numbers.push(p);
            p_lno.push(numbers);
        }
        Ok(Combined {
            slots,
            p_lno,
            parents: parents.len(),
            context: options.context as usize,
        })
    }

    fn all(&self) -> u64 {
        (1u64 << self.parents) - 1
    }

    fn cnt(&self) -> usize {
        self.slots.len() - 1
    }

    /// The end of a group `[begin, i)` for trailing context: one line earlier when the
    /// last line is shown only for lines lost before it (it is context already).
    fn tail(&self, begin: usize, i: usize) -> usize {
        if begin < i && self.slots[i - 1].added & self.all() == 0 {
            i - 1
        } else {
            i
        }
    }

    /// The first slot from `i` on that is shown (`shown`) or not.
    fn find(&self, i: usize, shown: bool) -> usize {
        (i..self.slots.len())
            .find(|&x| self.slots[x].shown == shown)
            .unwrap_or(self.slots.len())
    }

    /// Marks the lines to show (`dense`: `--cc`'s hunk dropping); whether any are.
    pub fn make_hunks(&mut self, dense: bool) -> bool {
        let all = self.all();
        for s in &mut self.slots {
            s.shown = s.added & all != 0 || !s.lost.is_empty();
        }
        if dense {
            self.drop_uninteresting();
        }
        self.give_context()
    }

    /// `--cc`: unmarks each group of changes where only two versions meet and the
    /// result is one of them (every change in it is against the same parents, and
    /// not against all of them).
    fn drop_uninteresting(&mut self) {
        let all = self.all();
        let cnt = self.cnt();
        let context = self.context;
        let mut i = 0;
        while i <= cnt {
            while i <= cnt && !self.slots[i].shown {
                i += 1;
            }
            if i > cnt {
                break;
            }
            let begin = i;
            let mut j = i + 1;
            while j <= cnt {
                if !self.slots[j].shown {
                    // Another change within the context span continues the group.
                    let mut la = (self.tail(begin, j) + context).min(cnt + 1);
                    let mut contin = false;
                    while la > 0 {
                        la -= 1;
                        if la < j {
                            break;
                        }
                        if self.slots[la].shown {
                            contin = true;
                            break;
                        }
                    }
                    if !contin {
                        break;
                    }
                    j = la;
                }
                j += 1;
            }
            let end = j;
            let mut same = 0u64;
            let mut interesting = false;
            'scan: for s in &self.slots[begin..end] {
                let sets = std::iter::once(s.added & all)
                    .filter(|&d| d != 0)
                    .chain(s.lost.iter().map(|l| l.parents));
                for d in sets {
                    if same == 0 {
                        same = d;
                    } else if same != d {
                        interesting = true;
                        break 'scan;
                    }
                }
            }
            if !interesting && same != all {
                for s in &mut self.slots[begin..end] {
                    s.shown = false;
                }
            }
            i = end;
        }
    }

    /// Paints context around the shown lines, joining groups closer than the context.
    fn give_context(&mut self) -> bool {
        let cnt = self.cnt();
        let context = self.context;
        let mut i = self.find(0, true);
        if i > cnt {
            return false;
        }
        while i <= cnt {
            for s in &mut self.slots[i.saturating_sub(context)..i] {
                if !s.shown {
                    s.no_pre_delete = true;
                }
                s.shown = true;
            }
            loop {
                let j = self.find(i, false);
                if j > cnt {
                    return true;
                }
                let k = self.find(j, true);
                let j = self.tail(i, j);
                if k < j + context {
                    for s in &mut self.slots[j..k] {
                        s.shown = true;
                    }
                    i = k;
                    continue;
                }
                i = k;
                let e = (j + context).min(cnt + 1);
                for s in &mut self.slots[j..e] {
                    s.shown = true;
                }
                break;
            }
        }
        true
    }

    /// Writes the hunks marked by [`Combined::make_hunks`].
    pub fn write_hunks(&self, out: &mut Vec<u8>, palette: Option<&super::color::DiffPalette>) {
        use super::color::RESET;
        use std::io::Write;
        // git's colours: ranges in `frag`, the function name in `func` after a space in
        // `context`, lost lines in `old`, added ones in `new`, the others in `context`;
        // every line ends with a reset (before a final CR).
        let (frag, func, old, new, ctx, reset) = match palette {
            Some(p) => (
                &p.frag[..],
                &p.func[..],
                &p.old[..],
                &p.new[..],
                &p.context[..],
                RESET,
            ),
            None => ("", "", "", "", "", ""),
        };
        let line_end = |out: &mut Vec<u8>, text: &[u8]| {
            let (body, cr) = match text.strip_suffix(b"\r") {
                Some(body) => (body, true),
                None => (text, false),
            };
            out.extend_from_slice(body);
            out.extend_from_slice(reset.as_bytes());
            if cr {
                out.push(b'\r');
            }
            out.push(b'\n');
        };
        let cnt = self.cnt();
        let all = self.all();
        let n = self.parents;
        let mut lno = 0;
        loop {
            let mut comment: Option<&[u8]> = None;
            while lno <= cnt && !self.slots[lno].shown {
                if lno < cnt && crate::diff::patch::default_funcname(self.slots[lno].text).is_some()
                {
                    comment = Some(self.slots[lno].text);
                }
                lno += 1;
            }
            if lno > cnt {
                break;
            }
            let mut end = lno + 1;
            while end <= cnt && self.slots[end].shown {
                end += 1;
            }
            // Counts wrap as git's unsigned arithmetic does (`-U0` on an added file
            // prints 2^64 - 1).
            let mut rlines = (end - lno) as u64;
            if end > cnt {
                rlines = rlines.wrapping_sub(1);
            }
            let mut null_context = 0u64;
            if self.context == 0 {
                null_context = self.slots[lno..end.min(cnt + 1)]
                    .iter()
                    .filter(|s| s.added & all == 0)
                    .count() as u64;
                rlines = rlines.wrapping_sub(null_context);
            }
            let ats = vec![b'@'; n + 1];
            out.extend_from_slice(frag.as_bytes());
            out.extend_from_slice(&ats);
            for p in &self.p_lno {
                let (a, b) = (p[lno] as u64, p[end] as u64);
                let _ = write!(
                    out,
                    " -{},{}",
                    a,
                    b.wrapping_sub(a).wrapping_sub(null_context)
                );
            }
            let _ = write!(out, " +{},{} ", lno + 1, rlines);
            out.extend_from_slice(&ats);
            if let Some(c) = comment {
                // git prints up to (not including) the last non-space byte of the
                // first 40.
                let c = &c[..c.len().min(40)];
                let c = &c[..c.iter().position(|&b| b == 0).unwrap_or(c.len())];
                let last = c
                    .iter()
                    .rposition(|b| !matches!(b, b' ' | b'\t' | b'\r' | 0x0b | 0x0c))
                    .unwrap_or(0);
                if last > 0 {
                    for piece in [reset, ctx, " ", reset, func] {
                        out.extend_from_slice(piece.as_bytes());
                    }
                    out.extend_from_slice(&c[..last]);
                }
            }
            out.extend_from_slice(reset.as_bytes());
            out.push(b'\n');
            while lno < end {
                let s = &self.slots[lno];
                lno += 1;
                if !s.no_pre_delete {
                    for l in &s.lost {
                        out.extend_from_slice(old.as_bytes());
                        for j in 0..n {
                            out.push(if l.parents & (1 << j) != 0 {
                                b'-'
                            } else {
                                b' '
                            });
                        }
                        let t =
                            &l.text[..l.text.iter().position(|&b| b == 0).unwrap_or(l.text.len())];
                        line_end(out, t);
                    }
                }
                if lno > cnt {
                    break;
                }
                if s.added & all == 0 && self.context == 0 {
                    continue;
                }
                let color = if s.added & all == 0 { ctx } else { new };
                out.extend_from_slice(color.as_bytes());
                for j in 0..n {
                    out.push(if s.added & (1 << j) != 0 { b'+' } else { b' ' });
                }
                line_end(out, s.text);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn show(result: &str, parents: &[&str], dense: bool) -> String {
        let ps: Vec<&[u8]> = parents.iter().map(|p| p.as_bytes()).collect();
        let ids: Vec<ObjectId> = (0..parents.len())
            .map(|i| {
                let mut raw = [0u8; 20];
                raw[0] = i as u8 + 1;
                ObjectId::from_bytes(&raw).unwrap()
            })
            .collect();
        let mut st = State::new();
        let mut c = Combined::new(
            result.as_bytes(),
            &ps,
            &ids,
            &line::Options::default(),
            &mut st,
        )
        .unwrap();
        c.make_hunks(dense);
        let mut out = Vec::new();
        c.write_hunks(&mut out, None);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn conflict_resolved_with_both_sides() {
        assert_eq!(
            show(
                "same\nmain\nside\n",
                &["same\nmain\n", "same\nside\n"],
                true
            ),
            "@@@ -1,2 -1,2 +1,3 @@@\n  same\n +main\n+ side\n"
        );
    }

    #[test]
    fn dense_drops_a_hunk_taken_from_one_parent() {
        assert_eq!(show("a\nB\nc\n", &["a\nB\nc\n", "a\nb\nc\n"], true), "");
        assert!(!show("a\nB\nc\n", &["a\nB\nc\n", "a\nb\nc\n"], false).is_empty());
    }
}
