//! Tree-to-tree diff: a recursive walk of two trees in git's path order, descending only
//! into subtrees whose ids differ, with optional path limiting.

use super::change::Change;
use crate::object::{
    compare_tree_names, Commit, EntryMode, ObjectKind, ParseError, Tag, TreeEntry, TreeIter,
    TreePairs,
};
use crate::odb::{Odb, OdbError};
use crate::oid::ObjectId;

/// Why two trees could not be compared.
#[derive(Debug, thiserror::Error)]
pub enum DiffError {
    /// An object could not be read.
    #[error(transparent)]
    Odb(#[from] OdbError),
    /// An object's contents are malformed.
    #[error("object {id}: {source}")]
    Parse {
        /// The malformed object.
        id: ObjectId,
        /// What is wrong with it.
        source: ParseError,
    },
    /// An object is not of the kind needed (a tree, or something that peels to one).
    #[error("object {id} is a {found}, not a {wanted}")]
    WrongKind {
        /// The object.
        id: ObjectId,
        /// Its kind.
        found: ObjectKind,
        /// The kind that was expected.
        wanted: ObjectKind,
    },
    /// Tags or trees nest deeper than anything git would create.
    #[error("object {0} nests too deeply")]
    TooDeep(ObjectId),
}

/// Peels `id` (a commit, tree, or tag pointing at either) to a tree id.
pub fn peel_to_tree(odb: &Odb, id: &ObjectId) -> Result<ObjectId, DiffError> {
    let mut id = *id;
    let mut buf = Vec::new();
    for _ in 0..64 {
        if id == id.kind().empty_tree() {
            return Ok(id);
        }
        match odb.read_into(&id, &mut buf)? {
            ObjectKind::Tree => return Ok(id),
            ObjectKind::Commit => {
                let c = Commit::parse(&buf).map_err(|source| DiffError::Parse { id, source })?;
                return Ok(c.tree);
            }
            ObjectKind::Tag => {
                let t = Tag::parse(&buf).map_err(|source| DiffError::Parse { id, source })?;
                id = t.object;
            }
            found => {
                return Err(DiffError::WrongKind {
                    id,
                    found,
                    wanted: ObjectKind::Tree,
                })
            }
        }
    }
    Err(DiffError::TooDeep(id))
}

/// One pathspec item: a literal path, a directory prefix, or a glob pattern.
#[derive(Clone, Debug, PartialEq, Eq)]
struct PathspecItem {
    /// The path without a trailing slash (empty: everything).
    path: Vec<u8>,
    /// Written with a trailing slash: matches only a directory and what is under it.
    dir_only: bool,
    /// Length of the part before the first wildcard, if the item has wildcards.
    glob_prefix: Option<usize>,
}

/// Which paths a diff is limited to (`-- <path>...`): each item matches itself and, if it
/// names a directory, everything under it; items with `*`, `?` or `[` are globs where `*`
/// also matches `/`, as in git's default pathspec matching.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Pathspec {
    items: Vec<PathspecItem>,
}

/// A literal pathspec item split at its slashes, for [`TreeDiff::has_changes`].
#[derive(Clone, Debug)]
struct LiteralItem {
    components: Vec<Vec<u8>>,
    dir_only: bool,
}

/// The entry a path names in a tree, as far as a quick comparison needs it.
type Resolved = Option<(EntryMode, ObjectId)>;

/// Entries looked up by [`TreeDiff::has_changes`]: (tree, item, component) → entry.
type LookupMemo = std::collections::HashMap<
    (ObjectId, u32, u32),
    Resolved,
    std::hash::BuildHasherDefault<crate::oid::IdHasher>,
>;

/// How many looked-up entries [`TreeDiff`] remembers before starting over.
const MEMO_LIMIT: usize = 1 << 20;

/// How a tree relates to a pathspec.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Interest {
    /// Everything below matches.
    All,
    /// Some entries below may match: check each.
    Some,
    /// Nothing below matches.
    None,
}

impl Pathspec {
    /// A pathspec of root-relative paths (already normalized: no `.`/`..` components).
    /// No items means every path.
    pub fn new<I, P>(items: I) -> Pathspec
    where
        I: IntoIterator<Item = P>,
        P: AsRef<[u8]>,
    {
        let items = items
            .into_iter()
            .map(|p| {
                let mut path = p.as_ref().to_vec();
                let dir_only = path.last() == Some(&b'/');
                while path.last() == Some(&b'/') {
                    path.pop();
                }
                let glob_prefix = path
                    .iter()
                    .position(|c| matches!(c, b'*' | b'?' | b'[' | b'\\'));
                PathspecItem {
                    path,
                    dir_only,
                    glob_prefix,
                }
            })
            .collect();
        Pathspec { items }
    }

