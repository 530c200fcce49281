//! `oxgit rev-parse`: resolve revisions and report where the repository is, following
//! git 2.47's argument handling (flags echoed, non-revisions treated as paths, `--verify`
//! and `--quiet` exit codes, `A..B` ranges and `^@`/`^!`/`^-` shorthands).

use super::{Context, Fatal};
use crate::object::ObjectKind;
use crate::oid::ObjectId;
use crate::refs::{RefValue, Refs};
use crate::repo::Repository;
use crate::revision::{self, Hint, Resolver, RevisionError};
use std::io::Write;
use std::path::{Path, PathBuf};

pub(super) const AMBIGUOUS_HINT: &str = "Use '--' to separate paths from revisions, like this:\n\
'git <command> [<revision>...] -- [<file>...]'";

/// How names are shown (`--symbolic`, `--symbolic-full-name`).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Symbolic {
    No,
    AsIs,
    Full,
}

/// Which arguments are shown (git's `DO_REVS`, `DO_NOREV`, `DO_FLAGS`, `DO_NONFLAGS`).
const DO_REVS: u8 = 1;
const DO_NOREV: u8 = 2;
const DO_FLAGS: u8 = 4;
const DO_NONFLAGS: u8 = 8;

/// Options that git accepts but oxgit does not implement: refusing them beats echoing
/// them as if they were unknown flags.
const UNSUPPORTED: &[&str] = &["--parseopt", "--prefix", "--show-superproject-working-tree"];

/// Valued options oxgit does not implement: dates (git prints them converted with its
/// approximate date parser) and hidden-ref exclusions. Without `=` git echoes them.
const UNSUPPORTED_VALUED: &[&str] = &[
    "--since=",
    "--after=",
    "--until=",
    "--before=",
    "--exclude-hidden=",
];

/// The variables `--local-env-vars` lists: those that describe one repository.
const LOCAL_ENV_VARS: &[&str] = &[
    "GIT_ALTERNATE_OBJECT_DIRECTORIES",
    "GIT_CONFIG",
    "GIT_CONFIG_PARAMETERS",
    "GIT_CONFIG_COUNT",
    "GIT_OBJECT_DIRECTORY",
    "GIT_DIR",
    "GIT_WORK_TREE",
    "GIT_IMPLICIT_WORK_TREE",
    "GIT_GRAFT_FILE",
    "GIT_INDEX_FILE",
    "GIT_NO_REPLACE_OBJECTS",
    "GIT_REPLACE_REF_BASE",
    "GIT_PREFIX",
    "GIT_SHALLOW_FILE",
    "GIT_COMMON_DIR",
];

struct State<'a, 'r> {
    repo: &'r Repository,
    resolver: Resolver<'r>,
    out: &'a mut dyn Write,
    filter: u8,
    symbolic: Symbolic,
    abbrev_ref: bool,
    abbrev_ref_strict: bool,
    abbrev: Option<usize>,
    reversed_output: bool,
    prefix: Option<String>,
    sq: bool,
}

impl State<'_, '_> {
    fn flush_messages(&mut self) {
        for m in self.resolver.take_messages() {
            eprintln!("{m}");
        }
    }

    /// git's `show`: one line, or a shell-quoted word with `--sq`.
    fn show(&mut self, text: &str) -> Result<(), Fatal> {
        let line = if self.sq {
            format!("{} ", sq_quote(text))
        } else {
            format!("{text}\n")
        };
        self.out.write_all(&super::arg_bytes(&line))?;
        Ok(())
    }

    /// A plain output line (repository facts are never quoted).
    fn puts(&mut self, text: &str) -> Result<(), Fatal> {
        self.out
            .write_all(&super::arg_bytes(&format!("{text}\n")))?;
        Ok(())
    }

    /// git's `show_with_type`: the caret goes before the (possibly quoted) name.
    fn show_typed(&mut self, caret: &str, text: &str) -> Result<(), Fatal> {
        write!(self.out, "{caret}")?;
        self.show(text)
    }

    /// git's `show_rev`.
    fn show_rev(&mut self, reversed: bool, id: &ObjectId, name: Option<&str>) -> Result<(), Fatal> {
        if self.filter & DO_REVS == 0 {
            return Ok(());
        }
        let caret = if reversed != self.reversed_output {
            "^"
        } else {
            ""
        };
        if let (true, Some(name)) = (self.symbolic != Symbolic::No || self.abbrev_ref, name) {
            if self.symbolic == Symbolic::Full || self.abbrev_ref {
                let found = self.resolver.dwim_ref(name);
                self.flush_messages();
                let found = found.map_err(|e| Fatal::new(e.to_string()))?;
                match (found.count, found.first) {
                    // Not a ref: nothing is shown, not even the caret.
                    (0, _) | (_, None) => {}
                    (1, Some(r)) => {
                        let full = if self.abbrev_ref {
                            revision::shorten_ref(
                                self.resolver.refs(),
                                &r.name,
                                self.abbrev_ref_strict,
                            )
                            .map_err(|e| Fatal::new(e.to_string()))?
                        } else {
                            r.name
                        };
                        self.show_typed(caret, &full)?;
                    }
                    _ => eprintln!("error: refname '{name}' is ambiguous"),
                }
            } else {
                self.show_typed(caret, name)?;
            }
        } else if let Some(len) = self.abbrev {
            let short =
                revision::abbreviate(self.repo, id, len).map_err(|e| Fatal::new(e.to_string()))?;
            self.show_typed(caret, &short)?;
        } else {
            self.show_typed(caret, &id.to_string())?;
        }
        Ok(())
    }

