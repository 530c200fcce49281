//! `oxgit config`: the reading side of `git config` as git 2.47 prints it: one value
//! (`<name>`, `--get`, `get`), every value (`--get-all`, `get --all`), names matching a
//! regular expression (`--get-regexp`, `get --regexp`), the whole cascade (`-l`,
//! `list`), in one scope or file, typed (`--bool`, `--int`, `--bool-or-int`, `--path`),
//! with origins and scopes. Writing is refused: oxgit is read-only.

use super::{Context, Fatal};
use crate::config::{Config, Origin, Scope, Sources};
use crate::revision::regex::{Matcher, Syntax};
use std::path::{Path, PathBuf};

/// git's usage text for `config`, with oxgit's name.
pub(super) const USAGE: &str = "usage: oxgit config list [<file-option>] [<display-option>] [--includes]
   or: oxgit config get [<file-option>] [<display-option>] [--includes] [--all] [--regexp] [--value=<value>] [--fixed-value] [--default=<default>] <name>

Config file location
    --[no-]global         use global config file
    --[no-]system         use system config file
    --[no-]local          use repository config file
    -f, --[no-]file <file>
                          use given config file

Action
    --get                 get value: name [<value-pattern>]
    --get-all             get all values: key [<value-pattern>]
    --get-regexp          get values for regexp: name-regex [<value-pattern>]
    -l, --list            list all

Type
    --type <type>         value is given this type
    --bool                value is \"true\" or \"false\"
    --int                 value is decimal number
    --bool-or-int         value is --bool or --int
    --path                value is a path (file or directory name)

Other
    -z, --[no-]null       terminate values with NUL byte
    --[no-]name-only      show variable names only
    --[no-]includes       respect include directives on lookup
    --[no-]show-origin    show origin of config (file, standard input, blob, command line)
    --[no-]show-scope     show scope of config (worktree, local, global, system, command)
    --[no-]default <value>
                          with --get, use default value when missing entry

";

/// What is asked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Action {
    Get,
    GetAll,
    GetRegexp,
    List,
}

/// How values are shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Type {
    Raw,
    Bool,
    Int,
    BoolOrInt,
    Path,
}

/// Where values are read from.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Location {
    Cascade,
    System,
    Global,
    Local,
    File(String),
}

#[derive(Default)]
struct Display {
    null: bool,
    name_only: bool,
    show_origin: bool,
    show_scope: bool,
    show_names: Option<bool>,
}

fn read_only(what: &str) -> Fatal {
    Fatal::new(format!(
        "config {what} is not supported: oxgit is read-only and never writes config files"
    ))
}

