//! The pickaxe (`-S`, `-G`, `--find-object`, `--pickaxe-regex`, `--pickaxe-all`, `-i`)
//! in `log`, `show`, `diff` and `diff-tree`, against git byte for byte and by exit
//! status, on the `pickaxe` fixture (strings added, removed and moved, equal counts on
//! moved lines, binary files, renames, regex special characters, case, touching words,
//! merges, work-tree and index changes) and on `log-merges`; and random edit histories
//! searched for random tokens.

mod common;
use common::*;

/// Pickaxe options, as separate arguments.
const PICKAXES: &[&[&str]] = &[
    &["-Sneedle"],
    &["-S", "needle"],
    &["-Gneedle"],
    &["-G", "needle"],
    &["-Sneedle", "--pickaxe-all"],
    &["-Gneedle", "--pickaxe-all"],
    &["-Sneedle", "--pickaxe-regex"],
    &["-Sne+dle|foo", "--pickaxe-regex"],
    &["-G^needle"],
    &["-Gneedle$"],
    &["-G^$"],
    &["-Gx.y"],
    &["-S(x.y)"],
    &["-Sg[2]"],
    &["-Gg\\[2\\]"],
    &["-Sf(1)"],
    &["-Sf\\(1\\)", "--pickaxe-regex"],
    &["-S[0-9]", "--pickaxe-regex"],
    &["-SCASE"],
    &["-Scase", "-i"],
    &["-SCase", "--regexp-ignore-case"],
    &["-GCASE", "-i"],
    &["-Gmixed", "-i"],
    &["-Sfoo"],
    &["-Sfoofoo"],
    &["-Sfoo", "--pickaxe-regex"],
    &["-S(foo)+", "--pickaxe-regex"],
    &["-Sa|aa", "--pickaxe-regex"],
    &["-Saa|a", "--pickaxe-regex"],
    &["-Sa", "--pickaxe-regex"],
    &["-S\\<foo", "--pickaxe-regex"],
    &["-S^foo", "--pickaxe-regex"],
    &["-Sfoo$", "--pickaxe-regex"],
    &["-Sfoo  foo"],
    &["-Gfoo  foo"],
    &["-Sneedle", "--no-renames"],
    &["-Sneedle", "-M"],
    &["-Sneedle", "-C", "--find-copies-harder"],
    &["-Sneedle", "--diff-filter=M"],
    &["-Sneedle", "--diff-filter=A"],
    &["-Sneedle", "--diff-filter=R"],
    &["-Sneedle", "--diff-filter=d"],
    &["-Gneedle", "--pickaxe-all", "--diff-filter=D"],
    &["-Snewline needle"],
    &["-Gnewline needle$"],
    &["-Sshared"],
    &["-Gevil"],
    &["-Snothing at all"],
    &["-S11111111"],
    &["-GSubproject"],
    &["-S\n"],
    &["-G.", "-U0"],
    &["--diff-filter=A"],
    &["--diff-filter=Md"],
];

/// Output options combined with every pickaxe in `log`.
const LOG_FORMATS: &[&[&str]] = &[
    &["--format=%s"],
    &["--format=%s", "--name-status"],
    &["--stat", "--format=%s"],
    &["-p"],
    &["--oneline", "--raw"],
    &["-n2", "--format=%s"],
    &["--reverse", "-n3", "--format=%s"],
    &["--skip=1", "-n2", "--format=%s"],
    &["-m", "--format=%s"],
    &["-m", "--name-only", "--format=%s"],
    &["--cc", "--format=%s"],
    &["-c", "-s", "--format=%s"],
    &["--first-parent", "--format=%s", "--name-only"],
    &["--diff-merges=first-parent", "--format=%s", "--name-only"],
    &["--format=%s", "--", "hay.txt", "words.txt"],
];

