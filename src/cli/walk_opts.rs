//! The walk options of `log` and `rev-list` that mark or pick commits by the side of a
//! symmetric range they are on, or change what is walked: `--left-right`,
//! `--left-only`, `--right-only`, `--cherry-pick`, `--cherry-mark`, `--cherry`,
//! `--no-walk[=sorted|unsorted]`, `--do-walk`, `--exclude=<glob>`, `--source`,
//! `--full-diff` and `--author-date-order`, as git 2.47 does them.

use super::rev_args::RevArgs;
use super::Fatal;
use crate::api::History;
use crate::oid::{IdSet, ObjectId};
use crate::repo::Repository;
use crate::revision::range::{NoWalk, Revisions};
use crate::revision::walk::WalkedCommit;

/// The options, as given.
#[derive(Default)]
pub(super) struct WalkOpts {
    /// `--left-right`.
    pub left_right: bool,
    /// `--left-only`.
    pub left_only: bool,
    /// `--right-only` (and `--cherry`).
    pub right_only: bool,
    /// `--cherry-mark` (and `--cherry`).
    pub cherry_mark: bool,
    /// `--cherry-pick`.
    pub cherry_pick: bool,
    /// `--source`.
    pub source: bool,
    /// `--full-diff`.
    pub full_diff: bool,
    /// `--author-date-order`.
    pub author_date_order: bool,
    /// The last user format given (`--format=%h`...), even if a later `--oneline`
    /// replaced it: git looks for `%S` in it to decide whether to track sources, which
    /// built-in formats then show as `--source` does.
    pub last_user_format: Option<String>,
}

impl WalkOpts {
    /// Whether the walk must be read whole first to decide sides (git's options that
    /// make the walk limited and flag commits).
    pub fn needs_sides(&self) -> bool {
        self.left_right || self.left_only || self.right_only || self.cherry_mark || self.cherry_pick
    }
}

fn together(a: &str, b: &str) -> Fatal {
    Fatal::new(format!("options '{a}' and '{b}' cannot be used together"))
}

/// Parses `args[*i]` if it is one of these options (advancing `*i` past a separate
/// value); whether it was. `log_only`: `--source` and `--full-diff` are `log` options
/// (`rev-list` reports them unknown).
pub(super) fn parse(
    rev: &mut RevArgs,
    args: &[String],
    i: &mut usize,
    log_only: bool,
) -> Result<bool, Fatal> {
    let a = args[*i].as_str();
    let w = &mut rev.walk;
    match a {
        "--left-right" => w.left_right = true,
        "--left-only" => {
            if w.right_only {
                return Err(together("--left-only", "--right-only/--cherry"));
            }
            w.left_only = true;
        }
        "--right-only" => {
            if w.left_only {
                return Err(together("--right-only", "--left-only"));
            }
            w.right_only = true;
        }
        "--cherry" => {
            if w.left_only {
                return Err(together("--cherry", "--left-only"));
            }
            w.cherry_mark = true;
            w.right_only = true;
            rev.filter.set_max_parents(1);
        }
        "--cherry-mark" => {
            if w.cherry_pick {
                return Err(together("--cherry-mark", "--cherry-pick"));
            }
            w.cherry_mark = true;
        }
        "--cherry-pick" => {
            if w.cherry_mark {
                return Err(together("--cherry-pick", "--cherry-mark"));
            }
            w.cherry_pick = true;
        }
        "--author-date-order" => {
            // A topological order (as `--graph` and the boundary see it), sorted by
            // author dates here (`read_ahead`).
            w.author_date_order = true;
            rev.order = crate::revision::walk::Order::TopoDate;
        }
        "--topo-order" | "--date-order" => {
            // The last order given wins (`rev_args` records these).
            w.author_date_order = false;
            return Ok(false);
        }
        "--source" if log_only => w.source = true,
        "--full-diff" if log_only => w.full_diff = true,
        // Positional: kept with the revisions (`revision::range` reads them in order).
        "--no-walk" | "--no-walk=sorted" | "--no-walk=unsorted" | "--do-walk" => {
            rev.revs.push(a.to_string())
        }
        _ if a.starts_with("--no-walk=") => {
            eprintln!("error: invalid argument to --no-walk");
            return Err(Fatal::new(format!("unrecognized argument: {a}")));
        }
        _ if a.starts_with("--exclude-hidden") => {
            return Err(Fatal::new("--exclude-hidden is not supported by oxgit"));
        }
        "--exclude" => {
            *i += 1;
            let v = args
                .get(*i)
                .ok_or_else(|| Fatal::usage("option 'exclude' requires a value"))?;
            rev.revs.push(format!("--exclude={v}"));
        }
        _ if a.starts_with("--exclude=") => rev.revs.push(a.to_string()),
        _ if a.starts_with("--format=") || a.starts_with("--pretty=") => {
            let v = &a[9..];
            if v.contains('%') || v.starts_with("format:") || v.starts_with("tformat:") {
                w.last_user_format = Some(v.to_string());
            }
            return Ok(false);
        }
        // git's `-n`/`--max-count` also turn `--no-walk` off (how `show -3` walks);
        // `rev_args` reads the count.
        _ if a == "-n"
            || a.starts_with("--max-count")
            || (a.starts_with("-n") && a.len() > 2)
            || (a.len() > 1
                && a.starts_with('-')
                && a[1..].bytes().all(|b| b.is_ascii_digit())) =>
        {
            if rev.revs.iter().any(|r| r.starts_with("--no-walk")) {
                rev.revs.push("--do-walk".to_string());
            }
            return Ok(false);
        }
        _ => return Ok(false),
    }
    Ok(true)
}

