//! git's patch ids and the `--cherry-pick` / `--cherry-mark` comparison of the two sides
//! of a symmetric range (`revision.c`'s `cherry_pick_list`, `patch-ids.c`).
//!
//! A commit's patch id is git's *stable* patch id of its diff against its first parent
//! (a root commit: against the empty tree), recursive and without rename detection:
//! for each changed file a hash of its header (`diff--gita/<path>b/<path>`, the mode
//! lines, `---a/<path>+++b/<path>`) and of its patch lines without hunk headers, every
//! whitespace byte removed; binary files (by the `diff` attribute, else git's NUL
//! check) hash their two blob ids instead; the file hashes are added up. Merges have
//! none and never match.

use super::walk::WalkedCommit;
use crate::diff::line::{Options, State};
use crate::diff::patch::{walk_hunks, HunkEvent};
use crate::diff::tree::{commit_tree, TreeDiff, TreeDiffOptions};
use crate::object::ObjectKind;
use crate::oid::{Hasher, IdSet, ObjectId};
use crate::repo::Repository;

/// Why a patch id could not be computed.
#[derive(Debug, thiserror::Error)]
pub enum PatchIdError {
    /// A tree or blob could not be read, or a tree is malformed.
    #[error(transparent)]
    Diff(#[from] crate::diff::tree::DiffError),
    /// A blob could not be read.
    #[error(transparent)]
    Odb(#[from] crate::odb::OdbError),
    /// A blob is too large to diff.
    #[error(transparent)]
    Line(#[from] crate::diff::line::Error),
    /// Hashing hit a SHA-1 collision attack.
    #[error(transparent)]
    Collision(#[from] crate::oid::CollisionDetected),
    /// A `diff` attribute oxgit does not apply.
    #[error(transparent)]
    Attr(#[from] crate::diff::attr::DiffAttrError),
}

/// The path git looks the `diff` attribute up with in a patch id: its `remove_space`
/// compacts the path in place without ending it, so the kept bytes are followed by as
/// many of the original's last bytes as were removed.
fn attr_path(path: &[u8], stripped: &[u8]) -> Vec<u8> {
    let mut p = stripped.to_vec();
    p.extend_from_slice(&path[stripped.len()..]);
    p
}

/// Whether `b` is whitespace to git's `isspace` (space, tab, LF, CR).
fn is_git_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r')
}

/// `bytes` with git's whitespace removed, fed to `h` (git's `remove_space`).
fn update_stripped(h: &mut Hasher, bytes: &[u8]) {
    let kept: Vec<u8> = bytes
        .iter()
        .copied()
        .filter(|&b| !is_git_space(b))
        .collect();
    h.update(&kept);
}

/// A blob's bytes as git's diff sees them (a gitlink as `Subproject commit <id>`).
fn side_bytes(repo: &Repository, mode: u32, id: &ObjectId) -> Result<Vec<u8>, PatchIdError> {
    if mode == 0 {
        return Ok(Vec::new());
    }
    if mode == 0o160000 {
        return Ok(format!("Subproject commit {id}\n").into_bytes());
    }
    let mut buf = Vec::new();
    let kind = repo.odb().read_into(id, &mut buf)?;
    if kind != ObjectKind::Blob {
        return Err(crate::diff::tree::DiffError::WrongKind {
            id: *id,
            found: kind,
            wanted: ObjectKind::Blob,
        }
        .into());
    }
    Ok(buf)
}

/// Adds a finished file hash to the sum git's stable patch id keeps (`flush_one_hunk`):
/// the bytes as one little-endian number, with carry.
fn add_hash(sum: &mut [u8], hash: &ObjectId) {
    let mut carry: u16 = 0;
    for (s, h) in sum.iter_mut().zip(hash.as_bytes()) {
        carry += u16::from(*s) + u16::from(*h);
        *s = carry as u8;
        carry >>= 8;
    }
}

/// git's stable patch id of `commit` (see the module documentation); `None` for a merge.
/// A commit without changes has the null id, as in git.
pub fn patch_id(
    repo: &Repository,
    commit: &WalkedCommit,
    state: &mut State,
) -> Result<Option<ObjectId>, PatchIdError> {
    match changes_of(repo, commit)? {
        Some(changes) => id_of_changes(repo, &changes, state).map(Some),
        None => Ok(None),
    }
}

/// What `commit` changed against its first parent (a root commit: against the empty
/// tree), recursively, without unmodified pairs; `None` for a merge.
fn changes_of(
    repo: &Repository,
    commit: &WalkedCommit,
) -> Result<Option<Vec<crate::diff::Change>>, PatchIdError> {
    if commit.parents.len() > 1 {
        return Ok(None);
    }
    let odb = repo.odb();
    let old_tree = match commit.parents.first() {
        Some(p) => Some(commit_tree(odb, p)?),
        None => None,
    };
    let mut changes = Vec::new();
    TreeDiff::new(odb, TreeDiffOptions::default()).diff(
        old_tree.as_ref(),
        Some(&commit.tree),
        &mut |c| {
            if !c.is_unmodified() {
                changes.push(c)
            }
        },
    )?;
    Ok(Some(changes))
}

/// One file's header in a patch id: old and new path (without whitespace), modes.
type FileHeader = (Vec<u8>, Vec<u8>, u32, u32);

/// The file headers of a patch (paths and modes): equal for equal patch ids, and
/// cheap, so git compares full ids only of commits whose headers match (its
/// header-only patch ids).
fn header_key(changes: &[crate::diff::Change]) -> Vec<FileHeader> {
    let strip = |p: &[u8]| -> Vec<u8> { p.iter().copied().filter(|&b| !is_git_space(b)).collect() };
    let mut key: Vec<_> = changes
        .iter()
        .map(|c| {
            (
                strip(&c.old_path),
                strip(&c.new_path),
                c.old_mode,
                c.new_mode,
            )
        })
        .collect();
    key.sort();
    key
}

/// The stable patch id of a commit's `changes` (see [`patch_id`]).
fn id_of_changes(
    repo: &Repository,
    changes: &[crate::diff::Change],
    state: &mut State,
) -> Result<ObjectId, PatchIdError> {
    let kind = repo.hash_kind();
    let mut sum = vec![0u8; kind.null_id().as_bytes().len()];
    let options = Options {
        context: 3,
        inter_hunk_context: 0,
        indent_heuristic: false,
        ..Options::default()
    };
    for ch in changes {
        let mut h = Hasher::new(kind);
        let old_path: Vec<u8> = ch
            .old_path
            .iter()
            .copied()
            .filter(|&b| !is_git_space(b))
            .collect();
        let new_path: Vec<u8> = ch
            .new_path
            .iter()
            .copied()
            .filter(|&b| !is_git_space(b))
            .collect();
        let (om, nm) = (ch.old_mode, ch.new_mode);
        h.update(b"diff--gita/");
        h.update(&old_path);
        h.update(b"b/");
        h.update(&new_path);
        if om == 0 {
            h.update(format!("newfilemode{nm:06o}").as_bytes());
        } else if nm == 0 {
            h.update(format!("deletedfilemode{om:06o}").as_bytes());
        } else if om != nm {
            h.update(format!("oldmode{om:06o}newmode{nm:06o}").as_bytes());
        }
        let old = side_bytes(repo, om, &ch.old_id)?;
        let new = side_bytes(repo, nm, &ch.new_id)?;
        let attrs = repo.diff_attributes();
        let binary = attrs.is_binary(&attr_path(&ch.old_path, &old_path), &old)?
            || attrs.is_binary(&attr_path(&ch.new_path, &new_path), &new)?;
        if binary {
            let hex = |m: u32, id: &ObjectId| {
                if m == 0 {
                    kind.null_id().to_hex()
                } else {
                    id.to_hex()
                }
            };
            h.update(hex(om, &ch.old_id).as_bytes());
            h.update(hex(nm, &ch.new_id).as_bytes());
        } else {
            if om == 0 {
                h.update(b"---/dev/null+++b/");
                h.update(&new_path);
            } else if nm == 0 {
                h.update(b"---a/");
                h.update(&old_path);
                h.update(b"+++/dev/null");
            } else {
                h.update(b"---a/");
                h.update(&old_path);
                h.update(b"+++b/");
                h.update(&new_path);
            }
            let diff = state.diff(&old, &new, &options)?;
            walk_hunks(&diff, &|_| None, |e| {
                if let HunkEvent::Line { mark, old, new } = e {
                    let line = if mark == b'-' {
                        diff.old_line(old)
                    } else {
                        diff.new_line(new)
                    };
                    h.update(&[mark][..usize::from(mark != b' ')]);
                    update_stripped(&mut h, line);
                }
            });
        }
        add_hash(&mut sum, &h.finish()?);
    }
    Ok(ObjectId::from_bytes(&sum).unwrap_or_else(|| kind.null_id()))
}

/// git's `cherry_pick_list`: of `list` (the commits of a limited walk; `left`: those on
/// the left side), the commits whose patch id equals that of a commit on the other side
/// (git's `PATCHSAME`). Nothing when either side is empty; merges never match.
pub fn patch_same(
    repo: &Repository,
    list: &[WalkedCommit],
    left: &IdSet,
) -> Result<IdSet, PatchIdError> {
    use rayon::prelude::*;
    let lefts = list.iter().filter(|c| left.contains(&c.id)).count();
    if lefts == 0 || lefts == list.len() {
        return Ok(IdSet::default());
    }
    // Headers first (a tree diff each); full ids only where both sides have a header.
    let changes: Vec<Option<Vec<crate::diff::Change>>> = list
        .par_iter()
        .map(|c| changes_of(repo, c))
        .collect::<Result<_, _>>()?;
    let keys: Vec<Option<_>> = changes
        .iter()
        .map(|c| c.as_deref().map(header_key))
        .collect();
    let mut key_sides: std::collections::HashMap<&[FileHeader], [bool; 2]> =
        std::collections::HashMap::new();
    for (c, key) in list.iter().zip(&keys) {
        if let Some(key) = key {
            key_sides.entry(key.as_slice()).or_default()[usize::from(left.contains(&c.id))] = true;
        }
    }
    let candidates: Vec<usize> = (0..list.len())
        .filter(|&i| {
            keys[i]
                .as_ref()
                .is_some_and(|k| key_sides[k.as_slice()] == [true, true])
        })
        .collect();
    let ids: Vec<(usize, ObjectId)> = candidates
        .par_iter()
        .map_init(State::new, |state, &i| {
            let changes = changes[i].as_deref().unwrap_or_default();
            id_of_changes(repo, changes, state).map(|id| (i, id))
        })
        .collect::<Result<_, _>>()?;
    let mut sides: [std::collections::HashMap<ObjectId, Vec<ObjectId>>; 2] = Default::default();
    for (i, id) in ids {
        let c = &list[i];
        sides[usize::from(left.contains(&c.id))]
            .entry(id)
            .or_default()
            .push(c.id);
    }
    let mut same = IdSet::default();
    for (id, commits) in &sides[0] {
        if let Some(others) = sides[1].get(id) {
            same.extend(commits.iter().chain(others).copied());
        }
    }
    Ok(same)
}

/// The commits of `list` on the left side: the `starts` in it and, through the commits
/// in it, their ancestors (only first parents with `first_parent`), as git passes
/// `SYMMETRIC_LEFT` from a walked commit to its parents; parents outside `list` that
/// a left commit has are included (not their ancestors), and so are the starts.
pub fn left_side(list: &[WalkedCommit], starts: &[ObjectId], first_parent: bool) -> IdSet {
    let parents: crate::oid::IdMap<&[ObjectId]> =
        list.iter().map(|c| (c.id, &c.parents[..])).collect();
    // The starts are flagged even when excluded (a left end that is a merge base).
    let mut left: IdSet = starts.iter().copied().collect();
    let mut stack: Vec<ObjectId> = starts
        .iter()
        .copied()
        .filter(|s| parents.contains_key(s))
        .collect();
    let mut walked = IdSet::default();
    while let Some(id) = stack.pop() {
        if !walked.insert(id) {
            continue;
        }
        left.insert(id);
        let ps = parents.get(&id).copied().unwrap_or(&[]);
        let n = if first_parent {
            ps.len().min(1)
        } else {
            ps.len()
        };
        for p in &ps[..n] {
            if parents.contains_key(p) {
                stack.push(*p);
            } else {
                // A parent outside the walk (a boundary commit) is flagged, not walked.
                left.insert(*p);
            }
        }
    }
    left
}
