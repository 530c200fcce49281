//! `oxgit cherry`: the commits of `<head>` not in `<upstream>`, oldest first, each
//! marked `-` when a commit of `<upstream>` not in `<head>` has the same patch id (git's
//! stable patch ids, `revision::cherry`) and `+` otherwise, as git 2.47 prints them.

use super::{Context, Fatal};
use crate::api::{DiffOptions, History, HistoryRequest};
use crate::object::ObjectKind;
use crate::oid::{IdSet, ObjectId};
use crate::revision::walk::{Tip, WalkedCommit};

/// git's usage text for `cherry`, with oxgit's name.
pub(super) const USAGE: &str = "usage: oxgit cherry [-v] [<upstream> [<head> [<limit>]]]

    --[no-]abbrev[=<n>]   use <n> digits to display object names
    -v, --[no-]verbose    be verbose

";

/// Runs `cherry`.
pub fn run(ctx: &mut Context<'_>) -> Result<i32, Fatal> {
    let mut verbose = false;
    // `Some(0)`: `--abbrev` without a value (the repository's default length).
    let mut abbrev: Option<usize> = None;
    let mut names: Vec<String> = Vec::new();
    for a in ctx.args.clone() {
        match a.as_str() {
            "-v" | "--verbose" => verbose = true,
            "--no-verbose" => verbose = false,
            "--abbrev" => abbrev = Some(0),
            "--no-abbrev" => abbrev = None,
            _ if a.starts_with("--abbrev=") => {
                let v = &a["--abbrev=".len()..];
                match v.parse::<usize>() {
                    Ok(n) => abbrev = (n > 0).then_some(n.max(4)),

                    Err(_) => {
                        return Ok(super::options::usage_error(
                            "option `abbrev' expects a numerical value",
                            USAGE,
                        ))
                    }
                }
            }
            "--" => {}
            _ if a.starts_with('-') && a.len() > 1 => {
                return Ok(super::options::usage_error(
                    &format!("unknown option `{}'", a.trim_start_matches('-')),
                    USAGE,
                ))
            }
            _ => names.push(a),
        }
    }
    if names.len() > 3 {
        return Ok(super::options::usage_error("", USAGE));
    }
    let repo = ctx.repo()?;
    let upstream = match names.first() {
        Some(u) => u.clone(),
        None => {
            if crate::revision::resolve(&repo, "@{upstream}").is_err() {
                eprintln!(
                    "Could not find a tracked remote branch, please specify <upstream> manually."
                );
                return Ok(super::options::usage_error("", USAGE));
            }
            "@{upstream}".to_string()
        }
    };
    let head = names.get(1).cloned().unwrap_or_else(|| "HEAD".to_string());
    let commit = |spec: &str| -> Result<ObjectId, Fatal> {
        crate::revision::resolve(&repo, spec)
            .and_then(|id| crate::revision::peel(&repo, id, ObjectKind::Commit))
            .map_err(|_| Fatal::new(format!("unknown commit {spec}")))
    };
    let head_id = commit(&head)?;
    let upstream_id = commit(&upstream)?;
    if head_id == upstream_id {
        return Ok(0);
    }
    let limit = names.get(2).map(|l| commit(l)).transpose()?;
    let walk = |tips: Vec<Tip>| -> Result<Vec<WalkedCommit>, Fatal> {
        let mut request = HistoryRequest::new(tips, DiffOptions::default());
        request.commit_data = true;
        let history = History::new(&repo, &request).map_err(super::diff::fatal)?;
        let mut out = Vec::new();
        for c in history {
            let c = c.map_err(super::diff::fatal)?;
            // git's `max_parents = 1`: merges are walked through, not listed.
            if c.parents.len() <= 1 {
                out.push(c);
            }
        }
        Ok(out)
    };
    let tip = |id: ObjectId, exclude: bool| Tip { id, exclude };
    let others = walk(vec![tip(upstream_id, false), tip(head_id, true)])?;
    let mut tips = vec![tip(head_id, false), tip(upstream_id, true)];
    tips.extend(limit.map(|l| tip(l, true)));
    let ours = walk(tips)?;
    let left: IdSet = others.iter().map(|c| c.id).collect();
    let mut list = others;
    let ours_ids: Vec<ObjectId> = ours.iter().map(|c| c.id).collect();
    list.extend(ours);
    let same = crate::revision::cherry::patch_same(&repo, &list, &left)
        .map_err(|e| Fatal::new(e.to_string()))?;
    let mut abbreviator = crate::odb::Abbreviator::new(repo.odb());
    if abbrev == Some(0) {
        abbrev = Some(crate::odb::default_abbrev_len(repo.odb(), repo.config()));
    }
    let subject_args = super::rev_args::PrettyArgs {
        format: Some(Some("format:%s".to_string())),
        ..Default::default()
    };
    let (mut subject, _) = super::rev_args::build_formatter(
        &repo,
        &subject_args,
        super::rev_args::Porcelain::RevList,
        None,
    )?;
    let mut out = Vec::new();
    let by_id: std::collections::HashMap<ObjectId, &WalkedCommit> =
        list.iter().map(|c| (c.id, c)).collect();
    for id in ours_ids.iter().rev() {
        let sign = if same.contains(id) { '-' } else { '+' };
        let hex = match abbrev {
            Some(n) => abbreviator
                .abbrev(id, Some(n))
                .map_err(|e| Fatal::new(e.to_string()))?,
            None => id.to_hex(),
        };
        out.extend_from_slice(format!("{sign} {hex}").as_bytes());
        if verbose {
            let c = by_id[id];
            out.push(b' ');
            let info = crate::pretty::CommitInfo::new(c.id, c.tree, &c.parents, &c.data);
            subject
                .write_message(&info, &mut out)
                .map_err(|e| Fatal::new(e.to_string()))?;
        }
        out.push(b'\n');
    }
    ctx.out.write_all(&out)?;
    Ok(0)
}
