//! `oxgit status`: git's long format with its hints, `-s`/`--short`, `-b`,
//! `--porcelain[=v1|v2]`, `-z`, `--untracked-files`, `--ignored`, renames, pathspecs.
//!
//! The index is only read: unlike git, oxgit does not write a refreshed index back, so
//! files whose stat data went stale are hashed again on the next run.

use super::{Context, Fatal};
use crate::diff::quote::write_quoted;
use crate::diff::{ChangeKind, RenameOptions};
use crate::oid::ObjectId;
use crate::refs::{Head, Refs};
use crate::repo::Repository;
use crate::worktree::{
    relative_path, IgnoredMode, Outcome, Pathspec, Status, StatusOptions, UntrackedMode,
};
use std::collections::BTreeMap;
use std::io::Write;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Format {
    Long,
    Short,
    Porcelain,
    PorcelainV2,
}

struct Options {
    format: Option<Format>,
    branch: bool,
    nul: bool,
    untracked: UntrackedMode,
    ignored: IgnoredMode,
    renames: Option<bool>,
    score: u32,
    show_stash: bool,
    ahead_behind: bool,
    paths: Vec<String>,
}

fn untracked_mode(v: &str) -> Result<UntrackedMode, Fatal> {
    match v {
        "no" | "false" => Ok(UntrackedMode::No),
        "normal" | "true" => Ok(UntrackedMode::Normal),
        "all" => Ok(UntrackedMode::All),
        _ => Err(Fatal::new(format!("Invalid untracked files mode '{v}'"))),
    }
}

fn parse_args(args: &[String], repo: &Repository) -> Result<Options, Fatal> {
    let cfg = repo.config();
    let mut o = Options {
        format: None,
        branch: false,
        nul: false,
        untracked: match cfg.get("status.showuntrackedfiles") {
            Some(v) => untracked_mode(v)?,
            None => UntrackedMode::Normal,
        },
        ignored: IgnoredMode::No,
        renames: None,
        score: 0,
        show_stash: cfg.get_bool("status.showstash") == Some(true),
        ahead_behind: true,
        paths: Vec::new(),
    };
    let mut branch_flag: Option<bool> = None;
    let mut ab_flag: Option<bool> = None;
    let mut i = 0;
    let mut dashdash = false;
    let mut explicit_format = None;
    while i < args.len() {
        let a = args[i].as_str();
        i += 1;
        if dashdash || !a.starts_with('-') || a == "-" {
            o.paths.push(a.to_string());
            continue;
        }
        match a {
            "--" => dashdash = true,
            "-s" | "--short" => explicit_format = Some(Format::Short),
            "--long" => explicit_format = Some(Format::Long),
            "--porcelain" => explicit_format = Some(Format::Porcelain),
            "-b" | "--branch" => branch_flag = Some(true),
            "--no-branch" => branch_flag = Some(false),
            "-z" | "--null" => o.nul = true,
            "--show-stash" => o.show_stash = true,
            "--no-show-stash" => o.show_stash = false,
            "--ahead-behind" => ab_flag = Some(true),
            "--no-ahead-behind" => ab_flag = Some(false),
            "--no-renames" => o.renames = Some(false),
            "--renames" => o.renames = Some(true),
            "-u" | "--untracked-files" => o.untracked = UntrackedMode::All,
            "--ignored" => o.ignored = IgnoredMode::Traditional,
            "--no-column" | "--no-ignore-submodules" => {}
            "-uno" => o.untracked = UntrackedMode::No,
            _ if a.starts_with("--porcelain=") => {
                explicit_format = Some(match &a["--porcelain=".len()..] {
                    "v1" | "1" => Format::Porcelain,
                    "v2" | "2" => Format::PorcelainV2,
                    v => return Err(Fatal::new(format!("unsupported porcelain version '{v}'"))),
                })
            }
            _ if a.starts_with("--untracked-files=") => {
                o.untracked = untracked_mode(&a["--untracked-files=".len()..])?
            }
            _ if !a.starts_with("--") && a.len() > 2 => {
                // Bundled short options: `-sb`, `-zb`, `-suno`.
                let b = a.as_bytes();
                let mut k = 1;
                while k < b.len() {
                    match b[k] {
                        b's' => explicit_format = Some(Format::Short),
                        b'b' => branch_flag = Some(true),
                        b'z' => o.nul = true,
                        b'u' => {
                            let rest = &a[k + 1..];
                            o.untracked = if rest.is_empty() {
                                UntrackedMode::All
                            } else {
                                untracked_mode(rest)?
                            };
                            break;
                        }
                        _ => {
                            return Err(Fatal::usage(format!("unknown switch `{}'", b[k] as char)))
                        }
                    }
                    k += 1;
                }
            }
            _ if a.starts_with("--ignored=") => {
                o.ignored = match &a["--ignored=".len()..] {
                    "traditional" => IgnoredMode::Traditional,
                    "matching" => IgnoredMode::Matching,
                    "no" => IgnoredMode::No,
                    v => return Err(Fatal::new(format!("Invalid ignored mode '{v}'"))),
                }
            }
            _ if a == "--find-renames" || a.starts_with("--find-renames=") => {
                let arg = a.strip_prefix("--find-renames=").unwrap_or("");
                let (score, rest) = crate::diff::rename::parse_rename_score(arg);
                if !rest.is_empty() {
                    return Err(Fatal::usage("invalid argument to find-renames"));
                }
                o.score = score;
                o.renames = Some(true);
            }
            _ if a.starts_with("--ignore-submodules") || a.starts_with("--column") => {
                return Err(Fatal::new(format!("status {a}: not yet supported")))
            }
            "-v" | "--verbose" => return Err(Fatal::new("status --verbose: not yet supported")),
            _ => return Err(Fatal::usage(format!("unknown option '{a}'"))),
        }
    }
    // git's `finalize_deferred_config`: status.short, status.branch and
    // status.aheadBehind apply only to the human formats.
    o.format = explicit_format;
    if o.nul {
        match o.format {
            None => o.format = Some(Format::Porcelain),
            Some(Format::Long) => {
                return Err(Fatal::new(
                    "options '--long' and '-z' cannot be used together",
                ))
            }
            _ => {}
        }
    }
    let deferred = !matches!(o.format, Some(Format::Porcelain | Format::PorcelainV2)) && !o.nul;
    if deferred && o.format.is_none() && cfg.get_bool("status.short") == Some(true) {
        o.format = Some(Format::Short);
    }
    o.branch = branch_flag.unwrap_or(deferred && cfg.get_bool("status.branch") == Some(true));
    o.ahead_behind =
        ab_flag.unwrap_or(!deferred || cfg.get_bool("status.aheadbehind").unwrap_or(true));
    if o.ignored == IgnoredMode::Matching && o.untracked == UntrackedMode::No {
        return Err(Fatal::new(
            "Unsupported combination of ignored and untracked-files arguments",
        ));
    }
    Ok(o)
}

