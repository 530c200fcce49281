//! Each diff-related config key oxgit honours × `diff -p`, `diff --stat`, `diff --numstat`,
//! `log -p`, `log --stat`, compared with git byte for byte, on one repository per key
//! (a copy of `fixtures/diff-matrix.sh` with the key set in its config).

mod common;
use common::*;
use std::path::{Path, PathBuf};

const KEYS: &[(&str, &str)] = &[
    ("diff.renames", "false"),
    ("diff.renames", "copies"),
    ("diff.renames", "true"),
    ("diff.renameLimit", "1"),
    ("diff.algorithm", "histogram"),
    ("diff.algorithm", "patience"),
    ("diff.algorithm", "minimal"),
    ("diff.context", "0"),
    ("diff.context", "8"),
    ("diff.interHunkContext", "6"),
    ("diff.indentHeuristic", "false"),
    ("diff.noprefix", "true"),
    ("diff.mnemonicPrefix", "true"),
    ("diff.srcPrefix", "SRC/"),
    ("diff.dstPrefix", "DST/"),
    ("diff.suppressBlankEmpty", "true"),
    ("diff.statNameWidth", "12"),
    ("diff.statGraphWidth", "6"),
    ("core.quotePath", "false"),
    ("core.abbrev", "4"),
    ("core.abbrev", "12"),
    ("core.abbrev", "no"),
];

const COMMANDS: &[&[&str]] = &[
    &["diff", "-p", "c0", "c3"],
    &["diff", "--stat", "c0", "c3"],
    &["diff", "--numstat", "c0", "c3"],
    &["diff", "--raw", "c0", "c2"],
    &["diff", "--summary", "--stat", "-p", "c1", "c3"],
    &["log", "-p"],
    &["log", "--stat"],
    &["log", "--numstat", "--format=%h"],
];

fn with_config(base: &Path, key: &str, value: &str) -> PathBuf {
    let value_name: String = value
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    let dir = scratch_dir().join(format!(
        "matrix-{}-{key}-{value_name}-{}",
        base.file_name().unwrap().to_string_lossy(),
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    copy_dir(base, &dir);
    git(&dir, &["config", key, value]);
    dir
}

#[test]
fn every_key_times_every_format_matches_git() {
    let base = fixture("diff-matrix");
    for cmd in COMMANDS {
        assert_same(&base, cmd);
    }
    for (key, value) in KEYS {
        let dir = with_config(&base, key, value);
        for cmd in COMMANDS {
            assert_same(&dir, cmd);
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }
}

#[test]
fn zero_prefixed_gitlink_keeps_its_index_line() {
    let dir = fixture("diff-matrix");
    let out = assert_same(&dir, &["diff", "c1", "c2"]);
    assert!(
        String::from_utf8_lossy(&out).contains("index 0000000..0000000\n"),
        "{}",
        String::from_utf8_lossy(&out)
    );
    assert_same(&dir, &["diff", "c2", "c1"]);
    assert_same(&dir, &["log", "-p", "-1", "c2"]);
}

#[test]
fn stat_width_of_emoji_and_combining_marks_matches_git() {
    let dir = fixture("diff-matrix");
    for cmd in [
        &["diff", "--stat", "c0", "c1"][..],
        &["diff", "--stat=40", "c0", "c1"],
        &["diff", "--stat", "--stat-name-width=8", "c0", "c1"],
    ] {
        assert_same(&dir, cmd);
    }
    let dir = with_config(&dir, "core.quotePath", "false");
    for cmd in [
        &["diff", "--stat", "c0", "c1"][..],
        &["diff", "--stat=40", "c0", "c1"],
        &["diff", "--stat-name-width=9", "c0", "c1"],
        &["log", "--stat", "--format=%s"],
    ] {
        assert_same(&dir, cmd);
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn stat_width_matches_git_across_unicode() {
    // One file per sampled code point, named `x<hex><char>`; `--stat` pads every name to
    // the widest, so each name's width shows in its padding.
    check_git_version();
    let dir = tempfile::tempdir().unwrap();
    git(dir.path(), &["init", "-q"]);
    git(dir.path(), &["config", "core.quotePath", "false"]);
    let mut cps: Vec<u32> = (0xa0..0x2000).step_by(3).collect();
    cps.extend((0x1100..0x1210).step_by(1));
    cps.extend((0x2e80..0x3400).step_by(7));
    cps.extend((0xa000..0xd7b0).step_by(97));
    cps.extend((0xfe00..0xff70).step_by(2));
    cps.extend((0x1f000..0x1fb00).step_by(3));
    cps.extend([
        0xad, 0x200b, 0x2060, 0x20000, 0x2fffd, 0x30000, 0x3fffd, 0xe0001, 0xe0100, 0x1fae9,
    ]);
    let mut n = 0;
    for cp in cps {
        let Some(c) = char::from_u32(cp) else {
            continue;
        };
        let name = format!("x{cp:06X}{c}");
        if std::fs::write(dir.path().join(&name), "x\n").is_ok() {
            n += 1;
        }
    }
    assert!(n > 3000, "{n} files");
    git(dir.path(), &["add", "-A"]);
    git(dir.path(), &["commit", "-q", "-m", "names"]);
    assert_same(dir.path(), &["log", "--stat", "--format="]);
    assert_same(dir.path(), &["log", "--stat=60,30", "--format="]);
}
