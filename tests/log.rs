//! `oxgit log` against `git log`, byte for byte.

mod common;
use common::*;

#[test]
fn formats_and_walk_options_match_git() {
    let dir = fixture("basic");
    for args in [
        &["log", "--format=%H %h %an %ae %at %s"][..],
        &["log", "--format=%H%n%P|%p|%T|%t%n%cn %ce %ct%n%b|%B%%%z"],
        &["log", "--format=%h", "-n", "3", "--no-merges"],
        &["log", "--format=%s", "--first-parent", "main"],
        &["log", "--pretty=format:%s", "odd"],
        &["log", "--pretty=tformat:%H", "-2", "side"],
        &["log", "--format=%H", "--max-count=0"],
        &["log", "--format=%s", "v1.0-outer"],
        &["log", "--format=%s", "main", "side", "odd"],
        &["log", "--format=%s", "no-such-rev"],
        &["log"],
        &["log", "-n", "2", "odd"],
        &["log", "--oneline"],
        &["log", "--oneline", "--no-merges", "main", "side"],
        &["log", "--pretty=medium", "v1.0"],
    ] {
        assert_same(&dir, args);
    }
}