/// What status knows about one path (git's `wt_status_change_data`).
#[derive(Clone, Debug, Default)]
struct Data {
    index_status: u8,
    worktree_status: u8,
    mode_head: u32,
    mode_index: u32,
    mode_worktree: u32,
    oid_head: Option<ObjectId>,
    oid_index: Option<ObjectId>,
    rename_source: Option<Vec<u8>>,
    rename_score: u32,
    rename_status: u8,
    stagemask: u8,
    new_commits: bool,
    dirty_modified: bool,
    dirty_untracked: bool,
}

/// The branch and upstream facts the headers print.
struct BranchInfo {
    /// `None` while unknown, `Some("HEAD")` when detached, else the full ref name.
    branch: Option<String>,
    head: Option<ObjectId>,
    initial: bool,
}

/// Runs `status`.
pub fn run(ctx: &mut Context<'_>) -> Result<i32, Fatal> {
    let repo = ctx.repo()?;
    let Some(root) = repo.work_tree().map(|p| p.to_path_buf()) else {
        return Err(Fatal::new("this operation must be run in a work tree"));
    };
    let o = parse_args(&ctx.args, &repo)?;
    let format = o.format.unwrap_or(Format::Long);
    let cfg = repo.config();
    let prefix = super::ls_files::cwd_prefix(&root, &ctx.cwd);
    let items = super::pathspec_items(&repo, &ctx.cwd, &o.paths)?;
    let detect = o.renames.unwrap_or_else(|| {
        match cfg
            .get_bool("status.renames")
            .or_else(|| cfg.get("status.renames").map(|_| true))
        {
            Some(b) => b,
            None => {
                cfg.get_bool("diff.renames").unwrap_or(true)
                    || cfg.get("diff.renames").is_some_and(|v| {
                        v.eq_ignore_ascii_case("copies") || v.eq_ignore_ascii_case("copy")
                    })
            }
        }
    });
    let limit = cfg
        .get_int("status.renamelimit")
        .or_else(|| cfg.get_int("diff.renamelimit"))
        .unwrap_or(crate::diff::rename::DEFAULT_RENAME_LIMIT);
    let sopts = StatusOptions {
        pathspec: Pathspec::new(items),
        untracked: o.untracked,
        ignored: if o.untracked == UntrackedMode::No {
            IgnoredMode::No
        } else {
            o.ignored
        },
        renames: detect.then(|| RenameOptions {
            min_score: o.score,
            rename_limit: limit,
            ..RenameOptions::default()
        }),
        submodule_contents: true,
    };
    let outcome = Status::new(&repo, sopts)
        .run()
        .map_err(|e| Fatal::new(e.to_string()))?;
    if outcome.needed_rename_limit > 0 {
        eprintln!("warning: exhaustive rename detection was skipped due to too many files.");
        eprintln!(
            "warning: you may want to set your status.renameLimit variable to at least {} and retry the command.",
            outcome.needed_rename_limit
        );
    }
    let refs = Refs::new(&repo);
    let info = branch_info(&refs, &outcome)?;
    let changes = collect(&outcome, format == Format::Short);
    let quote_high = cfg.get_bool("core.quotepath") != Some(false);
    let relative = cfg.get_bool("status.relativepaths").unwrap_or(true);
    let shown_prefix: &[u8] = match format {
        Format::Porcelain => b"",
        _ if !relative => b"",
        _ => &prefix,
    };
    let mut out = Vec::with_capacity(64 * 1024);
    // Only the human formats colour (git: `color.status`, else `color.ui`).
    let want = matches!(format, Format::Short | Format::Long)
        && super::terminal::ColorWhen::from_config(cfg, "color.status")?
            .want(cfg.get_bool("color.pager") != Some(false));
    let p = Printer {
        colors: if want {
            StatusPalette::from_config(cfg)?
        } else {
            StatusPalette::default()
        },
        repo: &repo,
        refs: &refs,
        info: &info,
        prefix: shown_prefix,
        quote_high,
        nul: o.nul,
        ahead_behind: o.ahead_behind,
        hints: cfg.get_bool("advice.statushints").unwrap_or(true),
    };
    match format {
        Format::Short | Format::Porcelain => {
            if o.branch {
                p.short_branch(&mut out)?;
            }
            p.short(&changes, &outcome, &mut out);
        }
        Format::PorcelainV2 => {
            if o.branch {
                p.v2_branch(&mut out)?;
            }
            if o.show_stash {
                p.v2_stash(&mut out);
            }
            p.v2(&changes, &outcome, &mut out)?;
        }
        Format::Long => p.long(&changes, &outcome, &o, &mut out)?,
    }
    ctx.out.write_all(&out)?;
    Ok(0)
}

