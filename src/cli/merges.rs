//! How merges' diffs are shown (`-m`, `-c`, `--cc`, `--dd`, `--diff-merges=<format>`,
//! `--no-diff-merges`, `--combined-all-paths`, `log.diffMerges`), shared by `log`,
//! `show` and `diff-tree`, and the text of one merge's diff.

use super::Fatal;
use crate::api::combined::{write_combined, CombinedStyle};
use crate::api::{DiffOptions, DiffRequest, Differ, Endpoints, GitText, Sections, Side, Style};
use crate::oid::ObjectId;
use crate::repo::Repository;

/// A merge's diff format.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum MergeDiff {
    /// Not given: the command's default.
    #[default]
    Unset,
    /// No diff for merges.
    Off,
    /// Against the first parent only.
    FirstParent,
    /// Against each parent (`-m`).
    Separate,
    /// `-c`.
    Combined,
    /// `--cc`.
    Dense,
}

/// The commits a merge option gives a patch by default.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum PatchFor {
    /// None (`-m`, `--no-diff-merges`).
    #[default]
    None,
    /// Merges only (`--diff-merges=<format>`).
    Merges,
    /// Every commit (`-c`, `--cc`, `--dd`).
    All,
}

/// The merge options given.
#[derive(Clone, Debug, Default)]
pub struct MergeArgs {
    /// The format.
    pub mode: MergeDiff,
    /// Which commits the option gives a patch when no format is given.
    pub implies_patch: PatchFor,
    /// `--combined-all-paths`.
    pub all_paths: bool,
}

/// `log.diffMerges` (what `-m` and `--diff-merges=on` mean; default `separate`).
fn config_default(repo: &Repository) -> Result<MergeDiff, Fatal> {
    match repo.config().get("log.diffmerges") {
        None => Ok(MergeDiff::Separate),
        Some(v) => match by_name(v) {
            Some(MergeDiff::Unset) | None => Err(Fatal::new(format!(
                "unable to parse 'log.diffmerges' from config: '{v}'"
            ))),
            Some(m) => Ok(m),
        },
    }
}

/// A `--diff-merges` value (`Unset` for `on`, the configured default).
fn by_name(v: &str) -> Option<MergeDiff> {
    Some(match v {
        "off" | "none" => MergeDiff::Off,
        "on" => MergeDiff::Unset,
        "first-parent" | "1" => MergeDiff::FirstParent,
        "separate" | "m" => MergeDiff::Separate,
        "combined" | "c" => MergeDiff::Combined,
        "dense-combined" | "cc" => MergeDiff::Dense,
        _ => return None,
    })
}

/// Parses `args[*i]` if it is a merge-diff option (advancing `i` past a separate
/// value); whether it was.
pub fn parse(
    m: &mut MergeArgs,
    repo: &Repository,
    args: &[String],
    i: &mut usize,
) -> Result<bool, Fatal> {
    let a = args[*i].as_str();
    let value = if let Some(v) = a.strip_prefix("--diff-merges=") {
        Some(v.to_string())
    } else if a == "--diff-merges" {
        *i += 1;
        match args.get(*i) {
            Some(v) => Some(v.clone()),
            None => return Err(Fatal::new("option '--diff-merges' requires a value")),
        }
    } else {
        None
    };
    let (mode, implies) = match (a, value) {
        (_, Some(v)) => {
            if matches!(v.as_str(), "remerge" | "r") {
                return Err(remerge());
            }
            match by_name(&v) {
                Some(MergeDiff::Unset) => (config_default(repo)?, PatchFor::Merges),
                Some(MergeDiff::Off) => (MergeDiff::Off, PatchFor::None),
                Some(m) => (m, PatchFor::Merges),
                None => {
                    return Err(Fatal::new(format!(
                        "invalid value for '--diff-merges': '{v}'"
                    )))
                }
            }
        }
        ("-m", None) => (config_default(repo)?, PatchFor::None),
        ("-c", None) => (MergeDiff::Combined, PatchFor::All),
        ("--cc", None) => (MergeDiff::Dense, PatchFor::All),
        ("--dd", None) => (MergeDiff::FirstParent, PatchFor::All),
        ("--no-diff-merges", None) => (MergeDiff::Off, PatchFor::None),
        ("--remerge-diff", None) => return Err(remerge()),
        ("--combined-all-paths", None) => {
            m.all_paths = true;
            return Ok(true);
        }
        _ => return Ok(false),
    };
    m.mode = mode;
    m.implies_patch = implies;
    Ok(true)
}

fn remerge() -> Fatal {
    Fatal::new("--remerge-diff is not supported by oxgit")
}

impl MergeArgs {
    /// The format in effect (`default` when none was given), checking
    /// `--combined-all-paths` as git does (against the options given, not a default).
    pub fn resolve(&self, default: MergeDiff) -> Result<MergeDiff, Fatal> {
        let mode = if self.mode == MergeDiff::Unset {
            default
        } else {
            self.mode
        };
        if self.all_paths && !matches!(self.mode, MergeDiff::Combined | MergeDiff::Dense) {
            return Err(Fatal::new(
                "--combined-all-paths makes no sense without -c or --cc",
            ));
        }
        Ok(mode)
    }
}

/// Refuses, before anything is printed, what oxgit's combined diff does not do: `-R`
/// (git's output for it compares the sides the other way round) and the whitespace
/// options.
pub fn refuse_unsupported(mode: MergeDiff, options: &DiffOptions) -> Result<(), Fatal> {
    if !matches!(mode, MergeDiff::Combined | MergeDiff::Dense) {
        return Ok(());
    }
    if options.reverse {
        return Err(Fatal::new(
            "combined diff with -R is not supported by oxgit",
        ));
    }
    if options.line.whitespace != crate::diff::line::Whitespace::Exact
        || options.line.ignore_blank_lines
    {
        return Err(Fatal::new(
            "combined diff with whitespace options is not supported by oxgit",
        ));
    }
    Ok(())
}

/// How a combined diff (`mode` is `Combined` or `Dense`) is shown.
pub fn combined_style(
    mode: MergeDiff,
    all_paths: bool,
    sections: Sections,
    style: &Style,
) -> CombinedStyle {
    CombinedStyle {
        dense: mode == MergeDiff::Dense,
        all_paths,
        sections,
        style: style.clone(),
    }
}

/// The combined diff of `commit` against `parents`, as text.
pub fn combined_text(
    repo: &Repository,
    commit: ObjectId,
    parents: &[ObjectId],
    options: &DiffOptions,
    how: &CombinedStyle,
) -> Result<Vec<u8>, Fatal> {
    let mut out = Vec::new();
    write_combined(repo, commit, parents, options, how, &mut out).map_err(super::diff::fatal)?;
    Ok(out)
}

/// The diff of `commit` against one `parent` (`-m`), as text, and its number of file
/// pairs.
pub fn parent_text(
    repo: &Repository,
    commit: ObjectId,
    parent: ObjectId,
    options: &DiffOptions,
    sections: Sections,
    style: &Style,
) -> Result<(Vec<u8>, usize), Fatal> {
    let request = DiffRequest::with_options(
        Endpoints::pair(Side::Id(parent), Side::Id(commit)),
        options.clone(),
    );
    let differ = Differ::new(repo, &request).map_err(super::diff::fatal)?;
    super::diff::print_warnings(differ.warnings());
    let mut sink = GitText::new(repo, sections, style.clone(), Vec::new());
    let outcome = differ.run(&mut sink).map_err(super::diff::fatal)?;
    Ok((sink.into_inner(), outcome.changes))
}
