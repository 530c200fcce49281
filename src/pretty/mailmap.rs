//! `.mailmap`: canonical names and emails for the identities in commits, read as git
//! reads them (`.mailmap` in the work tree, `mailmap.blob` — `HEAD:.mailmap` by default
//! in bare repositories — and `mailmap.file`), with git's four line forms:
//!
//! ```text
//! Proper Name <commit@email>
//! <proper@email> <commit@email>
//! Proper Name <proper@email> <commit@email>
//! Proper Name <proper@email> Commit Name <commit@email>
//! ```
//!
//! Emails and names are matched without regard to ASCII case.
//!
//! ```
//! use oxgit::pretty::Mailmap;
//!
//! let map = Mailmap::parse(b"Jane Doe <jane@example.com> <JD@old.example>\n");
//! let (name, email) = map.map(b"jd", b"jd@OLD.example");
//! assert_eq!((name, email), (&b"Jane Doe"[..], &b"jane@example.com"[..]));
//! ```

use crate::repo::Repository;
use std::collections::BTreeMap;

/// A replacement: the proper name and/or email.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct Info {
    name: Option<Vec<u8>>,
    email: Option<Vec<u8>>,
}

/// Everything recorded for one commit email.
#[derive(Clone, Debug, Default)]
struct Entry {
    /// The simple mapping (lines without a commit name).
    simple: Info,
    /// Mappings that also need the commit name to match, by lowercased name.
    by_name: BTreeMap<Vec<u8>, Info>,
}

/// A parsed mailmap.
#[derive(Clone, Debug, Default)]
pub struct Mailmap {
    /// By lowercased commit email.
    entries: BTreeMap<Vec<u8>, Entry>,
}

/// git's `parse_name_and_email`: `(name, email, rest)` of `Name <email> rest`.
/// A name (if any), an email and the rest of the line.
type NameEmail<'a> = (Option<&'a [u8]>, &'a [u8], &'a [u8]);

fn name_and_email(buf: &[u8], allow_empty_email: bool) -> Option<NameEmail<'_>> {
    let left = memchr::memchr(b'<', buf)?;
    let right = left + 1 + memchr::memchr(b'>', &buf[left + 1..])?;
    if !allow_empty_email && right == left + 1 {
        return None;
    }
    let name = buf[..left].trim_ascii();
    let name = (!name.is_empty()).then_some(name);
    Some((name, &buf[left + 1..right], &buf[right + 1..]))
}

impl Mailmap {
    /// Parses mailmap text (lines starting with `#` are comments), adding to nothing.
    pub fn parse(text: &[u8]) -> Mailmap {
        let mut m = Mailmap::default();
        m.add_text(text);
        m
    }

    /// Adds the lines of `text`; later lines override earlier ones.
    pub fn add_text(&mut self, text: &[u8]) {
        for line in text.split(|&b| b == b'\n') {
            if line.first() == Some(&b'#') {
                continue;
            }
            let Some((name1, email1, rest)) = name_and_email(line, false) else {
                continue;
            };
            let second = name_and_email(rest, true);
            let (name2, email2) = match second {
                Some((n, e, _)) => (n, Some(e)),
                None => (None, None),
            };
            self.add(name1, email1, name2, email2);
        }
    }

    fn add(
        &mut self,
        new_name: Option<&[u8]>,
        new_email: &[u8],
        old_name: Option<&[u8]>,
        old_email: Option<&[u8]>,
    ) {
        let (new_email, old_email) = match old_email {
            None => (None, new_email),
            Some(old) => (Some(new_email), old),
        };
        let entry = self
            .entries
            .entry(old_email.to_ascii_lowercase())
            .or_default();
        match old_name {
            None => {
                if let Some(n) = new_name {
                    entry.simple.name = Some(n.to_vec());
                }
                if let Some(e) = new_email {
                    entry.simple.email = Some(e.to_vec());
                }
            }
            Some(old) => {
                entry.by_name.insert(
                    old.to_ascii_lowercase(),
                    Info {
                        name: new_name.map(<[u8]>::to_vec),
                        email: new_email.map(<[u8]>::to_vec),
                    },
                );
            }
        }
    }

