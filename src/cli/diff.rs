//! `oxgit diff <a> <b> [-- <path>...]`: changes between two commits or trees, with
//! rename/copy detection, in git's `--raw`, `--name-only`, `--name-status` and
//! `--summary` formats.

use super::{Context, Fatal};
use crate::diff::quote::{pprint_rename, write_name_terminated, write_quoted};
use crate::diff::{
    changes_between, peel_to_tree, Change, ChangeKind, Pathspec, RenameOptions, TreeDiffOptions,
};
use crate::oid::ObjectId;
use crate::repo::Repository;
use crate::revision::merge_base::CommitWalker;
use std::io::Write;

/// Output section `--raw` (git's `DIFF_FORMAT_RAW` bit).
pub const RAW: u32 = 1;
/// Output section `--name-only`.
pub const NAME: u32 = 2;
/// Output section `--name-status`.
pub const NAME_STATUS: u32 = 4;
/// Output section `--summary`.
pub const SUMMARY: u32 = 8;
/// `-s` / `--no-patch`: no default patch.
pub const NO_OUTPUT: u32 = 16;
/// Output section `-p` (the patch).
pub const PATCH: u32 = 32;
/// Output section `--numstat`.
pub const NUMSTAT: u32 = 64;
/// Output section `--stat`.
pub const STAT: u32 = 128;
/// Output section `--shortstat`.
pub const SHORTSTAT: u32 = 256;

/// Which kind of rename detection runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Detect {
    Off,
    Renames,
    Copies,
}

/// How object names are abbreviated.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Abbrev {
    /// git's automatic length (from the number of packed objects, at least 7).
    Auto,
    /// Start from this many digits (then lengthen until unique).
    Len(usize),
    /// Full ids.
    Full,
}

/// Parsed `diff` options.
struct Options {
    format: u32,
    abbrev: Abbrev,
    detect: Detect,
    harder: bool,
    score: u32,
    limit: Option<i64>,
    term: u8,
    revs: Vec<String>,
    paths: Vec<String>,
    dashdash: bool,
    merge_base: bool,
    /// `--exit-code` (or `--quiet`): exit with 1 when there are changes.
    exit_code: bool,
    /// `--quiet`: print nothing.
    quiet: bool,
    /// `-B`: break complete rewrites.
    breaks: Option<crate::diff::BreakOptions>,
    /// `-R`: swap the two sides.
    reverse: bool,
    /// `--diff-filter` letters to keep and to drop (`*` is all-or-none).
    filter: Vec<u8>,
    filter_not: Vec<u8>,
    /// Line diff options (`-U`, algorithms, whitespace).
    line: crate::diff::line::Options,
    /// `--stat` layout.
    stat: crate::diff::stat::StatOptions,
    /// Patch path prefixes.
    src_prefix: Vec<u8>,
    dst_prefix: Vec<u8>,
    /// `--full-index`.
    full_index: bool,
}

/// The `--diff-algorithm` / `diff.algorithm` names git accepts.
fn parse_algorithm(v: &str) -> Option<crate::diff::line::Algorithm> {
    use crate::diff::line::Algorithm;
    match v.to_ascii_lowercase().as_str() {
        "myers" | "default" => Some(Algorithm::Myers),
        "minimal" => Some(Algorithm::Minimal),
        "patience" => Some(Algorithm::Patience),
        "histogram" => Some(Algorithm::Histogram),
        _ => None,
    }
}

/// git applies the strongest of several whitespace options.
fn strongest(
    a: crate::diff::line::Whitespace,
    b: crate::diff::line::Whitespace,
) -> crate::diff::line::Whitespace {
    use crate::diff::line::Whitespace::*;
    let rank = |w| match w {
        Exact => 0,
        IgnoreCrAtEol => 1,
        IgnoreSpaceAtEol => 2,
        IgnoreSpaceChange => 3,
        IgnoreAllSpace => 4,
    };
    if rank(b) > rank(a) {
        b
    } else {
        a
    }
}

fn invalid(opt: &str) -> Fatal {
    Fatal::usage(format!("invalid argument to {opt}"))
}

