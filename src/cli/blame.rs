//! `oxgit blame`: who last changed each line of a file, in git 2.47's formats.

use super::ls_tree::{normalize_path, work_tree_prefix};
use super::options::{self, fixed, flag, optional, value, Parsed, Spec};
use super::{Context, Fatal};
use crate::blame::{self, Blame, BlameError, BlameOptions, CopyLevel};
use crate::diff::line::{Algorithm, Whitespace};
use crate::object::date::{show_date, show_date_unsigned, Clock, DateMode, DateStyle};
use crate::object::{Commit, ObjectKind};
use crate::oid::{IdMap, ObjectId};
use crate::pretty::Mailmap;
use crate::repo::Repository;
use crate::revision::{self, Hint, Resolver};
use std::io::Write;

pub(super) const USAGE: &str = "usage: oxgit blame [<options>] [<rev-opts>] [<rev>] [--] <file>

    <rev-opts> are documented in git-rev-list(1)

    --[no-]incremental    show blame entries as we find them, incrementally
    -b                    do not show object names of boundary commits (Default: off)
    --[no-]root           do not treat root commits as boundaries (Default: off)
    --[no-]show-stats     show work cost statistics
    --[no-]progress       force progress reporting
    --[no-]score-debug    show output score for blame entries
    -f, --[no-]show-name  show original filename (Default: auto)
    -n, --[no-]show-number
                          show original linenumber (Default: off)
    -p, --[no-]porcelain  show in a format designed for machine consumption
    --[no-]line-porcelain show porcelain format with per-line commit information
    -c                    use the same output mode as git-annotate (Default: off)
    -t                    show raw timestamp (Default: off)
    -l                    show long commit SHA1 (Default: off)
    -s                    suppress author name and timestamp (Default: off)
    -e, --[no-]show-email show author email instead of name (Default: off)
    -w                    ignore whitespace differences
    --[no-]ignore-rev <rev>
                          ignore <rev> when blaming
    --[no-]ignore-revs-file <file>
                          ignore revisions from <file>
    --[no-]color-lines    color redundant metadata from previous line differently
    --[no-]color-by-age   color lines by age
    --[no-]minimal        spend extra cycles to find better match
    -S <file>             use revisions from <file> instead of calling git-rev-list
    --[no-]contents <file>
                          use <file>'s contents as the final image
    -C[<score>]           find line copies within and across files
    -M[<score>]           find line movements within and across files
    -L <range>            process only line range <start>,<end> or function :<funcname>
    --[no-]abbrev[=<n>]   use <n> digits to display object names

";

const SHORT_USAGE: &str = "usage: oxgit blame [<options>] [<rev-opts>] [<rev>] [--] <file>\n";

const SPECS: &[Spec] = &[
    flag(None, "incremental"),
    flag(Some('b'), ""),
    flag(None, "root"),
    flag(None, "show-stats"),
    flag(None, "progress"),
    flag(None, "score-debug"),
    flag(Some('f'), "show-name"),
    flag(Some('n'), "show-number"),
    flag(Some('p'), "porcelain"),
    flag(None, "line-porcelain"),
    flag(Some('c'), ""),
    flag(Some('t'), ""),
    flag(Some('l'), ""),
    flag(Some('s'), ""),
    flag(Some('e'), "show-email"),
    flag(Some('w'), ""),
    value(None, "ignore-rev"),
    value(None, "ignore-revs-file"),
    flag(None, "color-lines"),
    flag(None, "color-by-age"),
    flag(None, "minimal"),
    value(Some('S'), ""),
    value(None, "contents"),
    fixed(optional(Some('C'), "")),
    fixed(optional(Some('M'), "")),
    fixed(value(Some('L'), "")),
    optional(None, "abbrev"),
    // Revision options blame passes to the walk.
    flag(None, "first-parent"),
    value(None, "diff-algorithm"),
    value(None, "date"),
    flag(None, "relative-date"),
    // Refused for now (git accepts them).
    flag(None, "reverse"),
    value(None, "since"),
    value(None, "after"),
    value(None, "until"),
    value(None, "before"),
    value(None, "encoding"),
];

/// How the entries are printed.
#[derive(Clone, Copy, Default)]
struct Show {
    porcelain: bool,
    line_porcelain: bool,
    annotate: bool,
    raw_time: bool,
    long: bool,
    no_author: bool,
    email: bool,
    name: bool,
    number: bool,
    blank_boundary: bool,
    abbrev: Option<usize>,
}

