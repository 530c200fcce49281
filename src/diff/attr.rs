//! The `diff` attribute, as git applies it to diffs of commits: `-diff` (and the
//! `binary` macro) shows a file as binary, `diff` as text whatever its bytes, and
//! `diff=<driver>` picks a driver from config (`diff.<driver>.binary`). Drivers that
//! change the output in ways oxgit does not implement (`textconv`, `command`,
//! `xfuncname`/`funcname`, `wordRegex`, and git's built-in drivers such as `cpp`) are
//! refused with [`DiffAttrError`], never guessed.
//!
//! Attributes come from the work tree's `.gitattributes` files, `info/attributes` and
//! `core.attributesFile`, as for git's diffs of commits; a bare repository has only the
//! last two (git 2.47 reads no tree's attributes unless `attr.tree` says so, which oxgit
//! refuses). Diffs that read the index (against the index or the work tree) also read a
//! `.gitattributes` missing from the work tree from the index, as git does once it has
//! loaded the index ([`DiffAttributes::with_index`]).

use crate::repo::Repository;
use crate::worktree::convert::{AttrSource, AttrValue, Attributes};
use std::collections::HashMap;
use std::path::PathBuf;

/// What the `diff` attribute makes of one path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DiffAttr {
    /// No attribute (or a driver with no settings): git's binary detection decides.
    Auto,
    /// `-diff`, `binary`, or a driver with `binary = true`: shown as binary.
    Binary,
    /// `diff`: shown as text even with NUL bytes.
    Text,
}

/// A `diff` attribute oxgit cannot apply as git would.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{what} is not supported by oxgit")]
pub struct DiffAttrError {
    /// What applies (the driver, the path).
    pub what: String,
}

/// git's built-in diff drivers (userdiff): each sets function-name and word patterns.
const BUILTIN_DRIVERS: &[&str] = &[
    "ada", "bash", "bibtex", "cpp", "csharp", "css", "dts", "elixir", "fortran", "fountain",
    "golang", "html", "java", "kotlin", "markdown", "matlab", "objc", "pascal", "perl", "php",
    "python", "ruby", "rust", "scheme", "tex",
];

/// The driver settings oxgit does not implement.
const UNSUPPORTED_KEYS: &[&str] = &["textconv", "command", "xfuncname", "funcname", "wordregex"];

/// Reads `<dir>.gitattributes` from the work tree, else from the index's copies of the
/// files the work tree lacks.
struct WorkTreeAttrs {
    root: Option<PathBuf>,
    /// `dir` → contents of `<dir>.gitattributes` in the index, for those missing from the
    /// work tree.
    from_index: HashMap<Vec<u8>, Vec<u8>>,
}

impl AttrSource for WorkTreeAttrs {
    fn read(&self, dir: &[u8]) -> Option<Vec<u8>> {
        let root = self.root.as_ref()?;
        let mut rel = dir.to_vec();
        rel.extend_from_slice(b".gitattributes");
        std::fs::read(root.join(crate::worktree::path_of(&rel)))
            .ok()
            .or_else(|| self.from_index.get(dir).cloned())
    }
}

/// The `diff` attributes of a repository, loaded on demand ([`Repository::diff_attributes`]).
pub struct DiffAttributes {
    attrs: Attributes<'static>,
    /// The configured drivers: name, `binary`, and the first unsupported setting.
    drivers: Vec<(String, bool, Option<String>)>,
    /// `attr.tree` is set (oxgit does not read attributes from a tree).
    attr_tree: bool,
}

impl DiffAttributes {
    /// The attributes of `repo` for diffs of commits (the index is not read).
    pub fn new(repo: &Repository) -> DiffAttributes {
        DiffAttributes::with_source(repo, HashMap::new())
    }