/// Whether `arg`, kept in [`RevArgs::revs`], names no revision (`--not`, `--exclude=`,
/// `--no-walk`...): revisions made only of these default to `HEAD`.
pub(super) fn is_pseudo_revision(arg: &str) -> bool {
    arg == "--not"
        || arg == "--do-walk"
        || arg.starts_with("--exclude=")
        || arg == "--no-walk"
        || arg.starts_with("--no-walk=")
}

/// What oxgit does not do with these options: with paths (git's simplified history
/// decides the sides and sources then), and `--source` or `--full-diff` where the
/// output is not a log entry.
pub(super) fn refuse(o: &RevArgs, paths: bool) -> Result<(), Fatal> {
    let w = &o.walk;
    if paths && (w.needs_sides() || w.source) {
        return Err(Fatal::new(
            "--left-right, --left-only, --right-only, --cherry-pick, --cherry-mark, --cherry and --source with paths or --simplify-by-decoration are not supported by oxgit",
        ));
    }
    if w.author_date_order && (paths || o.boundary) {
        return Err(Fatal::new(
            "--author-date-order with paths, --simplify-by-decoration or --boundary is not supported by oxgit",
        ));
    }
    Ok(())
}

/// The sides and patch comparison of a walk, for marks (git's `SYMMETRIC_LEFT` and
/// `PATCHSAME` flags).
#[derive(Default)]
pub(super) struct Marks {
    left: IdSet,
    same: IdSet,
    left_right: bool,
    cherry_mark: bool,
}

impl Marks {
    /// git's `get_revision_mark` for `id`: what `rev-list` puts before ids, built-in
    /// `log` formats before ids (with a space) and `--graph` draws for the commit (`*`
    /// when nothing else; boundary commits are marked by their callers).
    pub fn revision_mark(&self, id: &ObjectId, graph: bool) -> &'static str {
        if self.same.contains(id) {
            "="
        } else if self.left_right {
            if self.left.contains(id) {
                "<"
            } else {
                ">"
            }
        } else if graph {
            "*"
        } else if self.cherry_mark {
            "+"
        } else {
            ""
        }
    }

    /// `%m`: git's `get_revision_mark` without the options (`=`, else `<` or `>`).
    pub fn format_mark(&self, id: &ObjectId) -> &'static str {
        if self.same.contains(id) {
            "="
        } else if self.left.contains(id) {
            "<"
        } else {
            ">"
        }
    }

    /// Whether `id` has the same patch as a commit on the other side.
    pub fn is_same(&self, id: &ObjectId) -> bool {
        self.same.contains(id)
    }

    /// Whether `id` is on the left side.
    pub fn is_left(&self, id: &ObjectId) -> bool {
        self.left.contains(id)
    }
}

/// The commits a walk gives, read ahead, with whether each is hidden by these options.
pub(super) type ReadAhead = Vec<(WalkedCommit, bool)>;