/// Merges the three scans into git's per-path change list, sorted by path.
fn collect(o: &Outcome, short: bool) -> BTreeMap<Vec<u8>, Data> {
    let mut m: BTreeMap<Vec<u8>, Data> = BTreeMap::new();
    for w in &o.worktree {
        let d = m.entry(w.path.clone()).or_default();
        if d.worktree_status == 0 {
            d.worktree_status = w.kind.letter();
        }
        if let Some(s) = w.submodule {
            d.new_commits = s.new_commits;
            d.dirty_modified = s.modified;
            d.dirty_untracked = s.untracked;
            if short {
                d.worktree_status = if s.new_commits {
                    b'M'
                } else if s.modified {
                    b'm'
                } else if s.untracked {
                    b'?'
                } else {
                    d.worktree_status
                };
            }
        }
        match w.kind {
            ChangeKind::Added => d.mode_worktree = w.new_mode,
            ChangeKind::Deleted => {
                d.mode_index = w.old_mode;
                d.oid_index = Some(w.old_id);
            }
            _ => {
                d.mode_index = w.old_mode;
                d.mode_worktree = w.new_mode;
                d.oid_index = Some(w.old_id);
            }
        }
    }
    for u in &o.unmerged {
        let d = m.entry(u.path.clone()).or_default();
        if d.worktree_status == 0 {
            d.worktree_status = b'U';
        }
        d.mode_worktree = u.worktree_mode;
        d.index_status = b'U';
        d.stagemask = u.stage_mask();
    }
    for c in &o.staged {
        let d = m.entry(c.new_path.clone()).or_default();
        if d.index_status == 0 {
            d.index_status = c.status_letter();
        }
        match c.kind {
            ChangeKind::Added => {
                d.mode_index = c.new_mode;
                d.oid_index = Some(c.new_id);
            }
            ChangeKind::Deleted => {
                d.mode_head = c.old_mode;
                d.oid_head = Some(c.old_id);
            }
            _ => {
                if matches!(c.kind, ChangeKind::Renamed | ChangeKind::Copied) {
                    d.rename_source = Some(c.old_path.clone());
                    d.rename_score = c.percent().unwrap_or(0);
                    d.rename_status = c.status_letter();
                }
                d.mode_head = c.old_mode;
                d.mode_index = c.new_mode;
                d.oid_head = Some(c.old_id);
                d.oid_index = Some(c.new_id);
            }
        }
    }
    m
}

/// Where `HEAD` is, for the headers.
fn branch_info(refs: &Refs, o: &Outcome) -> Result<BranchInfo, Fatal> {
    let head = refs.head().map_err(|e| Fatal::new(e.to_string()))?;
    Ok(match head {
        Head::Attached { name, id } => BranchInfo {
            branch: Some(name),
            head: id,
            initial: o.initial,
        },
        Head::Detached(id) => BranchInfo {
            branch: Some("HEAD".into()),
            head: Some(id),
            initial: o.initial,
        },
    })
}

/// The upstream of a branch and how far apart they are.
struct Tracking {
    /// The upstream's full ref name.
    base: String,
    /// Commits on the branch, and on the upstream, that the other lacks; `None` when
    /// the upstream ref is gone.
    counts: Option<(usize, usize)>,
}

/// The colours of `status` (`color.status.<slot>`); all empty when not colouring. An
/// empty colour writes nothing at all, as git's `color_fprintf`.
#[derive(Clone, Debug, Default)]
struct StatusPalette {
    /// Staged changes (`added`, `updated`).
    updated: String,
    /// Changes not staged (`changed`).
    changed: String,
    /// `untracked`.
    untracked: String,
    /// Ignored files (`ignored`).
    ignored: String,
    /// `unmerged`.
    unmerged: String,
    /// The branch of `-b` (`localBranch`).
    local_branch: String,
    /// Its upstream (`remoteBranch`).
    remote_branch: String,
    /// A detached HEAD (`noBranch`).
    no_branch: String,
}

impl StatusPalette {
    /// git's colours with `color.status.<slot>` over them; slots oxgit does not colour
    /// (`header`, `branch`) are refused when set.
    fn from_config(config: &crate::config::Config) -> Result<StatusPalette, Fatal> {
        let mut p = StatusPalette {
            updated: "\x1b[32m".into(),
            changed: "\x1b[31m".into(),
            untracked: "\x1b[31m".into(),
            ignored: "\x1b[31m".into(),
            unmerged: "\x1b[31m".into(),
            local_branch: "\x1b[32m".into(),
            remote_branch: "\x1b[31m".into(),
            no_branch: "\x1b[31m".into(),
        };
        for (rest, value) in config.section_entries("color") {
            let Some(slot) = rest.strip_prefix("status.") else {
                continue;
            };
            let target = match slot {
                "added" | "updated" => &mut p.updated,
                "changed" => &mut p.changed,
                "untracked" => &mut p.untracked,
                "ignored" => &mut p.ignored,
                "unmerged" => &mut p.unmerged,
                "localbranch" => &mut p.local_branch,
                "remotebranch" => &mut p.remote_branch,
                "nobranch" => &mut p.no_branch,
                "header" | "branch" => {
                    return Err(Fatal::new(format!(
                        "color.status.{slot} is not supported by oxgit"
                    )))
                }
                _ => continue,
            };
            let v = value.unwrap_or("");
            *target = crate::pretty::color::parse(v).ok_or_else(|| {
                eprintln!("error: invalid color value: {v}");
                Fatal::new(format!("unable to parse 'color.status.{slot}' from config"))
            })?;
        }
        Ok(p)
    }
}

