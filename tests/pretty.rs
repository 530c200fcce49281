//! `oxgit log` formats, dates, mailmap and filters against `git log`, byte for byte and
//! exit status too, on the `pretty` fixture (odd messages, an ISO-8859-1 commit, notes,
//! tags, a merge, a `.mailmap` with all four forms). "Now" is fixed with
//! `GIT_TEST_DATE_NOW`, which git and oxgit both honour, so relative dates are
//! deterministic.

mod common;
use common::*;
use std::path::Path;

/// A fixed "now", a little after the fixture's last commit.
const NOW: &str = "1700003600";

fn same(dir: &Path, args: &[&str]) {
    same_env(dir, args, &[]);
}

fn same_env(dir: &Path, args: &[&str], env: &[(&str, &str)]) {
    let mut g = git_cmd(dir);
    g.args(args).env("GIT_TEST_DATE_NOW", NOW);
    let mut o = oxgit_cmd(dir);
    o.args(args).env("GIT_TEST_DATE_NOW", NOW);
    for (k, v) in env {
        g.env(k, v);
        o.env(k, v);
    }
    let expected = run(g, b"");
    let actual = run(o, b"");
    assert_eq!(
        String::from_utf8_lossy(&expected.stdout),
        String::from_utf8_lossy(&actual.stdout),
        "stdout differs for {args:?} {env:?}\noxgit stderr: {}",
        String::from_utf8_lossy(&actual.stderr)
    );
    assert_eq!(expected.stdout, actual.stdout, "bytes differ for {args:?}");
    assert_eq!(
        expected.status.code(),
        actual.status.code(),
        "exit code differs for {args:?}\ngit: {}\noxgit: {}",
        String::from_utf8_lossy(&expected.stderr),
        String::from_utf8_lossy(&actual.stderr)
    );
}

/// Every placeholder git documents (and some it does not know, which both echo).
const PLACEHOLDERS: &[&str] = &[
    "%H",
    "%h",
    "%T",
    "%t",
    "%P",
    "%p",
    "%an",
    "%aN",
    "%ae",
    "%aE",
    "%al",
    "%aL",
    "%ad",
    "%aD",
    "%ar",
    "%at",
    "%ai",
    "%aI",
    "%as",
    "%ah",
    "%cn",
    "%cN",
    "%ce",
    "%cE",
    "%cl",
    "%cL",
    "%cd",
    "%cD",
    "%cr",
    "%ct",
    "%ci",
    "%cI",
    "%cs",
    "%ch",
    "%d",
    "%D",
    "%S",
    "%e",
    "%s",
    "%f",
    "%b",
    "%B",
    "%N",
    "%G?",
    "%GG",
    "%GS",
    "%GK",
    "%GF",
    "%GP",
    "%GT",
    "%gD",
    "%gd",
    "%gn",
    "%gN",
    "%ge",
    "%gE",
    "%gs",
    "%m",
    "%n",
    "%%",
    "%x00",
    "%x41",
    "%xZZ",
    "%C(red)",
    "%Cred",
    "%Cgreen",
    "%Cblue",
    "%Creset",
    "%C(auto)",
    "%C(always,bold blue)",
    "%C(always,#ff0000 ul)",
    "%(trailers)",
    "%(trailers:only)",
    "%(trailers:unfold)",
    "%(trailers:only,unfold)",
    "%(trailers:key=Acked-by)",
    "%(trailers:key=fixes,valueonly)",
    "%(trailers:separator=%x2c ,key_value_separator=%x3d)",
    "%(trailers:keyonly)",
    "%(trailers:bogus)",
    "%(decorate)",
    "%(decorate:prefix=[,suffix=],separator=;)",
    "%(decorate:pointer=>>,tag=T=)",
    "%z",
    "%q",
    "%(count)",
    "%(nope)",
    "%a",
    "%ax",
    "%",
    "%<(8)%h",
    "%>(12)%an",
    "%><(12)%an",
    "%<(6,trunc)%s",
    "%<(6,ltrunc)%s",
    "%<(6,mtrunc)%s",
    "%<|(30)%s",
    "%>>(6)%an",
    "%+s",
    "%-s",
    "% s",
    "%+b",
    "%-b",
    "% b",
    "%+N",
    "%+w(10)",
    "%w(20,2,4)%s%w(0)",
    "%w(12)%b",
    "%w(x)",
    "%<(x)%h",
];

