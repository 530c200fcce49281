//! A reader for git's config files: sections, subsections, keys and values with git's
//! quoting, escapes, comments and continuation lines; and git's cascade of them.
//!
//! [`Config::parse`] and [`Config::load`] read one file. [`Config::cascade`] reads what
//! git reads, in git's order (a later value wins): the system file, the global files, the
//! repository's `config`, the worktree's `config.worktree` (with
//! `extensions.worktreeConfig`), and command-line values (`GIT_CONFIG_COUNT` /
//! `GIT_CONFIG_KEY_<n>` / `GIT_CONFIG_VALUE_<n>`, `GIT_CONFIG_PARAMETERS`, then `-c`),
//! following `include.path` and `includeIf.<condition>.path` (`gitdir:`, `gitdir/i:`,
//! `onbranch:`, `hasconfig:remote.*.url:`) in every file. Which files are read is
//! chosen by [`Sources`]: [`Sources::repository_only`] never depends on the user running
//! oxgit; [`Sources::from_env`] is git's.

use std::path::{Path, PathBuf};

/// A parsed config file: `(section.subsection.key, value)` in file order. Section and key
/// names are lowercased; subsections keep their case, as in git.
#[derive(Debug, Clone, Default)]
pub struct Config {
    entries: Vec<(String, Option<String>)>,
    /// Where entries come from: each `(first entry, origin)` holds until the next
    /// (empty for a config parsed from text).
    origins: Vec<(usize, Origin)>,
}

/// Which level of git's cascade a value comes from (`git config --show-scope`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    /// The system file.
    System,
    /// The user's files.
    Global,
    /// The repository's `config`.
    Local,
    /// The worktree's `config.worktree`.
    Worktree,
    /// `-c`, `GIT_CONFIG_PARAMETERS`, `GIT_CONFIG_COUNT`.
    Command,
}

impl Scope {
    /// git's name for the scope.
    pub fn name(self) -> &'static str {
        match self {
            Scope::System => "system",
            Scope::Global => "global",
            Scope::Local => "local",
            Scope::Worktree => "worktree",
            Scope::Command => "command",
        }
    }
}

/// Where one config value was read (`git config --show-origin`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Origin {
    /// The level of the cascade (an included file has its includer's).
    pub scope: Scope,
    /// The file, or `None` for the command line.
    pub file: Option<PathBuf>,
}

/// Where the files of a config cascade are, and the command-line values on top.
#[derive(Clone, Debug, Default)]
pub struct Sources {
    /// The system file (`/etc/gitconfig`, `GIT_CONFIG_SYSTEM`), `None` with
    /// `GIT_CONFIG_NOSYSTEM`.
    pub system: Option<PathBuf>,
    /// The global files in reading order: `GIT_CONFIG_GLOBAL`, or
    /// `$XDG_CONFIG_HOME/git/config` (`~/.config/git/config`) then `~/.gitconfig`.
    pub global: Vec<PathBuf>,
    /// `$HOME`, for `~/` in include paths.
    pub home: Option<PathBuf>,
    /// Command-line values, in order (`GIT_CONFIG_COUNT` entries, `GIT_CONFIG_PARAMETERS`,
    /// then `-c`); a `None` value is a bare key (boolean true).
    pub command_line: Vec<(String, Option<String>)>,
}

impl Sources {
    /// Only the repository's own files (and their includes): results never depend on
    /// the user running oxgit.
    pub fn repository_only() -> Sources {
        Sources::default()
    }

