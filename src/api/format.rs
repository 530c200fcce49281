//! git's text formats as sinks: `--raw`, `--name-only`, `--name-status`, `--numstat`,
//! `--stat`, `--shortstat`, `--summary`, `-p`, `-z`, and their combinations in git's
//! section order ([`GitText`]); and the per-file writers they are made of.

use super::{Abbrev, Begin, Control, Detail, DiffOptions, Error, FileDiff, Outcome, Part, Sink};
use crate::diff::dirstat::{DirstatMode, DirstatOptions};
use crate::diff::patch::{self, PairHeader, PairStatus};
use crate::diff::quote::{pprint_rename, write_name_terminated, write_quoted};
use crate::diff::stat::{FileStat, StatKind, StatOptions};
use crate::diff::whitespace::{self, WsRule};
use crate::diff::words::{self, WordDiff};
use crate::diff::{Change, ChangeKind};
use crate::odb::Abbreviator;
use crate::repo::Repository;
use std::io::Write;

/// A set of git's output sections.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Sections(u32);

impl Sections {
    /// Nothing (`-s`, `--no-patch`).
    pub const NONE: Sections = Sections(0);
    /// `--raw`.
    pub const RAW: Sections = Sections(1);
    /// `--name-only`.
    pub const NAME_ONLY: Sections = Sections(2);
    /// `--name-status`.
    pub const NAME_STATUS: Sections = Sections(4);
    /// `--summary`.
    pub const SUMMARY: Sections = Sections(8);
    /// `-p`.
    pub const PATCH: Sections = Sections(32);
    /// `--numstat`.
    pub const NUMSTAT: Sections = Sections(64);
    /// `--stat`.
    pub const STAT: Sections = Sections(128);
    /// `--shortstat`.
    pub const SHORTSTAT: Sections = Sections(256);
    /// `--check`: whitespace errors of added lines (shown alone, as in git).
    pub const CHECK: Sections = Sections(512);
    /// `--dirstat`: the share of the changes in each directory.
    pub const DIRSTAT: Sections = Sections(1024);

    /// The sections of `self` and of `other`.
    pub const fn union(self, other: Sections) -> Sections {
        Sections(self.0 | other.0)
    }

    /// The sections both `self` and `other` have.
    pub const fn intersection(self, other: Sections) -> Sections {
        Sections(self.0 & other.0)
    }

    /// Whether every section of `other` is in `self`.
    pub fn contains(self, other: Sections) -> bool {
        self.0 & other.0 == other.0
    }

    /// Whether any section of `other` is in `self`.
    pub fn intersects(self, other: Sections) -> bool {
        self.0 & other.0 != 0
    }

    /// No section at all.
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// `self` without `other`.
    pub fn without(self, other: Sections) -> Sections {
        Sections(self.0 & !other.0)
    }

    /// The detail the sections need.
    pub fn detail(self) -> Detail {
        if self.intersects(Sections::PATCH | Sections::CHECK) {
            Detail::Hunks
        } else if self.intersects(
            Sections::NUMSTAT | Sections::STAT | Sections::SHORTSTAT | Sections::DIRSTAT,
        ) {
            Detail::Counts
        } else {
            Detail::Changes
        }
    }
}

impl std::ops::BitOr for Sections {
    type Output = Sections;
    fn bitor(self, o: Sections) -> Sections {
        Sections(self.0 | o.0)
    }
}

impl std::ops::BitOrAssign for Sections {
    fn bitor_assign(&mut self, o: Sections) {
        self.0 |= o.0;
    }
}

