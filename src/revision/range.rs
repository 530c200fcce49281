//! Revision ranges as `log`, `rev-list` and `show` take them: `A`, `^A`, `A..B`, `A...B`
//! and `--not`, turned into the ordered start points of a history walk.

use super::walk::Tip;
use super::RevisionError;
use crate::oid::ObjectId;
use crate::repo::Repository;
use crate::revision::merge_base::CommitWalker;

/// Why revision arguments could not be turned into walk starts.
#[derive(Debug, thiserror::Error)]
pub enum RangeError {
    /// A revision did not resolve.
    #[error(transparent)]
    Revision(#[from] RevisionError),
    /// A revision is not a commit (nor a tag of one), or the merge base failed.
    #[error(transparent)]
    MergeBase(#[from] crate::revision::merge_base::MergeBaseError),
    /// `A...B` where an end is not a commit.
    #[error("Invalid symmetric difference expression {0}")]
    InvalidSymmetric(String),
    /// An excluded revision (`^A`) that does not resolve.
    #[error("bad revision '{0}'")]
    BadRevision(String),
    /// The refs of `--all`/`--branches`/... could not be listed.
    #[error(transparent)]
    Refs(#[from] crate::refs::RefError),
    /// A tag or the object it names could not be read.
    #[error(transparent)]
    Odb(#[from] crate::odb::OdbError),
    /// A tag could not be parsed.
    #[error("object {0} is a corrupt tag")]
    BadTag(ObjectId),
}

/// A start that is not a commit, kept for `rev-list --objects`: an annotated tag (named
/// by its `tag` header, as git names it), or the tree or blob a revision or tag names
/// (with the path of a `rev:path` revision, else empty).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PendingObject {
    /// The object.
    pub id: ObjectId,
    /// Its kind (tag, tree or blob).
    pub kind: crate::object::ObjectKind,
    /// The name git lists it with.
    pub name: Vec<u8>,
    /// Whether it was excluded (`^A`, `--not`).
    pub exclude: bool,
}

/// The parsed arguments: walk starts in git's pending order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Revisions {
    /// Every start, included or excluded, in the order git adds them.
    pub tips: Vec<Tip>,
    /// Tags, trees and blobs the arguments named (in git's pending order).
    pub objects: Vec<PendingObject>,
    /// The name each tip was given with (parallel to [`Revisions::tips`]): what git's
    /// `--source` and `%S` show, the revision as typed, an end of a range, or a listed
    /// ref's name (short for `--branches`, `--tags` and `--remotes`).
    pub names: Vec<String>,
    /// The left ends of symmetric ranges (`A` of `A...B`): git's `SYMMETRIC_LEFT`
    /// starts, for `--left-right`, `--left-only`, `--cherry-pick`.
    pub left: Vec<ObjectId>,
    /// `--no-walk`: show the included commits themselves, without their history (git
    /// turns it off again at each excluded revision given after it).
    pub no_walk: Option<NoWalk>,
}

/// How `--no-walk` orders the commits given.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NoWalk {
    /// `--no-walk`, `--no-walk=sorted`: newest commit date first (ties as given).
    Sorted,
    /// `--no-walk=unsorted`: as given.
    Unsorted,
}

impl Revisions {
    /// The tips a walk starts from: all of them, or with `--no-walk` only the included
    /// ones (nothing excluded is walked).
    pub fn walk_tips(&self) -> Vec<Tip> {
        if self.no_walk.is_some() {
            self.tips.iter().filter(|t| !t.exclude).copied().collect()
        } else {
            self.tips.clone()
        }
    }

    /// Whether no commit is included (git then defaults to `HEAD` only when no revision
    /// was given at all).
    pub fn is_empty(&self) -> bool {
        self.tips.is_empty()
    }

    /// The included commits.
    pub fn included(&self) -> impl Iterator<Item = ObjectId> + '_ {
        self.tips.iter().filter(|t| !t.exclude).map(|t| t.id)
    }

    /// The excluded commits.
    pub fn excluded(&self) -> impl Iterator<Item = ObjectId> + '_ {
        self.tips.iter().filter(|t| t.exclude).map(|t| t.id)
    }
}

/// Whether `arg` looks like a revision-range argument (`^A`, `A..B`, `A...B`).
pub fn is_range_syntax(arg: &str) -> bool {
    arg.starts_with('^') || arg.contains("..")
}