/// Runs `config`.
pub fn run(ctx: &mut Context<'_>) -> Result<i32, Fatal> {
    let args = ctx.args.clone();
    let mut action: Option<Action> = None;
    let mut subcommand = false;
    let mut ty = Type::Raw;
    let mut location = Location::Cascade;
    let mut display = Display::default();
    let mut default: Option<String> = None;
    let mut includes: Option<bool> = None;
    let mut rest: Vec<String> = Vec::new();
    // `config get --all` / `--regexp`.
    let (mut get_all, mut get_regexp) = (false, false);
    let mut i = 0;
    if let Some(first) = args.first() {
        match first.as_str() {
            "list" => {
                action = Some(Action::List);
                subcommand = true;
                i = 1;
            }
            "get" => {
                action = Some(Action::Get);
                subcommand = true;
                i = 1;
            }
            "set" | "unset" | "rename-section" | "remove-section" | "edit" => {
                return Err(read_only(first))
            }
            _ => {}
        }
    }
    let set_action = |a: Action, action: &mut Option<Action>| -> Result<(), i32> {
        match action {
            Some(prev) if *prev != a => {
                eprintln!("error: only one action at a time");
                Err(super::options::usage_error("", USAGE))
            }
            _ => {
                *action = Some(a);
                Ok(())
            }
        }
    };
    while i < args.len() {
        let a = args[i].as_str();
        let mut value_of = |name: &str| -> Result<String, i32> {
            if let Some(v) = a.strip_prefix(&format!("{name}=")) {
                return Ok(v.to_string());
            }
            i += 1;
            args.get(i).cloned().ok_or_else(|| {
                super::options::usage_error(
                    &format!("option `{}' requires a value", name.trim_start_matches('-')),
                    USAGE,
                )
            })
        };
        macro_rules! value {
            ($name:expr) => {
                match value_of($name) {
                    Ok(v) => v,
                    Err(code) => return Ok(code),
                }
            };
        }
        match a {
            "--get" if !subcommand => {
                if let Err(c) = set_action(Action::Get, &mut action) {
                    return Ok(c);
                }
            }
            "--get-all" if !subcommand => {
                if let Err(c) = set_action(Action::GetAll, &mut action) {
                    return Ok(c);
                }
            }
            "--get-regexp" if !subcommand => {
                if let Err(c) = set_action(Action::GetRegexp, &mut action) {
                    return Ok(c);
                }
            }
            "-l" | "--list" if !subcommand => {
                if let Err(c) = set_action(Action::List, &mut action) {
                    return Ok(c);
                }
            }
            "--all" if subcommand && action == Some(Action::Get) => get_all = true,
            "--regexp" if subcommand && action == Some(Action::Get) => get_regexp = true,
            "--show-names" if subcommand => display.show_names = Some(true),
            "--no-show-names" if subcommand => display.show_names = Some(false),
            "--global" => location = Location::Global,
            "--system" => location = Location::System,
            "--local" => location = Location::Local,
            "--no-global" | "--no-system" | "--no-local" | "--no-file" => {
                location = Location::Cascade
            }
            "--worktree" => {
                return Err(Fatal::new(
                    "config --worktree is not supported by oxgit yet",
                ))
            }
            "--blob" => return Err(Fatal::new("config --blob is not supported by oxgit yet")),
            _ if a == "-f" || a == "--file" || a.starts_with("--file=") => {
                location = Location::File(value!("--file"))
            }
            _ if a.starts_with("--blob=") => {
                return Err(Fatal::new("config --blob is not supported by oxgit yet"))
            }
            "--bool" => ty = Type::Bool,
            "--int" => ty = Type::Int,
            "--bool-or-int" => ty = Type::BoolOrInt,
            "--path" => ty = Type::Path,
            "--no-type" => ty = Type::Raw,
            _ if a == "--type" || a.starts_with("--type=") => {
                let v = value!("--type");
                ty = match v.as_str() {
                    "bool" => Type::Bool,
                    "int" => Type::Int,
                    "bool-or-int" => Type::BoolOrInt,
                    "path" => Type::Path,
                    "bool-or-str" | "expiry-date" | "color" => {
                        return Err(Fatal::new(format!(
                            "config --type={v} is not supported by oxgit yet"
                        )))
                    }
                    _ => return Err(Fatal::new(format!("unrecognized --type argument, {v}"))),
                }
            }
            "-z" | "--null" => display.null = true,
            "--no-null" => display.null = false,
            "--name-only" => display.name_only = true,
            "--no-name-only" => display.name_only = false,
            "--show-origin" => display.show_origin = true,
            "--no-show-origin" => display.show_origin = false,
            "--show-scope" => display.show_scope = true,
            "--no-show-scope" => display.show_scope = false,
            "--includes" => includes = Some(true),
            "--no-includes" => includes = Some(false),
            "--no-default" => default = None,
            _ if a == "--default" || a.starts_with("--default=") => {
                default = Some(value!("--default"))
            }
            "--add" | "--replace-all" | "--unset" | "--unset-all" | "--rename-section"
            | "--remove-section" | "-e" | "--edit" => return Err(read_only(a)),
            "--get-urlmatch" | "--get-color" | "--get-colorbool" | "--fixed-value" => {
                return Err(Fatal::new(format!(
                    "config {a} is not supported by oxgit yet"
                )))
            }
            _ if a.starts_with("--value") || a.starts_with("--url") => {
                return Err(Fatal::new(format!(
                    "config get {a} is not supported by oxgit yet"
                )))
            }
            "--" => {
                rest.extend(args[i + 1..].iter().cloned());
                break;
            }
            _ if a.starts_with('-') && a.len() > 1 => {
                return Ok(super::options::usage_error(
                    &format!("unknown option `{}'", a.trim_start_matches('-')),
                    USAGE,
                ))
            }
            _ => rest.push(a.to_string()),
        }
        i += 1;
    }
    let action = match (action, rest.len()) {
        (Some(a), _) => a,
        (None, 1) => Action::Get,
        (None, 0) => return Ok(super::options::usage_error("", USAGE)),
        (None, _) => return Err(read_only("setting a value")),
    };
    let wanted = match action {
        Action::List => 0,
        _ => 1,
    };
    if rest.len() > wanted {
        if action != Action::List && !subcommand && rest.len() == 2 {
            return Err(Fatal::new(
                "config value patterns (<value-pattern>) are not supported by oxgit yet",
            ));
        }
        eprintln!("error: wrong number of arguments, should be {wanted}");
        return Ok(super::options::usage_error("", USAGE));
    }
    if rest.len() < wanted {
        eprintln!(
            "error: wrong number of arguments, should be {}",
            if subcommand { "1" } else { "from 1 to 2" }
        );
        return Ok(super::options::usage_error("", USAGE));
    }
    if display.name_only && action != Action::List && action != Action::GetRegexp && !subcommand {
        eprintln!("error: --name-only is only applicable to --list or --get-regexp");
        return Ok(super::options::usage_error("", USAGE));
    }
    if default.is_some() && action != Action::Get && action != Action::GetAll {
        eprintln!("error: --default is only applicable to --get");
        return Ok(super::options::usage_error("", USAGE));
    }
    let view = View::open(ctx, &location, includes)?;
    let mut out = Vec::new();
    let code = match action {
        Action::List => {
            if let Some(f) = &view.missing {
                return Err(Fatal::new(format!(
                    "unable to read config file '{}': No such file or directory",
                    view.shown_path(Path::new(f))
                )));
            }
            for (k, v, o) in view.config.entries_with_origin() {
                view.prefix(&display, o, &mut out);
                out.extend_from_slice(k.as_bytes());
                if let Some(v) = v.filter(|_| !display.name_only) {
                    out.push(if display.null { b'\n' } else { b'=' });
                    out.extend_from_slice(&crate::bytestr::decode(v));
                }
                out.push(if display.null { 0 } else { b'\n' });
            }
            0
        }
        _ => {
            // `--get-regexp`: every match with its name; `get --regexp`: as `--all` and
            // `--show-names` say.
            let regexp = action == Action::GetRegexp || get_regexp;
            let show_keys = display
                .show_names
                .unwrap_or(action == Action::GetRegexp && !subcommand);
            let name_only = display.name_only && regexp;
            let key = &rest[0];
            let found = match view.lookup(key, regexp)? {
                Ok(found) => found,
                Err(code) => return Ok(code),
            };
            // git formats every match (its type errors included) before it keeps the last.
            for (k, v, o) in &found {
                typed(ty, k, *v, *o, &view)?;
            }
            let last_only = if subcommand {
                !get_all
            } else {
                action == Action::Get
            };
            let chosen: Vec<_> = if last_only {
                found.last().cloned().into_iter().collect()
            } else {
                found
            };
            if chosen.is_empty() {
                match &default {
                    Some(d) => {
                        let v = typed(ty, key, Some(d), None, &view)?;
                        out.extend_from_slice(&v);
                        out.push(if display.null { 0 } else { b'\n' });
                        0
                    }
                    None => 1,
                }
            } else {
                for (k, v, o) in chosen {
                    view.prefix(&display, o, &mut out);
                    if show_keys {
                        out.extend_from_slice(k.as_bytes());
                        if name_only {
                            out.push(if display.null { 0 } else { b'\n' });
                            continue;
                        }
                        if v.is_some() || ty != Type::Raw {
                            out.push(if display.null { b'\n' } else { b' ' });
                        }
                    }
                    let v = typed(ty, k, v, o, &view)?;
                    out.extend_from_slice(&v);
                    out.push(if display.null { 0 } else { b'\n' });
                }
                0
            }
        }
    };
    ctx.out.write_all(&out)?;
    Ok(code)
}

