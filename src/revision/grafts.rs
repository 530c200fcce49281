//! Parent overrides: `info/grafts` and the `shallow` file. git reads both before it
//! parses any commit and gives the listed commits the parents they say (a shallow commit
//! none), in every history walk: revision suffixes (`^`, `~`), logs and merge bases. The
//! commit-graph is not used while any graft exists, as in git.

use crate::oid::{IdMap, ObjectId};
use crate::repo::Repository;

/// The parent overrides of one repository.
#[derive(Clone, Debug, Default)]
pub struct Grafts {
    parents: IdMap<Vec<ObjectId>>,
}

impl Grafts {
    /// Reads `info/grafts` (or `$GIT_GRAFT_FILE`) and `shallow` of `repo`'s common
    /// directory. A graft line is a commit id and its parents' ids separated by single
    /// whitespace characters; blank lines and `#` comments are skipped, and a malformed
    /// line is ignored (git reports "bad graft data" and ignores it too). The first graft
    /// of a commit wins; a shallow entry replaces any graft.
    pub fn load(repo: &Repository) -> Grafts {
        let hash = repo.hash_kind();
        let mut parents = IdMap::default();
        let graft_file = std::env::var_os("GIT_GRAFT_FILE")
            .map(std::path::PathBuf::from)
            .unwrap_or_else(|| repo.common_dir().join("info/grafts"));
        if let Ok(text) = std::fs::read(graft_file) {
            for line in text.split(|&b| b == b'\n') {
                if let Some((id, ps)) = parse_graft_line(line, hash.hex_len()) {
                    parents.entry(id).or_insert(ps);
                }
            }
        }
        if let Ok(text) = std::fs::read(repo.common_dir().join("shallow")) {
            for line in text.split(|&b| b == b'\n') {
                if let Ok(id) = ObjectId::from_hex(line) {
                    if id.kind() == hash {
                        parents.insert(id, Vec::new());
                    }
                }
            }
        }
        Grafts { parents }
    }

    /// Whether there are no overrides.
    pub fn is_empty(&self) -> bool {
        self.parents.is_empty()
    }

    /// The parents grafted onto `commit`, if it has an override.
    pub fn parents(&self, commit: &ObjectId) -> Option<&[ObjectId]> {
        self.parents.get(commit).map(Vec::as_slice)
    }

    /// Replaces `parents` (of `commit`) by the override, if there is one.
    pub fn apply(&self, commit: &ObjectId, parents: &mut Vec<ObjectId>) {
        if let Some(ps) = self.parents(commit) {
            parents.clear();
            parents.extend_from_slice(ps);
        }
    }
}

/// git's `read_graft_line`: trailing whitespace trimmed; `None` for blank, comment and
/// malformed lines.
fn parse_graft_line(line: &[u8], hex_len: usize) -> Option<(ObjectId, Vec<ObjectId>)> {
    let end = line
        .iter()
        .rposition(|c| !c.is_ascii_whitespace())
        .map_or(0, |p| p + 1);
    let line = &line[..end];
    if line.is_empty() || line[0] == b'#' {
        return None;
    }
    let id_at = |at: usize| {
        line.get(at..at + hex_len)
            .and_then(|hex| ObjectId::from_hex(hex).ok())
    };
    let id = id_at(0)?;
    let mut parents = Vec::new();
    let mut at = hex_len;
    while at < line.len() {
        if !line[at].is_ascii_whitespace() {
            return None;
        }
        parents.push(id_at(at + 1)?);
        at += 1 + hex_len;
    }
    Some((id, parents))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn graft_lines() {
        let a = "a".repeat(40);
        let b = "b".repeat(40);
        let (id, ps) = parse_graft_line(format!("{a} {b}  \r").as_bytes(), 40).unwrap();
        assert_eq!((id.to_hex(), ps.len()), (a.clone(), 1));
        assert_eq!(parse_graft_line(a.as_bytes(), 40).unwrap().1, vec![]);
        assert!(parse_graft_line(b"# comment", 40).is_none());
        assert!(parse_graft_line(b"", 40).is_none());
        assert!(parse_graft_line(format!("{a}  {b}").as_bytes(), 40).is_none());
        assert!(parse_graft_line(format!("{a} {}", &b[..39]).as_bytes(), 40).is_none());
        assert!(parse_graft_line(format!("{a}x").as_bytes(), 40).is_none());
    }
}