/// Parses revision arguments as git's `setup_revisions` does (with `--no-walk[=<how>]`
/// and `--do-walk`, which git's no-walk state depends on the position of): `A` (included), `^A`
/// (excluded), `A..B` (`^A B`), `A...B` (`A B` minus their merge bases), an empty end of
/// a range meaning `HEAD`, `--not`, which flips the sense of every later argument, and
/// the ref listings `--all` (every ref, then `HEAD`), `--branches[=<glob>]`,
/// `--tags[=<glob>]`, `--remotes[=<glob>]` and `--glob=<glob>`. Every revision is peeled
/// to a commit; tags, trees and blobs met on the way are kept in
/// [`Revisions::objects`]. `--exclude=<glob>` leaves refs whose name (as the next
/// listing names them) matches out of the next listing, as git does.
pub fn parse_revisions<S: AsRef<str>>(
    repo: &Repository,
    args: &[S],
) -> Result<Revisions, RangeError> {
    let mut out = Revisions::default();
    let mut not = false;
    let bases_of = |a: ObjectId, b: ObjectId| -> Result<Vec<ObjectId>, RangeError> {
        let mut w = CommitWalker::new(repo);
        Ok(w.merge_bases(&a, &[b])?)
    };
    let mut excludes: Vec<String> = Vec::new();
    for arg in args {
        let arg = arg.as_ref();
        if arg == "--not" {
            not = !not;
            continue;
        }
        match arg {
            "--no-walk" | "--no-walk=sorted" => {
                out.no_walk = Some(NoWalk::Sorted);
                continue;
            }
            "--no-walk=unsorted" => {
                out.no_walk = Some(NoWalk::Unsorted);
                continue;
            }
            "--do-walk" => {
                out.no_walk = None;
                continue;
            }
            _ => {}
        }
        if let Some(pattern) = arg.strip_prefix("--exclude=") {
            excludes.push(pattern.to_string());
            continue;
        }
        if let Some(listed) = list_refs(repo, arg, &excludes)? {
            for (name, id) in listed {
                out.add(repo, id, &[], not, &name)?;
            }
            excludes.clear();
            continue;
        }
        // `A^@` (A's parents), `A^!` (A without its parents), `A^-<n>` (A without its
        // n-th parent, default the first): git's `add_parents_only`; where A is no
        // commit, the whole argument is resolved as a revision instead.
        if let Some(base) = arg.strip_suffix("^@") {
            if out.parents_only(repo, base, not, None)? {
                continue;
            }
        } else if let Some(base) = arg.strip_suffix("^!") {
            if out.parents_only(repo, base, !not, None)? {
                let id = super::resolve(repo, base)?;
                out.add(repo, id, &[], not, base)?;
                continue;
            }
        } else if let Some((base, n)) = arg.rsplit_once("^-") {
            let n = if n.is_empty() {
                Some(1)
            } else {
                n.parse::<usize>().ok()
            };
            if let Some(n) = n.filter(|&n| n >= 1) {
                if out.parents_only(repo, base, !not, Some(n))? {
                    let id = super::resolve(repo, base)?;
                    out.add(repo, id, &[], not, base)?;
                    continue;
                }
            }
        }
        // git names the whole range when an end does not resolve.
        let whole = |e: RangeError| match e {
            RangeError::Revision(RevisionError::Unknown(_)) => {
                RangeError::Revision(RevisionError::Unknown(arg.to_string()))
            }
            e => e,
        };
        if let Some((a, b)) = arg.split_once("...") {
            let (ai, bi) = (
                out.commit(repo, a).map_err(whole)?,
                out.commit(repo, b).map_err(whole)?,
            );
            let (Some(x), Some(y)) = (ai, bi) else {
                return Err(RangeError::InvalidSymmetric(arg.to_string()));
            };
            for base in bases_of(x, y)? {
                out.push(Some(base), !not, &base.to_hex());
            }
            out.push(ai, not, name_of(a));
            out.push(bi, not, name_of(b));
            out.left.push(x);
        } else if let Some((a, b)) = arg.split_once("..") {
            let (ai, bi) = (
                out.commit(repo, a).map_err(whole)?,
                out.commit(repo, b).map_err(whole)?,
            );
            out.push(ai, !not, name_of(a));
            out.push(bi, not, name_of(b));
        } else if let Some(a) = arg.strip_prefix('^') {
            let id =
                super::resolve(repo, if a.is_empty() { "HEAD" } else { a }).map_err(
                    |e| match e {
                        RevisionError::Unknown(_) => RangeError::BadRevision(arg.to_string()),
                        e => e.into(),
                    },
                )?;
            out.add(repo, id, path_of(a), !not, a)?;
        } else {
            let id = super::resolve(repo, arg)?;
            out.add(repo, id, path_of(arg), not, arg)?;
        }
    }
    Ok(out)
}

/// The refs a ref listing (`--all`, `--branches[=<glob>]`, `--tags`, `--remotes`,
/// `--glob=`) names, in git's order, as `(name, id)`: `--all` adds `HEAD` last; refs of
/// `--branches`, `--tags` and `--remotes` are named without their prefix, and those
/// whose name matches one of `excludes` (`--exclude=<glob>`) are left out. `None`:
/// `arg` is no listing.
pub fn list_refs(
    repo: &Repository,
    arg: &str,
    excludes: &[String],
) -> Result<Option<Vec<(String, ObjectId)>>, RangeError> {
    let Some((pattern, prefix)) = crate::refs::list::ref_listing(arg) else {
        return Ok(None);
    };
    let refs = crate::refs::Refs::new(repo);
    let mut listed = refs.listed()?;
    if arg == "--all" {
        listed.extend(refs.listed_head()?);
    }
    let mut out = Vec::new();
    for r in listed {
        if r.broken
            || (r.name != "HEAD" && !r.name.starts_with(prefix))
            || pattern
                .as_deref()
                .is_some_and(|p| !crate::diff::wildmatch(p.as_bytes(), r.name.as_bytes()))
        {
            continue;
        }
        // git names (and excludes) refs of `--branches`, `--tags` and `--remotes`
        // without their prefix.
        let name = r.name.strip_prefix(prefix).unwrap_or(&r.name);
        if excludes
            .iter()
            .any(|x| crate::diff::wildmatch(x.as_bytes(), name.as_bytes()))
        {
            continue;
        }
        out.push((name.to_string(), r.id));
    }
    Ok(Some(out))
}

