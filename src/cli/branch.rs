//! `oxgit branch`: the listing side of git 2.47's `git branch` (local, remote or all
//! branches, `-v`/`-vv`, patterns, the ref filters, `--sort`, `--format`,
//! `--show-current`, git's colours), through the ref-filter pipeline `for-each-ref` uses,
//! with the format git builds for it. Creating, deleting, renaming, copying and upstream
//! changes are refused: oxgit never writes a repository.

use super::for_each_ref::{
    columns_wanted, computed, fatal, parse_format, passes, print, refuse_write, select, sort_keys,
    with_lastarg_default, Filter,
};
use super::options::{self, fixed, flag, optional, value, Spec};
use super::terminal::ColorWhen;
use super::{Context, Fatal};
use crate::refs::format::Quote;
use crate::refs::list::ListedRef;
use crate::refs::Refs;

pub(super) const USAGE: &str = "usage: oxgit branch [<options>] [-r | -a] [--merged] [--no-merged]
   or: oxgit branch [<options>] [-f] [--recurse-submodules] <branch-name> [<start-point>]
   or: oxgit branch [<options>] [-l] [<pattern>...]
   or: oxgit branch [<options>] [-r] (-d | -D) <branch-name>...
   or: oxgit branch [<options>] (-m | -M) [<old-branch>] <new-branch>
   or: oxgit branch [<options>] (-c | -C) [<old-branch>] <new-branch>
   or: oxgit branch [<options>] [-r | -a] [--points-at]
   or: oxgit branch [<options>] [-r | -a] [--format]

Generic options
    -v, --[no-]verbose    show hash and subject, give twice for upstream branch
    -q, --[no-]quiet      suppress informational messages
    -t, --[no-]track[=(direct|inherit)]
                          set branch tracking configuration
    -u, --[no-]set-upstream-to <upstream>
                          change the upstream info
    --[no-]unset-upstream unset the upstream info
    --[no-]color[=<when>] use colored output
    -r, --remotes         act on remote-tracking branches
    --contains <commit>   print only branches that contain the commit
    --no-contains <commit>
                          print only branches that don't contain the commit
    --[no-]abbrev[=<n>]   use <n> digits to display object names

Specific git-branch actions:
    -a, --all             list both remote-tracking and local branches
    -d, --[no-]delete     delete fully merged branch
    -D                    delete branch (even if not merged)
    -m, --[no-]move       move/rename a branch and its reflog
    -M                    move/rename a branch, even if target exists
    --[no-]omit-empty     do not output a newline after empty formatted refs
    -c, --[no-]copy       copy a branch and its reflog
    -C                    copy a branch, even if target exists
    -l, --[no-]list       list branch names
    --[no-]show-current   show current branch name
    --[no-]create-reflog  create the branch's reflog
    --[no-]edit-description
                          edit the description for the branch
    -f, --[no-]force      force creation, move/rename, deletion
    --merged <commit>     print only branches that are merged
    --no-merged <commit>  print only branches that are not merged
    --[no-]column[=<style>]
                          list branches in columns
    --[no-]sort <key>     field name to sort on
    --[no-]points-at <object>
                          print only branches of the object
    -i, --[no-]ignore-case
                          sorting and filtering are case insensitive
    --[no-]recurse-submodules
                          recurse through submodules
    --[no-]format <format>
                          format to use for the output

";

const SPECS: &[Spec] = &[
    flag(Some('v'), "verbose"),
    flag(Some('q'), "quiet"),
    optional(None, "color"),
    flag(Some('r'), "remotes"),
    fixed(value(None, "contains")),
    fixed(value(None, "no-contains")),
    optional(None, "abbrev"),
    flag(Some('a'), "all"),
    flag(None, "show-current"),
    flag(Some('l'), "list"),
    fixed(value(None, "merged")),
    fixed(value(None, "no-merged")),
    optional(None, "column"),
    value(None, "sort"),
    value(None, "points-at"),
    flag(Some('i'), "ignore-case"),
    flag(None, "omit-empty"),
    value(None, "format"),
    // The writing side, recognised to be refused by name.
    flag(Some('d'), "delete"),
    flag(Some('D'), ""),
    flag(Some('m'), "move"),
    flag(Some('M'), ""),
    flag(Some('c'), "copy"),
    flag(Some('C'), ""),
    flag(Some('f'), "force"),
    value(Some('u'), "set-upstream-to"),
    flag(None, "unset-upstream"),
    flag(None, "edit-description"),
    optional(Some('t'), "track"),
    flag(None, "create-reflog"),
    flag(None, "recurse-submodules"),
];

