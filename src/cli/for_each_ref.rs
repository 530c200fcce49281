//! `oxgit for-each-ref`: refs listed, filtered, sorted and formatted as git 2.47 does it.

use super::options::{self, fixed, flag, optional, value, Spec};
use super::{Context, Fatal};
use crate::object::ObjectKind;
use crate::oid::ObjectId;
use crate::refs::format::{sort, FormatError, Quote, RefFormat, SortKey, Values};
use crate::refs::list::{path_pattern_matches, ListedRef};
use crate::refs::Refs;
use crate::repo::Repository;
use crate::revision::merge_base::CommitWalker;

pub(super) const USAGE: &str = "usage: oxgit for-each-ref [<options>] [<pattern>]
   or: oxgit for-each-ref [--points-at <object>]
   or: oxgit for-each-ref [--merged [<commit>]] [--no-merged [<commit>]]
   or: oxgit for-each-ref [--contains [<commit>]] [--no-contains [<commit>]]

    -s, --[no-]shell      quote placeholders suitably for shells
    -p, --[no-]perl       quote placeholders suitably for perl
    --[no-]python         quote placeholders suitably for python
    --[no-]tcl            quote placeholders suitably for Tcl
    --[no-]omit-empty     do not output a newline after empty formatted refs

    --[no-]count <n>      show only <n> matched refs
    --[no-]format <format>
                          format to use for the output
    --[no-]color[=<when>] respect format colors
    --[no-]exclude <pattern>
                          exclude refs which match pattern
    --[no-]sort <key>     field name to sort on
    --[no-]points-at <object>
                          print only refs which points at the given object
    --merged <commit>     print only refs that are merged
    --no-merged <commit>  print only refs that are not merged
    --contains <commit>   print only refs which contain the commit
    --no-contains <commit>
                          print only refs which don't contain the commit
    --[no-]ignore-case    sorting and filtering are case insensitive
    --[no-]stdin          read reference patterns from stdin
    --[no-]include-root-refs
                          also include HEAD ref and pseudorefs

";

const SPECS: &[Spec] = &[
    flag(Some('s'), "shell"),
    flag(Some('p'), "perl"),
    flag(None, "python"),
    flag(None, "tcl"),
    flag(None, "omit-empty"),
    value(None, "count"),
    value(None, "format"),
    optional(None, "color"),
    value(None, "exclude"),
    value(None, "sort"),
    value(None, "points-at"),
    fixed(value(None, "merged")),
    fixed(value(None, "no-merged")),
    fixed(value(None, "contains")),
    fixed(value(None, "no-contains")),
    flag(None, "ignore-case"),
    flag(None, "stdin"),
    flag(None, "include-root-refs"),
];

const DEFAULT_FORMAT: &str = "%(objectname) %(objecttype)\t%(refname)";

/// The filters of one listing (git's `ref_filter`).
#[derive(Default)]
pub(super) struct Filter {
    pub patterns: Vec<String>,
    pub excludes: Vec<String>,
    pub ignore_case: bool,
    pub points_at: Vec<ObjectId>,
    pub merged: Vec<ObjectId>,
    pub no_merged: Vec<ObjectId>,
    pub contains: Vec<ObjectId>,
    pub no_contains: Vec<ObjectId>,
    /// Only refs under these prefixes (`refs/heads/`...); every ref when empty.
    pub prefixes: Vec<&'static str>,
    /// Patterns as `branch` and `tag` match them (git's `match_pattern`: against the
    /// name without `refs/heads/`, `refs/tags/`, `refs/remotes/` or `refs/`, and `*`
    /// crossing `/`), not as `for-each-ref`'s leading path components.
    pub short_patterns: bool,
}

