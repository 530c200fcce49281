//! `--numstat`, `--stat` and `--shortstat` layout, as pure functions over per-file counts.
//!
//! The caller decides which pairs are shown (git omits modified pairs with no added or
//! deleted lines and no mode change) and supplies display names built with
//! [`display_path`] or [`pprint_rename`].
//!
//! ```
//! use oxgit::diff::stat::{write_stat, FileStat, StatKind, StatOptions};
//!
//! let files = [FileStat { name: b"src/lib.rs".to_vec(), kind: StatKind::Text { added: 3, deleted: 1 } }];
//! let mut out = Vec::new();
//! write_stat(&mut out, &files, &StatOptions::default());
//! assert_eq!(out, b" src/lib.rs | 4 +++-\n 1 file changed, 3 insertions(+), 1 deletion(-)\n");
//! ```

use std::io::Write;

/// What a stat line shows for one file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StatKind {
    /// A text diff with its added and deleted line counts.
    Text {
        /// Added lines.
        added: u64,
        /// Deleted lines.
        deleted: u64,
    },
    /// A binary pair with the blob sizes in bytes (pass 0 and 0 when both object ids are
    /// equal, which prints a bare `Bin`).
    Binary {
        /// Size of the old blob.
        old_size: u64,
        /// Size of the new blob.
        new_size: u64,
    },
    /// An unmerged path (`Unmerged`; not counted in the summary).
    Unmerged,
}

/// One line of a stat: the display name and what changed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileStat {
    /// The display name (already C-quoted / in rename form).
    pub name: Vec<u8>,
    /// The counts.
    pub kind: StatKind,
}

/// Layout options of `--stat[=<width>[,<name-width>]]`, `--stat-graph-width`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StatOptions {
    /// Total width (80 when not a terminal; `$COLUMNS` or the terminal width otherwise;
    /// 0 means 80, as in git).
    pub width: usize,
    /// Maximum name width (`--stat-name-width`, `diff.statNameWidth`), if set.
    pub name_width: Option<usize>,
    /// Maximum graph width (`--stat-graph-width`, `diff.statGraphWidth`), if set (0 means
    /// unset, as in git).
    pub graph_width: Option<usize>,
    /// Maximum number of file lines (`--stat-count`; 0 means all); the rest is summarized
    /// as ` ...`.
    pub count: Option<usize>,
}

impl Default for StatOptions {
    fn default() -> StatOptions {
        StatOptions {
            width: 80,
            name_width: None,
            graph_width: None,
            count: None,
        }
    }
}

/// git's `--compact-summary` comment of a pair, shown after its stat name as
/// ` (<comment>)`: `new`, `new +x`, `new +l` for additions, `gone` for deletions (never
/// for renames or copies), else a mode change `mode +x`, `mode -x`, `mode +l`, `mode -l`.
pub fn compact_summary(c: &super::Change) -> Option<&'static str> {
    const LINK: u32 = 0o120000;
    let is_link = |m: u32| m & 0o170000 == LINK;
    if c.old_path == c.new_path {
        match c.kind {
            super::ChangeKind::Added if is_link(c.new_mode) => return Some("new +l"),
            super::ChangeKind::Added if c.new_mode & 0o777 == 0o755 => return Some("new +x"),
            super::ChangeKind::Added => return Some("new"),
            super::ChangeKind::Deleted => return Some("gone"),
            _ => {}
        }
    }
    let (old, new) = (c.old_mode, c.new_mode);
    if is_link(old) && !is_link(new) {
        Some("mode -l")
    } else if !is_link(old) && is_link(new) {
        Some("mode +l")
    } else if old & 0o777 == 0o644 && new & 0o777 == 0o755 {
        Some("mode +x")
    } else if old & 0o777 == 0o755 && new & 0o777 == 0o644 {
        Some("mode -x")
    } else {
        None
    }
}

/// git's `quote_c_style` with `core.quotePath=true`: the path itself if no byte needs
/// quoting, else a double-quoted, backslash-escaped form.
pub fn display_path(path: &[u8]) -> Vec<u8> {
    super::quote::quoted(path, true)
}