/// How paths and headers look in the text formats (taken from [`DiffOptions`]).
#[derive(Clone, Debug)]
pub struct Style {
    /// `core.quotePath`.
    pub quote_path: bool,
    /// Old-path prefix of patches.
    pub src_prefix: Vec<u8>,
    /// New-path prefix of patches.
    pub dst_prefix: Vec<u8>,
    /// `diff.suppressBlankEmpty`.
    pub suppress_blank_empty: bool,
    /// `--stat` layout.
    pub stat: StatOptions,
    /// Abbreviation of `--raw` ids.
    pub abbrev: Abbrev,
    /// `-z`: NUL-terminated entries, unquoted names.
    pub nul: bool,
    /// The colours of `--color` output (`None`: plain text).
    pub palette: Option<crate::diff::color::DiffPalette>,
    /// `core.whitespace`, for `--check`.
    pub whitespace_rule: WsRule,
    /// `--compact-summary`: stat names end with ` (new)`, ` (gone)`, ` (mode +x)`...
    pub compact_summary: bool,
    /// How `--dirstat` counts and what it shows.
    pub dirstat: DirstatOptions,
    /// `--word-diff`: patches show changed words (`None`: lines).
    pub word_diff: Option<WordDiff>,
}

impl Style {
    /// The style of `options` (with `-z` off).
    pub fn of(options: &DiffOptions) -> Style {
        Style {
            quote_path: options.quote_path,
            src_prefix: options.src_prefix.clone(),
            dst_prefix: options.dst_prefix.clone(),
            suppress_blank_empty: options.suppress_blank_empty,
            stat: options.stat,
            abbrev: options.abbrev,
            nul: false,
            palette: None,
            whitespace_rule: options.whitespace_rule,
            compact_summary: options.compact_summary,
            dirstat: options.dirstat,
            // A word regex that does not compile was refused before (see
            // `crate::diff::words::compile_regex`).
            word_diff: options.word_diff.map(|mode| WordDiff {
                mode,
                regex: options
                    .word_regex
                    .as_deref()
                    .and_then(|p| crate::diff::words::compile_regex(p).ok()),
            }),
        }
    }

    fn term(&self) -> u8 {
        if self.nul {
            0
        } else {
            b'\n'
        }
    }
}

/// Appends git's `-p` text of one file pair (needs [`Detail::Hunks`]): the header lines,
/// then the hunks or `Binary files ... differ`. A type change is shown as a deletion and
/// an addition; a `-B` rewrite as one hunk replacing everything; a pair whose line diff
/// is empty and that has no header worth showing writes nothing, as in git.
pub fn write_patch(out: &mut Vec<u8>, f: &FileDiff, style: &Style) {
    let c = &f.change;
    let (on, nn) = f.index_names();
    let some = |m: u32| (m != 0).then_some(m);
    let header = |old_mode, new_mode, status| PairHeader {
        old_path: &c.old_path,
        new_path: &c.new_path,
        old_mode,
        new_mode,
        old_id: "",
        new_id: "",
        status,
        src_prefix: &style.src_prefix,
        dst_prefix: &style.dst_prefix,
        quote_path: style.quote_path,
        ids_differ: f.index_ids.0 != f.index_ids.1,
    };
    if c.kind == ChangeKind::TypeChanged {
        let null = c.old_id.kind().null_id();
        let mut h = header(some(c.old_mode), None, PairStatus::Plain);
        h.new_path = &c.old_path;
        h.old_id = on;
        h.new_id = &f.null_name;
        h.ids_differ = f.index_ids.0 != null;
        write_part(
            out,
            f,
            &h,
            f.part_binary.0,
            f.old_size > 0,
            Part::Old,
            style,
        );
        let mut h = header(None, some(c.new_mode), PairStatus::Plain);
        h.old_path = &c.new_path;
        h.old_id = &f.null_name;
        h.new_id = nn;
        h.ids_differ = null != f.index_ids.1;
        write_part(
            out,
            f,
            &h,
            f.part_binary.1,
            f.new_size > 0,
            Part::New,
            style,
        );
        return;
    }
    let status = match c.kind {
        ChangeKind::Renamed => PairStatus::Renamed(c.percent().unwrap_or(0)),
        ChangeKind::Copied => PairStatus::Copied(c.percent().unwrap_or(0)),
        ChangeKind::Modified if f.is_rewrite() => PairStatus::Rewritten(c.percent().unwrap_or(0)),
        _ => PairStatus::Plain,
    };
    let mut h = header(some(c.old_mode), some(c.new_mode), status);
    h.old_id = on;
    h.new_id = nn;
    write_part(
        out,
        f,
        &h,
        f.binary,
        f.contents_differ(),
        Part::Whole,
        style,
    );
}

