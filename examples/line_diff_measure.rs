//! Measures how often oxgit's line diff matches `git diff --no-index` on real file pairs.
//!
//! Usage: `cargo run --example line_diff_measure -- [--algo myers|minimal|patience|histogram]
//! [--show N] OLD_DIR NEW_DIR [OLD_DIR NEW_DIR ...]`
//!
//! For every path present in both directories of a pair whose contents differ, it
//! compares the hunks (`git diff --no-index --no-prefix -U3`, header lines stripped) and
//! the numstat counts, and prints the share of identical results.
//!
//! With `--repo GIT_DIR [--max-commits N]`, every text file changed by a non-merge commit
//! (against its first parent) is compared: `git diff-tree -p` hunks and numstat against
//! oxgit's on the two blobs.
//!
//! With `--mutate SEED DIR...`, every text file under the directories is instead paired
//! with a copy carrying a few realistic random edits (moved, deleted, duplicated and
//! re-indented blocks, changed lines).
//!
//! `--ws exact|cr|eol|b|w` compares under a whitespace mode (`--ignore-cr-at-eol`,
//! `--ignore-space-at-eol`, `-b`, `-w`), `--blank` adds `--ignore-blank-lines`.
//!
//! `--imara` also measures imara-diff's own algorithms (Myers, minimal Myers and
//! Histogram, each with `postprocess_lines` and with `postprocess_no_heuristic`) on the
//! same pairs: where oxgit matched git, imara's change blocks are compared with oxgit's
//! (equal blocks print equal patches); the tally is printed at the end.

use oxgit::diff::line::{Algorithm, Change, Options, State, Whitespace};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Mutex, OnceLock};

/// The whitespace options of the run: git's flags and oxgit's options.
struct Ws {
    git: Vec<&'static str>,
    mode: Whitespace,
    blank: bool,
}

static WS: OnceLock<Ws> = OnceLock::new();

fn ws() -> &'static Ws {
    WS.get_or_init(|| Ws {
        git: Vec::new(),
        mode: Whitespace::Exact,
        blank: false,
    })
}

fn options(algo: Algorithm) -> Options {
    Options {
        algorithm: algo,
        whitespace: ws().mode,
        ignore_blank_lines: ws().blank,
        ..Options::default()
    }
}

/// imara-diff's variants measured with `--imara`: name, algorithm, indent heuristic,
/// and the oxgit algorithm it is compared with.
const IMARA: [(&str, imara_diff::Algorithm, bool, Algorithm); 6] = [
    (
        "Myers + postprocess_lines",
        imara_diff::Algorithm::Myers,
        true,
        Algorithm::Myers,
    ),
    (
        "Myers + postprocess_no_heuristic",
        imara_diff::Algorithm::Myers,
        false,
        Algorithm::Myers,
    ),
    (
        "MyersMinimal + postprocess_lines",
        imara_diff::Algorithm::MyersMinimal,
        true,
        Algorithm::Minimal,
    ),
    (
        "MyersMinimal + postprocess_no_heuristic",
        imara_diff::Algorithm::MyersMinimal,
        false,
        Algorithm::Minimal,
    ),
    (
        "Histogram + postprocess_lines",
        imara_diff::Algorithm::Histogram,
        true,
        Algorithm::Histogram,
    ),
    (
        "Histogram + postprocess_no_heuristic",
        imara_diff::Algorithm::Histogram,
        false,
        Algorithm::Histogram,
    ),
];

/// Per imara variant: (pairs compared, identical change blocks, identical counts).
static IMARA_TALLY: Mutex<[(usize, usize, usize); 6]> = Mutex::new([(0, 0, 0); 6]);
static IMARA_ON: OnceLock<bool> = OnceLock::new();

