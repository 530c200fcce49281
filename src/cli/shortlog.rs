//! `oxgit shortlog`: the commits of a revision walk grouped by author (or committer, or
//! a format), as git 2.47 prints them (`pretty::shortlog`). With no revision and a
//! standard input that is not a terminal, git (and oxgit) summarise a `git log` read
//! from standard input instead. The walk and its options are `rev-list`'s.

use super::rev_args::{self, Porcelain, RevArgs, Selector};
use super::{Context, Fatal};
use crate::api::{DiffOptions, History, HistoryRequest};
use crate::pretty::shortlog::{Shortlog, ShortlogOptions, DEFAULT_WRAP};
use crate::pretty::{CommitInfo, Formatter};
use crate::repo::Repository;

/// git's usage text for `shortlog`.
pub(super) const USAGE: &str =
    "usage: oxgit shortlog [<options>] [<revision-range>] [[--] <path>...]
   or: oxgit log --pretty=short | oxgit shortlog [<options>]

    -c, --[no-]committer  group by committer rather than author
    -n, --[no-]numbered   sort output according to the number of commits per author
    -s, --[no-]summary    suppress commit descriptions, only provides commit count
    -e, --[no-]email      show the email address of each author
    -w[<w>[,<i1>[,<i2>]]] linewrap output
    --[no-]group <field>  group by field

";

/// What the groups are made of (git's `--group`).
#[derive(Clone, Debug, PartialEq, Eq)]
enum GroupBy {
    Author,
    Committer,
    /// `--group=format:<format>`.
    Format(String),
}

/// git's `parse_wrap_args` for `-w<value>`: `None` for a usage error.
fn parse_wrap(v: &str) -> Option<(i64, i64, i64)> {
    let mut parts = v.splitn(3, ',');
    let mut next = |default: i64| -> Option<i64> {
        match parts.next() {
            None | Some("") => Some(default),
            Some(s) => s.parse::<i64>().ok(),
        }
    };
    let (w, i1, i2) = (
        next(DEFAULT_WRAP.0)?,
        next(DEFAULT_WRAP.1)?,
        next(DEFAULT_WRAP.2)?,
    );
    if w < 0 || i1 < 0 || i2 < 0 || (w != 0 && ((i1 != 0 && w <= i1) || (i2 != 0 && w <= i2))) {
        return None;
    }
    Some((w, i1, i2))
}

