//! `oxgit rev-list`: the commits a revision walk shows, as git 2.47 lists them: ids (with
//! `--parents`, abbreviated with `--abbrev-commit`), `--count`, `--format`/`--pretty`
//! under `commit <id>` lines, and `--objects` (the trees and blobs of the listed commits
//! after them, with paths). The walk, filters and formats are `log`'s
//! (`cli::rev_args`).

use super::rev_args::{self, Porcelain, RevArgs, Selector};
use super::{Context, Fatal};
use crate::api::{DiffOptions, History, HistoryRequest};
use crate::object::ObjectKind;
use crate::object::{EntryMode, TreeIter};
use crate::oid::{IdSet, ObjectId};
use crate::pretty::{Builtin, CommitInfo, Format};
use crate::repo::Repository;
use crate::revision::range::Revisions;
use crate::revision::walk::WalkedCommit;
use std::io::Write;

/// git's usage line for `rev-list`.
const USAGE: &str = "usage: oxgit rev-list [<options>] <commit>... [--] [<path>...]\n";

/// Parsed `rev-list` options.
#[derive(Default)]
struct RevListOptions {
    rev: RevArgs,
    count: bool,
    objects: bool,
    paths: Vec<String>,
}

/// Runs `rev-list`.
pub fn run(ctx: &mut Context<'_>) -> Result<i32, Fatal> {
    let mut o = RevListOptions::default();
    let args = &ctx.args;
    let mut i = 0;
    while i < args.len() {
        let a = args[i].as_str();
        // `log` options git's rev-list does not take.
        if matches!(a, "--notes" | "--show-notes") || a.starts_with("--notes=") {
            return Err(Fatal::new("rev-list does not support display of notes"));
        }
        if matches!(
            a,
            "--use-mailmap"
                | "--no-use-mailmap"
                | "--mailmap"
                | "--no-mailmap"
                | "--decorate"
                | "--no-decorate"
                | "--clear-decorations"
                | "--decorate-refs"
                | "--decorate-refs-exclude"
        ) || a.starts_with("--decorate=")
            || a.starts_with("--decorate-refs=")
            || a.starts_with("--decorate-refs-exclude=")
        {
            return Ok(super::options::usage_error(
                &format!("unknown option '{}'", a.trim_start_matches('-')),
                USAGE,
            ));
        }
        if a.starts_with("--no-walk=") && !matches!(a, "--no-walk=sorted" | "--no-walk=unsorted") {
            return Ok(super::options::usage_error(
                "invalid argument to --no-walk",
                USAGE,
            ));
        }
        if super::walk_opts::parse(&mut o.rev, args, &mut i, false)?
            || rev_args::parse_option(&mut o.rev, args, &mut i)?
        {
            i += 1;
            continue;
        }
        match a {
            "--count" => o.count = true,
            "--objects" => o.objects = true,
            // git 2.47 takes `-z` as a diff option, which rev-list's output ignores.
            "-z" => {}
            // Recorded by `parse_option` (they are diff flags for `log`).
            "--no-abbrev" => {}
            _ if a.starts_with("--abbrev=") => {}
            "--" => {
                o.rev.dashdash = true;
                o.paths.extend(args[i + 1..].iter().cloned());
                break;
            }
            _ if a.starts_with('-') && a.len() > 1 => {
                return Ok(super::options::usage_error(
                    &format!("rev-list: option '{a}' is not supported by oxgit"),
                    USAGE,
                ))
            }
            _ => o.rev.revs.push(a.to_string()),
        }
        i += 1;
    }
    let repo = ctx.repo()?;
    let split = rev_args::split_paths(&repo, &ctx.cwd, &mut o.rev, false)?;
    o.paths.splice(0..0, split);
    if o.rev
        .revs
        .iter()
        .all(|r| super::walk_opts::is_pseudo_revision(r))
    {
        return Ok(super::options::usage_error("", USAGE));
    }
    if o.rev.boundary && o.objects {
        return Err(Fatal::new(
            "rev-list: --boundary with --objects is not supported by oxgit",
        ));
    }
    if o.objects && !o.paths.is_empty() {
        return Err(Fatal::new(
            "rev-list: --objects with paths is not supported by oxgit",
        ));
    }
    let paths = super::pathspec_items(&repo, &ctx.cwd, &o.paths)?;
    let Some(simplify) = rev_args::simplify_request(
        &repo,
        &mut o.rev,
        !paths.is_empty(),
        false,
        false,
        Porcelain::RevList,
    )?
    else {
        return Ok(128);
    };
    // Refused with paths, refused when simplified by decoration.
    let simplified = !paths.is_empty() || o.rev.simplify.without_paths();
    rev_args::check_simplify(&o.rev, &simplify, !paths.is_empty())?;
    super::walk_opts::refuse(&o.rev, simplified)?;
    if o.rev.walk.needs_sides() && o.objects {
        return Err(Fatal::new(
            "rev-list: --left-right, --left-only, --right-only and --cherry-* with --objects are not supported by oxgit",
        ));
    }
    let revisions = rev_args::revisions(&repo, &o.rev)?;
    rev_args::check_walk(&revisions, &o.rev, !paths.is_empty(), simplified)?;
    let pretty = &o.rev.pretty;
    let verbose = pretty.oneline || pretty.format.is_some();
    let (mut formatter, clock) =
        rev_args::build_formatter(&repo, pretty, Porcelain::RevList, None)?;
    let mailmap = rev_args::filter_mailmap(&repo, pretty, Porcelain::RevList);
    let filter = rev_args::build_filter(&repo, &o.rev.filter, &clock, mailmap)?;
    let oneline = formatter.spec().format == Format::Builtin(Builtin::Oneline);
    // `--no-walk`: the commits given, not their history (nothing excluded is walked).
    let no_walk = revisions.no_walk.is_some();
    let tips = revisions.walk_tips();
    let mut request = HistoryRequest::new(tips, DiffOptions::default().with_paths(paths));
    request.first_parent = o.rev.first_parent;
    request.order = if no_walk || o.rev.walk.author_date_order {
        // Not walked, or sorted by `walk_opts::read_ahead`.
        crate::revision::walk::Order::Date
    } else {
        o.rev.order
    };
    request.simplify = simplify;
    request.max_age = filter.max_age;
    request.min_age = filter.min_age;
    request.commit_data = (verbose && formatter.spec().needs_commit_text()) || filter.needs_text();
    let mut history = History::new(&repo, &request).map_err(super::diff::fatal)?;
    // (None with `--no-walk`: git lists children only of walked commits.)
    let children = if no_walk {
        Default::default()
    } else {
        history.children()
    };
    let (ahead, marks) = super::walk_opts::read_ahead(
        &repo,
        &o.rev,
        &revisions,
        &mut history,
        filter.min_age,
        verbose && formatter.spec().uses(b'm'),
    )?;
    let mut selector = Selector::new(filter, &o.rev.filter);
    if o.rev.boundary {
        selector.with_boundary(o.rev.order);
    }
    // `--graph` draws edges only to parents that will be shown.
    let mut graph = None;
    let mut graph_shown = crate::oid::IdSet::default();
    if let Some(list) = ahead {
        graph_shown = selector.preload(&repo, list, None)?;
    } else if o.rev.graph {
        graph_shown = selector.read_ahead(&repo, &mut history, None)?;
    }
    if o.rev.graph {
        graph = Some(rev_args::new_graph(&repo, false)?);
    }
    // `--count` with `--left-right` / `--cherry-mark`: left, right and same apart.
    let mut counts = [0usize; 3];
    let first_parent = o.rev.first_parent;
    let abbrev_len = match pretty.abbrev {
        Some(0) => None,
        Some(n) => Some(n),
        None => Some(crate::odb::default_abbrev_len(repo.odb(), repo.config())),
    };
    let abbrev_commit = pretty.abbrev_commit == Some(true);
    let mut abbrev = crate::odb::Abbreviator::new(repo.odb());
    let mut hex = |id: &ObjectId| -> Result<String, Fatal> {
        match abbrev_len.filter(|_| abbrev_commit) {
            Some(n) => abbrev
                .abbrev(id, Some(n))
                .map_err(|e| Fatal::new(e.to_string())),
            None => Ok(id.to_hex()),
        }
    };
    let mut listed: Vec<(WalkedCommit, bool)> = Vec::new();
    let mut count = 0usize;
    let mut objects = o.objects.then(Objects::new);
    if let Some(obj) = objects.as_mut() {
        obj.mark_edges(&repo, &revisions, o.rev.first_parent)?;
    }
    let out = &mut *ctx.out;
    // `parents`: those the graph draws; `boundary`: a boundary commit (`--boundary`).
    let mut show = |c: &WalkedCommit,
                    parents: Vec<ObjectId>,
                    boundary: bool,
                    out: &mut dyn Write|
     -> Result<(), Fatal> {
        let mut line = Vec::new();
        if let Some(g) = graph.as_mut() {
            g.update(c.id, parents);
            if boundary {
                g.mark_boundary();
            } else {
                g.set_mark(marks.revision_mark(&c.id, true).as_bytes()[0]);
            }
            g.show_commit(&mut line);
        }
        if o.count {
            // git draws the commit rows even then, unended.
            if !line.is_empty() {
                out.write_all(&line)?;
            }
            count += 1;
            let side = if marks.is_same(&c.id) {
                2
            } else if marks.is_left(&c.id) {
                0
            } else {
                1
            };
            counts[side] += 1;
            return Ok(());
        }
        if verbose && !oneline {
            line.extend_from_slice(b"commit ");
        }
        if graph.is_none() {
            if boundary {
                line.push(b'-');
            } else {
                line.extend_from_slice(marks.revision_mark(&c.id, false).as_bytes());
            }
        }
        line.extend_from_slice(hex(&c.id)?.as_bytes());
        for r in rev_args::relatives(&o.rev.simplify, c, &children) {
            line.push(b' ');
            line.extend_from_slice(r.to_hex().as_bytes());
        }
        line.push(if oneline { b' ' } else { b'\n' });
        let mut msg = Vec::new();
        if verbose {
            let mut info = CommitInfo::new(c.id, c.tree, &c.parents, &c.data);
            info.mark = if boundary {
                "-"
            } else {
                marks.format_mark(&c.id)
            };
            formatter
                .write_message(&info, &mut msg)
                .map_err(|e| Fatal::new(e.to_string()))?;
        }
        match graph.as_mut() {
            // git's rev-list: the message under the drawing's next line, a padding line
            // before the newline ending a message that ends in one; without a message,
            // the rest of the drawing.
            Some(g) if verbose && !msg.is_empty() => {
                if !oneline {
                    g.show_oneline(&mut line);
                }
                g.show_commit_msg(&msg, &mut line);
                if msg.ends_with(b"\n") {
                    g.show_padding(&mut line);
                }
                line.push(b'\n');
            }
            Some(g) => {
                if g.show_remainder(&mut line) {
                    line.push(b'\n');
                }
                if verbose && oneline {
                    line.push(b'\n');
                }
            }
            // git ends a oneline entry even when its subject is empty.
            None if verbose && (!msg.is_empty() || oneline) => {
                line.extend_from_slice(&msg);
                line.push(b'\n');
            }
            None => {}
        }
        out.write_all(&line)?;
        Ok(())
    };
    let reverse = o.rev.filter.reverse;
    let mut trees = Vec::new();
    while let Some(c) = selector.next(&repo, &mut history, None, &mut |_| {})? {
        let boundary = selector.is_boundary(&c);
        if reverse {
            listed.push((c, boundary));
            continue;
        }
        let parents = if o.rev.graph {
            rev_args::graph_parents(&c, &selector, &graph_shown, first_parent)
        } else {
            Vec::new()
        };
        show(&c, parents, boundary, out)?;
        if objects.is_some() {
            trees.push(c.tree);
        }
    }
    for (c, boundary) in listed.iter().rev() {
        show(c, Vec::new(), *boundary, out)?;
        if objects.is_some() {
            trees.push(c.tree);
        }
    }
    if let Some(mut obj) = objects {
        let n = obj.list(&repo, &revisions, &trees, (!o.count).then_some(out))?;
        count += n;
    }
    if o.count {
        // git's rev-list: left and right (and same) apart with `--left-right` and
        // `--cherry-mark`; `--objects` adds the objects to the total.
        let [l, r, same] = counts;
        let extra = count - (l + r + same);
        match (o.rev.walk.left_right, o.rev.walk.cherry_mark) {
            (true, true) => writeln!(ctx.out, "{l}\t{r}\t{same}")?,
            (true, false) => writeln!(ctx.out, "{l}\t{}", r + same)?,
            (false, true) => writeln!(ctx.out, "{}\t{same}", l + r + extra)?,
            (false, false) => writeln!(ctx.out, "{count}")?,
        }
    }
    Ok(0)
}

