//! Helpers for the server tests: start the real `oxgit serve` binary on an ephemeral
//! loopback port, and a small raw HTTP/1.1 client (raw so that hostile requests can be
//! sent exactly as written).
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// A running server; killed (SIGKILL) when dropped unless already stopped.
pub struct Server {
    /// The child process.
    pub child: Child,
    /// `127.0.0.1:PORT`.
    pub addr: String,
    /// The lines printed at startup after the "listening" line.
    pub banner: Vec<String>,
    stderr_file: PathBuf,
}

impl Server {
    /// Starts `oxgit serve --root <root> --config <config>` in `root`.
    pub fn with_root(root: &Path, config: &Path) -> Server {
        Server::start(
            root,
            &[
                "--root",
                root.to_str().unwrap(),
                "--config",
                config.to_str().unwrap(),
            ],
        )
    }

    /// Starts `oxgit serve --listen 127.0.0.1:0 <args>` in `cwd`.
    pub fn start(cwd: &Path, args: &[&str]) -> Server {
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("oxgit-server-logs");
        std::fs::create_dir_all(&dir).unwrap();
        static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = N.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        let stderr_file = dir.join(format!("{}-{n}.log", std::process::id()));
        let mut child = Command::new(env!("CARGO_BIN_EXE_oxgit"))
            .arg("serve")
            .args(["--listen", "127.0.0.1:0"])
            .args(args)
            .current_dir(cwd)
            .env("GIT_CEILING_DIRECTORIES", env!("CARGO_TARGET_TMPDIR"))
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(std::fs::File::create(&stderr_file).unwrap())
            .spawn()
            .expect("spawn oxgit serve");
        let stdout = child.stdout.take().unwrap();
        let mut lines = BufReader::new(stdout).lines();
        let first = lines
            .next()
            .unwrap_or_else(|| {
                panic!(
                    "server exited: {}",
                    std::fs::read_to_string(&stderr_file).unwrap_or_default()
                )
            })
            .unwrap();
        let addr = first
            .strip_prefix("oxgit serve: listening on http://")
            .unwrap_or_else(|| panic!("unexpected first line {first:?}"))
            .to_string();
        let mut banner = Vec::new();
        // The banner ends with the examples; read what is there without blocking forever.
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for l in lines.map_while(Result::ok) {
                if tx.send(l).is_err() {
                    break;
                }
            }
        });
        while let Ok(l) = rx.recv_timeout(Duration::from_millis(300)) {
            banner.push(l);
        }
        Server {
            child,
            addr,
            banner,
            stderr_file,
        }
    }

    /// `http://127.0.0.1:PORT`.
    pub fn base(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Sends a GET with extra headers.
    pub fn get(&self, target: &str, headers: &[(&str, &str)]) -> Response {
        self.request("GET", target, headers)
    }

    /// Sends a request with `Connection: close` and reads the whole response.
    pub fn request(&self, method: &str, target: &str, headers: &[(&str, &str)]) -> Response {
        let mut raw = format!(
            "{method} {target} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n",
            self.addr
        );
        for (k, v) in headers {
            raw.push_str(&format!("{k}: {v}\r\n"));
        }
        raw.push_str("\r\n");
        self.raw(raw.as_bytes())
    }

    /// Sends raw bytes and parses the response.
    pub fn raw(&self, bytes: &[u8]) -> Response {
        let mut s = self.connect();
        s.write_all(bytes).unwrap();
        let mut buf = Vec::new();
        let _ = s.read_to_end(&mut buf);
        Response::parse(&buf).unwrap_or_else(|| {
            panic!(
                "no HTTP response to {:?}: {:?}",
                String::from_utf8_lossy(&bytes[..bytes.len().min(200)]),
                String::from_utf8_lossy(&buf)
            )
        })
    }

    /// A connection with a read timeout.
    pub fn connect(&self) -> TcpStream {
        let s = TcpStream::connect(&self.addr).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
        s
    }

    /// The access log and messages so far.
    pub fn stderr(&self) -> String {
        std::fs::read_to_string(&self.stderr_file).unwrap_or_default()
    }

    /// The file standard error goes to.
    pub fn stderr_file_path(&self) -> PathBuf {
        self.stderr_file.clone()
    }

    /// Sends SIGTERM and waits for the exit status.
    pub fn terminate(mut self) -> std::process::ExitStatus {
        let pid = self.child.id().to_string();
        Command::new("kill").args(["-TERM", &pid]).status().unwrap();
        let st = self.child.wait().unwrap();
        std::mem::forget(self);
        st
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A parsed HTTP response.
#[derive(Debug)]
pub struct Response {
    /// The status code.
    pub status: u16,
    /// Headers, names lowercased, in order.
    pub headers: Vec<(String, String)>,
    /// The body (de-chunked).
    pub body: Vec<u8>,
}

impl Response {
    fn parse(buf: &[u8]) -> Option<Response> {
        let end = buf.windows(4).position(|w| w == b"\r\n\r\n")?;
        let head = std::str::from_utf8(&buf[..end]).ok()?;
        let mut lines = head.split("\r\n");
        let status: u16 = lines.next()?.split(' ').nth(1)?.parse().ok()?;
        let headers: Vec<(String, String)> = lines
            .filter_map(|l| {
                let (k, v) = l.split_once(':')?;
                Some((k.trim().to_ascii_lowercase(), v.trim().to_string()))
            })
            .collect();
        let mut body = buf[end + 4..].to_vec();
        if headers
            .iter()
            .any(|(k, v)| k == "transfer-encoding" && v.contains("chunked"))
        {
            let mut out = Vec::new();
            let mut rest = &body[..];
            loop {
                let nl = rest.windows(2).position(|w| w == b"\r\n")?;
                let n = usize::from_str_radix(std::str::from_utf8(&rest[..nl]).ok()?.trim(), 16)
                    .ok()?;
                if n == 0 {
                    break;
                }
                out.extend_from_slice(&rest[nl + 2..nl + 2 + n]);
                rest = &rest[nl + 2 + n + 2..];
            }
            body = out;
        }
        Some(Response {
            status,
            headers,
            body,
        })
    }

    /// The first header named `name` (lowercase).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The body as JSON.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&self.body)))
    }
}

/// A fresh copy of fixture `name` placed at `root/<segments...>`; returns `root`.
pub fn root_with(name: &str, layout: &[&str], tag: &str) -> PathBuf {
    let src = crate::common::fixture(name);
    // Unique per call: tests of one binary run in parallel.
    static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = N.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    let root = crate::common::scratch_dir().join(format!("root-{tag}-{}-{n}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    let mut dst = root.clone();
    for s in layout {
        dst.push(s);
    }
    std::fs::create_dir_all(dst.parent().unwrap()).unwrap();
    let ok = Command::new("cp")
        .arg("-a")
        .arg(&src)
        .arg(&dst)
        .status()
        .unwrap()
        .success();
    assert!(ok, "cp -a {} {}", src.display(), dst.display());
    root
}

/// Writes a config file into `dir` and returns its path.
pub fn config_file(dir: &Path, name: &str, text: &str) -> PathBuf {
    std::fs::create_dir_all(dir).unwrap();
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

/// git's patch of the files `paths` between `base` and `head` as a merge-request
/// `diff` member shows it: `git diff --find-renames=30% base head -- paths` with the
/// header lines before the first `@@` (or the `Binary files` line) stripped.
pub fn git_mr_diff(dir: &Path, base: &str, head: &str, paths: &[&str]) -> String {
    let mut args = vec!["diff", "--find-renames=30%", base, head, "--"];
    args.extend_from_slice(paths);
    let out = String::from_utf8(crate::common::git(dir, &args)).unwrap();
    let start = out
        .match_indices('\n')
        .map(|(i, _)| i + 1)
        .chain(std::iter::once(0))
        .filter(|&i| out[i..].starts_with("@@") || out[i..].starts_with("Binary files "))
        .min();
    match start {
        Some(i) => out[i..].to_string(),
        None => String::new(),
    }
}

/// Signing JWTs with the test keys (tests/keys), for the Code Storage tests.
pub mod tokens {
    use base64::Engine as _;
    use serde_json::Value;

    /// The test private keys.
    pub const ES_KEY: &str = include_str!("../keys/es256.key.pem");
    /// A P-256 key no issuer has.
    pub const ES_OTHER_KEY: &str = include_str!("../keys/es256-other.key.pem");
    /// The RSA private key.
    pub const RS_KEY: &str = include_str!("../keys/rs256.key.pem");

    /// base64url without padding.
    pub fn b64(data: &[u8]) -> String {
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(data)
    }

    /// `header.claims.signature`, the signature made by `sign` over the signing input.
    pub fn token(header: &Value, claims: &Value, sign: impl Fn(&[u8]) -> Vec<u8>) -> String {
        let input = format!(
            "{}.{}",
            b64(header.to_string().as_bytes()),
            b64(claims.to_string().as_bytes())
        );
        let sig = sign(input.as_bytes());
        format!("{input}.{}", b64(&sig))
    }

    /// An ES256 signer with the PKCS#8 PEM key `pem`.
    pub fn es256(pem: &str) -> impl Fn(&[u8]) -> Vec<u8> {
        use p256::pkcs8::DecodePrivateKey;
        let sk = p256::ecdsa::SigningKey::from_pkcs8_pem(pem).unwrap();
        move |m| {
            use p256::ecdsa::signature::Signer;
            let s: p256::ecdsa::Signature = sk.sign(m);
            s.to_bytes().to_vec()
        }
    }

    /// An RS256 signature with [`RS_KEY`].
    pub fn rs256(m: &[u8]) -> Vec<u8> {
        use rsa::pkcs8::DecodePrivateKey;
        let k = rsa::PrivateKey::from_pkcs8_pem(RS_KEY).unwrap();
        k.pkcs1v15_sign::<rsa::sha2::Sha256>(m).unwrap().to_vec()
    }
}

/// Every file and folder below `dir`, sorted (to check that a request changed nothing).
pub fn files_below(dir: &Path) -> Vec<PathBuf> {
    let mut v = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            let p = e.path();
            if e.file_type().unwrap().is_dir() {
                stack.push(p.clone());
            }
            v.push(p);
        }
    }
    v.sort();
    v
}