/// With `--imara`: compares imara-diff's variants with oxgit's change blocks for one pair
/// on which oxgit matched git (exact comparison only).
fn imara_compare(state: &mut State, old: &[u8], new: &[u8]) {
    if !IMARA_ON.get().copied().unwrap_or(false) || ws().mode != Whitespace::Exact || ws().blank {
        return;
    }
    let input = imara_diff::InternedInput::new(old, new);
    let mut tally = IMARA_TALLY.lock().unwrap();
    for (k, &(_, algo, heuristic, ours)) in IMARA.iter().enumerate() {
        let opts = Options {
            indent_heuristic: heuristic,
            ..options(ours)
        };
        let Ok(port) = state.diff(old, new, &opts) else {
            continue;
        };
        let want: Vec<Change> = port.changes().to_vec();
        let (wa, wd) = (port.counts().added, port.counts().deleted);
        let mut d = imara_diff::Diff::compute(algo, &input);
        if heuristic {
            d.postprocess_lines(&input);
        } else {
            d.postprocess_no_heuristic(&input);
        }
        let got: Vec<Change> = d
            .hunks()
            .map(|h| Change {
                old_start: h.before.start,
                old_len: h.before.end - h.before.start,
                new_start: h.after.start,
                new_len: h.after.end - h.after.start,
            })
            .collect();
        let t = &mut tally[k];
        t.0 += 1;
        if got == want {
            t.1 += 1;
        }
        if (
            u64::from(d.count_additions()),
            u64::from(d.count_removals()),
        ) == (wa, wd)
        {
            t.2 += 1;
        }
    }
}

fn imara_report() {
    if !IMARA_ON.get().copied().unwrap_or(false) {
        return;
    }
    let tally = IMARA_TALLY.lock().unwrap();
    for (k, (name, ..)) in IMARA.iter().enumerate() {
        let (n, blocks, counts) = tally[k];
        let pct = |x: usize| {
            if n == 0 {
                100.0
            } else {
                x as f64 * 100.0 / n as f64
            }
        };
        println!(
            "imara-diff {name}: {n} pairs, identical hunks {blocks} ({:.2}%), identical numstat {counts} ({:.2}%)",
            pct(blocks),
            pct(counts)
        );
    }
}

fn walk(root: &Path, rel: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(root.join(rel)) else {
        return;
    };
    for e in rd.flatten() {
        let p = rel.join(e.file_name());
        let Ok(ft) = e.file_type() else { continue };
        if ft.is_dir() {
            walk(root, &p, out);
        } else if ft.is_file() {
            out.push(p);
        }
    }
}

fn git_body(a: &Path, b: &Path, algo: Algorithm) -> (Vec<u8>, Option<(u64, u64)>) {
    let algo_arg = match algo {
        Algorithm::Myers => "--diff-algorithm=myers",
        Algorithm::Minimal => "--diff-algorithm=minimal",
        Algorithm::Histogram => "--diff-algorithm=histogram",
        Algorithm::Patience => "--diff-algorithm=patience",
    };
    let out = Command::new("git")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .args([
            "diff",
            "--no-index",
            "--no-prefix",
            "--no-color",
            "-U3",
            algo_arg,
            "--numstat",
            "-p",
        ])
        .args(&ws().git)
        .arg(a)
        .arg(b)
        .output()
        .expect("run git");
    let text = out.stdout;
    // The numstat line comes first, then an empty line, then the patch.
    let nl = text.iter().position(|&c| c == b'\n').unwrap_or(text.len());
    let first = String::from_utf8_lossy(&text[..nl]).to_string();
    let mut it = first.split('\t');
    let counts = match (it.next(), it.next()) {
        (Some(x), Some(y)) => x.parse().ok().zip(y.parse().ok()),
        _ => None,
    };
    let body = match text.windows(3).position(|w| w == b"\n@@") {
        Some(p) => text[p + 1..].to_vec(),
        None => Vec::new(),
    };
    (body, counts)
}

struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) % n.max(1) as u64) as usize
    }
}

/// A copy of `data` with 1 to 5 random block edits.
fn mutate(rng: &mut Rng, data: &[u8]) -> Vec<u8> {
    let mut lines: Vec<Vec<u8>> = data
        .split_inclusive(|&c| c == b'\n')
        .map(|l| l.to_vec())
        .collect();
    for _ in 0..1 + rng.below(5) {
        let n = lines.len();
        if n == 0 {
            lines.push(b"new\n".to_vec());
            continue;
        }
        let s = rng.below(n);
        let e = (s + 1 + rng.below(30)).min(n);
        match rng.below(6) {
            0 => {
                lines.drain(s..e);
            }
            1 => {
                let block: Vec<Vec<u8>> = lines.drain(s..e).collect();
                let at = rng.below(lines.len() + 1);
                lines.splice(at..at, block);
            }
            2 => {
                let block: Vec<Vec<u8>> = lines[s..e].to_vec();
                let at = rng.below(n + 1);
                lines.splice(at..at, block);
            }
            3 => {
                for l in &mut lines[s..e] {
                    if l.len() > 1 {
                        l.splice(0..0, *b"    ");
                    }
                }
            }
            4 => {
                let src = rng.below(n);
                let l = lines[src].clone();
                lines.insert(s, l);
                lines.insert(s, b"\n".to_vec());
            }
            _ => {
                let mut l = lines[s].clone();
                l.splice(0..0, *b"changed ");
                lines[s] = l;
            }
        }
    }
    lines.concat()
}