/// The objects `--objects` lists after the commits (git's `traverse_commit_list`): what
/// the revisions named (tags, trees, blobs), then each listed commit's tree, every
/// object once, none reachable from an excluded commit's tree at the edge of the range.
struct Objects {
    /// Listed already or excluded (git's `SEEN | UNINTERESTING`).
    done: IdSet,
    buf: Vec<u8>,
}

impl Objects {
    /// Nothing listed or excluded yet.
    fn new() -> Objects {
        Objects {
            done: IdSet::default(),
            buf: Vec::new(),
        }
    }

    /// git's `mark_edges_uninteresting`: the trees of the excluded parents of listed
    /// commits (in a walk with excluded commits) and the excluded trees and blobs named
    /// are left out, with everything they hold.
    fn mark_edges(
        &mut self,
        repo: &Repository,
        revisions: &Revisions,
        first_parent: bool,
    ) -> Result<(), Fatal> {
        for p in revisions.objects.iter().filter(|p| p.exclude) {
            self.exclude(repo, p.id, p.kind)?;
        }
        if !revisions.tips.iter().any(|t| t.exclude) {
            return Ok(());
        }
        let mut request = HistoryRequest::new(revisions.tips.clone(), DiffOptions::default());
        request.first_parent = first_parent;
        request.commit_data = false;
        let history = History::new(repo, &request).map_err(super::diff::fatal)?;
        let mut included = IdSet::default();
        let mut walked = Vec::new();
        for c in history {
            let c = c.map_err(super::diff::fatal)?;
            included.insert(c.id);
            walked.push(c);
        }
        let mut edges = IdSet::default();
        for c in &walked {
            for p in &c.parents {
                if !included.contains(p) && edges.insert(*p) {
                    let tree = WalkedCommit::read(repo, *p)
                        .map_err(|e| Fatal::new(e.to_string()))?
                        .tree;
                    self.exclude(repo, tree, ObjectKind::Tree)?;
                }
            }
        }
        Ok(())
    }

