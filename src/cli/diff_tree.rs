//! `oxgit diff-tree`: two trees compared, or what commits changed, as git 2.47's plumbing
//! prints it: raw output by default, not recursive unless `-r`/`-t` (or a patch or stat
//! format), rename detection only with `-M`, full ids, each commit's diff under a
//! commit-id line (`--no-commit-id`, `-v`/`--pretty`/`--format`), `--root`, `-m`, merges
//! combined (`-c`, `--cc`), and `--stdin`. The diff flags are the shared table (`cli::diff_flags`).

use super::diff_flags::{parse_flag, DiffArgs};
use super::merges::MergeDiff;
use super::rev_args::{self, Porcelain, RevArgs};
use super::{Context, Fatal};
use crate::api::{Abbrev, Detect, DiffRequest, Differ, Endpoints, GitText, Sections, Side};
use crate::object::ObjectKind;
use crate::oid::ObjectId;
use crate::pretty::{Builtin, CommitInfo, Format, Formatter};
use crate::repo::Repository;
use crate::revision::walk::WalkedCommit;
use std::io::Write;

/// git's usage line for `diff-tree`.
const USAGE: &str = "usage: oxgit diff-tree [--stdin] [-m] [-s] [-v] [--no-commit-id] [--pretty]\n                 [-t] [-r] [--root] [<common-diff-options>] <tree-ish> [<tree-ish>] [<path>...]\n";

/// What one `diff-tree` run prints around each diff.
struct Shown<'r> {
    repo: &'r Repository,
    /// The abbreviation of raw ids, when not the options' own.
    raw_abbrev: Option<Abbrev>,
    diff: DiffArgs,
    sections: Sections,
    root: bool,
    merges: bool,
    /// `-c` / `--cc`: merges as a combined diff.
    combined: Option<MergeDiff>,
    all_paths: bool,
    no_commit_id: bool,
    always: bool,
    /// The verbose header's formatter (`-v`, `--pretty`, `--format`).
    formatter: Option<Formatter<'r>>,
    /// `--check` found whitespace errors (the status is then 2).
    ws_errors: std::cell::Cell<bool>,
}