fn write_part(
    out: &mut Vec<u8>,
    f: &FileDiff,
    h: &PairHeader<'_>,
    binary: bool,
    differs: bool,
    part: Part,
    style: &Style,
) {
    let Some(palette) = &style.palette else {
        return write_part_plain(out, f, h, binary, differs, part, style);
    };
    // Coloured: the plain lines of the header, recoloured, then each hunk line.
    let mut plain = Vec::new();
    let mut hunks = f.hunks().filter(|x| x.part() == part).peekable();
    if binary || hunks.peek().is_none() {
        if binary || patch::must_show_header(h) {
            patch::write_pair_header(&mut plain, h);
        }
        palette.write_meta(out, &plain);
        if binary && differs {
            patch::write_binary_notice(out, h);
        }
        return;
    }
    patch::write_pair_header(&mut plain, h);
    patch::write_file_labels(&mut plain, h);
    palette.write_meta(out, &plain);
    let (old, new) = match part {
        Part::Whole => (f.old_content(), f.new_content()),
        Part::Old => (f.old_content(), Some(&b""[..])),
        Part::New => (Some(&b""[..]), f.new_content()),
    };
    let eof_blank = crate::diff::color::blank_at_eof_start(old.unwrap_or(b""), new.unwrap_or(b""));
    for hunk in hunks {
        plain.clear();
        hunk.write_header(&mut plain);
        palette.write_hunk_header(out, &plain);
        if let Some(wd) = &style.word_diff {
            let lines = hunk.lines().map(|l| (l.kind.mark(), l.content));
            words::write_hunk(out, lines, wd, Some(palette), style.suppress_blank_empty);
            continue;
        }
        for line in hunk.lines() {
            let at_eof_blank = eof_blank.is_some_and(|start| {
                line.new_line.is_some_and(|n| n >= start)
                    && crate::diff::color::is_blank_line(line.content)
            });
            palette.write_line(
                out,
                line.kind.mark(),
                line.content,
                style.suppress_blank_empty,
                at_eof_blank,
            );
        }
    }
}

fn write_part_plain(
    out: &mut Vec<u8>,
    f: &FileDiff,
    h: &PairHeader<'_>,
    binary: bool,
    differs: bool,
    part: Part,
    style: &Style,
) {
    if binary {
        patch::write_pair_header(out, h);
        if differs {
            patch::write_binary_notice(out, h);
        }
        return;
    }
    let mut hunks = f.hunks().filter(|x| x.part() == part).peekable();
    if hunks.peek().is_none() {
        if patch::must_show_header(h) {
            patch::write_pair_header(out, h);
        }
        return;
    }
    patch::write_pair_header(out, h);
    patch::write_file_labels(out, h);
    for hunk in hunks {
        hunk.write_header(out);
        if let Some(wd) = &style.word_diff {
            let lines = hunk.lines().map(|l| (l.kind.mark(), l.content));
            words::write_hunk(out, lines, wd, None, style.suppress_blank_empty);
            continue;
        }
        for line in hunk.lines() {
            patch::write_line(
                out,
                line.kind.mark(),
                line.content,
                style.suppress_blank_empty,
            );
        }
    }
}

/// Appends git's `--check` report of one file pair (needs [`Detail::Hunks`]): each
/// added line with whitespace errors under `path:line: <errors>.`, then a new blank
/// line at the end of the file; nothing when the pair has no error.
pub fn write_check(out: &mut Vec<u8>, f: &FileDiff, style: &Style) {
    if f.binary {
        return;
    }
    let rule = style.whitespace_rule;
    let name = f.path();
    for hunk in f.hunks() {
        for line in hunk.lines() {
            if line.kind != crate::api::LineKind::Added {
                continue;
            }
            if let Some(errors) = rule.check_line(line.content) {
                let no = line.new_line.unwrap_or(0) as usize;
                whitespace::write_error(out, name, no, errors, line.content);
            }
        }
    }
    if f.hunks().len() > 0 {
        if let Some(no) = rule.blank_at_eof(&f.old, &f.new) {
            whitespace::write_error(out, name, no, whitespace::blank_at_eof_error(), b"");
        }
    }
}