/// The name git gives an end of a range (`HEAD` for an empty one).
fn name_of(end: &str) -> &str {
    if end.is_empty() {
        "HEAD"
    } else {
        end
    }
}

/// The path of a `rev:path` revision (git lists the tree or blob it names with it).
fn path_of(spec: &str) -> &[u8] {
    match spec.split_once(':') {
        Some((rev, path)) if !rev.is_empty() && !rev.starts_with('/') => path.as_bytes(),
        _ => &[],
    }
}

impl Revisions {
    fn push(&mut self, id: Option<ObjectId>, exclude: bool, name: &str) {
        if let Some(id) = id {
            self.tips.push(Tip { id, exclude });
            self.names.push(name.to_string());
            if exclude {
                self.no_walk = None;
            }
        }
    }

    /// git's `add_parents_only`: the parents of the commit `spec` names (only the
    /// `nth`, when given) as starts, excluded if `exclude` (flipped by a leading `^`),
    /// named `spec`. Returns `false` (adding nothing) when `spec` names no commit or it
    /// has no `nth` parent.
    fn parents_only(
        &mut self,
        repo: &Repository,
        spec: &str,
        exclude: bool,
        nth: Option<usize>,
    ) -> Result<bool, RangeError> {
        let (exclude, name) = match spec.strip_prefix('^') {
            Some(rest) => (!exclude, rest),
            None => (exclude, spec),
        };
        let Ok(id) = super::resolve(repo, name) else {
            return Ok(false);
        };
        let mut w = CommitWalker::new(repo);
        let Ok(commit) = w.peel_to_commit(&id) else {
            return Ok(false);
        };
        let Ok(c) = crate::revision::walk::WalkedCommit::read(repo, commit) else {
            return Ok(false);
        };
        let parents = c.parents;
        if nth.is_some_and(|n| n > parents.len()) {
            return Ok(false);
        }
        for (i, p) in parents.into_iter().enumerate() {
            if nth.is_none_or(|n| n == i + 1) {
                self.push(Some(p), exclude, spec);
            }
        }
        Ok(true)
    }

    /// The commit an end of a range names (`None`: not a commit), keeping what is not.
    fn commit(&mut self, repo: &Repository, spec: &str) -> Result<Option<ObjectId>, RangeError> {
        let spec = if spec.is_empty() { "HEAD" } else { spec };
        let id = super::resolve(repo, spec)?;
        let mut w = CommitWalker::new(repo);
        match w.peel_to_commit(&id) {
            Ok(c) => Ok(Some(c)),
            Err(crate::revision::merge_base::MergeBaseError::NotACommit(_)) => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    /// Adds object `id` as git's `handle_commit` does: tags are peeled (each included
    /// one kept, named by its `tag` header), a commit becomes a tip, a tree or blob is
    /// kept with `path`.
    fn add(
        &mut self,
        repo: &Repository,
        id: ObjectId,
        path: &[u8],
        exclude: bool,
        name: &str,
    ) -> Result<(), RangeError> {
        use crate::object::ObjectKind;
        let mut id = id;
        // The kind the tag that led here claims (git refuses a tag whose `type` lies).
        let mut declared = None;
        let mut buf = Vec::new();
        // A commit the commit-graph has needs no read.
        let graph = crate::revision::walk::usable_commit_graph(repo);
        for _ in 0..64 {
            if declared.is_none() && graph.is_some_and(|g| g.lookup(&id).is_some()) {
                self.push(Some(id), exclude, name);
                return Ok(());
            }
            let kind = repo.odb().read_into(&id, &mut buf)?;
            if declared.take().is_some_and(|d| d != kind) {
                return Err(
                    crate::revision::merge_base::MergeBaseError::TagTypeMismatch(id).into(),
                );
            }
            match kind {
                ObjectKind::Commit => {
                    self.push(Some(id), exclude, name);
                    return Ok(());
                }
                ObjectKind::Tag => {
                    let t = crate::object::Tag::parse(&buf).map_err(|_| RangeError::BadTag(id))?;
                    let next = t.object;
                    declared = Some(t.target_kind);
                    if !exclude {
                        self.objects.push(PendingObject {
                            id,
                            kind,
                            name: t.name.to_vec(),
                            exclude,
                        });
                    }
                    id = next;
                }
                _ => {
                    if exclude {
                        self.no_walk = None;
                    }
                    self.objects.push(PendingObject {
                        id,
                        kind,
                        name: path.to_vec(),
                        exclude,
                    });
                    return Ok(());
                }
            }
        }
        Err(RangeError::BadTag(id))
    }
}
