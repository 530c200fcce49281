//! `oxgit log`: history in git's default order, filtered (`crate::revision::filter`) and
//! formatted (`crate::pretty`) as git does and, with `--numstat`/`--stat`/`-p`, per-commit
//! diffs computed in parallel.

use super::{Context, Fatal};
use crate::object::date::{Clock, DateMode};
use crate::oid::ObjectId;
use crate::pretty::{
    parse_pretty, Builtin, CommitInfo, Format, FormatSpec, Formatter, PrettyOptions,
};
use crate::repo::Repository;
use crate::revision::filter::{CommitFilter, FilterOptions};
use crate::revision::walk::{walk, WalkOptions, WalkedCommit};
use rayon::prelude::*;
use std::io::Write;

/// Parsed `log` options.
struct LogOptions {
    walk: WalkOptions,
    /// Format options as given (resolved against the repository's config in `run`).
    pretty: PrettyArgs,
    /// Commit filters as given.
    filter: FilterArgs,
    /// Diff sections to show per commit (`cli::diff` section bits).
    diff_format: u32,
    revs: Vec<String>,
    /// Paths after `--`, as given (relative to the working folder).
    paths: Vec<String>,
    /// The same paths relative to the repository root.
    path_items: Vec<Vec<u8>>,
}

/// The format-related options of `log` (`--format`, `--date`, `--abbrev-commit`...).
#[derive(Default)]
struct PrettyArgs {
    /// `--pretty=`/`--format=` value; `Some(None)` for a bare `--pretty`.
    format: Option<Option<String>>,
    oneline: bool,
    abbrev_commit: Option<bool>,
    /// `--abbrev=<n>` (`Some(0)`: `--no-abbrev`).
    abbrev: Option<usize>,
    date: Option<String>,
    expand_tabs: Option<usize>,
    notes: Option<bool>,
    /// `--decorate[=<style>]` (`Some(None)`: `--no-decorate`).
    decorate: Option<Option<String>>,
    mailmap: Option<bool>,
}

/// The filter options of `log` (`--author`, `--grep`, `--since`...).
#[derive(Default)]
struct FilterArgs {
    authors: Vec<String>,
    committers: Vec<String>,
    greps: Vec<String>,
    syntax: Option<crate::revision::regex::Syntax>,
    ignore_case: bool,
    all_match: bool,
    invert_grep: bool,
    since: Option<String>,
    until: Option<String>,
    max_age: Option<i64>,
    min_age: Option<i64>,
    min_parents: Option<usize>,
    max_parents: Option<Option<usize>>,
    skip: usize,
    reverse: bool,
    max_count: Option<usize>,
}

