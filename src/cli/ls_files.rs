//! `oxgit ls-files`: the index (`-c`, `-s`, `-u`), work-tree state (`-m`, `-d`), and
//! untracked or ignored files (`-o`, `-i`, `--exclude-standard`, `--directory`,
//! `--no-empty-directory`), with `-z`, `--full-name` and pathspecs.

use super::{Context, Fatal};
use crate::diff::quote::write_name_terminated;
use crate::diff::ChangeKind;
use crate::index::Index;
use crate::worktree::ignore::{Excludes, WorkTreeFiles};
use crate::worktree::walk::{self, WalkOptions};
use crate::worktree::{relative_path, Pathspec, Status, StatusOptions};
use std::collections::HashSet;
use std::io::Write;
use std::path::Path;

/// The folder `cwd` relative to the top of the work tree `root`, ending in `/` (empty at
/// the top or outside).
pub(crate) fn cwd_prefix(root: &Path, cwd: &Path) -> Vec<u8> {
    let root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    let cwd = cwd.canonicalize().unwrap_or_else(|_| cwd.to_path_buf());
    match cwd.strip_prefix(&root) {
        Ok(rel) if !rel.as_os_str().is_empty() => {
            let mut p = rel.as_os_str().as_encoded_bytes().to_vec();
            p.push(b'/');
            p
        }
        _ => Vec::new(),
    }
}

#[derive(Default)]
struct Options {
    cached: bool,
    deleted: bool,
    modified: bool,
    others: bool,
    ignored: bool,
    stage: bool,
    unmerged: bool,
    exclude_standard: bool,
    directory: bool,
    no_empty_directory: bool,
    full_name: bool,
    /// `--error-unmatch`: each pathspec must match a listed file.
    error_unmatch: bool,
    term: u8,
    paths: Vec<String>,
}

fn parse_args(args: &[String]) -> Result<Options, Fatal> {
    let mut o = Options {
        term: b'\n',
        ..Options::default()
    };
    let mut dashdash = false;
    for a in args {
        if dashdash || !a.starts_with('-') || a == "-" {
            o.paths.push(a.clone());
            continue;
        }
        match a.as_str() {
            "--" => dashdash = true,
            "-c" | "--cached" => o.cached = true,
            "-d" | "--deleted" => o.deleted = true,
            "-m" | "--modified" => o.modified = true,
            "-o" | "--others" => o.others = true,
            "-i" | "--ignored" => o.ignored = true,
            "-s" | "--stage" => o.stage = true,
            "-u" | "--unmerged" => o.unmerged = true,
            "-z" => o.term = 0,
            "--exclude-standard" => o.exclude_standard = true,
            "--directory" => o.directory = true,
            "--no-empty-directory" => o.no_empty_directory = true,
            "--full-name" => o.full_name = true,
            "--error-unmatch" => o.error_unmatch = true,
            _ => {
                // Combined short flags (`-co`, `-sz`).
                let flags = a.strip_prefix('-').filter(|f| !f.starts_with('-'));
                match flags {
                    Some(f) if f.chars().all(|c| "cdmoisuz".contains(c)) => {
                        for c in f.chars() {
                            match c {
                                'c' => o.cached = true,
                                'd' => o.deleted = true,
                                'm' => o.modified = true,
                                'o' => o.others = true,
                                'i' => o.ignored = true,
                                's' => o.stage = true,
                                'u' => o.unmerged = true,
                                _ => o.term = 0,
                            }
                        }
                    }
                    _ if is_known_option(a) => {
                        return Err(Fatal::new(format!("ls-files {a}: not yet supported")))
                    }
                    _ => return Err(Fatal::usage(format!("unknown option '{a}'"))),
                }
            }
        }
    }
    if o.unmerged {
        o.stage = true;
    }
    Ok(o)
}

/// Options git's `ls-files` has that oxgit does not run (refused, rather than
/// reported as unknown).
fn is_known_option(a: &str) -> bool {
    const KNOWN: &[&str] = &[
        "-t",
        "-v",
        "-f",
        "-k",
        "--killed",
        "-x",
        "-X",
        "--eol",
        "--sparse",
        "--exclude",
        "--exclude-from",
        "--exclude-per-directory",
        "--with-tree",
        "--abbrev",
        "--debug",
        "--deduplicate",
        "--recurse-submodules",
        "--format",
        "--resolve-undo",
        "--empty-directory",
        "--no-empty-directory",
    ];
    let name = a.split_once('=').map_or(a, |(n, _)| n);
    KNOWN.contains(&name) || (name.starts_with("-x") || name.starts_with("-X"))
}

