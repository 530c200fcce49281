//! `oxgit remote`: the remotes of the repository's config as git 2.47 lists them
//! (`remote`, `remote -v`, `remote get-url [--push] [--all]`), with `url.<base>.insteadOf`
//! and `pushInsteadOf` applied. Everything that changes remotes or contacts them is
//! refused: oxgit is read-only and offline.

use super::{Context, Fatal};
use crate::config::Config;

/// git's usage text for `remote`, with oxgit's name.
pub(super) const USAGE: &str = "usage: oxgit remote [-v | --verbose]
   or: oxgit remote add [-t <branch>] [-m <master>] [-f] [--tags | --no-tags] [--mirror=<fetch|push>] <name> <url>
   or: oxgit remote rename [--[no-]progress] <old> <new>
   or: oxgit remote remove <name>
   or: oxgit remote set-head <name> (-a | --auto | -d | --delete | <branch>)
   or: oxgit remote [-v | --verbose] show [-n] <name>
   or: oxgit remote prune [-n | --dry-run] <name>
   or: oxgit remote [-v | --verbose] update [-p | --prune] [(<group> | <remote>)...]
   or: oxgit remote set-branches [--add] <name> <branch>...
   or: oxgit remote get-url [--push] [--all] <name>
   or: oxgit remote set-url [--push] <name> <newurl> [<oldurl>]
   or: oxgit remote set-url --add <name> <newurl>
   or: oxgit remote set-url --delete <name> <url>

    -v, --[no-]verbose    be verbose; must be placed before a subcommand

";

/// One configured remote (git's `struct remote`, as far as listing needs it).
#[derive(Debug, Default)]
struct Remote {
    name: String,
    /// `remote.<name>.url` values, `insteadOf` applied.
    urls: Vec<String>,
    /// `remote.<name>.pushurl` values (or the `pushInsteadOf` rewrites of the urls).
    push_urls: Vec<String>,
}

/// The remotes of `config` in the order they first appear (git's `for_each_remote`).
fn remotes(config: &Config) -> Vec<Remote> {
    let mut out: Vec<Remote> = Vec::new();
    let mut raw_urls: Vec<Vec<String>> = Vec::new();
    for (key, value) in config.entries() {
        let Some(rest) = key.strip_prefix("remote.") else {
            continue;
        };
        let Some((name, var)) = rest.rsplit_once('.') else {
            continue;
        };
        let i = match out.iter().position(|r| r.name == name) {
            Some(i) => i,
            None => {
                out.push(Remote {
                    name: name.to_string(),
                    ..Remote::default()
                });
                raw_urls.push(Vec::new());
                out.len() - 1
            }
        };
        let list = match var {
            "url" => &mut raw_urls[i],
            "pushurl" => &mut out[i].push_urls,
            _ => continue,
        };
        match value {
            // An empty value clears the list (git 2.46).
            Some("") => list.clear(),
            Some(v) => list.push(v.to_string()),
            None => {}
        }
    }
    let rewrites = Rewrites::of(config, "insteadof");
    let push_rewrites = Rewrites::of(config, "pushinsteadof");
    for (r, urls) in out.iter_mut().zip(raw_urls) {
        if r.push_urls.is_empty() {
            // git's add_pushurl_alias: only urls that pushInsteadOf rewrites.
            r.push_urls = urls.iter().filter_map(|u| push_rewrites.apply(u)).collect();
        } else {
            r.push_urls = r
                .push_urls
                .iter()
                .map(|u| rewrites.apply(u).unwrap_or_else(|| u.clone()))
                .collect();
        }
        r.urls = urls
            .iter()
            .map(|u| rewrites.apply(u).unwrap_or_else(|| u.clone()))
            .collect();
    }
    out
}

/// `url.<base>.insteadOf` (or `pushInsteadOf`) prefixes and their replacement.
struct Rewrites(Vec<(String, String)>);

impl Rewrites {
    fn of(config: &Config, var: &str) -> Rewrites {
        let suffix = format!(".{var}");
        let mut list = Vec::new();
        for (key, value) in config.entries() {
            let Some(base) = key
                .strip_prefix("url.")
                .and_then(|k| k.strip_suffix(suffix.as_str()))
            else {
                continue;
            };
            if let Some(v) = value {
                list.push((v.to_string(), base.to_string()));
            }
        }
        Rewrites(list)
    }

