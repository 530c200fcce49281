//! `oxgit log`: history in git's default order, filtered (`crate::revision::filter`) and
//! formatted (`crate::pretty`) as git does and, with the diff flags `diff` takes (one
//! shared table, `cli::diff_flags`), each commit's diff computed in parallel.

use super::diff_flags::DiffArgs;
use super::rev_args::{self, Porcelain, RevArgs, Selector};
use super::{Context, Fatal};
use crate::api::{GitText, History, HistoryRequest, Sections};
use crate::oid::ObjectId;
use crate::pretty::{Builtin, CommitInfo, Format};
use crate::revision::walk::WalkedCommit;
use std::io::Write;

/// Parsed `log` options.
struct LogOptions {
    /// The walk, filter and format options (shared with `rev-list`).
    rev: RevArgs,
    /// The diff flags (shared with `diff`).
    diff: DiffArgs,
    /// `--json`: one JSON object per commit, with its files and stats.
    json: bool,
    /// Paths after `--`, as given (relative to the working folder).
    paths: Vec<String>,
}

/// Runs `log`.
pub fn run(ctx: &mut Context<'_>) -> Result<i32, Fatal> {
    let repo = ctx.repo()?;
    let mut opts = parse_args(&ctx.args, DiffArgs::from_repo(&repo)?)?;
    opts.diff.options.paths =
        crate::api::relative_pathspec(&repo, &ctx.cwd, &opts.paths).map_err(super::diff::fatal)?;
    if opts.rev.order != crate::revision::walk::Order::Date && !opts.diff.options.paths.is_empty() {
        // git sorts the simplified history then, hidden commits included.
        return Err(Fatal::new(
            "--topo-order and --date-order with paths are not supported by oxgit",
        ));
    }
    let revisions = rev_args::revisions(&repo, &opts.rev)?;
    let (mut formatter, clock) =
        rev_args::build_formatter(&repo, &opts.rev.pretty, Porcelain::Log)?;
    let mailmap = rev_args::filter_mailmap(&repo, &opts.rev.pretty, Porcelain::Log);
    let filter = rev_args::build_filter(&repo, &opts.rev.filter, &clock, mailmap)?;
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
            .rev
            .revs
            .iter()
            .all(|r| !r.starts_with('^') && !r.starts_with('-') && !r.contains(".."));
        if !opts.diff.options.paths.is_empty()
            || !plain
            || revisions.tips.len() != opts.rev.revs.len()
        {
            return Err(Fatal::new(
                "log: %S with paths or revision ranges is not supported by oxgit",
            ));
        }
        for (tip, name) in revisions.tips.iter().zip(&opts.rev.revs).rev() {
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
    request.first_parent = opts.rev.first_parent;
    request.order = opts.rev.order;
    // `-n` and `--no-merges` count and filter shown commits after the other filters, as
    // git does.
    request.max_age = filter.max_age;
    // Formats showing only ids need no commit objects (the commit-graph has them).
    request.commit_data = spec.needs_commit_text() || filter.needs_text() || opts.json;
    let mut history = History::new(&repo, &request).map_err(super::diff::fatal)?;
    let reverse = opts.rev.filter.reverse;
    let mut selector = Selector::new(filter, &opts.rev.filter);
    let out = &mut *ctx.out;
    let mut style = opts.diff.style();
    // git's log-tree swaps the prefixes with `-R` (as `show` and `diff-tree` do).
    if opts.diff.options.reverse {
        std::mem::swap(&mut style.src_prefix, &mut style.dst_prefix);
    }
    // Commits are diffed in parallel batches; output stays in walk order (`--reverse`
    // holds them all).
    let batch = if reverse {
        usize::MAX
    } else if diff_format || opts.json {
        64
    } else {
        1
    };
    let mut pending: Vec<(WalkedCommit, Option<std::sync::Arc<str>>)> = Vec::new();
    let mut done = selector.done();
    while !done {
        // `%S`: sources pass to parents as git's walk does, shown commits or not.
        let mut pass_source = |c: &WalkedCommit| {
            if let Some(src) = sources.get(&c.id).cloned() {
                for p in &c.parents {
                    sources.entry(*p).or_insert_with(|| src.clone());
                }
            }
        };
        let next = selector.next(&repo, &mut history, formatter.notes(), &mut pass_source)?;
        match next {
            Some(c) => {
                let source = sources.get(&c.id).cloned();
                done = selector.done();
                pending.push((c, source));
                if pending.len() < batch && !done {
                    continue;
                }
            }
            None => done = true,
        }
        if reverse {
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
    let mut o = LogOptions {
        rev: RevArgs::default(),
        diff,
        json: false,
        paths: Vec::new(),
    };
    let mut i = 0;
    while i < args.len() {
        let a = args[i].as_str();
        if rev_args::parse_option(&mut o.rev, args, &mut i)?
            || super::diff_flags::parse_flag(&mut o.diff, args, &mut i)?
        {
            i += 1;
            continue;
        }
        match a {
            "--json" => o.json = true,
            "--" => {
                o.paths.extend(args[i + 1..].iter().cloned());
                break;
            }
            _ if a.starts_with('-') => {
                return Err(Fatal::new(format!(
                    "log: option '{a}' is not supported yet"
                )))
            }
            _ => o.rev.revs.push(a.to_string()),
        }
        i += 1;
    }
    if o.rev.revs.iter().all(|r| r == "--not") {
        o.rev.revs.push("HEAD".to_string());
        o.rev.default_head = true;
    }
    Ok(o)
}