/// git's `branch` colour slots (`color.branch.<slot>`), in the order of its table.
const SLOTS: [(&str, &str); 7] = [
    ("plain", ""),
    ("remote", "\x1b[31m"),
    ("local", ""),
    ("current", "\x1b[32m"),
    ("upstream", "\x1b[34m"),
    ("worktree", "\x1b[36m"),
    ("reset", "\x1b[m"),
];

/// Runs `branch`.
pub fn run(ctx: &mut Context<'_>) -> Result<i32, Fatal> {
    // git answers a lone -h before parsing, on standard error.
    if ctx.args == ["-h"] {
        eprint!("{USAGE}");
        return Ok(129);
    }
    let args = with_lastarg_default(&ctx.args);
    let parsed = match options::parse(&args, SPECS, false) {
        Ok(p) => p,
        Err(e) => return Ok(e.report(USAGE, ctx.out)),
    };
    let repo = ctx.repo()?;
    let mut filter = Filter {
        short_patterns: true,
        ..Filter::default()
    };
    let mut names: Vec<String> = Vec::new();
    let (mut verbose, mut local, mut remote) = (0usize, true, false);
    let (mut list, mut show_current, mut omit_empty) = (false, false, false);
    let mut color: Option<ColorWhen> = None;
    let mut abbrev: Option<usize> = None;
    let mut format: Option<String> = None;
    let mut sort_given: Vec<String> = Vec::new();
    let mut column: Option<bool> = None;
    for p in parsed {
        let Some((name, value, negated)) = p.opt_or_arg(&mut names) else {
            continue;
        };
        let on = !negated;
        match name {
            "verbose" => verbose = if on { verbose + 1 } else { 0 },
            "quiet" => {}
            "color" => {
                color = if negated {
                    Some(ColorWhen::Never)
                } else {
                    match value.as_deref() {
                        None => Some(ColorWhen::Always),
                        Some(v) => match ColorWhen::parse(v) {
                            Some(w) => Some(w),
                            None => {
                                return Ok(options::usage_error(
                                    "option `color' expects \"always\", \"auto\", or \"never\"",
                                    "",
                                ))
                            }
                        },
                    }
                }
            }
            // git's OPT_SET_INT_F / OPT_BIT: -r lists only remote-tracking branches, -a both.
            "remotes" => (local, remote) = if on { (false, true) } else { (true, false) },
            "all" => (local, remote) = if on { (true, true) } else { (true, false) },
            "abbrev" => {
                abbrev = match (negated, value.as_deref()) {
                    (true, _) => Some(0),
                    (false, None) => None,
                    // git's OPT__ABBREV: 0 is the full id, else at least 4, at most
                    // the id's length.
                    (false, Some(v)) => match options::parse_c_long(v) {
                        Some(0) => Some(0),
                        Some(n) => Some(n.clamp(4, repo.hash_kind().hex_len() as i64) as usize),
                        None => {
                            return Ok(options::usage_error(
                                "option `abbrev' expects a numerical value",
                                "",
                            ))
                        }
                    },
                }
            }
            "show-current" => show_current = on,
            "list" => list = on,
            "column" => column = Some(on && value.as_deref() != Some("never")),
            "sort" => match value {
                Some(v) => sort_given.push(v),
                None => sort_given.clear(),
            },
            "ignore-case" => filter.ignore_case = on,
            "omit-empty" => omit_empty = on,
            "format" => format = value,
            "points-at" | "merged" | "no-merged" | "contains" | "no-contains" => {
                if let Err(code) = filter.take_option(&repo, name, value)? {
                    return Ok(code);
                }
            }
            other => {
                let what = match other {
                    "delete" | "D" => "deleting branches",
                    "move" | "M" => "renaming branches",
                    "copy" | "C" => "copying branches",
                    "set-upstream-to" | "unset-upstream" | "track" => "changing upstreams",
                    "edit-description" => "editing branch descriptions",
                    _ => "creating branches",
                };
                if on {
                    return Err(refuse_write("branch", what));
                }
            }
        }
    }
    // git: no action and no name lists; a filter lists; -v with names does not.
    if !show_current && names.is_empty() {
        list = true;
    }
    if filter.filters_objects() {
        list = true;
    }
    if show_current && list {
        return Ok(options::usage_error("", USAGE));
    }
    let refs = Refs::new(&repo);
    // git's resolve_refdup("HEAD", 0): an unborn branch still names itself.
    let head = refs.resolve_full("HEAD").ok().flatten();
    let head_name = match &head {
        Some(r) => Some(r.name.clone()),
        None => refs.read_symbolic("HEAD").ok().flatten(),
    };
    let Some(head_name) = head_name else {
        return Err(Fatal::new("failed to resolve HEAD as a valid ref"));
    };
    let detached = head_name == "HEAD";
    if show_current {
        if !names.is_empty() {
            return Ok(options::usage_error("", USAGE));
        }
        if let Some(b) = head_name.strip_prefix("refs/heads/") {
            ctx.out.write_all(format!("{b}\n").as_bytes())?;
        }
        return Ok(0);
    }
    if !list {
        if remote {
            return Err(Fatal::new(
                "the -a, and -r, options to 'git branch' do not take a branch name.\nDid you mean to use: -a|-r --list <pattern>?",
            ));
        }
        return Err(refuse_write("branch", "creating branches"));
    }
    filter.patterns = names;
    if local {
        filter.prefixes.push("refs/heads/");
    }
    if remote {
        filter.prefixes.push("refs/remotes/");
    }
    let config = repo.config();
    // git turns configured columns off for -v (and dies on --column with -v).
    if column == Some(true) || (verbose == 0 && columns_wanted(config, "branch", column)) {
        return Err(Fatal::new(
            "branch: column output (--column, column.ui, column.branch) is not supported by oxgit yet",
        ));
    }
    for state in ["rebase-merge", "rebase-apply", "BISECT_LOG"] {
        if detached && local && repo.git_dir().join(state).exists() {
            return Err(Fatal::new(
                "branch: describing a HEAD detached for a rebase or bisect is not supported by oxgit yet",
            ));
        }
    }
    let want_color = match color {
        Some(w) => w,
        None => ColorWhen::from_config(config, "color.branch")?,
    }
    .want(config.get_bool("color.pager") != Some(false));
    let colors = palette(config, want_color)?;
    let remote_prefix = if local { "remotes/" } else { "" };
    let mut listed = select(&repo, &refs, &filter)?;
    let description = if detached && local {
        let shown = filter.patterns.is_empty()
            || filter
                .patterns
                .iter()
                .any(|p| crate::refs::list::short_pattern_matches(p, "HEAD", filter.ignore_case));
        let id = head
            .as_ref()
            .map(|r| r.id)
            .unwrap_or_else(|| repo.hash_kind().null_id());
        let head_ref = ListedRef {
            name: "HEAD".to_string(),
            id,
            target: None,
            peeled: None,
            broken: false,
        };
        // The filters other than the name patterns apply to it too.
        let mut walker = crate::revision::merge_base::CommitWalker::new(&repo);
        let kept = shown && passes(&repo, &mut walker, &filter, &head_ref)?;
        kept.then(|| {
            let text = match super::status::detached_from(&repo, &refs, Some(id))? {
                Some((name, true)) => format!("(HEAD detached at {name})"),
                Some((name, false)) => format!("(HEAD detached from {name})"),
                None => "(no branch)".to_string(),
            };
            Ok::<_, Fatal>((head_ref, text))
        })
        .transpose()?
    } else {
        None
    };
    let maxwidth = listed
        .iter()
        .map(|r| {
            if let Some(b) = r.name.strip_prefix("refs/heads/") {
                crate::diff::stat::display_width(b.as_bytes())
            } else if let Some(b) = r.name.strip_prefix("refs/remotes/") {
                crate::diff::stat::display_width(b.as_bytes()) + remote_prefix.len()
            } else {
                crate::diff::stat::display_width(r.name.as_bytes())
            }
        })
        .chain(
            description
                .iter()
                .map(|(_, d)| crate::diff::stat::display_width(d.as_bytes())),
        )
        .max()
        .unwrap_or(0);
    let format_text = match format {
        Some(f) => f,
        None => build_format(verbose, maxwidth, remote_prefix, abbrev, &colors),
    };
    let mut format = match parse_format(&repo, &format_text, Quote::None, USAGE)? {
        Ok(f) => f,
        Err(code) => return Ok(code),
    };
    let keys = sort_keys(
        &repo,
        &mut format,
        &sort_given,
        Some("branch.sort"),
        filter.ignore_case,
    )?;
    listed.retain(|r| r.name != "HEAD");
    let items = computed(&repo, &refs, &format, listed)?;
    // git sorts a detached HEAD first (REF_SORTING_DETACHED_HEAD_FIRST).
    if let Some((head_ref, text)) = description {
        let values = format
            .values_as_detached_head(&repo, &refs, &head_ref, &text)
            .map_err(fatal)?;
        print(
            ctx.out,
            vec![(head_ref, values)],
            &keys,
            &format,
            1,
            omit_empty,
        )?;
    }
    print(ctx.out, items, &keys, &format, usize::MAX, omit_empty)?;
    Ok(0)
}