/// Runs `blame`.
pub fn run(ctx: &mut Context<'_>) -> Result<i32, Fatal> {
    let parsed = match options::parse(&ctx.args, SPECS, false) {
        Ok(p) => p,
        Err(e) if e.0.starts_with("unknown option `") => {
            // git hands unknown options to the revision parser, which names them whole.
            let name =
                e.0.trim_start_matches("unknown option `")
                    .trim_end_matches('\'');
            return Ok(options::usage_error(
                &format!("unknown option `--{name}'"),
                USAGE,
            ));
        }
        Err(e) => return Ok(e.report(USAGE, ctx.out)),
    };
    let repo = ctx.repo()?;
    let mut show = Show::default();
    let mut opts = BlameOptions::default();
    let mut ranges: Vec<String> = Vec::new();
    let mut args: Vec<String> = Vec::new();
    let mut dashdash: Option<usize> = None;
    let mut copy_presses = 0;
    // The date mode: blame.date, then --date; git's default is ISO 8601.
    let on_terminal = super::terminal::on_terminal();
    let parse_mode = |v: &str| {
        DateMode::parse_with_terminal(v, on_terminal).map_err(|e| Fatal::new(e.to_string()))
    };
    let mut date_mode = DateMode::new(DateStyle::Iso);
    if let Some((_, value)) = repo
        .config()
        .entries()
        .filter(|(k, _)| *k == "blame.date")
        .last()
    {
        let Some(v) = value else {
            return Err(Fatal::new("missing value for 'blame.date'"));
        };
        date_mode = parse_mode(v)?;
    }
    for p in parsed {
        let (name, value, negated) = match p {
            Parsed::Opt {
                name,
                value,
                negated,
                ..
            } => (name, value, negated),
            Parsed::Arg(a) => {
                args.push(a);
                continue;
            }
            Parsed::DashDash => {
                dashdash = Some(args.len());
                continue;
            }
        };
        let on = !negated;
        match name {
            "b" => show.blank_boundary = on,
            "root" => opts.show_root = on,
            "show-name" => show.name = on,
            "show-number" => show.number = on,
            "porcelain" => show.porcelain = on,
            "line-porcelain" => {
                show.line_porcelain = on;
                show.porcelain |= on;
            }
            "c" => show.annotate = on,
            "t" => show.raw_time = on,
            "l" => show.long = on,
            "s" => show.no_author = on,
            "show-email" => show.email = on,
            "w" => opts.whitespace = Whitespace::IgnoreAllSpace,
            "minimal" => {
                opts.algorithm = if on {
                    Algorithm::Minimal
                } else {
                    Algorithm::Myers
                }
            }
            "diff-algorithm" => {
                opts.algorithm = match value.as_deref() {
                    Some("myers" | "default") => Algorithm::Myers,
                    Some("minimal") => Algorithm::Minimal,
                    Some("patience") => Algorithm::Patience,
                    Some("histogram") => Algorithm::Histogram,
                    _ => {
                        return Ok(options::usage_error(
                            "option diff-algorithm accepts \"myers\", \"minimal\", \"patience\" and \"histogram\"",
                            "",
                        ))
                    }
                }
            }
            "first-parent" => opts.first_parent = on,
            "C" => {
                copy_presses += 1;
                opts.moves = true;
                opts.copies = match copy_presses {
                    1 => CopyLevel::Modified,
                    2 => CopyLevel::NewFiles,
                    _ => CopyLevel::Everywhere,
                };
                if let Some(s) = value.as_deref().and_then(parse_score) {
                    opts.copy_score = s;
                }
            }
            "M" => {
                opts.moves = true;
                if let Some(s) = value.as_deref().and_then(parse_score) {
                    opts.move_score = s;
                }
            }
            "L" => ranges.push(value.unwrap_or_default()),
            "abbrev" => {
                show.abbrev = match options::abbrev_value(
                    value.as_deref(),
                    negated,
                    repo.hash_kind().hex_len(),
                    "abbrev",
                ) {
                    Ok(a) => a,
                    Err(e) => return Ok(e.report(USAGE, ctx.out)),
                }
            }
            "progress" => {}
            "date" if on => date_mode = parse_mode(value.as_deref().unwrap_or(""))?,
            "relative-date" if on => date_mode = DateMode::new(DateStyle::Relative),
            other => {
                if on {
                    let shown = if other.len() == 1 {
                        format!("-{other}")
                    } else {
                        format!("--{other}")
                    };
                    return Err(Fatal::new(format!(
                        "blame {shown} is not supported by oxgit yet"
                    )));
                }
            }
        }
    }
    for key in ["blame.ignorerevsfile", "blame.coloring"] {
        if repo.config().get(key).is_some() {
            return Err(Fatal::new(format!(
                "blame with the {key} setting is not supported by oxgit yet"
            )));
        }
    }
    if repo.config().get_bool("blame.showroot") == Some(true) {
        opts.show_root = true;
    }
    if repo.config().get_bool("blame.blankboundary") == Some(true) {
        show.blank_boundary = true;
    }
    if let Some(m) = repo.config().get("blame.showemail") {
        if crate::config::parse_bool(m) == Some(true) {
            show.email = true;
        }
    }
    let prefix = work_tree_prefix(&repo, &ctx.cwd);
    // git's argument shapes: `[revs] -- <path>`, `-- <path> <rev>`, `[revs] <path>`,
    // `<path> <rev>`.
    let (path_arg, revs): (String, Vec<String>) = match dashdash {
        Some(pos) => {
            let after = args.len() - pos;
            match after {
                1 => (args[pos].clone(), args[..pos].to_vec()),
                2 if pos == 0 => (args[0].clone(), vec![args[1].clone()]),
                _ => return Ok(options::usage_error("", USAGE)),
            }
        }
        None => {
            if args.is_empty() {
                return Ok(options::usage_error("", USAGE));
            }
            let is_rev = |s: &str| revision::resolve(&repo, s).is_ok();
            if args.len() == 2 && is_rev(&args[1]) {
                (args[0].clone(), vec![args[1].clone()])
            } else {
                if args.len() == 1 && is_rev(&args[0]) && repo.work_tree().is_none() {
                    return Err(Fatal::new("missing <path> to blame"));
                }
                let last = args.len() - 1;
                (args[last].clone(), args[..last].to_vec())
            }
        }
    };
    let path = match normalize_path(prefix.as_deref().unwrap_or(""), &path_arg) {
        Some(p) => p.trim_end_matches('/').to_string(),
        None => path_arg.clone(),
    };
    // The revisions: one positive (the final commit), any number of bottoms.
    let mut resolver = Resolver::new(&repo).prefix(prefix.clone());
    let mut positive: Option<(ObjectId, String)> = None;
    let mut bottoms = Vec::new();
    for r in &revs {
        let (neg, pos_list): (Vec<String>, Vec<String>) = if let Some((a, b)) = r.split_once("...")
        {
            return Err(Fatal::new(format!(
                "blame with a symmetric range ({a}...{b}) is not supported by oxgit"
            )));
        } else if let Some((a, b)) = r.split_once("..") {
            let a = if a.is_empty() { "HEAD" } else { a };
            let b = if b.is_empty() { "HEAD" } else { b };
            (vec![a.to_string()], vec![b.to_string()])
        } else if let Some(n) = r.strip_prefix('^') {
            (vec![n.to_string()], vec![])
        } else {
            (vec![], vec![r.clone()])
        };
        for n in neg {
            bottoms.push(commit_rev(&repo, &mut resolver, &n, r)?);
        }
        for p in pos_list {
            let id = commit_rev(&repo, &mut resolver, &p, r)?;
            if let Some((_, first)) = &positive {
                return Err(Fatal::new(format!(
                    "More than one commit to dig from {p} and {first}?"
                )));
            }
            positive = Some((id, p));
        }
    }
    let (final_id, final_name) = match positive {
        Some(p) => p,
        None => work_tree_final(&repo, &path)?,
    };
    // The line ranges need the final file's lines.
    let contents = file_at(&repo, final_id, &path, &final_name)?;
    let starts = blame::line_starts(&contents);
    let lines = (starts.len() - 1) as i64;
    let mut anchor = 1i64;
    let specs = if ranges.is_empty() && lines > 0 {
        vec!["1".to_string()]
    } else {
        ranges
    };
    if specs
        .iter()
        .any(|s| s.starts_with(':') || s.starts_with("^:"))
    {
        check_funcname_rule(&repo, path.as_bytes())?;
    }
    for spec in &specs {
        let Some((bottom, top)) = parse_range(spec, &contents, &starts, lines, anchor)? else {
            return Ok(options::usage_error("", SHORT_USAGE));
        };
        let (mut bottom, top) = clamp_range(&path, lines, bottom, top)?;
        bottom -= 1;
        opts.ranges.push((bottom as u32, top as u32));
        anchor = top + 1;
    }
    if opts.ranges.is_empty() {
        // An empty file: nothing to blame.
        opts.ranges.push((0, 0));
    }
    // git maps authors and committers through the mailmap, always.
    let mailmap = Mailmap::load(&repo)?;
    let result = blame::blame_named(
        &repo,
        final_id,
        &final_name,
        &bottoms,
        path.as_bytes(),
        &opts,
    )
    .map_err(|e| match e {
        BlameError::NoSuchPath { path, rev } => Fatal::new(format!("no such path {path} in {rev}")),
        other => Fatal::new(other.to_string()),
    })?;
    let mut printer = Printer::new(&repo, &result, show, path.as_bytes(), mailmap, date_mode);
    printer.print(ctx.out)?;
    Ok(0)
}

