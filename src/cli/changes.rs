//! `oxgit changes <from> [<to>] [-- <path>...]` and `oxgit stats ...`: the library's
//! change list and totals as JSON (`--format=json`, the only format). With one revision,
//! what that commit changed against its first parent.

use super::diff::fatal;
use super::diff_flags::{parse_flag, DiffArgs};
use super::{Context, Fatal};
use crate::api::json::{ChangesJson, StatsJson};
use crate::api::{Detail, DiffRequest, Differ, Endpoints};

fn request(ctx: &Context<'_>, repo: &crate::repo::Repository) -> Result<DiffRequest, Fatal> {
    let mut d = DiffArgs::from_repo(repo)?;
    let (mut revs, mut paths, mut dashdash) = (Vec::new(), Vec::new(), false);
    let args = &ctx.args;
    let mut i = 0;
    while i < args.len() {
        let a = args[i].as_str();
        if dashdash {
            paths.push(a.to_string());
        } else if a == "--" {
            dashdash = true;
        } else if a == "--format=json" {
        } else if a.starts_with("--format=") {
            return Err(Fatal::usage(format!(
                "{a}: only --format=json is supported"
            )));
        } else if parse_flag(&mut d, args, &mut i)? {
        } else if a.starts_with('-') && a.len() > 1 {
            return Err(Fatal::usage(format!("unknown option '{a}'")));
        } else {
            revs.push(a.to_string());
        }
        i += 1;
    }
    d.finish(repo)?;
    d.options.paths = super::pathspec_items(repo, &ctx.cwd, &paths)?;
    let endpoints = match revs.as_slice() {
        [one] if !one.contains("..") => Endpoints::commit(one.as_str()),
        _ => {
            let refs: Vec<&str> = revs.iter().map(String::as_str).collect();
            if refs.is_empty() {
                return Err(Fatal::usage(
                    "usage: oxgit changes|stats <from> [<to>] [-- <path>...] [--format=json]",
                ));
            }
            Endpoints::from_diff_args(&refs, false).map_err(fatal)?
        }
    };
    Ok(DiffRequest::with_options(endpoints, d.options))
}

/// Runs `changes`.
pub fn run_changes(ctx: &mut Context<'_>) -> Result<i32, Fatal> {
    let repo = ctx.repo()?;
    let req = request(ctx, &repo)?;
    let differ = Differ::new(&repo, &req).map_err(fatal)?;
    serde_json::to_writer(&mut *ctx.out, &ChangesJson::of(&differ))
        .map_err(|e| Fatal::new(e.to_string()))?;
    ctx.out.write_all(b"\n")?;
    Ok(0)
}

/// Runs `stats`.
pub fn run_stats(ctx: &mut Context<'_>) -> Result<i32, Fatal> {
    let repo = ctx.repo()?;
    let req = request(ctx, &repo)?;
    let differ = Differ::new(&repo, &req).map_err(fatal)?;
    let mut sink = crate::api::from_fn(Detail::Counts, |_| {
        Ok::<_, crate::api::Error>(crate::api::Control::Continue)
    });
    let outcome = differ.run(&mut sink).map_err(fatal)?;
    serde_json::to_writer(&mut *ctx.out, &StatsJson::from(outcome.stats))
        .map_err(|e| Fatal::new(e.to_string()))?;
    ctx.out.write_all(b"\n")?;
    Ok(0)
}
