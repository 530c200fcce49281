//! `oxgit mr`: merge requests stored in the repository (see [`crate::server::mr`]).
//!
//! ```text
//! oxgit mr create --source <branch> --target <branch> --title <text> [--description <text>]
//!                 [--author 'Name <email>'] [--username <name>]
//! oxgit mr list [--state opened|closed|merged|locked|all]
//! oxgit mr show <iid> [--json]
//! oxgit mr update <iid> [--title <text>] [--description <text>]
//! oxgit mr close <iid>
//! oxgit mr register --root <dir> [--id <n>]     (CodeArts repository id)
//! ```

use super::{Context, Fatal};
use crate::server::mr::{self, Author, MrError, NewMergeRequest, Record, State, Timestamp};
use std::io::Write;

pub(super) const USAGE: &str =
    "usage: oxgit mr (create|list|show|update|close|register) [<options>]";

fn fatal(e: MrError) -> Fatal {
    Fatal::new(e.to_string())
}

/// Parsed `--name value` / `--name=value` options and positional arguments.
struct Opts {
    named: Vec<(String, String)>,
    flags: Vec<String>,
    positional: Vec<String>,
}

fn parse(args: &[String], with_value: &[&str], flags: &[&str]) -> Result<Opts, Fatal> {
    let mut o = Opts {
        named: Vec::new(),
        flags: Vec::new(),
        positional: Vec::new(),
    };
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let (name, inline) = match a.split_once('=') {
            Some((n, v)) if n.starts_with("--") => (n.to_string(), Some(v.to_string())),
            _ => (a.clone(), None),
        };
        if with_value.contains(&name.as_str()) {
            let v = match inline {
                Some(v) => v,
                None => it
                    .next()
                    .cloned()
                    .ok_or_else(|| Fatal::usage(format!("option '{name}' requires a value")))?,
            };
            o.named.push((name, v));
        } else if flags.contains(&name.as_str()) {
            o.flags.push(name);
        } else if name.starts_with('-') {
            return Err(Fatal::usage(format!("unknown option '{name}'\n{USAGE}")));
        } else {
            o.positional.push(a.clone());
        }
    }
    Ok(o)
}

