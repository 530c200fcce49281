//! Property test: random edit sequences (add, delete, move, copy, small and large edits,
//! mode flips) committed with git; `oxgit diff` must print what git prints.

mod common;

use common::{assert_same, git, scratch_dir};
use proptest::prelude::*;
use std::collections::BTreeMap;
use std::path::Path;

const DIRS: &[&str] = &["", "d1/", "d2/", "d1/sub/"];
const NAMES: &[&str] = &["x.txt", "y.txt", "z", "w.c", "v.c", "u"];

#[derive(Clone, Debug)]
enum Op {
    Add(usize, Vec<u8>),
    Delete(usize),
    Move(usize, usize),
    Copy(usize, usize),
    EditLittle(usize, u8),
    EditLot(usize, Vec<u8>),
    FlipMode(usize),
}

fn path_of(i: usize) -> String {
    format!(
        "{}{}",
        DIRS[i % DIRS.len()],
        NAMES[(i / DIRS.len()) % NAMES.len()]
    )
}

fn content() -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(0u8..24, 2..30)
}

fn op() -> impl Strategy<Value = Op> {
    let p = 0usize..DIRS.len() * NAMES.len();
    prop_oneof![
        (p.clone(), content()).prop_map(|(i, c)| Op::Add(i, c)),
        (0usize..64).prop_map(Op::Delete),
        (0usize..64, p.clone()).prop_map(|(i, j)| Op::Move(i, j)),
        (0usize..64, p.clone()).prop_map(|(i, j)| Op::Copy(i, j)),
        (0usize..64, any::<u8>()).prop_map(|(i, s)| Op::EditLittle(i, s)),
        (0usize..64, content()).prop_map(|(i, c)| Op::EditLot(i, c)),
        (0usize..64).prop_map(Op::FlipMode),
    ]
}

/// File contents from a pool of lines, so that files share lines and similarity varies.
/// The first line also picks a style: CRLF endings, no final newline, or binary (a NUL
/// byte), which change how git chunks the file for similarity.
fn render(lines: &[u8]) -> Vec<u8> {
    let style = lines.first().map_or(0, |l| l % 7);
    let mut out = Vec::new();
    if style == 3 {
        out.extend_from_slice(b"bin\0ary\n");
    }
    for &l in lines {
        out.extend_from_slice(
            format!("shared pool line number {l} with some padding text").as_bytes(),
        );
        out.extend_from_slice(if style == 1 { b"\r\n" } else { b"\n" });
    }
    if style == 2 {
        out.pop();
    }
    out
}

#[derive(Clone)]
struct File {
    lines: Vec<u8>,
    exec: bool,
}

fn apply(files: &mut BTreeMap<String, File>, op: &Op) {
    let pick = |files: &BTreeMap<String, File>, i: usize| -> Option<String> {
        if files.is_empty() {
            None
        } else {
            files.keys().nth(i % files.len()).cloned()
        }
    };
    match op {
        Op::Add(i, c) => {
            files.insert(
                path_of(*i),
                File {
                    lines: c.clone(),
                    exec: false,
                },
            );
        }
        Op::Delete(i) => {
            if let Some(k) = pick(files, *i) {
                files.remove(&k);
            }
        }
        Op::Move(i, j) => {
            if let Some(k) = pick(files, *i) {
                let f = files.remove(&k).unwrap();
                files.insert(path_of(*j), f);
            }
        }
        Op::Copy(i, j) => {
            if let Some(k) = pick(files, *i) {
                let f = files[&k].clone();
                files.insert(path_of(*j), f);
            }
        }
        Op::EditLittle(i, s) => {
            if let Some(k) = pick(files, *i) {
                let f = files.get_mut(&k).unwrap();
                let at = usize::from(*s) % f.lines.len().max(1);
                if f.lines.is_empty() {
                    f.lines.push(*s % 24);
                } else {
                    f.lines[at] = 24 + (*s % 8);
                }
            }
        }
        Op::EditLot(i, c) => {
            if let Some(k) = pick(files, *i) {
                files.get_mut(&k).unwrap().lines = c.clone();
            }
        }
        Op::FlipMode(i) => {
            if let Some(k) = pick(files, *i) {
                let f = files.get_mut(&k).unwrap();
                f.exec = !f.exec;
            }
        }
    }
}

fn write_tree(dir: &Path, files: &BTreeMap<String, File>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let entry = entry.unwrap();
        if entry.file_name() != ".git" {
            let p = entry.path();
            if p.is_dir() {
                std::fs::remove_dir_all(p).unwrap();
            } else {
                std::fs::remove_file(p).unwrap();
            }
        }
    }
    for (path, f) in files {
        let p = dir.join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(&p, render(&f.lines)).unwrap();
        use std::os::unix::fs::PermissionsExt;
        let mode = if f.exec { 0o755 } else { 0o644 };
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(mode)).unwrap();
    }
    git(dir, &["add", "-A"]);
    git(dir, &["commit", "-q", "--allow-empty", "-m", "step"]);
}

fn check(initial: &[(usize, Vec<u8>)], ops: &[Op]) {
    let tmp = tempfile::Builder::new()
        .prefix("prop-")
        .tempdir_in(scratch_dir())
        .unwrap();
    // PROP_KEEP=1 keeps the repositories for inspection.
    let kept;
    let dir = if std::env::var_os("PROP_KEEP").is_some() {
        kept = tmp.keep();
        kept.as_path()
    } else {
        tmp.path()
    };
    git(dir, &["init", "-q", "-b", "main", "."]);
    let mut files = BTreeMap::new();
    for (i, c) in initial {
        files.insert(
            path_of(*i),
            File {
                lines: c.clone(),
                exec: false,
            },
        );
    }
    write_tree(dir, &files);
    git(dir, &["tag", "one"]);
    for op in ops {
        apply(&mut files, op);
    }
    write_tree(dir, &files);
    for args in [
        &["diff", "--raw", "-M", "one", "main"][..],
        &["diff", "--name-status", "-C", "one", "main"],
        &["diff", "--name-status", "-C", "-C", "one", "main"],
        &["diff", "--summary", "-M30%", "one", "main"],
        &["diff", "--raw", "-B", "-M", "one", "main"],
        &["diff", "--name-status", "-B10%/20%", "-C", "one", "main"],
        &["diff", "-p", "one", "main"],
        &["diff", "--numstat", "--stat", "-C", "one", "main"],
        &["diff", "-U1", "--histogram", "one", "main"],
        &["log", "--numstat", "--format=%H", "main"],
    ] {
        let o = assert_same(dir, args);
        if std::env::var_os("PROP_DEBUG").is_some() {
            eprintln!("{}", String::from_utf8_lossy(&o));
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn random_edits_match_git(
        initial in prop::collection::vec((0usize..DIRS.len() * NAMES.len(), content()), 3..16),
        ops in prop::collection::vec(op(), 1..14),
    ) {
        check(&initial, &ops);
    }
}
