//! Ref name rules: git's `check_refname_format` and where a ref lives on disk.

/// Whether `name` is a well-formed ref name by git's rules (`git check-ref-format`).
///
/// With `allow_onelevel`, names without a slash (`HEAD`, `FETCH_HEAD`, `main`) pass too.
/// The rules: components are non-empty, do not start with `.`, do not end with `.lock`;
/// the name contains no `..`, no `@{`, no control characters, space, `~ ^ : ? * [ \`;
/// it is not `@` and does not end with `/` or `.`.
pub fn is_valid_refname(name: &str, allow_onelevel: bool) -> bool {
    if name.is_empty() || name == "@" || name.contains("@{") || name.contains("..") {
        return false;
    }
    if name.ends_with('.') {
        return false;
    }
    let mut components = 0usize;
    for component in name.split('/') {
        components += 1;
        if component.is_empty() || component.starts_with('.') || component.ends_with(".lock") {
            return false;
        }
        let bad = component.bytes().any(|b| {
            b < 0x20
                || b == 0x7f
                || matches!(b, b' ' | b'~' | b'^' | b':' | b'?' | b'*' | b'[' | b'\\')
        });
        if bad {
            return false;
        }
    }
    allow_onelevel || components >= 2
}

/// Whether `name` has git's pseudoref syntax: only `A-Z`, `-` and `_` (`HEAD`, `ORIG_HEAD`).
pub fn is_pseudoref_syntax(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b == b'-' || b == b'_')
}

/// Whether `name` is private to each worktree: pseudorefs such as `HEAD` and the
/// `refs/worktree/`, `refs/bisect/` and `refs/rewritten/` hierarchies.
pub fn is_per_worktree(name: &str) -> bool {
    is_pseudoref_syntax(name)
        || name.starts_with("refs/worktree/")
        || name.starts_with("refs/bisect/")
        || name.starts_with("refs/rewritten/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refname_rules_match_git() {
        for ok in ["refs/heads/main", "refs/tags/v1.0", "refs/heads/a/b-c_d"] {
            assert!(is_valid_refname(ok, false), "{ok} should be valid");
        }
        assert!(!is_valid_refname("refs/x/.y", false));
        assert!(is_valid_refname("HEAD", true));
        assert!(!is_valid_refname("HEAD", false));
        for bad in [
            "",
            "@",
            "refs/heads/a..b",
            "refs/heads/a.lock",
            "refs//x",
            "/refs/x",
            "refs/x/",
            "refs/x.",
            "refs/a b",
            "refs/a~1",
            "refs/a^{}",
            "refs/a:b",
            "refs/a@{1}",
            "refs/a\u{1}",
        ] {
            assert!(!is_valid_refname(bad, true), "{bad:?} should be invalid");
        }
    }

    #[test]
    fn per_worktree_names() {
        assert!(is_per_worktree("HEAD"));
        assert!(is_per_worktree("ORIG_HEAD"));
        assert!(is_per_worktree("refs/bisect/bad"));
        assert!(!is_per_worktree("refs/heads/main"));
        assert!(!is_per_worktree("foo"));
    }
}