    /// The files and values git reads, from the environment: `GIT_CONFIG_NOSYSTEM`,
    /// `GIT_CONFIG_SYSTEM`, `GIT_CONFIG_GLOBAL`, `XDG_CONFIG_HOME`, `HOME`,
    /// `GIT_CONFIG_COUNT`/`GIT_CONFIG_KEY_<n>`/`GIT_CONFIG_VALUE_<n>` and
    /// `GIT_CONFIG_PARAMETERS`.
    pub fn from_env() -> Result<Sources, ConfigError> {
        let var = |k: &str| std::env::var_os(k).filter(|v| !v.is_empty());
        let home = var("HOME").map(PathBuf::from);
        let no_system = std::env::var("GIT_CONFIG_NOSYSTEM")
            .ok()
            .is_some_and(|v| parse_bool(&v).unwrap_or(true));
        let system = if no_system {
            None
        } else {
            Some(
                var("GIT_CONFIG_SYSTEM")
                    .map_or_else(|| PathBuf::from("/etc/gitconfig"), PathBuf::from),
            )
        };
        let global = match var("GIT_CONFIG_GLOBAL") {
            Some(g) => vec![PathBuf::from(g)],
            None => {
                let mut v = Vec::new();
                match var("XDG_CONFIG_HOME") {
                    Some(x) => v.push(PathBuf::from(x).join("git/config")),
                    None => {
                        if let Some(h) = &home {
                            v.push(h.join(".config/git/config"));
                        }
                    }
                }
                if let Some(h) = &home {
                    v.push(h.join(".gitconfig"));
                }
                v
            }
        };
        Ok(Sources {
            system,
            global,
            home,
            command_line: command_line_from_env()?,
        })
    }

    /// Adds a `-c name=value` (or `-c name`, a boolean true) after the others.
    pub fn push_command_line(&mut self, arg: &str) -> Result<(), ConfigError> {
        let (k, v) = split_parameter(arg)?;
        self.command_line.push((k, v));
        Ok(())
    }
}

/// What `includeIf` conditions are evaluated against.
#[derive(Clone, Debug, Default)]
pub struct IncludeContext {
    /// The git dir (`gitdir:` conditions).
    pub git_dir: Option<PathBuf>,
    /// The branch `HEAD` names, without `refs/heads/` (`onbranch:` conditions).
    pub branch: Option<String>,
}

/// git's limit on nested includes.
const MAX_INCLUDE_DEPTH: usize = 10;

/// Why a config file could not be parsed.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file could not be read.
    #[error("cannot read config {path}: {source}")]
    Io {
        /// The config file.
        path: std::path::PathBuf,
        /// The operating system's error.
        source: std::io::Error,
    },
    /// Includes nest deeper than git allows.
    #[error("exceeded maximum include depth ({max}) while including {path}")]
    IncludeDepth {
        /// The file that would have been included.
        path: PathBuf,
        /// The limit.
        max: usize,
    },
    /// A command-line value (`-c`, `GIT_CONFIG_PARAMETERS`, `GIT_CONFIG_KEY_<n>`) is
    /// malformed.
    #[error("bogus config parameter: {0}")]
    BadParameter(String),
    /// A line is not valid config syntax.
    #[error("bad config line {line} in {path}")]
    Syntax {
        /// The config file.
        path: std::path::PathBuf,
        /// 1-based line number.
        line: usize,
    },
}

impl Config {
    /// Reads `path`; a missing file is an empty config (mirrors can lack one).
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        match std::fs::read(path) {
            Ok(bytes) => Config::parse(&bytes).map_err(|line| ConfigError::Syntax {
                path: path.to_path_buf(),
                line,
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Config::default()),
            Err(e) => Err(ConfigError::Io {
                path: path.to_path_buf(),
                source: e,
            }),
        }
    }