    /// Resolves `spec` the way rev-parse does: failures are `Ok(None)`, unreadable
    /// repositories and unsupported syntax are fatal.
    fn get(&mut self, spec: &str, hint: Hint) -> Result<Option<ObjectId>, Fatal> {
        let r = self.resolver.resolve_with(spec, hint);
        self.flush_messages();
        match r {
            Ok(id) => Ok(Some(id)),
            Err(e) if e.is_not_found() => Ok(None),
            Err(e) => Err(Fatal::new(e.to_string())),
        }
    }

    /// git's `try_difference`: `A..B` and `A...B`.
    fn try_difference(&mut self, arg: &str) -> Result<bool, Fatal> {
        let Some(dots) = arg.find("..") else {
            return Ok(false);
        };
        let symmetric = arg[dots + 2..].starts_with('.');
        let start = &arg[..dots];
        let end = &arg[dots + 2 + usize::from(symmetric)..];
        if start.is_empty() && end.is_empty() && !symmetric {
            return Ok(false);
        }
        let start = if start.is_empty() { "HEAD" } else { start };
        let end = if end.is_empty() { "HEAD" } else { end };
        let Some(a) = self.get(start, Hint::Committish)? else {
            return Ok(false);
        };
        let Some(b) = self.get(end, Hint::Committish)? else {
            return Ok(false);
        };
        if !symmetric {
            self.show_rev(false, &b, Some(end))?;
            self.show_rev(true, &a, Some(start))?;
            return Ok(true);
        }
        let (Some(ca), Some(cb)) = (commit_of(self.repo, a), commit_of(self.repo, b)) else {
            return Ok(false);
        };
        let bases = crate::revision::merge_base::merge_bases(self.repo, &ca, &cb)
            .map_err(|e| Fatal::new(e.to_string()))?;
        self.show_rev(false, &b, Some(end))?;
        self.show_rev(false, &a, Some(start))?;
        for base in &bases {
            self.show_rev(true, base, None)?;
        }
        Ok(true)
    }

    /// git's `try_parent_shorthands`: `<rev>^@`, `<rev>^!`, `<rev>^-[<n>]`.
    fn try_parent_shorthands(&mut self, arg: &str) -> Result<bool, Fatal> {
        let (at, include_rev, include_parents, exclude) = if let Some(i) = arg.find("^!") {
            if i + 2 != arg.len() {
                return Ok(false);
            }
            (i, true, false, 0usize)
        } else if let Some(i) = arg.find("^@") {
            if i + 2 != arg.len() {
                return Ok(false);
            }
            (i, false, true, 0)
        } else if let Some(i) = arg.find("^-") {
            let rest = &arg[i + 2..];
            let n = if rest.is_empty() {
                1
            } else {
                match rest.parse::<usize>() {
                    Ok(n) if n > 0 && rest.bytes().all(|b| b.is_ascii_digit()) => n,
                    _ => return Ok(false),
                }
            };
            (i, true, false, n)
        } else {
            return Ok(false);
        };
        let rev = &arg[..at];
        let Some(id) = self.get(rev, Hint::Committish)? else {
            return Ok(false);
        };
        let Some(commit) = commit_of(self.repo, id) else {
            return Ok(false);
        };
        let parents = parents_of(self.repo, commit).map_err(|e| Fatal::new(e.to_string()))?;
        if exclude > parents.len() {
            return Ok(false);
        }
        if include_rev {
            self.show_rev(false, &id, Some(rev))?;
        }
        for (i, p) in parents.iter().enumerate() {
            let number = i + 1;
            if exclude != 0 && number != exclude {
                continue;
            }
            let name = (self.symbolic != Symbolic::No).then(|| format!("{rev}^{number}"));
            self.show_rev(!include_parents, p, name.as_deref())?;
        }
        Ok(true)
    }
}

/// The commit `id` peels to, if any.
fn commit_of(repo: &Repository, id: ObjectId) -> Option<ObjectId> {
    revision::peel(repo, id, ObjectKind::Commit).ok()
}

/// The parents git sees (grafts and shallow commits applied).
fn parents_of(repo: &Repository, commit: ObjectId) -> Result<Vec<ObjectId>, RevisionError> {
    revision::parents(repo, commit)
}

