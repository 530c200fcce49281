//! `git describe`: the nearest tag reachable from a commit, and how many commits lie
//! between them, by git's own search: candidates met in commit-date order (at most
//! `candidates` of them), each counting the commits it does not reach, the best being
//! the one with the fewest (then the one met first).
//!
//! ```no_run
//! use oxgit::revision::describe::{describe, DescribeOptions, Names};
//! let repo = oxgit::Repository::discover(std::path::Path::new("."))?;
//! let opts = DescribeOptions { tags: true, ..DescribeOptions::default() };
//! let names = Names::load(&repo, &opts)?;
//! let head = oxgit::revision::resolve(&repo, "HEAD")?;
//! let d = describe(&repo, &names, head, &opts)?;
//! println!("{} ({} commits since)", d.name.unwrap_or_default(), d.depth);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use super::walk::{WalkError, WalkedCommit};
use crate::object::{ObjectKind, Tag};
use crate::oid::{IdMap, ObjectId};
use crate::refs::{RefError, Refs};
use crate::repo::Repository;

/// What `describe` may name commits with and how far it searches.
#[derive(Clone, Debug)]
pub struct DescribeOptions {
    /// `--tags`: lightweight tags too.
    pub tags: bool,
    /// `--all`: any ref.
    pub all: bool,
    /// `--candidates`: how many names to consider (0: exact matches only).
    pub candidates: usize,
    /// `--first-parent`.
    pub first_parent: bool,
    /// `--match`: only names matching one of these globs.
    pub matches: Vec<String>,
    /// `--exclude`: no names matching one of these globs.
    pub excludes: Vec<String>,
}

impl Default for DescribeOptions {
    fn default() -> Self {
        DescribeOptions {
            tags: false,
            all: false,
            candidates: 10,
            first_parent: false,
            matches: Vec::new(),
            excludes: Vec::new(),
        }
    }
}