/// git's `parse_score` for `-M<n>`/`-C<n>`: digits only, else ignored.
fn parse_score(s: &str) -> Option<u32> {
    (!s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()))
        .then(|| s.parse().ok())
        .flatten()
        .filter(|&n| n > 0)
}

/// A revision that must name a commit (git dies for others); `arg` is the argument it
/// came from, for messages.
fn commit_rev(
    repo: &Repository,
    resolver: &mut Resolver<'_>,
    rev: &str,
    arg: &str,
) -> Result<ObjectId, Fatal> {
    let id = match resolver.resolve_with(rev, Hint::Committish) {
        Ok(id) => id,
        Err(e) if e.is_not_found() => return Err(Fatal::new(format!("bad revision '{arg}'"))),
        Err(e) => return Err(e.into()),
    };
    match revision::peel(repo, id, ObjectKind::Commit) {
        Ok(c) => Ok(c),
        Err(_) => Err(Fatal::new(format!("Non commit {rev}?"))),
    }
}

/// Without a revision git blames the work tree file. oxgit does so when the file equals
/// `HEAD`'s (the result is then `HEAD`'s blame); local changes are refused.
fn work_tree_final(repo: &Repository, path: &str) -> Result<(ObjectId, String), Fatal> {
    let head = revision::resolve(repo, "HEAD")
        .and_then(|id| revision::peel(repo, id, ObjectKind::Commit))
        .map_err(|_| Fatal::new("no such ref: HEAD"))?;
    let Some(wt) = repo.work_tree() else {
        // A bare repository blames HEAD.
        return Ok((head, "HEAD".to_string()));
    };
    if repo.git_dir().join("MERGE_HEAD").exists() {
        return Err(Fatal::new(
            "blame of the work tree during a merge is not supported by oxgit yet; name a revision (oxgit blame HEAD -- <file>)",
        ));
    }
    let in_head = revision::tree_entry_by_path(repo, &head, path)?;
    let full = wt.join(path);
    let Some((blob, mode)) = in_head else {
        if std::fs::symlink_metadata(&full).is_ok() {
            return Err(Fatal::new(format!(
                "oxgit cannot blame '{path}': it is not in HEAD (blaming files only in the index or work tree is not supported yet)"
            )));
        }
        return Err(Fatal::new(format!("no such path '{path}' in HEAD")));
    };
    let meta = std::fs::symlink_metadata(&full)
        .map_err(|e| Fatal::new(format!("Cannot lstat '{path}': {}", io_message(&e))))?;
    let on_disk = if meta.file_type().is_symlink() {
        use std::os::unix::ffi::OsStrExt;
        std::fs::read_link(&full)?.as_os_str().as_bytes().to_vec()
    } else {
        std::fs::read(&full)?
    };
    let committed = repo.odb().read(&blob)?.data;
    let kind_matches = (mode & 0o170000 == 0o120000) == meta.file_type().is_symlink();
    if on_disk != committed || !kind_matches {
        return Err(Fatal::new(format!(
            "'{path}' has changes in the work tree: blaming uncommitted changes is not supported by oxgit yet; name a revision (oxgit blame HEAD -- {path})"
        )));
    }
    Ok((head, "HEAD".to_string()))
}