    /// Whether the pathspec matches every path.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// The items as paths split into components, if there are items and every one is a
    /// literal path (no wildcard): then a quick comparison can look each path up instead
    /// of walking trees.
    fn literal_items(&self) -> Option<Vec<LiteralItem>> {
        if self.items.is_empty() {
            return None;
        }
        self.items
            .iter()
            .map(|it| {
                (it.glob_prefix.is_none() && !it.path.is_empty()).then(|| LiteralItem {
                    components: it.path.split(|&c| c == b'/').map(<[u8]>::to_vec).collect(),
                    dir_only: it.dir_only,
                })
            })
            .collect()
    }

    /// Whether a non-tree entry at `path` is selected.
    pub fn matches_file(&self, path: &[u8]) -> bool {
        self.items.is_empty()
            || self.items.iter().any(|it| {
                if it.path.is_empty() {
                    return true;
                }
                if it.glob_prefix.is_some() && wildmatch(&it.path, path) {
                    return true;
                }
                under(path, &it.path) && !(it.dir_only && path.len() == it.path.len())
            })
    }

    /// How the tree at `path` relates to the pathspec.
    fn tree_interest(&self, path: &[u8]) -> Interest {
        if self.items.is_empty() {
            return Interest::All;
        }
        let mut some = false;
        for it in &self.items {
            if it.path.is_empty() || under(path, &it.path) {
                return Interest::All;
            }
            match it.glob_prefix {
                Some(n) => {
                    // A glob may match below if its literal prefix and `path/` agree.
                    let lit = &it.path[..n];
                    let k = lit.len().min(path.len());
                    if lit[..k] == path[..k] && (lit.len() <= path.len() || lit[path.len()] == b'/')
                    {
                        some = true;
                    }
                }
                None => {
                    if it.path.len() > path.len()
                        && it.path.starts_with(path)
                        && it.path[path.len()] == b'/'
                    {
                        some = true;
                    }
                }
            }
        }
        if some {
            Interest::Some
        } else {
            Interest::None
        }
    }
}

/// Whether `path` equals `dir` or lies below it.
fn under(path: &[u8], dir: &[u8]) -> bool {
    path.starts_with(dir) && (path.len() == dir.len() || path[dir.len()] == b'/')
}

/// git's `wildmatch` without flags (pathspecs by default, ref globs): `*` matches any run of bytes (slashes included), `?`
/// one byte, `[...]` a set (`!` or `^` negates, ranges, `[:class:]`), `\` escapes.
pub fn wildmatch(pattern: &[u8], text: &[u8]) -> bool {
    // Backtracking to the last `*` only: no recursion, quadratic at worst.
    let (mut p, mut t) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    while t < text.len() {
        if p < pattern.len() {
            let step = match pattern[p] {
                b'*' => {
                    while p < pattern.len() && pattern[p] == b'*' {
                        p += 1;
                    }
                    star = Some((p, t));
                    continue;
                }
                b'?' => Some(p + 1),
                b'[' => match match_bracket(pattern, p, text[t]) {
                    Some((true, next)) => Some(next),
                    Some((false, _)) => None,
                    None => (text[t] == b'[').then_some(p + 1),
                },
                b'\\' if p + 1 < pattern.len() => (pattern[p + 1] == text[t]).then_some(p + 2),
                c => (c == text[t]).then_some(p + 1),
            };
            if let Some(next) = step {
                p = next;
                t += 1;
                continue;
            }
        }
        match star {
            Some((sp, st)) => {
                p = sp;
                t = st + 1;
                star = Some((sp, st + 1));
            }
            None => return false,
        }
    }
    pattern[p..].iter().all(|&c| c == b'*')
}

