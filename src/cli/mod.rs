//! The command-line interface: git-compatible subcommands whose output matches git 2.47.
//!
//! Each subcommand parses its own arguments (git's option syntax is too irregular for a
//! generic parser) and writes through a buffered sink, so the same code serves tests,
//! the binary and future JSON/HTTP front ends.

mod blame;
mod cat_file;
mod changes;
pub mod diff;
pub mod diff_flags;
mod diff_tree;
mod for_each_ref;
mod log;
mod ls_files;
mod ls_tree;
pub mod merge_base;
mod options;

#[cfg(feature = "server")]
mod mr;
mod rev_args;
mod rev_list;
mod rev_parse;
#[cfg(feature = "server")]
mod serve;
mod show;
mod show_ref;
mod status;
mod terminal;

use crate::repo::Repository;
use std::ffi::OsString;
use std::io::Write;
use std::path::PathBuf;

/// A failure that ends a command: git prints `fatal: <message>` and exits with 128.
#[derive(Debug)]
pub struct Fatal {
    /// The message after `fatal: ` (or the whole line if `raw`).
    pub message: String,
    /// The exit status.
    pub code: i32,
}

impl Fatal {
    /// A `fatal:` error with exit status 128.
    pub fn new(message: impl Into<String>) -> Fatal {
        Fatal {
            message: message.into(),
            code: 128,
        }
    }

    /// A usage error, exit status 129 as git's option parser gives.
    pub fn usage(message: impl Into<String>) -> Fatal {
        Fatal {
            message: message.into(),
            code: 129,
        }
    }
}

impl<E: std::error::Error> From<E> for Fatal {
    fn from(e: E) -> Fatal {
        Fatal::new(e.to_string())
    }
}

/// What every subcommand gets: its arguments, the repository location, and the streams.
pub struct Context<'a> {
    /// Arguments after the subcommand name.
    pub args: Vec<String>,
    /// The folder to run in (after every `-C`).
    pub cwd: PathBuf,
    /// Standard output (buffered).
    pub out: &'a mut dyn Write,
    /// Standard input.
    pub stdin: &'a mut dyn std::io::BufRead,
}

impl Context<'_> {
    /// Opens the repository containing the working folder, as git does.
    pub fn repo(&self) -> Result<Repository, Fatal> {
        Repository::from_env(&self.cwd).map_err(|e| match e {
            crate::repo::OpenError::NotFound(_) => {
                Fatal::new("not a git repository (or any of the parent directories): .git")
            }
            other => Fatal::new(other.to_string()),
        })
    }
}

/// Runs the command line `args` (without the program name) and returns the exit status.
pub fn run(args: Vec<OsString>) -> i32 {
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::with_capacity(64 * 1024, terminal::QuietPipe(stdout.lock()));
    let stdin = std::io::stdin();
    let mut input = stdin.lock();
    let code = match run_with(args, &mut out, &mut input) {
        Ok(code) => code,
        Err(f) => {
            let _ = out.flush();
            eprintln!("fatal: {}", f.message);
            f.code
        }
    };
    if let Err(e) = out.flush() {
        eprintln!("fatal: write error: {e}");
        return 128;
    }
    code
}