/// Appends `text` in `color` (git's `color_fprintf`: nothing added for an empty colour).
fn paint(out: &mut Vec<u8>, color: &str, text: &[u8]) {
    if color.is_empty() {
        out.extend_from_slice(text);
        return;
    }
    out.extend_from_slice(color.as_bytes());
    out.extend_from_slice(text);
    out.extend_from_slice(crate::pretty::color::RESET.as_bytes());
}

struct Printer<'a> {
    colors: StatusPalette,
    repo: &'a Repository,
    refs: &'a Refs,
    info: &'a BranchInfo,
    prefix: &'a [u8],
    quote_high: bool,
    nul: bool,
    ahead_behind: bool,
    hints: bool,
}

impl Printer<'_> {
    /// git's `quote_path`: relative to the prefix, C-quoted, and (for the short formats)
    /// wrapped in quotes when it holds a space.
    fn quote(&self, path: &[u8], quote_space: bool, out: &mut Vec<u8>) {
        let rel = relative_path(path, self.prefix);
        let needs = crate::diff::quote::needs_quote(&rel, self.quote_high);
        if quote_space && !needs && rel.contains(&b' ') {
            out.push(b'"');
            out.extend_from_slice(&rel);
            out.push(b'"');
        } else {
            write_quoted(&rel, self.quote_high, out);
        }
    }

    fn eol(&self) -> u8 {
        if self.nul {
            0
        } else {
            b'\n'
        }
    }

    /// The upstream of branch `name` (short name): `branch.<name>.remote` and
    /// `branch.<name>.merge`, mapped through the remote's fetch refspecs.
    fn tracking(&self, name: &str) -> Result<Option<Tracking>, Fatal> {
        let cfg = self.repo.config();
        let (Some(remote), Some(merge)) = (
            cfg.get(&format!("branch.{name}.remote")),
            cfg.get(&format!("branch.{name}.merge")),
        ) else {
            return Ok(None);
        };
        let base = if remote == "." {
            merge.to_string()
        } else {
            let mut found = None;
            for spec in cfg.get_all(&format!("remote.{remote}.fetch")) {
                let spec = spec.strip_prefix('+').unwrap_or(spec);
                let Some((src, dst)) = spec.split_once(':') else {
                    continue;
                };
                if let (Some((sp, ss)), Some((dp, ds))) = (src.split_once('*'), dst.split_once('*'))
                {
                    if let Some(mid) = merge.strip_prefix(sp).and_then(|r| r.strip_suffix(ss)) {
                        found = Some(format!("{dp}{mid}{ds}"));
                        break;
                    }
                } else if src == merge {
                    found = Some(dst.to_string());
                    break;
                }
            }
            match found {
                Some(f) => f,
                None => return Ok(None),
            }
        };
        let Some(up) = self.refs.resolve(&base).ok().flatten() else {
            return Ok(Some(Tracking { base, counts: None }));
        };
        let ours = self
            .refs
            .resolve(&format!("refs/heads/{name}"))
            .ok()
            .flatten();
        let Some(ours) = ours else {
            return Ok(Some(Tracking { base, counts: None }));
        };
        let counts = if ours == up {
            (0, 0)
        } else if !self.ahead_behind {
            (1, 1)
        } else {
            ahead_behind(self.repo, ours, up)?
        };
        Ok(Some(Tracking {
            base,
            counts: Some(counts),
        }))
    }

    fn short_name(&self, full: &str) -> String {
        crate::revision::shorten_ref(self.refs, full, false).unwrap_or_else(|_| full.to_string())
    }

    /// The `## branch...upstream [ahead N, behind M]` line.
    fn short_branch(&self, out: &mut Vec<u8>) -> Result<(), Fatal> {
        out.extend_from_slice(b"## ");
        if let Some(branch) = &self.info.branch {
            if self.info.initial {
                out.extend_from_slice(b"No commits yet on ");
            }
            let c = &self.colors;
            if branch == "HEAD" {
                paint(out, &c.no_branch, b"HEAD (no branch)");
            } else {
                let name = branch.strip_prefix("refs/heads/").unwrap_or(branch);
                paint(out, &c.local_branch, name.as_bytes());
                if let Some(t) = self.tracking(name)? {
                    out.extend_from_slice(b"...");
                    paint(out, &c.remote_branch, self.short_name(&t.base).as_bytes());
                    let ahead = |out: &mut Vec<u8>, a: usize| {
                        out.extend_from_slice(b"ahead ");
                        paint(out, &c.local_branch, a.to_string().as_bytes());
                    };
                    let behind = |out: &mut Vec<u8>, b: usize| {
                        out.extend_from_slice(b"behind ");
                        paint(out, &c.remote_branch, b.to_string().as_bytes());
                    };
                    match t.counts {
                        None => out.extend_from_slice(b" [gone]"),
                        Some((0, 0)) => {}
                        Some(_) if !self.ahead_behind => out.extend_from_slice(b" [different]"),
                        Some((a, b)) => {
                            out.extend_from_slice(b" [");
                            if a > 0 {
                                ahead(out, a);
                            }
                            if a > 0 && b > 0 {
                                out.extend_from_slice(b", ");
                            }
                            if b > 0 {
                                behind(out, b);
                            }
                            out.push(b']');
                        }
                    }
                }
            }
        }
        out.push(self.eol());
        Ok(())
    }

    /// git's `wt_shortstatus_print` (without the branch line).
    fn short(&self, changes: &BTreeMap<Vec<u8>, Data>, o: &Outcome, out: &mut Vec<u8>) {
        for (path, d) in changes {
            let c = &self.colors;
            if d.stagemask != 0 {
                paint(out, &c.unmerged, unmerged_key(d.stagemask).as_bytes());
                out.push(b' ');
                if self.nul {
                    out.extend_from_slice(path);
                    out.push(0);
                } else {
                    self.quote(path, true, out);
                    out.push(b'\n');
                }
                continue;
            }
            for (status, color) in [
                (d.index_status, &c.updated),
                (d.worktree_status, &c.changed),
            ] {
                match status {
                    0 => out.push(b' '),
                    s => paint(out, color, &[s]),
                }
            }
            out.push(b' ');
            if self.nul {
                out.extend_from_slice(path);
                out.push(0);
                if let Some(src) = &d.rename_source {
                    out.extend_from_slice(src);
                    out.push(0);
                }
            } else {
                if let Some(src) = &d.rename_source {
                    self.quote(src, true, out);
                    out.extend_from_slice(b" -> ");
                }
                self.quote(path, true, out);
                out.push(b'\n');
            }
        }
        // git writes these plain with `-z`.
        let plain = String::new();
        let (untracked, ignored) = if self.nul {
            (&plain, &plain)
        } else {
            (&self.colors.untracked, &self.colors.ignored)
        };
        for (list, sign, color) in [
            (&o.untracked, b"??", untracked),
            (&o.ignored, b"!!", ignored),
        ] {
            for p in list {
                paint(out, color, sign);
                out.push(b' ');
                if self.nul {
                    out.extend_from_slice(p);
                    out.push(0);
                } else {
                    self.quote(p, true, out);
                    out.push(b'\n');
                }
            }
        }
    }

    /// The `# branch.*` header lines of porcelain v2.
    fn v2_branch(&self, out: &mut Vec<u8>) -> Result<(), Fatal> {
        let eol = self.eol() as char;
        match (self.info.initial, self.info.head) {
            (false, Some(id)) => {
                let _ = write!(out, "# branch.oid {id}{eol}");
            }
            _ => {
                let _ = write!(out, "# branch.oid (initial){eol}");
            }
        }
        let Some(branch) = &self.info.branch else {
            let _ = write!(out, "# branch.head (unknown){eol}");
            return Ok(());
        };
        if branch == "HEAD" {
            let _ = write!(out, "# branch.head (detached){eol}");
            return Ok(());
        }
        let name = branch.strip_prefix("refs/heads/").unwrap_or(branch);
        let _ = write!(out, "# branch.head {name}{eol}");
        if let Some(t) = self.tracking(name)? {
            let _ = write!(out, "# branch.upstream {}{eol}", self.short_name(&t.base));
            match t.counts {
                None => {}
                Some((0, 0)) => {
                    let _ = write!(out, "# branch.ab +0 -0{eol}");
                }
                Some(_) if !self.ahead_behind => {
                    let _ = write!(out, "# branch.ab +? -?{eol}");
                }
                Some((a, b)) => {
                    let _ = write!(out, "# branch.ab +{a} -{b}{eol}");
                }
            }
        }
        Ok(())
    }

    /// `# stash <n>` when there are stash entries.
    fn v2_stash(&self, out: &mut Vec<u8>) {
        let n = self
            .refs
            .reflog("refs/stash")
            .ok()
            .flatten()
            .map_or(0, |l| l.len());
        if n > 0 {
            let _ = write!(out, "# stash {n}{}", self.eol() as char);
        }
    }

    /// git's `wt_porcelain_v2_print` (without the headers).
    fn v2(
        &self,
        changes: &BTreeMap<Vec<u8>, Data>,
        o: &Outcome,
        out: &mut Vec<u8>,
    ) -> Result<(), Fatal> {
        let hex = |id: Option<ObjectId>| {
            id.unwrap_or_else(|| self.repo.hash_kind().null_id())
                .to_hex()
        };
        for (path, d) in changes.iter().filter(|(_, d)| d.stagemask == 0) {
            let mut d = d.clone();
            if d.index_status == 0 {
                d.mode_head = d.mode_index;
                d.oid_head = d.oid_index;
            }
            if d.worktree_status == 0 {
                d.mode_worktree = d.mode_index;
            }
            let key = [
                if d.index_status == 0 {
                    b'.'
                } else {
                    d.index_status
                },
                if d.worktree_status == 0 {
                    b'.'
                } else {
                    d.worktree_status
                },
            ];
            let sub = submodule_token(&d);
            let mut names = Vec::new();
            if self.nul {
                names.extend_from_slice(path);
                if let Some(src) = &d.rename_source {
                    names.push(0);
                    names.extend_from_slice(src);
                }
            } else {
                self.quote(path, false, &mut names);
                if let Some(src) = &d.rename_source {
                    names.push(b'\t');
                    self.quote(src, false, &mut names);
                }
            }
            let common = format!(
                "{} {} {:06o} {:06o} {:06o} {} {}",
                String::from_utf8_lossy(&key),
                sub,
                d.mode_head,
                d.mode_index,
                d.mode_worktree,
                hex(d.oid_head),
                hex(d.oid_index)
            );
            if d.rename_source.is_some() {
                let _ = write!(
                    out,
                    "2 {common} {}{} ",
                    d.rename_status as char, d.rename_score
                );
            } else {
                let _ = write!(out, "1 {common} ");
            }
            out.extend_from_slice(&names);
            out.push(self.eol());
        }
        for u in &o.unmerged {
            let Some(d) = changes.get(&u.path) else {
                continue;
            };
            let st = |i: usize| u.stages[i].map_or((0, None), |(m, id)| (m, Some(id)));
            let (s1, s2, s3) = (st(0), st(1), st(2));
            let _ = write!(
                out,
                "u {} {} {:06o} {:06o} {:06o} {:06o} {} {} {} ",
                unmerged_key(d.stagemask),
                submodule_token(d),
                s1.0,
                s2.0,
                s3.0,
                d.mode_worktree,
                hex(s1.1),
                hex(s2.1),
                hex(s3.1)
            );
            if self.nul {
                out.extend_from_slice(&u.path);
            } else {
                self.quote(&u.path, false, out);
            }
            out.push(self.eol());
        }
        for (list, sign) in [(&o.untracked, b'?'), (&o.ignored, b'!')] {
            for p in list {
                out.push(sign);
                out.push(b' ');
                if self.nul {
                    out.extend_from_slice(p);
                } else {
                    self.quote(p, false, out);
                }
                out.push(self.eol());
            }
        }
        Ok(())
    }

    /// git's long format.
    fn long(
        &self,
        changes: &BTreeMap<Vec<u8>, Data>,
        o: &Outcome,
        opts: &Options,
        out: &mut Vec<u8>,
    ) -> Result<(), Fatal> {
        let git_dir = self.repo.git_dir();
        for (f, what) in [
            ("rebase-merge", "a rebase"),
            ("rebase-apply", "a rebase or am"),
            ("CHERRY_PICK_HEAD", "a cherry-pick"),
            ("REVERT_HEAD", "a revert"),
            ("BISECT_LOG", "a bisect"),
        ] {
            if git_dir.join(f).exists() {
                return Err(Fatal::new(format!(
                    "status: the long format during {what} is not yet supported (use --short or --porcelain)"
                )));
            }
        }
        let hints = self.hints;
        let initial = self.info.initial;
        if let Some(branch) = &self.info.branch {
            if branch == "HEAD" {
                match self.detached_from()? {
                    Some((name, at)) => {
                        let what = if at { "at" } else { "from" };
                        let on_what = format!("HEAD detached {what} ");
                        paint(out, &self.colors.no_branch, on_what.as_bytes());
                        let _ = writeln!(out, "{name}");
                    }
                    None => {
                        paint(out, &self.colors.no_branch, b"Not currently on any branch.");
                        out.push(b'\n');
                    }
                }
            } else {
                let name = branch.strip_prefix("refs/heads/").unwrap_or(branch);
                let _ = writeln!(out, "On branch {name}");
                if !initial && branch.starts_with("refs/heads/") {
                    self.long_tracking(name, out)?;
                }
            }
        }
        let unmerged_any = changes.values().any(|d| d.stagemask != 0);
        if git_dir.join("MERGE_HEAD").exists() {
            if unmerged_any {
                out.extend_from_slice(b"You have unmerged paths.\n");
                if hints {
                    out.extend_from_slice(b"  (fix conflicts and run \"git commit\")\n  (use \"git merge --abort\" to abort the merge)\n");
                }
            } else {
                out.extend_from_slice(b"All conflicts fixed but you are still merging.\n");
                if hints {
                    out.extend_from_slice(b"  (use \"git commit\" to conclude merge)\n");
                }
            }
            out.push(b'\n');
        }
        if self.repo.config().get_bool("core.sparsecheckout") == Some(true) {
            let idx =
                crate::index::Index::load(self.repo).map_err(|e| Fatal::new(e.to_string()))?;
            if !idx.is_empty() {
                let skipped = idx.entries().iter().filter(|e| e.skip_worktree()).count();
                let pct = 100 - (100 * skipped) / idx.len();
                let _ = writeln!(
                    out,
                    "You are in a sparse checkout with {pct}% of tracked files present.\n"
                );
            }
        }
        if initial {
            out.extend_from_slice(b"\nNo commits yet\n\n");
        }
        let unstage_hint: &[u8] = if initial {
            b"  (use \"git rm --cached <file>...\" to unstage)\n"
        } else {
            b"  (use \"git restore --staged <file>...\" to unstage)\n"
        };
        // Changes to be committed.
        let mut shown = false;
        for (path, d) in changes {
            if d.index_status == 0 || d.index_status == b'U' {
                continue;
            }
            if !shown {
                out.extend_from_slice(b"Changes to be committed:\n");
                if hints {
                    out.extend_from_slice(unstage_hint);
                }
                shown = true;
            }
            self.change_line(path, d, d.index_status, None, &self.colors.updated, out);
        }
        if shown {
            out.push(b'\n');
        }
        // Unmerged paths.
        if unmerged_any {
            out.extend_from_slice(b"Unmerged paths:\n");
            if hints {
                let masks: Vec<u8> = changes
                    .values()
                    .map(|d| d.stagemask)
                    .filter(|&m| m != 0)
                    .collect();
                let both_deleted = masks.contains(&1);
                let del_mod = masks.iter().any(|&m| m == 3 || m == 5);
                let not_deleted = masks.iter().any(|&m| !matches!(m, 1 | 3 | 5));
                out.extend_from_slice(if !both_deleted {
                    if !del_mod {
                        b"  (use \"git add <file>...\" to mark resolution)\n".as_slice()
                    } else {
                        b"  (use \"git add/rm <file>...\" as appropriate to mark resolution)\n"
                    }
                } else if !del_mod && !not_deleted {
                    b"  (use \"git rm <file>...\" to mark resolution)\n"
                } else {
                    b"  (use \"git add/rm <file>...\" as appropriate to mark resolution)\n"
                });
            }
            for (path, d) in changes.iter().filter(|(_, d)| d.stagemask != 0) {
                let how = unmerged_label(d.stagemask);
                out.push(b'\t');
                let mut line = how.as_bytes().to_vec();
                line.extend(std::iter::repeat_n(b' ', 17 - how.len()));
                self.quote(path, false, &mut line);
                paint(out, &self.colors.unmerged, &line);
                out.push(b'\n');
            }
            out.push(b'\n');
        }
        // Changes not staged for commit.
        let dirty: Vec<(&Vec<u8>, &Data)> = changes
            .iter()
            .filter(|(_, d)| d.worktree_status != 0 && d.worktree_status != b'U')
            .collect();
        if !dirty.is_empty() {
            let has_deleted = dirty.iter().any(|(_, d)| d.worktree_status == b'D');
            let dirty_sub = dirty
                .iter()
                .any(|(_, d)| d.dirty_modified || d.dirty_untracked);
            out.extend_from_slice(b"Changes not staged for commit:\n");
            if hints {
                out.extend_from_slice(if has_deleted {
                    b"  (use \"git add/rm <file>...\" to update what will be committed)\n"
                        .as_slice()
                } else {
                    b"  (use \"git add <file>...\" to update what will be committed)\n"
                });
                out.extend_from_slice(
                    b"  (use \"git restore <file>...\" to discard changes in working directory)\n",
                );
                if dirty_sub {
                    out.extend_from_slice(
                        b"  (commit or discard the untracked or modified content in submodules)\n",
                    );
                }
            }
            for (path, d) in &dirty {
                let mut extra = Vec::new();
                if d.new_commits || d.dirty_modified || d.dirty_untracked {
                    let mut parts = Vec::new();
                    if d.new_commits {
                        parts.push("new commits");
                    }
                    if d.dirty_modified {
                        parts.push("modified content");
                    }
                    if d.dirty_untracked {
                        parts.push("untracked content");
                    }
                    let _ = write!(extra, " ({})", parts.join(", "));
                }
                self.change_line(
                    path,
                    d,
                    d.worktree_status,
                    Some(&extra),
                    &self.colors.changed,
                    out,
                );
            }
            out.push(b'\n');
        }
        // Conflicts make a commit possible only on an unborn branch (git's
        // `wt_status_collect_changes_initial`); they always dirty the work tree.
        let committable = !o.staged.is_empty() || (initial && unmerged_any);
        if opts.untracked != UntrackedMode::No {
            for (list, what, how, color) in [
                (
                    &o.untracked,
                    "Untracked files",
                    "add",
                    &self.colors.untracked,
                ),
                (&o.ignored, "Ignored files", "add -f", &self.colors.ignored),
            ] {
                if list.is_empty() {
                    continue;
                }
                let _ = writeln!(out, "{what}:");
                if hints {
                    let _ = writeln!(
                        out,
                        "  (use \"git {how} <file>...\" to include in what will be committed)"
                    );
                }
                for p in list {
                    out.push(b'\t');
                    let mut name = Vec::new();
                    self.quote(p, false, &mut name);
                    paint(out, color, &name);
                    out.push(b'\n');
                }
                out.push(b'\n');
            }
        } else if committable {
            let _ = writeln!(
                out,
                "Untracked files not listed{}",
                if hints {
                    " (use -u option to show untracked files)"
                } else {
                    ""
                }
            );
        }
        if !committable {
            let workdir_dirty = !o.worktree.is_empty() || unmerged_any;
            let msg: &str = if workdir_dirty {
                if hints {
                    "no changes added to commit (use \"git add\" and/or \"git commit -a\")"
                } else {
                    "no changes added to commit"
                }
            } else if !o.untracked.is_empty() {
                if hints {
                    "nothing added to commit but untracked files present (use \"git add\" to track)"
                } else {
                    "nothing added to commit but untracked files present"
                }
            } else if initial {
                if hints {
                    "nothing to commit (create/copy files and use \"git add\" to track)"
                } else {
                    "nothing to commit"
                }
            } else if opts.untracked == UntrackedMode::No {
                if hints {
                    "nothing to commit (use -u to show untracked files)"
                } else {
                    "nothing to commit"
                }
            } else {
                "nothing to commit, working tree clean"
            };
            let _ = writeln!(out, "{msg}");
        }
        if opts.show_stash {
            let n = self
                .refs
                .reflog("refs/stash")
                .ok()
                .flatten()
                .map_or(0, |l| l.len());
            if n > 0 {
                let _ = writeln!(
                    out,
                    "Your stash currently has {n} {}",
                    if n == 1 { "entry" } else { "entries" }
                );
            }
        }
        Ok(())
    }

    /// One `\t<label>   <path>` line of the long format.
    fn change_line(
        &self,
        path: &[u8],
        d: &Data,
        status: u8,
        extra: Option<&[u8]>,
        color: &str,
        out: &mut Vec<u8>,
    ) {
        let what = match status {
            b'A' => "new file:",
            b'C' => "copied:",
            b'D' => "deleted:",
            b'M' => "modified:",
            b'R' => "renamed:",
            b'T' => "typechange:",
            b'U' => "unmerged:",
            _ => "unknown:",
        };
        out.push(b'\t');
        let mut line = what.as_bytes().to_vec();
        line.extend(std::iter::repeat_n(b' ', 12 - what.len()));
        match &d.rename_source {
            Some(src) if d.rename_status == status => {
                self.quote(src, false, &mut line);
                line.extend_from_slice(b" -> ");
                self.quote(path, false, &mut line);
            }
            _ => self.quote(path, false, &mut line),
        }
        paint(out, color, &line);
        if let Some(e) = extra {
            out.extend_from_slice(e);
        }
        out.push(b'\n');
    }

    /// The tracking lines of the long format, and the blank line after them.
    fn long_tracking(&self, name: &str, out: &mut Vec<u8>) -> Result<(), Fatal> {
        let Some(t) = self.tracking(name)? else {
            return Ok(());
        };
        let base = self.short_name(&t.base);
        let hints = self.hints;
        let plural = |n: usize| if n == 1 { "commit" } else { "commits" };
        match t.counts {
            None => {
                let _ = writeln!(
                    out,
                    "Your branch is based on '{base}', but the upstream is gone."
                );
                if hints {
                    out.extend_from_slice(b"  (use \"git branch --unset-upstream\" to fixup)\n");
                }
            }
            Some((0, 0)) => {
                let _ = writeln!(out, "Your branch is up to date with '{base}'.");
            }
            Some(_) if !self.ahead_behind => {
                let _ = writeln!(out, "Your branch and '{base}' refer to different commits.");
                if hints {
                    out.extend_from_slice(b"  (use \"git status --ahead-behind\" for details)\n");
                }
            }
            Some((a, 0)) => {
                let _ = writeln!(
                    out,
                    "Your branch is ahead of '{base}' by {a} {}.",
                    plural(a)
                );
                if hints {
                    out.extend_from_slice(b"  (use \"git push\" to publish your local commits)\n");
                }
            }
            Some((0, b)) => {
                let _ = writeln!(
                    out,
                    "Your branch is behind '{base}' by {b} {}, and can be fast-forwarded.",
                    plural(b)
                );
                if hints {
                    out.extend_from_slice(b"  (use \"git pull\" to update your local branch)\n");
                }
            }
            Some((a, b)) => {
                let _ = writeln!(
                    out,
                    "Your branch and '{base}' have diverged,\nand have {a} and {b} different {} each, respectively.",
                    plural(a + b)
                );
                if hints {
                    out.extend_from_slice(b"  (use \"git pull\" if you want to integrate the remote branch with yours)\n");
                }
            }
        }
        out.push(b'\n');
        Ok(())
    }

    /// What `HEAD` was detached from (see [`detached_from`]).
    fn detached_from(&self) -> Result<Option<(String, bool)>, Fatal> {
        detached_from(self.repo, self.refs, self.info.head)
    }
}

