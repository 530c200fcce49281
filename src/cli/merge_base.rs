//! `oxgit merge-base [--all] <commit> <commit>...` and `merge-base --is-ancestor`.

use super::options::usage_error;
use super::{Context, Fatal};
use crate::revision::merge_base::CommitWalker;

pub(super) const USAGE: &str = "usage: oxgit merge-base [-a | --all] <commit> <commit>...
   or: oxgit merge-base [-a | --all] --octopus <commit>...
   or: oxgit merge-base --is-ancestor <commit> <commit>
   or: oxgit merge-base --independent <commit>...

    -a, --[no-]all        output all common ancestors
    --octopus             find ancestors for a single n-way merge
    --independent         list revs not reachable from others
    --is-ancestor         is the first one ancestor of the other?

";

/// Runs `merge-base`.
pub fn run(ctx: &mut Context<'_>) -> Result<i32, Fatal> {
    let mut all = false;
    let mut is_ancestor = false;
    let mut independent = false;
    let mut octopus = false;
    let mut revs = Vec::new();
    for a in &ctx.args {
        match a.as_str() {
            "-a" | "--all" => all = true,
            "--is-ancestor" => is_ancestor = true,
            "--independent" => independent = true,
            "--octopus" => octopus = true,
            "--fork-point" => {
                return Err(Fatal::new(
                    "merge-base --fork-point is not supported by oxgit (it needs the reflog)",
                ))
            }
            s if s.starts_with("--") && s.len() > 2 => {
                return Ok(usage_error(&format!("unknown option `{}'", &s[2..]), USAGE));
            }
            s if s.starts_with('-') && s.len() > 1 => {
                return Ok(usage_error(
                    &format!("unknown switch `{}'", &s[1..2]),
                    USAGE,
                ));
            }
            s => revs.push(s.to_string()),
        }
    }
    if usize::from(is_ancestor) + usize::from(independent) + usize::from(octopus) > 1 {
        return Ok(usage_error("", USAGE));
    }
    if all && is_ancestor {
        return Err(Fatal::new(
            "options '--is-ancestor' and '--all' cannot be used together",
        ));
    }
    if all && independent {
        return Err(Fatal::new(
            "options '--independent' and '--all' cannot be used together",
        ));
    }
    if is_ancestor && revs.len() != 2 {
        return Ok(usage_error("", USAGE));
    }
    if revs.len() < 2 && !(independent || octopus) {
        return Ok(usage_error("", USAGE));
    }
    let repo = ctx.repo()?;
    let mut walker = CommitWalker::new(&repo);
    let mut ids = Vec::new();
    for r in &revs {
        let id = crate::revision::resolve(&repo, r)
            .map_err(|_| Fatal::new(format!("Not a valid object name {r}")))?;
        let c = walker
            .peel_to_commit(&id)
            .map_err(|_| Fatal::new(format!("Not a valid commit name {r}")))?;
        ids.push(c);
    }
    if is_ancestor {
        return Ok(if walker.is_ancestor(&ids[0], &ids[1])? {
            0
        } else {
            1
        });
    }
    let bases = if independent {
        walker.independent(&ids)?
    } else if octopus {
        walker.octopus_bases(&ids)?
    } else {
        walker.merge_bases(&ids[0], &ids[1..])?
    };
    if bases.is_empty() {
        return Ok(1);
    }
    let shown = if all || independent {
        &bases[..]
    } else {
        &bases[..1]
    };
    for b in shown {
        writeln!(ctx.out, "{b}")?;
    }
    Ok(0)
}