#[test]
fn every_placeholder_matches_git() {
    let dir = fixture("pretty");
    for p in PLACEHOLDERS {
        let f = format!("--format=[{p}]");
        same(&dir, &["log", &f, "main", "side"]);
    }
    same(&dir, &["log", "--format=%H %S", "main", "side"]);
}

#[test]
fn builtin_formats_match_git() {
    let dir = fixture("pretty");
    for f in [
        "oneline",
        "short",
        "medium",
        "full",
        "fuller",
        "reference",
        "raw",
        "email",
        "mboxrd",
        "med",
        "ful",
        "o",
    ] {
        same(&dir, &["log", &format!("--format={f}"), "main", "side"]);
        same(&dir, &["log", &format!("--pretty={f}")]);
    }
    for args in [
        &["log"][..],
        &["log", "main", "side"],
        &["log", "--oneline"],
        &["log", "--oneline", "--decorate", "main", "side"],
        &["log", "--decorate=full", "-3"],
        &["log", "--no-decorate", "-3"],
        &["log", "--pretty"],
        &["log", "--format="],
        &["log", "--format=", "--numstat"],
        &["log", "--format=format:%h", "-3"],
        &["log", "--format=tformat:%h", "-3"],
        &["log", "--format=%h"],
        &["log", "--format=bogus"],
        &["log", "--abbrev-commit", "-2"],
        &["log", "--abbrev=10", "--format=%h %p", "-3"],
        &["log", "--no-abbrev", "--oneline", "-2"],
        &["log", "--expand-tabs=4", "-n", "10"],
        &["log", "--no-expand-tabs"],
        &["log", "--notes", "--oneline"],
        &["log", "--no-notes"],
        &["log", "--use-mailmap", "--format=short"],
        &["log", "--no-use-mailmap"],
        &["log", "--format=%an|%aN|%ae|%aE", "--no-mailmap"],
    ] {
        same(&dir, args);
    }
}

#[test]
fn every_date_mode_matches_git() {
    let dir = fixture("pretty");
    for mode in [
        "relative",
        "local",
        "iso",
        "iso8601",
        "iso-strict",
        "iso8601-strict",
        "rfc",
        "rfc2822",
        "short",
        "raw",
        "human",
        "unix",
        "default",
        "default-local",
        "iso-local",
        "raw-local",
        "rfc-local",
        "short-local",
        "human-local",
        "unix-local",
        "relative-local",
        "format:%Y-%m-%d %H:%M:%S %z|%a %A %b %B %e %j %u %w %y %C %G %V %U %W|%%|%s|%Z",
        "format:%c|%D|%F|%T|%R|%r|%p|%I|%l|%k|%-d|%_m|%05Y|%^a|%#b|%n|%t",
        "format-local:%Y-%m-%d %H:%M %z %Z",
        "auto:iso",
        "bogus",
        "format",
        "iso-localx",
    ] {
        same(
            &dir,
            &["log", &format!("--date={mode}"), "--format=%ad|%cd"],
        );
        same(&dir, &["log", &format!("--date={mode}"), "-2"]);
    }
    for tz in [
        "UTC",
        "America/New_York",
        "Asia/Kolkata",
        "EST5EDT",
        "Europe/Berlin",
    ] {
        for mode in [
            "local",
            "iso-local",
            "human",
            "format-local:%c %Z %z",
            "default",
        ] {
            same_env(
                &dir,
                &["log", &format!("--date={mode}"), "--format=%ad|%cd"],
                &[("TZ", tz)],
            );
        }
    }
    for now in [
        "1700000000",
        "1700090000",
        "1700600000",
        "1705000000",
        "1740000000",
        "1900000000",
    ] {
        same_env(
            &dir,
            &["log", "--format=%ar|%cr|%ah"],
            &[("GIT_TEST_DATE_NOW", now)],
        );
        same_env(
            &dir,
            &["log", "--date=human", "-3"],
            &[("GIT_TEST_DATE_NOW", now)],
        );
    }
}

