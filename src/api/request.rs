//! What to compare and how: [`DiffRequest`] = [`Endpoints`] + [`DiffOptions`], with the
//! options read from the repository's config as git reads them and overridable one by one.

use super::Error;
use crate::config::Config;
use crate::diff::line;
use crate::diff::stat::StatOptions;
use crate::diff::{BreakOptions, Change, ChangeKind};
use crate::oid::ObjectId;
use crate::repo::Repository;

/// One side of a diff.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Side {
    /// A revision as `rev-parse` accepts it, naming a commit, a tree or a blob (or a tag
    /// of one). A blob named `<rev>:<path>` is shown under `<path>`, any other blob under
    /// the revision as written, as git does.
    Rev(String),
    /// An object by id: a commit, a tree, a blob, or a tag of one.
    Id(ObjectId),
    /// The empty tree (what a root commit is compared with).
    EmptyTree,
    /// The index. Needs a [`SideProvider`]; without one the request fails with
    /// [`Error::Unsupported`].
    Index,
    /// The work tree. Needs a [`SideProvider`], like [`Side::Index`].
    WorkTree,
}

impl From<&str> for Side {
    fn from(s: &str) -> Side {
        Side::Rev(s.to_string())
    }
}

impl From<String> for Side {
    fn from(s: String) -> Side {
        Side::Rev(s)
    }
}

impl From<ObjectId> for Side {
    fn from(id: ObjectId) -> Side {
        Side::Id(id)
    }
}

/// The two things compared.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Endpoints {
    /// `old` against `new` (`git diff A B`, `git diff A..B`).
    Pair {
        /// The old side.
        old: Side,
        /// The new side.
        new: Side,
    },
    /// `git diff A...B`: the merge base of `old` and `new` against `new`. With several
    /// merge bases the first is used and [`Warning::MultipleMergeBases`] says so.
    Symmetric {
        /// The side whose merge base with `new` is the old side.
        old: Side,
        /// The new side.
        new: Side,
    },
    /// `git diff --merge-base A B`: like [`Endpoints::Symmetric`], but several merge bases
    /// are an error.
    MergeBase {
        /// The side whose merge base with `new` is the old side.
        old: Side,
        /// The new side.
        new: Side,
    },
    /// What a commit changed: its first parent against it (a root commit against the
    /// empty tree).
    Commit(Side),
}

impl Endpoints {
    /// `old` against `new`.
    pub fn pair(old: impl Into<Side>, new: impl Into<Side>) -> Endpoints {
        Endpoints::Pair {
            old: old.into(),
            new: new.into(),
        }
    }

    /// What commit `rev` changed (against its first parent, or the empty tree).
    pub fn commit(rev: impl Into<Side>) -> Endpoints {
        Endpoints::Commit(rev.into())
    }

    /// git diff's revision arguments: `[]` (index against work tree), `[A]` (A against
    /// the work tree), `[A, B]`, `["A..B"]`, `["A...B"]` (an empty end is `HEAD`), and with
    /// `merge_base` (`--merge-base`) `[A, B]` or `[A]` (A's merge base with `HEAD`... against
    /// the work tree). Combined diffs (three or more revisions) are unsupported.
    pub fn from_diff_args(args: &[&str], merge_base: bool) -> Result<Endpoints, Error> {
        let or_head = |s: &str| Side::Rev(if s.is_empty() { "HEAD" } else { s }.to_string());
        Ok(match args {
            [] => Endpoints::pair(Side::Index, Side::WorkTree),
            [one] if one.contains("...") => {
                let (a, b) = one.split_once("...").expect("contains ...");
                if merge_base {
                    Endpoints::MergeBase {
                        old: or_head(a),
                        new: or_head(b),
                    }
                } else {
                    Endpoints::Symmetric {
                        old: or_head(a),
                        new: or_head(b),
                    }
                }
            }
            [one] if one.contains("..") => {
                let (a, b) = one.split_once("..").expect("contains ..");
                let pair = (or_head(a), or_head(b));
                if merge_base {
                    Endpoints::MergeBase {
                        old: pair.0,
                        new: pair.1,
                    }
                } else {
                    Endpoints::pair(pair.0, pair.1)
                }
            }
            [one] if merge_base => Endpoints::MergeBase {
                old: Side::from(*one),
                new: Side::WorkTree,
            },
            [one] => Endpoints::pair(*one, Side::WorkTree),
            [a, b] if merge_base => Endpoints::MergeBase {
                old: Side::from(*a),
                new: Side::from(*b),
            },
            [a, b] => Endpoints::pair(*a, *b),
            _ => return Err(Error::Unsupported("combined diffs".to_string())),
        })
    }
}