/// git's `pprint_rename`: `a/{b => x}/c` style display of a rename or copy. When either
/// path needs quoting, both are quoted separately: `a b => "x\ty"`.
pub fn pprint_rename(a: &[u8], b: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(a.len() + b.len() + 8);
    super::quote::pprint_rename(a, b, true, &mut out);
    out
}

/// Appends one `--numstat` line: `added\tdeleted\tname\n`, or `-\t-\tname\n` for binary
/// pairs (`counts == None`). `name` is the display name.
pub fn write_numstat_line(out: &mut Vec<u8>, counts: Option<(u64, u64)>, name: &[u8]) {
    match counts {
        Some((a, d)) => {
            let _ = write!(out, "{a}\t{d}\t");
        }
        None => out.extend_from_slice(b"-\t-\t"),
    }
    out.extend_from_slice(name);
    out.push(b'\n');
}

/// Display width in columns, exactly as git's `utf8_strwidth`: the byte length if `s` is
/// not valid UTF-8 (git also rejects U+FFFE and U+FFFF), else the sum of the characters'
/// widths: 0 for control characters, combining marks and format characters, 2 for East
/// Asian wide and fullwidth ones, 1 otherwise (git's tables, Unicode 16.0).
pub fn display_width(s: &[u8]) -> usize {
    let Ok(t) = std::str::from_utf8(s) else {
        return s.len();
    };
    let mut width = 0;
    for c in t.chars() {
        let c = c as u32;
        if c == 0xFFFE || c == 0xFFFF {
            return s.len();
        }
        width += char_width(c);
    }
    width
}

/// git's `git_wcwidth` with control characters counted as 0 (git adds nothing for them).
fn char_width(c: u32) -> usize {
    crate::diff::width::wcwidth(c).max(0) as usize
}

fn decimal_width(n: u64) -> usize {
    let mut w = 1;
    let mut n = n;
    while n >= 10 {
        n /= 10;
        w += 1;
    }
    w
}

fn push_spaces(out: &mut Vec<u8>, n: usize) {
    out.resize(out.len() + n, b' ');
}

/// The colours of a coloured `--stat` graph (escape sequences; all empty for plain text).
#[derive(Clone, Copy, Debug, Default)]
pub struct StatColors<'a> {
    /// The `-` run and the old size of a binary pair.
    pub old: &'a str,
    /// The `+` run and the new size.
    pub new: &'a str,
    /// Ends each coloured run.
    pub reset: &'a str,
}

impl StatColors<'_> {
    /// Appends `text` in `color` (plain when colours are off).
    fn paint(&self, out: &mut Vec<u8>, color: &str, text: &[u8]) {
        out.extend_from_slice(color.as_bytes());
        out.extend_from_slice(text);
        out.extend_from_slice(self.reset.as_bytes());
    }
}

/// Appends the `--stat` lines for `files` and then the summary line (nothing when
/// `files` is empty).
pub fn write_stat(out: &mut Vec<u8>, files: &[FileStat], options: &StatOptions) {
    write_stat_colored(out, files, options, &StatColors::default());
}

