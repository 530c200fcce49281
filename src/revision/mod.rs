//! Revision syntax (`git rev-parse`): turning names like `HEAD~2^{tree}` or `v1:src/lib.rs`
//! into object ids, with git's lookup order, disambiguation rules and diagnostics.
//!
//! Supported: full and abbreviated hex ids (ambiguity is an error, narrowed by the kind the
//! context needs as git does), ref names in git's lookup order, `@`, `<rev>~<n>`,
//! `<rev>^<n>`, `<rev>^{}`, `<rev>^{commit|tree|blob|tag|object}`, `git describe` output,
//! `<rev>:<path>` (including `./` and `../` relative to the working folder), reflog entries
//! by count (`<ref>@{<n>}`, `@{<n>}`) and previous branches (`@{-<n>}`).
//! Commit message searches (`:/<regex>`, `<rev>^{/<regex>}`) use POSIX extended regular
//! expressions ([`regex`]).
//! Upstream branches (`@{u}`, `<branch>@{upstream}`) follow `branch.<name>.merge` through
//! the remote's fetch refspecs.
//! Index paths (`:path`, `:<n>:path`) are looked up in the index.
//! Not supported (they return [`RevisionError::Unsupported`]): reflog dates
//! (`@{yesterday}`), push forms (`@{push}`) and back-references in searches.
//!
//! Specs are `str`, but paths and search patterns in them are bytes as in git: a spec
//! holding bytes that are not UTF-8 is a [`crate::bytestr`] string (the CLI encodes every
//! argument so), and names in errors come back in the same encoding.
//!
//! ```no_run
//! use oxgit::{revision, Repository};
//!
//! let repo = Repository::discover(std::path::Path::new("."))?;
//! let tree = revision::resolve(&repo, "HEAD~1^{tree}")?;
//! println!("{tree}");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod abbrev;
pub mod cherry;
pub mod describe;
pub mod filter;
pub mod grafts;
pub mod merge_base;
pub mod range;
pub mod regex;
pub mod simplify;
pub mod walk;

pub use abbrev::{abbreviate, default_abbrev_len, MIN_ABBREV};

use crate::object::{Commit, ObjectKind, ParseError, Tag, TreeIter};
use crate::odb::OdbError;
use crate::oid::{HexPrefix, ObjectId};
use crate::refs::{is_valid_refname, RefError, RefValue, Refs, Resolved};
use crate::repo::Repository;

/// Why a revision could not be resolved.
#[derive(Debug, thiserror::Error)]
pub enum RevisionError {
    /// The name matches no object or ref (or a step such as `~3` or `^2` leads nowhere).
    #[error("unknown revision '{0}'")]
    Unknown(String),
    /// An abbreviated id matches several objects and the context does not single one out.
    #[error("short object ID {prefix} is ambiguous")]
    AmbiguousShortId {
        /// The abbreviation as given.
        prefix: String,
        /// Every object starting with it.
        candidates: Vec<ObjectId>,
    },
    /// `<rev>^{<kind>}` reached an object that cannot be peeled further.
    #[error("{spec}: expected {expected} type, but the object dereferences to {actual} type")]
    WrongType {
        /// The revision up to the failing peel.
        spec: String,
        /// The kind asked for.
        expected: &'static str,
        /// The kind found.
        actual: ObjectKind,
    },
    /// `<rev>:<path>` where `<rev>` does not resolve.
    #[error("invalid object name '{0}'.")]
    InvalidObjectName(String),
    /// `<rev>:<path>` where the tree of `<rev>` has no such path.
    #[error("path '{path}' does not exist in '{rev}'")]
    PathNotFound {
        /// The revision part.
        rev: String,
        /// The path part (after making `./` paths relative to the working folder).
        path: String,
    },
    /// `:<path>` or `:<n>:<path>` has no index entry at that stage.
    #[error("path '{path}' is not in the index at stage {stage}")]
    NotInIndex {
        /// The path (after making `./` paths relative to the working folder).
        path: String,
        /// The stage asked for (0 for `:<path>`).
        stage: u8,
    },
    /// The index could not be read for `:<path>`.
    #[error(transparent)]
    Index(#[from] crate::index::IndexError),
    /// `<rev>:./<path>` used outside a work tree.
    #[error("relative path syntax can't be used outside working tree")]
    RelativeOutsideWorkTree,
    /// `<rev>:../<path>` leaves the repository.
    #[error("'{path}' is outside repository at '{work_tree}'")]
    OutsideRepository {
        /// The path as given.
        path: String,
        /// The work tree it leaves (as git names it).
        work_tree: String,
    },
    /// Revision syntax git supports but oxgit does not.
    #[error("{what} are not supported by oxgit: '{spec}'")]
    Unsupported {
        /// The revision.
        spec: String,
        /// Which syntax.
        what: &'static str,
    },
    /// `<ref>@{<n>}` beyond the end of the reflog.
    #[error("log for '{name}' only has {entries} entries")]
    ReflogTooShort {
        /// The ref as named.
        name: String,
        /// How many entries the reflog has.
        entries: usize,
    },
    /// `<branch>@{upstream}` without an upstream (git's message).
    #[error("{0}")]
    Upstream(String),
    /// `<ref>@{<n>}` with n > 0 for a ref whose reflog is empty or missing.
    #[error("log for {0} is empty")]
    ReflogEmpty(String),
    /// A ref could not be read.
    #[error(transparent)]
    Ref(#[from] RefError),
    /// An object could not be read.
    #[error(transparent)]
    Odb(#[from] OdbError),
    /// An object could not be parsed.
    #[error("corrupt object {id}: {source}")]
    Corrupt {
        /// The object.
        id: ObjectId,
        /// The parse failure.
        source: ParseError,
    },
}

impl RevisionError {
    /// Whether this is a plain "does not resolve" outcome (as opposed to an unreadable
    /// repository or unsupported syntax): what `git rev-parse` answers by treating the
    /// argument as a path.
    pub fn is_not_found(&self) -> bool {
        matches!(
            self,
            RevisionError::Unknown(_)
                | RevisionError::AmbiguousShortId { .. }
                | RevisionError::WrongType { .. }
                | RevisionError::InvalidObjectName(_)
                | RevisionError::PathNotFound { .. }
                | RevisionError::NotInIndex { .. }
        )
    }
}

/// The kind of object the context wants, used to pick among objects sharing an
/// abbreviated id (git's `GET_OID_COMMITTISH` etc.).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Hint {
    /// No preference: any two matches are ambiguous.
    #[default]
    Any,
    /// A commit.
    Commit,
    /// A commit, or a tag that peels to one.
    Committish,
    /// A tree.
    Tree,
    /// A tree or commit, or a tag that peels to one.
    Treeish,
    /// A blob.
    Blob,
}

impl Hint {
    /// The hint a `core.disambiguate` value names (`none`, `commit`, `committish`, `tree`,
    /// `treeish`, `blob`).
    pub fn from_config(value: &str) -> Option<Hint> {
        Some(match value {
            "none" => Hint::Any,
            "commit" => Hint::Commit,
            "committish" => Hint::Committish,
            "tree" => Hint::Tree,
            "treeish" => Hint::Treeish,
            "blob" => Hint::Blob,
            _ => return None,
        })
    }
}

/// Resolves `spec` to an object id, quietly (no warnings are collected).
pub fn resolve(repo: &Repository, spec: &str) -> Result<ObjectId, RevisionError> {
    Resolver::new(repo).resolve(spec)
}

/// Follows `id` to an object of `kind`: tags to what they tag, commits to their tree
/// (git's `peel_to_type`). Fails if the chain ends at another kind.
pub fn peel(repo: &Repository, id: ObjectId, kind: ObjectKind) -> Result<ObjectId, RevisionError> {
    peel_to_type(repo, id, Some(kind), &id.to_hex())
}

/// The working folder `cwd` relative to `repo`'s work tree root, as
/// [`Resolver::prefix`] takes it (`sub/dir/`, or empty at the root); `None` outside the
/// work tree (or in a bare repository).
pub fn work_prefix(repo: &Repository, cwd: &std::path::Path) -> Option<String> {
    let cwd = cwd.canonicalize().unwrap_or_else(|_| cwd.to_path_buf());
    let wt = repo.work_tree()?;
    let wt = wt.canonicalize().unwrap_or_else(|_| wt.to_path_buf());
    let rel = cwd.strip_prefix(&wt).ok()?;
    let mut p = crate::bytestr::from_os_str(rel.as_os_str()).into_owned();
    if !p.is_empty() {
        p.push('/');
    }
    Some(p)
}

/// Looks up `path` (slash-separated bytes, relative to the root) in the tree of `tree`,
/// which may also be a commit or a tag of one. Returns the entry's id and mode (the root
/// itself for an empty path), or `None` if there is no such entry.
pub fn tree_entry_by_path(
    repo: &Repository,
    tree: &ObjectId,
    path: &[u8],
) -> Result<Option<(ObjectId, u32)>, RevisionError> {
    let mut tree = match peel_to_type(repo, *tree, Some(ObjectKind::Tree), "") {
        Ok(t) => t,
        Err(e) if e.is_not_found() => return Ok(None),
        Err(e) => return Err(e),
    };
    let mut name = path;
    if name.is_empty() {
        return Ok(Some((tree, 0o40000)));
    }
    let mut buf = Vec::new();
    'tree: loop {
        match repo.odb().read_into(&tree, &mut buf) {
            Ok(ObjectKind::Tree) => {}
            Ok(_) => return Ok(None),
            Err(e) if e.is_missing() => return Ok(None),
            Err(e) => return Err(e.into()),
        }
        for entry in TreeIter::new(&buf, repo.hash_kind()) {
            let entry = entry.map_err(|source| RevisionError::Corrupt { id: tree, source })?;
            let elen = entry.name.len();
            if elen > name.len() {
                continue;
            }
            match name[..elen].cmp(entry.name) {
                std::cmp::Ordering::Greater => continue,
                std::cmp::Ordering::Less => return Ok(None),
                std::cmp::Ordering::Equal => {}
            }
            if elen == name.len() {
                return Ok(Some((entry.id, entry.raw_mode)));
            }
            if name[elen] != b'/' {
                continue;
            }
            if !entry.mode.is_tree() {
                return Ok(None);
            }
            if elen + 1 == name.len() {
                return Ok(Some((entry.id, entry.raw_mode)));
            }
            name = &name[elen + 1..];
            tree = entry.id;
            continue 'tree;
        }
        return Ok(None);
    }
}

/// The ref-name lookup order of `git rev-parse` (`ref_rev_parse_rules`).
pub const REF_RULES: [(&str, &str); 6] = [
    ("", ""),
    ("refs/", ""),
    ("refs/tags/", ""),
    ("refs/heads/", ""),
    ("refs/remotes/", ""),
    ("refs/remotes/", "/HEAD"),
];

/// What [`Resolver::dwim_ref`] found for a short ref name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DwimRef {
    /// How many lookup rules matched (more than one: the name is ambiguous).
    pub count: usize,
    /// The first match, followed through symbolic refs.
    pub first: Option<Resolved>,
}

