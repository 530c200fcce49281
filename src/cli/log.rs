//! `oxgit log`: history in git's default order, filtered (`crate::revision::filter`) and
//! formatted (`crate::pretty`) as git does and, with the diff flags `diff` takes (one
//! shared table, `cli::diff_flags`), each commit's diff computed in parallel.

use super::diff_flags::DiffArgs;
use super::merges::{MergeArgs, MergeDiff, PatchFor};
use super::rev_args::{self, Porcelain, RevArgs, Selector};
use super::{Context, Fatal};
use crate::api::{GitText, History, HistoryRequest, Sections};
use crate::oid::ObjectId;
use crate::pretty::graph::Graph;
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
    /// How merges' diffs are shown.
    merges: MergeArgs,
    /// `--follow`.
    follow: bool,
    /// `-L` values, as given.
    line_ranges: Vec<String>,
}

/// Runs `log`.
pub fn run(ctx: &mut Context<'_>) -> Result<i32, Fatal> {
    run_as(ctx, false)
}

/// Runs `show` when it walks (a range, an excluded revision, `-n`, `--do-walk`): git's
/// `show` is then `log` with a patch by default and combined diffs (`--cc`) for merges.
pub(super) fn run_show_walk(ctx: &mut Context<'_>) -> Result<i32, Fatal> {
    run_as(ctx, true)
}