/// Which kind of rename detection runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Detect {
    /// None (`--no-renames`, `diff.renames=false`).
    Off,
    /// Renames (git's default).
    Renames,
    /// Renames and copies (`-C`, `diff.renames=copies`).
    Copies,
}

/// How object names are abbreviated (`core.abbrev`, `--abbrev`, `--no-abbrev`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Abbrev {
    /// git's automatic length (from the number of packed objects, at least 7).
    Auto,
    /// Start from this many digits (4 or more), lengthened until unique.
    Len(usize),
    /// Full ids.
    Full,
}

/// git's `--diff-filter`: status letters to keep and to drop.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct DiffFilter {
    /// Upper-case letters (`ACDMRTXUB*`) selected; empty selects all.
    pub include: Vec<u8>,
    /// Letters excluded (given in lower case on the command line).
    pub exclude: Vec<u8>,
}

impl DiffFilter {
    /// Parses a `--diff-filter` value (`AM`, `d`, `*`, ...).
    pub fn parse(value: &str) -> Result<DiffFilter, Error> {
        let mut f = DiffFilter::default();
        for c in value.bytes() {
            let up = c.to_ascii_uppercase();
            if !b"ACDMRTXUB*".contains(&up) {
                return Err(Error::BadRequest(format!(
                    "unknown change class '{}' in --diff-filter={value}",
                    c as char
                )));
            }
            if c.is_ascii_lowercase() {
                f.exclude.push(up);
            } else {
                f.include.push(up);
            }
        }
        Ok(f)
    }

    /// Whether the filter keeps everything.
    pub fn is_empty(&self) -> bool {
        self.include.is_empty() && self.exclude.is_empty()
    }

    /// Whether the filter decides file by file (it does unless `*`, all-or-none, is
    /// given), so it can be applied to any part of a change list.
    pub fn is_per_file(&self) -> bool {
        !self.include.contains(&b'*')
    }

