//! The extra output formats of the diff engine (`--check`, `--compact-summary`,
//! `--dirstat`, `--word-diff`), against git byte for byte and exit status, on commits,
//! the index and the work tree.

mod common;

use common::{assert_same, fixture};

/// `--check` in every command that shows diffs, with the status rules of `--exit-code`
/// and `--quiet`.
#[test]
fn check_reports_whitespace_errors_as_git() {
    let dir = fixture("diff-outputs");
    for args in [
        &["diff", "--check"][..],
        &["diff", "--check", "--exit-code"],
        &["diff", "--check", "--quiet"],
        &["diff", "--check", "--cached"],
        &["diff", "--check", "HEAD"],
        &["diff", "--check", "HEAD~3", "HEAD~2"],
        &["diff", "--check", "HEAD~2", "HEAD~1"],
        &["diff", "--check", "HEAD~1", "HEAD"],
        &["diff", "--check", "HEAD~3", "HEAD"],
        &["diff", "--check", "-R", "HEAD~3", "HEAD~2"],
        &["diff", "--check", "--stat", "-p", "HEAD~3", "HEAD~2"],
        &["diff", "--check", "--exit-code", "HEAD~3", "HEAD~2"],
        &["diff", "--check", "HEAD~3", "HEAD~2", "--", "src"],
        &["log", "--check"],
        &["log", "--check", "--oneline"],
        &["log", "--check", "--format=%s"],
        &["log", "--check", "-p", "--stat"],
        &["show", "--check"],
        &["show", "--check", "HEAD~1"],
        &["show", "--check", "HEAD~2", "--stat"],
        &["show", "--check", "--oneline", "HEAD~2"],
        &["diff-tree", "--check", "HEAD~2"],
        &["diff-tree", "--check", "-r", "HEAD~1"],
        &["diff-tree", "--check", "-v", "HEAD~2"],
        &["diff-tree", "--check", "-v", "HEAD~1"],
        &["diff-tree", "--check", "--root", "HEAD~3"],
        &["diff-tree", "--check", "HEAD~3", "HEAD"],
    ] {
        assert_same(&dir, args);
    }
}

/// `core.whitespace` rules: each one on and off, `tabwidth`, unknown names ignored.
#[test]
fn check_follows_core_whitespace() {
    let dir = fixture("diff-outputs");
    for rule in [
        "tab-in-indent",
        "indent-with-non-tab",
        "indent-with-non-tab,tabwidth=4",
        "cr-at-eol",
        "-blank-at-eol",
        "-blank-at-eof",
        "-space-before-tab",
        "-trailing-space",
        "trailing-space,-blank-at-eof",
        "bogus,cr-at-eol",
        "tab-in-indent,-space-before-tab",
    ] {
        let config = format!("core.whitespace={rule}");
        for range in [["HEAD~3", "HEAD~2"], ["HEAD~1", "HEAD"]] {
            assert_same(
                &dir,
                &["-c", &config, "diff", "--check", range[0], range[1]],
            );
        }
    }
}

/// git refuses contradicting rules and mixing `--check` with name listings.
#[test]
fn check_errors_as_git() {
    let dir = fixture("diff-outputs");
    for args in [
        &["diff", "--check", "--name-only", "HEAD~3", "HEAD~2"][..],
        &["diff", "--check", "--name-status", "HEAD~3", "HEAD~2"],
    ] {
        common::assert_same_stderr(&dir, args);
    }
    let out = common::run(
        {
            let mut c = common::oxgit_cmd(&dir);
            c.args([
                "-c",
                "core.whitespace=tab-in-indent,indent-with-non-tab",
                "diff",
                "--check",
                "HEAD~3",
                "HEAD~2",
            ]);
            c
        },
        b"",
    );
    assert_eq!(out.status.code(), Some(128));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot enforce both"));
}