fn io_message(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "No such file or directory".to_string(),
        _ => e.to_string(),
    }
}

/// The contents of `path` in `commit` (git's "no such path" when it is not a file).
fn file_at(repo: &Repository, commit: ObjectId, path: &str, rev: &str) -> Result<Vec<u8>, Fatal> {
    let no = || Fatal::new(format!("no such path {path} in {rev}"));
    match revision::tree_entry_by_path(repo, &commit, path)? {
        Some((id, mode)) if mode & 0o170000 == 0o100000 || mode & 0o170000 == 0o120000 => {
            Ok(repo.odb().read(&id)?.data)
        }
        _ => Err(no()),
    }
}

/// git's `parse_range_arg`: `(begin, end)` in 1-based lines (0: unset), or `None` for a
/// malformed range (git then prints its usage line).
/// git's checks and clamping of a parsed `-L` range of a file of `lines` lines: past the
/// end is an error, a missing start is line 1, a missing or too large end the last line.
pub(super) fn clamp_range(
    path: &str,
    lines: i64,
    mut bottom: i64,
    mut top: i64,
) -> Result<(i64, i64), Fatal> {
    if (lines == 0 && (top != 0 || bottom != 0)) || lines < bottom {
        let unit = if lines == 1 { "line" } else { "lines" };
        return Err(Fatal::new(format!("file {path} has only {lines} {unit}")));
    }
    if bottom < 1 {
        bottom = 1;
    }
    if top < 1 || lines < top {
        top = lines;
    }
    Ok((bottom, top))
}

pub(super) fn parse_range(
    arg: &str,
    data: &[u8],
    starts: &[usize],
    lines: i64,
    anchor: i64,
) -> Result<Option<(i64, i64)>, Fatal> {
    let anchor = anchor.clamp(1, lines + 1);
    if arg.starts_with(':') || arg.starts_with("^:") {
        return match parse_funcname(arg, data, starts, lines, anchor)? {
            Some((range, "")) => Ok(Some(range)),
            _ => Ok(None),
        };
    }
    let (mut begin, rest) = parse_loc(arg, data, starts, lines, -anchor)?;
    let mut end = 0;
    let rest = match rest.strip_prefix(',') {
        Some(r) => {
            let (e, r) = parse_loc(r, data, starts, lines, begin + 1)?;
            end = e;
            r
        }
        None => rest,
    };
    if !rest.is_empty() {
        return Ok(None);
    }
    if begin != 0 && end != 0 && end < begin {
        std::mem::swap(&mut begin, &mut end);
    }
    Ok(Some((begin, end)))
}

/// The end of the `:<funcname>` part of a `-L` value (`^:` or `:`, then up to the
/// first `:` not escaped by a backslash): git's `skip_range_arg` for such ranges.
pub(super) fn funcname_end(arg: &str) -> usize {
    let b = arg.as_bytes();
    let mut i = if arg.starts_with('^') { 2 } else { 1 };
    while i < b.len() && b[i] != b':' {
        if b[i] == b'\\' && i + 1 < b.len() {
            i += 1;
        }
        i += 1;
    }
    i
}

