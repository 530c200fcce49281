//! Reading every object of a generated repository: whole objects (`read_into`) and headers
//! only (`read_header`), with a warm and a cold delta-base cache.
//!
//! The repository (about 4,000 objects: 300 commits editing 12 files, repacked with delta
//! chains up to 50 deep) is built with git in a temporary folder when the bench starts.
//! Run: `cargo bench --bench read_objects` (set `OXGIT_BENCH_KEEP=1` to keep the
//! repository and print its path).

use oxgit::internals::odb::Odb;
use oxgit::{HashKind, ObjectId};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;

fn main() {
    divan::main();
}

/// The generated repository and its object ids.
struct Fixture {
    _dir: tempfile::TempDir,
    objects: PathBuf,
    ids: Vec<ObjectId>,
}

fn git(dir: &Path) -> Command {
    let mut c = Command::new("git");
    c.current_dir(dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("HOME", "/nonexistent");
    c
}

/// A fast-import stream: `commits` commits, each rewriting a few of `files` files with a
/// small edit of their previous text.
fn stream(commits: usize, files: usize) -> Vec<u8> {
    let mut texts: Vec<Vec<String>> = (0..files)
        .map(|f| {
            (0..200)
                .map(|l| format!("file {f} line {l} some text to make it longer\n"))
                .collect()
        })
        .collect();
    let mut out = Vec::new();
    for c in 0..commits {
        writeln!(out, "commit refs/heads/main").unwrap();
        writeln!(
            out,
            "committer C O Mitter <c@example.com> {} +0000",
            1_700_000_000 + c * 60
        )
        .unwrap();
        let msg = format!("commit {c}\n");
        write!(out, "data {}\n{msg}", msg.len()).unwrap();
        for (f, lines) in texts.iter_mut().enumerate() {
            if (c + f) % 3 != 0 {
                continue;
            }
            let at = (c * 7 + f * 13) % lines.len();
            lines[at] = format!("file {f} line {at} edited in commit {c}\n");
            if c % 5 == 0 {
                lines.push(format!("appended in {c}\n"));
            }
            let body: String = lines.concat();
            writeln!(out, "M 100644 inline dir{}/file{f}.txt", f % 3).unwrap();
            write!(out, "data {}\n{body}\n", body.len()).unwrap();
        }
        out.push(b'\n');
    }
    out
}

fn fixture() -> &'static Fixture {
    static F: OnceLock<Fixture> = OnceLock::new();
    F.get_or_init(|| {
        let dir = tempfile::tempdir().expect("tempdir");
        let repo = dir.path();
        assert!(git(repo)
            .args(["init", "-q", "."])
            .status()
            .unwrap()
            .success());
        let mut child = git(repo)
            .args(["fast-import", "--quiet"])
            .stdin(Stdio::piped())
            .spawn()
            .expect("git fast-import");
        child
            .stdin
            .take()
            .unwrap()
            .write_all(&stream(300, 12))
            .unwrap();
        assert!(child.wait().unwrap().success());
        assert!(git(repo)
            .args(["repack", "-adfq", "--depth=50", "--window=50"])
            .status()
            .unwrap()
            .success());
        let objects = repo.join(".git/objects");
        let ids = Odb::open(&objects, HashKind::Sha1)
            .unwrap()
            .all_ids()
            .unwrap();
        assert!(ids.len() > 2000, "only {} objects", ids.len());
        if std::env::var_os("OXGIT_BENCH_KEEP").is_some() {
            // Keep the repository to compare with git by hand.
            eprintln!("bench repository: {}", repo.display());
            let kept = dir.keep();
            return Fixture {
                _dir: tempfile::tempdir().expect("tempdir"),
                objects: kept.join(".git/objects"),
                ids,
            };
        }
        Fixture {
            _dir: dir,
            objects,
            ids,
        }
    })
}

/// Every object, through one long-lived handle (warm delta-base cache after the first
/// pass).
#[divan::bench]
fn read_all_warm(bencher: divan::Bencher) {
    let f = fixture();
    let odb = Odb::open(&f.objects, HashKind::Sha1).unwrap();
    let mut buf = Vec::new();
    bencher.bench_local(|| {
        let mut total = 0usize;
        for id in &f.ids {
            odb.read_into(id, &mut buf).unwrap();
            total += buf.len();
        }
        total
    });
}

/// Every object through a fresh handle each time (cold cache, packs opened anew).
#[divan::bench]
fn read_all_cold(bencher: divan::Bencher) {
    let f = fixture();
    let mut buf = Vec::new();
    bencher.bench_local(|| {
        let odb = Odb::open(&f.objects, HashKind::Sha1).unwrap();
        let mut total = 0usize;
        for id in &f.ids {
            odb.read_into(id, &mut buf).unwrap();
            total += buf.len();
        }
        total
    });
}

/// Every object's kind and size (what `cat-file --batch-check` needs).
#[divan::bench]
fn read_header_all(bencher: divan::Bencher) {
    let f = fixture();
    let odb = Odb::open(&f.objects, HashKind::Sha1).unwrap();
    bencher.bench_local(|| {
        let mut total = 0u64;
        for id in &f.ids {
            total += odb.read_header(id).unwrap().1;
        }
        total
    });
}

/// Every object's kind and size the way `cat-file --batch-all-objects --batch-check` gets
/// them: listed with their pack entries, headers read in pack order.
#[divan::bench]
fn listed_headers_all(bencher: divan::Bencher) {
    let f = fixture();
    let odb = Odb::open(&f.objects, HashKind::Sha1).unwrap();
    bencher.bench_local(|| {
        let list = odb.all_objects().unwrap();
        let mut memo = oxgit::internals::odb::KindMemo::new();
        let headers = odb.listed_headers(&list);
        let mut total = 0u64;
        for (i, h) in headers.iter().enumerate() {
            total += match h {
                Some(h) => h.1,
                None => odb.read_listed_header(&list, i, &mut memo).unwrap().1,
            };
        }
        total
    });
}

/// Every object's contents through its listed pack entry (`--batch-all-objects --batch`).
#[divan::bench]
fn read_listed_all(bencher: divan::Bencher) {
    let f = fixture();
    let odb = Odb::open(&f.objects, HashKind::Sha1).unwrap();
    let list = odb.all_objects().unwrap();
    let mut buf = Vec::new();
    bencher.bench_local(|| {
        let mut total = 0usize;
        for i in 0..list.len() {
            odb.read_listed(&list, i, &mut buf).unwrap();
            total += buf.len();
        }
        total
    });
}