/// Runs `args` writing to `out` and reading `stdin`; returns the exit status or a fatal
/// error for the caller to print.
pub fn run_with(
    args: Vec<OsString>,
    out: &mut dyn Write,
    stdin: &mut dyn std::io::BufRead,
) -> Result<i32, Fatal> {
    let mut args: Vec<String> = args
        .into_iter()
        .map(|a| {
            a.into_string()
                .map_err(|_| Fatal::new("arguments must be UTF-8"))
        })
        .collect::<Result<_, _>>()?;
    let mut cwd = std::env::current_dir().map_err(|e| Fatal::new(e.to_string()))?;
    let mut i = 0;
    while i < args.len() {
        match args[i].as_str() {
            "-C" => {
                let p = args
                    .get(i + 1)
                    .ok_or_else(|| Fatal::usage("no directory given for '-C' option"))?;
                if !p.is_empty() {
                    cwd = cwd.join(p);
                }
                if !cwd.is_dir() {
                    return Err(Fatal::new(format!(
                        "cannot change to '{p}': No such file or directory"
                    )));
                }
                i += 2;
            }
            "--version" => {
                writeln!(out, "oxgit version {}", env!("CARGO_PKG_VERSION"))?;
                return Ok(0);
            }
            "-h" | "--help" => {
                out.write_all(USAGE.as_bytes())?;
                return Ok(0);
            }
            _ => break,
        }
    }
    let rest = args.split_off(i);
    let default_job = ["log".to_string(), "-1".to_string(), "--stat".to_string()];
    // With no command, show what the last commit changed and how big it is.
    let (cmd, cmd_args) = match rest.split_first() {
        Some(split) => split,
        None => default_job.split_first().expect("non-empty"),
    };
    let mut ctx = Context {
        args: cmd_args.to_vec(),
        cwd,
        out,
        stdin,
    };
    match cmd.as_str() {
        "cat-file" => cat_file::run(&mut ctx),
        "log" => log::run(&mut ctx),
        "rev-parse" => rev_parse::run(&mut ctx),
        "rev-list" => rev_list::run(&mut ctx),
        "diff" => diff::run(&mut ctx),
        "diff-tree" => diff_tree::run(&mut ctx),
        "merge-base" => merge_base::run(&mut ctx),
        "changes" => changes::run_changes(&mut ctx),
        "stats" => changes::run_stats(&mut ctx),
        "status" => status::run(&mut ctx),
        "ls-files" => ls_files::run(&mut ctx),
        "ls-tree" => ls_tree::run(&mut ctx),
        "show" => show::run(&mut ctx),
        "show-ref" => show_ref::run(&mut ctx),
        "for-each-ref" => for_each_ref::run(&mut ctx),
        "blame" => blame::run(&mut ctx),
        #[cfg(feature = "server")]
        "serve" => serve::run(&mut ctx),
        #[cfg(feature = "server")]
        "mr" => mr::run(&mut ctx),
        other => Err(Fatal::usage(format!(
            "'{other}' is not an oxgit command. See 'oxgit --help'."
        ))),
    }
}

const USAGE: &str = "\
usage: oxgit [-C <path>] [<command> [<args>]]

With no command, shows the last commit of the repository you stand in and its diffstat
(`oxgit log -1 --stat`).

Commands (output identical to git 2.47):
   cat-file     Show the contents, type or size of objects
   log          Show commit history (--format, -n, --no-merges, --first-parent, --numstat)
   rev-parse    Pick out and massage parameters (revisions, repository paths)
   show         Show commits (with their diff), tags, trees and blobs
   diff-tree    Compare two trees, or show what commits changed (raw by default; --stdin)
   rev-list     List commit objects in reverse chronological order (--count, --objects, --format)
   diff         Show changes between commits or trees (--raw, --name-only, --name-status, --summary)
   merge-base   Find the best common ancestors of commits
   ls-tree      List the contents of a tree object
   show-ref     List references in a local repository
   for-each-ref Output information on each ref (--format, --sort, filters)
   blame        Show what revision and author last modified each line of a file
   status       Show the working tree status (long, --short, --porcelain[=v2], -z, -u, --ignored)
   ls-files     Show files in the index and the working tree (-s, -m, -d, -o, -i, --exclude-standard, -z)

oxgit's own (JSON; see the README):
   changes      The changes between two revisions (or of one commit) as JSON
   stats        Their totals as JSON (files, additions, deletions, changes)
   diff --format=json|ndjson, log --json
   serve        Serve the change APIs over HTTP (Azure DevOps, ...; see README)
   mr           Merge requests stored in the repository (create, list, show, update, close)
";