/// The commands that show diffs, each with `extra` (the `diff-words` fixture's first
/// parents: HEAD~3 base, HEAD~2 edits, HEAD~1 removals, HEAD a merge; then the index
/// and the work tree).
fn every_command(dir: &std::path::Path, extra: &[&str]) {
    let commands: &[&[&str]] = &[
        &["diff"],
        &["diff", "--cached"],
        &["diff", "HEAD~2"],
        &["diff", "HEAD~3", "HEAD~2"],
        &["diff", "HEAD~2", "HEAD~1"],
        &["diff", "-M", "HEAD~3", "HEAD"],
        &["diff", "-B", "HEAD~3", "HEAD~2"],
        &["diff", "-R", "HEAD~3", "HEAD~2"],
        &["diff", "HEAD~3", "HEAD", "--", "src", "top"],
        &["log"],
        &["log", "--format=%s", "--cc"],
        &["log", "--oneline", "-m", "--first-parent"],
        &["log", "-m"],
        &["show", "-m", "--format=%s"],
        &["show"],
        &["show", "HEAD~1"],
        &["show", "HEAD~2", "--format=%h %s"],
        &["diff-tree", "HEAD~1"],
        &["diff-tree", "-r", "HEAD~2"],
        &["diff-tree", "--root", "HEAD~3"],
        &["diff-tree", "--cc", "HEAD"],
        &["diff-tree", "-m", "-r", "HEAD"],
    ];
    for c in commands {
        let mut args = c.to_vec();
        args.splice(1..1, extra.iter().copied());
        assert_same(dir, &args);
    }
}

/// Combined diffs in colour (git ignores `--word-diff` for them, but `--color-words`
/// turns colour on): meta lines (a bare `mode` line starts uncoloured), `@@@` headers
/// with function names, lost, added and context lines; also a tab after a name with
/// a space comes after the reset, in patches too.
#[test]
fn combined_diffs_coloured_as_git() {
    let dir = fixture("log-merges");
    for args in [
        &["log", "--cc", "--color"][..],
        &["log", "-c", "--color", "--format=%s"],
        &["log", "--cc", "--color", "-U1", "--format=%s"],
        &["log", "--cc", "--color-words", "--format=%s"],
        &["log", "--cc", "--color", "-U0", "--format=%s"],
        &[
            "log",
            "--cc",
            "--color",
            "--combined-all-paths",
            "-M",
            "--format=%s",
        ],
        &["log", "--cc", "--color", "-W", "--format=%s"],
        &["log", "--color", "-p", "--format=%s"],
        &[
            "-c",
            "color.diff.frag=yellow",
            "-c",
            "color.diff.func=blue",
            "-c",
            "color.diff.context=red",
            "-c",
            "color.diff.meta=green",
            "log",
            "--cc",
            "--color",
            "--format=%s",
        ],
    ] {
        assert_same(&dir, args);
    }
}

/// `--compact-summary`: the stat names with `(new)`, `(gone)`, `(new +x)`, `(new +l)`,
/// `(mode +x)`, `(mode -x)`, `(mode -l)` (renames never `new`), their width effects, and
/// with the other stat sections.
#[test]
fn compact_summary_as_git() {
    let dir = fixture("diff-words");
    every_command(&dir, &["--compact-summary"]);
    for extra in [
        &["--compact-summary", "--numstat"][..],
        &["--compact-summary", "--stat=50,20"],
        &["--compact-summary", "--stat-count=3"],
        &["--compact-summary", "--summary", "-p"],
        &["--compact-summary", "--shortstat"],
        &["--compact-summary", "--no-compact-summary"],
        &["--compact-summary", "--name-only"],
        &["--compact-summary", "-z"],
        &["--compact-summary", "--color"],
    ] {
        for range in [["HEAD~3", "HEAD~2"], ["HEAD~2", "HEAD~1"]] {
            let mut args = vec!["diff"];
            args.extend_from_slice(extra);
            args.extend_from_slice(&range);
            assert_same(&dir, &args);
        }
    }
}

/// `--dirstat` in each mode and its synonyms, the limits, `cumulative`, and where it
/// goes among the other sections (git's separator before the patch differs by mode).
#[test]
fn dirstat_as_git() {
    let dir = fixture("diff-words");
    for params in [
        "--dirstat",
        "--dirstat=lines",
        "--dirstat=files",
        "--dirstat=0",
        "--dirstat=0,cumulative",
        "--dirstat=files,10,cumulative,noncumulative",
        "--dirstat=lines,cumulative,2.5",
        "--dirstat=changes,7.",
        "--dirstat=33.33",
        "--dirstat=",
        "-X",
        "-X0",
        "-Xlines,0",
        "--cumulative",
        "--dirstat-by-file",
        "--dirstat-by-file=0,cumulative",
    ] {
        every_command(&dir, &[params]);
    }
    for extra in [
        &["--dirstat", "-p"][..],
        &["--dirstat=lines", "-p"],
        &["--dirstat=files", "-p"],
        &["--dirstat=lines,100", "-p"],
        &["--dirstat=0", "--stat", "--numstat", "--summary", "-p"],
        &["--dirstat=lines,0", "--shortstat", "--summary"],
        &["--dirstat", "--raw"],
        &["--dirstat", "--name-status"],
        &["--dirstat=0", "-w"],
        &["--dirstat=lines,0", "-w"],
    ] {
        for range in [
            ["HEAD~3", "HEAD~2"],
            ["HEAD~2", "HEAD~1"],
            ["HEAD~3", "HEAD"],
        ] {
            let mut args = vec!["diff"];
            args.extend_from_slice(extra);
            args.extend_from_slice(&range);
            assert_same(&dir, &args);
        }
        let mut args = vec!["log", "--format=%s"];
        args.extend_from_slice(extra);
        assert_same(&dir, &args);
    }
}

