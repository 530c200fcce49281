//! Differential tests: `oxgit rev-parse` against git 2.47 on the `refs-repos` fixture
//! (stdout and exit status byte for byte).

mod common;

use common::{assert_same, fixture};
use std::path::{Path, PathBuf};

fn repos() -> PathBuf {
    fixture("refs-repos")
}

fn info(name: &str) -> String {
    std::fs::read_to_string(repos().join("info").join(name))
        .unwrap()
        .trim()
        .to_string()
}

/// Runs every whitespace-separated argument list of `cases` in `dir`.
fn check_all(dir: &Path, cases: &[String]) {
    for case in cases {
        let args: Vec<&str> = std::iter::once("rev-parse")
            .chain(case.split_whitespace())
            .collect();
        assert_same(dir, &args);
    }
}

fn strings(cases: &[&str]) -> Vec<String> {
    cases.iter().map(|s| s.to_string()).collect()
}

#[test]
fn plain_names_refs_and_lookup_order() {
    let main = repos().join("main");
    check_all(
        &main,
        &strings(&[
            "HEAD",
            "@",
            "main",
            "heads/main",
            "refs/heads/main",
            "side feature/y feature/deep/x",
            "rel/v1/final",
            "custom/thing",
            "refs/custom/thing",
            "up",
            "up/main",
            "lone",
            "lone/main",
            "remotes/up/HEAD",
            "dup",
            "tags/dup",
            "heads/dup",
            "light",
            "loose-only",
            "v1 t1 t2 t3",
            "s1",
            "s0",
            "s4",
            "nope",
            "main nope",
            "--verify nope",
            "-q --verify nope",
            "--quiet --verify main nope",
            "--verify main",
            "--verify main side",
            "--verify",
            "--verify -q",
            "HEAD -- README",
            "-- HEAD",
            "nope -- README",
            "README HEAD",
            "README nope",
            "README --foo",
            "--foo --bar=1 HEAD",
            "--verify --foo HEAD",
            "src",
            "..",
            "'*.rs'",
            "--end-of-options HEAD",
            "--end-of-options --verify",
            "--not HEAD ^side",
            "^HEAD",
            "--verify ^HEAD",
            "--default HEAD",
            "--default nope",
            "--verify --default main",
            "--verify --default nope",
            "--revs-only HEAD README --foo",
            "--no-revs HEAD README --foo",
            "--flags HEAD --foo",
            "--no-flags HEAD --foo",
            "main-worktree/HEAD",
            "worktrees/wt/HEAD",
            "worktrees/wt-detached/HEAD",
            "refs/bisect/bad",
            "HEAD@{0}x",
            "main@{",
            "@@",
            "/main",
            "heads//main",
            "main/",
            ".",
            "refs/heads/../heads/main",
            "config",
            "objects",
        ]),
    );
}

