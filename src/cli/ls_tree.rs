//! `oxgit ls-tree`: the entries of a tree, as git 2.47 lists them.

use super::options::{self, abbrev_value, fixed, flag, optional, usage_error, value, Parsed, Spec};
use super::{literal, Context, Fatal};
use crate::object::tree_list::{ListOptions, ListedEntry, TreeList};
use crate::object::ObjectKind;
use crate::repo::Repository;
use crate::revision::{self, Hint, Resolver};
use std::io::Write;
use std::path::Path;

pub(super) const USAGE: &str = "usage: oxgit ls-tree [<options>] <tree-ish> [<path>...]

    -d                    only show trees
    -r                    recurse into subtrees
    -t                    show trees when recursing
    -z                    terminate entries with NUL byte
    -l, --long            include object size
    --name-only           list only filenames
    --name-status         list only filenames
    --object-only         list only objects
    --[no-]full-name      use full path names
    --[no-]full-tree      list entire tree; not just current directory (implies --full-name)
    --format <format>     format to use for the output
    --[no-]abbrev[=<n>]   use <n> digits to display object names

";

const SPECS: &[Spec] = &[
    flag(Some('d'), ""),
    flag(Some('r'), ""),
    flag(Some('t'), ""),
    flag(Some('z'), ""),
    fixed(flag(Some('l'), "long")),
    fixed(flag(None, "name-only")),
    fixed(flag(None, "name-status")),
    fixed(flag(None, "object-only")),
    flag(None, "full-name"),
    flag(None, "full-tree"),
    fixed(value(None, "format")),
    optional(None, "abbrev"),
];

/// The output mode (git's `ls_tree_cmdmode`).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Default,
    Long,
    NameOnly,
    ObjectOnly,
}

/// One piece of a `--format`.
enum Atom {
    Literal(Vec<u8>),
    Mode,
    Kind,
    Size { padded: bool },
    Name,
    Path,
}

