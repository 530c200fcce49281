//! The revision-walk options `log`, `rev-list` and `show` share, parsed once: revisions
//! and ranges, commit filters (`--author`, `--grep`, `--since`...), walk switches
//! (`--first-parent`, `--reverse`, `-n`, `--skip`) and format options (`--format`,
//! `--date`, `--abbrev-commit`...), and the loop that picks the commits to show.

use super::Fatal;
use crate::api::History;
use crate::object::date::{Clock, DateMode};
use crate::oid::ObjectId;
use crate::pretty::{parse_pretty, Builtin, Format, FormatSpec, Formatter, PrettyOptions};
use crate::refs::{Head, Refs};
use crate::repo::Repository;
use crate::revision::filter::{CommitFilter, FilterOptions};
use crate::revision::range::{parse_revisions, RangeError, Revisions};
use crate::revision::walk::WalkedCommit;
use crate::revision::RevisionError;

/// The walk options of a command line, as given.
#[derive(Default)]
pub(super) struct RevArgs {
    /// `--first-parent`.
    pub first_parent: bool,
    /// `--topo-order` / `--date-order` (the last given wins).
    pub order: crate::revision::walk::Order,
    /// `--graph`.
    pub graph: bool,
    /// `--boundary`: after the commits, the parents they have that were not shown.
    pub boundary: bool,
    /// Format options.
    pub pretty: PrettyArgs,
    /// Commit filters and counts.
    pub filter: FilterArgs,
    /// Revisions, ranges, `--not` and ref listings (`--all`...), in order.
    pub revs: Vec<String>,
    /// `HEAD` was added to `revs` because none was given (`log`, `show`).
    pub default_head: bool,
    /// `--` was given: `revs` holds no paths (else [`split_paths`] finds them).
    pub dashdash: bool,
    /// `--left-right`, `--cherry-pick`, `--no-walk`, `--source`... (`log`, `rev-list`).
    pub walk: super::walk_opts::WalkOpts,
    /// History simplification options (`--full-history`, `--simplify-merges`...).
    pub simplify: SimplifyArgs,
}

/// The history simplification options, as given (see [`simplify_request`]).
#[derive(Default)]
pub(super) struct SimplifyArgs {
    /// `--full-history`.
    pub full_history: bool,
    /// `--sparse` (`--dense` turns it off).
    pub sparse: bool,
    /// `--simplify-merges`.
    pub simplify_merges: bool,
    /// `--ancestry-path` without a value.
    pub ancestry_path: bool,
    /// `--ancestry-path=<commit>` values.
    pub ancestry_commits: Vec<String>,
    /// `--show-pulls`.
    pub show_pulls: bool,
    /// `--parents`.
    pub parents: bool,
    /// `--children`.
    pub children: bool,
    /// `--simplify-by-decoration` (which also sets `simplify_merges`, as git does).
    pub by_decoration: bool,
}

impl SimplifyArgs {
    /// `--ancestry-path`, with or without commits.
    pub fn ancestry(&self) -> bool {
        self.ancestry_path || !self.ancestry_commits.is_empty()
    }

    /// Whether the walk is simplified even without paths (`--simplify-by-decoration`):
    /// what oxgit refuses with paths it refuses then too.
    pub fn without_paths(&self) -> bool {
        self.by_decoration
    }
}

/// What oxgit does not do the way git does with history simplification:
/// `--graph --first-parent` over a full history with paths.
pub(super) fn check_simplify(
    o: &RevArgs,
    s: &crate::revision::simplify::Simplify,
    paths: bool,
) -> Result<(), Fatal> {
    if o.simplify.by_decoration && o.first_parent {
        // git keeps only first parents of the simplified merges (found with --all).
        return Err(Fatal::new(
            "--simplify-by-decoration with --first-parent is not supported by oxgit",
        ));
    }
    if o.boundary && s.simplify_merges && o.commit_filter_given() {
        // A boundary commit comes out in another place than git's (found by the log
        // proptest with --grep).
        return Err(Fatal::new(
            "--boundary with --simplify-merges and commit filters is not supported by oxgit",
        ));
    }
    if o.graph && o.first_parent && paths && (s.full_history || s.simplify_merges || s.ancestry()) {
        // git draws an edge to a second parent it never walked when the first parent
        // rewrites to nothing.
        return Err(Fatal::new(
            "--graph --first-parent with paths and --full-history, --simplify-merges, --ancestry-path or -m is not supported by oxgit",
        ));
    }
    Ok(())
}