/// Runs `diff-tree`.
pub fn run(ctx: &mut Context<'_>) -> Result<i32, Fatal> {
    let repo = ctx.repo()?;
    let mut d = DiffArgs::from_repo(&repo)?;
    // The plumbing reads no `color.diff`/`color.ui`: it colours on a terminal (or with
    // `--color`), as git's diff-tree does.
    d.color = super::terminal::ColorWhen::Auto;
    // The plumbing's defaults: no renames, full ids, not recursive, no porcelain config.
    let defaults = crate::api::DiffOptions::default();
    d.options.detect = Detect::Off;
    d.options.recursive = false;
    d.options.src_prefix = defaults.src_prefix.clone();
    d.options.dst_prefix = defaults.dst_prefix.clone();
    d.options.mnemonic_prefix = false;
    d.options.line = defaults.line;
    d.options.stat.name_width = None;
    d.options.stat.graph_width = None;
    d.forget_word_regex_config();
    let mut rev = RevArgs::default();
    let (mut recursive, mut trees, mut root, mut merges) = (false, false, false, false);
    let (mut no_commit_id, mut stdin, mut always, mut verbose) = (false, false, false, false);
    let (mut positional, mut paths, mut dashdash) = (Vec::new(), Vec::new(), false);
    let (mut combined, mut all_paths) = (None, false);
    let args = &ctx.args;
    let mut i = 0;
    while i < args.len() {
        let a = args[i].as_str();
        if dashdash {
            paths.push(a.to_string());
            i += 1;
            continue;
        }
        let pretty_option = a == "--pretty"
            || a == "--oneline"
            || a.starts_with("--pretty=")
            || a.starts_with("--format=")
            || a.starts_with("--date=")
            || a == "--abbrev-commit"
            || a == "--no-abbrev-commit";
        match a {
            "-r" => recursive = true,
            "-t" => {
                trees = true;
                recursive = true;
            }
            "--root" => root = true,
            "-m" => merges = true,
            "--no-commit-id" => no_commit_id = true,
            "--stdin" => stdin = true,
            "--always" => always = true,
            "-v" => verbose = true,
            "-c" => combined = Some(MergeDiff::Combined),
            "--cc" => combined = Some(MergeDiff::Dense),
            "--combined-all-paths" => all_paths = true,
            "--" => dashdash = true,
            _ if pretty_option => {
                rev_args::parse_option(&mut rev, args, &mut i)?;
                verbose = true;
            }
            _ if parse_flag(&mut d, args, &mut i)? => {}
            _ if a.starts_with('-') && a.len() > 1 => {
                return Ok(super::options::usage_error(
                    &format!("diff-tree: option '{a}' is not supported by oxgit"),
                    USAGE,
                ))
            }
            _ => positional.push(a.to_string()),
        }
        i += 1;
    }
    d.finish(&repo)?;
    if all_paths && combined.is_none() {
        return Err(Fatal::new(
            "--combined-all-paths makes no sense without -c or --cc",
        ));
    }
    super::merges::refuse_unsupported(combined.unwrap_or_default(), &d.options)?;
    if d.no_output {
        d.sections = Sections::NONE;
    } else if d.sections.is_empty() && combined == Some(MergeDiff::Dense) {
        // `--cc` implies `-p` (`-c` does not).
        d.sections = Sections::PATCH;
    } else if d.sections.is_empty() {
        d.sections = Sections::RAW;
    }
    // A patch or a stat needs the files, so they imply -r (git's diff_setup_done).
    if !d
        .sections
        .without(Sections::RAW | Sections::NAME_ONLY | Sections::NAME_STATUS)
        .is_empty()
    {
        recursive = true;
    }
    d.options.recursive = recursive;
    d.options.show_trees = trees;
    // Without `--`, the arguments after the tree-ishes are paths.
    let max_revs = if stdin { 0 } else { 2 };
    let mut revs = Vec::new();
    for p in positional {
        if revs.len() < max_revs && (paths.is_empty() || dashdash) && resolves(&repo, &p) {
            revs.push(p);
        } else if revs.is_empty() && !stdin {
            return Err(super::diff::unknown_revision(&p));
        } else {
            if !dashdash {
                // git's setup_revisions: a path without `--` must exist.
                rev_args::verify_filename(&repo, &ctx.cwd, &p, paths.is_empty())?;
            }
            paths.push(p);
        }
    }
    d.options.paths = super::pathspec_items(&repo, &ctx.cwd, &paths)?;
    let formatter = if verbose {
        if merges || combined.is_some() {
            return Err(Fatal::new(
                "diff-tree: -m, -c or --cc with a commit message is not supported by oxgit",
            ));
        }
        if rev.pretty.format.is_none() && !rev.pretty.oneline {
            rev.pretty.format = Some(None);
        }
        Some(rev_args::build_formatter(&repo, &rev.pretty, Porcelain::RevList, d.palette()?)?.0)
    } else {
        None
    };
    // Raw ids are full unless `--abbrev` is given (patch `index` lines stay short).
    let raw_abbrev = if args
        .iter()
        .any(|a| a.starts_with("--abbrev") || a == "--no-abbrev")
    {
        None
    } else {
        Some(Abbrev::Full)
    };
    let mut shown = Shown {
        repo: &repo,
        raw_abbrev,
        // `--check` is shown alone, as in git.
        sections: if d.sections.contains(Sections::CHECK) {
            Sections::CHECK
        } else {
            d.sections
        },
        diff: d,
        root,
        merges,
        combined,
        all_paths,
        no_commit_id,
        always,
        formatter,
        ws_errors: Default::default(),
    };
    let out = &mut *ctx.out;
    if stdin {
        if !revs.is_empty() {
            return Ok(super::options::usage_error("", USAGE));
        }
        let mut line = Vec::new();
        loop {
            line.clear();
            if ctx.stdin.read_until(b'\n', &mut line)? == 0 {
                break;
            }
            shown.stdin_line(&line, out)?;
        }
        return Ok(shown.status());
    }
    match revs.as_slice() {
        [one] => {
            let id = resolve(&repo, one)?;
            let commit = peel_commit(&repo, id)?;
            let c = WalkedCommit::read(&repo, commit).map_err(|e| Fatal::new(e.to_string()))?;
            shown.commit(&c.id, &c.parents, &c, out)?;
        }
        [a, b] => {
            let (a, b) = (resolve(&repo, a)?, resolve(&repo, b)?);
            shown.trees(Side::Id(a), Side::Id(b), out)?;
        }
        _ => return Ok(super::options::usage_error("", USAGE)),
    }
    Ok(shown.status())
}

/// Whether `spec` names an object.
fn resolves(repo: &Repository, spec: &str) -> bool {
    crate::revision::resolve(repo, spec).is_ok()
}

fn resolve(repo: &Repository, spec: &str) -> Result<ObjectId, Fatal> {
    crate::revision::resolve(repo, spec).map_err(|_| super::diff::unknown_revision(spec))
}

/// The commit `id` is or tags.
fn peel_commit(repo: &Repository, id: ObjectId) -> Result<ObjectId, Fatal> {
    crate::revision::peel(repo, id, ObjectKind::Commit).map_err(|e| Fatal::new(e.to_string()))
}