/// Runs `ls-tree`.
pub fn run(ctx: &mut Context<'_>) -> Result<i32, Fatal> {
    let parsed = match options::parse(&ctx.args, SPECS, false) {
        Ok(p) => p,
        Err(e) => return Ok(e.report(USAGE, ctx.out)),
    };
    let repo = ctx.repo()?;
    let mut list = ListOptions::default();
    let mut nul = false;
    let mut mode: Option<(Mode, String)> = None;
    let mut full_name = false;
    let mut full_tree = false;
    let mut format: Option<String> = None;
    let mut abbrev = Some(0);
    let mut positional = Vec::new();
    for p in parsed {
        let (name, value, negated, spelled) = match p {
            Parsed::Opt {
                name,
                value,
                negated,
                spelled,
            } => (name, value, negated, spelled),
            Parsed::Arg(a) => {
                positional.push(a);
                continue;
            }
            Parsed::DashDash => continue,
        };
        let new_mode = match name {
            "d" => {
                list.trees_only = !negated;
                None
            }
            "r" => {
                list.recursive = !negated;
                None
            }
            "t" => {
                list.show_trees = !negated;
                None
            }
            "z" => {
                nul = !negated;
                None
            }
            "long" => Some(Mode::Long),
            "name-only" | "name-status" => Some(Mode::NameOnly),
            "object-only" => Some(Mode::ObjectOnly),
            "full-name" => {
                full_name = !negated;
                None
            }
            "full-tree" => {
                full_tree = !negated;
                None
            }
            "format" => {
                format = (!negated).then(|| value.unwrap_or_default());
                None
            }
            _ => {
                abbrev = match abbrev_value(
                    value.as_deref(),
                    negated,
                    repo.hash_kind().hex_len(),
                    "abbrev",
                ) {
                    Ok(a) => a,
                    Err(e) => return Ok(e.report(USAGE, ctx.out)),
                };
                None
            }
        };
        if let Some(m) = new_mode {
            if negated {
                mode = None;
                continue;
            }
            if let Some((_, before)) = &mode {
                if *before != spelled {
                    return Ok(usage_error(
                        &format!("options '{spelled}' and '{before}' cannot be used together"),
                        "",
                    ));
                }
            }
            mode = Some((m, spelled));
        }
    }
    let mut mode = mode.map(|(m, _)| m);
    if list.trees_only && list.recursive {
        list.show_trees = true;
    }
    if format.is_some() && mode.is_some() {
        eprintln!("fatal: --format can't be combined with other format-altering options\n");
        return Ok(usage_error("", USAGE));
    }
    let Some(rev) = positional.first() else {
        return Ok(usage_error("", USAGE));
    };
    let prefix = if full_tree {
        None
    } else {
        work_tree_prefix(&repo, &ctx.cwd)
    };
    let display_prefix = if full_name { None } else { prefix.clone() };
    let mut resolver = Resolver::new(&repo).prefix(prefix.clone().or(Some(String::new())));
    let id = match resolver.resolve_with(rev, Hint::Any) {
        Ok(id) => id,
        Err(e) if e.is_not_found() => {
            return Err(Fatal::new(format!("Not a valid object name {rev}")))
        }
        Err(e) => return Err(e.into()),
    };
    list.paths = pathspecs(&repo, prefix.as_deref(), &positional[1..])?;
    let tree = match revision::peel(&repo, id, ObjectKind::Tree) {
        Ok(t) => t,
        Err(e) if e.is_not_found() => return Err(Fatal::new("not a tree object")),
        Err(e) => return Err(e.into()),
    };
    // git takes its fast paths for the formats of the modes (`%(path)` is then not quoted
    // with -z).
    if let Some(f) = &format {
        let known = [
            (
                Mode::Default,
                "%(objectmode) %(objecttype) %(objectname)%x09%(path)",
            ),
            (
                Mode::Long,
                "%(objectmode) %(objecttype) %(objectname) %(objectsize:padded)%x09%(path)",
            ),
            (Mode::NameOnly, "%(path)"),
            (Mode::ObjectOnly, "%(objectname)"),
        ];
        if let Some((m, _)) = known.iter().find(|(_, k)| k == f) {
            mode = Some(*m);
            format = None;
        }
    }
    // Like git, a bad format is only reported when there is an entry to show.
    let (atoms, bad) = match format.as_deref().map(parse_format) {
        Some(Ok(a)) => (Some(a), None),
        Some(Err(e)) => (None, Some(e)),
        None => (None, None),
    };
    let printer = Printer {
        repo: &repo,
        mode: mode.unwrap_or(Mode::Default),
        atoms,
        nul,
        abbrev,
        prefix: display_prefix,
        quote_high: repo.config().get_bool("core.quotepath") != Some(false),
    };
    let mut line = Vec::new();
    for entry in TreeList::new(repo.odb(), tree, &list) {
        let entry = entry.map_err(|e| Fatal::new(e.to_string()))?;
        if let Some(e) = bad {
            return Err(e);
        }
        line.clear();
        printer.line(&entry, &mut line)?;
        ctx.out.write_all(&line)?;
    }
    Ok(0)
}

/// The working folder relative to the top of the work tree (`sub/dir/`, or empty at the
/// top); `None` outside a work tree (a bare repository, or inside `.git`).
pub(super) fn work_tree_prefix(repo: &Repository, cwd: &Path) -> Option<String> {
    let wt = repo.work_tree()?;
    let wt = wt.canonicalize().unwrap_or_else(|_| wt.to_path_buf());
    let cwd = cwd.canonicalize().unwrap_or_else(|_| cwd.to_path_buf());
    let rel = cwd.strip_prefix(&wt).ok()?;
    if cwd.starts_with(repo.git_dir()) {
        return None;
    }
    let mut p = crate::bytestr::from_os_str(rel.as_os_str()).into_owned();
    if !p.is_empty() {
        p.push('/');
    }
    Some(p)
}

/// git's `prefix_path`: `arg` seen from `prefix`, with `.`, `..` and doubled slashes
/// resolved; a trailing slash (or a final `.`/`..`) is kept as a trailing slash.
pub(super) fn normalize_path(prefix: &str, arg: &str) -> Option<String> {
    let joined = format!("{prefix}{arg}");
    let mut parts: Vec<&str> = Vec::new();
    let mut trailing = joined.ends_with('/');
    for c in joined.split('/') {
        match c {
            "" => {}
            "." => trailing = true,
            ".." => {
                parts.pop()?;
                trailing = true;
            }
            _ => {
                parts.push(c);
                trailing = joined.ends_with('/');
            }
        }
    }
    let mut out = parts.join("/");
    if trailing && !out.is_empty() {
        out.push('/');
    }
    Some(out)
}

