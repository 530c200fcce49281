//! The `oxgit` command: git-compatible subcommands over the oxgit engine.

fn main() {
    let args: Vec<std::ffi::OsString> = std::env::args_os().skip(1).collect();
    let code = oxgit::internals::run_cli(args);
    std::process::exit(code);
}
