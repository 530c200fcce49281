//! xdiff's change-group compaction (`xdl_change_compact`): slide groups of changed lines
//! up and down over equal lines, merge them, align them with changes in the other file,
//! and otherwise place them where the indent heuristic scores best.

use super::intern::Class;
use super::Side;

const MAX_INDENT: i32 = 200;
const MAX_BLANKS: i32 = 20;
const INDENT_HEURISTIC_MAX_SLIDING: usize = 100;
const START_OF_FILE_PENALTY: i32 = 1;
const END_OF_FILE_PENALTY: i32 = 21;
const TOTAL_BLANK_WEIGHT: i32 = -30;
const POST_BLANK_WEIGHT: i32 = 6;
const RELATIVE_INDENT_PENALTY: i32 = -4;
const RELATIVE_INDENT_WITH_BLANK_PENALTY: i32 = 10;
const RELATIVE_OUTDENT_PENALTY: i32 = 24;
const RELATIVE_OUTDENT_WITH_BLANK_PENALTY: i32 = 17;
const RELATIVE_DEDENT_PENALTY: i32 = 23;
const RELATIVE_DEDENT_WITH_BLANK_PENALTY: i32 = 17;
const INDENT_WEIGHT: i32 = 60;

/// A maximal run `[start, end)` of changed lines (possibly empty).
#[derive(Clone, Copy, Debug)]
struct Group {
    start: usize,
    end: usize,
}

fn group_init(ch: &[bool]) -> Group {
    let mut end = 0;
    while end < ch.len() && ch[end] {
        end += 1;
    }
    Group { start: 0, end }
}

fn group_next(ch: &[bool], g: &mut Group) -> bool {
    if g.end == ch.len() {
        return false;
    }
    g.start = g.end + 1;
    g.end = g.start;
    while g.end < ch.len() && ch[g.end] {
        g.end += 1;
    }
    true
}

fn group_previous(ch: &[bool], g: &mut Group) -> bool {
    if g.start == 0 {
        return false;
    }
    g.end = g.start - 1;
    g.start = g.end;
    while g.start > 0 && ch[g.start - 1] {
        g.start -= 1;
    }
    true
}

fn group_slide_down(cls: &[Class], ch: &mut [bool], g: &mut Group) -> bool {
    if g.end < ch.len() && cls[g.start] == cls[g.end] {
        ch[g.start] = false;
        ch[g.end] = true;
        g.start += 1;
        g.end += 1;
        while g.end < ch.len() && ch[g.end] {
            g.end += 1;
        }
        true
    } else {
        false
    }
}

fn group_slide_up(cls: &[Class], ch: &mut [bool], g: &mut Group) -> bool {
    if g.start > 0 && cls[g.start - 1] == cls[g.end - 1] {
        g.start -= 1;
        g.end -= 1;
        ch[g.start] = true;
        ch[g.end] = false;
        while g.start > 0 && ch[g.start - 1] {
            g.start -= 1;
        }
        true
    } else {
        false
    }
}

/// Indentation width of a line (TAB to the next multiple of 8, capped), or -1 if it has
/// only whitespace (SP, TAB, LF, CR).
fn get_indent(line: &[u8]) -> i32 {
    let mut ret = 0;
    for &c in line {
        if !matches!(c, b' ' | b'\t' | b'\n' | b'\r') {
            return ret;
        } else if c == b' ' {
            ret += 1;
        } else if c == b'\t' {
            ret += 8 - ret % 8;
        }
        if ret >= MAX_INDENT {
            return MAX_INDENT;
        }
    }
    -1
}

/// Score of a split: summed effective indent and penalty.
#[derive(Clone, Copy, Debug, Default)]
struct Score {
    effective_indent: i32,
    penalty: i32,
}

fn score_cmp(a: Score, b: Score) -> i32 {
    let cmp_indents = (a.effective_indent > b.effective_indent) as i32
        - (a.effective_indent < b.effective_indent) as i32;
    INDENT_WEIGHT * cmp_indents + (a.penalty - b.penalty)
}