    /// Whether the map has no entries (git then skips lookups).
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The canonical name and email of an identity (unchanged where nothing maps).
    pub fn map<'a>(&'a self, name: &'a [u8], email: &'a [u8]) -> (&'a [u8], &'a [u8]) {
        self.lookup(name, email).unwrap_or((name, email))
    }

    /// git's `map_user`: the canonical name and email when the map has an entry for the
    /// identity (even one that maps it to itself), `None` when it has none.
    pub fn lookup<'a>(&'a self, name: &'a [u8], email: &'a [u8]) -> Option<(&'a [u8], &'a [u8])> {
        let entry = self.entries.get(&email.to_ascii_lowercase())?;
        let info = entry
            .by_name
            .get(&name.to_ascii_lowercase())
            .unwrap_or(&entry.simple);
        if info.name.is_none() && info.email.is_none() {
            return None;
        }
        Some((
            info.name.as_deref().unwrap_or(name),
            info.email.as_deref().unwrap_or(email),
        ))
    }

    /// The mailmap git uses for `repo`: the work tree's `.mailmap` (not followed if it is
    /// a symbolic link), then `mailmap.blob` (default `HEAD:.mailmap` in a bare
    /// repository; a blob that does not resolve is skipped), then `mailmap.file`.
    pub fn load(repo: &Repository) -> Result<Mailmap, crate::revision::RevisionError> {
        let mut map = Mailmap::default();
        if let Some(wt) = repo.work_tree() {
            let path = wt.join(".mailmap");
            match std::fs::symlink_metadata(&path) {
                Ok(meta) if meta.file_type().is_symlink() => {
                    eprintln!(
                        "error: unable to open mailmap at .mailmap: Too many levels of symbolic links"
                    );
                }
                Ok(_) => {
                    if let Ok(text) = std::fs::read(&path) {
                        map.add_text(&text);
                    }
                }
                Err(_) => {}
            }
        }
        let blob = match repo.config().get("mailmap.blob") {
            Some(b) => Some(b.to_string()),
            None if repo.work_tree().is_none() => Some("HEAD:.mailmap".to_string()),
            None => None,
        };
        if let Some(spec) = blob.filter(|b| !b.is_empty()) {
            match crate::revision::resolve(repo, &spec) {
                Ok(id) => {
                    let obj = repo.odb().read(&id)?;
                    if obj.kind == crate::ObjectKind::Blob {
                        map.add_text(&obj.data);
                    } else {
                        eprintln!("error: mailmap is not a blob: {spec}");
                    }
                }
                Err(e) if e.is_not_found() => {}
                Err(e) => return Err(e),
            }
        }
        if let Some(file) = repo.config().get("mailmap.file") {
            let path = expand_home(file);
            if let Ok(text) = std::fs::read(path) {
                map.add_text(&text);
            }
        }
        Ok(map)
    }
}

/// `~/` at the start of a configured path is the home folder.
fn expand_home(p: &str) -> std::path::PathBuf {
    match p.strip_prefix("~/") {
        Some(rest) => std::env::var_os("HOME")
            .map(|h| std::path::PathBuf::from(h).join(rest))
            .unwrap_or_else(|| p.into()),
        None => p.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn all_four_forms() {
        let m = Mailmap::parse(
            b"# comment\n\
              Proper One <one@x>\n\
              <proper2@x> <two@x>\n\
              Proper Three <proper3@x> <THREE@x>\n\
              Proper Four <proper4@x> Old Four <four@x>\n\
              bad line\n",
        );
        assert_eq!(m.map(b"a", b"ONE@x"), (&b"Proper One"[..], &b"ONE@x"[..]));
        assert_eq!(m.map(b"a", b"two@x"), (&b"a"[..], &b"proper2@x"[..]));
        assert_eq!(
            m.map(b"a", b"three@x"),
            (&b"Proper Three"[..], &b"proper3@x"[..])
        );
        assert_eq!(
            m.map(b"old four", b"four@x"),
            (&b"Proper Four"[..], &b"proper4@x"[..])
        );
        assert_eq!(
            m.map(b"someone", b"four@x"),
            (&b"someone"[..], &b"four@x"[..])
        );
        assert_eq!(m.map(b"n", b"nobody@x"), (&b"n"[..], &b"nobody@x"[..]));
    }
}
