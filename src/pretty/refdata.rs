//! What formats show from refs: decorations (`%d`, `%D`, `log --decorate`) and notes
//! (`%N`, `refs/notes/commits`).

use crate::object::{ObjectKind, Tag, TreeIter};
use crate::oid::ObjectId;
use crate::refs::{RefValue, Refs};
use crate::repo::Repository;
use std::collections::HashMap;

/// The kind of a ref decorating a commit (it picks the colour, and `tag: `).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DecorationKind {
    /// `HEAD`.
    Head,
    /// A branch (`refs/heads/`).
    LocalBranch,
    /// A remote-tracking branch (`refs/remotes/`).
    RemoteBranch,
    /// A tag (`refs/tags/`, and the objects an annotated tag peels to).
    Tag,
    /// `refs/stash`.
    Stash,
    /// A replacement (`refs/replace/`).
    Grafted,
    /// Any other ref (`refs/notes/...`, `refs/custom/...`), decorating only when every
    /// ref does (`rev-list`'s `%d`, git's unfiltered decorations).
    Other,
}

impl DecorationKind {
    /// git's default colour for this kind.
    pub fn color(self) -> &'static str {
        match self {
            DecorationKind::Head => "\x1b[1;36m",
            DecorationKind::LocalBranch => "\x1b[1;32m",
            DecorationKind::RemoteBranch => "\x1b[1;31m",
            DecorationKind::Tag => "\x1b[1;33m",
            DecorationKind::Stash => "\x1b[1;35m",
            DecorationKind::Grafted => "\x1b[1;34m",
            DecorationKind::Other => "\x1b[m",
        }
    }
}

/// One name decorating an object.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Decoration {
    /// The full ref name (`refs/heads/main`, `HEAD`).
    pub name: String,
    /// Its kind.
    pub kind: DecorationKind,
}

/// How decorations are spelled and framed (`%(decorate:...)`).
#[derive(Clone, Debug)]
pub struct DecorationStyle {
    /// Before the list (` (`).
    pub prefix: String,
    /// After the list (`)`).
    pub suffix: String,
    /// Between names (`, `).
    pub separator: String,
    /// Between `HEAD` and the branch it points to (` -> `).
    pub pointer: String,
    /// Before tag names (`tag: `).
    pub tag: String,
    /// Show full ref names (`--decorate=full`) instead of short ones.
    pub full: bool,
}

impl Default for DecorationStyle {
    fn default() -> Self {
        DecorationStyle {
            prefix: " (".into(),
            suffix: ")".into(),
            separator: ", ".into(),
            pointer: " -> ".into(),
            tag: "tag: ".into(),
            full: false,
        }
    }
}

/// The refs decorating each object, in git's display order, with the branch `HEAD`
/// points to.
#[derive(Clone, Debug, Default)]
pub struct Decorations {
    by_id: HashMap<ObjectId, Vec<Decoration>>,
    /// The ref `HEAD` points to, when it is a symbolic ref to `refs/...`.
    head_target: Option<String>,
}

impl Decorations {
    /// Builds decorations from `(ref name, id)` pairs in ref order, `HEAD` last (as
    /// git's `load_ref_decorations` adds them), following annotated tags with `peel`.
    pub fn from_refs(
        refs: impl IntoIterator<Item = (String, ObjectId)>,
        head_target: Option<String>,
        peel: impl FnMut(&ObjectId) -> Option<ObjectId>,
    ) -> Decorations {
        Decorations::from_refs_filtered(refs, head_target, peel, false)
    }

    /// [`Decorations::from_refs`]; `every_ref`: refs outside git's default namespaces
    /// decorate too (as [`DecorationKind::Other`]).
    fn from_refs_filtered(
        refs: impl IntoIterator<Item = (String, ObjectId)>,
        head_target: Option<String>,
        mut peel: impl FnMut(&ObjectId) -> Option<ObjectId>,
        every_ref: bool,
    ) -> Decorations {
        let mut d = Decorations {
            by_id: HashMap::new(),
            head_target,
        };
        for (name, id) in refs {
            let kind = if name == "HEAD" {
                DecorationKind::Head
            } else if name == "refs/stash" {
                DecorationKind::Stash
            } else if name.starts_with("refs/heads/") {
                DecorationKind::LocalBranch
            } else if name.starts_with("refs/remotes/") {
                DecorationKind::RemoteBranch
            } else if name.starts_with("refs/tags/") {
                DecorationKind::Tag
            } else if name.starts_with("refs/replace/") {
                DecorationKind::Grafted
            } else if every_ref {
                DecorationKind::Other
            } else {
                // git's default decoration filter shows only the namespaces above.
                continue;
            };
            d.add(id, &name, kind);
            let mut cur = id;
            for _ in 0..64 {
                let Some(next) = peel(&cur) else { break };
                d.add(next, &name, DecorationKind::Tag);
                cur = next;
            }
        }
        d
    }