fn git(git_dir: &str, args: &[&str]) -> Vec<u8> {
    Command::new("git")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .arg("--git-dir")
        .arg(git_dir)
        .args(args)
        .output()
        .expect("run git")
        .stdout
}

/// Reads blobs through one `git cat-file --batch` process.
struct Blobs {
    child: std::process::Child,
    out: std::io::BufReader<std::process::ChildStdout>,
}

impl Blobs {
    fn new(git_dir: &str) -> Blobs {
        let mut child = Command::new("git")
            .arg("--git-dir")
            .arg(git_dir)
            .args(["cat-file", "--batch"])
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .expect("cat-file");
        let out = std::io::BufReader::new(child.stdout.take().unwrap());
        Blobs { child, out }
    }

    fn get(&mut self, id: &str) -> Vec<u8> {
        use std::io::{BufRead, Read, Write};
        if id.bytes().all(|c| c == b'0') {
            return Vec::new();
        }
        let stdin = self.child.stdin.as_mut().unwrap();
        writeln!(stdin, "{id}").unwrap();
        stdin.flush().unwrap();
        let mut header = String::new();
        self.out.read_line(&mut header).unwrap();
        let size: usize = header
            .split(' ')
            .nth(2)
            .and_then(|s| s.trim().parse().ok())
            .unwrap_or(0);
        let mut data = vec![0; size + 1];
        self.out.read_exact(&mut data).unwrap();
        data.truncate(size);
        data
    }
}