/// `diff.dirstat` (wrong parameters are warned about and the others used, in every
/// command), the command line over it, and git's error for a wrong parameter.
#[test]
fn dirstat_config_and_errors_as_git() {
    let dir = fixture("diff-words");
    for config in [
        "diff.dirstat=lines,0",
        "diff.dirstat=files,cumulative",
        "diff.dirstat=bogus,lines,1.5",
        "diff.dirstat=10x",
    ] {
        for args in [
            &["diff", "--dirstat", "HEAD~3", "HEAD~2"][..],
            &["diff", "--dirstat=changes", "HEAD~3", "HEAD~2"],
            &["log", "--dirstat", "--format=%s"],
            &["show", "-X", "HEAD~2"],
            &["diff-tree", "--dirstat", "HEAD~2"],
            &["diff", "HEAD~3", "HEAD~2"],
        ] {
            let mut a = vec!["-c", config];
            a.extend_from_slice(args);
            assert_same(&dir, &a);
        }
    }
    // A commit (or a merge's parent) whose dirstat shows no directory keeps git's
    // separator; so does one without whitespace errors under `--check`.
    for args in [
        &["log", "--dirstat=50"][..],
        &["log", "-m", "--dirstat=lines,50", "--format=%s"],
        &["show", "-m", "--dirstat=50"],
        &["diff-tree", "-m", "--dirstat=50", "HEAD"],
        &["log", "-m", "--check", "--format=%s"],
    ] {
        assert_same(&dir, args);
    }
    for bad in [
        "--dirstat=bogus",
        "--dirstat=5y,x",
        "--dirstat=lines,",
        "-X+5",
    ] {
        assert_same(&dir, &["diff", bad, "HEAD~3", "HEAD~2"]);
        assert_same(&dir, &["log", bad]);
    }
}

/// `--word-diff` in each mode, `--color-words`, word regexes, in every command.
#[test]
fn word_diff_as_git() {
    let dir = fixture("diff-words");
    for mode in [
        &["--word-diff"][..],
        &["--word-diff=plain"],
        &["--word-diff=porcelain"],
        &["--word-diff=color"],
        &["--color-words"],
        &["--word-diff", "--color"],
        &["--word-diff=porcelain", "--color"],
        &["--word-diff=none"],
        &["--word-diff", "-p"],
        &["--word-diff=porcelain", "-p"],
        &["--color-words", "-p", "--stat"],
        &["--word-diff-regex=[a-z]+|[^[:space:]]"],
        &["--color-words=."],
        &["--word-diff=porcelain", "--word-diff-regex=[[:alnum:]]+"],
    ] {
        every_command(&dir, mode);
    }
}

