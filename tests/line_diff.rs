//! Differential tests of the line diff, patch body and numstat against
//! `git diff --no-index` (git 2.47 on PATH).

mod common;
use common::Rng;

use oxgit::diff::line::{Algorithm, Options, State, Whitespace};
use oxgit::diff::patch::write_hunks;
use std::collections::BTreeMap;
use std::path::Path;

/// A git configuration of the line diff and its oxgit equivalent.
struct Config {
    args: &'static [&'static str],
    options: Options,
}

fn configs() -> Vec<Config> {
    let o = |algorithm, indent_heuristic, context, inter_hunk_context| Options {
        algorithm,
        indent_heuristic,
        context,
        inter_hunk_context,
        function_context: false,
        whitespace: Whitespace::Exact,
        ignore_blank_lines: false,
    };
    let ibl = |whitespace, function_context, context| Options {
        whitespace,
        function_context,
        context,
        ignore_blank_lines: true,
        ..Options::default()
    };
    let ws = |whitespace| Options {
        whitespace,
        ..Options::default()
    };
    let w = |context| Options {
        function_context: true,
        context,
        ..Options::default()
    };
    vec![
        Config {
            args: &[],
            options: o(Algorithm::Myers, true, 3, 0),
        },
        Config {
            args: &["--minimal"],
            options: o(Algorithm::Minimal, true, 3, 0),
        },
        Config {
            args: &["--histogram"],
            options: o(Algorithm::Histogram, true, 3, 0),
        },
        Config {
            args: &["--no-indent-heuristic"],
            options: o(Algorithm::Myers, false, 3, 0),
        },
        Config {
            args: &["-U0"],
            options: o(Algorithm::Myers, true, 0, 0),
        },
        Config {
            args: &["-U1", "--inter-hunk-context=2"],
            options: o(Algorithm::Myers, true, 1, 2),
        },
        Config {
            args: &["-W"],
            options: w(3),
        },
        Config {
            args: &["-W", "-U0"],
            options: w(0),
        },
        Config {
            args: &["-w"],
            options: ws(Whitespace::IgnoreAllSpace),
        },
        Config {
            args: &["-b"],
            options: ws(Whitespace::IgnoreSpaceChange),
        },
        Config {
            args: &["--ignore-space-at-eol"],
            options: ws(Whitespace::IgnoreSpaceAtEol),
        },
        Config {
            args: &["--ignore-cr-at-eol"],
            options: ws(Whitespace::IgnoreCrAtEol),
        },
        Config {
            args: &["--ignore-blank-lines"],
            options: ibl(Whitespace::Exact, false, 3),
        },
        Config {
            args: &["--ignore-blank-lines", "-U1"],
            options: ibl(Whitespace::Exact, false, 1),
        },
        Config {
            args: &["--ignore-blank-lines", "-w", "-W"],
            options: ibl(Whitespace::IgnoreAllSpace, true, 3),
        },
        Config {
            args: &["-b", "--ignore-cr-at-eol"],
            options: ws(Whitespace::IgnoreSpaceChange),
        },
    ]
}

/// git's result for one file: the hunk text (from the first `@@`) and numstat counts
/// (`None` for binary).
#[derive(Debug, Default, PartialEq, Eq, Clone)]
struct Expected {
    body: Vec<u8>,
    counts: Option<(u64, u64)>,
}

