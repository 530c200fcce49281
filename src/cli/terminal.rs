//! The terminal side of the CLI, as git has it: what happens to standard output when its
//! reader goes away, the colour decision (`--color`, `color.ui`, `color.<cmd>`,
//! `color.pager`, `TERM`), the pager (`GIT_PAGER`, `pager.<cmd>`, `core.pager`, `PAGER`,
//! `less` with `LESS=FRX` and `LV=-c`) and the terminal's width.
//!
//! Pipes see none of it: colour `auto` and the pager need a terminal on standard output.

use crate::config::Config;
use std::io::{self, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::OnceLock;

/// The status a shell shows for a process killed by SIGPIPE (128 + 13), which is what git
/// gives when its reader closes the pipe (`git log -p | head -1`).
pub const BROKEN_PIPE_STATUS: i32 = 141;

/// Standard output that ends the process quietly with [`BROKEN_PIPE_STATUS`] when the reader
/// has closed the pipe, as git does by dying of SIGPIPE: no `fatal:` line, on every output
/// path, because every command writes through this one writer.
pub struct QuietPipe<W: Write>(pub W);

fn quiet<T>(r: io::Result<T>) -> io::Result<T> {
    if let Err(e) = &r {
        if e.kind() == io::ErrorKind::BrokenPipe {
            std::process::exit(BROKEN_PIPE_STATUS);
        }
    }
    r
}

impl<W: Write> Write for QuietPipe<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        quiet(self.0.write(buf))
    }

    fn flush(&mut self) -> io::Result<()> {
        quiet(self.0.flush())
    }
}

/// The terminal as the process found it at start-up (before any pager).
#[derive(Clone, Copy, Debug)]
struct StartUp {
    /// Standard output is a terminal.
    stdout_tty: bool,
    /// Its width in columns, when the terminal reports one.
    columns: Option<usize>,
}

static START_UP: OnceLock<StartUp> = OnceLock::new();
static PAGER_STARTED: AtomicBool = AtomicBool::new(false);

/// Records the terminal of standard output; the binary calls it once, first thing
/// (in-process callers of [`super::run_with`] do not, and are never on a terminal).
pub fn init() {
    let stdout = io::stdout();
    let stdout_tty = rustix::termios::isatty(&stdout);
    let columns = if stdout_tty {
        rustix::termios::tcgetwinsize(&stdout)
            .ok()
            .map(|w| usize::from(w.ws_col))
            .filter(|&c| c > 0)
    } else {
        None
    };
    let _ = START_UP.set(StartUp {
        stdout_tty,
        columns,
    });
}

fn start_up() -> StartUp {
    START_UP.get().copied().unwrap_or(StartUp {
        stdout_tty: false,
        columns: None,
    })
}

/// Whether a pager is in use: oxgit started one, or `GIT_PAGER_IN_USE` says a parent
/// git did (git's `pager_in_use`).
pub fn pager_in_use() -> bool {
    PAGER_STARTED.load(Ordering::Relaxed)
        || std::env::var("GIT_PAGER_IN_USE")
            .ok()
            .and_then(|v| crate::config::parse_bool(&v))
            .unwrap_or(false)
}

/// Whether standard output was a terminal at start-up.
pub fn stdout_is_tty() -> bool {
    start_up().stdout_tty
}

/// git's test for "on a terminal" of `--decorate=auto` and `--date=auto:`: standard
/// output is a terminal, or a pager is in use.
pub fn on_terminal() -> bool {
    start_up().stdout_tty || pager_in_use()
}

/// The width for `--stat`, as git's `term_columns`: `$COLUMNS` if a positive number,
/// else the terminal's width, else 80.
pub fn columns() -> usize {
    std::env::var("COLUMNS")
        .ok()
        .and_then(|v| v.parse::<usize>().ok())
        .filter(|&w| w > 0)
        .or(start_up().columns)
        .unwrap_or(80)
}

/// When to colour: `--color=<when>`, `color.ui`, `color.<command>`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ColorWhen {
    /// Never (`never`, `false`, `--no-color`).
    Never,
    /// Always (`always`, `--color`).
    Always,
    /// When standard output is a terminal, or a pager is, with `color.pager` (`auto`,
    /// `true`, and git's default).
    Auto,
}