    /// Marks `id` and (for a tree) everything in it as left out.
    fn exclude(&mut self, repo: &Repository, id: ObjectId, kind: ObjectKind) -> Result<(), Fatal> {
        let mut stack = vec![(id, kind)];
        while let Some((id, kind)) = stack.pop() {
            if !self.done.insert(id) || kind != ObjectKind::Tree {
                continue;
            }
            self.read_tree(repo, &id)?;
            for e in TreeIter::new(&self.buf, repo.hash_kind()) {
                let e = e.map_err(|e| Fatal::new(format!("bad tree {id}: {e}")))?;
                match e.mode {
                    EntryMode::Commit => {}
                    EntryMode::Tree => stack.push((e.id, ObjectKind::Tree)),
                    _ => stack.push((e.id, ObjectKind::Blob)),
                }
            }
        }
        Ok(())
    }

    fn read_tree(&mut self, repo: &Repository, id: &ObjectId) -> Result<(), Fatal> {
        let kind = repo
            .odb()
            .read_into(id, &mut self.buf)
            .map_err(|e| Fatal::new(e.to_string()))?;
        if kind != ObjectKind::Tree {
            return Err(Fatal::new(format!("object {id} is a {kind}, not a tree")));
        }
        Ok(())
    }

    /// Lists (to `out`, or only counts) the named objects then the trees of the listed
    /// commits; returns how many were listed.
    fn list(
        &mut self,
        repo: &Repository,
        revisions: &Revisions,
        trees: &[ObjectId],
        mut out: Option<&mut dyn Write>,
    ) -> Result<usize, Fatal> {
        let mut n = 0;
        let named = revisions
            .objects
            .iter()
            .filter(|p| !p.exclude)
            .map(|p| (p.id, p.kind, p.name.clone()));
        let commit_trees = trees.iter().map(|t| (*t, ObjectKind::Tree, Vec::new()));
        for (id, kind, name) in named.collect::<Vec<_>>().into_iter().chain(commit_trees) {
            if kind == ObjectKind::Tree {
                n += self.tree(repo, id, name, &mut out)?;
            } else if self.done.insert(id) {
                n += 1;
                show_object(&mut out, &id, &name)?;
            }
        }
        Ok(n)
    }

