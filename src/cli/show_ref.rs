//! `oxgit show-ref`: list refs with their ids, check that refs exist (git 2.47).

use super::options::{self, abbrev_value, fixed, flag, optional, Spec};
use super::{Context, Fatal};
use crate::object::ObjectKind;
use crate::oid::ObjectId;
use crate::refs::list::{tail_matches, ListedRef};
use crate::refs::{is_valid_refname, RefError, Refs};
use crate::repo::Repository;
use std::io::Write;

pub(super) const USAGE: &str = "usage: oxgit show-ref [--head] [-d | --dereference]
                    [-s | --hash[=<n>]] [--abbrev[=<n>]] [--branches] [--tags]
                    [--] [<pattern>...]
   or: oxgit show-ref --verify [-q | --quiet] [-d | --dereference]
                    [-s | --hash[=<n>]] [--abbrev[=<n>]]
                    [--] [<ref>...]
   or: oxgit show-ref --exclude-existing[=<pattern>]
   or: oxgit show-ref --exists <ref>

    --[no-]tags           only show tags (can be combined with --branches)
    --[no-]branches       only show branches (can be combined with --tags)
    --[no-]exists         check for reference existence without resolving
    --[no-]verify         stricter reference checking, requires exact ref path
    --[no-]head           show the HEAD reference, even if it would be filtered out
    -d, --[no-]dereference
                          dereference tags into object IDs
    -s, --[no-]hash[=<n>] only show SHA1 hash using <n> digits
    --[no-]abbrev[=<n>]   use <n> digits to display object names
    -q, --[no-]quiet      do not print results to stdout (useful with --verify)
    --exclude-existing[=<pattern>]
                          show refs from stdin that aren't in local repository

";

const SPECS: &[Spec] = &[
    flag(None, "tags"),
    flag(None, "branches"),
    flag(None, "heads"),
    flag(None, "exists"),
    flag(None, "verify"),
    flag(Some('h'), ""),
    flag(None, "head"),
    flag(Some('d'), "dereference"),
    optional(Some('s'), "hash"),
    optional(None, "abbrev"),
    flag(Some('q'), "quiet"),
    fixed(optional(None, "exclude-existing")),
];

/// How each ref is shown.
struct Show<'r> {
    repo: &'r Repository,
    quiet: bool,
    hash_only: bool,
    abbrev: usize,
    deref: bool,
}

impl Show<'_> {
    fn name(&self, id: &ObjectId) -> Result<String, Fatal> {
        if self.abbrev == 0 {
            return Ok(id.to_hex());
        }
        Ok(crate::revision::abbreviate(self.repo, id, self.abbrev)?)
    }

    /// git's `show_one`.
    fn one(&self, r: &ListedRef, out: &mut dyn Write) -> Result<(), Fatal> {
        if !self.repo.odb().contains(&r.id) {
            return Err(Fatal::new(format!(
                "git show-ref: bad ref {} ({})",
                r.name, r.id
            )));
        }
        if self.quiet {
            return Ok(());
        }
        if self.hash_only {
            writeln!(out, "{}", self.name(&r.id)?)?;
        } else {
            writeln!(out, "{} {}", self.name(&r.id)?, r.name)?;
        }
        if self.deref {
            if let Some(peeled) = peel_tag(self.repo, r)? {
                writeln!(out, "{} {}^{{}}", self.name(&peeled)?, r.name)?;
            }
        }
        Ok(())
    }
}

/// git's `peel_iterated_oid`: what a ref to an annotated tag finally points at (the
/// packed-refs record if there is one); `None` for refs to other objects.
pub(super) fn peel_tag(repo: &Repository, r: &ListedRef) -> Result<Option<ObjectId>, Fatal> {
    if let Some(p) = r.peeled {
        return Ok(Some(p));
    }
    let mut id = r.id;
    let mut buf = Vec::new();
    let mut peeled = false;
    for _ in 0..64 {
        match repo.odb().read_into(&id, &mut buf) {
            Ok(ObjectKind::Tag) => {}
            Ok(_) => return Ok(peeled.then_some(id)),
            Err(e) if e.is_missing() => return Ok(None),
            Err(e) => return Err(e.into()),
        }
        id = crate::object::Tag::parse(&buf)
            .map_err(|e| Fatal::new(format!("corrupt tag {id}: {e}")))?
            .object;
        peeled = true;
    }
    Ok(None)
}