/// Why a commit could not be described.
#[derive(Debug, thiserror::Error)]
pub enum DescribeError {
    /// No ref can be used at all.
    #[error("No names found, cannot describe anything.")]
    NoNames,
    /// `--exact-match` (no candidates) and no name on the commit.
    #[error("no tag exactly matches '{0}'")]
    NoExactMatch(ObjectId),
    /// Only lightweight tags reach the commit.
    #[error(
        "No annotated tags can describe '{0}'.\nHowever, there were unannotated tags: try --tags."
    )]
    OnlyUnannotated(ObjectId),
    /// No name reaches the commit.
    #[error("No tags can describe '{0}'.\nTry --always, or create some tags.")]
    NoTags(ObjectId),
    /// An annotated tag could not be read.
    #[error("annotated tag {0} not available")]
    TagUnavailable(String),
    /// Reading refs failed.
    #[error(transparent)]
    Refs(#[from] RefError),
    /// Reading commits failed.
    #[error(transparent)]
    Walk(#[from] WalkError),
    /// Reading a tag failed.
    #[error(transparent)]
    Odb(#[from] crate::odb::OdbError),
}

/// One name a commit can be described with (git's `commit_name`).
#[derive(Clone, Debug)]
struct CommitName {
    /// The ref name as shown: without `refs/tags/`, or (with `--all`) without `refs/`.
    path: String,
    /// 2: annotated tag, 1: lightweight tag, 0: other ref.
    prio: u8,
    /// What the ref points at (the tag object for annotated tags).
    oid: ObjectId,
    /// The tag's own name, tagger date and tagged object, read when needed.
    tag: Option<TagInfo>,
}

/// The names describe can use, by the commit (or other object) they peel to.
#[derive(Debug)]
pub struct Names {
    by_commit: IdMap<CommitName>,
    all: bool,
}

/// Follows tags from `id` to the first object that is not one (git's peeling of refs);
/// an unreadable object ends the chain there.
fn peel_tags(repo: &Repository, mut id: ObjectId) -> ObjectId {
    for _ in 0..64 {
        match repo.odb().read(&id) {
            Ok(o) if o.kind == ObjectKind::Tag => match Tag::parse(&o.data) {
                Ok(t) => id = t.object,
                Err(_) => return id,
            },
            _ => return id,
        }
    }
    id
}

/// What describe reads of an annotated tag: its own name, tagger date, tagged object.
type TagInfo = (String, i64, ObjectId);

/// Reads annotated tag `id`.
fn read_tag(repo: &Repository, id: &ObjectId) -> Option<TagInfo> {
    let obj = repo.odb().read(id).ok()?;
    if obj.kind != ObjectKind::Tag {
        return None;
    }
    let t = Tag::parse(&obj.data).ok()?;
    let date = t
        .tagger
        .and_then(crate::object::Signature::parse)
        .map_or(0, |s| s.time);
    Some((String::from_utf8_lossy(t.name).into_owned(), date, t.object))
}

impl Names {
    /// The refs of `repo` that `opts` allows, as git's `get_name` collects them (in ref
    /// name order; of several names on one commit the higher priority wins, and of
    /// annotated tags the newer).
    pub fn load(repo: &Repository, opts: &DescribeOptions) -> Result<Names, DescribeError> {
        let refs = Refs::new(repo);
        let mut by_commit: IdMap<CommitName> = IdMap::default();
        let glob = |p: &String, s: &str| {
            crate::worktree::wildmatch::wildmatch(p.as_bytes(), s.as_bytes(), 0)
        };
        for r in refs.all()? {
            if r.broken {
                continue;
            }
            let Some(oid) = refs.resolve(&r.name)? else {
                continue;
            };
            let name = r.name.as_str();
            let (is_tag, to_match) = if let Some(t) = name.strip_prefix("refs/tags/") {
                (true, t)
            } else if opts.all {
                let patterns = !opts.matches.is_empty() || !opts.excludes.is_empty();
                match name
                    .strip_prefix("refs/heads/")
                    .or_else(|| name.strip_prefix("refs/remotes/"))
                {
                    Some(rest) => (false, rest),
                    None if patterns => continue,
                    None => (false, name),
                }
            } else {
                continue;
            };
            if opts.excludes.iter().any(|p| glob(p, to_match)) {
                continue;
            }
            if !opts.matches.is_empty() && !opts.matches.iter().any(|p| glob(p, to_match)) {
                continue;
            }
            let peeled = match r.peeled {
                Some(p) => p,
                None => peel_tags(repo, oid),
            };
            let annotated = peeled != oid;
            let prio = if annotated {
                2
            } else if is_tag {
                1
            } else {
                0
            };
            let path = if opts.all { &name[5..] } else { &name[10..] };
            let mut tag = None;
            if let Some(e) = by_commit.get_mut(&peeled) {
                let replace = if e.prio < prio {
                    true
                } else if e.prio == 2 && prio == 2 {
                    // Several annotated tags on one commit: the newer tagger date wins.
                    if e.tag.is_none() {
                        e.tag = read_tag(repo, &e.oid);
                    }
                    match (&e.tag, read_tag(repo, &oid)) {
                        (None, _) => true,
                        (Some(_), None) => false,
                        (Some(old), Some(new)) => {
                            let newer = old.1 < new.1;
                            tag = Some(new);
                            newer
                        }
                    }
                } else {
                    false
                };
                if !replace {
                    continue;
                }
            }
            by_commit.insert(
                peeled,
                CommitName {
                    path: path.to_string(),
                    prio,
                    oid,
                    tag,
                },
            );
        }
        Ok(Names {
            by_commit,
            all: opts.all,
        })
    }

    /// Whether there is no name at all.
    pub fn is_empty(&self) -> bool {
        self.by_commit.is_empty()
    }

    /// The name as git prints it (annotated tags by their own name) and, if the tag's
    /// own name differs from its ref's, git's warning.
    fn display(
        &self,
        repo: &Repository,
        n: &CommitName,
    ) -> Result<(String, Option<String>, Option<ObjectId>), DescribeError> {
        if n.prio < 2 {
            return Ok((n.path.clone(), None, None));
        }
        let (tag_name, _, target) = match &n.tag {
            Some(t) => t.clone(),
            None => read_tag(repo, &n.oid)
                .ok_or_else(|| DescribeError::TagUnavailable(n.path.clone()))?,
        };
        let ref_name = if self.all {
            &n.path[5.min(n.path.len())..]
        } else {
            &n.path[..]
        };
        let warning = (tag_name != ref_name)
            .then(|| format!("tag '{}' is externally known as '{tag_name}'", n.path));
        let shown = if self.all {
            format!("tags/{tag_name}")
        } else {
            tag_name
        };
        Ok((shown, warning, Some(target)))
    }
}

/// A description of one commit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Description {
    /// The name (`None`: nothing matched and the caller asked for `--always`).
    pub name: Option<String>,
    /// Commits between the name and the commit (0 for an exact match).
    pub depth: usize,
    /// The commit described.
    pub commit: ObjectId,
    /// The id the suffix abbreviates (`<name>-<depth>-g<id>`): the commit, except for an
    /// exact match of an annotated tag, where git shows what the tag points at.
    pub suffix_id: ObjectId,
    /// The name is the commit's own (no search was made).
    pub exact: bool,
    /// The name's tag calls itself differently (git then always shows the suffix).
    pub misnamed: bool,
    /// git's warnings (a tag known under another name).
    pub warnings: Vec<String>,
}

impl Description {
    /// The description as git prints it: the name, then `-<depth>-g<id>` (the
    /// abbreviation of [`Description::suffix_id`], see [`abbrev_id`]) unless it is an
    /// exact match without `long` or `abbrev` is 0; always for a tag known under another
    /// name.
    pub fn render(
        &self,
        long: bool,
        abbrev: usize,
        abbreviator: &mut crate::odb::Abbreviator<'_>,
    ) -> Result<String, crate::odb::OdbError> {
        let name = self.name.clone().unwrap_or_default();
        let suffix = self.misnamed || if self.exact { long } else { abbrev != 0 };
        if !suffix {
            return Ok(name);
        }
        let id = abbrev_id(abbreviator, &self.suffix_id, abbrev)?;
        Ok(format!("{name}-{}-g{id}", self.depth))
    }
}

/// `id` abbreviated to `abbrev` hex digits as describe shows it (0: the full id).
pub fn abbrev_id(
    abbreviator: &mut crate::odb::Abbreviator<'_>,
    id: &ObjectId,
    abbrev: usize,
) -> Result<String, crate::odb::OdbError> {
    if abbrev == 0 {
        return Ok(id.to_hex());
    }
    abbreviator.abbrev(id, Some(abbrev))
}

/// One candidate of the search (git's `possible_tag`).
struct Candidate<'n> {
    name: &'n CommitName,
    depth: usize,
    flag: u32,
    found_order: usize,
}

