//! `oxgit serve [--root DIR] [--listen ADDR] [--config FILE] [--insecure]`: the HTTP
//! services of [`crate::server`].

use super::{Context, Fatal};
use crate::server::http::{self, ServeOptions};
use crate::server::{Config, Layout};
use std::path::PathBuf;

pub(super) const USAGE: &str =
    "usage: oxgit serve [--root <dir>] [--listen <addr>] [--config <file>] [--insecure]";

/// Runs `oxgit serve`.
pub fn run(ctx: &mut Context<'_>) -> Result<i32, Fatal> {
    let mut root: Option<PathBuf> = None;
    let mut listen: Option<String> = None;
    let mut config_file: Option<PathBuf> = None;
    let mut insecure = false;
    let mut args = ctx.args.iter();
    while let Some(a) = args.next() {
        let (name, inline) = match a.split_once('=') {
            Some((n, v)) if n.starts_with("--") => (n, Some(v.to_string())),
            _ => (a.as_str(), None),
        };
        let mut value = || {
            inline
                .clone()
                .or_else(|| args.next().cloned())
                .ok_or_else(|| Fatal::usage(format!("option '{name}' requires a value\n{USAGE}")))
        };
        match name {
            "--root" => root = Some(ctx.cwd.join(super::arg_path(&value()?))),
            "--listen" => listen = Some(value()?),
            "--config" => config_file = Some(ctx.cwd.join(super::arg_path(&value()?))),
            "--insecure" => insecure = true,
            "-h" | "--help" => {
                writeln!(ctx.out, "{USAGE}")?;
                return Ok(0);
            }
            other => return Err(Fatal::usage(format!("unknown option '{other}'\n{USAGE}"))),
        }
    }
    let config = match &config_file {
        Some(f) => Config::load(f).map_err(|e| Fatal::new(e.to_string()))?,
        None => Config::default(),
    };
    let root = root.or_else(|| config.server.root.clone());
    let layout = Layout::new(root.as_deref(), &ctx.cwd).map_err(Fatal::new)?;
    let listen = listen
        .or_else(|| config.server.listen.clone())
        .unwrap_or_else(|| "127.0.0.1:8080".to_string());
    ctx.out.flush()?;
    http::run(config, layout, ServeOptions { listen, insecure })
        .map_err(|e| Fatal::new(e.to_string()))?;
    Ok(0)
}
