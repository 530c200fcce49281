//! `log -L <start>,<end>:<file>`: the commits that changed those lines, newest first,
//! each with the diff limited to the lines (`crate::diff::line_log`), the range carried
//! back through each commit's changes and the file's renames. oxgit follows linear
//! history, and merges through the first parent that leaves the lines alone (as git
//! does); a merge that changed them against every parent is refused before anything is
//! printed, as are ranges of several files. `:<funcname>` ranges use git's default
//! function-name rule (a diff driver's patterns are refused).

use super::rev_args::RevArgs;
use super::Fatal;
use crate::api::{DiffOptions, DiffRequest, Endpoints, Side};
use crate::diff::line_log::{self, Range};
use crate::diff::ChangeKind;
use crate::oid::ObjectId;
use crate::pretty::{CommitInfo, Formatter};
use crate::repo::Repository;
use crate::revision::walk::WalkedCommit;

/// One `-L` argument, split: the range text and the root-relative path.
pub(super) struct LineRangeArg {
    range: String,
    path: String,
}

/// Splits `-L` values (`<range>:<file>`, the file relative to `cwd`); refuses what oxgit
/// does not do (ranges of several files).
pub(super) fn parse(
    repo: &Repository,
    cwd: &std::path::Path,
    specs: &[String],
) -> Result<Vec<LineRangeArg>, Fatal> {
    let args = specs
        .iter()
        .map(|s| parse_one(repo, cwd, s))
        .collect::<Result<Vec<_>, _>>()?;
    if args.iter().any(|a| a.path != args[0].path) {
        return Err(Fatal::new(
            "log -L with ranges of several files is not supported by oxgit",
        ));
    }
    Ok(args)
}

fn parse_one(repo: &Repository, cwd: &std::path::Path, spec: &str) -> Result<LineRangeArg, Fatal> {
    let funcname = spec.starts_with(':') || spec.starts_with("^:");
    // The range ends at the first `:` outside a `/regex/` (for `:<funcname>`, the first
    // unescaped `:` after it).
    let bytes = spec.as_bytes();
    let mut i = 0;
    if funcname {
        i = super::blame::funcname_end(spec);
    } else {
        let mut in_regex = false;
        while i < bytes.len() && (in_regex || bytes[i] != b':') {
            match bytes[i] {
                b'\\' if in_regex => i += 1,
                b'/' => in_regex = !in_regex,
                _ => {}
            }
            i += 1;
        }
    }
    if i + 1 >= bytes.len() {
        return Err(Fatal::new(format!(
            "-L argument not 'start,end:file' or ':funcname:file': {spec}"
        )));
    }
    let (range, file) = (&spec[..i], &spec[i + 1..]);
    let items = crate::api::relative_pathspec(repo, cwd, &[file]).map_err(super::diff::fatal)?;
    let path = String::from_utf8_lossy(&items[0]).into_owned();
    if funcname {
        super::blame::check_funcname_rule(repo, &items[0])?;
    }
    Ok(LineRangeArg {
        range: range.to_string(),
        path,
    })
}

/// What `log -L` needs from the rest of the command line.
pub(super) struct LineLog<'a> {
    pub repo: &'a Repository,
    pub options: &'a DiffOptions,
    pub rev: &'a RevArgs,
    /// `-s`: the commits without their diffs.
    pub no_output: bool,
    /// `--skip`, counted over shown commits.
    pub skip: usize,
    /// `-n`, counted over shown commits.
    pub max_count: Option<usize>,
    /// The colours, when colouring.
    pub palette: Option<&'a crate::diff::color::DiffPalette>,
}

