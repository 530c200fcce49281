//! Arguments that are bytes, not UTF-8, against git 2.47 on `fixtures/bytes-paths.sh`:
//! paths (after `--` and without it), `rev:path` and `:path`, `-C`/`--git-dir`/
//! `--work-tree`, patterns, format strings, `-c` values, names read from standard input,
//! and the error messages that quote them. Each case compares stdout, stderr and the
//! exit status byte for byte.
//!
//! Cases are written as one line: arguments separated by spaces, `\xNN` for a byte (and
//! `\x20` for a space inside an argument), and an optional standard input after ` <<< `
//! (with `\n` for a newline).

mod common;

use common::{fixture, git_cmd, oxgit_cmd, run};
use std::ffi::OsString;
use std::os::unix::ffi::OsStringExt;
use std::path::Path;

/// The bytes `text` spells, with `\xNN` and `\n` escapes.
fn unescape(text: &str) -> Vec<u8> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'\\' && b.get(i + 1) == Some(&b'x') {
            let hex = std::str::from_utf8(&b[i + 2..i + 4]).unwrap();
            out.push(u8::from_str_radix(hex, 16).unwrap());
            i += 4;
        } else if b[i] == b'\\' && b.get(i + 1) == Some(&b'n') {
            out.push(b'\n');
            i += 2;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    out
}

/// Runs one case line with git and oxgit in `dir` and asserts identical stdout, stderr
/// and exit status; returns git's output.
fn same(dir: &Path, case: &str) -> std::process::Output {
    let (line, stdin) = match case.split_once(" <<< ") {
        Some((l, s)) => (l, unescape(s)),
        None => (case, Vec::new()),
    };
    let args: Vec<OsString> = line
        .split(' ')
        .map(|a| OsString::from_vec(unescape(a)))
        .collect();
    let go = |mut c: std::process::Command| {
        c.args(&args);
        run(c, &stdin)
    };
    let (g, o) = (go(git_cmd(dir)), go(oxgit_cmd(dir)));
    let show = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    assert_eq!(
        show(&g.stdout),
        show(&o.stdout),
        "stdout differs for `{case}`\noxgit stderr: {}",
        show(&o.stderr)
    );
    assert_eq!(g.stdout, o.stdout, "stdout bytes differ for `{case}`");
    assert_eq!(g.stderr, o.stderr, "stderr differs for `{case}`");
    assert_eq!(
        g.status.code(),
        o.status.code(),
        "exit status differs for `{case}`"
    );
    g
}

fn all(cases: &[&str]) {
    let dir = fixture("bytes-paths");
    for case in cases {
        same(&dir, case);
    }
}

#[test]
fn paths_after_dashdash() {
    all(&[
        "log --oneline -- caf\\xe9",
        "log --oneline --follow -- caf\\xe9-moved",
        "log --oneline --name-only -- d\\xe9j\\xe0",
        "log --oneline --format=%h\\x20%an -- caf\\xe9 caf\\xe9-moved",
        "log --oneline -- nonexist\\xe9",
        "log --oneline -L 1,2:caf\\xe9-moved",
        "diff HEAD~4 HEAD -- caf\\xe9",
        "diff --stat HEAD~4 HEAD -- d\\xe9j\\xe0/",
        "diff -- d\\xe9j\\xe0/sub",
        "diff-tree -r HEAD~3 HEAD -- bad\\xff\\xfe",
        "show --stat HEAD~3 -- bad\\xff\\xfe",
        "ls-tree HEAD caf\\xe9-moved",
        "ls-tree -r HEAD d\\xe9j\\xe0/",
        "ls-tree HEAD nonexist\\xe9",
        "ls-files caf\\xe9-moved",
        "ls-files d\\xe9j\\xe0",
        "status --short -- untracked\\xe9",
        "status --porcelain=v2 untracked\\xe9",
        "blame caf\\xe9-moved",
        "blame --porcelain caf\\xe9-moved",
        "blame -- resv\\xf4\\x8f\\xbe\\x80",
        "blame nonexist\\xe9",
        "rev-list HEAD -- bad\\xff\\xfe",
        "rev-parse HEAD -- caf\\xe9-moved",
    ]);
}

