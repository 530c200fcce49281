//! Ref listings as `git show-ref` and `git for-each-ref` iterate them: every ref under
//! `refs/` in name order with the id it resolves to, and git's ref patterns.

use super::{RefError, RefValue, Refs, MAX_SYMREF_DEPTH};
use crate::oid::ObjectId;

/// One listed ref.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ListedRef {
    /// The full name (`refs/heads/main`).
    pub name: String,
    /// The id the ref resolves to (the null id for a broken ref).
    pub id: ObjectId,
    /// For a symbolic ref, the name its chain ends at (git's `resolve_refdup`).
    pub target: Option<String>,
    /// The fully peeled id recorded in `packed-refs`, if any.
    pub peeled: Option<ObjectId>,
    /// Whether the ref file is unreadable as a ref (git's `REF_ISBROKEN`).
    pub broken: bool,
}

impl Refs {
    /// Every ref under `refs/` in name order (git's `for_each_ref` with broken refs
    /// included): symbolic refs resolved (those that dangle or nest too deeply are left
    /// out), broken ref files listed with [`ListedRef::broken`] and the null id.
    pub fn listed(&self) -> Result<Vec<ListedRef>, RefError> {
        let mut out = Vec::new();
        for entry in self.all()? {
            let (id, target) = match entry.value {
                RefValue::Direct(id) => (id, None),
                RefValue::Symbolic(_) => match self.resolve_full(&entry.name) {
                    Ok(Some(r)) => (r.id, Some(r.name)),
                    Ok(None) => continue,
                    Err(e) if e.is_soft() => continue,
                    Err(e) => return Err(e),
                },
            };
            out.push(ListedRef {
                name: entry.name,
                id,
                target,
                peeled: entry.peeled,
                broken: entry.broken,
            });
        }
        Ok(out)
    }