fn args<'a>(cmd: &'a [&'a str], pickaxe: &'a [&'a str], rest: &'a [&'a str]) -> Vec<&'a str> {
    let mut v = cmd.to_vec();
    v.extend_from_slice(pickaxe);
    v.extend_from_slice(rest);
    v
}

#[test]
fn log_as_git_does() {
    let dir = fixture("pickaxe");
    for p in PICKAXES {
        for f in LOG_FORMATS {
            assert_same(&dir, &args(&["log"], p, f));
        }
    }
}

#[test]
fn find_object_as_git_does() {
    let dir = fixture("pickaxe");
    let id = |rev: &str| {
        String::from_utf8(git(&dir, &["rev-parse", rev]))
            .unwrap()
            .trim()
            .to_string()
    };
    let blobs = [
        id("HEAD:added.txt"),
        id("HEAD~1:added.txt"),
        id("HEAD~16:hay.txt"),
        id("HEAD~9:moved.txt"),
        id("HEAD:merge.txt"),
    ];
    for b in &blobs {
        let opt = format!("--find-object={b}");
        for f in LOG_FORMATS {
            assert_same(&dir, &args(&["log", &opt], &[], f));
        }
        assert_same(&dir, &["diff", &opt, "HEAD~12", "HEAD", "--name-status"]);
        assert_same(&dir, &["diff-tree", "-r", &opt, "HEAD~1", "HEAD"]);
    }
    let two = [
        format!("--find-object={}", blobs[0]),
        format!("--find-object={}", blobs[2]),
    ];
    assert_same(&dir, &["log", &two[0], &two[1], "--format=%s", "--raw"]);
    let tree = format!("--find-object={}", id("HEAD~1^{tree}"));
    assert_same(&dir, &["diff-tree", "-t", &tree, "HEAD~1", "HEAD"]);
    assert_same(
        &dir,
        &["log", "--find-object=HEAD:added.txt", "--format=%s"],
    );
}

#[test]
fn show_diff_and_diff_tree_as_git_does() {
    let dir = fixture("pickaxe");
    let revs: Vec<String> = String::from_utf8(git(&dir, &["rev-list", "HEAD"]))
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect();
    for p in PICKAXES {
        for rev in &revs {
            assert_same(&dir, &args(&["show"], p, &[rev]));
            assert_same(&dir, &args(&["show", "--format=%s", "--stat"], p, &[rev]));
            assert_same(&dir, &args(&["diff-tree", "-r"], p, &[rev]));
        }
        assert_same(
            &dir,
            &args(&["show"], p, &["-s", "--oneline", "HEAD", "HEAD~2"]),
        );
        assert_same(
            &dir,
            &args(&["show", "-m", "--name-only"], p, &[":/merge side"]),
        );
        assert_same(
            &dir,
            &args(&["diff-tree", "-r", "-m"], p, &[":/merge side"]),
        );
        assert_same(&dir, &args(&["diff-tree", "--cc"], p, &[":/merge side"]));
        assert_same(
            &dir,
            &args(&["diff-tree", "-r", "--root"], p, &[&revs[revs.len() - 1]]),
        );
        for range in [&["HEAD~14", "HEAD"][..], &["HEAD~6", "HEAD~2"]] {
            assert_same(&dir, &args(&["diff"], p, range));
            assert_same(&dir, &args(&["diff", "--stat"], p, range));
        }
        assert_same(
            &dir,
            &args(&["diff", "--name-status", "-R"], p, &["HEAD~9", "HEAD"]),
        );
        // oxgit refuses --find-copies-harder against the index or the work tree.
        if !p.contains(&"--find-copies-harder") {
            assert_same(&dir, &args(&["diff"], p, &["HEAD~3"]));
            assert_same(&dir, &args(&["diff"], p, &[]));
            assert_same(&dir, &args(&["diff", "--cached"], p, &[]));
            assert_same(&dir, &args(&["diff", "--name-only"], p, &["HEAD"]));
            assert_same(&dir, &args(&["diff", "--exit-code"], p, &["HEAD~2"]));
        }
        assert_same(&dir, &args(&["diff", "--quiet"], p, &["HEAD~2", "HEAD"]));
        let stdin: Vec<u8> = revs
            .iter()
            .flat_map(|r| format!("{r}\n").into_bytes())
            .collect();
        assert_same_with_input(&dir, &args(&["diff-tree", "-r", "--stdin"], p, &[]), &stdin);
    }
}

/// `-G` diffs without the whitespace options (git's xdiff defaults there), while the
/// output keeps them; a commit with only ignored changes still gets its separator.
#[test]
fn whitespace_options_as_git_does() {
    let dir = fixture("pickaxe");
    for p in [&["-Gfoo"][..], &["-Sfoo  foo"], &["-Sfoo"]] {
        for f in [
            &["-w", "--format=%s"][..],
            &["-w", "--stat", "--format=%s"],
            &["-b", "-p", "--format=%s"],
            &["-w", "--summary"],
            &["--ignore-all-space", "--numstat", "--oneline"],
        ] {
            assert_same(&dir, &args(&["log"], p, f));
            assert_same(&dir, &args(&["show"], p, &[f, &["HEAD~6"]].concat()));
        }
    }
    for f in [&["--summary"][..], &["-w", "--stat"], &["-w", "-p"]] {
        assert_same(&dir, &args(&["log", "--format=%s"], &[], f));
    }
}

#[test]
fn merges_fixture_as_git_does() {
    let dir = fixture("log-merges");
    for p in [
        &["-Sside"][..],
        &["-Gmain"],
        &["-Sthree", "--pickaxe-all"],
        &["-Gary"],
        &["-Sclean"],
    ] {
        for f in [
            &["--format=%s"][..],
            &["-m", "--format=%s", "--name-status"],
            &["--cc", "--format=%s"],
            &["-c", "--raw", "--format=%s"],
            &["--stat"],
            &["--first-parent", "--format=%s"],
        ] {
            assert_same(&dir, &args(&["log"], p, f));
        }
    }
}

/// `--find-object` on merges: combined diffs without rename detection keep the paths
/// where the merge or any parent has the object (git walks the trees together then).
#[test]
fn find_object_in_merges_as_git_does() {
    let dir = fixture("log-merges");
    for merge in [":/merge side", ":/octopus by hand", ":/merge clean"] {
        let m = String::from_utf8(git(&dir, &["rev-parse", merge]))
            .unwrap()
            .trim()
            .to_string();
        for rev in ["^1", "^2", "^3", ""] {
            for f in ["num.txt", "code.c", "blob.bin", "with space.txt"] {
                let spec = format!("{m}{rev}:{f}");
                let out = run(
                    {
                        let mut c = git_cmd(&dir);
                        c.args(["rev-parse", "-q", "--verify", &spec]);
                        c
                    },
                    b"",
                );
                if !out.status.success() {
                    continue;
                }
                let opt = format!(
                    "--find-object={}",
                    String::from_utf8_lossy(&out.stdout).trim()
                );
                for o in [
                    &["--cc", "--no-renames"][..],
                    &["--cc"],
                    &["-c", "--no-renames", "--raw"],
                    &["-m", "--no-renames", "--name-only"],
                    &["--cc", "--no-renames", "--stat"],
                ] {
                    assert_same(&dir, &args(&["show", "--format=%s", &opt], o, &[&m]));
                }
                assert_same(&dir, &["diff-tree", "--cc", &opt, &m]);
                assert_same(&dir, &["log", "--cc", "--no-renames", "--format=%s", &opt]);
            }
        }
    }
}

#[test]
fn errors_as_git_does() {
    let dir = fixture("pickaxe");
    for a in [
        &["log", "-S"][..],
        &["log", "-G"],
        &["log", "-Sfoo", "-Gfoo"],
        &["log", "-Sfoo", "--find-object=HEAD"],
        &["log", "-Gfoo", "--pickaxe-regex"],
        &["log", "--find-object=HEAD", "--pickaxe-all"],
        &["log", "--find-object=nonexistent"],
        &["log", "-G("],
        &["log", "-S(", "--pickaxe-regex"],
        &["log", "-Sa{2,1}", "--pickaxe-regex"],
        &["log", "-G[[:foo:]]"],
        &["log", "-G(", "HEAD..HEAD"],
        &["log", "-G(", "--", "no-such-path"],
        &["log", "--pickaxe-regex", "--format=%s"],
        &["log", "--pickaxe-all", "-n3", "--format=%s"],
        &["log", "-i", "--format=%s", "-n2"],
        &["diff", "-S"],
        &["diff", "-G(", "HEAD~1"],
        &["diff", "-Sx", "-Gy", "HEAD~1"],
        &["show", "-Gfoo", "--pickaxe-regex"],
        &["diff-tree", "-Sx", "-Gx", "HEAD"],
    ] {
        assert_same(&dir, a);
    }
}

/// Random small histories: files edited with a few tokens, each commit adding,
/// removing, moving or renaming; `log -S<token>` and `-G<token>` against git.
#[test]
fn random_histories_as_git_does() {
    const TOKENS: [&str; 5] = ["red", "green", "blue", "redgreen", "x"];
    let mut rng = Rng(0x5eed_91c4_e001);
    for round in 0..6 {
        let dir = scratch_dir().join(format!("pickaxe-random-{round}"));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        git(&dir, &["init", "-q", "-b", "main"]);
        let mut files: Vec<(String, Vec<String>)> = Vec::new();
        for n in 0..12 {
            let pick = rng.below(6);
            if files.is_empty() || pick == 0 {
                let name = format!("f{n}.txt");
                let lines = (0..1 + rng.below(5))
                    .map(|_| random_line(&mut rng, &TOKENS))
                    .collect();
                files.push((name, lines));
            } else {
                let i = rng.below(files.len());
                match pick {
                    1 => {
                        let at = rng.below(files[i].1.len() + 1);
                        let line = random_line(&mut rng, &TOKENS);
                        files[i].1.insert(at, line);
                    }
                    2 if !files[i].1.is_empty() => {
                        let at = rng.below(files[i].1.len());
                        files[i].1.remove(at);
                    }
                    3 if files[i].1.len() > 1 => {
                        let at = rng.below(files[i].1.len());
                        let line = files[i].1.remove(at);
                        files[i].1.push(line);
                    }
                    4 => {
                        let old = files[i].0.clone();
                        files[i].0 = format!("r{n}.txt");
                        std::fs::rename(dir.join(&old), dir.join(&files[i].0)).unwrap();
                    }
                    _ => {
                        let old = files.remove(i).0;
                        std::fs::remove_file(dir.join(old)).unwrap();
                    }
                }
            }
            for (name, lines) in &files {
                let mut text = lines.join("\n");
                text.push('\n');
                std::fs::write(dir.join(name), text).unwrap();
            }
            git(&dir, &["add", "-A"]);
            git(
                &dir,
                &["commit", "-q", "--allow-empty", "-m", &format!("c{n}")],
            );
        }
        for t in TOKENS {
            for kind in ["-S", "-G"] {
                let p = format!("{kind}{t}");
                assert_same(&dir, &["log", &p, "--format=%H", "--name-status"]);
                assert_same(
                    &dir,
                    &["log", &p, "--pickaxe-all", "--format=%H", "--name-only"],
                );
            }
            let r = format!("-S{t}+");
            assert_same(
                &dir,
                &["log", &r, "--pickaxe-regex", "--format=%H", "--name-status"],
            );
        }
        let _ = std::fs::remove_dir_all(&dir);
    }
}

fn random_line(rng: &mut Rng, tokens: &[&str]) -> String {
    let words: Vec<&str> = (0..1 + rng.below(3))
        .map(|_| tokens[rng.below(tokens.len())])
        .collect();
    words.join(if rng.below(2) == 0 { " " } else { "" })
}

/// `log --json` lists the commits `git log` shows with the same pickaxe and `-n`.
#[test]
fn log_json_lists_the_commits_git_shows() {
    let dir = fixture("pickaxe");
    for extra in [&[][..], &["-n3"], &["--diff-filter=A"]] {
        let mut a = vec!["log", "-Sneedle"];
        a.extend_from_slice(extra);
        let expected = String::from_utf8(git(&dir, &[&a[..], &["--format=%H"]].concat())).unwrap();
        let out = run(
            {
                let mut c = oxgit_cmd(&dir);
                c.args([&a[..], &["--json"]].concat());
                c
            },
            b"",
        );
        assert!(out.status.success());
        let ids: String = String::from_utf8(out.stdout)
            .unwrap()
            .lines()
            .map(|l| format!("{}\n", &l[7..47]))
            .collect();
        assert_eq!(ids, expected, "{a:?}");
    }
}

/// `diff-tree` switches (`--always`, `-v`, `-s`, `-c`), `show` merge modes, and `log`
/// commit filters with the pickaxe (`-i` applies to `--grep` and `-S` both).
#[test]
fn with_other_switches_as_git_does() {
    let dir = fixture("pickaxe");
    for a in [
        "diff-tree -r --always -Sneedle HEAD~6",
        "diff-tree -r --always -Sneedle HEAD~5",
        "diff-tree -r -v -Sneedle HEAD~5",
        "diff-tree -r -s -Sneedle HEAD~5",
        "diff-tree -r --pretty -Snothing HEAD~5",
        "diff-tree -c -Sneedle HEAD~2",
        "diff-tree -c --always -Snothing HEAD~2",
        "show --first-parent -Sneedle HEAD~2",
        "show -m -Sneedle --format=%s HEAD~2",
        "show --diff-merges=off -Sneedle HEAD~2",
        "log --first-parent -m -Sneedle --format=%s --stat",
        "log --no-merges -Sneedle --format=%s",
        "log --merges -Gneedle --format=%s -m",
        "log --author=Thor -Sneedle --format=%s -n1",
        "log --grep=NEEDLE -i -SNeedle --format=%s",
        "log --grep=NEEDLE -SNeedle --format=%s",
    ] {
        assert_same(&dir, &a.split(' ').collect::<Vec<_>>());
    }
}
