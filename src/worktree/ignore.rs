//! Ignore rules as git applies them: `.gitignore` in every directory, `info/exclude`, and
//! `core.excludesFile` (default `$XDG_CONFIG_HOME/git/ignore`), with git's pattern syntax.
//!
//! Precedence, highest first: the `.gitignore` files from the path's directory up to the
//! top, then `info/exclude`, then the excludes file; within one file the last matching
//! line decides. A path below an excluded directory is excluded whatever deeper files
//! say: a directory cannot be re-included from inside an excluded one.

use super::wildmatch::{wildmatch, CASEFOLD, PATHNAME};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

const NEGATIVE: u8 = 1;
const MUST_BE_DIR: u8 = 2;
const NO_DIR: u8 = 4;
const ENDS_WITH: u8 = 8;

/// git ignores pattern files larger than this (100 MB).
const MAX_FILE_SIZE: usize = 100 * 1024 * 1024;

/// One line of an ignore (or attributes) file, parsed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pattern {
    text: Vec<u8>,
    flags: u8,
    /// Length of the leading part without wildcards.
    literal: usize,
}

impl Pattern {
    /// Parses one pattern (already stripped of comments and trailing spaces), as git's
    /// `parse_path_pattern`: a leading `!` negates, a trailing `/` means directories only.
    pub fn parse(line: &[u8]) -> Pattern {
        let mut flags = 0;
        let mut p = line;
        if p.first() == Some(&b'!') {
            flags |= NEGATIVE;
            p = &p[1..];
        }
        if p.last() == Some(&b'/') {
            p = &p[..p.len() - 1];
            flags |= MUST_BE_DIR;
        }
        if !p.contains(&b'/') {
            flags |= NO_DIR;
        }
        let literal = simple_length(p);
        if p.first() == Some(&b'*') && simple_length(&p[1..]) == p.len() - 1 {
            flags |= ENDS_WITH;
        }
        Pattern {
            text: p.to_vec(),
            flags,
            literal,
        }
    }

    /// Whether the pattern re-includes (`!`).
    pub fn is_negative(&self) -> bool {
        self.flags & NEGATIVE != 0
    }

    /// Whether it only matches directories (written with a trailing `/`).
    pub fn dir_only(&self) -> bool {
        self.flags & MUST_BE_DIR != 0
    }

    /// Whether `path` (relative to the top; `base` the directory of the pattern's file,
    /// empty or ending in `/`) matches, as git's `match_basename` / `match_pathname`.
    pub fn matches(&self, path: &[u8], is_dir: bool, base: &[u8], icase: bool) -> bool {
        if self.dir_only() && !is_dir {
            return false;
        }
        let eq = |a: &[u8], b: &[u8]| {
            if icase {
                a.eq_ignore_ascii_case(b)
            } else {
                a == b
            }
        };
        let flags = PATHNAME | if icase { CASEFOLD } else { 0 };
        if self.flags & NO_DIR != 0 {
            let name = match path.iter().rposition(|&c| c == b'/') {
                Some(i) => &path[i + 1..],
                None => path,
            };
            let pat = &self.text;
            if self.literal == pat.len() {
                return eq(pat, name);
            }
            if self.flags & ENDS_WITH != 0 {
                let tail = &pat[1..];
                return tail.len() <= name.len() && eq(tail, &name[name.len() - tail.len()..]);
            }
            return wildmatch(pat, name, flags & !PATHNAME);
        }
        // Anchored: relative to the directory of the pattern's file.
        let (mut pat, mut literal) = (&self.text[..], self.literal);
        if pat.first() == Some(&b'/') {
            pat = &pat[1..];
            literal = literal.saturating_sub(1);
        }
        if path.len() < base.len() || !eq(&path[..base.len()], base) {
            return false;
        }
        let mut name = &path[base.len()..];
        if literal > 0 {
            if literal > name.len() || !eq(&pat[..literal], &name[..literal]) {
                return false;
            }
            pat = &pat[literal..];
            name = &name[literal..];
            if pat.is_empty() && name.is_empty() {
                return true;
            }
        }
        wildmatch(pat, name, flags)
    }
}

/// How many leading bytes have no glob metacharacter (git's `simple_length`).
fn simple_length(p: &[u8]) -> usize {
    p.iter()
        .position(|&c| matches!(c, b'*' | b'?' | b'[' | b'\\'))
        .unwrap_or(p.len())
}

/// The patterns of one file, with the directory they are relative to.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PatternList {
    /// The directory of the file (`""` at the top, else ending in `/`).
    pub base: Vec<u8>,
    /// The patterns, in file order.
    pub patterns: Vec<Pattern>,
}