impl Filter {
    /// Takes `--points-at`, `--merged`, `--no-merged`, `--contains` or `--no-contains`
    /// with its value (`None`: the `--no-` form), as git's option callbacks do; `Ok(Err(code))`
    /// is a usage error already reported. Other names are not taken (`Ok(Ok(false))`).
    pub(super) fn take_option(
        &mut self,
        repo: &Repository,
        name: &str,
        value: Option<String>,
    ) -> Result<Result<bool, i32>, Fatal> {
        match name {
            "points-at" => match value {
                Some(v) => match crate::revision::resolve(repo, &v) {
                    Ok(id) => self.points_at.push(id),
                    Err(_) => {
                        return Ok(Err(options::usage_error(
                            &format!("malformed object name '{v}'"),
                            "",
                        )))
                    }
                },
                None => self.points_at.clear(),
            },
            "merged" | "no-merged" => {
                let v = value.unwrap_or_default();
                let Ok(id) = crate::revision::resolve(repo, &v) else {
                    return Err(Fatal::new(format!("malformed object name {v}")));
                };
                let Some(commit) = commit_of(repo, id)? else {
                    return Ok(Err(options::usage_error(
                        &format!("option `{name}' must point to a commit"),
                        "",
                    )));
                };
                if name == "merged" {
                    self.merged.push(commit)
                } else {
                    self.no_merged.push(commit)
                }
            }
            "contains" | "no-contains" => {
                let v = value.unwrap_or_default();
                let Ok(id) = crate::revision::resolve(repo, &v) else {
                    return Ok(Err(options::usage_error(
                        &format!("malformed object name {v}"),
                        "",
                    )));
                };
                let Some(commit) = commit_of(repo, id)? else {
                    return Ok(Err(options::usage_error(
                        &format!("no such commit {v}"),
                        "",
                    )));
                };
                if name == "contains" {
                    self.contains.push(commit)
                } else {
                    self.no_contains.push(commit)
                }
            }
            _ => return Ok(Ok(false)),
        }
        Ok(Ok(true))
    }

    /// Whether a filter on the refs' objects is set (`--merged`, `--contains`,
    /// `--points-at`...): with one, `branch` and `tag` list rather than create.
    pub(super) fn filters_objects(&self) -> bool {
        self.filters_reach() || !self.points_at.is_empty()
    }

    /// Whether a reachability filter is set (`--merged`, `--contains`...).
    pub(super) fn filters_reach(&self) -> bool {
        !(self.merged.is_empty()
            && self.no_merged.is_empty()
            && self.contains.is_empty()
            && self.no_contains.is_empty())
    }

    fn pattern_matches(&self, pattern: &str, name: &str) -> bool {
        if self.short_patterns {
            crate::refs::list::short_pattern_matches(pattern, name, self.ignore_case)
        } else {
            path_pattern_matches(pattern, name, self.ignore_case)
        }
    }
}