/// Writes one `--raw`, `--name-only` or `--name-status` entry (`names`: the abbreviated
/// old and new ids, for `--raw`).
pub fn write_name_entry(
    out: &mut Vec<u8>,
    c: &Change,
    sections: Sections,
    names: (&str, &str),
    style: &Style,
) {
    let term = style.term();
    let q = style.quote_path;
    if sections.contains(Sections::NAME_ONLY) {
        write_name_terminated(&c.new_path, q, term, out);
        return;
    }
    let sep = if term == 0 { 0 } else { b'\t' };
    if !sections.contains(Sections::NAME_STATUS) {
        let _ = write!(
            out,
            ":{:06o} {:06o} {} {} ",
            c.old_mode, c.new_mode, names.0, names.1
        );
    }
    out.push(c.status_letter());
    if let Some(p) = c.percent().filter(|_| c.score.is_some_and(|s| s > 0)) {
        let _ = write!(out, "{p:03}");
    }
    out.push(sep);
    if matches!(c.kind, ChangeKind::Renamed | ChangeKind::Copied) {
        write_name_terminated(&c.old_path, q, sep, out);
        write_name_terminated(&c.new_path, q, term, out);
    } else {
        let name = if c.old_mode != 0 {
            &c.old_path
        } else {
            &c.new_path
        };
        write_name_terminated(name, q, term, out);
    }
}

/// Writes the `--summary` lines of one change (if it has any).
pub fn write_summary(out: &mut Vec<u8>, c: &Change, quote_path: bool) {
    let mode_change = |out: &mut Vec<u8>, name: bool| {
        if c.old_mode != 0 && c.new_mode != 0 && c.old_mode != c.new_mode {
            let _ = write!(out, " mode change {:06o} => {:06o}", c.old_mode, c.new_mode);
            if name {
                out.push(b' ');
                write_quoted(&c.new_path, quote_path, out);
            }
            out.push(b'\n');
        }
    };
    match c.kind {
        ChangeKind::Deleted | ChangeKind::Added => {
            let (word, mode, path) = if c.kind == ChangeKind::Deleted {
                ("delete", c.old_mode, &c.old_path)
            } else {
                ("create", c.new_mode, &c.new_path)
            };
            if mode != 0 {
                let _ = write!(out, " {word} mode {mode:06o} ");
            } else {
                let _ = write!(out, " {word} ");
            }
            write_quoted(path, quote_path, out);
            out.push(b'\n');
        }
        ChangeKind::Renamed | ChangeKind::Copied => {
            let word = if c.kind == ChangeKind::Renamed {
                "rename"
            } else {
                "copy"
            };
            let _ = write!(out, " {word} ");
            pprint_rename(&c.old_path, &c.new_path, quote_path, out);
            let _ = writeln!(out, " ({}%)", c.percent().unwrap_or(0));
            mode_change(out, false);
        }
        ChangeKind::Modified | ChangeKind::TypeChanged => {
            let rewrite = c.score.filter(|&s| s > 0);
            if rewrite.is_some() {
                out.extend_from_slice(b" rewrite ");
                write_quoted(&c.new_path, quote_path, out);
                let _ = writeln!(out, " ({}%)", c.percent().unwrap_or(0));
            }
            mode_change(out, rewrite.is_none());
        }
    }
}

/// The path a stat row names: the new path, or the old one for a deletion.
fn stat_path(c: &Change) -> &[u8] {
    if c.new_mode != 0 {
        &c.new_path
    } else {
        &c.old_path
    }
}