/// The pathspecs of `args` from the top of the tree: relative to `prefix` unless given
/// `:/` or `:(top)`, `:(literal)` accepted, other magic refused as git refuses it here.
fn pathspecs(
    repo: &Repository,
    prefix: Option<&str>,
    args: &[String],
) -> Result<Vec<Vec<u8>>, Fatal> {
    let mut out = Vec::new();
    for arg in args {
        if arg.is_empty() {
            return Err(Fatal::new(
                "empty string is not a valid pathspec. please use . instead if you meant to match all paths",
            ));
        }
        let (path, from_top) = pathspec_magic(arg)?;
        let base = if from_top { "" } else { prefix.unwrap_or("") };
        let Some(p) = normalize_path(base, path) else {
            let top = repo
                .work_tree()
                .map(|w| w.display().to_string())
                .unwrap_or_default();
            return Err(Fatal::new(format!(
                "{arg}: '{arg}' is outside repository at '{top}'"
            )));
        };
        out.push(super::arg_bytes(&p).into_owned());
    }
    if out.is_empty() {
        if let Some(p) = prefix.filter(|p| !p.is_empty()) {
            out.push(super::arg_bytes(p).into_owned());
        }
    }
    Ok(out)
}

/// Splits the magic off a pathspec: the path and whether it is from the top.
fn pathspec_magic(arg: &str) -> Result<(&str, bool), Fatal> {
    let Some(rest) = arg.strip_prefix(':') else {
        return Ok((arg, false));
    };
    let refuse = |magic: &str| {
        Fatal::new(format!(
            "{arg}: pathspec magic not supported by this command: '{magic}'"
        ))
    };
    if let Some(long) = rest.strip_prefix('(') {
        let Some((words, path)) = long.split_once(')') else {
            return Err(Fatal::new(format!(
                "Missing ')' at the end of pathspec magic in '{arg}'"
            )));
        };
        let mut top = false;
        for w in words.split(',') {
            match w {
                "top" => top = true,
                "literal" => {}
                "glob" | "icase" | "exclude" => return Err(refuse(w)),
                _ if w.starts_with("attr:") => return Err(refuse("attr")),
                _ => {
                    return Err(Fatal::new(format!(
                        "Invalid pathspec magic '{w}' in '{arg}'"
                    )))
                }
            }
        }
        return Ok((path, top));
    }
    let mut top = false;
    let mut path = rest;
    loop {
        match path.as_bytes().first() {
            Some(b'/') => top = true,
            Some(&c @ (b'!' | b'^')) => {
                return Err(Fatal::new(format!(
                "{arg}: pathspec magic not supported by this command: 'exclude' (mnemonic: '{}')",
                c as char
            )))
            }
            Some(b':') => {
                path = &path[1..];
                break;
            }
            _ => break,
        }
        path = &path[1..];
    }
    Ok((path, top))
}

