// Entry points shared by the fuzz targets in `fuzz_targets/` and the corpus replay test
// `tests/fuzz_corpus.rs` (both `include` this file through `#[path]`), so that what the
// fuzzer runs is exactly what `cargo test` replays.
//
// Each entry takes arbitrary bytes, feeds them to one parser of oxgit's public API and
// exercises what it parsed. It returns whether the input parsed; it must never panic, hang
// or allocate without bound.
#![allow(dead_code)]

use oxgit::config::Config;
use oxgit::object::{check_entry_name, Commit, Tag, TreeIter};
use oxgit::refs::{is_per_worktree, is_pseudoref_syntax, is_valid_refname, PackedRefs, Refs};
use oxgit::{HashKind, Repository};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};

/// A fuzz entry point: bytes in, "did it parse" out.
pub type Entry = fn(&[u8]) -> bool;

/// Every target: its name (the folder under `corpus/` and `artifacts/`) and its entry.
pub const TARGETS: [(&str, Entry); 11] = [
    ("tree", tree),
    ("commit", commit),
    ("tag", tag),
    ("packed_refs", packed_refs),
    ("refs", refs),
    ("revision", revision),
    ("config", config),
    ("commit_graph", commit_graph),
    ("line_diff", line_diff),
    ("ref_format", ref_format),
    ("index", index),
];

/// First line: a `for-each-ref` format; rest: a commit or tag whose message and
/// identities are split as the ref-filter atoms split them, and rendered.
pub fn ref_format(data: &[u8]) -> bool {
    oxgit::internals::fuzz_ref_format(data)
}

/// An index file, both hash kinds; if a second `DIRC` header follows the first, the
/// input is a split index followed by its shared index. Every entry's path is looked up
/// again, and the cache tree and resolve-undo data are walked.
pub fn index(data: &[u8]) -> bool {
    use oxgit::index::Index;
    let second = data
        .windows(4)
        .skip(1)
        .position(|w| w == b"DIRC")
        .map(|p| p + 1);
    let mut any = false;
    for hash in [HashKind::Sha1, HashKind::Sha256] {
        let parsed = match second {
            Some(p) => Index::from_split_bytes(&data[..p], &data[p..], hash),
            None => Index::from_bytes(data, hash),
        };
        let Ok(idx) = parsed else { continue };
        any = true;
        for (e, path) in idx.iter() {
            let found = idx.position(path, e.stage());
            assert!(found.is_ok(), "entry {:?} not found again", path);
            let _ = (e.skip_worktree(), e.intent_to_add(), e.assume_valid());
        }
        let mut stack: Vec<&oxgit::index::CacheTree> = idx.cache_tree().into_iter().collect();
        while let Some(t) = stack.pop() {
            stack.extend(t.children.iter().map(|(_, c)| c));
        }
        let _ = idx.resolve_undo().len();
    }
    any
}

/// Two buffers diffed with every algorithm; panics only if an invariant breaks (counts that
/// disagree with the printed lines, or a patch that does not rebuild the new side).
pub fn line_diff(data: &[u8]) -> bool {
    oxgit::internals::fuzz_line_diff(data);
    true
}

/// A commit-graph file (single layer, both hash kinds): if it validates, every position's
/// id and commit data are read back, and every id is looked up again.
pub fn commit_graph(data: &[u8]) -> bool {
    let mut any = false;
    for hash in [HashKind::Sha1, HashKind::Sha256] {
        let Ok(g) = oxgit::internals::odb::CommitGraph::from_bytes(data.to_vec(), hash) else {
            continue;
        };
        any = true;
        for pos in 0..g.len().min(4096) {
            // A damaged (unsorted) id table may hide ids from lookups; callers then fall
            // back to the commit objects. A lookup that answers must answer right.
            if let Some(id) = g.id_at(pos) {
                if let Some(found) = g.lookup(&id) {
                    assert_eq!(g.id_at(found), Some(id), "lookup of a listed id");
                }
            }
            let _ = g.commit(pos);
        }
    }
    any
}

/// Tree contents, read with both hash kinds: every entry's name is validated and adjacent
/// entries are compared in git's order.
pub fn tree(data: &[u8]) -> bool {
    let mut any_ok = false;
    for hash in [HashKind::Sha1, HashKind::Sha256] {
        let mut prev = None;
        let mut ok = true;
        for entry in TreeIter::new(data, hash) {
            let Ok(e) = entry else {
                ok = false;
                break;
            };
            let _ = check_entry_name(e.name);
            let _ = e.mode.as_raw();
            if let Some(p) = prev {
                let _ = e.cmp_git(&p);
            }
            prev = Some(e);
        }
        any_ok |= ok;
    }
    any_ok
}

/// Commit contents: parsed, with identities and subject derived.
pub fn commit(data: &[u8]) -> bool {
    match Commit::parse(data) {
        Ok(c) => {
            let _ = c.author_signature();
            let _ = c.committer_signature();
            let _ = c.subject();
            true
        }
        Err(_) => false,
    }
}