impl Shown<'_> {
    /// The exit status: 2 when `--check` found whitespace errors.
    fn status(&self) -> i32 {
        if self.ws_errors.get() {
            2
        } else {
            0
        }
    }

    /// Diffs `old` against `new` into a buffer; returns it and the number of changes.
    /// What a commit changed is shown as git's log-tree shows it: with `-R`, the
    /// prefixes swap too.
    fn diff(&self, old: Side, new: Side, commit: bool) -> Result<(Vec<u8>, usize), Fatal> {
        let request =
            DiffRequest::with_options(Endpoints::pair(old, new), self.diff.options.clone());
        let differ = Differ::new(self.repo, &request).map_err(super::diff::fatal)?;
        super::diff::print_warnings(differ.warnings());
        let mut style = self.diff.text_style()?;
        if let Some(a) = self.raw_abbrev {
            style.abbrev = a;
        }
        if commit && self.diff.options.reverse {
            std::mem::swap(&mut style.src_prefix, &mut style.dst_prefix);
        }
        let mut sink = GitText::new(self.repo, self.sections, style, Vec::new());
        let outcome = differ.run(&mut sink).map_err(super::diff::fatal)?;
        if sink.found_whitespace_errors() {
            self.ws_errors.set(true);
        }
        Ok((sink.into_inner(), outcome.changes))
    }

    /// Two tree-ishes, without a header.
    fn trees(&self, old: Side, new: Side, out: &mut dyn Write) -> Result<(), Fatal> {
        let (text, _) = self.diff(old, new, false)?;
        out.write_all(&text)?;
        Ok(())
    }

    /// What commit `c` changed against `parents` (its own, or those a `--stdin` line
    /// gives), each diff under the commit's header.
    fn commit(
        &mut self,
        id: &ObjectId,
        parents: &[ObjectId],
        c: &WalkedCommit,
        out: &mut dyn Write,
    ) -> Result<(), Fatal> {
        if let (Some(mode), true) = (self.combined, parents.len() > 1) {
            let mut style = self.diff.text_style()?;
            if let Some(a) = self.raw_abbrev {
                style.abbrev = a;
            }
            let how = super::merges::combined_style(mode, self.all_paths, self.sections, &style);
            let text =
                super::merges::combined_text(self.repo, *id, parents, &self.diff.options, &how)?;
            self.header(id, parents, c, true, out)?;
            out.write_all(&text)?;
            return Ok(());
        }
        let olds: Vec<Side> = match parents {
            [] if self.root => vec![Side::EmptyTree],
            [] => Vec::new(),
            [p] => vec![Side::Id(*p)],
            _ if self.merges => parents.iter().map(|p| Side::Id(*p)).collect(),
            _ => Vec::new(),
        };
        if olds.is_empty() && self.always {
            self.header(id, parents, c, false, out)?;
        }
        for old in olds {
            let (text, changes) = self.diff(old, Side::Id(*id), true)?;
            if changes == 0 && !self.always {
                continue;
            }
            // git's separator comes whenever there are changes, even when the format
            // prints nothing for them (`--check` without errors, `--summary` of edits).
            let has_diff = !text.is_empty() || changes > 0;
            self.header(id, parents, c, has_diff, out)?;
            out.write_all(&text)?;
        }
        Ok(())
    }

    /// The commit-id line, or the commit message with `-v`/`--pretty`, and the blank
    /// line git puts between a message and its diff.
    fn header(
        &mut self,
        id: &ObjectId,
        parents: &[ObjectId],
        c: &WalkedCommit,
        has_diff: bool,
        out: &mut dyn Write,
    ) -> Result<(), Fatal> {
        if self.no_commit_id {
            return Ok(());
        }
        let Some(f) = self.formatter.as_mut() else {
            out.write_all(id.to_hex().as_bytes())?;
            out.write_all(if self.diff.nul { b"\0" } else { b"\n" })?;
            return Ok(());
        };
        let info = CommitInfo::new(*id, c.tree, parents, &c.data);
        let mut buf = Vec::new();
        f.write_entry(&info, &mut buf)
            .map_err(|e| Fatal::new(e.to_string()))?;
        out.write_all(&buf)?;
        let spec = f.spec();
        let oneline = spec.format == Format::Builtin(Builtin::Oneline);
        if has_diff && !oneline && !spec.is_empty() {
            if self.sections.contains(Sections::STAT | Sections::PATCH) {
                out.write_all(b"---")?;
            }
            out.write_all(b"\n")?;
        }
        Ok(())
    }

    /// One `--stdin` line: `<commit> [<parent>...]`, `<tree> <tree>`, or anything else,
    /// which is echoed.
    fn stdin_line(&mut self, line: &[u8], out: &mut dyn Write) -> Result<(), Fatal> {
        let text = line.strip_suffix(b"\n").unwrap_or(line);
        let hash = self.repo.hash_kind();
        let ids: Option<Vec<ObjectId>> = text
            .split(|&b| b == b' ')
            .map(|w| ObjectId::from_hex(w).ok().filter(|id| id.kind() == hash))
            .collect();
        let Some(ids) = ids.filter(|v| !v.is_empty()) else {
            out.write_all(line)?;
            out.flush()?;
            return Ok(());
        };
        let kind = self
            .repo
            .odb()
            .read_header(&ids[0])
            .map_err(|e| Fatal::new(e.to_string()))?
            .0;
        if kind == ObjectKind::Tree && ids.len() == 2 {
            out.write_all(line)?;
            return self.trees(Side::Id(ids[0]), Side::Id(ids[1]), out);
        }
        let commit = peel_commit(self.repo, ids[0])?;
        let c = WalkedCommit::read(self.repo, commit).map_err(|e| Fatal::new(e.to_string()))?;
        let parents = if ids.len() > 1 {
            ids[1..].to_vec()
        } else {
            c.parents.clone()
        };
        self.commit(&commit, &parents, &c, out)
    }
}
