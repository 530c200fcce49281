//! `oxgit for-each-ref` against `git for-each-ref`: atoms, quoting, sorting, filters,
//! errors and exit status, on repositories with packed and loose refs, tags of tags,
//! upstreams and symbolic refs.

mod common;
use common::*;

/// Formats covering every atom oxgit implements, with their modifiers.
const FORMATS: &[&str] = &[
    "%(refname)|%(refname:short)|%(refname:lstrip=2)|%(refname:lstrip=-1)|%(refname:rstrip=1)|%(refname:rstrip=-2)|%(refname:strip=1)|%(refname:lstrip=9)",
    "%(objectname)|%(objectname:short)|%(objectname:short=5)|%(objectname:short=1)|%(objecttype)|%(objectsize)",
    "%(*objectname)|%(*objecttype)|%(*objectsize)|%(*objectname:short)|%(*refname)|%(*subject)|%(*authorname)",
    "%(tree)|%(tree:short)|%(parent)|%(parent:short=6)|%(numparent)|%(object)|%(type)|%(tag)",
    "%(author)|%(authorname)|%(authoremail)|%(authoremail:trim)|%(authoremail:localpart)|%(authordate)",
    "%(committer)|%(committername)|%(committeremail:trim,localpart)|%(committerdate)|%(committerdate:raw)|%(committerdate:unix)",
    "%(tagger)|%(taggername)|%(taggeremail)|%(taggerdate)|%(taggerdate:raw)|%(creator)|%(creatordate)|%(creatordate:unix)|%(authordate:default)",
    "[%(subject)]",
    "[%(body)]",
    "[%(contents)]",
    "[%(contents:subject)]|[%(contents:body)]|[%(contents:signature)]|%(contents:size)",
    "[%(contents:lines=1)][%(contents:lines=2)][%(contents:lines=0)][%(contents:lines=9)]",
    "%(upstream)|%(upstream:short)|%(upstream:lstrip=2)|%(upstream:track)|%(upstream:trackshort)|%(upstream:track,nobracket)|%(upstream:remotename)|%(upstream:remoteref)",
    "%(push)|%(push:short)|%(push:track)|%(push:trackshort)|%(push:remotename)",
    "%(HEAD)%(refname)|%(symref)|%(symref:short)|%(flag)",
    "%(if)%(symref)%(then)sym %(symref)%(else)plain%(end) %(refname)",
    "%(if:equals=commit)%(objecttype)%(then)C%(else)%(if:notequals=tag)%(objecttype)%(then)other%(else)T%(end)%(end)",
    "%(if)%(upstream)%(then)%(upstream:track)%(end)|%(if) %(then)space%(end)",
    "%(align:20)%(refname:short)%(end)|%(align:30,right)%(objectname:short)%(end)|%(align:position=middle,width=17)%(objecttype)%(end)|",
    "%(align:5)%(refname)%(end)|%(align:width=12,left)%(if)%(symref)%(then)S%(else)-%(end)%(end)",
    "%% %xx %41%(refname)%0a%%(refname) 100%",
    "%(raw:size) %(*raw:size)",
    "%(color:red)%(refname)%(color:reset) %(color:bold blue ul)",
    "%(ahead-behind:main) %(ahead-behind:HEAD~2)",
    "",
];

fn for_each(dir: &std::path::Path, extra: &[&str]) {
    let mut args = vec!["for-each-ref"];
    args.extend_from_slice(extra);
    assert_same_stderr(dir, &args);
}

#[test]
fn every_atom_matches_git() {
    let dir = fixture("refs-format");
    for format in FORMATS {
        let f = format!("--format={format}");
        for_each(&dir, &[&f]);
    }
    for_each(&dir, &[]);
    for_each(
        &dir,
        &["--format=%(raw)", "refs/heads/main", "refs/tags/v1.2"],
    );
}

#[test]
fn quoting_styles_match_git() {
    let dir = fixture("refs-format");
    for style in ["--shell", "-s", "--perl", "-p", "--python", "--tcl"] {
        for format in [
            "%(refname) %(subject) %(body)",
            "x %(if)%(symref)%(then)%(symref)%(else)%(objecttype)%(end) %(align:15)%(refname:short)%(end)",
            "%(contents)",
        ] {
            for_each(&dir, &[style, "--format", format]);
        }
    }
    for_each(&dir, &["--perl", "--format=%(raw)"]);
}

#[test]
fn sorting_matches_git() {
    let dir = fixture("refs-format");
    for keys in [
        &["--sort=refname"][..],
        &["--sort=-refname"],
        &["--sort=objectname"],
        &["--sort=objecttype", "--sort=-objectsize"],
        &["--sort=version:refname"],
        &["--sort=-v:refname"],
        &["--sort=v:refname", "--sort=objecttype"],
        &["--sort=creatordate"],
        &["--sort=-committerdate"],
        &["--sort=taggerdate", "--sort=*authordate"],
        &["--sort=*subject"],
        &["--sort=upstream:track"],
        &["--sort=numparent", "--sort=-numparent"],
        &["--sort=authoremail"],
        &["--sort=refname", "--ignore-case"],
        &["--sort=-refname", "--ignore-case"],
        &["--ignore-case"],
        &["--sort=contents:size"],
        &["--sort=subject", "--no-sort"],
    ] {
        let mut args = keys.to_vec();
        args.push("--format=%(refname) %(objectname:short) %(*objectname:short)");
        for_each(&dir, &args);
    }
}