/// What oxgit does not do as git does with the revisions `r` of `o` (`paths`: the walk
/// has paths; `simplified`: paths or `--simplify-by-decoration`): `--no-walk` (git
/// simplifies the commits given, hiding those that leave the paths alone and rewriting
/// the parents of the others), and `--first-parent` with paths, rewritten parents and
/// several commits to walk from (git rewrites later parents reached from another one).
pub(super) fn check_walk(
    r: &Revisions,
    o: &RevArgs,
    paths: bool,
    simplified: bool,
) -> Result<(), Fatal> {
    if r.no_walk.is_some() && simplified {
        return Err(Fatal::new(
            "--no-walk with paths or --simplify-by-decoration is not supported by oxgit",
        ));
    }
    let s = &o.simplify;
    if o.first_parent
        && paths
        && (o.graph || s.parents || s.children)
        && r.included().nth(1).is_some()
    {
        return Err(Fatal::new(
            "--first-parent with paths, --parents, --children or --graph and several commits to start from is not supported by oxgit",
        ));
    }
    Ok(())
}

/// Parses a history simplification option (git's "History Simplification" and
/// `--parents`/`--children`); returns whether `a` was one.
fn parse_simplify_option(o: &mut RevArgs, a: &str) -> Result<bool, Fatal> {
    let s = &mut o.simplify;
    match a {
        "--full-history" => s.full_history = true,
        "--dense" => s.sparse = false,
        "--sparse" => s.sparse = true,
        "--simplify-merges" => {
            // git: it implies --topo-order (a --date-order stays).
            s.simplify_merges = true;
            if o.order == crate::revision::walk::Order::Date {
                o.order = crate::revision::walk::Order::Topo;
            }
        }
        "--ancestry-path" => s.ancestry_path = true,
        "--show-pulls" => s.show_pulls = true,
        "--parents" => s.parents = true,
        "--children" => s.children = true,
        "--simplify-by-decoration" => {
            // git: --simplify-merges (and --topo-order) with TREESAME decided by
            // decoration.
            s.by_decoration = true;
            s.simplify_merges = true;
            if o.order == crate::revision::walk::Order::Date {
                o.order = crate::revision::walk::Order::Topo;
            }
        }
        _ => match a.strip_prefix("--ancestry-path=") {
            Some(v) => s.ancestry_commits.push(v.to_string()),
            None => return Ok(false),
        },
    }
    Ok(true)
}

/// The walk's simplification request for `o` (`paths`: the walk has paths; `rewrite`:
/// the command rewrites parents for other reasons; `full_history`: implied by the
/// command, `log -m`; `cmd`: whose decorations `--simplify-by-decoration` uses), with
/// git's checks of the options. `None`: git's `error:` line was printed, exit with 128.
/// When parents are rewritten the walk counts parents for `--merges`/`--no-merges`
/// (before rewriting, as git does), and `o`'s filter no longer does.
pub(super) fn simplify_request(
    repo: &Repository,
    o: &mut RevArgs,
    paths: bool,
    rewrite: bool,
    full_history: bool,
    cmd: Porcelain,
) -> Result<Option<crate::revision::simplify::Simplify>, Fatal> {
    let s = &o.simplify;
    let rewrite_parents = s.parents || rewrite || o.graph || s.by_decoration;
    if (rewrite_parents || s.simplify_merges) && s.children {
        return Err(Fatal::new(
            "options '--parents' and '--children' cannot be used together",
        ));
    }
    let mut ancestry_commits = Vec::new();
    for v in &s.ancestry_commits {
        let id = crate::revision::resolve(repo, v)
            .ok()
            .and_then(|id| crate::revision::peel(repo, id, crate::object::ObjectKind::Commit).ok());
        match id {
            Some(id) => ancestry_commits.push(id),
            None => {
                eprintln!("error: could not get commit for --ancestry-path argument {v}");
                return Ok(None);
            }
        }
    }
    let mut request = crate::revision::simplify::Simplify {
        full_history: s.full_history || full_history,
        sparse: s.sparse,
        rewrite_parents,
        simplify_merges: s.simplify_merges,
        ancestry_path: s.ancestry_path,
        ancestry_commits,
        show_pulls: s.show_pulls,
        children: s.children,
        max_parents: None,
        min_parents: 0,
        decorated: None,
    };
    if s.by_decoration {
        request.decorated = Some(std::sync::Arc::new(decorated(repo, cmd, &o.pretty)?));
    }
    let simplified = paths || s.by_decoration;
    if simplified && (rewrite_parents || request.simplify_merges || request.children) {
        request.max_parents = o.filter.max_parents.take().flatten();
        request.min_parents = o.filter.min_parents.take().unwrap_or(0);
    }
    Ok(Some(request))
}