/// Compares every text file changed by up to `max` non-merge commits of `git_dir`.
/// Returns (files, identical patches, identical numstats, commits skipped).
fn measure_repo(
    git_dir: &str,
    max: usize,
    algo: Algorithm,
    show: &mut usize,
) -> (usize, usize, usize, usize) {
    let algo_arg = match algo {
        Algorithm::Myers => "--diff-algorithm=myers",
        Algorithm::Minimal => "--diff-algorithm=minimal",
        Algorithm::Histogram => "--diff-algorithm=histogram",
        Algorithm::Patience => "--diff-algorithm=patience",
    };
    let opts = options(algo);
    let mut state = State::new();
    let mut blobs = Blobs::new(git_dir);
    let log = git(
        git_dir,
        &[
            "log",
            "--no-merges",
            "--format=%H %P",
            "-n",
            &max.min(i32::MAX as usize).to_string(),
        ],
    );
    let (mut files, mut same_patch, mut same_num, mut skipped) = (0, 0, 0, 0);
    for line in String::from_utf8_lossy(&log).lines() {
        let mut it = line.split(' ');
        let (Some(c), Some(p)) = (it.next(), it.next()) else {
            continue;
        };
        let raw = git(
            git_dir,
            &[
                "diff-tree",
                "-r",
                "--no-renames",
                "--raw",
                "-z",
                "--no-abbrev",
                p,
                c,
            ],
        );
        let numstat = git(
            git_dir,
            &[
                "diff-tree",
                "-r",
                "--no-renames",
                "--numstat",
                "-z",
                algo_arg,
                p,
                c,
            ]
            .iter()
            .copied()
            .chain(ws().git.iter().copied())
            .collect::<Vec<_>>(),
        );
        let patch = git(
            git_dir,
            &[
                "diff-tree",
                "-r",
                "--no-renames",
                "-p",
                "--no-color",
                algo_arg,
                p,
                c,
            ]
            .iter()
            .copied()
            .chain(ws().git.iter().copied())
            .collect::<Vec<_>>(),
        );
        // Raw entries: ":om nm oid nid S\0path\0".
        let mut entries = Vec::new();
        let mut f = raw.split(|&b| b == 0);
        while let Some(meta) = f.next() {
            if meta.is_empty() {
                break;
            }
            let meta = String::from_utf8_lossy(meta).to_string();
            let parts: Vec<String> = meta
                .trim_start_matches(':')
                .split(' ')
                .map(str::to_string)
                .collect();
            let _path = f.next();
            entries.push(parts);
        }
        let counts: Vec<Option<(u64, u64)>> = numstat
            .split(|&b| b == 0)
            .filter(|r| !r.is_empty())
            .map(|r| {
                let t = String::from_utf8_lossy(r).to_string();
                let mut it = t.split('\t');
                it.next()
                    .and_then(|a| a.parse().ok())
                    .zip(it.next().and_then(|d| d.parse().ok()))
            })
            .collect();
        let mut blocks: Vec<&[u8]> = Vec::new();
        let mut start = None;
        let mut pos = 0;
        for l in patch.split_inclusive(|&b| b == b'\n') {
            if l.starts_with(b"diff --git ") {
                if let Some(s) = start {
                    blocks.push(&patch[s..pos]);
                }
                start = Some(pos);
            }
            pos += l.len();
        }
        if let Some(s) = start {
            blocks.push(&patch[s..pos]);
        }
        if blocks.len() != entries.len() || counts.len() != entries.len() {
            skipped += 1; // type changes print two blocks
            continue;
        }
        for ((e, block), count) in entries.iter().zip(&blocks).zip(&counts) {
            let (oid, nid) = (&e[2], &e[3]);
            if e[0] == "160000" || e[1] == "160000" || e[0] == "120000" || e[1] == "120000" {
                continue;
            }
            let (old, new) = (blobs.get(oid), blobs.get(nid));
            let git_binary = block.windows(13).any(|w| w == b"\nBinary files");
            if oxgit::diff::binary::is_binary_pair(&old, &new) || git_binary {
                files += 1;
                if git_binary == oxgit::diff::binary::is_binary_pair(&old, &new) && count.is_none()
                {
                    same_patch += 1;
                    same_num += 1;
                }
                continue;
            }
            files += 1;
            let body = match block.windows(3).position(|w| w == b"\n@@") {
                Some(p) => &block[p + 1..],
                None => &[][..],
            };
            let diff = state.diff(&old, &new, &opts).unwrap();
            let mut ours = Vec::new();
            oxgit::diff::patch::write_hunks(&mut ours, &diff);
            let cnt = diff.counts();
            if *count == Some((cnt.added, cnt.deleted)) {
                same_num += 1;
            }
            if ours == body {
                same_patch += 1;
                imara_compare(&mut state, &old, &new);
            } else if *show > 0 {
                *show -= 1;
                println!("DIFFERS: {c} {oid} {nid}");
            }
        }
    }
    (files, same_patch, same_num, skipped)
}

