//! Whole `git diff -p` output (headers, labels, hunks, binary notices) rebuilt from git's
//! raw pair list and compared byte for byte.

mod common;

use oxgit::diff::binary::is_binary_pair;
use oxgit::diff::line::{Options, State};
use oxgit::diff::patch::{write_pair, PairHeader, PairStatus};
use std::path::Path;

fn blob(dir: &Path, id: &str) -> Vec<u8> {
    if id.bytes().all(|c| c == b'0') {
        return Vec::new();
    }
    common::git(dir, &["cat-file", "blob", id])
}

/// Rebuilds `git diff --cached -M <extra>` from `git diff --cached -M --raw -z`.
fn rebuild(dir: &Path, extra: &[&str], opts: &Options) -> Vec<u8> {
    let mut args = vec!["diff", "--cached", "-M", "--raw", "-z", "--no-abbrev"];
    args.extend_from_slice(extra);
    let raw = common::git(dir, &args);
    let mut fields = raw.split(|&c| c == 0).peekable();
    let mut out = Vec::new();
    let mut state = State::new();
    while let Some(meta) = fields.next() {
        if meta.is_empty() {
            break;
        }
        let meta = String::from_utf8_lossy(meta).to_string();
        let parts: Vec<&str> = meta.trim_start_matches(':').split(' ').collect();
        let (om, nm, oid, nid, st) = (parts[0], parts[1], parts[2], parts[3], parts[4]);
        let p1 = fields.next().unwrap().to_vec();
        let (status, p2) = match st.as_bytes()[0] {
            b'R' => (
                PairStatus::Renamed(st[1..].parse().unwrap()),
                fields.next().unwrap().to_vec(),
            ),
            b'C' => (
                PairStatus::Copied(st[1..].parse().unwrap()),
                fields.next().unwrap().to_vec(),
            ),
            _ => (PairStatus::Plain, p1.clone()),
        };
        let mode = |m: &str| {
            let v = u32::from_str_radix(m, 8).unwrap();
            (v != 0).then_some(v)
        };
        let (old, new) = (blob(dir, oid), blob(dir, nid));
        let h = PairHeader {
            old_path: &p1,
            new_path: &p2,
            old_mode: mode(om),
            new_mode: mode(nm),
            old_id: &oid[..7],
            new_id: &nid[..7],
            status,
            src_prefix: b"a/",
            dst_prefix: b"b/",
            quote_path: true,
            ids_differ: oid != nid,
        };
        let counts = write_pair(&mut out, &mut state, &h, &old, &new, opts).unwrap();
        assert_eq!(counts.is_none(), is_binary_pair(&old, &new));
    }
    out
}

#[test]
fn full_patch_output_matches_git() {
    common::check_git_version();
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let w = |p: &str, c: &[u8]| {
        let path = d.join(p);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, c).unwrap();
    };
    common::git(d, &["init", "-q"]);
    let body: String = (1..=30).map(|i| format!("line {i}\n")).collect();
    w(
        "mod.txt",
        b"int main(void)\n{\n  a();\n  b();\n  c();\n  d();\n}\n",
    );
    w("gone.txt", b"bye\n");
    w("mode.sh", b"#!/bin/sh\necho hi\n");
    w("old name.txt", body.as_bytes());
    w("dir/keep", body.as_bytes());
    w("bin.dat", b"\0\x01\x02");
    w("nonl", b"a\nb");
    w("tab\there", b"x\n");
    common::git(d, &["add", "-A"]);
    common::git(d, &["commit", "-q", "-m", "one"]);
    w(
        "mod.txt",
        b"int main(void)\n{\n  a();\n  B();\n  c();\n  d();\n}\n",
    );
    std::fs::remove_file(d.join("gone.txt")).unwrap();
    std::fs::remove_file(d.join("old name.txt")).unwrap();
    w(
        "new name.txt",
        body.replace("line 15\n", "fifteen\n").as_bytes(),
    );
    std::fs::remove_file(d.join("dir/keep")).unwrap();
    w("dir/moved", body.as_bytes());
    w("added.txt", b"new\n");
    w("empty", b"");
    w("bin.dat", b"\0\x01\x03");
    w("nonl", b"a\nc");
    w("tab\there", b"y\n");
    common::git(d, &["add", "-A"]);
    common::git(d, &["update-index", "--chmod=+x", "mode.sh"]);
    let expected = common::git(d, &["diff", "--cached", "-M"]);
    let text = String::from_utf8_lossy(&expected).to_string();
    for needle in [
        "rename from old name.txt",
        "--- a/old name.txt\t",
        "Binary files a/bin.dat and b/bin.dat differ",
        "new mode 100755",
        "\\ No newline at end of file",
        "diff --git \"a/tab\\there\" \"b/tab\\there\"",
        "@@ -1,7 +1,7 @@",
    ] {
        assert!(text.contains(needle), "fixture lacks {needle:?}:\n{text}");
    }
    let ours = rebuild(d, &[], &Options::default());
    assert_eq!(
        String::from_utf8_lossy(&ours),
        String::from_utf8_lossy(&expected)
    );
    // With -w, a whitespace-only change disappears entirely, but a mode change keeps its
    // header.
    w(
        "mod.txt",
        b"int main(void)\n{\n  a();\n    B();\n  c();\n  d();\n}\n",
    );
    w("nonl", b"a\n c");
    w("tab\there", b"y \n");
    common::git(d, &["add", "-A"]);
    common::git(d, &["commit", "-q", "-m", "two"]);
    w(
        "mod.txt",
        b"int main(void)\n{\n  a();\n  B();\n  c();\n  d();\n}\n",
    );
    w("nonl", b"a\nc\n");
    w("tab\there", b"y\n");
    w("mode.sh", b"#!/bin/sh\necho  hi\n");
    common::git(d, &["add", "-A"]);
    common::git(d, &["update-index", "--chmod=+x", "mode.sh"]);
    let expected = common::git(d, &["diff", "--cached", "-M", "-w"]);
    let text = String::from_utf8_lossy(&expected).to_string();
    assert!(text.contains("new mode 100755"), "{text}");
    assert!(!text.contains("mod.txt"), "{text}");
    let opts = Options {
        whitespace: oxgit::diff::line::Whitespace::IgnoreAllSpace,
        ..Options::default()
    };
    let ours = rebuild(d, &[], &opts);
    assert_eq!(String::from_utf8_lossy(&ours), text);
}