/// Runs `for-each-ref`.
pub fn run(ctx: &mut Context<'_>) -> Result<i32, Fatal> {
    let args = with_lastarg_default(&ctx.args);
    let parsed = match options::parse(&args, SPECS, false) {
        Ok(p) => p,
        Err(e) => return Ok(e.report(USAGE, ctx.out)),
    };
    let repo = ctx.repo()?;
    let mut quotes = 0u8;
    let mut omit_empty = false;
    let mut count: i64 = 0;
    let mut format: Option<String> = None;
    let mut sort_keys_given: Vec<String> = Vec::new();
    let mut filter = Filter::default();
    let mut from_stdin = false;
    for p in parsed {
        let Some((name, value, negated)) = p.opt_or_arg(&mut filter.patterns) else {
            continue;
        };
        let on = !negated;
        let mut set_quote = |q: Quote| {
            if on {
                quotes |= 1 << (q as u8);
            } else {
                quotes &= !(1 << (q as u8));
            }
        };
        match name {
            "shell" => set_quote(Quote::Shell),
            "perl" => set_quote(Quote::Perl),
            "python" => set_quote(Quote::Python),
            "tcl" => set_quote(Quote::Tcl),
            "omit-empty" => omit_empty = on,
            "count" => {
                count = match value.as_deref() {
                    None => 0,
                    Some(v) => match options::parse_c_long(v) {
                        Some(n) => n,
                        None => {
                            return Ok(options::usage_error(
                                "option `count' expects a numerical value",
                                "",
                            ))
                        }
                    },
                }
            }
            "format" => format = value,
            "color" => {
                if let Some(code) = format_color("for-each-ref", negated, value.as_deref())? {
                    return Ok(code);
                }
            }
            "exclude" => match value {
                Some(v) => filter.excludes.push(v),
                None => filter.excludes.clear(),
            },
            "sort" => match value {
                Some(v) => sort_keys_given.push(v),
                None => sort_keys_given.clear(),
            },
            "points-at" | "merged" | "no-merged" | "contains" | "no-contains" => {
                if let Err(code) = filter.take_option(&repo, name, value)? {
                    return Ok(code);
                }
            }
            "ignore-case" => filter.ignore_case = on,
            "stdin" => from_stdin = on,
            _ => {
                if on {
                    return Err(Fatal::new(
                        "for-each-ref --include-root-refs is not supported by oxgit yet",
                    ));
                }
            }
        }
    }
    if count < 0 {
        return Ok(options::usage_error(
            &format!("invalid --count argument: `{count}'"),
            USAGE,
        ));
    }
    if quotes.count_ones() > 1 {
        return Ok(options::usage_error("more than one quoting style?", USAGE));
    }
    let quote = [Quote::Shell, Quote::Perl, Quote::Python, Quote::Tcl]
        .into_iter()
        .find(|q| quotes & (1 << (*q as u8)) != 0)
        .unwrap_or(Quote::None);
    let format_text = format.unwrap_or_else(|| DEFAULT_FORMAT.to_string());
    let mut format = match parse_format(&repo, &format_text, quote, USAGE)? {
        Ok(f) => f,
        Err(code) => return Ok(code),
    };
    let keys = sort_keys(
        &repo,
        &mut format,
        &sort_keys_given,
        None,
        filter.ignore_case,
    )?;
    if from_stdin {
        if !filter.patterns.is_empty() {
            return Err(Fatal::new("unknown arguments supplied with --stdin"));
        }
        let mut line = String::new();
        loop {
            line.clear();
            if ctx.stdin.read_line(&mut line)? == 0 {
                break;
            }
            let p = line.trim_end_matches('\n');
            filter.patterns.push(p.to_string());
        }
    }
    let refs = Refs::new(&repo);
    let listed = select(&repo, &refs, &filter)?;
    let items = computed(&repo, &refs, &format, listed)?;
    let limit = if count == 0 {
        usize::MAX
    } else {
        count as usize
    };
    print(ctx.out, items, &keys, &format, limit, omit_empty)?;
    Ok(0)
}

/// The arguments with `HEAD` appended when the last is `--merged`, `--no-merged`,
/// `--contains` or `--no-contains` (git's `PARSE_OPT_LASTARG_DEFAULT`).
pub(super) fn with_lastarg_default(args: &[String]) -> Vec<String> {
    let mut args = args.to_vec();
    if args.last().is_some_and(|a| {
        matches!(
            a.as_str(),
            "--merged" | "--no-merged" | "--contains" | "--no-contains"
        )
    }) {
        args.push("HEAD".to_string());
    }
    args
}

/// Parses `text` as a ref format; `Ok(Err(code))` is git's usage error for a malformed
/// one, already reported with `usage`.
pub(super) fn parse_format(
    repo: &Repository,
    text: &str,
    quote: Quote,
    usage: &str,
) -> Result<Result<RefFormat, i32>, Fatal> {
    match RefFormat::parse(repo, text, quote) {
        Ok(f) => Ok(Ok(f)),
        Err(FormatError::Malformed(m)) => Ok(Err(options::usage_error(
            &format!("malformed format string {m}"),
            usage,
        ))),
        Err(e) => Err(fatal(e)),
    }
}

/// The sort keys of `--sort` options (`given`, in order; the last is the primary key),
/// else of the config key `config_key` (`branch.sort`, `tag.sort`), else `refname`.
pub(super) fn sort_keys(
    repo: &Repository,
    format: &mut RefFormat,
    given: &[String],
    config_key: Option<&str>,
    ignore_case: bool,
) -> Result<Vec<SortKey>, Fatal> {
    let configured = config_key
        .and_then(|k| repo.config().get(k))
        .map(str::to_string);
    let names: Vec<String> = if !given.is_empty() {
        given.to_vec()
    } else {
        vec![configured.unwrap_or_else(|| "refname".to_string())]
    };
    let mut keys = Vec::new();
    for k in names.iter().rev() {
        keys.push(format.sort_key(repo, k, ignore_case).map_err(fatal)?);
    }
    Ok(keys)
}