/// git's `wt_status_get_detached_from`: the last `checkout: moving from A to B` of
/// `HEAD`'s reflog names what `HEAD` was detached from (`B`: the ref's short name when
/// it still names that commit, else the abbreviated id), and whether `HEAD` (`head`) is
/// still there. `None` without such an entry.
pub(super) fn detached_from(
    repo: &Repository,
    refs: &crate::refs::Refs,
    head: Option<ObjectId>,
) -> Result<Option<(String, bool)>, Fatal> {
    let Some(log) = refs.reflog("HEAD").ok().flatten() else {
        return Ok(None);
    };
    let Some((target, noid)) = log.iter().rev().find_map(|e| {
        let rest = e.message.strip_prefix("checkout: moving from ")?;
        let at = rest.find(" to ")?;
        Some((rest[at + 4..].to_string(), e.new))
    }) else {
        return Ok(None);
    };
    let mut abbrev = crate::odb::Abbreviator::new(repo.odb());
    let abbrev_len = crate::odb::default_abbrev_len(repo.odb(), repo.config());
    let mut name = None;
    if target != "HEAD" {
        let mut r = crate::revision::Resolver::new(repo).quiet(true);
        if let Ok(d) = r.dwim_ref(&target) {
            if d.count == 1 {
                if let Some(first) = d.first {
                    let peeled =
                        crate::revision::peel(repo, first.id, crate::ObjectKind::Commit).ok();
                    if first.id == noid || peeled == Some(noid) {
                        let from = first.name.as_str();
                        let from = from
                            .strip_prefix("refs/tags/")
                            .or_else(|| from.strip_prefix("refs/remotes/"))
                            .unwrap_or(from);
                        name = Some(from.to_string());
                    }
                }
            }
        }
    }
    let name = match name {
        Some(n) => n,
        None => abbrev.abbrev(&noid, Some(abbrev_len))?,
    };
    Ok(Some((name, head == Some(noid))))
}