    /// Parses config text; the error is the 1-based number of the first bad line.
    pub fn parse(text: &[u8]) -> Result<Config, usize> {
        // Values are bytes; they are kept losslessly (see `crate::bytestr`).
        let text = crate::bytestr::encode(text);
        let mut chars = text.chars().peekable();
        let mut line = 1usize;
        let mut section = String::new();
        let mut entries = Vec::new();
        while let Some(&c) = chars.peek() {
            match c {
                '\n' => {
                    line += 1;
                    chars.next();
                }
                ' ' | '\t' | '\r' => {
                    chars.next();
                }
                '#' | ';' => {
                    for c in chars.by_ref() {
                        if c == '\n' {
                            line += 1;
                            break;
                        }
                    }
                }
                '[' => {
                    chars.next();
                    let mut name = String::new();
                    let mut sub: Option<String> = None;
                    loop {
                        match chars.next() {
                            Some(']') => break,
                            Some('"') if sub.is_none() && name.ends_with(' ') => {
                                let mut s = String::new();
                                loop {
                                    match chars.next() {
                                        Some('"') => break,
                                        Some('\\') => match chars.next() {
                                            Some(c) if c != '\n' => s.push(c),
                                            _ => return Err(line),
                                        },
                                        Some('\n') | None => return Err(line),
                                        Some(c) => s.push(c),
                                    }
                                }
                                sub = Some(s);
                            }
                            Some(c)
                                if sub.is_none()
                                    && (c.is_ascii_alphanumeric() || c == '-' || c == '.') =>
                            {
                                name.push(c.to_ascii_lowercase())
                            }
                            Some(' ') if sub.is_none() => name.push(' '),
                            _ => return Err(line),
                        }
                    }
                    let name = name.trim_end().to_string();
                    section = match sub {
                        Some(s) => format!("{name}.{s}"),
                        None => {
                            // `[section.sub]` is the old, lowercased form of subsections.
                            name
                        }
                    };
                }
                c if c.is_ascii_alphabetic() => {
                    if section.is_empty() {
                        return Err(line);
                    }
                    let mut key = String::new();
                    while let Some(&c) = chars.peek() {
                        if c.is_ascii_alphanumeric() || c == '-' {
                            key.push(c.to_ascii_lowercase());
                            chars.next();
                        } else {
                            break;
                        }
                    }
                    while matches!(chars.peek(), Some(' ' | '\t')) {
                        chars.next();
                    }
                    let value = match chars.peek() {
                        Some('=') => {
                            chars.next();
                            Some(parse_value(&mut chars, &mut line)?)
                        }
                        Some('\n' | '#' | ';' | '\r') | None => None,
                        _ => return Err(line),
                    };
                    entries.push((format!("{section}.{key}"), value));
                }
                _ => return Err(line),
            }
        }
        Ok(Config {
            entries,
            origins: Vec::new(),
        })
    }

    /// The cascade of config files git reads for a repository with git dir `git_dir`
    /// and common dir `common_dir`, per `sources`, with includes followed.
    pub fn cascade(
        sources: &Sources,
        git_dir: &Path,
        common_dir: &Path,
        context: &IncludeContext,
    ) -> Result<Config, ConfigError> {
        let mut reader = Reader {
            home: sources.home.clone(),
            context,
            remote_urls: None,
            scope: Scope::System,
        };
        let dirs = Some((git_dir, common_dir));
        let mut out = reader.read_all(sources, dirs)?;
        if out.entries.iter().any(|(k, _)| is_hasconfig_include(k)) {
            // `hasconfig:remote.*.url:` looks at every remote URL the other files
            // define: a second pass, with those URLs known.
            let urls: Vec<String> = out
                .entries
                .iter()
                .filter(|(k, _)| k.starts_with("remote.") && k.ends_with(".url"))
                .filter_map(|(_, v)| v.clone())
                .collect();
            reader.remote_urls = Some(urls);
            out = reader.read_all(sources, dirs)?;
        }
        Ok(out)
    }

    /// The cascade outside any repository: the system and global files and the command
    /// line, with includes followed.
    pub fn cascade_outside_repository(sources: &Sources) -> Result<Config, ConfigError> {
        let context = IncludeContext::default();
        let mut reader = Reader {
            home: sources.home.clone(),
            context: &context,
            remote_urls: None,
            scope: Scope::System,
        };
        reader.read_all(sources, None)
    }