/// The colours of the slots, `color.branch.<slot>` over git's defaults; all empty when
/// not colouring (git's `branch_get_color`).
fn palette(config: &crate::config::Config, on: bool) -> Result<[String; 7], Fatal> {
    let mut colors: [String; 7] =
        SLOTS.map(|(_, c)| if on { c.to_string() } else { String::new() });
    if !on {
        return Ok(colors);
    }
    for (rest, value) in config.section_entries("color") {
        let Some(slot) = rest.strip_prefix("branch.") else {
            continue;
        };
        let Some(i) = SLOTS.iter().position(|(s, _)| *s == slot) else {
            continue;
        };
        let v = value.unwrap_or("");
        colors[i] = crate::pretty::color::parse(v).ok_or_else(|| {
            eprintln!("error: invalid color value: {v}");
            Fatal::new(format!("unable to parse 'color.branch.{slot}' from config"))
        })?;
    }
    Ok(colors)
}

/// `%` doubled, as git's `quote_literal_for_format`.
fn literal(text: &str) -> String {
    text.replace('%', "%%")
}

/// git's `build_format` for `branch` listings.
fn build_format(
    verbose: usize,
    maxwidth: usize,
    remote_prefix: &str,
    abbrev: Option<usize>,
    colors: &[String; 7],
) -> String {
    let [_, c_remote, c_local, c_current, c_upstream, c_worktree, c_reset] =
        colors.each_ref().map(|c| literal(c));
    let mut local = format!(
        "%(if)%(HEAD)%(then)* {c_current}%(else)%(if)%(worktreepath)%(then)+ {c_worktree}%(else)  {c_local}%(end)%(end)"
    );
    let mut remote = format!("  {c_remote}");
    let prefix = literal(remote_prefix);
    if verbose > 0 {
        let obname = match abbrev {
            None => "%(objectname:short)".to_string(),
            Some(0) => "%(objectname)".to_string(),
            Some(n) => format!("%(objectname:short={n})"),
        };
        local.push_str(&format!(
            "%(align:{maxwidth},left)%(refname:lstrip=2)%(end){c_reset} {obname} "
        ));
        if verbose > 1 {
            local.push_str(&format!(
                "%(if:notequals=*)%(HEAD)%(then)%(if)%(worktreepath)%(then)({c_worktree}%(worktreepath){c_reset}) %(end)%(end)"
            ));
            local.push_str(&format!(
                "%(if)%(upstream)%(then)[{c_upstream}%(upstream:short){c_reset}%(if)%(upstream:track)%(then): %(upstream:track,nobracket)%(end)] %(end)%(contents:subject)"
            ));
        } else {
            local.push_str(
                "%(if)%(upstream:track)%(then)%(upstream:track) %(end)%(contents:subject)",
            );
        }
        remote.push_str(&format!(
            "%(align:{maxwidth},left){prefix}%(refname:lstrip=2)%(end){c_reset}%(if)%(symref)%(then) -> %(symref:short)%(else) {obname} %(contents:subject)%(end)"
        ));
    } else {
        local.push_str(&format!(
            "%(refname:lstrip=2){c_reset}%(if)%(symref)%(then) -> %(symref:short)%(end)"
        ));
        remote.push_str(&format!(
            "{prefix}%(refname:lstrip=2){c_reset}%(if)%(symref)%(then) -> %(symref:short)%(end)"
        ));
    }
    format!("%(if:notequals=refs/remotes)%(refname:rstrip=-2)%(then){local}%(else){remote}%(end)")
}