/// git's `branch.ab` counts: commits only `ours` has, and only `theirs` has.
fn ahead_behind(
    repo: &Repository,
    ours: ObjectId,
    theirs: ObjectId,
) -> Result<(usize, usize), Fatal> {
    let opts = crate::revision::walk::WalkOptions {
        skip_data: true,
        ..Default::default()
    };
    let mut a = crate::oid::IdSet::default();
    crate::revision::walk::walk(repo, &[ours], &opts, |c| {
        a.insert(c.id);
        Ok(true)
    })
    .map_err(|e| Fatal::new(e.to_string()))?;
    let mut behind = 0;
    let mut common = 0;
    crate::revision::walk::walk(repo, &[theirs], &opts, |c| {
        if a.contains(&c.id) {
            common += 1;
        } else {
            behind += 1;
        }
        Ok(true)
    })
    .map_err(|e| Fatal::new(e.to_string()))?;
    Ok((a.len() - common, behind))
}

fn unmerged_key(mask: u8) -> &'static str {
    match mask {
        1 => "DD",
        2 => "AU",
        3 => "UD",
        4 => "UA",
        5 => "DU",
        6 => "AA",
        _ => "UU",
    }
}

fn unmerged_label(mask: u8) -> &'static str {
    match mask {
        1 => "both deleted:",
        2 => "added by us:",
        3 => "deleted by them:",
        4 => "added by them:",
        5 => "deleted by us:",
        6 => "both added:",
        _ => "both modified:",
    }
}

fn submodule_token(d: &Data) -> String {
    let gitlink = |m: u32| m & 0o170000 == 0o160000;
    if gitlink(d.mode_head) || gitlink(d.mode_index) || gitlink(d.mode_worktree) {
        format!(
            "S{}{}{}",
            if d.new_commits { 'C' } else { '.' },
            if d.dirty_modified { 'M' } else { '.' },
            if d.dirty_untracked { 'U' } else { '.' }
        )
    } else {
        "N...".to_string()
    }
}
