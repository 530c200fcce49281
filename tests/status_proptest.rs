//! Property test: random edits to a committed work tree (modify, delete, add, chmod,
//! symlink, file <-> directory, stage some, intent-to-add, same-size rewrites in the
//! index's second), then `status` and `ls-files` must print what git prints.

mod common;

use common::{git, git_cmd, oxgit_cmd, run, scratch_dir};
use proptest::prelude::*;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

const PATHS: &[&str] = &[
    "a.txt",
    "b.txt",
    "c",
    "d/e.txt",
    "d/f",
    "d/g/h.txt",
    "i/j",
    "k l.txt",
    "m/n/o",
];

#[derive(Clone, Debug)]
enum Op {
    Modify(usize, u8),
    SameSize(usize),
    Delete(usize),
    Add(usize, u8),
    Chmod(usize),
    Symlink(usize),
    ToDir(usize),
    Stage(usize),
    StageAll,
    IntentToAdd(usize),
    Untrack(usize),
}

fn op() -> impl Strategy<Value = Op> {
    let p = 0usize..PATHS.len();
    prop_oneof![
        (p.clone(), any::<u8>()).prop_map(|(i, b)| Op::Modify(i, b)),
        p.clone().prop_map(Op::SameSize),
        p.clone().prop_map(Op::Delete),
        (p.clone(), any::<u8>()).prop_map(|(i, b)| Op::Add(i, b)),
        p.clone().prop_map(Op::Chmod),
        p.clone().prop_map(Op::Symlink),
        p.clone().prop_map(Op::ToDir),
        p.clone().prop_map(Op::Stage),
        Just(Op::StageAll),
        p.clone().prop_map(Op::IntentToAdd),
        p.prop_map(Op::Untrack),
    ]
}

fn write(dir: &Path, rel: &str, data: &[u8]) {
    let p = dir.join(rel);
    if let Some(parent) = p.parent() {
        // A file in the way of the folder is replaced.
        let mut anc = parent.to_path_buf();
        let mut chain = Vec::new();
        while anc != dir {
            chain.push(anc.clone());
            anc.pop();
        }
        for a in chain.iter().rev() {
            if a.symlink_metadata().is_ok_and(|m| !m.is_dir()) {
                let _ = std::fs::remove_file(a);
            }
        }
        std::fs::create_dir_all(parent).unwrap();
    }
    if p.symlink_metadata().is_ok_and(|m| m.is_dir()) {
        std::fs::remove_dir_all(&p).unwrap();
    } else {
        let _ = std::fs::remove_file(&p);
    }
    std::fs::write(&p, data).unwrap();
}

fn apply(dir: &Path, op: &Op) {
    let path = |i: usize| PATHS[i];
    let full = |i: usize| dir.join(PATHS[i]);
    let exists = |i: usize| full(i).symlink_metadata().is_ok_and(|m| m.is_file());
    match op {
        Op::Modify(i, b) if exists(*i) => {
            let mut d = std::fs::read(full(*i)).unwrap();
            d.extend_from_slice(format!("more {b}\n").as_bytes());
            std::fs::write(full(*i), d).unwrap();
        }
        Op::SameSize(i) if exists(*i) => {
            let mut d = std::fs::read(full(*i)).unwrap();
            if let Some(c) = d.first_mut() {
                *c = if *c == b'X' { b'Y' } else { b'X' };
            }
            std::fs::write(full(*i), d).unwrap();
        }
        Op::Delete(i) => {
            let p = full(*i);
            if p.symlink_metadata().is_ok_and(|m| m.is_dir()) {
                std::fs::remove_dir_all(p).unwrap();
            } else {
                let _ = std::fs::remove_file(p);
            }
        }
        Op::Add(i, b) => write(dir, path(*i), format!("added {b}\n").as_bytes()),
        Op::Chmod(i) if exists(*i) => {
            let p = full(*i);
            let mode = p.metadata().unwrap().permissions().mode();
            std::fs::set_permissions(&p, std::fs::Permissions::from_mode(mode ^ 0o111)).unwrap();
        }
        Op::Symlink(i) => {
            let p = full(*i);
            if p.symlink_metadata().is_ok_and(|m| !m.is_dir()) {
                std::fs::remove_file(&p).unwrap();
                std::os::unix::fs::symlink("a.txt", &p).unwrap();
            }
        }
        Op::ToDir(i) => {
            let p = full(*i);
            if p.symlink_metadata().is_ok_and(|m| !m.is_dir()) {
                std::fs::remove_file(&p).unwrap();
                std::fs::create_dir(&p).unwrap();
                std::fs::write(p.join("inside"), b"inside\n").unwrap();
            }
        }
        Op::Stage(i) => {
            let mut c = git_cmd(dir);
            c.args(["add", "-A", "--", path(*i)]);
            let _ = run(c, b"");
        }
        Op::StageAll => {
            git(dir, &["add", "-A"]);
        }
        Op::IntentToAdd(i) if exists(*i) => {
            let mut c = git_cmd(dir);
            c.args(["add", "-N", "--", path(*i)]);
            let _ = run(c, b"");
        }
        Op::Untrack(i) => {
            let mut c = git_cmd(dir);
            c.args([
                "rm",
                "-q",
                "--cached",
                "-r",
                "--ignore-unmatch",
                "--",
                path(*i),
            ]);
            let _ = run(c, b"");
        }
        _ => {}
    }
}

fn compare(dir: &Path, args: &[&str]) -> Result<(), TestCaseError> {
    let mut g = git_cmd(dir);
    g.args(args).env("GIT_OPTIONAL_LOCKS", "0");
    let mut o = oxgit_cmd(dir);
    o.args(args)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null");
    let (e, a) = (run(g, b""), run(o, b""));
    prop_assert_eq!(
        String::from_utf8_lossy(&e.stdout),
        String::from_utf8_lossy(&a.stdout),
        "{:?} in {}; oxgit stderr: {}",
        args,
        dir.display(),
        String::from_utf8_lossy(&a.stderr)
    );
    prop_assert_eq!(e.status.code(), a.status.code());
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 40, ..ProptestConfig::default() })]

    #[test]
    fn random_edits_match_git(ops in prop::collection::vec(op(), 1..14), seed in any::<u32>()) {
        let dir = scratch_dir().join(format!("status-prop-{}-{seed}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        git(&dir, &["init", "-q", "-b", "main"]);
        for (k, p) in PATHS.iter().enumerate() {
            write(&dir, p, format!("file {k} seed {seed}\n").as_bytes());
        }
        std::fs::write(dir.join(".gitignore"), b"*.log\n").unwrap();
        git(&dir, &["add", "-A"]);
        git(&dir, &["commit", "-q", "-m", "base"]);
        for op in &ops {
            apply(&dir, op);
        }
        std::fs::write(dir.join("noise.log"), b"ignored\n").unwrap();
        for args in [
            &["status", "--porcelain=v2", "-uall"][..],
            &["status", "--porcelain=v2", "--branch"],
            &["status", "-s"],
            &["status"],
            &["status", "--ignored", "-s"],
            &["ls-files", "-s"],
            &["ls-files", "-m"],
            &["ls-files", "-d"],
            &["ls-files", "-o", "--exclude-standard"],
        ] {
            compare(&dir, args)?;
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
