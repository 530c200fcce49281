//! Property test: random edit histories (insertions, deletions, rewrites, blocks moved
//! within the file and copied from another file, renames, side branches merged back,
//! whitespace-only edits); `oxgit blame --porcelain` must print what git prints, with and
//! without `-M`, `-C` and `-w`.

mod common;

use common::{assert_same, git_cmd, run, scratch_dir};
use proptest::prelude::*;
use std::io::Write;

/// One edit of the blamed file.
#[derive(Clone, Debug)]
enum Edit {
    Insert {
        at: usize,
        n: usize,
    },
    Delete {
        at: usize,
        n: usize,
    },
    Rewrite {
        at: usize,
    },
    Move {
        from: usize,
        n: usize,
        to: usize,
    },
    CopyFromOther {
        from: usize,
        n: usize,
        to: usize,
    },
    Whitespace {
        at: usize,
    },
    Rename,
    /// A side commit from the previous commit, then a merge of both.
    Merge {
        at: usize,
    },
}

fn edit() -> impl Strategy<Value = Edit> {
    let ix = 0usize..40;
    prop_oneof![
        4 => (ix.clone(), 1usize..5).prop_map(|(at, n)| Edit::Insert { at, n }),
        3 => (ix.clone(), 1usize..4).prop_map(|(at, n)| Edit::Delete { at, n }),
        3 => ix.clone().prop_map(|at| Edit::Rewrite { at }),
        2 => (ix.clone(), 2usize..7, ix.clone()).prop_map(|(from, n, to)| Edit::Move { from, n, to }),
        2 => (ix.clone(), 2usize..6, ix.clone()).prop_map(|(from, n, to)| Edit::CopyFromOther { from, n, to }),
        1 => ix.clone().prop_map(|at| Edit::Whitespace { at }),
        1 => Just(Edit::Rename),
        1 => ix.prop_map(|at| Edit::Merge { at }),
    ]
}

/// A fast-import stream builder for a history of two files.
struct History {
    stream: Vec<u8>,
    mark: usize,
    date: i64,
    counter: usize,
}

impl History {
    fn line(&mut self, tag: &str) -> String {
        self.counter += 1;
        format!(
            "let {tag}_{} = value_of({}, \"{tag}\");\n",
            self.counter,
            self.counter * 7
        )
    }

    fn commit(&mut self, parents: &[usize], files: &[(&str, &[String])], author: &str) -> usize {
        self.mark += 1;
        self.date += 60 + (self.mark as i64 % 3) * 17;
        let msg = format!("commit {}\n", self.mark);
        write!(
            self.stream,
            "commit refs/heads/main\nmark :{}\nauthor {author} <{author}@example.com> {} +0000\ncommitter C <c@example.com> {} +0000\ndata {}\n{msg}",
            self.mark,
            self.date,
            self.date,
            msg.len()
        )
        .unwrap();
        for (i, p) in parents.iter().enumerate() {
            let kind = if i == 0 { "from" } else { "merge" };
            writeln!(self.stream, "{kind} :{p}").unwrap();
        }
        self.stream.extend_from_slice(b"deleteall\n");
        for (path, lines) in files {
            let data: String = lines.concat();
            write!(
                self.stream,
                "M 100644 inline {path}\ndata {}\n{data}\n",
                data.len()
            )
            .unwrap();
        }
        self.mark
    }
}