/// Refuses `-L :<funcname>` on a path whose diff driver sets function-name patterns
/// (oxgit has only git's default rule).
pub(super) fn check_funcname_rule(repo: &Repository, path: &[u8]) -> Result<(), Fatal> {
    match repo.diff_attributes().get(path) {
        Ok(_) => Ok(()),
        Err(e) => Err(Fatal::new(format!("-L :<funcname> with {e}"))),
    }
}

/// git's default function-name rule for `-L :<funcname>` (no diff driver pattern): a
/// line starting with an ASCII letter, `_` or `$`.
fn is_funcname_line(line: &[u8]) -> bool {
    line.first()
        .is_some_and(|&c| c.is_ascii_alphabetic() || c == b'_' || c == b'$')
}

/// A parsed `:<funcname>` range (1-based lines) and the rest of the argument.
type FuncnameRange<'a> = ((i64, i64), &'a str);

/// git's `parse_range_funcname`: `^:<regex>` or `:<regex>` names the first function
/// line (by git's default rule) at or after the anchor (`^`: line 1) that the regex
/// matches, up to the line before the next function line. Returns the 1-based range and
/// the rest of `arg` after the pattern, or `None` for an empty pattern.
fn parse_funcname<'a>(
    arg: &'a str,
    data: &[u8],
    starts: &[usize],
    lines: i64,
    anchor: i64,
) -> Result<Option<FuncnameRange<'a>>, Fatal> {
    use crate::revision::regex::{Matcher, PatternError, Syntax};
    let (anchor, body_at) = match arg.strip_prefix('^') {
        Some(_) => (1, 2),
        None => (anchor, 1),
    };
    let end = funcname_end(arg);
    if end == body_at {
        return Ok(None);
    }
    let pattern = &arg[body_at..end];
    let re = Matcher::new(pattern.as_bytes(), Syntax::Basic, false, true).map_err(|e| match e {
        PatternError::Invalid(msg) => Fatal::new(format!("-L parameter '{pattern}': {msg}")),
        PatternError::Unsupported(what) => {
            Fatal::new(format!("-L :{pattern}: {what} are not supported by oxgit"))
        }
    })?;
    // The file as a C string: up to a NUL.
    let text = &data[..data.iter().position(|&b| b == 0).unwrap_or(data.len())];
    let line_at = |line: i64| starts[(line.clamp(0, lines)) as usize].min(text.len());
    let line_bytes = |line: i64| &data[starts[line as usize]..starts[line as usize + 1]];
    let mut from = line_at(anchor - 1);
    let found = loop {
        if from >= text.len() {
            break None;
        }
        let Some(m) = re.find(&text[from..]) else {
            break None;
        };
        let bol = text[..from + m.start]
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |i| i + 1)
            .max(from);
        let mut eol = from + m.end;
        eol = text[eol..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(text.len(), |i| eol + i + 1);
        if is_funcname_line(&text[bol..eol]) {
            break Some(bol);
        }
        from = eol;
    };
    let Some(at) = found else {
        return Err(Fatal::new(format!(
            "-L parameter '{pattern}' starting at line {anchor}: no match"
        )));
    };
    let begin = starts.partition_point(|&s| s < at) as i64;
    if begin >= lines {
        return Err(Fatal::new(format!(
            "-L parameter '{pattern}' matches at EOF"
        )));
    }
    let mut last = begin + 1;
    while last < lines && !is_funcname_line(line_bytes(last)) {
        last += 1;
    }
    Ok(Some(((begin + 1, last), &arg[end..])))
}

