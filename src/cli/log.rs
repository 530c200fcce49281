//! `oxgit log`: history in git's default order, filtered (`crate::revision::filter`) and
//! formatted (`crate::pretty`) as git does and, with the diff flags `diff` takes (one
//! shared table, `cli::diff_flags`), each commit's diff computed in parallel.

use super::diff_flags::DiffArgs;
use super::{Context, Fatal};
use crate::api::{GitText, History, HistoryRequest, Sections};
use crate::object::date::{Clock, DateMode};
use crate::oid::ObjectId;
use crate::pretty::{
    parse_pretty, Builtin, CommitInfo, Format, FormatSpec, Formatter, PrettyOptions,
};
use crate::refs::{Head, Refs};
use crate::repo::Repository;
use crate::revision::filter::{CommitFilter, FilterOptions};
use crate::revision::range::{parse_revisions, RangeError};
use crate::revision::walk::{WalkOptions, WalkedCommit};
use crate::revision::RevisionError;
use std::io::Write;

/// Parsed `log` options.
struct LogOptions {
    walk: WalkOptions,
    /// Format options as given (resolved against the repository's config in `run`).
    pretty: PrettyArgs,
    /// Commit filters as given.
    filter: FilterArgs,
    /// The diff flags (shared with `diff`).
    diff: DiffArgs,
    /// `--json`: one JSON object per commit, with its files and stats.
    json: bool,
    revs: Vec<String>,
    /// Paths after `--`, as given (relative to the working folder).
    paths: Vec<String>,
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
/// Runs `log`.
pub fn run(ctx: &mut Context<'_>) -> Result<i32, Fatal> {
    let repo = ctx.repo()?;
    let mut opts = parse_args(&ctx.args, DiffArgs::from_repo(&repo)?)?;
    opts.diff.options.paths =
        crate::api::relative_pathspec(&repo, &ctx.cwd, &opts.paths).map_err(super::diff::fatal)?;
    let revisions = match parse_revisions(&repo, &opts.revs) {
        Ok(r) => r,
        Err(RangeError::Revision(RevisionError::Unknown(spec))) => {
            // The default `HEAD` on a branch without commits: git's own message.
            if spec == "HEAD" && !ctx.args.iter().any(|a| a == "HEAD") {
                if let Ok(Head::Attached { name, id: None }) = Refs::new(&repo).head() {
                    let branch = name.strip_prefix("refs/heads/").unwrap_or(&name);
                    return Err(Fatal::new(format!(
                        "your current branch '{branch}' does not have any commits yet"
                    )));
                }
            }
            return Err(super::diff::unknown_revision(&spec));
        }
        Err(e) => return Err(Fatal::new(e.to_string())),
    };
    let (mut formatter, clock) = build_formatter(&repo, &opts.pretty)?;
    let filter = build_filter(&repo, &opts.filter, &clock, opts.pretty.mailmap)?;
    let spec = formatter.spec().clone();
    let oneline = spec.format == Format::Builtin(Builtin::Oneline);
    let empty_format = spec.is_empty();
    // `%S`: the revision each commit was reached from, passed on to parents as git's
    // walk does (exact only when every walked commit is visited: no paths, and every
    // revision a plain name).
    let want_source = spec.uses(b'S');
    let mut sources: std::collections::HashMap<ObjectId, std::sync::Arc<str>> =
        std::collections::HashMap::new();
    if want_source {
        let plain = opts
            .revs
            .iter()
            .all(|r| !r.starts_with('^') && !r.starts_with('-') && !r.contains(".."));
        if !opts.diff.options.paths.is_empty() || !plain || revisions.tips.len() != opts.revs.len()
        {
            return Err(Fatal::new(
                "log: %S with paths or revision ranges is not supported by oxgit",
            ));
        }
        for (tip, name) in revisions.tips.iter().zip(&opts.revs).rev() {
            sources.insert(tip.id, std::sync::Arc::from(name.as_str()));
        }
    }
    let sections = if opts.diff.no_output {
        Sections::NONE
    } else {
        opts.diff.sections
    };
    let diff_format = !sections.is_empty();
    let mut request = HistoryRequest::new(revisions.tips, opts.diff.options.clone());
    request.first_parent = opts.walk.first_parent;
    // `-n` and `--no-merges` count and filter shown commits after the other filters, as
    // git does.
    request.max_age = filter.max_age;
    // Formats showing only ids need no commit objects (the commit-graph has them).
    request.commit_data = spec.needs_commit_text() || filter.needs_text() || opts.json;
    let mut history = History::new(&repo, &request).map_err(super::diff::fatal)?;
    let max_count = opts.filter.max_count;
    let mut to_skip = opts.filter.skip;
    let mut shown = 0usize;
    let out = &mut *ctx.out;
    let style = opts.diff.style();
    // Commits are diffed in parallel batches; output stays in walk order (`--reverse`
    // holds them all).
    let batch = if opts.filter.reverse {
        usize::MAX
    } else if diff_format || opts.json {
        64
    } else {
        1
    };
    let mut pending: Vec<(WalkedCommit, Option<std::sync::Arc<str>>)> = Vec::new();
    let mut done = max_count == Some(0);
    while !done {
        match history.next_commit().map_err(super::diff::fatal)? {
            Some(c) => {
                let mut source = None;
                if want_source {
                    if let Some(src) = sources.get(&c.id).cloned() {
                        for p in &c.parents {
                            sources.entry(*p).or_insert_with(|| src.clone());
                        }
                        source = Some(src);
                    }
                }
                // git's commit_match greps the notes shown too, appended raw.
                let matched = match formatter.notes().filter(|_| filter.needs_text()) {
                    Some(notes) => {
                        let mut text = c.data.clone();
                        if !text.ends_with(b"\n") {
                            text.push(b'\n');
                        }
                        notes
                            .format(&repo, &c.id, true, &mut text)
                            .map_err(|e| Fatal::new(e.to_string()))?;
                        filter.matches(&text, c.parents.len(), c.commit_time)
                    }
                    None => filter.matches(&c.data, c.parents.len(), c.commit_time),
                };
                if !matched {
                    continue;
                }
                if to_skip > 0 {
                    to_skip -= 1;
                    continue;
                }
                shown += 1;
                done = max_count.is_some_and(|n| shown >= n);
                pending.push((c, source));
                if pending.len() < batch && !done {
                    continue;
                }
            }
            None => done = true,
        }
        if opts.filter.reverse {
            if !done {
                continue;
            }
            pending.reverse();
        }
        let commits: Vec<(WalkedCommit, Option<std::sync::Arc<str>>)> =
            std::mem::take(&mut pending);
        if opts.json {
            write_json(&history, &commits, out)?;
            continue;
        }
        let walked: Vec<WalkedCommit> = if diff_format {
            commits.iter().map(|(c, _)| c.clone()).collect()
        } else {
            Vec::new()
        };
        let mut diffs = history
            .diff_batch(&walked, || {
                GitText::new(&repo, sections, style.clone(), Vec::new())
            })
            .into_iter();
        for (c, source) in &commits {
            let mut info = CommitInfo::new(c.id, c.tree, &c.parents, &c.data);
            info.source = source.as_deref();
            let mut buf = Vec::new();
            formatter
                .write_entry(&info, &mut buf)
                .map_err(|e| Fatal::new(e.to_string()))?;
            out.write_all(&buf)?;
            let Some(diff) = diffs.next() else { continue };
            let Some((sink, outcome)) = diff.map_err(super::diff::fatal)? else {
                continue;
            };
            super::diff::print_warnings(&outcome.warnings);
            let text = sink.into_inner();
            if !text.is_empty() {
                // git's blank line between a verbose header and its diff, after a `---`
                // line when both a stat and the patch follow.
                if !oneline && !empty_format {
                    if sections.contains(Sections::STAT | Sections::PATCH) {
                        out.write_all(b"---")?;
                    }
                    out.write_all(b"\n")?;
                }
                out.write_all(&text)?;
            }
        }
    }
    Ok(0)
}

/// `log --json`: each commit as one line of JSON, with what it changed.
#[cfg(feature = "json")]
fn write_json(
    history: &History<'_>,
    commits: &[(WalkedCommit, Option<std::sync::Arc<str>>)],
    out: &mut dyn Write,
) -> Result<(), Fatal> {
    use crate::api::json::{CommitJson, FilesJson};
    let walked: Vec<WalkedCommit> = commits.iter().map(|(c, _)| c.clone()).collect();
    let diffs = history.diff_batch(&walked, FilesJson::default);
    for (c, d) in walked.iter().zip(diffs) {
        let files = d
            .map_err(super::diff::fatal)?
            .map(|(f, _)| (f.files, f.stats));
        serde_json::to_writer(&mut *out, &CommitJson::of(c, files))
            .map_err(|e| Fatal::new(e.to_string()))?;
        out.write_all(b"\n")?;
    }
    Ok(())
}

/// `log --json` without the `json` feature.
#[cfg(not(feature = "json"))]
fn write_json(
    _: &History<'_>,
    _: &[(WalkedCommit, Option<std::sync::Arc<str>>)],
    _: &mut dyn Write,
) -> Result<(), Fatal> {
    Err(Fatal::new(
        "log --json: oxgit was built without the json feature",
    ))
}

fn parse_args(args: &[String], diff: DiffArgs) -> Result<LogOptions, Fatal> {
    use crate::revision::regex::Syntax;
    let mut o = LogOptions {
        walk: WalkOptions::default(),
        pretty: PrettyArgs::default(),
        filter: FilterArgs::default(),
        diff,
        json: false,
        revs: Vec::new(),
        paths: Vec::new(),
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
        // `--abbrev=<n>` and `--no-abbrev` set both the commit and the diff abbreviation.
        if a == "--no-abbrev" {
            o.pretty.abbrev = Some(0);
        } else if let Some(v) = a.strip_prefix("--abbrev=") {
            let n = number(v, "--abbrev")?;
            o.pretty.abbrev = Some(if n == 0 { 0 } else { n.max(4) });
        }
        if super::diff_flags::parse_flag(&mut o.diff, args, &mut i)? {
            i += 1;
            continue;
        }
        match a {
            "--not" => o.revs.push(a.to_string()),
            "--json" => o.json = true,
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
            "--relative-date" => o.pretty.date = Some("relative".into()),
            "--expand-tabs" => o.pretty.expand_tabs = Some(8),
            "--no-expand-tabs" => o.pretty.expand_tabs = Some(0),
            "--notes" | "--show-notes" => o.pretty.notes = Some(true),
            "--no-notes" => o.pretty.notes = Some(false),
            "--decorate" => o.pretty.decorate = Some(Some("short".into())),
            "--no-decorate" => o.pretty.decorate = Some(None),
            "--use-mailmap" | "--mailmap" => o.pretty.mailmap = Some(true),
            "--no-use-mailmap" | "--no-mailmap" => o.pretty.mailmap = Some(false),
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
    if o.revs.iter().all(|r| r == "--not") {
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