fn apply(h: &mut History, file: &mut Vec<String>, other: &[String], e: &Edit) {
    let len = file.len();
    match *e {
        Edit::Insert { at, n } => {
            let at = at.min(len);
            for k in 0..n {
                let l = h.line("ins");
                file.insert(at + k, l);
            }
        }
        Edit::Delete { at, n } => {
            if len > 1 {
                let at = at % len;
                let end = (at + n).min(len);
                file.drain(at..end);
            }
        }
        Edit::Rewrite { at } => {
            if len > 0 {
                file[at % len] = h.line("rw");
            }
        }
        Edit::Move { from, n, to } => {
            if len > n {
                let from = from % (len - n);
                let block: Vec<String> = file.drain(from..from + n).collect();
                let to = to % (file.len() + 1);
                for (k, l) in block.into_iter().enumerate() {
                    file.insert(to + k, l);
                }
            }
        }
        Edit::CopyFromOther { from, n, to } => {
            let from = from % other.len().max(1);
            let end = (from + n).min(other.len());
            let to = to % (len + 1);
            for (k, l) in other[from..end].iter().enumerate() {
                file.insert(to + k, l.clone());
            }
        }
        Edit::Whitespace { at } => {
            if len > 0 {
                let i = at % len;
                file[i] = file[i].replacen(' ', "  ", 1);
            }
        }
        Edit::Rename | Edit::Merge { .. } => {}
    }
}

fn build(edits: &[Edit], case: u64) -> (std::path::PathBuf, String) {
    let dir = scratch_dir().join(format!("blame-prop-{}-{case}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let out = run(
        {
            let mut c = git_cmd(&dir);
            c.args(["init", "-q", "-b", "main"]);
            c
        },
        b"",
    );
    assert!(out.status.success());
    let mut h = History {
        stream: Vec::new(),
        mark: 0,
        date: 1_700_000_000,
        counter: 0,
    };
    let mut file: Vec<String> = (0..12).map(|_| h.line("base")).collect();
    let other: Vec<String> = (0..15).map(|_| h.line("other")).collect();
    let mut name = "f.rs".to_string();
    let mut tip = h.commit(&[], &[(&name, &file), ("other.rs", &other)], "alice");
    let authors = ["alice", "bob", "carol"];
    for (i, e) in edits.iter().enumerate() {
        let author = authors[i % 3];
        match e {
            Edit::Rename => {
                name = if name == "f.rs" {
                    "g.rs".into()
                } else {
                    "f.rs".into()
                };
                let l = h.line("ren");
                file.push(l);
            }
            Edit::Merge { at } => {
                let base = tip;
                let mut side = file.clone();
                apply(&mut h, &mut side, &other, &Edit::Rewrite { at: *at });
                let side_tip = h.commit(&[base], &[(&name, &side), ("other.rs", &other)], "side");
                apply(
                    &mut h,
                    &mut file,
                    &other,
                    &Edit::Insert { at: at + 3, n: 2 },
                );
                let main_tip = h.commit(&[base], &[(&name, &file), ("other.rs", &other)], author);
                // The merge takes the side's rewrite into main's version.
                let at = at % side.len().max(1);
                if at < file.len() && at < side.len() {
                    file[at] = side[at].clone();
                }
                tip = h.commit(
                    &[main_tip, side_tip],
                    &[(&name, &file), ("other.rs", &other)],
                    author,
                );
                continue;
            }
            _ => apply(&mut h, &mut file, &other, e),
        }
        tip = h.commit(&[tip], &[(&name, &file), ("other.rs", &other)], author);
    }
    let out = run(
        {
            let mut c = git_cmd(&dir);
            c.args(["fast-import", "--quiet"]);
            c
        },
        &h.stream,
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = run(
        {
            let mut c = git_cmd(&dir);
            c.args(["reset", "-q", "--hard", "main"]);
            c
        },
        b"",
    );
    assert!(out.status.success());
    (dir, name)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 40, ..ProptestConfig::default() })]

    #[test]
    fn porcelain_matches_git_on_random_histories(
        edits in prop::collection::vec(edit(), 1..14),
        case in any::<u64>(),
    ) {
        let (dir, name) = build(&edits, case);
        for opts in [&[][..], &["-M"], &["-C"], &["-w", "-M"], &["-C", "-C", "-C"]] {
            let mut args = vec!["blame", "--porcelain"];
            args.extend_from_slice(opts);
            args.extend_from_slice(&["--", &name]);
            assert_same(&dir, &args);
        }
        let _ = std::fs::remove_dir_all(&dir);
    }
}