/// The config read for one location, and how its file names are shown.
struct View {
    config: Config,
    /// The file named by a file option that does not exist (listing it is an error).
    missing: Option<String>,
    /// Where the repository's files are, and how git names that folder.
    git_dir: Option<(PathBuf, String)>,
}

type Found<'a> = Vec<(&'a str, Option<&'a str>, Option<&'a Origin>)>;

impl View {
    fn open(ctx: &Context<'_>, location: &Location, includes: Option<bool>) -> Result<View, Fatal> {
        let bad = |e: crate::config::ConfigError| Fatal::new(e.to_string());
        let repo = ctx.repo().ok();
        let git_dir = repo.as_ref().map(|r| {
            let dir = r.common_dir().to_path_buf();
            let env = ctx
                .globals
                .git_dir
                .as_ref()
                .map(|p| p.to_string_lossy().into_owned())
                .or_else(|| std::env::var("GIT_DIR").ok().filter(|v| !v.is_empty()));
            let shown = match (env, r.work_tree()) {
                (Some(e), _) if r.common_dir() == r.git_dir() => e,
                (_, Some(wt)) if dir == wt.join(".git") => ".git".to_string(),
                (_, None)
                    if std::fs::canonicalize(&ctx.cwd).ok() == std::fs::canonicalize(&dir).ok() =>
                {
                    String::new()
                }
                _ => dir.to_string_lossy().into_owned(),
            };
            (dir, shown)
        });
        if includes == Some(true) && *location != Location::Cascade {
            return Err(Fatal::new(
                "config --includes with a file option is not supported by oxgit yet",
            ));
        }
        let sources = || -> Result<Sources, Fatal> {
            let mut s = Sources::from_env().map_err(bad)?;
            for c in &ctx.globals.config {
                s.push_command_line(c).map_err(bad)?;
            }
            Ok(s)
        };
        // A missing file reads as empty; listing it is an error (`View::missing`).
        let mut missing: Option<String> = None;
        let mut one = |path: PathBuf, scope: Scope, shown: &Path| -> Result<Config, Fatal> {
            if !path.exists() {
                missing = Some(shown.to_string_lossy().into_owned());
                return Ok(Config::default());
            }
            Config::load_scoped(&path, scope, shown).map_err(bad)
        };
        let config = match location {
            Location::Cascade => {
                if includes == Some(false) {
                    return Err(Fatal::new(
                        "config --no-includes is not supported by oxgit yet",
                    ));
                }
                match &repo {
                    Some(r) => r.config().clone(),
                    None => Config::cascade_outside_repository(&sources()?).map_err(bad)?,
                }
            }
            Location::System => {
                let path = sources()?
                    .system
                    .unwrap_or_else(|| PathBuf::from("/etc/gitconfig"));
                one(path.clone(), Scope::System, &path)?
            }
            Location::Global => {
                let s = sources()?;
                let existing: Vec<&PathBuf> = s.global.iter().filter(|p| p.exists()).collect();
                if existing.is_empty() {
                    let shown = s
                        .global
                        .last()
                        .map(|p| p.to_string_lossy().into_owned())
                        .unwrap_or_default();
                    return Err(Fatal::new(format!(
                        "unable to read config file '{shown}': No such file or directory"
                    )));
                }
                let mut c = Config::default();
                for p in existing {
                    c.extend(Config::load_scoped(p, Scope::Global, p).map_err(bad)?);
                }
                c
            }
            Location::Local => {
                let Some(r) = &repo else {
                    return Err(Fatal::new(
                        "--local can only be used inside a git repository",
                    ));
                };
                let path = r.common_dir().join("config");
                one(path.clone(), Scope::Local, &path)?
            }
            Location::File(f) => {
                // Named as given, after the folder's path in the work tree (git runs
                // from the top of the work tree).
                let prefix = repo
                    .as_ref()
                    .and_then(|r| r.work_tree())
                    .and_then(|wt| ctx.cwd.strip_prefix(wt).ok())
                    .filter(|_| Path::new(f).is_relative())
                    .map(Path::to_path_buf)
                    .unwrap_or_default();
                one(ctx.cwd.join(f), Scope::Command, &prefix.join(f))?
            }
        };
        Ok(View {
            config,
            git_dir,
            missing,
        })
    }