#[test]
fn hex_ids_full_abbreviated_and_ambiguous() {
    let main = repos().join("main");
    let ambig = info("ambig4");
    let ambig_ref = info("ambig4ref");
    let commit = info("commit4");
    let uniq = info("uniq6");
    let head3 = String::from_utf8(common::git(&main, &["rev-parse", "HEAD~3"])).unwrap();
    let head3 = head3.trim();
    let upper = head3.to_uppercase();
    let cases = vec![
        ambig.clone(),
        format!("--verify {ambig}"),
        format!("-q --verify {ambig}"),
        format!("{ambig}^{{blob}}"),
        format!("{ambig}^{{commit}}"),
        format!("{ambig}:README"),
        ambig_ref.clone(),
        format!("--verify {ambig_ref}"),
        commit.clone(),
        format!("{commit}^{{commit}}"),
        format!("{commit}^{{tree}}"),
        format!("{commit}^{{blob}}"),
        format!("{commit}^{{}}"),
        format!("{commit}~1"),
        format!("{commit}^0"),
        format!("{commit}^"),
        format!("{commit}:README"),
        format!("{commit}:nope"),
        format!("{commit}..HEAD"),
        format!("v1.0-3-g{commit}"),
        format!("x-g{uniq}"),
        format!("x-g{ambig}"),
        uniq.clone(),
        format!("--short {uniq}"),
        format!("--symbolic-full-name {uniq}"),
        format!("--abbrev-ref {uniq}"),
        head3.to_string(),
        upper.clone(),
        format!("{upper}~1"),
        format!("--symbolic-full-name {head3}"),
        format!("--verify {head3}"),
        head3[..39].to_string(),
        head3[..3].to_string(),
        "0000000000000000000000000000000000000000".to_string(),
        "--verify 0000000000000000000000000000000000000000".to_string(),
        "0000000000000000000000000000000000000000^{}".to_string(),
        "0000000000000000000000000000000000000000~1".to_string(),
        "00000000000000000000000000000000000000001".to_string(),
        "--short HEAD".to_string(),
        "--short=4 HEAD".to_string(),
        format!("--short=4 {commit}"),
        format!("--short=4 {ambig}"),
        format!("--disambiguate={ambig}"),
        format!("--disambiguate={}", ambig.to_uppercase()),
        format!("--disambiguate={commit}"),
        format!("--disambiguate={ambig} HEAD"),
        format!("--disambiguate {ambig}"),
        "--short=0 HEAD".to_string(),
        "--short=3 HEAD".to_string(),
        "--short=12 HEAD".to_string(),
        "--short=40 HEAD".to_string(),
        "--short=99 HEAD".to_string(),
        "--short=x HEAD".to_string(),
        "--short".to_string(),
        "--short HEAD side".to_string(),
        "--shortx HEAD".to_string(),
    ];
    check_all(&main, &cases);
    // core.disambiguate picks among objects sharing a prefix when the context does not.
    let disamb: Vec<String> = [
        commit.clone(),
        ambig.clone(),
        format!("{commit}^{{blob}}"),
        format!("{commit}^{{tree}}"),
        format!("--verify {commit}"),
        format!("--short {commit}"),
    ]
    .into_iter()
    .collect();
    check_all(&repos().join("disamb"), &disamb);
}

#[test]
fn navigation_and_peeling() {
    let main = repos().join("main");
    check_all(
        &main,
        &strings(&[
            "HEAD^ HEAD^1 HEAD^0 HEAD~ HEAD~0 HEAD~1 HEAD~2",
            "HEAD^^^ HEAD~3 HEAD~20 HEAD^2",
            "HEAD~1^2 HEAD~1^3 HEAD~1^4 HEAD~2^2 HEAD~2^2~1 HEAD~1^2~1",
            "HEAD~1^00 HEAD^001",
            "HEAD~2147483647",
            "HEAD~2147483648",
            "HEAD~4294967296",
            "HEAD~99999999999999999999",
            "HEAD^99999999999999999999",
            "HEAD^{tree} HEAD^{commit} HEAD^{} HEAD^{object}",
            "HEAD^{blob}",
            "HEAD^{tag}",
            "HEAD^{tree}^{tree}",
            "HEAD^{tree}^{commit}",
            "HEAD^{tree}~1",
            "HEAD^{tree}}",
            "HEAD^{commit}xyz}",
            "HEAD^{",
            "HEAD^{}}",
            "HEAD^{foo}",
            "HEAD^{^{}}",
            "^{}",
            "HEAD^{}^{}^{}^{}",
            "t3 t3^{} t3^{tag} t3^{commit} t3^{tree} t3^{object} t3~1 t3^0 t3^ t3^2",
            "t2^{tag} t1^{}",
            "treetag treetag^{} treetag^{tree} treetag^{commit} treetag^{blob} treetag~1",
            "blobtag blobtag^{} blobtag^{blob} blobtag^{tree} blobtag^0",
            "lightblob lightblob^{tree} lightblob^{object} lightblob~1",
            "v1^{} v1~0 v1^0",
            "dup~1 tags/dup^0 heads/dup~1",
            "HEAD..side",
            "side..",
            "..side",
            "HEAD...",
            "side...side",
            "main...side side...main ...side",
            "--symbolic main...side",
            "nope..HEAD",
            "HEAD..nope",
            "HEAD^@ HEAD~1^@ t3^@",
            "HEAD~1^! HEAD~1^- HEAD~1^-2 HEAD~1^-3 HEAD~1^-4 HEAD~1^-0",
            "HEAD^@x",
            "HEAD~1^-x",
            "--symbolic HEAD~1^@",
            "--symbolic HEAD~1^! main..side",
        ]),
    );
}

