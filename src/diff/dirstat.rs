//! `--dirstat`: the share of the changes made in each directory, as git prints it.
//!
//! Each changed file brings some damage (bytes, lines or 1, see [`DirstatMode`]);
//! directories are listed, deepest first and in path order, with the share of the total
//! that their files (and, with `cumulative`, their subdirectories) carry, when it reaches
//! the cut-off.
//!
//! ```
//! use oxgit::diff::dirstat::{write_dirstat, DirstatOptions};
//!
//! let mut files = vec![(b"a/x".to_vec(), 30), (b"a/b/y".to_vec(), 10), (b"top".to_vec(), 60)];
//! let mut out = Vec::new();
//! write_dirstat(&mut out, &mut files, &DirstatOptions::default());
//! assert_eq!(out, b"  10.0% a/b/\n  30.0% a/\n");
//! ```

use super::Change;
use crate::diff::rename::Spans;
use std::io::Write;

/// What a file's damage is measured in.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum DirstatMode {
    /// `changes` (default): bytes removed from the old side plus bytes added, counted
    /// as git's `diffcore_count_changes` does.
    #[default]
    Changes,
    /// `lines`: added plus deleted lines (binary files: bytes / 64, rounded up).
    Lines,
    /// `files`: each changed file counts 1.
    Files,
}

/// The parameters of `--dirstat=<param1,param2,...>` and `diff.dirstat`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DirstatOptions {
    /// How damage is counted.
    pub mode: DirstatMode,
    /// `cumulative`: a directory's share includes its subdirectories' shares.
    pub cumulative: bool,
    /// The cut-off in tenths of a percent (git's default: 30, i.e. 3 %).
    pub permille: u32,
}

impl Default for DirstatOptions {
    fn default() -> DirstatOptions {
        DirstatOptions {
            mode: DirstatMode::Changes,
            cumulative: false,
            permille: 30,
        }
    }
}

impl DirstatOptions {
    /// Applies the comma-separated `params` in order, as git's `parse_dirstat_params`:
    /// the valid ones take effect even when others are wrong; the error lists each wrong
    /// one as git does (`  Unknown dirstat parameter 'x'\n`).
    pub fn apply(&mut self, params: &str) -> Result<(), String> {
        let mut errors = String::new();
        if params.is_empty() {
            return Ok(());
        }
        for p in params.split(',') {
            match p {
                "changes" => self.mode = DirstatMode::Changes,
                "lines" => self.mode = DirstatMode::Lines,
                "files" => self.mode = DirstatMode::Files,
                "noncumulative" => self.cumulative = false,
                "cumulative" => self.cumulative = true,
                _ if p.starts_with(|c: char| c.is_ascii_digit()) => match parse_permille(p) {
                    Some(n) => self.permille = n,
                    None => errors.push_str(&format!(
                        "  Failed to parse dirstat cut-off percentage '{p}'\n"
                    )),
                },
                _ => errors.push_str(&format!("  Unknown dirstat parameter '{p}'\n")),
            }
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }
}

/// A percentage with at most one decimal used (`3`, `3.5`, `3.55` is `3.5`), in tenths;
/// `None` when anything else follows. Like git's `strtoul`, huge numbers saturate.
fn parse_permille(p: &str) -> Option<u32> {
    let digits = p.bytes().take_while(u8::is_ascii_digit).count();
    let whole = p[..digits].bytes().fold(0u64, |n, d| {
        n.saturating_mul(10).saturating_add(u64::from(d - b'0'))
    });
    // git keeps `strtoul(...) * 10` in an int.
    let mut permille = whole.wrapping_mul(10) as u32;
    let mut rest = &p.as_bytes()[digits..];
    // git steps past the `.` even when no digit follows.
    if let [b'.', tail @ ..] = rest {
        rest = tail;
        if let [d, tail @ ..] = rest {
            if d.is_ascii_digit() {
                permille = permille.wrapping_add(u32::from(d - b'0'));
                let skip = tail.iter().take_while(|b| b.is_ascii_digit()).count();
                rest = &tail[skip..];
            }
        }
    }
    rest.is_empty().then_some(permille)
}

/// The damage of one pair in the `changes` mode, as git's `show_dirstat` counts it:
/// 0 for equal ids; else the bytes of the old side not found in the new one plus the
/// bytes added (chunks of git's `diffcore_count_changes`), the old size for a deletion,
/// the new size for an addition, and at least 1.
pub fn damage(c: &Change, old: &[u8], new: &[u8]) -> u64 {
    let (has_old, has_new) = (c.old_mode != 0, c.new_mode != 0);
    if has_old && has_new && c.old_id == c.new_id && !c.old_id.is_null() {
        return 0;
    }
    let (copied, added) = match (has_old, has_new) {
        (true, true) => Spans::of(old).count_changes(&Spans::of(new)),
        (true, false) => (0, 0),
        (false, true) => (0, new.len() as u64),
        (false, false) => return 0,
    };
    ((old.len() as u64).saturating_sub(copied) + added).max(1)
}

/// Writes git's dirstat of `files` (path, damage) to `out`: sorts them by path, then
/// prints `  NN.N% dir/` for each directory at or above the cut-off (nothing when the
/// total damage is 0).
pub fn write_dirstat(out: &mut Vec<u8>, files: &mut [(Vec<u8>, u64)], options: &DirstatOptions) {
    let total: u64 = files.iter().map(|f| f.1).sum();
    if total == 0 {
        return;
    }
    files.sort_by(|a, b| a.0.cmp(&b.0));
    // git's recursive `gather_dirstat`, with an explicit stack of the open
    // directories (paths may nest deeper than the call stack would allow).
    let mut open: Vec<Dir> = vec![Dir::default()];
    for (i, (name, damage)) in files.iter().enumerate() {
        while open.len() > 1 && !name.starts_with(open[open.len() - 1].base(files)) {
            close(&mut open, files, total, options, out);
        }
        loop {
            let top = open.len() - 1;
            let len = open[top].len;
            match name[len..].iter().position(|&b| b == b'/') {
                Some(slash) => open.push(Dir {
                    file: i,
                    len: len + slash + 1,
                    ..Dir::default()
                }),
                None => {
                    open[top].sum += damage;
                    open[top].sources += 2;
                    break;
                }
            }
        }
    }
    while open.len() > 1 {
        close(&mut open, files, total, options, out);
    }
}

/// A directory being summed: its path is the first `len` bytes of `files[file]`.
#[derive(Default)]
struct Dir {
    file: usize,
    len: usize,
    sum: u64,
    /// git's count: 2 per file, 1 per subdirectory.
    sources: u32,
}

impl Dir {
    fn base<'a>(&self, files: &'a [(Vec<u8>, u64)]) -> &'a [u8] {
        &files[self.file].0[..self.len]
    }
}