    /// The url rewritten by the longest matching prefix (the first of equal ones), if any.
    fn apply(&self, url: &str) -> Option<String> {
        let mut best: Option<&(String, String)> = None;
        for r in &self.0 {
            if url.starts_with(r.0.as_str()) && best.is_none_or(|b| r.0.len() > b.0.len()) {
                best = Some(r);
            }
        }
        best.map(|(from, to)| format!("{to}{}", &url[from.len()..]))
    }
}

/// Runs `remote`.
pub fn run(ctx: &mut Context<'_>) -> Result<i32, Fatal> {
    let args = ctx.args.clone();
    let mut verbose = false;
    let mut i = 0;
    while i < args.len() {
        match args[i].as_str() {
            "-v" | "--verbose" => verbose = true,
            "--no-verbose" => verbose = false,
            _ => break,
        }
        i += 1;
    }
    let repo = ctx.repo()?;
    let git_dir = repo.common_dir();
    for legacy in ["remotes", "branches"] {
        let dir = git_dir.join(legacy);
        if std::fs::read_dir(&dir).is_ok_and(|mut d| d.next().is_some()) {
            return Err(Fatal::new(format!(
                "remotes defined in $GIT_DIR/{legacy}/ are not supported by oxgit"
            )));
        }
    }
    let list = remotes(repo.config());
    let mut out = Vec::new();
    match args.get(i).map(String::as_str) {
        None => {
            let mut sorted: Vec<&Remote> = list.iter().collect();
            sorted.sort_by(|a, b| a.name.cmp(&b.name));
            for r in sorted {
                if !verbose {
                    out.extend_from_slice(format!("{}\n", r.name).as_bytes());
                    continue;
                }
                match r.urls.first() {
                    Some(u) => {
                        let filter = repo
                            .config()
                            .get(&format!("remote.{}.partialclonefilter", r.name));
                        let filter = filter.map(|f| format!(" [{f}]")).unwrap_or_default();
                        out.extend_from_slice(
                            format!("{}\t{u} (fetch){filter}\n", r.name).as_bytes(),
                        )
                    }
                    None => out.extend_from_slice(format!("{}\t\n", r.name).as_bytes()),
                }
                let push = if r.push_urls.is_empty() {
                    &r.urls
                } else {
                    &r.push_urls
                };
                for u in push {
                    out.extend_from_slice(format!("{}\t{u} (push)\n", r.name).as_bytes());
                }
            }
        }
        Some("get-url") => {
            let (mut push, mut all) = (false, false);
            let mut names = Vec::new();
            for a in &args[i + 1..] {
                match a.as_str() {
                    "--push" => push = true,
                    "--all" => all = true,
                    "--no-push" => push = false,
                    "--no-all" => all = false,
                    _ if a.starts_with('-') && a.len() > 1 => {
                        return Ok(super::options::usage_error(
                            &format!("unknown option `{}'", a.trim_start_matches('-')),
                            GET_URL_USAGE,
                        ))
                    }
                    _ => names.push(a.clone()),
                }
            }
            let [name] = names.as_slice() else {
                return Ok(super::options::usage_error("", GET_URL_USAGE));
            };
            let Some(r) = list.iter().find(|r| r.name == *name) else {
                eprintln!("error: No such remote '{name}'");
                return Ok(2);
            };
            // A remote without urls has its name as its url.
            let own = [r.name.clone()];
            let urls: &[String] = if r.urls.is_empty() { &own } else { &r.urls };
            let chosen = if push && !r.push_urls.is_empty() {
                &r.push_urls[..]
            } else {
                urls
            };
            let chosen = if all { chosen } else { &chosen[..1] };
            for u in chosen {
                out.extend_from_slice(format!("{u}\n").as_bytes());
            }
        }
        Some(
            sub @ ("add" | "rename" | "remove" | "rm" | "set-head" | "prune" | "update"
            | "set-branches" | "set-url"),
        ) => {
            return Err(Fatal::new(format!(
                "remote {sub} is not supported: oxgit is read-only and never changes the config"
            )))
        }
        Some("show") => {
            return Err(Fatal::new(
                "remote show is not supported by oxgit (it contacts the remote)",
            ))
        }
        Some(other) => {
            eprintln!("error: unknown subcommand: `{other}'");
            return Ok(super::options::usage_error("", USAGE));
        }
    }
    ctx.out.write_all(&out)?;
    Ok(0)
}

/// git's usage text for `remote get-url`.
const GET_URL_USAGE: &str = "usage: oxgit remote get-url [--push] [--all] <name>

    --[no-]push           query push URLs rather than fetch URLs
    --[no-]all            return all URLs

";