#[test]
fn paths_without_dashdash() {
    all(&[
        "log --oneline caf\\xe9-moved",
        "log --oneline plain/p.txt",
        "log --oneline HEAD~3 plain/p.txt d\\xe9j\\xe0",
        "log --oneline plain",
        "rev-list HEAD plain/p.txt",
        "rev-list HEAD bad\\xff\\xfe",
        "show --stat HEAD~3 d\\xe9j\\xe0",
        "diff HEAD~4 HEAD caf\\xe9",
        "diff-tree -r HEAD~3 HEAD bad\\xff\\xfe",
        "ls-tree -r HEAD d\\xe9j\\xe0",
        "status --short d\\xe9j\\xe0",
        "rev-parse caf\\xe9-moved",
        // Errors: the first non-revision must be a file, later ones too, and a
        // revision must not also be one.
        "log --oneline nonexist\\xe9",
        "log --oneline plain/p.txt HEAD",
        "log --oneline plain/p.txt nonexist\\xe9",
        "show --oneline --stat HEAD~3 bad\\xff\\xfe nonexist",
        "diff-tree -r HEAD~3 HEAD nonexist\\xe9",
        "rev-parse nonexist\\xe9",
        "log --oneline ^nonexist\\xe9 HEAD",
        "rev-list ^nonexist\\xe9 HEAD plain",
    ]);
}

#[test]
fn quote_path_on_and_off() {
    all(&[
        "log --oneline --name-only -- d\\xe9j\\xe0/",
        "-c core.quotePath=false log --oneline --name-only -- d\\xe9j\\xe0/",
        "-c core.quotePath=false log --oneline --name-status -- bad\\xff\\xfe",
        "-c core.quotePath=false diff-tree -r --name-only HEAD~4 HEAD",
        "-c core.quotePath=false ls-tree -r --name-only HEAD",
        "-c core.quotePath=false show --name-only HEAD~2",
        "-c core.quotePath=false blame --porcelain caf\\xe9-moved",
        "-c core.quotePath=false status --short untracked\\xe9",
        "-c core.quotePath=false ls-files --stage d\\xe9j\\xe0",
        "-c core.quotePath=true ls-files -o",
    ]);
}

#[test]
fn rev_path_and_index_path() {
    all(&[
        "show HEAD:caf\\xe9-moved",
        "show HEAD~1:d\\xe9j\\xe0",
        "show HEAD:resv\\xf4\\x8f\\xbe\\x80",
        "show HEAD:trunc\\xc3",
        "cat-file -p HEAD:caf\\xe9-moved",
        "cat-file -e HEAD:bad\\xff\\xfe",
        "cat-file blob HEAD:bad\\xff\\xfe",
        "cat-file -t HEAD~2:d\\xe9j\\xe0",
        "rev-parse HEAD:caf\\xe9-moved",
        "cat-file -p :caf\\xe9-moved",
        "cat-file -p :0:d\\xe9j\\xe0/f",
        "rev-parse :caf\\xe9-moved",
        "rev-parse :0:plain/p.txt",
        "rev-parse :./plain/p.txt",
        "show :d\\xe9j\\xe0/sub/g",
        "-C d\\xe9j\\xe0 cat-file -p HEAD:./f",
        "-C d\\xe9j\\xe0 cat-file -p :./f",
        "-C d\\xe9j\\xe0 show :sub/g",
        // git's diagnoses, quoting the bytes.
        "cat-file -p HEAD:nonexist\\xe9",
        "show HEAD:untracked\\xe9",
        "log --oneline HEAD:nonexist\\xe9",
        "cat-file -t :nonexist",
        "cat-file -p :untracked\\xe9",
        "cat-file -p :2:d\\xe9j\\xe0/f",
        "rev-parse :nonexist",
        "rev-parse :untracked\\xe9",
        "rev-parse :1:plain/p.txt",
        "rev-parse :plain",
        "show :nonexist\\xe9",
        "log --oneline :nonexist",
        "-C d\\xe9j\\xe0 rev-parse :f",
    ]);
}

#[test]
fn global_options_with_byte_names() {
    all(&[
        "-C d\\xe9j\\xe0 log --oneline -- f",
        "-C d\\xe9j\\xe0 log --oneline -- ../caf\\xe9-moved",
        "-C d\\xe9j\\xe0 rev-parse --show-prefix",
        "-C d\\xe9j\\xe0 rev-parse --show-toplevel",
        "-C d\\xe9j\\xe0/sub rev-parse --show-cdup",
        "-C d\\xe9j\\xe0 rev-parse --git-dir",
        "-C d\\xe9j\\xe0 ls-files",
        "-C d\\xe9j\\xe0 -c core.quotePath=false ls-files",
        "-C d\\xe9j\\xe0 status --short",
        "-C d\\xe9j\\xe0 -c core.quotePath=false status",
        "-C d\\xe9j\\xe0 diff --stat",
        "-C d\\xe9j\\xe0 ls-tree -r HEAD",
        "-C d\\xe9j\\xe0 ls-tree --full-name -r HEAD sub",
        "-C d\\xe9j\\xe0 blame f",
        "-C nonexist\\xe9 log",
        "--git-dir=.git --work-tree=d\\xe9j\\xe0 status --short",
        "--git-dir=.git --work-tree=d\\xe9j\\xe0 ls-files -o",
        // `-c` values are bytes: a format alias holding a Latin-1 byte.
        "-c pretty.x=format:%h\\xe9 log --format=x -1",
        "-c pretty.x=tformat:\\xff%s log --format=x -2",
        // A bad `-c` key is quoted with its bytes.
        "-c caf\\xe9 log",
        "-c a.caf\\xe9=1 log -1 --format=%h",
    ]);
}