/// git's `parse_loc`: one end of a range; returns the line and the unparsed rest.
fn parse_loc<'a>(
    spec: &'a str,
    data: &[u8],
    starts: &[usize],
    lines: i64,
    begin: i64,
) -> Result<(i64, &'a str), Fatal> {
    let digits = |s: &str| s.bytes().take_while(u8::is_ascii_digit).count();
    if begin >= 1 && (spec.starts_with('+') || spec.starts_with('-')) {
        let n = digits(&spec[1..]);
        if n > 0 {
            let mut num: i64 = spec[1..1 + n].parse().unwrap_or(i64::MAX);
            if num == 0 {
                return Err(Fatal::new("-L invalid empty range"));
            }
            if spec.starts_with('-') {
                num = -num;
            }
            let ret = if num > 0 {
                begin + num - 2
            } else if begin + num > 0 {
                begin + num
            } else {
                1
            };
            return Ok((ret, &spec[1 + n..]));
        }
        return Ok((0, spec));
    }
    let n = digits(spec);
    if n > 0 {
        return Ok((spec[..n].parse().unwrap_or(i64::MAX), &spec[n..]));
    }
    if spec.starts_with('-') && digits(&spec[1..]) > 0 {
        let m = digits(&spec[1..]);
        return Err(Fatal::new(format!(
            "-L invalid line number: -{}",
            &spec[1..1 + m]
        )));
    }
    let mut begin = begin;
    let mut spec = spec;
    if begin < 0 {
        if let Some(s) = spec.strip_prefix('^') {
            begin = 1;
            spec = s;
        } else {
            begin = -begin;
        }
    }
    let Some(body) = spec.strip_prefix('/') else {
        return Ok((0, spec));
    };
    let bytes = body.as_bytes();
    let mut i = 0;
    while i < bytes.len() && bytes[i] != b'/' {
        if bytes[i] == b'\\' {
            i += 1;
        }
        i += 1;
    }
    if i >= bytes.len() {
        return Ok((0, spec));
    }
    let pattern = &body[..i];
    let rest = &body[i + 1..];
    use crate::revision::regex::{Matcher, PatternError, Syntax};
    let from = (begin - 1).max(0);
    // git's `regcomp(REG_NEWLINE)` then `regexec` over the rest of the file (up to a NUL,
    // where C strings end); the range starts at the line the match starts in.
    let re = Matcher::new(pattern.as_bytes(), Syntax::Basic, false, true).map_err(|e| match e {
        PatternError::Invalid(msg) => Fatal::new(format!(
            "-L parameter '{pattern}' starting at line {}: {msg}",
            from + 1
        )),
        PatternError::Unsupported(what) => Fatal::new(format!(
            "blame -L /{pattern}/: {what} are not supported by oxgit"
        )),
    })?;
    let start = starts[(from as usize).min(starts.len() - 1)];
    let text = &data[start.min(data.len())..];
    let text = text
        .iter()
        .position(|&b| b == 0)
        .map_or(text, |nul| &text[..nul]);
    let Some(found) = re.find(text) else {
        return Err(Fatal::new(format!(
            "-L parameter '{pattern}' starting at line {}: No match",
            from + 1
        )));
    };
    let at = start + found.start;
    let mut line = from;
    while line < lines {
        line += 1;
        if at < starts[line as usize] {
            break;
        }
    }
    if at >= starts[lines as usize] {
        line = lines + 1;
    }
    Ok((line, rest))
}

/// What porcelain and the default format show of a commit.
struct Info {
    author: Vec<u8>,
    author_mail: Vec<u8>,
    author_time: u64,
    author_tz: Vec<u8>,
    committer: Vec<u8>,
    committer_mail: Vec<u8>,
    committer_time: u64,
    committer_tz: Vec<u8>,
    summary: Vec<u8>,
}

impl Info {
    /// git's `get_commit_info`: identities mapped through `mailmap` (git's `get_ac_line`).
    fn read(repo: &Repository, id: &ObjectId, mailmap: &Mailmap) -> Result<Info, Fatal> {
        let obj = repo.odb().read(id)?;
        let c = Commit::parse(&obj.data).map_err(|e| Fatal::new(e.to_string()))?;
        // git's `get_ac_line`: time and zone only when the line has both; a time too
        // large is `strtoul`'s ULONG_MAX.
        let person = |raw: &[u8]| -> (Vec<u8>, Vec<u8>, u64, Vec<u8>) {
            let Some(id) = crate::pretty::split_ident(raw) else {
                let unknown = b"(unknown)".to_vec();
                return (unknown.clone(), unknown.clone(), 0, unknown);
            };
            let (name, email) = mailmap.map(id.name, id.mail);
            let mut mail = b"<".to_vec();
            mail.extend_from_slice(email);
            mail.push(b'>');
            let time = id.date.map_or(0, |d| {
                d.iter()
                    .try_fold(0u64, |v, c| {
                        v.checked_mul(10)?.checked_add(u64::from(c - b'0'))
                    })
                    .unwrap_or(u64::MAX)
            });
            let tz = id.tz.map_or(b"(unknown)".to_vec(), <[u8]>::to_vec);
            (name.to_vec(), mail, time, tz)
        };
        let (author, author_mail, author_time, author_tz) = person(c.author);
        let (committer, committer_mail, committer_time, committer_tz) = person(c.committer);
        let msg = c.message;
        let skip = msg.iter().take_while(|&&b| b == b'\n').count();
        let first = &msg[skip..];
        let end = memchr::memchr(b'\n', first).unwrap_or(first.len());
        let summary = if end == 0 {
            format!("({id})").into_bytes()
        } else {
            first[..end].to_vec()
        };
        Ok(Info {
            author,
            author_mail,
            author_time,
            author_tz,
            committer,
            committer_mail,
            committer_time,
            committer_tz,
            summary,
        })
    }
}

struct Printer<'a> {
    repo: &'a Repository,
    blame: &'a Blame,
    show: Show,
    infos: IdMap<Info>,
    mailmap: Mailmap,
    /// The default format's dates: mode, "now" and the column's width.
    date: DateMode,
    clock: Clock,
    date_width: usize,
    shown: IdMap<()>,
    quote_high: bool,
}