/// `log` (or, `show`, with `show`'s defaults).
fn run_as(ctx: &mut Context<'_>, show: bool) -> Result<i32, Fatal> {
    let repo = ctx.repo()?;
    let mut opts = parse_args(&repo, &ctx.args, DiffArgs::from_repo(&repo)?)?;
    if show && !opts.diff.no_output && opts.diff.sections.is_empty() {
        opts.diff.sections = Sections::PATCH;
    }
    // `--first-parent` implies `--diff-merges=first-parent` (as a default); `show`
    // combines merges' diffs otherwise.
    let merge_mode = opts.merges.resolve(if opts.rev.first_parent {
        MergeDiff::FirstParent
    } else if show {
        MergeDiff::Dense
    } else {
        MergeDiff::Off
    })?;
    super::merges::refuse_unsupported(merge_mode, &opts.diff.options)?;
    // `-m` on a first-parent walk is against the first parent only.
    let merge_mode = if opts.rev.first_parent && merge_mode == MergeDiff::Separate {
        MergeDiff::FirstParent
    } else {
        merge_mode
    };
    // `-c`/`--cc` give every commit a patch by default, `--diff-merges=` merges only.
    let default_patch = !opts.diff.no_output && opts.diff.sections.is_empty();
    if default_patch && opts.merges.implies_patch == PatchFor::All {
        opts.diff.sections = Sections::PATCH;
    }
    let merge_sections = if default_patch && opts.merges.implies_patch == PatchFor::Merges {
        Sections::PATCH
    } else if opts.diff.no_output {
        Sections::NONE
    } else {
        opts.diff.sections
    };
    let split = rev_args::split_paths(&repo, &ctx.cwd, &mut opts.rev, true)?;
    opts.paths.splice(0..0, split);
    opts.diff.options.paths = super::pathspec_items(&repo, &ctx.cwd, &opts.paths)?;
    // `--follow <path>`: the walk is not limited by the path, which changes with renames.
    let mut follow = None;
    if opts.follow && !opts.paths.is_empty() {
        if opts.diff.options.paths.len() != 1 {
            return Err(Fatal::new("--follow requires exactly one pathspec"));
        }
        if opts.rev.filter.skip > 0 || opts.rev.filter.reverse || opts.json {
            return Err(Fatal::new(
                "log --follow with --skip, --reverse or --json is not supported by oxgit",
            ));
        }
        if !matches!(opts.merges.mode, MergeDiff::Unset | MergeDiff::Off) {
            return Err(Fatal::new(
                "log --follow with -m, -c, --cc or --diff-merges is not supported by oxgit",
            ));
        }
        if opts.diff.options.pickaxe.is_some() {
            return Err(Fatal::new(
                "log --follow with -S, -G or --find-object is not supported by oxgit",
            ));
        }
        follow = Some(Follow {
            path: opts.diff.options.paths.remove(0),
            merges_first_parent: merge_mode == MergeDiff::FirstParent,
            left: opts.rev.filter.max_count.take(),
        });
    }
    if opts.rev.simplify.by_decoration && opts.follow {
        return Err(Fatal::new(
            "--follow with --simplify-by-decoration is not supported by oxgit",
        ));
    }
    if opts.rev.graph && follow.is_some() {
        // git draws the simplified history with rewritten parents then.
        return Err(Fatal::new(
            "--graph with --follow is not supported by oxgit",
        ));
    }
    // git's `-m` (and `--diff-merges=first-parent`) turn off history simplification.
    let Some(simplify) = rev_args::simplify_request(
        &repo,
        &mut opts.rev,
        !opts.diff.options.paths.is_empty(),
        false,
        matches!(
            opts.merges.mode,
            MergeDiff::Separate | MergeDiff::FirstParent
        ),
        Porcelain::Log,
    )?
    else {
        return Ok(128);
    };
    // Refused with paths, refused when simplified by decoration.
    let simplified = !opts.diff.options.paths.is_empty() || opts.rev.simplify.without_paths();
    rev_args::check_simplify(&opts.rev, &simplify, !opts.diff.options.paths.is_empty())?;
    if opts.rev.walk.full_diff
        && simplified
        && (simplify.rewrite_parents || simplify.simplify_merges)
    {
        // git diffs against the original parents then; the walk keeps only rewritten ones.
        return Err(Fatal::new(
            "--full-diff with rewritten parents (--graph, --parents, --simplify-merges) and paths, or with --simplify-by-decoration, is not supported by oxgit",
        ));
    }
    if opts.rev.graph && opts.json {
        return Err(Fatal::new(
            "log --graph with --json is not supported by oxgit",
        ));
    }
    if opts.rev.boundary && opts.json {
        return Err(Fatal::new(
            "log --boundary with --json is not supported by oxgit",
        ));
    }
    if (opts.rev.graph || opts.rev.boundary)
        && (opts.diff.options.pickaxe.is_some() || !opts.diff.options.filter.is_empty())
    {
        // git still draws (or lists) the commits the diff filter hides.
        return Err(Fatal::new(
            "log --graph or --boundary with -S, -G, --find-object or --diff-filter is not supported by oxgit",
        ));
    }
    super::walk_opts::refuse(&opts.rev, simplified || follow.is_some())?;
    if opts.rev.walk.full_diff && follow.is_some() {
        return Err(Fatal::new("--follow requires exactly one pathspec"));
    }
    let walk_given = opts.rev.walk.needs_sides()
        || opts.rev.walk.source
        || opts.rev.walk.full_diff
        || opts.rev.walk.author_date_order
        || opts
            .rev
            .revs
            .iter()
            .any(|r| r != "--not" && super::walk_opts::is_pseudo_revision(r));
    if walk_given && !opts.line_ranges.is_empty() {
        return Err(Fatal::new(
            "log -L with --left-right, --cherry-*, --source, --full-diff, --author-date-order, --no-walk or --exclude is not supported by oxgit",
        ));
    }
    if opts.rev.walk.needs_sides() && opts.json {
        return Err(Fatal::new(
            "log --left-right, --left-only, --right-only and --cherry-* with --json are not supported by oxgit",
        ));
    }
    let revisions = rev_args::revisions(&repo, &opts.rev)?;
    rev_args::check_walk(
        &revisions,
        &opts.rev,
        !opts.diff.options.paths.is_empty(),
        simplified,
    )?;
    let palette = opts.diff.palette()?;
    let color = palette.is_some();
    let (mut formatter, clock) =
        rev_args::build_formatter(&repo, &opts.rev.pretty, Porcelain::Log, palette)?;
    formatter.set_nul_terminated(opts.diff.nul);
    if !opts.line_ranges.is_empty() {
        return line_log(&repo, ctx, &opts, &mut formatter);
    }
    if opts.rev.graph {
        formatter.set_graph(rev_args::new_graph(&repo, color)?);
    }
    let mailmap = rev_args::filter_mailmap(&repo, &opts.rev.pretty, Porcelain::Log);
    let filter = rev_args::build_filter(&repo, &opts.rev.filter, &clock, mailmap)?;
    let spec = formatter.spec().clone();
    let oneline = spec.format == Format::Builtin(Builtin::Oneline);
    let empty_format = spec.is_empty();
    // `%S` and `--source`: the revision each commit was reached from, passed on to
    // parents as git's walk does (no paths: simplification decides what is passed).
    let source_format =
        opts.rev.walk.last_user_format.as_deref().is_some_and(|f| {
            crate::pretty::parse_pretty(f, repo.config()).is_ok_and(|s| s.uses(b'S'))
        });
    let show_source = opts.rev.walk.source || source_format;
    let want_source = spec.uses(b'S') || show_source;
    let mut sources: std::collections::HashMap<ObjectId, std::sync::Arc<str>> =
        std::collections::HashMap::new();
    if want_source {
        if simplified {
            return Err(Fatal::new(
                "log: %S with paths or --simplify-by-decoration is not supported by oxgit",
            ));
        }
        for (tip, name) in revisions.tips.iter().zip(&revisions.names).rev() {
            sources.insert(tip.id, std::sync::Arc::from(name.as_str()));
        }
    }
    formatter.set_show_source(show_source);
    let sections = if opts.diff.no_output {
        Sections::NONE
    } else if opts.diff.sections.contains(Sections::CHECK) {
        // `--check` is shown alone, as in git.
        Sections::CHECK
    } else {
        opts.diff.sections
    };
    let mut ws_errors = false;
    // With a pickaxe or `--diff-filter`, commits whose diff keeps no file pair are not
    // shown (git's `always_show_header` is off), so every commit is diffed; `-n` then
    // counts shown commits (except with `--reverse`, where git counts them before).
    let hide_empty = opts.diff.options.pickaxe.is_some() || !opts.diff.options.filter.is_empty();
    let mut left = if hide_empty && !opts.rev.filter.reverse && follow.is_none() {
        opts.rev.filter.max_count.take()
    } else {
        None
    };
    let diff_format = !sections.is_empty() || hide_empty;
    // `--no-walk`: the commits given, not their history (nothing excluded is walked).
    let no_walk = revisions.no_walk.is_some();
    let tips = revisions.walk_tips();
    let mut request = HistoryRequest::new(tips, opts.diff.options.clone());
    request.first_parent = opts.rev.first_parent;
    request.merge_first_parent = Some(merge_mode == MergeDiff::FirstParent);
    request.order = if no_walk || opts.rev.walk.author_date_order {
        // Not walked, or sorted by `walk_opts::read_ahead`.
        crate::revision::walk::Order::Date
    } else {
        opts.rev.order
    };
    request.simplify = simplify;
    // `-n` and `--no-merges` count and filter shown commits after the other filters, as
    // git does.
    request.max_age = filter.max_age;
    request.min_age = filter.min_age;
    // Formats showing only ids need no commit objects (the commit-graph has them).
    request.commit_data = spec.needs_commit_text() || filter.needs_text() || opts.json;
    // Sources pass in git's walk order, which a sorted output may not keep.
    let sources_known = want_source
        && !no_walk
        && super::walk_opts::sources_in_walk_order(&repo, &request, &opts.rev, &mut sources)?;
    let mut history = History::new(&repo, &request).map_err(super::diff::fatal)?;
    // `--children`: each commit's children in the walk.
    // (None with `--no-walk`: git lists children only of walked commits.)
    let children = if no_walk {
        Default::default()
    } else {
        history.children()
    };
    // `--full-diff`: the paths limit the walk, the diffs are whole.
    let full_diff_history = if opts.rev.walk.full_diff && !opts.diff.options.paths.is_empty() {
        let mut r = request.clone();
        r.tips.clear();
        r.diff.paths.clear();
        Some(History::new(&repo, &r).map_err(super::diff::fatal)?)
    } else {
        None
    };
    let mut diff_options = opts.diff.options.clone();
    if full_diff_history.is_some() {
        diff_options.paths.clear();
    }
    let (ahead, marks) = super::walk_opts::read_ahead(
        &repo,
        &opts.rev,
        &revisions,
        &mut history,
        filter.min_age,
        spec.uses(b'm'),
    )?;
    let reverse = opts.rev.filter.reverse;
    let mut selector = Selector::new(filter, &opts.rev.filter);
    if opts.rev.boundary {
        selector.with_boundary(opts.rev.order);
    }
    // `--graph` draws edges only to parents that will be shown.
    let graph_shown = match ahead {
        Some(list) => {
            let shown = selector.preload(&repo, list, formatter.notes())?;
            opts.rev.graph.then_some(shown)
        }
        None if opts.rev.graph => {
            Some(selector.read_ahead(&repo, &mut history, formatter.notes())?)
        }
        None => None,
    };
    let first_parent = opts.rev.first_parent;
    if left == Some(0) {
        return Ok(0);
    }
    let out = &mut *ctx.out;
    let mut style = opts.diff.text_style()?;
    // git's log-tree swaps the prefixes with `-R` (as `show` and `diff-tree` do).
    if opts.diff.options.reverse {
        std::mem::swap(&mut style.src_prefix, &mut style.dst_prefix);
    }
    // Commits are diffed in parallel batches; output stays in walk order (`--reverse`
    // holds them all).
    // Under a graph, git's `--stat` takes the graph's padding off the terminal width:
    // each commit's diff is then made when its drawing is known.
    let graph_stat = opts.rev.graph
        && !opts.diff.stat_width_given
        && (sections | merge_sections).intersects(Sections::STAT);
    let stat_columns = style.stat.width;
    let batch = if follow.is_some() || graph_stat {
        1
    } else if reverse {
        usize::MAX
    } else if diff_format || opts.json {
        64
    } else {
        1
    };
    let mut pending: Vec<(WalkedCommit, Option<std::sync::Arc<str>>)> = Vec::new();
    // Per pending commit: the parents the graph draws (known when the commit is
    // picked, as in git), and whether it is a boundary commit.
    let mut drawn: Vec<(Vec<ObjectId>, bool)> = Vec::new();
    let mut done = selector.done();
    while !done {
        // `%S`: sources pass to parents as git's walk does, shown commits or not.
        let mut pass_source = |c: &WalkedCommit| {
            if sources_known {
                return;
            }
            if let Some(src) = sources.get(&c.id).cloned() {
                let n = if first_parent {
                    c.parents.len().min(1)
                } else {
                    c.parents.len()
                };
                for p in &c.parents[..n] {
                    sources.entry(*p).or_insert_with(|| src.clone());
                }
            }
        };
        let next = selector.next(&repo, &mut history, formatter.notes(), &mut pass_source)?;
        match next {
            Some(c) => {
                let source = sources.get(&c.id).cloned();
                done = selector.done();
                let parents = match &graph_shown {
                    Some(shown) => rev_args::graph_parents(&c, &selector, shown, first_parent),
                    None => Vec::new(),
                };
                drawn.push((parents, selector.is_boundary(&c)));
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
            drawn.reverse();
        }
        let commits: Vec<(WalkedCommit, Option<std::sync::Arc<str>>)> =
            std::mem::take(&mut pending);
        let drawn = std::mem::take(&mut drawn);
        if opts.json {
            if write_json(&history, &commits, out, hide_empty, &mut left)? {
                return Ok(0);
            }
            continue;
        }
        let walked: Vec<WalkedCommit> = if diff_format && follow.is_none() {
            commits.iter().map(|(c, _)| c.clone()).collect()
        } else {
            Vec::new()
        };
        if let (true, Some((c, _)), Some((parents, _))) =
            (graph_stat, commits.first(), drawn.first())
        {
            if let Some(g) = formatter.graph_mut() {
                let mut next = g.clone();
                next.update(c.id, parents.clone());
                let prefix = next.finished_padding_len();
                style.stat.width = stat_columns.saturating_sub(prefix).max(1);
            }
        }
        let mut diffs = full_diff_history
            .as_ref()
            .unwrap_or(&history)
            .diff_batch(&walked, || {
                GitText::new(&repo, sections, style.clone(), Vec::new())
            })
            .into_iter();
        for ((c, source), (parents, boundary)) in commits.iter().zip(drawn) {
            let mut info = CommitInfo::new(c.id, c.tree, &c.parents, &c.data);
            let relatives = rev_args::relatives(&opts.rev.simplify, c, &children);
            info.relatives = &relatives;
            info.source = source.as_deref();
            info.boundary = boundary;
            if boundary {
                info.mark = "-";
            } else {
                info.mark = marks.format_mark(&c.id);
                info.line_mark = marks.revision_mark(&c.id, false);
            }
            let diff = diffs.next();
            if let (Some(_), Some(g)) = (&graph_shown, formatter.graph_mut()) {
                g.update(c.id, parents);
                if boundary {
                    g.mark_boundary();
                } else {
                    g.set_mark(marks.revision_mark(&c.id, true).as_bytes()[0]);
                }
            }
            if let Some(f) = follow.as_mut() {
                if f.left == Some(0) {
                    return Ok(0);
                }
                let Some(text) = f.next(&repo, c, &opts.diff.options, sections, &style)? else {
                    continue;
                };
                let mut buf = Vec::new();
                formatter
                    .write_entry(&info, &mut buf)
                    .map_err(|e| Fatal::new(e.to_string()))?;
                out.write_all(&buf)?;
                if let Some(n) = f.left.as_mut() {
                    *n -= 1;
                }
                if !text.is_empty() {
                    write_diff_text(out, &text, sections, !oneline && !empty_format, None)?;
                }
                continue;
            }
            // Merges shown by MergeShow: `-m` and combined diffs, and first-parent
            // diffs when only merges have a patch.
            let own = match merge_mode {
                MergeDiff::Separate | MergeDiff::Combined | MergeDiff::Dense => true,
                MergeDiff::FirstParent => sections != merge_sections,
                _ => false,
            };
            if own && c.parents.len() > 1 && (!merge_sections.is_empty() || hide_empty) {
                let merge = MergeShow {
                    repo: &repo,
                    options: &diff_options,
                    sections: merge_sections,
                    style: &style,
                    mode: merge_mode,
                    all_paths: opts.merges.all_paths,
                    hide_empty,
                };
                if merge.write(&mut formatter, &mut info, c, out)? && counted(&mut left) {
                    return Ok(if ws_errors { 2 } else { 0 });
                }
                continue;
            }
            let diff = match diff {
                Some(d) => d.map_err(super::diff::fatal)?,
                None => None,
            };
            if hide_empty && diff.as_ref().is_none_or(|(_, o)| o.changes == 0) {
                continue;
            }
            let mut buf = Vec::new();
            formatter
                .write_entry(&info, &mut buf)
                .map_err(|e| Fatal::new(e.to_string()))?;
            out.write_all(&buf)?;
            let last = counted(&mut left);
            let Some((sink, outcome)) = diff else {
                continue;
            };
            super::diff::print_warnings(&outcome.warnings);
            let text = sink.into_inner();
            let check = sections.contains(Sections::CHECK);
            ws_errors |= check && !text.is_empty();
            // git's separator comes for every commit with changes, even one whose format
            // prints nothing for them (`--check` without errors, `--summary` of edits,
            // `-w` without anything to show, a `--dirstat` below its limit).
            if !text.is_empty() || (!sections.is_empty() && outcome.changes > 0) {
                let graph = formatter.graph_mut();
                write_diff_text(out, &text, sections, !oneline && !empty_format, graph)?;
            }
            if last {
                return Ok(if ws_errors { 2 } else { 0 });
            }
        }
    }
    // `--check` exits with 2 when it found whitespace errors.
    Ok(if ws_errors { 2 } else { 0 })
}

/// `log -L`: checks what goes with it, then prints the line-log.
fn line_log(
    repo: &crate::repo::Repository,
    ctx: &mut Context<'_>,
    opts: &LogOptions,
    formatter: &mut crate::pretty::Formatter<'_>,
) -> Result<i32, Fatal> {
    if !opts.paths.is_empty() {
        return Err(Fatal::new("-L<range>:<file> cannot be used with pathspec"));
    }
    let s = opts.diff.sections;
    if !opts.diff.no_output && !s.is_empty() && s != Sections::PATCH {
        return Err(Fatal::new(
            "-L does not yet support diff formats besides -p and -s",
        ));
    }
    if opts.follow
        || opts.json
        || opts.rev.graph
        || opts.rev.boundary
        || opts.rev.commit_filter_given()
        || opts.rev.filter.reverse
        || opts.rev.first_parent
        || opts.rev.order != crate::revision::walk::Order::Date
        || opts.merges.mode != MergeDiff::Unset
        || opts.diff.options.pickaxe.is_some()
        || !opts.diff.options.filter.is_empty()
        || opts.diff.options.reverse
        || opts.diff.nul
        || opts.rev.simplify.parents
        || opts.rev.simplify.children
        || opts.rev.simplify.by_decoration
    {
        return Err(Fatal::new(
            "log -L with --follow, --json, --graph, --boundary, commit filters, --reverse, orders, merge options, a pickaxe, --diff-filter, -R, -z, --parents, --children or --simplify-by-decoration is not supported by oxgit",
        ));
    }
    let args = super::line_log::parse(repo, &ctx.cwd, &opts.line_ranges)?;
    let text = super::line_log::LineLog {
        repo,
        options: &opts.diff.options,
        rev: &opts.rev,
        no_output: opts.diff.no_output,
        skip: opts.rev.filter.skip,
        max_count: opts.rev.filter.max_count,
        palette: opts.diff.palette()?,
    }
    .text(&args, formatter)?;
    ctx.out.write_all(&text)?;
    Ok(0)
}

/// Counts a shown commit against `-n` (when `log` counts them itself); whether that was
/// the last one.
fn counted(left: &mut Option<usize>) -> bool {
    match left {
        Some(n) => {
            *n = n.saturating_sub(1);
            *n == 0
        }
        None => false,
    }
}

/// A commit's diff text after its header: with a verbose header, git's blank line first,
/// after a `---` line when both a stat and the patch follow. With `--graph`, each line
/// after the drawing's padding (but for the lines git's combined diffs print bare).
fn write_diff_text(
    out: &mut dyn Write,
    text: &[u8],
    sections: Sections,
    verbose: bool,
    graph: Option<&mut Graph<ObjectId>>,
) -> Result<(), Fatal> {
    write_diff_lines(out, text, sections, verbose, graph, false)
}

/// [`write_diff_text`]; `combined`: the text is a combined diff, whose `mode` lines and
/// `Binary files differ` lines git prints without the graph.
fn write_diff_lines(
    out: &mut dyn Write,
    text: &[u8],
    sections: Sections,
    verbose: bool,
    graph: Option<&mut Graph<ObjectId>>,
    combined: bool,
) -> Result<(), Fatal> {
    let mut buf = Vec::new();
    match graph {
        Some(g) => {
            if verbose {
                g.show_padding(&mut buf);
                if sections.contains(Sections::STAT | Sections::PATCH) {
                    buf.extend_from_slice(b"---");
                }
                buf.push(b'\n');
            }
            out.write_all(&buf)?;
            let bare = |line: &[u8]| {
                combined && (line.starts_with(b"mode ") || line == b"Binary files differ\n")
            };
            g.prefix_lines(text, bare, out)?;
        }
        None => {
            if verbose {
                if sections.contains(Sections::STAT | Sections::PATCH) {
                    buf.extend_from_slice(b"---");
                }
                buf.push(b'\n');
            }
            out.write_all(&buf)?;
            out.write_all(text)?;
        }
    }
    Ok(())
}

/// `log --follow`: the path followed back through renames and copies.
struct Follow {
    /// The path now (its name in the commits walked next).
    path: Vec<u8>,
    /// Commits still to show (`-n`, counted over shown commits).
    left: Option<usize>,
    /// Merges are diffed against their first parent (otherwise not shown).
    merges_first_parent: bool,
}

impl Follow {
    /// What `c` changed of the path, as text (`None`: not shown). A commit that adds
    /// the path is searched for a rename or copy to it (with copies harder, as git's
    /// follow does); if one is found, that pair is the diff and the walk continues
    /// with the old name.
    fn next(
        &mut self,
        repo: &crate::repo::Repository,
        c: &WalkedCommit,
        options: &crate::api::DiffOptions,
        sections: Sections,
        style: &crate::api::Style,
    ) -> Result<Option<Vec<u8>>, Fatal> {
        use crate::api::{Detect, DiffRequest, Differ, Endpoints, Side};
        if c.parents.len() > 1 && !self.merges_first_parent {
            return Ok(None);
        }
        let old = match c.parents.first() {
            Some(p) => Side::Id(*p),
            None => Side::EmptyTree,
        };
        let pair = Endpoints::pair(old, Side::Id(c.id));
        let mut limited = options.clone();
        limited.paths = vec![self.path.clone()];
        let mut plain = limited.clone();
        plain.detect = Detect::Off;
        let (changes, _) =
            crate::api::changes(repo, &DiffRequest::with_options(pair.clone(), plain))
                .map_err(super::diff::fatal)?;
        if changes.is_empty() {
            return Ok(None);
        }
        let added = changes
            .iter()
            .any(|ch| ch.kind == crate::diff::ChangeKind::Added);
        let mut request = DiffRequest::with_options(pair.clone(), limited);
        if added {
            let mut all = options.clone();
            all.paths.clear();
            all.detect = Detect::Copies;
            all.copies_harder = true;
            let full = Differ::new(repo, &DiffRequest::with_options(pair, all.clone()))
                .map_err(super::diff::fatal)?;
            let found = full.changes().iter().find(|ch| {
                matches!(
                    ch.kind,
                    crate::diff::ChangeKind::Renamed | crate::diff::ChangeKind::Copied
                ) && ch.new_path == self.path
            });
            if let Some(ch) = found {
                let ch = ch.clone();
                self.path = ch.old_path.clone();
                let differ = Differ::from_changes(
                    repo,
                    options.clone(),
                    full.old().clone(),
                    full.new_side().clone(),
                    vec![ch],
                    Vec::new(),
                );
                return text_of(repo, &differ, sections, style).map(Some);
            }
        }
        request.options.detect = options.detect;
        let differ = Differ::new(repo, &request).map_err(super::diff::fatal)?;
        text_of(repo, &differ, sections, style).map(Some)
    }
}

/// A prepared diff as git's text.
fn text_of(
    repo: &crate::repo::Repository,
    differ: &crate::api::Differ<'_>,
    sections: Sections,
    style: &crate::api::Style,
) -> Result<Vec<u8>, Fatal> {
    super::diff::print_warnings(differ.warnings());
    let mut sink = GitText::new(repo, sections, style.clone(), Vec::new());
    differ.run(&mut sink).map_err(super::diff::fatal)?;
    Ok(sink.into_inner())
}

/// How `log` and `show` print a merge with `-m`, `-c` or `--cc`.
pub(super) struct MergeShow<'a> {
    pub repo: &'a crate::repo::Repository,
    pub options: &'a crate::api::DiffOptions,
    pub sections: Sections,
    pub style: &'a crate::api::Style,
    pub mode: MergeDiff,
    pub all_paths: bool,
    /// Parents whose diff keeps no file pair get no entry, and a merge no entry at all
    /// if none has one (with a pickaxe or `--diff-filter`).
    pub hide_empty: bool,
}