fn main() {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let mut algo = Algorithm::Myers;
    let mut show = 0usize;
    let mut mutate_seed: Option<u64> = None;
    let mut repo: Option<String> = None;
    let mut max_commits = usize::MAX;
    let (mut blank, mut ws_flag) = (false, String::new());
    while args.first().is_some_and(|a| a.starts_with("--")) {
        let flag = args.remove(0);
        let val = if args.is_empty() {
            String::new()
        } else {
            args.remove(0)
        };
        match flag.as_str() {
            "--algo" => {
                algo = match val.as_str() {
                    "minimal" => Algorithm::Minimal,
                    "histogram" => Algorithm::Histogram,
                    "patience" => Algorithm::Patience,
                    _ => Algorithm::Myers,
                }
            }
            "--show" => show = val.parse().unwrap_or(0),
            "--mutate" => mutate_seed = val.parse().ok(),
            "--repo" => repo = Some(val),
            "--max-commits" => max_commits = val.parse().unwrap_or(usize::MAX),
            "--ws" | "--blank" | "--imara" => {
                if flag != "--ws" && !val.is_empty() {
                    args.insert(0, val.clone());
                }
                match flag.as_str() {
                    "--imara" => {
                        let _ = IMARA_ON.set(true);
                    }
                    "--blank" => blank = true,
                    _ => ws_flag = val,
                }
            }
            _ => {}
        }
    }
    let (mode, flag) = match ws_flag.as_str() {
        "cr" => (Whitespace::IgnoreCrAtEol, Some("--ignore-cr-at-eol")),
        "eol" => (Whitespace::IgnoreSpaceAtEol, Some("--ignore-space-at-eol")),
        "b" => (Whitespace::IgnoreSpaceChange, Some("-b")),
        "w" => (Whitespace::IgnoreAllSpace, Some("-w")),
        _ => (Whitespace::Exact, None),
    };
    let mut git_flags: Vec<&'static str> = flag.into_iter().collect();
    if blank {
        git_flags.push("--ignore-blank-lines");
    }
    let _ = WS.set(Ws {
        git: git_flags,
        mode,
        blank,
    });
    if let Some(repo) = repo {
        let (files, same_patch, same_num, skipped) =
            measure_repo(&repo, max_commits, algo, &mut show);
        let pct = |n: usize| {
            if files == 0 {
                100.0
            } else {
                n as f64 * 100.0 / files as f64
            }
        };
        println!(
            "{files} changed files ({skipped} commits with type changes skipped): identical patches {same_patch} ({:.3}%), identical numstat {same_num} ({:.3}%)",
            pct(same_patch),
            pct(same_num)
        );
        imara_report();
        return;
    }
    let opts = options(algo);
    let mut state = State::new();
    let (mut files, mut same_patch, mut same_num) = (0usize, 0usize, 0usize);
    let scratch = std::env::temp_dir().join(format!("line_diff_measure-{}", std::process::id()));
    if let Some(seed) = mutate_seed {
        let mut rng = Rng(seed | 1);
        let _ = std::fs::create_dir_all(&scratch);
        let (old_dir, new_dir) = (scratch.join("old"), scratch.join("new"));
        let _ = std::fs::remove_dir_all(&old_dir);
        let _ = std::fs::remove_dir_all(&new_dir);
        let mut count = 0usize;
        for root in &args {
            let mut paths = Vec::new();
            walk(Path::new(root), Path::new(""), &mut paths);
            paths.sort();
            for rel in paths {
                let Ok(data) = std::fs::read(Path::new(root).join(&rel)) else {
                    continue;
                };
                if oxgit::diff::binary::is_binary(&data) {
                    continue;
                }
                let new = mutate(&mut rng, &data);
                let sub = format!("{}/{count}", count / 1000);
                let (a, b) = (old_dir.join(&sub), new_dir.join(&sub));
                let _ = std::fs::create_dir_all(a.parent().unwrap());
                let _ = std::fs::create_dir_all(b.parent().unwrap());
                let _ = std::fs::write(a, &data);
                let _ = std::fs::write(b, &new);
                count += 1;
            }
        }
        args = vec![
            old_dir.to_string_lossy().into_owned(),
            new_dir.to_string_lossy().into_owned(),
        ];
    }
    for pair in args.chunks(2) {
        let [old_root, new_root] = pair else { break };
        let (old_root, new_root) = (Path::new(old_root), Path::new(new_root));
        let mut paths = Vec::new();
        walk(old_root, Path::new(""), &mut paths);
        paths.sort();
        for rel in paths {
            let (a, b) = (old_root.join(&rel), new_root.join(&rel));
            let (Ok(da), Ok(db)) = (std::fs::read(&a), std::fs::read(&b)) else {
                continue;
            };
            if da == db || oxgit::diff::binary::is_binary_pair(&da, &db) {
                continue;
            }
            files += 1;
            let (git_patch, mut git_counts) = git_body(&a, &b, algo);
            if git_counts.is_none() && git_patch.is_empty() {
                // Whitespace options can leave nothing to show: git then prints no
                // numstat line for the pair.
                git_counts = Some((0, 0));
            }
            let Ok(diff) = state.diff(&da, &db, &opts) else {
                continue;
            };
            let mut ours = Vec::new();
            oxgit::diff::patch::write_hunks(&mut ours, &diff);
            let c = diff.counts();
            if git_counts == Some((c.added, c.deleted)) {
                same_num += 1;
            }
            if ours == git_patch {
                same_patch += 1;
                imara_compare(&mut state, &da, &db);
            } else if show > 0 {
                show -= 1;
                println!("DIFFERS: {} vs {}", a.display(), b.display());
            }
        }
    }
    if mutate_seed.is_some() {
        let _ = std::fs::remove_dir_all(&scratch);
    }
    let pct = |n: usize| {
        if files == 0 {
            100.0
        } else {
            n as f64 * 100.0 / files as f64
        }
    };
    println!(
        "{files} changed text files: identical patches {same_patch} ({:.2}%), identical numstat {same_num} ({:.2}%)",
        pct(same_patch),
        pct(same_num)
    );
    imara_report();
}