/// Word diffs with context sizes, whitespace options, stats, colour slots, config, and
/// the order of the word flags.
#[test]
fn word_diff_options_as_git() {
    let dir = fixture("diff-words");
    let sets: &[&[&str]] = &[
        &["--word-diff", "-U0"],
        &["--word-diff", "-U1"],
        &["--word-diff=porcelain", "-U0"],
        &["--word-diff", "-U10", "--inter-hunk-context=2"],
        &["--word-diff", "-W"],
        &["--word-diff", "-w"],
        &["--word-diff=porcelain", "-b"],
        &["--word-diff", "--stat", "--summary"],
        &["--word-diff", "--numstat", "-p"],
        &["--word-diff", "--histogram"],
        &["--word-diff", "--no-prefix"],
        &["--word-diff=color", "--no-color"],
        &["--color-words", "--color=never"],
        &["--no-color", "--color-words"],
        &["--word-diff-regex=x", "--color-words"],
        &["--word-diff-regex=[^[:space:]]", "--word-diff=none"],
        &["--word-diff", "--word-diff-regex=^.|.$"],
        &["--word-diff", "--word-diff-regex=[0-9]*"],
        &["--word-diff", "--word-diff-regex=.*"],
        // POSIX leftmost-longest: the longer alternatives win.
        &[
            "--word-diff",
            "--word-diff-regex=[a-z]|[a-z]+[,.!]?|[^[:space:]]",
        ],
        &["--word-diff=porcelain", "--word-diff-regex=(a|ab|abc)*|."],
        &["-c", "diff.wordRegex=[a-z]", "--word-diff"],
        &["-c", "diff.wordRegex=[a-z]", "--color-words"],
        &["-c", "diff.wordRegex=[a-z]", "--word-diff-regex=[^ ]+"],
        &[
            "-c",
            "diff.suppressBlankEmpty=true",
            "--word-diff=porcelain",
        ],
        &["-c", "diff.suppressBlankEmpty=true", "--word-diff", "-U5"],
        &["-c", "color.diff.context=yellow", "--color-words", "-U5"],
        &["-c", "color.ui=never", "--color-words"],
        &["-c", "color.diff=always", "--word-diff=porcelain"],
        &["--word-diff", "--patch-with-raw"],
        &[
            "-c",
            "color.diff.old=blue bold",
            "-c",
            "color.diff.new=ul",
            "-c",
            "color.diff.context=reverse",
            "--word-diff=porcelain",
            "--color",
            "-U5",
        ],
    ];
    for set in sets {
        // `-c` options go before the command.
        let (config, flags): (Vec<&str>, Vec<&str>) = {
            let mut config = Vec::new();
            let mut flags = Vec::new();
            let mut it = set.iter();
            while let Some(&a) = it.next() {
                if a == "-c" {
                    config.push(a);
                    config.push(it.next().copied().unwrap_or_default());
                } else {
                    flags.push(a);
                }
            }
            (config, flags)
        };
        for tail in [
            &["HEAD~3", "HEAD~2"][..],
            &["HEAD~2", "HEAD~1"],
            &["HEAD~3", "HEAD"],
            &[],
            &["HEAD"],
        ] {
            let mut args = config.clone();
            args.push("diff");
            args.extend_from_slice(&flags);
            args.extend_from_slice(tail);
            assert_same(&dir, &args);
        }
        let mut args = config.clone();
        args.extend_from_slice(&["log", "--format=%s"]);
        args.extend_from_slice(&flags);
        assert_same(&dir, &args);
    }
    // `diff.wordRegex` is porcelain config: `diff-tree` does not read it.
    for cmd in [
        &["diff-tree", "-p", "HEAD~2"][..],
        &["show", "HEAD~2"],
        &["log", "-p"],
    ] {
        for word in ["--word-diff", "--color-words", "--word-diff-regex=[a-z]+"] {
            let mut args = vec!["-c", "diff.wordRegex=[a-z]"];
            args.extend_from_slice(cmd);
            args.push(word);
            assert_same(&dir, &args);
        }
    }
    for args in [
        &["diff", "--word-diff", "--exit-code", "HEAD~3", "HEAD~2"][..],
        &["diff", "--word-diff", "--quiet"],
        &["diff", "--dirstat", "--exit-code", "HEAD~3", "HEAD~2"],
        &["diff", "--dirstat=50", "--exit-code", "HEAD~2", "HEAD~1"],
        // git 2.47: `--summary` and the changes/files dirstat alone exit 0.
        &["diff", "--summary", "--exit-code", "HEAD~3", "HEAD~2"],
        &["diff", "--dirstat=files", "--summary", "--exit-code"],
        &["diff", "--dirstat=lines", "--exit-code", "--cached"],
        &[
            "diff",
            "--dirstat",
            "--stat",
            "--exit-code",
            "HEAD~3",
            "HEAD~2",
        ],
    ] {
        assert_same(&dir, args);
    }
    for bad in [
        &["--word-diff=bogus"][..],
        &["--word-diff-regex=("],
        &["--color-words=[a"],
    ] {
        let mut args = vec!["diff"];
        args.extend_from_slice(bad);
        args.extend_from_slice(&["HEAD~3", "HEAD~2"]);
        assert_same(&dir, &args);
    }
}
