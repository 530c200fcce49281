//! Measures how often oxgit's line diff matches `git diff --no-index` on real file pairs.
//!
//! Usage: `cargo run --example line_diff_measure -- [--algo myers|minimal|histogram]
//! [--show N] OLD_DIR NEW_DIR [OLD_DIR NEW_DIR ...]`
//!
//! For every path present in both directories of a pair whose contents differ, it
//! compares the hunks (`git diff --no-index --no-prefix -U3`, header lines stripped) and
//! the numstat counts, and prints the share of identical results.

use oxgit::diff::line::{Algorithm, Options, State};
use std::path::{Path, PathBuf};
use std::process::Command;

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

fn main() {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let mut algo = Algorithm::Myers;
    let mut show = 0usize;
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
                    _ => Algorithm::Myers,
                }
            }
            "--show" => show = val.parse().unwrap_or(0),
            _ => {}
        }
    }
    let opts = Options {
        algorithm: algo,
        ..Options::default()
    };
    let mut state = State::new();
    let (mut files, mut same_patch, mut same_num) = (0usize, 0usize, 0usize);
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
            let (git_patch, git_counts) = git_body(&a, &b, algo);
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
            } else if show > 0 {
                show -= 1;
                println!("DIFFERS: {} vs {}", a.display(), b.display());
            }
        }
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
}