/// Runs `log`.
pub fn run(ctx: &mut Context<'_>) -> Result<i32, Fatal> {
    let mut opts = parse_args(&ctx.args)?;
    let repo = ctx.repo()?;
    opts.path_items = super::diff::pathspec_items(&repo, &ctx.cwd, &opts.paths)?;
    opts.walk.paths = opts.path_items.clone();
    let mut starts = Vec::new();
    let mut start_names = Vec::new();
    for r in &opts.revs {
        let id = crate::revision::resolve(&repo, r).map_err(|_| {
            Fatal::new(format!(
                "ambiguous argument '{r}': unknown revision or path not in the working tree.\nUse '--' to separate paths from revisions, like this:\n'git <command> [<revision>...] -- [<file>...]'"
            ))
        })?;
        let id = peel_to_commit(&repo, id)?;
        starts.push(id);
        start_names.push((id, r.clone()));
    }
    let (mut formatter, clock) = build_formatter(&repo, &opts.pretty)?;
    let filter = build_filter(&repo, &opts.filter, &clock, opts.pretty.mailmap)?;
    let spec = formatter.spec().clone();
    let oneline = spec.format == Format::Builtin(Builtin::Oneline);
    let out = &mut *ctx.out;
    let quote_high = repo.config().get_bool("core.quotepath") != Some(false);
    let renames = match repo.config().get("diff.renames") {
        Some(v) if crate::config::parse_bool(v) == Some(false) => None,
        _ => Some(crate::diff::RenameOptions {
            rename_limit: repo
                .config()
                .get_int("diff.renamelimit")
                .unwrap_or(crate::diff::rename::DEFAULT_RENAME_LIMIT),
            ..Default::default()
        }),
    };
    let empty_format = spec.is_empty();
    // `%S`: the revision each commit was reached from, passed on to parents as git's
    // walk does (exact only when every walked commit is visited, i.e. without paths).
    let want_source = spec.uses(b'S');
    if want_source && !opts.walk.paths.is_empty() {
        return Err(Fatal::new("log: %S with paths is not supported by oxgit"));
    }
    let mut sources: std::collections::HashMap<ObjectId, std::sync::Arc<str>> = start_names
        .iter()
        .rev()
        .map(|(id, name)| (*id, std::sync::Arc::from(name.as_str())))
        .collect();
    // Formats showing only ids need no commit objects (the commit-graph has them).
    let mut walk_opts = opts.walk.clone();
    walk_opts.skip_data = !spec.needs_commit_text() && !filter.needs_text();
    walk_opts.max_age = filter.max_age;
    // `-n` counts shown commits after filtering, as git does.
    walk_opts.max_count = None;
    walk_opts.no_merges = false;
    let max_count = opts.filter.max_count;
    let mut to_skip = opts.filter.skip;
    let mut shown = 0usize;
    let mut pending: Vec<(WalkedCommit, Option<std::sync::Arc<str>>)> = Vec::new();
    let mut flush = |pending: &mut Vec<(WalkedCommit, Option<std::sync::Arc<str>>)>,
                     out: &mut dyn Write|
     -> Result<(), Fatal> {
        let stats: Vec<Result<Vec<u8>, Fatal>> = if opts.diff_format != 0 {
            pending
                .par_iter()
                .map_init(crate::api::Worker::default, |w, (c, _)| {
                    commit_diff(&repo, c, &opts, renames.as_ref(), quote_high, w)
                })
                .collect()
        } else {
            Vec::new()
        };
        let mut stats = stats.into_iter();
        for (c, source) in pending.drain(..) {
            let mut info = CommitInfo::new(c.id, c.tree, &c.parents, &c.data);
            info.source = source.as_deref();
            let mut buf = Vec::new();
            formatter
                .write_entry(&info, &mut buf)
                .map_err(|e| Fatal::new(e.to_string()))?;
            out.write_all(&buf)?;
            if let Some(numstat) = stats.next() {
                let numstat = numstat?;
                if !numstat.is_empty() {
                    // git's blank line between a verbose header and its diff, after a
                    // `---` line when both a stat and the patch follow.
                    if !oneline && !empty_format {
                        let pch = super::diff::STAT | super::diff::PATCH;
                        if opts.diff_format & pch == pch {
                            out.write_all(b"---")?;
                        }
                        out.write_all(b"\n")?;
                    }
                    out.write_all(&numstat)?;
                }
            }
        }
        Ok(())
    };
    // Commits are diffed in parallel batches; output stays in walk order.
    let batch = if opts.diff_format != 0 && !opts.filter.reverse {
        64
    } else if opts.filter.reverse {
        usize::MAX
    } else {
        1
    };
    let mut failure = None;
    if max_count != Some(0) {
        walk(&repo, &starts, &walk_opts, |c| {
            let mut current_source = None;
            if want_source {
                let src = sources.get(&c.id).cloned();
                if let Some(src) = src {
                    for p in &c.parents {
                        sources.entry(*p).or_insert_with(|| src.clone());
                    }
                    current_source = Some(src);
                }
            }
            if !filter.matches(&c.data, c.parents.len(), c.commit_time) {
                return Ok(true);
            }
            if to_skip > 0 {
                to_skip -= 1;
                return Ok(true);
            }
            shown += 1;
            pending.push((c, current_source.take()));
            if pending.len() >= batch {
                if let Err(f) = flush(&mut pending, out) {
                    failure = Some(f);
                    return Ok(false);
                }
            }
            Ok(max_count.is_none_or(|n| shown < n))
        })
        .map_err(|e| Fatal::new(e.to_string()))?;
    }
    if let Some(f) = failure {
        return Err(f);
    }
    if opts.filter.reverse {
        pending.reverse();
    }
    flush(&mut pending, out)?;
    Ok(0)
}

