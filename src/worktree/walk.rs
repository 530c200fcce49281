//! The untracked-file walk, as git's `read_directory` (dir.c) does it: tracked files are
//! skipped, ignored paths are set aside, wholly untracked directories are shown as one
//! `dir/` entry when asked (and hidden when they hold nothing), nested repositories are
//! shown as `dir/` and never entered.

use super::ignore::{DirRules, Excludes};
use super::{path_of, Pathspec};
use crate::index::Index;
use rayon::prelude::*;
use std::path::{Path, PathBuf};

/// The flags of git's `dir_struct` that status and `ls-files` use.
#[derive(Clone, Debug, Default)]
pub struct WalkOptions {
    /// `DIR_SHOW_OTHER_DIRECTORIES`: a wholly untracked directory is one `dir/` entry.
    pub show_other_directories: bool,
    /// `DIR_HIDE_EMPTY_DIRECTORIES`: directories with nothing to show are not listed.
    pub hide_empty_directories: bool,
    /// `DIR_SHOW_IGNORED`: list ignored paths instead of untracked ones (`ls-files -i`).
    pub show_ignored: bool,
    /// `DIR_SHOW_IGNORED_TOO`: list ignored paths as well (`status --ignored`).
    pub show_ignored_too: bool,
    /// `DIR_SHOW_IGNORED_TOO_MODE_MATCHING` (`--ignored=matching`).
    pub matching_ignored: bool,
    /// The repository's git dir: a work-tree folder that is this git dir is not a nested
    /// repository.
    pub git_dir: Option<PathBuf>,
    /// Whether folders are read in parallel (worth it for large work trees).
    pub parallel: bool,
}

/// git's `path_treatment`, in its order of significance.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Treatment {
    None,
    Recurse,
    Excluded,
    Untracked,
}

/// What a walk found.
#[derive(Default)]
struct Found {
    untracked: Vec<Vec<u8>>,
    ignored: Vec<Vec<u8>>,
}

impl Found {
    fn append(&mut self, mut other: Found) {
        self.untracked.append(&mut other.untracked);
        self.ignored.append(&mut other.ignored);
    }
}

struct Walker<'a> {
    root: &'a Path,
    index: &'a Index,
    excludes: &'a Excludes<'a>,
    o: &'a WalkOptions,
    pathspec: &'a Pathspec,
}

/// Walks the work tree at `root`: returns the untracked paths (or, with `show_ignored`,
/// the ignored ones) and the ignored paths (with `show_ignored_too`), sorted, directories
/// ending in `/`.
pub fn read_directory(
    root: &Path,
    index: &Index,
    excludes: &Excludes<'_>,
    o: &WalkOptions,
    pathspec: &Pathspec,
) -> (Vec<Vec<u8>>, Vec<Vec<u8>>) {
    let w = Walker {
        root,
        index,
        excludes,
        o,
        pathspec,
    };
    let rules = excludes.root();
    let (_, mut found) = w.read_dir(b"", &rules, false, false);
    found.untracked.sort_unstable();
    found.ignored.sort_unstable();
    if o.show_ignored_too {
        // Untracked contents of untracked directories are not listed.
        let mut kept: Vec<Vec<u8>> = Vec::with_capacity(found.untracked.len());
        for p in found.untracked {
            if let Some(last) = kept.last() {
                if last.len() < p.len() && last.ends_with(b"/") && p.starts_with(last) {
                    continue;
                }
            }
            kept.push(p);
        }
        found.untracked = kept;
    }
    (found.untracked, found.ignored)
}

/// git's `index_name_is_other`: whether `name` (a trailing `/` ignored) is absent from
/// the index at every stage.
pub fn index_name_is_other(index: &Index, name: &[u8]) -> bool {
    let name = name.strip_suffix(b"/").unwrap_or(name);
    !index.contains_path(name)
}

/// Where a directory stands in the index.
#[derive(PartialEq, Eq)]
enum InIndex {
    Nonexistent,
    Directory,
    Gitlink,
}