impl<'a> Printer<'a> {
    fn new(
        repo: &'a Repository,
        blame: &'a Blame,
        show: Show,
        path: &[u8],
        mailmap: Mailmap,
        date: DateMode,
    ) -> Printer<'a> {
        let clock = Clock::from_env();
        let date_width = date_width(&date, &clock);
        let mut show = show;
        if blame.entries.iter().any(|e| e.path != path) {
            show.name = true;
        }
        Printer {
            repo,
            blame,
            show,
            infos: IdMap::default(),
            mailmap,
            date,
            clock,
            date_width,
            shown: IdMap::default(),
            quote_high: repo.config().get_bool("core.quotepath") != Some(false),
        }
    }

    fn info(&mut self, id: &ObjectId) -> Result<&Info, Fatal> {
        if !self.infos.contains_key(id) {
            let info = Info::read(self.repo, id, &self.mailmap)?;
            self.infos.insert(*id, info);
        }
        Ok(&self.infos[id])
    }

    /// git's `format_time`: the raw time with `-t`, else the date in the chosen mode
    /// padded to the mode's width.
    fn format_time(&self, time: u64, tz: &[u8], raw: bool) -> Result<String, Fatal> {
        if raw {
            return Ok(format!("{time} {}", String::from_utf8_lossy(tz)));
        }
        let tz = crate::object::date::parse_tz(tz);
        let mut text = show_date_unsigned(time, tz, &self.date, &self.clock).map_err(Fatal::new)?;
        let width = text.chars().count();
        text.extend(std::iter::repeat_n(
            ' ',
            self.date_width.saturating_sub(width),
        ));
        Ok(text)
    }

    fn print(&mut self, out: &mut dyn Write) -> Result<(), Fatal> {
        if self.show.porcelain {
            return self.porcelain(out);
        }
        self.default_format(out)
    }

    fn porcelain(&mut self, out: &mut dyn Write) -> Result<(), Fatal> {
        let repeat = self.show.line_porcelain;
        let mut buf = Vec::new();
        for ei in 0..self.blame.entries.len() {
            let e = &self.blame.entries[ei];
            let hex = e.commit.to_hex();
            writeln!(buf, "{hex} {} {} {}", e.orig_start + 1, e.start + 1, e.len)?;
            self.details(ei, repeat, &mut buf)?;
            let e = &self.blame.entries[ei];
            for k in 0..e.len {
                if k > 0 {
                    writeln!(buf, "{hex} {} {}", e.orig_start + 1 + k, e.start + 1 + k)?;
                    if repeat {
                        self.details(ei, true, &mut buf)?;
                    }
                }
                buf.push(b'\t');
                push_line(&mut buf, self.blame.line((e.start + k) as usize));
            }
            out.write_all(&buf)?;
            buf.clear();
        }
        Ok(())
    }

    /// git's `emit_porcelain_details`.
    fn details(&mut self, ei: usize, repeat: bool, buf: &mut Vec<u8>) -> Result<(), Fatal> {
        let e = &self.blame.entries[ei];
        let id = e.commit;
        let boundary = e.boundary;
        let first = !self.shown.contains_key(&id);
        if repeat || first {
            self.shown.insert(id, ());
            let i = self.info(&id)?;
            for (who, name, mail, time, tz) in [
                (
                    "author",
                    &i.author,
                    &i.author_mail,
                    i.author_time,
                    &i.author_tz,
                ),
                (
                    "committer",
                    &i.committer,
                    &i.committer_mail,
                    i.committer_time,
                    &i.committer_tz,
                ),
            ] {
                for (suffix, value) in [("", name), ("-mail", mail)] {
                    write!(buf, "{who}{suffix} ")?;
                    buf.extend_from_slice(value);
                    buf.push(b'\n');
                }
                write!(buf, "{who}-time {time}\n{who}-tz ")?;
                buf.extend_from_slice(tz);
                buf.push(b'\n');
            }
            buf.extend_from_slice(b"summary ");
            buf.extend_from_slice(&i.summary);
            buf.push(b'\n');
            if boundary {
                buf.extend_from_slice(b"boundary\n");
            }
        }
        let e = &self.blame.entries[ei];
        if repeat || first || self.blame.multi_path_commits.contains(&id) {
            if let Some((pid, ppath)) = &e.previous {
                write!(buf, "previous {pid} ")?;
                crate::diff::quote::write_name_terminated(ppath, self.quote_high, b'\n', buf);
            }
            buf.extend_from_slice(b"filename ");
            crate::diff::quote::write_name_terminated(&e.path, self.quote_high, b'\n', buf);
        }
        Ok(())
    }

    /// The default format and `-c`.
    fn default_format(&mut self, out: &mut dyn Write) -> Result<(), Fatal> {
        let show = self.show;
        let hex_len = self.repo.hash_kind().hex_len();
        // git's find_alignment.
        let mut longest_file = 0;
        let mut longest_author = 0;
        let mut longest_src = 0;
        let mut longest_dst = 0;
        let mut auto_abbrev = 0;
        let default_abbrev = revision::default_abbrev_len(self.repo);
        let entries = &self.blame.entries;
        let mut seen: IdMap<()> = IdMap::default();
        for e in entries {
            if show.abbrev.is_none() {
                let len = revision::abbreviate(self.repo, &e.commit, default_abbrev)?.len();
                auto_abbrev = auto_abbrev.max(len);
            }
            longest_file = longest_file.max(e.path.len());
            if seen.insert(e.commit, ()).is_none() {
                let i = self.info(&e.commit)?;
                let who = if show.email {
                    &i.author_mail
                } else {
                    &i.author
                };
                longest_author = longest_author.max(width(who));
            }
            longest_src = longest_src.max(e.orig_start + e.len);
            longest_dst = longest_dst.max(e.start + e.len);
        }
        let abbrev = match show.abbrev {
            None => auto_abbrev + 1,
            Some(0) => hex_len,
            Some(n) if n < hex_len => n + 1,
            Some(n) => n,
        };
        let max_orig = decimal_width(longest_src);
        let max_digits = decimal_width(longest_dst);
        let mut buf = Vec::new();
        for ei in 0..entries.len() {
            let e = &self.blame.entries[ei];
            let hex = e.commit.to_hex();
            let (who, time, tz) = {
                let i = self.info(&e.commit)?;
                let who = if show.email {
                    i.author_mail.clone()
                } else {
                    i.author.clone()
                };
                (who, i.author_time, i.author_tz.clone())
            };
            // The date is formatted where git formats it, so that where git dies on a
            // damaged date (after printing the line's start) oxgit does too.
            let mut time_text = None;
            let mut date = |buf: &mut Vec<u8>, out: &mut dyn Write| -> Result<String, Fatal> {
                if time_text.is_none() {
                    match self.format_time(time, &tz, show.raw_time) {
                        Ok(t) => time_text = Some(t),
                        Err(e) => {
                            out.write_all(buf)?;
                            return Err(e);
                        }
                    }
                }
                Ok(time_text.clone().unwrap_or_default())
            };
            let e = &self.blame.entries[ei];
            for k in 0..e.len {
                let mut length = if show.long { hex_len } else { abbrev };
                if e.boundary {
                    if show.blank_boundary {
                        buf.extend(std::iter::repeat_n(b' ', length));
                        length = 0;
                    } else if !show.annotate {
                        length -= 1;
                        buf.push(b'^');
                    }
                }
                buf.extend_from_slice(&hex.as_bytes()[..length.min(hex.len())]);
                if show.annotate {
                    let time_text = date(&mut buf, out)?;
                    buf.extend_from_slice(b"\t(");
                    pad_left(&mut buf, &who, 10);
                    buf.push(b'\t');
                    pad_left(&mut buf, time_text.as_bytes(), 10);
                    write!(buf, "\t{})", e.start + 1 + k)?;
                } else {
                    if show.name {
                        buf.push(b' ');
                        buf.extend_from_slice(&e.path);
                        buf.extend(std::iter::repeat_n(
                            b' ',
                            longest_file.saturating_sub(e.path.len()),
                        ));
                    }
                    if show.number {
                        write!(buf, " {:>w$}", e.orig_start + 1 + k, w = max_orig)?;
                    }
                    if !show.no_author {
                        let time_text = date(&mut buf, out)?;
                        buf.extend_from_slice(b" (");
                        buf.extend_from_slice(&who);
                        buf.extend(std::iter::repeat_n(
                            b' ',
                            longest_author.saturating_sub(width(&who)),
                        ));
                        buf.push(b' ');
                        pad_left(&mut buf, time_text.as_bytes(), 10);
                    }
                    write!(buf, " {:>w$}) ", e.start + 1 + k, w = max_digits)?;
                }
                push_line(&mut buf, self.blame.line((e.start + k) as usize));
            }
            out.write_all(&buf)?;
            buf.clear();
        }
        Ok(())
    }
}