/// [`write_stat`] with the graph and binary sizes in `colors`, as git's `--color`.
pub fn write_stat_colored(
    out: &mut Vec<u8>,
    files: &[FileStat],
    options: &StatOptions,
    colors: &StatColors<'_>,
) {
    if files.is_empty() {
        return;
    }
    let mut max_len = 0;
    let mut max_change: u64 = 0;
    let mut number_width = 0;
    let mut bin_width = 0;
    // A count or width of 0 means the default, as in git.
    let count = options
        .count
        .filter(|&c| c > 0)
        .unwrap_or(usize::MAX)
        .min(files.len());
    let (shown, rest) = files.split_at(count);
    for f in shown {
        max_len = max_len.max(display_width(&f.name));
        match f.kind {
            StatKind::Unmerged => bin_width = bin_width.max(8),
            StatKind::Binary { old_size, new_size } => {
                bin_width = bin_width.max(14 + decimal_width(old_size) + decimal_width(new_size));
                number_width = 3;
            }
            StatKind::Text { added, deleted } => max_change = max_change.max(added + deleted),
        }
    }
    number_width = number_width.max(decimal_width(max_change));
    let mut width = if options.width == 0 {
        80
    } else {
        options.width
    };
    if width < 16 + 6 + number_width {
        width = 16 + 6 + number_width;
    }
    // All quantities below are small; use signed arithmetic as git does.
    let (width, number_width_i) = (width as i64, number_width as i64);
    let mut graph_width: i64 = if max_change as i64 + 4 > bin_width as i64 {
        max_change as i64
    } else {
        bin_width as i64 - 4
    };
    if let Some(g) = options.graph_width.filter(|&g| g > 0) {
        if (g as i64) < graph_width {
            graph_width = g as i64;
        }
    }
    let mut name_width = match options.name_width {
        Some(n) if n > 0 && n < max_len => n as i64,
        _ => max_len as i64,
    };
    if name_width + number_width_i + 6 + graph_width > width {
        if graph_width > width * 3 / 8 - number_width_i - 6 {
            graph_width = width * 3 / 8 - number_width_i - 6;
            if graph_width < 6 {
                graph_width = 6;
            }
        }
        if let Some(g) = options.graph_width.filter(|&g| g > 0) {
            if graph_width > g as i64 {
                graph_width = g as i64;
            }
        }
        if name_width > width - number_width_i - 6 - graph_width {
            name_width = width - number_width_i - 6 - graph_width;
        } else {
            graph_width = width - number_width_i - 6 - name_width;
        }
    }
    let scale = |it: u64| -> u64 {
        if it == 0 || max_change == 0 {
            0
        } else {
            1 + (it as u128 * (graph_width - 1).max(0) as u128 / max_change as u128) as u64
        }
    };
    let (mut total_files, mut adds, mut dels) = (0u64, 0u64, 0u64);
    for f in shown {
        let mut len = name_width;
        let name_len = display_width(&f.name) as i64;
        let mut name: &[u8] = &f.name;
        let mut prefix: &[u8] = b"";
        if name_width < name_len {
            prefix = b"...";
            len -= 3;
            let skip = ((name_len - len).max(0) as usize).min(name.len());
            name = &name[skip..];
            if let Some(slash) = name.iter().position(|&c| c == b'/') {
                name = &name[slash..];
            }
        }
        let padding = (len - display_width(name) as i64).max(0) as usize;
        out.push(b' ');
        out.extend_from_slice(prefix);
        out.extend_from_slice(name);
        push_spaces(out, padding);
        out.extend_from_slice(b" | ");
        match f.kind {
            StatKind::Unmerged => {
                let _ = writeln!(out, "{:>number_width$}", "Unmerged");
            }
            StatKind::Binary { old_size, new_size } => {
                total_files += 1;
                let _ = write!(out, "{:>number_width$}", "Bin");
                if old_size == 0 && new_size == 0 {
                    out.push(b'\n');
                } else {
                    out.push(b' ');
                    colors.paint(out, colors.old, old_size.to_string().as_bytes());
                    out.extend_from_slice(b" -> ");
                    colors.paint(out, colors.new, new_size.to_string().as_bytes());
                    out.extend_from_slice(b" bytes\n");
                }
            }
            StatKind::Text { added, deleted } => {
                total_files += 1;
                adds += added;
                dels += deleted;
                let (mut add, mut del) = (added, deleted);
                if graph_width >= 0 && graph_width as u64 <= max_change {
                    let mut total = scale(added + deleted);
                    if total < 2 && added > 0 && deleted > 0 {
                        total = 2;
                    }
                    if added < deleted {
                        add = scale(added);
                        del = total.saturating_sub(add);
                    } else {
                        del = scale(deleted);
                        add = total.saturating_sub(del);
                    }
                }
                let changed = added + deleted;
                let _ = write!(
                    out,
                    "{changed:>number_width$}{}",
                    if changed > 0 { " " } else { "" }
                );
                if add > 0 {
                    colors.paint(out, colors.new, &vec![b'+'; add as usize]);
                }
                if del > 0 {
                    colors.paint(out, colors.old, &vec![b'-'; del as usize]);
                }
                out.push(b'\n');
            }
        }
    }
    if !rest.is_empty() {
        out.extend_from_slice(b" ...\n");
    }
    for f in rest {
        match f.kind {
            StatKind::Unmerged => {}
            StatKind::Binary { .. } => total_files += 1,
            StatKind::Text { added, deleted } => {
                total_files += 1;
                adds += added;
                dels += deleted;
            }
        }
    }
    write_summary(out, total_files, adds, dels);
}

