//! git's character widths (`git_wcwidth` in git's utf8.c, Unicode 16.0 tables generated
//! by `fixtures/unicode-width.py` with git's rule): one implementation for `--stat`
//! alignment and the pretty formats' padding and wrapping.

#[path = "width_table.rs"]
mod width_table;

fn in_table(c: u32, table: &[(u32, u32)]) -> bool {
    table
        .binary_search_by(|&(lo, hi)| {
            if hi < c {
                std::cmp::Ordering::Less
            } else if lo > c {
                std::cmp::Ordering::Greater
            } else {
                std::cmp::Ordering::Equal
            }
        })
        .is_ok()
}

/// The display width of code point `c` as git's `git_wcwidth`: 0 for NUL, -1 for other
/// control characters, 0 for combining marks and format characters, 2 for East Asian
/// wide and fullwidth ones, 1 otherwise.
pub(crate) fn wcwidth(c: u32) -> i32 {
    if c == 0 {
        0
    } else if c < 32 || (0x7f..0xa0).contains(&c) {
        -1
    } else if in_table(c, width_table::ZERO_WIDTH) {
        0
    } else if in_table(c, width_table::DOUBLE_WIDTH) {
        2
    } else {
        1
    }
}