/// git's `is_git_directory`: a `HEAD` file, and `objects` and `refs` folders (in the
/// common dir named by `commondir`, for linked worktrees).
fn looks_like_git_dir(dir: &Path) -> bool {
    if !dir.join("HEAD").is_file() {
        return false;
    }
    let common = match std::fs::read_to_string(dir.join("commondir")) {
        Ok(c) => dir.join(c.trim_end_matches(['\n', '\r'])),
        Err(_) => dir.to_path_buf(),
    };
    common.join("objects").is_dir() && common.join("refs").is_dir()
}

/// `--resolve-git-dir <path>`: the path itself if it is a git dir, or the (absolute) git
/// dir a `.git` file points to.
fn resolve_git_dir(cwd: &Path, path: &str) -> Option<String> {
    let full = cwd.join(path);
    if looks_like_git_dir(&full) {
        return Some(path.to_string());
    }
    let text = std::fs::read_to_string(&full).ok()?;
    let target = text.strip_prefix("gitdir:")?.trim();
    let target = full.parent()?.join(target).canonicalize().ok()?;
    looks_like_git_dir(&target).then(|| super::path_text(&target))
}

/// Paths under the git dir that belong to the common dir of linked worktrees (git's
/// `common_list`): `(path, is_dir, is_common)`; the longest match decides.
const COMMON_PATHS: &[(&str, bool, bool)] = &[
    ("branches", true, true),
    ("common", true, true),
    ("hooks", true, true),
    ("info", true, true),
    ("info/sparse-checkout", false, false),
    ("logs", true, true),
    ("logs/HEAD", false, false),
    ("logs/refs/bisect", true, false),
    ("logs/refs/rewritten", true, false),
    ("logs/refs/worktree", true, false),
    ("lost-found", true, true),
    ("objects", true, true),
    ("refs", true, true),
    ("refs/bisect", true, false),
    ("refs/rewritten", true, false),
    ("refs/worktree", true, false),
    ("remotes", true, true),
    ("worktrees", true, true),
    ("rr-cache", true, true),
    ("svn", true, true),
    ("config", false, true),
    ("gc.pid", false, true),
    ("packed-refs", false, true),
    ("shallow", false, true),
];

/// Whether `path` (relative to the git dir) lives in the common dir.
fn is_common_path(path: &str) -> bool {
    let mut best: Option<(usize, bool)> = None;
    for &(p, is_dir, common) in COMMON_PATHS {
        let hit = path == p || (is_dir && path.strip_prefix(p).is_some_and(|r| r.starts_with('/')));
        if hit && best.is_none_or(|(len, _)| p.len() > len) {
            best = Some((p.len(), common));
        }
    }
    best.is_some_and(|(_, common)| common)
}

/// git's `--git-path <path>`: the file's place in the git dir or, for shared files of a
/// linked worktree, the common dir; relative to the working folder when git holds the
/// git dir as a relative path.
fn git_path(
    repo: &Repository,
    cwd: &Path,
    prefix: Option<&str>,
    inside_work_tree: Option<&Path>,
    path: &str,
) -> (PathBuf, String) {
    let git_dir = repo.git_dir();
    if git_dir != repo.common_dir() {
        let base = if is_common_path(path) {
            repo.common_dir()
        } else {
            git_dir
        };
        return (
            base.join(path),
            format!("{}/{path}", super::path_text(base)),
        );
    }
    let abs = git_dir.join(path);
    if git_dir == cwd {
        let text = if path.is_empty() {
            "./".to_string()
        } else {
            path.to_string()
        };
        return (abs, text);
    }
    if let (Some(wt), Some(p)) = (inside_work_tree, prefix) {
        if git_dir == wt.join(".git") {
            let text = format!("{}.git/{path}", "../".repeat(p.matches('/').count()));
            return (abs, text);
        }
    }
    (abs, format!("{}/{path}", super::path_text(git_dir)))
}

/// `--path-format`: how paths of the repository are printed.
#[derive(Clone, Copy, PartialEq, Eq)]
enum PathFormat {
    Absolute,
    Relative,
}

/// Prints `path` as `--path-format` asks, or as `default` without it.
fn format_path(format: Option<PathFormat>, path: &Path, cwd: &Path, default: String) -> String {
    match format {
        None => default,
        Some(PathFormat::Absolute) => super::path_text(path),
        Some(PathFormat::Relative) => relative_path(path, cwd),
    }
}

/// git's `relative_path`: `path` seen from `base` (both absolute): `./` for the same
/// folder, `../` steps up, then the rest.
fn relative_path(path: &Path, base: &Path) -> String {
    let a: Vec<_> = path.components().collect();
    let b: Vec<_> = base.components().collect();
    let common = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let ups = b.len() - common;
    let rest: Vec<String> = a[common..]
        .iter()
        .map(|c| crate::bytestr::from_os_str(c.as_os_str()).into_owned())
        .collect();
    match (ups, rest.is_empty()) {
        (0, true) => "./".to_string(),
        (_, true) => "../".repeat(ups),
        _ => format!("{}{}", "../".repeat(ups), rest.join("/")),
    }
}