/// Reads the walk ahead when these options need it, as git's `limit_list` does: the
/// sides (`--left-right`...), then `--cherry-pick`/`--cherry-mark` on them (commits
/// newer than `--until` take no part, as in git), then `--left-only`/`--right-only`.
/// With `--no-walk`, the included commits given (once each, sorted unless
/// `unsorted`), which git does not walk or compare. `format_marks`: the format shows
/// `%m`. `None`: the walk is read as it goes.
pub(super) fn read_ahead(
    repo: &Repository,
    o: &RevArgs,
    revisions: &Revisions,
    history: &mut History<'_>,
    min_age: Option<i64>,
    format_marks: bool,
) -> Result<(Option<ReadAhead>, Marks), Fatal> {
    let w = &o.walk;
    let mut marks = Marks {
        left_right: w.left_right,
        cherry_mark: w.cherry_mark,
        ..Marks::default()
    };
    if let Some(how) = revisions.no_walk {
        let mut seen = IdSet::default();
        let mut list = Vec::new();
        for id in revisions.included() {
            if seen.insert(id) {
                list.push(WalkedCommit::read(repo, id).map_err(|e| Fatal::new(e.to_string()))?);
            }
        }
        if how == NoWalk::Sorted {
            // A stable sort, newest first (git's commit_list_sort_by_date).
            list.sort_by_key(|c| std::cmp::Reverse(c.commit_time));
        }
        marks.left = revisions
            .left
            .iter()
            .copied()
            .filter(|id| seen.contains(id))
            .collect();
        return Ok((Some(list.into_iter().map(|c| (c, false)).collect()), marks));
    }
    // `%m` shows the sides of a symmetric range whatever the options.
    let sides = w.needs_sides() || (format_marks && !revisions.left.is_empty());
    if !sides && !w.author_date_order {
        return Ok((None, marks));
    }
    let limited = limited(repo, o, revisions.tips.iter().any(|t| t.exclude));
    let mut list = Vec::new();
    while let Some(c) = history.next_commit().map_err(super::diff::fatal)? {
        list.push(c);
    }
    if w.author_date_order {
        list = author_date_sort(repo, list, o.first_parent, min_age)?;
    }
    marks.left = crate::revision::cherry::left_side(&list, &revisions.left, o.first_parent);
    if w.cherry_mark || w.cherry_pick {
        let compared: Vec<WalkedCommit> = list
            .iter()
            .filter(|c| min_age.is_none_or(|t| c.commit_time <= t))
            .cloned()
            .collect();
        marks.same = crate::revision::cherry::patch_same(repo, &compared, &marks.left)
            .map_err(|e| Fatal::new(e.to_string()))?;
    }
    // git picks sides (`limit_left_right`) only in a limited walk.
    let (left_only, right_only) = (w.left_only && limited, w.right_only && limited);
    let hidden = |c: &WalkedCommit| {
        let left = marks.left.contains(&c.id);
        (w.cherry_pick && !w.cherry_mark && marks.same.contains(&c.id))
            || (left_only && !left)
            || (right_only && left)
    };
    let out = list
        .into_iter()
        .map(|c| {
            let h = hidden(&c);
            (c, h)
        })
        .collect();
    Ok((Some(out), marks))
}