    /// `HEAD` as a listing shows it (git's `head_ref`): `None` if it does not resolve.
    pub fn listed_head(&self) -> Result<Option<ListedRef>, RefError> {
        match self.resolve_full("HEAD") {
            Ok(Some(r)) => Ok(Some(ListedRef {
                name: "HEAD".into(),
                id: r.id,
                target: r.symbolic.then_some(r.name),
                peeled: None,
                broken: false,
            })),
            Ok(None) => Ok(None),
            Err(e) if e.is_soft() => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// The chain of names `name` passes through to its end (`name` first), at most
    /// [`MAX_SYMREF_DEPTH`] long.
    pub fn symref_chain(&self, name: &str) -> Result<Vec<String>, RefError> {
        let mut chain = vec![name.to_string()];
        while chain.len() < MAX_SYMREF_DEPTH {
            match self.read_raw(chain.last().expect("non-empty"))? {
                Some(RefValue::Symbolic(t)) => chain.push(t),
                _ => break,
            }
        }
        Ok(chain)
    }
}

/// `git show-ref`'s pattern rule: `pattern` matches the end of `name` at a `/` boundary
/// (`main` matches `refs/heads/main` and `refs/remotes/up/main`, not `refs/heads/domain`).
pub fn tail_matches(pattern: &str, name: &str) -> bool {
    name.ends_with(pattern)
        && (name.len() == pattern.len() || name.as_bytes()[name.len() - pattern.len() - 1] == b'/')
}

/// `git for-each-ref`'s pattern rule (`match_name_as_path`): `pattern` names `name` or a
/// folder of refs holding it (`refs/heads` and `refs/heads/` match `refs/heads/main`), or
/// matches it as a glob where `*` does not cross `/`. With `ignore_case`, letters of the
/// glob match either case.
pub fn path_pattern_matches(pattern: &str, name: &str, ignore_case: bool) -> bool {
    // The folder rule compares bytes exactly, even with `ignore_case`, as git does.
    if let Some(rest) = name.strip_prefix(pattern) {
        if rest.is_empty() || rest.starts_with('/') || pattern.ends_with('/') {
            return true;
        }
    }
    if ignore_case {
        glob_pathname(
            pattern.to_ascii_lowercase().as_bytes(),
            name.to_ascii_lowercase().as_bytes(),
        )
    } else {
        glob_pathname(pattern.as_bytes(), name.as_bytes())
    }
}

/// git's `match_pattern` for `branch` and `tag` listings: `pattern` against `name` without
/// its `refs/tags/`, `refs/heads/`, `refs/remotes/` or `refs/` prefix (the first that
/// applies), with wildcards that cross `/`.
pub fn short_pattern_matches(pattern: &str, name: &str, ignore_case: bool) -> bool {
    let short = ["refs/tags/", "refs/heads/", "refs/remotes/", "refs/"]
        .iter()
        .find_map(|p| name.strip_prefix(p))
        .unwrap_or(name);
    let flags = if ignore_case {
        crate::worktree::wildmatch::CASEFOLD
    } else {
        0
    };
    crate::worktree::wildmatch::wildmatch(pattern.as_bytes(), short.as_bytes(), flags)
}

/// git's `wildmatch` with `WM_PATHNAME`: wildcards do not cross `/`, except `**` as a
/// whole component (any number of folders). Matched component by component.
pub fn glob_pathname(pattern: &[u8], text: &[u8]) -> bool {
    let p: Vec<&[u8]> = pattern.split(|&c| c == b'/').collect();
    let t: Vec<&[u8]> = text.split(|&c| c == b'/').collect();
    components_match(&p, &t)
}

fn components_match(p: &[&[u8]], t: &[&[u8]]) -> bool {
    match p.split_first() {
        None => t.is_empty(),
        Some((&b"**", rest)) => {
            if rest.is_empty() {
                return true;
            }
            (0..=t.len()).any(|skip| components_match(rest, &t[skip..]))
        }
        Some((first, rest)) => match t.split_first() {
            Some((tf, tr)) => crate::diff::wildmatch(first, tf) && components_match(rest, tr),
            None => false,
        },
    }
}

/// Whether `arg` lists refs: `--all`, `--branches[=<pattern>]`, `--tags[=<pattern>]`,
/// `--remotes[=<pattern>]`, `--glob=<pattern>`.
pub fn is_ref_listing(arg: &str) -> bool {
    ref_listing(arg).is_some()
}

/// The refs a listing option (see [`is_ref_listing`]) selects: a glob over the full
/// name (`None`: every ref under the prefix), and the prefix (`refs/heads/` for
/// `--branches`, empty for `--all` and `--glob`), which rev-parse trims from names.
pub fn ref_listing(arg: &str) -> Option<(Option<String>, &'static str)> {
    match arg.split_once('=') {
        None => match arg {
            "--all" => Some((None, "")),
            "--branches" => Some((None, "refs/heads/")),
            "--tags" => Some((None, "refs/tags/")),
            "--remotes" => Some((None, "refs/remotes/")),
            _ => None,
        },
        Some(("--glob", pat)) => Some((Some(glob_pattern(pat, None)), "")),
        Some((opt, pat)) => {
            let prefix = match opt {
                "--branches" => "refs/heads/",
                "--tags" => "refs/tags/",
                "--remotes" => "refs/remotes/",
                _ => return None,
            };
            Some((Some(glob_pattern(pat, Some(prefix))), prefix))
        }
    }
}

/// git's pattern for `--glob` and `--branches=` and friends: under `prefix` (or `refs/`
/// unless given), with `/*` appended when the pattern has no glob characters.
pub fn glob_pattern(pattern: &str, prefix: Option<&str>) -> String {
    let mut out = match prefix {
        Some(p) => p.to_string(),
        None if !pattern.starts_with("refs/") => "refs/".to_string(),
        None => String::new(),
    };
    out.push_str(pattern);
    if !pattern.contains(['?', '*', '[', '\\']) {
        if !out.ends_with('/') {
            out.push('/');
        }
        out.push('*');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn show_ref_tail_patterns() {
        assert!(tail_matches("main", "refs/heads/main"));
        assert!(tail_matches("heads/main", "refs/heads/main"));
        assert!(tail_matches("refs/heads/main", "refs/heads/main"));
        assert!(!tail_matches("ain", "refs/heads/main"));
        assert!(!tail_matches("refs/heads/main/x", "refs/heads/main"));
    }

    #[test]
    fn for_each_ref_patterns() {
        assert!(path_pattern_matches("refs/heads", "refs/heads/main", false));
        assert!(path_pattern_matches(
            "refs/heads/",
            "refs/heads/main",
            false
        ));
        assert!(!path_pattern_matches("refs/head", "refs/heads/main", false));
        assert!(path_pattern_matches(
            "refs/heads/m*",
            "refs/heads/main",
            false
        ));
        assert!(!path_pattern_matches("refs/*", "refs/heads/main", false));
        assert!(path_pattern_matches(
            "refs/*/main",
            "refs/heads/main",
            false
        ));
        assert!(!path_pattern_matches("REFS/Heads", "refs/heads/main", true));
        assert!(path_pattern_matches(
            "REFS/Heads/*",
            "refs/heads/main",
            true
        ));
        assert!(!path_pattern_matches(
            "REFS/Heads",
            "refs/heads/main",
            false
        ));
        assert!(glob_pathname(b"refs/**/x", b"refs/x"));
        assert!(glob_pathname(b"refs/**/x", b"refs/a/b/x"));
        assert!(glob_pathname(b"refs/**", b"refs/a/b"));
        assert!(!glob_pathname(b"refs/?", b"refs/ab"));
    }
}