impl ColorWhen {
    /// Parses a value as git's `git_config_colorbool`: `never`, `always`, `auto`, or a
    /// boolean (true means `auto`).
    pub fn parse(value: &str) -> Option<ColorWhen> {
        match value.to_ascii_lowercase().as_str() {
            "never" => Some(ColorWhen::Never),
            "always" => Some(ColorWhen::Always),
            "auto" => Some(ColorWhen::Auto),
            other => crate::config::parse_bool(other).map(|b| {
                if b {
                    ColorWhen::Auto
                } else {
                    ColorWhen::Never
                }
            }),
        }
    }

    /// The setting of `key` (e.g. `color.diff`), else `color.ui`, else `auto`; a value
    /// git does not accept is an error with git's message.
    pub fn from_config(config: &Config, key: &str) -> Result<ColorWhen, super::Fatal> {
        for k in [key, "color.ui"] {
            if let Some(v) = config.get(k) {
                let bare = config
                    .entries()
                    .filter(|(e, _)| e.eq_ignore_ascii_case(k))
                    .last();
                if matches!(bare, Some((_, None))) {
                    return Ok(ColorWhen::Auto);
                }
                return ColorWhen::parse(v).ok_or_else(|| {
                    super::Fatal::new(format!("bad boolean config value '{v}' for '{k}'"))
                });
            }
        }
        Ok(ColorWhen::Auto)
    }

    /// Whether to colour now (git's `want_color`): `auto` colours when standard output is
    /// a terminal (not a pager), or a pager is in use and `color.pager` allows it, and
    /// `TERM` is set and not `dumb`.
    /// `color_pager` is `color.pager` (true unless set false).
    pub fn want(self, color_pager: bool) -> bool {
        match self {
            ColorWhen::Never => false,
            ColorWhen::Always => true,
            ColorWhen::Auto => {
                let paging = pager_in_use() && color_pager;
                let term_ok = std::env::var("TERM").is_ok_and(|t| t != "dumb");
                // Standard output is a terminal only while no pager took it over.
                let tty = start_up().stdout_tty && !PAGER_STARTED.load(Ordering::Relaxed);
                (tty || paging) && term_ok
            }
        }
    }
}

/// The global `-p`/`--paginate` (`Some(true)`) or `-P`/`--no-pager` (`Some(false)`).
pub type PagerFlag = Option<bool>;

/// The git commands oxgit runs that read `pager.<command>` (git's `RUN_SETUP` builtins;
/// `diff` reads it itself).
const PAGER_CONFIG_COMMANDS: &[&str] = &[
    "cat-file",
    "log",
    "rev-list",
    "diff",
    "diff-tree",
    "merge-base",
    "status",
    "ls-files",
    "ls-tree",
    "show",
    "show-ref",
    "for-each-ref",
    "blame",
    "describe",
    "shortlog",
    "branch",
    "tag",
];

/// The pager command to run for `cmd` (with its arguments `args`), or `None`, as git
/// decides: only when standard output is a terminal; `-p` forces and `-P` prevents it;
/// else `pager.<cmd>` (a boolean, or a pager command), else the command's default (`log`,
/// `show`, `blame`, and `diff` without `--exit-code`/`--quiet`). The program is
/// `GIT_PAGER`, `pager.<cmd>`'s, `core.pager`, `PAGER`, then `less`; empty or `cat`
/// means none.
pub fn pager_for(
    cmd: &str,
    args: &[String],
    flag: PagerFlag,
    config: Option<&Config>,
) -> Option<String> {
    if !start_up().stdout_tty || flag == Some(false) {
        return None;
    }
    let mut program: Option<String> = None;
    let want = match flag {
        Some(f) => f,
        None => {
            let by_config = config
                .filter(|_| PAGER_CONFIG_COMMANDS.contains(&cmd))
                .and_then(|c| {
                    let key = format!("pager.{cmd}");
                    let bare = c.entries().filter(|(k, _)| *k == key).last()?;
                    match bare.1 {
                        None => Some(true),
                        Some(v) => Some(crate::config::parse_bool(v).unwrap_or_else(|| {
                            program = Some(v.to_string());
                            true
                        })),
                    }
                });
            let exit_code = cmd == "diff"
                && args
                    .iter()
                    .take_while(|a| *a != "--")
                    .any(|a| a == "--exit-code" || a == "--quiet");
            // git's branch pages its listings only.
            let branch_action = cmd == "branch"
                && args
                    .iter()
                    .take_while(|a| *a != "--")
                    .any(|a| a == "--show-current");
            match by_config {
                _ if exit_code || branch_action => false,
                Some(b) => b,
                None => matches!(
                    cmd,
                    "log" | "show" | "blame" | "diff" | "shortlog" | "branch" | "tag"
                ),
            }
        }
    };
    if !want {
        return None;
    }
    let env = |k: &str| std::env::var_os(k).map(crate::bytestr::from_os);
    let pager = env("GIT_PAGER")
        .or(program)
        .or_else(|| config.and_then(|c| c.get("core.pager")).map(str::to_string))
        .or_else(|| env("PAGER"))
        .unwrap_or_else(|| "less".to_string());
    (!pager.is_empty() && pager != "cat").then_some(pager)
}