/// `--color[=<when>]` of the listings that colour only `%(color)` atoms, which oxgit
/// does not: colouring is refused, `never` (and `auto` off a terminal) accepted;
/// `Ok(Some(code))` is a usage error for a bad value.
pub(super) fn format_color(
    command: &str,
    negated: bool,
    value: Option<&str>,
) -> Result<Option<i32>, Fatal> {
    let when = if negated { Some("never") } else { value };
    match when {
        Some("never" | "false" | "no" | "off") => Ok(None),
        Some("auto") if !super::terminal::ColorWhen::Auto.want(true) => Ok(None),
        Some("auto" | "always" | "true" | "yes" | "on") | None => Err(Fatal::new(format!(
            "{command} --color (coloured output) is not supported by oxgit yet"
        ))),
        Some(_) => Ok(Some(options::usage_error(
            "option `color' expects \"always\", \"auto\", or \"never\"",
            "",
        ))),
    }
}

/// Whether the listing of `command` (`branch`, `tag`) is in columns: `--column` or
/// `--no-column` (`flag`), else `column.<command>`, else `column.ui`, where `always` (or
/// true), `auto` on a terminal, or a layout word alone (git's layouts imply `always`) turn
/// them on and `never` off.
pub(super) fn columns_wanted(
    config: &crate::config::Config,
    command: &str,
    flag: Option<bool>,
) -> bool {
    if let Some(f) = flag {
        return f;
    }
    let Some(value) = config
        .get(&format!("column.{command}"))
        .or_else(|| config.get("column.ui"))
    else {
        return false;
    };
    let mut on = None;
    let mut layout = false;
    for word in value.split([' ', ',']).filter(|w| !w.is_empty()) {
        match word {
            "never" | "false" | "no" | "off" => on = Some(false),
            "always" | "true" | "yes" | "on" => on = Some(true),
            "auto" => on = Some(super::terminal::stdout_is_tty()),
            _ => layout = true,
        }
    }
    on.unwrap_or(layout)
}

/// The refusal of `command`'s writing side (`what`: "deleting tags"...).
pub(super) fn refuse_write(command: &str, what: &str) -> Fatal {
    let listed = match command {
        "branch" => "branches",
        _ => "tags",
    };
    Fatal::new(format!(
        "{command}: {what} is not supported: oxgit only lists {listed} (it never writes a repository)"
    ))
}

/// The values of each listed ref's atoms (computed in parallel).
pub(super) fn computed(
    repo: &Repository,
    refs: &Refs,
    format: &RefFormat,
    listed: Vec<ListedRef>,
) -> Result<Vec<(ListedRef, Values)>, Fatal> {
    if format.counts_ahead_behind() {
        // git looks each ref's commit up first, complaining about those that are none.
        for r in &listed {
            commit_of(repo, r.id)?;
        }
    }
    let computed: Vec<Result<Values, FormatError>> = {
        use rayon::prelude::*;
        listed
            .par_iter()
            .map(|r| format.values(repo, refs, r))
            .collect()
    };
    let mut items = Vec::with_capacity(listed.len());
    for (r, v) in listed.into_iter().zip(computed) {
        items.push((r, v.map_err(fatal)?));
    }
    Ok(items)
}

/// Sorts `items` by `keys` and writes the first `limit` of them in `format`, a line each
/// (none for an empty one with `omit_empty`).
pub(super) fn print(
    out: &mut dyn std::io::Write,
    mut items: Vec<(ListedRef, Values)>,
    keys: &[SortKey],
    format: &RefFormat,
    limit: usize,
    omit_empty: bool,
) -> Result<(), Fatal> {
    sort(&mut items, keys, format);
    let mut line = Vec::new();
    for (_, values) in items.iter().take(limit) {
        line.clear();
        format.render(values, &mut line).map_err(fatal)?;
        if omit_empty && line.is_empty() {
            continue;
        }
        line.push(b'\n');
        out.write_all(&line)?;
    }
    Ok(())
}

pub(super) fn fatal(e: FormatError) -> Fatal {
    Fatal::new(e.to_string())
}

