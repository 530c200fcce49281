//! The command-line interface: git-compatible subcommands whose output matches git 2.47.
//!
//! Each subcommand parses its own arguments (git's option syntax is too irregular for a
//! generic parser) and writes through a buffered sink, so the same code serves tests,
//! the binary and future JSON/HTTP front ends.
//!
//! Arguments are bytes, as in git: each is [`crate::bytestr::encode`]d once on entry, and
//! turned back into bytes by [`arg_bytes`] (or [`arg_path`]) where it becomes a path, a
//! pattern or output. Standard error goes through the `eprint!`/`eprintln!` defined here,
//! which restore the bytes.

/// `eprint!` for the CLI: the text may quote arguments ([`crate::bytestr`] strings), so
/// it is decoded back to the bytes given before it is written. Shadows the standard
/// macro in every CLI module, so no message can reach the terminal with the encoding.
macro_rules! eprint {
    ($($arg:tt)*) => {
        $crate::cli::write_stderr(&format!($($arg)*))
    };
}

/// `eprintln!` for the CLI: see `eprint!`.
macro_rules! eprintln {
    ($($arg:tt)*) => {
        $crate::cli::write_stderr(&format!("{}\n", format_args!($($arg)*)))
    };
}

mod blame;
mod branch;
mod cat_file;
mod changes;
pub mod cherry;
pub mod config;
pub mod describe;
pub mod diff;
pub mod diff_flags;
mod diff_tree;
mod for_each_ref;
mod help;
mod line_log;
mod log;
mod ls_files;
mod ls_tree;
pub mod merge_base;
mod merges;
mod options;
pub mod remote;
pub mod shortlog;

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
mod tag;
pub mod terminal;
mod walk_opts;

use crate::repo::Repository;
use std::ffi::OsString;
use std::io::Write;
use std::path::PathBuf;

/// Writes `text` (which may quote encoded arguments) to standard error as the bytes it
/// stands for.
pub(crate) fn write_stderr(text: &str) {
    let _ = std::io::stderr().write_all(&crate::bytestr::decode(text));
}

/// The bytes an argument stands for (a path, a pattern, literal output): the one way the
/// CLI turns an argument back into what was typed.
pub(crate) fn arg_bytes(arg: &str) -> std::borrow::Cow<'_, [u8]> {
    crate::bytestr::decode(arg)
}

/// The literal text of a format argument, cut out of it at ASCII characters: the bytes
/// given (see [`crate::bytestr::decode_utf8`]).
pub(crate) fn literal(text: Vec<u8>) -> Vec<u8> {
    match crate::bytestr::decode_utf8(&text) {
        std::borrow::Cow::Borrowed(_) => text,
        std::borrow::Cow::Owned(b) => b,
    }
}

/// An argument naming a file or folder, as the operating system takes it.
pub(crate) fn arg_path(arg: &str) -> PathBuf {
    PathBuf::from(crate::bytestr::to_os(arg))
}

/// A path found on disk as text for output, its bytes kept (see [`crate::bytestr`]).
pub(crate) fn path_text(path: &std::path::Path) -> String {
    crate::bytestr::from_os_str(path.as_os_str()).into_owned()
}

/// The pathspec items of the path arguments `paths` (from the top of the work tree, see
/// [`crate::api::relative_pathspec`]), as the bytes given.
pub(crate) fn pathspec_items<S: AsRef<str>>(
    repo: &Repository,
    cwd: &std::path::Path,
    paths: &[S],
) -> Result<Vec<Vec<u8>>, Fatal> {
    let bytes: Vec<_> = paths.iter().map(|p| arg_bytes(p.as_ref())).collect();
    crate::api::relative_pathspec(repo, cwd, &bytes).map_err(diff::fatal)
}

/// A failure that ends a command: git prints `fatal: <message>` and exits with 128.
#[derive(Debug)]
pub struct Fatal {
    /// The message after `fatal: ` (or the whole line if `raw`). Arguments it quotes are
    /// [`crate::bytestr`] strings: [`crate::bytestr::decode`] gives the bytes to print.
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

/// The global options given before the command that change how the repository is
/// opened (git exports them to the environment of its commands; oxgit passes them on).
#[derive(Debug, Default)]
pub struct Globals {
    /// `-c <name>=<value>`, in order (checked when given).
    pub config: Vec<String>,
    /// `--git-dir` (relative to [`Context::cwd`]).
    pub git_dir: Option<PathBuf>,
    /// `--work-tree` (relative to [`Context::cwd`]).
    pub work_tree: Option<PathBuf>,
}

/// What every subcommand gets: its arguments, the repository location, and the streams.
pub struct Context<'a> {
    /// Arguments after the subcommand name.
    pub args: Vec<String>,
    /// The folder to run in (after every `-C`).
    pub cwd: PathBuf,
    /// The global options that open the repository.
    pub globals: Globals,
    /// Standard output (buffered).
    pub out: &'a mut dyn Write,
    /// Standard input.
    pub stdin: &'a mut dyn std::io::BufRead,
}