/// The commits of the search with their flags; date-ordered queue as git's
/// `commit_list_insert_by_date` (ties after those already queued).
struct Search<'r> {
    repo: &'r Repository,
    grafts: super::grafts::Grafts,
    commits: IdMap<(Vec<ObjectId>, i64, u32)>,
    queue: std::collections::VecDeque<ObjectId>,
}

/// The flag every commit reached has (git's `SEEN`).
const SEEN: u32 = 1;

impl Search<'_> {
    fn load(&mut self, id: ObjectId) -> Result<(), DescribeError> {
        if !self.commits.contains_key(&id) {
            let c = WalkedCommit::read(self.repo, id)?;
            let mut parents = c.parents;
            self.grafts.apply(&id, &mut parents);
            self.commits.insert(id, (parents, c.commit_time, 0));
        }
        Ok(())
    }

    fn insert_by_date(&mut self, id: ObjectId) {
        let date = self.commits[&id].1;
        let at = self
            .queue
            .iter()
            .position(|q| self.commits[q].1 < date)
            .unwrap_or(self.queue.len());
        self.queue.insert(at, id);
    }

    /// Queues the parents of `id` not yet seen and passes its flags to all of them.
    fn follow(&mut self, id: ObjectId, first_parent: bool) -> Result<(), DescribeError> {
        let (parents, _, flags) = self.commits[&id].clone();
        for p in parents {
            self.load(p)?;
            if self.commits[&p].2 & SEEN == 0 {
                self.insert_by_date(p);
            }
            self.commits.get_mut(&p).expect("loaded").2 |= flags;
            if first_parent {
                break;
            }
        }
        Ok(())
    }
}