/// The diff sections of one commit against its first parent (root commits against the
/// empty tree). Merges show no diff, as in git's default, unless `--first-parent` is given
/// (which implies `--diff-merges=first-parent`).
fn commit_diff(
    repo: &Repository,
    c: &WalkedCommit,
    opts: &LogOptions,
    renames: Option<&crate::diff::RenameOptions>,
    quote_high: bool,
    worker: &mut crate::api::Worker,
) -> Result<Vec<u8>, Fatal> {
    use super::diff::{NUMSTAT, PATCH, SHORTSTAT, STAT};
    if c.parents.len() > 1 && !opts.walk.first_parent {
        return Ok(Vec::new());
    }
    let parent_tree = match c.parents.first() {
        Some(p) => Some(
            WalkedCommit::read(repo, *p)
                .map_err(|e| Fatal::new(e.to_string()))?
                .tree,
        ),
        None => None,
    };
    let outcome = crate::api::changes_between_ids(
        repo,
        parent_tree.as_ref(),
        Some(&c.tree),
        &crate::api::ChangeOptions {
            paths: opts.path_items.clone(),
            renames: renames.cloned(),
        },
    )
    .map_err(|e| Fatal::new(e.to_string()))?;
    let differ = crate::api::Differ::new(
        repo,
        crate::api::DiffOptions {
            patch: opts.diff_format & PATCH != 0,
            ..Default::default()
        },
    );
    let mut numstat = Vec::new();
    let mut stats = Vec::new();
    let mut patch = Vec::new();
    for change in &outcome.changes {
        let f = differ
            .diff_single(worker, change)
            .map_err(|e| Fatal::new(e.to_string()))?;
        patch.extend_from_slice(&f.patch);
        if f.is_empty_modification() {
            continue;
        }
        if opts.diff_format & NUMSTAT != 0 {
            super::diff::write_numstat_of(&f, b'\n', quote_high, &mut numstat);
        }
        if opts.diff_format & (STAT | SHORTSTAT) != 0 {
            stats.push(super::diff::stat_of(&f, quote_high));
        }
    }
    let mut out = numstat;
    if opts.diff_format & STAT != 0 {
        crate::diff::stat::write_stat(&mut out, &stats, &crate::diff::stat::StatOptions::default());
    } else if opts.diff_format & SHORTSTAT != 0 {
        crate::diff::stat::write_shortstat(&mut out, &stats);
    }
    if !patch.is_empty() {
        if !out.is_empty() {
            out.push(b'\n');
        }
        out.extend_from_slice(&patch);
    }
    Ok(out)
}

impl From<std::io::Error> for crate::revision::walk::WalkError {
    fn from(e: std::io::Error) -> Self {
        crate::revision::walk::WalkError::BadCommit {
            id: ObjectId::Sha1([0; 20]),
            what: format!("write error: {e}"),
        }
    }
}

/// Follows tags to the commit a start revision names.
fn peel_to_commit(repo: &Repository, mut id: ObjectId) -> Result<ObjectId, Fatal> {
    use crate::object::{ObjectKind, Tag};
    for _ in 0..64 {
        let obj = repo.odb().read(&id)?;
        match obj.kind {
            ObjectKind::Commit => return Ok(id),
            ObjectKind::Tag => id = Tag::parse(&obj.data)?.object,
            _ => {
                return Err(Fatal::new(format!(
                    "object {id} is a {}, not a commit",
                    obj.kind
                )))
            }
        }
    }
    Err(Fatal::new("tag chain too deep"))
}