/// `Needed a single revision`, or exit status 1 with `--quiet`.
fn no_single_rev(quiet: bool) -> Result<i32, Fatal> {
    if quiet {
        Ok(1)
    } else {
        Err(Fatal::new("Needed a single revision"))
    }
}

/// git's `looks_like_pathspec`: glob characters (not escaped) or `:(` magic.
pub(super) fn looks_like_pathspec(arg: &str) -> bool {
    let mut escaped = false;
    for b in arg.bytes() {
        if escaped {
            escaped = false;
        } else if b == b'\\' {
            escaped = true;
        } else if matches!(b, b'*' | b'?' | b'[') {
            return true;
        }
    }
    arg.starts_with(":(")
}

/// git's `check_filename`: whether `arg` names an existing file (`:/x` from the top).
pub(super) fn file_exists(cwd: &Path, top: Option<&Path>, prefix: Option<&str>, arg: &str) -> bool {
    if arg.is_empty() {
        // git looks at `<prefix><arg>` from the top: the empty name exists only as the
        // folder of a non-empty prefix.
        return prefix.is_some_and(|p| !p.is_empty());
    }
    let path: PathBuf = if let Some(rest) = arg.strip_prefix(":/") {
        if rest.is_empty() {
            return true;
        }
        top.unwrap_or(cwd).join(super::arg_path(rest))
    } else if let Some(rest) = arg.strip_prefix(":!").or_else(|| arg.strip_prefix(":^")) {
        if rest.is_empty() {
            return true;
        }
        cwd.join(super::arg_path(rest))
    } else {
        cwd.join(super::arg_path(arg))
    };
    std::fs::symlink_metadata(path).is_ok()
}

/// Quotes `text` for a POSIX shell: `'...'` with each `'` written as `'\''`.
fn sq_quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', "'\\''"))
}

