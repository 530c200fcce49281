//! `oxgit show`: each named object as git 2.47 shows it: a commit as `log -1 -p` would
//! (the format and diff flags are `log`'s: `cli::rev_args`, `cli::diff_flags`), an
//! annotated tag as its header and message followed by the object it tags, a tree as a
//! listing, a blob as its bytes. A merge's diff is combined (`--cc`) unless `-m`, `-c`,
//! `--first-parent` or `--diff-merges` say otherwise. Ref listings (`--all`...) name
//! objects too; commit filters, `--skip`, `-n` (after `--no-walk`) and paths pick the
//! commits shown. As in git, a range, an excluded revision, `-n` or `--do-walk` make it
//! walk: it is then `log` with these defaults (`log::run_show_walk`).

use super::diff_flags::DiffArgs;
use super::merges::{MergeArgs, MergeDiff};
use super::rev_args::{self, Porcelain, RevArgs};
use super::{Context, Fatal};
use crate::api::{DiffRequest, Differ, Endpoints, GitText, Sections, Side};
use crate::object::{ObjectKind, Tag, TreeIter};
use crate::oid::ObjectId;
use crate::pretty::{Builtin, CommitInfo, Format, Formatter};
use crate::repo::Repository;
use crate::revision::walk::WalkedCommit;
use std::io::Write;

/// One `show` run.
struct Show<'r> {
    repo: &'r Repository,
    formatter: Formatter<'r>,
    diff: DiffArgs,
    sections: Sections,
    /// How merges' diffs are shown.
    merge_mode: MergeDiff,
    all_paths: bool,
    /// Something was shown that the next tree or tag is separated from (git's
    /// `rev.shown_one`).
    shown_one: bool,
    /// Commits shown already: git shows each once (its `SHOWN` flag).
    commits: crate::oid::IdSet,
    /// `--check` found whitespace errors (the status is then 2).
    ws_errors: bool,
    /// The commit filters and `--skip`.
    selector: rev_args::Selector,
    /// `--parents`: on the header line (`--children` adds none, nothing is walked).
    parents: bool,
    /// `--first-parent`: only first parents decide whether a commit changes the paths.
    first_parent: bool,
    /// `-m`, `--diff-merges=first-parent`: git's full history (a merge is hidden only
    /// if it leaves the paths as every parent has them).
    full_history: bool,
    /// `-n` (with `--no-walk` after it): what is left of git's `max_count`, which each
    /// commit given takes one from, and a shown one two (git asks its walk for a commit
    /// once more).
    left: Option<usize>,
}

