//! The terminal side of the CLI against git: a reader that closes the pipe.

mod common;

/// Runs `cmd` in `repo` writing into a pipe whose reader has already gone (`true` exits
/// first) and returns the status the shell shows for the writer.
fn status_into_closed_pipe(program: &str, args: &str, repo: &std::path::Path) -> String {
    let script = format!("(sleep 0.3; exec '{program}' {args}) | true; echo ${{PIPESTATUS[0]}}");
    let out = std::process::Command::new("bash")
        .arg("-c")
        .arg(script)
        .current_dir(repo)
        .output()
        .expect("bash runs");
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn closed_pipe_exits_quietly_as_git() {
    let repo = common::fixture("basic");
    for args in ["log -p", "ls-tree -r HEAD", "for-each-ref", "show-ref"] {
        let git = status_into_closed_pipe("git", args, &repo);
        let ox = status_into_closed_pipe(env!("CARGO_BIN_EXE_oxgit"), args, &repo);
        if args == "log -p" {
            assert_eq!(git, "141\n", "git {args}");
        }
        assert_eq!(ox, git, "oxgit {args}");
    }
}
