//! `oxgit diff <a> <b> [-- <path>...]`: changes between two commits or trees, with
//! rename/copy detection, in git's `--raw`, `--name-only`, `--name-status` and
//! `--summary` formats.

use super::quote::{pprint_rename, write_name_terminated, write_quoted};
use super::{Context, Fatal};
use crate::diff::{
    changes_between, peel_to_tree, Change, ChangeKind, Pathspec, RenameOptions, TreeDiffOptions,
};
use crate::oid::{HexPrefix, ObjectId};
use crate::repo::Repository;
use crate::revision::merge_base::CommitWalker;
use std::collections::HashMap;
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
    };
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
            "-p" | "-u" | "--patch" | "--patch-with-raw" | "--patch-with-stat" => {
                return Err(Fatal::new("patch output not yet supported"))
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
            _ if a.starts_with("--stat")
                || a.starts_with("--numstat")
                || a.starts_with("--shortstat")
                || a.starts_with("--dirstat")
                || a == "--compact-summary"
                || a.starts_with("-U")
                || a.starts_with("--unified") =>
            {
                return Err(Fatal::new(format!(
                    "{a}: patch and stat output not yet supported"
                )))
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

/// git's automatic abbreviation length: from the number of objects in pack indexes and
/// multi-pack-indexes (loose objects do not count), at least 7.
pub fn auto_abbrev_len(repo: &Repository) -> usize {
    let mut count: u64 = 0;
    for dir in repo.odb().object_dirs() {
        let pack_dir = dir.join("pack");
        let Ok(entries) = std::fs::read_dir(&pack_dir) else {
            continue;
        };
        for e in entries.flatten() {
            let name = e.file_name();
            let name = name.to_string_lossy();
            if name.ends_with(".idx") {
                // git only counts packs whose data file is present.
                if e.path().with_extension("pack").is_file() {
                    count += idx_object_count(&e.path()).unwrap_or(0);
                }
            } else if name == "multi-pack-index" {
                count += midx_object_count(&e.path()).unwrap_or(0);
            }
        }
    }
    let mut bits = 0u32;
    let mut x = count;
    while x > 1 {
        x >>= 1;
        bits += 1;
    }
    (((bits + 1).div_ceil(2)) as usize).max(7)
}

/// The object count of a pack `.idx` (version 1 or 2): the last fan-out entry.
fn idx_object_count(path: &std::path::Path) -> Option<u64> {
    use std::io::Read;
    let mut f = std::fs::File::open(path).ok()?;
    let mut head = [0u8; 8 + 256 * 4];
    f.read_exact(&mut head).ok()?;
    let fanout = if head[..4] == [0xff, b't', b'O', b'c'] {
        8
    } else {
        0
    };
    let at = fanout + 255 * 4;
    Some(u64::from(u32::from_be_bytes(
        head[at..at + 4].try_into().ok()?,
    )))
}

/// The object count of a multi-pack-index: the last entry of its OIDF chunk.
fn midx_object_count(path: &std::path::Path) -> Option<u64> {
    let data = std::fs::read(path).ok()?;
    if data.len() < 12 || &data[..4] != b"MIDX" {
        return None;
    }
    let chunks = usize::from(data[6]);
    for k in 0..chunks {
        let at = 12 + k * 12;
        let entry = data.get(at..at + 12)?;
        if &entry[..4] == b"OIDF" {
            let off = usize::try_from(u64::from_be_bytes(entry[4..12].try_into().ok()?)).ok()?;
            let last = data.get(off.checked_add(255 * 4)?..off.checked_add(256 * 4)?)?;
            return Some(u64::from(u32::from_be_bytes(last.try_into().ok()?)));
        }
    }
    None
}

/// Abbreviates object ids as git does: from a starting length, lengthened until no other
/// object in the repository shares the prefix. Results are cached per id.
pub struct Abbreviator<'r> {
    repo: &'r Repository,
    start: Option<usize>,
    cache: HashMap<ObjectId, usize>,
    scratch: Vec<ObjectId>,
    /// All ids sharing a first byte, sorted, fetched once per fan-out slot (`None`:
    /// too many to keep; then each id is looked up on its own).
    fanout: HashMap<u8, Option<Vec<ObjectId>>>,
}

/// Fan-out slots with more ids than this are not cached.
const FANOUT_CACHE_LIMIT: usize = 4096;

impl<'r> Abbreviator<'r> {
    /// An abbreviator for `repo` with the given mode.
    pub fn new(repo: &'r Repository, abbrev: Abbrev) -> Abbreviator<'r> {
        let start = match abbrev {
            Abbrev::Full => None,
            Abbrev::Len(n) => Some(n),
            Abbrev::Auto => Some(auto_abbrev_len(repo)),
        };
        Abbreviator {
            repo,
            start,
            cache: HashMap::new(),
            scratch: Vec::new(),
            fanout: HashMap::new(),
        }
    }

    /// The abbreviated hex form of `id`.
    pub fn abbrev(&mut self, id: &ObjectId) -> Result<String, Fatal> {
        let hex = id.to_hex();
        let Some(start) = self.start else {
            return Ok(hex);
        };
        if start >= hex.len() {
            return Ok(hex);
        }
        if let Some(&n) = self.cache.get(id) {
            return Ok(hex[..n].to_string());
        }
        let first = id.first_byte();
        if !self.fanout.contains_key(&first) {
            let p = HexPrefix::parse(&hex.as_bytes()[..2], id.kind())
                .ok_or_else(|| Fatal::new("bad abbreviation"))?;
            let mut ids = Vec::new();
            self.repo
                .odb()
                .find_prefix(&p, FANOUT_CACHE_LIMIT, &mut ids)?;
            let entry = (ids.len() <= FANOUT_CACHE_LIMIT).then_some(ids);
            self.fanout.insert(first, entry);
        }
        let mut len = start;
        if let Some(Some(ids)) = self.fanout.get(&first) {
            // In sorted order, the longest shared prefix is with a neighbour.
            let pos = ids.partition_point(|o| o < id);
            let after = if ids.get(pos) == Some(id) {
                pos + 1
            } else {
                pos
            };
            for other in [pos.checked_sub(1).and_then(|i| ids.get(i)), ids.get(after)]
                .into_iter()
                .flatten()
            {
                len = len.max(common_hex_prefix(id.as_bytes(), other.as_bytes()) + 1);
            }
        } else {
            let prefix = HexPrefix::parse(&hex.as_bytes()[..start], id.kind())
                .ok_or_else(|| Fatal::new("bad abbreviation"))?;
            self.scratch.clear();
            self.repo
                .odb()
                .find_prefix(&prefix, usize::MAX - 1, &mut self.scratch)?;
            for other in &self.scratch {
                if other != id {
                    len = len.max(common_hex_prefix(id.as_bytes(), other.as_bytes()) + 1);
                }
            }
        }
        let len = len.min(hex.len());
        self.cache.insert(*id, len);
        Ok(hex[..len].to_string())
    }
}

/// Number of leading hex digits two ids share.
fn common_hex_prefix(a: &[u8], b: &[u8]) -> usize {
    let mut n = 0;
    for (x, y) in a.iter().zip(b) {
        if x == y {
            n += 2;
        } else {
            if x >> 4 == y >> 4 {
                n += 1;
            }
            break;
        }
    }
    n
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
fn pathspec_items(
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
        return Err(Fatal::new("patch output not yet supported"));
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
    if o.format & SUMMARY != 0 {
        for c in &changes {
            write_summary(c, quote_high, &mut out);
        }
    }
    ctx.out.write_all(&out)?;
    Ok(i32::from(o.exit_code && !changes.is_empty()))
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
