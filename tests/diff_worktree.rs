//! `oxgit diff` against the index and the work tree, byte for byte against git 2.47, on
//! the status fixture work trees (staged and unstaged edits, deletions, mode and type
//! changes, symlinks, intent-to-add, submodules, CRLF, racy entries, index v4, split
//! index, a linked worktree, file <-> directory) and wtdiff-cases.sh (renames in the
//! index and the work tree, --merge-base, .gitattributes conversions).

mod common;
use common::{assert_same, fixture, oxgit_cmd, run, scratch_dir};

/// The forms and formats every work tree is checked with.
const FORMS: &[&[&str]] = &[
    &["diff"],
    &["diff", "HEAD"],
    &["diff", "--cached"],
    &["diff", "--staged", "HEAD"],
    &["diff", "--raw"],
    &["diff", "--raw", "HEAD"],
    &["diff", "--cached", "--raw"],
    &["diff", "--stat"],
    &["diff", "--stat", "HEAD"],
    &["diff", "--cached", "--stat"],
    &["diff", "--numstat"],
    &["diff", "--numstat", "HEAD"],
    &["diff", "--cached", "--numstat"],
    &["diff", "--name-status"],
    &["diff", "--name-status", "HEAD"],
    &["diff", "--cached", "--name-status"],
    &["diff", "-M", "HEAD"],
    &["diff", "--cached", "-M", "--raw"],
    &["diff", "--no-renames", "HEAD", "--raw"],
    &["diff", "--exit-code"],
    &["diff", "--quiet", "HEAD"],
];

fn all_forms(dir: &std::path::Path) {
    for args in FORMS {
        assert_same(dir, args);
    }
}

#[test]
fn status_fixture_work_trees() {
    let root = fixture("status-cases");
    for sub in [
        "basic", "sub", "crlf", "racy", "v4", "split", "linked", "unborn", "detached", "empty",
    ] {
        all_forms(&root.join(sub));
    }
}

#[test]
fn pathspecs_and_subfolders() {
    let root = fixture("status-cases");
    let basic = root.join("basic");
    for args in [
        &["diff", "--", "dir"][..],
        &["diff", "HEAD", "--", "dir", "tochange"],
        &["diff", "--stat", "--", "*.txt"],
        &["diff", "--cached", "--name-status", "--", "dir/sub"],
        &[
            "diff",
            "HEAD",
            "--raw",
            "--",
            "link",
            "becomes-link",
            "becomes-file",
        ],
        &["diff", "modified.txt"],
    ] {
        assert_same(&basic, args);
    }
    let dir = basic.join("dir");
    for args in [
        &["diff"][..],
        &["diff", "HEAD", "--stat"],
        &["diff", "--cached", "--raw"],
        &["diff", "--", "."],
        &["diff", "HEAD", "--", "../tochange"],
    ] {
        assert_same(&dir, args);
    }
}

#[test]
fn renames_merge_base_and_attributes() {
    let root = fixture("wtdiff-cases");
    for sub in ["renames", "branches", "attrs"] {
        all_forms(&root.join(sub));
    }
    let branches = root.join("branches");
    for args in [
        &["diff", "--merge-base", "topic"][..],
        &["diff", "--merge-base", "topic", "--stat"],
        &["diff", "--cached", "--merge-base", "topic"],
        &["diff", "--cached", "--merge-base", "topic", "--raw"],
        &["diff", "topic"],
        &["diff", "--cached", "topic", "--numstat"],
    ] {
        assert_same(&branches, args);
    }
}

/// What oxgit does not do yet is refused with a message, never guessed.
#[test]
fn unsupported_forms_are_refused() {
    let root = fixture("status-cases");
    for (dir, args) in [
        (root.join("basic"), &["diff", "-R"][..]),
        (root.join("basic"), &["diff", "-B", "HEAD"]),
        (root.join("conflict"), &["diff"]),
    ] {
        let mut c = oxgit_cmd(&dir);
        c.args(args);
        let out = run(c, b"");
        assert_eq!(out.status.code(), Some(128), "{args:?}");
        assert!(out.stdout.is_empty(), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("not yet supported"), "{args:?}: {err}");
    }
}

/// `Workspace::changes_against`: tracked changes and untracked files (standard
/// excludes), renames included, as git lists them once every untracked file is added
/// with `git add -N` (on a copy of the work tree).
#[test]
fn workspace_changes_against_a_revision() {
    use oxgit::api::{DiffOptions, Workspace};
    let root = fixture("wtdiff-cases");
    for sub in ["renames", "branches", "attrs"] {
        let src = root.join(sub);
        let copy = common::scratch_dir().join(format!("wtdiff-ita-{sub}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&copy);
        let st = std::process::Command::new("cp")
            .arg("-a")
            .arg(&src)
            .arg(&copy)
            .status()
            .unwrap();
        assert!(st.success());
        common::git(&copy, &["add", "-N", "."]);
        let expected = common::git(&copy, &["diff", "HEAD", "--name-status", "-M"]);
        let repo = oxgit::Repository::discover(&src).unwrap();
        let options = DiffOptions::from_config(repo.config(), repo.hash_kind().hex_len()).unwrap();
        let ws = Workspace::open(&repo).unwrap();
        let got = ws.changes_against(None, &options).unwrap();
        let mut text = Vec::new();
        for c in &got.changes {
            text.push(c.status_letter());
            if let Some(p) = c
                .percent()
                .filter(|_| c.kind == oxgit::diff::ChangeKind::Renamed)
            {
                text.extend_from_slice(format!("{p:03}").as_bytes());
                text.push(b'\t');
                text.extend_from_slice(&c.old_path);
            }
            text.push(b'\t');
            text.extend_from_slice(c.path());
            text.push(b'\n');
        }
        assert_eq!(
            String::from_utf8_lossy(&expected),
            String::from_utf8_lossy(&text),
            "{sub}"
        );
        assert!(got.base.is_some());
        let _ = std::fs::remove_dir_all(&copy);
    }
}

/// `diff --no-index`, and two paths outside any repository, are refused with a message
/// (git would compare the files), never answered with something else.
#[test]
fn no_index_diffs_are_refused() {
    let tmp = tempfile::Builder::new()
        .prefix("no-index-")
        .tempdir_in(scratch_dir())
        .unwrap();
    std::fs::write(tmp.path().join("x1"), "a\nb\n").unwrap();
    std::fs::write(tmp.path().join("x2"), "a\nc\n").unwrap();
    let repo = fixture("basic");
    let x1 = tmp.path().join("x1");
    let x2 = tmp.path().join("x2");
    for (dir, args) in [
        (tmp.path(), vec!["diff", "x1", "x2"]),
        (tmp.path(), vec!["diff", "--no-index", "x1", "x2"]),
        (
            repo.as_path(),
            vec![
                "diff",
                "--no-index",
                x1.to_str().unwrap(),
                x2.to_str().unwrap(),
            ],
        ),
    ] {
        let mut cmd = oxgit_cmd(dir);
        cmd.args(&args);
        let out = run(cmd, b"");
        assert_eq!(out.status.code(), Some(128), "{args:?}");
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("--no-index"),
            "{args:?}"
        );
    }
}
