//! History walks in git's default order: newest commit date first, ties in the order
//! commits were reached, each commit shown once.

use crate::object::{Commit, ObjectKind};
use crate::odb::OdbError;
use crate::oid::ObjectId;
use crate::repo::Repository;
use std::cmp::Ordering;
use std::collections::{BinaryHeap, HashSet};

/// Why a walk stopped.
#[derive(Debug, thiserror::Error)]
pub enum WalkError {
    /// An object could not be read.
    #[error(transparent)]
    Odb(#[from] OdbError),
    /// A commit could not be parsed, or a start point is not a commit.
    #[error("object {id} is not a valid commit: {what}")]
    BadCommit {
        /// The object.
        id: ObjectId,
        /// What is wrong.
        what: String,
    },
}

/// What to walk and what to show.
#[derive(Clone, Debug, Default)]
pub struct WalkOptions {
    /// Follow only the first parent of merges (`--first-parent`).
    pub first_parent: bool,
    /// Skip commits with more than one parent (`--no-merges`); they are still walked.
    pub no_merges: bool,
    /// Stop after this many shown commits (`-n`).
    pub max_count: Option<usize>,
}

/// A commit reached by the walk, with the fields the walk needed already parsed.
#[derive(Clone, Debug)]
pub struct WalkedCommit {
    /// The commit's id.
    pub id: ObjectId,
    /// Its parents, in order.
    pub parents: Vec<ObjectId>,
    /// Its root tree.
    pub tree: ObjectId,
    /// The committer time (seconds since the epoch), the walk's sort key.
    pub commit_time: i64,
    /// The raw commit object.
    pub data: Vec<u8>,
}

impl WalkedCommit {
    /// Reads and parses commit `id`.
    pub fn read(repo: &Repository, id: ObjectId) -> Result<WalkedCommit, WalkError> {
        let obj = repo.odb().read(&id)?;
        if obj.kind != ObjectKind::Commit {
            return Err(WalkError::BadCommit {
                id,
                what: format!("it is a {}", obj.kind),
            });
        }
        let c = Commit::parse(&obj.data).map_err(|e| WalkError::BadCommit {
            id,
            what: e.to_string(),
        })?;
        let commit_time = c.committer_signature().map_or(0, |s| s.time);
        Ok(WalkedCommit {
            id,
            parents: c.parents.clone(),
            tree: c.tree,
            commit_time,
            data: obj.data.clone(),
        })
    }

    /// The parsed commit (borrowing this commit's bytes).
    pub fn parsed(&self) -> Commit<'_> {
        Commit::parse(&self.data).expect("parsed once already")
    }
}

/// The commits listed in the repository's `shallow` file: git treats them as having no
/// parents (their history was not fetched). Empty when the file is absent or unreadable;
/// lines that are not object ids are skipped.
pub fn shallow_commits(repo: &Repository) -> HashSet<ObjectId> {
    let Ok(text) = std::fs::read(repo.common_dir().join("shallow")) else {
        return HashSet::new();
    };
    text.split(|&b| b == b'\n')
        .filter_map(|line| ObjectId::from_hex(line).ok())
        .filter(|id| id.kind() == repo.hash_kind())
        .collect()
}

/// A queue entry: newest first, then first inserted first.
struct Queued {
    time: i64,
    seq: u64,
    commit: WalkedCommit,
}

impl PartialEq for Queued {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl Eq for Queued {}
impl PartialOrd for Queued {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Queued {
    fn cmp(&self, other: &Self) -> Ordering {
        self.time
            .cmp(&other.time)
            .then_with(|| other.seq.cmp(&self.seq))
    }
}

/// Walks history from `starts` in git log's default order, calling `visit` for each shown
/// commit until it returns `false` or `max_count` commits were shown.
pub fn walk(
    repo: &Repository,
    starts: &[ObjectId],
    options: &WalkOptions,
    mut visit: impl FnMut(WalkedCommit) -> Result<bool, WalkError>,
) -> Result<(), WalkError> {
    let mut seen = HashSet::new();
    let mut queue = BinaryHeap::new();
    let mut seq = 0u64;
    // Shallow commits are walked as root commits, as git grafts them.
    let shallow = shallow_commits(repo);
    let read = |id: ObjectId| -> Result<WalkedCommit, WalkError> {
        let mut c = WalkedCommit::read(repo, id)?;
        if shallow.contains(&id) {
            c.parents.clear();
        }
        Ok(c)
    };
    for &id in starts {
        if seen.insert(id) {
            let commit = read(id)?;
            queue.push(Queued {
                time: commit.commit_time,
                seq,
                commit,
            });
            seq += 1;
        }
    }
    let mut shown = 0usize;
    while let Some(Queued { commit, .. }) = queue.pop() {
        if options.max_count.is_some_and(|n| shown >= n) {
            break;
        }
        let parents: &[ObjectId] = if options.first_parent {
            &commit.parents[..commit.parents.len().min(1)]
        } else {
            &commit.parents
        };
        for &p in parents {
            if seen.insert(p) {
                let pc = read(p)?;
                queue.push(Queued {
                    time: pc.commit_time,
                    seq,
                    commit: pc,
                });
                seq += 1;
            }
        }
        if options.no_merges && commit.parents.len() > 1 {
            continue;
        }
        shown += 1;
        if !visit(commit)? {
            break;
        }
    }
    Ok(())
}