/// Writes one `--numstat` line of a file diff (`-z`: names NUL-terminated, unquoted).
pub fn write_numstat(out: &mut Vec<u8>, f: &FileDiff, style: &Style) {
    let c = &f.change;
    if f.binary {
        out.extend_from_slice(b"-\t-\t");
    } else {
        let _ = write!(out, "{}\t{}\t", f.additions, f.deletions);
    }
    let renamed = matches!(c.kind, ChangeKind::Renamed | ChangeKind::Copied);
    if style.nul {
        if renamed {
            out.push(0);
            out.extend_from_slice(&c.old_path);
            out.push(0);
            out.extend_from_slice(stat_path(c));
        } else {
            out.extend_from_slice(stat_path(c));
        }
        out.push(0);
        return;
    }
    if renamed {
        // git prints the stat name of a rename here, `--compact-summary` comment included.
        pprint_rename(&c.old_path, stat_path(c), style.quote_path, out);
        push_compact_summary(out, c, style);
    } else {
        write_quoted(stat_path(c), style.quote_path, out);
    }
    out.push(b'\n');
}

/// Appends ` (<comment>)` of `--compact-summary` when it is on and `c` has one.
fn push_compact_summary(out: &mut Vec<u8>, c: &Change, style: &Style) {
    if let Some(comment) = style
        .compact_summary
        .then(|| crate::diff::stat::compact_summary(c))
        .flatten()
    {
        let _ = write!(out, " ({comment})");
    }
}

/// The `--stat` row of a file diff: its display name (with the `--compact-summary`
/// comment) and counts.
pub fn stat_row(f: &FileDiff, style: &Style) -> FileStat {
    let c = &f.change;
    let mut name = Vec::new();
    if matches!(c.kind, ChangeKind::Renamed | ChangeKind::Copied) {
        pprint_rename(&c.old_path, &c.new_path, style.quote_path, &mut name);
    } else {
        write_quoted(stat_path(c), style.quote_path, &mut name);
    }
    push_compact_summary(&mut name, c, style);
    let kind = if f.binary {
        let same = c.old_id == c.new_id;
        StatKind::Binary {
            old_size: if same { 0 } else { f.old_size },
            new_size: if same { 0 } else { f.new_size },
        }
    } else {
        StatKind::Text {
            added: f.additions,
            deleted: f.deletions,
        }
    };
    FileStat { name, kind }
}

/// A file's `--dirstat` damage in `mode` (`None`: git leaves trees out).
fn dirstat_damage(f: &FileDiff, mode: DirstatMode) -> Option<u64> {
    let c = &f.change;
    if c.old_mode & 0o170000 == 0o040000 || c.new_mode & 0o170000 == 0o040000 {
        return None;
    }
    let same = c.old_mode != 0 && c.new_mode != 0 && c.old_id == c.new_id && !c.old_id.is_null();
    Some(match mode {
        DirstatMode::Changes => f.damage,
        DirstatMode::Files => u64::from(!same),
        // Binary files count their bytes, 64 to a line.
        DirstatMode::Lines if f.binary && same => 0,
        DirstatMode::Lines if f.binary => (f.old_size + f.new_size).div_ceil(64),
        DirstatMode::Lines => f.additions + f.deletions,
    })
}

/// Output is written in pieces of about this size.
const FLUSH_AT: usize = 64 * 1024;

/// git's text output of a diff, as a sink: the chosen sections in git's order (raw /
/// name-only / name-status, numstat, stat, shortstat, summary, then a blank line and the
/// patch). The patch streams file by file unless a stat section must come first; then
/// it is held until the end.
pub struct GitText<'r, W: Write> {
    out: W,
    sections: Sections,
    style: Style,
    odb: &'r crate::odb::Odb,
    /// Made on first use (only `--raw` needs it), then kept for the sink's life.
    abbrev: Option<Abbreviator<'r>>,
    raw_start: Option<usize>,
    buf: Vec<u8>,
    numstat: Vec<u8>,
    stats: Vec<FileStat>,
    /// `--dirstat`: each file's path and damage.
    dirstat: Vec<(Vec<u8>, u64)>,
    summary: Vec<u8>,
    held: Vec<u8>,
    before_patch: bool,
    patch_started: bool,
    stream: bool,
    whitespace_errors: bool,
}