#[test]
fn patterns_match_bytes() {
    all(&[
        "log --oneline --grep=caf\\xe9",
        "log --oneline --grep=\\xff",
        "log --oneline -i --grep=CAF\\xe9",
        "log --oneline --author=Ra\\xe9l",
        "log --format=%an --author=\\xff",
        "log --oneline --grep=\\xe9t\\xe9\\x20\\xff --all-match --grep=body",
        "log --oneline -F --grep=\\xe9t",
        "log --oneline --invert-grep --grep=\\xe9",
        "log --oneline -S TWO\\x20caf\\xe9",
        "log --oneline -G caf\\xe9",
        "log --oneline :/caf\\xe9",
        "rev-parse :/raw\\x20caf\\xe9",
        "blame -L /caf\\xe9/,+1 caf\\xe9-moved",
        "log --oneline -L /caf\\xe9/,+1:caf\\xe9-moved",
    ]);
}

#[test]
fn formats_with_literal_bytes() {
    all(&[
        "log --format=%h\\x20\\xe9\\x20%s -2",
        "log --format=tformat:\\xff%n -1",
        "log --format=%an%n%s%n%b -1",
        "show -s --format=%an%x00%s HEAD~2",
        "for-each-ref --format=%(refname)\\xe9",
        "ls-tree --format=\\xe9%(path)\\xff HEAD",
        "cat-file --batch-check=%(objecttype)\\xe9 <<< HEAD\\n",
        "diff --src-prefix=\\xe9/ --dst-prefix=\\xff/ HEAD~4 HEAD -- caf\\xe9",
        "log -1 --date=format:%Y\\xe9 --format=%ad",
        "log -1 --date=format:%Y\\xe9 --format=fuller",
        "blame --date=format:%Y\\xe9 -L 1,2 caf\\xe9-moved",
        "blame -c --date=format:%Y\\xe9 -L 1,2 caf\\xe9-moved",
        "for-each-ref --format=%(creatordate:format:%Y\\xe9)",
        "log -1 --format=%<(12)\\xe9x|",
        "log -1 --format=%w(10,2,4)\\xe9\\xe9\\xe9\\x20\\xe9\\xe9\\xe9\\xe9\\x20\\xe9\\xe9\\xe9\\xe9\\xe9",
        "diff --word-diff-regex=\\xe9 HEAD~4 HEAD -- caf\\xe9",
        "rev-parse --sq-quote caf\\xe9",
        "rev-parse --sq caf\\xe9-moved",
    ]);
}

#[test]
fn names_from_standard_input() {
    all(&[
        "diff-tree -r --stdin -- d\\xe9j\\xe0 <<< HEAD~2\\n",
        "diff-tree --stdin -r --name-only <<< HEAD~2\\nHEAD~3\\n",
        "cat-file --batch <<< HEAD:caf\\xe9-moved\\nHEAD:nonexist\\xe9\\n",
        "cat-file --batch-check <<< HEAD:trunc\\xc3\\n:caf\\xe9-moved\\n:nonexist\\xe9\\n",
    ]);
}

#[test]
fn error_unmatch_quotes_the_pathspec() {
    all(&[
        "ls-files --error-unmatch nonexist\\xe9",
        "ls-files --error-unmatch caf\\xe9-moved nonexist\\xe9 d\\xe9j\\xe0 other",
        "ls-files --error-unmatch -o untracked\\xe9",
        "ls-files --error-unmatch -m d\\xe9j\\xe0/f",
        "-C d\\xe9j\\xe0 ls-files --error-unmatch f g",
    ]);
}

/// The fixture really holds the names the cases are about (so a case cannot pass by
/// both sides failing the same way on a missing file).
#[test]
fn fixture_has_byte_names() {
    let dir = fixture("bytes-paths");
    let names = common::git(&dir, &["ls-files", "-z"]);
    for name in [
        &b"caf\xe9-moved"[..],
        b"d\xe9j\xe0/f",
        b"bad\xff\xfe",
        b"trunc\xc3",
        "na\u{ef}ve.txt".as_bytes(),
        "resv\u{10FF80}".as_bytes(),
    ] {
        assert!(
            names.split(|&b| b == 0).any(|n| n == name),
            "{}",
            String::from_utf8_lossy(name)
        );
    }
    let out = same(&dir, "cat-file -p HEAD:caf\\xe9-moved");
    assert!(out.status.success() && !out.stdout.is_empty());
}
