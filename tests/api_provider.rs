//! A `SideProvider` plugs a non-object side (here a work tree read from disk) into the
//! differ: its changes carry the null id for unhashed content, and the differ asks the
//! provider for the bytes and the id to show. The patch equals `git diff HEAD`.

mod common;
use common::*;
use oxgit::api::{
    DiffOptions, DiffRequest, Differ, Endpoints, Error, GitText, Resolved, Sections, Side,
    SideProvider, Style,
};
use oxgit::diff::Change;
use oxgit::{ObjectId, ObjectKind, Repository};
use std::path::PathBuf;

/// A work tree that knows which files differ from HEAD (as a status engine would).
struct FakeWorkTree {
    root: PathBuf,
    modified: Vec<(Vec<u8>, ObjectId)>,
}

impl SideProvider for FakeWorkTree {
    fn changes(
        &self,
        _repo: &Repository,
        old: &Resolved,
        new: &Resolved,
        _options: &DiffOptions,
        _include_unmodified: bool,
    ) -> Result<Vec<Change>, Error> {
        assert!(matches!(old, Resolved::Tree { .. }));
        assert_eq!(new, &Resolved::WorkTree);
        Ok(self
            .modified
            .iter()
            .map(|(path, old_id)| {
                let null = old_id.kind().null_id();
                Change::modified(path.clone(), 0o100644, *old_id, 0o100644, null)
            })
            .collect())
    }

    fn load(
        &self,
        side: &Resolved,
        path: &[u8],
        _mode: u32,
        buf: &mut Vec<u8>,
    ) -> Result<ObjectId, Error> {
        assert_eq!(side, &Resolved::WorkTree);
        let data = std::fs::read(self.root.join(String::from_utf8_lossy(path).as_ref()))?;
        buf.extend_from_slice(&data);
        Ok(oxgit::oid::hash_object(
            oxgit::HashKind::Sha1,
            ObjectKind::Blob,
            &data,
        ))
    }
}

#[test]
fn a_work_tree_side_gives_git_s_patch() {
    check_git_version();
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    git(d, &["init", "-q"]);
    std::fs::write(d.join("a.txt"), "one\ntwo\nthree\n").unwrap();
    std::fs::write(d.join("b.txt"), "alpha\nbeta\n").unwrap();
    git(d, &["add", "."]);
    git(d, &["commit", "-q", "-m", "c0"]);
    std::fs::write(d.join("a.txt"), "one\n2\nthree\nfour\n").unwrap();
    std::fs::write(d.join("b.txt"), "alpha\n").unwrap();
    let repo = Repository::discover(d).unwrap();
    let blob = |p: &str| oxgit::revision::resolve(&repo, &format!("HEAD:{p}")).unwrap();
    let provider = FakeWorkTree {
        root: d.to_path_buf(),
        modified: vec![
            (b"a.txt".to_vec(), blob("a.txt")),
            (b"b.txt".to_vec(), blob("b.txt")),
        ],
    };
    let request = DiffRequest::new(&repo, Endpoints::pair("HEAD", Side::WorkTree)).unwrap();
    // Without a provider the work tree is refused, with a clear kind.
    let err = Differ::new(&repo, &request).err().unwrap();
    assert_eq!(err.kind(), oxgit::ErrorKind::Unsupported);
    let differ = Differ::with_provider(&repo, &request, &provider).unwrap();
    for (sections, args) in [
        (Sections::PATCH, &["diff", "HEAD"][..]),
        (
            Sections::NUMSTAT | Sections::STAT,
            &["diff", "--numstat", "--stat", "HEAD"],
        ),
        (Sections::RAW, &["diff", "--raw", "HEAD"]),
    ] {
        let mut sink = GitText::new(&repo, sections, Style::of(&request.options), Vec::new());
        differ.run(&mut sink).unwrap();
        assert_eq!(
            String::from_utf8_lossy(&sink.into_inner()),
            String::from_utf8_lossy(&git(d, args)),
            "{args:?}"
        );
    }
}