impl<'r, W: Write> GitText<'r, W> {
    /// Writes `sections` of diffs of `repo` to `out`, styled by `style`.
    pub fn new(repo: &'r Repository, sections: Sections, style: Style, out: W) -> GitText<'r, W> {
        let mut sections = sections;
        if sections.intersects(Sections::NAME_ONLY | Sections::NAME_STATUS) {
            // git's diff_setup_done: the name listings drop every other section.
            sections = sections.without(
                Sections::RAW
                    | Sections::SUMMARY
                    | Sections::PATCH
                    | Sections::NUMSTAT
                    | Sections::STAT
                    | Sections::SHORTSTAT
                    | Sections::DIRSTAT,
            );
        }
        if sections.intersects(Sections::CHECK) {
            sections = Sections::CHECK;
        }
        let raw_start = match style.abbrev {
            Abbrev::Full => None,
            Abbrev::Len(n) => Some(n),
            Abbrev::Auto => Some(crate::odb::auto_abbrev_len(
                repo.odb().approximate_object_count(),
            )),
        };
        GitText {
            out,
            stream: !sections.intersects(
                Sections::NUMSTAT | Sections::STAT | Sections::SHORTSTAT | Sections::DIRSTAT,
            ),
            sections,
            style,
            odb: repo.odb(),
            abbrev: None,
            raw_start,
            buf: Vec::with_capacity(FLUSH_AT + 4096),
            numstat: Vec::new(),
            stats: Vec::new(),
            dirstat: Vec::new(),
            summary: Vec::new(),
            held: Vec::new(),
            before_patch: false,
            patch_started: false,
            whitespace_errors: false,
        }
    }

    /// Whether `--check` reported a whitespace error (git then exits with status 2).
    pub fn found_whitespace_errors(&self) -> bool {
        self.whitespace_errors
    }

    /// The writer.
    pub fn get_mut(&mut self) -> &mut W {
        &mut self.out
    }

    /// The writer, back.
    pub fn into_inner(self) -> W {
        self.out
    }

    fn flush_buf(&mut self) -> Result<(), Error> {
        self.out.write_all(&self.buf)?;
        self.buf.clear();
        Ok(())
    }
}

impl<W: Write> Sink for GitText<'_, W> {
    type Error = Error;

    fn detail(&self) -> Detail {
        self.sections.detail()
    }

    /// The raw, name and summary sections come before the patch, from the change list.
    fn needs_change_list(&self) -> bool {
        self.sections.intersects(
            Sections::RAW | Sections::NAME_ONLY | Sections::NAME_STATUS | Sections::SUMMARY,
        )
    }

    fn needs_damage(&self) -> bool {
        self.sections.intersects(Sections::DIRSTAT)
            && self.style.dirstat.mode == DirstatMode::Changes
    }

    fn begin(&mut self, begin: &Begin<'_>) -> Result<Control, Error> {
        self.numstat.clear();
        self.stats.clear();
        self.dirstat.clear();
        self.summary.clear();
        self.held.clear();
        self.before_patch = false;
        self.patch_started = false;
        if self
            .sections
            .intersects(Sections::RAW | Sections::NAME_ONLY | Sections::NAME_STATUS)
        {
            for c in begin.changes {
                let (a, b) = if self.sections.intersects(Sections::RAW)
                    && !self
                        .sections
                        .intersects(Sections::NAME_ONLY | Sections::NAME_STATUS)
                {
                    let odb = self.odb;
                    let ab = self.abbrev.get_or_insert_with(|| Abbreviator::new(odb));
                    (
                        ab.abbrev(&c.old_id, self.raw_start)?,
                        ab.abbrev(&c.new_id, self.raw_start)?,
                    )
                } else {
                    (String::new(), String::new())
                };
                write_name_entry(&mut self.buf, c, self.sections, (&a, &b), &self.style);
                if self.buf.len() > FLUSH_AT {
                    self.flush_buf()?;
                }
            }
            self.before_patch |= !begin.changes.is_empty();
        }
        if self.sections.intersects(Sections::SUMMARY) {
            for c in begin.changes {
                write_summary(&mut self.summary, c, self.style.quote_path);
            }
            if self.stream {
                self.before_patch |= !self.summary.is_empty();
                self.buf.append(&mut self.summary);
            }
        }
        Ok(Control::Continue)
    }