/// Shortens the full ref name `full` to the shortest name that still resolves to it
/// (git's `shorten_unambiguous_ref`). With `strict`, no other lookup rule may match the
/// short name at all; otherwise only earlier rules are checked.
pub fn shorten_ref(refs: &Refs, full: &str, strict: bool) -> Result<String, RefError> {
    for i in (1..REF_RULES.len()).rev() {
        let (pre, post) = REF_RULES[i];
        let Some(short) = full
            .strip_prefix(pre)
            .and_then(|s| s.strip_suffix(post))
            .filter(|s| !s.is_empty())
        else {
            continue;
        };
        let limit = if strict { REF_RULES.len() } else { i };
        let mut clash = false;
        for (j, (p, q)) in REF_RULES.iter().enumerate().take(limit) {
            if j == i {
                continue;
            }
            let candidate = format!("{p}{short}{q}");
            if is_valid_refname(&candidate, true) && refs.exists(&candidate)? {
                clash = true;
                break;
            }
        }
        if !clash {
            return Ok(short.to_string());
        }
    }
    Ok(full.to_string())
}

/// One step applied after the base of a revision, with the length of the spec up to and
/// including it (for messages).
#[derive(Clone, Debug)]
enum Step {
    /// `^<n>`: the n-th parent (0: the commit itself).
    Parent(u32),
    /// `~<n>`: the n-th first-parent ancestor.
    Ancestor(u32),
    /// `^{<kind>}`.
    PeelTo(ObjectKind),
    /// `^{object}`.
    Exists,
    /// `^{}`.
    DerefTags,
    /// `^{/<text>}`: the byte range of `<text>` in the spec.
    Search(usize, usize),
}

/// A revision resolver with options and collected diagnostics.
///
/// The messages git prints while resolving (ambiguity warnings, peel errors) are collected
/// as complete lines; take them with [`Resolver::take_messages`].
pub struct Resolver<'r> {
    repo: &'r Repository,
    refs: Refs,
    quiet: bool,
    prefix: Option<String>,
    warn_ambiguous: bool,
    default_hint: Hint,
    messages: Vec<String>,
}

