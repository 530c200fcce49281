//! The change list of one commit as Azure DevOps computes it (§2.2 of the spec): a
//! depth-first walk of the parent's and the commit's trees that lists folders too
//! (a folder before its children), exact renames (any object type), then similarity
//! renames of blobs scored with the project's chunk hashing ([`crate::diff::rename::Spans`])
//! with Azure's strict "> 50 %" cut-off, then folder renames; rename pairs replace the
//! add and the delete in place. Merge commits are compared with their first parent and
//! the list is sorted by path (ordinal, UTF-16).
//!
//! This walk differs from git's tree diff (which never lists folders and skips nothing
//! for mode-only changes), so it is its own small walker over [`TreeIter`].

use crate::diff::rename::Spans;
use crate::diff::MAX_SCORE;
use crate::object::{Commit, EntryMode, ObjectKind, TreeEntry, TreePairs};
use crate::odb::{Odb, OdbError};
use crate::oid::ObjectId;
use std::cmp::Ordering;
use std::collections::HashMap;

/// Azure's `VersionControlChangeType` flags used by this endpoint.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ChangeType(pub u32);

impl ChangeType {
    /// `add`
    pub const ADD: ChangeType = ChangeType(1);
    /// `edit`
    pub const EDIT: ChangeType = ChangeType(2);
    /// `rename`
    pub const RENAME: ChangeType = ChangeType(8);
    /// `delete`
    pub const DELETE: ChangeType = ChangeType(16);
    /// `sourceRename`
    pub const SOURCE_RENAME: ChangeType = ChangeType(1024);

    const NAMES: [(u32, &'static str); 5] = [
        (1, "add"),
        (2, "edit"),
        (8, "rename"),
        (16, "delete"),
        (1024, "sourceRename"),
    ];

    /// Whether every flag of `other` is set.
    pub fn contains(self, other: ChangeType) -> bool {
        self.0 & other.0 == other.0
    }

    /// The JSON form: camelCase flag names in ascending value, joined by `", "`.
    pub fn camel(self) -> String {
        let names: Vec<&str> = Self::NAMES
            .iter()
            .filter(|(v, _)| self.0 & v != 0)
            .map(|(_, n)| *n)
            .collect();
        names.join(", ")
    }

    /// The `changeCounts` key: .NET's `Enum.ToString()`, PascalCase.
    pub fn pascal(self) -> String {
        let names: Vec<String> = Self::NAMES
            .iter()
            .filter(|(v, _)| self.0 & v != 0)
            .map(|(_, n)| {
                let mut s = n.to_string();
                s[..1].make_ascii_uppercase();
                s
            })
            .collect();
        names.join(", ")
    }
}

impl std::ops::BitOr for ChangeType {
    type Output = ChangeType;
    fn bitor(self, o: ChangeType) -> ChangeType {
        ChangeType(self.0 | o.0)
    }
}

/// The `gitObjectType` of an entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GitObjectType {
    /// A file or symlink.
    Blob,
    /// A folder.
    Tree,
    /// A submodule.
    Commit,
}

impl GitObjectType {
    fn of(mode: EntryMode) -> GitObjectType {
        match mode {
            EntryMode::Tree => GitObjectType::Tree,
            EntryMode::Commit => GitObjectType::Commit,
            _ => GitObjectType::Blob,
        }
    }

    /// The JSON name.
    pub fn name(self) -> &'static str {
        match self {
            GitObjectType::Blob => "blob",
            GitObjectType::Tree => "tree",
            GitObjectType::Commit => "commit",
        }
    }
}

/// One entry of the change list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AzureChange {
    /// Repository-relative path, without the leading `/`.
    pub path: Vec<u8>,
    /// The entry's type (the new side's, or the old side's for a delete).
    pub object_type: GitObjectType,
    /// The new object id (`None` for deletes).
    pub new_id: Option<ObjectId>,
    /// The old object id (`None` for adds).
    pub old_id: Option<ObjectId>,
    /// What happened.
    pub change: ChangeType,
    /// For the new half of a rename: the old path.
    pub source: Option<Vec<u8>>,
}