fn run_git(dir: &Path, args: &[&str]) -> Vec<u8> {
    let mut c = common::git_cmd(dir);
    c.args(args);
    let out = c.output().expect("run git");
    assert!(
        out.status.code() == Some(0) || out.status.code() == Some(1),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

/// Runs git once over directories `old/` and `new/` holding files `0..n` and returns the
/// per-file results (files without differences are absent).
fn git_batch(dir: &Path, extra: &[&str]) -> BTreeMap<usize, Expected> {
    let mut res: BTreeMap<usize, Expected> = BTreeMap::new();
    let mut args = vec![
        "diff",
        "--no-index",
        "--no-prefix",
        "--no-color",
        "--no-renames",
    ];
    args.extend_from_slice(extra);
    let mut pargs = args.clone();
    pargs.extend(["old", "new"]);
    let patch = run_git(dir, &pargs);
    let mut current: Option<usize> = None;
    let mut in_body = false;
    for line in patch.split_inclusive(|&c| c == b'\n') {
        if let Some(rest) = line.strip_prefix(b"diff --git ") {
            let s = String::from_utf8_lossy(rest);
            let name = s.trim_end().rsplit('/').next().unwrap_or("").to_string();
            let n: usize = name.parse().expect("file number");
            current = Some(n);
            in_body = false;
            res.entry(n).or_default();
            continue;
        }
        let Some(n) = current else { continue };
        if line.starts_with(b"@@") {
            in_body = true;
        }
        if in_body {
            res.get_mut(&n).unwrap().body.extend_from_slice(line);
        }
    }
    let mut nargs = args.clone();
    nargs.extend(["--numstat", "old", "new"]);
    let numstat = run_git(dir, &nargs);
    for line in String::from_utf8_lossy(&numstat).lines() {
        if line.is_empty() {
            continue;
        }
        if line.starts_with("diff --git ") {
            // Options like -U<n> also turn on the patch, which follows the numstat.
            break;
        }
        let mut it = line.split('\t');
        let (Some(a), Some(d), Some(name)) = (it.next(), it.next(), it.next()) else {
            panic!("unexpected numstat line {line:?}");
        };
        let n: usize = name.rsplit('/').next().unwrap().parse().unwrap();
        res.entry(n).or_default().counts = a.parse().ok().zip(d.parse().ok());
    }
    res
}

/// Compares oxgit with git on all `pairs` for every configuration.
fn check_pairs(pairs: &[(Vec<u8>, Vec<u8>)]) {
    common::check_git_version();
    let tmp = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(tmp.path().join("old")).unwrap();
    std::fs::create_dir_all(tmp.path().join("new")).unwrap();
    for (i, (a, b)) in pairs.iter().enumerate() {
        std::fs::write(tmp.path().join("old").join(i.to_string()), a).unwrap();
        std::fs::write(tmp.path().join("new").join(i.to_string()), b).unwrap();
    }
    let mut state = State::new();
    for cfg in configs() {
        let expected = git_batch(tmp.path(), cfg.args);
        for (i, (a, b)) in pairs.iter().enumerate() {
            let exp = expected.get(&i).cloned().unwrap_or_default();
            if oxgit::diff::binary::is_binary_pair(a, b) {
                assert!(
                    a == b || exp.counts.is_none(),
                    "pair {i} should be binary for git"
                );
                continue;
            }
            let diff = state.diff(a, b, &cfg.options).unwrap();
            let mut body = Vec::new();
            write_hunks(&mut body, &diff);
            let c = diff.counts();
            // git omits a modified pair whose diff is empty (possible with -w and friends).
            let counts = if a == b || (c.added, c.deleted) == (0, 0) {
                None
            } else {
                Some((c.added, c.deleted))
            };
            assert_eq!(
                String::from_utf8_lossy(&body),
                String::from_utf8_lossy(&exp.body),
                "patch differs for pair {i} with {:?}\nold:\n{}\nnew:\n{}",
                cfg.args,
                String::from_utf8_lossy(a),
                String::from_utf8_lossy(b)
            );
            assert_eq!(
                counts, exp.counts,
                "numstat differs for pair {i} with {:?}",
                cfg.args
            );
        }
    }
}

fn lines(s: &[&str]) -> Vec<u8> {
    let mut v = Vec::new();
    for l in s {
        v.extend_from_slice(l.as_bytes());
        v.push(b'\n');
    }
    v
}

fn numbered(n: usize) -> Vec<u8> {
    (1..=n)
        .map(|i| format!("{i}\n"))
        .collect::<String>()
        .into_bytes()
}

#[test]
#[allow(clippy::vec_init_then_push)] // one commented case per push
fn crafted_pairs() {
    let mut pairs: Vec<(Vec<u8>, Vec<u8>)> = Vec::new();
    // CRLF vs LF, and a CR-only change.
    pairs.push((b"a\r\nb\r\nc\r\n".to_vec(), b"a\nb\r\nc\n".to_vec()));
    // Missing final newline on either side / both.
    pairs.push((b"1\n2\n3\nlast".to_vec(), b"1\nX\n3\nlast".to_vec()));
    pairs.push((b"1\n2\nlast".to_vec(), b"1\n2\nlast\nmore".to_vec()));
    pairs.push((b"a\nb\n".to_vec(), b"a\nb".to_vec()));
    pairs.push((b"a\nb".to_vec(), b"a\nb\n".to_vec()));
    // Empty files.
    pairs.push((Vec::new(), b"one\n".to_vec()));
    pairs.push((b"one\n".to_vec(), Vec::new()));
    pairs.push((Vec::new(), b"x".to_vec()));
    // Binary (NUL at 7999 vs 8000).
    let mut bin = vec![b'a'; 9000];
    bin[7999] = 0;
    pairs.push((b"text\n".to_vec(), bin.clone()));
    let mut late = vec![b'a'; 9000];
    late[8000] = 0;
    pairs.push((vec![b'a'; 9000], late));
    // A huge single line.
    let mut big = vec![b'x'; 300_000];
    pairs.push((big.clone(), {
        big[150_000] = b'y';
        big
    }));
    // Whitespace-only edits.
    pairs.push((
        lines(&["int f() {", "  return 1;", "}"]),
        lines(&["int f() {", "\treturn 1;", "}  "]),
    ));
    // Blank-line sliding (the spec's indent heuristic example).
    pairs.push((
        lines(&["1", "2", "a", "", "b", "3", "4"]),
        lines(&["1", "2", "a", "", "b", "a", "", "b", "3", "4"]),
    ));
    pairs.push((
        lines(&["/* function */", "foo() {", "    foo", "}", ""]),
        lines(&[
            "/* function */",
            "bar() {",
            "    foo",
            "}",
            "",
            "/* function */",
            "foo() {",
            "    foo",
            "}",
            "",
        ]),
    ));
    // Many moved blocks.
    let blocks: Vec<Vec<u8>> = (0..12)
        .map(|b| {
            lines(&[
                &format!("fn b{b}() {{"),
                &format!("    call({b});"),
                "}",
                "",
            ])
        })
        .collect();
    let old: Vec<u8> = blocks.concat();
    let order = [5, 0, 11, 2, 3, 9, 1, 4, 6, 8, 7, 10];
    let new: Vec<u8> = order
        .iter()
        .map(|&i| blocks[i].clone())
        .collect::<Vec<_>>()
        .concat();
    pairs.push((old, new));
    // Function-name context: long names, non-ASCII cut, Latin-1 line.
    let mut f = Vec::new();
    f.extend_from_slice(b"static int a_very_long_function_name_that_goes_on_and_on_and_on_forever_and_ever_and_ever_and_more(int x)\n");
    f.extend_from_slice(b"caf\xe9 function here\n");
    f.extend_from_slice(&numbered(10));
    f.extend_from_slice(
        "_fn_with_utf8_near_the_cut_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxé\n"
            .as_bytes(),
    );
    f.extend_from_slice(&numbered(10));
    f.extend_from_slice(b"$dollar  \t\r\n");
    f.extend_from_slice(&numbered(10));
    let g: Vec<u8> = String::from_utf8_lossy(&f)
        .replace("\n5\n", "\nfive\n")
        .into_bytes();
    let mut f_latin = f.clone();
    f_latin.splice(0..0, b"head\n".iter().copied());
    let mut g_latin = g.clone();
    g_latin.splice(0..0, b"head\n".iter().copied());
    pairs.push((f_latin, g_latin));
    pairs.push((f.clone(), {
        let mut h = f.clone();
        h.extend_from_slice(b"tail\n");
        h
    }));
    // Hunk merging: changes with gaps of 6 and 7 lines.
    pairs.push((
        numbered(20),
        String::from_utf8(numbered(20))
            .unwrap()
            .replace("\n5\n", "\nV\n")
            .replace("\n12\n", "\nW\n")
            .into_bytes(),
    ));
    pairs.push((
        numbered(20),
        String::from_utf8(numbered(20))
            .unwrap()
            .replace("\n5\n", "\nV\n")
            .replace("\n13\n", "\nW\n")
            .into_bytes(),
    ));
    // Insert at the start, delete the only line.
    pairs.push((numbered(11), [b"zero\n".to_vec(), numbered(11)].concat()));
    pairs.push((b"only\n".to_vec(), Vec::new()));
    // -U0 tail trim: a long common tail.
    let tail: Vec<u8> = (0..400)
        .map(|i| format!("common tail line {}\n", i % 7))
        .collect::<String>()
        .into_bytes();
    pairs.push((
        [lines(&["a", "b", "c"]), tail.clone()].concat(),
        [lines(&["a", "c", "b", "c"]), tail].concat(),
    ));
    check_pairs(&pairs);
}

const POOL: &[&str] = &[
    "",
    "",
    "{",
    "}",
    "  foo();",
    "\tbar();",
    "int x;",
    "int f(void)",
    "a",
    "b",
    "c",
    "    return 0;",
    "  ",
    "// comment",
    "static int g(int y)",
    "x\r",
    "\t}",
    "    if (x) {",
    "foo();",
    "  foo(); ",
    "\t\tfoo();",
    "x",
    "int  x;",
    "x \r",
];

fn random_file(rng: &mut Rng, pool: &[&str], max: usize) -> Vec<String> {
    let n = rng.below(max + 1);
    (0..n)
        .map(|_| pool[rng.below(pool.len())].to_string())
        .collect()
}

fn mutate(rng: &mut Rng, old: &[String], pool: &[&str]) -> Vec<String> {
    let mut new = old.to_vec();
    for _ in 0..1 + rng.below(4) {
        let len = new.len();
        match rng.below(5) {
            0 if len > 0 => {
                let s = rng.below(len);
                let e = (s + 1 + rng.below(4)).min(len);
                new.drain(s..e);
            }
            1 => {
                let at = rng.below(len + 1);
                for _ in 0..1 + rng.below(4) {
                    new.insert(at, pool[rng.below(pool.len())].to_string());
                }
            }
            2 if len > 0 => {
                let s = rng.below(len);
                let e = (s + 1 + rng.below(5)).min(len);
                let block: Vec<String> = new[s..e].to_vec();
                let at = rng.below(len + 1);
                new.splice(at..at, block);
            }
            3 if len > 1 => {
                let s = rng.below(len);
                let e = (s + 1 + rng.below(5)).min(len);
                let block: Vec<String> = new.drain(s..e).collect();
                let at = rng.below(new.len() + 1);
                new.splice(at..at, block);
            }
            _ if len > 0 => {
                let i = rng.below(len);
                new[i] = pool[rng.below(pool.len())].to_string();
            }
            _ => new.push("z".to_string()),
        }
    }
    new
}

fn join(rng: &mut Rng, l: &[String]) -> Vec<u8> {
    let mut s = l.join("\n");
    if !l.is_empty() && rng.below(6) != 0 {
        s.push('\n');
    }
    s.into_bytes()
}

#[test]
fn random_small_alphabet_pairs() {
    let mut rng = Rng(0x1234_5678_9abc_def1);
    let mut pairs = Vec::new();
    for _ in 0..400 {
        let old = random_file(&mut rng, POOL, 40);
        let new = mutate(&mut rng, &old, POOL);
        let (a, b) = (join(&mut rng, &old), join(&mut rng, &new));
        pairs.push((a, b));
    }
    // Unrelated files too (many discarded lines).
    for _ in 0..100 {
        let old = random_file(&mut rng, POOL, 60);
        let new = random_file(&mut rng, POOL, 60);
        pairs.push((join(&mut rng, &old), join(&mut rng, &new)));
    }
    check_pairs(&pairs);
}

/// Large inputs (> 32k lines) with long equal runs and many distinct lines, so that the
/// big-snake heuristic and the max-cost cut-off of git's Myers are exercised.
#[test]
fn large_inputs_hit_cost_cutoffs() {
    let mut rng = Rng(42);
    let mut pairs = Vec::new();
    for round in 0..3 {
        let pool: Vec<String> = (0..(200 + 3000 * round))
            .map(|i| format!("line {i}"))
            .collect();
        let pool_refs: Vec<&str> = pool.iter().map(|s| s.as_str()).collect();
        let mut old: Vec<String> = Vec::new();
        let mut new: Vec<String> = Vec::new();
        while old.len() < 36_000 {
            let run = 1 + rng.below(60);
            if rng.below(3) == 0 {
                for _ in 0..run {
                    old.push(pool_refs[rng.below(pool_refs.len())].to_string());
                }
                for _ in 0..rng.below(60) {
                    new.push(pool_refs[rng.below(pool_refs.len())].to_string());
                }
            } else {
                for _ in 0..run {
                    let l = pool_refs[rng.below(pool_refs.len())].to_string();
                    old.push(l.clone());
                    new.push(l);
                }
            }
        }
        pairs.push((old.join("\n").into_bytes(), new.join("\n").into_bytes()));
    }
    check_pairs(&pairs);
}

mod random_props {
    use super::*;
    use proptest::prelude::*;

    fn file() -> impl Strategy<Value = Vec<u8>> {
        (prop::collection::vec(0..POOL.len(), 0..30), any::<bool>()).prop_map(|(ix, nl)| {
            let mut s = ix.iter().map(|&i| POOL[i]).collect::<Vec<_>>().join("\n");
            if nl && !ix.is_empty() {
                s.push('\n');
            }
            s.into_bytes()
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]
        /// Random pairs over a small alphabet: patch text and numstat equal git's in every
        /// configuration.
        #[test]
        fn random_pairs_match_git(pairs in prop::collection::vec((file(), file()), 1..12)) {
            check_pairs(&pairs);
        }
    }
}

mod fuzz_entry {
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]
        /// The fuzz entry point's invariants (counts equal printed lines, changes rebuild
        /// the new side) hold on arbitrary bytes from a line-heavy alphabet.
        #[test]
        fn fuzz_entry_invariants(data in prop::collection::vec(
            prop::sample::select(vec![b'\n', b'\n', b'a', b'b', b' ', b'\t', b'\r', 0u8, 0xffu8, b'{', b'}']),
            0..400,
        )) {
            oxgit::internals::fuzz_line_diff(&data);
        }
    }
}