fn parse_args(args: &[String]) -> Result<LogOptions, Fatal> {
    use crate::revision::regex::Syntax;
    let mut o = LogOptions {
        walk: WalkOptions::default(),
        pretty: PrettyArgs::default(),
        filter: FilterArgs::default(),
        diff_format: 0,
        revs: Vec::new(),
        paths: Vec::new(),
        path_items: Vec::new(),
    };
    let mut i = 0;
    let count = |s: &str| -> Result<usize, Fatal> {
        s.parse::<i64>()
            .map(|n| if n < 0 { usize::MAX } else { n as usize })
            .map_err(|_| Fatal::new(format!("'{s}': not an integer")))
    };
    let number = |s: &str, what: &str| -> Result<usize, Fatal> {
        s.parse::<usize>()
            .map_err(|_| Fatal::new(format!("{what} requires an integer argument")))
    };
    // Options taking a value as `--opt=value` or `--opt value` (git's parse_long_opt).
    const LONG_VALUE: &[&str] = &[
        "--author",
        "--committer",
        "--grep",
        "--since",
        "--after",
        "--until",
        "--before",
        "--max-age",
        "--min-age",
        "--date",
        "--skip",
        "--min-parents",
        "--max-parents",
    ];
    while i < args.len() {
        let a = args[i].as_str();
        let (name, value): (&str, Option<String>) = match a.split_once('=') {
            Some((n, v)) if LONG_VALUE.contains(&n) => (n, Some(v.to_string())),
            _ if LONG_VALUE.contains(&a) => {
                i += 1;
                let v = args.get(i).ok_or_else(|| {
                    Fatal::usage(format!("option '{}' requires a value", &a[2..]))
                })?;
                (a, Some(v.clone()))
            }
            _ => (a, None),
        };
        if let Some(v) = value {
            let f = &mut o.filter;
            match name {
                "--author" => f.authors.push(v),
                "--committer" => f.committers.push(v),
                "--grep" => f.greps.push(v),
                "--since" | "--after" => f.since = Some(v),
                "--until" | "--before" => f.until = Some(v),
                "--max-age" => f.max_age = Some(i64::from(atoi(&v))),
                "--min-age" => f.min_age = Some(i64::from(atoi(&v))),
                "--date" => o.pretty.date = Some(v),
                "--skip" => f.skip = number(&v, "--skip")?,
                "--min-parents" => f.min_parents = Some(number(&v, "--min-parents")?),
                _ => f.max_parents = Some(Some(number(&v, "--max-parents")?)),
            }
            i += 1;
            continue;
        }
        match a {
            "--numstat" => o.diff_format |= super::diff::NUMSTAT,
            "--stat" => o.diff_format |= super::diff::STAT,
            "--shortstat" => o.diff_format |= super::diff::SHORTSTAT,
            "-p" | "-u" | "--patch" => o.diff_format |= super::diff::PATCH,
            "--oneline" => {
                o.pretty.oneline = true;
                o.pretty.format = None;
            }
            "--pretty" => {
                o.pretty.oneline = false;
                o.pretty.format = Some(None);
            }
            "--abbrev-commit" => o.pretty.abbrev_commit = Some(true),
            "--no-abbrev-commit" => o.pretty.abbrev_commit = Some(false),
            "--no-abbrev" => o.pretty.abbrev = Some(0),
            "--relative-date" => o.pretty.date = Some("relative".into()),
            "--expand-tabs" => o.pretty.expand_tabs = Some(8),
            "--no-expand-tabs" => o.pretty.expand_tabs = Some(0),
            "--notes" | "--show-notes" => o.pretty.notes = Some(true),
            "--no-notes" => o.pretty.notes = Some(false),
            "--decorate" => o.pretty.decorate = Some(Some("short".into())),
            "--no-decorate" => o.pretty.decorate = Some(None),
            "--use-mailmap" | "--mailmap" => o.pretty.mailmap = Some(true),
            "--no-use-mailmap" | "--no-mailmap" => o.pretty.mailmap = Some(false),
            "--no-color" | "--color=never" => {}
            "-i" | "--regexp-ignore-case" => o.filter.ignore_case = true,
            "-E" | "--extended-regexp" => o.filter.syntax = Some(Syntax::Extended),
            "-F" | "--fixed-strings" => o.filter.syntax = Some(Syntax::Fixed),
            "-P" | "--perl-regexp" => o.filter.syntax = Some(Syntax::Perl),
            "--basic-regexp" => o.filter.syntax = Some(Syntax::Basic),
            "--all-match" => o.filter.all_match = true,
            "--no-all-match" => o.filter.all_match = false,
            "--invert-grep" => o.filter.invert_grep = true,
            "--no-invert-grep" => o.filter.invert_grep = false,
            "--merges" => o.filter.min_parents = Some(2),
            "--no-merges" => o.filter.max_parents = Some(Some(1)),
            "--no-min-parents" => o.filter.min_parents = Some(0),
            "--no-max-parents" => o.filter.max_parents = Some(None),
            "--reverse" => o.filter.reverse = !o.filter.reverse,
            "--first-parent" => o.walk.first_parent = true,
            "-n" | "--max-count" => {
                i += 1;
                let v = args
                    .get(i)
                    .ok_or_else(|| Fatal::usage("-n requires a value"))?;
                o.filter.max_count = Some(count(v)?);
            }
            "--" => {
                o.paths.extend(args[i + 1..].iter().cloned());
                break;
            }
            _ if a.starts_with("--max-count=") => o.filter.max_count = Some(count(&a[12..])?),
            _ if a.starts_with("-n") && a.len() > 2 => o.filter.max_count = Some(count(&a[2..])?),
            _ if a.len() > 1
                && a.starts_with('-')
                && a[1..].bytes().all(|b| b.is_ascii_digit()) =>
            {
                o.filter.max_count = Some(count(&a[1..])?)
            }
            _ if a.starts_with("--format=") || a.starts_with("--pretty=") => {
                o.pretty.oneline = false;
                o.pretty.format = Some(Some(a[9..].to_string()));
            }
            _ if a.starts_with("--abbrev=") => {
                let n = number(&a[9..], "--abbrev")?;
                o.pretty.abbrev = Some(if n == 0 { 0 } else { n.max(4) });
            }
            _ if a.starts_with("--expand-tabs=") => {
                o.pretty.expand_tabs = Some(number(&a[14..], "--expand-tabs")?)
            }
            _ if a.starts_with("--decorate=") => {
                let v = &a[11..];
                o.pretty.decorate = match v {
                    "short" | "full" | "auto" => Some(Some(v.to_string())),
                    "no" => Some(None),
                    _ => return Err(Fatal::new(format!("invalid --decorate option: {v}"))),
                };
            }
            _ if a.starts_with('-') => {
                return Err(Fatal::new(format!(
                    "log: option '{a}' is not supported yet"
                )))
            }
            _ => o.revs.push(a.to_string()),
        }
        i += 1;
    }
    if o.revs.is_empty() {
        o.revs.push("HEAD".to_string());
    }
    Ok(o)
}

