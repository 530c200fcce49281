//! The refs and revision library API against git 2.47 on the `refs-repos` fixture, plus
//! robustness on hostile input (no panics, errors instead).

mod common;

use common::{fixture, git, git_cmd};
use oxgit::refs::{Head, PackedRefs, RefError, RefValue, Refs};
use oxgit::revision::{self, Resolver, RevisionError};
use oxgit::{HashKind, ObjectId, ObjectKind, Repository};
use proptest::prelude::*;
use std::path::Path;

const LAYOUTS: &[&str] = &[
    "main",
    "wt",
    "wt-detached",
    "corrupt",
    "detached",
    "bare.git",
    "noconfig",
    "unborn",
];

fn open(dir: &Path) -> Repository {
    Repository::discover(dir).unwrap()
}

fn id(hex: &[u8]) -> ObjectId {
    ObjectId::from_hex(hex.trim_ascii()).unwrap()
}

fn git_id(dir: &Path, spec: &str) -> ObjectId {
    id(&git(dir, &["rev-parse", "--verify", spec]))
}

#[test]
fn iteration_matches_for_each_ref() {
    for layout in LAYOUTS {
        let dir = fixture("refs-repos").join(layout);
        let refs = Refs::new(&open(&dir));
        let mut ours = String::new();
        for entry in refs.all().unwrap() {
            if entry.broken {
                continue;
            }
            let target = match &entry.value {
                RefValue::Direct(id) => Some(*id),
                RefValue::Symbolic(_) => refs.resolve(&entry.name).ok().flatten(),
            };
            if let Some(target) = target {
                ours.push_str(&format!("{target} {}\n", entry.name));
            }
        }
        let theirs = git(&dir, &["for-each-ref", "--format=%(objectname) %(refname)"]);
        assert_eq!(ours, String::from_utf8(theirs).unwrap(), "in {layout}");
    }
}

#[test]
fn head_states_match_git() {
    for layout in LAYOUTS {
        let dir = fixture("refs-repos").join(layout);
        let refs = Refs::new(&open(&dir));
        let symbolic = common::run(
            {
                let mut c = git_cmd(&dir);
                c.args(["symbolic-ref", "-q", "HEAD"]);
                c
            },
            b"",
        );
        let head_id = common::run(
            {
                let mut c = git_cmd(&dir);
                c.args(["rev-parse", "-q", "--verify", "HEAD"]);
                c
            },
            b"",
        );
        let expected_id = head_id.status.success().then(|| id(&head_id.stdout));
        let expected = if symbolic.status.success() {
            Head::Attached {
                name: String::from_utf8(symbolic.stdout)
                    .unwrap()
                    .trim()
                    .to_string(),
                id: expected_id,
            }
        } else {
            Head::Detached(expected_id.unwrap())
        };
        assert_eq!(refs.head().unwrap(), expected, "in {layout}");
    }
    let unborn = Refs::new(&open(&fixture("refs-repos").join("unborn")));
    assert!(matches!(
        unborn.head().unwrap(),
        Head::Attached { id: None, .. }
    ));
    let detached = Refs::new(&open(&fixture("refs-repos").join("wt-detached")));
    assert!(matches!(detached.head().unwrap(), Head::Detached(_)));
}

#[test]
fn symbolic_packed_and_worktree_refs() {
    let r = fixture("refs-repos");
    let main = r.join("main");
    let refs = Refs::new(&open(&main));
    assert_eq!(
        refs.read_symbolic("refs/remotes/up/HEAD")
            .unwrap()
            .as_deref(),
        Some("refs/remotes/up/main")
    );
    assert_eq!(refs.read_symbolic("refs/heads/main").unwrap(), None);
    let s1 = refs.resolve_full("refs/heads/s1").unwrap().unwrap();
    assert_eq!(s1.name, "refs/heads/main");
    assert!(s1.symbolic);
    assert_eq!(s1.id, git_id(&main, "main"));
    assert!(matches!(
        refs.resolve("refs/heads/s0"),
        Err(RefError::TooDeep(_))
    ));
    // Packed tags record their fully peeled target; loose refs override packed ones.
    assert_eq!(
        refs.packed_peeled("refs/tags/t3").unwrap(),
        Some(git_id(&main, "t3^{}"))
    );
    assert_eq!(refs.packed_peeled("refs/tags/light").unwrap(), None);
    assert_eq!(
        refs.resolve("refs/tags/light").unwrap(),
        Some(git_id(&main, "light"))
    );
    assert!(refs.packed().unwrap().find("refs/tags/light").is_some());
    assert_eq!(refs.resolve("refs/heads/nope").unwrap(), None);
    assert!(matches!(
        refs.resolve("refs/heads/../../config"),
        Err(RefError::InvalidName(_))
    ));
    // Per-worktree refs live in the worktree's git dir.
    let wt = Refs::new(&open(&r.join("wt")));
    assert_eq!(
        wt.resolve("refs/bisect/bad").unwrap(),
        Some(git_id(&r.join("wt"), "refs/bisect/bad"))
    );
    assert_eq!(refs.resolve("refs/bisect/bad").unwrap(), None);
    assert_eq!(
        wt.resolve("main-worktree/HEAD").unwrap(),
        Some(git_id(&main, "HEAD"))
    );
    assert_eq!(
        refs.resolve("worktrees/wt/HEAD").unwrap(),
        Some(git_id(&main, "side"))
    );
    // Broken files and a malformed packed-refs file are errors, not panics.
    let corrupt = Refs::new(&open(&r.join("corrupt")));
    assert!(matches!(
        corrupt.resolve("refs/heads/broken"),
        Err(RefError::Broken { .. })
    ));
    assert_eq!(corrupt.resolve("refs/heads/dangling").unwrap(), None);
    let bad = Refs::new(&open(&r.join("badpacked")));
    assert!(matches!(
        bad.resolve("refs/tags/v1"),
        Err(RefError::PackedRefs { .. })
    ));
    assert!(bad.all().is_err());
}

