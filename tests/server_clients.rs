//! The real clients, unchanged, pointed at the real binary (installed by
//! `.ci/clients.sh` into target/clients). Their parsed results are checked against git.
//!
//! Without the clients installed these tests print why and pass, except under CI
//! (`CI=true`), where a missing client is a failure.
#![cfg(feature = "server")]

mod common;
mod server_support;

use serde_json::Value;
use server_support::{config_file, root_with, Server};
use std::path::{Path, PathBuf};

fn clients_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("target/clients")
}

/// The venv's python, or `None` (with the reason printed) outside CI.
fn python() -> Option<PathBuf> {
    let p = clients_dir().join("venv/bin/python");
    if p.exists() {
        return Some(p);
    }
    let msg = format!(
        "{} missing: run .ci/clients.sh to install the real clients",
        p.display()
    );
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!("{msg}");
    }
    eprintln!("skipping: {msg}");
    None
}

fn run_azure(
    py: &Path,
    s: &Server,
    pat: &str,
    project: &str,
    repo: &str,
    commit: &str,
    page: Option<(u32, u32)>,
) -> Value {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("clients/azure_get_changes.py");
    let mut cmd = std::process::Command::new(py);
    cmd.arg(&script)
        .arg(format!("{}/fabrikam", s.base()))
        .args([pat, project, repo, commit]);
    if let Some((top, skip)) = page {
        cmd.args([top.to_string(), skip.to_string()]);
    }
    let cache = common::scratch_dir().join(format!(
        "azdo-cache-{}-{commit}-{project}",
        std::process::id()
    ));
    cmd.env("AZURE_DEVOPS_CACHE_DIR", &cache);
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "client failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// `git diff-tree -t` of a commit against its first parent as `(letter, path)`, without
/// same-id entries (Azure lists no mode-only changes), sorted by path for merges.
fn git_list(dir: &Path, commit: &str) -> Vec<(String, String)> {
    let parents =
        String::from_utf8(common::git(dir, &["rev-list", "--parents", "-n1", commit])).unwrap();
    let parents: Vec<&str> = parents.split_whitespace().skip(1).collect();
    let mut args = vec!["diff-tree", "-r", "-t", "--no-renames", "--no-commit-id"];
    if parents.is_empty() {
        args.extend(["--root", commit]);
    } else {
        args.extend([parents[0], commit]);
    }
    let out = String::from_utf8(common::git(dir, &args)).unwrap();
    let mut v: Vec<(String, String)> = out
        .lines()
        .filter_map(|l| {
            let (meta, path) = l.split_once('\t')?;
            let f: Vec<&str> = meta.split(' ').collect();
            (f[2] != f[3]).then(|| (f[4].to_string(), path.to_string()))
        })
        .collect();
    if parents.len() > 1 {
        v.sort_by(|a, b| a.1.cmp(&b.1));
    }
    v
}

fn client_list(v: &Value) -> Vec<(String, String)> {
    v["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            let letter = match c["changeType"].as_str().unwrap() {
                "add" | "rename" | "edit, rename" => "A",
                "delete" | "delete, sourceRename" => "D",
                "edit" => "M",
                other => panic!("{other}"),
            };
            (
                letter.to_string(),
                c["path"].as_str().unwrap()[1..].to_string(),
            )
        })
        .collect()
}

#[test]
fn azure_devops_python_client_get_changes() {
    let Some(py) = python() else { return };
    let root = root_with("seed-demo", &["fabrikam", "demo", "demo"], "pyclient");
    let hist_dst = root.join("fabrikam/demo/hist");
    let ok = std::process::Command::new("cp")
        .arg("-a")
        .arg(common::fixture("server-azure-history"))
        .arg(&hist_dst)
        .status()
        .unwrap();
    assert!(ok.success());
    let cfg = config_file(
        &root.join(".."),
        "pyclient.toml",
        "[azure]\ntokens = [\"the-pat\"]\n",
    );
    let s = Server::start(
        &root,
        &[
            "--root",
            root.to_str().unwrap(),
            "--config",
            cfg.to_str().unwrap(),
        ],
    );
    let demo = root.join("fabrikam/demo/demo");
    // Renames (C2), with the project segment and without it (repository GUID).
    let c2 = "15328969158d082b85585cb3c8d32d9e0dbda315";
    let full = run_azure(&py, &s, "the-pat", "demo", "demo", c2, None);
    assert_eq!(full["changeCounts"]["Delete, SourceRename"], 1);
    let renamed = full["changes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["changeType"] == "rename")
        .unwrap();
    assert_eq!(
        (
            renamed["path"].as_str(),
            renamed["sourceServerItem"].as_str()
        ),
        (Some("/docs/manual.md"), Some("/docs/guide.md"))
    );
    assert_eq!(client_list(&full), git_list(&demo, c2));
    let by_guid = run_azure(
        &py,
        &s,
        "the-pat",
        "-",
        "278d5cd2-584d-4b63-824a-2ba458937249",
        c2,
        None,
    );
    assert_eq!(by_guid, full);
    // Paging with top/skip: the pages concatenate to the whole list.
    let mut paged = Vec::new();
    for skip in (0..6).step_by(2) {
        let page = run_azure(&py, &s, "the-pat", "demo", "demo", c2, Some((2, skip)));
        assert_eq!(page["changeCounts"], full["changeCounts"]);
        paged.extend(page["changes"].as_array().unwrap().clone());
    }
    assert_eq!(Value::Array(paged), full["changes"]);
    // A root commit, a merge commit, and every other commit of the history fixture.
    let hist = common::fixture("server-azure-history");
    let commits = String::from_utf8(common::git(&hist, &["rev-list", "--all"])).unwrap();
    let merge = String::from_utf8(common::git(&hist, &["rev-parse", "merge"])).unwrap();
    let rootc = String::from_utf8(common::git(&hist, &["rev-parse", "root"])).unwrap();
    assert!(commits.contains(merge.trim()) && commits.contains(rootc.trim()));
    for c in commits.lines() {
        let got = run_azure(&py, &s, "the-pat", "demo", "hist", c, None);
        assert_eq!(client_list(&got), git_list(&hist, c), "commit {c}");
    }
    // The client reads the 401 envelope and raises its service error with our message.
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("clients/azure_get_changes.py");
    let out = std::process::Command::new(&py)
        .arg(&script)
        .arg(format!("{}/fabrikam", s.base()))
        .args(["wrong", "demo", "demo", c2])
        .env(
            "AZURE_DEVOPS_CACHE_DIR",
            common::scratch_dir().join("azdo-cache-wrong"),
        )
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("AzureDevOpsServiceError: TF400813: The user '' is not authorized"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