impl PatternList {
    /// Parses a whole ignore file relative to `base`: git's `add_patterns_from_buffer`
    /// (UTF-8 BOM skipped, `#` comments, trailing spaces trimmed unless escaped, CR
    /// before LF dropped).
    pub fn parse(text: &[u8], base: &[u8]) -> PatternList {
        let text = text.strip_prefix(b"\xef\xbb\xbf").unwrap_or(text);
        let mut patterns = Vec::new();
        for line in text.split(|&c| c == b'\n') {
            let line = line.strip_suffix(b"\r").unwrap_or(line);
            if line.is_empty() || line[0] == b'#' {
                continue;
            }
            let line = trim_trailing_spaces(line);
            if line.is_empty() {
                continue;
            }
            patterns.push(Pattern::parse(line));
        }
        PatternList {
            base: base.to_vec(),
            patterns,
        }
    }

    /// The last pattern matching `path`, if any.
    pub fn last_match(&self, path: &[u8], is_dir: bool, icase: bool) -> Option<&Pattern> {
        self.patterns
            .iter()
            .rev()
            .find(|p| p.matches(path, is_dir, &self.base, icase))
    }
}

/// git's `trim_trailing_spaces`: unescaped trailing spaces go.
fn trim_trailing_spaces(line: &[u8]) -> &[u8] {
    let mut end = line.len();
    let mut last_space: Option<usize> = None;
    let mut i = 0;
    while i < line.len() {
        match line[i] {
            b' ' => {
                if last_space.is_none() {
                    last_space = Some(i);
                }
            }
            b'\\' => {
                i += 1;
                if i >= line.len() {
                    return line;
                }
                last_space = None;
            }
            _ => last_space = None,
        }
        i += 1;
    }
    if let Some(s) = last_space {
        end = s;
    }
    &line[..end]
}

/// Where per-directory ignore files are read from: the work tree, or (for
/// skip-worktree `.gitignore` entries missing from it) the index.
pub trait IgnoreSource: Sync {
    /// The contents of `.gitignore` in `dir` (`""` or ending in `/`), if any.
    fn read(&self, dir: &[u8]) -> Option<Vec<u8>>;
}

/// Reads `<work tree>/<dir>.gitignore`, not following a symlink (as git does).
pub struct WorkTreeFiles<'a> {
    /// The top of the work tree.
    pub root: &'a Path,
    /// Fallback for skip-worktree files: the index and object database.
    pub index: Option<(&'a crate::index::Index, &'a crate::odb::Odb)>,
}

impl IgnoreSource for WorkTreeFiles<'_> {
    fn read(&self, dir: &[u8]) -> Option<Vec<u8>> {
        let mut rel = dir.to_vec();
        rel.extend_from_slice(b".gitignore");
        let path = self.root.join(super::path_of(&rel));
        match std::fs::symlink_metadata(&path) {
            Ok(m) if m.is_file() => std::fs::read(&path).ok(),
            Ok(_) => None,
            Err(_) => {
                let (index, odb) = self.index?;
                let e = index.entry(&rel, 0)?;
                if !e.skip_worktree() {
                    return None;
                }
                odb.read(&e.id).ok().map(|o| o.data)
            }
        }
    }
}

/// The ignore rules of a repository: the global files, and the per-directory files
/// loaded on demand (and cached, so one `Excludes` can be shared by threads).
pub struct Excludes<'a> {
    /// `info/exclude`, then `core.excludesFile` (checked in that order).
    global: Vec<PatternList>,
    source: &'a dyn IgnoreSource,
    icase: bool,
    /// Whether `.gitignore` files are read (not for `ls-files -o` alone).
    read_per_dir: bool,
    per_dir: Mutex<HashMap<Vec<u8>, Arc<PatternList>>>,
}

/// The rules in force in one directory: the per-directory lists from the top down to it,
/// and whether an ancestor directory is itself excluded.
#[derive(Clone, Default)]
pub struct DirRules {
    lists: Vec<Arc<PatternList>>,
    /// An ancestor directory is excluded: everything below is.
    excluded_parent: bool,
}

