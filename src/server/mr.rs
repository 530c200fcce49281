//! Merge requests stored git-natively (spec §5 items 8–9).
//!
//! Merge request `<iid>` is the ref `refs/oxgit/merge-requests/<iid>`, pointing at a
//! chain of record commits. Each record's tree holds `mr.json` (the metadata) and its
//! message records the version it was made for:
//!
//! ```text
//! Merge request !1 opened: Greet the world
//!
//! base_sha 3d437350ad89ab35b7d884b8ee474139319e44a2
//! start_sha 336dce07c1dc70210c06c8064d114b575e84c598
//! head_sha 0f814920eda2baa4ac00d06601458808f3c26746
//! ```
//!
//! `refs/merge-requests/<iid>/head` (GitLab's name) is kept at the latest head, which
//! also protects the reviewed commits from `git gc`. The next iid is the highest + 1.
//! All writes go through [`crate::write`].

use crate::object::{Commit, ObjectKind, TreeIter};
use crate::oid::ObjectId;
use crate::refs::Refs;
use crate::repo::Repository;
use crate::write::{self, Expect, WriteError};
use serde::{Deserialize, Serialize};

/// The ref namespace of merge-request records.
pub const RECORD_PREFIX: &str = "refs/oxgit/merge-requests/";

/// Why a merge-request operation failed.
#[derive(Debug, thiserror::Error)]
pub enum MrError {
    /// No merge request with this iid.
    #[error("merge request !{0} does not exist")]
    NotFound(u64),
    /// A branch does not exist.
    #[error("branch '{0}' does not exist")]
    NoBranch(String),
    /// The two branches have no common history.
    #[error("'{0}' and '{1}' have no merge base")]
    NoMergeBase(String, String),
    /// A stored record is unreadable.
    #[error("merge request record {0}: {1}")]
    Corrupt(String, String),
    /// Reading the repository failed.
    #[error("{0}")]
    Read(String),
    /// Writing failed.
    #[error(transparent)]
    Write(#[from] WriteError),
    /// The request is not acceptable (empty title, same branches...).
    #[error("{0}")]
    Invalid(String),
}

/// The state of a merge request.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum State {
    /// Open for review.
    Opened,
    /// Closed without merging.
    Closed,
    /// Merged.
    Merged,
    /// Locked.
    Locked,
}

impl State {
    /// The name used in JSON and on the command line.
    pub fn name(self) -> &'static str {
        match self {
            State::Opened => "opened",
            State::Closed => "closed",
            State::Merged => "merged",
            State::Locked => "locked",
        }
    }
}

/// Who opened a merge request.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Author {
    /// Display name.
    pub name: String,
    /// Email.
    pub email: String,
    /// User name.
    pub username: String,
}

/// The metadata stored in `mr.json`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MergeRequest {
    /// Id (equal to the iid: ids are per repository).
    pub id: u64,
    /// Number within the repository (`!<iid>`).
    pub iid: u64,
    /// Title.
    pub title: String,
    /// Description.
    pub description: String,
    /// State.
    pub state: State,
    /// The branch with the changes.
    pub source_branch: String,
    /// The branch they are to be merged into.
    pub target_branch: String,
    /// Who opened it.
    pub author: Author,
    /// When it was created (ISO 8601 with milliseconds and offset).
    pub created_at: String,
    /// When it last changed.
    pub updated_at: String,
    /// When it was merged.
    pub merged_at: Option<String>,
}

/// One version: what was compared.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Version {
    /// The merge base of start and head.
    pub base_sha: ObjectId,
    /// The target branch tip.
    pub start_sha: ObjectId,
    /// The source branch tip.
    pub head_sha: ObjectId,
}

/// A point in time with the offset to show it in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Timestamp {
    /// Unix seconds.
    pub secs: i64,
    /// Offset from UTC in minutes.
    pub offset_minutes: i32,
}

impl Timestamp {
    /// Now, or the time `GIT_COMMITTER_DATE` gives in the forms `@<secs> <±hhmm>` or
    /// `<secs> <±hhmm>` (what git's own test suites use), in UTC otherwise.
    pub fn now() -> Timestamp {
        std::env::var("GIT_COMMITTER_DATE")
            .ok()
            .and_then(|v| Timestamp::parse_git(&v))
            .unwrap_or(Timestamp {
                secs: super::jwt::now(),
                offset_minutes: 0,
            })
    }