/// Runs `show`: each object named, a commit as `log --no-walk` shows it; when the
/// revisions walk (a range or excluded revision, `-n`, `--do-walk`), `log` with
/// `show`'s defaults.
pub fn run(ctx: &mut Context<'_>) -> Result<i32, Fatal> {
    let repo = ctx.repo()?;
    let mut rev = RevArgs::default();
    // git's show starts with `--no-walk` on (an excluded revision or `-n` turns it off).
    rev.revs.push("--no-walk".to_string());
    let mut diff = DiffArgs::from_repo(&repo)?;
    let mut paths = Vec::new();
    let mut merges = MergeArgs::default();
    let args = &ctx.args;
    let mut i = 0;
    while i < args.len() {
        let a = args[i].as_str();
        if super::merges::parse(&mut merges, &repo, args, &mut i)?
            || super::walk_opts::parse(&mut rev, args, &mut i, true)?
            || rev_args::parse_option(&mut rev, args, &mut i)?
            || super::diff_flags::parse_flag(&mut diff, args, &mut i)?
        {
            i += 1;
            continue;
        }
        match a {
            "--" => {
                rev.dashdash = true;
                paths.extend(args[i + 1..].iter().cloned());
                break;
            }
            _ if a.starts_with('-') && a.len() > 1 => {
                return Err(Fatal::usage(format!(
                    "show: option '{a}' is not supported by oxgit"
                )))
            }
            _ => rev.revs.push(a.to_string()),
        }
        i += 1;
    }
    diff.set_ignore_case(rev.filter.ignore_case());
    diff.finish(&repo)?;
    let split = rev_args::split_paths(&repo, &ctx.cwd, &mut rev, false)?;
    paths.splice(0..0, split);
    if rev
        .revs
        .iter()
        .all(|r| super::walk_opts::is_pseudo_revision(r))
    {
        rev.revs.push("HEAD".to_string());
        rev.default_head = true;
    }
    if rev_args::revisions(&repo, &rev)?.no_walk.is_none() {
        return super::log::run_show_walk(ctx);
    }
    // git's show: `--cc` unless told otherwise; `--first-parent` implies
    // `--diff-merges=first-parent`.
    let merge_mode = merges.resolve(if rev.first_parent {
        MergeDiff::FirstParent
    } else {
        MergeDiff::Dense
    })?;
    // `-m` with `--first-parent` is against the first parent only (as in `log`).
    let merge_mode = if rev.first_parent && merge_mode == MergeDiff::Separate {
        MergeDiff::FirstParent
    } else {
        merge_mode
    };
    super::merges::refuse_unsupported(merges.mode, &diff.options)?;
    // `show` does not walk, so it draws no graph.
    rev_args::check_graph(&rev, false)?;
    if rev.boundary {
        // git shows the parents of the commits as boundary commits too.
        return Err(Fatal::new("show --boundary is not supported by oxgit"));
    }
    let w = &rev.walk;
    let s = &rev.simplify;
    if w.needs_sides()
        || w.source
        || w.full_diff
        || w.author_date_order
        || s.full_history
        || s.sparse
        || s.simplify_merges
        || s.ancestry_path
        || !s.ancestry_commits.is_empty()
        || s.show_pulls
        || (s.parents && !paths.is_empty())
    {
        return Err(Fatal::new(
            "show: walk and history simplification options without a range are not supported by oxgit",
        ));
    }
    diff.options.paths = super::pathspec_items(&repo, &ctx.cwd, &paths)?;
    let sections = if diff.no_output {
        Sections::NONE
    } else if diff.sections.is_empty() {
        Sections::PATCH
    } else if diff.sections.contains(Sections::CHECK) {
        // `--check` is shown alone, as in git.
        Sections::CHECK
    } else {
        diff.sections
    };
    let (mut formatter, clock) =
        rev_args::build_formatter(&repo, &rev.pretty, Porcelain::Log, diff.palette()?)?;
    formatter.set_nul_terminated(diff.nul);
    let mailmap = rev_args::filter_mailmap(&repo, &rev.pretty, Porcelain::Log);
    let filter = rev_args::build_filter(&repo, &rev.filter, &clock, mailmap)?;
    let mut show = Show {
        repo: &repo,
        formatter,
        diff,
        sections,
        merge_mode,
        all_paths: merges.all_paths,
        shown_one: false,
        commits: Default::default(),
        ws_errors: false,
        selector: rev_args::Selector::new(filter, &rev.filter),
        parents: rev.simplify.parents,
        first_parent: rev.first_parent,
        full_history: matches!(merges.mode, MergeDiff::Separate | MergeDiff::FirstParent),
        left: rev.filter.max_count,
    };
    // The objects in the order given, ref listings expanded (git's pending objects).
    let mut excludes: Vec<String> = Vec::new();
    for name in &rev.revs {
        if let Some(x) = name.strip_prefix("--exclude=") {
            excludes.push(x.to_string());
            continue;
        }
        if super::walk_opts::is_pseudo_revision(name) {
            continue;
        }
        let listed = crate::revision::range::list_refs(&repo, name, &excludes)
            .map_err(|e| Fatal::new(e.to_string()))?;
        if let Some(listed) = listed {
            excludes.clear();
            for (ref_name, id) in listed {
                show.object(id, &ref_name, ctx.out)?;
            }
            continue;
        }
        if name.ends_with("^@") || name.ends_with("^!") || name.contains("^-") {
            // A commit's parents, or a root commit without them (as the revisions parsed
            // above).
            if let Ok(parsed) = crate::revision::range::parse_revisions(&repo, &[name]) {
                for id in parsed.included() {
                    show.object(id, name, ctx.out)?;
                }
                continue;
            }
        }
        let id = crate::revision::resolve(&repo, name)
            .map_err(|_| super::rev_args::unknown_revision(&repo, &rev, name))?;
        show.object(id, name, ctx.out)?;
    }
    Ok(if show.ws_errors { 2 } else { 0 })
}