#[test]
fn revision_helpers_match_git() {
    let r = fixture("refs-repos");
    let main = r.join("main");
    let repo = open(&main);
    for spec in [
        "HEAD",
        "HEAD~2",
        "HEAD~2^3",
        "t3^{}",
        "t3^{tree}",
        "treetag^{}",
        "v1",
        "HEAD:src",
        "dup",
        "up",
        "@",
    ] {
        assert_eq!(
            revision::resolve(&repo, spec).unwrap(),
            git_id(&main, spec),
            "{spec}"
        );
    }
    assert!(matches!(
        revision::resolve(&repo, "nope"),
        Err(RevisionError::Unknown(_))
    ));
    let ambig = std::fs::read_to_string(r.join("info/ambig4")).unwrap();
    match revision::resolve(&repo, ambig.trim()) {
        Err(RevisionError::AmbiguousShortId { candidates, .. }) => assert!(candidates.len() >= 2),
        other => panic!("expected ambiguity, got {other:?}"),
    }
    assert!(matches!(
        revision::resolve(&repo, "HEAD@{yesterday}"),
        Err(RevisionError::Unsupported { .. })
    ));
    // peel: tags to what they tag, commits to trees; blobs peel no further.
    let t3 = git_id(&main, "t3");
    assert_eq!(
        revision::peel(&repo, t3, ObjectKind::Commit).unwrap(),
        git_id(&main, "t3^{}")
    );
    assert_eq!(
        revision::peel(&repo, t3, ObjectKind::Tree).unwrap(),
        git_id(&main, "t3^{tree}")
    );
    assert_eq!(revision::peel(&repo, t3, ObjectKind::Tag).unwrap(), t3);
    let blobtag = git_id(&main, "blobtag");
    assert!(matches!(
        revision::peel(&repo, blobtag, ObjectKind::Tree),
        Err(RevisionError::WrongType {
            actual: ObjectKind::Blob,
            ..
        })
    ));
    // tree_entry_by_path accepts commits and tags of them.
    let head = git_id(&main, "HEAD");
    let (found, mode) = revision::tree_entry_by_path(&repo, &t3, b"src/deep/x.txt")
        .unwrap()
        .unwrap();
    assert_eq!(found, git_id(&main, "t3:src/deep/x.txt"));
    assert_eq!(mode, 0o100644);
    assert_eq!(
        revision::tree_entry_by_path(&repo, &head, b"src")
            .unwrap()
            .map(|e| e.1),
        Some(0o40000)
    );
    assert_eq!(
        revision::tree_entry_by_path(&repo, &head, b"src/nope").unwrap(),
        None
    );
    assert_eq!(
        revision::tree_entry_by_path(&repo, &blobtag, b"x").unwrap(),
        None
    );
    // Abbreviations are unique and as long as git makes them.
    for spec in ["HEAD", "t3", "HEAD:README"] {
        let want = String::from_utf8(git(&main, &["rev-parse", "--short", spec])).unwrap();
        let got = revision::abbreviate(
            &repo,
            &git_id(&main, spec),
            revision::default_abbrev_len(&repo),
        )
        .unwrap();
        assert_eq!(got, want.trim(), "{spec}");
    }
    // Warnings are collected, not printed.
    let mut resolver = Resolver::new(&repo).quiet(false);
    resolver.resolve("dup").unwrap();
    assert_eq!(
        resolver.take_messages(),
        ["warning: refname 'dup' is ambiguous."]
    );
}