    /// Parses `@<secs> <±hhmm>`.
    pub fn parse_git(v: &str) -> Option<Timestamp> {
        let (secs, tz) = v.trim().trim_start_matches('@').split_once(' ')?;
        let secs: i64 = secs.parse().ok()?;
        let sign = match tz.as_bytes().first()? {
            b'+' => 1,
            b'-' => -1,
            _ => return None,
        };
        let n: i32 = tz[1..].parse().ok()?;
        Some(Timestamp {
            secs,
            offset_minutes: sign * (n / 100 * 60 + n % 100),
        })
    }

    /// `2025-03-05T18:00:00.000+08:00`.
    pub fn iso8601(self) -> String {
        let local = self.secs + i64::from(self.offset_minutes) * 60;
        let (y, m, d) = crate::object::date::civil_from_days(local.div_euclid(86_400));
        let rem = local.rem_euclid(86_400);
        let off = self.offset_minutes.abs();
        format!(
            "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.000{}{:02}:{:02}",
            rem / 3600,
            rem % 3600 / 60,
            rem % 60,
            if self.offset_minutes < 0 { '-' } else { '+' },
            off / 60,
            off % 60
        )
    }

    /// git's `<secs> <±hhmm>`.
    fn git(self) -> String {
        let off = self.offset_minutes.abs();
        format!(
            "{} {}{:02}{:02}",
            self.secs,
            if self.offset_minutes < 0 { '-' } else { '+' },
            off / 60,
            off % 60
        )
    }
}

/// What `create` needs.
#[derive(Clone, Debug)]
pub struct NewMergeRequest {
    /// Branch with the changes (short name).
    pub source_branch: String,
    /// Branch to merge into.
    pub target_branch: String,
    /// Title (required).
    pub title: String,
    /// Description.
    pub description: String,
    /// Author; `None`: the source tip's author.
    pub author: Option<Author>,
}

fn read_err(e: impl std::fmt::Display) -> MrError {
    MrError::Read(e.to_string())
}

fn branch_tip(repo: &Repository, branch: &str) -> Result<ObjectId, MrError> {
    let name = format!("refs/heads/{branch}");
    if !crate::refs::is_valid_refname(&name, false) {
        return Err(MrError::NoBranch(branch.to_string()));
    }
    Refs::new(repo)
        .resolve(&name)
        .map_err(read_err)?
        .ok_or_else(|| MrError::NoBranch(branch.to_string()))
}

/// The current version of `source` into `target`: tips and their merge base.
pub fn version_of(repo: &Repository, source: &str, target: &str) -> Result<Version, MrError> {
    let head = branch_tip(repo, source)?;
    let start = branch_tip(repo, target)?;
    let base = crate::revision::merge_base::merge_bases(repo, &start, &head)
        .map_err(read_err)?
        .first()
        .copied()
        .ok_or_else(|| MrError::NoMergeBase(source.to_string(), target.to_string()))?;
    Ok(Version {
        base_sha: base,
        start_sha: start,
        head_sha: head,
    })
}

fn author_of(repo: &Repository, commit: &ObjectId) -> Author {
    let mut buf = Vec::new();
    let parsed = repo
        .odb()
        .read_into(commit, &mut buf)
        .ok()
        .and_then(|_| Commit::parse(&buf).ok())
        .and_then(|c| {
            c.author_signature()
                .map(|s| (s.name.to_vec(), s.email.to_vec()))
        });
    let (name, email) = parsed.unwrap_or_default();
    let name = String::from_utf8_lossy(&name).into_owned();
    let email = String::from_utf8_lossy(&email).into_owned();
    let username = email.split('@').next().unwrap_or("").to_string();
    Author {
        name,
        email,
        username,
    }
}

/// The iids of all merge requests, ascending.
pub fn iids(repo: &Repository) -> Result<Vec<u64>, MrError> {
    let mut v: Vec<u64> = Refs::new(repo)
        .all()
        .map_err(read_err)?
        .into_iter()
        .filter_map(|r| r.name.strip_prefix(RECORD_PREFIX)?.parse().ok())
        .collect();
    v.sort_unstable();
    Ok(v)
}

fn record_ref(iid: u64) -> String {
    format!("{RECORD_PREFIX}{iid}")
}