    /// Reads one file of `scope` without following its includes (`git config --file`);
    /// its values' origin is named `shown`.
    pub fn load_scoped(path: &Path, scope: Scope, shown: &Path) -> Result<Config, ConfigError> {
        let mut c = Config::load(path)?;
        c.origins.push((
            0,
            Origin {
                scope,
                file: Some(shown.to_path_buf()),
            },
        ));
        Ok(c)
    }

    /// Appends the values of `other` (which then win over this config's).
    pub fn extend(&mut self, other: Config) {
        let base = self.entries.len();
        self.origins
            .extend(other.origins.into_iter().map(|(i, o)| (base + i, o)));
        self.entries.extend(other.entries);
    }

    /// Where the values from here on come from.
    fn mark_origin(&mut self, origin: Origin) {
        let at = self.entries.len();
        match self.origins.last() {
            Some((_, o)) if *o == origin => return,
            Some((i, _)) if *i == at => {
                self.origins.pop();
            }
            _ => {}
        }
        self.origins.push((at, origin));
    }

    /// Every `(key, value, origin)` in order; the origin is `None` for values that were
    /// not read from the cascade (parsed text, [`Config::push`]).
    pub fn entries_with_origin(
        &self,
    ) -> impl Iterator<Item = (&str, Option<&str>, Option<&Origin>)> + '_ {
        let mut next = 0;
        let mut current: Option<&Origin> = None;
        self.entries.iter().enumerate().map(move |(i, (k, v))| {
            while next < self.origins.len() && self.origins[next].0 <= i {
                current = Some(&self.origins[next].1);
                next += 1;
            }
            (k.as_str(), v.as_deref(), current)
        })
    }

    /// Appends one value (it then wins).
    pub fn push(&mut self, key: &str, value: Option<&str>) {
        self.entries
            .push((normalize_key(key), value.map(str::to_string)));
    }

    /// Every `(key, value)` in order (keys normalized: section and key lowercase).
    pub fn entries(&self) -> impl Iterator<Item = (&str, Option<&str>)> + '_ {
        self.entries.iter().map(|(k, v)| (k.as_str(), v.as_deref()))
    }

    /// The last value of `key` (`section.key` or `section.subsection.key`; section and key
    /// are matched case-insensitively).
    pub fn get(&self, key: &str) -> Option<&str> {
        let key = normalize_key(key);
        self.entries
            .iter()
            .rev()
            .find(|(k, _)| *k == key)
            .map(|(_, v)| v.as_deref().unwrap_or(""))
    }

    /// Every value of `key`, in file order (for multi-valued keys such as
    /// `remote.<name>.fetch`); a key without `=` yields `""`.
    pub fn get_all<'a>(&'a self, key: &str) -> impl Iterator<Item = &'a str> + 'a {
        let key = normalize_key(key);
        self.entries
            .iter()
            .filter(move |(k, _)| *k == key)
            .map(|(_, v)| v.as_deref().unwrap_or(""))
    }

    /// Every entry of `section` (`section.<rest>`, in file order) as `(rest, value)`;
    /// `value` is `None` for a key without `=`.
    pub fn section_entries<'a>(
        &'a self,
        section: &str,
    ) -> impl Iterator<Item = (String, Option<&'a str>)> + 'a {
        let prefix = format!("{}.", section.to_ascii_lowercase());
        self.entries.iter().filter_map(move |(k, v)| {
            k.strip_prefix(&prefix)
                .map(|rest| (rest.to_string(), v.as_deref()))
        })
    }

    /// Whether `key` is present, even without a value.
    fn get_raw(&self, key: &str) -> Option<&Option<String>> {
        let key = normalize_key(key);
        self.entries
            .iter()
            .rev()
            .find(|(k, _)| *k == key)
            .map(|(_, v)| v)
    }

    /// `key` as a boolean, with git's spellings (`true/yes/on/1`, `false/no/off/0/""`; a
    /// key without `=` is true). `None` if absent or not a boolean.
    pub fn get_bool(&self, key: &str) -> Option<bool> {
        match self.get_raw(key)? {
            None => Some(true),
            Some(v) => parse_bool(v),
        }
    }

    /// `key` as an integer with git's `k`, `m`, `g` suffixes.
    pub fn get_int(&self, key: &str) -> Option<i64> {
        let v = self.get(key)?.trim();
        let (digits, mult) = match v.as_bytes().last()? {
            b'k' | b'K' => (&v[..v.len() - 1], 1024),
            b'm' | b'M' => (&v[..v.len() - 1], 1024 * 1024),
            b'g' | b'G' => (&v[..v.len() - 1], 1024 * 1024 * 1024),
            _ => (v, 1),
        };
        digits.parse::<i64>().ok()?.checked_mul(mult)
    }
}