impl Show<'_> {
    /// The colours of `tree <name>` and `tag <name>` header lines (git's commit colour),
    /// empty when not colouring.
    fn header_colors(&self) -> Result<(String, &'static str), Fatal> {
        Ok(match self.diff.palette()? {
            Some(p) => (p.commit.clone(), crate::diff::color::RESET),
            None => (String::new(), ""),
        })
    }

    /// Shows object `id`, named `name` on the command line.
    fn object(&mut self, id: ObjectId, name: &str, out: &mut dyn Write) -> Result<(), Fatal> {
        let mut id = id;
        let mut buf = Vec::new();
        // A tag chain is at most this long (as git's peeling).
        for _ in 0..64 {
            let kind = self
                .repo
                .odb()
                .read_into(&id, &mut buf)
                .map_err(|e| Fatal::new(e.to_string()))?;
            match kind {
                ObjectKind::Blob => {
                    out.write_all(&buf)?;
                    return Ok(());
                }
                ObjectKind::Tree => {
                    let mut text = Vec::new();
                    if self.shown_one {
                        text.push(b'\n');
                    }
                    let (c, reset) = self.header_colors()?;
                    text.extend_from_slice(&super::arg_bytes(&format!(
                        "{c}tree {name}{reset}\n\n"
                    )));
                    for e in TreeIter::new(&buf, self.repo.hash_kind()) {
                        let e = e.map_err(|e| Fatal::new(format!("bad tree {id}: {e}")))?;
                        text.extend_from_slice(e.name);
                        if e.mode.is_tree() {
                            text.push(b'/');
                        }
                        text.push(b'\n');
                    }
                    out.write_all(&text)?;
                    self.shown_one = true;
                    self.formatter.mark_shown();
                    return Ok(());
                }
                ObjectKind::Tag => {
                    let tag = Tag::parse(&buf)
                        .map_err(|_| Fatal::new(format!("object {id} is a corrupt tag")))?;
                    let mut text = Vec::new();
                    if self.shown_one {
                        text.push(b'\n');
                    }
                    let (c, reset) = self.header_colors()?;
                    text.extend_from_slice(c.as_bytes());
                    text.extend_from_slice(b"tag ");
                    text.extend_from_slice(tag.name);
                    text.extend_from_slice(reset.as_bytes());
                    text.push(b'\n');
                    // git's show_tag_object: the `tagger` lines of the header, then
                    // everything from the blank line on, as it is.
                    let mut pos = 0;
                    while pos < buf.len() && buf[pos] != b'\n' {
                        let end = buf[pos..]
                            .iter()
                            .position(|&b| b == b'\n')
                            .map_or(buf.len(), |n| pos + n + 1);
                        if let Some(ident) = buf[pos..end].strip_prefix(b"tagger ") {
                            self.formatter
                                .write_tagger(ident, &mut text)
                                .map_err(|e| Fatal::new(e.to_string()))?;
                        }
                        pos = end;
                    }
                    text.extend_from_slice(&buf[pos.min(buf.len())..]);
                    out.write_all(&text)?;
                    self.shown_one = true;
                    self.formatter.mark_shown();
                    id = tag.object;
                }
                ObjectKind::Commit => return self.commit(id, out),
            }
        }
        Err(Fatal::new(format!("object {id}: tag chain too long")))
    }

    /// A commit as `log -1` with the diff shows it.
    fn commit(&mut self, id: ObjectId, out: &mut dyn Write) -> Result<(), Fatal> {
        if self.left == Some(0) {
            return Ok(());
        }
        let shown = self.picked(id)?;
        take_one(&mut self.left);
        let Some(c) = shown else {
            return Ok(());
        };
        take_one(&mut self.left);
        let merge = c.parents.len() > 1;
        let mut info = CommitInfo::new(c.id, c.tree, &c.parents, &c.data);
        if self.parents {
            info.relatives = &c.parents;
        }
        // With a pickaxe or `--diff-filter`, a commit whose diff keeps no file pair is
        // not shown.
        let hide_empty =
            self.diff.options.pickaxe.is_some() || !self.diff.options.filter.is_empty();
        if merge
            && (!self.sections.is_empty() || hide_empty)
            && matches!(
                self.merge_mode,
                MergeDiff::Separate | MergeDiff::Combined | MergeDiff::Dense
            )
        {
            super::merges::refuse_unsupported(self.merge_mode, &self.diff.options)?;
            // Coloured as `log` colours them (`-m` diffs; combined diffs stay plain).
            let mut style = self.diff.text_style()?;
            if self.diff.options.reverse {
                std::mem::swap(&mut style.src_prefix, &mut style.dst_prefix);
            }
            let show = super::log::MergeShow {
                repo: self.repo,
                options: &self.diff.options,
                sections: self.sections,
                style: &style,
                mode: self.merge_mode,
                all_paths: self.all_paths,
                hide_empty,
            };
            self.shown_one |= show.write(&mut self.formatter, &mut info, &c, out)?;
            return Ok(());
        }
        let diffed = !(merge && self.merge_mode == MergeDiff::Off);
        let result = if diffed && (!self.sections.is_empty() || hide_empty) {
            Some(self.commit_diff(id)?)
        } else {
            None
        };
        if hide_empty && result.as_ref().is_none_or(|(_, o)| o.changes == 0) {
            return Ok(());
        }
        let mut text = Vec::new();
        self.formatter
            .write_entry(&info, &mut text)
            .map_err(|e| Fatal::new(e.to_string()))?;
        out.write_all(&text)?;
        self.shown_one = true;
        let Some((diff, outcome)) = result else {
            return Ok(());
        };
        if self.sections.is_empty() {
            return Ok(());
        }
        let check = self.sections.contains(Sections::CHECK);
        self.ws_errors |= check && !diff.is_empty();
        // git's separator comes whenever there are changes, even when the format
        // prints nothing for them (`--check` without errors, `--summary` of edits).
        if diff.is_empty() && outcome.changes == 0 {
            return Ok(());
        }
        let spec = self.formatter.spec();
        let oneline = spec.format == Format::Builtin(Builtin::Oneline);
        if !oneline && !spec.is_empty() {
            if self.sections.contains(Sections::STAT | Sections::PATCH) {
                out.write_all(b"---")?;
            }
            out.write_all(b"\n")?;
        }
        out.write_all(&diff)?;
        Ok(())
    }

    /// Commit `id` if it is shown: not shown yet (git shows each once), changing the
    /// paths (with paths), passing the filters and not skipped.
    fn picked(&mut self, id: ObjectId) -> Result<Option<WalkedCommit>, Fatal> {
        if !self.commits.insert(id) {
            return Ok(None);
        }
        let c = WalkedCommit::read(self.repo, id).map_err(|e| Fatal::new(e.to_string()))?;
        let paths = &self.diff.options.paths;
        // With paths, a commit that leaves them as a parent had them is not shown.
        if !paths.is_empty()
            && crate::revision::walk::is_treesame(
                self.repo,
                &c,
                paths,
                self.first_parent,
                self.full_history,
            )
            .map_err(|e| Fatal::new(e.to_string()))?
        {
            return Ok(None);
        }
        let picked = self.selector.pick(self.repo, self.formatter.notes(), &c)?;
        Ok(picked.then_some(c))
    }

    /// What commit `id` changed against its first parent: the text of the sections and
    /// the outcome.
    fn commit_diff(&mut self, id: ObjectId) -> Result<(Vec<u8>, crate::api::Outcome), Fatal> {
        let request =
            DiffRequest::with_options(Endpoints::commit(Side::Id(id)), self.diff.options.clone());
        let differ = Differ::new(self.repo, &request).map_err(super::diff::fatal)?;
        super::diff::print_warnings(differ.warnings());
        let mut style = self.diff.text_style()?;
        // git's log-tree swaps the prefixes with `-R`.
        if self.diff.options.reverse {
            std::mem::swap(&mut style.src_prefix, &mut style.dst_prefix);
        }
        let mut sink = GitText::new(self.repo, self.sections, style, Vec::new());
        let outcome = differ.run(&mut sink).map_err(super::diff::fatal)?;
        Ok((sink.into_inner(), outcome))
    }
}

/// Takes one from `-n`'s count, if any is left.
fn take_one(left: &mut Option<usize>) {
    if let Some(n) = left.as_mut() {
        *n = n.saturating_sub(1);
    }
}