/// Writes one record commit (tree with `mr.json`) on top of `parent`, and moves both
/// refs; the record ref must still hold `parent` (compare-and-swap).
fn write_record(
    repo: &Repository,
    mr: &MergeRequest,
    version: &Version,
    parent: Option<ObjectId>,
    action: &str,
    at: Timestamp,
) -> Result<ObjectId, MrError> {
    let json = serde_json::to_vec_pretty(mr).map_err(read_err)?;
    let blob = write::write_object(repo, ObjectKind::Blob, &[json, b"\n".to_vec()].concat())?;
    let mut tree = b"100644 mr.json\0".to_vec();
    tree.extend_from_slice(blob.as_bytes());
    let tree = write::write_object(repo, ObjectKind::Tree, &tree)?;
    let who = format!(
        "{} <{}> {}",
        mr.author.name.replace(['<', '>', '\n'], ""),
        mr.author.email.replace(['<', '>', '\n'], ""),
        at.git()
    );
    let mut commit = format!("tree {tree}\n");
    if let Some(p) = parent {
        commit.push_str(&format!("parent {p}\n"));
    }
    let title = mr.title.replace('\n', " ");
    commit.push_str(&format!(
        "author {who}\ncommitter {who}\n\nMerge request !{} {action}: {title}\n\nbase_sha {}\nstart_sha {}\nhead_sha {}\n",
        mr.iid, version.base_sha, version.start_sha, version.head_sha
    ));
    let id = write::write_object(repo, ObjectKind::Commit, commit.as_bytes())?;
    let expect = parent.map_or(Expect::Absent, Expect::Value);
    write::update_ref(repo, &record_ref(mr.iid), &id, expect)?;
    write::update_ref(
        repo,
        &format!("refs/merge-requests/{}/head", mr.iid),
        &version.head_sha,
        Expect::Any,
    )?;
    Ok(id)
}

/// Opens a merge request of `new.source_branch` into `new.target_branch`.
pub fn create(
    repo: &Repository,
    new: &NewMergeRequest,
    at: Timestamp,
) -> Result<(MergeRequest, Version), MrError> {
    if new.title.trim().is_empty() {
        return Err(MrError::Invalid("a merge request needs a title".into()));
    }
    if new.source_branch == new.target_branch {
        return Err(MrError::Invalid(
            "source and target branch are the same".into(),
        ));
    }
    let version = version_of(repo, &new.source_branch, &new.target_branch)?;
    let iid = iids(repo)?.last().copied().unwrap_or(0) + 1;
    let when = at.iso8601();
    let mr = MergeRequest {
        id: iid,
        iid,
        title: new.title.clone(),
        description: new.description.clone(),
        state: State::Opened,
        source_branch: new.source_branch.clone(),
        target_branch: new.target_branch.clone(),
        author: new
            .author
            .clone()
            .unwrap_or_else(|| author_of(repo, &version.head_sha)),
        created_at: when.clone(),
        updated_at: when,
        merged_at: None,
    };
    write_record(repo, &mr, &version, None, "opened", at)?;
    Ok((mr, version))
}

/// One stored record: the commit, its metadata and version.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Record {
    /// The record commit.
    pub commit: ObjectId,
    /// `mr.json` of that record.
    pub mr: MergeRequest,
    /// The version it recorded.
    pub version: Version,
    /// Its parent record.
    pub parent: Option<ObjectId>,
}

fn read_record(repo: &Repository, commit: ObjectId) -> Result<Record, MrError> {
    let corrupt = |m: &str| MrError::Corrupt(commit.to_hex(), m.to_string());
    let odb = repo.odb();
    let mut buf = Vec::new();
    if odb.read_into(&commit, &mut buf).map_err(read_err)? != ObjectKind::Commit {
        return Err(corrupt("not a commit"));
    }
    let c = Commit::parse(&buf).map_err(|_| corrupt("malformed commit"))?;
    let (tree, parent) = (c.tree, c.parents.first().copied());
    let sha = |key: &str| -> Result<ObjectId, MrError> {
        let msg = std::str::from_utf8(c.message).map_err(|_| corrupt("message not UTF-8"))?;
        let hex = msg
            .lines()
            .find_map(|l| l.strip_prefix(key)?.strip_prefix(' '))
            .ok_or_else(|| corrupt(&format!("no {key}")))?;
        ObjectId::from_hex(hex.trim().as_bytes()).map_err(|_| corrupt(&format!("bad {key}")))
    };
    let version = Version {
        base_sha: sha("base_sha")?,
        start_sha: sha("start_sha")?,
        head_sha: sha("head_sha")?,
    };
    let mut tbuf = Vec::new();
    odb.read_into(&tree, &mut tbuf).map_err(read_err)?;
    let blob = TreeIter::new(&tbuf, repo.hash_kind())
        .filter_map(Result::ok)
        .find(|e| e.name == b"mr.json")
        .map(|e| e.id)
        .ok_or_else(|| corrupt("no mr.json"))?;
    let mut jbuf = Vec::new();
    odb.read_into(&blob, &mut jbuf).map_err(read_err)?;
    let mr: MergeRequest =
        serde_json::from_slice(&jbuf).map_err(|e| corrupt(&format!("mr.json: {e}")))?;
    Ok(Record {
        commit,
        mr,
        version,
        parent,
    })
}