impl MergeShow<'_> {
    /// Writes merge `c`: with `-m`, the entry (` (from <parent>)`) and diff once per
    /// parent it differs from (the entry once, without `(from ...)`, if from none, unless
    /// `hide_empty`); against the first parent, the entry and that diff; combined, the
    /// entry and the combined diff (always, as git does). Returns whether an entry was
    /// written.
    pub fn write(
        &self,
        formatter: &mut crate::pretty::Formatter<'_>,
        info: &mut CommitInfo<'_>,
        c: &WalkedCommit,
        out: &mut dyn Write,
    ) -> Result<bool, Fatal> {
        let spec = formatter.spec().clone();
        let oneline = spec.format == Format::Builtin(Builtin::Oneline);
        let entry = |formatter: &mut crate::pretty::Formatter<'_>,
                     info: &CommitInfo<'_>,
                     out: &mut dyn Write|
         -> Result<(), Fatal> {
            let mut buf = Vec::new();
            formatter
                .write_entry(info, &mut buf)
                .map_err(|e| Fatal::new(e.to_string()))?;
            out.write_all(&buf)?;
            Ok(())
        };
        if matches!(self.mode, MergeDiff::Separate | MergeDiff::FirstParent) {
            let first = self.mode == MergeDiff::FirstParent;
            let parents = if first {
                &c.parents[..1]
            } else {
                &c.parents[..]
            };
            let mut shown = false;
            for p in parents {
                let (text, changes) = super::merges::parent_text(
                    self.repo,
                    c.id,
                    *p,
                    self.options,
                    self.sections,
                    self.style,
                )?;
                // A format showing nothing for the changes still counts (git looks at
                // the changes).
                if text.is_empty() && changes == 0 {
                    continue;
                }
                info.from = (!first).then_some(*p);
                entry(formatter, info, out)?;
                let verbose = !oneline && !spec.is_empty() && !self.sections.is_empty();
                write_diff_text(out, &text, self.sections, verbose, formatter.graph_mut())?;
                shown = true;
            }
            if !shown && !self.hide_empty {
                info.from = None;
                entry(formatter, info, out)?;
                shown = true;
            }
            return Ok(shown);
        }
        entry(formatter, info, out)?;
        let how =
            super::merges::combined_style(self.mode, self.all_paths, self.sections, self.style);
        let text = super::merges::combined_text(self.repo, c.id, &c.parents, self.options, &how)?;
        // git separates a combined diff from any entry but an empty format.
        let verbose = !spec.is_empty() && !self.sections.is_empty();
        let graph = formatter.graph_mut();
        write_diff_lines(out, &text, Sections::NONE, verbose, graph, true)?;
        Ok(true)
    }
}

