//! The config cascade against git, with controlled files only: system
//! (`GIT_CONFIG_SYSTEM`, `GIT_CONFIG_NOSYSTEM`), global (`GIT_CONFIG_GLOBAL`,
//! `$XDG_CONFIG_HOME/git/config`, `~/.gitconfig`), repository, worktree
//! (`extensions.worktreeConfig`), `include.path`, `includeIf` (`gitdir:`, `gitdir/i:`,
//! `onbranch:`, `hasconfig:remote.*.url:`), and command-line values. Every value oxgit
//! resolves is compared with `git config --get-all`.

mod common;

use common::{git_cmd, oxgit_cmd, run, scratch_dir};
use oxgit::config::Sources;
use oxgit::repo::OpenOptions;
use std::path::{Path, PathBuf};

fn write(p: &Path, text: &str) {
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

struct Setup {
    root: PathBuf,
    repo: PathBuf,
}

fn setup(name: &str) -> Setup {
    let root = scratch_dir().join(format!("cascade-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    let repo = root.join("work");
    std::fs::create_dir_all(&repo).unwrap();
    let mut c = git_cmd(&repo);
    c.args(["init", "-q", "-b", "main"]);
    assert!(run(c, b"").status.success());
    let home = root.join("home");
    let xdg = root.join("xdg");
    write(
        &root.join("system.cfg"),
        "[test]\n\tsystem = from-system\n\tshadow = system\n\tmulti = s\n",
    );
    write(
        &xdg.join("git/config"),
        "[test]\n\txdg = from-xdg\n\tshadow = xdg\n\tmulti = x\n",
    );
    write(
        &home.join(".gitconfig"),
        &format!(
            "[test]\n\thome = from-home\n\tshadow = home\n\tmulti = h\n[include]\n\tpath = ~/inc/one.cfg\n[includeIf \"gitdir:{}/\"]\n\tpath = {}\n[includeIf \"gitdir/i:{}/WORK/\"]\n\tpath = {}\n[includeIf \"gitdir:/nowhere/\"]\n\tpath = {}\n[includeIf \"onbranch:main\"]\n\tpath = {}\n[includeIf \"onbranch:other\"]\n\tpath = {}\n[includeIf \"hasconfig:remote.*.url:https://example.com/**\"]\n\tpath = {}\n",
            root.display(),
            root.join("cond-gitdir.cfg").display(),
            root.display().to_string().to_uppercase(),
            root.join("cond-icase.cfg").display(),
            root.join("never.cfg").display(),
            root.join("cond-branch.cfg").display(),
            root.join("never.cfg").display(),
            root.join("cond-remote.cfg").display(),
        ),
    );
    write(
        &home.join("inc/one.cfg"),
        "[test]\n\tinc1 = from-include\n\tshadow = include\n[include]\n\tpath = two.cfg\n",
    );
    write(
        &home.join("inc/two.cfg"),
        "[test]\n\tinc2 = relative-include\n",
    );
    write(&root.join("cond-gitdir.cfg"), "[test]\n\tgitdir = yes\n");
    write(&root.join("cond-icase.cfg"), "[test]\n\ticase = yes\n");
    write(&root.join("cond-branch.cfg"), "[test]\n\tbranch = main\n");
    write(
        &root.join("cond-remote.cfg"),
        "[test]\n\tremote = matched\n",
    );
    write(&root.join("never.cfg"), "[test]\n\tnever = wrong\n");
    let cfg = repo.join(".git/config");
    let mut text = std::fs::read_to_string(&cfg).unwrap();
    text.push_str("[test]\n\tlocal = from-repo\n\tshadow = repo\n\tmulti = r\n[remote \"origin\"]\n\turl = https://example.com/a/b.git\n[extensions]\n\tworktreeConfig = true\n");
    text = text.replace("repositoryformatversion = 0", "repositoryformatversion = 1");
    std::fs::write(&cfg, text).unwrap();
    write(
        &repo.join(".git/config.worktree"),
        "[test]\n\tworktree = from-worktree\n\tshadow = worktree\n",
    );
    Setup { root, repo }
}

/// The environment both tools get.
fn env(s: &Setup) -> Vec<(String, String)> {
    vec![
        ("HOME".into(), s.root.join("home").display().to_string()),
        (
            "XDG_CONFIG_HOME".into(),
            s.root.join("xdg").display().to_string(),
        ),
        (
            "GIT_CONFIG_SYSTEM".into(),
            s.root.join("system.cfg").display().to_string(),
        ),
        ("GIT_CONFIG_COUNT".into(), "2".into()),
        ("GIT_CONFIG_KEY_0".into(), "test.count".into()),
        ("GIT_CONFIG_VALUE_0".into(), "from-count".into()),
        ("GIT_CONFIG_KEY_1".into(), "test.multi".into()),
        ("GIT_CONFIG_VALUE_1".into(), "c".into()),
        (
            "GIT_CONFIG_PARAMETERS".into(),
            "'test.shadow'='command' 'test.param=p'".into(),
        ),
    ]
}

fn git_get_all(s: &Setup, env: &[(String, String)], key: &str) -> Vec<String> {
    let mut c = std::process::Command::new("git");
    c.current_dir(&s.repo)
        .args(["config", "--get-all", key])
        .env_remove("GIT_CONFIG_NOSYSTEM")
        .env_remove("GIT_CONFIG_GLOBAL")
        .env_remove("GIT_DIR")
        .env("GIT_CEILING_DIRECTORIES", scratch_dir());
    for (k, v) in env {
        c.env(k, v);
    }
    let out = c.output().unwrap();
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect()
}

const KEYS: &[&str] = &[
    "test.system",
    "test.xdg",
    "test.home",
    "test.local",
    "test.worktree",
    "test.inc1",
    "test.inc2",
    "test.gitdir",
    "test.icase",
    "test.branch",
    "test.remote",
    "test.never",
    "test.count",
    "test.param",
    "test.shadow",
    "test.multi",
];

fn sources(s: &Setup) -> Sources {
    let mut src = Sources {
        system: Some(s.root.join("system.cfg")),
        global: vec![
            s.root.join("xdg/git/config"),
            s.root.join("home/.gitconfig"),
        ],
        home: Some(s.root.join("home")),
        command_line: Vec::new(),
    };
    src.command_line
        .push(("test.count".into(), Some("from-count".into())));
    src.command_line
        .push(("test.multi".into(), Some("c".into())));
    src.command_line
        .extend(oxgit::config::parse_parameters("'test.shadow'='command' 'test.param=p'").unwrap());
    src
}

#[test]
fn every_level_and_include_matches_git() {
    common::check_git_version();
    let s = setup("levels");
    let repo = OpenOptions {
        config: sources(&s),
        ..OpenOptions::default()
    }
    .open(&s.repo)
    .unwrap();
    let e = env(&s);
    for key in KEYS {
        let ours: Vec<String> = repo.config().get_all(key).map(str::to_string).collect();
        assert_eq!(ours, git_get_all(&s, &e, key), "{key}");
    }
    assert_eq!(repo.config().get("test.shadow"), Some("command"));
    // The conditions really fired (or not) in git too: the comparison is not vacuous.
    for (key, want) in [
        ("test.gitdir", &["yes"][..]),
        ("test.icase", &["yes"]),
        ("test.branch", &["main"]),
        ("test.remote", &["matched"]),
        ("test.never", &[]),
        ("test.inc2", &["relative-include"]),
        ("test.multi", &["s", "x", "h", "r", "c"]),
    ] {
        assert_eq!(git_get_all(&s, &e, key), want, "{key} in git");
    }
    // GIT_CONFIG_NOSYSTEM and GIT_CONFIG_GLOBAL replace the defaults.
    let mut e2 = e.clone();
    e2.push(("GIT_CONFIG_NOSYSTEM".into(), "1".into()));
    e2.push((
        "GIT_CONFIG_GLOBAL".into(),
        s.root.join("xdg/git/config").display().to_string(),
    ));
    let mut src = sources(&s);
    src.system = None;
    src.global = vec![s.root.join("xdg/git/config")];
    let repo = OpenOptions {
        config: src,
        ..OpenOptions::default()
    }
    .open(&s.repo)
    .unwrap();
    for key in KEYS {
        let ours: Vec<String> = repo.config().get_all(key).map(str::to_string).collect();
        assert_eq!(
            ours,
            git_get_all(&s, &e2, key),
            "{key} without system, other global"
        );
    }
    std::fs::remove_dir_all(&s.root).unwrap();
}

#[test]
fn the_cli_reads_the_environment_like_git() {
    common::check_git_version();
    let s = setup("cli");
    std::fs::write(s.repo.join("f"), b"x\n").unwrap();
    // status.short in the global file changes what `status` prints.
    let home = s.root.join("home/.gitconfig");
    let mut text = std::fs::read_to_string(&home).unwrap();
    text.push_str("[status]\n\tshort = true\n\tbranch = true\n");
    std::fs::write(&home, text).unwrap();
    for args in [&["status"][..], &["status", "--porcelain=v2"]] {
        let mut g = git_cmd(&s.repo);
        g.args(args)
            .env_remove("GIT_CONFIG_GLOBAL")
            .env_remove("GIT_CONFIG_NOSYSTEM");
        let mut o = oxgit_cmd(&s.repo);
        o.args(args)
            .env_remove("GIT_CONFIG_GLOBAL")
            .env_remove("GIT_CONFIG_NOSYSTEM");
        for (k, v) in env(&s) {
            g.env(&k, &v);
            o.env(&k, &v);
        }
        let (ge, oe) = (run(g, b""), run(o, b""));
        assert!(ge.status.success());
        assert_eq!(
            String::from_utf8_lossy(&ge.stdout),
            String::from_utf8_lossy(&oe.stdout),
            "{args:?}: {}",
            String::from_utf8_lossy(&oe.stderr)
        );
        assert!(ge.stdout.starts_with(b"## ") || args.len() > 1);
    }
    std::fs::remove_dir_all(&s.root).unwrap();
}

#[test]
fn include_loops_are_refused() {
    let s = setup("loop");
    write(
        &s.root.join("loop.cfg"),
        &format!(
            "[include]\n\tpath = {}\n",
            s.root.join("loop.cfg").display()
        ),
    );
    let cfg = s.repo.join(".git/config");
    let mut text = std::fs::read_to_string(&cfg).unwrap();
    text.push_str(&format!(
        "[include]\n\tpath = {}\n",
        s.root.join("loop.cfg").display()
    ));
    std::fs::write(&cfg, text).unwrap();
    let err = OpenOptions::default().open(&s.repo).unwrap_err();
    assert!(err.to_string().contains("maximum include depth"), "{err}");
    std::fs::remove_dir_all(&s.root).unwrap();
}