/// The sources (`--source`, `%S`) of a walk whose output order is not git's walk order,
/// passed from each commit to its parents in the order git processes commits
/// (`sources` holds the tips' names): in a topologically sorted walk that git limits
/// first (without a commit-graph's generation numbers, or with options that compare
/// sides), the date-ordered walk; in git's incremental topological walk (with
/// generation numbers), its exploration order: highest generation first, then newest
/// commit date, then first queued. Returns whether `sources` is complete; otherwise
/// they pass in output order.
pub(super) fn sources_in_walk_order(
    repo: &Repository,
    request: &crate::api::HistoryRequest,
    o: &RevArgs,
    sources: &mut std::collections::HashMap<ObjectId, std::sync::Arc<str>>,
) -> Result<bool, Fatal> {
    use crate::revision::walk::Order;
    if o.order == Order::Date {
        return Ok(false);
    }
    let excluded = request.tips.iter().any(|t| t.exclude);
    let mut r = request.clone();
    r.order = Order::Date;
    r.commit_data = false;
    r.diff.paths.clear();
    let mut history = History::new(repo, &r).map_err(super::diff::fatal)?;
    let mut walked = Vec::new();
    while let Some(c) = history.next_commit().map_err(super::diff::fatal)? {
        walked.push(c);
    }
    let followed = |c: &WalkedCommit| -> usize {
        if o.first_parent {
            c.parents.len().min(1)
        } else {
            c.parents.len()
        }
    };
    let mut pass = |c: &WalkedCommit| {
        if let Some(src) = sources.get(&c.id).cloned() {
            for p in &c.parents[..followed(c)] {
                sources.entry(*p).or_insert_with(|| src.clone());
            }
        }
    };
    if limited(repo, o, excluded) {
        walked.iter().for_each(&mut pass);
        return Ok(true);
    }
    // git's explore walk of the incremental topological walk.
    let graph = crate::revision::walk::usable_commit_graph(repo);
    let generation = |id: &ObjectId| {
        graph
            .and_then(|g| g.lookup(id).and_then(|p| g.commit(p)))
            .map_or(u64::MAX, |gc| gc.generation)
    };
    let index: crate::oid::IdMap<usize> =
        walked.iter().enumerate().map(|(i, c)| (c.id, i)).collect();
    let mut queue = std::collections::BinaryHeap::new();
    let mut queued = IdSet::default();
    let mut seq = 0u64;
    let mut put = |id: ObjectId, queue: &mut std::collections::BinaryHeap<_>| {
        if let Some(&i) = index.get(&id) {
            if queued.insert(id) {
                let c: &WalkedCommit = &walked[i];
                queue.push((generation(&id), c.commit_time, std::cmp::Reverse(seq), i));
                seq += 1;
            }
        }
    };
    for t in request.tips.iter().filter(|t| !t.exclude) {
        put(t.id, &mut queue);
    }
    while let Some((_, _, _, i)) = queue.pop() {
        let c = &walked[i];
        pass(c);
        for &p in &c.parents[..followed(c)] {
            put(p, &mut queue);
        }
    }
    Ok(true)
}

/// Whether git limits the walk (`revs->limited`: computes it whole before showing
/// anything): with `--cherry-pick`/`--cherry-mark`, with an excluded revision in date
/// order, and in topological orders without a commit-graph's generation numbers.
fn limited(repo: &Repository, o: &RevArgs, excluded: bool) -> bool {
    let topo = o.order != crate::revision::walk::Order::Date;
    let generations = crate::revision::walk::usable_commit_graph(repo).is_some();
    let s = &o.simplify;
    // git's --children, --simplify-merges (--simplify-by-decoration) and
    // --ancestry-path limit the walk too.
    o.walk.cherry_pick
        || o.walk.cherry_mark
        || s.children
        || s.simplify_merges
        || s.ancestry()
        || (topo && !generations)
        || (!topo && excluded)
}

/// `--author-date-order`: the walk's commits (in date order) sorted as git's
/// `--date-order` does, by author dates instead of commit dates (without a
/// commit-graph, commits newer than `--until` are left out first, as git's limited
/// walk does).
fn author_date_sort(
    repo: &Repository,
    mut list: Vec<WalkedCommit>,
    first_parent: bool,
    min_age: Option<i64>,
) -> Result<Vec<WalkedCommit>, Fatal> {
    use crate::revision::walk::{topo_sort, Order};
    let graph = crate::revision::walk::usable_commit_graph(repo).is_some();
    if let (Some(t), false) = (min_age, graph) {
        list.retain(|c| c.commit_time <= t);
    }
    let mut commit_times = crate::oid::IdMap::default();
    for c in &mut list {
        if c.data.is_empty() {
            *c = WalkedCommit::read(repo, c.id).map_err(|e| Fatal::new(e.to_string()))?;
        }
        let author = c.parsed().author_signature().map_or(0, |s| s.time);
        commit_times.insert(c.id, c.commit_time);
        // topo_sort orders by `commit_time`: the author date for the sort.
        c.commit_time = author;
    }
    let mut sorted = topo_sort(list, Order::TopoDate, first_parent && graph);
    for c in &mut sorted {
        c.commit_time = commit_times[&c.id];
    }
    Ok(sorted)
}
