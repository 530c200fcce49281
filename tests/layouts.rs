//! Repository discovery across layouts: work trees and their subfolders, bare clones,
//! `.git` files, linked worktrees, mirrors without config, SHA-256, alternates.

mod common;
use common::*;

fn check_layout(dir: &std::path::Path) {
    assert_same(dir, &["cat-file", "-p", "HEAD"]);
    assert_same(dir, &["cat-file", "--batch-all-objects", "--batch-check"]);
    assert_same(dir, &["cat-file", "--batch-all-objects", "--batch"]);
    assert_same(dir, &["log", "--format=%H %T %s"]);
}

#[test]
fn work_tree_and_subfolder() {
    let root = fixture("layouts");
    check_layout(&root.join("work"));
    check_layout(&root.join("work/a/b"));
    check_layout(&root.join("work/.git"));
}

#[test]
fn bare_clone_and_mirror_without_config() {
    let root = fixture("layouts");
    check_layout(&root.join("bare.git"));
    check_layout(&root.join("mirror"));
    assert!(!root.join("mirror/config").exists());
    assert!(!root.join("mirror/objects/info").exists());
}

#[test]
fn gitfile_and_linked_worktree() {
    let root = fixture("layouts");
    assert!(root.join("gitfile/.git").is_file());
    check_layout(&root.join("gitfile"));
    assert!(root.join("linked/.git").is_file());
    check_layout(&root.join("linked"));
    check_layout(&root.join("linked/a"));
}

#[test]
fn sha256_repository() {
    let root = fixture("layouts");
    let dir = root.join("sha256");
    check_layout(&dir);
    assert_same(&dir, &["cat-file", "-p", "HEAD^{tree}"]);
    assert_same(&dir, &["cat-file", "-p", "v1"]);
}

#[test]
fn alternates() {
    let root = fixture("layouts");
    check_layout(&root.join("borrower"));
}

#[test]
fn outside_any_repository_fails_like_git() {
    let dir = std::env::temp_dir();
    let out = run(
        {
            let mut c = oxgit_cmd(&dir);
            c.args(["cat-file", "-t", "HEAD"])
                .env("GIT_CEILING_DIRECTORIES", "/");
            c
        },
        b"",
    );
    assert_eq!(out.status.code(), Some(128));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not a git repository"));
}