#[test]
fn tree_paths() {
    let main = repos().join("main");
    check_all(
        &main,
        &strings(&[
            "HEAD:README HEAD:src HEAD:src/main.rs HEAD:src/deep/x.txt",
            "HEAD: HEAD^{tree}: t3: treetag: treetag:src",
            "HEAD:src/ HEAD:src/deep/",
            "HEAD:src//main.rs",
            "HEAD:/src",
            "HEAD:README/",
            "HEAD:src/main.rs/x",
            "HEAD:we:ird",
            "HEAD:a~1",
            "HEAD:nope",
            "HEAD:src/nope",
            "HEAD:README",
            "HEAD~5:docs/guide.md HEAD~5:final.txt",
            "HEAD:final.txt",
            "--verify HEAD:nope",
            "-q --verify HEAD:nope",
            "blobtag:x",
            "lightblob:",
            "nope:README",
            "HEAD:./README",
            "HEAD:./src/../README",
            "HEAD:../README",
            "HEAD^{/c1}x:README",
        ]),
    );
    // From a subfolder: ./ and ../ paths are relative to it.
    let sub = main.join("src");
    check_all(
        &sub,
        &strings(&[
            "HEAD:./main.rs",
            "HEAD:../README",
            "HEAD:./deep/x.txt",
            "HEAD:./",
            "HEAD:main.rs",
            "HEAD:./nope",
            "HEAD:../../x",
            "main.rs",
            "deep",
            "HEAD main.rs",
            "--show-prefix",
            "--show-cdup",
            "--git-dir",
            "--absolute-git-dir",
            "--show-toplevel",
            "--is-inside-work-tree",
            "--is-inside-git-dir",
            "--is-bare-repository",
        ]),
    );
    check_all(
        &main.join("src/deep"),
        &strings(&["HEAD:./x.txt", "--show-cdup", "--show-prefix"]),
    );
}

#[test]
fn symbolic_names_and_abbrev_ref() {
    let main = repos().join("main");
    check_all(
        &main,
        &strings(&[
            "--symbolic-full-name HEAD",
            "--symbolic-full-name @",
            "--symbolic-full-name main side feature/deep/x",
            "--symbolic-full-name dup",
            "--symbolic-full-name up",
            "--symbolic-full-name s1",
            "--symbolic-full-name HEAD~1",
            "--symbolic-full-name ^HEAD~1",
            "--symbolic-full-name ^main",
            "--symbolic-full-name v1 t3",
            "--symbolic-full-name --verify main",
            "--abbrev-ref HEAD",
            "--abbrev-ref main side feature/deep/x",
            "--abbrev-ref dup",
            "--abbrev-ref heads/dup tags/dup refs/heads/dup",
            "--abbrev-ref=loose heads/dup",
            "--abbrev-ref=strict refs/heads/dup",
            "--abbrev-ref=bogus HEAD",
            "--abbrev-ref up up/main lone/main",
            "--abbrev-ref s1",
            "--abbrev-ref custom/thing",
            "--abbrev-ref rel/v1/final",
            "--symbolic HEAD main~1 ^side",
            "--all",
            "--branches",
            "--tags",
            "--remotes",
            "--symbolic --all",
            "--symbolic-full-name --all",
            "--abbrev-ref --all",
            "--short --all",
        ]),
    );
}