impl<'r> Resolver<'r> {
    /// A quiet resolver for `repo` (no ambiguity warnings), with paths relative to the
    /// work tree root.
    pub fn new(repo: &'r Repository) -> Resolver<'r> {
        Resolver {
            repo,
            refs: Refs::new(repo),
            quiet: true,
            prefix: Some(String::new()),
            warn_ambiguous: repo
                .config()
                .get_bool("core.warnambiguousrefs")
                .unwrap_or(true),
            default_hint: repo
                .config()
                .get("core.disambiguate")
                .and_then(Hint::from_config)
                .unwrap_or_default(),
            messages: Vec::new(),
        }
    }

    /// Whether to leave out warnings git prints unless `--quiet` is given.
    pub fn quiet(mut self, quiet: bool) -> Self {
        self.quiet = quiet;
        self
    }

    /// The working folder relative to the work tree root (`sub/dir/`, or empty at the
    /// root), used by `<rev>:./<path>`; `None` outside a work tree.
    pub fn prefix(mut self, prefix: Option<String>) -> Self {
        self.prefix = prefix;
        self
    }

    /// The ref store in use.
    pub fn refs(&self) -> &Refs {
        &self.refs
    }

    /// The diagnostics collected so far (`warning: ...`, `error: ...`, `hint: ...` lines),
    /// emptying the list.
    pub fn take_messages(&mut self) -> Vec<String> {
        std::mem::take(&mut self.messages)
    }

    /// Resolves `spec` with no kind preference.
    pub fn resolve(&mut self, spec: &str) -> Result<ObjectId, RevisionError> {
        self.resolve_with(spec, Hint::Any)
    }

    /// Resolves `spec`, using `hint` to settle ambiguous abbreviated ids.
    pub fn resolve_with(&mut self, spec: &str, hint: Hint) -> Result<ObjectId, RevisionError> {
        let first = match self.resolve_rev(spec, hint) {
            Ok(id) => return Ok(id),
            Err(e) if e.is_not_found() => e,
            Err(e) => return Err(e),
        };
        if let Some(rest) = spec.strip_prefix(':') {
            if rest.is_empty() || rest == "/" {
                // No index entry has an empty path (`:/` means the root in an index path).
                return Err(first);
            }
            if let Some(pattern) = rest.strip_prefix('/').filter(|p| !p.is_empty()) {
                let start = self.search_roots()?;
                return self
                    .search_messages(pattern, start, spec)?
                    .ok_or(RevisionError::Unknown(spec.to_string()));
            }
            // `:<n>:<path>` names stage n (0 to 3), `:<path>` stage 0.
            let (stage, path) = match rest.as_bytes() {
                [n @ b'0'..=b'3', b':', ..] => (n - b'0', &rest[2..]),
                _ => (0, rest),
            };
            let path = self.relative_path(path)?;
            let index = crate::index::Index::load(self.repo)?;
            return match index.entry(&crate::bytestr::decode(&path), stage) {
                Some(e) => Ok(e.id),
                None => Err(RevisionError::NotInIndex { path, stage }),
            };
        }
        let Some(colon) = top_level_colon(spec) else {
            return Err(first);
        };
        let rev = &spec[..colon];
        let tree = match self.resolve_rev(rev, Hint::Treeish) {
            Ok(id) => id,
            Err(e) if e.is_not_found() => {
                return Err(RevisionError::InvalidObjectName(rev.to_string()))
            }
            Err(e) => return Err(e),
        };
        let path = self.relative_path(&spec[colon + 1..])?;
        match tree_entry_by_path(self.repo, &tree, &crate::bytestr::decode(&path))? {
            Some((id, _)) => Ok(id),
            None => Err(RevisionError::PathNotFound {
                rev: rev.to_string(),
                path,
            }),
        }
    }

    /// Finds the ref a short name means (`git`'s `dwim_ref`): tries `<name>`,
    /// `refs/<name>`, `refs/tags/<name>`, `refs/heads/<name>`, `refs/remotes/<name>` and
    /// `refs/remotes/<name>/HEAD`, counting matches. `@` means `HEAD` and `@{-<n>}` the
    /// n-th previously checked-out branch.
    pub fn dwim_ref(&mut self, name: &str) -> Result<DwimRef, RevisionError> {
        let mut out = DwimRef {
            count: 0,
            first: None,
        };
        let Some(name) = self.substitute_branch_name(name, self.quiet)? else {
            return Ok(out);
        };
        for (pre, post) in REF_RULES {
            let full = format!("{pre}{name}{post}");
            if !is_valid_refname(&full, true) {
                continue;
            }
            match self.refs.resolve_full(&full) {
                Ok(Some(r)) => {
                    out.count += 1;
                    if out.first.is_none() {
                        out.first = Some(r);
                    }
                    if !self.warn_ambiguous {
                        break;
                    }
                }
                Ok(None) | Err(RefError::TooDeep(_)) | Err(RefError::InvalidName(_)) => {
                    let symbolic = matches!(self.refs.read_symbolic(&full), Ok(Some(_)));
                    if symbolic && full != "HEAD" {
                        self.messages
                            .push(format!("warning: ignoring dangling symref {full}"));
                    }
                }
                Err(RefError::Broken { .. }) => {
                    if full.contains('/') {
                        self.messages
                            .push(format!("warning: ignoring broken ref {full}"));
                    }
                }
                Err(e) => return Err(e.into()),
            }
        }
        Ok(out)
    }

    /// `rev:./path` and `rev:../path` are relative to the working folder.
    fn relative_path(&self, path: &str) -> Result<String, RevisionError> {
        if !path.starts_with("./") && !path.starts_with("../") {
            return Ok(path.to_string());
        }
        let prefix = self
            .prefix
            .as_deref()
            .ok_or(RevisionError::RelativeOutsideWorkTree)?;
        let mut parts: Vec<&str> = prefix.split('/').filter(|p| !p.is_empty()).collect();
        for part in path.split('/') {
            match part {
                "" | "." => {}
                ".." => {
                    if parts.pop().is_none() {
                        return Err(RevisionError::OutsideRepository {
                            path: path.to_string(),
                            work_tree: self
                                .repo
                                .work_tree()
                                .map(|w| w.display().to_string())
                                .unwrap_or_default(),
                        });
                    }
                }
                p => parts.push(p),
            }
        }
        let mut out = parts.join("/");
        if path.ends_with('/') && !out.is_empty() {
            out.push('/');
        }
        Ok(out)
    }

    /// git's `get_oid_1`: a revision without `:path`, as a base and suffix steps.
    fn resolve_rev(&mut self, spec: &str, hint: Hint) -> Result<ObjectId, RevisionError> {
        let unknown = || RevisionError::Unknown(spec.to_string());
        let (base_len, steps) = split_steps(spec).ok_or_else(unknown)?;
        let base = &spec[..base_len];
        let base_hint = match steps.first() {
            None => hint,
            Some((Step::Parent(_) | Step::Ancestor(_) | Step::Search(..), _)) => Hint::Committish,
            Some((Step::PeelTo(ObjectKind::Commit), _)) => Hint::Committish,
            Some((Step::PeelTo(ObjectKind::Tree), _)) => Hint::Treeish,
            Some(_) => Hint::Any,
        };
        let last_is_peel = steps
            .last()
            .is_some_and(|(s, _)| !matches!(s, Step::Parent(_) | Step::Ancestor(_)));
        match self.apply_steps(spec, base, base_hint, steps) {
            Err(e) if e.is_not_found() && last_is_peel && spec.ends_with('}') => {
                // git then reads the whole text as `<ref>@{<date>}` where it can.
                if spec.contains("@{") && !spec.starts_with("@{-") {
                    if let Some(at) = spec.find("@{") {
                        let name = &spec[..at];
                        let known = if name.is_empty() {
                            self.dwim_ref("HEAD")?.count > 0
                        } else {
                            self.dwim_log(name)?.0 > 0
                        };
                        if known {
                            return Err(RevisionError::Unsupported {
                                spec: spec.to_string(),
                                what: "reflog dates (@{<date>})",
                            });
                        }
                    }
                }
                Err(e)
            }
            other => other,
        }
    }

    /// Resolves `base` and applies `steps` to it.
    fn apply_steps(
        &mut self,
        spec: &str,
        base: &str,
        base_hint: Hint,
        steps: Vec<(Step, usize)>,
    ) -> Result<ObjectId, RevisionError> {
        let unknown = || RevisionError::Unknown(spec.to_string());
        // git drops "quietly" when it resolves the operand of `~<n>` and `^<n>`.
        let quiet = self.quiet;
        if steps
            .iter()
            .any(|(s, _)| matches!(s, Step::Parent(_) | Step::Ancestor(_)))
        {
            self.quiet = false;
        }
        let base_id = self.resolve_base(base, base_hint);
        self.quiet = quiet;
        let mut id = base_id?;
        for (step, end) in steps {
            let upto = &spec[..end];
            id = match step {
                Step::Parent(n) => {
                    let (commit, parents) = commit_parents(self.repo, id, upto)?;
                    if n == 0 {
                        commit
                    } else {
                        *parents.get(n as usize - 1).ok_or_else(unknown)?
                    }
                }
                Step::Ancestor(n) => {
                    let (mut commit, _) = commit_parents(self.repo, id, upto)?;
                    for _ in 0..n {
                        let (_, parents) = commit_parents(self.repo, commit, upto)?;
                        commit = *parents.first().ok_or_else(unknown)?;
                    }
                    commit
                }
                Step::PeelTo(kind) => self.peel_step(id, Some(kind), upto)?,
                Step::Exists => self.peel_step(id, None, upto)?,
                Step::DerefTags => {
                    let mut current = id;
                    let mut buf = Vec::new();
                    let mut declared = None;
                    for _ in 0..MAX_PEEL {
                        let found = read_kind(self.repo, &current, &mut buf, upto)?;
                        if !tag_kind_ok(declared.take(), found) {
                            return Err(unknown());
                        }
                        match found {
                            ObjectKind::Tag => {
                                let (object, claimed) = parse_tag(&buf, current)?;
                                current = object;
                                declared = Some(claimed);
                            }
                            _ => break,
                        }
                    }
                    current
                }
                Step::Search(from, to) => {
                    let commit = self.peel_step(id, Some(ObjectKind::Commit), upto)?;
                    if from == to {
                        commit
                    } else {
                        self.search_messages(&spec[from..to], vec![commit], upto)?
                            .ok_or_else(unknown)?
                    }
                }
            };
        }
        Ok(id)
    }

    fn peel_step(
        &mut self,
        id: ObjectId,
        kind: Option<ObjectKind>,
        upto: &str,
    ) -> Result<ObjectId, RevisionError> {
        let r = peel_to_type(self.repo, id, kind, upto);
        if let Err(e @ RevisionError::WrongType { .. }) = &r {
            self.messages.push(format!("error: {e}"));
        }
        r
    }

    /// A revision without suffixes: full hex, ref name, describe output, abbreviated hex.
    fn resolve_base(&mut self, base: &str, hint: Hint) -> Result<ObjectId, RevisionError> {
        let hash = self.repo.hash_kind();
        if base.len() == hash.hex_len() {
            if let Ok(id) = ObjectId::from_hex(base.as_bytes()) {
                if self.warn_ambiguous && !self.quiet && self.dwim_ref(base)?.count > 0 {
                    self.messages
                        .push(format!("warning: refname '{base}' is ambiguous."));
                }
                return Ok(id);
            }
        }
        if let Some(id) = self.resolve_named(base)? {
            return Ok(id);
        }
        if let Some(hex) = describe_suffix(base) {
            if let Ok(id) = self.short_id(hex, Hint::Commit, true) {
                return Ok(id);
            }
        }
        self.short_id(base, hint, self.quiet)
    }

    /// The commits `:/<text>` starts from: every ref's commit (tags peeled) and `HEAD`,
    /// in the order git 2.47 walks them (oldest commit date first).
    fn search_roots(&mut self) -> Result<Vec<ObjectId>, RevisionError> {
        let mut ids = Vec::new();
        for entry in self.refs.all()? {
            if entry.broken {
                continue;
            }
            let id = match &entry.value {
                RefValue::Direct(id) => Some(*id),
                RefValue::Symbolic(_) => match self.refs.resolve(&entry.name) {
                    Ok(id) => id,
                    Err(e) if e.is_soft() => None,
                    Err(e) => return Err(e.into()),
                },
            };
            ids.extend(id);
        }
        match self.refs.resolve("HEAD") {
            Ok(Some(id)) => ids.push(id),
            Ok(None) => {}
            Err(e) if e.is_soft() => {}
            Err(e) => return Err(e.into()),
        }
        // git prepends each ref's commit, sorts newest first (stably), then copies the
        // list by prepending again: the walk starts from the oldest.
        let mut roots = Vec::new();
        for id in ids.into_iter().rev() {
            if let Some((commit, date)) = self.commit_date(peel_tags_quietly(self.repo, id)?)? {
                roots.push((commit, date));
            }
        }
        roots.sort_by_key(|r| std::cmp::Reverse(r.1));
        Ok(roots.into_iter().rev().map(|(id, _)| id).collect())
    }

    /// The commit date of `id` if it is a readable commit.
    fn commit_date(&self, id: ObjectId) -> Result<Option<(ObjectId, i64)>, RevisionError> {
        let mut buf = Vec::new();
        match self.repo.odb().read_into(&id, &mut buf) {
            Ok(ObjectKind::Commit) => Ok(Some((id, commit_time(&buf)))),
            Ok(_) => Ok(None),
            Err(e) if e.is_missing() => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    /// git's `get_oid_oneline`: walks from `start` (most recent commit date first, parents
    /// queued by date) to the first commit whose message matches `pattern` (`!-<re>`: does
    /// not match; `!!<re>`: a pattern starting with `!`).
    fn search_messages(
        &mut self,
        pattern: &str,
        start: Vec<ObjectId>,
        spec: &str,
    ) -> Result<Option<ObjectId>, RevisionError> {
        let (negative, pattern) = match pattern.strip_prefix('!') {
            None => (false, pattern),
            Some(rest) => match rest.strip_prefix('-') {
                Some(rest) => (true, rest),
                None if rest.starts_with('!') => (false, rest),
                None => return Ok(None),
            },
        };
        let regex = match regex::Regex::new(
            &crate::bytestr::decode(pattern),
            regex::Syntax::Extended,
            false,
            false,
        ) {
            Ok(r) => r,
            Err(regex::PatternError::Invalid(_)) => return Ok(None),
            Err(regex::PatternError::Unsupported(_)) => {
                return Err(RevisionError::Unsupported {
                    spec: spec.to_string(),
                    what: "regular expressions with back-references or collating elements",
                })
            }
        };
        let mut seen: std::collections::HashSet<ObjectId> = start.iter().copied().collect();
        let mut queue: std::collections::VecDeque<(ObjectId, i64)> =
            std::collections::VecDeque::new();
        for id in start {
            let date = self.commit_date(id)?.map_or(0, |c| c.1);
            queue.push_back((id, date));
        }
        let mut buf = Vec::new();
        while let Some((id, _)) = queue.pop_front() {
            match self.repo.odb().read_into(&id, &mut buf) {
                Ok(ObjectKind::Commit) => {}
                Ok(_) => continue,
                Err(e) if e.is_missing() => continue,
                Err(e) => return Err(e.into()),
            }
            let Ok(commit) = Commit::parse(&buf) else {
                continue;
            };
            let parents = commit.parents.clone();
            let message = memchr::memmem::find(&buf, b"\n\n").map(|i| {
                let m = &buf[i + 2..];
                &m[..memchr::memchr(0, m).unwrap_or(m.len())]
            });
            let matches = negative ^ message.is_some_and(|m| regex.is_match(m));
            if matches {
                return Ok(Some(id));
            }
            for p in parents {
                if !seen.insert(p) {
                    continue;
                }
                let date = self.commit_date(p)?.map_or(0, |c| c.1);
                let at = queue
                    .iter()
                    .position(|(_, d)| *d < date)
                    .unwrap_or(queue.len());
                queue.insert(at, (p, date));
            }
        }
        Ok(None)
    }

    /// The ref part of git's `get_oid_basic`: `<ref>`, `<ref>@{<n>}`, `@{<n>}`, `@{-<n>}`.
    /// `Ok(None)` when no ref matches (the caller then tries describe output and
    /// abbreviated ids).
    fn resolve_named(&mut self, base: &str) -> Result<Option<ObjectId>, RevisionError> {
        let b = base.as_bytes();
        let mut name_len = b.len();
        let mut selector: Option<&str> = None;
        let mut nth_prior = false;
        if b.len() >= 4 && b[b.len() - 1] == b'}' {
            for at in (0..=b.len() - 4).rev() {
                if b[at] != b'@' || b[at + 1] != b'{' {
                    continue;
                }
                if b[at + 2] == b'-' {
                    if at != 0 {
                        return Ok(None);
                    }
                    nth_prior = true;
                    continue;
                }
                let mark = base[at + 2..].to_ascii_lowercase();
                if mark.starts_with("push}") {
                    return Err(RevisionError::Unsupported {
                        spec: base.to_string(),
                        what: "push forms (@{push})",
                    });
                }
                if mark.starts_with("upstream}") || mark.starts_with("u}") {
                    // Not a reflog: `dwim_ref` substitutes the upstream branch.
                    break;
                }
                selector = Some(&base[at + 2..b.len() - 1]);
                name_len = at;
                break;
            }
        }
        let name = &base[..name_len];
        if !name.is_empty() && ambiguous_path(name) {
            return Ok(None);
        }
        if nth_prior {
            if let Some(prev) = self.nth_prior_checkout(name)? {
                if prev.len() == self.repo.hash_kind().hex_len() {
                    if let Ok(id) = ObjectId::from_hex(prev.as_bytes()) {
                        return Ok(Some(id));
                    }
                }
            }
        }
        let Some(selector) = selector else {
            let found = self.dwim_ref(name)?;
            let Some(first) = found.first else {
                return Ok(None);
            };
            self.warn_if_ambiguous(name, found.count);
            return Ok(Some(first.id));
        };
        let (count, real_ref, current) = if name.is_empty() {
            let found = self.dwim_ref("HEAD")?;
            match found.first {
                Some(r) => (found.count, r.name, r.id),
                None => return Ok(None),
            }
        } else {
            match self.dwim_log(name)? {
                (count, Some((log, id))) => (count, log, id),
                (_, None) => return Ok(None),
            }
        };
        self.warn_if_ambiguous(name, count);
        let display = if !name.is_empty() {
            name.to_string()
        } else {
            real_ref
                .strip_prefix("refs/heads/")
                .unwrap_or("HEAD")
                .to_string()
        };
        self.reflog_entry(&real_ref, &display, current, selector, base)
            .map(Some)
    }

    /// `warning: refname '<name>' is ambiguous.` when several refs match, or the name is
    /// also an abbreviated id.
    fn warn_if_ambiguous(&mut self, name: &str, count: usize) {
        if self.warn_ambiguous
            && !self.quiet
            && (count > 1 || self.short_id(name, Hint::Any, true).is_ok())
        {
            self.messages
                .push(format!("warning: refname '{name}' is ambiguous."));
        }
    }

    /// git's `read_ref_at` by count: `@{0}` is the ref's current value, `@{n}` the value
    /// after the n-th most recent update, `@{<entries>}` the value before the oldest one.
    fn reflog_entry(
        &mut self,
        real_ref: &str,
        display: &str,
        current: ObjectId,
        selector: &str,
        spec: &str,
    ) -> Result<ObjectId, RevisionError> {
        // git reads nine digits or more as a timestamp, and anything else as a date.
        if selector.is_empty()
            || selector.len() > 8
            || !selector.bytes().all(|c| c.is_ascii_digit())
        {
            return Err(RevisionError::Unsupported {
                spec: spec.to_string(),
                what: "reflog dates (@{<date>})",
            });
        }
        let nth: usize = selector.parse().expect("at most 8 digits");
        let entries = self.refs.reflog(real_ref)?.unwrap_or_default();
        if entries.is_empty() {
            return if nth == 0 {
                Ok(current)
            } else {
                Err(RevisionError::ReflogEmpty(real_ref.to_string()))
            };
        }
        let count = entries.len();
        if nth < count {
            if nth == 0 {
                return Ok(current);
            }
            let newer = &entries[count - nth];
            return Ok(if newer.old.is_null() {
                current
            } else {
                entries[count - 1 - nth].new
            });
        }
        if nth == count && !entries[0].old.is_null() {
            return Ok(entries[0].old);
        }
        Err(RevisionError::ReflogTooShort {
            name: display.to_string(),
            entries: count,
        })
    }

    /// The branch checked out before the n-th most recent switch (`@{-<n>}`), from the
    /// `checkout: moving from <a> to <b>` entries of `HEAD`'s reflog.
    fn nth_prior_checkout(&mut self, spec: &str) -> Result<Option<String>, RevisionError> {
        let Some(digits) = spec.strip_prefix("@{-").and_then(|s| s.strip_suffix('}')) else {
            return Ok(None);
        };
        if digits.is_empty() || !digits.bytes().all(|c| c.is_ascii_digit()) {
            return Ok(None);
        }
        let Ok(mut remaining) = digits.parse::<usize>() else {
            return Ok(None);
        };
        if remaining == 0 {
            return Ok(None);
        }
        let entries = self.refs.reflog("HEAD")?.unwrap_or_default();
        for entry in entries.iter().rev() {
            let Some(rest) = entry.message.strip_prefix("checkout: moving from ") else {
                continue;
            };
            let Some(to) = rest.find(" to ") else {
                continue;
            };
            remaining -= 1;
            if remaining == 0 {
                return Ok(Some(rest[..to].to_string()));
            }
        }
        Ok(None)
    }

    /// git's `dwim_log`: the first ref of the lookup order that exists and has a reflog
    /// (its own, or that of the ref it points to); returns the match count, and the log's
    /// ref name with the ref's current id.
    fn dwim_log(
        &mut self,
        name: &str,
    ) -> Result<(usize, Option<(String, ObjectId)>), RevisionError> {
        let Some(name) = self.substitute_branch_name(name, false)? else {
            return Ok((0, None));
        };
        let mut count = 0;
        let mut first = None;
        for (pre, post) in REF_RULES {
            let full = format!("{pre}{name}{post}");
            if !is_valid_refname(&full, true) {
                continue;
            }
            let resolved = match self.refs.resolve_full(&full) {
                Ok(Some(r)) => r,
                Ok(None) => continue,
                Err(e) if e.is_soft() => continue,
                Err(e) => return Err(e.into()),
            };
            let log = if self.refs.reflog(&full)?.is_some() {
                full
            } else if resolved.name != full && self.refs.reflog(&resolved.name)?.is_some() {
                resolved.name
            } else {
                continue;
            };
            count += 1;
            if first.is_none() {
                first = Some((log, resolved.id));
            }
            if !self.warn_ambiguous {
                break;
            }
        }
        Ok((count, first))
    }

    /// git's `substitute_branch_name`: `@` is `HEAD`, `@{-<n>}` the n-th previously
    /// checked-out branch, `<branch>@{upstream}` its upstream (shortened). `None` when
    /// there is no answer; a missing upstream is an error unless `quiet`.
    fn substitute_branch_name(
        &mut self,
        name: &str,
        quiet: bool,
    ) -> Result<Option<String>, RevisionError> {
        if name == "@" {
            return Ok(Some("HEAD".to_string()));
        }
        let lower = name.to_ascii_lowercase();
        let mark = ["@{upstream}", "@{u}"]
            .iter()
            .find(|m| lower.ends_with(*m))
            .map(|m| m.len());
        if let Some(mark) = mark {
            let branch = &name[..name.len() - mark];
            // After `@{-<n>}` git re-reads the rest without its quiet option.
            let quiet = quiet && !branch.starts_with("@{-");
            let branch = if branch.starts_with("@{-") {
                match self.nth_prior_checkout(branch)? {
                    Some(b) => b,
                    None => return Ok(None),
                }
            } else {
                branch.to_string()
            };
            // git dies on a missing upstream, unless asked to be quiet.
            let upstream = match self.upstream_of(&branch) {
                Ok(u) => u,
                Err(RevisionError::Upstream(_)) if quiet => return Ok(None),
                Err(e) => return Err(e),
            };
            return Ok(Some(shorten_ref(&self.refs, &upstream, false)?));
        }
        if name.starts_with("@{-") {
            return self.nth_prior_checkout(name);
        }
        Ok(Some(name.to_string()))
    }

    /// The remote-tracking ref (or, for remote `.`, the local ref) that `branch` (empty or
    /// `HEAD`: the current branch) merges from: `branch.<name>.merge` mapped through the
    /// fetch refspecs of `branch.<name>.remote`.
    fn upstream_of(&mut self, branch: &str) -> Result<String, RevisionError> {
        let not_a_branch = || RevisionError::Upstream("HEAD does not point to a branch".into());
        let branch = if branch.is_empty() || branch == "HEAD" {
            match self.refs.head()? {
                crate::refs::Head::Attached { name, .. } => name
                    .strip_prefix("refs/heads/")
                    .map(str::to_string)
                    .ok_or_else(not_a_branch)?,
                crate::refs::Head::Detached(_) => return Err(not_a_branch()),
            }
        } else {
            branch.to_string()
        };
        let config = self.repo.config();
        let merge = config.get_all(&format!("branch.{branch}.merge")).next();
        let remote = config.get(&format!("branch.{branch}.remote"));
        let (Some(merge), Some(remote)) = (merge, remote) else {
            let full = format!("refs/heads/{branch}");
            let exists = is_valid_refname(&full, false) && self.refs.exists(&full)?;
            return Err(RevisionError::Upstream(if exists {
                format!("no upstream configured for branch '{branch}'")
            } else {
                format!("no such branch: '{branch}'")
            }));
        };
        if remote == "." {
            return Ok(merge.to_string());
        }
        if let Some(tracking) = crate::refs::tracking::apply_refspecs(
            config.get_all(&format!("remote.{remote}.fetch")),
            merge,
        ) {
            return Ok(tracking);
        }
        Err(RevisionError::Upstream(format!(
            "upstream branch '{merge}' not stored as a remote-tracking branch"
        )))
    }

    /// git's `get_short_oid`: the one object starting with `hex` (4 digits or more), or
    /// the one among several that fits `hint`.
    fn short_id(&mut self, hex: &str, hint: Hint, quiet: bool) -> Result<ObjectId, RevisionError> {
        let unknown = || RevisionError::Unknown(hex.to_string());
        let kind = self.repo.hash_kind();
        if hex.len() < MIN_ABBREV || hex.len() > kind.hex_len() {
            return Err(unknown());
        }
        let prefix = HexPrefix::parse(hex.as_bytes(), kind).ok_or_else(unknown)?;
        let mut found = Vec::new();
        self.repo
            .odb()
            .find_prefix(&prefix, usize::MAX / 2, &mut found)?;
        match found.len() {
            0 => return Err(unknown()),
            1 => return Ok(found[0]),
            _ => {}
        }
        // Without a hint from the context, `core.disambiguate` gives one.
        let hint = if hint == Hint::Any {
            self.default_hint
        } else {
            hint
        };
        if hint != Hint::Any {
            let mut fitting = Vec::new();
            for id in &found {
                if fits(self.repo, id, hint)? {
                    fitting.push(*id);
                }
            }
            if fitting.len() == 1 {
                return Ok(fitting[0]);
            }
        }
        if !quiet {
            self.ambiguity_messages(hex, &found)?;
        }
        Err(RevisionError::AmbiguousShortId {
            prefix: hex.to_string(),
            candidates: found,
        })
    }

    /// git's "short object ID is ambiguous" error and its list of candidates: tags first,
    /// then commits, trees and blobs.
    fn ambiguity_messages(&mut self, hex: &str, found: &[ObjectId]) -> Result<(), RevisionError> {
        self.messages
            .push(format!("error: short object ID {hex} is ambiguous"));
        let mut described = Vec::new();
        let mut buf = Vec::new();
        for id in found {
            let kind = self.repo.odb().read_into(id, &mut buf)?;
            let short = abbreviate(self.repo, id, default_abbrev_len(self.repo))?;
            let order = match kind {
                ObjectKind::Tag => 0,
                ObjectKind::Commit => 1,
                ObjectKind::Tree => 2,
                ObjectKind::Blob => 3,
            };
            let text = match kind {
                ObjectKind::Commit => match Commit::parse(&buf) {
                    Ok(c) => {
                        let date = c
                            .committer_signature()
                            .map(|s| crate::object::date::short_date(s.time))
                            .unwrap_or_default();
                        let subject = String::from_utf8_lossy(&c.subject()).into_owned();
                        format!("{short} commit {date} - {subject}")
                    }
                    Err(_) => format!("{short} commit"),
                },
                ObjectKind::Tag => match Tag::parse(&buf) {
                    Ok(t) => format!("{short} tag {}", String::from_utf8_lossy(t.name)),
                    Err(_) => format!("{short} tag"),
                },
                other => format!("{short} {other}"),
            };
            described.push((order, *id, text));
        }
        described.sort();
        self.messages.push("hint: The candidates are:".to_string());
        for (_, _, text) in described {
            self.messages.push(format!("hint:   {text}"));
        }
        Ok(())
    }
}

/// The deepest chain of tags (or tag → commit → tree) a peel follows.
const MAX_PEEL: usize = 10_000;

/// The byte offset of the first `:` outside `{...}` in `spec`.
fn top_level_colon(spec: &str) -> Option<usize> {
    let mut depth = 0usize;
    for (i, b) in spec.bytes().enumerate() {
        match b {
            b'{' => depth += 1,
            b'}' if depth > 0 => depth -= 1,
            b':' if depth == 0 => return Some(i),
            _ => {}
        }
    }
    None
}

/// Splits a revision into its base length and the suffix steps applied to it in order,
/// each with the length of the spec up to its end. `None` if a count overflows (git then
/// treats the whole revision as missing).
fn split_steps(spec: &str) -> Option<(usize, Vec<(Step, usize)>)> {
    let bytes = spec.as_bytes();
    let mut end = bytes.len();
    let mut steps = Vec::new();
    loop {
        let s = &bytes[..end];
        let mut digits = end;
        while digits > 0 && s[digits - 1].is_ascii_digit() {
            digits -= 1;
        }
        if digits > 0 && matches!(s[digits - 1], b'~' | b'^') {
            let mut n: u32 = 0;
            for &d in &s[digits..] {
                n = n.checked_mul(10)?.checked_add(u32::from(d - b'0'))?;
            }
            if digits == end {
                n = 1;
            } else if n > i32::MAX as u32 {
                return None;
            }
            let step = if s[digits - 1] == b'^' {
                Step::Parent(n)
            } else {
                Step::Ancestor(n)
            };
            steps.push((step, end));
            end = digits - 1;
            continue;
        }
        if s.len() >= 4 && s[s.len() - 1] == b'}' {
            // The last "^{" in the name starts the peel.
            let open = (1..s.len())
                .rev()
                .find(|&i| s[i] == b'{' && s[i - 1] == b'^');
            if let Some(open) = open {
                let ty = &s[open + 1..];
                let step = if ty.starts_with(b"commit}") {
                    Some(Step::PeelTo(ObjectKind::Commit))
                } else if ty.starts_with(b"tag}") {
                    Some(Step::PeelTo(ObjectKind::Tag))
                } else if ty.starts_with(b"tree}") {
                    Some(Step::PeelTo(ObjectKind::Tree))
                } else if ty.starts_with(b"blob}") {
                    Some(Step::PeelTo(ObjectKind::Blob))
                } else if ty.starts_with(b"object}") {
                    Some(Step::Exists)
                } else if ty.starts_with(b"}") {
                    Some(Step::DerefTags)
                } else if ty.starts_with(b"/") {
                    Some(Step::Search(open + 2, s.len() - 1))
                } else {
                    None
                };
                if let Some(step) = step {
                    steps.push((step, end));
                    end = open - 1;
                    continue;
                }
            }
        }
        break;
    }
    steps.reverse();
    Some((end, steps))
}

/// git's `ambiguous_path`: names starting with `/`, containing `//`, ending with `/`, or
/// made only of dots and slashes are never looked up as refs.
fn ambiguous_path(path: &str) -> bool {
    let mut slash = true;
    for b in path.bytes() {
        match b {
            b'/' if slash => return true,
            b'/' => slash = true,
            b'.' => {}
            _ => slash = false,
        }
    }
    slash
}

/// The hex part of `git describe` output (`<anything>-g<hex>`), if `name` looks like it.
fn describe_suffix(name: &str) -> Option<&str> {
    let b = name.as_bytes();
    let mut i = b.len();
    while i > 2 {
        let c = b[i - 1];
        if !c.is_ascii_hexdigit() {
            return (c == b'g' && b[i - 2] == b'-').then(|| &name[i..]);
        }
        i -= 1;
    }
    None
}

/// Reads `id` into `buf`; a missing object makes `spec` unknown.
fn read_kind(
    repo: &Repository,
    id: &ObjectId,
    buf: &mut Vec<u8>,
    spec: &str,
) -> Result<ObjectKind, RevisionError> {
    match repo.odb().read_into(id, buf) {
        Ok(k) => Ok(k),
        Err(e) if e.is_missing() => Err(RevisionError::Unknown(spec.to_string())),
        Err(e) => Err(e.into()),
    }
}

/// The object a tag points to and the kind the tag says it has.
fn parse_tag(buf: &[u8], id: ObjectId) -> Result<(ObjectId, ObjectKind), RevisionError> {
    Tag::parse(buf)
        .map(|t| (t.object, t.target_kind))
        .map_err(|source| RevisionError::Corrupt { id, source })
}

/// git's rule for tags whose `type` line lies: the tagged object is known as the kind the
/// tag declares, so when it turns out to be another kind git reports "object X is a
/// blob, not a commit" and treats the name as unknown. `declared` is the kind the tag
/// that led to `found` claimed (`None`: no tag did).
fn tag_kind_ok(declared: Option<ObjectKind>, found: ObjectKind) -> bool {
    declared.is_none_or(|d| d == found)
}

/// git's `peel_to_type`; `kind` `None` accepts any existing object.
fn peel_to_type(
    repo: &Repository,
    id: ObjectId,
    kind: Option<ObjectKind>,
    spec: &str,
) -> Result<ObjectId, RevisionError> {
    let mut current = id;
    let mut buf = Vec::new();
    let mut declared = None;
    for _ in 0..MAX_PEEL {
        let found = read_kind(repo, &current, &mut buf, spec)?;
        if !tag_kind_ok(declared.take(), found) {
            return Err(RevisionError::Unknown(spec.to_string()));
        }
        if kind.is_none_or(|k| k == found) {
            return Ok(current);
        }
        current = match found {
            ObjectKind::Tag => {
                let (object, claimed) = parse_tag(&buf, current)?;
                declared = Some(claimed);
                object
            }
            ObjectKind::Commit => {
                Commit::parse(&buf)
                    .map_err(|source| RevisionError::Corrupt {
                        id: current,
                        source,
                    })?
                    .tree
            }
            actual => {
                return Err(RevisionError::WrongType {
                    spec: spec.to_string(),
                    expected: kind.map_or("object", ObjectKind::name),
                    actual,
                })
            }
        };
    }
    Err(RevisionError::Unknown(spec.to_string()))
}

/// The parents of commit `id` (or of the commit a tag names) as git sees them: with
/// `info/grafts` and shallow commits applied.
pub fn parents(repo: &Repository, id: ObjectId) -> Result<Vec<ObjectId>, RevisionError> {
    commit_parents(repo, id, &id.to_hex()).map(|(_, parents)| parents)
}

/// The commit `id` peels to (through tags) and its parents; unknown if it is no commit.
fn commit_parents(
    repo: &Repository,
    id: ObjectId,
    spec: &str,
) -> Result<(ObjectId, Vec<ObjectId>), RevisionError> {
    let mut current = id;
    let mut buf = Vec::new();
    let mut declared = None;
    for _ in 0..MAX_PEEL {
        let found = read_kind(repo, &current, &mut buf, spec)?;
        if !tag_kind_ok(declared.take(), found) {
            break;
        }
        match found {
            ObjectKind::Tag => {
                let (object, claimed) = parse_tag(&buf, current)?;
                current = object;
                declared = Some(claimed);
            }
            ObjectKind::Commit => {
                let c = Commit::parse(&buf).map_err(|source| RevisionError::Corrupt {
                    id: current,
                    source,
                })?;
                // Grafted and shallow commits have the parents git gives them.
                let mut parents = c.parents;
                grafts::Grafts::load(repo).apply(&current, &mut parents);
                return Ok((current, parents));
            }
            _ => break,
        }
    }
    Err(RevisionError::Unknown(spec.to_string()))
}

/// Whether `id` fits a disambiguation hint. Unreadable objects do not fit.
fn fits(repo: &Repository, id: &ObjectId, hint: Hint) -> Result<bool, RevisionError> {
    let mut buf = Vec::new();
    let mut current = *id;
    let mut kind = match repo.odb().read_into(&current, &mut buf) {
        Ok(k) => k,
        Err(e) if e.is_missing() => return Ok(false),
        Err(e) => return Err(e.into()),
    };
    let peel_tags = matches!(hint, Hint::Committish | Hint::Treeish);
    let mut depth = 0;
    while peel_tags && kind == ObjectKind::Tag && depth < MAX_PEEL {
        let Ok(t) = Tag::parse(&buf) else {
            return Ok(false);
        };
        let declared = t.target_kind;
        current = t.object;
        kind = match repo.odb().read_into(&current, &mut buf) {
            Ok(k) => k,
            Err(e) if e.is_missing() => return Ok(false),
            Err(e) => return Err(e.into()),
        };
        if !tag_kind_ok(Some(declared), kind) {
            return Ok(false);
        }
        depth += 1;
    }
    Ok(match hint {
        Hint::Any => true,
        Hint::Commit | Hint::Committish => kind == ObjectKind::Commit,
        Hint::Tree => kind == ObjectKind::Tree,
        Hint::Treeish => matches!(kind, ObjectKind::Tree | ObjectKind::Commit),
        Hint::Blob => kind == ObjectKind::Blob,
    })
}

/// The committer time of a commit's raw contents (0 if missing), git's `commit->date`.
fn commit_time(data: &[u8]) -> i64 {
    Commit::parse(data)
        .ok()
        .and_then(|c| c.committer_signature())
        .map_or(0, |s| s.time)
}

/// Follows tags from `id` to the first non-tag object (missing objects end the chain).
fn peel_tags_quietly(repo: &Repository, id: ObjectId) -> Result<ObjectId, RevisionError> {
    let mut current = id;
    let mut buf = Vec::new();
    for _ in 0..MAX_PEEL {
        match repo.odb().read_into(&current, &mut buf) {
            Ok(ObjectKind::Tag) => match Tag::parse(&buf) {
                Ok(t) => current = t.object,
                Err(_) => break,
            },
            Ok(_) => break,
            Err(e) if e.is_missing() => break,
            Err(e) => return Err(e.into()),
        }
    }
    Ok(current)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_suffixes_like_git() {
        let (base, steps) = split_steps("HEAD~2^{tree}").unwrap();
        assert_eq!(base, 4);
        assert_eq!(steps.len(), 2);
        assert!(matches!(steps[0], (Step::Ancestor(2), 6)));
        assert!(matches!(steps[1], (Step::PeelTo(ObjectKind::Tree), 13)));
        let (base, steps) = split_steps("HEAD^").unwrap();
        assert_eq!(base, 4);
        assert!(matches!(steps[0], (Step::Parent(1), 5)));
        let (_, steps) = split_steps("HEAD^0").unwrap();
        assert!(matches!(steps[0], (Step::Parent(0), 6)));
        // Unknown peel types are part of the base, which then fails to resolve.
        let (base, steps) = split_steps("HEAD^{foo}").unwrap();
        assert_eq!((base, steps.len()), (10, 0));
        // git accepts trailing text after a known type.
        let (base, _) = split_steps("HEAD^{tree}}").unwrap();
        assert_eq!(base, 4);
        assert!(split_steps("HEAD~99999999999999999999").is_none());
        assert!(split_steps("HEAD~2147483648").is_none());
        assert!(split_steps("HEAD~2147483647").is_some());
        let deep = format!("HEAD{}", "^{}".repeat(100_000));
        assert_eq!(split_steps(&deep).unwrap().1.len(), 100_000);
    }

    #[test]
    fn ref_path_and_describe_rules() {
        assert!(ambiguous_path("/x"));
        assert!(ambiguous_path("a//b"));
        assert!(ambiguous_path("a/"));
        assert!(ambiguous_path("."));
        assert!(ambiguous_path("a/."));
        assert!(!ambiguous_path("a/.b"));
        assert!(!ambiguous_path("main"));
        assert_eq!(describe_suffix("v1.0-3-gabc123"), Some("abc123"));
        assert_eq!(describe_suffix("v1.0-3-abc123"), None);
        assert_eq!(describe_suffix("-gab"), None);
        assert_eq!(describe_suffix("x-gab"), Some("ab"));
        assert_eq!(top_level_colon("HEAD^{/a:b}:c"), Some(11));
        assert_eq!(top_level_colon("HEAD"), None);
    }

    #[test]
    fn short_dates() {
        assert_eq!(crate::object::date::short_date(0), "1970-01-01");
        assert_eq!(crate::object::date::short_date(1_700_000_000), "2023-11-14");
        assert_eq!(crate::object::date::short_date(951_782_400), "2000-02-29");
    }
}
