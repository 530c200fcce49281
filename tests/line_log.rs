//! `log -L <start>,<end>:<file>` against git byte for byte and by exit status: ranges
//! carried back through edits, deletions, insertions, renames and merges that leave the
//! lines alone, unterminated lines, binary and empty files, range clamping and errors, on
//! the `log-merges` and `pickaxe` fixtures and on random linear histories; and the
//! refusal of what oxgit does not follow (merges changing the lines against every
//! parent). `:<funcname>` ranges are in tests/diff_attributes.rs.

mod common;
use common::*;

const FORMATS: &[&[&str]] = &[
    &["--format="],
    &["--decorate", "--oneline"],
    &["--pretty=raw"],
    &["--color=always", "--format=%s"],
    &["--color=always"],
    &["--format=%s"],
    &[],
    &["--oneline", "-s"],
    &["--oneline"],
    &["-p", "--format=%h %s"],
];

fn check(dir: &std::path::Path, range: &str) {
    for f in FORMATS {
        let mut a = vec!["log", "-L", range];
        a.extend_from_slice(f);
        assert_same(dir, &a);
    }
    let attached = format!("-L{range}");
    assert_same(dir, &["log", &attached, "--format=%s"]);
}

#[test]
fn fixtures_as_git_does() {
    let dir = fixture("log-merges");
    for r in [
        "1,3:story.txt",
        "2,5:story.txt",
        "1,100:story.txt",
        "30,+4:story.txt",
        "1,2:copy.txt",
        "1,1:lines.txt",
        "1,2:with space.txt",
    ] {
        check(&dir, r);
    }
    let dir = fixture("pickaxe");
    for r in [
        "1,7:renamed.txt",
        "6,7:renamed.txt",
        "1,2:words.txt",
        "2,2:code.c",
        "1,2:blob.bin",
        "1,1:nonl.txt",
        "1,2:case.txt",
        "1,1:alt.txt",
        "1,3:added.txt",
        "2:added.txt",
        "/foo/,+1:words.txt",
        "/foo  foo/:words.txt",
        "1,/foo/:words.txt",
        "/needle/,/tail/:added.txt",
    ] {
        check(&dir, r);
    }
}

/// Several ranges of one file (joined when they touch), `-n` and `--skip` counting
/// shown commits.
#[test]
fn several_ranges_and_counts_as_git_does() {
    let dir = fixture("pickaxe");
    for a in [
        "-L 1,2:words.txt --oneline -s -n2",
        "-L 1,2:words.txt --oneline -n1",
        "-L 1,2:words.txt --oneline -s -n2 --skip=1",
        "-L 1,2:words.txt --skip=5 --format=%s",
        "-L 1,1:words.txt -n0 --format=%s",
        "-L 1,1:words.txt -L 2,2:words.txt --oneline",
        "-L 2,2:words.txt -L 1,1:words.txt --oneline -s",
        "-L 1,1:added.txt -L /needle/,+1:added.txt --format=%s",
        "-L 1,2:added.txt -L 2,3:added.txt --format=%s",
        "-L 3,3:added.txt -L 1,1:added.txt --format=%s",
    ] {
        let mut args = vec!["log"];
        args.extend(a.split(' '));
        assert_same(&dir, &args);
    }
}

#[test]
fn errors_as_git_does() {
    let dir = fixture("pickaxe");
    for a in [
        &["log", "-L", "1,1:nosuch.txt"][..],
        &["log", "-L", "1,1:empty.txt"],
        &["log", "-L", "0,3:added.txt"],
        &["log", "-L", "9,10:added.txt"],
        &["log", "-L", "1,2:added.txt", "--stat"],
        &["log", "-L", "1,2:added.txt", "--name-only"],
        &["log", "-L", "1,2:added.txt", "--", "added.txt"],
        &["log", "-L", "/nomatch/,2:words.txt"],
        &["log", "-L", "/a\\/b/:words.txt"],
        &["log", "-L", "1,x:words.txt"],
        &["log", "-L", "1,2"],
    ] {
        assert_same(&dir, a);
    }
}

#[test]
fn refuses_what_it_does_not_follow() {
    for (fixture_name, a) in [
        ("pickaxe", &["log", "-L", "1,4:merge.txt"][..]),
        ("log-merges", &["log", "-L", "1,5:num.txt"]),
        (
            "pickaxe",
            &["log", "-L", "1,2:added.txt", "-L", "1,1:alt.txt"],
        ),
        ("pickaxe", &["log", "-L", "1,2:added.txt", "--reverse"]),
        ("pickaxe", &["log", "-L", "1,2:added.txt", "-z"]),
    ] {
        let dir = fixture(fixture_name);
        let out = run(
            {
                let mut c = oxgit_cmd(&dir);
                c.args(a);
                c
            },
            b"",
        );
        assert_eq!(out.status.code(), Some(128), "{a:?}");
        assert!(out.stdout.is_empty(), "{a:?}");
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("not supported by oxgit"),
            "{a:?}"
        );
    }
}

/// Random linear histories of one file (lines inserted, deleted, changed, moved, the
/// file renamed, the last newline dropped and restored), random ranges.
#[test]
fn random_histories_as_git_does() {
    let mut rng = Rng(0x11ee_10a9_7a11);
    for round in 0..40 {
        let dir = scratch_dir().join(format!("line-log-random-{round}"));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        git(&dir, &["init", "-q", "-b", "main"]);
        let mut name = "f.txt".to_string();
        let mut lines: Vec<String> = (0..8 + rng.below(8)).map(|i| format!("line {i}")).collect();
        let mut newline = true;
        let mut counter = 100;
        for n in 0..10 {
            for _ in 0..1 + rng.below(3) {
                counter += 1;
                match rng.below(7) {
                    0 => {
                        let at = rng.below(lines.len() + 1);
                        lines.insert(at, format!("new {counter}"));
                    }
                    1 if lines.len() > 2 => {
                        let at = rng.below(lines.len());
                        lines.remove(at);
                    }
                    2 | 3 if !lines.is_empty() => {
                        let at = rng.below(lines.len());
                        lines[at] = format!("changed {counter}");
                    }
                    4 if lines.len() > 1 => {
                        let at = rng.below(lines.len());
                        let l = lines.remove(at);
                        let to = rng.below(lines.len() + 1);
                        lines.insert(to, l);
                    }
                    5 if n > 0 => {
                        let new = format!("r{counter}.txt");
                        git(&dir, &["mv", &name, &new]);
                        name = new;
                    }
                    _ => newline = !newline,
                }
            }
            let mut text = lines.join("\n");
            if newline {
                text.push('\n');
            }
            std::fs::write(dir.join(&name), text).unwrap();
            git(&dir, &["add", "-A"]);
            git(
                &dir,
                &["commit", "-q", "--allow-empty", "-m", &format!("c{n}")],
            );
        }
        let random_range = |rng: &mut Rng| {
            let a = 1 + rng.below(lines.len());
            let b = a + rng.below(lines.len() + 2 - a);
            format!("{a},{b}:{name}")
        };
        for _ in 0..6 {
            let range = random_range(&mut rng);
            assert_same(&dir, &["log", "-L", &range, "--format=%s"]);
            assert_same(&dir, &["log", "-L", &range, "--oneline", "-s"]);
        }
        let (r1, r2) = (random_range(&mut rng), random_range(&mut rng));
        assert_same(&dir, &["log", "-L", &r1, "-L", &r2, "--format=%s"]);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