#[test]
fn repository_layouts() {
    let r = repos();
    let everywhere = strings(&[
        "HEAD",
        "--verify HEAD",
        "-q --verify HEAD",
        "HEAD~1",
        "main",
        "side",
        "--symbolic-full-name HEAD",
        "--abbrev-ref HEAD",
        "--git-dir",
        "--absolute-git-dir",
        "--is-bare-repository",
        "--is-inside-work-tree",
        "--is-inside-git-dir",
        "--show-toplevel",
        "--show-prefix",
        "--show-cdup",
        "--git-dir --show-toplevel --is-inside-work-tree",
        "refs/bisect/bad",
        "refs/worktree/mine",
        "main-worktree/HEAD",
        "worktrees/wt/HEAD",
        "origin",
        "origin/main",
        "--abbrev-ref origin/main",
        "--symbolic-full-name origin",
        "--all",
        "--remotes",
        "v1^{}",
        "t3",
        "HEAD:README",
    ]);
    for dir in [
        "main",
        "wt",
        "wt-detached",
        "bare.git",
        "detached",
        "unborn",
        "noconfig",
        "main/.git",
        "main/.git/refs",
        "bare.git/refs",
        "wt/src",
    ] {
        check_all(&r.join(dir), &everywhere);
    }
    check_all(
        &r.join("unborn"),
        &strings(&[
            "@",
            "main",
            "HEAD^{tree}",
            "--symbolic-full-name main",
            "nope",
        ]),
    );
}

#[test]
fn corrupt_refs() {
    let r = repos();
    check_all(
        &r.join("corrupt"),
        &strings(&[
            "broken",
            "heads/broken",
            "refs/heads/broken",
            "dangling",
            "refs/heads/dangling",
            "ok",
            "HEAD",
            "--all",
            "--branches",
            "--symbolic-full-name dangling",
        ]),
    );
    check_all(
        &r.join("badpacked"),
        &strings(&["HEAD", "main", "v1", "--verify -q HEAD", "--git-dir"]),
    );
}

#[test]
fn outside_any_repository() {
    let dir = tempfile::tempdir().unwrap();
    check_all(
        dir.path(),
        &strings(&["HEAD", "--git-dir", "--verify -q HEAD"]),
    );
}

#[test]
fn reflog_selectors_and_previous_branches() {
    let r = repos();
    let mut cases = Vec::new();
    for spec in [
        "HEAD@{0}",
        "HEAD@{1}",
        "@{0}",
        "@{1}",
        "@{2}",
        "main@{3}",
        "main@{6}",
        "main@{7}",
        "main@{9}",
        "side@{1}",
        "side@{2}",
        "@{-1}",
        "@{-2}",
        "@{-3}",
        "@{-4}",
        "@{-9}",
        "@{-0}",
        "@{-1}~1",
        "@{-1}:README",
        "@{-1}@{1}",
        "dup@{0}",
        "dup@{1}",
        "v1@{0}",
        "nope@{0}",
        "@{0}@{0}",
        "HEAD@{1}~1",
        "HEAD@{1}^{tree}",
        "main@{1}:README",
        "HEAD@{99999999}",
        "HEAD@{14}",
        "HEAD@{15}",
        "HEAD@{16}",
        "heads/main@{2}",
        "refs/heads/main@{2}",
        "origin/main@{0}",
        "origin@{0}",
        "origin@{1}",
        "s1@{1}",
        "x@{-1}",
    ] {
        cases.push(spec.to_string());
        cases.push(format!("--verify -q {spec}"));
        cases.push(format!("--symbolic-full-name {spec}"));
    }
    for dir in ["main", "wt", "detached", "bare.git", "unborn"] {
        check_all(&r.join(dir), &cases);
    }
}

