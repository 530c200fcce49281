//! git's line-log (`log -L`): line ranges of a file carried from a commit to its parent
//! across the zero-context line diff between them, and the diff of a commit limited to
//! its ranges, printed as git's line-log prints it (one hunk per range, no `index` line).
//!
//! ```
//! use oxgit::diff::line_log::{map_to_parent, Range};
//!
//! // Line 4 (0-based 3) deleted: the range over new lines 2..6 covers 2..7 before.
//! let old = b"1\n2\n3\n4\n5\n6\n7\n8\n";
//! let new = b"1\n2\n3\n5\n6\n7\n8\n";
//! let mut state = oxgit::diff::line::State::new();
//! let m = map_to_parent(&[Range { start: 2, end: 6 }], old, new, &mut state).unwrap();
//! assert_eq!(m.parent, [Range { start: 2, end: 7 }]);
//! assert!(m.changed());
//! ```

use super::line;

/// A half-open range of 0-based lines.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Range {
    /// First line.
    pub start: usize,
    /// One past the last line.
    pub end: usize,
}

/// One change block of a zero-context diff: lines `parent` replaced by lines `target`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Hunk {
    /// The lines in the parent.
    pub parent: Range,
    /// The lines in the commit.
    pub target: Range,
}

/// The ranges of a commit carried to its parent.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Mapped {
    /// The ranges in the parent (sorted, disjoint, not touching, none empty).
    pub parent: Vec<Range>,
    /// The hunks that touch the commit's ranges.
    pub touched: Vec<Hunk>,
}

impl Mapped {
    /// Whether the commit changed a line of its ranges (git then shows it).
    pub fn changed(&self) -> bool {
        !self.touched.is_empty()
    }
}

/// The zero-context line diff git's line-log uses (xdiff's defaults: Myers, no
/// whitespace options, no indent heuristic).
pub fn hunks(old: &[u8], new: &[u8], state: &mut line::State) -> Result<Vec<Hunk>, line::Error> {
    let options = line::Options {
        context: 0,
        inter_hunk_context: 0,
        indent_heuristic: false,
        ..line::Options::default()
    };
    let d = state.diff(old, new, &options)?;
    Ok(d.changes()
        .iter()
        .map(|c| Hunk {
            parent: Range {
                start: c.old_start as usize,
                end: (c.old_start + c.old_len) as usize,
            },
            target: Range {
                start: c.new_start as usize,
                end: (c.new_start + c.new_len) as usize,
            },
        })
        .collect())
}

/// Carries `ranges` (sorted, disjoint) of the commit's file `new` to the parent's `old`:
/// the hunks that overlap a range are its changes; the rest of each range moves with
/// the lines the hunks before it add or remove, and the touched hunks' parent lines join.
pub fn map_to_parent(
    ranges: &[Range],
    old: &[u8],
    new: &[u8],
    state: &mut line::State,
) -> Result<Mapped, line::Error> {
    let all = hunks(old, new, state)?;
    Ok(map_across(ranges, &all))
}

/// [`map_to_parent`] with the hunks already computed.
pub fn map_across(ranges: &[Range], all: &[Hunk]) -> Mapped {
    let overlaps = |a: Range, b: Range| a.start < b.end && b.start < a.end;
    let touched: Vec<Hunk> = all
        .iter()
        .filter(|h| ranges.iter().any(|r| overlaps(h.target, *r)))
        .copied()
        .collect();
    // The ranges without the touched hunks' lines, split at them.
    let mut rest = Vec::new();
    for r in ranges {
        let (mut start, end) = (r.start, r.end);
        let mut j = 0;
        while start < end {
            while j < touched.len() && start >= touched[j].target.end {
                j += 1;
            }
            let Some(t) = touched.get(j).map(|h| h.target) else {
                rest.push(Range { start, end });
                break;
            };
            if end <= t.start {
                rest.push(Range { start, end });
                break;
            }
            if start < t.start {
                rest.push(Range {
                    start,
                    end: t.start,
                });
            }
            start = t.end.max(start);
            if t.start == t.end {
                j += 1;
            }
        }
    }
    // Shifted by what the hunks before each piece add or remove.
    let mut shifted = Vec::with_capacity(rest.len());
    let (mut j, mut offset) = (0usize, 0isize);
    for r in &rest {
        while j < all.len() && r.start >= all[j].target.start {
            let h = all[j];
            offset +=
                (h.parent.end - h.parent.start) as isize - (h.target.end - h.target.start) as isize;
            j += 1;
        }
        shifted.push(Range {
            start: (r.start as isize + offset).max(0) as usize,
            end: (r.end as isize + offset).max(0) as usize,
        });
    }
    let mut parents: Vec<Range> = touched.iter().map(|h| h.parent).collect();
    parents.extend(shifted);
    parents.sort_by_key(|r| (r.start, r.end));
    let mut parent: Vec<Range> = Vec::new();
    for r in parents {
        if r.start == r.end {
            continue;
        }
        match parent.last_mut() {
            Some(last) if last.end >= r.start => last.end = last.end.max(r.end),
            _ => parent.push(r),
        }
    }
    Mapped { parent, touched }
}