/// Runs `show-ref`.
pub fn run(ctx: &mut Context<'_>) -> Result<i32, Fatal> {
    let parsed = match options::parse(&ctx.args, SPECS, false) {
        Ok(p) => p,
        Err(e) => return Ok(e.report(USAGE, ctx.out)),
    };
    let repo = ctx.repo()?;
    let hex_len = repo.hash_kind().hex_len();
    let (mut tags, mut branches, mut exists, mut verify, mut head) =
        (false, false, false, false, false);
    let mut exclude_existing: Option<Option<String>> = None;
    let mut show = Show {
        repo: &repo,
        quiet: false,
        hash_only: false,
        abbrev: 0,
        deref: false,
    };
    let mut patterns = Vec::new();
    for p in parsed {
        let Some((name, value, negated)) = p.opt_or_arg(&mut patterns) else {
            continue;
        };
        let on = !negated;
        match name {
            "tags" => tags = on,
            "branches" | "heads" => branches = on,
            "exists" => exists = on,
            "verify" => verify = on,
            "h" | "head" => head = on,
            "dereference" => show.deref = on,
            "quiet" => show.quiet = on,
            "exclude-existing" => exclude_existing = Some(value),
            "hash" => {
                show.hash_only = on;
                if on && value.is_some() {
                    match abbrev_value(value.as_deref(), false, hex_len, "hash") {
                        Ok(a) => {
                            show.abbrev =
                                a.unwrap_or_else(|| crate::revision::default_abbrev_len(&repo))
                        }
                        Err(e) => return Ok(e.report(USAGE, ctx.out)),
                    }
                }
            }
            _ => match abbrev_value(value.as_deref(), negated, hex_len, "abbrev") {
                Ok(a) => {
                    show.abbrev = a.unwrap_or_else(|| crate::revision::default_abbrev_len(&repo))
                }
                Err(e) => return Ok(e.report(USAGE, ctx.out)),
            },
        }
    }
    let modes = [
        (exclude_existing.is_some(), "--exclude-existing"),
        (verify, "--verify"),
        (exists, "--exists"),
    ];
    let on: Vec<&str> = modes.iter().filter(|m| m.0).map(|m| m.1).collect();
    if on.len() == 3 {
        return Err(Fatal::new(
            "options '--exclude-existing', '--verify', and '--exists' cannot be used together",
        ));
    }
    if on.len() == 2 {
        return Err(Fatal::new(format!(
            "options '{}' and '{}' cannot be used together",
            on[0], on[1]
        )));
    }
    let refs = Refs::new(&repo);
    if let Some(pattern) = exclude_existing {
        return exclude_existing_refs(&refs, pattern.as_deref(), ctx);
    }
    if verify {
        if patterns.is_empty() {
            return Err(Fatal::new("--verify requires a reference"));
        }
        for name in &patterns {
            let safe = name.starts_with("refs/")
                || (!name.is_empty() && name.bytes().all(|b| b.is_ascii_uppercase() || b == b'_'));
            let found = if safe && is_valid_refname(name, true) {
                match refs.resolve(name) {
                    Ok(id) => id,
                    Err(e) if e.is_soft() => None,
                    Err(e) => return Err(e.into()),
                }
            } else {
                None
            };
            match found {
                Some(id) => {
                    let r = ListedRef {
                        name: name.clone(),
                        id,
                        target: None,
                        peeled: refs.packed_peeled(name).unwrap_or(None),
                        broken: false,
                    };
                    show.one(&r, ctx.out)?
                }
                None if !show.quiet => {
                    return Err(Fatal::new(format!("'{name}' - not a valid ref")))
                }
                None => return Ok(1),
            }
        }
        return Ok(0);
    }
    if exists {
        let [name] = patterns.as_slice() else {
            return Err(Fatal::new(if patterns.is_empty() {
                "--exists requires a reference"
            } else {
                "--exists requires exactly one reference"
            }));
        };
        return Ok(match refs.read_raw(name) {
            Ok(Some(_)) => 0,
            Ok(None) | Err(RefError::InvalidName(_)) => {
                eprintln!("error: reference does not exist");
                2
            }
            Err(RefError::Broken { .. }) => {
                eprintln!("error: failed to look up reference: Invalid argument");
                1
            }
            Err(e) => return Err(e.into()),
        });
    }
    let mut found = 0usize;
    if head {
        if let Some(h) = refs.listed_head()? {
            found += 1;
            show.one(&h, ctx.out)?;
        }
    }
    let all = refs.listed()?;
    let scopes: Vec<&str> = match (branches, tags) {
        (false, false) => vec!["refs/"],
        (true, false) => vec!["refs/heads/"],
        (false, true) => vec!["refs/tags/"],
        (true, true) => vec!["refs/heads/", "refs/tags/"],
    };
    for scope in scopes {
        for r in all.iter().filter(|r| r.name.starts_with(scope)) {
            if !patterns.is_empty() && !patterns.iter().any(|p| tail_matches(p, &r.name)) {
                continue;
            }
            found += 1;
            show.one(r, ctx.out)?;
        }
    }
    Ok(if found == 0 { 1 } else { 0 })
}

/// `--exclude-existing[=<pattern>]`: the lines of standard input naming refs that do not
/// exist here (`<anything> <ref>[^{}]`).
fn exclude_existing_refs(
    refs: &Refs,
    pattern: Option<&str>,
    ctx: &mut Context<'_>,
) -> Result<i32, Fatal> {
    let existing: std::collections::HashSet<String> =
        refs.listed()?.into_iter().map(|r| r.name).collect();
    let mut line = Vec::new();
    loop {
        line.clear();
        if ctx.stdin.read_until(b'\n', &mut line)? == 0 {
            break;
        }
        if line.last() == Some(&b'\n') {
            line.pop();
        }
        if line.ends_with(b"^{}") {
            line.truncate(line.len() - 3);
        }
        let start = line
            .iter()
            .rposition(|c| c.is_ascii_whitespace())
            .map_or(0, |i| i + 1);
        let name = String::from_utf8_lossy(&line[start..]).into_owned();
        if pattern.is_some_and(|p| !name.starts_with(p)) {
            continue;
        }
        if !is_valid_refname(&name, false) {
            eprintln!("warning: ref '{name}' ignored");
            continue;
        }
        if !existing.contains(&name) {
            ctx.out.write_all(&line)?;
            ctx.out.write_all(b"\n")?;
        }
    }
    Ok(0)
}
