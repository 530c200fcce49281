//! Property test: random revision expressions (`<base>~k^m^{tree}:path` and friends) over
//! the `refs-repos` fixture give the same `rev-parse` output and exit status as git.

mod common;

use common::{assert_same, fixture};
use proptest::prelude::*;

const BASES: &[&str] = &[
    "HEAD",
    "@",
    "main",
    "side",
    "side2",
    "dup",
    "t3",
    "t1",
    "v1",
    "light",
    "treetag",
    "blobtag",
    "lightblob",
    "up",
    "feature/deep/x",
    "rel/v1/final",
    "s1",
    "s0",
    "nope",
    "loose-only",
    "heads/dup",
    "refs/tags/t2",
    "",
];

/// Reflog selectors are left out: after a failed peel git retries the whole text as a
/// reflog date (`@{1}^{blob}` reads `1}^{blob` as a date), which oxgit refuses.
const STEPS: &[&str] = &[
    "~",
    "~0",
    "~1",
    "~2",
    "~3",
    "^",
    "^0",
    "^1",
    "^2",
    "^3",
    "^{}",
    "^{tree}",
    "^{commit}",
    "^{blob}",
    "^{tag}",
    "^{object}",
    "^{bogus}",
    "^{",
    "}",
    "~x",
    "@",
    ":",
    "^{/c}",
    "^{/!-s}",
];

const PATHS: &[&str] = &[
    "",
    "README",
    "src",
    "src/",
    "src/main.rs",
    "src/deep/x.txt",
    "nope",
    "docs/guide.md",
    "we:ird",
    "a~1",
    "./README",
    "final.txt",
];

fn expression() -> impl Strategy<Value = String> {
    (
        prop::sample::select(BASES),
        prop::collection::vec(prop::sample::select(STEPS), 0..5),
        prop::option::of(prop::sample::select(PATHS)),
        any::<bool>(),
    )
        .prop_map(|(base, steps, path, negate)| {
            let mut s = String::new();
            if negate {
                s.push('^');
            }
            // `:<path>` reads the index, which oxgit does not support.
            let base = if base.is_empty() && steps.first().is_some_and(|s| *s == ":")
                || base.is_empty() && steps.is_empty() && path.is_some()
            {
                "HEAD"
            } else {
                base
            };
            s.push_str(base);
            for step in &steps {
                s.push_str(step);
            }
            if let Some(p) = path {
                s.push(':');
                s.push_str(p);
            }
            s
        })
}

proptest! {
    #![proptest_config(ProptestConfig {
        // 32 by default; PROPTEST_CASES raises it for longer runs.
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(32),
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn random_expressions_match_git(spec in expression(), mode in 0usize..4) {
        let dir = fixture("refs-repos").join("main");
        let flags: &[&str] = match mode {
            0 => &[],
            1 => &["--verify", "-q"],
            2 => &["--short"],
            _ => &["--symbolic-full-name"],
        };
        let mut args = vec!["rev-parse"];
        args.extend_from_slice(flags);
        args.push(&spec);
        assert_same(&dir, &args);
    }
}