#[test]
fn filters_match_git() {
    let dir = fixture("pretty");
    for args in [
        &["log", "--format=%h %s", "--author=one"][..],
        &["log", "--format=%h %s", "--author=Proper"],
        &[
            "log",
            "--format=%h %s",
            "--author=Proper",
            "--no-use-mailmap",
        ],
        &["log", "--format=%h %s", "--author", "Thor"],
        &["log", "--format=%h %s", "--author=Two", "--author=Zed"],
        &["log", "--format=%h %s", "--committer=Mitter"],
        &[
            "log",
            "--format=%h %s",
            "--author=Thor",
            "--committer=Mitter",
        ],
        &["log", "--format=%h %s", "--grep=side"],
        &["log", "--format=%h %s", "--grep=^side"],
        &["log", "--format=%h %s", "--grep=SIDE", "-i"],
        &["log", "--format=%h %s", "--grep=side", "--invert-grep"],
        &[
            "log",
            "--format=%h %s",
            "--grep=side",
            "--grep=From",
            "--all-match",
        ],
        &["log", "--format=%h %s", "--grep=side", "--grep=Merge"],
        &["log", "--format=%h %s", "--grep=f.x", "-F"],
        &["log", "--format=%h %s", "--grep=(#12)", "-F"],
        &["log", "--format=%h %s", "--grep=(#1[0-9])", "-E"],
        &["log", "--format=%h %s", "--grep=\\(#1[0-9]\\)"],
        &["log", "--format=%h %s", "--grep=a\\|b"],
        &["log", "--format=%h %s", "--grep=Fixes: #1\\+"],
        &["log", "--format=%h %s", "--grep=Thor"],
        &["log", "--format=%h %s", "--grep=^$"],
        &["log", "--format=%h %s", "--grep=été"],
        &["log", "--format=%h %s", "--grep=\\(", "-E"],
        &["log", "--format=%h %s", "--grep=("],
        &["log", "--format=%h %s", "--merges"],
        &["log", "--format=%h %s", "--no-merges"],
        &["log", "--format=%h %s", "--min-parents=2"],
        &["log", "--format=%h %s", "--max-parents=0"],
        &["log", "--format=%h %s", "--skip=2", "-n", "3"],
        &["log", "--format=%h %s", "--reverse", "-n", "4"],
        &["log", "--format=%h %s", "--reverse", "--skip=1"],
        &["log", "--format=%h %s", "-2", "--grep=side"],
        &["log", "--format=%h %s", "--since=@1700000400 +0000"],
        &["log", "--format=%h %s", "--until=@1700000400 +0000"],
        &["log", "--format=%h %s", "--after=2023-11-14 22:20:00"],
        &["log", "--format=%h %s", "--before=2023-11-14T22:20:00Z"],
        &["log", "--format=%h %s", "--since=1 hour ago"],
        &["log", "--format=%h %s", "--since=55.minutes.ago"],
        &["log", "--format=%h %s", "--since=yesterday"],
        &["log", "--format=%h %s", "--since=2 weeks ago"],
        &[
            "log",
            "--format=%h %s",
            "--since=Tue, 14 Nov 2023 22:25:00 +0000",
        ],
        &["log", "--format=%h %s", "--since=Nov 14 2023 22:25"],
        &["log", "--format=%h %s", "--since=2020-09-13"],
        &["log", "--format=%h %s", "--since=garbage"],
        &["log", "--format=%h %s", "--max-age=1700000400"],
        &["log", "--format=%h %s", "--min-age=1700000400"],
        &[
            "log",
            "--format=%h %s",
            "--since=1700000400",
            "--until=1700000700",
        ],
        &["log", "--oneline", "--author=Zed", "--stat"],
    ] {
        same(&dir, args);
    }
}