/// git's `directory_exists_in_index`, searching the entries in `range` (those of the
/// folder holding `dir`).
fn directory_in_index(index: &Index, range: std::ops::Range<usize>, dir: &[u8]) -> InIndex {
    let all = &index.entries()[..range.end];
    let mut pos = index.first_position_in(range, dir);
    while pos < all.len() {
        let p = index.path(&all[pos]);
        if !p.starts_with(dir) {
            break;
        }
        match p.get(dir.len()) {
            Some(&c) if c > b'/' => break,
            Some(b'/') => return InIndex::Directory,
            None if all[pos].mode & 0o170000 == 0o160000 => return InIndex::Gitlink,
            _ => {}
        }
        pos += 1;
    }
    InIndex::Nonexistent
}

/// An entry read from a directory.
struct DirEntry {
    name: Vec<u8>,
    kind: Kind,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Dir,
    File,
    Other,
}

impl Walker<'_> {
    fn list(&self, dir: &[u8]) -> Vec<DirEntry> {
        let full = if dir.is_empty() {
            self.root.to_path_buf()
        } else {
            self.root.join(path_of(&dir[..dir.len() - 1]))
        };
        let Ok(rd) = std::fs::read_dir(&full) else {
            return Vec::new();
        };
        rd.filter_map(|e| {
            let e = e.ok()?;
            let name = e.file_name().into_encoded_bytes();
            if name == b".git" {
                return None;
            }
            let ft = match e.file_type() {
                Ok(t) => t,
                Err(_) => std::fs::symlink_metadata(e.path()).ok()?.file_type(),
            };
            let kind = if ft.is_dir() {
                Kind::Dir
            } else if ft.is_file() || ft.is_symlink() {
                Kind::File
            } else {
                Kind::Other
            };
            Some(DirEntry { name, kind })
        })
        .collect()
    }

    /// Removes the files (not folders) of `dir` that the index tracks: git's
    /// `treat_path` does nothing with them. A merge of the sorted names with the index
    /// entries of `range` (the folder's), galloping forward.
    fn drop_tracked_files(
        &self,
        dir: &[u8],
        range: std::ops::Range<usize>,
        entries: &mut Vec<DirEntry>,
    ) {
        entries.sort_unstable_by(|a, b| a.name.cmp(&b.name));
        let idx = self.index;
        let all = idx.entries();
        let suffix = |i: usize| &idx.path(&all[i])[dir.len()..];
        let mut pos = range.start;
        let end = range.end;
        entries.retain(|e| {
            if e.kind == Kind::Dir {
                return true;
            }
            let name = e.name.as_slice();
            let mut step = 1;
            while pos + step < end && suffix(pos + step - 1) < name {
                pos += step;
                step *= 2;
            }
            let hi = (pos + step).min(end);
            pos += all[pos..hi].partition_point(|x| &idx.path(x)[dir.len()..] < name);
            !(pos < end && suffix(pos) == name)
        });
    }

    /// git's `read_directory_recursive` for `dir` (empty or ending in `/`).
    fn read_dir(
        &self,
        dir: &[u8],
        rules: &DirRules,
        check_only: bool,
        stop_at_first: bool,
    ) -> (Treatment, Found) {
        let mut entries = self.list(dir);
        let range = self.index.range_under(dir);
        self.drop_tracked_files(dir, range.clone(), &mut entries);
        let mut state = Treatment::None;
        let mut found = Found::default();
        if check_only {
            for e in &entries {
                let (s, _, _) = self.treat_path(dir, e, rules, true, range.clone());
                let mut s = s;
                if s == Treatment::Recurse {
                    let (sub, _) = self.recurse(dir, e, rules, true, stop_at_first);
                    state = state.max(sub);
                    s = Treatment::Recurse;
                }
                state = state.max(s);
                if stop_at_first && state >= Treatment::Excluded {
                    return (Treatment::Excluded, found);
                }
                if state == Treatment::Untracked {
                    break;
                }
            }
            return (state, found);
        }
        let one = |e: &DirEntry| {
            let (s, path, mut f) = self.treat_path(dir, e, rules, false, range.clone());
            let mut dir_state = s;
            let mut s = s;
            if s == Treatment::Recurse {
                let (sub, sf) = self.recurse(dir, e, rules, false, stop_at_first);
                dir_state = dir_state.max(sub);
                f.append(sf);
                let mut as_dir = path.clone();
                as_dir.push(b'/');
                if !self.pathspec.is_empty() && !self.pathspec.matches_file(&as_dir) {
                    s = Treatment::None;
                }
            }
            self.add_result(s, path, &mut f);
            (dir_state, f)
        };
        let results: Vec<(Treatment, Found)> = if self.o.parallel {
            entries.par_iter().map(one).collect()
        } else {
            entries.iter().map(one).collect()
        };
        for (s, f) in results {
            state = state.max(s);
            found.append(f);
        }
        (state, found)
    }

    /// Recurses into the directory entry `e` of `dir`, which `treat_path` said to.
    fn recurse(
        &self,
        dir: &[u8],
        e: &DirEntry,
        rules: &DirRules,
        check_only: bool,
        stop_at_first: bool,
    ) -> (Treatment, Found) {
        let mut sub = dir.to_vec();
        sub.extend_from_slice(&e.name);
        let excluded = self.excludes.is_excluded_in(rules, &sub, true);
        sub.push(b'/');
        let inner = self.excludes.enter(rules, &sub, excluded);
        self.read_dir(&sub, &inner, check_only, stop_at_first)
    }

    /// git's `add_path_to_appropriate_result_list`.
    fn add_result(&self, s: Treatment, path: Vec<u8>, f: &mut Found) {
        match s {
            Treatment::Excluded => {
                if self.o.show_ignored {
                    if !self.index.contains_path(strip(&path)) {
                        f.untracked.push(path);
                    }
                } else if self.o.show_ignored_too && index_name_is_other(self.index, &path) {
                    f.ignored.push(path);
                }
            }
            Treatment::Untracked
                if !self.o.show_ignored && !self.index.contains_path(strip(&path)) =>
            {
                f.untracked.push(path);
            }
            _ => {}
        }
    }

    /// git's `treat_path`: how entry `e` of `dir` is treated; its path (directories with
    /// a trailing `/` when listed as such) and anything found below it.
    fn treat_path(
        &self,
        dir: &[u8],
        e: &DirEntry,
        rules: &DirRules,
        check_only: bool,
        range: std::ops::Range<usize>,
    ) -> (Treatment, Vec<u8>, Found) {
        let mut path = dir.to_vec();
        path.extend_from_slice(&e.name);
        if !self.pathspec.is_empty() && !self.pathspec.could_match_below(&path) {
            return (Treatment::None, path, Found::default());
        }
        let is_dir = e.kind == Kind::Dir;
        if e.kind == Kind::Other {
            return (Treatment::None, path, Found::default());
        }
        let pos = self.index.first_position_in(range.clone(), &path);
        let tracked = self
            .index
            .entries()
            .get(pos)
            .filter(|_| pos < range.end)
            .is_some_and(|e| self.index.path(e) == path.as_slice());
        if !is_dir && tracked {
            return (Treatment::None, path, Found::default());
        }
        let excluded = self.excludes.is_excluded_in(rules, &path, is_dir);
        if excluded && !(self.o.show_ignored || self.o.show_ignored_too) {
            return (Treatment::Excluded, path, Found::default());
        }
        if is_dir {
            path.push(b'/');
            let (s, f) = self.treat_directory(&path, rules, excluded, check_only, range);
            if s == Treatment::Recurse {
                path.pop();
            }
            return (s, path, f);
        }
        if !self.pathspec.is_empty() && !self.pathspec.matches_file(&path) {
            return (Treatment::None, path, Found::default());
        }
        if excluded {
            (Treatment::Excluded, path, Found::default())
        } else {
            (Treatment::Untracked, path, Found::default())
        }
    }

    /// Whether the work-tree folder `dir` (ending in `/`) is a repository of its own.
    fn is_nested_repo(&self, dir: &[u8]) -> bool {
        let full = self.root.join(path_of(&dir[..dir.len() - 1]));
        let dotgit = full.join(".git");
        let Ok(meta) = std::fs::metadata(&dotgit) else {
            return false;
        };
        let git_dir = if meta.is_dir() {
            if !super::looks_like_git_dir(&dotgit) {
                return false;
            }
            dotgit
        } else {
            match super::read_gitfile(&dotgit) {
                Some(g) => g,
                None => return false,
            }
        };
        match &self.o.git_dir {
            Some(own) => git_dir.canonicalize().ok().as_deref() != Some(own.as_path()),
            None => true,
        }
    }

    /// git's `treat_directory` for the untracked-or-tracked folder `dir` (ending in `/`).
    fn treat_directory(
        &self,
        dir: &[u8],
        rules: &DirRules,
        excluded: bool,
        _check_only: bool,
        range: std::ops::Range<usize>,
    ) -> (Treatment, Found) {
        let name = &dir[..dir.len() - 1];
        match directory_in_index(self.index, range, name) {
            InIndex::Directory => return (Treatment::Recurse, Found::default()),
            InIndex::Gitlink => return (Treatment::None, Found::default()),
            InIndex::Nonexistent => {}
        }
        let mut leading = false;
        if !self.pathspec.is_empty() && !excluded {
            if self.pathspec.matches_file(dir) || self.pathspec.matches_file(name) {
            } else if self.pathspec.could_match_below(name) {
                leading = true;
            } else {
                return (Treatment::None, Found::default());
            }
        }
        if self.is_nested_repo(dir) {
            if leading {
                return (Treatment::None, Found::default());
            }
            return (
                if excluded {
                    Treatment::Excluded
                } else {
                    Treatment::Untracked
                },
                Found::default(),
            );
        }
        let o = self.o;
        let inner = |ex: bool| self.excludes.enter(rules, dir, ex);
        if !o.show_other_directories {
            if excluded && o.show_ignored_too && o.matching_ignored {
                if !o.hide_empty_directories {
                    return (Treatment::Excluded, Found::default());
                }
                let (s, _) = self.read_dir(dir, &inner(excluded), true, true);
                if s == Treatment::Excluded {
                    return (Treatment::Excluded, Found::default());
                }
                return (Treatment::None, Found::default());
            }
            return (Treatment::Recurse, Found::default());
        }
        if leading {
            return (Treatment::Recurse, Found::default());
        }
        if excluded {
            if !o.hide_empty_directories {
                return (Treatment::Excluded, Found::default());
            }
            if o.show_ignored_too && o.matching_ignored {
                return (Treatment::Excluded, Found::default());
            }
        }
        if !(excluded || o.show_ignored || o.show_ignored_too || o.hide_empty_directories) {
            return (Treatment::Untracked, Found::default());
        }
        let check_only = o.hide_empty_directories && !o.show_ignored_too;
        let stop_early = check_only && excluded;
        let (mut state, mut found) = self.read_dir(dir, &inner(excluded), check_only, stop_early);
        if state == Treatment::Excluded {
            if o.show_ignored_too && o.matching_ignored {
                state = Treatment::None;
            } else {
                found.ignored.clear();
            }
        }
        if o.show_ignored_too {
            found.untracked.clear();
        }
        if state == Treatment::None && !o.hide_empty_directories {
            state = if excluded {
                Treatment::Excluded
            } else {
                Treatment::Untracked
            };
        }
        (state, found)
    }
}

fn strip(p: &[u8]) -> &[u8] {
    p.strip_suffix(b"/").unwrap_or(p)
}