    fn add(&mut self, id: ObjectId, name: &str, kind: DecorationKind) {
        // git prepends each new decoration to the object's list.
        self.by_id.entry(id).or_default().insert(
            0,
            Decoration {
                name: name.to_string(),
                kind,
            },
        );
    }

    /// The decorations of `repo` with git's default filter (`HEAD`, branches, remote
    /// branches, tags, `refs/stash`, replacements).
    pub fn load(repo: &Repository) -> Result<Decorations, crate::refs::RefError> {
        let (list, head_target) = ref_tips(repo)?;
        Ok(Decorations::from_refs(list, head_target, |id| {
            peel_tag(repo, id)
        }))
    }

    /// The decorations of `repo` from the refs (and `HEAD`) `filter` keeps, whatever
    /// their namespace: git's `load_ref_decorations` with a filter (`--decorate-refs`...;
    /// an empty one keeps every ref, as `rev-list` loads them).
    pub fn load_filtered(
        repo: &Repository,
        filter: &DecorationFilter,
    ) -> Result<Decorations, crate::refs::RefError> {
        let (mut list, head_target) = ref_tips(repo)?;
        list.retain(|(name, _)| filter.matches(name));
        Ok(Decorations::from_refs_filtered(
            list,
            head_target,
            |id| peel_tag(repo, id),
            true,
        ))
    }

    /// The decorated objects (those [`Decorations::of`] names refs for).
    pub fn ids(&self) -> impl Iterator<Item = &ObjectId> {
        self.by_id.keys()
    }

    /// The decorations of `id`, in display order.
    pub fn of(&self, id: &ObjectId) -> &[Decoration] {
        self.by_id.get(id).map_or(&[], Vec::as_slice)
    }

    /// Writes git's `format_decorations` for `id` (nothing when it has none).
    pub fn write(&self, id: &ObjectId, style: &DecorationStyle, color: bool, out: &mut Vec<u8>) {
        let list = self.of(id);
        if list.is_empty() {
            return;
        }
        let c = |s: &'static str| if color { s } else { "" };
        let reset = c(super::color::RESET);
        let commit = c(super::color::COMMIT);
        let show = |d: &Decoration| -> String {
            if style.full {
                return d.name.clone();
            }
            for p in ["refs/heads/", "refs/tags/", "refs/remotes/"] {
                if let Some(s) = d.name.strip_prefix(p) {
                    return s.to_string();
                }
            }
            d.name.clone()
        };
        let has_head = list.iter().any(|d| d.kind == DecorationKind::Head);
        let current = if has_head {
            self.head_target.as_ref().and_then(|t| {
                list.iter()
                    .position(|d| d.kind == DecorationKind::LocalBranch && &d.name == t)
            })
        } else {
            None
        };
        let mut prefix: &str = &style.prefix;
        for (i, d) in list.iter().enumerate() {
            if Some(i) == current {
                continue;
            }
            let dc = c(d.kind.color());
            if !prefix.is_empty() {
                out.extend_from_slice(commit.as_bytes());
                out.extend_from_slice(prefix.as_bytes());
                out.extend_from_slice(reset.as_bytes());
            }
            if !style.tag.is_empty() && d.kind == DecorationKind::Tag {
                out.extend_from_slice(dc.as_bytes());
                out.extend_from_slice(style.tag.as_bytes());
                out.extend_from_slice(reset.as_bytes());
            }
            out.extend_from_slice(dc.as_bytes());
            out.extend_from_slice(show(d).as_bytes());
            out.extend_from_slice(reset.as_bytes());
            if let (Some(cur), DecorationKind::Head) = (current, d.kind) {
                out.extend_from_slice(commit.as_bytes());
                out.extend_from_slice(style.pointer.as_bytes());
                out.extend_from_slice(reset.as_bytes());
                out.extend_from_slice(c(list[cur].kind.color()).as_bytes());
                out.extend_from_slice(show(&list[cur]).as_bytes());
                out.extend_from_slice(reset.as_bytes());
            }
            prefix = &style.separator;
        }
        if !style.suffix.is_empty() {
            out.extend_from_slice(commit.as_bytes());
            out.extend_from_slice(style.suffix.as_bytes());
            out.extend_from_slice(reset.as_bytes());
        }
    }
}