/// Ends the innermost open directory: prints it when it qualifies (never when all its
/// changes come from one subdirectory), and adds what it passes on to its parent.
fn close(
    open: &mut Vec<Dir>,
    files: &[(Vec<u8>, u64)],
    total: u64,
    options: &DirstatOptions,
    out: &mut Vec<u8>,
) {
    let Some(dir) = open.pop() else { return };
    let mut passed = dir.sum;
    if dir.sources != 1 && dir.sum > 0 {
        let permille = (u128::from(dir.sum) * 1000 / u128::from(total)) as u32;
        if permille >= options.permille {
            let _ = write!(out, "{:4}.{}% ", permille / 10, permille % 10);
            out.extend_from_slice(dir.base(files));
            out.push(b'\n');
            if !options.cumulative {
                passed = 0;
            }
        }
    }
    if let Some(parent) = open.last_mut() {
        parent.sum += passed;
        parent.sources += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_params_as_git() {
        let mut o = DirstatOptions::default();
        assert_eq!(o.apply("lines,cumulative,10"), Ok(()));
        assert_eq!(
            (o.mode, o.cumulative, o.permille),
            (DirstatMode::Lines, true, 100)
        );
        assert_eq!(o.apply("3.55"), Ok(()));
        assert_eq!(o.permille, 35);
        assert_eq!(o.apply("files,noncumulative,0"), Ok(()));
        assert_eq!(
            (o.mode, o.cumulative, o.permille),
            (DirstatMode::Files, false, 0)
        );
        assert_eq!(
            o.apply("x,changes,5a,"),
            Err("  Unknown dirstat parameter 'x'\n  Failed to parse dirstat cut-off percentage '5a'\n  Unknown dirstat parameter ''\n".into())
        );
        assert_eq!(o.mode, DirstatMode::Changes);
        assert_eq!(parse_permille("7."), Some(70));
        assert_eq!(parse_permille("7.x"), None);
    }

    #[test]
    fn deep_paths_do_not_recurse() {
        let deep = "d/".repeat(100_000) + "f";
        let mut files = vec![(deep.into_bytes(), 1), (b"g".to_vec(), 1)];
        let mut out = Vec::new();
        write_dirstat(&mut out, &mut files, &DirstatOptions::default());
        assert_eq!(out.len(), "  50.0% ".len() + 200_000 + 1);
    }

    #[test]
    fn one_subdirectory_is_not_repeated() {
        let mut files = vec![(b"a/b/x".to_vec(), 5), (b"c".to_vec(), 5)];
        let mut out = Vec::new();
        let o = DirstatOptions {
            cumulative: true,
            ..DirstatOptions::default()
        };
        write_dirstat(&mut out, &mut files, &o);
        assert_eq!(out, b"  50.0% a/b/\n");
    }
}