fn parse_args(args: &[String], repo: &Repository) -> Result<Options, Fatal> {
    let cfg = repo.config();
    let detect = match cfg.get("diff.renames") {
        Some(v) if v.eq_ignore_ascii_case("copies") || v.eq_ignore_ascii_case("copy") => {
            Detect::Copies
        }
        Some(_) => match cfg.get_bool("diff.renames") {
            Some(false) => Detect::Off,
            _ => Detect::Renames,
        },
        None => Detect::Renames,
    };
    let abbrev = match cfg.get("core.abbrev") {
        None => Abbrev::Auto,
        Some(v) if v.eq_ignore_ascii_case("auto") => Abbrev::Auto,
        Some(v) => match v.parse::<usize>() {
            Ok(n) => clamp_abbrev(n, repo),
            Err(_) if crate::config::parse_bool(v) == Some(false) => Abbrev::Full,
            Err(_) => Abbrev::Auto,
        },
    };
    let mut o = Options {
        format: 0,
        abbrev,
        detect,
        harder: false,
        score: 0,
        limit: cfg.get_int("diff.renamelimit"),
        term: b'\n',
        revs: Vec::new(),
        paths: Vec::new(),
        dashdash: false,
        merge_base: false,
        filter: Vec::new(),
        filter_not: Vec::new(),
        exit_code: false,
        quiet: false,
        reverse: false,
        breaks: None,
        line: crate::diff::line::Options {
            indent_heuristic: cfg.get_bool("diff.indentheuristic").unwrap_or(true),
            algorithm: match cfg.get("diff.algorithm") {
                Some(v) => parse_algorithm(v).ok_or_else(|| invalid("diff.algorithm"))?,
                None => crate::diff::line::Algorithm::Myers,
            },
            context: match cfg.get_int("diff.context") {
                Some(n) if n >= 0 => n as u32,
                _ => 3,
            },
            inter_hunk_context: match cfg.get_int("diff.interhunkcontext") {
                Some(n) if n >= 0 => n as u32,
                _ => 0,
            },
            ..Default::default()
        },
        stat: crate::diff::stat::StatOptions {
            width: std::env::var("COLUMNS")
                .ok()
                .and_then(|v| v.parse::<usize>().ok())
                .filter(|&w| w > 0)
                .unwrap_or(80),
            name_width: cfg
                .get_int("diff.statnamewidth")
                .filter(|&n| n > 0)
                .map(|n| n as usize),
            graph_width: cfg
                .get_int("diff.statgraphwidth")
                .filter(|&n| n > 0)
                .map(|n| n as usize),
            count: None,
        },
        src_prefix: b"a/".to_vec(),
        dst_prefix: b"b/".to_vec(),
        full_index: false,
    };
    if cfg.get_bool("diff.noprefix") == Some(true) {
        o.src_prefix.clear();
        o.dst_prefix.clear();
    }
    let mut i = 0;
    while i < args.len() {
        let a = args[i].as_str();
        i += 1;
        if o.dashdash {
            o.paths.push(a.to_string());
            continue;
        }
        match a {
            "--" => o.dashdash = true,
            "--raw" => o.format |= RAW,
            "--name-only" => o.format |= NAME,
            "--name-status" => o.format |= NAME_STATUS,
            "--summary" => o.format |= SUMMARY,
            "-s" | "--no-patch" => o.format = NO_OUTPUT,
            "-z" => o.term = 0,
            "-r" => {}
            "-R" => o.reverse = true,
            "--exit-code" => o.exit_code = true,
            "--quiet" => {
                o.quiet = true;
                o.exit_code = true;
            }
            "--merge-base" => o.merge_base = true,
            "--abbrev" => o.abbrev = abbrev,
            "--no-abbrev" => o.abbrev = Abbrev::Full,
            "--no-renames" => o.detect = Detect::Off,
            "--find-copies-harder" => o.harder = true,
            "-p" | "-u" | "--patch" => o.format |= PATCH,
            "--patch-with-raw" => o.format |= PATCH | RAW,
            "--patch-with-stat" => o.format |= PATCH | STAT,
            "--numstat" => o.format |= NUMSTAT,
            "--shortstat" => o.format |= SHORTSTAT,
            "--stat" => o.format |= STAT,
            "-W" | "--function-context" => o.line.function_context = true,
            "--no-function-context" => o.line.function_context = false,
            "--minimal" => o.line.algorithm = crate::diff::line::Algorithm::Minimal,
            "--histogram" => o.line.algorithm = crate::diff::line::Algorithm::Histogram,
            "--patience" => o.line.algorithm = crate::diff::line::Algorithm::Patience,
            "--indent-heuristic" => o.line.indent_heuristic = true,
            "--no-indent-heuristic" => o.line.indent_heuristic = false,
            "-w" | "--ignore-all-space" => {
                o.line.whitespace = strongest(
                    o.line.whitespace,
                    crate::diff::line::Whitespace::IgnoreAllSpace,
                )
            }
            "-b" | "--ignore-space-change" => {
                o.line.whitespace = strongest(
                    o.line.whitespace,
                    crate::diff::line::Whitespace::IgnoreSpaceChange,
                )
            }
            "--ignore-space-at-eol" => {
                o.line.whitespace = strongest(
                    o.line.whitespace,
                    crate::diff::line::Whitespace::IgnoreSpaceAtEol,
                )
            }
            "--ignore-cr-at-eol" => {
                o.line.whitespace = strongest(
                    o.line.whitespace,
                    crate::diff::line::Whitespace::IgnoreCrAtEol,
                )
            }
            "--ignore-blank-lines" => o.line.ignore_blank_lines = true,
            "--no-prefix" => {
                o.src_prefix.clear();
                o.dst_prefix.clear();
            }
            "--default-prefix" => {
                o.src_prefix = b"a/".to_vec();
                o.dst_prefix = b"b/".to_vec();
            }
            "--full-index" => o.full_index = true,
            "--no-color" | "--color=never" | "--no-ext-diff" | "--no-textconv" => {}
            _ if a.starts_with("--src-prefix=") => {
                o.src_prefix = a.as_bytes()["--src-prefix=".len()..].to_vec()
            }
            _ if a.starts_with("--dst-prefix=") => {
                o.dst_prefix = a.as_bytes()["--dst-prefix=".len()..].to_vec()
            }
            _ if a.starts_with("--diff-algorithm=") => {
                o.line.algorithm = parse_algorithm(&a["--diff-algorithm=".len()..])
                    .ok_or_else(|| invalid("--diff-algorithm"))?
            }
            _ if a.starts_with("-U") || a.starts_with("--unified=") => {
                let v = a
                    .strip_prefix("--unified=")
                    .or_else(|| a.strip_prefix("-U"))
                    .unwrap_or("");
                o.line.context = v
                    .parse()
                    .map_err(|_| Fatal::usage(format!("{a}: expects a numerical value")))?;
                o.format |= PATCH;
            }
            _ if a.starts_with("--inter-hunk-context=") => {
                o.line.inter_hunk_context = a["--inter-hunk-context=".len()..]
                    .parse()
                    .map_err(|_| Fatal::usage(format!("{a}: expects a numerical value")))?;
            }
            _ if a.starts_with("--stat=") => {
                o.format |= STAT;
                let mut parts = a["--stat=".len()..].split(',');
                let num = |v: Option<&str>| -> Result<Option<usize>, Fatal> {
                    match v {
                        None | Some("") => Ok(None),
                        Some(v) => v.parse().map(Some).map_err(|_| invalid("--stat")),
                    }
                };
                if let Some(w) = num(parts.next())? {
                    o.stat.width = w;
                }
                if let Some(n) = num(parts.next())? {
                    o.stat.name_width = Some(n);
                }
                if let Some(c) = num(parts.next())? {
                    o.stat.count = Some(c);
                }
            }
            _ if a.starts_with("--stat-width=") => {
                o.format |= STAT;
                o.stat.width = a["--stat-width=".len()..]
                    .parse()
                    .map_err(|_| invalid("--stat-width"))?;
            }
            _ if a.starts_with("--stat-name-width=") => {
                o.format |= STAT;
                o.stat.name_width = Some(
                    a["--stat-name-width=".len()..]
                        .parse()
                        .map_err(|_| invalid("--stat-name-width"))?,
                );
            }
            _ if a.starts_with("--stat-graph-width=") => {
                o.format |= STAT;
                o.stat.graph_width = Some(
                    a["--stat-graph-width=".len()..]
                        .parse()
                        .map_err(|_| invalid("--stat-graph-width"))?,
                );
            }
            _ if a.starts_with("--stat-count=") => {
                o.format |= STAT;
                o.stat.count = Some(
                    a["--stat-count=".len()..]
                        .parse()
                        .map_err(|_| invalid("--stat-count"))?,
                );
            }
            _ if a.starts_with("--diff-filter=") || a == "--diff-filter" => {
                let v = match a.strip_prefix("--diff-filter=") {
                    Some(v) => v,
                    None => {
                        i += 1;
                        args.get(i - 1)
                            .map(String::as_str)
                            .ok_or_else(|| Fatal::usage("option `diff-filter' requires a value"))?
                    }
                };
                for c in v.bytes() {
                    let up = c.to_ascii_uppercase();
                    if !b"ACDMRTXUB*".contains(&up) {
                        return Err(Fatal::usage(format!(
                            "unknown change class '{}' in --diff-filter={v}",
                            c as char
                        )));
                    }
                    if c.is_ascii_lowercase() {
                        o.filter_not.push(up);
                    } else {
                        o.filter.push(up);
                    }
                }
            }
            _ if a.starts_with("-B")
                || a == "--break-rewrites"
                || a.starts_with("--break-rewrites=") =>
            {
                let arg = a
                    .strip_prefix("--break-rewrites=")
                    .or_else(|| a.strip_prefix("-B"))
                    .unwrap_or("");
                o.breaks = Some(
                    crate::diff::rename::parse_break_scores(arg)
                        .ok_or_else(|| invalid("break-rewrites"))?,
                );
            }
            _ if a.starts_with("--abbrev=") => {
                let n: usize = a["--abbrev=".len()..]
                    .bytes()
                    .take_while(u8::is_ascii_digit)
                    .fold(0usize, |n, d| {
                        n.saturating_mul(10).saturating_add(usize::from(d - b'0'))
                    });
                o.abbrev = clamp_abbrev(n, repo);
            }
            _ if a == "--find-renames"
                || a.starts_with("--find-renames=")
                || a.starts_with("-M") =>
            {
                let arg = a
                    .strip_prefix("--find-renames=")
                    .or_else(|| a.strip_prefix("-M"))
                    .unwrap_or("");
                let (score, rest) = crate::diff::rename::parse_rename_score(arg);
                if !rest.is_empty() {
                    return Err(invalid("find-renames"));
                }
                o.score = score;
                o.detect = Detect::Renames;
            }
            _ if a == "--find-copies" || a.starts_with("--find-copies=") || a.starts_with("-C") => {
                let arg = a
                    .strip_prefix("--find-copies=")
                    .or_else(|| a.strip_prefix("-C"))
                    .unwrap_or("");
                let (score, rest) = crate::diff::rename::parse_rename_score(arg);
                if !rest.is_empty() {
                    return Err(invalid("find-copies"));
                }
                o.score = score;
                if o.detect == Detect::Copies {
                    o.harder = true;
                } else {
                    o.detect = Detect::Copies;
                }
            }
            _ if a.starts_with("-l") => {
                let v = if a.len() > 2 {
                    &a[2..]
                } else {
                    i += 1;
                    args.get(i - 1).map(String::as_str).unwrap_or("")
                };
                o.limit = Some(v.parse().map_err(|_| {
                    Fatal::usage("switch `l' expects a numerical value".to_string())
                })?);
            }
            _ if a.starts_with("--dirstat") || a == "--compact-summary" => {
                return Err(Fatal::new(format!("{a}: not yet supported")))
            }
            _ if a.starts_with('-') && a.len() > 1 => {
                return Err(Fatal::usage(format!("unknown option '{a}'")))
            }
            _ => o.revs.push(a.to_string()),
        }
    }
    // As git's `diff_setup_done`: copies harder always means copy detection, even
    // after `-M` or `--no-renames`.
    if o.harder {
        o.detect = Detect::Copies;
    }
    Ok(o)
}