impl Context<'_> {
    /// Opens the repository containing the working folder, as git does.
    pub fn repo(&self) -> Result<Repository, Fatal> {
        let fatal = |e: crate::repo::OpenError| match e {
            crate::repo::OpenError::NotFound(_) => {
                Fatal::new("not a git repository (or any of the parent directories): .git")
            }
            other => Fatal::new(other.to_string()),
        };
        let mut options = crate::repo::OpenOptions::from_env(&self.cwd).map_err(fatal)?;
        for c in &self.globals.config {
            options
                .config
                .push_command_line(c)
                .map_err(|_| Fatal::new(config_parameter_error(c)))?;
        }
        if let Some(d) = &self.globals.git_dir {
            options.git_dir = Some(self.cwd.join(d));
        }
        if let Some(w) = &self.globals.work_tree {
            options.work_tree = Some(self.cwd.join(w));
        }
        options.open(&self.cwd).map_err(fatal)
    }
}

/// Runs the command line `args` (without the program name) and returns the exit status.
pub fn run(args: Vec<OsString>) -> i32 {
    terminal::init();
    let mut out = terminal::Stdout::new();
    let stdin = std::io::stdin();
    let mut input = stdin.lock();
    let code = match run_in(args, &mut out, &mut input) {
        Ok(code) => code,
        Err(f) => {
            let _ = out.flush();
            eprintln!("fatal: {}", f.message);
            f.code
        }
    };
    if let Err(e) = out.finish() {
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
    run_in(args, &mut terminal::Plain(out), stdin)
}

/// [`run_with`] on an output that may become a pager's input.
fn run_in(
    args: Vec<OsString>,
    out: &mut dyn terminal::Output,
    stdin: &mut dyn std::io::BufRead,
) -> Result<i32, Fatal> {
    let mut args: Vec<String> = args.into_iter().map(crate::bytestr::from_os).collect();
    let mut cwd = std::env::current_dir().map_err(|e| Fatal::new(e.to_string()))?;
    let mut globals = Globals::default();
    let mut pager_flag: terminal::PagerFlag = None;
    let mut i = 0;
    // The value of a global option: `--name=value`, or the next argument.
    let value_of = |args: &[String], i: &mut usize, name: &str| -> Option<String> {
        let a = &args[*i];
        *i += 1;
        if let Some(v) = a.strip_prefix(name).and_then(|r| r.strip_prefix('=')) {
            return Some(v.to_string());
        }
        let v = args.get(*i).cloned();
        *i += 1;
        v
    };
    let global_usage = |message: &str| -> i32 {
        eprint!("{message}\n{}", help::GLOBAL_USAGE);
        129
    };
    while i < args.len() {
        let a = args[i].as_str();
        let name = a.split_once('=').map_or(a, |(n, _)| n);
        match name {
            "-C" if a == "-C" => {
                let Some(p) = value_of(&args, &mut i, "-C") else {
                    return Ok(global_usage("no directory given for '-C' option"));
                };
                if !p.is_empty() {
                    cwd = cwd.join(arg_path(&p));
                }
                if !cwd.is_dir() {
                    return Err(Fatal::new(format!(
                        "cannot change to '{p}': No such file or directory"
                    )));
                }
            }
            "-c" if a == "-c" => {
                let Some(c) = value_of(&args, &mut i, "-c") else {
                    return Ok(global_usage("-c expects a configuration string"));
                };
                if crate::config::Sources::default()
                    .push_command_line(&c)
                    .is_err()
                {
                    eprintln!("error: {}", config_parameter_error(&c));
                    return Err(Fatal::new("unable to parse command-line config"));
                }
                globals.config.push(c);
            }
            "--git-dir" | "--work-tree" => {
                let Some(p) = value_of(&args, &mut i, name) else {
                    return Ok(global_usage(&format!(
                        "no directory given for '{name}' option"
                    )));
                };
                let slot = if name == "--git-dir" {
                    &mut globals.git_dir
                } else {
                    &mut globals.work_tree
                };
                *slot = Some(arg_path(&p));
            }
            "-p" | "--paginate" | "-P" | "--no-pager" if a == name => {
                pager_flag = Some(matches!(a, "-p" | "--paginate"));
                i += 1;
            }
            // oxgit takes no optional locks: this changes nothing.
            "--no-optional-locks" if a == name => {
                i += 1;
            }
            "-v" | "--version" if a == name => {
                writeln!(out, "oxgit version {}", env!("CARGO_PKG_VERSION"))?;
                return Ok(0);
            }
            "-h" | "--help" if a == name => {
                out.write_all(help::overview().as_bytes())?;
                return Ok(0);
            }
            "--literal-pathspecs"
            | "--glob-pathspecs"
            | "--noglob-pathspecs"
            | "--icase-pathspecs"
            | "--bare"
            | "--namespace"
            | "--config-env"
            | "--exec-path"
            | "--html-path"
            | "--man-path"
            | "--info-path"
            | "--no-replace-objects"
            | "--no-lazy-fetch"
            | "--no-advice"
            | "--list-cmds" => {
                return Err(Fatal::new(format!("{name} is not supported by oxgit")));
            }
            _ if a.starts_with('-') => {
                return Ok(global_usage(&format!("unknown option: {a}")));
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
    // `<command> -h` prints the usage (exit 129) and `<command> --help` the help page, as
    // git does when it is the command's only or first argument; rev-parse's `-h` is its
    // own and branch's goes to standard error (git prints both there).
    if let Some(c) = help::command(cmd) {
        if cmd_args.len() == 1 && cmd_args[0] == "-h" && !matches!(c.name, "rev-parse" | "branch") {
            out.write_all(help::usage(c).as_bytes())?;
            return Ok(129);
        }
        if cmd_args.first().is_some_and(|a| a == "--help") {
            out.write_all(help::page(c).as_bytes())?;
            return Ok(0);
        }
    }
    // The pager is chosen with the repository's config, before the command writes.
    let mut nothing = std::io::sink();
    let mut ctx = Context {
        args: cmd_args.to_vec(),
        cwd,
        globals,
        out: &mut nothing,
        stdin,
    };
    let config = terminal::stdout_is_tty()
        .then(|| ctx.repo().ok().map(|r| r.config().clone()))
        .flatten();
    if let Some(pager) = terminal::pager_for(cmd, cmd_args, pager_flag, config.as_ref()) {
        // A pager that cannot start leaves the output on the terminal, as in git.
        let _ = out.start_pager(&pager);
    }
    ctx.out = out;
    match cmd.as_str() {
        "cat-file" => cat_file::run(&mut ctx),
        "log" => log::run(&mut ctx),
        "rev-parse" => rev_parse::run(&mut ctx),
        "rev-list" => rev_list::run(&mut ctx),
        "diff" => diff::run(&mut ctx),
        "diff-tree" => diff_tree::run(&mut ctx),
        "merge-base" => merge_base::run(&mut ctx),
        "describe" => describe::run(&mut ctx),
        "shortlog" => shortlog::run(&mut ctx),
        "config" => config::run(&mut ctx),
        "remote" => remote::run(&mut ctx),
        "cherry" => cherry::run(&mut ctx),
        "changes" => changes::run_changes(&mut ctx),
        "stats" => changes::run_stats(&mut ctx),
        "status" => status::run(&mut ctx),
        "ls-files" => ls_files::run(&mut ctx),
        "ls-tree" => ls_tree::run(&mut ctx),
        "show" => show::run(&mut ctx),
        "show-ref" => show_ref::run(&mut ctx),
        "for-each-ref" => for_each_ref::run(&mut ctx),
        "branch" => branch::run(&mut ctx),
        "tag" => tag::run(&mut ctx),
        "blame" => blame::run(&mut ctx),
        #[cfg(feature = "server")]
        "serve" => serve::run(&mut ctx),
        #[cfg(feature = "server")]
        "mr" => mr::run(&mut ctx),
        "help" => match cmd_args {
            [] => {
                ctx.out.write_all(help::overview().as_bytes())?;
                Ok(0)
            }
            [name] => match help::command(name) {
                Some(c) => {
                    ctx.out.write_all(help::page(c).as_bytes())?;
                    Ok(0)
                }
                None => {
                    eprint!("{}", help::unknown_command(name));
                    Ok(1)
                }
            },
            _ => Err(Fatal::usage("usage: oxgit help [<command>]")),
        },
        "version" => match cmd_args {
            [] => {
                writeln!(ctx.out, "oxgit version {}", env!("CARGO_PKG_VERSION"))?;
                Ok(0)
            }
            _ => Err(Fatal::usage("usage: oxgit version")),
        },
        other => {
            eprint!("{}", help::unknown_command(other));
            Ok(1)
        }
    }
}

/// git's message for a `-c` value it cannot parse.
fn config_parameter_error(arg: &str) -> String {
    let key = arg.split_once('=').map_or(arg, |(k, _)| k);
    if key.is_empty() {
        return "empty config key".to_string();
    }
    match key.rfind('.') {
        None | Some(0) => format!("key does not contain a section: {key}"),
        Some(d) if d + 1 == key.len() => format!("key does not contain variable name: {key}"),
        _ => format!("invalid key: {key}"),
    }
}