/// Runs `rev-parse`.
pub fn run(ctx: &mut Context<'_>) -> Result<i32, Fatal> {
    let args = ctx.args.clone();
    if args.first().is_some_and(|a| a == "--sq-quote") {
        let mut line = String::new();
        for a in &args[1..] {
            line.push(' ');
            line.push_str(&sq_quote(a));
        }
        line.push('\n');
        ctx.out.write_all(&super::arg_bytes(&line))?;
        return Ok(0);
    }
    if args.first().is_some_and(|a| a == "-h") {
        return Err(Fatal::usage(
            "usage: git rev-parse --parseopt [<options>] -- [<args>...]",
        ));
    }
    let repo = ctx.repo()?;
    let cwd = ctx.cwd.canonicalize().unwrap_or_else(|_| ctx.cwd.clone());
    let work_tree = repo.work_tree().map(Path::to_path_buf);
    let inside_work_tree = work_tree.as_deref().filter(|wt| cwd.starts_with(wt));
    let prefix = inside_work_tree.and_then(|_| revision::work_prefix(&repo, &ctx.cwd));
    let has_dashdash = args.iter().any(|a| a == "--");
    let mut quiet = false;
    let mut verify = false;
    let mut as_is = 0u8;
    let mut end_of_options = false;
    let mut default: Option<String> = None;
    let mut last: Option<(bool, ObjectId, String)> = None;
    let mut revs_count = 0usize;
    let mut excludes: Vec<String> = Vec::new();
    let mut path_format: Option<PathFormat> = None;
    let warn_ambiguous = repo
        .config()
        .get_bool("core.warnambiguousrefs")
        .unwrap_or(true);
    let refs = Refs::new(&repo);
    let mut st = State {
        repo: &repo,
        resolver: Resolver::new(&repo).quiet(false).prefix(prefix.clone()),
        out: &mut *ctx.out,
        filter: DO_REVS | DO_NOREV | DO_FLAGS | DO_NONFLAGS,
        symbolic: Symbolic::No,
        abbrev_ref: false,
        abbrev_ref_strict: warn_ambiguous,
        abbrev: None,
        reversed_output: false,
        prefix: prefix.clone(),
        sq: false,
    };
    let show_file = |st: &mut State<'_, '_>, arg: &str| -> Result<bool, Fatal> {
        if st.filter & (DO_NONFLAGS | DO_NOREV) == (DO_NONFLAGS | DO_NOREV) {
            st.show(arg)?;
            return Ok(true);
        }
        Ok(false)
    };
    let mut i = 0;
    while i < args.len() {
        let arg = args[i].as_str();
        i += 1;
        if as_is > 0 {
            if show_file(&mut st, arg)? && as_is < 2 {
                if arg.starts_with('-') {
                    return Err(Fatal::new(format!(
                        "option '{arg}' must come before non-option arguments"
                    )));
                }
                if !looks_like_pathspec(arg)
                    && !file_exists(&cwd, work_tree.as_deref(), prefix.as_deref(), arg)
                {
                    return Err(Fatal::new(format!(
                        "{arg}: no such path in the working tree.\n\
                         Use 'git <command> -- <path>...' to specify paths that do not exist locally."
                    )));
                }
            }
            continue;
        }
        if !end_of_options && arg.starts_with('-') {
            match arg {
                "--end-of-options" => {
                    end_of_options = true;
                    if st.filter & (DO_FLAGS | DO_REVS) != 0 {
                        show_file(&mut st, arg)?;
                    }
                }
                "--" => {
                    as_is = 2;
                    if st.filter & (DO_FLAGS | DO_REVS) != 0 {
                        show_file(&mut st, arg)?;
                    }
                }
                "--verify" => {
                    st.filter &= !(DO_FLAGS | DO_NOREV);
                    verify = true;
                }
                "-q" | "--quiet" => {
                    quiet = true;
                    st.resolver = Resolver::new(&repo).quiet(true).prefix(prefix.clone());
                }
                "--revs-only" => st.filter &= !DO_NOREV,
                "--no-revs" => st.filter &= !DO_REVS,
                "--flags" => st.filter &= !DO_NONFLAGS,
                "--no-flags" => st.filter &= !DO_FLAGS,
                "--sq" => st.sq = true,
                "-n" => {
                    let Some(count) = args.get(i) else {
                        return Err(Fatal::new("-n requires an argument"));
                    };
                    i += 1;
                    if st.filter & DO_FLAGS != 0 && st.filter & DO_REVS != 0 {
                        st.show(arg)?;
                        st.show(count)?;
                    }
                }
                _ if arg.starts_with("-n") => {
                    if st.filter & DO_FLAGS != 0 && st.filter & DO_REVS != 0 {
                        st.show(arg)?;
                    }
                }
                "--git-common-dir" => {
                    let common = repo.common_dir();
                    let text = if common != repo.git_dir() {
                        super::path_text(common)
                    } else if common == cwd {
                        ".".to_string()
                    } else if let (Some(wt), Some(p)) = (inside_work_tree, prefix.as_deref()) {
                        if common == wt.join(".git") {
                            format!("{}.git", "../".repeat(p.matches('/').count()))
                        } else {
                            super::path_text(common)
                        }
                    } else {
                        super::path_text(common)
                    };
                    st.puts(&format_path(path_format, common, &cwd, text))?;
                }
                "--git-path" => {
                    let Some(path) = args.get(i) else {
                        return Err(Fatal::new("--git-path requires an argument"));
                    };
                    i += 1;
                    let (abs, text) =
                        git_path(&repo, &cwd, prefix.as_deref(), inside_work_tree, path);
                    st.puts(&format_path(path_format, &abs, &cwd, text))?;
                }
                "--show-ref-format" => st.puts("files")?,
                "--shared-index-path" => {
                    // Only a split index has a shared part, and it needs a
                    // `sharedindex.<id>` file: without one there is nothing to print.
                    let split = std::fs::read_dir(repo.git_dir())
                        .map(|d| {
                            d.flatten().any(|e| {
                                e.file_name().to_string_lossy().starts_with("sharedindex.")
                            })
                        })
                        .unwrap_or(false);
                    if split {
                        return Err(Fatal::new(
                            "rev-parse option '--shared-index-path' is not supported by oxgit for split indexes",
                        ));
                    }
                }
                "--bisect" => {
                    let entries = refs.all().map_err(|e| Fatal::new(e.to_string()))?;
                    for (prefix, reversed) in
                        [("refs/bisect/bad", false), ("refs/bisect/good", true)]
                    {
                        for entry in entries.iter().filter(|e| e.name.starts_with(prefix)) {
                            let id = match &entry.value {
                                _ if entry.broken => Some(repo.hash_kind().null_id()),
                                RefValue::Direct(id) => Some(*id),
                                RefValue::Symbolic(_) => refs.resolve(&entry.name).ok().flatten(),
                            };
                            if let Some(id) = id {
                                st.show_rev(reversed, &id, Some(&entry.name))?;
                            }
                        }
                    }
                }
                "--resolve-git-dir" => {
                    let Some(path) = args.get(i) else {
                        return Err(Fatal::new("--resolve-git-dir requires an argument"));
                    };
                    i += 1;
                    match resolve_git_dir(&cwd, path) {
                        Some(text) => st.puts(&text)?,
                        None => return Err(Fatal::new(format!("not a gitdir '{path}'"))),
                    }
                }
                "--local-env-vars" => {
                    for var in LOCAL_ENV_VARS {
                        st.puts(var)?;
                    }
                }
                _ if arg.starts_with("--disambiguate=") => {
                    let hex = &arg["--disambiguate=".len()..];
                    let kind = repo.hash_kind();
                    let prefix = (hex.len() >= revision::MIN_ABBREV)
                        .then(|| crate::oid::HexPrefix::parse(hex.as_bytes(), kind))
                        .flatten();
                    if let Some(prefix) = prefix {
                        let mut found = Vec::new();
                        repo.odb()
                            .find_prefix(&prefix, usize::MAX / 2, &mut found)
                            .map_err(|e| Fatal::new(e.to_string()))?;
                        for id in found {
                            st.puts(&id.to_string())?;
                        }
                    }
                }
                "--is-shallow-repository" => {
                    let shallow = repo.common_dir().join("shallow").is_file();
                    st.puts(if shallow { "true" } else { "false" })?;
                }
                "--symbolic" => st.symbolic = Symbolic::AsIs,
                "--symbolic-full-name" => st.symbolic = Symbolic::Full,
                "--not" => st.reversed_output = !st.reversed_output,
                "--default" => {
                    let Some(d) = args.get(i) else {
                        return Err(Fatal::new("--default requires an argument"));
                    };
                    default = Some(d.clone());
                    i += 1;
                }
                _ if arg.starts_with("--exclude=") => {
                    excludes.push(arg["--exclude=".len()..].to_string());
                }
                _ if crate::refs::list::is_ref_listing(arg) => {
                    // (pattern to match the full name, prefix trimmed from shown names)
                    let (pattern, trim) =
                        crate::refs::list::ref_listing(arg).expect("a listing option");
                    let entries = refs.all().map_err(|e| Fatal::new(e.to_string()))?;
                    for entry in entries {
                        let Some(short) = entry.name.strip_prefix(trim) else {
                            continue;
                        };
                        if pattern.as_deref().is_some_and(|p| {
                            !crate::diff::wildmatch(p.as_bytes(), entry.name.as_bytes())
                        }) {
                            continue;
                        }
                        if excludes
                            .iter()
                            .any(|x| crate::diff::wildmatch(x.as_bytes(), short.as_bytes()))
                        {
                            continue;
                        }
                        // git shows broken refs with the null id, and skips dangling
                        // symbolic ones.
                        let id = match &entry.value {
                            _ if entry.broken => Some(repo.hash_kind().null_id()),
                            RefValue::Direct(id) => Some(*id),
                            RefValue::Symbolic(_) => refs.resolve(&entry.name).ok().flatten(),
                        };
                        if let Some(id) = id {
                            st.show_rev(false, &id, Some(short))?;
                        }
                    }
                    excludes.clear();
                }
                "--git-dir" | "--absolute-git-dir" => {
                    let git_dir = repo.git_dir();
                    let text = if arg == "--absolute-git-dir" {
                        super::path_text(git_dir)
                    } else if git_dir == cwd {
                        ".".to_string()
                    } else if inside_work_tree
                        .is_some_and(|wt| wt == cwd && git_dir == wt.join(".git"))
                    {
                        ".git".to_string()
                    } else {
                        super::path_text(git_dir)
                    };
                    let text = if arg == "--absolute-git-dir" {
                        text
                    } else {
                        format_path(path_format, git_dir, &cwd, text)
                    };
                    st.puts(&text)?;
                }
                "--show-toplevel" => match &work_tree {
                    Some(wt) => {
                        let text = format_path(path_format, wt, &cwd, super::path_text(wt));
                        st.puts(&text)?
                    }
                    None => return Err(Fatal::new("this operation must be run in a work tree")),
                },
                _ if arg.starts_with("--path-format=") => {
                    path_format = match &arg["--path-format=".len()..] {
                        "absolute" => Some(PathFormat::Absolute),
                        "relative" => Some(PathFormat::Relative),
                        other => {
                            return Err(Fatal::new(format!(
                                "unknown argument to --path-format: {other}"
                            )))
                        }
                    };
                }
                "--show-prefix" => {
                    let p = prefix.clone().unwrap_or_default();
                    st.puts(&p)?;
                }
                "--show-cdup" => match (&prefix, &work_tree) {
                    (Some(p), _) => st.puts(&"../".repeat(p.matches('/').count()))?,
                    (None, Some(wt)) => st.puts(&super::path_text(wt))?,
                    (None, None) => {}
                },
                "--is-inside-git-dir" => {
                    let inside = cwd.starts_with(repo.git_dir());
                    st.puts(if inside { "true" } else { "false" })?;
                }
                "--is-inside-work-tree" => {
                    st.puts(if inside_work_tree.is_some() {
                        "true"
                    } else {
                        "false"
                    })?;
                }
                "--is-bare-repository" => {
                    let bare =
                        work_tree.is_none() && repo.config().get_bool("core.bare") != Some(false);
                    st.puts(if bare { "true" } else { "false" })?;
                }
                _ => {
                    if let Some(value) = arg
                        .strip_prefix("--short")
                        .filter(|v| v.is_empty() || v.starts_with('='))
                    {
                        st.filter &= !(DO_FLAGS | DO_NOREV);
                        verify = true;
                        let hex_len = repo.hash_kind().hex_len();
                        let len =
                            match value.strip_prefix('=') {
                                None => revision::default_abbrev_len(&repo),
                                Some(v) => {
                                    // strtoul: leading digits, anything else ends the number.
                                    let digits: String =
                                        v.chars().take_while(char::is_ascii_digit).collect();
                                    let n = digits
                                        .parse::<usize>()
                                        .unwrap_or(if digits.is_empty() { 0 } else { usize::MAX });
                                    n.clamp(revision::MIN_ABBREV, hex_len)
                                }
                            };
                        st.abbrev = Some(len);
                        continue;
                    }
                    if let Some(mode) = arg
                        .strip_prefix("--show-object-format")
                        .filter(|v| v.is_empty() || v.starts_with('='))
                    {
                        if !matches!(mode, "" | "=storage" | "=input" | "=output") {
                            return Err(Fatal::new(format!(
                                "unknown mode for --show-object-format: {}",
                                &mode[1..]
                            )));
                        }
                        st.puts(repo.hash_kind().name())?;
                        continue;
                    }
                    if let Some(mode) = arg
                        .strip_prefix("--abbrev-ref")
                        .filter(|v| v.is_empty() || v.starts_with('='))
                    {
                        st.abbrev_ref = true;
                        st.abbrev_ref_strict = match mode {
                            "" => warn_ambiguous,
                            "=strict" => true,
                            "=loose" => false,
                            other => {
                                return Err(Fatal::new(format!(
                                    "unknown mode for --abbrev-ref: {}",
                                    &other[1..]
                                )))
                            }
                        };
                        continue;
                    }
                    let name = arg.split('=').next().unwrap_or(arg);
                    if UNSUPPORTED.contains(&name)
                        || UNSUPPORTED_VALUED.iter().any(|d| arg.starts_with(d))
                    {
                        return Err(Fatal::new(format!(
                            "rev-parse option '{arg}' is not supported by oxgit"
                        )));
                    }
                    // Unknown flags are passed through, as git does for rev-list options.
                    if st.filter & DO_FLAGS != 0 {
                        st.show(arg)?;
                    }
                }
            }
            continue;
        }
        if st.try_difference(arg)? || st.try_parent_shorthands(arg)? {
            continue;
        }
        let (reversed, name) = match arg.strip_prefix('^') {
            Some(rest) => (true, rest),
            None => (false, arg),
        };
        if let Some(id) = st.get(name, Hint::Any)? {
            if verify {
                revs_count += 1;
                last = Some((reversed, id, name.to_string()));
            } else {
                st.show_rev(reversed, &id, Some(name))?;
            }
            continue;
        }
        if verify {
            return no_single_rev(quiet);
        }
        if has_dashdash {
            return Err(Fatal::new(format!("bad revision '{arg}'")));
        }
        as_is = 1;
        if !show_file(&mut st, arg)? {
            continue;
        }
        // git's verify_filename with diagnostics for misspelt revisions.
        if arg.starts_with('-') {
            return Err(Fatal::new(format!(
                "option '{arg}' must come before non-option arguments"
            )));
        }
        if looks_like_pathspec(arg)
            || file_exists(&cwd, work_tree.as_deref(), prefix.as_deref(), arg)
        {
            continue;
        }
        return Err(diagnose(&mut st, arg, &cwd));
    }
    if verify {
        if revs_count == 1 {
            let (reversed, id, name) = last.expect("one revision");
            st.show_rev(reversed, &id, Some(&name))?;
            return Ok(0);
        }
        if revs_count == 0 {
            if let Some(d) = default {
                if let Some(id) = st.get(&d, Hint::Any)? {
                    st.show_rev(false, &id, Some(&d))?;
                    return Ok(0);
                }
            }
        }
        return no_single_rev(quiet);
    }
    if let Some(d) = default {
        if let Some(id) = st.get(&d, Hint::Any)? {
            st.show_rev(false, &id, Some(&d))?;
        }
    }
    Ok(0)
}