    /// The attributes of `repo` for diffs that read `index`: a `.gitattributes` missing
    /// from the work tree is read from `index` (stage 0).
    pub fn with_index(repo: &Repository, index: &crate::index::Index) -> DiffAttributes {
        let mut from_index = HashMap::new();
        if let Some(root) = repo.work_tree() {
            for (entry, path) in index.iter() {
                let Some(dir) = path.strip_suffix(b".gitattributes") else {
                    continue;
                };
                if entry.stage() != 0 || !(dir.is_empty() || dir.ends_with(b"/")) {
                    continue;
                }
                if root.join(crate::worktree::path_of(path)).is_file() {
                    continue;
                }
                if let Ok(o) = repo.odb().read(&entry.id) {
                    from_index.insert(dir.to_vec(), o.data);
                }
            }
        }
        DiffAttributes::with_source(repo, from_index)
    }

    fn with_source(repo: &Repository, from_index: HashMap<Vec<u8>, Vec<u8>>) -> DiffAttributes {
        let source = WorkTreeAttrs {
            root: repo.work_tree().map(|p| p.to_path_buf()),
            from_index,
        };
        let mut drivers: Vec<(String, bool, Option<String>)> = Vec::new();
        let config = repo.config();
        for (key, _) in config.section_entries("diff") {
            let Some((name, setting)) = key.rsplit_once('.') else {
                continue;
            };
            let i = match drivers.iter().position(|d| d.0 == name) {
                Some(i) => i,
                None => {
                    drivers.push((name.to_string(), false, None));
                    drivers.len() - 1
                }
            };
            let setting = setting.to_ascii_lowercase();
            if setting == "binary" {
                drivers[i].1 = config.get_bool(&format!("diff.{name}.binary")) == Some(true);
            } else if UNSUPPORTED_KEYS.contains(&setting.as_str()) && drivers[i].2.is_none() {
                drivers[i].2 = Some(setting);
            }
        }
        DiffAttributes {
            attrs: Attributes::new(repo, Box::new(source)),
            drivers,
            attr_tree: config.get("attr.tree").is_some(),
        }
    }

    /// What the `diff` attribute says of `path`.
    pub fn get(&self, path: &[u8]) -> Result<DiffAttr, DiffAttrError> {
        if self.attr_tree {
            return Err(DiffAttrError {
                what: "attributes from a tree (attr.tree)".into(),
            });
        }
        let value = self.attrs.lookup(path, &["diff"]).remove(0);
        Ok(match value {
            AttrValue::Unspecified => DiffAttr::Auto,
            AttrValue::Unset => DiffAttr::Binary,
            AttrValue::Set => DiffAttr::Text,
            AttrValue::Value(name) => {
                let configured = self.drivers.iter().find(|d| d.0 == name);
                let unsupported = match configured {
                    Some((_, _, Some(setting))) => Some(format!("diff.{name}.{setting}")),
                    _ if BUILTIN_DRIVERS.contains(&name.as_str()) => {
                        Some(format!("git's built-in '{name}' diff driver"))
                    }
                    _ => None,
                };
                if let Some(what) = unsupported {
                    return Err(DiffAttrError {
                        what: format!("{what} (diff={name} for {})", String::from_utf8_lossy(path)),
                    });
                }
                match configured {
                    Some((_, true, _)) => DiffAttr::Binary,
                    _ => DiffAttr::Auto,
                }
            }
        })
    }

    /// Whether a blob at `path` is shown as binary: the attribute, else git's detection.
    pub fn is_binary(&self, path: &[u8], data: &[u8]) -> Result<bool, DiffAttrError> {
        Ok(match self.get(path)? {
            DiffAttr::Auto => super::binary::is_binary(data),
            DiffAttr::Binary => true,
            DiffAttr::Text => false,
        })
    }

    /// Whether a pair is shown as binary: either side is, each by its own path's
    /// attribute (both paths are the same unless the pair is a rename or copy).
    pub fn is_binary_pair(
        &self,
        old_path: &[u8],
        old: &[u8],
        new_path: &[u8],
        new: &[u8],
    ) -> Result<bool, DiffAttrError> {
        Ok(self.is_binary(old_path, old)? || self.is_binary(new_path, new)?)
    }
}

impl std::fmt::Debug for DiffAttributes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DiffAttributes")
            .field("drivers", &self.drivers)
            .field("attr_tree", &self.attr_tree)
            .finish_non_exhaustive()
    }
}