/// Runs `shortlog`.
pub fn run(ctx: &mut Context<'_>) -> Result<i32, Fatal> {
    let mut opts = ShortlogOptions::default();
    let mut email = false;
    let mut groups: Vec<GroupBy> = Vec::new();
    let mut rev = RevArgs::default();
    let mut paths: Vec<String> = Vec::new();
    let args = ctx.args.clone();
    let wrap_usage = || {
        eprintln!("error: -w[<width>[,<indent1>[,<indent2>]]]");
        super::options::usage_error("", USAGE)
    };
    let mut i = 0;
    while i < args.len() {
        let a = args[i].as_str();
        // Bundled short options of shortlog's own (`-sne`, `-w80,4,8` last).
        if let Some(flags) = a.strip_prefix('-').filter(|f| {
            !f.starts_with('-')
                && !f.is_empty()
                && f.split('w')
                    .next()
                    .unwrap_or("")
                    .chars()
                    .all(|c| "cnse".contains(c))
                && (f.contains('w') || f.chars().all(|c| "cnse".contains(c)))
        }) {
            let (bundle, wrap) = match flags.find('w') {
                Some(k) => (&flags[..k], Some(&flags[k + 1..])),
                None => (flags, None),
            };
            for c in bundle.chars() {
                match c {
                    'c' => groups.push(GroupBy::Committer),
                    'n' => opts.numbered = true,
                    's' => opts.summary = true,
                    _ => email = true,
                }
            }
            if let Some(w) = wrap {
                opts.wrap = if w.is_empty() {
                    Some(DEFAULT_WRAP)
                } else {
                    match parse_wrap(w) {
                        Some(x) => Some(x),
                        None => return Ok(wrap_usage()),
                    }
                };
            }
            i += 1;
            continue;
        }
        match a {
            "--committer" => groups.push(GroupBy::Committer),
            "--no-committer" => groups.retain(|g| *g != GroupBy::Committer),
            "--numbered" => opts.numbered = true,
            "--no-numbered" => opts.numbered = false,
            "--summary" => opts.summary = true,
            "--no-summary" => opts.summary = false,
            "--email" => email = true,
            "--no-email" => email = false,
            "--no-group" => groups.clear(),
            "--group" | "--group=" if a == "--group=" || i + 1 < args.len() => {
                let v = if a == "--group" {
                    i += 1;
                    args[i].as_str()
                } else {
                    ""
                };
                match group_of(v) {
                    Ok(g) => groups.push(g),
                    Err(code) => return code,
                }
            }
            "--group" => {
                return Ok(super::options::usage_error(
                    "option `group' requires a value",
                    USAGE,
                ))
            }
            _ if a.starts_with("--group=") => match group_of(&a["--group=".len()..]) {
                Ok(g) => groups.push(g),
                Err(code) => return code,
            },
            "--" => {
                rev.dashdash = true;
                paths.extend(args[i + 1..].iter().cloned());
                break;
            }
            _ => {
                if super::walk_opts::parse(&mut rev, &args, &mut i, false)?
                    || rev_args::parse_option(&mut rev, &args, &mut i)?
                {
                    i += 1;
                    continue;
                }
                if a.starts_with('-') && a.len() > 1 {
                    return Ok(super::options::usage_error(
                        &format!("shortlog: option '{a}' is not supported by oxgit"),
                        USAGE,
                    ));
                }
                rev.revs.push(a.to_string());
            }
        }
        i += 1;
    }
    if groups.is_empty() {
        groups.push(GroupBy::Author);
    }
    let mut shortlog = Shortlog::new(opts);
    let repo = ctx.repo()?;
    let split = rev_args::split_paths(&repo, &ctx.cwd, &mut rev, false)?;
    paths.splice(0..0, split);
    let stdin_tty = rustix::termios::isatty(std::io::stdin());
    if rev.revs.is_empty() && !stdin_tty {
        // git summarises the log on standard input.
        let by_committer = match groups.as_slice() {
            [GroupBy::Author] => false,
            [GroupBy::Committer] => true,
            [GroupBy::Format(_)] => {
                return Err(Fatal::new(
                    "using --group=format with stdin is not supported",
                ))
            }
            _ => {
                return Err(Fatal::new(
                    "using multiple --group options with stdin is not supported",
                ))
            }
        };
        let mut text = Vec::new();
        ctx.stdin.read_to_end(&mut text)?;
        let mailmap = crate::pretty::Mailmap::load(&repo).map_err(|e| Fatal::new(e.to_string()))?;
        shortlog.read_log_text(&text, by_committer, email, &mailmap);
    } else {
        if rev.revs.is_empty() {
            rev.revs.push("HEAD".to_string());
        }
        walk(&repo, ctx, &mut rev, &paths, &groups, email, &mut shortlog)?;
    }
    let mut out = Vec::new();
    shortlog.write(&mut out);
    ctx.out.write_all(&out)?;
    Ok(0)
}

/// A `--group` value, or the exit code of git's error for it.
fn group_of(v: &str) -> Result<GroupBy, Result<i32, Fatal>> {
    let lower = v.to_ascii_lowercase();
    if lower == "author" {
        Ok(GroupBy::Author)
    } else if lower == "committer" {
        Ok(GroupBy::Committer)
    } else if let Some(f) = v.strip_prefix("format:") {
        Ok(GroupBy::Format(f.to_string()))
    } else if lower.starts_with("trailer:") {
        Err(Err(Fatal::new(
            "shortlog --group=trailer:<key> is not supported by oxgit",
        )))
    } else {
        eprintln!("error: unknown group type: {v}");
        Err(Ok(super::options::usage_error("", USAGE)))
    }
}