/// Describes `commit` with `names`, as `git describe` does.
pub fn describe(
    repo: &Repository,
    names: &Names,
    commit: ObjectId,
    opts: &DescribeOptions,
) -> Result<Description, DescribeError> {
    let mut out = Description {
        name: None,
        depth: 0,
        commit,
        suffix_id: commit,
        exact: false,
        misnamed: false,
        warnings: Vec::new(),
    };
    if let Some(n) = names.by_commit.get(&commit) {
        if opts.tags || opts.all || n.prio == 2 {
            let (shown, warning, target) = names.display(repo, n)?;
            out.suffix_id = target.unwrap_or(commit);
            out.misnamed = warning.is_some();
            out.warnings.extend(warning);
            out.name = Some(shown);
            out.exact = true;
            return Ok(out);
        }
    }
    if opts.candidates == 0 {
        return Err(DescribeError::NoExactMatch(commit));
    }
    let mut s = Search {
        repo,
        grafts: super::grafts::Grafts::load(repo),
        commits: IdMap::default(),
        queue: Default::default(),
    };
    s.load(commit)?;
    s.commits.get_mut(&commit).expect("loaded").2 = SEEN;
    s.queue.push_back(commit);
    let mut matches: Vec<Candidate<'_>> = Vec::new();
    let (mut seen_commits, mut annotated, mut unannotated) = (0usize, 0usize, 0usize);
    let mut gave_up_on = None;
    while let Some(c) = s.queue.pop_front() {
        seen_commits += 1;
        if matches.len() == opts.candidates || matches.len() == names.by_commit.len() {
            gave_up_on = Some(c);
            break;
        }
        if let Some(n) = names.by_commit.get(&c) {
            if !opts.tags && !opts.all && n.prio < 2 {
                unannotated += 1;
            } else if matches.len() < opts.candidates {
                let flag = 1u32 << (matches.len() + 1);
                matches.push(Candidate {
                    name: n,
                    depth: seen_commits - 1,
                    flag,
                    found_order: matches.len() + 1,
                });
                s.commits.get_mut(&c).expect("loaded").2 |= flag;
                if n.prio == 2 {
                    annotated += 1;
                }
            }
        }
        let flags = s.commits[&c].2;
        for m in matches.iter_mut() {
            if flags & m.flag == 0 {
                m.depth += 1;
            }
        }
        // Stop when the last path is covered by the best candidates.
        if annotated > 0 && s.queue.is_empty() {
            let mut best_depth = usize::MAX;
            let mut best_within = 0u32;
            for m in &matches {
                if m.depth < best_depth {
                    best_depth = m.depth;
                    best_within = m.flag;
                } else if m.depth == best_depth {
                    best_within |= m.flag;
                }
            }
            if flags & best_within == best_within {
                break;
            }
        }
        s.follow(c, opts.first_parent)?;
    }
    if matches.is_empty() {
        if unannotated > 0 {
            return Err(DescribeError::OnlyUnannotated(commit));
        }
        return Err(DescribeError::NoTags(commit));
    }
    matches.sort_by_key(|m| (m.depth, m.found_order));
    if let Some(c) = gave_up_on {
        s.insert_by_date(c);
    }
    // git's `finish_depth_computation`: count the commits the best does not reach.
    let best_flag = matches[0].flag;
    let mut depth = matches[0].depth;
    while let Some(c) = s.queue.pop_front() {
        let flags = s.commits[&c].2;
        if flags & best_flag != 0 {
            if s.queue.iter().all(|q| s.commits[q].2 & best_flag != 0) {
                break;
            }
        } else {
            depth += 1;
        }
        s.follow(c, false)?;
    }
    let (shown, warning, _) = names.display(repo, matches[0].name)?;
    out.misnamed = warning.is_some();
    out.warnings.extend(warning);
    out.name = Some(shown);
    out.depth = depth;
    Ok(out)
}
