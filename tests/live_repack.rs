//! A live repository: while git repacks, garbage-collects (pruning packed loose objects,
//! replacing packs) and adds commits, four threads sharing one `Repository` read objects
//! known to exist. No read may fail or return wrong bytes.

mod common;

use common::git_cmd;
use oxgit::{ObjectId, ObjectKind, Repository};
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

fn git(dir: &Path, args: &[&str]) -> String {
    let out = git_cmd(dir).args(args).output().unwrap();
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// One object known to exist, with what reading it must give.
#[derive(Clone)]
struct Known {
    id: ObjectId,
    kind: ObjectKind,
    data: Arc<Vec<u8>>,
}

/// Every object of the repository, from `git cat-file --batch-all-objects --batch`.
fn all_objects(dir: &Path) -> Vec<Known> {
    let out = git_cmd(dir)
        .args(["cat-file", "--batch-all-objects", "--batch"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let mut rest = &out.stdout[..];
    let mut objects = Vec::new();
    while !rest.is_empty() {
        let nl = rest.iter().position(|&b| b == b'\n').unwrap();
        let header = std::str::from_utf8(&rest[..nl]).unwrap();
        let mut parts = header.split(' ');
        let id = ObjectId::from_hex(parts.next().unwrap().as_bytes()).unwrap();
        let kind = ObjectKind::from_name(parts.next().unwrap().as_bytes()).unwrap();
        let size: usize = parts.next().unwrap().parse().unwrap();
        let data = rest[nl + 1..nl + 1 + size].to_vec();
        rest = &rest[nl + 1 + size + 1..];
        objects.push(Known {
            id,
            kind,
            data: Arc::new(data),
        });
    }
    objects
}

/// Adds a commit with a new file and a changed file; returns nothing (objects are read
/// back with `all_objects`).
fn add_commit(dir: &Path, n: usize) {
    std::fs::write(
        dir.join(format!("f{n}")),
        format!("file {n}\n").repeat(n % 7 + 1),
    )
    .unwrap();
    std::fs::write(dir.join("log"), format!("line {n}\n").repeat(n + 1)).unwrap();
    git(dir, &["add", "-A"]);
    git(dir, &["commit", "-q", "-m", &format!("commit {n}")]);
}

#[test]
fn reads_survive_repack_gc_and_new_packs() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    git(dir, &["init", "-q", "-b", "main"]);
    git(dir, &["config", "gc.auto", "0"]);
    for n in 0..12 {
        add_commit(dir, n);
        if n == 4 {
            git(dir, &["repack", "-dq"]);
        }
        if n % 3 == 0 {
            git(dir, &["tag", &format!("t{n}")]);
        }
    }
    git(dir, &["pack-refs", "--all"]);
    // Revisions that never move, with the ids git gives them.
    let specs: Vec<(String, ObjectId)> = ["t3", "t6~2", "t9^{tree}", "t9:log", "t0:f0", "t6^"]
        .iter()
        .map(|s| {
            let hex = git(dir, &["rev-parse", s]);
            (
                s.to_string(),
                ObjectId::from_hex(hex.trim().as_bytes()).unwrap(),
            )
        })
        .collect();
    // Abbreviated ids, found through the prefix search.
    let mut specs = specs;
    for s in ["t3", "t9^{tree}", "t0:f0"] {
        let full = git(dir, &["rev-parse", s]);
        let id = ObjectId::from_hex(full.trim().as_bytes()).unwrap();
        specs.push((full[..10].to_string(), id));
    }
    let known = Arc::new(RwLock::new(all_objects(dir)));
    assert!(known.read().unwrap().len() > 40);

    let repo = Arc::new(Repository::discover(dir).unwrap());
    let stop = Arc::new(AtomicBool::new(false));
    let reads = Arc::new(AtomicUsize::new(0));
    let threads: Vec<_> = (0..4)
        .map(|t| {
            let (repo, stop, known, reads) = (
                Arc::clone(&repo),
                Arc::clone(&stop),
                Arc::clone(&known),
                Arc::clone(&reads),
            );
            let specs = specs.clone();
            std::thread::spawn(move || -> Result<(), String> {
                let mut round = 0usize;
                while !stop.load(Ordering::Relaxed) {
                    let snapshot: Vec<Known> = known.read().unwrap().clone();
                    // Each thread starts at a different place, newest objects included.
                    let n = snapshot.len();
                    for i in 0..n {
                        let k = &snapshot[(i * 7 + t * 13 + round) % n];
                        let obj = repo
                            .odb()
                            .read(&k.id)
                            .map_err(|e| format!("read {}: {e}", k.id))?;
                        if obj.kind != k.kind || obj.data != *k.data {
                            return Err(format!("read {} gave wrong contents", k.id));
                        }
                        let h = repo
                            .odb()
                            .read_header(&k.id)
                            .map_err(|e| format!("read_header {}: {e}", k.id))?;
                        if h != (k.kind, k.data.len() as u64) {
                            return Err(format!("read_header {} gave {h:?}", k.id));
                        }
                        if !repo.odb().contains(&k.id) {
                            return Err(format!("contains {} is false", k.id));
                        }
                        reads.fetch_add(1, Ordering::Relaxed);
                    }
                    for (spec, want) in &specs {
                        let got = oxgit::revision::resolve(&repo, spec)
                            .map_err(|e| format!("resolve {spec}: {e}"))?;
                        if got != *want {
                            return Err(format!("resolve {spec} gave {got}"));
                        }
                    }
                    round += 1;
                }
                Ok(())
            })
        })
        .collect();

    // Mutate: new loose objects, new packs, full repacks, gc.
    let start = Instant::now();
    let mut n = 12;
    let mut cycles = 0;
    // At least four cycles (one of each kind), for about four seconds.
    while cycles < 4 || start.elapsed() < Duration::from_secs(4) {
        add_commit(dir, n);
        n += 1;
        *known.write().unwrap() = all_objects(dir);
        match cycles % 4 {
            0 => git(dir, &["repack", "-dq"]),
            1 => git(dir, &["repack", "-adq"]),
            2 => git(dir, &["gc", "-q", "--prune=now"]),
            _ => git(dir, &["repack", "-adfq", "--depth=3"]),
        };
        cycles += 1;
    }
    stop.store(true, Ordering::Relaxed);
    for t in threads {
        if let Err(e) = t.join().unwrap() {
            panic!("after {cycles} cycles: {e}");
        }
    }
    let reads = reads.load(Ordering::Relaxed);
    assert!(reads > 500, "only {reads} reads ran beside {cycles} cycles");
    // The repository ended packed: loose objects were pruned under the readers.
    let loose = git(dir, &["count-objects"]);
    assert!(loose.starts_with("0 objects"), "{loose}");
}