    fn file(&mut self, f: &FileDiff) -> Result<Control, Error> {
        if self.sections.intersects(Sections::CHECK) {
            let start = self.buf.len();
            write_check(&mut self.buf, f, &self.style);
            self.whitespace_errors |= self.buf.len() > start;
            if self.buf.len() > FLUSH_AT {
                self.flush_buf()?;
            }
            return Ok(Control::Continue);
        }
        if self.sections.intersects(Sections::PATCH) {
            if self.stream {
                let start = self.buf.len();
                if !self.patch_started && self.before_patch {
                    self.buf.push(self.style.term());
                }
                let mark = self.buf.len();
                write_patch(&mut self.buf, f, &self.style);
                if self.buf.len() == mark {
                    self.buf.truncate(start);
                } else {
                    self.patch_started = true;
                }
                if self.buf.len() > FLUSH_AT {
                    self.flush_buf()?;
                }
            } else {
                write_patch(&mut self.held, f, &self.style);
            }
        }
        if self.sections.intersects(Sections::DIRSTAT) {
            if let Some(damage) = dirstat_damage(f, self.style.dirstat.mode) {
                self.dirstat.push((f.path().to_vec(), damage));
            }
        }
        if !f.is_empty_modification() {
            if self.sections.intersects(Sections::NUMSTAT) {
                write_numstat(&mut self.numstat, f, &self.style);
            }
            if self
                .sections
                .intersects(Sections::STAT | Sections::SHORTSTAT)
            {
                self.stats.push(stat_row(f, &self.style));
            }
        }
        Ok(Control::Continue)
    }

    fn finish(&mut self, _outcome: &Outcome) -> Result<(), Error> {
        if !self.stream {
            let mut any = self.before_patch;
            any |= !self.numstat.is_empty();
            self.buf.append(&mut self.numstat);
            let start = self.buf.len();
            if self.sections.intersects(Sections::STAT) {
                let colors = match &self.style.palette {
                    Some(p) => crate::diff::stat::StatColors {
                        old: &p.old,
                        new: &p.new,
                        reset: crate::diff::color::RESET,
                    },
                    None => crate::diff::stat::StatColors::default(),
                };
                crate::diff::stat::write_stat_colored(
                    &mut self.buf,
                    &self.stats,
                    &self.style.stat,
                    &colors,
                );
            }
            // git prints `--shortstat` after `--stat` too (its total line again).
            if self.sections.intersects(Sections::SHORTSTAT) {
                crate::diff::stat::write_shortstat(&mut self.buf, &self.stats);
            }
            any |= self.buf.len() > start;
            if self.sections.intersects(Sections::DIRSTAT) {
                crate::diff::dirstat::write_dirstat(
                    &mut self.buf,
                    &mut self.dirstat,
                    &self.style.dirstat,
                );
                // git counts the `lines` dirstat with the stats before a patch (printed
                // or not), the other modes not at all.
                any |= self.style.dirstat.mode == DirstatMode::Lines;
            }
            any |= !self.summary.is_empty();
            self.buf.append(&mut self.summary);
            if !self.held.is_empty() {
                if any {
                    self.buf.push(self.style.term());
                }
                self.flush_buf()?;
                self.out.write_all(&self.held)?;
                self.held.clear();
            }
        }
        self.flush_buf()?;
        Ok(())
    }
}