    /// How git names `path` (relative to where git found the repository).
    fn shown_path(&self, path: &Path) -> String {
        if let Some((dir, shown)) = &self.git_dir {
            if let Ok(rest) = path.strip_prefix(dir) {
                let rest = rest.to_string_lossy();
                return if shown.is_empty() {
                    rest.into_owned()
                } else {
                    format!("{}/{rest}", shown.trim_end_matches('/'))
                };
            }
        }
        path.to_string_lossy().into_owned()
    }

    /// The `--show-scope` and `--show-origin` columns.
    fn prefix(&self, d: &Display, origin: Option<&Origin>, out: &mut Vec<u8>) {
        let term = if d.null { 0 } else { b'\t' };
        if d.show_scope {
            out.extend_from_slice(origin.map_or("unknown", |o| o.scope.name()).as_bytes());
            out.push(term);
        }
        if d.show_origin {
            match origin.and_then(|o| o.file.as_deref()) {
                Some(f) => {
                    out.extend_from_slice(b"file:");
                    let shown = self.shown_path(f);
                    if d.null {
                        out.extend_from_slice(shown.as_bytes());
                    } else {
                        out.extend_from_slice(&crate::diff::quote::quoted(shown.as_bytes(), true));
                    }
                }
                None => out.extend_from_slice(b"command line:"),
            }
            out.push(term);
        }
    }