/// Measures the split before line `split` and adds its score to `s`.
fn add_split_score(starts: &[usize], data: &[u8], split: usize, s: &mut Score) {
    let n = starts.len() - 1;
    let line = |i: usize| &data[starts[i]..starts[i + 1]];
    let end_of_file = split >= n;
    let indent = if end_of_file {
        -1
    } else {
        get_indent(line(split))
    };
    let mut pre_blank = 0;
    let mut pre_indent = -1;
    let mut i = split;
    while i > 0 {
        i -= 1;
        pre_indent = get_indent(line(i));
        if pre_indent != -1 {
            break;
        }
        pre_blank += 1;
        if pre_blank == MAX_BLANKS {
            pre_indent = 0;
            break;
        }
    }
    let mut post_blank = 0;
    let mut post_indent = -1;
    let mut i = split + 1;
    while i < n {
        post_indent = get_indent(line(i));
        if post_indent != -1 {
            break;
        }
        post_blank += 1;
        if post_blank == MAX_BLANKS {
            post_indent = 0;
            break;
        }
        i += 1;
    }

    if pre_indent == -1 && pre_blank == 0 {
        s.penalty += START_OF_FILE_PENALTY;
    }
    if end_of_file {
        s.penalty += END_OF_FILE_PENALTY;
    }
    let post_blank = if indent == -1 { 1 + post_blank } else { 0 };
    let total_blank = pre_blank + post_blank;
    s.penalty += TOTAL_BLANK_WEIGHT * total_blank;
    s.penalty += POST_BLANK_WEIGHT * post_blank;
    let indent = if indent != -1 { indent } else { post_indent };
    let any_blanks = total_blank != 0;
    s.effective_indent += indent;
    if indent == -1 || pre_indent == -1 {
        // No adjustment.
    } else if indent > pre_indent {
        s.penalty += if any_blanks {
            RELATIVE_INDENT_WITH_BLANK_PENALTY
        } else {
            RELATIVE_INDENT_PENALTY
        };
    } else if indent == pre_indent {
        // No adjustment.
    } else if post_indent != -1 && post_indent > indent {
        s.penalty += if any_blanks {
            RELATIVE_OUTDENT_WITH_BLANK_PENALTY
        } else {
            RELATIVE_OUTDENT_PENALTY
        };
    } else {
        s.penalty += if any_blanks {
            RELATIVE_DEDENT_WITH_BLANK_PENALTY
        } else {
            RELATIVE_DEDENT_PENALTY
        };
    }
}

/// Compacts the change groups of `this` (whose bytes are `data`), keeping `other`'s
/// group pointer in step.
pub(super) fn compact(this: &mut Side, other: &Side, data: &[u8], indent_heuristic: bool) {
    let Side {
        starts,
        class,
        changed,
    } = this;
    let starts: &[usize] = starts;
    let cls: &[Class] = class;
    let ch: &mut [bool] = changed;
    let och: &[bool] = &other.changed;
    let mut g = group_init(ch);
    let mut go = group_init(och);
    loop {
        if g.end != g.start {
            let mut earliest_end;
            let mut end_matching_other;
            loop {
                let groupsize = g.end - g.start;
                end_matching_other = None;
                while group_slide_up(cls, ch, &mut g) {
                    group_previous(och, &mut go);
                }
                earliest_end = g.end;
                if go.end > go.start {
                    end_matching_other = Some(g.end);
                }
                while group_slide_down(cls, ch, &mut g) {
                    group_next(och, &mut go);
                    if go.end > go.start {
                        end_matching_other = Some(g.end);
                    }
                }
                if groupsize == g.end - g.start {
                    break;
                }
            }
            if g.end == earliest_end {
                // No shifting possible.
            } else if end_matching_other.is_some() {
                while go.end == go.start {
                    if !group_slide_up(cls, ch, &mut g) || !group_previous(och, &mut go) {
                        break;
                    }
                }
            } else if indent_heuristic {
                let groupsize = g.end - g.start;
                let mut shift = earliest_end;
                if g.end > groupsize && g.end - groupsize - 1 > shift {
                    shift = g.end - groupsize - 1;
                }
                if g.end >= INDENT_HEURISTIC_MAX_SLIDING
                    && g.end - INDENT_HEURISTIC_MAX_SLIDING > shift
                {
                    shift = g.end - INDENT_HEURISTIC_MAX_SLIDING;
                }
                let mut best_shift = None;
                let mut best_score = Score::default();
                while shift <= g.end {
                    let mut score = Score::default();
                    add_split_score(starts, data, shift, &mut score);
                    add_split_score(starts, data, shift - groupsize, &mut score);
                    if best_shift.is_none() || score_cmp(score, best_score) <= 0 {
                        best_score = score;
                        best_shift = Some(shift);
                    }
                    shift += 1;
                }
                if let Some(best) = best_shift {
                    while g.end > best {
                        if !group_slide_up(cls, ch, &mut g) || !group_previous(och, &mut go) {
                            break;
                        }
                    }
                }
            }
        }
        if !group_next(ch, &mut g) {
            break;
        }
        group_next(och, &mut go);
    }
}