#[test]
fn repository_facts_quoting_and_counts() {
    let r = repos();
    let cases = strings(&[
        "--git-common-dir",
        "--show-object-format",
        "--show-object-format=input",
        "--show-object-format=bogus",
        "--show-ref-format",
        "--is-shallow-repository",
        "--sq-quote a'b c",
        "--sq-quote",
        "--sq HEAD --foo",
        "--sq HEAD a'b --foo",
        "--sq --verify HEAD",
        "--sq --short HEAD",
        "--sq --symbolic ^HEAD",
        "--sq --all",
        "--sq HEAD -- x",
        "-n 5 HEAD",
        "-n",
        "-n5 HEAD",
        "--verify -n 5 HEAD",
        "-h",
        "",
        "--local-env-vars",
        "--disambiguate=abc",
        "--disambiguate=zzzz",
        "--disambiguate=",
        "--disambiguate=0000",
        "--git-path hooks --git-path objects/info --git-path HEAD --git-path logs/HEAD",
        "--git-path logs/refs/heads/x --git-path refs/heads/x --git-path refs/bisect/x",
        "--git-path index --git-path config --git-path info/exclude --git-path packed-refs",
        "--git-path worktrees --git-path info/sparse-checkout --git-path logs/refs/bisect",
        "--git-path logsx --git-path refs/bisectx --git-path a/b",
        "--git-path",
        "--bisect",
        "--symbolic --bisect",
        "--resolve-git-dir .git",
        "--resolve-git-dir .",
        "--resolve-git-dir ../wt/.git",
        "--resolve-git-dir ../wt",
        "--resolve-git-dir ../bare.git",
        "--resolve-git-dir nope",
        "--resolve-git-dir",
        "--path-format=relative --git-dir --git-common-dir --absolute-git-dir --git-path hooks",
        "--path-format=relative --git-path HEAD --git-path objects/x --show-toplevel",
        "--path-format=absolute --git-dir --git-common-dir --git-path hooks --git-path HEAD",
        "--path-format=absolute --show-toplevel",
        "--path-format=bogus --git-dir",
        "--keep-dashdash --stop-at-non-option --stuck-long --since --until",
        "--shared-index-path",
        "--exclude-hidden",
        "--prefix",
    ]);
    for dir in [
        "main",
        "main/src",
        "wt",
        "wt/src",
        "wt-detached",
        "bare.git",
        "main/.git",
        "main/.git/refs",
        "unborn",
    ] {
        check_all(&r.join(dir), &cases);
    }
}

#[test]
fn sha256_repository() {
    let dir = repos().join("sha256");
    let head = String::from_utf8(common::git(&dir, &["rev-parse", "HEAD"])).unwrap();
    let head = head.trim();
    assert_eq!(head.len(), 64);
    let cases = vec![
        "HEAD".to_string(),
        "HEAD~1 HEAD^^ HEAD~3".to_string(),
        "v1 v1^{} v1^{tree} v1:a.txt v1:d topic".to_string(),
        "--short HEAD".to_string(),
        "--short=64 HEAD".to_string(),
        "--short=70 HEAD".to_string(),
        head.to_string(),
        head[..40].to_string(),
        format!("--verify {}", &head[..40]),
        head[..8].to_string(),
        format!("{}~1", &head[..10]),
        "HEAD@{1}".to_string(),
        "--symbolic-full-name topic".to_string(),
        "--show-object-format".to_string(),
        "--all".to_string(),
        "0000000000000000000000000000000000000000".to_string(),
    ];
    check_all(&dir, &cases);
}