/// Byte offsets of the line starts of `data`, with a final entry at its end.
fn line_ends(data: &[u8]) -> Vec<usize> {
    let mut v = vec![0];
    v.extend(memchr::memchr_iter(b'\n', data).map(|i| i + 1));
    if *v.last().expect("one") != data.len() {
        v.push(data.len());
    }
    v
}

/// The colours of the line-log diff: `(meta, frag, context, old, new, reset)`, empty
/// without a palette.
type Colors<'a> = (&'a str, &'a str, &'a str, &'a str, &'a str, &'a str);

fn print_line(
    out: &mut Vec<u8>,
    mark: u8,
    color: (&str, &str),
    data: &[u8],
    ends: &[usize],
    i: usize,
) {
    let (Some(&a), Some(&b)) = (ends.get(i), ends.get(i + 1)) else {
        return;
    };
    let line = &data[a..b];
    let text = line.strip_suffix(b"\n").unwrap_or(line);
    out.extend_from_slice(color.0.as_bytes());
    out.push(mark);
    out.extend_from_slice(text);
    out.extend_from_slice(color.1.as_bytes());
    out.push(b'\n');
    if text.len() == line.len() {
        out.extend_from_slice(b"\\ No newline at end of file\n");
    }
}

/// The diff of a commit limited to its `ranges`, as git's line-log prints it: the
/// `diff --git` and `---`/`+++` lines (`old_path` `None`: the file is new), then one
/// hunk per range with a touched hunk, showing every line of the range. `touched` are
/// the hunks [`map_across`] found; `palette` colours it as git does.
#[allow(clippy::too_many_arguments)]
pub fn write_diff(
    out: &mut Vec<u8>,
    old_path: Option<&[u8]>,
    new_path: &[u8],
    old: &[u8],
    new: &[u8],
    ranges: &[Range],
    touched: &[Hunk],
    palette: Option<&super::color::DiffPalette>,
) {
    let (meta, frag, context, del, add, reset): Colors<'_> = match palette {
        Some(p) => (
            &p.meta,
            &p.frag,
            &p.context,
            &p.old,
            &p.new,
            super::color::RESET,
        ),
        None => ("", "", "", "", "", ""),
    };
    let p_ends = line_ends(old);
    let t_ends = line_ends(new);
    let shown_old = old_path.unwrap_or(new_path);
    let line = |out: &mut Vec<u8>, parts: &[&[u8]]| {
        out.extend_from_slice(meta.as_bytes());
        parts.iter().for_each(|p| out.extend_from_slice(p));
        out.extend_from_slice(reset.as_bytes());
        out.push(b'\n');
    };
    line(out, &[b"diff --git a/", shown_old, b" b/", new_path]);
    match old_path {
        Some(p) => line(out, &[b"--- a/", p]),
        None => line(out, &[b"--- /dev/null"]),
    }
    line(out, &[b"+++ b/", new_path]);
    let mut j = 0;
    for r in ranges {
        let (t_start, t_end) = (r.start as isize, r.end as isize);
        let target = |k: usize| touched[k].target;
        let parent = |k: usize| touched[k].parent;
        while j < touched.len() && (target(j).end as isize) < t_start {
            j += 1;
        }
        if j == touched.len() || target(j).start as isize > t_end {
            continue;
        }
        let mut last = j;
        while last < touched.len() && (target(last).start as isize) < t_end {
            last += 1;
        }
        if last > j {
            last -= 1;
        }
        let mut p_start = if t_start < target(j).start as isize {
            parent(j).start as isize - (target(j).start as isize - t_start)
        } else {
            parent(j).start as isize
        };
        let mut p_end = if t_end > target(last).end as isize {
            parent(last).end as isize + (t_end - target(last).end as isize)
        } else {
            parent(last).end as isize
        };
        if p_start == 0 && p_end == 0 {
            p_start = -1;
            p_end = -1;
        }
        out.extend_from_slice(
            format!(
                "{frag}@@ -{},{} +{},{} @@{reset}\n",
                p_start + 1,
                p_end - p_start,
                t_start + 1,
                t_end - t_start
            )
            .as_bytes(),
        );
        let mut t_cur = r.start;
        while j < touched.len() && target(j).start < r.end {
            while t_cur < target(j).start {
                print_line(out, b' ', (context, reset), new, &t_ends, t_cur);
                t_cur += 1;
            }
            for k in parent(j).start..parent(j).end {
                print_line(out, b'-', (del, reset), old, &p_ends, k);
            }
            while t_cur < target(j).end && t_cur < r.end {
                print_line(out, b'+', (add, reset), new, &t_ends, t_cur);
                t_cur += 1;
            }
            j += 1;
        }
        while t_cur < r.end {
            print_line(out, b' ', (context, reset), new, &t_ends, t_cur);
            t_cur += 1;
        }
    }
}