/// A running pager: its input, and standard error as it was before it went to the pager.
struct Pager {
    child: std::process::Child,
    saved_stderr: Option<std::os::fd::OwnedFd>,
}

/// Standard output of the binary: the terminal or pipe, or a pager's input once
/// [`Stdout::start_pager`] ran one.
pub struct Stdout {
    out: io::BufWriter<QuietPipe<Box<dyn Write>>>,
    pager: Option<Pager>,
}

impl Stdout {
    /// Buffered standard output.
    pub fn new() -> Stdout {
        Stdout {
            out: io::BufWriter::with_capacity(64 * 1024, QuietPipe(Box::new(io::stdout()))),
            pager: None,
        }
    }

    /// Runs `command` with `sh -c` as git runs its pager (with `LESS=FRX` and `LV=-c`
    /// unless set, and `COLUMNS` from the terminal) and sends standard output, and
    /// standard error if it is a terminal, into it. If it cannot start, output stays.
    pub fn start_pager(&mut self, command: &str) -> io::Result<()> {
        use std::process::{Command, Stdio};
        let mut cmd = Command::new("sh");
        // The command comes from config or the environment: bytes (see `crate::bytestr`).
        cmd.arg("-c")
            .arg(crate::bytestr::to_os(command))
            .stdin(Stdio::piped());
        for (k, v) in [("LESS", "FRX"), ("LV", "-c")] {
            if std::env::var_os(k).is_none() {
                cmd.env(k, v);
            }
        }
        if std::env::var_os("COLUMNS").is_none() {
            if let Some(c) = start_up().columns {
                cmd.env("COLUMNS", c.to_string());
            }
        }
        self.out.flush()?;
        let mut child = cmd.spawn()?;
        let Some(stdin) = child.stdin.take() else {
            return Ok(());
        };
        let stderr = io::stderr();
        let mut saved_stderr = None;
        if rustix::termios::isatty(&stderr) {
            if let Ok(saved) = rustix::io::dup(&stderr) {
                if rustix::stdio::dup2_stderr(&stdin).is_ok() {
                    saved_stderr = Some(saved);
                }
            }
        }
        self.out = io::BufWriter::with_capacity(64 * 1024, QuietPipe(Box::new(stdin)));
        self.pager = Some(Pager {
            child,
            saved_stderr,
        });
        PAGER_STARTED.store(true, Ordering::Relaxed);
        Ok(())
    }

    /// Flushes, closes the pager's input and waits for it to end, as git does at exit.
    pub fn finish(mut self) -> io::Result<()> {
        let flushed = self.out.flush();
        if let Some(mut p) = self.pager.take() {
            // Closing every copy of the pipe lets the pager see the end of its input.
            self.out = io::BufWriter::new(QuietPipe(Box::new(io::sink())));
            if let Some(saved) = p.saved_stderr.take() {
                let _ = rustix::stdio::dup2_stderr(&saved);
            }
            let _ = p.child.wait();
        }
        flushed
    }
}

impl Default for Stdout {
    fn default() -> Stdout {
        Stdout::new()
    }
}

impl Write for Stdout {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.out.write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}

/// Where a command's output goes: a writer that may be turned into a pager's input.
pub trait Output: Write {
    /// Starts `command` as the pager (see [`Stdout::start_pager`]); writers that are not
    /// standard output ignore it.
    fn start_pager(&mut self, command: &str) -> io::Result<()>;
}

impl Output for Stdout {
    fn start_pager(&mut self, command: &str) -> io::Result<()> {
        Stdout::start_pager(self, command)
    }
}

/// Any writer, never paged (in-process callers and tests).
pub struct Plain<'a>(pub &'a mut dyn Write);

impl Write for Plain<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.0.flush()
    }
}

impl Output for Plain<'_> {
    fn start_pager(&mut self, _: &str) -> io::Result<()> {
        Ok(())
    }
}
