//! `oxgit cat-file` against `git cat-file`, byte for byte, on the fixture repositories.

mod common;
use common::*;

/// Every object id of the repository at `dir`, from git.
fn all_ids(dir: &std::path::Path) -> Vec<String> {
    let out = git(
        dir,
        &[
            "cat-file",
            "--batch-all-objects",
            "--batch-check=%(objectname)",
        ],
    );
    String::from_utf8(out)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect()
}

/// Runs the single-object modes on every object of `fixture_name`.
fn every_object_every_mode(fixture_name: &str) {
    let dir = fixture(fixture_name);
    let ids = all_ids(&dir);
    assert!(ids.len() > 20, "fixture has objects");
    for id in &ids {
        for mode in ["-t", "-s", "-p", "-e"] {
            assert_same(&dir, &["cat-file", mode, id]);
        }
    }
}

#[test]
fn single_object_modes_match_git() {
    every_object_every_mode("basic");
}

#[test]
fn batch_all_objects_matches_git() {
    let dir = fixture("basic");
    assert_same(&dir, &["cat-file", "--batch-all-objects", "--batch-check"]);
    assert_same(&dir, &["cat-file", "--batch-all-objects", "--batch"]);
    assert_same(
        &dir,
        &[
            "cat-file",
            "--batch-all-objects",
            "--batch-check=%(objecttype) %(objectname) %%",
        ],
    );
}

#[test]
fn batch_from_stdin_matches_git() {
    let dir = fixture("basic");
    let mut input = Vec::new();
    for id in all_ids(&dir) {
        input.extend_from_slice(id.as_bytes());
        input.push(b'\n');
    }
    input.extend_from_slice(
        b"HEAD\n\nnope\nHEAD extra\n  HEAD\nmain\nv1.0\nv1.0-outer\ndeadbeefdeadbeefdeadbeefdeadbeefdeadbeef\n",
    );
    assert_same_with_input(&dir, &["cat-file", "--batch-check"], &input);
    assert_same_with_input(&dir, &["cat-file", "--batch"], &input);
    assert_same_with_input(
        &dir,
        &[
            "cat-file",
            "--batch-check=%(objectname) %(rest)|%(objectsize)",
        ],
        &input,
    );
}

#[test]
fn revisions_and_typed_reads_match_git() {
    let dir = fixture("basic");
    for args in [
        &["cat-file", "-p", "HEAD"][..],
        &["cat-file", "-t", "v1.0"],
        &["cat-file", "-p", "v1.0-outer"],
        &["cat-file", "-p", "ancient"],
        &["cat-file", "-p", "odd"],
        &["cat-file", "commit", "v1.0-outer"],
        &["cat-file", "tree", "main"],
        &["cat-file", "blob", "blob-tag"],
        &["cat-file", "blob", "HEAD"],
        &["cat-file", "tree", "tree-tag"],
        &["cat-file", "commit", "tree-tag"],
    ] {
        assert_same(&dir, args);
    }
}

#[test]
fn errors_and_exit_codes_match_git() {
    let dir = fixture("basic");
    for args in [
        &["cat-file", "-t", "deadbeefdeadbeefdeadbeefdeadbeefdeadbeef"][..],
        &["cat-file", "-e", "deadbeefdeadbeefdeadbeefdeadbeefdeadbeef"],
        &["cat-file", "-p", "deadbeefdeadbeefdeadbeefdeadbeefdeadbeef"],
        &["cat-file", "-e", "no-such-ref"],
        &["cat-file", "-s", "no-such-ref"],
        &["cat-file", "-t"],
        &["cat-file", "-s", "HEAD", "extra"],
        &["cat-file", "--bogus", "HEAD"],
    ] {
        assert_same(&dir, args);
    }
}

#[test]
fn works_from_a_subfolder_and_with_dash_c() {
    let dir = fixture("basic");
    let sub = dir.join("src").join("deep");
    assert_same(&sub, &["cat-file", "-p", "HEAD"]);
    // `rev:./path` and `rev:../path` are relative to the working folder, as in git.
    assert_same(&sub, &["cat-file", "-p", "HEAD:./er/file.txt"]);
    assert_same(&sub, &["cat-file", "-p", "HEAD:../main.rs"]);
    assert_same(&sub, &["cat-file", "-t", "HEAD:../../run.sh"]);
    assert_same(&sub, &["cat-file", "-e", "HEAD:./er"]);
    assert_same_stderr(&sub, &["cat-file", "-p", "HEAD:../../../x"]);
    assert_same_stderr(&dir.join(".git"), &["cat-file", "-p", "HEAD:./README"]);
    let parent = dir.parent().unwrap();
    let name = dir.file_name().unwrap().to_str().unwrap();
    assert_same(parent, &["-C", name, "cat-file", "-t", "HEAD"]);
    assert_same(parent, &["-C", name, "-C", "src", "cat-file", "-s", "HEAD"]);
}

#[test]
fn empty_tree_is_always_there_but_not_listed() {
    let dir = scratch_dir().join("empty-repo");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    git(&dir, &["init", "-q"]);
    let empty_tree = "4b825dc642cb6eb9a060e54bf8d69288fbee4904";
    let empty_blob = "e69de29bb2d1d6434b8b29ae775ad8c2e48c5391";
    for args in [
        &["cat-file", "-t", empty_tree][..],
        &["cat-file", "-e", empty_tree],
        &["cat-file", "-p", empty_tree],
        &["cat-file", "-t", empty_blob],
        &["cat-file", "--batch-all-objects", "--batch-check"],
    ] {
        assert_same(&dir, args);
    }
    assert_same_with_input(
        &dir,
        &["cat-file", "--batch"],
        format!("{empty_tree}\n{empty_blob}\n").as_bytes(),
    );
}

#[test]
fn unordered_listing_follows_gits_pack_order() {
    // Loose objects first, then packs in git's list order, each by offset; duplicates once.
    for name in [
        "basic",
        "basic-packed",
        "odb-multi",
        "odb-midx",
        "odb-alternates/clone",
        "odb-refdelta",
    ] {
        let (fixture_name, sub) = name.split_once('/').unwrap_or((name, ""));
        let dir = fixture(fixture_name).join(sub);
        let out = assert_same(
            &dir,
            &[
                "cat-file",
                "--batch-all-objects",
                "--batch-check",
                "--unordered",
            ],
        );
        assert!(!out.is_empty(), "{name} lists objects");
        assert_same(
            &dir,
            &["cat-file", "--batch-all-objects", "--batch", "--unordered"],
        );
    }
}

#[test]
fn storage_atoms_match_git() {
    // %(objectsize:disk) and %(deltabase): loose files, whole and delta pack entries
    // (OFS and REF), the empty tree answered from memory or walked in a pack.
    let format = "--batch-check=%(objectname) %(objecttype) %(objectsize:disk) %(deltabase)";
    for name in [
        "basic",
        "basic-packed",
        "odb-deep",
        "odb-refdelta",
        "odb-midx",
    ] {
        let dir = fixture(name);
        let out = assert_same(&dir, &["cat-file", "--batch-all-objects", format]);
        assert!(!out.is_empty(), "{name} lists objects");
        assert_same(
            &dir,
            &["cat-file", "--batch-all-objects", format, "--unordered"],
        );
    }
    let dir = fixture("basic-packed");
    assert_same_with_input(
        &dir,
        &["cat-file", "--batch=%(deltabase) %(objectsize:disk)"],
        b"HEAD\nHEAD:README\nmain~2^{tree}\nnope\n4b825dc642cb6eb9a060e54bf8d69288fbee4904\n",
    );
}