    /// The entries `key` names (or, with `regexp`, whose names match it); the inner
    /// error is git's exit code for a bad key or pattern.
    fn lookup(&self, key: &str, regexp: bool) -> Result<Result<Found<'_>, i32>, Fatal> {
        // git lowercases the section and the variable name of the key (or pattern).
        let first = key.find('.');
        let last = key.rfind('.');
        let mut k = String::with_capacity(key.len());
        for (i, c) in key.char_indices() {
            let outer = first.is_none_or(|f| i < f) || last.is_some_and(|l| i > l);
            k.push(if outer { c.to_ascii_lowercase() } else { c });
        }
        if regexp {
            let m = match Matcher::new(k.as_bytes(), Syntax::Extended, false, false) {
                Ok(m) => m,
                Err(crate::revision::regex::PatternError::Invalid(_)) => {
                    eprintln!("error: invalid key pattern: {key}");
                    return Ok(Err(6));
                }
                Err(e) => return Err(Fatal::new(e.to_string())),
            };
            return Ok(Ok(self
                .config
                .entries_with_origin()
                .filter(|(name, _, _)| m.is_match(name.as_bytes()))
                .collect()));
        }
        let (Some(first), Some(last)) = (first, last) else {
            eprintln!("error: key does not contain a section: {key}");
            return Ok(Err(1));
        };
        if last + 1 == key.len() {
            eprintln!("error: key does not contain variable name: {key}");
            return Ok(Err(1));
        }
        let name = &key[last + 1..];
        let section = &key[..first];
        let valid_name = name.starts_with(|c: char| c.is_ascii_alphabetic())
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
        let valid_section = !section.is_empty()
            && section
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-');
        if !valid_name || !valid_section || key[first..=last].contains('\n') {
            eprintln!("error: invalid key: {key}");
            return Ok(Err(1));
        }
        Ok(Ok(self
            .config
            .entries_with_origin()
            .filter(|(name, _, _)| *name == k)
            .collect()))
    }
}

/// The `in file <name>` part of git's errors for a value.
fn origin_text(origin: Option<&Origin>, view: &View) -> String {
    match origin {
        Some(Origin { file: Some(f), .. }) => format!(" in file {}", view.shown_path(f)),
        Some(Origin { file: None, .. }) => " in command line".to_string(),
        None => String::new(),
    }
}