    /// git's `process_tree`: the tree, then its entries in order (subtrees depth first),
    /// each object not listed yet; gitlinks are skipped. Returns how many were listed.
    fn tree(
        &mut self,
        repo: &Repository,
        id: ObjectId,
        path: Vec<u8>,
        out: &mut Option<&mut dyn Write>,
    ) -> Result<usize, Fatal> {
        /// A tree being listed: its path and the entries not visited yet (reversed).
        struct Frame {
            path: Vec<u8>,
            rest: Vec<(ObjectId, EntryMode, Vec<u8>)>,
        }
        let mut n = 0;
        let mut stack: Vec<Frame> = Vec::new();
        let mut next = Some((id, path));
        loop {
            if let Some((id, path)) = next.take() {
                if self.done.insert(id) {
                    n += 1;
                    show_object(out, &id, &path)?;
                    self.read_tree(repo, &id)?;
                    let mut rest = Vec::new();
                    for e in TreeIter::new(&self.buf, repo.hash_kind()) {
                        let e = e.map_err(|e| Fatal::new(format!("bad tree {id}: {e}")))?;
                        rest.push((e.id, e.mode, e.name.to_vec()));
                    }
                    rest.reverse();
                    stack.push(Frame { path, rest });
                }
            }
            let Some(top) = stack.last_mut() else { break };
            let Some((eid, mode, name)) = top.rest.pop() else {
                stack.pop();
                continue;
            };
            let mut p = top.path.clone();
            if !p.is_empty() {
                p.push(b'/');
            }
            p.extend_from_slice(&name);
            match mode {
                EntryMode::Commit => {}
                EntryMode::Tree => next = Some((eid, p)),
                _ => {
                    if self.done.insert(eid) {
                        n += 1;
                        show_object(out, &eid, &p)?;
                    }
                }
            }
        }
        Ok(n)
    }
}

/// git's `show_object_with_name`: the id, a space, and the name up to any newline.
fn show_object(out: &mut Option<&mut dyn Write>, id: &ObjectId, name: &[u8]) -> Result<(), Fatal> {
    if let Some(out) = out.as_mut() {
        let end = name.iter().position(|&b| b == b'\n').unwrap_or(name.len());
        let mut line = Vec::with_capacity(id.to_hex().len() + end + 2);
        line.extend_from_slice(id.to_hex().as_bytes());
        line.push(b' ');
        line.extend_from_slice(&name[..end]);
        line.push(b'\n');
        out.write_all(&line)?;
    }
    Ok(())
}
