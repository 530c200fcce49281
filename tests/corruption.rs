//! The corruption suite: copies of fixture repositories with truncated and flipped bytes
//! in their packs, indexes, loose objects, refs and other files. Every command must
//! either give git's answer or fail cleanly: no panic, no hang.
//!
//! "git's answer" is checked whenever both git and oxgit succeed on the damaged copy;
//! when git fails, oxgit may fail too (or succeed where git checks more, e.g. pack
//! trailers it does not need), but never crash.

mod common;
use common::*;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

/// How long one command may take on a small damaged repository.
const TIME_LIMIT: Duration = Duration::from_secs(20);

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let ty = entry.file_type().unwrap();
        let dest = to.join(entry.file_name());
        if ty.is_dir() {
            copy_dir(&entry.path(), &dest);
        } else if ty.is_symlink() {
            let target = std::fs::read_link(entry.path()).unwrap();
            std::os::unix::fs::symlink(target, dest).unwrap();
        } else {
            std::fs::copy(entry.path(), &dest).unwrap();
        }
    }
}

/// Files of the git directory worth damaging, by kind.
fn targets(git_dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![git_dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let p = entry.unwrap().path();
            let rel = p
                .strip_prefix(git_dir)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            if p.is_dir() {
                if !rel.starts_with("hooks") && !rel.starts_with("logs") {
                    stack.push(p);
                }
            } else if rel.starts_with("objects/")
                || rel.starts_with("refs/")
                || rel == "packed-refs"
                || rel == "HEAD"
                || rel == "config"
            {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// One way to damage a file.
fn damage(path: &Path, rng: &mut Rng) -> String {
    let mut bytes = std::fs::read(path).unwrap();
    let len = bytes.len();
    let what = match rng.below(4) {
        0 if len > 0 => {
            let at = rng.below(len);
            bytes.truncate(at);
            format!("truncated to {at}")
        }
        1 if len > 0 => {
            let at = rng.below(len);
            bytes[at] ^= 1 << rng.below(8);
            format!("flipped a bit at {at}")
        }
        2 if len > 0 => {
            let at = rng.below(len);
            let n = (rng.below(16) + 1).min(len - at);
            for b in &mut bytes[at..at + n] {
                *b = 0xff;
            }
            format!("0xff × {n} at {at}")
        }
        _ => {
            let at = rng.below(len + 1);
            bytes.splice(at..at, [0u8, 0x80, 0xff, b'\n']);
            format!("inserted 4 bytes at {at}")
        }
    };
    // Loose objects are read-only; make the copy writable first.
    let mut perm = std::fs::metadata(path).unwrap().permissions();
    #[allow(clippy::permissions_set_readonly_false)]
    perm.set_readonly(false);
    std::fs::set_permissions(path, perm).unwrap();
    std::fs::write(path, bytes).unwrap();
    what
}

/// Runs a command with a time limit; returns (exit code, stdout, stderr).
fn run_limited(mut cmd: std::process::Command) -> (Option<i32>, Vec<u8>, String) {
    use std::io::Read;
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let mut stderr = child.stderr.take().unwrap();
    let out_thread = std::thread::spawn(move || {
        let mut v = Vec::new();
        let _ = stdout.read_to_end(&mut v);
        v
    });
    let err_thread = std::thread::spawn(move || {
        let mut v = Vec::new();
        let _ = stderr.read_to_end(&mut v);
        v
    });
    let start = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break Some(s);
        }
        if start.elapsed() > TIME_LIMIT {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let out = out_thread.join().unwrap();
    let err = String::from_utf8_lossy(&err_thread.join().unwrap()).into_owned();
    match status {
        Some(s) => (s.code(), out, err),
        None => panic!("command hung for more than {TIME_LIMIT:?}: {cmd:?}"),
    }
}

/// The commands every damaged repository is put through.
const COMMANDS: &[&[&str]] = &[
    &["cat-file", "--batch-all-objects", "--batch-check"],
    &["cat-file", "--batch-all-objects", "--batch"],
    &["cat-file", "-p", "HEAD"],
    &["cat-file", "-p", "HEAD^{tree}"],
    &["log", "--format=%H %T %P %s"],
    &["rev-parse", "HEAD", "v1.0-outer^{}", "side~1"],
    &["diff", "--raw", "-M", "main~4", "main"],
    &["diff", "-p", "--stat", "main~4", "odd"],
    &["log", "--numstat", "--format=%H"],
    &["log", "--format=%h %s", "--", "src"],
    &["merge-base", "--all", "main", "side"],
];

fn corruption_suite(fixture_name: &str, seed: u64, rounds: usize) {
    let pristine = fixture(fixture_name);
    let files = targets(&pristine.join(".git"));
    assert!(files.len() > 5, "fixture has files to damage");
    let mut rng = Rng(seed);
    let scratch = scratch_dir().join(format!("corrupt-{fixture_name}-{}", std::process::id()));
    for round in 0..rounds {
        let _ = std::fs::remove_dir_all(&scratch);
        copy_dir(&pristine, &scratch);
        let victim_rel = files[rng.below(files.len())]
            .strip_prefix(&pristine)
            .unwrap()
            .to_path_buf();
        let what = damage(&scratch.join(&victim_rel), &mut rng);
        for args in COMMANDS {
            let mut ox = oxgit_cmd(&scratch);
            ox.args(*args);
            let (code, out, err) = run_limited(ox);
            let context = format!(
                "round {round}: {} {what}; oxgit {args:?}",
                victim_rel.display()
            );
            assert!(
                !err.contains("panicked") && code != Some(101),
                "{context} panicked:\n{err}"
            );
            assert!(code.is_some(), "{context} was killed by a signal:\n{err}");
            if code == Some(0) {
                let mut g = git_cmd(&scratch);
                g.args(*args);
                let (gcode, gout, _) = run_limited(g);
                if gcode == Some(0) {
                    assert!(
                        gout == out,
                        "{context}: both succeeded but outputs differ\n--- git\n{}\n--- oxgit\n{}",
                        String::from_utf8_lossy(&gout),
                        String::from_utf8_lossy(&out)
                    );
                }
            }
        }
    }
    let _ = std::fs::remove_dir_all(&scratch);
}

#[test]
fn damaged_loose_repository() {
    corruption_suite("basic", 0x5eed_0001, 60);
}

#[test]
fn damaged_packed_repository() {
    corruption_suite("basic-packed", 0x5eed_0002, 80);
}