/// C's `atoi` (git reads `--max-age=`/`--min-age=` with it).
fn atoi(s: &str) -> i32 {
    let t = s.trim_start();
    let (neg, d) = match t.as_bytes().first() {
        Some(b'-') => (true, &t[1..]),
        Some(b'+') => (false, &t[1..]),
        _ => (false, t),
    };
    let n: i64 = d
        .bytes()
        .take_while(u8::is_ascii_digit)
        .fold(0i64, |v, b| (v * 10 + i64::from(b - b'0')).min(1 << 40));
    (if neg { -n } else { n }) as i32
}

/// The formatter for `log`'s format options and the repository's config (`format.pretty`,
/// `log.date`, `log.abbrevCommit`, `log.mailmap`, `log.decorate`), and the clock used.
fn build_formatter<'r>(
    repo: &'r Repository,
    p: &PrettyArgs,
) -> Result<(Formatter<'r>, Clock), Fatal> {
    use std::io::IsTerminal;
    let config = repo.config();
    let pretty_err = |e: crate::pretty::PrettyError| Fatal::new(e.to_string());
    let spec = if p.oneline {
        FormatSpec::oneline()
    } else {
        match &p.format {
            Some(Some(f)) => parse_pretty(f, config).map_err(pretty_err)?,
            Some(None) => FormatSpec {
                given: true,
                ..FormatSpec::medium()
            },
            None => match config.get("format.pretty") {
                Some(f) => FormatSpec {
                    given: false,
                    ..parse_pretty(f, config).map_err(pretty_err)?
                },
                None => FormatSpec::medium(),
            },
        }
    };
    let on_terminal = std::io::stdout().is_terminal();
    let mut opts = PrettyOptions::for_repo(repo);
    let date = p
        .date
        .clone()
        .or_else(|| config.get("log.date").map(str::to_string));
    if let Some(d) = date {
        opts.date = Some(
            DateMode::parse_with_terminal(&d, on_terminal)
                .map_err(|e| Fatal::new(e.to_string()))?,
        );
    }
    let raw = spec.format == Format::Builtin(Builtin::Raw) && spec.given;
    opts.abbrev_commit = p.oneline
        || p.abbrev_commit
            .unwrap_or(!raw && config.get_bool("log.abbrevCommit") == Some(true));
    if let Some(n) = p.abbrev {
        opts.abbrev = (n > 0).then_some(n);
    }
    opts.expand_tabs = p.expand_tabs;
    if let Some(m) = p.mailmap {
        opts.use_mailmap = m;
    }
    opts.show_notes = p.notes.unwrap_or(!spec.given);
    let decorate = match &p.decorate {
        Some(d) => d.clone(),
        None if raw => None,
        None => match config.get("log.decorate") {
            Some(v) => match v.to_ascii_lowercase().as_str() {
                "full" => Some("full".into()),
                "short" => Some("short".into()),
                "auto" => Some("auto".into()),
                other => match crate::config::parse_bool(other) {
                    Some(true) => Some("short".into()),
                    _ => None,
                },
            },
            None => Some("auto".into()),
        },
    };
    opts.decorate = match decorate.as_deref() {
        Some("auto") if !on_terminal => None,
        Some(style) => Some(crate::pretty::DecorationStyle {
            full: style == "full",
            ..Default::default()
        }),
        None => None,
    };
    let clock = opts.clock.clone();
    let f = Formatter::new(repo, spec, opts).map_err(pretty_err)?;
    Ok((f, clock))
}

