//! `--stat`, `--numstat` and `--shortstat` layout compared with git on synthetic
//! repositories (long names, big counts, binary files, quoted names).

mod common;
use common::Rng;

use oxgit::diff::binary::is_binary_pair;
use oxgit::diff::line::{Options, State};
use oxgit::diff::stat::{
    display_path, write_numstat_line, write_shortstat, write_stat, FileStat, StatKind, StatOptions,
};

fn content(rng: &mut Rng, n: u64, tag: &str) -> Vec<u8> {
    (0..n)
        .map(|i| format!("{tag} line {} {}\n", i, rng.below_u64(3)))
        .collect::<String>()
        .into_bytes()
}

/// Builds a repository where `files` (path, old, new) are committed as `old` and then
/// overwritten with `new` in the work tree; returns its folder.
fn repo(files: &[(String, Vec<u8>, Vec<u8>)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    common::git(dir.path(), &["init", "-q"]);
    for (p, old, _) in files {
        let path = dir.path().join(p);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, old).unwrap();
    }
    common::git(dir.path(), &["add", "-A"]);
    common::git(dir.path(), &["commit", "-q", "-m", "old"]);
    for (p, _, new) in files {
        std::fs::write(dir.path().join(p), new).unwrap();
    }
    dir
}

fn file_stats(files: &[(String, Vec<u8>, Vec<u8>)]) -> (Vec<FileStat>, Vec<u8>) {
    let mut sorted: Vec<&(String, Vec<u8>, Vec<u8>)> = files.iter().collect();
    sorted.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
    let mut state = State::new();
    let opts = Options::default();
    let mut stats = Vec::new();
    let mut numstat = Vec::new();
    for (p, old, new) in sorted {
        if old == new {
            continue;
        }
        let name = display_path(p.as_bytes());
        let kind = if is_binary_pair(old, new) {
            write_numstat_line(&mut numstat, None, &name);
            StatKind::Binary {
                old_size: old.len() as u64,
                new_size: new.len() as u64,
            }
        } else {
            let c = state.diff(old, new, &opts).unwrap().counts();
            write_numstat_line(&mut numstat, Some((c.added, c.deleted)), &name);
            StatKind::Text {
                added: c.added,
                deleted: c.deleted,
            }
        };
        stats.push(FileStat { name, kind });
    }
    (stats, numstat)
}

fn check(files: &[(String, Vec<u8>, Vec<u8>)]) {
    common::check_git_version();
    let dir = repo(files);
    let (stats, numstat) = file_stats(files);
    let git_numstat = common::git(dir.path(), &["diff", "--numstat"]);
    assert_eq!(
        String::from_utf8_lossy(&numstat),
        String::from_utf8_lossy(&git_numstat)
    );
    let mut short = Vec::new();
    write_shortstat(&mut short, &stats);
    let git_short = common::git(dir.path(), &["diff", "--shortstat"]);
    assert_eq!(
        String::from_utf8_lossy(&short),
        String::from_utf8_lossy(&git_short)
    );
    for width in [30usize, 40, 57, 80, 100, 133, 200] {
        let mut out = Vec::new();
        write_stat(
            &mut out,
            &stats,
            &StatOptions {
                width,
                ..StatOptions::default()
            },
        );
        let git_out = common::git(dir.path(), &["diff", &format!("--stat={width}")]);
        assert_eq!(
            String::from_utf8_lossy(&out),
            String::from_utf8_lossy(&git_out),
            "--stat={width}"
        );
    }
    // The default width for a non-terminal is 80.
    let mut out = Vec::new();
    write_stat(&mut out, &stats, &StatOptions::default());
    let mut c = common::git_cmd(dir.path());
    c.args(["diff", "--stat"]).env_remove("COLUMNS");
    assert_eq!(
        String::from_utf8_lossy(&out),
        String::from_utf8_lossy(&c.output().unwrap().stdout)
    );
    // Name and graph width limits.
    let mut out = Vec::new();
    write_stat(
        &mut out,
        &stats,
        &StatOptions {
            width: 120,
            name_width: Some(25),
            graph_width: Some(15),
            count: None,
        },
    );
    let git_out = common::git(
        dir.path(),
        &["diff", "--stat=120,25", "--stat-graph-width=15"],
    );
    assert_eq!(
        String::from_utf8_lossy(&out),
        String::from_utf8_lossy(&git_out)
    );
    // A limited number of lines.
    for count in [1usize, 2] {
        let mut out = Vec::new();
        write_stat(
            &mut out,
            &stats,
            &StatOptions {
                count: Some(count),
                ..StatOptions::default()
            },
        );
        let git_out = common::git(dir.path(), &["diff", &format!("--stat-count={count}")]);
        assert_eq!(
            String::from_utf8_lossy(&out),
            String::from_utf8_lossy(&git_out),
            "--stat-count={count}"
        );
    }
}

#[test]
#[allow(clippy::vec_init_then_push)] // one commented case per push
fn stat_layout_long_names_big_counts() {
    let mut rng = Rng(7);
    let mut files = Vec::new();
    files.push((
        "very/long/directory/name/that/is/deep/file_with_a_quite_long_name.txt".to_string(),
        content(&mut rng, 10, "a"),
        content(&mut rng, 12, "a"),
    ));
    files.push(("big".to_string(), Vec::new(), content(&mut rng, 1000, "b")));
    files.push(("small".to_string(), content(&mut rng, 50, "s"), Vec::new()));
    files.push(("mid".to_string(), b"1\n2\n".to_vec(), b"1\n3\n".to_vec()));
    files.push(("sp ace.txt".to_string(), b"x\n".to_vec(), b"y\n".to_vec()));
    files.push((
        "h\u{e9}llo/t\u{e4}b.txt".to_string(),
        b"x\n".to_vec(),
        b"x\ny\n".to_vec(),
    ));
    files.push((
        "a/b/c/d/e/f/g/h/i/j/k/l/m/n/o/p/q/r/s/t/u/v/w/x/y/z/deep.rs".to_string(),
        content(&mut rng, 300, "d"),
        content(&mut rng, 280, "d"),
    ));
    check(&files);
}

#[test]
fn stat_layout_with_binary() {
    let mut rng = Rng(99);
    let mut bin_old = vec![1u8; 8001];
    bin_old[3] = 0;
    let mut bin_new = bin_old.clone();
    bin_new[100] = 7;
    let files = vec![
        ("b1".to_string(), bin_old.clone(), bin_new),
        ("b2".to_string(), b"1\n2\n".to_vec(), b"1\n3\n".to_vec()),
        ("gone.bin".to_string(), b"\0\x01".to_vec(), Vec::new()),
        (
            "t".to_string(),
            content(&mut rng, 20000, "t"),
            content(&mut rng, 20000, "t"),
        ),
    ];
    check(&files);
}

#[test]
fn stat_layout_random() {
    let mut rng = Rng(2024);
    for _ in 0..3 {
        let mut files = Vec::new();
        for i in 0..(2 + rng.below_u64(8)) {
            let depth = rng.below_u64(6);
            let mut name = String::new();
            for d in 0..depth {
                name.push_str(&format!(
                    "dir{d}_{}/",
                    "x".repeat(rng.below_u64(12) as usize)
                ));
            }
            name.push_str(&format!(
                "file{i}_{}.txt",
                "n".repeat(rng.below_u64(30) as usize)
            ));
            let n_old = rng.below_u64(400);
            let n_new = rng.below_u64(400);
            files.push((
                name,
                content(&mut rng, n_old, "r"),
                content(&mut rng, n_new, "r"),
            ));
        }
        check(&files);
    }
}