/// Which refs decorate when git's default namespaces do not decide it: git's
/// `decoration_filter` (`--decorate-refs`, `--decorate-refs-exclude`,
/// `log.excludeDecoration`). A ref decorates unless an exclude pattern matches it; then,
/// when include patterns are given, if one matches it, else unless a configured exclude
/// pattern does; an empty filter keeps every ref. Patterns are normalized as git's `normalize_glob_ref` does: `refs/` is
/// put before a pattern that is not `HEAD` and does not start with it, a trailing `/`
/// is dropped; a pattern without glob characters matches the ref and everything under
/// it, one with them is a wildmatch.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DecorationFilter {
    include: Vec<String>,
    exclude: Vec<String>,
    exclude_config: Vec<String>,
}

impl DecorationFilter {
    /// The filter for these patterns (`exclude_config`: `log.excludeDecoration`, checked
    /// after the includes as git does).
    pub fn new(include: &[String], exclude: &[String], exclude_config: &[String]) -> Self {
        let norm = |v: &[String]| -> Vec<String> {
            v.iter()
                .map(|p| {
                    let mut s = if p.starts_with("refs/") || p == "HEAD" {
                        p.clone()
                    } else {
                        format!("refs/{p}")
                    };
                    if s.ends_with('/') {
                        s.pop();
                    }
                    s
                })
                .collect()
        };
        DecorationFilter {
            include: norm(include),
            exclude: norm(exclude),
            exclude_config: norm(exclude_config),
        }
    }

    /// git's `ref_filter_match`.
    pub fn matches(&self, name: &str) -> bool {
        let one = |p: &String| {
            if p.bytes().any(|b| b"*?[\\".contains(&b)) {
                crate::diff::wildmatch(p.as_bytes(), name.as_bytes())
            } else {
                name.strip_prefix(p.as_str())
                    .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
            }
        };
        if self.exclude.iter().any(one) {
            return false;
        }
        if !self.include.is_empty() {
            // An include pattern given wins over `log.excludeDecoration`.
            return self.include.iter().any(one);
        }
        !self.exclude_config.iter().any(one)
    }
}

/// Every ref's `(name, id)` in ref order then `HEAD`'s (as git's `load_ref_decorations`
/// adds them; broken refs left out, symbolic ones resolved), and the ref `HEAD` points
/// to when it is a symbolic ref to `refs/...`.
type RefTips = (Vec<(String, ObjectId)>, Option<String>);

fn ref_tips(repo: &Repository) -> Result<RefTips, crate::refs::RefError> {
    let refs = Refs::new(repo);
    let mut list = Vec::new();
    for e in refs.all()? {
        if e.broken {
            continue;
        }
        let id = match &e.value {
            RefValue::Direct(id) => Some(*id),
            RefValue::Symbolic(_) => refs.resolve(&e.name).ok().flatten(),
        };
        if let Some(id) = id {
            list.push((e.name.clone(), id));
        }
    }
    let mut head_target = None;
    if let Ok(Some(id)) = refs.resolve("HEAD") {
        list.push(("HEAD".to_string(), id));
        if let Ok(Some(t)) = refs.read_symbolic("HEAD") {
            if t.starts_with("refs/") {
                head_target = Some(t);
            }
        }
    }
    Ok((list, head_target))
}

/// The object annotated tag `id` tags (`None`: `id` is no tag).
fn peel_tag(repo: &Repository, id: &ObjectId) -> Option<ObjectId> {
    let obj = repo.odb().read(id).ok()?;
    if obj.kind != ObjectKind::Tag {
        return None;
    }
    Tag::parse(&obj.data).ok().map(|t| t.object)
}

/// The notes of one notes ref: which blob annotates which object.
#[derive(Clone, Debug, Default)]
pub struct Notes {
    by_id: HashMap<ObjectId, ObjectId>,
    /// The notes ref (`refs/notes/commits`).
    pub ref_name: String,
}

impl Notes {
    /// The notes git shows by default: `GIT_NOTES_REF`, else `core.notesRef`, else
    /// `refs/notes/commits` (empty when the ref does not exist).
    pub fn load_default(repo: &Repository) -> Result<Notes, NotesError> {
        let name = std::env::var("GIT_NOTES_REF")
            .ok()
            .or_else(|| repo.config().get("core.notesRef").map(str::to_string))
            .unwrap_or_else(|| "refs/notes/commits".to_string());
        if repo.config().get("notes.displayRef").is_some()
            || std::env::var_os("GIT_NOTES_DISPLAY_REF").is_some()
        {
            return Err(NotesError::Unsupported("notes.displayRef"));
        }
        Notes::load(repo, &name)
    }

