//! The `diff` attribute (`-diff`, `binary`, `diff`, `diff=<driver>` with
//! `diff.<driver>.binary`) in every diff output, from the work tree's `.gitattributes`,
//! `info/attributes` and `core.attributesFile`; the refusal of drivers oxgit does not
//! implement; and `-L :<funcname>` in `blame` and `log -L`; each against git.

mod common;
use common::*;

/// The paths whose attributes oxgit applies (the textconv and `cpp` ones are refused).
const PATHS: &[&str] = &[
    "--",
    "code.c",
    "plain.txt",
    "nul.dat",
    "sub",
    "f.foo",
    "mov.txt",
    "mov.bin",
    "bin.txt",
];

#[test]
fn diff_attribute_in_every_output_matches_git() {
    let dir = fixture("diff-attributes");
    let formats: &[&[&str]] = &[
        &["-p"],
        &["--stat"],
        &["--numstat"],
        &["--shortstat"],
        &["--dirstat=files,0"],
        &["--summary", "-p"],
        &["--word-diff"],
        &["-G", "Y"],
        &["-G", "B", "--stat"],
        &["-S", "Q"],
        &["--cc"],
        &["-c", "--stat"],
        &["--raw"],
        &["--name-status"],
    ];
    for f in formats {
        let mut a = vec!["log", "--format=%s"];
        a.extend_from_slice(f);
        a.extend_from_slice(PATHS);
        assert_same(&dir, &a);
    }
    for a in [
        &["diff", "main~4", "main"][..],
        &["diff", "--stat", "main~4", "main"],
        &["diff-tree", "-r", "-p", "main~4", "main"],
        &["show", "--format=%s", "main~4"],
        &[
            "-c",
            "diff.foo.binary=false",
            "diff",
            "main~5",
            "main~4",
            "--",
            "f.foo",
        ],
        &[
            "-c",
            "core.attributesFile=/dev/null",
            "diff",
            "main~5",
            "main~4",
            "--",
            "plain.txt",
        ],
    ] {
        let mut a = a.to_vec();
        if a[0] != "-c" {
            a.extend_from_slice(PATHS);
        }
        assert_same(&dir, &a);
    }
}

/// A bare repository has no work tree: only `info/attributes` and the global file.
#[test]
fn bare_repositories_read_info_attributes_and_the_global_file() {
    let src = fixture("diff-attributes");
    let tmp = tempfile::Builder::new()
        .prefix("attr-bare-")
        .tempdir_in(scratch_dir())
        .unwrap();
    let bare = tmp.path().join("r.git");
    git(
        tmp.path(),
        &["clone", "-q", "--bare", src.to_str().unwrap(), "r.git"],
    );
    assert_same(&bare, &["log", "-p", "--format=%s", "main"]);
    std::fs::create_dir_all(bare.join("info")).unwrap();
    std::fs::write(bare.join("info/attributes"), "*.txt -diff\nnul.dat diff\n").unwrap();
    assert_same(&bare, &["log", "-p", "--format=%s", "main"]);
    assert_same(&bare, &["log", "--numstat", "--format=%s", "main"]);
    let global = tmp.path().join("global-attributes");
    std::fs::write(&global, "code.c -diff\n").unwrap();
    let key = format!("core.attributesFile={}", global.display());
    assert_same(&bare, &["-c", &key, "log", "--stat", "--format=%s", "main"]);
}

/// Diffs that read the index (against the index or the work tree) read a
/// `.gitattributes` missing from the work tree from the index; diffs of commits do not.
#[test]
fn index_attributes_apply_where_git_reads_the_index() {
    let src = fixture("diff-attributes");
    let tmp = tempfile::Builder::new()
        .prefix("attr-index-")
        .tempdir_in(scratch_dir())
        .unwrap();
    git(tmp.path(), &["clone", "-q", src.to_str().unwrap(), "w"]);
    let w = tmp.path().join("w");
    git(&w, &["config", "diff.foo.binary", "true"]);
    std::fs::remove_file(w.join(".gitattributes")).unwrap();
    std::fs::write(w.join("plain.txt"), "edited\n").unwrap();
    std::fs::write(w.join("sub/s.txt"), "edited\n").unwrap();
    std::fs::write(w.join("f.foo"), "edited\n").unwrap();
    // The nested file stays in the work tree; the top one is read from the index.
    for a in [
        &["diff", "--stat"][..],
        &["diff", "--numstat"],
        &["diff", "-p", "main~5"],
        &["diff", "--cached", "--stat", "main~5"],
        &["diff", "--stat", "main~5", "main"],
        &["log", "--stat", "--format=%s", "-2"],
    ] {
        let mut a = a.to_vec();
        a.extend_from_slice(PATHS);
        assert_same(&w, &a);
    }
    // Gone from the index too: neither applies.
    git(&w, &["rm", "-q", "--cached", ".gitattributes"]);
    assert_same(&w, &["diff", "--stat", "main~5"]);
}

#[test]
fn drivers_oxgit_does_not_run_are_refused() {
    let dir = fixture("diff-attributes");
    for a in [
        &["diff", "main~5", "main~4", "--", "f.cv"][..],
        &["log", "-p", "--", "f.cpp"],
        &["log", "--stat", "--", "f.cv"],
        &[
            "-c",
            "diff.foo.xfuncname=^x",
            "show",
            "main~4",
            "--",
            "f.foo",
        ],
        &[
            "-c",
            "attr.tree=HEAD",
            "diff",
            "main~5",
            "main~4",
            "--",
            "plain.txt",
        ],
    ] {
        let mut c = oxgit_cmd(&dir);
        c.args(a);
        let out = run(c, b"");
        assert_eq!(out.status.code(), Some(128), "{a:?}");
        assert!(out.stdout.is_empty(), "{a:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("not supported"), "{a:?}: {err}");
    }
    // Outputs that never look at the contents do not need the driver.
    assert_same(
        &dir,
        &["log", "--raw", "--format=%s", "--", "f.cv", "f.cpp"],
    );
    assert_same(
        &dir,
        &["diff", "--name-status", "main~5", "main", "--", "f.cv"],
    );
}

#[test]
fn funcname_ranges_match_git() {
    let dir = fixture("diff-attributes");
    for r in [
        ":main",
        ":helper",
        "^:helper",
        ":_under",
        ":dollar",
        ":indented",
        ":int",
        ":\\(",
        ":helper2",
        ":r",
        ":^s",
    ] {
        assert_same(&dir, &["blame", "-L", r, "code.c"]);
        assert_same(
            &dir,
            &["blame", "--porcelain", "-L", "1,2", "-L", r, "code.c"],
        );
        let spec = format!("{r}:code.c");
        assert_same(&dir, &["log", "-L", &spec, "--format=%s"]);
        assert_same(&dir, &["log", "-L", &spec, "-s", "--oneline"]);
        assert_same(
            &dir,
            &["log", "-L", "12,13:code.c", "-L", &spec, "--format=%s"],
        );
    }
    for a in [
        &["blame", "-L", ":nomatch", "code.c"][..],
        &["blame", "-L", ":[", "code.c"],
        &["log", "-L", ":nomatch:code.c"],
        &["log", "-L", ":main"],
        &["log", "-L", ":main:"],
        &["log", "-L", ":main:nosuch.c"],
        &["log", "-L", "10,11:code.c", "-L", ":help:er:code.c"],
        &["blame", "-L", "5,6", "-L", ":main", "code.c"],
    ] {
        assert_same(&dir, a);
    }
}