impl LineLog<'_> {
    /// The output of `log -L` for `args` (ranges of one file), formatted by
    /// `formatter`.
    pub fn text(
        &self,
        args: &[LineRangeArg],
        formatter: &mut Formatter<'_>,
    ) -> Result<Vec<u8>, Fatal> {
        let repo = self.repo;
        let tip = self.tip()?;
        let mut path = args[0].path.clone();
        let mut content = match blob_at(repo, &tip, &path)? {
            Some((_, data)) => data,
            None => return Err(Fatal::new(format!("There is no path {path} in the commit"))),
        };
        let mut ranges = line_ranges(args, &content, &path)?;
        let mut to_skip = self.skip;
        let mut left = self.max_count;
        let mut out = Vec::new();
        let mut state = crate::diff::line::State::new();
        let mut commit = tip;
        loop {
            let c = WalkedCommit::read(repo, commit).map_err(|e| Fatal::new(e.to_string()))?;
            if c.parents.len() > 1 {
                // git follows the first parent that leaves the lines unchanged (the
                // merge is not shown); a merge that changed them for every parent
                // would split the history, which oxgit does not follow.
                let mut next = None;
                for p in &c.parents {
                    let Some((p_path, p_content)) = self.old_side(*p, commit, &path)? else {
                        continue;
                    };
                    let all = line_log::hunks(&p_content, &content, &mut state)
                        .map_err(|e| Fatal::new(e.to_string()))?;
                    let mapped = line_log::map_across(&ranges, &all);
                    if !mapped.changed() {
                        next = Some((*p, p_path, p_content, mapped.parent));
                        break;
                    }
                }
                let Some((p, p_path, p_content, p_ranges)) = next else {
                    return Err(Fatal::new(
                        "log -L through a merge that changed the lines against every parent is not supported by oxgit",
                    ));
                };
                if p_ranges.is_empty() {
                    break;
                }
                (commit, path, content, ranges) = (p, p_path, p_content, p_ranges);
                continue;
            }
            let parent = c.parents.first().copied();
            let old = match parent {
                Some(p) => self.old_side(p, commit, &path)?,
                None => None,
            };
            let (old_path, old_content) = match &old {
                Some((p, data)) => (Some(p.clone()), data.as_slice()),
                None => (None, &b""[..]),
            };
            let unchanged = old_path.as_deref() == Some(path.as_str()) && old_content == content;
            if !unchanged {
                let all = line_log::hunks(old_content, &content, &mut state)
                    .map_err(|e| Fatal::new(e.to_string()))?;
                let mapped = line_log::map_across(&ranges, &all);
                let shown = mapped.changed() && left != Some(0) && {
                    let skipped = to_skip > 0;
                    to_skip = to_skip.saturating_sub(1);
                    !skipped
                };
                if shown {
                    left = left.map(|n| n - 1);
                    let info = CommitInfo::new(c.id, c.tree, &c.parents, &c.data);
                    formatter
                        .write_entry(&info, &mut out)
                        .map_err(|e| Fatal::new(e.to_string()))?;
                    if !self.no_output {
                        out.push(b'\n');
                        line_log::write_diff(
                            &mut out,
                            old_path.as_deref().map(str::as_bytes),
                            path.as_bytes(),
                            old_content,
                            &content,
                            &ranges,
                            &mapped.touched,
                            self.palette,
                        );
                    }
                }
                ranges = mapped.parent;
            }
            let (Some(p), Some((p_path, p_content))) = (parent, old) else {
                break;
            };
            if ranges.is_empty() {
                break;
            }
            commit = p;
            path = p_path;
            content = p_content;
        }
        Ok(out)
    }

    /// The one commit to start from (`HEAD` by default).
    fn tip(&self) -> Result<ObjectId, Fatal> {
        let revs: Vec<&String> = self.rev.revs.iter().collect();
        let [one] = revs.as_slice() else {
            return Err(Fatal::new(
                "log -L with several revisions is not supported by oxgit",
            ));
        };
        if one.starts_with('^') || one.contains("..") || one.starts_with('-') {
            return Err(Fatal::new(
                "log -L with revision ranges is not supported by oxgit",
            ));
        }
        let id = crate::revision::resolve(self.repo, one)
            .map_err(|_| super::rev_args::unknown_revision(self.repo, self.rev, one))?;
        crate::revision::peel(self.repo, id, crate::object::ObjectKind::Commit)
            .map_err(|e| Fatal::new(e.to_string()))
    }

    /// The file in `parent` that `path` in `commit` comes from: the same path, or the
    /// source of a rename (when rename detection is on); `None` if the commit adds it.
    fn old_side(
        &self,
        parent: ObjectId,
        commit: ObjectId,
        path: &str,
    ) -> Result<Option<(String, Vec<u8>)>, Fatal> {
        if let Some((_, data)) = blob_at(self.repo, &parent, path)? {
            return Ok(Some((path.to_string(), data)));
        }
        if self.options.rename_options().is_none() {
            return Ok(None);
        }
        let mut options = self.options.clone();
        options.paths.clear();
        options.filter = Default::default();
        options.pickaxe = None;
        let request =
            DiffRequest::with_options(Endpoints::pair(Side::Id(parent), Side::Id(commit)), options);
        let (changes, _) = crate::api::changes(self.repo, &request).map_err(super::diff::fatal)?;
        let source = changes.iter().find(|c| {
            matches!(c.kind, ChangeKind::Renamed | ChangeKind::Copied)
                && c.new_path == path.as_bytes()
        });
        match source {
            Some(c) => {
                let old = String::from_utf8_lossy(&c.old_path).into_owned();
                Ok(blob_at(self.repo, &parent, &old)?.map(|(_, d)| (old, d)))
            }
            None => Ok(None),
        }
    }
}

/// The ranges `args` give in `content` (the file at the starting commit): git's range
/// syntax, each `/regex/` searched from after the ranges before it, clamped to the file,
/// sorted and merged (adjacent ranges join).
fn line_ranges(args: &[LineRangeArg], content: &[u8], path: &str) -> Result<Vec<Range>, Fatal> {
    let starts = crate::blame::line_starts(content);
    let lines = (starts.len() - 1) as i64;
    let mut ranges: Vec<Range> = Vec::new();
    for arg in args {
        let anchor = ranges.iter().map(|r| r.end as i64 + 1).max().unwrap_or(1);
        let Some((bottom, top)) =
            super::blame::parse_range(&arg.range, content, &starts, lines, anchor)?
        else {
            return Err(Fatal::new(format!(
                "-L argument not 'start,end:file' or ':funcname:file': {}:{}",
                arg.range, arg.path
            )));
        };
        if arg.range.starts_with('0') {
            return Err(Fatal::new("-L invalid line number: 0"));
        }
        let (bottom, top) = super::blame::clamp_range(path, lines, bottom, top)?;
        ranges.push(Range {
            start: (bottom - 1) as usize,
            end: top as usize,
        });
    }
    ranges.sort_by_key(|r| (r.start, r.end));
    let mut merged: Vec<Range> = Vec::new();
    for r in ranges {
        if r.start == r.end {
            continue;
        }
        match merged.last_mut() {
            Some(last) if r.start <= last.end => last.end = last.end.max(r.end),
            _ => merged.push(r),
        }
    }
    Ok(merged)
}

/// The blob at `path` in `commit` (a regular file or symlink), if there is one.
fn blob_at(
    repo: &Repository,
    commit: &ObjectId,
    path: &str,
) -> Result<Option<(ObjectId, Vec<u8>)>, Fatal> {
    match crate::revision::tree_entry_by_path(repo, commit, path)
        .map_err(|e| Fatal::new(e.to_string()))?
    {
        Some((id, mode)) if mode & 0o170000 == 0o100000 || mode & 0o170000 == 0o120000 => {
            Ok(Some((id, repo.odb().read(&id)?.data)))
        }
        _ => Ok(None),
    }
}
