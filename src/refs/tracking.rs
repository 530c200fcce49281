//! Where branches track and push (git's `remote.c`): `branch.<name>.merge` mapped through
//! the remote's fetch refspecs, push destinations by `push.default`, and ahead/behind
//! counts between two commits.

use crate::config::Config;
use crate::object::{Commit, ObjectKind};
use crate::odb::Odb;
use crate::oid::{IdMap, ObjectId};

/// Maps `name` through one refspec list (`[+]src:dst`, with one `*` on each side, `^`
/// negative specs skipped); git's `apply_refspecs`.
pub fn apply_refspecs<'a>(specs: impl Iterator<Item = &'a str>, name: &str) -> Option<String> {
    for spec in specs {
        let spec = spec.strip_prefix('+').unwrap_or(spec);
        if spec.starts_with('^') {
            continue;
        }
        let (src, dst) = spec.split_once(':').unwrap_or((spec, ""));
        match (src.split_once('*'), dst.split_once('*')) {
            (Some((sp, ss)), Some((dp, ds))) => {
                if let Some(middle) = name
                    .strip_prefix(sp)
                    .and_then(|m| m.strip_suffix(ss))
                    .filter(|_| name.len() >= sp.len() + ss.len())
                {
                    return Some(format!("{dp}{middle}{ds}"));
                }
            }
            (None, None) if src == name && !dst.is_empty() => return Some(dst.to_string()),
            _ => {}
        }
    }
    None
}

/// The remote `branch` pulls from: `branch.<name>.remote` (explicit) or `origin`.
pub fn remote_for_branch<'c>(config: &'c Config, branch: &str) -> (&'c str, bool) {
    match config.get(&format!("branch.{branch}.remote")) {
        Some(r) => (r, true),
        None => ("origin", false),
    }
}

/// The remote `branch` pushes to: `branch.<name>.pushRemote`, `remote.pushDefault`, then
/// as [`remote_for_branch`]; whether it was configured.
pub fn pushremote_for_branch<'c>(config: &'c Config, branch: &str) -> (&'c str, bool) {
    if let Some(r) = config.get(&format!("branch.{branch}.pushremote")) {
        return (r, true);
    }
    if let Some(r) = config.get("remote.pushdefault") {
        return (r, true);
    }
    remote_for_branch(config, branch)
}

/// Whether git knows the remote `name` (configured with a URL, or named explicitly, which
/// git accepts as a URL of its own).
fn remote_exists(config: &Config, name: &str, explicit: bool) -> bool {
    explicit || config.get(&format!("remote.{name}.url")).is_some()
}

/// The ref `branch` (a short branch name) builds on: the local ref for remote `.`, else
/// the remote-tracking ref its `branch.<name>.merge` maps to. `None` if unconfigured or
/// not stored as a remote-tracking branch (git's `branch_get_upstream`).
pub fn upstream(config: &Config, branch: &str) -> Option<String> {
    let merge = config.get_all(&format!("branch.{branch}.merge")).next()?;
    let remote = config.get(&format!("branch.{branch}.remote"))?;
    if remote == "." {
        return Some(merge.to_string());
    }
    apply_refspecs(config.get_all(&format!("remote.{remote}.fetch")), merge)
}

/// The configured merge source of `branch` (`branch.<name>.merge`), git's
/// `remote_ref_for_branch` for pulls.
pub fn upstream_remote_ref(config: &Config, branch: &str) -> Option<String> {
    config.get(&format!("branch.{branch}.remote"))?;
    config
        .get_all(&format!("branch.{branch}.merge"))
        .next()
        .map(str::to_string)
}

/// The remote-tracking ref of where `branch` pushes to (git's `branch_get_push`): through
/// the push remote's push refspecs, or by `push.default` (`simple` unless configured).
pub fn push_tracking(config: &Config, branch: &str) -> Option<String> {
    let (remote, explicit) = pushremote_for_branch(config, branch);
    if !remote_exists(config, remote, explicit) {
        return None;
    }
    let full = format!("refs/heads/{branch}");
    let fetch = || config.get_all(&format!("remote.{remote}.fetch"));
    let mut push = config.get_all(&format!("remote.{remote}.push")).peekable();
    if push.peek().is_some() {
        let dst = apply_refspecs(push, &full)?;
        return apply_refspecs(fetch(), &dst);
    }
    if config.get_bool(&format!("remote.{remote}.mirror")) == Some(true) {
        return apply_refspecs(fetch(), &full);
    }
    match config.get("push.default").unwrap_or("simple") {
        "nothing" => None,
        "matching" | "current" => apply_refspecs(fetch(), &full),
        "upstream" | "tracking" => upstream(config, branch),
        _ => {
            let up = upstream(config, branch)?;
            let cur = apply_refspecs(fetch(), &full)?;
            (cur == up).then_some(cur)
        }
    }
}

/// Counts the commits reachable from `ours` but not `theirs` (ahead) and the other way
/// round (behind), exactly, as `git rev-list --left-right --count ours...theirs`.
pub fn ahead_behind(
    odb: &Odb,
    ours: ObjectId,
    theirs: ObjectId,
) -> Result<(usize, usize), crate::odb::OdbError> {
    if ours == theirs {
        return Ok((0, 0));
    }
    let a = ancestors(odb, ours)?;
    let b = ancestors(odb, theirs)?;
    let ahead = a.keys().filter(|id| !b.contains_key(id)).count();
    let behind = b.keys().filter(|id| !a.contains_key(id)).count();
    Ok((ahead, behind))
}

/// Every commit reachable from `start` (itself included); tags are peeled first, and
/// commits that cannot be parsed end their line.
fn ancestors(odb: &Odb, start: ObjectId) -> Result<IdMap<()>, crate::odb::OdbError> {
    let mut seen = IdMap::default();
    let mut stack = vec![start];
    let mut buf = Vec::new();
    while let Some(id) = stack.pop() {
        if seen.contains_key(&id) {
            continue;
        }
        let kind = odb.read_into(&id, &mut buf)?;
        if kind == ObjectKind::Tag {
            if let Ok(t) = crate::object::Tag::parse(&buf) {
                stack.push(t.object);
            }
            continue;
        }
        seen.insert(id, ());
        if kind != ObjectKind::Commit {
            continue;
        }
        if let Ok(c) = Commit::parse(&buf) {
            stack.extend(c.parents.iter().filter(|p| !seen.contains_key(p)));
        }
    }
    Ok(seen)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refspecs_map_like_git() {
        let specs = ["+refs/heads/*:refs/remotes/up/*", "refs/tags/v1:refs/x"];
        let m = |n: &str| apply_refspecs(specs.iter().copied(), n);
        assert_eq!(
            m("refs/heads/main").as_deref(),
            Some("refs/remotes/up/main")
        );
        assert_eq!(m("refs/tags/v1").as_deref(), Some("refs/x"));
        assert_eq!(m("refs/tags/v2"), None);
        assert_eq!(
            apply_refspecs(["^refs/heads/x"].into_iter(), "refs/heads/x"),
            None
        );
    }
}