/// Walks the revisions as `rev-list` does and inserts each commit shown into `shortlog`.
fn walk(
    repo: &Repository,
    ctx: &Context<'_>,
    rev: &mut RevArgs,
    paths: &[String],
    groups: &[GroupBy],
    email: bool,
    shortlog: &mut Shortlog,
) -> Result<(), Fatal> {
    if rev.graph || rev.boundary {
        return Err(Fatal::new(
            "shortlog: --graph and --boundary are not supported by oxgit",
        ));
    }
    let paths = super::pathspec_items(repo, &ctx.cwd, paths)?;
    let Some(simplify) = rev_args::simplify_request(
        repo,
        rev,
        !paths.is_empty(),
        false,
        false,
        Porcelain::RevList,
    )?
    else {
        return Err(Fatal::new("shortlog: bad history simplification options"));
    };
    rev_args::check_simplify(rev, &simplify, !paths.is_empty())?;
    super::walk_opts::refuse(rev, !paths.is_empty())?;
    let revisions = rev_args::revisions(repo, rev)?;
    // The subject: `%s`, or the user's `--format` (other pretty formats are ignored).
    let user_format = match &rev.pretty.format {
        Some(Some(f)) => {
            let f = f
                .strip_prefix("format:")
                .or_else(|| f.strip_prefix("tformat:"))
                .or_else(|| f.contains('%').then_some(f.as_str()));
            f.map(str::to_string)
        }
        _ => None,
    };
    let pretty_err = |e: crate::pretty::PrettyError| Fatal::new(e.to_string());
    let (_, clock) = rev_args::build_formatter(repo, &rev.pretty, Porcelain::RevList, None)?;
    let formatter = |format: &str| -> Result<Formatter<'_>, Fatal> {
        let mut p = rev_args::PrettyArgs {
            format: Some(Some(format!("format:{format}"))),
            ..Default::default()
        };
        p.date = rev.pretty.date.clone();
        p.abbrev = rev.pretty.abbrev;
        Ok(rev_args::build_formatter(repo, &p, Porcelain::RevList, None)?.0)
    };
    let mut subject = formatter(user_format.as_deref().unwrap_or("%s"))?;
    let mut group_formats: Vec<Formatter<'_>> = Vec::new();
    for g in groups {
        let f = match g {
            GroupBy::Author if email => "%aN <%aE>".to_string(),
            GroupBy::Author => "%aN".to_string(),
            GroupBy::Committer if email => "%cN <%cE>".to_string(),
            GroupBy::Committer => "%cN".to_string(),
            GroupBy::Format(f) => f.clone(),
        };
        group_formats.push(formatter(&f)?);
    }
    let mailmap = rev_args::filter_mailmap(repo, &rev.pretty, Porcelain::RevList);
    let filter = rev_args::build_filter(repo, &rev.filter, &clock, mailmap)?;
    let mut request = HistoryRequest::new(
        revisions.walk_tips(),
        DiffOptions::default().with_paths(paths),
    );
    request.first_parent = rev.first_parent;
    request.order = if revisions.no_walk.is_some() || rev.walk.author_date_order {
        crate::revision::walk::Order::Date
    } else {
        rev.order
    };
    request.simplify = simplify;
    request.max_age = filter.max_age;
    request.min_age = filter.min_age;
    request.commit_data = true;
    let mut history = History::new(repo, &request).map_err(super::diff::fatal)?;
    let (ahead, _marks) =
        super::walk_opts::read_ahead(repo, rev, &revisions, &mut history, filter.min_age, false)?;
    let mut selector = Selector::new(filter, &rev.filter);
    if let Some(list) = ahead {
        selector.preload(repo, list, None)?;
    }
    let mut commits = Vec::new();
    while let Some(c) = selector.next(repo, &mut history, None, &mut |_| {})? {
        commits.push(c);
    }
    if rev.filter.reverse {
        commits.reverse();
    }
    let mut line = Vec::new();
    let mut names: Vec<Vec<u8>> = Vec::new();
    for c in &commits {
        let info = CommitInfo::new(c.id, c.tree, &c.parents, &c.data);
        line.clear();
        if !shortlog.summary() {
            subject
                .write_message(&info, &mut line)
                .map_err(pretty_err)?;
        }
        let oneline: &[u8] = if line.is_empty() { b"<none>" } else { &line };
        names.clear();
        for f in group_formats.iter_mut() {
            let mut name = Vec::new();
            f.write_message(&info, &mut name).map_err(pretty_err)?;
            // With several groups a commit counts once per distinct name.
            if !names.contains(&name) {
                shortlog.insert(&name, oneline);
                names.push(name);
            }
        }
    }
    Ok(())
}
