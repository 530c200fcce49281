//! Property test: random word-level edits of prose files in nested directories
//! (replaced, inserted and deleted words, punctuation, whitespace runs, blank lines,
//! whole lines, files added, deleted and moved), committed with git; `--word-diff` in
//! each mode and `--dirstat` in each mode must print what git prints. Some files turn
//! binary (a NUL byte), which dirstat counts in bytes.

mod common;

use common::{assert_same, git, scratch_dir};
use proptest::prelude::*;
use std::collections::BTreeMap;
use std::path::Path;

const DIRS: &[&str] = &["", "a/", "a/b/", "a/b/c/", "d/", "d/e/"];
const NAMES: &[&str] = &["x.txt", "y.md", "z"];
/// Words, punctuation and whitespace the texts are made of (one token each).
const TOKENS: &[&str] = &[
    "the",
    "quick",
    "fox",
    "jumps",
    "over",
    "lazy",
    "dog",
    "foo(bar)",
    "x+y",
    "a,b",
    ".",
    ",",
    ";",
    "!",
    "caf\u{e9}",
    "\u{65e5}\u{672c}",
    " ",
    " ",
    " ",
    "  ",
    "\t",
    "\n",
    "\n",
    "\n\n",
    " \n",
];

fn text() -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(0..TOKENS.len() as u8, 0..40)
}

fn render(tokens: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    for &t in tokens {
        match TOKENS.get(usize::from(t)) {
            Some(text) => out.extend_from_slice(text.as_bytes()),
            None => out.extend_from_slice(b"\0binary\0"),
        }
    }
    // Most files end with a newline; some do not.
    if !tokens.len().is_multiple_of(5) {
        out.push(b'\n');
    }
    out
}

#[derive(Clone, Debug)]
enum Op {
    /// Replace, insert or delete the token at a place.
    Replace(usize, usize, u8),
    Insert(usize, usize, u8),
    Delete(usize, usize),
    /// A whole new text.
    Rewrite(usize, Vec<u8>),
    Add(usize, Vec<u8>),
    Remove(usize),
    Move(usize, usize),
    /// Makes a file binary.
    Binary(usize),
}

fn path_of(i: usize) -> String {
    format!(
        "{}{}",
        DIRS[i % DIRS.len()],
        NAMES[(i / DIRS.len()) % NAMES.len()]
    )
}

fn op() -> impl Strategy<Value = Op> {
    let p = 0usize..DIRS.len() * NAMES.len();
    let t = 0..TOKENS.len() as u8;
    prop_oneof![
        4 => (0usize..64, 0usize..64, t.clone()).prop_map(|(f, at, x)| Op::Replace(f, at, x)),
        3 => (0usize..64, 0usize..64, t).prop_map(|(f, at, x)| Op::Insert(f, at, x)),
        3 => (0usize..64, 0usize..64).prop_map(|(f, at)| Op::Delete(f, at)),
        1 => (0usize..64, text()).prop_map(|(f, c)| Op::Rewrite(f, c)),
        1 => (p.clone(), text()).prop_map(|(i, c)| Op::Add(i, c)),
        1 => (0usize..64).prop_map(Op::Remove),
        1 => (0usize..64, p).prop_map(|(i, j)| Op::Move(i, j)),
        1 => (0usize..64).prop_map(Op::Binary),
    ]
}

fn apply(files: &mut BTreeMap<String, Vec<u8>>, op: &Op) {
    let pick = |files: &BTreeMap<String, Vec<u8>>, i: usize| {
        (!files.is_empty()).then(|| files.keys().nth(i % files.len()).cloned().unwrap())
    };
    match op {
        Op::Replace(f, at, x) | Op::Insert(f, at, x) => {
            if let Some(k) = pick(files, *f) {
                let t = files.get_mut(&k).unwrap();
                let at = at % (t.len() + 1);
                if matches!(op, Op::Replace(..)) && at < t.len() {
                    t[at] = *x;
                } else {
                    t.insert(at, *x);
                }
            }
        }
        Op::Delete(f, at) => {
            if let Some(k) = pick(files, *f) {
                let t = files.get_mut(&k).unwrap();
                if !t.is_empty() {
                    let at = at % t.len();
                    t.remove(at);
                }
            }
        }
        Op::Rewrite(f, c) => {
            if let Some(k) = pick(files, *f) {
                files.insert(k, c.clone());
            }
        }
        Op::Add(i, c) => {
            files.insert(path_of(*i), c.clone());
        }
        Op::Remove(i) => {
            if let Some(k) = pick(files, *i) {
                files.remove(&k);
            }
        }
        Op::Binary(f) => {
            if let Some(k) = pick(files, *f) {
                files.get_mut(&k).unwrap().push(u8::MAX);
            }
        }
        Op::Move(i, j) => {
            if let Some(k) = pick(files, *i) {
                let t = files.remove(&k).unwrap();
                files.insert(path_of(*j), t);
            }
        }
    }
}

fn write_tree(dir: &Path, files: &BTreeMap<String, Vec<u8>>) {
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
    for (path, t) in files {
        let p = dir.join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(&p, render(t)).unwrap();
    }
    git(dir, &["add", "-A"]);
    git(dir, &["commit", "-q", "--allow-empty", "-m", "step"]);
}

fn check(initial: &[(usize, Vec<u8>)], ops: &[Op]) {
    let tmp = tempfile::Builder::new()
        .prefix("prop-words-")
        .tempdir_in(scratch_dir())
        .unwrap();
    let dir = tmp.path();
    git(dir, &["init", "-q", "-b", "main", "."]);
    let mut files = BTreeMap::new();
    for (i, c) in initial {
        files.insert(path_of(*i), c.clone());
    }
    write_tree(dir, &files);
    git(dir, &["tag", "one"]);
    for op in ops {
        apply(&mut files, op);
    }
    write_tree(dir, &files);
    for args in [
        &["diff", "--word-diff=porcelain", "one", "main"][..],
        &["diff", "--word-diff", "-U1", "one", "main"],
        &["diff", "--color-words", "-U0", "one", "main"],
        &[
            "diff",
            "--word-diff=porcelain",
            "--word-diff-regex=[a-z]+|[^[:space:]]",
            "one",
            "main",
        ],
        &[
            "diff",
            "--word-diff",
            "--word-diff-regex=[a-z]|[a-z]+[,.!]?|o|.",
            "one",
            "main",
        ],
        &["diff", "--dirstat=0", "one", "main"],
        &["diff", "--dirstat=lines,0,cumulative", "one", "main"],
        &[
            "diff",
            "--dirstat=files,10",
            "--compact-summary",
            "one",
            "main",
        ],
    ] {
        assert_same(dir, args);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn random_word_edits_match_git(
        initial in prop::collection::vec((0usize..DIRS.len() * NAMES.len(), text()), 2..10),
        ops in prop::collection::vec(op(), 1..12),
    ) {
        check(&initial, &ops);
    }
}