/// The objects `--simplify-by-decoration` keeps commits for: for `log` (and `show`)
/// what its decorations show (git's default decoration filter), for `rev-list` what
/// every ref and `HEAD` point to (git loads them unfiltered then).
fn decorated(
    repo: &Repository,
    cmd: Porcelain,
    pretty: &PrettyArgs,
) -> Result<crate::oid::IdSet, Fatal> {
    let unsupported = |what: &str| {
        Fatal::new(format!(
            "--simplify-by-decoration with {what} is not supported by oxgit"
        ))
    };
    if !crate::revision::grafts::Grafts::load(repo).is_empty() {
        // git decorates grafted (and shallow) commits too.
        return Err(unsupported("grafts or a shallow history"));
    }
    let refs = Refs::new(repo)
        .all()
        .map_err(|e| Fatal::new(e.to_string()))?;
    if refs.iter().any(|r| r.name.starts_with("refs/replace/")) {
        // git decorates the replaced object, named by the ref.
        return Err(unsupported("replace refs"));
    }
    let err = |e: crate::refs::RefError| Fatal::new(e.to_string());
    match cmd {
        Porcelain::Log => {
            let d = match log_decoration_filter(repo, pretty) {
                Some(f) => crate::pretty::Decorations::load_filtered(repo, &f),
                None => crate::pretty::Decorations::load(repo),
            };
            Ok(d.map_err(err)?.ids().copied().collect())
        }
        Porcelain::RevList => {
            let every = crate::pretty::DecorationFilter::default();
            let d = crate::pretty::Decorations::load_filtered(repo, &every).map_err(err)?;
            Ok(d.ids().copied().collect())
        }
    }
}

/// The format-related options (`--format`, `--date`, `--abbrev-commit`...).
#[derive(Default)]
pub(super) struct PrettyArgs {
    /// `--pretty=`/`--format=` value; `Some(None)` for a bare `--pretty`.
    pub format: Option<Option<String>>,
    /// `--oneline`.
    pub oneline: bool,
    /// `--abbrev-commit` / `--no-abbrev-commit`.
    pub abbrev_commit: Option<bool>,
    /// `--abbrev=<n>` (`Some(0)`: `--no-abbrev`).
    pub abbrev: Option<usize>,
    /// `--date=`.
    pub date: Option<String>,
    /// `--expand-tabs[=<n>]`.
    pub expand_tabs: Option<usize>,
    /// `--notes` / `--no-notes`.
    pub notes: Option<bool>,
    /// `--decorate[=<style>]` (`Some(None)`: `--no-decorate`).
    pub decorate: Option<Option<String>>,
    /// `--use-mailmap` / `--no-use-mailmap`.
    pub mailmap: Option<bool>,
    /// `--decorate-refs=<pattern>` values (since the last `--clear-decorations`).
    pub decorate_refs: Vec<String>,
    /// `--decorate-refs-exclude=<pattern>` values (likewise).
    pub decorate_refs_exclude: Vec<String>,
    /// `--clear-decorations`: git's default decoration filter is off.
    pub clear_decorations: bool,
}

/// Which refs decorate in `log` and `show` (their `%d`, `--decorate` and
/// `--simplify-by-decoration`): `None` for git's default namespaces, unless
/// `--decorate-refs`, `--decorate-refs-exclude`, `--clear-decorations`,
/// `log.excludeDecoration` or `log.initialDecorationSet=all` say otherwise (git's
/// `set_default_decoration_filter`).
fn log_decoration_filter(
    repo: &Repository,
    p: &PrettyArgs,
) -> Option<crate::pretty::DecorationFilter> {
    let config = repo.config();
    let exclude_config: Vec<String> = config
        .get_all("log.excludeDecoration")
        .map(str::to_string)
        .collect();
    let all = config.get("log.initialDecorationSet") == Some("all");
    if !p.clear_decorations
        && !all
        && p.decorate_refs.is_empty()
        && p.decorate_refs_exclude.is_empty()
        && exclude_config.is_empty()
    {
        return None;
    }
    Some(crate::pretty::DecorationFilter::new(
        &p.decorate_refs,
        &p.decorate_refs_exclude,
        &exclude_config,
    ))
}

/// The filter options (`--author`, `--grep`, `--since`...) and counts.
#[derive(Default)]
pub(super) struct FilterArgs {
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
    /// `--skip`.
    pub skip: usize,
    /// `--reverse` (toggled by each).
    pub reverse: bool,
    /// `-n`.
    pub max_count: Option<usize>,
}

impl FilterArgs {
    /// `--max-parents=<n>` (as `--cherry` sets it).
    pub fn set_max_parents(&mut self, n: usize) {
        self.max_parents = Some(Some(n));
    }

    /// `-i` / `--regexp-ignore-case` (which also applies to the pickaxe).
    pub fn ignore_case(&self) -> bool {
        self.ignore_case
    }
}

impl RevArgs {
    /// Whether a commit filter (`--author`, `--grep`, `--since`, `--merges`...) was
    /// given.
    pub fn commit_filter_given(&self) -> bool {
        let f = &self.filter;
        !f.authors.is_empty()
            || !f.committers.is_empty()
            || !f.greps.is_empty()
            || f.since.is_some()
            || f.until.is_some()
            || f.max_age.is_some()
            || f.min_age.is_some()
            || f.min_parents.is_some()
            || f.max_parents.is_some()
    }
}

/// Options taking a value as `--opt=value` or `--opt value` (git's parse_long_opt).
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
    "--decorate-refs",
    "--decorate-refs-exclude",
];