    /// The notes of ref `name`.
    pub fn load(repo: &Repository, name: &str) -> Result<Notes, NotesError> {
        let mut notes = Notes {
            by_id: HashMap::new(),
            ref_name: name.to_string(),
        };
        let refs = Refs::new(repo);
        let Some(id) = refs
            .resolve(name)
            .map_err(|e| NotesError::Read(e.to_string()))?
        else {
            return Ok(notes);
        };
        let obj = repo
            .odb()
            .read(&id)
            .map_err(|e| NotesError::Read(e.to_string()))?;
        let tree = match obj.kind {
            ObjectKind::Commit => {
                crate::object::Commit::parse(&obj.data)
                    .map_err(|e| NotesError::Read(e.to_string()))?
                    .tree
            }
            ObjectKind::Tree => id,
            _ => return Ok(notes),
        };
        notes.walk(repo, tree, &mut Vec::new(), 0)?;
        Ok(notes)
    }

    fn walk(
        &mut self,
        repo: &Repository,
        tree: ObjectId,
        prefix: &mut Vec<u8>,
        depth: usize,
    ) -> Result<(), NotesError> {
        if depth > 40 {
            return Ok(());
        }
        let obj = repo
            .odb()
            .read(&tree)
            .map_err(|e| NotesError::Read(e.to_string()))?;
        let hex_len = repo.hash_kind().hex_len();
        for entry in TreeIter::new(&obj.data, repo.hash_kind()) {
            let entry = entry.map_err(|e| NotesError::Read(e.to_string()))?;
            if !entry.name.iter().all(u8::is_ascii_hexdigit) {
                continue;
            }
            let len = prefix.len();
            prefix.extend(entry.name.iter().map(u8::to_ascii_lowercase));
            if entry.mode == crate::object::EntryMode::Tree
                && entry.name.len() == 2
                && prefix.len() < hex_len
            {
                self.walk(repo, entry.id, prefix, depth + 1)?;
            } else if prefix.len() == hex_len && entry.mode != crate::object::EntryMode::Tree {
                if let Ok(id) = ObjectId::from_hex(prefix) {
                    self.by_id.insert(id, entry.id);
                }
            }
            prefix.truncate(len);
        }
        Ok(())
    }

    /// The note text of `id` (git's `format_note`): raw for `%N`, or the indented
    /// `Notes:` block of the default formats.
    pub fn format(
        &self,
        repo: &Repository,
        id: &ObjectId,
        raw: bool,
        out: &mut Vec<u8>,
    ) -> Result<(), NotesError> {
        let Some(blob) = self.by_id.get(id) else {
            return Ok(());
        };
        let obj = repo
            .odb()
            .read(blob)
            .map_err(|e| NotesError::Read(e.to_string()))?;
        if obj.kind != ObjectKind::Blob || obj.data.is_empty() {
            return Ok(());
        }
        let mut msg: &[u8] = &obj.data;
        if let Some(m) = msg.strip_suffix(b"\n") {
            msg = m;
        }
        if !raw {
            let short = self
                .ref_name
                .strip_prefix("refs/")
                .unwrap_or(&self.ref_name);
            let short = short.strip_prefix("notes/").unwrap_or(short);
            if self.ref_name == "refs/notes/commits" {
                out.extend_from_slice(b"\nNotes:\n");
            } else {
                out.extend_from_slice(format!("\nNotes ({short}):\n").as_bytes());
            }
        }
        let mut pos = 0;
        while pos < msg.len() {
            let eol = memchr::memchr(b'\n', &msg[pos..]).map_or(msg.len(), |i| pos + i);
            if !raw {
                out.extend_from_slice(b"    ");
            }
            out.extend_from_slice(&msg[pos..eol]);
            out.push(b'\n');
            pos = eol + 1;
        }
        Ok(())
    }
}

/// Why notes could not be shown.
#[derive(Debug, Clone, thiserror::Error)]
pub enum NotesError {
    /// The notes could not be read.
    #[error("cannot read notes: {0}")]
    Read(String),
    /// A notes setting oxgit does not implement.
    #[error("oxgit does not support {0}")]
    Unsupported(&'static str),
}