/// git's `relative_path`: `path` (from the top) as seen from the folder `prefix`.
pub(super) fn relative_path(path: &[u8], prefix: Option<&str>) -> Vec<u8> {
    let Some(prefix) = prefix.filter(|p| !p.is_empty()) else {
        return path.to_vec();
    };
    if path.is_empty() {
        return b"./".to_vec();
    }
    let prefix = &*super::arg_bytes(prefix);
    let (mut i, mut j) = (0, 0);
    let (mut prefix_off, mut path_off) = (0, 0);
    while i < prefix.len() && j < path.len() && prefix[i] == path[j] {
        if prefix[i] == b'/' {
            while prefix.get(i) == Some(&b'/') {
                i += 1;
            }
            while path.get(j) == Some(&b'/') {
                j += 1;
            }
            prefix_off = i;
            path_off = j;
        } else {
            i += 1;
            j += 1;
        }
    }
    if i >= prefix.len() && prefix_off < prefix.len() {
        if j >= path.len() {
            path_off = path.len();
        } else if path[j] == b'/' {
            while path.get(j) == Some(&b'/') {
                j += 1;
            }
            path_off = j;
        } else {
            i = prefix_off;
        }
    } else if j >= path.len() && path_off < path.len() && prefix.get(i) == Some(&b'/') {
        while prefix.get(i) == Some(&b'/') {
            i += 1;
        }
        path_off = path.len();
    }
    let rest = &path[path_off..];
    if i >= prefix.len() {
        return if rest.is_empty() {
            b"./".to_vec()
        } else {
            rest.to_vec()
        };
    }
    let mut out = Vec::new();
    while i < prefix.len() {
        if prefix[i] == b'/' {
            out.extend_from_slice(b"../");
            while prefix.get(i) == Some(&b'/') {
                i += 1;
            }
            continue;
        }
        i += 1;
    }
    if prefix.last() != Some(&b'/') {
        out.extend_from_slice(b"../");
    }
    out.extend_from_slice(rest);
    out
}

/// Parses an `ls-tree --format`.
fn parse_format(f: &str) -> Result<Vec<Atom>, Fatal> {
    let bytes = f.as_bytes();
    let mut atoms = Vec::new();
    let mut lit = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != b'%' {
            lit.push(bytes[i]);
            i += 1;
            continue;
        }
        let rest = &f[i + 1..];
        if rest.starts_with('%') {
            lit.push(b'%');
            i += 2;
            continue;
        }
        if let Some((byte, len)) = expand_literal(rest.as_bytes()) {
            lit.push(byte);
            i += 1 + len;
            continue;
        }
        const NAMES: [&str; 6] = [
            "(objectmode)",
            "(objecttype)",
            "(objectsize:padded)",
            "(objectsize)",
            "(objectname)",
            "(path)",
        ];
        let Some(name) = NAMES.iter().find(|n| rest.starts_with(*n)) else {
            return Err(bad_format(rest, "ls-tree"));
        };
        if !lit.is_empty() {
            atoms.push(Atom::Literal(literal(std::mem::take(&mut lit))));
        }
        atoms.push(match *name {
            "(objectmode)" => Atom::Mode,
            "(objecttype)" => Atom::Kind,
            "(objectsize:padded)" => Atom::Size { padded: true },
            "(objectsize)" => Atom::Size { padded: false },
            "(objectname)" => Atom::Name,
            _ => Atom::Path,
        });
        i += 1 + name.len();
    }
    if !lit.is_empty() {
        atoms.push(Atom::Literal(literal(lit)));
    }
    Ok(atoms)
}

/// git's `strbuf_expand_literal`: `n` is a newline, `xNN` a byte in hex; returns the byte
/// and how many format bytes it used.
pub(super) fn expand_literal(rest: &[u8]) -> Option<(u8, usize)> {
    match rest {
        [b'n', ..] => Some((b'\n', 1)),
        [b'x', h, l, ..] => {
            let h = (*h as char).to_digit(16)?;
            let l = (*l as char).to_digit(16)?;
            Some(((h * 16 + l) as u8, 3))
        }
        _ => None,
    }
}

/// git's `strbuf_expand_bad_format`.
pub(super) fn bad_format(rest: &str, command: &str) -> Fatal {
    if !rest.starts_with('(') {
        return Fatal::new(format!(
            "bad {command} format: element '{rest}' does not start with '('"
        ));
    }
    match rest.find(')') {
        None => Fatal::new(format!(
            "bad {command} format: element '{rest}' does not end in ')'"
        )),
        Some(end) => Fatal::new(format!("bad {command} format: %{}", &rest[..=end])),
    }
}

struct Printer<'r> {
    repo: &'r Repository,
    mode: Mode,
    atoms: Option<Vec<Atom>>,
    nul: bool,
    abbrev: Option<usize>,
    prefix: Option<String>,
    quote_high: bool,
}