#[test]
fn filters_match_git() {
    let dir = fixture("refs-format");
    for args in [
        &["refs/heads"][..],
        &["refs/heads/"],
        &["refs/head"],
        &["refs/tags/v1*"],
        &["refs/*/main"],
        &["refs/tags/v1.2", "refs/remotes"],
        &["refs/heads/ALPHA", "--ignore-case"],
        &["REFS/TAGS", "--ignore-case"],
        &["--exclude=refs/tags", "--exclude=refs/remotes/*/HEAD"],
        &["refs/heads", "--exclude", "refs/heads/a*"],
        &["--count=3"],
        &["--count=3", "--sort=-refname"],
        &["--count=0"],
        &["--points-at=HEAD"],
        &["--points-at=main~3", "--points-at", "v2.0"],
        &["--points-at=HEAD^{tree}"],
        &["--merged"],
        &["--merged=feature"],
        &["--merged=main", "--merged=diverged"],
        &["--no-merged=main"],
        &["--contains=main~3"],
        &["--contains", "main~1", "--contains=diverged"],
        &["--no-contains=main~2"],
        &[
            "--contains=main~4",
            "--no-contains=main",
            "--merged=feature",
        ],
        &["--omit-empty", "--format=%(upstream)"],
        &["--format=%(upstream)"],
    ] {
        for_each(&dir, args);
    }
    assert_same_with_input(
        &dir,
        &["for-each-ref", "--stdin", "--format=%(refname)"],
        b"refs/tags\nrefs/heads/f*\n",
    );
}

#[test]
fn refs_repos_layouts_match_git() {
    let root = fixture("refs-repos");
    for repo in [
        "main", "corrupt", "detached", "bare.git", "wt", "sha256", "unborn",
    ] {
        let dir = root.join(repo);
        for_each(&dir, &[]);
        for_each(&dir, &["--format=%(refname:short) %(upstream:short) %(upstream:track) %(symref) %(HEAD) %(*objecttype)"]);
        for_each(
            &dir,
            &[
                "--sort=-v:refname",
                "--format=%(refname:lstrip=-1)",
                "refs/tags",
            ],
        );
    }
}

#[test]
fn errors_match_git() {
    let dir = fixture("refs-format");
    for format in [
        "%(foo",
        "%(foo)",
        "%(refname:bar)",
        "%(refname:lstrip=x)",
        "%(objectname:short=0)",
        "%(objectname:long)",
        "%(if)x",
        "%(then)",
        "%(else)",
        "%(end)",
        "%(if)%(then)%(then)%(end)",
        "%(if)%(then)%(else)%(else)%(end)",
        "%(if)%(else)%(end)",
        "%(if:bogus)%(then)%(end)",
        "%(align)",
        "%(align:x)",
        "%(align:left)",
        "%(align:position=up,5)",
        "%(align:width=x)",
        "%(color:bogus)",
        "%(color)",
        "%(rest)",
        "%(authordate:foo)",
        "%(contents:lines=x)",
        "%(contents:foo)",
        "%(*)",
        "%(body:x)",
        "%(HEAD:x)",
        "%(objecttype:x)",
        "%(objectsize:x)",
        "%(subject:x)",
        "%(upstream:foo)",
        "%(align:5)x",
        "%(ahead-behind)",
        "%(ahead-behind:nope)",
        "%(raw)",
    ] {
        let f = format!("--format={format}");
        for_each(&dir, &[&f, "--shell"]);
    }
    for args in [
        &["--count=-1"][..],
        &["--count=x"],
        &["--sort=foo"],
        &["--sort=refname:x"],
        &["-s", "-p"],
        &["--shell", "--tcl", "--no-tcl"],
        &["--merged=nope"],
        &["--merged=HEAD:a"],
        &["--no-merged=v2.0^{tree}"],
        &["--contains=nope"],
        &["--contains=lightblob"],
        &["--points-at=nope"],
        &["--bogus"],
        &["--stdin", "refs/heads"],
        &["--color=sometimes"],
        &["-h"],
    ] {
        for_each(&dir, args);
    }
}

#[test]
fn unimplemented_atoms_are_refused_not_guessed() {
    let dir = fixture("refs-format");
    for format in [
        "%(authordate:iso)",
        "%(creatordate:relative)",
        "%(taggerdate:format:%Y)",
        "%(committerdate:short-local)",
        "%(describe)",
        "%(trailers)",
        "%(contents:trailers)",
        "%(signature)",
        "%(worktreepath)",
        "%(authorname:mailmap)",
        "%(subject:sanitize)",
    ] {
        let out = run(
            {
                let mut c = oxgit_cmd(&dir);
                c.args(["for-each-ref", &format!("--format={format}")]);
                c
            },
            b"",
        );
        assert_eq!(out.status.code(), Some(128), "{format}");
        assert!(out.stdout.is_empty(), "{format}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("not supported by oxgit"), "{format}: {err}");
        // git itself accepts them.
        git(&dir, &["for-each-ref", &format!("--format={format}")]);
    }
}

#[test]
fn show_ref_on_the_format_fixture() {
    let dir = fixture("refs-format");
    for args in [
        &["show-ref"][..],
        &["show-ref", "-d", "--head"],
        &["show-ref", "--tags", "-d", "v1.2"],
        &[
            "show-ref",
            "--verify",
            "refs/heads/alias2",
            "refs/tags/outermost",
            "-d",
        ],
        &["show-ref", "--exists", "refs/heads/alias2"],
        &["show-ref", "origin/HEAD", "-s"],
    ] {
        assert_same_stderr(&dir, args);
    }
}