/// git's boolean spellings.
pub fn parse_bool(v: &str) -> Option<bool> {
    match v.to_ascii_lowercase().as_str() {
        "true" | "yes" | "on" | "1" => Some(true),
        "false" | "no" | "off" | "0" | "" => Some(false),
        _ => None,
    }
}

/// Lowercases the section and key of `section[.subsection].key`, keeping the subsection.
fn normalize_key(key: &str) -> String {
    let first = key.find('.').unwrap_or(key.len());
    let last = key.rfind('.').unwrap_or(key.len());
    if first == last {
        return key.to_ascii_lowercase();
    }
    format!(
        "{}{}{}",
        key[..first].to_ascii_lowercase(),
        &key[first..last],
        key[last..].to_ascii_lowercase()
    )
}

fn parse_value(
    chars: &mut std::iter::Peekable<std::str::Chars<'_>>,
    line: &mut usize,
) -> Result<String, usize> {
    let mut out = String::new();
    let mut quoted = false;
    let mut pending_space = String::new();
    let mut started = false;
    loop {
        match chars.next() {
            None => break,
            Some('\n') => {
                if quoted {
                    return Err(*line);
                }
                *line += 1;
                break;
            }
            Some('\r') if chars.peek() == Some(&'\n') => {}
            Some(' ' | '\t') if !quoted => {
                // git keeps inner runs of unquoted whitespace as that many spaces.
                if started {
                    pending_space.push(' ');
                }
            }
            Some('#' | ';') if !quoted => {
                for c in chars.by_ref() {
                    if c == '\n' {
                        *line += 1;
                        break;
                    }
                }
                break;
            }
            Some('"') => {
                out.push_str(&pending_space);
                pending_space.clear();
                quoted = !quoted;
                started = true;
            }
            Some('\\') => {
                let c = match chars.next() {
                    Some('\n') => {
                        *line += 1;
                        continue;
                    }
                    Some('\r') if chars.peek() == Some(&'\n') => {
                        chars.next();
                        *line += 1;
                        continue;
                    }
                    Some('n') => '\n',
                    Some('t') => '\t',
                    Some('b') => '\u{8}',
                    Some('\\') => '\\',
                    Some('"') => '"',
                    _ => return Err(*line),
                };
                out.push_str(&pending_space);
                pending_space.clear();
                out.push(c);
                started = true;
            }
            Some(c) => {
                out.push_str(&pending_space);
                pending_space.clear();
                out.push(c);
                started = true;
            }
        }
    }
    if quoted {
        return Err(*line);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_sections_subsections_and_values() {
        let c = Config::parse(
            b"[core]\n\tbare = false # c\n\tAbbrev=12\n[remote \"Origin\"]\n\turl = \"a b\" \\\n c\n[extensions]\n\tobjectFormat = sha256\n[x]\n\tflag\n",
        )
        .unwrap();
        assert_eq!(c.get_bool("core.bare"), Some(false));
        assert_eq!(c.get_int("core.abbrev"), Some(12));
        assert_eq!(c.get("remote.Origin.url"), Some("a b  c"));
        assert_eq!(c.get("extensions.objectformat"), Some("sha256"));
        assert_eq!(c.get_bool("x.flag"), Some(true));
        assert_eq!(c.get("remote.origin.url"), None);
    }

    #[test]
    fn reports_bad_lines() {
        assert_eq!(Config::parse(b"[core\n").unwrap_err(), 1);
        assert_eq!(Config::parse(b"[a]\nk = \"open\n").unwrap_err(), 2);
    }
}

fn is_hasconfig_include(key: &str) -> bool {
    key.starts_with("includeif.hasconfig:remote.*.url:") && key.ends_with(".path")
}

/// Reads config files with includes.
struct Reader<'a> {
    home: Option<PathBuf>,
    context: &'a IncludeContext,
    /// Known remote URLs once the first pass is done (`hasconfig:` is false before).
    remote_urls: Option<Vec<String>>,
    /// The scope of the file being read (included files take their includer's).
    scope: Scope,
}