/// git's `git_parse_signed` with units: `strtoimax` in base 0, then `k`, `m` or `g`.
fn parse_int(v: &str) -> Result<i64, &'static str> {
    let t = v.trim_start();
    let (neg, digits) = match t.as_bytes().first() {
        Some(b'-') => (true, &t[1..]),
        Some(b'+') => (false, &t[1..]),
        _ => (false, t),
    };
    let (radix, body) = if let Some(h) = digits
        .strip_prefix("0x")
        .or_else(|| digits.strip_prefix("0X"))
        .filter(|h| h.starts_with(|c: char| c.is_ascii_hexdigit()))
    {
        (16, h)
    } else if digits.len() > 1 && digits.starts_with('0') {
        (8, &digits[1..])
    } else {
        (10, digits)
    };
    let end = body
        .find(|c: char| !c.is_digit(radix))
        .unwrap_or(body.len());
    if end == 0 && radix != 8 {
        return Err("invalid unit");
    }
    let magnitude = i128::from_str_radix(if end == 0 { "0" } else { &body[..end] }, radix)
        .map_err(|_| "out of range")?;
    let factor: i128 = match &body[end..] {
        "" => 1,
        u if u.eq_ignore_ascii_case("k") => 1 << 10,
        u if u.eq_ignore_ascii_case("m") => 1 << 20,
        u if u.eq_ignore_ascii_case("g") => 1 << 30,
        _ => return Err("invalid unit"),
    };
    let n = if neg { -magnitude } else { magnitude };
    n.checked_mul(factor)
        .and_then(|x| i64::try_from(x).ok())
        .ok_or("out of range")
}

/// A value shown as `ty` (git's `format_config`).
fn typed(
    ty: Type,
    key: &str,
    value: Option<&str>,
    origin: Option<&Origin>,
    view: &View,
) -> Result<Vec<u8>, Fatal> {
    let numeric_error = |v: &str, why: &str| {
        Fatal::new(format!(
            "bad numeric config value '{v}' for '{key}'{}: {why}",
            origin_text(origin, view)
        ))
    };
    let boolean = |v: Option<&str>| -> Option<bool> {
        match v {
            None => Some(true),
            Some(v) => crate::config::parse_bool(v),
        }
    };
    Ok(match ty {
        Type::Raw => value
            .map(|v| crate::bytestr::decode(v).into_owned())
            .unwrap_or_default(),
        Type::Bool => match boolean(value) {
            Some(b) => if b { "true" } else { "false" }.into(),
            None => {
                return Err(Fatal::new(format!(
                    "bad boolean config value '{}' for '{key}'",
                    value.unwrap_or("")
                )))
            }
        },
        Type::Int => {
            let v = value.unwrap_or("");
            parse_int(v)
                .map_err(|why| numeric_error(v, why))?
                .to_string()
                .into_bytes()
        }
        Type::BoolOrInt => match value.map_or(Some(true), text_bool) {
            Some(b) => if b { "true" } else { "false" }.into(),
            None => {
                let v = value.unwrap_or("");
                let n = parse_int(v).map_err(|why| numeric_error(v, why))?;
                i32::try_from(n)
                    .map_err(|_| numeric_error(v, "out of range"))?
                    .to_string()
                    .into_bytes()
            }
        },
        Type::Path => {
            let Some(v) = value else {
                return Err(Fatal::new(format!("missing value for '{key}'")));
            };
            if let Some(rest) = v.strip_prefix("~/") {
                let home = std::env::var("HOME").unwrap_or_default();
                format!("{home}/{rest}").into_bytes()
            } else if v.starts_with('~') || v.starts_with("%(prefix)/") {
                return Err(Fatal::new(format!(
                    "config --path for '{v}' (~user or %(prefix)) is not supported by oxgit yet"
                )));
            } else {
                crate::bytestr::decode(v).into_owned()
            }
        }
    })
}

/// git's `git_parse_maybe_bool_text`: the words only (numbers are not booleans here).
fn text_bool(v: &str) -> Option<bool> {
    match v.to_ascii_lowercase().as_str() {
        "true" | "yes" | "on" => Some(true),
        "false" | "no" | "off" | "" => Some(false),
        _ => None,
    }
}
