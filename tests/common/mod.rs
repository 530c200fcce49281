//! Shared helpers for the differential tests: build fixture repositories with git, run git
//! and oxgit on them, and compare their output byte for byte.
#![allow(dead_code)]

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::{Mutex, OnceLock};

/// The git version the expected outputs come from.
pub const GIT_VERSION_PREFIX: &str = "git version 2.47";

/// Fails unless the `git` on PATH is the oracle version.
pub fn check_git_version() {
    static CHECKED: OnceLock<()> = OnceLock::new();
    CHECKED.get_or_init(|| {
        let out = Command::new("git")
            .arg("--version")
            .output()
            .expect("git on PATH");
        let v = String::from_utf8_lossy(&out.stdout);
        assert!(
            v.starts_with(GIT_VERSION_PREFIX),
            "tests compare against {GIT_VERSION_PREFIX}, but PATH has {v}"
        );
    });
}

/// The folder with the fixture scripts.
pub fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}

/// A scratch folder for this test binary (under the target directory).
pub fn scratch_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("oxgit-tests");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Builds the repository of `fixtures/<name>.sh` (once per script content) and returns its
/// folder. Scripts receive the folder to create as `$1`.
pub fn fixture(name: &str) -> PathBuf {
    check_git_version();
    static BUILT: OnceLock<Mutex<HashMap<String, PathBuf>>> = OnceLock::new();
    let map = BUILT.get_or_init(|| Mutex::new(HashMap::new()));
    let mut map = map.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(p) = map.get(name) {
        return p.clone();
    }
    let script = fixtures_dir().join(format!("{name}.sh"));
    let mut text = std::fs::read(&script).unwrap_or_else(|e| panic!("{}: {e}", script.display()));
    text.extend(std::fs::read(fixtures_dir().join("lib.sh")).unwrap());
    let key = oxgit::oid::hash_object(oxgit::HashKind::Sha1, oxgit::ObjectKind::Blob, &text);
    let dir = scratch_dir().join(format!("{name}-{}", key.to_hex_prefix(12)));
    if !dir.join(".done").exists() {
        let tmp = scratch_dir().join(format!("{name}-tmp-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&tmp);
        let out = Command::new("bash")
            .arg(&script)
            .arg(&tmp)
            .stdin(Stdio::null())
            .output()
            .expect("run bash");
        assert!(
            out.status.success(),
            "fixture {name} failed:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        std::fs::write(tmp.join(".done"), b"").unwrap();
        let _ = std::fs::remove_dir_all(&dir);
        if std::fs::rename(&tmp, &dir).is_err() {
            // Another test binary built it at the same moment; use theirs.
            let _ = std::fs::remove_dir_all(&tmp);
        }
    }
    map.insert(name.to_string(), dir.clone());
    dir
}

/// A `git` command in `dir` with a deterministic environment.
pub fn git_cmd(dir: &Path) -> Command {
    let mut c = Command::new("git");
    c.current_dir(dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("HOME", "/nonexistent")
        .env("TZ", "UTC")
        .env("LC_ALL", "C")
        .env("GIT_AUTHOR_NAME", "A U Thor")
        .env("GIT_AUTHOR_EMAIL", "author@example.com")
        .env("GIT_COMMITTER_NAME", "C O Mitter")
        .env("GIT_COMMITTER_EMAIL", "committer@example.com")
        .env("GIT_AUTHOR_DATE", "@1700000000 +0000")
        .env("GIT_COMMITTER_DATE", "@1700000000 +0000")
        .env_remove("GIT_DIR")
        .env_remove("GIT_WORK_TREE")
        .env_remove("GIT_INDEX_FILE")
        .env_remove("GIT_PAGER")
        .env("GIT_PAGER", "cat")
        .env("PAGER", "cat")
        .env("GIT_CEILING_DIRECTORIES", ceiling());
    c
}

/// Discovery must never climb out of a test repository into the project's own checkout.
fn ceiling() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR")).to_path_buf()
}

/// An `oxgit` command (the binary under test) in `dir`.
pub fn oxgit_cmd(dir: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_oxgit"));
    c.current_dir(dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("HOME", "/nonexistent")
        .env("TZ", "UTC")
        .env("LC_ALL", "C")
        .env("GIT_CEILING_DIRECTORIES", ceiling());
    c
}

/// Runs `cmd` with `stdin` as input and returns its output.
pub fn run(mut cmd: Command, stdin: &[u8]) -> Output {
    use std::io::Write;
    cmd.stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("spawn");
    let mut input = child.stdin.take().unwrap();
    let data = stdin.to_vec();
    let writer = std::thread::spawn(move || {
        let _ = input.write_all(&data);
    });
    let out = child.wait_with_output().expect("wait");
    writer.join().unwrap();
    out
}

/// Runs `git args` in `dir` and returns stdout, panicking if git fails.
pub fn git(dir: &Path, args: &[&str]) -> Vec<u8> {
    let out = run(
        {
            let mut c = git_cmd(dir);
            c.args(args);
            c
        },
        b"",
    );
    assert!(
        out.status.success(),
        "git {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

/// Runs git and oxgit with the same arguments and input in `dir`, and asserts that stdout
/// and the exit code are identical. Returns git's stdout.
pub fn assert_same_with_input(dir: &Path, args: &[&str], stdin: &[u8]) -> Vec<u8> {
    let expected = run(
        {
            let mut c = git_cmd(dir);
            c.args(args);
            c
        },
        stdin,
    );
    let actual = run(
        {
            let mut c = oxgit_cmd(dir);
            c.args(args);
            c
        },
        stdin,
    );
    if expected.stdout != actual.stdout {
        panic!(
            "stdout differs for {args:?} in {}\n--- git\n{}\n--- oxgit\n{}\n--- oxgit stderr\n{}",
            dir.display(),
            truncate(&expected.stdout),
            truncate(&actual.stdout),
            String::from_utf8_lossy(&actual.stderr)
        );
    }
    assert_eq!(
        expected.status.code(),
        actual.status.code(),
        "exit code differs for {args:?} in {}\n git stderr: {}\n oxgit stderr: {}",
        dir.display(),
        String::from_utf8_lossy(&expected.stderr),
        String::from_utf8_lossy(&actual.stderr)
    );
    expected.stdout
}

/// [`assert_same_with_input`] with empty input.
pub fn assert_same(dir: &Path, args: &[&str]) -> Vec<u8> {
    assert_same_with_input(dir, args, b"")
}

fn truncate(b: &[u8]) -> String {
    let s = String::from_utf8_lossy(b);
    if s.len() > 4000 {
        format!("{}… ({} bytes)", &s[..4000], s.len())
    } else {
        s.into_owned()
    }
}

/// A small deterministic generator (xorshift64*), so randomized tests damage and edit the
/// same bytes on every run.
pub struct Rng(pub u64);

impl Rng {
    /// The next 64 random bits.
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// A number below `n` (0 when `n` is 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    /// A number below `n` (0 when `n` is 0), as `u64`.
    pub fn below_u64(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

/// Runs `diff <fmt...> a b` with git and oxgit in `dir` and asserts identical output.
pub fn assert_same_diff(dir: &Path, a: &str, b: &str, fmt: &[&str]) {
    let mut args = vec!["diff"];
    args.extend_from_slice(fmt);
    args.push(a);
    args.push(b);
    assert_same(dir, &args);
}

/// Like [`assert_same`], and standard error must match too. Usage texts are compared with
/// git's name replaced by oxgit's (`usage: git x` is read as `usage: oxgit x`). Returns
/// git's stdout.
pub fn assert_same_stderr(dir: &Path, args: &[&str]) -> Vec<u8> {
    assert_same_stderr_env(dir, args, &[])
}

/// [`assert_same_stderr`] with extra environment variables for both tools (such as
/// `GIT_TEST_DATE_NOW` or `TZ`).
pub fn assert_same_stderr_env(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Vec<u8> {
    let go = |mut c: Command| {
        c.args(args);
        for (k, v) in env {
            c.env(k, v);
        }
        run(c, b"")
    };
    let expected = go(git_cmd(dir));
    let actual = go(oxgit_cmd(dir));
    let usage = |b: &[u8]| {
        let mut out = Vec::with_capacity(b.len());
        let mut i = 0;
        while i < b.len() {
            let rest = &b[i..];
            if let Some(p) = [&b"usage: git "[..], b"   or: git "]
                .into_iter()
                .find(|p| rest.starts_with(p))
            {
                out.extend_from_slice(&p[..p.len() - 4]);
                out.extend_from_slice(b"oxgit ");
                i += p.len();
            } else {
                out.push(b[i]);
                i += 1;
            }
        }
        out
    };
    for (what, g, o) in [
        ("stdout", &expected.stdout, &actual.stdout),
        ("stderr", &expected.stderr, &actual.stderr),
    ] {
        assert!(
            usage(g) == *o,
            "{what} differs for {args:?} {env:?} in {}\n--- git\n{}\n--- oxgit\n{}",
            dir.display(),
            truncate(g),
            truncate(o)
        );
    }
    assert_eq!(
        expected.status.code(),
        actual.status.code(),
        "exit code differs for {args:?} {env:?} in {}",
        dir.display()
    );
    expected.stdout
}

/// Writes `body` as an object of `kind` without git's checks (`hash-object --literally`),
/// for damaged objects git itself would not make; returns its id.
pub fn write_literal_object(dir: &Path, kind: &str, body: &[u8]) -> String {
    let path = dir.join(".literal-object");
    std::fs::write(&path, body).unwrap();
    let id = git(
        dir,
        &[
            "hash-object",
            "-t",
            kind,
            "-w",
            "--literally",
            path.to_str().unwrap(),
        ],
    );
    std::fs::remove_file(&path).unwrap();
    String::from_utf8(id).unwrap().trim().to_string()
}

/// Copies the directory `from` to `to` (`cp -a`: modes, symlinks and times kept).
pub fn copy_dir(from: &Path, to: &Path) {
    let ok = Command::new("cp")
        .arg("-a")
        .arg(from)
        .arg(to)
        .status()
        .unwrap()
        .success();
    assert!(ok, "cp -a {} {}", from.display(), to.display());
}

/// Runs `oxgit args` in `dir` and asserts that it refuses them: exit 128, nothing on
/// standard output, and a message saying what is not supported.
pub fn assert_refused(dir: &Path, args: &[&str]) {
    let out = run(
        {
            let mut c = oxgit_cmd(dir);
            c.args(args);
            c
        },
        b"",
    );
    assert_eq!(out.status.code(), Some(128), "{args:?}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("not supported"), "{args:?}: {err}");
    assert!(out.stdout.is_empty(), "{args:?}");
}