impl Reader<'_> {
    fn read_all(
        &mut self,
        sources: &Sources,
        dirs: Option<(&Path, &Path)>,
    ) -> Result<Config, ConfigError> {
        let mut out = Config::default();
        if let Some(sys) = &sources.system {
            self.scope = Scope::System;
            self.file(sys, 0, &mut out)?;
        }
        self.scope = Scope::Global;
        for g in &sources.global {
            self.file(g, 0, &mut out)?;
        }
        if let Some((git_dir, common_dir)) = dirs {
            let local_path = common_dir.join("config");
            let mut local = Config::default();
            self.scope = Scope::Local;
            self.file(&local_path, 0, &mut local)?;
            let worktree_config = local.get_bool("extensions.worktreeconfig") == Some(true);
            out.extend(local);
            if worktree_config {
                self.scope = Scope::Worktree;
                self.file(&git_dir.join("config.worktree"), 0, &mut out)?;
            }
        }
        self.scope = Scope::Command;
        for (k, v) in &sources.command_line {
            out.mark_origin(Origin {
                scope: Scope::Command,
                file: None,
            });
            out.entries.push((normalize_key(k), v.clone()));
            // Relative includes cannot come from the command line; absolute ones can.
            if let Some(p) = v.as_deref().filter(|_| self.include_applies(k, None)) {
                let p = self.expand(p);
                if p.is_absolute() {
                    self.file(&p, 1, &mut out)?;
                }
            }
        }
        Ok(out)
    }

    /// `~/` expanded.
    fn expand(&self, p: &str) -> PathBuf {
        match (p.strip_prefix("~/"), &self.home) {
            (Some(rest), Some(h)) => h.join(rest),
            _ => PathBuf::from(p),
        }
    }

    /// Reads `path` (a missing file is empty) into `out`, following includes in place.
    fn file(&mut self, path: &Path, depth: usize, out: &mut Config) -> Result<(), ConfigError> {
        if depth > MAX_INCLUDE_DEPTH {
            return Err(ConfigError::IncludeDepth {
                path: path.to_path_buf(),
                max: MAX_INCLUDE_DEPTH,
            });
        }
        let parsed = Config::load(path)?;
        let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
        let origin = Origin {
            scope: self.scope,
            file: Some(path.to_path_buf()),
        };
        for (k, v) in parsed.entries {
            out.mark_origin(origin.clone());
            let include = v
                .as_deref()
                .filter(|_| self.include_applies(&k, Some(path)))
                .map(|p| {
                    let p = self.expand(p);
                    if p.is_absolute() {
                        p
                    } else {
                        dir.join(p)
                    }
                });
            out.entries.push((k, v));
            if let Some(inc) = include {
                self.file(&inc, depth + 1, out)?;
            }
        }
        Ok(())
    }

    /// Whether `key` (normalized) is an include whose condition holds; `file` is the
    /// file it comes from (for `./` in `gitdir:`).
    fn include_applies(&self, key: &str, file: Option<&Path>) -> bool {
        if key == "include.path" {
            return true;
        }
        let Some(cond) = key
            .strip_prefix("includeif.")
            .and_then(|r| r.strip_suffix(".path"))
        else {
            return false;
        };
        if let Some(pat) = cond.strip_prefix("gitdir:") {
            return self.gitdir_matches(pat, file, false);
        }
        if let Some(pat) = cond.strip_prefix("gitdir/i:") {
            return self.gitdir_matches(pat, file, true);
        }
        if let Some(pat) = cond.strip_prefix("onbranch:") {
            let Some(branch) = &self.context.branch else {
                return false;
            };
            let mut pat = pat.as_bytes().to_vec();
            if pat.ends_with(b"/") {
                pat.extend_from_slice(b"**");
            }
            return crate::worktree::wildmatch::wildmatch(
                &pat,
                branch.as_bytes(),
                crate::worktree::wildmatch::PATHNAME,
            );
        }
        if let Some(pat) = cond.strip_prefix("hasconfig:remote.*.url:") {
            return self.remote_urls.as_ref().is_some_and(|urls| {
                urls.iter()
                    .any(|u| crate::worktree::wildmatch::wildmatch(pat.as_bytes(), u.as_bytes(), 0))
            });
        }
        false
    }

    /// git's `include_by_gitdir`.
    fn gitdir_matches(&self, pat: &str, file: Option<&Path>, icase: bool) -> bool {
        use crate::worktree::wildmatch::{wildmatch, CASEFOLD, PATHNAME};
        let Some(git_dir) = &self.context.git_dir else {
            return false;
        };
        let mut pattern = self.expand(pat).into_os_string().into_encoded_bytes();
        let mut prefix = 0;
        if pattern.starts_with(b"./") {
            let Some(file) = file else { return false };
            let real = file.canonicalize().unwrap_or_else(|_| file.to_path_buf());
            let dir = real
                .parent()
                .unwrap_or(Path::new("/"))
                .as_os_str()
                .as_encoded_bytes();
            let mut p = dir.to_vec();
            p.extend_from_slice(&pattern[1..]);
            prefix = dir.len() + 1;
            pattern = p;
        } else if !pattern.starts_with(b"/") {
            pattern.splice(0..0, b"**/".iter().copied());
        }
        if pattern.ends_with(b"/") {
            pattern.extend_from_slice(b"**");
        }
        let flags = PATHNAME | if icase { CASEFOLD } else { 0 };
        let real = git_dir.canonicalize().unwrap_or_else(|_| git_dir.clone());
        let absolute = if git_dir.is_absolute() {
            git_dir.clone()
        } else {
            std::env::current_dir().unwrap_or_default().join(git_dir)
        };
        [real, absolute].iter().any(|text| {
            let text = text.as_os_str().as_encoded_bytes();
            if text.len() < prefix {
                return false;
            }
            let same = if icase {
                pattern[..prefix].eq_ignore_ascii_case(&text[..prefix])
            } else {
                pattern[..prefix] == text[..prefix]
            };
            same && wildmatch(&pattern[prefix..], &text[prefix..], flags)
        })
    }
}

