//! `oxgit describe [<options>] [<commit-ish>...]` and `describe --dirty`: the nearest
//! tag of each commit (`crate::revision::describe`), printed as git prints it.

use super::options::{self, abbrev_value, flag, optional, value, Spec};
use super::{Context, Fatal};
use crate::revision::describe::{describe, DescribeError, DescribeOptions, Names};

pub(super) const USAGE: &str =
    "usage: oxgit describe [--all] [--tags] [--contains] [--abbrev=<n>] [<commit-ish>...]
   or: oxgit describe [--all] [--tags] [--contains] [--abbrev=<n>] --dirty[=<mark>]
   or: oxgit describe <blob>

    --[no-]contains       find the tag that comes after the commit
    --[no-]debug          debug search strategy on stderr
    --[no-]all            use any ref
    --[no-]tags           use any tag, even unannotated
    --[no-]long           always use long format
    --[no-]first-parent   only follow first parent
    --[no-]abbrev[=<n>]   use <n> digits to display object names
    --[no-]exact-match    only output exact matches
    --[no-]candidates <n> consider <n> most recent tags (default: 10)
    --[no-]match <pattern>
                          only consider tags matching <pattern>
    --[no-]exclude <pattern>
                          do not consider tags matching <pattern>
    --[no-]always         show abbreviated commit object as fallback
    --[no-]dirty[=<mark>] append <mark> on dirty working tree (default: \"-dirty\")
    --[no-]broken[=<mark>]
                          append <mark> on broken working tree (default: \"-broken\")

";

const SPECS: &[Spec] = &[
    flag(None, "contains"),
    flag(None, "debug"),
    flag(None, "all"),
    flag(None, "tags"),
    flag(None, "long"),
    flag(None, "first-parent"),
    optional(None, "abbrev"),
    flag(None, "exact-match"),
    value(None, "candidates"),
    value(None, "match"),
    value(None, "exclude"),
    flag(None, "always"),
    optional(None, "dirty"),
    optional(None, "broken"),
];

/// git's limit on candidates (one flag bit each).
const MAX_CANDIDATES: usize = 26;

/// Runs `describe`.
pub fn run(ctx: &mut Context<'_>) -> Result<i32, Fatal> {
    let parsed = match options::parse(&ctx.args, SPECS, false) {
        Ok(p) => p,
        Err(e) => return Ok(e.report(USAGE, ctx.out)),
    };
    let repo = ctx.repo()?;
    let hex_len = repo.hash_kind().hex_len();
    let mut opts = DescribeOptions::default();
    let (mut long, mut always) = (false, false);
    let mut abbrev: Option<usize> = None;
    let mut dirty: Option<String> = None;
    let mut revs = Vec::new();
    for p in parsed {
        let Some((name, v, negated)) = p.opt_or_arg(&mut revs) else {
            continue;
        };
        let on = !negated;
        match name {
            "contains" | "debug" | "broken" if on => {
                return Err(Fatal::new(format!(
                    "describe --{name} is not supported by oxgit"
                )))
            }
            "contains" | "debug" | "broken" => {}
            "all" => opts.all = on,
            "tags" => opts.tags = on,
            "long" => long = on,
            "first-parent" => opts.first_parent = on,
            "always" => always = on,
            "exact-match" => opts.candidates = if on { 0 } else { 10 },
            "abbrev" => match abbrev_value(v.as_deref(), negated, hex_len, "abbrev") {
                Ok(a) => abbrev = a,
                Err(e) => return Ok(e.report(USAGE, ctx.out)),
            },
            "candidates" => {
                let n = v
                    .as_deref()
                    .and_then(options::parse_c_long)
                    .filter(|_| on)
                    .unwrap_or(0);
                opts.candidates = n.clamp(0, MAX_CANDIDATES as i64) as usize;
            }
            "match" if on => opts.matches.extend(v),
            "match" => opts.matches.clear(),
            "exclude" if on => opts.excludes.extend(v),
            "exclude" => opts.excludes.clear(),
            _ => dirty = on.then(|| v.unwrap_or_else(|| "-dirty".to_string())),
        }
    }
    let abbrev = abbrev.unwrap_or_else(|| crate::revision::default_abbrev_len(&repo));
    if long && abbrev == 0 {
        return Err(Fatal::new(
            "options '--long' and '--abbrev=0' cannot be used together",
        ));
    }
    if dirty.is_some() && !revs.is_empty() {
        return Err(Fatal::new(
            "option '--dirty' and commit-ishes cannot be used together",
        ));
    }
    if revs.is_empty() {
        revs.push("HEAD".to_string());
    }
    let names = Names::load(&repo, &opts).map_err(|e| Fatal::new(e.to_string()))?;
    if names.is_empty() && !always {
        return Err(Fatal::new(DescribeError::NoNames.to_string()));
    }
    let suffix = match &dirty {
        Some(mark) if is_dirty(&repo)? => mark.as_str(),
        _ => "",
    };
    let mut abbreviator = crate::odb::Abbreviator::new(repo.odb());
    let odb_err = |e: crate::odb::OdbError| Fatal::new(e.to_string());
    for r in &revs {
        let id = crate::revision::resolve(&repo, r)
            .map_err(|_| Fatal::new(format!("Not a valid object name {r}")))?;
        let commit = match crate::revision::peel(&repo, id, crate::object::ObjectKind::Commit) {
            Ok(c) => c,
            Err(_) => {
                let blob = repo
                    .odb()
                    .read_header(&id)
                    .is_ok_and(|(k, _)| k == crate::object::ObjectKind::Blob);
                return Err(Fatal::new(if blob {
                    "describe <blob> is not supported by oxgit".to_string()
                } else {
                    format!("{r} is neither a commit nor blob")
                }));
            }
        };
        let mut line = match describe(&repo, &names, commit, &opts) {
            Ok(d) => {
                for w in &d.warnings {
                    eprintln!("warning: {w}");
                }
                d.render(long, abbrev, &mut abbreviator).map_err(odb_err)?
            }
            Err(DescribeError::NoTags(_) | DescribeError::OnlyUnannotated(_)) if always => {
                crate::revision::describe::abbrev_id(&mut abbreviator, &commit, abbrev)
                    .map_err(odb_err)?
            }
            Err(e) => return Err(Fatal::new(e.to_string())),
        };
        line.push_str(suffix);
        line.push('\n');
        ctx.out.write_all(line.as_bytes())?;
    }
    Ok(0)
}

/// `--dirty`: whether the index or the work tree differs from `HEAD` (untracked files
/// do not count), as git's `diff-index --quiet HEAD`.
fn is_dirty(repo: &crate::repo::Repository) -> Result<bool, Fatal> {
    use crate::worktree::status::{Status, StatusOptions, UntrackedMode};
    let opts = StatusOptions {
        untracked: UntrackedMode::No,
        renames: None,
        ..StatusOptions::default()
    };
    let outcome = Status::new(repo, opts)
        .run()
        .map_err(|e| Fatal::new(e.to_string()))?;
    Ok(!outcome.staged.is_empty() || !outcome.worktree.is_empty() || !outcome.unmerged.is_empty())
}