impl Printer<'_> {
    fn name(&self, entry: &ListedEntry) -> Result<String, Fatal> {
        let len = self
            .abbrev
            .unwrap_or_else(|| revision::default_abbrev_len(self.repo));
        if len == 0 || entry.kind() == ObjectKind::Commit && len >= entry.id.kind().hex_len() {
            return Ok(entry.id.to_hex());
        }
        Ok(revision::abbreviate(self.repo, &entry.id, len)?)
    }

    fn size(&self, entry: &ListedEntry, strict: bool) -> Result<Option<u64>, Fatal> {
        if entry.kind() != ObjectKind::Blob {
            return Ok(None);
        }
        match self.repo.odb().read_header(&entry.id) {
            Ok((_, size)) => Ok(Some(size)),
            Err(_) if strict => Err(Fatal::new(format!(
                "could not get object info about '{}'",
                entry.id
            ))),
            Err(_) => Ok(Some(u64::MAX)),
        }
    }

    fn path(&self, entry: &ListedEntry, out: &mut Vec<u8>, always_quote: bool) {
        let rel = relative_path(&entry.path, self.prefix.as_deref());
        if self.nul && !always_quote {
            out.extend_from_slice(&rel);
        } else {
            crate::diff::quote::write_quoted(&rel, self.quote_high, out);
        }
    }

    fn line(&self, entry: &ListedEntry, out: &mut Vec<u8>) -> Result<(), Fatal> {
        let term = if self.nul { 0 } else { b'\n' };
        if let Some(atoms) = &self.atoms {
            for atom in atoms {
                match atom {
                    Atom::Literal(l) => out.extend_from_slice(l),
                    Atom::Mode => write!(out, "{:06o}", entry.mode.as_raw())?,
                    Atom::Kind => out.extend_from_slice(entry.kind().name().as_bytes()),
                    Atom::Size { padded } => match (self.size(entry, true)?, padded) {
                        (Some(s), true) => write!(out, "{s:>7}")?,
                        (Some(s), false) => write!(out, "{s}")?,
                        (None, true) => write!(out, "{:>7}", "-")?,
                        (None, false) => out.push(b'-'),
                    },
                    Atom::Name => out.extend_from_slice(self.name(entry)?.as_bytes()),
                    Atom::Path => self.path(entry, out, true),
                }
            }
            out.push(term);
            return Ok(());
        }
        match self.mode {
            Mode::ObjectOnly => {
                out.extend_from_slice(self.name(entry)?.as_bytes());
                out.push(term);
                return Ok(());
            }
            Mode::NameOnly => {}
            Mode::Default => write!(
                out,
                "{:06o} {} {}\t",
                entry.mode.as_raw(),
                entry.kind(),
                self.name(entry)?
            )?,
            Mode::Long => {
                let size = match self.size(entry, false)? {
                    None => "-".to_string(),
                    Some(u64::MAX) => "BAD".to_string(),
                    Some(s) => s.to_string(),
                };
                write!(
                    out,
                    "{:06o} {} {} {size:>7}\t",
                    entry.mode.as_raw(),
                    entry.kind(),
                    self.name(entry)?
                )?
            }
        }
        self.path(entry, out, false);
        out.push(term);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_relative_to_the_working_folder() {
        let r =
            |p: &str, pre: &str| String::from_utf8(relative_path(p.as_bytes(), Some(pre))).unwrap();
        assert_eq!(r("src/a", "src/"), "a");
        assert_eq!(r("src", "src/"), "./");
        assert_eq!(r("top", "src/"), "../top");
        assert_eq!(r("a/c", "a/b/"), "../c");
        assert_eq!(r("a/b/c/d", "a/b/"), "c/d");
        assert_eq!(r("x", "a/b/"), "../../x");
        assert_eq!(r("srcx", "src/"), "../srcx");
    }

    #[test]
    fn pathspecs_are_normalized_like_git() {
        assert_eq!(normalize_path("src/", ".").as_deref(), Some("src/"));
        assert_eq!(normalize_path("src/", "..").as_deref(), Some(""));
        assert_eq!(normalize_path("src/", "../top").as_deref(), Some("top"));
        assert_eq!(
            normalize_path("src/", "deep/").as_deref(),
            Some("src/deep/")
        );
        assert_eq!(normalize_path("", "a//b/./c").as_deref(), Some("a/b/c"));
        assert_eq!(normalize_path("src/", "../.."), None);
    }
}