/// The message git dies with for an argument that is neither a revision nor a file: the
/// specific `rev:path` diagnoses where they apply, else "ambiguous argument".
fn diagnose(st: &mut State<'_, '_>, arg: &str, cwd: &Path) -> Fatal {
    unknown_argument(st.repo, st.prefix.as_deref(), cwd, arg)
}

/// git's `die_verify_filename` for `arg`, neither a revision nor a file: the specific
/// `rev:path` and `:path` diagnoses where they apply, else "ambiguous argument".
pub(super) fn unknown_argument(
    repo: &Repository,
    prefix: Option<&str>,
    cwd: &Path,
    arg: &str,
) -> Fatal {
    let general = || {
        Fatal::new(format!(
            "ambiguous argument '{arg}': unknown revision or path not in the working tree.\n{AMBIGUOUS_HINT}"
        ))
    };
    if arg.starts_with(':') && !arg[1..].starts_with(|c: char| c.is_ascii_alphanumeric()) {
        return general();
    }
    // git repeats peel errors in this pass, but not ambiguity lists.
    let mut quiet = Resolver::new(repo)
        .quiet(true)
        .prefix(prefix.map(str::to_string));
    let r = quiet.resolve(arg);
    for m in quiet.take_messages() {
        eprintln!("{m}");
    }
    match r {
        Err(e) => path_diagnosis(repo, prefix, cwd, &e).unwrap_or_else(general),
        Ok(_) => general(),
    }
}