impl<'a> Excludes<'a> {
    /// The standard excludes of `repo` (git's `setup_standard_excludes`): `info/exclude`
    /// of the common dir and `core.excludesFile`, per-directory files from `source`.
    pub fn standard(repo: &crate::Repository, source: &'a dyn IgnoreSource) -> Excludes<'a> {
        let cfg = repo.config();
        let mut global = Vec::new();
        let info = repo.common_dir().join("info").join("exclude");
        if let Some(l) = read_list(&info) {
            global.push(l);
        }
        if let Some(f) = excludes_file(cfg) {
            if let Some(l) = read_list(&f) {
                global.push(l);
            }
        }
        Excludes {
            global,
            source,
            icase: cfg.get_bool("core.ignorecase") == Some(true),
            read_per_dir: true,
            per_dir: Mutex::new(HashMap::new()),
        }
    }

    /// No rules at all (`ls-files -o` without `--exclude-standard`).
    pub fn none(source: &'a dyn IgnoreSource) -> Excludes<'a> {
        Excludes {
            global: Vec::new(),
            source,
            icase: false,
            read_per_dir: false,
            per_dir: Mutex::new(HashMap::new()),
        }
    }

    /// The `.gitignore` of `dir` (`""` or ending in `/`), parsed once.
    fn list(&self, dir: &[u8]) -> Arc<PatternList> {
        if let Some(l) = self
            .per_dir
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(dir)
        {
            return l.clone();
        }
        let text = if self.read_per_dir {
            self.source.read(dir)
        } else {
            None
        };
        let list = Arc::new(match text {
            Some(text) if text.len() <= MAX_FILE_SIZE => PatternList::parse(&text, dir),
            _ => PatternList {
                base: dir.to_vec(),
                patterns: Vec::new(),
            },
        });
        self.per_dir
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(dir.to_vec(), list.clone());
        list
    }

    /// The rules at the top of the work tree.
    pub fn root(&self) -> DirRules {
        DirRules {
            lists: vec![self.list(b"")],
            excluded_parent: false,
        }
    }

    /// The rules inside subdirectory `dir` (its path ending in `/`) of a directory whose
    /// rules are `parent`. `dir_excluded` is whether `dir` itself is excluded.
    pub fn enter(&self, parent: &DirRules, dir: &[u8], dir_excluded: bool) -> DirRules {
        if parent.excluded_parent || dir_excluded {
            return DirRules {
                lists: parent.lists.clone(),
                excluded_parent: true,
            };
        }
        let mut lists = parent.lists.clone();
        lists.push(self.list(dir));
        DirRules {
            lists,
            excluded_parent: false,
        }
    }

    /// Whether no rule can exclude anything.
    pub fn is_empty(&self) -> bool {
        self.global.is_empty() && !self.read_per_dir
    }

    /// Whether `path`, an entry of the directory whose rules are `rules`, is excluded.
    pub fn is_excluded_in(&self, rules: &DirRules, path: &[u8], is_dir: bool) -> bool {
        if rules.excluded_parent {
            return true;
        }
        for list in rules.lists.iter().rev() {
            if let Some(p) = list.last_match(path, is_dir, self.icase) {
                return !p.is_negative();
            }
        }
        for list in &self.global {
            if let Some(p) = list.last_match(path, is_dir, self.icase) {
                return !p.is_negative();
            }
        }
        false
    }

    /// Whether `path` (any path; its parent directories are checked first) is excluded.
    pub fn is_excluded(&self, path: &[u8], is_dir: bool) -> bool {
        let mut rules = self.root();
        let mut start = 0;
        while let Some(i) = path[start..].iter().position(|&c| c == b'/') {
            let dir = &path[..start + i];
            let excluded = self.is_excluded_in(&rules, dir, true);
            if excluded {
                return true;
            }
            rules = self.enter(&rules, &path[..start + i + 1], false);
            start += i + 1;
        }
        self.is_excluded_in(&rules, path, is_dir)
    }
}

/// `core.excludesFile`, or `$XDG_CONFIG_HOME/git/ignore` (`~/.config/git/ignore`).
fn excludes_file(cfg: &crate::config::Config) -> Option<PathBuf> {
    let home = std::env::var_os("HOME")
        .filter(|h| !h.is_empty())
        .map(PathBuf::from);
    match cfg.get("core.excludesfile") {
        Some(v) => Some(match (v.strip_prefix("~/"), &home) {
            (Some(rest), Some(h)) => h.join(rest),
            _ => PathBuf::from(v),
        }),
        None => match std::env::var_os("XDG_CONFIG_HOME").filter(|x| !x.is_empty()) {
            Some(x) => Some(PathBuf::from(x).join("git/ignore")),
            None => home.map(|h| h.join(".config/git/ignore")),
        },
    }
}

fn read_list(path: &Path) -> Option<PatternList> {
    let text = std::fs::read(path).ok()?;
    (text.len() <= MAX_FILE_SIZE).then(|| PatternList::parse(&text, b""))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn excluded(lines: &str, path: &str, is_dir: bool) -> bool {
        let l = PatternList::parse(lines.as_bytes(), b"");
        l.last_match(path.as_bytes(), is_dir, false)
            .is_some_and(|p| !p.is_negative())
    }

    #[test]
    fn pattern_rules() {
        assert!(excluded("*.o\n", "a/b/c.o", false));
        assert!(excluded("build/\n", "x/build", true));
        assert!(!excluded("build/\n", "x/build", false));
        assert!(excluded("/top\n", "top", false));
        assert!(!excluded("/top\n", "a/top", false));
        assert!(excluded("a/*.c\n", "a/x.c", false));
        assert!(!excluded("a/*.c\n", "a/b/x.c", false));
        assert!(excluded("**/foo\n", "x/y/foo", false));
        assert!(excluded("a/**\n", "a/b/c", false));
        assert!(!excluded("*.log\n!keep.log\n", "keep.log", false));
        assert!(excluded("\\#hash\n", "#hash", false));
        assert!(excluded("\\!bang\n", "!bang", false));
        assert!(excluded("trail \n", "trail", false));
        assert!(excluded("trail\\ \n", "trail ", false));
        assert!(!excluded("# comment\n", "# comment", false));
    }
}