impl Opts {
    fn get(&self, name: &str) -> Option<&str> {
        self.named
            .iter()
            .rev()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    fn iid(&self) -> Result<u64, Fatal> {
        match self.positional.as_slice() {
            [one] => one
                .trim_start_matches('!')
                .parse()
                .map_err(|_| Fatal::usage(format!("'{one}' is not a merge request number"))),
            _ => Err(Fatal::usage(format!(
                "expected one merge request number\n{USAGE}"
            ))),
        }
    }
}

fn print_record(out: &mut dyn Write, r: &Record) -> std::io::Result<()> {
    let m = &r.mr;
    writeln!(out, "!{} {}: {}", m.iid, m.state.name(), m.title)?;
    writeln!(out, "{} -> {}", m.source_branch, m.target_branch)?;
    writeln!(
        out,
        "author: {} <{}> ({})",
        m.author.name, m.author.email, m.author.username
    )?;
    writeln!(out, "created: {}  updated: {}", m.created_at, m.updated_at)?;
    writeln!(out, "base_sha: {}", r.version.base_sha)?;
    writeln!(out, "start_sha: {}", r.version.start_sha)?;
    writeln!(out, "head_sha: {}", r.version.head_sha)?;
    if !m.description.is_empty() {
        writeln!(out, "\n{}", m.description)?;
    }
    Ok(())
}

fn parse_author(s: &str, username: Option<&str>) -> Result<Author, Fatal> {
    let (name, rest) = s
        .split_once('<')
        .ok_or_else(|| Fatal::usage("--author must look like 'Name <email>'"))?;
    let email = rest
        .strip_suffix('>')
        .ok_or_else(|| Fatal::usage("--author must look like 'Name <email>'"))?;
    Ok(Author {
        name: name.trim().to_string(),
        email: email.trim().to_string(),
        username: username
            .map(str::to_string)
            .unwrap_or_else(|| email.split('@').next().unwrap_or("").to_string()),
    })
}

/// Runs `oxgit mr`.
pub fn run(ctx: &mut Context<'_>) -> Result<i32, Fatal> {
    let Some((sub, rest)) = ctx.args.split_first() else {
        return Err(Fatal::usage(USAGE));
    };
    let (sub, rest) = (sub.clone(), rest.to_vec());
    // Merge requests are stored as JSON text: their arguments must be UTF-8.
    if rest
        .iter()
        .any(|a| a.chars().any(crate::bytestr::is_reserved))
    {
        return Err(Fatal::new("mr: arguments must be UTF-8"));
    }
    let now = Timestamp::now();
    match sub.as_str() {
        "create" => {
            let o = parse(
                &rest,
                &[
                    "--source",
                    "--target",
                    "--title",
                    "--description",
                    "--author",
                    "--username",
                ],
                &[],
            )?;
            let need = |n: &str| {
                o.get(n)
                    .map(str::to_string)
                    .ok_or_else(|| Fatal::usage(format!("mr create needs {n}")))
            };
            let author = match o.get("--author") {
                Some(a) => Some(parse_author(a, o.get("--username"))?),
                None => None,
            };
            let new = NewMergeRequest {
                source_branch: need("--source")?,
                target_branch: need("--target")?,
                title: need("--title")?,
                description: o.get("--description").unwrap_or("").to_string(),
                author,
            };
            let repo = ctx.repo()?;
            let (m, v) = mr::create(&repo, &new, now).map_err(fatal)?;
            writeln!(ctx.out, "!{} opened: {}", m.iid, m.title)?;
            writeln!(
                ctx.out,
                "base_sha {}\nstart_sha {}\nhead_sha {}",
                v.base_sha, v.start_sha, v.head_sha
            )?;
        }
        "list" => {
            let o = parse(&rest, &["--state"], &[])?;
            let want = o.get("--state").unwrap_or("all");
            if !["opened", "closed", "merged", "locked", "all"].contains(&want) {
                return Err(Fatal::usage(format!("unknown state '{want}'")));
            }
            let repo = ctx.repo()?;
            for r in mr::list(&repo).map_err(fatal)? {
                if want == "all" || r.mr.state.name() == want {
                    writeln!(
                        ctx.out,
                        "!{}\t{}\t{} -> {}\t{}",
                        r.mr.iid,
                        r.mr.state.name(),
                        r.mr.source_branch,
                        r.mr.target_branch,
                        r.mr.title
                    )?;
                }
            }
        }
        "show" => {
            let o = parse(&rest, &[], &["--json"])?;
            let iid = o.iid()?;
            let repo = ctx.repo()?;
            let r = mr::get(&repo, iid).map_err(fatal)?;
            if o.flags.iter().any(|f| f == "--json") {
                let versions: Vec<serde_json::Value> = mr::versions(&repo, iid)
                    .map_err(fatal)?
                    .iter()
                    .map(|v| {
                        serde_json::json!({"base_sha": v.base_sha.to_hex(), "start_sha": v.start_sha.to_hex(), "head_sha": v.head_sha.to_hex()})
                    })
                    .collect();
                let mut j = serde_json::to_value(&r.mr).map_err(|e| Fatal::new(e.to_string()))?;
                j["versions"] = serde_json::Value::Array(versions);
                writeln!(
                    ctx.out,
                    "{}",
                    serde_json::to_string_pretty(&j).map_err(|e| Fatal::new(e.to_string()))?
                )?;
            } else {
                print_record(ctx.out, &r)?;
            }
        }
        "update" => {
            let o = parse(&rest, &["--title", "--description"], &[])?;
            let iid = o.iid()?;
            let repo = ctx.repo()?;
            let mut r = mr::refresh(&repo, iid, now).map_err(fatal)?;
            if o.get("--title").is_some() || o.get("--description").is_some() {
                r = mr::edit(
                    &repo,
                    iid,
                    o.get("--title").map(str::to_string),
                    o.get("--description").map(str::to_string),
                    now,
                )
                .map_err(fatal)?;
            }
            print_record(ctx.out, &r)?;
        }
        "close" => {
            let o = parse(&rest, &[], &[])?;
            let repo = ctx.repo()?;
            let r = mr::set_state(&repo, o.iid()?, State::Closed, now).map_err(fatal)?;
            writeln!(ctx.out, "!{} closed: {}", r.mr.iid, r.mr.title)?;
        }
        "register" => {
            let o = parse(&rest, &["--root", "--id"], &[])?;
            let root = o
                .get("--root")
                .ok_or_else(|| Fatal::usage("mr register needs --root <dir>"))?;
            let id = match o.get("--id") {
                Some(i) => Some(
                    i.parse()
                        .map_err(|_| Fatal::usage(format!("--id {i}: not a number")))?,
                ),
                None => None,
            };
            let repo = ctx.repo()?;
            let dir = repo.work_tree().unwrap_or(repo.git_dir()).to_path_buf();
            let id = crate::server::codearts_registry::register(
                &ctx.cwd.join(super::arg_path(root)),
                &dir,
                id,
            )
            .map_err(|e| Fatal::new(e.to_string()))?;
            writeln!(ctx.out, "{id}")?;
        }
        other => {
            return Err(Fatal::usage(format!(
                "unknown mr command '{other}'\n{USAGE}"
            )))
        }
    }
    Ok(0)
}