#[test]
fn pretty_aliases_and_config_match_git() {
    let dir = fixture("pretty");
    let scratch = scratch_dir().join(format!("pretty-cfg-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&scratch);
    let out = std::process::Command::new("cp")
        .arg("-r")
        .arg(&dir)
        .arg(&scratch)
        .output()
        .unwrap();
    assert!(out.status.success());
    for (k, v) in [
        ("pretty.mine", "format:%h by %an"),
        ("pretty.tmine", "%h %s"),
        ("pretty.alias", "mine"),
        ("pretty.loop", "loop"),
        ("log.date", "iso"),
        ("log.abbrevCommit", "true"),
        ("log.decorate", "short"),
        ("grep.patternType", "extended"),
        ("mailmap.file", "/nonexistent/mailmap"),
    ] {
        git(&scratch, &["config", k, v]);
    }
    for args in [
        &["log", "--format=mine"][..],
        &["log", "--format=tmine"],
        &["log", "--format=alias"],
        &["log", "--format=loop"],
        &["log", "-3"],
        &["log", "--oneline"],
        &["log", "--format=%h", "--grep=(#1[0-9])"],
        &["log", "--format=%h", "--grep=side|Merge"],
    ] {
        same(&scratch, args);
    }
    git(&scratch, &["config", "format.pretty", "oneline"]);
    same(&scratch, &["log"]);
    git(&scratch, &["config", "log.mailmap", "false"]);
    same(&scratch, &["log", "--format=short", "-4"]);
    let _ = std::fs::remove_dir_all(&scratch);
}

#[test]
fn refusals_are_clear() {
    let dir = fixture("pretty");
    let args = ["log", "--grep=x", "-P"];
    let mut o = oxgit_cmd(&dir);
    o.args(args);
    let out = run(o, b"");
    assert_eq!(out.status.code(), Some(128), "{args:?}");
    assert!(out.stdout.is_empty(), "{args:?} printed a guess");
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("not supported"),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

mod random {
    use super::*;
    use proptest::prelude::*;

    /// Literal pieces mixed into random formats.
    const LITERALS: &[&str] = &["x", " ", "|", "\t", "%%", "ab cd", "é", "\n"];

    fn piece() -> impl Strategy<Value = String> {
        prop_oneof![
            3 => proptest::sample::select(PLACEHOLDERS).prop_map(str::to_string),
            1 => proptest::sample::select(LITERALS).prop_map(str::to_string),
        ]
    }

    /// Filter options combined at random.
    const FILTERS: &[&[&str]] = &[
        &[],
        &["--no-merges"],
        &["--merges"],
        &["--author=o"],
        &["--grep=e", "-i"],
        &["--grep=^[A-Z]", "--invert-grep"],
        &["--grep=s", "--grep=i", "--all-match"],
        &["--skip=1"],
        &["-n", "3"],
        &["--reverse"],
        &["--since=@1700000500 +0000"],
        &["--until=@1700000500 +0000"],
        &["--committer=Mitter", "-E", "--grep=(fix|side)"],
    ];

    proptest! {
        #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]
        #[test]
        fn random_formats_and_filters_match_git(
            pieces in proptest::collection::vec(piece(), 1..6),
            f1 in 0..FILTERS.len(),
            f2 in 0..FILTERS.len(),
            tformat in any::<bool>(),
        ) {
            let dir = fixture("pretty");
            let body: String = pieces.concat();
            let format = if tformat { format!("--format=tformat:{body}") } else { format!("--format=format:{body}") };
            let mut args = vec!["log", format.as_str(), "main", "side"];
            args.extend_from_slice(FILTERS[f1]);
            args.extend_from_slice(FILTERS[f2]);
            same(&dir, &args);
        }
    }
}