/// Runs `ls-files`.
pub fn run(ctx: &mut Context<'_>) -> Result<i32, Fatal> {
    let repo = ctx.repo()?;
    let o = parse_args(&ctx.args)?;
    let root = repo.work_tree().map(Path::to_path_buf);
    let prefix = root
        .as_deref()
        .map(|r| cwd_prefix(r, &ctx.cwd))
        .unwrap_or_default();
    if o.ignored && !o.others && !o.cached {
        return Err(Fatal::new("ls-files -i must be used with either -o or -c"));
    }
    if o.ignored && !o.exclude_standard {
        return Err(Fatal::new("ls-files --ignored needs some exclude pattern"));
    }
    let index = Index::load(&repo).map_err(|e| Fatal::new(e.to_string()))?;
    let items = super::pathspec_items(&repo, &ctx.cwd, &o.paths)?;
    // `--error-unmatch`: each item alone, and whether it matched a listed file.
    let singles: Vec<Pathspec> = if o.error_unmatch {
        items
            .iter()
            .map(|i| Pathspec::new(vec![i.clone()]))
            .collect()
    } else {
        Vec::new()
    };
    let matched = vec![std::cell::Cell::new(false); singles.len()];
    let limit = if items.is_empty() && !prefix.is_empty() {
        Pathspec::new(vec![prefix.clone()])
    } else {
        Pathspec::new(items)
    };
    let shown_prefix: &[u8] = if o.full_name { b"" } else { &prefix };
    let quote_high = repo.config().get_bool("core.quotepath") != Some(false);
    let mut out = Vec::with_capacity(64 * 1024);
    let write_name = |out: &mut Vec<u8>, path: &[u8]| {
        for (ps, m) in singles.iter().zip(&matched) {
            if ps.matches_file(path) {
                m.set(true);
            }
        }
        let rel = relative_path(path, shown_prefix);
        write_name_terminated(&rel, quote_high, o.term, out);
    };
    let show_cached = o.cached || o.stage || !(o.deleted || o.modified || o.others);
    if o.others {
        let Some(root) = root.as_deref() else {
            return Err(Fatal::new("this operation must be run in a work tree"));
        };
        let files = WorkTreeFiles {
            root,
            index: Some((&index, repo.odb())),
        };
        let excludes = if o.exclude_standard {
            Excludes::standard(&repo, &files)
        } else {
            Excludes::none(&files)
        };
        let wopts = WalkOptions {
            show_other_directories: o.directory,
            hide_empty_directories: o.no_empty_directory,
            show_ignored: o.ignored,
            show_ignored_too: false,
            matching_ignored: false,
            git_dir: Some(repo.git_dir().to_path_buf()),
            parallel: index.len() >= 4096,
        };
        let (found, _) = walk::read_directory(root, &index, &excludes, &wopts, &limit);
        for p in found {
            if walk::index_name_is_other(&index, &p) && limit.matches_file(&p) {
                write_name(&mut out, &p);
            }
        }
    }
    let wants_tree = o.deleted || o.modified;
    if !(show_cached || wants_tree) {
        ctx.out.write_all(&out)?;
        return Ok(report_unmatched(&o.paths, &matched));
    }
    let mut deleted: HashSet<(Vec<u8>, u8)> = HashSet::new();
    let mut modified: HashSet<(Vec<u8>, u8)> = HashSet::new();
    if wants_tree {
        let Some(root) = root.as_deref() else {
            return Err(Fatal::new("this operation must be run in a work tree"));
        };
        let sopts = StatusOptions {
            pathspec: limit.clone(),
            submodule_contents: false,
            ..StatusOptions::default()
        };
        let (changes, _) = Status::new(&repo, sopts)
            .worktree(root, &index, true)
            .map_err(|e| Fatal::new(e.to_string()))?;
        for c in changes {
            // `-d` means lstat fails (a file that became a folder is modified, not
            // deleted).
            if c.kind == ChangeKind::Deleted
                && std::fs::symlink_metadata(root.join(crate::worktree::path_of(&c.path))).is_err()
            {
                deleted.insert((c.path.clone(), c.stage));
            }
            modified.insert((c.path, c.stage));
        }
    }
    let excludes_files;
    let excludes = if o.ignored {
        let Some(root) = root.as_deref() else {
            return Err(Fatal::new("this operation must be run in a work tree"));
        };
        excludes_files = WorkTreeFiles {
            root,
            index: Some((&index, repo.odb())),
        };
        Some(Excludes::standard(&repo, &excludes_files))
    } else {
        None
    };
    for (e, path) in index.iter() {
        if !limit.matches_file(path) {
            continue;
        }
        if let Some(ex) = &excludes {
            if !ex.is_excluded(path, e.mode & 0o170000 == 0o160000) {
                continue;
            }
        }
        if show_cached && (!o.unmerged || e.stage() != 0) {
            if o.stage {
                let _ = write!(out, "{:06o} {} {}\t", e.mode, e.id, e.stage());
            }
            write_name(&mut out, path);
        }
        if !wants_tree || e.skip_worktree() {
            continue;
        }
        let key = (path.to_vec(), e.stage());
        if o.deleted && deleted.contains(&key) {
            write_name(&mut out, path);
        }
        if o.modified && modified.contains(&key) {
            write_name(&mut out, path);
        }
        if out.len() > 60 * 1024 {
            ctx.out.write_all(&out)?;
            out.clear();
        }
    }
    ctx.out.write_all(&out)?;
    Ok(report_unmatched(&o.paths, &matched))
}

/// git's `report_path_error` for `--error-unmatch`: an error for each of `paths` that
/// matched no listed file; the exit status.
fn report_unmatched(paths: &[String], matched: &[std::cell::Cell<bool>]) -> i32 {
    let mut errors = 0;
    for (p, m) in paths.iter().zip(matched) {
        if !m.get() {
            eprintln!("error: pathspec '{p}' did not match any file(s) known to git");
            errors += 1;
        }
    }
    if errors == 0 {
        return 0;
    }
    eprintln!("Did you forget to 'git add'?");
    1
}