fn clamp_abbrev(n: usize, repo: &Repository) -> Abbrev {
    let hex = repo.hash_kind().hex_len();
    if n >= hex {
        Abbrev::Full
    } else {
        Abbrev::Len(n.max(4))
    }
}

/// Abbreviates object ids for one command: [`crate::odb::Abbreviator`] with the start
/// length `abbrev` asks for.
pub struct Abbreviator<'r> {
    inner: crate::odb::Abbreviator<'r>,
    start: Option<usize>,
}

impl<'r> Abbreviator<'r> {
    /// An abbreviator for `repo` with the given mode.
    pub fn new(repo: &'r Repository, abbrev: Abbrev) -> Abbreviator<'r> {
        let start = match abbrev {
            Abbrev::Full => None,
            Abbrev::Len(n) => Some(n),
            Abbrev::Auto => Some(crate::odb::auto_abbrev_len(
                repo.odb().approximate_object_count(),
            )),
        };
        Abbreviator {
            inner: crate::odb::Abbreviator::new(repo.odb()),
            start,
        }
    }

    /// The abbreviated hex form of `id`.
    pub fn abbrev(&mut self, id: &ObjectId) -> Result<String, Fatal> {
        Ok(self.inner.abbrev(id, self.start)?)
    }
}

/// Resolves a revision argument, as git would name it in errors.
fn resolve(repo: &Repository, spec: &str) -> Result<ObjectId, Fatal> {
    crate::revision::resolve(repo, spec).map_err(|_| {
        Fatal::new(format!(
            "ambiguous argument '{spec}': unknown revision or path not in the working tree.\n\
             Use '--' to separate paths from revisions, like this:\n\
             'git <command> [<revision>...] -- [<file>...]'"
        ))
    })
}

/// Whether `arg` is a revision range `a..b` or `a...b` whose ends resolve (an empty end
/// is `HEAD`).
fn is_range(repo: &Repository, arg: &str) -> bool {
    let Some(at) = arg.find("..") else {
        return false;
    };
    let (a, rest) = (&arg[..at], &arg[at + 2..]);
    let b = rest.strip_prefix('.').unwrap_or(rest);
    let ok =
        |s: &str| crate::revision::resolve(repo, if s.is_empty() { "HEAD" } else { s }).is_ok();
    ok(a) && ok(b)
}

/// Turns the revision arguments into the two trees to compare.
fn endpoints(
    repo: &Repository,
    cwd: &std::path::Path,
    o: &mut Options,
) -> Result<(ObjectId, ObjectId), Fatal> {
    // Without `--`, the first argument that is not a revision but an existing path
    // starts the paths.
    if !o.dashdash {
        let mut k = 0;
        while k < o.revs.len() {
            let r = &o.revs[k];
            if is_range(repo, r) || crate::revision::resolve(repo, r).is_ok() {
                k += 1;
                continue;
            }
            break;
        }
        // Like git, every argument after the revisions must then name an existing path.
        let exists = |p: &str| repo.work_tree().is_some() && cwd.join(p).symlink_metadata().is_ok();
        if let Some(bad) = o.revs[k..].iter().find(|p| !exists(p)) {
            return Err(resolve(repo, bad).unwrap_err());
        }
        let paths = o.revs.split_off(k);
        o.paths.splice(0..0, paths);
    }
    let head = || resolve(repo, "HEAD");
    let or_head = |s: &str| {
        if s.is_empty() {
            head()
        } else {
            resolve(repo, s)
        }
    };
    match o.revs.as_slice() {
        [one] if one.contains("...") => {
            let (a, b) = one.split_once("...").expect("contains ...");
            let (ai, bi) = (or_head(a)?, or_head(b)?);
            let mut w = CommitWalker::new(repo);
            let ac = w.peel_to_commit(&ai)?;
            let bc = w.peel_to_commit(&bi)?;
            let bases = w.merge_bases(&ac, &[bc])?;
            let Some(base) = bases.first() else {
                return Err(Fatal::new(format!("{one}: no merge base")));
            };
            if bases.len() > 1 {
                eprintln!("warning: {one}: multiple merge bases, using {base}");
            }
            Ok((*base, bi))
        }
        [one] if one.contains("..") => {
            let (a, b) = one.split_once("..").expect("contains ..");
            Ok((or_head(a)?, or_head(b)?))
        }
        [a, b] if o.merge_base => {
            let (ai, bi) = (resolve(repo, a)?, resolve(repo, b)?);
            let mut w = CommitWalker::new(repo);
            let ac = w.peel_to_commit(&ai)?;
            let bc = w.peel_to_commit(&bi)?;
            match w.merge_bases(&ac, &[bc])?.as_slice() {
                [] => Err(Fatal::new("no merge base found")),
                [base] => Ok((*base, bi)),
                _ => Err(Fatal::new("multiple merge bases found")),
            }
        }
        [a, b] => Ok((resolve(repo, a)?, resolve(repo, b)?)),
        [] | [_] => Err(Fatal::new(
            "diff against the index or the work tree is not yet supported",
        )),
        _ => Err(Fatal::new("combined diffs are not yet supported")),
    }
}

/// Turns command-line paths into root-relative pathspec items.
pub(crate) fn pathspec_items(
    repo: &Repository,
    cwd: &std::path::Path,
    paths: &[String],
) -> Result<Vec<Vec<u8>>, Fatal> {
    let prefix: Vec<String> = match repo.work_tree() {
        Some(wt) => {
            let wt = wt.canonicalize().unwrap_or_else(|_| wt.to_path_buf());
            let cwd = cwd.canonicalize().unwrap_or_else(|_| cwd.to_path_buf());
            match cwd.strip_prefix(&wt) {
                Ok(rel) => rel
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect(),
                Err(_) => Vec::new(),
            }
        }
        None => Vec::new(),
    };
    let mut items = Vec::new();
    for p in paths {
        let mut parts: Vec<String> = prefix.clone();
        let trailing = p.ends_with('/') && p.len() > 1;
        for comp in p.split('/') {
            match comp {
                "" | "." => {}
                ".." => {
                    if parts.pop().is_none() {
                        return Err(Fatal::new(format!("{p}: '{p}' is outside repository")));
                    }
                }
                c => parts.push(c.to_string()),
            }
        }
        let mut item = parts.join("/").into_bytes();
        if trailing && !item.is_empty() {
            item.push(b'/');
        }
        items.push(item);
    }
    Ok(items)
}

/// git's usage line for `diff`, printed for argument combinations it cannot run.
const DIFF_USAGE: &str = "usage: git diff [<options>] [<commit>] [--] [<path>...]";

/// Peels tags on `id`; `Some` with the blob id if it ends at a blob.
fn peel_to_blob(odb: &crate::odb::Odb, id: &ObjectId) -> Result<Option<ObjectId>, Fatal> {
    let mut id = *id;
    let mut buf = Vec::new();
    for _ in 0..64 {
        if id == id.kind().empty_tree() {
            return Ok(None);
        }
        match odb.read_into(&id, &mut buf)? {
            crate::object::ObjectKind::Blob => return Ok(Some(id)),
            crate::object::ObjectKind::Tag => {
                id = crate::object::Tag::parse(&buf)
                    .map_err(|e| Fatal::new(e.to_string()))?
                    .object;
            }
            _ => return Ok(None),
        }
    }
    Ok(None)
}

/// The changes between the trees of `a` and `b`, with the options' pathspec and rename
/// detection (warnings about the rename limit go to stderr, as git's do).
fn tree_changes_for(
    repo: &Repository,
    cwd: &std::path::Path,
    o: &Options,
    a: &ObjectId,
    b: &ObjectId,
) -> Result<Vec<Change>, Fatal> {
    let odb = repo.odb();
    let old_tree = peel_to_tree(odb, a)?;
    let new_tree = peel_to_tree(odb, b)?;
    let items = pathspec_items(repo, cwd, &o.paths)?;
    let copies = o.detect == Detect::Copies;
    let tree_opts = TreeDiffOptions {
        pathspec: Pathspec::new(items),
        include_unmodified: false,
    };
    let ropts = RenameOptions {
        copies,
        copies_harder: o.harder,
        min_score: o.score,
        rename_limit: o.limit.unwrap_or(crate::diff::rename::DEFAULT_RENAME_LIMIT),
    };
    let renames = (o.detect != Detect::Off).then_some(&ropts);
    let outcome = changes_between(
        odb,
        Some(&old_tree),
        Some(&new_tree),
        &tree_opts,
        renames,
        o.breaks.as_ref(),
    )?;
    if outcome.needed_rename_limit > 0 {
        if outcome.degraded_copies {
            eprintln!("warning: only found copies from modified paths due to too many files.");
        } else {
            eprintln!("warning: exhaustive rename detection was skipped due to too many files.");
        }
        eprintln!(
            "warning: you may want to set your diff.renameLimit variable to at least {} and retry the command.",
            outcome.needed_rename_limit
        );
    }
    Ok(outcome.changes)
}

/// git's `--diff-filter`: keeps the changes whose status is selected; with `*`, keeps
/// all of them if any is selected and none otherwise.
fn apply_filter(changes: Vec<Change>, o: &Options) -> Vec<Change> {
    if o.filter.is_empty() && o.filter_not.is_empty() {
        return changes;
    }
    let all_or_none = o.filter.contains(&b'*');
    let selected = |letter: u8| {
        let on = if o.filter.is_empty() {
            letter != b'*'
        } else {
            o.filter.contains(&letter)
        };
        on && !o.filter_not.contains(&letter)
    };
    let matches = |c: &Change| {
        if c.kind == ChangeKind::Modified && c.score.is_some_and(|s| s > 0) {
            selected(b'B')
        } else {
            selected(c.status_letter())
        }
    };
    if all_or_none {
        if changes.iter().any(matches) {
            changes
        } else {
            Vec::new()
        }
    } else {
        changes.into_iter().filter(|c| matches(c)).collect()
    }
}

/// Runs `diff`.
pub fn run(ctx: &mut Context<'_>) -> Result<i32, Fatal> {
    let repo = ctx.repo()?;
    let mut o = parse_args(&ctx.args, &repo)?;
    let exclusive = [NAME, NAME_STATUS, NO_OUTPUT]
        .iter()
        .filter(|&&b| o.format & b != 0)
        .count();
    if exclusive > 1 {
        return Err(Fatal::new(
            "options '--name-only', '--name-status', '--check', and '-s' cannot be used together",
        ));
    }
    if o.format & (NAME | NAME_STATUS) != 0 {
        o.format &= !(RAW | SUMMARY);
    }
    if o.quiet {
        o.format = NO_OUTPUT;
    }
    if o.format == 0 {
        o.format = PATCH;
    }
    if o.format & (NAME | NAME_STATUS | NO_OUTPUT) != 0 {
        o.format &= !PATCH;
    }
    let (a, b) = endpoints(&repo, &ctx.cwd, &mut o)?;
    let (a, b) = if o.reverse {
        o.revs.reverse();
        (b, a)
    } else {
        (a, b)
    };
    let odb = repo.odb();
    let (a_blob, b_blob) = (peel_to_blob(odb, &a)?, peel_to_blob(odb, &b)?);
    let changes = match (a_blob, b_blob) {
        (Some(x), Some(y)) => {
            // `git diff <blob> <blob>`: one pair named after the arguments.
            if !o.paths.is_empty() || o.revs.len() != 2 {
                return Err(Fatal::usage(DIFF_USAGE));
            }
            let mut c = Change::modified(o.revs[1].clone().into_bytes(), 0o100644, x, 0o100644, y);
            c.old_path = o.revs[0].clone().into_bytes();
            if x == y {
                Vec::new()
            } else {
                vec![c]
            }
        }
        (None, None) => tree_changes_for(&repo, &ctx.cwd, &o, &a, &b)?,
        _ => return Err(Fatal::usage(DIFF_USAGE)),
    };
    let changes = apply_filter(changes, &o);
    // Sections in git's fixed order: raw / name-only / name-status, then (numstat,
    // stat: not yet), then summary, then (patch: not yet).
    let quote_high = repo.config().get_bool("core.quotepath") != Some(false);
    let mut abbrev = Abbreviator::new(&repo, o.abbrev);
    let mut out = Vec::with_capacity(64 * 1024);
    if o.format & (RAW | NAME | NAME_STATUS) != 0 {
        for c in &changes {
            write_pair(c, o.format, o.term, quote_high, &mut abbrev, &mut out)?;
            if out.len() > 60 * 1024 {
                ctx.out.write_all(&out)?;
                out.clear();
            }
        }
    }
    let wants_lines = o.format & (PATCH | NUMSTAT | STAT | SHORTSTAT) != 0;
    let mut files = Vec::new();
    let mut patch_started = false;
    if wants_lines {
        ctx.out.write_all(&out)?;
        out.clear();
        let differ = crate::api::Differ::new(
            &repo,
            crate::api::DiffOptions {
                line: o.line,
                patch: o.format & PATCH != 0,
                hunks: false,
                src_prefix: o.src_prefix.clone(),
                dst_prefix: o.dst_prefix.clone(),
                abbrev: match (o.full_index, o.abbrev) {
                    (true, _) | (_, Abbrev::Full) => None,
                    (_, Abbrev::Auto) => Some(0),
                    (_, Abbrev::Len(n)) => Some(n),
                },
            },
        );
        // The patch comes after every other section, so when one is printed the
        // patches are kept until the stats are done; otherwise they stream.
        let stream = o.format & (NUMSTAT | STAT | SHORTSTAT | SUMMARY) == 0;
        let mut held: Vec<u8> = Vec::new();
        let any_before = o.format & (RAW | NAME | NAME_STATUS) != 0 && !changes.is_empty();
        let sink_out = &mut *ctx.out;
        differ
            .for_each(&changes, |f| {
                if !f.patch.is_empty() {
                    if stream {
                        if !patch_started && any_before {
                            sink_out.write_all(&[o.term])?;
                        }
                        patch_started = true;
                        sink_out.write_all(&f.patch)?;
                    } else {
                        held.extend_from_slice(&f.patch);
                    }
                }
                files.push(StatEntry::of(f, quote_high));
                Ok(())
            })
            .map_err(|e| Fatal::new(e.to_string()))?;
        let shown: Vec<&StatEntry> = files.iter().filter(|f| !f.skip).collect();
        if o.format & NUMSTAT != 0 {
            for f in &shown {
                write_numstat(f, o.term, quote_high, &mut out);
            }
        }
        if o.format & STAT != 0 {
            let stats: Vec<crate::diff::stat::FileStat> =
                shown.iter().map(|f| f.stat.clone()).collect();
            crate::diff::stat::write_stat(&mut out, &stats, &o.stat);
        } else if o.format & SHORTSTAT != 0 {
            let stats: Vec<crate::diff::stat::FileStat> =
                shown.iter().map(|f| f.stat.clone()).collect();
            crate::diff::stat::write_shortstat(&mut out, &stats);
        }
        if o.format & SUMMARY != 0 {
            for c in &changes {
                write_summary(c, quote_high, &mut out);
            }
        }
        if !held.is_empty() {
            if !out.is_empty() || any_before {
                out.push(o.term);
            }
            out.extend_from_slice(&held);
        }
    } else if o.format & SUMMARY != 0 {
        for c in &changes {
            write_summary(c, quote_high, &mut out);
        }
    }
    ctx.out.write_all(&out)?;
    Ok(i32::from(o.exit_code && !changes.is_empty()))
}

/// What the stat sections need of one file pair.
struct StatEntry {
    /// Left out of numstat/stat/shortstat (an empty modification).
    skip: bool,
    /// Line counts, `None` for a binary pair.
    counts: Option<(u64, u64)>,
    /// Old and new path (equal unless renamed or copied).
    old_path: Vec<u8>,
    new_path: Vec<u8>,
    renamed: bool,
    /// The `--stat` entry.
    stat: crate::diff::stat::FileStat,
}

impl StatEntry {
    fn of(f: &crate::api::FileDiff, quote_high: bool) -> StatEntry {
        use crate::diff::stat::{FileStat, StatKind};
        let c = &f.change;
        let renamed = matches!(c.kind, ChangeKind::Renamed | ChangeKind::Copied);
        let name = if renamed {
            let mut n = Vec::new();
            pprint_rename(&c.old_path, &c.new_path, quote_high, &mut n);
            n
        } else {
            let mut n = Vec::new();
            write_quoted(
                if c.new_mode != 0 {
                    &c.new_path
                } else {
                    &c.old_path
                },
                quote_high,
                &mut n,
            );
            n
        };
        let kind = if f.binary {
            let same = c.old_id == c.new_id;
            StatKind::Binary {
                old_size: if same { 0 } else { f.old_size },
                new_size: if same { 0 } else { f.new_size },
            }
        } else {
            StatKind::Text {
                added: f.additions,
                deleted: f.deletions,
            }
        };
        StatEntry {
            skip: f.is_empty_modification(),
            counts: (!f.binary).then_some((f.additions, f.deletions)),
            old_path: c.old_path.clone(),
            new_path: if c.new_mode != 0 {
                c.new_path.clone()
            } else {
                c.old_path.clone()
            },
            renamed,
            stat: FileStat { name, kind },
        }
    }
}

/// Writes the `--numstat` line of one file diff.
pub(crate) fn write_numstat_of(
    f: &crate::api::FileDiff,
    term: u8,
    quote_high: bool,
    out: &mut Vec<u8>,
) {
    write_numstat(&StatEntry::of(f, quote_high), term, quote_high, out);
}

/// The `--stat` entry of one file diff.
pub(crate) fn stat_of(f: &crate::api::FileDiff, quote_high: bool) -> crate::diff::stat::FileStat {
    StatEntry::of(f, quote_high).stat
}

/// Writes one `--numstat` line (`-z`: names NUL-terminated and never quoted).
fn write_numstat(f: &StatEntry, term: u8, quote_high: bool, out: &mut Vec<u8>) {
    match f.counts {
        Some((a, d)) => {
            let _ = write!(out, "{a}\t{d}\t");
        }
        None => out.extend_from_slice(b"-\t-\t"),
    }
    if term == 0 {
        if f.renamed {
            out.push(0);
            out.extend_from_slice(&f.old_path);
            out.push(0);
            out.extend_from_slice(&f.new_path);
            out.push(0);
        } else {
            out.extend_from_slice(&f.new_path);
            out.push(0);
        }
        return;
    }
    if f.renamed {
        pprint_rename(&f.old_path, &f.new_path, quote_high, out);
    } else {
        write_quoted(&f.new_path, quote_high, out);
    }
    out.push(b'\n');
}

/// Writes one `--raw`, `--name-only` or `--name-status` entry (`format` holds the
/// section bits; `term` is `\n`, or `\0` for `-z`).
pub fn write_pair(
    c: &Change,
    format: u32,
    term: u8,
    quote_high: bool,
    abbrev: &mut Abbreviator<'_>,
    out: &mut Vec<u8>,
) -> Result<(), Fatal> {
    if format & NAME != 0 {
        write_name_terminated(&c.new_path, quote_high, term, out);
        return Ok(());
    }
    let sep = if term == 0 { 0 } else { b'\t' };
    if format & NAME_STATUS == 0 {
        write!(
            out,
            ":{:06o} {:06o} {} {} ",
            c.old_mode,
            c.new_mode,
            abbrev.abbrev(&c.old_id)?,
            abbrev.abbrev(&c.new_id)?
        )?;
    }
    out.push(c.status_letter());
    if let Some(p) = c.percent().filter(|_| c.score.is_some_and(|s| s > 0)) {
        write!(out, "{p:03}")?;
    }
    out.push(sep);
    if matches!(c.kind, ChangeKind::Renamed | ChangeKind::Copied) {
        write_name_terminated(&c.old_path, quote_high, sep, out);
        write_name_terminated(&c.new_path, quote_high, term, out);
    } else {
        let name = if c.old_mode != 0 {
            &c.old_path
        } else {
            &c.new_path
        };
        write_name_terminated(name, quote_high, term, out);
    }
    Ok(())
}

/// Writes the `--summary` lines of one change (if it has any).
pub fn write_summary(c: &Change, quote_high: bool, out: &mut Vec<u8>) {
    let mode_change = |out: &mut Vec<u8>, name: bool| {
        if c.old_mode != 0 && c.new_mode != 0 && c.old_mode != c.new_mode {
            let _ = write!(out, " mode change {:06o} => {:06o}", c.old_mode, c.new_mode);
            if name {
                out.push(b' ');
                write_quoted(&c.new_path, quote_high, out);
            }
            out.push(b'\n');
        }
    };
    match c.kind {
        ChangeKind::Deleted | ChangeKind::Added => {
            let (word, mode, path) = if c.kind == ChangeKind::Deleted {
                ("delete", c.old_mode, &c.old_path)
            } else {
                ("create", c.new_mode, &c.new_path)
            };
            if mode != 0 {
                let _ = write!(out, " {word} mode {mode:06o} ");
            } else {
                let _ = write!(out, " {word} ");
            }
            write_quoted(path, quote_high, out);
            out.push(b'\n');
        }
        ChangeKind::Renamed | ChangeKind::Copied => {
            let word = if c.kind == ChangeKind::Renamed {
                "rename"
            } else {
                "copy"
            };
            let _ = write!(out, " {word} ");
            pprint_rename(&c.old_path, &c.new_path, quote_high, out);
            let _ = writeln!(out, " ({}%)", c.percent().unwrap_or(0));
            mode_change(out, false);
        }
        ChangeKind::Modified | ChangeKind::TypeChanged => {
            // A complete rewrite (`-B`) carries its dissimilarity.
            let rewrite = c.score.filter(|&s| s > 0);
            if rewrite.is_some() {
                out.extend_from_slice(b" rewrite ");
                write_quoted(&c.new_path, quote_high, out);
                let _ = writeln!(out, " ({}%)", c.percent().unwrap_or(0));
            }
            mode_change(out, rewrite.is_none());
        }
    }
}