#[test]
fn commit_message_searches() {
    let r = repos();
    let mut cases = Vec::new();
    for spec in [
        ":/c1",
        ":/c",
        ":/^c",
        ":/merge",
        ":/!-c",
        ":/!!x",
        ":/!x",
        ":/octo.*",
        ":/s[0-9]",
        ":/^probe",
        ":/nomatch",
        "HEAD^{/c1}",
        "HEAD^{/s1}",
        "t3^{/c}",
        "HEAD~2^{/s}",
        "HEAD^{/}",
        "treetag^{/c}",
        "HEAD^{/c1}~1",
        ":/c1:README",
        ":/c(1|2)",
        ":/(",
        ":/C1",
        "v1^{/c}",
        ":/a\\.b",
        ":/ma?erge",
        ":/^c[1-5]$",
        ":/s",
        ":/o",
        ":/e",
        ":/2",
        ":/^c[2-9]",
        ":/)",
        ":/c{1}",
        ":/c{",
        ":/\\c",
        ":/[]c]",
        ":/c**",
        ":/(|c)",
        ":/()",
        ":/|",
        ":/c5$",
        ":/s\\>",
        ":/\\<s",
        ":/\\w",
        ":/[[:digit:]]",
        ":/x{0}",
        ":/c{,2}",
        "HEAD^{/!-c}",
        "side^{/!-s}",
        ":/",
        "HEAD^{/c}}",
        ":/second",
        ":/first",
        ":/!-first",
        ":/^(c|s)[0-9]\n$",
    ] {
        cases.push(spec.to_string());
        cases.push(format!("--verify -q {spec}"));
    }
    for dir in ["main", "detached", "bare.git", "unborn", "sha256"] {
        for case in &cases {
            // Specs may contain spaces: pass them as one argument.
            let mut args = vec!["rev-parse"];
            args.extend(
                case.strip_prefix("--verify -q ")
                    .map_or(vec![case.as_str()], |s| vec!["--verify", "-q", s]),
            );
            assert_same(&r.join(dir), &args);
        }
    }
}

#[test]
fn upstream_branches() {
    let r = repos();
    let mut cases = Vec::new();
    for spec in [
        "@{u}",
        "@{upstream}",
        "HEAD@{u}",
        "main@{u}",
        "side@{u}",
        "side@{UPSTREAM}",
        "feature/y@{u}",
        "feature/y@{U}",
        "side2@{u}",
        "side3@{u}",
        "nope@{u}",
        "@{u}~1",
        "side@{u}^{tree}",
        "side@{u}:README",
        "@{-1}@{u}",
        "@{-4}@{u}",
        "side@{u}@{1}",
    ] {
        cases.push(spec.to_string());
        cases.push(format!("--verify -q {spec}"));
        cases.push(format!("--symbolic-full-name {spec}"));
        cases.push(format!("--abbrev-ref {spec}"));
    }
    for dir in ["main", "wt", "wt-detached", "detached", "bare.git"] {
        check_all(&r.join(dir), &cases);
    }
}

#[test]
fn ref_listings_globs_and_exclusions() {
    let r = repos();
    let cases = strings(&[
        "--symbolic --branches",
        "--symbolic --tags",
        "--symbolic --remotes",
        "--symbolic-full-name --branches",
        "--abbrev-ref --branches",
        "--symbolic --exclude=s* --branches",
        "--symbolic --exclude=refs/heads/s* --all",
        "--symbolic --exclude=refs/heads/s* --exclude=refs/tags/* --all --all",
        "--symbolic --branches=s* --glob=heads/f* --glob=refs/tags --branches=feature",
        "--symbolic --glob=refs/heads/s[0-9] --glob=refs/heads/s[!0-9]* --glob=refs/*/[[:digit:]]*",
        "--branches=s? --tags=rel --remotes=up --remotes=* --tags=t[1-2]",
        "--glob=nope --glob=refs/heads/[ --glob=heads",
        "--exclude=x",
        "--exclude --all",
        "--symbolic --exclude=* --tags --tags",
        "--verify --branches",
        "--short --branches",
    ]);
    for dir in ["main", "corrupt", "detached", "wt"] {
        check_all(&r.join(dir), &cases);
    }
}