/// Matches `c` against the bracket expression at `pattern[start]` (a `[`): whether it
/// matched and where the pattern continues, or `None` if the bracket is malformed.
fn match_bracket(pattern: &[u8], start: usize, c: u8) -> Option<(bool, usize)> {
    let mut i = start + 1;
    let negate = matches!(pattern.get(i), Some(b'!' | b'^'));
    if negate {
        i += 1;
    }
    let mut matched = false;
    let mut first = true;
    loop {
        let b = *pattern.get(i)?;
        if b == b']' && !first {
            return Some((matched != negate, i + 1));
        }
        first = false;
        if b == b'[' && pattern.get(i + 1) == Some(&b':') {
            let close = pattern.get(i + 2..)?.windows(2).position(|w| w == b":]")? + i + 2;
            matched |= match &pattern[i + 2..close] {
                b"alnum" => c.is_ascii_alphanumeric(),
                b"alpha" => c.is_ascii_alphabetic(),
                b"blank" => c == b' ' || c == b'\t',
                b"cntrl" => c.is_ascii_control(),
                b"digit" => c.is_ascii_digit(),
                b"graph" => c.is_ascii_graphic(),
                b"lower" => c.is_ascii_lowercase(),
                b"print" => (0x20..0x7f).contains(&c),
                b"punct" => c.is_ascii_punctuation(),
                b"space" => c.is_ascii_whitespace() || c == 0x0b,
                b"upper" => c.is_ascii_uppercase(),
                b"xdigit" => c.is_ascii_hexdigit(),
                _ => return None,
            };
            i = close + 2;
            continue;
        }
        let lo = if b == b'\\' {
            i += 1;
            *pattern.get(i)?
        } else {
            b
        };
        if pattern.get(i + 1) == Some(&b'-') && pattern.get(i + 2).is_some_and(|&h| h != b']') {
            let mut hi_at = i + 2;
            if pattern[hi_at] == b'\\' {
                hi_at += 1;
            }
            let hi = *pattern.get(hi_at)?;
            matched |= lo <= c && c <= hi;
            i = hi_at + 1;
        } else {
            matched |= lo == c;
            i += 1;
        }
    }
}

/// Options of a tree diff.
#[derive(Clone, Debug, Default)]
pub struct TreeDiffOptions {
    /// Only paths matching this are compared.
    pub pathspec: Pathspec,
    /// Also report unmodified files (as `Modified` with equal sides) and descend into
    /// equal subtrees, as git does for `--find-copies-harder`.
    pub include_unmodified: bool,
    /// Report changed subtrees as entries (mode `040000`) instead of descending into
    /// them (`git diff-tree` without `-r`).
    pub no_recurse: bool,
    /// Also report each changed subtree as an entry before its contents (`diff-tree -t`).
    pub show_trees: bool,
}

/// A reusable tree-diff walker: keeps its read buffers between calls.
pub struct TreeDiff<'a> {
    odb: &'a Odb,
    opts: TreeDiffOptions,
    /// Read buffers, two per depth (old, new), reused across subtrees.
    bufs: Vec<Vec<u8>>,
    path: Vec<u8>,
    /// [`TreeDiff::has_changes`]: stop at the first change, and remember it here.
    quick: bool,
    found: bool,
    /// Recently read trees (for [`TreeDiff::has_changes`], which a history walk calls with
    /// each commit's tree as the new side and then, one commit later, as the old side).
    recent: Vec<(ObjectId, Vec<u8>)>,
    next_recent: usize,
    /// The pathspec as literal paths, when it is one (see [`Pathspec::literal_items`]).
    literal: Option<Vec<LiteralItem>>,
    /// Entries looked up for `literal`: (tree, item, component) → the entry there. A
    /// history walk looks up each commit's paths twice (as child, then as parent), and
    /// unchanged subtrees are shared by many commits.
    memo: LookupMemo,
}

/// How many trees [`TreeDiff::has_changes`] keeps, and up to what size.
const RECENT_TREES: usize = 32;
const RECENT_TREE_MAX: usize = 256 << 10;

/// The root tree of commit `id`. The commit is left in the odb's cache (see
/// [`Odb::read_into_cached`]) for the history walk that reads it next.
pub fn commit_tree(odb: &Odb, id: &ObjectId) -> Result<ObjectId, DiffError> {
    let mut data = Vec::new();
    let kind = odb.read_into_cached(id, &mut data)?;
    if kind != ObjectKind::Commit {
        return Err(DiffError::WrongKind {
            id: *id,
            found: kind,
            wanted: ObjectKind::Commit,
        });
    }
    let c = Commit::parse(&data).map_err(|source| DiffError::Parse { id: *id, source })?;
    Ok(c.tree)
}

/// Trees nested deeper than this are refused, like git's `core.maxTreeDepth` default.
const MAX_DEPTH: usize = 2048;