/// Annotated tag contents.
pub fn tag(data: &[u8]) -> bool {
    Tag::parse(data).is_ok()
}

/// A `packed-refs` file, with both hash kinds; every ref parsed is looked up again.
pub fn packed_refs(data: &[u8]) -> bool {
    let mut any_ok = false;
    for hash in [HashKind::Sha1, HashKind::Sha256] {
        if let Ok(p) = PackedRefs::parse(data, hash) {
            for r in p.iter() {
                assert!(p.find(&r.name).is_some(), "{} not found again", r.name);
            }
            any_ok = true;
        }
    }
    any_ok
}

/// Where scratch folders go: the target directory's tmp folder under `cargo test`, the
/// system's temporary folder in a fuzz run.
fn scratch_root() -> PathBuf {
    option_env!("CARGO_TARGET_TMPDIR").map_or_else(std::env::temp_dir, PathBuf::from)
}

/// A scratch git dir for the `refs` target (one per process).
fn refs_dir() -> &'static Mutex<PathBuf> {
    static DIR: OnceLock<Mutex<PathBuf>> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = scratch_root().join(format!("oxgit-fuzz-refs-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("refs/heads")).expect("scratch refs dir");
        Mutex::new(dir)
    })
}

/// Ref names and loose ref file contents. The input is split at its first newline: the
/// first line is checked as a ref name (and its classification helpers run); the rest is
/// written as the file `refs/heads/fuzz` (and as `HEAD`) of a scratch git dir and read
/// back raw and resolved through `HEAD`, both for SHA-1 and SHA-256.
pub fn refs(data: &[u8]) -> bool {
    let (name, contents) = match data.iter().position(|&b| b == b'\n') {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => (data, &[][..]),
    };
    let name = String::from_utf8_lossy(name);
    let valid = is_valid_refname(&name, true);
    let _ = is_valid_refname(&name, false);
    let _ = is_pseudoref_syntax(&name);
    let _ = is_per_worktree(&name);
    let guard = refs_dir().lock().unwrap_or_else(|e| e.into_inner());
    let dir: &Path = &guard;
    std::fs::write(dir.join("refs/heads/fuzz"), contents).expect("write ref");
    std::fs::write(dir.join("HEAD"), contents).expect("write HEAD");
    let mut read_ok = false;
    for hash in [HashKind::Sha1, HashKind::Sha256] {
        let refs = Refs::at(dir, dir, hash);
        read_ok |= refs.read_raw("refs/heads/fuzz").is_ok();
        let _ = refs.resolve("HEAD");
        let _ = refs.head();
        if valid {
            let _ = refs.resolve(&name);
        }
    }
    valid || read_ok
}

/// The small repository revision specs are resolved in: built once with git, then shared.
fn revision_repo() -> &'static Repository {
    static REPO: OnceLock<Repository> = OnceLock::new();
    REPO.get_or_init(|| {
        let dir = scratch_root().join(format!("oxgit-fuzz-rev-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("scratch repo dir");
        let script = "set -e
git init -q -b main .
git config user.name F; git config user.email f@x
printf 'a\\n' > a; mkdir d; printf 'b\\n' > d/b; git add .; git commit -qm one
git tag -a v1 -m tag-one; git tag light
git checkout -qb side; printf 's\\n' > s; git add s; git commit -qm side
git checkout -q main; printf 'c\\n' > a; git commit -qam two
git merge -q --no-edit side; git pack-refs --all
printf 'x\\n' > a; git commit -qam 'three: with a message'";
        let out = std::process::Command::new("bash")
            .args(["-c", script])
            .current_dir(&dir)
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_AUTHOR_DATE", "@1700000000 +0000")
            .env("GIT_COMMITTER_DATE", "@1700000000 +0000")
            .output()
            .expect("run git");
        assert!(
            out.status.success(),
            "building the revision repo failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        Repository::open(&dir.join(".git")).expect("open the revision repo")
    })
}

/// Revision syntax (`HEAD~2^{tree}:d/b`, `:/msg`, `@{-1}`, `v1^{}`, abbreviations…)
/// resolved in a small fixed repository. Specs longer than 512 bytes are cut.
pub fn revision(data: &[u8]) -> bool {
    let spec = String::from_utf8_lossy(&data[..data.len().min(512)]);
    oxgit::revision::resolve(revision_repo(), &spec).is_ok()
}

/// A config file: parsed, then a few typed lookups.
pub fn config(data: &[u8]) -> bool {
    match Config::parse(data) {
        Ok(c) => {
            for key in [
                "core.bare",
                "core.abbrev",
                "a.b",
                "s.sub.key",
                "remote.origin.url",
            ] {
                let _ = c.get(key);
                let _ = c.get_bool(key);
                let _ = c.get_int(key);
                let _ = c.get_all(key).count();
            }
            true
        }
        Err(_) => false,
    }
}
