//! Colours and the pager against git: coloured output with `--color=always` (no terminal
//! needed), then both tools under a pseudo-terminal (python3's `pty`) with a fake pager
//! that records its environment and input: the bytes on the terminal, the bytes the
//! pager got, and whether it ran, must be git's.

mod common;

use std::path::Path;
use std::process::Command;

/// Coloured commands whose output must be git's, byte for byte.
#[test]
fn color_always_matches_git() {
    let repo = common::fixture("color");
    for args in [
        &["diff", "--color=always", "v1", "v2"][..],
        &["diff", "--color", "--stat", "v1", "v2"],
        &["diff", "--color=always", "--shortstat", "v1", "v2"],
        &["diff", "--color=always", "--stat", "--patch", "v1", "v2"],
        &["diff", "--color=always", "-R", "v1", "v2"],
        &[
            "diff",
            "--color=always",
            "-U1",
            "--numstat",
            "--summary",
            "v1",
            "v2",
        ],
        &["diff", "--color=always", "HEAD"],
        &["diff", "--color=always", "--cached"],
        &["diff", "--color=always", "--color=never", "v1", "v2"],
        &["diff", "--no-color", "v1", "v2"],
        &["-c", "color.ui=always", "diff", "v1", "v2"],
        &["-c", "color.diff=always", "diff", "v1", "v2"],
        &[
            "-c",
            "color.ui=always",
            "-c",
            "color.diff=never",
            "diff",
            "v1",
            "v2",
        ],
        &["-c", "color.ui=always", "diff", "--no-color", "v1", "v2"],
        &[
            "-c",
            "core.whitespace=cr-at-eol",
            "diff",
            "--color",
            "v1",
            "v2",
        ],
        &[
            "-c",
            "core.whitespace=-trailing-space",
            "diff",
            "--color",
            "v1",
            "v2",
        ],
        &[
            "-c",
            "core.whitespace=-space-before-tab",
            "diff",
            "--color",
            "v1",
            "v2",
        ],
        &[
            "-c",
            "diff.wsErrorHighlight=none",
            "diff",
            "--color",
            "v1",
            "v2",
        ],
        &[
            "-c",
            "color.diff.meta=italic",
            "-c",
            "color.diff.frag=bold magenta",
            "-c",
            "color.diff.func=yellow",
            "-c",
            "color.diff.context=blue",
            "-c",
            "color.diff.old=#ff0000",
            "-c",
            "color.diff.new=ul green",
            "-c",
            "color.diff.whitespace=reverse",
            "diff",
            "--color",
            "v1",
            "v2",
        ],
        &["log", "--color=always", "-p"],
        &["log", "--color=always", "--stat", "--decorate"],
        &["log", "--color=always", "--oneline", "--decorate", "--all"],
        &[
            "log",
            "--color=always",
            "--format=%C(auto)%h%d %s%C(red)!%Creset",
        ],
        &[
            "log",
            "--color=always",
            "--format=%Cred%h%Creset %C(bold blue)%an",
        ],
        &["show", "--color=always", "v2"],
        &["show", "--color=always", "v1", "HEAD^{tree}", "v2"],
        &["show", "--color=always", "--stat", "HEAD"],
        &["diff-tree", "--color", "-p", "-r", "v2"],
        &["diff-tree", "--color", "--stat", "-r", "v2"],
        &["-c", "color.ui=always", "diff-tree", "-p", "-r", "v2"],
        &["-c", "color.ui=always", "status"],
        &["-c", "color.ui=always", "status", "-s"],
        &["-c", "color.ui=always", "status", "-sb"],
        &["-c", "color.status=always", "status", "-s", "-z"],
        &["-c", "color.status=always", "status", "--porcelain"],
        &[
            "-c",
            "color.status=always",
            "-c",
            "color.status.added=blue",
            "status",
        ],
    ] {
        common::assert_same(&repo, args);
    }
}

/// An invalid colour in the config is git's error (exit 128), coloured or not.
#[test]
fn invalid_color_value_fails_as_git() {
    let repo = common::fixture("color");
    for args in [
        &["-c", "color.diff.meta=bogus", "diff", "--color", "v1", "v2"][..],
        &["-c", "color.ui=bogus", "diff", "v1", "v2"],
    ] {
        common::assert_same(&repo, args);
    }
}