/// Limits of rename detection.
#[derive(Clone, Debug)]
pub struct Options {
    /// Similarity detection runs only if deletes + adds left after the exact pass are at
    /// most this many (Azure: 1000).
    pub max_rename_candidates: usize,
    /// Blobs larger than this are not scored (Azure's `MaxRenameDetectionFileSize`;
    /// its value is not public, oxgit uses 1 MiB).
    pub max_rename_file_size: u64,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            max_rename_candidates: 1000,
            max_rename_file_size: 1 << 20,
        }
    }
}

/// Why the change list could not be computed.
#[derive(Debug, thiserror::Error)]
pub enum ChangesError {
    /// No object with this id.
    #[error("commit {0} does not exist")]
    NotFound(ObjectId),
    /// The object is not a commit.
    #[error("{0} is not a commit")]
    NotACommit(ObjectId),
    /// An object could not be read.
    #[error(transparent)]
    Odb(#[from] OdbError),
    /// An object is malformed.
    #[error("object {0} is malformed")]
    Corrupt(ObjectId),
    /// Trees nest deeper than git allows.
    #[error("trees nest too deeply")]
    TooDeep,
}

/// Trees nested deeper than this are refused, like git's `core.maxTreeDepth`.
const MAX_DEPTH: usize = 2048;

/// The change list of commit `id`.
pub fn commit_changes(
    odb: &Odb,
    id: &ObjectId,
    opts: &Options,
) -> Result<Vec<AzureChange>, ChangesError> {
    let mut buf = Vec::new();
    let kind = match odb.read_into(id, &mut buf) {
        Ok(k) => k,
        Err(e) if e.is_missing() => return Err(ChangesError::NotFound(*id)),
        Err(e) => return Err(e.into()),
    };
    if kind != ObjectKind::Commit {
        return Err(ChangesError::NotACommit(*id));
    }
    let commit = Commit::parse(&buf).map_err(|_| ChangesError::Corrupt(*id))?;
    let tree = commit.tree;
    let parent = commit.parents.first().copied();
    let merge = commit.parents.len() > 1;
    let old_tree = match parent {
        Some(p) => {
            let mut pbuf = Vec::new();
            if odb.read_into(&p, &mut pbuf)? != ObjectKind::Commit {
                return Err(ChangesError::Corrupt(p));
            }
            Some(
                Commit::parse(&pbuf)
                    .map_err(|_| ChangesError::Corrupt(p))?
                    .tree,
            )
        }
        None => None,
    };
    let mut w = Walker {
        odb,
        out: Vec::new(),
        path: Vec::new(),
    };
    w.walk(old_tree, Some(tree), 0)?;
    let mut list = w.out;
    if parent.is_some() {
        detect_renames(odb, &mut list, opts)?;
    }
    if merge {
        list.sort_by(|a, b| ordinal(&a.path, &b.path));
    }
    Ok(list)
}

/// .NET's ordinal string order (UTF-16 code units) of two paths.
fn ordinal(a: &[u8], b: &[u8]) -> Ordering {
    let (a, b) = (String::from_utf8_lossy(a), String::from_utf8_lossy(b));
    a.encode_utf16().cmp(b.encode_utf16())
}

struct Walker<'a> {
    odb: &'a Odb,
    out: Vec<AzureChange>,
    path: Vec<u8>,
}