#[test]
fn absurd_specs_are_errors_not_panics() {
    let repo = open(&fixture("refs-repos").join("main"));
    let long_tilde = format!("HEAD{}", "~1".repeat(50_000));
    let long_peel = format!("HEAD{}", "^{}".repeat(50_000));
    let nested = format!("HEAD{}{}", "^{".repeat(5_000), "}".repeat(5_000));
    let deep_path = format!("HEAD:{}", "a/".repeat(10_000));
    for spec in [
        "HEAD~99999999999999999999",
        "HEAD^99999999999999999999",
        "HEAD^{",
        "^{}",
        "}",
        "@{",
        "@{}",
        ":",
        "::",
        "HEAD:",
        "\u{0}",
        "refs/heads/main\u{1}",
        long_tilde.as_str(),
        long_peel.as_str(),
        nested.as_str(),
        deep_path.as_str(),
    ] {
        let _ = revision::resolve(&repo, spec);
    }
    // Long first-parent walks end at the root commit.
    assert!(revision::resolve(&repo, &long_tilde).is_err());
    assert_eq!(
        revision::resolve(&repo, &long_peel).unwrap(),
        revision::resolve(&repo, "HEAD").unwrap()
    );
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn packed_refs_parser_never_panics(data in prop::collection::vec(any::<u8>(), 0..300)) {
        let _ = PackedRefs::parse(&data, HashKind::Sha1);
    }

    #[test]
    fn packed_refs_parser_never_panics_on_near_valid_lines(
        lines in prop::collection::vec(
            prop::sample::select(vec![
                "# pack-refs with: peeled fully-peeled sorted ",
                "c9ec817010fe00f4fbba2d97d707d4f8837e4d04 refs/heads/main",
                "^c9ec817010fe00f4fbba2d97d707d4f8837e4d04",
                "c9ec817010fe00f4fbba2d97d707d4f8837e4d0 refs/heads/x",
                "c9ec817010fe00f4fbba2d97d707d4f8837e4d04  refs/heads/y",
                "c9ec817010fe00f4fbba2d97d707d4f8837e4d04 refs/heads/a..b",
                "^",
                "",
            ]),
            0..8,
        ),
        newline_at_end in any::<bool>(),
    ) {
        let mut text = lines.join("\n");
        if newline_at_end {
            text.push('\n');
        }
        if let Ok(p) = PackedRefs::parse(text.as_bytes(), HashKind::Sha1) {
            let names: Vec<_> = p.iter().map(|r| r.name.clone()).collect();
            let mut sorted = names.clone();
            sorted.sort();
            prop_assert_eq!(names, sorted);
        }
    }

    #[test]
    fn message_search_never_panics(pattern in "[-a-c^$.*+?{}()|\\[\\]:0-9,!<>wsb]{0,16}") {
        let repo = open(&fixture("refs-repos").join("main"));
        let _ = Resolver::new(&repo).resolve(&format!(":/{pattern}"));
        let _ = Resolver::new(&repo).resolve(&format!("HEAD^{{/{pattern}}}"));
    }

    #[test]
    fn resolver_never_panics(spec in "[-~^{}:@./a-z0-9A-F!*]{0,24}") {
        let repo = open(&fixture("refs-repos").join("main"));
        let _ = Resolver::new(&repo).quiet(false).resolve(&spec);
    }
}

/// The ref stores of one open repository share its `packed-refs` snapshot, and a rewritten
/// file (git writes a new one and renames it into place) is read again, as a server that
/// keeps the repository open needs.
#[test]
fn a_kept_repository_sees_packed_refs_rewritten() {
    let dir = common::scratch_dir().join("packed-refs-kept");
    let _ = std::fs::remove_dir_all(&dir);
    common::copy_dir(&fixture("refs-repos").join("main"), &dir);
    git(&dir, &["pack-refs", "--all"]);
    let repo = open(&dir);
    let first = git_id(&dir, "HEAD");
    let before = Refs::new(&repo).resolve("refs/tags/kept").unwrap();
    assert_eq!(before, None);
    git(&dir, &["tag", "kept", "HEAD~1"]);
    git(&dir, &["pack-refs", "--all"]);
    let kept = git_id(&dir, "refs/tags/kept");
    assert_ne!(kept, first);
    assert_eq!(
        Refs::new(&repo).resolve("refs/tags/kept").unwrap(),
        Some(kept)
    );
    // Moved within the packed file only (no loose ref left), same size of file.
    git(&dir, &["update-ref", "refs/tags/kept", "HEAD"]);
    git(&dir, &["pack-refs", "--all"]);
    assert!(!dir.join(".git/refs/tags/kept").exists());
    assert_eq!(
        Refs::new(&repo).resolve("refs/tags/kept").unwrap(),
        Some(first)
    );
}