/// Splits `name=value` (or a bare `name`) as `-c` takes it, checking the name.
fn split_parameter(arg: &str) -> Result<(String, Option<String>), ConfigError> {
    let (k, v) = match arg.split_once('=') {
        Some((k, v)) => (k, Some(v.to_string())),
        None => (arg, None),
    };
    if !valid_key(k) {
        return Err(ConfigError::BadParameter(arg.to_string()));
    }
    Ok((normalize_key(k), v))
}

/// git's key syntax: `section[.subsection].key`, section and key alphanumeric or `-`
/// (section also `.`), the key starting with a letter.
fn valid_key(k: &str) -> bool {
    let (Some(first), Some(last)) = (k.find('.'), k.rfind('.')) else {
        return false;
    };
    let section = &k[..first];
    let key = &k[last + 1..];
    !section.is_empty()
        && section
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || c == b'-')
        && key.bytes().next().is_some_and(|c| c.is_ascii_alphabetic())
        && key.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'-')
}

/// The command-line values git passes to its children through the environment:
/// `GIT_CONFIG_COUNT` pairs first, then `GIT_CONFIG_PARAMETERS`.
fn command_line_from_env() -> Result<Vec<(String, Option<String>)>, ConfigError> {
    let mut out = Vec::new();
    if let Ok(count) = std::env::var("GIT_CONFIG_COUNT") {
        let n: usize = count
            .trim()
            .parse()
            .map_err(|_| ConfigError::BadParameter(format!("GIT_CONFIG_COUNT={count}")))?;
        for i in 0..n {
            let key = std::env::var(format!("GIT_CONFIG_KEY_{i}"))
                .map_err(|_| ConfigError::BadParameter(format!("missing GIT_CONFIG_KEY_{i}")))?;
            let value = std::env::var(format!("GIT_CONFIG_VALUE_{i}"))
                .map_err(|_| ConfigError::BadParameter(format!("missing GIT_CONFIG_VALUE_{i}")))?;
            if !valid_key(&key) {
                return Err(ConfigError::BadParameter(key));
            }
            out.push((normalize_key(&key), Some(value)));
        }
    }
    if let Ok(params) = std::env::var("GIT_CONFIG_PARAMETERS") {
        out.extend(parse_parameters(&params)?);
    }
    Ok(out)
}