impl Walker<'_> {
    fn load(&self, id: Option<ObjectId>) -> Result<Vec<u8>, ChangesError> {
        let mut buf = Vec::new();
        if let Some(id) = id {
            if id != id.kind().empty_tree()
                && self.odb.read_into(&id, &mut buf)? != ObjectKind::Tree
            {
                return Err(ChangesError::Corrupt(id));
            }
        }
        Ok(buf)
    }

    fn push(&mut self, x: Option<&TreeEntry<'_>>, y: Option<&TreeEntry<'_>>, change: ChangeType) {
        let typed = y.or(x).expect("one side");
        self.out.push(AzureChange {
            path: self.path.clone(),
            object_type: GitObjectType::of(typed.mode),
            new_id: y.map(|e| e.id),
            old_id: x.map(|e| e.id),
            change,
            source: None,
        });
    }

    fn walk(
        &mut self,
        old: Option<ObjectId>,
        new: Option<ObjectId>,
        depth: usize,
    ) -> Result<(), ChangesError> {
        if depth > MAX_DEPTH {
            return Err(ChangesError::TooDeep);
        }
        let hash = self.odb.hash_kind();
        let (old_buf, new_buf) = (self.load(old)?, self.load(new)?);
        let corrupt = |id: Option<ObjectId>| ChangesError::Corrupt(id.unwrap_or(hash.null_id()));
        let mut pairs = TreePairs::new(&old_buf, &new_buf, hash);
        let base = self.path.len();
        while let Some((x, y)) = pairs
            .next_pair()
            .map_err(|e| corrupt(if e.old { old } else { new }))?
        {
            let name = x.as_ref().or(y.as_ref()).map(|e| e.name).unwrap_or(&[]);
            self.path.truncate(base);
            if base > 0 {
                self.path.push(b'/');
            }
            self.path.extend_from_slice(name);
            match (&x, &y) {
                (Some(x), None) => {
                    self.push(Some(x), None, ChangeType::DELETE);
                    if x.mode.is_tree() {
                        self.walk(Some(x.id), None, depth + 1)?;
                    }
                }
                (None, Some(y)) => {
                    self.push(None, Some(y), ChangeType::ADD);
                    if y.mode.is_tree() {
                        self.walk(None, Some(y.id), depth + 1)?;
                    }
                }
                (Some(x), Some(y)) if x.id != y.id => {
                    self.push(Some(x), Some(y), ChangeType::EDIT);
                    if x.mode.is_tree() && y.mode.is_tree() {
                        self.walk(Some(x.id), Some(y.id), depth + 1)?;
                    }
                }
                _ => {}
            }
        }
        self.path.truncate(base);
        Ok(())
    }
}

fn parent_of(path: &[u8]) -> &[u8] {
    match memchr::memrchr(b'/', path) {
        Some(i) => &path[..i],
        None => b"",
    }
}

fn basename(path: &[u8]) -> &[u8] {
    &path[memchr::memrchr(b'/', path).map_or(0, |i| i + 1)..]
}