fn count(s: &str) -> Result<usize, Fatal> {
    s.parse::<i64>()
        .map(|n| if n < 0 { usize::MAX } else { n as usize })
        .map_err(|_| Fatal::new(format!("'{s}': not an integer")))
}

fn number(s: &str, what: &str) -> Result<usize, Fatal> {
    s.parse::<usize>()
        .map_err(|_| Fatal::new(format!("{what} requires an integer argument")))
}

/// Parses `args[*i]` if it is a walk, filter or format option (advancing `*i` past a
/// separate value) and returns whether it was one. `--abbrev=<n>` and `--no-abbrev` are
/// recorded but reported as not consumed: they are diff flags too.
pub(super) fn parse_option(o: &mut RevArgs, args: &[String], i: &mut usize) -> Result<bool, Fatal> {
    use crate::revision::regex::Syntax;
    let a = args[*i].as_str();
    let (name, value): (&str, Option<String>) = match a.split_once('=') {
        Some((n, v)) if LONG_VALUE.contains(&n) => (n, Some(v.to_string())),
        _ if LONG_VALUE.contains(&a) => {
            *i += 1;
            let v = args
                .get(*i)
                .ok_or_else(|| Fatal::usage(format!("option '{}' requires a value", &a[2..])))?;
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
            "--decorate-refs" => o.pretty.decorate_refs.push(v),
            "--decorate-refs-exclude" => o.pretty.decorate_refs_exclude.push(v),
            _ => f.max_parents = Some(Some(number(&v, "--max-parents")?)),
        }
        return Ok(true);
    }
    if a == "--no-abbrev" {
        o.pretty.abbrev = Some(0);
        return Ok(false);
    }
    if let Some(v) = a.strip_prefix("--abbrev=") {
        let n = number(v, "--abbrev")?;
        o.pretty.abbrev = Some(if n == 0 { 0 } else { n.max(4) });
        return Ok(false);
    }
    if crate::refs::list::is_ref_listing(a) {
        o.revs.push(a.to_string());
        return Ok(true);
    }
    if parse_simplify_option(o, a)? {
        return Ok(true);
    }
    match a {
        "--not" => o.revs.push(a.to_string()),
        "--boundary" => o.boundary = true,
        "--oneline" => {
            // `--pretty=oneline --abbrev-commit`: a later `--no-abbrev-commit` wins.
            o.pretty.oneline = true;
            o.pretty.format = None;
            o.pretty.abbrev_commit = Some(true);
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
        "--clear-decorations" => {
            o.pretty.decorate_refs.clear();
            o.pretty.decorate_refs_exclude.clear();
            o.pretty.clear_decorations = true;
        }
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
        "--first-parent" => o.first_parent = true,
        "--topo-order" => o.order = crate::revision::walk::Order::Topo,
        "--date-order" => o.order = crate::revision::walk::Order::TopoDate,
        "--graph" => {
            // git's --graph implies --topo-order (a --date-order stays).
            o.graph = true;
            if o.order == crate::revision::walk::Order::Date {
                o.order = crate::revision::walk::Order::Topo;
            }
        }
        "-n" | "--max-count" => {
            *i += 1;
            let v = args
                .get(*i)
                .ok_or_else(|| Fatal::usage("-n requires a value"))?;
            o.filter.max_count = Some(count(v)?);
        }
        _ if a.starts_with("--max-count=") => o.filter.max_count = Some(count(&a[12..])?),
        _ if a.starts_with("-n") && a.len() > 2 => o.filter.max_count = Some(count(&a[2..])?),
        _ if a.len() > 1 && a.starts_with('-') && a[1..].bytes().all(|b| b.is_ascii_digit()) => {
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
        _ => return Ok(false),
    }
    Ok(true)
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

/// The checks of walk options against each other: git's of `--graph` (not with
/// `--reverse`, and for a command that does not walk, `show`, not at all), and what
/// oxgit does not do with `--boundary`.
pub(super) fn check_graph(o: &RevArgs, walks: bool) -> Result<(), Fatal> {
    if o.boundary && o.first_parent {
        // git shows the second parents of merges as boundary commits without their own
        // parents then (it never parsed them).
        return Err(Fatal::new(
            "--boundary with --first-parent is not supported by oxgit",
        ));
    }
    if o.graph && o.filter.reverse {
        return Err(Fatal::new(
            "options '--graph' and '--reverse' cannot be used together",
        ));
    }
    if o.graph && !walks {
        return Err(Fatal::new(
            "options '--no-walk' and '--graph' cannot be used together",
        ));
    }
    Ok(())
}

/// git's `setup_revisions` for the arguments before a `--` that was not given: the first
/// argument that is not a revision and all after it are paths (taken out of `o.revs` and
/// returned), each of which must name a file in the work tree or look like a pathspec;
/// a revision that also names a file is ambiguous. Without `--`, `o.revs` then gets the
/// default `HEAD` if `default` and no revision is left.
pub(super) fn split_paths(
    repo: &Repository,
    cwd: &std::path::Path,
    o: &mut RevArgs,
    default: bool,
) -> Result<Vec<String>, Fatal> {
    if o.dashdash {
        return Ok(Vec::new());
    }
    let top = repo.work_tree().map(std::path::Path::to_path_buf);
    let prefix = crate::revision::work_prefix(repo, cwd);
    let in_work_tree = prefix.is_some() && !cwd.starts_with(repo.git_dir());
    let is_file =
        |a: &str| super::rev_parse::file_exists(cwd, top.as_deref(), prefix.as_deref(), a);
    let mut first_path = o.revs.len();
    for (i, a) in o.revs.iter().enumerate() {
        if a.starts_with('-') || (o.default_head && i + 1 == o.revs.len()) {
            continue;
        }
        if parse_revisions(repo, std::slice::from_ref(a)).is_err() {
            if a.starts_with('^') {
                // Not a file name either (git's setup_revisions).
                return Err(Fatal::new(format!("bad revision '{a}'")));
            }
            first_path = i;
            break;
        }
        if in_work_tree && is_file(a) {
            return Err(Fatal::new(format!(
                "ambiguous argument '{a}': both revision and filename\n{}",
                super::rev_parse::AMBIGUOUS_HINT
            )));
        }
    }
    let paths = o.revs.split_off(first_path);
    for (j, p) in paths.iter().enumerate() {
        verify_filename(repo, cwd, p, j == 0)?;
    }
    if default && !paths.is_empty() && o.revs.iter().all(|r| r == "--not") {
        o.revs.push("HEAD".to_string());
        o.default_head = true;
    }
    Ok(paths)
}

/// git's `verify_filename`: `arg`, an argument in `cwd` taken as a path without `--`,
/// must name a file or look like a pathspec; `first`: it is the one that did not resolve
/// as a revision (git then diagnoses it as one).
pub(super) fn verify_filename(
    repo: &Repository,
    cwd: &std::path::Path,
    arg: &str,
    first: bool,
) -> Result<(), Fatal> {
    if arg.starts_with('-') {
        return Err(Fatal::new(format!(
            "option '{arg}' must come before non-option arguments"
        )));
    }
    let top = repo.work_tree();
    let prefix = crate::revision::work_prefix(repo, cwd);
    if super::rev_parse::looks_like_pathspec(arg)
        || super::rev_parse::file_exists(cwd, top, prefix.as_deref(), arg)
    {
        return Ok(());
    }
    Err(if first {
        super::rev_parse::unknown_argument(repo, prefix.as_deref(), cwd, arg)
    } else {
        Fatal::new(format!(
            "{arg}: no such path in the working tree.\n\
             Use 'git <command> -- <path>...' to specify paths that do not exist locally."
        ))
    })
}

/// Resolves the revisions of `o`, with git's messages for unknown ones (after git's
/// checks of `--graph`).
pub(super) fn revisions(repo: &Repository, o: &RevArgs) -> Result<Revisions, Fatal> {
    check_graph(o, true)?;
    match parse_revisions(repo, &o.revs) {
        Ok(r) => {
            check_graph(o, r.no_walk.is_none())?;
            Ok(r)
        }
        Err(RangeError::Revision(RevisionError::Unknown(spec))) => {
            Err(unknown_revision(repo, o, &spec))
        }
        Err(e) => Err(Fatal::new(e.to_string())),
    }
}

/// git's message for `spec`, a revision of `o` that does not resolve: for the default
/// `HEAD` on a branch without commits, that the branch has none yet.
pub(super) fn unknown_revision(repo: &Repository, o: &RevArgs, spec: &str) -> Fatal {
    if o.default_head && spec == "HEAD" {
        if let Ok(Head::Attached { name, id: None }) = Refs::new(repo).head() {
            let branch = name.strip_prefix("refs/heads/").unwrap_or(&name);
            return Fatal::new(format!(
                "your current branch '{branch}' does not have any commits yet"
            ));
        }
    }
    super::diff::unknown_revision(spec)
}

/// Which command's config applies to the format: `log` and `show` read `format.pretty`,
/// `log.date`, `log.abbrevCommit`, `log.mailmap`, `log.decorate` and show notes by
/// default; `rev-list` reads none of them.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Porcelain {
    /// `log`, `show`.
    Log,
    /// `rev-list`.
    RevList,
}

/// The formatter for the format options and (for `log`) the repository's config, and
/// the clock used.
/// `color`: the palette when colouring (commit ids and decorations in git's colours).
pub(super) fn build_formatter<'r>(
    repo: &'r Repository,
    p: &PrettyArgs,
    cmd: Porcelain,
    color: Option<&crate::diff::color::DiffPalette>,
) -> Result<(Formatter<'r>, Clock), Fatal> {
    let config = repo.config();
    if let Some(palette) = color {
        let custom = palette.commit != crate::diff::color::DiffPalette::git_default().commit;
        let decorate = config
            .section_entries("color")
            .any(|(k, _)| k.starts_with("decorate."));
        if custom || decorate {
            return Err(Fatal::new(
                "coloured commit headers with color.diff.commit or color.decorate.* are not supported by oxgit",
            ));
        }
    }
    let log = cmd == Porcelain::Log;
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
            None => match config.get("format.pretty").filter(|_| log) {
                Some(f) => FormatSpec {
                    given: false,
                    ..parse_pretty(f, config).map_err(pretty_err)?
                },
                None => FormatSpec::medium(),
            },
        }
    };
    let on_terminal = super::terminal::on_terminal();
    let mut opts = PrettyOptions::for_repo(repo);
    opts.color = color.is_some();
    let date = p
        .date
        .clone()
        .or_else(|| config.get("log.date").filter(|_| log).map(str::to_string));
    if let Some(d) = date {
        opts.date = Some(
            DateMode::parse_with_terminal(&d, on_terminal)
                .map_err(|e| Fatal::new(e.to_string()))?,
        );
    }
    let raw = spec.format == Format::Builtin(Builtin::Raw) && spec.given;
    opts.abbrev_commit = p
        .abbrev_commit
        .unwrap_or(log && !raw && config.get_bool("log.abbrevCommit") == Some(true));
    if let Some(n) = p.abbrev {
        opts.abbrev = (n > 0).then_some(n);
    }
    // Only `log` and `show` expand tabs by default (git's expand_tabs_in_log_default).
    opts.expand_tabs = p.expand_tabs.or((!log).then_some(0));
    opts.use_mailmap = p.mailmap.unwrap_or(log && opts.use_mailmap);
    // git's rev-list loads decorations unfiltered (`%d`), log and show with a filter.
    opts.decoration_filter = if log {
        log_decoration_filter(repo, p)
    } else {
        Some(crate::pretty::DecorationFilter::default())
    };
    opts.show_notes = p.notes.unwrap_or(log && !spec.given);
    if log {
        let prefix = config.get("format.subjectPrefix").unwrap_or("PATCH");
        opts.subject_prefix = Some(prefix.to_string());
    }
    let decorate = match &p.decorate {
        Some(d) => d.clone(),
        None if raw || !log => None,
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

/// The commit filter for the filter options (`grep.patternType`, `grep.extendedRegexp`
/// and the mailmap from config).
pub(super) fn build_filter(
    repo: &Repository,
    f: &FilterArgs,
    clock: &Clock,
    mailmap: bool,
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
    let headers = !f.authors.is_empty() || !f.committers.is_empty();
    let map = if mailmap && headers {
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

/// Picks the commits to show from a walk: the filter, then `--skip`, then `-n`, as git
/// applies them.
pub(super) struct Selector {
    /// The commit filter.
    pub filter: CommitFilter,
    to_skip: usize,
    max_count: Option<usize>,
    shown: usize,
    /// The walk read ahead, with whether each commit passes the filter.
    preloaded: Option<std::collections::VecDeque<(WalkedCommit, bool)>>,
    /// `--boundary`.
    boundary: Option<Boundary>,
}

/// `--boundary` as git's `get_revision` does it: each shown commit marks its parents
/// (`CHILD_SHOWN`); once the walk's commits are all shown (or `-n` is reached), the
/// marked ones not shown are shown too, topologically sorted.
struct Boundary {
    /// The order they are sorted in (`--date-order`, else git's graph order).
    order: crate::revision::walk::Order,
    /// Commits shown (git's `SHOWN`).
    shown: crate::oid::IdSet,
    /// Parents of shown commits (git's `CHILD_SHOWN`), in the order marked.
    marked: Vec<ObjectId>,
    child_shown: crate::oid::IdSet,
    /// The boundary commits still to show, once computed.
    list: Option<std::collections::VecDeque<WalkedCommit>>,
    /// The boundary commits.
    ids: crate::oid::IdSet,
}

impl Boundary {
    /// Records `c` as shown and marks its parents.
    fn show(&mut self, c: &WalkedCommit) {
        self.shown.insert(c.id);
        for p in &c.parents {
            if !self.shown.contains(p) && self.child_shown.insert(*p) {
                self.marked.push(*p);
            }
        }
    }

    /// git's `create_boundary_commit_list`: the marked commits not shown, newest mark
    /// first, topologically sorted.
    fn compute(&mut self, repo: &Repository, history: &History<'_>) -> Result<(), Fatal> {
        let mut list = Vec::new();
        for id in self.marked.iter().rev() {
            if self.shown.contains(id) || !self.ids.insert(*id) {
                continue;
            }
            let mut c = WalkedCommit::read(repo, *id).map_err(|e| Fatal::new(e.to_string()))?;
            // git shows them with the parents its walk left them.
            if let Some(p) = history.current_parents(id) {
                c.parents = p;
            }
            list.push(c);
        }
        let sorted = crate::revision::walk::topo_sort(list, self.order, false);
        self.list = Some(sorted.into());
        Ok(())
    }
}

impl Selector {
    /// A selector for `f`'s counts.
    pub fn new(filter: CommitFilter, f: &FilterArgs) -> Selector {
        Selector {
            filter,
            to_skip: f.skip,
            max_count: f.max_count,
            shown: 0,
            preloaded: None,
            boundary: None,
        }
    }

    /// Shows the boundary commits after the others (`--boundary`), sorted in `order`.
    pub fn with_boundary(&mut self, order: crate::revision::walk::Order) {
        use crate::revision::walk::Order;
        self.boundary = Some(Boundary {
            order: if order == Order::TopoDate {
                Order::TopoDate
            } else {
                Order::Topo
            },
            shown: Default::default(),
            marked: Vec::new(),
            child_shown: Default::default(),
            list: None,
            ids: Default::default(),
        });
    }

    /// Whether `c` is shown as a boundary commit (`--boundary`).
    pub fn is_boundary(&self, c: &WalkedCommit) -> bool {
        self.boundary
            .as_ref()
            .is_some_and(|b| b.ids.contains(&c.id))
    }

    /// Whether `--graph` draws an edge to parent `p` of the commit just given: a parent
    /// that will be shown (in `will_show`, and not shown yet), or with `--boundary` any
    /// parent of a shown commit.
    pub fn graph_interesting(&self, p: &ObjectId, will_show: &crate::oid::IdSet) -> bool {
        match &self.boundary {
            Some(b) => b.child_shown.contains(p) || (will_show.contains(p) && !b.shown.contains(p)),
            None => will_show.contains(p),
        }
    }

    /// Whether `-n` is reached (and, with `--boundary`, the boundary commits shown).
    pub fn done(&self) -> bool {
        let counted = self.max_count.is_some_and(|n| self.shown >= n);
        match &self.boundary {
            None => counted,
            Some(b) => counted && b.list.as_ref().is_some_and(|l| l.is_empty()),
        }
    }

    fn counted(&self) -> bool {
        self.max_count.is_some_and(|n| self.shown >= n)
    }

    /// With `--boundary`, the next boundary commit once the others are shown.
    fn next_boundary(
        &mut self,
        repo: &Repository,
        history: &History<'_>,
    ) -> Result<Option<WalkedCommit>, Fatal> {
        let Some(b) = self.boundary.as_mut() else {
            return Ok(None);
        };
        if b.list.is_none() {
            b.compute(repo, history)?;
        }
        let c = b.list.as_mut().and_then(|l| l.pop_front());
        if let Some(c) = &c {
            b.shown.insert(c.id);
        }
        Ok(c)
    }

    /// The next commit to show, or `None` at the end (or at `-n`). `notes` are the notes
    /// the format shows, which `--grep` searches too (appended raw, as git's
    /// commit_match does); `walked` sees every commit the walk gives, shown or not.
    pub fn next(
        &mut self,
        repo: &Repository,
        history: &mut History<'_>,
        notes: Option<&crate::pretty::Notes>,
        walked: &mut dyn FnMut(&WalkedCommit),
    ) -> Result<Option<WalkedCommit>, Fatal> {
        while !self.counted() {
            let (c, matched) = match self.preloaded.as_mut() {
                Some(list) => match list.pop_front() {
                    Some(x) => x,
                    None => break,
                },
                None => {
                    let Some(c) = history.next_commit().map_err(super::diff::fatal)? else {
                        break;
                    };
                    let matched = self.matches(repo, notes, &c)?;
                    (c, matched)
                }
            };
            walked(&c);
            if !matched {
                continue;
            }
            if self.to_skip > 0 {
                self.to_skip -= 1;
                continue;
            }
            self.shown += 1;
            if let Some(b) = self.boundary.as_mut() {
                b.show(&c);
            }
            return Ok(Some(c));
        }
        self.next_boundary(repo, history)
    }

    /// Whether commit `c`, given but not walked (`show`'s commits), is shown: it passes
    /// the filter and `--since`, and is not one `--skip` still skips (the count goes on
    /// from commit to commit, as git's does; `-n` is the caller's).
    pub fn pick(
        &mut self,
        repo: &Repository,
        notes: Option<&crate::pretty::Notes>,
        c: &WalkedCommit,
    ) -> Result<bool, Fatal> {
        if self.filter.max_age.is_some_and(|t| c.commit_time < t)
            || !self.matches(repo, notes, c)?
        {
            return Ok(false);
        }
        if self.to_skip > 0 {
            self.to_skip -= 1;
            return Ok(false);
        }
        self.shown += 1;
        Ok(true)
    }

    /// Whether `c` passes the filter (`--author`, `--grep`, `--no-merges`...).
    fn matches(
        &self,
        repo: &Repository,
        notes: Option<&crate::pretty::Notes>,
        c: &WalkedCommit,
    ) -> Result<bool, Fatal> {
        Ok(match notes.filter(|_| self.filter.needs_text()) {
            Some(notes) => {
                let mut text = c.data.clone();
                if !text.ends_with(b"\n") {
                    text.push(b'\n');
                }
                notes
                    .format(repo, &c.id, true, &mut text)
                    .map_err(|e| Fatal::new(e.to_string()))?;
                self.filter.matches(&text, c.parents.len(), c.commit_time)
            }
            None => self.filter.matches(&c.data, c.parents.len(), c.commit_time),
        })
    }

    /// Reads the whole walk ahead (as `--graph` needs: it draws an edge to a parent only
    /// if the parent will be shown) and returns the commits that pass the filter;
    /// [`Selector::next`] then takes the commits from what was read.
    pub fn read_ahead(
        &mut self,
        repo: &Repository,
        history: &mut History<'_>,
        notes: Option<&crate::pretty::Notes>,
    ) -> Result<crate::oid::IdSet, Fatal> {
        let mut list = Vec::new();
        while let Some(c) = history.next_commit().map_err(super::diff::fatal)? {
            list.push((c, false));
        }
        self.preload(repo, list, notes)
    }

    /// Takes the commits to pick from `list` instead of the walk (each with whether it
    /// is hidden whatever the filter says: `--cherry-pick`, `--left-only`...; hidden
    /// commits still count as walked) and returns those that will be shown, as
    /// [`Selector::read_ahead`]. Call after [`Selector::with_boundary`].
    pub fn preload(
        &mut self,
        repo: &Repository,
        list: Vec<(WalkedCommit, bool)>,
        notes: Option<&crate::pretty::Notes>,
    ) -> Result<crate::oid::IdSet, Fatal> {
        let mut out = std::collections::VecDeque::with_capacity(list.len());
        let mut shown = crate::oid::IdSet::default();
        for (c, hidden) in list {
            if let (true, Some(b)) = (hidden, self.boundary.as_mut()) {
                // git flags them `SHOWN`: never boundary commits, nor marking any.
                b.shown.insert(c.id);
            }
            let matched = !hidden && self.matches(repo, notes, &c)?;
            if matched {
                shown.insert(c.id);
            }
            out.push_back((c, matched));
        }
        self.preloaded = Some(out);
        Ok(shown)
    }
}

/// The ids `rev-list` and `log` print after commit `c`'s own on its line: with
/// `--parents` its parents as the walk gave them (rewritten with paths), with
/// `--children` its children in the walk (`children`: [`History::children`]).
pub(super) fn relatives(
    s: &SimplifyArgs,
    c: &WalkedCommit,
    children: &crate::oid::IdMap<Vec<ObjectId>>,
) -> Vec<ObjectId> {
    let mut out = Vec::new();
    if s.parents {
        out.extend_from_slice(&c.parents);
    }
    if s.children {
        out.extend(children.get(&c.id).into_iter().flatten().copied());
    }
    out
}

/// The parents of `c` that `--graph` draws edges to (see
/// [`Selector::graph_interesting`]; `will_show`: what [`Selector::read_ahead`] returned),
/// only the first with `--first-parent`.
pub(super) fn graph_parents(
    c: &WalkedCommit,
    selector: &Selector,
    will_show: &crate::oid::IdSet,
    first_parent: bool,
) -> Vec<ObjectId> {
    let n = if first_parent {
        c.parents.len().min(1)
    } else {
        c.parents.len()
    };
    c.parents[..n]
        .iter()
        .copied()
        .filter(|p| selector.graph_interesting(p, will_show))
        .collect()
}

/// The `--graph` drawing for a command's output (coloured with `log.graphColors` or
/// git's default column colours when `color`; git reads `log.graphColors`, and warns
/// about invalid colours in it, either way).
pub(super) fn new_graph(
    repo: &Repository,
    color: bool,
) -> Result<crate::pretty::graph::Graph<ObjectId>, Fatal> {
    use crate::pretty::graph::Graph;
    let colors = Graph::<ObjectId>::colors_from_config(repo.config());
    if colors.as_ref().is_some_and(Vec::is_empty) {
        // git divides by the number of colours then (and dies of it).
        return Err(Fatal::new(
            "log.graphColors without a valid colour is not supported by oxgit",
        ));
    }
    Ok(Graph::new(color, colors))
}

/// Whether the mailmap applies to `--author`/`--committer` (`log.mailmap`, default on,
/// for `log`; only `--use-mailmap` for `rev-list`).
pub(super) fn filter_mailmap(repo: &Repository, p: &PrettyArgs, cmd: Porcelain) -> bool {
    p.mailmap
        .unwrap_or(cmd == Porcelain::Log && repo.config().get_bool("log.mailmap") != Some(false))
}