/// A command line, its environment (`-` unsets a variable), and whether git pages it.
type Case<'a> = (&'a [&'a str], &'a [(&'a str, &'a str)], bool);

/// The fake pager: records that it ran, `LESS`, `LV` and `COLUMNS`, then its input.
const FAKE_PAGER: &str = r#"{ echo "pager LESS=${LESS-unset} LV=${LV-unset} COLUMNS=${COLUMNS-unset}"; cat; } > "$PAGER_OUT""#;

/// Runs `program args` under a pseudo-terminal `cols` wide in `repo` with `env`; returns
/// the terminal's bytes with the exit status, and what the pager recorded (empty if it
/// did not run).
fn under_tty(
    program: &str,
    args: &[&str],
    repo: &Path,
    env: &[(&str, &str)],
) -> (Vec<u8>, Vec<u8>) {
    const DRIVER: &str = r#"
import os, pty, sys, select, fcntl, termios, struct
pid, fd = pty.fork()
if pid == 0:
    # The size is set before the command starts (the child's stdin is the terminal).
    fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack('HHHH', 30, 100, 0, 0))
    os.execvp(sys.argv[1], sys.argv[1:])
out = b''
while True:
    try:
        r, _, _ = select.select([fd], [], [], 20)
        if not r:
            break
        d = os.read(fd, 65536)
    except OSError:
        break
    if not d:
        break
    out += d
_, st = os.waitpid(pid, 0)
sys.stdout.buffer.write(out + b'\nstatus %d\n' % os.waitstatus_to_exitcode(st))
"#;
    static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let pager_out = common::scratch_dir().join(format!("pager-{}-{n}", std::process::id()));
    let _ = std::fs::remove_file(&pager_out);
    let cmd = if program == "git" {
        common::git_cmd(repo)
    } else {
        common::oxgit_cmd(repo)
    };
    let mut c = Command::new("python3");
    c.current_dir(repo)
        .arg("-c")
        .arg(DRIVER)
        .arg(cmd.get_program())
        .args(args);
    for (k, v) in cmd.get_envs() {
        match v {
            Some(v) => c.env(k, v),
            None => c.env_remove(k),
        };
    }
    c.env("TERM", "xterm")
        .env("GIT_PAGER", FAKE_PAGER)
        .env("PAGER_OUT", &pager_out)
        .env_remove("PAGER")
        .env_remove("LESS")
        .env_remove("LV")
        .env_remove("COLUMNS")
        .env_remove("GIT_PAGER_IN_USE");
    // `-` unsets a variable.
    for (k, v) in env {
        if *v == "-" {
            c.env_remove(k);
        } else {
            c.env(k, v);
        }
    }
    let out = c.output().expect("python3 runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let paged = std::fs::read(&pager_out).unwrap_or_default();
    let _ = std::fs::remove_file(&pager_out);
    (out.stdout, paged)
}

fn assert_same_tty(repo: &Path, args: &[&str], env: &[(&str, &str)]) -> bool {
    let git = under_tty("git", args, repo, env);
    let ox = under_tty("oxgit", args, repo, env);
    let show = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    assert_eq!(
        show(&ox.0),
        show(&git.0),
        "terminal bytes differ for {args:?} {env:?}"
    );
    assert_eq!(
        show(&ox.1),
        show(&git.1),
        "pager input differs for {args:?} {env:?}"
    );
    !git.1.is_empty()
}