/// `log --json`: each commit as one line of JSON, with what it changed (with
/// `hide_empty`, only commits with a kept file pair, counted against `left`). Returns
/// whether `-n` is reached.
#[cfg(feature = "json")]
fn write_json(
    history: &History<'_>,
    commits: &[(WalkedCommit, Option<std::sync::Arc<str>>)],
    out: &mut dyn Write,
    hide_empty: bool,
    left: &mut Option<usize>,
) -> Result<bool, Fatal> {
    use crate::api::json::{CommitJson, FilesJson};
    let walked: Vec<WalkedCommit> = commits.iter().map(|(c, _)| c.clone()).collect();
    let diffs = history.diff_batch(&walked, FilesJson::default);
    for (c, d) in walked.iter().zip(diffs) {
        let d = d.map_err(super::diff::fatal)?;
        if hide_empty && d.as_ref().is_none_or(|(_, o)| o.changes == 0) {
            continue;
        }
        let files = d.map(|(f, _)| (f.files, f.stats));
        serde_json::to_writer(&mut *out, &CommitJson::of(c, files))
            .map_err(|e| Fatal::new(e.to_string()))?;
        out.write_all(b"\n")?;
        if counted(left) {
            return Ok(true);
        }
    }
    Ok(false)
}

/// `log --json` without the `json` feature.
#[cfg(not(feature = "json"))]
fn write_json(
    _: &History<'_>,
    _: &[(WalkedCommit, Option<std::sync::Arc<str>>)],
    _: &mut dyn Write,
    _: bool,
    _: &mut Option<usize>,
) -> Result<bool, Fatal> {
    Err(Fatal::new(
        "log --json: oxgit was built without the json feature",
    ))
}