/// Parses `GIT_CONFIG_PARAMETERS`: shell-quoted words separated by spaces, each either
/// `'name=value'` (old style) or `'name'='value'` / `'name'` (new style).
pub fn parse_parameters(text: &str) -> Result<Vec<(String, Option<String>)>, ConfigError> {
    let bad = || ConfigError::BadParameter(text.to_string());
    let b = text.as_bytes();
    let mut i = 0;
    let mut out = Vec::new();
    // One single-quoted word with `'\''` escapes, starting at `b[*i] == '\''`.
    let word = |i: &mut usize| -> Option<String> {
        if b.get(*i) != Some(&b'\'') {
            return None;
        }
        *i += 1;
        let mut s = Vec::new();
        loop {
            match b.get(*i)? {
                b'\'' => {
                    *i += 1;
                    if b.get(*i..*i + 3) == Some(b"\\''") {
                        s.push(b'\'');
                        *i += 3;
                        continue;
                    }
                    return String::from_utf8(s).ok();
                }
                &c => {
                    s.push(c);
                    *i += 1;
                }
            }
        }
    };
    loop {
        while b.get(i) == Some(&b' ') {
            i += 1;
        }
        if i >= b.len() {
            break;
        }
        let first = word(&mut i).ok_or_else(bad)?;
        if b.get(i) == Some(&b'=') {
            i += 1;
            let value = word(&mut i).ok_or_else(bad)?;
            if !valid_key(&first) {
                return Err(bad());
            }
            out.push((normalize_key(&first), Some(value)));
        } else {
            let (k, v) = split_parameter(&first)?;
            out.push((k, v));
        }
        if i < b.len() && b[i] != b' ' {
            return Err(bad());
        }
    }
    Ok(out)
}

#[cfg(test)]
mod cascade_tests {
    use super::*;

    #[test]
    fn parameters_old_and_new_style() {
        let p = parse_parameters("'core.bare=true' 'a.b'='x y' 'c.d' 'e.f'='it'\\''s'").unwrap();
        assert_eq!(
            p,
            vec![
                ("core.bare".into(), Some("true".into())),
                ("a.b".into(), Some("x y".into())),
                ("c.d".into(), None),
                ("e.f".into(), Some("it's".into())),
            ]
        );
        assert!(parse_parameters("'nodot=1'").is_err());
        assert!(parse_parameters("'a.b").is_err());
        let mut s = Sources::default();
        s.push_command_line("Sec.Sub.Key=v").unwrap();
        assert_eq!(
            s.command_line,
            vec![("sec.Sub.key".into(), Some("v".into()))]
        );
        assert!(s.push_command_line("=v").is_err());
    }
}