    /// git's filter over a whole queue: keeps the changes whose status is selected; with
    /// `*`, keeps all of them if any is selected and none otherwise.
    pub fn apply(&self, changes: Vec<Change>) -> Vec<Change> {
        if self.is_empty() {
            return changes;
        }
        let all_or_none = self.include.contains(&b'*');
        let selected = |letter: u8| {
            let on = if self.include.is_empty() {
                letter != b'*'
            } else {
                self.include.contains(&letter)
            };
            on && !self.exclude.contains(&letter)
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
}

/// How two sides are compared and what the text formats look like. Built from the
/// repository's config by [`DiffOptions::from_config`]; every field can then be set.
/// New fields may be added in any release (the struct is `non_exhaustive`).
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct DiffOptions {
    /// Root-relative pathspec items (see [`relative_pathspec`]); empty means all paths.
    pub paths: Vec<Vec<u8>>,
    /// Rename/copy detection (`diff.renames`, `-M`, `-C`, `--no-renames`).
    pub detect: Detect,
    /// `--find-copies-harder` (`-C -C`): unmodified files are copy sources too.
    pub copies_harder: bool,
    /// Minimum similarity on git's scale (`0..=60000`); 0 means git's default (50 %).
    pub rename_score: u32,
    /// The rename limit (`diff.renameLimit`, `-l`); `<= 0` means none.
    pub rename_limit: i64,
    /// Break detection (`-B`).
    pub breaks: Option<BreakOptions>,
    /// `--diff-filter`.
    pub filter: DiffFilter,
    /// `-S`, `-G`, `--find-object` (with `--pickaxe-regex`, `--pickaxe-all`, `-i`):
    /// only the file pairs the pickaxe finds interesting, selected after rename
    /// detection and before `--diff-filter`.
    pub pickaxe: Option<crate::diff::pickaxe::Pickaxe>,
    /// `-R`: swap the two sides.
    pub reverse: bool,
    /// The line diff: algorithm, context, whitespace handling (`diff.algorithm`,
    /// `diff.context`, `diff.interHunkContext`, `diff.indentHeuristic`).
    pub line: line::Options,
    /// `core.quotePath`: quote bytes >= 0x80 in paths (on by default).
    pub quote_path: bool,
    /// Prefix of old paths in patches (`a/`; `diff.srcPrefix`, `--src-prefix`).
    pub src_prefix: Vec<u8>,
    /// Prefix of new paths in patches (`b/`; `diff.dstPrefix`, `--dst-prefix`).
    pub dst_prefix: Vec<u8>,
    /// Abbreviation of ids (`core.abbrev`, `--abbrev`).
    pub abbrev: Abbrev,
    /// `--full-index`: full ids in patch `index` lines.
    pub full_index: bool,
    /// `diff.suppressBlankEmpty`: an empty context line is printed without its space.
    pub suppress_blank_empty: bool,
    /// `diff.mnemonicPrefix`: with the index or the work tree as a side, the prefixes
    /// name the sides (`c/` commit, `i/` index, `w/` work tree) instead of `a/` `b/`.
    pub mnemonic_prefix: bool,
    /// `--stat` layout (`diff.statNameWidth`, `diff.statGraphWidth`, `--stat=...`).
    pub stat: StatOptions,
    /// Descend into changed subtrees (on; `git diff-tree` without `-r` lists them as
    /// entries instead).
    pub recursive: bool,
    /// Also list each changed subtree before its contents (`git diff-tree -t`).
    pub show_trees: bool,
    /// `core.whitespace`: the rules `--check` applies.
    pub whitespace_rule: crate::diff::whitespace::WsRule,
    /// `--compact-summary`: the stat names carry the `--summary` facts (`(new)`,
    /// `(gone)`, `(mode +x)`...).
    pub compact_summary: bool,
    /// `--dirstat` parameters (`diff.dirstat`, `--dirstat=...`).
    pub dirstat: crate::diff::dirstat::DirstatOptions,
    /// `--word-diff=<mode>`, `--color-words` (`None`: a line patch).
    pub word_diff: Option<crate::diff::words::WordDiffMode>,
    /// The word regex (`--word-diff-regex`, `--color-words=<regex>`, `diff.wordRegex`);
    /// `None`: words are runs of non-whitespace.
    pub word_regex: Option<Vec<u8>>,
}

impl Default for DiffOptions {
    /// git's defaults with no config at all.
    fn default() -> DiffOptions {
        DiffOptions {
            paths: Vec::new(),
            detect: Detect::Renames,
            copies_harder: false,
            rename_score: 0,
            rename_limit: crate::diff::rename::DEFAULT_RENAME_LIMIT,
            breaks: None,
            filter: DiffFilter::default(),
            pickaxe: None,
            reverse: false,
            line: line::Options::default(),
            quote_path: true,
            src_prefix: b"a/".to_vec(),
            dst_prefix: b"b/".to_vec(),
            abbrev: Abbrev::Auto,
            full_index: false,
            suppress_blank_empty: false,
            mnemonic_prefix: false,
            stat: StatOptions::default(),
            recursive: true,
            show_trees: false,
            whitespace_rule: Default::default(),
            compact_summary: false,
            dirstat: Default::default(),
            word_diff: None,
            word_regex: None,
        }
    }
}

/// The `--diff-algorithm` / `diff.algorithm` names git accepts.
pub fn parse_algorithm(v: &str) -> Option<line::Algorithm> {
    match v.to_ascii_lowercase().as_str() {
        "myers" | "default" => Some(line::Algorithm::Myers),
        "minimal" => Some(line::Algorithm::Minimal),
        "patience" => Some(line::Algorithm::Patience),
        "histogram" => Some(line::Algorithm::Histogram),
        _ => None,
    }
}

/// git's `--abbrev=<n>` / `core.abbrev=<n>` clamping: at least 4, full at the hash length.
pub fn abbrev_len(n: usize, hash_hex_len: usize) -> Abbrev {
    if n >= hash_hex_len {
        Abbrev::Full
    } else {
        Abbrev::Len(n.max(crate::odb::MIN_ABBREV))
    }
}

impl DiffOptions {
    /// The options git's porcelain (`diff`, `log`, `show`) starts from in a repository
    /// with this config: `diff.renames`, `diff.renameLimit`, `diff.algorithm`,
    /// `diff.context`, `diff.interHunkContext`, `diff.indentHeuristic`, `diff.noprefix`,
    /// `diff.mnemonicPrefix`, `diff.srcPrefix`, `diff.dstPrefix`, `diff.suppressBlankEmpty`,
    /// `diff.statNameWidth`, `diff.statGraphWidth`, `diff.dirstat`, `diff.wordRegex`,
    /// `core.quotePath` and `core.abbrev`.
    /// Keys git would honour in a way oxgit cannot (`diff.external`, `diff.orderFile`,
    /// `diff.relative`) are refused with [`Error::Unsupported`] rather than ignored.
    pub fn from_config(cfg: &Config, hash_hex_len: usize) -> Result<DiffOptions, Error> {
        let mut o = DiffOptions::default();
        for key in ["diff.external", "diff.orderfile"] {
            if cfg.get(key).is_some_and(|v| !v.is_empty()) {
                return Err(Error::Unsupported(format!("config {key}")));
            }
        }
        if cfg.get_bool("diff.relative") == Some(true) {
            return Err(Error::Unsupported("config diff.relative".to_string()));
        }
        o.detect = match cfg.get("diff.renames") {
            Some(v) if v.eq_ignore_ascii_case("copies") || v.eq_ignore_ascii_case("copy") => {
                Detect::Copies
            }
            Some(_) => match cfg.get_bool("diff.renames") {
                Some(false) => Detect::Off,
                _ => Detect::Renames,
            },
            None => Detect::Renames,
        };
        if let Some(n) = cfg.get_int("diff.renamelimit") {
            o.rename_limit = n;
        }
        o.abbrev = match cfg.get("core.abbrev") {
            None => Abbrev::Auto,
            Some(v) if v.eq_ignore_ascii_case("auto") => Abbrev::Auto,
            Some(v) => match v.parse::<usize>() {
                Ok(n) => abbrev_len(n, hash_hex_len),
                Err(_) if crate::config::parse_bool(v) == Some(false) => Abbrev::Full,
                Err(_) => Abbrev::Auto,
            },
        };
        o.line.indent_heuristic = cfg.get_bool("diff.indentheuristic").unwrap_or(true);
        if let Some(v) = cfg.get("diff.algorithm") {
            o.line.algorithm = parse_algorithm(v)
                .ok_or_else(|| Error::BadRequest("invalid argument to diff.algorithm".into()))?;
        }
        if let Some(n) = cfg.get_int("diff.context").filter(|&n| n >= 0) {
            o.line.context = n.min(u32::MAX as i64) as u32;
        }
        if let Some(n) = cfg.get_int("diff.interhunkcontext").filter(|&n| n >= 0) {
            o.line.inter_hunk_context = n.min(u32::MAX as i64) as u32;
        }
        o.quote_path = cfg.get_bool("core.quotepath") != Some(false);
        if let Some(v) = cfg.get("core.whitespace") {
            o.whitespace_rule =
                crate::diff::whitespace::WsRule::parse(v).map_err(Error::BadRequest)?;
        }
        o.suppress_blank_empty = cfg.get_bool("diff.suppressblankempty") == Some(true);
        // git applies the valid parameters and warns about the others (the command
        // line prints the warning).
        for v in cfg.get_all("diff.dirstat") {
            let _ = o.dirstat.apply(v);
        }
        o.word_regex = cfg.get("diff.wordregex").map(|v| v.as_bytes().to_vec());
        // Prefixes: `diff.noprefix` wins; `diff.mnemonicPrefix` only changes the sides that
        // are not commits or trees (index, work tree), so for tree diffs it keeps a/ b/
        // and also makes git ignore `diff.srcPrefix`/`diff.dstPrefix`.
        if cfg.get_bool("diff.noprefix") == Some(true) {
            o.src_prefix.clear();
            o.dst_prefix.clear();
        } else if cfg.get_bool("diff.mnemonicprefix") == Some(true) {
            o.mnemonic_prefix = true;
        } else {
            if let Some(p) = cfg.get("diff.srcprefix") {
                o.src_prefix = p.as_bytes().to_vec();
            }
            if let Some(p) = cfg.get("diff.dstprefix") {
                o.dst_prefix = p.as_bytes().to_vec();
            }
        }
        o.stat.name_width = cfg
            .get_int("diff.statnamewidth")
            .filter(|&n| n > 0)
            .map(|n| n as usize);
        o.stat.graph_width = cfg
            .get_int("diff.statgraphwidth")
            .filter(|&n| n > 0)
            .map(|n| n as usize);
        Ok(o)
    }

    /// The rename options of this request (`None` when detection is off).
    pub fn rename_options(&self) -> Option<crate::diff::RenameOptions> {
        let copies_harder = self.copies_harder;
        let detect = if copies_harder {
            Detect::Copies
        } else {
            self.detect
        };
        (detect != Detect::Off).then(|| crate::diff::RenameOptions {
            copies: detect == Detect::Copies,
            copies_harder,
            min_score: self.rename_score,
            rename_limit: self.rename_limit,
        })
    }

    /// Only these root-relative paths (literal paths, directory prefixes, globs).
    pub fn with_paths<I, P>(mut self, paths: I) -> DiffOptions
    where
        I: IntoIterator<Item = P>,
        P: AsRef<[u8]>,
    {
        self.paths = paths.into_iter().map(|p| p.as_ref().to_vec()).collect();
        self
    }

    /// Sets rename detection.
    pub fn with_detect(mut self, detect: Detect) -> DiffOptions {
        self.detect = detect;
        self
    }
}

/// A whole question: what to compare and how.
#[derive(Clone, Debug)]
pub struct DiffRequest {
    /// The two sides.
    pub endpoints: Endpoints,
    /// How they are compared.
    pub options: DiffOptions,
}

impl DiffRequest {
    /// A request with the repository's config (see [`DiffOptions::from_config`]).
    pub fn new(repo: &Repository, endpoints: Endpoints) -> Result<DiffRequest, Error> {
        Ok(DiffRequest {
            endpoints,
            options: DiffOptions::from_config(repo.config(), repo.hash_kind().hex_len())?,
        })
    }

    /// A request with explicit options (no config read).
    pub fn with_options(endpoints: Endpoints, options: DiffOptions) -> DiffRequest {
        DiffRequest { endpoints, options }
    }

    /// Limits the request to root-relative paths.
    pub fn paths<I, P>(mut self, paths: I) -> DiffRequest
    where
        I: IntoIterator<Item = P>,
        P: AsRef<[u8]>,
    {
        self.options = self.options.with_paths(paths);
        self
    }
}

/// Turns paths given relative to `folder` (a folder inside the work tree, as a command's
/// working folder) into root-relative pathspec items, resolving `.` and `..` as git does.
/// Outside a work tree the paths are taken as root-relative.
pub fn relative_pathspec<P: AsRef<[u8]>>(
    repo: &Repository,
    folder: &std::path::Path,
    paths: &[P],
) -> Result<Vec<Vec<u8>>, Error> {
    use std::os::unix::ffi::OsStrExt;
    let prefix: Vec<Vec<u8>> = match repo.work_tree() {
        Some(wt) => {
            let wt = wt.canonicalize().unwrap_or_else(|_| wt.to_path_buf());
            let cwd = folder
                .canonicalize()
                .unwrap_or_else(|_| folder.to_path_buf());
            match cwd.strip_prefix(&wt) {
                Ok(rel) => rel
                    .components()
                    .map(|c| c.as_os_str().as_bytes().to_vec())
                    .collect(),
                Err(_) => Vec::new(),
            }
        }
        None => Vec::new(),
    };
    let mut items = Vec::new();
    for p in paths {
        let p = p.as_ref();
        let mut parts = prefix.clone();
        let trailing = p.ends_with(b"/") && p.len() > 1;
        for comp in p.split(|&c| c == b'/') {
            match comp {
                b"" | b"." => {}
                b".." => {
                    if parts.pop().is_none() {
                        let shown = crate::bytestr::encode(p);
                        return Err(Error::BadRequest(format!(
                            "{shown}: '{shown}' is outside repository"
                        )));
                    }
                }
                c => parts.push(c.to_vec()),
            }
        }
        let mut item = parts.join(&b'/');
        if trailing && !item.is_empty() {
            item.push(b'/');
        }
        items.push(item);
    }
    Ok(items)
}

/// What a run reports besides the files: warnings git would print on stderr.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Warning {
    /// The rename limit cut rename detection short.
    RenameLimit {
        /// The limit that would have been needed.
        needed: usize,
        /// Copies were searched only among modified files.
        degraded_copies: bool,
    },
    /// `A...B` had several merge bases; the first was used.
    MultipleMergeBases {
        /// The range as given (`A...B`).
        range: String,
        /// The base used.
        used: ObjectId,
    },
}

impl Warning {
    /// git's warning lines (without the `warning: ` prefix), one per element.
    pub fn lines(&self) -> Vec<String> {
        match self {
            Warning::RenameLimit {
                needed,
                degraded_copies,
            } => vec![
                if *degraded_copies {
                    "only found copies from modified paths due to too many files.".to_string()
                } else {
                    "exhaustive rename detection was skipped due to too many files.".to_string()
                },
                format!(
                    "you may want to set your diff.renameLimit variable to at least {needed} and retry the command."
                ),
            ],
            Warning::MultipleMergeBases { range, used } => {
                vec![format!("{range}: multiple merge bases, using {used}")]
            }
        }
    }
}

impl std::fmt::Display for Warning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.lines().join("\n"))
    }
}