/// Appends the `--shortstat` line for `files` (nothing when `files` is empty).
pub fn write_shortstat(out: &mut Vec<u8>, files: &[FileStat]) {
    if files.is_empty() {
        return;
    }
    let (mut n, mut adds, mut dels) = (0u64, 0u64, 0u64);
    for f in files {
        match f.kind {
            StatKind::Unmerged => {}
            StatKind::Binary { .. } => n += 1,
            StatKind::Text { added, deleted } => {
                n += 1;
                adds += added;
                dels += deleted;
            }
        }
    }
    write_summary(out, n, adds, dels);
}

/// Appends ` N file(s) changed, X insertion(s)(+), Y deletion(s)(-)\n` with git's
/// singular/plural and omission rules.
pub fn write_summary(out: &mut Vec<u8>, files: u64, insertions: u64, deletions: u64) {
    let _ = write!(
        out,
        " {files} file{} changed",
        if files == 1 { "" } else { "s" }
    );
    if insertions != 0 || deletions == 0 {
        let _ = write!(
            out,
            ", {insertions} insertion{}(+)",
            if insertions == 1 { "" } else { "s" }
        );
    }
    if deletions != 0 || insertions == 0 {
        let _ = write!(
            out,
            ", {deletions} deletion{}(-)",
            if deletions == 1 { "" } else { "s" }
        );
    }
    out.push(b'\n');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rename_forms() {
        let cases: [(&str, &str, &str); 6] = [
            ("a/b/c", "a/x/c", "a/{b => x}/c"),
            ("foo.txt", "bar.txt", "foo.txt => bar.txt"),
            ("dir/a", "dir/b", "dir/{a => b}"),
            ("src/lib/m.c", "src/lib/c/m.c", "src/lib/{ => c}/m.c"),
            ("top", "t/o/top", "top => t/o/top"),
            ("x/y/z", "y/z", "{x/y => y}/z"),
        ];
        for (a, b, want) in cases {
            assert_eq!(
                String::from_utf8(pprint_rename(a.as_bytes(), b.as_bytes())).unwrap(),
                want,
                "{a} -> {b}"
            );
        }
        assert_eq!(pprint_rename(b"a b", b"x\ty"), b"a b => \"x\\ty\"");
    }

    #[test]
    fn quoting() {
        assert_eq!(display_path(b"sp ace.txt"), b"sp ace.txt");
        assert_eq!(display_path(b"h\xc3\xa9llo.txt"), b"\"h\\303\\251llo.txt\"");
        assert_eq!(display_path(b"quo\"te"), b"\"quo\\\"te\"");
        assert_eq!(display_path(b"a\x01\x7f"), b"\"a\\001\\177\"");
    }

    #[test]
    fn summary_forms() {
        let mut out = Vec::new();
        write_summary(&mut out, 1, 0, 0);
        write_summary(&mut out, 2, 1, 0);
        write_summary(&mut out, 3, 0, 5);
        assert_eq!(
            String::from_utf8(out).unwrap(),
            " 1 file changed, 0 insertions(+), 0 deletions(-)\n 2 files changed, 1 insertion(+)\n 3 files changed, 5 deletions(-)\n"
        );
    }

    #[test]
    fn spec_example_layout() {
        let t = |n: &str, a, d| FileStat {
            name: n.as_bytes().to_vec(),
            kind: StatKind::Text {
                added: a,
                deleted: d,
            },
        };
        let files = [
            t("big", 1000, 0),
            t("mid", 2, 2),
            t("small", 0, 50),
            t(
                "very/long/directory/name/that/is/deep/file_with_a_quite_long_name.txt",
                2,
                0,
            ),
        ];
        let mut out = Vec::new();
        write_stat(&mut out, &files, &StatOptions::default());
        let want = " big                                                | 1000 ++++++++++++++++++++\n mid                                                |    4 +-\n small                                              |   50 -\n .../that/is/deep/file_with_a_quite_long_name.txt   |    2 +\n 4 files changed, 1004 insertions(+), 52 deletions(-)\n";
        assert_eq!(String::from_utf8(out).unwrap(), want);
    }
}