/// On a terminal: which commands page, with what environment, in colour or not.
#[test]
fn terminal_and_pager_match_git() {
    let repo = common::fixture("color");
    let cases: &[Case] = &[
        (&["log", "-2", "--stat"], &[], true),
        (&["log", "--oneline"], &[], true),
        (&["log", "--graph", "--oneline", "--all"], &[], true),
        (&["-P", "log", "--graph", "-p", "--all"], &[], false),
        (&["rev-list", "--graph", "--all"], &[], false),
        (&["show", "v2"], &[], true),
        (&["diff", "v1", "v2"], &[], true),
        (&["diff", "--stat", "v1", "v2"], &[], true),
        (&["diff", "--exit-code", "v1", "v2"], &[], false),
        (&["blame", "a.c"], &[], true),
        (&["shortlog", "-s"], &[], true),
        (
            &["-c", "pager.shortlog=false", "shortlog", "HEAD"],
            &[],
            false,
        ),
        (&["branch", "-a", "-vv"], &[], true),
        (&["-P", "branch", "-a"], &[], false),
        (&["branch", "--show-current"], &[], false),
        (&["tag", "-n"], &[], true),
        (&["-c", "pager.tag=false", "tag"], &[], false),
        (&["-c", "pager.branch=false", "branch"], &[], false),
        (&["-c", "color.branch=never", "branch", "-v"], &[], true),
        (&["describe", "--always"], &[], false),
        (
            &["-c", "pager.describe=true", "describe", "--always"],
            &[],
            true,
        ),
        (&["status"], &[], false),
        (&["status", "-sb"], &[], false),
        (&["diff-tree", "-p", "-r", "v2"], &[], false),
        (&["ls-tree", "HEAD"], &[], false),
        (&["rev-list", "HEAD"], &[], false),
        (&["cat-file", "-p", "HEAD"], &[], false),
        (&["-P", "log", "-1"], &[], false),
        (&["--no-pager", "diff", "v1", "v2"], &[], false),
        (&["-p", "status", "-s"], &[], true),
        (&["--paginate", "diff-tree", "-p", "-r", "v2"], &[], true),
        (&["-c", "pager.log=false", "log", "-1"], &[], false),
        (&["-c", "pager.log=false", "-p", "log", "-1"], &[], true),
        (&["-c", "pager.status=true", "status"], &[], true),
        (&["-c", "pager.diff=false", "diff", "v1", "v2"], &[], false),
        (&["-c", "color.ui=never", "log", "-1", "-p"], &[], true),
        (
            &["-c", "color.ui=never", "-P", "diff", "v1", "v2"],
            &[],
            false,
        ),
        (&["-c", "color.pager=false", "log", "-1", "-p"], &[], true),
        (
            &["-c", "color.pager=false", "-P", "log", "-1", "-p"],
            &[],
            false,
        ),
        (&["log", "-1", "-p"], &[("TERM", "dumb")], true),
        (&["-P", "diff", "v1", "v2"], &[("TERM", "dumb")], false),
        (&["log", "-1", "--stat"], &[("COLUMNS", "40")], true),
        (&["log", "-1"], &[("LESS", "-R"), ("LV", "x")], true),
        (&["log", "-1"], &[("GIT_PAGER", "cat")], false),
        (&["log", "-1"], &[("GIT_PAGER", "")], false),
        (
            &["log", "-1"],
            &[("GIT_PAGER", "-"), ("PAGER", FAKE_PAGER)],
            true,
        ),
        (&["log", "-1"], &[("GIT_PAGER", "-"), ("PAGER", "")], false),
    ];
    for (args, env, pages) in cases {
        let paged = assert_same_tty(&repo, args, env);
        assert_eq!(paged, *pages, "paging decision for {args:?} {env:?}");
    }
}

/// `core.pager` and `pager.<cmd>` name the pager when `GIT_PAGER` is unset; `PAGER` is
/// the last choice before `less`.
#[test]
fn pager_choice_matches_git() {
    let repo = common::fixture("color");
    let pager = format!("core.pager={FAKE_PAGER}");
    let log_pager = format!("pager.log={FAKE_PAGER}");
    let unset: &[(&str, &str)] = &[("GIT_PAGER", "-")];
    let cases: &[Case] = &[
        (&["-c", &pager, "log", "-1"], unset, true),
        (&["-c", &log_pager, "log", "-1"], unset, true),
        (
            &["-c", &log_pager, "-c", "core.pager=cat", "log", "-1"],
            unset,
            true,
        ),
        (
            &["-c", &pager, "-c", "pager.log=cat", "log", "-1"],
            unset,
            false,
        ),
        (&["-c", "core.pager=cat", "log", "-1"], unset, false),
        (&["-c", "core.pager=", "log", "-1"], unset, false),
        (
            &["log", "-1"],
            &[("GIT_PAGER", "-"), ("PAGER", "cat")],
            false,
        ),
        // GIT_PAGER wins over pager.<cmd>.
        (&["-c", "pager.log=cat", "log", "-1"], &[], true),
    ];
    for (args, env, pages) in cases {
        assert_eq!(
            assert_same_tty(&repo, args, env),
            *pages,
            "{args:?} {env:?}"
        );
    }
}