/// The commit filter for `log`'s filter options (`grep.patternType`,
/// `grep.extendedRegexp` and the mailmap from config).
fn build_filter(
    repo: &Repository,
    f: &FilterArgs,
    clock: &Clock,
    mailmap: Option<bool>,
) -> Result<CommitFilter, Fatal> {
    use crate::revision::regex::Syntax;
    let config = repo.config();
    let syntax = f.syntax.unwrap_or_else(|| {
        match config
            .get("grep.patternType")
            .map(str::to_ascii_lowercase)
            .as_deref()
        {
            Some("extended") => Syntax::Extended,
            Some("fixed") => Syntax::Fixed,
            Some("perl") => Syntax::Perl,
            Some("basic") => Syntax::Basic,
            _ if config.get_bool("grep.extendedRegexp") == Some(true) => Syntax::Extended,
            _ => Syntax::Basic,
        }
    });
    let use_mailmap = mailmap.unwrap_or(config.get_bool("log.mailmap") != Some(false));
    let headers = !f.authors.is_empty() || !f.committers.is_empty();
    let map = if use_mailmap && headers {
        Some(crate::pretty::Mailmap::load(repo).map_err(|e| Fatal::new(e.to_string()))?)
    } else {
        None
    };
    let max_age = match &f.since {
        Some(s) => Some(crate::object::date::approxidate(s, clock).0),
        None => f.max_age,
    };
    let min_age = match &f.until {
        Some(s) => Some(crate::object::date::approxidate(s, clock).0),
        None => f.min_age,
    };
    CommitFilter::new(FilterOptions {
        authors: f.authors.clone(),
        committers: f.committers.clone(),
        greps: f.greps.clone(),
        syntax,
        ignore_case: f.ignore_case,
        all_match: f.all_match,
        invert_grep: f.invert_grep,
        max_age,
        min_age,
        min_parents: f.min_parents.unwrap_or(0),
        max_parents: f.max_parents.flatten(),
        mailmap: map,
    })
    .map_err(|e| Fatal::new(e.to_string()))
}