/// The commit `id` peels to, if it is one (git's `lookup_commit_reference_gently`, with
/// its error for other objects).
pub(super) fn commit_of(repo: &Repository, id: ObjectId) -> Result<Option<ObjectId>, Fatal> {
    match crate::revision::peel(repo, id, ObjectKind::Commit) {
        Ok(c) => Ok(Some(c)),
        Err(e) if e.is_not_found() => {
            let kind = repo.odb().read_header(&id).map(|(k, _)| k);
            if let Ok(k) = kind {
                let mut end = id;
                let mut k = k;
                // git names the object the tags end at.
                while k == ObjectKind::Tag {
                    let obj = repo.odb().read(&end)?;
                    end = crate::object::Tag::parse(&obj.data)
                        .map_err(|e| Fatal::new(e.to_string()))?
                        .object;
                    k = repo.odb().read_header(&end)?.0;
                }
                eprintln!("error: object {end} is a {k}, not a commit");
            }
            Ok(None)
        }
        Err(e) => Err(e.into()),
    }
}

/// git's `filter_refs`: the refs that pass every filter, in name order.
pub(super) fn select(repo: &Repository, refs: &Refs, f: &Filter) -> Result<Vec<ListedRef>, Fatal> {
    let mut walker = CommitWalker::new(repo);
    let mut out = Vec::new();
    for r in refs.listed()? {
        if !f.prefixes.is_empty() && !f.prefixes.iter().any(|p| r.name.starts_with(p)) {
            continue;
        }
        if r.broken {
            // git only meets the refs under the literal prefixes of the patterns.
            let met = f.patterns.is_empty()
                || f.ignore_case
                || f.patterns.iter().any(|p| {
                    let literal = p
                        .find(['*', '?', '[', '\\'])
                        .map_or(p.as_str(), |i| &p[..i]);
                    r.name.starts_with(literal)
                });
            if met {
                eprintln!("warning: ignoring broken ref {}", r.name);
            }
            continue;
        }
        if !f.patterns.is_empty() && !f.patterns.iter().any(|p| f.pattern_matches(p, &r.name)) {
            continue;
        }
        if f.excludes.iter().any(|p| f.pattern_matches(p, &r.name)) {
            continue;
        }
        if !passes(repo, &mut walker, f, &r)? {
            continue;
        }
        out.push(r);
    }
    Ok(out)
}

/// Whether `r` passes `--points-at` and the reachability filters.
pub(super) fn passes(
    repo: &Repository,
    walker: &mut CommitWalker<'_>,
    f: &Filter,
    r: &ListedRef,
) -> Result<bool, Fatal> {
    if !f.points_at.is_empty() && !points_at(repo, &f.points_at, r)? {
        return Ok(false);
    }
    if !f.filters_reach() {
        return Ok(true);
    }
    let Ok(commit) = crate::revision::peel(repo, r.id, ObjectKind::Commit) else {
        return Ok(false);
    };
    let mut ancestor = |a: &ObjectId, d: &ObjectId| {
        walker
            .is_ancestor(a, d)
            .map_err(|e| Fatal::new(e.to_string()))
    };
    let mut keep = true;
    if !f.contains.is_empty() {
        let mut any = false;
        for c in &f.contains {
            any |= ancestor(c, &commit)?;
        }
        keep &= any;
    }
    if keep && !f.no_contains.is_empty() {
        for c in &f.no_contains {
            keep &= !ancestor(c, &commit)?;
        }
    }
    if keep && !f.merged.is_empty() {
        let mut any = false;
        for m in &f.merged {
            any |= ancestor(&commit, m)?;
        }
        keep &= any;
    }
    if keep && !f.no_merged.is_empty() {
        for m in &f.no_merged {
            keep &= !ancestor(&commit, m)?;
        }
    }
    Ok(keep)
}

/// git's `match_points_at`: the ref's id, or any object its tags lead to, is listed.
fn points_at(repo: &Repository, wanted: &[ObjectId], r: &ListedRef) -> Result<bool, Fatal> {
    if wanted.contains(&r.id) {
        return Ok(true);
    }
    let mut id = r.id;
    let mut buf = Vec::new();
    loop {
        match repo.odb().read_into(&id, &mut buf) {
            Ok(ObjectKind::Tag) => {}
            Ok(_) => return Ok(false),
            Err(_) => return Err(Fatal::new(format!("malformed object at '{}'", r.name))),
        }
        id = crate::object::Tag::parse(&buf)
            .map_err(|_| Fatal::new(format!("malformed object at '{}'", r.name)))?
            .object;
        if wanted.contains(&id) {
            return Ok(true);
        }
    }
}