impl<'a> TreeDiff<'a> {
    /// A walker over `odb` with `opts`.
    pub fn new(odb: &'a Odb, opts: TreeDiffOptions) -> TreeDiff<'a> {
        let literal = if opts.include_unmodified {
            None
        } else {
            opts.pathspec.literal_items()
        };
        TreeDiff {
            odb,
            literal,
            memo: LookupMemo::default(),
            opts,
            bufs: Vec::new(),
            path: Vec::new(),
            quick: false,
            found: false,
            recent: Vec::new(),
            next_recent: 0,
        }
    }

    /// Whether trees `old` and `new` (`None`: the empty tree) differ within the pathspec:
    /// git's quick tree comparison for history simplification. It stops at the first
    /// difference, skips subtrees whose ids are equal and paths outside the pathspec
    /// unread, and keeps recently read trees for the next call.
    pub fn has_changes(
        &mut self,
        old: Option<&ObjectId>,
        new: Option<&ObjectId>,
    ) -> Result<bool, DiffError> {
        if old == new && !self.opts.include_unmodified {
            return Ok(false);
        }
        if let Some(n) = self.literal.as_ref().map(Vec::len) {
            // Within literal paths, the trees differ exactly when the entry some path names
            // differs (in mode or id): look the paths up instead of walking the trees.
            for item in 0..n {
                match (self.resolve(old, item)?, self.resolve(new, item)?) {
                    (a, b) if a == b => {}
                    // Two directories: their ids can differ with no change git reports
                    // (legacy modes such as `100664` read as `100644`), so compare them.
                    (Some((EntryMode::Tree, a)), Some((EntryMode::Tree, b))) => {
                        if self.quick_walk(Some(a), Some(b), true)? {
                            return Ok(true);
                        }
                    }
                    _ => return Ok(true),
                }
            }
            return Ok(false);
        }
        let all = self.opts.pathspec.is_empty();
        self.quick_walk(old.copied(), new.copied(), all)
    }

    /// The walk of [`TreeDiff::has_changes`], stopping at the first change; `all`: every
    /// path below matches the pathspec.
    fn quick_walk(
        &mut self,
        old: Option<ObjectId>,
        new: Option<ObjectId>,
        all: bool,
    ) -> Result<bool, DiffError> {
        self.quick = true;
        self.found = false;
        self.path.clear();
        let r = self.walk(old, new, 0, all, &mut |_| {});
        self.quick = false;
        r.map(|()| self.found)
    }

    /// Compares tree `old` with tree `new` (`None`: the empty tree), calling `visit` for
    /// each change in git's order.
    pub fn diff(
        &mut self,
        old: Option<&ObjectId>,
        new: Option<&ObjectId>,
        visit: &mut dyn FnMut(Change),
    ) -> Result<(), DiffError> {
        self.path.clear();
        let all = self.opts.pathspec.is_empty();
        self.walk(old.copied(), new.copied(), 0, all, visit)
    }

    /// The entry that literal item `item` names under tree `root` (`None`: the empty tree),
    /// or `None` if there is none (a missing component, or a file where a directory is
    /// needed).
    fn resolve(&mut self, root: Option<&ObjectId>, item: usize) -> Result<Resolved, DiffError> {
        let Some(mut tree) = root.copied() else {
            return Ok(None);
        };
        let literal = self.literal.as_ref().expect("resolve needs literal items");
        let (n, dir_only) = (literal[item].components.len(), literal[item].dir_only);
        for depth in 0..n {
            let key = (tree, item as u32, depth as u32);
            let found = match self.memo.get(&key) {
                Some(found) => *found,
                None => {
                    let found = self.lookup(tree, item, depth)?;
                    if self.memo.len() >= MEMO_LIMIT {
                        self.memo.clear();
                    }
                    self.memo.insert(key, found);
                    found
                }
            };
            match found {
                Some((mode, id)) if depth + 1 < n => {
                    if mode != EntryMode::Tree {
                        return Ok(None);
                    }
                    tree = id;
                }
                Some((mode, _)) if dir_only && mode != EntryMode::Tree => return Ok(None),
                found => return Ok(found),
            }
        }
        Ok(None)
    }

    /// Reads tree `tree` and finds the entry named by component `depth` of literal item
    /// `item`, stopping once git's tree order has passed where it would be.
    fn lookup(&mut self, tree: ObjectId, item: usize, depth: usize) -> Result<Resolved, DiffError> {
        if tree == tree.kind().empty_tree() {
            return Ok(None);
        }
        if self.bufs.is_empty() {
            self.bufs.push(Vec::new());
        }
        let mut buf = std::mem::take(&mut self.bufs[0]);
        let result = self.lookup_in(tree, item, depth, &mut buf);
        self.bufs[0] = buf;
        result
    }

    fn lookup_in(
        &self,
        tree: ObjectId,
        item: usize,
        depth: usize,
        buf: &mut Vec<u8>,
    ) -> Result<Resolved, DiffError> {
        let kind = self.odb.read_into(&tree, buf)?;
        if kind != ObjectKind::Tree {
            return Err(DiffError::WrongKind {
                id: tree,
                found: kind,
                wanted: ObjectKind::Tree,
            });
        }
        let name = &self.literal.as_ref().expect("literal items")[item].components[depth];
        for entry in TreeIter::new(buf, tree.kind()) {
            let entry = entry.map_err(|source| DiffError::Parse { id: tree, source })?;
            if entry.name == name.as_slice() {
                return Ok(Some((entry.mode, entry.id)));
            }
            // `name` sorts as a file before it sorts as a directory (`name/`).
            if compare_tree_names(entry.name, entry.mode.is_tree(), name, true).is_gt() {
                break;
            }
        }
        Ok(None)
    }

    /// Reads tree `id` into `buf`; the empty tree needs no object.
    fn load(&mut self, id: Option<ObjectId>, buf: &mut Vec<u8>) -> Result<(), DiffError> {
        buf.clear();
        let Some(id) = id else { return Ok(()) };
        if id == id.kind().empty_tree() {
            return Ok(());
        }
        if self.quick {
            if let Some((_, data)) = self.recent.iter().find(|(rid, _)| *rid == id) {
                buf.extend_from_slice(data);
                return Ok(());
            }
        }
        let kind = self.odb.read_into(&id, buf)?;
        if kind != ObjectKind::Tree {
            return Err(DiffError::WrongKind {
                id,
                found: kind,
                wanted: ObjectKind::Tree,
            });
        }
        if self.quick && buf.len() <= RECENT_TREE_MAX {
            if self.recent.len() < RECENT_TREES {
                self.recent.push((id, buf.clone()));
            } else {
                let slot = &mut self.recent[self.next_recent];
                slot.0 = id;
                slot.1.clear();
                slot.1.extend_from_slice(buf);
                self.next_recent = (self.next_recent + 1) % RECENT_TREES;
            }
        }
        Ok(())
    }

    fn walk(
        &mut self,
        old: Option<ObjectId>,
        new: Option<ObjectId>,
        depth: usize,
        all: bool,
        visit: &mut dyn FnMut(Change),
    ) -> Result<(), DiffError> {
        if depth > MAX_DEPTH {
            return Err(DiffError::TooDeep(
                old.or(new)
                    .unwrap_or_else(|| self.odb.hash_kind().null_id()),
            ));
        }
        while self.bufs.len() < 2 * depth + 2 {
            self.bufs.push(Vec::new());
        }
        let mut old_buf = std::mem::take(&mut self.bufs[2 * depth]);
        let mut new_buf = std::mem::take(&mut self.bufs[2 * depth + 1]);
        let result = self
            .load(old, &mut old_buf)
            .and_then(|_| self.load(new, &mut new_buf))
            .and_then(|_| self.walk_loaded(old, new, &old_buf, &new_buf, depth, all, visit));
        self.bufs[2 * depth] = old_buf;
        self.bufs[2 * depth + 1] = new_buf;
        result
    }

    #[allow(clippy::too_many_arguments)]
    fn walk_loaded(
        &mut self,
        old: Option<ObjectId>,
        new: Option<ObjectId>,
        old_buf: &[u8],
        new_buf: &[u8],
        depth: usize,
        all: bool,
        visit: &mut dyn FnMut(Change),
    ) -> Result<(), DiffError> {
        let hash = self.odb.hash_kind();
        let null = hash.null_id();
        let parse_err = |id: Option<ObjectId>, source| DiffError::Parse {
            id: id.unwrap_or(null),
            source,
        };
        let mut pairs = TreePairs::new(old_buf, new_buf, hash);
        let base_len = self.path.len();
        while let Some((x, y)) = pairs
            .next_pair()
            .map_err(|e| parse_err(if e.old { old } else { new }, e.source))?
        {
            let name = x.as_ref().or(y.as_ref()).map(|e| e.name).unwrap_or(&[]);
            self.path.truncate(base_len);
            if base_len > 0 {
                self.path.push(b'/');
            }
            self.path.extend_from_slice(name);
            self.entry(x, y, depth, all, visit)?;
            if self.found {
                break;
            }
        }
        self.path.truncate(base_len);
        Ok(())
    }

    /// Handles one name present in the old tree (`x`), the new tree (`y`) or both.
    fn entry(
        &mut self,
        x: Option<TreeEntry<'_>>,
        y: Option<TreeEntry<'_>>,
        depth: usize,
        all: bool,
        visit: &mut dyn FnMut(Change),
    ) -> Result<(), DiffError> {
        let is_tree = x.or(y).is_some_and(|e| e.mode.is_tree());
        let mut sub_all = all;
        if !all {
            if is_tree {
                match self.opts.pathspec.tree_interest(&self.path) {
                    Interest::All => sub_all = true,
                    Interest::Some => {}
                    Interest::None => return Ok(()),
                }
            } else if !self.opts.pathspec.matches_file(&self.path) {
                return Ok(());
            }
        }
        if is_tree {
            let (oid, nid) = (x.map(|e| e.id), y.map(|e| e.id));
            if oid == nid && !self.opts.include_unmodified {
                return Ok(());
            }
            if (self.opts.no_recurse || self.opts.show_trees) && !self.quick {
                self.emit(x, y, visit);
                if self.opts.no_recurse {
                    return Ok(());
                }
            }
            let base = self.path.len();
            let r = self.walk(oid, nid, depth + 1, sub_all, visit);
            self.path.truncate(base);
            return r;
        }
        if self.quick {
            let (om, nm) = (x.map(|e| e.mode.as_raw()), y.map(|e| e.mode.as_raw()));
            self.found |= x.map(|e| e.id) != y.map(|e| e.id) || om != nm;
            return Ok(());
        }
        self.emit(x, y, visit);
        Ok(())
    }

    /// Reports the entry at the current path.
    fn emit(
        &self,
        x: Option<TreeEntry<'_>>,
        y: Option<TreeEntry<'_>>,
        visit: &mut dyn FnMut(Change),
    ) {
        let path = || self.path.clone();
        match (x, y) {
            (Some(x), None) => visit(Change::deleted(path(), x.mode.as_raw(), x.id)),
            (None, Some(y)) => visit(Change::added(path(), y.mode.as_raw(), y.id)),
            (Some(x), Some(y)) => {
                let (om, nm) = (x.mode.as_raw(), y.mode.as_raw());
                if x.id != y.id || om != nm || self.opts.include_unmodified {
                    visit(Change::modified(path(), om, x.id, nm, y.id));
                }
            }
            (None, None) => {}
        }
    }
}

/// All changes between trees `old` and `new` (`None`: the empty tree), in git's order.
pub fn tree_changes(
    odb: &Odb,
    old: Option<&ObjectId>,
    new: Option<&ObjectId>,
    opts: &TreeDiffOptions,
) -> Result<Vec<Change>, DiffError> {
    let mut out = Vec::new();
    TreeDiff::new(odb, opts.clone()).diff(old, new, &mut |c| out.push(c))?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildmatch_basics() {
        assert!(wildmatch(b"*.c", b"a/b.c"));
        assert!(wildmatch(b"a?c", b"abc"));
        assert!(!wildmatch(b"a?c", b"ac"));
        assert!(wildmatch(b"[a-c]x", b"bx"));
        assert!(!wildmatch(b"[!a-c]x", b"bx"));
        assert!(wildmatch(b"a\\*", b"a*"));
        assert!(!wildmatch(b"a\\*", b"ab"));
    }

    #[test]
    fn pathspec_prefixes() {
        let ps = Pathspec::new(["dir", "f.txt", "only/"]);
        assert!(ps.matches_file(b"dir/x"));
        assert!(ps.matches_file(b"f.txt"));
        assert!(!ps.matches_file(b"f.txt2"));
        assert!(!ps.matches_file(b"dirx"));
        assert!(!ps.matches_file(b"only"));
        assert!(ps.matches_file(b"only/a"));
        assert_eq!(ps.tree_interest(b"dir"), Interest::All);
        assert_eq!(Pathspec::new(["a/b/c"]).tree_interest(b"a"), Interest::Some);
        assert_eq!(Pathspec::new(["a/b/c"]).tree_interest(b"b"), Interest::None);
    }
}