fn parse_args(
    repo: &crate::repo::Repository,
    args: &[String],
    diff: DiffArgs,
) -> Result<LogOptions, Fatal> {
    let mut o = LogOptions {
        rev: RevArgs::default(),
        diff,
        json: false,
        paths: Vec::new(),
        merges: MergeArgs::default(),
        follow: false,
        line_ranges: Vec::new(),
    };
    let mut i = 0;
    while i < args.len() {
        let a = args[i].as_str();
        if super::merges::parse(&mut o.merges, repo, args, &mut i)?
            || super::walk_opts::parse(&mut o.rev, args, &mut i, true)?
            || rev_args::parse_option(&mut o.rev, args, &mut i)?
            || super::diff_flags::parse_flag(&mut o.diff, args, &mut i)?
        {
            i += 1;
            continue;
        }
        match a {
            "--json" => o.json = true,
            "--follow" => o.follow = true,
            "-L" => {
                i += 1;
                let v = args
                    .get(i)
                    .ok_or_else(|| Fatal::usage("switch `L' requires a value"))?;
                o.line_ranges.push(v.clone());
            }
            _ if a.starts_with("-L") => o.line_ranges.push(a[2..].to_string()),
            "--" => {
                o.rev.dashdash = true;
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
    o.diff.set_ignore_case(o.rev.filter.ignore_case());
    o.diff.finish(repo)?;
    if o.rev
        .revs
        .iter()
        .all(|r| super::walk_opts::is_pseudo_revision(r))
    {
        o.rev.revs.push("HEAD".to_string());
        o.rev.default_head = true;
    }
    Ok(o)
}