/// git's diagnosis of a `rev:path` or `:path` whose resolution failed with `e`
/// (`get_oid_with_context` with `GET_OID_ONLY_TO_DIE`); `None` for other errors.
pub(super) fn path_diagnosis(
    repo: &Repository,
    prefix: Option<&str>,
    cwd: &Path,
    e: &RevisionError,
) -> Option<Fatal> {
    Some(match e {
        RevisionError::InvalidObjectName(rev) => {
            Fatal::new(format!("invalid object name '{rev}'."))
        }
        RevisionError::PathNotFound { rev, path } => {
            if cwd.join(super::arg_path(path)).exists() {
                Fatal::new(format!("path '{path}' exists on disk, but not in '{rev}'"))
            } else {
                Fatal::new(format!("path '{path}' does not exist in '{rev}'"))
            }
        }
        RevisionError::NotInIndex { path, stage } => {
            index_path_diagnosis(repo, prefix.unwrap_or(""), path, *stage)
        }
        RevisionError::RelativeOutsideWorkTree | RevisionError::OutsideRepository { .. } => {
            Fatal::new(e.to_string())
        }
        _ => return None,
    })
}

/// git's `diagnose_invalid_index_path`: why `:<stage>:<path>` is not in the index.
fn index_path_diagnosis(repo: &Repository, prefix: &str, path: &str, stage: u8) -> Fatal {
    let index = match crate::index::Index::load(repo) {
        Ok(i) => i,
        Err(e) => return Fatal::new(e.to_string()),
    };
    // The stage of the first entry for `p`, if it is in the index at all.
    let stage_of = |p: &str| {
        let p = super::arg_bytes(p);
        let e = index.entries().get(index.first_position(&p))?;
        (index.path(e) == &*p).then(|| e.stage())
    };
    if let Some(s) = stage_of(path) {
        return Fatal::new(format!(
            "path '{path}' is in the index, but not at stage {stage}\nhint: Did you mean ':{s}:{path}'?"
        ));
    }
    let full = format!("{prefix}{path}");
    if let Some(s) = stage_of(&full) {
        return Fatal::new(format!(
            "path '{full}' is in the index, but not '{path}'\nhint: Did you mean ':{s}:{full}' aka ':{s}:./{path}'?"
        ));
    }
    let top = repo.work_tree().map(Path::to_path_buf).unwrap_or_default();
    if std::fs::symlink_metadata(top.join(super::arg_path(path))).is_ok() {
        Fatal::new(format!(
            "path '{path}' exists on disk, but not in the index"
        ))
    } else {
        Fatal::new(format!(
            "path '{path}' does not exist (neither on disk nor in the index)"
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildmatch_without_pathname_flag() {
        assert!(crate::diff::wildmatch(b"refs/heads/*", b"refs/heads/a/b"));
        assert!(crate::diff::wildmatch(b"s?", b"s1"));
        assert!(!crate::diff::wildmatch(b"s?", b"side"));
        assert!(crate::diff::wildmatch(
            b"refs/*/[[:digit:]]*",
            b"refs/heads/0423"
        ));
        assert!(!crate::diff::wildmatch(
            b"refs/heads/s[!0-9]*",
            b"refs/heads/s1"
        ));
        assert!(crate::diff::wildmatch(
            b"refs/heads/s[!0-9]*",
            b"refs/heads/side"
        ));
        assert!(crate::diff::wildmatch(b"a\\*b", b"a*b"));
        assert!(!crate::diff::wildmatch(b"a\\*b", b"axb"));
        assert!(crate::diff::wildmatch(b"[", b"["));
        assert!(crate::diff::wildmatch(b"**", b""));
        assert!(!crate::diff::wildmatch(b"", b"x"));
        assert!(!crate::diff::wildmatch(&b"a*".repeat(50), &b"a".repeat(40)));
    }

    #[test]
    fn glob_patterns_get_git_prefixes() {
        assert_eq!(
            crate::refs::list::glob_pattern("heads", None),
            "refs/heads/*"
        );
        assert_eq!(
            crate::refs::list::glob_pattern("refs/tags/", None),
            "refs/tags/*"
        );
        assert_eq!(
            crate::refs::list::glob_pattern("f*", Some("refs/heads/")),
            "refs/heads/f*"
        );
        assert_eq!(
            crate::refs::list::glob_pattern("feature", Some("refs/heads/")),
            "refs/heads/feature/*"
        );
    }

    #[test]
    fn common_dir_paths() {
        assert!(is_common_path("hooks"));
        assert!(is_common_path("logs/refs/heads/x"));
        assert!(!is_common_path("logs/HEAD"));
        assert!(!is_common_path("refs/bisect/x"));
        assert!(is_common_path("refs/bisectx"));
        assert!(!is_common_path("index"));
        assert!(!is_common_path("info/sparse-checkout"));
        assert!(is_common_path("packed-refs"));
        assert!(!is_common_path("packed-refsx"));
    }

    #[test]
    fn shell_quoting() {
        assert_eq!(sq_quote("a b"), "'a b'");
        assert_eq!(sq_quote("it's"), "'it'\\''s'");
    }
}