/// A line of the file, with a newline even where the file's last line has none.
fn push_line(buf: &mut Vec<u8>, line: &[u8]) {
    buf.extend_from_slice(line);
    if !line.ends_with(b"\n") {
        buf.push(b'\n');
    }
}

/// `%*s`: `s` right-aligned in `w` bytes.
fn pad_left(buf: &mut Vec<u8>, s: &[u8], w: usize) {
    buf.extend(std::iter::repeat_n(b' ', w.saturating_sub(s.len())));
    buf.extend_from_slice(s);
}

/// Display width of a name (git's `utf8_strwidth`; characters counted).
fn width(s: &[u8]) -> usize {
    match std::str::from_utf8(s) {
        Ok(t) => t.chars().count(),
        Err(_) => s.len(),
    }
}

fn decimal_width(n: u32) -> usize {
    n.max(1).to_string().len()
}

/// git's `blame_date_width`: the widest date of `mode`, which shorter dates are padded to.
fn date_width(mode: &DateMode, clock: &Clock) -> usize {
    match &mode.style {
        DateStyle::Rfc2822 => "Thu, 19 Oct 2006 16:00:04 -0700".len(),
        DateStyle::IsoStrict => "2006-10-19T16:00:04-07:00".len(),
        DateStyle::Iso => "2006-10-19 16:00:04 -0700".len(),
        DateStyle::Raw => "1161298804 -0700".len(),
        DateStyle::Unix => "1161298804".len(),
        DateStyle::Short => "2006-10-19".len(),
        DateStyle::Relative => "4 years, 11 months ago".len(),
        DateStyle::Human => "Thu Oct 19 16:00".len(),
        DateStyle::Default => "Thu Oct 19 16:00:04 2006 -0700".len(),
        DateStyle::Strftime(_) => show_date(0, 0, mode, clock).len(),
    }
}