/// The latest record of merge request `iid`.
pub fn get(repo: &Repository, iid: u64) -> Result<Record, MrError> {
    let id = Refs::new(repo)
        .resolve(&record_ref(iid))
        .map_err(read_err)?
        .ok_or(MrError::NotFound(iid))?;
    read_record(repo, id)
}

/// Every record of `iid`, newest first (bounded: 10 000).
pub fn history(repo: &Repository, iid: u64) -> Result<Vec<Record>, MrError> {
    let mut out = vec![get(repo, iid)?];
    while let Some(p) = out.last().and_then(|r| r.parent) {
        if out.len() >= 10_000 {
            break;
        }
        out.push(read_record(repo, p)?);
    }
    Ok(out)
}

/// The distinct versions of `iid`, oldest first.
pub fn versions(repo: &Repository, iid: u64) -> Result<Vec<Version>, MrError> {
    let mut v: Vec<Version> = history(repo, iid)?.into_iter().map(|r| r.version).collect();
    v.reverse();
    v.dedup();
    Ok(v)
}

/// The latest record of every merge request, by iid.
pub fn list(repo: &Repository) -> Result<Vec<Record>, MrError> {
    iids(repo)?.into_iter().map(|i| get(repo, i)).collect()
}

/// For an open merge request whose branches moved, appends a record of the new version
/// (§5 item 9); closed or merged ones, or ones whose branches are gone, keep their last
/// stored version. Returns the current record.
pub fn refresh(repo: &Repository, iid: u64, at: Timestamp) -> Result<Record, MrError> {
    let rec = get(repo, iid)?;
    if rec.mr.state != State::Opened {
        return Ok(rec);
    }
    let now = match version_of(repo, &rec.mr.source_branch, &rec.mr.target_branch) {
        Ok(v) => v,
        Err(MrError::NoBranch(_) | MrError::NoMergeBase(..)) => return Ok(rec),
        Err(e) => return Err(e),
    };
    if now == rec.version {
        return Ok(rec);
    }
    let mut mr = rec.mr.clone();
    mr.updated_at = at.iso8601();
    let commit = write_record(repo, &mr, &now, Some(rec.commit), "updated", at)?;
    Ok(Record {
        commit,
        mr,
        version: now,
        parent: Some(rec.commit),
    })
}

/// Changes the title and/or description of `iid` with a new record.
pub fn edit(
    repo: &Repository,
    iid: u64,
    title: Option<String>,
    description: Option<String>,
    at: Timestamp,
) -> Result<Record, MrError> {
    let rec = get(repo, iid)?;
    let mut mr = rec.mr.clone();
    if let Some(t) = title {
        if t.trim().is_empty() {
            return Err(MrError::Invalid("a merge request needs a title".into()));
        }
        mr.title = t;
    }
    if let Some(d) = description {
        mr.description = d;
    }
    if mr == rec.mr {
        return Ok(rec);
    }
    mr.updated_at = at.iso8601();
    let commit = write_record(repo, &mr, &rec.version, Some(rec.commit), "edited", at)?;
    Ok(Record {
        commit,
        mr,
        version: rec.version,
        parent: Some(rec.commit),
    })
}

/// Sets the state of `iid` (closing, reopening, marking merged) with a new record.
pub fn set_state(
    repo: &Repository,
    iid: u64,
    state: State,
    at: Timestamp,
) -> Result<Record, MrError> {
    let rec = get(repo, iid)?;
    if rec.mr.state == state {
        return Ok(rec);
    }
    let mut mr = rec.mr.clone();
    mr.state = state;
    mr.updated_at = at.iso8601();
    if state == State::Merged {
        mr.merged_at = Some(mr.updated_at.clone());
    }
    let commit = write_record(repo, &mr, &rec.version, Some(rec.commit), state.name(), at)?;
    Ok(Record {
        commit,
        mr,
        version: rec.version,
        parent: Some(rec.commit),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps() {
        let t = Timestamp::parse_git("@1741168800 +0800").unwrap();
        assert_eq!(t.iso8601(), "2025-03-05T18:00:00.000+08:00");
        assert_eq!(t.git(), "1741168800 +0800");
        let t = Timestamp::parse_git("0 -0130").unwrap();
        assert_eq!(t.iso8601(), "1969-12-31T22:30:00.000-01:30");
        assert!(Timestamp::parse_git("yesterday").is_none());
    }
}