/// Pairs deletes with adds (exact, similarity, folders) and rewrites them in place.
fn detect_renames(odb: &Odb, list: &mut [AzureChange], opts: &Options) -> Result<(), ChangesError> {
    let is = |c: &AzureChange, t: ChangeType| c.change == t;
    let adds: Vec<usize> = (0..list.len())
        .filter(|&i| is(&list[i], ChangeType::ADD))
        .collect();
    let dels: Vec<usize> = (0..list.len())
        .filter(|&i| is(&list[i], ChangeType::DELETE))
        .collect();
    if adds.is_empty() || dels.is_empty() {
        return Ok(());
    }
    let mut del_used = vec![false; list.len()];
    let mut add_used = vec![false; list.len()];
    let mut pairs: Vec<(usize, usize)> = Vec::new();
    // 1. Exact: same object id; among several, the same basename first, then walk order.
    let mut by_id: HashMap<ObjectId, Vec<usize>> = HashMap::new();
    for &d in &dels {
        if let Some(id) = list[d].old_id {
            by_id.entry(id).or_default().push(d);
        }
    }
    for &a in &adds {
        let Some(cands) = list[a].new_id.and_then(|id| by_id.get(&id)) else {
            continue;
        };
        let free = || {
            cands
                .iter()
                .copied()
                .filter(|&d| !del_used[d] && list[d].object_type == list[a].object_type)
        };
        let pick = free()
            .find(|&d| basename(&list[d].path) == basename(&list[a].path))
            .or_else(|| free().next());
        if let Some(d) = pick {
            del_used[d] = true;
            add_used[a] = true;
            pairs.push((a, d));
        }
    }
    // 2. Similarity of the remaining blobs, if few enough.
    let blob = |i: &usize| list[*i].object_type == GitObjectType::Blob;
    let rem_adds: Vec<usize> = adds
        .iter()
        .copied()
        .filter(|a| !add_used[*a] && blob(a))
        .collect();
    let rem_dels: Vec<usize> = dels
        .iter()
        .copied()
        .filter(|d| !del_used[*d] && blob(d))
        .collect();
    if !rem_adds.is_empty()
        && !rem_dels.is_empty()
        && rem_adds.len() + rem_dels.len() <= opts.max_rename_candidates
    {
        let mut buf = Vec::new();
        let mut load = |id: ObjectId| -> Result<Option<(u64, Spans)>, ChangesError> {
            let (_, size) = odb.read_header(&id)?;
            if size > opts.max_rename_file_size {
                return Ok(None);
            }
            odb.read_into(&id, &mut buf)?;
            Ok(Some((size, Spans::of(&buf))))
        };
        let mut add_spans = Vec::new();
        for &a in &rem_adds {
            add_spans.push(load(list[a].new_id.expect("add has new id"))?);
        }
        let mut del_spans = Vec::new();
        for &d in &rem_dels {
            del_spans.push(load(list[d].old_id.expect("delete has old id"))?);
        }
        let mut cands: Vec<(u32, usize, usize)> = Vec::new();
        for (ai, a) in add_spans.iter().enumerate() {
            let Some((asize, aspans)) = a else { continue };
            for (di, d) in del_spans.iter().enumerate() {
                let Some((dsize, dspans)) = d else { continue };
                let (max, min) = ((*asize).max(*dsize), (*asize).min(*dsize));
                // Shared bytes cannot exceed the smaller file: at most 50 % here.
                if max == 0 || min * 2 <= max {
                    continue;
                }
                let score = |shared: u64| {
                    (u128::from(shared) * u128::from(MAX_SCORE) / u128::from(max)) as u32
                };
                if score(dspans.copied_bound(aspans)) <= MAX_SCORE / 2 {
                    continue;
                }
                let s = score(dspans.copied_to(aspans));
                if s > MAX_SCORE / 2 {
                    cands.push((s, rem_adds[ai], rem_dels[di]));
                }
            }
        }
        cands.sort_by(|x, y| y.0.cmp(&x.0).then(x.1.cmp(&y.1)).then(x.2.cmp(&y.2)));
        for (_, a, d) in cands {
            if !add_used[a] && !del_used[d] {
                add_used[a] = true;
                del_used[d] = true;
                pairs.push((a, d));
            }
        }
    }
    // 3. Folders: a deleted folder pairs with the added folder that received most of its
    //    renamed files.
    let mut folder_pairs = Vec::new();
    for &d in &dels {
        if del_used[d] || list[d].object_type != GitObjectType::Tree {
            continue;
        }
        let mut best: Option<(usize, usize)> = None;
        for &a in &adds {
            if add_used[a] || list[a].object_type != GitObjectType::Tree {
                continue;
            }
            let n = pairs
                .iter()
                .filter(|(pa, pd)| {
                    list[*pa].object_type == GitObjectType::Blob
                        && parent_of(&list[*pd].path) == &list[d].path[..]
                        && parent_of(&list[*pa].path) == &list[a].path[..]
                })
                .count();
            if n > 0 && best.is_none_or(|(_, bn)| n > bn) {
                best = Some((a, n));
            }
        }
        if let Some((a, _)) = best {
            add_used[a] = true;
            del_used[d] = true;
            folder_pairs.push((a, d));
        }
    }
    pairs.extend(folder_pairs);
    for (a, d) in pairs {
        let old_id = list[d].old_id;
        let old_path = list[d].path.clone();
        let add = &mut list[a];
        add.change = if add.new_id == old_id {
            ChangeType::RENAME
        } else {
            ChangeType::EDIT | ChangeType::RENAME
        };
        add.old_id = old_id;
        add.source = Some(old_path);
        list[d].change = ChangeType::DELETE | ChangeType::SOURCE_RENAME;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn change_type_names() {
        let er = ChangeType::EDIT | ChangeType::RENAME;
        assert_eq!(er.camel(), "edit, rename");
        assert_eq!(er.pascal(), "Edit, Rename");
        let ds = ChangeType::DELETE | ChangeType::SOURCE_RENAME;
        assert_eq!(ds.camel(), "delete, sourceRename");
        assert_eq!(ds.pascal(), "Delete, SourceRename");
        assert_eq!(ChangeType::ADD.pascal(), "Add");
        assert!(ds.contains(ChangeType::DELETE));
    }

    #[test]
    fn ordinal_is_utf16() {
        assert_eq!(ordinal(b"a.txt", b"a/x"), Ordering::Less);
        assert_eq!(ordinal(b"a", b"a.txt"), Ordering::Less);
        // U+FF5E (one UTF-16 unit, 0xFF5E) sorts after U+1F600 (surrogates 0xD83D...).
        assert_eq!(
            ordinal("\u{ff5e}".as_bytes(), "\u{1f600}".as_bytes()),
            Ordering::Greater
        );
    }
}
